//! SQLite specifics: opening files, settings, and the checks in support/checks.rs.
use hearth_store::{Store, StoreError};
use hearth_store_sql::{Dialect, SqlStore};
use std::path::{Path, PathBuf};
use std::sync::Arc;

mod checks {
    include!("support/checks.rs");
}

/// A path in the temporary directory, removed (with its WAL files) at the end.
struct TempPath(PathBuf);

impl TempPath {
    fn new(what: &str) -> Self {
        TempPath(std::env::temp_dir().join(format!("hearth-{what}-{}.db", uuid::Uuid::new_v4().simple())))
    }
}

impl Drop for TempPath {
    fn drop(&mut self) {
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", self.0.display()));
        }
    }
}

async fn open(path: &Path) -> SqlStore {
    let store = SqlStore::connect(&format!("sqlite:{}", path.display())).await.unwrap();
    store.migrate().await.unwrap();
    store
}

#[tokio::test]
async fn a_file_that_is_not_a_database_is_refused_clearly() {
    let path = TempPath::new("not-a-db");
    let text = "Minutes of the strategy meeting. ".repeat(200);
    std::fs::write(&path.0, &text).unwrap();
    let err = SqlStore::connect(&format!("sqlite:{}", path.0.display())).await.unwrap_err();
    assert!(matches!(err, StoreError::Corrupt(_)), "{err:?}");
    assert!(err.to_string().contains("not a database"), "{err}");
    assert_eq!(std::fs::read_to_string(&path.0).unwrap(), text, "the file is left alone");
}

#[tokio::test]
async fn a_missing_file_is_created_and_both_url_forms_work() {
    let path = TempPath::new("create");
    assert!(!path.0.exists());
    let store = open(&path.0).await;
    assert!(path.0.exists());
    assert_eq!((store.dialect(), store.backend()), (Dialect::Sqlite, "sqlite"));
    store.ping().await.unwrap();
    let team = hearth_domain::user::Team { id: hearth_domain::TeamId::new(), name: "Front door".into() };
    let mut tx = store.begin().await.unwrap();
    tx.insert_team(&team).await.unwrap();
    tx.commit().await.unwrap();
    assert!(path.0.with_extension("db-wal").exists(), "write-ahead logging is on");
    store.close().await;
    assert!(matches!(store.ping().await, Err(StoreError::Unavailable(_))), "a closed store says so");

    let again = SqlStore::connect(&format!("sqlite://{}", path.0.display())).await.unwrap();
    again.migrate().await.unwrap();
    again.migrate().await.unwrap();
    let mut tx = again.begin().await.unwrap();
    assert_eq!(tx.teams().await.unwrap(), vec![team], "committed work survives a restart");
}

#[tokio::test]
async fn an_in_memory_database_works() {
    let store = SqlStore::connect("sqlite::memory:").await.unwrap();
    store.migrate().await.unwrap();
    let mut tx = store.begin().await.unwrap();
    assert_eq!(tx.audit_head().await.unwrap(), 0);
}

#[tokio::test]
async fn other_urls_are_refused() {
    for url in ["mysql://root:secret@localhost/hearth", "hearth.db", ""] {
        let err = SqlStore::connect(url).await.unwrap_err();
        assert!(matches!(err, StoreError::Unavailable(_)), "{url}: {err:?}");
        assert!(!err.to_string().contains("secret"));
    }
}

#[tokio::test]
async fn the_audit_log_is_append_only() {
    let path = TempPath::new("audit");
    checks::audit_log_is_append_only(&open(&path.0).await).await;
}

#[tokio::test]
async fn references_are_enforced() {
    let path = TempPath::new("fk");
    checks::references_are_enforced(&open(&path.0).await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn writers_on_several_threads() {
    let path = TempPath::new("threads");
    checks::writers_on_several_threads(Arc::new(open(&path.0).await)).await;
}

#[tokio::test]
async fn unselective_search() {
    let path = TempPath::new("unselective");
    checks::unselective_search(&open(&path.0).await).await;
}
