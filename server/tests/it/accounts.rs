//! User management, invitations through the mail outbox, and second factors, driven over HTTP
//! as a browser would (plain form posts, cookies, redirects). The outbox's own delivery rules
//! are in `outbox`.

use super::helpers::{Kind, TestApp};
use super::signin::{PASSWORD, add_staff, capture, get_with, home, location, sign_in, token_of};
use app::domain::{StaffId, access::OrgRole};
use chrono::Duration;
use server::db::{self, audit, staff};
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
