//! Rules on the header, the child's identifiers and characteristics, and the return as a
//! whole.
//!
//! The DfE's validator joins its tables on the LA child id, so two children sharing an id (or
//! both without one) are judged as one there; these rules judge each child on its own record,
//! which is the same whenever ids are present and unique (8500 and 8510 report the rest).
use super::{Check, Ctx, Hits, Kind, Loc, Place, Plant, Rule, Seen};
use crate::model::{self, CensusFile, Child, Header, Text};
use std::collections::{BTreeMap, HashMap};
use time::{Date, Duration, Month};

pub static RULES: &[Rule] = &[
    Rule {
        code: "100",
        kind: Kind::Error,
        message: "Reference Date is incorrect",
        check: Check::Header(rule_100),
        plant: Plant::File(plant_100),
    },
    Rule {
        code: "1510",
        kind: Kind::Error,
        message: "UPN invalid (wrong check letter at character 1)",
        check: Check::Child(rule_1510),
        plant: Plant::Child(plant_1510),
    },
    Rule {
        code: "1520",
        kind: Kind::Error,
        message: "More than one record with the same UPN.",
        check: Check::Return(rule_1520),
        plant: Plant::File(plant_1520),
    },
    Rule {
        code: "1530",
        kind: Kind::Error,
        message: "UPN invalid (characters 2-4 not a recognised LA code)",
        check: Check::Child(rule_1530),
        plant: Plant::Child(plant_1530),
    },
    Rule {
        code: "1540",
        kind: Kind::Error,
        message: "UPN invalid (characters 5-12 not all numeric)",
        check: Check::Child(rule_1540),
        plant: Plant::Child(plant_1540),
    },
    Rule {
        code: "1550",
        kind: Kind::Error,
        message: "UPN invalid (character 13 not a recognised value)",
        check: Check::Child(rule_1550),
        plant: Plant::Child(plant_1550),
    },
    Rule {
        code: "1560Q",
        kind: Kind::Query,
        message: "Please check and either amend or provide a reason: Former UPN wrongly formatted",
        check: Check::Child(rule_1560q),
        plant: Plant::Child(plant_1560q),
    },
    Rule {
        code: "1570",
        kind: Kind::Error,
        message: "LA Child ID must not be longer than 20 characters",
        check: Check::Child(rule_1570),
        plant: Plant::Child(plant_1570),
    },
    Rule {
        code: "1580",
        kind: Kind::Error,
        message: "LA Child ID must not contain any non-alphanumeric characters",
        check: Check::Child(rule_1580),
        plant: Plant::Child(plant_1580),
    },
    Rule {
        code: "2886Q",
        kind: Kind::Query,
        message: "Please check and either amend or provide a reason: Percentage of children with no sex recorded is more than 2% (excluding unborns)",
        check: Check::Return(rule_2886q),
        plant: Plant::File(plant_2886q),
    },
    Rule {
        code: "2887Q",
        kind: Kind::Query,
        message: "Please check and either amend or provide a reason: Less than 8 disability codes have been used in your return",
        check: Check::Return(rule_2887q),
        plant: Plant::File(plant_2887q),
    },
    Rule {
        code: "2888Q",
        kind: Kind::Query,
        message: "Please check and either amend or provide a reason: Only one disability code is recorded per child and multiple disabilities should be recorded where possible.",
        check: Check::Return(rule_2888q),
        plant: Plant::File(plant_2888q),
    },
    Rule {
        code: "4180",
        kind: Kind::Error,
        message: "Sex must be provided and equal M, F, or U",
        check: Check::Child(rule_4180),
        plant: Plant::Child(plant_4180),
    },
    Rule {
        code: "4220",
        kind: Kind::Error,
        message: "Ethnicity is missing or invalid (see Ethnicity table)",
        check: Check::Child(rule_4220),
        plant: Plant::Child(plant_4220),
    },
    Rule {
        code: "8500",
        kind: Kind::Error,
        message: "LA Child ID missing",
        check: Check::Child(rule_8500),
        plant: Plant::File(plant_8500),
    },
    Rule {
        code: "8510",
        kind: Kind::Error,
        message: "More than one child record with the same LA Child ID",
        check: Check::Return(rule_8510),
        plant: Plant::File(plant_8510),
    },
    Rule {
        code: "8520",
        kind: Kind::Error,
        message: "Date of Birth is after data collection period (must be on or before the end of the census period)",
        check: Check::Child(rule_8520),
        plant: Plant::Child(plant_8520),
    },
    Rule {
        code: "8525Q",
        kind: Kind::Query,
        message: "Either Date of Birth or Expected Date of Birth must be provided (but not both)",
        check: Check::Child(rule_8525q),
        plant: Plant::Child(plant_8525q),
    },
    Rule {
        code: "8530Q",
        kind: Kind::Query,
        message: "Please check and either amend data or provide a reason: Expected Date of Birth is outside the expected range for this census (March to December of the Census Year end)",
        check: Check::Child(rule_8530q),
        plant: Plant::Child(plant_8530q),
    },
    Rule {
        code: "8535Q",
        kind: Kind::Query,
        message: "Please check and either amend data or provide a reason: Child’s date of death should not be prior to the date of birth",
        check: Check::Child(rule_8535q),
        plant: Plant::Child(plant_8535q),
    },
    Rule {
        code: "8540",
        kind: Kind::Error,
        message: "Child’s disability is missing or invalid (see Disability table)",
        check: Check::Child(rule_8540),
        plant: Plant::Child(plant_8540),
    },
    Rule {
        code: "8545Q",
        kind: Kind::Query,
        message: "Please check and either amend data or provide a reason: Child's date of death should be within the census year",
        check: Check::Child(rule_8545q),
        plant: Plant::Child(plant_8545q),
    },
    Rule {
        code: "8555Q",
        kind: Kind::Query,
        message: "Child cannot be referred after its recorded date of death",
        check: Check::Child(rule_8555q),
        plant: Plant::Child(plant_8555q),
    },
    Rule {
        code: "8585Q",
        kind: Kind::Query,
        message: "Please check and either amend or provide a reason: CIN episode shows Died as the Closure Reason, however child has no recorded Date of Death",
        check: Check::Child(rule_8585q),
        plant: Plant::Child(plant_8585q),
    },
    Rule {
        code: "8590",
        kind: Kind::Error,
        message: "Child does not have a recorded CIN episode.",
        check: Check::Child(rule_8590),
        plant: Plant::Child(plant_8590),
    },
    Rule {
        code: "8750",
        kind: Kind::Error,
        message: "Sex must equal U for an unborn child",
        check: Check::Child(rule_8750),
        plant: Plant::Child(plant_8750),
    },
    Rule {
        code: "8770Q",
        kind: Kind::Query,
        message: "Please check and either amend data or provide a reason: UPN is missing or reason UPN is missing or is UN1 for a child who is of school age.",
        check: Check::Child(rule_8770q),
        plant: Plant::Child(plant_8770q),
    },
    Rule {
        code: "8772",
        kind: Kind::Error,
        message: "UPN unknown reason is UN7 (Referral with no further action) but at least one CIN details is a referral going on to further action",
        check: Check::Child(rule_8772),
        plant: Plant::Child(plant_8772),
    },
    Rule {
        code: "8775Q",
        kind: Kind::Query,
        message: "Please check and either amend data or provide a reason: Child is over 25 years old",
        check: Check::Child(rule_8775q),
        plant: Plant::Child(plant_8775q),
    },
    Rule {
        code: "8790",
        kind: Kind::Error,
        message: "Disability information includes both None and other values",
        check: Check::Child(rule_8790),
        plant: Plant::Child(plant_8790),
    },
    Rule {
        code: "8794",
        kind: Kind::Error,
        message: "Child has two or more disabilities with the same code",
        check: Check::Child(rule_8794),
        plant: Plant::Child(plant_8794),
    },
];

