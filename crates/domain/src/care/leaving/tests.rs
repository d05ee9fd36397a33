use super::*;
use proptest::prelude::*;
use time::macros::date;

fn spell(from: Date, to: Option<Date>) -> Spell {
    Spell { from, to, short_break: false, returned_home: false }
}

fn facts(born: Date, spells: Vec<Spell>) -> LeavingFacts {
    LeavingFacts { born: Some(born), spells, ..Default::default() }
}

fn status(f: &LeavingFacts, on: Date) -> Status {
    status_on(f, on).unwrap().status
}

#[test]
fn a_child_looked_after_13_weeks_since_14_is_eligible_at_16_while_in_care() {
    let f = facts(date!(2008 - 03 - 01), vec![spell(date!(2023 - 01 - 10), None)]);
    assert_eq!(status(&f, date!(2024 - 02 - 29)), Status::None, "15: a looked-after child, not yet a care leaver");
    let d = status_on(&f, date!(2024 - 06 - 01)).unwrap();
    assert_eq!(d.status, Status::Eligible);
    assert_eq!(d.reason, "eligible: looked after 72 weeks since 14 (10 Jan 2023 – now), looked after today at 16");
}

#[test]
fn thirteen_weeks_are_counted_from_the_14th_birthday_and_care_at_16_must_reach_them() {
    // In care from the 16th birthday: eligible once 13 weeks (91 days) have passed.
    let born = date!(2008 - 05 - 01);
    let f = facts(born, vec![spell(date!(2024 - 05 - 01), None)]);
    assert_eq!(status(&f, date!(2024 - 07 - 30)), Status::None, "90 days");
    assert_eq!(status(&f, date!(2024 - 07 - 31)), Status::Eligible, "91 days: 13 weeks");
    // Care before the 14th birthday does not count.
    let f = facts(born, vec![spell(date!(2020 - 01 - 01), Some(date!(2022 - 04 - 01))), spell(date!(2024 - 05 - 01), None)]);
    assert_eq!(status(&f, date!(2024 - 06 - 01)), Status::None);
}

#[test]
fn a_young_person_who_left_care_at_16_after_13_weeks_is_relevant_and_says_why() {
    let f = facts(date!(2008 - 01 - 10), vec![spell(date!(2024 - 03 - 01), Some(date!(2024 - 07 - 15)))]);
    let d = status_on(&f, date!(2024 - 09 - 01)).unwrap();
    assert_eq!(d.status, Status::Relevant);
    assert_eq!(d.reason, "relevant: looked after 19 weeks since 14 (1 Mar – 15 Jul 2024), left care at 16 on 15 July 2024");
    // Leaving before 16 makes no care leaver of them, however long the care.
    let f = facts(date!(2008 - 01 - 10), vec![spell(date!(2022 - 03 - 01), Some(date!(2024 - 01 - 09)))]);
    assert_eq!(status(&f, date!(2024 - 09 - 01)), Status::None);
}

#[test]
fn six_months_home_ends_relevance_and_custody_at_16_keeps_it() {
    let mut home = spell(date!(2024 - 03 - 01), Some(date!(2024 - 07 - 15)));
    home.returned_home = true;
    let f = facts(date!(2008 - 01 - 10), vec![home]);
    assert_eq!(status(&f, date!(2024 - 12 - 01)), Status::Relevant, "home for under six months");
    assert_eq!(status(&f, date!(2025 - 01 - 15)), Status::Qualifying, "home for six months: no longer relevant");
    // In custody on the 16th birthday after 13 weeks in care since 14.
    let mut f = facts(date!(2008 - 01 - 10), vec![spell(date!(2023 - 06 - 01), Some(date!(2023 - 12 - 01)))]);
    assert_eq!(status(&f, date!(2024 - 03 - 01)), Status::None);
    f.detained_at_16 = true;
    let d = status_on(&f, date!(2024 - 03 - 01)).unwrap();
    assert_eq!(d.status, Status::Relevant);
    assert!(d.reason.ends_with("in custody or hospital on their 16th birthday"), "{}", d.reason);
}

