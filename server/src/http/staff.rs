//! The staff session at the HTTP edge: the layer that turns a session cookie into an
//! [`Actor`], and the sign-in and sign-out form handlers.
//!
//! Sign-in and sign-out are plain form posts handled here (not server functions) so that they
//! behave identically with and without JavaScript and can set and clear the session cookie.
//! Every attempt is written to the audit log; the same entries drive the rate limit, so it
//! holds across every instance. Passwords, tokens and emails never reach the log.

use super::AppState;
use crate::auth::{password, sessions};
use crate::db::{
    audit::{self, AuditEntry, Outcome},
    staff,
};
use app::domain::access::{Actor, PendingStage};
use axum::{
    Form,
    extract::{ConnectInfo, Request, State},
    http::{HeaderMap, HeaderValue, StatusCode, header},
    middleware::Next,
    response::{IntoResponse as _, Redirect, Response},
};
use chrono::Duration;
use serde::Deserialize;
use std::net::SocketAddr;
use zeroize::Zeroizing;

/// Failed sign-ins allowed per account, and per client address, within [`LIMIT_WINDOW`].
pub const ACCOUNT_LIMIT: i64 = 5;
/// Failed sign-ins allowed from one client address within [`LIMIT_WINDOW`].
pub const CLIENT_LIMIT: i64 = 20;
/// The rate limit's window, in minutes.
pub const LIMIT_WINDOW_MINUTES: i64 = 15;

/// The session cookie's name: `__Host-` prefixed over TLS, which browsers accept only with
/// `Secure`, `Path=/` and no `Domain`, so no other host can plant or read it.
#[must_use]
pub const fn cookie_name(behind_tls: bool) -> &'static str {
    if behind_tls { "__Host-shortlist-session" } else { "shortlist-session" }
}

pub(super) fn session_cookie(behind_tls: bool, value: &str, clear: bool) -> String {
    let mut c = format!("{}={value}; Path=/; HttpOnly; SameSite=Lax", cookie_name(behind_tls));
    if clear {
        c.push_str("; Max-Age=0");
    }
    if behind_tls {
        c.push_str("; Secure");
    }
    c
}

/// Sets the session cookie on a response to `token`, or clears it when `token` is `None`.
pub(super) fn with_session_cookie(
    mut res: Response,
    behind_tls: bool,
    token: Option<&str>,
) -> Response {
    let cookie = session_cookie(behind_tls, token.unwrap_or_default(), token.is_none());
    if let Ok(v) = HeaderValue::from_str(&cookie) {
        res.headers_mut().insert(header::SET_COOKIE, v);
    }
    res
}

/// Whether failed sign-in attempts (passwords and second factors) within the window have
/// reached the limit for this account or this client address. Read from the audit log, so the
/// limit holds across every instance.
pub(super) async fn rate_limited(
    state: &AppState,
    account: Option<app::domain::StaffId>,
    client: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<bool, crate::db::DbError> {
    let since = now - Duration::minutes(LIMIT_WINDOW_MINUTES);
    let mut conn = state.db.acquire().await?;
    let (by_account, by_client) =
        audit::refused_sign_ins_since(conn.conn(), since, account.map(|a| a.as_uuid()), client)
            .await?;
    Ok(by_account >= ACCOUNT_LIMIT || by_client >= CLIENT_LIMIT)
}

pub(super) fn presented_token(headers: &HeaderMap, name: &str) -> Option<String> {
    app::ports::cookie_in(headers, name)
}

/// Resolves the session cookie to an [`Actor`] and puts it in the request's extensions, where
/// pages and server functions read it (`app::ports::current_actor`). Static files skip it.
pub async fn resolve_actor(
    State(state): State<AppState>,
    mut req: Request,
    next: Next,
) -> Response {
    if req.uri().path().starts_with("/pkg/") {
        return next.run(req).await;
    }
    let name = cookie_name(state.config.behind_tls());
    let actor = match presented_token(req.headers(), name) {
        None => Actor::SignedOut,
        Some(token) => {
            let now = state.services.clock.now();
            match sessions::resolve(&state.db, &token, state.session_policy, now).await {
                Ok(Ok(member)) => Actor::Staff(member),
                Ok(Err(sessions::Refusal::SecondFactorPending(pending))) => {
                    req.extensions_mut().insert(pending);
                    Actor::SignedOut
                }
                Ok(Err(_refusal)) => Actor::SignedOut,
                Err(e) => {
                    tracing::error!(error = %e, "session look-up failed");
                    return StatusCode::SERVICE_UNAVAILABLE.into_response();
                }
            }
        }
    };
    req.extensions_mut().insert(actor);
    next.run(req).await
}

/// The sign-in form's fields. Missing fields arrive empty rather than failing extraction, so
/// every bad submission gets the same clear message.
#[derive(Deserialize)]
pub struct SignInForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: Zeroizing<String>,
}

