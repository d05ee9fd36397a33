//! Rules on the CIN episode itself (`<CINdetails>`): the referral, the primary need, the
//! closure, the no-further-action flag, the activity an episode may carry, and how the
//! episodes of one child fit together.
use super::{Check, Ctx, Hits, Kind, Loc, Place, Plant, Rule};
use crate::model::{self, Child, CinDetails, Text};
use time::{Date, Duration, Month};

/// Source of referral codes of the CIN census code set.
pub const REFERRAL_SOURCES: &[&str] = &[
    "1A", "1B", "1C", "1D", "2A", "2B", "3A", "3B", "3C", "3D", "3E", "3F", "4", "5A", "5B", "5C", "5D", "6", "7", "8", "9", "10",
];

/// Primary need codes of the CIN census code set.
pub const PRIMARY_NEEDS: &[&str] = &["N0", "N1", "N2", "N3", "N4", "N5", "N6", "N7", "N8", "N9"];

/// Reason for closure codes of the CIN census code set.
pub const CLOSURE_REASONS: &[&str] = &["RC1", "RC2", "RC3", "RC4", "RC5", "RC6", "RC7", "RC8", "RC9"];

/// Case closed after assessment: no further action (RC8), or referred to early help (RC9).
const CLOSED_AFTER_ASSESSMENT: &[&str] = &["RC8", "RC9"];

pub static RULES: &[Rule] = &[
    Rule {
        code: "2990",
        kind: Kind::Error,
        message: "Activity is recorded against a case marked as ‘Case closed after assessment, no further action’ or 'case closed after assessment, referred to early help'.",
        check: Check::Child(rule_2990),
        plant: Plant::Child(plant_2990),
    },
    Rule {
        code: "2991Q",
        kind: Kind::Query,
        message: "Please check and either amend data or provide a reason: A Section 47 module is recorded and there is no assessment on the episode",
        check: Check::Child(rule_2991q),
        plant: Plant::Child(plant_2991q),
    },
    Rule {
        code: "8565",
        kind: Kind::Error,
        message: "Activity shown after a case has been closed",
        check: Check::Child(rule_8565),
        plant: Plant::Child(plant_8565),
    },
    Rule {
        code: "8568",
        kind: Kind::Error,
        message: "RNFA flag is missing or invalid",
        check: Check::Child(rule_8568),
        plant: Plant::Child(plant_8568),
    },
    Rule {
        code: "8569Q",
        kind: Kind::Query,
        message: "A case with referral date before one working day prior to the collection start date must not be flagged as a no further action case",
        check: Check::Child(rule_8569q),
        plant: Plant::Child(plant_8569q),
    },
    Rule {
        code: "8600",
        kind: Kind::Error,
        message: "Child referral date missing or after data collection period",
        check: Check::Child(rule_8600),
        plant: Plant::Child(plant_8600),
    },
    Rule {
        code: "8606",
        kind: Kind::Error,
        message: "Child referral date is more than 40 weeks before DOB or expected DOB",
        check: Check::Child(rule_8606),
        plant: Plant::Child(plant_8606),
    },
    Rule {
        code: "8610",
        kind: Kind::Error,
        message: "Primary Need code is missing for a referral which led to further action.",
        check: Check::Child(rule_8610),
        plant: Plant::Child(plant_8610),
    },
    Rule {
        code: "8620",
        kind: Kind::Error,
        message: "CIN Closure Date present and does not fall within the Census year",
        check: Check::Child(rule_8620),
        plant: Plant::Child(plant_8620),
    },
    Rule {
        code: "8630",
        kind: Kind::Error,
        message: "CIN Closure Date is before CIN Referral Date for the same CIN episode",
        check: Check::Child(rule_8630),
        plant: Plant::Child(plant_8630),
    },
    Rule {
        code: "8640",
        kind: Kind::Error,
        message: "CIN Reason for closure code invalid (see Reason for Closure table in CIN Census code set)",
        check: Check::Child(rule_8640),
        plant: Plant::Child(plant_8640),
    },
    Rule {
        code: "8650",
        kind: Kind::Error,
        message: "Primary Need Code invalid (see Primary Need table in CIN census code set)",
        check: Check::Child(rule_8650),
        plant: Plant::Child(plant_8650),
    },
    Rule {
        code: "8805",
        kind: Kind::Error,
        message: "A CIN case cannot have a CIN closure date without a Reason for Closure",
        check: Check::Child(rule_8805),
        plant: Plant::Child(plant_8805),
    },
    Rule {
        code: "8810",
        kind: Kind::Error,
        message: "A CIN case cannot have a Reason for Closure without a CIN Closure Date",
        check: Check::Child(rule_8810),
        plant: Plant::Child(plant_8810),
    },
    Rule {
        code: "8815",
        kind: Kind::Error,
        message: "More than one open CIN Details episode (a module with no CIN Closure Date) has been provided for this child and case is not a referral with no further action.",
        check: Check::Child(rule_8815),
        plant: Plant::Child(plant_8815),
    },
    Rule {
        code: "8816",
        kind: Kind::Error,
        message: "An open CIN episode is shown and case is not a referral with no further action, but it is not the latest episode.",
        check: Check::Child(rule_8816),
        plant: Plant::Child(plant_8816),
    },
    Rule {
        code: "8820",
        kind: Kind::Error,
        message: "The dates on the CIN episodes for this child overlap",
        check: Check::Child(rule_8820),
        plant: Plant::Child(plant_8820),
    },
    Rule {
        code: "8825Q",
        kind: Kind::Query,
        message: "Please check and either amend data or provide a reason: Reason for Closure code RC8 (case closed after assessment) or RC9 (case closed after assessment, referred to early help) has been returned but there is no assessment present for the episode.",
        check: Check::Child(rule_8825q),
        plant: Plant::Child(plant_8825q),
    },
    Rule {
        code: "8831",
        kind: Kind::Error,
        message: "Activity is recorded against a case marked as a referral with no further action",
        check: Check::Child(rule_8831),
        plant: Plant::Child(plant_8831),
    },
    Rule {
        code: "8832",
        kind: Kind::Error,
        message: "Child Protection details provided for a referral with no further action.",
        check: Check::Child(rule_8832),
        plant: Plant::Child(plant_8832),
    },
    Rule {
        code: "8866",
        kind: Kind::Error,
        message: "Source of Referral is missing or an invalid code",
        check: Check::Child(rule_8866),
        plant: Plant::Child(plant_8866),
    },
];

fn ep(episode: usize) -> Place {
    Place::Episode { episode }
}

fn is_one_of(value: &Text, codes: &[&str]) -> bool {
    value.as_deref().is_some_and(|v| codes.contains(&v))
}

/// `ReferralNFA` written exactly `false` or `0`: the DfE's rules test the spelling
/// case-sensitively here, so `False` is neither a referral going on nor one stopping.
fn nfa_false(e: &CinDetails) -> bool {
    is_one_of(&e.referral_nfa, &["false", "0"])
}

/// `ReferralNFA` written exactly `true` or `1` (case-sensitive, as in rule 8831).
fn nfa_true(e: &CinDetails) -> bool {
    is_one_of(&e.referral_nfa, &["true", "1"])
}

