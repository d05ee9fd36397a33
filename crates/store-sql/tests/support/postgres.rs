// A throw-away PostgreSQL database for a test (included by the PostgreSQL test files).

/// The server to create test databases on.
pub fn admin_url() -> String {
    std::env::var("HEARTH_TEST_POSTGRES_URL").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

pub fn skipped() -> bool {
    std::env::var("HEARTH_SKIP_POSTGRES").is_ok_and(|v| v == "1")
}

/// `url` with its database name replaced.
pub fn with_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, format!("?{q}")),
        None => (url, String::new()),
    };
    let authority_start = base.find("://").map_or(0, |i| i + 3);
    let base = match base[authority_start..].find('/') {
        Some(i) => &base[..authority_start + i],
        None => base,
    };
    format!("{base}/{name}{query}")
}

pub struct TestDb {
    pub name: String,
    pub url: String,
}

impl TestDb {
    /// Creates `hearth_test_<random>`; `None` (with a message) when PostgreSQL tests are skipped.
    pub async fn create(case: &str) -> Option<TestDb> {
        if skipped() {
            eprintln!("HEARTH_SKIP_POSTGRES=1: skipping the PostgreSQL test {case}");
            return None;
        }
        let name = format!("hearth_test_{}", uuid::Uuid::new_v4().simple());
        let admin = hearth_store_sql::SqlStore::connect(&admin_url()).await.unwrap_or_else(|e| {
            panic!("PostgreSQL at {} is needed for this test (set HEARTH_SKIP_POSTGRES=1 to skip): {e}", admin_url())
        });
        admin.execute_unchecked_for_tests(&format!("CREATE DATABASE {name}")).await.unwrap();
        admin.close().await;
        Some(TestDb { url: with_database(&admin_url(), &name), name })
    }

    pub async fn drop(self) {
        let admin = hearth_store_sql::SqlStore::connect(&admin_url()).await.unwrap();
        admin.execute_unchecked_for_tests(&format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name)).await.unwrap();
        admin.close().await;
    }
}
