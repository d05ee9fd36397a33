//! The conformance suite on PostgreSQL: a fresh database per case, dropped afterwards.
//!
//! The server is `HEARTH_TEST_POSTGRES_URL` (default `postgres://postgres@127.0.0.1:5432/postgres`,
//! used to create and drop the test databases). `HEARTH_SKIP_POSTGRES=1` skips these tests;
//! otherwise an unreachable server is a failure.
use hearth_store::conformance::Case;
use hearth_store_sql::SqlStore;
use std::sync::Arc;

mod pg {
    include!("support/postgres.rs");
}

async fn run(name: &'static str, case: Case) {
    let Some(db) = pg::TestDb::create(name).await else { return };
    let store = Arc::new(SqlStore::connect(&db.url).await.unwrap());
    store.migrate().await.unwrap();
    let s = store.clone();
    let outcome = tokio::spawn(async move { case(&*s).await }).await;
    store.close().await;
    db.drop().await;
    if let Err(e) = outcome {
        std::panic::resume_unwind(e.into_panic());
    }
}

hearth_store::conformance_tests!(run);
