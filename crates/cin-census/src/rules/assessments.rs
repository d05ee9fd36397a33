//! Rules on assessments (dates, completion, factors) and on section 47 enquiries and initial
//! child protection conferences.
//!
//! The DfE's validator judges these over flat tables keyed by child and episode position, and
//! a few of its rules have quirks that decide which children it flags; they are mirrored here
//! and noted where they occur (case-sensitive `ICPCnotRequired` spellings, the working-day
//! arithmetic, rules that compare a whole factor list with one code and so never fire).
use super::{Check, Ctx, Hits, Kind, Loc, Place, Plant, Rule};
use crate::model::{self, Assessment, Child, CinDetails, Section47, Text};
use time::{Date, Duration, Weekday};

pub static RULES: &[Rule] = &[
    Rule {
        code: "1103",
        kind: Kind::Error,
        message: "The assessment start date cannot be before the referral date",
        check: Check::Child(rule_1103),
        plant: Plant::Child(plant_1103),
    },
    Rule {
        code: "1104",
        kind: Kind::Error,
        message: "The date of the initial child protection conference cannot be before the referral date",
        check: Check::Child(rule_1104),
        plant: Plant::Child(plant_1104),
    },
    Rule {
        code: "2884",
        kind: Kind::Error,
        message: "An initial child protection conference is recorded at both the S47 and CIN Details level and it should only be recorded in one",
        check: Check::Child(rule_2884),
        plant: Plant::Child(plant_2884),
    },
    Rule {
        code: "2889",
        kind: Kind::Error,
        message: "The S47 start date cannot be before the referral date.",
        check: Check::Child(rule_2889),
        plant: Plant::Child(plant_2889),
    },
    Rule {
        code: "8608",
        kind: Kind::Error,
        message: "Assessment Start Date cannot be later than its End Date",
        check: Check::Child(rule_8608),
        plant: Plant::Child(plant_8608),
    },
    Rule {
        code: "8614",
        kind: Kind::Error,
        message: "Parental or child factors at assessment should only be present for a completed assessment.",
        check: Check::Child(rule_8614),
        plant: Plant::Child(plant_8614),
    },
    Rule {
        code: "8615",
        kind: Kind::Error,
        message: "Section 47 Enquiry Start Date must be present and cannot be later than the date of the initial Child Protection Conference",
        check: Check::Child(rule_8615),
        plant: Plant::Child(plant_8615),
    },
    Rule {
        code: "8670Q",
        kind: Kind::Query,
        message: "Please check and either amend data or provide a reason: Assessment started more than 45 working days before the end of the census year. However, there is no Assessment end date.",
        check: Check::Child(rule_8670q),
        plant: Plant::Child(plant_8670q),
    },
    Rule {
        code: "8675Q",
        kind: Kind::Query,
        message: "Please check and either amend data or provide a reason: S47 Enquiry started more than 15 working days before the end of the census year. However, there is no date of Initial Child Protection Conference.",
        check: Check::Child(rule_8675q),
        plant: Plant::Child(plant_8675q),
    },
    Rule {
        code: "8696",
        kind: Kind::Error,
        message: "Assessment end date must fall within the census year",
        check: Check::Child(rule_8696),
        plant: Plant::Child(plant_8696),
    },
    Rule {
        code: "8715",
        kind: Kind::Error,
        message: "Date of Initial Child Protection Conference must fall within the census year",
        check: Check::Child(rule_8715),
        plant: Plant::Child(plant_8715),
    },
    Rule {
        code: "8736",
        kind: Kind::Error,
        message: "For an Assessment that has not been completed, the start date must fall within the census year",
        check: Check::Child(rule_8736),
        plant: Plant::Child(plant_8736),
    },
    Rule {
        code: "8740",
        kind: Kind::Error,
        message: "For a Section 47 Enquiry that has not held the Initial Child Protection Conference by the end of the census year, the start date must fall within the census year",
        check: Check::Child(rule_8740),
        plant: Plant::Child(plant_8740),
    },
    Rule {
        code: "8839",
        kind: Kind::Error,
        message: "Within one CINDetails group there are 2 or more open S47 Assessments",
        check: Check::Child(rule_8839),
        plant: Plant::Child(plant_8839),
    },
    Rule {
        code: "8863Q",
        kind: Kind::Query,
        message: "An Assessment is shown as starting when there is another Assessment ongoing.",
        check: Check::Child(rule_8863q),
        plant: Plant::Child(plant_8863q),
    },
    Rule {
        code: "8867",
        kind: Kind::Error,
        message: "CIN episode is shown as closed, however Assessment is not shown as completed",
        check: Check::Child(rule_8867),
        plant: Plant::Child(plant_8867),
    },
    Rule {
        code: "8868",
        kind: Kind::Error,
        message: "CIN episode is shown as closed, however Section 47 enquiry is not shown as completed by ICPC date or ICPC not required flag",
        check: Check::Child(rule_8868),
        plant: Plant::Child(plant_8868),
    },
    Rule {
        code: "8869",
        kind: Kind::Error,
        message: "The assessment factors code “21” cannot be used in conjunction with any other assessment factors.",
        check: Check::Child(rule_8869),
        plant: Plant::Child(plant_8869),
    },
    Rule {
        code: "8870Q",
        kind: Kind::Query,
        message: "Please check and either amend or provide a reason: The Target Date for Initial Child Protection Conference should not be a weekend",
        check: Check::Child(rule_8870q),
        plant: Plant::Child(plant_8870q),
    },
    Rule {
        code: "8873Q",
        kind: Kind::Query,
        message: "Please check and either amend data or provide a reason: When there is only one assessment on the episode and the factors code “21 No factors identified” has been used for the completed assessment, the reason for closure ‘RC8’ or 'RC9' should be used.",
        check: Check::Child(rule_8873q),
        plant: Plant::Child(plant_8873q),
    },
    Rule {
        code: "8875",
        kind: Kind::Error,
        message: "The Date of Initial Child Protection Conference cannot be a weekend",
        check: Check::Child(rule_8875),
        plant: Plant::Child(plant_8875),
    },
    Rule {
        code: "8890",
        kind: Kind::Error,
        message: "A Section 47 enquiry is shown as starting when there is another Section 47 Enquiry ongoing",
        check: Check::Child(rule_8890),
        plant: Plant::Child(plant_8890),
    },
    Rule {
        code: "8896",
        kind: Kind::Error,
        message: "Within one CINDetails group there are 2 or more open Assessments groups",
        check: Check::Child(rule_8896),
        plant: Plant::Child(plant_8896),
    },
    Rule {
        code: "8897Q",
        kind: Kind::Query,
        message: "Parental or child factors at assessment information is missing from a completed assessment",
        check: Check::Child(rule_8897q),
        plant: Plant::Child(plant_8897q),
    },
    Rule {
        code: "8898",
        kind: Kind::Error,
        message: " The assessment has more than one parental or child factors with the same code",
        check: Check::Child(rule_8898),
        plant: Plant::Child(plant_8898),
    },
    Rule {
        code: "8945Q",
        kind: Kind::Query,
        message: "Please check and either amend data or provide a reason: the assessment factors code '18A' should not be used ('18B' or '18C' should be used instead)",
        check: Check::Child(rule_8945q),
        plant: Plant::Child(plant_8945q),
    },
    Rule {
        code: "8950Q",
        kind: Kind::Query,
        message: "Please check and either amend data or provide a reason: the assessment factors code '19A' should not be used ('19B' or '19C' should be used instead)",
        check: Check::Child(rule_8950q),
        plant: Plant::Child(plant_8950q),
    },
];

/// The assessment factor codes of the CIN census code set (rule 8897Q's list).
const FACTORS: &[&str] = &[
    "1A", "1B", "1C", "2A", "2B", "2C", "3A", "3B", "3C", "4A", "4B", "4C", "5A", "5B", "5C", "6A", "6B", "6C", "7A", "8B", "8C", "8D", "8E", "8F", "9A",
    "10A", "11A", "12A", "13A", "14A", "15A", "16A", "17A", "18A", "18B", "18C", "19A", "19B", "19C", "20", "21", "22A", "23A", "24A",
];

// ---- helpers -------------------------------------------------------------------------

fn date(value: &Text) -> Option<Date> {
    model::date(value)
}

fn text(d: Date) -> Text {
    Some(format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day()))
}

fn days(d: Date, n: i64) -> Option<Date> {
    d.checked_add(Duration::days(n))
}

fn is_weekend(d: Date) -> bool {
    matches!(d.weekday(), Weekday::Saturday | Weekday::Sunday)
}

