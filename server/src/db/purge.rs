//! Queries for the purge (see `crate::retention`): what is due, marking a batch of
//! applications and destroying their keys, deleting every row that holds their personal data
//! while writing the anonymised facts, the purge log and the lease that lets one instance
//! purge at a time. Each query handles a whole batch with a fixed number of statements (`IN`
//! lists of bound ids — never ids formatted into the text).
//!
//! The deletion list `CHILDREN` used by [`erase_rows`] is the one place that knows every table
//! holding an application's personal data; a new table with such data must be added there
//! (the purge completeness test searches every table and fails otherwise). Nothing here logs
//! row values.

use super::{Conn, DbError, on_conn};
use chrono::{DateTime, Utc};
use std::collections::HashMap;
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

/// Marks those of `ids` that are (still) due at `as_of` as purging — the caller refreshed
/// their retention dates in the same transaction, so a hold or consent that arrived since the
/// list was read is honoured — and destroys their data keys, in two statements whatever the
/// batch's size. Returns the ids marked.
///
/// # Errors
/// Database failure.
#[tracing::instrument(skip_all)]
pub async fn mark(
    mut conn: Conn<'_>,
    ids: &[Uuid],
    as_of: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<Vec<Uuid>, DbError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "UPDATE applications SET purging_at = $1 WHERE purging_at IS NULL \
         AND retain_until IS NOT NULL AND retain_until <= $2 AND id IN ({}) RETURNING id",
        super::placeholders(3, ids.len())
    );
    let rows: Vec<(Uuid,)> = on_conn!(conn.reborrow(), c => {
        let mut q = sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str())).bind(now).bind(as_of);
        for id in ids {
            q = q.bind(*id);
        }
        q.fetch_all(&mut *c).await
    })?;
    let marked: Vec<Uuid> = rows.into_iter().map(|(id,)| id).collect();
    super::keys::destroy_many(conn, &marked, now).await?;
    Ok(marked)
}

/// Marks applications found in the erasure ledger (a restored backup brought them back):
/// whatever their stored dates say, they were erased once and go again. Their keys are
/// destroyed even if already marked.
///
/// # Errors
/// Database failure.
pub async fn mark_restored(
    mut conn: Conn<'_>,
    ids: &[Uuid],
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    if ids.is_empty() {
        return Ok(());
    }
    let sql = format!(
        "UPDATE applications SET purging_at = $1 WHERE purging_at IS NULL AND id IN ({})",
        super::placeholders(2, ids.len())
    );
    on_conn!(conn.reborrow(), c => {
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql.as_str())).bind(now);
        for id in ids {
            q = q.bind(*id);
        }
        q.execute(&mut *c).await.map(|r| r.rows_affected())
    })?;
    super::keys::destroy_many(conn, ids, now).await
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
    let sql =
        format!("SELECT id FROM applications WHERE id IN ({})", super::placeholders(1, ids.len()));
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
    /// Sent applications whose rows were deleted (their anonymised facts written).
    pub applications: u64,
    /// Drafts whose rows were deleted (no anonymised facts are kept for drafts).
    pub drafts: u64,
    /// Rows deleted across every table.
    pub rows: u64,
    /// Documents the applications had on record (their objects went in the step before).
    pub documents: u64,
}

impl Erased {
    /// Applications of either kind that were still there (the rest had already gone).
    #[must_use]
    pub const fn found(&self) -> u64 {
        self.applications + self.drafts
    }
}

#[derive(Debug, sqlx::FromRow)]
struct Leaving {
    id: Uuid,
    vacancy_id: Uuid,
    status: String,
    email: Option<String>,
    source: Option<String>,
    outcome: Option<String>,
    rejection_reason: Option<String>,
    created_at: DateTime<Utc>,
    submitted_at: Option<DateTime<Utc>>,
    decided_at: Option<DateTime<Utc>>,
    /// The stage it is at now.
    stage: Option<String>,
    stage_reached: Option<String>,
}

impl Leaving {
    /// How the application ended, as the anonymised facts record it.
    fn outcome(&self) -> &str {
        match (self.status.as_str(), self.outcome.as_deref()) {
            ("withdrawn", _) => "withdrawn",
            (_, Some(o)) => o,
            (_, None) => "no_decision",
        }
    }
}

