//! Second-factor form posts: the code asked for at sign-in, and enrolling an authenticator
//! app (by a signed-in staff member, or as the last step of signing in when the organisation
//! requires it).
//!
//! A part-signed-in session (password given) is held in the same cookie as a session but
//! signs nobody in; only these handlers act on it, with [`sessions::PENDING_ATTEMPTS`] tries
//! and the account's sign-in rate limit. Finishing rotates the session token again. Codes and
//! secrets never reach the log; every attempt reaches the audit log.

use super::AppState;
use super::staff::{cookie_name, presented_token, rate_limited, with_session_cookie};
use super::users::{refuse, unavailable};
use crate::auth::sessions;
use crate::db::audit::{self, AuditEntry, Outcome};
use app::domain::{
    StaffId,
    access::{Actor, PendingSignIn, PendingStage},
};
use app::error::AppError;
use axum::{
    Extension, Form,
    extract::{ConnectInfo, State},
    http::HeaderMap,
    response::{IntoResponse as _, Redirect, Response},
};
use serde::Deserialize;
use std::net::SocketAddr;
use zeroize::Zeroizing;

/// The code form.
#[derive(Deserialize)]
pub struct CodeForm {
    #[serde(default)]
    code: Zeroizing<String>,
}

async fn record(
    state: &AppState,
    staff: StaffId,
    action: &'static str,
    ok: bool,
    peer: SocketAddr,
) {
    let entry = AuditEntry {
        at: state.services.clock.now(),
        actor: ok.then_some(staff),
        action,
        object_type: Some("staff"),
        object_id: Some(staff.as_uuid()),
        vacancy: None,
        client_addr: Some(peer.ip().to_string()),
        outcome: if ok { Outcome::Ok } else { Outcome::Refused },
    };
    let appended = async {
        let mut conn = state.db.acquire().await?;
        audit::append(conn.conn(), &entry).await
    };
    if let Err(e) = appended.await {
        tracing::error!(error = %e, "could not write the audit log");
    }
}

/// Turns the pending session into a full one and sends the person on.
async fn finish(state: &AppState, headers: &HeaderMap, to: &str) -> Response {
    let behind_tls = state.config.behind_tls();
    let Some(pending) = presented_token(headers, cookie_name(behind_tls)) else {
        return Redirect::to("/staff/sign-in?error=expired").into_response();
    };
    match sessions::complete(&state.db, &pending, state.services.clock.now()).await {
        Ok(Some(token)) => {
            with_session_cookie(Redirect::to(to).into_response(), behind_tls, Some(token.expose()))
        }
        Ok(None) => Redirect::to("/staff/sign-in?error=expired").into_response(),
        Err(e) => unavailable(&e),
    }
}

/// Counts an attempt on the pending session; `Err` with the response when the attempts or the
/// account's rate limit are used up (the pending session is then ended).
async fn spend_attempt(
    state: &AppState,
    headers: &HeaderMap,
    staff: StaffId,
    peer: SocketAddr,
) -> Result<(), Response> {
    let behind_tls = state.config.behind_tls();
    let Some(pending) = presented_token(headers, cookie_name(behind_tls)) else {
        return Err(Redirect::to("/staff/sign-in?error=expired").into_response());
    };
    let now = state.services.clock.now();
    let client = peer.ip().to_string();
    let allowed = match rate_limited(state, Some(staff), &client, now).await {
        Ok(true) => {
            let _ = sessions::end(&state.db, &pending).await;
            false
        }
        Ok(false) => {
            sessions::count_attempt(&state.db, &pending).await.map_err(|e| unavailable(&e))?
        }
        Err(e) => return Err(unavailable(&e)),
    };
    if allowed {
        Ok(())
    } else {
        record(state, staff, "staff.second_factor", false, peer).await;
        Err(with_session_cookie(
            Redirect::to("/staff/sign-in?error=too-many").into_response(),
            behind_tls,
            None,
        ))
    }
}