/// `ICPCnotRequired` written exactly as one of these (the DfE's validator compares the text
/// case-sensitively, and each rule has its own list of spellings).
fn flag_is(s: &Section47, spellings: &[&str]) -> bool {
    s.icpc_not_required.as_deref().is_some_and(|v| spellings.contains(&v))
}

/// "ICPC not required" as rules 8839 and 8868 read it: `true` or `1`, case-sensitive.
fn not_required(s: &Section47) -> bool {
    flag_is(s, &["true", "1"])
}

/// An enquiry still waiting for its conference (rule 8839's reading).
fn s47_open(s: &Section47) -> bool {
    date(&s.icpc_date).is_none() && !not_required(s)
}

/// The earliest start an open assessment or enquiry may have without a query: the reference
/// date less `n` working days, in the DfE's arithmetic (`CustomBusinessDay(n - 1)` back from
/// the reference date, which is the (n - 1)-th working day before it).
fn working_days_back(ctx: &Ctx, n: i64) -> Option<Date> {
    ctx.calendar.add_working_days(ctx.reference_date, -(n - 1)).ok().map(|w| w.date)
}

/// The factor codes as one value for a failure's location.
fn factors_text(factors: &Option<Vec<Text>>) -> Text {
    factors
        .as_ref()
        .map(|f| f.iter().map(|c| c.as_deref().unwrap_or("")).collect::<Vec<_>>().join(","))
}

fn ass_loc(episode: usize, index: usize, field: &'static str, value: &Text) -> Loc {
    Loc::new(Place::Assessment { episode, index }, field, value)
}

fn s47_loc(episode: usize, index: usize, field: &'static str, value: &Text) -> Loc {
    Loc::new(Place::Section47 { episode, index }, field, value)
}

fn ep_loc(episode: usize, field: &'static str, value: &Text) -> Loc {
    Loc::new(Place::Episode { episode }, field, value)
}

fn factors_loc(episode: usize, index: usize, a: &Assessment) -> Loc {
    ass_loc(episode, index, "AssessmentFactors", &factors_text(&a.factors))
}

/// Every assessment of the child with its episode and position.
fn assessments(child: &Child) -> impl Iterator<Item = (usize, usize, &CinDetails, &Assessment)> {
    child
        .episodes
        .iter()
        .enumerate()
        .flat_map(|(e, ep)| ep.assessments.iter().enumerate().map(move |(i, a)| (e, i, ep, a)))
}

/// Every section 47 enquiry of the child with its episode and position.
fn section47s(child: &Child) -> impl Iterator<Item = (usize, usize, &CinDetails, &Section47)> {
    child
        .episodes
        .iter()
        .enumerate()
        .flat_map(|(e, ep)| ep.section47s.iter().enumerate().map(move |(i, s)| (e, i, ep, s)))
}

/// `a < b` when both are dates; a missing or unreadable date compares false, as in the DfE's
/// validator.
fn before(a: &Text, b: &Text) -> bool {
    matches!((date(a), date(b)), (Some(a), Some(b)) if a < b)
}

/// Both missing, or the same date (how the DfE's validator tells an element from its twin).
fn same_date(a: &Text, b: &Text) -> bool {
    date(a) == date(b)
}

/// The first date on or after `from` that is a Saturday.
fn saturday_from(from: Date) -> Option<Date> {
    let ahead = (7 + 5 - i64::from(from.weekday().number_days_from_monday())) % 7;
    days(from, ahead)
}

/// The next weekday after `d`.
fn weekday_after(d: Date) -> Option<Date> {
    let mut next = d.next_day()?;
    while is_weekend(next) {
        next = next.next_day()?;
    }
    Some(next)
}

/// The last weekday before `d`.
fn weekday_before(d: Date) -> Option<Date> {
    let mut prev = d.previous_day()?;
    while is_weekend(prev) {
        prev = prev.previous_day()?;
    }
    Some(prev)
}

/// Whether a child protection plan of the episode starts on this date (then the conference
/// date is what rule 2885 pairs the plan with, and a planter must not move it).
fn plan_starts_on(ep: &CinDetails, d: Option<Date>) -> bool {
    d.is_some() && ep.cp_plans.iter().any(|p| date(&p.start) == d)
}

fn open_episode(ep: &CinDetails) -> bool {
    ep.closure_date.is_none()
}

// ---- dates against the referral ----------------------------------------------------------

fn rule_1103(child: &Child, _: &Ctx, hits: &mut Hits) {
    for (e, i, ep, a) in assessments(child) {
        if before(&a.start, &ep.referral_date) {
            hits.add(vec![
                ass_loc(e, i, "AssessmentActualStartDate", &a.start),
                ep_loc(e, "CINreferralDate", &ep.referral_date),
            ]);
        }
    }
}

/// A completed assessment, alone on its episode, started the day before the referral.
fn plant_1103(child: &mut Child, _: &Ctx) -> bool {
    for ep in &mut child.episodes {
        let Some(referral) = date(&ep.referral_date) else { continue };
        if let [a] = ep.assessments.as_mut_slice()
            && date(&a.authorisation).is_some()
            && date(&a.start).is_some_and(|s| s >= referral)
        {
            a.start = days(referral, -1).and_then(text);
            return true;
        }
    }
    false
}

fn rule_1104(child: &Child, _: &Ctx, hits: &mut Hits) {
    for (e, i, ep, s) in section47s(child) {
        if before(&s.icpc_date, &ep.referral_date) {
            hits.add(vec![
                s47_loc(e, i, "DateOfInitialCPC", &s.icpc_date),
                ep_loc(e, "CINreferralDate", &ep.referral_date),
            ]);
        }
    }
}

/// A conference before the referral needs an enquiry started before it too (or none at
/// all): a one-day enquiry and conference on the last weekday before the referral is added,
/// which also fails 2889.
fn plant_1104(child: &mut Child, ctx: &Ctx) -> bool {
    for ep in &mut child.episodes {
        let Some(day) = date(&ep.referral_date).and_then(weekday_before) else {
            continue;
        };
        let closed_after_assessment = matches!(ep.reason_for_closure.as_deref(), Some("RC8" | "RC9"));
        if day < ctx.collection_start
            || model::is_true(&ep.referral_nfa)
            || closed_after_assessment
            || ep.assessments.is_empty()
            || date(&ep.date_of_initial_cpc) == Some(day)
        {
            continue;
        }
        ep.section47s.push(Section47 {
            start: text(day),
            icpc_target: None,
            icpc_date: text(day),
            icpc_not_required: Some("false".into()),
        });
        return true;
    }
    false
}

/// Any enquiry's conference date (in any episode: the DfE's validator joins on the child
/// only) that is also recorded on an episode.
fn rule_2884(child: &Child, _: &Ctx, hits: &mut Hits) {
    for (e1, ep) in child.episodes.iter().enumerate() {
        let Some(on_episode) = date(&ep.date_of_initial_cpc) else { continue };
        for (e2, i, _, s) in section47s(child) {
            if date(&s.icpc_date) == Some(on_episode) {
                hits.add(vec![
                    s47_loc(e2, i, "DateOfInitialCPC", &s.icpc_date),
                    ep_loc(e1, "DateOfInitialCPC", &ep.date_of_initial_cpc),
                ]);
            }
        }
    }
}

fn plant_2884(child: &mut Child, _: &Ctx) -> bool {
    for ep in &mut child.episodes {
        if ep.date_of_initial_cpc.is_some() {
            continue;
        }
        if let Some(s) = ep.section47s.iter().find(|s| date(&s.icpc_date).is_some()) {
            ep.date_of_initial_cpc = s.icpc_date.clone();
            return true;
        }
    }
    false
}

fn rule_2889(child: &Child, _: &Ctx, hits: &mut Hits) {
    for (e, i, ep, s) in section47s(child) {
        if before(&s.start, &ep.referral_date) {
            hits.add(vec![
                ep_loc(e, "CINreferralDate", &ep.referral_date),
                s47_loc(e, i, "S47ActualStartDate", &s.start),
            ]);
        }
    }
}

/// The only enquiry of an episode, with its conference held, started the day before the
/// referral.
fn plant_2889(child: &mut Child, _: &Ctx) -> bool {
    for ep in &mut child.episodes {
        let Some(referral) = date(&ep.referral_date) else { continue };
        if let [s] = ep.section47s.as_mut_slice()
            && date(&s.icpc_date).is_some()
            && date(&s.start).is_some()
        {
            s.start = days(referral, -1).and_then(text);
            return true;
        }
    }
    false
}

// ---- assessments -----------------------------------------------------------------------

fn rule_8608(child: &Child, _: &Ctx, hits: &mut Hits) {
    for (e, i, _, a) in assessments(child) {
        if before(&a.authorisation, &a.start) {
            hits.add(vec![
                ass_loc(e, i, "AssessmentActualStartDate", &a.start),
                ass_loc(e, i, "AssessmentAuthorisationDate", &a.authorisation),
            ]);
        }
    }
}

