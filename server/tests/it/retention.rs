//! The retention engine from outside: stored dates and rules as HR sees them, legal holds over
//! HTTP, the purge leaving nothing of a person who touched every feature (every table searched,
//! both backends), what is never purged, and drafts. The purge as a process — interrupted at
//! every step, two at once, a restored backup, the dashboard — is in `purge_runs`; the kill test
//! (a real `server purge` process killed many times) in `purge_kill`.

use super::applicant::count;
use super::helpers::{Kind, TestApp};
use super::selection::{Team, deliver, interview, page, post, version};
use server::db::{Database, on_conn};
use server::retention::{Outcome, Trigger};
use uuid::Uuid;

pub(super) fn at(t: &str) -> chrono::DateTime<chrono::Utc> {
    t.parse().unwrap()
}

/// Every (table, column) whose text or bytes contain one of `needles` (lower case). The
/// application's destroyed-key marker is the one row allowed to keep its id.
pub(super) async fn search(db: &Database, needles: &[String]) -> Vec<String> {
    let mut conn = db.acquire().await.unwrap();
    let columns: Vec<(String, String)> = on_conn!(conn.conn(), c => {
        let sql = match db.backend() {
            server::db::Backend::Sqlite => "SELECT m.name, p.name FROM sqlite_master m, pragma_table_info(m.name) p \
                WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name NOT LIKE '_sqlx%'",
            server::db::Backend::Postgres => "SELECT table_schema || '.' || table_name, column_name \
                FROM information_schema.columns WHERE table_schema IN ('public', 'eo') \
                AND table_name NOT LIKE '_sqlx%' AND table_name NOT IN (SELECT table_name FROM information_schema.views)",
        };
        sqlx::query_as(sql).fetch_all(&mut *c).await
    })
    .unwrap();
    let mut hits = Vec::new();
    for (table, column) in columns {
        if table.ends_with("application_keys") && column == "application_id" {
            continue;
        }
        for needle in needles {
            let sql = match db.backend() {
                server::db::Backend::Sqlite => format!(
                    "SELECT COUNT(*) FROM \"{table}\" WHERE instr(lower(CAST(\"{column}\" AS TEXT)), $1) > 0 \
                     OR instr(lower(hex(\"{column}\")), $1) > 0"
                ),
                server::db::Backend::Postgres => {
                    let (schema, name) = table.split_once('.').unwrap();
                    format!(
                        "SELECT COUNT(*) FROM \"{schema}\".\"{name}\" WHERE strpos(lower(CAST(\"{column}\" AS TEXT)), $1) > 0"
                    )
                }
            };
            let (n,): (i64,) = on_conn!(conn.conn(), c => sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .bind(needle).fetch_one(&mut *c).await)
            .unwrap();
            if n > 0 {
                hits.push(format!("{table}.{column} contains {needle}"));
            }
        }
    }
    hits
}

/// What identifies an application and its person, as search needles.
pub(super) fn needles(id: &str, email: &str, name: &str, reference: &str) -> Vec<String> {
    let uuid: Uuid = id.parse().unwrap();
    vec![
        uuid.to_string(),
        uuid.simple().to_string(),
        email.to_lowercase(),
        name.to_lowercase(),
        reference.to_lowercase(),
    ]
}

pub(super) async fn objects_under(app: &TestApp, id: &str) -> usize {
    use futures::StreamExt as _;
    let store = app.documents.object_store();
    let prefix = object_store::path::Path::from(format!("applications/{id}"));
    store.list(Some(&prefix)).collect::<Vec<_>>().await.len()
}

pub(super) async fn reference_of(app: &TestApp, id: &str) -> String {
    let mut conn = app.db.acquire().await.unwrap();
    let uuid: Uuid = id.parse().unwrap();
    let (r,): (Option<String>,) = on_conn!(conn.conn(), c => sqlx::query_as(
        "SELECT reference FROM applications WHERE id = $1").bind(uuid).fetch_one(&mut *c).await)
    .unwrap();
    r.unwrap()
}

