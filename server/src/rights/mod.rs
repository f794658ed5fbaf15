//! The rights-request register (PRODUCT §2.8): HR logs each request a person makes about their
//! data, the applicant portal logs the ones made there by itself, and each entry carries its
//! deadline (one month from receipt, `app::domain::rights::due_date`), any extension (up to two
//! more months, with a reason the person is told by email) and its outcome.
//!
//! [`StoreRights`] implements the `RightsRegister` port for the register's pages and the form
//! posts (`http/rights.rs`) for logging, extending and closing; every change is audited
//! (`rights.log`, `rights.extend`, `rights.close`). A refused form is kept server-side for its
//! author, like every staff form. This module never logs the person's address or what they
//! asked: the audit log holds the entry's id only.
//!
//! Logging a restriction or an objection restricts the person's applications at once, and
//! closing the last open one lifts it (`insert`, `lift_restriction`). Answering requests —
//! bundles, erasure, corrections, consent withdrawal — is in `answer`; the bundle and its
//! archive format in [`bundle`] and [`zip`].

mod answer;
pub mod bundle;
pub mod zip;

pub use answer::{Erased, PortalErasure};

use crate::db::{self, Database, DbError};
use crate::mail::{NewMessage, Outbox};
use crate::selection::{Kept, field};
use crate::staff_admin::Context;
use app::domain::{
    StaffId,
    rights::{
        RequestKind,
        register::{
            CloseInput, ExtendInput, HeldApplication, LogInput, NewRequest, RegisterPage,
            RegisterRow, RequestView, Show, Urgency, Verification, new_reference,
        },
    },
    selection::Standing,
    time,
};
use app::error::{AppError, FieldError};
use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

/// The most entries the register page lists.
const REGISTER_LIMIT: i64 = 1000;

/// The key a refused form on the register is kept under.
fn form_key(entry: Option<Uuid>) -> String {
    entry.map_or_else(|| "rights:new".to_owned(), |id| format!("rights:{id}"))
}

/// Why a change to an entry was not made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// No such entry.
    NotFound,
    /// The form had problems; it was kept for its author.
    Invalid,
    /// The entry is closed (or the extension is not longer than the one given).
    Closed,
    /// The entry is not of the kind the action answers (a bundle for an erasure request).
    WrongKind,
    /// The entry no longer names the person (their data was erased).
    NoAddress,
    /// No application made with the entry's address is held.
    NothingHeld,
}

/// Done (`Ok(Ok)`), refused (`Ok(Err)`), or the database failed.
pub type Answer<T> = Result<Result<T, Refusal>, DbError>;

/// The register over the database, telling people of extensions through the outbox.
#[derive(Debug, Clone)]
pub struct StoreRights {
    db: Database,
    outbox: Outbox,
    organisation: String,
    public_url: url::Url,
    bundler: bundle::Bundler,
    purger: crate::retention::Purger,
}

impl StoreRights {
    /// The register over `db`; bundles from `bundler`, erasure through `purger`, links in
    /// emails under `public_url`.
    #[must_use]
    pub const fn new(
        db: Database,
        outbox: Outbox,
        organisation: String,
        public_url: url::Url,
        bundler: bundle::Bundler,
        purger: crate::retention::Purger,
    ) -> Self {
        Self { db, outbox, organisation, public_url, bundler, purger }
    }

