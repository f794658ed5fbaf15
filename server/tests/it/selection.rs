//! Selection from outside, as selectors' browsers do it (pages, server functions, plain form
//! posts, the CV download, the outbox): no path from any selector-facing response to
//! equal-opportunities answers; name-blind sift until the sift is passed; independent
//! scoring; decisions with reasons, letters and history; the rights-request freeze; and the
//! "this changed since you opened it" check, on both backends where it matters.

use super::accounts::post_as;
use super::applicant::{Applicant, PDF, count, form, open_vacancy};
use super::applying::EO_MARKER;
use super::helpers::{Kind, TestApp};
use super::signin::{PASSWORD, add_staff, get_with, location, sign_in, token_of};
use app::domain::{
    StaffId, VacancyId,
    access::{OrgRole, VacancyRole},
};
use server::db::{selection, staff};
use uuid::Uuid;

/// A signed-in staff member.
struct Person {
    id: StaffId,
    email: String,
    token: String,
}

/// A vacancy with HR, its hiring manager and one panel member, all signed in.
struct Team<'a> {
    app: &'a TestApp,
    vacancy: Uuid,
    hr: Person,
    hm: Person,
    panel: Person,
}

async fn person(app: &TestApp, email: &str, role: Option<OrgRole>) -> Person {
    let id = add_staff(app, email, role).await;
    let token = token_of(&sign_in(app, email, PASSWORD, None).await);
    Person { id, email: email.to_owned(), token }
}