/// `ReferralNFA` false or 0 in any case (rule 8820 lower-cases it first).
fn nfa_false_any_case(e: &CinDetails) -> bool {
    matches!(e.referral_nfa.as_deref().map(str::to_lowercase).as_deref(), Some("false" | "0"))
}

/// The episode's referral date, when readable.
fn referral(e: &CinDetails) -> Option<Date> {
    model::date(&e.referral_date)
}

/// The episode's closure date, when readable; an unreadable one counts as absent (the DfE's
/// validator parses it to NaT), so such an episode is open for rules 8815, 8816 and 8820.
fn closure(e: &CinDetails) -> Option<Date> {
    model::date(&e.closure_date)
}

/// Strictly before, false when either date is missing (as NaT comparisons are).
fn before(a: Option<Date>, b: Option<Date>) -> bool {
    matches!((a, b), (Some(a), Some(b)) if a < b)
}

/// Any activity recorded on an episode besides its assessments: a CIN plan, a section 47,
/// a CP plan or an initial conference date on the episode.
fn has_modules_besides_assessments(e: &CinDetails) -> bool {
    !e.cin_plans.is_empty() || !e.section47s.is_empty() || !e.cp_plans.is_empty() || model::date(&e.date_of_initial_cpc).is_some()
}

/// No activity at all: what an episode closed at referral or an NFA referral looks like.
fn bare(e: &CinDetails) -> bool {
    e.assessments.is_empty() && !has_modules_besides_assessments(e) && e.date_of_initial_cpc.is_none()
}

/// The episode referred last, when no other is referred the same day or later.
fn latest_episode(child: &mut Child) -> Option<&mut CinDetails> {
    let dates: Vec<Option<Date>> = child.episodes.iter().map(referral).collect();
    let last = dates
        .iter()
        .enumerate()
        .find(|&(i, d)| d.is_some() && dates.iter().enumerate().all(|(j, o)| j == i || o.is_none() || before(*o, *d)))?
        .0;
    child.episodes.get_mut(last)
}

/// One failure per distinct key: the DfE's validator groups failing episodes of a child by
/// an identifier (e.g. the referral date), so two episodes sharing it are one failure.
fn add_grouped<K: PartialEq>(hits: &mut Hits, found: Vec<(K, Vec<Loc>)>) {
    let mut groups: Vec<(K, Vec<Loc>)> = Vec::new();
    for (key, locs) in found {
        match groups.iter_mut().find(|(k, _)| *k == key) {
            Some((_, all)) => all.extend(locs),
            None => groups.push((key, locs)),
        }
    }
    for (_, locs) in groups {
        hits.add(locs);
    }
}

fn iso(d: Date) -> Text {
    Some(format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day()))
}

fn days(d: Date, n: i64) -> Option<Date> {
    d.checked_add(Duration::days(n))
}

/// A referral with nothing recorded on it, for planters that add an episode.
fn new_episode(referral: Date, nfa: &str) -> CinDetails {
    CinDetails {
        referral_date: iso(referral),
        referral_source: Some("1A".into()),
        referral_nfa: Some(nfa.into()),
        ..CinDetails::default()
    }
}

/// An RC8/RC9 episode must carry no CIN plan, section 47, CP plan or initial conference date.
fn rule_2990(child: &Child, _: &Ctx, hits: &mut Hits) {
    for (i, e) in child.episodes.iter().enumerate() {
        if !is_one_of(&e.reason_for_closure, CLOSED_AFTER_ASSESSMENT) || !has_modules_besides_assessments(e) {
            continue;
        }
        let id = &child.la_child_id;
        let mut locs = vec![Loc::new(ep(i), "DateOfInitialCPC", &e.date_of_initial_cpc)];
        locs.extend((0..e.cp_plans.len()).map(|index| Loc::new(Place::CpPlan { episode: i, index }, "LAchildID", id)));
        locs.extend((0..e.cin_plans.len()).map(|index| Loc::new(Place::CinPlan { episode: i, index }, "LAchildID", id)));
        locs.extend((0..e.section47s.len()).map(|index| Loc::new(Place::Section47 { episode: i, index }, "LAchildID", id)));
        hits.add(locs);
    }
}

/// A closed episode with an assessment and a plan or enquiry becomes "closed after
/// assessment".
fn plant_2990(child: &mut Child, _: &Ctx) -> bool {
    let Some(e) = child
        .episodes
        .iter_mut()
        .find(|e| closure(e).is_some() && e.reason_for_closure.is_some() && !e.assessments.is_empty() && has_modules_besides_assessments(e))
    else {
        return false;
    };
    e.reason_for_closure = Some("RC8".into());
    true
}

fn rule_2991q(child: &Child, _: &Ctx, hits: &mut Hits) {
    for (i, e) in child.episodes.iter().enumerate() {
        if !e.section47s.is_empty() && e.assessments.is_empty() {
            hits.add(
                (0..e.section47s.len())
                    .map(|index| Loc::new(Place::Section47 { episode: i, index }, "LAchildID", &child.la_child_id))
                    .collect(),
            );
        }
    }
}

fn plant_2991q(child: &mut Child, _: &Ctx) -> bool {
    let Some(e) = child.episodes.iter_mut().find(|e| !e.section47s.is_empty() && !e.assessments.is_empty()) else {
        return false;
    };
    e.assessments.clear();
    true
}

/// Nothing recorded on a closed episode may be dated after its closure. CP plan end dates
/// are not checked: the DfE's rule compares the closure with a fixed example table instead
/// of the file's CP plans, so it never flags them. Its CIN plan check takes its failure ids
/// from the section 47 failures of the whole file: it crashes when their numbers differ and
/// otherwise files CIN plan failures under the section 47 failures' children; here each
/// episode is reported on its own child.
fn rule_8565(child: &Child, _: &Ctx, hits: &mut Hits) {
    for (i, e) in child.episodes.iter().enumerate() {
        let Some(closed) = closure(e) else { continue };
        let after = |d: &Text| model::date(d).is_some_and(|d| closed < d);
        let mut locs = vec![
            Loc::new(ep(i), "CINclosureDate", &e.closure_date),
            Loc::new(ep(i), "DateOfInitialCPC", &e.date_of_initial_cpc),
        ];
        let on_episode = locs.len();
        for (index, a) in e.assessments.iter().enumerate() {
            if after(&a.start) || after(&a.authorisation) {
                let place = Place::Assessment { episode: i, index };
                locs.push(Loc::new(place, "AssessmentActualStartDate", &a.start));
                locs.push(Loc::new(place, "AssessmentAuthorisationDate", &a.authorisation));
            }
        }
        for (index, s) in e.section47s.iter().enumerate() {
            if after(&s.start) || after(&s.icpc_date) {
                let place = Place::Section47 { episode: i, index };
                locs.push(Loc::new(place, "S47ActualStartDate", &s.start));
                locs.push(Loc::new(place, "DateOfInitialCPC", &s.icpc_date));
            }
        }
        for (index, p) in e.cin_plans.iter().enumerate() {
            if after(&p.start) || after(&p.end) {
                let place = Place::CinPlan { episode: i, index };
                locs.push(Loc::new(place, "CINPlanStartDate", &p.start));
                locs.push(Loc::new(place, "CINPlanEndDate", &p.end));
            }
        }
        if after(&e.date_of_initial_cpc) || locs.len() > on_episode {
            hits.add(locs);
        }
    }
}

