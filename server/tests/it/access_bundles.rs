//! Access bundles and erasure on request from outside, on both backends.
//!
//! A candidate who touched every feature (the journey with a CV and monitoring answers,
//! scores, a note, an interview, the offer, a referee named in the portal, right-to-work
//! evidence, a DBS check, a portal correction) asks for their data: HR downloads the review
//! copy, releases it, and the candidate downloads it from the portal. The bundle is compared
//! with a search of every table: every place the search finds them is in the bundle, column
//! for column; their documents come back byte-identical; another candidate's data is never in
//! it; references are flagged as third-party data (and withheld from the self-service copy);
//! monitoring answers are in the person's copies and never in HR's.
//!
//! Erasure: under a legal hold it is refused with the reason recorded and nothing erased;
//! otherwise it leaves nothing a search can find, through the purge (an `erasure` run in the
//! purge log), and the register keeps only the minimum. From the portal: a clear explanation,
//! a confirmation, then the same.

use super::applicant::{PDF, count};
use super::applying::EO_MARKER;
use super::checks::{RTW, dbs_form, post_dbs, post_rtw};
use super::helpers::{Kind, TestApp};
use super::portal::{Holder, portal_path};
use super::retention::{needles, reference_of, search};
use super::selection::{Person, Team, mail_with, move_to, page, person, post};
use super::signin::get_with;
use app::domain::access::OrgRole;
use serde_json::Value;
use server::rights::zip::entries;

/// Right-to-work evidence: a plain-text record of the document seen.
const EVIDENCE: &[u8] = b"Passport seen in person on 20 November 2026; share code W7K 2QX 9PL.\n";

/// A candidate who touched every feature; returns their application id and portal browser.
async fn touched_everything<'a>(t: &Team<'a>, name: &str, email: &str) -> (String, Holder<'a>) {
    let app = t.app;
    let id = t.apply(name, email).await;
    let receipt = mail_with(app, email, "/portal/open/").await;
    let holder = Holder::open(app, &portal_path(&receipt)).await;
    let base = format!("/staff/candidates/{id}");
    super::retention::scored_noted_interviewed(t, &id, name).await;
    move_to(t, &id, "offer").await;
    let to = post(app, &t.hr, &format!("{base}/references/request"), &[("wanted", "1")]).await;
    assert!(to.contains("done=references_requested"), "{to}");
    let (status, _, body) = holder
        .call(
            "portal-referee",
            &[
                ("application", &id),
                ("referee_name", "Rowan Ashdown"),
                ("referee_email", "rowan.ashdown@example.org"),
                ("relationship", "My line manager"),
                ("organisation", "Leeds Records Office"),
                ("consent", "yes"),
            ],
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let (status, to) = post_rtw(app, &t.hr, &id, RTW, Some(("passport.txt", EVIDENCE))).await;
    assert!(status == 303 && to.contains("done="), "{status} {to}");
    // The post needs an enhanced criminal-record check (as a vacancy editor would set it).
    let vacancy: uuid::Uuid = t.vacancy.to_string().parse().unwrap();
    server::db::on_conn!(app.db.acquire().await.unwrap().conn(), c => sqlx::query(
        "UPDATE vacancies SET dbs_level = 'enhanced' WHERE id = $1").bind(vacancy)
        .execute(&mut *c).await.map(|r| r.rows_affected()))
    .unwrap();
    let to = post_dbs(t, &t.hr, &id, &dbs_form("001234567890", "clear", "")).await;
    assert!(to.contains("done="), "{to}");
    let (status, _, body) = holder
        .call(
            "portal-contact",
            &[
                ("full_name", name),
                ("preferred_name", ""),
                ("email", email),
                ("phone", "07700 900123"),
                ("contact_method", "email"),
            ],
        )
        .await;
    assert_eq!(status, 200, "{body}");
    (id, holder)
}

/// The ZIP's entries; panics if it is not a readable archive.
fn unzip(bytes: &[u8]) -> Vec<(String, Vec<u8>)> {
    entries(bytes).expect("a readable ZIP archive")
}

fn file<'e>(zip: &'e [(String, Vec<u8>)], name: &str) -> &'e [u8] {
    zip.iter()
        .find(|(n, _)| n == name)
        .map(|(_, b)| b.as_slice())
        .unwrap_or_else(|| panic!("{name} in {:?}", zip.iter().map(|(n, _)| n).collect::<Vec<_>>()))
}