impl<'a> Team<'a> {
    async fn new(app: &'a TestApp) -> Self {
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
    async fn apply(&self, name: &str, email: &str) -> String {
        let a = Applicant::start(self.app, self.vacancy).await;
        a.complete(name, email).await;
        a.id
    }

    fn board(&self) -> String {
        format!("/staff/vacancies/{}/candidates", self.vacancy)
    }
}

async fn page(app: &TestApp, who: &Person, path: &str) -> (u16, String) {
    let res = get_with(app, path, &who.token).await;
    (res.status().as_u16(), res.text().await.unwrap())
}

/// Posts a form as `who`; returns where it sent the browser.
async fn post(app: &TestApp, who: &Person, path: &str, pairs: &[(&str, &str)]) -> String {
    let res = post_as(app, &who.token, path, &form(pairs)).await;
    let status = res.status().as_u16();
    assert!(status == 303 || status == 403 || status == 404, "{path}: {status}");
    if status == 303 { location(&res).to_owned() } else { format!("status {status}") }
}

/// Calls a server function as the browser does with JavaScript on; returns its JSON.
async fn call(app: &TestApp, who: &Person, endpoint: &str, body: &str) -> (u16, String) {
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

async fn version(app: &TestApp, who: &Person, id: &str) -> String {
    version_in(&page(app, who, &format!("/staff/candidates/{id}")).await.1)
}

/// The delivered message to `to` whose text contains `containing` (waits up to 5 s).
async fn mail_with(app: &TestApp, to: &str, containing: &str) -> String {
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
fn all_mail(app: &TestApp) -> Vec<String> {
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
async fn deliver(app: &TestApp) {
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

#[tokio::test]
async fn rejecting_needs_a_reason_and_sends_the_letter_once() {
    let app = TestApp::spawn(Kind::Sqlite).await;
    let t = Team::new(&app).await;
    let ada = t.apply("Ada Quillfeather", "ada.quill@example.com").await;
    let reject = format!("/staff/candidates/{ada}/reject");
    let v = version(&app, &t.hm, &ada).await;
    let rejected = "SELECT COUNT(*) FROM applications WHERE outcome = 'rejected'";

    assert_eq!(
        post(&app, &t.panel, &reject, &[("version", &v), ("reason", "essential_criteria")]).await,
        "status 403"
    );
    let to =
        post(&app, &t.hm, &reject, &[("version", &v), ("reason", ""), ("feedback", "kept")]).await;
    assert!(to.ends_with("?error=form"), "{to}");
    let (_, html) = page(&app, &t.hm, &format!("/staff/candidates/{ada}?error=form")).await;
    assert!(html.contains("Select the reason for rejecting") && html.contains(">kept</textarea>"));
    let to = post(&app, &t.hm, &reject, &[("version", &v), ("reason", "made_up")]).await;
    assert!(to.ends_with("?error=form"), "{to}");
    assert_eq!(count(&app, rejected).await, 0);

    let to = post(
        &app,
        &t.hm,
        &reject,
        &[
            ("version", &v),
            ("reason", "essential_criteria"),
            ("feedback", "Show <b>more</b> evidence of payroll."),
        ],
    )
    .await;
    assert!(to.ends_with("?done=rejected"), "{to}");
    assert_eq!(count(&app, rejected).await, 1);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM applications WHERE decided_at IS NOT NULL AND rejection_reason = 'essential_criteria'").await, 1);
    deliver(&app).await;
    let letter = mail_with(&app, "ada.quill@example.com", "Subject: Your application for").await;
    assert!(letter.contains("Subject: Your application for Payroll Officer"), "{letter}");
    assert!(
        letter.contains("Dear Ada Quillfeather")
            && letter.contains("Show <b>more</b> evidence of payroll.")
    );
    assert!(!letter.contains("essential"), "the internal reason is not in the letter");

    // A second press, or any later decision, changes nothing.
    let again =
        post(&app, &t.hm, &reject, &[("version", &v), ("reason", "essential_criteria")]).await;
    assert!(again.ends_with("?error=ended") || again.ends_with("?error=changed"), "{again}");
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM mail_outbox WHERE purpose = 'candidate.rejection'").await,
        1
    );
    let (_, html) = page(&app, &t.hm, &format!("/staff/candidates/{ada}")).await;
    assert!(html.contains("Rejected") && html.contains("Robin Example"), "history says who");
}

#[tokio::test]
async fn bulk_rejection_at_sift_leaves_restricted_and_later_candidates_alone() {
    let app = TestApp::spawn(Kind::Sqlite).await;
    let t = Team::new(&app).await;
    let mut ids = Vec::new();
    for n in 0..4 {
        ids.push(t.apply(&format!("Person {n}"), &format!("p{n}@example.com")).await);
    }
    {
        let mut conn = app.db.acquire().await.unwrap();
        selection::set_restricted(conn.conn(), ids[2].parse().unwrap(), Some(app.clock_now()))
            .await
            .unwrap();
    }
    let v = version(&app, &t.hm, &ids[3]).await;
    post(
        &app,
        &t.hm,
        &format!("/staff/candidates/{}/move", ids[3]),
        &[("version", &v), ("stage", "interview")],
    )
    .await;
    let bulk = format!("/staff/vacancies/{}/reject", t.vacancy);
    let pairs: Vec<(&str, &str)> = ids
        .iter()
        .map(|id| ("candidate", id.as_str()))
        .chain([("reason", "stronger_candidates")])
        .collect();
    assert_eq!(post(&app, &t.panel, &bulk, &pairs).await, "status 403");
    let no_reason: Vec<(&str, &str)> = ids.iter().map(|id| ("candidate", id.as_str())).collect();
    assert!(post(&app, &t.hm, &bulk, &no_reason).await.ends_with("?error=reason"));
    let to = post(&app, &t.hm, &bulk, &pairs).await;
    assert!(to.ends_with("?rejected=2&skipped=2"), "{to}");
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM applications WHERE outcome = 'rejected'").await,
        2
    );
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM mail_outbox WHERE purpose = 'candidate.rejection'").await,
        2
    );
}

#[tokio::test]
async fn a_restricted_application_cannot_be_moved_scored_noted_or_contacted() {
    let app = TestApp::spawn(Kind::Sqlite).await;
    let t = Team::new(&app).await;
    let ada = t.apply("Ada Quillfeather", "ada.quill@example.com").await;
    let v = version(&app, &t.hm, &ada).await;
    {
        let mut conn = app.db.acquire().await.unwrap();
        selection::set_restricted(conn.conn(), ada.parse().unwrap(), Some(app.clock_now()))
            .await
            .unwrap();
    }
    let v_now = (v.parse::<i32>().unwrap() + 1).to_string();
    let base = format!("/staff/candidates/{ada}");
    let mail_before = count(&app, "SELECT COUNT(*) FROM mail_outbox").await;
    for (path, pairs) in [
        ("move", vec![("version", v_now.as_str()), ("stage", "sift")]),
        ("reject", vec![("version", v_now.as_str()), ("reason", "essential_criteria")]),
        ("withdraw", vec![("version", v_now.as_str()), ("confirm", "yes")]),
        ("scores", vec![("score_1", "4"), ("score_2", "4"), ("action", "submit")]),
        ("notes", vec![("note", "Called them")]),
        ("moderate", vec![]),
        (
            "final-score",
            vec![("version", v_now.as_str()), ("final_score", "4"), ("final_reason", "x")],
        ),
    ] {
        let to = post(&app, &t.hm, &format!("{base}/{path}"), &pairs).await;
        assert!(to.ends_with("?error=restricted"), "{path}: {to}");
    }
    assert!(
        post(&app, &t.hr, &format!("{base}/reveal"), &[("reveal_reason", "x")])
            .await
            .ends_with("?error=restricted")
    );
    assert_eq!(count(&app, "SELECT COUNT(*) FROM score_sheets").await, 0);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM candidate_notes").await, 0);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM stage_history").await, 0);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM mail_outbox").await, mail_before);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM applications WHERE stage = 'applied' AND outcome IS NULL AND status = 'submitted'").await, 1);
    let (_, html) = page(&app, &t.hm, &base).await;
    assert!(html.contains("restricted while a rights request is dealt with"));
    assert!(
        !html.contains("Move candidate") && !html.contains("Submit scores"),
        "no decision forms"
    );
    let (_, board) = page(&app, &t.hm, &t.board()).await;
    assert!(board.contains("Restricted"));
}

