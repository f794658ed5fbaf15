//! Pre-employment checks (right to work, criminal record) and the hand-over of a hire to the
//! HR system (PRODUCT §2.6, §3.1).
//!
//! Pure: form validation, the DBS minimisation rule, and the hire export's schema (version 1,
//! documented in `docs/HIRE_EXPORT.md` with a JSON Schema in `docs/hire-export-v1.schema.json`).
//! The server gathers the facts and stores the answers; nothing here reads a clock, a database
//! or configuration.
//!
//! Checks are HR's alone and only from the offer stage on ([`at_offer_stage`]); this module
//! must never produce anything for a hiring manager or a panel member. The export carries no
//! equal-opportunities answer, no score, no note and no reasonable-adjustment request: the HR
//! system needs who was hired, into what, from when, and the checks' outcomes — nothing about
//! how the selection went.

use super::application::{check_text, parse_date_boxes};
use super::vacancy_edit::Stage;
use crate::error::FieldError;
use chrono::{DateTime, Months, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// Whether a candidate at `stage` has reached the offer: checks are recorded from here on.
#[must_use]
pub fn at_offer_stage(stage: Stage) -> bool {
    stage >= Stage::Offer
}

macro_rules! coded {
    ($(#[$m:meta])* $name:ident { $($(#[$vm:meta])* $variant:ident = $code:literal, $words:literal;)+ }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
        pub enum $name { $($(#[$vm])* $variant,)+ }

        impl $name {
            /// Every value, in the order forms offer them.
            pub const ALL: &'static [Self] = &[$(Self::$variant,)+];

            /// Storage, form and export code.
            #[must_use]
            pub const fn code(self) -> &'static str {
                match self { $(Self::$variant => $code,)+ }
            }

            /// What HR reads.
            #[must_use]
            pub const fn words(self) -> &'static str {
                match self { $(Self::$variant => $words,)+ }
            }

            /// Reads a code.
            #[must_use]
            pub fn from_code(code: &str) -> Option<Self> {
                Self::ALL.iter().copied().find(|v| v.code() == code)
            }
        }
    };
}
pub(crate) use coded;

coded! {
    /// How the right to work was checked (the Home Office's three ways).
    RtwCheckType {
        /// Original documents seen in person, copies kept.
        Manual = "manual", "Manual check of original documents";
        /// The Home Office online service, with a share code.
        Online = "online", "Home Office online check (share code)";
        /// A certified identity service provider's digital check (British and Irish passports).
        Idsp = "idsp", "Identity service provider (digital identity check)";
    }
}

coded! {
    /// What the right-to-work check found.
    RtwOutcome {
        /// May work with no time limit.
        Unlimited = "unlimited", "Right to work with no time limit";
        /// May work until a date: a follow-up check is due before it.
        TimeLimited = "time_limited", "Right to work for a limited time";
        /// May not do the work: the offer cannot go ahead.
        NotPermitted = "not_permitted", "No right to do this work";
    }
}

coded! {
    /// The level of criminal-record check a post needs.
    DbsLevel {
        /// Unspent convictions.
        Basic = "basic", "Basic DBS check";
        /// Spent and unspent convictions, cautions.
        Standard = "standard", "Standard DBS check";
        /// Standard plus relevant police information.
        Enhanced = "enhanced", "Enhanced DBS check";
        /// Enhanced plus the barred lists (regulated activity).
        EnhancedBarred = "enhanced_barred", "Enhanced DBS check with barred list(s)";
    }
}

coded! {
    /// HR's decision on a DBS certificate.
    DbsOutcome {
        /// Nothing disclosed.
        Clear = "clear", "Clear: nothing disclosed";
        /// Information disclosed, judged not relevant to the post.
        Suitable = "suitable", "Information disclosed, suitable for the post";
        /// Information disclosed that rules the candidate out.
        NotSuitable = "not_suitable", "Not suitable for the post";
    }
}

/// How long an entered check date may lie in the past.
const OLDEST_CHECK_DAYS: i64 = 366 * 2;
/// Longest free text kept with a DBS check (HR's record of what was disclosed and considered).
pub const MAX_DBS_INFORMATION: usize = 2000;

/// The right-to-work form as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RtwInput {
    /// `RtwCheckType` code.
    pub check_type: String,
    /// Date checked: day, month, year boxes.
    pub checked: [String; 3],
    /// `RtwOutcome` code.
    pub outcome: String,
    /// Time-limited only: the date permission ends.
    pub expires: [String; 3],
}

/// A valid right-to-work check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RtwCheck {
    /// How it was checked.
    pub check_type: RtwCheckType,
    /// When.
    pub checked_on: NaiveDate,
    /// What it found.
    pub outcome: RtwOutcome,
    /// When a time-limited permission ends (a follow-up check is due before then).
    pub expires_on: Option<NaiveDate>,
}

impl RtwInput {
    /// Validates the form on `today` (UK date).
    ///
    /// # Errors
    /// The problems, each naming its field (`rtw_type`, `rtw_checked_day`…, `rtw_outcome`,
    /// `rtw_expires_day`…).
    pub fn validate(&self, today: NaiveDate) -> Result<RtwCheck, Vec<FieldError>> {
        let mut problems = Vec::new();
        let check_type = RtwCheckType::from_code(self.check_type.trim());
        if check_type.is_none() {
            problems.push(FieldError::new("rtw_type", "Select how the right to work was checked"));
        }
        let [d, m, y] = &self.checked;
        let checked_on = past_date("rtw_checked", "Date checked", d, m, y, today)
            .map_err(|p| problems.push(p))
            .ok();
        let outcome = RtwOutcome::from_code(self.outcome.trim());
        if outcome.is_none() {
            problems.push(FieldError::new("rtw_outcome", "Select what the check found"));
        }
        let [ed, em, ey] = &self.expires;
        let expires_given = [ed, em, ey].iter().any(|v| !v.trim().is_empty());
        let expires_on = match outcome {
            Some(RtwOutcome::TimeLimited) => {
                parse_date_boxes("rtw_expires", "Date permission ends", ed, em, ey)
                    .and_then(|date| {
                        if date <= today || date > today + chrono::Duration::days(366 * 10) {
                            Err(FieldError::new(
                                "rtw_expires_day",
                                "Date permission ends must be in the future, within 10 years",
                            ))
                        } else {
                            Ok(date)
                        }
                    })
                    .map_err(|p| problems.push(p))
                    .ok()
            }
            _ if expires_given => {
                problems.push(FieldError::new(
                    "rtw_expires_day",
                    "Leave the end date empty unless the right to work is for a limited time",
                ));
                None
            }
            _ => None,
        };
        match (check_type, checked_on, outcome) {
            (Some(check_type), Some(checked_on), Some(outcome)) if problems.is_empty() => {
                Ok(RtwCheck { check_type, checked_on, outcome, expires_on })
            }
            _ => Err(problems),
        }
    }
}

/// The DBS form as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DbsInput {
    /// `DbsLevel` code of the certificate.
    pub level: String,
    /// The 12-digit certificate number.
    pub certificate_number: String,
    /// The certificate's date of issue.
    pub issued: [String; 3],
    /// `DbsOutcome` code.
    pub outcome: String,
    /// HR's record of what was disclosed and how it was considered (required unless clear).
    pub information: String,
}

