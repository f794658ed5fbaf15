//! The decisions on a candidate: stage moves (passing a name-blind sift reveals who the
//! candidate is), rejection alone or in bulk at sift with the organisation's letter, finding
//! them appointable, not appointed (the reserve list), withdrawal
//! on the applicant's behalf, the offer's answer, and interviews with their invitations. Each
//! is refused while the application is restricted or ended, or changed since the selector
//! opened it (see the parent module).

use super::{Answer, Refusal, StoreSelection, blocked, entry, field, name_of, stage_of};
use crate::db::{
    self, DbError, Tx,
    selection::{Candidate, Decision},
};
use crate::mail::NewMessage;
use crate::staff_admin::Context;
use app::domain::{
    ApplicationId, StaffId, VacancyId,
    reports::Step,
    selection::{
        Blocked, DEFAULT_REJECTION_TEMPLATE, InterviewInput, RejectInput, identity_hidden,
        may_move, rejection_letter,
    },
    time,
    vacancy_edit::Stage,
};
use uuid::Uuid;

impl StoreSelection {
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
        let progress = db::selection::progress(tx.conn(), c.id).await?;
        if let Err(r) = Self::apply(&mut tx, cx, &c, version, decision).await? {
            return Ok(Err(r));
        }
        if let Some((before, sent)) = progress {
            // Same transaction: the diversity funnel's count of how far people got moves
            // with the candidate, or not at all.
            crate::monitoring::count_progress(
                tx.conn(),
                &self.pseudonyms,
                id,
                c.vacancy_id,
                sent,
                (before, before.max(Step::of(to))),
            )
            .await?;
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
        let (reason, feedback) = match input.validate(&db::selection::reasons(tx.conn()).await?) {
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
        if let Err(r) = Self::end(tx, cx, c, version, Decision::Reject(reason), "rejected").await? {
            return Ok(Err(r));
        }
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

    /// Applies a decision that ends the application and records it in the history as `event`
    /// (at the stage the candidate is at).
    async fn end(
        tx: &mut Tx,
        cx: &Context,
        c: &Candidate,
        version: i32,
        decision: Decision<'_>,
        event: &'static str,
    ) -> Result<Result<(), Refusal>, DbError> {
        if let Err(r) = Self::apply(tx, cx, c, version, decision).await? {
            return Ok(Err(r));
        }
        let by = Some(cx.by.as_uuid());
        db::selection::record_stage(tx.conn(), c.id, cx.now, by, None, None, Some(event)).await?;
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
        let Ok((reason, _)) = input.validate(&db::selection::reasons(tx.conn()).await?) else {
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
        if let Err(r) = Self::end(&mut tx, cx, &c, version, Decision::Withdraw, "withdrawn").await?
        {
            return Ok(Err(r));
        }
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

    /// Finds a candidate appointable, not appointed (PRODUCT §2.7): the application ends as
    /// unsuccessful (the retention clock starts) and the candidate is told — with a one-click
    /// link to join the reserve list unless they already agreed. Only at
    /// [`app::domain::reserve::may_mark_appointable`] stages.
    ///
    /// # Errors
    /// Database failure.
    pub async fn appointable(&self, cx: &Context, id: ApplicationId, version: i32) -> Answer<()> {
        let (mut tx, c) = match self.open_for_decision(id, version).await? {
            Ok(found) => found,
            Err(r) => return Ok(Err(r)),
        };
        let offer_accepted = c.offer_response.as_deref() == Some("accepted");
        if !app::domain::reserve::may_mark_appointable(stage_of(&c)?, offer_accepted) {
            return Ok(Err(Refusal::Blocked(Blocked::NotAllowed)));
        }
        // In the history it is the rejection event; the candidate page words it from
        // `appointable_at`.
        if let Err(r) =
            Self::end(&mut tx, cx, &c, version, Decision::Appointable, "rejected").await?
        {
            return Ok(Err(r));
        }
        let (subject, body) = self
            .reserve
            .appointable_letter(tx.conn(), c.id, &name_of(&c), &c.vacancy_title, cx.now)
            .await?;
        self.mail(&mut tx, cx, &c, "candidate.appointable", subject, body).await?;
        let done = Self::finish(tx, cx, id, entry(cx, "candidate.appointable", &c)).await;
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
}
