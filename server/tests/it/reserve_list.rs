//! Reserve-list consent over time, from outside, on both backends with a settable clock: the
//! notice goes a calendar month before the consent lapses, once per consent record; its link
//! renews (a new record naming the old) or withdraws at once (the retention date falls back);
//! a used, lapsed or unknown link changes nothing; the purge takes the links. Then the reserve
//! list itself: found appointable only after interview, the letter (with a one-click join link
//! when there is no consent), who is on a list (live consent only), merit order, matches for new
//! vacancies, invitations once each, lapse and withdrawal, and the purge.

use super::applicant::count;
use super::helpers::{Kind, TestApp};
use super::portal::{links_in_mail, mails_to};
use super::retention::{at, purge_as_of, reject, withdraw_consent};
use super::selection::{Team, call as call_as, deliver, mail_with, move_to, page, post, version};

/// The `/reserve-list/…` paths in the messages to `to`, once there are `n` (sorted, so not
/// in the order sent).
async fn consent_links(app: &TestApp, to: &str, n: usize) -> Vec<String> {
    links_in_mail(app, to, "/reserve-list/", n).await
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

/// A vacancy with these criteria (and job family), published or not, closing at the end of
/// 2027; returns its id.
async fn other_vacancy(
    app: &TestApp,
    title: &str,
    status: server::db::vacancies::Status,
    family: Option<&str>,
    criteria: &[&str],
) -> uuid::Uuid {
    let rec = super::conformance::vacancy(title, status, "2027-12-31T23:59:00Z");
    let mut conn = app.db.acquire().await.unwrap();
    server::db::vacancies::insert(conn.conn(), &rec).await.unwrap();
    let criteria: Vec<(String, i32, i32)> =
        criteria.iter().map(|c| ((*c).to_owned(), 1, 100)).collect();
    server::db::applications::set_criteria(conn.conn(), rec.id, &criteria).await.unwrap();
    drop(conn);
    if let Some(f) = family {
        set_family(app, rec.id, f).await;
    }
    rec.id
}

async fn set_family(app: &TestApp, vacancy: uuid::Uuid, family: &str) {
    let mut conn = app.db.acquire().await.unwrap();
    server::db::on_conn!(conn.conn(), c => sqlx::query("UPDATE vacancies SET job_family = $1 WHERE id = $2")
        .bind(family).bind(vacancy).execute(&mut *c).await.map(|r| r.rows_affected()))
    .unwrap();
}

/// HR's reserve-list page of `vacancy`, as the page's server function returns it.
async fn lists(t: &Team<'_>, vacancy: uuid::Uuid) -> app::domain::reserve::ReserveListPage {
    let (status, json) =
        call_as(t.app, &t.hr, "staff-reserve-list", &format!("vacancy={vacancy}")).await;
    assert_eq!(status, 200, "{json}");
    serde_json::from_str(&json).unwrap()
}

fn names_own(page: &app::domain::reserve::ReserveListPage) -> Vec<String> {
    page.own.iter().map(|e| e.name.clone()).collect()
}

fn names_matched(page: &app::domain::reserve::ReserveListPage) -> Vec<String> {
    page.matches.iter().map(|e| e.name.clone()).collect()
}

/// The hiring manager finds candidate `id` appointable; returns where the browser was sent.
async fn appointable(t: &Team<'_>, id: &str) -> String {
    let v = version(t.app, &t.hm, id).await;
    post(t.app, &t.hm, &format!("/staff/candidates/{id}/appointable"), &[("version", &v)]).await
}

async fn final_score(t: &Team<'_>, id: &str, score: &str) {
    let v = version(t.app, &t.hm, id).await;
    let to = post(
        t.app,
        &t.hm,
        &format!("/staff/candidates/{id}/final-score"),
        &[("version", &v), ("final_score", score), ("final_reason", "Agreed at the panel")],
    )
    .await;
    assert!(to.ends_with("?done=final_score"), "{to}");
}

async fn invite(t: &Team<'_>, vacancy: uuid::Uuid, id: &str) -> String {
    post(t.app, &t.hr, &format!("/staff/vacancies/{vacancy}/reserve-list/{id}/invite"), &[]).await
}

/// The `/reserve-list/join/…` path in the messages to `to`.
async fn join_link(app: &TestApp, to: &str) -> String {
    consent_link(app, to).await
}

async fn the_reserve_list(kind: Kind) {
    let app = TestApp::spawn(kind).await;
    let mut t = Team::new(&app).await;
    set_family(&app, t.vacancy, "Finance").await;
    let mail = |n: &str| format!("{}@example.com", n.to_lowercase().replace(' ', "."));
    let names = ["Ada Quill", "Bo Marsh", "Cy Dale", "Di Fenn", "Ed Lowe", "Flo Hart"];
    let mut ids = std::collections::BTreeMap::new();
    for n in names {
        ids.insert(n, t.apply(n, &mail(n)).await);
    }
    for n in &names[..5] {
        move_to(&t, &ids[n], "interview").await;
    }
    final_score(&t, &ids["Ada Quill"], "4").await;
    final_score(&t, &ids["Bo Marsh"], "6").await;
    final_score(&t, &ids["Di Fenn"], "6").await;
    // Cy and Ed took back the consent they gave on the form before any decision.
    withdraw_consent(&app, &ids["Cy Dale"], "2026-11-23T10:00:00Z").await;
    withdraw_consent(&app, &ids["Ed Lowe"], "2026-11-23T10:00:00Z").await;

    // Only after selectors met them: Flo is still at Applied, and nothing changes for her.
    t.later("2026-12-01T09:00:00Z").await;
    let to = appointable(&t, &ids["Flo Hart"]).await;
    assert!(to.ends_with("?error=not_allowed"), "{to}");
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM applications WHERE outcome IS NOT NULL").await,
        0,
        "a refused decision changes nothing"
    );
    // Bo first, the others a day later (equal scores: who was found appointable first).
    assert!(appointable(&t, &ids["Bo Marsh"]).await.ends_with("?done=appointable"));
    t.later("2026-12-02T09:00:00Z").await;
    let ada_version = version(&app, &t.hm, &ids["Ada Quill"]).await;
    for n in ["Di Fenn", "Ada Quill", "Cy Dale", "Ed Lowe"] {
        assert!(appointable(&t, &ids[n]).await.ends_with("?done=appointable"), "{n}");
    }
    // Once decided, it cannot be decided again (the form's version is stale, and it ended).
    let again = format!("/staff/candidates/{}/appointable", ids["Ada Quill"]);
    let to = post(&app, &t.hm, &again, &[("version", &ada_version)]).await;
    assert!(to.ends_with("?error=ended"), "{to}");
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM applications WHERE outcome = 'rejected' \
             AND appointable_at IS NOT NULL AND rejection_reason IS NULL AND decided_at IS NOT NULL"
        )
        .await,
        5
    );
    let (_, ada_page) = page(&app, &t.hm, &format!("/staff/candidates/{}", ids["Ada Quill"])).await;
    assert!(ada_page.contains("Appointable, not appointed"), "{ada_page}");
    assert!(ada_page.contains("On the reserve list until 23 November 2027"));
    assert!(ada_page.contains("Found appointable, not appointed"), "the history says so");
    let (_, cy_page) = page(&app, &t.hm, &format!("/staff/candidates/{}", ids["Cy Dale"])).await;
    assert!(cy_page.contains("Not on the reserve list"), "{cy_page}");

    // The letters: with consent, until when; without, a one-click link to join.
    deliver(&app).await;
    let ada_letter = mail_with(&app, &mail("Ada Quill"), "found you appointable").await;
    assert!(ada_letter.contains("on our reserve list until 23 November 2027"), "{ada_letter}");
    assert!(!ada_letter.contains("/reserve-list/join/"));
    let cy_letter = mail_with(&app, &mail("Cy Dale"), "found you appointable").await;
    assert!(cy_letter.contains("/reserve-list/join/"), "{cy_letter}");
    assert!(cy_letter.contains("by 30 December 2026"), "{cy_letter}");

    // Consent required: Cy and Ed are not on the list; Flo (never decided) neither.
    let v1 = t.vacancy;
    assert_eq!(names_own(&lists(&t, v1).await), ["Bo Marsh", "Di Fenn", "Ada Quill"]);

    // Cy joins with one click; opening the link changed nothing, a second click adds nothing.
    t.later("2026-12-10T09:00:00Z").await;
    let cy_link = join_link(&app, &mail("Cy Dale")).await;
    let cy_token = cy_link.trim_start_matches("/reserve-list/join/").to_owned();
    let (status, body) = html(&app, &cy_link).await;
    assert_eq!(status, 200);
    assert!(body.contains("Join our reserve list?"), "{body}");
    assert_eq!(consents(&app, &mail("Cy Dale"), "c.withdrawn_at IS NULL").await, 0);
    let (status, body) = call(&app, "reserve-join", &cy_token).await;
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("?done=joined"), "{body}");
    let (status, body) = call(&app, "reserve-join", &cy_token).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        consents(&app, &mail("Cy Dale"), "c.withdrawn_at IS NULL AND c.method = 'email'").await,
        1
    );
    let (_, body) = html(&app, &cy_link).await;
    assert!(body.contains("You are on our reserve list"), "{body}");
    assert!(body.contains("10 December 2027"), "{body}");
    assert_eq!(
        names_own(&lists(&t, v1).await),
        ["Bo Marsh", "Di Fenn", "Ada Quill", "Cy Dale"],
        "unscored last"
    );

    // Ed's link has ended after 28 days: the page says so and a post changes nothing.
    t.later("2027-01-05T09:00:00Z").await;
    let ed_link = join_link(&app, &mail("Ed Lowe")).await;
    let (status, body) = html(&app, &ed_link).await;
    assert_eq!(status, 410);
    assert!(body.contains("This link has ended"), "{body}");
    let (status, body) =
        call(&app, "reserve-join", ed_link.trim_start_matches("/reserve-list/join/")).await;
    assert_eq!(status, 422, "{body}");
    assert!(body.contains("This link no longer works"), "{body}");
    assert_eq!(consents(&app, &mail("Ed Lowe"), "c.withdrawn_at IS NULL").await, 0);
    let (status, _) = html(&app, "/reserve-list/join/not-a-link").await;
    assert_eq!(status, 404);

    // Withdrawn consent: off the list at once.
    withdraw_consent(&app, &ids["Di Fenn"], "2027-01-05T09:00:00Z").await;
    assert_eq!(names_own(&lists(&t, v1).await), ["Bo Marsh", "Ada Quill", "Cy Dale"]);

    // A new vacancy sharing two criteria words matches; one sharing the job family matches;
    // one with nothing in common shows nobody.
    use server::db::vacancies::Status;
    let similar = other_vacancy(
        &app,
        "Payroll Assistant",
        Status::Published,
        None,
        &["Payroll processing", "An eye for detail"],
    )
    .await;
    let family = other_vacancy(&app, "Accounts Officer", Status::Draft, Some("finance"), &[]).await;
    let unrelated =
        other_vacancy(&app, "Gardener", Status::Published, Some("Estates"), &["Horticulture"])
            .await;
    let page_similar = lists(&t, similar).await;
    assert_eq!(names_matched(&page_similar), ["Bo Marsh", "Ada Quill", "Cy Dale"]);
    assert_eq!(page_similar.matches[0].reasons, ["Similar criteria: detail, payroll"]);
    assert_eq!(page_similar.matches[0].found_for, "Payroll Officer");
    assert!(page_similar.own.is_empty());
    assert_eq!(lists(&t, family).await.matches[0].reasons, ["Same job family: finance"]);
    assert!(lists(&t, unrelated).await.matches.is_empty());
    let (status, html_page) =
        page(&app, &t.hr, &format!("/staff/vacancies/{similar}/reserve-list")).await;
    assert_eq!(status, 200);
    assert!(html_page.contains("Invite to apply"), "{html_page}");
    assert!(!html_page.contains("Di Fenn"), "withdrawn consent never appears");

    // Invitations: once each, logged, only to someone on a matching list, only while open.
    let bo = &ids["Bo Marsh"];
    assert!(invite(&t, similar, bo).await.ends_with("?done=invited"));
    assert!(invite(&t, similar, bo).await.ends_with("?error=invited"));
    assert!(invite(&t, similar, &ids["Di Fenn"]).await.ends_with("?error=not_on_list"));
    assert!(invite(&t, similar, &ids["Flo Hart"]).await.ends_with("?error=not_on_list"));
    assert!(invite(&t, unrelated, bo).await.ends_with("?error=not_on_list"));
    assert!(invite(&t, family, bo).await.ends_with("?error=not_open"));
    assert!(
        invite(&t, similar, &uuid::Uuid::new_v4().to_string())
            .await
            .ends_with("?error=not_on_list")
    );
    assert_eq!(count(&app, "SELECT COUNT(*) FROM reserve_invitations").await, 1);
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM audit_log WHERE action = 'reserve_list.invite'").await,
        1
    );
    deliver(&app).await;
    let invitation = mail_with(&app, &mail("Bo Marsh"), "A job you may be interested in").await;
    assert!(invitation.contains(&format!("/vacancies/{similar}")), "{invitation}");
    assert!(lists(&t, similar).await.matches[0].invited.is_some());

    // A hiring manager may not see reserve lists, even of their own vacancy.
    let (status, _) = call_as(&app, &t.hm, "staff-reserve-list", &format!("vacancy={v1}")).await;
    assert_eq!(status, 403);

    // Lapsed consent: the form consents of Bo and Ada ended on 23 November 2027; Cy's runs on.
    t.later("2027-11-24T09:00:00Z").await;
    assert_eq!(names_own(&lists(&t, v1).await), ["Cy Dale"]);
    assert_eq!(names_matched(&lists(&t, similar).await), ["Cy Dale"]);
    assert!(invite(&t, similar, &ids["Ada Quill"]).await.ends_with("?error=not_on_list"));

    // The purge takes the join links and invitations with the applications.
    purge_as_of(&app, "2031-01-01T00:00:00Z").await;
    for table in ["reserve_asks", "reserve_invitations"] {
        assert_eq!(count(&app, &format!("SELECT COUNT(*) FROM {table}")).await, 0, "{table}");
    }
    let (status, _) = html(&app, &cy_link).await;
    assert_eq!(status, 404);
    // Nothing of the invited candidate or of the one who joined by email is left anywhere.
    for n in ["Bo Marsh", "Cy Dale"] {
        let uuid: uuid::Uuid = ids[n].parse().unwrap();
        let needles = vec![uuid.to_string(), uuid.simple().to_string(), mail(n), n.to_lowercase()];
        assert_eq!(super::retention::search(&app.db, &needles).await, Vec::<String>::new(), "{n}");
    }
}

