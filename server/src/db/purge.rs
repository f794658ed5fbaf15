//! Queries for the purge (see `crate::retention`): what is due, marking an application and
//! destroying its key, deleting every row that holds its personal data while writing the
//! anonymised facts, the purge log and the lease that lets one instance purge at a time.
//!
//! The deletion list in [`erase_rows`] is the one place that knows every table holding an
//! application's personal data; a new table with such data must be added there (the purge
//! completeness test searches every table and fails otherwise). Nothing here logs row values.

use super::{Conn, DbError, on_conn};
use chrono::{DateTime, Utc};
use uuid::Uuid;

/// An application due for purging, as the dry run lists it (no personal data).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
#[expect(missing_docs, reason = "the columns are documented in the migrations")]
pub struct Due {
    pub id: Uuid,
    pub status: String,
    pub reference: Option<String>,
    pub vacancy_title: String,
    pub retain_until: DateTime<Utc>,
    pub retention_rule: String,
}

/// Up to `limit` applications whose retention date is at or before `as_of`, oldest first.
/// Served by the `applications_due` index: the cost grows with what is due, not what is kept.
///
/// # Errors
/// Database failure.
#[tracing::instrument(skip_all)]
pub async fn due(conn: Conn<'_>, as_of: DateTime<Utc>, limit: i64) -> Result<Vec<Due>, DbError> {
    const SQL: &str = "SELECT a.id, a.status, a.reference, v.title AS vacancy_title, \
        a.retain_until, a.retention_rule FROM applications a JOIN vacancies v ON v.id = a.vacancy_id \
        WHERE a.retain_until IS NOT NULL AND a.retain_until <= $1 AND a.purging_at IS NULL \
        ORDER BY a.retain_until, a.id LIMIT $2";
    Ok(on_conn!(conn, c => sqlx::query_as(SQL).bind(as_of).bind(limit).fetch_all(&mut *c).await)?)
}

/// Applications a purge marked and did not finish (an interrupted run), oldest mark first.
///
/// # Errors
/// Database failure.
pub async fn marked(conn: Conn<'_>) -> Result<Vec<Uuid>, DbError> {
    const SQL: &str =
        "SELECT id FROM applications WHERE purging_at IS NOT NULL ORDER BY purging_at, id";
    let rows: Vec<(Uuid,)> = on_conn!(conn, c => sqlx::query_as(SQL).fetch_all(&mut *c).await)?;
    Ok(rows.into_iter().map(|(id,)| id).collect())
}

