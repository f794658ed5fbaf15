//! The applicant portal from outside, over HTTP: the link in the receipt, expiry and sign-out,
//! "send me a new link" that reveals nothing, withdrawing, reserve-list consent as records,
//! contact corrections, and a portal link that can never reach someone else's application.

use super::accounts::decode_quoted_printable;
use super::applicant::{Applicant, count, form, open_vacancy};
use super::helpers::{Kind, TestApp};
use server::db::on_conn;

/// The distinct links (paths starting with `prefix`, such as `/reference/`) in the messages to
/// `to`, sorted (so not in the order sent), once the outbox is delivered; fails unless there are
/// exactly `n`.
pub(super) async fn links_in_mail(app: &TestApp, to: &str, prefix: &str, n: usize) -> Vec<String> {
    super::selection::deliver(app).await;
    let mut links: Vec<String> = mails_to(app, to, n.max(1))
        .await
        .into_iter()
        .filter_map(|m| {
            let start = m.find(prefix)?;
            Some(m[start..].chars().take_while(|c| !c.is_whitespace()).collect())
        })
        .collect();
    links.sort();
    links.dedup();
    assert_eq!(links.len(), n, "{links:?}");
    links
}

/// Every message in the outbox to `to`, decoded, once at least `n` have arrived.
pub(super) async fn mails_to(app: &TestApp, to: &str, n: usize) -> Vec<String> {
    for _ in 0..100 {
        let mut found = Vec::new();
        if let Ok(entries) = std::fs::read_dir(app.outbox_dir()) {
            for entry in entries.flatten() {
                let text = std::fs::read_to_string(entry.path()).unwrap_or_default();
                if entry.path().extension().is_some_and(|e| e == "eml")
                    && text.lines().any(|l| l.eq_ignore_ascii_case(&format!("to: {to}")))
                {
                    found.push(decode_quoted_printable(&text));
                }
            }
        }
        if found.len() >= n {
            return found;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("fewer than {n} messages to {to}");
}

/// The portal path (`/portal/open/…`) in a message.
pub(super) fn portal_path(mail: &str) -> String {
    let start = mail.find("/portal/open/").expect("a portal link");
    mail[start..].chars().take_while(|c| !c.is_whitespace()).collect()
}

/// A browser holding a portal cookie.
pub(super) struct Holder<'a> {
    app: &'a TestApp,
    cookie: String,
}

impl<'a> Holder<'a> {
    /// Opens an emailed portal link as a browser does; panics if it is not live.
    pub(super) async fn open(app: &'a TestApp, path: &str) -> Self {
        let res = app.get(path).await;
        assert_eq!(res.status(), 303, "a live link redirects");
        assert_eq!(res.headers()["location"], "/portal");
        let cookie = res.headers()["set-cookie"].to_str().unwrap().to_owned();
        assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"), "{cookie}");
        assert!(cookie.contains("Max-Age=604800"), "lives as long as the link: {cookie}");
        Self { app, cookie: cookie.split(';').next().unwrap().to_owned() }
    }

    /// Calls a portal server function as the browser does with JavaScript on.
    pub(super) async fn call(
        &self,
        endpoint: &str,
        pairs: &[(&str, &str)],
    ) -> (u16, Option<String>, String) {
        let res = self
            .app
            .client
            .post(format!("{}/api/{endpoint}", self.app.base))
            .header("content-type", "application/x-www-form-urlencoded")
            .header("accept", "application/json")
            .header("origin", &self.app.base)
            .header("cookie", &self.cookie)
            .body(form(pairs))
            .send()
            .await
            .unwrap();
        let status = res.status().as_u16();
        let location = res.headers().get("location").map(|l| l.to_str().unwrap().to_owned());
        (status, location, res.text().await.unwrap())
    }

    /// A download as the browser receives it: status, content type and bytes.
    pub(super) async fn download(&self, path: &str) -> (u16, String, Vec<u8>) {
        let res = self
            .app
            .client
            .get(format!("{}{path}", self.app.base))
            .header("cookie", &self.cookie)
            .send()
            .await
            .unwrap();
        let status = res.status().as_u16();
        let kind = res
            .headers()
            .get("content-type")
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap_or_default();
        (status, kind, res.bytes().await.unwrap().to_vec())
    }

    /// A plain form post (JavaScript off): status, where it sent the browser, and any cookie set.
    pub(super) async fn post(
        &self,
        path: &str,
        pairs: &[(&str, &str)],
    ) -> (u16, String, Option<String>) {
        let res = self
            .app
            .client
            .post(format!("{}{path}", self.app.base))
            .header("content-type", "application/x-www-form-urlencoded")
            .header("origin", &self.app.base)
            .header("cookie", &self.cookie)
            .body(form(pairs))
            .send()
            .await
            .unwrap();
        let header = |name: &str| res.headers().get(name).map(|v| v.to_str().unwrap().to_owned());
        (res.status().as_u16(), header("location").unwrap_or_default(), header("set-cookie"))
    }

    /// A portal page's HTML.
    pub(super) async fn page(&self, path: &str) -> (u16, String) {
        let res = self
            .app
            .client
            .get(format!("{}{path}", self.app.base))
            .header("accept", "text/html")
            .header("cookie", &self.cookie)
            .send()
            .await
            .unwrap();
        (res.status().as_u16(), res.text().await.unwrap())
    }
}

/// An applicant who has sent an application; returns (application id, reference, portal path).
async fn applied(app: &TestApp, name: &str, email: &str) -> (String, String, String) {
    let vacancy = open_vacancy(app, "2026-12-31T23:59:00Z").await;
    let a = Applicant::start(app, vacancy).await;
    let reference = a.complete(name, email).await;
    let receipt = mails_to(app, email, 2)
        .await
        .into_iter()
        .find(|m| m.contains("Application received"))
        .expect("a receipt");
    (a.id.clone(), reference, portal_path(&receipt))
}

async fn receipt_opens_the_portal(kind: Kind) {
    let app = TestApp::spawn(kind).await;
    let (id, reference, path) = applied(&app, "Ada <b>Lovelace</b>", "ada@example.org").await;
    let holder = Holder::open(&app, &path).await;
    let (status, html) = holder.page("/portal").await;
    assert_eq!(status, 200);
    assert!(html.contains(&reference) && html.contains("Payroll Officer"), "{html}");
    assert!(html.contains("Received: we are considering your application"));
    assert!(html.contains("Ada &lt;b&gt;Lovelace&lt;/b&gt;"), "markup is escaped");
    assert!(!html.contains("<b>Lovelace"));
    assert!(!html.contains("Zanzibari"), "the portal never shows monitoring answers");
    // The link works again within its 7 days (from the same email).
    Holder::open(&app, &path).await;
    // Withdrawing: a confirmation page first, then the post; twice is one withdrawal.
    let (status, html) = holder.page(&format!("/portal/withdraw/{id}")).await;
    assert_eq!(status, 200);
    assert!(html.contains("Are you sure you want to withdraw your application?"));
    let (_, location, body) = holder.call("portal-withdraw", &[("application", &id)]).await;
    assert_eq!(location.as_deref(), Some("/portal?done=withdrawn"), "{body}");
    let first: (String,) = {
        let mut conn = app.db.acquire().await.unwrap();
        on_conn!(conn.conn(), c => sqlx::query_as("SELECT CAST(withdrawn_at AS TEXT) FROM applications")
            .fetch_one(&mut *c).await).unwrap()
    };
    app.clock.set("2026-11-25T09:00:00Z");
    let (_, location, _) = holder.call("portal-withdraw", &[("application", &id)]).await;
    assert_eq!(location.as_deref(), Some("/portal?done=withdrawn"));
    let second: (String,) = {
        let mut conn = app.db.acquire().await.unwrap();
        on_conn!(conn.conn(), c => sqlx::query_as("SELECT CAST(withdrawn_at AS TEXT) FROM applications")
            .fetch_one(&mut *c).await).unwrap()
    };
    assert_eq!(first, second, "the decision time is the first withdrawal's");
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM applications WHERE status = 'withdrawn'").await,
        1
    );
    let (_, html) = holder.page("/portal?done=withdrawn").await;
    assert!(
        html.contains("Your application has been withdrawn.") && html.contains("Withdrawn by you")
    );
    assert!(!html.contains("Withdraw this application"), "no withdraw link once withdrawn");
}

