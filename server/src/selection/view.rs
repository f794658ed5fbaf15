//! The [`app::ports::Selection`] port: the pipeline board and the candidate page, built for
//! one viewer. The two promises are kept here, where the data leaves the server:
//! - a hidden identity (name-blind sift) is never put in the answer — no name, contact
//!   details, eligibility, source, screening answers or CV, only criterion answers and the
//!   covering statement;
//! - colleagues' scores and evidence, and averages built from them, are left out until the
//!   viewer has submitted their own sheet or chosen to moderate.

use super::{Kept, form_key};
use crate::db::{self, Database, selection::BoardRow};
use crate::staff_admin::{KeptRejections, REJECTIONS_FORM};
use app::domain::selection::{DEFAULT_REJECTION_TEMPLATE, settings::RejectionSettings};
use app::domain::{
    ApplicationId, StaffId, VacancyId,
    access::VacancyRole,
    application::{RightToWork, source_words},
    selection::{
        CandidateIdentity, CandidatePage, CandidateRow, ColleagueSheet, HistoryEntry, HoldRow,
        Holds, InterviewRow, NoteRow, PipelineFilter, PipelinePage, ScoreLine, SheetView, Sort,
        StageCount, Standing, TeamMember, Viewer, candidate_label, identity_hidden, may_move,
        sees_colleagues,
    },
    time,
    vacancy_edit::Stage,
};
use app::error::AppError;
use async_trait::async_trait;
use chrono::{DateTime, Duration, Utc};
use uuid::Uuid;

/// The read side of selection.
#[derive(Debug, Clone)]
pub struct StoreSelectionView {
    db: Database,
    dbs_months: u32,
}

impl StoreSelectionView {
    /// Reads from `db`.
    #[must_use]
    pub const fn new(db: Database, dbs_months: u32) -> Self {
        Self { db, dbs_months }
    }
}

fn decode(what: &str) -> AppError {
    AppError::internal(format!("unknown {what} in the database"))
}

fn name(preferred: Option<&String>, full: Option<&String>) -> String {
    preferred.or(full).cloned().unwrap_or_default()
}

/// A board row as this viewer may see it.
fn row(
    r: BoardRow,
    name_blind: bool,
    scorers: i64,
    sees_retention: bool,
) -> Result<CandidateRow, AppError> {
    let stage = Stage::from_code(&r.stage).ok_or_else(|| decode("stage"))?;
    let hidden = identity_hidden(name_blind, stage, r.revealed);
    let label = if hidden {
        candidate_label(r.candidate_number)
    } else {
        name(r.preferred_name.as_ref(), r.full_name.as_ref())
    };
    let sees = sees_colleagues(r.mine_submitted, r.mine_moderating);
    let average = match (r.sheets, r.sheet_sum) {
        (n, Some(sum)) if n > 0 => i32::try_from(sum / n).ok(),
        _ => None,
    };
    let score = if sees { r.final_score.or(average) } else { None };
    Ok(CandidateRow {
        id: ApplicationId::from_uuid(r.id),
        label,
        number: r.candidate_number,
        stage,
        standing: Standing::from_stored(&r.status, r.outcome.as_deref(), r.appointable),
        score,
        moderated: sees && r.final_score.is_some(),
        sheets: r.sheets,
        scorers,
        scored_by_me: r.mine_submitted,
        restricted: r.restricted,
        retention: sees_retention
            .then(|| db::retention::as_retention(r.retain_until, &r.retention_rule).summary()),
    })
}

/// Legal holds as HR sees them.
fn hold_rows(holds: Vec<db::retention::Hold>) -> Vec<HoldRow> {
    let who = |name: Option<String>| name.unwrap_or_else(|| "a former colleague".to_owned());
    holds
        .into_iter()
        .map(|h| HoldRow {
            id: h.id.to_string(),
            whole_vacancy: h.vacancy_id.is_some(),
            reason: h.reason,
            placed: format!(
                "Placed by {} on {}",
                who(h.placed_by),
                time::format_uk_datetime(h.placed_at)
            ),
            released: h.released_at.map(|at| {
                format!("Released by {} on {}", who(h.released_by), time::format_uk_datetime(at))
            }),
        })
        .collect()
}

