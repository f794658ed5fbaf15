//! The access matrix: every server function and every staff handler, called over HTTP by every
//! kind of actor (signed out, each organisation role, a hiring manager and a panel member of the
//! vacancy concerned, and a hiring manager of another vacancy), against the expected answer.
//!
//! The list of server functions is read from the running registry, so adding a server function
//! without a row here fails `every_server_function_has_a_row`.

use super::helpers::{Kind, TestApp};
use app::domain::{
    StaffId, VacancyId,
    access::{OrgRole, VacancyRole},
};
use server::auth::sessions;
use server::db::{
    staff::{self, StaffRecord},
    vacancies::{self, Status},
};
use std::collections::BTreeSet;
use uuid::Uuid;

/// Actor columns, in order: signed out, hr_admin, hr, auditor, hiring manager of V,
/// panel member of V, hiring manager of W only.
const ACTORS: usize = 7;

/// One row: method, path, form body, expected letter per actor.
/// Y = allowed, s = sign in required, F = forbidden, N = not found.
fn rows(v: VacancyId, c: Uuid) -> Vec<(&'static str, &'static str, String, &'static str)> {
    let nil = Uuid::nil();
    vec![
        // Public careers pages and their server functions.
        ("POST", "/api/careers", String::new(), "YYYYYYY"),
        ("POST", "/api/vacancy", format!("id={v}"), "YYYYYYY"),
        ("GET", "/", String::new(), "YYYYYYY"),
        ("GET", "/staff/sign-in", String::new(), "YYYYYYY"),
        // Set-password links: the link is the credential; an unknown one is not found for all.
        ("POST", "/api/password-link", format!("token={}", "x".repeat(43)), "NNNNNNN"),
        ("GET", "/staff/set-password/not-a-link", String::new(), "NNNNNNN"),
        ("POST", "/staff/set-password", "token=nope&password=a&confirm=a".into(), "NNNNNNN"),
        // Any signed-in staff member.
        ("POST", "/api/staff-home", String::new(), "sYYYYYY"),
        ("GET", "/staff", String::new(), "sYYYYYY"),
        // The audit log: HR administrators and auditors only.
        ("POST", "/api/audit-log", "action=&user=&from=&to=&vacancy=".into(), "sYFYFFF"),
        ("GET", "/staff/audit", String::new(), "sYFYFFF"),
        ("GET", "/staff/audit.csv", String::new(), "sYFYFFF"),
        // User management and organisation settings: HR administrators only. Forms with bad
        // input come back to the form (a redirect) for the administrator.
        ("POST", "/api/staff-accounts", String::new(), "sYFFFFF"),
        ("POST", "/api/staff-account", format!("id={}", Uuid::nil()), "sNFFFFF"),
        ("GET", "/staff/users", String::new(), "sYFFFFF"),
        ("GET", "/staff/invite", String::new(), "sYFFFFF"),
        ("GET", "/staff/users/00000000-0000-0000-0000-000000000000", String::new(), "sNFFFFF"),
        ("POST", "/staff/users/invite", "email=&name=&role=".into(), "sYFFFFF"),
        (
            "POST",
            "/staff/users/00000000-0000-0000-0000-000000000000/role",
            "role=hr".into(),
            "sNFFFFF",
        ),
        ("POST", "/staff/users/x/assign", "vacancy=&role=".into(), "sNFFFFF"),
        ("POST", "/staff/users/x/unassign", "vacancy=".into(), "sNFFFFF"),
        ("POST", "/staff/users/x/resend", String::new(), "sNFFFFF"),
        ("POST", "/staff/users/x/reset-two-factor", String::new(), "sNFFFFF"),
        ("POST", "/staff/users/x/deactivate", String::new(), "sNFFFFF"),
        ("POST", "/staff/settings/two-factor", "require=maybe".into(), "sYFFFFF"),
        ("POST", "/api/privacy-notice-settings", "rejected=false".into(), "sYFFFFF"),
        ("GET", "/staff/settings/privacy-notice", String::new(), "sYFFFFF"),
        (
            "POST",
            "/staff/settings/privacy-notice",
            format!("notice={}", "x".repeat(5001)),
            "sYFFFFF",
        ),
        ("POST", "/api/rejection-settings", "rejected=false".into(), "sYFFFFF"),
        ("GET", "/staff/settings/rejections", String::new(), "sYFFFFF"),
        ("POST", "/staff/settings/rejections/letter", "template=x".into(), "sYFFFFF"),
        ("POST", "/staff/settings/rejections/reasons", "reason_words=".into(), "sYFFFFF"),
        ("POST", "/staff/settings/rejections/reasons/nope/retire", String::new(), "sNFFFFF"),
        // Vacancies: every signed-in person sees the list (cut to what they may see); HR
        // creates and changes vacancies; a vacancy's own hiring manager and panel (and the
        // auditor) may read it; anyone else is told it does not exist. Bad forms and
        // impossible steps (publishing a published vacancy) come back to the page for HR.
        ("POST", "/api/staff-vacancies", String::new(), "sYYYYYY"),
        ("GET", "/staff/vacancies", String::new(), "sYYYYYY"),
        ("POST", "/api/vacancy-editor", format!("id={v}&rejected=false"), "sYYYYYN"),
        ("GET", "/staff/vacancies/{v}", String::new(), "sYYYYYN"),
        ("POST", "/api/vacancy-editor", "id=&rejected=true".into(), "sYYFFFF"),
        ("GET", "/staff/vacancies/new", String::new(), "sYYFFFF"),
        ("POST", "/staff/vacancies/new", "title=".into(), "sYYFFFF"),
        ("POST", "/staff/vacancies/{v}", "title=".into(), "sYYFFFF"),
        ("POST", "/staff/vacancies/{v}/publish", String::new(), "sYYFFFF"),
        ("POST", "/staff/vacancies/{v}/close", String::new(), "sYYFFFF"),
        ("POST", "/staff/vacancies/not-an-id/close", "confirm=yes".into(), "sNNFFFF"),
        // Selection: a vacancy's candidates are for HR and the vacancy's own hiring manager and
        // panel; decisions for HR and the hiring manager; early reveals for HR alone. Others
        // are told the candidate does not exist, as for an unknown id. Forms with problems
        // (here: empty, or without the version they were rendered with) come back to the page.
        // The CV is not found for everyone while a name-blind sift hides who the candidate is.
        ("POST", "/api/staff-pipeline", format!("vacancy={v}"), "sYYFYYN"),
        ("GET", "/staff/vacancies/{v}/candidates", String::new(), "sYYFYYN"),
        ("POST", "/api/staff-candidate", format!("id={c}&rejected=false"), "sYYFYYN"),
        ("POST", "/api/staff-candidate", format!("id={nil}&rejected=false"), "sNNNNNN"),
        ("GET", "/staff/candidates/{c}", String::new(), "sYYFYYN"),
        ("GET", "/staff/candidates/{c}/cv", String::new(), "sNNFNNN"),
        ("GET", "/staff/candidates/00000000-0000-0000-0000-000000000000", String::new(), "sNNNNNN"),
        ("POST", "/staff/candidates/{c}/scores", "action=save".into(), "sYYFYYN"),
        ("POST", "/staff/candidates/{c}/notes", "note=".into(), "sYYFYYN"),
        ("POST", "/staff/candidates/{c}/move", "stage=".into(), "sYYFYFN"),
        ("POST", "/staff/candidates/{c}/reject", "reason=".into(), "sYYFYFN"),
        ("POST", "/staff/candidates/{c}/appointable", String::new(), "sYYFYFN"),
        ("POST", "/staff/candidates/{c}/withdraw", String::new(), "sYYFYFN"),
        ("POST", "/staff/candidates/{c}/offer", String::new(), "sYYFYFN"),
        ("POST", "/staff/candidates/{c}/interview", String::new(), "sYYFYFN"),
        ("POST", "/staff/candidates/{c}/final-score", String::new(), "sYYFYFN"),
        ("POST", "/staff/candidates/{c}/moderate", String::new(), "sYYFYFN"),
        ("POST", "/staff/candidates/{c}/reveal", "reveal_reason=".into(), "sYYFFFN"),
        ("POST", "/staff/candidates/not-an-id/move", "stage=".into(), "sNNNNNN"),
        ("POST", "/staff/vacancies/{v}/reject", "reason=".into(), "sYYFYFN"),
        // Reserve lists span vacancies: HR only, like the vacancies they are matched to.
        ("POST", "/api/staff-reserve-list", format!("vacancy={v}"), "sYYFFFF"),
        ("POST", "/api/staff-reserve-list", format!("vacancy={nil}"), "sNNFFFF"),
        ("GET", "/staff/vacancies/{v}/reserve-list", String::new(), "sYYFFFF"),
        ("POST", "/staff/vacancies/{v}/reserve-list/{c}/invite", String::new(), "sYYFFFF"),
        ("POST", "/staff/vacancies/{v}/reserve-list/not-an-id/invite", String::new(), "sNNFFFF"),
        // The rights-request register: HR handles it, auditors read it.
        ("POST", "/api/staff-rights", String::new(), "sYYYFFF"),
        ("GET", "/staff/rights", String::new(), "sYYYFFF"),
        ("POST", "/api/staff-rights-new", "rejected=false".into(), "sYYFFFF"),
        ("GET", "/staff/rights/new", String::new(), "sYYFFFF"),
        ("POST", "/api/staff-rights-request", format!("id={nil}&rejected=false"), "sNNNFFF"),
        ("GET", "/staff/rights/00000000-0000-0000-0000-000000000000", String::new(), "sNNNFFF"),
        ("POST", "/staff/rights", "kind=".into(), "sYYFFFF"),
        ("POST", "/staff/rights/not-an-id/extend", "months=1".into(), "sNNFFFF"),
        (
            "POST",
            "/staff/rights/00000000-0000-0000-0000-000000000000/close",
            String::new(),
            "sNNFFFF",
        ),
        // Answering requests: HR only; the bundle review copy is a download for HR alone.
        (
            "GET",
            "/staff/rights/00000000-0000-0000-0000-000000000000/bundle",
            String::new(),
            "sNNFFFF",
        ),
        ("GET", "/staff/rights/not-an-id/bundle", String::new(), "sNNFFFF"),
        (
            "POST",
            "/staff/rights/00000000-0000-0000-0000-000000000000/release",
            String::new(),
            "sNNFFFF",
        ),
        (
            "POST",
            "/staff/rights/00000000-0000-0000-0000-000000000000/erase",
            String::new(),
            "sNNFFFF",
        ),
        (
            "POST",
            "/staff/rights/00000000-0000-0000-0000-000000000000/rectify",
            "field=phone".into(),
            "sNNFFFF",
        ),
        // The retention overview: HR and auditors.
        ("POST", "/api/staff-retention", String::new(), "sYYYFFF"),
        ("GET", "/staff/retention", String::new(), "sYYYFFF"),
        ("POST", "/api/staff-retention-schedule", String::new(), "sYYYFFF"),
        ("GET", "/staff/retention/schedule", String::new(), "sYYYFFF"),
        ("GET", "/staff/retention/schedule.csv", String::new(), "sYYYFFF"),
        // Anonymised reports: HR and auditors. A diversity report over fewer applications than
        // the threshold is refused as a validation problem, for everyone allowed to ask.
        (
            "POST",
            "/api/staff-report-funnel",
            "from=&to=&vacancy=&family=&location=".into(),
            "sYYYFFF",
        ),
        ("GET", "/staff/reports/funnel", String::new(), "sYYYFFF"),
        ("GET", "/staff/reports/funnel.csv", String::new(), "sYYYFFF"),
        ("GET", "/staff/reports/funnel.csv?from=2026-13", String::new(), "sVVVFFF"),
        ("POST", "/api/staff-report-diversity", "year=2026&family=".into(), "sVVVFFF"),
        ("GET", "/staff/reports/diversity", String::new(), "sYYYFFF"),
        ("GET", "/staff/reports/diversity.csv?year=2026", String::new(), "sVVVFFF"),
        // Legal holds: HR only (auditors read retention, they do not change it).
        ("POST", "/staff/candidates/{c}/hold", "hold_reason=".into(), "sYYFFFF"),
        ("POST", "/staff/candidates/not-an-id/hold", "hold_reason=x".into(), "sNNNNNN"),
        ("POST", "/staff/vacancies/{v}/hold", "hold_reason=".into(), "sYYFFFF"),
        ("POST", "/staff/vacancies/not-an-id/hold", "hold_reason=x".into(), "sNNFFFF"),
        (
            "POST",
            "/staff/holds/00000000-0000-0000-0000-000000000000/release",
            String::new(),
            "sNNFFFF",
        ),
        // Pre-employment checks and the hand-over of hires: HR only, whatever the stage (a
        // candidate before the offer is answered with the reason, not the data).
        (
            "POST",
            "/staff/candidates/{c}/right-to-work",
            multipart(&[("rtw_type", "manual")]),
            "sYYFFFN",
        ),
        ("GET", "/staff/candidates/{c}/right-to-work/evidence", String::new(), "sNNFFFN"),
        ("POST", "/staff/candidates/{c}/dbs", "dbs_level=".into(), "sYYFFFN"),
        ("POST", "/staff/candidates/not-an-id/dbs", "dbs_level=".into(), "sNNNNNN"),
        ("GET", "/staff/candidates/{c}/hire.json", String::new(), "sYYFFFN"),
        ("GET", "/staff/candidates/{c}/hire.csv", String::new(), "sYYFFFN"),
        ("POST", "/staff/candidates/{c}/hand-over", String::new(), "sYYFFFN"),
        // Asking for referees: HR only (the hiring manager reads references at the offer).
        ("POST", "/staff/candidates/{c}/references/request", "wanted=2".into(), "sYYFFFN"),
        ("POST", "/staff/candidates/{c}/references/send", String::new(), "sYYFFFN"),
        // A referee's link is the credential: an unknown one is not found for everybody, and
        // no staff role opens one.
        ("POST", "/api/reference", format!("token={}", "x".repeat(43)), "NNNNNNN"),
        ("POST", "/api/reference-give", format!("token={}&statement=x", "x".repeat(43)), "NNNNNNN"),
        ("POST", "/api/reference-decline", format!("token={}", "x".repeat(43)), "NNNNNNN"),
        ("GET", "/reference/not-a-link", String::new(), "NNNNNNN"),
        ("GET", "/reference/not-a-link/decline", String::new(), "NNNNNNN"),
        // So is the link in a reserve-list renewal email.
        ("POST", "/api/reserve-consent", format!("token={}", "x".repeat(43)), "NNNNNNN"),
        ("POST", "/api/reserve-renew", format!("token={}", "x".repeat(43)), "NNNNNNN"),
        ("POST", "/api/reserve-withdraw", format!("token={}", "x".repeat(43)), "NNNNNNN"),
        ("GET", "/reserve-list/not-a-link", String::new(), "NNNNNNN"),
        // And the link asking an appointable candidate to join the reserve list.
        ("POST", "/api/reserve-join-page", format!("token={}", "x".repeat(43)), "NNNNNNN"),
        ("POST", "/api/reserve-join", format!("token={}", "x".repeat(43)), "NNNNNNN"),
        ("GET", "/reserve-list/join/not-a-link", String::new(), "NNNNNNN"),
        // Each person's own second factor; the code step needs a part-finished sign-in, and
        // without one sends everybody back to the sign-in page.
        ("POST", "/api/two-factor", String::new(), "sYYYYYY"),
        ("GET", "/staff/two-factor", String::new(), "sYYYYYY"),
        ("POST", "/staff/two-factor/start", String::new(), "sYYYYYY"),
        ("POST", "/staff/two-factor/confirm", "code=".into(), "sYYYYYY"),
        ("GET", "/staff/sign-in/code", String::new(), "YYYYYYY"),
        ("POST", "/staff/sign-in/code", "code=123456".into(), "YYYYYYY"),
        // The application journey: anyone may start one for an open vacancy; everything else
        // needs the draft's own cookie, which no staff member has (not found for all). The CV
        // upload is sent as the browser sends it, multipart.
        ("POST", "/api/apply-start", format!("vacancy={v}"), "YYYYYYY"),
        // The applicant portal: anyone may ask for a link (the answer reveals nothing);
        // everything else needs a portal link's cookie, which a staff session is not.
        ("POST", "/api/portal-request-link", "email=someone@example.org".into(), "YYYYYYY"),
        ("GET", "/portal/sign-in", String::new(), "YYYYYYY"),
        ("GET", "/portal/open/not-a-live-link", String::new(), "YYYYYYY"),
        ("POST", "/api/portal", String::new(), "sssssss"),
        ("POST", "/api/portal-withdraw", format!("application={}", Uuid::nil()), "sssssss"),
        (
            "POST",
            "/api/portal-reserve-list",
            format!("application={}&give=yes", Uuid::nil()),
            "sssssss",
        ),
        (
            "POST",
            "/api/portal-contact",
            "full_name=A&email=a%40b.co&contact_method=email".into(),
            "sssssss",
        ),
        ("POST", "/api/portal-sign-out", String::new(), "YYYYYYY"),
        (
            "POST",
            "/api/portal-referee",
            format!("application={}&referee_name=R&consent=yes", Uuid::nil()),
            "sssssss",
        ),
        ("GET", "/portal", String::new(), "sssssss"),
        ("GET", "/portal/contact", String::new(), "sssssss"),
        ("GET", "/portal/data-request", String::new(), "sssssss"),
        ("POST", "/api/portal-rights-request", "kind=access".into(), "sssssss"),
        // The portal's own copies and erasure: only with a live portal link, whoever else.
        ("GET", "/portal/data/download", String::new(), "sssssss"),
        ("GET", "/portal/data/download/RR-2222-2222", String::new(), "sssssss"),
        ("GET", "/portal/erase", String::new(), "sssssss"),
        ("POST", "/portal/erase", "confirm=yes".into(), "sssssss"),
        ("GET", "/portal/withdraw/00000000-0000-0000-0000-000000000000", String::new(), "sssssss"),
        ("GET", "/vacancies/{v}/apply", String::new(), "YYYYYYY"),
        ("POST", "/api/application", format!("application={}", Uuid::nil()), "NNNNNNN"),
        ("POST", "/api/apply-about-you", format!("application={}", Uuid::nil()), "NNNNNNN"),
        ("POST", "/api/apply-eligibility", format!("application={}", Uuid::nil()), "NNNNNNN"),
        (
            "POST",
            "/api/apply-cv",
            multipart(&[("application", &Uuid::nil().to_string())]),
            "NNNNNNN",
        ),
        ("POST", "/api/apply-answers", format!("application={}", Uuid::nil()), "NNNNNNN"),
        ("POST", "/api/apply-source", format!("application={}", Uuid::nil()), "NNNNNNN"),
        ("POST", "/api/apply-adjustments", format!("application={}", Uuid::nil()), "NNNNNNN"),
        ("POST", "/api/apply-reserve-list", format!("application={}", Uuid::nil()), "NNNNNNN"),
        ("POST", "/api/apply-monitoring", format!("application={}", Uuid::nil()), "NNNNNNN"),
        ("POST", "/api/apply-ethnicity", format!("application={}", Uuid::nil()), "NNNNNNN"),
        ("POST", "/api/apply-submit", format!("application={}", Uuid::nil()), "NNNNNNN"),
        ("GET", "/apply/00000000-0000-0000-0000-000000000000/about-you", String::new(), "NNNNNNN"),
        (
            "GET",
            "/apply/00000000-0000-0000-0000-000000000000/confirmation",
            String::new(),
            "NNNNNNN",
        ),
        ("GET", "/apply/resume/not-a-token", String::new(), "YYYYYYY"),
        // Sign-out works (and is harmless) for everyone.
        ("POST", "/staff/sign-out", String::new(), "YYYYYYY"),
    ]
}

