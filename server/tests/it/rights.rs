//! The rights-request register from outside, on both backends with a settable clock: HR logs a
//! request (bad forms refused and kept for them, nothing stored), its deadline and the
//! applications held under the address; due soon and overdue as the days pass; an extension
//! needs a reason and tells the person; closing needs an outcome (a refusal, its reason) and
//! happens once; auditors read, selectors never; once the person's last application is purged
//! the entry keeps only its reference, kind, dates and outcome; a request made in the
//! applicant portal arrives by itself and is acknowledged by email.

use super::applicant::count;
use super::helpers::{Kind, TestApp};
use super::portal::{Holder, portal_path};
use super::selection::{Team, call, deliver, mail_with, page, person, post};
use app::domain::access::OrgRole;
use app::domain::rights::register::{RegisterPage, Urgency};

async fn register(app: &TestApp, who: &super::selection::Person, show: &str) -> RegisterPage {
    let (status, json) = call(app, who, "staff-rights", &format!("show={show}")).await;
    assert_eq!(status, 200, "{json}");
    serde_json::from_str(&json).unwrap()
}

async fn the_register(kind: Kind) {
    let app = TestApp::spawn(kind).await;
    let mut t = Team::new(&app).await;
    let ada = "ada.quill@example.com";
    let ada_id = t.apply("Ada Quill", ada).await;
    let auditor = person(&app, "auditor@example.org", Some(OrgRole::Auditor)).await;

    let (status, html) = page(&app, &t.hr, "/staff/rights").await;
    assert_eq!(status, 200);
    assert!(html.contains("No requests to show."), "{html}");

    // A bad form is refused, kept for its author, and stores nothing.
    let to = post(
        &app,
        &t.hr,
        "/staff/rights",
        &[
            ("kind", "gossip"),
            ("received_day", "31"),
            ("received_month", "2"),
            ("received_year", "2026"),
            ("email", "not-an-address"),
        ],
    )
    .await;
    assert_eq!(to, "/staff/rights/new?error=form");
    let (_, html) = page(&app, &t.hr, &to).await;
    assert!(html.contains("<title>Error: Log a rights request"), "{html}");
    assert!(html.contains("Select what the person asked for"));
    assert!(html.contains("Date received must be a real date"));
    assert!(html.contains("Enter an email address in the correct format"));
    assert!(html.contains("value=\"not-an-address\""), "what was typed is kept");
    assert_eq!(count(&app, "SELECT COUNT(*) FROM rights_requests").await, 0);

    // Logged: its deadline, the application under the address (any case), audited.
    let to = post(
        &app,
        &t.hr,
        "/staff/rights",
        &[
            ("kind", "access"),
            ("received_day", "23"),
            ("received_month", "11"),
            ("received_year", "2026"),
            ("verified", "email_on_file"),
            ("email", "ADA.Quill@example.com"),
            ("details", "<script>alert(1)</script> all my data"),
        ],
    )
    .await;
    assert!(to.starts_with("/staff/rights/") && to.ends_with("?done=logged"), "{to}");
    let entry = to.trim_start_matches("/staff/rights/").trim_end_matches("?done=logged").to_owned();
    let (status, html) = page(&app, &t.hr, &to).await;
    assert_eq!(status, 200);
    assert!(html.contains("Request logged."));
    assert!(html.contains("23 December 2026"), "one month: {html}");
    assert!(html.contains(&format!("/staff/candidates/{ada_id}")), "Ada's application is listed");
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt; all my data"), "markup is text");
    assert!(!html.contains("<script>alert(1)"));
    assert_eq!(count(&app, "SELECT COUNT(*) FROM audit_log WHERE action = 'rights.log'").await, 1);
    let page_hr = register(&app, &t.hr, "").await;
    assert_eq!(page_hr.rows.len(), 1);
    assert!(page_hr.rows[0].reference.starts_with("RR-"));
    assert_eq!(page_hr.rows[0].email.as_deref(), Some("ada.quill@example.com"));
    assert_eq!((page_hr.rows[0].urgency, page_hr.can_manage), (Urgency::OnTime, true));

    // Auditors read; selectors never see the register.
    assert!(!register(&app, &auditor, "").await.can_manage);
    let (status, _) = call(&app, &t.hm, "staff-rights", "").await;
    assert_eq!(status, 403);
    let extend = format!("/staff/rights/{entry}/extend");
    assert_eq!(post(&app, &auditor, &extend, &[("months", "1")]).await, "status 403");

    // Six days before the deadline it is due soon.
    t.later("2026-12-17T09:00:00Z").await;
    let soon = register(&app, &t.hr, "urgent").await;
    assert_eq!((soon.rows.len(), soon.due_soon, soon.overdue), (1, 1, 0));
    assert_eq!(soon.rows[0].urgency, Urgency::DueSoon);

    // An extension needs a reason; with one, the person is told the new date and why.
    let to = post(&app, &t.hr, &extend, &[("months", "2"), ("reason", "")]).await;
    assert!(to.ends_with("?error=form"), "{to}");
    let (_, html) = page(&app, &t.hr, &to).await;
    assert!(html.contains("Enter why the request needs longer"), "{html}");
    let to =
        post(&app, &t.hr, &extend, &[("months", "2"), ("reason", "Five applications to search")])
            .await;
    assert!(to.ends_with("?done=extended"), "{to}");
    deliver(&app).await;
    let told = mail_with(&app, ada, "more time needed").await;
    assert!(
        told.contains("23 February 2027") && told.contains("Five applications to search"),
        "{told}"
    );
    let to = post(&app, &t.hr, &extend, &[("months", "2"), ("reason", "Again")]).await;
    assert!(to.ends_with("?error=form"), "no longer than before: {to}");
    assert_eq!(register(&app, &t.hr, "urgent").await.rows.len(), 0, "no longer due soon");

    // The day after the extended deadline it is overdue.
    t.later("2027-02-24T09:00:00Z").await;
    let late = register(&app, &t.hr, "").await;
    assert_eq!((late.overdue, late.rows[0].urgency), (1, Urgency::Overdue));

    // Closing: a refusal needs its reason; closed once, then nothing changes.
    let close = format!("/staff/rights/{entry}/close");
    let today = [("closed_day", "24"), ("closed_month", "2"), ("closed_year", "2027")];
    let mut refused = vec![("outcome", "refused"), ("note", "")];
    refused.extend(today);
    assert!(post(&app, &t.hr, &close, &refused).await.ends_with("?error=form"));
    let mut done = vec![("outcome", "completed"), ("note", "Bundle sent by post")];
    done.extend(today);
    assert!(post(&app, &t.hr, &close, &done).await.ends_with("?done=closed"));
    assert!(post(&app, &t.hr, &close, &done).await.ends_with("?error=closed"));
    assert!(
        post(&app, &t.hr, &extend, &[("months", "2"), ("reason", "x")])
            .await
            .ends_with("?error=closed")
    );
    assert!(register(&app, &t.hr, "").await.rows.is_empty(), "closed ones leave the open view");
    let all = register(&app, &t.hr, "all").await;
    assert_eq!((all.rows.len(), all.rows[0].urgency), (1, Urgency::Closed));
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM audit_log WHERE action IN ('rights.extend', 'rights.close')"
        )
        .await,
        2
    );
    let (status, _) = page(&app, &t.hr, "/staff/rights/00000000-0000-0000-0000-000000000000").await;
    assert_eq!(status, 404);

    // When the last of the person's applications is purged, the entry outlives it with only
    // the minimum: reference, kind, dates, outcome.
    super::retention::reject(&t, &ada_id).await;
    super::retention::purge_as_of(&app, "2031-01-01T00:00:00Z").await;
    let kept = register(&app, &t.hr, "all").await;
    assert_eq!((kept.rows.len(), kept.rows[0].email.clone()), (1, None));
    let (_, html) = page(&app, &t.hr, &format!("/staff/rights/{entry}")).await;
    assert!(html.contains("Erased") && html.contains("Completed on 24 February 2027"), "{html}");
    assert!(!html.contains("all my data") && !html.contains("Five applications"), "{html}");
    assert!(!html.contains("Bundle sent by post"), "{html}");
    assert!(html.contains("No applications are held under this address."));
    let needles = vec![ada.to_owned(), "ada quill".to_owned(), "five applications".to_owned()];
    assert_eq!(super::retention::search(&app.db, &needles).await, Vec::<String>::new());
}

