//! Queries for staff accounts and their vacancy assignments.
//!
//! Emails are normalised (trimmed, lower-cased) before they reach SQL, so look-ups and the
//! unique constraint agree whatever case a person types.

use super::{Conn, DbError, on_conn};
use app::domain::{
    StaffId, VacancyId,
    access::{OrgRole, StaffMember, VacancyRole},
};
use chrono::{DateTime, Utc};
use std::collections::BTreeMap;
use uuid::Uuid;

/// A staff account as stored. Its `Debug` leaves out the password hash.
#[derive(Clone, PartialEq, Eq)]
pub struct StaffRecord {
    /// Id.
    pub id: StaffId,
    /// Normalised email.
    pub email: String,
    /// Name shown to colleagues.
    pub display_name: String,
    /// Argon2id PHC string, if a password has been set.
    pub password_hash: Option<String>,
    /// Organisation-wide role.
    pub org_role: Option<OrgRole>,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Set when the account was deactivated.
    pub deactivated_at: Option<DateTime<Utc>>,
}

impl std::fmt::Debug for StaffRecord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StaffRecord")
            .field("id", &self.id)
            .field("org_role", &self.org_role)
            .field("has_password", &self.password_hash.is_some())
            .field("deactivated", &self.deactivated_at.is_some())
            .finish_non_exhaustive()
    }
}

/// Trims and lower-cases an email address for storage and look-up.
#[must_use]
pub fn normalise_email(email: &str) -> String {
    email.trim().to_lowercase()
}

type Row =
    (Uuid, String, String, Option<String>, Option<String>, DateTime<Utc>, Option<DateTime<Utc>>);

fn from_row(r: Row) -> StaffRecord {
    StaffRecord {
        id: StaffId::from_uuid(r.0),
        email: r.1,
        display_name: r.2,
        password_hash: r.3,
        org_role: r.4.as_deref().and_then(OrgRole::parse),
        created_at: r.5,
        deactivated_at: r.6,
    }
}

const COLUMNS: &str =
    "id, email, display_name, password_hash, org_role, created_at, deactivated_at";

/// Creates an account without a password. Returns `false` (and changes nothing) if the
/// email is already taken.
///
/// # Errors
/// Database failure, or a value the schema refuses.
#[tracing::instrument(skip_all)]
pub async fn insert(conn: Conn<'_>, s: &StaffRecord) -> Result<bool, DbError> {
    const SQL: &str = "INSERT INTO staff_users (id, email, display_name, password_hash, org_role, created_at, deactivated_at) \
                       VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (email) DO NOTHING";
    let role = s.org_role.map(OrgRole::as_str);
    let n = on_conn!(conn, c => sqlx::query(SQL)
        .bind(s.id.as_uuid()).bind(normalise_email(&s.email)).bind(&s.display_name)
        .bind(&s.password_hash).bind(role).bind(s.created_at).bind(s.deactivated_at)
        .execute(&mut *c).await.map(|r| r.rows_affected()))?;
    Ok(n == 1)
}

/// Finds an account by email (any case).
///
/// # Errors
/// Database failure.
#[tracing::instrument(skip_all)]
pub async fn by_email(conn: Conn<'_>, email: &str) -> Result<Option<StaffRecord>, DbError> {
    let sql = format!("SELECT {COLUMNS} FROM staff_users WHERE email = $1");
    let email = normalise_email(email);
    let row: Option<Row> = on_conn!(conn, c => sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(&email).fetch_optional(&mut *c).await)?;
    Ok(row.map(from_row))
}

/// Finds an account by id.
///
/// # Errors
/// Database failure.
#[tracing::instrument(skip_all)]
pub async fn by_id(conn: Conn<'_>, id: StaffId) -> Result<Option<StaffRecord>, DbError> {
    let sql = format!("SELECT {COLUMNS} FROM staff_users WHERE id = $1");
    let row: Option<Row> = on_conn!(conn, c => sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(id.as_uuid()).fetch_optional(&mut *c).await)?;
    Ok(row.map(from_row))
}

/// Stores a new password hash for an active account. Returns whether an account was changed.
///
/// # Errors
/// Database failure.
#[tracing::instrument(skip_all)]
pub async fn set_password_hash(conn: Conn<'_>, id: StaffId, phc: &str) -> Result<bool, DbError> {
    const SQL: &str =
        "UPDATE staff_users SET password_hash = $2 WHERE id = $1 AND deactivated_at IS NULL";
    let n = on_conn!(conn, c => sqlx::query(SQL).bind(id.as_uuid()).bind(phc)
        .execute(&mut *c).await.map(|r| r.rows_affected()))?;
    Ok(n == 1)
}