#[tokio::test]
async fn a_decision_on_a_candidate_that_changed_since_it_was_opened_is_refused() {
    for kind in [Kind::Sqlite, Kind::Postgres] {
        let app = TestApp::spawn(kind).await;
        let t = Team::new(&app).await;
        let ada = t.apply("Ada Quillfeather", "ada.quill@example.com").await;
        let base = format!("/staff/candidates/{ada}");
        // Both open the page; HR moves the candidate on; the manager's rejection is refused.
        let seen = version(&app, &t.hm, &ada).await;
        assert_eq!(version(&app, &t.hr, &ada).await, seen);
        assert!(
            post(&app, &t.hr, &format!("{base}/move"), &[("version", &seen), ("stage", "sift")])
                .await
                .ends_with("?done=moved")
        );
        let to = post(
            &app,
            &t.hm,
            &format!("{base}/reject"),
            &[("version", &seen), ("reason", "essential_criteria")],
        )
        .await;
        assert!(to.ends_with("?error=changed"), "{to}");
        let (_, html) = page(&app, &t.hm, &format!("{base}?error=changed")).await;
        assert!(html.contains("This candidate changed since you opened the page"));
        assert_eq!(
            count(&app, "SELECT COUNT(*) FROM applications WHERE outcome IS NOT NULL").await,
            0
        );
        assert_eq!(
            post(&app, &t.hm, &format!("{base}/move"), &[("stage", "interview")]).await,
            format!("{base}?error=changed"),
            "a form without its version is stale"
        );

        // Two decisions on the same version at the same moment: exactly one happens.
        let now = version(&app, &t.hm, &ada).await;
        let (move_path, reject_path) = (format!("{base}/move"), format!("{base}/reject"));
        let move_form = [("version", now.as_str()), ("stage", "interview")];
        let reject_form = [("version", now.as_str()), ("reason", "essential_criteria")];
        let (a, b) = tokio::join!(
            post(&app, &t.hm, &move_path, &move_form),
            post(&app, &t.hr, &reject_path, &reject_form),
        );
        let done = [&a, &b].iter().filter(|l| l.contains("?done=")).count();
        assert_eq!(done, 1, "{a} / {b}");
        assert_eq!(count(&app, "SELECT COUNT(*) FROM stage_history").await, 2);
    }
}

