//! The rights-request register's form posts (HR): log a request, extend one, close one, and
//! answer one — download the review copy of an access bundle, release it, erase at once — plus
//! the applicant portal's own: download a copy of their data, erase it.
//!
//! Plain form posts with Post/Redirect/Get, so they work with JavaScript off. Each staff
//! handler authorises `ManageRightsRequests` before reading anything; an unknown or malformed
//! entry id is not found. A refused form is kept server-side and the redirect carries only
//! `?error=form`, never what was typed. The portal's handlers act only for the holder of a live
//! portal link (its cookie), on the address the link was sent to — never on an id or address
//! from the request.

use super::AppState;
use super::users::{refuse, unavailable};
use crate::rights::{Erased, PortalErasure, Refusal};
use crate::staff_admin::Context;
use app::domain::access::{Action, Actor, authorise};
use app::error::AppError;
use axum::{
    Extension, Form,
    body::Body,
    extract::{ConnectInfo, Path, State},
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{IntoResponse as _, Redirect, Response},
};
use std::net::SocketAddr;
use uuid::Uuid;

type Pairs = Vec<(String, String)>;

fn context(state: &AppState, actor: &Actor, peer: SocketAddr) -> Result<Context, AppError> {
    authorise(actor, Action::ManageRightsRequests)?;
    let Actor::Staff(me) = actor else { return Err(AppError::SignInRequired) };
    Ok(Context { by: me.id, client: peer.ip().to_string(), now: state.services.clock.now() })
}

/// An authorised action on one register entry, taken from the request: the staff context
/// (`ManageRightsRequests` checked first, so a signed-out caller is told to sign in whatever
/// the id) and the entry id from the path (malformed: not found).
pub struct OnEntry {
    cx: Context,
    id: Uuid,
}

impl axum::extract::FromRequestParts<AppState> for OnEntry {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &AppState,
    ) -> Result<Self, Response> {
        let Some(ConnectInfo(peer)) = parts.extensions.get::<ConnectInfo<SocketAddr>>().cloned()
        else {
            return Err(refuse(&AppError::SignInRequired));
        };
        let actor = parts.extensions.get::<Actor>().cloned().unwrap_or(Actor::SignedOut);
        let cx = context(state, &actor, peer).map_err(|e| refuse(&e))?;
        let Path(raw) = Path::<String>::from_request_parts(parts, state)
            .await
            .map_err(|_| refuse(&AppError::NotFound))?;
        let id = raw.parse::<Uuid>().map_err(|_| refuse(&AppError::NotFound))?;
        Ok(Self { cx, id })
    }
}

fn to(path: &str) -> Response {
    Redirect::to(path).into_response()
}

/// Where a change to entry `id` sends the browser.
fn outcome(id: Uuid, done: &str, result: crate::rights::Answer<()>) -> Response {
    let page = format!("/staff/rights/{id}");
    match result {
        Ok(Ok(())) => to(&format!("{page}?done={done}")),
        Ok(Err(Refusal::NotFound)) => refuse(&AppError::NotFound),
        Ok(Err(Refusal::Invalid)) => to(&format!("{page}?error=form")),
        Ok(Err(Refusal::Closed)) => to(&format!("{page}?error=closed")),
        Ok(Err(Refusal::WrongKind)) => to(&format!("{page}?error=kind")),
        Ok(Err(Refusal::NoAddress)) => to(&format!("{page}?error=no_address")),
        Ok(Err(Refusal::NothingHeld)) => to(&format!("{page}?error=nothing_held")),
        Err(e) => unavailable(&e),
    }
}

/// A bundle as a download: never cached, never sniffed, named for the day it was made.
fn download(state: &AppState, bundle: crate::rights::bundle::Bundle) -> Response {
    let day = app::domain::time::uk_date(state.services.clock.now());
    let mut res = Body::from_stream(state.rights.stream(bundle)).into_response();
    let headers = res.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/zip"));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    if let Ok(v) =
        HeaderValue::from_str(&format!("attachment; filename=\"shortlist-your-data-{day}.zip\""))
    {
        headers.insert(header::CONTENT_DISPOSITION, v);
    }
    res
}

/// `GET /staff/rights/{id}/bundle`: HR's review copy of an access request's bundle.
pub async fn review_copy(State(state): State<AppState>, OnEntry { cx, id }: OnEntry) -> Response {
    match state.rights.review_copy(&cx, id).await {
        Ok(Ok(bundle)) => download(&state, bundle),
        other => outcome(id, "", other.map(|r| r.map(|_| ()))),
    }
}

/// `POST /staff/rights/{id}/rectify`: correct one field of one of the person's applications.
pub async fn rectify(
    State(state): State<AppState>,
    OnEntry { cx, id }: OnEntry,
    Form(pairs): Form<Pairs>,
) -> Response {
    outcome(id, "rectified", state.rights.rectify(&cx, id, &pairs).await)
}

/// `POST /staff/rights/{id}/withdraw-consent`: withdraw the person's consents now.
pub async fn withdraw_consents(
    State(state): State<AppState>,
    OnEntry { cx, id }: OnEntry,
) -> Response {
    outcome(id, "consent_withdrawn", state.rights.withdraw_consents(&cx, id).await)
}

/// `POST /staff/rights/{id}/release`: release an access request's bundle to the person.
pub async fn release(State(state): State<AppState>, OnEntry { cx, id }: OnEntry) -> Response {
    outcome(id, "released", state.rights.release(&cx, id).await)
}

