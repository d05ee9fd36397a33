//! What a looked-after child's period of care has due next, from the policy pack: the care
//! plan, the placement plan, statutory visits (regulation 28), reviews (regulation 33), the
//! permanence plan, the review report's sign-off and, where the local pack says so, the
//! transfer of a section 20 case after its first review (seed 001). Like the CIN episode's
//! steps, the set is a pure function of the period and the child's visits, so the trays are
//! kept by comparing it with the open tasks (`cin::steps::reconcile`).
use super::codes::LegalStatus;
use super::episodes::PeriodOfCare;
use crate::calendar::Calendar;
use crate::cin::steps::DueStep;
use crate::front_door::tasks::TaskKind;
use crate::policy::{Deadline, DeadlineError, Due, Pack, Start, Timespan, Unit};
use time::Date;

pub const CARE_PLAN_RULE: &str = "care_plan";
pub const PLACEMENT_PLAN_RULE: &str = "placement_plan";
pub const REVIEW_RULE: &str = "looked_after_review";
/// Regulation 28: within a week of a placement, then at most every six weeks.
pub const VISIT_RULE: &str = "statutory_visit";
/// Regulation 28: after the first year of a placement agreed as long-term, at most every
/// three months.
pub const LONG_TERM_VISIT_RULE: &str = "statutory_visit_long_term";
/// By the second review (seed 001: the 4-month review).
pub const PERMANENCE_RULE: &str = "permanence_plan";
/// Seed 001: a section 20 case moves to the Children in Care team after its 4-week review.
pub const CARE_TRANSFER_RULE: &str = "looked_after_case_transfer";
pub const INITIAL_HEALTH_RULE: &str = "initial_health_assessment";
pub const HEALTH_UNDER_5_RULE: &str = "health_assessment_review_under_5";
pub const HEALTH_5_AND_OVER_RULE: &str = "health_assessment_review_5_and_over";
/// The first PEP; later ones follow the school terms (`wellbeing::next_pep`).
pub const PEP_RULE: &str = "personal_education_plan";
/// Seed 004: transport to keep a child's school after a move in years 10 and 11.
pub const TRANSPORT_RULE: &str = "school_transport";
/// Regulation 48: a series of short breaks is reviewed within 3 months, then 6-monthly...
pub const SHORT_BREAK_REVIEW_RULE: &str = "short_break_review";
/// ...and visited at most every 3 months.
pub const SHORT_BREAK_VISIT_RULE: &str = "short_break_visit";
/// Regulation 28(3): a visit whenever the child or their IRO reasonably asks for one.
pub const VISIT_REQUEST_RULE: &str = "statutory_visit_on_request";

/// What the steps depend on besides the period.
#[derive(Clone, Copy, Debug)]
pub struct Facts<'a> {
    /// The dates of the child's statutory visits (the child seen), any order.
    pub visits: &'a [Date],
    /// The date the child's case last changed team, if ever.
    pub last_team_change: Option<Date>,
    pub today: Date,
    /// The child's date of birth, for the health reviews' interval and the PEP's ages.
    pub born: Option<Date>,
}

fn step(kind: TaskKind, key: String, d: Result<Deadline, DeadlineError>) -> Result<DueStep, DeadlineError> {
    Ok(DueStep { kind, step: key, deadline: d? })
}

/// The deadline of the next review: the first counted from the day care began, each later
/// one from the review before.
pub fn next_review(p: &PeriodOfCare, pack: &Pack, cal: &Calendar) -> Result<Deadline, DeadlineError> {
    let reviews = &p.planning.reviews;
    let n = u32::try_from(reviews.len()).unwrap_or(u32::MAX);
    let from = reviews.last().map_or(p.start, |r| r.date);
    pack.deadline(REVIEW_RULE, n.saturating_add(1), Start::Date(from), cal)
}

/// The deadline of the next statutory visit to a child in the placement they are in on
/// `today`: within a week of the placement beginning, then at most six weeks after the last
/// visit, or three months once the placement is agreed as long-term and a year old.
/// A visit the child or their IRO asked for after the last one brings the next forward.
pub fn next_visit(p: &PeriodOfCare, visits: &[Date], pack: &Pack, cal: &Calendar, today: Date) -> Option<(String, Result<Deadline, DeadlineError>)> {
    let began = p.placement_began(today)?;
    let last = visits.iter().filter(|v| **v >= began && p.covers(**v)).max().copied();
    let regular = regular_visit(p, began, last, pack, cal);
    let asked = p.planning.visit_requests.iter().filter(|r| r.on >= began && last.is_none_or(|v| r.on > v)).map(|r| r.on).max();
    if let (Some(on), Ok(due)) = (asked, &regular.1)
        && pack.timescale(VISIT_REQUEST_RULE).is_some()
    {
        let requested = pack.deadline(VISIT_REQUEST_RULE, 1, Start::Date(on), cal);
        if requested.as_ref().map_or(true, |r| r.due.date() < due.due.date()) {
            return Some((format!("visit:asked:{on}"), requested));
        }
    }
    Some(regular)
}

