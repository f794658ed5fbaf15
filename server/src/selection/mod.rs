//! Selection, the use cases behind the pipeline board and the candidate page: score sheets,
//! moderation, stage moves, rejection (alone or in bulk at sift) with the applicant's letter,
//! withdrawal on the applicant's behalf, interviews with their invitations, the offer's
//! answer, identity reveals and notes. `view.rs` builds what the pages show (the
//! [`app::ports::Selection`] port).
//!
//! Callers authorise first, against the candidate's vacancy as stored. Every decision here:
//! - is refused while the application is restricted (a rights request is pending) or has
//!   ended, and when it changed since the selector opened it (the version they saw);
//! - runs in one transaction with its stage-history entry, its audit entry (ids only, never a
//!   name or typed text) and any mail it causes;
//! - never touches equal-opportunities answers (there is no query here that could).

mod decisions;
mod holds;
mod view;

pub use holds::Held;
pub use view::StoreSelectionView;

use crate::db::{
    self, Database, DbError, Tx,
    audit::{AuditEntry, Outcome},
    selection::{Candidate, Decision},
};
use crate::documents::DocumentRef;
use crate::mail::Outbox;
use crate::staff_admin::Context;
use app::domain::{
    ApplicationId, VacancyId,
    selection::{
        Blocked, MAX_NOTE, MAX_REASON, ModerationInput, ScoreSheetInput, identity_hidden,
        sheet_total,
    },
    vacancy_edit::Stage,
};
use app::error::FieldError;

/// Why a selection change did not happen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// No such (sent) application.
    NotFound,
    /// Restricted, ended, changed since opened, or a move that makes no sense.
    Blocked(Blocked),
    /// The form had problems; it was kept (for its author) to show again.
    Invalid,
}

/// Done (`Ok(Ok)`), refused (`Ok(Err)`), or the database failed.
pub type Answer<T> = Result<Result<T, Refusal>, DbError>;

/// The key under which a refused form on candidate `id`'s page is kept.
pub(crate) fn form_key(id: ApplicationId) -> String {
    format!("candidate:{id}")
}

/// A refused form as kept: its problems and its fields as typed.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub(crate) struct Kept {
    pub problems: Vec<FieldError>,
    pub typed: Vec<(String, String)>,
}

/// The selection use cases.
#[derive(Debug, Clone)]
pub struct StoreSelection {
    db: Database,
    outbox: Outbox,
    organisation: String,
    reserve: crate::reserve::StoreReserve,
    /// Only to keep the diversity funnel's tallies as candidates move: selection never reads
    /// a monitoring answer itself.
    pseudonyms: std::sync::Arc<crate::monitoring::Pseudonymiser>,
}

fn entry(cx: &Context, action: &'static str, c: &Candidate) -> AuditEntry {
    AuditEntry {
        at: cx.now,
        actor: Some(cx.by),
        action,
        object_type: Some("application"),
        object_id: Some(c.id),
        vacancy: Some(VacancyId::from_uuid(c.vacancy_id)),
        client_addr: Some(cx.client.clone()),
        outcome: Outcome::Ok,
    }
}

/// Whether a decision may be made on `c` at `version` (`None`: any version, e.g. bulk
/// rejection from a list the selector chose candidates on).
fn blocked(c: &Candidate, version: Option<i32>) -> Option<Blocked> {
    if c.restricted {
        Some(Blocked::Restricted)
    } else if c.status != "submitted" || c.outcome.is_some() {
        Some(Blocked::Ended)
    } else if version.is_some_and(|v| v != c.version) {
        Some(Blocked::Changed)
    } else {
        None
    }
}

fn stage_of(c: &Candidate) -> Result<Stage, DbError> {
    Stage::from_code(&c.stage)
        .ok_or_else(|| DbError::Sqlx(sqlx::Error::Decode("unknown stage".into())))
}

fn name_of(c: &Candidate) -> String {
    c.preferred_name.clone().or_else(|| c.full_name.clone()).unwrap_or_default()
}

impl StoreSelection {
    /// Selection over `db`, mailing applicants through `outbox` in the organisation's name;
    /// `reserve` writes the letter of a candidate found appointable; a move that takes a
    /// candidate further moves their monitoring answers in the tallies kept with `pseudonyms`.
    #[must_use]
    pub const fn new(
        db: Database,
        outbox: Outbox,
        organisation: String,
        reserve: crate::reserve::StoreReserve,
        pseudonyms: std::sync::Arc<crate::monitoring::Pseudonymiser>,
    ) -> Self {
        Self { db, outbox, organisation, reserve, pseudonyms }
    }

    /// The vacancy a sent application belongs to (for authorising), `None` if unknown.
    ///
    /// # Errors
    /// Database failure.
    pub async fn vacancy_of(&self, id: ApplicationId) -> Result<Option<VacancyId>, DbError> {
        let mut conn = self.db.acquire().await?;
        Ok(db::selection::candidate(conn.conn(), id.as_uuid())
            .await?
            .map(|c| VacancyId::from_uuid(c.vacancy_id)))
    }

