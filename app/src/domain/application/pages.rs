//! What each page of the application form accepts: its raw input (exactly what the form
//! sent, as text) and the `validate` that turns it into stored values or GOV.UK field messages,
//! with the text rules every page shares. Pure: "today" is a parameter; nothing here stores,
//! renders or logs anything.

use crate::error::FieldError;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
// ---------------------------------------------------------------------------------------------
// Text rules shared by every page.

/// Counts words the way a reader would: runs of non-space characters.
#[must_use]
pub fn word_count(text: &str) -> usize {
    text.split_whitespace().count()
}

/// A single-line text field: trimmed; `None` when blank.
pub(crate) fn line(raw: &str) -> Option<String> {
    let t = raw.trim();
    (!t.is_empty()).then(|| t.to_owned())
}

fn has_control(text: &str, multi_line: bool) -> bool {
    text.chars().any(|c| c.is_control() && !(multi_line && matches!(c, '\n' | '\r' | '\t')))
}

/// Checks one text field. `label` starts the messages ("Full name must be …").
pub(crate) fn check_text(
    problems: &mut Vec<FieldError>,
    field: &str,
    label: &str,
    value: &str,
    max_chars: usize,
    multi_line: bool,
) {
    if value.chars().count() > max_chars {
        problems.push(FieldError {
            field: field.to_owned(),
            message: format!("{label} must be {max_chars} characters or fewer"),
        });
    } else if has_control(value, multi_line) {
        problems.push(FieldError {
            field: field.to_owned(),
            message: format!("{label} must only include letters, numbers and punctuation"),
        });
    }
}

/// Checks a long answer against a word limit; `max_chars` stops pathological input
/// (one "word" of a million characters).
pub(crate) fn check_words(
    problems: &mut Vec<FieldError>,
    field: &str,
    label: &str,
    value: &str,
    limit: usize,
) {
    let words = word_count(value);
    if words > limit {
        problems.push(FieldError {
            field: field.to_owned(),
            message: format!("{label} must be {limit} words or fewer (you have {words})"),
        });
    } else {
        check_text(problems, field, label, value, limit * 12, true);
    }
}

/// Checks a phone number: digits with spaces, `+`, brackets and dashes, 7 to 15 digits.
pub(crate) fn check_phone(problems: &mut Vec<FieldError>, field: &str, value: &str) {
    let digits = value.chars().filter(char::is_ascii_digit).count();
    if !value.chars().all(|c| c.is_ascii_digit() || " +()-".contains(c))
        || !(7..=15).contains(&digits)
    {
        problems.push(FieldError::new(
            field,
            "Enter a phone number, like 01632 960 001, 07700 900 982 or +44 808 157 0192",
        ));
    }
}

fn done<T>(value: T, problems: Vec<FieldError>) -> Result<T, Vec<FieldError>> {
    if problems.is_empty() { Ok(value) } else { Err(problems) }
}

// ---------------------------------------------------------------------------------------------
// About you.

/// How the applicant prefers to be contacted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ContactMethod {
    /// By email.
    Email,
    /// By phone.
    Phone,
}

impl ContactMethod {
    /// Storage and form code.
    #[must_use]
    pub const fn code(self) -> &'static str {
        match self {
            Self::Email => "email",
            Self::Phone => "phone",
        }
    }

    /// From the code.
    #[must_use]
    pub fn from_code(code: &str) -> Option<Self> {
        match code {
            "email" => Some(Self::Email),
            "phone" => Some(Self::Phone),
            _ => None,
        }
    }
}

/// The "About you" page as sent.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AboutYouInput {
    /// Full name.
    pub full_name: String,
    /// Name they would like to be called (optional).
    pub preferred_name: String,
    /// Email address.
    pub email: String,
    /// Phone number (needed if they prefer phone).
    pub phone: String,
    /// "email" or "phone".
    pub contact_method: String,
}

/// The "About you" page, valid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AboutYou {
    /// Full name.
    pub full_name: String,
    /// Preferred name.
    pub preferred_name: Option<String>,
    /// Email, lower-cased.
    pub email: String,
    /// Phone, as typed (spaces kept).
    pub phone: Option<String>,
    /// Preferred contact method.
    pub contact_method: ContactMethod,
}