/// The bundle sections a table's rows may be in.
fn sections_for(table: &str) -> Vec<&str> {
    match table.trim_start_matches("public.") {
        "eo_responses" | "eo.responses" => vec!["equal_opportunities"],
        "mail_outbox" => vec!["mail_outbox", "mail_to_others", "mail_to_you"],
        "audit_log" => vec!["audit_log", "rights_audit"],
        other => vec![other],
    }
}

/// Every search hit (`table.column contains needle`) that the bundle's records do not show.
fn missing_from(records: &Value, hits: &[String]) -> Vec<String> {
    hits.iter()
        .filter(|hit| {
            let (place, needle) = hit.split_once(" contains ").unwrap();
            let (table, column) = place.rsplit_once('.').unwrap();
            let found = sections_for(table).iter().any(|s| {
                records[*s].as_array().is_some_and(|rows| {
                    rows.iter().any(|row| {
                        let v = match &row[column] {
                            Value::String(s) => s.to_lowercase(),
                            other => other.to_string().to_lowercase(),
                        };
                        v.contains(needle) || v.replace('-', "").contains(needle)
                    })
                })
            });
            !found
        })
        .cloned()
        .collect()
}

/// HR logs a request of `kind` for `email`; returns the entry's id.
async fn log(app: &TestApp, hr: &Person, kind: &str, email: &str) -> String {
    let to = post(
        app,
        hr,
        "/staff/rights",
        &[
            ("kind", kind),
            ("received_day", "23"),
            ("received_month", "11"),
            ("received_year", "2026"),
            ("verified", "email_on_file"),
            ("email", email),
            ("details", "By email"),
        ],
    )
    .await;
    assert!(to.ends_with("?done=logged"), "{to}");
    to.trim_start_matches("/staff/rights/").trim_end_matches("?done=logged").to_owned()
}

async fn bytes_as(app: &TestApp, who: &Person, path: &str) -> (u16, Vec<u8>) {
    let res = get_with(app, path, &who.token).await;
    (res.status().as_u16(), res.bytes().await.unwrap().to_vec())
}