    /// Opens a transaction and reads the candidate; `Err(NotFound)` for an unknown id.
    async fn open(&self, id: ApplicationId) -> Result<Result<(Tx, Candidate), Refusal>, DbError> {
        let mut tx = self.db.begin().await?;
        Ok(match db::selection::candidate(tx.conn(), id.as_uuid()).await? {
            Some(c) => Ok((tx, c)),
            None => Err(Refusal::NotFound),
        })
    }

    /// Keeps a refused form for its author and commits that alone.
    async fn refuse_form(
        mut tx: Tx,
        cx: &Context,
        id: ApplicationId,
        problems: Vec<FieldError>,
        typed: &[(String, String)],
    ) -> Answer<()> {
        let kept = Kept { problems, typed: typed.to_vec() };
        let json = serde_json::to_string(&kept).unwrap_or_default();
        db::staff_forms::keep(tx.conn(), cx.by, &form_key(id), &json, cx.now).await?;
        tx.commit().await?;
        Ok(Err(Refusal::Invalid))
    }

    async fn finish(mut tx: Tx, cx: &Context, id: ApplicationId, audit: AuditEntry) -> Answer<()> {
        db::audit::append(tx.conn(), &audit).await?;
        db::staff_forms::forget(tx.conn(), cx.by, &form_key(id)).await?;
        tx.commit().await?;
        Ok(Ok(()))
    }

    /// Saves or submits `cx.by`'s score sheet. A submitted sheet is final.
    ///
    /// # Errors
    /// Database failure.
    pub async fn score(
        &self,
        cx: &Context,
        id: ApplicationId,
        pairs: &[(String, String)],
    ) -> Answer<()> {
        let (mut tx, c) = match self.open(id).await? {
            Ok(found) => found,
            Err(r) => return Ok(Err(r)),
        };
        if let Some(b) = blocked(&c, None) {
            return Ok(Err(Refusal::Blocked(b)));
        }
        let weights: Vec<(i32,)> = crate::on_conn!(tx.conn(), conn => sqlx::query_as(
            "SELECT weight FROM vacancy_criteria WHERE vacancy_id = $1 ORDER BY position")
            .bind(c.vacancy_id).fetch_all(&mut *conn).await)?;
        let input = ScoreSheetInput::from_pairs(pairs, weights.len());
        let lines = match input.validate(weights.len()) {
            Ok(lines) => lines,
            Err(problems) => return Self::refuse_form(tx, cx, id, problems, pairs).await,
        };
        let total = if input.submit {
            let scored: Vec<(i32, i32)> = lines
                .iter()
                .zip(&weights)
                .filter_map(|((s, _), (w,))| s.map(|s| (s, *w)))
                .collect();
            sheet_total(&scored)
        } else {
            None
        };
        if !db::selection::save_sheet(tx.conn(), c.id, cx.by.as_uuid(), &lines, total, cx.now)
            .await?
        {
            let problem = FieldError::new(
                "score_1",
                "You have already submitted your scores for this candidate",
            );
            return Self::refuse_form(tx, cx, id, vec![problem], &[]).await;
        }
        let action = if input.submit { "candidate.score.submit" } else { "candidate.score.save" };
        Self::finish(tx, cx, id, entry(cx, action, &c)).await
    }

    /// Records that `cx.by` chooses to moderate (they then see every submitted sheet).
    ///
    /// # Errors
    /// Database failure.
    pub async fn moderate(&self, cx: &Context, id: ApplicationId) -> Answer<()> {
        let (mut tx, c) = match self.open(id).await? {
            Ok(found) => found,
            Err(r) => return Ok(Err(r)),
        };
        if let Some(b) = blocked(&c, None) {
            return Ok(Err(Refusal::Blocked(b)));
        }
        db::selection::set_moderating(tx.conn(), c.id, cx.by.as_uuid()).await?;
        Self::finish(tx, cx, id, entry(cx, "candidate.moderate", &c)).await
    }

    /// Opens a transaction on a candidate a decision may be made on at `version`.
    async fn open_for_decision(&self, id: ApplicationId, version: i32) -> Answer<(Tx, Candidate)> {
        Ok(match self.open(id).await? {
            Ok((tx, c)) => match blocked(&c, Some(version)) {
                Some(b) => Err(Refusal::Blocked(b)),
                None => Ok((tx, c)),
            },
            Err(r) => Err(r),
        })
    }

    /// Applies `decision` at `version`; a lost race (someone decided in between) is "changed".
    async fn apply(
        tx: &mut Tx,
        cx: &Context,
        c: &Candidate,
        version: i32,
        decision: Decision<'_>,
    ) -> Result<Result<(), Refusal>, DbError> {
        Ok(if db::selection::decide(tx.conn(), c.id, version, decision, cx.now).await? {
            Ok(())
        } else {
            Err(Refusal::Blocked(Blocked::Changed))
        })
    }