/// The LA numbers (and the DfE's pseudo-LA numbers) a UPN's characters 2-4 may hold, as
/// inclusive ranges: the list of the DfE's validator for 2023-24 onwards.
const LA_CODES: &[(u16, u16)] = &[
    // Written 001-005.
    (1, 5),
    (201, 213),
    (301, 320),
    (330, 336),
    (340, 344),
    (350, 359),
    (370, 373),
    (380, 384),
    (390, 394),
    (420, 420),
    (660, 681),
    (701, 708),
    (800, 803),
    (805, 808),
    (810, 813),
    (815, 816),
    (820, 823),
    (825, 826),
    (830, 831),
    (835, 841),
    (845, 846),
    (850, 852),
    (855, 857),
    (860, 861),
    (865, 896),
    (908, 909),
    (916, 916),
    (919, 919),
    (921, 921),
    (925, 926),
    (928, 929),
    (931, 931),
    (933, 933),
    (935, 938),
    (940, 943),
];

/// UPN check letters by remainder (no I, O or S).
const CHECK_LETTERS: &[u8; 23] = b"ABCDEFGHJKLMNPQRTUVWXYZ";

const ETHNICITIES: &[&str] = &[
    "ABAN", "AIND", "AOTH", "APKN", "BAFR", "BCRB", "BOTH", "CHNE", "MOTH", "MWAS", "MWBA", "MWBC", "NOBT", "OOTH", "REFU", "WBRI", "WIRI", "WIRT", "WOTH",
    "WROM",
];

const DISABILITIES: &[&str] = &["NONE", "MOB", "HAND", "PC", "INC", "COMM", "LD", "HEAR", "VIS", "BEH", "CON", "AUT", "DDA"];

// ---------------------------------------------------------------------------------------
// Shared helpers

fn text(s: &str) -> Text {
    Some(s.to_string())
}

fn iso(d: Date) -> Text {
    Some(d.to_string())
}

/// `d` moved by whole months, the day kept or brought back to the month's last day (as
/// pandas' `DateOffset(months=…)` does).
fn add_months(d: Date, months: i32) -> Option<Date> {
    let index = d.year() * 12 + i32::from(u8::from(d.month())) - 1 + months;
    let (year, month) = (index.div_euclid(12), Month::try_from(u8::try_from(index.rem_euclid(12) + 1).ok()?).ok()?);
    Date::from_calendar_date(year, month, d.day().min(month.length(year))).ok()
}

fn add_days(d: Date, days: i64) -> Option<Date> {
    d.checked_add(Duration::days(days))
}

/// The characters of a value: the DfE's validator measures and slices strings by character.
fn chars(value: &Text) -> Option<Vec<char>> {
    value.as_deref().map(|s| s.chars().collect())
}

/// Python's `str.isdigit` on a slice (false when empty). Only ASCII digits count here: other
/// scripts' digits in a UPN are not worth mirroring.
fn all_digits(cs: &[char]) -> bool {
    !cs.is_empty() && cs.iter().all(char::is_ascii_digit)
}

/// The check letter of a UPN whose characters 2-13 are digits.
fn check_letter(upn: &[char]) -> Option<char> {
    if upn.len() != 13 || !all_digits(&upn[1..]) {
        return None;
    }
    let sum: u32 = upn[1..].iter().zip(2..).map(|(c, weight)| c.to_digit(10).unwrap_or(0) * weight).sum();
    CHECK_LETTERS.get((sum % 23) as usize).map(|&b| char::from(b))
}

fn is_la_code(digits: &[char]) -> bool {
    let s: String = digits.iter().collect();
    digits.len() == 3 && all_digits(digits) && s.parse::<u16>().is_ok_and(|n| LA_CODES.iter().any(|&(lo, hi)| (lo..=hi).contains(&n)))
}

/// A referral that went on to further action, as 8540 spells it (exact, case-sensitive).
fn nfa_false_exact(nfa: &Text) -> bool {
    matches!(nfa.as_deref(), Some("false" | "0"))
}

/// The starts and ends of the child's CIN and CP plans, which a date of death must not
/// precede (4008, 4009Q, 8915, 8920).
fn plan_dates(child: &Child) -> impl Iterator<Item = Date> + '_ {
    child
        .episodes
        .iter()
        .flat_map(|e| {
            e.cin_plans
                .iter()
                .flat_map(|p| [&p.start, &p.end])
                .chain(e.cp_plans.iter().flat_map(|p| [&p.start, &p.end]))
        })
        .filter_map(model::date)
}

/// The latest date a date of death must not precede: plans and referrals (8555Q).
fn latest_event(child: &Child) -> Option<Date> {
    child
        .episodes
        .iter()
        .filter_map(|e| model::date(&e.referral_date))
        .chain(plan_dates(child))
        .max()
}

/// Makes a born child unborn, expected on `expected`, sex U; false when one of its referrals
/// would then be more than 40 weeks before the expected date (rule 8606).
fn make_unborn(child: &mut Child, expected: Date) -> bool {
    let earliest = add_days(expected, -280);
    if child.death_date.is_some() || child.episodes.iter().any(|e| model::date(&e.referral_date).is_none_or(|r| Some(r) < earliest)) {
        return false;
    }
    child.birth_date = None;
    child.expected_birth_date = iso(expected);
    child.sex = text("U");
    true
}

/// Makes a born child unborn, expected 29 days before the census date: the earliest date
/// 8530Q accepts, which lets the most referrals stay within 40 weeks of it.
fn unborn_child(child: &mut Child, ctx: &Ctx) -> bool {
    add_days(ctx.reference_date, -29).is_some_and(|expected| make_unborn(child, expected))
}

fn is_unborn(child: &Child) -> bool {
    model::date(&child.birth_date).is_none() && model::date(&child.expected_birth_date).is_some()
}

/// A UPN of the usual shape: a letter, then twelve digits.
fn plain_upn(child: &Child) -> Option<Vec<char>> {
    chars(&child.upn).filter(|u| u.len() == 13 && u[0].is_ascii_alphabetic() && all_digits(&u[1..]))
}

// ---------------------------------------------------------------------------------------
// The header

/// The reference date must be 31 March of the header's year (a four-digit year, as the DfE's
/// validator reads it).
fn rule_100(header: &Header, _: &Ctx, hits: &mut Hits) {
    let expected = header
        .year
        .as_deref()
        .filter(|y| y.len() == 4 && y.bytes().all(|b| b.is_ascii_digit()))
        .and_then(|y| y.parse::<i32>().ok())
        .and_then(|y| Date::from_calendar_date(y, Month::March, 31).ok());
    let given = model::date(&header.reference_date);
    if given.is_none() || given != expected {
        hits.add(vec![Loc::new(Place::Header, "ReferenceDate", &header.reference_date)]);
    }
}

