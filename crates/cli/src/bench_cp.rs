//! `hearth bench`, issue 5: the child protection dashboard of a team manager over 500 open
//! child protection plans with their full history.
//!
//! The plans are made on the work-tray team's children through the app's own use cases, as
//! a worker and the manager would record them: a contact decided as needing a strategy
//! discussion, which opens a referral and its episode, the strategy discussion, a section 47
//! enquiry and its outcome, the initial conference, then
//! every core group meeting, review conference (with the manager's oversight) and, for the
//! last two months, the statutory visits, each dated in the past. Plans run from a few days
//! to over two years; one child in ten had an earlier plan that ended at its first review.
//! On a database from an earlier run the plans are reused.
use crate::bench::{arrange_team, se, signed_in, timed, Stats};
use hearth_app::{Actor, App, NewContact, NewDecision};
use hearth_domain::front_door::codes::{ReferralSource, ScreeningDecision};
use hearth_domain::front_door::contact::{Consent, Referrer};
use hearth_domain::case_note::CaseNoteDetails;
use hearth_domain::cin::change::Change;
use hearth_domain::cin::codes::{AbuseCategory, EnquiryOutcome, PlanEndReason, StrategyDecision};
use hearth_domain::cin::episode::{InitialDecision, MeetingDetails, Participant, ReviewDecision};
use hearth_domain::cin::{EpisodeId, StepId};
use hearth_domain::codes::{CaseNoteType, Coded};
use hearth_domain::PersonId;
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use time::{Date, Duration, PrimitiveDateTime, Time};

/// Open plans the dashboard is measured over.
const PLANS: usize = 500;

fn people() -> Vec<Participant> {
    vec![
        Participant { name: "Allocated social worker".into(), agency: "Children's social care".into(), role: "Social worker".into() },
        Participant { name: "Health visitor".into(), agency: "Community health".into(), role: "Health visitor".into() },
        Participant { name: "Designated safeguarding lead".into(), agency: "School".into(), role: "DSL".into() },
    ]
}

fn meeting(d: Date, notes: &str) -> MeetingDetails {
    MeetingDetails { date: Some(d), participants: people(), notes: notes.into() }
}

/// One episode's changes at its version, as the manager (who may do all of them).
struct Recorder<'a> {
    app: &'a App,
    by: &'a Actor,
    episode: EpisodeId,
    version: i64,
}

impl Recorder<'_> {
    async fn apply(&mut self, change: Change) -> Result<hearth_domain::cin::change::Applied, String> {
        let what = change.action();
        let applied = self.app.change_episode(self.by, self.episode, self.version, change).await.map_err(|e| format!("{what}: {e}"))?;
        self.version += 1;
        Ok(applied)
    }

    /// Strategy discussion, enquiry and outcome, and the initial conference on `icpc`
    /// making a plan: the plan.
    async fn make_plan(&mut self, icpc: Date, earliest: Date, category: AbuseCategory) -> Result<StepId, String> {
        let sd_day = (icpc - Duration::days(18)).max(earliest);
        let held_at = PrimitiveDateTime::new(sd_day, Time::from_hms(10, 0, 0).map_err(se)?).assume_utc();
        let sd = self
            .apply(Change::StrategyDiscussion {
                held_at: Some(held_at),
                participants: people(),
                information: "Police and health shared what they know of the injuries and the family.".into(),
                decision: Some(StrategyDecision::Section47),
                action_notes: "Joint visit today; medical tomorrow; school to share attendance.".into(),
            })
            .await?
            .step;
        self.apply(Change::ActionNotesSent { strategy: sd.ok_or("no discussion")?, at: Some(held_at + Duration::hours(3)) }).await?;
        let q = self.apply(Change::StartEnquiry { strategy: sd, start: Some(sd_day) }).await?.step.ok_or("no enquiry")?;
        let outcome_day = (sd_day + Duration::days(7)).min(icpc);
        self.apply(Change::ConcludeEnquiry { enquiry: q, outcome: Some(EnquiryOutcome::ConferenceRequired), date: Some(outcome_day) }).await?;
        let made = self.apply(Change::InitialConference { enquiry: q, meeting: meeting(icpc, "Plan agreed."), decision: Some(InitialDecision::Plan { category }) }).await?;
        made.plan.ok_or_else(|| "the conference made no plan".into())
    }
}

fn add_months(d: Date, n: i64) -> Date {
    hearth_domain::calendar::add_months(d, n).unwrap_or(d)
}

