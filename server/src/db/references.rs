//! Queries for references: HR's request for referees on an application, and the referees the
//! applicant named with their consent.
//!
//! Reads through `live_applications`, so a half-purged application shows no referees. This
//! module never decides who may see referees or when they may be asked for (the callers and
//! `app::domain::access` do).

use super::{Conn, DbError, on_conn};
use app::domain::references::NewReferee;
use chrono::{DateTime, Utc};
use uuid::Uuid;

/// A stored referee.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct RefereeRow {
    pub id: Uuid,
    pub name: String,
    pub email: String,
    pub relationship: String,
    pub organisation: Option<String>,
    pub added_at: DateTime<Utc>,
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
    const SQL: &str = "SELECT r.id, r.name, r.email, r.relationship, r.organisation, r.added_at \
        FROM referees r JOIN live_applications a ON a.id = r.application_id \
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
