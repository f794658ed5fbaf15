//! The application journey from outside, over HTTP: the whole journey as the browser makes it
//! with JavaScript (server-function calls) and without (form posts and redirects), every kind
//! of bad input with proof that nothing was stored, uploads judged by content, the resume
//! link, and the separation of equal-opportunities answers from everything staff can reach.

use super::accounts::{decode_quoted_printable, mail_to};
use super::applicant::{Applicant, PDF, count, enc, form, open_vacancy};
use super::helpers::{Kind, TestApp};
use app::error::AppError;
use server::db::{
    applications, on_conn,
    vacancies::{self, Status},
};
use uuid::Uuid;

/// A marker no staff response may ever contain: the applicant's own words on the monitoring page.
pub(super) const EO_MARKER: &str = "Zanzibari-Q7X";

/// A monitoring row as read back: pseudonym and three answers.
type EoRow = (Vec<u8>, Option<String>, Option<String>, Option<String>);

async fn journey(kind: Kind) {
    let app = TestApp::spawn(kind).await;
    let vacancy = open_vacancy(&app, "2026-12-31T23:59:00Z").await;
    let applicant = Applicant::start(&app, vacancy).await;
    let reference = applicant.complete("Ada <b>Lovelace</b>", "ada@example.org").await;
    assert!(app::domain::application::Reference::parse(&reference).is_some(), "{reference}");
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM applications WHERE status = 'submitted'").await,
        1
    );
    assert_eq!(count(&app, "SELECT COUNT(*) FROM application_documents").await, 1);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM application_answers").await, 2);
    // The consent is a record with wording version, hash, method and expiry.
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM consents WHERE kind = 'reserve_list' AND method = 'form' \
                     AND wording_version = 1 AND withdrawn_at IS NULL AND expires_at > given_at"
        )
        .await,
        1
    );
    // Receipt through the outbox: reference in the subject, no HTML part, markup as typed.
    let receipt = receipt_for(&app, "ada@example.org").await;
    assert!(receipt.contains(&format!("Subject: Application received: {reference}")), "{receipt}");
    assert!(receipt.contains("Dear Ada <b>Lovelace</b>"), "plain text keeps the name as typed");
    assert!(!receipt.to_lowercase().contains("text/html"));
}

