//! Staff account management, the use cases behind the user-management pages: invite (an
//! account, a single-use set-password link and the invitation email, in one transaction),
//! change organisation roles and vacancy assignments, resend an invitation, reset a lost
//! second factor, deactivate, and the organisation's two-factor requirement. Also the
//! read-side ports the pages use ([`StoreStaffDirectory`], [`StoreTwoFactor`]).
//!
//! Callers authorise (`Action::ManageStaff` / `ManageSettings`) before calling; every change is
//! written to the audit log in the same transaction, with ids only (no names or emails).
//! An administrator cannot deactivate or change the role of their own account, so an
//! organisation cannot lock itself out by accident.

use crate::auth::{links, second_factor::SecondFactors, sessions, token::Token};
use crate::db::{
    self, Database, DbError,
    audit::{AuditEntry, Outcome},
    staff::StaffRecord,
};
use crate::mail::{NewMessage, Outbox};
use app::domain::{
    StaffId, VacancyId,
    access::{OrgRole, VacancyRole},
    staff::{
        AccountDetail, AccountStatus, AccountSummary, AccountsPage, Assignment, Invitation,
        TwoFactorPage,
    },
};
use app::error::AppError;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use uuid::Uuid;

/// Why a management request changed nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// No such account (or vacancy).
    NotFound,
    /// The email address already has an account.
    EmailTaken,
    /// Administrators may not demote or deactivate themselves.
    OwnAccount,
    /// The account is deactivated.
    Deactivated,
    /// The invitee has already set a password.
    AlreadyActive,
    /// No such vacancy open to assignment.
    UnknownVacancy,
}

impl Refusal {
    /// The code the page turns into a message.
    #[must_use]
    pub const fn code(self) -> &'static str {
        match self {
            Self::NotFound => "not-found",
            Self::EmailTaken => "email-taken",
            Self::OwnAccount => "own-account",
            Self::Deactivated => "deactivated",
            Self::AlreadyActive => "already-active",
            Self::UnknownVacancy => "vacancy",
        }
    }
}

/// Who is acting and from where, for the audit log.
#[derive(Debug, Clone)]
pub struct Context {
    /// The administrator.
    pub by: StaffId,
    /// Their client address.
    pub client: String,
    /// Now.
    pub now: DateTime<Utc>,
}

impl Context {
    fn entry(
        &self,
        action: &'static str,
        staff: Option<StaffId>,
        vacancy: Option<VacancyId>,
    ) -> AuditEntry {
        AuditEntry {
            at: self.now,
            actor: Some(self.by),
            action,
            object_type: staff.map(|_| "staff"),
            object_id: staff.map(|s| s.as_uuid()),
            vacancy,
            client_addr: Some(self.client.clone()),
            outcome: Outcome::Ok,
        }
    }
}

/// The account-management use cases.
#[derive(Debug, Clone)]
pub struct StaffAdmin {
    db: Database,
    outbox: Outbox,
    public_url: url::Url,
    organisation: String,
}

/// A decision: done (`Ok(Ok)`), refused with a reason (`Ok(Err)`), or the database failed.
type Answer<T> = Result<Result<T, Refusal>, DbError>;

impl StaffAdmin {
    /// Management over `db`, mailing through `outbox`; links point at `public_url`.
    #[must_use]
    pub const fn new(
        db: Database,
        outbox: Outbox,
        public_url: url::Url,
        organisation: String,
    ) -> Self {
        Self { db, outbox, public_url, organisation }
    }

    fn invitation_mail(&self, to: &str, name: &str, staff: StaffId, token: &Token) -> NewMessage {
        let link = self
            .public_url
            .join(&format!("staff/set-password/{}", token.expose()))
            .map_or_else(|_| String::new(), |u| u.to_string());
        NewMessage {
            id: Uuid::new_v4(),
            purpose: "staff.invitation",
            to: to.to_owned(),
            subject: format!("Your Shortlist account at {}", self.organisation),
            body: format!(
                "Hello {name},\n\n\
                 You have been given an account on Shortlist, the recruitment system of {org}.\n\n\
                 Choose your password here. The link works once, for 72 hours:\n\n{link}\n\n\
                 If you were not expecting this email, you can ignore it: nothing happens until \
                 the link is used.\n",
                org = self.organisation,
            ),
            staff: Some(staff.as_uuid()),
            application: None,
        }
    }