async fn access_bundle_holds_everything(kind: Kind) {
    let app = TestApp::spawn(kind).await;
    let t = Team::new(&app).await;
    let (name, email) = ("Quennell Abernathy", "quennell.abernathy@example.com");
    let (id, holder) = touched_everything(&t, name, email).await;
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM audit_log WHERE action = 'portal.correct_contact'").await,
        1,
        "the portal correction is audited"
    );
    let other = t.apply("Philippa Stayward", "philippa.stayward@example.com").await;
    post(
        &app,
        &t.panel,
        &format!("/staff/candidates/{other}/notes"),
        &[("note", "Stayward-Note-Z4"), ("kind", "note")],
    )
    .await;
    let reference = reference_of(&app, &id).await;
    let other_reference = reference_of(&app, &other).await;
    let mut wanted = needles(&id, email, name, &reference);
    wanted.push("07700 900123".to_owned());

    // HR: the review copy, with references flagged and no monitoring answers.
    let entry = log(&app, &t.hr, "access", email).await;
    let review = format!("/staff/rights/{entry}/bundle");
    for who in [&t.hm, &t.panel] {
        assert_eq!(bytes_as(&app, who, &review).await.0, 403, "only HR answers requests");
        let to = post(&app, who, &format!("/staff/rights/{entry}/release"), &[]).await;
        assert_eq!(to, "status 403");
    }
    let (status, zip) = bytes_as(&app, &t.hr, &review).await;
    assert_eq!(status, 200);
    let zip = unzip(&zip);
    let records: Value = serde_json::from_slice(file(&zip, "records.json")).unwrap();
    assert_eq!(records["records"]["equal_opportunities"], Value::Null, "HR never sees EO");
    assert!(!String::from_utf8_lossy(file(&zip, "records.json")).contains(EO_MARKER));
    assert!(!String::from_utf8_lossy(file(&zip, "index.html")).contains(EO_MARKER));
    assert_eq!(records["records"]["referees"][0]["name"], "Rowan Ashdown", "{records:#}");
    let flagged: Vec<&str> = records["third_party_data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert!(flagged.contains(&"referees") && flagged.contains(&"reference_responses"));
    assert!(String::from_utf8_lossy(file(&zip, "index.html")).contains("Third-party data"));

    // Released: the person is emailed and downloads it from the portal.
    let to = post(&app, &t.hr, &format!("/staff/rights/{entry}/release"), &[]).await;
    assert!(to.ends_with("?done=released"), "{to}");
    let to = post(&app, &t.hr, &format!("/staff/rights/{entry}/release"), &[]).await;
    assert!(to.ends_with("?error=closed"), "released once: {to}");
    let told = mail_with(&app, email, "your copy of your data is ready").await;
    assert!(told.contains("/portal/open/"), "{told}");
    let (_, html) = holder.page("/portal").await;
    let rr = records_reference(&app, &entry).await;
    assert!(html.contains(&format!("/portal/data/download/{rr}")), "{html}");
    let (status, kind_header, bytes) =
        holder.download(&format!("/portal/data/download/{rr}")).await;
    assert_eq!((status, kind_header.as_str()), (200, "application/zip"));
    let zip = unzip(&bytes);
    let records: Value = serde_json::from_slice(file(&zip, "records.json")).unwrap();

    // Every place a database-wide search finds the person is in the bundle.
    let hits = search(&app.db, &wanted).await;
    assert!(hits.len() > 10, "the search finds them in many places: {hits:?}");
    let missing = missing_from(&records["records"], &hits);
    assert!(missing.is_empty(), "found by the search, missing from the bundle: {missing:?}");
    // Their monitoring answers, their documents byte-identical.
    assert!(String::from_utf8_lossy(file(&zip, "records.json")).contains(EO_MARKER));
    let documents: Vec<&(String, Vec<u8>)> =
        zip.iter().filter(|(n, _)| n.starts_with(&format!("documents/{id}/"))).collect();
    assert_eq!(documents.len(), 2, "the CV and the evidence");
    assert!(documents.iter().any(|(n, b)| n.ends_with(".pdf") && b.as_slice() == PDF));
    assert!(documents.iter().any(|(n, b)| n.ends_with("passport.txt") && b.as_slice() == EVIDENCE));
    // Never another candidate's data.
    let all: Vec<u8> = bytes.clone();
    let text = String::from_utf8_lossy(&all).to_lowercase();
    for foreign in [other.as_str(), "philippa", "stayward", &other_reference.to_lowercase()] {
        assert!(!text.contains(&foreign.to_lowercase()), "{foreign} is in the bundle");
    }
    // The index is readable and markup-safe.
    let index = String::from_utf8_lossy(file(&zip, "index.html")).to_string();
    assert!(index.contains("<h1>Your data held by") && !index.contains("<script"), "{index}");

    // Self-service: straight away, the same minus references.
    let (status, _, bytes) = holder.download("/portal/data/download").await;
    assert_eq!(status, 200);
    let zip = unzip(&bytes);
    let records: Value = serde_json::from_slice(file(&zip, "records.json")).unwrap();
    assert_eq!(records["records"]["referees"], Value::Null, "{records:#}");
    assert!(!String::from_utf8_lossy(&bytes).contains("Rowan Ashdown"));
    assert!(String::from_utf8_lossy(file(&zip, "records.json")).contains(EO_MARKER));
    assert!(file(&zip, &documents[0].0) == documents[0].1.as_slice());
    // Someone else's reference, or none of theirs, is not found; no cookie, no download.
    assert_eq!(holder.download("/portal/data/download/RR-2222-2222").await.0, 404);
    assert_eq!(app.get("/portal/data/download").await.status(), 401);
    assert!(
        count(&app, "SELECT COUNT(*) FROM audit_log WHERE action = 'portal.download_data'").await
            >= 2
    );
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM audit_log WHERE action = 'rights.bundle_review'").await,
        1
    );
}

