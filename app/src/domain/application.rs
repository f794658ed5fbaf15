//! The application form: its pages, what each page accepts, and the application reference.
//!
//! Every page has an *input* type holding exactly what the form sent, as text, and a
//! `validate` that turns it into the values stored or into GOV.UK-style field messages. The
//! server is the only judge (the browser shows the same messages because it gets them from the
//! server), and the rules here are pure: "today" is a parameter.
//!
//! Text is never interpreted: markup in a name or an answer is stored as typed and always
//! shown as text. Control characters are refused (they have no place in a form and can hide
//! content from a reader).

use super::{ApplicationId, VacancyId, monitoring::Monitoring};
use crate::error::FieldError;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// The pages of the journey, in order. `slug` is the last part of the page's address.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Step {
    /// Name and contact details.
    AboutYou,
    /// Right to work, notice, start date, salary.
    Eligibility,
    /// CV and covering statement.
    Documents,
    /// One answer per person-specification criterion.
    Criteria,
    /// How they heard about the role.
    Source,
    /// Reasonable adjustments for interview.
    Adjustments,
    /// The reserve-list consent.
    Consents,
    /// Equal-opportunities monitoring (optional).
    Monitoring,
    /// The ethnic category within the group chosen on the monitoring page.
    Ethnicity,
    /// Check answers, declaration and send.
    Check,
}

impl Step {
    /// The pages an applicant fills in, in order (check answers last).
    pub const ALL: [Self; 10] = [
        Self::AboutYou,
        Self::Eligibility,
        Self::Documents,
        Self::Criteria,
        Self::Source,
        Self::Adjustments,
        Self::Consents,
        Self::Monitoring,
        Self::Ethnicity,
        Self::Check,
    ];

    /// The page's address segment.
    #[must_use]
    pub const fn slug(self) -> &'static str {
        match self {
            Self::AboutYou => "about-you",
            Self::Eligibility => "eligibility",
            Self::Documents => "cv",
            Self::Criteria => "person-specification",
            Self::Source => "source",
            Self::Adjustments => "adjustments",
            Self::Consents => "reserve-list",
            Self::Monitoring => "monitoring",
            Self::Ethnicity => "monitoring-ethnicity",
            Self::Check => "check",
        }
    }

    /// The page's heading (and title).
    #[must_use]
    pub const fn title(self) -> &'static str {
        match self {
            Self::AboutYou => "About you",
            Self::Eligibility => "Your eligibility",
            Self::Documents => "Your CV and covering statement",
            Self::Criteria => "How you meet the person specification",
            Self::Source => "How did you hear about this job?",
            Self::Adjustments => "Adjustments for your interview",
            Self::Consents => "Being considered for other jobs",
            Self::Monitoring => "Equal opportunities monitoring",
            Self::Ethnicity => "Your ethnic background",
            Self::Check => "Check your answers before sending your application",
        }
    }

    /// The step with this slug.
    #[must_use]
    pub fn from_slug(slug: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.slug() == slug)
    }

    /// The address of this page of `application`.
    #[must_use]
    pub fn path(self, application: ApplicationId) -> String {
        format!("/apply/{application}/{}", self.slug())
    }
}

/// Where an application is. Drafts can be changed; the others cannot.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Status {
    /// Being filled in.
    Draft,
    /// Sent.
    Submitted,
    /// Withdrawn by the applicant.
    Withdrawn,
}

impl Status {
    /// Storage code.
    #[must_use]
    pub const fn code(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::Submitted => "submitted",
            Self::Withdrawn => "withdrawn",
        }
    }

    /// From the storage code.
    #[must_use]
    pub fn from_code(code: &str) -> Option<Self> {
        [Self::Draft, Self::Submitted, Self::Withdrawn].into_iter().find(|s| s.code() == code)
    }
}

// ---------------------------------------------------------------------------------------------
// Text rules shared by every page.

/// Counts words the way a reader would: runs of non-space characters.
#[must_use]
pub fn word_count(text: &str) -> usize {
    text.split_whitespace().count()
}