/// Every table row that holds an application's personal data, children before the application
/// (the foreign keys cascade too; deleting explicitly counts the rows and does not depend on the
/// cascade being declared on both backends). `{ids}` stands for the batch's ids.
const CHILDREN: &[&str] = &[
    "DELETE FROM scores WHERE application_id IN ({ids})",
    "DELETE FROM score_sheets WHERE application_id IN ({ids})",
    "DELETE FROM interview_panel WHERE interview_id IN (SELECT id FROM interviews WHERE application_id IN ({ids}))",
    "DELETE FROM interviews WHERE application_id IN ({ids})",
    "DELETE FROM candidate_notes WHERE application_id IN ({ids})",
    "DELETE FROM identity_reveals WHERE application_id IN ({ids})",
    "DELETE FROM stage_history WHERE application_id IN ({ids})",
    "DELETE FROM application_answers WHERE application_id IN ({ids})",
    "DELETE FROM application_screening_answers WHERE application_id IN ({ids})",
    "DELETE FROM application_documents WHERE application_id IN ({ids})",
    "DELETE FROM right_to_work_checks WHERE application_id IN ({ids})",
    "DELETE FROM dbs_checks WHERE application_id IN ({ids})",
    "DELETE FROM reference_links WHERE referee_id IN (SELECT id FROM referees WHERE application_id IN ({ids}))",
    "DELETE FROM reference_responses WHERE referee_id IN (SELECT id FROM referees WHERE application_id IN ({ids}))",
    "DELETE FROM reference_drafts WHERE referee_id IN (SELECT id FROM referees WHERE application_id IN ({ids}))",
    "DELETE FROM referees WHERE application_id IN ({ids})",
    "DELETE FROM consent_links WHERE application_id IN ({ids})",
    "DELETE FROM reserve_asks WHERE application_id IN ({ids})",
    "DELETE FROM reserve_invitations WHERE application_id IN ({ids})",
    "DELETE FROM consents WHERE application_id IN ({ids})",
    "DELETE FROM mail_outbox WHERE application_id IN ({ids})",
    "DELETE FROM legal_holds WHERE application_id IN ({ids})",
    "DELETE FROM rectifications WHERE application_id IN ({ids})",
    // Audit entries stay (who did what, when) but no longer point at the person: the
    // application id is dropped, and so is the address of anyone not on the staff. (An
    // update; it deletes nothing, so it adds nothing to the count.)
    "UPDATE audit_log SET object_id = NULL, \
     client_addr = CASE WHEN actor_staff_id IS NULL THEN NULL ELSE client_addr END \
     WHERE object_id IN ({ids})",
    // The application rows last.
    "DELETE FROM applications WHERE id IN ({ids})",
];