/// An assessment authorised the day after its episode closed. Only on an episode whose CIN
/// plans all end by the closure (see the rule's note on the DfE's CIN plan handling).
fn plant_8565(child: &mut Child, ctx: &Ctx) -> bool {
    for e in &mut child.episodes {
        let Some(closed) = closure(e).filter(|c| *c < ctx.reference_date) else {
            continue;
        };
        let by_closure = |d: &Text| model::date(d).is_none_or(|d| d <= closed);
        if !e.cin_plans.iter().all(|p| by_closure(&p.start) && by_closure(&p.end)) {
            continue;
        }
        let Some(a) = e
            .assessments
            .iter_mut()
            .find(|a| model::date(&a.start).is_some_and(|s| s <= closed) && model::date(&a.authorisation).is_some_and(|d| d <= closed))
        else {
            continue;
        };
        a.authorisation = days(closed, 1).and_then(iso);
        return true;
    }
    false
}

fn rule_8568(child: &Child, _: &Ctx, hits: &mut Hits) {
    for (i, e) in child.episodes.iter().enumerate() {
        if !matches!(e.referral_nfa.as_deref().map(str::to_lowercase).as_deref(), Some("1" | "0" | "false" | "true")) {
            hits.add(vec![Loc::new(ep(i), "ReferralNFA", &e.referral_nfa)]);
        }
    }
}

/// The flag goes from an in-year referral (so that 8569Q does not apply) going on to
/// further action (so that 8772 does not either, for a child whose UPN is missing as UN7).
fn plant_8568(child: &mut Child, ctx: &Ctx) -> bool {
    let cutoff = nfa_cutoff(ctx);
    let Some(e) = child.episodes.iter_mut().find(|e| nfa_false(e) && referral(e).is_some_and(|r| r >= cutoff)) else {
        return false;
    };
    e.referral_nfa = None;
    true
}

/// The first working day on or after the collection start: the DfE's validator subtracts a
/// zero-day business offset, which rolls a non-working 1 April forward.
fn nfa_cutoff(ctx: &Ctx) -> Date {
    ctx.collection_start
        .previous_day()
        .and_then(|d| ctx.calendar.add_working_days(d, 1).ok())
        .map_or(ctx.collection_start, |w| w.date)
}

/// A referral from before the year must not be an NFA; anything but `false`/`0` exactly
/// (missing, `true`, `False`) counts as one.
fn rule_8569q(child: &Child, ctx: &Ctx, hits: &mut Hits) {
    let cutoff = nfa_cutoff(ctx);
    for (i, e) in child.episodes.iter().enumerate() {
        if referral(e).is_some_and(|r| r < cutoff) && !nfa_false(e) {
            hits.add(vec![Loc::new(ep(i), "CINreferralDate", &e.referral_date)]);
        }
    }
}

/// A child's only episode, an NFA referral with nothing on it, is dated the day before the
/// collection year.
fn plant_8569q(child: &mut Child, ctx: &Ctx) -> bool {
    let Some(new) = ctx.collection_start.previous_day() else { return false };
    // Still within 40 weeks of birth (8606).
    let Some(latest_birth) = days(new, 280) else { return false };
    if [&child.birth_date, &child.expected_birth_date]
        .into_iter()
        .any(|b| model::date(b).is_some_and(|b| b > latest_birth))
    {
        return false;
    }
    let [e] = child.episodes.as_mut_slice() else { return false };
    if !nfa_true(e) || !bare(e) || referral(e).is_none() || closure(e).is_some_and(|c| c < new) {
        return false;
    }
    e.referral_date = iso(new);
    true
}

fn rule_8600(child: &Child, ctx: &Ctx, hits: &mut Hits) {
    for (i, e) in child.episodes.iter().enumerate() {
        if referral(e).is_none_or(|r| r > ctx.reference_date) {
            hits.add(vec![Loc::new(ep(i), "CINreferralDate", &e.referral_date)]);
        }
    }
}

fn plant_8600(child: &mut Child, _: &Ctx) -> bool {
    let Some(e) = child.episodes.first_mut() else { return false };
    e.referral_date = None;
    true
}

/// No referral more than 280 days before the birth or expected birth.
fn rule_8606(child: &Child, _: &Ctx, hits: &mut Hits) {
    let earliest = |b: &Text| model::date(b).and_then(|b| days(b, -280));
    let (birth, expected) = (earliest(&child.birth_date), earliest(&child.expected_birth_date));
    let found = child
        .episodes
        .iter()
        .enumerate()
        .filter(|(_, e)| before(referral(e), birth) || before(referral(e), expected))
        .map(|(i, e)| {
            let locs = vec![
                Loc::new(ep(i), "CINreferralDate", &e.referral_date),
                Loc::new(Place::Child, "PersonBirthDate", &child.birth_date),
                Loc::new(Place::Child, "ExpectedPersonBirthDate", &child.expected_birth_date),
            ];
            (referral(e), locs)
        })
        .collect();
    add_grouped(hits, found);
}

/// The child is born 281 days after the first referral (still by the census date).
fn plant_8606(child: &mut Child, ctx: &Ctx) -> bool {
    if model::date(&child.birth_date).is_none() || child.death_date.is_some() {
        return false;
    }
    let Some(born) = child
        .episodes
        .first()
        .and_then(referral)
        .and_then(|r| days(r, 281))
        .filter(|b| *b <= ctx.reference_date)
    else {
        return false;
    };
    child.birth_date = iso(born);
    true
}

fn rule_8610(child: &Child, _: &Ctx, hits: &mut Hits) {
    for (i, e) in child.episodes.iter().enumerate() {
        if nfa_false(e) && e.primary_need.is_none() {
            hits.add(vec![
                Loc::new(ep(i), "ReferralNFA", &e.referral_nfa),
                Loc::new(ep(i), "PrimaryNeedCode", &e.primary_need),
            ]);
        }
    }
}

fn plant_8610(child: &mut Child, _: &Ctx) -> bool {
    let Some(e) = child.episodes.iter_mut().find(|e| nfa_false(e) && e.primary_need.is_some()) else {
        return false;
    };
    e.primary_need = None;
    true
}

fn rule_8620(child: &Child, ctx: &Ctx, hits: &mut Hits) {
    for (i, e) in child.episodes.iter().enumerate() {
        if closure(e).is_some_and(|c| !ctx.in_year(c)) {
            hits.add(vec![Loc::new(ep(i), "CINclosureDate", &e.closure_date)]);
        }
    }
}

/// The child's latest episode, when closed, closes the day after the census date (an
/// earlier one would then overlap the next, 8820).
fn plant_8620(child: &mut Child, ctx: &Ctx) -> bool {
    let Some(e) = latest_episode(child).filter(|e| closure(e).is_some()) else {
        return false;
    };
    e.closure_date = days(ctx.reference_date, 1).and_then(iso);
    true
}

