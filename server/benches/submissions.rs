//! Load benchmark: application submissions per second on SQLite, with a 100 KB PDF.
//!
//! Starts the whole application in-process (SQLite file, documents in a local folder, mail to
//! `.eml` files — the development defaults), then drives it over HTTP from many concurrent
//! applicants in the same process:
//!
//! 1. **baseline** — `GET /healthz` (one trivial database query) as fast as it will go: what
//!    the HTTP stack and the pool cost on this machine, measured in the same run;
//! 2. **submissions** — applicants whose drafts are already filled in send their CV (a 100 KB
//!    PDF: sniffed, encrypted, stored) and then their application (the conditional send, the
//!    receipt and portal link stored with it): the two requests that make a submission;
//! 3. **journeys** — the whole journey, start to send, 12 requests per application;
//! 4. **transport** — the same two requests of a submission, byte for byte, sent to a bare
//!    axum server in the same process that reads the upload to the end and answers as
//!    Shortlist does: what HTTP alone costs a submission on this machine, the floor under it.
//!
//! Prints throughput and p50/p99 latencies for each, and ratios against the baseline.
//! Run: `cargo bench -p server --bench submissions` (optionally `-- <applicants> <concurrency>`).
//! It is not a test: figures go in docs/PERFORMANCE.md, never into an assertion.

use server::config::Config;
use server::startup::Application;
use std::collections::HashMap;
use std::time::{Duration, Instant};

/// The demo vacancy with three criteria (`server seed-demo`).
const VACANCY: &str = "5e1ec7ed-0000-4000-8000-000000000001";
const BOUNDARY: &str = "shortlist-bench-boundary";

/// A valid PDF of about 100 KB: one page and a stream of filler.
fn pdf_100k() -> Vec<u8> {
    let mut filler = String::with_capacity(100 * 1024);
    let mut x: u32 = 0x9e37_79b9;
    while filler.len() < 100 * 1024 - 400 {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        filler.push(char::from(b'A' + u8::try_from(x % 26).unwrap_or(0)));
        if filler.len() % 80 == 79 {
            filler.push('\n');
        }
    }
    format!(
        "%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n\
         3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]/Contents 4 0 R>>endobj\n\
         4 0 obj<</Length {}>>stream\n{filler}\nendstream endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n",
        filler.len()
    )
    .into_bytes()
}

fn form(pairs: &[(&str, &str)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| {
            let k: String = url::form_urlencoded::byte_serialize(k.as_bytes()).collect();
            let v: String = url::form_urlencoded::byte_serialize(v.as_bytes()).collect();
            format!("{k}={v}")
        })
        .collect::<Vec<_>>()
        .join("&")
}

struct Client {
    http: reqwest::Client,
    base: String,
    /// An earliest start date the form accepts (next year).
    next_year: String,
}

/// One applicant's draft: its id and cookie.
struct Draft {
    id: String,
    cookie: String,
}

impl Client {
    async fn post(
        &self,
        path: &str,
        cookie: Option<&str>,
        content_type: &str,
        body: Vec<u8>,
    ) -> reqwest::Response {
        let mut req = self
            .http
            .post(format!("{}{path}", self.base))
            .header("content-type", content_type)
            .header("accept", "application/json")
            .header("origin", &self.base)
            .body(body);
        if let Some(c) = cookie {
            req = req.header("cookie", c);
        }
        let res = req.send().await.expect("request");
        if res.status().as_u16() >= 400 {
            panic!("{path}: {} {}", res.status(), res.text().await.unwrap_or_default());
        }
        res
    }

    async fn start(&self) -> Draft {
        let res = self
            .post(
                "/api/apply-start",
                None,
                "application/x-www-form-urlencoded",
                format!("vacancy={VACANCY}").into_bytes(),
            )
            .await;
        let location = res.headers()["location"].to_str().expect("location").to_owned();
        let cookie = res.headers()["set-cookie"]
            .to_str()
            .expect("cookie")
            .split(';')
            .next()
            .unwrap_or_default()
            .to_owned();
        let id = location.trim_start_matches("/apply/").trim_end_matches("/about-you").to_owned();
        Draft { id, cookie }
    }

