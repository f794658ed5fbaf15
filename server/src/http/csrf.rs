//! Cross-site request forgery protection for every state-changing request.
//!
//! Any request whose method is not safe (anything but GET, HEAD, OPTIONS, TRACE) must prove it
//! comes from one of Shortlist's own pages: its `Origin` must be Shortlist's origin (the
//! public URL's, or the one the browser addressed through `Host`), and if the browser sends
//! `Sec-Fetch-Site` it must not say `cross-site` or `same-site`. Browsers set both headers
//! themselves on every form post and `fetch`, with or without JavaScript, and a page on another
//! site cannot forge them. A request with neither header is refused: only non-browser clients
//! omit both, and Shortlist has no such client. Session cookies are also `SameSite=Lax`
//! (see `http::staff`), so a cross-site POST would carry no session even if it got through.
//!
//! State never changes on a safe method: handlers for GET only read.

use axum::{
    extract::{Request, State},
    http::{HeaderMap, StatusCode, header},
    middleware::Next,
    response::{IntoResponse as _, Response},
};
use std::sync::Arc;

/// Shortlist's own origin, e.g. `https://jobs.example.org`, and its scheme.
#[derive(Debug, Clone)]
pub struct OwnOrigin {
    /// The public URL's origin.
    pub origin: Arc<str>,
    /// `http` or `https`, for the origin derived from `Host`.
    pub scheme: Arc<str>,
}

/// Refuses state-changing requests that do not come from Shortlist's own pages.
pub async fn same_origin_only(State(own): State<OwnOrigin>, req: Request, next: Next) -> Response {
    if req.method().is_safe() || from_own_pages(req.headers(), &own) {
        return next.run(req).await;
    }
    tracing::warn!(method = %req.method(), "refused a state-changing request from another origin");
    (
        StatusCode::FORBIDDEN,
        "This request did not come from a Shortlist page, so it was refused. \
         Go back to the page, reload it and try again.",
    )
        .into_response()
}

fn from_own_pages(headers: &HeaderMap, own: &OwnOrigin) -> bool {
    let fetch_site = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok());
    if matches!(fetch_site, Some("cross-site" | "same-site")) {
        return false;
    }
    match headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) {
        Some(origin) => {
            origin == &*own.origin
                || headers
                    .get(header::HOST)
                    .and_then(|h| h.to_str().ok())
                    .is_some_and(|host| origin == format!("{}://{host}", own.scheme))
        }
        // Browsers that do not send Origin on a same-origin post still send this.
        None => fetch_site == Some("same-origin"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn own() -> OwnOrigin {
        OwnOrigin { origin: "https://jobs.example.org".into(), scheme: "https".into() }
    }

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, HeaderValue::from_static(v));
        }
        h
    }

    #[test]
    fn accepts_only_requests_from_our_own_pages() {
        let cases: &[(&[(&str, &str)], bool)] = &[
            (&[("origin", "https://jobs.example.org")], true),
            (&[("origin", "https://jobs.example.org"), ("sec-fetch-site", "same-origin")], true),
            (&[("sec-fetch-site", "same-origin")], true),
            (&[("origin", "https://internal:3000"), ("host", "internal:3000")], true),
            (&[("origin", "https://evil.example")], false),
            (&[("origin", "http://jobs.example.org")], false),
            (&[("origin", "https://jobs.example.org.evil.example")], false),
            (&[("origin", "null")], false),
            (&[("origin", "https://jobs.example.org"), ("sec-fetch-site", "cross-site")], false),
            (&[("origin", "https://jobs.example.org"), ("sec-fetch-site", "same-site")], false),
            (&[("origin", "https://evil.example"), ("host", "jobs.example.org")], false),
            (&[("sec-fetch-site", "none")], false),
            (&[], false),
        ];
        for (pairs, expected) in cases {
            assert_eq!(from_own_pages(&headers(pairs), &own()), *expected, "{pairs:?}");
        }
    }
}
