//! User management, invitations through the mail outbox, and second factors, driven over HTTP
//! as a browser would (plain form posts, cookies, redirects), plus the outbox's delivery rules
//! on both backends.

use super::helpers::{Kind, TestApp, TestDb};
use super::signin::{PASSWORD, add_staff, capture, get_with, home, location, sign_in, token_of};
use app::domain::{StaffId, access::OrgRole};
use chrono::Duration;
use server::db::{self, Database, audit, staff};
use server::mail::{DeliveryError, Dispatcher, NewMessage, Outbox, Transport};
use std::sync::{Arc, Mutex};
use uuid::Uuid;

pub(super) async fn post_as(
    app: &TestApp,
    token: &str,
    path: &str,
    body: &str,
) -> reqwest::Response {
    app.client
        .post(format!("{}{path}", app.base))
        .header("content-type", "application/x-www-form-urlencoded")
        .header("origin", &app.base)
        .header("cookie", format!("shortlist-session={token}"))
        .body(body.to_owned())
        .send()
        .await
        .unwrap()
}

async fn admin(app: &TestApp) -> (StaffId, String) {
    let id = add_staff(app, "admin@example.org", Some(OrgRole::HrAdmin)).await;
    let token = token_of(&sign_in(app, "admin@example.org", PASSWORD, None).await);
    (id, token)
}

