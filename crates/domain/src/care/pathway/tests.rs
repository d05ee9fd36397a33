use super::*;
use crate::care::leaving::status_on;
use proptest::prelude::*;
use time::macros::date;

fn spell(from: Date, to: Option<Date>) -> Spell {
    Spell { from, to, short_break: false, returned_home: false }
}

fn cx(born: Date, status: Status, today: Date) -> ChangeContext {
    ChangeContext { born: Some(born), status, looked_after: status == Status::Eligible, today, by: UserId::new() }
}

const BORN: Date = date!(2007 - 06 - 10);

fn record() -> CareLeaverRecord {
    CareLeaverRecord::new(PersonId::new())
}

#[test]
fn a_plan_follows_the_needs_assessment_and_its_reviews_follow_it() {
    let mut r = record();
    let today = date!(2025 - 01 - 10);
    let c = cx(BORN, Status::Relevant, today);
    let plan = |d: Date| CareLeaverChange::Plan { agreed: d, views: "I want my own flat near college".into() };
    let e = r.apply(plan(date!(2024 - 09 - 01)), c).unwrap_err();
    assert_eq!(e.0[0].field, "plan.agreed", "no assessment yet");
    r.apply(CareLeaverChange::NeedsAssessment(date!(2024 - 08 - 20)), c).unwrap();
    r.apply(plan(date!(2024 - 09 - 01)), c).unwrap();
    assert!(!r.plans[0].review);
    assert_eq!(plan_due(Some(&r), None, &six_months), Some(date!(2025 - 03 - 01)), "six months on");
    // The national pack's rule: six months, moved back off the weekend to Friday.
    let pack = crate::policy::Pack::national();
    let cal = crate::calendar::Calendar::shipped();
    assert_eq!(plan_due(Some(&r), None, &|d, n| review_due(&pack, &cal, d, n)), Some(date!(2025 - 02 - 28)));
    let e = r.apply(plan(date!(2024 - 09 - 01)), c).unwrap_err();
    assert_eq!(e.0[0].field, "plan.agreed", "a review on the plan's own day");
    let e = r.apply(CareLeaverChange::Plan { agreed: date!(2024 - 12 - 01), views: "  ".into() }, c).unwrap_err();
    assert_eq!(e.0[0].field, "plan.views", "the young person's views are part of the plan");
    r.apply(plan(date!(2024 - 12 - 01)), c).unwrap();
    assert!(r.plans[1].review);
    r.apply(CareLeaverChange::SignOff, c).unwrap();
    assert_eq!(r.plans[1].signed_off.map(|s| s.on), Some(today));
    assert!(r.apply(CareLeaverChange::SignOff, c).is_err(), "signed off once");
    let e = r.apply(plan(date!(2025 - 02 - 01)), c).unwrap_err();
    assert_eq!(e.0[0].field, "plan.agreed", "not in the future");
}

#[test]
fn a_pathway_plan_is_refused_for_someone_who_is_not_a_care_leaver() {
    let mut r = record();
    let today = date!(2025 - 01 - 10);
    for status in [Status::None, Status::Qualifying] {
        let e = r.apply(CareLeaverChange::NeedsAssessment(today), cx(BORN, status, today)).unwrap_err();
        assert_eq!(e.0[0].field, "needs_assessment");
        assert!(e.0[0].message.contains("pathway plan are for eligible"), "{}", e.0[0].message);
    }
    assert_eq!(r, CareLeaverRecord { id: r.id, child: r.child, ..CareLeaverRecord::new(r.child) });
}

