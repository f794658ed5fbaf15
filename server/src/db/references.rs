//! Queries for references: HR's request for referees on an application, the referees the
//! applicant named with their consent, the links sent to them (digests only), and their answers.
//!
//! Reads through `live_applications`, so a half-purged application shows no referees. This
//! module never decides who may see referees or when they may be asked for (the callers and
//! `app::domain::access` do).

use super::{Conn, DbError, on_conn};
use app::domain::references::{NewReferee, request::NewReference};
use chrono::{DateTime, Utc};
use uuid::Uuid;

/// A stored referee, with where their request stands and their answer, if any.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct RefereeRow {
    pub id: Uuid,
    pub name: String,
    pub email: String,
    pub relationship: String,
    pub organisation: Option<String>,
    pub added_at: DateTime<Utc>,
    pub requested_at: Option<DateTime<Utc>>,
    pub request_expires_at: Option<DateTime<Utc>>,
    pub reminded_at: Option<DateTime<Utc>>,
    pub declined: Option<bool>,
    pub decline_reason: Option<String>,
    pub referee_role: Option<String>,
    pub capacity: Option<String>,
    pub worked_from: Option<String>,
    pub worked_to: Option<String>,
    pub applicant_role: Option<String>,
    pub reemploy: Option<String>,
    pub concerns_known: Option<bool>,
    pub concerns: Option<String>,
    pub statement: Option<String>,
    pub submitted_at: Option<DateTime<Utc>>,
}

/// When HR asked for referees on an application, and how many; `None` if it has not.
///
/// # Errors
/// Database failure.
pub async fn requested(
    conn: Conn<'_>,
    application: Uuid,
) -> Result<Option<(DateTime<Utc>, i32)>, DbError> {
    const SQL: &str = "SELECT references_requested_at, references_wanted FROM live_applications \
        WHERE id = $1";
    let row: Option<(Option<DateTime<Utc>>, Option<i32>)> =
        on_conn!(conn, c => sqlx::query_as(SQL).bind(application).fetch_optional(&mut *c).await)?;
    Ok(match row {
        Some((Some(at), Some(wanted))) => Some((at, wanted)),
        _ => None,
    })
}

/// Records HR's request for `wanted` referees, once. Returns whether it did (false: already
/// asked).
///
/// # Errors
/// Database failure.
pub async fn request(
    conn: Conn<'_>,
    application: Uuid,
    wanted: i32,
    now: DateTime<Utc>,
) -> Result<bool, DbError> {
    const SQL: &str = "UPDATE applications SET references_requested_at = $2, \
        references_wanted = $3, version = version + 1 \
        WHERE id = $1 AND references_requested_at IS NULL AND purging_at IS NULL";
    let n = on_conn!(conn, c => sqlx::query(SQL).bind(application).bind(now).bind(wanted)
        .execute(&mut *c).await.map(|r| r.rows_affected()))?;
    Ok(n > 0)
}

/// The referees of an application, in the order they were named.
///
/// # Errors
/// Database failure.
pub async fn referees(conn: Conn<'_>, application: Uuid) -> Result<Vec<RefereeRow>, DbError> {
    const SQL: &str = "SELECT r.id, r.name, r.email, r.relationship, r.organisation, r.added_at, \
        r.requested_at, r.request_expires_at, r.reminded_at, x.declined, x.decline_reason, \
        x.referee_role, x.capacity, x.worked_from, x.worked_to, x.applicant_role, x.reemploy, \
        x.concerns_known, x.concerns, x.statement, x.submitted_at \
        FROM referees r JOIN live_applications a ON a.id = r.application_id \
        LEFT JOIN reference_responses x ON x.referee_id = r.id \
        WHERE r.application_id = $1 ORDER BY r.added_at, r.id";
    Ok(on_conn!(conn, c => sqlx::query_as(SQL).bind(application).fetch_all(&mut *c).await)?)
}

/// Stores a referee the applicant named, with the consent they gave for contacting them.
///
/// # Errors
/// Database failure.
pub async fn add(
    conn: Conn<'_>,
    application: Uuid,
    referee: &NewReferee,
    consent_sha256: &[u8; 32],
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    const SQL: &str = "INSERT INTO referees (id, application_id, name, email, relationship, \
        organisation, consent_version, consent_sha256, consent_at, added_at) \
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9)";
    on_conn!(conn, c => sqlx::query(SQL).bind(Uuid::new_v4()).bind(application)
        .bind(&referee.name).bind(&referee.email).bind(&referee.relationship)
        .bind(referee.organisation.as_deref()).bind(app::domain::references::CONSENT_VERSION)
        .bind(consent_sha256.as_slice()).bind(now)
        .execute(&mut *c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// Who a request or reminder goes to, and what it is about.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Addressee {
    pub id: Uuid,
    pub application_id: Uuid,
    pub name: String,
    pub email: String,
    pub request_expires_at: Option<DateTime<Utc>>,
    pub full_name: Option<String>,
    pub preferred_name: Option<String>,
    pub vacancy_title: String,
}

const ADDRESSEE: &str = "SELECT r.id, r.application_id, r.name, r.email, r.request_expires_at, \
    a.full_name, a.preferred_name, v.title AS vacancy_title \
    FROM referees r JOIN live_applications a ON a.id = r.application_id \
    JOIN vacancies v ON v.id = a.vacancy_id";

/// The referees of an application HR may send a request to at `now`: never asked, or asked
/// and the link ended without an answer.
///
/// # Errors
/// Database failure.
pub async fn askable(
    conn: Conn<'_>,
    application: Uuid,
    now: DateTime<Utc>,
) -> Result<Vec<Addressee>, DbError> {
    let sql =
        format!("{ADDRESSEE} WHERE r.application_id = $1 AND {ASKABLE} ORDER BY r.added_at, r.id");
    Ok(on_conn!(conn, c => sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str())).bind(application)
        .bind(now).fetch_all(&mut *c).await)?)
}

