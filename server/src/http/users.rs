//! User management form posts for HR administrators: invite, change role, assign to and
//! remove from vacancies, resend an invitation, reset a second factor, deactivate, and the
//! organisation's two-factor requirement.
//!
//! Plain form posts (Post/Redirect/Get), so they work the same with JavaScript on or off. Each
//! handler authorises first; problems go back to the form as codes (`?error=…`), never as the
//! text a person typed, so nothing personal lands in a URL or a log.

use super::AppState;
use crate::staff_admin::{Context, Refusal};
use app::domain::{
    StaffId, VacancyId,
    access::{Action, Actor, VacancyRole, authorise},
    staff::{FormProblem, Invitation, parse_role, problem_codes},
};
use app::error::AppError;
use axum::{
    Extension, Form,
    extract::{ConnectInfo, Path, State},
    http::StatusCode,
    response::{IntoResponse as _, Redirect, Response},
};
use serde::Deserialize;
use std::net::SocketAddr;

/// A refusal as a response: the status that describes it and a short page that says what to
/// do. Used by every staff form handler.
pub fn refuse(e: &AppError) -> Response {
    let status = StatusCode::from_u16(e.status()).unwrap_or(StatusCode::FORBIDDEN);
    let next = match e {
        AppError::SignInRequired => "<a href=\"/staff/sign-in\">Sign in</a> to continue.",
        _ => "<a href=\"/staff\">Go to the staff home page</a>.",
    };
    let body = format!(
        "<!doctype html><html lang=\"en-GB\"><title>{e}</title><h1>{e}</h1><p>{next}</p></html>"
    );
    (status, [(axum::http::header::CONTENT_TYPE, "text/html; charset=utf-8")], body).into_response()
}

/// The administrator's context for the audit log, once authorised for `action`.
fn context(
    state: &AppState,
    actor: &Actor,
    peer: SocketAddr,
    action: Action,
) -> Result<Context, AppError> {
    authorise(actor, action)?;
    let Actor::Staff(me) = actor else { return Err(AppError::SignInRequired) };
    Ok(Context { by: me.id, client: peer.ip().to_string(), now: state.services.clock.now() })
}

/// A failure below the handler (database, storage) as a 503; the cause goes to the log once.
pub fn unavailable(e: &impl std::fmt::Display) -> Response {
    tracing::error!(error = %e, "staff request failed");
    StatusCode::SERVICE_UNAVAILABLE.into_response()
}

fn back_with(path: &str, problems: &[FormProblem]) -> Response {
    Redirect::to(&format!("{path}?error={}", problem_codes(problems))).into_response()
}

fn account_page(id: StaffId) -> String {
    format!("/staff/users/{id}")
}

fn problem(r: Refusal) -> Option<FormProblem> {
    match r {
        Refusal::NotFound => None,
        Refusal::EmailTaken => Some(FormProblem::EmailTaken),
        Refusal::OwnAccount => Some(FormProblem::OwnAccount),
        Refusal::Deactivated => Some(FormProblem::Deactivated),
        Refusal::AlreadyActive => Some(FormProblem::AlreadyActive),
        Refusal::UnknownVacancy => Some(FormProblem::Vacancy),
    }
}

fn parse_id(text: &str) -> Option<StaffId> {
    text.parse().ok()
}

/// The invitation form.
#[derive(Deserialize)]
pub struct InviteForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    role: String,
}

/// `POST /staff/users/invite`.
pub async fn invite(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Extension(actor): Extension<Actor>,
    Form(form): Form<InviteForm>,
) -> Response {
    let cx = match context(&state, &actor, peer, Action::ManageStaff) {
        Ok(cx) => cx,
        Err(e) => return refuse(&e),
    };
    let invitation = match Invitation::parse(&form.email, &form.name, &form.role) {
        Ok(i) => i,
        Err(problems) => return back_with("/staff/invite", &problems),
    };
    match state.staff_admin.invite(&cx, &invitation).await {
        Ok(Ok(id)) => Redirect::to(&format!("{}?done=invited", account_page(id))).into_response(),
        Ok(Err(r)) => back_with("/staff/invite", &[problem(r).unwrap_or(FormProblem::EmailTaken)]),
        Err(e) => unavailable(&e),
    }
}

/// What a change to one account came to, before the redirect.
enum Change {
    /// Done.
    Done,
    /// The form was wrong; nothing changed.
    Invalid(Vec<FormProblem>),
    /// Refused; nothing changed.
    Refused(Refusal),
}

