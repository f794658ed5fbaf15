//! Queries for the applicant portal: portal links, and a person's sent applications found by
//! their email address.
//!
//! Every query that touches an application by id also names the address the portal link was
//! issued for, so a portal link can never reach someone else's application by a guessed id.
//! Drafts are never touched here (they have their own resume links).

use super::{Conn, DbError, on_conn};
use chrono::{DateTime, Utc};
use uuid::Uuid;

/// Stores a new portal link for `email`.
///
/// # Errors
/// Database failure.
#[tracing::instrument(skip_all)]
pub async fn insert_link(
    conn: Conn<'_>,
    digest: &[u8; 32],
    email: &str,
    now: DateTime<Utc>,
    expires_at: DateTime<Utc>,
) -> Result<(), DbError> {
    const SQL: &str = "INSERT INTO portal_links (token_digest, email, created_at, expires_at) \
                       VALUES ($1, $2, $3, $4)";
    on_conn!(conn, c => sqlx::query(SQL).bind(&digest[..]).bind(email).bind(now).bind(expires_at)
        .execute(&mut *c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// How many links have been made for an address since `since`.
///
/// # Errors
/// Database failure.
#[tracing::instrument(skip_all)]
pub async fn links_since(
    conn: Conn<'_>,
    email: &str,
    since: DateTime<Utc>,
) -> Result<i64, DbError> {
    const SQL: &str = "SELECT COUNT(*) FROM portal_links WHERE email = $1 AND created_at > $2";
    let (n,): (i64,) =
        on_conn!(conn, c => sqlx::query_as(SQL).bind(email).bind(since).fetch_one(&mut *c).await)?;
    Ok(n)
}

/// The address and expiry of a live link (not expired at `now`, not revoked).
///
/// # Errors
/// Database failure.
#[tracing::instrument(skip_all)]
pub async fn live_link(
    conn: Conn<'_>,
    digest: &[u8; 32],
    now: DateTime<Utc>,
) -> Result<Option<(String, DateTime<Utc>)>, DbError> {
    const SQL: &str = "SELECT email, expires_at FROM portal_links \
                       WHERE token_digest = $1 AND revoked_at IS NULL AND expires_at > $2";
    Ok(
        on_conn!(conn, c => sqlx::query_as(SQL).bind(&digest[..]).bind(now).fetch_optional(&mut *c).await)?,
    )
}

/// Revokes one link.
///
/// # Errors
/// Database failure.
#[tracing::instrument(skip_all)]
pub async fn revoke(conn: Conn<'_>, digest: &[u8; 32], now: DateTime<Utc>) -> Result<(), DbError> {
    const SQL: &str =
        "UPDATE portal_links SET revoked_at = $1 WHERE token_digest = $2 AND revoked_at IS NULL";
    on_conn!(conn, c => sqlx::query(SQL).bind(now).bind(&digest[..]).execute(&mut *c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// Revokes every link of an address.
///
/// # Errors
/// Database failure.
#[tracing::instrument(skip_all)]
pub async fn revoke_all(conn: Conn<'_>, email: &str, now: DateTime<Utc>) -> Result<(), DbError> {
    const SQL: &str =
        "UPDATE portal_links SET revoked_at = $1 WHERE email = $2 AND revoked_at IS NULL";
    on_conn!(conn, c => sqlx::query(SQL).bind(now).bind(email).execute(&mut *c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// Whether any application has been sent from this address.
///
/// # Errors
/// Database failure.
#[tracing::instrument(skip_all)]
pub async fn has_applications(conn: Conn<'_>, email: &str) -> Result<bool, DbError> {
    const SQL: &str =
        "SELECT COUNT(*) FROM live_applications WHERE email = $1 AND status <> 'draft'";
    let (n,): (i64,) =
        on_conn!(conn, c => sqlx::query_as(SQL).bind(email).fetch_one(&mut *c).await)?;
    Ok(n > 0)
}

/// One sent application as the portal lists it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
#[expect(missing_docs, reason = "the columns are documented in the migrations")]
pub struct PortalRow {
    pub id: Uuid,
    pub reference: String,
    pub title: String,
    pub status: String,
    pub outcome: Option<String>,
    pub submitted_at: DateTime<Utc>,
    pub withdrawn_at: Option<DateTime<Utc>>,
    pub given_at: Option<DateTime<Utc>>,
    pub expires_at: Option<DateTime<Utc>>,
}

/// The sent applications of an address with their live reserve-list consent, newest first.
///
/// # Errors
/// Database failure.
#[tracing::instrument(skip_all)]
pub async fn applications_of(
    conn: Conn<'_>,
    email: &str,
    now: DateTime<Utc>,
) -> Result<Vec<PortalRow>, DbError> {
    const SQL: &str = "SELECT a.id, a.reference, v.title, a.status, a.outcome, a.submitted_at, a.withdrawn_at, \
                       c.given_at, c.expires_at \
                       FROM live_applications a JOIN vacancies v ON v.id = a.vacancy_id \
                       LEFT JOIN consents c ON c.application_id = a.id AND c.kind = 'reserve_list' \
                       AND c.withdrawn_at IS NULL AND c.expires_at > $2 \
                       WHERE a.email = $1 AND a.status <> 'draft' ORDER BY a.submitted_at DESC, a.id";
    Ok(on_conn!(conn, c => sqlx::query_as(SQL).bind(email).bind(now).fetch_all(&mut *c).await)?)
}

/// The status of a sent application if it belongs to `email`.
///
/// # Errors
/// Database failure.
#[tracing::instrument(skip_all)]
pub async fn status_if_owned(
    conn: Conn<'_>,
    id: Uuid,
    email: &str,
) -> Result<Option<String>, DbError> {
    const SQL: &str =
        "SELECT status FROM live_applications WHERE id = $1 AND email = $2 AND status <> 'draft'";
    let row: Option<(String,)> = on_conn!(conn, c => sqlx::query_as(SQL).bind(id).bind(email).fetch_optional(&mut *c).await)?;
    Ok(row.map(|(s,)| s))
}

/// Withdraws a sent application (only while it is `submitted`); returns whether it changed.
///
/// # Errors
/// Database failure.
#[tracing::instrument(skip_all)]
pub async fn withdraw(mut conn: Conn<'_>, id: Uuid, now: DateTime<Utc>) -> Result<bool, DbError> {
    // Withdrawing is a decision (the applicant's): it starts the retention clock and bumps the
    // version, so a selector's form opened before it is refused rather than undoing it.
    const SQL: &str = "UPDATE applications SET status = 'withdrawn', withdrawn_at = $1, decided_at = $1, \
                       updated_at = $1, version = version + 1 \
                       WHERE id = $2 AND status = 'submitted' AND outcome IS NULL";
    let n = on_conn!(conn.reborrow(), c => sqlx::query(SQL).bind(now).bind(id).execute(&mut *c).await.map(|r| r.rows_affected()))?;
    if n == 1 {
        super::selection::record_stage(
            conn.reborrow(),
            id,
            now,
            None,
            None,
            None,
            Some("withdrawn"),
        )
        .await?;
        super::retention::refresh(conn, super::retention::Scope::Application(id)).await?;
    }
    Ok(n == 1)
}

/// The contact details on the newest sent application of an address.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
#[expect(missing_docs, reason = "the columns are documented in the migrations")]
pub struct ContactRow {
    pub full_name: Option<String>,
    pub preferred_name: Option<String>,
    pub phone: Option<String>,
    pub contact_method: Option<String>,
}

/// The newest contact details of an address.
///
/// # Errors
/// Database failure.
#[tracing::instrument(skip_all)]
pub async fn contact_of(conn: Conn<'_>, email: &str) -> Result<Option<ContactRow>, DbError> {
    const SQL: &str = "SELECT full_name, preferred_name, phone, contact_method FROM live_applications \
                       WHERE email = $1 AND status <> 'draft' ORDER BY updated_at DESC, id LIMIT 1";
    Ok(on_conn!(conn, c => sqlx::query_as(SQL).bind(email).fetch_optional(&mut *c).await)?)
}

/// Sets the contact details on every sent application of `old_email`; returns how many.
///
/// # Errors
/// Database failure.
#[tracing::instrument(skip_all)]
pub async fn correct_contact(
    conn: Conn<'_>,
    old_email: &str,
    about: &app::domain::application::AboutYou,
    now: DateTime<Utc>,
) -> Result<u64, DbError> {
    const SQL: &str = "UPDATE applications SET full_name = $1, preferred_name = $2, email = $3, \
                       phone = $4, contact_method = $5, updated_at = $6 \
                       WHERE email = $7 AND status <> 'draft'";
    Ok(on_conn!(conn, c => sqlx::query(SQL)
        .bind(&about.full_name).bind(about.preferred_name.as_deref()).bind(&about.email)
        .bind(about.phone.as_deref()).bind(about.contact_method.code()).bind(now).bind(old_email)
        .execute(&mut *c).await.map(|r| r.rows_affected()))?)
}