/// Runs `sql` once with every value of `values` bound in order; returns the rows affected.
async fn execute_with<T>(conn: Conn<'_>, sql: &str, values: &[T]) -> Result<u64, DbError>
where
    T: Clone
        + Send
        + Sync
        + for<'q> sqlx::Encode<'q, sqlx::Sqlite>
        + sqlx::Type<sqlx::Sqlite>
        + for<'q> sqlx::Encode<'q, sqlx::Postgres>
        + sqlx::Type<sqlx::Postgres>
        + 'static,
{
    Ok(on_conn!(conn, c => {
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
        for v in values {
            q = q.bind(v.clone());
        }
        q.execute(&mut *c).await.map(|r| r.rows_affected())
    })?)
}

/// Deletes every row holding the personal data of the applications `ids` and their
/// equal-opportunities answers (by `pseudonyms`), strips personal fields from their audit
/// entries, and — for sent applications — writes their anonymised facts. Run in one
/// transaction with the purge-log counters, so a batch goes entirely or not at all. The number
/// of statements does not depend on the batch's size (a few per table), which is what keeps a
/// large purge close to the cost of a plain delete.
///
/// # Errors
/// Database failure.
#[tracing::instrument(skip_all, fields(batch = ids.len()))]
pub async fn erase_rows(
    mut conn: Conn<'_>,
    ids: &[Uuid],
    pseudonymiser: &crate::monitoring::Pseudonymiser,
) -> Result<Erased, DbError> {
    use app::domain::ApplicationId;
    let mut erased = Erased::default();
    if ids.is_empty() {
        return Ok(erased);
    }
    let pseudonyms: Vec<Vec<u8>> =
        ids.iter().map(|id| pseudonymiser.pseudonym(ApplicationId::from_uuid(*id))).collect();
    let list = super::placeholders(1, ids.len());
    if let Conn::Postgres(c) = &mut conn {
        // Two purgers finishing the same application one after the other must not both write
        // its anonymised facts: the second waits here, then finds no row. Locked in id order,
        // so two batches that overlap cannot wait for each other.
        let sql =
            format!("SELECT id FROM applications WHERE id IN ({list}) ORDER BY id FOR UPDATE");
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql.as_str()));
        for id in ids {
            q = q.bind(*id);
        }
        q.fetch_all(&mut **c).await?;
    }
    let leaving_sql = format!(
        "SELECT a.id, a.vacancy_id, a.status, a.email, a.source, a.outcome, \
         a.rejection_reason, a.created_at, a.submitted_at, a.decided_at, a.stage, \
         (SELECT s.stage FROM vacancy_stages s WHERE s.vacancy_id = a.vacancy_id AND (s.stage = a.stage \
            OR s.stage IN (SELECT h.to_stage FROM stage_history h WHERE h.application_id = a.id)) \
          ORDER BY s.position DESC LIMIT 1) AS stage_reached \
         FROM applications a WHERE a.id IN ({list}) ORDER BY a.id"
    );
    let leaving: Vec<Leaving> = on_conn!(conn.reborrow(), c => {
        let mut q = sqlx::query_as(sqlx::AssertSqlSafe(leaving_sql.as_str()));
        for id in ids {
            q = q.bind(*id);
        }
        q.fetch_all(&mut *c).await
    })?;
    let sent: Vec<&Leaving> = leaving.iter().filter(|l| l.status != "draft").collect();
    let moves =
        if sent.is_empty() { HashMap::new() } else { history(conn.reborrow(), &sent).await? };
    // Their answers leave the diversity funnel's tallies with them, while the answers are still
    // there to say which counts were theirs (after the lock above, so two purgers never take
    // the same application away twice). Drafts were never counted.
    let counted: Vec<_> = sent
        .iter()
        .filter_map(|l| {
            let sent_at = l.submitted_at?;
            let path = moves.get(&l.id).map_or(&[][..], Vec::as_slice);
            let furthest = app::domain::reports::furthest(l.stage.as_deref(), path);
            Some((ApplicationId::from_uuid(l.id), l.vacancy_id, sent_at, furthest))
        })
        .collect();
    crate::monitoring::tallies::count_purged(conn.reborrow(), pseudonymiser, &counted).await?;
    // Equal-opportunities answers first, for every id asked about: they are keyed by pseudonym
    // only, so they are the one thing that would survive unnoticed if an application row went
    // before them (a finished batch repeated finds them gone, which is fine).
    let eo_table = match conn {
        Conn::Sqlite(_) => "eo_responses",
        Conn::Postgres(_) => "eo.responses",
    };
    let eo = format!(
        "DELETE FROM {eo_table} WHERE pseudonym IN ({})",
        super::placeholders(1, pseudonyms.len())
    );
    erased.rows += execute_with(conn.reborrow(), &eo, &pseudonyms).await?;
    if leaving.is_empty() {
        return Ok(erased);
    }
    erased.applications = u64::try_from(sent.len()).unwrap_or(u64::MAX);
    erased.drafts = u64::try_from(leaving.len() - sent.len()).unwrap_or(u64::MAX);
    if !sent.is_empty() {
        write_facts(conn.reborrow(), &sent, &moves).await?;
    }
    let found: Vec<Uuid> = leaving.iter().map(|l| l.id).collect();
    let list = super::placeholders(1, found.len());
    for template in CHILDREN {
        let sql = template.replace("{ids}", &list);
        let n = execute_with(conn.reborrow(), &sql, &found).await?;
        if template.starts_with("UPDATE") {
            continue;
        }
        if template.contains("application_documents") {
            erased.documents = n;
        }
        erased.rows += n;
    }
    // A selector's kept form for these candidates (its text may quote the candidate).
    let forms: Vec<String> = found.iter().map(|id| format!("candidate:{id}")).collect();
    let sql = format!("DELETE FROM staff_form_input WHERE form IN ({list})");
    erased.rows += execute_with(conn.reborrow(), &sql, &forms).await?;
    erased.rows += erase_personal(conn, &leaving).await?;
    Ok(erased)
}

/// Writes the anonymised facts of the sent applications leaving (one statement): what the
/// funnel report counts once they are gone — vacancy, source, stage reached, outcome, reason,
/// months, and the durations its medians need (whole days, never a date), worked out exactly
/// as the report works them out for held applications, so a period's figures do not move.
async fn write_facts(conn: Conn<'_>, sent: &[&Leaving], moves: &Moves) -> Result<(), DbError> {
    use app::domain::reports;
    const COLUMNS: usize = 9;
    let values = super::placeholders_as(0, sent.len(), |k| {
        format!("({})", super::placeholders(k * COLUMNS + 1, COLUMNS))
    });
    let facts = format!(
        "INSERT INTO anonymised_facts (vacancy_id, source, stage_reached, outcome, \
         rejection_reason, applied_month, decided_month, days_to_hire, step_days) VALUES {values}"
    );
    on_conn!(conn, c => {
        let mut q = sqlx::query(sqlx::AssertSqlSafe(facts.as_str()));
        for l in sent {
            let sent_at = l.submitted_at.unwrap_or(l.created_at);
            let applied = sent_at.format("%Y-%m").to_string();
            let decided = l.decided_at.map(|d| d.format("%Y-%m").to_string());
            let hired = l.outcome.as_deref() == Some("hired");
            let to_hire = reports::days_to_hire(hired, sent_at, l.decided_at).map(|d| d.max(0));
            let steps = moves.get(&l.id).map(|m| reports::days_in_steps(m)).unwrap_or_default();
            let steps = (!steps.is_empty()).then(|| reports::encode_step_days(&steps));
            q = q.bind(l.vacancy_id).bind(l.source.clone()).bind(l.stage_reached.clone())
                .bind(l.outcome().to_owned()).bind(l.rejection_reason.clone())
                .bind(applied).bind(decided).bind(to_hire).bind(steps);
        }
        q.execute(&mut *c).await.map(|r| r.rows_affected())
    })?;
    Ok(())
}

