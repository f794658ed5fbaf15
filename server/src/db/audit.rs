//! The audit log's store: append and read. There is deliberately no update or delete here;
//! the retention engine will own the one permitted change (clearing a purged candidate's
//! personal fields), in its own module.
//!
//! Entries hold ids, never names, emails or free text a person typed, so the log itself never
//! becomes a copy of personal data.

use super::{Conn, DbError, on_conn};
use app::domain::{StaffId, VacancyId};
use chrono::{DateTime, Utc};
use uuid::Uuid;

/// How the audited attempt ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// It happened.
    Ok,
    /// It was refused (wrong password, not allowed, rate-limited).
    Refused,
    /// It failed on the server.
    Failed,
}

impl Outcome {
    /// The stored word.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Ok => "ok",
            Self::Refused => "refused",
            Self::Failed => "failed",
        }
    }

    fn parse(s: &str) -> Self {
        match s {
            "ok" => Self::Ok,
            "refused" => Self::Refused,
            _ => Self::Failed,
        }
    }
}

/// One audited event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    /// When (UTC).
    pub at: DateTime<Utc>,
    /// Who, if anyone was signed in or identified.
    pub actor: Option<StaffId>,
    /// What, as a stable code such as `staff.sign_in` or `candidate.view`.
    pub action: &'static str,
    /// The kind of object acted on, such as `staff` or `application`.
    pub object_type: Option<&'static str>,
    /// The object's id.
    pub object_id: Option<Uuid>,
    /// The vacancy the object belongs to, for filtering.
    pub vacancy: Option<VacancyId>,
    /// The client's address, as the server saw it.
    pub client_addr: Option<String>,
    /// How it ended.
    pub outcome: Outcome,
}

impl AuditEntry {
    /// An event on `application` that no staff member did: a background job, or someone
    /// acting through a link emailed to them (an applicant, a referee). No address is kept:
    /// these people are data subjects, not users.
    #[must_use]
    pub const fn unattended(at: DateTime<Utc>, action: &'static str, application: Uuid) -> Self {
        Self {
            at,
            actor: None,
            action,
            object_type: Some("application"),
            object_id: Some(application),
            vacancy: None,
            client_addr: None,
            outcome: Outcome::Ok,
        }
    }
}

/// A stored entry, as read back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredEntry {
    /// Position in the log.
    pub id: i64,
    /// When.
    pub at: DateTime<Utc>,
    /// Who.
    pub actor: Option<StaffId>,
    /// What.
    pub action: String,
    /// Kind of object.
    pub object_type: Option<String>,
    /// Object id.
    pub object_id: Option<Uuid>,
    /// Vacancy.
    pub vacancy: Option<VacancyId>,
    /// From where.
    pub client_addr: Option<String>,
    /// How it ended.
    pub outcome: Outcome,
    /// What was asked, in words (a report's filter); never personal data.
    pub details: Option<String>,
}

