//! Reports from outside: the funnel's totals for a period are the same before and after its
//! applications are purged; the diversity funnel never shows, in its page, its server
//! function's answer or its CSV, a count below the threshold, and nothing in it leads to an
//! application; a scope smaller than the threshold is refused; every run is audit-logged with
//! its filter. The diversity funnel's tallies follow candidates as they move, are sealed in
//! the database, build once from the answers held, and lose a person's answers when the purge
//! takes them. Both backends.

use super::applicant::Applicant;
use super::applying::EO_MARKER;
use super::helpers::{Kind, TestApp};
use super::retention::{purge_as_of, reject, withdraw_consent};
use super::selection::{Person, Team, call, move_to, page};
use app::domain::{monitoring::Monitoring, reports::Step};
use serde_json::Value;
use server::db::on_conn;

async fn funnel_json(app: &TestApp, who: &Person) -> Value {
    let (status, body) =
        call(app, who, "staff-report-funnel", "from=2026-01&to=2026-12&vacancy=&family=&location=")
            .await;
    assert_eq!(status, 200, "{body}");
    serde_json::from_str(&body).unwrap()
}

/// What a funnel report says, without the count of purged applications (which changes).
fn totals(v: &Value) -> Value {
    let r = &v["report"];
    serde_json::json!({
        "total": r["total"],
        "steps": r["steps"].as_array().unwrap().iter()
            .map(|s| (s["reached"].clone(), s["stopped_here"].clone(), s["median_days"].clone()))
            .collect::<Vec<_>>(),
        "reasons": r["reasons"],
        "sources": r["sources"],
        "median_days_to_hire": r["median_days_to_hire"],
    })
}

async fn audit_details(app: &TestApp, action: &str) -> Vec<String> {
    let mut conn = app.db.acquire().await.unwrap();
    let rows: Vec<(Option<String>,)> = on_conn!(conn.conn(), c => sqlx::query_as(
        "SELECT details FROM audit_log WHERE action = $1 ORDER BY id").bind(action).fetch_all(&mut *c).await)
    .unwrap();
    rows.into_iter().filter_map(|r| r.0).collect()
}

async fn funnel_totals_survive_the_purge(kind: Kind) {
    let app = TestApp::spawn(kind).await;
    let mut t = Team::new(&app).await;
    let mut ids = Vec::new();
    for i in 0..7 {
        ids.push(t.apply(&format!("Funnel Person {i}"), &format!("funnel{i}@example.com")).await);
    }
    // Five move on to the sift; four days later three of them are rejected and take back their
    // reserve-list consent, so six months after the decision they are purged. Their four days
    // in the sift are the only times the report has: its medians rest on them.
    for id in ids[..2].iter().chain(&ids[4..]) {
        move_to(&t, id, "sift").await;
    }
    t.later("2026-11-27T09:30:00Z").await;
    for id in &ids[4..] {
        reject(&t, id).await;
        withdraw_consent(&app, id, "2026-11-27T10:00:00Z").await;
    }
    let before = funnel_json(&app, &t.hr).await;
    assert_eq!(before["report"]["total"], 7);
    assert_eq!(before["report"]["purged"], 0);
    let steps = before["report"]["steps"].as_array().unwrap();
    let reached: Vec<u64> = steps.iter().map(|s| s["reached"].as_u64().unwrap()).collect();
    assert_eq!(reached, [7, 5, 0, 0, 0]);
    assert_eq!(steps[1]["median_days"], 4, "{steps:?}");
    assert_eq!(before["report"]["reasons"][0][1], 3);

    let counts = purge_as_of(&app, "2027-07-01T00:00:00Z").await;
    assert_eq!(counts.applications, 3, "the three rejected applications are purged");
    let after = funnel_json(&app, &t.hr).await;
    assert_eq!(after["report"]["purged"], 3, "counted through their anonymised facts");
    assert_eq!(totals(&before), totals(&after), "the period's totals do not change");

    // The CSV says the same, and the auditor may run it too.
    let auditor = super::selection::person(
        &app,
        "auditor@example.org",
        Some(app::domain::access::OrgRole::Auditor),
    )
    .await;
    let (status, csv) =
        page(&app, &auditor, "/staff/reports/funnel.csv?from=2026-01&to=2026-12").await;
    assert_eq!(status, 200);
    assert!(csv.contains("\"Applied\",7,"), "{csv}");
    assert!(csv.contains("\"Sifted\",5,71,"), "{csv}");
    // The hiring manager may not.
    let (status, _) = page(&app, &t.hm, "/staff/reports/funnel.csv").await;
    assert_eq!(status, 403);

    let logged = audit_details(&app, "report.funnel").await;
    assert_eq!(logged.len(), 3, "{logged:?}");
    assert!(logged.iter().all(|d| d.contains("applied 2026-01 to 2026-12")), "{logged:?}");
    assert!(logged.last().unwrap().starts_with("csv: "));
}

