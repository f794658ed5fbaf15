//! Vacancy management, the use cases behind HR's vacancy pages: create and edit (advert, tags,
//! pipeline, person specification, screening questions, hiring manager and panel), publish,
//! close, and the alert that tells hiring managers applications have closed. Also the
//! read-side port the pages use ([`Vacancies`]).
//!
//! Callers authorise (`Action::ManageVacancies`) before calling a change; every change is
//! written to the audit log in the same transaction, with ids only. A rejected form is kept
//! (for its author only, for a day) so the editor can show it again with its messages.
//! Nothing here ever reads an application's contents: the alert and the list carry counts.

use crate::db::{
    self, Database, DbError,
    audit::{AuditEntry, Outcome},
    vacancies::Managed,
};
use crate::mail::{NewMessage, Outbox};
use crate::staff_admin::Context;
use app::domain::{
    StaffId, VacancyId,
    access::{VacancyRole, VacancyScope},
    time,
    vacancy_edit::{
        StaffVacancyRow, TeamChoice, VacancyEditor, VacancyInput, VacancyStatus, publish_problems,
    },
};
use app::error::{AppError, FieldError};
use async_trait::async_trait;
use chrono::{DateTime, Duration, Utc};
use uuid::Uuid;

/// Why a change to a vacancy did not happen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// No such vacancy.
    NotFound,
    /// The form had problems; it was kept to show again.
    Invalid,
    /// The vacancy is closed: nothing more changes.
    Closed,
    /// It cannot be published yet, for these reasons.
    NotReady(Vec<FieldError>),
    /// It is not in a state where this applies (publishing a published vacancy).
    WrongState,
}

/// A decision: done (`Ok(Ok)`), refused (`Ok(Err)`), or the database failed.
type Answer<T> = Result<Result<T, Refusal>, DbError>;

/// How long a rejected form is kept to show again.
const KEEP_REJECTED: Duration = Duration::days(1);

/// The form key under which the editor of `id` keeps rejected input.
fn form_key(id: Option<VacancyId>) -> String {
    id.map_or_else(|| "vacancy:new".to_owned(), |id| format!("vacancy:{id}"))
}

/// An audit entry for `action` by `cx.by` on a vacancy (ids only).
pub(crate) fn vacancy_entry(cx: &Context, action: &'static str, vacancy: VacancyId) -> AuditEntry {
    AuditEntry {
        at: cx.now,
        actor: Some(cx.by),
        action,
        object_type: Some("vacancy"),
        object_id: Some(vacancy.as_uuid()),
        vacancy: Some(vacancy),
        client_addr: Some(cx.client.clone()),
        outcome: Outcome::Ok,
    }
}

/// The vacancy use cases.
#[derive(Debug, Clone)]
pub struct VacancyAdmin {
    db: Database,
    outbox: Outbox,
    public_url: url::Url,
}

impl VacancyAdmin {
    /// Management over `db`, mailing through `outbox`; links point at `public_url`.
    #[must_use]
    pub const fn new(db: Database, outbox: Outbox, public_url: url::Url) -> Self {
        Self { db, outbox, public_url }
    }

