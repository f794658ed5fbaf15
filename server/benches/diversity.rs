//! Benchmark: the diversity funnel over many applications, next to a raw GROUP BY.
//!
//! One SQLite database (the development default) with `n` sent applications this year across
//! ten vacancies in ten job families, at every stage, nine in ten with monitoring answers.
//! Then, in one process:
//!
//! 0. the tallies built once from the answers (what the first start after migration 18
//!    does; from then on sends and moves keep them) — timed and printed, not compared;
//! 1. **report** — the whole `Reports::diversity` call as a page makes it: the year's sealed
//!    tallies (one per vacancy) opened and added up into the seven questions' tables for the
//!    organisation and every family, disclosure control, the audit entry;
//! 2. **raw** — what plain SQL needs for the same seven tables if the link were stored in the
//!    clear: a table of (pseudonym, furthest step, family) built before timing, joined to the
//!    answers and grouped, once per question.
//!
//! 3. what keeping the tallies adds to a send: one `count_sent` in a write transaction, next
//!    to the same transaction with one plain update.
//!
//! Prints the median of three runs of each and report ÷ raw. Run:
//! `cargo bench -p server --bench diversity` (default 1,000,000) or `-- <n>`. Not a test:
//! figures go in docs/PERFORMANCE.md, never into an assertion.

use app::domain::{StaffId, disclosure::Policy, reports::DiversityFilter};
use app::ports::Reports as _;
use chrono::{DateTime, Utc};
use server::db::{Database, on_conn};
use server::monitoring::Pseudonymiser;
use std::sync::Arc;
use std::time::Instant;
use uuid::Uuid;
use zeroize::Zeroizing;

const STAGES: [&str; 7] =
    ["applied", "sift", "interview", "assessment", "offer", "pre_employment_checks", "hired"];
const QUESTIONS: [&str; 7] = [
    "ethnic_group",
    "sex",
    "gender_same",
    "sexual_orientation",
    "religion",
    "disability",
    "age_band",
];

fn t(s: &str) -> DateTime<Utc> {
    s.parse().unwrap_or_default()
}