/// `POST /staff/sign-in/code`: the second step of signing in.
pub async fn sign_in_code(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    pending: Option<Extension<PendingSignIn>>,
    headers: HeaderMap,
    Form(form): Form<CodeForm>,
) -> Response {
    let Some(Extension(pending)) = pending else {
        return Redirect::to("/staff/sign-in?error=expired").into_response();
    };
    if pending.stage == PendingStage::Enrol {
        return Redirect::to("/staff/two-factor").into_response();
    }
    if form.code.trim().is_empty() {
        return Redirect::to("/staff/sign-in/code?error=missing").into_response();
    }
    if let Err(res) = spend_attempt(&state, &headers, pending.staff, peer).await {
        return res;
    }
    let now = state.services.clock.now();
    match state.second_factors.verify(pending.staff, &form.code, now).await {
        Ok(Some(_proof)) => {
            record(&state, pending.staff, "staff.second_factor", true, peer).await;
            finish(&state, &headers, "/staff").await
        }
        Ok(None) => {
            record(&state, pending.staff, "staff.second_factor", false, peer).await;
            Redirect::to("/staff/sign-in/code?error=wrong").into_response()
        }
        Err(e) => unavailable(&e),
    }
}

/// Who may enrol: a signed-in staff member, or someone whose sign-in ends with enrolment.
fn enroller(actor: &Actor, pending: Option<&PendingSignIn>) -> Result<(StaffId, bool), AppError> {
    match (actor, pending) {
        (Actor::Staff(me), _) => Ok((me.id, false)),
        (Actor::SignedOut, Some(p)) if p.stage == PendingStage::Enrol => Ok((p.staff, true)),
        _ => Err(AppError::SignInRequired),
    }
}

/// `POST /staff/two-factor/start`: a new secret and recovery codes to show (replacing any
/// unfinished enrolment). Refused for someone already enrolled.
pub async fn start(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    pending: Option<Extension<PendingSignIn>>,
) -> Response {
    let (staff, _) = match enroller(&actor, pending.as_ref().map(|p| &p.0)) {
        Ok(who) => who,
        Err(e) => return refuse(&e),
    };
    match state.second_factors.enrolled(staff).await {
        Ok(true) => return Redirect::to("/staff/two-factor").into_response(),
        Ok(false) => {}
        Err(e) => return unavailable(&e),
    }
    match state.second_factors.begin_enrolment(staff, state.services.clock.now()).await {
        Ok(()) => Redirect::to("/staff/two-factor").into_response(),
        Err(e) => unavailable(&e),
    }
}

/// `POST /staff/two-factor/confirm`: finishes enrolment with a code from the app; at sign-in,
/// also finishes signing in.
pub async fn confirm(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Extension(actor): Extension<Actor>,
    pending: Option<Extension<PendingSignIn>>,
    headers: HeaderMap,
    Form(form): Form<CodeForm>,
) -> Response {
    let (staff, signing_in) = match enroller(&actor, pending.as_ref().map(|p| &p.0)) {
        Ok(who) => who,
        Err(e) => return refuse(&e),
    };
    if form.code.trim().is_empty() {
        return Redirect::to("/staff/two-factor?error=missing").into_response();
    }
    if signing_in && let Err(res) = spend_attempt(&state, &headers, staff, peer).await {
        return res;
    }
    let now = state.services.clock.now();
    match state.second_factors.confirm_enrolment(staff, &form.code, now).await {
        Ok(true) => {
            record(&state, staff, "staff.enrol_two_factor", true, peer).await;
            if signing_in {
                finish(&state, &headers, "/staff?two-factor=on").await
            } else {
                Redirect::to("/staff/two-factor?done=enrolled").into_response()
            }
        }
        Ok(false) => {
            record(&state, staff, "staff.enrol_two_factor", false, peer).await;
            Redirect::to("/staff/two-factor?error=wrong").into_response()
        }
        Err(e) => unavailable(&e),
    }
}