#[tokio::test]
async fn the_receipt_opens_the_portal_on_sqlite() {
    receipt_opens_the_portal(Kind::Sqlite).await;
}

#[tokio::test]
async fn the_receipt_opens_the_portal_on_postgres() {
    receipt_opens_the_portal(Kind::Postgres).await;
}

#[tokio::test]
async fn a_link_ends_after_seven_days_or_when_signed_out() {
    let app = TestApp::spawn(Kind::Sqlite).await;
    let (_, _, path) = applied(&app, "Ada", "ada@example.org").await;
    let holder = Holder::open(&app, &path).await;
    // Signing out ends the link server-side: the old cookie no longer opens anything.
    let (_, location, _) = holder.call("portal-sign-out", &[]).await;
    assert_eq!(location.as_deref(), Some("/portal/sign-in?signed-out=1"));
    let (status, html) = holder.page("/portal").await;
    assert_eq!(status, 401);
    assert!(html.contains("Your link has ended"));
    let res = app.get(&path).await;
    assert_eq!(res.headers()["location"], "/portal/sign-in?link=expired");
    // A new link, then time passes: 7 days later it no longer works.
    let (_, location, _) =
        holder.call("portal-request-link", &[("email", "ADA@example.org ")]).await;
    assert_eq!(location.as_deref(), Some("/portal/sign-in?sent=1"));
    let mails = mails_to(&app, "ada@example.org", 3).await;
    let fresh =
        mails.iter().find(|m| m.contains("Subject: Your link to your applications")).unwrap();
    let fresh = portal_path(fresh);
    let holder = Holder::open(&app, &fresh).await;
    assert_eq!(holder.page("/portal").await.0, 200);
    app.clock.set("2026-12-01T09:00:01Z");
    assert_eq!(
        holder.page("/portal").await.0,
        401,
        "the cookie outlives nothing: the server decides"
    );
    let (status, _, body) = holder.call("portal", &[]).await;
    assert!(body.contains("SignInRequired"), "{status} {body}");
    assert_eq!(app.get(&fresh).await.headers()["location"], "/portal/sign-in?link=expired");
    // Forged or malformed links say the same.
    assert_eq!(
        app.get("/portal/open/not-a-token").await.headers()["location"],
        "/portal/sign-in?link=expired"
    );
}