/// Records a plan's history from `icpc` to `today`: core groups every six weeks, reviews at
/// three months and then six-monthly with the manager's oversight, and the last two months'
/// visits. A `lapsed` plan's core groups and visits stopped seven weeks ago, so they are
/// overdue.
async fn plan_history(app: &App, r: &mut Recorder<'_>, child: PersonId, plan: StepId, icpc: Date, today: Date, lapsed: bool) -> Result<(), String> {
    let mut events: Vec<(Date, u8)> = Vec::new();
    let mut d = icpc + Duration::days(13);
    while d < today {
        events.push((d, 0));
        d += Duration::days(40);
    }
    let mut d = add_months(icpc, 3) - Duration::days(3);
    while d < today {
        events.push((d, 1));
        d = add_months(d, 6) - Duration::days(5);
    }
    let mut d = (today - Duration::days(60)).max(icpc + Duration::days(1));
    while d < today {
        events.push((d, 2));
        d += Duration::days(12);
    }
    events.sort();
    if lapsed {
        events.retain(|(day, kind)| *kind == 1 || *day < today - Duration::days(49));
    }
    for (day, kind) in events {
        match kind {
            0 => {
                r.apply(Change::CoreGroup { plan, meeting: meeting(day, "Actions reviewed: school attendance, health visits, parenting course.") }).await?;
            }
            1 => {
                let decision = Some(ReviewDecision::Continue { category: AbuseCategory::Neglect });
                let review = r.apply(Change::ReviewConference { plan, meeting: meeting(day, "Progress reviewed."), decision }).await?;
                r.apply(Change::Oversight { about: review.step, note: "Review read; the plan stays proportionate.".into(), decision: Some("The plan continues.".into()) }).await?;
            }
            _ => {
                let at = PrimitiveDateTime::new(day, Time::from_hms(11, 0, 0).map_err(se)?);
                let details = CaseNoteDetails { statutory_visit: false, also_for: Vec::new(),
                    occurred_at: at,
                    note_type: CaseNoteType::StatutoryVisit,
                    child_seen: true,
                    seen_alone: true,
                    significant: false,
                    text: "Child seen alone at home; bedroom seen.".into(),
                };
                app.add_case_note(r.by, child, details).await.map_err(|e| format!("visit: {e}"))?;
            }
        }
    }
    Ok(())
}

/// Gives up to `PLANS` of the team's children an open plan with its history (children who
/// have one already count): a contact about the child, decided as needing a strategy
/// discussion, opens the referral and its episode, as at the front door.
async fn arrange_plans(app: &App, by: &Actor, children: &[PersonId]) -> Result<usize, String> {
    let today = hearth_app::local_time::uk_local(app.now()).date();
    let mut have = 0;
    for (i, &child) in children.iter().enumerate() {
        if have >= PLANS {
            break;
        }
        let mut tx = app.store.begin().await.map_err(se)?;
        let on_plan = tx.episodes_of(child).await.map_err(se)?.iter().any(|e| e.value.open_cp_plan().is_some());
        tx.commit().await.map_err(se)?;
        if on_plan {
            have += 1;
            continue;
        }
        // How long the child has been on the plan: a spread from days to over two years.
        let i64_i = i64::try_from(i).unwrap_or(0);
        let age = match i % 20 {
            0 => 740 + i64_i % 200,
            1 | 2 => 380 + i64_i % 300,
            3..=7 => 180 + i64_i % 180,
            _ => 5 + i64_i % 170,
        };
        let icpc = today - Duration::days(age);
        // One in ten had a plan before, ended at its first review.
        let repeat = i % 10 == 9;
        let referred = icpc - Duration::days(if repeat { 260 } else { 25 });
        let Some(episode) = refer(app, by, child, referred).await? else { continue };
        let category = AbuseCategory::ALL[i % AbuseCategory::ALL.len()];
        let mut r = Recorder { app, by, episode, version: 1 };
        let earliest = if repeat {
            let start = referred + Duration::days(20);
            let plan = r.make_plan(start, referred, category).await?;
            let end = add_months(start, 3) - Duration::days(2);
            let decision = Some(ReviewDecision::EndPlan { reason: PlanEndReason::NoLongerAtRisk });
            r.apply(Change::ReviewConference { plan, meeting: meeting(end, "Risks reduced."), decision }).await?;
            end + Duration::days(1)
        } else {
            referred
        };
        let plan = r.make_plan(icpc, earliest, category).await?;
        plan_history(app, &mut r, child, plan, icpc, today, i % 7 == 3).await?;
        have += 1;
    }
    Ok(have)
}

