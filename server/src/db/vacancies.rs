//! Queries for vacancies: the careers pages' reads, and HR's management of a vacancy's
//! advert, tags, pipeline, person specification and screening questions.

use super::{Conn, DbError, on_conn};
use app::domain::{
    SalaryBand, StaffId, VacancyDetail, VacancyId, VacancySummary,
    access::VacancyRole,
    vacancy::{CareersFilter, PrivacyNotice},
    vacancy_edit::{CriterionSpec, QuestionSpec, Stage, VacancySpec, VacancyStatus},
};
use chrono::{DateTime, Utc};
use uuid::Uuid;

/// Where a vacancy is in its life (the domain's type, under the name the queries use).
pub use app::domain::vacancy_edit::VacancyStatus as Status;

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
    let mut conn = conn;
    let done = on_conn!(conn.reborrow(), c => {
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
            .bind(v.status.code())
            .bind(v.closes_at)
            .bind(v.published_at)
            .bind(v.created_at)
            .execute(&mut *c)
            .await?
            .rows_affected()
    });
    if done == 1 {
        set_stages(conn, v.id, &Stage::ALL).await?;
    }
    Ok(done == 1)
}

/// Published vacancies still open at `now`, closing soonest first (then by title, so the
/// order is stable).
///
/// # Errors
/// Database failure.
#[tracing::instrument(skip_all)]
pub async fn open_at(conn: Conn<'_>, now: DateTime<Utc>) -> Result<Vec<VacancySummary>, DbError> {
    open_matching(conn, now, &CareersFilter::default()).await
}

/// Like [`open_at`], keeping only vacancies with the filter's location tag and job family
/// (an empty one matches all).
///
/// # Errors
/// Database failure.
#[tracing::instrument(skip_all)]
pub async fn open_matching(
    conn: Conn<'_>,
    now: DateTime<Utc>,
    filter: &CareersFilter,
) -> Result<Vec<VacancySummary>, DbError> {
    let sql = format!(
        "SELECT {COLUMNS} FROM vacancies v WHERE status = 'published' AND closes_at > $1 \
         AND ($2 = '' OR job_family = $2) \
         AND ($3 = '' OR EXISTS (SELECT 1 FROM vacancy_location_tags t WHERE t.vacancy_id = v.id AND t.tag = $3)) \
         ORDER BY closes_at, title, id"
    );
    let rows: Vec<Row> = on_conn!(conn, c => {
        sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(now).bind(&filter.family).bind(&filter.location)
            .fetch_all(&mut *c).await
    })?;
    rows.iter().map(Row::summary).collect()
}

/// The location tags and job families of the vacancies open at `now`, each sorted: what the
/// careers page offers to filter by.
///
/// # Errors
/// Database failure.
#[tracing::instrument(skip_all)]
pub async fn filter_options(
    mut conn: Conn<'_>,
    now: DateTime<Utc>,
) -> Result<(Vec<String>, Vec<String>), DbError> {
    const TAGS: &str = "SELECT DISTINCT t.tag FROM vacancy_location_tags t \
                        JOIN vacancies v ON v.id = t.vacancy_id \
                        WHERE v.status = 'published' AND v.closes_at > $1 ORDER BY t.tag";
    const FAMILIES: &str = "SELECT DISTINCT job_family FROM vacancies \
                            WHERE status = 'published' AND closes_at > $1 AND job_family IS NOT NULL \
                            ORDER BY job_family";
    let tags: Vec<(String,)> =
        on_conn!(conn.reborrow(), c => sqlx::query_as(TAGS).bind(now).fetch_all(&mut *c).await)?;
    let families: Vec<(String,)> =
        on_conn!(conn, c => sqlx::query_as(FAMILIES).bind(now).fetch_all(&mut *c).await)?;
    Ok((tags.into_iter().map(|(t,)| t).collect(), families.into_iter().map(|(f,)| f).collect()))
}

