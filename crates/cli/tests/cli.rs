//! The `hearth` binary as an administrator uses it: clear one-line errors, exit codes.
use std::process::Command;

fn hearth() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_hearth"));
    c.env_remove("HEARTH_DATABASE_URL").env_remove("HEARTH_CONFIG").env("HEARTH_LOG", "error");
    c
}

fn temp(name: &str) -> std::path::PathBuf {
    std::env::temp_dir().join(format!("hearth-cli-{}-{name}", std::process::id()))
}

#[test]
fn help_is_available_for_every_command() {
    for args in [vec!["--help"], vec!["serve", "--help"], vec!["demo", "--help"], vec!["migrate", "--help"], vec!["user", "add", "--help"], vec!["audit", "verify", "--help"], vec!["bench", "--help"], vec!["deadlines", "recalculate", "--help"], vec!["returns", "cin", "--help"]] {
        let out = hearth().args(&args).output().unwrap();
        assert!(out.status.success(), "{args:?}");
        assert!(String::from_utf8_lossy(&out.stdout).contains("Usage"), "{args:?}");
    }
}

#[test]
fn a_corrupt_database_is_a_one_line_error() {
    let db = temp("corrupt.db");
    std::fs::write(&db, b"this is not a SQLite database, it is a text file that happens to be long enough").unwrap();
    let out = hearth().args(["--database", &format!("sqlite://{}", db.display()), "migrate"]).output().unwrap();
    let _ = std::fs::remove_file(&db);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(err.starts_with("hearth: cannot open the database") || err.starts_with("hearth: cannot migrate the database"), "{err}");
    assert!(!err.contains("panicked"));
}

#[test]
fn an_unreachable_postgres_is_a_one_line_error() {
    let out = hearth().args(["--database", "postgres://nobody:secret@127.0.0.1:1/hearth", "migrate"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(!err.contains("secret"), "the password is not printed: {err}");
}

#[test]
fn users_are_added_and_the_audit_log_verifies() {
    let db = temp("users.db");
    let url = format!("sqlite://{}", db.display());
    let out = hearth().args(["--database", &url, "user", "add", "pat.admin", "--name", "Pat Admin", "--role", "administrator", "--team", "Systems"]).env("HEARTH_NEW_PASSWORD", "a long enough password").output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let out = hearth().args(["--database", &url, "user", "add", "x", "--name", "X", "--role", "wizard"]).env("HEARTH_NEW_PASSWORD", "a long enough password").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown role wizard"));
    let out = hearth().args(["--database", &url, "user", "add", "pat.admin", "--name", "Again", "--role", "auditor"]).env("HEARTH_NEW_PASSWORD", "a long enough password").output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("already taken"));
    let out = hearth().args(["--database", &url, "user", "add", "short", "--name", "Short", "--role", "auditor"]).env("HEARTH_NEW_PASSWORD", "short").output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let out = hearth().args(["--database", &url, "audit", "verify"]).output().unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("audit log intact"));
    for ext in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{ext}", db.display()));
    }
}

#[test]
fn bad_configuration_is_a_usage_error() {
    let out = hearth().args(["--config", "/nonexistent/hearth.toml", "migrate"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("does not exist"));
}

#[test]
fn audit_verify_names_the_first_tampered_entry() {
    let db = temp("tamper.db");
    let url = format!("sqlite://{}", db.display());
    for name in ["a", "b", "c"] {
        let out = hearth().args(["--database", &url, "user", "add", name, "--name", name, "--role", "auditor"]).env("HEARTH_NEW_PASSWORD", "a long enough password").output().unwrap();
        assert!(out.status.success());
    }
    let verify = || hearth().args(["--database", &url, "audit", "verify"]).output().unwrap();
    assert!(verify().status.success());
    // Someone with access to the database file rewrites an entry.
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let store = hearth_store_sql::SqlStore::connect(&url).await.unwrap();
        store.drop_audit_guards_for_tests().await.unwrap();
        store.execute_unchecked_for_tests("UPDATE audit_log SET action = 'nothing.to.see' WHERE seq = 2").await.unwrap();
        store.close().await;
    });
    let out = verify();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("audit entry 2 was changed"), "{err}");
    // And one that removes an entry from the middle.
    rt.block_on(async {
        let store = hearth_store_sql::SqlStore::connect(&url).await.unwrap();
        store.execute_unchecked_for_tests("DELETE FROM audit_log WHERE seq IN (1, 2)").await.unwrap();
        store.close().await;
    });
    let err = String::from_utf8_lossy(&verify().stderr).to_string();
    assert!(err.contains("audit entry 3 does not follow"), "{err}");
    for ext in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{ext}", db.display()));
    }
}

#[test]
fn serve_refuses_to_start_with_an_invalid_policy_pack() {
    let pack = temp("bad-pack.toml");
    std::fs::write(&pack, "name = \"local\"\nversion = \"1\"\nextends = \"national\"\nwibble = 3\n").unwrap();
    let db = temp("never.db");
    let out = hearth()
        .args(["--database", &format!("sqlite://{}", db.display()), "serve", "--bind", "127.0.0.1:0"])
        .env("HEARTH_POLICY_PACK", &pack)
        .output()
        .unwrap();
    let _ = std::fs::remove_file(&pack);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("bad-pack.toml:4:1: wibble"), "{err}");
    assert!(err.contains("the pack is not loaded"), "{err}");
    assert!(!db.exists(), "nothing was opened or created");
}

#[test]
fn deadlines_recalculate_reports_and_refuses_a_bad_pack() {
    let db = temp("deadlines.db");
    let url = format!("sqlite://{}", db.display());
    let out = hearth().args(["--database", &url, "deadlines", "recalculate"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "Every open deadline already matches national 2026.1.");
    let pack = temp("deadlines-pack.toml");
    std::fs::write(&pack, "name = \"local\"\nversion = \"1\"\nextends = \"national\"\n[timescale.single_assessment]\ntitle = \"x\"\nfrom = \"referral\"\nwithin = \"60 working days\"\nsource = \"x\"\n").unwrap();
    let out = hearth().args(["--database", &url, "deadlines", "recalculate", "--apply"]).env("HEARTH_POLICY_PACK", &pack).output().unwrap();
    let _ = std::fs::remove_file(&pack);
    for ext in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{ext}", db.display()));
    }
    assert_eq!(out.status.code(), Some(1), "a loosened statutory timescale stops it");
    assert!(String::from_utf8_lossy(&out.stderr).contains("single_assessment"), "{}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn returns_cin_writes_the_census_and_refuses_bad_arguments() {
    let db = temp("returns.db");
    let url = format!("sqlite://{}", db.display());
    let xml = temp("cin.xml");
    let path = xml.display().to_string();
    for (args, what) in [(["--year", "2024-25", "--la", "800"], "2024-25"), (["--year", "2025-26", "--la", "80A"], "80A")] {
        let out = hearth().args(["--database", &url, "returns", "cin"]).args(args).args(["--out", &path]).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{what}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(what) && err.trim().lines().count() == 1, "a one-line message naming {what}: {err}");
    }
    let out = hearth().args(["--database", &url, "returns", "cin", "--year", "2025-26", "--la", "800", "--out", &path]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("for 0 children"));
    let written = std::fs::read_to_string(&xml).unwrap();
    let _ = std::fs::remove_file(&xml);
    for ext in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{ext}", db.display()));
    }
    assert!(written.contains("<Collection>CIN</Collection>") && written.contains("<LEA>800</LEA>") && written.contains("<Children>"), "{written}");
}
