use super::*;
use crate::calendar;
use proptest::prelude::*;
use time::macros::{date, datetime};

fn national() -> Pack {
    Pack::national()
}

fn seed() -> Pack {
    national().with_layer(BATH_NE_SOMERSET_PACK).unwrap()
}

fn cal() -> &'static Calendar {
    calendar::shipped()
}

fn ts(s: &str) -> Timespan {
    s.parse().unwrap()
}

/// The errors of a local layer on the national pack, as `LINE:COL: field: message`.
fn layer_errors(text: &str) -> Vec<FileError> {
    national().with_layer(text).unwrap_err()
}

const LAYER: &str = "name = \"test-la\"\nversion = \"1\"\nextends = \"national\"\n";

// ---- the shipped packs ------------------------------------------------------------------

#[test]
fn the_national_pack_has_the_design_defaults() {
    let p = national();
    assert_eq!(p.id(), PackRef { name: "national".into(), version: "2026.1".into() });
    let within = |k: &str| p.timescale(k).unwrap().within;
    assert_eq!(within("referral_decision"), Some(ts("1 working day")));
    assert_eq!(within("single_assessment"), Some(ts("45 working days")));
    assert_eq!(within("initial_child_protection_conference"), Some(ts("15 working days")));
    assert_eq!(within("first_core_group"), Some(ts("10 working days")));
    assert_eq!(within("care_plan"), Some(ts("10 working days")));
    assert_eq!(within("placement_plan"), Some(ts("5 working days")));
    assert_eq!(within("statutory_visit"), Some(ts("1 week")));
    assert_eq!(within("connected_person_temporary_approval"), Some(ts("16 weeks")));
    let cp = p.timescale("child_protection_review").unwrap();
    assert_eq!((cp.interval(1), cp.interval(2), cp.interval(9)), (Some(ts("3 months")), Some(ts("6 months")), Some(ts("6 months"))));
    let lac = p.timescale("looked_after_review").unwrap();
    assert_eq!((lac.interval(1), lac.interval(2), lac.interval(3)), (Some(ts("20 working days")), Some(ts("3 months")), Some(ts("6 months"))));
    assert_eq!(p.timescale("statutory_visit").unwrap().interval(2), Some(ts("6 weeks")));
    assert_eq!(p.timescale("statutory_visit_long_term").unwrap().interval(1), Some(ts("3 months")));
    assert_eq!(within("permanence_plan"), Some(ts("3 months")));
    assert_eq!(within("personal_education_plan"), Some(ts("10 working days")));
    assert_eq!(p.timescale("health_assessment_review_under_5").unwrap().interval(1), Some(ts("6 months")));
    assert_eq!(p.timescale("health_assessment_review_5_and_over").unwrap().interval(1), Some(ts("12 months")));
    assert_eq!(p.timescale("pathway_plan_review").unwrap().interval(3), Some(ts("6 months")));
    assert_eq!(p.timescale("connected_person_temporary_approval").unwrap().extension, Some(ts("8 weeks")));
    assert!(p.timescales.values().all(|t| t.source.is_some()));
    // Hearth's own defaults where the law sets no interval are marked as such.
    let local: Vec<&str> = p.timescales.iter().filter(|(_, t)| !t.statutory).map(|(k, _)| k.as_str()).collect();
    assert_eq!(local, ["core_group", "child_protection_visit", "child_in_need_plan_review", "child_in_need_visit", "care_decision_authorisation", "pre_care_planning_meeting", "care_notifications", "statutory_visit_on_request", "external_home_monitoring", "school_transport"]);
    // File order is kept.
    assert_eq!(p.timescales.keys().next().map(String::as_str), Some("referral_decision"));
}