fn rule_8630(child: &Child, _: &Ctx, hits: &mut Hits) {
    let found = child
        .episodes
        .iter()
        .enumerate()
        .filter(|(_, e)| before(closure(e), referral(e)))
        .map(|(i, e)| {
            (
                (referral(e), closure(e)),
                vec![
                    Loc::new(ep(i), "CINreferralDate", &e.referral_date),
                    Loc::new(ep(i), "CINclosureDate", &e.closure_date),
                ],
            )
        })
        .collect();
    add_grouped(hits, found);
}

/// A child's only episode, with nothing recorded on it, closes the day before its referral
/// (or, when closed, is referred the day after its closure).
fn plant_8630(child: &mut Child, ctx: &Ctx) -> bool {
    let [e] = child.episodes.as_mut_slice() else { return false };
    let Some(referred) = referral(e).filter(|_| bare(e)) else { return false };
    match closure(e) {
        Some(closed) => {
            let Some(later) = days(closed, 1).filter(|d| *d <= ctx.reference_date) else {
                return false;
            };
            e.referral_date = iso(later);
        }
        None => {
            let Some(earlier) = days(referred, -1).filter(|d| ctx.in_year(*d)) else {
                return false;
            };
            e.closure_date = iso(earlier);
            e.reason_for_closure = Some("RC7".into());
        }
    }
    true
}

fn rule_8640(child: &Child, _: &Ctx, hits: &mut Hits) {
    for (i, e) in child.episodes.iter().enumerate() {
        if e.reason_for_closure.is_some() && !is_one_of(&e.reason_for_closure, CLOSURE_REASONS) {
            hits.add(vec![Loc::new(ep(i), "ReasonForClosure", &e.reason_for_closure)]);
        }
    }
}

fn plant_8640(child: &mut Child, _: &Ctx) -> bool {
    let Some(e) = child.episodes.iter_mut().find(|e| e.reason_for_closure.is_some() && closure(e).is_some()) else {
        return false;
    };
    e.reason_for_closure = Some("RC10".into());
    true
}

fn rule_8650(child: &Child, _: &Ctx, hits: &mut Hits) {
    for (i, e) in child.episodes.iter().enumerate() {
        if e.primary_need.is_some() && !is_one_of(&e.primary_need, PRIMARY_NEEDS) {
            hits.add(vec![Loc::new(ep(i), "PrimaryNeedCode", &e.primary_need)]);
        }
    }
}

fn plant_8650(child: &mut Child, _: &Ctx) -> bool {
    let Some(e) = child.episodes.iter_mut().find(|e| e.primary_need.is_some()) else {
        return false;
    };
    e.primary_need = Some("N10".into());
    true
}

fn rule_8805(child: &Child, _: &Ctx, hits: &mut Hits) {
    let found = child
        .episodes
        .iter()
        .enumerate()
        .filter(|(_, e)| closure(e).is_some() && e.reason_for_closure.is_none())
        .map(|(i, e)| {
            (
                closure(e),
                vec![
                    Loc::new(ep(i), "CINclosureDate", &e.closure_date),
                    Loc::new(ep(i), "ReasonForClosure", &e.reason_for_closure),
                ],
            )
        })
        .collect();
    add_grouped(hits, found);
}

fn plant_8805(child: &mut Child, _: &Ctx) -> bool {
    let Some(e) = child.episodes.iter_mut().find(|e| closure(e).is_some() && e.reason_for_closure.is_some()) else {
        return false;
    };
    e.reason_for_closure = None;
    true
}

/// A reason for closure needs a readable closure date.
fn rule_8810(child: &Child, _: &Ctx, hits: &mut Hits) {
    for (i, e) in child.episodes.iter().enumerate() {
        if e.reason_for_closure.is_some() && closure(e).is_none() {
            hits.add(vec![
                Loc::new(ep(i), "ReasonForClosure", &e.reason_for_closure),
                Loc::new(ep(i), "CINclosureDate", &e.closure_date),
            ]);
        }
    }
}

/// The closure date goes from a child's only episode (so no other episode is concerned by
/// it being open).
fn plant_8810(child: &mut Child, _: &Ctx) -> bool {
    let [e] = child.episodes.as_mut_slice() else { return false };
    if e.reason_for_closure.is_none() || closure(e).is_none() {
        return false;
    }
    e.closure_date = None;
    true
}

/// At most one open episode going on to further action. When there are more, every open
/// episode of the child is named, NFA ones included (as the DfE's validator does).
fn rule_8815(child: &Child, _: &Ctx, hits: &mut Hits) {
    let open = |e: &&CinDetails| closure(e).is_none();
    if child.episodes.iter().filter(open).filter(|e| nfa_false(e)).count() < 2 {
        return;
    }
    for (i, e) in child.episodes.iter().enumerate().filter(|(_, e)| open(e)) {
        hits.add(vec![Loc::new(ep(i), "CINclosureDate", &e.closure_date)]);
    }
}

/// A second open referral going on to further action, dated the census day (so the two do
/// not overlap in the sense of 8820; 8816 applies too, as it must).
fn plant_8815(child: &mut Child, ctx: &Ctx) -> bool {
    if !child
        .episodes
        .iter()
        .any(|e| closure(e).is_none() && nfa_false(e) && referral(e).is_some_and(|r| r < ctx.reference_date))
    {
        return false;
    }
    let mut new = new_episode(ctx.reference_date, "false");
    new.primary_need = Some("N1".into());
    child.episodes.push(new);
    true
}

/// An open episode going on to further action must be the child's latest referral. Of
/// episodes sharing the latest date, the first in the file counts as the latest.
fn rule_8816(child: &Child, _: &Ctx, hits: &mut Hits) {
    let mut latest: Option<(usize, Date)> = None;
    for (i, r) in child.episodes.iter().enumerate().filter_map(|(i, e)| referral(e).map(|r| (i, r))) {
        if latest.is_none_or(|(_, l)| r > l) {
            latest = Some((i, r));
        }
    }
    let Some((last, _)) = latest else { return };
    for (i, e) in child.episodes.iter().enumerate() {
        if i != last && referral(e).is_some() && closure(e).is_none() && nfa_false(e) {
            hits.add(vec![
                Loc::new(ep(i), "CINreferralDate", &e.referral_date),
                Loc::new(ep(last), "CINreferralDate", &child.episodes[last].referral_date),
            ]);
        }
    }
}

/// A later NFA referral, opened and closed on the census day, after an open episode going on
/// to further action.
fn plant_8816(child: &mut Child, ctx: &Ctx) -> bool {
    if !child
        .episodes
        .iter()
        .any(|e| closure(e).is_none() && nfa_false(e) && referral(e).is_some_and(|r| r < ctx.reference_date))
    {
        return false;
    }
    let mut new = new_episode(ctx.reference_date, "true");
    new.closure_date = iso(ctx.reference_date);
    new.reason_for_closure = Some("RC7".into());
    child.episodes.push(new);
    true
}

