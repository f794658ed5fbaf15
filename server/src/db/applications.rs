//! Queries for applications, their answers, documents and consents.
//!
//! Every function that reads or changes an application by id also takes the digest of the
//! applicant's secret, so a query can never touch someone else's draft by a guessed id. The
//! equal-opportunities table is not here: only `crate::monitoring` touches it.

use super::{Conn, DbError, on_conn};
use app::domain::application::Criterion;
use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

/// What applying needs to know about a vacancy.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct VacancyFacts {
    /// Title.
    pub title: String,
    /// `draft`, `published` or `closed`.
    pub status: String,
    /// Closing instant.
    pub closes_at: DateTime<Utc>,
}

impl VacancyFacts {
    /// Whether it accepts applications at `now`.
    #[must_use]
    pub fn open_at(&self, now: DateTime<Utc>) -> bool {
        self.status == "published" && now < self.closes_at
    }
}

/// The vacancy's facts, if it exists.
///
/// # Errors
/// Database failure.
#[tracing::instrument(skip_all)]
pub async fn vacancy(conn: Conn<'_>, vacancy: Uuid) -> Result<Option<VacancyFacts>, DbError> {
    const SQL: &str = "SELECT title, status, closes_at FROM vacancies WHERE id = $1";
    Ok(on_conn!(conn, c => sqlx::query_as(SQL).bind(vacancy).fetch_optional(&mut *c).await)?)
}

/// The vacancy's person specification, in order.
///
/// # Errors
/// Database failure.
#[tracing::instrument(skip_all)]
pub async fn criteria(conn: Conn<'_>, vacancy: Uuid) -> Result<Vec<Criterion>, DbError> {
    const SQL: &str = "SELECT position, text, word_limit FROM vacancy_criteria \
                       WHERE vacancy_id = $1 ORDER BY position";
    let rows: Vec<(i32, String, i32)> =
        on_conn!(conn, c => sqlx::query_as(SQL).bind(vacancy).fetch_all(&mut *c).await)?;
    Ok(rows
        .into_iter()
        .map(|(position, text, word_limit)| Criterion { position, text, word_limit })
        .collect())
}

/// Sets a vacancy's person specification (used by seeding and tests until HR edits vacancies).
///
/// # Errors
/// Database failure or a violated constraint.
#[tracing::instrument(skip_all)]
pub async fn set_criteria(
    mut conn: Conn<'_>,
    vacancy: Uuid,
    criteria: &[(String, i32, i32)],
) -> Result<(), DbError> {
    on_conn!(conn.reborrow(), c => sqlx::query("DELETE FROM vacancy_criteria WHERE vacancy_id = $1")
        .bind(vacancy).execute(&mut *c).await.map(|r| r.rows_affected()))?;
    for (i, (text, weight, word_limit)) in criteria.iter().enumerate() {
        let position = i32::try_from(i + 1).unwrap_or(i32::MAX);
        on_conn!(conn.reborrow(), c => sqlx::query(
            "INSERT INTO vacancy_criteria (vacancy_id, position, text, weight, word_limit) VALUES ($1, $2, $3, $4, $5)")
            .bind(vacancy).bind(position).bind(text).bind(weight).bind(word_limit)
            .execute(&mut *c).await.map(|r| r.rows_affected()))?;
    }
    Ok(())
}

/// Starts a draft.
///
/// # Errors
/// Database failure.
#[tracing::instrument(skip_all)]
pub async fn insert_draft(
    mut conn: Conn<'_>,
    id: Uuid,
    vacancy: Uuid,
    token_digest: &[u8],
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    const SQL: &str = "INSERT INTO applications (id, vacancy_id, status, draft_token, created_at, updated_at) \
                       VALUES ($1, $2, 'draft', $3, $4, $4)";
    on_conn!(conn.reborrow(), c => sqlx::query(SQL).bind(id).bind(vacancy).bind(token_digest).bind(now)
        .execute(&mut *c).await.map(|r| r.rows_affected()))?;
    super::retention::refresh(conn, super::retention::Scope::Application(id)).await?;
    Ok(())
}

