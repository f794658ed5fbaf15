//! Selection from outside, as selectors' browsers do it (pages, server functions, plain form
//! posts, the CV download, the outbox): no path from any selector-facing response to
//! equal-opportunities answers, on both backends; name-blind sift until the sift is passed or
//! HR reveals with a reason; independent scoring. The simulated team here is shared with
//! `decisions`.

use super::accounts::post_as;
use super::applicant::{Applicant, PDF, count, form, open_vacancy};
use super::applying::EO_MARKER;
use super::helpers::{Kind, TestApp};
use super::signin::{PASSWORD, add_staff, get_with, location, sign_in, token_of};
use app::domain::{
    StaffId, VacancyId,
    access::{OrgRole, VacancyRole},
};
use server::db::staff;
use uuid::Uuid;

/// A signed-in staff member.
pub(super) struct Person {
    pub(super) id: StaffId,
    pub(super) email: String,
    pub(super) token: String,
}

/// A vacancy with HR, its hiring manager and one panel member, all signed in.
pub(super) struct Team<'a> {
    pub(super) app: &'a TestApp,
    pub(super) vacancy: Uuid,
    pub(super) hr: Person,
    pub(super) hm: Person,
    pub(super) panel: Person,
}

pub(super) async fn person(app: &TestApp, email: &str, role: Option<OrgRole>) -> Person {
    let id = add_staff(app, email, role).await;
    let token = token_of(&sign_in(app, email, PASSWORD, None).await);
    Person { id, email: email.to_owned(), token }
}

impl<'a> Team<'a> {
    pub(super) async fn new(app: &'a TestApp) -> Self {
        let vacancy = open_vacancy(app, "2026-12-31T23:59:00Z").await;
        let hr = person(app, "hr@example.org", Some(OrgRole::Hr)).await;
        let hm = person(app, "manager@example.org", None).await;
        let panel = person(app, "panel@example.org", None).await;
        let mut conn = app.db.acquire().await.unwrap();
        let v = VacancyId::from_uuid(vacancy);
        staff::assign(conn.conn(), hm.id, v, VacancyRole::HiringManager).await.unwrap();
        staff::assign(conn.conn(), panel.id, v, VacancyRole::PanelMember).await.unwrap();
        Self { app, vacancy, hr, hm, panel }
    }

    /// Sends a complete application; returns its id.
    pub(super) async fn apply(&self, name: &str, email: &str) -> String {
        let a = Applicant::start(self.app, self.vacancy).await;
        a.complete(name, email).await;
        a.id
    }

    /// Moves the clock to `when` and signs HR and the hiring manager in again (a staff session
    /// ends after 30 idle minutes of the same clock).
    pub(super) async fn later(&mut self, when: &str) {
        self.app.clock.set(when);
        for who in [&mut self.hr, &mut self.hm] {
            who.token = token_of(&sign_in(self.app, &who.email, PASSWORD, None).await);
        }
    }

    pub(super) fn board(&self) -> String {
        format!("/staff/vacancies/{}/candidates", self.vacancy)
    }
}

pub(super) async fn page(app: &TestApp, who: &Person, path: &str) -> (u16, String) {
    let res = get_with(app, path, &who.token).await;
    (res.status().as_u16(), res.text().await.unwrap())
}

/// Posts a form as `who`; returns where it sent the browser.
pub(super) async fn post(
    app: &TestApp,
    who: &Person,
    path: &str,
    pairs: &[(&str, &str)],
) -> String {
    let res = post_as(app, &who.token, path, &form(pairs)).await;
    let status = res.status().as_u16();
    assert!(status == 303 || status == 403 || status == 404, "{path}: {status}");
    if status == 303 { location(&res).to_owned() } else { format!("status {status}") }
}

/// Calls a server function as the browser does with JavaScript on; returns its JSON.
pub(super) async fn call(app: &TestApp, who: &Person, endpoint: &str, body: &str) -> (u16, String) {
    let res = app
        .client
        .post(format!("{}/api/{endpoint}", app.base))
        .header("content-type", "application/x-www-form-urlencoded")
        .header("accept", "application/json")
        .header("origin", &app.base)
        .header("cookie", format!("shortlist-session={}", who.token))
        .body(body.to_owned())
        .send()
        .await
        .unwrap();
    (res.status().as_u16(), res.text().await.unwrap())
}

