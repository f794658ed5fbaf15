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

/// Replaces the rejection letter (`None`: back to Shortlist's wording).
///
/// # Errors
/// Database failure.
#[tracing::instrument(skip_all)]
pub async fn set_rejection_template(conn: Conn<'_>, text: Option<&str>) -> Result<(), DbError> {
    const SQL: &str = "UPDATE organisation_settings SET rejection_template = $1 WHERE id = 1";
    on_conn!(conn, c => sqlx::query(SQL).bind(text).execute(&mut *c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// Adds a rejection reason at the end of the list, its code made unique among every reason
/// ever used (retired ones keep theirs, for the decisions that used them).
///
/// # Errors
/// Database failure.
#[tracing::instrument(skip_all)]
pub async fn add_reason(mut conn: Conn<'_>, base: &str, words: &str) -> Result<(), DbError> {
    let mut code = base.to_owned();
    for n in 2..1000 {
        let taken: Option<(String,)> = on_conn!(conn.reborrow(), c => sqlx::query_as(
            "SELECT code FROM rejection_reasons WHERE code = $1").bind(&code).fetch_optional(&mut *c).await)?;
        if taken.is_none() {
            break;
        }
        code = format!("{base}_{n}");
    }
    const SQL: &str = "INSERT INTO rejection_reasons (code, words, position) \
                       SELECT $1, $2, COALESCE(MAX(position), 0) + 1 FROM rejection_reasons";
    on_conn!(conn, c => sqlx::query(SQL).bind(&code).bind(words).execute(&mut *c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// Retires a reason in use; returns whether there was one.
///
/// # Errors
/// Database failure.
#[tracing::instrument(skip_all)]
pub async fn retire_reason(
    conn: Conn<'_>,
    code: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<bool, DbError> {
    const SQL: &str =
        "UPDATE rejection_reasons SET retired_at = $1 WHERE code = $2 AND retired_at IS NULL";
    let n = on_conn!(conn, c => sqlx::query(SQL).bind(now).bind(code).execute(&mut *c).await.map(|r| r.rows_affected()))?;
    Ok(n == 1)
}
