//! The [`app::ports::Reports`] port: the recruitment funnel and the diversity funnel.
//!
//! The funnel reads held applications and the anonymised facts purged ones left behind, so a
//! period's totals are the same before and after its purge. The diversity funnel asks
//! [`crate::monitoring::tallied`], the one reader of monitoring data, to add up the year's
//! sealed tallies by job family, and gets back the number of applications per family and
//! protected tables only. Every run is written to the audit log with its filter in words.
//!
//! This module must never read a monitoring table itself, and never return an application id,
//! a name or an address.

use crate::db::{self, Database, on_conn};
use crate::monitoring::Pseudonymiser;
use app::domain::{
    ApplicationId, StaffId,
    disclosure::Policy,
    reports::{
        self, DiversityFilter, DiversityPage, DiversityReport, FunnelFact, FunnelFilter,
        FunnelPage, QuestionTable, ReportChoices, Step, funnel,
    },
};
use app::error::AppError;
use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use std::collections::HashMap;
use std::sync::Arc;
use uuid::Uuid;

/// Reports over the database.
#[derive(Debug, Clone)]
pub struct StoreReports {
    db: Database,
    pseudonyms: Arc<Pseudonymiser>,
    policy: Policy,
}

impl StoreReports {
    /// Reports over `db`; monitoring answers are matched with `pseudonyms` and protected
    /// under `policy`.
    #[must_use]
    pub const fn new(db: Database, pseudonyms: Arc<Pseudonymiser>, policy: Policy) -> Self {
        Self { db, pseudonyms, policy }
    }
}

/// The applications a funnel filter selects, as SQL over `live_applications a` joined to
/// `vacancies v` (parameters $1 … $5: from, before, vacancy, family, location).
const LIVE_SCOPE: &str = "FROM live_applications a JOIN vacancies v ON v.id = a.vacancy_id \
    WHERE a.status <> 'draft' AND a.submitted_at >= $1 AND a.submitted_at < $2 \
    AND ($3 IS NULL OR a.vacancy_id = $3) AND ($4 IS NULL OR v.job_family = $4) \
    AND ($5 IS NULL OR EXISTS (SELECT 1 FROM vacancy_location_tags t WHERE t.vacancy_id = v.id AND t.tag = $5))";

fn first_day(month: &str) -> Result<DateTime<Utc>, AppError> {
    NaiveDate::parse_from_str(&format!("{month}-01"), "%Y-%m-%d")
        .map(|d| d.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc())
        .map_err(|_| {
            AppError::field("from", "Enter a month as year and month, for example 2026-04")
        })
}

/// A purged application's anonymised facts: stage reached, outcome, rejection reason, source,
/// days to hire, days in each step (as stored).
type PurgedRow =
    (Option<String>, String, Option<String>, Option<String>, Option<i64>, Option<String>);

type LiveRow = (
    Uuid,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    DateTime<Utc>,
    Option<DateTime<Utc>>,
);

async fn record(
    conn: db::Conn<'_>,
    viewer: StaffId,
    action: &'static str,
    details: &str,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let entry = db::audit::AuditEntry {
        at: now,
        actor: Some(viewer),
        action,
        object_type: Some("report"),
        object_id: None,
        vacancy: None,
        client_addr: None,
        outcome: db::audit::Outcome::Ok,
    };
    db::audit::append_with_details(conn, &entry, details).await.map_err(AppError::internal)
}

