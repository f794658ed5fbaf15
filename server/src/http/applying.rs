//! The applicant's side at the HTTP edge: the emailed resume and portal links, and the
//! request-size limits that keep any one request from filling memory.
//!
//! The journey's pages and forms are Leptos pages and server functions (`app::pages::apply`);
//! only what needs a plain handler lives here. Nothing here logs a token or a path with one.

use super::AppState;
use axum::{
    body::Body,
    extract::{Path, Request, State},
    http::{HeaderValue, StatusCode, header},
    middleware::Next,
    response::{IntoResponse as _, Redirect, Response},
};
use leptos::server_fn::ServerFn;

/// `GET /apply/resume/{token}`: gives this browser the draft's secret and opens the draft at
/// its check-answers page (which lists what is still to do). An unknown token lands on a page
/// that says so, without saying more.
pub(super) async fn resume(State(state): State<AppState>, Path(token): Path<String>) -> Response {
    match state.applying.resume(&token).await {
        Ok(Some(id)) => {
            let mut res = Redirect::to(&format!("/apply/{id}/check")).into_response();
            let cookie = app::pages::apply::secret_cookie(id, &token, state.config.behind_tls());
            if let Ok(v) = HeaderValue::from_str(&cookie) {
                res.headers_mut().insert(header::SET_COOKIE, v);
            }
            res
        }
        Ok(None) => Redirect::to("/apply/link-not-valid").into_response(),
        Err(_) => StatusCode::SERVICE_UNAVAILABLE.into_response(),
    }
}

/// `GET /portal/open/{token}`: the emailed portal link. Gives this browser the link's secret in
/// an HttpOnly cookie for as long as the link lives, then opens the portal without the secret
/// in the address bar (so it does not linger in history or reach a `Referer`). A dead link
/// lands on the page that sends a new one, saying why.
pub(super) async fn open_portal(
    State(state): State<AppState>,
    Path(token): Path<String>,
) -> Response {
    let now = state.services.clock.now();
    match state.portal.is_live(&token, now).await {
        Ok(Some(until)) => {
            let mut res = Redirect::to("/portal").into_response();
            let max_age = (until - now).num_seconds().max(0);
            let cookie =
                app::pages::portal::secret_cookie(&token, max_age, state.config.behind_tls());
            if let Ok(v) = HeaderValue::from_str(&cookie) {
                res.headers_mut().insert(header::SET_COOKIE, v);
            }
            res
        }
        Ok(None) => Redirect::to("/portal/sign-in?link=expired").into_response(),
        Err(_) => StatusCode::SERVICE_UNAVAILABLE.into_response(),
    }
}

/// Whether a `Content-Type` is `multipart/form-data` with a non-empty `boundary` parameter.
fn has_boundary(content_type: &str) -> bool {
    let mut parts = content_type.split(';');
    parts.next().is_some_and(|m| m.trim().eq_ignore_ascii_case("multipart/form-data"))
        && parts.any(|p| {
            p.trim().split_once('=').is_some_and(|(k, v)| {
                k.trim().eq_ignore_ascii_case("boundary") && !v.trim_matches('"').is_empty()
            })
        })
}

/// How large a request body may be.
#[derive(Debug, Clone, Copy)]
pub(super) struct BodyLimits {
    upload: usize,
    form: usize,
}

impl BodyLimits {
    /// Uploads may be the configured limit plus room for the form's other fields; everything
    /// else (forms, server-function calls) 1 MiB, far more than any form needs.
    pub(super) fn new(upload_limit: u64) -> Self {
        let upload =
            usize::try_from(upload_limit).unwrap_or(usize::MAX).saturating_add(1024 * 1024);
        Self { upload, form: 1024 * 1024 }
    }
}

/// Refuses a form body declared larger than its limit at once (413), and cuts off any body that
/// turns out larger while streaming, so no handler ever buffers an unbounded body. An upload
/// declared too large is let through to the upload handler, which stops reading at the limit
/// and answers with the form's own error message rather than a bare 413.
pub(super) async fn limit_bodies(
    State(limits): State<BodyLimits>,
    req: Request,
    next: Next,
) -> Response {
    let content_type = req.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok());
    let multipart = content_type.is_some_and(|v| v.starts_with("multipart/form-data"));
    // The upload server function's codec cannot answer a body that is not multipart with a
    // boundary (it gives up on the request without a reply), so such a body is refused here
    // with words a person or a program can act on.
    if req.uri().path() == <app::pages::apply::SaveDocuments as ServerFn>::PATH
        && !content_type.is_some_and(has_boundary)
    {
        return (StatusCode::BAD_REQUEST, "Send this form as multipart/form-data with a boundary.")
            .into_response();
    }
    let limit = if multipart { limits.upload } else { limits.form };
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if !multipart && declared.is_some_and(|n| n > limit) {
        return (StatusCode::PAYLOAD_TOO_LARGE, "The request is too large.").into_response();
    }
    let (parts, body) = req.into_parts();
    let body = Body::new(http_body_util::Limited::new(body, limit));
    next.run(Request::from_parts(parts, body)).await
}

#[cfg(test)]
mod tests {
    use super::has_boundary;

    #[test]
    fn only_multipart_with_a_boundary_is_an_upload() {
        assert!(has_boundary("multipart/form-data; boundary=abc"));
        assert!(has_boundary("Multipart/Form-Data;boundary=\"x y\""));
        assert!(!has_boundary("multipart/form-data"));
        assert!(!has_boundary("multipart/form-data; boundary="));
        assert!(!has_boundary("application/x-www-form-urlencoded"));
        assert!(!has_boundary("text/plain; boundary=abc"));
    }
}