#[tokio::test]
async fn funnel_totals_survive_the_purge_on_sqlite() {
    funnel_totals_survive_the_purge(Kind::Sqlite).await;
}

#[tokio::test]
async fn funnel_totals_survive_the_purge_on_postgres() {
    funnel_totals_survive_the_purge(Kind::Postgres).await;
}

/// Every figure in a published table (JSON) is either hidden or at least the threshold.
fn shown_counts(v: &Value) -> Vec<u64> {
    let mut out = Vec::new();
    for t in v["report"]["tables"].as_array().unwrap() {
        for f in t["figures"]["figures"].as_array().unwrap() {
            if let Some(n) = f.get("Shown") {
                out.push(n.as_u64().unwrap());
            }
        }
    }
    out
}

async fn diversity_never_shows_a_small_count(kind: Kind) {
    let app = TestApp::spawn(kind).await;
    let t = Team::new(&app).await;
    let mut people = Vec::new();
    for i in 0..14 {
        let (name, email) = (format!("Diverse Person {i}"), format!("diverse{i}@example.com"));
        // Eleven say female, three male (a count below the threshold, in a row whose total
        // would give it away if nothing else were hidden): answers stored as the monitoring
        // page stores them, before the application is sent.
        let a = Applicant::start(&app, t.vacancy).await;
        a.fill(&name, &email).await;
        let answers = Monitoring {
            sex: Some(if i < 3 { "male" } else { "female" }.to_owned()),
            ethnic_group: Some("white".to_owned()),
            ..Monitoring::default()
        };
        let mut conn = app.db.acquire().await.unwrap();
        let p = app.pseudonyms.pseudonym(a.id.parse().unwrap());
        server::monitoring::store(conn.conn(), &p, &answers).await.unwrap();
        drop(conn);
        a.send().await;
        people.push((a.id.clone(), name, email));
    }
    for (id, _, _) in &people[..4] {
        move_to(&t, id, "sift").await;
    }
    let (status, body) = call(&app, &t.hr, "staff-report-diversity", "year=2026&family=").await;
    assert_eq!(status, 200, "{body}");
    let json: Value = serde_json::from_str(&body).unwrap();
    let shown = shown_counts(&json);
    assert!(!shown.is_empty(), "something is published: {body}");
    assert!(shown.iter().all(|n| *n >= 10), "a count below 10 is shown: {shown:?}");
    assert_eq!(row_figures(&json, "Sex", "Male")[5], serde_json::json!({"FewerThan": 10}));
    // Nothing leads to an application: no id, name, email or free-text answer anywhere.
    for (id, name, email) in &people {
        for needle in [id, name, email] {
            assert!(!body.contains(needle.as_str()), "the report names {needle}");
        }
    }
    assert!(!body.contains(EO_MARKER));

    // The page and the CSV: every number in a diversity table cell is at least 10 (or a share).
    let (status, html) = page(&app, &t.hr, "/staff/reports/diversity?year=2026").await;
    assert_eq!(status, 200);
    assert!(html.contains("fewer than 10"), "{html}");
    assert!(html.contains("<svg"), "a chart drawn on the server");
    for cell in html.split("<td class=\"table__cell--numeric\">").skip(1) {
        let text = &cell[..cell.find("</td>").unwrap()];
        if let Ok(n) = text.parse::<u64>() {
            assert!(n >= 10, "the page shows {n}");
        }
    }
    let (status, csv) = page(&app, &t.hr, "/staff/reports/diversity.csv?year=2026").await;
    assert_eq!(status, 200);
    assert!(csv.contains("\"fewer than 10\""), "{csv}");
    for field in csv.split([',', '\n']) {
        if let Ok(n) = field.trim().trim_matches('"').parse::<u64>() {
            assert!(n >= 10 || field.contains('%'), "the CSV shows {n}: {csv}");
        }
    }
    // Narrowed to the vacancy's job family (every application here; the part without a family
    // is empty and must not hide anything): the same figures as the whole organisation.
    {
        let mut conn = app.db.acquire().await.unwrap();
        on_conn!(conn.conn(), c => sqlx::query("UPDATE vacancies SET job_family = 'Finance' WHERE id = $1")
            .bind(t.vacancy).execute(&mut *c).await.map(|r| r.rows_affected())).unwrap();
    }
    let (status, family) =
        call(&app, &t.hr, "staff-report-diversity", "year=2026&family=Finance").await;
    assert_eq!(status, 200, "{family}");
    let family: Value = serde_json::from_str(&family).unwrap();
    for (a, b) in family["report"]["tables"]
        .as_array()
        .unwrap()
        .iter()
        .zip(json["report"]["tables"].as_array().unwrap())
    {
        assert_eq!(a["figures"], b["figures"], "{}", a["question"]);
    }
    // A year with fewer applications than the threshold is refused, with the reason.
    let (status, body) = call(&app, &t.hr, "staff-report-diversity", "year=2025&family=").await;
    assert_eq!(status, 422, "{body}");
    assert!(body.contains("Fewer than 10 applications match"), "{body}");
    let (status, body) =
        call(&app, &t.hr, "staff-report-diversity", "year=2026&family=Nonsense").await;
    assert_eq!(status, 422, "{body}");
    // Hiring managers and panel members never see it.
    for who in [&t.hm, &t.panel] {
        let (status, _) = call(&app, who, "staff-report-diversity", "year=2026&family=").await;
        assert_eq!(status, 403);
    }
    let logged = audit_details(&app, "report.diversity").await;
    assert_eq!(logged.len(), 4, "server function, page, CSV, family: {logged:?}");
    assert!(logged[..3].iter().all(|d| d.contains("applied in 2026; whole organisation")));
    assert!(logged[3].ends_with("applied in 2026; job family Finance"), "{logged:?}");
}