    /// The bundle as a stream of archive bytes (see [`bundle::Bundler::stream`]).
    pub fn stream(
        &self,
        bundle: bundle::Bundle,
    ) -> impl futures::Stream<Item = Result<bytes::Bytes, std::io::Error>> + Send + 'static {
        self.bundler.stream(bundle)
    }

    /// Logs a request from HR's form.
    ///
    /// # Errors
    /// Database failure.
    pub async fn log(&self, cx: &Context, pairs: &[(String, String)]) -> Answer<Uuid> {
        let input = LogInput {
            kind: field(pairs, "kind"),
            received_day: field(pairs, "received_day"),
            received_month: field(pairs, "received_month"),
            received_year: field(pairs, "received_year"),
            verified: field(pairs, "verified"),
            verification_note: field(pairs, "verification_note"),
            email: field(pairs, "email"),
            details: field(pairs, "details"),
        };
        let mut tx = self.db.begin().await?;
        let new = match input.validate(time::uk_date(cx.now)) {
            Ok(new) => new,
            Err(problems) => return Self::refuse(tx, cx, None, problems, pairs).await,
        };
        let (id, _) = insert(tx.conn(), &new, Some(cx.by.as_uuid()), cx.now).await?;
        db::audit::append(tx.conn(), &audit(cx, "rights.log", id)).await?;
        db::staff_forms::forget(tx.conn(), cx.by, &form_key(None)).await?;
        tx.commit().await?;
        Ok(Ok(id))
    }

    /// Extends entry `id` (to one or two months beyond the first, in all) and emails the
    /// person the new deadline and the reason, while their address is known.
    ///
    /// # Errors
    /// Database failure.
    pub async fn extend(&self, cx: &Context, id: Uuid, pairs: &[(String, String)]) -> Answer<()> {
        let mut tx = self.db.begin().await?;
        let Some(entry) = db::rights::get(tx.conn(), id).await? else {
            return Ok(Err(Refusal::NotFound));
        };
        if entry.outcome.is_some() {
            return Ok(Err(Refusal::Closed));
        }
        let input = ExtendInput { months: field(pairs, "months"), reason: field(pairs, "reason") };
        let already = u32::try_from(entry.extended_months).unwrap_or(0);
        let (months, reason, due) = match input.validate(entry.received_on, already) {
            Ok(valid) => valid,
            Err(problems) => return Self::refuse(tx, cx, Some(id), problems, pairs).await,
        };
        let months_i = i32::try_from(months).unwrap_or(0);
        if !db::rights::extend(tx.conn(), id, months_i, &reason, due).await? {
            return Ok(Err(Refusal::Closed));
        }
        if let Some(to) = entry.email.clone().filter(|e| !e.is_empty()) {
            let kind = RequestKind::from_code(&entry.kind).map_or("request", RequestKind::words);
            let message = NewMessage {
                id: Uuid::new_v4(),
                purpose: "rights.extension",
                to,
                subject: format!("Your request {}: more time needed", entry.reference),
                body: format!(
                    "Hello,\n\nWe received your request ({kind}, reference {reference}) on {received}. \
                     We need more time to answer it, so we will answer by {due}.\n\nWhy: {reason}\n\n\
                     If you are unhappy with how we are handling your request, you can complain to \
                     the Information Commissioner's Office (ico.org.uk).\n\n{org}",
                    kind = kind.to_lowercase(),
                    reference = entry.reference,
                    received = day(entry.received_on),
                    due = day(due),
                    org = self.organisation,
                ),
                staff: None,
                application: None,
            };
            self.outbox.store(tx.conn(), &message, cx.now).await?;
        }
        db::audit::append(tx.conn(), &audit(cx, "rights.extend", id)).await?;
        db::staff_forms::forget(tx.conn(), cx.by, &form_key(Some(id))).await?;
        tx.commit().await?;
        self.outbox.wake();
        Ok(Ok(()))
    }

    /// Closes entry `id` with its outcome.
    ///
    /// # Errors
    /// Database failure.
    pub async fn close(&self, cx: &Context, id: Uuid, pairs: &[(String, String)]) -> Answer<()> {
        let mut tx = self.db.begin().await?;
        let Some(entry) = db::rights::get(tx.conn(), id).await? else {
            return Ok(Err(Refusal::NotFound));
        };
        if entry.outcome.is_some() {
            return Ok(Err(Refusal::Closed));
        }
        let input = CloseInput {
            outcome: field(pairs, "outcome"),
            note: field(pairs, "note"),
            day: field(pairs, "closed_day"),
            month: field(pairs, "closed_month"),
            year: field(pairs, "closed_year"),
        };
        let (outcome, note, on) = match input.validate(entry.received_on, time::uk_date(cx.now)) {
            Ok(valid) => valid,
            Err(problems) => return Self::refuse(tx, cx, Some(id), problems, pairs).await,
        };
        if !db::rights::close(tx.conn(), id, outcome.code(), note.as_deref(), on).await? {
            return Ok(Err(Refusal::Closed));
        }
        lift_restriction(tx.conn(), &entry.kind, entry.email.as_deref()).await?;
        db::audit::append(tx.conn(), &audit(cx, "rights.close", id)).await?;
        db::staff_forms::forget(tx.conn(), cx.by, &form_key(Some(id))).await?;
        tx.commit().await?;
        Ok(Ok(()))
    }

    async fn refuse<T>(
        mut tx: db::Tx,
        cx: &Context,
        entry: Option<Uuid>,
        problems: Vec<FieldError>,
        typed: &[(String, String)],
    ) -> Answer<T> {
        let kept = Kept { problems, typed: typed.to_vec() };
        let json = serde_json::to_string(&kept).unwrap_or_default();
        db::staff_forms::keep(tx.conn(), cx.by, &form_key(entry), &json, cx.now).await?;
        tx.commit().await?;
        Ok(Err(Refusal::Invalid))
    }

    async fn kept(
        &self,
        conn: db::Conn<'_>,
        viewer: StaffId,
        entry: Option<Uuid>,
        now: DateTime<Utc>,
    ) -> Result<Option<Kept>, AppError> {
        Ok(db::staff_forms::kept(conn, viewer, &form_key(entry), now - chrono::Duration::days(1))
            .await
            .map_err(AppError::internal)?
            .and_then(|json| serde_json::from_str(&json).ok()))
    }
}

