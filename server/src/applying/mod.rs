//! The application journey's use cases: the [`Applying`] port's adapter.
//!
//! A draft is reached only with its secret (a 256-bit token in the applicant's cookie and in
//! the emailed resume link; only its digest is stored). Each page is validated with the rules
//! in `app::domain::application` and saved in one transaction; invalid input is kept with the
//! draft so the page can show it again, and changes nothing else. Sending is one conditional
//! update that also checks the vacancy is still open, so a closing-time race or a double
//! submit can never make a second application or one after the deadline.
//!
//! Never logs names, addresses or answers; never returns monitoring answers except to the
//! draft's own holder.

mod view;

use crate::auth::token::{Token, digest_of};
use crate::db::{
    self, Database,
    applications::{self, ApplicationRow, Change},
};
use crate::documents::{Documents, sniff::DocKind};
use crate::mail::{NewMessage, Outbox};
use crate::monitoring::{self, Pseudonymiser};
use app::domain::application::{
    self as form, AboutYouInput, AdjustmentsInput, ApplicationView, EligibilityInput, PendingInput,
    Reference, SourceInput, Status, Step, UploadedFile,
};
use app::domain::{ApplicationId, VacancyId, time};
use app::error::{AppError, FieldError};
use app::ports::{Applying, PageInput, Upload};
use async_trait::async_trait;
use chrono::{DateTime, Months, Utc};
use futures::StreamExt as _;
use sha2::{Digest as _, Sha256};
use std::sync::Arc;
use uuid::Uuid;

/// Settings the journey needs.
#[derive(Debug, Clone)]
pub struct ApplyingSettings {
    /// Where links in emails point.
    pub public_url: url::Url,
    /// The employer's name.
    pub organisation: String,
    /// The largest upload accepted, in bytes.
    pub upload_limit: u64,
    /// How long a reserve-list consent lasts.
    pub reserve_list_months: u32,
}

/// The adapter over the database, document storage, the outbox and the monitoring store.
#[derive(Debug, Clone)]
pub struct StoreApplying {
    db: Database,
    documents: Documents,
    outbox: Outbox,
    pseudonyms: Arc<Pseudonymiser>,
    settings: Arc<ApplyingSettings>,
}

/// Records a reserve-list consent given at `now` through `method` (`form` or `portal`): the
/// version and SHA-256 of the exact wording shown, and the expiry from configuration. The form
/// and the portal share it so both record exactly the same thing. A live consent already
/// there is kept (giving twice is one consent).
///
/// # Errors
/// Database failure.
pub(crate) async fn give_reserve_list(
    conn: db::Conn<'_>,
    application: Uuid,
    organisation: &str,
    months: u32,
    method: &str,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let wording = form::reserve_list_wording(organisation, months);
    let digest: [u8; 32] = Sha256::digest(wording.as_bytes()).into();
    let expires_at = now
        .checked_add_months(Months::new(months))
        .ok_or_else(|| AppError::internal("consent expiry overflow"))?;
    let consent = applications::NewConsent {
        kind: "reserve_list",
        version: form::RESERVE_LIST_WORDING_VERSION,
        wording_sha256: &digest,
        method,
        expires_at,
    };
    applications::give_consent(conn, application, &consent, now).await.map_err(AppError::internal)
}

/// "This vacancy has closed": the same words wherever a closed vacancy stops the journey.
fn closed() -> AppError {
    AppError::field("closed", "This vacancy has closed. Your application has not been sent.")
}

impl StoreApplying {
    /// The adapter.
    #[must_use]
    pub fn new(
        db: Database,
        documents: Documents,
        outbox: Outbox,
        pseudonyms: Arc<Pseudonymiser>,
        settings: ApplyingSettings,
    ) -> Self {
        Self { db, documents, outbox, pseudonyms, settings: Arc::new(settings) }
    }

