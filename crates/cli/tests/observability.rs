//! `hearth serve` as monitoring sees it: metrics on `metrics_bind` only, log lines as JSON
//! with `HEARTH_LOG_FORMAT=json`, and no colour codes when stderr is not a terminal. Servers
//! listen on free ports of 127.0.0.1 and are killed at the end of each test.
use serde_json::Value;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

const UNKNOWN_PERSON: &str = "0190d4c2-7a1e-7c3b-9f00-2b6a3c1d4e5f";

/// A running `hearth serve`, killed when dropped (also when a test fails).
struct Server {
    child: Child,
    db: std::path::PathBuf,
    /// The lines it printed on stdout so far.
    stdout: mpsc::Receiver<String>,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        for ext in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{ext}", self.db.display()));
        }
    }
}

impl Server {
    fn start(name: &str, env: &[(&str, &str)]) -> Server {
        let db = std::env::temp_dir().join(format!("hearth-cli-obs-{}-{name}.db", std::process::id()));
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_hearth"));
        cmd.env_remove("HEARTH_DATABASE_URL")
            .env_remove("HEARTH_CONFIG")
            .env_remove("HEARTH_METRICS_BIND")
            .env_remove("HEARTH_LOG_FORMAT")
            .env("HEARTH_LOG", "info")
            .args(["--database", &format!("sqlite://{}", db.display()), "serve", "--bind", "127.0.0.1:0"])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        for (k, v) in env {
            cmd.env(k, v);
        }
        let mut child = cmd.spawn().unwrap();
        let out = child.stdout.take().unwrap();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(out).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        Server { child, db, stdout: rx }
    }

    /// Stdout lines until the "running" line (at most 60 s).
    fn wait_until_running(&self) -> Vec<String> {
        let mut lines = Vec::new();
        while let Ok(line) = self.stdout.recv_timeout(Duration::from_secs(60)) {
            let done = line.starts_with("Hearth is running at");
            lines.push(line);
            if done {
                return lines;
            }
        }
        panic!("hearth did not start: {lines:?}");
    }

    /// Kills the server and returns everything it wrote on stderr.
    fn stop(mut self) -> String {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let mut err = String::new();
        if let Some(mut e) = self.child.stderr.take() {
            e.read_to_string(&mut err).unwrap();
        }
        err
    }
}

/// The `host:port` after `prefix` in one of the lines.
fn address_after(lines: &[String], prefix: &str) -> Option<String> {
    lines.iter().find_map(|l| l.strip_prefix(prefix)).map(|rest| rest.split('/').next().unwrap_or_default().to_string())
}

/// A plain HTTP/1.1 GET: the status and the body.
fn get(addr: &str, path: &str) -> (u16, String) {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    write!(s, "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n").unwrap();
    let mut raw = String::new();
    s.read_to_string(&mut raw).unwrap();
    let status = raw.split(' ').nth(1).and_then(|c| c.parse().ok()).unwrap_or(0);
    let body = raw.split_once("\r\n\r\n").map(|(_, b)| b.to_string()).unwrap_or_default();
    (status, body)
}

