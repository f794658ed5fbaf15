//! The referee's side of a reference (PRODUCT §2.5): the request they are emailed, the form
//! their single-use link opens, declining, and what HR and the hiring manager read.
//!
//! Pure: the form's validation (months worked together, a word limit on the statement), the
//! states a link can be in and what each shows, and the words staff read. The server owns the
//! link's secret, its expiry and its single use; nothing here reads a clock or a database.
//!
//! A reference is given in confidence about the applicant: nothing here is ever shown to the
//! applicant, and only HR and the hiring manager, from the offer stage on, read it.

use super::super::application::{check_text, check_words, line};
use super::super::checks::coded;
use crate::error::FieldError;
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// How long a request's link works, in days from when it is sent.
pub const LINK_DAYS: i64 = 28;

/// The longest statement a referee may write, in words.
pub const STATEMENT_WORDS: usize = 500;

/// The longest reason for declining, in characters.
pub const REASON_CHARS: usize = 1000;

coded! {
    /// Whether the referee would employ the applicant again.
    Reemploy {
        /// Yes.
        Yes = "yes", "Yes";
        /// No.
        No = "no", "No";
        /// They cannot say (they were not the employer, or policy forbids answering).
        CannotSay = "cannot_say", "Cannot say";
    }
}

/// The reference form as the referee typed it (also what is kept when it had problems).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReferenceInput {
    /// The referee's own job title (optional).
    pub referee_role: String,
    /// In what capacity they know the applicant.
    pub capacity: String,
    /// Month they started working together (1–12).
    pub from_month: String,
    /// Year they started working together.
    pub from_year: String,
    /// Month they stopped (blank when they still work together).
    pub to_month: String,
    /// Year they stopped.
    pub to_year: String,
    /// `yes` when they still work together.
    pub still: String,
    /// The applicant's job title or role.
    pub applicant_role: String,
    /// A [`Reemploy`] code.
    pub reemploy: String,
    /// `yes` or `no`: do they know of a reason not to employ the applicant in this work.
    pub concerns: String,
    /// What they know, when `yes`.
    pub concerns_details: String,
    /// The reference in the referee's own words.
    pub statement: String,
}

/// A valid reference.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewReference {
    /// The referee's own job title.
    pub referee_role: Option<String>,
    /// In what capacity they know the applicant.
    pub capacity: String,
    /// First month worked together, `YYYY-MM`.
    pub worked_from: String,
    /// Last month worked together, `YYYY-MM`; `None` while they still do.
    pub worked_to: Option<String>,
    /// The applicant's job title or role.
    pub applicant_role: String,
    /// Would they employ the applicant again.
    pub reemploy: Reemploy,
    /// A reason not to employ them in this work that they know of, if any.
    pub concerns: Option<String>,
    /// The reference in the referee's own words.
    pub statement: String,
}

/// Parses a month and year (`from_month`/`from_year` boxes) no later than `today`'s month.
fn month_year(
    field: &str,
    label: &str,
    month: &str,
    year: &str,
    today: NaiveDate,
) -> Result<(i32, u32), FieldError> {
    let (m, y) = (month.trim(), year.trim());
    let problem =
        |suffix: &str, message: String| FieldError { field: format!("{field}_{suffix}"), message };
    match (m.is_empty(), y.is_empty()) {
        (true, true) => return Err(problem("month", format!("Enter {}", label.to_lowercase()))),
        (true, false) => return Err(problem("month", format!("{label} must include a month"))),
        (false, true) => return Err(problem("year", format!("{label} must include a year"))),
        (false, false) => {}
    }
    let Some(month) = m.parse::<u32>().ok().filter(|n| (1..=12).contains(n) && m.len() <= 2) else {
        return Err(problem("month", format!("{label} must have a month from 1 to 12")));
    };
    let Some(year) = y.parse::<i32>().ok().filter(|_| y.len() == 4) else {
        return Err(problem("year", format!("{label} must have a year with 4 numbers, like 2021")));
    };
    if (year, month) > (today.year(), today.month()) {
        return Err(problem("month", format!("{label} must be this month or in the past")));
    }
    if year < today.year() - 80 {
        return Err(problem("year", format!("{label} must be a real year")));
    }
    Ok((year, month))
}

/// `YYYY-MM`.
fn stored_month((year, month): (i32, u32)) -> String {
    format!("{year:04}-{month:02}")
}

