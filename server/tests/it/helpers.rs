//! Test fixtures: fresh databases per test, a settable clock, and the app on port 0.

use app::ports::Clock;
use base64::{Engine as _, engine::general_purpose::STANDARD as B64};
use chrono::{DateTime, Utc};
use server::{config::Config, db::Database, documents::random_bytes, startup::Application};
use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
};

/// Which backend a test runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Sqlite,
    Postgres,
}

/// A fresh, empty database that lives as long as this value.
pub struct TestDb {
    pub url: String,
    _dir: Option<tempfile::TempDir>,
}

/// Where the PostgreSQL tests create their databases.
pub fn postgres_admin_url() -> String {
    std::env::var("SHORTLIST_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_owned())
}

impl TestDb {
    pub async fn new(kind: Kind) -> Self {
        match kind {
            Kind::Sqlite => {
                let dir = tempfile::tempdir().expect("temp dir");
                let url = format!("sqlite://{}/shortlist.db", dir.path().display());
                Self { url, _dir: Some(dir) }
            }
            Kind::Postgres => {
                let admin = postgres_admin_url();
                let name = format!("shortlist_test_{}", uuid::Uuid::new_v4().simple());
                let pool = sqlx::PgPool::connect(&admin).await.unwrap_or_else(|e| {
                    panic!(
                        "PostgreSQL is required for the conformance suite and is unreachable at \
                         {admin} ({e}). Start it (bash .ci/test does) or set \
                         SHORTLIST_TEST_POSTGRES_URL."
                    )
                });
                sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE \"{name}\"")))
                    .execute(&pool)
                    .await
                    .expect("create test database");
                pool.close().await;
                let mut url = url::Url::parse(&admin).expect("admin url");
                url.set_path(&name);
                Self { url: url.to_string(), _dir: None }
            }
        }
    }

    /// Connected and migrated.
    pub async fn database(&self) -> Database {
        let db = Database::connect(&self.url, 5).await.expect("connect");
        db.migrate().await.expect("migrate");
        db
    }
}

/// A clock tests can move.
#[derive(Debug)]
pub struct TestClock(Mutex<DateTime<Utc>>);

impl TestClock {
    pub fn at(t: &str) -> Arc<Self> {
        Arc::new(Self(Mutex::new(t.parse().expect("instant"))))
    }
    pub fn set(&self, t: &str) {
        *self.0.lock().expect("clock") = t.parse().expect("instant");
    }
}

impl Clock for TestClock {
    fn now(&self) -> DateTime<Utc> {
        *self.0.lock().expect("clock")
    }
}

pub fn random_key() -> String {
    B64.encode(random_bytes::<32>())
}

/// Configuration for a test instance: port 0, the given database, documents in memory.
pub fn test_config(db_url: &str, data_dir: &std::path::Path, extra: &[(&str, &str)]) -> Config {
    let mut env: HashMap<String, String> = [
        ("SHORTLIST_LISTEN", "127.0.0.1:0"),
        ("DATABASE_URL", db_url),
        ("SHORTLIST_DOCUMENTS_URL", "memory://"),
        ("SHORTLIST_ORGANISATION_NAME", "Northwind Borough Council"),
        // Tests purge on demand (a scheduled run would race with their set-up).
        ("SHORTLIST_PURGE_EVERY_MINUTES", "0"),
    ]
    .iter()
    .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
    .collect();
    env.insert("SHORTLIST_DATA_DIR".into(), data_dir.display().to_string());
    env.insert("SHORTLIST_MASTER_KEY".into(), random_key());
    env.insert("SHORTLIST_COOKIE_SECRET".into(), random_key());
    for (k, v) in extra {
        env.insert((*k).to_owned(), (*v).to_owned());
    }
    Config::from_sources(None, &env).expect("test config")
}

/// The application running in-process.
pub struct TestApp {
    pub base: String,
    pub db_url: String,
    pub db: Database,
    pub documents: server::documents::Documents,
    pub clock: Arc<TestClock>,
    pub client: reqwest::Client,
    pub vacancy_admin: server::vacancy_admin::VacancyAdmin,
    pub purger: server::retention::Purger,
    /// References, to send referees' reminders on demand.
    pub references: server::references::StoreReferences,
    /// Reserve-list renewal notices, sent on demand.
    pub reserve: server::reserve::StoreReserve,
    pub data_dir: std::path::PathBuf,
    /// Makes the instance's equal-opportunities pseudonyms (tests search for them).
    pub pseudonyms: server::monitoring::Pseudonymiser,
    _test_db: TestDb,
    _data: tempfile::TempDir,
    _stop: tokio::sync::oneshot::Sender<()>,
}

impl TestApp {
    pub async fn spawn(kind: Kind) -> Self {
        Self::spawn_with(kind, &[]).await
    }

    pub async fn spawn_with(kind: Kind, extra: &[(&str, &str)]) -> Self {
        let test_db = TestDb::new(kind).await;
        let data = tempfile::tempdir().expect("data dir");
        let config = test_config(&test_db.url, data.path(), extra);
        let pseudonyms = server::monitoring::Pseudonymiser::new(config.applying.eo_key.expose());
        let clock = TestClock::at("2026-11-23T09:00:00Z");
        let app = Application::build_with_clock(config, clock.clone()).await.expect("build app");
        let base = format!("http://{}", app.address());
        let db = app.database();
        let documents = app.documents();
        let vacancy_admin = app.vacancy_admin();
        let purger = app.purger();
        let references = app.references();
        let reserve = app.reserve();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(app.run_until(async move {
            let _ = stopped.await;
        }));
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client");
        let db_url = test_db.url.clone();
        Self {
            base,
            db_url,
            db,
            documents,
            clock,
            client,
            vacancy_admin,
            purger,
            references,
            reserve,
            data_dir: data.path().to_path_buf(),
            pseudonyms,
            _test_db: test_db,
            _data: data,
            _stop: stop,
        }
    }

    /// Where this instance's mail is delivered (development default: `.eml` files).
    pub fn outbox_dir(&self) -> std::path::PathBuf {
        self._data.path().join("outbox")
    }

    pub fn clock_now(&self) -> DateTime<Utc> {
        use app::ports::Clock as _;
        self.clock.now()
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(format!("{}{path}", self.base))
            .header("accept", "text/html")
            .send()
            .await
            .expect("request")
    }

    pub async fn post(&self, path: &str, body: &str) -> reqwest::Response {
        self.client
            .post(format!("{}{path}", self.base))
            .header("content-type", "application/x-www-form-urlencoded")
            .header("accept", "application/json")
            // What a browser sends from one of our pages (see http::csrf).
            .header("origin", &self.base)
            .body(body.to_owned())
            .send()
            .await
            .expect("request")
    }
}

/// Generates one `#[tokio::test]` per backend for each named `async fn(Database)` in the
/// calling module, under `sqlite::` and `postgres::`, so test names show the backend. The
/// calling module must import `Kind` and `TestDb`.
macro_rules! conformance {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(#[tokio::test]
            async fn $name() {
                let db = super::TestDb::new(super::Kind::Sqlite).await;
                super::$name(db.database().await).await;
            })*
        }
        mod postgres {
            $(#[tokio::test]
            async fn $name() {
                let db = super::TestDb::new(super::Kind::Postgres).await;
                super::$name(db.database().await).await;
            })*
        }
    };
}