    /// Saves the editor's form: creates a draft (`id` = `None`) or updates vacancy `id`. A
    /// published vacancy keeps its stages, criteria and screening questions whatever the form
    /// says; a closed one is not changed at all. On problems the input is kept for its author
    /// and nothing else changes.
    ///
    /// # Errors
    /// Database failure.
    pub async fn save(
        &self,
        cx: &Context,
        id: Option<VacancyId>,
        input: &VacancyInput,
    ) -> Answer<VacancyId> {
        let mut tx = self.db.begin().await?;
        let existing = match id {
            Some(id) => match db::vacancies::managed(tx.conn(), id).await? {
                None => return Ok(Err(Refusal::NotFound)),
                Some(m) if m.status == VacancyStatus::Closed => return Ok(Err(Refusal::Closed)),
                Some(m) => Some(m),
            },
            None => None,
        };
        let locked = existing.as_ref().is_some_and(|m| m.status != VacancyStatus::Draft);
        let team: Vec<StaffId> =
            db::vacancies::team_choices(tx.conn()).await?.into_iter().map(|(s, _)| s).collect();
        let key = form_key(id);
        let spec = match input.validate(cx.now, locked, &team) {
            Ok(spec) => spec,
            Err(_) => {
                let json = serde_json::to_string(input).unwrap_or_default();
                db::staff_forms::keep(tx.conn(), cx.by, &key, &json, cx.now).await?;
                tx.commit().await?;
                return Ok(Err(Refusal::Invalid));
            }
        };
        let vacancy = match id {
            Some(id) => {
                db::vacancies::update(tx.conn(), id, &spec, !locked, cx.now).await?;
                db::audit::append(tx.conn(), &vacancy_entry(cx, "vacancy.update", id)).await?;
                id
            }
            None => {
                let id = VacancyId::from_uuid(Uuid::new_v4());
                db::vacancies::create(tx.conn(), id, &spec, cx.now).await?;
                db::audit::append(tx.conn(), &vacancy_entry(cx, "vacancy.create", id)).await?;
                id
            }
        };
        let before: Vec<(StaffId, VacancyRole)> =
            existing.map(|m| m.spec.roles).unwrap_or_default();
        if before != spec.roles {
            db::vacancies::set_roles(tx.conn(), vacancy, &spec.roles).await?;
            for (staff, role) in &spec.roles {
                if !before.contains(&(*staff, *role)) {
                    db::audit::append(tx.conn(), &staff_entry(cx, "staff.assign", *staff, vacancy))
                        .await?;
                }
            }
            for (staff, _) in &before {
                if !spec.roles.iter().any(|(s, _)| s == staff) {
                    db::audit::append(
                        tx.conn(),
                        &staff_entry(cx, "staff.unassign", *staff, vacancy),
                    )
                    .await?;
                }
            }
        }
        db::staff_forms::forget(tx.conn(), cx.by, &key).await?;
        tx.commit().await?;
        Ok(Ok(vacancy))
    }

    /// Publishes a draft that is ready: closing time ahead, a person specification and a
    /// hiring manager.
    ///
    /// # Errors
    /// Database failure.
    pub async fn publish(&self, cx: &Context, id: VacancyId) -> Answer<()> {
        let mut tx = self.db.begin().await?;
        let Some(m) = db::vacancies::managed(tx.conn(), id).await? else {
            return Ok(Err(Refusal::NotFound));
        };
        if m.status != VacancyStatus::Draft {
            return Ok(Err(Refusal::WrongState));
        }
        let problems = publish_problems(&m.spec, cx.now);
        if !problems.is_empty() {
            return Ok(Err(Refusal::NotReady(problems)));
        }
        if !db::vacancies::transition(
            tx.conn(),
            id,
            VacancyStatus::Draft,
            VacancyStatus::Published,
            cx.now,
        )
        .await?
        {
            return Ok(Err(Refusal::WrongState));
        }
        db::audit::append(tx.conn(), &vacancy_entry(cx, "vacancy.publish", id)).await?;
        tx.commit().await?;
        Ok(Ok(()))
    }

    /// Closes a published vacancy now (before or after its closing time); its hiring
    /// managers are told in the same transaction. Closing a closed vacancy changes nothing.
    ///
    /// # Errors
    /// Database failure.
    pub async fn close(&self, cx: &Context, id: VacancyId) -> Answer<()> {
        let mut tx = self.db.begin().await?;
        let Some(m) = db::vacancies::managed(tx.conn(), id).await? else {
            return Ok(Err(Refusal::NotFound));
        };
        match m.status {
            VacancyStatus::Closed => return Ok(Ok(())),
            VacancyStatus::Draft => return Ok(Err(Refusal::WrongState)),
            VacancyStatus::Published => {}
        }
        db::vacancies::transition(
            tx.conn(),
            id,
            VacancyStatus::Published,
            VacancyStatus::Closed,
            cx.now,
        )
        .await?;
        db::audit::append(tx.conn(), &vacancy_entry(cx, "vacancy.close", id)).await?;
        if let Some(v) = db::vacancies::unannounced(tx.conn(), id, cx.now).await? {
            self.announce(&mut tx, &v, cx.now).await?;
        }
        tx.commit().await?;
        self.outbox.wake();
        Ok(Ok(()))
    }

