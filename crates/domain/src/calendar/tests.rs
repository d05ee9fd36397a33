use super::*;
use proptest::prelude::*;
use time::macros::date;
use time::{Duration, Month, Weekday};

fn cal() -> &'static Calendar {
    shipped()
}

fn add(d: Date, n: i64) -> Date {
    cal().add_working_days(d, n).unwrap().date
}

fn between(a: Date, b: Date) -> i64 {
    cal().working_days_between(a, b).days
}

// ---- the shipped data -------------------------------------------------------------------

/// Easter Sunday (the anonymous Gregorian algorithm).
fn easter(y: i32) -> Date {
    let a = y % 19;
    let b = y / 100;
    let c = y % 100;
    let d = b / 4;
    let e = b % 4;
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15) % 30;
    let i = c / 4;
    let k = c % 4;
    let l = (32 + 2 * e + 2 * i - h - k) % 7;
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let day = (h + l - 7 * m + 114) % 31 + 1;
    Date::from_calendar_date(y, Month::try_from(month as u8).unwrap(), day as u8).unwrap()
}

fn first_monday(y: i32, m: Month) -> Date {
    let mut d = Date::from_calendar_date(y, m, 1).unwrap();
    while d.weekday() != Weekday::Monday {
        d = d.next_day().unwrap();
    }
    d
}

fn last_monday(y: i32, m: Month) -> Date {
    let mut d = Date::from_calendar_date(y, m, m.length(y)).unwrap();
    while d.weekday() != Weekday::Monday {
        d = d.previous_day().unwrap();
    }
    d
}

/// England and Wales bank holidays by the standing rules (Banking and Financial Dealings Act
/// 1971 and the royal proclamations), with the one-off changes of 2012, 2020, 2022 and 2023.
fn computed_bank_holidays(y: i32) -> Vec<Date> {
    let mut v = Vec::new();
    let ny = Date::from_calendar_date(y, Month::January, 1).unwrap();
    v.push(match ny.weekday() {
        Weekday::Saturday => ny + Duration::days(2),
        Weekday::Sunday => ny + Duration::days(1),
        _ => ny,
    });
    let e = easter(y);
    v.push(e - Duration::days(2));
    v.push(e + Duration::days(1));
    v.push(if y == 2020 { date!(2020 - 05 - 08) } else { first_monday(y, Month::May) });
    if y == 2023 {
        v.push(date!(2023 - 05 - 08));
    }
    match y {
        2012 => v.extend([date!(2012 - 06 - 04), date!(2012 - 06 - 05)]),
        2022 => v.extend([date!(2022 - 06 - 02), date!(2022 - 06 - 03)]),
        _ => v.push(last_monday(y, Month::May)),
    }
    v.push(last_monday(y, Month::August));
    if y == 2022 {
        v.push(date!(2022 - 09 - 19));
    }
    let xmas = Date::from_calendar_date(y, Month::December, 25).unwrap();
    match xmas.weekday() {
        Weekday::Friday => v.extend([xmas, xmas + Duration::days(3)]),
        Weekday::Saturday => v.extend([xmas + Duration::days(2), xmas + Duration::days(3)]),
        Weekday::Sunday => v.extend([xmas + Duration::days(1), xmas + Duration::days(2)]),
        _ => v.extend([xmas, xmas + Duration::days(1)]),
    }
    v.sort();
    v
}

#[test]
fn shipped_data_covers_2018_to_2027_at_least() {
    let (first, last) = cal().bank_holidays().years();
    assert!(first <= 2018, "first year {first}");
    assert!(last >= 2027, "last year {last}");
    assert_eq!(cal().covered(), (Date::from_calendar_date(first, Month::January, 1).unwrap(), Date::from_calendar_date(last, Month::December, 31).unwrap()));
}

#[test]
fn shipped_data_matches_the_rules_every_year() {
    let (first, last) = cal().bank_holidays().years();
    for y in first..=last {
        let shipped: Vec<Date> = cal().bank_holidays().events().iter().filter(|e| e.date.year() == y).map(|e| e.date).collect();
        assert_eq!(shipped, computed_bank_holidays(y), "bank holidays of {y}");
    }
}

