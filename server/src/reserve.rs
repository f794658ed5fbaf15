//! Reserve-list consent over time (PRODUCT §2.7): a month before a reserve-list consent lapses
//! the applicant is emailed ([`StoreReserve::send_renewal_notices`], every minute beside the
//! other jobs) a link of their own — only its SHA-256 stored — that renews the consent for the
//! configured months or withdraws it at once, one click each (the page, `/reserve-list/:token`,
//! is behind the [`app::ports::ReserveConsents`] port). Withdrawal and renewal recompute the
//! application's retention date in the same transaction, so the purge sees the change at once.
//!
//! A renewal closes the old consent record and opens a new one (method `email`) that names it
//! (`renews`); consent stays a record, never a flag. This module never logs addresses or
//! names, and writes ids only to the audit log.

use crate::auth::token::{Token, digest_of};
use crate::db::{self, Database, DbError};
use crate::mail::{NewMessage, Outbox};
use app::domain::{
    reserve::{ConsentPage, NOT_LIVE_MESSAGE, RENEWAL_NOTICE_MONTHS, renewal_notice_due},
    time,
};
use app::error::AppError;
use async_trait::async_trait;
use chrono::{DateTime, Months, Utc};
use uuid::Uuid;

/// Reserve-list renewal notices and the one-click page behind them.
#[derive(Debug, Clone)]
pub struct StoreReserve {
    db: Database,
    outbox: Outbox,
    organisation: String,
    public_url: url::Url,
    months: u32,
}

impl StoreReserve {
    /// Over `db`, mailing through `outbox`; a renewal lasts `months`.
    #[must_use]
    pub const fn new(
        db: Database,
        outbox: Outbox,
        organisation: String,
        public_url: url::Url,
        months: u32,
    ) -> Self {
        Self { db, outbox, organisation, public_url, months }
    }

    /// Emails each applicant whose reserve-list consent lapses within the notice period (and
    /// has not been told) a link to renew or withdraw it. Returns how many were sent. Safe on
    /// several instances at once: each consent is marked by whichever instance gets there first.
    ///
    /// # Errors
    /// Database failure.
    pub async fn send_renewal_notices(&self, now: DateTime<Utc>) -> Result<usize, DbError> {
        // Everything lapsing within a month and a day, then the exact calendar rule.
        let horizon = now
            .checked_add_months(Months::new(RENEWAL_NOTICE_MONTHS))
            .map_or(now, |h| h + chrono::TimeDelta::days(1));
        let due = {
            let mut conn = self.db.acquire().await?;
            db::reserve::lapsing(conn.conn(), now, horizon, 500).await?
        };
        let mut sent = 0;
        for c in due.into_iter().filter(|c| renewal_notice_due(c.expires_at, now)) {
            let Some(to) = c.email.clone().filter(|e| !e.is_empty()) else { continue };
            let token = Token::generate();
            let mut tx = self.db.begin().await?;
            if db::reserve::mark_notified(
                tx.conn(),
                c.consent_id,
                c.application_id,
                &token.digest(),
                now,
            )
            .await?
            {
                let message = self.notice(&c, to, &token);
                self.outbox.store(tx.conn(), &message, now).await?;
                let entry = db::audit::AuditEntry {
                    at: now,
                    actor: None,
                    action: "reserve_list.renewal_notice",
                    object_type: Some("application"),
                    object_id: Some(c.application_id),
                    vacancy: None,
                    client_addr: None,
                    outcome: db::audit::Outcome::Ok,
                };
                db::audit::append(tx.conn(), &entry).await?;
                tx.commit().await?;
                sent += 1;
            }
        }
        if sent > 0 {
            self.outbox.wake();
        }
        Ok(sent)
    }

    /// Runs [`Self::send_renewal_notices`] every minute until `shutdown` completes.
    pub async fn run_notices(
        self,
        clock: std::sync::Arc<dyn app::ports::Clock>,
        shutdown: impl std::future::Future<Output = ()>,
    ) {
        let minute = std::time::Duration::from_secs(60);
        crate::jobs::every("reserve-list renewal notices", minute, shutdown, || async {
            self.send_renewal_notices(clock.now()).await.map(|_| ())
        })
        .await;
    }