impl AboutYouInput {
    /// Validates the page.
    ///
    /// # Errors
    /// Each problem, in the order of the form's fields.
    pub fn validate(&self) -> Result<AboutYou, Vec<FieldError>> {
        let mut problems = Vec::new();
        let full_name = line(&self.full_name);
        match &full_name {
            None => problems.push(FieldError::new("full_name", "Enter your full name")),
            Some(n) => check_text(&mut problems, "full_name", "Full name", n, 200, false),
        }
        let preferred_name = line(&self.preferred_name);
        if let Some(n) = &preferred_name {
            check_text(&mut problems, "preferred_name", "Preferred name", n, 200, false);
        }
        let email = line(&self.email).map(|e| e.to_lowercase());
        match &email {
            None => problems.push(FieldError::new("email", "Enter your email address")),
            Some(e) if !crate::domain::staff::plausible_email(e) => problems.push(FieldError::new(
                "email",
                "Enter an email address in the correct format, like name@example.com",
            )),
            Some(_) => {}
        }
        let phone = line(&self.phone);
        if let Some(p) = &phone {
            check_phone(&mut problems, "phone", p);
        }
        let contact_method = ContactMethod::from_code(self.contact_method.trim());
        match contact_method {
            None => problems.push(FieldError::new(
                "contact_method",
                "Select how you would like us to contact you",
            )),
            Some(ContactMethod::Phone) if phone.is_none() => problems.push(FieldError::new(
                "phone",
                "Enter a phone number, or choose to be contacted by email",
            )),
            Some(_) => {}
        }
        match (full_name, email, contact_method) {
            (Some(full_name), Some(email), Some(contact_method)) if problems.is_empty() => {
                Ok(AboutYou { full_name, preferred_name, email, phone, contact_method })
            }
            _ => Err(problems),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Eligibility.

/// The applicant's right to work in the UK.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum RightToWork {
    /// Already has the right to work in the UK.
    Yes,
    /// Would need the employer to sponsor a visa.
    NeedsSponsorship,
}

impl RightToWork {
    /// Storage and form code.
    #[must_use]
    pub const fn code(self) -> &'static str {
        match self {
            Self::Yes => "yes",
            Self::NeedsSponsorship => "sponsorship",
        }
    }

    /// From the code.
    #[must_use]
    pub fn from_code(code: &str) -> Option<Self> {
        match code {
            "yes" => Some(Self::Yes),
            "sponsorship" => Some(Self::NeedsSponsorship),
            _ => None,
        }
    }

    /// The words shown on check answers.
    #[must_use]
    pub const fn words(self) -> &'static str {
        match self {
            Self::Yes => "Yes, I have the right to work in the UK",
            Self::NeedsSponsorship => "No, I would need sponsorship",
        }
    }
}

/// The "Eligibility" page as sent.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EligibilityInput {
    /// "yes" or "sponsorship".
    pub right_to_work: String,
    /// Notice period in their own words ("1 month").
    pub notice_period: String,
    /// Earliest start date: day.
    pub start_day: String,
    /// Month.
    pub start_month: String,
    /// Year.
    pub start_year: String,
    /// Salary expectation in pounds a year (optional).
    pub salary: String,
    /// Answers to the vacancy's screening questions, in order: "yes" or "no".
    #[serde(default)]
    pub screening: Vec<String>,
}

/// The "Eligibility" page, valid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Eligibility {
    /// Right to work.
    pub right_to_work: RightToWork,
    /// Notice period.
    pub notice_period: String,
    /// Earliest start date.
    pub earliest_start: NaiveDate,
    /// Salary expectation, whole pounds a year.
    pub salary_expectation: Option<i32>,
    /// Answers to the screening questions, in order (`true` = yes).
    pub screening: Vec<bool>,
}

/// Parses a GOV.UK date input (day, month, year boxes) for `label` ("Earliest start date"),
/// refusing dates before `today` and more than two years after it.
///
/// # Errors
/// The GOV.UK message for what is missing or wrong, for the first box to fix.
pub fn parse_date_input(
    field: &str,
    label: &str,
    day: &str,
    month: &str,
    year: &str,
    today: NaiveDate,
) -> Result<NaiveDate, FieldError> {
    let date = parse_date_boxes(field, label, day, month, year)?;
    let err =
        |suffix: &str, message: String| FieldError { field: format!("{field}_{suffix}"), message };
    if date < today {
        return Err(err("day", format!("{label} must be today or in the future")));
    }
    if date > today + chrono::Duration::days(731) {
        return Err(err("year", format!("{label} must be within the next 2 years")));
    }
    Ok(date)
}

