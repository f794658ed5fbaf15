//! Staff second factors: enrolling an authenticator app, checking codes at sign-in, recovery
//! codes, and the organisation-wide requirement.
//!
//! TOTP secrets are sealed with the master key before they reach the database, bound to their
//! owner; recovery codes are stored as digests and shown only while enrolment is in progress
//! (sealed until then). Accepting a code and spending a recovery code are each one
//! conditional update, so neither can be used twice, even by two requests at once.
//! The requirement defaults to on in production mode and off in development; HR
//! administrators can change it.

use super::totp;
use crate::config::Mode;
use crate::db::{self, Database, DbError};
use crate::documents::crypto::MasterKey;
use app::domain::{
    StaffId,
    staff::{EnrolmentView, TwoFactorState},
};
use chrono::{DateTime, Utc};
use std::sync::Arc;
use zeroize::Zeroizing;

const SECRET_PURPOSE: &str = "totp";
const CODES_PURPOSE: &str = "recovery-codes";

/// How a second factor was proved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Proof {
    /// A code from the authenticator app.
    Totp,
    /// A recovery code (now spent).
    RecoveryCode,
}

/// Second factors over the database.
#[derive(Clone)]
pub struct SecondFactors {
    db: Database,
    master: Arc<MasterKey>,
    issuer: Arc<str>,
    mode: Mode,
}

impl std::fmt::Debug for SecondFactors {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SecondFactors").field("mode", &self.mode).finish_non_exhaustive()
    }
}

impl SecondFactors {
    /// Second factors for an organisation called `issuer` (the name authenticator apps show).
    #[must_use]
    pub fn new(db: Database, master_key: &[u8; 32], issuer: &str, mode: Mode) -> Self {
        Self { db, master: Arc::new(MasterKey::new(master_key)), issuer: Arc::from(issuer), mode }
    }

    /// Whether every staff member must use a second factor.
    ///
    /// # Errors
    /// Database failure.
    pub async fn required(&self) -> Result<bool, DbError> {
        let mut conn = self.db.acquire().await?;
        let choice = db::second_factor::require_totp(conn.conn()).await?;
        Ok(choice.unwrap_or(self.mode == Mode::Production))
    }

    /// Whether `staff` has an authenticator app enrolled.
    ///
    /// # Errors
    /// Database failure.
    pub async fn enrolled(&self, staff: StaffId) -> Result<bool, DbError> {
        let mut conn = self.db.acquire().await?;
        Ok(db::second_factor::secret(conn.conn(), staff).await?.is_some())
    }

    /// Starts (or restarts) enrolment: a new secret and new recovery codes, kept sealed until
    /// confirmed with a code.
    ///
    /// # Errors
    /// Database failure.
    pub async fn begin_enrolment(&self, staff: StaffId, now: DateTime<Utc>) -> Result<(), DbError> {
        let owner = staff.as_uuid();
        let secret = totp::new_secret();
        let codes = totp::new_recovery_codes();
        let joined =
            Zeroizing::new(codes.iter().map(|c| c.as_str()).collect::<Vec<_>>().join("\n"));
        let sealed_secret = self.master.seal_secret(&secret, SECRET_PURPOSE, owner.as_bytes());
        let sealed_codes =
            self.master.seal_secret(joined.as_bytes(), CODES_PURPOSE, owner.as_bytes());
        let mut conn = self.db.acquire().await?;
        db::second_factor::put_enrolment(conn.conn(), staff, &sealed_secret, &sealed_codes, now)
            .await
    }

    /// What the enrolment page shows `staff`, whose sign-in name is `account`.
    ///
    /// # Errors
    /// Database failure, or a sealed value the master key cannot open.
    pub async fn state(&self, staff: StaffId, account: &str) -> anyhow::Result<TwoFactorState> {
        let mut conn = self.db.acquire().await?;
        if db::second_factor::secret(conn.conn(), staff).await?.is_some() {
            let left = db::second_factor::recovery_codes_left(conn.conn(), staff).await?;
            return Ok(TwoFactorState::Enrolled { recovery_codes_left: left });
        }
        let Some((sealed_secret, sealed_codes, _)) =
            db::second_factor::enrolment(conn.conn(), staff).await?
        else {
            return Ok(TwoFactorState::NotEnrolled);
        };
        let owner = staff.as_uuid();
        let secret = self.master.open_secret(&sealed_secret, SECRET_PURPOSE, owner.as_bytes())?;
        let codes = self.master.open_secret(&sealed_codes, CODES_PURPOSE, owner.as_bytes())?;
        let uri = totp::otpauth_uri(&self.issuer, account, &secret);
        let key = totp::base32(&secret);
        Ok(TwoFactorState::Enrolling(EnrolmentView {
            // Groups of four, as people read a key aloud or type it.
            key: key
                .as_bytes()
                .chunks(4)
                .map(|c| String::from_utf8_lossy(c))
                .collect::<Vec<_>>()
                .join(" "),
            qr_svg: totp::qr_svg(&uri),
            recovery_codes: String::from_utf8_lossy(&codes).lines().map(str::to_owned).collect(),
        }))
    }

    /// Confirms enrolment with a code from the app; `false` (changing nothing) for a wrong code
    /// or no enrolment in progress.
    ///
    /// # Errors
    /// Database failure, or a sealed value the master key cannot open.
    pub async fn confirm_enrolment(
        &self,
        staff: StaffId,
        typed: &str,
        now: DateTime<Utc>,
    ) -> anyhow::Result<bool> {
        let owner = staff.as_uuid();
        let mut tx = self.db.begin().await?;
        let Some((sealed_secret, sealed_codes, _)) =
            db::second_factor::enrolment(tx.conn(), staff).await?
        else {
            return Ok(false);
        };
        let secret = self.master.open_secret(&sealed_secret, SECRET_PURPOSE, owner.as_bytes())?;
        let Some(step) = totp::verify(&secret, typed, now, None) else { return Ok(false) };
        let codes = self.master.open_secret(&sealed_codes, CODES_PURPOSE, owner.as_bytes())?;
        let digests: Vec<[u8; 32]> =
            String::from_utf8_lossy(&codes).lines().filter_map(totp::recovery_digest).collect();
        db::second_factor::complete_enrolment(tx.conn(), staff, &sealed_secret, step, &digests)
            .await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Checks a code typed at sign-in: six digits are an app code, anything else is tried as
    /// a recovery code. `None` for a wrong, replayed or spent code.
    ///
    /// # Errors
    /// Database failure, or a sealed value the master key cannot open.
    pub async fn verify(
        &self,
        staff: StaffId,
        typed: &str,
        now: DateTime<Utc>,
    ) -> anyhow::Result<Option<Proof>> {
        let mut conn = self.db.acquire().await?;
        let Some((sealed, last_step)) = db::second_factor::secret(conn.conn(), staff).await? else {
            return Ok(None);
        };
        if let Some(digest) = totp::recovery_digest(typed) {
            let spent =
                db::second_factor::use_recovery_code(conn.conn(), staff, &digest, now).await?;
            return Ok(spent.then_some(Proof::RecoveryCode));
        }
        let owner = staff.as_uuid();
        let secret = self.master.open_secret(&sealed, SECRET_PURPOSE, owner.as_bytes())?;
        let Some(step) = totp::verify(&secret, typed, now, last_step) else { return Ok(None) };
        let fresh = db::second_factor::accept_step(conn.conn(), staff, step).await?;
        Ok(fresh.then_some(Proof::Totp))
    }
}
