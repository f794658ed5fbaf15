//! Staff sign-in over HTTP, from outside: sessions rotate at sign-in, end at sign-out, at
//! deactivation and at the idle timeout; failed attempts are rate-limited and audited.

use super::helpers::{Kind, TestApp};
use app::domain::{StaffId, access::OrgRole};
use server::auth::{password, sessions};
use server::db::{audit, staff};
use uuid::Uuid;
use zeroize::Zeroizing;

pub(super) const PASSWORD: &str = "vivid-otter-lantern-42";

pub(super) async fn add_staff(app: &TestApp, email: &str, role: Option<OrgRole>) -> StaffId {
    let id = StaffId::from_uuid(Uuid::new_v4());
    let hash = password::hash(Zeroizing::new(PASSWORD.to_owned())).await.unwrap();
    let record = staff::StaffRecord {
        id,
        email: email.to_owned(),
        display_name: "Robin Example".to_owned(),
        password_hash: Some(hash),
        org_role: role,
        created_at: app.clock_now(),
        deactivated_at: None,
    };
    let mut conn = app.db.acquire().await.unwrap();
    assert!(staff::insert(conn.conn(), &record).await.unwrap());
    id
}

pub(super) fn form(email: &str, password: &str) -> String {
    let enc = |s: &str| s.replace('@', "%40").replace(' ', "+");
    format!("email={}&password={}", enc(email), enc(password))
}

pub(super) async fn sign_in(
    app: &TestApp,
    email: &str,
    password: &str,
    cookie: Option<&str>,
) -> reqwest::Response {
    let mut req = app
        .client
        .post(format!("{}/staff/sign-in", app.base))
        .header("content-type", "application/x-www-form-urlencoded")
        .header("origin", &app.base)
        .body(form(email, password));
    if let Some(token) = cookie {
        req = req.header("cookie", format!("shortlist-session={token}"));
    }
    req.send().await.unwrap()
}

pub(super) fn location(res: &reqwest::Response) -> &str {
    res.headers().get("location").unwrap().to_str().unwrap()
}

/// The session token from a sign-in response's Set-Cookie.
pub(super) fn token_of(res: &reqwest::Response) -> String {
    let cookie = res.headers().get("set-cookie").unwrap().to_str().unwrap();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax") && cookie.contains("Path=/")
    );
    cookie.split(';').next().unwrap().split_once('=').unwrap().1.to_owned()
}

pub(super) async fn home(app: &TestApp, token: &str) -> (u16, String) {
    let res = app
        .client
        .get(format!("{}/staff", app.base))
        .header("accept", "text/html")
        .header("cookie", format!("shortlist-session={token}"))
        .send()
        .await
        .unwrap();
    (res.status().as_u16(), res.text().await.unwrap())
}