/// The version a candidate page's decision forms carry.
fn version_in(html: &str) -> String {
    let needle = "name=\"version\" value=\"";
    let at = html.find(needle).expect("a decision form with its version");
    let rest = &html[at + needle.len()..];
    rest[..rest.find('"').unwrap()].to_owned()
}

/// The hiring manager arranges an interview for candidate `id` on 3 December 2026 at 2pm in
/// Room 4 with the panel member `panel` (a staff id); returns where the browser was sent.
pub(super) async fn interview(t: &Team<'_>, id: &str, panel: &str) -> String {
    let v = version(t.app, &t.hm, id).await;
    post(
        t.app,
        &t.hm,
        &format!("/staff/candidates/{id}/interview"),
        &[
            ("version", &v),
            ("interview_day", "3"),
            ("interview_month", "12"),
            ("interview_year", "2026"),
            ("interview_time", "2pm"),
            ("place", "Room 4"),
            ("panel", panel),
        ],
    )
    .await
}

/// The hiring manager moves candidate `id` to `stage`; panics unless it moved.
pub(super) async fn move_to(t: &Team<'_>, id: &str, stage: &str) {
    let v = version(t.app, &t.hm, id).await;
    let path = format!("/staff/candidates/{id}/move");
    let to = post(t.app, &t.hm, &path, &[("version", &v), ("stage", stage)]).await;
    assert!(to.ends_with("?done=moved"), "{stage}: {to}");
}

pub(super) async fn version(app: &TestApp, who: &Person, id: &str) -> String {
    version_in(&page(app, who, &format!("/staff/candidates/{id}")).await.1)
}

