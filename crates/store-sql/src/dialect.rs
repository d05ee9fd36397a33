//! The few things that differ between SQLite and PostgreSQL. Everything else is the same SQL.
use hearth_store::{Result, StoreError};
use sqlx::{AnyConnection, Connection};
use sqlx::any::AnyPoolOptions;
use sqlx::migrate::Migrator;
use std::time::Duration;

static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("migrations/sqlite");
static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("migrations/postgres");

/// How long to wait for a PostgreSQL server before saying it is unavailable.
pub(crate) const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dialect {
    Sqlite,
    Postgres,
}

impl Dialect {
    /// Reads the database kind from a URL: `sqlite:`, `postgres://` or `postgresql://`.
    pub fn from_url(url: &str) -> Result<Dialect> {
        let lower = url.trim().to_ascii_lowercase();
        if lower.starts_with("sqlite:") {
            Ok(Dialect::Sqlite)
        } else if lower.starts_with("postgres://") || lower.starts_with("postgresql://") {
            Ok(Dialect::Postgres)
        } else {
            // Only the scheme is repeated: a URL may carry a password.
            let what = match lower.split_once(':') {
                Some((scheme, _)) => format!("unsupported database URL scheme `{scheme}:`"),
                None => "not a database URL".to_string(),
            };
            Err(StoreError::Unavailable(format!("{what}: use sqlite:PATH or postgres://HOST/DATABASE")))
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Dialect::Sqlite => "sqlite",
            Dialect::Postgres => "postgres",
        }
    }

    /// The URL as the driver wants it. For SQLite a missing file is created (`mode=rwc`),
    /// unless the caller chose a mode or an in-memory database.
    pub(crate) fn normalise_url(self, url: &str) -> String {
        let url = url.trim();
        if self != Dialect::Sqlite || url.contains("mode=") || url.contains(":memory:") {
            return url.to_string();
        }
        let sep = if url.contains('?') { '&' } else { '?' };
        format!("{url}{sep}mode=rwc")
    }

    pub(crate) fn pool_options(self) -> AnyPoolOptions {
        let opts = match self {
            // One connection is the single writer: every Hearth transaction writes (at least
            // its audit entry), so writers queue for it here rather than on SQLite's lock.
            // It lives for ever; recycling it gains nothing and would lose an in-memory database.
            Dialect::Sqlite => AnyPoolOptions::new()
                .max_connections(1)
                .acquire_timeout(Duration::from_secs(30))
                .idle_timeout(None)
                .max_lifetime(None)
                .test_before_acquire(false),
            Dialect::Postgres => AnyPoolOptions::new().max_connections(10).acquire_timeout(CONNECT_TIMEOUT),
        };
        opts.after_connect(move |conn, _meta| Box::pin(async move { self.set_up(conn).await }))
            // A connection whose COMMIT or ROLLBACK failed (a full disk: SQLite may have
            // rolled back on its own, so sqlx's ROLLBACK fails too) is still "in a
            // transaction" to sqlx, and every later BEGIN on it would fail. The ping first
            // lets a rollback queued when its transaction was dropped run; a connection left
            // in a transaction after that is closed and replaced.
            .before_acquire(|conn, _meta| {
                Box::pin(async move {
                    conn.ping().await?;
                    Ok(!conn.is_in_transaction())
                })
            })
    }

    /// SQLite's reader connections, beside the writer (WAL lets them read while it writes):
    /// set up like it, and unable to write (`query_only`). `None` on PostgreSQL, and for an
    /// in-memory database (each connection would have a database of its own).
    pub(crate) fn reader_pool_options(self, url: &str) -> Option<AnyPoolOptions> {
        if self != Dialect::Sqlite || url.contains(":memory:") || url.contains("mode=memory") {
            return None;
        }
        Some(
            AnyPoolOptions::new()
                .max_connections(4)
                .acquire_timeout(Duration::from_secs(30))
                .idle_timeout(None)
                .max_lifetime(None)
                .test_before_acquire(false)
                .after_connect(move |conn, _meta| {
                    Box::pin(async move {
                        self.set_up(conn).await?;
                        sqlx::raw_sql("PRAGMA query_only = ON").execute(conn).await.map(drop)
                    })
                })
                .before_acquire(|conn, _meta| {
                    Box::pin(async move {
                        conn.ping().await?;
                        Ok(!conn.is_in_transaction())
                    })
                }),
        )
    }

    /// Runs on every new connection.
    pub(crate) async fn set_up(self, conn: &mut AnyConnection) -> Result<(), sqlx::Error> {
        if self == Dialect::Sqlite {
            // WAL lets readers of a backup or `sqlite3` shell work beside the writer;
            // synchronous=FULL makes a commit durable before it is acknowledged. Each
            // connection gets a 64 MiB page cache (the default is 2 MiB): search reads the
            // key index and person rows of a whole authority. Pages are read through a
            // memory map (up to 2 GiB of the file) rather than a system call and a copy
            // each; writes still go through the WAL as before.
            sqlx::raw_sql(
                "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON; \
                 PRAGMA busy_timeout = 5000; PRAGMA cache_size = -65536; PRAGMA mmap_size = 2147483648;",
            )
            .execute(conn)
            .await?;
        } else {
            // PostgreSQL's default random_page_cost (4) is for spinning disks. With it the
            // planner reads every open task through a partial index in heap order rather than
            // look up the few overdue ones of eight kinds (18 ms against 0.5 ms for the
            // children-in-care dashboard). Hearth assumes SSDs, as the usual advice for them
            // does, unless the operator has set the cost for the server or the database.
            sqlx::raw_sql(
                "DO $$ BEGIN IF (SELECT source FROM pg_settings WHERE name = 'random_page_cost') = 'default' \
                 THEN SET random_page_cost = 1.1; END IF; END $$",
            )
            .execute(conn)
            .await?;
        }
        Ok(())
    }