#[tokio::test]
async fn signing_in_rotates_the_session_and_signing_out_ends_it() {
    let app = TestApp::spawn(Kind::Sqlite).await;
    let id = add_staff(&app, "hr@example.org", Some(OrgRole::Hr)).await;

    let (status, page) = home(&app, "no-session").await;
    assert_eq!(status, 401);
    assert!(page.contains("Sign in to continue"));

    let wrong = sign_in(&app, "hr@example.org", "not-the-password", None).await;
    assert_eq!(wrong.status(), 303);
    assert_eq!(location(&wrong), "/staff/sign-in?error=credentials");
    assert!(wrong.headers().get("set-cookie").is_none());

    // A session the browser already had (say, planted by someone else) is replaced.
    let planted = sessions::start(&app.db, id, None, app.clock_now()).await.unwrap();
    let ok = sign_in(&app, "HR@Example.org", PASSWORD, Some(planted.expose())).await;
    assert_eq!(ok.status(), 303);
    assert_eq!(location(&ok), "/staff");
    let fresh = token_of(&ok);
    assert_ne!(fresh, planted.expose());
    assert_eq!(home(&app, planted.expose()).await.0, 401, "the old session ended at sign-in");
    let (status, page) = home(&app, &fresh).await;
    assert_eq!(status, 200);
    assert!(page.contains("Signed in as Robin Example"), "{page}");
    assert!(page.contains("You can see every vacancy."));

    let out = app
        .client
        .post(format!("{}/staff/sign-out", app.base))
        .header("origin", &app.base)
        .header("cookie", format!("shortlist-session={fresh}"))
        .send()
        .await
        .unwrap();
    assert_eq!(out.status(), 303);
    assert_eq!(location(&out), "/staff/sign-in?signed-out=1");
    assert!(out.headers().get("set-cookie").unwrap().to_str().unwrap().contains("Max-Age=0"));
    assert_eq!(home(&app, &fresh).await.0, 401, "signed out on the server, not just the cookie");

    let mut conn = app.db.acquire().await.unwrap();
    let log = audit::recent(conn.conn(), None, 10).await.unwrap();
    let actions: Vec<_> =
        log.iter().map(|e| (e.action.as_str(), e.outcome, e.actor.is_some())).collect();
    assert_eq!(
        actions,
        [
            ("staff.sign_out", audit::Outcome::Ok, true),
            ("staff.sign_in", audit::Outcome::Ok, true),
            ("staff.sign_in", audit::Outcome::Refused, false),
        ]
    );
    assert!(log.iter().all(|e| e.client_addr.as_deref() == Some("127.0.0.1")));
    assert!(log.iter().all(|e| e.object_id == Some(id.as_uuid())));
}

#[tokio::test]
async fn a_deactivated_staff_members_session_is_refused_on_its_next_request() {
    let app = TestApp::spawn(Kind::Sqlite).await;
    let id = add_staff(&app, "manager@example.org", None).await;
    let t = token_of(&sign_in(&app, "manager@example.org", PASSWORD, None).await);
    assert_eq!(home(&app, &t).await.0, 200);
    sessions::deactivate(&app.db, id, app.clock_now()).await.unwrap();
    assert_eq!(home(&app, &t).await.0, 401);
    let again = sign_in(&app, "manager@example.org", PASSWORD, None).await;
    assert_eq!(location(&again), "/staff/sign-in?error=credentials");
}

#[tokio::test]
async fn an_idle_session_ends_after_thirty_minutes() {
    let app = TestApp::spawn(Kind::Sqlite).await;
    add_staff(&app, "hr@example.org", Some(OrgRole::Hr)).await;
    let t = token_of(&sign_in(&app, "hr@example.org", PASSWORD, None).await);
    app.clock.set("2026-11-23T09:29:00Z");
    assert_eq!(home(&app, &t).await.0, 200);
    app.clock.set("2026-11-23T09:59:00Z");
    assert_eq!(home(&app, &t).await.0, 401);
}

#[tokio::test]
async fn failed_sign_ins_are_rate_limited_per_account_and_the_limit_recovers() {
    let app = TestApp::spawn(Kind::Sqlite).await;
    add_staff(&app, "hr@example.org", Some(OrgRole::Hr)).await;
    for _ in 0..5 {
        let res = sign_in(&app, "hr@example.org", "wrong-guess-here", None).await;
        assert_eq!(location(&res), "/staff/sign-in?error=credentials");
    }
    // Even the right password is refused while the limit holds, with a clear reason.
    let res = sign_in(&app, "hr@example.org", PASSWORD, None).await;
    assert_eq!(location(&res), "/staff/sign-in?error=too-many");
    assert!(res.headers().get("set-cookie").is_none());
    // Fifteen minutes later the account can sign in again.
    app.clock.set("2026-11-23T09:16:00Z");
    let res = sign_in(&app, "hr@example.org", PASSWORD, None).await;
    assert_eq!(location(&res), "/staff");
}

#[tokio::test]
async fn failed_sign_ins_are_rate_limited_per_client_address_across_accounts() {
    let app = TestApp::spawn(Kind::Sqlite).await;
    add_staff(&app, "hr@example.org", Some(OrgRole::Hr)).await;
    for n in 0..20 {
        let res = sign_in(&app, &format!("guess{n}@example.org"), "wrong-guess-here", None).await;
        assert_eq!(location(&res), "/staff/sign-in?error=credentials");
    }
    let res = sign_in(&app, "hr@example.org", PASSWORD, None).await;
    assert_eq!(location(&res), "/staff/sign-in?error=too-many");
}

