//! Security headers on every response.
//!
//! HTML pages get their Content-Security-Policy (with the response's script nonce) from the
//! shell; everything else gets the strict default here. The middleware only fills in headers
//! a handler did not set itself.

use axum::{
    extract::{Request, State},
    http::{HeaderName, HeaderValue, header},
    middleware::Next,
    response::Response,
};

/// For responses that are not pages (JSON, files): nothing may run or be framed.
const DEFAULT_CSP: &str = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'";

/// Adds the baseline headers; HSTS only when people reach Shortlist over TLS.
pub async fn security_headers(
    State(behind_tls): State<bool>,
    req: Request,
    next: Next,
) -> Response {
    let static_asset = req.uri().path().starts_with("/pkg/");
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    let mut set = |name: HeaderName, value: &'static str| {
        h.entry(name).or_insert(HeaderValue::from_static(value));
    };
    set(header::CONTENT_SECURITY_POLICY, DEFAULT_CSP);
    set(header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    // same-origin: no URL (which may one day carry a portal token) leaks to other sites,
    // while same-origin requests keep the Referer/Origin that CSRF checks rely on.
    set(header::REFERRER_POLICY, "same-origin");
    set(header::X_FRAME_OPTIONS, "DENY");
    set(HeaderName::from_static("cross-origin-opener-policy"), "same-origin");
    set(HeaderName::from_static("cross-origin-resource-policy"), "same-origin");
    set(
        HeaderName::from_static("permissions-policy"),
        "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
    );
    // Pages may hold personal data: no shared or browser cache keeps them. Built assets are
    // not personal and may be revalidated.
    set(header::CACHE_CONTROL, if static_asset { "no-cache" } else { "no-store" });
    if behind_tls {
        set(header::STRICT_TRANSPORT_SECURITY, "max-age=63072000; includeSubDomains");
    }
    res
}