#[tokio::test]
async fn the_pipeline_from_sift_to_hired_keeps_history_invitations_and_decision_times() {
    let app = TestApp::spawn(Kind::Sqlite).await;
    let t = Team::new(&app).await;
    let ada = t.apply("Ada Quillfeather", "ada.quill@example.com").await;
    let ben = t.apply("Benedict Oarsman", "ben.oars@example.com").await;
    let base = format!("/staff/candidates/{ada}");
    let step = |stage: &'static str| {
        let (app, hm, base, ada) = (&app, &t.hm, base.clone(), ada.clone());
        async move {
            let v = version(app, hm, &ada).await;
            post(app, hm, &format!("{base}/move"), &[("version", &v), ("stage", stage)]).await
        }
    };
    assert!(step("sift").await.ends_with("?done=moved"));
    assert!(step("hired").await.ends_with("?error=not_allowed"), "no hiring past the offer");
    assert!(step("interview").await.ends_with("?done=moved"));

    // An interview: the panel comes from the vacancy's team; the candidate and panel are told.
    let v = version(&app, &t.hm, &ada).await;
    let stranger = Uuid::new_v4().to_string();
    let to = post(
        &app,
        &t.hm,
        &format!("{base}/interview"),
        &[
            ("version", &v),
            ("interview_day", "3"),
            ("interview_month", "12"),
            ("interview_year", "2026"),
            ("interview_time", "2pm"),
            ("place", "Room 4"),
            ("panel", &stranger),
        ],
    )
    .await;
    assert!(to.ends_with("?error=form"), "{to}");
    let panel_id = t.panel.id.to_string();
    let to = post(
        &app,
        &t.hm,
        &format!("{base}/interview"),
        &[
            ("version", &v),
            ("interview_day", "3"),
            ("interview_month", "12"),
            ("interview_year", "2026"),
            ("interview_time", "2pm"),
            ("place", "Room 4"),
            ("panel", &panel_id),
        ],
    )
    .await;
    assert!(to.ends_with("?done=interview"), "{to}");
    deliver(&app).await;
    let invite = mail_with(&app, "ada.quill@example.com", "Interview invitation").await;
    assert!(
        invite.contains("Interview invitation: Payroll Officer")
            && invite.contains("Room 4")
            && invite.contains("3 December 2026 at 2pm"),
        "{invite}"
    );
    mail_with(&app, "panel@example.org", "Room 4").await;
    post(
        &app,
        &t.panel,
        &format!("{base}/notes"),
        &[("note", "Strong <script>answers</script>"), ("kind", "interview")],
    )
    .await;
    let (_, html) = page(&app, &t.hm, &base).await;
    assert!(
        html.contains("Strong &lt;script&gt;answers&lt;/script&gt;"),
        "notes are text, never markup"
    );

    assert!(step("offer").await.ends_with("?done=moved"));
    let v = version(&app, &t.hm, &ada).await;
    assert!(
        post(&app, &t.hm, &format!("{base}/offer"), &[("version", &v), ("response", "maybe")])
            .await
            .ends_with("?error=response")
    );
    assert!(
        post(&app, &t.hm, &format!("{base}/offer"), &[("version", &v), ("response", "accepted")])
            .await
            .ends_with("?done=offer")
    );
    assert!(step("pre_employment_checks").await.ends_with("?done=moved"));
    app.clock.set("2026-11-23T15:30:00Z");
    let hm = Person {
        token: token_of(&sign_in(&app, "manager@example.org", PASSWORD, None).await),
        ..t.hm
    };
    let v = version(&app, &hm, &ada).await;
    assert!(
        post(&app, &hm, &format!("{base}/move"), &[("version", &v), ("stage", "hired")])
            .await
            .ends_with("?done=moved")
    );
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM applications WHERE outcome = 'hired' AND decided_at IS NOT NULL"
        )
        .await,
        1
    );
    let (_, html) = page(&app, &hm, &base).await;
    for step in [
        "Moved from Applied to Sift",
        "Moved from Sift to Interview",
        "Moved from Interview to Offer",
        "Offer accepted",
        "Moved from Pre-employment checks to Hired",
    ] {
        assert!(html.contains(step), "{step}");
    }
    assert!(!html.contains("Move candidate"), "a hired candidate takes no more decisions");

    // Withdrawing on the applicant's behalf needs the box ticked, and tells them.
    let ben_base = format!("/staff/candidates/{ben}");
    let v = version(&app, &hm, &ben).await;
    assert!(
        post(&app, &hm, &format!("{ben_base}/withdraw"), &[("version", &v)])
            .await
            .ends_with("?error=confirm")
    );
    assert!(
        post(&app, &hm, &format!("{ben_base}/withdraw"), &[("version", &v), ("confirm", "yes")])
            .await
            .ends_with("?done=withdrawn")
    );
    assert_eq!(count(&app, "SELECT COUNT(*) FROM applications WHERE status = 'withdrawn' AND decided_at IS NOT NULL").await, 1);
    deliver(&app).await;
    mail_with(&app, "ben.oars@example.com", "Application withdrawn").await;
}

