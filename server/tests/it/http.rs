//! The whole application over HTTP, started in-process on port 0.

use super::conformance::vacancy;
use super::helpers::{Kind, TestApp};
use server::db::vacancies::{self, Status};

async fn seed(app: &TestApp) {
    let now = "2026-11-23T09:00:00Z".parse().unwrap();
    server::seed::seed_demo(&app.db, now).await.unwrap();
}

#[tokio::test]
async fn health_reports_database_and_storage() {
    let app = TestApp::spawn(Kind::Sqlite).await;
    let res = app.get("/healthz").await;
    assert_eq!(res.status(), 200);
    let body: serde_json::Value = serde_json::from_str(&res.text().await.unwrap()).unwrap();
    assert_eq!(body, serde_json::json!({"status": "ok", "database": "ok", "storage": "ok"}));
}

#[tokio::test]
async fn health_says_unavailable_when_the_database_is_gone() {
    let app = TestApp::spawn(Kind::Sqlite).await;
    app.db.close().await;
    let res = app.get("/healthz").await;
    assert_eq!(res.status(), 503);
    let body = res.text().await.unwrap();
    assert!(body.contains("\"database\":\"unavailable\""), "{body}");
    assert!(!body.to_lowercase().contains("pool"), "cause leaked: {body}");
}

async fn careers_page_lists_seeded_vacancies(kind: Kind) {
    let app = TestApp::spawn(kind).await;
    seed(&app).await;
    let mut tx = app.db.begin().await.unwrap();
    vacancies::insert(tx.conn(), &vacancy("Secret draft", Status::Draft, "2026-12-20T12:00:00Z"))
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let res = app.get("/").await;
    assert_eq!(res.status(), 200);
    let html = res.text().await.unwrap();
    for title in
        ["Senior Data Protection Officer", "Recruitment Coordinator", "Software Developer (Rust)"]
    {
        assert!(html.contains(title), "{title} missing");
    }
    assert!(!html.contains("Secret draft"));
    assert!(html.contains("3 vacancies"));
    assert!(html.contains("Northwind Borough Council"));
    assert!(html.contains("£48,000 to £56,000 a year"));
    assert!(html.contains("<title>Current vacancies – Shortlist</title>"), "title");
    // Rendered in full on the server (no streamed <template> that needs JavaScript).
    assert!(!html.contains("Loading vacancies"), "page was streamed, not rendered");
}

#[tokio::test]
async fn careers_page_lists_seeded_vacancies_on_sqlite() {
    careers_page_lists_seeded_vacancies(Kind::Sqlite).await;
}

#[tokio::test]
async fn careers_page_lists_seeded_vacancies_on_postgres() {
    careers_page_lists_seeded_vacancies(Kind::Postgres).await;
}

#[tokio::test]
async fn an_empty_careers_page_says_so() {
    let app = TestApp::spawn(Kind::Sqlite).await;
    let html = app.get("/").await.text().await.unwrap();
    assert!(html.contains("There are no vacancies open at the moment"));
}

#[tokio::test]
async fn vacancies_leave_the_careers_page_when_they_close() {
    let app = TestApp::spawn(Kind::Sqlite).await;
    seed(&app).await;
    // The recruitment coordinator post closes 14 days after seeding, at 23:59.
    app.clock.set("2026-12-07T23:58:59Z");
    assert!(app.get("/").await.text().await.unwrap().contains("Recruitment Coordinator"));
    app.clock.set("2026-12-07T23:59:00Z");
    let html = app.get("/").await.text().await.unwrap();
    assert!(!html.contains("Recruitment Coordinator"));
    assert!(html.contains("2 vacancies"));
    let page = app.get("/vacancies/5e1ec7ed-0000-4000-8000-000000000002").await;
    assert_eq!(page.status(), 200);
    assert!(page.text().await.unwrap().contains("It is no longer accepting applications"));
}

