//! Retention rules (PRODUCT §3.3): how long an application is kept, and the rule that says so.
//!
//! Pure: the caller gathers an application's facts (its state and decision time, its
//! reserve-list consent, legal holds, hire hand-over, an erasure request, a draft's last change)
//! and the configured periods; [`retention`] answers "keep while …" or "keep until this instant,
//! because …". The purge job, the candidate page and the retention dashboard all ask this one
//! function, so what HR is shown is what the purge does. Nothing here reads a clock, a database
//! or configuration: the answer depends only on the facts, so it can be stored with the
//! application and recomputed whenever a fact changes.
//!
//! This module must never decide that something is kept for ever: every rule ends in a date,
//! except the two that wait for an event (a process still running, a legal hold), and those
//! are shown to HR as such.

use chrono::{DateTime, Duration, Months, Utc};
use serde::{Deserialize, Serialize};

/// The configured periods (defaults from PRODUCT §3.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Periods {
    /// Months an unsuccessful application is kept after the decision.
    pub unsuccessful_months: u32,
    /// Months a hire's application is kept after it is handed to the HR system.
    pub hired_months: u32,
    /// Days a draft is kept after its last change.
    pub draft_days: u32,
    /// Days after a vacancy closes without a decision at which its process counts as ended.
    pub stalled_days: u32,
}

impl Default for Periods {
    fn default() -> Self {
        Self { unsuccessful_months: 6, hired_months: 6, draft_days: 30, stalled_days: 90 }
    }
}

/// How long after a decision an employment-tribunal claim about it may still arrive: the
/// claim period (3 months less a day), early conciliation that pauses it (up to 12 weeks), and
/// the month added after conciliation ends. Configurable, because the law changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClaimWindow {
    /// The claim period, in months (less a day).
    pub months: u32,
    /// The longest early conciliation, in weeks.
    pub conciliation_weeks: u32,
    /// What is added after conciliation ends, in months.
    pub extension_months: u32,
}

impl Default for ClaimWindow {
    fn default() -> Self {
        Self { months: 3, conciliation_weeks: 12, extension_months: 1 }
    }
}

impl ClaimWindow {
    /// The last instant a claim about a decision made at `decided` may arrive.
    #[must_use]
    pub fn latest_claim(&self, decided: DateTime<Utc>) -> DateTime<Utc> {
        let weeks = i64::from(self.conciliation_weeks) * 7;
        months_after(decided, self.months + self.extension_months)
            .checked_add_signed(Duration::days(weeks - 1))
            .unwrap_or(DateTime::<Utc>::MAX_UTC)
    }

    /// Whether the unsuccessful period can end before a claim may still arrive, for a
    /// decision on any day of the year (month lengths differ): HR is warned when it can.
    #[must_use]
    pub fn outlasts(&self, periods: &Periods) -> bool {
        let start = DateTime::<Utc>::from_naive_utc_and_offset(
            chrono::NaiveDate::from_ymd_opt(2027, 1, 1)
                .and_then(|d| d.and_hms_opt(12, 0, 0))
                .unwrap_or_default(),
            Utc,
        );
        (0..366).any(|day| {
            let decided = start + Duration::days(day);
            months_after(decided, periods.unsuccessful_months) < self.latest_claim(decided)
        })
    }
}

/// Where an application is, as far as retention cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum State {
    /// Not sent yet.
    Draft {
        /// Its last change.
        last_change: DateTime<Utc>,
    },
    /// Sent, no decision yet.
    InProgress {
        /// When its vacancy closed to applications, if it has.
        vacancy_closed_at: Option<DateTime<Utc>>,
    },
    /// Rejected, withdrawn, offer declined, or appointable but not appointed.
    Unsuccessful {
        /// When the decision was made (or the applicant withdrew).
        decided_at: DateTime<Utc>,
    },
    /// Appointed.
    Hired {
        /// When HR confirmed the hand-over to the HR system, if it has.
        handed_over_at: Option<DateTime<Utc>>,
    },
}

/// A reserve-list consent record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Consent {
    /// When it ends by itself.
    pub expires_at: DateTime<Utc>,
    /// When the applicant withdrew it, if they did (effective at once).
    pub withdrawn_at: Option<DateTime<Utc>>,
}

impl Consent {
    /// When it stops covering the application.
    #[must_use]
    pub fn ends_at(&self) -> DateTime<Utc> {
        self.withdrawn_at.map_or(self.expires_at, |w| w.min(self.expires_at))
    }
}

/// Everything retention depends on for one application.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Facts {
    /// Its state.
    pub state: State,
    /// Its latest reserve-list consent, if any was ever given.
    pub reserve_list: Option<Consent>,
    /// Whether a legal hold (on it or its whole vacancy) is in force.
    pub legal_hold: bool,
    /// When an erasure request for it was granted, if one was.
    pub erasure_granted_at: Option<DateTime<Utc>>,
}

/// The rule that decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Rule {
    /// A draft, kept for a while after its last change.
    Draft,
    /// Still being considered.
    InProgress,
    /// No decision yet: the process counts as ended 90 days (configurable) after the vacancy
    /// closes (its closing time is known in advance), and the unsuccessful period runs from
    /// there. A decision replaces this rule.
    Stalled,
    /// Unsuccessful: kept for the period after the decision.
    Unsuccessful,
    /// Unsuccessful, kept longer under reserve-list consent.
    ReserveList,
    /// Appointed, waiting for the hand-over to the HR system.
    AwaitingHandOver,
    /// Appointed and handed over: kept for the period after the hand-over.
    Hired,
    /// A legal hold is in force.
    LegalHold,
    /// An erasure request was granted.
    Erasure,
}

