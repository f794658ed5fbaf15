//! The purge as a process, from outside: stopped at every step boundary and finished by the
//! next run (both backends), two purgers at once on PostgreSQL, a restored SQLite backup purged
//! again from the erasure ledger, and the retention dashboard and schedule HR and auditors read.
//! Shares its helpers with `retention`.

use super::applicant::count;
use super::helpers::{Kind, TestApp};
use super::retention::{at, objects_under, purge_as_of, reject, withdraw_consent};
use super::selection::{Team, page, post};
use server::db::{Database, on_conn};
use server::retention::{Outcome, Step, Trigger};
use std::sync::Arc;
use uuid::Uuid;

/// Stops a purge at each step boundary in turn; the next run finishes, nothing is shown half
/// purged meanwhile, and every count adds up.
async fn interrupted_at_every_step(kind: Kind) {
    let app = TestApp::spawn(kind).await;
    let t = Team::new(&app).await;
    let mut expected = 0;
    for step in Step::ALL {
        let a = t.apply("Stepping Person", &format!("step{expected}@example.com")).await;
        let b = t.apply("Second Person", &format!("second{expected}@example.com")).await;
        for id in [&a, &b] {
            reject(&t, id).await;
        }
        let first: Uuid = a.parse().unwrap();
        let stopping =
            app.purger.clone().with_failpoint(Arc::new(move |s, id| s == step && id == first));
        // As of after the consents end (the journey gives reserve-list consent).
        let err = stopping.run(at("2028-01-01T00:00:00Z"), Trigger::Command).await.unwrap_err();
        assert!(matches!(err, server::retention::PurgeError::Failpoint(s) if s == step), "{err}");
        // Expire the dead run's lease, as time would.
        on_conn!(app.db.acquire().await.unwrap().conn(), c => sqlx::query("UPDATE purge_lease SET holder = NULL, expires_at = NULL")
            .execute(&mut *c).await.map(|r| r.rows_affected())).unwrap();
        let shown = page(&app, &t.hr, &format!("/staff/candidates/{a}")).await.0;
        let (_, board) = page(&app, &t.hr, &t.board()).await;
        assert_eq!(shown, 404, "{step:?}: a marked application is never shown");
        assert!(!board.contains(&a), "{step:?}");
        purge_as_of(&app, "2028-01-01T00:00:00Z").await;
        expected += 2;
        assert_eq!(count(&app, "SELECT COUNT(*) FROM applications").await, 0, "{step:?}");
        assert_eq!(
            count(&app, "SELECT COUNT(*) FROM anonymised_facts").await,
            expected,
            "{step:?}: facts once each"
        );
        assert_eq!(
            count(&app, "SELECT CAST(SUM(applications) AS BIGINT) FROM purge_runs").await,
            expected,
            "{step:?}: the log adds up"
        );
        assert_eq!(objects_under(&app, &a).await + objects_under(&app, &b).await, 0, "{step:?}");
    }
}

#[tokio::test]
async fn interrupted_purges_finish_on_sqlite() {
    interrupted_at_every_step(Kind::Sqlite).await;
}

#[tokio::test]
async fn interrupted_purges_finish_on_postgres() {
    interrupted_at_every_step(Kind::Postgres).await;
}