async fn records_reference(app: &TestApp, entry: &str) -> String {
    let mut conn = app.db.acquire().await.unwrap();
    let id: uuid::Uuid = entry.parse().unwrap();
    let (r,): (String,) = server::db::on_conn!(conn.conn(), c => sqlx::query_as(
        "SELECT reference FROM rights_requests WHERE id = $1").bind(id).fetch_one(&mut *c).await)
    .unwrap();
    r
}

#[tokio::test]
async fn the_access_bundle_holds_everything_found_about_the_person_on_sqlite() {
    access_bundle_holds_everything(Kind::Sqlite).await;
}

#[tokio::test]
async fn the_access_bundle_holds_everything_found_about_the_person_on_postgres() {
    access_bundle_holds_everything(Kind::Postgres).await;
}

async fn erasure_on_request(kind: Kind) {
    let app = TestApp::spawn(kind).await;
    let t = Team::new(&app).await;
    let auditor = person(&app, "auditor@example.org", Some(OrgRole::Auditor)).await;
    let (name, email) = ("Quennell Abernathy", "quennell.abernathy@example.com");
    let (id, _holder) = touched_everything(&t, name, email).await;
    let keep = t.apply("Philippa Stayward", "philippa.stayward@example.com").await;
    let reference = reference_of(&app, &id).await;
    let mut wanted = needles(&id, email, name, &reference);
    wanted.push("07700 900123".to_owned());
    let kept = needles(
        &keep,
        "philippa.stayward@example.com",
        "Philippa Stayward",
        &reference_of(&app, &keep).await,
    );

    // Under a legal hold: refused, the reason recorded and shown, nothing erased.
    let to = post(
        &app,
        &t.hr,
        &format!("/staff/candidates/{id}/hold"),
        &[("hold_reason", "Tribunal claim ET-7")],
    )
    .await;
    assert!(to.contains("done="), "{to}");
    let entry = log(&app, &t.hr, "erasure", email).await;
    for who in [&t.hm, &t.panel, &auditor] {
        assert_eq!(
            post(&app, who, &format!("/staff/rights/{entry}/erase"), &[]).await,
            "status 403"
        );
    }
    let to = post(&app, &t.hr, &format!("/staff/rights/{entry}/erase"), &[]).await;
    assert!(to.ends_with("?done=held"), "{to}");
    let (_, html) = page(&app, &t.hr, &to).await;
    assert!(html.contains("Not erased: a legal hold applies"), "{html}");
    assert!(html.contains("Refused on") && html.contains("Tribunal claim ET-7"), "{html}");
    assert_eq!(count(&app, "SELECT COUNT(*) FROM applications").await, 2);
    assert!(!search(&app.db, &wanted).await.is_empty());
    assert_eq!(count(&app, "SELECT COUNT(*) FROM purge_runs").await, 0);
    let to = post(&app, &t.hr, &format!("/staff/rights/{entry}/erase"), &[]).await;
    assert!(to.ends_with("?error=closed"), "{to}");
    // An access request cannot be erased from, nor an erasure request bundled.
    let access = log(&app, &t.hr, "access", email).await;
    assert!(
        post(&app, &t.hr, &format!("/staff/rights/{access}/erase"), &[])
            .await
            .ends_with("?error=kind")
    );

    // The hold released: a new request erases everything at once, through the purge.
    let hold = super::retention::newest_hold(&app).await;
    let to = post(&app, &t.hr, &format!("/staff/holds/{hold}/release"), &[]).await;
    assert!(!to.starts_with("status"), "{to}");
    let entry = log(&app, &t.hr, "erasure", email).await;
    let to = post(&app, &t.hr, &format!("/staff/rights/{entry}/erase"), &[]).await;
    assert!(to.ends_with("?done=erased"), "{to}");
    assert_eq!(search(&app.db, &wanted).await, Vec::<String>::new(), "nothing of them is left");
    assert_eq!(super::retention::objects_under(&app, &id).await, 0, "documents gone");
    assert!(!search(&app.db, &kept).await.is_empty(), "the other candidate is untouched");
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM purge_runs WHERE trigger_kind = 'erasure' AND finished_at IS NOT NULL").await,
        1
    );
    // The register keeps each entry with only the minimum, and says what happened.
    let (_, html) = page(&app, &t.hr, &format!("/staff/rights/{entry}")).await;
    assert!(
        html.contains("Completed on") && html.contains("application(s) purged at once"),
        "{html}"
    );
    assert!(html.contains("No applications are held under this address."));
    assert_eq!(count(&app, "SELECT COUNT(*) FROM rights_requests").await, 3);
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM rights_requests WHERE email IS NOT NULL OR details IS NOT NULL"
        )
        .await,
        0
    );
    // Done is done: nothing more to erase.
    let again = log(&app, &t.hr, "erasure", email).await;
    assert!(
        post(&app, &t.hr, &format!("/staff/rights/{again}/erase"), &[])
            .await
            .ends_with("?error=nothing_held")
    );
}

