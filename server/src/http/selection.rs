//! Selection form posts (scores, moderation, moves, rejection, withdrawal, offers, interviews,
//! reveals, notes, bulk rejection at sift) and the CV download.
//!
//! Each handler finds the candidate's vacancy as stored, then authorises the action on that
//! vacancy before anything else, so an unknown id and a candidate of a vacancy the person is
//! not assigned to look the same ("not found"). Plain form posts with Post/Redirect/Get: the
//! outcome travels back as a code (`?done=moved`, `?error=changed`), never as typed text — a
//! refused form is kept server-side for its author (`?error=form`).

use super::AppState;
use super::users::{refuse, unavailable};
use crate::selection::{Refusal, field};
use crate::staff_admin::Context;
use app::domain::{
    ApplicationId, VacancyId,
    access::{Action, Actor, authorise},
    vacancy_edit::Stage,
};
use app::error::AppError;
use axum::{
    Extension, Form,
    body::Body,
    extract::{ConnectInfo, Path, State},
    http::{StatusCode, header},
    response::{IntoResponse as _, Redirect, Response},
};
use futures::TryStreamExt as _;
use std::net::SocketAddr;

type Pairs = Vec<(String, String)>;

fn page(id: ApplicationId) -> String {
    format!("/staff/candidates/{id}")
}

/// Resolves the candidate in the path and authorises `action` on its vacancy.
pub(super) async fn resolve(
    state: &AppState,
    actor: &Actor,
    peer: SocketAddr,
    id: &str,
    action: fn(VacancyId) -> Action,
) -> Result<(Context, ApplicationId), Response> {
    let Actor::Staff(me) = actor else { return Err(refuse(&AppError::SignInRequired)) };
    let id: ApplicationId = id.parse().map_err(|_| refuse(&AppError::NotFound))?;
    let vacancy = match state.selection.vacancy_of(id).await {
        Ok(Some(v)) => v,
        Ok(None) => return Err(refuse(&AppError::NotFound)),
        Err(e) => return Err(unavailable(&e)),
    };
    authorise(actor, action(vacancy)).map_err(|e| refuse(&e))?;
    Ok((Context { by: me.id, client: peer.ip().to_string(), now: state.services.clock.now() }, id))
}

fn version(pairs: &Pairs) -> Option<i32> {
    field(pairs, "version").trim().parse().ok()
}

/// The redirect after a change: the page with `done`, or the reason it did not happen.
fn outcome(
    id: ApplicationId,
    done: &str,
    result: Result<Result<(), Refusal>, crate::db::DbError>,
) -> Response {
    let to = match result {
        Ok(Ok(())) => format!("{}?done={done}", page(id)),
        Ok(Err(Refusal::NotFound)) => return refuse(&AppError::NotFound),
        Ok(Err(Refusal::Invalid)) => format!("{}?error=form", page(id)),
        Ok(Err(Refusal::Blocked(b))) => format!("{}?error={}", page(id), b.code()),
        Err(e) => return unavailable(&e),
    };
    Redirect::to(&to).into_response()
}

/// A form without its version is a form Shortlist did not render: treat it as stale.
fn stale(id: ApplicationId) -> Response {
    Redirect::to(&format!("{}?error=changed", page(id))).into_response()
}

/// `POST /staff/candidates/{id}/scores`: save or submit the viewer's score sheet.
pub async fn scores(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<String>,
    Form(pairs): Form<Pairs>,
) -> Response {
    let (cx, id) = match resolve(&state, &actor, peer, &id, Action::ScoreCandidates).await {
        Ok(found) => found,
        Err(r) => return r,
    };
    let done = if field(&pairs, "action") == "submit" { "scored" } else { "saved" };
    outcome(id, done, state.selection.score(&cx, id, &pairs).await)
}

/// `POST /staff/candidates/{id}/notes`.
pub async fn note(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<String>,
    Form(pairs): Form<Pairs>,
) -> Response {
    let (cx, id) = match resolve(&state, &actor, peer, &id, Action::ScoreCandidates).await {
        Ok(found) => found,
        Err(r) => return r,
    };
    outcome(id, "noted", state.selection.note(&cx, id, &pairs).await)
}

/// `POST /staff/candidates/{id}/moderate`: the decider chooses to moderate.
pub async fn moderate(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<String>,
) -> Response {
    let (cx, id) = match resolve(&state, &actor, peer, &id, Action::DecideCandidates).await {
        Ok(found) => found,
        Err(r) => return r,
    };
    outcome(id, "moderating", state.selection.moderate(&cx, id).await)
}

/// `POST /staff/candidates/{id}/final-score`.
pub async fn final_score(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<String>,
    Form(pairs): Form<Pairs>,
) -> Response {
    let (cx, id) = match resolve(&state, &actor, peer, &id, Action::DecideCandidates).await {
        Ok(found) => found,
        Err(r) => return r,
    };
    let Some(v) = version(&pairs) else { return stale(id) };
    outcome(id, "final_score", state.selection.final_score(&cx, id, v, &pairs).await)
}

