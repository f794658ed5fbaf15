//! Reserve-list consent over time, from outside, on both backends with a settable clock: the
//! notice goes a calendar month before the consent lapses, once per consent record; its link
//! renews (a new record naming the old) or withdraws at once (the retention date falls back);
//! a used, lapsed or unknown link changes nothing; the purge takes the links.

use super::applicant::count;
use super::helpers::{Kind, TestApp};
use super::portal::mails_to;
use super::retention::{at, purge_as_of, reject};
use super::selection::{Team, deliver};

/// The `/reserve-list/…` paths in the messages to `to`, once there are `n` (sorted, so not
/// in the order sent).
async fn consent_links(app: &TestApp, to: &str, n: usize) -> Vec<String> {
    deliver(app).await;
    let mut links: Vec<String> = mails_to(app, to, 1)
        .await
        .into_iter()
        .filter_map(|m| {
            let start = m.find("/reserve-list/")?;
            Some(m[start..].chars().take_while(|c| !c.is_whitespace()).collect())
        })
        .collect();
    links.sort();
    links.dedup();
    assert_eq!(links.len(), n, "{links:?}");
    links
}

/// The one `/reserve-list/…` path sent to `to`.
async fn consent_link(app: &TestApp, to: &str) -> String {
    consent_links(app, to, 1).await.pop().unwrap()
}

async fn call(app: &TestApp, endpoint: &str, token: &str) -> (u16, String) {
    let res = app.post(&format!("/api/{endpoint}"), &format!("token={token}")).await;
    let status = res.status().as_u16();
    let location =
        res.headers().get("location").map(|l| l.to_str().unwrap().to_owned()).unwrap_or_default();
    (status, format!("{location} {}", res.text().await.unwrap()))
}

async fn html(app: &TestApp, path: &str) -> (u16, String) {
    let res = app.get(path).await;
    (res.status().as_u16(), res.text().await.unwrap())
}

async fn consents(app: &TestApp, email: &str, filter: &str) -> i64 {
    count(
        app,
        &format!(
            "SELECT COUNT(*) FROM consents c JOIN applications a ON a.id = c.application_id \
             WHERE a.email = '{email}' AND {filter}"
        ),
    )
    .await
}

