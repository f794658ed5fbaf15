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

mod view;

pub use view::StoreSelectionView;

use crate::db::{
    self, Database, DbError, Tx,
    audit::{AuditEntry, Outcome},
    selection::{Candidate, Decision},
};
use crate::documents::DocumentRef;
use crate::mail::{NewMessage, Outbox};
use crate::staff_admin::Context;
use app::domain::{
    ApplicationId, StaffId, VacancyId,
    selection::{
        Blocked, DEFAULT_REJECTION_TEMPLATE, InterviewInput, MAX_NOTE, MAX_REASON, ModerationInput,
        Reason, RejectInput, ScoreSheetInput, identity_hidden, may_move, rejection_letter,
        sheet_total,
    },
    time,
    vacancy_edit::Stage,
};
use app::error::FieldError;
use uuid::Uuid;

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
    /// Selection over `db`, mailing applicants through `outbox` in the organisation's name.
    #[must_use]
    pub const fn new(db: Database, outbox: Outbox, organisation: String) -> Self {
        Self { db, outbox, organisation }
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

    /// Moves a candidate to `to`. Leaving the sift of a name-blind vacancy reveals who they
    /// are (recorded in the audit log as passing the sift); reaching Hired ends the
    /// application as hired (the decision time).
    ///
    /// # Errors
    /// Database failure.
    pub async fn move_to(
        &self,
        cx: &Context,
        id: ApplicationId,
        version: i32,
        to: Stage,
    ) -> Answer<()> {
        let (mut tx, c) = match self.open_for_decision(id, version).await? {
            Ok(found) => found,
            Err(r) => return Ok(Err(r)),
        };
        let from = stage_of(&c)?;
        let stages = db::selection::stages(tx.conn(), c.vacancy_id).await?;
        if !may_move(from, to, &stages, c.offer_response.as_deref() == Some("accepted")) {
            return Ok(Err(Refusal::Blocked(Blocked::NotAllowed)));
        }
        let reveal = identity_hidden(c.name_blind, from, c.revealed)
            && !identity_hidden(c.name_blind, to, false);
        let decision = Decision::Move { to: to.code(), reveal, hire: to == Stage::Hired };
        if let Err(r) = Self::apply(&mut tx, cx, &c, version, decision).await? {
            return Ok(Err(r));
        }
        db::selection::record_stage(
            tx.conn(),
            c.id,
            cx.now,
            Some(cx.by.as_uuid()),
            Some(from.code()),
            Some(to.code()),
            None,
        )
        .await?;
        if reveal {
            db::audit::append(tx.conn(), &entry(cx, "candidate.reveal.sift", &c)).await?;
        }
        Self::finish(tx, cx, id, entry(cx, "candidate.move", &c)).await
    }

    /// The organisation's rejection reasons in use.
    ///
    /// # Errors
    /// Database failure.
    pub async fn reasons(&self) -> Result<Vec<Reason>, DbError> {
        let mut conn = self.db.acquire().await?;
        reasons(conn.conn()).await
    }

    /// Rejects one candidate with a reason and optional feedback, and writes to them.
    ///
    /// # Errors
    /// Database failure.
    pub async fn reject(
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
        let input =
            RejectInput { reason: field(pairs, "reason"), feedback: field(pairs, "feedback") };
        let (reason, feedback) = match input.validate(&reasons(tx.conn()).await?) {
            Ok(valid) => valid,
            Err(problems) => return Self::refuse_form(tx, cx, id, problems, pairs).await,
        };
        if let Err(r) =
            self.reject_in(&mut tx, cx, &c, version, &reason, feedback.as_deref()).await?
        {
            return Ok(Err(r));
        }
        let done = Self::finish(tx, cx, id, entry(cx, "candidate.reject", &c)).await;
        self.outbox.wake();
        done
    }

    async fn reject_in(
        &self,
        tx: &mut Tx,
        cx: &Context,
        c: &Candidate,
        version: i32,
        reason: &str,
        feedback: Option<&str>,
    ) -> Result<Result<(), Refusal>, DbError> {
        if let Err(r) = Self::apply(tx, cx, c, version, Decision::Reject(reason)).await? {
            return Ok(Err(r));
        }
        db::selection::record_stage(
            tx.conn(),
            c.id,
            cx.now,
            Some(cx.by.as_uuid()),
            None,
            None,
            Some("rejected"),
        )
        .await?;
        let template = db::selection::rejection_template(tx.conn())
            .await?
            .unwrap_or_else(|| DEFAULT_REJECTION_TEMPLATE.to_owned());
        let body = rejection_letter(
            &template,
            &name_of(c),
            &c.vacancy_title,
            feedback,
            &self.organisation,
        );
        self.mail(
            tx,
            cx,
            c,
            "candidate.rejection",
            format!("Your application for {}", c.vacancy_title),
            body,
        )
        .await?;
        Ok(Ok(()))
    }

    async fn mail(
        &self,
        tx: &mut Tx,
        cx: &Context,
        c: &Candidate,
        purpose: &'static str,
        subject: String,
        body: String,
    ) -> Result<(), DbError> {
        let Some(to) = c.email.clone() else { return Ok(()) };
        let message = NewMessage {
            id: Uuid::new_v4(),
            purpose,
            to,
            subject,
            body,
            staff: None,
            application: Some(c.id),
        };
        self.outbox.store(tx.conn(), &message, cx.now).await
    }

    /// Rejects every chosen candidate of `vacancy` still at Applied or Sift with one reason;
    /// candidates that are restricted, ended, elsewhere in the pipeline or not of this vacancy
    /// are left alone. Returns (rejected, left alone).
    ///
    /// # Errors
    /// Database failure.
    pub async fn bulk_reject(
        &self,
        cx: &Context,
        vacancy: VacancyId,
        ids: &[ApplicationId],
        reason: &str,
    ) -> Answer<(usize, usize)> {
        let mut tx = self.db.begin().await?;
        let input = RejectInput { reason: reason.to_owned(), feedback: String::new() };
        let Ok((reason, _)) = input.validate(&reasons(tx.conn()).await?) else {
            return Ok(Err(Refusal::Invalid));
        };
        let (mut done, mut skipped) = (0, 0);
        for id in ids {
            let c = db::selection::candidate(tx.conn(), id.as_uuid()).await?;
            let Some(c) = c.filter(|c| c.vacancy_id == vacancy.as_uuid()) else {
                skipped += 1;
                continue;
            };
            let at_sift = matches!(stage_of(&c)?, Stage::Applied | Stage::Sift);
            if !at_sift || blocked(&c, None).is_some() {
                skipped += 1;
                continue;
            }
            match self.reject_in(&mut tx, cx, &c, c.version, &reason, None).await? {
                Ok(()) => {
                    db::audit::append(tx.conn(), &entry(cx, "candidate.reject", &c)).await?;
                    done += 1;
                }
                Err(_) => skipped += 1,
            }
        }
        tx.commit().await?;
        self.outbox.wake();
        Ok(Ok((done, skipped)))
    }

    /// Withdraws an application on the applicant's behalf (they asked by phone or letter),
    /// and confirms it to them.
    ///
    /// # Errors
    /// Database failure.
    pub async fn withdraw(&self, cx: &Context, id: ApplicationId, version: i32) -> Answer<()> {
        let (mut tx, c) = match self.open_for_decision(id, version).await? {
            Ok(found) => found,
            Err(r) => return Ok(Err(r)),
        };
        if let Err(r) = Self::apply(&mut tx, cx, &c, version, Decision::Withdraw).await? {
            return Ok(Err(r));
        }
        db::selection::record_stage(
            tx.conn(),
            c.id,
            cx.now,
            Some(cx.by.as_uuid()),
            None,
            None,
            Some("withdrawn"),
        )
        .await?;
        let body = format!(
            "Dear {},\n\nAs you asked, we have withdrawn your application for {}. We will not consider it any further.\n\n{}",
            name_of(&c),
            c.vacancy_title,
            self.organisation
        );
        self.mail(
            &mut tx,
            cx,
            &c,
            "candidate.withdrawn",
            format!("Application withdrawn: {}", c.vacancy_title),
            body,
        )
        .await?;
        let done = Self::finish(tx, cx, id, entry(cx, "candidate.withdraw", &c)).await;
        self.outbox.wake();
        done
    }

    /// Records the answer to an offer (the candidate must be at Offer).
    ///
    /// # Errors
    /// Database failure.
    pub async fn offer_response(
        &self,
        cx: &Context,
        id: ApplicationId,
        version: i32,
        accepted: bool,
    ) -> Answer<()> {
        let (mut tx, c) = match self.open_for_decision(id, version).await? {
            Ok(found) => found,
            Err(r) => return Ok(Err(r)),
        };
        if stage_of(&c)? != Stage::Offer || c.offer_response.is_some() {
            return Ok(Err(Refusal::Blocked(Blocked::NotAllowed)));
        }
        if let Err(r) =
            Self::apply(&mut tx, cx, &c, version, Decision::OfferResponse(accepted)).await?
        {
            return Ok(Err(r));
        }
        let event = if accepted { "offer_accepted" } else { "offer_declined" };
        db::selection::record_stage(
            tx.conn(),
            c.id,
            cx.now,
            Some(cx.by.as_uuid()),
            None,
            None,
            Some(event),
        )
        .await?;
        Self::finish(tx, cx, id, entry(cx, "candidate.offer", &c)).await
    }

    /// Arranges an interview (the candidate must be at Interview or Assessment, so they have
    /// passed any name-blind sift) and invites the candidate and the panel.
    ///
    /// # Errors
    /// Database failure.
    pub async fn interview(
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
        if !matches!(stage_of(&c)?, Stage::Interview | Stage::Assessment) {
            return Ok(Err(Refusal::Blocked(Blocked::NotAllowed)));
        }
        let team = db::selection::team(tx.conn(), c.vacancy_id).await?;
        let team_ids: Vec<StaffId> =
            team.iter().map(|(id, _, _)| StaffId::from_uuid(*id)).collect();
        let input = InterviewInput {
            day: field(pairs, "interview_day"),
            month: field(pairs, "interview_month"),
            year: field(pairs, "interview_year"),
            time: field(pairs, "interview_time"),
            place: field(pairs, "place"),
            panel: pairs.iter().filter(|(k, _)| k == "panel").map(|(_, v)| v.clone()).collect(),
        };
        let plan = match input.validate(cx.now, &team_ids) {
            Ok(plan) => plan,
            Err(problems) => return Self::refuse_form(tx, cx, id, problems, pairs).await,
        };
        if let Err(r) = Self::apply(&mut tx, cx, &c, version, Decision::Touch).await? {
            return Ok(Err(r));
        }
        let panel: Vec<Uuid> = plan.panel.iter().map(|s| s.as_uuid()).collect();
        db::selection::add_interview(
            tx.conn(),
            c.id,
            plan.starts_at,
            &plan.place,
            &panel,
            cx.by.as_uuid(),
            cx.now,
        )
        .await?;
        let when = time::format_uk_datetime(plan.starts_at);
        let body = format!(
            "Dear {},\n\nThank you for your application for {}. We would like to invite you to an interview.\n\n\
             When: {when}\nWhere: {}\n\nIf you need any adjustments, or cannot come at this time, please contact our recruitment team.\n\n{}",
            name_of(&c),
            c.vacancy_title,
            plan.place,
            self.organisation
        );
        self.mail(
            &mut tx,
            cx,
            &c,
            "candidate.interview",
            format!("Interview invitation: {}", c.vacancy_title),
            body,
        )
        .await?;
        let emails = db::selection::staff_emails(tx.conn(), &panel).await?;
        for to in emails {
            let message = NewMessage {
                id: Uuid::new_v4(),
                purpose: "staff.interview_panel",
                to,
                subject: format!("Interview panel: {}", c.vacancy_title),
                body: format!(
                    "You are on the interview panel for {} (candidate {}).\n\nWhen: {when}\nWhere: {}\n\nThe candidate's application is in Shortlist.",
                    c.vacancy_title, c.candidate_number, plan.place
                ),
                staff: None,
                application: Some(c.id),
            };
            self.outbox.store(tx.conn(), &message, cx.now).await?;
        }
        let done = Self::finish(tx, cx, id, entry(cx, "candidate.interview", &c)).await;
        self.outbox.wake();
        done
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
        let reason = field(pairs, "reveal_reason").trim().to_owned();
        let mut problems = Vec::new();
        if reason.is_empty() {
            problems.push(FieldError::new(
                "reveal_reason",
                "Enter why the candidate's identity must be revealed before the sift ends",
            ));
        } else if reason.chars().count() > MAX_REASON {
            problems
                .push(FieldError::new("reveal_reason", "Reason must be 1,000 characters or fewer"));
        }
        if !problems.is_empty() {
            return Self::refuse_form(tx, cx, id, problems, pairs).await;
        }
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
        let text = field(pairs, "note").trim().to_owned();
        let kind = if field(pairs, "kind") == "interview" { "interview" } else { "note" };
        let mut problems = Vec::new();
        if text.is_empty() {
            problems.push(FieldError::new("note", "Enter the note"));
        } else if text.chars().count() > MAX_NOTE {
            problems.push(FieldError::new("note", "Note must be 5,000 characters or fewer"));
        }
        if !problems.is_empty() {
            return Self::refuse_form(tx, cx, id, problems, pairs).await;
        }
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

/// The organisation's rejection reasons in use.
async fn reasons(conn: db::Conn<'_>) -> Result<Vec<Reason>, DbError> {
    Ok(db::selection::reasons(conn)
        .await?
        .into_iter()
        .map(|(code, words)| Reason { code, words })
        .collect())
}

/// The value of the posted field `name` ("" when absent).
pub(crate) fn field(pairs: &[(String, String)], name: &str) -> String {
    pairs.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone()).unwrap_or_default()
}