/// Authorised the day before it started (kept within the year).
fn plant_8608(child: &mut Child, ctx: &Ctx) -> bool {
    for ep in &mut child.episodes {
        for a in &mut ep.assessments {
            let Some(day_before) = date(&a.start).and_then(|s| days(s, -1)) else {
                continue;
            };
            if date(&a.authorisation).is_some() && day_before >= ctx.collection_start {
                a.authorisation = text(day_before);
                return true;
            }
        }
    }
    false
}

/// Factors on an assessment without a (readable) authorisation date. The DfE's validator
/// crashes exactly when this is present (it groups by the factor list).
fn rule_8614(child: &Child, _: &Ctx, hits: &mut Hits) {
    for (e, i, _, a) in assessments(child) {
        if date(&a.authorisation).is_none() && a.factors.is_some() {
            hits.add(vec![ass_loc(e, i, "AssessmentAuthorisationDate", &a.authorisation), factors_loc(e, i, a)]);
        }
    }
}

/// Factors on an open assessment; else an open episode's only assessment, started recently
/// (not to fail 8670Q or 8736 as well), loses its authorisation date.
fn plant_8614(child: &mut Child, ctx: &Ctx) -> bool {
    for ep in &mut child.episodes {
        if let Some(a) = ep.assessments.iter_mut().find(|a| date(&a.authorisation).is_none() && a.factors.is_none()) {
            a.factors = Some(vec![Some("2A".into())]);
            return true;
        }
    }
    for ep in child.episodes.iter_mut().filter(|ep| open_episode(ep)) {
        if let [a] = ep.assessments.as_mut_slice()
            && a.factors.is_some()
            && date(&a.start).is_some_and(|s| recent(ctx, s))
        {
            a.authorisation = None;
            return true;
        }
    }
    false
}

/// Started in the year and within the last 45 working days: an assessment left open then
/// fails neither 8670Q nor 8736.
fn recent(ctx: &Ctx, start: Date) -> bool {
    ctx.in_year(start) && working_days_back(ctx, 45).is_some_and(|latest| start >= latest)
}

/// An assessment without an end date that started more than 45 working days before the
/// census date.
fn rule_8670q(child: &Child, ctx: &Ctx, hits: &mut Hits) {
    let Some(latest) = working_days_back(ctx, 45) else { return };
    for (e, i, _, a) in assessments(child) {
        if date(&a.authorisation).is_none() && date(&a.start).is_some_and(|s| s < latest) {
            hits.add(vec![
                ass_loc(e, i, "AssessmentAuthorisationDate", &a.authorisation),
                ass_loc(e, i, "AssessmentActualStartDate", &a.start),
            ]);
        }
    }
}

/// An open episode's only assessment: if still open, started a day too early; if completed
/// (and started early enough), not completed after all.
fn plant_8670q(child: &mut Child, ctx: &Ctx) -> bool {
    let Some(early) = working_days_back(ctx, 45).and_then(|d| days(d, -1)) else {
        return false;
    };
    for ep in child.episodes.iter_mut().filter(|ep| open_episode(ep)) {
        let referral_ok = date(&ep.referral_date).is_some_and(|r| r <= early);
        let [a] = ep.assessments.as_mut_slice() else { continue };
        let Some(start) = date(&a.start) else { continue };
        if date(&a.authorisation).is_none() && start > early && referral_ok && early >= ctx.collection_start {
            a.start = text(early);
            return true;
        }
        if date(&a.authorisation).is_some() && start <= early && ctx.in_year(start) {
            a.authorisation = None;
            a.factors = None;
            return true;
        }
    }
    false
}

fn rule_8696(child: &Child, ctx: &Ctx, hits: &mut Hits) {
    for (e, i, _, a) in assessments(child) {
        if date(&a.authorisation).is_some_and(|d| !ctx.in_year(d)) {
            hits.add(vec![ass_loc(e, i, "AssessmentAuthorisationDate", &a.authorisation)]);
        }
    }
}

/// An open episode's only assessment authorised the day after the census date.
fn plant_8696(child: &mut Child, ctx: &Ctx) -> bool {
    for ep in child.episodes.iter_mut().filter(|ep| open_episode(ep)) {
        if let [a] = ep.assessments.as_mut_slice()
            && date(&a.authorisation).is_some()
        {
            a.authorisation = days(ctx.reference_date, 1).and_then(text);
            return true;
        }
    }
    false
}

/// An assessment without an end date whose start is missing or outside the year.
fn rule_8736(child: &Child, ctx: &Ctx, hits: &mut Hits) {
    for (e, i, _, a) in assessments(child) {
        if date(&a.authorisation).is_none() && !date(&a.start).is_some_and(|s| ctx.in_year(s)) {
            hits.add(vec![
                ass_loc(e, i, "AssessmentAuthorisationDate", &a.authorisation),
                ass_loc(e, i, "AssessmentActualStartDate", &a.start),
            ]);
        }
    }
}

/// An open episode's assessment (the only open one there) shown as open and starting the
/// day after the census date.
fn plant_8736(child: &mut Child, ctx: &Ctx) -> bool {
    for ep in child.episodes.iter_mut().filter(|ep| open_episode(ep)) {
        let open: Vec<usize> = ep
            .assessments
            .iter()
            .enumerate()
            .filter(|(_, a)| date(&a.authorisation).is_none())
            .map(|(i, _)| i)
            .collect();
        let pick = match open.as_slice() {
            [i] => Some(*i),
            [] if !ep.assessments.is_empty() => Some(0),
            _ => None,
        };
        if let Some(a) = pick.and_then(|i| ep.assessments.get_mut(i)) {
            a.authorisation = None;
            a.factors = None;
            a.start = days(ctx.reference_date, 1).and_then(text);
            return true;
        }
    }
    false
}

/// Two or more assessments without an authorisation date on one episode; every assessment
/// of that episode is named.
fn rule_8896(child: &Child, _: &Ctx, hits: &mut Hits) {
    for (e, ep) in child.episodes.iter().enumerate() {
        if ep.assessments.iter().filter(|a| date(&a.authorisation).is_none()).count() > 1 {
            hits.add(
                ep.assessments
                    .iter()
                    .enumerate()
                    .map(|(i, a)| ass_loc(e, i, "AssessmentAuthorisationDate", &a.authorisation))
                    .collect(),
            );
        }
    }
}

/// A twin of an open assessment on an open episode (identical twins are not overlaps for
/// 8863Q).
fn plant_8896(child: &mut Child, _: &Ctx) -> bool {
    for ep in child.episodes.iter_mut().filter(|ep| open_episode(ep)) {
        if let Some(a) = ep.assessments.iter().find(|a| date(&a.authorisation).is_none()) {
            let twin = Assessment { factors: None, ..a.clone() };
            ep.assessments.push(twin);
            return true;
        }
    }
    false
}

/// An assessment starting on or between the start and end (or, when it has none, the census
/// date) of another assessment of the same episode. Assessments with the same start and end
/// as the one looked at are taken for itself and ignored, as the DfE's validator does.
fn rule_8863q(child: &Child, ctx: &Ctx, hits: &mut Hits) {
    for (e, ep) in child.episodes.iter().enumerate() {
        for (i, a) in ep.assessments.iter().enumerate() {
            let Some(start) = date(&a.start) else { continue };
            let mut locs = Vec::new();
            for (j, other) in ep.assessments.iter().enumerate() {
                let Some(other_start) = date(&other.start) else { continue };
                if same_date(&a.start, &other.start) && same_date(&a.authorisation, &other.authorisation) {
                    continue;
                }
                let until = date(&other.authorisation).unwrap_or(ctx.reference_date);
                if start >= other_start && start <= until {
                    locs.push(ass_loc(e, j, "AssessmentActualStartDate", &other.start));
                    locs.push(ass_loc(e, j, "AssessmentAuthorisationDate", &other.authorisation));
                }
            }
            if !locs.is_empty() {
                locs.insert(0, ass_loc(e, i, "AssessmentActualStartDate", &a.start));
                hits.add(locs);
            }
        }
    }
}

/// A second assessment starting and ending on the day a completed one ended.
fn plant_8863q(child: &mut Child, _: &Ctx) -> bool {
    for ep in &mut child.episodes {
        let found = ep
            .assessments
            .iter()
            .find(|a| matches!((date(&a.start), date(&a.authorisation)), (Some(s), Some(t)) if s < t));
        if let Some(a) = found {
            let second = Assessment {
                start: a.authorisation.clone(),
                internal_review: None,
                authorisation: a.authorisation.clone(),
                factors: a.factors.clone(),
            };
            ep.assessments.push(second);
            return true;
        }
    }
    false
}

