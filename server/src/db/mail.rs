//! Queries for the mail outbox. Delivery rules (back-off, giving up) live in `mail`; these
//! functions store, claim and record.
//!
//! Claiming is one conditional `UPDATE … RETURNING` (of a batch of messages), so several
//! instances (or a dispatcher and `server outbox --send`) never deliver the same message twice
//! at once.

use super::{Conn, DbError, on_conn};
use chrono::{DateTime, Utc};
use uuid::Uuid;

/// A message to store.
#[derive(Clone, PartialEq, Eq)]
pub struct NewMessage {
    /// Id.
    pub id: Uuid,
    /// What kind of message (e.g. `staff.invitation`); never its content.
    pub purpose: &'static str,
    /// Recipient address.
    pub to: String,
    /// Subject line.
    pub subject: String,
    /// Plain-text body (may hold a single-use link).
    pub body: String,
    /// The staff account it concerns, if any.
    pub staff: Option<Uuid>,
    /// The application it concerns, if any (it is deleted with the application).
    pub application: Option<Uuid>,
}

impl std::fmt::Debug for NewMessage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewMessage").field("id", &self.id).field("purpose", &self.purpose).finish()
    }
}

/// A message claimed for delivery.
#[derive(Clone, PartialEq, Eq)]
pub struct Claimed {
    /// Id.
    pub id: Uuid,
    /// When it was stored.
    pub created_at: DateTime<Utc>,
    /// Recipient.
    pub to: String,
    /// Subject.
    pub subject: String,
    /// Body.
    pub body: String,
    /// Attempts before this one.
    pub attempts: i64,
}

impl std::fmt::Debug for Claimed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Claimed").field("id", &self.id).field("attempts", &self.attempts).finish()
    }
}

