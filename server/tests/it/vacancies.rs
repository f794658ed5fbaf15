//! Vacancy management over HTTP as HR's browser does it (plain form posts, redirects): create,
//! edit, publish, close, the hiring manager's closing alert, and the careers pages that follow.
//! Bad input changes nothing and comes back to the form with the values typed.

use super::accounts::{mail_to, post_as};
use super::applicant::{count, form};
use super::helpers::{Kind, TestApp};
use super::signin::{PASSWORD, add_staff, get_with, location, sign_in, token_of};
use app::domain::{StaffId, access::OrgRole};
use uuid::Uuid;

struct Hr<'a> {
    app: &'a TestApp,
    token: String,
}

impl Hr<'_> {
    async fn sign_in(app: &TestApp) -> Hr<'_> {
        add_staff(app, "hr@example.org", Some(OrgRole::Hr)).await;
        let token = token_of(&sign_in(app, "hr@example.org", PASSWORD, None).await);
        Hr { app, token }
    }

    async fn post(&self, path: &str, pairs: &[(&str, &str)]) -> String {
        let res = post_as(self.app, &self.token, path, &form(pairs)).await;
        assert_eq!(res.status(), 303, "{path}: {:?}", res.text().await);
        location(&res).to_owned()
    }

    async fn page(&self, path: &str) -> (u16, String) {
        let res = get_with(self.app, path, &self.token).await;
        (res.status().as_u16(), res.text().await.unwrap())
    }
}

/// A complete editor form with `hm` as hiring manager, changed by `extra`.
fn vacancy_form(
    hm: Option<StaffId>,
    extra: &[(&'static str, &'static str)],
) -> Vec<(String, String)> {
    let mut pairs: Vec<(String, String)> = [
        ("title", "Payroll officer"),
        ("team", "Finance"),
        ("location", "Leeds, hybrid"),
        ("salary_min", "28000"),
        ("salary_max", "32,000"),
        ("closes_day", "5"),
        ("closes_month", "12"),
        ("closes_year", "2026"),
        ("closes_time", "23:59"),
        ("summary", "Run the monthly payroll."),
        ("description", "You will run payroll.\n\nWe offer flexible hours."),
        ("posts", "1"),
        ("job_family", "Finance"),
        ("location_tags", "Leeds, Remote"),
        ("name_blind", "yes"),
        ("stage", "interview"),
        ("criterion_1_text", "Experience of payroll"),
        ("criterion_1_weight", "3"),
        ("criterion_1_words", "250"),
        ("criterion_2_text", "Attention to detail"),
        ("criterion_2_weight", "1"),
        ("criterion_2_words", "100"),
        ("question_1_text", "Do you hold a CIPP qualification?"),
        ("question_1_expected", "yes"),
    ]
    .iter()
    .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
    .collect();
    if let Some(hm) = hm {
        pairs.push((format!("role_{hm}"), "hiring_manager".into()));
    }
    for (k, v) in extra {
        pairs.retain(|(name, _)| name != k);
        pairs.push(((*k).to_owned(), (*v).to_owned()));
    }
    pairs
}

fn refs(pairs: &[(String, String)]) -> Vec<(&str, &str)> {
    pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect()
}

fn id_in(location: &str) -> Uuid {
    location.trim_start_matches("/staff/vacancies/").split('?').next().unwrap().parse().unwrap()
}

async fn careers(app: &TestApp, query: &str) -> String {
    app.get(&format!("/{query}")).await.text().await.unwrap()
}

