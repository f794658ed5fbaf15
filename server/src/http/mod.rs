//! The HTTP surface: Leptos pages and server functions, static files, `/healthz`, and the
//! layers every response passes through (security headers, request log).
//!
//! Services reach pages and server functions as Leptos context, provided on both the render
//! path and the server-function path from one closure, so the two can never disagree.

mod applying;
mod checks;
mod csrf;
mod errors;
mod headers;
mod health;
mod rights;
mod second_factor;
mod selection;
mod staff;
mod trace;
mod users;
mod vacancies;

use crate::{config::Config, db::Database, documents::Documents};
use app::ports::Services;
use axum::{
    Router,
    extract::FromRef,
    middleware,
    routing::{get, post},
};
use leptos::prelude::{LeptosOptions, provide_context};
use leptos_axum::{LeptosRoutes as _, generate_route_list};
use std::sync::Arc;

/// What handlers share.
#[derive(Clone, Debug)]
pub struct AppState {
    /// Leptos's own settings (site root, output name).
    pub leptos_options: LeptosOptions,
    /// The ports' implementations, handed to pages and server functions.
    pub services: Services,
    /// The database, for health checks.
    pub db: Database,
    /// Document storage, for health checks.
    pub documents: Documents,
    /// The configuration.
    pub config: Arc<Config>,
    /// How long staff sessions last.
    pub session_policy: crate::auth::sessions::SessionPolicy,
    /// Staff account management.
    pub staff_admin: crate::staff_admin::StaffAdmin,
    /// Second factors.
    pub second_factors: crate::auth::second_factor::SecondFactors,
    /// The application journey (for the resume link).
    pub applying: crate::applying::StoreApplying,
    /// The applicant portal (for the emailed portal link).
    pub portal: crate::portal::StorePortal,
    /// Selection decisions and the CV download.
    pub selection: crate::selection::StoreSelection,
    /// Vacancy management.
    pub vacancy_admin: crate::vacancy_admin::VacancyAdmin,
    /// Pre-employment checks and the hand-over of hires.
    pub checks: crate::checks::StoreChecks,
    /// References (HR's request for referees).
    pub references: crate::references::StoreReferences,
    /// Reserve-list invitations.
    pub reserve: crate::reserve::StoreReserve,
    /// The rights-request register's changes.
    pub rights: crate::rights::StoreRights,
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}

