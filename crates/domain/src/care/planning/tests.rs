use super::*;
use crate::care::codes::{CategoryOfNeed, LegalStatus, PlacementProvider, PlacementType, ReasonEpisodeCeased, ReasonPlaceChange};
use crate::care::episodes::{Ending, LegalStatusFrom, Placement};
use crate::care::postcode::Postcode;
use crate::care::provider::ProviderId;
use time::macros::date;

const TODAY: Date = date!(2026 - 06 - 01);

fn placement(from: Date, carer: ProviderId, postcode: &str, kind: PlacementType) -> Placement {
    Placement { from, kind, provider: PlacementProvider::OwnProvision, urn: None, postcode: Some(Postcode::parse(postcode).unwrap()), carer, reason: Some(ReasonPlaceChange::CarerRequestOther) }
}

/// Looked after from 5 January 2026: the Lees (TW2), the same carers agreed long-term
/// (a change of type only) on 2 February, then the Khans (KT1) from 2 March.
fn period() -> PeriodOfCare {
    let (lee, khan) = (ProviderId::new(), ProviderId::new());
    let start = date!(2026 - 01 - 05);
    PeriodOfCare {
        start, start_time: None,
        need: CategoryOfNeed::AbuseOrNeglect,
        home_postcode: None,
        legal_statuses: vec![LegalStatusFrom { from: start, status: LegalStatus::InterimCareOrder }],
        placements: vec![
            placement(start, lee, "TW2 5AB", PlacementType::FosterOther),
            placement(date!(2026 - 02 - 02), lee, "TW2 5AB", PlacementType::FosterLongTerm),
            placement(date!(2026 - 03 - 02), khan, "KT1 2AB", PlacementType::FosterOther),
        ],
        ended: None,
        planning: Planning::default(),
    }
}

fn review(date: Date, participation: Participation) -> CareReview {
    CareReview { date, iro: "Irene Olu".into(), participation, decisions: vec![ReviewDecision { action: "Contact with mother weekly".into(), owner: "Social worker".into(), due: Some(date!(2026 - 05 - 01)) }], report: None }
}

fn errors(p: &PeriodOfCare, born: Option<Date>) -> Vec<String> {
    p.check_planning(born, TODAY).err().map(|e| e.0.into_iter().map(|e| e.field).collect()).unwrap_or_default()
}

#[test]
fn a_change_of_type_with_the_same_carers_and_address_is_not_a_new_placement() {
    let p = period();
    assert_eq!(p.placement_starts(), vec![date!(2026 - 01 - 05), date!(2026 - 03 - 02)]);
    assert_eq!(p.placement_began(date!(2026 - 02 - 20)), Some(date!(2026 - 01 - 05)));
    assert_eq!(p.placement_began(date!(2026 - 03 - 02)), Some(date!(2026 - 03 - 02)));
    assert_eq!(p.placement_began(date!(2026 - 01 - 04)), None);
}

#[test]
fn reviews_are_held_in_the_period_in_order_with_the_participation_code_for_the_age() {
    let mut p = period();
    p.planning.reviews = vec![review(date!(2026 - 01 - 30), Participation::SpeaksForThemselves), review(date!(2026 - 04 - 24), Participation::BriefsAdvocate)];
    assert_eq!(errors(&p, Some(date!(2014 - 01 - 01))), Vec::<String>::new());
    // PN0 is for a child under 4, and only for them.
    assert_eq!(errors(&p, Some(date!(2023 - 01 - 01))), vec!["planning.reviews[0].participation", "planning.reviews[1].participation"]);
    p.planning.reviews[0].participation = Participation::UnderFour;
    assert_eq!(errors(&p, Some(date!(2014 - 01 - 01))), vec!["planning.reviews[0].participation"]);
    // Before care began, out of order, with no IRO, a decision due before the review.
    let mut p = period();
    p.planning.reviews = vec![review(date!(2026 - 04 - 24), Participation::NotConveyed), review(date!(2025 - 12 - 30), Participation::NotConveyed)];
    p.planning.reviews[0].iro = " ".into();
    p.planning.reviews[0].decisions[0].due = Some(date!(2026 - 04 - 01));
    assert_eq!(errors(&p, None), vec!["planning.reviews[0].iro", "planning.reviews[0].decisions[0].due", "planning.reviews[1].date", "planning.reviews[1].date"]);
    // After care ended.
    let mut p = period();
    p.ended = Some(Ending { on: date!(2026 - 04 - 01), reason: ReasonEpisodeCeased::HomePlanned });
    p.planning.reviews = vec![review(date!(2026 - 04 - 24), Participation::NotConveyed)];
    assert_eq!(errors(&p, None), vec!["planning.reviews[0].date"]);
}