/// Stores a validated request with a fresh reference; returns its id and reference. `by`: the
/// staff member who logged it, `None` for the portal.
///
/// A restriction or an objection restricts the person's applications at once (PRODUCT §2.8:
/// no stage moves, scoring or contact while it is considered); closing the last such open
/// request lifts it ([`lift_restriction`]).
///
/// # Errors
/// Database failure.
pub(crate) async fn insert(
    mut conn: db::Conn<'_>,
    new: &NewRequest,
    by: Option<Uuid>,
    now: DateTime<Utc>,
) -> Result<(Uuid, String), DbError> {
    let id = Uuid::new_v4();
    let reference = new_reference(u64::from_le_bytes(crate::documents::random_bytes::<8>()));
    let entry = db::rights::NewEntry {
        id,
        reference: &reference,
        kind: new.kind.code(),
        received_on: new.received,
        verified: new.verified.code(),
        verification_note: new.verification_note.as_deref(),
        email: &new.email,
        details: new.details.as_deref(),
        due_on: new.due,
        logged_by: by,
        from_portal: by.is_none(),
        logged_at: now,
    };
    db::rights::insert(conn.reborrow(), &entry).await?;
    if matches!(new.kind, RequestKind::Restriction | RequestKind::Objection) {
        db::rights::restrict(conn, &new.email, now).await?;
    }
    Ok((id, reference))
}

/// After closing entry `kind` for `email`: lifts the restriction of the person's applications
/// if no restriction or objection of theirs is still open.
///
/// # Errors
/// Database failure.
async fn lift_restriction(
    conn: db::Conn<'_>,
    kind: &str,
    email: Option<&str>,
) -> Result<(), DbError> {
    let restricting = [RequestKind::Restriction.code(), RequestKind::Objection.code()];
    if let Some(email) = email.filter(|e| !e.is_empty() && restricting.contains(&kind)) {
        db::rights::lift(conn, email).await?;
    }
    Ok(())
}

fn audit(cx: &Context, action: &'static str, id: Uuid) -> db::audit::AuditEntry {
    db::audit::AuditEntry {
        at: cx.now,
        actor: Some(cx.by),
        action,
        object_type: Some("rights_request"),
        object_id: Some(id),
        vacancy: None,
        client_addr: Some(cx.client.clone()),
        outcome: db::audit::Outcome::Ok,
    }
}

fn day(d: NaiveDate) -> String {
    time::format_day(d)
}

fn row(e: &db::rights::Entry, today: NaiveDate) -> Result<RegisterRow, AppError> {
    Ok(RegisterRow {
        id: e.id.to_string(),
        reference: e.reference.clone(),
        kind: RequestKind::from_code(&e.kind).ok_or_else(|| AppError::internal("unknown kind"))?,
        received: day(e.received_on),
        due: day(e.due_on),
        urgency: Urgency::of(e.due_on, e.outcome.is_some(), today),
        email: e.email.clone(),
        from_portal: e.from_portal,
    })
}