/// Records a contact about `child` received on `day` and the manager's decision that it
/// needs a strategy discussion: the episode the referral opened, or `None` for a child the
/// manager may not see (a restricted record).
async fn refer(app: &App, by: &Actor, child: PersonId, day: Date) -> Result<Option<EpisodeId>, String> {
    let received_at = PrimitiveDateTime::new(day, Time::from_hms(9, 0, 0).map_err(se)?).assume_utc();
    let new = NewContact {
        received_at,
        source: ReferralSource::Police,
        referrer: Referrer { name: "PC Jones".into(), agency: Some("Avon and Somerset Police".into()), ..Default::default() },
        reason: "Police attended a domestic incident; the child has an unexplained injury.".into(),
        consent: Consent::NotRequired { reason: "Asking would put the child at risk of significant harm".into() },
        children: vec![child],
        family_members: Vec::new(),
    };
    let contact = match app.record_contact(by, new).await {
        Ok(c) => c,
        Err(hearth_app::AppError::NotFound) => return Ok(None),
        Err(e) => return Err(format!("contact: {e}")),
    };
    let decision = NewDecision { decision: ScreeningDecision::StrategyDiscussion, decided_at: received_at + Duration::hours(2), rationale: "Injury to a child: strategy discussion.".into() };
    let referral = *app.decide_contact(by, contact, 1, decision).await.map_err(|e| format!("decision: {e}"))?.first().ok_or("the decision made no referral")?;
    let mut tx = app.store.begin().await.map_err(se)?;
    let episode = tx.episode_of_referral(referral).await.map_err(se)?.map(|e| e.value.id);
    tx.commit().await.map_err(se)?;
    episode.map(Some).ok_or_else(|| "the referral opened no episode".into())
}

/// `GET /child-protection` as the work-tray team's manager, over the team's open plans.
pub async fn dashboard(app: &App, router: &axum::Router, by: &Actor, samples: usize) -> Result<String, String> {
    use std::fmt::Write;
    let mut out = String::new();
    let Some(t) = arrange_team(app, by).await? else {
        let _ = writeln!(out, "Child protection dashboard: not measured (no work-tray team in this LA).");
        return Ok(out);
    };
    let (cookie, manager) = signed_in(app, &t.manager.username).await?;
    let mut children = Vec::new();
    let mut tx = app.store.begin().await.map_err(se)?;
    for w in &t.workers {
        children.extend(tx.children_of_worker(&crate::bench::worker_scope(w.id), app.now(), 1000).await.map_err(se)?.into_iter().map(|p| p.id));
    }
    tx.commit().await.map_err(se)?;
    let started = std::time::Instant::now();
    let plans = arrange_plans(app, &manager, &children).await?;
    let arranged = started.elapsed();
    let view = app.cp_dashboard(&manager).await.map_err(se)?;
    let d = &view.dashboard;
    let _ = writeln!(
        out,
        "\nChild protection dashboard: {} manages {} open child protection plans ({} over two years, {} second or later plans; {} overdue conferences, core groups and visits); \
         recording the plans' histories through the app's use cases took {:.1} s (plans from an earlier run are reused).",
        t.manager.username,
        d.plans.len(),
        d.over_two_years(),
        d.repeat(),
        view.overdue.len(),
        arranged.as_secs_f64()
    );
    if plans < PLANS {
        let _ = writeln!(out, "Only {plans} children of the team could be given a plan.");
    }
    let get = || Request::get("/child-protection").header(header::COOKIE, &cookie).body(Body::empty()).map_err(se);
    let mut stats = Stats { name: "Child protection dashboard, team manager (GET /child-protection)", times: Vec::new() };
    for _ in 0..samples {
        stats.times.push(timed(router, get()?, StatusCode::OK).await?);
    }
    let _ = writeln!(out, "Samples: {samples}, sequential, in-process (server time only).\n");
    let _ = writeln!(out, "| measurement | p50 ms | p95 ms | p99 ms | max ms |");
    let _ = writeln!(out, "|---|---:|---:|---:|---:|");
    let _ = writeln!(out, "| {} | {:.2} | {:.2} | {:.2} | {:.2} |", stats.name, stats.pct(0.5), stats.pct(0.95), stats.pct(0.99), stats.pct(1.0));
    Ok(out)
}