/// The next visit as regulation 28(2) times it, without requests.
fn regular_visit(p: &PeriodOfCare, began: Date, last: Option<Date>, pack: &Pack, cal: &Calendar) -> (String, Result<Deadline, DeadlineError>) {
    match last {
        None => (format!("visit:first:{began}"), pack.deadline(VISIT_RULE, 1, Start::Date(began), cal)),
        Some(v) => {
            let long_term = p.planning.long_term.is_some_and(|lt| lt.placement == began && lt.agreed <= v);
            let first_year_over = v >= began.replace_year(began.year() + 1).unwrap_or(began);
            let d = if long_term && first_year_over && pack.timescale(LONG_TERM_VISIT_RULE).is_some() {
                pack.deadline(LONG_TERM_VISIT_RULE, 1, Start::Date(v), cal)
            } else {
                pack.deadline(VISIT_RULE, 2, Start::Date(v), cal)
            };
            (format!("visit:after:{v}"), d)
        }
    }
}

/// Every step of the period that is due now, in a stable order; `id` names the period in
/// the step keys. An ended period has nothing due.
pub fn due_steps(id: &str, p: &PeriodOfCare, facts: Facts<'_>, pack: &Pack, cal: &Calendar) -> Result<Vec<DueStep>, DeadlineError> {
    let mut out = Vec::new();
    if p.ended.is_some() {
        return Ok(out);
    }
    let plan = &p.planning;
    let key = |s: &str| format!("care:{id}:{s}");
    if plan.care_plan.is_none() {
        out.push(step(TaskKind::CarePlan, key("care_plan"), pack.deadline(CARE_PLAN_RULE, 1, Start::Date(p.start), cal))?);
    }
    if p.is_short_breaks() {
        short_break_steps(p, facts, pack, cal, &key, &mut out)?;
        return Ok(out);
    }
    if let Some(began) = p.placement_began(facts.today)
        && !plan.placement_plans.iter().any(|pp| pp.placement == began)
    {
        out.push(step(TaskKind::PlacementPlan, key(&format!("placement_plan:{began}")), pack.deadline(PLACEMENT_PLAN_RULE, 1, Start::Date(began), cal))?);
    }
    if let Some((k, d)) = next_visit(p, facts.visits, pack, cal, facts.today) {
        out.push(step(TaskKind::CareVisit, key(&k), d)?);
    }
    let review = next_review(p, pack, cal)?;
    let n = plan.reviews.len() + 1;
    if plan.next_report.as_ref().is_some_and(|r| r.signed_off.is_none()) {
        out.push(DueStep { kind: TaskKind::ReviewReportSignOff, step: key(&format!("review:{n}:report")), deadline: review.clone() });
    }
    out.push(DueStep { kind: TaskKind::LookedAfterReview, step: key(&format!("review:{n}")), deadline: review.clone() });
    if plan.permanence.is_none() && pack.timescale(PERMANENCE_RULE).is_some() {
        // Counted from the first review, or from the day it is due while it has not been held.
        // The key names the day it counts from, so holding the first review re-dates the task.
        let first = plan.reviews.first().map_or(review.due.date(), |r| r.date);
        out.push(step(TaskKind::PermanencePlan, key(&format!("permanence_plan:{first}")), pack.deadline(PERMANENCE_RULE, 1, Start::Date(first), cal))?);
    }
    health_and_education(p, facts, pack, cal, &key, &mut out)?;
    if let Some(first) = plan.reviews.first() {
        let section_20 = p.legal_status_on(first.date) == Some(LegalStatus::Section20);
        let moved = facts.last_team_change.is_some_and(|d| d >= first.date);
        if section_20 && !moved && pack.timescale(CARE_TRANSFER_RULE).is_some() {
            out.push(step(TaskKind::CareTransfer, key("transfer"), pack.deadline(CARE_TRANSFER_RULE, 1, Start::Date(first.date), cal))?);
        }
    }
    Ok(out)
}

