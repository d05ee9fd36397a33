//! What an episode has due next, from the policy pack. The set of due steps is a pure
//! function of the episode (and the child's visits and team changes), so the work trays are
//! kept by comparing it with the open tasks: a step no longer due closes its task, a new
//! one opens a task, and a task for a step still due is left alone (its date came from the
//! pack in force when it was made).
use super::episode::{CpPlan, Episode};
use crate::calendar::Calendar;
use crate::front_door::tasks::{Task, TaskKind};
use crate::local_time::uk_local;
use crate::policy::{Deadline, DeadlineError, Pack, Start, Timespan, Unit};
use time::Date;

/// Action notes of a strategy discussion (seed 001: 24 hours).
pub const ACTION_NOTES_RULE: &str = "strategy_discussion_action_notes";
/// Initial conference (national: 15 working days from the strategy discussion).
pub const ICPC_RULE: &str = "initial_child_protection_conference";
/// First core group (national: 10 working days after the initial conference).
pub const FIRST_CORE_GROUP_RULE: &str = "first_core_group";
/// Later core groups (national default: every 6 weeks).
pub const CORE_GROUP_RULE: &str = "core_group";
/// Review conferences (national: within 3 months of the initial conference, then 6-monthly).
pub const CP_REVIEW_RULE: &str = "child_protection_review";
pub const CIN_REVIEW_RULE: &str = "child_in_need_plan_review";
pub const CP_VISIT_RULE: &str = "child_protection_visit";
pub const CIN_VISIT_RULE: &str = "child_in_need_visit";
/// Seed 001: the case moves to the Child Protection and Court Team once a plan is made.
pub const CASE_TRANSFER_RULE: &str = "child_protection_case_transfer";
/// Seed 001: step-down services followed up 3 months after closure.
pub const STEP_DOWN_RULE: &str = "step_down_follow_up";

/// One step that is due, with its deadline and a key naming the occurrence.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DueStep {
    pub kind: TaskKind,
    /// Names this occurrence of the step ("cp:<plan>:review:2"): the task made for it is
    /// kept until the step is done.
    pub step: String,
    pub deadline: Deadline,
}

/// What the steps depend on besides the episode.
#[derive(Clone, Copy, Debug, Default)]
pub struct Facts<'a> {
    /// The dates of the child's statutory visits, any order.
    pub visits: &'a [Date],
    /// The date the child's case last changed team, if ever.
    pub last_team_change: Option<Date>,
}

fn optional(pack: &Pack, rule: &str, occurrence: u32, start: Start, cal: &Calendar) -> Option<Result<Deadline, DeadlineError>> {
    pack.timescale(rule).map(|_| pack.deadline(rule, occurrence, start, cal))
}

/// A visit deadline: the plan's own interval (in working days) when it sets one, else the
/// pack's.
fn visit_deadline(pack: &Pack, rule: &str, own: Option<u32>, start: Date, from_visit: bool, cal: &Calendar) -> Option<Result<Deadline, DeadlineError>> {
    let occurrence = if from_visit { 2 } else { 1 };
    match own {
        None => optional(pack, rule, occurrence, Start::Date(start), cal),
        Some(n) => Some((|| {
            let within = Timespan::new(n, Unit::WorkingDays);
            let (due, warnings) = within.after(Start::Date(start), cal)?;
            Ok(Deadline {
                rule: rule.to_string(),
                occurrence,
                from: if from_visit { "last visit".into() } else { "start of the plan (the plan's own visit frequency)".into() },
                start: Start::Date(start),
                within,
                due,
                pack: pack.name.clone(),
                pack_version: pack.version.clone(),
                base: pack.base.clone(),
                warnings,
            })
        })()),
    }
}

/// The latest visit on or after `since`, else `since` itself, and whether it was a visit.
fn last_visit(visits: &[Date], since: Date) -> (Date, bool) {
    match visits.iter().filter(|v| **v >= since).max() {
        Some(v) => (*v, true),
        None => (since, false),
    }
}

/// The key of the next visit: counted from the plan's start, or from the visit on `since`
/// (a visit on the day the plan started is a new step too).
fn visit_step(plan_kind: &str, plan: super::StepId, since: Date, visited: bool) -> String {
    if visited {
        format!("{plan_kind}:{plan}:visit:after:{since}")
    } else {
        format!("{plan_kind}:{plan}:visit:first")
    }
}

fn push(out: &mut Vec<DueStep>, kind: TaskKind, step: String, d: Option<Result<Deadline, DeadlineError>>) -> Result<(), DeadlineError> {
    if let Some(d) = d {
        out.push(DueStep { kind, step, deadline: d? });
    }
    Ok(())
}

