//! Single-use, expiring links that let a staff member set their password: sent with an
//! invitation, or printed once by `server create-admin`. There is never a default password.
//!
//! Redeeming a link sets the password, marks the link used and ends the account's sessions, in
//! one transaction; a second use, an expired link or a deactivated account is refused and
//! changes nothing.

use super::token::{Token, digest_of};
use crate::db::{self, Database, DbError};
use app::domain::StaffId;
use chrono::{DateTime, Duration, Utc};

/// How long a set-password link works.
pub const LINK_LIFETIME: Duration = Duration::hours(72);

/// Why a link cannot be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkRefusal {
    /// Not a link Shortlist issued.
    Unknown,
    /// Past its expiry.
    Expired,
    /// Already used.
    Used,
    /// Its account has been deactivated.
    Deactivated,
}

/// Issues a link for `staff`; the caller shows or mails `token` once.
///
/// # Errors
/// Database failure.
pub async fn issue(db: &Database, staff: StaffId, now: DateTime<Utc>) -> Result<Token, DbError> {
    let mut conn = db.acquire().await?;
    issue_in(conn.conn(), staff, now).await
}

/// Issues a link on `conn` (inside the caller's transaction, with the message that carries it).
///
/// # Errors
/// Database failure.
pub async fn issue_in(
    conn: db::Conn<'_>,
    staff: StaffId,
    now: DateTime<Utc>,
) -> Result<Token, DbError> {
    let token = Token::generate();
    db::staff::insert_link(conn, &token.digest(), staff, now, now + LINK_LIFETIME).await?;
    Ok(token)
}

/// Whether a presented link can be used now, and for whom.
///
/// # Errors
/// Database failure.
pub async fn check(
    db: &Database,
    presented: &str,
    now: DateTime<Utc>,
) -> Result<Result<StaffId, LinkRefusal>, DbError> {
    let Some(digest) = digest_of(presented) else { return Ok(Err(LinkRefusal::Unknown)) };
    let mut conn = db.acquire().await?;
    let Some(link) = db::staff::link(conn.conn(), &digest).await? else {
        return Ok(Err(LinkRefusal::Unknown));
    };
    if link.used_at.is_some() {
        return Ok(Err(LinkRefusal::Used));
    }
    if now >= link.expires_at {
        return Ok(Err(LinkRefusal::Expired));
    }
    let active = db::staff::by_id(conn.conn(), link.staff_id)
        .await?
        .is_some_and(|s| s.deactivated_at.is_none());
    if !active {
        return Ok(Err(LinkRefusal::Deactivated));
    }
    Ok(Ok(link.staff_id))
}

/// Sets the password (already checked against the policy and hashed) through a link, in one
/// transaction: the link is used only if it is still unused and unexpired (one conditional
/// update, so two simultaneous submissions cannot both succeed), the account must be active,
/// and the account's sessions end. Anything refused changes nothing.
///
/// # Errors
/// Database failure.
pub async fn redeem(
    db: &Database,
    presented: &str,
    password_hash: &str,
    now: DateTime<Utc>,
) -> Result<Result<StaffId, LinkRefusal>, DbError> {
    let Some(digest) = digest_of(presented) else { return Ok(Err(LinkRefusal::Unknown)) };
    let mut tx = db.begin().await?;
    let Some(staff) = db::staff::use_link(tx.conn(), &digest, now).await? else {
        return Ok(Err(LinkRefusal::Used));
    };
    if !db::staff::set_password_hash(tx.conn(), staff, password_hash).await? {
        return Ok(Err(LinkRefusal::Deactivated));
    }
    db::sessions::delete_all_for(tx.conn(), staff).await?;
    tx.commit().await?;
    Ok(Ok(staff))
}

/// The [`app::ports::StaffLinks`] port over the database.
#[derive(Debug, Clone)]
pub struct StoreStaffLinks {
    db: Database,
}

impl StoreStaffLinks {
    /// Over this database.
    #[must_use]
    pub const fn new(db: Database) -> Self {
        Self { db }
    }
}

#[async_trait::async_trait]
impl app::ports::StaffLinks for StoreStaffLinks {
    async fn password_link(
        &self,
        token: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<app::domain::password::PasswordLinkState>, app::error::AppError> {
        use app::domain::password::PasswordLinkState as S;
        let state = check(&self.db, token, now).await.map_err(app::error::AppError::internal)?;
        Ok(match state {
            Ok(_) => Some(S::Usable),
            Err(LinkRefusal::Expired) => Some(S::Expired),
            Err(LinkRefusal::Used) => Some(S::Used),
            Err(LinkRefusal::Unknown | LinkRefusal::Deactivated) => None,
        })
    }
}
