//! Crash safety of the purge with a real process: `server purge` (the binary) is started
//! against a SQLite file and a folder of documents, killed (SIGKILL) at a random moment, and
//! after every kill the database, the document folder and the erasure ledger are checked to
//! agree; at the end one run to completion leaves nothing. 50 kills here; a soak runs more
//! with `SHORTLIST_PURGE_KILLS=1000 cargo test -p server --test it purge_kill`.
//!
//! Also the fixture both purge test modules use: many due applications written straight to
//! the database (the journey over HTTP would take minutes for hundreds).

use super::helpers::{Kind, TestApp, random_key};
use chrono::{DateTime, Utc};
use server::db::{Database, on_conn};
use server::documents::Documents;
use std::path::Path;
use std::process::{Command, Stdio};
use uuid::Uuid;

/// `n` applications to one vacancy, rejected on 1 January 2026 (due since 1 July 2026), each
/// with a CV in the document store, an answer, a note and stage history.
pub(super) async fn seed_due(db: &Database, documents: &Documents, n: usize) -> Vec<Uuid> {
    let t = |s: &str| s.parse::<DateTime<Utc>>().unwrap();
    let vacancy = Uuid::new_v4();
    let mut conn = db.acquire().await.unwrap();
    on_conn!(conn.conn(), c => sqlx::query(
        "INSERT INTO vacancies (id, title, team, location, salary_min, salary_max, summary, description, \
         posts, status, closes_at, published_at, created_at, updated_at) \
         VALUES ($1, 'Purge clerk', 'Records', 'Leeds', 20000, 25000, 'Summary', 'Description', 1, \
         'closed', $2, $2, $2, $2)")
        .bind(vacancy).bind(t("2025-12-01T00:00:00Z")).execute(&mut *c).await.map(|r| r.rows_affected())).unwrap();
    for (position, stage) in ["applied", "sift", "interview"].iter().enumerate() {
        on_conn!(conn.conn(), c => sqlx::query(
            "INSERT INTO vacancy_stages (vacancy_id, position, stage) VALUES ($1, $2, $3)")
            .bind(vacancy).bind(i32::try_from(position).unwrap() + 1).bind(*stage).execute(&mut *c).await.map(|r| r.rows_affected())).unwrap();
    }
    drop(conn);
    let mut ids = Vec::with_capacity(n);
    for i in 0..n {
        let id = Uuid::new_v4();
        let (doc, size) = documents
            .put(id, futures::stream::iter([Ok(bytes::Bytes::from_static(b"%PDF-1.4 a CV"))]))
            .await
            .unwrap();
        let mut conn = db.acquire().await.unwrap();
        let applied = t("2025-12-10T10:00:00Z");
        let decided = t("2026-01-01T12:00:00Z");
        on_conn!(conn.conn(), c => sqlx::query(
            "INSERT INTO applications (id, vacancy_id, status, reference, draft_token, full_name, email, \
             source, created_at, updated_at, submitted_at, declared_at, decided_at, outcome, stage, \
             candidate_number, rejection_reason) \
             VALUES ($1, $2, 'submitted', $3, $4, $5, $6, 'job_board', $7, $8, $7, $7, $8, 'rejected', \
             'sift', $9, 'interview')")
            .bind(id).bind(vacancy).bind(format!("SL-KIL-{i:05}")).bind(id.as_bytes().to_vec())
            .bind(format!("Seeded Person {i}")).bind(format!("seeded{i}@example.com"))
            .bind(applied).bind(decided).bind(i32::try_from(i).unwrap() + 1)
            .execute(&mut *c).await.map(|r| r.rows_affected())).unwrap();
        for sql in [
            "INSERT INTO application_answers (application_id, position, answer) VALUES ($1, 1, 'An answer')",
            "INSERT INTO stage_history (application_id, at, to_stage) VALUES ($1, $2, 'sift')",
        ] {
            on_conn!(conn.conn(), c => sqlx::query(sqlx::AssertSqlSafe(sql)).bind(id).bind(applied)
                .execute(&mut *c).await.map(|r| r.rows_affected()))
            .unwrap();
        }
        on_conn!(conn.conn(), c => sqlx::query(
            "INSERT INTO candidate_notes (id, application_id, kind, text, at) VALUES ($1, $2, 'note', 'A note', $3)")
            .bind(Uuid::new_v4()).bind(id).bind(applied).execute(&mut *c).await.map(|r| r.rows_affected())).unwrap();
        on_conn!(conn.conn(), c => sqlx::query(
            "INSERT INTO application_documents (id, application_id, kind, original_name, media_type, size_bytes, uploaded_at) \
             VALUES ($1, $2, 'cv', 'cv.pdf', 'application/pdf', $3, $4)")
            .bind(doc.document).bind(id).bind(i64::try_from(size).unwrap()).bind(applied)
            .execute(&mut *c).await.map(|r| r.rows_affected())).unwrap();
        ids.push(id);
    }
    let mut tx = db.begin().await.unwrap();
    server::db::retention::refresh(tx.conn(), server::db::retention::Scope::All).await.unwrap();
    tx.commit().await.unwrap();
    ids
}

