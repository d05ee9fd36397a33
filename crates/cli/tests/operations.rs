//! `hearth serve` as an operator runs it (issue 15): stopped with SIGTERM under load, started
//! on a database it cannot write. Loopback only; every loop is bounded.
use hearth_app::{App, AppConfig, NewUser};
use hearth_domain::person::{PersonDetails, PersonKind};
use hearth_domain::user::Role;
use hearth_store::Store;
use hearth_store_sql::SqlStore;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

fn temp(name: &str) -> std::path::PathBuf {
    std::env::temp_dir().join(format!("hearth-ops-{}-{}-{name}", std::process::id(), uuid::Uuid::new_v4()))
}

fn remove_db(db: &std::path::Path) {
    for ext in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{ext}", db.display()));
    }
}

/// A database with a worker, a child allocated to them and an API token: the token and the
/// child's id.
async fn prepare(db: &std::path::Path) -> (String, String) {
    prepare_url(&format!("sqlite://{}", db.display())).await
}

async fn prepare_url(url: &str) -> (String, String) {
    let store = SqlStore::connect(url).await.unwrap();
    store.migrate().await.unwrap();
    let shared: Arc<dyn Store> = Arc::new(store.clone());
    let app = App::new(shared, AppConfig::default(), Arc::new(hearth_app::clock::SystemClock));
    let team = app.add_team(None, "Front door").await.unwrap();
    app.add_user(NewUser { username: "sam".into(), display_name: "Sam Worker".into(), role: Role::SocialWorker, team: Some(team.id), manager: None, password: "correct horse battery".into() })
        .await
        .unwrap();
    let sam = app.local_actor("sam").await.unwrap();
    let child = app
        .create_person(&sam, PersonDetails { date_of_birth: Some(time::macros::date!(2015 - 03 - 09)), ..PersonDetails::named(PersonKind::Child, "Amy", "Lee") })
        .await
        .unwrap();
    let (_, token) = app.create_api_token(&sam, "load").await.unwrap();
    store.close().await;
    (token, child.id.to_string())
}

/// `hearth serve` on a free loopback port: the process and its address, once it answers.
fn start(db: &std::path::Path, grace: u64) -> (Child, String) {
    start_url(&format!("sqlite://{}", db.display()), grace)
}

fn start_url(url: &str, grace: u64) -> (Child, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_hearth"))
        .args(["--database", url, "serve", "--bind", "127.0.0.1:0"])
        .env("HEARTH_SECURE_COOKIES", "false")
        .env_remove("HEARTH_DATABASE_URL")
        .env_remove("HEARTH_CONFIG")
        .env("HEARTH_LOG", "info")
        .env("HEARTH_SHUTDOWN_GRACE_SECONDS", grace.to_string())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let mut lines = BufReader::new(stdout).lines();
    let started = Instant::now();
    loop {
        assert!(started.elapsed() < Duration::from_secs(60), "hearth serve did not start");
        let Some(Ok(line)) = lines.next() else {
            let _ = child.kill();
            let _ = child.wait();
            panic!("hearth serve stopped before it started")
        };
        if let Some(rest) = line.strip_prefix("Hearth is running at http://localhost:") {
            let port: String = rest.chars().take_while(|c| c.is_ascii_digit()).collect();
            return (child, format!("127.0.0.1:{port}"));
        }
    }
}

/// One HTTP/1.1 request on its own connection: the status, or `None` when the connection
/// failed or closed before a whole response came back.
async fn request(addr: &str, method: &str, path: &str, token: &str, body: &str) -> Option<u16> {
    let mut s = tokio::net::TcpStream::connect(addr).await.ok()?;
    let req = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {token}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    s.write_all(req.as_bytes()).await.ok()?;
    let mut buf = Vec::new();
    s.read_to_end(&mut buf).await.ok()?;
    let text = String::from_utf8_lossy(&buf);
    let (head, _) = text.split_once("\r\n\r\n")?;
    head.split_whitespace().nth(1)?.parse().ok()
}