#[test]
fn the_one_off_bank_holidays_are_named() {
    let b = cal().bank_holidays();
    assert_eq!(b.title_on(date!(2020 - 05 - 08)), Some("Early May bank holiday (VE day)"));
    assert_eq!(b.title_on(date!(2020 - 05 - 04)), None);
    assert_eq!(b.title_on(date!(2022 - 06 - 02)), Some("Spring bank holiday"));
    assert_eq!(b.title_on(date!(2022 - 06 - 03)), Some("Platinum Jubilee bank holiday"));
    assert_eq!(b.title_on(date!(2022 - 09 - 19)), Some("Bank Holiday for the State Funeral of Queen Elizabeth II"));
    assert_eq!(b.title_on(date!(2023 - 05 - 08)), Some("Bank holiday for the coronation of King Charles III"));
    assert_eq!(b.title_on(date!(2023 - 12 - 25)), Some("Christmas Day"));
}

#[test]
fn shipped_file_round_trips_through_the_gov_uk_format() {
    let b = cal().bank_holidays();
    let again = BankHolidays::from_gov_uk_json(&b.to_gov_uk_json()).unwrap();
    assert_eq!(&again, b);
}

// ---- adding and counting ----------------------------------------------------------------

#[test]
fn the_christmas_example() {
    // Fri 22 Dec 2023 + 1 working day: Sat, Sun, Mon 25 and Tue 26 (bank holidays) skipped.
    assert_eq!(add(date!(2023 - 12 - 22), 1), date!(2023 - 12 - 27));
    let e = cal().explain_add(date!(2023 - 12 - 22), 1).unwrap();
    assert_eq!(e.describe("contact"), "due Wed 27 Dec 2023 — 1 working day after the contact on Fri 22 Dec (25 and 26 Dec are bank holidays)");
    assert_eq!(
        e.skipped,
        vec![
            (date!(2023 - 12 - 23), NonWorking::Weekend),
            (date!(2023 - 12 - 24), NonWorking::Weekend),
            (date!(2023 - 12 - 25), NonWorking::BankHoliday("Christmas Day".into())),
            (date!(2023 - 12 - 26), NonWorking::BankHoliday("Boxing Day".into())),
        ]
    );
    assert!(e.warnings.is_empty());
}

#[test]
fn explanations_read_well() {
    let e = cal().explain_add(date!(2024 - 03 - 01), 1).unwrap();
    assert_eq!(e.describe("referral"), "due Mon 4 Mar 2024 — 1 working day after the referral on Fri 1 Mar");
    let e = cal().explain_add(date!(2024 - 03 - 27), 3).unwrap();
    assert_eq!(e.describe("referral"), "due Wed 3 Apr 2024 — 3 working days after the referral on Wed 27 Mar (29 Mar and 1 Apr are bank holidays)");
    let e = cal().explain_add(date!(2024 - 12 - 20), 5).unwrap();
    assert_eq!(e.describe("contact"), "due Tue 31 Dec 2024 — 5 working days after the contact on Fri 20 Dec (25 and 26 Dec are bank holidays)");
    let e = cal().explain_add(date!(2024 - 12 - 30), 2).unwrap();
    assert_eq!(e.describe("contact"), "due Thu 2 Jan 2025 — 2 working days after the contact on Mon 30 Dec 2024 (1 Jan is a bank holiday)");
    let e = cal().explain_add(date!(2024 - 12 - 30), 0).unwrap();
    assert_eq!(e.describe("contact"), "due Mon 30 Dec 2024 — the day of the contact on Mon 30 Dec");
    let e = cal().explain_add(date!(2024 - 01 - 02), -1).unwrap();
    assert_eq!(e.describe("review"), "due Fri 29 Dec 2023 — 1 working day before the review on Tue 2 Jan 2024 (1 Jan 2024 is a bank holiday)");
}

#[test]
fn closure_days_are_skipped_and_named() {
    let closures = ClosureDays::from_toml("[[closure]]\ndate = 2023-12-27\nreason = \"Council closure\"\n").unwrap();
    let c = Calendar::new(cal().bank_holidays().clone(), closures);
    assert_eq!(c.add_working_days(date!(2023 - 12 - 22), 1).unwrap().date, date!(2023 - 12 - 28));
    assert_eq!(c.non_working(date!(2023 - 12 - 27)), Some(NonWorking::Closure("Council closure".into())));
    let e = c.explain_add(date!(2023 - 12 - 22), 1).unwrap();
    assert_eq!(e.describe("contact"), "due Thu 28 Dec 2023 — 1 working day after the contact on Fri 22 Dec (25 and 26 Dec are bank holidays; 27 Dec is a closure day)");
}

