//! What the retention overview page shows HR and auditors: the purge log, what is due for
//! deletion soon and by which rule, and the legal holds in force. Counts, dates, candidate
//! numbers and vacancy titles only — never a name or an address, so auditors (who do not see
//! candidates) may read it too.

use crate::domain::{ApplicationId, VacancyId};
use serde::{Deserialize, Serialize};

/// One purge run as the log records it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PurgeRunRow {
    /// When it started (UK time).
    pub started: String,
    /// "Scheduled" or "Command line".
    pub trigger: String,
    /// The date it purged as of (UK date).
    pub as_of: String,
    /// Sent applications purged.
    pub applications: i64,
    /// Drafts deleted.
    pub drafts: i64,
    /// Documents deleted.
    pub documents: i64,
    /// Database rows deleted.
    pub rows: i64,
    /// Applications a restored backup brought back, purged again.
    pub restored: i64,
    /// Whether it finished (an interrupted run's work is finished by the next).
    pub finished: bool,
    /// How long it took ("1.2 s"), once finished.
    pub took: Option<String>,
    /// Why it stopped early, if it failed.
    pub failure: Option<String>,
}

/// An application due for deletion soon.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DueRow {
    /// The application.
    pub id: ApplicationId,
    /// Its vacancy.
    pub vacancy: VacancyId,
    /// The vacancy's title.
    pub vacancy_title: String,
    /// "Candidate 17", or "Draft".
    pub label: String,
    /// When (UK date).
    pub due: String,
    /// The rule, in words.
    pub rule: String,
}

/// A legal hold in force.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HeldRow {
    /// What it covers: "Candidate 17, Payroll officer" or "Every application to Payroll officer".
    pub covers: String,
    /// The page that shows it (the candidate page or the vacancy's board).
    pub href: String,
    /// Why.
    pub reason: String,
    /// "Placed by … on …".
    pub placed: String,
}

/// The retention overview.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RetentionOverview {
    /// Newest purge runs first.
    pub runs: Vec<PurgeRunRow>,
    /// Due within [`DUE_WINDOW_DAYS`], soonest first (at most [`DUE_LIMIT`]).
    pub due: Vec<DueRow>,
    /// How many are due within the window in all.
    pub due_total: i64,
    /// Holds in force, newest first.
    pub holds: Vec<HeldRow>,
    /// How many applications each rule covers now (rule in words, count).
    pub by_rule: Vec<(String, i64)>,
    /// A warning when the unsuccessful period can end before a tribunal claim may arrive.
    pub claim_warning: Option<String>,
    /// Whether the viewer may open candidates (links are shown only then).
    pub may_open: bool,
}

/// How far ahead the overview looks.
pub const DUE_WINDOW_DAYS: i64 = 30;
/// Most due applications listed.
pub const DUE_LIMIT: i64 = 100;
/// Most purge runs listed.
pub const RUNS_LIMIT: i64 = 20;