#[test]
fn short_breaks_of_up_to_four_weeks_are_disregarded_and_longer_ones_count() {
    let born = date!(2008 - 01 - 10);
    // Twelve breaks of three weeks from 14 to 16: 36 weeks of short breaks, none counted.
    let breaks: Vec<Spell> = (0..12)
        .map(|i| {
            let from = date!(2022 - 02 - 01) + Duration::days(60 * i);
            Spell { from, to: Some(from + Duration::days(21)), short_break: true, returned_home: true }
        })
        .collect();
    let mut f = facts(born, breaks.clone());
    f.spells.push(Spell { from: date!(2024 - 02 - 01), to: None, short_break: true, returned_home: false });
    assert_eq!(status(&f, date!(2024 - 02 - 10)), Status::None, "on a break at 16: not eligible");
    let d = status_on(&f, date!(2024 - 02 - 10)).unwrap();
    assert_eq!(d.days_since_14, 0);
    // A "short break" of six weeks is care like any other.
    let mut f = facts(born, breaks);
    f.spells.push(Spell { from: date!(2024 - 02 - 01), to: Some(date!(2024 - 06 - 01)), short_break: true, returned_home: true });
    assert_eq!(status(&f, date!(2024 - 07 - 01)), Status::Relevant);
}

#[test]
fn eligible_or_relevant_at_18_is_former_relevant_to_25_and_qualifying_ends_at_21_or_25() {
    let born = date!(2006 - 04 - 02);
    let f = facts(born, vec![spell(date!(2021 - 01 - 04), Some(date!(2024 - 04 - 02)))]);
    let d = status_on(&f, date!(2025 - 01 - 01)).unwrap();
    assert_eq!(d.status, Status::FormerRelevant, "{}", d.reason);
    assert_eq!(d.reason, "former relevant: looked after 169 weeks since 14 (4 Jan 2021 – 2 Apr 2024); eligible at 17, in care until 18");
    // Left at 17: relevant then, former relevant now.
    let left = facts(born, vec![spell(date!(2021 - 01 - 04), Some(date!(2023 - 09 - 01)))]);
    assert_eq!(status_on(&left, date!(2025 - 01 - 01)).unwrap().reason, "former relevant: looked after 138 weeks since 14 (4 Jan 2021 – 1 Sep 2023); a relevant child at 17, having left care on 1 September 2023");
    assert_eq!(status(&f, date!(2031 - 04 - 01)), Status::FormerRelevant);
    assert_eq!(status(&f, date!(2031 - 04 - 02)), Status::None, "25");
    // Four weeks in care at 17: qualifying, to 21, or to 25 in education.
    let mut f = facts(born, vec![spell(date!(2023 - 09 - 01), Some(date!(2023 - 09 - 29)))]);
    assert_eq!(status(&f, date!(2023 - 10 - 01)), Status::Qualifying);
    assert_eq!(status(&f, date!(2026 - 01 - 01)), Status::Qualifying);
    assert_eq!(status(&f, date!(2027 - 04 - 02)), Status::None, "21");
    f.in_education = true;
    assert_eq!(status(&f, date!(2027 - 04 - 02)), Status::Qualifying, "in education: to 25");
}

#[test]
fn bad_histories_are_refused() {
    let born = date!(2008 - 01 - 10);
    let overlap = facts(born, vec![spell(date!(2023 - 01 - 01), Some(date!(2023 - 06 - 01))), spell(date!(2023 - 05 - 01), None)]);
    assert_eq!(status_on(&overlap, date!(2024 - 06 - 01)), Err(LeavingError::Overlap(date!(2023 - 01 - 01), date!(2023 - 05 - 01))));
    let reversed = facts(born, vec![spell(date!(2023 - 06 - 01), Some(date!(2023 - 01 - 01)))]);
    assert!(matches!(status_on(&reversed, date!(2024 - 06 - 01)), Err(LeavingError::Reversed { .. })));
    assert_eq!(status_on(&facts(born, vec![]), date!(2007 - 01 - 01)), Err(LeavingError::BeforeBirth(date!(2007 - 01 - 01))));
    assert_eq!(status_on(&LeavingFacts::default(), date!(2024 - 01 - 01)), Err(LeavingError::NoBirthDate));
}

