//! The database: an embedded SQLite file or a PostgreSQL server, chosen by the URL scheme.
//!
//! * SQLite (`sqlite://…`, the default) runs in WAL mode with `synchronous=FULL` (an
//!   acknowledged save survives a power cut), foreign keys on and a busy timeout. Writes go
//!   through ONE writer connection and start with `BEGIN IMMEDIATE`, so two writers never race
//!   for the lock half-way through a transaction; reads use a separate read-only pool.
//! * PostgreSQL (`postgres://…`) is the scale-out backend: several stateless app instances share
//!   one database through their own pools.
//!
//! Both run the same migrations (mirrored file names under `migrations/sqlite` and
//! `migrations/postgres`), embedded in the binary and applied at start. Repository code is
//! written once with `$1`-style placeholders, which both backends accept, and the
//! [`db_read!`](crate::db_read) / [`db_write!`](crate::db_write) macros compile it for each backend.

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{PgPool, SqlitePool};

/// Rows a SQLite query hands over from its worker thread without waiting for the reader.
const SQLITE_ROW_BUFFER: usize = 4096;

/// How long a SQLite connection waits for a lock before giving up.
const SQLITE_BUSY_TIMEOUT: Duration = Duration::from_secs(5);
/// How long a request waits for a free pooled connection.
const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(10);

/// The application's database handle. Cheap to clone (pools are reference counted).
#[derive(Clone, Debug)]
pub enum Db {
    Sqlite(SqliteDb),
    Postgres(PgPool),
}

/// SQLite split into one writer connection and a pool of read-only connections, and a
/// connection of its own that checkpoints the WAL in the background ([`checkpoint`]).
#[derive(Clone, Debug)]
pub struct SqliteDb {
    pub writer: SqlitePool,
    pub reader: SqlitePool,
    checkpointer: SqlitePool,
}

/// How often the background checkpoint copies committed WAL frames into the database file.
const CHECKPOINT_EVERY: Duration = Duration::from_millis(500);

/// Copies the WAL into the database file every [`CHECKPOINT_EVERY`] while the pool is open.
/// SQLite would otherwise checkpoint inside whichever commit crosses 1 000 WAL pages, and that
/// save waits for the copy and its fsync (the tail of the save's latency, deviation bench).
/// PASSIVE never blocks the writer or a reader; it copies what no reader still needs.
async fn checkpoint(pool: SqlitePool) {
    let mut every = tokio::time::interval(CHECKPOINT_EVERY);
    every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        every.tick().await;
        if pool.is_closed() {
            return;
        }
        if let Err(error) = sqlx::query("PRAGMA wal_checkpoint(PASSIVE)")
            .execute(&pool)
            .await
        {
            if pool.is_closed() {
                return;
            }
            tracing::warn!(%error, "WAL checkpoint failed");
        }
    }
}

/// Pool sizes and other connection settings from the configuration.
#[derive(Clone, Debug)]
pub struct DbOptions {
    /// Connections per app instance (PostgreSQL) or read connections (SQLite).
    pub max_connections: u32,
}

impl Default for DbOptions {
    fn default() -> Self {
        Self { max_connections: 8 }
    }
}

/// Why the database could not be opened.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error(
        "DATABASE_URL: okänt schema i \"{0}\" (använd sqlite://… eller postgres://…) / unknown scheme"
    )]
    UnknownScheme(String),
    #[error("DATABASE_URL: ogiltig adress / invalid URL: {0}")]
    InvalidUrl(sqlx::Error),
    #[error("databasen kunde inte öppnas / could not open the database: {0}")]
    Connect(sqlx::Error),
    #[error("databasmigreringen misslyckades / migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("databasmappen kunde inte skapas / could not create the database folder: {0}")]
    Folder(std::io::Error),
}