/// The delivered message to `to` whose text contains `containing` (waits up to 5 s).
pub(super) async fn mail_with(app: &TestApp, to: &str, containing: &str) -> String {
    for _ in 0..100 {
        let found = all_mail(app).into_iter().find(|m| {
            m.lines().any(|l| l.eq_ignore_ascii_case(&format!("to: {to}")))
                && m.contains(containing)
        });
        if let Some(m) = found {
            return m;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("no message to {to} containing {containing:?}");
}

/// Every message in the outbox folder, as text.
pub(super) fn all_mail(app: &TestApp) -> Vec<String> {
    std::fs::read_dir(app.outbox_dir())
        .map(|entries| {
            entries
                .flatten()
                .map(|e| {
                    super::accounts::decode_quoted_printable(
                        &std::fs::read_to_string(e.path()).unwrap_or_default(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

/// Waits until the background dispatcher has delivered every message (at most 5 s).
pub(super) async fn deliver(app: &TestApp) {
    for _ in 0..100 {
        if count(
            app,
            "SELECT COUNT(*) FROM mail_outbox WHERE sent_at IS NULL AND failed_at IS NULL",
        )
        .await
            == 0
        {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("the outbox was not emptied");
}

/// Everything a selector of the vacancy can reach about its candidates.
async fn everything_seen_by(t: &Team<'_>, who: &Person, ids: &[String]) -> Vec<(String, String)> {
    let app = t.app;
    let mut seen = Vec::new();
    let board = t.board();
    for path in [
        "/staff".to_owned(),
        "/staff/vacancies".to_owned(),
        format!("/staff/vacancies/{}", t.vacancy),
        board.clone(),
        format!("{board}?stage=applied"),
        format!("{board}?ended=yes&sort=score&min_score=1"),
        format!("{board}?unscored=yes"),
    ] {
        let (_, body) = page(app, who, &path).await;
        seen.push((path, body));
    }
    let (_, body) = call(app, who, "staff-pipeline", &format!("vacancy={}", t.vacancy)).await;
    seen.push(("/api/staff-pipeline".into(), body));
    for id in ids {
        let path = format!("/staff/candidates/{id}");
        let (_, body) = page(app, who, &path).await;
        seen.push((path.clone(), body));
        let (_, body) = call(app, who, "staff-candidate", &format!("id={id}&rejected=false")).await;
        seen.push(("/api/staff-candidate".into(), body));
        let res = get_with(app, &format!("{path}/cv"), &who.token).await;
        let bytes = res.bytes().await.unwrap();
        seen.push((format!("{path}/cv"), String::from_utf8_lossy(&bytes).into_owned()));
    }
    deliver(app).await;
    for mail in all_mail(app) {
        if mail.lines().any(|l| l.eq_ignore_ascii_case(&format!("to: {}", who.email))) {
            seen.push(("mail".into(), mail));
        }
    }
    seen
}

fn assert_absent(seen: &[(String, String)], needles: &[&str], why: &str) {
    for (path, body) in seen {
        for needle in needles {
            assert!(!body.contains(needle), "{path} showed {needle:?} ({why})");
        }
    }
}

#[tokio::test]
async fn selectors_never_see_monitoring_answers_and_a_blind_sift_hides_who_until_it_is_passed() {
    for kind in [Kind::Sqlite, Kind::Postgres] {
        let app = TestApp::spawn(kind).await;
        let t = Team::new(&app).await;
        // Ada gives a phone number too (changing "About you" after the other pages).
        let a = Applicant::start(&app, t.vacancy).await;
        a.fill("Ada Quillfeather", "ada.quill@example.com").await;
        let about = [
            ("full_name", "Ada Quillfeather"),
            ("email", "ada.quill@example.com"),
            ("phone", "07700 900461"),
            ("contact_method", "phone"),
        ];
        assert!(a.call("apply-about-you", &about).await.location.is_some());
        let sent = a.call("apply-submit", &[("declaration", "yes")]).await;
        assert!(sent.location.unwrap().ends_with("/confirmation"));
        let ada = a.id.clone();
        let ben = t.apply("Benedict Oarsman", "ben.oars@example.com").await;
        let ids = vec![ada.clone(), ben.clone()];
        // Closing sends the hiring manager the closing alert: a selector-facing email too.
        app.clock.set("2027-01-01T09:00:00Z");
        let t = Team { hr: person(&app, "hr2@example.org", Some(OrgRole::Hr)).await, ..t };
        let t = Team {
            hm: Person {
                token: token_of(&sign_in(&app, "manager@example.org", PASSWORD, None).await),
                ..t.hm
            },
            panel: Person {
                token: token_of(&sign_in(&app, "panel@example.org", PASSWORD, None).await),
                ..t.panel
            },
            ..t
        };
        app.vacancy_admin.announce_closed(app.clock_now()).await.unwrap();

        let identity = [
            "Ada Quillfeather",
            "ada.quill@example.com",
            "Benedict Oarsman",
            "ben.oars@example.com",
            "07700 900461",
            "cv.pdf",
        ];
        for who in [&t.hm, &t.panel, &t.hr] {
            let seen = everything_seen_by(&t, who, &ids).await;
            assert!(
                seen.iter().any(|(_, b)| b.contains("Candidate 1")),
                "candidates are shown by number"
            );
            assert!(
                seen.iter().any(|(_, b)| b.contains("Five years of monthly payroll.")),
                "answers are shown"
            );
            assert_absent(&seen, &[EO_MARKER], "monitoring answers");
            assert_absent(&seen, &identity, "identity during a name-blind sift");
        }

        // Passing the sift reveals who the candidate is, and only that candidate.
        let v = version(&app, &t.hm, &ada).await;
        let to = post(
            &app,
            &t.hm,
            &format!("/staff/candidates/{ada}/move"),
            &[("version", &v), ("stage", "interview")],
        )
        .await;
        assert!(to.ends_with("?done=moved"), "{to}");
        for who in [&t.hm, &t.panel] {
            let seen = everything_seen_by(&t, who, &ids).await;
            assert_absent(&seen, &[EO_MARKER], "monitoring answers");
            assert_absent(
                &seen,
                &["Benedict Oarsman", "ben.oars@example.com"],
                "the other is still in the sift",
            );
            let ada_page =
                &seen.iter().find(|(p, _)| *p == format!("/staff/candidates/{ada}")).unwrap().1;
            assert!(
                ada_page.contains("Ada Quillfeather")
                    && ada_page.contains("ada.quill@example.com")
                    && ada_page.contains("07700 900461")
            );
            let cv =
                &seen.iter().find(|(p, _)| *p == format!("/staff/candidates/{ada}/cv")).unwrap().1;
            assert!(cv.starts_with("%PDF-1.4"), "the CV, decrypted");
        }
        // And every other server function and staff page, as every kind of staff member.
        super::access::no_staff_response_contains(&app, t.vacancy, EO_MARKER).await;
        let res = get_with(&app, &format!("/staff/candidates/{ada}/cv"), &t.panel.token).await;
        assert_eq!(res.status(), 200);
        assert!(
            res.headers()["content-disposition"]
                .to_str()
                .unwrap()
                .starts_with("attachment; filename=\"cv.pdf\"")
        );
        assert_eq!(res.bytes().await.unwrap().as_ref(), PDF);
        assert_eq!(
            count(&app, "SELECT COUNT(*) FROM audit_log WHERE action = 'candidate.reveal.sift'")
                .await,
            1
        );
        assert!(
            count(&app, "SELECT COUNT(*) FROM audit_log WHERE action = 'candidate.cv.download'")
                .await
                >= 3
        );
        assert_eq!(count(&app, "SELECT COUNT(*) FROM audit_log WHERE action = 'candidate.cv.download' AND outcome = 'ok'").await,
            count(&app, "SELECT COUNT(*) FROM audit_log WHERE action = 'candidate.cv.download'").await);
    }
}

#[tokio::test]
async fn hr_reveals_early_only_with_a_reason_that_is_recorded() {
    let app = TestApp::spawn(Kind::Sqlite).await;
    let t = Team::new(&app).await;
    let ada = t.apply("Ada Quillfeather", "ada.quill@example.com").await;
    let path = format!("/staff/candidates/{ada}/reveal");
    assert_eq!(post(&app, &t.hm, &path, &[("reveal_reason", "curious")]).await, "status 403");
    let to = post(&app, &t.hr, &path, &[("reveal_reason", "  ")]).await;
    assert!(to.ends_with("?error=form"), "{to}");
    let (_, html) = page(&app, &t.hr, &format!("/staff/candidates/{ada}?error=form")).await;
    assert!(html.contains("Enter why the candidate") && html.contains("<title>Error:"), "{html}");
    assert!(!html.contains("Ada Quillfeather"));
    let to = post(&app, &t.hr, &path, &[("reveal_reason", "Arranging a step-free interview room")])
        .await;
    assert!(to.ends_with("?done=revealed"), "{to}");
    assert!(
        page(&app, &t.panel, &format!("/staff/candidates/{ada}"))
            .await
            .1
            .contains("Ada Quillfeather")
    );
    assert_eq!(count(&app, "SELECT COUNT(*) FROM identity_reveals WHERE reason = 'Arranging a step-free interview room'").await, 1);
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM audit_log WHERE action = 'candidate.reveal.early'").await,
        1
    );
}

#[tokio::test]
async fn scores_stay_independent_until_each_scorer_submits() {
    let app = TestApp::spawn(Kind::Sqlite).await;
    let t = Team::new(&app).await;
    let ada = t.apply("Ada Quillfeather", "ada.quill@example.com").await;
    let ben = t.apply("Benedict Oarsman", "ben.oars@example.com").await;
    let scores = format!("/staff/candidates/{ada}/scores");
    let ada_page = format!("/staff/candidates/{ada}");

    // A draft is private, and an incomplete submission is refused with the values kept.
    post(
        &app,
        &t.panel,
        &scores,
        &[("score_1", "6"), ("evidence_1", "PANEL-DRAFT-EVIDENCE"), ("action", "save")],
    )
    .await;
    assert!(!page(&app, &t.hm, &ada_page).await.1.contains("PANEL-DRAFT-EVIDENCE"));
    let to = post(
        &app,
        &t.panel,
        &scores,
        &[("score_1", "6"), ("evidence_1", "PANEL-EVIDENCE"), ("action", "submit")],
    )
    .await;
    assert!(to.ends_with("?error=form"), "{to}");
    let (_, refused) = page(&app, &t.panel, &format!("{ada_page}?error=form")).await;
    assert!(
        refused.contains("Choose a score for criterion 2") && refused.contains("PANEL-EVIDENCE")
    );

    let to = post(
        &app,
        &t.panel,
        &scores,
        &[
            ("score_1", "6"),
            ("evidence_1", "PANEL-EVIDENCE"),
            ("score_2", "3"),
            ("action", "submit"),
        ],
    )
    .await;
    assert!(to.ends_with("?done=scored"), "{to}");
    // The hiring manager has not scored: no evidence, no scores, no average anywhere.
    let (_, hm_view) = page(&app, &t.hm, &ada_page).await;
    assert!(
        !hm_view.contains("PANEL-EVIDENCE") && hm_view.contains("hidden until you submit your own")
    );
    let (_, json) = call(&app, &t.hm, "staff-candidate", &format!("id={ada}&rejected=false")).await;
    assert!(!json.contains("PANEL-EVIDENCE") && json.contains("\"colleagues\":null"), "{json}");
    let (_, board) = call(&app, &t.hm, "staff-pipeline", &format!("vacancy={}", t.vacancy)).await;
    assert!(!board.contains("\"score\":5") && board.contains("\"sheets\":1"), "{board}");

    // A submitted sheet is final.
    let to =
        post(&app, &t.panel, &scores, &[("score_1", "1"), ("score_2", "1"), ("action", "submit")])
            .await;
    assert!(to.ends_with("?error=form"), "{to}");
    assert_eq!(count(&app, "SELECT COUNT(*) FROM scores WHERE score = 1").await, 0);

    // Once the hiring manager submits, each sees the other's; the board shows the average.
    post(
        &app,
        &t.hm,
        &scores,
        &[("score_1", "4"), ("evidence_1", "HM-EVIDENCE"), ("score_2", "4"), ("action", "submit")],
    )
    .await;
    assert!(page(&app, &t.hm, &ada_page).await.1.contains("PANEL-EVIDENCE"));
    assert!(page(&app, &t.panel, &ada_page).await.1.contains("HM-EVIDENCE"));
    // Weights 2 and 1: panel (6·2+3)/3 = 5.00, manager 4.00; average 4.50.
    assert!(page(&app, &t.hm, &t.board()).await.1.contains("Average 4.50"));

    // Moderating without scoring shows every submitted sheet; the final score needs a reason.
    let ben_page = format!("/staff/candidates/{ben}");
    post(
        &app,
        &t.panel,
        &format!("{ben_page}/scores"),
        &[("score_1", "2"), ("evidence_1", "BEN-PANEL"), ("score_2", "2"), ("action", "submit")],
    )
    .await;
    assert!(!page(&app, &t.hm, &ben_page).await.1.contains("BEN-PANEL"));
    assert_eq!(post(&app, &t.panel, &format!("{ben_page}/moderate"), &[]).await, "status 403");
    post(&app, &t.hm, &format!("{ben_page}/moderate"), &[]).await;
    assert!(page(&app, &t.hm, &ben_page).await.1.contains("BEN-PANEL"));
    let v = version(&app, &t.hm, &ben).await;
    let to = post(
        &app,
        &t.hm,
        &format!("{ben_page}/final-score"),
        &[("version", &v), ("final_score", "2.5"), ("final_reason", "")],
    )
    .await;
    assert!(to.ends_with("?error=form"), "{to}");
    post(
        &app,
        &t.hm,
        &format!("{ben_page}/final-score"),
        &[("version", &v), ("final_score", "2.5"), ("final_reason", "Panel agreed")],
    )
    .await;
    assert!(page(&app, &t.hm, &ben_page).await.1.contains("Final score: 2.50"));
}
