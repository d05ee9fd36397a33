//! What is recorded while a child is looked after, kept with the period of care it belongs
//! to: the care plan, each placement's plan and whether the placement is agreed as
//! long-term, the permanence plan, the independent reviewing officer (IRO), the reviews
//! under regulation 33 with the worker's report, missing episodes and the unaccompanied
//! asylum-seeking child's status. Everything is checked against the period it is in.
use super::episodes::PeriodOfCare;
use crate::codes::{code_list, Coded};
use crate::validation::FieldErrors;
use crate::UserId;
use serde::{Deserialize, Serialize};
use time::{Date, Duration};

/// The day youth cautions replaced final warnings and reprimands (LASPO Act 2012).
pub const FINAL_WARNINGS_ENDED: Date = time::macros::date!(2013 - 04 - 08);
/// Longest free text (a decision, a name).
pub const MAX_TEXT: usize = 2_000;
/// Most decisions one review records.
pub const MAX_DECISIONS: usize = 40;

code_list!(
    /// How the child took part in their review (SSDA903 `REVIEW_CODE`).
    Participation {
        UnderFour = "PN0": "Child aged under 4 at the time of the review",
        SpeaksForThemselves = "PN1": "Child physically attends and speaks for themselves",
        AttendsWithAdvocate = "PN2": "Child physically attends and an advocate speaks on their behalf",
        AttendsNonVerbally = "PN3": "Child attends and conveys their view symbolically (non-verbally)",
        AttendsWithoutConveying = "PN4": "Child physically attends but does not speak for themselves, convey their view symbolically or ask an advocate to speak for them",
        BriefsAdvocate = "PN5": "Child does not attend physically but briefs an advocate to speak for them",
        FacilitativeMedium = "PN6": "Child does not attend but conveys their feelings to the review by a facilitative medium",
        NotConveyed = "PN7": "Child does not attend nor are their views conveyed to the review",
    }
);

code_list!(
    /// Whether a child was missing or away (SSDA903 `MISSING`).
    MissingKind {
        Missing = "M": "Missing from placement",
        Away = "A": "Away from placement without authorisation",
    }
);

code_list!(
    /// An offence a looked-after child was convicted of or cautioned for (the SSDA903 OC2
    /// table's `CONVICTED`).
    OffenceOutcome {
        Conviction = "conviction": "Convicted of an offence",
        YouthCaution = "youth_caution": "Youth caution",
        YouthConditionalCaution = "youth_conditional_caution": "Youth conditional caution",
        FinalWarning = "final_warning": "Final warning or reprimand (before April 2013)",
    }
);

/// An offence's outcome on a day.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Offence {
    pub outcome: OffenceOutcome,
    pub on: Date,
}

code_list!(
    /// The permanence plan: how the child will have a secure, stable home for the rest of
    /// their childhood (statutory guidance on care planning, volume 2, chapter 2).
    PermanenceOption {
        ReturnHome = "return_home": "Return to parents or family",
        ChildArrangements = "child_arrangements": "Living with family or friends under a child arrangements order",
        SpecialGuardianship = "special_guardianship": "Special guardianship",
        Adoption = "adoption": "Adoption",
        LongTermFostering = "long_term_fostering": "Long-term foster care",
        Residential = "residential": "Residential care",
        Independence = "independence": "Supported independence",
    }
);

code_list!(
    /// Who asked for a statutory visit (regulation 28(3)).
    VisitRequester {
        Child = "child": "The child",
        Iro = "iro": "The child's IRO",
    }
);

/// A visit asked for on a day.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VisitRequest {
    pub by: VisitRequester,
    pub on: Date,
}

/// A placement's plan, agreed on a day; `placement` is the day the placement began.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlacementPlan {
    pub placement: Date,
    pub agreed: Date,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PermanencePlan {
    pub agreed: Date,
    pub plan: PermanenceOption,
}

/// The independent reviewing officer named for the child, from a day.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NamedIro {
    pub name: String,
    pub from: Date,
    /// The IRO's Hearth account, when they have one (an agency IRO may not): the
    /// children-in-care dashboard lists each IRO's children for them.
    #[serde(default)]
    pub user: Option<UserId>,
}