async fn vacancy_lifecycle(kind: Kind) {
    let app = TestApp::spawn(kind).await;
    let hr = Hr::sign_in(&app).await;
    let hm = add_staff(&app, "hm@example.org", None).await;
    let panel = add_staff(&app, "panel@example.org", None).await;

    // Saved as a draft without a hiring manager: not public, and not publishable yet.
    let to = hr.post("/staff/vacancies/new", &refs(&vacancy_form(None, &[]))).await;
    assert!(to.ends_with("?done=created"), "{to}");
    let id = id_in(&to);
    let page = format!("/staff/vacancies/{id}");
    assert!(!careers(&app, "").await.contains("Payroll officer"));
    let (_, html) = hr.page(&page).await;
    assert!(html.contains("Choose a hiring manager before publishing"), "{html}");
    assert_eq!(hr.post(&format!("{page}/publish"), &[]).await, format!("{page}?error=publish"));
    assert_eq!(count(&app, "SELECT COUNT(*) FROM vacancies WHERE status = 'draft'").await, 1);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM vacancy_stages").await, 6);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM vacancy_criteria").await, 2);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM vacancy_screening_questions").await, 1);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM vacancy_location_tags").await, 2);

    // With a hiring manager and a panel member it publishes and appears on the careers page.
    let mut pairs = vacancy_form(Some(hm), &[]);
    pairs.push((format!("role_{panel}"), "panel_member".into()));
    assert_eq!(hr.post(&page, &refs(&pairs)).await, format!("{page}?done=saved"));
    assert_eq!(hr.post(&format!("{page}/publish"), &[]).await, format!("{page}?done=published"));
    assert!(careers(&app, "").await.contains("Payroll officer"));
    let hm_token = token_of(&sign_in(&app, "hm@example.org", PASSWORD, None).await);
    let hm_view = get_with(&app, &page, &hm_token).await.text().await.unwrap();
    assert!(hm_view.contains("Experience of payroll") && !hm_view.contains("Save changes"));

    // After publishing, the person specification is fixed whatever the form says; the advert
    // can still change.
    let changed = vacancy_form(
        Some(hm),
        &[
            ("title", "Senior payroll officer"),
            ("criterion_1_text", "Something else"),
            ("stage", "assessment"),
        ],
    );
    assert_eq!(hr.post(&page, &refs(&changed)).await, format!("{page}?done=saved"));
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM vacancy_criteria WHERE text = 'Experience of payroll'")
            .await,
        1
    );
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM vacancy_stages WHERE stage = 'assessment'").await,
        0
    );
    assert_eq!(count(&app, "SELECT COUNT(*) FROM staff_vacancy_roles").await, 1, "panel removed");
    assert!(careers(&app, "").await.contains("Senior payroll officer"));

    // An application arrives, answering the screening question; then HR closes early (the
    // box must be ticked).
    let applicant = super::applicant::Applicant::start(&app, id).await;
    applicant.complete("Ada Lovelace", "ada@example.org").await;
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM application_screening_answers WHERE answer = 'yes'")
            .await,
        1
    );
    assert_eq!(hr.post(&format!("{page}/close"), &[]).await, format!("{page}?error=confirm"));
    assert_eq!(
        hr.post(&format!("{page}/close"), &[("confirm", "yes")]).await,
        format!("{page}?done=closed")
    );
    let mail = mail_to(&app, "hm@example.org").await;
    assert!(mail.contains("Subject: Applications have closed: Senior payroll officer"), "{mail}");
    assert!(mail.contains("You have 1 application to consider"), "{mail}");
    assert!(!mail.contains("Ada") && !mail.contains("ada@example.org"), "{mail}");
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM mail_outbox WHERE purpose = 'vacancy.closed'").await,
        1
    );
    // The alert goes once; a closed vacancy takes no applications and no more changes.
    let admin = app.vacancy_admin.clone();
    assert_eq!(admin.announce_closed(app.clock_now()).await.unwrap(), 0);
    assert!(!careers(&app, "").await.contains("Senior payroll officer"));
    assert_eq!(app.post("/api/apply-start", &format!("vacancy={id}")).await.status(), 422);
    assert_eq!(hr.post(&page, &refs(&changed)).await, format!("{page}?error=closed"));

    let audit = |action: &'static str| {
        let app = &app;
        async move {
            count(app, &format!("SELECT COUNT(*) FROM audit_log WHERE action = '{action}'")).await
        }
    };
    assert_eq!(audit("vacancy.create").await, 1);
    assert_eq!(audit("vacancy.update").await, 2);
    assert_eq!(audit("vacancy.publish").await, 1);
    assert_eq!(audit("vacancy.close").await, 1);
    assert_eq!(audit("staff.assign").await, 2);
    assert_eq!(audit("staff.unassign").await, 1);
}

#[tokio::test]
async fn hr_creates_publishes_edits_and_closes_a_vacancy_on_sqlite() {
    vacancy_lifecycle(Kind::Sqlite).await;
}

#[tokio::test]
async fn hr_creates_publishes_edits_and_closes_a_vacancy_on_postgres() {
    vacancy_lifecycle(Kind::Postgres).await;
}