impl Db {
    /// Opens the database named by `url` and applies any pending migrations.
    pub async fn connect(url: &str, options: &DbOptions) -> Result<Db, DbError> {
        let db = if url.starts_with("sqlite:") {
            Db::Sqlite(connect_sqlite(url, options).await?)
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Db::Postgres(connect_postgres(url, options).await?)
        } else {
            let scheme = url.split(':').next().unwrap_or_default().to_string();
            return Err(DbError::UnknownScheme(scheme));
        };
        db.migrate().await?;
        Ok(db)
    }

    /// Applies the embedded migrations for this backend. Safe to run from several instances at
    /// once: sqlx takes a lock (PostgreSQL advisory lock, SQLite write lock) while migrating.
    pub async fn migrate(&self) -> Result<(), DbError> {
        match self {
            Db::Sqlite(db) => {
                sqlx::migrate!("../migrations/sqlite")
                    .run(&db.writer)
                    .await?
            }
            Db::Postgres(pool) => sqlx::migrate!("../migrations/postgres").run(pool).await?,
        }
        Ok(())
    }

    /// `true` when a trivial query answers: the readiness probe.
    pub async fn ping(&self) -> bool {
        let result = match self {
            Db::Sqlite(db) => sqlx::query("SELECT 1")
                .execute(&db.reader)
                .await
                .map(|_| ()),
            Db::Postgres(pool) => sqlx::query("SELECT 1").execute(pool).await.map(|_| ()),
        };
        if let Err(error) = &result {
            tracing::warn!(%error, "database ping failed");
        }
        result.is_ok()
    }

    /// Short backend name for logs and the readiness reply.
    pub fn backend(&self) -> &'static str {
        match self {
            Db::Sqlite(_) => "sqlite",
            Db::Postgres(_) => "postgres",
        }
    }

    /// Waits for in-flight queries and closes every connection (graceful shutdown).
    pub async fn close(&self) {
        match self {
            Db::Sqlite(db) => {
                db.checkpointer.close().await;
                db.reader.close().await;
                db.writer.close().await;
            }
            Db::Postgres(pool) => pool.close().await,
        }
    }
}

async fn connect_sqlite(url: &str, options: &DbOptions) -> Result<SqliteDb, DbError> {
    let base = SqliteConnectOptions::from_str(url)
        .map_err(DbError::InvalidUrl)?
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Full)
        .foreign_keys(true)
        .busy_timeout(SQLITE_BUSY_TIMEOUT)
        // Rows come from the connection's worker thread through a channel of this many; with
        // sqlx's 50 the worker waits for the reader every 50 rows of a satsning's 2 400 values
        // and each wait is a futex round trip (deviation bench, perf).
        .row_buffer_size(SQLITE_ROW_BUFFER);
    if let Some(folder) = base.get_filename().parent()
        && folder != Path::new("")
    {
        std::fs::create_dir_all(folder).map_err(DbError::Folder)?;
    }
    // No test before acquire: an embedded file has no far end that could hang up, and the
    // test is a round trip to the connection's worker thread before every query (it doubled
    // the cost of the session lookup every page makes; pages bench).
    // The writer connects first: it creates the file and switches it to WAL mode. It never
    // checkpoints itself (see [`checkpoint`]).
    let writer = SqlitePoolOptions::new()
        .max_connections(1)
        .test_before_acquire(false)
        .acquire_timeout(ACQUIRE_TIMEOUT)
        .connect_with(base.clone().pragma("wal_autocheckpoint", "0"))
        .await
        .map_err(DbError::Connect)?;
    let checkpointer = SqlitePoolOptions::new()
        .max_connections(1)
        .test_before_acquire(false)
        .acquire_timeout(ACQUIRE_TIMEOUT)
        .connect_with(base.clone())
        .await
        .map_err(DbError::Connect)?;
    tokio::spawn(checkpoint(checkpointer.clone()));
    let reader = SqlitePoolOptions::new()
        .max_connections(options.max_connections.max(1))
        .test_before_acquire(false)
        .acquire_timeout(ACQUIRE_TIMEOUT)
        .connect_with(base.read_only(true))
        .await
        .map_err(DbError::Connect)?;
    Ok(SqliteDb {
        writer,
        reader,
        checkpointer,
    })
}

