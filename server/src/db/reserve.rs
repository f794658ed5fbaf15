//! Queries for the reserve list: which reserve-list consents are due their renewal notice, the
//! links those notices carry (digests only), and what a link leads to.
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
        c.withdrawn_at, v.title AS vacancy_title, \
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
