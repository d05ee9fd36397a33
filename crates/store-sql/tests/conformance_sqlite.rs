//! The conformance suite on SQLite: a fresh database file per case, removed afterwards.
use hearth_store::conformance::Case;
use hearth_store_sql::SqlStore;
use std::path::PathBuf;
use std::sync::Arc;

/// The database file and its WAL companions, removed when the case ends, even if it failed.
struct TempDb(PathBuf);

impl Drop for TempDb {
    fn drop(&mut self) {
        for suffix in ["", "-wal", "-shm"] {
            let mut p = self.0.clone().into_os_string();
            p.push(suffix);
            let _ = std::fs::remove_file(p);
        }
    }
}

async fn run(name: &'static str, case: Case) {
    let path = std::env::temp_dir().join(format!("hearth-conformance-{name}-{}.db", uuid::Uuid::new_v4().simple()));
    let _cleanup = TempDb(path.clone());
    let store = Arc::new(SqlStore::connect(&format!("sqlite://{}", path.display())).await.unwrap());
    store.migrate().await.unwrap();
    let s = store.clone();
    let outcome = tokio::spawn(async move { case(&*s).await }).await;
    store.close().await;
    if let Err(e) = outcome {
        std::panic::resume_unwind(e.into_panic());
    }
}

hearth_store::conformance_tests!(run);
