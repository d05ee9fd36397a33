//! `hearth backup` and `hearth restore` as an administrator uses them: a copy taken while a
//! server goes on writing verifies; nothing is overwritten without --force; a corrupt or
//! foreign file is refused before anything is touched; a database in use is never replaced;
//! a restore brings the data and the audit chain back. PostgreSQL: the pg_dump route is
//! explained and checked (skipped, saying so, without a reachable server).
use hearth_app::clock::SystemClock;
use hearth_app::{App, AppConfig};
use hearth_store::Store;
use hearth_store_sql::SqlStore;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

fn hearth() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_hearth"));
    c.env_remove("HEARTH_DATABASE_URL").env_remove("HEARTH_CONFIG").env("HEARTH_LOG", "error");
    c
}

/// A directory of its own for each test, removed when it ends.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> TempDir {
        let p = std::env::temp_dir().join(format!("hearth-backup-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&p);
        std::fs::create_dir_all(&p).unwrap();
        TempDir(p)
    }
    fn path(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn url(db: &Path) -> String {
    format!("sqlite://{}", db.display())
}

fn run(db: &str, args: &[&str]) -> Output {
    hearth().arg("--database").arg(db).args(args).output().unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// The error output must be one line starting `hearth:`, never a panic.
fn one_line_error(out: &Output) -> String {
    let err = text(&out.stderr);
    assert_eq!(err.trim().lines().count(), 1, "one line: {err}");
    assert!(err.starts_with("hearth: ") && !err.contains("panicked"), "{err}");
    err
}

fn entries_verified(stdout: &str) -> i64 {
    let words: Vec<&str> = stdout.split_whitespace().collect();
    let at = words.iter().position(|w| *w == "entries").unwrap_or_else(|| panic!("no entry count in: {stdout}"));
    // "N audit entries verified" (backup, restore) or "N entries verified" (audit verify)
    let n = if words[at - 1] == "audit" { words[at - 2] } else { words[at - 1] };
    n.parse().unwrap_or_else(|_| panic!("no entry count in: {stdout}"))
}

/// A small demo local authority; returns its example child's id.
fn demo(db: &Path) -> String {
    let out = run(&url(db), &["demo", "--children", "20", "--seed", "7", "--no-serve"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    let at = stdout.find("example-child: id=").expect("the demo names its example child") + "example-child: id=".len();
    stdout[at..at + 36].to_string()
}

fn block_on<F: std::future::Future>(f: F) -> F::Output {
    tokio::runtime::Runtime::new().unwrap().block_on(f)
}

async fn app(db: &Path) -> App {
    let store = SqlStore::connect(&url(db)).await.unwrap();
    store.migrate().await.unwrap();
    App::new(Arc::new(store) as Arc<dyn Store>, AppConfig::default(), Arc::new(SystemClock))
}

/// A personal API token for the demo manager, made through the app.
fn api_token(db: &Path) -> String {
    block_on(async {
        let app = app(db).await;
        let actor = app.local_actor("tara.manager").await.unwrap();
        app.create_api_token(&actor, "backup test").await.unwrap().1
    })
}

fn user_exists(db: &Path, username: &str) -> bool {
    block_on(async {
        let app = app(db).await;
        let mut tx = app.store.begin().await.unwrap();
        let u = tx.user_by_username(username).await.unwrap();
        tx.commit().await.unwrap();
        u.is_some()
    })
}

/// Adds an account (without a password: a set-up link, which is quick to make).
fn add_user(db: &Path, username: &str) {
    let out = run(&url(db), &["user", "add", username, "--name", "Test Person", "--role", "auditor"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
}

// ---------------------------------------------------------------------------------------
// A server on the loopback address
// ---------------------------------------------------------------------------------------

struct Server {
    child: Child,
    port: u16,
}

impl Server {
    fn start(db: &Path) -> Server {
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let child = hearth()
            .arg("--database")
            .arg(url(db))
            .args(["serve", "--bind", &format!("127.0.0.1:{port}")])
            .env("HEARTH_SECURE_COOKIES", "false")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut server = Server { child, port };
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            if let Ok((200, _)) = http(port, "GET", "/healthz", None, None) {
                return server;
            }
            if let Ok(Some(status)) = server.child.try_wait() {
                panic!("hearth serve exited with {status} before /healthz answered");
            }
            assert!(Instant::now() < deadline, "/healthz did not answer within 60 s");
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One HTTP/1.1 request on a fresh connection: the status and the body.
fn http(port: u16, method: &str, path: &str, token: Option<&str>, body: Option<&str>) -> std::io::Result<(u16, String)> {
    let mut s = TcpStream::connect(("127.0.0.1", port))?;
    s.set_read_timeout(Some(Duration::from_secs(30)))?;
    let mut req = format!("{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n");
    if let Some(t) = token {
        req.push_str(&format!("Authorization: Bearer {t}\r\n"));
    }
    if let Some(b) = body {
        req.push_str(&format!("Content-Type: application/json\r\nContent-Length: {}\r\n", b.len()));
    }
    req.push_str("\r\n");
    req.push_str(body.unwrap_or_default());
    s.write_all(req.as_bytes())?;
    let mut answer = String::new();
    s.read_to_string(&mut answer)?;
    let status = answer.split_whitespace().nth(1).and_then(|c| c.parse().ok()).unwrap_or(0);
    Ok((status, answer))
}

fn post_note(port: u16, token: &str, child: &str, n: usize) -> u16 {
    let body = format!(
        r#"{{"occurred_at":"2026-01-05T10:15","note_type":"home_visit","child_seen":true,"seen_alone":false,"significant":false,"text":"backup test note {n}"}}"#
    );
    http(port, "POST", &format!("/api/v1/people/{child}/case-notes"), Some(token), Some(&body)).map(|r| r.0).unwrap_or(0)
}

// ---------------------------------------------------------------------------------------
// SQLite
// ---------------------------------------------------------------------------------------

#[test]
fn help_is_available_for_backup_and_restore() {
    for args in [["backup", "--help"], ["restore", "--help"]] {
        let out = hearth().args(args).output().unwrap();
        assert!(out.status.success(), "{args:?}");
        assert!(text(&out.stdout).contains("--force"), "{args:?}");
    }
}

#[test]
fn a_backup_taken_while_writes_go_on_verifies() {
    let dir = TempDir::new("online");
    let db = dir.path("live.db");
    let child = demo(&db);
    let token = api_token(&db);
    let server = Server::start(&db);
    let port = server.port;

    // Case notes through the API, bounded in count and time, until told to stop.
    let stop = Arc::new(AtomicBool::new(false));
    let written = Arc::new(AtomicUsize::new(0));
    let writer = {
        let (stop, written, token, child) = (stop.clone(), written.clone(), token.clone(), child.clone());
        std::thread::spawn(move || {
            let deadline = Instant::now() + Duration::from_secs(120);
            for n in 0..5_000 {
                if stop.load(Ordering::SeqCst) || Instant::now() > deadline {
                    break;
                }
                let status = post_note(port, &token, &child, n);
                assert_eq!(status, 201, "case note {n} was not recorded");
                written.fetch_add(1, Ordering::SeqCst);
            }
        })
    };
    while written.load(Ordering::SeqCst) < 20 {
        assert!(!writer.is_finished(), "the writer stopped early");
        std::thread::sleep(Duration::from_millis(20));
    }
    let start = run(&url(&db), &["audit", "verify"]);
    assert!(start.status.success(), "{}", text(&start.stderr));
    let at_start = entries_verified(&text(&start.stdout));

    let before = written.load(Ordering::SeqCst);
    let copy = dir.path("copy.db");
    let out = run(&url(&db), &["backup", "--out", copy.to_str().unwrap()]);
    let during = written.load(Ordering::SeqCst) - before;
    // Writes went on after the backup too: nothing was left blocked.
    let after_backup = written.load(Ordering::SeqCst);
    while written.load(Ordering::SeqCst) < after_backup + 5 {
        assert!(!writer.is_finished(), "the writer stopped after the backup");
        std::thread::sleep(Duration::from_millis(20));
    }
    stop.store(true, Ordering::SeqCst);
    writer.join().expect("every write was acknowledged");
    drop(server);

    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 2, "a summary and the anchor: {stdout}");
    assert!(lines[0].starts_with("backup: ") && lines[0].contains("copy.db") && lines[0].contains("integrity ok"), "{stdout}");
    assert!(lines[1].starts_with("hearth-audit-anchor v1 "), "{stdout}");
    let in_copy = entries_verified(lines[0]);
    assert!(in_copy >= at_start, "the copy holds {in_copy} audit entries, fewer than the {at_start} there were before it started");
    eprintln!("{during} case notes written while the backup ran; {in_copy} audit entries in the copy, {at_start} at the start");
    assert!(during > 0, "the server took no write while the backup ran");

    // The copy stands on its own: its chain verifies, and it holds its own anchor.
    let verify = run(&url(&copy), &["audit", "verify", "--anchor", lines[1]]);
    assert!(verify.status.success(), "{}", text(&verify.stderr));
    assert_eq!(entries_verified(&text(&verify.stdout)), in_copy);
    // Nothing is left beside the copy.
    let names: Vec<String> = std::fs::read_dir(&dir.0).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    assert!(!names.iter().any(|n| n.contains("partial")), "{names:?}");
}

/// The check a backup and `hearth audit verify` make on a live database: the log grows while
/// it is walked, and that is not a removed entry.
#[test]
fn the_audit_chain_verifies_while_the_log_grows() {
    let dir = TempDir::new("growing");
    let db = dir.path("hearth.db");
    block_on(async {
        let app = Arc::new(app(&db).await);
        let writer = {
            let app = app.clone();
            tokio::spawn(async move {
                for _ in 0..400 {
                    app.audit_refused_request(None, "test.write", "growing log").await.unwrap();
                }
            })
        };
        let mut checks = 0;
        while !writer.is_finished() || checks == 0 {
            match app.verify_audit().await.unwrap() {
                hearth_app::VerifyOutcome::Intact { .. } => checks += 1,
                broken => panic!("after {checks} checks: {broken:?}"),
            }
        }
        writer.await.unwrap();
        assert_eq!(app.verify_audit().await.unwrap(), hearth_app::VerifyOutcome::Intact { entries: 400 });

        // But an entry beyond the recorded head is no growth: every append moves the head.
        let store = SqlStore::connect(&url(&db)).await.unwrap();
        store.drop_audit_guards_for_tests().await.unwrap();
        store
            .execute_unchecked_for_tests("UPDATE audit_head SET seq = 399, hash = (SELECT hash FROM audit_log WHERE seq = 399) WHERE id = 1")
            .await
            .unwrap();
        store.close().await;
        assert!(matches!(app.verify_audit().await.unwrap(), hearth_app::VerifyOutcome::Broken(_)), "an entry beyond the head is reported");
    });
}

#[test]
fn a_backup_never_overwrites_without_force() {
    let dir = TempDir::new("overwrite");
    let db = dir.path("hearth.db");
    add_user(&db, "first.user");
    let out_file = dir.path("backup.db");
    std::fs::write(&out_file, b"an earlier backup").unwrap();
    let out = run(&url(&db), &["backup", "--out", out_file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(one_line_error(&out).contains("already exists"));
    assert_eq!(std::fs::read(&out_file).unwrap(), b"an earlier backup");

    let out = run(&url(&db), &["backup"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(one_line_error(&out).contains("--out"));

    let out = run(&url(&dir.path("missing.db")), &["backup", "--out", dir.path("other.db").to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(one_line_error(&out).contains("no database"));
    assert!(!dir.path("missing.db").exists(), "a backup of nothing creates nothing");

    let out = run(&url(&db), &["backup", "--out", out_file.to_str().unwrap(), "--force"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(user_exists(&out_file, "first.user"));
}

#[test]
fn restore_refuses_a_file_that_is_not_a_sound_hearth_database() {
    let dir = TempDir::new("refuse");
    let db = dir.path("hearth.db");
    add_user(&db, "kept.user");
    let good = dir.path("good.db");
    assert!(run(&url(&db), &["backup", "--out", good.to_str().unwrap()]).status.success());
    let before = std::fs::read(&db).unwrap();
    let refuse = |file: &Path, why: &str| {
        let out = run(&url(&db), &["restore", file.to_str().unwrap(), "--force"]);
        assert_eq!(out.status.code(), Some(1), "{why}: {}", text(&out.stderr));
        let err = one_line_error(&out);
        assert_eq!(std::fs::read(&db).unwrap(), before, "{why}: the database was touched");
        err
    };

    let garbage = dir.path("garbage.db");
    std::fs::write(&garbage, vec![b'x'; 8192]).unwrap();
    assert!(refuse(&garbage, "garbage").contains("garbage.db"));

    // A sound backup with a page overwritten in the middle.
    let mut bytes = std::fs::read(&good).unwrap();
    let page = 4096;
    assert!(bytes.len() > 3 * page, "the backup is big enough to damage");
    for b in &mut bytes[2 * page..3 * page] {
        *b = 0x5a;
    }
    let damaged = dir.path("damaged.db");
    std::fs::write(&damaged, &bytes).unwrap();
    refuse(&damaged, "damaged");

    // A SQLite database, but not Hearth's.
    let foreign = dir.path("foreign.db");
    block_on(async {
        let s = SqlStore::connect(&url(&foreign)).await.unwrap();
        s.execute_unchecked_for_tests("CREATE TABLE notes (x TEXT); INSERT INTO notes VALUES ('hello');").await.unwrap();
        s.close().await;
    });
    assert!(refuse(&foreign, "foreign").contains("not a Hearth database"));

    // A Hearth database whose audit log was tampered with.
    let tampered = dir.path("tampered.db");
    std::fs::copy(&good, &tampered).unwrap();
    block_on(async {
        let s = SqlStore::connect(&url(&tampered)).await.unwrap();
        s.drop_audit_guards_for_tests().await.unwrap();
        s.execute_unchecked_for_tests("UPDATE audit_log SET action = 'nothing.happened' WHERE seq = 1").await.unwrap();
        s.close().await;
    });
    assert!(refuse(&tampered, "tampered").contains("audit log is NOT intact"));
}

#[test]
fn restore_never_replaces_a_database_in_use_or_without_force() {
    let dir = TempDir::new("in-use");
    let db = dir.path("hearth.db");
    add_user(&db, "before.backup");
    let backup = dir.path("backup.db");
    assert!(run(&url(&db), &["backup", "--out", backup.to_str().unwrap()]).status.success());
    add_user(&db, "after.backup");

    let out = run(&url(&db), &["restore", backup.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(one_line_error(&out).contains("--force"));

    {
        let server = Server::start(&db);
        let started = Instant::now();
        let out = run(&url(&db), &["restore", backup.to_str().unwrap(), "--force"]);
        assert_eq!(out.status.code(), Some(1), "{}", text(&out.stdout));
        assert!(one_line_error(&out).contains("in use"));
        assert!(started.elapsed() < Duration::from_secs(20), "the check waits briefly, then says so");
        // The server goes on serving the database it had.
        assert_eq!(http(server.port, "GET", "/healthz", None, None).unwrap().0, 200);
    }
    assert!(user_exists(&db, "after.backup"), "the database in use was not replaced");

    // Hearth stopped: the restore goes ahead.
    let out = run(&url(&db), &["restore", backup.to_str().unwrap(), "--force"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(user_exists(&db, "before.backup"));
    assert!(!user_exists(&db, "after.backup"));
}

#[test]
fn a_restore_brings_back_the_data_and_the_audit_chain() {
    let dir = TempDir::new("restore");
    let db = dir.path("hearth.db");
    demo(&db);
    add_user(&db, "in.the.backup");
    let backup = dir.path("nightly.db");
    let out = run(&url(&db), &["backup", "--out", backup.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let backup_anchor = text(&out.stdout).lines().last().unwrap().to_string();

    // The day goes on after the backup; then the database is lost.
    add_user(&db, "after.the.backup");
    let later = run(&url(&db), &["audit", "anchor"]);
    let later_anchor = text(&later.stdout).trim().to_string();
    for ext in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{ext}", db.display()));
    }
    // A stale write-ahead log of the lost database must not be applied to the restored one.
    std::fs::write(format!("{}-wal", db.display()), vec![0u8; 4096]).unwrap();

    let out = run(&url(&db), &["restore", backup.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(stdout.contains("restore: ") && stdout.contains("integrity ok"), "{stdout}");
    assert_eq!(stdout.lines().last().unwrap(), backup_anchor, "the restored log ends where the backup's did");
    assert!(user_exists(&db, "in.the.backup"));
    assert!(!user_exists(&db, "after.the.backup"));

    // The drill: the chain verifies with the backup's anchor; the later anchor shows what was lost.
    let ok = run(&url(&db), &["audit", "verify", "--anchor", &backup_anchor]);
    assert!(ok.status.success(), "{}", text(&ok.stderr));
    let lost = run(&url(&db), &["audit", "verify", "--anchor", &later_anchor]);
    assert_eq!(lost.status.code(), Some(1), "an anchor taken after the backup is beyond the restored log");
    // The source was only read.
    let again = run(&url(&dir.path("second.db")), &["restore", backup.to_str().unwrap()]);
    assert!(again.status.success(), "{}", text(&again.stderr));
}

// ---------------------------------------------------------------------------------------
// PostgreSQL
// ---------------------------------------------------------------------------------------

/// The server for the PostgreSQL tests, or why they are skipped.
fn postgres_admin() -> Option<String> {
    if std::env::var("HEARTH_SKIP_POSTGRES").is_ok_and(|v| v == "1") {
        eprintln!("SKIPPED: HEARTH_SKIP_POSTGRES=1");
        return None;
    }
    let Ok(admin) = std::env::var("HEARTH_TEST_POSTGRES_URL") else {
        eprintln!("SKIPPED: HEARTH_TEST_POSTGRES_URL is not set");
        return None;
    };
    match block_on(SqlStore::connect(&admin)) {
        Ok(s) => {
            block_on(s.close());
            Some(admin)
        }
        Err(e) => {
            eprintln!("SKIPPED: PostgreSQL at HEARTH_TEST_POSTGRES_URL does not answer: {e}");
            None
        }
    }
}

/// `url` naming another database, with a password added (the server trusts loopback, so it
/// is ignored there) to check that it is never printed.
fn database_url(admin: &str, name: &str) -> String {
    let (base, query) = admin.split_once('?').map_or((admin, String::new()), |(b, q)| (b, format!("?{q}")));
    let start = base.find("://").unwrap() + 3;
    let base = match base[start..].find('/') {
        Some(i) => &base[..start + i],
        None => base,
    };
    let base = match (base[start..].find('@'), base[start..].find(':')) {
        (Some(at), Some(colon)) if colon < at => base.to_string(),
        (Some(at), _) => format!("{}:n0t-printed{}", &base[..start + at], &base[start + at..]),
        (None, _) => base.to_string(),
    };
    format!("{base}/{name}{query}")
}

struct PgDb {
    admin: String,
    name: String,
    url: String,
}

impl PgDb {
    fn create(admin: &str) -> PgDb {
        let name = format!("hearth_backup_{}", uuid::Uuid::new_v4().simple());
        block_on(async {
            let s = SqlStore::connect(admin).await.unwrap();
            s.execute_unchecked_for_tests(&format!("CREATE DATABASE {name}")).await.unwrap();
            s.close().await;
        });
        PgDb { admin: admin.to_string(), url: database_url(admin, &name), name }
    }
}

impl Drop for PgDb {
    fn drop(&mut self) {
        block_on(async {
            if let Ok(s) = SqlStore::connect(&self.admin).await {
                let _ = s.execute_unchecked_for_tests(&format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name)).await;
                s.close().await;
            }
        });
    }
}

fn pg_dump_installed() -> bool {
    Command::new("pg_dump").arg("--version").output().is_ok_and(|o| o.status.success())
}

#[test]
fn postgres_backup_explains_checks_and_runs_the_pg_dump_route() {
    let Some(admin) = postgres_admin() else { return };
    let source = PgDb::create(&admin);
    let made = hearth().arg("--database").arg(&source.url).args(["user", "add", "pg.user", "--name", "PG User", "--role", "auditor"]).env("HEARTH_NEW_PASSWORD", "a long enough password for tests").output().unwrap();
    assert!(made.status.success(), "{}", text(&made.stderr));

    // Without pg_dump on the PATH: explained, then a clear one-line error.
    let empty = TempDir::new("no-pg-dump");
    let out = hearth().arg("--database").arg(&source.url).arg("backup").env("PATH", &empty.0).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = one_line_error(&out);
    assert!(err.contains("pg_dump is not installed") && err.contains("postgresql-client-"), "{err}");
    let stdout = text(&out.stdout);
    assert!(stdout.contains("pg_dump --format=custom"), "{stdout}");
    assert!(!stdout.contains("n0t-printed") && !err.contains("n0t-printed"), "the password is never printed");

    // The check alone.
    let out = run(&source.url, &["backup"]);
    let all = format!("{}{}", text(&out.stdout), text(&out.stderr));
    assert!(!all.contains("n0t-printed"), "the password is never printed: {all}");
    if !pg_dump_installed() {
        assert_eq!(out.status.code(), Some(1), "{all}");
        assert!(one_line_error(&out).contains("pg_dump is not installed"));
        eprintln!("SKIPPED the dump itself: pg_dump is not installed here");
        return;
    }
    if out.status.code() == Some(1) && all.contains("cannot dump a PostgreSQL") {
        eprintln!("SKIPPED the dump itself: this pg_dump is older than the server ({all})");
        return;
    }
    assert!(out.status.success(), "{all}");
    assert!(all.contains("the route works"), "{all}");

    // The dump, checked with pg_restore --list, and not overwritten without --force.
    let dir = TempDir::new("pg-dump");
    let dump = dir.path("hearth.dump");
    let out = run(&source.url, &["backup", "--out", dump.to_str().unwrap()]);
    let all = format!("{}{}", text(&out.stdout), text(&out.stderr));
    assert!(out.status.success(), "{all}");
    assert!(!all.contains("n0t-printed"), "{all}");
    assert!(all.contains("backup: ") && all.contains("pg_restore --list"), "{all}");
    let anchor = text(&out.stdout).lines().last().unwrap().to_string();
    let out = run(&source.url, &["backup", "--out", dump.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));

    // Restored into an empty database: the data and the chain, with the anchor read before the dump.
    let target = PgDb::create(&admin);
    let out = run(&target.url, &["restore", dump.to_str().unwrap()]);
    assert!(out.status.success(), "{}{}", text(&out.stdout), text(&out.stderr));
    let ok = run(&target.url, &["audit", "verify", "--anchor", &anchor]);
    assert!(ok.status.success(), "{}", text(&ok.stderr));
    // Not over a database that holds tables, without --force.
    let out = run(&target.url, &["restore", dump.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(one_line_error(&out).contains("--force"));
    let out = run(&target.url, &["restore", dump.to_str().unwrap(), "--force"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    // A file that is not a dump is refused.
    let garbage = dir.path("garbage.dump");
    std::fs::write(&garbage, b"not a dump").unwrap();
    let out = run(&target.url, &["restore", garbage.to_str().unwrap(), "--force"]);
    assert_eq!(out.status.code(), Some(1));
    one_line_error(&out);
}