/// `POST /staff/sign-in`: checks the credentials, starts a new session (ending the one the
/// browser had) and goes to the staff home page; otherwise back to the form with a reason.
pub async fn sign_in(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Form(form): Form<SignInForm>,
) -> Response {
    match try_sign_in(&state, peer, &headers, form).await {
        Ok(response) => response,
        Err(e) => {
            tracing::error!(error = %e, "sign-in failed");
            Redirect::to("/staff/sign-in?error=unavailable").into_response()
        }
    }
}

async fn try_sign_in(
    state: &AppState,
    peer: SocketAddr,
    headers: &HeaderMap,
    form: SignInForm,
) -> Result<Response, crate::db::DbError> {
    let now = state.services.clock.now();
    let client = peer.ip().to_string();
    if form.email.trim().is_empty() || form.password.is_empty() {
        return Ok(Redirect::to("/staff/sign-in?error=missing").into_response());
    }
    let account = {
        let mut conn = state.db.acquire().await?;
        staff::by_email(conn.conn(), &form.email).await?
    };
    let account_id = account.as_ref().map(|a| a.id);
    let limited = rate_limited(state, account_id, &client, now).await?;
    // Verify even when limited or unknown, so the answer takes the same time either way.
    let usable = account.as_ref().filter(|a| a.deactivated_at.is_none());
    let stored = usable.and_then(|a| a.password_hash.clone());
    let correct = password::verify(form.password, stored).await && !limited;
    let entry = |outcome, actor| AuditEntry {
        at: now,
        actor,
        action: "staff.sign_in",
        object_type: account_id.map(|_| "staff"),
        object_id: account_id.map(|a| a.as_uuid()),
        vacancy: None,
        client_addr: Some(client.clone()),
        outcome,
    };
    if !correct {
        let mut conn = state.db.acquire().await?;
        audit::append(conn.conn(), &entry(Outcome::Refused, None)).await?;
        let reason = if limited { "too-many" } else { "credentials" };
        return Ok(Redirect::to(&format!("/staff/sign-in?error={reason}")).into_response());
    }
    let Some(id) = account_id else { unreachable!("a correct password implies a known account") };
    let behind_tls = state.config.behind_tls();
    let previous = presented_token(headers, cookie_name(behind_tls));
    // The password was right; a second factor may still be needed before anyone is signed in.
    let second = &state.second_factors;
    let stage = if second.enrolled(id).await? {
        Some(PendingStage::Verify)
    } else if second.required().await? {
        second.begin_enrolment(id, now).await?;
        Some(PendingStage::Enrol)
    } else {
        None
    };
    let (token, next) = match stage {
        None => (sessions::start(&state.db, id, previous.as_deref(), now).await?, "/staff"),
        Some(stage) => {
            let token =
                sessions::start_pending(&state.db, id, previous.as_deref(), stage, now).await?;
            let next = match stage {
                PendingStage::Verify => "/staff/sign-in/code",
                PendingStage::Enrol => "/staff/two-factor",
            };
            (token, next)
        }
    };
    {
        let mut conn = state.db.acquire().await?;
        audit::append(conn.conn(), &entry(Outcome::Ok, Some(id))).await?;
    }
    Ok(with_session_cookie(Redirect::to(next).into_response(), behind_tls, Some(token.expose())))
}

