//! Reference requests from outside, on both backends: HR sends each named referee a link of
//! their own (only its digest stored); the referee's form refuses bad input, keeps what they
//! typed, and takes one answer; a used link, an unknown one, an expired one and one for an
//! ended application are refused and change nothing; declining is an answer; one reminder goes
//! after the configured days, never twice and never to someone who answered; HR and the hiring
//! manager read answers at the offer, the panel and the applicant never; the purge takes it all.

use super::applicant::{count, form};
use super::helpers::{Kind, TestApp};
use super::portal::{Holder, links_in_mail, mails_to, portal_path};
use super::retention::{at, purge_as_of, reject, search};
use super::selection::{Team, move_to, page, post};

/// An applicant at the offer who has named `referees` after HR asked for them; returns the
/// application id.
async fn offered_with_referees(
    app: &TestApp,
    t: &Team<'_>,
    email: &str,
    referees: &[(&str, &str)],
) -> String {
    let id = t.apply("Ada Quillfeather", email).await;
    for stage in ["sift", "interview", "offer"] {
        move_to(t, &id, stage).await;
    }
    let wanted = referees.len().to_string();
    let to = post(
        app,
        &t.hr,
        &format!("/staff/candidates/{id}/references/request"),
        &[("wanted", &wanted)],
    )
    .await;
    assert!(to.ends_with("?done=references_requested#checks"), "{to}");
    let receipt =
        mails_to(app, email, 2).await.into_iter().find(|m| m.contains("/portal/open/")).unwrap();
    let holder = Holder::open(app, &portal_path(&receipt)).await;
    for (name, address) in referees {
        let (status, _, body) = holder
            .call(
                "portal-referee",
                &[
                    ("application", &id),
                    ("referee_name", name),
                    ("referee_email", address),
                    ("relationship", "My line manager"),
                    ("consent", "yes"),
                ],
            )
            .await;
        assert_eq!(status, 200, "{body}");
    }
    id
}

/// The one `/reference/…` path sent to `to`.
async fn reference_link(app: &TestApp, to: &str) -> String {
    links_in_mail(app, to, "/reference/", 1).await.pop().unwrap()
}

/// A filled-in reference form.
fn reference<'a>(token: &'a str, statement: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("token", token),
        ("referee_role", "Head of Records"),
        ("capacity", "I was her line manager"),
        ("from_month", "3"),
        ("from_year", "2021"),
        ("to_month", "6"),
        ("to_year", "2024"),
        ("applicant_role", "Records officer"),
        ("reemploy", "yes"),
        ("concerns", "no"),
        ("statement", statement),
    ]
}

async fn call(app: &TestApp, endpoint: &str, pairs: &[(&str, &str)]) -> (u16, String) {
    let res = app.post(&format!("/api/{endpoint}"), &form(pairs)).await;
    let status = res.status().as_u16();
    let location =
        res.headers().get("location").map(|l| l.to_str().unwrap().to_owned()).unwrap_or_default();
    (status, format!("{location} {}", res.text().await.unwrap()))
}

async fn html(app: &TestApp, path: &str) -> (u16, String) {
    let res = app.get(path).await;
    (res.status().as_u16(), res.text().await.unwrap())
}