fn plant_100(file: &mut CensusFile, _: &Ctx) -> bool {
    file.header.reference_date = text("2026-03-30");
    true
}

// ---------------------------------------------------------------------------------------
// UPN and former UPN

fn upn_loc(child: &Child) -> Vec<Loc> {
    vec![Loc::new(Place::Child, "UPN", &child.upn)]
}

/// Judged only for 13 characters of which the last 12 are digits.
fn rule_1510(child: &Child, _: &Ctx, hits: &mut Hits) {
    if let Some(upn) = chars(&child.upn)
        && let Some(letter) = check_letter(&upn)
        && upn[0] != letter
    {
        hits.add(upn_loc(child));
    }
}

fn plant_1510(child: &mut Child, _: &Ctx) -> bool {
    let Some(mut upn) = plain_upn(child) else { return false };
    let Some(letter) = check_letter(&upn) else { return false };
    let at = CHECK_LETTERS.iter().position(|&b| char::from(b) == letter).unwrap_or(0);
    upn[0] = char::from(CHECK_LETTERS[(at + 1) % CHECK_LETTERS.len()]);
    child.upn = Some(upn.into_iter().collect());
    true
}

/// Every child whose UPN another child also has.
fn rule_1520(seen: &[&Seen], _: &Ctx, hits: &mut Hits) {
    let mut count: HashMap<&str, usize> = HashMap::new();
    for upn in seen.iter().filter_map(|s| s.upn.as_deref()) {
        *count.entry(upn).or_default() += 1;
    }
    for s in seen {
        if s.upn.as_deref().is_some_and(|u| count.get(u).is_some_and(|&n| n > 1)) {
            hits.add_for(s.la_child_id.clone(), vec![Loc::new(Place::Child, "UPN", &s.upn)]);
        }
    }
}

fn plant_1520(file: &mut CensusFile, _: &Ctx) -> bool {
    let mut with_upn = file.children.iter_mut().filter(|c| c.upn.is_some());
    let (Some(first), Some(second)) = (with_upn.next(), with_upn.next()) else {
        return false;
    };
    second.upn = first.upn.clone();
    true
}

/// Judged only for 13 characters.
fn rule_1530(child: &Child, _: &Ctx, hits: &mut Hits) {
    if let Some(upn) = chars(&child.upn)
        && upn.len() == 13
        && !is_la_code(&upn[1..4])
    {
        hits.add(upn_loc(child));
    }
}

fn plant_1530(child: &mut Child, _: &Ctx) -> bool {
    let Some(mut upn) = plain_upn(child) else { return false };
    upn.splice(1..4, "999".chars());
    if let Some(letter) = check_letter(&upn) {
        upn[0] = letter;
    }
    child.upn = Some(upn.into_iter().collect());
    true
}

/// Any UPN present: characters 5-12 as far as they go, none at all failing too.
fn rule_1540(child: &Child, _: &Ctx, hits: &mut Hits) {
    if let Some(upn) = chars(&child.upn)
        && !all_digits(upn.get(4..upn.len().min(12)).unwrap_or(&[]))
    {
        hits.add(upn_loc(child));
    }
}

fn plant_1540(child: &mut Child, _: &Ctx) -> bool {
    let Some(mut upn) = plain_upn(child) else { return false };
    upn[4] = 'X';
    child.upn = Some(upn.into_iter().collect());
    true
}

/// Judged only for 13 characters: the last must be a digit or a capital other than I, O, S.
fn rule_1550(child: &Child, _: &Ctx, hits: &mut Hits) {
    if let Some(upn) = chars(&child.upn)
        && upn.len() == 13
        && !(upn[12].is_ascii_digit() || (upn[12].is_ascii_uppercase() && !matches!(upn[12], 'I' | 'O' | 'S')))
    {
        hits.add(upn_loc(child));
    }
}

fn plant_1550(child: &mut Child, _: &Ctx) -> bool {
    let Some(mut upn) = plain_upn(child) else { return false };
    upn[12] = 'I';
    child.upn = Some(upn.into_iter().collect());
    true
}

/// A former UPN present must be 13 characters: a letter, then digits.
fn rule_1560q(child: &Child, _: &Ctx, hits: &mut Hits) {
    if let Some(former) = chars(&child.former_upn)
        && (former.len() != 13 || !all_digits(&former[1..]) || !former[0].is_alphabetic())
    {
        hits.add(vec![Loc::new(Place::Child, "FormerUPN", &child.former_upn)]);
    }
}

fn plant_1560q(child: &mut Child, _: &Ctx) -> bool {
    child.former_upn = text("X1234");
    true
}

// ---------------------------------------------------------------------------------------
// The LA child id

fn id_loc(child: &Child) -> Vec<Loc> {
    vec![Loc::new(Place::Child, "LAchildID", &child.la_child_id)]
}

fn rule_1570(child: &Child, _: &Ctx, hits: &mut Hits) {
    if child.la_child_id.as_deref().is_some_and(|id| id.chars().count() > 20) {
        hits.add(id_loc(child));
    }
}

fn plant_1570(child: &mut Child, _: &Ctx) -> bool {
    let Some(id) = child.la_child_id.as_deref() else { return false };
    let pad = 21usize.saturating_sub(id.chars().count()).max(1);
    child.la_child_id = Some(format!("{id}{}", "Z".repeat(pad)));
    true
}

fn rule_1580(child: &Child, _: &Ctx, hits: &mut Hits) {
    if child.la_child_id.as_deref().is_some_and(|id| !id.chars().all(char::is_alphanumeric)) {
        hits.add(id_loc(child));
    }
}

fn plant_1580(child: &mut Child, _: &Ctx) -> bool {
    let Some(id) = child.la_child_id.as_deref() else { return false };
    child.la_child_id = Some(format!("{id}-"));
    true
}

fn rule_8500(child: &Child, _: &Ctx, hits: &mut Hits) {
    if child.la_child_id.is_none() {
        hits.add(id_loc(child));
    }
}

/// In a file of its own: the DfE's validator joins children without an id with each other.
fn plant_8500(file: &mut CensusFile, _: &Ctx) -> bool {
    let Some(child) = file.children.first_mut() else { return false };
    child.la_child_id = None;
    true
}

/// Every child whose LA id another child also has (missing ids count as one id, as in the
/// DfE's validator).
fn rule_8510(seen: &[&Seen], _: &Ctx, hits: &mut Hits) {
    let mut count: HashMap<Option<&str>, usize> = HashMap::new();
    for s in seen {
        *count.entry(s.la_child_id.as_deref()).or_default() += 1;
    }
    for s in seen {
        if count.get(&s.la_child_id.as_deref()).copied().unwrap_or(0) > 1 {
            hits.add_for(s.la_child_id.clone(), vec![Loc::new(Place::Child, "LAchildID", &s.la_child_id)]);
        }
    }
}

fn plant_8510(file: &mut CensusFile, _: &Ctx) -> bool {
    let Some(first) = file.children.first().cloned() else { return false };
    let mut twin = first;
    twin.upn = None;
    file.children.push(twin);
    true
}

fn rule_8590(child: &Child, _: &Ctx, hits: &mut Hits) {
    if child.episodes.is_empty() {
        hits.add(id_loc(child));
    }
}

fn plant_8590(child: &mut Child, _: &Ctx) -> bool {
    if child.episodes.is_empty() {
        return false;
    }
    child.episodes.clear();
    true
}

