//! The table: outcome classes, the rows of `access_matrix.expected`, comparing with what
//! was observed (a readable diff) and blessing (rewriting the file from what was observed).
use axum::http::StatusCode;
use std::collections::{BTreeMap, HashMap};
use std::io::{Read, Seek, Write};
use std::path::PathBuf;

/// The class of an answer: `ok` (2xx, or a 303 anywhere but sign-in or the second
/// factor), `redirect:sign-in`, `redirect:mfa`, or the status code itself (`401`, `403`,
/// `404`, `409`, `422`…). A 5xx never is one: it fails the test whatever the file says.
pub fn outcome(status: StatusCode, location: &str) -> String {
    if status.is_redirection() {
        if location.starts_with("/sign-in") {
            "redirect:sign-in".into()
        } else if location.starts_with("/mfa") {
            "redirect:mfa".into()
        } else {
            "ok".into()
        }
    } else if status.is_success() {
        "ok".into()
    } else {
        status.as_u16().to_string()
    }
}

/// One row: a route asked by one actor, the outcome on each record (or `-`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Row {
    pub method: String,
    pub path: String,
    pub actor: String,
    pub cells: Vec<(String, String)>,
}

impl Row {
    pub fn key(&self) -> (String, String, String) {
        (self.method.clone(), self.path.clone(), self.actor.clone())
    }

    pub fn cell(&self, record: &str) -> Option<&str> {
        self.cells.iter().find(|(r, _)| r == record).map(|(_, o)| o.as_str())
    }

    fn cells_text(&self) -> String {
        self.cells.iter().map(|(r, o)| format!("{r}={o}")).collect::<Vec<_>>().join(" ")
    }

    pub fn line(&self) -> String {
        format!("{:<4} {:<44} | {:<16} | {}", self.method, self.path, self.actor, self.cells_text())
    }

    /// Reads a line of the file; `None` for comments and blank lines.
    pub fn parse(line: &str) -> Option<Result<Row, String>> {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            return None;
        }
        let parts: Vec<&str> = line.split('|').map(str::trim).collect();
        let [route, actor, cells] = parts[..] else { return Some(Err(format!("not `METHOD PATH | actor | cells`: {line}"))) };
        let Some((method, path)) = route.split_once(char::is_whitespace) else { return Some(Err(format!("no method and path: {line}"))) };
        let mut parsed = Vec::new();
        for c in cells.split_whitespace() {
            let Some((r, o)) = c.split_once('=') else { return Some(Err(format!("a cell is `record=outcome`: {line}"))) };
            parsed.push((r.to_string(), o.to_string()));
        }
        Some(Ok(Row { method: method.to_string(), path: path.trim().to_string(), actor: actor.to_string(), cells: parsed }))
    }
}

pub fn expected_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/access_matrix.expected")
}

pub fn blessing() -> bool {
    std::env::var("HEARTH_BLESS").is_ok_and(|v| v == "1")
}

/// The rows of the file (empty when there is none yet).
pub fn read_expected() -> Result<Vec<Row>, String> {
    let text = match std::fs::read_to_string(expected_path()) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(format!("{}: {e}", expected_path().display())),
    };
    parse_all(&text)
}

fn parse_all(text: &str) -> Result<Vec<Row>, String> {
    text.lines().filter_map(Row::parse).collect()
}

/// Compares the observed rows of some routes with the file: a readable diff of every
/// difference, each naming the route; empty when they agree.
pub fn compare(observed: &[Row], expected: &[Row]) -> Vec<String> {
    let by_key: HashMap<_, _> = expected.iter().map(|r| (r.key(), r)).collect();
    let mut out = Vec::new();
    let mut routes_without_rows: Vec<String> = Vec::new();
    for o in observed {
        match by_key.get(&o.key()) {
            None if !expected.iter().any(|e| e.method == o.method && e.path == o.path) => {
                let route = format!("{} {}", o.method, o.path);
                if !routes_without_rows.contains(&route) {
                    routes_without_rows.push(route);
                }
            }
            None => out.push(format!("no row for {} {} as {} in the file\n  + {}", o.method, o.path, o.actor, o.line())),
            Some(e) if e.cells != o.cells => out.push(format!("{} {} as {}:\n  - {}\n  + {}", o.method, o.path, o.actor, e.line(), o.line())),
            Some(_) => {}
        }
    }
    for route in routes_without_rows {
        out.insert(0, format!("the route {route} is in the route table but has no rows in access_matrix.expected: decide what each actor should get, then bless (HEARTH_BLESS=1)"));
    }
    out
}

