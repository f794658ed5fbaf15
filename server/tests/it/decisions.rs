//! Decisions on candidates from outside, as selectors' browsers make them: rejection with a
//! reason and the letter, bulk rejection at sift, the rights-request freeze, the "this changed
//! since you opened it" check (both backends), the pipeline from sift to hired with interviews
//! and history, candidate numbers under concurrent sends, and the organisation's rejection
//! reasons and letter. Shares its simulated team with `selection`.

use super::applicant::{Applicant, count};
use super::helpers::{Kind, TestApp};
use super::selection::{Person, Team, deliver, interview, mail_with, page, person, post, version};
use super::signin::{PASSWORD, sign_in, token_of};
use app::domain::access::OrgRole;
use server::db::selection;
use uuid::Uuid;

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
    let stranger = Uuid::new_v4().to_string();
    let to = interview(&t, &ada, &stranger).await;
    assert!(to.ends_with("?error=form"), "{to}");
    let panel_id = t.panel.id.to_string();
    let to = interview(&t, &ada, &panel_id).await;
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
