//! The database: SQLite (embedded default) or PostgreSQL (several instances), chosen by the
//! URL scheme.
//!
//! Both backends use their native types (chrono timestamps, UUIDs) — `sqlx::Any` cannot
//! encode those. Query text is written once and shared wherever the SQL is portable
//! (`$1` placeholders and `RETURNING` work on both); the [`on_conn!`] macro compiles each
//! query body once per backend. Query functions live in one small module per aggregate and
//! take a [`Conn`], so the caller decides whether they run inside a transaction.
//!
//! Migrations live in `migrations/sqlite` and `migrations/postgres`, are embedded in the
//! binary, and run at start-up and with `server migrate`. A migration that fails stops
//! start-up: Shortlist never runs against a schema it does not know.
//!
//! Nothing outside `server` sees a pool or a row type.

pub mod applications;
pub mod audit;
pub mod checks;
pub mod export;
pub mod keys;
pub mod mail;
pub mod portal;
pub mod purge;
pub mod references;
pub mod reserve;
pub mod retention;
pub mod rights;
pub mod second_factor;
pub mod selection;
pub mod sessions;
pub mod settings;
pub mod staff;
pub mod staff_forms;
pub mod vacancies;

use sqlx::{
    PgConnection, PgPool, SqliteConnection, SqlitePool,
    pool::PoolConnection,
    postgres::PgPoolOptions,
    sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous},
};
use std::{str::FromStr as _, time::Duration};

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("../migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("../migrations/postgres");

/// A database failure. Its text may name tables and constraints, never row values, so it is
/// safe to log; it is never sent to a browser.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    /// The driver or the server failed.
    #[error("database: {0}")]
    Sqlx(#[from] sqlx::Error),
    /// A migration failed or the schema is newer than this binary.
    #[error("database migration: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// The URL names no supported database.
    #[error("DATABASE_URL must start with sqlite:// or postgres://")]
    UnsupportedUrl,
}

/// Which engine a [`Database`] talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// Embedded SQLite.
    Sqlite,
    /// PostgreSQL.
    Postgres,
}

/// A connection pool to one of the supported backends.
#[derive(Debug, Clone)]
pub enum Database {
    /// SQLite, one file, WAL mode, foreign keys on.
    Sqlite(SqlitePool),
    /// PostgreSQL.
    Postgres(PgPool),
}

/// A borrowed connection (pooled or inside a transaction) of either backend.
#[derive(Debug)]
pub enum Conn<'c> {
    /// SQLite.
    Sqlite(&'c mut SqliteConnection),
    /// PostgreSQL.
    Postgres(&'c mut PgConnection),
}

/// Runs `$body` with `$c` bound to the backend's own connection type; the body is compiled
/// once per backend, so each gets native types and compile-time checks.
#[macro_export]
#[doc(hidden)]
macro_rules! on_conn {
    ($conn:expr, $c:ident => $body:expr) => {
        match $conn {
            $crate::db::Conn::Sqlite($c) => $body,
            $crate::db::Conn::Postgres($c) => $body,
        }
    };
}
pub use on_conn;

/// `$from, $from+1, …`: the placeholders of an `IN` list of `n` values, numbered from `from`
/// (both backends read `$n`). Only numbers are formatted in, never values.
#[must_use]
pub fn placeholders(from: usize, n: usize) -> String {
    placeholders_as(from, n, |i| format!("${i}"))
}

/// `n` comma-separated pieces, each `piece(i)` for `i` counting from `from`: a list whose items
/// wrap their placeholder, such as `lower($3)` or a row `($3, NULL, $1)`. `piece` must format
/// only numbers, never values.
#[must_use]
pub fn placeholders_as(from: usize, n: usize, piece: impl Fn(usize) -> String) -> String {
    (from..from + n).map(piece).collect::<Vec<_>>().join(", ")
}

impl Conn<'_> {
    /// Borrows the same connection again for a shorter time, so one function can run several
    /// queries on it.
    pub fn reborrow(&mut self) -> Conn<'_> {
        match self {
            Self::Sqlite(c) => Conn::Sqlite(c),
            Self::Postgres(c) => Conn::Postgres(c),
        }
    }
}

/// A connection checked out of the pool.
#[derive(Debug)]
pub enum PooledConn {
    /// SQLite.
    Sqlite(PoolConnection<sqlx::Sqlite>),
    /// PostgreSQL.
    Postgres(PoolConnection<sqlx::Postgres>),
}

impl PooledConn {
    /// Borrows it for a query.
    pub fn conn(&mut self) -> Conn<'_> {
        match self {
            Self::Sqlite(c) => Conn::Sqlite(c),
            Self::Postgres(c) => Conn::Postgres(c),
        }
    }
}