async fn a_referee_answers_once(kind: Kind) {
    let app = TestApp::spawn(kind).await;
    let t = Team::new(&app).await;
    let email = "ada.quill@example.com";
    let (rowan, sam) = ("rowan@example.org", "sam@example.org");
    let ada = offered_with_referees(
        &app,
        &t,
        email,
        &[("Rowan Ashdown", rowan), ("Sam Birchfield", sam)],
    )
    .await;
    let base = format!("/staff/candidates/{ada}");
    let send = format!("{base}/references/send");

    // Only HR sends; each referee gets a link of their own, once.
    for who in [&t.hm, &t.panel] {
        assert_eq!(post(&app, who, &send, &[]).await, "status 403");
    }
    let (_, before) = page(&app, &t.hr, &base).await;
    assert!(before.contains("Send reference requests to 2 referees"), "{before}");
    assert!(before.contains("Not asked yet"));
    assert!(post(&app, &t.hr, &send, &[]).await.ends_with("?done=references_sent#checks"));
    assert!(post(&app, &t.hr, &send, &[]).await.ends_with("?error=no_referees"));
    let rowan_link = reference_link(&app, rowan).await;
    let sam_link = reference_link(&app, sam).await;
    assert_ne!(rowan_link, sam_link);
    let token = rowan_link.trim_start_matches("/reference/").to_owned();
    assert_eq!(token.len(), 43, "{rowan_link}");
    assert_eq!(count(&app, "SELECT COUNT(*) FROM reference_links").await, 2);
    let hits = search(&app.db, &[token.to_lowercase()]).await;
    assert!(hits.is_empty(), "only a digest is kept once the mail has gone: {hits:?}");
    let (_, sent) = page(&app, &t.hr, &base).await;
    assert!(sent.contains("Asked 23 November 2026; link works until 21 December 2026"), "{sent}");

    // The link opens the form (opening changes nothing) and says who and what it is about.
    let (status, form_page) = html(&app, &rowan_link).await;
    assert_eq!(status, 200);
    assert!(form_page.contains("Give a reference for Ada Quillfeather"), "{form_page}");
    assert!(form_page.contains("Dear Rowan Ashdown"));
    assert!(!form_page.contains("Sam Birchfield"), "one referee never sees another");

    // Bad input: a clear error, nothing stored, what was typed kept for the page.
    let bad: Vec<(&str, &str)> = reference(&token, "")
        .into_iter()
        .filter(|(k, _)| *k != "reemploy")
        .map(|(k, v)| if k == "capacity" { (k, "Line manager <script>x</script>") } else { (k, v) })
        .collect();
    let (status, body) = call(&app, "reference-give", &bad).await;
    assert_eq!(status, 422, "{body}");
    assert!(body.contains("Enter your reference") && body.contains("employ them again"), "{body}");
    assert_eq!(count(&app, "SELECT COUNT(*) FROM reference_responses").await, 0);
    let (_, kept) = html(&app, &rowan_link).await;
    assert!(kept.contains("Line manager &lt;script&gt;x&lt;/script&gt;"), "kept, as text");
    let future = [("to_month", "12"), ("to_year", "2030")];
    let mut wrong = reference(&token, "Fine");
    wrong.retain(|(k, _)| !k.starts_with("to_"));
    wrong.extend(future);
    let (status, body) = call(&app, "reference-give", &wrong).await;
    assert_eq!(status, 422);
    assert!(body.contains("must be this month or in the past"), "{body}");

    // The reference is given once; the same link then answers nothing.
    let statement = "Careful and kind.\nShe ran our <b>records</b> move without losing a file.";
    let (status, body) = call(&app, "reference-give", &reference(&token, statement)).await;
    assert_eq!(status, 200, "{body}");
    assert!(body.contains(&format!("/reference/{token}?answered=given")), "{body}");
    assert_eq!(count(&app, "SELECT COUNT(*) FROM reference_drafts").await, 0, "draft gone");
    let (status, body) = call(&app, "reference-give", &reference(&token, "Again")).await;
    assert_eq!(status, 422);
    assert!(body.contains("already answered this request"), "{body}");
    let (status, body) = call(&app, "reference-decline", &[("token", &token)]).await;
    assert_eq!(status, 422, "{body}");
    let (status, used) = html(&app, &rowan_link).await;
    assert_eq!(status, 200);
    assert!(used.contains("Thank you for your reference") && !used.contains("Send reference"));
    assert_eq!(count(&app, "SELECT COUNT(*) FROM reference_responses").await, 1);
    let stored = count(
        &app,
        "SELECT COUNT(*) FROM reference_responses WHERE statement LIKE 'Again%' OR declined",
    )
    .await;
    assert_eq!(stored, 0, "the second answer changed nothing");

    // Unknown and malformed links: not found, nothing said about any request.
    let unknown = format!("/reference/{}", "A".repeat(43));
    for path in [unknown.as_str(), "/reference/abc", "/reference/%27%20OR%201=1"] {
        let (status, body) = html(&app, path).await;
        assert_eq!(status, 404, "{path}");
        assert!(body.contains("This link is not valid"), "{path}");
    }
    let (status, _) = call(&app, "reference-give", &reference(&"A".repeat(43), "x")).await;
    assert_eq!(status, 404);

    // The other referee declines, with a reason (bounded).
    let sam_token = sam_link.trim_start_matches("/reference/").to_owned();
    let (_, decline_page) = html(&app, &format!("{sam_link}/decline")).await;
    assert!(decline_page.contains("Tell us you cannot give a reference for Ada Quillfeather"));
    let long = "x".repeat(1001);
    let (status, _) =
        call(&app, "reference-decline", &[("token", &sam_token), ("reason", &long)]).await;
    assert_eq!(status, 422);
    let (status, _) =
        call(&app, "reference-decline", &[("token", &sam_token), ("reason", "Never managed her")])
            .await;
    assert_eq!(status, 200);
    let (_, declined) = html(&app, &sam_link).await;
    assert!(declined.contains("Thank you for letting us know"));

    // Who reads the answers: HR and the hiring manager at the offer; the panel never; the
    // applicant never. Markup is text.
    for (who, reads) in [(&t.hr, true), (&t.hm, true), (&t.panel, false)] {
        let (_, html) = page(&app, who, &base).await;
        assert_eq!(
            html.contains("She ran our &lt;b&gt;records&lt;/b&gt; move"),
            reads,
            "{}",
            who.email
        );
        assert_eq!(html.contains("Never managed her"), reads);
        if reads {
            assert!(html.contains("Reference from Rowan Ashdown"));
            assert!(html.contains("March 2021 to June 2024"));
            assert!(
                html.contains("Known reason not to employ them") && html.contains("None known")
            );
            assert!(html.contains("Sam Birchfield declined to give a reference"));
        }
    }
    let receipt =
        mails_to(&app, email, 2).await.into_iter().find(|m| m.contains("/portal/open/")).unwrap();
    let holder = Holder::open(&app, &portal_path(&receipt)).await;
    let (_, portal) = holder.page("/portal").await;
    assert!(!portal.contains("records") && !portal.contains("Never managed her"));

    // Audited by id: the log never holds what the referee wrote.
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM audit_log WHERE action IN ('reference.give', 'reference.decline', 'references.send')"
        )
        .await,
        3
    );

    // Rejected, then purged: links, answers and the request mail go with the application.
    reject(&t, &ada).await;
    let counts = purge_as_of(&app, "2028-01-01T00:00:00Z").await;
    assert_eq!(counts.applications, 1);
    for table in ["reference_links", "reference_responses", "reference_drafts", "referees"] {
        assert_eq!(count(&app, &format!("SELECT COUNT(*) FROM {table}")).await, 0, "{table}");
    }
    let hits = search(
        &app.db,
        &["records move".into(), "never managed her".into(), token.to_lowercase(), rowan.into()],
    )
    .await;
    assert!(hits.is_empty(), "left behind: {hits:#?}");
    let (status, _) = html(&app, &rowan_link).await;
    assert_eq!(status, 404, "a purged request's link leads nowhere");
}

