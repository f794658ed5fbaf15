//! Queries for selection: candidates as the pipeline sees them, decisions (each one
//! conditional on the version the selector saw, the application being active and not
//! restricted), stage history, score sheets, notes, interviews and identity reveals.
//!
//! Nothing here reads `eo_responses` or any monitoring table: selection has no path to
//! equal-opportunities answers.

use super::{Conn, DbError, on_conn};
use app::domain::{selection::Reason, vacancy_edit::Stage};
use chrono::{DateTime, Utc};
use uuid::Uuid;

/// The facts a decision depends on.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
#[expect(missing_docs, reason = "the columns are documented in the migrations")]
pub struct Candidate {
    pub id: Uuid,
    pub vacancy_id: Uuid,
    pub status: String,
    pub outcome: Option<String>,
    pub stage: String,
    pub version: i32,
    pub restricted: bool,
    pub revealed: bool,
    pub name_blind: bool,
    pub candidate_number: i32,
    pub offer_response: Option<String>,
    pub full_name: Option<String>,
    pub preferred_name: Option<String>,
    pub email: Option<String>,
    pub vacancy_title: String,
    pub appointable: bool,
}

const CANDIDATE: &str = "SELECT a.id, a.vacancy_id, a.status, a.outcome, a.stage, a.version, \
    a.appointable_at IS NOT NULL AS appointable, a.restricted_at IS NOT NULL AS restricted, a.identity_revealed_at IS NOT NULL AS revealed, \
    v.name_blind, a.candidate_number, a.offer_response, a.full_name, a.preferred_name, a.email, \
    v.title AS vacancy_title \
    FROM live_applications a JOIN vacancies v ON v.id = a.vacancy_id \
    WHERE a.id = $1 AND a.status <> 'draft'";

/// A sent application's decision facts; `None` for an unknown id or a draft.
///
/// # Errors
/// Database failure.
#[tracing::instrument(skip_all)]
pub async fn candidate(conn: Conn<'_>, id: Uuid) -> Result<Option<Candidate>, DbError> {
    Ok(on_conn!(conn, c => sqlx::query_as(CANDIDATE).bind(id).fetch_optional(&mut *c).await)?)
}