async fn receipt_for(app: &TestApp, to: &str) -> String {
    for _ in 0..100 {
        for entry in std::fs::read_dir(app.outbox_dir()).into_iter().flatten().flatten() {
            let text =
                decode_quoted_printable(&std::fs::read_to_string(entry.path()).unwrap_or_default());
            if text.contains(&format!("To: {to}")) && text.contains("Application received") {
                return text;
            }
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("no receipt for {to}");
}

#[tokio::test]
async fn the_whole_journey_on_sqlite() {
    journey(Kind::Sqlite).await;
}

#[tokio::test]
async fn the_whole_journey_on_postgres() {
    journey(Kind::Postgres).await;
}

#[tokio::test]
async fn without_javascript_errors_come_back_with_the_values_typed() {
    let app = TestApp::spawn(Kind::Sqlite).await;
    let vacancy = open_vacancy(&app, "2026-12-31T23:59:00Z").await;
    let a = Applicant::start(&app, vacancy).await;
    let body = form(&[
        ("application", &a.id),
        ("full_name", "Grace <script>alert(1)</script>"),
        ("email", "not-an-email"),
        ("contact_method", "email"),
    ]);
    let res = a.raw("apply-about-you", &body, "text/html").await;
    assert_eq!(res.status, 302);
    let location = res.location.unwrap();
    assert!(location.contains("__err="), "back to the form with the problems: {location}");
    assert!(
        !location.contains("Grace") && !location.contains("not-an-email"),
        "typed text never goes in a URL"
    );
    // The page shows the problem, keeps what was typed (escaped), and says "Error:".
    let res = app
        .client
        .get(if location.starts_with('/') {
            format!("{}{location}", app.base)
        } else {
            location.clone()
        })
        .header("cookie", &a.cookie)
        .header("accept", "text/html")
        .send()
        .await
        .unwrap();
    let html = res.text().await.unwrap();
    assert!(html.contains("<title>Error: About you"), "{}", &html[..html.len().min(2000)]);
    assert!(html.contains("Enter an email address in the correct format"));
    assert!(html.contains("href=\"#email\""), "the summary links to the field");
    assert!(html.contains("value=\"not-an-email\""));
    assert!(html.contains("Grace &lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(!html.contains("<script>alert(1)"));
    // Nothing was saved as the applicant's details.
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM applications WHERE full_name IS NOT NULL").await,
        0
    );
    // A correct post goes on to the next page.
    let ok = form(&[
        ("application", &a.id),
        ("full_name", "Grace"),
        ("email", "g@example.org"),
        ("contact_method", "email"),
    ]);
    let res = a.raw("apply-about-you", &ok, "text/html").await;
    assert_eq!(res.location.as_deref(), Some(format!("/apply/{}/eligibility", a.id).as_str()));
}

#[tokio::test]
async fn malformed_dates_and_over_long_text_are_refused_and_store_nothing() {
    let app = TestApp::spawn(Kind::Sqlite).await;
    let vacancy = open_vacancy(&app, "2026-12-31T23:59:00Z").await;
    let a = Applicant::start(&app, vacancy).await;
    let long = "x".repeat(201);
    let r = a
        .call(
            "apply-about-you",
            &[("full_name", &long), ("email", "a@b.org"), ("contact_method", "email")],
        )
        .await;
    assert_eq!(r.fields(), ["full_name"]);
    for (d, m, y, field) in [
        ("31", "2", "2027", "start_day"),
        ("1", "13", "2027", "start_day"),
        ("1", "1", "27", "start_year"),
        ("", "", "", "start_day"),
        ("1", "1", "2026", "start_day"),
    ] {
        let r = a
            .call(
                "apply-eligibility",
                &[
                    ("right_to_work", "yes"),
                    ("notice_period", "None"),
                    ("start_day", d),
                    ("start_month", m),
                    ("start_year", y),
                ],
            )
            .await;
        assert_eq!(r.fields(), [field], "{d}/{m}/{y}");
    }
    let words = "word ".repeat(51);
    let r = a.call("apply-answers", &[("answers[0]", &words), ("answers[1]", "fine")]).await;
    assert_eq!(r.fields(), ["answer_1"]);
    // A forged post with one answer too few, or a radio value the form never offers.
    assert_eq!(a.call("apply-answers", &[("answers[0]", "one")]).await.fields(), ["answer_1"]);
    assert_eq!(a.call("apply-source", &[("source", "<script>")]).await.fields(), ["source"]);
    assert_eq!(
        a.call(
            "apply-about-you",
            &[("full_name", "A"), ("email", "a@b.org"), ("contact_method", "fax")]
        )
        .await
        .fields(),
        ["contact_method"]
    );
    assert_eq!(count(&app, "SELECT COUNT(*) FROM applications WHERE full_name IS NOT NULL OR right_to_work IS NOT NULL OR source IS NOT NULL").await, 0);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM application_answers").await, 0);
}

#[tokio::test]
async fn unknown_vacancies_and_forged_application_ids_are_not_found() {
    let app = TestApp::spawn(Kind::Sqlite).await;
    let vacancy = open_vacancy(&app, "2026-12-31T23:59:00Z").await;
    for v in [Uuid::new_v4().to_string(), "not-a-vacancy".to_owned(), "<script>".to_owned()] {
        let res = app.post("/api/apply-start", &format!("vacancy={}", enc(&v))).await;
        assert!(res.text().await.unwrap().contains("NotFound"), "{v}");
    }
    let draft = super::conformance::vacancy("Draft", Status::Draft, "2026-12-31T23:59:00Z");
    let mut conn = app.db.acquire().await.unwrap();
    vacancies::insert(conn.conn(), &draft).await.unwrap();
    drop(conn);
    let res = app.post("/api/apply-start", &format!("vacancy={}", draft.id)).await;
    assert!(
        res.text().await.unwrap().contains("NotFound"),
        "a draft vacancy cannot be applied for"
    );
    assert_eq!(count(&app, "SELECT COUNT(*) FROM applications").await, 0);

    // Two applicants; one forges the other's id into the form, with their own cookie.
    let mallory = Applicant::start(&app, vacancy).await;
    let victim = Applicant::start(&app, vacancy).await;
    let forged = Applicant { app: &app, id: victim.id.clone(), cookie: mallory.cookie.clone() };
    let r = forged
        .call(
            "apply-about-you",
            &[("full_name", "Mallory"), ("email", "m@example.org"), ("contact_method", "email")],
        )
        .await;
    assert_eq!(r.error(), Some(AppError::NotFound));
    assert_eq!(forged.call("application", &[]).await.error(), Some(AppError::NotFound));
    let (status, _) = forged.page("about-you").await;
    assert_eq!(status, 404);
    // No cookie at all.
    let none = Applicant { app: &app, id: victim.id.clone(), cookie: String::new() };
    assert_eq!(none.call("application", &[]).await.error(), Some(AppError::NotFound));
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM applications WHERE full_name IS NOT NULL").await,
        0
    );
}

#[tokio::test]
async fn sending_twice_makes_one_application_and_one_receipt() {
    let app = TestApp::spawn(Kind::Sqlite).await;
    let vacancy = open_vacancy(&app, "2026-12-31T23:59:00Z").await;
    let a = Applicant::start(&app, vacancy).await;
    a.fill("Twice", "twice@example.org").await;
    let (first, second) = tokio::join!(
        a.call("apply-submit", &[("declaration", "yes")]),
        a.call("apply-submit", &[("declaration", "yes")])
    );
    for r in [&first, &second] {
        assert_eq!(
            r.location.as_deref(),
            Some(format!("/apply/{}/confirmation", a.id).as_str()),
            "{}",
            r.body
        );
    }
    let third = a.call("apply-submit", &[("declaration", "yes")]).await;
    assert!(third.location.is_some());
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM applications WHERE status = 'submitted'").await,
        1
    );
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM mail_outbox WHERE purpose = 'application.receipt'").await,
        1
    );
    // Once sent, the draft cannot be changed.
    let r = a.call("apply-source", &[("source", "other"), ("source_other", "late")]).await;
    assert_eq!(r.fields(), ["sent"]);
}