#[test]
fn a_personal_adviser_comes_in_the_16th_year() {
    let mut r = record();
    let today = date!(2023 - 01 - 10);
    let pa = |from: Date| CareLeaverChange::Adviser(Adviser { user: UserId::new(), name: "Pat Adviser".into(), from });
    let e = r.apply(pa(date!(2022 - 06 - 01)), cx(BORN, Status::None, today)).unwrap_err();
    assert!(e.0[0].message.contains("16th year"), "before the 15th birthday");
    // A looked-after 15-year-old, not yet eligible, may be given one; one never looked after may not.
    assert_eq!(r.apply(pa(date!(2023 - 01 - 01)), cx(BORN, Status::None, today)).unwrap_err().0[0].field, "adviser.user");
    r.apply(pa(date!(2023 - 01 - 01)), ChangeContext { looked_after: true, ..cx(BORN, Status::None, today) }).unwrap();
    assert_eq!(r.adviser_on(today).map(|a| a.name.as_str()), Some("Pat Adviser"));
    // At 19, someone who was never looked after at 16 is not a care leaver.
    let e = r.apply(pa(date!(2026 - 07 - 01)), cx(BORN, Status::None, date!(2026 - 07 - 01))).unwrap_err();
    assert_eq!(e.0[0].field, "adviser.user");
    let e = r.apply(pa(date!(2022 - 12 - 01)), cx(BORN, Status::Eligible, today)).unwrap_err();
    assert!(e.0[0].message.contains("before the last one"));
}

#[test]
fn staying_put_is_from_18_to_21_and_sleep_ins_are_for_independent_living() {
    let mut r = record();
    let today = date!(2025 - 01 - 10);
    let c = cx(BORN, Status::FormerRelevant, today);
    let arrangement = |kind, from, until, sleep_in| CareLeaverChange::Arrangement(Arrangement { number: 0, kind, from, until, with: " Mr and Mrs Hale ".into(), sleep_in });
    let e = r.apply(arrangement(ArrangementKind::StayingPut, date!(2025 - 06 - 01), None, false), c).unwrap_err();
    assert!(e.0[0].message.contains("10 June 2025"), "{}", e.0[0].message);
    let e = r.apply(arrangement(ArrangementKind::StayingPut, date!(2025 - 06 - 10), Some(date!(2028 - 07 - 01)), false), c).unwrap_err();
    assert_eq!(e.0[0].field, "arrangement.from");
    r.apply(arrangement(ArrangementKind::StayingPut, date!(2025 - 06 - 10), None, false), c).unwrap();
    assert_eq!(r.arrangements[0].with, "Mr and Mrs Hale");
    let e = r.apply(arrangement(ArrangementKind::SupportedLodgings, date!(2025 - 06 - 10), None, true), c).unwrap_err();
    assert_eq!(e.0[0].field, "arrangement.sleep_in");
    r.apply(arrangement(ArrangementKind::IndependentLiving, date!(2028 - 06 - 10), None, true), c).unwrap();
    assert_eq!(r.arrangements[1].number, 2);
    r.apply(CareLeaverChange::EndArrangement { number: 1, on: date!(2028 - 06 - 09) }, c).unwrap();
    assert!(r.apply(CareLeaverChange::EndArrangement { number: 9, on: today }, c).is_err());
}

#[test]
fn accommodation_and_activity_are_dated_facts_with_the_dfe_codes() {
    let mut r = record();
    let today = date!(2025 - 01 - 10);
    let c = cx(BORN, Status::FormerRelevant, today);
    let e = r.apply(CareLeaverChange::Housed(Housed { from: date!(2024 - 07 - 01), accommodation: Accommodation::NoFixedAbode, suitable: true }), c).unwrap_err();
    assert_eq!(e.0[0].field, "housing.suitable");
    r.apply(CareLeaverChange::Housed(Housed { from: date!(2024 - 09 - 01), accommodation: Accommodation::Independent, suitable: true }), c).unwrap();
    r.apply(CareLeaverChange::Housed(Housed { from: date!(2024 - 07 - 01), accommodation: Accommodation::BedAndBreakfast, suitable: false }), c).unwrap();
    assert_eq!(r.housed_on(date!(2024 - 08 - 01)).map(Housed::code).as_deref(), Some("W2"), "recorded out of order, read in date order");
    assert_eq!(r.housed_on(today).map(Housed::code).as_deref(), Some("U1"));
    r.apply(CareLeaverChange::Occupied(Occupied { from: date!(2024 - 09 - 01), activity: Activity::EducationFullTime }), c).unwrap();
    assert!(r.occupied_on(today).unwrap().activity.is_education_or_training());
    assert!(Activity::NeetParenting.is_neet() && !Activity::NeetParenting.is_education_or_training());
    assert!(!Activity::EmploymentFullTime.is_education_or_training() && !Activity::EmploymentFullTime.is_neet());
}