#[async_trait]
impl app::ports::Reports for StoreReports {
    async fn funnel(
        &self,
        viewer: StaffId,
        filter: &FunnelFilter,
        how: &'static str,
        now: DateTime<Utc>,
    ) -> Result<FunnelPage, AppError> {
        let from = first_day(&filter.from)?;
        let before = first_day(&filter.to)?
            .checked_add_months(chrono::Months::new(1))
            .ok_or_else(|| AppError::field("to", "Enter a month before 2100"))?;
        let vacancy = filter.vacancy.map(|v| v.as_uuid());
        let family = filter.family.as_deref();
        let location = filter.location.as_deref();
        let mut conn = self.db.acquire().await.map_err(AppError::internal)?;
        let choices = choices(conn.conn()).await.map_err(AppError::internal)?;
        let title = match filter.vacancy {
            Some(v) => Some(
                choices
                    .vacancies
                    .iter()
                    .find(|(id, _)| *id == v)
                    .map(|(_, t)| t.clone())
                    .ok_or_else(|| AppError::field("vacancy", "Choose a vacancy from the list"))?,
            ),
            None => None,
        };
        let live_sql = format!(
            "SELECT a.id, a.stage, a.outcome, a.rejection_reason, a.source, a.submitted_at, a.decided_at {LIVE_SCOPE}"
        );
        let live: Vec<LiveRow> =
            on_conn!(conn.conn(), c => sqlx::query_as(sqlx::AssertSqlSafe(live_sql))
            .bind(from).bind(before).bind(vacancy).bind(family).bind(location)
            .fetch_all(&mut *c).await)
            .map_err(AppError::internal)?;
        let history_sql = format!(
            "SELECT h.application_id, h.to_stage, h.at FROM stage_history h \
             WHERE h.application_id IN (SELECT a.id {LIVE_SCOPE}) ORDER BY h.application_id, h.at, h.id"
        );
        let history: Vec<(Uuid, String, DateTime<Utc>)> =
            on_conn!(conn.conn(), c => sqlx::query_as(sqlx::AssertSqlSafe(history_sql))
            .bind(from).bind(before).bind(vacancy).bind(family).bind(location)
            .fetch_all(&mut *c).await)
            .map_err(AppError::internal)?;
        let mut moves: HashMap<Uuid, Vec<(Step, DateTime<Utc>)>> = HashMap::new();
        for (id, stage, at) in history {
            moves.entry(id).or_default().push((Step::of_code(Some(&stage)), at));
        }
        let mut facts: Vec<FunnelFact> = live
            .into_iter()
            .map(|(id, stage, outcome, reason, source, sent, decided)| {
                let path = moves.remove(&id).unwrap_or_default();
                let reached = reports::furthest(stage.as_deref(), &path);
                let hired = outcome.as_deref() == Some("hired");
                FunnelFact {
                    reached,
                    hired,
                    rejection_reason: reason,
                    source,
                    days_to_hire: reports::days_to_hire(hired, sent, decided),
                    days_in_step: reports::days_in_steps(&path),
                    purged: false,
                }
            })
            .collect();
        const FACTS: &str = "SELECT f.stage_reached, f.outcome, f.rejection_reason, f.source, \
            f.days_to_hire, f.step_days \
            FROM anonymised_facts f JOIN vacancies v ON v.id = f.vacancy_id \
            WHERE f.applied_month >= $1 AND f.applied_month <= $2 \
            AND ($3 IS NULL OR f.vacancy_id = $3) AND ($4 IS NULL OR v.job_family = $4) \
            AND ($5 IS NULL OR EXISTS (SELECT 1 FROM vacancy_location_tags t WHERE t.vacancy_id = v.id AND t.tag = $5))";
        let purged: Vec<PurgedRow> = on_conn!(conn.conn(), c => sqlx::query_as(FACTS)
            .bind(&filter.from).bind(&filter.to).bind(vacancy).bind(family).bind(location)
            .fetch_all(&mut *c).await)
        .map_err(AppError::internal)?;
        facts.extend(purged.into_iter().map(|(stage, outcome, reason, source, to_hire, steps)| {
            FunnelFact {
                reached: Step::of_code(stage.as_deref()),
                hired: outcome == "hired",
                rejection_reason: reason,
                source,
                days_to_hire: to_hire,
                days_in_step: steps.as_deref().map(reports::decode_step_days).unwrap_or_default(),
                purged: true,
            }
        }));
        let described = filter.describe(title.as_deref());
        record(conn.conn(), viewer, "report.funnel", &format!("{how}: {described}"), now).await?;
        Ok(FunnelPage { report: funnel(&facts, described), filter: filter.clone(), choices })
    }

    async fn diversity(
        &self,
        viewer: StaffId,
        filter: &DiversityFilter,
        how: &'static str,
        now: DateTime<Utc>,
    ) -> Result<DiversityPage, AppError> {
        if NaiveDate::from_ymd_opt(filter.year, 1, 1).is_none() {
            return Err(AppError::field("year", "Enter a year, for example 2026"));
        }
        let mut conn = self.db.acquire().await.map_err(AppError::internal)?;
        let families = families(conn.conn()).await.map_err(AppError::internal)?;
        let chosen =
            match &filter.family {
                Some(f) => Some(families.iter().position(|x| x == f).ok_or_else(|| {
                    AppError::field("family", "Choose a job family from the list")
                })?),
                None => None,
            };
        // Parts: each job family in use, then vacancies without one (or no longer held).
        let vacancies: Vec<(Uuid, Option<String>)> = on_conn!(conn.conn(), c => sqlx::query_as(
            "SELECT id, job_family FROM vacancies").fetch_all(&mut *c).await)
        .map_err(AppError::internal)?;
        let part_of: HashMap<Uuid, usize> = vacancies
            .into_iter()
            .filter_map(|(id, family)| {
                Some((id, families.iter().position(|x| Some(x) == family.as_ref())?))
            })
            .collect();
        let tallied = crate::monitoring::tallied(
            conn.conn(),
            &self.pseudonyms,
            filter.year,
            |v| part_of.get(&v).copied().unwrap_or(families.len()),
            families.len() + 1,
        )
        .await
        .map_err(AppError::internal)?;
        let threshold = self.policy.threshold();
        if tallied.applications(chosen) < u64::from(threshold) {
            let (field, fix) = if chosen.is_some() {
                ("family", "choose the whole organisation or another year")
            } else {
                ("year", "choose another year")
            };
            let message = format!(
                "Fewer than {threshold} applications match, so the report could point to \
                 individuals: {fix}"
            );
            return Err(AppError::field(field, &message));
        }
        let tables = tallied.protect(&self.policy);
        let mut questions = Vec::with_capacity(tables.len());
        for t in tables {
            let figures = match (chosen, &t.parts) {
                (None, _) => t.whole,
                (Some(c), Some(parts)) => parts[c].clone(),
                (Some(_), None) => {
                    return Err(AppError::field(
                        "family",
                        "Job family figures cannot be shown this year without revealing small \
                         numbers of people: choose the whole organisation",
                    ));
                }
            };
            questions.push(QuestionTable {
                question: t.question.to_owned(),
                categories: t.categories,
                figures,
            });
        }
        let report = DiversityReport {
            described: filter.describe(),
            threshold,
            rounded: self.policy.rounds(),
            perturbed: self.policy.perturbs(),
            tables: questions,
        };
        record(
            conn.conn(),
            viewer,
            "report.diversity",
            &format!("{how}: {}", report.described),
            now,
        )
        .await?;
        Ok(DiversityPage { report, filter: filter.clone(), families })
    }
}