/// Scores from the hiring manager and the panel, a note naming the candidate, moves to sift and
/// interview, and an interview: what selection leaves about a candidate.
pub(super) async fn scored_noted_interviewed(t: &Team<'_>, id: &str, name: &str) {
    let app = t.app;
    let base = format!("/staff/candidates/{id}");
    for who in [&t.hm, &t.panel] {
        let to = post(
            app,
            who,
            &format!("{base}/scores"),
            &[
                ("score_1", "5"),
                ("evidence_1", "Clear payroll evidence"),
                ("score_2", "4"),
                ("action", "submit"),
            ],
        )
        .await;
        assert!(to.ends_with("?done=scored"), "{to}");
    }
    post(
        app,
        &t.panel,
        &format!("{base}/notes"),
        &[("note", &format!("Spoke well, {name}")), ("kind", "note")],
    )
    .await;
    for stage in ["sift", "interview"] {
        let v = version(app, &t.hm, id).await;
        assert!(
            post(app, &t.hm, &format!("{base}/move"), &[("version", &v), ("stage", stage)])
                .await
                .ends_with("?done=moved")
        );
    }
    let to = interview(t, id, &t.panel.id.to_string()).await;
    assert!(to.ends_with("?done=interview"), "{to}");
}

/// Every id the erasure ledger in the folder `dir` lists, read as the purge reads it.
pub(super) async fn ledger_ids(dir: &std::path::Path) -> Vec<Uuid> {
    let store = server::documents::open_object_store(&format!("file://{}", dir.display())).unwrap();
    server::retention::ledger::Ledger::new(store).ids().await.unwrap()
}

/// A candidate who touched every feature: the whole journey (CV, answers, consent, monitoring),
/// scores from the panel and the hiring manager, a note, an interview, then a rejection and its
/// letter. Returns the application id.
async fn everything(t: &Team<'_>, name: &str, email: &str) -> String {
    let app = t.app;
    let id = t.apply(name, email).await;
    let base = format!("/staff/candidates/{id}");
    scored_noted_interviewed(t, &id, name).await;
    let v = version(app, &t.hm, &id).await;
    let to = post(
        app,
        &t.hm,
        &format!("{base}/reject"),
        &[("version", &v), ("reason", "interview"), ("feedback", "Feedback-Q9 for the candidate")],
    )
    .await;
    assert!(to.ends_with("?done=rejected"), "{to}");
    deliver(app).await;
    id
}

pub(super) async fn purge_as_of(app: &TestApp, t: &str) -> server::db::purge::Counts {
    match app.purger.run(at(t), Trigger::Command).await.unwrap() {
        Outcome::Done { counts, .. } => counts,
        Outcome::Busy => panic!("nobody else purges in this test"),
    }
}

/// The hiring manager rejects the candidate (reason: interview).
pub(super) async fn reject(t: &Team<'_>, id: &str) {
    let v = version(t.app, &t.hm, id).await;
    let to = post(
        t.app,
        &t.hm,
        &format!("/staff/candidates/{id}/reject"),
        &[("version", &v), ("reason", "interview")],
    )
    .await;
    assert!(to.ends_with("?done=rejected"), "{to}");
}