    /// Creates an account for `invitation` and mails its set-password link.
    ///
    /// # Errors
    /// Database failure.
    pub async fn invite(&self, cx: &Context, invitation: &Invitation) -> Answer<StaffId> {
        let id = StaffId::from_uuid(Uuid::new_v4());
        let record = StaffRecord {
            id,
            email: invitation.email.clone(),
            display_name: invitation.display_name.clone(),
            password_hash: None,
            org_role: invitation.org_role,
            created_at: cx.now,
            deactivated_at: None,
        };
        let mut tx = self.db.begin().await?;
        if !db::staff::insert(tx.conn(), &record).await? {
            return Ok(Err(Refusal::EmailTaken));
        }
        let token = links::issue_in(tx.conn(), id, cx.now).await?;
        let mail = self.invitation_mail(&record.email, &record.display_name, id, &token);
        self.outbox.store(tx.conn(), &mail, cx.now).await?;
        db::audit::append(tx.conn(), &cx.entry("staff.invite", Some(id), None)).await?;
        tx.commit().await?;
        self.outbox.wake();
        Ok(Ok(id))
    }

    /// Sends a new set-password link to an invitee who has not set a password yet.
    ///
    /// # Errors
    /// Database failure.
    pub async fn resend(&self, cx: &Context, id: StaffId) -> Answer<()> {
        let mut tx = self.db.begin().await?;
        let Some(account) = db::staff::by_id(tx.conn(), id).await? else {
            return Ok(Err(Refusal::NotFound));
        };
        if account.deactivated_at.is_some() {
            return Ok(Err(Refusal::Deactivated));
        }
        if account.password_hash.is_some() {
            return Ok(Err(Refusal::AlreadyActive));
        }
        let token = links::issue_in(tx.conn(), id, cx.now).await?;
        let mail = self.invitation_mail(&account.email, &account.display_name, id, &token);
        self.outbox.store(tx.conn(), &mail, cx.now).await?;
        db::audit::append(tx.conn(), &cx.entry("staff.resend_invitation", Some(id), None)).await?;
        tx.commit().await?;
        self.outbox.wake();
        Ok(Ok(()))
    }

    /// Changes an account's organisation role.
    ///
    /// # Errors
    /// Database failure.
    pub async fn set_role(&self, cx: &Context, id: StaffId, role: Option<OrgRole>) -> Answer<()> {
        if id == cx.by {
            return Ok(Err(Refusal::OwnAccount));
        }
        let mut tx = self.db.begin().await?;
        if let Err(r) = active(tx.conn(), id).await? {
            return Ok(Err(r));
        }
        db::staff::set_org_role(tx.conn(), id, role).await?;
        db::audit::append(tx.conn(), &cx.entry("staff.change_role", Some(id), None)).await?;
        tx.commit().await?;
        Ok(Ok(()))
    }

    /// Gives an account a role on a vacancy (replacing any role it had there).
    ///
    /// # Errors
    /// Database failure.
    pub async fn assign(
        &self,
        cx: &Context,
        id: StaffId,
        vacancy: VacancyId,
        role: VacancyRole,
    ) -> Answer<()> {
        let mut tx = self.db.begin().await?;
        if let Err(r) = active(tx.conn(), id).await? {
            return Ok(Err(r));
        }
        let assignable = db::vacancies::assignable(tx.conn()).await?;
        if !assignable.iter().any(|(v, _)| *v == vacancy) {
            return Ok(Err(Refusal::UnknownVacancy));
        }
        db::staff::assign(tx.conn(), id, vacancy, role).await?;
        db::audit::append(tx.conn(), &cx.entry("staff.assign", Some(id), Some(vacancy))).await?;
        tx.commit().await?;
        Ok(Ok(()))
    }