#[tokio::test]
async fn the_sign_in_page_explains_each_failure_and_marks_its_title() {
    let app = TestApp::spawn(Kind::Sqlite).await;
    let page = app.get("/staff/sign-in?error=credentials").await.text().await.unwrap();
    assert!(page.contains("<title>Error: Sign in"), "{page}");
    assert!(page.contains("There is a problem"));
    assert!(page.contains("Enter a correct email address and password"));
    let page =
        app.get("/staff/sign-in?error=<script>alert(1)</script>").await.text().await.unwrap();
    assert!(!page.contains("There is a problem"));
    assert!(!page.contains("<script>alert(1)"));
    let page = app.get("/staff/sign-in?signed-out=1").await.text().await.unwrap();
    assert!(page.contains("You have signed out."));
}

#[tokio::test]
async fn a_sign_in_post_from_another_site_is_refused_before_anything_happens() {
    let app = TestApp::spawn(Kind::Sqlite).await;
    add_staff(&app, "hr@example.org", Some(OrgRole::Hr)).await;
    let res = app
        .client
        .post(format!("{}/staff/sign-in", app.base))
        .header("content-type", "application/x-www-form-urlencoded")
        .header("origin", "https://evil.example")
        .body(form("hr@example.org", PASSWORD))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
    assert!(res.headers().get("set-cookie").is_none());
    let mut conn = app.db.acquire().await.unwrap();
    assert!(audit::recent(conn.conn(), None, 10).await.unwrap().is_empty(), "nothing happened");
}

