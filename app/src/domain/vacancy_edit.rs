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

use super::application::{check_text, line, parse_date_input, parse_pounds};
use super::{SalaryBand, StaffId, VacancyId, access::VacancyRole, time};
use crate::error::FieldError;
use chrono::{DateTime, NaiveTime, Utc};
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

/// One criterion row of the editor, as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CriterionInput {
    /// What the applicant must show.
    pub text: String,
    /// Its weight in the total score, 1 to 10.
    pub weight: String,
    /// The word limit of the applicant's answer, 50 to 1,000.
    pub words: String,
}

/// One screening-question row of the editor, as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuestionInput {
    /// The yes/no question.
    pub text: String,
    /// The answer the post needs: `yes`, `no`, or empty for none.
    pub expected: String,
}

/// The vacancy editor's form exactly as sent, as text.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct VacancyInput {
    /// Job title.
    pub title: String,
    /// Team.
    pub team: String,
    /// Where the work is done, as the advert says it.
    pub location: String,
    /// Lowest salary, pounds a year.
    pub salary_min: String,
    /// Highest salary; blank for a spot salary.
    pub salary_max: String,
    /// Closing date: day.
    pub closes_day: String,
    /// Closing date: month.
    pub closes_month: String,
    /// Closing date: year.
    pub closes_year: String,
    /// Closing time, UK time ("23:59", "5pm").
    pub closes_time: String,
    /// One or two sentences for the careers list.
    pub summary: String,
    /// The full advert.
    pub description: String,
    /// Number of posts.
    pub posts: String,
    /// Job family.
    pub job_family: String,
    /// Location tags, separated by commas.
    pub location_tags: String,
    /// `yes` or `no`.
    pub name_blind: String,
    /// The optional stages chosen (codes).
    pub stages: Vec<String>,
    /// The person specification.
    pub criteria: Vec<CriterionInput>,
    /// Screening questions.
    pub questions: Vec<QuestionInput>,
    /// Each staff member's role on the vacancy: (staff id, `hiring_manager`, `panel_member`
    /// or `none`).
    pub roles: Vec<(String, String)>,
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
    /// The pipeline, in order.
    pub stages: Vec<Stage>,
    /// The person specification.
    pub criteria: Vec<CriterionSpec>,
    /// Screening questions.
    pub questions: Vec<QuestionSpec>,
    /// Who is hiring manager and who is on the panel.
    pub roles: Vec<(StaffId, VacancyRole)>,
}

/// Reads a whole number in `range`.
fn whole(raw: &str, range: std::ops::RangeInclusive<i32>) -> Option<i32> {
    let t = raw.trim();
    if t.is_empty() || t.len() > 9 || !t.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    t.parse().ok().filter(|n| range.contains(n))
}

/// Reads a UK time of day: "23:59", "9:30", "5pm", "5:30pm", "midday". "Midnight" is refused
/// because people disagree which day it belongs to; the message suggests 11:59pm.
fn parse_time(raw: &str) -> Result<NaiveTime, &'static str> {
    let t = raw.trim().to_ascii_lowercase().replace([' ', '.'], "");
    if t == "midday" || t == "noon" {
        return NaiveTime::from_hms_opt(12, 0, 0).ok_or("Enter a real time");
    }
    if t == "midnight" {
        return Err("Closing time cannot be midnight: use 11:59pm or 12:01am");
    }
    let (clock, half) = match (t.strip_suffix("am"), t.strip_suffix("pm")) {
        (Some(c), _) => (c, Some(false)),
        (_, Some(c)) => (c, Some(true)),
        _ => (t.as_str(), None),
    };
    let (h, m) = clock.split_once(':').unwrap_or((clock, "00"));
    let number = |s: &str| -> Option<u32> {
        (!s.is_empty() && s.len() <= 2 && s.chars().all(|c| c.is_ascii_digit()))
            .then(|| s.parse().ok())
            .flatten()
    };
    let (Some(h), Some(m)) = (number(h), number(m)) else {
        return Err("Enter the closing time like 23:59 or 5pm");
    };
    let hour = match half {
        None if h < 24 => h,
        Some(pm) if (1..=12).contains(&h) => (h % 12) + if pm { 12 } else { 0 },
        _ => return Err("Enter a real time, like 23:59 or 5pm"),
    };
    NaiveTime::from_hms_opt(hour, m, 0).ok_or("Enter a real time, like 23:59 or 5pm")
}

