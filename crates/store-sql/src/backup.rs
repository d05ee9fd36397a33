//! Backups and restores: an online copy of a SQLite database (`VACUUM INTO`), opening a copy
//! read-only to check it, and knowing whether anyone else has a SQLite file open.
use crate::convert::RowExt;
use crate::error::db_err;
use crate::{Dialect, SqlStore};
use hearth_store::{Result, StoreError};
use sqlx::any::AnyConnectOptions;
use sqlx::{AnyConnection, ConnectOptions, Connection, Row};
use std::str::FromStr;
use std::path::Path;
use std::time::Duration;

/// A SQLite URL for a file path, with the characters the URL parser would misread (`%`, `?`,
/// `#`) percent-encoded, and `params` (`mode=ro&…`) as its query.
pub fn sqlite_url(path: &Path, params: &str) -> String {
    let mut encoded = String::new();
    for c in path.to_string_lossy().chars() {
        match c {
            '%' => encoded.push_str("%25"),
            '?' => encoded.push_str("%3F"),
            '#' => encoded.push_str("%23"),
            c => encoded.push(c),
        }
    }
    if params.is_empty() { format!("sqlite://{encoded}") } else { format!("sqlite://{encoded}?{params}") }
}

/// The file a SQLite URL names (`sqlite://hearth.db`, `sqlite:hearth.db?mode=rwc`); `None`
/// for another database or an in-memory one.
pub fn sqlite_path(url: &str) -> Option<std::path::PathBuf> {
    let url = url.trim();
    let rest = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:"))?;
    let file = rest.split('?').next().unwrap_or_default();
    if file.is_empty() || file == ":memory:" || rest.contains("mode=memory") {
        return None;
    }
    // The driver percent-decodes the path (so that `?` and `#` can be spelled): do the same.
    Some(std::path::PathBuf::from(percent_encoding::percent_decode_str(file).decode_utf8_lossy().into_owned()))
}

/// The migrations recorded in a database, against the ones this build carries.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MigrationStatus {
    /// Versions recorded as applied.
    pub applied: Vec<i64>,
    /// Recorded but failed (a migration that stopped half-way).
    pub failed: Vec<i64>,
    /// Recorded, but this build does not know them: made by a newer Hearth.
    pub unknown: Vec<i64>,
    /// This build's migrations the database has not had yet.
    pub pending: Vec<i64>,
}

impl SqlStore {
    /// SQLite: writes a consistent copy of the whole database to `path` (which must not exist)
    /// with `VACUUM INTO`, while others go on writing. The copy is a read transaction: in
    /// another process it holds no writer up (WAL), but in this process it holds the store's
    /// single connection for its whole duration, so this store's writers queue behind it.
    /// SQLite does not fsync the copy: the caller does (see `hearth backup`).
    pub async fn backup_to(&self, path: &Path) -> Result<()> {
        if self.dialect != Dialect::Sqlite {
            return Err(StoreError::Database("an online copy with VACUUM INTO is for SQLite; use pg_dump for PostgreSQL".into()));
        }
        let target = path.to_str().ok_or_else(|| StoreError::Database(format!("the path {} is not valid UTF-8", path.display())))?;
        sqlx::query("VACUUM INTO $1").bind(target.to_string()).execute(&self.pool).await.map(drop).map_err(db_err)
    }

    /// Opens a SQLite file that nobody writes (a backup) read-only and immutable: nothing is
    /// written to it or created beside it (no `-wal`, no `-shm`), and any `-wal` beside it is
    /// ignored. Transactions work as usual, but every write fails.
    pub async fn open_sqlite_copy(path: &Path) -> Result<SqlStore> {
        if !path.is_file() {
            return Err(StoreError::Unavailable(format!("{} is not a file", path.display())));
        }
        SqlStore::connect(&sqlite_url(path, "mode=ro&immutable=true")).await
    }