#[test]
fn start_day_is_never_counted_even_when_it_is_not_a_working_day() {
    // Friday, Saturday and Sunday contacts are all due on Monday.
    for d in [date!(2024 - 03 - 08), date!(2024 - 03 - 09), date!(2024 - 03 - 10)] {
        assert_eq!(add(d, 1), date!(2024 - 03 - 11), "from {d}");
    }
    assert_eq!(add(date!(2024 - 03 - 11), 1), date!(2024 - 03 - 12));
    assert_eq!(add(date!(2024 - 03 - 11), 5), date!(2024 - 03 - 18));
}

#[test]
fn counting_between_dates() {
    assert_eq!(between(date!(2023 - 12 - 22), date!(2023 - 12 - 27)), 1);
    assert_eq!(between(date!(2023 - 12 - 22), date!(2023 - 12 - 26)), 0);
    assert_eq!(between(date!(2023 - 12 - 22), date!(2023 - 12 - 22)), 0);
    assert_eq!(between(date!(2023 - 12 - 27), date!(2023 - 12 - 22)), -1);
    // A whole ordinary week.
    assert_eq!(between(date!(2024 - 03 - 08), date!(2024 - 03 - 15)), 5);
    // 2024: 366 days, 262 weekdays, 8 bank holidays on weekdays.
    assert_eq!(between(date!(2023 - 12 - 31), date!(2024 - 12 - 31)), 254);
}

#[test]
fn single_assessment_45_working_days() {
    // Referral Mon 4 Dec 2023: 45 working days, skipping 25, 26 Dec and 1 Jan.
    assert_eq!(add(date!(2023 - 12 - 04), 45), date!(2024 - 02 - 08));
}

#[test]
fn zero_and_negative_counts() {
    assert_eq!(add(date!(2024 - 03 - 09), 0), date!(2024 - 03 - 09));
    assert_eq!(add(date!(2024 - 03 - 11), -1), date!(2024 - 03 - 08));
    assert_eq!(add(date!(2024 - 03 - 09), -1), date!(2024 - 03 - 08));
    assert_eq!(add(date!(2023 - 12 - 27), -1), date!(2023 - 12 - 22));
}

#[test]
fn dates_beyond_the_data_warn() {
    let (_, last) = cal().covered();
    let r = cal().add_working_days(last - Duration::days(2), 5).unwrap();
    assert!(r.date > last);
    assert_eq!(r.warnings, vec![CalendarWarning::AfterData { last_covered: last }]);
    let r = cal().add_working_days(date!(2099 - 06 - 01), 1).unwrap();
    assert_eq!(r.date, date!(2099 - 06 - 02));
    assert_eq!(r.warnings.len(), 1);
    let (first, _) = cal().covered();
    let r = cal().add_working_days(first - Duration::days(10), 1).unwrap();
    assert_eq!(r.warnings, vec![CalendarWarning::BeforeData { first_covered: first }]);
    // Inside the data: no warning, even ending on the last covered day.
    let r = cal().add_working_days(date!(2024 - 06 - 03), 10).unwrap();
    assert!(r.warnings.is_empty());
    let c = cal().working_days_between(date!(2024 - 01 - 01), date!(2099 - 01 - 01));
    assert_eq!(c.warnings, vec![CalendarWarning::AfterData { last_covered: last }]);
    assert!(c.warnings[0].to_string().contains("hearth calendar import"));
}

#[test]
fn out_of_range_is_an_error_not_a_panic() {
    assert_eq!(cal().add_working_days(date!(2024 - 01 - 01), i64::MAX), Err(OutOfRange));
    assert_eq!(cal().add_working_days(date!(2024 - 01 - 01), i64::MIN), Err(OutOfRange));
    assert_eq!(cal().add_working_days(date!(2024 - 01 - 01), 10_000_000), Err(OutOfRange));
    assert_eq!(add_months(date!(2024 - 01 - 01), i64::MAX), Err(OutOfRange));
    assert_eq!(add_days(Date::MAX, 1), Err(OutOfRange));
}

// ---- months -----------------------------------------------------------------------------