/// Splits comma-separated tags, trimming and dropping repeats (ignoring case).
fn tags(raw: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for t in raw.split(',').map(str::trim).filter(|t| !t.is_empty()) {
        if !out.iter().any(|o| o.eq_ignore_ascii_case(t)) {
            out.push(t.to_owned());
        }
    }
    out
}

impl VacancyInput {
    /// Reads the editor's form from its (name, value) pairs. Repeated rows are numbered from 1
    /// (`criterion_3_text`); a row with no text is ignored.
    #[must_use]
    pub fn from_pairs(pairs: &[(String, String)]) -> Self {
        let mut input = Self::default();
        let mut criteria = vec![CriterionInput::default(); MAX_CRITERIA];
        let mut questions = vec![QuestionInput::default(); MAX_QUESTIONS];
        for (name, value) in pairs {
            let v = value.clone();
            match name.as_str() {
                "title" => input.title = v,
                "team" => input.team = v,
                "location" => input.location = v,
                "salary_min" => input.salary_min = v,
                "salary_max" => input.salary_max = v,
                "closes_day" => input.closes_day = v,
                "closes_month" => input.closes_month = v,
                "closes_year" => input.closes_year = v,
                "closes_time" => input.closes_time = v,
                "summary" => input.summary = v,
                "description" => input.description = v,
                "posts" => input.posts = v,
                "job_family" => input.job_family = v,
                "location_tags" => input.location_tags = v,
                "name_blind" => input.name_blind = v,
                "stage" => input.stages.push(v),
                other => {
                    if let Some(staff) = other.strip_prefix("role_") {
                        input.roles.push((staff.to_owned(), v));
                    } else if let Some((i, field)) = row(other, "criterion_", MAX_CRITERIA) {
                        let c = &mut criteria[i];
                        match field {
                            "text" => c.text = v,
                            "weight" => c.weight = v,
                            "words" => c.words = v,
                            _ => {}
                        }
                    } else if let Some((i, field)) = row(other, "question_", MAX_QUESTIONS) {
                        let q = &mut questions[i];
                        match field {
                            "text" => q.text = v,
                            "expected" => q.expected = v,
                            _ => {}
                        }
                    }
                }
            }
        }
        input.criteria = criteria.into_iter().filter(|c| !c.text.trim().is_empty()).collect();
        input.questions = questions.into_iter().filter(|q| !q.text.trim().is_empty()).collect();
        input
    }

    /// What a blank editor starts with: the default pipeline, a name-blind sift, one post,
    /// closing at 11:59pm.
    #[must_use]
    pub fn new_vacancy() -> Self {
        Self {
            posts: "1".into(),
            closes_time: "23:59".into(),
            name_blind: "yes".into(),
            stages: Stage::ALL.iter().filter(|s| s.optional()).map(|s| s.code().into()).collect(),
            ..Self::default()
        }
    }