    /// Sets the moderated final score with its reason.
    ///
    /// # Errors
    /// Database failure.
    pub async fn final_score(
        &self,
        cx: &Context,
        id: ApplicationId,
        version: i32,
        pairs: &[(String, String)],
    ) -> Answer<()> {
        let (mut tx, c) = match self.open_for_decision(id, version).await? {
            Ok(found) => found,
            Err(r) => return Ok(Err(r)),
        };
        let input = ModerationInput {
            score: field(pairs, "final_score"),
            reason: field(pairs, "final_reason"),
        };
        let (score, reason) = match input.validate() {
            Ok(valid) => valid,
            Err(problems) => return Self::refuse_form(tx, cx, id, problems, pairs).await,
        };
        if let Err(r) =
            Self::apply(&mut tx, cx, &c, version, Decision::FinalScore(score, &reason)).await?
        {
            return Ok(Err(r));
        }
        // Whoever sets the final score has moderated: they see every sheet from now on.
        db::selection::set_moderating(tx.conn(), c.id, cx.by.as_uuid()).await?;
        Self::finish(tx, cx, id, entry(cx, "candidate.final_score", &c)).await
    }

    /// Reveals a hidden candidate before they pass the sift (HR only, with a reason).
    ///
    /// # Errors
    /// Database failure.
    pub async fn reveal(
        &self,
        cx: &Context,
        id: ApplicationId,
        pairs: &[(String, String)],
    ) -> Answer<()> {
        let (mut tx, c) = match self.open(id).await? {
            Ok(found) => found,
            Err(r) => return Ok(Err(r)),
        };
        if c.restricted {
            return Ok(Err(Refusal::Blocked(Blocked::Restricted)));
        }
        if !identity_hidden(c.name_blind, stage_of(&c)?, c.revealed) {
            return Ok(Err(Refusal::Blocked(Blocked::NotAllowed)));
        }
        let reason = match required(
            pairs,
            "reveal_reason",
            "Enter why the candidate's identity must be revealed before the sift ends",
            MAX_REASON,
            "Reason must be 1,000 characters or fewer",
        ) {
            Ok(reason) => reason,
            Err(problem) => return Self::refuse_form(tx, cx, id, vec![problem], pairs).await,
        };
        if !db::selection::reveal_early(tx.conn(), c.id, cx.by.as_uuid(), &reason, cx.now).await? {
            return Ok(Err(Refusal::Blocked(Blocked::Changed)));
        }
        Self::finish(tx, cx, id, entry(cx, "candidate.reveal.early", &c)).await
    }

    /// Adds a note (`interview`: notes from an interview).
    ///
    /// # Errors
    /// Database failure.
    pub async fn note(
        &self,
        cx: &Context,
        id: ApplicationId,
        pairs: &[(String, String)],
    ) -> Answer<()> {
        let (mut tx, c) = match self.open(id).await? {
            Ok(found) => found,
            Err(r) => return Ok(Err(r)),
        };
        if c.restricted {
            return Ok(Err(Refusal::Blocked(Blocked::Restricted)));
        }
        let kind = if field(pairs, "kind") == "interview" { "interview" } else { "note" };
        let text = match required(
            pairs,
            "note",
            "Enter the note",
            MAX_NOTE,
            "Note must be 5,000 characters or fewer",
        ) {
            Ok(text) => text,
            Err(problem) => return Self::refuse_form(tx, cx, id, vec![problem], pairs).await,
        };
        db::selection::add_note(tx.conn(), c.id, cx.by.as_uuid(), kind, &text, cx.now).await?;
        Self::finish(tx, cx, id, entry(cx, "candidate.note", &c)).await
    }
}

impl StoreSelection {
    /// The CV to download, if the candidate has one and their identity is not hidden (the CV
    /// file identifies them); records the download in the audit log. Returns the stored
    /// document, its original name and its type.
    ///
    /// # Errors
    /// Database failure.
    pub async fn cv(
        &self,
        cx: &Context,
        id: ApplicationId,
    ) -> Result<Option<(DocumentRef, String, String)>, DbError> {
        let mut tx = self.db.begin().await?;
        let Some(c) = db::selection::candidate(tx.conn(), id.as_uuid()).await? else {
            return Ok(None);
        };
        if identity_hidden(c.name_blind, stage_of(&c)?, c.revealed) {
            return Ok(None);
        }
        let Some(doc) = db::applications::cv(tx.conn(), c.id).await? else { return Ok(None) };
        db::audit::append(tx.conn(), &entry(cx, "candidate.cv.download", &c)).await?;
        tx.commit().await?;
        Ok(Some((
            DocumentRef { application: c.id, document: doc.id },
            doc.original_name,
            doc.media_type,
        )))
    }
}

/// The posted field `name`, trimmed, which must be present and at most `max` characters.
fn required(
    pairs: &[(String, String)],
    name: &str,
    missing: &str,
    max: usize,
    too_long: &str,
) -> Result<String, FieldError> {
    let text = field(pairs, name).trim().to_owned();
    if text.is_empty() {
        Err(FieldError::new(name, missing))
    } else if text.chars().count() > max {
        Err(FieldError::new(name, too_long))
    } else {
        Ok(text)
    }
}

/// The value of the posted field `name` ("" when absent).
pub(crate) fn field(pairs: &[(String, String)], name: &str) -> String {
    pairs.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone()).unwrap_or_default()
}
