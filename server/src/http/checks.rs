//! Pre-employment checks and the hand-over of hires, for HR: the right-to-work form (a
//! multipart post with its evidence), its evidence download, the DBS form, the hire export as
//! JSON and CSV, the hand-over confirmation, and HR's request for referees.
//!
//! Each handler finds the candidate's vacancy as stored and authorises `ManageChecks` on it
//! before anything else (a hiring manager, a panel member or an auditor gets the same answer as
//! for an unknown candidate or a forbidden action — never the data). Plain posts with
//! Post/Redirect/Get; outcomes travel back as codes, never as typed text.

use super::AppState;
use super::selection::{attachment, resolve, send_document};
use super::users::{refuse, unavailable};
use crate::checks::Refusal;
use app::domain::ApplicationId;
use app::domain::access::{Action, Actor};
use app::error::AppError;
use axum::{
    Extension, Form,
    extract::{ConnectInfo, Multipart, Path, State},
    http::{StatusCode, header},
    response::{IntoResponse as _, Redirect, Response},
};
use futures::StreamExt as _;
use std::net::SocketAddr;

/// The most a text field of the right-to-work form may hold.
const TEXT_LIMIT: usize = 4 * 1024;

fn back(
    id: ApplicationId,
    result: Result<Result<(), Refusal>, impl std::fmt::Display>,
    done: &str,
) -> Response {
    let page = format!("/staff/candidates/{id}");
    match result {
        Ok(Ok(())) => Redirect::to(&format!("{page}?done={done}#checks")).into_response(),
        Ok(Err(Refusal::NotFound)) => refuse(&AppError::NotFound),
        Ok(Err(r)) => Redirect::to(&format!("{page}?error={}", r.code())).into_response(),
        Err(e) => unavailable(&e),
    }
}

/// `POST /staff/candidates/{id}/right-to-work` (multipart): record the right-to-work check,
/// with the evidence file if one was chosen. Text fields come before the file in the form, so
/// the check is known before the file streams in.
pub async fn right_to_work(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<String>,
    mut form: Multipart,
) -> Response {
    let (cx, id) = match resolve(&state, &actor, peer, &id, Action::ManageChecks).await {
        Ok(found) => found,
        Err(r) => return r,
    };
    let bad = || {
        (StatusCode::BAD_REQUEST, "The form could not be read. Go back and try again.")
            .into_response()
    };
    let mut pairs: Vec<(String, String)> = Vec::new();
    loop {
        let mut field = match form.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(_) => return bad(),
        };
        let name = field.name().unwrap_or_default().to_owned();
        if name == "rtw_document" {
            let file_name = field.file_name().unwrap_or_default().to_owned();
            if file_name.is_empty() {
                // No file chosen: browsers still send an empty part.
                continue;
            }
            let body = field.map(|piece| piece.map_err(std::io::Error::other));
            let result = state.checks.record_rtw(&cx, id, &pairs, Some((file_name, body))).await;
            return back(id, result, "right_to_work");
        }
        let mut value = Vec::new();
        loop {
            match field.chunk().await {
                Ok(Some(chunk)) => {
                    value.extend_from_slice(&chunk);
                    if value.len() > TEXT_LIMIT {
                        return bad();
                    }
                }
                Ok(None) => break,
                Err(_) => return bad(),
            }
        }
        let Ok(value) = String::from_utf8(value) else { return bad() };
        pairs.push((name, value));
    }
    let none: Option<(String, futures::stream::Empty<Result<bytes::Bytes, std::io::Error>>)> = None;
    back(id, state.checks.record_rtw(&cx, id, &pairs, none).await, "right_to_work")
}

/// `GET /staff/candidates/{id}/right-to-work/evidence`: the evidence, decrypted as it streams.
pub async fn evidence(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<String>,
) -> Response {
    let (cx, id) = match resolve(&state, &actor, peer, &id, Action::ManageChecks).await {
        Ok(found) => found,
        Err(r) => return r,
    };
    match state.checks.rtw_evidence(&cx, id).await {
        Ok(Some((doc, name, media_type))) => send_document(&state, doc, &name, media_type).await,
        Ok(None) => refuse(&AppError::NotFound),
        Err(e) => unavailable(&e),
    }
}