/// Rewrites the file with `observed` in place of the rows of `routes` (and without the rows
/// of routes the table no longer has), under a lock: the matrix's tests bless in parallel.
pub fn bless(observed: &[Row], routes: &[(String, String)], table: &[(String, String)], actors: &[&str]) {
    let path = expected_path();
    let mut file = std::fs::OpenOptions::new().read(true).write(true).create(true).truncate(false).open(&path).expect("open the expected file");
    file.lock().expect("lock the expected file");
    let mut text = String::new();
    file.read_to_string(&mut text).expect("read the expected file");
    let kept = parse_all(&text).unwrap_or_default();
    let mut rows: Vec<Row> = kept
        .into_iter()
        .filter(|r| {
            let route = (r.method.clone(), r.path.clone());
            table.contains(&route) && !routes.contains(&route)
        })
        .collect();
    rows.extend(observed.iter().cloned());
    let order: HashMap<(String, String), usize> = table.iter().enumerate().map(|(i, r)| (r.clone(), i)).collect();
    let actor_order: HashMap<&str, usize> = actors.iter().enumerate().map(|(i, a)| (*a, i)).collect();
    rows.sort_by_key(|r| (order.get(&(r.method.clone(), r.path.clone())).copied(), actor_order.get(r.actor.as_str()).copied()));
    let mut out = String::from(HEADER);
    let mut last = None;
    for r in &rows {
        let route = (r.method.clone(), r.path.clone());
        if last.as_ref() != Some(&route) {
            out.push('\n');
            last = Some(route);
        }
        out.push_str(&r.line());
        out.push('\n');
    }
    file.set_len(0).expect("truncate the expected file");
    file.rewind().expect("rewind the expected file");
    file.write_all(out.as_bytes()).expect("write the expected file");
    file.unlock().expect("unlock the expected file");
}

/// The rows grouped by route, for the checks across actors and records.
pub fn by_route(rows: &[Row]) -> BTreeMap<(String, String), Vec<&Row>> {
    let mut m: BTreeMap<(String, String), Vec<&Row>> = BTreeMap::new();
    for r in rows {
        m.entry((r.method.clone(), r.path.clone())).or_default().push(r);
    }
    m
}

const HEADER: &str = "\
# Hearth's access-control matrix: what every route answers to every actor, on each record.
# Written by crates/web/tests/access_matrix.rs with HEARTH_BLESS=1, compared by it otherwise;
# read docs/TESTING.md (\"The access-control matrix\") before blessing a change.
#
# METHOD PATH | actor | record=outcome ...
#
# Records: allocated (a child of Team A, allocated to worker_team), other (a child of Team B,
# allocated to worker_other), restricted (a Team A child allocated to worker_team, restricted
# to list_user alone), unknown (ids that name nothing). `-`: the route is about no record.
# Actors: worker_team and team_manager (Team A; the manager manages the worker),
# worker_other (Team B), service_manager (manages team_manager), business_support (Team A),
# reviewing_officer (an IRO, in no team), auditor, administrator (signed in with their second factor), list_user (a Team C social
# worker on the restricted child's access list), break_glass (Team C, an active break-glass
# grant on the allocated child), glass_expired (Team C, an expired grant on it),
# anonymous (not signed in; no API token).
# Pages are asked with the actor's session cookie and CSRF token, the API with their bearer
# token (the auditor's and the administrator's are stored directly: the app gives them none).
# Outcomes: ok (2xx, or a 303 anywhere but sign-in or the second factor), redirect:sign-in,
# redirect:mfa, or the status code (401, 403, 404, 409, 422...).
";
