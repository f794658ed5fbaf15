//! Gives server-function errors their real HTTP status.
//!
//! Leptos answers every error a server function returns with 500. Shortlist's errors know
//! their status (`AppError::status`: 404 not found, 401 sign in, 403 forbidden, 422 invalid
//! input), and a 500 for "check your email address" would tell monitoring and browsers that
//! Shortlist broke when the applicant merely mistyped. This layer reads the (small, JSON)
//! error body of a server-function error and sets the status it names. The body is unchanged,
//! so the client decodes the same error.
//!
//! Never logs the body (it may hold field messages about what a person typed).

use app::error::AppError;
use axum::{
    body::Body,
    extract::Request,
    http::StatusCode,
    middleware::Next,
    response::{IntoResponse as _, Response},
};

/// The largest error body read back (errors are a few hundred bytes).
const ERROR_BODY_LIMIT: usize = 64 * 1024;

/// Sets the status of a server function's error response from the error it carries.
pub(super) async fn server_fn_status(req: Request, next: Next) -> Response {
    let res = next.run(req).await;
    if res.status() != StatusCode::INTERNAL_SERVER_ERROR
        || !res.headers().contains_key("serverfnerror")
    {
        return res;
    }
    let (mut parts, body) = res.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, ERROR_BODY_LIMIT).await else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    if let Ok(error) = serde_json::from_slice::<AppError>(&bytes)
        && let Ok(status) = StatusCode::from_u16(error.status())
    {
        parts.status = status;
    }
    Response::from_parts(parts, Body::from(bytes))
}
