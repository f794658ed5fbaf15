//! Queries for application data keys (see `documents::crypto`).
//!
//! A key row is never deleted: destroying a key clears the wrapped key and records when, so
//! "destroyed" stays distinguishable from "never existed" and a purge can be re-run safely.

use super::{Conn, DbError, on_conn};
use chrono::{DateTime, Utc};
use uuid::Uuid;

/// What is stored for an application's key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyState {
    /// The wrapped key.
    Live(Vec<u8>),
    /// It existed and was destroyed.
    Destroyed,
    /// No key was ever made.
    Missing,
}

/// The state of an application's key.
///
/// # Errors
/// Database failure.
#[tracing::instrument(skip_all)]
pub async fn state(conn: Conn<'_>, application: Uuid) -> Result<KeyState, DbError> {
    const SQL: &str = "SELECT wrapped_key FROM application_keys WHERE application_id = $1";
    let row: Option<(Option<Vec<u8>>,)> = on_conn!(conn, c => {
        sqlx::query_as(SQL).bind(application).fetch_optional(&mut *c).await
    })?;
    Ok(match row {
        Some((Some(wrapped),)) => KeyState::Live(wrapped),
        Some((None,)) => KeyState::Destroyed,
        None => KeyState::Missing,
    })
}

/// Stores a wrapped key unless the application already has one (live or destroyed); whether
/// this one was stored.
///
/// # Errors
/// Database failure.
#[tracing::instrument(skip_all)]
pub async fn insert_if_absent(
    conn: Conn<'_>,
    application: Uuid,
    wrapped: &[u8],
) -> Result<bool, DbError> {
    const SQL: &str = "INSERT INTO application_keys (application_id, wrapped_key, created_at) \
                       VALUES ($1, $2, $3) ON CONFLICT (application_id) DO NOTHING";
    let now = Utc::now();
    let n = on_conn!(conn, c => {
        sqlx::query(SQL).bind(application).bind(wrapped).bind(now).execute(&mut *c).await.map(|r| r.rows_affected())
    })?;
    Ok(n == 1)
}

/// Destroys the key: the wrapped bytes are overwritten by NULL. Idempotent; a key that never
/// existed is recorded as destroyed, so no key can be created for that application later.
///
/// # Errors
/// Database failure.
pub async fn destroy(conn: Conn<'_>, application: Uuid, at: DateTime<Utc>) -> Result<(), DbError> {
    destroy_many(conn, &[application], at).await
}

/// [`destroy`] for several applications in one statement (the purge marks a batch at a time).
///
/// # Errors
/// Database failure.
#[tracing::instrument(skip_all)]
pub async fn destroy_many(
    conn: Conn<'_>,
    applications: &[Uuid],
    at: DateTime<Utc>,
) -> Result<(), DbError> {
    if applications.is_empty() {
        return Ok(());
    }
    let rows = super::placeholders_as(2, applications.len(), |i| format!("(${i}, NULL, $1, $1)"));
    let sql = format!(
        "INSERT INTO application_keys (application_id, wrapped_key, created_at, destroyed_at) \
         VALUES {rows} ON CONFLICT (application_id) DO UPDATE SET wrapped_key = NULL, \
         destroyed_at = COALESCE(application_keys.destroyed_at, excluded.destroyed_at)"
    );
    on_conn!(conn, c => {
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql.as_str())).bind(at);
        for id in applications {
            q = q.bind(*id);
        }
        q.execute(&mut *c).await.map(|r| r.rows_affected())
    })?;
    Ok(())
}