#[tokio::test]
async fn a_referee_answers_once_on_sqlite() {
    a_referee_answers_once(Kind::Sqlite).await;
}

#[tokio::test]
async fn a_referee_answers_once_on_postgres() {
    a_referee_answers_once(Kind::Postgres).await;
}

async fn one_reminder_then_the_link_expires(kind: Kind) {
    let app = TestApp::spawn_with(kind, &[("SHORTLIST_REFERENCE_REMINDER_DAYS", "7")]).await;
    let mut t = Team::new(&app).await;
    let (rowan, sam) = ("rowan@example.org", "sam@example.org");
    let ada = offered_with_referees(
        &app,
        &t,
        "ada.quill@example.com",
        &[("Rowan Ashdown", rowan), ("Sam Birchfield", sam)],
    )
    .await;
    let send = format!("/staff/candidates/{ada}/references/send");
    assert!(post(&app, &t.hr, &send, &[]).await.ends_with("?done=references_sent#checks"));
    let first = reference_link(&app, rowan).await;
    let sam_token = reference_link(&app, sam).await.trim_start_matches("/reference/").to_owned();

    // Sam answers on day 2; Rowan does not.
    app.clock.set("2026-11-25T09:00:00Z");
    let (status, _) = call(&app, "reference-give", &reference(&sam_token, "Good")).await;
    assert_eq!(status, 200);

    // Not before the configured days; then once, to Rowan only, with a link of its own.
    assert_eq!(app.references.send_reminders(at("2026-11-30T08:59:00Z")).await.unwrap(), 0);
    assert_eq!(app.references.send_reminders(at("2026-11-30T09:00:00Z")).await.unwrap(), 1);
    assert_eq!(app.references.send_reminders(at("2026-12-01T09:00:00Z")).await.unwrap(), 0);
    app.clock.set("2026-11-30T09:00:00Z");
    // The reminder's link: the one that is not the first (the helper sorts, so not by order).
    let second = links_in_mail(&app, rowan, "/reference/", 2)
        .await
        .into_iter()
        .find(|l| *l != first)
        .unwrap();
    let reminder =
        mails_to(&app, rowan, 2).await.into_iter().find(|m| m.contains("Reminder")).unwrap();
    assert!(reminder.contains("ends on 21 December 2026"), "{reminder}");
    assert_eq!(mails_to(&app, sam, 1).await.len(), 1, "Sam, who answered, is not reminded");
    assert_eq!(count(&app, "SELECT COUNT(*) FROM referees WHERE reminded_at IS NOT NULL").await, 1);

    // Both of Rowan's links open the form until the request expires, 28 days on.
    app.clock.set("2026-12-21T08:59:00Z");
    for link in [&first, &second] {
        let (status, body) = html(&app, link).await;
        assert_eq!(status, 200);
        assert!(body.contains("Send reference"), "{body}");
    }
    app.clock.set("2026-12-21T09:00:00Z");
    let (status, body) = html(&app, &first).await;
    assert_eq!(status, 410);
    assert!(body.contains("This link has ended"));
    let token = first.trim_start_matches("/reference/");
    let (status, body) = call(&app, "reference-give", &reference(token, "Late")).await;
    assert_eq!(status, 422);
    assert!(body.contains("This link has ended"), "{body}");
    assert_eq!(count(&app, "SELECT COUNT(*) FROM reference_responses").await, 1);
    assert_eq!(app.references.send_reminders(at("2026-12-22T09:00:00Z")).await.unwrap(), 0);

    // HR sends Rowan a fresh request: a new link for another 28 days, with its own reminder;
    // the ended links never work again. Sam, who answered, is not asked again.
    t.later("2026-12-22T09:00:00Z").await;
    let (_, html_page) = page(&app, &t.hr, &format!("/staff/candidates/{ada}")).await;
    assert!(html_page.contains("Send the reference request"), "{html_page}");
    assert!(post(&app, &t.hr, &send, &[]).await.ends_with("?done=references_sent#checks"));
    assert!(post(&app, &t.hr, &send, &[]).await.contains("error=no_referees"), "nobody else");
    let third = links_in_mail(&app, rowan, "/reference/", 3)
        .await
        .into_iter()
        .find(|l| *l != first && *l != second)
        .unwrap();
    assert_eq!(mails_to(&app, sam, 1).await.len(), 1);
    for old in [&first, &second] {
        assert_eq!(html(&app, old).await.0, 404, "an ended request's link is gone");
    }
    let (status, body) = html(&app, &third).await;
    assert_eq!(status, 200);
    assert!(body.contains("Send reference"), "{body}");
    assert_eq!(app.references.send_reminders(at("2026-12-29T09:00:00Z")).await.unwrap(), 1);
    let token = third.trim_start_matches("/reference/");
    let (status, body) = call(&app, "reference-give", &reference(token, "Reliable")).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(count(&app, "SELECT COUNT(*) FROM reference_responses").await, 2);
}

