use super::*;
use crate::calendar;
use crate::care::codes::{CategoryOfNeed, PlacementProvider, PlacementType, ReasonEpisodeCeased, ReasonPlaceChange};
use crate::care::episodes::{Ending, LegalStatusFrom, Placement};
use crate::care::planning::{CareReview, Participation, PermanenceOption, PermanencePlan, PlacementPlan, ReviewReport};
use crate::care::postcode::Postcode;
use crate::care::provider::ProviderId;
use crate::policy::BATH_NE_SOMERSET_PACK;
use time::macros::date;

fn national() -> Pack {
    Pack::national()
}

fn seed() -> Pack {
    Pack::national().with_layer(BATH_NE_SOMERSET_PACK).unwrap()
}

fn placement(from: Date, carer: ProviderId, postcode: &str) -> Placement {
    Placement { from, kind: PlacementType::FosterOther, provider: PlacementProvider::OwnProvision, urn: None, postcode: Some(Postcode::parse(postcode).unwrap()), carer, reason: Some(ReasonPlaceChange::CarerRequestOther) }
}

/// Accommodated under section 20 on Monday 15 December 2025, with the Lees, ten days before
/// the Christmas bank holidays.
fn period() -> PeriodOfCare {
    let start = date!(2025 - 12 - 15);
    PeriodOfCare {
        start, start_time: None,
        need: CategoryOfNeed::AbsentParenting,
        home_postcode: None,
        legal_statuses: vec![LegalStatusFrom { from: start, status: LegalStatus::Section20 }],
        placements: vec![placement(start, ProviderId::new(), "TW2 5AB")],
        ended: None,
        planning: Default::default(),
    }
}

fn review(date: Date) -> CareReview {
    CareReview { date, iro: "Irene Olu".into(), participation: Participation::SpeaksForThemselves, decisions: vec![], report: None }
}

struct Due(Vec<DueStep>);

impl Due {
    fn of(p: &PeriodOfCare, visits: &[Date], today: Date, pack: &Pack) -> Due {
        Due(due_steps("p", p, Facts { visits, last_team_change: None, today, born: None }, pack, calendar::shipped()).unwrap())
    }

    fn with_team_change(p: &PeriodOfCare, changed: Date, today: Date) -> Due {
        Due(due_steps("p", p, Facts { visits: &[], last_team_change: Some(changed), today, born: None }, &seed(), calendar::shipped()).unwrap())
    }

    fn date(&self, kind: TaskKind) -> Option<Date> {
        self.0.iter().find(|s| s.kind == kind).map(|s| s.deadline.due.date())
    }

    fn key(&self, kind: TaskKind) -> Option<&str> {
        self.0.iter().find(|s| s.kind == kind).map(|s| s.step.as_str())
    }
}

#[test]
fn becoming_looked_after_makes_the_plans_the_first_visit_and_the_first_review_due_across_christmas() {
    let p = period();
    let d = Due::of(&p, &[], p.start, &national());
    // 10 working days, not counting Christmas Day and Boxing Day.
    assert_eq!(d.date(TaskKind::CarePlan), Some(date!(2025 - 12 - 31)));
    assert_eq!(d.date(TaskKind::PlacementPlan), Some(date!(2025 - 12 - 22)));
    // A week is seven days (a Monday here; see below for one ending on a holiday).
    assert_eq!(d.date(TaskKind::CareVisit), Some(date!(2025 - 12 - 22)));
    // 20 working days: Christmas, Boxing Day and New Year's Day are not counted.
    assert_eq!(d.date(TaskKind::LookedAfterReview), Some(date!(2026 - 01 - 15)));
    // By the second review: three months after the first is due.
    assert_eq!(d.date(TaskKind::PermanencePlan), Some(date!(2026 - 04 - 15)));
    assert_eq!(d.date(TaskKind::ReviewReportSignOff), None);
    assert_eq!(d.date(TaskKind::CareTransfer), None);
}

