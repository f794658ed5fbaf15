//! References (PRODUCT §2.5): HR asks for referees once a candidate reaches the offer, and the
//! applicant is told by email to name them in the portal; the portal stores each referee with
//! the consent the applicant gave for contacting them (see `portal.rs`); the candidate page
//! shows HR, and the hiring manager from the offer on, who was named ([`section`]).
//!
//! HR then sends each named referee a request ([`StoreReferences::send_requests`]): an email
//! with a link of their own (256 random bits; only its SHA-256 is stored) that works for
//! `LINK_DAYS` and only until they answer. The referee gives the reference or declines through
//! the [`app::ports::RefereeRequests`] port; one reminder, with a fresh link, goes to a referee
//! who has not answered after the configured days ([`StoreReferences::send_reminders`], run
//! every minute beside the closing alerts).
//!
//! Staff callers authorise first (HR: `ViewReferences` at any stage). Referee details and
//! references are third-party personal data: this module never logs them, never writes them to
//! the audit log (ids only), never returns a reference to the applicant, and shows answers to
//! staff only from the offer stage on.

use crate::auth::token::{Token, digest_of};
use crate::checks::{Answer, Refusal, audit, facts, keep_form};
use crate::db::{self, Database, DbError};
use crate::mail::{NewMessage, Outbox};
use crate::staff_admin::Context;
use app::domain::{
    ApplicationId, VacancyId,
    checks::at_offer_stage,
    references::{
        RefereeRow, ReferencesSection, StaffReferee, parse_wanted,
        request::{
            EXPIRED_MESSAGE, LINK_DAYS, NOT_NEEDED_MESSAGE, OpenRequest, Reemploy, ReferenceInput,
            ReferenceView, RequestFacts, RequestPage, USED_MESSAGE, decline_reason, worked_words,
        },
    },
    time,
};
use app::error::{AppError, FieldError};
use async_trait::async_trait;
use chrono::{DateTime, TimeDelta, Utc};
use uuid::Uuid;

/// The references use cases on the staff side.
#[derive(Debug, Clone)]
pub struct StoreReferences {
    db: Database,
    outbox: Outbox,
    organisation: String,
    public_url: url::Url,
    reminder_days: u32,
}

impl StoreReferences {
    /// References over `db`, writing to applicants and referees through `outbox`; a referee
    /// who has not answered is reminded `reminder_days` after the request.
    #[must_use]
    pub const fn new(
        db: Database,
        outbox: Outbox,
        organisation: String,
        public_url: url::Url,
        reminder_days: u32,
    ) -> Self {
        Self { db, outbox, organisation, public_url, reminder_days }
    }

    /// HR asks the applicant for `wanted` referees (the form's field), once, from the offer
    /// stage on; the applicant is emailed to name them in the portal.
    ///
    /// # Errors
    /// Database failure.
    pub async fn request(
        &self,
        cx: &Context,
        id: ApplicationId,
        pairs: &[(String, String)],
    ) -> Answer<()> {
        let uuid = id.as_uuid();
        let wanted = match parse_wanted(&crate::selection::field(pairs, "wanted")) {
            Ok(n) => n,
            Err(problem) => {
                return keep_form(&self.db, cx, id, vec![problem], pairs).await;
            }
        };
        let mut tx = self.db.begin().await?;
        let f = match going(tx.conn(), uuid).await? {
            Ok(f) => f,
            Err(r) => return Ok(Err(r)),
        };
        if !db::references::request(tx.conn(), uuid, wanted, cx.now).await? {
            return Ok(Err(Refusal::AlreadyRequested));
        }
        if let Some(to) = f.email.filter(|e| !e.is_empty()) {
            let portal = self
                .public_url
                .join("/portal/sign-in")
                .map_or_else(|_| String::new(), |u| u.to_string());
            let people =
                if wanted == 1 { "one referee".to_owned() } else { format!("{wanted} referees") };
            let message = NewMessage {
                id: Uuid::new_v4(),
                purpose: "candidate.references_requested",
                to,
                subject: format!("Your referees for {}", f.vacancy_title),
                body: format!(
                    "{org} would like to take up references for your application for {title}.\n\n\
                     Please give the details of {people} on your applicant page, and agree to each \
                     being contacted. We will not contact anyone until you have named them.\n\n\
                     Sign in with your email address here (we will send you a link): {portal}\n\n\
                     {org}",
                    org = self.organisation,
                    title = f.vacancy_title,
                ),
                staff: None,
                application: Some(uuid),
            };
            self.outbox.store(tx.conn(), &message, cx.now).await?;
        }
        db::audit::append(tx.conn(), &audit(cx, "references.request", uuid, f.vacancy)).await?;
        db::staff_forms::forget(tx.conn(), cx.by, &crate::selection::form_key(id)).await?;
        tx.commit().await?;
        self.outbox.wake();
        Ok(Ok(()))
    }