/// Parses the three boxes of a GOV.UK date input into a real date, whatever its range (the
/// caller says which dates make sense, in its own words).
///
/// # Errors
/// The GOV.UK message for what is missing or wrong, for the first box to fix.
pub fn parse_date_boxes(
    field: &str,
    label: &str,
    day: &str,
    month: &str,
    year: &str,
) -> Result<NaiveDate, FieldError> {
    let (d, m, y) = (day.trim(), month.trim(), year.trim());
    let missing: Vec<&str> = [("day", d), ("month", m), ("year", y)]
        .iter()
        .filter(|(_, v)| v.is_empty())
        .map(|(n, _)| *n)
        .collect();
    let err =
        |suffix: &str, message: String| FieldError { field: format!("{field}_{suffix}"), message };
    match missing.as_slice() {
        [] => {}
        ["day", "month", "year"] => {
            return Err(err("day", format!("Enter your {}", label.to_lowercase())));
        }
        [one] => return Err(err(one, format!("{label} must include a {one}"))),
        [a, b] => return Err(err(a, format!("{label} must include a {a} and {b}"))),
        _ => unreachable!("three boxes"),
    }
    let number = |v: &str| -> Option<u32> {
        (v.len() <= 4 && v.chars().all(|c| c.is_ascii_digit())).then(|| v.parse().ok()).flatten()
    };
    let (Some(dn), Some(mn), Some(yn)) = (number(d), number(m), number(y)) else {
        return Err(err("day", format!("{label} must be a real date")));
    };
    if y.len() != 4 {
        return Err(err("year", "Year must include 4 numbers".to_owned()));
    }
    let year_i =
        i32::try_from(yn).map_err(|_| err("year", format!("{label} must be a real date")))?;
    let date = NaiveDate::from_ymd_opt(year_i, mn, dn)
        .ok_or_else(|| err("day", format!("{label} must be a real date")))?;
    Ok(date)
}

/// The form field of screening question `index` (from 0): `screening_1` for the first.
#[must_use]
pub fn screening_field(index: usize) -> String {
    format!("screening_{}", index + 1)
}

/// Parses a salary in whole pounds, forgiving "£" and thousands separators.
pub(crate) fn parse_pounds(raw: &str) -> Option<i32> {
    let cleaned: String =
        raw.trim().trim_start_matches('£').chars().filter(|c| *c != ',').collect();
    let cleaned = cleaned.strip_suffix(".00").unwrap_or(&cleaned);
    if cleaned.is_empty() || cleaned.len() > 8 || !cleaned.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    cleaned.parse().ok()
}