#[test]
fn metrics_are_served_on_their_own_address_and_json_logs_parse() {
    let server = Server::start("json", &[("HEARTH_METRICS_BIND", "127.0.0.1:0"), ("HEARTH_LOG_FORMAT", "json")]);
    let lines = server.wait_until_running();
    let metrics = address_after(&lines, "Metrics are at http://").unwrap_or_else(|| panic!("no metrics address in {lines:?}"));
    let main = address_after(&lines, "Hearth is running at http://").unwrap().replace("localhost", "127.0.0.1");
    assert_ne!(metrics, main);

    assert_eq!(get(&main, "/healthz").0, 200);
    let (status, _) = get(&main, &format!("/people/{UNKNOWN_PERSON}?q=Secret"));
    assert_eq!(status, 303, "to sign in");
    let (status, body) = get(&main, "/metrics");
    assert_eq!(status, 404, "no metrics on the main address");
    assert!(!body.contains("hearth_http_requests_total"));

    let (status, text) = get(&metrics, "/metrics");
    assert_eq!(status, 200);
    for s in [
        r#"hearth_http_requests_total{method="GET",route="/healthz",status="200"} 1"#,
        r#"hearth_http_requests_total{method="GET",route="/people/{id}",status="303"} 1"#,
        r#"hearth_http_requests_total{method="GET",route="unmatched",status="404"} 1"#,
        r#"hearth_http_request_duration_seconds_bucket{method="GET",route="/healthz",status="200",le="+Inf"} 1"#,
        "hearth_db_pool_connections_max 1",
        r#"hearth_audit_appends_total{result="error"} 0"#,
    ] {
        assert!(text.lines().any(|l| l == s), "no {s} in\n{text}");
    }
    for leak in [UNKNOWN_PERSON, "Secret", "?q="] {
        assert!(!text.contains(leak), "the metrics show {leak:?}:\n{text}");
    }
    assert_eq!(get(&metrics, "/healthz").0, 404, "the metrics address serves nothing else");

    let err = server.stop();
    assert!(!err.contains('\u{1b}'), "colour codes in the log:\n{err}");
    let logged: Vec<Value> = err
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect();
    let access: Vec<&Value> = logged.iter().filter(|v| v["target"] == "hearth::access").collect();
    assert_eq!(access.len(), 3, "one line for each request to the main address:\n{err}");
    let person = access.iter().find(|v| v["route"] == "/people/{id}").unwrap_or_else(|| panic!("{err}"));
    assert_eq!(person["method"], "GET");
    assert_eq!(person["status"], 303);
    assert!(person["duration_ms"].is_number() && person["request_id"].is_string(), "{person}");
    assert!(!err.contains("Secret") && !err.contains(UNKNOWN_PERSON), "{err}");
}

#[test]
fn without_metrics_bind_no_metrics_are_served_and_text_logs_have_no_colour() {
    let server = Server::start("text", &[]);
    let lines = server.wait_until_running();
    assert!(!lines.iter().any(|l| l.contains("Metrics")), "{lines:?}");
    let main = address_after(&lines, "Hearth is running at http://").unwrap().replace("localhost", "127.0.0.1");
    assert_eq!(get(&main, "/metrics").0, 404);
    let err = server.stop();
    assert!(!err.contains('\u{1b}'), "colour codes in the log:\n{err}");
    let line = err.lines().find(|l| l.contains("hearth::access")).unwrap_or_else(|| panic!("no access line:\n{err}"));
    for field in ["method=GET", "route=unmatched", "status=404", "duration_ms=", "request_id="] {
        assert!(line.contains(field), "{field} missing: {line}");
    }
    assert!(serde_json::from_str::<Value>(line).is_err(), "text, not JSON: {line}");
}

#[test]
fn a_failure_to_start_is_one_json_line_too() {
    let db = std::env::temp_dir().join(format!("hearth-cli-obs-{}-fail.db", std::process::id()));
    let out = Command::new(env!("CARGO_BIN_EXE_hearth"))
        .env_remove("HEARTH_DATABASE_URL")
        .env_remove("HEARTH_CONFIG")
        .env("HEARTH_LOG_FORMAT", "json")
        .env("HEARTH_LOG", "off")
        .env("HEARTH_METRICS_BIND", "not an address")
        .args(["--database", &format!("sqlite://{}", db.display()), "serve", "--bind", "127.0.0.1:0"])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    for ext in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{ext}", db.display()));
    }
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 1, "{err}");
    let line: Value = serde_json::from_str(lines[0]).unwrap_or_else(|e| panic!("not JSON ({e}): {err}"));
    assert_eq!(line["level"], "ERROR");
    assert!(line["message"].as_str().is_some_and(|m| m.contains("for metrics")), "{line}");
}