    async fn page(&self, d: &Draft, endpoint: &str, pairs: &[(&str, &str)]) {
        let mut all = vec![("application", d.id.as_str())];
        all.extend_from_slice(pairs);
        let res = self
            .post(
                &format!("/api/{endpoint}"),
                Some(&d.cookie),
                "application/x-www-form-urlencoded",
                form(&all).into_bytes(),
            )
            .await;
        let ok = res.headers().contains_key("location");
        assert!(ok, "{endpoint}: {}", res.text().await.unwrap_or_default());
    }

    /// Every page but the CV and the send.
    async fn fill(&self, d: &Draft, n: usize) {
        let email = format!("applicant{n}@example.org");
        self.page(
            d,
            "apply-about-you",
            &[("full_name", "Bench Applicant"), ("email", &email), ("contact_method", "email")],
        )
        .await;
        self.page(
            d,
            "apply-eligibility",
            &[
                ("right_to_work", "yes"),
                ("notice_period", "1 month"),
                ("start_day", "1"),
                ("start_month", "3"),
                ("start_year", &self.next_year),
            ],
        )
        .await;
        self.page(
            d,
            "apply-answers",
            &[
                ("answers[0]", "Evidence one."),
                ("answers[1]", "Evidence two."),
                ("answers[2]", "Evidence three."),
            ],
        )
        .await;
        self.page(d, "apply-source", &[("source", "job_board")]).await;
        self.page(d, "apply-adjustments", &[("adjustments_needed", "no")]).await;
        self.page(d, "apply-reserve-list", &[("reserve_list", "yes")]).await;
        self.page(d, "apply-monitoring", &[("sex", "prefer_not")]).await;
    }

    /// The two requests of a submission: the CV with the statement, then the send.
    async fn submit(&self, d: &Draft, pdf: &[u8]) {
        let body = upload_body(d, pdf);
        let res = self
            .post(
                "/api/apply-cv",
                Some(&d.cookie),
                &format!("multipart/form-data; boundary={BOUNDARY}"),
                body,
            )
            .await;
        assert!(
            res.headers().contains_key("location"),
            "apply-cv: {}",
            res.text().await.unwrap_or_default()
        );
        self.page(d, "apply-submit", &[("declaration", "yes")]).await;
    }
}