#[tokio::test]
async fn asking_for_a_link_reveals_nothing_about_who_has_applied() {
    let app = TestApp::spawn(Kind::Sqlite).await;
    applied(&app, "Ada", "ada@example.org").await;
    let before = count(&app, "SELECT COUNT(*) FROM mail_outbox").await;
    let ask = |email: &'static str| {
        let app = &app;
        async move {
            let res = app.post("/api/portal-request-link", &form(&[("email", email)])).await;
            let status = res.status().as_u16();
            let location = res.headers().get("location").map(|l| l.to_str().unwrap().to_owned());
            (status, location, res.text().await.unwrap())
        }
    };
    let known = ask("ada@example.org").await;
    let unknown = ask("nobody@example.org").await;
    assert_eq!(known, unknown, "the same answer for a known and an unknown address");
    assert_eq!(known.1.as_deref(), Some("/portal/sign-in?sent=1"));
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM mail_outbox").await,
        before + 1,
        "mail only to the known one"
    );
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM portal_links WHERE email = 'nobody@example.org'").await,
        0
    );
    // A malformed address is a validation error and stores nothing.
    let links = count(&app, "SELECT COUNT(*) FROM portal_links").await;
    for bad in ["", "not-an-email", "<script>@x"] {
        let (status, _, body) = ask(bad).await;
        assert!(
            body.contains("\"Validation\"") && body.contains("email"),
            "{bad}: {status} {body}"
        );
    }
    assert_eq!(count(&app, "SELECT COUNT(*) FROM portal_links").await, links);
    // Asking again and again sends at most three links an hour (the receipt's counts), and
    // the answer never changes; an hour later links can be sent again.
    let before =
        count(&app, "SELECT COUNT(*) FROM portal_links WHERE email = 'ada@example.org'").await;
    assert_eq!(before, 2, "the receipt's link and the one asked for above");
    for _ in 0..4 {
        assert_eq!(ask("ada@example.org").await, unknown);
    }
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM portal_links WHERE email = 'ada@example.org'").await,
        3
    );
    app.clock.set("2026-11-23T10:30:00Z");
    ask("ada@example.org").await;
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM portal_links WHERE email = 'ada@example.org'").await,
        4
    );
    // Without JavaScript the same page shows the same answer.
    let page = app.get("/portal/sign-in?sent=1").await.text().await.unwrap();
    assert!(page.contains("If we hold applications made with that email address"));
}