/// `POST /staff/rights/{id}/erase`: carry out an erasure request now (refused under a hold).
pub async fn erase(State(state): State<AppState>, OnEntry { cx, id }: OnEntry) -> Response {
    match state.rights.erase(&cx, id).await {
        Ok(Ok(Erased::Done)) => to(&format!("/staff/rights/{id}?done=erased")),
        Ok(Ok(Erased::Held)) => to(&format!("/staff/rights/{id}?done=held")),
        Ok(Err(r)) => outcome(id, "", Ok(Err(r))),
        Err(e) => unavailable(&e),
    }
}

/// A refusal to the portal's holder (or someone without a live link): the status and a short
/// page pointing back into the portal, never to the staff sign-in.
fn portal_refuse(e: &AppError) -> Response {
    let status = StatusCode::from_u16(e.status()).unwrap_or(StatusCode::NOT_FOUND);
    let (title, next) = match e {
        AppError::SignInRequired => (
            "Your link has ended",
            "Links to your applications work for 7 days. <a href=\"/portal/sign-in\">Get a new link by email</a>.",
        ),
        _ => ("Page not found", "<a href=\"/portal\">Go to your applications</a>."),
    };
    let body = format!(
        "<!doctype html><html lang=\"en-GB\"><title>{title}</title><h1>{title}</h1><p>{next}</p></html>"
    );
    (status, [(header::CONTENT_TYPE, "text/html; charset=utf-8")], body).into_response()
}

/// The address of the live portal link this browser holds, if any.
async fn portal_holder(state: &AppState, headers: &HeaderMap) -> Result<Option<String>, AppError> {
    let name = app::pages::portal::cookie_name(state.config.behind_tls());
    let Some(secret) = app::ports::cookie_in(headers, name) else { return Ok(None) };
    state.portal.holder_of(&secret, state.services.clock.now()).await
}

/// `GET /portal/data/download`: the portal holder's copy of their data, straight away.
pub async fn portal_copy(State(state): State<AppState>, headers: HeaderMap) -> Response {
    portal_copy_of(&state, &headers, None).await
}

/// `GET /portal/data/download/{reference}`: the copy HR released for that access request of
/// the portal holder's (anyone else's reference is not found).
pub async fn portal_released_copy(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(reference): Path<String>,
) -> Response {
    portal_copy_of(&state, &headers, Some(&reference)).await
}

async fn portal_copy_of(
    state: &AppState,
    headers: &HeaderMap,
    reference: Option<&str>,
) -> Response {
    let email = match portal_holder(state, headers).await {
        Ok(Some(email)) => email,
        Ok(None) => return portal_refuse(&AppError::SignInRequired),
        Err(e) => return unavailable(&e),
    };
    let now = state.services.clock.now();
    match state.rights.portal_copy(&email, reference, now).await {
        Ok(Some(bundle)) => download(state, bundle),
        Ok(None) => portal_refuse(&AppError::NotFound),
        Err(e) => unavailable(&e),
    }
}

/// `POST /portal/erase`: the portal holder erases everything held about them, having ticked
/// the confirmation. Their portal cookie is cleared once it is done (its link went too).
pub async fn portal_erase(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(pairs): Form<Pairs>,
) -> Response {
    let email = match portal_holder(&state, &headers).await {
        Ok(Some(email)) => email,
        Ok(None) => return portal_refuse(&AppError::SignInRequired),
        Err(e) => return unavailable(&e),
    };
    if crate::selection::field(&pairs, "confirm") != "yes" {
        return to("/portal/erase?error=confirm");
    }
    match state.rights.portal_erase(&email, state.services.clock.now()).await {
        Ok(PortalErasure { reference, erased: Erased::Held }) => {
            to(&format!("/portal/erase?error=held&reference={reference}"))
        }
        Ok(PortalErasure { reference, erased: Erased::Done }) => {
            let mut res = to(&format!("/portal/erased?reference={reference}"));
            let cookie = app::pages::portal::secret_cookie("", 0, state.config.behind_tls());
            if let Ok(v) = HeaderValue::from_str(&cookie) {
                res.headers_mut().insert(header::SET_COOKIE, v);
            }
            res
        }
        Err(e) => {
            tracing::error!(error = %e, "portal erasure failed");
            StatusCode::SERVICE_UNAVAILABLE.into_response()
        }
    }
}

/// `POST /staff/rights`: log a request.
pub async fn log(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Extension(actor): Extension<Actor>,
    Form(pairs): Form<Pairs>,
) -> Response {
    let cx = match context(&state, &actor, peer) {
        Ok(cx) => cx,
        Err(e) => return refuse(&e),
    };
    match state.rights.log(&cx, &pairs).await {
        Ok(Ok(id)) => to(&format!("/staff/rights/{id}?done=logged")),
        Ok(Err(_)) => to("/staff/rights/new?error=form"),
        Err(e) => unavailable(&e),
    }
}

/// `POST /staff/rights/{id}/extend`.
pub async fn extend(
    State(state): State<AppState>,
    OnEntry { cx, id }: OnEntry,
    Form(pairs): Form<Pairs>,
) -> Response {
    outcome(id, "extended", state.rights.extend(&cx, id, &pairs).await)
}

/// `POST /staff/rights/{id}/close`.
pub async fn close(
    State(state): State<AppState>,
    OnEntry { cx, id }: OnEntry,
    Form(pairs): Form<Pairs>,
) -> Response {
    outcome(id, "closed", state.rights.close(&cx, id, &pairs).await)
}