#[tokio::test]
async fn the_declaration_and_every_section_are_needed_to_send() {
    let app = TestApp::spawn(Kind::Sqlite).await;
    let vacancy = open_vacancy(&app, "2026-12-31T23:59:00Z").await;
    let a = Applicant::start(&app, vacancy).await;
    let r = a.call("apply-submit", &[]).await;
    let fields = r.fields();
    assert!(
        fields.contains(&"section-about-you".to_owned())
            && fields.contains(&"declaration".to_owned()),
        "{fields:?}"
    );
    a.fill("Dee", "dee@example.org").await;
    assert_eq!(a.call("apply-submit", &[]).await.fields(), ["declaration"]);
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM applications WHERE status = 'submitted'").await,
        0
    );
}

#[tokio::test]
async fn after_the_closing_time_nothing_is_sent_or_saved() {
    let app = TestApp::spawn(Kind::Sqlite).await;
    let vacancy = open_vacancy(&app, "2026-11-23T12:00:00Z").await;
    let a = Applicant::start(&app, vacancy).await;
    a.fill("Late", "late@example.org").await;
    // The vacancy closes while the applicant reads the check page.
    app.clock.set("2026-11-23T12:00:00Z");
    let r = a.call("apply-submit", &[("declaration", "yes")]).await;
    assert_eq!(r.fields(), ["closed"]);
    assert!(r.body.contains("This vacancy has closed"));
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM applications WHERE status = 'submitted'").await,
        0
    );
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM mail_outbox WHERE purpose = 'application.receipt'").await,
        0
    );
    let r = a.call("apply-source", &[("source", "press")]).await;
    assert_eq!(r.fields(), ["closed"]);
    let res = app.post("/api/apply-start", &format!("vacancy={vacancy}")).await;
    assert!(res.text().await.unwrap().contains("This vacancy has closed"));
    let (status, html) = a.page("check").await;
    assert_eq!(status, 410);
    assert!(html.contains("This vacancy has closed"));
}