impl From<Result<(), Refusal>> for Change {
    fn from(r: Result<(), Refusal>) -> Self {
        r.map_or_else(Self::Refused, |()| Self::Done)
    }
}

/// The shape every per-account form post shares: authorise, find the account by the id in the
/// path (unknown or malformed: not found), run `change`, then redirect to the account page
/// with `?done=` or `?error=`.
async fn change_account(
    state: &AppState,
    actor: &Actor,
    peer: SocketAddr,
    id: &str,
    done: &str,
    change: impl AsyncFnOnce(&Context, StaffId) -> Result<Change, crate::db::DbError>,
) -> Response {
    let cx = match context(state, actor, peer, Action::ManageStaff) {
        Ok(cx) => cx,
        Err(e) => return refuse(&e),
    };
    let Some(id) = parse_id(id) else { return refuse(&AppError::NotFound) };
    let page = account_page(id);
    match change(&cx, id).await {
        Ok(Change::Done) => Redirect::to(&format!("{page}?done={done}")).into_response(),
        Ok(Change::Invalid(problems)) => back_with(&page, &problems),
        Ok(Change::Refused(r)) => match problem(r) {
            Some(p) => back_with(&page, &[p]),
            None => refuse(&AppError::NotFound),
        },
        Err(e) => unavailable(&e),
    }
}

/// The role form.
#[derive(Deserialize)]
pub struct RoleForm {
    #[serde(default)]
    role: String,
}

/// `POST /staff/users/{id}/role`.
pub async fn change_role(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<String>,
    Form(form): Form<RoleForm>,
) -> Response {
    let admin = &state.staff_admin;
    change_account(&state, &actor, peer, &id, "role", async |cx, id| match parse_role(&form.role) {
        Ok(role) => Ok(admin.set_role(cx, id, role).await?.into()),
        Err(p) => Ok(Change::Invalid(vec![p])),
    })
    .await
}

/// The assignment forms.
#[derive(Deserialize)]
pub struct AssignForm {
    #[serde(default)]
    vacancy: String,
    #[serde(default)]
    role: String,
}

/// `POST /staff/users/{id}/assign`.
pub async fn assign(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<String>,
    Form(form): Form<AssignForm>,
) -> Response {
    let admin = &state.staff_admin;
    change_account(&state, &actor, peer, &id, "assigned", async |cx, id| {
        let vacancy: Option<VacancyId> = form.vacancy.trim().parse().ok();
        let role = VacancyRole::parse(form.role.trim());
        match (vacancy, role) {
            (Some(v), Some(r)) => Ok(admin.assign(cx, id, v, r).await?.into()),
            (v, r) => Ok(Change::Invalid(
                [(v.is_none(), FormProblem::Vacancy), (r.is_none(), FormProblem::Role)]
                    .into_iter()
                    .filter_map(|(bad, p)| bad.then_some(p))
                    .collect(),
            )),
        }
    })
    .await
}

/// `POST /staff/users/{id}/unassign`.
pub async fn unassign(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<String>,
    Form(form): Form<AssignForm>,
) -> Response {
    let admin = &state.staff_admin;
    change_account(&state, &actor, peer, &id, "unassigned", async |cx, id| {
        match form.vacancy.trim().parse::<VacancyId>() {
            Ok(vacancy) => Ok(admin.unassign(cx, id, vacancy).await?.into()),
            Err(_) => Ok(Change::Invalid(vec![FormProblem::Vacancy])),
        }
    })
    .await
}

/// `POST /staff/users/{id}/resend`.
pub async fn resend(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<String>,
) -> Response {
    let admin = &state.staff_admin;
    change_account(&state, &actor, peer, &id, "resent", async |cx, id| {
        Ok(admin.resend(cx, id).await?.into())
    })
    .await
}

/// `POST /staff/users/{id}/reset-two-factor`.
pub async fn reset_two_factor(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<String>,
) -> Response {
    let admin = &state.staff_admin;
    change_account(&state, &actor, peer, &id, "two-factor-reset", async |cx, id| {
        Ok(admin.reset_two_factor(cx, id).await?.into())
    })
    .await
}

/// The deactivation form.
#[derive(Deserialize)]
pub struct DeactivateForm {
    #[serde(default)]
    confirm: String,
}

/// `POST /staff/users/{id}/deactivate`: needs the confirmation box ticked.
pub async fn deactivate(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<String>,
    Form(form): Form<DeactivateForm>,
) -> Response {
    let admin = &state.staff_admin;
    change_account(&state, &actor, peer, &id, "deactivated", async |cx, id| {
        if form.confirm == "yes" {
            Ok(admin.deactivate(cx, id).await?.into())
        } else {
            Ok(Change::Invalid(vec![FormProblem::Confirm]))
        }
    })
    .await
}

