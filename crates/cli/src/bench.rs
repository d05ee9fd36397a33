//! `hearth bench`: server-time latency of the pages that matter most, measured in-process
//! through the real router (session, CSRF, authorisation, audit and all) on a generated LA.
//!
//! Three scenarios: a service manager opening records, searching and adding case notes
//! (issue 3); the work trays (issue 4) of a team manager over 25 social workers with 25
//! children each, every child with its front-door history, and of those workers; and that
//! manager's child protection dashboard over 500 open plans (issue 5, `bench_cp`).
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use hearth_app::{Actor, App, NewUser};
use hearth_domain::audit::{AuditDraft, Outcome};
use hearth_domain::front_door::allocation::{Allocation, CaseAllocations};
use hearth_domain::front_door::tasks::{TaskKind, TeamCounts};
use hearth_domain::front_door::AllocationId;
use hearth_domain::person::PersonSummary;
use hearth_domain::user::{Role, UserRecord};
use hearth_domain::{PersonId, TeamId, UserId};
use hearth_store::{TaskQuery, Tx};
use std::time::{Duration, Instant};
use tower::ServiceExt;

pub struct BenchOptions {
    pub children: usize,
    pub notes_per_child: usize,
    pub seed: u64,
    pub samples: usize,
    /// The scenarios under concurrent load, when given.
    pub load: Option<crate::bench_load::LoadOptions>,
}

pub(crate) struct Stats {
    pub(crate) name: &'static str,
    pub(crate) times: Vec<Duration>,
}

impl Stats {
    pub(crate) fn pct(&self, p: f64) -> f64 {
        let mut t = self.times.clone();
        t.sort();
        let i = ((t.len() as f64 - 1.0) * p).round() as usize;
        t.get(i).map(|d| d.as_secs_f64() * 1000.0).unwrap_or(0.0)
    }
}