pub(super) async fn set_password(
    app: &TestApp,
    token: &str,
    password: &str,
    confirm: &str,
) -> reqwest::Response {
    app.client
        .post(format!("{}/staff/set-password", app.base))
        .header("content-type", "application/x-www-form-urlencoded")
        .header("origin", &app.base)
        .body(format!(
            "token={token}&password={}&confirm={}",
            password.replace(' ', "+"),
            confirm.replace(' ', "+")
        ))
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn create_admin_prints_a_single_use_link_that_sets_the_password() {
    let app = TestApp::spawn(Kind::Sqlite).await;
    let data = tempfile::tempdir().unwrap();
    let config = super::helpers::test_config(
        &app.db_url,
        data.path(),
        &[("SHORTLIST_PUBLIC_URL", app.base.as_str())],
    );
    let now = app.clock_now();
    for bad in ["not-an-email", "a@b", "@example.org", "two words@example.org"] {
        assert!(server::admin::create_admin(&config, bad, "Sam Lead", now).await.is_err(), "{bad}");
    }
    let link =
        server::admin::create_admin(&config, "Lead@Example.org", "Sam Lead", now).await.unwrap();
    let prefix = format!("{}/staff/set-password/", app.base);
    assert!(link.as_str().starts_with(&prefix), "{link}");
    let token = link.as_str()[prefix.len()..].to_owned();
    assert!(
        server::admin::create_admin(&config, "lead@example.org", "Sam", now).await.is_err(),
        "the same email cannot be used twice"
    );
    let path = format!("/staff/set-password/{token}");
    let page = app.get(&path).await.text().await.unwrap();
    assert!(page.contains("Create a password"), "{page}");

    // Each problem goes back to the form with its reason, and changes nothing.
    for (password, confirm, code, message) in [
        ("password", "password", "guessable", "harder to guess"),
        ("short", "short", "too-short", "8 characters or more"),
        ("lead-otter-lantern-42", "lead-otter-lantern-42", "personal", "name or email"),
        ("vivid-otter-lantern-42", "vivid-otter-lantern-43", "mismatch", "do not match"),
    ] {
        let res = set_password(&app, &token, password, confirm).await;
        assert_eq!(location(&res), format!("{path}?error={code}"));
        let page = app.get(&format!("{path}?error={code}")).await.text().await.unwrap();
        assert!(page.contains("<title>Error: Create a password"), "{code}");
        assert!(page.contains(message), "{code}");
    }
    assert_eq!(
        location(&sign_in(&app, "lead@example.org", "vivid-otter-lantern-42", None).await),
        "/staff/sign-in?error=credentials",
        "no password is set until the form succeeds"
    );

    let res = set_password(&app, &token, PASSWORD, PASSWORD).await;
    assert_eq!(location(&res), "/staff/sign-in?password-set=1");
    let page = app.get("/staff/sign-in?password-set=1").await.text().await.unwrap();
    assert!(page.contains("Your password has been set"));

    // The link works once.
    let again =
        set_password(&app, &token, "another-otter-lantern-77", "another-otter-lantern-77").await;
    assert_eq!(location(&again), path);
    assert!(app.get(&path).await.text().await.unwrap().contains("already been used"));
    assert_eq!(
        location(&sign_in(&app, "lead@example.org", "another-otter-lantern-77", None).await),
        "/staff/sign-in?error=credentials"
    );

    let t = token_of(&sign_in(&app, "lead@example.org", PASSWORD, None).await);
    let (status, home_page) = home(&app, &t).await;
    assert_eq!(status, 200);
    assert!(home_page.contains("Signed in as Sam Lead"));
    assert!(home_page.contains("HR administrator"));

    let mut conn = app.db.acquire().await.unwrap();
    let actions: Vec<String> =
        audit::recent(conn.conn(), None, 50).await.unwrap().into_iter().map(|e| e.action).collect();
    assert!(actions.contains(&"staff.create_admin".to_owned()));
    assert!(actions.contains(&"staff.set_password".to_owned()));
}

#[tokio::test]
async fn a_set_password_link_expires_after_72_hours() {
    let app = TestApp::spawn(Kind::Sqlite).await;
    let data = tempfile::tempdir().unwrap();
    let config = super::helpers::test_config(&app.db_url, data.path(), &[]);
    let link = server::admin::create_admin(&config, "hr@example.org", "HR", app.clock_now())
        .await
        .unwrap();
    let path = link.path().to_owned();
    let token = path.rsplit('/').next().unwrap().to_owned();
    app.clock.set("2026-11-26T09:00:00Z");
    let page = app.get(&path).await.text().await.unwrap();
    assert!(page.contains("This link has expired"), "{page}");
    let res = set_password(&app, &token, PASSWORD, PASSWORD).await;
    assert_eq!(location(&res), path);
    assert_eq!(
        location(&sign_in(&app, "hr@example.org", PASSWORD, None).await),
        "/staff/sign-in?error=credentials"
    );
}

/// A `MakeWriter` that appends every log line to a shared buffer.
#[derive(Clone, Default)]
pub(super) struct Captured(pub(super) std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Captured {
    type Writer = Self;
    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

/// Installs (once for the whole test binary) a global subscriber that keeps every log line at
/// every level. Global rather than per-thread: tracing caches per-callsite interest across
/// threads, so a thread-local subscriber can miss events while other tests run in parallel.
pub(super) fn capture() -> Captured {
    static CAPTURED: std::sync::OnceLock<Captured> = std::sync::OnceLock::new();
    CAPTURED
        .get_or_init(|| {
            let captured = Captured::default();
            let subscriber = tracing_subscriber::fmt()
                .with_max_level(tracing::Level::TRACE)
                .with_writer(captured.clone())
                .with_ansi(false)
                .finish();
            tracing::subscriber::set_global_default(subscriber)
                .expect("no other global subscriber");
            captured
        })
        .clone()
}

/// Everything logged (at every level, by every test running meanwhile too) while an
/// administrator is created, sets a password, fails and succeeds to sign in and signs out holds
/// no password, token or email address.
#[tokio::test]
async fn no_password_token_or_email_reaches_the_log() {
    let captured = capture();

    let app = TestApp::spawn(Kind::Sqlite).await;
    let data = tempfile::tempdir().unwrap();
    let config = super::helpers::test_config(&app.db_url, data.path(), &[]);
    let email = "log.check.lead@example.org";
    let link =
        server::admin::create_admin(&config, email, "Sam Lead", app.clock_now()).await.unwrap();
    let link_token = link.path().rsplit('/').next().unwrap().to_owned();
    set_password(&app, &link_token, "password123", "password123").await;
    set_password(&app, &link_token, PASSWORD, PASSWORD).await;
    sign_in(&app, email, "a-wrong-password-typed", None).await;
    let session = token_of(&sign_in(&app, email, PASSWORD, None).await);
    assert_eq!(home(&app, &session).await.0, 200);
    app.client
        .post(format!("{}/staff/sign-out", app.base))
        .header("origin", &app.base)
        .header("cookie", format!("shortlist-session={session}"))
        .send()
        .await
        .unwrap();

    let log = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(
        log.contains("staff.sign_in") || log.contains("/staff/sign-in"),
        "the flow was logged:\n{log}"
    );
    for secret in [
        PASSWORD,
        "password123",
        "a-wrong-password-typed",
        &link_token,
        &session,
        email,
        "Sam Lead",
    ] {
        assert!(!log.contains(secret), "{secret:?} appeared in the log");
    }
}

pub(super) async fn get_with(app: &TestApp, path: &str, token: &str) -> reqwest::Response {
    app.client
        .get(format!("{}{path}", app.base))
        .header("accept", "text/html")
        .header("cookie", format!("shortlist-session={token}"))
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn hr_admins_read_and_download_the_audit_log_and_each_look_is_recorded() {
    let app = TestApp::spawn(Kind::Sqlite).await;
    add_staff(&app, "admin@example.org", Some(OrgRole::HrAdmin)).await;
    sign_in(&app, "admin@example.org", "not-the-right-one", None).await;
    let t = token_of(&sign_in(&app, "admin@example.org", PASSWORD, None).await);

    let page =
        get_with(&app, "/staff/audit?action=staff.sign_in&from=2026-11-23&to=2026-11-23", &t).await;
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains("<title>Audit log"), "{html}");
    assert!(html.contains("Showing the newest 2 entries"), "{html}");
    assert!(html.contains("refused") && html.contains("admin@example.org"));

    // One person's entries only.
    let html =
        get_with(&app, "/staff/audit?user=someone%40example.org", &t).await.text().await.unwrap();
    assert!(html.contains("Showing the newest 0 entries"), "{html}");
    let html = get_with(&app, "/staff/audit?user=ADMIN%40example.org&action=staff.sign_in", &t)
        .await
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("Showing the newest 1 entries"),
        "only the successful sign-in has an actor: {html}"
    );

    // A day with nothing in it.
    let html = get_with(&app, "/staff/audit?from=2026-11-24", &t).await.text().await.unwrap();
    assert!(html.contains("Showing the newest 0 entries"), "{html}");

    // Malformed dates get a clear message and show nothing.
    let html = get_with(&app, "/staff/audit?from=2026-02-30", &t).await.text().await.unwrap();
    assert!(html.contains("There is a problem") && html.contains("Enter a real date"), "{html}");

    let csv = get_with(&app, "/staff/audit.csv?action=staff.sign_in", &t).await;
    assert_eq!(csv.status(), 200);
    assert_eq!(csv.headers()["content-type"], "text/csv; charset=utf-8");
    assert!(csv.headers()["content-disposition"].to_str().unwrap().starts_with("attachment"));
    let body = csv.text().await.unwrap();
    let lines: Vec<_> = body.split("\r\n").filter(|l| !l.is_empty()).collect();
    assert_eq!(lines[0], "at_utc,actor,action,object,vacancy,client_address,outcome");
    assert_eq!(lines.len(), 3, "{body}");
    let bad = get_with(&app, "/staff/audit.csv?to=yesterday", &t).await;
    assert_eq!(bad.status(), 422);

    let mut conn = app.db.acquire().await.unwrap();
    let actions: Vec<String> =
        audit::recent(conn.conn(), None, 50).await.unwrap().into_iter().map(|e| e.action).collect();
    assert!(actions.contains(&"audit.view".to_owned()));
    assert!(actions.contains(&"audit.export".to_owned()));
}