async fn person(
    app: &TestApp,
    role: Option<OrgRole>,
    on: Option<(VacancyId, VacancyRole)>,
) -> String {
    let id = StaffId::from_uuid(Uuid::new_v4());
    let record = StaffRecord {
        id,
        email: format!("{}@example.org", id),
        display_name: "Someone".into(),
        password_hash: None,
        org_role: role,
        created_at: app.clock_now(),
        deactivated_at: None,
    };
    let mut conn = app.db.acquire().await.unwrap();
    staff::insert(conn.conn(), &record).await.unwrap();
    if let Some((v, r)) = on {
        staff::assign(conn.conn(), id, v, r).await.unwrap();
    }
    sessions::start(&app.db, id, None, app.clock_now()).await.unwrap().expose().to_owned()
}

/// A sent application to vacancy `v` (at Applied, name-blind by default), made directly in
/// the database: the matrix is about who may reach it, not how it was made.
async fn candidate(app: &TestApp, v: VacancyId) -> Uuid {
    let id = Uuid::new_v4();
    let now = app.clock_now();
    let mut conn = app.db.acquire().await.unwrap();
    server::db::on_conn!(conn.conn(), c => sqlx::query(
        "INSERT INTO applications (id, vacancy_id, status, reference, draft_token, full_name, email, \
         created_at, updated_at, submitted_at, declared_at, stage, candidate_number) \
         VALUES ($1, $2, 'submitted', 'SL-TEST-0001', $3, 'Someone', 'someone@example.com', $4, $4, $4, $4, 'applied', 1)")
        .bind(id).bind(v.as_uuid()).bind(id.as_bytes().to_vec()).bind(now)
        .execute(&mut *c).await.map(|r| r.rows_affected())).unwrap();
    id
}