/// A valid DBS check. `level` and `information` are the details the minimisation rule removes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DbsCheck {
    /// The certificate's level.
    pub level: DbsLevel,
    /// Its number (12 digits).
    pub certificate_number: String,
    /// Its date of issue.
    pub issued_on: NaiveDate,
    /// HR's decision.
    pub outcome: DbsOutcome,
    /// What was disclosed and considered; `None` when clear.
    pub information: Option<String>,
}

impl DbsInput {
    /// Validates the form on `today` (UK date).
    ///
    /// # Errors
    /// The problems (`dbs_level`, `dbs_number`, `dbs_issued_day`…, `dbs_outcome`,
    /// `dbs_information`).
    pub fn validate(&self, today: NaiveDate) -> Result<DbsCheck, Vec<FieldError>> {
        let mut problems = Vec::new();
        let level = DbsLevel::from_code(self.level.trim());
        if level.is_none() {
            problems.push(FieldError::new("dbs_level", "Select the level of the certificate"));
        }
        let number: String =
            self.certificate_number.chars().filter(|c| !c.is_whitespace()).collect();
        if number.is_empty() {
            problems.push(FieldError::new("dbs_number", "Enter the certificate number"));
        } else if number.len() != 12 || !number.chars().all(|c| c.is_ascii_digit()) {
            problems.push(FieldError::new(
                "dbs_number",
                "Certificate number must be 12 numbers, like 001234567890",
            ));
        }
        let [d, m, y] = &self.issued;
        let issued_on = past_date("dbs_issued", "Date of issue", d, m, y, today)
            .map_err(|p| problems.push(p))
            .ok();
        let outcome = DbsOutcome::from_code(self.outcome.trim());
        if outcome.is_none() {
            problems.push(FieldError::new("dbs_outcome", "Select your decision"));
        }
        let information = self.information.trim();
        let information = if information.is_empty() {
            if matches!(outcome, Some(DbsOutcome::Suitable | DbsOutcome::NotSuitable)) {
                problems.push(FieldError::new(
                    "dbs_information",
                    "Enter what the certificate disclosed and how you considered it",
                ));
            }
            None
        } else {
            check_text(
                &mut problems,
                "dbs_information",
                "What was disclosed",
                information,
                MAX_DBS_INFORMATION,
                true,
            );
            Some(information.to_owned())
        };
        match (level, issued_on, outcome) {
            (Some(level), Some(issued_on), Some(outcome)) if problems.is_empty() => {
                Ok(DbsCheck { level, certificate_number: number, issued_on, outcome, information })
            }
            _ => Err(problems),
        }
    }
}