fn ms(since: Instant) -> f64 {
    since.elapsed().as_secs_f64() * 1000.0
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// A cheap deterministic spread (no randomness crate needed).
fn pick(i: usize, salt: usize, n: usize) -> usize {
    (i.wrapping_mul(2_654_435_761).wrapping_add(salt.wrapping_mul(40_503)) >> 7) % n
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let n: usize = std::env::args().skip(1).find_map(|a| a.parse().ok()).unwrap_or(1_000_000);
    println!("diversity funnel benchmark: {n} applications this year, 10 job families (SQLite)");
    let dir = tempfile::tempdir()?;
    let url = format!("sqlite://{}", dir.path().join("bench.db").display());
    let db = Database::connect(&url, 5).await?;
    db.migrate().await?;
    let pseudonyms = Arc::new(Pseudonymiser::new(&Zeroizing::new([5; 32])));
    let seeded = Instant::now();
    let mut vacancies = Vec::new();
    {
        let mut conn = db.acquire().await?;
        for f in 0..10 {
            let id = Uuid::new_v4();
            on_conn!(conn.conn(), c => sqlx::query(
                "INSERT INTO vacancies (id, title, team, location, salary_min, salary_max, summary, description, \
                 posts, status, closes_at, published_at, created_at, updated_at, job_family) \
                 VALUES ($1, 'Bench', 'Team', 'Leeds', 1, 2, 'S', 'D', 1, 'published', $2, $3, $3, $3, $4)")
                .bind(id).bind(t("2026-12-31T00:00:00Z")).bind(t("2026-01-01T00:00:00Z"))
                .bind(format!("Family {f}")).execute(&mut *c).await.map(|r| r.rows_affected()))?;
            vacancies.push(id);
        }
    }
    // Applications, their history and answers, 500 to a statement.
    let mut tx = db.begin().await?;
    let mut links: Vec<(Vec<u8>, usize, usize)> = Vec::with_capacity(n);
    let mut done = 0;
    while done < n {
        let size = 500.min(n - done);
        let ids: Vec<Uuid> = (0..size).map(|_| Uuid::new_v4()).collect();
        let values: Vec<String> = (0..size)
            .map(|k| {
                let b = k * 6;
                format!(
                    "(${}, ${}, 'submitted', ${}, ${}, ${}, ${}, ${}, ${}, ${}, 'in_progress')",
                    b + 1,
                    b + 2,
                    b + 3,
                    b + 4,
                    b + 5,
                    b + 6,
                    b + 6,
                    b + 6,
                    b + 6
                )
            })
            .collect();
        let sql = format!(
            "INSERT INTO applications (id, vacancy_id, status, reference, draft_token, stage, \
             created_at, updated_at, submitted_at, declared_at, retention_rule) VALUES {}",
            values.join(", ")
        );
        let mut eo_values = Vec::new();
        on_conn!(tx.conn(), c => {
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql.as_str()));
            for (k, id) in ids.iter().enumerate() {
                let i = done + k;
                let family = pick(i, 1, 10);
                let stage = STAGES[pick(i, 2, 7)];
                links.push((pseudonyms.pseudonym(app::domain::ApplicationId::from_uuid(*id)), STAGES.iter().position(|s| *s == stage).unwrap_or(0), family));
                if pick(i, 3, 10) != 0 {
                    eo_values.push(i);
                }
                q = q.bind(*id).bind(vacancies[family]).bind(format!("SL-{i:09}"))
                    .bind(id.as_bytes().to_vec()).bind(stage).bind(t("2026-03-01T00:00:00Z"));
            }
            q.execute(&mut *c).await.map(|r| r.rows_affected())
        })?;
        if !eo_values.is_empty() {
            let rows: Vec<String> = (0..eo_values.len())
                .map(|k| {
                    let b = k * 8;
                    format!(
                        "(${}, ${}, ${}, ${}, ${}, ${}, ${}, ${})",
                        b + 1,
                        b + 2,
                        b + 3,
                        b + 4,
                        b + 5,
                        b + 6,
                        b + 7,
                        b + 8
                    )
                })
                .collect();
            let sql = format!(
                "INSERT INTO eo_responses (pseudonym, {}) VALUES {}",
                QUESTIONS.join(", "),
                rows.join(", ")
            );
            let answers: [&[&str]; 7] = [
                &["asian", "black", "mixed", "white", "other", "prefer_not"],
                &["female", "male", "prefer_not"],
                &["yes", "no", "prefer_not"],
                &["straight", "gay_lesbian", "bisexual", "other", "prefer_not"],
                &[
                    "none",
                    "christian",
                    "muslim",
                    "hindu",
                    "jewish",
                    "sikh",
                    "buddhist",
                    "other",
                    "prefer_not",
                ],
                &["yes", "no", "prefer_not"],
                &["16_24", "25_34", "35_44", "45_54", "55_64", "65_plus", "prefer_not"],
            ];
            on_conn!(tx.conn(), c => {
                let mut q = sqlx::query(sqlx::AssertSqlSafe(sql.as_str()));
                for &i in &eo_values {
                    q = q.bind(links[i].0.clone());
                    for (j, choices) in answers.iter().enumerate() {
                        q = q.bind(choices[pick(i, 10 + j, choices.len())]);
                    }
                }
                q.execute(&mut *c).await.map(|r| r.rows_affected())
            })?;
        }
        done += size;
    }
    tx.commit().await?;
    // The raw baseline's table: the link stored in the clear (which Shortlist never does).
    {
        let mut conn = db.acquire().await?;
        on_conn!(conn.conn(), c => sqlx::query(
            "CREATE TABLE bench_links (pseudonym BLOB PRIMARY KEY, step INTEGER, family INTEGER) WITHOUT ROWID")
            .execute(&mut *c).await.map(|r| r.rows_affected()))?;
        for chunk in links.chunks(1000) {
            let values: Vec<String> = (0..chunk.len())
                .map(|k| format!("(${}, ${}, ${})", k * 3 + 1, k * 3 + 2, k * 3 + 3))
                .collect();
            let sql = format!("INSERT INTO bench_links VALUES {}", values.join(", "));
            on_conn!(conn.conn(), c => {
                let mut q = sqlx::query(sqlx::AssertSqlSafe(sql.as_str()));
                for (p, step, family) in chunk {
                    q = q.bind(p.clone()).bind(i64::try_from(*step).unwrap_or(0)).bind(i64::try_from(*family).unwrap_or(0));
                }
                q.execute(&mut *c).await.map(|r| r.rows_affected())
            })?;
        }
        on_conn!(conn.conn(), c => sqlx::query("ANALYZE").execute(&mut *c).await.map(|r| r.rows_affected()))?;
    }
    drop(links);
    println!("seeded in {:.1} s", seeded.elapsed().as_secs_f64());

    // The tallies, built once from the answers (as the first start after migration 18 does).
    let started = Instant::now();
    let now = t("2026-11-24T12:00:00Z");
    assert!(server::reports::build_tallies(&db, &pseudonyms, now).await?);
    println!(
        "tallies built once from the answers (scope, pseudonyms, one pass, sealing): {:.0} ms",
        ms(started)
    );
    {
        // The tallies count every application once, whatever the question.
        let mut conn = db.acquire().await?;
        let all = server::monitoring::tallied(conn.conn(), &pseudonyms, 2026, |_| 0, 1).await?;
        assert_eq!(all.applications(None), n as u64);
    }

    let reports =
        server::reports::StoreReports::new(db.clone(), pseudonyms.clone(), Policy::default());
    let filter = DiversityFilter { year: 2026, family: None };
    let viewer = StaffId::from_uuid(Uuid::new_v4());
    let mut report_ms = Vec::new();
    let mut raw_ms = Vec::new();
    for _ in 0..3 {
        let started = Instant::now();
        let page = reports.diversity(viewer, &filter, "page", now).await;
        report_ms.push(ms(started));
        let page = page.map_err(|e| anyhow::anyhow!("{e}"))?;
        assert_eq!(page.report.tables.len(), 7);

        let started = Instant::now();
        let mut conn = db.acquire().await?;
        let mut cells = 0;
        for q in QUESTIONS {
            let sql = format!(
                "SELECT e.{q}, l.step, l.family, COUNT(*) FROM eo_responses e \
                 JOIN bench_links l ON l.pseudonym = e.pseudonym GROUP BY 1, 2, 3"
            );
            let rows: Vec<(Option<String>, i64, i64, i64)> = on_conn!(conn.conn(), c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).fetch_all(&mut *c).await)?;
            cells += rows.len();
        }
        raw_ms.push(ms(started));
        assert!(cells > 0);
    }
    // What keeping the tallies costs a send: counting one application in its own write
    // transaction, against the same transaction with one trivial update instead.
    let sends: u32 = 1_000;
    let answers = app::domain::monitoring::Monitoring {
        sex: Some("female".to_owned()),
        age_band: Some("35_44".to_owned()),
        ..Default::default()
    };
    let mut counted_ms = Vec::new();
    let mut plain_ms = Vec::new();
    for _ in 0..3 {
        let started = Instant::now();
        for k in 0..sends {
            let mut tx = db.begin().await?;
            let id = app::domain::ApplicationId::from_uuid(Uuid::new_v4());
            let at = (vacancies[k as usize % 10], now);
            server::monitoring::count_sent(tx.conn(), &pseudonyms, id, &answers, at).await?;
            tx.commit().await?;
        }
        counted_ms.push(ms(started) / f64::from(sends));
        let started = Instant::now();
        for k in 0..sends {
            let mut tx = db.begin().await?;
            on_conn!(tx.conn(), c => sqlx::query("UPDATE vacancies SET updated_at = $1 WHERE id = $2")
                .bind(now).bind(vacancies[k as usize % 10]).execute(&mut *c).await.map(|r| r.rows_affected()))?;
            tx.commit().await?;
        }
        plain_ms.push(ms(started) / f64::from(sends));
    }
    let (counted, plain) = (median(counted_ms), median(plain_ms));
    println!(
        "a send's tally (read, open, count, seal, write, in a write transaction): {:.0} µs; \
         the same transaction with one plain update: {:.0} µs; added per send: {:.0} µs",
        counted * 1000.0,
        plain * 1000.0,
        (counted - plain) * 1000.0
    );
    let (report, raw) = (median(report_ms), median(raw_ms));
    println!(
        "report (the year's sealed tallies opened and added up, 7 questions × 11 tables, protection, audit): {report:.1} ms"
    );
    println!(
        "raw GROUP BY (link stored in the clear, 7 joins + GROUP BY, no protection): {raw:.0} ms"
    );
    println!("report ÷ raw: {:.4}×", report / raw);
    Ok(())
}