async fn renewal_and_withdrawal_by_email(kind: Kind) {
    let app = TestApp::spawn(kind).await;
    let t = Team::new(&app).await;
    let (ada, bob) = ("ada.quill@example.com", "bob.marsh@example.com");
    // Both agreed on the form (12 months from 23 November 2026, 09:00 UTC).
    let ada_id = t.apply("Ada Quillfeather", ada).await;
    t.apply("Bob Marsh", bob).await;
    reject(&t, &ada_id).await;

    // Not before a calendar month ahead; then once per consent.
    assert_eq!(app.reserve.send_renewal_notices(at("2027-10-23T08:59:00Z")).await.unwrap(), 0);
    assert_eq!(app.reserve.send_renewal_notices(at("2027-10-23T09:00:00Z")).await.unwrap(), 2);
    assert_eq!(app.reserve.send_renewal_notices(at("2027-10-24T09:00:00Z")).await.unwrap(), 0);
    app.clock.set("2027-10-23T09:00:00Z");
    let ada_link = consent_link(&app, ada).await;
    let notice =
        mails_to(&app, ada, 1).await.into_iter().find(|m| m.contains("/reserve-list/")).unwrap();
    assert!(notice.contains("That agreement ends on 23 November 2027"), "{notice}");
    let token = ada_link.trim_start_matches("/reserve-list/").to_owned();
    assert_eq!(token.len(), 43);

    // The link opens the choice; opening changes nothing.
    let (status, page) = html(&app, &ada_link).await;
    assert_eq!(status, 200);
    assert!(page.contains("Keep your application for other jobs?"), "{page}");
    assert!(page.contains("Keep it for another 12 months"));
    assert_eq!(consents(&app, ada, "c.withdrawn_at IS NULL").await, 1);

    // Renew: a new record naming the old one, lasting 12 months from now.
    let (status, body) = call(&app, "reserve-renew", &token).await;
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("?done=renewed"), "{body}");
    assert_eq!(consents(&app, ada, "1 = 1").await, 2);
    assert_eq!(
        consents(
            &app,
            ada,
            "c.withdrawn_at IS NULL AND c.method = 'email' AND c.renews IS NOT NULL"
        )
        .await,
        1
    );
    assert_eq!(consents(&app, ada, "c.withdrawn_method = 'email'").await, 1, "the old one closed");
    let (_, page) = html(&app, &ada_link).await;
    assert!(page.contains("until 23 October 2028"), "{page}");
    // The link is used up: neither button acts again.
    for endpoint in ["reserve-renew", "reserve-withdraw"] {
        let (status, body) = call(&app, endpoint, &token).await;
        assert_eq!(status, 422, "{endpoint}");
        assert!(body.contains("This link no longer works"), "{body}");
    }
    assert_eq!(consents(&app, ada, "1 = 1").await, 2, "nothing changed");

    // Withdraw: at once, and the retention date falls back from the reserve-list rule.
    let bob_link = consent_link(&app, bob).await;
    let bob_token = bob_link.trim_start_matches("/reserve-list/");
    let bob_kept = format!(
        "SELECT COUNT(*) FROM applications WHERE email = '{bob}' AND retention_rule = 'reserve_list'"
    );
    assert_eq!(count(&app, &bob_kept).await, 1, "his consent is what keeps him now");
    let (status, body) = call(&app, "reserve-withdraw", bob_token).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(consents(&app, bob, "c.withdrawn_at IS NULL").await, 0);
    // Kept "until the consent ends", and it ended now: due for deletion at once.
    let due_now = format!(
        "SELECT COUNT(*) FROM applications a WHERE a.email = '{bob}' AND a.retain_until = \
         (SELECT c.withdrawn_at FROM consents c WHERE c.application_id = a.id)"
    );
    assert_eq!(count(&app, &due_now).await, 1, "the retention date moved to the withdrawal");
    let (_, page) = html(&app, &bob_link).await;
    assert!(page.contains("We will no longer keep your application for other jobs"), "{page}");
    assert_eq!(
        count(&app, &format!("SELECT COUNT(*) FROM applications WHERE email = '{ada}' AND retention_rule = 'reserve_list'")).await,
        1,
        "the renewed consent keeps the rejected application"
    );

    // The renewed record gets its own notice; left alone, it lapses and its link acts no more.
    assert_eq!(app.reserve.send_renewal_notices(at("2028-09-23T09:00:00Z")).await.unwrap(), 1);
    app.clock.set("2028-09-23T09:00:00Z");
    let second = consent_links(&app, ada, 2).await.into_iter().find(|l| *l != ada_link).unwrap();
    app.clock.set("2028-10-23T09:00:00Z");
    let (status, page) = html(&app, &second).await;
    assert_eq!(status, 410);
    assert!(page.contains("Your agreement has ended"), "{page}");
    let (status, _) =
        call(&app, "reserve-renew", second.trim_start_matches("/reserve-list/")).await;
    assert_eq!(status, 422);

    // Unknown links: not found.
    let (status, page) = html(&app, &format!("/reserve-list/{}", "A".repeat(43))).await;
    assert_eq!(status, 404);
    assert!(page.contains("This link is not valid"));

    // The purge takes the links with the application.
    let counts = purge_as_of(&app, "2029-06-01T00:00:00Z").await;
    assert!(counts.applications >= 1, "the rejected application, its consent lapsed");
    assert_eq!(
        count(&app, &format!("SELECT COUNT(*) FROM applications WHERE email = '{ada}'")).await,
        0
    );
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM consent_links l JOIN applications a ON a.id = l.application_id"
        )
        .await,
        count(&app, "SELECT COUNT(*) FROM consent_links").await,
        "no link outlives its application"
    );
    let (status, _) = html(&app, &ada_link).await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn renewal_and_withdrawal_by_email_on_sqlite() {
    renewal_and_withdrawal_by_email(Kind::Sqlite).await;
}

#[tokio::test]
async fn renewal_and_withdrawal_by_email_on_postgres() {
    renewal_and_withdrawal_by_email(Kind::Postgres).await;
}
