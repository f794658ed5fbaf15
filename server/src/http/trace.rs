//! One log line per request, without personal data: the route *template* (never the raw
//! path or query, which may carry ids or tokens), the method, the status and the time taken.

use axum::{
    extract::{MatchedPath, Request},
    middleware::Next,
    response::Response,
};
use std::time::Instant;
use tracing::Instrument as _;

/// Logs the request when its response is ready.
pub async fn log_request(req: Request, next: Next) -> Response {
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "<unrouted>".to_owned(), |p| p.as_str().to_owned());
    let method = req.method().clone();
    let span = tracing::info_span!("request", %method, route = %route);
    let started = Instant::now();
    let res = next.run(req).instrument(span.clone()).await;
    span.in_scope(|| {
        tracing::info!(
            status = res.status().as_u16(),
            ms = started.elapsed().as_millis() as u64,
            "handled"
        );
    });
    res
}
