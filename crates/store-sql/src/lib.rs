//! The SQL store of Hearth: one implementation of [`hearth_store::Store`] for embedded SQLite
//! and for PostgreSQL. It runs through sqlx's `Any` driver, so both databases execute the
//! same SQL text; [`Dialect`] holds the few differences (migrations, pool, `BEGIN IMMEDIATE`,
//! `FOR UPDATE`).
//!
//! Stored conventions, the same on both databases (see `migrations/`): ids are hyphenated
//! UUID text, timestamps unix microseconds UTC (so an `OffsetDateTime` comes back truncated
//! to the microsecond, in UTC), dates `YYYY-MM-DD` text, booleans 0/1, JSON documents text.
//! Nothing a practitioner saved is overwritten: people, case notes and relationships keep
//! every version in `*_versions` tables, and the audit log is append-only (enforced by
//! triggers) and hash-chained.
#![forbid(unsafe_code)]

mod access;
mod allocations;
mod audit;
mod audit_batch;
mod auth;
mod backup;
mod case_notes;
mod census;
mod convert;
mod dialect;
mod episodes;
mod error;
mod front_door;
mod people;
mod postcodes;
mod relationships;
mod rota;
mod search;
mod sql;
mod tx;

pub use backup::{LockError, MigrationStatus, SqliteExclusive, sqlite_path, sqlite_url};
pub use dialect::Dialect;

use async_trait::async_trait;
use dialect::CONNECT_TIMEOUT;
use error::db_err;
use hearth_domain::access::AccessScope;
use hearth_domain::search::ParsedQuery;
use audit_batch::AuditBatcher;
use hearth_domain::audit::AuditDraft;
use hearth_store::{Result, Store, StoreError, Tx};
use sqlx::{AnyConnection, AnyPool};
use sqlx::{AssertSqlSafe, Connection};

/// A Hearth database on SQLite or PostgreSQL. Clones share the connections.
///
/// On SQLite there is one connection, the single writer, and each transaction holds it until
/// it commits or is dropped: a task must not begin a second transaction while it holds one
/// (the second would wait for the first, then fail as unavailable after 30 seconds).
#[derive(Clone)]
pub struct SqlStore {
    pool: AnyPool,
    /// SQLite's readers, beside its one writer (WAL); `None` on PostgreSQL, whose pool
    /// serves both, and for an in-memory SQLite database, which one connection holds.
    readers: Option<AnyPool>,
    batcher: AuditBatcher,
    dialect: Dialect,
}

impl std::fmt::Debug for SqlStore {
    // Deliberately brief: connection settings can hold a password.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqlStore").field("backend", &self.dialect.name()).finish_non_exhaustive()
    }
}

impl SqlStore {
    /// Opens the database at `url` (`sqlite:PATH`, `sqlite://PATH`, `postgres://…`),
    /// creating a missing SQLite file. Does not migrate: see [`SqlStore::migrate`].
    ///
    /// Fails with `Unavailable` when the server cannot be reached (within a few seconds) and
    /// with `Corrupt` when the file is not a SQLite database.
    pub async fn connect(url: &str) -> Result<SqlStore> {
        sqlx::any::install_default_drivers();
        let dialect = Dialect::from_url(url)?;
        let url = dialect.normalise_url(url);
        // One connection first, with the session set-up: the pool retries failing connects
        // until its timeout and keeps only "timed out", while whoever starts Hearth needs
        // the reason (refused, no such database, not a database file…).
        let mut probe = tokio::time::timeout(CONNECT_TIMEOUT, AnyConnection::connect(&url))
            .await
            .map_err(|_| StoreError::Unavailable(format!("no answer from the {} server within {CONNECT_TIMEOUT:?}", dialect.name())))?
            .map_err(db_err)?;
        let checked = dialect.set_up(&mut probe).await.map_err(db_err);
        // The probe has done its work; failing to close it politely changes nothing.
        let _ = probe.close().await;
        checked?;
        let pool = dialect.pool_options().connect_lazy(&url).map_err(db_err)?;
        let readers = match dialect.reader_pool_options(&url) {
            Some(opts) => Some(opts.connect_lazy(&url).map_err(db_err)?),
            None => None,
        };
        let batcher = AuditBatcher::start(pool.clone(), dialect);
        tracing::debug!(backend = dialect.name(), "database opened");
        Ok(SqlStore { pool, readers, batcher, dialect })
    }