#[test]
fn the_seed_001_layer() {
    let p = seed();
    assert_eq!(p.id(), PackRef { name: "bath-ne-somerset".into(), version: "2026.1".into() });
    assert_eq!(p.base, Some(PackRef { name: "national".into(), version: "2026.1".into() }));
    let within = |k: &str| p.timescale(k).unwrap().within;
    assert_eq!(within("initial_assessment"), Some(ts("10 working days")));
    assert_eq!(within("core_assessment"), Some(ts("35 working days")));
    assert_eq!(p.timescale("core_assessment").unwrap().from, "initial_assessment");
    assert_eq!(within("referral_response"), Some(ts("24 hours")));
    assert_eq!(within("child_seen"), Some(ts("5 working days")));
    assert!(p.timescale("child_seen").unwrap().missed_needs_explanation);
    assert_eq!(within("strategy_discussion_action_notes"), Some(ts("24 hours")));
    assert_eq!(within("core_assessment_after_section_47"), Some(ts("15 working days")));
    assert_eq!(within("disabled_children_referral_response"), Some(ts("48 hours")));
    assert_eq!(within("hospital_referral_transfer"), Some(ts("24 hours")));
    let caseload = p.threshold("caseload_per_qualified_social_worker").unwrap();
    assert_eq!((caseload.min, caseload.max), (Some(20), Some(25)));
    assert_eq!(caseload.check(19), Ordering::Less);
    assert_eq!(caseload.check(22), Ordering::Equal);
    assert_eq!(caseload.check(26), Ordering::Greater);
    assert_eq!(p.threshold("duty_rota_qualified_social_workers_per_session").unwrap().min, Some(2));
    // The national timescales are all still there, still statutory, still national.
    for (k, t) in &national().timescales {
        assert_eq!(p.timescale(k), Some(t));
    }
    assert!(p.timescales.values().filter(|t| t.defined_by.name == "bath-ne-somerset").all(|t| !t.statutory));
}

// ---- deadlines --------------------------------------------------------------------------

#[test]
fn a_deadline_remembers_its_pack_and_explains_itself() {
    let p = seed();
    let d = p.deadline("referral_decision", 1, Start::Date(date!(2023 - 12 - 22)), cal()).unwrap();
    assert_eq!(d.due, Due::Date(date!(2023 - 12 - 27)));
    assert_eq!((d.pack.as_str(), d.pack_version.as_str()), ("bath-ne-somerset", "2026.1"));
    assert_eq!(d.base, Some(PackRef { name: "national".into(), version: "2026.1".into() }));
    assert_eq!(d.pack_label(), "bath-ne-somerset 2026.1 (on national 2026.1)");
    assert_eq!(d.explain(cal()), "due Wed 27 Dec 2023 — 1 working day after the contact on Fri 22 Dec (25 and 26 Dec are bank holidays)");
    assert!(d.warnings.is_empty());
    let n = national().deadline("single_assessment", 1, Start::Date(date!(2023 - 12 - 04)), cal()).unwrap();
    assert_eq!(n.due, Due::Date(date!(2024 - 02 - 08)));
    assert_eq!((n.pack.as_str(), n.base.as_ref()), ("national", None));
}