#[tokio::test]
async fn erasure_on_request_is_refused_under_hold_and_otherwise_leaves_nothing_on_sqlite() {
    erasure_on_request(Kind::Sqlite).await;
}

#[tokio::test]
async fn erasure_on_request_is_refused_under_hold_and_otherwise_leaves_nothing_on_postgres() {
    erasure_on_request(Kind::Postgres).await;
}

/// From the portal: explained, confirmed, carried out at once; HR sees it in the register.
#[tokio::test]
async fn erasure_from_the_portal() {
    let app = TestApp::spawn(Kind::Sqlite).await;
    let t = Team::new(&app).await;
    let (name, email) = ("Ada Quillfeather", "ada.quillfeather@example.com");
    let id = t.apply(name, email).await;
    let reference = reference_of(&app, &id).await;
    let receipt = mail_with(&app, email, "/portal/open/").await;
    let holder = Holder::open(&app, &portal_path(&receipt)).await;
    let (status, html) = holder.page("/portal/erase").await;
    assert_eq!(status, 200);
    assert!(html.contains("Erase your data") && html.contains("cannot be recovered"), "{html}");
    assert!(html.contains(&reference), "the applications that will go are listed");

    // Not confirmed: an error, nothing changes.
    let (status, to, _) = holder.post("/portal/erase", &[]).await;
    assert_eq!((status, to.as_str()), (303, "/portal/erase?error=confirm"));
    let (_, html) = holder.page(&to).await;
    assert!(html.contains("<title>Error: Erase your data"), "{html}");
    assert!(html.contains("Tick the box to confirm"));
    assert_eq!(count(&app, "SELECT COUNT(*) FROM applications").await, 1);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM rights_requests").await, 0);

    // Confirmed: erased, the cookie cleared, the confirmation shows the register reference.
    let (status, to, cookie) = holder.post("/portal/erase", &[("confirm", "yes")]).await;
    assert_eq!(status, 303);
    assert!(to.starts_with("/portal/erased?reference=RR-"), "{to}");
    assert!(cookie.unwrap_or_default().contains("Max-Age=0"));
    let rr = to.trim_start_matches("/portal/erased?reference=").to_owned();
    let (status, html) = holder.page(&to).await;
    assert_eq!(status, 200);
    assert!(html.contains("Your data has been erased") && html.contains(&rr), "{html}");
    let wanted = needles(&id, email, name, &reference);
    assert_eq!(search(&app.db, &wanted).await, Vec::<String>::new());
    assert_eq!(holder.page("/portal").await.0, 401, "the link went with the data");
    // HR sees it in the register: from the portal, completed, nothing naming the person.
    let (_, html) = page(&app, &t.hr, "/staff/rights?show=all").await;
    assert!(html.contains(&rr) && !html.contains(email), "{html}");
    // A forged reference in the confirmation's query is not shown.
    let (_, html) = holder.page("/portal/erased?reference=<b>x</b>").await;
    assert!(!html.contains("<b>x</b>") && !html.contains("&lt;b&gt;"), "{html}");
}