/// Marks the application as purging if it is (still) due at `as_of` — the caller refreshed
/// its retention date in the same transaction, so a hold or consent that arrived since the
/// list was read is honoured — and destroys its data key. Returns whether it was marked.
///
/// # Errors
/// Database failure.
pub async fn mark(
    mut conn: Conn<'_>,
    id: Uuid,
    as_of: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<bool, DbError> {
    const SQL: &str = "UPDATE applications SET purging_at = $2 WHERE id = $1 AND purging_at IS NULL \
                       AND retain_until IS NOT NULL AND retain_until <= $3";
    let n = on_conn!(conn.reborrow(), c => sqlx::query(SQL).bind(id).bind(now).bind(as_of)
        .execute(&mut *c).await.map(|r| r.rows_affected()))?;
    if n == 1 {
        super::keys::destroy(conn, id, now).await?;
    }
    Ok(n == 1)
}

/// Marks an application found in the erasure ledger (a restored backup brought it back):
/// whatever its stored date says, it was erased once and goes again.
///
/// # Errors
/// Database failure.
pub async fn mark_restored(
    mut conn: Conn<'_>,
    id: Uuid,
    now: DateTime<Utc>,
) -> Result<bool, DbError> {
    const SQL: &str =
        "UPDATE applications SET purging_at = $2 WHERE id = $1 AND purging_at IS NULL";
    let n = on_conn!(conn.reborrow(), c => sqlx::query(SQL).bind(id).bind(now)
        .execute(&mut *c).await.map(|r| r.rows_affected()))?;
    super::keys::destroy(conn, id, now).await?;
    Ok(n == 1)
}

/// The reasons of the legal holds that apply to the application now (on it or on its vacancy).
///
/// # Errors
/// Database failure.
pub async fn holds_on(conn: Conn<'_>, id: Uuid) -> Result<Vec<String>, DbError> {
    const SQL: &str = "SELECT h.reason FROM legal_holds h JOIN applications a ON a.id = $1 \
        WHERE h.released_at IS NULL AND (h.application_id = a.id OR h.vacancy_id = a.vacancy_id) \
        ORDER BY h.placed_at, h.id";
    let rows: Vec<(String,)> =
        on_conn!(conn, c => sqlx::query_as(SQL).bind(id).fetch_all(&mut *c).await)?;
    Ok(rows.into_iter().map(|(r,)| r).collect())
}

/// Marks an application for erasure at its person's request, whatever its retention date, and
/// destroys its data key — unless a legal hold applies (checked in the same statement, so a
/// hold placed a moment ago still counts). Returns whether it was marked.
///
/// # Errors
/// Database failure.
pub async fn mark_requested(
    mut conn: Conn<'_>,
    id: Uuid,
    now: DateTime<Utc>,
) -> Result<bool, DbError> {
    const SQL: &str = "UPDATE applications SET purging_at = $2 WHERE id = $1 AND purging_at IS NULL \
        AND NOT EXISTS (SELECT 1 FROM legal_holds h WHERE h.released_at IS NULL \
          AND (h.application_id = applications.id OR h.vacancy_id = applications.vacancy_id))";
    let n = on_conn!(conn.reborrow(), c => sqlx::query(SQL).bind(id).bind(now)
        .execute(&mut *c).await.map(|r| r.rows_affected()))?;
    if n == 1 {
        super::keys::destroy(conn, id, now).await?;
    }
    Ok(n == 1)
}

/// Which of `ids` are still in the database (a restored backup).
///
/// # Errors
/// Database failure.
pub async fn present(conn: Conn<'_>, ids: &[Uuid]) -> Result<Vec<Uuid>, DbError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let marks = (1..=ids.len()).map(|i| format!("${i}")).collect::<Vec<_>>().join(", ");
    let sql = format!("SELECT id FROM applications WHERE id IN ({marks})");
    let rows: Vec<(Uuid,)> = on_conn!(conn, c => {
        let mut q = sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str()));
        for id in ids {
            q = q.bind(*id);
        }
        q.fetch_all(&mut *c).await
    })?;
    Ok(rows.into_iter().map(|(id,)| id).collect())
}

/// What [`erase_rows`] removed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Erased {
    /// Whether there was an application row to delete (false: already gone).
    pub found: bool,
    /// Whether it was a draft (no anonymised facts are kept for drafts).
    pub draft: bool,
    /// Rows deleted across every table.
    pub rows: u64,
    /// Documents the application had on record (their objects went in the step before).
    pub documents: u64,
}

#[derive(Debug, sqlx::FromRow)]
struct Leaving {
    vacancy_id: Uuid,
    status: String,
    email: Option<String>,
    source: Option<String>,
    outcome: Option<String>,
    rejection_reason: Option<String>,
    created_at: DateTime<Utc>,
    submitted_at: Option<DateTime<Utc>>,
    decided_at: Option<DateTime<Utc>>,
    stage_reached: Option<String>,
}