/// The closing check and the write are one statement: a vacancy closed by HR between the two
/// still refuses the application.
#[tokio::test]
async fn the_closing_check_is_part_of_the_write() {
    let app = TestApp::spawn(Kind::Sqlite).await;
    let vacancy = open_vacancy(&app, "2026-12-31T23:59:00Z").await;
    let a = Applicant::start(&app, vacancy).await;
    let id: Uuid = a.id.parse().unwrap();
    let mut conn = app.db.acquire().await.unwrap();
    on_conn!(conn.conn(), c => sqlx::query("UPDATE vacancies SET status = 'closed'").execute(&mut *c).await.map(|r| r.rows_affected())).unwrap();
    assert!(!applications::submit(conn.conn(), id, "SL-2345-6789", app.clock_now()).await.unwrap());
}

#[tokio::test]
async fn uploads_are_judged_by_content_and_refusals_store_nothing() {
    let app = TestApp::spawn_with(Kind::Sqlite, &[("SHORTLIST_UPLOAD_LIMIT_MB", "1")]).await;
    let vacancy = open_vacancy(&app, "2026-12-31T23:59:00Z").await;
    let a = Applicant::start(&app, vacancy).await;
    let exe =
        b"MZ\x90\x00\x03\x00\x00\x00\x04\x00This program cannot be run in DOS mode".repeat(10);
    let r = a.upload("Statement", "cv.pdf", &exe).await;
    assert!(r.body.contains("is a program, not a document"), "{}", r.body);
    let mut bomb = Vec::new();
    // A DOCX-looking ZIP whose entry claims to expand 10,000 times.
    bomb.extend_from_slice(b"PK\x03\x04\x14\x00\x00\x00\x08\x00\x00\x00\x00\x00\x00\x00\x00\x00");
    bomb.extend_from_slice(&100u32.to_le_bytes());
    bomb.extend_from_slice(&1_000_000u32.to_le_bytes());
    bomb.extend_from_slice(&17u16.to_le_bytes());
    bomb.extend_from_slice(&[0, 0]);
    bomb.extend_from_slice(b"word/document.xml");
    bomb.extend_from_slice(&[0u8; 100]);
    let cd = bomb.len() as u32;
    bomb.extend_from_slice(
        b"PK\x01\x02\x14\x00\x14\x00\x00\x00\x08\x00\x00\x00\x00\x00\x00\x00\x00\x00",
    );
    bomb.extend_from_slice(&100u32.to_le_bytes());
    bomb.extend_from_slice(&1_000_000u32.to_le_bytes());
    bomb.extend_from_slice(&17u16.to_le_bytes());
    bomb.extend_from_slice(&[0u8; 12]);
    bomb.extend_from_slice(&0u32.to_le_bytes());
    bomb.extend_from_slice(b"word/document.xml");
    let cd_size = bomb.len() as u32 - cd;
    bomb.extend_from_slice(b"PK\x05\x06\0\0\0\0\x01\x00\x01\x00");
    bomb.extend_from_slice(&cd_size.to_le_bytes());
    bomb.extend_from_slice(&cd.to_le_bytes());
    bomb.extend_from_slice(&[0, 0]);
    let r = a.upload("Statement", "cv.docx", &bomb).await;
    assert!(r.body.contains("expands to far more than a document would"), "{}", r.body);
    let big = [PDF, &vec![b' '; 1024 * 1024]].concat();
    let r = a.upload("Statement", "cv.pdf", &big).await;
    assert!(r.body.contains("must be smaller than 1MB"), "{}", r.body);
    let r = a.upload("Statement", "photo.pdf", b"\x89PNG\r\n\x1a\n....").await;
    assert!(r.body.contains("must be a PDF, DOCX, ODT, RTF or TXT"), "{}", r.body);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM application_documents").await, 0);
    let documents = app.documents.clone();
    let listed: Vec<_> =
        futures::TryStreamExt::try_collect::<Vec<_>>(documents.object_store().list(None))
            .await
            .unwrap();
    assert!(listed.is_empty(), "refused uploads leave no object behind: {listed:?}");
    // A real PDF with a hostile name is stored under a generated name; its name is data only.
    let r =
        a.upload("Statement", "..\\..\\hidden-folder\\<img src=x onerror=alert(1)>.pdf", PDF).await;
    assert!(r.location.is_some(), "{}", r.body);
    let listed: Vec<_> =
        futures::TryStreamExt::try_collect::<Vec<_>>(documents.object_store().list(None))
            .await
            .unwrap();
    assert_eq!(listed.len(), 1);
    assert!(!listed[0].location.as_ref().contains("cv"), "stored under a generated name");
    let stored = app_bytes(&listed[0].location, &documents).await;
    assert!(!stored.windows(8).any(|w| w == b"%PDF-1.4"), "encrypted at rest");
    let (_, html) = a.page("cv").await;
    assert!(
        html.contains("&lt;img src=x onerror=alert(1)&gt;.pdf"),
        "the original name is shown as text"
    );
    assert!(
        !html.contains("hidden-folder"),
        "only the file's own name is kept, not the folders it came from"
    );
}