    fn wording(&self) -> String {
        form::reserve_list_wording(&self.settings.organisation, self.settings.reserve_list_months)
    }

    fn link(&self, path: &str) -> String {
        self.settings.public_url.join(path).map_or_else(|_| String::new(), |u| u.to_string())
    }

    /// The draft behind `id` and `secret` with its vacancy's facts, locked when `conn` is a
    /// transaction's; `NotFound` for a wrong secret or id alike.
    async fn load(
        conn: db::Conn<'_>,
        id: ApplicationId,
        secret: &str,
    ) -> Result<ApplicationRow, AppError> {
        let digest = digest_of(secret).ok_or(AppError::NotFound)?;
        applications::find(conn, id.as_uuid(), &digest)
            .await
            .map_err(AppError::internal)?
            .ok_or(AppError::NotFound)
    }

    /// A draft that may still be changed at `now`: still a draft, vacancy still open.
    async fn load_open(
        conn: db::Conn<'_>,
        id: ApplicationId,
        secret: &str,
        now: DateTime<Utc>,
    ) -> Result<ApplicationRow, AppError> {
        let row = Self::load(conn, id, secret).await?;
        if row.status != Status::Draft.code() {
            return Err(AppError::field(
                "sent",
                "This application has already been sent and cannot be changed.",
            ));
        }
        if !row.vacancy().open_at(now) {
            return Err(closed());
        }
        Ok(row)
    }

    async fn keep_pending(
        mut tx: db::Tx,
        id: ApplicationId,
        pending: PendingInput,
        problems: Vec<FieldError>,
        now: DateTime<Utc>,
    ) -> Result<Step, AppError> {
        let json = serde_json::to_string(&pending).map_err(AppError::internal)?;
        applications::set_pending(tx.conn(), id.as_uuid(), &json, now)
            .await
            .map_err(AppError::internal)?;
        tx.commit().await.map_err(AppError::internal)?;
        Err(AppError::Validation(problems))
    }

    fn resume_mail(&self, to: &str, title: &str, id: ApplicationId, secret: &str) -> NewMessage {
        let link = self.link(&format!("apply/resume/{secret}"));
        NewMessage {
            id: Uuid::new_v4(),
            purpose: "application.resume",
            to: to.to_owned(),
            subject: format!("Your draft application to {}", self.settings.organisation),
            body: format!(
                "Your application for {title} has been saved as a draft.\n\n\
                 To continue it on this or another device, use this link:\n\n{link}\n\n\
                 Keep it private: anyone with the link can see and change your draft.\n\
                 A draft you do not change for 30 days is deleted.\n"
            ),
            staff: None,
            application: Some(id.as_uuid()),
        }
    }

    fn receipt_mail(
        &self,
        to: &str,
        name: &str,
        title: &str,
        id: ApplicationId,
        reference: &Reference,
        portal_link: &str,
    ) -> NewMessage {
        NewMessage {
            id: Uuid::new_v4(),
            purpose: "application.receipt",
            to: to.to_owned(),
            subject: format!("Application received: {reference}"),
            body: format!(
                "Dear {name},\n\n\
                 Thank you for applying for {title} at {org}.\n\n\
                 Your reference is {reference}. Quote it if you contact us about your application.\n\n\
                 We will email you when there is news. Selectors never see your equal \
                 opportunities answers.\n\n\
                 To see your applications, withdraw one, correct your contact details or change \
                 whether we may keep your application for other jobs, use this link (it works for \
                 {days} days; you can ask for a new one on our careers pages):\n\n{portal_link}\n",
                days = app::domain::portal::LINK_DAYS,
                org = self.settings.organisation,
            ),
            staff: None,
            application: Some(id.as_uuid()),
        }
    }