    /// SQLite takes the write lock at BEGIN, so a transaction never fails half-way for want
    /// of it; PostgreSQL locks rows as it goes.
    pub(crate) fn begin_statement(self) -> &'static str {
        match self {
            Dialect::Sqlite => "BEGIN IMMEDIATE",
            Dialect::Postgres => "BEGIN",
        }
    }

    /// A transaction that only reads.
    pub(crate) fn begin_read_statement(self) -> &'static str {
        match self {
            Dialect::Sqlite => "BEGIN",
            Dialect::Postgres => "BEGIN READ ONLY",
        }
    }

    /// Reads the audit head; on PostgreSQL the row lock puts concurrent appends in order
    /// (SQLite has a single writer already).
    pub(crate) fn audit_head_for_update(self) -> &'static str {
        match self {
            Dialect::Sqlite => "SELECT seq, hash FROM audit_head WHERE id = 1",
            Dialect::Postgres => "SELECT seq, hash FROM audit_head WHERE id = 1 FOR UPDATE",
        }
    }

    /// A no-op `LIMIT`/`OFFSET` that stops a subquery from being merged into its query.
    /// Every document of one kind (`$1`) joined with commas in one value: reading one row
    /// instead of thousands saves the driver's cost per row.
    pub(crate) fn docs_of_kind(self) -> &'static str {
        match self {
            Dialect::Sqlite => "SELECT group_concat(doc, ',') AS docs FROM front_door_records WHERE kind = $1",
            Dialect::Postgres => "SELECT string_agg(doc, ',') AS docs FROM front_door_records WHERE kind = $1",
        }
    }

    /// The outline of every period of care (`$1`: the kind) not ended before `$2` (its
    /// document without what the lists never show, see `CarePeriodOutline`), or its whole
    /// document when written before outlines were kept.
    pub(crate) fn care_period_outlines(self) -> &'static str {
        match self {
            Dialect::Sqlite => "SELECT group_concat(coalesce(outline, doc), ',') AS docs FROM front_door_records WHERE kind = $1 AND (ended IS NULL OR ended >= $2)",
            Dialect::Postgres => "SELECT string_agg(coalesce(outline, doc), ',') AS docs FROM front_door_records WHERE kind = $1 AND (ended IS NULL OR ended >= $2)",
        }
    }

    pub(crate) fn no_limit(self) -> &'static str {
        match self {
            Dialect::Sqlite => "LIMIT -1 OFFSET 0",
            Dialect::Postgres => "OFFSET 0",
        }
    }

    pub(crate) fn migrator(self) -> &'static Migrator {
        match self {
            Dialect::Sqlite => &SQLITE_MIGRATIONS,
            Dialect::Postgres => &POSTGRES_MIGRATIONS,
        }
    }

    /// Drops the append-only guards of the audit log (for tests that simulate tampering).
    pub(crate) fn drop_audit_guards_sql(self) -> &'static str {
        match self {
            Dialect::Sqlite => {
                "DROP TRIGGER IF EXISTS audit_log_in_order; DROP TRIGGER IF EXISTS audit_log_no_update; \
                 DROP TRIGGER IF EXISTS audit_log_no_delete; DROP TRIGGER IF EXISTS audit_head_forward; \
                 DROP TRIGGER IF EXISTS audit_head_no_delete;"
            }
            Dialect::Postgres => {
                "DROP TRIGGER IF EXISTS audit_log_in_order ON audit_log; \
                 DROP TRIGGER IF EXISTS audit_log_no_change ON audit_log; \
                 DROP TRIGGER IF EXISTS audit_log_no_truncate ON audit_log; \
                 DROP TRIGGER IF EXISTS audit_head_forward ON audit_head; \
                 DROP TRIGGER IF EXISTS audit_head_no_delete ON audit_head; \
                 DROP TRIGGER IF EXISTS audit_head_no_truncate ON audit_head;"
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls() {
        assert_eq!(Dialect::from_url("sqlite:hearth.db").unwrap(), Dialect::Sqlite);
        assert_eq!(Dialect::from_url("postgresql://h/db").unwrap(), Dialect::Postgres);
        let err = Dialect::from_url("mysql://root:secret@h/db").unwrap_err().to_string();
        assert!(err.contains("mysql") && !err.contains("secret"), "{err}");
        assert_eq!(Dialect::Sqlite.normalise_url("sqlite:hearth.db"), "sqlite:hearth.db?mode=rwc");
        assert_eq!(Dialect::Sqlite.normalise_url("sqlite://a.db?cache=shared"), "sqlite://a.db?cache=shared&mode=rwc");
        assert_eq!(Dialect::Sqlite.normalise_url("sqlite://a.db?mode=ro"), "sqlite://a.db?mode=ro");
        assert_eq!(Dialect::Sqlite.normalise_url("sqlite::memory:"), "sqlite::memory:");
    }
}
