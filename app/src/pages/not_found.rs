//! The page for any address Shortlist does not know, answered with HTTP 404.

use super::components::ErrorPage;
use crate::error::AppError;
use leptos::prelude::*;

/// Shown for unknown routes.
#[component]
pub fn NotFound() -> impl IntoView {
    view! { <ErrorPage error=AppError::NotFound/> }
}
