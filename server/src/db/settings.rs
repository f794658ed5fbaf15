//! Organisation settings that HR administrators edit (the single `organisation_settings` row).
//! The two-factor requirement lives with the second-factor queries.

use super::{Conn, DbError, on_conn};

/// The organisation's own privacy notice, if it has written one.
///
/// # Errors
/// Database failure.
#[tracing::instrument(skip_all)]
pub async fn privacy_notice(conn: Conn<'_>) -> Result<Option<String>, DbError> {
    const SQL: &str = "SELECT privacy_notice FROM organisation_settings WHERE id = 1";
    let row: Option<(Option<String>,)> =
        on_conn!(conn, c => sqlx::query_as(SQL).fetch_optional(&mut *c).await)?;
    Ok(row.and_then(|(t,)| t))
}

/// Replaces the privacy notice (`None`: back to Shortlist's wording).
///
/// # Errors
/// Database failure.
#[tracing::instrument(skip_all)]
pub async fn set_privacy_notice(conn: Conn<'_>, text: Option<&str>) -> Result<(), DbError> {
    const SQL: &str = "UPDATE organisation_settings SET privacy_notice = $1 WHERE id = 1";
    on_conn!(conn, c => sqlx::query(SQL).bind(text).execute(&mut *c).await.map(|r| r.rows_affected()))?;
    Ok(())
}