#[tokio::test]
async fn the_register_on_sqlite() {
    the_register(Kind::Sqlite).await;
}

#[tokio::test]
async fn the_register_on_postgres() {
    the_register(Kind::Postgres).await;
}

/// A request made in the portal arrives in the register by itself, received today, with the
/// portal as the identity check, and the applicant is told its reference and deadline.
#[tokio::test]
async fn a_portal_request_arrives_in_the_register() {
    let app = TestApp::spawn(Kind::Sqlite).await;
    let t = Team::new(&app).await;
    let ada = "ada.quill@example.com";
    t.apply("Ada Quill", ada).await;
    // Waits for the receipt to be written in full (a file half-written has no link yet).
    let receipt = mail_with(&app, ada, "/portal/open/").await;
    let holder = Holder::open(&app, &portal_path(&receipt)).await;
    let (status, html) = holder.page("/portal/data-request").await;
    assert_eq!(status, 200);
    assert!(html.contains("Make a request about your data"), "{html}");

    let (status, _, body) = holder.call("portal-rights-request", &[("details", "Please")]).await;
    assert_eq!(status, 422, "{body}");
    assert!(body.contains("Select what you would like us to do"), "{body}");
    assert_eq!(count(&app, "SELECT COUNT(*) FROM rights_requests").await, 0);

    let (status, location, body) = holder
        .call("portal-rights-request", &[("kind", "erasure"), ("details", "Delete it all")])
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(location.as_deref(), Some("/portal?done=rights-request"));
    deliver(&app).await;
    let ack = mail_with(&app, ada, "We have received your request RR-").await;
    assert!(ack.contains("We will answer by 23 December 2026"), "{ack}");
    let page = register(&app, &t.hr, "").await;
    assert_eq!(page.rows.len(), 1);
    assert!(page.rows[0].from_portal);
    assert_eq!(page.rows[0].email.as_deref(), Some(ada));
    let (_, html) =
        super::selection::page(&app, &t.hr, &format!("/staff/rights/{}", page.rows[0].id)).await;
    assert!(html.contains("Made in the applicant portal"), "{html}");
    assert!(html.contains("The applicant portal on"), "{html}");
    assert!(html.contains("Delete it all"));
}
