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

use crate::db::{self, Database, DbError};
use app::domain::{StaffId, access::StaffMember};
use base64::{Engine as _, engine::general_purpose::URL_SAFE_NO_PAD as B64};
use chrono::{DateTime, Duration, Utc};
use sha2::{Digest as _, Sha256};
use zeroize::Zeroizing;

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

/// A session token as given to the browser. Redacted in `Debug`; zeroed when dropped.
#[derive(Clone, PartialEq, Eq)]
pub struct SessionToken(Zeroizing<String>);

impl SessionToken {
    /// The cookie value.
    #[must_use]
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for SessionToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SessionToken(<redacted>)")
    }
}

/// Length of an encoded token: 32 bytes in unpadded base64url.
const TOKEN_CHARS: usize = 43;

/// The digest stored for a token, or `None` if the text cannot be a token we issued (so
/// garbage never reaches the database).
fn digest(token: &str) -> Option<[u8; 32]> {
    let valid = token.len() == TOKEN_CHARS
        && token.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    valid.then(|| Sha256::digest(token.as_bytes()).into())
}

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
    let token = SessionToken(Zeroizing::new(B64.encode(crate::documents::random_bytes::<32>())));
    let Some(new_digest) = digest(token.expose()) else {
        unreachable!("a freshly encoded token always has the token shape")
    };
    let mut tx = db.begin().await?;
    if let Some(old) = previous.and_then(digest) {
        db::sessions::delete(tx.conn(), &old).await?;
    }
    db::sessions::insert(tx.conn(), &new_digest, staff, now).await?;
    tx.commit().await?;
    Ok(token)
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
    let refusal = if now - row.created_at >= policy.absolute {
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
    let found = db::staff::deactivate(tx.conn(), staff, now).await?;
    db::sessions::delete_all_for(tx.conn(), staff).await?;
    tx.commit().await?;
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_token_shaped_text_is_looked_up() {
        assert!(digest(&"a".repeat(43)).is_some());
        assert!(digest(&"a".repeat(42)).is_none());
        assert!(digest(&format!("{}=", "a".repeat(42))).is_none());
        assert!(digest("' OR 1=1 --                                ").is_none());
        assert!(digest("").is_none());
    }

    #[test]
    fn tokens_are_redacted_in_debug() {
        let t = SessionToken(Zeroizing::new("secret-token-value".into()));
        assert_eq!(format!("{t:?}"), "SessionToken(<redacted>)");
    }
}
