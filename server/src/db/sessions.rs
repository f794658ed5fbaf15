//! Queries for staff sessions. Tokens never reach this module: only their SHA-256 digests.
//! Timeout rules live in `auth::sessions`; these functions store and fetch.

use super::{Conn, DbError, on_conn};
use app::domain::StaffId;
use chrono::{DateTime, Utc};
use uuid::Uuid;

/// A stored session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRow {
    /// Whose.
    pub staff_id: StaffId,
    /// When it began (for the absolute timeout).
    pub created_at: DateTime<Utc>,
    /// When it was last used (for the idle timeout).
    pub last_seen_at: DateTime<Utc>,
    /// `verify` or `enrol` while the second factor is still to come.
    pub pending: Option<String>,
    /// Second-factor attempts made with it.
    pub attempts: i64,
}

/// Stores a new session.
///
/// # Errors
/// Database failure (including a digest that already exists).
#[tracing::instrument(skip_all)]
pub async fn insert(
    conn: Conn<'_>,
    digest: &[u8; 32],
    staff: StaffId,
    at: DateTime<Utc>,
    pending: Option<&str>,
) -> Result<(), DbError> {
    const SQL: &str = "INSERT INTO staff_sessions (token_hash, staff_id, created_at, last_seen_at, pending) VALUES ($1, $2, $3, $3, $4)";
    on_conn!(conn, c => sqlx::query(SQL).bind(&digest[..]).bind(staff.as_uuid()).bind(at).bind(pending)
        .execute(&mut *c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// Fetches a session by its token's digest.
///
/// # Errors
/// Database failure.
#[tracing::instrument(skip_all)]
pub async fn get(conn: Conn<'_>, digest: &[u8; 32]) -> Result<Option<SessionRow>, DbError> {
    const SQL: &str = "SELECT staff_id, created_at, last_seen_at, pending, attempts \
                       FROM staff_sessions WHERE token_hash = $1";
    type Row = (Uuid, DateTime<Utc>, DateTime<Utc>, Option<String>, i32);
    let row: Option<Row> = on_conn!(conn, c => sqlx::query_as(SQL)
        .bind(&digest[..]).fetch_optional(&mut *c).await)?;
    Ok(row.map(|(s, created_at, last_seen_at, pending, attempts)| SessionRow {
        staff_id: StaffId::from_uuid(s),
        created_at,
        last_seen_at,
        pending,
        attempts: i64::from(attempts),
    }))
}

/// Records use of a session.
///
/// # Errors
/// Database failure.
#[tracing::instrument(skip_all)]
pub async fn touch(conn: Conn<'_>, digest: &[u8; 32], at: DateTime<Utc>) -> Result<(), DbError> {
    const SQL: &str = "UPDATE staff_sessions SET last_seen_at = $2 WHERE token_hash = $1";
    on_conn!(conn, c => sqlx::query(SQL).bind(&digest[..]).bind(at)
        .execute(&mut *c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// Ends one session. Returns whether it existed.
///
/// # Errors
/// Database failure.
#[tracing::instrument(skip_all)]
pub async fn delete(conn: Conn<'_>, digest: &[u8; 32]) -> Result<bool, DbError> {
    const SQL: &str = "DELETE FROM staff_sessions WHERE token_hash = $1";
    let n = on_conn!(conn, c => sqlx::query(SQL).bind(&digest[..])
        .execute(&mut *c).await.map(|r| r.rows_affected()))?;
    Ok(n == 1)
}

/// Ends every session of one staff member; returns how many.
///
/// # Errors
/// Database failure.
#[tracing::instrument(skip_all)]
pub async fn delete_all_for(conn: Conn<'_>, staff: StaffId) -> Result<u64, DbError> {
    const SQL: &str = "DELETE FROM staff_sessions WHERE staff_id = $1";
    on_conn!(conn, c => sqlx::query(SQL).bind(staff.as_uuid())
        .execute(&mut *c).await.map(|r| r.rows_affected()))
    .map_err(DbError::from)
}

/// Counts one second-factor attempt on a pending session; returns the attempts so far, or
/// `None` if the session is gone.
///
/// # Errors
/// Database failure.
#[tracing::instrument(skip_all)]
pub async fn count_attempt(conn: Conn<'_>, digest: &[u8; 32]) -> Result<Option<i64>, DbError> {
    const SQL: &str = "UPDATE staff_sessions SET attempts = attempts + 1 \
                       WHERE token_hash = $1 AND pending IS NOT NULL RETURNING attempts";
    let n: Option<i32> = on_conn!(conn, c => sqlx::query_scalar(SQL).bind(&digest[..])
        .fetch_optional(&mut *c).await)?;
    Ok(n.map(i64::from))
}
