//! The purge: makes applications whose retention date has passed really gone (PRODUCT §3.4,
//! ARCHITECTURE "The retention engine").
//!
//! Due applications are purged in batches (up to [`BATCH`] at a time), each batch in this
//! order, each step safe to repeat:
//! 1. one transaction re-reads their facts (a hold or consent that arrived since counts), marks
//!    those still due as purging and destroys their data keys — from here they are hidden from
//!    every page and their documents are unreadable in every copy, backups included;
//! 2. their ids are written to the erasure ledger (kept apart from the database, see
//!    [`ledger`]), one object per batch;
//! 3. every object under each one's prefix in the document store is deleted, several at once
//!    (missing counts as done);
//! 4. one transaction deletes every row holding their personal data and their
//!    equal-opportunities answers, strips their audit entries, writes their anonymised facts
//!    and adds to the run's counters in the purge log.
//!
//! Batching keeps the number of statements and transactions per run proportional to the
//! batches, not the applications: that is what brings a large purge within a small factor of
//! a plain SQL delete (docs/PERFORMANCE.md).
//!
//! A run first finishes what an interrupted run marked, then purges again any application the
//! ledger lists that a restored backup brought back, then purges what is due. Only the holder
//! of the purge lease runs, so several instances never purge at once.
//!
//! This module never decides what is due (the rules in `app::domain::retention` do, through
//! the stored dates), never touches an application that is not due, and never logs personal
//! data: the log carries counts and ids only.

pub mod ledger;
mod view;

pub use view::StoreRetentionOverviews;

use crate::{
    db::{self, Database, DbError, purge::Counts},
    documents::{DocumentError, Documents},
    monitoring::Pseudonymiser,
};
use app::ports::Clock;
use chrono::{DateTime, Utc};
use futures::{StreamExt as _, TryStreamExt as _};
use ledger::Ledger;
use std::sync::Arc;
use uuid::Uuid;

/// The boundaries between purge steps, where a test can make the purge stop as if the process
/// had died there.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Step {
    /// After the marking transaction (key destroyed) committed.
    Marked,
    /// After the id was written to the erasure ledger.
    Ledgered,
    /// After the documents were deleted.
    DocumentsDeleted,
    /// Inside the row-deleting transaction, before it commits (it rolls back).
    RowsBeforeCommit,
    /// After the row-deleting transaction committed.
    RowsDeleted,
}

impl Step {
    /// Every boundary, in order.
    pub const ALL: [Self; 5] = [
        Self::Marked,
        Self::Ledgered,
        Self::DocumentsDeleted,
        Self::RowsBeforeCommit,
        Self::RowsDeleted,
    ];
}

/// Decides whether the purge stops at a boundary (tests only; `None` in the server).
pub type Failpoint = Arc<dyn Fn(Step, Uuid) -> bool + Send + Sync>;

/// What can stop a purge run.
#[derive(Debug, thiserror::Error)]
pub enum PurgeError {
    /// The database failed.
    #[error(transparent)]
    Database(#[from] DbError),
    /// The document store failed.
    #[error(transparent)]
    Documents(#[from] DocumentError),
    /// The erasure ledger could not be read or written.
    #[error("erasure ledger: {0}")]
    Ledger(#[from] object_store::Error),
    /// A failpoint stopped the run (tests).
    #[error("stopped at {0:?} (failpoint)")]
    Failpoint(Step),
    /// Another purger took over the lease (this one ran past its lease).
    #[error("the purge lease was lost to another instance")]
    LeaseLost,
}

/// How a run was started (recorded in the purge log).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trigger {
    /// The server's schedule.
    Schedule,
    /// `server purge`.
    Command,
    /// A person's erasure request (`Purger::erase_person`).
    Erasure,
}

impl Trigger {
    const fn code(self) -> &'static str {
        match self {
            Self::Schedule => "schedule",
            Self::Command => "command",
            Self::Erasure => "erasure",
        }
    }
}

/// What a dry run found: nothing was changed.
#[derive(Debug, Clone, Default)]
pub struct Plan {
    /// Applications due at the date asked about, with the rule that made them due.
    pub due: Vec<db::purge::Due>,
    /// Applications an interrupted run marked, to be finished.
    pub interrupted: usize,
    /// Applications the erasure ledger lists that are back in the database (a restore).
    pub restored: usize,
    /// DBS checks whose details would be reduced to date, number and decision.
    pub dbs_minimise: usize,
}

/// How a real run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Another instance holds the lease; nothing was done.
    Busy,
    /// The run finished; its counts (also in the purge log).
    Done {
        /// The purge-log entry.
        run: Uuid,
        /// What it removed.
        counts: Counts,
    },
}