/// `POST /staff/candidates/{id}/dbs`: record the DBS check.
pub async fn dbs(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let (cx, id) = match resolve(&state, &actor, peer, &id, Action::ManageChecks).await {
        Ok(found) => found,
        Err(r) => return r,
    };
    back(id, state.checks.record_dbs(&cx, id, &pairs).await, "dbs")
}

/// `GET /staff/candidates/{id}/hire.json`: the hire export as JSON.
pub async fn export_json(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<String>,
) -> Response {
    export(&state, &actor, peer, &id, "JSON").await
}

/// `GET /staff/candidates/{id}/hire.csv`: the hire export as CSV.
pub async fn export_csv(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<String>,
) -> Response {
    export(&state, &actor, peer, &id, "CSV").await
}

/// The hire export (schema `shortlist.hire/1`, docs/HIRE_EXPORT.md) as a download, in
/// `format` (`JSON` or `CSV`). Each export is audit-logged.
async fn export(
    state: &AppState,
    actor: &Actor,
    peer: SocketAddr,
    id: &str,
    format: &'static str,
) -> Response {
    let media_type = if format == "JSON" { "application/json" } else { "text/csv; charset=utf-8" };
    let (cx, id) = match resolve(state, actor, peer, id, Action::ManageChecks).await {
        Ok(found) => found,
        Err(r) => return r,
    };
    match state.checks.export(&cx, id, format).await {
        Ok(Ok(hire)) => {
            let body = if format == "JSON" {
                match serde_json::to_string_pretty(&hire) {
                    Ok(json) => json,
                    Err(e) => return unavailable(&e),
                }
            } else {
                hire.csv()
            };
            let name =
                format!("hire-{}.{}", hire.application_reference, format.to_ascii_lowercase());
            (
                StatusCode::OK,
                [
                    (header::CONTENT_TYPE, media_type.to_owned()),
                    (header::CONTENT_DISPOSITION, attachment(&name)),
                ],
                body,
            )
                .into_response()
        }
        Ok(Err(Refusal::NotFound)) => refuse(&AppError::NotFound),
        Ok(Err(r)) => {
            Redirect::to(&format!("/staff/candidates/{id}?error={}", r.code())).into_response()
        }
        Err(e) => unavailable(&e),
    }
}

/// `POST /staff/candidates/{id}/hand-over`: HR confirms the hire reached the HR system.
pub async fn hand_over(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<String>,
) -> Response {
    let (cx, id) = match resolve(&state, &actor, peer, &id, Action::ManageChecks).await {
        Ok(found) => found,
        Err(r) => return r,
    };
    back(id, state.checks.confirm_hand_over(&cx, id).await, "handed_over")
}

/// `POST /staff/candidates/{id}/references/request`: HR asks the applicant for referees.
pub async fn request_references(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let action = |vacancy| Action::ViewReferences { vacancy, at_offer_stage: false };
    let (cx, id) = match resolve(&state, &actor, peer, &id, action).await {
        Ok(found) => found,
        Err(r) => return r,
    };
    back(id, state.references.request(&cx, id, &pairs).await, "references_requested")
}

/// `POST /staff/candidates/{id}/references/send`: HR sends a request to each named referee
/// who has not had one.
pub async fn send_references(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<String>,
) -> Response {
    let action = |vacancy| Action::ViewReferences { vacancy, at_offer_stage: false };
    let (cx, id) = match resolve(&state, &actor, peer, &id, action).await {
        Ok(found) => found,
        Err(r) => return r,
    };
    let sent = state.references.send_requests(&cx, id).await.map(|r| r.map(|_| ()));
    back(id, sent, "references_sent")
}
