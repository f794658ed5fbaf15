//! The rights-request register (PRODUCT §2.8): what HR logs about a request, how it is
//! extended and closed, how it stands on a given day (overdue, due soon, on time, closed), and
//! what the register's pages show.
//!
//! Pure: "today" is a parameter; deadlines come from [`super::due_date`] and
//! [`super::extended_due_date`]. Nothing here stores, mails or logs anything. A register entry
//! must outlive the data it is about, so it names the person only by the email address it was
//! logged under, which the server clears when their data is erased; what remains is the
//! non-identifying reference, the kind, the dates and the outcome.

use super::{MAX_EXTENSION_MONTHS, RequestKind, due_date, extended_due_date};
use crate::domain::application::{check_text, line, parse_date_boxes};
use crate::domain::staff::plausible_email;
use crate::error::FieldError;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// How many days before its deadline a request counts as due soon.
pub const DUE_SOON_DAYS: i64 = 7;

/// How far back a request received on paper or by phone may be logged.
pub const MAX_LOG_DELAY_DAYS: i64 = 365;

/// The longest free text on a register entry (details, notes, reasons).
pub const MAX_NOTE: usize = 2000;

/// A register entry's reference from 64 random bits, like `RR-7KX2-93QF`: the same alphabet
/// and length as an application's, so it says nothing about order or volume.
#[must_use]
pub fn new_reference(bits: u64) -> String {
    crate::domain::application::Reference::from_random(bits).as_str().replacen("SL", "RR", 1)
}

/// Whether `text` is a register reference exactly as [`new_reference`] makes them
/// (`RR-7KX2-93QF`): used before showing one that arrived in a query.
#[must_use]
pub fn looks_like_reference(text: &str) -> bool {
    text.strip_prefix("RR-")
        .and_then(|rest| crate::domain::application::Reference::parse(&format!("SL-{rest}")))
        .is_some_and(|r| r.as_str()[3..] == text[3..])
}

/// How HR satisfied themselves the request came from the person the data is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Verification {
    /// Made from the applicant portal, which only its holder can open (logged by the portal).
    PortalSignIn,
    /// Sent from the email address the applications were made with.
    EmailOnFile,
    /// Identity documents were checked.
    Documents,
    /// Another way, described in the note.
    Other,
}

impl Verification {
    /// The ways HR can choose when logging (the portal logs its own).
    pub const STAFF_CHOICES: [Self; 3] = [Self::EmailOnFile, Self::Documents, Self::Other];

    /// Storage code.
    #[must_use]
    pub const fn code(self) -> &'static str {
        match self {
            Self::PortalSignIn => "portal",
            Self::EmailOnFile => "email_on_file",
            Self::Documents => "documents",
            Self::Other => "other",
        }
    }

    /// From a storage code.
    #[must_use]
    pub fn from_code(code: &str) -> Option<Self> {
        [Self::PortalSignIn, Self::EmailOnFile, Self::Documents, Self::Other]
            .into_iter()
            .find(|v| v.code() == code)
    }

    /// In words, for staff.
    #[must_use]
    pub const fn words(self) -> &'static str {
        match self {
            Self::PortalSignIn => "Made in the applicant portal (only its holder can open it)",
            Self::EmailOnFile => "Sent from the email address on the application",
            Self::Documents => "Identity documents checked",
            Self::Other => "Another way (see the note)",
        }
    }
}

/// How a request ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Outcome {
    /// Done as asked.
    Completed,
    /// Refused, with the reason told to the person.
    Refused,
    /// The person withdrew it.
    Withdrawn,
}

impl Outcome {
    /// Every outcome, in the order forms list them.
    pub const ALL: [Self; 3] = [Self::Completed, Self::Refused, Self::Withdrawn];

    /// Storage code.
    #[must_use]
    pub const fn code(self) -> &'static str {
        match self {
            Self::Completed => "completed",
            Self::Refused => "refused",
            Self::Withdrawn => "withdrawn",
        }
    }

    /// From a storage code.
    #[must_use]
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|o| o.code() == code)
    }

    /// In words, for staff.
    #[must_use]
    pub const fn words(self) -> &'static str {
        match self {
            Self::Completed => "Completed",
            Self::Refused => "Refused",
            Self::Withdrawn => "Withdrawn by the person",
        }
    }
}

