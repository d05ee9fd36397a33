//! The access-control matrix (issue 14): every route of `hearth_web::route_table()` asked by
//! every actor on every record, the answers compared with `tests/access_matrix.expected`.
//!
//! A route without rows in the file fails, naming it, and so does a row whose route is gone:
//! no route is added without someone deciding who may use it. Whatever the file says, the
//! invariants of `check_invariants` hold too: no 5xx; for everyone off the restricted
//! child's access list the restricted child answers as an unknown id does, and no answer
//! names them; an unknown id is never `ok`; an expired break-glass grant opens nothing;
//! administrators and auditors open no record.
//!
//! Blessing: `HEARTH_BLESS=1 cargo nextest run -p hearth-web --test access_matrix` writes
//! the file from what was observed instead of comparing. Read the diff (`git diff`) line by
//! line before committing it: a blessed mistake is a hole in access control (see
//! docs/TESTING.md, "The access-control matrix").
//!
//! The world (users, sessions, tokens, records) is built once per test; reads share it,
//! and each write of a (route, actor) pair gets a fresh copy of it.
use std::collections::HashSet;

#[path = "access_matrix/requests.rs"]
mod requests;
#[path = "access_matrix/table.rs"]
mod table;
#[path = "access_matrix/world.rs"]
mod world;

use axum::http::header;
use http_body_util::BodyExt;
use requests::{Payload, Subject};
use table::Row;
use tower::ServiceExt;
use world::{Rec, World, ACTORS, HIDDEN_FAMILY, HIDDEN_GIVEN, HIDDEN_NHS, HIDDEN_UPN};

/// The route table as (method, path template).
fn table() -> Vec<(String, String)> {
    hearth_web::route_table()
}

/// Which test asks which routes: pages and API, reads and writes, so that they run in
/// parallel.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Part {
    PageReads,
    /// The pages' writes about a record, to "Your account", and the others: the pages'
    /// writes are the slowest part (each in its own copy of the world, and a password change
    /// or a set-up hashes a new password).
    PageRecordWrites,
    PageAccountWrites,
    PageOtherWrites,
    ApiReads,
    ApiWrites,
}

fn part_of(method: &str, path: &str) -> Part {
    match (requests::is_api(path) || path == "/api/v1/openapi.json", method == "GET") {
        (false, true) => Part::PageReads,
        (false, false) if requests::subject(method, path) == Subject::Record => Part::PageRecordWrites,
        (false, false) if path.starts_with("/account") => Part::PageAccountWrites,
        (false, false) => Part::PageOtherWrites,
        (true, true) => Part::ApiReads,
        (true, false) => Part::ApiWrites,
    }
}

#[tokio::test]
async fn page_reads() {
    run(Part::PageReads).await;
}

#[tokio::test]
async fn page_record_writes() {
    run(Part::PageRecordWrites).await;
}

#[tokio::test]
async fn page_account_writes() {
    run(Part::PageAccountWrites).await;
}

#[tokio::test]
async fn page_other_writes() {
    run(Part::PageOtherWrites).await;
}

#[tokio::test]
async fn api_reads() {
    run(Part::ApiReads).await;
}

#[tokio::test]
async fn api_writes() {
    run(Part::ApiWrites).await;
}