/// A closed episode with an assessment not completed; one failure per episode.
fn rule_8867(child: &Child, _: &Ctx, hits: &mut Hits) {
    for (e, ep) in child.episodes.iter().enumerate() {
        if date(&ep.closure_date).is_none() {
            continue;
        }
        let open: Vec<Loc> = ep
            .assessments
            .iter()
            .enumerate()
            .filter(|(_, a)| date(&a.authorisation).is_none())
            .map(|(i, a)| ass_loc(e, i, "AssessmentAuthorisationDate", &a.authorisation))
            .collect();
        if !open.is_empty() {
            let mut locs = vec![ep_loc(e, "CINclosureDate", &ep.closure_date)];
            locs.extend(open);
            hits.add(locs);
        }
    }
}

/// A closed episode's only assessment, started recently (8670Q, 8736), loses its
/// authorisation date (and its factors, which would fail 8614); else an episode with an open
/// assessment is closed.
fn plant_8867(child: &mut Child, ctx: &Ctx) -> bool {
    for ep in child.episodes.iter_mut().filter(|ep| date(&ep.closure_date).is_some()) {
        if let [a] = ep.assessments.as_mut_slice()
            && date(&a.authorisation).is_some()
            && date(&a.start).is_some_and(|s| recent(ctx, s))
        {
            a.authorisation = None;
            a.factors = None;
            return true;
        }
    }
    close_episode(child, ctx, |ep| {
        ep.assessments.iter().any(|a| date(&a.authorisation).is_none()) && !ep.section47s.iter().any(s47_open)
    })
}

/// The fallback of 8867 and 8868 for a return whose episodes are all open: the child's latest
/// episode, open, with no plan still running and meeting `wanted`, closes on the census date.
fn close_episode(child: &mut Child, ctx: &Ctx, wanted: fn(&CinDetails) -> bool) -> bool {
    let latest = child.episodes.iter().filter_map(|ep| date(&ep.referral_date)).max();
    let running = |ep: &CinDetails| ep.cin_plans.iter().any(|p| date(&p.end).is_none()) || ep.cp_plans.iter().any(|p| date(&p.end).is_none());
    let pick = child
        .episodes
        .iter_mut()
        .find(|ep| open_episode(ep) && date(&ep.referral_date) == latest && !running(ep) && wanted(ep));
    let Some(ep) = pick else { return false };
    ep.closure_date = text(ctx.reference_date);
    ep.reason_for_closure = Some("RC7".into());
    true
}

// ---- assessment factors ----------------------------------------------------------------

/// Rules 8869, 8945Q and 8950Q as the guidance means them: "21" (no factors identified)
/// beside another factor; the retired codes "18A" and "19A". (The DfE's validator compares
/// the assessment's whole factor list with one code, so on a file they never fire there; the
/// agreement test lists them as known divergences.)
fn factor_rule(child: &Child, hits: &mut Hits, fails: fn(&[&str]) -> bool) {
    for (e, i, _, a) in assessments(child) {
        let codes: Vec<&str> = a.factors.iter().flatten().flatten().map(String::as_str).collect();
        if fails(&codes) {
            hits.add(vec![factors_loc(e, i, a)]);
        }
    }
}

fn rule_8869(child: &Child, _: &Ctx, hits: &mut Hits) {
    factor_rule(child, hits, |codes| codes.len() > 1 && codes.contains(&"21"));
}

fn rule_8945q(child: &Child, _: &Ctx, hits: &mut Hits) {
    factor_rule(child, hits, |codes| codes.contains(&"18A"));
}

fn rule_8950q(child: &Child, _: &Ctx, hits: &mut Hits) {
    factor_rule(child, hits, |codes| codes.contains(&"19A"));
}

/// Adds `code` to the factors of the first authorised assessment that has some.
fn add_factor(child: &mut Child, code: &str) -> bool {
    let found = child.episodes.iter_mut().flat_map(|ep| ep.assessments.iter_mut()).find(|a| date(&a.authorisation).is_some() && a.factors.is_some());
    let Some(a) = found else { return false };
    if let Some(f) = a.factors.as_mut() {
        f.retain(|c| c.as_deref() != Some(code));
        f.push(Some(code.into()));
    }
    true
}

fn plant_8869(child: &mut Child, _: &Ctx) -> bool {
    add_factor(child, "21")
}

fn plant_8945q(child: &mut Child, _: &Ctx) -> bool {
    add_factor(child, "18A")
}

fn plant_8950q(child: &mut Child, _: &Ctx) -> bool {
    add_factor(child, "19A")
}

/// An episode's only assessment has a factor containing "21" (the DfE's validator matches
/// the text anywhere in the code) and the episode was not closed with RC8 or RC9 (a missing
/// reason fails too).
fn rule_8873q(child: &Child, _: &Ctx, hits: &mut Hits) {
    for (e, ep) in child.episodes.iter().enumerate() {
        let [a] = ep.assessments.as_slice() else { continue };
        let has_21 = a.factors.iter().flatten().flatten().any(|f| f.contains("21"));
        if has_21 && !matches!(ep.reason_for_closure.as_deref(), Some("RC8" | "RC9")) {
            hits.add(vec![factors_loc(e, 0, a), ep_loc(e, "ReasonForClosure", &ep.reason_for_closure)]);
        }
    }
}

fn plant_8873q(child: &mut Child, _: &Ctx) -> bool {
    for ep in &mut child.episodes {
        if matches!(ep.reason_for_closure.as_deref(), Some("RC8" | "RC9")) {
            continue;
        }
        if let [a] = ep.assessments.as_mut_slice()
            && date(&a.authorisation).is_some()
            && a.factors.is_some()
        {
            a.factors = Some(vec![Some("21".into())]);
            return true;
        }
    }
    false
}

/// An assessment authorised on or after the start of the year without factors, or with a
/// factor not in the code set. (The DfE's validator crashes whenever a failing assessment
/// has factors, and joins each assessment with the factors of the same-numbered assessment
/// of the child's other episodes; the rule's meaning is implemented, per assessment.)
fn rule_8897q(child: &Child, ctx: &Ctx, hits: &mut Hits) {
    for (e, i, _, a) in assessments(child) {
        if date(&a.authorisation).is_none_or(|d| d < ctx.collection_start) {
            continue;
        }
        let valid = a
            .factors
            .as_ref()
            .is_some_and(|f| f.iter().all(|c| c.as_deref().is_some_and(|c| FACTORS.contains(&c))));
        if !valid {
            hits.add(vec![ass_loc(e, i, "AssessmentAuthorisationDate", &a.authorisation), factors_loc(e, i, a)]);
        }
    }
}

fn plant_8897q(child: &mut Child, ctx: &Ctx) -> bool {
    for ep in &mut child.episodes {
        if let Some(a) = ep
            .assessments
            .iter_mut()
            .find(|a| a.factors.is_some() && date(&a.authorisation).is_some_and(|d| d >= ctx.collection_start))
        {
            a.factors = None;
            return true;
        }
    }
    false
}

/// The same factor code twice in one assessment. The DfE's validator crashes exactly when
/// this is present; the rule's meaning is implemented.
fn rule_8898(child: &Child, _: &Ctx, hits: &mut Hits) {
    for (e, i, _, a) in assessments(child) {
        let Some(factors) = &a.factors else { continue };
        if factors.iter().enumerate().any(|(k, f)| factors[..k].contains(f)) {
            hits.add(vec![factors_loc(e, i, a)]);
        }
    }
}

fn plant_8898(child: &mut Child, _: &Ctx) -> bool {
    for ep in &mut child.episodes {
        for a in &mut ep.assessments {
            if date(&a.authorisation).is_some()
                && let Some(factors) = &mut a.factors
                && let Some(first) = factors.first().cloned()
            {
                factors.push(first);
                return true;
            }
        }
    }
    false
}

// ---- section 47 enquiries and initial conferences --------------------------------------------

/// An enquiry that started after its conference, or a conference without an enquiry start.
fn rule_8615(child: &Child, _: &Ctx, hits: &mut Hits) {
    for (e, i, _, s) in section47s(child) {
        let conference = date(&s.icpc_date);
        if before(&s.icpc_date, &s.start) || (conference.is_some() && date(&s.start).is_none()) {
            hits.add(vec![
                s47_loc(e, i, "S47ActualStartDate", &s.start),
                s47_loc(e, i, "DateOfInitialCPC", &s.icpc_date),
            ]);
        }
    }
}

