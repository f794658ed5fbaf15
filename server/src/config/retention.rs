//! Settings for the retention engine: the periods of PRODUCT §3.3, how often the purge runs
//! inside the server, and where the erasure ledger lives.
//!
//! The erasure ledger must survive a restore of the database and the documents from backup
//! (it is how a restored copy is purged again), so it lives in a store of its own: production
//! refuses a ledger in memory or in the documents store.

use super::Mode;
use anyhow::bail;
use app::domain::retention::{ClaimWindow, Periods};
use std::path::Path;

/// The retention engine's settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetentionConfig {
    /// The periods the rules use.
    pub periods: Periods,
    /// Minutes between scheduled purge runs in the server; 0 turns the schedule off (the
    /// command `server purge` still works).
    pub purge_every_minutes: u32,
    /// Where the erasure ledger is kept: `file://dir`, `memory://` (tests) or `s3://…`.
    pub ledger_url: String,
    /// How long a tribunal claim may take to arrive (HR is warned when the unsuccessful
    /// period is shorter).
    pub claim_window: ClaimWindow,
    /// Months after a DBS decision at which the certificate's details are reduced to its
    /// date, number and the decision.
    pub dbs_details_months: u32,
}

/// The raw settings as read.
#[derive(Debug, Default, Clone, Copy)]
pub(super) struct RawRetention {
    pub unsuccessful_months: u32,
    pub hired_months: Option<u32>,
    pub draft_days: Option<u32>,
    pub stalled_days: Option<u32>,
    pub purge_every_minutes: Option<u32>,
    pub claim_months: Option<u32>,
    pub conciliation_weeks: Option<u32>,
    pub claim_extension_months: Option<u32>,
    pub dbs_details_months: Option<u32>,
}

pub(super) fn resolve_retention(
    mode: Mode,
    raw: RawRetention,
    ledger_url: Option<String>,
    documents_url: &str,
    data_dir: &Path,
) -> anyhow::Result<RetentionConfig> {
    let hired_months = raw.hired_months.unwrap_or(6);
    if !(1..=24).contains(&hired_months) {
        bail!("SHORTLIST_HIRED_RETENTION_MONTHS must be between 1 and 24");
    }
    let draft_days = raw.draft_days.unwrap_or(30);
    if !(1..=90).contains(&draft_days) {
        bail!("SHORTLIST_DRAFT_RETENTION_DAYS must be between 1 and 90");
    }
    let stalled_days = raw.stalled_days.unwrap_or(90);
    if !(30..=365).contains(&stalled_days) {
        bail!("SHORTLIST_STALLED_PROCESS_DAYS must be between 30 and 365");
    }
    let purge_every_minutes = raw.purge_every_minutes.unwrap_or(60);
    if purge_every_minutes > 7 * 24 * 60 {
        bail!("SHORTLIST_PURGE_EVERY_MINUTES must be at most a week (10080); 0 turns it off");
    }
    let ledger_url =
        ledger_url.unwrap_or_else(|| format!("file://{}/erasure-ledger", data_dir.display()));
    if mode == Mode::Production {
        if ledger_url.starts_with("memory:") {
            bail!(
                "production mode cannot keep the erasure ledger in memory; set \
                 SHORTLIST_ERASURE_LEDGER_URL; refusing to start"
            );
        }
        if ledger_url.trim_end_matches('/') == documents_url.trim_end_matches('/') {
            bail!(
                "SHORTLIST_ERASURE_LEDGER_URL must differ from SHORTLIST_DOCUMENTS_URL: a restore \
                 of the documents must not bring back an older ledger; refusing to start"
            );
        }
    }
    let claim_window = ClaimWindow {
        months: raw.claim_months.unwrap_or(3),
        conciliation_weeks: raw.conciliation_weeks.unwrap_or(12),
        extension_months: raw.claim_extension_months.unwrap_or(1),
    };
    if claim_window.months > 24
        || claim_window.conciliation_weeks > 52
        || claim_window.extension_months > 12
    {
        bail!(
            "SHORTLIST_CLAIM_WINDOW_MONTHS (at most 24), SHORTLIST_CONCILIATION_WEEKS (at most 52) \
             and SHORTLIST_CLAIM_EXTENSION_MONTHS (at most 12) are out of range"
        );
    }
    let dbs_details_months = raw.dbs_details_months.unwrap_or(6);
    if !(1..=24).contains(&dbs_details_months) {
        bail!("SHORTLIST_DBS_DETAILS_MONTHS must be between 1 and 24");
    }
    Ok(RetentionConfig {
        periods: Periods {
            unsuccessful_months: raw.unsuccessful_months,
            hired_months,
            draft_days,
            stalled_days,
        },
        purge_every_minutes,
        ledger_url,
        claim_window,
        dbs_details_months,
    })
}