    /// The editor filled in from a stored vacancy.
    #[must_use]
    pub fn from_spec(spec: &VacancySpec) -> Self {
        let (local, _) = time::to_uk(spec.closes_at);
        let max = if spec.salary.max_pounds == spec.salary.min_pounds {
            String::new()
        } else {
            spec.salary.max_pounds.to_string()
        };
        Self {
            title: spec.title.clone(),
            team: spec.team.clone(),
            location: spec.location.clone(),
            salary_min: spec.salary.min_pounds.to_string(),
            salary_max: max,
            closes_day: local.format("%-d").to_string(),
            closes_month: local.format("%-m").to_string(),
            closes_year: local.format("%Y").to_string(),
            closes_time: local.format("%H:%M").to_string(),
            summary: spec.summary.clone(),
            description: spec.description.clone(),
            posts: spec.posts.to_string(),
            job_family: spec.job_family.clone().unwrap_or_default(),
            location_tags: spec.location_tags.join(", "),
            name_blind: if spec.name_blind { "yes" } else { "no" }.into(),
            stages: spec.stages.iter().filter(|s| s.optional()).map(|s| s.code().into()).collect(),
            criteria: spec
                .criteria
                .iter()
                .map(|c| CriterionInput {
                    text: c.text.clone(),
                    weight: c.weight.to_string(),
                    words: c.word_limit.to_string(),
                })
                .collect(),
            questions: spec
                .questions
                .iter()
                .map(|q| QuestionInput {
                    text: q.text.clone(),
                    expected: match q.expected {
                        Some(true) => "yes",
                        Some(false) => "no",
                        None => "",
                    }
                    .into(),
                })
                .collect(),
            roles: spec.roles.iter().map(|(s, r)| (s.to_string(), r.as_str().into())).collect(),
        }
    }

    /// The role this form gives `staff` (`none` if it names none).
    #[must_use]
    pub fn role_of(&self, staff: StaffId) -> &str {
        let id = staff.to_string();
        self.roles.iter().find(|(s, _)| *s == id).map_or("none", |(_, r)| r.as_str())
    }