/// `POST /staff/candidates/{id}/move`.
pub async fn move_to(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<String>,
    Form(pairs): Form<Pairs>,
) -> Response {
    let (cx, id) = match resolve(&state, &actor, peer, &id, Action::DecideCandidates).await {
        Ok(found) => found,
        Err(r) => return r,
    };
    let Some(v) = version(&pairs) else { return stale(id) };
    let Some(to) = Stage::from_code(&field(&pairs, "stage")) else {
        return Redirect::to(&format!("{}?error=stage", page(id))).into_response();
    };
    outcome(id, "moved", state.selection.move_to(&cx, id, v, to).await)
}

/// `POST /staff/candidates/{id}/reject`.
pub async fn reject(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<String>,
    Form(pairs): Form<Pairs>,
) -> Response {
    let (cx, id) = match resolve(&state, &actor, peer, &id, Action::DecideCandidates).await {
        Ok(found) => found,
        Err(r) => return r,
    };
    let Some(v) = version(&pairs) else { return stale(id) };
    outcome(id, "rejected", state.selection.reject(&cx, id, v, &pairs).await)
}

/// `POST /staff/candidates/{id}/appointable`: found appointable, not appointed.
pub async fn appointable(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<String>,
    Form(pairs): Form<Pairs>,
) -> Response {
    let (cx, id) = match resolve(&state, &actor, peer, &id, Action::DecideCandidates).await {
        Ok(found) => found,
        Err(r) => return r,
    };
    let Some(v) = version(&pairs) else { return stale(id) };
    outcome(id, "appointable", state.selection.appointable(&cx, id, v).await)
}

/// `POST /staff/candidates/{id}/withdraw`: needs the confirmation box.
pub async fn withdraw(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<String>,
    Form(pairs): Form<Pairs>,
) -> Response {
    let (cx, id) = match resolve(&state, &actor, peer, &id, Action::DecideCandidates).await {
        Ok(found) => found,
        Err(r) => return r,
    };
    let Some(v) = version(&pairs) else { return stale(id) };
    if field(&pairs, "confirm") != "yes" {
        return Redirect::to(&format!("{}?error=confirm", page(id))).into_response();
    }
    outcome(id, "withdrawn", state.selection.withdraw(&cx, id, v).await)
}

/// `POST /staff/candidates/{id}/offer`: the offer's answer (`response` = accepted/declined).
pub async fn offer(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<String>,
    Form(pairs): Form<Pairs>,
) -> Response {
    let (cx, id) = match resolve(&state, &actor, peer, &id, Action::DecideCandidates).await {
        Ok(found) => found,
        Err(r) => return r,
    };
    let Some(v) = version(&pairs) else { return stale(id) };
    let accepted = match field(&pairs, "response").as_str() {
        "accepted" => true,
        "declined" => false,
        _ => return Redirect::to(&format!("{}?error=response", page(id))).into_response(),
    };
    outcome(id, "offer", state.selection.offer_response(&cx, id, v, accepted).await)
}

/// `POST /staff/candidates/{id}/interview`.
pub async fn interview(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<String>,
    Form(pairs): Form<Pairs>,
) -> Response {
    let (cx, id) = match resolve(&state, &actor, peer, &id, Action::DecideCandidates).await {
        Ok(found) => found,
        Err(r) => return r,
    };
    let Some(v) = version(&pairs) else { return stale(id) };
    outcome(id, "interview", state.selection.interview(&cx, id, v, &pairs).await)
}

/// `POST /staff/candidates/{id}/reveal`: HR reveals a hidden candidate, with a reason.
pub async fn reveal(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<String>,
    Form(pairs): Form<Pairs>,
) -> Response {
    let (cx, id) = match resolve(&state, &actor, peer, &id, Action::RevealIdentityEarly).await {
        Ok(found) => found,
        Err(r) => return r,
    };
    outcome(id, "revealed", state.selection.reveal(&cx, id, &pairs).await)
}

/// `POST /staff/candidates/{id}/hold`: HR places a legal hold on the candidate, with a reason.
pub async fn hold(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<String>,
    Form(pairs): Form<Pairs>,
) -> Response {
    let (cx, id) = match resolve(&state, &actor, peer, &id, |_| Action::ManageRetention).await {
        Ok(found) => found,
        Err(r) => return r,
    };
    outcome(id, "held", state.selection.hold(&cx, id, &pairs).await)
}

