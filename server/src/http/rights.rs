//! The rights-request register's form posts (HR): log a request, extend one, close one.
//!
//! Plain form posts with Post/Redirect/Get, so they work with JavaScript off. Each handler
//! authorises `ManageRightsRequests` before reading anything; an unknown or malformed entry id
//! is not found. A refused form is kept server-side and the redirect carries only
//! `?error=form`, never what was typed.

use super::AppState;
use super::users::{refuse, unavailable};
use crate::rights::Refusal;
use crate::staff_admin::Context;
use app::domain::access::{Action, Actor, authorise};
use app::error::AppError;
use axum::{
    Extension, Form,
    extract::{ConnectInfo, Path, State},
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
        Err(e) => unavailable(&e),
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
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<String>,
    Form(pairs): Form<Pairs>,
) -> Response {
    let cx = match context(&state, &actor, peer) {
        Ok(cx) => cx,
        Err(e) => return refuse(&e),
    };
    let Ok(id) = id.parse::<Uuid>() else { return refuse(&AppError::NotFound) };
    outcome(id, "extended", state.rights.extend(&cx, id, &pairs).await)
}

/// `POST /staff/rights/{id}/close`.
pub async fn close(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<String>,
    Form(pairs): Form<Pairs>,
) -> Response {
    let cx = match context(&state, &actor, peer) {
        Ok(cx) => cx,
        Err(e) => return refuse(&e),
    };
    let Ok(id) = id.parse::<Uuid>() else { return refuse(&AppError::NotFound) };
    outcome(id, "closed", state.rights.close(&cx, id, &pairs).await)
}