/// The multipart body of the CV page: the draft, a statement and the PDF.
fn upload_body(d: &Draft, pdf: &[u8]) -> Vec<u8> {
    let mut body = Vec::with_capacity(pdf.len() + 1024);
    for (name, value) in
        [("application", d.id.as_str()), ("covering_statement", "A statement for the benchmark.")]
    {
        body.extend_from_slice(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    body.extend_from_slice(
        format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"cv\"; filename=\"cv.pdf\"\r\nContent-Type: application/pdf\r\n\r\n")
            .as_bytes(),
    );
    body.extend_from_slice(pdf);
    body.extend_from_slice(format!("\r\n--{BOUNDARY}--\r\n").as_bytes());
    body
}

/// A bare HTTP server with the two routes of a submission and no application behind them:
/// the upload is read to its end and both answer with a redirect, as Shortlist's do.
async fn bare_server() -> anyhow::Result<(String, tokio::sync::oneshot::Sender<()>)> {
    use axum::{http::StatusCode, routing::post};
    use futures::StreamExt as _;
    let app = axum::Router::new()
        .route(
            "/api/apply-cv",
            post(|body: axum::body::Body| async move {
                let mut stream = body.into_data_stream();
                let mut n = 0usize;
                while let Some(Ok(piece)) = stream.next().await {
                    n += piece.len();
                }
                (StatusCode::SEE_OTHER, [("location", "/apply/x/answers")], n.to_string())
            }),
        )
        .route(
            "/api/apply-submit",
            post(|_: String| async { (StatusCode::SEE_OTHER, [("location", "/apply/x/sent")]) }),
        );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(async move {
        let _ = axum::serve(listener, app)
            .with_graceful_shutdown(async move {
                let _ = stopped.await;
            })
            .await;
    });
    Ok((base, stop))
}

/// Latency figures of one phase.
struct Phase {
    name: &'static str,
    count: usize,
    elapsed: Duration,
    latencies: Vec<Duration>,
}

impl Phase {
    fn per_second(&self) -> f64 {
        self.count as f64 / self.elapsed.as_secs_f64()
    }
    fn quantile(&self, q: f64) -> Duration {
        let mut l = self.latencies.clone();
        l.sort();
        let i = ((l.len() as f64 - 1.0) * q).round() as usize;
        l.get(i).copied().unwrap_or_default()
    }
    fn print(&self, baseline: Option<&Self>) {
        let ratio = baseline.map_or_else(String::new, |b| {
            format!(
                "  ({:.1}× slower per operation than the baseline request)",
                b.per_second() / self.per_second()
            )
        });
        println!(
            "{:<12} {:>7} in {:>6.2} s = {:>8.1}/s   p50 {:>7.2} ms   p99 {:>7.2} ms{ratio}",
            self.name,
            self.count,
            self.elapsed.as_secs_f64(),
            self.per_second(),
            self.quantile(0.5).as_secs_f64() * 1e3,
            self.quantile(0.99).as_secs_f64() * 1e3,
        );
    }
}

/// Runs `total` operations from `concurrency` workers; `op(i)` is one operation.
async fn run<F, Fut>(name: &'static str, total: usize, concurrency: usize, op: F) -> Phase
where
    F: Fn(usize) -> Fut + Clone + Send + 'static,
    Fut: std::future::Future<Output = ()> + Send,
{
    let next = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let started = Instant::now();
    let mut workers = Vec::new();
    for _ in 0..concurrency {
        let (next, op) = (next.clone(), op.clone());
        workers.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                if i >= total {
                    break latencies;
                }
                let t = Instant::now();
                op(i).await;
                latencies.push(t.elapsed());
            }
        }));
    }
    let mut latencies = Vec::with_capacity(total);
    for w in workers {
        latencies.extend(w.await.expect("worker"));
    }
    Phase { name, count: total, elapsed: started.elapsed(), latencies }
}