    fn notice(&self, c: &db::reserve::Lapsing, to: String, token: &Token) -> NewMessage {
        let link = self
            .public_url
            .join(&format!("/reserve-list/{}", token.expose()))
            .map_or_else(|_| String::new(), |u| u.to_string());
        let name = c
            .preferred_name
            .clone()
            .filter(|n| !n.is_empty())
            .or_else(|| c.full_name.clone())
            .unwrap_or_default();
        NewMessage {
            id: Uuid::new_v4(),
            purpose: "reserve_list.renewal_notice",
            to,
            subject: format!("Shall {} keep your application for other jobs?", self.organisation),
            body: format!(
                "Dear {name},\n\nYou agreed that {org} may keep your application for {title} and \
                 contact you about other jobs that match it. That agreement ends on {until}.\n\n\
                 To keep it for another {months}, or to stop now, use this link (one click \
                 each):\n\n{link}\n\nIf you do nothing, we stop keeping it for other jobs on \
                 {until}.\n\n{org}",
                org = self.organisation,
                title = c.vacancy_title,
                until = time::format_uk_date(c.expires_at),
                months = app::domain::vacancy::months(self.months),
            ),
            staff: None,
            application: Some(c.application_id),
        }
    }

    /// The consent behind a link, or `NotFound`.
    async fn linked(
        &self,
        conn: db::Conn<'_>,
        secret: &str,
    ) -> Result<db::reserve::Linked, AppError> {
        let digest = digest_of(secret).ok_or(AppError::NotFound)?;
        db::reserve::by_link(conn, &digest)
            .await
            .map_err(AppError::internal)?
            .ok_or(AppError::NotFound)
    }

    /// Ends the linked consent (renewing it when `renew`), in one transaction with the new
    /// record and the retention date.
    async fn act(&self, secret: &str, now: DateTime<Utc>, renew: bool) -> Result<(), AppError> {
        let mut tx = self.db.begin().await.map_err(AppError::internal)?;
        let linked = self.linked(tx.conn(), secret).await?;
        if !db::reserve::end(tx.conn(), linked.consent_id, now).await.map_err(AppError::internal)? {
            return Err(AppError::field("form", NOT_LIVE_MESSAGE));
        }
        let id = linked.application_id;
        if renew {
            crate::applying::give_reserve_list(
                tx.conn(),
                id,
                &self.organisation,
                self.months,
                "email",
                now,
            )
            .await?;
            db::reserve::mark_renewal(tx.conn(), id, linked.consent_id)
                .await
                .map_err(AppError::internal)?;
        } else {
            // Withdrawal takes effect at once: the date falls back to the unsuccessful period.
            db::retention::refresh(tx.conn(), db::retention::Scope::Application(id))
                .await
                .map_err(AppError::internal)?;
        }
        let entry = db::audit::AuditEntry {
            at: now,
            actor: None,
            action: if renew { "reserve_list.renew" } else { "reserve_list.withdraw" },
            object_type: Some("application"),
            object_id: Some(id),
            vacancy: None,
            client_addr: None,
            outcome: db::audit::Outcome::Ok,
        };
        db::audit::append(tx.conn(), &entry).await.map_err(AppError::internal)?;
        tx.commit().await.map_err(AppError::internal)
    }
}

#[async_trait]
impl app::ports::ReserveConsents for StoreReserve {
    async fn page(&self, secret: &str, now: DateTime<Utc>) -> Result<ConsentPage, AppError> {
        let mut conn = self.db.acquire().await.map_err(AppError::internal)?;
        let linked = self.linked(conn.conn(), secret).await?;
        let organisation = self.organisation.clone();
        Ok(match (linked.withdrawn_at, linked.renewed_until) {
            (Some(_), Some(until)) => ConsentPage::Renewed { organisation, until },
            (Some(_), None) => ConsentPage::Withdrawn { organisation },
            (None, _) if linked.expires_at <= now => ConsentPage::Lapsed { organisation },
            (None, _) => ConsentPage::Live {
                organisation,
                vacancy_title: linked.vacancy_title,
                expires_at: linked.expires_at,
                months: self.months,
            },
        })
    }

    async fn renew(&self, secret: &str, now: DateTime<Utc>) -> Result<(), AppError> {
        self.act(secret, now, true).await
    }

    async fn withdraw(&self, secret: &str, now: DateTime<Utc>) -> Result<(), AppError> {
        self.act(secret, now, false).await
    }
}
