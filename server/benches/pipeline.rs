//! Benchmark: the pipeline board of a vacancy with 2,000 applications, rendered server-side.
//!
//! Starts the whole application in-process on SQLite (the development defaults), puts 2,000
//! sent applications on one vacancy (a quarter moved to Sift, a tenth rejected, every third
//! one scored by the viewer and a colleague), signs a hiring manager in, then requests, one
//! at a time (latency, not throughput):
//!
//! 1. **baseline** — `GET /healthz` (one trivial query): the HTTP stack's cost in this run;
//! 2. **board** — `GET /staff/vacancies/{id}/candidates`: the whole page, every stage column;
//! 3. **stage list** — `GET …/candidates?stage=applied`: one stage, first page of 100;
//! 4. **sorted by score** — `GET …/candidates?sort=score&ended=yes`.
//!
//! Prints p50/p90/p99 for each and the medians' ratios to the baseline.
//! Run: `cargo bench -p server --bench pipeline` (optionally `-- <applications> <requests>`).
//! Not a test: figures go in docs/PERFORMANCE.md, never into an assertion.

use app::domain::{StaffId, VacancyId, access::VacancyRole};
use server::config::Config;
use server::db::{Database, on_conn, staff};
use server::startup::Application;
use std::collections::HashMap;
use std::time::{Duration, Instant};
use uuid::Uuid;

/// The demo vacancy (`server seed-demo`).
const VACANCY: &str = "5e1ec7ed-0000-4000-8000-000000000001";

fn key() -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(server::documents::random_bytes::<32>())
}