#[test]
fn reviews_follow_regulation_33_from_the_one_before() {
    let mut p = period();
    p.planning.reviews.push(review(date!(2026 - 01 - 12)));
    // Three months after the first: Sunday 12 April, so the Friday before.
    let d = Due::of(&p, &[], date!(2026 - 01 - 12), &national());
    assert_eq!((d.date(TaskKind::LookedAfterReview), d.key(TaskKind::LookedAfterReview)), (Some(date!(2026 - 04 - 10)), Some("care:p:review:2")));
    assert_eq!(d.date(TaskKind::PermanencePlan), Some(date!(2026 - 04 - 10)));
    p.planning.reviews.push(review(date!(2026 - 04 - 08)));
    let d = Due::of(&p, &[], date!(2026 - 04 - 08), &national());
    assert_eq!((d.date(TaskKind::LookedAfterReview), d.key(TaskKind::LookedAfterReview)), (Some(date!(2026 - 10 - 08)), Some("care:p:review:3")));
    p.planning.permanence = Some(PermanencePlan { agreed: date!(2026 - 04 - 08), plan: PermanenceOption::ReturnHome });
    assert_eq!(Due::of(&p, &[], date!(2026 - 04 - 08), &national()).date(TaskKind::PermanencePlan), None);
}

#[test]
fn the_report_waits_for_sign_off_until_the_review() {
    let mut p = period();
    p.planning.next_report = Some(ReviewReport { ready: date!(2026 - 01 - 05), signed_off: None, shared: None });
    let d = Due::of(&p, &[], date!(2026 - 01 - 05), &national());
    assert_eq!((d.date(TaskKind::ReviewReportSignOff), d.key(TaskKind::ReviewReportSignOff)), (Some(date!(2026 - 01 - 15)), Some("care:p:review:1:report")));
    p.planning.next_report.as_mut().unwrap().signed_off = Some(crate::care::planning::SignOff { by: crate::UserId::new(), on: date!(2026 - 01 - 06) });
    assert_eq!(Due::of(&p, &[], date!(2026 - 01 - 06), &national()).date(TaskKind::ReviewReportSignOff), None);
}

#[test]
fn visits_follow_regulation_28_and_start_again_after_a_move() {
    let mut p = period();
    let today = date!(2025 - 12 - 19);
    // Six weeks after the last visit, and a new key so a new task.
    let d = Due::of(&p, &[date!(2025 - 12 - 19), date!(2025 - 12 - 10)], today, &national());
    assert_eq!((d.date(TaskKind::CareVisit), d.key(TaskKind::CareVisit)), (Some(date!(2026 - 01 - 30)), Some("care:p:visit:after:2025-12-19")));
    // A move to new carers: within a week of it, whatever the visits before.
    p.placements.push(placement(date!(2026 - 03 - 02), ProviderId::new(), "KT1 2AB"));
    let d = Due::of(&p, &[date!(2026 - 02 - 27)], date!(2026 - 03 - 02), &national());
    assert_eq!((d.date(TaskKind::CareVisit), d.key(TaskKind::CareVisit)), (Some(date!(2026 - 03 - 09)), Some("care:p:visit:first:2026-03-02")));
    // And a placement plan for the new placement (5 working days), none for the old one.
    p.planning.placement_plans.push(PlacementPlan { placement: date!(2025 - 12 - 15), agreed: date!(2025 - 12 - 16) });
    let d = Due::of(&p, &[], date!(2026 - 03 - 02), &national());
    assert_eq!((d.date(TaskKind::PlacementPlan), d.key(TaskKind::PlacementPlan)), (Some(date!(2026 - 03 - 09)), Some("care:p:placement_plan:2026-03-02")));
    p.planning.placement_plans.push(PlacementPlan { placement: date!(2026 - 03 - 02), agreed: date!(2026 - 03 - 03) });
    assert_eq!(Due::of(&p, &[], date!(2026 - 03 - 03), &national()).date(TaskKind::PlacementPlan), None);
}

#[test]
fn a_long_term_placement_is_visited_three_monthly_after_its_first_year() {
    let mut p = period();
    p.planning.long_term = Some(PlacementPlan { placement: p.start, agreed: date!(2026 - 03 - 01) });
    // Within the first year: six weeks.
    assert_eq!(Due::of(&p, &[date!(2026 - 12 - 10)], date!(2026 - 12 - 10), &national()).date(TaskKind::CareVisit), Some(date!(2027 - 01 - 21)));
    // After it: three months (Saturday 20 March 2027, so the Friday before).
    assert_eq!(Due::of(&p, &[date!(2026 - 12 - 20)], date!(2026 - 12 - 20), &national()).date(TaskKind::CareVisit), Some(date!(2027 - 03 - 19)));
    // Not agreed as long-term: still six weeks (Sunday 31 January, so the Friday before).
    p.planning.long_term = None;
    assert_eq!(Due::of(&p, &[date!(2026 - 12 - 20)], date!(2026 - 12 - 20), &national()).date(TaskKind::CareVisit), Some(date!(2027 - 01 - 29)));
}