/// Erasure from the portal under a legal hold: refused, explained, recorded; nothing erased.
#[tokio::test]
async fn erasure_from_the_portal_under_a_legal_hold_is_refused() {
    let app = TestApp::spawn(Kind::Sqlite).await;
    let t = Team::new(&app).await;
    let email = "ada.quillfeather@example.com";
    let id = t.apply("Ada Quillfeather", email).await;
    let to = post(
        &app,
        &t.hr,
        &format!("/staff/vacancies/{}/hold", t.vacancy),
        &[("hold_reason", "Audit of the campaign")],
    )
    .await;
    assert!(!to.starts_with("status"), "{to}");
    let receipt = mail_with(&app, email, "/portal/open/").await;
    let holder = Holder::open(&app, &portal_path(&receipt)).await;
    let (status, to, _) = holder.post("/portal/erase", &[("confirm", "yes")]).await;
    assert_eq!(status, 303);
    assert!(to.starts_with("/portal/erase?error=held&reference=RR-"), "{to}");
    let (_, html) = holder.page(&to).await;
    assert!(html.contains("We cannot erase your data yet"), "{html}");
    assert!(!html.contains("Audit of the campaign"), "the hold's reason is for HR");
    assert_eq!(count(&app, "SELECT COUNT(*) FROM applications").await, 1);
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM rights_requests WHERE outcome = 'refused'").await,
        1
    );
    assert_eq!(super::retention::objects_under(&app, &id).await, 1, "the CV is still there");
}