impl Rule {
    /// Every rule.
    pub const ALL: [Self; 9] = [
        Self::Draft,
        Self::InProgress,
        Self::Stalled,
        Self::Unsuccessful,
        Self::ReserveList,
        Self::AwaitingHandOver,
        Self::Hired,
        Self::LegalHold,
        Self::Erasure,
    ];

    /// Storage code.
    #[must_use]
    pub const fn code(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::InProgress => "in_progress",
            Self::Stalled => "stalled",
            Self::Unsuccessful => "unsuccessful",
            Self::ReserveList => "reserve_list",
            Self::AwaitingHandOver => "awaiting_hand_over",
            Self::Hired => "hired",
            Self::LegalHold => "legal_hold",
            Self::Erasure => "erasure",
        }
    }

    /// From a storage code.
    #[must_use]
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.code() == code)
    }

    /// The rule in plain words, as HR reads it next to the date.
    #[must_use]
    pub const fn words(self) -> &'static str {
        match self {
            Self::Draft => "Draft: deleted after a period without changes",
            Self::InProgress => "In progress: kept until a decision is made",
            Self::Stalled => {
                "In progress: if no decision is made within 90 days of the vacancy closing, the process counts as ended and the unsuccessful period runs from then"
            }
            Self::Unsuccessful => "Unsuccessful: kept for the period after the decision",
            Self::ReserveList => {
                "On the reserve list with the applicant's consent: kept until the consent ends"
            }
            Self::AwaitingHandOver => "Hired: kept until handed to the HR system",
            Self::Hired => "Hired: kept for the period after the hand-over to the HR system",
            Self::LegalHold => "Legal hold: kept until the hold is released",
            Self::Erasure => "Erasure request granted: deleted at once",
        }
    }
}

/// The answer for one application.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Retention {
    /// Kept while something is still going on (no date yet).
    While(Rule),
    /// Kept until this instant (due for purging from then on).
    Until(DateTime<Utc>, Rule),
}

impl Retention {
    /// The rule that decided.
    #[must_use]
    pub const fn rule(self) -> Rule {
        match self {
            Self::While(r) | Self::Until(_, r) => r,
        }
    }

    /// The date, if there is one.
    #[must_use]
    pub const fn until(self) -> Option<DateTime<Utc>> {
        match self {
            Self::While(_) => None,
            Self::Until(at, _) => Some(at),
        }
    }

    /// One line for HR: "Kept until 23 May 2027 — Unsuccessful: …" or "Kept while … ".
    #[must_use]
    pub fn summary(self) -> String {
        match self {
            Self::Until(at, rule) => {
                format!("Kept until {} — {}", crate::domain::time::format_uk_date(at), rule.words())
            }
            Self::While(rule) => format!("No deletion date yet — {}", rule.words()),
        }
    }

    /// Whether it is due for purging at `now`.
    #[must_use]
    pub fn due(self, now: DateTime<Utc>) -> bool {
        self.until().is_some_and(|at| at <= now)
    }
}

/// `months` calendar months after `at`; a day the month lacks becomes its last day (six months
/// after 31 August is 28 February, or 29 in a leap year).
#[must_use]
pub fn months_after(at: DateTime<Utc>, months: u32) -> DateTime<Utc> {
    at.checked_add_months(Months::new(months)).unwrap_or(DateTime::<Utc>::MAX_UTC)
}

fn days_after(at: DateTime<Utc>, days: u32) -> DateTime<Utc> {
    at.checked_add_signed(Duration::days(i64::from(days))).unwrap_or(DateTime::<Utc>::MAX_UTC)
}

/// How long the application with these facts is kept, and why. In order: a legal hold keeps
/// everything; a granted erasure request deletes at once; then the state's own rule, where an
/// unsuccessful application under reserve-list consent is kept until the consent ends but
/// never less than the unsuccessful period.
#[must_use]
pub fn retention(facts: &Facts, periods: &Periods) -> Retention {
    if facts.legal_hold {
        return Retention::While(Rule::LegalHold);
    }
    if let Some(at) = facts.erasure_granted_at {
        return Retention::Until(at, Rule::Erasure);
    }
    let unsuccessful = |ended: DateTime<Utc>, rule: Rule| {
        let base = months_after(ended, periods.unsuccessful_months);
        match facts.reserve_list.map(|c| c.ends_at()) {
            Some(end) if end > base => Retention::Until(end, Rule::ReserveList),
            _ => Retention::Until(base, rule),
        }
    };
    match facts.state {
        State::Draft { last_change } => {
            Retention::Until(days_after(last_change, periods.draft_days), Rule::Draft)
        }
        State::InProgress { vacancy_closed_at: Some(closed) } => {
            unsuccessful(days_after(closed, periods.stalled_days), Rule::Stalled)
        }
        State::InProgress { vacancy_closed_at: None } => Retention::While(Rule::InProgress),
        State::Unsuccessful { decided_at } => unsuccessful(decided_at, Rule::Unsuccessful),
        State::Hired { handed_over_at: Some(at) } => {
            Retention::Until(months_after(at, periods.hired_months), Rule::Hired)
        }
        State::Hired { handed_over_at: None } => Retention::While(Rule::AwaitingHandOver),
    }
}

pub mod schedule;
pub mod view;

#[cfg(test)]
mod tests;
