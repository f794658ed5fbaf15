//! The retention schedule: every kind of data Shortlist keeps, why, on what lawful basis, for
//! how long and from when — generated from the configured periods, so what HR publishes (in
//! the privacy notice, from the page and its CSV) is always what the purge does.

use super::Periods;
use serde::{Deserialize, Serialize};

/// One line of the schedule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScheduleRow {
    /// The kind of data.
    pub category: String,
    /// What it includes.
    pub examples: String,
    /// Why it is kept.
    pub purpose: String,
    /// The lawful basis (UK GDPR article; for special category data, the condition too).
    pub basis: String,
    /// How long.
    pub kept_for: String,
    /// The event the period runs from.
    pub from: String,
}

fn row(c: &str, e: &str, p: &str, b: &str, k: String, f: &str) -> ScheduleRow {
    ScheduleRow {
        category: c.to_owned(),
        examples: e.to_owned(),
        purpose: p.to_owned(),
        basis: b.to_owned(),
        kept_for: k,
        from: f.to_owned(),
    }
}

fn months(n: u32) -> String {
    if n == 1 { "1 month".to_owned() } else { format!("{n} months") }
}

/// The schedule for these periods and this reserve-list consent length.
#[must_use]
pub fn schedule(periods: &Periods, reserve_list_months: u32) -> Vec<ScheduleRow> {
    let unsuccessful = months(periods.unsuccessful_months);
    let decision = format!(
        "The decision (rejection, withdrawal or a declined offer); with no decision, {} days after the vacancy closes",
        periods.stalled_days
    );
    let contract = "Steps before entering a contract, at the applicant's request (Article 6(1)(b))";
    vec![
        row(
            "Unsent applications (drafts)",
            "Everything entered before sending, and any CV uploaded",
            "To let the applicant finish and send later",
            contract,
            format!("{} days", periods.draft_days),
            "The last change to the draft",
        ),
        row(
            "Applications",
            "Name, contact details, eligibility, answers, CV, covering statement, how they heard about the role",
            "To consider the application",
            contract,
            unsuccessful.clone(),
            &decision,
        ),
        row(
            "Selection records",
            "Scores and evidence, notes, stage history, interviews, rejection reason",
            "To make, explain and, if challenged, defend the decision",
            "Legitimate interests in fair, accountable recruitment (Article 6(1)(f))",
            unsuccessful.clone(),
            &decision,
        ),
        row(
            "Reasonable adjustments",
            "Adjustments the applicant asked for",
            "To make the adjustments",
            "Legal obligation under the Equality Act 2010 (Article 6(1)(c)); employment law (Article 9(2)(b))",
            unsuccessful.clone(),
            &decision,
        ),
        row(
            "Equal-opportunities monitoring",
            "Ethnic group, sex, gender identity, sexual orientation, religion, disability, age band — optional",
            "To monitor equality of opportunity; only ever reported in aggregate",
            "Substantial public interest: equality of opportunity (Article 9(2)(g); Data Protection Act 2018, Schedule 1, paragraph 8)",
            unsuccessful.clone(),
            "Deleted with the application",
        ),
        row(
            "Reserve list",
            "The application of a candidate who agreed to be considered for similar posts",
            "To offer similar posts without a new application",
            "Consent (Article 6(1)(a)), withdrawable at any time",
            format!(
                "Until the consent ends ({} unless renewed or withdrawn), and never less than {unsuccessful}",
                months(reserve_list_months)
            ),
            "The consent",
        ),
        row(
            "Hires",
            "The application of the person appointed, with the checks made",
            "To hand the hire over to the HR system",
            "Contract (Article 6(1)(b)); legal obligation for right-to-work checks (Article 6(1)(c))",
            months(periods.hired_months),
            "The hand-over to the HR system",
        ),
        row(
            "Data under legal hold",
            "Everything about an application or vacancy subject to a claim, dispute or tribunal",
            "To establish, exercise or defend legal claims",
            "Legitimate interests (Article 6(1)(f)); legal claims (Article 9(2)(f))",
            "Until the hold is released; then the periods above".to_owned(),
            "The hold",
        ),
        row(
            "Audit log",
            "Who did what and when (ids only, never typed text)",
            "Security and accountability",
            "Legitimate interests (Article 6(1)(f))",
            "Kept; the candidate's id and address are removed when their application is purged"
                .to_owned(),
            "The event",
        ),
        row(
            "Anonymised facts and purge log",
            "Vacancy, source, stage reached, outcome, months, whole days spent in each step; counts of what each purge deleted",
            "Recruitment reports and proof of erasure",
            "Not personal data",
            "Kept".to_owned(),
            "The purge",
        ),
        row(
            "Erasure ledger",
            "The random id of each purged application, nothing else",
            "To erase again anything a restored backup brings back",
            "Legal obligation to erase (Article 17); accountability (Article 5(2))",
            "Kept".to_owned(),
            "The purge",
        ),
    ]
}

/// The schedule as CSV (header first; every cell quoted).
#[must_use]
pub fn to_csv(rows: &[ScheduleRow]) -> String {
    let cell = |s: &str| format!("\"{}\"", s.replace('"', "\"\""));
    let mut out = String::from(
        "\"Data\",\"Includes\",\"Purpose\",\"Lawful basis\",\"Kept for\",\"From\"\r\n",
    );
    for r in rows {
        let cells = [&r.category, &r.examples, &r.purpose, &r.basis, &r.kept_for, &r.from];
        out.push_str(&cells.iter().map(|c| cell(c)).collect::<Vec<_>>().join(","));
        out.push_str("\r\n");
    }
    out
}