#[test]
fn deadlines_in_hours_months_and_repeats() {
    let p = seed();
    let d = p.deadline("referral_response", 1, Start::DateTime(datetime!(2024-03-08 16:30)), cal()).unwrap();
    assert_eq!(d.due, Due::DateTime(datetime!(2024-03-09 16:30)));
    assert_eq!(d.due.to_string(), "2024-03-09 16:30");
    assert_eq!(d.explain(cal()), "due Sat 9 Mar 2024 16:30 — 24 hours after the referral on Fri 8 Mar 16:30");
    assert_eq!(p.deadline("referral_response", 1, Start::Date(date!(2024 - 03 - 08)), cal()), Err(DeadlineError::NeedsTime));
    // A date-and-time start of a working-day timescale counts from its date.
    let d = p.deadline("child_seen", 1, Start::DateTime(datetime!(2024-03-08 16:30)), cal()).unwrap();
    assert_eq!(d.due, Due::Date(date!(2024 - 03 - 15)));

    let icpc = Start::Date(date!(2024 - 01 - 31));
    let first = p.deadline("child_protection_review", 1, icpc, cal()).unwrap();
    assert_eq!(first.due, Due::Date(date!(2024 - 04 - 30)));
    assert_eq!(first.explain(cal()), "due Tue 30 Apr 2024 — 3 months after the initial child protection conference on Wed 31 Jan");
    let second = p.deadline("child_protection_review", 2, Start::Date(date!(2024 - 04 - 30)), cal()).unwrap();
    assert_eq!(second.due, Due::Date(date!(2024 - 10 - 30)));
    // Three months after 27 Feb 2026 is Wed 27 May; after 26 Sep 2026 is Sat 26 Dec, and
    // Fri 25 Dec is Christmas: due the Thursday before, and the explanation says why.
    let christmas = p.deadline("child_protection_review", 1, Start::Date(date!(2026 - 09 - 26)), cal()).unwrap();
    assert_eq!(christmas.due, Due::Date(date!(2026 - 12 - 24)));
    assert_eq!(christmas.explain(cal()), "due Thu 24 Dec 2026 — 3 months after the initial child protection conference on Sat 26 Sep (Sat 26 Dec is at the weekend and Fri 25 Dec is a bank holiday (Christmas Day), so the working day before)");
    let weekend = p.deadline("child_protection_review", 1, Start::Date(date!(2026 - 03 - 07)), cal()).unwrap();
    assert_eq!(weekend.due, Due::Date(date!(2026 - 06 - 05)));
    assert!(weekend.explain(cal()).ends_with("(Sun 7 Jun is at the weekend, so the working day before)"), "{}", weekend.explain(cal()));
    assert_eq!(second.from, "previous child protection review conference");

    let lac = |k, d| p.deadline("looked_after_review", k, Start::Date(d), cal()).unwrap().due;
    assert_eq!(lac(1, date!(2024 - 03 - 01)), Due::Date(date!(2024 - 04 - 02)));
    assert_eq!(lac(2, date!(2024 - 04 - 02)), Due::Date(date!(2024 - 07 - 02)));
    assert_eq!(lac(3, date!(2024 - 07 - 02)), Due::Date(date!(2025 - 01 - 02)));

    let visit = p.deadline("statutory_visit", 1, Start::Date(date!(2024 - 03 - 01)), cal()).unwrap();
    assert_eq!(visit.due, Due::Date(date!(2024 - 03 - 08)));
    assert_eq!(p.deadline("initial_assessment", 0, icpc, cal()), Err(DeadlineError::NoSuchOccurrence(0)));
    assert_eq!(p.deadline("initial_assessment", 2, icpc, cal()), Err(DeadlineError::NoSuchOccurrence(2)));
    assert_eq!(p.deadline("nope", 1, icpc, cal()), Err(DeadlineError::UnknownRule("nope".into())));
}

#[test]
fn a_deadline_beyond_the_calendar_carries_the_warning() {
    let (_, last) = cal().covered();
    let d = national().deadline("single_assessment", 1, Start::Date(last - time::Duration::days(10)), cal()).unwrap();
    assert_eq!(d.warnings, vec![calendar::CalendarWarning::AfterData { last_covered: last }]);
}

// ---- timespans --------------------------------------------------------------------------

#[test]
fn timespans_parse_and_print() {
    assert_eq!(ts("45 working days"), Timespan::new(45, Unit::WorkingDays));
    assert_eq!(ts("1 working day").to_string(), "1 working day");
    assert_eq!(ts("  3   Months ").to_string(), "3 months");
    assert_eq!(ts("0 hours"), Timespan::new(0, Unit::Hours));
    assert!("-5 working days".parse::<Timespan>().unwrap_err().starts_with("negative timescale"));
    assert!("5 days".parse::<Timespan>().unwrap_err().contains("ambiguous"));
    assert!("5 fortnights".parse::<Timespan>().unwrap_err().contains("unknown unit \"fortnights\""));
    assert!("1 year".parse::<Timespan>().unwrap_err().contains("12 months"));
    assert!("five working days".parse::<Timespan>().unwrap_err().contains("whole number"));
    assert!("2.5 weeks".parse::<Timespan>().is_err());
    assert!("45".parse::<Timespan>().unwrap_err().contains("no unit"));
    assert!("100001 hours".parse::<Timespan>().is_err());
}