/// SIGTERM while a hundred writes are in flight: every one is answered (none cut off),
/// every acknowledged one is saved, the audit chain verifies, and the process exits 0.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sigterm_drains_the_writes_in_flight() {
    let db = temp("drain.db");
    let (token, child) = prepare(&db).await;
    let (mut server, addr) = start(&db, 20);
    let path = format!("/api/v1/people/{child}/case-notes");
    let body = r#"{"occurred_at":"2024-03-01T10:15","note_type":"home_visit","child_seen":true,"seen_alone":false,"significant":false,"text":"Visited at home; all well."}"#;
    let mut writes = Vec::new();
    let signalled = Arc::new(std::sync::OnceLock::<Instant>::new());
    for _ in 0..200 {
        let (addr, path, token, signalled) = (addr.clone(), path.clone(), token.clone(), signalled.clone());
        writes.push(tokio::spawn(async move {
            let status = request(&addr, "POST", &path, &token, body).await;
            // Whether this answer came after the signal: the drain at work.
            (status, signalled.get().is_some())
        }));
    }
    // Let the writes reach the server, then ask it to stop while they queue for the database.
    tokio::time::sleep(Duration::from_millis(30)).await;
    let pid = server.id().to_string();
    assert!(Command::new("kill").args(["-TERM", &pid]).status().unwrap().success());
    let _ = signalled.set(Instant::now());
    let (mut answered, mut after_signal) = (0, 0);
    for w in writes {
        match w.await.unwrap() {
            (Some(201), late) => {
                answered += 1;
                after_signal += usize::from(late);
            }
            // Sent after the server stopped accepting: never accepted, so never half-done.
            (None, _) => {}
            (Some(other), _) => panic!("a write got {other}"),
        }
    }
    assert!(after_signal > 0, "no write was still in flight when the signal came ({answered} answered)");
    let status = tokio::task::spawn_blocking(move || server.wait()).await.unwrap().unwrap();
    assert_eq!(status.code(), Some(0), "a drained stop exits 0");
    // Every acknowledged write is there, and the chain is whole.
    let store = SqlStore::connect(&format!("sqlite://{}", db.display())).await.unwrap();
    let app = App::new(Arc::new(store.clone()), AppConfig::default(), Arc::new(hearth_app::clock::SystemClock));
    let sam = app.local_actor("sam").await.unwrap();
    let (_, _, total) = app.case_notes(&sam, child.parse().unwrap(), 1, 0).await.unwrap();
    assert_eq!(total, answered, "every 201 is a saved note, and only those");
    assert!(matches!(app.verify_audit().await.unwrap(), hearth_app::VerifyOutcome::Intact { .. }));
    store.close().await;
    remove_db(&db);
}

/// A database that cannot be written stops start-up with one clear line.
#[test]
fn a_read_only_database_stops_start_up_with_one_line() {
    let db = temp("ro.db");
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(prepare(&db));
    let out = Command::new(env!("CARGO_BIN_EXE_hearth"))
        .args(["--database", &format!("sqlite://{}?mode=ro", db.display()), "serve", "--bind", "127.0.0.1:0"])
        .env_remove("HEARTH_DATABASE_URL")
        .env("HEARTH_LOG", "error")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(err.starts_with("hearth: cannot ") && (err.contains("read-only") || err.contains("readonly")), "{err}");
    remove_db(&db);
}

/// A whole HTTP/1.1 exchange on its own connection: status, headers and body.
async fn exchange(addr: &str, method: &str, path: &str, headers: &[(&str, &str)], body: &str) -> Option<(u16, Vec<(String, String)>, String)> {
    let mut s = tokio::net::TcpStream::connect(addr).await.ok()?;
    let mut req = format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Length: {}\r\nConnection: close\r\n", body.len());
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    req.push_str("\r\n");
    req.push_str(body);
    s.write_all(req.as_bytes()).await.ok()?;
    let mut buf = Vec::new();
    s.read_to_end(&mut buf).await.ok()?;
    let text = String::from_utf8_lossy(&buf).to_string();
    let (head, body) = text.split_once("\r\n\r\n")?;
    let mut lines = head.lines();
    let status = lines.next()?.split_whitespace().nth(1)?.parse().ok()?;
    let headers = lines.filter_map(|l| l.split_once(':')).map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string())).collect();
    Some((status, headers, body.to_string()))
}

fn set_cookie(headers: &[(String, String)], name: &str) -> Option<String> {
    headers.iter().filter(|(k, _)| k == "set-cookie").find_map(|(_, v)| v.strip_prefix(&format!("{name}=")).map(|rest| rest.split(';').next().unwrap_or("").to_string()))
}

fn csrf_in(page: &str) -> String {
    let i = page.find("name=\"csrf_token\" value=\"").expect("a form") + 25;
    page[i..i + 32].to_string()
}

