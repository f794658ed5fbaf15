//! Queries for vacancies.

use super::{Conn, DbError, on_conn};
use app::domain::{SalaryBand, VacancyDetail, VacancyId, VacancySummary};
use chrono::{DateTime, Utc};
use uuid::Uuid;

/// Where a vacancy is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Being written; not public.
    Draft,
    /// Advertised.
    Published,
    /// Closed by HR.
    Closed,
}

impl Status {
    const fn as_str(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::Published => "published",
            Self::Closed => "closed",
        }
    }
}

/// Everything stored about a vacancy at this stage.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VacancyRecord {
    /// Id.
    pub id: Uuid,
    /// Job title.
    pub title: String,
    /// Team.
    pub team: String,
    /// Location.
    pub location: String,
    /// Lowest salary a year, pounds.
    pub salary_min: i32,
    /// Highest salary a year, pounds.
    pub salary_max: i32,
    /// Short text for the list.
    pub summary: String,
    /// The full advert.
    pub description: String,
    /// Number of posts.
    pub posts: i32,
    /// Lifecycle state.
    pub status: Status,
    /// Applications close at this instant.
    pub closes_at: DateTime<Utc>,
    /// When it was first advertised.
    pub published_at: Option<DateTime<Utc>>,
    /// Created.
    pub created_at: DateTime<Utc>,
}

#[derive(sqlx::FromRow)]
struct Row {
    id: Uuid,
    title: String,
    team: String,
    location: String,
    salary_min: i32,
    salary_max: i32,
    summary: String,
    description: String,
    posts: i32,
    closes_at: DateTime<Utc>,
}

impl Row {
    fn summary(&self) -> Result<VacancySummary, DbError> {
        let salary = SalaryBand::new(self.salary_min, self.salary_max)
            .ok_or_else(|| sqlx::Error::Decode("salary band out of order".into()))?;
        Ok(VacancySummary {
            id: VacancyId::from_uuid(self.id),
            title: self.title.clone(),
            team: self.team.clone(),
            location: self.location.clone(),
            salary,
            closes_at: self.closes_at,
            summary: self.summary.clone(),
        })
    }
}

const COLUMNS: &str =
    "id, title, team, location, salary_min, salary_max, summary, description, posts, closes_at";

/// Inserts a vacancy; an existing id is left untouched (so seeding is idempotent). Returns
/// whether a row was inserted.
///
/// # Errors
/// Database failure or a violated constraint.
#[tracing::instrument(skip_all)]
pub async fn insert(conn: Conn<'_>, v: &VacancyRecord) -> Result<bool, DbError> {
    const SQL: &str = "INSERT INTO vacancies (id, title, team, location, salary_min, salary_max, \
                       summary, description, posts, status, closes_at, published_at, created_at, updated_at) \
                       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13) \
                       ON CONFLICT (id) DO NOTHING";
    let done = on_conn!(conn, c => {
        sqlx::query(SQL)
            .bind(v.id)
            .bind(&v.title)
            .bind(&v.team)
            .bind(&v.location)
            .bind(v.salary_min)
            .bind(v.salary_max)
            .bind(&v.summary)
            .bind(&v.description)
            .bind(v.posts)
            .bind(v.status.as_str())
            .bind(v.closes_at)
            .bind(v.published_at)
            .bind(v.created_at)
            .execute(&mut *c)
            .await?
            .rows_affected()
    });
    Ok(done == 1)
}

/// Published vacancies still open at `now`, closing soonest first (then by title, so the
/// order is stable).
///
/// # Errors
/// Database failure.
#[tracing::instrument(skip_all)]
pub async fn open_at(conn: Conn<'_>, now: DateTime<Utc>) -> Result<Vec<VacancySummary>, DbError> {
    let sql = format!(
        "SELECT {COLUMNS} FROM vacancies WHERE status = 'published' AND closes_at > $1 \
         ORDER BY closes_at, title, id"
    );
    let rows: Vec<Row> = on_conn!(conn, c => {
        sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(now).fetch_all(&mut *c).await
    })?;
    rows.iter().map(Row::summary).collect()
}

/// A vacancy that has been advertised (published, or closed after publishing).
///
/// # Errors
/// Database failure.
#[tracing::instrument(skip_all)]
pub async fn advertised(
    conn: Conn<'_>,
    id: VacancyId,
    now: DateTime<Utc>,
) -> Result<Option<VacancyDetail>, DbError> {
    let sql = format!(
        "SELECT {COLUMNS}, status FROM vacancies WHERE id = $1 \
         AND status IN ('published', 'closed') AND published_at IS NOT NULL"
    );
    let row: Option<(Row, String)> = on_conn!(conn, c => {
        match sqlx::query(sqlx::AssertSqlSafe(sql)).bind(id.as_uuid()).fetch_optional(&mut *c).await? {
            Some(r) => {
                use sqlx::{FromRow as _, Row as _};
                Some((Row::from_row(&r)?, r.try_get::<String, _>("status")?))
            }
            None => None,
        }
    });
    let Some((row, status)) = row else { return Ok(None) };
    let summary = row.summary()?;
    Ok(Some(VacancyDetail {
        open_for_applications: status == Status::Published.as_str() && summary.is_open_at(now),
        summary,
        description: row.description,
        posts: row.posts,
    }))
}

/// How many vacancies exist in any state.
///
/// # Errors
/// Database failure.
#[tracing::instrument(skip_all)]
pub async fn count(conn: Conn<'_>) -> Result<i64, DbError> {
    let (n,): (i64,) = on_conn!(conn, c => {
        sqlx::query_as("SELECT COUNT(*) FROM vacancies").fetch_one(&mut *c).await
    })?;
    Ok(n)
}

/// Every vacancy not closed, by title: what staff can be assigned to.
///
/// # Errors
/// Database failure.
#[tracing::instrument(skip_all)]
pub async fn assignable(conn: Conn<'_>) -> Result<Vec<(VacancyId, String)>, DbError> {
    const SQL: &str = "SELECT id, title FROM vacancies WHERE status <> 'closed' ORDER BY title, id";
    let rows: Vec<(Uuid, String)> =
        on_conn!(conn, c => sqlx::query_as(SQL).fetch_all(&mut *c).await)?;
    Ok(rows.into_iter().map(|(id, t)| (VacancyId::from_uuid(id), t)).collect())
}

/// Every vacancy, closed ones too, by title: what the audit log can be filtered by.
///
/// # Errors
/// Database failure.
#[tracing::instrument(skip_all)]
pub async fn titles(conn: Conn<'_>) -> Result<Vec<(VacancyId, String)>, DbError> {
    const SQL: &str = "SELECT id, title FROM vacancies ORDER BY title, id";
    let rows: Vec<(Uuid, String)> =
        on_conn!(conn, c => sqlx::query_as(SQL).fetch_all(&mut *c).await)?;
    Ok(rows.into_iter().map(|(id, t)| (VacancyId::from_uuid(id), t)).collect())
}
