//! Queries for pre-employment checks and the hand-over of hires: the right-to-work and DBS
//! records, the facts a hire export is made of, the export and hand-over times, and the DBS
//! minimisation the retention job runs.
//!
//! Reads only through `live_applications`, so a half-purged application is never exported.
//! This module never decides who may do what or when details are due (the caller and
//! `app::domain::checks` do); it must never read equal-opportunities answers.

use super::{Conn, DbError, on_conn};
use app::domain::checks::{DbsCheck, RtwCheck};
use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

/// A stored right-to-work check.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct RtwRow {
    pub check_type: String,
    pub checked_on: NaiveDate,
    pub outcome: String,
    pub expires_on: Option<NaiveDate>,
    pub document_id: Option<Uuid>,
    pub document_name: Option<String>,
    pub document_type: Option<String>,
    pub document_size: Option<i64>,
    pub recorded_by_name: Option<String>,
    pub recorded_at: DateTime<Utc>,
}

/// A stored DBS check.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct DbsRow {
    pub level: Option<String>,
    pub certificate_number: String,
    pub issued_on: NaiveDate,
    pub outcome: String,
    pub information: Option<String>,
    pub decided_on: NaiveDate,
    pub minimised_at: Option<DateTime<Utc>>,
}

/// The right-to-work check of an application, if recorded.
///
/// # Errors
/// Database failure.
pub async fn rtw(conn: Conn<'_>, application: Uuid) -> Result<Option<RtwRow>, DbError> {
    const SQL: &str = "SELECT r.check_type, r.checked_on, r.outcome, r.expires_on, r.document_id, \
        r.document_name, r.document_type, CAST(r.document_size AS BIGINT) AS document_size, \
        s.display_name AS recorded_by_name, r.recorded_at \
        FROM right_to_work_checks r LEFT JOIN staff_users s ON s.id = r.recorded_by \
        WHERE r.application_id = $1";
    Ok(on_conn!(conn, c => sqlx::query_as(SQL).bind(application).fetch_optional(&mut *c).await)?)
}

/// The DBS check of an application, if recorded.
///
/// # Errors
/// Database failure.
pub async fn dbs(conn: Conn<'_>, application: Uuid) -> Result<Option<DbsRow>, DbError> {
    const SQL: &str = "SELECT level, certificate_number, issued_on, outcome, information, \
        decided_on, minimised_at FROM dbs_checks WHERE application_id = $1";
    Ok(on_conn!(conn, c => sqlx::query_as(SQL).bind(application).fetch_optional(&mut *c).await)?)
}

/// The evidence a recorded right-to-work check points at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Evidence<'a> {
    /// Its object's name (under the application's prefix).
    pub id: Uuid,
    /// The name it had on HR's computer.
    pub name: &'a str,
    /// Its media type, as sniffed.
    pub media_type: &'a str,
    /// Its size in bytes.
    pub size: i64,
}

/// Records (or replaces) the right-to-work check; returns the evidence object it replaced, if
/// any, for the caller to delete once this commits.
///
/// # Errors
/// Database failure.
pub async fn save_rtw(
    mut conn: Conn<'_>,
    application: Uuid,
    check: &RtwCheck,
    evidence: Option<Evidence<'_>>,
    by: Uuid,
    now: DateTime<Utc>,
) -> Result<Option<Uuid>, DbError> {
    const OLD: &str = "SELECT document_id FROM right_to_work_checks WHERE application_id = $1";
    const DELETE: &str = "DELETE FROM right_to_work_checks WHERE application_id = $1";
    const INSERT: &str = "INSERT INTO right_to_work_checks (application_id, check_type, checked_on, \
        outcome, expires_on, document_id, document_name, document_type, document_size, recorded_by, \
        recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)";
    let old: Option<(Option<Uuid>,)> = on_conn!(conn.reborrow(), c => sqlx::query_as(OLD).bind(application).fetch_optional(&mut *c).await)?;
    on_conn!(conn.reborrow(), c => sqlx::query(DELETE).bind(application).execute(&mut *c).await.map(|r| r.rows_affected()))?;
    on_conn!(conn.reborrow(), c => sqlx::query(INSERT)
        .bind(application).bind(check.check_type.code()).bind(check.checked_on)
        .bind(check.outcome.code()).bind(check.expires_on)
        .bind(evidence.map(|e| e.id)).bind(evidence.map(|e| e.name))
        .bind(evidence.map(|e| e.media_type)).bind(evidence.map(|e| e.size))
        .bind(by).bind(now)
        .execute(&mut *c).await.map(|r| r.rows_affected()))?;
    Ok(old.and_then(|(d,)| d).filter(|d| Some(*d) != evidence.map(|e| e.id)))
}