impl ReferenceInput {
    /// Validates the form on `today` (UK date): months not in the future, the end not before
    /// the start, the statement within [`STATEMENT_WORDS`].
    ///
    /// # Errors
    /// The problems, each on its field.
    pub fn validate(&self, today: NaiveDate) -> Result<NewReference, Vec<FieldError>> {
        let mut problems = Vec::new();
        let referee_role = line(&self.referee_role);
        if let Some(r) = &referee_role {
            check_text(&mut problems, "referee_role", "Your job title", r, 200, false);
        }
        let capacity = line(&self.capacity);
        match &capacity {
            None => problems.push(FieldError::new(
                "capacity",
                "Enter how you know the applicant, for example “I was their line manager”",
            )),
            Some(c) => check_text(&mut problems, "capacity", "How you know them", c, 200, false),
        }
        let from = month_year(
            "from",
            "When you started working together",
            &self.from_month,
            &self.from_year,
            today,
        );
        let still = self.still.trim() == "yes";
        let to = if still {
            Ok(None)
        } else if self.to_month.trim().is_empty() && self.to_year.trim().is_empty() {
            Err(FieldError::new(
                "to_month",
                "Enter when you stopped working together, or tick that you still do",
            ))
        } else {
            month_year(
                "to",
                "When you stopped working together",
                &self.to_month,
                &self.to_year,
                today,
            )
            .map(Some)
        };
        let (from, to) = match (from, to) {
            (Ok(f), Ok(Some(t))) if t < f => {
                problems.push(FieldError::new(
                    "to_month",
                    "When you stopped working together must be after you started",
                ));
                (None, None)
            }
            (Ok(f), Ok(t)) => (Some(f), t),
            (f, t) => {
                problems.extend(f.err());
                problems.extend(t.err());
                (None, None)
            }
        };
        let applicant_role = line(&self.applicant_role);
        match &applicant_role {
            None => problems.push(FieldError::new(
                "applicant_role",
                "Enter the applicant’s job title or role when you worked together",
            )),
            Some(r) => {
                check_text(&mut problems, "applicant_role", "Their job title", r, 200, false)
            }
        }
        let reemploy = Reemploy::from_code(self.reemploy.trim());
        if reemploy.is_none() {
            problems.push(FieldError::new(
                "reemploy",
                "Select whether you would employ them again, or that you cannot say",
            ));
        }
        let concerns = match self.concerns.trim() {
            "no" => Some(None),
            "yes" => match line(&self.concerns_details) {
                None => {
                    problems.push(FieldError::new(
                        "concerns_details",
                        "Tell us what you know of the reason not to employ them",
                    ));
                    None
                }
                Some(details) => {
                    check_text(
                        &mut problems,
                        "concerns_details",
                        "What you know",
                        &details,
                        REASON_CHARS,
                        true,
                    );
                    Some(Some(details))
                }
            },
            _ => {
                problems.push(FieldError::new(
                    "concerns",
                    "Select whether you know of any reason not to employ them in this kind of work",
                ));
                None
            }
        };
        let statement = self.statement.trim().to_owned();
        if statement.is_empty() {
            problems.push(FieldError::new("statement", "Enter your reference"));
        } else {
            check_words(&mut problems, "statement", "Your reference", &statement, STATEMENT_WORDS);
        }
        match (capacity, from, applicant_role, reemploy, concerns) {
            (Some(capacity), Some(from), Some(applicant_role), Some(reemploy), Some(concerns))
                if problems.is_empty() =>
            {
                Ok(NewReference {
                    referee_role,
                    capacity,
                    worked_from: stored_month(from),
                    worked_to: to.map(stored_month),
                    applicant_role,
                    reemploy,
                    concerns,
                    statement,
                })
            }
            _ => Err(problems),
        }
    }
}

/// Validates the optional reason a referee gives for declining.
///
/// # Errors
/// Too long, or control characters, on field `reason`.
pub fn decline_reason(raw: &str) -> Result<Option<String>, Vec<FieldError>> {
    let reason = raw.trim();
    if reason.is_empty() {
        return Ok(None);
    }
    let mut problems = Vec::new();
    check_text(&mut problems, "reason", "Your reason", reason, REASON_CHARS, true);
    if problems.is_empty() { Ok(Some(reason.to_owned())) } else { Err(problems) }
}

/// A request the referee may still answer, as their link's page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpenRequest {
    /// The employer.
    pub organisation: String,
    /// The referee's name, as the applicant gave it.
    pub referee_name: String,
    /// Whom the reference is about (their preferred name if they gave one).
    pub applicant_name: String,
    /// The job applied for.
    pub vacancy_title: String,
    /// When the link stops working.
    pub expires_at: DateTime<Utc>,
    /// What they typed into a form that had problems (empty at first).
    pub kept: ReferenceInput,
}