#[test]
fn a_section_20_case_transfers_after_its_first_review_under_the_seed_pack() {
    let mut p = period();
    assert_eq!(Due::of(&p, &[], p.start, &seed()).date(TaskKind::CareTransfer), None);
    p.planning.reviews.push(review(date!(2026 - 01 - 12)));
    let d = Due::of(&p, &[], date!(2026 - 01 - 12), &seed());
    assert_eq!(d.date(TaskKind::CareTransfer), Some(date!(2026 - 01 - 19)));
    assert_eq!(Due::of(&p, &[], date!(2026 - 01 - 12), &national()).date(TaskKind::CareTransfer), None);
    // Moved team since the review: done. Moved before it: still due.
    assert_eq!(Due::with_team_change(&p, date!(2026 - 01 - 14), date!(2026 - 01 - 14)).date(TaskKind::CareTransfer), None);
    assert_eq!(Due::with_team_change(&p, date!(2026 - 01 - 02), date!(2026 - 01 - 14)).date(TaskKind::CareTransfer), Some(date!(2026 - 01 - 19)));
    // Under an interim care order by the review: not a section 20 case.
    p.legal_statuses.push(LegalStatusFrom { from: date!(2026 - 01 - 08), status: LegalStatus::InterimCareOrder });
    assert_eq!(Due::of(&p, &[], date!(2026 - 01 - 12), &seed()).date(TaskKind::CareTransfer), None);
}

#[test]
fn nothing_is_due_once_care_has_ended() {
    let mut p = period();
    p.ended = Some(Ending { on: date!(2026 - 01 - 09), reason: ReasonEpisodeCeased::HomePlanned });
    assert!(Due::of(&p, &[], date!(2026 - 01 - 09), &national()).0.is_empty());
}

#[test]
fn health_assessments_and_peps_fall_due_by_age_and_term() {
    use crate::care::wellbeing::{HealthCheck, HealthCheckKind};
    let mut p = period();
    let due = |p: &PeriodOfCare, born: Date, today: Date| Due(due_steps("p", p, Facts { visits: &[], last_team_change: None, today, born: Some(born) }, &national(), calendar::shipped()).unwrap());
    let (toddler, nine, seventeen) = (date!(2023 - 06 - 01), date!(2016 - 06 - 01), date!(2008 - 06 - 01));
    // Within 20 working days (not counting Christmas, Boxing Day and New Year's Day); the
    // first PEP within 10.
    let d = due(&p, nine, p.start);
    assert_eq!((d.date(TaskKind::InitialHealthAssessment), d.date(TaskKind::HealthAssessment)), (Some(date!(2026 - 01 - 15)), None));
    assert_eq!(d.date(TaskKind::PersonalEducationPlan), Some(date!(2025 - 12 - 31)));
    // After the initial assessment: six months under 5, a year from 5.
    p.planning.health.push(HealthCheck { kind: HealthCheckKind::InitialAssessment, on: date!(2026 - 01 - 08), score: None });
    assert_eq!(due(&p, toddler, date!(2026 - 01 - 08)).date(TaskKind::HealthAssessment), Some(date!(2026 - 07 - 08)));
    let d = due(&p, nine, date!(2026 - 01 - 08));
    assert_eq!((d.date(TaskKind::InitialHealthAssessment), d.date(TaskKind::HealthAssessment)), (None, Some(date!(2027 - 01 - 08))));
    // A dental check is not an assessment.
    p.planning.health.push(HealthCheck { kind: HealthCheckKind::Dental, on: date!(2026 - 02 - 08), score: None });
    assert_eq!(due(&p, nine, date!(2026 - 02 - 08)).key(TaskKind::HealthAssessment), Some("care:p:health:after:2026-01-08"));
    // A PEP in the spring term: the next by the end of the summer term.
    p.planning.education.peps.push(date!(2026 - 01 - 09));
    let d = due(&p, nine, date!(2026 - 01 - 09));
    assert_eq!((d.date(TaskKind::PersonalEducationPlan), d.key(TaskKind::PersonalEducationPlan)), (Some(date!(2026 - 07 - 31)), Some("care:p:pep:after:2026-01-09")));
    // No PEP past school age.
    assert_eq!(due(&p, seventeen, date!(2026 - 07 - 01)).date(TaskKind::PersonalEducationPlan), None);
}