async fn connect_postgres(url: &str, options: &DbOptions) -> Result<PgPool, DbError> {
    let connect = PgConnectOptions::from_str(url).map_err(DbError::InvalidUrl)?;
    PgPoolOptions::new()
        .max_connections(options.max_connections.max(1))
        .acquire_timeout(ACQUIRE_TIMEOUT)
        .connect_with(connect)
        .await
        .map_err(DbError::Connect)
}

/// Starts a write transaction the right way for each backend.
pub trait BeginWrite {
    type Database: sqlx::Database;
    fn begin_write(
        &self,
    ) -> impl Future<Output = Result<sqlx::Transaction<'static, Self::Database>, sqlx::Error>> + Send;
}

impl BeginWrite for SqlitePool {
    type Database = sqlx::Sqlite;
    fn begin_write(
        &self,
    ) -> impl Future<Output = Result<sqlx::Transaction<'static, sqlx::Sqlite>, sqlx::Error>> + Send
    {
        // IMMEDIATE takes the write lock at once instead of failing half-way (SQLITE_BUSY).
        self.begin_with("BEGIN IMMEDIATE")
    }
}

impl BeginWrite for PgPool {
    type Database = sqlx::Postgres;
    fn begin_write(
        &self,
    ) -> impl Future<Output = Result<sqlx::Transaction<'static, sqlx::Postgres>, sqlx::Error>> + Send
    {
        self.begin()
    }
}

/// Runs `$body` against the read pool of whichever backend `$db` is; `$pool` names the pool
/// inside the body. The body is compiled once per backend, so the same query text serves both.
#[macro_export]
macro_rules! db_read {
    ($db:expr, |$pool:ident| $body:expr) => {
        match $db {
            $crate::db::Db::Sqlite(sqlite) => {
                let $pool = &sqlite.reader;
                $body
            }
            $crate::db::Db::Postgres(postgres) => {
                let $pool = postgres;
                $body
            }
        }
    };
}

/// Like [`db_read!`](crate::db_read) but with the writer; start transactions with
/// [`BeginWrite::begin_write`].
#[macro_export]
macro_rules! db_write {
    ($db:expr, |$pool:ident| $body:expr) => {
        match $db {
            $crate::db::Db::Sqlite(sqlite) => {
                let $pool = &sqlite.writer;
                $body
            }
            $crate::db::Db::Postgres(postgres) => {
                let $pool = postgres;
                $body
            }
        }
    };
}