/// Vacancies, job families and location tags, for the filters.
async fn choices(mut conn: db::Conn<'_>) -> Result<ReportChoices, sqlx::Error> {
    let vacancies: Vec<(Uuid, String)> = on_conn!(conn.reborrow(), c => sqlx::query_as(
        "SELECT id, title FROM vacancies ORDER BY title, id").fetch_all(&mut *c).await)?;
    let families = families(conn.reborrow()).await?;
    let locations: Vec<(String,)> = on_conn!(conn.reborrow(), c => sqlx::query_as(
        "SELECT DISTINCT tag FROM vacancy_location_tags ORDER BY tag").fetch_all(&mut *c).await)?;
    Ok(ReportChoices {
        vacancies: vacancies
            .into_iter()
            .map(|(id, title)| (app::domain::VacancyId::from_uuid(id), title))
            .collect(),
        families,
        locations: locations.into_iter().map(|l| l.0).collect(),
    })
}

/// Every job family in use, in order (the diversity funnel's parts).
async fn families(conn: db::Conn<'_>) -> Result<Vec<String>, sqlx::Error> {
    let rows: Vec<(String,)> = on_conn!(conn, c => sqlx::query_as(
        "SELECT DISTINCT job_family FROM vacancies WHERE job_family IS NOT NULL ORDER BY job_family")
        .fetch_all(&mut *c).await)?;
    Ok(rows.into_iter().map(|f| f.0).collect())
}

/// Builds the diversity funnel's tallies from the monitoring answers already held, the first
/// time a database runs with them (see [`crate::monitoring::tallies::build`]); returns whether
/// it built them. Reads every sent application held with the furthest step it reached — those
/// a purge has started on too, since finishing it takes them out of the tallies — in one
/// transaction that holds the tallies' write lock.
///
/// # Errors
/// Database failure.
pub async fn build_tallies(
    db: &Database,
    pseudonyms: &Pseudonymiser,
    now: DateTime<Utc>,
) -> Result<bool, db::DbError> {
    let mut tx = db.begin().await?;
    if crate::monitoring::tallies::built(tx.conn()).await? {
        return Ok(false);
    }
    const SCOPE: &str = "SELECT a.id, a.vacancy_id, a.submitted_at, a.stage, \
        (SELECT MAX(CASE h.to_stage WHEN 'applied' THEN 0 WHEN 'sift' THEN 1 WHEN 'interview' THEN 2 \
           WHEN 'assessment' THEN 2 WHEN 'offer' THEN 3 WHEN 'pre_employment_checks' THEN 3 \
           WHEN 'hired' THEN 4 END) FROM stage_history h WHERE h.application_id = a.id) AS furthest \
        FROM applications a WHERE a.status <> 'draft' AND a.submitted_at IS NOT NULL";
    type Row = (Uuid, Uuid, DateTime<Utc>, Option<String>, Option<i32>);
    let rows: Vec<Row> = on_conn!(tx.conn(), c => sqlx::query_as(SCOPE).fetch_all(&mut *c).await)?;
    let scope: Vec<(ApplicationId, Uuid, DateTime<Utc>, Step)> = rows
        .into_iter()
        .map(|(id, vacancy, sent, stage, furthest)| {
            let from_history = furthest
                .and_then(|i| usize::try_from(i).ok())
                .and_then(|i| Step::ALL.get(i).copied())
                .unwrap_or(Step::Applied);
            let step = from_history.max(Step::of_code(stage.as_deref()));
            (ApplicationId::from_uuid(id), vacancy, sent, step)
        })
        .collect();
    crate::monitoring::tallies::build(tx.conn(), pseudonyms, &scope, now).await?;
    tx.commit().await?;
    Ok(true)
}
