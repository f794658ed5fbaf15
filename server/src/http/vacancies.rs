//! Vacancy management form posts for HR: save the editor (create or update), publish, close.
//!
//! Plain form posts (Post/Redirect/Get), so they work the same with JavaScript on or off. Each
//! handler authorises `ManageVacancies` first; a rejected editor form is kept server-side and
//! the redirect carries only `?error=form`, never the text typed.

use super::AppState;
use super::users::{refuse, unavailable};
use crate::staff_admin::Context;
use crate::vacancy_admin::Refusal;
use app::domain::{
    VacancyId,
    access::{Action, Actor, authorise},
    vacancy_edit::VacancyInput,
};
use app::error::AppError;
use axum::{
    Extension, Form,
    extract::{ConnectInfo, Path, State},
    response::{IntoResponse as _, Redirect, Response},
};
use std::net::SocketAddr;

fn context(state: &AppState, actor: &Actor, peer: SocketAddr) -> Result<Context, AppError> {
    authorise(actor, Action::ManageVacancies)?;
    let Actor::Staff(me) = actor else { return Err(AppError::SignInRequired) };
    Ok(Context { by: me.id, client: peer.ip().to_string(), now: state.services.clock.now() })
}

fn to(path: &str) -> Response {
    Redirect::to(path).into_response()
}

fn page(id: VacancyId) -> String {
    format!("/staff/vacancies/{id}")
}

/// What a refusal looks like to the person: back to the page with a code, or a refusal page.
fn refused(id: Option<VacancyId>, r: Refusal) -> Response {
    let back = id.map_or_else(|| "/staff/vacancies/new".to_owned(), page);
    match r {
        Refusal::NotFound => refuse(&AppError::NotFound),
        Refusal::Invalid => to(&format!("{back}?error=form")),
        Refusal::Closed => to(&format!("{back}?error=closed")),
        Refusal::NotReady(_) | Refusal::WrongState => to(&format!("{back}?error=publish")),
    }
}

/// The context for a change to the vacancy named in the path: authorised first, so a person
/// without the right learns nothing about which ids exist; a malformed id is not found.
fn context_for(
    state: &AppState,
    actor: &Actor,
    peer: SocketAddr,
    id: &str,
) -> Result<(Context, VacancyId), AppError> {
    let cx = context(state, actor, peer)?;
    let id = id.parse().map_err(|_| AppError::NotFound)?;
    Ok((cx, id))
}

/// `POST /staff/vacancies/new`.
pub async fn create(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Extension(actor): Extension<Actor>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let cx = match context(&state, &actor, peer) {
        Ok(cx) => cx,
        Err(e) => return refuse(&e),
    };
    match state.vacancy_admin.save(&cx, None, &VacancyInput::from_pairs(&pairs)).await {
        Ok(Ok(id)) => to(&format!("{}?done=created", page(id))),
        Ok(Err(r)) => refused(None, r),
        Err(e) => unavailable(&e),
    }
}

/// `POST /staff/vacancies/{id}`.
pub async fn update(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let (cx, id) = match context_for(&state, &actor, peer, &id) {
        Ok(found) => found,
        Err(e) => return refuse(&e),
    };
    match state.vacancy_admin.save(&cx, Some(id), &VacancyInput::from_pairs(&pairs)).await {
        Ok(Ok(id)) => to(&format!("{}?done=saved", page(id))),
        Ok(Err(r)) => refused(Some(id), r),
        Err(e) => unavailable(&e),
    }
}

/// `POST /staff/vacancies/{id}/publish`.
pub async fn publish(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<String>,
) -> Response {
    let (cx, id) = match context_for(&state, &actor, peer, &id) {
        Ok(found) => found,
        Err(e) => return refuse(&e),
    };
    match state.vacancy_admin.publish(&cx, id).await {
        Ok(Ok(())) => to(&format!("{}?done=published", page(id))),
        Ok(Err(r)) => refused(Some(id), r),
        Err(e) => unavailable(&e),
    }
}

/// The close form: the confirmation box.
#[derive(serde::Deserialize)]
pub struct CloseForm {
    #[serde(default)]
    confirm: String,
}

/// `POST /staff/vacancies/{id}/close`: needs the confirmation box ticked.
pub async fn close(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<String>,
    Form(form): Form<CloseForm>,
) -> Response {
    let (cx, id) = match context_for(&state, &actor, peer, &id) {
        Ok(found) => found,
        Err(e) => return refuse(&e),
    };
    if form.confirm != "yes" {
        return to(&format!("{}?error=confirm", page(id)));
    }
    match state.vacancy_admin.close(&cx, id).await {
        Ok(Ok(())) => to(&format!("{}?done=closed", page(id))),
        Ok(Err(r)) => refused(Some(id), r),
        Err(e) => unavailable(&e),
    }
}

/// `POST /staff/vacancies/{id}/reserve-list/{application}/invite`: invite a candidate from a
/// matching reserve list to apply. Back to the reserve-list page with `?done=invited` or the
/// refusal's code; an unknown vacancy or candidate is not found.
pub async fn invite_from_reserve_list(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Extension(actor): Extension<Actor>,
    Path((id, application)): Path<(String, String)>,
) -> Response {
    let (cx, id) = match context_for(&state, &actor, peer, &id) {
        Ok(found) => found,
        Err(e) => return refuse(&e),
    };
    let Ok(application) = application.parse() else { return refuse(&AppError::NotFound) };
    let back = format!("{}/reserve-list", page(id));
    match state.reserve.invite(&cx, id, application).await {
        Ok(Ok(())) => to(&format!("{back}?done=invited")),
        Ok(Err(code)) => to(&format!("{back}?error={code}")),
        Err(e) => refuse(&e),
    }
}