/// A history entry in words. `appointable`: the application's rejection found the candidate
/// appointable, not appointed (an application ends once, so its one rejection is that one).
fn history_words(h: &db::selection::HistoryRow, appointable: bool) -> String {
    let stage = |code: &str| Stage::from_code(code).map_or("an unknown stage", Stage::words);
    match h.event.as_deref() {
        Some("rejected") if appointable => "Found appointable, not appointed".to_owned(),
        Some("rejected") => "Rejected".to_owned(),
        Some("withdrawn") if h.by_staff.is_none() => "Withdrawn by the applicant".to_owned(),
        Some("withdrawn") => "Withdrawn on the applicant's behalf".to_owned(),
        Some("offer_accepted") => "Offer accepted".to_owned(),
        Some("offer_declined") => "Offer declined".to_owned(),
        _ => match &h.from_stage {
            Some(from) => format!("Moved from {} to {}", stage(from), stage(&h.to_stage)),
            None => format!("Moved to {}", stage(&h.to_stage)),
        },
    }
}

#[async_trait]
impl app::ports::Selection for StoreSelectionView {
    async fn rejection_settings(
        &self,
        viewer: StaffId,
        rejected: bool,
        now: DateTime<Utc>,
    ) -> Result<RejectionSettings, AppError> {
        let mut conn = self.db.acquire().await.map_err(AppError::internal)?;
        let reasons = db::selection::reasons(conn.conn()).await.map_err(AppError::internal)?;
        let custom =
            db::selection::rejection_template(conn.conn()).await.map_err(AppError::internal)?;
        let kept: Option<KeptRejections> = if rejected {
            db::staff_forms::kept(conn.conn(), viewer, REJECTIONS_FORM, now - Duration::days(1))
                .await
                .map_err(AppError::internal)?
                .and_then(|json| serde_json::from_str(&json).ok())
        } else {
            None
        };
        let using_default = custom.is_none();
        let stored = custom.unwrap_or_else(|| DEFAULT_REJECTION_TEMPLATE.to_owned());
        Ok(match kept {
            Some(k) => RejectionSettings {
                reasons,
                template: k.template.unwrap_or(stored),
                using_default,
                problems: vec![k.problem],
                typed_reason: k.reason.unwrap_or_default(),
            },
            None => RejectionSettings {
                reasons,
                template: stored,
                using_default,
                problems: Vec::new(),
                typed_reason: String::new(),
            },
        })
    }

    async fn vacancy_of(&self, application: ApplicationId) -> Result<Option<VacancyId>, AppError> {
        let mut conn = self.db.acquire().await.map_err(AppError::internal)?;
        Ok(db::selection::candidate(conn.conn(), application.as_uuid())
            .await
            .map_err(AppError::internal)?
            .map(|c| VacancyId::from_uuid(c.vacancy_id)))
    }