fn main() -> anyhow::Result<()> {
    let args: Vec<usize> = std::env::args().skip(1).filter_map(|a| a.parse().ok()).collect();
    let applicants = args.first().copied().unwrap_or(2000);
    let concurrency = args.get(1).copied().unwrap_or(32);
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    runtime.block_on(async move {
        let data = tempfile::tempdir()?;
        let key = |_: ()| {
            use base64::Engine as _;
            base64::engine::general_purpose::STANDARD.encode(server::documents::random_bytes::<32>())
        };
        let env: HashMap<String, String> = [
            ("SHORTLIST_LISTEN".to_owned(), "127.0.0.1:0".to_owned()),
            ("SHORTLIST_DATA_DIR".to_owned(), data.path().display().to_string()),
            ("SHORTLIST_MASTER_KEY".to_owned(), key(())),
            ("SHORTLIST_COOKIE_SECRET".to_owned(), key(())),
            ("SHORTLIST_LOG".to_owned(), "error".to_owned()),
        ]
        .into_iter()
        // Settings to compare (e.g. SHORTLIST_DATABASE_MAX_CONNECTIONS) pass through, and a
        // log filter to study one run (`SHORTLIST_LOG=sqlx::query=debug … -- 1 1` lists every
        // statement a submission runs).
        .chain(std::env::vars().filter(|(k, _)| {
            k == "SHORTLIST_DATABASE_MAX_CONNECTIONS" || k == "SHORTLIST_LOG"
        }))
        .collect();
        let config = Config::from_sources(None, &env)?;
        if std::env::var_os("SHORTLIST_LOG").is_some() {
            server::telemetry::init(&config);
        }
        let app = Application::build(config).await?;
        server::seed::seed_demo(&app.database(), chrono::Utc::now()).await?;
        let base = format!("http://{}", app.address());
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let served = tokio::spawn(app.run_until(async move {
            let _ = stopped.await;
        }));
        let client = std::sync::Arc::new(Client {
            http: reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build()?,
            base,
            next_year: (chrono::Datelike::year(&chrono::Utc::now()) + 1).to_string(),
        });
        let pdf = std::sync::Arc::new(pdf_100k());
        println!(
            "Shortlist load benchmark: SQLite, {} byte PDF, {applicants} applicants, {concurrency} at once, {} CPUs",
            pdf.len(),
            std::thread::available_parallelism().map_or(0, std::num::NonZero::get)
        );

        let c = client.clone();
        let baseline = run("baseline", applicants * 2, concurrency, move |_| {
            let c = c.clone();
            async move {
                let res = c.http.get(format!("{}/healthz", c.base)).send().await.expect("healthz");
                assert!(res.status().is_success());
            }
        })
        .await;

        // Drafts filled in up to the CV (not measured), then the submissions (measured).
        let drafts = std::sync::Arc::new(tokio::sync::Mutex::new(Vec::with_capacity(applicants)));
        let (c, d) = (client.clone(), drafts.clone());
        run("preparing", applicants, concurrency, move |i| {
            let (c, d) = (c.clone(), d.clone());
            async move {
                let draft = c.start().await;
                c.fill(&draft, i).await;
                d.lock().await.push(draft);
            }
        })
        .await;
        let drafts: std::sync::Arc<Vec<Draft>> = std::sync::Arc::new(std::mem::take(&mut *drafts.lock().await));
        let (c, p, d) = (client.clone(), pdf.clone(), drafts.clone());
        let submissions = run("submissions", applicants, concurrency, move |i| {
            let (c, p, d) = (c.clone(), p.clone(), d.clone());
            async move { c.submit(&d[i], &p).await }
        })
        .await;

        let journeys_n = applicants / 4;
        let (c, p) = (client.clone(), pdf.clone());
        let journeys = run("journeys", journeys_n, concurrency, move |i| {
            let (c, p) = (c.clone(), p.clone());
            async move {
                let draft = c.start().await;
                c.fill(&draft, 1_000_000 + i).await;
                c.submit(&draft, &p).await;
            }
        })
        .await;

        let (bare, bare_stop) = bare_server().await?;
        let bare = std::sync::Arc::new(Client {
            http: client.http.clone(),
            base: bare,
            next_year: client.next_year.clone(),
        });
        let (c, p, d) = (bare.clone(), pdf.clone(), drafts.clone());
        let transport = run("transport", applicants, concurrency, move |i| {
            let (c, p, d) = (c.clone(), p.clone(), d.clone());
            async move { c.submit(&d[i], &p).await }
        })
        .await;
        let _ = bare_stop.send(());

        println!();
        baseline.print(None);
        submissions.print(Some(&baseline));
        journeys.print(Some(&baseline));
        transport.print(Some(&baseline));
        println!(
            "\nsubmissions reach {:.0}% of the rate HTTP alone allows the same two requests",
            100.0 * submissions.per_second() / transport.per_second()
        );
        println!(
            "submission = CV upload ({} B, sniffed, encrypted, stored) + send; journey = 12 requests, start to send; \
             transport = the submission's two requests to a server that only reads them",
            pdf.len()
        );
        let _ = stop.send(());
        served.await??;
        anyhow::Ok(())
    })
}
