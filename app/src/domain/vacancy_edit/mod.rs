//! Setting up a vacancy (HR): the editor's raw input, its validation, the pipeline stages and
//! what the staff vacancy pages show.
//!
//! Pure: "now" and the staff who may be given a role are parameters; nothing here stores,
//! renders or logs anything. Text is never interpreted: markup in a title or a criterion is
//! kept as typed and always shown as text.
//!
//! Two rules live here because the rest of the product depends on them:
//! - Pipeline stages come from a fixed set ([`Stage`]): later rules hang on them (passing the
//!   sift reveals a name-blind candidate; references show at offer). HR chooses which optional
//!   stages a vacancy uses, never invents new kinds.
//! - Once a vacancy is published its criteria, screening questions and stages are fixed
//!   ([`VacancyInput::validate`] with `locked`): applicants have answered them, and an answer
//!   must never be scored against a question it was not written for.

mod input;

pub(crate) use input::parse_time;
pub use input::{CriterionInput, QuestionInput, VacancyInput};

use super::{SalaryBand, StaffId, VacancyId, access::VacancyRole};
use crate::error::FieldError;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// The most criteria a person specification may have.
pub const MAX_CRITERIA: usize = 20;
/// The most screening questions a vacancy may ask.
pub const MAX_QUESTIONS: usize = 5;
/// The most location tags a vacancy may have.
pub const MAX_LOCATION_TAGS: usize = 10;

/// A pipeline stage.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Stage {
    /// Sent, not yet looked at.
    Applied,
    /// Being sifted against the person specification (name-blind if the vacancy says so).
    Sift,
    /// Invited to interview.
    Interview,
    /// Invited to an assessment (test, exercise, presentation).
    Assessment,
    /// Offered the post.
    Offer,
    /// Right-to-work and other checks before the start date.
    PreEmploymentChecks,
    /// Appointed.
    Hired,
}

impl Stage {
    /// Every stage, in pipeline order.
    pub const ALL: [Self; 7] = [
        Self::Applied,
        Self::Sift,
        Self::Interview,
        Self::Assessment,
        Self::Offer,
        Self::PreEmploymentChecks,
        Self::Hired,
    ];

    /// Storage and form code.
    #[must_use]
    pub const fn code(self) -> &'static str {
        match self {
            Self::Applied => "applied",
            Self::Sift => "sift",
            Self::Interview => "interview",
            Self::Assessment => "assessment",
            Self::Offer => "offer",
            Self::PreEmploymentChecks => "pre_employment_checks",
            Self::Hired => "hired",
        }
    }

    /// From a code.
    #[must_use]
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.code() == code)
    }

    /// The stage's name as staff read it.
    #[must_use]
    pub const fn words(self) -> &'static str {
        match self {
            Self::Applied => "Applied",
            Self::Sift => "Sift",
            Self::Interview => "Interview",
            Self::Assessment => "Assessment",
            Self::Offer => "Offer",
            Self::PreEmploymentChecks => "Pre-employment checks",
            Self::Hired => "Hired",
        }
    }

    /// Whether a vacancy may leave this stage out. The others are always there: every
    /// application is received and sifted, and nobody is hired without an offer and the
    /// right-to-work check the law requires.
    #[must_use]
    pub const fn optional(self) -> bool {
        matches!(self, Self::Interview | Self::Assessment)
    }
}

/// Where a vacancy is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum VacancyStatus {
    /// Being written; not public.
    Draft,
    /// Advertised (accepting applications until its closing time).
    Published,
    /// Closed by HR.
    Closed,
}

impl VacancyStatus {
    /// Storage code.
    #[must_use]
    pub const fn code(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::Published => "published",
            Self::Closed => "closed",
        }
    }

    /// From a storage code.
    #[must_use]
    pub fn from_code(code: &str) -> Option<Self> {
        [Self::Draft, Self::Published, Self::Closed].into_iter().find(|s| s.code() == code)
    }

    /// In words, at `now`: a published vacancy past its closing time is closed to
    /// applications even though nobody closed it.
    #[must_use]
    pub fn words(self, closes_at: DateTime<Utc>, now: DateTime<Utc>) -> &'static str {
        match self {
            Self::Draft => "Draft",
            Self::Published if now < closes_at => "Open for applications",
            Self::Published => "Closing date passed",
            Self::Closed => "Closed",
        }
    }
}