/// The privacy-notice form.
#[derive(Deserialize)]
pub struct NoticeForm {
    #[serde(default)]
    notice: String,
    #[serde(default)]
    reset: String,
}

/// `POST /staff/settings/privacy-notice`: saves the organisation's notice, or (`reset=yes`)
/// goes back to Shortlist's wording.
pub async fn privacy_notice(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Extension(actor): Extension<Actor>,
    Form(form): Form<NoticeForm>,
) -> Response {
    let cx = match context(&state, &actor, peer, Action::ManageSettings) {
        Ok(cx) => cx,
        Err(e) => return refuse(&e),
    };
    let text = if form.reset == "yes" { "" } else { form.notice.as_str() };
    match state.staff_admin.set_privacy_notice(&cx, text).await {
        Ok(true) => Redirect::to("/staff/settings/privacy-notice?done=saved").into_response(),
        Ok(false) => Redirect::to("/staff/settings/privacy-notice?error=form").into_response(),
        Err(e) => unavailable(&e),
    }
}

/// The rejection-letter form.
#[derive(Deserialize)]
pub struct LetterForm {
    #[serde(default)]
    template: String,
    #[serde(default)]
    reset: String,
}

const REJECTIONS: &str = "/staff/settings/rejections";

fn settings_outcome(saved: Result<bool, crate::db::DbError>, done: &str) -> Response {
    match saved {
        Ok(true) => Redirect::to(&format!("{REJECTIONS}?done={done}")).into_response(),
        Ok(false) => Redirect::to(&format!("{REJECTIONS}?error=form")).into_response(),
        Err(e) => unavailable(&e),
    }
}

/// `POST /staff/settings/rejections/letter`: saves the rejection letter, or (`reset=yes`)
/// goes back to Shortlist's.
pub async fn rejection_letter(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Extension(actor): Extension<Actor>,
    Form(form): Form<LetterForm>,
) -> Response {
    let cx = match context(&state, &actor, peer, Action::ManageSettings) {
        Ok(cx) => cx,
        Err(e) => return refuse(&e),
    };
    let text = if form.reset == "yes" { "" } else { form.template.as_str() };
    settings_outcome(state.staff_admin.set_rejection_template(&cx, text).await, "letter")
}

/// The add-a-reason form.
#[derive(Deserialize)]
pub struct ReasonForm {
    #[serde(default)]
    reason_words: String,
}

/// `POST /staff/settings/rejections/reasons`: adds a rejection reason.
pub async fn add_rejection_reason(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Extension(actor): Extension<Actor>,
    Form(form): Form<ReasonForm>,
) -> Response {
    let cx = match context(&state, &actor, peer, Action::ManageSettings) {
        Ok(cx) => cx,
        Err(e) => return refuse(&e),
    };
    settings_outcome(state.staff_admin.add_rejection_reason(&cx, &form.reason_words).await, "added")
}

/// `POST /staff/settings/rejections/reasons/{code}/retire`: retires a reason in use.
pub async fn retire_rejection_reason(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Extension(actor): Extension<Actor>,
    Path(code): Path<String>,
) -> Response {
    let cx = match context(&state, &actor, peer, Action::ManageSettings) {
        Ok(cx) => cx,
        Err(e) => return refuse(&e),
    };
    match state.staff_admin.retire_rejection_reason(&cx, &code).await {
        Ok(true) => Redirect::to(&format!("{REJECTIONS}?done=retired")).into_response(),
        Ok(false) => refuse(&AppError::NotFound),
        Err(e) => unavailable(&e),
    }
}

/// The two-factor requirement form.
#[derive(Deserialize)]
pub struct RequireForm {
    #[serde(default)]
    require: String,
}

/// `POST /staff/settings/two-factor`.
pub async fn require_two_factor(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Extension(actor): Extension<Actor>,
    Form(form): Form<RequireForm>,
) -> Response {
    let cx = match context(&state, &actor, peer, Action::ManageSettings) {
        Ok(cx) => cx,
        Err(e) => return refuse(&e),
    };
    let required = match form.require.as_str() {
        "yes" => true,
        "no" => false,
        _ => return back_with("/staff/users", &[FormProblem::Confirm]),
    };
    match state.staff_admin.set_require_two_factor(&cx, required).await {
        Ok(()) => Redirect::to("/staff/users?done=two-factor-setting").into_response(),
        Err(e) => unavailable(&e),
    }
}
