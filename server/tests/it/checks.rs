//! Pre-employment checks and the hand-over of hires from outside, as HR's browser does it, on
//! both backends: checks only from the offer stage and only for HR (the hiring manager, the
//! panel and the auditor never see or change them); bad input refused with nothing stored; the
//! evidence judged by content and encrypted; the hire export matching the documented schema
//! (docs/hire-export-v1.schema.json) and carrying nothing from selection or monitoring; the
//! hand-over starting the hired retention rule; the DBS minimisation rule run by the purge; and
//! the purge leaving nothing of the checks behind.

use super::applicant::{PDF, count};
use super::applying::EO_MARKER;
use super::helpers::{Kind, TestApp};
use super::retention::{at, objects_under, purge_as_of, search};
use super::selection::{Person, Team, move_to, page, person, post, version};
use super::signin::get_with;
use app::domain::access::OrgRole;
use serde_json::Value;

const NUMBER: &str = "001234567890";

/// Sift, interview, offer.
async fn to_offer(t: &Team<'_>, id: &str) {
    for stage in ["sift", "interview", "offer"] {
        move_to(t, id, stage).await;
    }
}

/// Offer accepted, checks, hired.
async fn to_hired(t: &Team<'_>, id: &str) {
    let v = version(t.app, &t.hm, id).await;
    let to = post(
        t.app,
        &t.hm,
        &format!("/staff/candidates/{id}/offer"),
        &[("version", &v), ("response", "accepted")],
    )
    .await;
    assert!(to.ends_with("?done=offer"), "{to}");
    move_to(t, id, "pre_employment_checks").await;
    move_to(t, id, "hired").await;
}

pub(super) fn dbs_form(
    number: &str,
    outcome: &str,
    information: &str,
) -> Vec<(&'static str, String)> {
    vec![
        ("dbs_level", "enhanced".into()),
        ("dbs_number", number.into()),
        ("dbs_issued_day", "2".into()),
        ("dbs_issued_month", "11".into()),
        ("dbs_issued_year", "2026".into()),
        ("dbs_outcome", outcome.into()),
        ("dbs_information", information.into()),
    ]
}

