//! The [`app::ports::RetentionOverviews`] port: the purge log, what is due for deletion soon
//! and the legal holds in force, for HR and auditors. Candidate numbers and vacancy titles
//! only; this module never reads a name, an address or a monitoring table.

use crate::db::{self, Database};
use app::domain::{
    ApplicationId, VacancyId,
    retention::view::{
        DUE_LIMIT, DUE_WINDOW_DAYS, DueRow, HeldRow, PurgeRunRow, RUNS_LIMIT, RetentionOverview,
    },
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
}

impl StoreRetentionOverviews {
    /// Reads from `db`.
    #[must_use]
    pub const fn new(db: Database) -> Self {
        Self { db }
    }
}

#[async_trait]
impl app::ports::RetentionOverviews for StoreRetentionOverviews {
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