/// The applicant takes back the reserve-list consent the journey gave, at `when`.
pub(super) async fn withdraw_consent(app: &TestApp, id: &str, when: &str) {
    let mut tx = app.db.begin().await.unwrap();
    server::db::applications::withdraw_consent(
        tx.conn(),
        id.parse().unwrap(),
        "reserve_list",
        "portal",
        at(when),
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
}

/// The newest legal hold's id.
pub(super) async fn newest_hold(app: &TestApp) -> Uuid {
    let mut conn = app.db.acquire().await.unwrap();
    let (h,): (Uuid,) = on_conn!(conn.conn(), c => sqlx::query_as(
        "SELECT id FROM legal_holds ORDER BY placed_at DESC, id LIMIT 1").fetch_one(&mut *c).await)
    .unwrap();
    h
}

async fn purge_leaves_nothing_of_a_person(kind: Kind) {
    let app = TestApp::spawn(kind).await;
    let t = Team::new(&app).await;
    let (name, email) = ("Quennell Abernathy", "quennell.abernathy@example.com");
    let id = everything(&t, name, email).await;
    let keep = everything(&t, "Philippa Stayward", "philippa.stayward@example.com").await;
    let reference = reference_of(&app, &id).await;
    // Their phone number, as a contact correction in the portal stores it.
    let uuid: Uuid = id.parse().unwrap();
    on_conn!(app.db.acquire().await.unwrap().conn(), c => sqlx::query(
        "UPDATE applications SET phone = '07700 900123' WHERE id = $1").bind(uuid)
        .execute(&mut *c).await.map(|r| r.rows_affected()))
    .unwrap();
    let pseudonym: String = app
        .pseudonyms
        .pseudonym(app::domain::ApplicationId::from_uuid(uuid))
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let mut needles = needles(&id, email, name, &reference);
    needles.extend(["07700 900123".to_owned(), pseudonym]);
    assert!(
        !search(&app.db, &needles).await.is_empty(),
        "the search finds the person before the purge"
    );
    assert_eq!(objects_under(&app, &id).await, 1);

    // Rejected today with reserve-list consent (12 months): kept until the consent ends, as
    // HR is told on the candidate page.
    let (_, html) = page(&app, &t.hr, &format!("/staff/candidates/{id}")).await;
    assert!(
        html.contains("Kept until 23 November 2027") && html.contains("reserve list"),
        "{html}"
    );
    let (_, html) = page(&app, &t.hm, &format!("/staff/candidates/{id}")).await;
    assert!(!html.contains("Kept until"), "retention is for HR");
    let plan = app.purger.plan(at("2027-11-22T00:00:00Z")).await.unwrap();
    assert!(plan.due.is_empty(), "{:?}", plan.due);

    // The other candidate is put on legal hold; the dry run lists only the first.
    let to = post(
        &app,
        &t.hr,
        &format!("/staff/candidates/{keep}/hold"),
        &[("hold_reason", "Tribunal claim ET/123")],
    )
    .await;
    assert!(to.ends_with("?done=held"), "{to}");
    let plan = app.purger.plan(at("2027-11-24T00:00:00Z")).await.unwrap();
    assert_eq!(plan.due.iter().map(|d| d.id.to_string()).collect::<Vec<_>>(), vec![id.clone()]);
    assert_eq!(plan.due[0].retention_rule, "reserve_list");
    assert!(!search(&app.db, &needles).await.is_empty(), "a dry run changes nothing");

    let counts = purge_as_of(&app, "2027-11-24T00:00:00Z").await;
    assert_eq!((counts.applications, counts.documents, counts.drafts), (1, 1, 0));
    assert!(counts.rows > 10, "{counts:?}");
    assert_eq!(search(&app.db, &needles).await, Vec::<String>::new());
    assert_eq!(objects_under(&app, &id).await, 0);
    let eo_left = match kind {
        Kind::Sqlite => "SELECT COUNT(*) FROM eo_responses",
        Kind::Postgres => "SELECT COUNT(*) FROM eo.responses",
    };
    assert_eq!(
        count(&app, eo_left).await,
        1,
        "only the held candidate's monitoring answers remain"
    );
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM anonymised_facts WHERE outcome = 'rejected' AND stage_reached = 'interview' \
                     AND source = 'job_board' AND rejection_reason = 'interview' AND applied_month = '2026-11'").await,
        1
    );
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM application_keys WHERE wrapped_key IS NULL").await,
        1
    );
    let ledger = ledger_ids(&app.data_dir.join("erasure-ledger")).await;
    assert_eq!(ledger, vec![id.parse::<Uuid>().unwrap()], "the purged one is in the ledger");
    // The held candidate is untouched; the purged one is gone from every page.
    assert_eq!(page(&app, &t.hr, &format!("/staff/candidates/{id}")).await.0, 404);
    assert_eq!(page(&app, &t.hr, &format!("/staff/candidates/{keep}")).await.0, 200);
    let (_, board) = page(&app, &t.hr, &format!("{}?ended=yes", t.board())).await;
    assert!(board.contains("Philippa Stayward") && !board.contains(name));

    // Released, the hold stops protecting; the next run purges the second candidate too.
    let hold = newest_hold(&app).await;
    let to = post(&app, &t.hr, &format!("/staff/holds/{hold}/release"), &[]).await;
    assert!(to.ends_with("?done=released#holds"), "{to}");
    assert_eq!(purge_as_of(&app, "2027-11-24T00:00:00Z").await.applications, 1);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM applications").await, 0);
    assert_eq!(count(&app, eo_left).await, 0);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM anonymised_facts").await, 2);
    assert_eq!(count(&app, "SELECT CAST(SUM(applications) AS BIGINT) FROM purge_runs").await, 2);
    // With both gone, every distinctive text either of them entered is gone too (they share the
    // journey's texts, so this search waits until both are purged), and no object is left.
    let entered: Vec<String> = [
        "I have run payroll for 300 people.",
        "Five years of monthly payroll.",
        "Reconciled every run.",
        "Clear payroll evidence",
        "Spoke well",
        "Feedback-Q9",
        super::applying::EO_MARKER,
        "Tribunal claim ET/123",
        "Room 4",
    ]
    .iter()
    .map(|t| t.to_lowercase())
    .collect();
    assert_eq!(search(&app.db, &entered).await, Vec::<String>::new());
    {
        use futures::StreamExt as _;
        let left = app.documents.object_store().list(None).collect::<Vec<_>>().await;
        assert!(left.is_empty(), "objects left: {}", left.len());
    }
    // Nothing is due now; a run does nothing and says so.
    assert_eq!(purge_as_of(&app, "2027-11-24T00:00:00Z").await.applications, 0);
}

