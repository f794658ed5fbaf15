//! Server-side staff sessions, shared by every instance through the database.
//!
//! A session token is 256 random bits, sent to the browser once (in a cookie) and stored only
//! as its SHA-256 digest. A session ends at the earlier of its idle timeout (default 30
//! minutes without use) and its absolute timeout (default 12 hours after sign-in), at
//! sign-out, and at once when its staff member is deactivated. Signing in always starts a new
//! session and ends the one the browser had (rotation), so a token planted before sign-in is
//! worthless after it.
//!
//! Time is a parameter everywhere, so the timeouts are tested with a settable clock. Tokens
//! are never logged: [`SessionToken`]'s `Debug` is redacted.

use super::token::{Token, digest_of as digest};
use crate::db::{self, Database, DbError};
use app::domain::{
    StaffId,
    access::{PendingSignIn, PendingStage, StaffMember},
};
use chrono::{DateTime, Duration, Utc};

/// How long sessions last.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionPolicy {
    /// Ends a session not used for this long.
    pub idle: Duration,
    /// Ends a session this long after sign-in, however busy.
    pub absolute: Duration,
}

impl Default for SessionPolicy {
    fn default() -> Self {
        Self { idle: Duration::minutes(30), absolute: Duration::hours(12) }
    }
}

/// How long someone has to give their second factor after their password.
pub const PENDING_LIFETIME: Duration = Duration::minutes(10);
/// Second-factor attempts allowed per sign-in.
pub const PENDING_ATTEMPTS: i64 = 5;

const fn stage_name(stage: PendingStage) -> &'static str {
    match stage {
        PendingStage::Verify => "verify",
        PendingStage::Enrol => "enrol",
    }
}

/// A session token as given to the browser (redacted in `Debug`).
pub type SessionToken = Token;

/// Starts a session for `staff` (after a successful sign-in), ending `previous` — the session
/// the browser already had, if any — in the same transaction.
///
/// # Errors
/// Database failure.
pub async fn start(
    db: &Database,
    staff: StaffId,
    previous: Option<&str>,
    now: DateTime<Utc>,
) -> Result<SessionToken, DbError> {
    begin(db, staff, previous, None, now).await
}

/// Starts a part-signed-in session (password given, second factor to come), ending
/// `previous` like [`start`]. It signs nobody in; [`complete`] turns it into a session.
///
/// # Errors
/// Database failure.
pub async fn start_pending(
    db: &Database,
    staff: StaffId,
    previous: Option<&str>,
    stage: PendingStage,
    now: DateTime<Utc>,
) -> Result<SessionToken, DbError> {
    begin(db, staff, previous, Some(stage_name(stage)), now).await
}

async fn begin(
    db: &Database,
    staff: StaffId,
    previous: Option<&str>,
    pending: Option<&str>,
    now: DateTime<Utc>,
) -> Result<SessionToken, DbError> {
    let token = Token::generate();
    let new_digest = token.digest();
    let mut tx = db.begin().await?;
    if let Some(old) = previous.and_then(digest) {
        db::sessions::delete(tx.conn(), &old).await?;
    }
    db::sessions::insert(tx.conn(), &new_digest, staff, now, pending).await?;
    tx.commit().await?;
    Ok(token)
}

/// Finishes signing in after the second factor: ends the pending session and starts a full
/// one under a new token (rotation again, so the pending token is worthless afterwards).
/// `None` if the pending session is gone.
///
/// # Errors
/// Database failure.
pub async fn complete(
    db: &Database,
    pending_token: &str,
    now: DateTime<Utc>,
) -> Result<Option<SessionToken>, DbError> {
    let Some(d) = digest(pending_token) else { return Ok(None) };
    let token = Token::generate();
    let mut tx = db.begin().await?;
    let Some(row) = db::sessions::get(tx.conn(), &d).await? else { return Ok(None) };
    if row.pending.is_none() {
        return Ok(None);
    }
    db::sessions::delete(tx.conn(), &d).await?;
    db::sessions::insert(tx.conn(), &token.digest(), row.staff_id, now, None).await?;
    tx.commit().await?;
    Ok(Some(token))
}