    /// HR sends a request to every referee the applicant has named and who has not had one:
    /// each gets an email with a link of their own. Returns how many were sent.
    ///
    /// # Errors
    /// Database failure.
    pub async fn send_requests(&self, cx: &Context, id: ApplicationId) -> Answer<usize> {
        let uuid = id.as_uuid();
        let mut tx = self.db.begin().await?;
        let f = match going(tx.conn(), uuid).await? {
            Ok(f) => f,
            Err(r) => return Ok(Err(r)),
        };
        let unsent = db::references::askable(tx.conn(), uuid, cx.now).await?;
        if unsent.is_empty() {
            return Ok(Err(Refusal::NoRefereesToAsk));
        }
        let expires_at = cx.now + TimeDelta::days(LINK_DAYS);
        let mut sent = 0;
        for to in unsent {
            let token = Token::generate();
            if db::references::mark_sent(tx.conn(), to.id, &token.digest(), cx.now, expires_at)
                .await?
            {
                let message = self.message(&to, &token, expires_at, false);
                self.outbox.store(tx.conn(), &message, cx.now).await?;
                sent += 1;
            }
        }
        db::audit::append(tx.conn(), &audit(cx, "references.send", uuid, f.vacancy)).await?;
        tx.commit().await?;
        self.outbox.wake();
        Ok(Ok(sent))
    }

    /// Sends the one reminder, with a fresh link (the first still works), to each referee who
    /// was asked at least the configured days before `now`, has not answered, and whose link
    /// still works, on an application still going. Returns how many were sent. Safe to run on
    /// several instances at once: a referee is reminded by whichever marks them first.
    ///
    /// # Errors
    /// Database failure.
    pub async fn send_reminders(&self, now: DateTime<Utc>) -> Result<usize, DbError> {
        let cutoff = now - TimeDelta::days(i64::from(self.reminder_days));
        let due = {
            let mut conn = self.db.acquire().await?;
            db::references::due_reminders(conn.conn(), cutoff, now, 500).await?
        };
        let mut sent = 0;
        for to in due {
            let token = Token::generate();
            let mut tx = self.db.begin().await?;
            if db::references::mark_reminded(tx.conn(), to.id, &token.digest(), now).await? {
                let expires_at = to.request_expires_at.unwrap_or(now);
                let message = self.message(&to, &token, expires_at, true);
                self.outbox.store(tx.conn(), &message, now).await?;
                db::audit::append(
                    tx.conn(),
                    &db::audit::AuditEntry::unattended(now, "references.remind", to.application_id),
                )
                .await?;
                tx.commit().await?;
                sent += 1;
            }
        }
        if sent > 0 {
            self.outbox.wake();
        }
        Ok(sent)
    }

    /// Runs [`Self::send_reminders`] every minute until `shutdown` completes.
    pub async fn run_reminders(
        self,
        clock: std::sync::Arc<dyn app::ports::Clock>,
        shutdown: impl std::future::Future<Output = ()>,
    ) {
        let minute = std::time::Duration::from_secs(60);
        crate::jobs::every("reference reminders", minute, shutdown, || async {
            self.send_reminders(clock.now()).await.map(|_| ())
        })
        .await;
    }

    /// The request (or its reminder) to one referee.
    fn message(
        &self,
        to: &db::references::Addressee,
        token: &Token,
        expires_at: DateTime<Utc>,
        reminder: bool,
    ) -> NewMessage {
        let link = self
            .public_url
            .join(&format!("/reference/{}", token.expose()))
            .map_or_else(|_| String::new(), |u| u.to_string());
        let applicant = to
            .preferred_name
            .clone()
            .filter(|n| !n.is_empty())
            .or_else(|| to.full_name.clone())
            .unwrap_or_else(|| "an applicant".to_owned());
        let (purpose, subject, opening) = if reminder {
            (
                "reference.reminder",
                format!("Reminder: reference request from {}", self.organisation),
                "This is a reminder: we have not yet had your answer.\n\n",
            )
        } else {
            ("reference.request", format!("Reference request from {}", self.organisation), "")
        };
        NewMessage {
            id: Uuid::new_v4(),
            purpose,
            to: to.email.clone(),
            subject,
            body: format!(
                "Dear {name},\n\n{opening}{applicant} has applied for {title} at {org} and named \
                 you as a referee. They agreed that we may contact you.\n\n\
                 Please give your reference, or tell us that you cannot, using this link. It is \
                 for you alone, works once, and ends on {until}:\n\n{link}\n\n\
                 What you write is shared with the people making the hiring decision and deleted \
                 with the application.\n\n{org}",
                name = to.name,
                title = to.vacancy_title,
                org = self.organisation,
                until = time::format_uk_date(expires_at),
            ),
            staff: None,
            application: Some(to.application_id),
        }
    }