    async fn pipeline(
        &self,
        viewer: &Viewer,
        vacancy: VacancyId,
        filter: PipelineFilter,
    ) -> Result<PipelinePage, AppError> {
        let mut conn = self.db.acquire().await.map_err(AppError::internal)?;
        let v = vacancy.as_uuid();
        let (title, name_blind) = db::selection::vacancy(conn.conn(), v)
            .await
            .map_err(AppError::internal)?
            .ok_or(AppError::NotFound)?;
        let stages = db::selection::stages(conn.conn(), v).await.map_err(AppError::internal)?;
        let scorers = i64::try_from(
            db::selection::team(conn.conn(), v).await.map_err(AppError::internal)?.len(),
        )
        .unwrap_or(0);
        let rows = db::selection::board(conn.conn(), v, viewer.staff.as_uuid())
            .await
            .map_err(AppError::internal)?;
        let reasons = if viewer.can_decide {
            db::selection::reasons(conn.conn()).await.map_err(AppError::internal)?
        } else {
            Vec::new()
        };
        let holds = if viewer.sees_retention {
            let rows = db::retention::holds_for_vacancy(conn.conn(), vacancy.as_uuid())
                .await
                .map_err(AppError::internal)?;
            Some(Holds { rows: hold_rows(rows), can_manage: viewer.manages_retention })
        } else {
            None
        };
        drop(conn);
        let all: Vec<CandidateRow> = rows
            .into_iter()
            .map(|r| row(r, name_blind, scorers, viewer.sees_retention))
            .collect::<Result<_, _>>()?;
        let counts = stages
            .iter()
            .map(|s| StageCount {
                stage: *s,
                count: all.iter().filter(|r| r.stage == *s && r.standing.active()).count(),
                matching: all.iter().filter(|r| r.stage == *s && filter.keeps(r)).count(),
            })
            .collect();
        let ended = [
            Standing::Rejected,
            Standing::Appointable,
            Standing::Withdrawn,
            Standing::OfferDeclined,
            Standing::Hired,
        ]
        .into_iter()
        .map(|s| (s, all.iter().filter(|r| r.standing == s).count()))
        .filter(|(_, n)| *n > 0)
        .collect();
        let mut candidates: Vec<CandidateRow> =
            all.into_iter().filter(|r| filter.keeps(r)).collect();
        if filter.sort == Sort::Score {
            // Highest first; unscored (or not yet visible) last, then by number.
            candidates.sort_by_key(|r| (std::cmp::Reverse(r.score.unwrap_or(-1)), r.number));
        }
        let matching = candidates.len();
        let (candidates, pages) = filter.cut(candidates);
        Ok(PipelinePage {
            vacancy,
            title,
            name_blind,
            stages: counts,
            ended,
            filter,
            candidates,
            matching,
            pages,
            can_decide: viewer.can_decide,
            reasons,
            holds,
        })
    }