/// Two instances of Hearth serve one PostgreSQL database: a user signed in on one is signed
/// in on the other (sessions, CSRF tokens, API tokens are the database's), both take writes
/// at once, and the audit chain verifies afterwards.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_instances_serve_one_postgres_database() {
    if std::env::var("HEARTH_SKIP_POSTGRES").is_ok_and(|v| v == "1") {
        eprintln!("HEARTH_SKIP_POSTGRES=1: skipping the two-instance test");
        return;
    }
    let admin_url = std::env::var("HEARTH_TEST_POSTGRES_URL").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
    let name = format!("hearth_two_{}", uuid::Uuid::new_v4().simple());
    let admin = SqlStore::connect(&admin_url).await.expect("PostgreSQL is needed (HEARTH_SKIP_POSTGRES=1 skips)");
    admin.execute_unchecked_for_tests(&format!("CREATE DATABASE {name}")).await.unwrap();
    let url = match admin_url.rsplit_once('/') {
        Some((base, _)) => format!("{base}/{name}"),
        None => panic!("not a database URL: {admin_url}"),
    };
    let (token, child) = prepare_url(&url).await;
    let (mut a, at_a) = start_url(&url, 20);
    let (mut b, at_b) = start_url(&url, 20);

    // Sign in on A.
    let (_, headers, page) = exchange(&at_a, "GET", "/sign-in", &[], "").await.unwrap();
    let pre = set_cookie(&headers, "hearth_csrf").expect("the sign-in form's cookie");
    let form = format!("csrf_token={}&username=sam&password=correct+horse+battery&next=&draft=", csrf_in(&page));
    let cookie = format!("hearth_csrf={pre}");
    let (status, headers, _) = exchange(&at_a, "POST", "/sign-in", &[("Cookie", &cookie), ("Content-Type", "application/x-www-form-urlencoded")], &form).await.unwrap();
    assert_eq!(status, 303);
    let session = format!("hearth_session={}", set_cookie(&headers, "hearth_session").expect("a session"));

    // The same session, alternately on each.
    let record = format!("/people/{child}");
    for i in 0..10 {
        let at = if i % 2 == 0 { &at_a } else { &at_b };
        let (status, _, body) = exchange(at, "GET", &record, &[("Cookie", &session)], "").await.unwrap();
        assert_eq!(status, 200, "request {i} on {at}");
        assert!(body.contains("Amy Lee"));
    }
    // A form from A's page, sent to B: the session's CSRF token is shared too.
    let (_, _, account) = exchange(&at_a, "GET", "/account", &[("Cookie", &session)], "").await.unwrap();
    let form = format!("csrf_token={}&name=Sent+to+the+other+instance", csrf_in(&account));
    let (status, _, body) = exchange(&at_b, "POST", "/account/tokens", &[("Cookie", &session), ("Content-Type", "application/x-www-form-urlencoded")], &form).await.unwrap();
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("Token created"));

    // Both take writes at once.
    let path = format!("/api/v1/people/{child}/case-notes");
    let note = r#"{"occurred_at":"2024-03-01T10:15","note_type":"phone_call","child_seen":false,"text":"Called the school."}"#;
    let mut writes = Vec::new();
    for i in 0..60 {
        let at = if i % 2 == 0 { at_a.clone() } else { at_b.clone() };
        let (path, token) = (path.clone(), token.clone());
        writes.push(tokio::spawn(async move { request(&at, "POST", &path, &token, note).await }));
    }
    let mut created = 0;
    for w in writes {
        assert_eq!(w.await.unwrap(), Some(201));
        created += 1;
    }

    for p in [&mut a, &mut b] {
        assert!(Command::new("kill").args(["-TERM", &p.id().to_string()]).status().unwrap().success());
        assert_eq!(p.wait().unwrap().code(), Some(0));
    }
    let store = SqlStore::connect(&url).await.unwrap();
    let app = App::new(Arc::new(store.clone()), AppConfig::default(), Arc::new(hearth_app::clock::SystemClock));
    let sam = app.local_actor("sam").await.unwrap();
    let (_, _, total) = app.case_notes(&sam, child.parse().unwrap(), 1, 0).await.unwrap();
    assert_eq!(total, created);
    assert!(matches!(app.verify_audit().await.unwrap(), hearth_app::VerifyOutcome::Intact { .. }), "one chain, in order, across both instances");
    store.close().await;
    admin.execute_unchecked_for_tests(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).await.unwrap();
    admin.close().await;
}