impl EligibilityInput {
    /// Validates the page; `today` is the UK date now and `questions` are the vacancy's
    /// screening questions, each of which needs a yes or a no.
    ///
    /// # Errors
    /// Each problem, in the order of the form's fields.
    pub fn validate(
        &self,
        today: NaiveDate,
        questions: &[String],
    ) -> Result<Eligibility, Vec<FieldError>> {
        let mut problems = Vec::new();
        let right_to_work = RightToWork::from_code(self.right_to_work.trim());
        if right_to_work.is_none() {
            problems.push(FieldError::new(
                "right_to_work",
                "Select whether you have the right to work in the UK",
            ));
        }
        let notice_period = line(&self.notice_period);
        match &notice_period {
            None => problems.push(FieldError::new(
                "notice_period",
                "Enter your notice period, or \"None\" if you could start at once",
            )),
            Some(n) => check_text(&mut problems, "notice_period", "Notice period", n, 100, false),
        }
        let start = parse_date_input(
            "start",
            "Earliest start date",
            &self.start_day,
            &self.start_month,
            &self.start_year,
            today,
        )
        .map_err(|e| problems.push(e))
        .ok();
        let salary = match line(&self.salary) {
            None => None,
            Some(s) => match parse_pounds(&s) {
                Some(p) if p <= 10_000_000 => Some(p),
                _ => {
                    problems.push(FieldError::new(
                        "salary",
                        "Salary expectation must be a whole number of pounds, like 32000",
                    ));
                    None
                }
            },
        };
        let mut screening = Vec::with_capacity(questions.len());
        for (i, question) in questions.iter().enumerate() {
            match self.screening.get(i).map(|a| a.trim()) {
                Some("yes") => screening.push(true),
                Some("no") => screening.push(false),
                _ => problems.push(FieldError {
                    field: screening_field(i),
                    message: format!("Select yes or no: {question}"),
                }),
            }
        }
        match (right_to_work, notice_period, start) {
            (Some(right_to_work), Some(notice_period), Some(earliest_start))
                if problems.is_empty() =>
            {
                Ok(Eligibility {
                    right_to_work,
                    notice_period,
                    earliest_start,
                    salary_expectation: salary,
                    screening,
                })
            }
            _ => Err(problems),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Covering statement, criteria answers, source, adjustments.

/// The most words a covering statement may have.
pub const STATEMENT_WORDS: usize = 750;

/// Validates the covering statement (required).
///
/// # Errors
/// Missing, too long, or not text.
pub fn validate_statement(raw: &str) -> Result<String, Vec<FieldError>> {
    let mut problems = Vec::new();
    let text = raw.trim();
    if text.is_empty() {
        problems.push(FieldError::new("covering_statement", "Enter your covering statement"));
    } else {
        check_words(
            &mut problems,
            "covering_statement",
            "Covering statement",
            text,
            STATEMENT_WORDS,
        );
    }
    done(text.to_owned(), problems)
}

/// One person-specification criterion as applicants see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Criterion {
    /// Its number (1, 2, …), also the field's suffix (`answer_1`).
    pub position: i32,
    /// What the vacancy asks for.
    pub text: String,
    /// The most words an answer may have.
    pub word_limit: i32,
}

/// Validates one answer per criterion (`answers[i]` answers `criteria[i]`).
///
/// # Errors
/// A missing, too long or non-text answer, or a different number of answers than criteria
/// (a forged post).
pub fn validate_answers(
    criteria: &[Criterion],
    answers: &[String],
) -> Result<Vec<String>, Vec<FieldError>> {
    let mut problems = Vec::new();
    if answers.len() != criteria.len() {
        return Err(vec![FieldError::new("answer_1", "Answer every criterion")]);
    }
    let mut out = Vec::with_capacity(answers.len());
    for (c, a) in criteria.iter().zip(answers) {
        let field = format!("answer_{}", c.position);
        let text = a.trim();
        if text.is_empty() {
            problems.push(FieldError {
                field,
                message: format!("Enter your answer to criterion {}", c.position),
            });
        } else {
            let label = format!("Your answer to criterion {}", c.position);
            check_words(
                &mut problems,
                &field,
                &label,
                text,
                usize::try_from(c.word_limit).unwrap_or(0),
            );
        }
        out.push(text.to_owned());
    }
    done(out, problems)
}

/// Where applicants can say they heard about the role.
pub const SOURCES: &[(&str, &str)] = &[
    ("careers_site", "Our careers website"),
    ("job_board", "A job board or job website"),
    ("social_media", "Social media"),
    ("recommendation", "Someone told me about it"),
    ("agency", "A recruitment agency or Jobcentre Plus"),
    ("press", "A newspaper or magazine"),
    ("other", "Somewhere else"),
];

/// The "source" page as sent.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceInput {
    /// One of [`SOURCES`].
    pub source: String,
    /// Where, for "Somewhere else".
    pub source_other: String,
}

impl SourceInput {
    /// Validates the page; returns the code and, for "other", the description.
    ///
    /// # Errors
    /// No choice, a forged choice, or a missing or bad description.
    pub fn validate(&self) -> Result<(String, Option<String>), Vec<FieldError>> {
        let mut problems = Vec::new();
        let code = self.source.trim();
        if !SOURCES.iter().any(|(c, _)| *c == code) {
            problems.push(FieldError::new("source", "Select how you heard about this job"));
            return Err(problems);
        }
        let other = if code == "other" { line(&self.source_other) } else { None };
        if code == "other" {
            match &other {
                None => problems
                    .push(FieldError::new("source_other", "Enter where you heard about this job")),
                Some(o) => check_text(
                    &mut problems,
                    "source_other",
                    "Where you heard about it",
                    o,
                    200,
                    false,
                ),
            }
        }
        done((code.to_owned(), other), problems)
    }
}

/// The words for a source code.
#[must_use]
pub fn source_words(code: &str) -> &'static str {
    SOURCES.iter().find(|(c, _)| *c == code).map_or("", |(_, w)| w)
}

/// The most words an adjustments request may have.
pub const ADJUSTMENT_WORDS: usize = 500;

/// The "adjustments" page as sent.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdjustmentsInput {
    /// "yes" or "no".
    pub needed: String,
    /// What they need, if yes.
    pub details: String,
}

impl AdjustmentsInput {
    /// Validates the page; `None` details when none are needed.
    ///
    /// # Errors
    /// No choice, or "yes" with no or bad details.
    pub fn validate(&self) -> Result<(bool, Option<String>), Vec<FieldError>> {
        let mut problems = Vec::new();
        let needed = match self.needed.trim() {
            "yes" => true,
            "no" => false,
            _ => {
                problems.push(FieldError::new(
                    "adjustments_needed",
                    "Select whether you need any adjustments",
                ));
                return Err(problems);
            }
        };
        let details = if needed { line(&self.details) } else { None };
        if needed {
            match &details {
                None => problems
                    .push(FieldError::new("adjustments", "Describe the adjustments you need")),
                Some(d) => {
                    check_words(&mut problems, "adjustments", "Adjustments", d, ADJUSTMENT_WORDS)
                }
            }
        }
        done((needed, details), problems)
    }
}

#[cfg(test)]
mod tests;