#[test]
fn timespans_compare_only_when_the_order_is_certain() {
    use Ordering::*;
    assert_eq!(ts("10 working days").compare(ts("45 working days")), Some(Less));
    assert_eq!(ts("24 hours").compare(ts("1 calendar day")), Some(Less));
    assert_eq!(ts("1 calendar day").compare(ts("24 hours")), Some(Greater));
    assert_eq!(ts("48 hours").compare(ts("1 calendar day")), Some(Greater));
    assert_eq!(ts("36 hours").compare(ts("1 calendar day")), None);
    assert_eq!(ts("24 hours").compare(ts("1 working day")), Some(Less));
    // A deadline in weeks on a weekend or holiday comes back to a working day: never later.
    assert_eq!(ts("2 weeks").compare(ts("14 calendar days")), Some(Less));
    assert_eq!(ts("2 weeks").compare(ts("10 calendar days")), Some(Greater));
    assert_eq!(ts("2 weeks").compare(ts("12 calendar days")), None);
    assert_eq!(ts("1 month").compare(ts("31 calendar days")), Some(Less));
    // A month from 31 January ends on 28 February, earlier still when that is a weekend.
    assert_eq!(ts("1 month").compare(ts("4 weeks")), None);
    assert_eq!(ts("1 month").compare(ts("3 weeks")), Some(Greater));
    assert_eq!(ts("12 weeks").compare(ts("3 months")), Some(Less));
    assert_eq!(ts("13 weeks").compare(ts("3 months")), None);
    assert_eq!(ts("5 weeks").compare(ts("1 month")), Some(Greater));
    assert_eq!(ts("20 working days").compare(ts("4 weeks")), None);
    assert_eq!(ts("3 months").compare(ts("20 working days")), None);
    assert_eq!(ts("20 working days").compare(ts("19 calendar days")), Some(Greater));
}

fn any_timespan() -> impl Strategy<Value = Timespan> {
    let unit = prop_oneof![Just(Unit::WorkingDays), Just(Unit::CalendarDays), Just(Unit::Hours), Just(Unit::Weeks), Just(Unit::Months)];
    (0u32..400, unit).prop_map(|(a, u)| Timespan::new(a, u))
}

proptest! {
    #[test]
    fn timespans_print_and_parse_back(t in any_timespan()) {
        prop_assert_eq!(t.to_string().parse::<Timespan>(), Ok(t));
    }

    #[test]
    fn comparison_is_antisymmetric(a in any_timespan(), b in any_timespan()) {
        prop_assert_eq!(a.compare(b), b.compare(a).map(Ordering::reverse));
    }

    /// When `a` is certainly no longer than `b`, it ends no later from any start.
    #[test]
    fn a_certain_comparison_holds_on_the_calendar(a in any_timespan(), b in any_timespan(), day in 0i64..6000) {
        let start = Start::DateTime(PrimitiveDateTime::new(date!(2012 - 01 - 01) + time::Duration::days(day), time::macros::time!(09:00)));
        if let Some(Ordering::Less | Ordering::Equal) = a.compare(b) {
            let (da, _) = a.after(start, cal()).unwrap();
            let (db, _) = b.after(start, cal()).unwrap();
            // A day-unit deadline is due at the end of its day.
            let end = |d: Due| match d { Due::Date(d) => (d, 24 * 60), Due::DateTime(t) => (t.date(), t.hour() as i32 * 60 + t.minute() as i32) };
            prop_assert!(end(da) <= end(db), "{} from {:?}: {:?} > {} {:?}", a, start, da, b, db);
        }
    }
}