    /// Validates the form at `now`. `locked` (the vacancy has been published) skips the
    /// criteria, questions and stages: they are fixed, and the caller keeps the stored ones.
    /// `team` is who may be given a role on a vacancy; anyone else is refused.
    ///
    /// # Errors
    /// Each problem, in the order of the form's fields.
    pub fn validate(
        &self,
        now: DateTime<Utc>,
        locked: bool,
        team: &[StaffId],
    ) -> Result<VacancySpec, Vec<FieldError>> {
        let mut problems = Vec::new();
        let mut required = |field: &str, label: &str, value: &str, max: usize, multi: bool| {
            let v = if multi { value.trim().to_owned() } else { line(value).unwrap_or_default() };
            if v.is_empty() {
                problems
                    .push(FieldError::new(field, &format!("Enter the {}", label.to_lowercase())));
            } else {
                check_text(&mut problems, field, label, &v, max, multi);
            }
            v
        };
        let title = required("title", "Job title", &self.title, 200, false);
        let team_name = required("team", "Team", &self.team, 200, false);
        let location = required("location", "Location", &self.location, 200, false);
        let summary = required("summary", "Summary", &self.summary, 500, false);
        let description = required("description", "Description", &self.description, 20_000, true);

        let min = parse_pounds(&self.salary_min);
        let max =
            if self.salary_max.trim().is_empty() { min } else { parse_pounds(&self.salary_max) };
        let salary = match (min, max) {
            (None, _) if self.salary_min.trim().is_empty() => {
                problems.push(FieldError::new("salary_min", "Enter the lowest salary"));
                None
            }
            (None, _) => {
                problems.push(FieldError::new(
                    "salary_min",
                    "Lowest salary must be a whole number of pounds, like 32000",
                ));
                None
            }
            (Some(_), None) => {
                problems.push(FieldError::new(
                    "salary_max",
                    "Highest salary must be a whole number of pounds, like 38500",
                ));
                None
            }
            (Some(lo), Some(hi)) => SalaryBand::new(lo, hi).or_else(|| {
                problems.push(FieldError::new(
                    "salary_max",
                    "Highest salary must be the same as or more than the lowest salary",
                ));
                None
            }),
        };

        let today = time::to_uk(now).0.date();
        let closes_at = match parse_date_input(
            "closes",
            "Closing date",
            &self.closes_day,
            &self.closes_month,
            &self.closes_year,
            today,
        ) {
            Err(e) => {
                problems.push(e);
                None
            }
            Ok(date) => match parse_time(&self.closes_time) {
                Err(message) => {
                    problems.push(FieldError::new("closes_time", message));
                    None
                }
                Ok(t) => match time::from_uk(date.and_time(t)) {
                    None => {
                        problems.push(FieldError::new(
                            "closes_time",
                            "That time does not happen on that day because the clocks go forward: choose another",
                        ));
                        None
                    }
                    Some(at) if at <= now => {
                        problems.push(FieldError::new(
                            "closes_time",
                            "Closing time must be in the future",
                        ));
                        None
                    }
                    Some(at) => Some(at),
                },
            },
        };

        let posts = whole(&self.posts, 1..=100);
        if posts.is_none() {
            problems.push(FieldError::new(
                "posts",
                "Number of posts must be a whole number from 1 to 100",
            ));
        }
        let job_family = line(&self.job_family);
        if let Some(f) = &job_family {
            check_text(&mut problems, "job_family", "Job family", f, 80, false);
        }
        let location_tags = tags(&self.location_tags);
        if location_tags.len() > MAX_LOCATION_TAGS {
            problems.push(FieldError::new(
                "location_tags",
                &format!("Enter {MAX_LOCATION_TAGS} location tags or fewer"),
            ));
        } else if let Some(long) = location_tags.iter().find(|t| t.chars().count() > 80) {
            check_text(&mut problems, "location_tags", "Each location tag", long, 80, false);
        } else {
            for t in &location_tags {
                check_text(&mut problems, "location_tags", "Location tags", t, 80, false);
            }
        }
        let name_blind = match self.name_blind.as_str() {
            "yes" => Some(true),
            "no" => Some(false),
            _ => {
                problems
                    .push(FieldError::new("name_blind", "Select whether the sift is name-blind"));
                None
            }
        };

        let (stages, criteria, questions) = if locked {
            (Vec::new(), Vec::new(), Vec::new())
        } else {
            (
                self.stages(&mut problems),
                self.criteria(&mut problems),
                self.questions(&mut problems),
            )
        };
        let roles = self.team_roles(&mut problems, team);

        if !problems.is_empty() {
            return Err(problems);
        }
        let (Some(salary), Some(closes_at), Some(posts), Some(name_blind)) =
            (salary, closes_at, posts, name_blind)
        else {
            return Err(vec![FieldError::new("title", "Check the form")]);
        };
        Ok(VacancySpec {
            title,
            team: team_name,
            location,
            salary,
            closes_at,
            summary,
            description,
            posts,
            job_family,
            location_tags,
            name_blind,
            stages,
            criteria,
            questions,
            roles,
        })
    }

    fn stages(&self, problems: &mut Vec<FieldError>) -> Vec<Stage> {
        let chosen: Vec<Option<Stage>> = self.stages.iter().map(|c| Stage::from_code(c)).collect();
        if chosen.iter().any(|s| !s.is_some_and(Stage::optional)) {
            problems.push(FieldError::new("stages", "Choose stages from the list"));
        }
        Stage::ALL.into_iter().filter(|s| !s.optional() || chosen.contains(&Some(*s))).collect()
    }

    fn criteria(&self, problems: &mut Vec<FieldError>) -> Vec<CriterionSpec> {
        if self.criteria.is_empty() {
            problems.push(FieldError::new("criterion_1_text", "Enter at least one criterion"));
        }
        let mut out = Vec::new();
        for (i, c) in self.criteria.iter().take(MAX_CRITERIA).enumerate() {
            let n = i + 1;
            let text = c.text.trim().to_owned();
            check_text(
                problems,
                &format!("criterion_{n}_text"),
                &format!("Criterion {n}"),
                &text,
                500,
                false,
            );
            let weight = whole(&c.weight, 1..=10);
            if weight.is_none() {
                problems.push(FieldError::new(
                    &format!("criterion_{n}_weight"),
                    &format!("Weight of criterion {n} must be a whole number from 1 to 10"),
                ));
            }
            let words = whole(&c.words, 50..=1000);
            if words.is_none() {
                problems.push(FieldError::new(
                    &format!("criterion_{n}_words"),
                    &format!("Word limit of criterion {n} must be a whole number from 50 to 1000"),
                ));
            }
            if let (Some(weight), Some(word_limit)) = (weight, words) {
                out.push(CriterionSpec { text, weight, word_limit });
            }
        }
        out
    }