async fn person(
    db: &Database,
    email: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> anyhow::Result<StaffId> {
    let id = StaffId::from_uuid(Uuid::new_v4());
    let record = staff::StaffRecord {
        id,
        email: email.to_owned(),
        display_name: "Bench Manager".to_owned(),
        password_hash: None,
        org_role: None,
        created_at: now,
        deactivated_at: None,
    };
    let mut conn = db.acquire().await?;
    staff::insert(conn.conn(), &record).await?;
    staff::assign(conn.conn(), id, VACANCY.parse::<VacancyId>()?, VacancyRole::HiringManager)
        .await?;
    Ok(id)
}

/// Puts `n` sent applications on the demo vacancy, with some moves, rejections and scores.
async fn applications(
    db: &Database,
    n: usize,
    scorers: [StaffId; 2],
    now: chrono::DateTime<chrono::Utc>,
) -> anyhow::Result<()> {
    let vacancy: Uuid = VACANCY.parse()?;
    let mut tx = db.begin().await?;
    for i in 1..=n {
        let id = Uuid::new_v4();
        let number = i32::try_from(i)?;
        let stage = if i % 4 == 0 { "sift" } else { "applied" };
        let outcome = (i % 10 == 0).then_some("rejected");
        on_conn!(tx.conn(), c => sqlx::query(
            "INSERT INTO applications (id, vacancy_id, status, reference, draft_token, full_name, email, \
             created_at, updated_at, submitted_at, declared_at, stage, candidate_number, outcome, decided_at) \
             VALUES ($1, $2, 'submitted', $3, $4, $5, $6, $7, $7, $7, $7, $8, $9, $10, $11)")
            .bind(id).bind(vacancy).bind(format!("SL-{:04}-BNCH", i % 10_000)).bind(id.as_bytes().to_vec())
            .bind(format!("Applicant {i}")).bind(format!("applicant{i}@example.com")).bind(now)
            .bind(stage).bind(number).bind(outcome).bind(outcome.map(|_| now))
            .execute(&mut *c).await.map(|r| r.rows_affected()))?;
        if i % 3 == 0 {
            for (k, scorer) in scorers.iter().enumerate() {
                let total = 300 + i32::try_from((i + k) % 400)?;
                on_conn!(tx.conn(), c => sqlx::query(
                    "INSERT INTO score_sheets (application_id, scorer, submitted_at, total) VALUES ($1, $2, $3, $4)")
                    .bind(id).bind(scorer.as_uuid()).bind(now).bind(total)
                    .execute(&mut *c).await.map(|r| r.rows_affected()))?;
            }
        }
    }
    on_conn!(tx.conn(), c => sqlx::query("UPDATE vacancies SET candidates_sent = $1 WHERE id = $2")
        .bind(i32::try_from(n)?).bind(vacancy).execute(&mut *c).await.map(|r| r.rows_affected()))?;
    tx.commit().await?;
    Ok(())
}

struct Timings {
    name: &'static str,
    samples: Vec<Duration>,
    bytes: usize,
}

impl Timings {
    fn at(&self, q: f64) -> Duration {
        let mut s = self.samples.clone();
        s.sort();
        let i = ((s.len() as f64 - 1.0) * q).round() as usize;
        s[i]
    }

    fn print(&self, baseline: Option<&Self>) {
        let ms = |d: Duration| d.as_secs_f64() * 1000.0;
        let ratio = baseline.map_or_else(String::new, |b| {
            format!("  ({:.1}× baseline median)", ms(self.at(0.5)) / ms(b.at(0.5)))
        });
        println!(
            "{:<16} p50 {:>7.2} ms  p90 {:>7.2} ms  p99 {:>7.2} ms  {:>8} B{ratio}",
            self.name,
            ms(self.at(0.5)),
            ms(self.at(0.9)),
            ms(self.at(0.99)),
            self.bytes
        );
    }
}

async fn time(
    http: &reqwest::Client,
    name: &'static str,
    url: &str,
    cookie: Option<&str>,
    requests: usize,
) -> anyhow::Result<Timings> {
    let mut samples = Vec::with_capacity(requests);
    let mut bytes = 0;
    // Two warm-up requests (caches, the pool), not counted.
    for round in 0..requests + 2 {
        let mut req = http.get(url).header("accept", "text/html");
        if let Some(c) = cookie {
            req = req.header("cookie", c);
        }
        let started = Instant::now();
        let res = req.send().await?;
        anyhow::ensure!(res.status().is_success(), "{name}: {}", res.status());
        let body = res.bytes().await?;
        if round >= 2 {
            samples.push(started.elapsed());
        }
        bytes = body.len();
    }
    Ok(Timings { name, samples, bytes })
}

fn main() -> anyhow::Result<()> {
    let args: Vec<usize> = std::env::args().skip(1).filter_map(|a| a.parse().ok()).collect();
    let n = args.first().copied().unwrap_or(2000);
    let requests = args.get(1).copied().unwrap_or(200);
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    runtime.block_on(async move {
        let data = tempfile::tempdir()?;
        let env: HashMap<String, String> = [
            ("SHORTLIST_LISTEN".to_owned(), "127.0.0.1:0".to_owned()),
            ("SHORTLIST_DATA_DIR".to_owned(), data.path().display().to_string()),
            ("SHORTLIST_MASTER_KEY".to_owned(), key()),
            ("SHORTLIST_COOKIE_SECRET".to_owned(), key()),
            ("SHORTLIST_LOG".to_owned(), "error".to_owned()),
        ]
        .into_iter()
        .collect();
        let app = Application::build(Config::from_sources(None, &env)?).await?;
        let db = app.database();
        let now = chrono::Utc::now();
        server::seed::seed_demo(&db, now).await?;
        let manager = person(&db, "manager@example.org", now).await?;
        let colleague = person(&db, "colleague@example.org", now).await?;
        applications(&db, n, [manager, colleague], now).await?;
        let token = server::auth::sessions::start(&db, manager, None, now).await?;
        let cookie = format!("shortlist-session={}", token.expose());
        let base = format!("http://{}", app.address());
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let served = tokio::spawn(app.run_until(async move {
            let _ = stopped.await;
        }));
        let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build()?;
        println!(
            "Shortlist pipeline benchmark: SQLite, {n} applications on one vacancy, {requests} requests each, one at a time, {} CPUs",
            std::thread::available_parallelism().map_or(0, std::num::NonZero::get)
        );
        let board = format!("{base}/staff/vacancies/{VACANCY}/candidates");
        let baseline = time(&http, "baseline", &format!("{base}/healthz"), None, requests).await?;
        let whole = time(&http, "board", &board, Some(&cookie), requests).await?;
        let stage = time(&http, "stage list", &format!("{board}?stage=applied"), Some(&cookie), requests).await?;
        let sorted = time(&http, "sorted by score", &format!("{board}?sort=score&ended=yes"), Some(&cookie), requests).await?;
        println!();
        baseline.print(None);
        whole.print(Some(&baseline));
        stage.print(Some(&baseline));
        sorted.print(Some(&baseline));
        let _ = stop.send(());
        served.await??;
        anyhow::Ok(())
    })
}
