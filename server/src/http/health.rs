//! `GET /healthz`: whether the database and document storage answer, for load balancers and
//! operators. It reports reachability only; causes go to the log, never the response.

use super::AppState;
use axum::{Json, extract::State, http::StatusCode};
use serde::Serialize;
use std::time::Duration;

/// How long each check may take before it counts as unavailable.
const CHECK_TIMEOUT: Duration = Duration::from_secs(3);

/// The health report.
#[derive(Debug, Serialize)]
pub struct Health {
    status: &'static str,
    database: &'static str,
    storage: &'static str,
}

fn word(ok: bool) -> &'static str {
    if ok { "ok" } else { "unavailable" }
}

/// 200 when everything answers, 503 otherwise.
pub async fn healthz(State(state): State<AppState>) -> (StatusCode, Json<Health>) {
    let (db, storage) = tokio::join!(
        tokio::time::timeout(CHECK_TIMEOUT, state.db.ping()),
        tokio::time::timeout(CHECK_TIMEOUT, state.documents.ping()),
    );
    let db_ok = match db {
        Ok(Ok(())) => true,
        Ok(Err(e)) => {
            tracing::warn!(error = %e, "health: database unavailable");
            false
        }
        Err(_) => {
            tracing::warn!("health: database check timed out");
            false
        }
    };
    let storage_ok = match storage {
        Ok(Ok(())) => true,
        Ok(Err(e)) => {
            tracing::warn!(error = %e, "health: document storage unavailable");
            false
        }
        Err(_) => {
            tracing::warn!("health: document storage check timed out");
            false
        }
    };
    let all = db_ok && storage_ok;
    let code = if all { StatusCode::OK } else { StatusCode::SERVICE_UNAVAILABLE };
    (code, Json(Health { status: word(all), database: word(db_ok), storage: word(storage_ok) }))
}