#[tokio::test]
async fn vacancy_page_shows_the_advert() {
    let app = TestApp::spawn(Kind::Sqlite).await;
    seed(&app).await;
    let res = app.get("/vacancies/5e1ec7ed-0000-4000-8000-000000000001").await;
    assert_eq!(res.status(), 200);
    let html = res.text().await.unwrap();
    assert!(html.contains("<h1 class=\"heading-xl\">Senior Data Protection Officer</h1>"));
    assert!(html.contains("Applications close on"));
    // Seeded 23 November 2026; this post closes 28 days later at 23:59 (GMT in winter).
    assert!(html.contains("21 December 2026 at 11:59pm"), "closing date in UK time");
    assert!(
        html.contains("You will be the organisation&#x27;s expert")
            || html.contains("You will be the organisation's expert")
    );
}

#[tokio::test]
async fn unknown_malformed_and_draft_vacancies_are_not_found() {
    let app = TestApp::spawn(Kind::Sqlite).await;
    let draft = vacancy("Draft role", Status::Draft, "2026-12-20T12:00:00Z");
    let mut tx = app.db.begin().await.unwrap();
    vacancies::insert(tx.conn(), &draft).await.unwrap();
    tx.commit().await.unwrap();
    for path in [
        format!("/vacancies/{}", uuid::Uuid::new_v4()),
        format!("/vacancies/{}", draft.id),
        "/vacancies/not-an-id".to_owned(),
        "/vacancies/%3Cscript%3E".to_owned(),
        "/no/such/page".to_owned(),
    ] {
        let res = app.get(&path).await;
        assert_eq!(res.status(), 404, "{path}");
        let html = res.text().await.unwrap();
        assert!(html.contains("Page not found"), "{path}");
        assert!(!html.contains("Draft role"), "{path}");
        assert!(!html.contains("<script>"), "{path}");
    }
}

#[tokio::test]
async fn markup_in_vacancy_text_is_escaped() {
    let app = TestApp::spawn(Kind::Sqlite).await;
    let mut v = vacancy("<img src=x onerror=alert(1)>", Status::Published, "2026-12-20T12:00:00Z");
    v.summary = "<script>alert('summary')</script>".to_owned();
    let mut tx = app.db.begin().await.unwrap();
    vacancies::insert(tx.conn(), &v).await.unwrap();
    tx.commit().await.unwrap();
    let html = app.get("/").await.text().await.unwrap();
    assert!(!html.contains("<img src=x"), "title rendered as markup");
    assert!(html.contains("&lt;img src=x onerror=alert(1)&gt;"));
    assert!(!html.contains("<script>alert('summary')</script>"));
}

#[tokio::test]
async fn pages_carry_security_headers_and_a_nonce_csp() {
    let app = TestApp::spawn(Kind::Sqlite).await;
    let res = app.get("/").await;
    let h = res.headers().clone();
    let csp = h["content-security-policy"].to_str().unwrap().to_owned();
    assert!(csp.contains("frame-ancestors 'none'"));
    assert!(!csp.contains("unsafe-inline"));
    let nonce = csp.split("'nonce-").nth(1).and_then(|s| s.split('\'').next()).unwrap().to_owned();
    assert!(nonce.len() >= 16, "nonce too short: {nonce}");
    let html = res.text().await.unwrap();
    assert!(html.contains(&format!("nonce=\"{nonce}\"")), "inline scripts lack the CSP nonce");
    assert_eq!(h["x-content-type-options"], "nosniff");
    assert_eq!(h["referrer-policy"], "same-origin");
    assert_eq!(h["x-frame-options"], "DENY");
    assert_eq!(h["cache-control"], "no-store");
    assert!(h.get("strict-transport-security").is_none(), "HSTS over plain HTTP");
    // Each response has its own nonce.
    let again = app.get("/").await;
    assert_ne!(again.headers()["content-security-policy"].to_str().unwrap(), csp);
}

#[tokio::test]
async fn non_page_responses_get_the_strict_default_policy() {
    let app = TestApp::spawn(Kind::Sqlite).await;
    let res = app.get("/healthz").await;
    assert_eq!(
        res.headers()["content-security-policy"],
        "default-src 'none'; frame-ancestors 'none'; base-uri 'none'"
    );
}

#[tokio::test]
async fn hsts_is_sent_when_served_over_tls() {
    let app =
        TestApp::spawn_with(Kind::Sqlite, &[("SHORTLIST_PUBLIC_URL", "https://jobs.example.org")])
            .await;
    let res = app.get("/healthz").await;
    assert!(res.headers()["strict-transport-security"].to_str().unwrap().contains("max-age="));
}