/// No referral may start while another episode of the child runs: from its referral to
/// its closure, or to the census date when open and going on to further action. A referral
/// on another's closure date is allowed; two on the same day overlap.
fn rule_8820(child: &Child, ctx: &Ctx, hits: &mut Hits) {
    let dated: Vec<(usize, &CinDetails, Date)> = child.episodes.iter().enumerate().filter_map(|(i, e)| referral(e).map(|r| (i, e, r))).collect();
    for &(a, ea, ra) in &dated {
        for &(b, eb, rb) in &dated {
            let during = match closure(eb) {
                Some(closed) => ra < closed,
                None => ra < ctx.reference_date && nfa_false_any_case(eb),
            };
            if a != b && ra >= rb && during {
                hits.add(vec![
                    Loc::new(ep(a), "CINreferralDate", &ea.referral_date),
                    Loc::new(ep(b), "CINreferralDate", &eb.referral_date),
                    Loc::new(ep(b), "CINclosureDate", &eb.closure_date),
                ]);
            }
        }
    }
}

/// An NFA referral, opened and closed the day after a closed episode's referral, within it.
fn plant_8820(child: &mut Child, ctx: &Ctx) -> bool {
    let found = child.episodes.iter().find_map(|e| {
        let next = days(referral(e)?, 1)?;
        (closure(e)? > next && ctx.in_year(next)).then_some(next)
    });
    let Some(day) = found else { return false };
    let mut new = new_episode(day, "true");
    new.closure_date = iso(day);
    new.reason_for_closure = Some("RC7".into());
    child.episodes.push(new);
    true
}

fn rule_8825q(child: &Child, _: &Ctx, hits: &mut Hits) {
    for (i, e) in child.episodes.iter().enumerate() {
        if is_one_of(&e.reason_for_closure, CLOSED_AFTER_ASSESSMENT) && e.assessments.is_empty() {
            hits.add(vec![Loc::new(ep(i), "ReasonForClosure", &e.reason_for_closure)]);
        }
    }
}

/// An episode with nothing recorded on it is closed (on its referral date, when open) as
/// "closed after assessment".
fn plant_8825q(child: &mut Child, ctx: &Ctx) -> bool {
    for e in &mut child.episodes {
        if !bare(e) {
            continue;
        }
        if closure(e).is_none() {
            let Some(referred) = referral(e).filter(|r| ctx.in_year(*r)) else { continue };
            e.closure_date = iso(referred);
        }
        e.reason_for_closure = Some("RC8".into());
        return true;
    }
    false
}

/// An NFA referral (`true`/`1` exactly) must have no assessment dates, section 47 start or
/// initial conference date.
fn rule_8831(child: &Child, _: &Ctx, hits: &mut Hits) {
    let dated = |d: &Text| model::date(d).is_some();
    for (i, e) in child.episodes.iter().enumerate().filter(|(_, e)| nfa_true(e)) {
        let icpc = dated(&e.date_of_initial_cpc);
        let s47: Vec<usize> = e
            .section47s
            .iter()
            .enumerate()
            .filter(|(_, s)| icpc || dated(&s.start))
            .map(|(index, _)| index)
            .collect();
        let assessed: Vec<usize> = e
            .assessments
            .iter()
            .enumerate()
            .filter(|(_, a)| dated(&a.start) || dated(&a.authorisation))
            .map(|(index, _)| index)
            .collect();
        if !icpc && s47.is_empty() && assessed.is_empty() {
            continue;
        }
        let id = &child.la_child_id;
        let mut locs = vec![Loc::new(ep(i), "DateOfInitialCPC", &e.date_of_initial_cpc)];
        locs.extend(
            assessed
                .into_iter()
                .map(|index| Loc::new(Place::Assessment { episode: i, index }, "LAchildID", id)),
        );
        locs.extend(s47.into_iter().map(|index| Loc::new(Place::Section47 { episode: i, index }, "LAchildID", id)));
        hits.add(locs);
    }
}

/// An assessed episode with no CIN or CP plan (which 4000 and 8832 would flag) is marked
/// NFA; failing one, a bare in-year NFA referral gets a completed assessment.
fn plant_8831(child: &mut Child, ctx: &Ctx) -> bool {
    let cutoff = nfa_cutoff(ctx);
    let assessed = |e: &CinDetails| {
        e.assessments.iter().any(|a| model::date(&a.start).is_some())
            && e.cin_plans.is_empty()
            && e.cp_plans.is_empty()
            && referral(e).is_some_and(|r| r >= cutoff)
    };
    if let Some(e) = child.episodes.iter_mut().find(|e| assessed(e)) {
        e.referral_nfa = Some("true".into());
        return true;
    }
    let Some(e) = child
        .episodes
        .iter_mut()
        .find(|e| nfa_true(e) && bare(e) && referral(e).is_some_and(|r| ctx.in_year(r)))
    else {
        return false;
    };
    e.assessments.push(model::Assessment {
        start: e.referral_date.clone(),
        authorisation: e.referral_date.clone(),
        factors: Some(vec![Some("2A".into())]),
        ..model::Assessment::default()
    });
    true
}

/// An NFA referral (`true` in any case, or `1`) must have no CP plan. The DfE's validator
/// finds these episodes but, joining its tables with their suffixes swapped, names the rows
/// at the wrong positions (often another child's, or none at all); here the episode and its
/// plans are named.
fn rule_8832(child: &Child, _: &Ctx, hits: &mut Hits) {
    for (i, e) in child.episodes.iter().enumerate() {
        let nfa = e.referral_nfa.as_deref().is_some_and(|v| v.to_lowercase() == "true" || v == "1");
        if nfa && !e.cp_plans.is_empty() {
            let mut locs: Vec<Loc> = (0..e.cp_plans.len())
                .map(|index| Loc::new(Place::CpPlan { episode: i, index }, "LAchildID", &child.la_child_id))
                .collect();
            locs.push(Loc::new(ep(i), "ReferralNFA", &e.referral_nfa));
            hits.add(locs);
        }
    }
}

/// An episode with a CP plan is marked NFA (8831 applies too: a CP plan comes with an
/// enquiry). An in-year referral, so that 8569Q does not apply.
fn plant_8832(child: &mut Child, ctx: &Ctx) -> bool {
    let cutoff = nfa_cutoff(ctx);
    let Some(e) = child
        .episodes
        .iter_mut()
        .find(|e| !e.cp_plans.is_empty() && referral(e).is_some_and(|r| r >= cutoff))
    else {
        return false;
    };
    e.referral_nfa = Some("true".into());
    true
}

/// From 1 April 2013 every referral needs a valid source.
fn rule_8866(child: &Child, _: &Ctx, hits: &mut Hits) {
    let Ok(from) = Date::from_calendar_date(2013, Month::April, 1) else { return };
    let found = child
        .episodes
        .iter()
        .enumerate()
        .filter(|(_, e)| referral(e).is_some_and(|r| r >= from) && !is_one_of(&e.referral_source, REFERRAL_SOURCES))
        .map(|(i, e)| {
            (
                referral(e),
                vec![
                    Loc::new(ep(i), "CINreferralDate", &e.referral_date),
                    Loc::new(ep(i), "ReferralSource", &e.referral_source),
                ],
            )
        })
        .collect();
    add_grouped(hits, found);
}