    async fn save_page(
        &self,
        id: ApplicationId,
        secret: &str,
        input: PageInput,
        now: DateTime<Utc>,
    ) -> Result<Step, AppError> {
        let mut tx = self.db.begin().await.map_err(AppError::internal)?;
        let row = Self::load_open(tx.conn(), id, secret, now).await?;
        let app_id = id.as_uuid();
        let today = time::to_uk(now).0.date();
        // Only the first page can store a message (the resume link); the dispatcher is woken
        // for that alone, not for every page saved.
        let mut mail_stored = false;
        let next = match input {
            PageInput::AboutYou(raw) => match raw.validate() {
                Err(p) => {
                    return Self::keep_pending(tx, id, PendingInput::AboutYou(raw), p, now).await;
                }
                Ok(about) => {
                    applications::apply(tx.conn(), app_id, &Change::AboutYou(&about), now)
                        .await
                        .map_err(AppError::internal)?;
                    if row.resume_sent_to.as_deref() != Some(about.email.as_str()) {
                        let mail = self.resume_mail(&about.email, &row.vacancy_title, id, secret);
                        self.outbox
                            .store(tx.conn(), &mail, now)
                            .await
                            .map_err(AppError::internal)?;
                        applications::set_resume_sent(tx.conn(), app_id, &about.email)
                            .await
                            .map_err(AppError::internal)?;
                        mail_stored = true;
                    }
                    Step::Eligibility
                }
            },
            PageInput::Eligibility(raw) => {
                let questions = applications::screening_questions(tx.conn(), row.vacancy_id)
                    .await
                    .map_err(AppError::internal)?;
                match raw.validate(today, &questions) {
                    Err(p) => {
                        return Self::keep_pending(tx, id, PendingInput::Eligibility(raw), p, now)
                            .await;
                    }
                    Ok(e) => {
                        applications::apply(tx.conn(), app_id, &Change::Eligibility(&e), now)
                            .await
                            .map_err(AppError::internal)?;
                        applications::set_screening_answers(tx.conn(), app_id, &e.screening)
                            .await
                            .map_err(AppError::internal)?;
                        Step::Documents
                    }
                }
            }
            PageInput::Criteria(raw) => {
                let criteria = applications::criteria(tx.conn(), row.vacancy_id)
                    .await
                    .map_err(AppError::internal)?;
                match form::validate_answers(&criteria, &raw) {
                    Err(p) => {
                        return Self::keep_pending(tx, id, PendingInput::Criteria(raw), p, now)
                            .await;
                    }
                    Ok(answers) => {
                        let numbered: Vec<(i32, String)> =
                            criteria.iter().map(|c| c.position).zip(answers).collect();
                        applications::set_answers(tx.conn(), app_id, &numbered)
                            .await
                            .map_err(AppError::internal)?;
                        applications::apply(tx.conn(), app_id, &Change::Touch, now)
                            .await
                            .map_err(AppError::internal)?;
                        Step::Source
                    }
                }
            }
            PageInput::Source(raw) => match raw.validate() {
                Err(p) => {
                    return Self::keep_pending(tx, id, PendingInput::Source(raw), p, now).await;
                }
                Ok((code, other)) => {
                    applications::apply(
                        tx.conn(),
                        app_id,
                        &Change::Source(&code, other.as_deref()),
                        now,
                    )
                    .await
                    .map_err(AppError::internal)?;
                    Step::Adjustments
                }
            },
            PageInput::Adjustments(raw) => match raw.validate() {
                Err(p) => {
                    return Self::keep_pending(tx, id, PendingInput::Adjustments(raw), p, now)
                        .await;
                }
                Ok((needed, details)) => {
                    applications::apply(
                        tx.conn(),
                        app_id,
                        &Change::Adjustments(needed, details.as_deref()),
                        now,
                    )
                    .await
                    .map_err(AppError::internal)?;
                    Step::Consents
                }
            },
            PageInput::ReserveList(given) => {
                if given {
                    give_reserve_list(
                        tx.conn(),
                        app_id,
                        &self.settings.organisation,
                        self.settings.reserve_list_months,
                        "form",
                        now,
                    )
                    .await?;
                } else {
                    applications::withdraw_consent(tx.conn(), app_id, "reserve_list", "form", now)
                        .await
                        .map_err(AppError::internal)?;
                }
                applications::apply(tx.conn(), app_id, &Change::Touch, now)
                    .await
                    .map_err(AppError::internal)?;
                Step::Monitoring
            }
            PageInput::Monitoring(page) => {
                let pseudonym = self.pseudonyms.pseudonym(id);
                let current = monitoring::own_answers(tx.conn(), &pseudonym)
                    .await
                    .map_err(AppError::internal)?;
                let next = current.with_main_page(&page).map_err(AppError::Validation)?;
                monitoring::store(tx.conn(), &pseudonym, &next)
                    .await
                    .map_err(AppError::internal)?;
                applications::apply(tx.conn(), app_id, &Change::MonitoringDone, now)
                    .await
                    .map_err(AppError::internal)?;
                if next.asks_ethnicity() { Step::Ethnicity } else { Step::Check }
            }
            PageInput::MonitoringSkipped => {
                monitoring::delete(tx.conn(), &self.pseudonyms.pseudonym(id))
                    .await
                    .map_err(AppError::internal)?;
                applications::apply(tx.conn(), app_id, &Change::MonitoringDone, now)
                    .await
                    .map_err(AppError::internal)?;
                Step::Check
            }
            PageInput::Ethnicity(ethnicity, other) => {
                let pseudonym = self.pseudonyms.pseudonym(id);
                let current = monitoring::own_answers(tx.conn(), &pseudonym)
                    .await
                    .map_err(AppError::internal)?;
                let next = current
                    .with_ethnicity(ethnicity.as_deref(), other.as_deref())
                    .map_err(AppError::Validation)?;
                monitoring::store(tx.conn(), &pseudonym, &next)
                    .await
                    .map_err(AppError::internal)?;
                applications::apply(tx.conn(), app_id, &Change::Touch, now)
                    .await
                    .map_err(AppError::internal)?;
                Step::Check
            }
        };
        tx.commit().await.map_err(AppError::internal)?;
        if mail_stored {
            self.outbox.wake();
        }
        Ok(next)
    }
}