fn files_in(dir: &Path) -> usize {
    std::fs::read_dir(dir)
        .map(|d| d.filter_map(Result::ok).filter(|e| e.path().is_file()).count())
        .unwrap_or(0)
}

/// Database, documents and ledger agree: an application still there and not marked has its
/// key and its CV; a marked one has no key; a gone one has no objects, no key, a ledger entry,
/// and exactly one row of anonymised facts and one purge-log count.
async fn consistent(db: &Database, ids: &[Uuid], documents: &Path, ledger: &Path) -> usize {
    let ledgered = super::retention::ledger_ids(ledger).await;
    let mut conn = db.acquire().await.unwrap();
    let mut gone = 0;
    for id in ids {
        let row: Option<(Option<DateTime<Utc>>,)> = on_conn!(conn.conn(), c => sqlx::query_as(
            "SELECT purging_at FROM applications WHERE id = $1").bind(*id).fetch_optional(&mut *c).await).unwrap();
        let key = server::db::keys::state(conn.conn(), *id).await.unwrap();
        let objects = files_in(&documents.join(format!("applications/{id}")));
        let live_key = matches!(key, server::db::keys::KeyState::Live(_));
        match row {
            Some((None,)) => assert!(
                live_key && objects == 1,
                "{id}: untouched, key {live_key}, {objects} objects"
            ),
            Some((Some(_),)) => assert!(!live_key, "{id}: marked but its key lives"),
            None => {
                gone += 1;
                assert!(
                    !live_key && objects == 0,
                    "{id}: gone but key {live_key}, {objects} objects"
                );
                assert!(ledgered.binary_search(id).is_ok(), "{id}: gone but not in the ledger");
            }
        }
    }
    let (facts,): (i64,) = on_conn!(conn.conn(), c => sqlx::query_as("SELECT COUNT(*) FROM anonymised_facts").fetch_one(&mut *c).await).unwrap();
    let (logged,): (Option<i64>,) = on_conn!(conn.conn(), c => sqlx::query_as("SELECT CAST(SUM(applications) AS BIGINT) FROM purge_runs").fetch_one(&mut *c).await).unwrap();
    assert_eq!(
        usize::try_from(facts).unwrap(),
        gone,
        "anonymised facts once per purged application"
    );
    assert_eq!(usize::try_from(logged.unwrap_or(0)).unwrap(), gone, "the purge log adds up");
    gone
}

#[tokio::test]
async fn a_purge_process_killed_at_random_moments_finishes_on_the_next_run() {
    let dir = tempfile::tempdir().unwrap();
    let documents = dir.path().join("documents");
    let ledger = dir.path().join("ledger");
    let master = random_key();
    let documents_url = format!("file://{}", documents.display());
    let ledger_url = format!("file://{}", ledger.display());
    let app = TestApp::spawn_with(
        Kind::Sqlite,
        &[
            ("SHORTLIST_DOCUMENTS_URL", &documents_url),
            ("SHORTLIST_ERASURE_LEDGER_URL", &ledger_url),
            ("SHORTLIST_MASTER_KEY", &master),
        ],
    )
    .await;
    let kills: usize =
        std::env::var("SHORTLIST_PURGE_KILLS").ok().and_then(|v| v.parse().ok()).unwrap_or(50);
    let ids = seed_due(&app.db, &app.documents, 40 + kills * 10).await;
    let env = [
        ("DATABASE_URL", app.db_url.clone()),
        ("SHORTLIST_DOCUMENTS_URL", documents_url.clone()),
        ("SHORTLIST_ERASURE_LEDGER_URL", ledger_url.clone()),
        ("SHORTLIST_MASTER_KEY", master.clone()),
        ("SHORTLIST_COOKIE_SECRET", random_key()),
        ("SHORTLIST_DATA_DIR", dir.path().display().to_string()),
        ("SHORTLIST_LOG", "error".to_owned()),
    ];
    let purge = || {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_server"));
        cmd.arg("purge").env_clear().envs(env.iter().map(|(k, v)| (*k, v.as_str())));
        cmd.stdout(Stdio::null()).stderr(Stdio::null());
        cmd
    };
    let mut seed =
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().subsec_nanos()
            | 1;
    println!("kill-test seed {seed}");
    let runs = |db: Database| async move {
        let mut conn = db.acquire().await.unwrap();
        let (started, open): (i64, i64) = on_conn!(conn.conn(), c => sqlx::query_as(
            "SELECT COUNT(*), CAST(COALESCE(SUM(CASE WHEN finished_at IS NULL THEN 1 ELSE 0 END), 0) AS BIGINT) FROM purge_runs")
            .fetch_one(&mut *c).await).unwrap();
        (started, open)
    };
    let mut mid_purge = 0;
    for _ in 0..kills {
        // xorshift: enough randomness for kill moments, and the seed is printed to replay.
        seed ^= seed << 13;
        seed ^= seed >> 17;
        seed ^= seed << 5;
        let before = consistent(&app.db, &ids, &documents, &ledger).await;
        let (started, _) = runs(app.db.clone()).await;
        let mut child = purge().spawn().unwrap();
        // Wait until the child has begun its run (its purge-log entry exists), then kill it a
        // random moment later: somewhere inside marking, deleting documents or deleting rows.
        let waited = std::time::Instant::now();
        while runs(app.db.clone()).await.0 == started && waited.elapsed().as_secs() < 10 {
            tokio::time::sleep(std::time::Duration::from_millis(2)).await;
        }
        tokio::time::sleep(std::time::Duration::from_micros(u64::from(seed % 15_000))).await;
        let _ = child.kill();
        let _ = child.wait();
        // A dead purger's lease runs out; this test does not wait five minutes for it.
        on_conn!(app.db.acquire().await.unwrap().conn(), c => sqlx::query(
            "UPDATE purge_lease SET holder = NULL, expires_at = NULL").execute(&mut *c).await.map(|r| r.rows_affected())).unwrap();
        let after = consistent(&app.db, &ids, &documents, &ledger).await;
        let (_, open) = runs(app.db.clone()).await;
        // Killed inside a run: its log entry stays open. Count those with work left to do.
        if open > 0 && after < ids.len() && after >= before {
            mid_purge += 1;
        }
        on_conn!(app.db.acquire().await.unwrap().conn(), c => sqlx::query(
            "UPDATE purge_runs SET finished_at = started_at WHERE finished_at IS NULL").execute(&mut *c).await.map(|r| r.rows_affected())).unwrap();
    }
    println!("{kills} kills, {mid_purge} in the middle of purging");
    assert!(
        mid_purge * 2 >= kills,
        "most kills land in the middle of a run ({mid_purge} of {kills})"
    );
    let status = purge().status().unwrap();
    assert!(status.success());
    assert_eq!(consistent(&app.db, &ids, &documents, &ledger).await, ids.len());
    assert_eq!(files_in(&documents.join("applications")), 0);
    let leftover = walk(&documents.join("applications"));
    assert_eq!(leftover, 0, "no document is orphaned");
}