#[tokio::test]
async fn a_portal_link_reaches_only_its_own_applications() {
    let app = TestApp::spawn(Kind::Sqlite).await;
    let (_, _, ada_path) = applied(&app, "Ada", "ada@example.org").await;
    let (bob_id, bob_ref, _) = applied(&app, "Bob", "bob@example.org").await;
    let ada = Holder::open(&app, &ada_path).await;
    let (_, html) = ada.page("/portal").await;
    assert!(!html.contains(&bob_ref), "another applicant's application is not listed");
    for endpoint in ["portal-withdraw", "portal-reserve-list"] {
        let (status, _, body) =
            ada.call(endpoint, &[("application", &bob_id), ("give", "no")]).await;
        assert!(body.contains("\"NotFound\""), "{endpoint}: {body}");
        assert_eq!(status, 404);
        let (_, _, body) =
            ada.call(endpoint, &[("application", "not-an-id"), ("give", "no")]).await;
        assert!(body.contains("\"NotFound\""), "{endpoint}: {body}");
    }
    assert_eq!(ada.page(&format!("/portal/withdraw/{bob_id}")).await.0, 404);
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM applications WHERE status = 'withdrawn'").await,
        0
    );
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM consents WHERE withdrawn_at IS NOT NULL").await,
        0,
        "Bob's consent is untouched"
    );
    // Without any cookie, every portal function is "sign in".
    for endpoint in ["portal", "portal-withdraw", "portal-reserve-list", "portal-contact"] {
        let res = app.post(&format!("/api/{endpoint}"), &form(&[("application", &bob_id)])).await;
        assert!(res.text().await.unwrap().contains("SignInRequired"), "{endpoint}");
    }
}

#[tokio::test]
async fn reserve_list_consent_is_given_and_withdrawn_as_records() {
    let app = TestApp::spawn(Kind::Sqlite).await;
    let (id, _, path) = applied(&app, "Ada", "ada@example.org").await;
    let holder = Holder::open(&app, &path).await;
    // Given on the form; withdrawn from the portal with one action. The record stays.
    let (_, location, _) =
        holder.call("portal-reserve-list", &[("application", &id), ("give", "no")]).await;
    assert_eq!(location, Some(format!("/portal?done=reserve-withdrawn&application={id}")));
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM consents WHERE withdrawn_at IS NOT NULL AND withdrawn_method = 'portal'").await,
        1
    );
    let (_, html) = holder.page("/portal").await;
    assert!(html.contains("Keep this application for other jobs"), "the offer to give it again");
    // Given again with one action: a new record, by the portal, with wording and expiry.
    let (_, location, _) =
        holder.call("portal-reserve-list", &[("application", &id), ("give", "yes")]).await;
    assert_eq!(location, Some(format!("/portal?done=reserve-given&application={id}")));
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM consents WHERE method = 'portal' AND withdrawn_at IS NULL \
             AND wording_version = 1 AND expires_at > given_at"
        )
        .await,
        1
    );
    assert_eq!(count(&app, "SELECT COUNT(*) FROM consents").await, 2);
    // Giving twice is one consent.
    holder.call("portal-reserve-list", &[("application", &id), ("give", "yes")]).await;
    assert_eq!(count(&app, "SELECT COUNT(*) FROM consents").await, 2);
    let (_, html) = holder.page("/portal").await;
    assert!(html.contains("Stop keeping this application for other jobs"));
    // After withdrawing the application, consent cannot be given.
    holder.call("portal-reserve-list", &[("application", &id), ("give", "no")]).await;
    holder.call("portal-withdraw", &[("application", &id)]).await;
    let (_, _, body) =
        holder.call("portal-reserve-list", &[("application", &id), ("give", "yes")]).await;
    assert!(body.contains("\"Validation\""), "{body}");
    assert_eq!(count(&app, "SELECT COUNT(*) FROM consents WHERE withdrawn_at IS NULL").await, 0);
}