    /// Removes an account from a vacancy.
    ///
    /// # Errors
    /// Database failure.
    pub async fn unassign(&self, cx: &Context, id: StaffId, vacancy: VacancyId) -> Answer<()> {
        let mut tx = self.db.begin().await?;
        if db::staff::by_id(tx.conn(), id).await?.is_none() {
            return Ok(Err(Refusal::NotFound));
        }
        db::staff::unassign(tx.conn(), id, vacancy).await?;
        db::audit::append(tx.conn(), &cx.entry("staff.unassign", Some(id), Some(vacancy))).await?;
        tx.commit().await?;
        Ok(Ok(()))
    }

    /// Deactivates an account and ends its sessions at once.
    ///
    /// # Errors
    /// Database failure.
    pub async fn deactivate(&self, cx: &Context, id: StaffId) -> Answer<()> {
        if id == cx.by {
            return Ok(Err(Refusal::OwnAccount));
        }
        let mut tx = self.db.begin().await?;
        if !sessions::deactivate_in(tx.conn(), id, cx.now).await? {
            return Ok(Err(Refusal::NotFound));
        }
        db::audit::append(tx.conn(), &cx.entry("staff.deactivate", Some(id), None)).await?;
        tx.commit().await?;
        Ok(Ok(()))
    }

    /// Removes an account's second factor (a lost phone), ending its sessions: at their next
    /// sign-in they enrol again if the organisation requires it.
    ///
    /// # Errors
    /// Database failure.
    pub async fn reset_two_factor(&self, cx: &Context, id: StaffId) -> Answer<()> {
        let mut tx = self.db.begin().await?;
        if let Err(r) = active(tx.conn(), id).await? {
            return Ok(Err(r));
        }
        db::second_factor::reset(tx.conn(), id).await?;
        db::sessions::delete_all_for(tx.conn(), id).await?;
        db::audit::append(tx.conn(), &cx.entry("staff.reset_two_factor", Some(id), None)).await?;
        tx.commit().await?;
        Ok(Ok(()))
    }

    /// Sets whether every staff member must use a second factor.
    ///
    /// # Errors
    /// Database failure.
    pub async fn set_require_two_factor(
        &self,
        cx: &Context,
        required: bool,
    ) -> Result<(), DbError> {
        let mut tx = self.db.begin().await?;
        db::second_factor::set_require_totp(tx.conn(), required).await?;
        let action =
            if required { "settings.require_two_factor" } else { "settings.allow_one_factor" };
        db::audit::append(tx.conn(), &cx.entry(action, None, None)).await?;
        tx.commit().await
    }
}

impl StaffAdmin {
    /// Saves the organisation's privacy notice (`raw` empty: back to Shortlist's wording).
    /// Refused input is kept for its author to correct; nothing else changes. Returns whether
    /// it was saved.
    ///
    /// # Errors
    /// Database failure.
    pub async fn set_privacy_notice(&self, cx: &Context, raw: &str) -> Result<bool, DbError> {
        let mut tx = self.db.begin().await?;
        let saved = match app::domain::vacancy::check_privacy_notice(raw) {
            Ok(text) => {
                db::settings::set_privacy_notice(tx.conn(), text.as_deref()).await?;
                db::staff_forms::forget(tx.conn(), cx.by, PRIVACY_NOTICE_FORM).await?;
                db::audit::append(tx.conn(), &cx.entry("settings.privacy_notice", None, None))
                    .await?;
                true
            }
            Err(_) => {
                db::staff_forms::keep(tx.conn(), cx.by, PRIVACY_NOTICE_FORM, raw, cx.now).await?;
                false
            }
        };
        tx.commit().await?;
        Ok(saved)
    }
}

