//! sqlx errors in the words of `StoreError`.
use crate::convert::RowExt;
use hearth_store::StoreError;
use sqlx::AnyConnection;
use sqlx::error::DatabaseError;

/// Maps any database error. Unique violations name what was duplicated, as far as the
/// constraint tells.
pub(crate) fn db_err(e: sqlx::Error) -> StoreError {
    use sqlx::Error as E;
    match e {
        E::Io(_) | E::Tls(_) | E::PoolTimedOut | E::PoolClosed | E::WorkerCrashed | E::Protocol(_) => {
            StoreError::Unavailable(e.to_string())
        }
        E::Configuration(_) => StoreError::Unavailable(format!("the database settings are not valid: {e}")),
        E::Database(d) => database_err(d.as_ref()),
        E::ColumnDecode { .. } | E::Decode(_) | E::ColumnNotFound(_) | E::TypeNotFound { .. } => {
            StoreError::Corrupt(e.to_string())
        }
        E::Migrate(m) => match *m {
            sqlx::migrate::MigrateError::Execute(inner) | sqlx::migrate::MigrateError::ExecuteMigration(inner, _) => {
                db_err(inner)
            }
            other => StoreError::Database(format!("migration failed: {other}")),
        },
        other => StoreError::Database(other.to_string()),
    }
}

fn database_err(d: &dyn DatabaseError) -> StoreError {
    let message = d.message().to_string();
    if d.is_unique_violation() {
        return StoreError::Duplicate(duplicated(d));
    }
    let code = d.code().map(|c| c.into_owned()).unwrap_or_default();
    // SQLite reports numeric (extended) result codes; PostgreSQL five-character SQLSTATEs.
    if let Ok(n) = code.parse::<i32>() {
        return match n & 0xff {
            // SQLITE_NOTADB, SQLITE_CORRUPT
            26 => StoreError::Corrupt(format!("file is not a database (is this a Hearth SQLite file?): {message}")),
            11 => StoreError::Corrupt(format!("the database file is damaged: {message}")),
            // FULL, READONLY, IOERR (a write the file system refused), PERM
            13 | 8 | 10 | 3 => StoreError::CannotWrite(message),
            // BUSY, LOCKED, CANTOPEN
            5 | 6 | 14 => StoreError::Unavailable(message),
            _ => StoreError::Database(message),
        };
    }
    // disk full; read-only transaction (a standby, or default_transaction_read_only)
    if matches!(code.as_str(), "53100" | "25006") {
        return StoreError::CannotWrite(message);
    }
    match code.get(..2) {
        // connection exception, insufficient resources, operator intervention,
        // invalid authorisation, invalid catalog (no such database)
        Some("08" | "53" | "57" | "28" | "3D") => StoreError::Unavailable(message),
        // data corrupted, index corrupted
        Some("XX") => StoreError::Corrupt(message),
        _ => StoreError::Database(message),
    }
}

fn duplicated(d: &dyn DatabaseError) -> String {
    let about = format!("{} {}", d.constraint().unwrap_or_default(), d.message());
    if about.contains("username") {
        "username".into()
    } else if about.contains("token_hash") {
        "token".into()
    } else {
        "record".into()
    }
}

pub(crate) fn corrupt(what: &str, e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(format!("{what}: {e}"))
}

/// Why a versioned update changed nothing: the record is gone, or at another version.
pub(crate) async fn conflict_or_missing(c: &mut AnyConnection, version_sql: &'static str, id: &str) -> StoreError {
    match sqlx::query(version_sql).bind(id).fetch_optional(c).await {
        Ok(Some(row)) => match row.int("version") {
            Ok(current) => StoreError::Conflict { current },
            Err(e) => e,
        },
        Ok(None) => StoreError::NotFound,
        Err(e) => db_err(e),
    }
}