/// One batch holding several people: an address with another application still kept keeps
/// its portal links and register entry; an address with nothing left loses both (matched
/// whatever its case); a hold placed after the dates were stored is honoured inside the batch.
async fn one_batch_settles_each_person_apart(kind: Kind) {
    let app = TestApp::spawn(kind).await;
    let ids = super::purge_kill::seed_due(&app.db, &app.documents, 4).await;
    let mut conn = app.db.acquire().await.unwrap();
    let emails = ["shared@example.com", "shared@example.com", "single@example.com"];
    for (id, email) in ids.iter().zip(emails) {
        on_conn!(conn.conn(), c => sqlx::query("UPDATE applications SET email = $2 WHERE id = $1")
            .bind(*id).bind(email).execute(&mut *c).await.map(|r| r.rows_affected()))
        .unwrap();
    }
    // The second shared application is held: its stored date still says due.
    on_conn!(conn.conn(), c => sqlx::query(
        "INSERT INTO legal_holds (id, application_id, reason, placed_at) VALUES ($1, $2, 'Claim', $3)")
        .bind(Uuid::new_v4()).bind(ids[1]).bind(at("2026-11-01T00:00:00Z"))
        .execute(&mut *c).await.map(|r| r.rows_affected())).unwrap();
    for (n, email) in ["shared@example.com", "single@example.com"].iter().enumerate() {
        on_conn!(conn.conn(), c => sqlx::query(
            "INSERT INTO portal_links (token_digest, email, created_at, expires_at) VALUES ($1, $2, $3, $3)")
            .bind(vec![u8::try_from(n).unwrap(); 32]).bind(*email).bind(at("2026-11-01T00:00:00Z"))
            .execute(&mut *c).await.map(|r| r.rows_affected())).unwrap();
    }
    for (n, email) in ["shared@example.com", "Single@Example.COM"].iter().enumerate() {
        on_conn!(conn.conn(), c => sqlx::query(
            "INSERT INTO rights_requests (id, reference, kind, received_on, verified, email, details, \
             due_on, logged_at) VALUES ($1, $2, 'access', '2026-11-01', 'portal', $3, 'Details', \
             '2026-12-01', $4)")
            .bind(Uuid::new_v4()).bind(format!("RR-TEST-000{n}")).bind(*email)
            .bind(at("2026-11-01T00:00:00Z")).execute(&mut *c).await.map(|r| r.rows_affected())).unwrap();
    }
    drop(conn);
    let counts = purge_as_of(&app, "2026-11-24T00:00:00Z").await;
    assert_eq!(counts.applications, 3, "{counts:?}");
    assert_eq!(count(&app, "SELECT COUNT(*) FROM applications").await, 1);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM anonymised_facts").await, 3);
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM portal_links WHERE email = 'shared@example.com'").await,
        1,
        "another application of theirs is kept"
    );
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM portal_links WHERE email = 'single@example.com'").await,
        0
    );
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM rights_requests WHERE email IS NULL AND details IS NULL")
            .await,
        1,
        "only the register entry of the person with nothing left is reduced"
    );
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM rights_requests WHERE email = 'shared@example.com'")
            .await,
        1
    );
    for (n, id) in ids.iter().enumerate() {
        let expected = usize::from(n == 1);
        assert_eq!(objects_under(&app, &id.to_string()).await, expected, "application {n}");
    }
}

#[tokio::test]
async fn one_batch_settles_each_person_apart_on_sqlite() {
    one_batch_settles_each_person_apart(Kind::Sqlite).await;
}

#[tokio::test]
async fn one_batch_settles_each_person_apart_on_postgres() {
    one_batch_settles_each_person_apart(Kind::Postgres).await;
}

#[tokio::test]
async fn two_purgers_at_once_on_postgres_purge_each_application_once() {
    let app = TestApp::spawn(Kind::Postgres).await;
    let ids = super::purge_kill::seed_due(&app.db, &app.documents, 60).await;
    let other = app.purger.clone();
    let (a, b) = tokio::join!(
        app.purger.run(at("2026-11-24T00:00:00Z"), Trigger::Schedule),
        other.run(at("2026-11-24T00:00:00Z"), Trigger::Command)
    );
    let mut total = 0;
    let mut busy = 0;
    for outcome in [a.unwrap(), b.unwrap()] {
        match outcome {
            Outcome::Done { counts, .. } => total += counts.applications,
            Outcome::Busy => busy += 1,
        }
    }
    // Whether or not the second found the lease taken, each application went exactly once.
    assert!(busy <= 1);
    let done_later = purge_as_of(&app, "2026-11-24T00:00:00Z").await.applications;
    assert_eq!(total + done_later, 60);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM applications").await, 0);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM anonymised_facts").await, 60);
    assert_eq!(count(&app, "SELECT CAST(SUM(applications) AS BIGINT) FROM purge_runs").await, 60);
    for id in ids {
        assert_eq!(objects_under(&app, &id.to_string()).await, 0);
    }
    // With the lease held by someone else (a live instance), a run does nothing.
    on_conn!(app.db.acquire().await.unwrap().conn(), c => sqlx::query(
        "UPDATE purge_lease SET holder = $1, expires_at = $2").bind(Uuid::new_v4()).bind(at("2099-01-01T00:00:00Z"))
        .execute(&mut *c).await.map(|r| r.rows_affected())).unwrap();
    assert_eq!(
        app.purger.run(at("2026-11-24T00:00:00Z"), Trigger::Command).await.unwrap(),
        Outcome::Busy
    );
}

