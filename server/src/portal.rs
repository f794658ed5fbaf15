//! The applicant portal's use cases: the [`Portal`] port's adapter.
//!
//! A portal link is a 256-bit secret emailed to an address (with the receipt of every
//! application, or on request); it opens the portal for every application sent from that
//! address until it expires (7 days) or is revoked. Only its digest is stored. Asking for a
//! link answers the same whether or not the address is known, so the form cannot be used to
//! find out who has applied.
//!
//! Once HR asks for referees, the portal shows the application's referees and lets the
//! applicant name them, one consent record (the words' version and hash) with each.
//!
//! Never logs addresses, names or links; never returns equal-opportunities answers or
//! anything staff have written.

use crate::auth::token::{Token, digest_of};
use crate::db::{self, Database, applications, portal as q};
use crate::mail::{NewMessage, Outbox};
use app::domain::application::{self as form, AboutYouInput, Reference, Status};
use app::domain::portal::{
    ContactDetails, Decided, LINK_DAYS, PortalApplication, PortalView, ReleasedCopy,
    ReserveListState,
};
use app::domain::references::{self, PortalReferees, RefereeInput};
use app::domain::{ApplicationId, staff::plausible_email};
use app::error::AppError;
use app::ports::Portal;
use async_trait::async_trait;
use chrono::{DateTime, TimeDelta, Utc};
use sha2::Digest as _;
use std::sync::Arc;
use uuid::Uuid;

/// How many portal links one address may be sent in an hour.
pub const LINKS_PER_HOUR: i64 = 3;

/// Settings the portal needs.
#[derive(Debug, Clone)]
pub struct PortalSettings {
    /// Where links in emails point.
    pub public_url: url::Url,
    /// The employer's name.
    pub organisation: String,
    /// How long a reserve-list consent lasts.
    pub reserve_list_months: u32,
    /// How long an application is kept after the decision, in months.
    pub retention_months: u32,
}

/// The adapter over the database and the outbox.
#[derive(Debug, Clone)]
pub struct StorePortal {
    db: Database,
    outbox: Outbox,
    settings: Arc<PortalSettings>,
}

/// A new portal link for `email`, stored in the caller's transaction; returns the secret and
/// the mail text that carries it. Used by the receipt of a sent application and by
/// [`Portal::request_link`].
///
/// # Errors
/// Database failure.
pub async fn issue_link(
    conn: db::Conn<'_>,
    public_url: &url::Url,
    email: &str,
    now: DateTime<Utc>,
) -> Result<String, db::DbError> {
    let token = Token::generate();
    q::insert_link(conn, &token.digest(), email, now, now + TimeDelta::days(LINK_DAYS)).await?;
    Ok(public_url
        .join(&format!("portal/open/{}", token.expose()))
        .map_or_else(|_| String::new(), |u| u.to_string()))
}

impl StorePortal {
    /// The adapter.
    #[must_use]
    pub fn new(db: Database, outbox: Outbox, settings: PortalSettings) -> Self {
        Self { db, outbox, settings: Arc::new(settings) }
    }

    /// The address a live portal secret was issued for, with its expiry.
    async fn holder(
        conn: db::Conn<'_>,
        secret: &str,
        now: DateTime<Utc>,
    ) -> Result<(String, DateTime<Utc>), AppError> {
        let digest = digest_of(secret).ok_or(AppError::SignInRequired)?;
        q::live_link(conn, &digest, now)
            .await
            .map_err(AppError::internal)?
            .ok_or(AppError::SignInRequired)
    }

    /// The link holder's address and the status of `application`, which must be theirs.
    async fn owned(
        tx: &mut db::Tx,
        secret: &str,
        application: ApplicationId,
        now: DateTime<Utc>,
    ) -> Result<(String, Status), AppError> {
        let (email, _) = Self::holder(tx.conn(), secret, now).await?;
        let status = q::status_if_owned(tx.conn(), application.as_uuid(), &email)
            .await
            .map_err(AppError::internal)?
            .and_then(|s| Status::from_code(&s))
            .ok_or(AppError::NotFound)?;
        Ok((email, status))
    }

    /// The referees part of one application, once the employer has asked for them.
    async fn referees_of(
        &self,
        mut conn: db::Conn<'_>,
        id: uuid::Uuid,
        status: &str,
        outcome: Option<&str>,
    ) -> Result<Option<PortalReferees>, AppError> {
        let Some((_, wanted)) =
            db::references::requested(conn.reborrow(), id).await.map_err(AppError::internal)?
        else {
            return Ok(None);
        };
        let named = crate::references::rows(
            db::references::referees(conn, id).await.map_err(AppError::internal)?,
        );
        let live = status == "submitted" && outcome.is_none();
        Ok(Some(PortalReferees {
            wanted,
            can_add: live && named.len() < usize::try_from(wanted).unwrap_or(0),
            referees: named,
            consent: references::consent_wording(&self.settings.organisation),
        }))
    }

