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
    pub released_on: Option<NaiveDate>,
}

const ENTRY: &str = "SELECT r.id, r.reference, r.kind, r.received_on, r.verified, \
    r.verification_note, r.email, r.details, r.due_on, r.extended_months, r.extension_reason, \
    r.outcome, r.outcome_note, r.closed_on, s.display_name AS logged_by_name, r.from_portal, \
    r.logged_at, r.released_on FROM rights_requests r LEFT JOIN staff_users s ON s.id = r.logged_by";

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

/// Releases the access bundle of open access request `id` and closes it as completed on
/// `on`; false when it is not an open access request (nothing written).
///
/// # Errors
/// Database failure.
pub async fn release(conn: Conn<'_>, id: Uuid, on: NaiveDate) -> Result<bool, DbError> {
    const SQL: &str = "UPDATE rights_requests SET released_on = $2, outcome = 'completed', \
        outcome_note = 'Copy of the data released to the person through the applicant portal', \
        closed_on = $2 WHERE id = $1 AND kind = 'access' AND outcome IS NULL";
    let n = on_conn!(conn, c => sqlx::query(SQL).bind(id).bind(on)
        .execute(&mut *c).await.map(|r| r.rows_affected()))?;
    Ok(n > 0)
}

/// The access requests made with `email` (any case) whose bundle was released: reference and
/// release date, newest first.
///
/// # Errors
/// Database failure.
pub async fn released_to(conn: Conn<'_>, email: &str) -> Result<Vec<(String, NaiveDate)>, DbError> {
    const SQL: &str = "SELECT reference, released_on FROM rights_requests \
        WHERE lower(email) = $1 AND kind = 'access' AND released_on IS NOT NULL \
        ORDER BY released_on DESC, reference";
    Ok(
        on_conn!(conn, c => sqlx::query_as(SQL).bind(email.to_lowercase()).fetch_all(&mut *c).await)?,
    )
}

/// Restricts every sent application made with `email` (any case) that is not already
/// restricted; returns how many. Bumps their version, so a selector's open form cannot act on
/// the state it was drawn from.
///
/// # Errors
/// Database failure.
pub async fn restrict(conn: Conn<'_>, email: &str, now: DateTime<Utc>) -> Result<u64, DbError> {
    const SQL: &str = "UPDATE applications SET restricted_at = $2, version = version + 1 \
        WHERE lower(email) = $1 AND status <> 'draft' AND restricted_at IS NULL AND purging_at IS NULL";
    Ok(on_conn!(conn, c => sqlx::query(SQL).bind(email.to_lowercase()).bind(now)
        .execute(&mut *c).await.map(|r| r.rows_affected()))?)
}

/// Lifts the restriction of the applications made with `email` (any case), unless a
/// restriction or objection of theirs is still open; returns how many were lifted.
///
/// # Errors
/// Database failure.
pub async fn lift(conn: Conn<'_>, email: &str) -> Result<u64, DbError> {
    const SQL: &str = "UPDATE applications SET restricted_at = NULL, version = version + 1 \
        WHERE lower(email) = $1 AND restricted_at IS NOT NULL AND NOT EXISTS (SELECT 1 FROM \
        rights_requests r WHERE lower(r.email) = $1 AND r.outcome IS NULL \
        AND r.kind IN ('restriction', 'objection'))";
    Ok(on_conn!(conn, c => sqlx::query(SQL).bind(email.to_lowercase())
        .execute(&mut *c).await.map(|r| r.rows_affected()))?)
}

/// Corrects one field of `application` (HR, answering request `request`) and records why;
/// false when the application is gone or being purged (nothing written). `field` is one of
/// `app::domain::rights::rectify::Field`'s codes; anything else writes nothing.
///
/// # Errors
/// Database failure.
pub async fn rectify(
    mut conn: Conn<'_>,
    application: Uuid,
    field: &str,
    value: Option<&str>,
    note: &str,
    request: Uuid,
    by: Uuid,
    now: DateTime<Utc>,
) -> Result<bool, DbError> {
    // The column comes from this fixed list, never from the request.
    let update = match field {
        "full_name" => {
            "UPDATE applications SET full_name = $2, version = version + 1 WHERE id = $1 AND purging_at IS NULL"
        }
        "preferred_name" => {
            "UPDATE applications SET preferred_name = $2, version = version + 1 WHERE id = $1 AND purging_at IS NULL"
        }
        "phone" => {
            "UPDATE applications SET phone = $2, version = version + 1 WHERE id = $1 AND purging_at IS NULL"
        }
        "notice_period" => {
            "UPDATE applications SET notice_period = $2, version = version + 1 WHERE id = $1 AND purging_at IS NULL"
        }
        "adjustments" => {
            "UPDATE applications SET adjustments = $2, version = version + 1 WHERE id = $1 AND purging_at IS NULL"
        }
        _ => return Ok(false),
    };
    let n = on_conn!(conn.reborrow(), c => sqlx::query(sqlx::AssertSqlSafe(update)).bind(application)
        .bind(value).execute(&mut *c).await.map(|r| r.rows_affected()))?;
    if n == 0 {
        return Ok(false);
    }
    const RECORD: &str = "INSERT INTO rectifications (id, application_id, request_id, field, note, \
        corrected_by, corrected_at) VALUES ($1, $2, $3, $4, $5, $6, $7)";
    on_conn!(conn, c => sqlx::query(RECORD).bind(Uuid::new_v4()).bind(application).bind(request)
        .bind(field).bind(note).bind(by).bind(now).execute(&mut *c).await.map(|r| r.rows_affected()))?;
    Ok(true)
}

/// The corrections made in answer to request `request`: field, application reference, note
/// and when, oldest first.
///
/// # Errors
/// Database failure.
pub async fn rectifications(
    conn: Conn<'_>,
    request: Uuid,
) -> Result<Vec<(String, Option<String>, String, DateTime<Utc>)>, DbError> {
    const SQL: &str = "SELECT r.field, a.reference, r.note, r.corrected_at FROM rectifications r \
        JOIN applications a ON a.id = r.application_id WHERE r.request_id = $1 \
        ORDER BY r.corrected_at, r.id";
    Ok(on_conn!(conn, c => sqlx::query_as(SQL).bind(request).fetch_all(&mut *c).await)?)
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