#[async_trait]
impl app::ports::RightsRegister for StoreRights {
    async fn register(
        &self,
        show: Show,
        now: DateTime<Utc>,
        can_manage: bool,
    ) -> Result<RegisterPage, AppError> {
        let today = time::uk_date(now);
        let mut conn = self.db.acquire().await.map_err(AppError::internal)?;
        let mut all =
            db::rights::all(conn.conn(), REGISTER_LIMIT).await.map_err(AppError::internal)?;
        if show == Show::All {
            // Newest first when everything is shown; otherwise as read: open ones by deadline.
            all.sort_by(|a, b| {
                b.received_on.cmp(&a.received_on).then(b.logged_at.cmp(&a.logged_at))
            });
        }
        let rows = all.iter().map(|e| row(e, today)).collect::<Result<Vec<_>, _>>()?;
        let count = |u: Urgency| rows.iter().filter(|r| r.urgency == u).count();
        let (overdue, due_soon) = (count(Urgency::Overdue), count(Urgency::DueSoon));
        let rows = rows.into_iter().filter(|r| show.keeps(r.urgency)).collect();
        Ok(RegisterPage { show, rows, overdue, due_soon, can_manage })
    }

    async fn log_form(
        &self,
        viewer: StaffId,
        rejected: bool,
        now: DateTime<Utc>,
    ) -> Result<(Vec<FieldError>, Vec<(String, String)>), AppError> {
        if !rejected {
            return Ok((Vec::new(), Vec::new()));
        }
        let mut conn = self.db.acquire().await.map_err(AppError::internal)?;
        Ok(self
            .kept(conn.conn(), viewer, None, now)
            .await?
            .map(|k| (k.problems, k.typed))
            .unwrap_or_default())
    }

    async fn request(
        &self,
        viewer: StaffId,
        id: &str,
        rejected: bool,
        can_manage: bool,
        now: DateTime<Utc>,
    ) -> Result<RequestView, AppError> {
        let id: Uuid = id.parse().map_err(|_| AppError::NotFound)?;
        let mut conn = self.db.acquire().await.map_err(AppError::internal)?;
        let e = db::rights::get(conn.conn(), id)
            .await
            .map_err(AppError::internal)?
            .ok_or(AppError::NotFound)?;
        let held = match &e.email {
            Some(email) => {
                db::rights::held(conn.conn(), email).await.map_err(AppError::internal)?
            }
            None => Vec::new(),
        };
        let kept = if rejected && can_manage {
            self.kept(conn.conn(), viewer, Some(id), now).await?
        } else {
            None
        };
        let corrections = db::rights::rectifications(conn.conn(), id)
            .await
            .map_err(AppError::internal)?
            .into_iter()
            .map(|(field, reference, note, at)| {
                let field = app::domain::rights::rectify::Field::from_code(&field)
                    .map_or("A field", app::domain::rights::rectify::Field::words);
                format!(
                    "{field} on {}, {}: {note}",
                    reference.unwrap_or_default(),
                    time::format_uk_date(at)
                )
            })
            .collect();
        let logged = format!(
            "{} on {}",
            if e.from_portal {
                "The applicant portal".to_owned()
            } else {
                e.logged_by_name.clone().unwrap_or_else(|| "A former colleague".to_owned())
            },
            time::format_uk_datetime(e.logged_at)
        );
        Ok(RequestView {
            row: row(&e, time::uk_date(now))?,
            verified: Verification::from_code(&e.verified)
                .ok_or_else(|| AppError::internal("unknown verification"))?,
            verification_note: e.verification_note.clone(),
            details: e.details.clone(),
            extension: e
                .extension_reason
                .clone()
                .map(|r| (u32::try_from(e.extended_months).unwrap_or(0), r)),
            outcome: match (
                e.outcome.as_deref().and_then(app::domain::rights::register::Outcome::from_code),
                e.closed_on,
            ) {
                (Some(o), Some(on)) => Some((o, e.outcome_note.clone(), day(on))),
                _ => None,
            },
            logged,
            released: e.released_on.map(day),
            corrections,
            applications: held
                .into_iter()
                .map(|h| HeldApplication {
                    id: h.id.to_string(),
                    reference: h.reference.unwrap_or_default(),
                    vacancy_title: h.vacancy_title,
                    standing: Standing::from_stored(&h.status, h.outcome.as_deref(), h.appointable)
                        .words()
                        .to_owned(),
                })
                .collect(),
            can_manage,
            problems: kept.as_ref().map(|k| k.problems.clone()).unwrap_or_default(),
            typed: kept.map(|k| k.typed).unwrap_or_default(),
        })
    }
}