// ---------------------------------------------------------------------------------------
// The mix of children in the return

/// More than 2% of children have no sex (missing or U) and no expected date of birth. The
/// DfE's validator crashes on a return without children (division by zero): nothing then.
fn rule_2886q(seen: &[&Seen], _: &Ctx, hits: &mut Hits) {
    if seen.is_empty() {
        return;
    }
    let unknown = seen
        .iter()
        .filter(|s| matches!(s.sex.as_deref(), None | Some("U")) && model::date(&s.expected_birth_date).is_none())
        .count();
    if unknown as f64 / seen.len() as f64 > 0.02 {
        hits.add(Vec::new());
    }
}

fn plant_2886q(file: &mut CensusFile, _: &Ctx) -> bool {
    let needed = file.children.len() / 50 + 1;
    let born: Vec<usize> = (0..file.children.len())
        .filter(|&i| model::date(&file.children[i].expected_birth_date).is_none())
        .take(needed)
        .collect();
    if born.len() < needed {
        return false;
    }
    for i in born {
        file.children[i].sex = text("U");
    }
    true
}

/// Meant as "fewer than 8 different disability codes", but the DfE's validator counts the
/// `NONE` entries instead: 7 or fewer in the return raise the query, and that is mirrored.
fn rule_2887q(seen: &[&Seen], _: &Ctx, hits: &mut Hits) {
    let nones = seen.iter().flat_map(|s| &s.disabilities).filter(|d| d.as_deref() == Some("NONE")).count();
    if nones <= 7 {
        hits.add(Vec::new());
    }
}

fn plant_2887q(file: &mut CensusFile, _: &Ctx) -> bool {
    let mut kept = 0;
    for d in file.children.iter_mut().flat_map(|c| c.disabilities.iter_mut()) {
        if d.as_deref() == Some("NONE") {
            kept += 1;
            if kept > 7 {
                *d = text("MOB");
            }
        }
    }
    true
}

/// No child (by LA id; children without one are left out) has more than one disability code
/// other than `NONE`. Raised only when some child has an entry other than `NONE`.
fn rule_2888q(seen: &[&Seen], _: &Ctx, hits: &mut Hits) {
    let mut per_child: HashMap<&str, usize> = HashMap::new();
    for s in seen {
        let Some(id) = s.la_child_id.as_deref() else { continue };
        let others: Vec<&Text> = s.disabilities.iter().filter(|d| d.as_deref() != Some("NONE")).collect();
        if !others.is_empty() {
            *per_child.entry(id).or_default() += others.iter().filter(|d| d.is_some()).count();
        }
    }
    if per_child.values().max().is_some_and(|&most| most <= 1) {
        hits.add(Vec::new());
    }
}

fn plant_2888q(file: &mut CensusFile, _: &Ctx) -> bool {
    let mut any = false;
    for child in &mut file.children {
        let mut seen_one = false;
        child.disabilities.retain(|d| {
            if d.as_deref() == Some("NONE") {
                return true;
            }
            let keep = !seen_one;
            seen_one = true;
            keep
        });
        any |= seen_one && child.la_child_id.is_some();
    }
    if !any {
        let Some(child) = file.children.iter_mut().find(|c| c.la_child_id.is_some()) else {
            return false;
        };
        child.disabilities = vec![text("MOB")];
    }
    true
}

// ---------------------------------------------------------------------------------------
// Sex, ethnicity, disabilities

fn rule_4180(child: &Child, _: &Ctx, hits: &mut Hits) {
    if !matches!(child.sex.as_deref(), Some("M" | "F" | "U")) {
        hits.add(vec![Loc::new(Place::Child, "Sex", &child.sex)]);
    }
}

fn plant_4180(child: &mut Child, _: &Ctx) -> bool {
    child.sex = text("X");
    true
}

fn rule_4220(child: &Child, _: &Ctx, hits: &mut Hits) {
    if !child.ethnicity.as_deref().is_some_and(|e| ETHNICITIES.contains(&e)) {
        hits.add(vec![Loc::new(Place::Child, "Ethnicity", &child.ethnicity)]);
    }
}

fn plant_4220(child: &mut Child, _: &Ctx) -> bool {
    child.ethnicity = text("XXXX");
    true
}

/// A born child with a referral that went on to further action needs disability codes, all
/// valid. The failure names the birth date, the invalid codes and those referrals.
///
/// The DfE's validator (0.1.13) never reports this rule: its check finds these children, but
/// locating them fails (a renamed row column, KeyError 'ROW_ID') and the failure is dropped
/// silently. The check is kept as the rule and the validator's own logic say; COLLECT
/// enforces it.
fn rule_8540(child: &Child, _: &Ctx, hits: &mut Hits) {
    let further: Vec<usize> = (0..child.episodes.len())
        .filter(|&i| nfa_false_exact(&child.episodes[i].referral_nfa))
        .collect();
    let invalid: Vec<usize> = (0..child.disabilities.len())
        .filter(|&i| !child.disabilities[i].as_deref().is_some_and(|d| DISABILITIES.contains(&d)))
        .collect();
    let wanting = child.disabilities.is_empty() || !invalid.is_empty();
    if model::date(&child.birth_date).is_none() || further.is_empty() || !wanting {
        return;
    }
    let mut locs = vec![Loc::new(Place::Child, "PersonBirthDate", &child.birth_date)];
    locs.extend(
        invalid
            .iter()
            .map(|&index| Loc::new(Place::Disability { index }, "Disability", &child.disabilities[index])),
    );
    locs.extend(
        further
            .iter()
            .map(|&episode| Loc::new(Place::Episode { episode }, "ReferralNFA", &child.episodes[episode].referral_nfa)),
    );
    hits.add(locs);
}

fn plant_8540(child: &mut Child, _: &Ctx) -> bool {
    if model::date(&child.birth_date).is_none() || !child.episodes.iter().any(|e| nfa_false_exact(&e.referral_nfa)) {
        return false;
    }
    child.disabilities = vec![text("XXX")];
    true
}

/// `NONE` (any case) beside other entries: each other entry fails.
fn rule_8790(child: &Child, _: &Ctx, hits: &mut Hits) {
    let is_none = |d: &Text| d.as_deref().is_some_and(|d| d.to_uppercase() == "NONE");
    if child.disabilities.iter().any(is_none) {
        for (index, d) in child.disabilities.iter().enumerate().filter(|(_, d)| !is_none(d)) {
            hits.add(vec![Loc::new(Place::Disability { index }, "Disability", d)]);
        }
    }
}

fn plant_8790(child: &mut Child, _: &Ctx) -> bool {
    let other = if child.disabilities.iter().any(|d| d.as_deref() == Some("NONE")) {
        "MOB"
    } else {
        "NONE"
    };
    child.disabilities.push(text(other));
    true
}

/// A code given twice (case-sensitive) fails at each of its entries. The DfE's validator
/// groups by LA id and code, which leaves out children without an id.
fn rule_8794(child: &Child, _: &Ctx, hits: &mut Hits) {
    if child.la_child_id.is_none() {
        return;
    }
    let mut count: HashMap<&str, usize> = HashMap::new();
    for d in child.disabilities.iter().filter_map(|d| d.as_deref()) {
        *count.entry(d).or_default() += 1;
    }
    for (index, d) in child.disabilities.iter().enumerate() {
        if d.as_deref().is_some_and(|d| count.get(d).is_some_and(|&n| n > 1)) {
            hits.add(vec![Loc::new(Place::Disability { index }, "Disability", d)]);
        }
    }
}