/// A vacancy that has been advertised (published, or closed after publishing).
///
/// # Errors
/// Database failure.
#[tracing::instrument(skip_all)]
pub async fn advertised(
    mut conn: Conn<'_>,
    id: VacancyId,
    now: DateTime<Utc>,
    privacy: PrivacyNotice,
) -> Result<Option<VacancyDetail>, DbError> {
    let sql = format!(
        "SELECT {COLUMNS}, status FROM vacancies WHERE id = $1 \
         AND status IN ('published', 'closed') AND published_at IS NOT NULL"
    );
    let row: Option<(Row, String)> = on_conn!(conn.reborrow(), c => {
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
    let criteria: Vec<(String,)> = on_conn!(conn, c => sqlx::query_as(
        "SELECT text FROM vacancy_criteria WHERE vacancy_id = $1 ORDER BY position")
        .bind(id.as_uuid()).fetch_all(&mut *c).await)?;
    Ok(Some(VacancyDetail {
        open_for_applications: status == Status::Published.code() && summary.is_open_at(now),
        summary,
        description: row.description,
        posts: row.posts,
        criteria: criteria.into_iter().map(|(t,)| t).collect(),
        privacy,
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

// ---------------------------------------------------------------------------------------------
// Management (HR).

/// A vacancy as the editor needs it.
#[derive(Debug, Clone)]
pub struct Managed {
    /// What HR set up.
    pub spec: VacancySpec,
    /// Where it is in its life.
    pub status: VacancyStatus,
    /// When the hiring manager was told applications had closed.
    pub closing_alert_at: Option<DateTime<Utc>>,
}

#[derive(sqlx::FromRow)]
struct ManagedRow {
    #[sqlx(flatten)]
    advert: Row,
    status: String,
    name_blind: bool,
    job_family: Option<String>,
    closing_alert_at: Option<DateTime<Utc>>,
    dbs_level: String,
}

/// The stored code of the criminal-record check a vacancy needs.
fn dbs_code(spec: &VacancySpec) -> &'static str {
    spec.dbs_level.map_or("none", app::domain::checks::DbsLevel::code)
}

fn decode(what: &str) -> DbError {
    DbError::Sqlx(sqlx::Error::Decode(format!("unknown {what}").into()))
}

/// One vacancy, everything HR set up; `None` if there is no such vacancy.
///
/// # Errors
/// Database failure.
#[tracing::instrument(skip_all)]
pub async fn managed(mut conn: Conn<'_>, id: VacancyId) -> Result<Option<Managed>, DbError> {
    let sql = format!(
        "SELECT {COLUMNS}, status, name_blind, job_family, closing_alert_at, dbs_level FROM vacancies WHERE id = $1"
    );
    let v = id.as_uuid();
    let row: Option<ManagedRow> = on_conn!(conn.reborrow(), c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(v).fetch_optional(&mut *c).await)?;
    let Some(row) = row else { return Ok(None) };
    let tags: Vec<(String,)> = on_conn!(conn.reborrow(), c => sqlx::query_as(
        "SELECT tag FROM vacancy_location_tags WHERE vacancy_id = $1 ORDER BY tag")
        .bind(v).fetch_all(&mut *c).await)?;
    let stages: Vec<(String,)> = on_conn!(conn.reborrow(), c => sqlx::query_as(
        "SELECT stage FROM vacancy_stages WHERE vacancy_id = $1 ORDER BY position")
        .bind(v).fetch_all(&mut *c).await)?;
    let criteria: Vec<(String, i32, i32)> = on_conn!(conn.reborrow(), c => sqlx::query_as(
        "SELECT text, weight, word_limit FROM vacancy_criteria WHERE vacancy_id = $1 ORDER BY position")
        .bind(v).fetch_all(&mut *c).await)?;
    let questions: Vec<(String, Option<String>)> = on_conn!(conn.reborrow(), c => sqlx::query_as(
        "SELECT text, expected FROM vacancy_screening_questions WHERE vacancy_id = $1 ORDER BY position")
        .bind(v).fetch_all(&mut *c).await)?;
    let roles: Vec<(Uuid, String)> = on_conn!(conn.reborrow(), c => sqlx::query_as(
        "SELECT r.staff_id, r.role FROM staff_vacancy_roles r JOIN staff_users s ON s.id = r.staff_id \
         WHERE r.vacancy_id = $1 AND s.deactivated_at IS NULL ORDER BY s.display_name, s.id")
        .bind(v).fetch_all(&mut *c).await)?;
    let advert = row.advert.summary()?;
    let spec = VacancySpec {
        title: advert.title,
        team: advert.team,
        location: advert.location,
        salary: advert.salary,
        closes_at: advert.closes_at,
        summary: advert.summary,
        description: row.advert.description,
        posts: row.advert.posts,
        job_family: row.job_family,
        location_tags: tags.into_iter().map(|(t,)| t).collect(),
        name_blind: row.name_blind,
        dbs_level: app::domain::checks::DbsLevel::from_code(&row.dbs_level),
        stages: stages
            .iter()
            .map(|(s,)| Stage::from_code(s).ok_or_else(|| decode("stage")))
            .collect::<Result<_, _>>()?,
        criteria: criteria
            .into_iter()
            .map(|(text, weight, word_limit)| CriterionSpec { text, weight, word_limit })
            .collect(),
        questions: questions
            .into_iter()
            .map(|(text, expected)| QuestionSpec { text, expected: expected.map(|e| e == "yes") })
            .collect(),
        roles: roles
            .into_iter()
            .map(|(s, r)| {
                VacancyRole::parse(&r)
                    .map(|r| (StaffId::from_uuid(s), r))
                    .ok_or_else(|| decode("vacancy role"))
            })
            .collect::<Result<_, _>>()?,
    };
    let status = VacancyStatus::from_code(&row.status).ok_or_else(|| decode("status"))?;
    Ok(Some(Managed { spec, status, closing_alert_at: row.closing_alert_at }))
}

/// Creates a draft vacancy from `spec` (its roles are set separately, see [`set_roles`]).
///
/// # Errors
/// Database failure.
#[tracing::instrument(skip_all)]
pub async fn create(
    mut conn: Conn<'_>,
    id: VacancyId,
    spec: &VacancySpec,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    const SQL: &str = "INSERT INTO vacancies (id, title, team, location, salary_min, salary_max, \
                       summary, description, posts, status, closes_at, created_at, updated_at, \
                       name_blind, job_family, dbs_level) \
                       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'draft', $10, $11, $11, $12, $13, $14)";
    on_conn!(conn.reborrow(), c => sqlx::query(SQL)
        .bind(id.as_uuid()).bind(&spec.title).bind(&spec.team).bind(&spec.location)
        .bind(spec.salary.min_pounds).bind(spec.salary.max_pounds).bind(&spec.summary)
        .bind(&spec.description).bind(spec.posts).bind(spec.closes_at).bind(now)
        .bind(spec.name_blind).bind(&spec.job_family).bind(dbs_code(spec))
        .execute(&mut *c).await.map(|r| r.rows_affected()))?;
    set_tags(conn.reborrow(), id, &spec.location_tags).await?;
    set_fixed_parts(conn, id, spec).await
}

/// Updates a vacancy's advert and tags; with `fixed_parts`, also its stages, criteria and
/// screening questions (only while it is a draft). Returns whether the vacancy exists.
///
/// # Errors
/// Database failure.
#[tracing::instrument(skip_all)]
pub async fn update(
    mut conn: Conn<'_>,
    id: VacancyId,
    spec: &VacancySpec,
    fixed_parts: bool,
    now: DateTime<Utc>,
) -> Result<bool, DbError> {
    const SQL: &str = "UPDATE vacancies SET title = $2, team = $3, location = $4, salary_min = $5, \
                       salary_max = $6, summary = $7, description = $8, posts = $9, closes_at = $10, \
                       updated_at = $11, name_blind = $12, job_family = $13, dbs_level = $14, \
                       closing_alert_at = CASE WHEN $10 > $11 THEN NULL ELSE closing_alert_at END \
                       WHERE id = $1";
    let n = on_conn!(conn.reborrow(), c => sqlx::query(SQL)
        .bind(id.as_uuid()).bind(&spec.title).bind(&spec.team).bind(&spec.location)
        .bind(spec.salary.min_pounds).bind(spec.salary.max_pounds).bind(&spec.summary)
        .bind(&spec.description).bind(spec.posts).bind(spec.closes_at).bind(now)
        .bind(spec.name_blind).bind(&spec.job_family).bind(dbs_code(spec))
        .execute(&mut *c).await?.rows_affected());
    if n == 0 {
        return Ok(false);
    }
    set_tags(conn.reborrow(), id, &spec.location_tags).await?;
    if fixed_parts {
        set_fixed_parts(conn.reborrow(), id, spec).await?;
    }
    // The closing time is a retention fact of every application in progress.
    super::retention::refresh(conn, super::retention::Scope::Vacancy(id.as_uuid())).await?;
    Ok(true)
}

async fn set_tags(mut conn: Conn<'_>, id: VacancyId, tags: &[String]) -> Result<(), DbError> {
    let v = id.as_uuid();
    on_conn!(conn.reborrow(), c => sqlx::query("DELETE FROM vacancy_location_tags WHERE vacancy_id = $1")
        .bind(v).execute(&mut *c).await.map(|r| r.rows_affected()))?;
    for tag in tags {
        on_conn!(conn.reborrow(), c => sqlx::query(
            "INSERT INTO vacancy_location_tags (vacancy_id, tag) VALUES ($1, $2) ON CONFLICT DO NOTHING")
            .bind(v).bind(tag).execute(&mut *c).await.map(|r| r.rows_affected()))?;
    }
    Ok(())
}

async fn set_stages(mut conn: Conn<'_>, id: Uuid, stages: &[Stage]) -> Result<(), DbError> {
    on_conn!(conn.reborrow(), c => sqlx::query("DELETE FROM vacancy_stages WHERE vacancy_id = $1")
        .bind(id).execute(&mut *c).await.map(|r| r.rows_affected()))?;
    for (i, stage) in (1_i32..).zip(stages) {
        on_conn!(conn.reborrow(), c => sqlx::query(
            "INSERT INTO vacancy_stages (vacancy_id, position, stage) VALUES ($1, $2, $3)")
            .bind(id).bind(i).bind(stage.code()).execute(&mut *c).await.map(|r| r.rows_affected()))?;
    }
    Ok(())
}

/// Stages, criteria and screening questions: what applicants answer and selectors score,
/// so they are only ever written while the vacancy is a draft.
async fn set_fixed_parts(
    mut conn: Conn<'_>,
    id: VacancyId,
    spec: &VacancySpec,
) -> Result<(), DbError> {
    let v = id.as_uuid();
    set_stages(conn.reborrow(), v, &spec.stages).await?;
    let criteria: Vec<(String, i32, i32)> =
        spec.criteria.iter().map(|c| (c.text.clone(), c.weight, c.word_limit)).collect();
    super::applications::set_criteria(conn.reborrow(), v, &criteria).await?;
    on_conn!(conn.reborrow(), c => sqlx::query("DELETE FROM vacancy_screening_questions WHERE vacancy_id = $1")
        .bind(v).execute(&mut *c).await.map(|r| r.rows_affected()))?;
    for (i, q) in (1_i32..).zip(&spec.questions) {
        let expected = q.expected.map(|e| if e { "yes" } else { "no" });
        on_conn!(conn.reborrow(), c => sqlx::query(
            "INSERT INTO vacancy_screening_questions (vacancy_id, position, text, expected) VALUES ($1, $2, $3, $4)")
            .bind(v).bind(i).bind(&q.text).bind(expected).execute(&mut *c).await.map(|r| r.rows_affected()))?;
    }
    Ok(())
}

/// Replaces who holds which role on the vacancy.
///
/// # Errors
/// Database failure.
#[tracing::instrument(skip_all)]
pub async fn set_roles(
    mut conn: Conn<'_>,
    id: VacancyId,
    roles: &[(StaffId, VacancyRole)],
) -> Result<(), DbError> {
    on_conn!(conn.reborrow(), c => sqlx::query("DELETE FROM staff_vacancy_roles WHERE vacancy_id = $1")
        .bind(id.as_uuid()).execute(&mut *c).await.map(|r| r.rows_affected()))?;
    for (staff, role) in roles {
        super::staff::assign(conn.reborrow(), *staff, id, *role).await?;
    }
    Ok(())
}

/// Moves a vacancy to `to` from one of `from`; returns whether it did.
///
/// # Errors
/// Database failure.
#[tracing::instrument(skip_all)]
pub async fn transition(
    mut conn: Conn<'_>,
    id: VacancyId,
    from: VacancyStatus,
    to: VacancyStatus,
    now: DateTime<Utc>,
) -> Result<bool, DbError> {
    const SQL: &str = "UPDATE vacancies SET status = $3, updated_at = $4, \
                       published_at = CASE WHEN $3 = 'published' THEN COALESCE(published_at, $4) ELSE published_at END, \
                       closed_at = CASE WHEN $3 = 'closed' THEN $4 ELSE closed_at END \
                       WHERE id = $1 AND status = $2";
    let n = on_conn!(conn.reborrow(), c => sqlx::query(SQL).bind(id.as_uuid()).bind(from.code()).bind(to.code()).bind(now)
        .execute(&mut *c).await?.rows_affected());
    if n == 1 {
        // Closing (or reopening) moves the date a process without a decision counts as ended.
        super::retention::refresh(conn, super::retention::Scope::Vacancy(id.as_uuid())).await?;
    }
    Ok(n == 1)
}

/// One row of the staff list.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ListRow {
    /// Id.
    pub id: Uuid,
    /// Title.
    pub title: String,
    /// Team.
    pub team: String,
    /// Status code.
    pub status: String,
    /// Closing instant.
    pub closes_at: DateTime<Utc>,
    /// Applications sent (withdrawn ones included).
    pub applications: i64,
}

/// Every vacancy with its count of sent applications: drafts first, then by closing time.
///
/// # Errors
/// Database failure.
#[tracing::instrument(skip_all)]
pub async fn list(conn: Conn<'_>) -> Result<Vec<ListRow>, DbError> {
    const SQL: &str = "SELECT v.id, v.title, v.team, v.status, v.closes_at, \
                       (SELECT COUNT(*) FROM live_applications a WHERE a.vacancy_id = v.id AND a.status <> 'draft') AS applications \
                       FROM vacancies v \
                       ORDER BY CASE v.status WHEN 'draft' THEN 0 WHEN 'published' THEN 1 ELSE 2 END, v.closes_at DESC, v.title, v.id";
    Ok(on_conn!(conn, c => sqlx::query_as(SQL).fetch_all(&mut *c).await)?)
}

/// A vacancy whose applications have closed and whose hiring managers have not been told.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ClosedUnannounced {
    /// Id.
    pub id: Uuid,
    /// Title.
    pub title: String,
    /// Applications sent (withdrawn ones included).
    pub applications: i64,
    /// Of which withdrawn.
    pub withdrawn: i64,
}

/// What the closing alert needs of a vacancy, and which vacancies still need one: advertised,
/// closed by HR or past their closing time at `$1`, not yet announced.
const UNANNOUNCED: &str = "SELECT v.id, v.title, \
     (SELECT COUNT(*) FROM live_applications a WHERE a.vacancy_id = v.id AND a.status <> 'draft') AS applications, \
     (SELECT COUNT(*) FROM live_applications a WHERE a.vacancy_id = v.id AND a.status = 'withdrawn') AS withdrawn \
     FROM vacancies v \
     WHERE v.closing_alert_at IS NULL AND v.published_at IS NOT NULL \
     AND (v.status = 'closed' OR (v.status = 'published' AND v.closes_at <= $1))";

/// Vacancies closed at `now` whose closing alert has not gone yet, oldest closing first; at
/// most `limit`.
///
/// # Errors
/// Database failure.
#[tracing::instrument(skip_all)]
pub async fn closed_unannounced(
    conn: Conn<'_>,
    now: DateTime<Utc>,
    limit: i64,
) -> Result<Vec<ClosedUnannounced>, DbError> {
    let sql = format!("{UNANNOUNCED} ORDER BY v.closes_at, v.id LIMIT $2");
    Ok(
        on_conn!(conn, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(now).bind(limit).fetch_all(&mut *c).await)?,
    )
}

/// Vacancy `id` if it is closed at `now` and not yet announced.
///
/// # Errors
/// Database failure.
#[tracing::instrument(skip_all)]
pub async fn unannounced(
    conn: Conn<'_>,
    id: VacancyId,
    now: DateTime<Utc>,
) -> Result<Option<ClosedUnannounced>, DbError> {
    let sql = format!("{UNANNOUNCED} AND v.id = $2");
    Ok(
        on_conn!(conn, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(now).bind(id.as_uuid()).fetch_optional(&mut *c).await)?,
    )
}

/// Records that the closing alert went; returns false if another instance got there first.
///
/// # Errors
/// Database failure.
#[tracing::instrument(skip_all)]
pub async fn mark_announced(conn: Conn<'_>, id: Uuid, now: DateTime<Utc>) -> Result<bool, DbError> {
    const SQL: &str =
        "UPDATE vacancies SET closing_alert_at = $2 WHERE id = $1 AND closing_alert_at IS NULL";
    let n = on_conn!(conn, c => sqlx::query(SQL).bind(id).bind(now).execute(&mut *c).await?.rows_affected());
    Ok(n == 1)
}

/// The email addresses of a vacancy's active hiring managers.
///
/// # Errors
/// Database failure.
#[tracing::instrument(skip_all)]
pub async fn hiring_manager_emails(conn: Conn<'_>, id: Uuid) -> Result<Vec<String>, DbError> {
    const SQL: &str = "SELECT s.email FROM staff_vacancy_roles r JOIN staff_users s ON s.id = r.staff_id \
                       WHERE r.vacancy_id = $1 AND r.role = 'hiring_manager' AND s.deactivated_at IS NULL \
                       ORDER BY s.email";
    let rows: Vec<(String,)> =
        on_conn!(conn, c => sqlx::query_as(SQL).bind(id).fetch_all(&mut *c).await)?;
    Ok(rows.into_iter().map(|(e,)| e).collect())
}

/// Active staff who may be given a role on a vacancy (everyone but auditors), by name.
///
/// # Errors
/// Database failure.
#[tracing::instrument(skip_all)]
pub async fn team_choices(conn: Conn<'_>) -> Result<Vec<(StaffId, String)>, DbError> {
    const SQL: &str = "SELECT id, display_name FROM staff_users WHERE deactivated_at IS NULL \
                       AND (org_role IS NULL OR org_role <> 'auditor') ORDER BY display_name, id";
    let rows: Vec<(Uuid, String)> =
        on_conn!(conn, c => sqlx::query_as(SQL).fetch_all(&mut *c).await)?;
    Ok(rows.into_iter().map(|(id, n)| (StaffId::from_uuid(id), n)).collect())
}

/// How many applications have been sent to a vacancy (withdrawn ones included).
///
/// # Errors
/// Database failure.
#[tracing::instrument(skip_all)]
pub async fn applications_sent(conn: Conn<'_>, id: VacancyId) -> Result<i64, DbError> {
    const SQL: &str =
        "SELECT COUNT(*) FROM live_applications WHERE vacancy_id = $1 AND status <> 'draft'";
    let (n,): (i64,) =
        on_conn!(conn, c => sqlx::query_as(SQL).bind(id.as_uuid()).fetch_one(&mut *c).await)?;
    Ok(n)
}