#[tokio::test]
async fn a_vacancy_closes_by_itself_at_its_closing_time_and_its_hiring_manager_is_told_once() {
    let app = TestApp::spawn(Kind::Sqlite).await;
    let hr = Hr::sign_in(&app).await;
    let hm = add_staff(&app, "hm@example.org", None).await;
    add_staff(&app, "other@example.org", None).await;
    let to = hr.post("/staff/vacancies/new", &refs(&vacancy_form(Some(hm), &[]))).await;
    let page = format!("/staff/vacancies/{}", id_in(&to));
    hr.post(&format!("{page}/publish"), &[]).await;
    let admin = app.vacancy_admin.clone();

    assert_eq!(admin.announce_closed(app.clock_now()).await.unwrap(), 0, "still open");
    app.clock.set("2026-12-05T23:59:00Z");
    assert_eq!(
        app.post("/api/apply-start", &format!("vacancy={}", id_in(&to))).await.status(),
        422
    );
    assert_eq!(admin.announce_closed(app.clock_now()).await.unwrap(), 1);
    assert_eq!(admin.announce_closed(app.clock_now()).await.unwrap(), 0);
    let mail = mail_to(&app, "hm@example.org").await;
    assert!(mail.contains("You have 0 applications to consider"), "{mail}");
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM mail_outbox WHERE to_addr = 'other@example.org'").await,
        0
    );
    // (Twelve days on, HR's session has ended: sign in again.)
    let token = token_of(&sign_in(&app, "hr@example.org", PASSWORD, None).await);
    let html = get_with(&app, &page, &token).await.text().await.unwrap();
    assert!(html.contains("Closing date passed"), "{html}");
}

#[tokio::test]
async fn a_rejected_form_changes_nothing_and_comes_back_with_what_was_typed() {
    let app = TestApp::spawn(Kind::Sqlite).await;
    let hr = Hr::sign_in(&app).await;
    let hm = add_staff(&app, "hm@example.org", None).await;
    let bad = vacancy_form(
        Some(hm),
        &[
            ("title", "<script>alert('x')</script> officer"),
            ("salary_max", "1000"),
            ("closes_day", "31"),
            ("closes_month", "2"),
            ("criterion_1_weight", "eleven"),
        ],
    );
    let to = hr.post("/staff/vacancies/new", &refs(&bad)).await;
    assert_eq!(to, "/staff/vacancies/new?error=form");
    assert_eq!(count(&app, "SELECT COUNT(*) FROM vacancies").await, 0);
    let (status, html) = hr.page(&to).await;
    assert_eq!(status, 200);
    assert!(html.contains("<title>Error: Create a vacancy"), "{html}");
    for message in [
        "Highest salary must be the same as or more than the lowest salary",
        "Closing date must be a real date",
        "Weight of criterion 1 must be a whole number from 1 to 10",
    ] {
        assert!(html.contains(message), "{message}");
    }
    // What was typed is back in the form, escaped, never as markup.
    assert!(html.contains("value=\"eleven\""), "{html}");
    assert!(
        html.contains("&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; officer")
            || html.contains("&lt;script&gt;alert('x')&lt;/script&gt; officer"),
        "{html}"
    );
    assert!(!html.contains("<script>alert"), "{html}");
    // Without ?error=form the editor starts afresh; typed text was never in a URL.
    let (_, fresh) = hr.page("/staff/vacancies/new").await;
    assert!(!fresh.contains("eleven"));

    // Someone who may not be given a role, an auditor, or an id that is no account.
    let auditor = add_staff(&app, "auditor@example.org", Some(OrgRole::Auditor)).await;
    for forged in [auditor.to_string(), Uuid::new_v4().to_string(), "not-an-id".into()] {
        let mut pairs = vacancy_form(Some(hm), &[]);
        pairs.push((format!("role_{forged}"), "panel_member".into()));
        assert_eq!(
            hr.post("/staff/vacancies/new", &refs(&pairs)).await,
            "/staff/vacancies/new?error=form"
        );
    }
    assert_eq!(count(&app, "SELECT COUNT(*) FROM vacancies").await, 0);

    // A good save forgets the rejected input.
    let to = hr.post("/staff/vacancies/new", &refs(&vacancy_form(Some(hm), &[]))).await;
    assert!(to.ends_with("?done=created"));
    assert_eq!(count(&app, "SELECT COUNT(*) FROM staff_form_input").await, 0);

    // Unknown and malformed vacancies are not found; a draft cannot be closed.
    let page = format!("/staff/vacancies/{}", id_in(&to));
    let unknown = format!("/staff/vacancies/{}", Uuid::new_v4());
    assert_eq!(
        post_as(&app, &hr.token, &unknown, &form(&refs(&vacancy_form(None, &[])))).await.status(),
        404
    );
    assert_eq!(post_as(&app, &hr.token, &format!("{unknown}/publish"), "").await.status(), 404);
    assert_eq!(hr.page(&unknown).await.0, 404);
    assert_eq!(hr.page("/staff/vacancies/nope").await.0, 404);
    assert_eq!(
        hr.post(&format!("{page}/close"), &[("confirm", "yes")]).await,
        format!("{page}?error=publish")
    );
    assert_eq!(count(&app, "SELECT COUNT(*) FROM vacancies WHERE status = 'draft'").await, 1);
}

