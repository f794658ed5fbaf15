//! Queries for retention: gathering each application's retention facts and storing the date
//! and rule `app::domain::retention` computes from them, legal holds, and the periods the
//! stored dates were computed with.
//!
//! [`refresh`] is called in the same transaction as every change to a fact (a send, a
//! decision, a consent, a closing date, a hold), so the stored date is never older than the
//! facts. The rules themselves live in `app`; this module only reads facts and writes answers.
//! It must never decide a date itself.

use super::{Conn, DbError, on_conn};
use app::domain::retention::{self, Consent, Facts, Periods, Retention, Rule, State};
use chrono::{DateTime, Utc};
use uuid::Uuid;

/// Which applications to recompute.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// One application.
    Application(Uuid),
    /// Every application of a vacancy (its closing time or a vacancy-wide hold changed).
    Vacancy(Uuid),
    /// Every application (the configured periods changed).
    All,
}

/// The facts of one application as stored.
#[derive(Debug, sqlx::FromRow)]
struct FactRow {
    id: Uuid,
    status: String,
    outcome: Option<String>,
    updated_at: DateTime<Utc>,
    decided_at: Option<DateTime<Utc>>,
    handed_over_at: Option<DateTime<Utc>>,
    closes_at: DateTime<Utc>,
    closed_at: Option<DateTime<Utc>>,
    consent_expires_at: Option<DateTime<Utc>>,
    consent_withdrawn_at: Option<DateTime<Utc>>,
    held: bool,
    retain_until: Option<DateTime<Utc>>,
    retention_rule: String,
    /// The stored periods (JSON), when the query fetched them with the row ([`ONE`]).
    #[sqlx(default)]
    periods: Option<String>,
}

/// The facts of one application with the stored periods in the same row: a page save or a
/// send refreshes one application, and one query beats two.
const ONE: &str = "SELECT f.*, (SELECT s.retention_periods FROM organisation_settings s WHERE s.id = 1) \
    AS periods FROM (";

const FACTS: &str = "SELECT a.id, a.status, a.outcome, a.updated_at, a.decided_at, a.handed_over_at, \
    v.closes_at, CASE WHEN v.status = 'closed' THEN v.closed_at END AS closed_at, \
    (SELECT c.expires_at FROM consents c WHERE c.application_id = a.id AND c.kind = 'reserve_list' \
      ORDER BY c.given_at DESC LIMIT 1) AS consent_expires_at, \
    (SELECT c.withdrawn_at FROM consents c WHERE c.application_id = a.id AND c.kind = 'reserve_list' \
      ORDER BY c.given_at DESC LIMIT 1) AS consent_withdrawn_at, \
    EXISTS (SELECT 1 FROM legal_holds h WHERE h.released_at IS NULL \
      AND (h.application_id = a.id OR h.vacancy_id = a.vacancy_id)) AS held, \
    a.retain_until, a.retention_rule \
    FROM applications a JOIN vacancies v ON v.id = a.vacancy_id WHERE a.purging_at IS NULL";

impl FactRow {
    fn facts(&self) -> Facts {
        let state = if self.status == "draft" {
            State::Draft { last_change: self.updated_at }
        } else if self.outcome.as_deref() == Some("hired") {
            State::Hired { handed_over_at: self.handed_over_at }
        } else if let Some(decided_at) = self.decided_at {
            State::Unsuccessful { decided_at }
        } else {
            // Closed early, or closing at its advertised time: whichever comes first.
            let closes = self.closed_at.map_or(self.closes_at, |c| c.min(self.closes_at));
            State::InProgress { vacancy_closed_at: Some(closes) }
        };
        Facts {
            state,
            reserve_list: self
                .consent_expires_at
                .map(|expires_at| Consent { expires_at, withdrawn_at: self.consent_withdrawn_at }),
            legal_hold: self.held,
            erasure_granted_at: None,
        }
    }
}

/// The periods stored dates were computed with (the defaults before any were stored).
///
/// # Errors
/// Database failure.
pub async fn periods(conn: Conn<'_>) -> Result<Periods, DbError> {
    const SQL: &str = "SELECT retention_periods FROM organisation_settings WHERE id = 1";
    let row: Option<(Option<String>,)> =
        on_conn!(conn, c => sqlx::query_as(SQL).fetch_optional(&mut *c).await)?;
    Ok(parse_periods(row.and_then(|(json,)| json).as_deref()))
}

/// Stored periods from their JSON; the defaults when none (or none readable) are stored.
fn parse_periods(json: Option<&str>) -> Periods {
    json.and_then(|json| serde_json::from_str(json).ok()).unwrap_or_default()
}

