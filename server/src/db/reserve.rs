//! Queries for the reserve list: who is on a reserve list ([`on_lists`] is the one place that
//! decides it), which reserve-list consents are due their renewal notice, the links the emails
//! carry (digests only) and what they lead to, and the invitations HR sends.
//!
//! Reads applications through `live_applications`, so nothing half-purged is ever emailed or
//! shown. Giving and withdrawing consents stays in `db::applications` (one place writes
//! consent records); this module never decides whether a notice is due (that is
//! `app::domain::reserve::renewal_notice_due`).

use super::{Conn, DbError, on_conn};
use chrono::{DateTime, Utc};
use uuid::Uuid;

/// A live reserve-list consent close to lapsing, with whom and what to tell.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Lapsing {
    pub consent_id: Uuid,
    pub application_id: Uuid,
    pub expires_at: DateTime<Utc>,
    pub email: Option<String>,
    pub full_name: Option<String>,
    pub preferred_name: Option<String>,
    pub vacancy_title: String,
}

/// Live reserve-list consents lapsing after `now` and at or before `horizon`, not yet given a
/// renewal notice, on sent applications that did not end in a hire. At most `limit`, soonest
/// first.
///
/// # Errors
/// Database failure.
pub async fn lapsing(
    conn: Conn<'_>,
    now: DateTime<Utc>,
    horizon: DateTime<Utc>,
    limit: i64,
) -> Result<Vec<Lapsing>, DbError> {
    const SQL: &str = "SELECT c.id AS consent_id, c.application_id, c.expires_at, a.email, \
        a.full_name, a.preferred_name, v.title AS vacancy_title \
        FROM consents c JOIN live_applications a ON a.id = c.application_id \
        JOIN vacancies v ON v.id = a.vacancy_id \
        WHERE c.kind = 'reserve_list' AND c.withdrawn_at IS NULL AND c.renewal_notice_at IS NULL \
        AND c.expires_at > $1 AND c.expires_at <= $2 \
        AND a.status <> 'draft' AND (a.outcome IS NULL OR a.outcome <> 'hired') \
        ORDER BY c.expires_at, c.id LIMIT $3";
    Ok(on_conn!(conn, c => sqlx::query_as(SQL).bind(now).bind(horizon).bind(limit)
        .fetch_all(&mut *c).await)?)
}

/// Records the renewal notice for `consent` with the link it carries. Returns false (nothing
/// written) if another instance sent it first or the consent is no longer live.
///
/// # Errors
/// Database failure.
pub async fn mark_notified(
    mut conn: Conn<'_>,
    consent: Uuid,
    application: Uuid,
    digest: &[u8; 32],
    now: DateTime<Utc>,
) -> Result<bool, DbError> {
    const MARK: &str = "UPDATE consents SET renewal_notice_at = $2 \
        WHERE id = $1 AND renewal_notice_at IS NULL AND withdrawn_at IS NULL";
    let n = on_conn!(conn.reborrow(), c => sqlx::query(MARK).bind(consent).bind(now)
        .execute(&mut *c).await.map(|r| r.rows_affected()))?;
    if n == 0 {
        return Ok(false);
    }
    const LINK: &str = "INSERT INTO consent_links (token_digest, consent_id, application_id, \
        created_at) VALUES ($1, $2, $3, $4)";
    on_conn!(conn, c => sqlx::query(LINK).bind(&digest[..]).bind(consent).bind(application)
        .bind(now).execute(&mut *c).await.map(|r| r.rows_affected()))?;
    Ok(true)
}

/// The consent a link was sent about, with its application's vacancy and, once it was renewed,
/// the record that renewed it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Linked {
    pub consent_id: Uuid,
    pub application_id: Uuid,
    pub expires_at: DateTime<Utc>,
    pub withdrawn_at: Option<DateTime<Utc>>,
    /// How it was withdrawn; `None` with `withdrawn_at` set: it lapsed, and was closed when a
    /// new consent was given.
    pub withdrawn_method: Option<String>,
    pub vacancy_title: String,
    /// When the record that renewed this one lapses, if one did.
    pub renewed_until: Option<DateTime<Utc>>,
}

/// What the link whose secret has `digest` leads to; `None` when unknown or purged.
///
/// # Errors
/// Database failure.
pub async fn by_link(conn: Conn<'_>, digest: &[u8; 32]) -> Result<Option<Linked>, DbError> {
    const SQL: &str = "SELECT c.id AS consent_id, c.application_id, c.expires_at, \
        c.withdrawn_at, c.withdrawn_method, v.title AS vacancy_title, \
        (SELECT MAX(n.expires_at) FROM consents n WHERE n.renews = c.id) AS renewed_until \
        FROM consent_links l JOIN consents c ON c.id = l.consent_id \
        JOIN live_applications a ON a.id = c.application_id \
        JOIN vacancies v ON v.id = a.vacancy_id \
        WHERE l.token_digest = $1";
    Ok(on_conn!(conn, c => sqlx::query_as(SQL).bind(&digest[..]).fetch_optional(&mut *c).await)?)
}