#[test]
fn a_payment_needs_an_amount_and_a_care_leaver() {
    let mut r = record();
    let today = date!(2025 - 01 - 10);
    let pay = |pence| CareLeaverChange::Payment(Payment { on: today, kind: PaymentKind::SettingUpHome, pence, note: "".into() });
    assert_eq!(r.apply(pay(0), cx(BORN, Status::FormerRelevant, today)).unwrap_err().0[0].field, "payment.amount");
    assert_eq!(r.apply(pay(300_000), cx(BORN, Status::None, today)).unwrap_err().0[0].field, "payment.kind");
    r.apply(pay(300_000), cx(BORN, Status::FormerRelevant, today)).unwrap();
}

#[test]
fn contact_around_each_birthday_from_17_to_21() {
    let contacts = [
        Contact { on: date!(2024 - 04 - 01), outcome: InTouch::Yes },
        Contact { on: date!(2024 - 06 - 01), outcome: InTouch::Yes },
        Contact { on: date!(2025 - 07 - 01), outcome: InTouch::No },
    ];
    assert!(birthday_contacts(BORN, None, &contacts, date!(2025 - 06 - 01)).is_empty(), "still in care");
    assert_eq!(birthday_contacts(BORN, Some(date!(2024 - 08 - 01)), &contacts, date!(2025 - 06 - 01)).len(), 1, "left care after the 17th birthday");
    let b = birthday_contacts(BORN, Some(date!(2023 - 06 - 01)), &contacts[..2], date!(2025 - 06 - 01));
    assert_eq!(b.len(), 2, "the 17th and 18th birthdays' windows have opened: {b:?}");
    assert_eq!(b[0].birthday, date!(2024 - 06 - 10));
    assert_eq!((b[0].from, b[0].until), (date!(2024 - 03 - 10), date!(2024 - 07 - 10)));
    assert_eq!(b[0].contact.map(|c| c.on), Some(date!(2024 - 06 - 01)), "the one nearest the birthday");
    assert_eq!(b[1].contact, None, "not yet");
    let b = birthday_contacts(BORN, Some(date!(2023 - 06 - 01)), &contacts, date!(2025 - 08 - 01));
    assert_eq!(b[1].contact.map(|c| c.outcome), Some(InTouch::No), "a month after the 18th birthday counts");
}

#[test]
fn the_status_rules_read_short_breaks_and_returns_home_from_the_periods() {
    use crate::care::codes::{CategoryOfNeed, LegalStatus};
    use crate::care::episodes::{Ending, LegalStatusFrom};
    let period = |start, end, status, reason| PeriodOfCare {
        start,
        start_time: None,
        need: CategoryOfNeed::AbuseOrNeglect,
        home_postcode: None,
        legal_statuses: vec![LegalStatusFrom { from: start, status }],
        placements: vec![],
        ended: Some(Ending { on: end, reason }),
        planning: Default::default(),
    };
    let born = date!(2008 - 01 - 10);
    let periods = [
        period(date!(2023 - 01 - 01), date!(2023 - 01 - 20), LegalStatus::ShortBreakEpisodes, ReasonEpisodeCeased::HomePlanned),
        period(date!(2024 - 03 - 01), date!(2024 - 07 - 15), LegalStatus::Section20, ReasonEpisodeCeased::HomeUnplanned),
    ];
    let mut r = record();
    r.detained_at_16 = true;
    r.activities.push(Occupied { from: date!(2024 - 09 - 01), activity: Activity::TrainingFullTime });
    let f = leaving_facts(Some(born), &periods, Some(&r), date!(2024 - 10 - 01));
    assert_eq!(f.spells.len(), 2);
    assert!(f.spells[0].short_break && !f.spells[1].short_break);
    assert!(f.spells[1].returned_home);
    assert!(f.detained_at_16 && f.in_education);
    assert_eq!(status_on(&f, date!(2024 - 10 - 01)).unwrap().status, Status::Relevant);
    assert_eq!(status_on(&f, date!(2025 - 02 - 01)).unwrap().status, Status::Qualifying, "home with a parent for six months");
}