#[tokio::test]
async fn diversity_never_shows_a_small_count_on_sqlite() {
    diversity_never_shows_a_small_count(Kind::Sqlite).await;
}

#[tokio::test]
async fn diversity_never_shows_a_small_count_on_postgres() {
    diversity_never_shows_a_small_count(Kind::Postgres).await;
}

/// One question's published table in a diversity report (JSON).
fn question_table<'a>(report: &'a Value, question: &str) -> &'a Value {
    report["report"]["tables"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["question"] == question)
        .unwrap()
}

/// The figures of one row of a published diversity table (JSON), furthest step by step, and
/// the row's total.
fn row_figures(report: &Value, question: &str, category: &str) -> Vec<Value> {
    let table = question_table(report, question);
    let row = table["categories"].as_array().unwrap().iter().position(|c| c == category).unwrap();
    let cols = Step::ALL.len() + 1;
    table["figures"]["figures"].as_array().unwrap()[row * cols..(row + 1) * cols].to_vec()
}

async fn diversity_json(app: &TestApp, who: &Person) -> Value {
    let (status, body) = call(app, who, "staff-report-diversity", "year=2026&family=").await;
    assert_eq!(status, 200, "{body}");
    serde_json::from_str(&body).unwrap()
}

async fn tallies_follow_moves_stay_sealed_and_leave_with_the_purge(kind: Kind) {
    // Exact figures: perturbation off (it has its own test below).
    let app = TestApp::spawn_with(kind, &[("SHORTLIST_REPORT_PERTURBATION", "false")]).await;
    let mut t = Team::new(&app).await;
    // Twenty applicants give the same answers (white, sex "prefer not to say", 35 to 44); ten
    // move to the sift, so every published count is ten or none.
    let mut ids = Vec::new();
    for i in 0..20 {
        ids.push(t.apply(&format!("Tally Person {i}"), &format!("tally{i}@example.com")).await);
    }
    for id in &ids[..10] {
        move_to(&t, id, "sift").await;
    }
    // A move back and forth within the sift's reach takes nobody further.
    move_to(&t, &ids[0], "applied").await;
    move_to(&t, &ids[0], "sift").await;
    // Ten got no further than Applied, ten reached the sift (zeros are shown as "fewer than
    // 10" like any small count, and the row's total is then withheld).
    let ten = serde_json::json!({"Shown": 10});
    let few = serde_json::json!({"FewerThan": 10});
    let withheld = serde_json::json!("Withheld");
    let expected = vec![ten.clone(), ten.clone(), few.clone(), few.clone(), few.clone(), withheld];
    let before = diversity_json(&app, &t.hr).await;
    assert_eq!(row_figures(&before, "Ethnic group", "White"), expected, "{before}");
    assert_eq!(row_figures(&before, "Sex", "Prefer not to say"), expected);
    assert_eq!(row_figures(&before, "Religion or belief", "Not answered"), expected);

    // Sealed: no answer, pseudonym or application id can be read from the tallies' rows.
    let (tallies, built) = match kind {
        Kind::Sqlite => ("eo_tallies", "eo_tallies_built"),
        Kind::Postgres => ("eo.tallies", "eo.tallies_built"),
    };
    let mut conn = app.db.acquire().await.unwrap();
    let sql = format!("SELECT year, vacancy_id, sealed FROM {tallies}");
    let rows: Vec<(i32, uuid::Uuid, Option<Vec<u8>>)> = on_conn!(conn.conn(), c =>
        sqlx::query_as(sqlx::AssertSqlSafe(sql)).fetch_all(&mut *c).await)
    .unwrap();
    assert_eq!(rows.len(), 1, "one row: this vacancy, this year");
    assert_eq!((rows[0].0, rows[0].1), (2026, t.vacancy));
    let sealed = rows[0].2.clone().unwrap();
    for needle in ["white", "prefer_not", "35_44", "sex", "ethnic_group"] {
        assert!(!sealed.windows(needle.len()).any(|w| w == needle.as_bytes()), "{needle} readable");
    }
    for id in &ids {
        let uuid: uuid::Uuid = id.parse().unwrap();
        let p = app.pseudonyms.pseudonym(app::domain::ApplicationId::from_uuid(uuid));
        assert!(!sealed.windows(16).any(|w| w == uuid.as_bytes() || w == &p[..16]));
    }

    // Built again from the answers held (as the first start after the tallies' migration
    // does): the same figures, and a second build adds nothing.
    for table in [tallies, built] {
        let sql = format!("DELETE FROM {table}");
        on_conn!(conn.conn(), c => sqlx::query(sqlx::AssertSqlSafe(sql)).execute(&mut *c).await.map(|_| ())).unwrap();
    }
    drop(conn);
    let now = "2026-11-24T12:00:00Z".parse().unwrap();
    assert!(server::reports::build_tallies(&app.db, &app.pseudonyms, now).await.unwrap());
    assert!(!server::reports::build_tallies(&app.db, &app.pseudonyms, now).await.unwrap());
    let rebuilt = diversity_json(&app, &t.hr).await;
    assert_eq!(rebuilt["report"]["tables"], before["report"]["tables"]);

    // The ten still at Applied are rejected and purged six months on: their answers go, and
    // so do their counts — the ten at the sift are all that is left of the year.
    t.later("2026-11-27T09:30:00Z").await;
    for id in &ids[10..] {
        reject(&t, id).await;
        withdraw_consent(&app, id, "2026-11-27T10:00:00Z").await;
    }
    let counts = purge_as_of(&app, "2027-07-01T00:00:00Z").await;
    assert_eq!(counts.applications, 10);
    let answers = match kind {
        Kind::Sqlite => "SELECT COUNT(*) FROM eo_responses",
        Kind::Postgres => "SELECT COUNT(*) FROM eo.responses",
    };
    assert_eq!(super::applicant::count(&app, answers).await, 10);
    t.later("2027-07-01T09:00:00Z").await;
    let after = diversity_json(&app, &t.hr).await;
    for (question, category) in [("Ethnic group", "White"), ("Age", "35 to 44")] {
        let row = row_figures(&after, question, category);
        assert_eq!(row[..5], [few.clone(), ten.clone(), few.clone(), few.clone(), few.clone()]);
    }
    // Purging the rest leaves nothing counted at all: the year is refused as too small.
    t.later("2027-07-02T09:30:00Z").await;
    for id in &ids[..10] {
        reject(&t, id).await;
        withdraw_consent(&app, id, "2027-07-02T10:00:00Z").await;
    }
    assert_eq!(purge_as_of(&app, "2028-02-01T00:00:00Z").await.applications, 10);
    let mut conn = app.db.acquire().await.unwrap();
    let all =
        server::monitoring::tallied(conn.conn(), &app.pseudonyms, 2026, |_| 0, 1).await.unwrap();
    assert_eq!(all.applications(None), 0);
    drop(conn);
    t.later("2028-02-01T09:00:00Z").await;
    let (status, body) = call(&app, &t.hr, "staff-report-diversity", "year=2026&family=").await;
    assert_eq!(status, 422, "{body}");
}