#[tokio::test]
async fn a_restored_backup_is_purged_again() {
    let app = TestApp::spawn(Kind::Sqlite).await;
    let ids = super::purge_kill::seed_due(&app.db, &app.documents, 5).await;
    let file = app.db_url.trim_start_matches("sqlite://").to_owned();
    let backup = format!("{file}.backup");
    let checkpoint = |db: Database| async move {
        on_conn!(db.acquire().await.unwrap().conn(), c => sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
            .execute(&mut *c).await.map(|r| r.rows_affected())).unwrap();
    };
    // A run before the backup: the backup then knows a finished run, which is not the ledger's
    // last once the next run finishes — so the restored copy is recognised as older.
    assert_eq!(purge_as_of(&app, "2026-06-01T00:00:00Z").await.applications, 0);
    checkpoint(app.db.clone()).await;
    std::fs::copy(&file, &backup).unwrap();
    assert_eq!(purge_as_of(&app, "2026-11-24T00:00:00Z").await.applications, 5);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM applications").await, 0);

    // Put the old file back (what a restore does), with the pool's connections closed first.
    app.db.close().await;
    std::fs::copy(&backup, &file).unwrap();
    let _ = std::fs::remove_file(format!("{file}-wal"));
    let _ = std::fs::remove_file(format!("{file}-shm"));
    let db = Database::connect(&app.db_url, 2).await.unwrap();
    let mut conn = db.acquire().await.unwrap();
    let (back,): (i64,) = on_conn!(conn.conn(), c => sqlx::query_as("SELECT COUNT(*) FROM applications").fetch_one(&mut *c).await).unwrap();
    drop(conn);
    assert_eq!(back, 5, "the restore brought them back");
    let purger = server::retention::Purger::new(
        db.clone(),
        app.documents.clone(),
        Arc::new(server::monitoring::Pseudonymiser::new(&zeroize::Zeroizing::new([7; 32]))),
        server::retention::ledger::Ledger::new(
            server::documents::open_object_store(&format!(
                "file://{}/erasure-ledger",
                app.data_dir.display()
            ))
            .unwrap(),
        ),
        app.clock.clone(),
    );
    // Even as of long before their retention dates, the ledger says they were erased once.
    let plan = purger.plan(at("2026-01-01T00:00:00Z")).await.unwrap();
    assert_eq!(plan.restored, 5);
    match purger.run(at("2026-01-01T00:00:00Z"), Trigger::Command).await.unwrap() {
        Outcome::Done { counts, .. } => assert_eq!((counts.applications, counts.restored), (5, 5)),
        Outcome::Busy => panic!("busy"),
    }
    let mut conn = db.acquire().await.unwrap();
    let (left,): (i64,) = on_conn!(conn.conn(), c => sqlx::query_as("SELECT COUNT(*) FROM applications").fetch_one(&mut *c).await).unwrap();
    let (facts,): (i64,) = on_conn!(conn.conn(), c => sqlx::query_as("SELECT COUNT(*) FROM anonymised_facts").fetch_one(&mut *c).await).unwrap();
    assert_eq!((left, facts), (0, 5), "erased again; the restored copy gets its facts once");
    for id in ids {
        assert!(matches!(
            server::db::keys::state(conn.conn(), id).await.unwrap(),
            server::db::keys::KeyState::Destroyed
        ));
    }
}