/// A restriction logged by HR, or an objection made in the portal, restricts the person's
/// applications at once (every state change refused, as `decisions` tests one by one);
/// closing the last open one lifts it.
async fn restriction_and_objection(kind: Kind) {
    let app = TestApp::spawn(kind).await;
    let t = Team::new(&app).await;
    let email = "ada.quill@example.com";
    let ada = t.apply("Ada Quillfeather", email).await;
    let other = t.apply("Philippa Stayward", "philippa.stayward@example.com").await;
    let restricted =
        || count(&app, "SELECT COUNT(*) FROM applications WHERE restricted_at IS NOT NULL");
    // A restricted candidate's page has no decision forms: its version is read from the
    // database, as a form drawn before the restriction would carry.
    let try_move = |id: String| {
        let t = &t;
        async move {
            let uuid: uuid::Uuid = id.parse().unwrap();
            let mut conn = t.app.db.acquire().await.unwrap();
            let (v,): (i32,) = server::db::on_conn!(conn.conn(), c => sqlx::query_as(
                "SELECT version FROM applications WHERE id = $1").bind(uuid).fetch_one(&mut *c).await)
            .unwrap();
            drop(conn);
            let v = v.to_string();
            post(
                t.app,
                &t.hm,
                &format!("/staff/candidates/{id}/move"),
                &[("version", &v), ("stage", "sift")],
            )
            .await
        }
    };

    let entry = log(&app, &t.hr, "restriction", "ADA.Quill@example.com").await;
    assert_eq!(restricted().await, 1, "only the person's application");
    let (_, html) = page(&app, &t.hr, &format!("/staff/rights/{entry}")).await;
    assert!(html.contains("Processing is restricted"), "{html}");
    assert!(try_move(ada.clone()).await.ends_with("?error=restricted"));
    let to = post(
        &app,
        &t.hm,
        &format!("/staff/candidates/{ada}/scores"),
        &[("score_1", "4"), ("score_2", "4"), ("action", "submit")],
    )
    .await;
    assert!(to.ends_with("?error=restricted"), "{to}");
    assert_eq!(count(&app, "SELECT COUNT(*) FROM score_sheets").await, 0);
    assert!(try_move(other.clone()).await.ends_with("?done=moved"), "others are not restricted");

    // An objection from the portal while the restriction is open: closing one keeps it.
    let receipt = mail_with(&app, email, "/portal/open/").await;
    let holder = Holder::open(&app, &portal_path(&receipt)).await;
    let (status, _, body) = holder
        .call("portal-rights-request", &[("kind", "objection"), ("details", "No profiling")])
        .await;
    assert_eq!(status, 200, "{body}");
    let close = |id: String| {
        let t = &t;
        async move {
            post(
                t.app,
                &t.hr,
                &format!("/staff/rights/{id}/close"),
                &[
                    ("outcome", "completed"),
                    ("note", "Considered"),
                    ("closed_day", "23"),
                    ("closed_month", "11"),
                    ("closed_year", "2026"),
                ],
            )
            .await
        }
    };
    assert!(close(entry).await.ends_with("?done=closed"));
    assert_eq!(restricted().await, 1, "the objection is still open");
    assert!(try_move(ada.clone()).await.ends_with("?error=restricted"));
    let objection = {
        let mut conn = app.db.acquire().await.unwrap();
        let (id,): (uuid::Uuid,) = server::db::on_conn!(conn.conn(), c => sqlx::query_as(
            "SELECT id FROM rights_requests WHERE kind = 'objection'").fetch_one(&mut *c).await)
        .unwrap();
        id.to_string()
    };
    assert!(close(objection).await.ends_with("?done=closed"));
    assert_eq!(restricted().await, 0, "lifted with the last one");
    assert!(try_move(ada).await.ends_with("?done=moved"));
}

#[tokio::test]
async fn restriction_and_objection_freeze_the_application_until_closed_on_sqlite() {
    restriction_and_objection(Kind::Sqlite).await;
}

#[tokio::test]
async fn restriction_and_objection_freeze_the_application_until_closed_on_postgres() {
    restriction_and_objection(Kind::Postgres).await;
}