/// What a decision changes, applied only if the application is still at `version`, active
/// and not restricted (one statement, so two selectors acting at once cannot both succeed).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision<'a> {
    /// Move to a stage; `reveal` also lifts name-blindness (the sift was passed).
    Move {
        /// Stage code.
        to: &'a str,
        /// Set `identity_revealed_at`.
        reveal: bool,
        /// This move hires (sets the outcome and decision time).
        hire: bool,
    },
    /// Reject with a reason code.
    Reject(&'a str),
    /// Found appointable, not appointed: unsuccessful, with no rejection reason.
    Appointable,
    /// Withdraw on the applicant's behalf.
    Withdraw,
    /// Record the offer's answer; declining ends the application.
    OfferResponse(bool),
    /// The moderated final score (× 100) and reason.
    FinalScore(i32, &'a str),
    /// Nothing but the version (an interview arranged).
    Touch,
}

/// Applies `decision`; returns whether it happened (false: changed, ended or restricted —
/// the caller reads the candidate again to say which).
///
/// # Errors
/// Database failure.
#[tracing::instrument(skip_all)]
pub async fn decide(
    mut conn: Conn<'_>,
    id: Uuid,
    version: i32,
    decision: Decision<'_>,
    now: DateTime<Utc>,
) -> Result<bool, DbError> {
    const GUARD: &str = "WHERE id = $1 AND version = $2 AND status = 'submitted' \
                         AND outcome IS NULL AND restricted_at IS NULL";
    // Every statement binds the same five values ($4 a text, $5 a number, either may be
    // NULL); a column a decision does not change is set to itself.
    let (set, text, number): (&str, Option<&str>, Option<i32>) = match decision {
        Decision::Move { to, reveal, hire } => (
            match (reveal, hire) {
                (_, true) => "stage = $4, outcome = 'hired', decided_at = $3",
                (true, false) => {
                    "stage = $4, identity_revealed_at = COALESCE(identity_revealed_at, $3)"
                }
                (false, false) => "stage = $4",
            },
            Some(to),
            None,
        ),
        Decision::Reject(reason) => {
            ("outcome = 'rejected', decided_at = $3, rejection_reason = $4", Some(reason), None)
        }
        Decision::Appointable => {
            ("outcome = 'rejected', decided_at = $3, appointable_at = $3", None, None)
        }
        Decision::Withdraw => (
            "status = 'withdrawn', withdrawn_at = $3, decided_at = $3, stage = COALESCE($4, stage)",
            None,
            None,
        ),
        Decision::OfferResponse(true) => {
            ("offer_response = 'accepted', stage = COALESCE($4, stage)", None, None)
        }
        Decision::OfferResponse(false) => (
            "offer_response = 'declined', outcome = 'offer_declined', decided_at = $3, \
             stage = COALESCE($4, stage)",
            None,
            None,
        ),
        Decision::FinalScore(score, reason) => {
            ("final_score_reason = $4", Some(reason), Some(score))
        }
        Decision::Touch => ("stage = COALESCE($4, stage)", None, None),
    };
    let sql = format!(
        "UPDATE applications SET {set}, final_score = COALESCE($5, final_score), \
         version = version + 1, updated_at = $3 {GUARD}"
    );
    let n = on_conn!(conn.reborrow(), c => sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id).bind(version).bind(now).bind(text).bind(number)
        .execute(&mut *c).await.map(|r| r.rows_affected()))?;
    if n == 1 {
        // A decision starts (or, reversed, resets) the retention clock.
        super::retention::refresh(conn, super::retention::Scope::Application(id)).await?;
    }
    Ok(n == 1)
}

