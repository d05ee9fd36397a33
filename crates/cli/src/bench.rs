//! `hearth bench`: server-time latency of the pages that matter most, measured in-process
//! through the real router (session, CSRF, authorisation, audit and all) on a generated LA.
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use hearth_app::App;
use hearth_domain::person::PersonSummary;
use std::time::{Duration, Instant};
use tower::ServiceExt;

pub struct BenchOptions {
    pub children: usize,
    pub notes_per_child: usize,
    pub seed: u64,
    pub samples: usize,
}

struct Stats {
    name: &'static str,
    times: Vec<Duration>,
}

impl Stats {
    fn pct(&self, p: f64) -> f64 {
        let mut t = self.times.clone();
        t.sort();
        let i = ((t.len() as f64 - 1.0) * p).round() as usize;
        t.get(i).map(|d| d.as_secs_f64() * 1000.0).unwrap_or(0.0)
    }
}

async fn timed(router: &axum::Router, req: Request<Body>, expect: StatusCode) -> Result<Duration, String> {
    let start = Instant::now();
    let res = router.clone().oneshot(req).await.map_err(|e| e.to_string())?;
    let status = res.status();
    // The body is part of the work: render it fully.
    let _ = axum::body::to_bytes(res.into_body(), usize::MAX).await.map_err(|e| e.to_string())?;
    let took = start.elapsed();
    if status != expect {
        return Err(format!("expected {expect}, got {status}"));
    }
    Ok(took)
}

/// Runs the benchmark against `app`, generating data first when the store is empty.
pub async fn run(app: App, web: hearth_web::WebConfig, opts: BenchOptions) -> Result<String, String> {
    use std::fmt::Write;
    let mut report = String::new();
    let store = app.store.clone();
    if !hearth_testkit::is_populated(store.as_ref()).await.map_err(|e| e.to_string())? {
        eprintln!("Generating {} children with ~{} case notes each…", opts.children, opts.notes_per_child);
        let s = hearth_testkit::generate(store.as_ref(), &hearth_testkit::DemoOptions { children: opts.children, seed: opts.seed, notes_per_child: opts.notes_per_child })
            .await
            .map_err(|e| e.to_string())?;
        let _ = writeln!(report, "Data set: {} people ({} children), {} case notes, {} relationships; generated in {:.1} s.", s.people, s.children, s.case_notes, s.relationships, s.elapsed.as_secs_f64());
    } else {
        let _ = writeln!(report, "Data set: existing database.");
    }
    let _ = writeln!(report, "Backend: {}.", store.backend());
    // A service manager sees every unrestricted record: the widest search scope.
    let signed = app.sign_in("sian.service", hearth_testkit::DEMO_PASSWORD).await.map_err(|e| format!("cannot sign in as sian.service: {e}"))?;
    let cookie = format!("hearth_session={}", signed.token);
    let csrf = signed.session.csrf_token.clone();
    let actor = match app.session(&signed.token).await.map_err(|e| e.to_string())? {
        hearth_app::auth::SessionState::Active { actor, .. } => actor,
        _ => return Err("the benchmark user's session is not active".into()),
    };
    let router = hearth_web::router(app.clone(), web);

    // Children to open: found the way a user would, by searching.
    let mut people: Vec<PersonSummary> = Vec::new();
    for prefix in ["a", "b", "c", "d", "e", "h", "j", "k", "l", "m", "n", "o", "p", "r", "s", "t", "w"] {
        let found = app.search(&actor, prefix, 100).await.map_err(|e| e.to_string())?;
        people.extend(found);
    }
    people.retain(|p| p.kind == hearth_domain::person::PersonKind::Child);
    people.dedup_by_key(|p| p.id);
    if people.is_empty() {
        return Err("the data set has no children to open".into());
    }
    let pick = |i: usize| &people[(i * 7919) % people.len()];

    let mut record = Stats { name: "Child record page (GET /people/{id})", times: Vec::new() };
    let mut search = Stats { name: "Search (GET /search?q=…, mixed queries)", times: Vec::new() };
    let mut add_note = Stats { name: "Add a case note (POST /people/{id}/notes/new)", times: Vec::new() };
    let today = hearth_app::local_time::uk_local(app.now()).date();
    for i in 0..opts.samples {
        let p = pick(i);
        let req = Request::get(format!("/people/{}", p.id)).header(header::COOKIE, &cookie).body(Body::empty()).map_err(|e| e.to_string())?;
        record.times.push(timed(&router, req, StatusCode::OK).await?);

        let q = match i % 4 {
            0 => p.family_name.clone(),
            1 => p.family_name.chars().take(3).collect(),
            // A typo: the family name with one letter dropped.
            2 => {
                let mut c: Vec<char> = p.family_name.chars().collect();
                if c.len() > 4 {
                    c.remove(2);
                }
                c.into_iter().collect()
            }
            _ => format!("{} {}", p.given_name, p.date_of_birth.map(|d| format!("{:02}/{:02}/{}", d.day(), d.month() as u8, d.year())).unwrap_or_default()),
        };
        let url = format!("/search?q={}", hearth_web::urlencode(&q));
        let req = Request::get(url).header(header::COOKIE, &cookie).body(Body::empty()).map_err(|e| e.to_string())?;
        search.times.push(timed(&router, req, StatusCode::OK).await?);

        let body = serde_urlencoded::to_string([
            ("csrf_token", csrf.as_str()),
            ("occurred-day", &today.day().to_string()),
            ("occurred-month", &(today.month() as u8).to_string()),
            ("occurred-year", &today.year().to_string()),
            ("time", "00:05"),
            ("note_type", "phone_call"),
            ("child_seen", "no"),
            ("text", "Benchmark note: phone call with the school about attendance this week."),
        ])
        .map_err(|e| e.to_string())?;
        let req = Request::post(format!("/people/{}/notes/new", p.id))
            .header(header::COOKIE, &cookie)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(body))
            .map_err(|e| e.to_string())?;
        add_note.times.push(timed(&router, req, StatusCode::SEE_OTHER).await?);
    }
    let _ = writeln!(report, "Samples: {} of each, sequential, in-process (server time only).\n", opts.samples);
    let _ = writeln!(report, "| measurement | p50 ms | p95 ms | p99 ms | max ms |");
    let _ = writeln!(report, "|---|---:|---:|---:|---:|");
    for s in [&record, &search, &add_note] {
        let _ = writeln!(report, "| {} | {:.2} | {:.2} | {:.2} | {:.2} |", s.name, s.pct(0.5), s.pct(0.95), s.pct(0.99), s.pct(1.0));
    }
    Ok(report)
}