/// `POST /staff/sign-out`: ends the session on the server and clears the cookie.
pub async fn sign_out(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    req: Request,
) -> Response {
    let behind_tls = state.config.behind_tls();
    let actor = req.extensions().get::<Actor>().cloned().unwrap_or(Actor::SignedOut);
    if let Some(token) = presented_token(req.headers(), cookie_name(behind_tls)) {
        let ended = async {
            sessions::end(&state.db, &token).await?;
            if let Actor::Staff(member) = &actor {
                let mut conn = state.db.acquire().await?;
                let entry = AuditEntry {
                    at: state.services.clock.now(),
                    actor: Some(member.id),
                    action: "staff.sign_out",
                    object_type: Some("staff"),
                    object_id: Some(member.id.as_uuid()),
                    vacancy: None,
                    client_addr: Some(peer.ip().to_string()),
                    outcome: Outcome::Ok,
                };
                audit::append(conn.conn(), &entry).await?;
            }
            Ok::<_, crate::db::DbError>(())
        };
        if let Err(e) = ended.await {
            tracing::error!(error = %e, "sign-out failed");
            return StatusCode::SERVICE_UNAVAILABLE.into_response();
        }
    }
    with_session_cookie(
        Redirect::to("/staff/sign-in?signed-out=1").into_response(),
        behind_tls,
        None,
    )
}

/// The set-password form's fields.
#[derive(Deserialize)]
pub struct SetPasswordForm {
    #[serde(default)]
    token: String,
    #[serde(default)]
    password: Zeroizing<String>,
    #[serde(default)]
    confirm: Zeroizing<String>,
}

/// `POST /staff/set-password`: sets a password through a single-use link, then sends the person
/// to sign in. Problems go back to the link's page with a reason code; an unusable link goes
/// back to its page, which explains why.
pub async fn set_password(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Form(form): Form<SetPasswordForm>,
) -> Response {
    match try_set_password(&state, peer, form).await {
        Ok(response) => response,
        Err(e) => {
            tracing::error!(error = %e, "setting a password failed");
            StatusCode::SERVICE_UNAVAILABLE.into_response()
        }
    }
}

async fn try_set_password(
    state: &AppState,
    peer: SocketAddr,
    form: SetPasswordForm,
) -> Result<Response, crate::db::DbError> {
    use crate::auth::links;
    use app::domain::password::PasswordProblem;
    let now = state.services.clock.now();
    // The token came from the form; it is only ever put back into our own path, and only
    // when it has a token's shape (so nothing else can be injected into the redirect).
    let Some(_) = crate::auth::token::digest_of(&form.token) else {
        return Ok(StatusCode::NOT_FOUND.into_response());
    };
    let back = |problem: Option<PasswordProblem>| {
        let base = format!("/staff/set-password/{}", form.token);
        Redirect::to(&match problem {
            Some(p) => format!("{base}?error={}", p.code()),
            None => base,
        })
        .into_response()
    };
    let Ok(staff_id) = links::check(&state.db, &form.token, now).await? else {
        return Ok(back(None));
    };
    let account = {
        let mut conn = state.db.acquire().await?;
        staff::by_id(conn.conn(), staff_id).await?
    };
    let Some(account) = account else { return Ok(back(None)) };
    let personal = [account.email.as_str(), account.display_name.as_str()];
    if let Err(problem) = password::check_policy(&form.password, &personal) {
        return Ok(back(Some(problem)));
    }
    if *form.password != *form.confirm {
        return Ok(back(Some(PasswordProblem::Mismatch)));
    }
    let Ok(hash) = password::hash(form.password).await else {
        return Ok(StatusCode::SERVICE_UNAVAILABLE.into_response());
    };
    if links::redeem(&state.db, &form.token, &hash, now).await?.is_err() {
        return Ok(back(None));
    }
    let mut conn = state.db.acquire().await?;
    let entry = AuditEntry {
        at: now,
        actor: Some(staff_id),
        action: "staff.set_password",
        object_type: Some("staff"),
        object_id: Some(staff_id.as_uuid()),
        vacancy: None,
        client_addr: Some(peer.ip().to_string()),
        outcome: Outcome::Ok,
    };
    audit::append(conn.conn(), &entry).await?;
    Ok(Redirect::to("/staff/sign-in?password-set=1").into_response())
}