#[async_trait]
impl Applying for StoreApplying {
    async fn start(
        &self,
        vacancy: VacancyId,
        now: DateTime<Utc>,
    ) -> Result<(ApplicationId, String), AppError> {
        let mut tx = self.db.begin().await.map_err(AppError::internal)?;
        let facts = applications::vacancy(tx.conn(), vacancy.as_uuid())
            .await
            .map_err(AppError::internal)?;
        match facts {
            None => return Err(AppError::NotFound),
            Some(f) if f.status == "draft" => return Err(AppError::NotFound),
            Some(f) if !f.open_at(now) => return Err(closed()),
            Some(_) => {}
        }
        let id = ApplicationId::from_uuid(Uuid::new_v4());
        let token = Token::generate();
        applications::insert_draft(
            tx.conn(),
            id.as_uuid(),
            vacancy.as_uuid(),
            &token.digest(),
            now,
        )
        .await
        .map_err(AppError::internal)?;
        // The key its CV will be sealed with, made now so the upload only has to read it.
        self.documents.create_key(tx.conn(), id.as_uuid()).await.map_err(AppError::internal)?;
        tx.commit().await.map_err(AppError::internal)?;
        Ok((id, token.expose().to_owned()))
    }

    async fn view(
        &self,
        id: ApplicationId,
        secret: &str,
        now: DateTime<Utc>,
    ) -> Result<ApplicationView, AppError> {
        let mut tx = self.db.begin().await.map_err(AppError::internal)?;
        let row = Self::load(tx.conn(), id, secret).await?;
        let view = self.build_view(&mut tx, row, now).await?;
        tx.commit().await.map_err(AppError::internal)?;
        Ok(view)
    }