/// Waits for the dispatcher to deliver a message to `to` and returns its decoded text.
pub(super) async fn mail_to(app: &TestApp, to: &str) -> String {
    for _ in 0..100 {
        if let Ok(entries) = std::fs::read_dir(app.outbox_dir()) {
            for entry in entries.flatten() {
                let text = std::fs::read_to_string(entry.path()).unwrap_or_default();
                if entry.path().extension().is_some_and(|e| e == "eml")
                    && text.lines().any(|l| l.eq_ignore_ascii_case(&format!("to: {to}")))
                {
                    return decode_quoted_printable(&text);
                }
            }
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("no message to {to} in {}", app.outbox_dir().display());
}

/// Enough quoted-printable decoding to read a link back (soft breaks and `=XX`).
pub(super) fn decode_quoted_printable(text: &str) -> String {
    if !text.contains("quoted-printable") {
        return text.to_owned();
    }
    let joined = text.replace("=\r\n", "").replace("=\n", "");
    let mut out = Vec::new();
    let b = joined.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'='
            && i + 2 < b.len()
            && let Ok(v) = u8::from_str_radix(&joined[i + 1..i + 3], 16)
        {
            out.push(v);
            i += 3;
            continue;
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn link_token(mail: &str) -> String {
    let start = mail.find("/staff/set-password/").expect("a set-password link") + 20;
    mail[start..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect()
}

/// The content of the element with this id, up to `end` (attributes may come in any order).
fn inside<'a>(html: &'a str, id: &str, end: &str) -> &'a str {
    let at = html.find(&format!("id=\"{id}\"")).unwrap_or_else(|| panic!("#{id} in {html}"));
    let from = at + html[at..].find('>').unwrap() + 1;
    let len = html[from..].find(end).unwrap();
    &html[from..from + len]
}

fn base32_decode(text: &str) -> Vec<u8> {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    let (mut buffer, mut bits, mut out) = (0u32, 0u32, Vec::new());
    for c in text.bytes().filter(|c| !c.is_ascii_whitespace()) {
        let v = u32::try_from(ALPHABET.iter().position(|a| *a == c).unwrap()).unwrap();
        buffer = (buffer << 5) | v;
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            out.push(u8::try_from((buffer >> bits) & 0xff).unwrap());
        }
    }
    out
}

fn code(secret: &[u8], app: &TestApp) -> String {
    use server::auth::totp;
    format!("{:06}", totp::code_at(secret, totp::step_at(app.clock_now())))
}

fn cookie_of(res: &reqwest::Response) -> Option<String> {
    res.headers().get("set-cookie").map(|c| {
        c.to_str().unwrap().split(';').next().unwrap().split_once('=').unwrap().1.to_owned()
    })
}

/// The whole journey: an HR administrator invites a hiring manager, who sets a password from
/// the emailed link and signs in.
#[tokio::test]
async fn an_invited_hiring_manager_sets_a_password_from_the_emailed_link_and_signs_in() {
    let app = TestApp::spawn(Kind::Sqlite).await;
    let (admin_id, admin) = admin(&app).await;
    let res = post_as(
        &app,
        &admin,
        "/staff/users/invite",
        "email=HM%40Example.org&name=Hiring+Manager&role=none",
    )
    .await;
    assert_eq!(res.status(), 303);
    let to = location(&res).to_owned();
    assert!(to.starts_with("/staff/users/") && to.ends_with("?done=invited"), "{to}");

    let mail = mail_to(&app, "hm@example.org").await;
    assert!(
        mail.contains("Subject: Your Shortlist account at Northwind Borough Council"),
        "{mail}"
    );
    let token = link_token(&mail);
    assert_eq!(token.len(), 43, "{mail}");
    let res = super::signin::set_password(&app, &token, PASSWORD, PASSWORD).await;
    assert_eq!(location(&res), "/staff/sign-in?password-set=1");
    let session = token_of(&sign_in(&app, "hm@example.org", PASSWORD, None).await);
    let (status, html) = home(&app, &session).await;
    assert_eq!(status, 200);
    assert!(html.contains("Signed in as Hiring Manager"), "{html}");

    // The delivered message keeps no body (its link was a credential) and the audit log
    // names the invitation by ids only.
    let mut conn = app.db.acquire().await.unwrap();
    let outbox = db::mail::recent(conn.conn(), 10).await.unwrap();
    assert_eq!(outbox.len(), 1);
    assert!(outbox[0].sent_at.is_some() && outbox[0].body.is_none());
    let log = audit::recent(conn.conn(), Some(admin_id), 20).await.unwrap();
    let invite = log.iter().find(|e| e.action == "staff.invite").expect("invitation audited");
    assert_eq!(invite.object_type.as_deref(), Some("staff"));
}

#[tokio::test]
async fn bad_or_duplicate_invitations_are_refused_and_change_nothing() {
    let app = TestApp::spawn(Kind::Sqlite).await;
    let (_, admin) = admin(&app).await;
    let count = |app: &TestApp| {
        let db = app.db.clone();
        async move {
            let mut conn = db.acquire().await.unwrap();
            staff::list(conn.conn()).await.unwrap().len()
        }
    };
    let before = count(&app).await;
    for (body, expected) in [
        ("email=&name=&role=", "/staff/invite?error=email-missing,name-missing,role"),
        ("email=not-an-email&name=X&role=none", "/staff/invite?error=email-format"),
        ("email=a%40b.co&name=%3Cscript%3E&role=owner", "/staff/invite?error=role"),
        ("email=ADMIN%40example.org&name=Again&role=hr", "/staff/invite?error=email-taken"),
    ] {
        let res = post_as(&app, &admin, "/staff/users/invite", body).await;
        assert_eq!(location(&res), expected, "{body}");
    }
    assert_eq!(count(&app).await, before);
    let html =
        get_with(&app, "/staff/invite?error=email-taken", &admin).await.text().await.unwrap();
    assert!(html.contains("<title>Error: Invite someone"), "{html}");
    assert!(html.contains("An account with this email address already exists"));
}

#[tokio::test]
async fn roles_and_assignments_change_what_a_person_may_do_and_deactivation_ends_sessions() {
    let app = TestApp::spawn(Kind::Sqlite).await;
    let (admin_id, admin) = admin(&app).await;
    let rec = super::conformance::vacancy(
        "Analyst",
        db::vacancies::Status::Published,
        "2026-12-31T23:59:00Z",
    );
    {
        let mut conn = app.db.acquire().await.unwrap();
        db::vacancies::insert(conn.conn(), &rec).await.unwrap();
    }
    let hm = add_staff(&app, "hm@example.org", None).await;
    let hm_session = token_of(&sign_in(&app, "hm@example.org", PASSWORD, None).await);
    assert!(home(&app, &hm_session).await.1.contains("not assigned to any vacancy"));

    let page = format!("/staff/users/{hm}");
    let res = post_as(
        &app,
        &admin,
        &format!("{page}/assign"),
        &format!("vacancy={}&role=hiring_manager", rec.id),
    )
    .await;
    assert_eq!(location(&res), format!("{page}?done=assigned"));
    assert!(home(&app, &hm_session).await.1.contains("assigned to 1 vacancy"));
    let html = get_with(&app, &page, &admin).await.text().await.unwrap();
    assert!(html.contains("Analyst") && html.contains("Hiring manager"), "{html}");

    // Unknown vacancy, unknown role: refused, nothing changes.
    let res = post_as(
        &app,
        &admin,
        &format!("{page}/assign"),
        &format!("vacancy={}&role=hiring_manager", Uuid::new_v4()),
    )
    .await;
    assert_eq!(location(&res), format!("{page}?error=vacancy"));
    let res =
        post_as(&app, &admin, &format!("{page}/assign"), &format!("vacancy={}&role=owner", rec.id))
            .await;
    assert_eq!(location(&res), format!("{page}?error=role"));

    let res = post_as(&app, &admin, &format!("{page}/role"), "role=auditor").await;
    assert_eq!(location(&res), format!("{page}?done=role"));
    assert_eq!(get_with(&app, "/staff/audit", &hm_session).await.status(), 200);
    let res =
        post_as(&app, &admin, &format!("{page}/unassign"), &format!("vacancy={}", rec.id)).await;
    assert_eq!(location(&res), format!("{page}?done=unassigned"));

    // An administrator cannot lock themselves out.
    let own = format!("/staff/users/{admin_id}");
    assert_eq!(
        location(&post_as(&app, &admin, &format!("{own}/role"), "role=none").await),
        format!("{own}?error=own-account")
    );
    assert_eq!(
        location(&post_as(&app, &admin, &format!("{own}/deactivate"), "confirm=yes").await),
        format!("{own}?error=own-account")
    );

    // Deactivation needs the box ticked, then ends the live session at its next request.
    assert_eq!(
        location(&post_as(&app, &admin, &format!("{page}/deactivate"), "").await),
        format!("{page}?error=confirm")
    );
    assert_eq!(home(&app, &hm_session).await.0, 200);
    assert_eq!(
        location(&post_as(&app, &admin, &format!("{page}/deactivate"), "confirm=yes").await),
        format!("{page}?done=deactivated")
    );
    assert_eq!(home(&app, &hm_session).await.0, 401);
    let res = sign_in(&app, "hm@example.org", PASSWORD, None).await;
    assert_eq!(location(&res), "/staff/sign-in?error=credentials");

    // Unknown and malformed ids are not found.
    for path in
        [format!("/staff/users/{}/role", Uuid::new_v4()), "/staff/users/nope/role".to_owned()]
    {
        assert_eq!(post_as(&app, &admin, &path, "role=hr").await.status(), 404, "{path}");
    }
    assert_eq!(
        get_with(&app, &format!("/staff/users/{}", Uuid::new_v4()), &admin).await.status(),
        404
    );
}

/// Enrols through the pages as a browser would; returns the secret and the recovery codes.
async fn enrol(app: &TestApp, token: &str) -> (Vec<u8>, Vec<String>, reqwest::Response) {
    let html = get_with(app, "/staff/two-factor", token).await.text().await.unwrap();
    let html = if html.contains("id=\"totp-key\"") {
        html
    } else {
        let res = post_as(app, token, "/staff/two-factor/start", "").await;
        assert_eq!(location(&res), "/staff/two-factor");
        get_with(app, "/staff/two-factor", token).await.text().await.unwrap()
    };
    assert!(html.contains("<svg"), "the page shows a QR code");
    let secret = base32_decode(inside(&html, "totp-key", "<"));
    let codes: Vec<String> = inside(&html, "recovery-codes", "</ul>")
        .split("<code>")
        .skip(1)
        .map(|c| c.split('<').next().unwrap().to_owned())
        .collect();
    assert_eq!(codes.len(), 10);
    let wrong = post_as(app, token, "/staff/two-factor/confirm", "code=000000").await;
    assert_eq!(location(&wrong), "/staff/two-factor?error=wrong");
    let res =
        post_as(app, token, "/staff/two-factor/confirm", &format!("code={}", code(&secret, app)))
            .await;
    (secret, codes, res)
}

async fn password_step(app: &TestApp) -> String {
    let res = sign_in(app, "hm@example.org", PASSWORD, None).await;
    assert_eq!(location(&res), "/staff/sign-in/code");
    token_of(&res)
}

#[tokio::test]
async fn when_two_factor_is_required_sign_in_needs_enrolment_then_a_code_every_time() {
    let app = TestApp::spawn(Kind::Sqlite).await;
    let (_, admin) = admin(&app).await;
    let res = post_as(&app, &admin, "/staff/settings/two-factor", "require=yes").await;
    assert_eq!(location(&res), "/staff/users?done=two-factor-setting");
    add_staff(&app, "hm@example.org", None).await;

    // Password alone: a pending session that signs nobody in.
    let res = sign_in(&app, "hm@example.org", PASSWORD, None).await;
    assert_eq!(location(&res), "/staff/two-factor");
    let pending = token_of(&res);
    assert_eq!(home(&app, &pending).await.0, 401, "a pending sign-in is not signed in");
    assert_eq!(get_with(&app, "/staff/audit", &pending).await.status(), 401);

    let (secret, codes, res) = enrol(&app, &pending).await;
    assert_eq!(location(&res), "/staff?two-factor=on");
    let session = cookie_of(&res).expect("a new session");
    assert_ne!(session, pending, "finishing sign-in rotates the session");
    assert_eq!(home(&app, &session).await.0, 200);
    assert_eq!(home(&app, &pending).await.0, 401);

    // Next time: password, then a code. A wrong code, a replayed code and a spent recovery
    // code are refused.
    let pending = password_step(&app).await;
    let res = post_as(&app, &pending, "/staff/sign-in/code", "code=123456").await;
    assert_eq!(location(&res), "/staff/sign-in/code?error=wrong");
    let replay =
        post_as(&app, &pending, "/staff/sign-in/code", &format!("code={}", code(&secret, &app)))
            .await;
    assert_eq!(location(&replay), "/staff/sign-in/code?error=wrong", "the enrolment code was used");
    app.clock.set(&(app.clock_now() + Duration::seconds(30)).to_rfc3339());
    let res =
        post_as(&app, &pending, "/staff/sign-in/code", &format!("code={}", code(&secret, &app)))
            .await;
    assert_eq!(location(&res), "/staff");
    let session = cookie_of(&res).unwrap();
    assert_eq!(home(&app, &session).await.0, 200);

    let pending = password_step(&app).await;
    let res = post_as(
        &app,
        &pending,
        "/staff/sign-in/code",
        &format!("code={}", codes[0].to_uppercase()),
    )
    .await;
    assert_eq!(location(&res), "/staff", "a recovery code works once");
    let pending = password_step(&app).await;
    let res = post_as(&app, &pending, "/staff/sign-in/code", &format!("code={}", codes[0])).await;
    assert_eq!(location(&res), "/staff/sign-in/code?error=wrong", "and only once");
    let res = post_as(&app, &pending, "/staff/sign-in/code", &format!("code={}", codes[1])).await;
    assert_eq!(location(&res), "/staff");

    // Each attempt is in the audit log.
    let mut conn = app.db.acquire().await.unwrap();
    let log = audit::recent(conn.conn(), None, 100).await.unwrap();
    let refused = log
        .iter()
        .filter(|e| e.action == "staff.second_factor" && e.outcome == audit::Outcome::Refused)
        .count();
    assert_eq!(refused, 3);
}

#[tokio::test]
async fn second_factor_attempts_are_limited_per_sign_in_and_expire() {
    let app = TestApp::spawn(Kind::Sqlite).await;
    add_staff(&app, "hm@example.org", None).await;
    let session = token_of(&sign_in(&app, "hm@example.org", PASSWORD, None).await);
    let (secret, _, res) = enrol(&app, &session).await;
    assert_eq!(location(&res), "/staff/two-factor?done=enrolled", "voluntary enrolment");

    let pending = token_of(&sign_in(&app, "hm@example.org", PASSWORD, None).await);
    for _ in 0..5 {
        let res = post_as(&app, &pending, "/staff/sign-in/code", "code=000000").await;
        assert_eq!(location(&res), "/staff/sign-in/code?error=wrong");
    }
    app.clock.set(&(app.clock_now() + Duration::seconds(30)).to_rfc3339());
    // Five wrong codes in 15 minutes: even the right code is now refused and the pending
    // sign-in ends.
    let res =
        post_as(&app, &pending, "/staff/sign-in/code", &format!("code={}", code(&secret, &app)))
            .await;
    assert_eq!(location(&res), "/staff/sign-in?error=too-many");
    let res =
        post_as(&app, &pending, "/staff/sign-in/code", &format!("code={}", code(&secret, &app)))
            .await;
    assert_eq!(location(&res), "/staff/sign-in?error=expired");

    // After the window, and within ten minutes of the password, it works; after that the
    // pending sign-in has expired.
    app.clock.set(&(app.clock_now() + Duration::minutes(16)).to_rfc3339());
    let pending = token_of(&sign_in(&app, "hm@example.org", PASSWORD, None).await);
    app.clock.set(&(app.clock_now() + Duration::minutes(11)).to_rfc3339());
    let res =
        post_as(&app, &pending, "/staff/sign-in/code", &format!("code={}", code(&secret, &app)))
            .await;
    assert_eq!(location(&res), "/staff/sign-in?error=expired");
    let pending = token_of(&sign_in(&app, "hm@example.org", PASSWORD, None).await);
    let res =
        post_as(&app, &pending, "/staff/sign-in/code", &format!("code={}", code(&secret, &app)))
            .await;
    assert_eq!(location(&res), "/staff");
}

#[tokio::test]
async fn an_hr_admin_resets_a_lost_second_factor_and_the_person_enrols_again() {
    let app = TestApp::spawn(Kind::Sqlite).await;
    let (_, admin) = admin(&app).await;
    let hm = add_staff(&app, "hm@example.org", None).await;
    let session = token_of(&sign_in(&app, "hm@example.org", PASSWORD, None).await);
    enrol(&app, &session).await;
    let res = post_as(&app, &admin, &format!("/staff/users/{hm}/reset-two-factor"), "").await;
    assert_eq!(location(&res), format!("/staff/users/{hm}?done=two-factor-reset"));
    assert_eq!(home(&app, &session).await.0, 401, "the reset signs them out");
    let res = sign_in(&app, "hm@example.org", PASSWORD, None).await;
    assert_eq!(location(&res), "/staff", "not required here, so the password is enough");
}

/// Invitation, set-password, enrolment and sign-in with a code: none of the link, the TOTP
/// key, codes, recovery codes or session tokens reaches the log.
#[tokio::test]
async fn no_link_key_code_or_session_reaches_the_log_in_the_invitation_and_two_factor_flows() {
    let captured = capture();
    let app = TestApp::spawn(Kind::Sqlite).await;
    let (_, admin) = admin(&app).await;
    post_as(&app, &admin, "/staff/settings/two-factor", "require=yes").await;
    post_as(
        &app,
        &admin,
        "/staff/users/invite",
        "email=quiet.hm%40example.org&name=Quiet+Manager&role=none",
    )
    .await;
    let link = link_token(&mail_to(&app, "quiet.hm@example.org").await);
    super::signin::set_password(&app, &link, PASSWORD, PASSWORD).await;
    let pending = token_of(&sign_in(&app, "quiet.hm@example.org", PASSWORD, None).await);
    let (secret, codes, res) = enrol(&app, &pending).await;
    let session = cookie_of(&res).unwrap();
    let first_code = code(&secret, &app);

    let log = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(log.contains("mail delivered"), "the flow was logged");
    let key = server::auth::totp::base32(&secret);
    let mut secrets = vec![
        link.as_str(),
        pending.as_str(),
        session.as_str(),
        key.as_str(),
        &first_code,
        PASSWORD,
        "quiet.hm@example.org",
        "Quiet Manager",
        &admin,
    ];
    secrets.extend(codes.iter().map(String::as_str));
    for secret in secrets {
        assert!(!log.contains(secret), "{secret:?} appeared in the log");
    }
}

/// A transport that fails a set number of times, then records deliveries.
#[derive(Default)]
struct Flaky {
    failures_left: Mutex<u32>,
    permanent: bool,
    delivered: Mutex<Vec<Uuid>>,
}

#[async_trait::async_trait]
impl Transport for Flaky {
    async fn deliver(&self, id: Uuid, _message: lettre::Message) -> Result<(), DeliveryError> {
        let mut left = self.failures_left.lock().unwrap();
        if *left > 0 {
            *left -= 1;
            return Err(if self.permanent {
                DeliveryError::Permanent("refused".into())
            } else {
                DeliveryError::Temporary("down".into())
            });
        }
        self.delivered.lock().unwrap().push(id);
        Ok(())
    }
}

fn message(to: &str) -> NewMessage {
    NewMessage {
        id: Uuid::new_v4(),
        purpose: "test",
        to: to.to_owned(),
        subject: "Hello".into(),
        body: "A body with a link https://example.org/x".into(),
        staff: None,
        application: None,
    }
}

async fn outbox_retries_with_back_off_then_delivers(db: Database) {
    let clock = super::helpers::TestClock::at("2026-11-23T09:00:00Z");
    let flaky = Arc::new(Flaky { failures_left: Mutex::new(2), ..Flaky::default() });
    let outbox = Outbox::new();
    let d = Dispatcher::new(
        db.clone(),
        &outbox,
        flaky.clone(),
        "Shortlist <no-reply@example.org>",
        clock.clone(),
    )
    .unwrap();
    let m = message("someone@example.org");
    {
        let mut conn = db.acquire().await.unwrap();
        outbox.store(conn.conn(), &m, "2026-11-23T09:00:00Z".parse().unwrap()).await.unwrap();
    }
    assert_eq!(d.run_once().await.unwrap().retrying, 1);
    assert_eq!(d.run_once().await.unwrap(), server::mail::Pass::default(), "not due for 30 s");
    clock.set("2026-11-23T09:00:30Z");
    assert_eq!(d.run_once().await.unwrap().retrying, 1);
    clock.set("2026-11-23T09:01:29Z");
    assert_eq!(d.run_once().await.unwrap(), server::mail::Pass::default(), "then 60 s");
    clock.set("2026-11-23T09:01:30Z");
    assert_eq!(d.run_once().await.unwrap().sent, 1);
    assert_eq!(*flaky.delivered.lock().unwrap(), [m.id]);
    let mut conn = db.acquire().await.unwrap();
    let row = &db::mail::recent(conn.conn(), 1).await.unwrap()[0];
    assert_eq!(row.attempts, 3);
    assert!(row.sent_at.is_some() && row.body.is_none() && row.last_error.is_none());
}

async fn outbox_gives_up_on_permanent_failures_and_bad_addresses(db: Database) {
    let clock = super::helpers::TestClock::at("2026-11-23T09:00:00Z");
    let flaky =
        Arc::new(Flaky { failures_left: Mutex::new(1), permanent: true, ..Flaky::default() });
    let outbox = Outbox::new();
    let d = Dispatcher::new(
        db.clone(),
        &outbox,
        flaky,
        "Shortlist <no-reply@example.org>",
        clock.clone(),
    )
    .unwrap();
    {
        let mut conn = db.acquire().await.unwrap();
        outbox
            .store(conn.conn(), &message("someone@example.org"), clock_now(&clock))
            .await
            .unwrap();
        outbox.store(conn.conn(), &message("not an address"), clock_now(&clock)).await.unwrap();
    }
    let pass = d.run_once().await.unwrap();
    assert_eq!(pass.failed, 2);
    let mut conn = db.acquire().await.unwrap();
    for row in db::mail::recent(conn.conn(), 5).await.unwrap() {
        assert!(row.failed_at.is_some() && row.body.is_none(), "{row:?}");
        assert!(!row.last_error.unwrap_or_default().contains('@'), "no address in the error");
    }
}

async fn a_claimed_message_is_not_delivered_twice(db: Database) {
    let now: chrono::DateTime<chrono::Utc> = "2026-11-23T09:00:00Z".parse().unwrap();
    let mut conn = db.acquire().await.unwrap();
    db::mail::insert(conn.conn(), &message("a@example.org"), now).await.unwrap();
    let first =
        db::mail::claim_due(conn.conn(), now, now + Duration::minutes(2), 10).await.unwrap();
    assert_eq!(first.len(), 1);
    let second =
        db::mail::claim_due(conn.conn(), now, now + Duration::minutes(2), 10).await.unwrap();
    assert!(second.is_empty(), "held by the first claimant");
    let later = now + Duration::minutes(3);
    let taken_over =
        db::mail::claim_due(conn.conn(), later, later + Duration::minutes(2), 10).await.unwrap();
    assert_eq!(taken_over.len(), 1, "a dead claimant's lease runs out");
}

/// More messages than one batch, one of them to a bad address, delivered to `.eml` files: every
/// good one arrives once (the bad one alone fails), no half-written file is left, and every
/// body is discarded.
async fn outbox_delivers_in_batches_and_fails_only_the_bad_message(db: Database) {
    let clock = super::helpers::TestClock::at("2026-11-23T09:00:00Z");
    let folder = tempfile::tempdir().unwrap();
    let transport = Arc::new(server::mail::FolderTransport::new(folder.path().join("mail")));
    let outbox = Outbox::new();
    let d = Dispatcher::new(
        db.clone(),
        &outbox,
        transport.clone(),
        "Shortlist <no-reply@example.org>",
        clock.clone(),
    )
    .unwrap();
    let total = transport.batch() * 2 + 3;
    let mut good = Vec::new();
    {
        let mut conn = db.acquire().await.unwrap();
        for i in 0..total {
            let m = message(if i == 70 { "not an address" } else { "someone@example.org" });
            outbox.store(conn.conn(), &m, clock_now(&clock)).await.unwrap();
            if i != 70 {
                good.push(m.id);
            }
        }
    }
    let pass = d.run_once().await.unwrap();
    assert_eq!((pass.sent, pass.failed, pass.retrying), (total - 1, 1, 0));
    let mut files: Vec<String> = std::fs::read_dir(folder.path().join("mail"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    let mut expected: Vec<String> = good.iter().map(|id| format!("{id}.eml")).collect();
    expected.sort();
    assert_eq!(files, expected, "each good message once, nothing partial");
    assert_eq!(d.run_once().await.unwrap(), server::mail::Pass::default(), "nothing twice");
    let mut conn = db.acquire().await.unwrap();
    let rows = db::mail::recent(conn.conn(), 500).await.unwrap();
    assert_eq!(rows.len(), total);
    assert!(
        rows.iter().all(|r| r.body.is_none() && (r.sent_at.is_some() != r.failed_at.is_some()))
    );
}

fn clock_now(clock: &super::helpers::TestClock) -> chrono::DateTime<chrono::Utc> {
    use app::ports::Clock as _;
    clock.now()
}

conformance!(
    outbox_retries_with_back_off_then_delivers,
    outbox_gives_up_on_permanent_failures_and_bad_addresses,
    a_claimed_message_is_not_delivered_twice,
    outbox_delivers_in_batches_and_fails_only_the_bad_message,
);

/// A one-connection SMTP relay that answers RCPT with `rcpt_reply` and returns what it
/// received.
async fn fake_relay(rcpt_reply: &'static str) -> (u16, tokio::task::JoinHandle<String>) {
    use tokio::io::{AsyncBufReadExt as _, AsyncWriteExt as _, BufReader};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let task = tokio::spawn(async move {
        let (socket, _) = listener.accept().await.unwrap();
        let (read, mut write) = socket.into_split();
        let mut lines = BufReader::new(read).lines();
        let mut seen = String::new();
        write.write_all(b"220 relay ready\r\n").await.unwrap();
        let mut in_data = false;
        while let Ok(Some(line)) = lines.next_line().await {
            seen.push_str(&line);
            seen.push('\n');
            let reply: &str = if in_data {
                if line != "." {
                    continue;
                }
                in_data = false;
                "250 queued\r\n"
            } else {
                match line.get(..4).unwrap_or_default().to_ascii_uppercase().as_str() {
                    "EHLO" | "HELO" => "250 relay\r\n",
                    "RCPT" => rcpt_reply,
                    "DATA" => {
                        in_data = true;
                        "354 go ahead\r\n"
                    }
                    "QUIT" => {
                        write.write_all(b"221 bye\r\n").await.unwrap();
                        break;
                    }
                    _ => "250 ok\r\n",
                }
            };
            write.write_all(reply.as_bytes()).await.unwrap();
        }
        seen
    });
    (port, task)
}

async fn smtp_dispatcher(port: u16, db: &Database) -> (Dispatcher, Outbox) {
    let transport = Arc::new(
        server::mail::SmtpTransport::from_url(&format!("smtp://127.0.0.1:{port}")).unwrap(),
    );
    let outbox = Outbox::new();
    let clock = super::helpers::TestClock::at("2026-11-23T09:00:00Z");
    let d =
        Dispatcher::new(db.clone(), &outbox, transport, "Shortlist <no-reply@example.org>", clock)
            .unwrap();
    (d, outbox)
}

#[tokio::test]
async fn mail_is_sent_through_an_smtp_relay_and_a_refusal_is_final() {
    let test_db = TestDb::new(Kind::Sqlite).await;
    let db = test_db.database().await;
    let now: chrono::DateTime<chrono::Utc> = "2026-11-23T09:00:00Z".parse().unwrap();

    let (port, relay) = fake_relay("250 ok\r\n").await;
    let (d, outbox) = smtp_dispatcher(port, &db).await;
    {
        let mut conn = db.acquire().await.unwrap();
        outbox.store(conn.conn(), &message("someone@example.org"), now).await.unwrap();
    }
    assert_eq!(d.run_once().await.unwrap().sent, 1);
    drop(d);
    let seen =
        tokio::time::timeout(std::time::Duration::from_secs(10), relay).await.unwrap().unwrap();
    assert!(seen.contains("RCPT TO:<someone@example.org>"), "{seen}");
    assert!(seen.contains("Subject: Hello") && seen.contains("https://example.org/x"), "{seen}");

    let (port, relay) = fake_relay("550 no such mailbox\r\n").await;
    let (d, outbox) = smtp_dispatcher(port, &db).await;
    {
        let mut conn = db.acquire().await.unwrap();
        outbox.store(conn.conn(), &message("gone@example.org"), now).await.unwrap();
    }
    assert_eq!(d.run_once().await.unwrap().failed, 1, "a 5xx reply is permanent");
    drop(d);
    relay.abort();
}