#[tokio::test]
async fn the_reserve_list_on_sqlite() {
    the_reserve_list(Kind::Sqlite).await;
}

#[tokio::test]
async fn the_reserve_list_on_postgres() {
    the_reserve_list(Kind::Postgres).await;
}

/// A consent that lapsed without being withdrawn does not stop the applicant agreeing again:
/// the lapsed record is closed at its own expiry (no withdrawal method) and the new one is
/// recorded, so the join link of a candidate found appointable after the lapse works.
async fn consent_given_again_after_it_lapsed(kind: Kind) {
    let app = TestApp::spawn(kind).await;
    let mut t = Team::new(&app).await;
    let ada = "ada.quill@example.com";
    let id = t.apply("Ada Quill", ada).await;
    move_to(&t, &id, "interview").await;
    // The form's consent (12 months from 23 November 2026) has lapsed by the decision.
    t.later("2027-11-24T09:00:00Z").await;
    assert!(appointable(&t, &id).await.ends_with("?done=appointable"));
    let link = join_link(&app, ada).await;
    let token = link.trim_start_matches("/reserve-list/join/").to_owned();
    let (status, body) = call(&app, "reserve-join", &token).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(consents(&app, ada, "c.withdrawn_at IS NULL AND c.method = 'email'").await, 1);
    assert_eq!(
        consents(&app, ada, "c.withdrawn_at = c.expires_at AND c.withdrawn_method IS NULL").await,
        1,
        "the lapsed record is closed as lapsed, not as withdrawn"
    );
    assert_eq!(names_own(&lists(&t, t.vacancy).await), ["Ada Quill"]);
}

#[tokio::test]
async fn consent_given_again_after_it_lapsed_on_sqlite() {
    consent_given_again_after_it_lapsed(Kind::Sqlite).await;
}

#[tokio::test]
async fn consent_given_again_after_it_lapsed_on_postgres() {
    consent_given_again_after_it_lapsed(Kind::Postgres).await;
}