#[test]
fn a_move_in_years_10_and_11_needs_transport_to_keep_the_school() {
    let mut p = period();
    let born = date!(2011 - 03 - 15);
    let due = |p: &PeriodOfCare, today: Date| Due(due_steps("p", p, Facts { visits: &[], last_team_change: None, today, born: Some(born) }, &national(), calendar::shipped()).unwrap());
    // The first placement is not a move; a school must be known.
    assert_eq!(due(&p, date!(2026 - 03 - 02)).date(TaskKind::SchoolTransport), None);
    p.placements.push(placement(date!(2026 - 03 - 02), ProviderId::new(), "KT1 2AB"));
    assert_eq!(due(&p, date!(2026 - 03 - 02)).date(TaskKind::SchoolTransport), None);
    p.planning.education.school = Some("Oldfield School".into());
    assert_eq!(due(&p, date!(2026 - 03 - 02)).date(TaskKind::SchoolTransport), Some(date!(2026 - 03 - 09)));
    p.planning.education.transport.push(date!(2026 - 03 - 04));
    assert_eq!(due(&p, date!(2026 - 03 - 04)).date(TaskKind::SchoolTransport), None);
}

#[test]
fn a_visit_the_child_or_iro_asks_for_brings_the_next_visit_forward() {
    use crate::care::planning::{VisitRequest, VisitRequester};
    let mut p = period();
    let visited = date!(2026 - 01 - 05);
    // Six weeks after the last visit...
    assert_eq!(Due::of(&p, &[visited], date!(2026 - 01 - 12), &national()).date(TaskKind::CareVisit), Some(date!(2026 - 02 - 16)));
    // ...until the child asks on Monday 12 January: five working days.
    p.planning.visit_requests.push(VisitRequest { by: VisitRequester::Child, on: date!(2026 - 01 - 12) });
    let d = Due::of(&p, &[visited], date!(2026 - 01 - 12), &national());
    assert_eq!((d.date(TaskKind::CareVisit), d.key(TaskKind::CareVisit)), (Some(date!(2026 - 01 - 19)), Some("care:p:visit:asked:2026-01-12")));
    // The visit made answers it: six weeks from then again.
    let d = Due::of(&p, &[visited, date!(2026 - 01 - 15)], date!(2026 - 01 - 15), &national());
    assert_eq!(d.key(TaskKind::CareVisit), Some("care:p:visit:after:2026-01-15"));
    // A request made when the regular visit is sooner anyway changes nothing.
    p.planning.visit_requests.push(VisitRequest { by: VisitRequester::Iro, on: date!(2026 - 02 - 25) });
    let d = Due::of(&p, &[date!(2026 - 01 - 20)], date!(2026 - 02 - 25), &national());
    assert_eq!(d.key(TaskKind::CareVisit), Some("care:p:visit:after:2026-01-20"));
}

#[test]
fn a_week_that_ends_on_a_bank_holiday_is_due_the_working_day_before() {
    // Placed on Friday 18 December 2026: a week later is Christmas Day, so the Thursday.
    let mut p = period();
    p.placements.push(placement(date!(2026 - 12 - 18), ProviderId::new(), "KT1 2AB"));
    let d = Due::of(&p, &[], date!(2026 - 12 - 18), &national());
    assert_eq!(d.date(TaskKind::CareVisit), Some(date!(2026 - 12 - 24)));
}

#[test]
fn a_series_of_short_breaks_is_reviewed_and_visited_under_regulation_48() {
    let mut p = period();
    p.legal_statuses[0].status = LegalStatus::ShortBreakAgreement;
    let d = Due::of(&p, &[], p.start, &national());
    // The short break care plan, a visit and a review within 3 months (Sunday 15 March 2026,
    // so the Friday before); nothing of full care.
    let kinds: Vec<TaskKind> = d.0.iter().map(|s| s.kind).collect();
    assert_eq!(kinds, [TaskKind::CarePlan, TaskKind::CareVisit, TaskKind::LookedAfterReview]);
    assert_eq!(d.date(TaskKind::CareVisit), Some(date!(2026 - 03 - 13)));
    assert_eq!(d.date(TaskKind::LookedAfterReview), Some(date!(2026 - 03 - 13)));
    // Then 6-monthly reviews and 3-monthly visits.
    p.planning.reviews.push(review(date!(2026 - 03 - 10)));
    let d = Due::of(&p, &[date!(2026 - 03 - 10)], date!(2026 - 03 - 10), &national());
    assert_eq!(d.date(TaskKind::LookedAfterReview), Some(date!(2026 - 09 - 10)));
    assert_eq!((d.date(TaskKind::CareVisit), d.key(TaskKind::CareVisit)), (Some(date!(2026 - 06 - 10)), Some("care:p:visit:after:2026-03-10")));
}