#[test]
fn a_29_february_birthday_falls_on_1_march_in_other_years() {
    assert_eq!(birthday(date!(2008 - 02 - 29), 16), date!(2024 - 02 - 29));
    assert_eq!(birthday(date!(2008 - 02 - 29), 17), date!(2025 - 03 - 01));
}

#[test]
fn every_status_has_its_entitlements_with_their_legal_basis() {
    for s in [Status::Eligible, Status::Relevant, Status::FormerRelevant, Status::Qualifying] {
        assert!(!entitlements(s).is_empty() && entitlements(s).iter().all(|(_, basis)| basis.starts_with("Children Act 1989")));
    }
    assert!(entitlements(Status::None).is_empty());
}

/// Spells one after another from the young person's 12th year: (gap, length, short break).
fn history() -> impl Strategy<Value = (Vec<Spell>, i64)> {
    (proptest::collection::vec((1i64..400, 1i64..400, any::<bool>()), 0..6), 0i64..4000).prop_map(|(parts, asked)| {
        let mut at = date!(2020 - 01 - 01);
        let spells = parts
            .into_iter()
            .map(|(gap, len, short)| {
                let from = at + Duration::days(gap);
                at = from + Duration::days(len);
                Spell { from, to: Some(at), short_break: short, returned_home: false }
            })
            .collect();
        (spells, asked)
    })
}

proptest! {
    #[test]
    fn the_status_never_depends_on_the_order_periods_were_recorded((spells, asked) in history()) {
        let born = date!(2008 - 06 - 15);
        let on = date!(2020 - 01 - 01) + Duration::days(asked);
        let forward = facts(born, spells.clone());
        let mut reversed = spells;
        reversed.reverse();
        prop_assert_eq!(status_on(&forward, on), status_on(&facts(born, reversed), on));
    }

    #[test]
    fn a_short_break_never_makes_anyone_eligible((spells, asked) in history(), len in 1i64..=SHORT_BREAK_MAX_DAYS) {
        let born = date!(2008 - 06 - 15);
        let on = date!(2020 - 01 - 01) + Duration::days(asked);
        let before = status_on(&facts(born, spells.clone()), on).unwrap();
        let last = spells.last().and_then(|s| s.to).unwrap_or(date!(2020 - 01 - 01));
        let mut with_break = spells;
        with_break.push(Spell { from: last + Duration::days(1), to: Some(last + Duration::days(1 + len)), short_break: true, returned_home: true });
        let after = status_on(&facts(born, with_break), on).unwrap();
        prop_assert!(after.status != Status::Eligible || before.status == Status::Eligible, "{:?} → {:?}", before, after);
        prop_assert_eq!(after.days_since_14, before.days_since_14);
    }

    #[test]
    fn only_a_16_or_17_year_old_looked_after_today_is_eligible((spells, asked) in history()) {
        let born = date!(2008 - 06 - 15);
        let on = date!(2020 - 01 - 01) + Duration::days(asked);
        let f = facts(born, spells.clone());
        if status_on(&f, on).unwrap().status == Status::Eligible {
            let age = crate::person::age_on(born, on).unwrap();
            prop_assert!((16..18).contains(&age), "eligible at {age}");
            prop_assert!(spells.iter().any(|s| s.from <= on && s.to.is_none_or(|to| on < to)), "eligible but not looked after on {on}");
        }
    }

    #[test]
    fn care_before_the_14th_birthday_never_changes_the_status((spells, asked) in history(), len in 1i64..600) {
        // Born so that the histories begin after the 14th birthday; a spell before it is added.
        let born = date!(2005 - 06 - 15);
        let on = date!(2020 - 01 - 01) + Duration::days(asked);
        let early = Spell { from: date!(2017 - 01 - 01), to: Some(date!(2017 - 01 - 01) + Duration::days(len)), short_break: false, returned_home: false };
        let mut with_early = spells.clone();
        with_early.insert(0, early);
        let (a, b) = (status_on(&facts(born, spells), on).unwrap(), status_on(&facts(born, with_early), on).unwrap());
        prop_assert_eq!(a.status, b.status);
        prop_assert_eq!(a.days_since_14, b.days_since_14);
    }
}