/// Where a request stands on a given day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Urgency {
    /// Open and past its deadline.
    Overdue,
    /// Open, due within [`DUE_SOON_DAYS`] (today included).
    DueSoon,
    /// Open, with time left.
    OnTime,
    /// Closed.
    Closed,
}

impl Urgency {
    /// How a request due on `due` stands on `today` (`closed`: it has an outcome).
    #[must_use]
    pub fn of(due: NaiveDate, closed: bool, today: NaiveDate) -> Self {
        if closed {
            Self::Closed
        } else if due < today {
            Self::Overdue
        } else if (due - today).num_days() < DUE_SOON_DAYS {
            Self::DueSoon
        } else {
            Self::OnTime
        }
    }

    /// In words, for the register's status column.
    #[must_use]
    pub const fn words(self) -> &'static str {
        match self {
            Self::Overdue => "Overdue",
            Self::DueSoon => "Due soon",
            Self::OnTime => "Open",
            Self::Closed => "Closed",
        }
    }
}

/// The "log a request" form as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogInput {
    /// A [`RequestKind`] code.
    pub kind: String,
    /// The day it was received.
    pub received_day: String,
    /// Its month.
    pub received_month: String,
    /// Its year.
    pub received_year: String,
    /// A [`Verification`] code.
    pub verified: String,
    /// How identity was checked, in words (needed for "another way").
    pub verification_note: String,
    /// The person's email address (how their applications are found).
    pub email: String,
    /// What they asked, in their words or HR's.
    pub details: String,
}

/// A request ready to be stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewRequest {
    /// What was asked for.
    pub kind: RequestKind,
    /// When it arrived.
    pub received: NaiveDate,
    /// How identity was checked.
    pub verified: Verification,
    /// The note about it, if any.
    pub verification_note: Option<String>,
    /// The address, lower-cased.
    pub email: String,
    /// What was asked, if written down.
    pub details: Option<String>,
    /// The deadline.
    pub due: NaiveDate,
}

impl LogInput {
    /// Checks the form as HR logs it on `today`.
    ///
    /// # Errors
    /// The problems, each for its field.
    pub fn validate(&self, today: NaiveDate) -> Result<NewRequest, Vec<FieldError>> {
        let mut problems = Vec::new();
        let kind = RequestKind::from_code(self.kind.trim());
        if kind.is_none() {
            problems.push(FieldError::new("kind", "Select what the person asked for"));
        }
        let received = match parse_date_boxes(
            "received",
            "Date received",
            &self.received_day,
            &self.received_month,
            &self.received_year,
        ) {
            Ok(d) if d > today => {
                problems.push(FieldError::new(
                    "received_day",
                    "Date received must be today or in the past",
                ));
                None
            }
            Ok(d) if (today - d).num_days() > MAX_LOG_DELAY_DAYS => {
                problems.push(FieldError::new(
                    "received_day",
                    "Date received must be within the last year",
                ));
                None
            }
            Ok(d) => Some(d),
            Err(e) => {
                problems.push(e);
                None
            }
        };
        let verified = Verification::from_code(self.verified.trim())
            .filter(|v| Verification::STAFF_CHOICES.contains(v));
        let note = line(&self.verification_note);
        match (verified, &note) {
            (None, _) => problems.push(FieldError::new(
                "verified",
                "Select how you checked the request came from the person",
            )),
            (Some(Verification::Other), None) => problems.push(FieldError::new(
                "verification_note",
                "Describe how you checked the request came from the person",
            )),
            _ => {}
        }
        if let Some(n) = &note {
            check_text(&mut problems, "verification_note", "The note", n, MAX_NOTE, true);
        }
        let email = self.email.trim().to_lowercase();
        if email.is_empty() {
            problems.push(FieldError::new("email", "Enter the person’s email address"));
        } else if !plausible_email(&email) {
            problems.push(FieldError::new(
                "email",
                "Enter an email address in the correct format, like name@example.com",
            ));
        }
        let details = line(&self.details);
        if let Some(d) = &details {
            check_text(&mut problems, "details", "What they asked", d, MAX_NOTE, true);
        }
        match (kind, received, verified, problems.is_empty()) {
            (Some(kind), Some(received), Some(verified), true) => Ok(NewRequest {
                kind,
                received,
                verified,
                verification_note: note,
                email,
                details,
                due: due_date(received),
            }),
            _ => Err(problems),
        }
    }
}

