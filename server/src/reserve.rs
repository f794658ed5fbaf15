//! Reserve-list consent over time (PRODUCT §2.7): a month before a reserve-list consent lapses
//! the applicant is emailed ([`StoreReserve::send_renewal_notices`], every minute beside the
//! other jobs) a link of their own — only its SHA-256 stored — that renews the consent for the
//! configured months or withdraws it at once, one click each (the page, `/reserve-list/:token`,
//! is behind the [`app::ports::ReserveConsents`] port). Withdrawal and renewal recompute the
//! application's retention date in the same transaction, so the purge sees the change at once.
//!
//! A renewal closes the old consent record and opens a new one (method `email`) that names it
//! (`renews`); consent stays a record, never a flag.
//!
//! The reserve list itself: a candidate found appointable, not appointed is told so in a letter
//! ([`StoreReserve::appointable_letter`]) that, unless they already agreed on the form, carries
//! a single-use link (`/reserve-list/join/:token`, [`app::domain::reserve::ASK_DAYS`]) giving
//! the consent with one click. HR's reserve-list page for a vacancy (port
//! [`app::ports::ReserveLists`]) lists its own reserve list and the candidates on other lists
//! who match it, in merit order; [`StoreReserve::invite`] emails one of them about the vacancy
//! and records it. Who is on a list is decided by `db::reserve::on_lists` alone, so a lapsed or
//! withdrawn consent never shows and can never be invited.
//!
//! This module never logs addresses or names, and writes ids only to the audit log.