pub(super) async fn post_dbs(
    t: &Team<'_>,
    who: &Person,
    id: &str,
    form: &[(&'static str, String)],
) -> String {
    let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    post(t.app, who, &format!("/staff/candidates/{id}/dbs"), &pairs).await
}

/// Posts the right-to-work form as multipart, with an evidence file if given; returns the
/// status and where it sent the browser.
pub(super) async fn post_rtw(
    app: &TestApp,
    who: &Person,
    id: &str,
    fields: &[(&str, &str)],
    file: Option<(&str, &[u8])>,
) -> (u16, String) {
    let boundary = "----shortlist-checks-boundary";
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    let (name, bytes) = file.unwrap_or(("", b""));
    body.extend_from_slice(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"rtw_document\"; filename=\"{name}\"\r\n\
             Content-Type: application/octet-stream\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let res = app
        .client
        .post(format!("{}/staff/candidates/{id}/right-to-work", app.base))
        .header("content-type", format!("multipart/form-data; boundary={boundary}"))
        .header("origin", &app.base)
        .header("cookie", format!("shortlist-session={}", who.token))
        .body(body)
        .send()
        .await
        .unwrap();
    let status = res.status().as_u16();
    let to =
        res.headers().get("location").map(|l| l.to_str().unwrap().to_owned()).unwrap_or_default();
    (status, to)
}

pub(super) const RTW: &[(&str, &str)] = &[
    ("rtw_type", "manual"),
    ("rtw_checked_day", "20"),
    ("rtw_checked_month", "11"),
    ("rtw_checked_year", "2026"),
    ("rtw_outcome", "time_limited"),
    ("rtw_expires_day", "31"),
    ("rtw_expires_month", "3"),
    ("rtw_expires_year", "2028"),
];

/// A tiny JSON Schema checker for the keywords the hire schema uses: `type` (one or a list),
/// `const`, `enum`, `required`, `properties`, `additionalProperties: false`, `pattern` (the
/// two used, checked by hand) and `format` `date`/`date-time`/`uuid`.
fn check(schema: &Value, value: &Value, at: &str, problems: &mut Vec<String>) {
    let kind = |v: &Value| match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    };
    if let Some(t) = schema.get("type") {
        let allowed: Vec<&str> = match t {
            Value::String(s) => vec![s.as_str()],
            Value::Array(a) => a.iter().filter_map(Value::as_str).collect(),
            _ => vec![],
        };
        if !allowed.contains(&kind(value)) {
            problems.push(format!("{at}: {} is not {allowed:?}", kind(value)));
            return;
        }
    }
    if let Some(c) = schema.get("const")
        && c != value
    {
        problems.push(format!("{at}: not {c}"));
    }
    if let Some(Value::Array(options)) = schema.get("enum")
        && !options.contains(value)
    {
        problems.push(format!("{at}: {value} not in the enum"));
    }
    if let (Some(format), Value::String(s)) = (schema.get("format").and_then(Value::as_str), value)
    {
        let ok = match format {
            "date" => chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").is_ok(),
            "date-time" => chrono::DateTime::parse_from_rfc3339(s).is_ok(),
            "uuid" => s.parse::<uuid::Uuid>().is_ok(),
            _ => true,
        };
        if !ok {
            problems.push(format!("{at}: {s} is not a {format}"));
        }
    }
    if let (Some(pattern), Value::String(s)) =
        (schema.get("pattern").and_then(Value::as_str), value)
    {
        let ok = match pattern {
            "^[0-9]{12}$" => s.len() == 12 && s.chars().all(|c| c.is_ascii_digit()),
            "^SL-[0-9A-Z]{4}-[0-9A-Z]{4}$" => {
                s.len() == 12
                    && s.starts_with("SL-")
                    && s.chars().nth(7) == Some('-')
                    && s.chars().enumerate().all(|(i, c)| {
                        i < 3 || i == 7 || c.is_ascii_digit() || c.is_ascii_uppercase()
                    })
            }
            other => {
                problems.push(format!("{at}: the checker does not know the pattern {other}"));
                true
            }
        };
        if !ok {
            problems.push(format!("{at}: {s} does not match {pattern}"));
        }
    }
    if let Value::Object(fields) = value {
        let properties = schema.get("properties").and_then(Value::as_object);
        for name in schema.get("required").and_then(Value::as_array).into_iter().flatten() {
            let name = name.as_str().unwrap();
            if !fields.contains_key(name) {
                problems.push(format!("{at}.{name}: missing"));
            }
        }
        for (name, v) in fields {
            match properties.and_then(|p| p.get(name)) {
                Some(s) => check(s, v, &format!("{at}.{name}"), problems),
                None if schema.get("additionalProperties") == Some(&Value::Bool(false)) => {
                    problems.push(format!("{at}.{name}: not in the schema"));
                }
                None => {}
            }
        }
    }
}

fn schema() -> Value {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/hire-export-v1.schema.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

#[test]
fn the_schema_checker_catches_what_it_should() {
    let schema = schema();
    let mut problems = Vec::new();
    check(
        &schema,
        &serde_json::json!({"schema": "shortlist.hire/2", "extra": 1}),
        "$",
        &mut problems,
    );
    let text = problems.join("\n");
    for expected in
        ["$.schema: not", "$.extra: not in the schema", "$.vacancy: missing", "$.hired_at: missing"]
    {
        assert!(text.contains(expected), "{expected} in {text}");
    }
}

async fn checks_and_hand_over(kind: Kind) {
    let app = TestApp::spawn(kind).await;
    let t = Team::new(&app).await;
    let auditor = person(&app, "auditor@example.org", Some(OrgRole::Auditor)).await;
    // Everything happens on 23 November 2026 at 9am (the test clock; sessions stay fresh), so
    // the DBS rule and the hired rule both run from that day.
    {
        let mut conn = app.db.acquire().await.unwrap();
        server::db::on_conn!(conn.conn(), c => sqlx::query("UPDATE vacancies SET dbs_level = 'enhanced' WHERE id = $1")
            .bind(t.vacancy).execute(&mut *c).await.map(|r| r.rows_affected())).unwrap();
    }
    let ada = t.apply("Ada Quillfeather", "ada.quill@example.com").await;
    let base = format!("/staff/candidates/{ada}");
    let stored = |table: &'static str| {
        let app = &app;
        async move { count(app, &format!("SELECT COUNT(*) FROM {table}")).await }
    };

    // Before the offer: nothing to record, nothing shown.
    let to = post_dbs(&t, &t.hr, &ada, &dbs_form(NUMBER, "clear", "")).await;
    assert!(to.ends_with("?error=not_offer"), "{to}");
    let (_, html) = page(&app, &t.hr, &base).await;
    assert!(!html.contains("id=\"checks\""));
    to_offer(&t, &ada).await;

    // At the offer: HR alone sees and records checks.
    let (_, html) = page(&app, &t.hr, &base).await;
    assert!(
        html.contains("id=\"checks\"") && html.contains("This post needs: Enhanced DBS check.")
    );
    for who in [&t.hm, &t.panel, &auditor] {
        let (status, html) = page(&app, who, &base).await;
        assert!(!html.contains("id=\"checks\"") && !html.contains("right-to-work"), "{status}");
        let to = post_dbs(&t, who, &ada, &dbs_form(NUMBER, "clear", "")).await;
        assert!(to == "status 403" || to == "status 404", "{}: {to}", who.email);
        let (status, _) = post_rtw(&app, who, &ada, RTW, Some(("passport.pdf", PDF))).await;
        assert!(status == 403 || status == 404, "{}: {status}", who.email);
        for export in ["hire.json", "hire.csv", "right-to-work/evidence"] {
            let status =
                get_with(&app, &format!("{base}/{export}"), &who.token).await.status().as_u16();
            assert!(status == 403 || status == 404, "{}: {export} {status}", who.email);
        }
    }
    assert_eq!(stored("dbs_checks").await + stored("right_to_work_checks").await, 0);
    assert_eq!(objects_under(&app, &ada).await, 1, "only the CV");

    // Bad input: refused with its message, nothing stored.
    for (form, message) in [
        (dbs_form("12345", "clear", ""), "Certificate number must be 12 numbers"),
        (dbs_form(NUMBER, "suitable", "  "), "Enter what the certificate disclosed"),
        (dbs_form(NUMBER, "<script>", ""), "Select your decision"),
    ] {
        let to = post_dbs(&t, &t.hr, &ada, &form).await;
        assert!(to.ends_with("?error=form"), "{to}");
        let (_, html) = page(&app, &t.hr, &format!("{base}?error=form")).await;
        assert!(html.contains(message), "{message}");
        assert!(html.contains("<title>Error:"), "the title says there was an error");
    }
    let mut no_expiry = RTW.to_vec();
    no_expiry.retain(|(k, _)| !k.starts_with("rtw_expires"));
    let (_, to) = post_rtw(&app, &t.hr, &ada, &no_expiry, None).await;
    assert!(to.ends_with("?error=form"), "{to}");
    let elf = b"\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0\x02\0>\0\x01\0\0\0";
    let (_, to) = post_rtw(&app, &t.hr, &ada, RTW, Some(("passport.pdf", elf))).await;
    assert!(to.ends_with("?error=form"), "{to}");
    let (_, html) = page(&app, &t.hr, &format!("{base}?error=form")).await;
    assert!(html.contains("is a program, not a document"), "a disguised program is named as one");
    assert_eq!(stored("dbs_checks").await + stored("right_to_work_checks").await, 0);
    assert_eq!(objects_under(&app, &ada).await, 1, "a refused file leaves nothing");

    // Good input.
    let to = post_dbs(
        &t,
        &t.hr,
        &ada,
        &dbs_form("0012 3456 7890", "suitable", "A caution in 2009 <b>spent</b>"),
    )
    .await;
    assert!(to.ends_with("?done=dbs#checks"), "{to}");
    let (status, to) = post_rtw(&app, &t.hr, &ada, RTW, Some(("passport scan.pdf", PDF))).await;
    assert_eq!((status, to.ends_with("?done=right_to_work#checks")), (303, true), "{to}");
    assert_eq!(objects_under(&app, &ada).await, 2, "the CV and the evidence");
    let (_, html) = page(&app, &t.hr, &base).await;
    for shown in [
        NUMBER,
        "Right to work for a limited time",
        "31 March 2028",
        "passport scan.pdf",
        "A caution in 2009 &lt;b&gt;spent&lt;/b&gt;",
    ] {
        assert!(html.contains(shown), "{shown}");
    }
    let res = get_with(&app, &format!("{base}/right-to-work/evidence"), &t.hr.token).await;
    assert_eq!(res.status().as_u16(), 200);
    assert_eq!(res.bytes().await.unwrap().as_ref(), PDF, "decrypted byte for byte");
    // Recording again replaces the check and its evidence.
    let (_, to) = post_rtw(&app, &t.hr, &ada, RTW, Some(("second.pdf", PDF))).await;
    assert!(to.ends_with("?done=right_to_work#checks"), "{to}");
    assert_eq!(stored("right_to_work_checks").await, 1);
    assert_eq!(objects_under(&app, &ada).await, 2, "the replaced evidence is deleted");

    // Export and hand-over are for hires, and the hand-over follows an export.
    let res = get_with(&app, &format!("{base}/hire.json"), &t.hr.token).await;
    assert!(super::signin::location(&res).ends_with("?error=not_hired"));
    to_hired(&t, &ada).await;
    let to = post(&app, &t.hr, &format!("{base}/hand-over"), &[]).await;
    assert!(to.ends_with("?error=not_exported"), "{to}");
    let rule = || async {
        let mut conn = app.db.acquire().await.unwrap();
        server::db::retention::stored(conn.conn(), ada.parse().unwrap())
            .await
            .unwrap()
            .unwrap()
            .summary()
    };
    assert!(rule().await.contains("until handed to the HR system"), "{}", rule().await);

    let res = get_with(&app, &format!("{base}/hire.json"), &t.hr.token).await;
    assert_eq!(res.status().as_u16(), 200);
    assert!(res.headers()["content-disposition"].to_str().unwrap().starts_with("attachment"));
    let json: Value = serde_json::from_str(&res.text().await.unwrap()).unwrap();
    let mut problems = Vec::new();
    check(&schema(), &json, "$", &mut problems);
    assert!(problems.is_empty(), "{problems:#?}");
    assert_eq!(json["person"]["email"], "ada.quill@example.com");
    assert_eq!(json["dbs"]["certificate_number"], NUMBER);
    assert_eq!(json["dbs"]["level"], "enhanced");
    assert_eq!(json["right_to_work"]["expires_on"], "2028-03-31");
    let text = json.to_string();
    for never in [EO_MARKER, "A caution", "Payroll experience", "adjustment"] {
        assert!(!text.contains(never), "the export never carries {never}");
    }
    let res = get_with(&app, &format!("{base}/hire.csv"), &t.hr.token).await;
    assert_eq!(res.status().as_u16(), 200);
    let csv = res.text().await.unwrap();
    let header: Vec<String> =
        app::domain::checks::HIRE_CSV_COLUMNS.iter().map(|c| format!("\"{c}\"")).collect();
    assert!(csv.starts_with(&(header.join(",") + "\r\n")), "{csv}");
    assert!(csv.contains(&format!("\"{}\"", json["application_reference"].as_str().unwrap())));
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM audit_log WHERE action = 'hire.export' AND details IN ('JSON', 'CSV')").await,
        2
    );

    let to = post(&app, &t.hr, &format!("{base}/hand-over"), &[]).await;
    assert!(to.ends_with("?done=handed_over#checks"), "{to}");
    let to = post(&app, &t.hr, &format!("{base}/hand-over"), &[]).await;
    assert!(to.ends_with("?error=handed_over"), "once only: {to}");
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM audit_log WHERE action = 'hire.hand_over'").await,
        1
    );
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM applications WHERE retention_rule = 'hired'").await,
        1
    );
    let mut conn = app.db.acquire().await.unwrap();
    let stored_until =
        server::db::retention::stored(conn.conn(), ada.parse().unwrap()).await.unwrap().unwrap();
    drop(conn);
    assert!(
        format!("{stored_until:?}").contains("2027-05-23T09:00:00Z"),
        "6 months after the hand-over: {stored_until:?}"
    );
    let (_, html) = page(&app, &t.hr, &base).await;
    assert!(html.contains("Handed over on"));

    // The DBS details go six months after the decision (23 November 2026), not a day before;
    // the date, number and decision stay. Just after midnight on 23 May (1:30am UK summer
    // time) they are due, while the hire itself is kept until 9am.
    let dry = app.purger.plan(at("2027-05-23T00:30:00Z")).await.unwrap();
    assert_eq!((dry.dbs_minimise, dry.due.len()), (1, 0), "due on 23 May 2027 (UK date)");
    let early = app.purger.plan(at("2027-05-22T22:30:00Z")).await.unwrap();
    assert_eq!(early.dbs_minimise, 0, "still 22 May in the UK");
    let counts = purge_as_of(&app, "2027-05-22T22:30:00Z").await;
    assert_eq!(counts.dbs_minimised, 0);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM dbs_checks WHERE level IS NOT NULL").await, 1);
    let counts = purge_as_of(&app, "2027-05-23T00:30:00Z").await;
    assert_eq!((counts.dbs_minimised, counts.applications), (1, 0));
    assert_eq!(
        count(&app, &format!(
            "SELECT COUNT(*) FROM dbs_checks WHERE level IS NULL AND information IS NULL \
             AND minimised_at IS NOT NULL AND certificate_number = '{NUMBER}' AND outcome = 'suitable'"
        ))
        .await,
        1
    );
    let (_, html) = page(&app, &t.hr, &base).await;
    assert!(
        html.contains("Reduced to the date, certificate number and decision")
            && !html.contains("A caution")
    );
    assert_eq!(purge_as_of(&app, "2027-05-23T01:00:00Z").await.dbs_minimised, 0, "once");

    // Six months after the hand-over the hire is purged, checks and evidence with it.
    let counts = purge_as_of(&app, "2027-05-23T09:30:00Z").await;
    assert_eq!(counts.applications, 1);
    assert_eq!(stored("dbs_checks").await + stored("right_to_work_checks").await, 0);
    assert_eq!(objects_under(&app, &ada).await, 0);
    let needles: Vec<String> = [
        ada.clone(),
        "ada.quill@example.com".into(),
        "quillfeather".into(),
        NUMBER.into(),
        "second.pdf".into(),
    ]
    .into_iter()
    .collect();
    let hits = search(&app.db, &needles).await;
    assert!(hits.is_empty(), "left behind: {hits:#?}");
}