/// The staff form key of the rejection settings.
pub const REJECTIONS_FORM: &str = "rejections";

/// A refused rejection-settings form, kept for its author: what was typed and what was wrong.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct KeptRejections {
    /// The problem.
    pub problem: app::error::FieldError,
    /// The letter as typed (when the letter was refused).
    pub template: Option<String>,
    /// The reason as typed (when the reason was refused).
    pub reason: Option<String>,
}

impl StaffAdmin {
    async fn keep_rejections(
        &self,
        mut tx: db::Tx,
        cx: &Context,
        kept: &KeptRejections,
    ) -> Result<bool, DbError> {
        let json = serde_json::to_string(kept).unwrap_or_default();
        db::staff_forms::keep(tx.conn(), cx.by, REJECTIONS_FORM, &json, cx.now).await?;
        tx.commit().await?;
        Ok(false)
    }

    /// Saves the rejection letter (`raw` empty: Shortlist's). Returns whether it was saved;
    /// refused input is kept for its author.
    ///
    /// # Errors
    /// Database failure.
    pub async fn set_rejection_template(&self, cx: &Context, raw: &str) -> Result<bool, DbError> {
        let mut tx = self.db.begin().await?;
        match app::domain::selection::settings::check_template(raw) {
            Ok(text) => {
                db::settings::set_rejection_template(tx.conn(), text.as_deref()).await?;
                db::staff_forms::forget(tx.conn(), cx.by, REJECTIONS_FORM).await?;
                db::audit::append(tx.conn(), &cx.entry("settings.rejection_letter", None, None))
                    .await?;
                tx.commit().await?;
                Ok(true)
            }
            Err(problem) => {
                let kept = KeptRejections { problem, template: Some(raw.to_owned()), reason: None };
                self.keep_rejections(tx, cx, &kept).await
            }
        }
    }

    /// Adds a rejection reason. Returns whether it was added; refused input is kept.
    ///
    /// # Errors
    /// Database failure.
    pub async fn add_rejection_reason(&self, cx: &Context, raw: &str) -> Result<bool, DbError> {
        let mut tx = self.db.begin().await?;
        let in_use = db::selection::reasons(tx.conn()).await?;
        match app::domain::selection::settings::check_reason(raw, &in_use) {
            Ok((words, code)) => {
                db::settings::add_reason(tx.conn(), &code, &words).await?;
                db::staff_forms::forget(tx.conn(), cx.by, REJECTIONS_FORM).await?;
                db::audit::append(tx.conn(), &cx.entry("settings.rejection_reason", None, None))
                    .await?;
                tx.commit().await?;
                Ok(true)
            }
            Err(problem) => {
                let kept = KeptRejections { problem, template: None, reason: Some(raw.to_owned()) };
                self.keep_rejections(tx, cx, &kept).await
            }
        }
    }

    /// Retires a rejection reason (decisions that used it keep it). Returns whether one was
    /// in use under that code.
    ///
    /// # Errors
    /// Database failure.
    pub async fn retire_rejection_reason(&self, cx: &Context, code: &str) -> Result<bool, DbError> {
        let mut tx = self.db.begin().await?;
        let done = db::settings::retire_reason(tx.conn(), code, cx.now).await?;
        if done {
            db::audit::append(tx.conn(), &cx.entry("settings.rejection_reason", None, None))
                .await?;
        }
        tx.commit().await?;
        Ok(done)
    }
}

/// The staff form key of the privacy-notice settings.
pub const PRIVACY_NOTICE_FORM: &str = "privacy-notice";

async fn active(conn: db::Conn<'_>, id: StaffId) -> Result<Result<(), Refusal>, DbError> {
    Ok(match db::staff::by_id(conn, id).await? {
        None => Err(Refusal::NotFound),
        Some(a) if a.deactivated_at.is_some() => Err(Refusal::Deactivated),
        Some(_) => Ok(()),
    })
}