// ---- validation errors ------------------------------------------------------------------

#[test]
fn loosening_a_statutory_timescale_names_the_line() {
    let text = format!("{LAYER}\n[timescale.single_assessment]\nwithin = \"60 working days\"\n");
    let e = layer_errors(&text);
    assert_eq!(e.len(), 1, "{e:?}");
    assert_eq!((e[0].line, e[0].column, e[0].field.as_str()), (6, 10, "timescale.single_assessment.within"));
    assert_eq!(
        e[0].in_file("la.toml"),
        "la.toml:6:10: timescale.single_assessment.within: loosens the statutory timescale \"single_assessment\": 60 working days is longer than the national 45 working days"
    );
    // Tightening, or restating, is fine.
    let ok = national().with_layer(&format!("{LAYER}[timescale.single_assessment]\nwithin = \"40 working days\"\n")).unwrap();
    assert_eq!(ok.timescale("single_assessment").unwrap().within, Some(ts("40 working days")));
    assert!(ok.timescale("single_assessment").unwrap().statutory);
    assert_eq!(ok.timescale("single_assessment").unwrap().defined_by.name, "test-la");
    national().with_layer(&format!("{LAYER}[timescale.single_assessment]\nwithin = \"45 working days\"\n")).unwrap();
    national().with_layer(&format!("{LAYER}[timescale.referral_decision]\nwithin = \"24 hours\"\n")).unwrap();
}

#[test]
fn loosening_later_occurrences_or_extensions_is_refused() {
    let e = layer_errors(&format!("{LAYER}[timescale.looked_after_review]\nthen = [\"4 months\"]\n"));
    assert_eq!(e[0].field, "timescale.looked_after_review.then");
    assert!(e[0].message.contains("4 months is longer than the national 3 months"), "{}", e[0]);
    let e = layer_errors(&format!("{LAYER}[timescale.child_protection_review]\nrepeat = \"7 months\"\n"));
    assert_eq!(e[0].field, "timescale.child_protection_review.repeat");
    let e = layer_errors(&format!("{LAYER}[timescale.looked_after_review]\nthen = []\nrepeat = \"6 months\"\n"));
    assert!(e[0].message.contains("6 months is longer than the national 3 months"), "{}", e[0]);
    let e = layer_errors(&format!("{LAYER}[timescale.connected_person_temporary_approval]\nextension = \"10 weeks\"\n"));
    assert_eq!(e[0].field, "timescale.connected_person_temporary_approval.extension");
    assert!(e[0].message.contains("extension of 10 weeks"));
    let e = layer_errors(&format!("{LAYER}[timescale.single_assessment]\nextension = \"1 week\"\n"));
    assert!(e[0].message.contains("allows no extension"));
    let e = layer_errors(&format!("{LAYER}[timescale.child_protection_review]\nwithin = \"13 weeks\"\n"));
    assert!(e[0].message.contains("cannot tell whether 13 weeks is within the national 3 months"), "{}", e[0]);
    // Tighter everywhere is fine.
    national().with_layer(&format!("{LAYER}[timescale.looked_after_review]\nwithin = \"15 working days\"\nthen = [\"2 months\"]\nrepeat = \"5 months\"\n")).unwrap();
    national().with_layer(&format!("{LAYER}[timescale.child_protection_review]\nwithin = \"12 weeks\"\nrepeat = \"24 weeks\"\n")).unwrap();
    national().with_layer(&format!("{LAYER}[timescale.child_protection_review]\nwithin = \"2 months\"\n")).unwrap();
}