/// Records (or replaces) the DBS check, decided on `decided_on`.
///
/// # Errors
/// Database failure.
pub async fn save_dbs(
    mut conn: Conn<'_>,
    application: Uuid,
    check: &DbsCheck,
    decided_on: NaiveDate,
    by: Uuid,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    const DELETE: &str = "DELETE FROM dbs_checks WHERE application_id = $1";
    const INSERT: &str = "INSERT INTO dbs_checks (application_id, level, certificate_number, \
        issued_on, outcome, information, decided_on, recorded_by, recorded_at) \
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)";
    on_conn!(conn.reborrow(), c => sqlx::query(DELETE).bind(application).execute(&mut *c).await.map(|r| r.rows_affected()))?;
    on_conn!(conn, c => sqlx::query(INSERT)
        .bind(application).bind(check.level.code()).bind(&check.certificate_number)
        .bind(check.issued_on).bind(check.outcome.code()).bind(check.information.as_deref())
        .bind(decided_on).bind(by).bind(now)
        .execute(&mut *c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// DBS checks whose details are still kept and that were decided on or before `latest`
/// (the caller narrows them with the exact rule): application id and decision date.
///
/// # Errors
/// Database failure.
pub async fn unminimised_before(
    conn: Conn<'_>,
    latest: NaiveDate,
) -> Result<Vec<(Uuid, NaiveDate)>, DbError> {
    const SQL: &str = "SELECT application_id, decided_on FROM dbs_checks \
        WHERE minimised_at IS NULL AND decided_on <= $1 ORDER BY decided_on";
    Ok(on_conn!(conn, c => sqlx::query_as(SQL).bind(latest).fetch_all(&mut *c).await)?)
}

/// Reduces a DBS check to its date, certificate number and decision. Returns whether it did
/// (false: already minimised or gone).
///
/// # Errors
/// Database failure.
pub async fn minimise(
    conn: Conn<'_>,
    application: Uuid,
    now: DateTime<Utc>,
) -> Result<bool, DbError> {
    const SQL: &str = "UPDATE dbs_checks SET level = NULL, information = NULL, minimised_at = $2 \
        WHERE application_id = $1 AND minimised_at IS NULL";
    let n = on_conn!(conn, c => sqlx::query(SQL).bind(application).bind(now).execute(&mut *c).await.map(|r| r.rows_affected()))?;
    Ok(n > 0)
}

/// The level of DBS check an application's vacancy needs (`none` when it needs none).
///
/// # Errors
/// Database failure.
pub async fn required_level(conn: Conn<'_>, application: Uuid) -> Result<String, DbError> {
    const SQL: &str = "SELECT v.dbs_level FROM live_applications a JOIN vacancies v ON v.id = a.vacancy_id \
        WHERE a.id = $1";
    let row: Option<(String,)> =
        on_conn!(conn, c => sqlx::query_as(SQL).bind(application).fetch_optional(&mut *c).await)?;
    Ok(row.map_or_else(|| "none".to_owned(), |(l,)| l))
}

/// What a hire export is made of.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct HireRow {
    pub reference: Option<String>,
    pub full_name: Option<String>,
    pub preferred_name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub contact_method: Option<String>,
    pub earliest_start: Option<NaiveDate>,
    pub notice_period: Option<String>,
    pub salary_expectation: Option<i32>,
    pub decided_at: Option<DateTime<Utc>>,
    pub vacancy_id: Uuid,
    pub title: String,
    pub team: String,
    pub location: String,
    pub job_family: Option<String>,
}

/// The facts of a hire; `None` unless the application exists and ended as hired.
///
/// # Errors
/// Database failure.
pub async fn hire(conn: Conn<'_>, application: Uuid) -> Result<Option<HireRow>, DbError> {
    const SQL: &str = "SELECT a.reference, a.full_name, a.preferred_name, a.email, a.phone, \
        a.contact_method, a.earliest_start, a.notice_period, a.salary_expectation, a.decided_at, \
        v.id AS vacancy_id, v.title, v.team, v.location, v.job_family \
        FROM live_applications a JOIN vacancies v ON v.id = a.vacancy_id \
        WHERE a.id = $1 AND a.outcome = 'hired'";
    Ok(on_conn!(conn, c => sqlx::query_as(SQL).bind(application).fetch_optional(&mut *c).await)?)
}

/// When the hire was last exported and when its hand-over was confirmed.
///
/// # Errors
/// Database failure.
pub async fn hand_over(conn: Conn<'_>, application: Uuid) -> Result<HandOverTimes, DbError> {
    const SQL: &str =
        "SELECT hire_exported_at, handed_over_at FROM live_applications WHERE id = $1";
    let row: Option<HandOverTimes> =
        on_conn!(conn, c => sqlx::query_as(SQL).bind(application).fetch_optional(&mut *c).await)?;
    Ok(row.unwrap_or((None, None)))
}

/// When a hire was last exported, and when its hand-over was confirmed.
pub type HandOverTimes = (Option<DateTime<Utc>>, Option<DateTime<Utc>>);

/// Notes that the hire was exported at `now`.
///
/// # Errors
/// Database failure.
pub async fn exported(
    conn: Conn<'_>,
    application: Uuid,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    const SQL: &str = "UPDATE applications SET hire_exported_at = $2 WHERE id = $1";
    on_conn!(conn, c => sqlx::query(SQL).bind(application).bind(now).execute(&mut *c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// Confirms the hand-over of a hire that was exported and not yet handed over. Returns
/// whether it did.
///
/// # Errors
/// Database failure.
pub async fn confirm_hand_over(
    conn: Conn<'_>,
    application: Uuid,
    now: DateTime<Utc>,
) -> Result<bool, DbError> {
    const SQL: &str = "UPDATE applications SET handed_over_at = $2, version = version + 1 \
        WHERE id = $1 AND outcome = 'hired' AND hire_exported_at IS NOT NULL \
        AND handed_over_at IS NULL AND purging_at IS NULL";
    let n = on_conn!(conn, c => sqlx::query(SQL).bind(application).bind(now).execute(&mut *c).await.map(|r| r.rows_affected()))?;
    Ok(n > 0)
}
