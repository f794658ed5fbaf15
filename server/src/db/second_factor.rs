//! Queries for staff second factors (TOTP secrets, enrolments in progress, recovery codes) and
//! the organisation-wide setting that requires them. Secrets arrive here already sealed by the
//! master key and recovery codes as digests; the rules live in `auth::second_factor`.

use super::{Conn, DbError, on_conn};
use app::domain::StaffId;
use chrono::{DateTime, Utc};

/// A sealed TOTP secret and the last time step accepted with it.
pub type StoredSecret = (Vec<u8>, Option<i64>);
/// An enrolment in progress: sealed secret, sealed recovery codes, when it began.
pub type StoredEnrolment = (Vec<u8>, Vec<u8>, DateTime<Utc>);

/// A staff member's sealed TOTP secret and the last step accepted, if they have enrolled.
///
/// # Errors
/// Database failure.
#[tracing::instrument(skip_all)]
pub async fn secret(conn: Conn<'_>, staff: StaffId) -> Result<Option<StoredSecret>, DbError> {
    const SQL: &str = "SELECT totp_secret, totp_last_step FROM staff_users WHERE id = $1";
    let row: Option<(Option<Vec<u8>>, Option<i64>)> = on_conn!(conn, c => sqlx::query_as(SQL)
        .bind(staff.as_uuid()).fetch_optional(&mut *c).await)?;
    Ok(row.and_then(|(s, step)| s.map(|s| (s, step))))
}

/// Records `step` as used if it is later than the last one; `false` means the code was
/// already used (two simultaneous submissions of one code cannot both succeed).
///
/// # Errors
/// Database failure.
#[tracing::instrument(skip_all)]
pub async fn accept_step(conn: Conn<'_>, staff: StaffId, step: i64) -> Result<bool, DbError> {
    const SQL: &str = "UPDATE staff_users SET totp_last_step = $2 \
                       WHERE id = $1 AND totp_secret IS NOT NULL \
                       AND (totp_last_step IS NULL OR totp_last_step < $2)";
    let n = on_conn!(conn, c => sqlx::query(SQL).bind(staff.as_uuid()).bind(step)
        .execute(&mut *c).await.map(|r| r.rows_affected()))?;
    Ok(n == 1)
}