/// Deletes every row holding the application's personal data and its equal-opportunities
/// answers (by `pseudonym`), strips personal fields from its audit entries, and — for a sent
/// application — writes its anonymised facts. Run in one transaction with the purge-log
/// counters, so it happens entirely or not at all.
///
/// # Errors
/// Database failure.
#[tracing::instrument(skip_all)]
pub async fn erase_rows(mut conn: Conn<'_>, id: Uuid, pseudonym: &[u8]) -> Result<Erased, DbError> {
    const LEAVING: &str = "SELECT a.vacancy_id, a.status, a.email, a.source, a.outcome, \
        a.rejection_reason, a.created_at, a.submitted_at, a.decided_at, \
        (SELECT s.stage FROM vacancy_stages s WHERE s.vacancy_id = a.vacancy_id AND (s.stage = a.stage \
           OR s.stage IN (SELECT h.to_stage FROM stage_history h WHERE h.application_id = a.id)) \
         ORDER BY s.position DESC LIMIT 1) AS stage_reached \
        FROM applications a WHERE a.id = $1";
    if let Conn::Postgres(c) = &mut conn {
        // Two purgers finishing the same application one after the other must not both write
        // its anonymised facts: the second waits here, then finds no row.
        sqlx::query("SELECT id FROM applications WHERE id = $1 FOR UPDATE")
            .bind(id)
            .fetch_optional(&mut **c)
            .await?;
    }
    let leaving: Option<Leaving> = on_conn!(conn.reborrow(), c => sqlx::query_as(LEAVING).bind(id).fetch_optional(&mut *c).await)?;
    let mut erased = Erased::default();
    // Equal-opportunities answers first: they are keyed by pseudonym only, so they are the one
    // thing that would survive unnoticed if the application row went before them.
    let eo = match conn {
        Conn::Sqlite(_) => "DELETE FROM eo_responses WHERE pseudonym = $1",
        Conn::Postgres(_) => "DELETE FROM eo.responses WHERE pseudonym = $1",
    };
    erased.rows += on_conn!(conn.reborrow(), c => sqlx::query(sqlx::AssertSqlSafe(eo)).bind(pseudonym)
        .execute(&mut *c).await.map(|r| r.rows_affected()))?;
    let Some(leaving) = leaving else {
        return Ok(erased);
    };
    erased.found = true;
    erased.draft = leaving.status == "draft";
    if !erased.draft {
        const FACTS: &str = "INSERT INTO anonymised_facts (vacancy_id, source, stage_reached, outcome, \
            rejection_reason, applied_month, decided_month) VALUES ($1, $2, $3, $4, $5, $6, $7)";
        let outcome = match (leaving.status.as_str(), leaving.outcome.as_deref()) {
            ("withdrawn", _) => "withdrawn",
            (_, Some(o)) => o,
            (_, None) => "no_decision",
        };
        let applied =
            leaving.submitted_at.unwrap_or(leaving.created_at).format("%Y-%m").to_string();
        let decided = leaving.decided_at.map(|d| d.format("%Y-%m").to_string());
        on_conn!(conn.reborrow(), c => sqlx::query(FACTS).bind(leaving.vacancy_id).bind(&leaving.source)
            .bind(&leaving.stage_reached).bind(outcome).bind(&leaving.rejection_reason)
            .bind(&applied).bind(&decided).execute(&mut *c).await.map(|r| r.rows_affected()))?;
    }
    // Audit entries stay (who did what, when) but no longer point at the person: the
    // application id is dropped, and so is the address of anyone not on the staff.
    const AUDIT: &str = "UPDATE audit_log SET object_id = NULL, \
        client_addr = CASE WHEN actor_staff_id IS NULL THEN NULL ELSE client_addr END \
        WHERE object_id = $1";
    on_conn!(conn.reborrow(), c => sqlx::query(AUDIT).bind(id).execute(&mut *c).await.map(|r| r.rows_affected()))?;
    // Children before the application (the foreign keys cascade too; deleting explicitly
    // counts the rows and does not depend on the cascade being declared on both backends).
    const CHILDREN: &[&str] = &[
        "DELETE FROM scores WHERE application_id = $1",
        "DELETE FROM score_sheets WHERE application_id = $1",
        "DELETE FROM interview_panel WHERE interview_id IN (SELECT id FROM interviews WHERE application_id = $1)",
        "DELETE FROM interviews WHERE application_id = $1",
        "DELETE FROM candidate_notes WHERE application_id = $1",
        "DELETE FROM identity_reveals WHERE application_id = $1",
        "DELETE FROM stage_history WHERE application_id = $1",
        "DELETE FROM application_answers WHERE application_id = $1",
        "DELETE FROM application_screening_answers WHERE application_id = $1",
        "DELETE FROM application_documents WHERE application_id = $1",
        "DELETE FROM right_to_work_checks WHERE application_id = $1",
        "DELETE FROM dbs_checks WHERE application_id = $1",
        "DELETE FROM reference_links WHERE referee_id IN (SELECT id FROM referees WHERE application_id = $1)",
        "DELETE FROM reference_responses WHERE referee_id IN (SELECT id FROM referees WHERE application_id = $1)",
        "DELETE FROM reference_drafts WHERE referee_id IN (SELECT id FROM referees WHERE application_id = $1)",
        "DELETE FROM referees WHERE application_id = $1",
        "DELETE FROM consent_links WHERE application_id = $1",
        "DELETE FROM reserve_asks WHERE application_id = $1",
        "DELETE FROM reserve_invitations WHERE application_id = $1",
        "DELETE FROM consents WHERE application_id = $1",
        "DELETE FROM mail_outbox WHERE application_id = $1",
        "DELETE FROM legal_holds WHERE application_id = $1",
        "DELETE FROM rectifications WHERE application_id = $1",
    ];
    for sql in CHILDREN {
        let n = on_conn!(conn.reborrow(), c => sqlx::query(sqlx::AssertSqlSafe(*sql)).bind(id)
            .execute(&mut *c).await.map(|r| r.rows_affected()))?;
        if sql.contains("application_documents") {
            erased.documents = n;
        }
        erased.rows += n;
    }
    // A selector's kept form for this candidate (its text may quote the candidate).
    const FORMS: &str = "DELETE FROM staff_form_input WHERE form = $1";
    let form = format!("candidate:{id}");
    erased.rows += on_conn!(conn.reborrow(), c => sqlx::query(FORMS).bind(&form)
        .execute(&mut *c).await.map(|r| r.rows_affected()))?;
    const APPLICATION: &str = "DELETE FROM applications WHERE id = $1";
    erased.rows += on_conn!(conn.reborrow(), c => sqlx::query(APPLICATION).bind(id)
        .execute(&mut *c).await.map(|r| r.rows_affected()))?;
    // Portal sign-in links and the mail that carried them are addressed to the person, not an
    // application: they go once no other sent application of theirs remains (the portal only
    // ever serves sent ones; the condition also lets the partial email index answer).
    if let Some(email) = leaving.email.filter(|e| !e.is_empty()) {
        // One row is enough to know: a count would read every application of a prolific
        // applicant (the purge benchmark, where all share one address, showed the cost per
        // purge growing with them).
        const OTHERS: &str =
            "SELECT 1 FROM applications WHERE email = $1 AND status <> 'draft' LIMIT 1";
        let others: Option<(i32,)> = on_conn!(conn.reborrow(), c => sqlx::query_as(OTHERS).bind(&email).fetch_optional(&mut *c).await)?;
        if others.is_none() {
            const PERSONAL: &[&str] = &[
                "DELETE FROM portal_links WHERE email = $1",
                "DELETE FROM mail_outbox WHERE to_addr = $1 AND staff_id IS NULL AND application_id IS NULL",
            ];
            for sql in PERSONAL {
                erased.rows += on_conn!(conn.reborrow(), c => sqlx::query(sqlx::AssertSqlSafe(*sql)).bind(&email)
                    .execute(&mut *c).await.map(|r| r.rows_affected()))?;
            }
            // The rights-request register outlives the data (PRODUCT §2.8) but keeps only the
            // minimum: reference, kind, dates and outcome. What named or described the person
            // goes; an extension keeps that it was given, not the words of its reason. (An
            // update, so not counted among the rows deleted.)
            const REGISTER: &str = "UPDATE rights_requests SET email = NULL, details = NULL, \
                verification_note = NULL, outcome_note = NULL, extension_reason = \
                CASE WHEN extension_reason IS NULL THEN NULL ELSE 'Removed with the person''s data' END \
                WHERE lower(email) = lower($1)";
            on_conn!(conn.reborrow(), c => sqlx::query(REGISTER).bind(&email)
                .execute(&mut *c).await.map(|r| r.rows_affected()))?;
        }
    }
    Ok(erased)
}