#[tokio::test]
async fn server_functions_answer_json() {
    let app = TestApp::spawn(Kind::Sqlite).await;
    seed(&app).await;
    let res = app.post("/api/careers", "").await;
    assert_eq!(res.status(), 200);
    let body: serde_json::Value = serde_json::from_str(&res.text().await.unwrap()).unwrap();
    assert_eq!(body["organisation"], "Northwind Borough Council");
    assert_eq!(body["vacancies"].as_array().unwrap().len(), 3);
}

#[tokio::test]
async fn server_function_errors_never_reveal_internal_causes() {
    let app = TestApp::spawn(Kind::Sqlite).await;
    // Break the schema under the running app.
    let mut conn = app.db.acquire().await.unwrap();
    server::db::on_conn!(conn.conn(), c => sqlx::query("DROP TABLE vacancies").execute(&mut *c).await.map(|r| r.rows_affected())).unwrap();
    let res = app.post("/api/careers", "").await;
    assert!(res.status().is_server_error(), "status {}", res.status());
    let body = res.text().await.unwrap();
    assert!(body.contains("Internal"), "{body}");
    assert!(!body.contains("vacancies") && !body.contains("no such table"), "cause leaked: {body}");
    // The page shows the generic message, with a 500.
    let page = app.get("/").await;
    assert_eq!(page.status(), 500);
    let html = page.text().await.unwrap();
    assert!(html.contains("Sorry, there is a problem with the service"));
    assert!(!html.contains("no such table"));
}

#[tokio::test]
async fn a_vacancy_id_that_is_not_an_id_is_not_found_over_the_api() {
    let app = TestApp::spawn(Kind::Sqlite).await;
    let res = app.post("/api/vacancy", "id=%3Cscript%3E").await;
    let body = res.text().await.unwrap();
    assert!(body.contains("NotFound"), "{body}");
}

/// `serve` stops on a signal: the server future completes without error, the database pool is
/// closed and the port no longer answers.
#[tokio::test]
async fn stops_cleanly_when_asked_to_shut_down() {
    use super::helpers::{TestDb, test_config};
    let test_db = TestDb::new(Kind::Sqlite).await;
    let data = tempfile::tempdir().unwrap();
    let app = server::startup::Application::build(test_config(&test_db.url, data.path(), &[]))
        .await
        .unwrap();
    let url = format!("http://{}/healthz", app.address());
    let db = app.database();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let serving = tokio::spawn(app.run_until(async move {
        let _ = stopped.await;
    }));
    let client = reqwest::Client::new();
    assert_eq!(client.get(&url).send().await.unwrap().status(), 200);

    stop.send(()).unwrap();
    serving.await.unwrap().expect("server stops without error");
    assert!(db.ping().await.is_err(), "database pool closed on shutdown");
    assert!(reqwest::Client::new().get(&url).send().await.is_err(), "port closed");
}

/// CSRF: a POST (server function or form) must come from Shortlist's own pages; the refusal
/// changes nothing and says why. Safe methods are never refused.
#[tokio::test]
async fn state_changing_requests_from_other_sites_are_refused() {
    let app = TestApp::spawn(Kind::Sqlite).await;
    seed(&app).await;
    let url = format!("{}/api/careers", app.base);
    let post = |headers: &[(&str, &str)]| {
        let mut req = app
            .client
            .post(&url)
            .header("content-type", "application/x-www-form-urlencoded")
            .header("accept", "application/json");
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        req.send()
    };
    let own = app.base.as_str();
    for refused in [
        vec![],
        vec![("origin", "https://evil.example")],
        vec![("origin", "null")],
        vec![("origin", own), ("sec-fetch-site", "cross-site")],
        vec![("sec-fetch-site", "same-site")],
    ] {
        let res = post(&refused).await.unwrap();
        assert_eq!(res.status(), 403, "{refused:?}");
        assert!(res.text().await.unwrap().contains("did not come from a Shortlist page"));
    }
    for allowed in [vec![("origin", own)], vec![("sec-fetch-site", "same-origin")]] {
        let res = post(&allowed).await.unwrap();
        assert_eq!(res.status(), 200, "{allowed:?}");
    }
    // Reading needs no proof of origin.
    assert_eq!(app.get("/").await.status(), 200);
}