/// Appends an entry. Call it in the same transaction as the change it records, so a change
/// is never made without its entry.
///
/// # Errors
/// Database failure.
#[tracing::instrument(skip_all, fields(action = e.action))]
pub async fn append(conn: Conn<'_>, e: &AuditEntry) -> Result<(), DbError> {
    const SQL: &str = "INSERT INTO audit_log (at, actor_staff_id, action, object_type, object_id, vacancy_id, client_addr, outcome) \
                       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)";
    on_conn!(conn, c => sqlx::query(SQL)
        .bind(e.at).bind(e.actor.map(|a| a.as_uuid())).bind(e.action).bind(e.object_type)
        .bind(e.object_id).bind(e.vacancy.map(|v| v.as_uuid())).bind(e.client_addr.as_deref())
        .bind(e.outcome.as_str())
        .execute(&mut *c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// Appends an entry with `details` in words (a report's filter: never personal data), cut to
/// the column's 300 characters.
///
/// # Errors
/// Database failure.
pub async fn append_with_details(
    conn: Conn<'_>,
    e: &AuditEntry,
    details: &str,
) -> Result<(), DbError> {
    const SQL: &str = "INSERT INTO audit_log (at, actor_staff_id, action, object_type, object_id, vacancy_id, client_addr, outcome, details) \
                       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)";
    let details: String = details.chars().take(300).collect();
    on_conn!(conn, c => sqlx::query(SQL)
        .bind(e.at).bind(e.actor.map(|a| a.as_uuid())).bind(e.action).bind(e.object_type)
        .bind(e.object_id).bind(e.vacancy.map(|v| v.as_uuid())).bind(e.client_addr.as_deref())
        .bind(e.outcome.as_str()).bind(&details)
        .execute(&mut *c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// The newest entries first, optionally only one actor's, at most `limit`.
///
/// # Errors
/// Database failure.
pub async fn recent(
    conn: Conn<'_>,
    actor: Option<StaffId>,
    limit: i64,
) -> Result<Vec<StoredEntry>, DbError> {
    let filter = Filter { actor, ..Filter::default() };
    Ok(search(conn, &filter, limit).await?.into_iter().map(|(e, _)| e).collect())
}

/// Refused sign-in attempts since `since`, for one account (by id) and for one client address;
/// the sign-in rate limit reads these, so it holds across every instance.
///
/// # Errors
/// Database failure.
#[tracing::instrument(skip_all)]
pub async fn refused_sign_ins_since(
    mut conn: Conn<'_>,
    since: DateTime<Utc>,
    account: Option<Uuid>,
    client_addr: &str,
) -> Result<(i64, i64), DbError> {
    const BY_ACCOUNT: &str = "SELECT count(*) FROM audit_log \
                              WHERE action IN ('staff.sign_in', 'staff.second_factor') \
                              AND outcome = 'refused' AND at > $1 AND object_id = $2";
    const BY_CLIENT: &str = "SELECT count(*) FROM audit_log \
                             WHERE action IN ('staff.sign_in', 'staff.second_factor') \
                             AND outcome = 'refused' AND at > $1 AND client_addr = $2";
    let by_account: i64 = match account {
        None => 0,
        Some(id) => {
            on_conn!(conn.reborrow(), c => sqlx::query_scalar(BY_ACCOUNT).bind(since).bind(id)
            .fetch_one(&mut *c).await)?
        }
    };
    let by_client: i64 = on_conn!(conn, c => sqlx::query_scalar(BY_CLIENT).bind(since).bind(client_addr)
        .fetch_one(&mut *c).await)?;
    Ok((by_account, by_client))
}

/// Which entries to read; `None` means any.
#[derive(Debug, Clone, Default)]
pub struct Filter<'a> {
    /// Only this actor's.
    pub actor: Option<StaffId>,
    /// Only this action.
    pub action: Option<&'a str>,
    /// Only entries by the staff member with this (normalised) email.
    pub actor_email: Option<&'a str>,
    /// At or after this instant.
    pub from: Option<DateTime<Utc>>,
    /// Before this instant.
    pub before: Option<DateTime<Utc>>,
    /// Only entries about this vacancy.
    pub vacancy: Option<VacancyId>,
}

/// Entries matching a filter, newest first, with the acting staff member's email.
///
/// # Errors
/// Database failure.
#[tracing::instrument(skip_all)]
pub async fn search(
    conn: Conn<'_>,
    filter: &Filter<'_>,
    limit: i64,
) -> Result<Vec<(StoredEntry, Option<String>)>, DbError> {
    const SQL: &str = "SELECT a.id, a.at, a.actor_staff_id, a.action, a.object_type, a.object_id, a.vacancy_id, \
                       a.client_addr, a.outcome, s.email, a.details \
                       FROM audit_log a LEFT JOIN staff_users s ON s.id = a.actor_staff_id \
                       WHERE ($1 IS NULL OR a.action = $1) AND ($2 IS NULL OR a.at >= $2) \
                       AND ($3 IS NULL OR a.at < $3) AND ($4 IS NULL OR a.actor_staff_id = $4) \
                       AND ($5 IS NULL OR s.email = $5) AND ($7 IS NULL OR a.vacancy_id = $7) \
                       ORDER BY a.id DESC LIMIT $6";
    type SearchRow = (
        i64,
        DateTime<Utc>,
        Option<Uuid>,
        String,
        Option<String>,
        Option<Uuid>,
        Option<Uuid>,
        Option<String>,
        String,
        Option<String>,
        Option<String>,
    );
    let rows: Vec<SearchRow> = on_conn!(conn, c => sqlx::query_as(SQL)
        .bind(filter.action).bind(filter.from).bind(filter.before)
        .bind(filter.actor.map(|a| a.as_uuid())).bind(filter.actor_email).bind(limit)
        .bind(filter.vacancy.map(|v| v.as_uuid()))
        .fetch_all(&mut *c).await)?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let entry = StoredEntry {
                id: r.0,
                at: r.1,
                actor: r.2.map(StaffId::from_uuid),
                action: r.3,
                object_type: r.4,
                object_id: r.5,
                vacancy: r.6.map(VacancyId::from_uuid),
                client_addr: r.7,
                outcome: Outcome::parse(&r.8),
                details: r.10,
            };
            (entry, r.9)
        })
        .collect())
}