/// Counts a second-factor attempt; `false` once [`PENDING_ATTEMPTS`] are used up, when the
/// pending session is ended and its holder must start again with their password.
///
/// # Errors
/// Database failure.
pub async fn count_attempt(db: &Database, pending_token: &str) -> Result<bool, DbError> {
    let Some(d) = digest(pending_token) else { return Ok(false) };
    let mut conn = db.acquire().await?;
    match db::sessions::count_attempt(conn.conn(), &d).await? {
        Some(n) if n <= PENDING_ATTEMPTS => Ok(true),
        Some(_) => {
            db::sessions::delete(conn.conn(), &d).await?;
            Ok(false)
        }
        None => Ok(false),
    }
}

/// Why a presented token did not give a signed-in staff member.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// Not a token we issued, or its session has ended (signed out, replaced).
    Unknown,
    /// Unused for longer than the idle timeout.
    Idle,
    /// Older than the absolute timeout.
    Expired,
    /// Its staff member has been deactivated.
    Deactivated,
    /// The password was right but the second factor is still to come.
    SecondFactorPending(PendingSignIn),
}

/// Resolves a presented token to the staff member it signs in, recording its use. An ended
/// session is deleted as it is found.
///
/// # Errors
/// Database failure.
pub async fn resolve(
    db: &Database,
    token: &str,
    policy: SessionPolicy,
    now: DateTime<Utc>,
) -> Result<Result<StaffMember, Refusal>, DbError> {
    let Some(d) = digest(token) else { return Ok(Err(Refusal::Unknown)) };
    let mut conn = db.acquire().await?;
    let Some(row) = db::sessions::get(conn.conn(), &d).await? else {
        return Ok(Err(Refusal::Unknown));
    };
    let lifetime = if row.pending.is_some() { PENDING_LIFETIME } else { policy.absolute };
    let refusal = if now - row.created_at >= lifetime {
        Some(Refusal::Expired)
    } else if now - row.last_seen_at >= policy.idle {
        Some(Refusal::Idle)
    } else {
        None
    };
    if let Some(refusal) = refusal {
        db::sessions::delete(conn.conn(), &d).await?;
        return Ok(Err(refusal));
    }
    let Some(member) = db::staff::member(conn.conn(), row.staff_id).await? else {
        db::sessions::delete_all_for(conn.conn(), row.staff_id).await?;
        return Ok(Err(Refusal::Deactivated));
    };
    db::sessions::touch(conn.conn(), &d, now).await?;
    let stage = match row.pending.as_deref() {
        None => None,
        Some("enrol") => Some(PendingStage::Enrol),
        Some(_) => Some(PendingStage::Verify),
    };
    if let Some(stage) = stage {
        return Ok(Err(Refusal::SecondFactorPending(PendingSignIn { staff: row.staff_id, stage })));
    }
    Ok(Ok(member))
}

/// Signs out: ends the session server-side. Unknown tokens are ignored.
///
/// # Errors
/// Database failure.
pub async fn end(db: &Database, token: &str) -> Result<(), DbError> {
    if let Some(d) = digest(token) {
        let mut conn = db.acquire().await?;
        db::sessions::delete(conn.conn(), &d).await?;
    }
    Ok(())
}

/// Deactivates a staff account and ends all of its sessions in one transaction, so its next
/// request is refused wherever it lands. Returns whether the account exists.
///
/// # Errors
/// Database failure.
pub async fn deactivate(
    db: &Database,
    staff: StaffId,
    now: DateTime<Utc>,
) -> Result<bool, DbError> {
    let mut tx = db.begin().await?;
    let found = deactivate_in(tx.conn(), staff, now).await?;
    tx.commit().await?;
    Ok(found)
}

/// [`deactivate`] on the caller's transaction (so the caller can record it in the same one).
///
/// # Errors
/// Database failure.
pub async fn deactivate_in(
    mut conn: db::Conn<'_>,
    staff: StaffId,
    now: DateTime<Utc>,
) -> Result<bool, DbError> {
    let found = db::staff::deactivate(conn.reborrow(), staff, now).await?;
    db::sessions::delete_all_for(conn, staff).await?;
    Ok(found)
}
