use super::*;
use proptest::prelude::*;
use time::macros::date;

fn placement(from: Date, kind: PlacementType, carer: &str, postcode: &str) -> Placement {
    Placement {
        from,
        kind,
        provider: PlacementProvider::OwnProvision,
        urn: None,
        postcode: Some(Postcode::parse(postcode).unwrap()),
        carer: carer_id(carer),
        reason: None,
    }
}

/// The same id for the same name, so tests can say "the Smith household".
fn carer_id(name: &str) -> ProviderId {
    ProviderId(uuid::Uuid::from_u128(name.bytes().fold(7u128, |a, b| a.wrapping_mul(31).wrapping_add(u128::from(b)))))
}

fn moved(mut p: Placement, reason: ReasonPlaceChange) -> Placement {
    p.reason = Some(reason);
    p
}

fn status(from: Date, status: LegalStatus) -> LegalStatusFrom {
    LegalStatusFrom { from, status }
}

/// Looked after under section 20 from 3 March 2025 with the Smith foster household.
fn period() -> PeriodOfCare {
    let start = date!(2025 - 03 - 03);
    PeriodOfCare {
        start, start_time: None,
        need: CategoryOfNeed::AbuseOrNeglect,
        home_postcode: Some(Postcode::parse("TW1 1AA").unwrap()),
        legal_statuses: vec![status(start, LegalStatus::Section20)],
        placements: vec![placement(start, PlacementType::FosterOther, "smith", "TW2 5AB")],
        ended: None,
        planning: Default::default(),
    }
}

fn reasons(p: &PeriodOfCare) -> Vec<&'static str> {
    use crate::codes::Coded;
    p.episodes().iter().map(|e| e.reason_new.code()).collect()
}

#[test]
fn becoming_looked_after_starts_one_open_episode() {
    let p = period();
    assert_eq!(p.check(Some(date!(2015 - 06 - 01))), Ok(()));
    let e = p.episodes();
    assert_eq!(e.len(), 1);
    assert_eq!((e[0].start, e[0].reason_new, e[0].legal_status, e[0].end, e[0].reason_ceased), (p.start, ReasonNewEpisode::Started, LegalStatus::Section20, None, None));
    assert_eq!(e[0].reason_place_change, None);
}

#[test]
fn a_change_of_legal_status_alone_is_l_and_ends_the_episode_before_it_that_day() {
    let mut p = period();
    p.legal_statuses.push(status(date!(2025 - 04 - 10), LegalStatus::InterimCareOrder));
    let e = p.episodes();
    assert_eq!(reasons(&p), ["S", "L"]);
    assert_eq!((e[0].end, e[0].reason_ceased), (Some(date!(2025 - 04 - 10)), Some(ReasonEpisodeCeased::NewEpisode)));
    assert_eq!((e[1].legal_status, e[1].placement.carer, e[1].reason_place_change), (LegalStatus::InterimCareOrder, carer_id("smith"), None));
}

#[test]
fn a_move_to_a_new_carer_is_p_and_the_same_carer_at_a_new_address_is_t() {
    let mut p = period();
    p.placements.push(moved(placement(date!(2025 - 05 - 01), PlacementType::FosterOther, "jones", "TW3 1XY"), ReasonPlaceChange::CarerRequestOther));
    p.placements.push(moved(placement(date!(2025 - 08 - 01), PlacementType::FosterOther, "jones", "KT1 2AB"), ReasonPlaceChange::Other));
    // Agreed as long-term with the same carer: the placement's type changes.
    p.placements.push(moved(placement(date!(2025 - 11 - 03), PlacementType::FosterLongTerm, "jones", "KT1 2AB"), ReasonPlaceChange::StatusOnly));
    assert_eq!(p.check(None), Ok(()));
    assert_eq!(reasons(&p), ["S", "P", "T", "T"]);
    let e = p.episodes();
    assert_eq!(e[1].reason_place_change, Some(ReasonPlaceChange::CarerRequestOther));
    assert_eq!(e[3].reason_place_change, Some(ReasonPlaceChange::StatusOnly));
}