/// Marks an account deactivated (idempotent: the first time is kept). The caller ends its
/// sessions in the same transaction (see `auth::sessions::deactivate`).
///
/// # Errors
/// Database failure.
#[tracing::instrument(skip_all)]
pub async fn deactivate(conn: Conn<'_>, id: StaffId, at: DateTime<Utc>) -> Result<bool, DbError> {
    const SQL: &str =
        "UPDATE staff_users SET deactivated_at = COALESCE(deactivated_at, $2) WHERE id = $1";
    let n = on_conn!(conn, c => sqlx::query(SQL).bind(id.as_uuid()).bind(at)
        .execute(&mut *c).await.map(|r| r.rows_affected()))?;
    Ok(n == 1)
}

/// Gives a staff member a role on a vacancy, replacing any role they had there.
///
/// # Errors
/// Database failure (including an unknown staff member or vacancy).
#[tracing::instrument(skip_all)]
pub async fn assign(
    conn: Conn<'_>,
    id: StaffId,
    vacancy: VacancyId,
    role: VacancyRole,
) -> Result<(), DbError> {
    const SQL: &str = "INSERT INTO staff_vacancy_roles (staff_id, vacancy_id, role) VALUES ($1, $2, $3) \
                       ON CONFLICT (staff_id, vacancy_id) DO UPDATE SET role = excluded.role";
    on_conn!(conn, c => sqlx::query(SQL).bind(id.as_uuid()).bind(vacancy.as_uuid()).bind(role.as_str())
        .execute(&mut *c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// Removes a staff member from a vacancy.
///
/// # Errors
/// Database failure.
#[tracing::instrument(skip_all)]
pub async fn unassign(conn: Conn<'_>, id: StaffId, vacancy: VacancyId) -> Result<(), DbError> {
    const SQL: &str = "DELETE FROM staff_vacancy_roles WHERE staff_id = $1 AND vacancy_id = $2";
    on_conn!(conn, c => sqlx::query(SQL).bind(id.as_uuid()).bind(vacancy.as_uuid())
        .execute(&mut *c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// The staff member as the authorisation rules see them, if the account exists and is active.
///
/// # Errors
/// Database failure.
#[tracing::instrument(skip_all)]
pub async fn member(mut conn: Conn<'_>, id: StaffId) -> Result<Option<StaffMember>, DbError> {
    let Some(record) = by_id(conn.reborrow(), id).await? else { return Ok(None) };
    if record.deactivated_at.is_some() {
        return Ok(None);
    }
    const SQL: &str = "SELECT vacancy_id, role FROM staff_vacancy_roles WHERE staff_id = $1";
    let rows: Vec<(Uuid, String)> = on_conn!(conn, c => sqlx::query_as(SQL).bind(id.as_uuid())
        .fetch_all(&mut *c).await)?;
    let vacancies: BTreeMap<_, _> = rows
        .into_iter()
        .filter_map(|(v, r)| Some((VacancyId::from_uuid(v), VacancyRole::parse(&r)?)))
        .collect();
    Ok(Some(StaffMember {
        id,
        display_name: record.display_name,
        org_role: record.org_role,
        vacancies,
    }))
}

/// What is stored about a set-password link.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkRow {
    /// Whose password it sets.
    pub staff_id: StaffId,
    /// Until when it works.
    pub expires_at: DateTime<Utc>,
    /// When it was used, if it was.
    pub used_at: Option<DateTime<Utc>>,
}

/// Stores a new set-password link.
///
/// # Errors
/// Database failure.
#[tracing::instrument(skip_all)]
pub async fn insert_link(
    conn: Conn<'_>,
    digest: &[u8; 32],
    id: StaffId,
    now: DateTime<Utc>,
    expires_at: DateTime<Utc>,
) -> Result<(), DbError> {
    const SQL: &str = "INSERT INTO staff_password_links (token_hash, staff_id, created_at, expires_at) VALUES ($1, $2, $3, $4)";
    on_conn!(conn, c => sqlx::query(SQL).bind(&digest[..]).bind(id.as_uuid()).bind(now).bind(expires_at)
        .execute(&mut *c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// Fetches a set-password link.
///
/// # Errors
/// Database failure.
#[tracing::instrument(skip_all)]
pub async fn link(conn: Conn<'_>, digest: &[u8; 32]) -> Result<Option<LinkRow>, DbError> {
    const SQL: &str =
        "SELECT staff_id, expires_at, used_at FROM staff_password_links WHERE token_hash = $1";
    let row: Option<(Uuid, DateTime<Utc>, Option<DateTime<Utc>>)> = on_conn!(conn, c => sqlx::query_as(SQL)
        .bind(&digest[..]).fetch_optional(&mut *c).await)?;
    Ok(row.map(|(s, expires_at, used_at)| LinkRow {
        staff_id: StaffId::from_uuid(s),
        expires_at,
        used_at,
    }))
}

/// Marks a link used if it is still unused and unexpired at `now`; returns whose link this call
/// used, or `None` (so two simultaneous submissions cannot both succeed).
///
/// # Errors
/// Database failure.
#[tracing::instrument(skip_all)]
pub async fn use_link(
    conn: Conn<'_>,
    digest: &[u8; 32],
    now: DateTime<Utc>,
) -> Result<Option<StaffId>, DbError> {
    const SQL: &str = "UPDATE staff_password_links SET used_at = $2 \
                       WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2 \
                       RETURNING staff_id";
    let row: Option<(Uuid,)> = on_conn!(conn, c => sqlx::query_as(SQL).bind(&digest[..]).bind(now)
        .fetch_optional(&mut *c).await)?;
    Ok(row.map(|(id,)| StaffId::from_uuid(id)))
}

/// Every account with whether it has a second factor and how many vacancies it is assigned
/// to, by name.
///
/// # Errors
/// Database failure.
#[tracing::instrument(skip_all)]
pub async fn list(conn: Conn<'_>) -> Result<Vec<(StaffRecord, bool, i64)>, DbError> {
    let sql = format!(
        "SELECT {COLUMNS}, totp_secret IS NOT NULL, \
         (SELECT count(*) FROM staff_vacancy_roles r WHERE r.staff_id = staff_users.id) \
         FROM staff_users ORDER BY display_name, email"
    );
    type Full = (
        Uuid,
        String,
        String,
        Option<String>,
        Option<String>,
        DateTime<Utc>,
        Option<DateTime<Utc>>,
        bool,
        i64,
    );
    let rows: Vec<Full> = on_conn!(conn, c => sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .fetch_all(&mut *c).await)?;
    Ok(rows
        .into_iter()
        .map(|r| (from_row((r.0, r.1, r.2, r.3, r.4, r.5, r.6)), r.7, r.8))
        .collect())
}

/// An account's vacancy roles with the vacancies' titles, by title.
///
/// # Errors
/// Database failure.
#[tracing::instrument(skip_all)]
pub async fn assignments(
    conn: Conn<'_>,
    id: StaffId,
) -> Result<Vec<(VacancyId, String, VacancyRole)>, DbError> {
    const SQL: &str = "SELECT v.id, v.title, r.role FROM staff_vacancy_roles r \
                       JOIN vacancies v ON v.id = r.vacancy_id WHERE r.staff_id = $1 \
                       ORDER BY v.title, v.id";
    let rows: Vec<(Uuid, String, String)> = on_conn!(conn, c => sqlx::query_as(SQL)
        .bind(id.as_uuid()).fetch_all(&mut *c).await)?;
    Ok(rows
        .into_iter()
        .filter_map(|(v, t, r)| Some((VacancyId::from_uuid(v), t, VacancyRole::parse(&r)?)))
        .collect())
}

/// Changes an active account's organisation role. Returns whether an account was changed.
///
/// # Errors
/// Database failure.
#[tracing::instrument(skip_all)]
pub async fn set_org_role(
    conn: Conn<'_>,
    id: StaffId,
    role: Option<OrgRole>,
) -> Result<bool, DbError> {
    const SQL: &str =
        "UPDATE staff_users SET org_role = $2 WHERE id = $1 AND deactivated_at IS NULL";
    let n = on_conn!(conn, c => sqlx::query(SQL).bind(id.as_uuid()).bind(role.map(OrgRole::as_str))
        .execute(&mut *c).await.map(|r| r.rows_affected()))?;
    Ok(n == 1)
}