/// The most words of a request made in the portal.
pub const PORTAL_DETAILS_WORDS: usize = 300;

/// A request as the applicant makes it in the portal (signed in there, so identity is checked).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PortalRequestInput {
    /// A [`RequestKind`] code.
    pub kind: String,
    /// What they want, in their words (optional).
    pub details: String,
}

impl PortalRequestInput {
    /// The request of the portal link's holder, whose address is `email`, received `today`.
    ///
    /// # Errors
    /// The problems, each for its field.
    pub fn validate(&self, email: &str, today: NaiveDate) -> Result<NewRequest, Vec<FieldError>> {
        let mut problems = Vec::new();
        let kind = RequestKind::from_code(self.kind.trim());
        if kind.is_none() {
            problems.push(FieldError::new("kind", "Select what you would like us to do"));
        }
        let details = line(&self.details);
        if let Some(d) = &details {
            crate::domain::application::check_words(
                &mut problems,
                "details",
                "Your request",
                d,
                PORTAL_DETAILS_WORDS,
            );
        }
        match (kind, problems.is_empty()) {
            (Some(kind), true) => Ok(NewRequest {
                kind,
                received: today,
                verified: Verification::PortalSignIn,
                verification_note: None,
                email: email.trim().to_lowercase(),
                details,
                due: due_date(today),
            }),
            _ => Err(problems),
        }
    }
}

/// The extension form as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExtendInput {
    /// How many months beyond the first, in all ("1" or "2").
    pub months: String,
    /// Why (complex or numerous requests), told to the person.
    pub reason: String,
}

impl ExtendInput {
    /// The new total extension, the reason and the new deadline, for a request received on
    /// `received` already extended by `already` months.
    ///
    /// # Errors
    /// The problems, each for its field.
    pub fn validate(
        &self,
        received: NaiveDate,
        already: u32,
    ) -> Result<(u32, String, NaiveDate), Vec<FieldError>> {
        let mut problems = Vec::new();
        let months = self
            .months
            .trim()
            .parse::<u32>()
            .ok()
            .filter(|m| (1..=MAX_EXTENSION_MONTHS).contains(m));
        match months {
            None => problems.push(FieldError::new(
                "months",
                "Select an extension of 1 or 2 months beyond the first",
            )),
            Some(m) if m <= already => problems.push(FieldError::new(
                "months",
                "The extension must be longer than the one already given",
            )),
            Some(_) => {}
        }
        let reason = line(&self.reason);
        match &reason {
            None => problems.push(FieldError::new(
                "reason",
                "Enter why the request needs longer (this is told to the person)",
            )),
            Some(r) => check_text(&mut problems, "reason", "The reason", r, MAX_NOTE, true),
        }
        match (months.and_then(|m| extended_due_date(received, m).map(|d| (m, d))), reason) {
            (Some((m, due)), Some(reason)) if problems.is_empty() => Ok((m, reason, due)),
            _ => Err(problems),
        }
    }
}

/// The closing form as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CloseInput {
    /// An [`Outcome`] code.
    pub outcome: String,
    /// What was done, or why it was refused.
    pub note: String,
    /// The day it was closed.
    pub day: String,
    /// Its month.
    pub month: String,
    /// Its year.
    pub year: String,
}