#[test]
fn a_plan_is_due_three_months_after_the_young_person_became_eligible() {
    let born = date!(2008 - 05 - 01);
    // In care since 15: eligible on the 16th birthday.
    let f = LeavingFacts { born: Some(born), spells: vec![spell(date!(2023 - 09 - 01), None)], ..Default::default() };
    assert_eq!(pathway_from(&f), Some(date!(2024 - 05 - 01)));
    assert_eq!(plan_due(None, pathway_from(&f), &six_months), Some(date!(2024 - 08 - 01)));
    // In care from 16: once 13 weeks have passed.
    let f = LeavingFacts { born: Some(born), spells: vec![spell(date!(2024 - 05 - 01), None)], ..Default::default() };
    assert_eq!(pathway_from(&f), Some(date!(2024 - 07 - 31)));
    // 13 weeks at 14, home before 16, back in care at 17: from the day they came back.
    let f = LeavingFacts { born: Some(born), spells: vec![spell(date!(2022 - 06 - 01), Some(date!(2023 - 01 - 01))), spell(date!(2025 - 06 - 01), None)], ..Default::default() };
    assert_eq!(pathway_from(&f), Some(date!(2025 - 06 - 01)));
    // Left at 15 and never back: never.
    let f = LeavingFacts { born: Some(born), spells: vec![spell(date!(2022 - 06 - 01), Some(date!(2023 - 01 - 01)))], ..Default::default() };
    assert_eq!(pathway_from(&f), None);
    // Unless in custody at 16.
    assert_eq!(pathway_from(&LeavingFacts { detained_at_16: true, ..f }), Some(date!(2024 - 05 - 01)));
}

fn arb_spells() -> impl Strategy<Value = (Date, Vec<Spell>)> {
    // Up to four spells between the 13th and 20th birthdays, in order, not overlapping.
    let born = date!(2006 - 02 - 15);
    prop::collection::vec((1i64..400, 1i64..400, any::<bool>()), 0..4).prop_map(move |gaps| {
        let mut day = birthday(born, 13);
        let mut spells = Vec::new();
        for (gap, len, open) in gaps {
            let from = day + time::Duration::days(gap);
            let to = from + time::Duration::days(len);
            spells.push(Spell { from, to: Some(to), short_break: false, returned_home: open });
            day = to;
        }
        (born, spells)
    })
}

proptest! {
    /// If the status rules say eligible or relevant on some day before 18, a pathway plan
    /// was due to begin by then.
    #[test]
    fn whoever_is_eligible_or_relevant_has_a_pathway_start((born, spells) in arb_spells(), offset in 0i64..1500) {
        let f = LeavingFacts { born: Some(born), spells, ..Default::default() };
        let on = birthday(born, 16) + time::Duration::days(offset % 730);
        let s = status_on(&f, on).unwrap().status;
        if matches!(s, Status::Eligible | Status::Relevant) {
            let from = pathway_from(&f);
            prop_assert!(from.is_some_and(|d| d <= on), "{s:?} on {on} but pathway from {from:?}");
        }
    }
}