/// A write transaction on either backend. Repository functions that change several tables
/// (a change plus its audit row) take `&mut Tx` and run each statement with
/// [`on_tx!`](crate::on_tx); nothing is visible to others until [`Tx::commit`], and dropping
/// a `Tx` without committing rolls everything back.
pub enum Tx {
    Sqlite(sqlx::Transaction<'static, sqlx::Sqlite>),
    Postgres(sqlx::Transaction<'static, sqlx::Postgres>),
}

impl Db {
    /// Starts a write transaction (`BEGIN IMMEDIATE` on SQLite).
    pub async fn begin(&self) -> Result<Tx, sqlx::Error> {
        Ok(match self {
            Db::Sqlite(db) => Tx::Sqlite(db.writer.begin_write().await?),
            Db::Postgres(pool) => Tx::Postgres(pool.begin_write().await?),
        })
    }
}

impl Tx {
    /// Rolls back and returns `error`: the way out of a transaction when a check fails.
    /// (Rolling back explicitly frees the single SQLite writer at once, instead of leaving the
    /// rollback to a dropped transaction's clean-up.)
    pub async fn abort<T>(
        self,
        error: crate::error::AppError,
    ) -> Result<T, crate::error::AppError> {
        if let Err(rollback) = self.rollback().await {
            tracing::error!(error = %rollback, "rollback failed");
        }
        Err(error)
    }

    /// Undoes every change in the transaction.
    pub async fn rollback(self) -> Result<(), sqlx::Error> {
        match self {
            Tx::Sqlite(tx) => tx.rollback().await,
            Tx::Postgres(tx) => tx.rollback().await,
        }
    }

    /// Makes every change in the transaction durable and visible.
    pub async fn commit(self) -> Result<(), sqlx::Error> {
        match self {
            Tx::Sqlite(tx) => tx.commit().await,
            Tx::Postgres(tx) => tx.commit().await,
        }
    }
}

/// Where a read runs: on the pools (what is committed) or inside an open write transaction
/// (which also sees its own changes). Code that must give the same answer both ways, such as
/// the deviation rules' inputs read inside a save, reads through [`db_read_on!`](crate::db_read_on).
pub enum Reader<'a> {
    Pools(&'a Db),
    Tx(&'a mut Tx),
}

impl Reader<'_> {
    /// Whether the reads run on SQLite (some queries are shaped for one backend).
    pub fn is_sqlite(&self) -> bool {
        matches!(
            self,
            Reader::Pools(Db::Sqlite(_)) | Reader::Tx(Tx::Sqlite(_))
        )
    }
}

impl<'a> From<&'a Db> for Reader<'a> {
    fn from(db: &'a Db) -> Self {
        Reader::Pools(db)
    }
}

impl<'a> From<&'a mut Tx> for Reader<'a> {
    fn from(tx: &'a mut Tx) -> Self {
        Reader::Tx(tx)
    }
}

/// A reader lent on for one call (`&mut reader`), so it can be passed to one reading function
/// after another.
impl<'a> From<&'a mut Reader<'_>> for Reader<'a> {
    fn from(reader: &'a mut Reader<'_>) -> Self {
        match reader {
            Reader::Pools(db) => Reader::Pools(db),
            Reader::Tx(tx) => Reader::Tx(tx),
        }
    }
}

impl Tx {
    /// Runs `work` so that a failure undoes only what `work` wrote (a savepoint): the rest of
    /// the transaction stands and can still be committed. Its error is returned.
    pub async fn undo_on_error<T, E>(
        &mut self,
        work: impl for<'t> FnOnce(&'t mut Tx) -> futures::future::BoxFuture<'t, Result<T, E>>,
    ) -> Result<Result<T, E>, sqlx::Error> {
        self.execute_plain("SAVEPOINT undo_on_error").await?;
        let result = work(self).await;
        if result.is_err() {
            self.execute_plain("ROLLBACK TO SAVEPOINT undo_on_error")
                .await?;
        }
        self.execute_plain("RELEASE SAVEPOINT undo_on_error")
            .await?;
        Ok(result)
    }

    async fn execute_plain(&mut self, sql: &'static str) -> Result<(), sqlx::Error> {
        crate::on_tx!(self, |conn| sqlx::query(sql)
            .execute(conn)
            .await
            .map(|_| ()))
    }
}

/// Runs `$body` with `$conn` bound to the transaction's connection, for either backend.
#[macro_export]
macro_rules! on_tx {
    ($tx:expr, |$conn:ident| $body:expr) => {
        match $tx {
            $crate::db::Tx::Sqlite(tx) => {
                let $conn = &mut **tx;
                $body
            }
            $crate::db::Tx::Postgres(tx) => {
                let $conn = &mut **tx;
                $body
            }
        }
    };
}

/// Runs `$body` with `$exec` bound to a pool or to the transaction's connection, whichever the
/// [`Reader`] holds, for either backend (the body is compiled four times).
#[macro_export]
macro_rules! db_read_on {
    ($reader:expr, |$exec:ident| $body:expr) => {
        match $reader {
            $crate::db::Reader::Pools(db) => $crate::db_read!(*db, |$exec| $body),
            $crate::db::Reader::Tx(tx) => $crate::on_tx!(&mut **tx, |$exec| $body),
        }
    };
}