#[tokio::test]
async fn applicants_answer_the_screening_questions_on_the_eligibility_page() {
    let app = TestApp::spawn(Kind::Sqlite).await;
    let hr = Hr::sign_in(&app).await;
    let hm = add_staff(&app, "hm@example.org", None).await;
    let pairs = vacancy_form(
        Some(hm),
        &[("question_2_text", "Can you work <b>weekends</b>?"), ("question_2_expected", "")],
    );
    let to = hr.post("/staff/vacancies/new", &refs(&pairs)).await;
    let id = id_in(&to);
    hr.post(&format!("/staff/vacancies/{id}/publish"), &[]).await;

    let applicant = super::applicant::Applicant::start(&app, id).await;
    let about = [("full_name", "Ada"), ("email", "ada@example.org"), ("contact_method", "email")];
    applicant.call("apply-about-you", &about).await;
    let (_, html) = applicant.page("eligibility").await;
    assert!(html.contains("Do you hold a CIPP qualification?"), "{html}");
    assert!(html.contains("Can you work &lt;b&gt;weekends&lt;/b&gt;?"), "{html}");
    let eligibility = [
        ("right_to_work", "yes"),
        ("notice_period", "None"),
        ("start_day", "1"),
        ("start_month", "2"),
        ("start_year", "2027"),
        ("screening_1", "no"),
    ];
    // The second question unanswered, then answered with something that is not yes or no.
    for extra in [None, Some(("screening_2", "maybe"))] {
        let mut sent = eligibility.to_vec();
        sent.extend(extra);
        let answer = applicant.call("apply-eligibility", &sent).await;
        assert!(answer.body.contains("screening_2"), "{}", answer.body);
        assert!(answer.body.contains("Select yes or no: Can you work"), "{}", answer.body);
        assert_eq!(count(&app, "SELECT COUNT(*) FROM application_screening_answers").await, 0);
    }
    let mut sent = eligibility.to_vec();
    sent.push(("screening_2", "yes"));
    let answer = applicant.call("apply-eligibility", &sent).await;
    assert!(answer.location.as_deref().is_some_and(|l| l.ends_with("/cv")), "{}", answer.body);
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM application_screening_answers WHERE answer = 'no' AND position = 1").await,
        1
    );
    let (_, check) = applicant.page("check").await;
    assert!(check.contains("Do you hold a CIPP qualification?"), "{check}");
}

/// Publishes a vacancy from the editor form changed by `extra`; returns its id.
async fn publish(hr: &Hr<'_>, hm: StaffId, extra: &[(&'static str, &'static str)]) -> Uuid {
    let to = hr.post("/staff/vacancies/new", &refs(&vacancy_form(Some(hm), extra))).await;
    let id = id_in(&to);
    let done = hr.post(&format!("/staff/vacancies/{id}/publish"), &[]).await;
    assert!(done.ends_with("?done=published"), "{done}");
    id
}