#[test]
fn unknown_fields_and_bad_values_name_line_and_field() {
    let e = layer_errors(&format!("{LAYER}[timescale.child_seen]\nfrom = \"referral\"\nwithin = \"5 working days\"\nexplain = true\n"));
    assert_eq!((e[0].line, e[0].column, e[0].field.as_str()), (7, 1, "timescale.child_seen.explain"));
    assert!(e[0].message.contains("unknown field `explain`"), "{}", e[0]);

    let e = layer_errors(&format!("{LAYER}colour = \"red\"\n"));
    assert_eq!((e[0].line, e[0].field.as_str()), (4, "colour"));

    let e = layer_errors(&format!("{LAYER}[timescale.x]\nfrom = \"referral\"\nwithin = \"-3 working days\"\n"));
    assert_eq!((e[0].line, e[0].field.as_str()), (6, "timescale.x.within"));
    assert!(e[0].message.starts_with("negative timescale"), "{}", e[0]);

    let e = layer_errors(&format!("{LAYER}[timescale.x]\nfrom = \"referral\"\nwithin = -3\n"));
    assert!(e[0].message.starts_with("negative timescale -3"), "{}", e[0]);

    let e = layer_errors(&format!("{LAYER}[timescale.x]\nfrom = \"referral\"\nwithin = 3\n"));
    assert!(e[0].message.contains("has no unit"), "{}", e[0]);

    let e = layer_errors(&format!("{LAYER}[timescale.x]\nfrom = \"referral\"\nwithin = \"3 fortnights\"\n"));
    assert!(e[0].message.contains("unknown unit \"fortnights\""), "{}", e[0]);

    let e = layer_errors(&format!("{LAYER}[timescale.x]\nfrom = \"referral\"\ntitle = \"X\"\n"));
    assert_eq!((e[0].line, e[0].field.as_str()), (4, "timescale.x"));
    assert!(e[0].message.starts_with("missing timescale"), "{}", e[0]);

    let e = layer_errors(&format!("{LAYER}[timescale.x]\nwithin = \"3 hours\"\n"));
    assert!(e[0].message.starts_with("missing `from`"), "{}", e[0]);

    let e = layer_errors(&format!("{LAYER}[timescale.x]\nfrom = \"refferal\"\nwithin = \"3 hours\"\n"));
    assert_eq!(e[0].field, "timescale.x.from");
    assert!(e[0].message.contains("unknown event \"refferal\""), "{}", e[0]);

    let e = layer_errors(&format!("{LAYER}[timescale.a]\nfrom = \"b\"\nwithin = \"3 hours\"\n[timescale.b]\nfrom = \"a\"\nwithin = \"3 hours\"\n"));
    assert!(e[0].message.contains("circle"), "{}", e[0]);

    let e = layer_errors(&format!("{LAYER}[timescale.x]\nfrom = \"referral\"\nwithin = \"1 hour\"\nstatutory = true\n"));
    assert!(e[0].message.contains("only the national pack"), "{}", e[0]);

    let e = layer_errors(&format!("{LAYER}[timescale.care_plan]\nfrom = \"placement\"\n"));
    assert!(e[0].message.contains("cannot change what a statutory timescale starts from"), "{}", e[0]);

    let e = layer_errors(&format!("{LAYER}[timescale.Bad_Key]\nfrom = \"referral\"\nwithin = \"1 hour\"\n"));
    assert!(e[0].message.contains("not a timescale key"), "{}", e[0]);

    let e = layer_errors(&format!("{LAYER}[threshold.caseload]\nmin = 30\nmax = 25\n"));
    assert!(e[0].message.contains("minimum 30 is above the maximum 25"), "{}", e[0]);
    let e = layer_errors(&format!("{LAYER}[threshold.caseload]\nmin = -1\n"));
    assert_eq!((e[0].line, e[0].field.as_str()), (5, "threshold.caseload.min"));
    let e = layer_errors(&format!("{LAYER}[threshold.caseload]\ntitle = \"x\"\n"));
    assert!(e[0].message.contains("missing `min` and `max`"), "{}", e[0]);

    let e = layer_errors("this is not toml");
    assert_eq!(e[0].line, 1);
}