#[test]
fn a_report_is_signed_off_then_shared_before_the_review() {
    let mut p = period();
    let by = UserId::new();
    let mut r = review(date!(2026 - 01 - 30), Participation::NotConveyed);
    r.report = Some(ReviewReport { ready: date!(2026 - 01 - 20), signed_off: Some(SignOff { by, on: date!(2026 - 01 - 22) }), shared: Some(date!(2026 - 01 - 23)) });
    p.planning.reviews = vec![r];
    assert_eq!(errors(&p, None), Vec::<String>::new());
    let rep = p.planning.reviews[0].report.as_mut().unwrap();
    rep.shared = Some(date!(2026 - 02 - 02));
    assert_eq!(errors(&p, None), vec!["planning.reviews[0].report.shared"]);
    p.planning.reviews[0].report = Some(ReviewReport { ready: date!(2026 - 01 - 20), signed_off: None, shared: Some(date!(2026 - 01 - 21)) });
    assert_eq!(errors(&p, None), vec!["planning.reviews[0].report.shared"]);
    p.planning.reviews[0].report = Some(ReviewReport { ready: date!(2026 - 01 - 20), signed_off: Some(SignOff { by, on: date!(2026 - 01 - 19) }), shared: None });
    assert_eq!(errors(&p, None), vec!["planning.reviews[0].report.signed_off"]);
}

#[test]
fn missing_episodes_are_in_the_period_in_order_and_never_overlap() {
    let mut p = period();
    let ep = |start, end, offered: Option<Date>| MissingEpisode { kind: MissingKind::Missing, start, end, interview: offered.map(|offered| ReturnInterview { offered, accepted: true }) };
    p.planning.missing = vec![ep(date!(2026 - 02 - 10), Some(date!(2026 - 02 - 11)), Some(date!(2026 - 02 - 13))), ep(date!(2026 - 03 - 01), None, None)];
    assert_eq!(errors(&p, None), Vec::<String>::new());
    assert_eq!(p.planning.missing[0].interview_in_time(), Some(true));
    p.planning.missing[0].interview = Some(ReturnInterview { offered: date!(2026 - 02 - 16), accepted: false });
    assert_eq!(p.planning.missing[0].interview_in_time(), Some(false));
    // Overlapping, ending before it began, an interview before the return or with no
    // return, before care began, and in the future.
    p.planning.missing = vec![
        ep(date!(2026 - 02 - 10), Some(date!(2026 - 02 - 20)), Some(date!(2026 - 02 - 19))),
        ep(date!(2026 - 02 - 15), Some(date!(2026 - 02 - 14)), None),
        ep(date!(2026 - 03 - 01), None, Some(date!(2026 - 03 - 02))),
    ];
    assert_eq!(errors(&p, None), vec!["planning.missing[0].interview.offered", "planning.missing[1].end", "planning.missing[1].start", "planning.missing[2].interview"]);
    p.planning.missing = vec![ep(date!(2025 - 12 - 01), Some(date!(2025 - 12 - 02)), None), ep(date!(2026 - 07 - 01), None, None)];
    assert_eq!(errors(&p, None), vec!["planning.missing[0].start", "planning.missing[1].start", "planning.missing[1].start"]);
}

#[test]
fn plans_name_a_placement_of_the_period_and_are_not_dated_ahead() {
    let mut p = period();
    p.planning.care_plan = Some(date!(2026 - 01 - 02));
    p.planning.placement_plans = vec![PlacementPlan { placement: date!(2026 - 03 - 02), agreed: date!(2026 - 03 - 04) }];
    p.planning.long_term = Some(PlacementPlan { placement: date!(2026 - 03 - 02), agreed: date!(2026 - 05 - 01) });
    p.planning.permanence = Some(PermanencePlan { agreed: date!(2026 - 04 - 24), plan: PermanenceOption::LongTermFostering });
    p.planning.iro = Some(NamedIro { name: "Irene Olu".into(), from: date!(2026 - 01 - 06), user: None });
    p.planning.uasc = Some(Uasc { from: date!(2026 - 01 - 05), until: None });
    assert_eq!(errors(&p, None), Vec::<String>::new());
    p.planning.care_plan = Some(date!(2026 - 07 - 01));
    p.planning.placement_plans[0].placement = date!(2026 - 02 - 02);
    p.planning.long_term = Some(PlacementPlan { placement: date!(2026 - 03 - 02), agreed: date!(2026 - 02 - 01) });
    p.planning.iro = Some(NamedIro { name: "Irene Olu".into(), from: date!(2025 - 01 - 06), user: None });
    p.planning.uasc = Some(Uasc { from: date!(2026 - 01 - 05), until: Some(date!(2026 - 01 - 04)) });
    assert_eq!(
        errors(&p, None),
        vec!["planning.care_plan", "planning.placement_plans[0].placement", "planning.long_term.agreed", "planning.iro.from", "planning.uasc.until"]
    );
}

#[test]
fn the_code_lists_are_distinct() {
    crate::codes::assert_distinct::<Participation>();
    crate::codes::assert_distinct::<MissingKind>();
    crate::codes::assert_distinct::<PermanenceOption>();
}

#[test]
fn offences_are_for_children_of_10_or_over_while_looked_after() {
    let mut p = period();
    p.planning.offences = vec![Offence { outcome: OffenceOutcome::YouthCaution, on: date!(2026 - 03 - 01) }];
    assert_eq!(errors(&p, Some(date!(2012 - 01 - 01))), Vec::<String>::new());
    assert_eq!(errors(&p, Some(date!(2017 - 01 - 01))), vec!["planning.offences[0].on"]);
    p.planning.offences = vec![Offence { outcome: OffenceOutcome::FinalWarning, on: date!(2025 - 03 - 01) }];
    assert_eq!(errors(&p, Some(date!(2012 - 01 - 01))), vec!["planning.offences[0].on", "planning.offences[0].outcome"]);
    crate::codes::assert_distinct::<OffenceOutcome>();
}