/// What a referee's link opens.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum RequestPage {
    /// The form.
    Open(Box<OpenRequest>),
    /// They have answered: the link is used up.
    Answered {
        /// The employer.
        organisation: String,
        /// Whether they declined.
        declined: bool,
    },
    /// The link's time ran out before they answered.
    Expired {
        /// The employer.
        organisation: String,
    },
    /// The application ended (withdrawn, rejected) or is paused: no reference is wanted now.
    NotNeeded {
        /// The employer.
        organisation: String,
    },
}

/// The message a used link's form post gets (nothing changes).
pub const USED_MESSAGE: &str =
    "You have already answered this request: each link can be used once. Nothing was changed.";

/// The message an expired link's form post gets.
pub const EXPIRED_MESSAGE: &str =
    "This link has ended. Contact the employer if you would still like to give a reference.";

/// The message for an application that no longer needs a reference.
pub const NOT_NEEDED_MESSAGE: &str =
    "This reference is no longer needed, so nothing was sent. Thank you for your time.";

/// A referee's answer as HR and the hiring manager read it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ReferenceView {
    /// A reference.
    Given {
        /// When, in words.
        at: String,
        /// The referee's job title.
        referee_role: Option<String>,
        /// How they know the applicant.
        capacity: String,
        /// When they worked together, in words ("March 2021 to now").
        worked: String,
        /// The applicant's role then.
        applicant_role: String,
        /// Would they employ them again, in words.
        reemploy: String,
        /// A reason not to employ them they know of, in words ("None known").
        concerns: String,
        /// The statement.
        statement: String,
    },
    /// They declined.
    Declined {
        /// When, in words.
        at: String,
        /// Their reason, if they gave one.
        reason: Option<String>,
    },
}

/// "March 2021" from a stored `YYYY-MM` (the stored text itself if malformed).
#[must_use]
pub fn month_words(stored: &str) -> String {
    NaiveDate::parse_from_str(&format!("{stored}-01"), "%Y-%m-%d")
        .map_or_else(|_| stored.to_owned(), |d| d.format("%B %Y").to_string())
}

/// "March 2021 to June 2024", or "March 2021 to now".
#[must_use]
pub fn worked_words(from: &str, to: Option<&str>) -> String {
    format!("{} to {}", month_words(from), to.map_or_else(|| "now".to_owned(), month_words))
}

/// Where a referee's request stands, for staff.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RequestFacts {
    /// When the request was sent.
    pub requested_at: Option<DateTime<Utc>>,
    /// When its link stops working.
    pub expires_at: Option<DateTime<Utc>>,
    /// When the reminder went.
    pub reminded_at: Option<DateTime<Utc>>,
    /// When they answered, and whether they declined.
    pub answered: Option<(DateTime<Utc>, bool)>,
}

impl RequestFacts {
    /// Whether HR may send this referee a request now: never asked, or asked and the link
    /// ended with no answer (a fresh request, with a new link and its own reminder).
    #[must_use]
    pub fn askable(&self, now: DateTime<Utc>) -> bool {
        match (self.answered, self.requested_at, self.expires_at) {
            (Some(_), ..) => false,
            (None, None, _) => true,
            (None, Some(_), until) => until.is_some_and(|u| u <= now),
        }
    }

    /// The status staff read next to the referee.
    #[must_use]
    pub fn words(&self, now: DateTime<Utc>) -> String {
        use super::super::time::{format_uk_date, format_uk_datetime};
        match (self.answered, self.requested_at, self.expires_at) {
            (Some((at, false)), ..) => format!("Reference received {}", format_uk_datetime(at)),
            (Some((at, true)), ..) => format!("Declined {}", format_uk_datetime(at)),
            (None, None, _) => "Not asked yet".to_owned(),
            (None, Some(_), Some(until)) if until <= now => {
                format!("No answer: the link ended {}", format_uk_date(until))
            }
            (None, Some(sent), until) => {
                let mut words = format!("Asked {}", format_uk_date(sent));
                if let Some(r) = self.reminded_at {
                    words.push_str(&format!(", reminded {}", format_uk_date(r)));
                }
                if let Some(u) = until {
                    words.push_str(&format!("; link works until {}", format_uk_date(u)));
                }
                words
            }
        }
    }
}

#[cfg(test)]
mod tests;