#[test]
fn legal_status_and_placement_on_one_day_is_u_with_a_new_carer_and_b_with_the_same() {
    let mut p = period();
    let day = date!(2025 - 06 - 02);
    p.legal_statuses.push(status(day, LegalStatus::InterimCareOrder));
    p.placements.push(moved(placement(day, PlacementType::ChildrensHome, "oak house", "RG1 1AA"), ReasonPlaceChange::CarePlan));
    assert_eq!(reasons(&p), ["S", "U"]);
    let mut same_carer = period();
    same_carer.legal_statuses.push(status(day, LegalStatus::InterimCareOrder));
    same_carer.placements.push(moved(placement(day, PlacementType::FosterOther, "smith", "RG1 1AA"), ReasonPlaceChange::CarePlan));
    assert_eq!(reasons(&same_carer), ["S", "B"]);
    assert_eq!(same_carer.episodes()[1].reason_place_change, Some(ReasonPlaceChange::CarePlan));
}

#[test]
fn recording_the_same_placement_again_makes_no_episode() {
    let mut p = period();
    let again = moved(Placement { from: date!(2025 - 07 - 01), ..p.placements[0].clone() }, ReasonPlaceChange::Other);
    p.placements.push(again);
    p.legal_statuses.push(status(date!(2025 - 08 - 01), LegalStatus::Section20));
    assert_eq!(reasons(&p), ["S"]);
}

#[test]
fn the_end_of_care_closes_the_last_episode_with_its_reason() {
    let mut p = period();
    p.legal_statuses.push(status(date!(2025 - 04 - 10), LegalStatus::FullCareOrder));
    p.ended = Some(Ending { on: date!(2026 - 01 - 09), reason: ReasonEpisodeCeased::SgoFosterCarerOther });
    assert_eq!(p.check(None), Ok(()));
    let e = p.episodes();
    assert_eq!((e[1].end, e[1].reason_ceased), (Some(date!(2026 - 01 - 09)), Some(ReasonEpisodeCeased::SgoFosterCarerOther)));
    // Care that ends the day it began: one episode, one day.
    let mut day = period();
    day.ended = Some(Ending { on: day.start, reason: ReasonEpisodeCeased::HomePlanned });
    assert_eq!(day.check(None), Ok(()));
    assert_eq!(day.episodes()[0].end, Some(day.start));
}

fn fields(r: Result<(), FieldErrors>) -> Vec<String> {
    r.err().map(|e| e.0.into_iter().map(|f| f.field).collect()).unwrap_or_default()
}

#[test]
fn bad_periods_are_refused_naming_the_field() {
    let mut p = period();
    p.ended = Some(Ending { on: date!(2025 - 01 - 01), reason: ReasonEpisodeCeased::HomePlanned });
    assert_eq!(fields(p.check(None)), ["ended.on"]);
    let mut p = period();
    p.ended = Some(Ending { on: date!(2025 - 05 - 01), reason: ReasonEpisodeCeased::NewEpisode });
    assert_eq!(fields(p.check(None)), ["ended.reason"]);
    // Overlapping placements: two from one day, or one from before the last.
    let mut p = period();
    p.placements.push(moved(placement(p.start, PlacementType::FosterOther, "jones", "TW3 1XY"), ReasonPlaceChange::Other));
    assert_eq!(fields(p.check(None)), ["placements[1].from"]);
    let mut p = period();
    p.placements[0].from = date!(2025 - 03 - 04);
    assert_eq!(fields(p.check(None)), ["placements[0].from"]);
    let mut p = period();
    p.legal_statuses.clear();
    p.placements.clear();
    assert_eq!(fields(p.check(None)), ["legal_statuses", "placements"]);
    // A move without its reason, a URN that is not one.
    let mut p = period();
    p.placements.push(placement(date!(2025 - 05 - 01), PlacementType::ChildrensHome, "oak house", "RG1 1AA"));
    p.placements[1].urn = Some("12-34".into());
    assert_eq!(fields(p.check(None)), ["placements[1].reason", "placements[1].urn"]);
    // A change after care ended.
    let mut p = period();
    p.ended = Some(Ending { on: date!(2025 - 04 - 01), reason: ReasonEpisodeCeased::HomePlanned });
    p.legal_statuses.push(status(date!(2025 - 05 - 01), LegalStatus::InterimCareOrder));
    assert_eq!(fields(p.check(None)), ["legal_statuses[1].from"]);
    // Good URNs.
    let mut p = period();
    p.placements[0].urn = Some("SC123456".into());
    assert_eq!(p.check(None), Ok(()));
}