#[tokio::test]
async fn the_careers_page_filters_by_location_and_job_family() {
    let app = TestApp::spawn(Kind::Postgres).await;
    let hr = Hr::sign_in(&app).await;
    let hm = add_staff(&app, "hm@example.org", None).await;
    publish(&hr, hm, &[]).await;
    let york = [("title", "Web developer"), ("job_family", "Digital"), ("location_tags", "York")];
    publish(&hr, hm, &york).await;

    let all = careers(&app, "").await;
    assert!(all.contains("Payroll officer") && all.contains("Web developer"));
    // The filter offers what the open vacancies have.
    for option in ["Any location", ">Leeds<", ">Remote<", ">York<", ">Digital<", ">Finance<"] {
        assert!(all.contains(option), "{option}");
    }
    let leeds = careers(&app, "?location=Leeds&family=").await;
    assert!(leeds.contains("Payroll officer") && !leeds.contains("Web developer"), "{leeds}");
    assert!(leeds.contains("1 vacancy matching your filters"));
    let digital = careers(&app, "?family=Digital").await;
    assert!(!digital.contains("Payroll officer") && digital.contains("Web developer"));
    let both = careers(&app, "?location=York&family=Finance").await;
    assert!(both.contains("No open vacancy matches your filters"), "{both}");
    // Markup or nonsense in the address matches nothing and is never echoed as markup.
    let odd = careers(&app, "?location=%3Cscript%3Ealert(1)%3C%2Fscript%3E").await;
    assert!(odd.contains("No open vacancy matches") && !odd.contains("<script>alert"), "{odd}");
}

#[tokio::test]
async fn every_vacancy_page_states_the_privacy_notice_with_the_configured_retention() {
    let app = TestApp::spawn_with(Kind::Sqlite, &[("SHORTLIST_RETENTION_MONTHS", "9")]).await;
    let hr = Hr::sign_in(&app).await;
    let hm = add_staff(&app, "hm@example.org", None).await;
    let id = publish(&hr, hm, &[]).await;
    let advert = format!("/vacancies/{id}");
    let start = format!("/vacancies/{id}/apply");
    for path in [&advert, &start] {
        let html = app.get(path).await.text().await.unwrap();
        assert!(html.contains("How we use your information"), "{path}");
        assert!(html.contains("Northwind Borough Council uses the information"), "{path}");
        assert!(html.contains("we delete your application 9 months after the decision"), "{path}");
        assert!(html.contains("up to 12 months"), "{path}");
    }
    // The person specification is on the advert (never its weights).
    let html = app.get(&advert).await.text().await.unwrap();
    assert!(html.contains("Experience of payroll") && html.contains("Attention to detail"));

    // An HR administrator writes the organisation's own notice; markup stays text.
    add_staff(&app, "admin@example.org", Some(OrgRole::HrAdmin)).await;
    let admin = token_of(&sign_in(&app, "admin@example.org", PASSWORD, None).await);
    let page = "/staff/settings/privacy-notice";
    let save = |body: String| {
        let (app, admin) = (&app, admin.clone());
        async move { location(&post_as(app, &admin, page, &body).await).to_owned() }
    };
    let too_long = format!("Our notice. {}", "x".repeat(5000));
    assert_eq!(save(form(&[("notice", &too_long)])).await, format!("{page}?error=form"));
    let html = get_with(&app, &format!("{page}?error=form"), &admin).await.text().await.unwrap();
    assert!(html.contains("<title>Error: Privacy notice"), "{html}");
    assert!(html.contains("must be 5000 characters or fewer") && html.contains("Our notice. xxx"));
    assert!(app.get(&advert).await.text().await.unwrap().contains("uses the information"));
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM audit_log WHERE action = 'settings.privacy_notice'")
            .await,
        0
    );

    let own = "We use it to <b>hire</b>.\r\n\r\nAsk HR for a copy.";
    assert_eq!(save(form(&[("notice", own)])).await, format!("{page}?done=saved"));
    let html = app.get(&advert).await.text().await.unwrap();
    assert!(
        html.contains("We use it to &lt;b&gt;hire&lt;/b&gt;.")
            && html.contains("Ask HR for a copy.")
    );
    assert!(!html.contains("uses the information"));
    assert!(html.contains("9 months after the decision"), "the periods always follow");
    assert_eq!(count(&app, "SELECT COUNT(*) FROM staff_form_input").await, 0);

    assert_eq!(save("reset=yes&notice=".into()).await, format!("{page}?done=saved"));
    assert!(app.get(&advert).await.text().await.unwrap().contains("uses the information"));
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM audit_log WHERE action = 'settings.privacy_notice'")
            .await,
        2
    );
    // HR without administration rights may not change it.
    let res = post_as(&app, &hr.token, page, &form(&[("notice", "mine")])).await;
    assert_eq!(res.status(), 403);
}