    fn questions(&self, problems: &mut Vec<FieldError>) -> Vec<QuestionSpec> {
        let mut out = Vec::new();
        for (i, q) in self.questions.iter().take(MAX_QUESTIONS).enumerate() {
            let n = i + 1;
            let text = q.text.trim().to_owned();
            check_text(
                problems,
                &format!("question_{n}_text"),
                &format!("Question {n}"),
                &text,
                300,
                false,
            );
            let expected = match q.expected.as_str() {
                "" => None,
                "yes" => Some(true),
                "no" => Some(false),
                _ => {
                    problems.push(FieldError::new(
                        &format!("question_{n}_expected"),
                        &format!("Choose the answer question {n} needs from the list"),
                    ));
                    None
                }
            };
            out.push(QuestionSpec { text, expected });
        }
        out
    }

    fn team_roles(
        &self,
        problems: &mut Vec<FieldError>,
        team: &[StaffId],
    ) -> Vec<(StaffId, VacancyRole)> {
        let mut out = Vec::new();
        for (staff, role) in &self.roles {
            let id = staff.parse::<StaffId>().ok().filter(|id| team.contains(id));
            let role = match role.as_str() {
                "none" => continue,
                r => VacancyRole::parse(r),
            };
            match (id, role) {
                (Some(id), Some(role)) if !out.iter().any(|(s, _)| *s == id) => {
                    out.push((id, role))
                }
                (Some(_), Some(_)) => {}
                _ => {
                    problems
                        .push(FieldError::new("roles", "Choose each person's role from the list"));
                    break;
                }
            }
        }
        out
    }
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

/// Reads a numbered row field: `criterion_3_text` → (2, "text").
fn row<'a>(name: &'a str, prefix: &str, max: usize) -> Option<(usize, &'a str)> {
    let rest = name.strip_prefix(prefix)?;
    let (n, field) = rest.split_once('_')?;
    let n: usize = n.parse().ok()?;
    (1..=max).contains(&n).then(|| (n - 1, field))
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
mod tests {
    use super::*;

    const HM: &str = "0d4f1d3a-3a43-4d1b-9c2b-2c5f7a1e9b01";
    const PANEL: &str = "0d4f1d3a-3a43-4d1b-9c2b-2c5f7a1e9b02";

    fn now() -> DateTime<Utc> {
        "2026-11-23T09:00:00Z".parse().unwrap()
    }

    fn team() -> Vec<StaffId> {
        vec![HM.parse().unwrap(), PANEL.parse().unwrap()]
    }

    fn pairs(extra: &[(&str, &str)]) -> Vec<(String, String)> {
        let base = [
            ("title", "Payroll officer"),
            ("team", "Finance"),
            ("location", "Leeds, hybrid"),
            ("salary_min", "£28,000"),
            ("salary_max", "32000"),
            ("closes_day", "5"),
            ("closes_month", "12"),
            ("closes_year", "2026"),
            ("closes_time", "5pm"),
            ("summary", "Run the monthly payroll."),
            ("description", "First paragraph.\n\nSecond."),
            ("posts", "2"),
            ("job_family", "Finance"),
            ("location_tags", "Leeds, Remote, leeds"),
            ("name_blind", "yes"),
            ("stage", "interview"),
            ("criterion_1_text", "Payroll experience"),
            ("criterion_1_weight", "3"),
            ("criterion_1_words", "250"),
            ("criterion_2_text", ""),
            ("criterion_2_weight", "1"),
            ("criterion_2_words", "250"),
            ("question_1_text", "Do you hold a CIPP qualification?"),
            ("question_1_expected", "yes"),
            (&*format!("role_{HM}"), "hiring_manager"),
            (&*format!("role_{PANEL}"), "panel_member"),
        ];
        let mut out: Vec<(String, String)> =
            base.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect();
        for (k, v) in extra {
            out.retain(|(name, _)| name != k);
            out.push(((*k).to_owned(), (*v).to_owned()));
        }
        out
    }

    fn fields(extra: &[(&str, &str)]) -> Vec<String> {
        VacancyInput::from_pairs(&pairs(extra))
            .validate(now(), false, &team())
            .unwrap_err()
            .into_iter()
            .map(|e| e.field)
            .collect()
    }

    #[test]
    fn a_complete_form_becomes_a_vacancy() {
        let spec = VacancyInput::from_pairs(&pairs(&[])).validate(now(), false, &team()).unwrap();
        assert_eq!(spec.salary, SalaryBand::new(28_000, 32_000).unwrap());
        assert_eq!(spec.closes_at, "2026-12-05T17:00:00Z".parse::<DateTime<Utc>>().unwrap());
        assert_eq!(spec.location_tags, vec!["Leeds", "Remote"]);
        assert_eq!(
            spec.stages,
            vec![
                Stage::Applied,
                Stage::Sift,
                Stage::Interview,
                Stage::Offer,
                Stage::PreEmploymentChecks,
                Stage::Hired
            ]
        );
        assert_eq!(
            spec.criteria,
            vec![CriterionSpec { text: "Payroll experience".into(), weight: 3, word_limit: 250 }]
        );
        assert_eq!(spec.questions[0].expected, Some(true));
        assert_eq!(spec.roles.len(), 2);
        assert!(publish_problems(&spec, now()).is_empty());
        // And back: the editor shows what was stored.
        let again = VacancyInput::from_spec(&spec).validate(now(), false, &team()).unwrap();
        assert_eq!(again, spec);
    }

    #[test]
    fn closing_times_are_uk_wall_clock_times() {
        let summer = [("closes_month", "7"), ("closes_year", "2027"), ("closes_time", "12:30")];
        let spec =
            VacancyInput::from_pairs(&pairs(&summer)).validate(now(), false, &team()).unwrap();
        assert_eq!(spec.closes_at, "2027-07-05T11:30:00Z".parse::<DateTime<Utc>>().unwrap());
        for (raw, ok) in [
            ("23:59", true),
            ("9am", true),
            ("12pm", true),
            ("midday", true),
            ("24:00", false),
            ("13pm", false),
            ("midnight", false),
            ("soon", false),
            ("", false),
        ] {
            assert_eq!(parse_time(raw).is_ok(), ok, "{raw}");
        }
        assert_eq!(parse_time("12am").unwrap(), NaiveTime::from_hms_opt(0, 0, 0).unwrap());
        // Today, but already past.
        assert_eq!(
            fields(&[("closes_day", "23"), ("closes_month", "11"), ("closes_time", "08:00")]),
            vec!["closes_time"]
        );
        // The hour the clocks skip.
        assert_eq!(
            fields(&[
                ("closes_day", "28"),
                ("closes_month", "3"),
                ("closes_year", "2027"),
                ("closes_time", "1:30am")
            ]),
            vec!["closes_time"]
        );
        assert_eq!(fields(&[("closes_day", "31"), ("closes_month", "2")]), vec!["closes_day"]);
    }

    #[test]
    fn every_field_says_what_is_wrong() {
        assert_eq!(fields(&[("title", "  ")]), vec!["title"]);
        assert_eq!(fields(&[("title", &"x".repeat(201))]), vec!["title"]);
        assert_eq!(fields(&[("team", "a\u{0}b")]), vec!["team"]);
        assert_eq!(fields(&[("salary_min", "")]), vec!["salary_min"]);
        assert_eq!(fields(&[("salary_min", "lots")]), vec!["salary_min"]);
        assert_eq!(fields(&[("salary_max", "1000")]), vec!["salary_max"]);
        assert_eq!(fields(&[("posts", "0")]), vec!["posts"]);
        assert_eq!(fields(&[("posts", "1.5")]), vec!["posts"]);
        assert_eq!(fields(&[("name_blind", "maybe")]), vec!["name_blind"]);
        assert_eq!(fields(&[("stage", "hired")]), vec!["stages"]);
        assert_eq!(fields(&[("criterion_1_text", "")]), vec!["criterion_1_text"]);
        assert_eq!(fields(&[("criterion_1_weight", "11")]), vec!["criterion_1_weight"]);
        assert_eq!(fields(&[("criterion_1_words", "20")]), vec!["criterion_1_words"]);
        assert_eq!(fields(&[("question_1_expected", "perhaps")]), vec!["question_1_expected"]);
        let eleven: Vec<String> = (1..=11).map(|i| format!("Place {i}")).collect();
        assert_eq!(fields(&[("location_tags", &eleven.join(","))]), vec!["location_tags"]);
        assert_eq!(fields(&[("location_tags", &"x".repeat(81))]), vec!["location_tags"]);
        // Someone who may not be given a role (unknown, or a forged id).
        assert_eq!(
            fields(&[("role_6f1c1c1e-2d2b-4c39-9b7e-1f0a7d0b5a11", "panel_member")]),
            vec!["roles"]
        );
        assert_eq!(fields(&[(&*format!("role_{PANEL}"), "owner")]), vec!["roles"]);
    }

    #[test]
    fn markup_is_kept_as_typed() {
        let spec = VacancyInput::from_pairs(&pairs(&[("title", "<script>alert(1)</script>")]))
            .validate(now(), false, &team())
            .unwrap();
        assert_eq!(spec.title, "<script>alert(1)</script>");
    }

    #[test]
    fn a_published_vacancy_keeps_its_criteria_questions_and_stages() {
        let broken =
            [("criterion_1_weight", "99"), ("stage", "bogus"), ("question_1_expected", "x")];
        let spec =
            VacancyInput::from_pairs(&pairs(&broken)).validate(now(), true, &team()).unwrap();
        assert!(spec.criteria.is_empty() && spec.questions.is_empty() && spec.stages.is_empty());
    }

    #[test]
    fn publishing_needs_a_hiring_manager_and_criteria() {
        let no_manager = [(&*format!("role_{HM}"), "none")];
        let spec =
            VacancyInput::from_pairs(&pairs(&no_manager)).validate(now(), false, &team()).unwrap();
        let problems: Vec<_> =
            publish_problems(&spec, now()).into_iter().map(|p| p.field).collect();
        assert_eq!(problems, vec!["roles"]);
        let later = spec.closes_at + chrono::Duration::seconds(1);
        assert_eq!(publish_problems(&spec, later).len(), 2);
    }

    #[test]
    fn rows_beyond_the_limit_are_ignored() {
        let input = VacancyInput::from_pairs(&pairs(&[
            ("criterion_21_text", "extra"),
            ("criterion_0_text", "zero"),
        ]));
        assert_eq!(input.criteria.len(), 1);
    }

    #[test]
    fn a_new_vacancy_starts_with_the_default_pipeline() {
        let input = VacancyInput::new_vacancy();
        let mut problems = Vec::new();
        assert_eq!(input.stages(&mut problems), Stage::ALL.to_vec());
        assert!(problems.is_empty());
    }

    #[test]
    fn status_reads_as_staff_expect() {
        let closes = now() + chrono::Duration::days(1);
        assert_eq!(VacancyStatus::Published.words(closes, now()), "Open for applications");
        assert_eq!(VacancyStatus::Published.words(now(), now()), "Closing date passed");
        for s in [VacancyStatus::Draft, VacancyStatus::Published, VacancyStatus::Closed] {
            assert_eq!(VacancyStatus::from_code(s.code()), Some(s));
        }
        for s in Stage::ALL {
            assert_eq!(Stage::from_code(s.code()), Some(s));
        }
    }
}