    /// The live request a link leads to, or why it cannot be answered.
    async fn open(
        &self,
        conn: db::Conn<'_>,
        secret: &str,
        now: DateTime<Utc>,
    ) -> Result<Result<db::references::Linked, RequestPage>, AppError> {
        let digest = digest_of(secret).ok_or(AppError::NotFound)?;
        let linked = db::references::by_link(conn, &digest)
            .await
            .map_err(AppError::internal)?
            .ok_or(AppError::NotFound)?;
        let organisation = self.organisation.clone();
        if let Some(declined) = linked.declined {
            return Ok(Err(RequestPage::Answered { organisation, declined }));
        }
        let ended = linked.status != "submitted"
            || linked.outcome.as_deref().is_some_and(|o| o != "hired")
            || linked.restricted;
        if ended {
            return Ok(Err(RequestPage::NotNeeded { organisation }));
        }
        if linked.request_expires_at.is_none_or(|until| until <= now) {
            return Ok(Err(RequestPage::Expired { organisation }));
        }
        Ok(Ok(linked))
    }

    /// Stores an answer from the holder of `secret`, once.
    async fn answer(
        &self,
        secret: &str,
        now: DateTime<Utc>,
        answer: impl FnOnce() -> Result<AnswerOf, Vec<FieldError>>,
        kept: Option<String>,
    ) -> Result<(), AppError> {
        let mut tx = self.db.begin().await.map_err(AppError::internal)?;
        let linked = match self.open(tx.conn(), secret, now).await? {
            Ok(linked) => linked,
            Err(page) => return Err(AppError::field("form", refused_words(&page))),
        };
        let answer = match answer() {
            Ok(a) => a,
            Err(problems) => {
                // Kept so the page shows it again without JavaScript; it goes with the referee.
                if let Some(fields) = kept {
                    db::references::keep_draft(tx.conn(), linked.referee_id, &fields, now)
                        .await
                        .map_err(AppError::internal)?;
                    tx.commit().await.map_err(AppError::internal)?;
                }
                return Err(AppError::Validation(problems));
            }
        };
        let stored = match &answer {
            AnswerOf::Given(r) => db::references::Answer::Given(r),
            AnswerOf::Declined(reason) => db::references::Answer::Declined(reason.as_deref()),
        };
        if !db::references::answer(tx.conn(), linked.referee_id, &stored, now)
            .await
            .map_err(AppError::internal)?
        {
            // Two submissions raced: the other one won.
            return Err(AppError::field("form", USED_MESSAGE));
        }
        let action = match answer {
            AnswerOf::Given(_) => "reference.give",
            AnswerOf::Declined(_) => "reference.decline",
        };
        let entry = db::audit::AuditEntry {
            vacancy: Some(VacancyId::from_uuid(linked.vacancy_id)),
            ..db::audit::AuditEntry::unattended(now, action, linked.application_id)
        };
        db::audit::append(tx.conn(), &entry).await.map_err(AppError::internal)?;
        tx.commit().await.map_err(AppError::internal)
    }
}

/// The facts of an application whose references may be asked for now (at the offer, not
/// restricted, not ended, not yet hired), or why not.
async fn going(conn: db::Conn<'_>, id: Uuid) -> Answer<crate::checks::Facts> {
    let Some(f) = facts(conn, id).await? else { return Ok(Err(Refusal::NotFound)) };
    if let Some(r) = f.refusal() {
        return Ok(Err(r));
    }
    if f.hired {
        return Ok(Err(Refusal::Ended));
    }
    Ok(Ok(f))
}

/// A validated answer.
enum AnswerOf {
    Given(app::domain::references::request::NewReference),
    Declined(Option<String>),
}

/// What a form post on a link that cannot be answered is told.
fn refused_words(page: &RequestPage) -> &'static str {
    match page {
        RequestPage::Answered { .. } => USED_MESSAGE,
        RequestPage::Expired { .. } => EXPIRED_MESSAGE,
        RequestPage::NotNeeded { .. } | RequestPage::Open(_) => NOT_NEEDED_MESSAGE,
    }
}

