//! Benchmark: the purge at scale — does its cost grow with what is due, not with what is kept?
//!
//! One SQLite database (the development default) with `kept` applications still in progress
//! and `due` applications rejected long ago, each due one with an encrypted CV in a local
//! folder and an answer. Then, in one process:
//!
//! 1. **nothing due** — a real purge run as of a date before any application is due, with
//!    everything kept (lease, purge log, ledger marker, the due-index probe): its time;
//! 2. **dry run** — listing what is due at the real date;
//! 3. **purge** — the real run over every due application (mark and destroy the key, ledger
//!    entry, delete the objects, delete the rows with the anonymised facts and log counts), its
//!    time and the process's peak memory during it (`VmHWM`, reset before the run);
//! 4. **raw baseline** — on a copy of the same database and documents taken before step 3: one
//!    plain SQL transaction deleting the same rows, then removing the same files.
//!
//! Prints each figure and purge ÷ raw. Run: `cargo bench -p server --bench purge` (defaults:
//! 1,000,000 kept, 10,000 due) or `-- <kept> <due>`. Not a test: figures go in
//! docs/PERFORMANCE.md, never into an assertion.

use app::ports::SystemClock;
use chrono::{DateTime, Utc};
use server::db::{Database, on_conn};
use server::documents::Documents;
use server::monitoring::Pseudonymiser;
use server::retention::{Outcome, Purger, Trigger, ledger::Ledger};
use std::path::Path;
use std::sync::Arc;
use std::time::Instant;
use uuid::Uuid;

fn t(s: &str) -> DateTime<Utc> {
    s.parse().unwrap_or_default()
}

async fn vacancy(db: &Database, closes: DateTime<Utc>) -> anyhow::Result<Uuid> {
    let id = Uuid::new_v4();
    let mut conn = db.acquire().await?;
    on_conn!(conn.conn(), c => sqlx::query(
        "INSERT INTO vacancies (id, title, team, location, salary_min, salary_max, summary, description, \
         posts, status, closes_at, published_at, created_at, updated_at) \
         VALUES ($1, 'Bench', 'Team', 'Leeds', 1, 2, 'S', 'D', 1, 'published', $2, $3, $3, $3)")
        .bind(id).bind(closes).bind(t("2025-01-01T00:00:00Z")).execute(&mut *c).await.map(|r| r.rows_affected()))?;
    Ok(id)
}

/// `n` sent applications to `vacancy`, 500 to a statement. `decided` makes them rejected then
/// (retention date six months on, as the rules say); otherwise they are in progress with the
/// date the stalled-process rule gives their vacancy. Returns their ids.
async fn applications(
    db: &Database,
    vacancy: Uuid,
    n: usize,
    decided: Option<DateTime<Utc>>,
    retain_until: DateTime<Utc>,
    prefix: &str,
) -> anyhow::Result<Vec<Uuid>> {
    const CHUNK: usize = 500;
    let rule = if decided.is_some() { "unsuccessful" } else { "stalled" };
    let mut ids = Vec::with_capacity(n);
    let mut tx = db.begin().await?;
    let mut done = 0;
    while done < n {
        let size = CHUNK.min(n - done);
        let values: Vec<String> = (0..size)
            .map(|k| {
                let b = k * 9;
                format!(
                    "(${}, ${}, 'submitted', ${}, ${}, 'Bench Person', 'bench@example.com', ${}, ${}, ${}, ${}, ${}, ${}, ${}, 'applied', ${}, '{rule}')",
                    b + 1, b + 2, b + 3, b + 4, b + 5, b + 5, b + 5, b + 5, b + 6, b + 7, b + 8, b + 9
                )
            })
            .collect();
        let sql = format!(
            "INSERT INTO applications (id, vacancy_id, status, reference, draft_token, full_name, email, \
             created_at, updated_at, submitted_at, declared_at, decided_at, outcome, retain_until, \
             stage, candidate_number, retention_rule) VALUES {}",
            values.join(", ")
        );
        let chunk: Vec<Uuid> = (0..size).map(|_| Uuid::new_v4()).collect();
        on_conn!(tx.conn(), c => {
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql.as_str()));
            for (k, id) in chunk.iter().enumerate() {
                let i = done + k;
                q = q
                    .bind(*id)
                    .bind(vacancy)
                    .bind(format!("{prefix}{i:07}"))
                    .bind(id.as_bytes().to_vec())
                    .bind(t("2025-12-01T00:00:00Z"))
                    .bind(decided)
                    .bind(decided.map(|_| "rejected"))
                    .bind(retain_until)
                    .bind(i32::try_from(i).unwrap_or(i32::MAX));
            }
            q.execute(&mut *c).await.map(|r| r.rows_affected())
        })?;
        ids.extend(chunk);
        done += size;
    }
    tx.commit().await?;
    Ok(ids)
}

fn peak_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1).and_then(|n| n.parse().ok()))
        })
        .unwrap_or(0)
}

fn copy_dir(from: &Path, to: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let target = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            copy_dir(&entry.path(), &target)?;
        } else {
            std::fs::copy(entry.path(), target)?;
        }
    }
    Ok(())
}