/// A validated criterion.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CriterionSpec {
    /// What the applicant must show.
    pub text: String,
    /// Weight, 1 to 10.
    pub weight: i32,
    /// Word limit, 50 to 1,000.
    pub word_limit: i32,
}

/// A validated screening question.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuestionSpec {
    /// The yes/no question.
    pub text: String,
    /// The answer the post needs (`Some(true)` = yes), if any.
    pub expected: Option<bool>,
}

/// A vacancy as HR set it up, validated.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VacancySpec {
    /// Job title.
    pub title: String,
    /// Team.
    pub team: String,
    /// Where the work is done.
    pub location: String,
    /// Pay.
    pub salary: SalaryBand,
    /// Applications close at this instant.
    pub closes_at: DateTime<Utc>,
    /// Careers-list text.
    pub summary: String,
    /// The advert.
    pub description: String,
    /// Number of posts.
    pub posts: i32,
    /// Job family, if chosen.
    pub job_family: Option<String>,
    /// Location tags, de-duplicated, in the order typed.
    pub location_tags: Vec<String>,
    /// Whether the sift hides who candidates are.
    pub name_blind: bool,
    /// The criminal-record check the post needs, if any.
    pub dbs_level: Option<crate::domain::checks::DbsLevel>,
    /// The pipeline, in order.
    pub stages: Vec<Stage>,
    /// The person specification.
    pub criteria: Vec<CriterionSpec>,
    /// Screening questions.
    pub questions: Vec<QuestionSpec>,
    /// Who is hiring manager and who is on the panel.
    pub roles: Vec<(StaffId, VacancyRole)>,
}

/// Why a vacancy cannot be published yet.
#[must_use]
pub fn publish_problems(spec: &VacancySpec, now: DateTime<Utc>) -> Vec<FieldError> {
    let mut problems = Vec::new();
    if spec.closes_at <= now {
        problems.push(FieldError::new(
            "closes_day",
            "The closing date has passed: change it before publishing",
        ));
    }
    if spec.criteria.is_empty() {
        problems.push(FieldError::new(
            "criterion_1_text",
            "Add at least one criterion before publishing",
        ));
    }
    if !spec.roles.iter().any(|(_, r)| *r == VacancyRole::HiringManager) {
        problems.push(FieldError::new("roles", "Choose a hiring manager before publishing"));
    }
    problems
}

/// Someone who may be given a role on a vacancy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TeamChoice {
    /// Their account.
    pub id: StaffId,
    /// Their name.
    pub name: String,
}

/// What the editor page shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VacancyEditor {
    /// The vacancy, or `None` for a new one.
    pub id: Option<VacancyId>,
    /// Its status (a new vacancy is a draft).
    pub status: VacancyStatus,
    /// Status in words.
    pub status_words: String,
    /// The form's values: what was stored, or the rejected input being corrected.
    pub input: VacancyInput,
    /// What is wrong with `input` (empty unless a save was refused).
    pub problems: Vec<FieldError>,
    /// Why it cannot be published yet (drafts only).
    pub publish_problems: Vec<FieldError>,
    /// Who may be given a role.
    pub team: Vec<TeamChoice>,
    /// Whether the criteria, questions and stages are fixed (published).
    pub locked: bool,
    /// Applications sent so far.
    pub applications: i64,
    /// The stored pipeline (shown read-only when locked).
    pub stages: Vec<Stage>,
}

/// One row of the staff vacancy list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffVacancyRow {
    /// Id.
    pub id: VacancyId,
    /// Job title.
    pub title: String,
    /// Team.
    pub team: String,
    /// Status in words.
    pub status: String,
    /// Closing date and time in words.
    pub closes: String,
    /// Applications sent.
    pub applications: i64,
}

/// The staff vacancy list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffVacancies {
    /// Rows, drafts and open ones first.
    pub vacancies: Vec<StaffVacancyRow>,
    /// Whether the viewer may create and edit vacancies.
    pub can_manage: bool,
}

#[cfg(test)]
mod tests;