/// A transaction; dropped without [`Tx::commit`], it rolls back.
#[derive(Debug)]
pub enum Tx {
    /// SQLite.
    Sqlite(sqlx::Transaction<'static, sqlx::Sqlite>),
    /// PostgreSQL.
    Postgres(sqlx::Transaction<'static, sqlx::Postgres>),
}

impl Tx {
    /// Borrows it for a query.
    pub fn conn(&mut self) -> Conn<'_> {
        match self {
            Self::Sqlite(t) => Conn::Sqlite(t),
            Self::Postgres(t) => Conn::Postgres(t),
        }
    }

    /// Commits.
    ///
    /// # Errors
    /// The commit failed; nothing was written.
    pub async fn commit(self) -> Result<(), DbError> {
        match self {
            Self::Sqlite(t) => t.commit().await?,
            Self::Postgres(t) => t.commit().await?,
        }
        Ok(())
    }
}

impl Database {
    /// Connects to the database the URL names; a SQLite file (and its folder) is created if
    /// missing.
    ///
    /// # Errors
    /// An unsupported URL or an unreachable database.
    pub async fn connect(url: &str, max_connections: u32) -> Result<Self, DbError> {
        if url.starts_with("sqlite:") {
            let options = SqliteConnectOptions::from_str(url)?
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(5));
            if let Some(parent) = options.get_filename().parent()
                && !parent.as_os_str().is_empty()
            {
                std::fs::create_dir_all(parent).map_err(sqlx::Error::Io)?;
            }
            let pool = SqlitePoolOptions::new()
                .max_connections(max_connections)
                .acquire_timeout(Duration::from_secs(5))
                .connect_with(options)
                .await?;
            Ok(Self::Sqlite(pool))
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            let pool = PgPoolOptions::new()
                .max_connections(max_connections)
                .acquire_timeout(Duration::from_secs(5))
                .connect(url)
                .await?;
            Ok(Self::Postgres(pool))
        } else {
            Err(DbError::UnsupportedUrl)
        }
    }

    /// Which backend this is.
    #[must_use]
    pub const fn backend(&self) -> Backend {
        match self {
            Self::Sqlite(_) => Backend::Sqlite,
            Self::Postgres(_) => Backend::Postgres,
        }
    }

    /// Applies every migration not yet applied.
    ///
    /// # Errors
    /// A migration failed, or the database was migrated by a newer Shortlist.
    #[tracing::instrument(skip(self), fields(backend = ?self.backend()))]
    pub async fn migrate(&self) -> Result<(), DbError> {
        match self {
            Self::Sqlite(p) => SQLITE_MIGRATIONS.run(p).await?,
            Self::Postgres(p) => POSTGRES_MIGRATIONS.run(p).await?,
        }
        Ok(())
    }

    /// A connection from the pool.
    ///
    /// # Errors
    /// The pool timed out or the database is unreachable.
    pub async fn acquire(&self) -> Result<PooledConn, DbError> {
        Ok(match self {
            Self::Sqlite(p) => PooledConn::Sqlite(p.acquire().await?),
            Self::Postgres(p) => PooledConn::Postgres(p.acquire().await?),
        })
    }

    /// Starts a transaction.
    ///
    /// On SQLite it is `BEGIN IMMEDIATE`: the write lock is taken at the start. A deferred
    /// transaction that reads and then writes cannot wait for another writer (SQLite answers
    /// "database is locked" at once, whatever the busy timeout), so two simultaneous sends of
    /// one application would fail instead of one waiting for the other. Readers outside
    /// transactions are not blocked (WAL).
    ///
    /// # Errors
    /// The database is unreachable.
    pub async fn begin(&self) -> Result<Tx, DbError> {
        Ok(match self {
            Self::Sqlite(p) => Tx::Sqlite(p.begin_with("BEGIN IMMEDIATE").await?),
            Self::Postgres(p) => Tx::Postgres(p.begin().await?),
        })
    }

    /// Checks the database answers a trivial query.
    ///
    /// # Errors
    /// It does not.
    pub async fn ping(&self) -> Result<(), DbError> {
        let mut conn = self.acquire().await?;
        on_conn!(conn.conn(), c => sqlx::query("SELECT 1").execute(&mut *c).await.map(|r| r.rows_affected()))?;
        Ok(())
    }

    /// Closes every connection (at shutdown).
    pub async fn close(&self) {
        match self {
            Self::Sqlite(p) => p.close().await,
            Self::Postgres(p) => p.close().await,
        }
    }
}