async fn app_bytes(
    path: &object_store::path::Path,
    documents: &server::documents::Documents,
) -> Vec<u8> {
    use object_store::ObjectStoreExt as _;
    documents.object_store().get(path).await.unwrap().bytes().await.unwrap().to_vec()
}

#[tokio::test]
async fn the_resume_link_opens_the_draft_in_another_browser() {
    let app = TestApp::spawn(Kind::Sqlite).await;
    let vacancy = open_vacancy(&app, "2026-12-31T23:59:00Z").await;
    let a = Applicant::start(&app, vacancy).await;
    a.call(
        "apply-about-you",
        &[("full_name", "Rae"), ("email", "rae@example.org"), ("contact_method", "email")],
    )
    .await;
    let mail = mail_to(&app, "rae@example.org").await;
    let link = mail
        .lines()
        .find(|l| l.contains("/apply/resume/"))
        .expect("a resume link")
        .trim()
        .to_owned();
    let path = &link[link.find("/apply/").unwrap()..];
    let res = app.get(path).await;
    assert_eq!(res.status(), 303);
    assert_eq!(res.headers()["location"], format!("/apply/{}/check", a.id).as_str());
    let cookie =
        res.headers()["set-cookie"].to_str().unwrap().split(';').next().unwrap().to_owned();
    let other = Applicant { app: &app, id: a.id.clone(), cookie };
    assert!(other.call("application", &[]).await.body.contains("rae@example.org"));
    let res = app.get("/apply/resume/not-a-real-token").await;
    assert_eq!(res.headers()["location"], "/apply/link-not-valid");
}