/// Ends `consent` by email if it is still live; returns whether it did.
///
/// # Errors
/// Database failure.
pub async fn end(conn: Conn<'_>, consent: Uuid, now: DateTime<Utc>) -> Result<bool, DbError> {
    const SQL: &str = "UPDATE consents SET withdrawn_at = $2, withdrawn_method = 'email' \
        WHERE id = $1 AND withdrawn_at IS NULL AND expires_at > $2";
    let n = on_conn!(conn, c => sqlx::query(SQL).bind(consent).bind(now)
        .execute(&mut *c).await.map(|r| r.rows_affected()))?;
    Ok(n > 0)
}

/// Marks the live reserve-list consent of `application` as the renewal of `old`.
///
/// # Errors
/// Database failure.
pub async fn mark_renewal(conn: Conn<'_>, application: Uuid, old: Uuid) -> Result<(), DbError> {
    const SQL: &str = "UPDATE consents SET renews = $2 \
        WHERE application_id = $1 AND kind = 'reserve_list' AND withdrawn_at IS NULL";
    on_conn!(conn, c => sqlx::query(SQL).bind(application).bind(old)
        .execute(&mut *c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// When `application`'s live reserve-list consent lapses; `None` when it has none at `now`
/// (never given, withdrawn, or lapsed).
///
/// # Errors
/// Database failure.
pub async fn live_consent_until(
    conn: Conn<'_>,
    application: Uuid,
    now: DateTime<Utc>,
) -> Result<Option<DateTime<Utc>>, DbError> {
    const SQL: &str = "SELECT MAX(expires_at) FROM consents WHERE application_id = $1 \
        AND kind = 'reserve_list' AND withdrawn_at IS NULL AND expires_at > $2";
    let (until,): (Option<DateTime<Utc>>,) = on_conn!(conn, c => sqlx::query_as(SQL)
        .bind(application).bind(now).fetch_one(&mut *c).await)?;
    Ok(until)
}

/// Stores the link in an appointable candidate's letter that asks for reserve-list consent.
///
/// # Errors
/// Database failure.
pub async fn add_ask(
    conn: Conn<'_>,
    digest: &[u8; 32],
    application: Uuid,
    now: DateTime<Utc>,
    expires_at: DateTime<Utc>,
) -> Result<(), DbError> {
    const SQL: &str = "INSERT INTO reserve_asks (token_digest, application_id, created_at, \
        expires_at) VALUES ($1, $2, $3, $4)";
    on_conn!(conn, c => sqlx::query(SQL).bind(&digest[..]).bind(application).bind(now)
        .bind(expires_at).execute(&mut *c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// An ask link with what it leads to.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Ask {
    pub application_id: Uuid,
    pub expires_at: DateTime<Utc>,
    pub used_at: Option<DateTime<Utc>>,
    pub vacancy_title: String,
    /// Whether the application is still one found appointable, not restricted.
    pub askable: bool,
}

/// The ask link whose secret has `digest`; `None` when unknown or its application is purged.
///
/// # Errors
/// Database failure.
pub async fn ask_by_link(conn: Conn<'_>, digest: &[u8; 32]) -> Result<Option<Ask>, DbError> {
    const SQL: &str = "SELECT k.application_id, k.expires_at, k.used_at, \
        v.title AS vacancy_title, \
        (a.appointable_at IS NOT NULL AND a.status = 'submitted' AND a.restricted_at IS NULL) \
          AS askable \
        FROM reserve_asks k JOIN live_applications a ON a.id = k.application_id \
        JOIN vacancies v ON v.id = a.vacancy_id WHERE k.token_digest = $1";
    Ok(on_conn!(conn, c => sqlx::query_as(SQL).bind(&digest[..]).fetch_optional(&mut *c).await)?)
}

/// Marks the ask link used, if it is unused and unexpired at `now`; returns whether it did
/// (two racing posts: one wins).
///
/// # Errors
/// Database failure.
pub async fn use_ask(
    conn: Conn<'_>,
    digest: &[u8; 32],
    now: DateTime<Utc>,
) -> Result<bool, DbError> {
    const SQL: &str = "UPDATE reserve_asks SET used_at = $2 \
        WHERE token_digest = $1 AND used_at IS NULL AND expires_at > $2";
    let n = on_conn!(conn, c => sqlx::query(SQL).bind(&digest[..]).bind(now)
        .execute(&mut *c).await.map(|r| r.rows_affected()))?;
    Ok(n > 0)
}

/// A candidate on a reserve list: found appointable, a live consent, not restricted, kept.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct OnList {
    pub application_id: Uuid,
    pub vacancy_id: Uuid,
    pub vacancy_title: String,
    pub job_family: Option<String>,
    pub full_name: Option<String>,
    pub preferred_name: Option<String>,
    pub appointable_at: DateTime<Utc>,
    pub consent_until: DateTime<Utc>,
    pub final_score: Option<i32>,
    pub sheets: i64,
    pub sheet_sum: Option<i64>,
}

/// Everyone on a reserve list at `now` (`vacancy`: only that vacancy's list). Who is on a list
/// is decided here and only here: found appointable, a reserve-list consent neither withdrawn
/// nor lapsed, no rights request pending, not being purged.
///
/// # Errors
/// Database failure.
pub async fn on_lists(
    conn: Conn<'_>,
    vacancy: Option<Uuid>,
    now: DateTime<Utc>,
) -> Result<Vec<OnList>, DbError> {
    const SQL: &str = "SELECT a.id AS application_id, a.vacancy_id, v.title AS vacancy_title, \
        v.job_family, a.full_name, a.preferred_name, a.appointable_at, \
        c.expires_at AS consent_until, a.final_score, \
        (SELECT COUNT(*) FROM score_sheets s WHERE s.application_id = a.id \
           AND s.submitted_at IS NOT NULL AND s.total IS NOT NULL) AS sheets, \
        (SELECT SUM(s.total) FROM score_sheets s WHERE s.application_id = a.id \
           AND s.submitted_at IS NOT NULL AND s.total IS NOT NULL) AS sheet_sum \
        FROM live_applications a JOIN vacancies v ON v.id = a.vacancy_id \
        JOIN consents c ON c.application_id = a.id AND c.kind = 'reserve_list' \
          AND c.withdrawn_at IS NULL AND c.expires_at > $1 \
        WHERE a.appointable_at IS NOT NULL AND a.status = 'submitted' \
          AND a.restricted_at IS NULL AND ($2 IS NULL OR a.vacancy_id = $2)";
    Ok(on_conn!(conn, c => sqlx::query_as(SQL).bind(now).bind(vacancy).fetch_all(&mut *c).await)?)
}

/// The location tags and criteria of each of `vacancies`, for matching: (vacancy, tag) and
/// (vacancy, criterion text).
///
/// # Errors
/// Database failure.
pub async fn profiles(
    mut conn: Conn<'_>,
    vacancies: &[Uuid],
) -> Result<(Vec<(Uuid, String)>, Vec<(Uuid, String)>), DbError> {
    let mut tags = Vec::new();
    let mut criteria = Vec::new();
    // One small query per vacancy: a reserve list spans few vacancies, and this keeps the SQL
    // the same on both backends (no array binding).
    for v in vacancies {
        const TAGS: &str =
            "SELECT vacancy_id, tag FROM vacancy_location_tags WHERE vacancy_id = $1";
        const CRITERIA: &str =
            "SELECT vacancy_id, text FROM vacancy_criteria WHERE vacancy_id = $1";
        let t: Vec<(Uuid, String)> = on_conn!(conn.reborrow(), c => sqlx::query_as(TAGS).bind(v)
            .fetch_all(&mut *c).await)?;
        let k: Vec<(Uuid, String)> = on_conn!(conn.reborrow(), c => sqlx::query_as(CRITERIA)
            .bind(v).fetch_all(&mut *c).await)?;
        tags.extend(t);
        criteria.extend(k);
    }
    Ok((tags, criteria))
}

/// A vacancy as the reserve-list page needs it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Vacancy {
    pub title: String,
    pub job_family: Option<String>,
    pub taking_applications: bool,
}

/// Vacancy `id` (`None`: unknown); `taking_applications` is published and open at `now`.
///
/// # Errors
/// Database failure.
pub async fn vacancy(
    conn: Conn<'_>,
    id: Uuid,
    now: DateTime<Utc>,
) -> Result<Option<Vacancy>, DbError> {
    const SQL: &str = "SELECT title, job_family, \
        (status = 'published' AND closes_at > $2) AS taking_applications \
        FROM vacancies WHERE id = $1";
    Ok(on_conn!(conn, c => sqlx::query_as(SQL).bind(id).bind(now).fetch_optional(&mut *c).await)?)
}

/// When each candidate was invited to apply for `vacancy`.
///
/// # Errors
/// Database failure.
pub async fn invitations(
    conn: Conn<'_>,
    vacancy: Uuid,
) -> Result<Vec<(Uuid, DateTime<Utc>)>, DbError> {
    const SQL: &str =
        "SELECT application_id, invited_at FROM reserve_invitations WHERE vacancy_id = $1";
    Ok(on_conn!(conn, c => sqlx::query_as(SQL).bind(vacancy).fetch_all(&mut *c).await)?)
}

/// Records an invitation; returns false (nothing written) if this candidate was already
/// invited to apply for this vacancy.
///
/// # Errors
/// Database failure.
pub async fn add_invitation(
    conn: Conn<'_>,
    vacancy: Uuid,
    application: Uuid,
    by: Uuid,
    now: DateTime<Utc>,
) -> Result<bool, DbError> {
    const SQL: &str = "INSERT INTO reserve_invitations (vacancy_id, application_id, invited_by, \
        invited_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING";
    let n = on_conn!(conn, c => sqlx::query(SQL).bind(vacancy).bind(application).bind(by)
        .bind(now).execute(&mut *c).await.map(|r| r.rows_affected()))?;
    Ok(n > 0)
}