/// A held conference whose enquiry has no start date.
fn plant_8615(child: &mut Child, _: &Ctx) -> bool {
    for ep in &mut child.episodes {
        if let Some(s) = ep.section47s.iter_mut().find(|s| date(&s.icpc_date).is_some() && s.start.is_some()) {
            s.start = None;
            return true;
        }
    }
    false
}

/// An enquiry without a conference (flag written exactly `false` or `0`) that started more
/// than 15 working days before the census date.
fn rule_8675q(child: &Child, ctx: &Ctx, hits: &mut Hits) {
    let Some(latest) = working_days_back(ctx, 15) else { return };
    for (e, i, _, s) in section47s(child) {
        if date(&s.icpc_date).is_none() && flag_is(s, &["false", "0"]) && date(&s.start).is_some_and(|d| d < latest) {
            hits.add(vec![
                s47_loc(e, i, "DateOfInitialCPC", &s.icpc_date),
                s47_loc(e, i, "S47ActualStartDate", &s.start),
                s47_loc(e, i, "ICPCnotRequired", &s.icpc_not_required),
            ]);
        }
    }
}

/// An open episode's only enquiry: if waiting for its conference, started a day too early
/// (the referral too, when it came later and the episode is the child's latest); if its
/// conference was held (and no plan hangs on it), the conference is taken away.
fn plant_8675q(child: &mut Child, ctx: &Ctx) -> bool {
    let Some(early) = working_days_back(ctx, 15).and_then(|d| days(d, -1)) else {
        return false;
    };
    if early < ctx.collection_start {
        return false;
    }
    for e in 0..child.episodes.len() {
        // Another episode reaching `early` would overlap a referral moved back to it (8820).
        let alone = child
            .episodes
            .iter()
            .enumerate()
            .all(|(k, other)| k == e || (date(&other.referral_date).is_some_and(|r| r < early) && date(&other.closure_date).is_some_and(|c| c < early)));
        let Some(ep) = child.episodes.get_mut(e) else { continue };
        if !open_episode(ep) {
            continue;
        }
        let Some(referral) = date(&ep.referral_date) else { continue };
        let plan_on_conference = ep.section47s.first().is_some_and(|s| plan_starts_on(ep, date(&s.icpc_date)));
        let [s] = ep.section47s.as_mut_slice() else { continue };
        let Some(start) = date(&s.start) else { continue };
        if date(&s.icpc_date).is_none() && flag_is(s, &["false", "0"]) && start > early && (referral <= early || alone) {
            s.start = text(early);
            if referral > early {
                ep.referral_date = text(early);
            }
            return true;
        }
        if date(&s.icpc_date).is_some() && !plan_on_conference && start <= early && ctx.in_year(start) {
            s.icpc_date = None;
            s.icpc_not_required = Some("false".into());
            return true;
        }
    }
    false
}

fn rule_8715(child: &Child, ctx: &Ctx, hits: &mut Hits) {
    for (e, i, _, s) in section47s(child) {
        if date(&s.icpc_date).is_some_and(|d| !ctx.in_year(d)) {
            hits.add(vec![s47_loc(e, i, "DateOfInitialCPC", &s.icpc_date)]);
        }
    }
}

/// An open episode's latest enquiry has its conference on the first weekday after the
/// census date (one no plan hangs on, 2885; the latest, so that no other enquiry starts
/// while it now runs, 8890).
fn plant_8715(child: &mut Child, ctx: &Ctx) -> bool {
    let Some(after) = weekday_after(ctx.reference_date) else { return false };
    for ep in child.episodes.iter_mut().filter(|ep| open_episode(ep)) {
        let latest = |s: &Section47| {
            let start = date(&s.start);
            start.is_some() && ep.section47s.iter().filter(|o| date(&o.start) >= start).count() == 1
        };
        let pick = ep.section47s.iter().position(|s| latest(s) && !plan_starts_on(ep, date(&s.icpc_date)));
        if let Some(s) = pick.and_then(|i| ep.section47s.get_mut(i)) {
            s.icpc_date = text(after);
            return true;
        }
    }
    false
}

/// An enquiry without a conference whose flag is written exactly `0` (the DfE's validator
/// does not take `false` here) and whose start is outside the year.
fn rule_8740(child: &Child, ctx: &Ctx, hits: &mut Hits) {
    for (e, i, _, s) in section47s(child) {
        if date(&s.icpc_date).is_none() && flag_is(s, &["0"]) && date(&s.start).is_some_and(|d| !ctx.in_year(d)) {
            hits.add(vec![
                s47_loc(e, i, "S47ActualStartDate", &s.start),
                s47_loc(e, i, "DateOfInitialCPC", &s.icpc_date),
                s47_loc(e, i, "ICPCnotRequired", &s.icpc_not_required),
            ]);
        }
    }
}

/// An open episode's enquiry without a conference (the only open one there) flagged `0` and
/// starting the day after the census date; else such an enquiry is added to an open, assessed
/// episode without one.
fn plant_8740(child: &mut Child, ctx: &Ctx) -> bool {
    let after = days(ctx.reference_date, 1).and_then(text);
    for ep in child.episodes.iter_mut().filter(|ep| open_episode(ep)) {
        let others_open = |i: usize| ep.section47s.iter().enumerate().any(|(j, s)| j != i && s47_open(s));
        let pick = (0..ep.section47s.len()).find(|&i| date(&ep.section47s[i].icpc_date).is_none() && !others_open(i));
        if let Some(s) = pick.and_then(|i| ep.section47s.get_mut(i)) {
            s.icpc_not_required = Some("0".into());
            s.start = after;
            return true;
        }
    }
    let pick = child
        .episodes
        .iter_mut()
        .find(|ep| open_episode(ep) && !model::is_true(&ep.referral_nfa) && !ep.assessments.is_empty() && !ep.section47s.iter().any(s47_open));
    let Some(ep) = pick else { return false };
    ep.section47s.push(Section47 {
        start: after,
        icpc_not_required: Some("0".into()),
        ..Section47::default()
    });
    true
}

/// Two or more enquiries of one episode without a conference and not flagged "not required"
/// (`true`/`1`, case-sensitive); every enquiry of the episode without a conference is named.
fn rule_8839(child: &Child, _: &Ctx, hits: &mut Hits) {
    for (e, ep) in child.episodes.iter().enumerate() {
        if ep.section47s.iter().filter(|s| s47_open(s)).count() > 1 {
            let locs = ep
                .section47s
                .iter()
                .enumerate()
                .filter(|(_, s)| date(&s.icpc_date).is_none())
                .map(|(i, s)| s47_loc(e, i, "DateOfInitialCPC", &s.icpc_date))
                .collect();
            hits.add(locs);
        }
    }
}

/// Open enquiries without a start date (which 8890, 8675Q and 8740 ignore) are added to an
/// open, assessed episode until it has two.
fn plant_8839(child: &mut Child, _: &Ctx) -> bool {
    for ep in child.episodes.iter_mut().filter(|ep| open_episode(ep)) {
        if model::is_true(&ep.referral_nfa) || ep.assessments.is_empty() {
            continue;
        }
        let open = ep.section47s.iter().filter(|s| s47_open(s)).count();
        for _ in open..2 {
            ep.section47s.push(Section47 {
                icpc_not_required: Some("false".into()),
                ..Section47::default()
            });
        }
        return true;
    }
    false
}

/// An enquiry starting on or between the start and conference of another enquiry of the same
/// episode, or after the start of one still waiting for its conference at the census date
/// (flag not `true`/`1`, any case). Enquiries with the same start and conference as the one
/// looked at are ignored, as the DfE's validator does.
fn rule_8890(child: &Child, ctx: &Ctx, hits: &mut Hits) {
    for (e, ep) in child.episodes.iter().enumerate() {
        for (i, s) in ep.section47s.iter().enumerate() {
            let Some(start) = date(&s.start) else { continue };
            let mut locs = Vec::new();
            for (j, other) in ep.section47s.iter().enumerate() {
                let Some(other_start) = date(&other.start) else { continue };
                if same_date(&s.start, &other.start) && same_date(&s.icpc_date, &other.icpc_date) {
                    continue;
                }
                let within = match date(&other.icpc_date) {
                    Some(conference) => start <= conference,
                    None => {
                        start <= ctx.reference_date
                            && !other
                                .icpc_not_required
                                .as_deref()
                                .is_some_and(|v| matches!(v.to_lowercase().as_str(), "true" | "1"))
                    }
                };
                if start >= other_start && within {
                    locs.push(s47_loc(e, j, "S47ActualStartDate", &other.start));
                    locs.push(s47_loc(e, j, "DateOfInitialCPC", &other.icpc_date));
                }
            }
            if !locs.is_empty() {
                locs.insert(0, s47_loc(e, i, "S47ActualStartDate", &s.start));
                hits.add(locs);
            }
        }
    }
}