/// Stores the configured periods; if they differ from the stored ones, recomputes every date
/// (in the caller's transaction). Returns how many dates changed.
///
/// # Errors
/// Database failure.
#[tracing::instrument(skip_all)]
pub async fn configure(mut conn: Conn<'_>, configured: &Periods) -> Result<u64, DbError> {
    const STORED: &str = "SELECT retention_periods FROM organisation_settings WHERE id = 1";
    const SET: &str = "UPDATE organisation_settings SET retention_periods = $1 WHERE id = 1";
    let json = serde_json::to_string(configured)
        .map_err(|e| DbError::Sqlx(sqlx::Error::Encode(e.into())))?;
    let stored: Option<(Option<String>,)> =
        on_conn!(conn.reborrow(), c => sqlx::query_as(STORED).fetch_optional(&mut *c).await)?;
    if stored.and_then(|(s,)| s).as_deref() == Some(json.as_str()) {
        return Ok(0);
    }
    on_conn!(conn.reborrow(), c => sqlx::query(SET).bind(&json).execute(&mut *c).await.map(|r| r.rows_affected()))?;
    refresh(conn, Scope::All).await
}

/// Recomputes and stores the retention date and rule of the applications in `scope` (marked
/// ones excepted: they are already being purged). Returns how many changed.
///
/// # Errors
/// Database failure.
#[tracing::instrument(skip_all)]
pub async fn refresh(conn: Conn<'_>, scope: Scope) -> Result<u64, DbError> {
    match scope {
        Scope::Application(id) => refresh_one(conn, id).await,
        Scope::Vacancy(id) => refresh_where(conn, " AND a.vacancy_id = $1", &[id]).await,
        Scope::All => refresh_where(conn, "", &[]).await,
    }
}

/// [`refresh`] for a list of applications in one query (the purge re-checks a batch at a time).
///
/// # Errors
/// Database failure.
#[tracing::instrument(skip_all)]
pub async fn refresh_many(conn: Conn<'_>, ids: &[Uuid]) -> Result<u64, DbError> {
    if ids.is_empty() {
        return Ok(0);
    }
    let filter = format!(" AND a.id IN ({})", super::placeholders(1, ids.len()));
    refresh_where(conn, &filter, ids).await
}

async fn refresh_one(mut conn: Conn<'_>, id: Uuid) -> Result<u64, DbError> {
    let sql = format!("{ONE}{FACTS} AND a.id = $1) f");
    let row: Option<FactRow> = on_conn!(conn.reborrow(), c =>
        sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str())).bind(id).fetch_optional(&mut *c).await)?;
    let Some(row) = row else { return Ok(0) };
    let answer = retention::retention(&row.facts(), &parse_periods(row.periods.as_deref()));
    if answer.until() == row.retain_until && answer.rule().code() == row.retention_rule {
        return Ok(0);
    }
    store(conn, row.id, answer).await?;
    Ok(1)
}

async fn refresh_where(mut conn: Conn<'_>, filter: &str, binds: &[Uuid]) -> Result<u64, DbError> {
    let periods = periods(conn.reborrow()).await?;
    let sql = format!("{FACTS}{filter}");
    let rows: Vec<FactRow> = on_conn!(conn.reborrow(), c => {
        let mut q = sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str()));
        for id in binds {
            q = q.bind(*id);
        }
        q.fetch_all(&mut *c).await
    })?;
    let mut changed = 0;
    for row in rows {
        let answer = retention::retention(&row.facts(), &periods);
        if answer.until() != row.retain_until || answer.rule().code() != row.retention_rule {
            store(conn.reborrow(), row.id, answer).await?;
            changed += 1;
        }
    }
    Ok(changed)
}