/// Regulation 48: a child looked after only for a series of short breaks has one short break
/// care plan (the care plan's task), visits at most every 3 months and reviews within 3
/// months, then 6-monthly; no placement plan, permanence plan, health assessments or PEPs.
fn short_break_steps(p: &PeriodOfCare, facts: Facts<'_>, pack: &Pack, cal: &Calendar, key: &dyn Fn(&str) -> String, out: &mut Vec<DueStep>) -> Result<(), DeadlineError> {
    let last_visit = facts.visits.iter().filter(|v| p.covers(**v)).max();
    let (k, from) = match last_visit {
        None => ("visit:first".to_string(), p.start),
        Some(v) => (format!("visit:after:{v}"), *v),
    };
    out.push(step(TaskKind::CareVisit, key(&k), pack.deadline(SHORT_BREAK_VISIT_RULE, 1, Start::Date(from), cal))?);
    let reviews = &p.planning.reviews;
    let n = u32::try_from(reviews.len()).unwrap_or(u32::MAX).saturating_add(1);
    let review = pack.deadline(SHORT_BREAK_REVIEW_RULE, n, Start::Date(reviews.last().map_or(p.start, |r| r.date)), cal)?;
    if p.planning.next_report.as_ref().is_some_and(|r| r.signed_off.is_none()) {
        out.push(DueStep { kind: TaskKind::ReviewReportSignOff, step: key(&format!("review:{n}:report")), deadline: review.clone() });
    }
    out.push(DueStep { kind: TaskKind::LookedAfterReview, step: key(&format!("review:{n}")), deadline: review });
    Ok(())
}

/// The initial health assessment, then each review from the last assessment (six months
/// under 5, twelve from 5); the first PEP, then one each term while of school age.
fn health_and_education(p: &PeriodOfCare, facts: Facts<'_>, pack: &Pack, cal: &Calendar, key: &dyn Fn(&str) -> String, out: &mut Vec<DueStep>) -> Result<(), DeadlineError> {
    let plan = &p.planning;
    let age_on = |d: Date| facts.born.and_then(|b| crate::person::age_on(b, d));
    match plan.health.iter().filter(|h| h.is_assessment()).max_by_key(|h| h.on) {
        None => out.push(step(TaskKind::InitialHealthAssessment, key("health:initial"), pack.deadline(INITIAL_HEALTH_RULE, 1, Start::Date(p.start), cal))?),
        Some(last) => {
            let rule = if age_on(last.on).is_some_and(|a| a < 5) { HEALTH_UNDER_5_RULE } else { HEALTH_5_AND_OVER_RULE };
            out.push(step(TaskKind::HealthAssessment, key(&format!("health:after:{}", last.on)), pack.deadline(rule, 1, Start::Date(last.on), cal))?);
        }
    }
    // A move (not the first placement) in years 10 and 11, with a school to keep.
    if let Some(began) = p.placement_began(facts.today)
        && began > p.start
        && plan.education.school.is_some()
        && super::wellbeing::in_exam_years(facts.born, began)
        && !plan.education.transport.iter().any(|d| *d >= began)
        && pack.timescale(TRANSPORT_RULE).is_some()
    {
        out.push(step(TaskKind::SchoolTransport, key(&format!("transport:{began}")), pack.deadline(TRANSPORT_RULE, 1, Start::Date(began), cal))?);
    }
    if age_on(facts.today).is_some_and(|a| !super::wellbeing::PEP_AGES.contains(&a)) {
        return Ok(());
    }
    let peps = &plan.education.peps;
    match (peps.iter().max(), super::wellbeing::next_pep(peps)) {
        (Some(last), Some(by)) => {
            let n = u32::try_from(peps.len()).unwrap_or(u32::MAX).saturating_add(1);
            let days = u32::try_from((by - *last).whole_days()).unwrap_or(0);
            let deadline = Deadline {
                rule: PEP_RULE.to_string(),
                occurrence: n,
                from: format!("the last PEP: one each term, by the end of the {}", super::wellbeing::Term::of(by).name()),
                start: Start::Date(*last),
                within: Timespan::new(days, Unit::CalendarDays),
                due: Due::Date(by),
                pack: pack.name.clone(),
                pack_version: pack.version.clone(),
                base: pack.base.clone(),
                warnings: Vec::new(),
            };
            out.push(DueStep { kind: TaskKind::PersonalEducationPlan, step: key(&format!("pep:after:{last}")), deadline });
        }
        _ => out.push(step(TaskKind::PersonalEducationPlan, key("pep:first"), pack.deadline(PEP_RULE, 1, Start::Date(p.start), cal))?),
    }
    Ok(())
}

#[cfg(test)]
mod tests;