/// The file names every route of the table for every actor, and nothing else. (The parts
/// say so too, each for its routes; this names every route at once, without a world.)
#[tokio::test]
async fn the_expected_file_covers_the_route_table() {
    if table::blessing() {
        eprintln!("HEARTH_BLESS=1: the file is being written; not checked");
        return;
    }
    let rows = table::read_expected().unwrap_or_else(|e| panic!("{e}"));
    let table = table();
    let mut problems = Vec::new();
    for (m, p) in &table {
        let mine: Vec<&Row> = rows.iter().filter(|r| &r.method == m && &r.path == p).collect();
        if mine.is_empty() {
            problems.push(format!("{m} {p} is in the route table but has no rows in access_matrix.expected"));
            continue;
        }
        let records: Vec<&str> = match requests::subject(m, p) {
            Subject::Nothing => vec!["-"],
            Subject::Record => world::RECORDS.to_vec(),
        };
        for actor in ACTORS {
            match mine.iter().find(|r| r.actor == actor) {
                None => problems.push(format!("{m} {p}: no row for {actor}")),
                Some(r) if r.cells.iter().map(|(k, _)| k.as_str()).collect::<Vec<_>>() != records => {
                    problems.push(format!("{m} {p} as {actor}: the columns should be {records:?}"))
                }
                Some(_) => {}
            }
        }
    }
    for r in &rows {
        if !table.contains(&(r.method.clone(), r.path.clone())) {
            problems.push(format!("{} {} has rows in access_matrix.expected but is no longer a route", r.method, r.path));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

async fn run(part: Part) {
    let started = std::time::Instant::now();
    let w = world::build().await;
    eprintln!("world built in {:?}", started.elapsed());
    let table = table();
    let routes: Vec<(String, String)> = table.iter().filter(|(m, p)| part_of(m, p) == part).cloned().collect();
    let mut rows = Vec::new();
    let mut problems = Vec::new();
    for (method, template) in &routes {
        for actor in ACTORS {
            match ask(&w, method, template, actor, &mut problems).await {
                Ok(row) => rows.push(row),
                Err(e) => problems.push(e),
            }
        }
    }
    eprintln!("{} rows asked in {:?}", rows.len(), started.elapsed());
    problems.extend(check_invariants(&rows));
    if table::blessing() {
        table::bless(&rows, &routes, &table, &ACTORS);
        eprintln!("HEARTH_BLESS=1: wrote {} rows to {}", rows.len(), table::expected_path().display());
    } else {
        let expected = table::read_expected().unwrap_or_else(|e| panic!("{e}"));
        let diff = table::compare(&rows, &expected);
        if !diff.is_empty() {
            problems.push(format!(
                "the answers differ from access_matrix.expected ({} rows; - expected, + observed). If the change is intended, bless it (HEARTH_BLESS=1) and review the diff:\n{}",
                diff.len(),
                diff.join("\n")
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));
}

/// Asks one route as one actor on every record (writes in a fresh copy of the world).
async fn ask(w: &World, method: &str, template: &str, actor: &'static str, problems: &mut Vec<String>) -> Result<Row, String> {
    let recs: Vec<Option<&Rec>> = match requests::subject(method, template) {
        Subject::Nothing => vec![None],
        Subject::Record => w.recs.iter().map(Some).collect(),
    };
    let fork = if method == "GET" { None } else { Some(w.fork().await) };
    let router = fork.as_ref().map_or(&w.router, |f| &f.router);
    let mut cells = Vec::new();
    for rec in recs {
        let record = rec.map_or("-", |r| r.key);
        let answer = exchange(w, router, (method, template, actor), rec).await?;
        problems.extend(inspect(w, (method, template, actor, record), &answer));
        cells.push((record.to_string(), table::outcome(answer.status, &answer.location)));
    }
    if let Some(f) = fork {
        f.close().await;
    }
    Ok(Row { method: method.into(), path: template.into(), actor: actor.into(), cells })
}

/// A request as sent (path and body, as text) and its answer.
struct Answer {
    sent: String,
    status: axum::http::StatusCode,
    location: String,
    body: String,
}

/// Sends the route's request for the actor and record.
async fn exchange(w: &World, router: &axum::Router, (method, template, actor): (&str, &str, &str), rec: Option<&Rec>) -> Result<Answer, String> {
    let who = w.who(actor);
    let path = requests::path(method, template, w, rec)?;
    let payload = requests::payload(method, template, w, who, rec)?;
    let sent = sent_text(&path, &payload);
    let req = requests::request(method, &path, requests::is_api(template), w, who, payload);
    let res = router.clone().oneshot(req).await.map_err(|e| format!("{method} {path}: {e}"))?;
    let status = res.status();
    let location = res.headers().get(header::LOCATION).and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
    let body = res.into_body().collect().await.map_err(|e| format!("{method} {path}: {e}"))?.to_bytes();
    Ok(Answer { sent, status, location, body: String::from_utf8_lossy(&body).into_owned() })
}

/// What is wrong with an answer whatever the file says: a server error, a control that no
/// longer holds, the restricted child shown to someone off their list.
fn inspect(w: &World, (method, template, actor, record): (&str, &str, &str, &str), a: &Answer) -> Vec<String> {
    let mut out = Vec::new();
    let at = format!("{method} {template} as {actor} on {record}");
    if let Ok(dir) = std::env::var("HEARTH_MATRIX_DUMP") {
        // For reading what a row's answer said.
        let name = format!("{method}{template}-{actor}-{record}").replace(['/', '{', '}', '*'], "_");
        let _ = std::fs::write(std::path::Path::new(&dir).join(name), format!("{} {}\n{}", a.status, a.location, a.body));
    }
    if a.status.is_server_error() {
        out.push(format!("{at}: {}\n{}", a.status, a.body.chars().take(600).collect::<String>()));
    }
    out.extend(control(w, (method, template, actor, record), &a.body));
    if actor != "list_user" {
        for leak in leaks(w, &format!("{}\n{}", a.location, a.body), &a.sent) {
            out.push(format!("{at}: the answer shows the restricted child ({leak})"));
        }
    }
    out
}

/// The request as text (path and body), to tell an identifier the asker gave from one the
/// answer disclosed.
fn sent_text(path: &str, payload: &Payload) -> String {
    match payload {
        Payload::None => path.to_string(),
        Payload::Form(f) => format!("{path} {}", serde_urlencoded::to_string(f).unwrap_or_default()),
        Payload::Json(v) => format!("{path} {v}"),
    }
}

/// What of the restricted child an answer shows: its names, Hearth id (in either form),
/// NHS number (in either form), UPN or LA child id. A value the request itself carried (the
/// family name searched for, the id asked about) is not a disclosure.
fn leaks(w: &World, body: &str, sent: &str) -> Vec<&'static str> {
    let rec = w.rec("restricted");
    let id = rec.person.0;
    let hex = id.simple().to_string();
    let la_child_id = format!("H{}", &hex[hex.len() - 16..]).to_uppercase();
    let nhs_spaced = format!("{} {} {}", &HIDDEN_NHS[..3], &HIDDEN_NHS[3..6], &HIDDEN_NHS[6..]);
    let body = body.to_lowercase();
    let sent = sent.to_lowercase();
    let checks: [(&'static str, String); 8] = [
        ("given name", HIDDEN_GIVEN.into()),
        ("family name", HIDDEN_FAMILY.into()),
        ("Hearth id", id.hyphenated().to_string()),
        ("Hearth id", hex.clone()),
        ("NHS number", HIDDEN_NHS.into()),
        ("NHS number", nhs_spaced),
        ("UPN", HIDDEN_UPN.into()),
        ("LA child id", la_child_id),
    ];
    let mut found: Vec<&'static str> = checks.iter().filter(|(_, v)| body.contains(&v.to_lowercase()) && !sent.contains(&v.to_lowercase())).map(|(what, _)| *what).collect();
    found.dedup();
    found
}

/// Checks that the world still puts the restricted child where the filters matter: in the
/// worker's tray and home page, in the census, on a plan, beside their sibling, found by
/// search for the one person who may see them. Without these the leak checks would pass
/// for want of anything to leak.
fn control(w: &World, (method, template, actor, record): (&str, &str, &str, &str), body: &str) -> Option<String> {
    let restricted = w.rec("restricted").person.to_string();
    let sibling = w.rec("allocated").person.to_string();
    let (needle, present): (&str, bool) = match (method, template, actor, record) {
        ("GET", "/", "worker_team", _) => ("A record restricted from you", true),
        ("GET", "/work", "worker_team", _) => ("about a restricted record that does not name you", true),
        ("GET", "/api/v1/work", "worker_team", _) => ("\"hidden\":0", false),
        ("GET", "/returns/cin", "business_support", _) => ("data-testid=\"hidden\"", true),
        ("GET", "/search", "list_user", _) => (HIDDEN_GIVEN, true),
        ("GET", "/api/v1/people", "list_user", _) => (&restricted, true),
        ("GET", "/api/v1/people/{id}/relationships", "list_user", "restricted") => (&sibling, true),
        ("GET", "/api/v1/episodes/{id}", "list_user", "restricted") => ("child_protection_plan", true),
        _ => return None,
    };
    (body.contains(needle) != present).then(|| {
        format!("{method} {template} as {actor} on {record}: the answer should {} `{needle}`: the world no longer puts the restricted child where the access filter matters", if present { "contain" } else { "not contain" })
    })
}

/// The routes whose subject is the audit log, not the record: an auditor reads the trail
/// of any id (empty for an unknown one) and never the record itself.
fn audit_route(path: &str) -> bool {
    path == "/audit/people/{id}"
}

/// The invariants that hold whatever the file says (a wrong blessing cannot hide them).
fn check_invariants(rows: &[Row]) -> Vec<String> {
    let mut out = Vec::new();
    for ((method, path), rows) in table::by_route(rows) {
        let record_route = rows.iter().any(|r| r.cell("allocated").is_some());
        if !record_route {
            continue;
        }
        for r in rows {
            let at = |rec: &str| r.cell(rec).unwrap_or("?").to_string();
            let route = format!("{method} {path} as {}", r.actor);
            if r.actor != "list_user" && at("restricted") != at("unknown") {
                out.push(format!("{route}: the restricted child answers {} but an unknown id {}: off the list, they must look the same", at("restricted"), at("unknown")));
            }
            if at("unknown") == "ok" && !audit_route(&path) {
                out.push(format!("{route}: an unknown id answers ok"));
            }
            // Breaking the glass again is how an expired grant is renewed.
            let renews = path == "/break-glass";
            if r.actor == "glass_expired" && !renews && r.cells.iter().any(|(_, o)| o == "ok") {
                out.push(format!("{route}: an expired break-glass grant still opens a record ({})", r.cells.iter().map(|(k, o)| format!("{k}={o}")).collect::<Vec<_>>().join(" ")));
            }
            let exempt = r.actor == "auditor" && audit_route(&path);
            if ["administrator", "auditor"].contains(&r.actor.as_str()) && !exempt && r.cells.iter().any(|(_, o)| o == "ok") {
                out.push(format!("{route}: an {} opens a record", r.actor));
            }
        }
    }
    let actors: HashSet<&str> = rows.iter().map(|r| r.actor.as_str()).collect();
    assert!(rows.is_empty() || actors.len() == ACTORS.len(), "every actor is asked");
    out
}
