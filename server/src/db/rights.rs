//! Queries for the rights-request register: logging a request, reading the register and one
//! entry, extending and closing (each guarded so a closed entry never changes), and the
//! applications held under an address.
//!
//! Entries never refer to an application: the person is named only by the address, which the
//! erasure clears. This module never decides a deadline (that is `app::domain::rights`).

use super::{Conn, DbError, on_conn};
use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

/// A new entry.
#[derive(Debug, Clone)]
pub struct NewEntry<'a> {
    pub id: Uuid,
    pub reference: &'a str,
    pub kind: &'a str,
    pub received_on: NaiveDate,
    pub verified: &'a str,
    pub verification_note: Option<&'a str>,
    pub email: &'a str,
    pub details: Option<&'a str>,
    pub due_on: NaiveDate,
    pub logged_by: Option<Uuid>,
    pub from_portal: bool,
    pub logged_at: DateTime<Utc>,
}

/// Stores a new entry.
///
/// # Errors
/// Database failure (a reference collision among them: the caller retries with another).
pub async fn insert(conn: Conn<'_>, e: &NewEntry<'_>) -> Result<(), DbError> {
    const SQL: &str = "INSERT INTO rights_requests (id, reference, kind, received_on, verified, \
        verification_note, email, details, due_on, logged_by, from_portal, logged_at) \
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)";
    on_conn!(conn, c => sqlx::query(SQL).bind(e.id).bind(e.reference).bind(e.kind)
        .bind(e.received_on).bind(e.verified).bind(e.verification_note).bind(e.email)
        .bind(e.details).bind(e.due_on).bind(e.logged_by).bind(e.from_portal).bind(e.logged_at)
        .execute(&mut *c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// A stored entry.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Entry {
    pub id: Uuid,
    pub reference: String,
    pub kind: String,
    pub received_on: NaiveDate,
    pub verified: String,
    pub verification_note: Option<String>,
    pub email: Option<String>,
    pub details: Option<String>,
    pub due_on: NaiveDate,
    pub extended_months: i32,
    pub extension_reason: Option<String>,
    pub outcome: Option<String>,
    pub outcome_note: Option<String>,
    pub closed_on: Option<NaiveDate>,
    pub logged_by_name: Option<String>,
    pub from_portal: bool,
    pub logged_at: DateTime<Utc>,
}

const ENTRY: &str = "SELECT r.id, r.reference, r.kind, r.received_on, r.verified, \
    r.verification_note, r.email, r.details, r.due_on, r.extended_months, r.extension_reason, \
    r.outcome, r.outcome_note, r.closed_on, s.display_name AS logged_by_name, r.from_portal, \
    r.logged_at FROM rights_requests r LEFT JOIN staff_users s ON s.id = r.logged_by";

/// Every entry: open ones by deadline, then closed ones, newest first. At most `limit`.
///
/// # Errors
/// Database failure.
pub async fn all(conn: Conn<'_>, limit: i64) -> Result<Vec<Entry>, DbError> {
    let sql = format!(
        "{ENTRY} ORDER BY CASE WHEN r.outcome IS NULL THEN 0 ELSE 1 END, \
         CASE WHEN r.outcome IS NULL THEN r.due_on END, r.received_on DESC, r.id LIMIT $1"
    );
    Ok(on_conn!(conn, c => sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str())).bind(limit)
        .fetch_all(&mut *c).await)?)
}

/// Entry `id`, if it exists.
///
/// # Errors
/// Database failure.
pub async fn get(conn: Conn<'_>, id: Uuid) -> Result<Option<Entry>, DbError> {
    let sql = format!("{ENTRY} WHERE r.id = $1");
    Ok(on_conn!(conn, c => sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str())).bind(id)
        .fetch_optional(&mut *c).await)?)
}

/// Extends open entry `id` to `months` in all with `reason` and the new deadline; false when
/// it is closed or already extended as far (nothing written).
///
/// # Errors
/// Database failure.
pub async fn extend(
    conn: Conn<'_>,
    id: Uuid,
    months: i32,
    reason: &str,
    due_on: NaiveDate,
) -> Result<bool, DbError> {
    const SQL: &str = "UPDATE rights_requests SET extended_months = $2, extension_reason = $3, \
        due_on = $4 WHERE id = $1 AND outcome IS NULL AND extended_months < $2";
    let n = on_conn!(conn, c => sqlx::query(SQL).bind(id).bind(months).bind(reason).bind(due_on)
        .execute(&mut *c).await.map(|r| r.rows_affected()))?;
    Ok(n > 0)
}

/// Closes open entry `id`; false when it was already closed (nothing written).
///
/// # Errors
/// Database failure.
pub async fn close(
    conn: Conn<'_>,
    id: Uuid,
    outcome: &str,
    note: Option<&str>,
    closed_on: NaiveDate,
) -> Result<bool, DbError> {
    const SQL: &str = "UPDATE rights_requests SET outcome = $2, outcome_note = $3, closed_on = $4 \
        WHERE id = $1 AND outcome IS NULL";
    let n = on_conn!(conn, c => sqlx::query(SQL).bind(id).bind(outcome).bind(note).bind(closed_on)
        .execute(&mut *c).await.map(|r| r.rows_affected()))?;
    Ok(n > 0)
}

/// A sent application held under an address.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Held {
    pub id: Uuid,
    pub reference: Option<String>,
    pub vacancy_title: String,
    pub status: String,
    pub outcome: Option<String>,
    pub appointable: bool,
}

/// The sent applications made with `email` (any case), oldest first.
///
/// # Errors
/// Database failure.
pub async fn held(conn: Conn<'_>, email: &str) -> Result<Vec<Held>, DbError> {
    const SQL: &str = "SELECT a.id, a.reference, v.title AS vacancy_title, a.status, a.outcome, \
        a.appointable_at IS NOT NULL AS appointable \
        FROM live_applications a JOIN vacancies v ON v.id = a.vacancy_id \
        WHERE lower(a.email) = $1 AND a.status <> 'draft' ORDER BY a.submitted_at, a.id";
    Ok(
        on_conn!(conn, c => sqlx::query_as(SQL).bind(email.to_lowercase()).fetch_all(&mut *c).await)?,
    )
}