/// Records a stage move or event in the history (`to` = `None`: the stage it is at now).
///
/// # Errors
/// Database failure.
#[tracing::instrument(skip_all)]
pub async fn record_stage(
    conn: Conn<'_>,
    id: Uuid,
    at: DateTime<Utc>,
    by: Option<Uuid>,
    from: Option<&str>,
    to: Option<&str>,
    event: Option<&str>,
) -> Result<(), DbError> {
    const SQL: &str = "INSERT INTO stage_history (application_id, at, by_staff, from_stage, to_stage, event) \
                       SELECT a.id, $2, $3, $4, COALESCE($5, a.stage), $6 FROM live_applications a WHERE a.id = $1";
    on_conn!(conn, c => sqlx::query(SQL).bind(id).bind(at).bind(by).bind(from).bind(to).bind(event)
        .execute(&mut *c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// The furthest step a sent application has reached (its stage now, or any stage in its
/// history, whichever is further) and when it was sent; `None` for an unknown id or a draft.
///
/// # Errors
/// Database failure.
#[tracing::instrument(skip_all)]
pub async fn progress(
    conn: Conn<'_>,
    id: Uuid,
) -> Result<Option<(app::domain::reports::Step, DateTime<Utc>)>, DbError> {
    use app::domain::reports::Step;
    const SQL: &str = "SELECT h.to_stage, NULL AS sent FROM stage_history h WHERE h.application_id = $1 \
                       UNION ALL SELECT a.stage, a.submitted_at FROM applications a WHERE a.id = $1";
    let rows: Vec<(Option<String>, Option<DateTime<Utc>>)> =
        on_conn!(conn, c => sqlx::query_as(SQL).bind(id).fetch_all(&mut *c).await)?;
    let sent = rows.iter().find_map(|r| r.1);
    let furthest = rows.iter().map(|r| Step::of_code(r.0.as_deref())).max();
    Ok(sent.zip(furthest).map(|(sent, step)| (step, sent)))
}

/// One history entry, with the staff member's name.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
#[expect(missing_docs, reason = "the columns are documented in the migrations")]
pub struct HistoryRow {
    pub at: DateTime<Utc>,
    pub by_name: Option<String>,
    pub by_staff: Option<Uuid>,
    pub from_stage: Option<String>,
    pub to_stage: String,
    pub event: Option<String>,
}

/// An application's stage history, oldest first.
///
/// # Errors
/// Database failure.
#[tracing::instrument(skip_all)]
pub async fn history(conn: Conn<'_>, id: Uuid) -> Result<Vec<HistoryRow>, DbError> {
    const SQL: &str = "SELECT h.at, s.display_name AS by_name, h.by_staff, h.from_stage, h.to_stage, h.event \
                       FROM stage_history h LEFT JOIN staff_users s ON s.id = h.by_staff \
                       WHERE h.application_id = $1 ORDER BY h.at, h.id";
    Ok(on_conn!(conn, c => sqlx::query_as(SQL).bind(id).fetch_all(&mut *c).await)?)
}

/// A row of the pipeline board, before the viewer's visibility is applied.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
#[expect(missing_docs, reason = "the columns are documented in the migrations")]
pub struct BoardRow {
    pub id: Uuid,
    pub candidate_number: i32,
    pub stage: String,
    pub status: String,
    pub outcome: Option<String>,
    pub appointable: bool,
    pub full_name: Option<String>,
    pub preferred_name: Option<String>,
    pub revealed: bool,
    pub restricted: bool,
    pub final_score: Option<i32>,
    pub sheets: i64,
    pub sheet_sum: Option<i64>,
    pub mine_submitted: bool,
    pub mine_moderating: bool,
    pub retain_until: Option<DateTime<Utc>>,
    pub retention_rule: String,
}

/// Every sent application of `vacancy`, by candidate number, with its score-sheet counts and
/// `viewer`'s own sheet state. One query, so the board of a large vacancy stays fast.
///
/// # Errors
/// Database failure.
#[tracing::instrument(skip_all)]
pub async fn board(conn: Conn<'_>, vacancy: Uuid, viewer: Uuid) -> Result<Vec<BoardRow>, DbError> {
    const SQL: &str = "SELECT a.id, a.candidate_number, a.stage, a.status, a.outcome, \
        a.appointable_at IS NOT NULL AS appointable, a.full_name, a.preferred_name, a.identity_revealed_at IS NOT NULL AS revealed, \
        a.restricted_at IS NOT NULL AS restricted, a.final_score, \
        COALESCE(agg.n, 0) AS sheets, agg.total AS sheet_sum, \
        COALESCE(me.submitted_at IS NOT NULL AND me.total IS NOT NULL, FALSE) AS mine_submitted, \
        COALESCE(me.moderating, FALSE) AS mine_moderating, a.retain_until, a.retention_rule \
        FROM live_applications a \
        LEFT JOIN (SELECT s.application_id, COUNT(*) AS n, SUM(s.total) AS total FROM score_sheets s \
                   JOIN live_applications x ON x.id = s.application_id \
                   WHERE x.vacancy_id = $1 AND s.submitted_at IS NOT NULL AND s.total IS NOT NULL \
                   GROUP BY s.application_id) agg ON agg.application_id = a.id \
        LEFT JOIN score_sheets me ON me.application_id = a.id AND me.scorer = $2 \
        WHERE a.vacancy_id = $1 AND a.status <> 'draft' ORDER BY a.candidate_number";
    Ok(
        on_conn!(conn, c => sqlx::query_as(SQL).bind(vacancy).bind(viewer).fetch_all(&mut *c).await)?,
    )
}

/// The people who score a vacancy (its active hiring managers and panel members), by name.
///
/// # Errors
/// Database failure.
#[tracing::instrument(skip_all)]
pub async fn team(conn: Conn<'_>, vacancy: Uuid) -> Result<Vec<(Uuid, String, String)>, DbError> {
    const SQL: &str = "SELECT s.id, s.display_name, r.role FROM staff_vacancy_roles r \
                       JOIN staff_users s ON s.id = r.staff_id \
                       WHERE r.vacancy_id = $1 AND s.deactivated_at IS NULL ORDER BY s.display_name, s.id";
    Ok(on_conn!(conn, c => sqlx::query_as(SQL).bind(vacancy).fetch_all(&mut *c).await)?)
}

/// A score sheet with its scorer's name.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
#[expect(missing_docs, reason = "the columns are documented in the migrations")]
pub struct SheetRow {
    pub scorer: Uuid,
    pub scorer_name: String,
    pub submitted_at: Option<DateTime<Utc>>,
    pub moderating: bool,
    pub total: Option<i32>,
}

/// Every score sheet of an application.
///
/// # Errors
/// Database failure.
#[tracing::instrument(skip_all)]
pub async fn sheets(conn: Conn<'_>, id: Uuid) -> Result<Vec<SheetRow>, DbError> {
    const SQL: &str = "SELECT h.scorer, s.display_name AS scorer_name, h.submitted_at, h.moderating, h.total \
                       FROM score_sheets h JOIN staff_users s ON s.id = h.scorer \
                       WHERE h.application_id = $1 ORDER BY s.display_name, h.scorer";
    Ok(on_conn!(conn, c => sqlx::query_as(SQL).bind(id).fetch_all(&mut *c).await)?)
}

/// Every score of an application: (scorer, criterion position, score, evidence).
///
/// # Errors
/// Database failure.
#[tracing::instrument(skip_all)]
pub async fn scores(conn: Conn<'_>, id: Uuid) -> Result<Vec<(Uuid, i32, i32, String)>, DbError> {
    const SQL: &str = "SELECT scorer, position, score, evidence FROM scores WHERE application_id = $1 \
                       ORDER BY scorer, position";
    Ok(on_conn!(conn, c => sqlx::query_as(SQL).bind(id).fetch_all(&mut *c).await)?)
}

/// Saves `scorer`'s sheet (scores by criterion position, `None` = not scored yet), unless it
/// was already submitted; with `submit_total`, submits it. Returns false when it was already
/// submitted (a submitted sheet is final).
///
/// # Errors
/// Database failure.
#[tracing::instrument(skip_all)]
pub async fn save_sheet(
    mut conn: Conn<'_>,
    id: Uuid,
    scorer: Uuid,
    lines: &[(Option<i32>, String)],
    submit_total: Option<i32>,
    now: DateTime<Utc>,
) -> Result<bool, DbError> {
    const UPSERT: &str = "INSERT INTO score_sheets (application_id, scorer, submitted_at, total) \
                          VALUES ($1, $2, $3, $4) ON CONFLICT (application_id, scorer) \
                          DO UPDATE SET submitted_at = $3, total = $4 \
                          WHERE score_sheets.submitted_at IS NULL OR score_sheets.total IS NULL";
    let submitted_at = submit_total.map(|_| now);
    let n = on_conn!(conn.reborrow(), c => sqlx::query(UPSERT).bind(id).bind(scorer).bind(submitted_at).bind(submit_total)
        .execute(&mut *c).await.map(|r| r.rows_affected()))?;
    if n == 0 {
        return Ok(false);
    }
    on_conn!(conn.reborrow(), c => sqlx::query("DELETE FROM scores WHERE application_id = $1 AND scorer = $2")
        .bind(id).bind(scorer).execute(&mut *c).await.map(|r| r.rows_affected()))?;
    for (position, (score, evidence)) in (1_i32..).zip(lines) {
        let Some(score) = score else { continue };
        on_conn!(conn.reborrow(), c => sqlx::query(
            "INSERT INTO scores (application_id, scorer, position, score, evidence) VALUES ($1, $2, $3, $4, $5)")
            .bind(id).bind(scorer).bind(position).bind(score).bind(evidence.as_str())
            .execute(&mut *c).await.map(|r| r.rows_affected()))?;
    }
    Ok(true)
}

/// Records that `scorer` chooses to moderate this candidate (so they see every submitted
/// sheet without scoring first).
///
/// # Errors
/// Database failure.
#[tracing::instrument(skip_all)]
pub async fn set_moderating(conn: Conn<'_>, id: Uuid, scorer: Uuid) -> Result<(), DbError> {
    const SQL: &str = "INSERT INTO score_sheets (application_id, scorer, moderating) VALUES ($1, $2, TRUE) \
                       ON CONFLICT (application_id, scorer) DO UPDATE SET moderating = TRUE";
    on_conn!(conn, c => sqlx::query(SQL).bind(id).bind(scorer).execute(&mut *c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// A note, with its author's name.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
#[expect(missing_docs, reason = "the columns are documented in the migrations")]
pub struct NoteRow {
    pub at: DateTime<Utc>,
    pub author_name: Option<String>,
    pub kind: String,
    pub text: String,
}

/// Adds a note.
///
/// # Errors
/// Database failure.
#[tracing::instrument(skip_all)]
pub async fn add_note(
    conn: Conn<'_>,
    id: Uuid,
    author: Uuid,
    kind: &str,
    text: &str,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    const SQL: &str = "INSERT INTO candidate_notes (id, application_id, author, kind, text, at) \
                       VALUES ($1, $2, $3, $4, $5, $6)";
    on_conn!(conn, c => sqlx::query(SQL).bind(Uuid::new_v4()).bind(id).bind(author).bind(kind).bind(text).bind(now)
        .execute(&mut *c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// An application's notes, oldest first.
///
/// # Errors
/// Database failure.
#[tracing::instrument(skip_all)]
pub async fn notes(conn: Conn<'_>, id: Uuid) -> Result<Vec<NoteRow>, DbError> {
    const SQL: &str = "SELECT n.at, s.display_name AS author_name, n.kind, n.text FROM candidate_notes n \
                       LEFT JOIN staff_users s ON s.id = n.author WHERE n.application_id = $1 ORDER BY n.at, n.id";
    Ok(on_conn!(conn, c => sqlx::query_as(SQL).bind(id).fetch_all(&mut *c).await)?)
}

/// Arranges an interview with its panel.
///
/// # Errors
/// Database failure.
#[tracing::instrument(skip_all)]
pub async fn add_interview(
    mut conn: Conn<'_>,
    id: Uuid,
    starts_at: DateTime<Utc>,
    place: &str,
    panel: &[Uuid],
    by: Uuid,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    let interview = Uuid::new_v4();
    on_conn!(conn.reborrow(), c => sqlx::query(
        "INSERT INTO interviews (id, application_id, starts_at, place, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6)")
        .bind(interview).bind(id).bind(starts_at).bind(place).bind(by).bind(now)
        .execute(&mut *c).await.map(|r| r.rows_affected()))?;
    for staff in panel {
        on_conn!(conn.reborrow(), c => sqlx::query(
            "INSERT INTO interview_panel (interview_id, staff_id) VALUES ($1, $2)")
            .bind(interview).bind(staff).execute(&mut *c).await.map(|r| r.rows_affected()))?;
    }
    Ok(())
}

/// An interview: when, where, and the panel's names.
pub type Interview = (DateTime<Utc>, String, Vec<String>);

/// An application's interviews, soonest first.
///
/// # Errors
/// Database failure.
#[tracing::instrument(skip_all)]
pub async fn interviews(mut conn: Conn<'_>, id: Uuid) -> Result<Vec<Interview>, DbError> {
    let rows: Vec<(Uuid, DateTime<Utc>, String)> = on_conn!(conn.reborrow(), c => sqlx::query_as(
        "SELECT id, starts_at, place FROM interviews WHERE application_id = $1 ORDER BY starts_at, id")
        .bind(id).fetch_all(&mut *c).await)?;
    let mut out = Vec::with_capacity(rows.len());
    for (interview, starts, place) in rows {
        let names: Vec<(String,)> = on_conn!(conn.reborrow(), c => sqlx::query_as(
            "SELECT s.display_name FROM interview_panel p JOIN staff_users s ON s.id = p.staff_id \
             WHERE p.interview_id = $1 ORDER BY s.display_name")
            .bind(interview).fetch_all(&mut *c).await)?;
        out.push((starts, place, names.into_iter().map(|(n,)| n).collect()));
    }
    Ok(out)
}

/// Records why HR revealed a candidate early.
///
/// # Errors
/// Database failure.
#[tracing::instrument(skip_all)]
pub async fn reveal_early(
    mut conn: Conn<'_>,
    id: Uuid,
    by: Uuid,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<bool, DbError> {
    let n = on_conn!(conn.reborrow(), c => sqlx::query(
        "UPDATE applications SET identity_revealed_at = $2, version = version + 1 \
         WHERE id = $1 AND identity_revealed_at IS NULL AND restricted_at IS NULL")
        .bind(id).bind(now).execute(&mut *c).await.map(|r| r.rows_affected()))?;
    if n == 1 {
        on_conn!(conn, c => sqlx::query(
            "INSERT INTO identity_reveals (application_id, at, by_staff, reason) VALUES ($1, $2, $3, $4)")
            .bind(id).bind(now).bind(by).bind(reason).execute(&mut *c).await.map(|r| r.rows_affected()))?;
    }
    Ok(n == 1)
}

/// The organisation's rejection reasons in use, in order.
///
/// # Errors
/// Database failure.
#[tracing::instrument(skip_all)]
pub async fn reasons(conn: Conn<'_>) -> Result<Vec<Reason>, DbError> {
    const SQL: &str = "SELECT code, words FROM rejection_reasons WHERE retired_at IS NULL ORDER BY position, code";
    let rows: Vec<(String, String)> =
        on_conn!(conn, c => sqlx::query_as(SQL).fetch_all(&mut *c).await)?;
    Ok(rows.into_iter().map(|(code, words)| Reason { code, words }).collect())
}

/// The organisation's rejection letter, if it has written one.
///
/// # Errors
/// Database failure.
#[tracing::instrument(skip_all)]
pub async fn rejection_template(conn: Conn<'_>) -> Result<Option<String>, DbError> {
    const SQL: &str = "SELECT rejection_template FROM organisation_settings WHERE id = 1";
    let row: Option<(Option<String>,)> =
        on_conn!(conn, c => sqlx::query_as(SQL).fetch_optional(&mut *c).await)?;
    Ok(row.and_then(|(t,)| t))
}

/// Sets or clears the rights-request restriction (the rights-request workflow sets it; tests
/// use it directly until then).
///
/// # Errors
/// Database failure.
#[tracing::instrument(skip_all)]
pub async fn set_restricted(
    conn: Conn<'_>,
    id: Uuid,
    at: Option<DateTime<Utc>>,
) -> Result<(), DbError> {
    const SQL: &str =
        "UPDATE applications SET restricted_at = $2, version = version + 1 WHERE id = $1";
    on_conn!(conn, c => sqlx::query(SQL).bind(id).bind(at).execute(&mut *c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// A vacancy's pipeline stages, in order.
///
/// # Errors
/// Database failure, or a stage code this Shortlist does not know.
#[tracing::instrument(skip_all)]
pub async fn stages(conn: Conn<'_>, vacancy: Uuid) -> Result<Vec<Stage>, DbError> {
    const SQL: &str = "SELECT stage FROM vacancy_stages WHERE vacancy_id = $1 ORDER BY position";
    let rows: Vec<(String,)> =
        on_conn!(conn, c => sqlx::query_as(SQL).bind(vacancy).fetch_all(&mut *c).await)?;
    rows.iter()
        .map(|(s,)| {
            Stage::from_code(s)
                .ok_or_else(|| DbError::Sqlx(sqlx::Error::Decode("unknown stage".into())))
        })
        .collect()
}

/// The addresses of these (active) staff accounts.
///
/// # Errors
/// Database failure.
#[tracing::instrument(skip_all)]
pub async fn staff_emails(mut conn: Conn<'_>, ids: &[Uuid]) -> Result<Vec<String>, DbError> {
    let mut out = Vec::with_capacity(ids.len());
    for id in ids {
        let row: Option<(String,)> = on_conn!(conn.reborrow(), c => sqlx::query_as(
            "SELECT email FROM staff_users WHERE id = $1 AND deactivated_at IS NULL")
            .bind(id).fetch_optional(&mut *c).await)?;
        out.extend(row.map(|(e,)| e));
    }
    Ok(out)
}

/// What the candidate page shows of an application beyond its decision facts.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
#[expect(missing_docs, reason = "the columns are documented in the migrations")]
pub struct Details {
    pub phone: Option<String>,
    pub right_to_work: Option<String>,
    pub notice_period: Option<String>,
    pub earliest_start: Option<chrono::NaiveDate>,
    pub salary_expectation: Option<i32>,
    pub covering_statement: Option<String>,
    pub source: Option<String>,
    pub source_other: Option<String>,
    pub adjustments_needed: Option<bool>,
    pub adjustments: Option<String>,
    pub final_score: Option<i32>,
    pub final_score_reason: Option<String>,
}

/// An application's details for the candidate page.
///
/// # Errors
/// Database failure.
#[tracing::instrument(skip_all)]
pub async fn details(conn: Conn<'_>, id: Uuid) -> Result<Option<Details>, DbError> {
    const SQL: &str = "SELECT phone, right_to_work, notice_period, earliest_start, salary_expectation, \
                       covering_statement, source, source_other, adjustments_needed, adjustments, \
                       final_score, final_score_reason FROM live_applications WHERE id = $1";
    Ok(on_conn!(conn, c => sqlx::query_as(SQL).bind(id).fetch_optional(&mut *c).await)?)
}

/// A vacancy's criteria with their weights: (position, text, weight).
///
/// # Errors
/// Database failure.
#[tracing::instrument(skip_all)]
pub async fn criteria(conn: Conn<'_>, vacancy: Uuid) -> Result<Vec<(i32, String, i32)>, DbError> {
    const SQL: &str = "SELECT position, text, weight FROM vacancy_criteria WHERE vacancy_id = $1 ORDER BY position";
    Ok(on_conn!(conn, c => sqlx::query_as(SQL).bind(vacancy).fetch_all(&mut *c).await)?)
}

/// A vacancy's screening questions with the answer the post needs: (position, text, expected).
///
/// # Errors
/// Database failure.
#[tracing::instrument(skip_all)]
pub async fn questions(
    conn: Conn<'_>,
    vacancy: Uuid,
) -> Result<Vec<(i32, String, Option<String>)>, DbError> {
    const SQL: &str = "SELECT position, text, expected FROM vacancy_screening_questions \
                       WHERE vacancy_id = $1 ORDER BY position";
    Ok(on_conn!(conn, c => sqlx::query_as(SQL).bind(vacancy).fetch_all(&mut *c).await)?)
}

/// A vacancy's title and whether its sift is name-blind; `None` if there is no such vacancy.
///
/// # Errors
/// Database failure.
#[tracing::instrument(skip_all)]
pub async fn vacancy(conn: Conn<'_>, vacancy: Uuid) -> Result<Option<(String, bool)>, DbError> {
    const SQL: &str = "SELECT title, name_blind FROM vacancies WHERE id = $1";
    Ok(on_conn!(conn, c => sqlx::query_as(SQL).bind(vacancy).fetch_optional(&mut *c).await)?)
}
