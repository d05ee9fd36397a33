//! Helpers for the rules' unit tests: a 2025-26 context, a child that passes every rule, and
//! the rule codes a child fails.
use super::{all, check_child, validate, Ctx};
use crate::model::{Assessment, CensusFile, Child, CinDetails, CinPlan, Header};
use hearth_domain::calendar;
use time::{Date, Month};

pub fn ctx() -> Ctx<'static> {
    Ctx::new(d("2026-03-31"), calendar::shipped())
}

pub fn d(s: &str) -> Date {
    crate::model::date(&t(s)).unwrap_or(Date::from_calendar_date(1900, Month::January, 1).expect("a date"))
}

pub fn t(s: &str) -> Option<String> {
    Some(s.to_string())
}

/// A school-age child referred in the year, assessed, on a CIN plan, episode closed: passes
/// every rule.
pub fn valid_child() -> Child {
    Child {
        la_child_id: t("C1"),
        upn: t("Z201150000011"),
        birth_date: t("2015-06-01"),
        sex: t("M"),
        ethnicity: t("WBRI"),
        disabilities: vec![t("NONE")],
        episodes: vec![CinDetails {
            referral_date: t("2025-05-06"),
            referral_source: t("1A"),
            primary_need: t("N1"),
            closure_date: t("2026-01-15"),
            reason_for_closure: t("RC1"),
            referral_nfa: t("false"),
            assessments: vec![Assessment {
                start: t("2025-05-07"),
                authorisation: t("2025-06-20"),
                factors: Some(vec![t("2A")]),
                ..Assessment::default()
            }],
            cin_plans: vec![CinPlan { start: t("2025-06-23"), end: t("2026-01-15") }],
            ..CinDetails::default()
        }],
        ..Child::default()
    }
}

pub fn header() -> Header {
    Header {
        collection: t("CIN"),
        year: t("2026"),
        reference_date: t("2026-03-31"),
        source_level: t("L"),
        lea: t("201"),
        software_code: t("Hearth"),
        release: t("1"),
        serial_no: t("1"),
        date_time: t("2026-04-20T09:00:00"),
    }
}

/// The codes of the child-level rules this child fails, sorted.
pub fn fails(child: &Child) -> Vec<&'static str> {
    let mut codes: Vec<_> = check_child(&all(), child, &ctx()).into_iter().map(|f| f.code).collect();
    codes.sort();
    codes.dedup();
    codes
}

/// The codes failed by a whole file of these children, sorted.
pub fn file_fails(children: Vec<Child>) -> Vec<&'static str> {
    let file = CensusFile { header: header(), children };
    let mut codes: Vec<_> = validate(&file, ctx()).into_iter().map(|f| f.code).collect();
    codes.sort();
    codes.dedup();
    codes
}

#[test]
fn the_valid_child_passes() {
    // Return-level queries about the mix of children (2886Q, 2887Q, 2888Q) are not about
    // this child.
    let codes: Vec<_> = file_fails(vec![valid_child()]).into_iter().filter(|c| !["2887Q", "2888Q", "2886Q"].contains(c)).collect();
    assert!(codes.is_empty(), "{codes:?}");
}
