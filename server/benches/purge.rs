//! Benchmark: what a purge run costs, and that it grows with what is due, not with what is kept.
//!
//! On SQLite (the development default) with documents in a local folder, two databases are
//! prepared in the same process:
//! - **baseline** — only the `due` applications (rejected long ago, each with an encrypted CV);
//! - **loaded** — the same `due` applications beside `kept` applications still in progress.
//!
//! For each it times the dry run (`Purger::plan`) and the real run (`Purger::run`), and prints
//! milliseconds per purged application and the loaded/baseline ratios. A ratio near 1 means the
//! purge reads only what is due (the `applications_due` index), however much is kept.
//!
//! Run: `cargo bench -p server --bench purge` (optionally `-- <due> <kept>`).
//! Not a test: figures go in docs/PERFORMANCE.md, never into an assertion.

use app::ports::SystemClock;
use chrono::{DateTime, Utc};
use server::db::{Database, on_conn};
use server::documents::Documents;
use server::monitoring::Pseudonymiser;
use server::retention::{Outcome, Purger, Trigger, ledger::Ledger};
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

/// `n` applications on `vacancy`; `decided` makes them rejected at that time. Returns their ids.
async fn applications(
    db: &Database,
    vacancy: Uuid,
    n: usize,
    decided: Option<DateTime<Utc>>,
    prefix: &str,
) -> anyhow::Result<Vec<Uuid>> {
    let mut ids = Vec::with_capacity(n);
    let mut tx = db.begin().await?;
    for i in 0..n {
        let id = Uuid::new_v4();
        on_conn!(tx.conn(), c => sqlx::query(
            "INSERT INTO applications (id, vacancy_id, status, reference, draft_token, full_name, email, \
             created_at, updated_at, submitted_at, declared_at, decided_at, outcome, stage, candidate_number) \
             VALUES ($1, $2, 'submitted', $3, $4, 'Bench Person', 'bench@example.com', $5, $5, $5, $5, $6, \
             CASE WHEN $6 IS NULL THEN NULL ELSE 'rejected' END, 'applied', $7)")
            .bind(id).bind(vacancy).bind(format!("{prefix}{i:07}")).bind(id.as_bytes().to_vec())
            .bind(t("2025-12-01T00:00:00Z")).bind(decided).bind(i32::try_from(i).unwrap_or(i32::MAX))
            .execute(&mut *c).await.map(|r| r.rows_affected()))?;
        on_conn!(tx.conn(), c => sqlx::query(
            "INSERT INTO application_answers (application_id, position, answer) VALUES ($1, 1, 'An answer')")
            .bind(id).execute(&mut *c).await.map(|r| r.rows_affected()))?;
        ids.push(id);
    }
    server::db::retention::refresh(tx.conn(), server::db::retention::Scope::Vacancy(vacancy))
        .await?;
    tx.commit().await?;
    Ok(ids)
}

struct Figures {
    plan_ms: f64,
    run_ms: f64,
    purged: i64,
}

async fn measure(due: usize, kept: usize) -> anyhow::Result<Figures> {
    let dir = tempfile::tempdir()?;
    let db = Database::connect(&format!("sqlite://{}/bench.db", dir.path().display()), 5).await?;
    db.migrate().await?;
    let store = server::documents::open_object_store(&format!(
        "file://{}/documents",
        dir.path().display()
    ))?;
    let documents = Documents::new(store, &[9; 32], db.clone());
    if kept > 0 {
        let open = vacancy(&db, t("2030-01-01T00:00:00Z")).await?;
        applications(&db, open, kept, None, "SL-K-").await?;
    }
    let old = vacancy(&db, t("2025-12-31T00:00:00Z")).await?;
    let ids = applications(&db, old, due, Some(t("2026-01-01T00:00:00Z")), "SL-D-").await?;
    for id in &ids {
        let piece = bytes::Bytes::from_static(b"%PDF-1.4 a CV of a few bytes");
        let (doc, size) = documents.put(*id, futures::stream::iter([Ok(piece)])).await?;
        let mut conn = db.acquire().await?;
        on_conn!(conn.conn(), c => sqlx::query(
            "INSERT INTO application_documents (id, application_id, kind, original_name, media_type, size_bytes, uploaded_at) \
             VALUES ($1, $2, 'cv', 'cv.pdf', 'application/pdf', $3, $4)")
            .bind(doc.document).bind(*id).bind(i64::try_from(size).unwrap_or(1)).bind(t("2025-12-01T00:00:00Z"))
            .execute(&mut *c).await.map(|r| r.rows_affected()))?;
    }
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
    let as_of = t("2026-11-24T00:00:00Z");
    let started = Instant::now();
    let plan = purger.plan(as_of).await?;
    let plan_ms = started.elapsed().as_secs_f64() * 1000.0;
    assert_eq!(plan.due.len(), due, "the dry run lists exactly what is due");
    let started = Instant::now();
    let outcome = purger.run(as_of, Trigger::Command).await?;
    let run_ms = started.elapsed().as_secs_f64() * 1000.0;
    let purged = match outcome {
        Outcome::Done { counts, .. } => counts.applications,
        Outcome::Busy => 0,
    };
    db.close().await;
    Ok(Figures { plan_ms, run_ms, purged })
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args: Vec<usize> = std::env::args().skip(1).filter_map(|a| a.parse().ok()).collect();
    let due = args.first().copied().unwrap_or(500);
    let kept = args.get(1).copied().unwrap_or(50_000);
    println!(
        "purge benchmark: {due} due applications, {kept} kept beside them (SQLite, local documents)"
    );
    let baseline = measure(due, 0).await?;
    let loaded = measure(due, kept).await?;
    for (name, f) in [("baseline (nothing kept)", &baseline), ("loaded", &loaded)] {
        let per = f.run_ms / f64::from(u32::try_from(f.purged.max(1)).unwrap_or(u32::MAX));
        println!(
            "{name:<24} dry run {:>8.2} ms   purge {:>9.1} ms for {} applications = {:.2} ms each",
            f.plan_ms, f.run_ms, f.purged, per
        );
    }
    println!(
        "ratios loaded/baseline: dry run {:.2}x, purge {:.2}x",
        loaded.plan_ms / baseline.plan_ms.max(0.001),
        loaded.run_ms / baseline.run_ms.max(0.001)
    );
    Ok(())
}