fn ms(since: Instant) -> f64 {
    since.elapsed().as_secs_f64() * 1000.0
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args: Vec<usize> = std::env::args().skip(1).filter_map(|a| a.parse().ok()).collect();
    let kept = args.first().copied().unwrap_or(1_000_000);
    let due = args.get(1).copied().unwrap_or(10_000);
    println!(
        "purge benchmark: {kept} kept, {due} due, each due one with a CV (SQLite, local documents), \
         purged {} at a time",
        server::retention::BATCH
    );
    let dir = tempfile::tempdir()?;
    let db_file = dir.path().join("bench.db");
    let docs = dir.path().join("documents");
    let url = format!("sqlite://{}", db_file.display());
    let db = Database::connect(&url, 5).await?;
    db.migrate().await?;
    let store = server::documents::open_object_store(&format!("file://{}", docs.display()))?;
    let documents = Documents::new(store, &[9; 32], db.clone());

    let started = Instant::now();
    let open = vacancy(&db, t("2030-01-01T00:00:00Z")).await?;
    applications(&db, open, kept, None, t("2030-09-30T00:00:00Z"), "SL-K-").await?;
    let old = vacancy(&db, t("2025-12-31T00:00:00Z")).await?;
    let ids = applications(
        &db,
        old,
        due,
        Some(t("2026-01-01T00:00:00Z")),
        t("2026-07-01T00:00:00Z"),
        "SL-D-",
    )
    .await?;
    for id in &ids {
        let piece = bytes::Bytes::from_static(b"%PDF-1.4 a CV of a few bytes");
        let (doc, size) = documents.put(*id, futures::stream::iter([Ok(piece)])).await?;
        let mut conn = db.acquire().await?;
        on_conn!(conn.conn(), c => sqlx::query(
            "INSERT INTO application_documents (id, application_id, kind, original_name, media_type, size_bytes, uploaded_at) \
             VALUES ($1, $2, 'cv', 'cv.pdf', 'application/pdf', $3, $4)")
            .bind(doc.document).bind(*id).bind(i64::try_from(size).unwrap_or(1)).bind(t("2025-12-01T00:00:00Z"))
            .execute(&mut *c).await.map(|r| r.rows_affected()))?;
        on_conn!(conn.conn(), c => sqlx::query(
            "INSERT INTO application_answers (application_id, position, answer) VALUES ($1, 1, 'An answer')")
            .bind(*id).execute(&mut *c).await.map(|r| r.rows_affected()))?;
    }
    println!("seeded in {:.1} s", started.elapsed().as_secs_f64());

    let purger = Purger::new(
        db.clone(),
        documents,
        Arc::new(Pseudonymiser::new(&zeroize::Zeroizing::new([5; 32]))),
        Ledger::new(server::documents::open_object_store(&format!(
            "file://{}/ledger",
            dir.path().display()
        ))?),
        Arc::new(SystemClock),
    );
    // 1. Nothing due (twice: the first run also reads the empty ledger once).
    purger.run(t("2026-03-01T00:00:00Z"), Trigger::Command).await?;
    let at = Instant::now();
    purger.run(t("2026-03-01T00:00:00Z"), Trigger::Command).await?;
    let nothing_ms = ms(at);
    // 2. Dry run.
    let as_of = t("2026-11-24T00:00:00Z");
    let at = Instant::now();
    let listed = purger.plan(as_of).await?.due.len();
    let plan_ms = ms(at);

    // A copy for the raw baseline, taken before the purge.
    on_conn!(db.acquire().await?.conn(), c => sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
        .execute(&mut *c).await.map(|r| r.rows_affected()))?;
    let raw_dir = dir.path().join("raw");
    std::fs::create_dir_all(&raw_dir)?;
    std::fs::copy(&db_file, raw_dir.join("bench.db"))?;
    copy_dir(&docs, &raw_dir.join("documents"))?;

    // 3. The purge.
    let _ = std::fs::write("/proc/self/clear_refs", "5");
    let before = peak_kib();
    let at = Instant::now();
    let purged = match purger.run(as_of, Trigger::Command).await? {
        Outcome::Done { counts, .. } => counts.applications,
        Outcome::Busy => 0,
    };
    let purge_ms = ms(at);
    let peak = peak_kib();
    db.close().await;

    // 4. Raw baseline: the same rows and files, deleted plainly.
    let raw =
        Database::connect(&format!("sqlite://{}", raw_dir.join("bench.db").display()), 2).await?;
    let at = Instant::now();
    let mut tx = raw.begin().await?;
    for sql in [
        "DELETE FROM application_answers WHERE application_id IN (SELECT id FROM applications WHERE retain_until <= $1)",
        "DELETE FROM application_documents WHERE application_id IN (SELECT id FROM applications WHERE retain_until <= $1)",
        "DELETE FROM applications WHERE retain_until <= $1",
    ] {
        on_conn!(tx.conn(), c => sqlx::query(sqlx::AssertSqlSafe(sql)).bind(as_of).execute(&mut *c).await.map(|r| r.rows_affected()))?;
    }
    tx.commit().await?;
    for id in &ids {
        let _ =
            std::fs::remove_dir_all(raw_dir.join("documents/applications").join(id.to_string()));
    }
    let raw_ms = ms(at);
    raw.close().await;

    println!("nothing due, {kept} kept      purge run {nothing_ms:>10.2} ms");
    println!("dry run, {listed} listed        {plan_ms:>10.2} ms");
    println!(
        "purge of {purged} due             {purge_ms:>10.1} ms  ({:.2} ms each), peak memory {:.1} MiB (process before: {:.1} MiB)",
        purge_ms / f64::from(u32::try_from(purged.max(1)).unwrap_or(u32::MAX)),
        peak as f64 / 1024.0,
        before as f64 / 1024.0
    );
    println!("raw baseline (SQL delete + rm)  {raw_ms:>10.1} ms");
    println!("purge ÷ raw baseline: {:.1}x", purge_ms / raw_ms.max(0.001));
    Ok(())
}
