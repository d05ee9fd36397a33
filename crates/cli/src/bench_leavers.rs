//! `hearth bench`'s care leaver measurements: the status of 10,000 young people recomputed
//! from their care histories (issue 18: under 1 s), and the care leavers' dashboard, which
//! recomputes every status from the database on each request (p95 under 50 ms).
use crate::bench::{se, timed, Stats};
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use hearth_app::{Actor, App};
use hearth_domain::care::leaving::{birthday, status_on, LeavingFacts, Spell, Status};
use std::time::Instant;
use time::Duration;

/// Young people in the status benchmark.
const YOUNG_PEOPLE: usize = 10_000;

/// `n` care histories: born 14 to 25 years before `today`, one to four spells from the age of
/// 12 (some of them short breaks, some ending with a return home), a few in custody at 16.
fn histories(n: usize, today: time::Date) -> Vec<LeavingFacts> {
    // A small deterministic generator: the same histories every run.
    let mut state: u64 = 0x18_2026_1207;
    let mut next = move |lo: i64, hi: i64| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        lo + (state % ((hi - lo + 1) as u64)) as i64
    };
    (0..n)
        .map(|_| {
            let born = today - Duration::days(next(14 * 365, 25 * 365));
            let mut day = birthday(born, 12) + Duration::days(next(0, 900));
            let mut spells = Vec::new();
            for _ in 0..next(1, 4) {
                if day >= today {
                    break;
                }
                let short_break = next(0, 9) == 0;
                let len = if short_break { next(1, 10) } else { next(20, 900) };
                let to = day + Duration::days(len);
                spells.push(Spell { from: day, to: (to < today).then_some(to), short_break, returned_home: next(0, 3) == 0 });
                day = to + Duration::days(next(30, 400));
            }
            LeavingFacts { born: Some(born), spells, in_education: next(0, 2) == 0, detained_at_16: next(0, 50) == 0 }
        })
        .collect()
}

pub async fn run(app: &App, router: &axum::Router, cookie: &str, actor: &Actor, samples: usize) -> Result<String, String> {
    use std::fmt::Write;
    let today = app.today();
    let facts = histories(YOUNG_PEOPLE, today);
    let started = Instant::now();
    let mut counts = [0usize; 5];
    for f in &facts {
        let s = status_on(f, today).map_err(se)?.status;
        counts[s as usize] += 1;
    }
    let statuses = started.elapsed();
    let shown = app.care_leavers_dashboard(actor).await.map_err(se)?;
    let mut stats = Stats { name: "Care leavers dashboard (GET /care-leavers)", times: Vec::new() };
    for _ in 0..samples.max(20) {
        let req = Request::get("/care-leavers").header(header::COOKIE, cookie).body(Body::empty()).map_err(se)?;
        stats.times.push(timed(router, req, StatusCode::OK).await?);
    }
    let mut out = format!(
        "\nCare leavers: {} statuses recomputed from generated care histories in {:.1} ms ({} eligible, {} relevant, {} former relevant, {} qualifying, {} none); the dashboard lists {} young people, every status recomputed from the database on each request:\n",
        YOUNG_PEOPLE,
        statuses.as_secs_f64() * 1000.0,
        counts[Status::Eligible as usize],
        counts[Status::Relevant as usize],
        counts[Status::FormerRelevant as usize],
        counts[Status::Qualifying as usize],
        counts[Status::None as usize],
        shown.dashboard.leavers.len(),
    );
    let _ = writeln!(out, "\n| measurement | p50 ms | p95 ms | p99 ms | max ms |");
    let _ = writeln!(out, "|---|---:|---:|---:|---:|");
    let _ = writeln!(out, "| {} | {:.2} | {:.2} | {:.2} | {:.2} |\n", stats.name, stats.pct(0.5), stats.pct(0.95), stats.pct(0.99), stats.pct(1.0));
    Ok(out)
}