fn summary(record: StaffRecord, two_factor: bool, vacancies: i64) -> AccountSummary {
    let status = if record.deactivated_at.is_some() {
        AccountStatus::Deactivated
    } else if record.password_hash.is_none() {
        AccountStatus::Invited
    } else {
        AccountStatus::Active
    };
    AccountSummary {
        id: record.id,
        display_name: record.display_name,
        email: record.email,
        org_role: record.org_role,
        status,
        two_factor,
        vacancies: usize::try_from(vacancies).unwrap_or(0),
    }
}

/// [`app::ports::StaffDirectory`] over the database.
#[derive(Debug, Clone)]
pub struct StoreStaffDirectory {
    db: Database,
    second: SecondFactors,
}

impl StoreStaffDirectory {
    /// The directory over `db`.
    #[must_use]
    pub const fn new(db: Database, second: SecondFactors) -> Self {
        Self { db, second }
    }
}

#[async_trait]
impl app::ports::StaffDirectory for StoreStaffDirectory {
    async fn rejected_input(
        &self,
        viewer: StaffId,
        form: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<String>, AppError> {
        let mut conn = self.db.acquire().await.map_err(AppError::internal)?;
        db::staff_forms::kept(conn.conn(), viewer, form, now - chrono::Duration::days(1))
            .await
            .map_err(AppError::internal)
    }

    async fn accounts(&self) -> Result<AccountsPage, AppError> {
        let rows = {
            let mut conn = self.db.acquire().await.map_err(AppError::internal)?;
            db::staff::list(conn.conn()).await.map_err(AppError::internal)?
        };
        Ok(AccountsPage {
            accounts: rows.into_iter().map(|(r, t, v)| summary(r, t, v)).collect(),
            require_two_factor: self.second.required().await.map_err(AppError::internal)?,
        })
    }

    async fn account(
        &self,
        id: StaffId,
        viewer: StaffId,
    ) -> Result<Option<AccountDetail>, AppError> {
        let mut conn = self.db.acquire().await.map_err(AppError::internal)?;
        let Some(record) = db::staff::by_id(conn.conn(), id).await.map_err(AppError::internal)?
        else {
            return Ok(None);
        };
        let assignments =
            db::staff::assignments(conn.conn(), id).await.map_err(AppError::internal)?;
        let choices = db::vacancies::assignable(conn.conn()).await.map_err(AppError::internal)?;
        let two_factor =
            db::second_factor::secret(conn.conn(), id).await.map_err(AppError::internal)?.is_some();
        let count = i64::try_from(assignments.len()).unwrap_or(0);
        Ok(Some(AccountDetail {
            account: summary(record, two_factor, count),
            assignments: assignments
                .into_iter()
                .map(|(vacancy, title, role)| Assignment { vacancy, title, role })
                .collect(),
            vacancy_choices: choices,
            is_self: id == viewer,
        }))
    }
}

/// [`app::ports::TwoFactor`] over the database.
#[derive(Debug, Clone)]
pub struct StoreTwoFactor {
    db: Database,
    second: SecondFactors,
}

impl StoreTwoFactor {
    /// Second factors over `db`.
    #[must_use]
    pub const fn new(db: Database, second: SecondFactors) -> Self {
        Self { db, second }
    }
}

#[async_trait]
impl app::ports::TwoFactor for StoreTwoFactor {
    async fn page(&self, staff: StaffId, signing_in: bool) -> Result<TwoFactorPage, AppError> {
        let account = {
            let mut conn = self.db.acquire().await.map_err(AppError::internal)?;
            db::staff::by_id(conn.conn(), staff).await.map_err(AppError::internal)?
        };
        let Some(account) = account else { return Err(AppError::SignInRequired) };
        Ok(TwoFactorPage {
            state: self.second.state(staff, &account.email).await.map_err(AppError::internal)?,
            required: self.second.required().await.map_err(AppError::internal)?,
            signing_in,
        })
    }
}