#[test]
fn a_legal_status_must_suit_the_childs_age() {
    let mut p = period();
    p.legal_statuses[0].status = LegalStatus::Remanded;
    assert_eq!(fields(p.check(Some(date!(2016 - 01 - 01)))), ["legal_statuses[0].status"], "9 years old");
    assert_eq!(p.check(Some(date!(2015 - 03 - 03))), Ok(()), "10 on the day");
    let mut p = period();
    p.legal_statuses.push(status(date!(2025 - 09 - 01), LegalStatus::FullCareOrder));
    assert_eq!(fields(p.check(Some(date!(2008 - 08 - 31)))), ["legal_statuses[1].status"], "17 the day before");
    assert_eq!(p.check(Some(date!(2008 - 09 - 02))), Ok(()), "still 16");
    assert_eq!(fields(period().check(Some(date!(2025 - 04 - 01)))), ["start"], "care before birth");
}

#[test]
fn short_breaks_are_never_mixed_with_full_care() {
    let mut p = period();
    p.legal_statuses[0].status = LegalStatus::ShortBreakEpisodes;
    assert_eq!(p.check(None), Ok(()));
    p.legal_statuses.push(status(date!(2025 - 05 - 01), LegalStatus::InterimCareOrder));
    assert_eq!(fields(p.check(None)), ["legal_statuses"]);
}

#[test]
fn periods_of_care_never_overlap() {
    let first = PeriodOfCare { ended: Some(Ending { on: date!(2025 - 06 - 30), reason: ReasonEpisodeCeased::HomePlanned }), ..period() };
    let later = |start: Date| {
        let mut p = period();
        p.start = start;
        p.legal_statuses[0].from = start;
        p.placements[0].from = start;
        p
    };
    assert_eq!(check_periods(&[first.clone(), later(date!(2025 - 07 - 01))]), Ok(()));
    assert_eq!(fields(check_periods(&[first.clone(), later(date!(2025 - 06 - 30))])), ["periods[1].start"]);
    assert_eq!(fields(check_periods(&[period(), later(date!(2026 - 01 - 01))])), ["periods[0].ended"]);
}

/// A random history: legal statuses and placements on increasing days from the start.
fn arb_period() -> impl Strategy<Value = PeriodOfCare> {
    let statuses = prop::collection::vec((1i64..60, 0usize..4), 0..5);
    let placements = prop::collection::vec((1i64..60, 0usize..3, 0usize..3, 0usize..2), 0..6);
    (statuses, placements, prop::option::of(1i64..90)).prop_map(|(ls, pl, end)| {
        let mut p = period();
        let all = [LegalStatus::Section20, LegalStatus::InterimCareOrder, LegalStatus::FullCareOrder, LegalStatus::PlacementOrder];
        let mut day = p.start;
        for (gap, s) in ls {
            day += time::Duration::days(gap);
            p.legal_statuses.push(status(day, all[s]));
        }
        let carers = ["smith", "jones", "oak house"];
        let codes = ["TW2 5AB", "KT1 2AB", "RG1 1AA"];
        let kinds = [PlacementType::FosterOther, PlacementType::FosterLongTerm];
        let mut day = p.start;
        for (gap, c, pc, k) in pl {
            day += time::Duration::days(gap);
            p.placements.push(moved(placement(day, kinds[k], carers[c], codes[pc]), ReasonPlaceChange::CarePlan));
        }
        let last = p.legal_statuses.iter().map(|l| l.from).chain(p.placements.iter().map(|x| x.from)).max().unwrap_or(p.start);
        p.ended = end.map(|d| Ending { on: last + time::Duration::days(d), reason: ReasonEpisodeCeased::HomePlanned });
        p
    })
}