pub(crate) async fn timed(router: &axum::Router, req: Request<Body>, expect: StatusCode) -> Result<Duration, String> {
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
/// `second`: another instance on the same database (its own pools), for the writes under
/// load.
pub async fn run(app: App, second: Option<App>, web: hearth_web::WebConfig, opts: BenchOptions) -> Result<String, String> {
    use std::fmt::Write;
    let mut report = String::new();
    let store = app.store.clone();
    if !hearth_testkit::is_populated(store.as_ref()).await.map_err(|e| e.to_string())? {
        eprintln!("Generating {} children with ~{} case notes each…", opts.children, opts.notes_per_child);
        let s = hearth_testkit::generate(
            store.as_ref(),
            &hearth_testkit::DemoOptions { children: opts.children, seed: opts.seed, notes_per_child: opts.notes_per_child, ..Default::default() },
        )
        .await
        .map_err(|e| e.to_string())?;
        let f = &s.front_door;
        let _ = writeln!(report, "Data set: {} people ({} children), {} case notes, {} relationships; generated in {:.1} s.", s.people, s.children, s.case_notes, s.relationships, s.elapsed.as_secs_f64());
        let _ = writeln!(
            report,
            "Front door: {} contacts, {} referrals, {} assessments ({} authorised, {} submitted, {} returned, {} in progress), {} tasks ({} open).",
            f.contacts,
            f.referrals,
            f.assessments(),
            f.authorised,
            f.submitted,
            f.returned,
            f.drafts,
            f.open_tasks + f.done_tasks,
            f.open_tasks
        );
    } else {
        let _ = writeln!(report, "Data set: existing database.");
    }
    let _ = writeln!(report, "Backend: {}.", store.backend());
    // A service manager sees every unrestricted record: the widest search scope.
    let signed = app.sign_in("sian.service", hearth_testkit::DEMO_PASSWORD).await.map_err(|e| format!("cannot sign in as sian.service: {e}"))?;
    let cookie = format!("{}={}", hearth_web::session_cookie(true), signed.token);
    let csrf = signed.session.csrf_token.clone();
    let actor = active(app.session(&signed.token).await.map_err(se)?)?;
    // The benchmark's requests carry the cookie the way a browser over HTTPS does.
    let web = hearth_web::WebConfig { secure_cookies: true, ..web };
    let router = hearth_web::router(app.clone(), web.clone());

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

        let body = crate::bench_load::note_body(&csrf, "Benchmark note: phone call with the school about attendance this week.", app.now())?;
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
    let _ = writeln!(report);
    report.push_str(&work_trays(&app, &router, &actor, opts.samples).await?);
    report.push_str(&census_page(&app, &router, opts.samples).await?);
    report.push_str(&crate::bench_cp::dashboard(&app, &router, &actor, opts.samples).await?);
    report.push_str(&care_dashboard(&app, &router, &cookie, &actor, opts.samples).await?);
    report.push_str(&crate::bench_leavers::run(&app, &router, &cookie, &actor, opts.samples).await?);
    if let Some(load) = opts.load {
        let mut routers = vec![router.clone()];
        routers.extend(second.map(|b| hearth_web::router(b, web.clone())));
        let reader = crate::bench_load::Session { cookie: cookie.clone(), csrf: csrf.clone() };
        let manager = match arrange_team(&app, &actor).await? {
            Some(t) => Some(crate::bench_load::Session { cookie: signed_in(&app, &t.manager.username).await?.0, csrf: String::new() }),
            None => None,
        };
        report.push_str(&crate::bench_load::run(&routers, &reader, manager.as_ref(), &people, load).await?);
    }
    Ok(report)
}

fn active(s: hearth_app::auth::SessionState) -> Result<Actor, String> {
    match s {
        hearth_app::auth::SessionState::Active { actor, .. } => Ok(actor),
        _ => Err("the benchmark user's session is not active".into()),
    }
}

/// Signs a demo user in: their session cookie and who they are.
pub(crate) async fn signed_in(app: &App, username: &str) -> Result<(String, Actor), String> {
    let signed = app.sign_in(username, hearth_testkit::DEMO_PASSWORD).await.map_err(|e| format!("cannot sign in as {username}: {e}"))?;
    let actor = active(app.session(&signed.token).await.map_err(se)?)?;
    Ok((format!("{}={}", hearth_web::session_cookie(true), signed.token), actor))
}

/// The work-tray team of issue 4: a team manager over this many social workers…
const TEAM_WORKERS: usize = 25;
/// …each holding this many children.
const TEAM_CASELOAD: usize = 25;
const TEAM_NAME: &str = "Assessment Team 2 (benchmark)";
const TEAM_MANAGER: &str = "wren.benchmark";

/// The tasks of a referral, which follow the case to its new team and worker.
const REFERRAL_TASKS: [TaskKind; 5] = [TaskKind::ReferralResponse, TaskKind::ChildSeen, TaskKind::InitialAssessment, TaskKind::CoreAssessment, TaskKind::SingleAssessment];

/// The team the work-tray scenario measures.
pub(crate) struct TrayTeam {
    pub(crate) manager: UserRecord,
    /// The social workers, by username.
    pub(crate) workers: Vec<UserRecord>,
    pub(crate) team: TeamId,
}

pub(crate) fn se(e: impl std::fmt::Display) -> String {
    e.to_string()
}

/// Makes the work-tray team in the generated LA, or finds it when an earlier run made it:
/// a new team and team manager, 25 social workers of the front-door team moved into it
/// (the demo's sam.worker stays with tara.manager), and their cases — their own and, to make
/// 25 each, unrestricted cases of other front-door workers — transferred to it the way the
/// app transfers a case: the allocation history kept (the made-up first allocation stored,
/// then ended yesterday), and the open referral tasks following the case to its worker, the
/// open authorisation tasks to the new manager. Every child keeps its generated front-door
/// history.
/// `None` when the LA is too small to make such a team.
pub(crate) async fn arrange_team(app: &App, by: &Actor) -> Result<Option<TrayTeam>, String> {
    let store = app.store.clone();
    let mut tx = store.begin().await.map_err(se)?;
    let users = tx.users().await.map_err(se)?;
    tx.commit().await.map_err(se)?;
    if let Some(m) = users.iter().find(|u| u.username == TEAM_MANAGER) {
        let mut workers: Vec<UserRecord> = users.iter().filter(|u| u.manager == Some(m.id) && u.role == Role::SocialWorker).cloned().collect();
        workers.sort_by(|a, b| a.username.cmp(&b.username));
        let team = m.team.ok_or("the benchmark manager has no team")?;
        return Ok(Some(TrayTeam { manager: m.clone(), workers, team }));
    }
    let front_team = users.iter().find(|u| u.username == "tara.manager").and_then(|u| u.team);
    // Workers of the front-door team first (their work is the front door's), in the order
    // they were generated (ids are time-ordered).
    let mut candidates: Vec<&UserRecord> = users.iter().filter(|u| u.role == Role::SocialWorker && u.active && u.username != "sam.worker").collect();
    candidates.sort_by_key(|u| (u.team != front_team || u.team.is_none(), u.id));
    // 25 workers, and others to take 5 cases each from (20 each, a few restricted).
    if candidates.len() < TEAM_WORKERS + 8 {
        return Ok(None);
    }
    let team = app.add_team(None, TEAM_NAME).await.map_err(se)?;
    let manager = app
        .add_user(
            NewUser {
                username: TEAM_MANAGER.into(),
                display_name: "Wren Benchmark".into(),
                role: Role::TeamManager,
                team: Some(team.id),
                manager: Some(by.user.id),
                password: hearth_testkit::DEMO_PASSWORD.into(),
            },
        )
        .await
        .map_err(se)?;
    let (pod, donors) = candidates.split_at(TEAM_WORKERS);
    let today = hearth_app::local_time::uk_local(app.now()).date();
    let audit = |target: String| AuditDraft {
        at: app.now(),
        actor: Some(by.user.id),
        action: "bench.arrange".into(),
        person: None,
        target: Some(target),
        outcome: Outcome::Allowed,
        reason: Some(format!("work-tray benchmark: {TEAM_WORKERS} workers with {TEAM_CASELOAD} children each")),
    };

    let mut workers = Vec::with_capacity(TEAM_WORKERS);
    let mut donors = donors.iter();
    let mut spare: Vec<PersonSummary> = Vec::new();
    for w in pod {
        let mut tx = store.begin().await.map_err(se)?;
        let mut moved = (*w).clone();
        moved.team = Some(team.id);
        moved.manager = Some(manager.id);
        tx.update_user(&moved).await.map_err(se)?;
        let mut cases = tx.children_of_worker(&worker_scope(w.id), app.now(), 1000).await.map_err(se)?;
        cases.truncate(TEAM_CASELOAD);
        while cases.len() < TEAM_CASELOAD {
            if spare.is_empty() {
                let Some(d) = donors.next() else { return Ok(None) };
                spare = tx.children_of_worker(&worker_scope(d.id), app.now(), 1000).await.map_err(se)?.into_iter().filter(|p| !p.restricted).rev().collect();
                continue;
            }
            cases.extend(spare.pop());
        }
        for c in &cases {
            transfer(tx.as_mut(), c.id, team.id, w.id, manager.id, today, by.user.id).await?;
        }
        tx.append_audit(&audit(format!("{} and {} cases to {TEAM_NAME}", w.username, cases.len()))).await.map_err(se)?;
        tx.commit().await.map_err(se)?;
        workers.push(moved);
    }
    workers.sort_by(|a, b| a.username.cmp(&b.username));
    Ok(Some(TrayTeam { manager, workers, team: team.id }))
}

/// Transfers a child's case to `worker` in `team` from `today`, as the allocation use case
/// does, and moves its open tasks.
async fn transfer(tx: &mut dyn Tx, child: PersonId, team: TeamId, worker: UserId, manager: UserId, today: time::Date, by: UserId) -> Result<(), String> {
    let record = tx.person(child).await.map_err(se)?.ok_or("a child disappeared")?;
    let mut h = CaseAllocations { child, history: tx.allocations_of(child).await.map_err(se)? };
    if h.history.is_empty()
        && let Some(old_team) = record.allocation.team
    {
        let first = Allocation {
            id: AllocationId::new(),
            team: old_team,
            worker: record.allocation.worker,
            from: hearth_app::local_time::uk_local(record.created_at).date(),
            to: None,
            allocated_by: record.created_by,
            reason: Some("Allocated when the record was created".into()),
        };
        tx.allocate(child, None, &first).await.map_err(se)?;
        h.history.push(first);
    }
    let current = h.current().map(|a| a.id);
    let new = h.allocate(team, Some(worker), today, by, Some("Moved to the benchmark team".into())).map_err(se)?.clone();
    let ended = current.and_then(|id| h.history.iter().find(|a| a.id == id)).and_then(|a| a.to.map(|to| (a.id, to)));
    tx.allocate(child, ended, &new).await.map_err(se)?;
    tx.assign_open_tasks(child, &REFERRAL_TASKS, team, Some(worker)).await.map_err(se)?;
    tx.assign_open_tasks(child, &[TaskKind::AssessmentAuthorisation], team, Some(manager)).await.map_err(se)?;
    Ok(())
}

async fn cookie_of(app: &App, username: &str) -> Result<String, String> {
    Ok(signed_in(app, username).await?.0)
}

/// `GET /work/team` as the team's manager and `GET /work` as each of its workers in turn.
async fn work_trays(app: &App, router: &axum::Router, by: &Actor, samples: usize) -> Result<String, String> {
    use std::fmt::Write;
    let mut out = String::new();
    let Some(t) = arrange_team(app, by).await? else {
        let _ = writeln!(out, "Work trays: not measured: a team of {TEAM_WORKERS} workers with {TEAM_CASELOAD} cases each needs at least {} social workers (about 700 children).", TEAM_WORKERS + 8);
        return Ok(out);
    };
    let today = hearth_app::local_time::uk_local(app.now()).date();

    // What the trays hold.
    let mut tx = app.store.begin().await.map_err(se)?;
    let mut members: Vec<UserId> = t.workers.iter().map(|w| w.id).collect();
    members.push(t.manager.id);
    let caseloads = tx.caseloads(&members).await.map_err(se)?;
    let counts = TeamCounts::from_tally(&tx.open_task_tally(&members, &[t.team], today).await.map_err(se)?);
    let all_open = tx.open_tasks(&TaskQuery::all()).await.map_err(se)?.len();
    tx.commit().await.map_err(se)?;
    let c = counts.counts;
    let (open, overdue, awaiting) = (c.overdue + c.due_today + c.due_this_week + c.later, c.overdue, counts.awaiting_authorisation);
    let children: usize = caseloads.iter().map(|(_, n)| *n as usize).sum();
    let _ = writeln!(
        out,
        "Work trays: {} ({}) manages {} social workers holding {} children ({}–{} each); the team's trays hold {} open tasks \
         ({} overdue, {} assessments awaiting authorisation) of {} open in the LA.",
        t.manager.username,
        TEAM_NAME,
        t.workers.len(),
        children,
        caseloads.iter().map(|(_, n)| *n).min().unwrap_or(0),
        caseloads.iter().map(|(_, n)| *n).max().unwrap_or(0),
        open,
        overdue,
        awaiting,
        all_open
    );

    let manager_cookie = cookie_of(app, &t.manager.username).await?;
    let mut worker_cookies = Vec::with_capacity(t.workers.len());
    for w in &t.workers {
        worker_cookies.push(cookie_of(app, &w.username).await?);
    }
    let get = |url: &str, cookie: &str| Request::get(url).header(header::COOKIE, cookie).body(Body::empty()).map_err(se);
    let mut team = Stats { name: "Team work tray, team manager (GET /work/team)", times: Vec::new() };
    let mut mine = Stats { name: "My work, social worker (GET /work)", times: Vec::new() };
    for (url, cookie, stats) in [("/work/team", &manager_cookie, &mut team), ("/work", &worker_cookies[0], &mut mine)] {
        // A page that is not served yet is reported, not timed.
        let res = router.clone().oneshot(get(url, cookie)?).await.map_err(se)?;
        if res.status() != StatusCode::OK {
            let _ = writeln!(out, "{} is not measured: it answered {}.", stats.name, res.status());
            stats.name = "";
        }
    }
    for i in 0..samples {
        if !team.name.is_empty() {
            team.times.push(timed(router, get("/work/team", &manager_cookie)?, StatusCode::OK).await?);
        }
        if !mine.name.is_empty() {
            mine.times.push(timed(router, get("/work", &worker_cookies[i % worker_cookies.len()])?, StatusCode::OK).await?);
        }
    }
    let _ = writeln!(out, "Samples: {samples} of each (the workers' trays in turn), sequential, in-process (server time only).\n");
    let _ = writeln!(out, "| measurement | p50 ms | p95 ms | p99 ms | max ms |");
    let _ = writeln!(out, "|---|---:|---:|---:|---:|");
    for s in [&team, &mine].into_iter().filter(|s| !s.name.is_empty()) {
        let _ = writeln!(out, "| {} | {:.2} | {:.2} | {:.2} | {:.2} |", s.name, s.pct(0.5), s.pct(0.95), s.pct(0.99), s.pct(1.0));
    }
    Ok(out)
}

/// The CIN census data-quality page as the returns team opens it: every child of the year
/// under way checked against the DfE's rules (issue 16's target: 100 ms for 15,000 children).
/// Timed three ways: the first request (which builds and checks the whole census), requests
/// with nothing changed, and requests each after one child's record changed.
async fn census_page(app: &App, router: &axum::Router, samples: usize) -> Result<String, String> {
    use std::fmt::Write;
    let (cookie, actor) = signed_in(app, "bea.support").await?;
    let get = || Request::get("/returns/cin").header(header::COOKIE, &cookie).body(Body::empty()).map_err(se);
    let samples = samples.clamp(1, 20);
    let mut first = Stats { name: "first request of the day (the whole census built and checked)", times: Vec::new() };
    let before = resident_mb();
    first.times.push(timed(router, get()?, StatusCode::OK).await?);
    let kept = resident_mb().zip(before).map(|(after, before)| after - before);
    let mut unchanged = Stats { name: "nothing changed since the last request", times: Vec::new() };
    for _ in 0..samples {
        unchanged.times.push(timed(router, get()?, StatusCode::OK).await?);
    }
    let children = {
        let mut tx = app.store.begin_read().await.map_err(se)?;
        tx.referred_children().await.map_err(se)?
    };
    let mut changed = Stats { name: "one child's record changed before each request", times: Vec::new() };
    for id in children.iter().take(samples) {
        let mut tx = app.store.begin().await.map_err(se)?;
        let mut p = tx.person(*id).await.map_err(se)?.ok_or("a referred child has no record")?;
        let version = p.version;
        p.updated_at = app.now();
        let meta = hearth_domain::person::ChangeMeta { by: actor.user.id, at: app.now(), reason: Some("Benchmark".into()) };
        tx.update_person(&p, version, &meta).await.map_err(se)?;
        tx.commit().await.map_err(se)?;
        changed.times.push(timed(router, get()?, StatusCode::OK).await?);
    }
    let mut out = String::from("\nCIN census data quality, whole LA (GET /returns/cin):\n");
    let _ = writeln!(out, "\n| measurement | p50 ms | p95 ms | p99 ms | max ms |");
    let _ = writeln!(out, "|---|---:|---:|---:|---:|");
    for stats in [&first, &unchanged, &changed] {
        let _ = writeln!(out, "| {} | {:.2} | {:.2} | {:.2} | {:.2} |", stats.name, stats.pct(0.5), stats.pct(0.95), stats.pct(0.99), stats.pct(1.0));
    }
    if let Some(mb) = kept {
        let _ = writeln!(out, "\nThe process's heap grew by {mb:.0} MB over the first request: the census kept, and what building it left with the allocator (anonymous resident memory; SQLite's mapped database file is not counted).");
    }
    out.push('\n');
    Ok(out)
}

/// The children-in-care dashboard as a service manager opens it: every looked-after child of
/// the LA, their periods of care read and their placements counted (issue 17's target: p95
/// under 50 ms over 1,000 children in care).
async fn care_dashboard(app: &App, router: &axum::Router, cookie: &str, actor: &Actor, samples: usize) -> Result<String, String> {
    use std::fmt::Write;
    // A data set generated before distances from home were shown has no postcode locations;
    // without them the lookup would be measured finding nothing.
    if !app.has_postcode_locations().await.map_err(se)? {
        hearth_testkit::load_demo_postcodes(app.store.as_ref()).await.map_err(se)?;
    }
    let shown = app.care_dashboard(actor).await.map_err(se)?;
    let located = shown.dashboard.children.iter().filter(|c| c.miles_from_home.is_some()).count();
    let periods = {
        let mut tx = app.store.begin_read().await.map_err(se)?;
        tx.all_care_periods().await.map_err(se)?.len()
    };
    let mut stats = Stats { name: "Children in care dashboard (GET /children-in-care)", times: Vec::new() };
    for _ in 0..samples.max(20) {
        let req = Request::get("/children-in-care").header(header::COOKIE, cookie).body(Body::empty()).map_err(se)?;
        stats.times.push(timed(router, req, StatusCode::OK).await?);
    }
    let mut out = format!(
        "\nChildren in care: {} looked after today ({} periods of care in all; {} with a distance from home, {} placed 20 miles or more away):\n",
        shown.dashboard.children.len(),
        periods,
        located,
        shown.dashboard.far_from_home().len()
    );
    let _ = writeln!(out, "\n| measurement | p50 ms | p95 ms | p99 ms | max ms |");
    let _ = writeln!(out, "|---|---:|---:|---:|---:|");
    let _ = writeln!(out, "| {} | {:.2} | {:.2} | {:.2} | {:.2} |\n", stats.name, stats.pct(0.5), stats.pct(0.95), stats.pct(0.99), stats.pct(1.0));
    Ok(out)
}

/// The process's anonymous resident memory (its heap, not mapped files) in MB, where the
/// system says (Linux).
fn resident_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let kb: f64 = status.lines().find_map(|l| l.strip_prefix("RssAnon:"))?.trim().trim_end_matches("kB").trim().parse().ok()?;
    Some(kb / 1024.0)
}

/// What a worker's own allocation lets them see: for reading their cases to arrange the
/// benchmark's teams.
pub(crate) fn worker_scope(worker: hearth_domain::UserId) -> hearth_domain::access::AccessScope {
    hearth_domain::access::AccessScope { user: worker, la_wide: false, relationship: true, workers: vec![worker], teams: vec![] }
}