#[tokio::test]
async fn checks_and_hand_over_on_sqlite() {
    checks_and_hand_over(Kind::Sqlite).await;
}

#[tokio::test]
async fn checks_and_hand_over_on_postgres() {
    checks_and_hand_over(Kind::Postgres).await;
}

#[tokio::test]
async fn a_post_needing_no_dbs_check_refuses_one_and_ended_candidates_take_no_checks() {
    let app = TestApp::spawn(Kind::Sqlite).await;
    let t = Team::new(&app).await;
    let ada = t.apply("Ada Quillfeather", "ada.quill@example.com").await;
    to_offer(&t, &ada).await;
    let to = post_dbs(&t, &t.hr, &ada, &dbs_form(NUMBER, "clear", "")).await;
    assert!(to.ends_with("?error=no_dbs"), "{to}");
    let (_, html) = page(&app, &t.hr, &format!("/staff/candidates/{ada}")).await;
    assert!(html.contains("This post needs no criminal-record check."));
    super::retention::reject(&t, &ada).await;
    let (_, to) = post_rtw(&app, &t.hr, &ada, RTW, None).await;
    assert!(to.ends_with("?error=ended"), "{to}");
    let to = post(&app, &t.hr, &format!("/staff/candidates/{ada}/hand-over"), &[]).await;
    assert!(to.ends_with("?error=not_hired"), "{to}");
    assert_eq!(count(&app, "SELECT COUNT(*) FROM dbs_checks").await, 0);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM right_to_work_checks").await, 0);
    // Unknown and malformed ids look the same as a forbidden candidate.
    for id in [uuid::Uuid::new_v4().to_string(), "not-an-id".to_owned()] {
        let to = post_dbs(&t, &t.hr, &id, &dbs_form(NUMBER, "clear", "")).await;
        assert_eq!(to, "status 404");
    }
}
