//! `hearth bench`, issue 15: latency under concurrent load, not one request at a time.
//!
//! Closed loop: `clients` users each ask for a page, wait for the answer and ask again, for
//! `seconds`; the record page (a different child each time) and the child protection
//! dashboard are measured this way — it shows how many a second the machine can answer, and
//! the queue that forms when everyone asks at once without pause. Open loop: requests sent
//! at fixed rates whatever the answers do, spread over two instances of Hearth on
//! PostgreSQL — two apps with their own connection pools on one database, as two servers
//! would be — so that queueing shows in the latency (each is timed from when it was due, not
//! from when it was sent): audited writes alone, then record pages, dashboards and writes
//! all at once, a busy authority's peak.
use crate::bench::{se, Stats};
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use hearth_domain::person::PersonSummary;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tower::ServiceExt;

/// How hard to push.
#[derive(Clone, Copy, Debug)]
pub struct LoadOptions {
    /// Users asking at once in the closed-loop scenarios.
    pub clients: usize,
    /// How long each scenario runs.
    pub seconds: u64,
    /// Audited writes a second in the open-loop scenarios.
    pub write_rate: u32,
    /// Record pages a second in the mixed open-loop scenario (the dashboard at a tenth).
    pub read_rate: u32,
}

/// One user's session: its cookie and the CSRF token of its forms.
#[derive(Clone)]
pub struct Session {
    pub cookie: String,
    pub csrf: String,
}

/// The closed-loop latencies and how many requests a second were answered.
struct Loaded {
    stats: Stats,
    per_second: f64,
}

