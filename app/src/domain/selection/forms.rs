//! The selection forms as typed and their validation: score sheets, moderation, rejection and
//! interviews. Messages follow the GOV.UK error message style; each names the field it is
//! about, so the error summary can link to it.

use super::{MAX_EVIDENCE, MAX_FEEDBACK, MAX_REASON, Reason};
use crate::domain::application::{check_text, line, parse_date_input};
use crate::domain::vacancy_edit::parse_time;
use crate::domain::{StaffId, time};
use crate::error::FieldError;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Reads a score on the published scale: a whole number from 1 to 7.
#[must_use]
pub fn parse_score(raw: &str) -> Option<i32> {
    match raw.trim() {
        t @ ("1" | "2" | "3" | "4" | "5" | "6" | "7") => t.parse().ok(),
        _ => None,
    }
}

/// A score sheet as typed: one score and one piece of evidence per criterion, in order.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScoreSheetInput {
    /// The chosen score per criterion ("" when none chosen yet).
    pub scores: Vec<String>,
    /// The evidence notes per criterion.
    pub evidence: Vec<String>,
    /// Whether the scorer is submitting (final) rather than saving a draft.
    pub submit: bool,
}

impl ScoreSheetInput {
    /// Reads the posted pairs `score_1`, `evidence_1`, … for `criteria` criteria and the
    /// `action` button (`submit` or `save`).
    #[must_use]
    pub fn from_pairs(pairs: &[(String, String)], criteria: usize) -> Self {
        let get = |name: String| {
            pairs.iter().find(|(k, _)| *k == name).map(|(_, v)| v.clone()).unwrap_or_default()
        };
        Self {
            scores: (1..=criteria).map(|i| get(format!("score_{i}"))).collect(),
            evidence: (1..=criteria).map(|i| get(format!("evidence_{i}"))).collect(),
            submit: get("action".to_owned()) == "submit",
        }
    }

    /// Validates against `criteria` criteria: a saved draft may leave scores out; a submitted
    /// sheet needs every one. Evidence is optional but limited in length.
    ///
    /// # Errors
    /// The problems, each naming its field (`score_2`, `evidence_3`).
    pub fn validate(&self, criteria: usize) -> Result<Vec<(Option<i32>, String)>, Vec<FieldError>> {
        let mut problems = Vec::new();
        let mut out = Vec::with_capacity(criteria);
        for i in 0..criteria {
            let raw = self.scores.get(i).map_or("", String::as_str);
            let evidence = self.evidence.get(i).cloned().unwrap_or_default();
            let field = format!("score_{}", i + 1);
            let score = if raw.trim().is_empty() {
                if self.submit {
                    problems.push(FieldError {
                        field: field.clone(),
                        message: format!("Choose a score for criterion {}", i + 1),
                    });
                }
                None
            } else {
                let s = parse_score(raw);
                if s.is_none() {
                    problems.push(FieldError {
                        field: field.clone(),
                        message: format!("Score for criterion {} must be from 1 to 7", i + 1),
                    });
                }
                s
            };
            check_text(
                &mut problems,
                &format!("evidence_{}", i + 1),
                &format!("Evidence for criterion {}", i + 1),
                &evidence,
                MAX_EVIDENCE,
                true,
            );
            out.push((score, evidence.trim().to_owned()));
        }
        if problems.is_empty() { Ok(out) } else { Err(problems) }
    }
}

/// The moderated final score as typed: a number from 1 to 7 with up to two decimals, and why.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModerationInput {
    /// "4.5".
    pub score: String,
    /// Why this is the final score.
    pub reason: String,
}

impl ModerationInput {
    /// The score × 100 and the reason.
    ///
    /// # Errors
    /// The problems (`final_score`, `final_reason`).
    pub fn validate(&self) -> Result<(i32, String), Vec<FieldError>> {
        let mut problems = Vec::new();
        let score = parse_hundredths(&self.score).filter(|s| (100..=700).contains(s));
        if score.is_none() {
            problems.push(FieldError::new(
                "final_score",
                "Enter a final score from 1 to 7, like 4 or 4.5",
            ));
        }
        let reason = self.reason.trim().to_owned();
        if reason.is_empty() {
            problems.push(FieldError::new("final_reason", "Enter the reason for the final score"));
        } else {
            check_text(&mut problems, "final_reason", "Reason", &reason, MAX_REASON, true);
        }
        match (score, problems.is_empty()) {
            (Some(s), true) => Ok((s, reason)),
            _ => Err(problems),
        }
    }
}