/// What a review decided: what is to be done, by whom and by when.
pub use crate::cin::episode::PlanAction as ReviewDecision;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignOff {
    pub by: UserId,
    pub on: Date,
}

/// The worker's report for a review (seed 001: signed off by the team manager, then shared
/// with everyone taking part before the review).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewReport {
    /// The day the worker finished it and asked for sign-off.
    pub ready: Date,
    pub signed_off: Option<SignOff>,
    pub shared: Option<Date>,
}

/// A looked-after child's review (regulation 33), chaired by the IRO.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CareReview {
    pub date: Date,
    /// The IRO who chaired it.
    pub iro: String,
    pub participation: Participation,
    pub decisions: Vec<ReviewDecision>,
    /// The report written for it, as it stood on the day.
    pub report: Option<ReviewReport>,
}

/// Whether a return interview was offered (within 72 hours of the child's return, under
/// the statutory guidance on children who run away or go missing) and taken up.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReturnInterview {
    pub offered: Date,
    pub accepted: bool,
}

/// How long after the child's return an interview should be offered.
pub const RETURN_INTERVIEW_WITHIN: Duration = Duration::hours(72);

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MissingEpisode {
    pub kind: MissingKind,
    pub start: Date,
    pub end: Option<Date>,
    pub interview: Option<ReturnInterview>,
}

impl MissingEpisode {
    /// Whether the interview was offered within 72 hours of the return (the days are whole
    /// days: offered on the third day after the return or sooner).
    pub fn interview_in_time(&self) -> Option<bool> {
        let (end, i) = (self.end?, self.interview?);
        Some(i.offered - end <= RETURN_INTERVIEW_WITHIN)
    }
}

/// An unaccompanied asylum-seeking child, from a day and (when it ended, for example at 18
/// or on leave to remain being settled) until one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Uasc {
    pub from: Date,
    pub until: Option<Date>,
}

/// Everything recorded while the child is looked after in one period.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Planning {
    /// The day the care plan was agreed.
    pub care_plan: Option<Date>,
    pub placement_plans: Vec<PlacementPlan>,
    /// The day the current carers were agreed as the child's long-term carers (regulation
    /// 28: visits then at most every three months after the first year).
    pub long_term: Option<PlacementPlan>,
    pub permanence: Option<PermanencePlan>,
    pub iro: Option<NamedIro>,
    /// In date order.
    pub reviews: Vec<CareReview>,
    /// The report for the next review, while it is being written and signed off.
    pub next_report: Option<ReviewReport>,
    /// In date order.
    pub missing: Vec<MissingEpisode>,
    pub uasc: Option<Uasc>,
    /// In the order recorded.
    pub health: Vec<super::wellbeing::HealthCheck>,
    pub education: super::wellbeing::Education,
    /// Family time: the contact arrangements, each with its sessions.
    pub contact: Vec<super::contact::ContactArrangement>,
    /// Requests to the Family Contact Service.
    pub contact_requests: Vec<super::contact::ContactRequest>,
    /// Convictions, cautions and final warnings, in the order recorded.
    pub offences: Vec<Offence>,
    /// Visits the child or their IRO asked for, in date order.
    pub visit_requests: Vec<VisitRequest>,
}

fn text(e: &mut FieldErrors, field: &str, value: &str, what: &str) {
    if value.trim().is_empty() {
        e.add(field, format!("Enter {what}"));
    } else if value.chars().count() > MAX_TEXT {
        e.add(field, format!("{} must be {MAX_TEXT} characters or fewer", capitalise(what)));
    }
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next().map(|f| f.to_uppercase().chain(c).collect()).unwrap_or_default()
}

impl PeriodOfCare {
    /// The day the placement the child is in on `day` began, as a placement: a change of
    /// type alone (same carers, same address) is not a new placement.
    pub fn placement_began(&self, day: Date) -> Option<Date> {
        let now = self.placement_on(day)?;
        let upto = self.placements.iter().filter(|p| p.from <= now.from);
        upto.rev().take_while(|p| p.carer == now.carer && p.postcode == now.postcode).last().map(|p| p.from)
    }