/// A second enquiry starting, and holding its conference, on the day of another's
/// conference.
fn plant_8890(child: &mut Child, _: &Ctx) -> bool {
    for ep in &mut child.episodes {
        let found = ep
            .section47s
            .iter()
            .find(|s| matches!((date(&s.start), date(&s.icpc_date)), (Some(a), Some(b)) if a < b));
        if let Some(s) = found {
            let second = Section47 {
                start: s.icpc_date.clone(),
                icpc_target: None,
                icpc_date: s.icpc_date.clone(),
                icpc_not_required: Some("false".into()),
            };
            ep.section47s.push(second);
            return true;
        }
    }
    false
}

/// A closed episode with an enquiry neither held nor flagged not required, or held and
/// flagged not required (`true`/`1`, case-sensitive); one failure per episode.
fn rule_8868(child: &Child, _: &Ctx, hits: &mut Hits) {
    for (e, ep) in child.episodes.iter().enumerate() {
        if date(&ep.closure_date).is_none() {
            continue;
        }
        let mut locs = Vec::new();
        for (i, s) in ep.section47s.iter().enumerate() {
            if date(&s.icpc_date).is_some() == not_required(s) {
                locs.push(s47_loc(e, i, "DateOfInitialCPC", &s.icpc_date));
                locs.push(s47_loc(e, i, "ICPCnotRequired", &s.icpc_not_required));
            }
        }
        if !locs.is_empty() {
            locs.push(ep_loc(e, "CINclosureDate", &ep.closure_date));
            hits.add(locs);
        }
    }
}

/// A closed episode's held conference also flagged not required; else an episode with an
/// enquiry waiting for its conference is closed.
fn plant_8868(child: &mut Child, ctx: &Ctx) -> bool {
    for ep in child.episodes.iter_mut().filter(|ep| date(&ep.closure_date).is_some()) {
        if let Some(s) = ep.section47s.iter_mut().find(|s| date(&s.icpc_date).is_some() && !not_required(s)) {
            s.icpc_not_required = Some("true".into());
            return true;
        }
    }
    close_episode(child, ctx, |ep| ep.section47s.iter().any(s47_open))
}

/// `InitialCPCtarget` is not one of the validator's date columns (no "date" in its name): it
/// parses it as `dd-mm-YYYY` only, so an ISO target date is never queried. Mirrored.
fn target_date(value: &Text) -> Option<Date> {
    let mut parts = value.as_deref()?.split('-');
    let (d, m, y) = (parts.next()?, parts.next()?, parts.next()?);
    let digits = |s: &str, len: std::ops::RangeInclusive<usize>| len.contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit());
    if parts.next().is_some() || !digits(d, 1..=2) || !digits(m, 1..=2) || !digits(y, 4..=4) {
        return None;
    }
    let month = time::Month::try_from(m.parse::<u8>().ok()?).ok()?;
    Date::from_calendar_date(y.parse().ok()?, month, d.parse().ok()?).ok()
}

fn rule_8870q(child: &Child, _: &Ctx, hits: &mut Hits) {
    for (e, i, _, s) in section47s(child) {
        if target_date(&s.icpc_target).is_some_and(is_weekend) {
            hits.add(vec![s47_loc(e, i, "InitialCPCtarget", &s.icpc_target)]);
        }
    }
}

/// The target set to the first Saturday from the enquiry's start, written `dd-mm-YYYY` (the
/// only form the DfE's validator reads).
fn plant_8870q(child: &mut Child, _: &Ctx) -> bool {
    for ep in &mut child.episodes {
        for s in &mut ep.section47s {
            if let Some(saturday) = date(&s.start).and_then(saturday_from) {
                s.icpc_target = Some(format!("{:02}-{:02}-{:04}", saturday.day(), u8::from(saturday.month()), saturday.year()));
                return true;
            }
        }
    }
    false
}

/// A conference held on a Saturday or Sunday (the enquiry's date; the episode-level one is
/// not looked at).
fn rule_8875(child: &Child, _: &Ctx, hits: &mut Hits) {
    for (e, i, _, s) in section47s(child) {
        if date(&s.icpc_date).is_some_and(is_weekend) {
            hits.add(vec![s47_loc(e, i, "DateOfInitialCPC", &s.icpc_date)]);
        }
    }
}