impl CloseInput {
    /// The outcome, its note and its date, for a request received on `received`, closed on
    /// or before `today`.
    ///
    /// # Errors
    /// The problems, each for its field.
    pub fn validate(
        &self,
        received: NaiveDate,
        today: NaiveDate,
    ) -> Result<(Outcome, Option<String>, NaiveDate), Vec<FieldError>> {
        let mut problems = Vec::new();
        let outcome = Outcome::from_code(self.outcome.trim());
        if outcome.is_none() {
            problems.push(FieldError::new("outcome", "Select how the request ended"));
        }
        let note = line(&self.note);
        match (&outcome, &note) {
            (Some(Outcome::Refused), None) => problems.push(FieldError::new(
                "note",
                "Enter why the request was refused (the person must be told)",
            )),
            (_, Some(n)) => check_text(&mut problems, "note", "The note", n, MAX_NOTE, true),
            _ => {}
        }
        let closed =
            match parse_date_boxes("closed", "Date closed", &self.day, &self.month, &self.year) {
                Ok(d) if d > today => {
                    problems.push(FieldError::new(
                        "closed_day",
                        "Date closed must be today or in the past",
                    ));
                    None
                }
                Ok(d) if d < received => {
                    problems.push(FieldError::new(
                        "closed_day",
                        "Date closed must be on or after the date the request was received",
                    ));
                    None
                }
                Ok(d) => Some(d),
                Err(e) => {
                    problems.push(e);
                    None
                }
            };
        match (outcome, closed, problems.is_empty()) {
            (Some(o), Some(d), true) => Ok((o, note, d)),
            _ => Err(problems),
        }
    }
}

/// One line of the register.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegisterRow {
    /// The entry's id (for its page).
    pub id: String,
    /// Its non-identifying reference, like `RR-7KX2-93QF`.
    pub reference: String,
    /// What was asked for.
    pub kind: RequestKind,
    /// When it arrived, in words.
    pub received: String,
    /// Its deadline, in words.
    pub due: String,
    /// How it stands today.
    pub urgency: Urgency,
    /// The person's address, or `None` once their data was erased.
    pub email: Option<String>,
    /// Whether it came from the portal.
    pub from_portal: bool,
}

/// Which entries the register shows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Show {
    /// Open ones, soonest deadline first.
    #[default]
    Open,
    /// Overdue and due soon only.
    Urgent,
    /// Everything, newest first.
    All,
}

impl Show {
    /// From the page's `?show=` (anything else: open).
    #[must_use]
    pub fn from_query(q: Option<&str>) -> Self {
        match q {
            Some("urgent") => Self::Urgent,
            Some("all") => Self::All,
            _ => Self::Open,
        }
    }

    /// Whether a row at `urgency` is shown.
    #[must_use]
    pub const fn keeps(self, urgency: Urgency) -> bool {
        match self {
            Self::Open => !matches!(urgency, Urgency::Closed),
            Self::Urgent => matches!(urgency, Urgency::Overdue | Urgency::DueSoon),
            Self::All => true,
        }
    }
}

/// The register page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegisterPage {
    /// What is shown.
    pub show: Show,
    /// The entries shown.
    pub rows: Vec<RegisterRow>,
    /// How many open requests are overdue.
    pub overdue: usize,
    /// How many are due within [`DUE_SOON_DAYS`].
    pub due_soon: usize,
    /// Whether the viewer may log and handle requests (HR), or only read (auditors).
    pub can_manage: bool,
}

/// One application the person's address is on, for the request's page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HeldApplication {
    /// Its id (links to the candidate page).
    pub id: String,
    /// Its reference, like `SL-7KX2-93QF`.
    pub reference: String,
    /// The vacancy.
    pub vacancy_title: String,
    /// Where it stands, in words.
    pub standing: String,
}

/// A request's own page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestView {
    /// The line as in the register.
    pub row: RegisterRow,
    /// How identity was checked.
    pub verified: Verification,
    /// The note about that.
    pub verification_note: Option<String>,
    /// What was asked.
    pub details: Option<String>,
    /// Months of extension so far, and why.
    pub extension: Option<(u32, String)>,
    /// The outcome, its note and date, once closed.
    pub outcome: Option<(Outcome, Option<String>, String)>,
    /// Who logged it ("The applicant portal" for portal requests) and when.
    pub logged: String,
    /// When the access bundle was released to the person, if it was.
    pub released: Option<String>,
    /// The corrections HR made in answer to it, as lines to show.
    pub corrections: Vec<String>,
    /// The applications held under the address (none once erased or purged).
    pub applications: Vec<HeldApplication>,
    /// Whether the viewer may extend and close it.
    pub can_manage: bool,
    /// Problems with the viewer's last refused form here.
    pub problems: Vec<FieldError>,
    /// That form's fields as typed.
    pub typed: Vec<(String, String)>,
}

impl RequestView {
    /// The value to show in field `name`: as typed in a refused form, else empty.
    #[must_use]
    pub fn typed(&self, name: &str) -> String {
        self.typed.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone()).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests;