#[test]
fn several_errors_are_all_reported_in_line_order() {
    let text = format!("{LAYER}[timescale.single_assessment]\nwithin = \"50 working days\"\n[timescale.x]\nfrom = \"referral\"\nwithin = \"-1 hours\"\n");
    let e = layer_errors(&text);
    assert_eq!(e.iter().map(|e| e.line).collect::<Vec<_>>(), vec![5, 8]);
}

#[test]
fn header_errors() {
    let e = layer_errors("name = \"test-la\"\nversion = \"1\"\nextends = \"nationl\"\n");
    assert_eq!((e[0].line, e[0].field.as_str()), (3, "extends"));
    assert!(e[0].message.contains("extends \"nationl\", but the base pack is \"national\""), "{}", e[0]);
    let e = layer_errors("name = \"test-la\"\nversion = \"1\"\n");
    assert!(e[0].message.contains("missing `extends`"));
    let e = layer_errors("name = \"national\"\nversion = \"1\"\nextends = \"national\"\n");
    assert!(e[0].message.contains("name of its own"));
    let e = layer_errors("version = \"1\"\nextends = \"national\"\n");
    assert!(e[0].message.contains("missing `name`"));
    let e = layer_errors("name = \"Test LA\"\nversion = \"\"\nextends = \"national\"\n");
    assert_eq!(e.len(), 2, "{e:?}");
    let e = Pack::parse("name = \"x\"\nversion = \"1\"\nextends = \"national\"\n").unwrap_err();
    assert!(e[0].message.contains("local layer"));
}

#[test]
fn check_picks_layer_or_complete_pack() {
    assert_eq!(national().check(BATH_NE_SOMERSET_PACK).unwrap().name, "bath-ne-somerset");
    assert_eq!(national().check(NATIONAL_PACK).unwrap().name, "national");
    assert_eq!(layer_extends(BATH_NE_SOMERSET_PACK).as_deref(), Some("national"));
    assert_eq!(layer_extends(NATIONAL_PACK), None);
}

// ---- show, reload -----------------------------------------------------------------------

fn without_layers(p: &Pack) -> (Vec<Timescale>, Vec<Threshold>) {
    let r = PackRef { name: String::new(), version: String::new() };
    (
        p.timescales.values().cloned().map(|mut t| {
            t.defined_by = r.clone();
            t
        }).collect(),
        p.thresholds.values().cloned().map(|mut t| {
            t.defined_by = r.clone();
            t
        }).collect(),
    )
}

#[test]
fn the_effective_pack_prints_as_a_loadable_pack() {
    let p = seed();
    let text = p.to_toml();
    assert!(text.starts_with("# Effective policy pack: bath-ne-somerset 2026.1 on national 2026.1.\n"), "{text}");
    assert!(text.contains("\n# national 2026.1\n[timescale.single_assessment]\n"));
    assert!(text.contains("\n# bath-ne-somerset 2026.1\n[timescale.initial_assessment]\n"));
    let again = Pack::parse(&text).unwrap();
    assert_eq!((again.name.as_str(), again.version.as_str()), ("bath-ne-somerset", "2026.1"));
    assert_eq!(without_layers(&again), without_layers(&p));
    assert_eq!(without_layers(&Pack::parse(&national().to_toml()).unwrap()), without_layers(&national()));
}

#[test]
fn a_pack_that_fails_validation_is_not_loaded() {
    let mut active = ActivePolicy::new(national());
    active.reload(NATIONAL_PACK, Some(BATH_NE_SOMERSET_PACK)).unwrap();
    assert_eq!(active.current().name, "bath-ne-somerset");
    let bad = format!("{LAYER}[timescale.single_assessment]\nwithin = \"60 working days\"\n");
    match active.reload(NATIONAL_PACK, Some(&bad)) {
        Err(PackLoadError::Local(e)) => assert_eq!(e[0].line, 5),
        other => panic!("{other:?}"),
    }
    assert_eq!(active.current().name, "bath-ne-somerset");
    assert!(matches!(active.reload("name = 1", None), Err(PackLoadError::Base(_))));
    assert_eq!(active.current().name, "bath-ne-somerset");
}