    async fn save(
        &self,
        id: ApplicationId,
        secret: &str,
        input: PageInput,
        now: DateTime<Utc>,
    ) -> Result<Step, AppError> {
        self.save_page(id, secret, input, now).await
    }

    async fn save_documents(
        &self,
        id: ApplicationId,
        secret: &str,
        statement: String,
        cv: Option<Upload>,
        now: DateTime<Utc>,
    ) -> Result<Step, AppError> {
        // Check the draft first, so nothing is uploaded for a wrong secret or a closed vacancy.
        // A plain read: the write below checks again once the file is in.
        let row = {
            let mut conn = self.db.acquire().await.map_err(AppError::internal)?;
            Self::load_open(conn.conn(), id, secret, now).await?
        };
        let mut problems = Vec::new();
        let mut stored = None;
        if let Some(upload) = cv {
            let name: String = upload.name.chars().filter(|c| !c.is_control()).take(255).collect();
            let name = name.rsplit(['/', '\\']).next().unwrap_or_default().trim().to_owned();
            let mut body = upload.body.peekable();
            let empty_field = std::pin::Pin::new(&mut body).peek().await.is_none();
            if !(name.is_empty() && empty_field) {
                match self
                    .documents
                    .put_checked(id.as_uuid(), body, self.settings.upload_limit)
                    .await
                    .map_err(AppError::internal)?
                {
                    Ok((doc, size, kind)) => {
                        stored = Some((
                            doc,
                            size,
                            kind,
                            if name.is_empty() { "cv".to_owned() } else { name },
                        ))
                    }
                    Err(refusal) => {
                        tracing::info!(refusal = refusal.code(), "upload refused");
                        problems
                            .push(FieldError { field: "cv".into(), message: refusal.message() });
                    }
                }
            }
        }
        let statement_result = form::validate_statement(&statement);
        if let Err(p) = &statement_result {
            problems.extend(p.iter().cloned());
        }
        let has_cv = stored.is_some() || {
            let mut conn = self.db.acquire().await.map_err(AppError::internal)?;
            applications::cv(conn.conn(), row.id).await.map_err(AppError::internal)?.is_some()
        };
        if !has_cv && !problems.iter().any(|p| p.field == "cv") {
            problems.insert(0, FieldError::new("cv", "Select your CV"));
        }
        let mut tx = self.db.begin().await.map_err(AppError::internal)?;
        // The draft may have been sent or closed while the file streamed in.
        if let Err(e) = Self::load_open(tx.conn(), id, secret, now).await {
            if let Some((doc, ..)) = stored {
                self.documents.delete(doc).await.map_err(AppError::internal)?;
            }
            return Err(e);
        }
        let mut old = None;
        if let Some((doc, size, kind, name)) = &stored {
            let record = applications::DocumentRow {
                id: doc.document,
                original_name: name.clone(),
                media_type: kind.media_type().to_owned(),
                size_bytes: i64::try_from(*size).map_err(AppError::internal)?,
            };
            old = applications::replace_cv(tx.conn(), row.id, &record, now)
                .await
                .map_err(AppError::internal)?;
        }
        if !problems.is_empty() {
            // A good file is kept even when the statement needs work; the statement as typed
            // is kept to show again.
            let json = serde_json::to_string(&PendingInput::Documents(statement))
                .map_err(AppError::internal)?;
            applications::set_pending(tx.conn(), row.id, &json, now)
                .await
                .map_err(AppError::internal)?;
            tx.commit().await.map_err(AppError::internal)?;
            self.delete_old(id, old).await;
            return Err(AppError::Validation(problems));
        }
        let text = statement_result.map_err(AppError::Validation)?;
        applications::apply(tx.conn(), row.id, &Change::Statement(&text), now)
            .await
            .map_err(AppError::internal)?;
        tx.commit().await.map_err(AppError::internal)?;
        self.delete_old(id, old).await;
        Ok(Step::Criteria)
    }