fn past_date(
    field: &str,
    label: &str,
    d: &str,
    m: &str,
    y: &str,
    today: NaiveDate,
) -> Result<NaiveDate, FieldError> {
    let date = parse_date_boxes(field, label, d, m, y)?;
    if date > today || date < today - chrono::Duration::days(OLDEST_CHECK_DAYS) {
        return Err(FieldError {
            field: format!("{field}_day"),
            message: format!("{label} must be today or in the past 2 years"),
        });
    }
    Ok(date)
}

/// The day a DBS check's details (level and what was disclosed) are removed, leaving the
/// date, the certificate number and the decision: `months` after the decision (default 6),
/// clamped to the month's end (a decision on 31 August is minimised on 28 or 29 February).
#[must_use]
pub fn dbs_details_until(decided_on: NaiveDate, months: u32) -> NaiveDate {
    decided_on.checked_add_months(Months::new(months)).unwrap_or(NaiveDate::MAX)
}

/// Whether a DBS check decided on `decided_on` is due for minimisation on `today`.
#[must_use]
pub fn dbs_details_due(decided_on: NaiveDate, months: u32, today: NaiveDate) -> bool {
    dbs_details_until(decided_on, months) <= today
}

/// A right-to-work check as the candidate page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RtwView {
    /// The check.
    pub check: RtwCheck,
    /// The uploaded evidence: original name and size, if any.
    pub document: Option<(String, i64)>,
    /// Who recorded it and when, in words.
    pub recorded: String,
}

/// A DBS check as the candidate page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DbsView {
    /// The certificate number.
    pub certificate_number: String,
    /// Date of issue.
    pub issued_on: NaiveDate,
    /// The decision.
    pub outcome: DbsOutcome,
    /// When it was decided.
    pub decided_on: NaiveDate,
    /// Level and information, until minimised.
    pub details: Option<(DbsLevel, Option<String>)>,
    /// The day the details go, or went.
    pub details_until: NaiveDate,
}

/// The hand-over state of a hire.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HandOverView {
    /// When the hire was last exported, in words.
    pub exported: Option<String>,
    /// When HR confirmed the hand-over, in words.
    pub confirmed: Option<String>,
}

/// Everything the candidate page shows HR from the offer on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChecksSection {
    /// The right-to-work check, once recorded.
    pub rtw: Option<RtwView>,
    /// The level of DBS check the vacancy needs, if any.
    pub dbs_required: Option<DbsLevel>,
    /// The DBS check, once recorded.
    pub dbs: Option<DbsView>,
    /// Whether the forms are offered (not restricted, not ended other than by hiring).
    pub can_record: bool,
    /// The hand-over, for a hire.
    pub hand_over: Option<HandOverView>,
}

/// The version of the hire export's schema. A change that removes or renames a field, or
/// changes a type, is a new version; adding an optional field is not.
pub const HIRE_SCHEMA: &str = "shortlist.hire/1";

/// One hire, as handed to the HR system (schema [`HIRE_SCHEMA`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HireExport {
    /// Always [`HIRE_SCHEMA`].
    pub schema: String,
    /// When this export was made (UTC, RFC 3339).
    pub exported_at: DateTime<Utc>,
    /// The application reference the candidate was given, like `SL-7KX2-93QF`.
    pub application_reference: String,
    /// The post.
    pub vacancy: HireVacancy,
    /// The person.
    pub person: HirePerson,
    /// The terms the candidate gave when applying.
    pub employment: HireEmployment,
    /// The right-to-work check, if recorded.
    pub right_to_work: Option<HireRtw>,
    /// The DBS check, if recorded (minimised ones carry no level).
    pub dbs: Option<HireDbs>,
    /// When the candidate was marked hired (UTC).
    pub hired_at: DateTime<Utc>,
}