fn walk(dir: &Path) -> usize {
    std::fs::read_dir(dir)
        .map(|d| {
            d.filter_map(Result::ok)
                .map(|e| if e.path().is_dir() { walk(&e.path()) } else { 1 })
                .sum()
        })
        .unwrap_or(0)
}

/// `server purge` from the command line: a dry run lists what is due and why and changes
/// nothing; a real run cannot look ahead; a malformed date is refused with the expected form.
#[tokio::test]
async fn the_purge_command_previews_refuses_bad_dates_and_purges() {
    let dir = tempfile::tempdir().unwrap();
    let documents_url = format!("file://{}", dir.path().join("documents").display());
    let master = random_key();
    let app = TestApp::spawn_with(
        Kind::Sqlite,
        &[("SHORTLIST_DOCUMENTS_URL", &documents_url), ("SHORTLIST_MASTER_KEY", &master)],
    )
    .await;
    let ids = seed_due(&app.db, &app.documents, 3).await;
    let env = [
        ("DATABASE_URL", app.db_url.clone()),
        ("SHORTLIST_DOCUMENTS_URL", documents_url),
        ("SHORTLIST_MASTER_KEY", master),
        ("SHORTLIST_COOKIE_SECRET", random_key()),
        ("SHORTLIST_DATA_DIR", dir.path().display().to_string()),
        ("SHORTLIST_LOG", "error".to_owned()),
    ];
    let run = |args: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_server"))
            .arg("purge")
            .args(args)
            .env_clear()
            .envs(env.iter().map(|(k, v)| (*k, v.as_str())))
            .output()
            .unwrap();
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        (out.status.success(), text)
    };
    let remaining = || async {
        let mut conn = app.db.acquire().await.unwrap();
        let (n,): (i64,) = on_conn!(conn.conn(), c => sqlx::query_as("SELECT COUNT(*) FROM applications").fetch_one(&mut *c).await).unwrap();
        n
    };

    let (ok, text) = run(&["--dry-run", "--as-of", "2026-06-30"]);
    assert!(ok && text.contains("0 application(s) and draft(s) are due"), "{text}");
    let (ok, text) = run(&["--dry-run", "--as-of", "2026-07-02"]);
    assert!(ok && text.contains("3 application(s) and draft(s) are due"), "{text}");
    for id in &ids {
        assert!(text.contains(&id.to_string()), "{text}");
    }
    assert!(text.contains("Unsuccessful: kept for the period after the decision"), "{text}");
    assert!(
        !text.contains("Seeded Person") && !text.contains("@example.com"),
        "no personal data: {text}"
    );
    assert_eq!(remaining().await, 3, "a dry run changes nothing");

    let (ok, text) = run(&["--as-of", "2099-01-01"]);
    assert!(!ok && text.contains("only a --dry-run can look ahead"), "{text}");
    let (ok, text) = run(&["--dry-run", "--as-of", "2026-02-30"]);
    assert!(!ok && text.contains("YYYY-MM-DD"), "{text}");
    assert_eq!(remaining().await, 3);

    let (ok, text) = run(&[]);
    assert!(ok && text.contains("3 application(s), 0 draft(s), 3 document(s)"), "{text}");
    assert_eq!(remaining().await, 0);
}