/// `POST /staff/vacancies/{id}/hold`: HR places a legal hold on every application of a
/// vacancy, with a reason.
pub async fn hold_vacancy(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<String>,
    Form(pairs): Form<Pairs>,
) -> Response {
    let Actor::Staff(me) = &actor else { return refuse(&AppError::SignInRequired) };
    if let Err(e) = authorise(&actor, Action::ManageRetention) {
        return refuse(&e);
    }
    let Ok(vacancy) = id.parse::<VacancyId>() else { return refuse(&AppError::NotFound) };
    let page = format!("/staff/vacancies/{vacancy}");
    match state.vacancy_admin.exists(vacancy).await {
        Ok(true) => {}
        Ok(false) => return refuse(&AppError::NotFound),
        Err(e) => return unavailable(&e),
    }
    let cx = Context { by: me.id, client: peer.ip().to_string(), now: state.services.clock.now() };
    match state.selection.hold_vacancy(&cx, vacancy, &pairs).await {
        Ok(Ok(())) => Redirect::to(&format!("{page}/candidates?done=held#holds")).into_response(),
        Ok(Err(_)) => {
            Redirect::to(&format!("{page}/candidates?error=hold_reason#holds")).into_response()
        }
        Err(e) => unavailable(&e),
    }
}

/// `POST /staff/holds/{id}/release`: HR releases a hold in force; back to where it was shown.
pub async fn release_hold(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<String>,
) -> Response {
    let Actor::Staff(me) = &actor else { return refuse(&AppError::SignInRequired) };
    if let Err(e) = authorise(&actor, Action::ManageRetention) {
        return refuse(&e);
    }
    let Ok(hold) = id.parse::<uuid::Uuid>() else { return refuse(&AppError::NotFound) };
    let back = match state.selection.hold_target(hold).await {
        Ok(Some((crate::selection::Held::Candidate(a), _))) => page(a),
        Ok(Some((crate::selection::Held::Vacancy(v), _))) => {
            format!("/staff/vacancies/{v}/candidates")
        }
        Ok(None) => return refuse(&AppError::NotFound),
        Err(e) => return unavailable(&e),
    };
    let cx = Context { by: me.id, client: peer.ip().to_string(), now: state.services.clock.now() };
    match state.selection.release_hold(&cx, hold).await {
        Ok(true) => Redirect::to(&format!("{back}?done=released#holds")).into_response(),
        Ok(false) => refuse(&AppError::NotFound),
        Err(e) => unavailable(&e),
    }
}

/// `POST /staff/vacancies/{id}/reject`: reject the chosen candidates at sift with one reason.
pub async fn bulk_reject(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<String>,
    Form(pairs): Form<Pairs>,
) -> Response {
    let Actor::Staff(me) = &actor else { return refuse(&AppError::SignInRequired) };
    let Ok(vacancy) = id.parse::<VacancyId>() else { return refuse(&AppError::NotFound) };
    if let Err(e) = authorise(&actor, Action::DecideCandidates(vacancy)) {
        return refuse(&e);
    }
    let board = format!("/staff/vacancies/{vacancy}/candidates");
    let ids: Vec<ApplicationId> = pairs
        .iter()
        .filter(|(k, _)| k == "candidate")
        .filter_map(|(_, v)| v.parse().ok())
        .collect();
    if ids.is_empty() {
        return Redirect::to(&format!("{board}?error=none")).into_response();
    }
    let cx = Context { by: me.id, client: peer.ip().to_string(), now: state.services.clock.now() };
    match state.selection.bulk_reject(&cx, vacancy, &ids, &field(&pairs, "reason")).await {
        Ok(Ok((done, skipped))) => {
            Redirect::to(&format!("{board}?rejected={done}&skipped={skipped}")).into_response()
        }
        Ok(Err(_)) => Redirect::to(&format!("{board}?error=reason")).into_response(),
        Err(e) => unavailable(&e),
    }
}

/// `GET /staff/candidates/{id}/cv`: the CV, decrypted as it streams, as an attachment. Not
/// while the candidate's identity is hidden by a name-blind sift. Every download is audited.
pub async fn cv(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<String>,
) -> Response {
    let (cx, id) = match resolve(&state, &actor, peer, &id, Action::ViewCandidates).await {
        Ok(found) => found,
        Err(r) => return r,
    };
    match state.selection.cv(&cx, id).await {
        Ok(Some((doc, name, media_type))) => send_document(&state, doc, &name, media_type).await,
        Ok(None) => refuse(&AppError::NotFound),
        Err(e) => unavailable(&e),
    }
}

/// A stored document, decrypted as it streams, as an attachment under its original name.
pub(super) async fn send_document(
    state: &AppState,
    doc: crate::documents::DocumentRef,
    name: &str,
    media_type: String,
) -> Response {
    match state.documents.get(doc).await {
        Ok(stream) => (
            StatusCode::OK,
            [(header::CONTENT_TYPE, media_type), (header::CONTENT_DISPOSITION, attachment(name))],
            Body::from_stream(stream.map_err(std::io::Error::other)),
        )
            .into_response(),
        Err(e) => unavailable(&e),
    }
}

/// `Content-Disposition: attachment` with the original name made safe: ASCII letters,
/// digits, `.`, `-` and `_` only in the plain form, and the full name percent-encoded
/// (RFC 6266 / 5987) for browsers that read `filename*`.
pub(super) fn attachment(name: &str) -> String {
    let plain: String = name
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') { c } else { '_' })
        .collect();
    let encoded: String = name
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_') {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    format!("attachment; filename=\"{plain}\"; filename*=UTF-8''{encoded}")
}