/// `clients` tasks asking `request(i)` in turn until the time is up.
async fn closed_loop<F>(router: &axum::Router, name: &'static str, opts: LoadOptions, request: F) -> Result<Loaded, String>
where
    F: Fn(usize) -> Result<Request<Body>, String> + Send + Sync + 'static,
{
    let request = Arc::new(request);
    let deadline = Instant::now() + Duration::from_secs(opts.seconds);
    let mut tasks = Vec::new();
    for c in 0..opts.clients {
        let (router, request) = (router.clone(), request.clone());
        tasks.push(tokio::spawn(async move {
            let mut times = Vec::new();
            let mut i = c;
            while Instant::now() < deadline {
                let req = request(i)?;
                times.push(timed(&router, req).await?);
                i += opts.clients;
            }
            Ok::<_, String>(times)
        }));
    }
    let mut stats = Stats { name, times: Vec::new() };
    for t in tasks {
        stats.times.extend(t.await.map_err(se)??);
    }
    let per_second = stats.times.len() as f64 / opts.seconds as f64;
    Ok(Loaded { stats, per_second })
}

async fn timed(router: &axum::Router, req: Request<Body>) -> Result<Duration, String> {
    let start = Instant::now();
    let res = router.clone().oneshot(req).await.map_err(se)?;
    let status = res.status();
    let _ = axum::body::to_bytes(res.into_body(), usize::MAX).await.map_err(se)?;
    if !(status == StatusCode::OK || status == StatusCode::SEE_OTHER) {
        return Err(format!("a request under load answered {status}"));
    }
    Ok(start.elapsed())
}

/// The form of a case note written five minutes before `now` (a fixed earlier time would be
/// in the future just after midnight, and refused), as the note form posts it.
pub(crate) fn note_body(csrf: &str, text: &str, now: time::OffsetDateTime) -> Result<String, String> {
    let occurred = hearth_app::local_time::uk_local(now - time::Duration::minutes(5));
    let (day, at) = (occurred.date(), format!("{:02}:{:02}", occurred.hour(), occurred.minute()));
    serde_urlencoded::to_string([
        ("csrf_token", csrf),
        ("occurred-day", &day.day().to_string()),
        ("occurred-month", &(day.month() as u8).to_string()),
        ("occurred-year", &day.year().to_string()),
        ("time", at.as_str()),
        ("note_type", "phone_call"),
        ("child_seen", "no"),
        ("text", text),
    ])
    .map_err(se)
}

/// `request(i)` sent at `rate` a second for `seconds` whatever the answers do, alternately
/// to each router; each timed from when it was due, so queueing shows.
async fn open_loop<F>(routers: &[axum::Router], name: &'static str, rate: f64, seconds: u64, expect: StatusCode, request: F) -> Result<Stats, String>
where
    F: Fn(usize) -> Result<Request<Body>, String>,
{
    let interval = Duration::from_secs_f64(1.0 / rate.max(0.1));
    let start = tokio::time::Instant::now();
    let total = (rate * seconds as f64).round() as usize;
    let mut tasks = Vec::with_capacity(total);
    for i in 0..total {
        let due = start + interval * u32::try_from(i).unwrap_or(u32::MAX);
        tokio::time::sleep_until(due).await;
        let router = routers[i % routers.len()].clone();
        let req = request(i)?;
        tasks.push(tokio::spawn(async move {
            let res = router.oneshot(req).await.map_err(se)?;
            let status = res.status();
            let _ = axum::body::to_bytes(res.into_body(), usize::MAX).await.map_err(se)?;
            if status != expect {
                return Err(format!("a request under load answered {status}"));
            }
            Ok::<_, String>(tokio::time::Instant::now() - due)
        }));
    }
    let mut stats = Stats { name, times: Vec::new() };
    for t in tasks {
        stats.times.push(t.await.map_err(se)??);
    }
    Ok(stats)
}

/// Case notes at `rate` a second, each about another child.
async fn open_loop_writes(routers: &[axum::Router], session: &Session, children: &[PersonSummary], rate: f64, seconds: u64) -> Result<Stats, String> {
    let body = note_body(&session.csrf, "Load test: phone call with the school about attendance this week.", time::OffsetDateTime::now_utc())?;
    open_loop(routers, "Add a case note (POST /people/{id}/notes/new)", rate, seconds, StatusCode::SEE_OTHER, |i| {
        let child = &children[(i * 7919) % children.len()];
        Request::post(format!("/people/{}/notes/new", child.id))
            .header(header::COOKIE, &session.cookie)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(body.clone()))
            .map_err(se)
    })
    .await
}

fn table(out: &mut String, rows: &[&Stats]) {
    use std::fmt::Write;
    let _ = writeln!(out, "| measurement | p50 ms | p95 ms | p99 ms | max ms |");
    let _ = writeln!(out, "|---|---:|---:|---:|---:|");
    for s in rows {
        let _ = writeln!(out, "| {} | {:.2} | {:.2} | {:.2} | {:.2} |", s.name, s.pct(0.5), s.pct(0.95), s.pct(0.99), s.pct(1.0));
    }
}

/// The scenarios under load, as a report section. `routers`: one router per instance (the
/// first is used for the closed-loop reads); `manager`: the work-tray team's manager, for
/// the dashboard, when the LA has that team.
pub async fn run(routers: &[axum::Router], reader: &Session, manager: Option<&Session>, children: &[PersonSummary], opts: LoadOptions) -> Result<String, String> {
    use std::fmt::Write;
    let mut out = String::new();
    let router = routers.first().ok_or("no router")?;
    let kids: Arc<Vec<PersonSummary>> = Arc::new(children.to_vec());
    let cookie = reader.cookie.clone();
    let record = closed_loop(router, "Child record page (GET /people/{id})", opts, move |i| {
        let p = &kids[(i * 7919) % kids.len()];
        Request::get(format!("/people/{}", p.id)).header(header::COOKIE, &cookie).body(Body::empty()).map_err(se)
    })
    .await?;
    let mut rows = vec![record];
    if let Some(m) = manager {
        let cookie = m.cookie.clone();
        rows.push(closed_loop(router, "Child protection dashboard (GET /child-protection)", opts, move |_| Request::get("/child-protection").header(header::COOKIE, &cookie).body(Body::empty()).map_err(se)).await?);
    }
    let _ = writeln!(out, "\nUnder load: {} users asking at once, each as soon as the last answer came, for {} s (in-process, server time).\n", opts.clients, opts.seconds);
    let _ = writeln!(out, "| measurement | answered/s | p50 ms | p95 ms | p99 ms | max ms |");
    let _ = writeln!(out, "|---|---:|---:|---:|---:|---:|");
    for r in &rows {
        let s = &r.stats;
        let _ = writeln!(out, "| {} | {:.0} | {:.2} | {:.2} | {:.2} | {:.2} |", s.name, r.per_second, s.pct(0.5), s.pct(0.95), s.pct(0.99), s.pct(1.0));
    }
    let plural = if routers.len() == 1 { "" } else { "s" };
    let writes = open_loop_writes(routers, reader, children, f64::from(opts.write_rate), opts.seconds).await?;
    let _ = writeln!(out, "\nAudited writes at {} a second for {} s over {} instance{plural} (each timed from when it was due):\n", opts.write_rate, opts.seconds, routers.len());
    table(&mut out, &[&writes]);

    // A working day's peak, all at once: every kind of request arriving at its own rate,
    // whatever the answers do.
    let kids: &[PersonSummary] = children;
    let reads = f64::from(opts.read_rate);
    let record = open_loop(routers, "Child record page (GET /people/{id})", reads, opts.seconds, StatusCode::OK, |i| {
        let p = &kids[(i * 104_729) % kids.len()];
        Request::get(format!("/people/{}", p.id)).header(header::COOKIE, &reader.cookie).body(Body::empty()).map_err(se)
    });
    let dashboard = async {
        match manager {
            Some(m) => open_loop(routers, "Child protection dashboard (GET /child-protection)", reads / 10.0, opts.seconds, StatusCode::OK, |_| {
                Request::get("/child-protection").header(header::COOKIE, &m.cookie).body(Body::empty()).map_err(se)
            })
            .await
            .map(Some),
            None => Ok(None),
        }
    };
    let notes = open_loop_writes(routers, reader, children, f64::from(opts.write_rate), opts.seconds);
    let (record, dashboard, notes) = tokio::join!(record, dashboard, notes);
    let (record, dashboard, notes) = (record?, dashboard?, notes?);
    let _ = writeln!(
        out,
        "\nAll at once for {} s over {} instance{plural}, each request timed from when it was due: record pages at {} a second, the dashboard at {} a second, case notes at {} a second:\n",
        opts.seconds,
        routers.len(),
        opts.read_rate,
        reads / 10.0,
        opts.write_rate
    );
    let mut rows = vec![&record];
    rows.extend(dashboard.as_ref());
    rows.push(&notes);
    table(&mut out, &rows);
    Ok(out)
}