fn plant_8794(child: &mut Child, _: &Ctx) -> bool {
    let Some(first) = child.disabilities.first().cloned().flatten() else {
        return false;
    };
    if child.la_child_id.is_none() {
        return false;
    }
    child.disabilities.push(Some(first));
    true
}

// ---------------------------------------------------------------------------------------
// Birth, expected birth, death

fn rule_8520(child: &Child, ctx: &Ctx, hits: &mut Hits) {
    if model::date(&child.birth_date).is_some_and(|b| b > ctx.reference_date) {
        hits.add(vec![Loc::new(Place::Child, "PersonBirthDate", &child.birth_date)]);
    }
}

/// Born the day after the census date; only for a child whose referrals stay within 40
/// weeks before that birth (8606).
fn plant_8520(child: &mut Child, ctx: &Ctx) -> bool {
    let Some(birth) = add_days(ctx.reference_date, 1) else { return false };
    let earliest = add_days(birth, -280);
    if model::date(&child.birth_date).is_none()
        || child.death_date.is_some()
        || child.episodes.iter().any(|e| model::date(&e.referral_date).is_none_or(|r| Some(r) < earliest))
    {
        return false;
    }
    child.birth_date = iso(birth);
    true
}

fn birth_locs(child: &Child) -> Vec<Loc> {
    vec![
        Loc::new(Place::Child, "PersonBirthDate", &child.birth_date),
        Loc::new(Place::Child, "ExpectedPersonBirthDate", &child.expected_birth_date),
    ]
}

/// Exactly one of the dates of birth and expected birth (unreadable dates count as absent).
fn rule_8525q(child: &Child, _: &Ctx, hits: &mut Hits) {
    if model::date(&child.birth_date).is_some() == model::date(&child.expected_birth_date).is_some() {
        hits.add(birth_locs(child));
    }
}

fn plant_8525q(child: &mut Child, ctx: &Ctx) -> bool {
    if model::date(&child.birth_date).is_none() {
        return false;
    }
    child.expected_birth_date = add_days(ctx.reference_date, -10).and_then(iso);
    true
}

/// Both ends excluded: an expected date on the census date minus 30 days, or plus 9 months,
/// fails.
fn rule_8530q(child: &Child, ctx: &Ctx, hits: &mut Hits) {
    let Some(expected) = model::date(&child.expected_birth_date) else { return };
    let earliest = add_days(ctx.reference_date, -30);
    let latest = add_months(ctx.reference_date, 9);
    if latest.is_some_and(|l| expected >= l) || earliest.is_some_and(|e| expected <= e) {
        hits.add(vec![Loc::new(Place::Child, "ExpectedPersonBirthDate", &child.expected_birth_date)]);
    }
}

fn plant_8530q(child: &mut Child, ctx: &Ctx) -> bool {
    let candidates = [add_days(ctx.reference_date, -30), add_months(ctx.reference_date, 9)];
    let earliest_referral = child.episodes.iter().filter_map(|e| model::date(&e.referral_date)).min();
    // The referrals must stay within 40 weeks before the new date (8606).
    let Some(expected) = candidates
        .into_iter()
        .flatten()
        .find(|&x| earliest_referral.is_none_or(|r| add_days(x, -280).is_some_and(|lo| r >= lo)))
    else {
        return false;
    };
    if is_unborn(child) {
        child.expected_birth_date = iso(expected);
        true
    } else {
        make_unborn(child, expected)
    }
}

/// A date of death with no date of birth, or before it.
fn rule_8535q(child: &Child, _: &Ctx, hits: &mut Hits) {
    let Some(death) = model::date(&child.death_date) else { return };
    if model::date(&child.birth_date).is_none_or(|b| b > death) {
        hits.add(vec![
            Loc::new(Place::Child, "PersonDeathDate", &child.death_date),
            Loc::new(Place::Child, "PersonBirthDate", &child.birth_date),
        ]);
    }
}

/// Records a death on `death` if nothing recorded falls after it, so that only the rule
/// planted fails.
fn die_on(child: &mut Child, death: Date) -> bool {
    if child.death_date.is_some() || latest_event(child).is_some_and(|l| l > death) {
        return false;
    }
    child.death_date = iso(death);
    true
}

/// An unborn child dying on the census date (a born child is made unborn first).
fn plant_8535q(child: &mut Child, ctx: &Ctx) -> bool {
    if child.death_date.is_some() || latest_event(child).is_some_and(|l| l > ctx.reference_date) {
        return false;
    }
    if !is_unborn(child) && !unborn_child(child, ctx) {
        return false;
    }
    die_on(child, ctx.reference_date)
}

fn rule_8545q(child: &Child, ctx: &Ctx, hits: &mut Hits) {
    if model::date(&child.death_date).is_some_and(|d| !ctx.in_year(d)) {
        hits.add(vec![Loc::new(Place::Child, "PersonDeathDate", &child.death_date)]);
    }
}

fn plant_8545q(child: &mut Child, ctx: &Ctx) -> bool {
    let Some(death) = add_days(ctx.reference_date, 1) else { return false };
    model::date(&child.birth_date).is_some() && die_on(child, death)
}

/// Referrals after the date of death; referrals on the same date make one failure.
fn rule_8555q(child: &Child, _: &Ctx, hits: &mut Hits) {
    let Some(death) = model::date(&child.death_date) else { return };
    let mut by_referral: BTreeMap<Date, Vec<usize>> = BTreeMap::new();
    for (episode, e) in child.episodes.iter().enumerate() {
        if let Some(referral) = model::date(&e.referral_date).filter(|&r| r > death) {
            by_referral.entry(referral).or_default().push(episode);
        }
    }
    for episodes in by_referral.values() {
        let mut locs: Vec<Loc> = episodes
            .iter()
            .map(|&episode| Loc::new(Place::Episode { episode }, "CINreferralDate", &child.episodes[episode].referral_date))
            .collect();
        locs.push(Loc::new(Place::Child, "PersonDeathDate", &child.death_date));
        hits.add(locs);
    }
}

/// Dies the day before the latest referral, when nothing else was recorded after that day.
fn plant_8555q(child: &mut Child, ctx: &Ctx) -> bool {
    let Some(birth) = model::date(&child.birth_date) else { return false };
    let Some(referral) = child.episodes.iter().filter_map(|e| model::date(&e.referral_date)).max() else {
        return false;
    };
    let Some(death) = add_days(referral, -1) else { return false };
    if death < birth || !ctx.in_year(death) || child.death_date.is_some() {
        return false;
    }
    if plan_dates(child).any(|d| d > death) {
        return false;
    }
    child.death_date = iso(death);
    true
}

/// Episodes closed as "died" (RC2, case-sensitive) without a date of death: one failure.
fn rule_8585q(child: &Child, _: &Ctx, hits: &mut Hits) {
    if model::date(&child.death_date).is_some() {
        return;
    }
    let died: Vec<Loc> = (0..child.episodes.len())
        .filter(|&i| child.episodes[i].reason_for_closure.as_deref() == Some("RC2"))
        .map(|episode| Loc::new(Place::Episode { episode }, "ReasonForClosure", &child.episodes[episode].reason_for_closure))
        .collect();
    if !died.is_empty() {
        let mut locs = vec![Loc::new(Place::Child, "PersonDeathDate", &child.death_date)];
        locs.extend(died);
        hits.add(locs);
    }
}