/// An application as stored.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
#[expect(missing_docs, reason = "the columns are documented in the migration")]
pub struct ApplicationRow {
    pub id: Uuid,
    pub vacancy_id: Uuid,
    pub status: String,
    pub reference: Option<String>,
    pub full_name: Option<String>,
    pub preferred_name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub contact_method: Option<String>,
    pub right_to_work: Option<String>,
    pub notice_period: Option<String>,
    pub earliest_start: Option<NaiveDate>,
    pub salary_expectation: Option<i32>,
    pub covering_statement: Option<String>,
    pub source: Option<String>,
    pub source_other: Option<String>,
    pub adjustments_needed: Option<bool>,
    pub adjustments: Option<String>,
    pub monitoring_done: bool,
    pub draft_input: Option<String>,
    pub resume_sent_to: Option<String>,
    pub updated_at: DateTime<Utc>,
    pub vacancy_title: String,
    pub vacancy_status: String,
    pub vacancy_closes_at: DateTime<Utc>,
}

impl ApplicationRow {
    /// Its vacancy's facts, read in the same query as the application.
    #[must_use]
    pub fn vacancy(&self) -> VacancyFacts {
        VacancyFacts {
            title: self.vacancy_title.clone(),
            status: self.vacancy_status.clone(),
            closes_at: self.vacancy_closes_at,
        }
    }
}

/// The application with this id, if `token_digest` is its secret's digest, with its vacancy's
/// facts (one query: every page needs both). Locks the application's row, not the vacancy's,
/// on PostgreSQL (inside a transaction), so two saves of one draft run one after the other.
///
/// # Errors
/// Database failure.
#[tracing::instrument(skip_all)]
pub async fn find(
    conn: Conn<'_>,
    id: Uuid,
    token_digest: &[u8],
) -> Result<Option<ApplicationRow>, DbError> {
    const COLUMNS: &str = "a.id, a.vacancy_id, a.status, a.reference, a.full_name, a.preferred_name, \
        a.email, a.phone, a.contact_method, a.right_to_work, a.notice_period, a.earliest_start, \
        a.salary_expectation, a.covering_statement, a.source, a.source_other, a.adjustments_needed, \
        a.adjustments, a.monitoring_done, a.draft_input, a.resume_sent_to, a.updated_at, \
        v.title AS vacancy_title, v.status AS vacancy_status, v.closes_at AS vacancy_closes_at";
    const FROM: &str = "FROM applications a JOIN vacancies v ON v.id = a.vacancy_id \
        WHERE a.id = $1 AND a.draft_token = $2 AND a.purging_at IS NULL";
    Ok(match conn {
        Conn::Sqlite(c) => {
            sqlx::query_as(sqlx::AssertSqlSafe(format!("SELECT {COLUMNS} {FROM}")))
                .bind(id)
                .bind(token_digest)
                .fetch_optional(&mut *c)
                .await?
        }
        Conn::Postgres(c) => {
            sqlx::query_as(sqlx::AssertSqlSafe(format!("SELECT {COLUMNS} {FROM} FOR UPDATE OF a")))
                .bind(id)
                .bind(token_digest)
                .fetch_optional(&mut *c)
                .await?
        }
    })
}

/// The id of the application whose secret has this digest (for the resume link).
///
/// # Errors
/// Database failure.
#[tracing::instrument(skip_all)]
pub async fn id_by_token(conn: Conn<'_>, token_digest: &[u8]) -> Result<Option<Uuid>, DbError> {
    const SQL: &str = "SELECT id FROM applications WHERE draft_token = $1 AND purging_at IS NULL";
    let row: Option<(Uuid,)> =
        on_conn!(conn, c => sqlx::query_as(SQL).bind(token_digest).fetch_optional(&mut *c).await)?;
    Ok(row.map(|(id,)| id))
}