/// Stores a message, due at once.
///
/// # Errors
/// Database failure, or a value the schema refuses.
#[tracing::instrument(skip_all)]
pub async fn insert(conn: Conn<'_>, m: &NewMessage, now: DateTime<Utc>) -> Result<(), DbError> {
    const SQL: &str = "INSERT INTO mail_outbox (id, created_at, purpose, to_addr, subject, body_text, staff_id, application_id, next_attempt_at) \
                       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $2)";
    on_conn!(conn, c => sqlx::query(SQL)
        .bind(m.id).bind(now).bind(m.purpose).bind(&m.to).bind(&m.subject).bind(&m.body).bind(m.staff).bind(m.application)
        .execute(&mut *c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// Claims up to `limit` messages, those due longest first, for `lease` — long enough to
/// deliver them; if the claimant dies, another takes them over when the lease ends. One
/// statement whatever the number, so a dispatcher catching up after a burst of sends does not
/// pay a round trip per message.
///
/// # Errors
/// Database failure.
#[tracing::instrument(skip_all)]
pub async fn claim_due(
    conn: Conn<'_>,
    now: DateTime<Utc>,
    lease_until: DateTime<Utc>,
    limit: usize,
) -> Result<Vec<Claimed>, DbError> {
    // The outer condition is checked again on each row as it is updated, so two claimants
    // that chose the same rows cannot both take one (PostgreSQL re-reads a row it waited for).
    const SQL: &str = "UPDATE mail_outbox SET claimed_until = $2 \
         WHERE id IN (SELECT id FROM mail_outbox \
                      WHERE sent_at IS NULL AND failed_at IS NULL AND next_attempt_at <= $1 \
                        AND (claimed_until IS NULL OR claimed_until <= $1) \
                      ORDER BY next_attempt_at LIMIT $3) \
           AND (claimed_until IS NULL OR claimed_until <= $1) AND sent_at IS NULL \
         RETURNING id, created_at, to_addr, subject, body_text, attempts";
    type Row = (Uuid, DateTime<Utc>, String, String, Option<String>, i32);
    let limit = i64::try_from(limit.max(1)).unwrap_or(i64::MAX);
    let mut rows: Vec<Row> = on_conn!(conn, c => sqlx::query_as(SQL).bind(now).bind(lease_until)
        .bind(limit).fetch_all(&mut *c).await)?;
    // RETURNING follows no ORDER BY: deliver in creation order all the same.
    rows.sort_by_key(|r| (r.1, r.0));
    Ok(rows
        .into_iter()
        .map(|(id, created_at, to, subject, body, attempts)| Claimed {
            id,
            created_at,
            to,
            subject,
            body: body.unwrap_or_default(),
            attempts: i64::from(attempts),
        })
        .collect())
}

/// Records deliveries and discards the bodies (their links are credentials).
///
/// # Errors
/// Database failure.
#[tracing::instrument(skip_all)]
pub async fn mark_sent(conn: Conn<'_>, ids: &[Uuid], at: DateTime<Utc>) -> Result<(), DbError> {
    if ids.is_empty() {
        return Ok(());
    }
    let sql = format!(
        "UPDATE mail_outbox SET sent_at = $1, body_text = NULL, claimed_until = NULL, \
         attempts = attempts + 1, last_error = NULL WHERE id IN ({})",
        super::placeholders(2, ids.len())
    );
    on_conn!(conn, c => {
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql.as_str())).bind(at);
        for id in ids {
            q = q.bind(*id);
        }
        q.execute(&mut *c).await.map(|r| r.rows_affected())
    })?;
    Ok(())
}

/// Records a failed attempt: try again at `retry_at`, or give up (`None`) and discard the body.
///
/// # Errors
/// Database failure.
#[tracing::instrument(skip_all)]
pub async fn mark_failed(
    conn: Conn<'_>,
    id: Uuid,
    at: DateTime<Utc>,
    retry_at: Option<DateTime<Utc>>,
    error: &str,
) -> Result<(), DbError> {
    let error: String = error.chars().take(200).collect();
    let n = match retry_at {
        Some(retry_at) => {
            const SQL: &str = "UPDATE mail_outbox SET attempts = attempts + 1, next_attempt_at = $2, \
                               claimed_until = NULL, last_error = $3 WHERE id = $1";
            on_conn!(conn, c => sqlx::query(SQL).bind(id).bind(retry_at).bind(&error)
                .execute(&mut *c).await.map(|r| r.rows_affected()))?
        }
        None => {
            const SQL: &str = "UPDATE mail_outbox SET attempts = attempts + 1, failed_at = $2, \
                               body_text = NULL, claimed_until = NULL, last_error = $3 WHERE id = $1";
            on_conn!(conn, c => sqlx::query(SQL).bind(id).bind(at).bind(&error)
                .execute(&mut *c).await.map(|r| r.rows_affected()))?
        }
    };
    debug_assert!(n <= 1);
    Ok(())
}

/// One message as the outbox listing shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listed {
    /// Id.
    pub id: Uuid,
    /// Stored at.
    pub created_at: DateTime<Utc>,
    /// Kind of message.
    pub purpose: String,
    /// Recipient.
    pub to: String,
    /// Subject.
    pub subject: String,
    /// Body, until delivered.
    pub body: Option<String>,
    /// Attempts so far.
    pub attempts: i64,
    /// Next attempt, while pending.
    pub next_attempt_at: DateTime<Utc>,
    /// Delivered at.
    pub sent_at: Option<DateTime<Utc>>,
    /// Given up at.
    pub failed_at: Option<DateTime<Utc>>,
    /// Why the last attempt failed.
    pub last_error: Option<String>,
}

/// The newest messages, newest first.
///
/// # Errors
/// Database failure.
#[tracing::instrument(skip_all)]
pub async fn recent(conn: Conn<'_>, limit: i64) -> Result<Vec<Listed>, DbError> {
    const SQL: &str = "SELECT id, created_at, purpose, to_addr, subject, body_text, attempts, \
                       next_attempt_at, sent_at, failed_at, last_error FROM mail_outbox \
                       ORDER BY created_at DESC, id LIMIT $1";
    type Row = (
        Uuid,
        DateTime<Utc>,
        String,
        String,
        String,
        Option<String>,
        i32,
        DateTime<Utc>,
        Option<DateTime<Utc>>,
        Option<DateTime<Utc>>,
        Option<String>,
    );
    let rows: Vec<Row> = on_conn!(conn, c => sqlx::query_as(SQL).bind(limit)
        .fetch_all(&mut *c).await)?;
    Ok(rows
        .into_iter()
        .map(|r| Listed {
            id: r.0,
            created_at: r.1,
            purpose: r.2,
            to: r.3,
            subject: r.4,
            body: r.5,
            attempts: i64::from(r.6),
            next_attempt_at: r.7,
            sent_at: r.8,
            failed_at: r.9,
            last_error: r.10,
        })
        .collect())
}