#[test]
fn months_keep_the_day_clamped_to_the_month_end() {
    assert_eq!(add_months(date!(2023 - 01 - 31), 1), Ok(date!(2023 - 02 - 28)));
    assert_eq!(add_months(date!(2024 - 01 - 31), 1), Ok(date!(2024 - 02 - 29)));
    assert_eq!(add_months(date!(2024 - 08 - 31), 1), Ok(date!(2024 - 09 - 30)));
    assert_eq!(add_months(date!(2024 - 01 - 31), 2), Ok(date!(2024 - 03 - 31)));
    assert_eq!(add_months(date!(2024 - 11 - 15), 3), Ok(date!(2025 - 02 - 15)));
    assert_eq!(add_months(date!(2024 - 03 - 31), -1), Ok(date!(2024 - 02 - 29)));
    assert_eq!(add_months(date!(2024 - 02 - 29), 12), Ok(date!(2025 - 02 - 28)));
    assert_eq!(add_months(date!(2024 - 05 - 10), 0), Ok(date!(2024 - 05 - 10)));
}

// ---- the files --------------------------------------------------------------------------

fn gov_uk(events: &[(&str, &str)]) -> String {
    let ev: Vec<String> = events.iter().map(|(t, d)| format!(r#"{{"title":"{t}","date":"{d}","notes":"","bunting":true}}"#)).collect();
    format!(r#"{{"england-and-wales":{{"division":"england-and-wales","events":[{}]}},"scotland":{{"division":"scotland","events":[]}}}}"#, ev.join(","))
}

fn year_of(y: i32) -> Vec<(String, String)> {
    computed_bank_holidays(y).into_iter().map(|d| ("Holiday".to_string(), d.to_string())).collect()
}

fn file_of(years: &[i32]) -> String {
    let all: Vec<(String, String)> = years.iter().flat_map(|y| year_of(*y)).collect();
    let refs: Vec<(&str, &str)> = all.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
    gov_uk(&refs)
}

#[test]
fn gov_uk_file_errors() {
    let e = BankHolidays::from_gov_uk_json("{\"england-and-wales\": {\"division\": \"england-and-wales\", \"events\": [}}").unwrap_err();
    assert_eq!(e[0].line, 1);
    let e = BankHolidays::from_gov_uk_json(r#"{"scotland":{"division":"scotland","events":[]}}"#).unwrap_err();
    assert!(e[0].message.contains("no England and Wales division"), "{e:?}");
    let mut bad = year_of(2030);
    bad[2].1 = "2030-02-30".into();
    let refs: Vec<(&str, &str)> = bad.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
    let e = BankHolidays::from_gov_uk_json(&gov_uk(&refs)).unwrap_err();
    assert_eq!(e[0].field, "england-and-wales.events[2].date");
    assert!(e[0].message.contains("2030-02-30"));
    let e = BankHolidays::from_gov_uk_json(&gov_uk(&[("New Year", "2030-01-01")])).unwrap_err();
    assert!(e[0].message.contains("2030 has 1 bank holiday"), "{e:?}");
    let mut dup = year_of(2030);
    dup.push(("Again".into(), "2030-01-01".into()));
    let refs: Vec<(&str, &str)> = dup.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
    let e = BankHolidays::from_gov_uk_json(&gov_uk(&refs)).unwrap_err();
    assert!(e[0].message.contains("two bank holidays on 2030-01-01"), "{e:?}");
    // A gap year.
    let e = BankHolidays::from_gov_uk_json(&file_of(&[2030, 2032])).unwrap_err();
    assert!(e[0].message.contains("2031 has 0 bank holidays"), "{e:?}");
    assert!(BankHolidays::from_gov_uk_json(&file_of(&[2030, 2031])).is_ok());
}

#[test]
fn importing_keeps_the_years_a_newer_file_dropped() {
    let current = cal().bank_holidays();
    let (first, last) = current.years();
    // GOV.UK's file now starts a few years back and reaches a year further.
    let newer = BankHolidays::from_gov_uk_json(&file_of(&[last - 2, last - 1, last, last + 1])).unwrap();
    let (merged, summary) = current.merged_with(&newer).unwrap();
    assert_eq!(merged.years(), (first, last + 1));
    assert_eq!(summary.added.len(), computed_bank_holidays(last + 1).len());
    assert!(summary.removed.is_empty());
    assert_eq!(summary.retitled.len(), computed_bank_holidays(last - 2).len() * 3, "titles differ in the test file");
    assert!(summary.to_string().contains(&format!("now cover {first}–{}", last + 1)));
    // Old data from before the first year is kept too.
    assert_eq!(merged.title_on(date!(2018 - 12 - 25)), Some("Christmas Day"));
    // A file that leaves a gap is refused.
    let far = BankHolidays::from_gov_uk_json(&file_of(&[last + 3])).unwrap();
    let err = current.merged_with(&far).unwrap_err();
    assert!(err.contains(&format!("{} has 0 bank holidays", last + 1)), "{err}");
}

#[test]
fn closure_file_formats_and_errors() {
    let text = "# Local closures\n[[closure]]\ndate = 2024-12-27\nreason = \"Christmas closure\"\n\n[[closure]]\nfrom = \"2025-12-29\"\nto = 2025-12-31\nreason = \"Christmas closure\"\n";
    let c = ClosureDays::from_toml(text).unwrap();
    assert_eq!(c.days().len(), 4);
    assert_eq!(c.reason_on(date!(2025 - 12 - 30)), Some("Christmas closure"));

    let e = ClosureDays::from_toml("[[closure]]\ndate = 2024-12-27\nreason = \"x\"\nwhy = \"y\"\n").unwrap_err();
    assert_eq!((e[0].line, e[0].column, e[0].field.as_str()), (4, 1, "closure[1].why"));
    assert!(e[0].message.contains("unknown field"), "{}", e[0]);

    let e = ClosureDays::from_toml("[[closure]]\ndate = \"2024-13-01\"\nreason = \"x\"\n").unwrap_err();
    assert_eq!((e[0].line, e[0].field.as_str()), (2, "closure[1].date"));
    assert_eq!(e[0].in_file("closures.toml"), "closures.toml:2:8: closure[1].date: \"2024-13-01\" is not a date (YYYY-MM-DD)");

    let e = ClosureDays::from_toml("[[closure]]\ndate = 2024-12-27T10:00:00\nreason = \"x\"\n").unwrap_err();
    assert!(e[0].message.contains("plain date"), "{}", e[0]);

    let e = ClosureDays::from_toml("[[closure]]\ndate = 2024-12-27\nreason = \"x\"\n[[closure]]\ndate = 2024-12-27\nreason = \"y\"\n").unwrap_err();
    assert_eq!((e[0].line, e[0].field.as_str()), (6, "closure[2].reason"));
    assert!(e[0].message.contains("listed twice"));

    let e = ClosureDays::from_toml("[[closure]]\nreason = \"x\"\n").unwrap_err();
    assert!(e[0].message.contains("either `date`"));
    let e = ClosureDays::from_toml("[[closure]]\nfrom = 2024-12-31\nto = 2024-12-27\nreason = \"x\"\n").unwrap_err();
    assert!(e[0].message.contains("before the first"));
    let e = ClosureDays::from_toml("[[closure]]\ndate = 2024-12-27\nreason = \" \"\n").unwrap_err();
    assert!(e[0].message.contains("reason"));
    assert!(ClosureDays::from_toml("").unwrap().days().is_empty());
}

#[test]
fn line_and_column() {
    assert_eq!(sources::line_col("ab\ncd\né=x", 9), (3, 3));
    assert_eq!(sources::line_col("ab", 0), (1, 1));
    assert_eq!(sources::field_at("a = 1\n[t.x]\nb = 2\n", 14), "t.x.b");
    assert_eq!(sources::field_at("a = 1\n[t.x]\nb = 2\n", 0), "a");
    assert_eq!(sources::field_at("a = 1\n[t.x]\nb = 2\n", 7), "t.x");
}

// ---- properties -------------------------------------------------------------------------

/// A date between 2010 and 2032, reaching both sides of the data.
fn any_date() -> impl Strategy<Value = Date> {
    (date!(2010 - 01 - 01).to_julian_day()..date!(2032 - 12 - 31).to_julian_day()).prop_map(|j| Date::from_julian_day(j).unwrap())
}

fn naive_add(c: &Calendar, d: Date, n: i64) -> Date {
    let mut x = d;
    let mut left = n.abs();
    while left > 0 {
        x = if n > 0 { x.next_day().unwrap() } else { x.previous_day().unwrap() };
        if c.is_working_day(x) {
            left -= 1;
        }
    }
    x
}

fn naive_between(c: &Calendar, a: Date, b: Date) -> i64 {
    let (lo, hi, sign) = if a <= b { (a, b, 1) } else { (b, a, -1) };
    let mut n = 0;
    let mut x = lo;
    while x < hi {
        x = x.next_day().unwrap();
        if c.is_working_day(x) {
            n += 1;
        }
    }
    sign * n
}

fn with_closures(offsets: &[i64]) -> Calendar {
    let days = offsets.iter().map(|o| ClosureDay { date: date!(2023 - 01 - 01) + Duration::days(*o), reason: "test".into() }).collect();
    Calendar::new(cal().bank_holidays().clone(), ClosureDays::from_days(days))
}

proptest! {
    #[test]
    fn adding_then_counting_round_trips(d in any_date(), n in 0i64..600) {
        let r = add(d, n);
        prop_assert_eq!(between(d, r), n);
    }

    #[test]
    fn a_result_is_never_a_non_working_day(d in any_date(), n in 1i64..600) {
        let r = add(d, n);
        prop_assert!(cal().is_working_day(r), "{} + {} = {} ({:?})", d, n, r, cal().non_working(r));
        prop_assert!(cal().non_working(r).is_none());
        prop_assert!(r > d);
        let back = add(d, -n);
        prop_assert!(cal().is_working_day(back));
        prop_assert!(back < d);
    }

    #[test]
    fn adding_is_monotonic_in_n(d in any_date(), n in 1i64..600) {
        prop_assert!(add(d, n) < add(d, n + 1));
        prop_assert!(add(d, n - 1) < add(d, n));
    }

    #[test]
    fn adding_is_monotonic_in_the_start(d in any_date(), k in 0i64..10, n in 0i64..100) {
        prop_assert!(add(d, n) <= add(d + Duration::days(k), n));
    }

    #[test]
    fn adding_composes(d in any_date(), a in 1i64..300, b in 1i64..300) {
        prop_assert_eq!(add(add(d, a), b), add(d, a + b));
    }

    #[test]
    fn counting_is_antisymmetric_and_additive(a in any_date(), b in any_date(), c in any_date()) {
        prop_assert_eq!(between(a, b), -between(b, a));
        prop_assert_eq!(between(a, b) + between(b, c), between(a, c));
    }

    #[test]
    fn the_fast_calendar_agrees_with_counting_day_by_day(
        d in any_date(),
        n in -400i64..400,
        e in any_date(),
        closures in proptest::collection::vec(0i64..1500, 0..40),
    ) {
        let c = with_closures(&closures);
        prop_assert_eq!(c.add_working_days(d, n).unwrap().date, naive_add(&c, d, n));
        prop_assert_eq!(c.working_days_between(d, e).days, naive_between(&c, d, e));
    }

    #[test]
    fn counting_back_from_a_working_day_round_trips(d in any_date(), n in 1i64..400) {
        let start = add(d, 1);
        prop_assert_eq!(between(start, add(start, -n)), -n);
    }

    #[test]
    fn warnings_exactly_when_the_span_leaves_the_data(d in any_date(), n in 0i64..400) {
        let (first, last) = cal().covered();
        let r = cal().add_working_days(d, n).unwrap();
        let beyond = r.date > last || (n > 0 && d + Duration::days(1) < first) || (n == 0 && (d < first || d > last));
        prop_assert_eq!(!r.warnings.is_empty(), beyond, "{} + {} = {} {:?}", d, n, r.date, r.warnings);
    }

    #[test]
    fn months_clamp_and_never_overflow_the_month(d in any_date(), n in -60i64..60) {
        let r = add_months(d, n).unwrap();
        let months = (r.year() - d.year()) as i64 * 12 + r.month() as i64 - d.month() as i64;
        prop_assert_eq!(months, n);
        prop_assert!(r.day() == d.day() || r.day() == r.month().length(r.year()));
        prop_assert!(r.day() <= d.day());
    }
}

/// One million deadlines: `cargo test --release -p hearth-domain -- --ignored --nocapture million`.
#[test]
#[ignore]
fn a_million_deadlines() {
    let c = cal();
    let start = date!(2018 - 01 - 01).to_julian_day();
    let t = std::time::Instant::now();
    let mut acc = 0i64;
    for i in 0..1_000_000i64 {
        let d = Date::from_julian_day(start + (i % 3650) as i32).unwrap();
        let r = c.add_working_days(d, 1 + i % 60).unwrap();
        acc += r.date.to_julian_day() as i64;
    }
    let elapsed = t.elapsed();
    println!("1,000,000 working-day deadlines in {elapsed:?} (checksum {acc})");
    assert!(elapsed.as_secs_f64() < 1.0 || cfg!(debug_assertions));
}
