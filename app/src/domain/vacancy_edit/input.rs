//! The vacancy editor's form as typed and its validation into a [`VacancySpec`].

use super::{
    CriterionSpec, MAX_CRITERIA, MAX_LOCATION_TAGS, MAX_QUESTIONS, QuestionSpec, Stage, VacancySpec,
};
use crate::domain::application::{check_text, line, parse_date_input, parse_pounds};
use crate::domain::{SalaryBand, StaffId, access::VacancyRole, time};
use crate::error::FieldError;
use chrono::{DateTime, NaiveTime, Utc};
use serde::{Deserialize, Serialize};

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
    /// `none` or a [`crate::domain::checks::DbsLevel`] code.
    pub dbs_level: String,
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
pub(crate) fn parse_time(raw: &str) -> Result<NaiveTime, &'static str> {
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
                "dbs_level" => input.dbs_level = v,
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
            dbs_level: "none".into(),
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
            dbs_level: spec.dbs_level.map_or("none", crate::domain::checks::DbsLevel::code).into(),
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

        // Absent counts as none: the form always sends one of the radios.
        let dbs_level = match self.dbs_level.trim() {
            "" | "none" => Some(None),
            code => match crate::domain::checks::DbsLevel::from_code(code) {
                Some(level) => Some(Some(level)),
                None => {
                    problems.push(FieldError::new(
                        "dbs_level",
                        "Select the criminal-record check the post needs, or none",
                    ));
                    None
                }
            },
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
        let (Some(salary), Some(closes_at), Some(posts), Some(name_blind), Some(dbs_level)) =
            (salary, closes_at, posts, name_blind, dbs_level)
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
            dbs_level,
            stages,
            criteria,
            questions,
            roles,
        })
    }

    pub(super) fn stages(&self, problems: &mut Vec<FieldError>) -> Vec<Stage> {
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

/// Reads a numbered row field: `criterion_3_text` → (2, "text").
fn row<'a>(name: &'a str, prefix: &str, max: usize) -> Option<(usize, &'a str)> {
    let rest = name.strip_prefix(prefix)?;
    let (n, field) = rest.split_once('_')?;
    let n: usize = n.parse().ok()?;
    (1..=max).contains(&n).then(|| (n - 1, field))
}