/// What an erasure request came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Erasure {
    /// No application made with the address is held: nothing to erase.
    NothingHeld,
    /// A legal hold applies to at least one application: nothing was erased. The holds'
    /// reasons, for HR (the person is told only that a legal hold applies).
    Refused {
        /// Each applying hold's reason.
        reasons: Vec<String>,
    },
    /// Every application made with the address was purged, in one purge-log run.
    Erased {
        /// The purge-log entry.
        run: Uuid,
        /// How many applications (drafts included) went.
        applications: usize,
    },
}

/// How many applications are purged together (marked in one transaction, ledgered in one
/// object, erased in one transaction). Bounded by the placeholders one statement may carry
/// (nine per application for the anonymised facts; SQLite allows 32,766).
pub const BATCH: usize = 500;
/// How many document deletions run at once (the local store does each on a blocking thread).
const DOCUMENT_DELETES: usize = 16;
/// How long the lease lasts without renewal; renewed after every batch.
const LEASE: chrono::Duration = chrono::Duration::minutes(5);

/// The purge service.
#[derive(Clone)]
pub struct Purger {
    db: Database,
    documents: Documents,
    pseudonyms: Arc<Pseudonymiser>,
    ledger: Ledger,
    clock: Arc<dyn Clock>,
    failpoint: Option<Failpoint>,
    dbs_details_months: u32,
}

impl std::fmt::Debug for Purger {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Purger").finish_non_exhaustive()
    }
}

impl Purger {
    /// Builds the purge service.
    #[must_use]
    pub fn new(
        db: Database,
        documents: Documents,
        pseudonyms: Arc<Pseudonymiser>,
        ledger: Ledger,
        clock: Arc<dyn Clock>,
    ) -> Self {
        Self { db, documents, pseudonyms, ledger, clock, failpoint: None, dbs_details_months: 6 }
    }

    /// The same service, reducing DBS details `months` after their decision (default 6).
    #[must_use]
    pub const fn with_dbs_details_months(mut self, months: u32) -> Self {
        self.dbs_details_months = months;
        self
    }

    /// The same service, stopping where `failpoint` says (tests).
    #[must_use]
    pub fn with_failpoint(mut self, failpoint: Failpoint) -> Self {
        self.failpoint = Some(failpoint);
        self
    }

    /// Stops at `step` if the failpoint says so for any of the batch's applications.
    fn stop_at(&self, step: Step, ids: &[Uuid]) -> Result<(), PurgeError> {
        match &self.failpoint {
            Some(f) if ids.iter().any(|id| f(step, *id)) => Err(PurgeError::Failpoint(step)),
            _ => Ok(()),
        }
    }

    /// What a run at `as_of` would do, changing nothing.
    ///
    /// # Errors
    /// Database or ledger failure.
    pub async fn plan(&self, as_of: DateTime<Utc>) -> Result<Plan, PurgeError> {
        let mut conn = self.db.acquire().await?;
        let due = db::purge::due(conn.conn(), as_of, i64::MAX).await?;
        let interrupted = db::purge::marked(conn.conn()).await?.len();
        let dbs_minimise = crate::checks::dbs_due(
            conn.conn(),
            app::domain::time::to_uk(as_of).0.date(),
            self.dbs_details_months,
        )
        .await?
        .len();
        drop(conn);
        let restored = self.restored().await?.len();
        Ok(Plan { due, interrupted, restored, dbs_minimise })
    }