async fn store(conn: Conn<'_>, id: Uuid, answer: Retention) -> Result<(), DbError> {
    const SQL: &str =
        "UPDATE applications SET retain_until = $2, retention_rule = $3 WHERE id = $1";
    on_conn!(conn, c => sqlx::query(SQL).bind(id).bind(answer.until()).bind(answer.rule().code())
        .execute(&mut *c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// An application's stored retention, as HR is shown it.
///
/// # Errors
/// Database failure.
pub async fn stored(conn: Conn<'_>, id: Uuid) -> Result<Option<Retention>, DbError> {
    const SQL: &str = "SELECT retain_until, retention_rule FROM live_applications WHERE id = $1";
    let row: Option<(Option<DateTime<Utc>>, String)> =
        on_conn!(conn, c => sqlx::query_as(SQL).bind(id).fetch_optional(&mut *c).await)?;
    Ok(row.map(|(until, rule)| as_retention(until, &rule)))
}

/// A stored date and rule code as the domain's answer (an unknown code reads as in progress,
/// which keeps the application: the safe reading).
#[must_use]
pub fn as_retention(until: Option<DateTime<Utc>>, rule: &str) -> Retention {
    let rule = Rule::from_code(rule).unwrap_or(Rule::InProgress);
    until.map_or(Retention::While(rule), |at| Retention::Until(at, rule))
}

/// A legal hold as shown to HR.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
#[expect(missing_docs, reason = "the columns are documented in the migrations")]
pub struct Hold {
    pub id: Uuid,
    pub application_id: Option<Uuid>,
    pub vacancy_id: Option<Uuid>,
    pub reason: String,
    pub placed_by: Option<String>,
    pub placed_at: DateTime<Utc>,
    pub released_by: Option<String>,
    pub released_at: Option<DateTime<Utc>>,
}

const HOLDS: &str = "SELECT h.id, h.application_id, h.vacancy_id, h.reason, \
    p.display_name AS placed_by, h.placed_at, r.display_name AS released_by, h.released_at \
    FROM legal_holds h LEFT JOIN staff_users p ON p.id = h.placed_by \
    LEFT JOIN staff_users r ON r.id = h.released_by";

/// The holds (in force and released) on an application, its vacancy's included, newest first.
///
/// # Errors
/// Database failure.
pub async fn holds_for_application(conn: Conn<'_>, id: Uuid) -> Result<Vec<Hold>, DbError> {
    let sql = format!(
        "{HOLDS} WHERE h.application_id = $1 \
         OR h.vacancy_id = (SELECT vacancy_id FROM live_applications WHERE id = $1) \
         ORDER BY h.placed_at DESC"
    );
    Ok(
        on_conn!(conn, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id).fetch_all(&mut *c).await)?,
    )
}

/// The vacancy-wide holds (in force and released), newest first.
///
/// # Errors
/// Database failure.
pub async fn holds_for_vacancy(conn: Conn<'_>, vacancy: Uuid) -> Result<Vec<Hold>, DbError> {
    let sql = format!("{HOLDS} WHERE h.vacancy_id = $1 ORDER BY h.placed_at DESC");
    Ok(
        on_conn!(conn, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(vacancy).fetch_all(&mut *c).await)?,
    )
}

/// Places a hold on an application or a whole vacancy and recomputes the dates it covers.
///
/// # Errors
/// Database failure.
pub async fn place_hold(
    mut conn: Conn<'_>,
    target: Scope,
    reason: &str,
    by: Uuid,
    now: DateTime<Utc>,
) -> Result<Uuid, DbError> {
    const SQL: &str = "INSERT INTO legal_holds (id, application_id, vacancy_id, reason, placed_by, placed_at) \
                       VALUES ($1, $2, $3, $4, $5, $6)";
    let (application, vacancy) = match target {
        Scope::Application(a) => (Some(a), None),
        Scope::Vacancy(v) => (None, Some(v)),
        Scope::All => (None, None),
    };
    let id = Uuid::new_v4();
    on_conn!(conn.reborrow(), c => sqlx::query(SQL).bind(id).bind(application).bind(vacancy)
        .bind(reason).bind(by).bind(now).execute(&mut *c).await.map(|r| r.rows_affected()))?;
    refresh(conn, target).await?;
    Ok(id)
}

/// Releases a hold in force; returns what it covered (`None`: no such hold in force).
///
/// # Errors
/// Database failure.
pub async fn release_hold(
    mut conn: Conn<'_>,
    id: Uuid,
    by: Uuid,
    now: DateTime<Utc>,
) -> Result<Option<Scope>, DbError> {
    const SQL: &str = "UPDATE legal_holds SET released_at = $2, released_by = $3 \
                       WHERE id = $1 AND released_at IS NULL \
                       RETURNING application_id, vacancy_id";
    let row: Option<(Option<Uuid>, Option<Uuid>)> = on_conn!(conn.reborrow(), c => sqlx::query_as(SQL)
        .bind(id).bind(now).bind(by).fetch_optional(&mut *c).await)?;
    let scope = match row {
        Some((Some(a), _)) => Scope::Application(a),
        Some((None, Some(v))) => Scope::Vacancy(v),
        _ => return Ok(None),
    };
    refresh(conn, scope).await?;
    Ok(Some(scope))
}

/// A hold in force with what it covers, for the retention overview.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
#[expect(missing_docs, reason = "the columns are documented in the migrations")]
pub struct HoldInForce {
    pub application_id: Option<Uuid>,
    pub candidate_number: Option<i32>,
    pub vacancy_id: Uuid,
    pub vacancy_title: String,
    pub reason: String,
    pub placed_by: Option<String>,
    pub placed_at: DateTime<Utc>,
}

/// Every hold in force, newest first.
///
/// # Errors
/// Database failure.
pub async fn holds_in_force(conn: Conn<'_>) -> Result<Vec<HoldInForce>, DbError> {
    const SQL: &str = "SELECT h.application_id, a.candidate_number, v.id AS vacancy_id, \
        v.title AS vacancy_title, h.reason, p.display_name AS placed_by, h.placed_at \
        FROM legal_holds h LEFT JOIN live_applications a ON a.id = h.application_id \
        JOIN vacancies v ON v.id = COALESCE(h.vacancy_id, a.vacancy_id) \
        LEFT JOIN staff_users p ON p.id = h.placed_by \
        WHERE h.released_at IS NULL ORDER BY h.placed_at DESC, h.id";
    Ok(on_conn!(conn, c => sqlx::query_as(SQL).fetch_all(&mut *c).await)?)
}