/// Stores an enrolment in progress, replacing any earlier one.
///
/// # Errors
/// Database failure.
#[tracing::instrument(skip_all)]
pub async fn put_enrolment(
    conn: Conn<'_>,
    staff: StaffId,
    sealed_secret: &[u8],
    sealed_codes: &[u8],
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    const SQL: &str = "INSERT INTO staff_totp_enrolments (staff_id, secret, recovery_codes, created_at) \
                       VALUES ($1, $2, $3, $4) ON CONFLICT (staff_id) DO UPDATE \
                       SET secret = excluded.secret, recovery_codes = excluded.recovery_codes, \
                           created_at = excluded.created_at";
    on_conn!(conn, c => sqlx::query(SQL).bind(staff.as_uuid()).bind(sealed_secret).bind(sealed_codes).bind(now)
        .execute(&mut *c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// The enrolment in progress: sealed secret, sealed recovery codes, started at.
///
/// # Errors
/// Database failure.
#[tracing::instrument(skip_all)]
pub async fn enrolment(conn: Conn<'_>, staff: StaffId) -> Result<Option<StoredEnrolment>, DbError> {
    const SQL: &str =
        "SELECT secret, recovery_codes, created_at FROM staff_totp_enrolments WHERE staff_id = $1";
    on_conn!(conn, c => sqlx::query_as(SQL).bind(staff.as_uuid()).fetch_optional(&mut *c).await)
        .map_err(DbError::from)
}

/// Completes an enrolment: the new secret and first accepted step, a fresh set of recovery
/// code digests, and the enrolment record gone. Run inside a transaction.
///
/// # Errors
/// Database failure.
#[tracing::instrument(skip_all)]
pub async fn complete_enrolment(
    mut conn: Conn<'_>,
    staff: StaffId,
    sealed_secret: &[u8],
    step: i64,
    code_digests: &[[u8; 32]],
) -> Result<(), DbError> {
    const SET: &str = "UPDATE staff_users SET totp_secret = $2, totp_last_step = $3 WHERE id = $1";
    const CLEAR: &str = "DELETE FROM staff_recovery_codes WHERE staff_id = $1";
    const ADD: &str = "INSERT INTO staff_recovery_codes (staff_id, code_hash) VALUES ($1, $2)";
    const DONE: &str = "DELETE FROM staff_totp_enrolments WHERE staff_id = $1";
    let id = staff.as_uuid();
    on_conn!(conn.reborrow(), c => sqlx::query(SET).bind(id).bind(sealed_secret).bind(step)
        .execute(&mut *c).await.map(|r| r.rows_affected()))?;
    on_conn!(conn.reborrow(), c => sqlx::query(CLEAR).bind(id).execute(&mut *c).await.map(|r| r.rows_affected()))?;
    for d in code_digests {
        on_conn!(conn.reborrow(), c => sqlx::query(ADD).bind(id).bind(&d[..])
            .execute(&mut *c).await.map(|r| r.rows_affected()))?;
    }
    on_conn!(conn, c => sqlx::query(DONE).bind(id).execute(&mut *c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// Uses a recovery code if it is this person's and unused; `false` otherwise.
///
/// # Errors
/// Database failure.
#[tracing::instrument(skip_all)]
pub async fn use_recovery_code(
    conn: Conn<'_>,
    staff: StaffId,
    digest: &[u8; 32],
    now: DateTime<Utc>,
) -> Result<bool, DbError> {
    const SQL: &str = "UPDATE staff_recovery_codes SET used_at = $3 \
                       WHERE staff_id = $1 AND code_hash = $2 AND used_at IS NULL";
    let n = on_conn!(conn, c => sqlx::query(SQL).bind(staff.as_uuid()).bind(&digest[..]).bind(now)
        .execute(&mut *c).await.map(|r| r.rows_affected()))?;
    Ok(n == 1)
}

/// Recovery codes not yet used.
///
/// # Errors
/// Database failure.
#[tracing::instrument(skip_all)]
pub async fn recovery_codes_left(conn: Conn<'_>, staff: StaffId) -> Result<i64, DbError> {
    const SQL: &str =
        "SELECT count(*) FROM staff_recovery_codes WHERE staff_id = $1 AND used_at IS NULL";
    on_conn!(conn, c => sqlx::query_scalar(SQL).bind(staff.as_uuid()).fetch_one(&mut *c).await)
        .map_err(DbError::from)
}

/// Removes a staff member's second factor entirely (an HR administrator's reset after a lost
/// phone). Run inside a transaction.
///
/// # Errors
/// Database failure.
#[tracing::instrument(skip_all)]
pub async fn reset(mut conn: Conn<'_>, staff: StaffId) -> Result<(), DbError> {
    const SET: &str =
        "UPDATE staff_users SET totp_secret = NULL, totp_last_step = NULL WHERE id = $1";
    const CODES: &str = "DELETE FROM staff_recovery_codes WHERE staff_id = $1";
    const ENROL: &str = "DELETE FROM staff_totp_enrolments WHERE staff_id = $1";
    for sql in [SET, CODES] {
        on_conn!(conn.reborrow(), c => sqlx::query(sql).bind(staff.as_uuid())
            .execute(&mut *c).await.map(|r| r.rows_affected()))?;
    }
    on_conn!(conn, c => sqlx::query(ENROL).bind(staff.as_uuid())
        .execute(&mut *c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// The organisation's explicit choice on requiring TOTP; `None` = the mode's default.
///
/// # Errors
/// Database failure.
#[tracing::instrument(skip_all)]
pub async fn require_totp(conn: Conn<'_>) -> Result<Option<bool>, DbError> {
    const SQL: &str = "SELECT require_totp FROM organisation_settings WHERE id = 1";
    let v: Option<Option<bool>> = on_conn!(conn, c => sqlx::query_scalar(SQL)
        .fetch_optional(&mut *c).await)?;
    Ok(v.flatten())
}

/// Records the organisation's choice on requiring TOTP.
///
/// # Errors
/// Database failure.
#[tracing::instrument(skip_all)]
pub async fn set_require_totp(conn: Conn<'_>, required: bool) -> Result<(), DbError> {
    const SQL: &str = "UPDATE organisation_settings SET require_totp = $1 WHERE id = 1";
    on_conn!(conn, c => sqlx::query(SQL).bind(required)
        .execute(&mut *c).await.map(|r| r.rows_affected()))?;
    Ok(())
}