    async fn submit(
        &self,
        id: ApplicationId,
        secret: &str,
        declared: bool,
        now: DateTime<Utc>,
    ) -> Result<Reference, AppError> {
        let mut tx = self.db.begin().await.map_err(AppError::internal)?;
        let row = Self::load(tx.conn(), id, secret).await?;
        if row.status == Status::Submitted.code() {
            // A second press of "send", or a retried request: the same application, once.
            return row
                .reference
                .as_deref()
                .and_then(Reference::parse)
                .ok_or_else(|| AppError::internal("sent without reference"));
        }
        if row.status != Status::Draft.code() {
            return Err(AppError::NotFound);
        }
        let view = self.build_view(&mut tx, row.clone(), now).await?;
        if !view.open {
            return Err(closed());
        }
        let mut problems: Vec<FieldError> = Step::ALL
            .into_iter()
            .filter(|s| {
                view.applies(*s)
                    && !matches!(
                        s,
                        Step::Check | Step::Monitoring | Step::Ethnicity | Step::Consents
                    )
            })
            .filter(|s| !view.done.contains(s) || view.failed == Some(*s))
            .map(|s| FieldError {
                field: format!("section-{}", s.slug()),
                message: format!("Complete the section \u{201c}{}\u{201d}", s.title()),
            })
            .collect();
        if !declared {
            problems.push(FieldError::new(
                "declaration",
                "Confirm that the information you have given is true and complete",
            ));
        }
        if !problems.is_empty() {
            return Err(AppError::Validation(problems));
        }
        let reference =
            Reference::from_random(u64::from_le_bytes(crate::documents::random_bytes::<8>()));
        if !applications::submit(tx.conn(), row.id, reference.as_str(), now)
            .await
            .map_err(AppError::internal)?
        {
            // The vacancy closed in the instant between the check and the write.
            return Err(closed());
        }
        // The answers as the check-answers page showed them, counted in the same transaction.
        monitoring::count_sent(
            tx.conn(),
            &self.pseudonyms,
            id,
            &view.monitoring,
            (row.vacancy_id, now),
        )
        .await
        .map_err(AppError::internal)?;
        let email = row.email.clone().unwrap_or_default();
        let name = row.preferred_name.clone().or(row.full_name.clone()).unwrap_or_default();
        let portal_link =
            crate::portal::issue_link(tx.conn(), &self.settings.public_url, &email, now)
                .await
                .map_err(AppError::internal)?;
        let mail =
            self.receipt_mail(&email, &name, &view.vacancy_title, id, &reference, &portal_link);
        self.outbox.store(tx.conn(), &mail, now).await.map_err(AppError::internal)?;
        tx.commit().await.map_err(AppError::internal)?;
        self.outbox.wake();
        Ok(reference)
    }
}

impl StoreApplying {
    async fn delete_old(&self, id: ApplicationId, old: Option<Uuid>) {
        if let Some(old) = old {
            let doc = crate::documents::DocumentRef { application: id.as_uuid(), document: old };
            if let Err(e) = self.documents.delete(doc).await {
                // The row is gone; the object is unreadable once the key is destroyed at purge.
                tracing::warn!(error = %e, "could not delete a replaced CV");
            }
        }
    }

    /// The application id whose secret is `secret` (the resume link), if any.
    ///
    /// # Errors
    /// Database failure.
    pub async fn resume(&self, secret: &str) -> Result<Option<ApplicationId>, AppError> {
        let Some(digest) = digest_of(secret) else { return Ok(None) };
        let mut conn = self.db.acquire().await.map_err(AppError::internal)?;
        Ok(applications::id_by_token(conn.conn(), &digest)
            .await
            .map_err(AppError::internal)?
            .map(ApplicationId::from_uuid))
    }
}