    /// Applies the migrations this version has and the database has not.
    pub async fn migrate(&self) -> Result<()> {
        self.dialect.migrator().run(&self.pool).await.map_err(|e| db_err(e.into()))?;
        tracing::info!(backend = self.dialect.name(), "database schema is up to date");
        Ok(())
    }

    pub fn dialect(&self) -> Dialect {
        self.dialect
    }

    /// Closes every connection; later calls fail with `Unavailable`.
    pub async fn close(&self) {
        if let Some(r) = &self.readers {
            r.close().await;
        }
        self.pool.close().await;
    }

    /// How the database would run a person search: its EXPLAIN output, one line per row.
    /// For benchmarks and for checking that the indexes serve search.
    pub async fn explain_search(&self, q: &ParsedQuery, scope: &AccessScope, limit: u32) -> Result<Vec<String>> {
        let mut c = self.pool.acquire().await.map_err(db_err)?;
        search::explain_search(&mut c, self.dialect, q, scope, limit, time::OffsetDateTime::now_utc()).await
    }

    /// FOR TESTS ONLY: removes the triggers that keep the audit log append-only, so a test
    /// can simulate tampering (with [`SqlStore::execute_unchecked_for_tests`]) and check that
    /// verification notices. The hash chain still exposes any change.
    pub async fn drop_audit_guards_for_tests(&self) -> Result<()> {
        self.execute_unchecked_for_tests(self.dialect.drop_audit_guards_sql()).await.map(drop)
    }

    /// FOR TESTS ONLY: runs raw SQL (several statements allowed) outside any Hearth
    /// transaction and returns the rows affected. Changing `audit_log` or `audit_head` needs
    /// [`SqlStore::drop_audit_guards_for_tests`] first. On SQLite this waits for the single
    /// connection, so do not hold a transaction open while calling it.
    pub async fn execute_unchecked_for_tests(&self, sql: &str) -> Result<u64> {
        sqlx::raw_sql(AssertSqlSafe(sql.to_string()))
            .execute(&self.pool)
            .await
            .map(|r| r.rows_affected())
            .map_err(db_err)
    }
}

#[async_trait]
impl Store for SqlStore {
    async fn begin(&self) -> Result<Box<dyn Tx>> {
        let tx = self.pool.begin_with(self.dialect.begin_statement()).await.map_err(db_err)?;
        Ok(Box::new(tx::SqlTx::new(tx, self.dialect)))
    }

    async fn begin_read(&self) -> Result<Box<dyn Tx>> {
        let pool = self.readers.as_ref().unwrap_or(&self.pool);
        let tx = pool.begin_with(self.dialect.begin_read_statement()).await.map_err(db_err)?;
        Ok(Box::new(tx::SqlTx::read(tx, self.dialect, self.batcher.clone())))
    }

    async fn record_audit(&self, drafts: &[AuditDraft]) -> Result<()> {
        self.batcher.record(drafts.to_vec()).await
    }

    async fn ping(&self) -> Result<()> {
        sqlx::query("SELECT 1").execute(&self.pool).await.map(drop).map_err(db_err)
    }

    async fn analyze(&self) -> Result<()> {
        // SQLite's `PRAGMA optimize` analyses what its queries have shown to need it.
        let sql = match self.dialect {
            dialect::Dialect::Sqlite => "PRAGMA optimize",
            dialect::Dialect::Postgres => "ANALYZE",
        };
        sqlx::raw_sql(sql).execute(&self.pool).await.map(drop).map_err(db_err)
    }

    async fn check_writable(&self) -> Result<()> {
        let mut tx = self.pool.begin_with(self.dialect.begin_statement()).await.map_err(db_err)?;
        let at = time::OffsetDateTime::now_utc().unix_timestamp();
        sqlx::query("UPDATE health SET beat = beat + 1, at = $1 WHERE id = 1").bind(at).execute(&mut *tx).await.map_err(db_err)?;
        tx.commit().await.map_err(db_err)
    }

    fn backend(&self) -> &'static str {
        self.dialect.name()
    }

    fn pool_stats(&self) -> Option<hearth_store::PoolStats> {
        let open = self.pool.size();
        let idle = u32::try_from(self.pool.num_idle()).unwrap_or(u32::MAX).min(open);
        Some(hearth_store::PoolStats { in_use: open - idle, idle, max: self.pool.options().get_max_connections() })
    }
}