fn plant_8866(child: &mut Child, _: &Ctx) -> bool {
    let Some(e) = child.episodes.iter_mut().find(|e| referral(e).is_some() && e.referral_source.is_some()) else {
        return false;
    };
    e.referral_source = None;
    true
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;
    use super::super::{Ctx, Failure, Place, Plant, check_child, find};
    use super::RULES;
    use crate::model::{Assessment, Child, CinDetails, CinPlan, CpPlan, Section47};
    use hearth_domain::calendar;

    /// The failures of one rule for this child.
    fn found(code: &str, child: &Child) -> Vec<Failure> {
        found_in(code, child, &ctx())
    }

    fn found_in(code: &str, child: &Child, ctx: &Ctx) -> Vec<Failure> {
        check_child(&[find(code).expect("a rule")], child, ctx)
    }

    fn count(code: &str, child: &Child) -> usize {
        found(code, child).len()
    }

    /// An episode with only its dates and flag.
    fn episode(referral: Option<&str>, closure: Option<&str>, nfa: Option<&str>) -> CinDetails {
        CinDetails {
            referral_date: referral.and_then(t),
            referral_source: t("1A"),
            primary_need: t("N1"),
            closure_date: closure.and_then(t),
            reason_for_closure: closure.and(t("RC7")),
            referral_nfa: nfa.and_then(t),
            ..CinDetails::default()
        }
    }

    fn with_episodes(episodes: Vec<CinDetails>) -> Child {
        Child { episodes, ..valid_child() }
    }

    /// An open episode with a section 47 and a CP plan.
    fn cp_child() -> Child {
        let mut c = valid_child();
        let e = &mut c.episodes[0];
        e.closure_date = None;
        e.reason_for_closure = None;
        e.cin_plans.clear();
        e.section47s = vec![Section47 {
            start: t("2025-05-08"),
            icpc_target: t("2025-05-29"),
            icpc_date: t("2025-05-28"),
            icpc_not_required: t("false"),
        }];
        e.cp_plans = vec![CpPlan {
            start: t("2025-05-28"),
            initial_category: t("NEG"),
            latest_category: t("NEG"),
            previous_plans: t("0"),
            ..CpPlan::default()
        }];
        c
    }

    /// An open NFA referral with nothing on it.
    fn nfa_child() -> Child {
        let mut e = episode(Some("2025-11-03"), None, Some("true"));
        e.primary_need = None;
        with_episodes(vec![e])
    }

    #[test]
    fn rule_list_is_consistent() {
        for r in RULES {
            assert_eq!(r.code.ends_with('Q'), r.kind == super::Kind::Query, "{}", r.code);
        }
    }

    #[test]
    fn every_planter_breaks_its_rule() {
        for rule in RULES {
            let Plant::Child(plant) = rule.plant else {
                panic!("{} plants a file", rule.code)
            };
            let mut planted = 0;
            for base in [valid_child(), cp_child(), nfa_child()] {
                let mut c = base.clone();
                if plant(&mut c, &ctx()) {
                    planted += 1;
                    assert!(!found(rule.code, &c).is_empty(), "{} planted but not found in {c:?}", rule.code);
                } else {
                    assert_eq!(c, base, "{} changed a child it could not plant on", rule.code);
                }
            }
            assert!(planted > 0, "{} plants on none of the test children", rule.code);
        }
    }

    #[test]
    fn the_test_children_pass_these_rules() {
        for c in [valid_child(), cp_child(), nfa_child()] {
            for rule in RULES {
                assert!(found(rule.code, &c).is_empty(), "{} on {c:?}", rule.code);
            }
        }
    }

    #[test]
    fn rule_2990_no_plans_or_enquiries_after_closing_at_assessment() {
        let mut c = valid_child();
        c.episodes[0].reason_for_closure = t("RC8");
        let f = found("2990", &c);
        assert_eq!(f.len(), 1);
        assert!(
            f[0].locs
                .iter()
                .any(|l| l.place == Place::CinPlan { episode: 0, index: 0 } && l.field == "LAchildID")
        );
        c.episodes[0].cin_plans.clear();
        assert_eq!(count("2990", &c), 0);
        c.episodes[0].date_of_initial_cpc = t("2025-06-01");
        assert_eq!(count("2990", &c), 1);
        c.episodes[0].date_of_initial_cpc = t("not a date");
        assert_eq!(count("2990", &c), 0);
        let mut c = cp_child();
        c.episodes[0].closure_date = t("2026-01-15");
        c.episodes[0].reason_for_closure = t("RC9");
        let f = found("2990", &c);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].locs.len(), 3, "the episode, the CP plan and the section 47");
        c.episodes[0].reason_for_closure = t("rc9");
        assert_eq!(count("2990", &c), 0, "codes are case-sensitive");
    }

    #[test]
    fn rule_2991q_section_47_needs_an_assessment() {
        let mut c = cp_child();
        assert_eq!(count("2991Q", &c), 0);
        c.episodes[0].assessments.clear();
        let s47 = c.episodes[0].section47s[0].clone();
        c.episodes[0].section47s.push(s47);
        let f = found("2991Q", &c);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].locs.len(), 2);
        assert_eq!(f[0].locs[1].place, Place::Section47 { episode: 0, index: 1 });
        // An empty <Assessments> element is still an assessment.
        c.episodes[0].assessments.push(Assessment::default());
        assert_eq!(count("2991Q", &c), 0);
    }

    #[test]
    fn rule_8565_nothing_after_closure() {
        let mut c = valid_child();
        c.episodes[0].date_of_initial_cpc = t("2026-01-15");
        assert_eq!(count("8565", &c), 0, "on the closure day is fine");
        c.episodes[0].date_of_initial_cpc = t("2026-01-16");
        assert_eq!(count("8565", &c), 1);
        c.episodes[0].date_of_initial_cpc = None;
        c.episodes[0].assessments[0].authorisation = t("2026-01-16");
        let second = c.episodes[0].assessments[0].clone();
        c.episodes[0].assessments.push(second);
        c.episodes[0].cin_plans[0].start = t("2026-01-20");
        c.episodes[0].cin_plans[0].end = t("2026-01-20");
        let f = found("8565", &c);
        assert_eq!(f.len(), 1, "one failure per episode");
        assert_eq!(f[0].locs.len(), 2 + 2 + 2 + 2);
        let mut c = cp_child();
        c.episodes[0].closure_date = t("2025-05-20");
        c.episodes[0].reason_for_closure = t("RC1");
        c.episodes[0].assessments[0].authorisation = t("2025-05-19");
        let f = found("8565", &c);
        assert_eq!(f.len(), 1, "the ICPC of the section 47 is after the closure");
        assert!(
            f[0].locs
                .iter()
                .any(|l| l.place == Place::Section47 { episode: 0, index: 0 } && l.field == "DateOfInitialCPC")
        );
        // The DfE's rule never looks at CP plan end dates.
        let mut c = cp_child();
        c.episodes[0].closure_date = t("2025-06-01");
        c.episodes[0].reason_for_closure = t("RC1");
        c.episodes[0].assessments[0].authorisation = t("2025-05-30");
        c.episodes[0].cp_plans[0].end = t("2025-06-30");
        assert_eq!(count("8565", &c), 0);
        // An unreadable closure date closes nothing.
        let mut c = valid_child();
        c.episodes[0].closure_date = t("2026-01-32");
        c.episodes[0].assessments[0].authorisation = t("2026-02-01");
        assert_eq!(count("8565", &c), 0);
    }

    #[test]
    fn rule_8568_nfa_flag_present_and_boolean() {
        let mut c = valid_child();
        for (value, fails) in [
            (Some("1"), false),
            (Some("0"), false),
            (Some("TRUE"), false),
            (Some("False"), false),
            (Some("2"), true),
            (None, true),
            (Some("Woof"), true),
        ] {
            c.episodes[0].referral_nfa = value.and_then(t);
            assert_eq!(count("8568", &c), usize::from(fails), "{value:?}");
        }
    }

    #[test]
    fn rule_8569q_old_referrals_are_not_nfa() {
        let old = |nfa: Option<&str>| with_episodes(vec![episode(Some("2025-03-31"), None, nfa)]);
        assert_eq!(count("8569Q", &old(Some("true"))), 1);
        assert_eq!(count("8569Q", &old(Some("1"))), 1);
        assert_eq!(count("8569Q", &old(None)), 1);
        assert_eq!(count("8569Q", &old(Some("False"))), 1, "only false or 0 exactly");
        assert_eq!(count("8569Q", &old(Some("false"))), 0);
        assert_eq!(count("8569Q", &old(Some("0"))), 0);
        assert_eq!(count("8569Q", &with_episodes(vec![episode(Some("2025-04-01"), None, Some("true"))])), 0);
        assert_eq!(count("8569Q", &with_episodes(vec![episode(None, None, Some("true"))])), 0);
        // 1 April 2018 was a Sunday and 2 April Easter Monday: referrals up to then are "old".
        let ctx = Ctx::new(d("2019-03-31"), calendar::shipped());
        let on = |day: &str| found_in("8569Q", &with_episodes(vec![episode(Some(day), None, Some("true"))]), &ctx).len();
        assert_eq!(on("2018-04-02"), 1);
        assert_eq!(on("2018-04-03"), 0);
    }

    #[test]
    fn rule_8600_referral_present_and_by_the_census_date() {
        let on = |day: Option<&str>| count("8600", &with_episodes(vec![episode(day, None, Some("true"))]));
        assert_eq!(on(Some("2026-03-31")), 0);
        assert_eq!(on(Some("2001-01-25")), 0);
        assert_eq!(on(Some("2026-04-01")), 1);
        assert_eq!(on(None), 1);
        assert_eq!(on(Some("2026-02-30")), 1, "an impossible date is missing");
    }

    #[test]
    fn rule_8606_referral_within_40_weeks_of_birth() {
        let mut c = with_episodes(vec![episode(Some("2025-05-06"), None, Some("true"))]);
        c.birth_date = t("2026-02-09"); // 279 days after
        assert_eq!(count("8606", &c), 0);
        c.birth_date = t("2026-02-10"); // 280 days
        assert_eq!(count("8606", &c), 0);
        c.birth_date = t("2026-02-11");
        assert_eq!(count("8606", &c), 1);
        c.birth_date = None;
        c.expected_birth_date = t("2026-02-11");
        assert_eq!(count("8606", &c), 1);
        c.episodes.push(c.episodes[0].clone());
        assert_eq!(count("8606", &c), 1, "episodes referred the same day are one failure");
        c.episodes[1].referral_date = t("2025-05-05");
        assert_eq!(count("8606", &c), 2);
        c.expected_birth_date = None;
        assert_eq!(count("8606", &c), 0);
    }

    #[test]
    fn rule_8610_primary_need_for_further_action() {
        let mut c = valid_child();
        c.episodes[0].primary_need = None;
        for (nfa, fails) in [
            (Some("false"), true),
            (Some("0"), true),
            (Some("False"), false),
            (Some("1"), false),
            (Some("true"), false),
            (None, false),
        ] {
            c.episodes[0].referral_nfa = nfa.and_then(t);
            assert_eq!(count("8610", &c), usize::from(fails), "{nfa:?}");
        }
    }

    #[test]
    fn rule_8620_closure_in_the_year() {
        let mut c = valid_child();
        for (day, fails) in [
            ("2025-03-31", true),
            ("2025-04-01", false),
            ("2026-03-31", false),
            ("2026-04-01", true),
            ("2019-03-01", true),
            ("2026-13-01", false),
        ] {
            c.episodes[0].closure_date = t(day);
            assert_eq!(count("8620", &c), usize::from(fails), "{day}");
        }
    }

    #[test]
    fn rule_8630_closure_not_before_referral() {
        let on = |closure: Option<&str>| count("8630", &with_episodes(vec![episode(Some("2025-05-06"), closure, Some("true"))]));
        assert_eq!(on(Some("2025-05-05")), 1);
        assert_eq!(on(Some("2025-05-06")), 0);
        assert_eq!(on(None), 0);
        let e = episode(Some("2025-05-06"), Some("2025-05-05"), Some("true"));
        assert_eq!(count("8630", &with_episodes(vec![e.clone(), e])), 1, "the same dates twice are one failure");
    }

    #[test]
    fn rules_8640_8650_codes() {
        let mut c = valid_child();
        for (reason, fails) in [(Some("RC9"), false), (Some("RC10"), true), (Some("rc1"), true), (None, false)] {
            c.episodes[0].reason_for_closure = reason.and_then(t);
            assert_eq!(count("8640", &c), usize::from(fails), "{reason:?}");
        }
        for (need, fails) in [(Some("N0"), false), (Some("N10"), true), (Some("n1"), true), (None, false)] {
            c.episodes[0].primary_need = need.and_then(t);
            assert_eq!(count("8650", &c), usize::from(fails), "{need:?}");
        }
    }

    #[test]
    fn rules_8805_8810_closure_date_and_reason_together() {
        let mut c = valid_child();
        c.episodes[0].reason_for_closure = None;
        assert_eq!((count("8805", &c), count("8810", &c)), (1, 0));
        c.episodes[0].closure_date = t("2026-01-32");
        assert_eq!((count("8805", &c), count("8810", &c)), (0, 0), "an unreadable date is no closure");
        c.episodes[0].reason_for_closure = t("RC1");
        assert_eq!((count("8805", &c), count("8810", &c)), (0, 1));
        c.episodes[0].closure_date = None;
        assert_eq!((count("8805", &c), count("8810", &c)), (0, 1));
        let e = CinDetails {
            reason_for_closure: None,
            ..episode(Some("2025-05-06"), Some("2025-05-06"), Some("true"))
        };
        assert_eq!(count("8805", &with_episodes(vec![e.clone(), e])), 1, "same closure date: one failure");
    }

    #[test]
    fn rule_8815_one_open_episode_going_on() {
        let open = |nfa: &str| episode(Some("2025-06-01"), None, Some(nfa));
        assert_eq!(count("8815", &with_episodes(vec![open("true"), open("0")])), 0);
        assert_eq!(count("8815", &with_episodes(vec![open("0"), open("0")])), 2);
        assert_eq!(
            count("8815", &with_episodes(vec![open("false"), open("0"), open("true")])),
            3,
            "every open episode is named"
        );
        assert_eq!(count("8815", &with_episodes(vec![open("False"), open("0")])), 0);
        let closed = episode(Some("2025-05-01"), Some("2025-05-20"), Some("false"));
        assert_eq!(count("8815", &with_episodes(vec![closed.clone(), open("false")])), 0);
        let unreadable = CinDetails {
            closure_date: t("2025-05-40"),
            ..closed
        };
        assert_eq!(
            count("8815", &with_episodes(vec![unreadable, open("false")])),
            2,
            "an unreadable closure leaves it open"
        );
    }

    #[test]
    fn rule_8816_open_episode_is_the_latest() {
        let c = with_episodes(vec![
            episode(Some("2025-10-26"), None, Some("0")),
            episode(Some("2025-12-26"), Some("2026-01-26"), Some("0")),
            episode(Some("2025-04-26"), None, Some("0")),
            episode(Some("2026-01-30"), None, Some("0")),
            episode(None, None, Some("0")),
            episode(Some("2025-05-01"), None, Some("true")),
        ]);
        let f = found("8816", &c);
        assert_eq!(f.len(), 2);
        assert_eq!(f[0].locs[0].place, Place::Episode { episode: 0 });
        assert_eq!(f[0].locs[1].place, Place::Episode { episode: 3 });
        assert_eq!(f[1].locs[0].place, Place::Episode { episode: 2 });
        // Of two open episodes referred the same latest day, the second is not the latest.
        let same = episode(Some("2025-10-26"), None, Some("0"));
        let f = found("8816", &with_episodes(vec![same.clone(), same]));
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].locs[0].place, Place::Episode { episode: 1 });
    }

    #[test]
    fn rule_8820_episodes_do_not_overlap() {
        let ep = |r: &str, c: Option<&str>, nfa: &str| episode(Some(r), c, Some(nfa));
        let overlaps = |eps: Vec<CinDetails>| count("8820", &with_episodes(eps));
        assert_eq!(overlaps(vec![ep("2025-05-26", Some("2025-10-26"), "true"), ep("2025-08-26", None, "0")]), 1);
        assert_eq!(
            overlaps(vec![ep("2025-05-26", Some("2025-10-25"), "true"), ep("2025-10-26", Some("2025-12-26"), "true")]),
            0
        );
        assert_eq!(
            overlaps(vec![ep("2025-05-26", Some("2026-01-26"), "true"), ep("2025-08-26", Some("2025-10-26"), "true")]),
            1
        );
        assert_eq!(
            overlaps(vec![ep("2025-10-26", Some("2026-03-31"), "true"), ep("2025-09-26", None, "true")]),
            0,
            "an open NFA referral runs to nothing"
        );
        assert_eq!(
            overlaps(vec![ep("2025-10-26", Some("2026-03-31"), "true"), ep("2025-09-26", None, "FALSE")]),
            1,
            "case ignored here"
        );
        assert_eq!(
            overlaps(vec![
                ep("2025-07-08", Some("2025-08-23"), "false"),
                ep("2025-05-05", Some("2025-07-08"), "false")
            ]),
            0,
            "referred on the other's closure day"
        );
        let dup = ep("2025-05-05", Some("2025-07-08"), "0");
        assert_eq!(overlaps(vec![dup.clone(), dup]), 2, "each of two identical episodes starts within the other");
        assert_eq!(
            overlaps(vec![ep("2026-03-31", None, "0"), ep("2025-09-26", None, "0")]),
            0,
            "a referral on the census day is not before it"
        );
    }

    #[test]
    fn rule_8825q_closed_after_assessment_needs_one() {
        let mut c = nfa_child();
        c.episodes[0].closure_date = t("2025-11-03");
        c.episodes[0].reason_for_closure = t("RC8");
        assert_eq!(count("8825Q", &c), 1);
        c.episodes[0].reason_for_closure = t("EX7");
        assert_eq!(count("8825Q", &c), 0);
        let mut c = valid_child();
        c.episodes[0].reason_for_closure = t("RC9");
        assert_eq!(count("8825Q", &c), 0);
    }

    #[test]
    fn rule_8831_no_activity_on_an_nfa_referral() {
        let mut c = valid_child();
        c.episodes[0].cin_plans.clear();
        c.episodes[0].referral_nfa = t("1");
        let f = found("8831", &c);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].locs[1].place, Place::Assessment { episode: 0, index: 0 });
        c.episodes[0].referral_nfa = t("True");
        assert_eq!(count("8831", &c), 0, "true or 1 exactly");
        c.episodes[0].referral_nfa = t("false");
        assert_eq!(count("8831", &c), 0);
        let mut c = cp_child();
        c.episodes[0].assessments.clear();
        c.episodes[0].referral_nfa = t("true");
        assert_eq!(count("8831", &c), 1, "the section 47 started");
        c.episodes[0].section47s[0].start = None;
        assert_eq!(count("8831", &c), 0);
        c.episodes[0].date_of_initial_cpc = t("2025-05-28");
        let f = found("8831", &c);
        assert_eq!(f.len(), 1, "a conference on the episode");
        assert_eq!(f[0].locs.len(), 2, "and with it every section 47");
        let mut c = nfa_child();
        c.episodes[0].assessments.push(Assessment {
            start: None,
            authorisation: None,
            ..Assessment::default()
        });
        assert_eq!(count("8831", &c), 0, "an assessment without dates");
    }

    #[test]
    fn rule_8832_no_cp_plan_on_an_nfa_referral() {
        let mut c = cp_child();
        for (nfa, fails) in [
            (Some("1"), true),
            (Some("true"), true),
            (Some("TRUE"), true),
            (Some("false"), false),
            (Some("0"), false),
            (None, false),
        ] {
            c.episodes[0].referral_nfa = nfa.and_then(t);
            assert_eq!(count("8832", &c), usize::from(fails), "{nfa:?}");
        }
        c.episodes[0].referral_nfa = t("true");
        c.episodes[0].cp_plans.push(CpPlan::default());
        assert_eq!(found("8832", &c)[0].locs.len(), 3);
    }

    #[test]
    fn rule_8866_referral_source() {
        let on = |r: &str, source: Option<&str>| {
            count(
                "8866",
                &with_episodes(vec![CinDetails {
                    referral_source: source.and_then(t),
                    ..episode(Some(r), None, Some("true"))
                }]),
            )
        };
        assert_eq!(on("2025-01-01", Some("1Z")), 1);
        assert_eq!(on("2025-01-01", None), 1);
        assert_eq!(on("2025-01-01", Some("1a")), 1);
        assert_eq!(on("2025-01-01", Some("10")), 0);
        assert_eq!(on("2013-04-01", None), 1);
        assert_eq!(on("2013-03-31", None), 0, "referrals before April 2013 need no source");
        assert_eq!(
            count(
                "8866",
                &with_episodes(vec![CinDetails {
                    referral_source: None,
                    ..episode(None, None, Some("true"))
                }])
            ),
            0
        );
    }

    #[test]
    fn cin_plan_dates_stay_as_they_were() {
        // The valid child's plan ends on the closure day: no activity after closure.
        assert_eq!(
            valid_child().episodes[0].cin_plans,
            vec![CinPlan {
                start: t("2025-06-23"),
                end: t("2026-01-15")
            }]
        );
    }
}