    /// `PRAGMA integrity_check` (SQLite) : `["ok"]` when the file is sound, else what is wrong
    /// (at most 20 lines). PostgreSQL has no such check: `["ok"]` once it answers.
    pub async fn integrity_check(&self) -> Result<Vec<String>> {
        if self.dialect != Dialect::Sqlite {
            return self.ping_rows().await;
        }
        let rows = sqlx::query("PRAGMA integrity_check(20)").fetch_all(&self.pool).await.map_err(db_err)?;
        rows.iter().map(|r| r.try_get::<String, _>(0).map_err(db_err)).collect()
    }

    async fn ping_rows(&self) -> Result<Vec<String>> {
        sqlx::query("SELECT 1").execute(&self.pool).await.map_err(db_err)?;
        Ok(vec!["ok".into()])
    }

    /// What `_sqlx_migrations` records, against this build's migrations. A database without
    /// the table (not a Hearth database, or never migrated) is `NotFound`.
    pub async fn migration_status(&self) -> Result<MigrationStatus> {
        let exists_sql = match self.dialect {
            Dialect::Sqlite => "SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'table' AND name = '_sqlx_migrations'",
            Dialect::Postgres => "SELECT COUNT(*) AS n FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = '_sqlx_migrations'",
        };
        let row = sqlx::query(exists_sql).fetch_one(&self.pool).await.map_err(db_err)?;
        if row.int("n")? == 0 {
            return Err(StoreError::NotFound);
        }
        let rows = sqlx::query("SELECT version, CASE WHEN success THEN 1 ELSE 0 END AS ok FROM _sqlx_migrations ORDER BY version")
            .fetch_all(&self.pool)
            .await
            .map_err(db_err)?;
        let known: Vec<i64> = self.dialect.migrator().iter().filter(|m| !m.migration_type.is_down_migration()).map(|m| m.version).collect();
        let mut s = MigrationStatus::default();
        for r in &rows {
            let v = r.int("version")?;
            if r.int("ok")? == 1 {
                s.applied.push(v);
            } else {
                s.failed.push(v);
            }
            if !known.contains(&v) {
                s.unknown.push(v);
            }
        }
        s.pending = known.into_iter().filter(|v| !s.applied.contains(v)).collect();
        Ok(s)
    }

    /// The server's version: `SHOW server_version` on PostgreSQL (`15.20 (Debian …)`),
    /// `sqlite_version()` on SQLite.
    pub async fn server_version(&self) -> Result<String> {
        let sql = match self.dialect {
            Dialect::Sqlite => "SELECT sqlite_version() AS v",
            Dialect::Postgres => "SELECT current_setting('server_version') AS v",
        };
        sqlx::query(sql).fetch_one(&self.pool).await.map_err(db_err)?.text("v")
    }

    /// PostgreSQL: how many other sessions are connected to this database (a Hearth server,
    /// a `psql`…), which a restore must not pull the tables from under. SQLite: see
    /// [`SqliteExclusive`].
    pub async fn other_sessions(&self) -> Result<i64> {
        if self.dialect != Dialect::Postgres {
            return Ok(0);
        }
        let sql = "SELECT COUNT(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()";
        sqlx::query(sql).fetch_one(&self.pool).await.map_err(db_err)?.int("n")
    }

    /// PostgreSQL: how many tables the current schema holds (0: a fresh database).
    pub async fn table_count(&self) -> Result<i64> {
        let sql = match self.dialect {
            Dialect::Sqlite => "SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'table'",
            Dialect::Postgres => "SELECT COUNT(*) AS n FROM information_schema.tables WHERE table_schema = current_schema()",
        };
        sqlx::query(sql).fetch_one(&self.pool).await.map_err(db_err)?.int("n")
    }
}