/// `app::domain::references::request::RequestFacts::askable` in SQL, over `r` (a referee) with
/// `$2` now: never asked, or asked, the link ended, and no answer.
const ASKABLE: &str = "(r.requested_at IS NULL OR (r.request_expires_at <= $2 AND NOT EXISTS \
    (SELECT 1 FROM reference_responses x WHERE x.referee_id = r.id)))";

/// Records that a request went to `referee` with a link whose secret has `digest`, working
/// until `expires_at`. Returns false (nothing written) if the referee may not be asked now
/// (another request went first, or they answered).
///
/// # Errors
/// Database failure.
pub async fn mark_sent(
    mut conn: Conn<'_>,
    referee: Uuid,
    digest: &[u8; 32],
    now: DateTime<Utc>,
    expires_at: DateTime<Utc>,
) -> Result<bool, DbError> {
    // A fresh request (the first, or after the last one's link ended unanswered) gets its own
    // reminder; the ended request's links are deleted so they never work again.
    const SQL: &str = "UPDATE referees AS r SET requested_at = $2, request_expires_at = $3, \
        reminded_at = NULL WHERE r.id = $1 AND ";
    let sql = format!("{SQL}{ASKABLE}");
    let n = on_conn!(conn.reborrow(), c => sqlx::query(sqlx::AssertSqlSafe(sql.as_str())).bind(referee)
        .bind(now).bind(expires_at).execute(&mut *c).await.map(|r| r.rows_affected()))?;
    if n == 0 {
        return Ok(false);
    }
    const OLD_LINKS: &str = "DELETE FROM reference_links WHERE referee_id = $1";
    on_conn!(conn.reborrow(), c => sqlx::query(OLD_LINKS).bind(referee)
        .execute(&mut *c).await.map(|r| r.rows_affected()))?;
    add_link(conn, referee, digest, now).await?;
    Ok(true)
}

async fn add_link(
    conn: Conn<'_>,
    referee: Uuid,
    digest: &[u8; 32],
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    const SQL: &str =
        "INSERT INTO reference_links (token_digest, referee_id, created_at) VALUES ($1, $2, $3)";
    on_conn!(conn, c => sqlx::query(SQL).bind(&digest[..]).bind(referee).bind(now)
        .execute(&mut *c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// Referees sent a request at or before `cutoff` who have not answered, have not been
/// reminded, whose link still works at `now`, on applications still going (not ended, not
/// restricted). At most `limit`, oldest first.
///
/// # Errors
/// Database failure.
pub async fn due_reminders(
    conn: Conn<'_>,
    cutoff: DateTime<Utc>,
    now: DateTime<Utc>,
    limit: i64,
) -> Result<Vec<Addressee>, DbError> {
    let sql = format!(
        "{ADDRESSEE} WHERE r.requested_at <= $1 AND r.reminded_at IS NULL \
         AND r.request_expires_at > $2 \
         AND NOT EXISTS (SELECT 1 FROM reference_responses x WHERE x.referee_id = r.id) \
         AND a.status = 'submitted' AND (a.outcome IS NULL OR a.outcome = 'hired') \
         AND a.restricted_at IS NULL ORDER BY r.requested_at, r.id LIMIT $3"
    );
    Ok(on_conn!(conn, c => sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str())).bind(cutoff).bind(now)
        .bind(limit).fetch_all(&mut *c).await)?)
}

/// Records the one reminder to `referee`, with its own link. Returns false (nothing written)
/// if they were reminded already (another instance got there first) or have answered.
///
/// # Errors
/// Database failure.
pub async fn mark_reminded(
    mut conn: Conn<'_>,
    referee: Uuid,
    digest: &[u8; 32],
    now: DateTime<Utc>,
) -> Result<bool, DbError> {
    // The application is checked again here, not only when the due list was read: a rights
    // request (restriction), a withdrawal or a decision in between means no reminder.
    const SQL: &str = "UPDATE referees SET reminded_at = $2 WHERE id = $1 AND reminded_at IS NULL \
        AND NOT EXISTS (SELECT 1 FROM reference_responses x WHERE x.referee_id = referees.id) \
        AND EXISTS (SELECT 1 FROM live_applications a WHERE a.id = referees.application_id \
          AND a.status = 'submitted' AND a.restricted_at IS NULL \
          AND (a.outcome IS NULL OR a.outcome = 'hired'))";
    let n = on_conn!(conn.reborrow(), c => sqlx::query(SQL).bind(referee).bind(now)
        .execute(&mut *c).await.map(|r| r.rows_affected()))?;
    if n == 0 {
        return Ok(false);
    }
    add_link(conn, referee, digest, now).await?;
    Ok(true)
}

/// What a referee's link leads to.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Linked {
    pub referee_id: Uuid,
    pub application_id: Uuid,
    pub vacancy_id: Uuid,
    pub referee_name: String,
    pub request_expires_at: Option<DateTime<Utc>>,
    pub full_name: Option<String>,
    pub preferred_name: Option<String>,
    pub vacancy_title: String,
    pub status: String,
    pub outcome: Option<String>,
    pub restricted: bool,
    /// Whether they declined, once they have answered.
    pub declined: Option<bool>,
    /// What they typed into a form that had problems.
    pub draft: Option<String>,
}