    /// Whether a vacancy with this id exists.
    ///
    /// # Errors
    /// Database failure.
    pub async fn exists(&self, id: VacancyId) -> Result<bool, DbError> {
        let mut conn = self.db.acquire().await?;
        let row: Option<(uuid::Uuid,)> = crate::on_conn!(conn.conn(), c => sqlx::query_as(
            "SELECT id FROM vacancies WHERE id = $1").bind(id.as_uuid()).fetch_optional(&mut *c).await)?;
        Ok(row.is_some())
    }

    /// Tells the hiring managers of every vacancy whose applications have closed (by HR or
    /// by its closing time) and who have not been told yet. Returns how many vacancies were
    /// announced. Safe to run on several instances at once: each vacancy is announced once.
    ///
    /// # Errors
    /// Database failure.
    pub async fn announce_closed(&self, now: DateTime<Utc>) -> Result<usize, DbError> {
        let mut done = 0;
        loop {
            let mut tx = self.db.begin().await?;
            let due = db::vacancies::closed_unannounced(tx.conn(), now, 50).await?;
            if due.is_empty() {
                return Ok(done);
            }
            for v in &due {
                if self.announce(&mut tx, v, now).await? {
                    done += 1;
                }
            }
            tx.commit().await?;
            self.outbox.wake();
        }
    }

    /// Queues the closing alert for one vacancy and marks it sent; false if another instance
    /// already did.
    async fn announce(
        &self,
        tx: &mut db::Tx,
        v: &db::vacancies::ClosedUnannounced,
        now: DateTime<Utc>,
    ) -> Result<bool, DbError> {
        if !db::vacancies::mark_announced(tx.conn(), v.id, now).await? {
            return Ok(false);
        }
        let link = self
            .public_url
            .join(&format!("staff/vacancies/{}", v.id))
            .map_or_else(|_| String::new(), |u| u.to_string());
        let sent = v.applications - v.withdrawn;
        let count = match sent {
            1 => "1 application".to_owned(),
            n => format!("{n} applications"),
        };
        let withdrawn = match v.withdrawn {
            0 => String::new(),
            1 => " (1 more was withdrawn by the applicant)".to_owned(),
            n => format!(" ({n} more were withdrawn by their applicants)"),
        };
        for to in db::vacancies::hiring_manager_emails(tx.conn(), v.id).await? {
            // The subject names the vacancy and nobody else: it shows in notification
            // previews and mail logs.
            let message = NewMessage {
                id: Uuid::new_v4(),
                purpose: "vacancy.closed",
                to,
                subject: format!("Applications have closed: {}", v.title),
                body: format!(
                    "Applications for {title} closed on {when}.\n\n\
                     You have {count} to consider{withdrawn}.\n\n\
                     Sign in to Shortlist to start the sift:\n\n{link}\n",
                    title = v.title,
                    when = time::format_uk_datetime(now),
                ),
                staff: None,
                application: None,
            };
            self.outbox.store(tx.conn(), &message, now).await?;
        }
        Ok(true)
    }

    /// Runs [`Self::announce_closed`] every minute until `shutdown` completes.
    pub async fn run_alerts(
        self,
        clock: std::sync::Arc<dyn app::ports::Clock>,
        shutdown: impl std::future::Future<Output = ()>,
    ) {
        let minute = std::time::Duration::from_secs(60);
        crate::jobs::every("closing alerts", minute, shutdown, || async {
            self.announce_closed(clock.now()).await.map(|_| ())
        })
        .await;
    }
}