/// Equal-opportunities answers live apart: no application id in their table, no foreign key,
/// and no response to any staff member of any role contains them.
async fn monitoring_is_apart(kind: Kind) {
    let app = TestApp::spawn(kind).await;
    let vacancy = open_vacancy(&app, "2026-12-31T23:59:00Z").await;
    let a = Applicant::start(&app, vacancy).await;
    a.complete("Eve", "eve@example.org").await;
    let id: Uuid = a.id.parse().unwrap();
    // The applicant sees their own answers (the positive control for the marker).
    assert!(a.call("application", &[]).await.body.contains(EO_MARKER));
    let mut conn = app.db.acquire().await.unwrap();
    let (table, fks) = match kind {
        Kind::Sqlite => {
            ("eo_responses", "SELECT COUNT(*) FROM pragma_foreign_key_list('eo_responses')")
        }
        Kind::Postgres => (
            "eo.responses",
            "SELECT COUNT(*) FROM information_schema.table_constraints \
             WHERE table_schema = 'eo' AND constraint_type = 'FOREIGN KEY'",
        ),
    };
    let (n,): (i64,) = on_conn!(conn.conn(), c => sqlx::query_as(sqlx::AssertSqlSafe(fks.to_owned())).fetch_one(&mut *c).await).unwrap();
    assert_eq!(n, 0, "no foreign key leads from monitoring answers");
    // Every byte of every row, as text: neither form of the application id appears.
    let rows: Vec<EoRow> = on_conn!(conn.conn(), c =>
        sqlx::query_as(sqlx::AssertSqlSafe(format!("SELECT pseudonym, ethnic_group, ethnicity, ethnicity_other FROM {table}")))
            .fetch_all(&mut *c).await).unwrap();
    assert_eq!(rows.len(), 1);
    let (pseudonym, group, ethnicity, other) = &rows[0];
    assert_eq!(pseudonym.len(), 32);
    assert!(!pseudonym.windows(16).any(|w| w == id.as_bytes()));
    for text in [group, ethnicity, other].into_iter().flatten() {
        assert!(!text.contains(&a.id) && !text.contains(&id.simple().to_string()));
    }
    assert_eq!(other.as_deref(), Some(EO_MARKER));
    // The applications table holds no monitoring answer.
    let dump: Vec<(Option<String>,)> = on_conn!(conn.conn(), c => sqlx::query_as(
        "SELECT COALESCE(full_name, '') || COALESCE(covering_statement, '') || COALESCE(draft_input, '') FROM applications")
        .fetch_all(&mut *c).await).unwrap();
    assert!(dump.iter().all(|(t,)| !t.clone().unwrap_or_default().contains(EO_MARKER)));
    drop(conn);
    super::access::no_staff_response_contains(&app, vacancy, EO_MARKER).await;
}

#[tokio::test]
async fn monitoring_answers_are_apart_on_sqlite() {
    monitoring_is_apart(Kind::Sqlite).await;
}

#[tokio::test]
async fn monitoring_answers_are_apart_on_postgres() {
    monitoring_is_apart(Kind::Postgres).await;
}

#[tokio::test]
async fn skipping_monitoring_removes_earlier_answers() {
    let app = TestApp::spawn(Kind::Sqlite).await;
    let vacancy = open_vacancy(&app, "2026-12-31T23:59:00Z").await;
    let a = Applicant::start(&app, vacancy).await;
    let r = a.call("apply-monitoring", &[("sex", "female"), ("religion", "<script>")]).await;
    assert_eq!(r.fields(), ["religion"]);
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM eo_responses").await,
        0,
        "a forged answer stores nothing"
    );
    a.call("apply-monitoring", &[("sex", "female")]).await;
    assert_eq!(count(&app, "SELECT COUNT(*) FROM eo_responses").await, 1);
    let r = a.call("apply-monitoring", &[("skip", "yes")]).await;
    assert_eq!(r.location.as_deref(), Some(format!("/apply/{}/check", a.id).as_str()));
    assert_eq!(count(&app, "SELECT COUNT(*) FROM eo_responses").await, 0);
}