/// The audit filter as query parameters.
#[derive(Deserialize)]
pub struct AuditFilter {
    #[serde(default)]
    action: String,
    #[serde(default)]
    user: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    #[serde(default)]
    vacancy: String,
}

/// The report filters as query parameters.
#[derive(Deserialize)]
pub struct ReportFilter {
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    #[serde(default)]
    vacancy: String,
    #[serde(default)]
    family: String,
    #[serde(default)]
    location: String,
    #[serde(default)]
    year: String,
}

fn csv_response(name: &str, body: String) -> Response {
    (
        StatusCode::OK,
        [
            (axum::http::header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (axum::http::header::CONTENT_DISPOSITION, format!("attachment; filename=\"{name}\"")),
        ],
        body,
    )
        .into_response()
}

fn error_response(e: &app::error::AppError) -> Response {
    let status = StatusCode::from_u16(e.status()).unwrap_or(StatusCode::FORBIDDEN);
    let text = match e {
        app::error::AppError::Validation(errors) => {
            errors.iter().map(|f| f.message.clone()).collect::<Vec<_>>().join("; ")
        }
        other => other.to_string(),
    };
    (status, text).into_response()
}

/// Who is downloading a report, if they may run reports; the clock's now and UK date.
fn report_runner(
    state: &AppState,
    req: &Request,
) -> Result<
    (app::domain::access::StaffMember, chrono::DateTime<chrono::Utc>, chrono::NaiveDate),
    Box<Response>,
> {
    use app::domain::access::{Action, authorise};
    let actor = req.extensions().get::<Actor>().cloned().unwrap_or(Actor::SignedOut);
    authorise(&actor, Action::RunReports).map_err(|e| Box::new(error_response(&e)))?;
    let Actor::Staff(me) = actor else {
        return Err(Box::new(StatusCode::UNAUTHORIZED.into_response()));
    };
    let now = state.services.clock.now();
    Ok((me, now, app::domain::time::to_uk(now).0.date()))
}

/// `GET /staff/reports/funnel.csv`: the recruitment funnel as CSV (HR and auditors); the run
/// is recorded in the audit log like the page's.
pub async fn funnel_csv(
    State(state): State<AppState>,
    axum::extract::Query(f): axum::extract::Query<ReportFilter>,
    req: Request,
) -> Response {
    let (me, now, today) = match report_runner(&state, &req) {
        Ok(who) => who,
        Err(refused) => return *refused,
    };
    let filter = match app::domain::reports::FunnelFilter::parse(
        &f.from,
        &f.to,
        &f.vacancy,
        &f.family,
        &f.location,
        today,
    ) {
        Ok(filter) => filter,
        Err(e) => return error_response(&e),
    };
    match state.services.reports.funnel(me.id, &filter, "csv", now).await {
        Ok(page) => {
            csv_response("recruitment-funnel.csv", app::domain::reports::funnel_csv(&page.report))
        }
        Err(e) => error_response(&e),
    }
}

/// `GET /staff/reports/diversity.csv`: the diversity funnel as CSV — the same protected figures
/// as the page, never a suppressed count.
pub async fn diversity_csv(
    State(state): State<AppState>,
    axum::extract::Query(f): axum::extract::Query<ReportFilter>,
    req: Request,
) -> Response {
    let (me, now, today) = match report_runner(&state, &req) {
        Ok(who) => who,
        Err(refused) => return *refused,
    };
    let filter = match app::domain::reports::DiversityFilter::parse(&f.year, &f.family, today) {
        Ok(filter) => filter,
        Err(e) => return error_response(&e),
    };
    match state.services.reports.diversity(me.id, &filter, "csv", now).await {
        Ok(page) => {
            csv_response("diversity-funnel.csv", app::domain::reports::diversity_csv(&page.report))
        }
        Err(e) => error_response(&e),
    }
}

/// `GET /staff/retention/schedule.csv`: the retention schedule as CSV, for HR and auditors.
pub async fn retention_schedule_csv(State(state): State<AppState>, req: Request) -> Response {
    use app::domain::access::{Action, authorise};
    let actor = req.extensions().get::<Actor>().cloned().unwrap_or(Actor::SignedOut);
    if let Err(e) = authorise(&actor, Action::ViewRetention) {
        let status = StatusCode::from_u16(e.status()).unwrap_or(StatusCode::FORBIDDEN);
        return (status, e.to_string()).into_response();
    }
    let csv = app::domain::retention::schedule::to_csv(&state.services.retention.schedule());
    (
        StatusCode::OK,
        [
            (axum::http::header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                axum::http::header::CONTENT_DISPOSITION,
                "attachment; filename=\"retention-schedule.csv\"",
            ),
        ],
        csv,
    )
        .into_response()
}

/// `GET /staff/audit.csv`: every matching audit entry as CSV, for HR administrators and
/// auditors; the download is itself recorded (`audit.export`).
pub async fn audit_csv(
    State(state): State<AppState>,
    axum::extract::Query(filter): axum::extract::Query<AuditFilter>,
    req: Request,
) -> Response {
    use app::domain::access::{Action, authorise};
    use app::error::AppError;
    let actor = req.extensions().get::<Actor>().cloned().unwrap_or(Actor::SignedOut);
    if let Err(e) = authorise(&actor, Action::ExportAuditLog) {
        let status = StatusCode::from_u16(e.status()).unwrap_or(StatusCode::FORBIDDEN);
        return (status, e.to_string()).into_response();
    }
    let Actor::Staff(me) = actor else { return StatusCode::UNAUTHORIZED.into_response() };
    let query = match app::domain::audit::AuditQuery::parse(
        &filter.action,
        &filter.user,
        &filter.from,
        &filter.to,
        &filter.vacancy,
    ) {
        Ok(q) => q,
        Err(AppError::Validation(errors)) => {
            let text: Vec<String> = errors.into_iter().map(|e| e.message).collect();
            return (StatusCode::UNPROCESSABLE_ENTITY, text.join("\n")).into_response();
        }
        Err(e) => return (StatusCode::BAD_REQUEST, e.to_string()).into_response(),
    };
    let now = state.services.clock.now();
    match crate::audit_trail::search_and_record(
        &state.db,
        me.id,
        &query,
        1_000_000,
        now,
        "audit.export",
    )
    .await
    {
        Ok(rows) => (
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
                (header::CONTENT_DISPOSITION, "attachment; filename=\"audit-log.csv\""),
            ],
            crate::audit_trail::to_csv(&rows),
        )
            .into_response(),
        Err(e) => {
            tracing::error!(error = %e, "audit export failed");
            StatusCode::SERVICE_UNAVAILABLE.into_response()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookies_are_host_prefixed_and_secure_over_tls_and_never_readable_by_script() {
        let tls = session_cookie(true, "abc", false);
        assert_eq!(tls, "__Host-shortlist-session=abc; Path=/; HttpOnly; SameSite=Lax; Secure");
        let plain = session_cookie(false, "abc", false);
        assert_eq!(plain, "shortlist-session=abc; Path=/; HttpOnly; SameSite=Lax");
        assert!(session_cookie(true, "", true).contains("Max-Age=0"));
    }

    #[test]
    fn finds_the_session_cookie_among_others() {
        let mut h = HeaderMap::new();
        h.append(header::COOKIE, HeaderValue::from_static("a=1; shortlist-session=tok; b=2"));
        assert_eq!(presented_token(&h, "shortlist-session").as_deref(), Some("tok"));
        assert_eq!(presented_token(&h, "__Host-shortlist-session"), None);
    }
}