/// What a purge run has done so far (the purge log's counters).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    /// Sent applications purged.
    pub applications: i64,
    /// Drafts deleted.
    pub drafts: i64,
    /// Documents deleted from object storage.
    pub documents: i64,
    /// Database rows deleted.
    pub rows: i64,
    /// Applications purged again because a restored backup brought them back.
    pub restored: i64,
    /// DBS checks reduced to their date, certificate number and decision.
    pub dbs_minimised: i64,
}

/// Starts a purge-log entry.
///
/// # Errors
/// Database failure.
pub async fn start_run(
    conn: Conn<'_>,
    id: Uuid,
    trigger: &str,
    as_of: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    const SQL: &str =
        "INSERT INTO purge_runs (id, started_at, as_of, trigger_kind) VALUES ($1, $2, $3, $4)";
    on_conn!(conn, c => sqlx::query(SQL).bind(id).bind(now).bind(as_of).bind(trigger)
        .execute(&mut *c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// Adds to a run's counters (in the transaction of the work counted).
///
/// # Errors
/// Database failure.
pub async fn count(conn: Conn<'_>, run: Uuid, add: Counts) -> Result<(), DbError> {
    const SQL: &str = "UPDATE purge_runs SET applications = applications + $2, drafts = drafts + $3, \
        documents = documents + $4, rows_deleted = rows_deleted + $5, \
        restored_repurged = restored_repurged + $6, dbs_minimised = dbs_minimised + $7 WHERE id = $1";
    on_conn!(conn, c => sqlx::query(SQL).bind(run).bind(add.applications).bind(add.drafts)
        .bind(add.documents).bind(add.rows).bind(add.restored).bind(add.dbs_minimised)
        .execute(&mut *c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// What a run has counted so far (zeros for an unknown run).
///
/// # Errors
/// Database failure.
pub async fn run_counts(conn: Conn<'_>, run: Uuid) -> Result<Counts, DbError> {
    const SQL: &str = "SELECT CAST(applications AS BIGINT), CAST(drafts AS BIGINT), \
        CAST(documents AS BIGINT), CAST(rows_deleted AS BIGINT), CAST(restored_repurged AS BIGINT), \
        CAST(dbs_minimised AS BIGINT) FROM purge_runs WHERE id = $1";
    let row: Option<(i64, i64, i64, i64, i64, i64)> =
        on_conn!(conn, c => sqlx::query_as(SQL).bind(run).fetch_optional(&mut *c).await)?;
    Ok(row.map_or_else(
        Counts::default,
        |(applications, drafts, documents, rows, restored, dbs_minimised)| Counts {
            applications,
            drafts,
            documents,
            rows,
            restored,
            dbs_minimised,
        },
    ))
}

/// Closes a purge-log entry.
///
/// # Errors
/// Database failure.
pub async fn finish_run(conn: Conn<'_>, run: Uuid, now: DateTime<Utc>) -> Result<(), DbError> {
    const SQL: &str = "UPDATE purge_runs SET finished_at = $2 WHERE id = $1";
    on_conn!(conn, c => sqlx::query(SQL).bind(run).bind(now).execute(&mut *c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// Records why a run stopped early (cut to 300 characters).
///
/// # Errors
/// Database failure.
pub async fn fail_run(conn: Conn<'_>, run: Uuid, why: &str) -> Result<(), DbError> {
    const SQL: &str = "UPDATE purge_runs SET failure = $2 WHERE id = $1";
    let why: String = why.chars().take(300).collect();
    on_conn!(conn, c => sqlx::query(SQL).bind(run).bind(&why).execute(&mut *c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// How many applications (drafts included) each retention rule currently covers.
///
/// # Errors
/// Database failure.
pub async fn counts_by_rule(conn: Conn<'_>) -> Result<Vec<(String, i64)>, DbError> {
    const SQL: &str = "SELECT retention_rule, COUNT(*) FROM applications WHERE purging_at IS NULL \
                       GROUP BY retention_rule ORDER BY retention_rule";
    Ok(on_conn!(conn, c => sqlx::query_as(SQL).fetch_all(&mut *c).await)?)
}

/// A purge-log entry.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
#[expect(missing_docs, reason = "the columns are documented in the migrations")]
pub struct Run {
    pub id: Uuid,
    pub started_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
    pub as_of: DateTime<Utc>,
    pub trigger_kind: String,
    pub applications: i64,
    pub drafts: i64,
    pub documents: i64,
    pub rows_deleted: i64,
    pub restored_repurged: i64,
    pub failure: Option<String>,
}

/// The newest purge-log entries.
///
/// # Errors
/// Database failure.
pub async fn runs(conn: Conn<'_>, limit: i64) -> Result<Vec<Run>, DbError> {
    const SQL: &str = "SELECT id, started_at, finished_at, as_of, trigger_kind, \
        CAST(applications AS BIGINT) AS applications, CAST(drafts AS BIGINT) AS drafts, \
        CAST(documents AS BIGINT) AS documents, CAST(rows_deleted AS BIGINT) AS rows_deleted, \
        CAST(restored_repurged AS BIGINT) AS restored_repurged, failure \
        FROM purge_runs ORDER BY started_at DESC, id LIMIT $1";
    Ok(on_conn!(conn, c => sqlx::query_as(SQL).bind(limit).fetch_all(&mut *c).await)?)
}

/// The newest purge run that finished, if any.
///
/// # Errors
/// Database failure.
pub async fn last_finished_run(conn: Conn<'_>) -> Result<Option<Uuid>, DbError> {
    const SQL: &str = "SELECT id FROM purge_runs WHERE finished_at IS NOT NULL \
                       ORDER BY finished_at DESC, id LIMIT 1";
    let row: Option<(Uuid,)> =
        on_conn!(conn, c => sqlx::query_as(SQL).fetch_optional(&mut *c).await)?;
    Ok(row.map(|(id,)| id))
}

/// Takes (or renews, for the same holder) the purge lease until `until`; false while another
/// holder's lease has not expired at `now`.
///
/// # Errors
/// Database failure.
pub async fn take_lease(
    conn: Conn<'_>,
    holder: Uuid,
    now: DateTime<Utc>,
    until: DateTime<Utc>,
) -> Result<bool, DbError> {
    const SQL: &str = "UPDATE purge_lease SET holder = $1, expires_at = $3 WHERE id = 1 \
                       AND (holder IS NULL OR holder = $1 OR expires_at <= $2)";
    let n = on_conn!(conn, c => sqlx::query(SQL).bind(holder).bind(now).bind(until)
        .execute(&mut *c).await.map(|r| r.rows_affected()))?;
    Ok(n == 1)
}

/// Gives the lease back (only if this holder still has it).
///
/// # Errors
/// Database failure.
pub async fn release_lease(conn: Conn<'_>, holder: Uuid) -> Result<(), DbError> {
    const SQL: &str =
        "UPDATE purge_lease SET holder = NULL, expires_at = NULL WHERE id = 1 AND holder = $1";
    on_conn!(conn, c => sqlx::query(SQL).bind(holder).execute(&mut *c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// An application due soon, as the retention overview lists it (no personal data).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
#[expect(missing_docs, reason = "the columns are documented in the migrations")]
pub struct DueSoon {
    pub id: Uuid,
    pub vacancy_id: Uuid,
    pub vacancy_title: String,
    pub status: String,
    pub candidate_number: Option<i32>,
    pub retain_until: DateTime<Utc>,
    pub retention_rule: String,
}

/// Up to `limit` applications due by `until`, soonest first, and how many there are in all
/// (the `applications_due` index serves both).
///
/// # Errors
/// Database failure.
pub async fn due_soon(
    mut conn: Conn<'_>,
    until: DateTime<Utc>,
    limit: i64,
) -> Result<(Vec<DueSoon>, i64), DbError> {
    const LIST: &str = "SELECT a.id, a.vacancy_id, v.title AS vacancy_title, a.status, a.candidate_number, \
        a.retain_until, a.retention_rule FROM applications a JOIN vacancies v ON v.id = a.vacancy_id \
        WHERE a.retain_until IS NOT NULL AND a.retain_until <= $1 AND a.purging_at IS NULL \
        ORDER BY a.retain_until, a.id LIMIT $2";
    const COUNT: &str = "SELECT COUNT(*) FROM applications \
        WHERE retain_until IS NOT NULL AND retain_until <= $1 AND purging_at IS NULL";
    let rows = on_conn!(conn.reborrow(), c => sqlx::query_as(LIST).bind(until).bind(limit).fetch_all(&mut *c).await)?;
    let (total,): (i64,) =
        on_conn!(conn, c => sqlx::query_as(COUNT).bind(until).fetch_one(&mut *c).await)?;
    Ok((rows, total))
}
