//! The last rejected input of a staff form, kept so the form can be shown again with its
//! messages after a redirect (typed text never goes in a URL). One row per person and form.

use super::{Conn, DbError, on_conn};
use app::domain::StaffId;
use chrono::{DateTime, Utc};

/// Keeps `input` (JSON) as `staff`'s rejected input for `form`, replacing any earlier one.
///
/// # Errors
/// Database failure.
#[tracing::instrument(skip_all)]
pub async fn keep(
    conn: Conn<'_>,
    staff: StaffId,
    form: &str,
    input: &str,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    const SQL: &str = "INSERT INTO staff_form_input (staff_id, form, input, created_at) VALUES ($1, $2, $3, $4) \
                       ON CONFLICT (staff_id, form) DO UPDATE SET input = excluded.input, created_at = excluded.created_at";
    on_conn!(conn, c => sqlx::query(SQL).bind(staff.as_uuid()).bind(form).bind(input).bind(now)
        .execute(&mut *c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// `staff`'s rejected input for `form`, if kept since `since`.
///
/// # Errors
/// Database failure.
#[tracing::instrument(skip_all)]
pub async fn kept(
    conn: Conn<'_>,
    staff: StaffId,
    form: &str,
    since: DateTime<Utc>,
) -> Result<Option<String>, DbError> {
    const SQL: &str =
        "SELECT input FROM staff_form_input WHERE staff_id = $1 AND form = $2 AND created_at >= $3";
    let row: Option<(String,)> = on_conn!(conn, c => sqlx::query_as(SQL)
        .bind(staff.as_uuid()).bind(form).bind(since).fetch_optional(&mut *c).await)?;
    Ok(row.map(|(s,)| s))
}

/// Forgets `staff`'s rejected input for `form` (it was saved).
///
/// # Errors
/// Database failure.
#[tracing::instrument(skip_all)]
pub async fn forget(conn: Conn<'_>, staff: StaffId, form: &str) -> Result<(), DbError> {
    const SQL: &str = "DELETE FROM staff_form_input WHERE staff_id = $1 AND form = $2";
    on_conn!(conn, c => sqlx::query(SQL).bind(staff.as_uuid()).bind(form).execute(&mut *c).await.map(|r| r.rows_affected()))?;
    Ok(())
}