#[tokio::test]
async fn candidates_are_numbered_per_vacancy_even_when_sent_at_once() {
    for kind in [Kind::Sqlite, Kind::Postgres] {
        let app = TestApp::spawn(kind).await;
        let t = Team::new(&app).await;
        let mut applicants = Vec::new();
        for n in 0..4 {
            let a = Applicant::start(&app, t.vacancy).await;
            a.fill(&format!("Person {n}"), &format!("p{n}@example.com")).await;
            applicants.push(a);
        }
        let sends = applicants.iter().map(|a| a.call("apply-submit", &[("declaration", "yes")]));
        for sent in futures::future::join_all(sends).await {
            assert!(sent.location.unwrap().ends_with("/confirmation"));
        }
        assert_eq!(count(&app, "SELECT COUNT(DISTINCT candidate_number) FROM applications WHERE candidate_number BETWEEN 1 AND 4").await, 4);
        assert_eq!(
            count(&app, "SELECT CAST(MAX(candidates_sent) AS BIGINT) FROM vacancies").await,
            4
        );
        let (_, board) = page(&app, &t.panel, &t.board()).await;
        for n in 1..=4 {
            assert!(board.contains(&format!("Candidate {n}<")), "Candidate {n}");
        }
    }
}

#[tokio::test]
async fn hr_administrators_set_the_reasons_and_the_letter_that_rejections_use() {
    let app = TestApp::spawn(Kind::Sqlite).await;
    let t = Team::new(&app).await;
    let admin = person(&app, "admin@example.org", Some(OrgRole::HrAdmin)).await;
    let ada = t.apply("Ada Quillfeather", "ada.quill@example.com").await;
    let letter = "/staff/settings/rejections/letter";
    let reasons = "/staff/settings/rejections/reasons";

    assert_eq!(post(&app, &t.hr, letter, &[("template", "Dear {name}")]).await, "status 403");
    let to =
        post(&app, &admin, letter, &[("template", "To whom it may concern </textarea><b>")]).await;
    assert!(to.ends_with("?error=form"), "{to}");
    let (_, html) = page(&app, &admin, "/staff/settings/rejections?error=form").await;
    assert!(
        html.contains("The letter must include {name}")
            && html.contains("To whom it may concern &lt;/textarea>&lt;b>")
            && !html.contains("</textarea><b>"),
        "{html}"
    );
    let custom = "Dear {name},\n\nAbout {vacancy}: not this time.\n\n{feedback}\n\n{organisation}";
    assert!(post(&app, &admin, letter, &[("template", custom)]).await.ends_with("?done=letter"));

    assert!(
        post(&app, &admin, reasons, &[("reason_words", "Salary too far apart")])
            .await
            .ends_with("?done=added")
    );
    assert!(
        post(&app, &admin, reasons, &[("reason_words", "salary  too far apart")])
            .await
            .ends_with("?error=form")
    );
    let retire = format!("{reasons}/interview/retire");
    assert!(post(&app, &admin, &retire, &[]).await.ends_with("?done=retired"));
    assert_eq!(post(&app, &admin, &retire, &[]).await, "status 404");
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM audit_log WHERE action LIKE 'settings.rejection_%'")
            .await,
        3
    );

    // Selectors choose from the new list, and the applicant gets the organisation's letter.
    let (_, html) = page(&app, &t.hm, &format!("/staff/candidates/{ada}")).await;
    assert!(
        html.contains("Salary too far apart")
            && !html.contains("Did not meet the standard at interview")
    );
    let reject = format!("/staff/candidates/{ada}/reject");
    let v = version(&app, &t.hm, &ada).await;
    assert!(
        post(&app, &t.hm, &reject, &[("version", &v), ("reason", "interview")])
            .await
            .ends_with("?error=form")
    );
    let to = post(
        &app,
        &t.hm,
        &reject,
        &[("version", &v), ("reason", "salary_too_far_apart"), ("feedback", "Thank you.")],
    )
    .await;
    assert!(to.ends_with("?done=rejected"), "{to}");
    deliver(&app).await;
    let mail = mail_with(&app, "ada.quill@example.com", "Subject: Your application for").await;
    assert!(
        mail.contains("Dear Ada Quillfeather,")
            && mail.contains("About Payroll Officer: not this time.")
            && mail.contains("Thank you."),
        "{mail}"
    );
}