#[tokio::test]
async fn one_reminder_then_the_link_expires_on_sqlite() {
    one_reminder_then_the_link_expires(Kind::Sqlite).await;
}

#[tokio::test]
async fn one_reminder_then_the_link_expires_on_postgres() {
    one_reminder_then_the_link_expires(Kind::Postgres).await;
}

/// A withdrawn application needs no reference: the link says so, the form is refused, and no
/// reminder goes.
#[tokio::test]
async fn a_withdrawn_application_needs_no_reference() {
    let app = TestApp::spawn(Kind::Sqlite).await;
    let t = Team::new(&app).await;
    let email = "ada.quill@example.com";
    let ada =
        offered_with_referees(&app, &t, email, &[("Rowan Ashdown", "rowan@example.org")]).await;
    let send = format!("/staff/candidates/{ada}/references/send");
    assert!(post(&app, &t.hr, &send, &[]).await.ends_with("?done=references_sent#checks"));
    let link = reference_link(&app, "rowan@example.org").await;
    let receipt =
        mails_to(&app, email, 2).await.into_iter().find(|m| m.contains("/portal/open/")).unwrap();
    let holder = Holder::open(&app, &portal_path(&receipt)).await;
    let (status, _, body) = holder.call("portal-withdraw", &[("application", &ada)]).await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = html(&app, &link).await;
    assert_eq!(status, 410);
    assert!(body.contains("This reference is no longer needed"));
    let token = link.trim_start_matches("/reference/");
    let (status, _) = call(&app, "reference-give", &reference(token, "x")).await;
    assert_eq!(status, 422);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM reference_responses").await, 0);
    assert_eq!(app.references.send_reminders(at("2026-12-01T09:00:00Z")).await.unwrap(), 0);
}