/// The referee and application a link's secret (by `digest`) belongs to; `None` for an
/// unknown link or a purged application.
///
/// # Errors
/// Database failure.
pub async fn by_link(conn: Conn<'_>, digest: &[u8; 32]) -> Result<Option<Linked>, DbError> {
    const SQL: &str = "SELECT r.id AS referee_id, r.application_id, a.vacancy_id, \
        r.name AS referee_name, r.request_expires_at, a.full_name, a.preferred_name, \
        v.title AS vacancy_title, a.status, a.outcome, a.restricted_at IS NOT NULL AS restricted, \
        x.declined, d.fields AS draft \
        FROM reference_links l JOIN referees r ON r.id = l.referee_id \
        JOIN live_applications a ON a.id = r.application_id \
        JOIN vacancies v ON v.id = a.vacancy_id \
        LEFT JOIN reference_responses x ON x.referee_id = r.id \
        LEFT JOIN reference_drafts d ON d.referee_id = r.id \
        WHERE l.token_digest = $1";
    Ok(on_conn!(conn, c => sqlx::query_as(SQL).bind(&digest[..]).fetch_optional(&mut *c).await)?)
}

/// Keeps what a referee typed into a form that had problems (replacing what was kept).
///
/// # Errors
/// Database failure.
pub async fn keep_draft(
    conn: Conn<'_>,
    referee: Uuid,
    fields: &str,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    const SQL: &str = "INSERT INTO reference_drafts (referee_id, fields, saved_at) \
        VALUES ($1, $2, $3) ON CONFLICT (referee_id) DO UPDATE \
        SET fields = excluded.fields, saved_at = excluded.saved_at";
    on_conn!(conn, c => sqlx::query(SQL).bind(referee).bind(fields).bind(now)
        .execute(&mut *c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// A referee's answer.
#[derive(Debug, Clone)]
pub enum Answer<'a> {
    /// A reference.
    Given(&'a NewReference),
    /// A refusal, with the reason if given.
    Declined(Option<&'a str>),
}

/// Stores a referee's answer, once: returns false (nothing written) if they had answered
/// already. Their kept draft goes.
///
/// # Errors
/// Database failure.
pub async fn answer(
    mut conn: Conn<'_>,
    referee: Uuid,
    answer: &Answer<'_>,
    now: DateTime<Utc>,
) -> Result<bool, DbError> {
    const SQL: &str = "INSERT INTO reference_responses (referee_id, declined, decline_reason, \
        referee_role, capacity, worked_from, worked_to, applicant_role, reemploy, concerns_known, \
        concerns, statement, submitted_at) \
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) \
        ON CONFLICT (referee_id) DO NOTHING";
    let (declined, reason, r) = match answer {
        Answer::Given(r) => (false, None, Some(*r)),
        Answer::Declined(reason) => (true, *reason, None),
    };
    let n = on_conn!(conn.reborrow(), c => sqlx::query(SQL).bind(referee).bind(declined).bind(reason)
        .bind(r.and_then(|r| r.referee_role.as_deref())).bind(r.map(|r| r.capacity.as_str()))
        .bind(r.map(|r| r.worked_from.as_str())).bind(r.and_then(|r| r.worked_to.as_deref()))
        .bind(r.map(|r| r.applicant_role.as_str())).bind(r.map(|r| r.reemploy.code()))
        .bind(r.map(|r| r.concerns.is_some())).bind(r.and_then(|r| r.concerns.as_deref()))
        .bind(r.map(|r| r.statement.as_str())).bind(now)
        .execute(&mut *c).await.map(|r| r.rows_affected()))?;
    if n == 0 {
        return Ok(false);
    }
    const DRAFT: &str = "DELETE FROM reference_drafts WHERE referee_id = $1";
    on_conn!(conn, c => sqlx::query(DRAFT).bind(referee).execute(&mut *c).await.map(|r| r.rows_affected()))?;
    Ok(true)
}