/// "4", "4.5", "4.25" as hundredths.
fn parse_hundredths(raw: &str) -> Option<i32> {
    let t = raw.trim();
    let (whole, frac) = t.split_once('.').unwrap_or((t, ""));
    let digits = |s: &str, max: usize| s.len() <= max && s.chars().all(|c| c.is_ascii_digit());
    if whole.is_empty()
        || !digits(whole, 1)
        || !digits(frac, 2)
        || (t.contains('.') && frac.is_empty())
    {
        return None;
    }
    let w: i32 = whole.parse().ok()?;
    let f: i32 = match frac.len() {
        0 => 0,
        1 => frac.parse::<i32>().ok()? * 10,
        _ => frac.parse().ok()?,
    };
    Some(w * 100 + f)
}

/// The rejection form as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RejectInput {
    /// A reason code from the organisation's list.
    pub reason: String,
    /// Optional feedback for the applicant, included in the letter.
    pub feedback: String,
}

impl RejectInput {
    /// The reason code (one of `reasons`) and the feedback, if any.
    ///
    /// # Errors
    /// The problems (`reason`, `feedback`).
    pub fn validate(
        &self,
        reasons: &[Reason],
    ) -> Result<(String, Option<String>), Vec<FieldError>> {
        let mut problems = Vec::new();
        let reason = reasons.iter().find(|r| r.code == self.reason.trim()).map(|r| r.code.clone());
        if reason.is_none() {
            problems.push(FieldError::new("reason", "Select the reason for rejecting"));
        }
        let feedback = line(&self.feedback);
        if let Some(f) = &feedback {
            check_text(&mut problems, "feedback", "Feedback", f, MAX_FEEDBACK, true);
        }
        match (reason, problems.is_empty()) {
            (Some(r), true) => Ok((r, feedback)),
            _ => Err(problems),
        }
    }
}

/// The interview form as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct InterviewInput {
    /// Date: day.
    pub day: String,
    /// Date: month.
    pub month: String,
    /// Date: year.
    pub year: String,
    /// Start time, UK time.
    pub time: String,
    /// The address, room or video link.
    pub place: String,
    /// Staff ids of the panel.
    pub panel: Vec<String>,
}

/// A valid interview.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InterviewPlan {
    /// When it starts.
    pub starts_at: DateTime<Utc>,
    /// Where (or the video link).
    pub place: String,
    /// Who sits on the panel.
    pub panel: Vec<StaffId>,
}

impl InterviewInput {
    /// Validates at `now`; the panel must come from `team` (the vacancy's hiring manager and
    /// panel), so a forged id can never invite a stranger.
    ///
    /// # Errors
    /// The problems (`interview_day`, `interview_time`, `place`, `panel`).
    pub fn validate(
        &self,
        now: DateTime<Utc>,
        team: &[StaffId],
    ) -> Result<InterviewPlan, Vec<FieldError>> {
        let mut problems = Vec::new();
        let today = time::to_uk(now).0.date();
        let starts_at = match parse_date_input(
            "interview",
            "Interview date",
            &self.day,
            &self.month,
            &self.year,
            today,
        ) {
            Err(e) => {
                problems.push(e);
                None
            }
            Ok(date) => match parse_time(&self.time) {
                Err(_) => {
                    problems.push(FieldError::new(
                        "interview_time",
                        "Enter the interview time like 14:30 or 2:30pm",
                    ));
                    None
                }
                Ok(t) => match time::from_uk(date.and_time(t)) {
                    Some(at) if at > now => Some(at),
                    Some(_) => {
                        problems.push(FieldError::new(
                            "interview_time",
                            "Interview time must be in the future",
                        ));
                        None
                    }
                    None => {
                        problems.push(FieldError::new(
                            "interview_time",
                            "That time does not happen on that day because the clocks go forward: choose another",
                        ));
                        None
                    }
                },
            },
        };
        let place = self.place.trim().to_owned();
        if place.is_empty() {
            problems
                .push(FieldError::new("place", "Enter where the interview is, or the video link"));
        } else {
            check_text(&mut problems, "place", "Place", &place, 500, false);
        }
        let mut panel = Vec::new();
        for raw in &self.panel {
            match raw.parse::<StaffId>().ok().filter(|id| team.contains(id)) {
                Some(id) if !panel.contains(&id) => panel.push(id),
                Some(_) => {}
                None => {
                    problems
                        .push(FieldError::new("panel", "Choose the panel from the vacancy's team"));
                    break;
                }
            }
        }
        if panel.is_empty() && !problems.iter().any(|p| p.field == "panel") {
            problems.push(FieldError::new("panel", "Choose at least one person for the panel"));
        }
        match (starts_at, problems.is_empty()) {
            (Some(starts_at), true) => Ok(InterviewPlan { starts_at, place, panel }),
            _ => Err(problems),
        }
    }
}