/// HR corrects a field of the person's application in answer to a rectification request, with
/// a note: bad forms and other people's applications change nothing; the correction is
/// recorded, audited, shown on the request and in the person's bundle.
#[tokio::test]
async fn hr_rectifies_with_a_note() {
    let app = TestApp::spawn(Kind::Sqlite).await;
    let t = Team::new(&app).await;
    let email = "ada.quill@example.com";
    let ada = t.apply("Ada Quil", email).await;
    let other = t.apply("Philippa Stayward", "philippa.stayward@example.com").await;
    let entry = log(&app, &t.hr, "rectification", email).await;
    let path = format!("/staff/rights/{entry}/rectify");
    let (_, html) = page(&app, &t.hr, &format!("/staff/rights/{entry}")).await;
    assert!(
        html.contains("Correct the person&#x27;s data")
            || html.contains("Correct the person's data"),
        "{html}"
    );

    for bad in [
        vec![
            ("application", other.as_str()),
            ("field", "full_name"),
            ("value", "X"),
            ("rectify_note", "x"),
        ],
        vec![
            ("application", ada.as_str()),
            ("field", "email"),
            ("value", "x@example.com"),
            ("rectify_note", "x"),
        ],
        vec![
            ("application", ada.as_str()),
            ("field", "full_name"),
            ("value", ""),
            ("rectify_note", "x"),
        ],
        vec![
            ("application", ada.as_str()),
            ("field", "full_name"),
            ("value", "Ada Quill"),
            ("rectify_note", ""),
        ],
    ] {
        assert!(post(&app, &t.hr, &path, &bad).await.ends_with("?error=form"), "{bad:?}");
    }
    let (_, html) = page(&app, &t.hr, &format!("/staff/rights/{entry}?error=form")).await;
    assert!(html.contains("Enter why the correction is made"), "{html}");
    assert_eq!(count(&app, "SELECT COUNT(*) FROM rectifications").await, 0);
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM applications WHERE full_name = 'Ada Quil'").await,
        1
    );
    assert_eq!(post(&app, &t.hm, &path, &[("field", "phone")]).await, "status 403");

    let good = [
        ("application", ada.as_str()),
        ("field", "full_name"),
        ("value", "Ada <b>Quill</b>"),
        ("rectify_note", "Spelling, as the person asked"),
    ];
    assert!(post(&app, &t.hr, &path, &good).await.ends_with("?done=rectified"));
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM applications WHERE full_name = 'Ada <b>Quill</b>'").await,
        1
    );
    assert_eq!(count(&app, "SELECT COUNT(*) FROM rectifications").await, 1);
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM audit_log WHERE action = 'rights.rectify'").await,
        1
    );
    let (_, html) = page(&app, &t.hr, &format!("/staff/rights/{entry}")).await;
    assert!(
        html.contains("Full name on SL-") && html.contains("Spelling, as the person asked"),
        "{html}"
    );
    assert!(
        post(&app, &t.hr, &path, &good).await.ends_with("?done=rectified"),
        "more than one field may need it"
    );
    let closed = post(
        &app,
        &t.hr,
        &format!("/staff/rights/{entry}/close"),
        &[
            ("outcome", "completed"),
            ("note", "Corrected"),
            ("closed_day", "23"),
            ("closed_month", "11"),
            ("closed_year", "2026"),
        ],
    )
    .await;
    assert!(closed.ends_with("?done=closed"), "{closed}");
    assert!(post(&app, &t.hr, &path, &good).await.ends_with("?error=closed"));
    assert_eq!(count(&app, "SELECT COUNT(*) FROM rectifications").await, 2);
}

/// A consent withdrawal received by email: HR withdraws the reserve-list consent at once —
/// recorded on the consent (method email), the retention date falling back — and the request
/// closes as completed; only HR may.
#[tokio::test]
async fn hr_withdraws_a_consent_received_by_email() {
    let app = TestApp::spawn(Kind::Sqlite).await;
    let t = Team::new(&app).await;
    let email = "ada.quill@example.com";
    let ada = t.apply("Ada Quillfeather", email).await;
    super::retention::reject(&t, &ada).await;
    let live = "SELECT COUNT(*) FROM consents WHERE withdrawn_at IS NULL";
    assert_eq!(count(&app, live).await, 1, "the journey gave the reserve-list consent");
    let (_, html) = page(&app, &t.hr, &format!("/staff/candidates/{ada}")).await;
    assert!(html.contains("Kept until 23 November 2027"), "kept for the consent: {html}");

    let entry = log(&app, &t.hr, "consent_withdrawal", email).await;
    let path = format!("/staff/rights/{entry}/withdraw-consent");
    assert_eq!(post(&app, &t.hm, &path, &[]).await, "status 403");
    assert!(post(&app, &t.hr, &path, &[]).await.ends_with("?done=consent_withdrawn"));
    assert_eq!(count(&app, live).await, 0);
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM consents WHERE withdrawn_method = 'email'").await,
        1
    );
    let (_, html) = page(&app, &t.hr, &format!("/staff/candidates/{ada}")).await;
    assert!(html.contains("Kept until 23 May 2027"), "six months from the decision now: {html}");
    let (_, html) = page(&app, &t.hr, &format!("/staff/rights/{entry}")).await;
    assert!(html.contains("Reserve-list consent withdrawn on 1 application(s)"), "{html}");
    assert!(post(&app, &t.hr, &path, &[]).await.ends_with("?error=closed"));
    let access = log(&app, &t.hr, "access", email).await;
    assert!(
        post(&app, &t.hr, &format!("/staff/rights/{access}/withdraw-consent"), &[])
            .await
            .ends_with("?error=kind")
    );
}