/// One page's worth of columns to set on a draft. Each variant is one `UPDATE` that also
/// clears the pending raw input and records the change time.
#[derive(Debug, Clone)]
pub enum Change<'a> {
    /// About you.
    AboutYou(&'a app::domain::application::AboutYou),
    /// Eligibility.
    Eligibility(&'a app::domain::application::Eligibility),
    /// Covering statement.
    Statement(&'a str),
    /// Source and its description.
    Source(&'a str, Option<&'a str>),
    /// Adjustments.
    Adjustments(bool, Option<&'a str>),
    /// The monitoring pages were answered or skipped.
    MonitoringDone,
    /// Nothing but the change time (answers and consents live in their own tables).
    Touch,
}

/// Applies a page's change to a draft (only while it is a draft).
///
/// # Errors
/// Database failure.
#[tracing::instrument(skip_all)]
pub async fn apply(
    mut conn: Conn<'_>,
    id: Uuid,
    change: &Change<'_>,
    now: DateTime<Utc>,
) -> Result<bool, DbError> {
    const TAIL: &str = "draft_input = NULL, updated_at = $1 WHERE id = $2 AND status = 'draft'";
    let n = on_conn!(conn.reborrow(), c => {
        match change {
            Change::AboutYou(a) => sqlx::query(sqlx::AssertSqlSafe(format!(
                "UPDATE applications SET full_name = $3, preferred_name = $4, email = $5, phone = $6, \
                 contact_method = $7, {TAIL}")))
                .bind(now).bind(id).bind(&a.full_name).bind(&a.preferred_name).bind(&a.email)
                .bind(&a.phone).bind(a.contact_method.code()).execute(&mut *c).await,
            Change::Eligibility(e) => sqlx::query(sqlx::AssertSqlSafe(format!(
                "UPDATE applications SET right_to_work = $3, notice_period = $4, earliest_start = $5, \
                 salary_expectation = $6, {TAIL}")))
                .bind(now).bind(id).bind(e.right_to_work.code()).bind(&e.notice_period)
                .bind(e.earliest_start).bind(e.salary_expectation).execute(&mut *c).await,
            Change::Statement(s) => sqlx::query(sqlx::AssertSqlSafe(format!(
                "UPDATE applications SET covering_statement = $3, {TAIL}")))
                .bind(now).bind(id).bind(*s).execute(&mut *c).await,
            Change::Source(s, o) => sqlx::query(sqlx::AssertSqlSafe(format!(
                "UPDATE applications SET source = $3, source_other = $4, {TAIL}")))
                .bind(now).bind(id).bind(*s).bind(*o).execute(&mut *c).await,
            Change::Adjustments(n, d) => sqlx::query(sqlx::AssertSqlSafe(format!(
                "UPDATE applications SET adjustments_needed = $3, adjustments = $4, {TAIL}")))
                .bind(now).bind(id).bind(*n).bind(*d).execute(&mut *c).await,
            Change::MonitoringDone => sqlx::query(sqlx::AssertSqlSafe(format!(
                "UPDATE applications SET monitoring_done = TRUE, {TAIL}")))
                .bind(now).bind(id).execute(&mut *c).await,
            Change::Touch => sqlx::query(sqlx::AssertSqlSafe(format!("UPDATE applications SET {TAIL}")))
                .bind(now).bind(id).execute(&mut *c).await,
        }
        .map(|r| r.rows_affected())
    })?;
    if n == 1 {
        // A draft is kept for a period after its last change.
        super::retention::refresh(conn, super::retention::Scope::Application(id)).await?;
    }
    Ok(n == 1)
}

/// Keeps the raw text of a page that failed validation (JSON of `PendingInput`).
///
/// # Errors
/// Database failure.
#[tracing::instrument(skip_all)]
pub async fn set_pending(
    mut conn: Conn<'_>,
    id: Uuid,
    json: &str,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    const SQL: &str = "UPDATE applications SET draft_input = $1, updated_at = $2 WHERE id = $3 AND status = 'draft'";
    on_conn!(conn.reborrow(), c => sqlx::query(SQL).bind(json).bind(now).bind(id).execute(&mut *c).await.map(|r| r.rows_affected()))?;
    super::retention::refresh(conn, super::retention::Scope::Application(id)).await?;
    Ok(())
}

/// Records that the resume link was sent to `email`.
///
/// # Errors
/// Database failure.
#[tracing::instrument(skip_all)]
pub async fn set_resume_sent(conn: Conn<'_>, id: Uuid, email: &str) -> Result<(), DbError> {
    const SQL: &str = "UPDATE applications SET resume_sent_to = $1 WHERE id = $2";
    on_conn!(conn, c => sqlx::query(SQL).bind(email).bind(id).execute(&mut *c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// The answers, in criterion order.
///
/// # Errors
/// Database failure.
#[tracing::instrument(skip_all)]
pub async fn answers(conn: Conn<'_>, id: Uuid) -> Result<Vec<(i32, String)>, DbError> {
    const SQL: &str = "SELECT position, answer FROM application_answers WHERE application_id = $1 ORDER BY position";
    Ok(on_conn!(conn, c => sqlx::query_as(SQL).bind(id).fetch_all(&mut *c).await)?)
}

/// Replaces the answers.
///
/// # Errors
/// Database failure.
#[tracing::instrument(skip_all)]
pub async fn set_answers(
    mut conn: Conn<'_>,
    id: Uuid,
    answers: &[(i32, String)],
) -> Result<(), DbError> {
    on_conn!(conn.reborrow(), c => sqlx::query("DELETE FROM application_answers WHERE application_id = $1")
        .bind(id).execute(&mut *c).await.map(|r| r.rows_affected()))?;
    for (position, answer) in answers {
        on_conn!(conn.reborrow(), c => sqlx::query(
            "INSERT INTO application_answers (application_id, position, answer) VALUES ($1, $2, $3)")
            .bind(id).bind(position).bind(answer).execute(&mut *c).await.map(|r| r.rows_affected()))?;
    }
    Ok(())
}

/// A stored document's row.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct DocumentRow {
    /// Its id (also its name in storage).
    pub id: Uuid,
    /// The name it had on the applicant's computer.
    pub original_name: String,
    /// The type decided from its content.
    pub media_type: String,
    /// Size in bytes.
    pub size_bytes: i64,
}

/// The application's CV, if any.
///
/// # Errors
/// Database failure.
#[tracing::instrument(skip_all)]
pub async fn cv(conn: Conn<'_>, id: Uuid) -> Result<Option<DocumentRow>, DbError> {
    const SQL: &str = "SELECT id, original_name, media_type, size_bytes FROM application_documents \
                       WHERE application_id = $1 AND kind = 'cv'";
    Ok(on_conn!(conn, c => sqlx::query_as(SQL).bind(id).fetch_optional(&mut *c).await)?)
}

/// Records a new CV in place of any earlier one; returns the earlier one's id (to delete from
/// storage after commit).
///
/// # Errors
/// Database failure.
#[tracing::instrument(skip_all)]
pub async fn replace_cv(
    mut conn: Conn<'_>,
    id: Uuid,
    doc: &DocumentRow,
    now: DateTime<Utc>,
) -> Result<Option<Uuid>, DbError> {
    let old: Option<(Uuid,)> = on_conn!(conn.reborrow(), c => sqlx::query_as(
        "DELETE FROM application_documents WHERE application_id = $1 AND kind = 'cv' RETURNING id")
        .bind(id).fetch_optional(&mut *c).await)?;
    on_conn!(conn, c => sqlx::query(
        "INSERT INTO application_documents (id, application_id, kind, original_name, media_type, size_bytes, uploaded_at) \
         VALUES ($1, $2, 'cv', $3, $4, $5, $6)")
        .bind(doc.id).bind(id).bind(&doc.original_name).bind(&doc.media_type).bind(doc.size_bytes).bind(now)
        .execute(&mut *c).await.map(|r| r.rows_affected()))?;
    Ok(old.map(|(o,)| o))
}

/// A consent to record.
#[derive(Debug, Clone)]
pub struct NewConsent<'a> {
    /// Kind (`reserve_list`).
    pub kind: &'a str,
    /// Wording version.
    pub version: i32,
    /// SHA-256 of the exact wording.
    pub wording_sha256: &'a [u8],
    /// How it was given (`form`, `portal`, `email`).
    pub method: &'a str,
    /// When it lapses.
    pub expires_at: DateTime<Utc>,
}

/// Whether a live (not withdrawn, not expired) consent of `kind` exists.
///
/// # Errors
/// Database failure.
#[tracing::instrument(skip_all)]
pub async fn has_live_consent(
    conn: Conn<'_>,
    id: Uuid,
    kind: &str,
    now: DateTime<Utc>,
) -> Result<bool, DbError> {
    const SQL: &str = "SELECT COUNT(*) FROM consents WHERE application_id = $1 AND kind = $2 \
                       AND withdrawn_at IS NULL AND expires_at > $3";
    let (n,): (i64,) = on_conn!(conn, c => sqlx::query_as(SQL).bind(id).bind(kind).bind(now).fetch_one(&mut *c).await)?;
    Ok(n > 0)
}

/// Records a consent unless a live one of the same kind exists.
///
/// # Errors
/// Database failure.
#[tracing::instrument(skip_all)]
pub async fn give_consent(
    mut conn: Conn<'_>,
    id: Uuid,
    c: &NewConsent<'_>,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    // A record that lapsed without being withdrawn still holds the one open slot for its kind
    // (`consents_live`): close it at its own expiry, with no withdrawal method — "lapsed", not
    // "withdrawn" — so a consent given again is recorded rather than silently dropped.
    const LAPSED: &str = "UPDATE consents SET withdrawn_at = expires_at WHERE application_id = $1 \
                          AND kind = $2 AND withdrawn_at IS NULL AND expires_at <= $3";
    on_conn!(conn.reborrow(), q => sqlx::query(LAPSED).bind(id).bind(c.kind).bind(now)
        .execute(&mut *q).await.map(|r| r.rows_affected()))?;
    const SQL: &str = "INSERT INTO consents (id, application_id, kind, wording_version, wording_sha256, given_at, method, expires_at) \
                       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING";
    on_conn!(conn.reborrow(), q => sqlx::query(SQL).bind(Uuid::new_v4()).bind(id).bind(c.kind).bind(c.version)
        .bind(c.wording_sha256).bind(now).bind(c.method).bind(c.expires_at)
        .execute(&mut *q).await.map(|r| r.rows_affected()))?;
    // Reserve-list consent can keep an unsuccessful application longer.
    super::retention::refresh(conn, super::retention::Scope::Application(id)).await?;
    Ok(())
}

/// Withdraws the live consent of `kind`, if any (the record stays).
///
/// # Errors
/// Database failure.
#[tracing::instrument(skip_all)]
pub async fn withdraw_consent(
    mut conn: Conn<'_>,
    id: Uuid,
    kind: &str,
    method: &str,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    const SQL: &str = "UPDATE consents SET withdrawn_at = $1, withdrawn_method = $2 \
                       WHERE application_id = $3 AND kind = $4 AND withdrawn_at IS NULL";
    on_conn!(conn.reborrow(), c => sqlx::query(SQL).bind(now).bind(method).bind(id).bind(kind).execute(&mut *c).await.map(|r| r.rows_affected()))?;
    // Withdrawal takes effect at once: the date falls back to the unsuccessful period.
    super::retention::refresh(conn, super::retention::Scope::Application(id)).await?;
    Ok(())
}

/// Sends a draft: sets its reference and times, puts it in the pipeline at Applied with the
/// vacancy's next candidate number, only if it is still a draft and its vacancy still accepts
/// applications at `now`. The first statement claims the number and checks the vacancy in one
/// step (on PostgreSQL it locks the vacancy's row, so concurrent sends get distinct numbers), so
/// a vacancy closing between the check and the write cannot let an application in. Returns
/// whether it was sent; when not, the caller rolls back.
///
/// # Errors
/// Database failure, or the (astronomically unlikely) reference collision.
#[tracing::instrument(skip_all)]
pub async fn submit(
    mut conn: Conn<'_>,
    id: Uuid,
    reference: &str,
    now: DateTime<Utc>,
) -> Result<bool, DbError> {
    const CLAIM: &str = "UPDATE vacancies SET candidates_sent = candidates_sent + 1 \
                         WHERE id = (SELECT vacancy_id FROM applications WHERE id = $1 AND status = 'draft') \
                         AND status = 'published' AND closes_at > $2 RETURNING candidates_sent";
    const SEND: &str = "UPDATE applications SET status = 'submitted', reference = $1, declared_at = $2, \
                        submitted_at = $2, updated_at = $2, draft_input = NULL, stage = 'applied', \
                        candidate_number = $3 WHERE id = $4 AND status = 'draft'";
    let number: Option<(i32,)> = on_conn!(conn.reborrow(), c => sqlx::query_as(CLAIM).bind(id).bind(now).fetch_optional(&mut *c).await)?;
    let Some((number,)) = number else { return Ok(false) };
    let n = on_conn!(conn.reborrow(), c => sqlx::query(SEND).bind(reference).bind(now).bind(number).bind(id).execute(&mut *c).await.map(|r| r.rows_affected()))?;
    if n == 1 {
        super::retention::refresh(conn, super::retention::Scope::Application(id)).await?;
    }
    Ok(n == 1)
}

/// Counts applications by status (tests and the load benchmark check what was stored).
///
/// # Errors
/// Database failure.
#[tracing::instrument(skip_all)]
pub async fn count(conn: Conn<'_>, status: &str) -> Result<i64, DbError> {
    const SQL: &str = "SELECT COUNT(*) FROM applications WHERE status = $1";
    let (n,): (i64,) =
        on_conn!(conn, c => sqlx::query_as(SQL).bind(status).fetch_one(&mut *c).await)?;
    Ok(n)
}

/// A vacancy's screening questions, in order.
///
/// # Errors
/// Database failure.
#[tracing::instrument(skip_all)]
pub async fn screening_questions(conn: Conn<'_>, vacancy: Uuid) -> Result<Vec<String>, DbError> {
    const SQL: &str =
        "SELECT text FROM vacancy_screening_questions WHERE vacancy_id = $1 ORDER BY position";
    let rows: Vec<(String,)> =
        on_conn!(conn, c => sqlx::query_as(SQL).bind(vacancy).fetch_all(&mut *c).await)?;
    Ok(rows.into_iter().map(|(t,)| t).collect())
}

/// An application's answers to its vacancy's screening questions, in question order.
///
/// # Errors
/// Database failure.
#[tracing::instrument(skip_all)]
pub async fn screening_answers(conn: Conn<'_>, id: Uuid) -> Result<Vec<(i32, String)>, DbError> {
    const SQL: &str = "SELECT position, answer FROM application_screening_answers \
                       WHERE application_id = $1 ORDER BY position";
    Ok(on_conn!(conn, c => sqlx::query_as(SQL).bind(id).fetch_all(&mut *c).await)?)
}

/// Replaces an application's screening answers (`true` = yes), numbered from 1.
///
/// # Errors
/// Database failure.
#[tracing::instrument(skip_all)]
pub async fn set_screening_answers(
    mut conn: Conn<'_>,
    id: Uuid,
    answers: &[bool],
) -> Result<(), DbError> {
    on_conn!(conn.reborrow(), c => sqlx::query(
        "DELETE FROM application_screening_answers WHERE application_id = $1")
        .bind(id).execute(&mut *c).await.map(|r| r.rows_affected()))?;
    for (position, yes) in (1_i32..).zip(answers) {
        let answer = if *yes { "yes" } else { "no" };
        on_conn!(conn.reborrow(), c => sqlx::query(
            "INSERT INTO application_screening_answers (application_id, position, answer) VALUES ($1, $2, $3)")
            .bind(id).bind(position).bind(answer).execute(&mut *c).await.map(|r| r.rows_affected()))?;
    }
    Ok(())
}