/// The boundary of the multipart bodies below.
const BOUNDARY: &str = "shortlist-access-matrix";

/// A multipart form body with these text fields (the upload server function takes no other).
fn multipart(fields: &[(&str, &str)]) -> String {
    let mut body = String::new();
    for (name, value) in fields {
        body.push_str(&format!(
            "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
        ));
    }
    body.push_str(&format!("--{BOUNDARY}--\r\n"));
    body
}

/// The content type of a body made by [`multipart`] or of a plain form.
fn content_type(body: &str) -> String {
    if body.starts_with("--") {
        format!("multipart/form-data; boundary={BOUNDARY}")
    } else {
        "application/x-www-form-urlencoded".to_owned()
    }
}

fn classify(status: u16, body: &str) -> char {
    if body.contains("SignInRequired") || status == 401 {
        's'
    } else if body.contains("Forbidden") || status == 403 {
        'F'
    } else if body.contains("\"NotFound\"") || status == 404 {
        'N'
    } else if body.contains("\"Validation\"") || status == 422 {
        'V'
    } else if status < 400 {
        'Y'
    } else {
        '?'
    }
}

#[tokio::test]
async fn every_route_answers_every_actor_as_the_matrix_says() {
    let app = TestApp::spawn(Kind::Sqlite).await;
    let mut ids = Vec::new();
    {
        let mut conn = app.db.acquire().await.unwrap();
        for title in ["Analyst", "Clerk"] {
            let rec = super::conformance::vacancy(title, Status::Published, "2026-12-31T23:59:00Z");
            vacancies::insert(conn.conn(), &rec).await.unwrap();
            ids.push(VacancyId::from_uuid(rec.id));
        }
    }
    let (v, w) = (ids[0], ids[1]);
    let c = candidate(&app, v).await;
    let mut tokens: Vec<Option<String>> = vec![None];
    for role in [OrgRole::HrAdmin, OrgRole::Hr, OrgRole::Auditor] {
        tokens.push(Some(person(&app, Some(role), None).await));
    }
    tokens.push(Some(person(&app, None, Some((v, VacancyRole::HiringManager))).await));
    tokens.push(Some(person(&app, None, Some((v, VacancyRole::PanelMember))).await));
    tokens.push(Some(person(&app, None, Some((w, VacancyRole::HiringManager))).await));
    assert_eq!(tokens.len(), ACTORS);

    let mut wrong = Vec::new();
    for (method, path, body, expected) in rows(v, c) {
        let path = path.replace("{v}", &v.to_string()).replace("{c}", &c.to_string());
        let path = path.as_str();
        assert_eq!(expected.len(), ACTORS, "{path}");
        for (column, (token, want)) in tokens.iter().zip(expected.chars()).enumerate() {
            let url = format!("{}{path}", app.base);
            let mut req = if method == "GET" { app.client.get(url) } else { app.client.post(url) }
                .header("accept", "text/html")
                .header("origin", &app.base)
                .header("content-type", content_type(&body))
                .body(body.clone());
            if let Some(t) = token {
                req = req.header("cookie", format!("shortlist-session={t}"));
            }
            let res = req.send().await.unwrap();
            let status = res.status().as_u16();
            let got = classify(status, &res.text().await.unwrap());
            if got != want {
                wrong.push(format!(
                    "{method} {path} as actor {column}: expected {want}, got {got} ({status})"
                ));
            }
        }
    }
    assert!(wrong.is_empty(), "access differs from the matrix:\n{}", wrong.join("\n"));
}