    /// Ledger entries present in the database again. Only when the database's newest finished
    /// run is not the ledger's (see [`ledger`]); otherwise nothing can have come back.
    async fn restored(&self) -> Result<Vec<Uuid>, PurgeError> {
        let mut conn = self.db.acquire().await?;
        let ours = db::purge::last_finished_run(conn.conn()).await?;
        let theirs = self.ledger.last_run().await?;
        if ours.is_some() && ours == theirs {
            return Ok(Vec::new());
        }
        let listed = self.ledger.ids().await?;
        let mut back = Vec::new();
        for chunk in listed.chunks(500) {
            back.extend(db::purge::present(conn.conn(), chunk).await?);
        }
        Ok(back)
    }

    /// Purges everything due at `as_of`: finishes interrupted purges, purges again what a
    /// restored backup brought back, then purges what is due.
    ///
    /// # Errors
    /// Database, storage or ledger failure (the next run finishes the work), or a failpoint.
    #[tracing::instrument(skip(self), fields(trigger = trigger.code()))]
    pub async fn run(&self, as_of: DateTime<Utc>, trigger: Trigger) -> Result<Outcome, PurgeError> {
        let holder = Uuid::new_v4();
        if !self.renew(holder).await? {
            tracing::info!("another instance is purging; skipped");
            return Ok(Outcome::Busy);
        }
        let result = self.run_holding(holder, as_of, trigger).await;
        // Best effort: an unreleased lease simply expires.
        if let Ok(mut conn) = self.db.acquire().await {
            let _ = db::purge::release_lease(conn.conn(), holder).await;
        }
        result
    }

    async fn renew(&self, holder: Uuid) -> Result<bool, PurgeError> {
        let now = self.clock.now();
        let mut conn = self.db.acquire().await?;
        Ok(db::purge::take_lease(conn.conn(), holder, now, now + LEASE).await?)
    }

    async fn run_holding(
        &self,
        holder: Uuid,
        as_of: DateTime<Utc>,
        trigger: Trigger,
    ) -> Result<Outcome, PurgeError> {
        let run = Uuid::new_v4();
        {
            let mut conn = self.db.acquire().await?;
            db::purge::start_run(conn.conn(), run, trigger.code(), as_of, self.clock.now()).await?;
        }
        if let Err(e) = self.work(run, holder, as_of).await {
            // The dashboard shows it; the next run finishes the work. The text names a table,
            // a step or a storage error, never a row's values.
            if let Ok(mut conn) = self.db.acquire().await {
                let _ = db::purge::fail_run(conn.conn(), run, &e.to_string()).await;
            }
            return Err(e);
        }
        let counts = self.close_run(run).await?;
        tracing::info!(
            applications = counts.applications,
            drafts = counts.drafts,
            documents = counts.documents,
            rows = counts.rows,
            restored = counts.restored,
            "purge run finished"
        );
        Ok(Outcome::Done { run, counts })
    }

    /// Marks run `run` finished in the purge log, then in the ledger; returns its counts.
    async fn close_run(&self, run: Uuid) -> Result<Counts, PurgeError> {
        let mut conn = self.db.acquire().await?;
        db::purge::finish_run(conn.conn(), run, self.clock.now()).await?;
        drop(conn);
        // After the database says so: a crash between the two leaves them different, which
        // only makes the next run check the whole ledger.
        self.ledger.record_run(run).await?;
        let mut conn = self.db.acquire().await?;
        Ok(db::purge::run_counts(conn.conn(), run).await?)
    }