/// A single-line text field: trimmed; `None` when blank.
fn line(raw: &str) -> Option<String> {
    let t = raw.trim();
    (!t.is_empty()).then(|| t.to_owned())
}

fn has_control(text: &str, multi_line: bool) -> bool {
    text.chars().any(|c| c.is_control() && !(multi_line && matches!(c, '\n' | '\r' | '\t')))
}

/// Checks one text field. `label` starts the messages ("Full name must be …").
fn check_text(
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
fn check_words(
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
            Some(e) if !super::staff::plausible_email(e) => problems.push(FieldError::new(
                "email",
                "Enter an email address in the correct format, like name@example.com",
            )),
            Some(_) => {}
        }
        let phone = line(&self.phone);
        if let Some(p) = &phone {
            let digits = p.chars().filter(char::is_ascii_digit).count();
            if !p.chars().all(|c| c.is_ascii_digit() || " +()-".contains(c))
                || !(7..=15).contains(&digits)
            {
                problems.push(FieldError::new(
                    "phone",
                    "Enter a phone number, like 01632 960 001, 07700 900 982 or +44 808 157 0192",
                ));
            }
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
    if date < today {
        return Err(err("day", format!("{label} must be today or in the future")));
    }
    if date > today + chrono::Duration::days(731) {
        return Err(err("year", format!("{label} must be within the next 2 years")));
    }
    Ok(date)
}

/// Parses a salary in whole pounds, forgiving "£" and thousands separators.
fn parse_pounds(raw: &str) -> Option<i32> {
    let cleaned: String =
        raw.trim().trim_start_matches('£').chars().filter(|c| *c != ',').collect();
    let cleaned = cleaned.strip_suffix(".00").unwrap_or(&cleaned);
    if cleaned.is_empty() || cleaned.len() > 8 || !cleaned.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    cleaned.parse().ok()
}

impl EligibilityInput {
    /// Validates the page; `today` is the UK date now.
    ///
    /// # Errors
    /// Each problem, in the order of the form's fields.
    pub fn validate(&self, today: NaiveDate) -> Result<Eligibility, Vec<FieldError>> {
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
        match (right_to_work, notice_period, start) {
            (Some(right_to_work), Some(notice_period), Some(earliest_start))
                if problems.is_empty() =>
            {
                Ok(Eligibility {
                    right_to_work,
                    notice_period,
                    earliest_start,
                    salary_expectation: salary,
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

// ---------------------------------------------------------------------------------------------
// Consent.

/// The current version of the reserve-list consent wording. Change the wording, change the
/// version: every consent record names the version (and the hash of the exact text) agreed to.
pub const RESERVE_LIST_WORDING_VERSION: i32 = 1;

/// The reserve-list consent, as shown next to its (unticked) box. `months` is how long the
/// consent lasts, from configuration.
#[must_use]
pub fn reserve_list_wording(organisation: &str, months: u32) -> String {
    format!(
        "I agree that if I am not offered this job but am found suitable, {organisation} may keep \
         my application for {months} months after the decision and contact me about other jobs \
         that match it. I can withdraw this at any time from my applicant page or the link in \
         any email, and it then ends at once."
    )
}

// ---------------------------------------------------------------------------------------------
// The reference.

/// The characters of a reference: digits and capitals without the easily confused 0, 1, I, L,
/// O and U.
const REFERENCE_ALPHABET: &[u8; 30] = b"23456789ABCDEFGHJKMNPQRSTVWXYZ";

/// An application's reference, like `SL-7KX2-93QF`: what the applicant quotes and staff search
/// for. Random (about 39 bits), so it reveals neither order nor volume.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Reference(String);

impl Reference {
    /// A reference from 64 random bits.
    #[must_use]
    pub fn from_random(mut bits: u64) -> Self {
        let mut chars = [0u8; 8];
        for c in &mut chars {
            // 30^8 is far below 2^64, so the modulo bias is negligible.
            *c = REFERENCE_ALPHABET[usize::try_from(bits % 30).unwrap_or(0)];
            bits /= 30;
        }
        let s = String::from_utf8_lossy(&chars);
        Self(format!("SL-{}-{}", &s[..4], &s[4..]))
    }

    /// Reads a reference as someone might type it: any case, spaces or missing hyphens.
    #[must_use]
    pub fn parse(text: &str) -> Option<Self> {
        let body: String = text
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '-')
            .map(|c| c.to_ascii_uppercase())
            .collect();
        let body = body.strip_prefix("SL")?;
        (body.len() == 8 && body.bytes().all(|b| REFERENCE_ALPHABET.contains(&b)))
            .then(|| Self(format!("SL-{}-{}", &body[..4], &body[4..])))
    }

    /// The reference as shown and stored.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for Reference {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

// ---------------------------------------------------------------------------------------------
// What the journey's pages show.

/// An uploaded CV, as its owner sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UploadedFile {
    /// The name the file had on the applicant's computer (data only).
    pub name: String,
    /// Size in bytes.
    pub size_bytes: i64,
    /// The type decided from the content ("PDF", "Word document", …).
    pub kind: String,
}

/// A draft (or sent application) as its owner sees it on the journey's pages. Only ever
/// returned to the holder of the application's own secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApplicationView {
    /// Id (in the pages' addresses).
    pub id: ApplicationId,
    /// The vacancy applied for.
    pub vacancy: VacancyId,
    /// Its title.
    pub vacancy_title: String,
    /// The organisation's name.
    pub organisation: String,
    /// When applications close.
    pub closes_at: DateTime<Utc>,
    /// Whether it still accepts applications (by the server's clock).
    pub open: bool,
    /// Draft, sent or withdrawn.
    pub status: Status,
    /// Set when sent.
    pub reference: Option<Reference>,
    /// The person specification.
    pub criteria: Vec<Criterion>,
    /// About you, as saved (or as last sent, if that failed).
    pub about: AboutYouInput,
    /// Eligibility, likewise.
    pub eligibility: EligibilityInput,
    /// The CV, if uploaded.
    pub cv: Option<UploadedFile>,
    /// Covering statement.
    pub covering_statement: String,
    /// One answer per criterion (empty strings where not yet answered).
    pub answers: Vec<String>,
    /// Source.
    pub source: SourceInput,
    /// Adjustments.
    pub adjustments: AdjustmentsInput,
    /// Whether a live reserve-list consent exists.
    pub reserve_list: bool,
    /// The consent's wording, as it would be recorded.
    pub reserve_list_wording: String,
    /// The applicant's own monitoring answers.
    pub monitoring: Monitoring,
    /// Pages saved at least once.
    pub done: Vec<Step>,
    /// The page whose last post failed validation (its values above are that post's).
    pub failed: Option<Step>,
}

impl ApplicationView {
    /// The first page not yet saved, or check answers.
    #[must_use]
    pub fn next_unfinished(&self) -> Step {
        Step::ALL
            .into_iter()
            .find(|s| !self.done.contains(s) && self.applies(*s) && *s != Step::Check)
            .unwrap_or(Step::Check)
    }

    /// Whether a page is part of this application's journey.
    #[must_use]
    pub fn applies(&self, step: Step) -> bool {
        match step {
            Step::Criteria => !self.criteria.is_empty(),
            Step::Ethnicity => self.monitoring.asks_ethnicity(),
            _ => true,
        }
    }
}

/// A draft saved by the raw text of a page that failed validation, so the page can show it
/// again. Stored with the draft; cleared when the page is saved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum PendingInput {
    /// About you.
    AboutYou(AboutYouInput),
    /// Eligibility.
    Eligibility(EligibilityInput),
    /// Covering statement.
    Documents(String),
    /// Criteria answers.
    Criteria(Vec<String>),
    /// Source.
    Source(SourceInput),
    /// Adjustments.
    Adjustments(AdjustmentsInput),
}

impl PendingInput {
    /// The page it belongs to.
    #[must_use]
    pub const fn step(&self) -> Step {
        match self {
            Self::AboutYou(_) => Step::AboutYou,
            Self::Eligibility(_) => Step::Eligibility,
            Self::Documents(_) => Step::Documents,
            Self::Criteria(_) => Step::Criteria,
            Self::Source(_) => Step::Source,
            Self::Adjustments(_) => Step::Adjustments,
        }
    }

    /// Puts the pending values in place of the saved ones.
    pub fn apply_to(self, view: &mut ApplicationView) {
        view.failed = Some(self.step());
        match self {
            Self::AboutYou(v) => view.about = v,
            Self::Eligibility(v) => view.eligibility = v,
            Self::Documents(v) => view.covering_statement = v,
            Self::Criteria(v) => view.answers = v,
            Self::Source(v) => view.source = v,
            Self::Adjustments(v) => view.adjustments = v,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()
    }

    fn about(name: &str, email: &str, phone: &str, method: &str) -> AboutYouInput {
        AboutYouInput {
            full_name: name.into(),
            preferred_name: String::new(),
            email: email.into(),
            phone: phone.into(),
            contact_method: method.into(),
        }
    }

    fn fields(e: &[FieldError]) -> Vec<&str> {
        e.iter().map(|f| f.field.as_str()).collect()
    }

    #[test]
    fn about_you_accepts_a_real_person_and_keeps_markup_as_text() {
        let ok =
            about("  Ada <b>Lovelace</b> ", "Ada@Example.ORG ", "", "email").validate().unwrap();
        assert_eq!(ok.full_name, "Ada <b>Lovelace</b>");
        assert_eq!(ok.email, "ada@example.org");
        assert_eq!(ok.phone, None);
    }

    #[test]
    fn about_you_names_each_problem_in_field_order() {
        let e = about("", "not-an-email", "12", "fax").validate().unwrap_err();
        assert_eq!(fields(&e), ["full_name", "email", "phone", "contact_method"]);
        let e = about("A", "a@b.co", "", "phone").validate().unwrap_err();
        assert_eq!(e[0].message, "Enter a phone number, or choose to be contacted by email");
        let e = about(&"x".repeat(201), "a@b.co", "", "email").validate().unwrap_err();
        assert_eq!(e[0].message, "Full name must be 200 characters or fewer");
        let e = about("A\u{0}B", "a@b.co", "", "email").validate().unwrap_err();
        assert_eq!(fields(&e), ["full_name"]);
        assert!(about("A", "a@b.co", "+44 (0)7700 900-982", "phone").validate().is_ok());
    }

    fn date(d: &str, m: &str, y: &str) -> Result<NaiveDate, FieldError> {
        parse_date_input("start", "Earliest start date", d, m, y, today())
    }

    #[test]
    fn date_inputs_follow_the_gov_uk_messages() {
        assert_eq!(date("1", "12", "2026").unwrap(), NaiveDate::from_ymd_opt(2026, 12, 1).unwrap());
        assert_eq!(date("", "", "").unwrap_err().message, "Enter your earliest start date");
        assert_eq!(date("", "", "").unwrap_err().field, "start_day");
        assert_eq!(
            date("1", "", "2026").unwrap_err().message,
            "Earliest start date must include a month"
        );
        assert_eq!(date("1", "", "2026").unwrap_err().field, "start_month");
        assert_eq!(
            date("", "", "2027").unwrap_err().message,
            "Earliest start date must include a day and month"
        );
        assert_eq!(
            date("31", "2", "2027").unwrap_err().message,
            "Earliest start date must be a real date"
        );
        assert_eq!(
            date("29", "2", "2027").unwrap_err().message,
            "Earliest start date must be a real date"
        );
        assert!(date("29", "2", "2028").is_ok(), "a leap day is a real date");
        assert_eq!(date("1", "1", "27").unwrap_err().message, "Year must include 4 numbers");
        assert_eq!(
            date("1st", "Jan", "2027").unwrap_err().message,
            "Earliest start date must be a real date"
        );
        assert_eq!(
            date("-1", "1", "2027").unwrap_err().message,
            "Earliest start date must be a real date"
        );
        assert_eq!(
            date("22", "11", "2026").unwrap_err().message,
            "Earliest start date must be today or in the future"
        );
        assert!(date("23", "11", "2026").is_ok());
        assert_eq!(date("1", "1", "2030").unwrap_err().field, "start_year");
        assert!(date("99999999999999999999", "1", "2027").is_err());
    }

    #[test]
    fn salary_expectations_forgive_pound_signs_and_commas() {
        assert_eq!(parse_pounds("£32,000"), Some(32_000));
        assert_eq!(parse_pounds("32000.00"), Some(32_000));
        assert_eq!(parse_pounds("32k"), None);
        assert_eq!(parse_pounds("-5"), None);
        assert_eq!(parse_pounds("999999999999"), None);
    }

    #[test]
    fn eligibility_collects_every_problem() {
        let input = EligibilityInput {
            right_to_work: "maybe".into(),
            notice_period: String::new(),
            start_day: "31".into(),
            start_month: "2".into(),
            start_year: "2027".into(),
            salary: "lots".into(),
        };
        let e = input.validate(today()).unwrap_err();
        assert_eq!(fields(&e), ["right_to_work", "notice_period", "start_day", "salary"]);
    }

    #[test]
    fn answers_respect_each_criterion_word_limit() {
        let criteria = vec![
            Criterion { position: 1, text: "a".into(), word_limit: 50 },
            Criterion { position: 2, text: "b".into(), word_limit: 60 },
        ];
        let ok = vec!["word ".repeat(50), "fine".to_owned()];
        assert!(validate_answers(&criteria, &ok).is_ok());
        let e = validate_answers(&criteria, &["word ".repeat(51), String::new()]).unwrap_err();
        assert_eq!(
            e[0].message,
            "Your answer to criterion 1 must be 50 words or fewer (you have 51)"
        );
        assert_eq!(e[1].message, "Enter your answer to criterion 2");
        // One enormous "word" is still refused.
        let e = validate_answers(&criteria, &["x".repeat(5000), "y".into()]).unwrap_err();
        assert_eq!(fields(&e), ["answer_1"]);
        // A forged post with the wrong number of answers.
        assert!(validate_answers(&criteria, &["only one".into()]).is_err());
    }

    #[test]
    fn source_and_adjustments_need_details_only_when_they_apply() {
        let s = SourceInput { source: "other".into(), source_other: String::new() };
        assert_eq!(fields(&s.validate().unwrap_err()), ["source_other"]);
        let s = SourceInput { source: "job_board".into(), source_other: "ignored".into() };
        assert_eq!(s.validate().unwrap(), ("job_board".into(), None));
        assert!(
            SourceInput { source: "<script>".into(), ..Default::default() }.validate().is_err()
        );
        let a = AdjustmentsInput { needed: "yes".into(), details: " ".into() };
        assert_eq!(fields(&a.validate().unwrap_err()), ["adjustments"]);
        let a = AdjustmentsInput { needed: "no".into(), details: "ignored".into() };
        assert_eq!(a.validate().unwrap(), (false, None));
    }

    #[test]
    fn references_look_like_sl_xxxx_xxxx_and_read_back_forgivingly() {
        let r = Reference::from_random(0x0123_4567_89ab_cdef);
        assert_eq!(r.as_str().len(), 12);
        assert!(r.as_str().starts_with("SL-"));
        assert_eq!(&r.as_str()[7..8], "-");
        assert_eq!(Reference::parse(&r.as_str().to_lowercase().replace('-', " ")), Some(r.clone()));
        assert_eq!(Reference::parse("SL-7KX2-93QF").unwrap().as_str(), "SL-7KX2-93QF");
        assert_eq!(Reference::parse("SL-7KX2-93QO"), None, "O is not in the alphabet");
        assert_eq!(Reference::parse("SL-7KX2-93Q"), None);
        assert_eq!(Reference::parse("XX-7KX2-93QF"), None);
        assert_ne!(Reference::from_random(1), Reference::from_random(2));
    }

    #[test]
    fn steps_round_trip_through_their_slugs() {
        for s in Step::ALL {
            assert_eq!(Step::from_slug(s.slug()), Some(s));
        }
        assert_eq!(Step::from_slug("../etc"), None);
    }
}