#[test]
fn every_server_function_has_a_row() {
    let v = VacancyId::from_uuid(Uuid::nil());
    let covered: BTreeSet<String> = rows(v, Uuid::nil())
        .into_iter()
        .filter(|(_, path, _, _)| path.starts_with("/api/"))
        .map(|(_, path, _, _)| path.to_owned())
        .collect();
    let registered: BTreeSet<String> =
        leptos::server_fn::axum::server_fn_paths().map(|(path, _)| path.to_owned()).collect();
    assert!(!registered.is_empty());
    assert_eq!(registered, covered, "each server function needs a row in the access matrix");
}

/// Calls every server function and every staff page as every kind of staff member, and fails
/// if any answer contains `marker` (used with an applicant's own equal-opportunities words:
/// no staff-facing port may return them). Applicants' own endpoints are called too, without
/// the applicant's cookie, as staff would have to.
pub(super) async fn no_staff_response_contains(app: &TestApp, v: Uuid, marker: &str) {
    let v = VacancyId::from_uuid(v);
    let mut tokens = Vec::new();
    for role in [OrgRole::HrAdmin, OrgRole::Hr, OrgRole::Auditor] {
        tokens.push(person(app, Some(role), None).await);
    }
    tokens.push(person(app, None, Some((v, VacancyRole::HiringManager))).await);
    tokens.push(person(app, None, Some((v, VacancyRole::PanelMember))).await);
    let mut paths: Vec<(String, String)> = leptos::server_fn::axum::server_fn_paths()
        .map(|(p, _)| (p.to_owned(), "POST".to_owned()))
        .collect();
    for (method, path, _, _) in rows(v, Uuid::nil()) {
        if method == "GET" {
            paths.push((
                path.replace("{v}", &v.to_string()).replace("{c}", &Uuid::nil().to_string()),
                "GET".into(),
            ));
        }
    }
    for token in &tokens {
        for (path, method) in &paths {
            let url = format!("{}{path}", app.base);
            let req = if method == "GET" { app.client.get(url) } else { app.client.post(url) };
            let body = if path.ends_with("/apply-cv") {
                multipart(&[("application", &v.to_string())])
            } else {
                format!("vacancy={v}&id={v}&action=&user=&from=&to=")
            };
            let res = req
                .header("origin", &app.base)
                .header("content-type", content_type(&body))
                .header("cookie", format!("shortlist-session={token}"))
                .body(body)
                .send()
                .await
                .unwrap();
            let text = res.text().await.unwrap();
            assert!(!text.contains(marker), "{method} {path} showed monitoring data to staff");
        }
    }
}