use crate::auth::token::{Token, digest_of};
use crate::db::{self, Database, DbError};
use crate::mail::{NewMessage, Outbox};
use crate::staff_admin::Context;
use app::domain::{
    ApplicationId, VacancyId,
    reserve::{
        ASK_DAYS, ConsentPage, JOIN_ENDED_MESSAGE, JoinPage, NOT_LIVE_MESSAGE,
        RENEWAL_NOTICE_MONTHS, Ranked, ReserveEntry, ReserveListPage, ReserveMatch, VacancyProfile,
        match_reasons, merit_order, renewal_notice_due,
    },
    selection::score_words,
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
                let entry = db::audit::AuditEntry::unattended(
                    now,
                    "reserve_list.renewal_notice",
                    c.application_id,
                );
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
        let link = self.link(&format!("/reserve-list/{}", token.expose()));
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

    fn link(&self, path: &str) -> String {
        self.public_url.join(path).map_or_else(|_| String::new(), |u| u.to_string())
    }

    /// The letter telling candidate `application` they were found appointable, not appointed,
    /// for `vacancy_title`: (subject, body). With a live reserve-list consent it says until
    /// when they are on the list; without one it asks for it with a single-use link, stored in
    /// the same transaction.
    ///
    /// # Errors
    /// Database failure.
    pub(crate) async fn appointable_letter(
        &self,
        mut conn: db::Conn<'_>,
        application: Uuid,
        name: &str,
        vacancy_title: &str,
        now: DateTime<Utc>,
    ) -> Result<(String, String), DbError> {
        let org = &self.organisation;
        let opening = format!(
            "Dear {name},\n\nThank you for your application for {vacancy_title}. The panel \
             found you appointable, but we do not have a post to offer you at the moment."
        );
        let middle = match db::reserve::live_consent_until(conn.reborrow(), application, now)
            .await?
        {
            Some(until) => format!(
                "You agreed that we may keep your application for other jobs, so you are on our \
                 reserve list until {}. If a job that matches yours opens, we may invite you to \
                 apply. You can stop this at any time from your applicant page: {}",
                time::format_uk_date(until),
                self.link("/portal/sign-in")
            ),
            None => {
                let token = Token::generate();
                let expires = now + chrono::TimeDelta::days(ASK_DAYS);
                db::reserve::add_ask(conn, &token.digest(), application, now, expires).await?;
                format!(
                    "We would like to keep your application on our reserve list for {months}, \
                     so that we can invite you to apply for other jobs that match it. If you \
                     agree, use this link (one click) by {by}:\n\n{link}\n\nIf you do \
                     nothing, we will not contact you about other jobs, and your application \
                     will be deleted at the end of our usual period after a decision.",
                    months = app::domain::vacancy::months(self.months),
                    by = time::format_uk_date(expires),
                    link = self.link(&format!("/reserve-list/join/{}", token.expose())),
                )
            }
        };
        Ok((
            format!("Your application for {vacancy_title}"),
            format!("{opening}\n\n{middle}\n\n{org}"),
        ))
    }

    /// Invites reserve-list candidate `application` to apply for `vacancy` by email, once, while
    /// the vacancy is taking applications and the candidate is on a reserve list that matches
    /// it. `Ok(Err(code))` when refused (codes of `app::domain::reserve::invite_error`).
    ///
    /// # Errors
    /// Database failure.
    pub async fn invite(
        &self,
        cx: &Context,
        vacancy: VacancyId,
        application: ApplicationId,
    ) -> Result<Result<(), &'static str>, AppError> {
        let mut tx = self.db.begin().await.map_err(AppError::internal)?;
        let page = self.list_page(tx.conn(), vacancy, cx.now).await?;
        if !page.taking_applications {
            return Ok(Err("not_open"));
        }
        let Some(found) = page.matches.iter().find(|m| m.application == application) else {
            return Ok(Err("not_on_list"));
        };
        if found.invited.is_some()
            || !db::reserve::add_invitation(
                tx.conn(),
                vacancy.as_uuid(),
                application.as_uuid(),
                cx.by.as_uuid(),
                cx.now,
            )
            .await
            .map_err(AppError::internal)?
        {
            return Ok(Err("invited"));
        }
        let to = db::selection::candidate(tx.conn(), application.as_uuid())
            .await
            .map_err(AppError::internal)?
            .and_then(|c| c.email)
            .filter(|e| !e.is_empty());
        if let Some(to) = to {
            let body = format!(
                "Dear {name},\n\nYou agreed that {org} may keep your application for \
                 {earlier} and contact you about other jobs that match it. We have a new \
                 vacancy you may be interested in: {title}.\n\nRead about it and apply \
                 here:\n\n{link}\n\nIf you are not interested, you need not do anything. \
                 You can stop us keeping your application for other jobs at any time from \
                 your applicant page: {portal}\n\n{org}",
                name = found.name,
                org = self.organisation,
                earlier = found.found_for,
                title = page.title,
                link = self.link(&format!("/vacancies/{vacancy}")),
                portal = self.link("/portal/sign-in"),
            );
            let message = NewMessage {
                id: Uuid::new_v4(),
                purpose: "reserve_list.invitation",
                to,
                subject: format!("A job you may be interested in: {}", page.title),
                body,
                staff: None,
                application: Some(application.as_uuid()),
            };
            self.outbox.store(tx.conn(), &message, cx.now).await.map_err(AppError::internal)?;
        }
        let entry = db::audit::AuditEntry {
            at: cx.now,
            actor: Some(cx.by),
            action: "reserve_list.invite",
            object_type: Some("application"),
            object_id: Some(application.as_uuid()),
            vacancy: Some(vacancy),
            client_addr: Some(cx.client.clone()),
            outcome: db::audit::Outcome::Ok,
        };
        db::audit::append(tx.conn(), &entry).await.map_err(AppError::internal)?;
        tx.commit().await.map_err(AppError::internal)?;
        self.outbox.wake();
        Ok(Ok(()))
    }

    /// The reserve-list page of `vacancy`: its own list, and the candidates on other vacancies'
    /// lists who match it, each in merit order.
    async fn list_page(
        &self,
        mut conn: db::Conn<'_>,
        vacancy: VacancyId,
        now: DateTime<Utc>,
    ) -> Result<ReserveListPage, AppError> {
        let this = db::reserve::vacancy(conn.reborrow(), vacancy.as_uuid(), now)
            .await
            .map_err(AppError::internal)?
            .ok_or(AppError::NotFound)?;
        let everyone =
            db::reserve::on_lists(conn.reborrow(), None, now).await.map_err(AppError::internal)?;
        let mut ids: Vec<Uuid> = everyone.iter().map(|r| r.vacancy_id).collect();
        ids.push(vacancy.as_uuid());
        ids.sort_unstable();
        ids.dedup();
        let (tags, criteria) =
            db::reserve::profiles(conn.reborrow(), &ids).await.map_err(AppError::internal)?;
        let invited =
            db::reserve::invitations(conn, vacancy.as_uuid()).await.map_err(AppError::internal)?;
        let profile = |id: Uuid, family: Option<String>| VacancyProfile {
            job_family: family,
            location_tags: tags.iter().filter(|(v, _)| *v == id).map(|(_, t)| t.clone()).collect(),
            criteria: criteria.iter().filter(|(v, _)| *v == id).map(|(_, t)| t.clone()).collect(),
        };
        let ours = profile(vacancy.as_uuid(), this.job_family.clone());
        let mut own = Vec::new();
        let mut matches = Vec::new();
        for r in everyone {
            let score = match (r.final_score, r.sheets, r.sheet_sum) {
                (Some(s), _, _) => Some(s),
                (None, n, Some(sum)) if n > 0 => i32::try_from(sum / n).ok(),
                _ => None,
            };
            let name = r
                .preferred_name
                .clone()
                .filter(|n| !n.is_empty())
                .or_else(|| r.full_name.clone())
                .unwrap_or_default();
            let words = score.map_or_else(|| "Not scored".to_owned(), score_words);
            let consent_until = time::format_uk_date(r.consent_until);
            let application = ApplicationId::from_uuid(r.application_id);
            if r.vacancy_id == vacancy.as_uuid() {
                own.push(Ranked {
                    score,
                    decided_at: r.appointable_at,
                    item: ReserveEntry {
                        application,
                        name,
                        score: words,
                        found_appointable: time::format_uk_date(r.appointable_at),
                        consent_until,
                    },
                });
                continue;
            }
            let reasons = match_reasons(&ours, &profile(r.vacancy_id, r.job_family.clone()));
            if reasons.is_empty() {
                continue;
            }
            matches.push(Ranked {
                score,
                decided_at: r.appointable_at,
                item: ReserveMatch {
                    application,
                    name,
                    found_for: r.vacancy_title.clone(),
                    reasons,
                    score: words,
                    consent_until,
                    invited: invited
                        .iter()
                        .find(|(a, _)| *a == r.application_id)
                        .map(|(_, at)| time::format_uk_datetime(*at)),
                },
            });
        }
        merit_order(&mut own);
        merit_order(&mut matches);
        Ok(ReserveListPage {
            vacancy,
            title: this.title,
            taking_applications: this.taking_applications,
            own: own.into_iter().map(|r| r.item).collect(),
            matches: matches.into_iter().map(|r| r.item).collect(),
        })
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
        let action = if renew { "reserve_list.renew" } else { "reserve_list.withdraw" };
        let entry = db::audit::AuditEntry::unattended(now, action, id);
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
            // Closed with no method: it lapsed (and a new consent was given later).
            (Some(_), None) if linked.withdrawn_method.is_none() => {
                ConsentPage::Lapsed { organisation }
            }
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

    async fn join_page(&self, secret: &str, now: DateTime<Utc>) -> Result<JoinPage, AppError> {
        let digest = digest_of(secret).ok_or(AppError::NotFound)?;
        let mut conn = self.db.acquire().await.map_err(AppError::internal)?;
        let ask = db::reserve::ask_by_link(conn.conn(), &digest)
            .await
            .map_err(AppError::internal)?
            .ok_or(AppError::NotFound)?;
        let organisation = self.organisation.clone();
        let live = db::reserve::live_consent_until(conn.conn(), ask.application_id, now)
            .await
            .map_err(AppError::internal)?;
        Ok(match live {
            // Agreed (here or on the applicant page): say so, whatever the link's state.
            Some(until) if ask.askable => JoinPage::Joined { organisation, until },
            None if ask.askable && ask.used_at.is_none() && ask.expires_at > now => {
                JoinPage::Open {
                    organisation,
                    vacancy_title: ask.vacancy_title,
                    months: self.months,
                }
            }
            _ => JoinPage::Ended { organisation },
        })
    }

    async fn join(&self, secret: &str, now: DateTime<Utc>) -> Result<(), AppError> {
        let digest = digest_of(secret).ok_or(AppError::NotFound)?;
        let mut tx = self.db.begin().await.map_err(AppError::internal)?;
        let ask = db::reserve::ask_by_link(tx.conn(), &digest)
            .await
            .map_err(AppError::internal)?
            .ok_or(AppError::NotFound)?;
        let ended = || AppError::field("form", JOIN_ENDED_MESSAGE);
        if !ask.askable {
            return Err(ended());
        }
        if db::reserve::live_consent_until(tx.conn(), ask.application_id, now)
            .await
            .map_err(AppError::internal)?
            .is_some()
        {
            // Already on the list (a double click, or agreed on the applicant page): one
            // consent, nothing more to record.
            return Ok(());
        }
        if !db::reserve::use_ask(tx.conn(), &digest, now).await.map_err(AppError::internal)? {
            return Err(ended());
        }
        crate::applying::give_reserve_list(
            tx.conn(),
            ask.application_id,
            &self.organisation,
            self.months,
            "email",
            now,
        )
        .await?;
        if db::reserve::live_consent_until(tx.conn(), ask.application_id, now)
            .await
            .map_err(AppError::internal)?
            .is_none()
        {
            // A lapsed record still holds the one open slot for this kind of consent: record
            // nothing rather than claim a consent that was not stored.
            return Err(AppError::internal("reserve-list consent not recorded"));
        }
        let entry = db::audit::AuditEntry::unattended(now, "reserve_list.join", ask.application_id);
        db::audit::append(tx.conn(), &entry).await.map_err(AppError::internal)?;
        tx.commit().await.map_err(AppError::internal)
    }
}

#[async_trait]
impl app::ports::ReserveLists for StoreReserve {
    async fn page(
        &self,
        vacancy: VacancyId,
        now: DateTime<Utc>,
    ) -> Result<ReserveListPage, AppError> {
        let mut conn = self.db.acquire().await.map_err(AppError::internal)?;
        self.list_page(conn.conn(), vacancy, now).await
    }
}