#[tokio::test]
async fn hr_and_auditors_read_the_purge_log_what_is_due_and_the_holds() {
    let app = TestApp::spawn(Kind::Sqlite).await;
    let t = Team::new(&app).await;
    let (name, email) = ("Dueful Person", "dueful@example.com");
    let id = t.apply(name, email).await;
    let held = t.apply("Holdable Person", "holdable@example.com").await;
    // No reserve-list consent, rejected now: due in six months.
    withdraw_consent(&app, &id, "2026-11-23T09:30:00Z").await;
    reject(&t, &id).await;
    assert!(
        post(
            &app,
            &t.hr,
            &format!("/staff/candidates/{held}/hold"),
            &[("hold_reason", "Dispute <i>42</i>")]
        )
        .await
        .ends_with("?done=held")
    );

    let (status, html) = page(&app, &t.hr, "/staff/retention").await;
    assert_eq!(status, 200);
    assert!(
        html.contains("Due for deletion in the next 30 days (0)")
            && html.contains("No purge has run yet"),
        "{html}"
    );
    assert!(
        html.contains("Dispute &lt;i&gt;42&lt;/i&gt;")
            && html.contains(&format!("/staff/candidates/{held}")),
        "{html}"
    );
    assert!(!html.contains("Holdable Person") && !html.contains(name), "no names on the overview");

    // A month before the date it is listed; after the purge the log says what went.
    app.clock.set("2027-05-01T09:00:00Z");
    let hr =
        super::selection::person(&app, "hr2@example.org", Some(app::domain::access::OrgRole::Hr))
            .await;
    let (_, html) = page(&app, &hr, "/staff/retention").await;
    assert!(
        html.contains("Due for deletion in the next 30 days (1)") && html.contains("Candidate 1"),
        "{html}"
    );
    assert!(
        html.contains("23 May 2027")
            && html.contains("Unsuccessful: kept for the period after the decision"),
        "{html}"
    );
    // A run that fails part-way is logged as failed, with why; the next one finishes.
    let stopping = app.purger.clone().with_failpoint(Arc::new(|s, _| s == Step::DocumentsDeleted));
    assert!(stopping.run(at("2027-05-24T00:00:00Z"), Trigger::Command).await.is_err());
    purge_as_of(&app, "2027-05-24T00:00:00Z").await;
    let (_, html) = page(&app, &hr, "/staff/retention").await;
    assert!(
        html.contains("Command line") && html.contains("Due for deletion in the next 30 days (0)"),
        "{html}"
    );
    // The auditor reads it too, without links to candidates.
    let auditor = super::selection::person(
        &app,
        "auditor2@example.org",
        Some(app::domain::access::OrgRole::Auditor),
    )
    .await;
    let (status, html) = page(&app, &auditor, "/staff/retention").await;
    assert_eq!(status, 200);
    assert!(
        html.contains("Dispute &lt;i&gt;42&lt;/i&gt;") && !html.contains("/staff/candidates/"),
        "{html}"
    );
    let selector = super::selection::person(&app, "selector2@example.org", None).await;
    assert_eq!(page(&app, &selector, "/staff/retention").await.0, 403);
    assert_eq!(page(&app, &selector, "/staff/retention/schedule.csv").await.0, 403);

    // Counts by rule, and the warning that six months is shorter than the longest time a
    // tribunal claim may take to arrive.
    assert!(
        html.contains("Applications by rule")
            && html.contains("Legal hold: kept until the hold is released"),
        "{html}"
    );
    assert!(
        html.contains("employment-tribunal claim can arrive up to 3 months less a day"),
        "{html}"
    );
    assert!(
        html.contains("Failed: stopped at DocumentsDeleted (failpoint)")
            && html.contains("Finished in"),
        "{html}"
    );

    // The schedule, from the configuration, as a page and as CSV.
    let (status, html) = page(&app, &auditor, "/staff/retention/schedule").await;
    assert_eq!(status, 200);
    assert!(
        html.contains("Retention schedule")
            && html.contains("6 months")
            && html.contains("30 days"),
        "{html}"
    );
    let res = super::signin::get_with(&app, "/staff/retention/schedule.csv", &auditor.token).await;
    assert_eq!(res.status().as_u16(), 200);
    assert!(
        res.headers()["content-disposition"].to_str().unwrap().contains("retention-schedule.csv")
    );
    let csv = res.text().await.unwrap();
    assert!(
        csv.starts_with("\"Data\",\"Includes\"")
            && csv.contains("\"Equal-opportunities monitoring\""),
        "{csv}"
    );
}