fn cp_plan_steps(e: &Episode, p: &CpPlan, facts: Facts<'_>, pack: &Pack, cal: &Calendar, out: &mut Vec<DueStep>) -> Result<(), DeadlineError> {
    let id = p.id;
    let meetings = e.core_groups_of(id);
    match meetings.last() {
        None => push(out, TaskKind::CoreGroup, format!("cp:{id}:core_group:1"), Some(pack.deadline(FIRST_CORE_GROUP_RULE, 1, Start::Date(p.start), cal)))?,
        Some(m) => push(out, TaskKind::CoreGroup, format!("cp:{id}:core_group:{}", meetings.len() + 1), optional(pack, CORE_GROUP_RULE, 1, Start::Date(m.date), cal))?,
    }
    let reviews = e.reviews(id);
    let n = u32::try_from(reviews.len()).unwrap_or(u32::MAX);
    let from = reviews.last().map_or(p.start, |r| r.date);
    push(out, TaskKind::ReviewConference, format!("cp:{id}:review:{}", n + 1), Some(pack.deadline(CP_REVIEW_RULE, n.saturating_add(1), Start::Date(from), cal)))?;
    let (since, visited) = last_visit(facts.visits, p.start);
    push(out, TaskKind::Visit, visit_step("cp", id, since, visited), visit_deadline(pack, CP_VISIT_RULE, p.visit_every_working_days, since, visited, cal))?;
    if facts.last_team_change.is_none_or(|d| d < p.start) {
        push(out, TaskKind::CaseTransfer, format!("cp:{id}:transfer"), optional(pack, CASE_TRANSFER_RULE, 1, Start::Date(p.start), cal))?;
    }
    Ok(())
}

/// Every step of the episode that is due now, in a stable order.
pub fn due_steps(e: &Episode, facts: Facts<'_>, pack: &Pack, cal: &Calendar) -> Result<Vec<DueStep>, DeadlineError> {
    let mut out = Vec::new();
    if let Some(c) = &e.closure {
        if c.step_down.as_ref().is_some_and(|s| s.follow_up.is_none()) {
            push(&mut out, TaskKind::StepDownFollowUp, format!("episode:{}:follow_up", e.id), optional(pack, STEP_DOWN_RULE, 1, Start::Date(c.date), cal))?;
        }
        return Ok(out);
    }
    for sd in &e.strategy_discussions {
        if sd.notes_distributed_at.is_none() {
            push(&mut out, TaskKind::StrategyActionNotes, format!("sd:{}:notes", sd.id), optional(pack, ACTION_NOTES_RULE, 1, Start::DateTime(uk_local(sd.held_at)), cal))?;
        }
        if sd.decision == super::codes::StrategyDecision::Section47 {
            let enquiry = e.enquiries.iter().find(|q| q.strategy == Some(sd.id));
            let conference_needed = match enquiry {
                None => true,
                Some(q) => !q.icpc_not_required() && e.initial_conference(q.id).is_none(),
            };
            if conference_needed {
                push(&mut out, TaskKind::InitialConference, format!("sd:{}:icpc", sd.id), Some(pack.deadline(ICPC_RULE, 1, Start::Date(sd.date()), cal)))?;
            }
        }
    }
    if let Some(p) = e.open_cin_plan() {
        let n = u32::try_from(p.reviews.len()).unwrap_or(u32::MAX);
        let from = p.reviews.last().copied().unwrap_or(p.start);
        push(&mut out, TaskKind::ChildInNeedPlanReview, format!("cin:{}:review:{}", p.id, n + 1), optional(pack, CIN_REVIEW_RULE, n.saturating_add(1), Start::Date(from), cal))?;
        let (since, visited) = last_visit(facts.visits, p.start);
        push(&mut out, TaskKind::Visit, visit_step("cin", p.id, since, visited), visit_deadline(pack, CIN_VISIT_RULE, p.visit_every_working_days, since, visited, cal))?;
    }
    if let Some(p) = e.open_cp_plan() {
        cp_plan_steps(e, p, facts, pack, cal, &mut out)?;
    }
    Ok(out)
}

/// How an episode's open tasks follow its due steps, by step key: the open tasks whose step
/// is no longer due (to close), and the due steps with no open task (to open). A task for a
/// step still due is left alone.
pub fn reconcile<'a, 'b>(open: &'a [Task], due: &'b [DueStep]) -> (Vec<&'a Task>, Vec<&'b DueStep>) {
    let done = open.iter().filter(|t| t.is_open() && !due.iter().any(|d| d.step == t.step)).collect();
    let new = due.iter().filter(|d| !open.iter().any(|t| t.is_open() && t.step == d.step)).collect();
    (done, new)
}

/// The initial conference deadline of an enquiry, counted from its strategy discussion.
pub fn icpc_target(e: &Episode, enquiry: &super::episode::Enquiry, pack: &Pack, cal: &Calendar) -> Option<Result<Deadline, DeadlineError>> {
    enquiry.strategy.and_then(|s| e.strategy(s)).map(|sd| pack.deadline(ICPC_RULE, 1, Start::Date(sd.date()), cal))
}

/// CIN census `InitialCPCtarget` of an enquiry: the target imported history brought with
/// it, else the deadline counted from its strategy discussion.
pub fn census_icpc_target(e: &Episode, enquiry: &super::episode::Enquiry, pack: &Pack, cal: &Calendar) -> Option<Date> {
    enquiry.icpc_target.or_else(|| icpc_target(e, enquiry, pack, cal)?.ok().map(|d| d.due.date()))
}