fn plant_8585q(child: &mut Child, _: &Ctx) -> bool {
    if child.death_date.is_some() {
        return false;
    }
    let Some(closed) = child.episodes.iter_mut().find(|e| e.reason_for_closure.is_some()) else {
        return false;
    };
    closed.reason_for_closure = text("RC2");
    true
}

/// An unborn child (expected date, no date of birth) must have sex U.
fn rule_8750(child: &Child, _: &Ctx, hits: &mut Hits) {
    if is_unborn(child) && child.sex.as_deref() != Some("U") {
        let mut locs = vec![Loc::new(Place::Child, "Sex", &child.sex)];
        locs.extend(birth_locs(child));
        hits.add(locs);
    }
}

fn plant_8750(child: &mut Child, ctx: &Ctx) -> bool {
    if !is_unborn(child) && !unborn_child(child, ctx) {
        return false;
    }
    child.sex = text("M");
    true
}

/// Over 25 at the census date (born before it minus 25 years) with an episode open, or
/// closed after the 25th birthday: one failure naming those episodes.
fn rule_8775q(child: &Child, ctx: &Ctx, hits: &mut Hits) {
    let Some(birth) = model::date(&child.birth_date) else { return };
    if add_months(ctx.reference_date, -300).is_none_or(|limit| birth >= limit) {
        return;
    }
    let twenty_five = add_months(birth, 300);
    let late: Vec<Loc> = (0..child.episodes.len())
        .filter(|&i| model::date(&child.episodes[i].closure_date).is_none_or(|c| twenty_five.is_some_and(|t| c > t)))
        .map(|episode| Loc::new(Place::Episode { episode }, "CINclosureDate", &child.episodes[episode].closure_date))
        .collect();
    if !late.is_empty() {
        let mut locs = vec![Loc::new(Place::Child, "PersonBirthDate", &child.birth_date)];
        locs.extend(late);
        hits.add(locs);
    }
}

fn plant_8775q(child: &mut Child, ctx: &Ctx) -> bool {
    let has_upn = child.upn.is_some();
    if model::date(&child.birth_date).is_none() || !has_upn || !child.episodes.iter().any(|e| model::date(&e.closure_date).is_none()) {
        return false;
    }
    child.birth_date = add_months(ctx.reference_date, -312).and_then(iso);
    true
}

// ---------------------------------------------------------------------------------------
// UPN unknown reasons

/// The last birthday that puts a child in school at the census: 31 August five and a half
/// years before it (the DfE's arithmetic: census date + 4 months + 31 days − 6 years).
fn school_age_born_by(ctx: &Ctx) -> Option<Date> {
    add_months(ctx.reference_date, 4).and_then(|d| add_days(d, 31)).and_then(|d| add_months(d, -72))
}

/// A school-age child with a referral that went on to further action ("0", or "false" in any
/// case) needs a UPN or a reason UN2-UN7 (any case).
fn rule_8770q(child: &Child, ctx: &Ctx, hits: &mut Hits) {
    let school_age = model::date(&child.birth_date).is_some_and(|b| school_age_born_by(ctx).is_some_and(|limit| b <= limit));
    let further = child
        .episodes
        .iter()
        .any(|e| e.referral_nfa.as_deref().is_some_and(|n| n == "0" || n.to_lowercase() == "false"));
    let reason = child
        .upn_unknown
        .as_deref()
        .is_some_and(|r| matches!(r.to_uppercase().as_str(), "UN2" | "UN3" | "UN4" | "UN5" | "UN6" | "UN7"));
    if school_age && further && child.upn.is_none() && !reason {
        hits.add(vec![
            Loc::new(Place::Child, "UPN", &child.upn),
            Loc::new(Place::Child, "UPNunknown", &child.upn_unknown),
        ]);
    }
}

fn plant_8770q(child: &mut Child, ctx: &Ctx) -> bool {
    let mut changed = child.clone();
    changed.upn = None;
    changed.upn_unknown = None;
    let mut hits = Hits::default();
    rule_8770q(&changed, ctx, &mut hits);
    if hits.list.is_empty() {
        return false;
    }
    *child = changed;
    true
}

/// UN7 (exact) while a referral is not NFA ("true" or "1", any case; missing counts as not
/// NFA, and so does having no episode at all). One failure per distinct ReferralNFA value.
fn rule_8772(child: &Child, _: &Ctx, hits: &mut Hits) {
    if child.upn_unknown.as_deref() != Some("UN7") {
        return;
    }
    let reason = Loc::new(Place::Child, "UPNunknown", &child.upn_unknown);
    if child.episodes.is_empty() {
        hits.add(vec![reason]);
        return;
    }
    let mut by_value: BTreeMap<&Text, Vec<usize>> = BTreeMap::new();
    for (episode, e) in child.episodes.iter().enumerate() {
        if !e.referral_nfa.as_deref().is_some_and(|n| matches!(n.to_lowercase().as_str(), "true" | "1")) {
            by_value.entry(&e.referral_nfa).or_default().push(episode);
        }
    }
    for episodes in by_value.values() {
        let mut locs = vec![reason.clone()];
        locs.extend(
            episodes
                .iter()
                .map(|&episode| Loc::new(Place::Episode { episode }, "ReferralNFA", &child.episodes[episode].referral_nfa)),
        );
        hits.add(locs);
    }
}