    /// The days on which a placement began (each move, not a change of type alone).
    pub fn placement_starts(&self) -> Vec<Date> {
        let mut out: Vec<Date> = Vec::new();
        for (i, p) in self.placements.iter().enumerate() {
            let same = i > 0 && self.placements[i - 1].carer == p.carer && self.placements[i - 1].postcode == p.postcode;
            if !same {
                out.push(p.from);
            }
        }
        out
    }

    /// The last day of the period: its end, else `today`.
    fn last_day(&self, today: Date) -> Date {
        self.ended.map_or(today, |e| e.on)
    }

    /// Everything wrong with what was recorded during the period, each naming its field
    /// (`planning.<field>`); `born`: the child's date of birth, for the review's
    /// participation code; `today`: nothing is recorded as done in the future.
    pub fn check_planning(&self, born: Option<Date>, today: Date) -> Result<(), FieldErrors> {
        let p = &self.planning;
        let mut e = FieldErrors::new();
        let last = self.last_day(today);
        let within = |d: Date| self.start <= d && d <= last;
        let not_future = |e: &mut FieldErrors, field: &str, d: Date| {
            if d > today {
                e.add(field, "The date cannot be in the future");
            }
        };
        if let Some(d) = p.care_plan {
            not_future(&mut e, "planning.care_plan", d);
        }
        let starts = self.placement_starts();
        for (i, pp) in p.placement_plans.iter().enumerate() {
            let f = format!("planning.placement_plans[{i}].agreed");
            if !starts.contains(&pp.placement) {
                e.add(format!("planning.placement_plans[{i}].placement"), format!("No placement of this period began on {}", pp.placement));
            }
            not_future(&mut e, &f, pp.agreed);
        }
        if let Some(lt) = p.long_term {
            if !starts.contains(&lt.placement) {
                e.add("planning.long_term.placement", format!("No placement of this period began on {}", lt.placement));
            }
            if lt.agreed < lt.placement || !within(lt.agreed) {
                e.add("planning.long_term.agreed", "A placement is agreed as long-term while the child is in it");
            }
        }
        if let Some(pm) = p.permanence {
            not_future(&mut e, "planning.permanence.agreed", pm.agreed);
            if pm.agreed < self.start {
                e.add("planning.permanence.agreed", format!("The permanence plan is agreed while the child is looked after, from {}", self.start));
            }
        }
        if let Some(iro) = &p.iro {
            text(&mut e, "planning.iro.name", &iro.name, "the IRO's name");
            if !within(iro.from) {
                e.add("planning.iro.from", format!("An IRO is named for the child while they are looked after, from {}", self.start));
            }
        }
        for (i, r) in p.reviews.iter().enumerate() {
            let f = |x: &str| format!("planning.reviews[{i}].{x}");
            if !within(r.date) {
                e.add(f("date"), format!("A review is held while the child is looked after: between {} and {}", self.start, last));
            }
            if i > 0 && r.date <= p.reviews[i - 1].date {
                e.add(f("date"), format!("Reviews are recorded in order: the one before was on {}", p.reviews[i - 1].date));
            }
            text(&mut e, &f("iro"), &r.iro, "the name of the IRO who chaired the review");
            if r.decisions.len() > MAX_DECISIONS {
                e.add(f("decisions"), format!("A review records at most {MAX_DECISIONS} decisions"));
            }
            for (j, d) in r.decisions.iter().enumerate() {
                text(&mut e, &f(&format!("decisions[{j}].action")), &d.action, "the decision");
                if d.owner.chars().count() > MAX_TEXT {
                    e.add(f(&format!("decisions[{j}].owner")), format!("Who does it must be {MAX_TEXT} characters or fewer"));
                }
                if d.due.is_some_and(|b| b < r.date) {
                    e.add(f(&format!("decisions[{j}].due")), "A decision is to be done after the review that made it");
                }
            }
            if let Some(age) = born.and_then(|b| crate::person::age_on(b, r.date)) {
                match (age < 4, r.participation == Participation::UnderFour) {
                    (true, false) => e.add(f("participation"), format!("The child was {age} at the review: the code is PN0 ({})", Participation::UnderFour.label())),
                    (false, true) => e.add(f("participation"), format!("PN0 is for a child under 4; the child was {age} at the review")),
                    _ => {}
                }
            }
            if let Some(rep) = &r.report {
                report(&mut e, &f("report"), rep, Some(r.date));
            }
        }
        if let Some(rep) = &p.next_report {
            report(&mut e, "planning.next_report", rep, None);
            not_future(&mut e, "planning.next_report.ready", rep.ready);
            if rep.ready < self.start {
                e.add("planning.next_report.ready", format!("The report is written while the child is looked after, from {}", self.start));
            }
        }
        for (i, r) in p.visit_requests.iter().enumerate() {
            let f = format!("planning.visit_requests[{i}].on");
            if !within(r.on) {
                e.add(&f, format!("A visit is asked for while the child is looked after: between {} and {}", self.start, last));
            }
            not_future(&mut e, &f, r.on);
        }
        for (i, m) in p.missing.iter().enumerate() {
            let f = |x: &str| format!("planning.missing[{i}].{x}");
            if !within(m.start) {
                e.add(f("start"), format!("A missing episode is recorded while the child is looked after: between {} and {}", self.start, last));
            }
            not_future(&mut e, &f("start"), m.start);
            if let Some(end) = m.end {
                if end < m.start {
                    e.add(f("end"), "The child cannot return before they went missing");
                }
                not_future(&mut e, &f("end"), end);
            }
            if let Some(prev) = i.checked_sub(1).map(|j| &p.missing[j]) {
                match prev.end {
                    None => e.add(f("start"), format!("The child has been missing since {} and has not returned yet: record the return first", prev.start)),
                    Some(end) if m.start < end => e.add(f("start"), format!("Missing episodes cannot overlap: the one from {} ended on {end}", prev.start)),
                    Some(_) => {}
                }
            }
            if let Some(iv) = m.interview {
                match m.end {
                    None => e.add(f("interview"), "A return interview is offered once the child has returned"),
                    Some(end) if iv.offered < end => e.add(f("interview.offered"), "The return interview is offered after the child returned"),
                    Some(_) => {}
                }
                not_future(&mut e, &f("interview.offered"), iv.offered);
            }
        }
        if let Some(u) = p.uasc {
            if u.until.is_some_and(|until| until < u.from) {
                e.add("planning.uasc.until", "The child stops being an unaccompanied asylum seeker after they became one");
            }
            not_future(&mut e, "planning.uasc.from", u.from);
        }
        super::wellbeing::check(&p.health, &p.education, self.start, last, &mut e);
        super::contact::check(&p.contact, &p.contact_requests, self.start, last, &mut e);
        for (i, o) in p.offences.iter().enumerate() {
            if !within(o.on) {
                e.add(format!("planning.offences[{i}].on"), format!("An offence is recorded here while the child is looked after: between {} and {last}", self.start));
            }
            let age = born.and_then(|b| crate::person::age_on(b, o.on));
            if age.is_some_and(|a| a < 10) {
                e.add(format!("planning.offences[{i}].on"), "A child under 10 cannot be convicted or cautioned: the age of criminal responsibility is 10");
            }
            if o.outcome == OffenceOutcome::FinalWarning && o.on >= FINAL_WARNINGS_ENDED {
                e.add(format!("planning.offences[{i}].outcome"), "Final warnings and reprimands ended on 8 April 2013: choose a youth caution");
            }
        }
        e.into_result()
    }
}

/// A report is signed off after it is ready, shared after it is signed off, and both before
/// the review (`review`), when it has been held.
fn report(e: &mut FieldErrors, field: &str, r: &ReviewReport, review: Option<Date>) {
    if let Some(s) = r.signed_off
        && s.on < r.ready
    {
        e.add(format!("{field}.signed_off"), "A report is signed off after it is written");
    }
    if let Some(shared) = r.shared {
        match r.signed_off {
            None => e.add(format!("{field}.shared"), "A report is shared once a manager has signed it off"),
            Some(s) if shared < s.on => e.add(format!("{field}.shared"), format!("The report was signed off on {}: it is shared after that", s.on)),
            Some(_) => {}
        }
        if review.is_some_and(|d| shared > d) {
            e.add(format!("{field}.shared"), "The report is shared before the review");
        }
    }
}

#[cfg(test)]
mod tests;
