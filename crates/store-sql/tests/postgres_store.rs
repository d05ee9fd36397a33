//! PostgreSQL specifics: connection failures, and the checks in support/checks.rs.
//! `HEARTH_SKIP_POSTGRES=1` skips the tests that need a server.
use hearth_store::{Store, StoreError};
use hearth_store_sql::{Dialect, SqlStore};
use std::sync::Arc;
use std::time::{Duration, Instant};

mod pg {
    include!("support/postgres.rs");
}
mod checks {
    include!("support/checks.rs");
}

async fn with_database<F, Fut>(name: &'static str, check: F)
where
    F: FnOnce(Arc<SqlStore>) -> Fut,
    Fut: std::future::Future<Output = ()> + Send + 'static,
{
    let Some(db) = pg::TestDb::create(name).await else { return };
    let store = Arc::new(SqlStore::connect(&db.url).await.unwrap());
    store.migrate().await.unwrap();
    assert_eq!((store.dialect(), store.backend()), (Dialect::Postgres, "postgres"));
    let s = store.clone();
    let outcome = tokio::spawn(check(s)).await;
    store.close().await;
    db.drop().await;
    if let Err(e) = outcome {
        std::panic::resume_unwind(e.into_panic());
    }
}

#[tokio::test]
async fn an_unreachable_server_is_unavailable_promptly() {
    let started = Instant::now();
    let err = SqlStore::connect("postgres://postgres@127.0.0.1:1/hearth").await.unwrap_err();
    assert!(matches!(err, StoreError::Unavailable(_)), "{err:?}");
    assert!(started.elapsed() < Duration::from_secs(6), "took {:?}", started.elapsed());
}

#[tokio::test]
async fn a_missing_database_is_named() {
    if pg::skipped() {
        return;
    }
    let url = pg::with_database(&pg::admin_url(), "hearth_no_such_database");
    let err = SqlStore::connect(&url).await.unwrap_err();
    assert!(matches!(err, StoreError::Unavailable(_)), "{err:?}");
    assert!(err.to_string().contains("hearth_no_such_database"), "{err}");
}

#[test]
fn test_database_urls() {
    assert_eq!(pg::with_database("postgres://u@h:5432/postgres", "x"), "postgres://u@h:5432/x");
    assert_eq!(pg::with_database("postgres://u@h/postgres?sslmode=disable", "x"), "postgres://u@h/x?sslmode=disable");
    assert_eq!(pg::with_database("postgresql://h", "x"), "postgresql://h/x");
}

#[tokio::test]
async fn the_audit_log_is_append_only() {
    with_database("append_only", |s| async move { checks::audit_log_is_append_only(&s).await }).await;
}

#[tokio::test]
async fn references_are_enforced() {
    with_database("references", |s| async move { checks::references_are_enforced(&s).await }).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn writers_on_several_threads() {
    with_database("threads", checks::writers_on_several_threads).await;
}

#[tokio::test]
async fn unselective_search() {
    with_database("unselective", |s| async move { checks::unselective_search(&s).await }).await;
}