    /// The run's work: interrupted purges, restored ones, then what is due.
    async fn work(&self, run: Uuid, holder: Uuid, as_of: DateTime<Utc>) -> Result<(), PurgeError> {
        // 1. What an interrupted run left marked.
        let interrupted = {
            let mut conn = self.db.acquire().await?;
            db::purge::marked(conn.conn()).await?
        };
        for batch in interrupted.chunks(BATCH) {
            self.finish(run, Some(holder), batch, false).await?;
        }
        // 2. What a restored backup brought back.
        for batch in self.restored().await?.chunks(BATCH) {
            // Marked whatever their stored dates say (they were erased once); finishing is
            // safe to repeat, so an id another step already marked is simply finished.
            let mut tx = self.db.begin().await?;
            db::purge::mark_restored(tx.conn(), batch, self.clock.now()).await?;
            tx.commit().await?;
            self.stop_at(Step::Marked, batch)?;
            self.finish(run, Some(holder), batch, true).await?;
        }
        // 3. What is due.
        loop {
            let due: Vec<Uuid> = {
                let mut conn = self.db.acquire().await?;
                let limit = i64::try_from(BATCH).unwrap_or(i64::MAX);
                db::purge::due(conn.conn(), as_of, limit).await?.into_iter().map(|d| d.id).collect()
            };
            if due.is_empty() {
                break;
            }
            let (changed, marked) = {
                let mut tx = self.db.begin().await?;
                // The stored dates may predate a hold or consent: recompute first, in the
                // marking transaction, and mark only those still due.
                let changed = db::retention::refresh_many(tx.conn(), &due).await?;
                let marked = db::purge::mark(tx.conn(), &due, as_of, self.clock.now()).await?;
                tx.commit().await?;
                (changed, marked)
            };
            if marked.is_empty() && changed == 0 {
                // Nothing marked and nothing recomputed: the same list would come back.
                break;
            }
            self.stop_at(Step::Marked, &marked)?;
            self.finish(run, Some(holder), &marked, false).await?;
        }
        // 4. DBS details past their time (PRODUCT §2.6): reduced, not deleted.
        let minimised = crate::checks::minimise_dbs(
            &self.db,
            app::domain::time::to_uk(as_of).0.date(),
            self.dbs_details_months,
            self.clock.now(),
        )
        .await?;
        if minimised > 0 {
            let mut conn = self.db.acquire().await?;
            let add = Counts {
                dbs_minimised: i64::try_from(minimised).unwrap_or(i64::MAX),
                ..Counts::default()
            };
            db::purge::count(conn.conn(), run, add).await?;
        }
        Ok(())
    }

    /// Steps 2–4 for a batch of applications already marked (their keys destroyed).
    async fn finish(
        &self,
        run: Uuid,
        holder: Option<Uuid>,
        ids: &[Uuid],
        restored: bool,
    ) -> Result<(), PurgeError> {
        if ids.is_empty() {
            return Ok(());
        }
        self.ledger.record(ids).await?;
        self.stop_at(Step::Ledgered, ids)?;
        // Owned values in the futures: a borrow of `self` here would make the run's future
        // `Send` only for one lifetime, which `tokio::spawn` refuses.
        let documents = self.documents.clone();
        let deletions = ids.iter().copied().map(move |id| {
            let documents = documents.clone();
            async move { documents.delete_all(id).await }
        });
        futures::stream::iter(deletions)
            .buffer_unordered(DOCUMENT_DELETES)
            .try_for_each(|_| std::future::ready(Ok(())))
            .await?;
        self.stop_at(Step::DocumentsDeleted, ids)?;
        let mut tx = self.db.begin().await?;
        let erased = db::purge::erase_rows(tx.conn(), ids, &self.pseudonyms).await?;
        if erased.found() > 0 {
            let counts = Counts {
                applications: i64::try_from(erased.applications).unwrap_or(i64::MAX),
                drafts: i64::try_from(erased.drafts).unwrap_or(i64::MAX),
                documents: i64::try_from(erased.documents).unwrap_or(i64::MAX),
                rows: i64::try_from(erased.rows).unwrap_or(i64::MAX),
                restored: if restored {
                    i64::try_from(erased.found()).unwrap_or(i64::MAX)
                } else {
                    0
                },
                dbs_minimised: 0,
            };
            db::purge::count(tx.conn(), run, counts).await?;
        }
        self.stop_at(Step::RowsBeforeCommit, ids)?;
        tx.commit().await?;
        self.stop_at(Step::RowsDeleted, ids)?;
        if let Some(holder) = holder
            && !self.renew(holder).await?
        {
            return Err(PurgeError::LeaseLost);
        }
        Ok(())
    }