fn staff_entry(cx: &Context, action: &'static str, staff: StaffId, v: VacancyId) -> AuditEntry {
    AuditEntry {
        at: cx.now,
        actor: Some(cx.by),
        action,
        object_type: Some("staff"),
        object_id: Some(staff.as_uuid()),
        vacancy: Some(v),
        client_addr: Some(cx.client.clone()),
        outcome: Outcome::Ok,
    }
}

#[async_trait]
impl app::ports::Vacancies for VacancyAdmin {
    async fn list(
        &self,
        scope: &VacancyScope,
        now: DateTime<Utc>,
    ) -> Result<Vec<StaffVacancyRow>, AppError> {
        let mut conn = self.db.acquire().await.map_err(AppError::internal)?;
        let rows = db::vacancies::list(conn.conn()).await.map_err(AppError::internal)?;
        Ok(rows
            .into_iter()
            .map(|r| (VacancyId::from_uuid(r.id), r))
            .filter(|(id, _)| match scope {
                VacancyScope::All => true,
                VacancyScope::Nothing => false,
                VacancyScope::Assigned(ids) => ids.contains(id),
            })
            .map(|(id, r)| StaffVacancyRow {
                id,
                title: r.title,
                team: r.team,
                status: VacancyStatus::from_code(&r.status)
                    .map_or("Unknown", |s| s.words(r.closes_at, now))
                    .to_owned(),
                closes: time::format_uk_datetime(r.closes_at),
                applications: r.applications,
            })
            .collect())
    }

    async fn editor(
        &self,
        viewer: StaffId,
        id: Option<VacancyId>,
        rejected: bool,
        now: DateTime<Utc>,
    ) -> Result<VacancyEditor, AppError> {
        let mut conn = self.db.acquire().await.map_err(AppError::internal)?;
        let managed: Option<Managed> = match id {
            Some(id) => Some(
                db::vacancies::managed(conn.conn(), id)
                    .await
                    .map_err(AppError::internal)?
                    .ok_or(AppError::NotFound)?,
            ),
            None => None,
        };
        let team = db::vacancies::team_choices(conn.conn()).await.map_err(AppError::internal)?;
        let status = managed.as_ref().map_or(VacancyStatus::Draft, |m| m.status);
        let locked = status != VacancyStatus::Draft;
        let ids: Vec<StaffId> = team.iter().map(|(s, _)| *s).collect();
        let kept = if rejected {
            db::staff_forms::kept(conn.conn(), viewer, &form_key(id), now - KEEP_REJECTED)
                .await
                .map_err(AppError::internal)?
                .and_then(|json| serde_json::from_str::<VacancyInput>(&json).ok())
        } else {
            None
        };
        let (input, problems) = match kept {
            Some(input) => {
                let problems = input.validate(now, locked, &ids).err().unwrap_or_default();
                (input, problems)
            }
            None => (
                managed
                    .as_ref()
                    .map_or_else(VacancyInput::new_vacancy, |m| VacancyInput::from_spec(&m.spec)),
                Vec::new(),
            ),
        };
        let applications = match id {
            Some(id) => db::vacancies::applications_sent(conn.conn(), id)
                .await
                .map_err(AppError::internal)?,
            None => 0,
        };
        Ok(VacancyEditor {
            id,
            status,
            status_words: managed
                .as_ref()
                .map_or("Draft", |m| m.status.words(m.spec.closes_at, now))
                .to_owned(),
            publish_problems: match &managed {
                Some(m) if m.status == VacancyStatus::Draft => publish_problems(&m.spec, now),
                _ => Vec::new(),
            },
            stages: managed.as_ref().map(|m| m.spec.stages.clone()).unwrap_or_default(),
            input,
            problems,
            team: team.into_iter().map(|(id, name)| TeamChoice { id, name }).collect(),
            locked,
            applications,
        })
    }
}