/// Each application's moves, oldest first: the step it moved to and when.
type Moves = HashMap<Uuid, Vec<(app::domain::reports::Step, DateTime<Utc>)>>;

/// The stage history of the sent applications leaving, as steps.
async fn history(conn: Conn<'_>, sent: &[&Leaving]) -> Result<Moves, DbError> {
    use app::domain::reports::Step;
    let sql = format!(
        "SELECT application_id, to_stage, at FROM stage_history WHERE application_id IN ({}) \
         ORDER BY application_id, at, id",
        super::placeholders(1, sent.len())
    );
    let rows: Vec<(Uuid, String, DateTime<Utc>)> = on_conn!(conn, c => {
        let mut q = sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str()));
        for l in sent {
            q = q.bind(l.id);
        }
        q.fetch_all(&mut *c).await
    })?;
    let mut moves = Moves::new();
    for (id, stage, at) in rows {
        moves.entry(id).or_default().push((Step::of_code(Some(&stage)), at));
    }
    Ok(moves)
}

/// Portal sign-in links and the mail that carried them are addressed to the person, not an
/// application: they go once no other sent application of theirs remains (the portal only ever
/// serves sent ones; the condition also lets the partial email index answer). Returns the rows
/// deleted.
async fn erase_personal(mut conn: Conn<'_>, leaving: &[Leaving]) -> Result<u64, DbError> {
    let mut emails: Vec<String> =
        leaving.iter().filter_map(|l| l.email.clone()).filter(|e| !e.is_empty()).collect();
    emails.sort_unstable();
    emails.dedup();
    if emails.is_empty() {
        return Ok(0);
    }
    // Asked once for the whole batch: which addresses still have a sent application. EXISTS
    // stops at the first one found — a DISTINCT over every application of a prolific address
    // (the benchmark's million share one) read them all, once per batch.
    let values = super::placeholders_as(1, emails.len(), |i| format!("(${i})"));
    let others = format!(
        "WITH leaving (email) AS (VALUES {values}) SELECT l.email FROM leaving l \
         WHERE EXISTS (SELECT 1 FROM applications a WHERE a.email = l.email AND a.status <> 'draft')"
    );
    let kept: Vec<(String,)> = on_conn!(conn.reborrow(), c => {
        let mut q = sqlx::query_as(sqlx::AssertSqlSafe(others.as_str()));
        for e in &emails {
            q = q.bind(e.clone());
        }
        q.fetch_all(&mut *c).await
    })?;
    emails.retain(|e| !kept.iter().any(|(k,)| k == e));
    if emails.is_empty() {
        return Ok(0);
    }
    let list = super::placeholders(1, emails.len());
    let mut rows = 0;
    for sql in [
        format!("DELETE FROM portal_links WHERE email IN ({list})"),
        format!(
            "DELETE FROM mail_outbox WHERE to_addr IN ({list}) AND staff_id IS NULL AND application_id IS NULL"
        ),
    ] {
        rows += execute_with(conn.reborrow(), &sql, &emails).await?;
    }
    // The rights-request register outlives the data (PRODUCT §2.8) but keeps only the minimum:
    // reference, kind, dates and outcome. What named or described the person goes; an
    // extension keeps that it was given, not the words of its reason. (An update, so not
    // counted among the rows deleted.)
    let lowered = super::placeholders_as(1, emails.len(), |i| format!("lower(${i})"));
    let register = format!(
        "UPDATE rights_requests SET email = NULL, details = NULL, \
         verification_note = NULL, outcome_note = NULL, extension_reason = \
         CASE WHEN extension_reason IS NULL THEN NULL ELSE 'Removed with the person''s data' END \
         WHERE lower(email) IN ({lowered})"
    );
    execute_with(conn, &register, &emails).await?;
    Ok(rows)
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