/// With perturbation on (the default), every shown figure is its count moved by at most 2 and
/// never below the threshold, picked by the record keys of the people counted in it; the same
/// on every run; suppression is as without it; the note says so.
#[tokio::test]
async fn perturbed_figures_stay_near_their_counts_and_the_same_on_every_run() {
    use app::domain::disclosure::{Counts, Policy, protect_table};
    // The lowest threshold, so that no change is hidden by the floor at the threshold.
    let app = TestApp::spawn_with(Kind::Sqlite, &[("SHORTLIST_REPORT_THRESHOLD", "3")]).await;
    let t = Team::new(&app).await;
    // 20 say "White"; 10 of them move to the sift (the shape whose two cells are shown).
    let mut keys = [0u8; 2];
    for i in 0..20 {
        let id = t.apply(&format!("Noisy Person {i}"), &format!("noisy{i}@example.com")).await;
        if i < 10 {
            move_to(&t, &id, "sift").await;
        }
        let record =
            app.pseudonyms.record_key(app::domain::ApplicationId::from_uuid(id.parse().unwrap()));
        keys[usize::from(i < 10)] = keys[usize::from(i < 10)].wrapping_add(record);
    }
    let first = diversity_json(&app, &t.hr).await;
    let second = diversity_json(&app, &t.hr).await;
    assert_eq!(first["report"]["tables"], second["report"]["tables"], "the same on every run");
    assert_eq!(first["report"]["perturbed"], true);
    let (_, html) = page(&app, &t.hr, "/staff/reports/diversity?year=2026").await;
    assert!(html.contains("may differ from the true count by up to 2"), "the note says so");

    let exact = Policy::new(3, false).unwrap();
    let on = exact.perturbing(true);
    // Each question's table is the one disclosure control makes of two keyed cells: the ten
    // at Applied and the ten at the sift, each with its people's record keys added up.
    for (question, category) in [
        ("Ethnic group", "White"),
        ("Sex", "Prefer not to say"),
        ("Age", "35 to 44"),
        ("Religion or belief", "Not answered"),
    ] {
        let table = question_table(&first, question);
        let categories = table["categories"].as_array().unwrap();
        let row = categories.iter().position(|c| c == category).unwrap();
        let mut counts = Counts::new(categories.len(), Step::ALL.len());
        counts.add_keyed(row, 0, 10, keys[0]);
        counts.add_keyed(row, 1, 10, keys[1]);
        let expected = protect_table(&counts, &on).whole;
        assert_eq!(table["figures"], serde_json::to_value(&expected).unwrap(), "{question}");
    }

    // Against the exact figures: near, never below the threshold, the same suppression.
    let tables = |policy| {
        let app = &app;
        async move {
            let mut conn = app.db.acquire().await.unwrap();
            server::monitoring::tallied(conn.conn(), &app.pseudonyms, 2026, |_| 0, 1)
                .await
                .unwrap()
                .protect(&policy)
        }
    };
    let (plain, noisy) = (tables(exact).await, tables(on).await);
    for (p, n) in plain.iter().zip(&noisy) {
        for i in 0..=p.whole.rows() {
            for j in 0..=p.whole.cols() {
                let (a, b) = (p.whole.figure(i, j), n.whole.figure(i, j));
                match (a.shown(), b.shown()) {
                    (Some(a), Some(b)) => assert!(b >= 3 && a.abs_diff(b) <= 2, "{a} as {b}"),
                    (None, None) => assert_eq!(a, b, "the same suppression"),
                    _ => panic!("shown in one and hidden in the other: {a:?} {b:?}"),
                }
            }
        }
    }
}

/// A changed monitoring key stops the server at start, with the reason, instead of failing
/// every send once the tallies cannot be opened. (Each test configuration has its own master
/// key, from which development derives the monitoring key.)
#[tokio::test]
async fn a_changed_monitoring_key_is_refused_at_start() {
    let app = TestApp::spawn(Kind::Sqlite).await;
    let t = Team::new(&app).await;
    t.apply("Key Person", "key@example.com").await;
    let data = tempfile::tempdir().unwrap();
    let config = super::helpers::test_config(&app.db_url, data.path(), &[]);
    let Err(err) = server::startup::Application::build(config).await else {
        panic!("started with another monitoring key");
    };
    assert!(format!("{err:#}").contains("SHORTLIST_EO_KEY is not the key"), "{err:#}");
}

#[tokio::test]
async fn tallies_follow_moves_stay_sealed_and_leave_with_the_purge_on_sqlite() {
    tallies_follow_moves_stay_sealed_and_leave_with_the_purge(Kind::Sqlite).await;
}

#[tokio::test]
async fn tallies_follow_moves_stay_sealed_and_leave_with_the_purge_on_postgres() {
    tallies_follow_moves_stay_sealed_and_leave_with_the_purge(Kind::Postgres).await;
}