proptest! {
    /// Whatever is recorded, the episodes tile the period without gaps, each carries what was
    /// in force on its first day, no two in a row are the same, and each reason for a new
    /// episode says what changed.
    #[test]
    fn episodes_follow_the_record(p in arb_period()) {
        prop_assert_eq!(p.check(None), Ok(()));
        let e = p.episodes();
        prop_assert!(!e.is_empty());
        prop_assert_eq!(e[0].start, p.start);
        prop_assert_eq!(e[0].reason_new, ReasonNewEpisode::Started);
        prop_assert_eq!(e.last().unwrap().end, p.ended.map(|x| x.on));
        for pair in e.windows(2) {
            let (a, b) = (&pair[0], &pair[1]);
            prop_assert_eq!(a.end, Some(b.start));
            prop_assert_eq!(a.reason_ceased, Some(ReasonEpisodeCeased::NewEpisode));
            let status_changed = a.legal_status != b.legal_status;
            let moved = a.placement.differs_from(&b.placement);
            let new_carer = a.placement.carer != b.placement.carer;
            prop_assert!(status_changed || moved, "two episodes in a row the same");
            let want = match (status_changed, moved, new_carer) {
                (true, false, _) => ReasonNewEpisode::LegalStatus,
                (false, _, true) => ReasonNewEpisode::PlacementAndCarer,
                (false, _, false) => ReasonNewEpisode::PlacementSameCarer,
                (true, true, true) => ReasonNewEpisode::LegalStatusPlacementAndCarer,
                (true, true, false) => ReasonNewEpisode::LegalStatusAndPlacementSameCarer,
            };
            prop_assert_eq!(b.reason_new, want);
            prop_assert_eq!(b.reason_place_change.is_some(), moved);
        }
        for ep in &e {
            let status = p.legal_statuses.iter().rfind(|l| l.from <= ep.start).unwrap();
            let placement = p.placements.iter().rfind(|x| x.from <= ep.start).unwrap();
            prop_assert_eq!(ep.legal_status, status.status);
            prop_assert!(!ep.placement.differs_from(placement));
        }
    }
}

#[test]
fn a_child_is_looked_after_from_the_first_day_to_the_last() {
    let mut p = period();
    p.legal_statuses.push(status(date!(2025 - 04 - 10), LegalStatus::InterimCareOrder));
    p.ended = Some(Ending { on: date!(2025 - 12 - 19), reason: ReasonEpisodeCeased::HomePlanned });
    let all = [p];
    assert_eq!(looked_after_on(&all, date!(2025 - 03 - 02)), None);
    assert_eq!(looked_after_on(&all, date!(2025 - 03 - 03)), Some((LegalStatus::Section20, date!(2025 - 03 - 03))));
    assert_eq!(looked_after_on(&all, date!(2025 - 04 - 10)), Some((LegalStatus::InterimCareOrder, date!(2025 - 03 - 03))));
    assert_eq!(looked_after_on(&all, date!(2025 - 12 - 19)), Some((LegalStatus::InterimCareOrder, date!(2025 - 03 - 03))));
    assert_eq!(looked_after_on(&all, date!(2025 - 12 - 20)), None);
    assert_eq!(looked_after_on(&[period()], date!(2030 - 01 - 01)).map(|x| x.0), Some(LegalStatus::Section20), "still open");
}

#[test]
fn the_day_a_child_began_with_their_carers_survives_a_change_of_type() {
    let mut p = period();
    p.placements.push(moved(placement(date!(2025 - 06 - 02), PlacementType::FosterOther, "jones", "TW2 5AB"), ReasonPlaceChange::CarePlan));
    p.placements.push(moved(placement(date!(2025 - 12 - 01), PlacementType::FosterLongTerm, "jones", "TW2 5AB"), ReasonPlaceChange::StatusOnly));
    assert_eq!(p.with_carer_since(date!(2026 - 01 - 10)), Some(date!(2025 - 06 - 02)));
    assert_eq!(p.with_carer_since(date!(2025 - 04 - 01)), Some(date!(2025 - 03 - 03)));
    assert_eq!(p.with_carer_since(date!(2025 - 01 - 01)), None, "before care");
}