/// Why [`SqliteExclusive::acquire`] failed.
#[derive(Debug)]
pub enum LockError {
    /// Another connection has the file open: a Hearth server, another `hearth` command, a
    /// `sqlite3` shell.
    InUse,
    /// The file is not a SQLite database, or is damaged: nobody can be using it as one.
    NotADatabase(String),
    Other(StoreError),
}

/// Sole use of a SQLite file, for as long as it is held: proof that no Hearth server (or
/// anything else) has it open, and a bar to anyone opening it meanwhile.
///
/// A plain `BEGIN EXCLUSIVE` proves nothing in WAL mode: it only excludes other writers, and
/// an idle server holds no transaction. But every connection to a WAL database holds a shared
/// lock on the file for as long as it is open, so a connection in `locking_mode=EXCLUSIVE`
/// cannot take its exclusive lock while any other connection exists, and once it has it,
/// keeps it until it is closed. It then switches the file out of WAL (which also needs sole
/// use), so that the old `-wal` is checkpointed and removed before the file is replaced.
pub struct SqliteExclusive {
    conn: AnyConnection,
}

impl SqliteExclusive {
    /// Takes sole use of the existing SQLite file at `path`, waiting at most `wait`.
    pub async fn acquire(path: &Path, wait: Duration) -> std::result::Result<SqliteExclusive, LockError> {
        sqlx::any::install_default_drivers();
        // Waiting for the lock is the point here, not a slow statement worth a warning.
        let options = AnyConnectOptions::from_str(&sqlite_url(path, "mode=rw")).map_err(classify)?.disable_statement_logging();
        let mut conn = options.connect().await.map_err(classify)?;
        let set_up = format!("PRAGMA busy_timeout = {}; PRAGMA locking_mode = EXCLUSIVE;", wait.as_millis());
        let taken = async {
            sqlx::raw_sql(sqlx::AssertSqlSafe(set_up)).execute(&mut conn).await?;
            // The first transaction takes the exclusive lock; locking_mode keeps it after COMMIT.
            sqlx::raw_sql("BEGIN EXCLUSIVE; COMMIT;").execute(&mut conn).await?;
            sqlx::query("PRAGMA journal_mode = DELETE").execute(&mut conn).await.map(drop)
        }
        .await;
        match taken {
            Ok(()) => Ok(SqliteExclusive { conn }),
            Err(e) => {
                let _ = conn.close().await;
                Err(classify(e))
            }
        }
    }

    /// Gives the file up.
    pub async fn release(self) {
        // Nothing was written: closing cannot lose anything, so its failure changes nothing.
        let _ = self.conn.close().await;
    }
}

fn classify(e: sqlx::Error) -> LockError {
    // SQLITE_BUSY and SQLITE_LOCKED (extended codes keep the primary one in the low byte).
    let busy = match &e {
        sqlx::Error::Database(d) => d.code().and_then(|c| c.parse::<i32>().ok()).is_some_and(|n| matches!(n & 0xff, 5 | 6)),
        _ => false,
    };
    if busy {
        return LockError::InUse;
    }
    match db_err(e) {
        StoreError::Corrupt(m) => LockError::NotADatabase(m),
        other => LockError::Other(other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    #[test]
    fn paths_and_urls_round_trip() {
        for p in ["/var/lib/hearth/hearth.db", "relative.db", "/tmp/odd ?#%name.db"] {
            assert_eq!(sqlite_path(&sqlite_url(Path::new(p), "mode=ro")), Some(PathBuf::from(p)), "{p}");
            assert_eq!(sqlite_path(&sqlite_url(Path::new(p), "")), Some(PathBuf::from(p)), "{p}");
        }
        assert_eq!(sqlite_path("sqlite:hearth.db"), Some(PathBuf::from("hearth.db")));
        assert_eq!(sqlite_path("sqlite://hearth.db?mode=rwc"), Some(PathBuf::from("hearth.db")));
        assert_eq!(sqlite_path("sqlite::memory:"), None);
        assert_eq!(sqlite_path("postgres://h/db"), None);
    }
}