#[async_trait]
impl app::ports::RefereeRequests for StoreReferences {
    async fn page(&self, secret: &str, now: DateTime<Utc>) -> Result<RequestPage, AppError> {
        let mut conn = self.db.acquire().await.map_err(AppError::internal)?;
        let linked = match self.open(conn.conn(), secret, now).await? {
            Ok(linked) => linked,
            Err(page) => return Ok(page),
        };
        let kept = linked
            .draft
            .as_deref()
            .and_then(|json| serde_json::from_str::<ReferenceInput>(json).ok())
            .unwrap_or_default();
        let applicant_name = linked
            .preferred_name
            .filter(|n| !n.is_empty())
            .or(linked.full_name)
            .unwrap_or_default();
        Ok(RequestPage::Open(Box::new(OpenRequest {
            organisation: self.organisation.clone(),
            referee_name: linked.referee_name,
            applicant_name,
            vacancy_title: linked.vacancy_title,
            expires_at: linked.request_expires_at.unwrap_or(now),
            kept,
        })))
    }

    async fn give(
        &self,
        secret: &str,
        input: ReferenceInput,
        now: DateTime<Utc>,
    ) -> Result<(), AppError> {
        let today = time::to_uk(now).0.date();
        // Bounded by the form's own limits (the request body is capped too); kept only when
        // it has problems.
        let kept = serde_json::to_string(&input).ok().filter(|j| j.chars().count() <= 40_000);
        self.answer(secret, now, || input.validate(today).map(AnswerOf::Given), kept).await
    }

    async fn decline(
        &self,
        secret: &str,
        reason: &str,
        now: DateTime<Utc>,
    ) -> Result<(), AppError> {
        self.answer(secret, now, || decline_reason(reason).map(AnswerOf::Declined), None).await
    }
}

/// The rows the portal shows (who was named, never where their reference stands).
pub(crate) fn rows(referees: Vec<db::references::RefereeRow>) -> Vec<RefereeRow> {
    referees.into_iter().map(|r| row(&r)).collect()
}

fn row(r: &db::references::RefereeRow) -> RefereeRow {
    RefereeRow {
        name: r.name.clone(),
        email: r.email.clone(),
        relationship: r.relationship.clone(),
        organisation: r.organisation.clone(),
        added: time::format_uk_datetime(r.added_at),
    }
}

/// A referee's answer as staff read it.
fn answer_view(r: &db::references::RefereeRow) -> Option<ReferenceView> {
    let at = time::format_uk_datetime(r.submitted_at?);
    if r.declined? {
        return Some(ReferenceView::Declined { at, reason: r.decline_reason.clone() });
    }
    Some(ReferenceView::Given {
        at,
        referee_role: r.referee_role.clone(),
        capacity: r.capacity.clone().unwrap_or_default(),
        worked: worked_words(r.worked_from.as_deref().unwrap_or_default(), r.worked_to.as_deref()),
        applicant_role: r.applicant_role.clone().unwrap_or_default(),
        reemploy: r
            .reemploy
            .as_deref()
            .and_then(Reemploy::from_code)
            .map_or("Not answered", Reemploy::words)
            .to_owned(),
        concerns: match (r.concerns_known, &r.concerns) {
            (Some(true), Some(what)) => format!("Yes: {what}"),
            (Some(true), None) => "Yes".to_owned(),
            _ => "None known".to_owned(),
        },
        statement: r.statement.clone().unwrap_or_default(),
    })
}

/// What the candidate page shows a viewer allowed to see references at the candidate's stage
/// (the caller decides that); `can_request` for HR. Answers are shown only from the offer
/// stage on, whoever asks.
///
/// # Errors
/// Database failure.
pub async fn section(
    mut conn: db::Conn<'_>,
    c: &db::selection::Candidate,
    can_request: bool,
    now: DateTime<Utc>,
) -> Result<Option<ReferencesSection>, db::DbError> {
    let (f, id) = (crate::checks::Facts::of(c)?, c.id);
    let requested = db::references::requested(conn.reborrow(), id).await?;
    if requested.is_none() && !(can_request && at_offer_stage(f.stage)) {
        return Ok(None);
    }
    let stored = db::references::referees(conn, id).await?;
    let live = f.refusal().is_none() && !f.hired;
    let facts = |r: &db::references::RefereeRow| RequestFacts {
        requested_at: r.requested_at,
        expires_at: r.request_expires_at,
        reminded_at: r.reminded_at,
        answered: r.submitted_at.zip(r.declined),
    };
    let can_send = if can_request && live {
        stored.iter().filter(|r| facts(r).askable(now)).count()
    } else {
        0
    };
    let referees = stored
        .iter()
        .map(|r| StaffReferee {
            referee: row(r),
            status: facts(r).words(now),
            answer: if at_offer_stage(f.stage) { answer_view(r) } else { None },
        })
        .collect();
    Ok(Some(ReferencesSection {
        requested: requested.map(|(at, wanted)| (time::format_uk_datetime(at), wanted)),
        referees,
        can_request: can_request && requested.is_none() && live,
        can_send,
    }))
}