    async fn candidate(
        &self,
        viewer: &Viewer,
        application: ApplicationId,
        rejected: bool,
        now: DateTime<Utc>,
    ) -> Result<CandidatePage, AppError> {
        let mut conn = self.db.acquire().await.map_err(AppError::internal)?;
        let id = application.as_uuid();
        let c = db::selection::candidate(conn.conn(), id)
            .await
            .map_err(AppError::internal)?
            .ok_or(AppError::NotFound)?;
        let d = db::selection::details(conn.conn(), id)
            .await
            .map_err(AppError::internal)?
            .ok_or(AppError::NotFound)?;
        let stage = Stage::from_code(&c.stage).ok_or_else(|| decode("stage"))?;
        let standing = Standing::from_stored(&c.status, c.outcome.as_deref(), c.appointable);
        let hidden = identity_hidden(c.name_blind, stage, c.revealed);
        let criteria =
            db::selection::criteria(conn.conn(), c.vacancy_id).await.map_err(AppError::internal)?;
        let answers =
            db::applications::answers(conn.conn(), id).await.map_err(AppError::internal)?;
        let answer_to = |p: i32| answers.iter().find(|(q, _)| *q == p).map(|(_, a)| a.clone());

        let identity = if hidden {
            None
        } else {
            let questions = db::selection::questions(conn.conn(), c.vacancy_id)
                .await
                .map_err(AppError::internal)?;
            let given = db::applications::screening_answers(conn.conn(), id)
                .await
                .map_err(AppError::internal)?;
            let cv = db::applications::cv(conn.conn(), id).await.map_err(AppError::internal)?;
            let source = match (d.source.as_deref(), d.source_other.as_deref()) {
                (Some("other"), Some(other)) => format!("Other: {other}"),
                (Some(code), _) => source_words(code).to_owned(),
                (None, _) => String::new(),
            };
            Some(CandidateIdentity {
                full_name: c.full_name.clone().unwrap_or_default(),
                preferred_name: c.preferred_name.clone(),
                email: c.email.clone().unwrap_or_default(),
                phone: d.phone.clone(),
                right_to_work: d
                    .right_to_work
                    .as_deref()
                    .and_then(RightToWork::from_code)
                    .map_or_else(String::new, |r| r.words().to_owned()),
                notice_period: d.notice_period.clone().unwrap_or_default(),
                earliest_start: d
                    .earliest_start
                    .map(|date| date.format("%-d %B %Y").to_string())
                    .unwrap_or_default(),
                salary_expectation: d
                    .salary_expectation
                    .map(|p| format!("{} a year", app::domain::vacancy::pounds(p)))
                    .unwrap_or_default(),
                source,
                screening: questions
                    .into_iter()
                    .map(|(p, text, expected)| {
                        let answer = given
                            .iter()
                            .find(|(q, _)| *q == p)
                            .map(|(_, a)| a.clone())
                            .unwrap_or_default();
                        let meets = expected.map(|e| e == answer);
                        (text, if answer == "yes" { "Yes" } else { "No" }.to_owned(), meets)
                    })
                    .collect(),
                cv: cv.map(|doc| (doc.original_name, doc.size_bytes)),
            })
        };

        let history = db::selection::history(conn.conn(), id).await.map_err(AppError::internal)?;
        let notes = db::selection::notes(conn.conn(), id).await.map_err(AppError::internal)?;
        let interviews =
            db::selection::interviews(conn.conn(), id).await.map_err(AppError::internal)?;
        let sheets = db::selection::sheets(conn.conn(), id).await.map_err(AppError::internal)?;
        let scores = db::selection::scores(conn.conn(), id).await.map_err(AppError::internal)?;
        let team =
            db::selection::team(conn.conn(), c.vacancy_id).await.map_err(AppError::internal)?;
        let stages =
            db::selection::stages(conn.conn(), c.vacancy_id).await.map_err(AppError::internal)?;
        let reasons = if viewer.can_decide {
            db::selection::reasons(conn.conn()).await.map_err(AppError::internal)?
        } else {
            Vec::new()
        };
        let retention = if viewer.sees_retention {
            let stored = db::retention::stored(conn.conn(), application.as_uuid())
                .await
                .map_err(AppError::internal)?
                .ok_or(AppError::NotFound)?;
            let holds = db::retention::holds_for_application(conn.conn(), application.as_uuid())
                .await
                .map_err(AppError::internal)?;
            Some((
                stored.summary(),
                Holds { rows: hold_rows(holds), can_manage: viewer.manages_retention },
            ))
        } else {
            None
        };
        // Checks are HR's alone (PRODUCT §3.1): nobody else's page even asks for them.
        let checks = if viewer.manages_checks {
            crate::checks::section(conn.conn(), &c, self.dbs_months)
                .await
                .map_err(AppError::internal)?
        } else {
            None
        };
        // Referees are third-party data: HR at any stage, the hiring manager from the offer.
        let sees_references = if app::domain::checks::at_offer_stage(stage) {
            viewer.references_at_offer
        } else {
            viewer.references_any_stage
        };
        let references = if sees_references {
            crate::references::section(conn.conn(), &c, viewer.references_any_stage, now)
                .await
                .map_err(AppError::internal)?
        } else {
            None
        };
        let kept: Option<Kept> = if rejected {
            db::staff_forms::kept(
                conn.conn(),
                viewer.staff,
                &form_key(application),
                now - Duration::days(1),
            )
            .await
            .map_err(AppError::internal)?
            .and_then(|json| serde_json::from_str(&json).ok())
        } else {
            None
        };
        let reserve_status = if standing == Standing::Appointable {
            let until = db::reserve::live_consent_until(conn.conn(), id, now)
                .await
                .map_err(AppError::internal)?;
            Some(until.map_or_else(
                || {
                    "Not on the reserve list: the candidate has not agreed to be kept for other \
                     jobs (the letter telling them of the decision asked them)"
                        .to_owned()
                },
                |u| format!("On the reserve list until {}", time::format_uk_date(u)),
            ))
        } else {
            None
        };
        drop(conn);

        let lines_of = |scorer: Uuid| -> Vec<ScoreLine> {
            criteria
                .iter()
                .map(|(p, text, weight)| {
                    let s = scores.iter().find(|(who, q, _, _)| *who == scorer && q == p);
                    ScoreLine {
                        criterion: text.clone(),
                        weight: *weight,
                        score: s.map(|(_, _, score, _)| *score),
                        evidence: s.map(|(_, _, _, e)| e.clone()).unwrap_or_default(),
                    }
                })
                .collect()
        };
        let me = viewer.staff.as_uuid();
        let mine = sheets.iter().find(|s| s.scorer == me);
        let own_submitted = mine.is_some_and(|s| s.submitted_at.is_some() && s.total.is_some());
        let moderating = mine.is_some_and(|s| s.moderating);
        let submitted: Vec<_> =
            sheets.iter().filter(|s| s.submitted_at.is_some() && s.total.is_some()).collect();
        let sees = sees_colleagues(own_submitted, moderating);
        let colleagues = sees.then(|| {
            submitted
                .iter()
                .filter(|s| s.scorer != me)
                .map(|s| ColleagueSheet {
                    scorer: s.scorer_name.clone(),
                    total: s.total,
                    lines: lines_of(s.scorer),
                })
                .collect()
        });
        let active = standing.active() && !c.restricted;
        let offer_accepted = c.offer_response.as_deref() == Some("accepted");
        let label = if hidden {
            candidate_label(c.candidate_number)
        } else {
            name(c.preferred_name.as_ref(), c.full_name.as_ref())
        };
        Ok(CandidatePage {
            id: application,
            vacancy: VacancyId::from_uuid(c.vacancy_id),
            vacancy_title: c.vacancy_title,
            label,
            number: c.candidate_number,
            stage,
            standing,
            version: c.version,
            restricted: c.restricted,
            identity,
            answers: criteria
                .iter()
                .map(|(p, text, _)| (text.clone(), answer_to(*p).unwrap_or_default()))
                .collect(),
            covering_statement: d.covering_statement.unwrap_or_default(),
            adjustments: viewer.sees_adjustments.then(|| match d.adjustments_needed {
                Some(true) => d.adjustments.clone().unwrap_or_default(),
                _ => "None asked for".to_owned(),
            }),
            history: history
                .iter()
                .map(|h| HistoryEntry {
                    at: time::format_uk_datetime(h.at),
                    by: h.by_name.clone().unwrap_or_else(|| {
                        if h.by_staff.is_none() { "The applicant" } else { "A former colleague" }
                            .to_owned()
                    }),
                    what: history_words(h, standing == Standing::Appointable),
                })
                .collect(),
            notes: notes
                .into_iter()
                .map(|n| NoteRow {
                    at: time::format_uk_datetime(n.at),
                    author: n.author_name.unwrap_or_else(|| "A former colleague".to_owned()),
                    interview: n.kind == "interview",
                    text: n.text,
                })
                .collect(),
            interviews: interviews
                .into_iter()
                .map(|(at, place, panel)| InterviewRow {
                    starts: time::format_uk_datetime(at),
                    place,
                    panel,
                })
                .collect(),
            my_sheet: viewer.can_score.then(|| SheetView {
                lines: lines_of(me),
                submitted: own_submitted,
                total: mine.and_then(|s| s.total),
            }),
            colleagues,
            sheets_submitted: i64::try_from(submitted.len()).unwrap_or(0),
            moderating,
            final_score: if sees {
                d.final_score.map(|s| (s, d.final_score_reason.unwrap_or_default()))
            } else {
                None
            },
            offer_response: c.offer_response,
            moves: if viewer.can_decide && active {
                Stage::ALL
                    .into_iter()
                    .filter(|to| may_move(stage, *to, &stages, offer_accepted))
                    .collect()
            } else {
                Vec::new()
            },
            reasons,
            team: if viewer.can_decide {
                team.into_iter()
                    .filter(|(_, _, role)| VacancyRole::parse(role).is_some())
                    .map(|(id, name, _)| TeamMember { id: StaffId::from_uuid(id), name })
                    .collect()
            } else {
                Vec::new()
            },
            can_score: viewer.can_score && active,
            can_decide: viewer.can_decide && active,
            can_reveal: viewer.can_reveal && hidden && !c.restricted,
            can_mark_appointable: viewer.can_decide
                && active
                && app::domain::reserve::may_mark_appointable(stage, offer_accepted),
            reserve_status,
            retention,
            checks,
            references,
            problems: kept.as_ref().map(|k| k.problems.clone()).unwrap_or_default(),
            typed: kept.map(|k| k.typed).unwrap_or_default(),
        })
    }
}