/// The post a hire fills.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HireVacancy {
    /// Shortlist's id of the vacancy.
    pub id: String,
    /// Job title.
    pub title: String,
    /// Team.
    pub team: String,
    /// Location.
    pub location: String,
    /// Job family, if set.
    pub job_family: Option<String>,
}

/// Who was hired.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HirePerson {
    /// Full name.
    pub full_name: String,
    /// Preferred name, if given.
    pub preferred_name: Option<String>,
    /// Email address.
    pub email: String,
    /// Phone number, if given.
    pub phone: Option<String>,
    /// `email` or `phone`.
    pub preferred_contact: Option<String>,
}

/// Terms from the application.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HireEmployment {
    /// The earliest start date the candidate gave.
    pub earliest_start: Option<NaiveDate>,
    /// Their notice period, as typed.
    pub notice_period: Option<String>,
    /// Their salary expectation in whole pounds a year.
    pub salary_expectation: Option<i32>,
}

/// The right-to-work check in the export.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HireRtw {
    /// `manual`, `online` or `idsp`.
    pub check_type: String,
    /// Date checked.
    pub checked_on: NaiveDate,
    /// `unlimited`, `time_limited` or `not_permitted`.
    pub outcome: String,
    /// When a time-limited permission ends.
    pub expires_on: Option<NaiveDate>,
}

/// The DBS check in the export.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HireDbs {
    /// 12-digit certificate number.
    pub certificate_number: String,
    /// Date of issue.
    pub issued_on: NaiveDate,
    /// `clear`, `suitable` or `not_suitable`.
    pub outcome: String,
    /// The certificate's level; `null` once minimised.
    pub level: Option<String>,
}

/// The CSV columns of the export, in order: the JSON flattened with dots.
pub const HIRE_CSV_COLUMNS: &[&str] = &[
    "schema",
    "exported_at",
    "application_reference",
    "vacancy.id",
    "vacancy.title",
    "vacancy.team",
    "vacancy.location",
    "vacancy.job_family",
    "person.full_name",
    "person.preferred_name",
    "person.email",
    "person.phone",
    "person.preferred_contact",
    "employment.earliest_start",
    "employment.notice_period",
    "employment.salary_expectation",
    "right_to_work.check_type",
    "right_to_work.checked_on",
    "right_to_work.outcome",
    "right_to_work.expires_on",
    "dbs.certificate_number",
    "dbs.issued_on",
    "dbs.outcome",
    "dbs.level",
    "hired_at",
];

impl HireExport {
    /// The export as CSV: a header row of [`HIRE_CSV_COLUMNS`] and one row, each field quoted
    /// as needed and neutralised against spreadsheet formulas.
    #[must_use]
    pub fn csv(&self) -> String {
        use super::reports::csv_field;
        let date = |d: Option<NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
        let opt = |s: &Option<String>| s.clone().unwrap_or_default();
        let rtw = self.right_to_work.as_ref();
        let dbs = self.dbs.as_ref();
        let values: Vec<String> = vec![
            self.schema.clone(),
            self.exported_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            self.application_reference.clone(),
            self.vacancy.id.clone(),
            self.vacancy.title.clone(),
            self.vacancy.team.clone(),
            self.vacancy.location.clone(),
            opt(&self.vacancy.job_family),
            self.person.full_name.clone(),
            opt(&self.person.preferred_name),
            self.person.email.clone(),
            opt(&self.person.phone),
            opt(&self.person.preferred_contact),
            date(self.employment.earliest_start),
            opt(&self.employment.notice_period),
            self.employment.salary_expectation.map(|s| s.to_string()).unwrap_or_default(),
            rtw.map(|r| r.check_type.clone()).unwrap_or_default(),
            date(rtw.map(|r| r.checked_on)),
            rtw.map(|r| r.outcome.clone()).unwrap_or_default(),
            date(rtw.and_then(|r| r.expires_on)),
            dbs.map(|d| d.certificate_number.clone()).unwrap_or_default(),
            date(dbs.map(|d| d.issued_on)),
            dbs.map(|d| d.outcome.clone()).unwrap_or_default(),
            dbs.and_then(|d| d.level.clone()).unwrap_or_default(),
            self.hired_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        ];
        let line = |fields: Vec<String>| {
            fields.iter().map(|f| csv_field(f)).collect::<Vec<_>>().join(",") + "\r\n"
        };
        line(HIRE_CSV_COLUMNS.iter().map(|c| (*c).to_owned()).collect()) + &line(values)
    }
}

#[cfg(test)]
mod tests;