/// Builds the whole router.
pub fn router(state: AppState) -> Router {
    let routes = generate_route_list(app::App);
    let services = state.services.clone();
    let context = move || provide_context(services.clone());
    let shell_options = state.leptos_options.clone();
    let behind_tls = state.config.behind_tls();
    let own = csrf::OwnOrigin {
        origin: state.config.public_url.origin().ascii_serialization().into(),
        scheme: state.config.public_url.scheme().into(),
    };
    Router::new()
        .route("/healthz", get(health::healthz))
        .route("/staff/sign-in", post(staff::sign_in))
        .route("/staff/sign-out", post(staff::sign_out))
        .route("/staff/set-password", post(staff::set_password))
        .route("/staff/audit.csv", get(staff::audit_csv))
        .route("/staff/retention/schedule.csv", get(staff::retention_schedule_csv))
        .route("/staff/reports/funnel.csv", get(staff::funnel_csv))
        .route("/staff/reports/diversity.csv", get(staff::diversity_csv))
        .route("/staff/sign-in/code", post(second_factor::sign_in_code))
        .route("/staff/two-factor/start", post(second_factor::start))
        .route("/staff/two-factor/confirm", post(second_factor::confirm))
        .route("/staff/users/invite", post(users::invite))
        .route("/staff/users/{id}/role", post(users::change_role))
        .route("/staff/users/{id}/assign", post(users::assign))
        .route("/staff/users/{id}/unassign", post(users::unassign))
        .route("/staff/users/{id}/resend", post(users::resend))
        .route("/staff/users/{id}/reset-two-factor", post(users::reset_two_factor))
        .route("/staff/users/{id}/deactivate", post(users::deactivate))
        .route("/staff/settings/two-factor", post(users::require_two_factor))
        .route("/staff/settings/privacy-notice", post(users::privacy_notice))
        .route("/staff/settings/rejections/letter", post(users::rejection_letter))
        .route("/staff/settings/rejections/reasons", post(users::add_rejection_reason))
        .route(
            "/staff/settings/rejections/reasons/{code}/retire",
            post(users::retire_rejection_reason),
        )
        .route("/staff/vacancies/new", post(vacancies::create))
        .route("/staff/vacancies/{id}", post(vacancies::update))
        .route("/staff/vacancies/{id}/publish", post(vacancies::publish))
        .route("/staff/vacancies/{id}/close", post(vacancies::close))
        .route("/staff/vacancies/{id}/reject", post(selection::bulk_reject))
        .route(
            "/staff/vacancies/{id}/reserve-list/{application}/invite",
            post(vacancies::invite_from_reserve_list),
        )
        .route("/staff/candidates/{id}/scores", post(selection::scores))
        .route("/staff/candidates/{id}/notes", post(selection::note))
        .route("/staff/candidates/{id}/moderate", post(selection::moderate))
        .route("/staff/candidates/{id}/final-score", post(selection::final_score))
        .route("/staff/candidates/{id}/move", post(selection::move_to))
        .route("/staff/candidates/{id}/reject", post(selection::reject))
        .route("/staff/candidates/{id}/appointable", post(selection::appointable))
        .route("/staff/candidates/{id}/withdraw", post(selection::withdraw))
        .route("/staff/candidates/{id}/offer", post(selection::offer))
        .route("/staff/candidates/{id}/interview", post(selection::interview))
        .route("/staff/candidates/{id}/reveal", post(selection::reveal))
        .route("/staff/candidates/{id}/cv", get(selection::cv))
        .route("/staff/candidates/{id}/hold", post(selection::hold))
        // The evidence can be as large as a CV: the body limit layer below bounds it, not
        // axum's 2 MB default for multipart.
        .route(
            "/staff/candidates/{id}/right-to-work",
            post(checks::right_to_work).layer(axum::extract::DefaultBodyLimit::disable()),
        )
        .route("/staff/candidates/{id}/right-to-work/evidence", get(checks::evidence))
        .route("/staff/candidates/{id}/dbs", post(checks::dbs))
        .route("/staff/candidates/{id}/hire.json", get(checks::export_json))
        .route("/staff/candidates/{id}/hire.csv", get(checks::export_csv))
        .route("/staff/candidates/{id}/hand-over", post(checks::hand_over))
        .route("/staff/candidates/{id}/references/request", post(checks::request_references))
        .route("/staff/candidates/{id}/references/send", post(checks::send_references))
        .route("/staff/vacancies/{id}/hold", post(selection::hold_vacancy))
        .route("/staff/holds/{id}/release", post(selection::release_hold))
        .route("/staff/rights", post(rights::log))
        .route("/staff/rights/{id}/extend", post(rights::extend))
        .route("/staff/rights/{id}/close", post(rights::close))
        .route("/staff/rights/{id}/bundle", get(rights::review_copy))
        .route("/staff/rights/{id}/release", post(rights::release))
        .route("/staff/rights/{id}/erase", post(rights::erase))
        .route("/staff/rights/{id}/rectify", post(rights::rectify))
        .route("/staff/rights/{id}/withdraw-consent", post(rights::withdraw_consents))
        .route("/portal/data/download", get(rights::portal_copy))
        .route("/portal/data/download/{reference}", get(rights::portal_released_copy))
        .route("/portal/erase", post(rights::portal_erase))
        .route("/apply/resume/{token}", get(applying::resume))
        .route("/portal/open/{token}", get(applying::open_portal))
        .leptos_routes_with_context(&state, routes, context.clone(), move || {
            app::shell(shell_options.clone())
        })
        .fallback(leptos_axum::file_and_error_handler_with_context::<AppState, _>(
            context,
            app::shell,
        ))
        .layer(middleware::from_fn(errors::server_fn_status))
        .layer(middleware::from_fn_with_state(state.clone(), staff::resolve_actor))
        .layer(middleware::from_fn_with_state(
            applying::BodyLimits::new(state.config.applying.upload_limit),
            applying::limit_bodies,
        ))
        .layer(middleware::from_fn_with_state(own, csrf::same_origin_only))
        .layer(middleware::from_fn_with_state(behind_tls, headers::security_headers))
        .layer(middleware::from_fn(trace::log_request))
        .with_state(state)
}