/// A held conference moves back to the Sunday before it, with the plans that started on it
/// (2885) when no other plan or CIN plan of the child runs in between; else an open
/// episode's waiting enquiry holds its conference on the first Saturday after it started.
fn plant_8875(child: &mut Child, ctx: &Ctx) -> bool {
    let spans: Vec<(Option<Date>, Option<Date>)> = child
        .episodes
        .iter()
        .flat_map(|ep| {
            ep.cp_plans
                .iter()
                .map(|p| (date(&p.start), date(&p.end)))
                .chain(ep.cin_plans.iter().map(|p| (date(&p.start), date(&p.end))))
        })
        .collect();
    // A plan (not one starting on the conference, which moves with it) running on a day from
    // `from` up to the conference.
    let runs_between = |from: Date, conference: Date| {
        spans
            .iter()
            .any(|&(start, end)| start != Some(conference) && start.is_some_and(|s| s <= conference) && end.is_none_or(|e| e >= from))
    };
    for ep in &mut child.episodes {
        let referral = date(&ep.referral_date);
        for i in 0..ep.section47s.len() {
            let s = &ep.section47s[i];
            let (Some(start), Some(conference)) = (date(&s.start), date(&s.icpc_date)) else {
                continue;
            };
            let Some(sunday) = (1..=7).filter_map(|k| days(conference, -k)).find(|d| d.weekday() == Weekday::Sunday) else {
                continue;
            };
            let fits = sunday >= start && referral.is_some_and(|r| sunday >= r) && sunday >= ctx.collection_start;
            if !fits || runs_between(sunday, conference) {
                continue;
            }
            ep.section47s[i].icpc_date = text(sunday);
            for plan in ep.cp_plans.iter_mut().filter(|p| date(&p.start) == Some(conference)) {
                plan.start = text(sunday);
            }
            return true;
        }
    }
    for ep in child.episodes.iter_mut().filter(|ep| open_episode(ep)) {
        for s in &mut ep.section47s {
            let (Some(start), None) = (date(&s.start), date(&s.icpc_date)) else {
                continue;
            };
            let Some(saturday) = saturday_from(start.max(ctx.collection_start)) else {
                continue;
            };
            if saturday <= ctx.reference_date {
                s.icpc_date = text(saturday);
                return true;
            }
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;
    use crate::model::{Assessment, Child, Section47};

    /// The valid child with a section 47 enquiry whose conference decided on no plan.
    fn with_s47() -> Child {
        let mut c = valid_child();
        c.episodes[0].section47s.push(Section47 {
            start: t("2025-05-08"),
            icpc_target: t("2025-05-30"),
            icpc_date: t("2025-05-28"),
            icpc_not_required: t("false"),
        });
        c
    }

    /// The valid child's episode still open at the census date, its assessment too.
    fn open_assessment(start: &str) -> Child {
        let mut c = valid_child();
        let ep = &mut c.episodes[0];
        ep.closure_date = None;
        ep.reason_for_closure = None;
        ep.cin_plans.clear();
        ep.assessments[0] = Assessment {
            start: t(start),
            ..Assessment::default()
        };
        c
    }

    /// The valid child's episode still open at the census date, its assessment completed.
    fn open_episode() -> Child {
        let mut c = valid_child();
        let ep = &mut c.episodes[0];
        ep.closure_date = None;
        ep.reason_for_closure = None;
        ep.cin_plans[0].end = None;
        c
    }

    /// An open episode with one enquiry waiting for its conference.
    fn open_s47(start: &str, flag: &str) -> Child {
        let mut c = open_assessment("2026-03-20");
        c.episodes[0].section47s.push(Section47 {
            start: t(start),
            icpc_not_required: t(flag),
            ..Section47::default()
        });
        c
    }

    fn ours(c: &Child) -> Vec<&'static str> {
        let mine: Vec<&str> = super::RULES.iter().map(|r| r.code).collect();
        fails(c).into_iter().filter(|code| mine.contains(code)).collect()
    }

    #[test]
    fn the_fixtures_pass() {
        assert!(ours(&with_s47()).is_empty());
        assert!(ours(&open_assessment("2026-03-20")).is_empty());
        assert!(ours(&open_s47("2026-03-20", "false")).is_empty());
        assert!(ours(&open_episode()).is_empty());
    }

    #[test]
    fn assessment_before_referral() {
        let mut c = valid_child();
        c.episodes[0].assessments[0].start = t("2025-05-05");
        assert_eq!(ours(&c), ["1103"]);
        c.episodes[0].referral_date = None;
        assert!(ours(&c).is_empty(), "no referral date: nothing to compare");
        let mut c = valid_child();
        c.episodes[0].assessments[0].start = t("2025-05-06");
        assert!(ours(&c).is_empty(), "the same day is fine");
    }

    #[test]
    fn conference_before_referral() {
        let mut c = with_s47();
        c.episodes[0].section47s[0].start = t("2025-05-01");
        c.episodes[0].section47s[0].icpc_date = t("2025-05-02");
        assert_eq!(ours(&c), ["1104", "2889"]);
        c.episodes[0].referral_date = None;
        assert!(ours(&c).is_empty());
    }

    #[test]
    fn conference_on_episode_and_enquiry() {
        let mut c = with_s47();
        c.episodes[0].date_of_initial_cpc = t("2025-05-28");
        assert_eq!(ours(&c), ["2884"]);
        // Across episodes too: the DfE's validator joins on the child only.
        let mut c = with_s47();
        let mut other = c.episodes[0].clone();
        other.section47s.clear();
        other.referral_date = t("2025-01-06");
        other.closure_date = t("2025-04-30");
        other.assessments.clear();
        other.cin_plans.clear();
        other.date_of_initial_cpc = t("2025-05-28");
        c.episodes.insert(0, other);
        assert!(ours(&c).contains(&"2884"));
        // Different dates, or none on the enquiry, pass.
        let mut c = with_s47();
        c.episodes[0].date_of_initial_cpc = t("2025-05-27");
        assert!(!ours(&c).contains(&"2884"));
    }

    #[test]
    fn enquiry_before_referral() {
        let mut c = with_s47();
        c.episodes[0].section47s[0].start = t("2025-05-05");
        assert_eq!(ours(&c), ["2889"]);
        c.episodes[0].section47s[0].start = None;
        assert_eq!(ours(&c), ["8615"], "a missing start is not compared with the referral");
    }

    #[test]
    fn assessment_ends_before_it_starts() {
        let mut c = valid_child();
        c.episodes[0].assessments[0].authorisation = t("2025-05-06");
        assert_eq!(ours(&c), ["8608"]);
        c.episodes[0].assessments[0].authorisation = t("2025-05-07");
        assert!(ours(&c).is_empty(), "same day is fine");
    }

    #[test]
    fn factors_only_on_completed_assessments() {
        let mut c = open_assessment("2026-03-20");
        c.episodes[0].assessments[0].factors = Some(vec![t("2A")]);
        assert_eq!(ours(&c), ["8614"]);
        // An unreadable authorisation date is no date.
        let mut c = valid_child();
        c.episodes[0].assessments[0].authorisation = t("2025-06-31");
        assert!(ours(&c).contains(&"8614"));
    }

    #[test]
    fn enquiry_start_present_and_not_after_conference() {
        let mut c = with_s47();
        c.episodes[0].section47s[0].start = t("2025-05-29");
        assert_eq!(ours(&c), ["8615"]);
        let mut c = with_s47();
        c.episodes[0].section47s[0].start = t("2025-05-28");
        assert!(ours(&c).is_empty());
        // No conference: nothing to compare.
        let mut c = open_s47("2026-03-20", "false");
        c.episodes[0].section47s[0].start = None;
        assert!(!ours(&c).contains(&"8615"));
    }

    #[test]
    fn working_days_back_agree_with_the_dfe_validator() {
        // From the validator: ReferenceDate - CustomBusinessDay(n - 1) with its holiday list.
        for (reference, fifteen, forty_five) in [
            ("2023-03-31", "2023-03-13", "2023-01-30"),
            ("2024-03-31", "2024-03-11", "2024-01-29"),
            ("2025-03-31", "2025-03-11", "2025-01-28"),
            ("2026-03-31", "2026-03-11", "2026-01-28"),
            ("2027-03-31", "2027-03-09", "2027-01-26"),
            ("2026-04-04", "2026-03-16", "2026-02-02"),
            ("2026-04-06", "2026-03-16", "2026-02-02"),
        ] {
            let ctx = super::super::Ctx::new(d(reference), ctx().calendar);
            assert_eq!(super::working_days_back(&ctx, 15), Some(d(fifteen)), "{reference}");
            assert_eq!(super::working_days_back(&ctx, 45), Some(d(forty_five)), "{reference}");
        }
    }

    #[test]
    fn open_assessment_started_long_ago() {
        assert_eq!(ours(&open_assessment("2026-01-27")), ["8670Q"]);
        assert!(ours(&open_assessment("2026-01-28")).is_empty());
        // Without a start date 8736 speaks instead.
        let mut c = open_assessment("2026-01-27");
        c.episodes[0].assessments[0].start = None;
        assert_eq!(ours(&c), ["8736"]);
    }

    #[test]
    fn open_enquiry_started_long_ago() {
        assert_eq!(ours(&open_s47("2026-03-10", "false")), ["8675Q"]);
        assert_eq!(ours(&open_s47("2026-03-10", "0")), ["8675Q"]);
        assert!(ours(&open_s47("2026-03-11", "false")).is_empty());
        // The flag is compared as written: "False" and a missing flag are not "false".
        assert!(ours(&open_s47("2026-03-10", "False")).is_empty());
        let mut c = open_s47("2026-03-10", "false");
        c.episodes[0].section47s[0].icpc_not_required = None;
        assert!(ours(&c).is_empty());
    }

    #[test]
    fn assessment_end_in_year() {
        let mut c = valid_child();
        c.episodes[0].assessments[0].authorisation = t("2026-04-01");
        c.episodes[0].closure_date = None;
        c.episodes[0].reason_for_closure = None;
        assert_eq!(ours(&c), ["8696"]);
        c.episodes[0].assessments[0].authorisation = t("2026-03-31");
        assert!(ours(&c).is_empty());
    }

    #[test]
    fn conference_in_year() {
        let mut c = with_s47();
        c.episodes[0].referral_date = t("2025-03-03");
        c.episodes[0].section47s[0].start = t("2025-03-04");
        c.episodes[0].section47s[0].icpc_date = t("2025-03-31");
        c.episodes[0].assessments[0].start = t("2025-03-03");
        assert_eq!(ours(&c), ["8715"]);
        c.episodes[0].section47s[0].icpc_date = t("2025-04-01");
        assert!(ours(&c).is_empty());
    }

    #[test]
    fn open_assessment_starts_in_year() {
        assert_eq!(ours(&open_assessment("2026-04-01")), ["8736"]);
        let c = open_assessment("2025-03-31");
        assert!(ours(&c).contains(&"8736") && ours(&c).contains(&"8670Q"));
        assert!(ours(&open_assessment("2025-04-01")).contains(&"8670Q"));
        assert!(!ours(&open_assessment("2025-04-01")).contains(&"8736"));
    }

    #[test]
    fn open_enquiry_starts_in_year_only_when_flagged_0() {
        assert_eq!(ours(&open_s47("2026-04-01", "0")), ["8740"]);
        // "false" is not looked at by the DfE's validator here.
        assert!(ours(&open_s47("2026-04-01", "false")).is_empty());
        let mut c = open_s47("2026-04-01", "0");
        c.episodes[0].section47s[0].icpc_date = t("2026-03-31");
        assert!(!ours(&c).contains(&"8740"));
    }

    #[test]
    fn two_open_enquiries() {
        let mut c = open_s47("2026-03-20", "false");
        c.episodes[0].section47s.push(Section47 {
            icpc_not_required: t("false"),
            ..Section47::default()
        });
        assert_eq!(ours(&c), ["8839"]);
        // "True" is not "true" for this rule.
        c.episodes[0].section47s[1].icpc_not_required = t("True");
        assert_eq!(ours(&c), ["8839"]);
        c.episodes[0].section47s[1].icpc_not_required = t("true");
        assert!(ours(&c).is_empty());
        c.episodes[0].section47s[1].icpc_not_required = t("1");
        assert!(ours(&c).is_empty());
    }

    #[test]
    fn overlapping_assessments() {
        let mut c = valid_child();
        let mut second = c.episodes[0].assessments[0].clone();
        second.start = t("2025-06-20");
        second.authorisation = t("2025-07-01");
        c.episodes[0].assessments.push(second.clone());
        assert_eq!(ours(&c), ["8863Q"]);
        // Starting the day after the first ended is fine.
        c.episodes[0].assessments[1].start = t("2025-06-21");
        assert!(ours(&c).is_empty());
        // An exact twin is taken for the assessment itself.
        let mut c = valid_child();
        let twin = c.episodes[0].assessments[0].clone();
        c.episodes[0].assessments.push(twin);
        assert!(ours(&c).is_empty());
        // An open one runs to the census date.
        let mut c = open_assessment("2026-03-20");
        c.episodes[0].assessments.push(Assessment {
            start: t("2026-03-25"),
            authorisation: t("2026-03-30"),
            factors: Some(vec![t("2A")]),
            ..Assessment::default()
        });
        assert_eq!(ours(&c), ["8863Q"]);
        // In another episode it does not count.
        let mut c = open_assessment("2026-03-20");
        let mut earlier = valid_child().episodes[0].clone();
        earlier.referral_date = t("2025-04-01");
        earlier.assessments[0].start = t("2025-04-02");
        earlier.closure_date = t("2026-03-19");
        earlier.cin_plans[0].end = t("2026-03-19");
        c.episodes.insert(0, earlier);
        assert!(!ours(&c).contains(&"8863Q"));
    }

    #[test]
    fn closed_episode_with_open_assessment() {
        let mut c = valid_child();
        c.episodes[0].assessments[0].authorisation = None;
        c.episodes[0].assessments[0].factors = None;
        assert!(ours(&c).contains(&"8867"));
        c.episodes[0].closure_date = t("2026-13-01");
        assert!(!ours(&c).contains(&"8867"), "an unreadable closure date is no closure");
    }

    #[test]
    fn closed_episode_with_open_enquiry() {
        let mut c = with_s47();
        c.episodes[0].section47s[0].icpc_not_required = t("true");
        assert_eq!(ours(&c), ["8868"], "held and flagged not required");
        c.episodes[0].section47s[0].icpc_not_required = t("1");
        assert_eq!(ours(&c), ["8868"]);
        c.episodes[0].section47s[0].icpc_date = None;
        assert!(ours(&c).is_empty(), "not held, not required");
        c.episodes[0].section47s[0].icpc_not_required = t("True");
        assert_eq!(ours(&c), ["8868"], "case-sensitive");
        c.episodes[0].section47s[0].icpc_not_required = None;
        assert_eq!(ours(&c), ["8868"]);
        c.episodes[0].closure_date = None;
        c.episodes[0].reason_for_closure = None;
        assert!(!ours(&c).contains(&"8868"));
    }

    #[test]
    fn factor_21_alone_and_retired_factors() {
        let mut c = valid_child();
        c.episodes[0].assessments[0].factors = Some(vec![t("21"), t("2A"), t("18A"), t("19A")]);
        let found = ours(&c);
        assert!(["8869", "8945Q", "8950Q"].iter().all(|code| found.contains(code)), "{found:?}");
        c.episodes[0].assessments[0].factors = Some(vec![t("21")]);
        assert!(ours(&c).iter().all(|code| !["8869", "8945Q", "8950Q"].contains(code)));
    }

    #[test]
    fn target_on_a_weekend_written_day_first() {
        let mut c = with_s47();
        c.episodes[0].section47s[0].icpc_target = t("31-05-2025");
        assert_eq!(ours(&c), ["8870Q"]);
        c.episodes[0].section47s[0].icpc_target = t("1-6-2025");
        assert_eq!(ours(&c), ["8870Q"]);
        c.episodes[0].section47s[0].icpc_target = t("30-05-2025");
        assert!(ours(&c).is_empty());
        // ISO dates are not read by the DfE's validator for this field.
        c.episodes[0].section47s[0].icpc_target = t("2025-05-31");
        assert!(ours(&c).is_empty());
        c.episodes[0].section47s[0].icpc_target = t("31/05/2025");
        assert!(ours(&c).is_empty());
    }

    #[test]
    fn no_factors_identified_and_closure_reason() {
        let mut c = valid_child();
        c.episodes[0].assessments[0].factors = Some(vec![t("21")]);
        assert_eq!(ours(&c), ["8873Q"]);
        c.episodes[0].reason_for_closure = t("RC8");
        assert!(ours(&c).is_empty());
        // Anywhere in the code, and an open episode has no RC8/RC9.
        let mut c = open_assessment("2026-03-20");
        c.episodes[0].assessments[0].authorisation = t("2026-03-30");
        c.episodes[0].assessments[0].factors = Some(vec![t("2A"), t("121")]);
        assert!(ours(&c).contains(&"8873Q"));
        // Not with two assessments on the episode.
        let mut c = valid_child();
        c.episodes[0].assessments[0].factors = Some(vec![t("21")]);
        let twin = c.episodes[0].assessments[0].clone();
        c.episodes[0].assessments.push(twin);
        assert!(!ours(&c).contains(&"8873Q"));
    }

    #[test]
    fn conference_on_a_weekend() {
        let mut c = with_s47();
        c.episodes[0].section47s[0].icpc_date = t("2025-05-31");
        assert_eq!(ours(&c), ["8875"]);
        // The episode-level date is not this rule's.
        let mut c = valid_child();
        c.episodes[0].date_of_initial_cpc = t("2025-05-31");
        assert!(!ours(&c).contains(&"8875"));
    }

    #[test]
    fn overlapping_enquiries() {
        let mut c = with_s47();
        c.episodes[0].section47s.push(Section47 {
            start: t("2025-05-28"),
            icpc_date: t("2025-05-28"),
            icpc_not_required: t("false"),
            ..Section47::default()
        });
        assert_eq!(ours(&c), ["8890"]);
        // An open one runs to the census date unless flagged not required (any case).
        let mut c = open_s47("2026-03-20", "false");
        c.episodes[0].section47s.push(Section47 {
            start: t("2026-03-23"),
            icpc_date: t("2026-03-24"),
            icpc_not_required: t("false"),
            ..Section47::default()
        });
        assert_eq!(ours(&c), ["8890"]);
        c.episodes[0].section47s[0].icpc_not_required = t("TRUE");
        assert!(ours(&c).is_empty());
        // Twins are taken for the enquiry itself.
        let mut c = with_s47();
        let twin = c.episodes[0].section47s[0].clone();
        c.episodes[0].section47s.push(twin);
        assert!(ours(&c).is_empty());
        // The same start with different conferences: both overlap.
        let mut c = with_s47();
        let mut other = c.episodes[0].section47s[0].clone();
        other.icpc_date = t("2025-05-29");
        c.episodes[0].section47s.push(other);
        assert_eq!(ours(&c), ["8890"]);
    }

    #[test]
    fn two_open_assessments() {
        let mut c = open_assessment("2026-03-20");
        c.episodes[0].assessments.push(Assessment {
            start: t("2026-03-20"),
            ..Assessment::default()
        });
        assert_eq!(ours(&c), ["8896"]);
        let found = super::super::check_child(&[super::super::find("8896").expect("8896")], &c, &ctx());
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].locs.len(), 2);
    }

    #[test]
    fn completed_assessment_needs_valid_factors() {
        let mut c = valid_child();
        c.episodes[0].assessments[0].factors = None;
        assert_eq!(ours(&c), ["8897Q"]);
        c.episodes[0].assessments[0].factors = Some(vec![t("2a")]);
        assert_eq!(ours(&c), ["8897Q"]);
        c.episodes[0].assessments[0].factors = Some(vec![None]);
        assert_eq!(ours(&c), ["8897Q"]);
        // Authorised before the year: not looked at.
        let mut c = valid_child();
        c.episodes[0].assessments[0].factors = None;
        c.episodes[0].assessments[0].authorisation = t("2025-03-31");
        assert!(!ours(&c).contains(&"8897Q"));
    }

    #[test]
    fn duplicate_factors() {
        let mut c = valid_child();
        c.episodes[0].assessments[0].factors = Some(vec![t("2A"), t("3A"), t("2A")]);
        assert_eq!(ours(&c), ["8898"]);
        c.episodes[0].assessments[0].factors = Some(vec![t("2A"), t("3A")]);
        assert!(ours(&c).is_empty());
        // The same code on two assessments is fine.
        let mut c = valid_child();
        let twin = c.episodes[0].assessments[0].clone();
        c.episodes[0].assessments.push(twin);
        assert!(!ours(&c).contains(&"8898"));
    }

    #[test]
    fn planters_break_their_rule() {
        let candidates = [
            valid_child(),
            with_s47(),
            open_episode(),
            open_assessment("2026-03-20"),
            open_s47("2026-03-20", "false"),
            open_s47("2026-03-20", "true"),
        ];
        for rule in super::RULES {
            let super::Plant::Child(planter) = rule.plant else { continue };
            let mut planted = false;
            for base in &candidates {
                let mut c = base.clone();
                if planter(&mut c, &ctx()) {
                    planted = true;
                    assert!(ours(&c).contains(&rule.code), "{} planted but not found: {:?}", rule.code, ours(&c));
                }
            }
            assert!(planted, "{}: planted on none of the fixtures", rule.code);
        }
    }
}
