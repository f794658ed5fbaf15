//! The [`app::ports::RetentionOverviews`] port: the purge log, what is due for deletion soon
//! and the legal holds in force, for HR and auditors. Candidate numbers and vacancy titles
//! only; this module never reads a name, an address or a monitoring table.

use crate::db::{self, Database};
use app::domain::{
    ApplicationId, VacancyId,
    retention::view::{
        DUE_LIMIT, DUE_WINDOW_DAYS, DueRow, HeldRow, PurgeRunRow, RUNS_LIMIT, RetentionOverview,
    },
    retention::{ClaimWindow, Periods, Rule},
    selection::candidate_label,
    time,
};
use app::error::AppError;
use async_trait::async_trait;
use chrono::{DateTime, Duration, Utc};

/// The retention overview over the database.
#[derive(Debug, Clone)]
pub struct StoreRetentionOverviews {
    db: Database,
    periods: Periods,
    claim: ClaimWindow,
    reserve_list_months: u32,
}

impl StoreRetentionOverviews {
    /// Reads from `db`; warns when `periods` can end before a claim under `claim` may arrive.
    #[must_use]
    pub const fn new(
        db: Database,
        periods: Periods,
        claim: ClaimWindow,
        reserve_list_months: u32,
    ) -> Self {
        Self { db, periods, claim, reserve_list_months }
    }
}

#[async_trait]
impl app::ports::RetentionOverviews for StoreRetentionOverviews {
    fn schedule(&self) -> Vec<app::domain::retention::schedule::ScheduleRow> {
        app::domain::retention::schedule::schedule(&self.periods, self.reserve_list_months)
    }

    async fn overview(
        &self,
        now: DateTime<Utc>,
        may_open: bool,
    ) -> Result<RetentionOverview, AppError> {
        let mut conn = self.db.acquire().await.map_err(AppError::internal)?;
        let runs = db::purge::runs(conn.conn(), RUNS_LIMIT).await.map_err(AppError::internal)?;
        let (due, due_total) =
            db::purge::due_soon(conn.conn(), now + Duration::days(DUE_WINDOW_DAYS), DUE_LIMIT)
                .await
                .map_err(AppError::internal)?;
        let holds = db::retention::holds_in_force(conn.conn()).await.map_err(AppError::internal)?;
        let by_rule = db::purge::counts_by_rule(conn.conn()).await.map_err(AppError::internal)?;
        let claim_warning = self.claim.outlasts(&self.periods).then(|| {
            format!(
                "Unsuccessful candidates' data is kept for {} months after the decision, but an \
                 employment-tribunal claim can arrive up to {} months less a day after it, \
                 plus up to {} weeks of early conciliation and {} month more. Place a legal hold \
                 as soon as a claim is threatened, or lengthen SHORTLIST_RETENTION_MONTHS.",
                self.periods.unsuccessful_months,
                self.claim.months,
                self.claim.conciliation_weeks,
                self.claim.extension_months
            )
        });
        Ok(RetentionOverview {
            runs: runs
                .into_iter()
                .map(|r| PurgeRunRow {
                    started: time::format_uk_datetime(r.started_at),
                    trigger: if r.trigger_kind == "schedule" {
                        "Scheduled"
                    } else {
                        "Command line"
                    }
                    .to_owned(),
                    as_of: time::format_uk_date(r.as_of),
                    applications: r.applications,
                    drafts: r.drafts,
                    documents: r.documents,
                    rows: r.rows_deleted,
                    restored: r.restored_repurged,
                    finished: r.finished_at.is_some(),
                    took: r.finished_at.map(|end| {
                        let ms = (end - r.started_at).num_milliseconds().max(0);
                        format!(
                            "{:.1} s",
                            f64::from(u32::try_from(ms).unwrap_or(u32::MAX)) / 1000.0
                        )
                    }),
                    failure: r.failure,
                })
                .collect(),
            due: due
                .into_iter()
                .map(|d| DueRow {
                    id: ApplicationId::from_uuid(d.id),
                    vacancy: VacancyId::from_uuid(d.vacancy_id),
                    vacancy_title: d.vacancy_title,
                    label: match (d.status.as_str(), d.candidate_number) {
                        ("draft", _) | (_, None) => "Draft (never sent)".to_owned(),
                        (_, Some(n)) => candidate_label(n),
                    },
                    due: time::format_uk_date(d.retain_until),
                    rule: db::retention::as_retention(None, &d.retention_rule)
                        .rule()
                        .words()
                        .to_owned(),
                })
                .collect(),
            due_total,
            by_rule: by_rule
                .into_iter()
                .map(|(code, n)| (Rule::from_code(&code).map_or(code, |r| r.words().to_owned()), n))
                .collect(),
            claim_warning,
            holds: holds
                .into_iter()
                .map(|h| {
                    let (covers, href) = match (h.application_id, h.candidate_number) {
                        (Some(a), Some(n)) => (
                            format!("{}, {}", candidate_label(n), h.vacancy_title),
                            format!("/staff/candidates/{a}"),
                        ),
                        _ => (
                            format!("Every application to {}", h.vacancy_title),
                            format!("/staff/vacancies/{}/candidates", h.vacancy_id),
                        ),
                    };
                    HeldRow {
                        covers,
                        // Auditors do not open candidates: no link is sent to their page.
                        href: if may_open { href } else { String::new() },
                        reason: h.reason,
                        placed: format!(
                            "Placed by {} on {}",
                            h.placed_by.unwrap_or_else(|| "a former colleague".to_owned()),
                            time::format_uk_datetime(h.placed_at)
                        ),
                    }
                })
                .collect(),
            may_open,
        })
    }
}