    /// Erases every application made with `email` at once, at the person's request (PRODUCT
    /// §2.8): the same steps as a due purge — key destroyed, ledger, documents, rows with the
    /// anonymised facts — logged as an `erasure` run. Refused, erasing nothing, when a legal
    /// hold applies to any of them: a person's data is erased whole or not at all.
    ///
    /// Needs no lease: marking is exclusive (only one caller marks an application) and the
    /// later steps are safe to repeat, so a scheduled run finishing the same application
    /// does no harm.
    ///
    /// # Errors
    /// Database, storage or ledger failure; what was marked is finished by the next run.
    #[tracing::instrument(skip_all)]
    pub async fn erase_person(&self, email: &str) -> Result<Erasure, PurgeError> {
        let ids = {
            let mut conn = self.db.acquire().await?;
            db::export::applications_of(conn.conn(), email).await?
        };
        if ids.is_empty() {
            return Ok(Erasure::NothingHeld);
        }
        let mut reasons = Vec::new();
        {
            let mut conn = self.db.acquire().await?;
            for id in &ids {
                reasons.extend(db::purge::holds_on(conn.conn(), *id).await?);
            }
        }
        if !reasons.is_empty() {
            reasons.dedup();
            return Ok(Erasure::Refused { reasons });
        }
        let now = self.clock.now();
        let run = Uuid::new_v4();
        {
            let mut conn = self.db.acquire().await?;
            db::purge::start_run(conn.conn(), run, Trigger::Erasure.code(), now, now).await?;
        }
        let mut held = Vec::new();
        let mut marked = Vec::new();
        for id in &ids {
            let mut tx = self.db.begin().await?;
            let was_marked = db::purge::mark_requested(tx.conn(), *id, self.clock.now()).await?;
            tx.commit().await?;
            if was_marked {
                marked.push(*id);
            } else {
                // A hold placed since the check above (or another erasure marked it first).
                let mut conn = self.db.acquire().await?;
                held.extend(db::purge::holds_on(conn.conn(), *id).await?);
            }
        }
        self.stop_at(Step::Marked, &marked)?;
        for batch in marked.chunks(BATCH) {
            self.finish(run, None, batch, false).await?;
        }
        if !held.is_empty() {
            let mut conn = self.db.acquire().await?;
            db::purge::fail_run(conn.conn(), run, "a legal hold was placed during the erasure")
                .await?;
        }
        let counts = self.close_run(run).await?;
        tracing::info!(
            applications = counts.applications,
            drafts = counts.drafts,
            "erasure finished"
        );
        if !held.is_empty() {
            return Ok(Erasure::Refused { reasons: held });
        }
        Ok(Erasure::Erased { run, applications: ids.len() })
    }

    /// Runs the purge every `every` until `shutdown` completes (inside the server). A failed
    /// run is logged and the next one finishes its work.
    pub async fn run_every(
        self,
        every: std::time::Duration,
        shutdown: impl std::future::Future<Output = ()>,
    ) {
        crate::jobs::every("purge", every, shutdown, || async {
            self.run(self.clock.now(), Trigger::Schedule).await.map(|_| ())
        })
        .await;
    }
}