    /// The address a live portal secret was issued for, if it is live (for the handlers that
    /// serve the portal holder's downloads and erasure).
    ///
    /// # Errors
    /// Database failure.
    pub async fn holder_of(
        &self,
        secret: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<String>, AppError> {
        let mut conn = self.db.acquire().await.map_err(AppError::internal)?;
        match Self::holder(conn.conn(), secret, now).await {
            Ok((email, _)) => Ok(Some(email)),
            Err(AppError::SignInRequired) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Whether `secret` is a live portal link (for the handler that opens emailed links).
    ///
    /// # Errors
    /// Database failure.
    pub async fn is_live(
        &self,
        secret: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<DateTime<Utc>>, AppError> {
        let Some(digest) = digest_of(secret) else { return Ok(None) };
        let mut conn = self.db.acquire().await.map_err(AppError::internal)?;
        Ok(q::live_link(conn.conn(), &digest, now)
            .await
            .map_err(AppError::internal)?
            .map(|(_, until)| until))
    }

    fn message(
        &self,
        purpose: &'static str,
        to: &str,
        subject: String,
        body: String,
    ) -> NewMessage {
        NewMessage {
            id: Uuid::new_v4(),
            purpose,
            to: to.to_owned(),
            subject,
            body,
            staff: None,
            application: None,
        }
    }
}

#[async_trait]
impl Portal for StorePortal {
    async fn request_link(&self, email: &str, now: DateTime<Utc>) -> Result<(), AppError> {
        let email = email.trim().to_lowercase();
        if email.is_empty() {
            return Err(AppError::field("email", "Enter your email address"));
        }
        if email.chars().count() > 254 || !plausible_email(&email) {
            return Err(AppError::field(
                "email",
                "Enter an email address in the correct format, like name@example.com",
            ));
        }
        let mut tx = self.db.begin().await.map_err(AppError::internal)?;
        // At most a few links an hour per address (receipts included), so the form cannot be
        // used to flood someone's inbox. Over the limit the answer is the same as always.
        let recent = q::links_since(tx.conn(), &email, now - TimeDelta::hours(1))
            .await
            .map_err(AppError::internal)?;
        if recent < LINKS_PER_HOUR
            && q::has_applications(tx.conn(), &email).await.map_err(AppError::internal)?
        {
            let link = issue_link(tx.conn(), &self.settings.public_url, &email, now)
                .await
                .map_err(AppError::internal)?;
            let org = &self.settings.organisation;
            let mail = self.message(
                "portal.link",
                &email,
                format!("Your link to your applications to {org}"),
                format!(
                    "Use this link to see your applications to {org}, withdraw one, correct your \
                     contact details or change what you have agreed to:\n\n{link}\n\n\
                     The link works for {LINK_DAYS} days. Keep it private: anyone with it can see \
                     your applications. If you did not ask for it, you can ignore this email.\n"
                ),
            );
            self.outbox.store(tx.conn(), &mail, now).await.map_err(AppError::internal)?;
        }
        tx.commit().await.map_err(AppError::internal)?;
        self.outbox.wake();
        Ok(())
    }

    async fn view(&self, secret: &str, now: DateTime<Utc>) -> Result<PortalView, AppError> {
        // Reads only: a pooled connection, not a transaction (which on SQLite takes the write
        // lock).
        let mut conn = self.db.acquire().await.map_err(AppError::internal)?;
        let (email, link_expires_at) = Self::holder(conn.conn(), secret, now).await?;
        let rows =
            q::applications_of(conn.conn(), &email, now).await.map_err(AppError::internal)?;
        let contact = q::contact_of(conn.conn(), &email).await.map_err(AppError::internal)?;
        let released = db::rights::released_to(conn.conn(), &email)
            .await
            .map_err(AppError::internal)?
            .into_iter()
            .map(|(reference, released_on)| ReleasedCopy { reference, released_on })
            .collect();
        drop(conn);
        let s = |v: Option<String>| v.unwrap_or_default();
        let contact = contact.map_or_else(ContactDetails::default, |c| ContactDetails {
            full_name: s(c.full_name),
            preferred_name: s(c.preferred_name),
            email: email.clone(),
            phone: s(c.phone),
            contact_method: s(c.contact_method),
        });
        let mut referees = std::collections::HashMap::new();
        {
            let mut conn = self.db.acquire().await.map_err(AppError::internal)?;
            for r in &rows {
                if let Some(portal) =
                    self.referees_of(conn.conn(), r.id, &r.status, r.outcome.as_deref()).await?
                {
                    referees.insert(r.id, portal);
                }
            }
        }
        let applications = rows
            .into_iter()
            .filter_map(|r| {
                let referees = referees.remove(&r.id);
                Some(PortalApplication {
                    id: ApplicationId::from_uuid(r.id),
                    reference: Reference::parse(&r.reference)?,
                    vacancy_title: r.title,
                    status: Status::from_code(&r.status)?,
                    decided: r.outcome.as_deref().and_then(Decided::from_outcome),
                    submitted_at: r.submitted_at,
                    withdrawn_at: r.withdrawn_at,
                    reserve_list: ReserveListState {
                        given_at: r.given_at,
                        expires_at: r.expires_at,
                    },
                    referees,
                })
            })
            .collect();
        Ok(PortalView {
            organisation: self.settings.organisation.clone(),
            contact,
            applications,
            reserve_list_wording: form::reserve_list_wording(
                &self.settings.organisation,
                self.settings.reserve_list_months,
            ),
            link_expires_at,
            retention_months: self.settings.retention_months,
            released,
        })
    }

    async fn withdraw(
        &self,
        secret: &str,
        application: ApplicationId,
        now: DateTime<Utc>,
    ) -> Result<(), AppError> {
        let mut tx = self.db.begin().await.map_err(AppError::internal)?;
        let (_, status) = Self::owned(&mut tx, secret, application, now).await?;
        // Withdrawing twice (a double click, a resent form) is one withdrawal.
        if status == Status::Submitted
            && !q::withdraw(tx.conn(), application.as_uuid(), now)
                .await
                .map_err(AppError::internal)?
        {
            // Sent but not withdrawn: the employer has already decided on it.
            return Err(AppError::field(
                "application",
                "A decision has already been made on this application, so it cannot be withdrawn",
            ));
        }
        tx.commit().await.map_err(AppError::internal)
    }

    async fn set_reserve_list(
        &self,
        secret: &str,
        application: ApplicationId,
        give: bool,
        now: DateTime<Utc>,
    ) -> Result<(), AppError> {
        let mut tx = self.db.begin().await.map_err(AppError::internal)?;
        let (_, status) = Self::owned(&mut tx, secret, application, now).await?;
        let id = application.as_uuid();
        if give {
            if status != Status::Submitted {
                return Err(AppError::field(
                    "reserve_list",
                    "You withdrew this application, so it cannot be kept for other jobs",
                ));
            }
            // A lapsed consent is not live: end its record before giving a new one.
            if !applications::has_live_consent(tx.conn(), id, "reserve_list", now)
                .await
                .map_err(AppError::internal)?
            {
                applications::withdraw_consent(tx.conn(), id, "reserve_list", "portal", now)
                    .await
                    .map_err(AppError::internal)?;
                crate::applying::give_reserve_list(
                    tx.conn(),
                    id,
                    &self.settings.organisation,
                    self.settings.reserve_list_months,
                    "portal",
                    now,
                )
                .await?;
            }
        } else {
            applications::withdraw_consent(tx.conn(), id, "reserve_list", "portal", now)
                .await
                .map_err(AppError::internal)?;
        }
        tx.commit().await.map_err(AppError::internal)
    }

    async fn add_referee(
        &self,
        secret: &str,
        application: ApplicationId,
        input: RefereeInput,
        now: DateTime<Utc>,
    ) -> Result<(), AppError> {
        let mut tx = self.db.begin().await.map_err(AppError::internal)?;
        let (email, status) = Self::owned(&mut tx, secret, application, now).await?;
        let referee = input.validate(&email).map_err(AppError::Validation)?;
        let id = application.as_uuid();
        let outcome = db::selection::candidate(tx.conn(), id)
            .await
            .map_err(AppError::internal)?
            .and_then(|c| c.outcome);
        let state = self.referees_of(tx.conn(), id, status.code(), outcome.as_deref()).await?;
        let Some(state) = state else {
            return Err(AppError::field(
                "referee_name",
                "We have not asked for referees for this application yet",
            ));
        };
        if !state.can_add {
            return Err(AppError::field(
                "referee_name",
                "You have already named all the referees we asked for, or this application has ended",
            ));
        }
        if state.referees.iter().any(|r| r.email == referee.email) {
            return Err(AppError::field("referee_email", "You have already named this referee"));
        }
        let digest: [u8; 32] = sha2::Sha256::digest(state.consent.as_bytes()).into();
        db::references::add(tx.conn(), id, &referee, &digest, now)
            .await
            .map_err(AppError::internal)?;
        tx.commit().await.map_err(AppError::internal)
    }

    async fn correct_contact(
        &self,
        secret: &str,
        input: AboutYouInput,
        now: DateTime<Utc>,
    ) -> Result<bool, AppError> {
        let about = input.validate().map_err(AppError::Validation)?;
        let mut tx = self.db.begin().await.map_err(AppError::internal)?;
        let (email, _) = Self::holder(tx.conn(), secret, now).await?;
        // Rectification is audited (PRODUCT §2.8): one entry per application corrected, naming
        // the application, never the old or new values.
        let corrected =
            db::export::applications_of(tx.conn(), &email).await.map_err(AppError::internal)?;
        q::correct_contact(tx.conn(), &email, &about, now).await.map_err(AppError::internal)?;
        for id in corrected {
            let entry = db::audit::AuditEntry {
                object_type: Some("application"),
                ..db::audit::AuditEntry::unattended(now, "portal.correct_contact", id)
            };
            db::audit::append(tx.conn(), &entry).await.map_err(AppError::internal)?;
        }
        let changed = about.email != email;
        if changed {
            // Links were sent to the old address: they must not keep opening the portal of
            // the new one. Both addresses are told, so a change nobody asked for is noticed.
            q::revoke_all(tx.conn(), &email, now).await.map_err(AppError::internal)?;
            let org = &self.settings.organisation;
            let old = self.message(
                "portal.address-changed",
                &email,
                format!("Your email address for {org} applications was changed"),
                format!(
                    "The email address on your applications to {org} has been changed, so we \
                     will no longer write to this address about them.\n\nIf you did not make \
                     this change, reply to the person who advertised the job.\n"
                ),
            );
            self.outbox.store(tx.conn(), &old, now).await.map_err(AppError::internal)?;
            let link = issue_link(tx.conn(), &self.settings.public_url, &about.email, now)
                .await
                .map_err(AppError::internal)?;
            let new = self.message(
                "portal.link",
                &about.email,
                format!("Your link to your applications to {org}"),
                format!(
                    "This is now the email address on your applications to {org}. Use this link \
                     to see them:\n\n{link}\n\nThe link works for {LINK_DAYS} days. Keep it private.\n"
                ),
            );
            self.outbox.store(tx.conn(), &new, now).await.map_err(AppError::internal)?;
        }
        tx.commit().await.map_err(AppError::internal)?;
        self.outbox.wake();
        Ok(changed)
    }

    async fn rights_request(
        &self,
        secret: &str,
        input: app::domain::rights::register::PortalRequestInput,
        now: DateTime<Utc>,
    ) -> Result<(), AppError> {
        let mut tx = self.db.begin().await.map_err(AppError::internal)?;
        let (email, _) = Self::holder(tx.conn(), secret, now).await?;
        let today = app::domain::time::uk_date(now);
        let new = input.validate(&email, today).map_err(AppError::Validation)?;
        let (id, reference) =
            crate::rights::insert(tx.conn(), &new, None, now).await.map_err(AppError::internal)?;
        let org = &self.settings.organisation;
        let message = NewMessage {
            id: uuid::Uuid::new_v4(),
            purpose: "rights.received",
            to: email,
            subject: format!("We have received your request {reference}"),
            body: format!(
                "Hello,\n\nWe have received your request ({kind}) made on your applicant page, \
                 reference {reference}. We will answer by {due}. If we need longer, we will tell \
                 you why before then.\n\n{org}",
                kind = new.kind.words().to_lowercase(),
                due = new.due.format("%-d %B %Y"),
            ),
            staff: None,
            application: None,
        };
        self.outbox.store(tx.conn(), &message, now).await.map_err(AppError::internal)?;
        let entry = db::audit::AuditEntry {
            object_type: Some("rights_request"),
            ..db::audit::AuditEntry::unattended(now, "rights.log", id)
        };
        db::audit::append(tx.conn(), &entry).await.map_err(AppError::internal)?;
        tx.commit().await.map_err(AppError::internal)?;
        self.outbox.wake();
        Ok(())
    }

    async fn sign_out(&self, secret: &str, now: DateTime<Utc>) -> Result<(), AppError> {
        let Some(digest) = digest_of(secret) else { return Ok(()) };
        let mut tx = self.db.begin().await.map_err(AppError::internal)?;
        q::revoke(tx.conn(), &digest, now).await.map_err(AppError::internal)?;
        tx.commit().await.map_err(AppError::internal)
    }
}