#[tokio::test]
async fn contact_details_are_corrected_and_a_new_address_ends_old_links() {
    let app = TestApp::spawn(Kind::Sqlite).await;
    let (_, _, path) = applied(&app, "Ada", "ada@example.org").await;
    let holder = Holder::open(&app, &path).await;
    let details = |email: &'static str, phone: &'static str| {
        vec![
            ("full_name", "Ada <i>King</i>"),
            ("email", email),
            ("phone", phone),
            ("contact_method", "phone"),
        ]
    };
    // Bad input is refused and changes nothing.
    let (_, _, body) = holder.call("portal-contact", &details("ada@example.org", "")).await;
    assert!(body.contains("\"Validation\"") && body.contains("phone"), "{body}");
    assert_eq!(count(&app, "SELECT COUNT(*) FROM applications WHERE full_name = 'Ada'").await, 1);
    // A good correction applies.
    let (_, location, body) =
        holder.call("portal-contact", &details("ada@example.org", "07700 900 982")).await;
    assert_eq!(location.as_deref(), Some("/portal?done=contact"), "{body}");
    let (_, html) = holder.page("/portal").await;
    assert!(html.contains("07700 900 982") && html.contains("Ada &lt;i&gt;King&lt;/i&gt;"));
    // A new address: the old link ends, both addresses are told, the new one gets a link.
    let (_, location, _) =
        holder.call("portal-contact", &details("ada.king@example.org", "07700 900 982")).await;
    assert_eq!(location.as_deref(), Some("/portal/sign-in?moved=1"));
    assert_eq!(holder.page("/portal").await.0, 401);
    let old = mails_to(&app, "ada@example.org", 3).await;
    assert!(old.iter().any(|m| m.contains("we will no longer write to this address")), "{old:?}");
    let new = mails_to(&app, "ada.king@example.org", 1).await;
    let moved = Holder::open(&app, &portal_path(&new[0])).await;
    let (status, html) = moved.page("/portal").await;
    assert_eq!(status, 200);
    assert!(html.contains("ada.king@example.org") && html.contains("Payroll Officer"));
}

#[tokio::test]
async fn portal_pages_work_as_plain_form_posts() {
    let app = TestApp::spawn(Kind::Sqlite).await;
    let (id, _, path) = applied(&app, "Ada", "ada@example.org").await;
    let holder = Holder::open(&app, &path).await;
    // Without JavaScript: a form post answered with a redirect the browser follows.
    let res = app
        .client
        .post(format!("{}/api/portal-withdraw", app.base))
        .header("content-type", "application/x-www-form-urlencoded")
        .header("accept", "text/html")
        .header("origin", &app.base)
        .header("referer", format!("{}/portal/withdraw/{id}", app.base))
        .header("cookie", &holder.cookie)
        .body(form(&[("application", &id)]))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 302);
    assert_eq!(res.headers()["location"], "/portal?done=withdrawn");
    // A refused contact form goes back to its page with the problem, which the page shows.
    let res = app
        .client
        .post(format!("{}/api/portal-contact", app.base))
        .header("content-type", "application/x-www-form-urlencoded")
        .header("accept", "text/html")
        .header("origin", &app.base)
        .header("referer", format!("{}/portal/contact", app.base))
        .header("cookie", &holder.cookie)
        .body(form(&[("full_name", ""), ("email", "ada@example.org"), ("contact_method", "email")]))
        .send()
        .await
        .unwrap();
    let location = res.headers()["location"].to_str().unwrap().to_owned();
    assert!(location.contains("/portal/contact") && location.contains("__err="), "{location}");
    let location = location.trim_start_matches(&app.base).to_owned();
    let (_, html) = holder.page(&location).await;
    assert!(html.contains("<title>Error: Your contact details"), "{html}");
    assert!(html.contains("Enter your full name") && html.contains("href=\"#full_name\""));
}

#[tokio::test]
async fn a_decided_application_shows_the_decision_and_cannot_be_withdrawn() {
    let app = TestApp::spawn(Kind::Sqlite).await;
    let (id, _, path) = applied(&app, "Ada Lovelace", "ada@example.org").await;
    {
        let mut conn = app.db.acquire().await.unwrap();
        let rejected = server::db::selection::decide(
            conn.conn(),
            id.parse().unwrap(),
            0,
            server::db::selection::Decision::Reject("essential_criteria"),
            app.clock_now(),
        )
        .await
        .unwrap();
        assert!(rejected);
    }
    let holder = Holder::open(&app, &path).await;
    let (_, html) = holder.page("/portal").await;
    assert!(html.contains("Unsuccessful: we will not be taking your application further"));
    assert!(!html.contains("Withdraw this application"), "no withdraw link once decided");
    let (_, html) = holder.page(&format!("/portal/withdraw/{id}")).await;
    assert!(html.contains("You cannot withdraw this application"), "{html}");
    let (status, _, body) = holder.call("portal-withdraw", &[("application", &id)]).await;
    assert_eq!(status, 422, "{body}");
    assert!(body.contains("A decision has already been made on this application"));
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM applications WHERE status = 'submitted' AND outcome = 'rejected'"
        )
        .await,
        1
    );
}