#[tokio::test]
async fn purge_leaves_nothing_of_a_person_on_sqlite() {
    purge_leaves_nothing_of_a_person(Kind::Sqlite).await;
}

#[tokio::test]
async fn purge_leaves_nothing_of_a_person_on_postgres() {
    purge_leaves_nothing_of_a_person(Kind::Postgres).await;
}

#[tokio::test]
async fn in_progress_held_and_consented_applications_are_never_purged() {
    let app = TestApp::spawn(Kind::Sqlite).await;
    let t = Team::new(&app).await;
    let running = t.apply("Running Person", "running@example.com").await;
    let consented = t.apply("Consent Person", "consent@example.com").await;
    let held = t.apply("Held Person", "held@example.com").await;
    // The running candidate takes back the reserve-list consent the journey gave (it would
    // keep them past the stalled date).
    withdraw_consent(&app, &running, "2026-11-23T10:00:00Z").await;
    for id in [&consented, &held] {
        reject(&t, id).await;
    }
    // The whole vacancy is held: nothing of it goes, however late.
    let to =
        post(&app, &t.hr, &format!("/staff/vacancies/{}/hold", t.vacancy), &[("hold_reason", "")])
            .await;
    assert!(to.ends_with("?error=hold_reason#holds"), "a hold needs a reason: {to}");
    let to = post(
        &app,
        &t.hr,
        &format!("/staff/vacancies/{}/hold", t.vacancy),
        &[("hold_reason", "Group claim")],
    )
    .await;
    assert!(to.ends_with("?done=held#holds"), "{to}");
    assert_eq!(
        post(&app, &t.hm, &format!("/staff/vacancies/{}/hold", t.vacancy), &[("hold_reason", "x")])
            .await,
        "status 403"
    );
    let (_, board) = page(&app, &t.hr, &t.board()).await;
    assert!(board.contains("Group claim") && board.contains("A legal hold is in force"), "{board}");
    assert_eq!(purge_as_of(&app, "2030-01-01T00:00:00Z").await.applications, 0);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM applications WHERE retention_rule = 'legal_hold' AND retain_until IS NULL").await, 3);
    let hold = newest_hold(&app).await;
    assert!(
        post(&app, &t.hr, &format!("/staff/holds/{hold}/release"), &[])
            .await
            .ends_with("?done=released#holds")
    );
    assert_eq!(
        post(&app, &t.hr, &format!("/staff/holds/{hold}/release"), &[]).await,
        "status 404",
        "released once"
    );
    // One candidate is held on their own.
    assert!(
        post(&app, &t.hr, &format!("/staff/candidates/{held}/hold"), &[("hold_reason", "Dispute")])
            .await
            .ends_with("?done=held")
    );
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM audit_log WHERE action = 'legal_hold.place' AND outcome = 'ok'"
        )
        .await,
        2,
        "placing is audited (the refused empty reason is not a hold)"
    );
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM audit_log WHERE action = 'legal_hold.release'").await,
        1
    );

    // Six months and a day after the decision: the consented candidate is kept by consent,
    // the held one by the hold, the running one because its vacancy closes on 31 December and
    // a process without a decision only ends 90 days later.
    assert_eq!(purge_as_of(&app, "2027-05-24T09:00:00Z").await.applications, 0);
    // The applicant withdraws their reserve-list consent: it takes effect at once.
    withdraw_consent(&app, &consented, "2027-05-24T10:00:00Z").await;
    assert_eq!(purge_as_of(&app, "2027-05-24T11:00:00Z").await.applications, 1);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM applications").await, 2);
    // The process without a decision ends 90 days after closing; then six months run.
    let plan = app.purger.plan(at("2027-09-29T00:00:00Z")).await.unwrap();
    assert!(plan.due.is_empty(), "{:?}", plan.due);
    let plan = app.purger.plan(at("2027-10-01T00:00:00Z")).await.unwrap();
    assert_eq!(
        plan.due.iter().map(|d| d.id.to_string()).collect::<Vec<_>>(),
        vec![running.clone()]
    );
    assert_eq!(plan.due[0].retention_rule, "stalled");
    assert_eq!(purge_as_of(&app, "2027-10-01T00:00:00Z").await.applications, 1);
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM applications").await,
        1,
        "the held candidate stays"
    );
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM anonymised_facts WHERE outcome = 'no_decision'").await,
        1
    );
}

#[tokio::test]
async fn abandoned_drafts_go_thirty_days_after_their_last_change() {
    let app = TestApp::spawn(Kind::Sqlite).await;
    let t = Team::new(&app).await;
    let draft = super::applicant::Applicant::start(&app, t.vacancy).await;
    draft.fill("Drafting Person", "drafting@example.com").await;
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM applications WHERE retention_rule = 'draft'").await,
        1
    );
    assert_eq!(purge_as_of(&app, "2026-12-22T00:00:00Z").await.drafts, 0);
    let counts = purge_as_of(&app, "2026-12-24T00:00:00Z").await;
    assert_eq!((counts.drafts, counts.applications, counts.documents), (1, 0, 1));
    assert_eq!(count(&app, "SELECT COUNT(*) FROM applications").await, 0);
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM anonymised_facts").await,
        0,
        "a draft was never an application"
    );
    assert_eq!(objects_under(&app, &draft.id).await, 0);
    // The applicant's resume link finds nothing.
    let (status, _) = draft.page("check").await;
    assert_ne!(status, 200);
}