fn plant_8772(child: &mut Child, _: &Ctx) -> bool {
    if child.upn.is_none()
        || !child
            .episodes
            .iter()
            .any(|e| !e.referral_nfa.as_deref().is_some_and(|n| matches!(n.to_lowercase().as_str(), "true" | "1")))
    {
        return false;
    }
    child.upn_unknown = text("UN7");
    true
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;
    use crate::model::{Child, CinDetails, CinPlan, CpPlan};

    /// The shared valid child, with a UPN whose check letter is right.
    fn child() -> Child {
        Child {
            upn: t("Z201150000011"),
            ..valid_child()
        }
    }

    fn only(c: &Child, code: &str) {
        assert_eq!(fails(c), [code], "{c:?}");
    }

    fn passes(c: &Child) {
        assert!(fails(c).is_empty(), "{:?}", fails(c));
    }

    /// Whether the child fails this rule (other rules may fail too).
    fn has(c: &Child, code: &str) -> bool {
        fails(c).contains(&code)
    }

    #[test]
    fn the_child_passes() {
        passes(&child());
    }

    #[test]
    fn reference_date_is_31_march_of_the_year() {
        let mut h = header();
        let mut hits = super::Hits::default();
        super::rule_100(&h, &ctx(), &mut hits);
        assert!(hits.list.is_empty());
        for (year, date) in [
            ("2026", None),
            ("2026", Some("2026-03-30")),
            ("2026", Some("31/03/2026")),
            ("26", Some("0026-03-31")),
            ("x", Some("2026-03-31")),
        ] {
            h.year = t(year);
            h.reference_date = date.map(str::to_string);
            let mut hits = super::Hits::default();
            super::rule_100(&h, &ctx(), &mut hits);
            assert_eq!(hits.list.len(), 1, "{year} {date:?}");
        }
    }

    #[test]
    fn upn_check_letter() {
        let mut c = child();
        for upn in ["A950000178301", "H243278544154", "ASFFAGSVSV123", "R325"] {
            c.upn = t(upn);
            assert!(!fails(&c).contains(&"1510"), "{upn}");
        }
        for upn in ["R247962919251", "X428558133462"] {
            c.upn = t(upn);
            assert!(fails(&c).contains(&"1510"), "{upn}");
        }
        let mut c = child();
        assert!(super::plant_1510(&mut c, &ctx()));
        only(&c, "1510");
    }

    #[test]
    fn upn_la_code() {
        let mut c = child();
        for upn in ["H003278544154", "R34", "A94300178301"] {
            c.upn = t(upn);
            assert!(!fails(&c).contains(&"1530"), "{upn}");
        }
        for upn in ["R421962919251", "X817558133462", "ASFFAGSVSV123", "A94400178301X"] {
            c.upn = t(upn);
            assert!(fails(&c).contains(&"1530"), "{upn}");
        }
        let mut c = child();
        assert!(super::plant_1530(&mut c, &ctx()));
        only(&c, "1530");
    }

    #[test]
    fn upn_digits_and_last_character() {
        let mut c = child();
        for (upn, fails_1540) in [
            ("X000000000000", false),
            ("X0000y0000000", true),
            ("x0000000er00e0", true),
            ("R34", true),
            ("A2011500", false),
        ] {
            c.upn = t(upn);
            assert_eq!(fails(&c).contains(&"1540"), fails_1540, "{upn}");
        }
        for (upn, fails_1550) in [
            ("1234567891234", false),
            ("123456789123I", true),
            ("123456789123O", true),
            ("123456789123s", true),
            ("12345678912I", false),
        ] {
            c.upn = t(upn);
            assert_eq!(fails(&c).contains(&"1550"), fails_1550, "{upn}");
        }
        let mut c = child();
        assert!(super::plant_1540(&mut c, &ctx()));
        only(&c, "1540");
        let mut c = child();
        assert!(super::plant_1550(&mut c, &ctx()));
        only(&c, "1550");
    }

    #[test]
    fn duplicate_upns() {
        let mut b = child();
        b.la_child_id = t("C2");
        b.upn = t("A950000178301");
        assert!(!file_fails(vec![child(), b.clone()]).contains(&"1520"));
        b.upn = child().upn;
        assert!(file_fails(vec![child(), b.clone()]).contains(&"1520"));
        let (mut x, mut y) = (child(), b);
        x.upn = None;
        y.upn = None;
        assert!(!file_fails(vec![x, y]).contains(&"1520"));
    }

    #[test]
    fn former_upn() {
        let mut c = child();
        for (former, bad) in [
            ("X987654321231", false),
            ("E000215119000", false),
            ("X0000y0000007", true),
            ("X98721238", true),
            ("1987654321231", true),
        ] {
            c.former_upn = t(former);
            assert_eq!(fails(&c).contains(&"1560Q"), bad, "{former}");
        }
        let mut c = child();
        assert!(super::plant_1560q(&mut c, &ctx()));
        only(&c, "1560Q");
    }

    #[test]
    fn la_child_id() {
        let mut c = child();
        c.la_child_id = t("XXXXXXXXXXXXXXXXXXXX");
        passes(&c);
        c.la_child_id = t("XXXXXXXXXXXXXXXXXXXXX");
        only(&c, "1570");
        c.la_child_id = t("XXXX;");
        only(&c, "1580");
        c.la_child_id = None;
        assert_eq!(fails(&c), ["8500"]);
        assert!(file_fails(vec![child(), child()]).contains(&"8510"));
        let mut c = child();
        assert!(super::plant_1570(&mut c, &ctx()));
        only(&c, "1570");
        let mut c = child();
        assert!(super::plant_1580(&mut c, &ctx()));
        only(&c, "1580");
    }

    #[test]
    fn sex_and_ethnicity() {
        let mut c = child();
        c.sex = t("X");
        only(&c, "4180");
        c.sex = None;
        only(&c, "4180");
        c.sex = t("m");
        only(&c, "4180");
        let mut c = child();
        for (e, bad) in [("ABAB", true), ("AIND", false), ("wbri", true), ("WOTH", false)] {
            c.ethnicity = t(e);
            assert_eq!(fails(&c).contains(&"4220"), bad, "{e}");
        }
        c.ethnicity = None;
        only(&c, "4220");
    }

    #[test]
    fn sex_missing_for_more_than_2_percent() {
        let many = |unknown: usize, of: usize| {
            (0..of)
                .map(|i| {
                    let mut c = child();
                    c.la_child_id = Some(format!("C{i}"));
                    if i < unknown {
                        c.sex = t("U");
                    }
                    c
                })
                .collect::<Vec<_>>()
        };
        assert!(!file_fails(many(1, 50)).contains(&"2886Q"));
        assert!(file_fails(many(2, 50)).contains(&"2886Q"));
        let mut unborn = many(2, 50);
        unborn[0].birth_date = None;
        unborn[0].expected_birth_date = t("2026-05-01");
        assert!(!file_fails(unborn).contains(&"2886Q"));
        assert!(!file_fails(Vec::new()).contains(&"2886Q"));
    }

    #[test]
    fn disability_mix_of_the_return() {
        let with = |codes: Vec<Vec<&str>>| {
            codes
                .into_iter()
                .enumerate()
                .map(|(i, ds)| {
                    let mut c = child();
                    c.la_child_id = Some(format!("C{i}"));
                    c.disabilities = ds.into_iter().map(t).collect();
                    c
                })
                .collect::<Vec<_>>()
        };
        // 2887Q counts NONE entries (the DfE validator's reading).
        assert!(file_fails(with(vec![vec!["NONE"]; 7])).contains(&"2887Q"));
        assert!(!file_fails(with(vec![vec!["NONE"]; 8])).contains(&"2887Q"));
        // 2888Q: some child with a disability, none with two.
        assert!(!file_fails(with(vec![vec!["NONE"], vec!["NONE"]])).contains(&"2888Q"));
        assert!(file_fails(with(vec![vec!["NONE"], vec!["MOB"], vec!["AUT"]])).contains(&"2888Q"));
        assert!(!file_fails(with(vec![vec!["NONE"], vec!["MOB", "AUT"], vec!["AUT"]])).contains(&"2888Q"));
    }

    #[test]
    fn disabilities_of_a_child() {
        let mut c = child();
        c.disabilities = vec![t("NONE"), t("MOB")];
        only(&c, "8790");
        c.disabilities = vec![t("none"), t("MOB")];
        assert!(fails(&c).contains(&"8790"));
        c.disabilities = vec![t("MOB"), t("AUT"), t("MOB")];
        only(&c, "8794");
        c.disabilities = vec![t("NONE"), t("NONE")];
        only(&c, "8794");
        c.la_child_id = None;
        assert!(!fails(&c).contains(&"8794"));
        // 8540: invalid or missing codes, for a born child referred on to further action.
        let mut c = child();
        c.disabilities = vec![t("MOB"), t("notreal")];
        only(&c, "8540");
        c.disabilities = Vec::new();
        only(&c, "8540");
        c.episodes[0].referral_nfa = t("False");
        assert!(!has(&c, "8540"));
        c.episodes[0].referral_nfa = t("0");
        assert!(has(&c, "8540"));
        c.birth_date = None;
        c.expected_birth_date = t("2026-05-01");
        c.sex = t("U");
        assert!(!has(&c, "8540"));
        for (plant, code) in [
            (super::plant_8540 as fn(&mut Child, &super::Ctx) -> bool, "8540"),
            (super::plant_8790, "8790"),
            (super::plant_8794, "8794"),
        ] {
            let mut c = child();
            assert!(plant(&mut c, &ctx()));
            only(&c, code);
        }
    }

    #[test]
    fn birth_and_expected_birth() {
        let mut c = child();
        c.birth_date = t("2026-04-01");
        assert!(fails(&c).contains(&"8520"));
        c.birth_date = t("2026-03-31");
        assert!(!fails(&c).contains(&"8520"));
        let mut c = child();
        c.expected_birth_date = t("2026-03-02");
        assert!(has(&c, "8525Q") && !has(&c, "8530Q") && !has(&c, "8750"));
        c.birth_date = None;
        c.expected_birth_date = None;
        assert!(fails(&c).contains(&"8525Q"));
        // 8530Q: strictly between the census date minus 30 days and plus 9 months.
        let mut c = child();
        c.birth_date = None;
        c.sex = t("U");
        for (expected, bad) in [("2026-03-01", true), ("2026-03-02", false), ("2026-12-30", false), ("2026-12-31", true)] {
            c.expected_birth_date = t(expected);
            assert_eq!(fails(&c).contains(&"8530Q"), bad, "{expected}");
        }
        c.expected_birth_date = t("2026-05-01");
        assert!(!has(&c, "8750") && !has(&c, "8525Q") && !has(&c, "8530Q"));
        c.sex = t("F");
        assert!(has(&c, "8750"));
        c.sex = None;
        assert!(has(&c, "8750"));
    }

    #[test]
    fn birth_planters() {
        let mut c = child();
        c.episodes[0].referral_date = t("2025-07-01");
        c.episodes[0].assessments[0].start = t("2025-07-01");
        assert!(super::plant_8520(&mut c, &ctx()));
        assert!(fails(&c).contains(&"8520"));
        for (plant, code) in [
            (super::plant_8525q as fn(&mut Child, &super::Ctx) -> bool, "8525Q"),
            (super::plant_8530q, "8530Q"),
            (super::plant_8750, "8750"),
            (super::plant_8535q, "8535Q"),
            (super::plant_8545q, "8545Q"),
            (super::plant_8585q, "8585Q"),
        ] {
            let mut c = child();
            c.episodes[0].referral_date = t("2025-07-01");
            c.episodes[0].assessments[0].start = t("2025-07-01");
            c.episodes[0].assessments[0].authorisation = t("2025-07-20");
            c.episodes[0].cin_plans[0].start = t("2025-07-21");
            assert!(plant(&mut c, &ctx()), "{code}");
            only(&c, code);
        }
    }

    #[test]
    fn death() {
        let mut c = child();
        c.death_date = t("2026-01-20");
        passes(&c);
        c.death_date = t("2015-05-31");
        assert!(fails(&c).contains(&"8535Q"));
        c.death_date = t("2026-04-01");
        assert!(fails(&c).contains(&"8545Q"));
        c.death_date = t("2025-03-31");
        assert!(fails(&c).contains(&"8545Q"));
        c.death_date = t("2025-05-05");
        assert!(fails(&c).contains(&"8555Q"));
        c.death_date = t("2025-05-06");
        assert!(!fails(&c).contains(&"8555Q"));
        let mut c = child();
        c.episodes[0].reason_for_closure = t("RC2");
        only(&c, "8585Q");
        c.death_date = t("2026-01-20");
        passes(&c);
        c.death_date = t("not a date");
        assert!(fails(&c).contains(&"8585Q"));
        let mut c = child();
        c.episodes.push(CinDetails {
            referral_date: t("2026-02-10"),
            referral_source: t("1A"),
            referral_nfa: t("true"),
            ..CinDetails::default()
        });
        assert!(super::plant_8555q(&mut c, &ctx()));
        assert_eq!(c.death_date, t("2026-02-09"));
        assert!(fails(&c).contains(&"8555Q"));
    }

    #[test]
    fn no_episode() {
        let mut c = child();
        assert!(super::plant_8590(&mut c, &ctx()));
        only(&c, "8590");
    }

    #[test]
    fn upn_unknown() {
        // School age for 2025-26: born on or before 31 August 2020.
        let mut c = child();
        c.upn = None;
        c.birth_date = t("2020-08-31");
        only(&c, "8770Q");
        c.episodes[0].referral_nfa = t("FALSE");
        only(&c, "8770Q");
        c.upn_unknown = t("UN1");
        only(&c, "8770Q");
        c.upn_unknown = t("un5");
        passes(&c);
        c.upn_unknown = None;
        c.birth_date = t("2020-09-01");
        passes(&c);
        c.birth_date = t("2020-08-31");
        c.episodes[0].referral_nfa = t("1");
        assert!(!has(&c, "8770Q"));
        // 8772: UN7 while a referral went on to further action.
        let mut c = child();
        c.upn_unknown = t("UN7");
        only(&c, "8772");
        c.episodes[0].referral_nfa = t("True");
        assert!(!has(&c, "8772"));
        c.episodes[0].referral_nfa = None;
        assert!(has(&c, "8772"));
        c.upn_unknown = t("un7");
        assert!(!has(&c, "8772"));
        let mut c = child();
        c.upn_unknown = t("UN7");
        c.episodes.clear();
        assert_eq!(fails(&c), ["8590", "8772"]);
        let mut c = child();
        assert!(super::plant_8770q(&mut c, &ctx()));
        only(&c, "8770Q");
        let mut c = child();
        assert!(super::plant_8772(&mut c, &ctx()));
        only(&c, "8772");
    }

    #[test]
    fn over_25() {
        let mut c = child();
        c.birth_date = t("2001-03-30");
        c.episodes[0].closure_date = None;
        c.episodes[0].reason_for_closure = None;
        c.episodes[0].cin_plans[0].end = None;
        assert!(fails(&c).contains(&"8775Q"));
        c.birth_date = t("2001-03-31");
        assert!(!fails(&c).contains(&"8775Q"));
        c.birth_date = t("1990-01-01");
        c.episodes[0].closure_date = t("2015-01-02");
        assert!(fails(&c).contains(&"8775Q"));
        c.episodes[0].closure_date = t("2015-01-01");
        assert!(!fails(&c).contains(&"8775Q"));
        c.episodes.clear();
        assert!(!fails(&c).contains(&"8775Q"));
    }

    #[test]
    fn death_planters_respect_plans() {
        let mut c = child();
        c.episodes[0].closure_date = None;
        c.episodes[0].cp_plans.push(CpPlan {
            start: t("2026-03-31"),
            ..CpPlan::default()
        });
        c.episodes[0].cin_plans = vec![CinPlan {
            start: t("2025-06-23"),
            end: t("2026-03-30"),
        }];
        let mut d = c.clone();
        assert!(!super::plant_8555q(&mut d, &ctx()));
        assert!(super::plant_8545q(&mut d, &ctx()));
        assert_eq!(d.death_date, t("2026-04-01"));
    }
}
