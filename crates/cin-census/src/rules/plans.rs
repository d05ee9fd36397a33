//! Rules on child in need plans and child protection plans (with their reviews).
//!
//! The DfE's validator joins its tables on the LA child id, the episode's position and the
//! plan's position; where a rule joins on fewer of them (a child's plans across all their
//! episodes, or reviews matched to plans by position alone) these rules do the same, so that
//! both name the same children.
use super::{Check, Ctx, Hits, Kind, Loc, Place, Plant, Rule, Seen};
use crate::model::{self, CensusFile, Child, CinPlan, CpPlan, Text};
use time::Date;

/// The categories of abuse of the CIN census code set (compared case-sensitively, as the
/// DfE's validator does).
const CATEGORIES_OF_ABUSE: &[&str] = &["NEG", "PHY", "SAB", "EMO", "MUL"];

/// A review date the DfE's validator cannot read (its reader keeps a `<Reviews>` block only
/// when it has a `<CPPreviewDate>`, so a missing date can only be planted as an unreadable one).
const UNREADABLE_DATE: &str = "2025-02-30";

pub static RULES: &[Rule] = &[
    Rule {
        code: "2883",
        kind: Kind::Error,
        message: "There are more child protection plans starting than initial conferences taking place",
        check: Check::Return(rule_2883),
        plant: Plant::File(plant_2883),
    },
    Rule {
        code: "1105",
        kind: Kind::Error,
        message: "The child protection plan start date cannot be before the referral date",
        check: Check::Child(rule_1105),
        plant: Plant::Child(plant_1105),
    },
    Rule {
        code: "2885",
        kind: Kind::Error,
        message: "Child protection plan shown as starting a different day to the initial child protection conference.",
        check: Check::Child(rule_2885),
        plant: Plant::Child(plant_2885),
    },
    Rule {
        code: "4000",
        kind: Kind::Error,
        message: "CIN Plan details provided for a referral with no further action",
        check: Check::Child(rule_4000),
        plant: Plant::Child(plant_4000),
    },
    Rule {
        code: "4001",
        kind: Kind::Error,
        message: "A CIN Plan cannot run concurrently with a Child Protection Plan",
        check: Check::Child(rule_4001),
        plant: Plant::Child(plant_4001),
    },
    Rule {
        code: "4003",
        kind: Kind::Error,
        message: "A CPP review date is shown as being held at the same time as an open CIN Plan.",
        check: Check::Child(rule_4003),
        plant: Plant::Child(plant_4003),
    },
    Rule {
        code: "4004",
        kind: Kind::Error,
        message: "This child is showing more than one open CIN Plan, i.e. with no End Date",
        check: Check::Child(rule_4004),
        plant: Plant::Child(plant_4004),
    },
    Rule {
        code: "4008",
        kind: Kind::Error,
        message: "CIN Plan shown as starting after the child’s Date of Death.",
        check: Check::Child(rule_4008),
        plant: Plant::Child(plant_4008),
    },
    Rule {
        code: "4009Q",
        kind: Kind::Query,
        message: "CIN Plan cannot end after the child’s Date of Death",
        check: Check::Child(rule_4009q),
        plant: Plant::Child(plant_4009q),
    },
    Rule {
        code: "4010",
        kind: Kind::Error,
        message: "CIN Plan start date is missing or out of data collection period",
        check: Check::Child(rule_4010),
        plant: Plant::Child(plant_4010),
    },
    Rule {
        code: "4011",
        kind: Kind::Error,
        message: "CIN Plan End Date earlier than Start Date",
        check: Check::Child(rule_4011),
        plant: Plant::Child(plant_4011),
    },
    Rule {
        code: "4012Q",
        kind: Kind::Query,
        message: "Please check and either amend or provide a reason: CIN Plan shown as starting and ending on the same day",
        check: Check::Child(rule_4012q),
        plant: Plant::Child(plant_4012q),
    },
    Rule {
        code: "4013",
        kind: Kind::Error,
        message: "CIN Plan end date must fall within the census year",
        check: Check::Child(rule_4013),
        plant: Plant::Child(plant_4013),
    },
    Rule {
        code: "4014",
        kind: Kind::Error,
        message: "CIN Plan data contains overlapping dates",
        check: Check::Child(rule_4014),
        plant: Plant::Child(plant_4014),
    },
    Rule {
        code: "4015",
        kind: Kind::Error,
        message: "The CIN Plan start date cannot be before the referral date",
        check: Check::Child(rule_4015),
        plant: Plant::Child(plant_4015),
    },
    Rule {
        code: "4016",
        kind: Kind::Error,
        message: "A CIN Plan has been reported as open at the same time as a Child Protection Plan.",
        check: Check::Child(rule_4016),
        plant: Plant::Child(plant_4016),
    },
    Rule {
        code: "4017",
        kind: Kind::Error,
        message: "A CIN Plan has been reported as open at the same time as a Child Protection Plan.",
        check: Check::Child(rule_4017),
        plant: Plant::Child(plant_4017),
    },
    Rule {
        code: "8720",
        kind: Kind::Error,
        message: "Child Protection Plan Start Date missing or out of data collection period",
        check: Check::Child(rule_8720),
        plant: Plant::Child(plant_8720),
    },
    Rule {
        code: "8730",
        kind: Kind::Error,
        message: "Total Number of previous Child Protection Plans missing",
        check: Check::Child(rule_8730),
        plant: Plant::Child(plant_8730),
    },
    Rule {
        code: "8840",
        kind: Kind::Error,
        message: "Child Protection Plan cannot start and end on the same day",
        check: Check::Child(rule_8840),
        plant: Plant::Child(plant_8840),
    },
    Rule {
        code: "8841",
        kind: Kind::Error,
        message: "The review date cannot be on the same day or before the Child protection Plan start date.",
        check: Check::Child(rule_8841),
        plant: Plant::Child(plant_8841),
    },
    Rule {
        code: "8842Q",
        kind: Kind::Query,
        message: "Please check and either amend or provide a reason: Review Record has a missing date",
        check: Check::Child(rule_8842q),
        plant: Plant::Child(plant_8842q),
    },
    Rule {
        code: "8905",
        kind: Kind::Error,
        message: "Initial Category of Abuse code missing or invalid (see Category of Abuse table in CIN Census code set)",
        check: Check::Child(rule_8905),
        plant: Plant::Child(plant_8905),
    },
    Rule {
        code: "8910",
        kind: Kind::Error,
        message: "Latest Category of Abuse code missing or invalid (see Category of Abuse table in CIN Census code set)",
        check: Check::Child(rule_8910),
        plant: Plant::Child(plant_8910),
    },
    Rule {
        code: "8915",
        kind: Kind::Error,
        message: "Child Protection Plan shown as starting after the child’s Date of Death",
        check: Check::Child(rule_8915),
        plant: Plant::Child(plant_8915),
    },
    Rule {
        code: "8920",
        kind: Kind::Error,
        message: "Child Protection Plan cannot end after the child’s Date of Death",
        check: Check::Child(rule_8920),
        plant: Plant::Child(plant_8920),
    },
    Rule {
        code: "8925",
        kind: Kind::Error,
        message: "Child Protection Plan End Date earlier than Start Date",
        check: Check::Child(rule_8925),
        plant: Plant::Child(plant_8925),
    },
    Rule {
        code: "8930",
        kind: Kind::Error,
        message: "Child Protection Plan End Date must fall within the census year",
        check: Check::Child(rule_8930),
        plant: Plant::Child(plant_8930),
    },
    Rule {
        code: "8935",
        kind: Kind::Error,
        message: "This child is showing more than one open Child Protection plan, i.e. with no End Date",
        check: Check::Child(rule_8935),
        plant: Plant::Child(plant_8935),
    },
    Rule {
        code: "8940",
        kind: Kind::Error,
        message: "Child Protection Plan data contains overlapping dates",
        check: Check::Child(rule_8940),
        plant: Plant::Child(plant_8940),
    },
];

// ---- shared helpers -----------------------------------------------------------------------

/// Failures grouped as the DfE's validator groups them (its error id): one failure per key,
/// naming every location found for that key.
struct Groups<K> {
    list: Vec<(K, Vec<Loc>)>,
}

impl<K: PartialEq> Groups<K> {
    fn new() -> Groups<K> {
        Groups { list: Vec::new() }
    }

    fn add(&mut self, key: K, locs: impl IntoIterator<Item = Loc>) {
        let at = match self.list.iter().position(|(k, _)| *k == key) {
            Some(at) => at,
            None => {
                self.list.push((key, Vec::new()));
                self.list.len() - 1
            }
        };
        let group = &mut self.list[at].1;
        for loc in locs {
            if !group.contains(&loc) {
                group.push(loc);
            }
        }
    }

    fn report(self, hits: &mut Hits) {
        for (_, locs) in self.list {
            hits.add(locs);
        }
    }
}

fn date(value: &Text) -> Option<Date> {
    model::date(value)
}

fn text(d: Date) -> Text {
    Some(format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day()))
}

fn cin_at(episode: usize, index: usize) -> Place {
    Place::CinPlan { episode, index }
}

fn cpp_at(episode: usize, index: usize) -> Place {
    Place::CpPlan { episode, index }
}

fn review_at(episode: usize, plan: usize, index: usize) -> Place {
    Place::Review { episode, plan, index }
}

/// Every CIN plan of the child, with its episode and position.
fn cin_plans(child: &Child) -> impl Iterator<Item = (usize, usize, &CinPlan)> {
    child
        .episodes
        .iter()
        .enumerate()
        .flat_map(|(e, ep)| ep.cin_plans.iter().enumerate().map(move |(i, p)| (e, i, p)))
}

/// Every child protection plan of the child, with its episode and position.
fn cp_plans(child: &Child) -> impl Iterator<Item = (usize, usize, &CpPlan)> {
    child
        .episodes
        .iter()
        .enumerate()
        .flat_map(|(e, ep)| ep.cp_plans.iter().enumerate().map(move |(i, p)| (e, i, p)))
}

/// Whether `start` falls within a span that started on `from` and ended on `end`, or is still
/// open at the census date. `end_included` says whether a start on the end day counts.
fn starts_within(start: Date, from: Date, end: Option<Date>, end_included: bool, ctx: &Ctx) -> bool {
    start >= from
        && match end {
            Some(end) if end_included => start <= end,
            Some(end) => start < end,
            None => start <= ctx.reference_date,
        }
}

// ---- CIN plans ------------------------------------------------------------------------------

fn rule_4000(child: &Child, _: &Ctx, hits: &mut Hits) {
    for (e, ep) in child.episodes.iter().enumerate() {
        // Only these two spellings: the DfE's validator compares the text exactly.
        if !matches!(ep.referral_nfa.as_deref(), Some("true" | "1")) || ep.cin_plans.is_empty() {
            continue;
        }
        let mut locs: Vec<Loc> = (0..ep.cin_plans.len())
            .map(|i| Loc::new(cin_at(e, i), "LAchildID", &child.la_child_id))
            .collect();
        locs.push(Loc::new(Place::Episode { episode: e }, "ReferralNFA", &ep.referral_nfa));
        hits.add(locs);
    }
}

fn rule_4001(child: &Child, _: &Ctx, hits: &mut Hits) {
    for (e, ep) in child.episodes.iter().enumerate() {
        let mut groups = Groups::new();
        for (i, p) in ep.cp_plans.iter().enumerate().filter(|(_, p)| date(&p.end).is_none()) {
            for (j, c) in ep.cin_plans.iter().enumerate() {
                if date(&c.start).is_some() && date(&c.end).is_none() {
                    groups.add(
                        e,
                        [Loc::new(cpp_at(e, i), "CPPendDate", &p.end), Loc::new(cin_at(e, j), "CINPlanEndDate", &c.end)],
                    );
                }
            }
        }
        groups.report(hits);
    }
}

/// A review held while a CIN plan was open. The DfE's validator matches reviews to plans by
/// the plan's position within its episode only, so a review also counts against the plans at
/// the same position in the child's other episodes; and a CIN plan with no end date never
/// counts (its "review before the end" comparison is false).
fn rule_4003(child: &Child, _: &Ctx, hits: &mut Hits) {
    let mut groups = Groups::new();
    for (e, i, p) in cp_plans(child) {
        let Some(end) = date(&p.end) else { continue };
        for (re, ep) in child.episodes.iter().enumerate() {
            let Some(reviewed) = ep.cp_plans.get(i) else { continue };
            for (ri, r) in reviewed.reviews.iter().enumerate() {
                let Some(review) = date(r).filter(|d| *d != end) else { continue };
                for (ce, ci, c) in cin_plans(child) {
                    if let (Some(from), Some(to)) = (date(&c.start), date(&c.end))
                        && review >= from
                        && review < to
                    {
                        groups.add(
                            review,
                            [
                                Loc::new(cpp_at(e, i), "CPPendDate", &p.end),
                                Loc::new(cin_at(ce, ci), "CINPlanStartDate", &c.start),
                                Loc::new(review_at(re, i, ri), "CPPreviewDate", r),
                            ],
                        );
                    }
                }
            }
        }
    }
    groups.report(hits);
}

fn rule_4004(child: &Child, _: &Ctx, hits: &mut Hits) {
    for (e, ep) in child.episodes.iter().enumerate() {
        if ep.cin_plans.iter().filter(|c| date(&c.end).is_none()).count() > 1 {
            hits.add(
                ep.cin_plans
                    .iter()
                    .enumerate()
                    .map(|(i, c)| Loc::new(cin_at(e, i), "CINPlanEndDate", &c.end))
                    .collect(),
            );
        }
    }
}

/// Plans (of any episode) whose date `value` falls after the child's date of death.
fn after_death<'a, P: 'a>(child: &Child, plans: impl Iterator<Item = (Place, &'a P)>, field: &'static str, value: impl Fn(&P) -> &Text, hits: &mut Hits) {
    let Some(death) = date(&child.death_date) else { return };
    let mut groups = Groups::new();
    for (place, p) in plans {
        if date(value(p)).is_some_and(|d| d > death) {
            groups.add(
                death,
                [Loc::new(Place::Child, "PersonDeathDate", &child.death_date), Loc::new(place, field, value(p))],
            );
        }
    }
    groups.report(hits);
}

fn rule_4008(child: &Child, _: &Ctx, hits: &mut Hits) {
    after_death(
        child,
        cin_plans(child).map(|(e, i, c)| (cin_at(e, i), c)),
        "CINPlanStartDate",
        |c| &c.start,
        hits,
    );
}

fn rule_4009q(child: &Child, _: &Ctx, hits: &mut Hits) {
    after_death(child, cin_plans(child).map(|(e, i, c)| (cin_at(e, i), c)), "CINPlanEndDate", |c| &c.end, hits);
}

fn rule_4010(child: &Child, ctx: &Ctx, hits: &mut Hits) {
    for (e, i, c) in cin_plans(child) {
        if date(&c.start).is_none_or(|d| d > ctx.reference_date) {
            hits.add(vec![Loc::new(cin_at(e, i), "CINPlanStartDate", &c.start)]);
        }
    }
}

/// Plans whose start and end compare as `bad` (both dates present), grouped by the pair of
/// dates as the DfE's validator does.
fn start_end<'a, P: 'a>(
    plans: impl Iterator<Item = (Place, &'a P)>,
    dates: impl Fn(&P) -> (&Text, &Text),
    fields: (&'static str, &'static str),
    bad: impl Fn(Date, Date) -> bool,
    hits: &mut Hits,
) {
    let mut groups = Groups::new();
    for (place, p) in plans {
        let (start, end) = dates(p);
        if let (Some(s), Some(e)) = (date(start), date(end))
            && bad(s, e)
        {
            groups.add((s, e), [Loc::new(place, fields.0, start), Loc::new(place, fields.1, end)]);
        }
    }
    groups.report(hits);
}

fn cin_start_end(child: &Child, bad: impl Fn(Date, Date) -> bool, hits: &mut Hits) {
    start_end(
        cin_plans(child).map(|(e, i, c)| (cin_at(e, i), c)),
        |c| (&c.start, &c.end),
        ("CINPlanStartDate", "CINPlanEndDate"),
        bad,
        hits,
    );
}

fn cpp_start_end(child: &Child, bad: impl Fn(Date, Date) -> bool, hits: &mut Hits) {
    start_end(
        cp_plans(child).map(|(e, i, p)| (cpp_at(e, i), p)),
        |p| (&p.start, &p.end),
        ("CPPstartDate", "CPPendDate"),
        bad,
        hits,
    );
}

fn rule_4011(child: &Child, _: &Ctx, hits: &mut Hits) {
    cin_start_end(child, |start, end| end < start, hits);
}

fn rule_4012q(child: &Child, _: &Ctx, hits: &mut Hits) {
    cin_start_end(child, |start, end| end == start, hits);
}

fn rule_4013(child: &Child, ctx: &Ctx, hits: &mut Hits) {
    for (e, i, c) in cin_plans(child) {
        if date(&c.end).is_some_and(|d| !ctx.in_year(d)) {
            hits.add(vec![Loc::new(cin_at(e, i), "CINPlanEndDate", &c.end)]);
        }
    }
}

/// Plan A overlaps plan B when A starts on or after B's start and no later than B's end
/// (or, B still open, the census date). `key` groups the failures, from each plan's episode,
/// position and start; it is `None` for pairs that are not compared.
fn overlaps<'a, P: 'a, K: PartialEq>(
    plans: &[(usize, usize, &'a P)],
    dates: impl Fn(&P) -> (&Text, &Text),
    key: impl Fn((usize, usize, Date), (usize, usize, Date)) -> Option<K>,
    fields: (&'static str, &'static str),
    at: fn(usize, usize) -> Place,
    ctx: &Ctx,
    hits: &mut Hits,
) {
    let mut groups = Groups::new();
    for &(ae, ai, a) in plans {
        let a_start_text = dates(a).0;
        let Some(a_start) = date(a_start_text) else { continue };
        for &(be, bi, b) in plans {
            let (b_start_text, b_end_text) = dates(b);
            let Some(b_start) = date(b_start_text) else { continue };
            let Some(k) = key((ae, ai, a_start), (be, bi, b_start)) else { continue };
            if starts_within(a_start, b_start, date(b_end_text), true, ctx) {
                groups.add(
                    k,
                    [
                        Loc::new(at(ae, ai), fields.0, a_start_text),
                        Loc::new(at(be, bi), fields.0, b_start_text),
                        Loc::new(at(be, bi), fields.1, b_end_text),
                    ],
                );
            }
        }
    }
    groups.report(hits);
}

/// Any two CIN plans of the child, in any episodes.
fn rule_4014(child: &Child, ctx: &Ctx, hits: &mut Hits) {
    let plans: Vec<_> = cin_plans(child).collect();
    overlaps(
        &plans,
        |c| (&c.start, &c.end),
        |a, b| ((a.0, a.1) != (b.0, b.1)).then_some((a.2, b.2)),
        ("CINPlanStartDate", "CINPlanEndDate"),
        cin_at,
        ctx,
        hits,
    );
}

fn rule_4015(child: &Child, _: &Ctx, hits: &mut Hits) {
    let mut groups = Groups::new();
    for (e, ep) in child.episodes.iter().enumerate() {
        let Some(referral) = date(&ep.referral_date) else { continue };
        for (i, c) in ep.cin_plans.iter().enumerate() {
            if let Some(start) = date(&c.start)
                && start < referral
            {
                groups.add(
                    (start, referral),
                    [
                        Loc::new(cin_at(e, i), "CINPlanStartDate", &c.start),
                        Loc::new(Place::Episode { episode: e }, "CINreferralDate", &ep.referral_date),
                    ],
                );
            }
        }
    }
    groups.report(hits);
}

/// A CIN plan starting while a child protection plan (of any episode) was open: from its
/// start to the day before its end, or the census date while it is open.
fn rule_4016(child: &Child, ctx: &Ctx, hits: &mut Hits) {
    let mut groups = Groups::new();
    for (ce, ci, c) in cin_plans(child) {
        let Some(start) = date(&c.start) else { continue };
        for (e, i, p) in cp_plans(child) {
            if date(&p.start).is_some_and(|from| starts_within(start, from, date(&p.end), false, ctx)) {
                groups.add(
                    start,
                    [
                        Loc::new(cpp_at(e, i), "CPPstartDate", &p.start),
                        Loc::new(cpp_at(e, i), "CPPendDate", &p.end),
                        Loc::new(cin_at(ce, ci), "CINPlanStartDate", &c.start),
                    ],
                );
            }
        }
    }
    groups.report(hits);
}

/// A child protection plan starting while a CIN plan (of any episode) was open.
fn rule_4017(child: &Child, ctx: &Ctx, hits: &mut Hits) {
    let mut groups = Groups::new();
    for (e, i, p) in cp_plans(child) {
        let Some(start) = date(&p.start) else { continue };
        for (ce, ci, c) in cin_plans(child) {
            if date(&c.start).is_some_and(|from| starts_within(start, from, date(&c.end), false, ctx)) {
                groups.add(
                    start,
                    [
                        Loc::new(cpp_at(e, i), "CPPstartDate", &p.start),
                        Loc::new(cin_at(ce, ci), "CINPlanStartDate", &c.start),
                        Loc::new(cin_at(ce, ci), "CINPlanEndDate", &c.end),
                    ],
                );
            }
        }
    }
    groups.report(hits);
}

// ---- child protection plans -------------------------------------------------------------------

fn rule_1105(child: &Child, _: &Ctx, hits: &mut Hits) {
    let mut groups = Groups::new();
    for (e, ep) in child.episodes.iter().enumerate() {
        let Some(referral) = date(&ep.referral_date) else { continue };
        for (i, p) in ep.cp_plans.iter().enumerate() {
            if let Some(start) = date(&p.start)
                && start < referral
            {
                groups.add(
                    (start, referral),
                    [
                        Loc::new(cpp_at(e, i), "CPPstartDate", &p.start),
                        Loc::new(Place::Episode { episode: e }, "CINreferralDate", &ep.referral_date),
                    ],
                );
            }
        }
    }
    groups.report(hits);
}

/// Each plan starting in the year must start on the day of an initial conference of its
/// episode: a section 47's, or the episode's own when it has no section 47 whose
/// `ICPCnotRequired` is other than the literal "1" (the DfE's validator sets aside only
/// that spelling, and keeps section 47s with the flag missing). When no plan of the episode
/// matches any of those conferences, the conferences fail too.
fn rule_2885(child: &Child, ctx: &Ctx, hits: &mut Hits) {
    let mut groups = Groups::new();
    for (e, ep) in child.episodes.iter().enumerate() {
        let plans: Vec<(usize, &CpPlan, Date)> = ep
            .cp_plans
            .iter()
            .enumerate()
            .filter_map(|(i, p)| date(&p.start).filter(|d| ctx.in_year(*d)).map(|d| (i, p, d)))
            .collect();
        if plans.is_empty() {
            continue;
        }
        let s47s: Vec<Loc> = ep
            .section47s
            .iter()
            .enumerate()
            .filter(|(_, s)| s.icpc_not_required.as_deref() != Some("1"))
            .map(|(j, s)| Loc::new(Place::Section47 { episode: e, index: j }, "DateOfInitialCPC", &s.icpc_date))
            .collect();
        let conferences = if s47s.is_empty() {
            vec![Loc::new(Place::Episode { episode: e }, "DateOfInitialCPC", &ep.date_of_initial_cpc)]
        } else {
            s47s
        };
        let held_on = |d: Date| conferences.iter().any(|c| date(&c.value) == Some(d));
        for &(i, p, start) in &plans {
            if !held_on(start) {
                groups.add((e, Some(start)), [Loc::new(cpp_at(e, i), "CPPstartDate", &p.start)]);
            }
        }
        if !plans.iter().any(|&(_, _, start)| held_on(start)) {
            groups.add((e, None), conferences.clone());
        }
    }
    groups.report(hits);
}

fn each_cpp(child: &Child, field: &'static str, value: impl Fn(&CpPlan) -> &Text, bad: impl Fn(&Text) -> bool, hits: &mut Hits) {
    for (e, i, p) in cp_plans(child) {
        if bad(value(p)) {
            hits.add(vec![Loc::new(cpp_at(e, i), field, value(p))]);
        }
    }
}

fn rule_8720(child: &Child, ctx: &Ctx, hits: &mut Hits) {
    each_cpp(child, "CPPstartDate", |p| &p.start, |v| date(v).is_none_or(|d| d > ctx.reference_date), hits);
}

/// Missing or negative. A value that is not a whole number makes the DfE's validator crash
/// on this rule (for the whole file); it is reported here as a failure.
fn rule_8730(child: &Child, _: &Ctx, hits: &mut Hits) {
    each_cpp(
        child,
        "NumberOfPreviousCPP",
        |p| &p.previous_plans,
        |v| !v.as_deref().is_some_and(|s| s.parse::<i64>().is_ok_and(|n| n >= 0)),
        hits,
    );
}

fn rule_8840(child: &Child, _: &Ctx, hits: &mut Hits) {
    cpp_start_end(child, |start, end| end == start, hits);
}

fn rule_8841(child: &Child, _: &Ctx, hits: &mut Hits) {
    let mut groups = Groups::new();
    for (e, i, p) in cp_plans(child) {
        let Some(start) = date(&p.start) else { continue };
        for (ri, r) in p.reviews.iter().enumerate() {
            if let Some(review) = date(r)
                && review <= start
            {
                groups.add(
                    (start, review),
                    [
                        Loc::new(cpp_at(e, i), "CPPstartDate", &p.start),
                        Loc::new(review_at(e, i, ri), "CPPreviewDate", r),
                    ],
                );
            }
        }
    }
    groups.report(hits);
}

fn rule_8842q(child: &Child, _: &Ctx, hits: &mut Hits) {
    for (e, i, p) in cp_plans(child) {
        for (ri, r) in p.reviews.iter().enumerate() {
            if date(r).is_none() {
                hits.add(vec![Loc::new(review_at(e, i, ri), "CPPreviewDate", r)]);
            }
        }
    }
}

fn is_category_of_abuse(value: &Text) -> bool {
    value.as_deref().is_some_and(|v| CATEGORIES_OF_ABUSE.contains(&v))
}

fn rule_8905(child: &Child, _: &Ctx, hits: &mut Hits) {
    each_cpp(child, "InitialCategoryOfAbuse", |p| &p.initial_category, |v| !is_category_of_abuse(v), hits);
}

fn rule_8910(child: &Child, _: &Ctx, hits: &mut Hits) {
    each_cpp(child, "LatestCategoryOfAbuse", |p| &p.latest_category, |v| !is_category_of_abuse(v), hits);
}

fn rule_8915(child: &Child, _: &Ctx, hits: &mut Hits) {
    after_death(child, cp_plans(child).map(|(e, i, p)| (cpp_at(e, i), p)), "CPPstartDate", |p| &p.start, hits);
}

fn rule_8920(child: &Child, _: &Ctx, hits: &mut Hits) {
    after_death(child, cp_plans(child).map(|(e, i, p)| (cpp_at(e, i), p)), "CPPendDate", |p| &p.end, hits);
}

fn rule_8925(child: &Child, _: &Ctx, hits: &mut Hits) {
    cpp_start_end(child, |start, end| end < start, hits);
}

fn rule_8930(child: &Child, ctx: &Ctx, hits: &mut Hits) {
    each_cpp(child, "CPPendDate", |p| &p.end, |v| date(v).is_some_and(|d| !ctx.in_year(d)), hits);
}

/// The DfE's validator counts open plans per plan position rather than per child: two open
/// plans in one episode pass, while the first plans of two episodes both open fail.
fn rule_8935(child: &Child, _: &Ctx, hits: &mut Hits) {
    let positions = child.episodes.iter().map(|ep| ep.cp_plans.len()).max().unwrap_or(0);
    for i in 0..positions {
        let at: Vec<(usize, &CpPlan)> = child
            .episodes
            .iter()
            .enumerate()
            .filter_map(|(e, ep)| ep.cp_plans.get(i).map(|p| (e, p)))
            .collect();
        if at.iter().filter(|(_, p)| date(&p.end).is_none()).count() > 1 {
            hits.add(at.iter().map(|&(e, p)| Loc::new(cpp_at(e, i), "CPPendDate", &p.end)).collect());
        }
    }
}

/// Plans are told apart by their position within their episode only: plans at the same
/// position in different episodes are never compared.
fn rule_8940(child: &Child, ctx: &Ctx, hits: &mut Hits) {
    let plans: Vec<_> = cp_plans(child).collect();
    overlaps(
        &plans,
        |p| (&p.start, &p.end),
        |a, b| (a.1 != b.1).then_some((a.1, b.1)),
        ("CPPstartDate", "CPPendDate"),
        cpp_at,
        ctx,
        hits,
    );
}

// ---- rule 2883 (return level) -------------------------------------------------------------------

/// For rule 2883 ("There are more child protection plans starting than initial conferences
/// taking place"), a return-level rule: this child's plans starting in the year, and initial
/// conferences held in the year (on the episode or on a section 47). The return fails when
/// the first total exceeds the second.
pub(super) fn plans_and_conferences_in_year(child: &Child, ctx: &Ctx) -> (usize, usize) {
    let in_year = |v: &Text| date(v).is_some_and(|d| ctx.in_year(d));
    let plans = cp_plans(child).filter(|(_, _, p)| in_year(&p.start)).count();
    let conferences = child
        .episodes
        .iter()
        .map(|ep| usize::from(in_year(&ep.date_of_initial_cpc)) + ep.section47s.iter().filter(|s| in_year(&s.icpc_date)).count())
        .sum();
    (plans, conferences)
}

fn rule_2883(seen: &[&Seen], _: &Ctx, hits: &mut Hits) {
    let (plans, conferences) = seen.iter().fold((0, 0), |(p, c), s| (p + s.plans_and_conferences.0, c + s.plans_and_conferences.1));
    if plans > conferences {
        hits.add(Vec::new());
    }
}

/// Clears conference dates held in the year until fewer remain than plans starting in it.
pub(super) fn plant_2883(file: &mut CensusFile, ctx: &Ctx) -> bool {
    let (plans, mut conferences) = file
        .children
        .iter()
        .map(|c| plans_and_conferences_in_year(c, ctx))
        .fold((0, 0), |(p, c), (cp, cc)| (p + cp, c + cc));
    if plans == 0 {
        return false;
    }
    for child in &mut file.children {
        for ep in &mut child.episodes {
            let dates = ep
                .section47s
                .iter_mut()
                .map(|s| &mut s.icpc_date)
                .chain(std::iter::once(&mut ep.date_of_initial_cpc));
            for d in dates {
                if conferences < plans {
                    return true;
                }
                if date(d).is_some_and(|d| ctx.in_year(d)) {
                    *d = None;
                    conferences -= 1;
                }
            }
        }
    }
    conferences < plans
}

// ---- planters -----------------------------------------------------------------------------------

/// Takes the changed child when, among this group's rules, it fails `code` and nothing
/// else but `also` (a planted violation should name its rule alone).
fn take(child: &mut Child, changed: Child, ctx: &Ctx, code: &str, also: &[&str]) -> bool {
    let rules: Vec<&'static Rule> = RULES.iter().collect();
    let codes: Vec<&str> = super::check_child(&rules, &changed, ctx).iter().map(|f| f.code).collect();
    if codes.contains(&code) && codes.iter().all(|c| *c == code || also.contains(c)) {
        *child = changed;
        true
    } else {
        false
    }
}

/// Tries `change` on each (episode, position) of `positions`; keeps the first that plants.
fn plant_first(
    child: &mut Child,
    ctx: &Ctx,
    code: &str,
    also: &[&str],
    positions: Vec<(usize, usize)>,
    change: impl Fn(&mut Child, usize, usize) -> bool,
) -> bool {
    for (e, i) in positions {
        let mut changed = child.clone();
        if change(&mut changed, e, i) && take(child, changed, ctx, code, also) {
            return true;
        }
    }
    false
}

fn cin_positions(child: &Child) -> Vec<(usize, usize)> {
    cin_plans(child).map(|(e, i, _)| (e, i)).collect()
}

fn cpp_positions(child: &Child) -> Vec<(usize, usize)> {
    cp_plans(child).map(|(e, i, _)| (e, i)).collect()
}

fn episode_positions(child: &Child) -> Vec<(usize, usize)> {
    (0..child.episodes.len()).map(|e| (e, 0)).collect()
}

fn shifted(value: &Text, days: i64) -> Option<Date> {
    date(value)?.checked_add(time::Duration::days(days))
}

/// Sets `target` to `value` moved by `days`; false when `value` is not a date.
fn set_shifted(target: &mut Text, value: &Text, days: i64) -> bool {
    match shifted(value, days) {
        Some(d) => {
            *target = text(d);
            true
        }
        None => false,
    }
}

/// A plan's end date; an open plan is first ended four weeks after its start (at the latest
/// on the census date), for violations that need an ended plan.
fn ended(end: &mut Text, start: &Text, ctx: &Ctx) -> Option<Date> {
    if let Some(d) = date(end) {
        return Some(d);
    }
    let d = shifted(start, 28)?.min(ctx.reference_date);
    if Some(d) <= date(start) {
        return None;
    }
    *end = text(d);
    Some(d)
}

/// The child's death on the day before a plan's end (ending an open plan first), when that
/// is not before the plan's start.
fn death_before_end(child: &mut Child, end: &mut Text, start: &Text, ctx: &Ctx) -> bool {
    let Some(death) = ended(end, start, ctx).and_then(Date::previous_day) else {
        return false;
    };
    if date(start).is_none_or(|s| death < s) {
        return false;
    }
    child.death_date = text(death);
    true
}

fn cin_mut(child: &mut Child, e: usize, i: usize) -> Option<&mut CinPlan> {
    child.episodes.get_mut(e)?.cin_plans.get_mut(i)
}

fn cpp_mut(child: &mut Child, e: usize, i: usize) -> Option<&mut CpPlan> {
    child.episodes.get_mut(e)?.cp_plans.get_mut(i)
}

/// Changes one CIN plan with `f(plan, episode referral date)`.
fn change_cin(child: &mut Child, ctx: &Ctx, code: &str, also: &[&str], f: impl Fn(&mut CinPlan, &Text) -> bool) -> bool {
    plant_first(child, ctx, code, also, cin_positions(child), |c, e, i| {
        let referral = c.episodes[e].referral_date.clone();
        cin_mut(c, e, i).is_some_and(|p| f(p, &referral))
    })
}

/// Changes one child protection plan with `f(plan, episode referral date)`.
fn change_cpp(child: &mut Child, ctx: &Ctx, code: &str, also: &[&str], f: impl Fn(&mut CpPlan, &Text) -> bool) -> bool {
    plant_first(child, ctx, code, also, cpp_positions(child), |c, e, i| {
        let referral = c.episodes[e].referral_date.clone();
        cpp_mut(c, e, i).is_some_and(|p| f(p, &referral))
    })
}

/// Adds a CIN plan to a plan's episode, dated from the plan with `f`.
fn add_cin_by_cpp(child: &mut Child, ctx: &Ctx, code: &str, also: &[&str], f: impl Fn(&CpPlan) -> Option<CinPlan>) -> bool {
    plant_first(child, ctx, code, also, cpp_positions(child), |c, e, i| {
        let Some(plan) = c.episodes[e].cp_plans.get(i).and_then(&f) else {
            return false;
        };
        c.episodes[e].cin_plans.push(plan);
        true
    })
}

/// Records the child's death on the day before one of these dates: first where it names
/// this rule alone, else also `also`.
fn plant_death(child: &mut Child, ctx: &Ctx, code: &str, also: &[&str], dates: Vec<Text>) -> bool {
    [&[][..], also].iter().any(|allowed| {
        dates.iter().any(|value| {
            let mut changed = child.clone();
            set_shifted(&mut changed.death_date, value, -1) && take(child, changed, ctx, code, allowed)
        })
    })
}

fn plant_1105(child: &mut Child, ctx: &Ctx) -> bool {
    // A plan starting before its referral no longer starts on its conference's day: 2885 too.
    change_cpp(child, ctx, "1105", &["2885"], |p, referral| set_shifted(&mut p.start, referral, -1))
}

fn plant_2885(child: &mut Child, ctx: &Ctx) -> bool {
    change_cpp(child, ctx, "2885", &[], |p, _| {
        let start = p.start.clone();
        set_shifted(&mut p.start, &start, 1)
    })
}

/// A CIN plan from the referral on a referral with no further action; else, where no
/// referral is marked so, a referral with a CIN plan marked as no further action (which
/// other rules then see as activity on such a referral, 8831).
fn plant_4000(child: &mut Child, ctx: &Ctx) -> bool {
    let no_further_action = |nfa: &Text| matches!(nfa.as_deref(), Some("true" | "1"));
    plant_first(child, ctx, "4000", &[], episode_positions(child), |c, e, _| {
        let ep = &mut c.episodes[e];
        if !no_further_action(&ep.referral_nfa) || !ep.cin_plans.is_empty() || date(&ep.referral_date).is_none() {
            return false;
        }
        ep.cin_plans.push(CinPlan {
            start: ep.referral_date.clone(),
            end: ep.closure_date.clone(),
        });
        true
    }) || plant_first(child, ctx, "4000", &[], episode_positions(child), |c, e, _| {
        let ep = &mut c.episodes[e];
        if no_further_action(&ep.referral_nfa) || ep.cin_plans.is_empty() {
            return false;
        }
        ep.referral_nfa = Some("true".into());
        true
    })
}

/// A CIN plan left open in the episode of an open child protection plan. Whichever started
/// later fails 4016 or 4017 as well.
fn plant_4001(child: &mut Child, ctx: &Ctx) -> bool {
    let open_cpp = |c: &Child, e: usize| c.episodes[e].cp_plans.iter().find(|p| date(&p.end).is_none()).map(|p| p.start.clone());
    // First an existing plan of the episode left without its end, else a new one from the
    // day after the child protection plan's start.
    plant_first(child, ctx, "4001", &["4017"], cin_positions(child), |c, e, i| {
        open_cpp(c, e).is_some() && cin_mut(c, e, i).is_some_and(|p| p.end.take().is_some())
    }) || plant_first(child, ctx, "4001", &["4016"], episode_positions(child), |c, e, _| {
        let Some(start) = open_cpp(c, e).and_then(|s| shifted(&s, 1)) else {
            return false;
        };
        c.episodes[e].cin_plans.push(CinPlan { start: text(start), end: None });
        true
    })
}

/// A one-day CIN plan on the day of a review of an ended child protection plan (ending an
/// open one first); when the review fell before the end, the CIN plan also starts during the
/// child protection plan (4016).
fn plant_4003(child: &mut Child, ctx: &Ctx) -> bool {
    plant_first(child, ctx, "4003", &["4016"], cpp_positions(child), |c, e, i| {
        let Some(p) = cpp_mut(c, e, i) else { return false };
        let Some(review) = p.reviews.iter().find_map(date) else { return false };
        let start = p.start.clone();
        if ended(&mut p.end, &start, ctx).is_none() {
            return false;
        }
        let Some(next) = review.next_day() else { return false };
        c.episodes[e].cin_plans.push(CinPlan {
            start: text(review),
            end: text(next),
        });
        true
    })
}

/// Two open CIN plans in one open episode, which also overlap (4014).
fn plant_4004(child: &mut Child, ctx: &Ctx) -> bool {
    plant_first(child, ctx, "4004", &["4014"], cin_positions(child), |c, e, i| {
        if c.episodes[e].closure_date.is_some() {
            return false;
        }
        let Some(p) = cin_mut(c, e, i) else { return false };
        p.end = None;
        let twin = p.clone();
        c.episodes[e].cin_plans.push(twin);
        true
    })
}

fn plant_4008(child: &mut Child, ctx: &Ctx) -> bool {
    // Earlier plans may then end after the death: 4009Q too.
    let starts = cin_plans(child).map(|(_, _, c)| c.start.clone()).collect();
    plant_death(child, ctx, "4008", &["4009Q"], starts)
}

fn plant_4009q(child: &mut Child, ctx: &Ctx) -> bool {
    plant_first(child, ctx, "4009Q", &[], cin_positions(child), |c, e, i| {
        let Some(mut p) = cin_mut(c, e, i).cloned() else { return false };
        let planted = death_before_end(c, &mut p.end, &p.start, ctx);
        c.episodes[e].cin_plans[i] = p;
        planted
    })
}

fn plant_4010(child: &mut Child, ctx: &Ctx) -> bool {
    change_cin(child, ctx, "4010", &[], |p, _| p.start.take().is_some())
}

fn plant_4011(child: &mut Child, ctx: &Ctx) -> bool {
    change_cin(child, ctx, "4011", &[], |p, _| {
        let start = p.start.clone();
        set_shifted(&mut p.end, &start, -1)
    })
}

fn plant_4012q(child: &mut Child, ctx: &Ctx) -> bool {
    change_cin(child, ctx, "4012Q", &[], |p, _| {
        let start = p.start.clone();
        set_shifted(&mut p.end, &start, 0)
    })
}

/// An end outside the year for a plan: after the census date in an open episode (a closed
/// episode would then show activity after its closure, rule 8565), else the day before the
/// year for a plan that started before it.
fn end_out_of_year(episode_open: bool, start: &Text, ctx: &Ctx) -> Text {
    if episode_open {
        return ctx.reference_date.next_day().and_then(text);
    }
    let end = ctx.collection_start.previous_day()?;
    date(start).filter(|s| *s <= end).and_then(|_| text(end))
}

fn plant_4013(child: &mut Child, ctx: &Ctx) -> bool {
    plant_first(child, ctx, "4013", &[], cin_positions(child), |c, e, i| {
        let open = c.episodes[e].closure_date.is_none();
        let Some(p) = cin_mut(c, e, i) else { return false };
        p.end = end_out_of_year(open, &p.start, ctx);
        p.end.is_some()
    })
}

/// A one-day CIN plan recorded beside another from the same start.
fn plant_4014(child: &mut Child, ctx: &Ctx) -> bool {
    plant_first(child, ctx, "4014", &[], cin_positions(child), |c, e, i| {
        let ep = &mut c.episodes[e];
        let Some(start) = ep.cin_plans.get(i).map(|p| p.start.clone()) else {
            return false;
        };
        let Some(end) = shifted(&start, 1) else { return false };
        ep.cin_plans.push(CinPlan { start, end: text(end) });
        true
    })
}

fn plant_4015(child: &mut Child, ctx: &Ctx) -> bool {
    change_cin(child, ctx, "4015", &[], |p, referral| set_shifted(&mut p.start, referral, -1))
}

/// A two-day CIN plan starting the day after a child protection plan.
fn plant_4016(child: &mut Child, ctx: &Ctx) -> bool {
    add_cin_by_cpp(child, ctx, "4016", &[], |p| {
        Some(CinPlan {
            start: text(shifted(&p.start, 1)?),
            end: text(shifted(&p.start, 2)?),
        })
    })
}

/// A child protection plan starting while a CIN plan is open: an earlier CIN plan running
/// on a day past the start, else a new CIN plan from the day before to the day after.
fn plant_4017(child: &mut Child, ctx: &Ctx) -> bool {
    let starts: Vec<Text> = cp_plans(child).map(|(_, _, p)| p.start.clone()).collect();
    let extend = |c: &mut Child, e: usize, i: usize, start: &Text| {
        let Some(p) = cin_mut(c, e, i) else { return false };
        date(&p.end).is_some() && date(&p.start).is_some_and(|s| date(start).is_some_and(|start| s < start)) && set_shifted(&mut p.end, start, 1)
    };
    starts
        .iter()
        .any(|start| plant_first(child, ctx, "4017", &[], cin_positions(child), |c, e, i| extend(c, e, i, start)))
        || add_cin_by_cpp(child, ctx, "4017", &[], |p| {
            Some(CinPlan {
                start: text(shifted(&p.start, -1)?),
                end: text(shifted(&p.start, 1)?),
            })
        })
}

fn plant_8720(child: &mut Child, ctx: &Ctx) -> bool {
    change_cpp(child, ctx, "8720", &[], |p, _| p.start.take().is_some())
}

fn plant_8730(child: &mut Child, ctx: &Ctx) -> bool {
    change_cpp(child, ctx, "8730", &[], |p, _| p.previous_plans.take().is_some())
}

fn plant_8840(child: &mut Child, ctx: &Ctx) -> bool {
    change_cpp(child, ctx, "8840", &[], |p, _| {
        let start = p.start.clone();
        set_shifted(&mut p.end, &start, 0)
    })
}

fn plant_8841(child: &mut Child, ctx: &Ctx) -> bool {
    change_cpp(child, ctx, "8841", &[], |p, _| {
        let start = p.start.clone();
        match p.reviews.first_mut() {
            Some(r) if date(&start).is_some() => {
                *r = start;
                true
            }
            _ => false,
        }
    })
}

fn plant_8842q(child: &mut Child, ctx: &Ctx) -> bool {
    change_cpp(child, ctx, "8842Q", &[], |p, _| {
        match p.reviews.first_mut() {
            Some(r) => *r = Some(UNREADABLE_DATE.into()),
            None => p.reviews.push(Some(UNREADABLE_DATE.into())),
        }
        true
    })
}

fn plant_8905(child: &mut Child, ctx: &Ctx) -> bool {
    change_cpp(child, ctx, "8905", &[], |p, _| {
        p.initial_category = Some("ABC".into());
        true
    })
}

fn plant_8910(child: &mut Child, ctx: &Ctx) -> bool {
    change_cpp(child, ctx, "8910", &[], |p, _| {
        p.latest_category = Some("ABC".into());
        true
    })
}

fn plant_8915(child: &mut Child, ctx: &Ctx) -> bool {
    // An ended plan then also ends after the death: 8920 too.
    let starts = cp_plans(child).map(|(_, _, p)| p.start.clone()).collect();
    plant_death(child, ctx, "8915", &["8920"], starts)
}

fn plant_8920(child: &mut Child, ctx: &Ctx) -> bool {
    plant_first(child, ctx, "8920", &[], cpp_positions(child), |c, e, i| {
        let Some(mut p) = cpp_mut(c, e, i).cloned() else { return false };
        let planted = death_before_end(c, &mut p.end, &p.start, ctx);
        c.episodes[e].cp_plans[i] = p;
        planted
    })
}

fn plant_8925(child: &mut Child, ctx: &Ctx) -> bool {
    change_cpp(child, ctx, "8925", &[], |p, _| {
        let start = p.start.clone();
        set_shifted(&mut p.end, &start, -1)
    })
}

fn plant_8930(child: &mut Child, ctx: &Ctx) -> bool {
    plant_first(child, ctx, "8930", &[], cpp_positions(child), |c, e, i| {
        let open = c.episodes[e].closure_date.is_none();
        let Some(p) = cpp_mut(c, e, i) else { return false };
        p.end = end_out_of_year(open, &p.start, ctx);
        p.end.is_some()
    })
}

/// Reopens a plan of an earlier episode at the same position as an open one.
fn plant_8935(child: &mut Child, ctx: &Ctx) -> bool {
    let open: Vec<(usize, usize)> = cp_plans(child).filter(|(_, _, p)| date(&p.end).is_none()).map(|(e, i, _)| (e, i)).collect();
    plant_first(child, ctx, "8935", &[], cpp_positions(child), |c, e, i| {
        open.iter().any(|&(oe, oi)| oe != e && oi == i) && cpp_mut(c, e, i).is_some_and(|p| p.end.take().is_some())
    })
}

/// The same child protection plan recorded twice in its episode.
fn plant_8940(child: &mut Child, ctx: &Ctx) -> bool {
    plant_first(child, ctx, "8940", &[], cpp_positions(child), |c, e, i| {
        let ep = &mut c.episodes[e];
        let Some(twin) = ep.cp_plans.get(i).cloned() else { return false };
        ep.cp_plans.push(twin);
        true
    })
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;
    use super::*;
    use crate::model::{Assessment, CinDetails, Section47};

    /// The codes of this group's rules the child fails, sorted.
    fn mine(child: &Child) -> Vec<&'static str> {
        let rules: Vec<&'static Rule> = RULES.iter().collect();
        let mut codes: Vec<_> = super::super::check_child(&rules, child, &ctx()).into_iter().map(|f| f.code).collect();
        codes.sort();
        codes.dedup();
        codes
    }

    /// The failures of one rule for this child, as (field, place) lists.
    fn locs(code: &str, child: &Child) -> Vec<Vec<(&'static str, Place)>> {
        let rules: Vec<&'static Rule> = RULES.iter().filter(|r| r.code == code).collect();
        super::super::check_child(&rules, child, &ctx())
            .into_iter()
            .map(|f| f.locs.into_iter().map(|l| (l.field, l.place)).collect())
            .collect()
    }

    /// A child on a child protection plan after a section 47 enquiry and an initial
    /// conference, with one review; the episode is open.
    fn cp_child() -> Child {
        Child {
            la_child_id: t("C2"),
            upn: t("A201120000022"),
            birth_date: t("2012-02-10"),
            sex: t("F"),
            ethnicity: t("WBRI"),
            disabilities: vec![t("NONE")],
            episodes: vec![CinDetails {
                referral_date: t("2025-09-01"),
                referral_source: t("5A"),
                primary_need: t("N1"),
                referral_nfa: t("false"),
                assessments: vec![Assessment {
                    start: t("2025-09-01"),
                    authorisation: t("2025-10-10"),
                    factors: Some(vec![t("3A")]),
                    ..Assessment::default()
                }],
                section47s: vec![Section47 {
                    start: t("2025-09-02"),
                    icpc_target: t("2025-09-23"),
                    icpc_date: t("2025-09-22"),
                    icpc_not_required: t("false"),
                }],
                cp_plans: vec![CpPlan {
                    start: t("2025-09-22"),
                    end: None,
                    initial_category: t("NEG"),
                    latest_category: t("NEG"),
                    previous_plans: t("0"),
                    reviews: vec![t("2025-12-15")],
                }],
                ..CinDetails::default()
            }],
            ..Child::default()
        }
    }

    /// The child protection child whose plan ended on 2026-02-20.
    fn ended_cp_child() -> Child {
        let mut c = cp_child();
        c.episodes[0].cp_plans[0].end = t("2026-02-20");
        c
    }

    fn cin(start: &str, end: Option<&str>) -> CinPlan {
        CinPlan {
            start: t(start),
            end: end.map(str::to_string),
        }
    }

    fn cpp(start: &str, end: Option<&str>) -> CpPlan {
        CpPlan {
            start: t(start),
            end: end.map(str::to_string),
            ..cp_child().episodes[0].cp_plans[0].clone()
        }
    }

    /// A child whose first episode (closed, its conference recorded on the episode) held
    /// `first` and whose second holds `second`.
    fn two_episodes(first: Vec<CpPlan>, second: Vec<CpPlan>) -> Child {
        let mut c = cp_child();
        let mut earlier = c.episodes[0].clone();
        earlier.referral_date = t("2025-04-07");
        earlier.closure_date = t("2025-08-01");
        earlier.section47s.clear();
        earlier.date_of_initial_cpc = first.first().and_then(|p| p.start.clone());
        earlier.cp_plans = first;
        c.episodes[0].cp_plans = second;
        c.episodes.insert(0, earlier);
        c
    }

    #[test]
    fn the_test_children_pass_these_rules() {
        assert!(mine(&valid_child()).is_empty());
        assert!(mine(&cp_child()).is_empty());
        assert!(mine(&ended_cp_child()).is_empty());
    }

    #[test]
    fn cp_plan_start_not_before_referral_of_its_episode() {
        let mut c = cp_child();
        c.episodes[0].cp_plans[0].start = t("2025-09-01");
        c.episodes[0].section47s[0].icpc_date = t("2025-09-01");
        assert!(mine(&c).is_empty(), "same day as the referral");
        c.episodes[0].cp_plans[0].start = t("2025-08-31");
        c.episodes[0].section47s[0].icpc_date = t("2025-08-31");
        assert_eq!(mine(&c), ["1105"]);
        assert_eq!(
            locs("1105", &c),
            [vec![("CPPstartDate", cpp_at(0, 0)), ("CINreferralDate", Place::Episode { episode: 0 })]]
        );
        c.episodes[0].referral_date = None;
        assert!(!mine(&c).contains(&"1105"), "no referral date, nothing to compare");
        // A plan is compared with its own episode's referral only.
        let c = two_episodes(vec![cpp("2025-04-20", Some("2025-06-30"))], vec![]);
        assert!(!mine(&c).contains(&"1105"));
    }

    #[test]
    fn cp_plan_starts_on_the_initial_conference() {
        let mut c = cp_child();
        c.episodes[0].cp_plans[0].start = t("2025-09-23");
        assert_eq!(mine(&c), ["2885"]);
        assert_eq!(
            locs("2885", &c),
            [
                vec![("CPPstartDate", cpp_at(0, 0))],
                vec![("DateOfInitialCPC", Place::Section47 { episode: 0, index: 0 })]
            ]
        );
        // Plans starting before the year are not checked.
        c.episodes[0].cp_plans[0].start = t("2025-03-31");
        assert!(!mine(&c).contains(&"2885"));
        // Another section 47 of the episode whose conference matches: only the plan that
        // matches none fails, and the conferences pass.
        let mut c = cp_child();
        let other = Section47 {
            icpc_date: t("2025-10-01"),
            ..c.episodes[0].section47s[0].clone()
        };
        c.episodes[0].section47s.push(other);
        assert!(mine(&c).is_empty());
        c.episodes[0].cp_plans.push(cpp("2025-11-03", None));
        assert_eq!(locs("2885", &c), [vec![("CPPstartDate", cpp_at(0, 1))]]);
        // A section 47 marked "1" (not required) leaves the episode's own conference date.
        let mut c = cp_child();
        c.episodes[0].section47s[0].icpc_not_required = t("1");
        c.episodes[0].section47s[0].icpc_date = None;
        assert_eq!(
            locs("2885", &c),
            [vec![("CPPstartDate", cpp_at(0, 0))], vec![("DateOfInitialCPC", Place::Episode { episode: 0 })]]
        );
        c.episodes[0].date_of_initial_cpc = t("2025-09-22");
        assert!(!mine(&c).contains(&"2885"));
        // ... but "true" does not set it aside for the DfE's validator.
        c.episodes[0].section47s[0].icpc_not_required = t("true");
        assert!(mine(&c).contains(&"2885"));
        // No section 47 and no conference date at all.
        let mut c = cp_child();
        c.episodes[0].section47s.clear();
        assert!(mine(&c).contains(&"2885"));
    }

    #[test]
    fn no_cin_plan_on_a_referral_with_no_further_action() {
        let mut c = valid_child();
        for (nfa, fails) in [("true", true), ("1", true), ("TRUE", false), ("True", false), ("false", false), ("0", false)] {
            c.episodes[0].referral_nfa = t(nfa);
            assert_eq!(mine(&c).contains(&"4000"), fails, "{nfa}");
        }
        c.episodes[0].referral_nfa = t("true");
        c.episodes[0].cin_plans.clear();
        assert!(!mine(&c).contains(&"4000"));
    }

    #[test]
    fn no_open_cin_plan_beside_an_open_cp_plan_of_the_episode() {
        let mut c = cp_child();
        c.episodes[0].cin_plans.push(cin("2025-06-23", None));
        assert!(mine(&c).contains(&"4001"));
        assert_eq!(locs("4001", &c), [vec![("CPPendDate", cpp_at(0, 0)), ("CINPlanEndDate", cin_at(0, 0))]]);
        c.episodes[0].cin_plans[0].start = None;
        assert!(!mine(&c).contains(&"4001"), "a CIN plan without a start is not compared");
        let mut c = ended_cp_child();
        c.episodes[0].cin_plans.push(cin("2025-06-23", None));
        assert!(!mine(&c).contains(&"4001"));
        let mut c = two_episodes(vec![cpp("2025-04-20", None)], vec![]);
        c.episodes[1].cin_plans.push(cin("2025-09-10", None));
        assert!(!mine(&c).contains(&"4001"), "in another episode");
    }

    #[test]
    fn no_cp_review_during_a_cin_plan() {
        let mut c = ended_cp_child();
        c.episodes[0].cin_plans.push(cin("2025-12-01", Some("2026-01-10")));
        assert!(mine(&c).contains(&"4003"));
        assert_eq!(
            locs("4003", &c),
            [vec![
                ("CPPendDate", cpp_at(0, 0)),
                ("CINPlanStartDate", cin_at(0, 0)),
                ("CPPreviewDate", review_at(0, 0, 0))
            ]]
        );
        // An open CIN plan never counts, nor does an open child protection plan.
        c.episodes[0].cin_plans[0].end = None;
        assert!(!mine(&c).contains(&"4003"));
        let mut c = cp_child();
        c.episodes[0].cin_plans.push(cin("2025-12-01", Some("2026-01-10")));
        assert!(!mine(&c).contains(&"4003"));
        // A review on the plan's last day is not one held during the CIN plan.
        let mut c = ended_cp_child();
        c.episodes[0].cp_plans[0].end = t("2025-12-15");
        c.episodes[0].cin_plans.push(cin("2025-12-01", Some("2026-01-10")));
        assert!(!mine(&c).contains(&"4003"));
        // Reviews are matched to plans by position: a review of the first episode's plan
        // counts against the second episode's first plan, which has ended.
        let mut c = two_episodes(vec![cpp("2025-04-20", None)], vec![cpp("2025-09-22", Some("2026-02-20"))]);
        c.episodes[0].cp_plans[0].reviews = vec![t("2025-06-02")];
        c.episodes[1].cp_plans[0].reviews.clear();
        c.episodes[1].cin_plans.push(cin("2025-06-01", Some("2025-06-05")));
        assert_eq!(locs("4003", &c).len(), 1);
    }

    #[test]
    fn at_most_one_open_cin_plan_per_episode() {
        let mut c = valid_child();
        c.episodes[0].cin_plans = vec![cin("2025-06-23", None), cin("2025-07-01", Some("2025-08-01")), cin("2025-09-01", None)];
        assert!(mine(&c).contains(&"4004"));
        assert_eq!(locs("4004", &c), [(0..3).map(|i| ("CINPlanEndDate", cin_at(0, i))).collect::<Vec<_>>()]);
        c.episodes[0].cin_plans.pop();
        assert!(!mine(&c).contains(&"4004"));
        let mut other = c.episodes[0].clone();
        other.cin_plans = vec![cin("2025-12-01", None)];
        c.episodes.push(other);
        assert!(!mine(&c).contains(&"4004"), "open plans of two episodes");
    }

    #[test]
    fn cin_plans_and_date_of_death() {
        let mut c = valid_child();
        c.death_date = t("2025-06-23");
        assert_eq!(mine(&c), ["4009Q"], "a plan starting on the day of death passes 4008");
        c.death_date = t("2025-06-22");
        assert_eq!(mine(&c), ["4008", "4009Q"]);
        assert_eq!(locs("4008", &c), [vec![("PersonDeathDate", Place::Child), ("CINPlanStartDate", cin_at(0, 0))]]);
        c.episodes[0].cin_plans[0].end = None;
        assert_eq!(mine(&c), ["4008"]);
        c.death_date = t("2026-01-15");
        c.episodes[0].cin_plans[0].end = t("2026-01-15");
        assert!(mine(&c).is_empty());
        c.death_date = None;
        assert!(mine(&c).is_empty());
    }

    #[test]
    fn cin_plan_start_present_and_not_after_the_census_date() {
        let mut c = valid_child();
        for (start, fails) in [("2026-04-01", true), ("2026-03-31", false), ("1999-01-30", false), ("2025-02-30", true)] {
            c.episodes[0].cin_plans[0] = cin(start, None);
            assert_eq!(mine(&c).contains(&"4010"), fails, "{start}");
        }
        c.episodes[0].cin_plans[0].start = None;
        assert!(mine(&c).contains(&"4010"));
    }

    #[test]
    fn cin_plan_end_after_start_within_the_year() {
        let mut c = valid_child();
        c.episodes[0].cin_plans[0].end = t("2025-06-22");
        assert_eq!(mine(&c), ["4011"]);
        c.episodes[0].cin_plans[0].end = t("2025-06-23");
        assert_eq!(mine(&c), ["4012Q"]);
        assert_eq!(locs("4012Q", &c), [vec![("CINPlanStartDate", cin_at(0, 0)), ("CINPlanEndDate", cin_at(0, 0))]]);
        c.episodes[0].cin_plans[0].start = None;
        assert_eq!(mine(&c), ["4010"]);
        let mut c = valid_child();
        c.episodes[0].cin_plans[0].end = t("2026-04-01");
        assert_eq!(mine(&c), ["4013"]);
        c.episodes[0].referral_date = t("2025-01-06");
        c.episodes[0].cin_plans[0] = cin("2025-02-01", Some("2025-03-31"));
        assert_eq!(mine(&c), ["4013"]);
        c.episodes[0].cin_plans[0].end = t("2025-04-01");
        assert!(mine(&c).is_empty());
    }

    #[test]
    fn cin_plans_do_not_overlap() {
        let mut c = valid_child();
        let ep = &mut c.episodes[0];
        ep.cin_plans = vec![cin("2025-06-23", Some("2025-10-26")), cin("2025-10-27", Some("2025-12-26"))];
        assert!(mine(&c).is_empty(), "the next starts the day after");
        c.episodes[0].cin_plans[1].start = t("2025-10-26");
        assert_eq!(mine(&c), ["4014"]);
        assert_eq!(
            locs("4014", &c),
            [vec![
                ("CINPlanStartDate", cin_at(0, 1)),
                ("CINPlanStartDate", cin_at(0, 0)),
                ("CINPlanEndDate", cin_at(0, 0))
            ]]
        );
        // An open plan runs to the census date.
        c.episodes[0].cin_plans = vec![cin("2025-06-23", None), cin("2026-03-31", Some("2026-03-31"))];
        assert!(mine(&c).contains(&"4014"));
        // Plans of different episodes are compared too.
        let mut c = valid_child();
        let mut other = c.episodes[0].clone();
        other.cin_plans = vec![cin("2026-01-15", Some("2026-02-01"))];
        c.episodes.push(other);
        assert!(mine(&c).contains(&"4014"));
    }

    #[test]
    fn cin_plan_start_not_before_referral() {
        let mut c = valid_child();
        c.episodes[0].cin_plans[0].start = t("2025-05-05");
        assert_eq!(mine(&c), ["4015"]);
        c.episodes[0].cin_plans[0].start = t("2025-05-06");
        assert!(mine(&c).is_empty());
    }

    #[test]
    fn cin_plan_does_not_start_during_a_cp_plan() {
        let mut c = two_episodes(vec![cpp("2025-05-26", Some("2025-05-30")), cpp("2025-06-26", None)], vec![]);
        let starts = ["2025-04-04", "2025-05-28", "2025-05-30", "2025-06-04", "2025-06-30"];
        c.episodes[1].cin_plans = starts.iter().map(|s| cin(s, Some("2026-03-31"))).collect();
        let failing: Vec<Place> = locs("4016", &c).into_iter().map(|f| f[2].1).collect();
        assert_eq!(failing, [cin_at(1, 1), cin_at(1, 4)]);
        // A plan starting on the census date while a child protection plan is open.
        let mut c = cp_child();
        c.episodes[0].cin_plans.push(cin("2026-03-31", None));
        assert!(mine(&c).contains(&"4016"));
    }

    #[test]
    fn cp_plan_does_not_start_during_a_cin_plan() {
        let mut c = cp_child();
        c.episodes[0].cin_plans = vec![cin("2025-09-01", Some("2025-09-22"))];
        assert!(mine(&c).is_empty(), "the CIN plan ends the day the child protection plan starts");
        c.episodes[0].cin_plans[0].end = t("2025-09-23");
        assert_eq!(mine(&c), ["4017"]);
        c.episodes[0].cin_plans[0].end = None;
        assert_eq!(mine(&c), ["4001", "4017"]);
        c.episodes[0].cin_plans[0].start = t("2025-09-22");
        assert_eq!(mine(&c), ["4001", "4016", "4017"]);
    }

    #[test]
    fn cp_plan_start_present_and_not_after_the_census_date() {
        let mut c = cp_child();
        c.episodes[0].cp_plans[0].start = t("2026-04-01");
        assert!(mine(&c).contains(&"8720"));
        c.episodes[0].cp_plans[0].start = None;
        assert_eq!(mine(&c), ["8720"]);
        c.episodes[0].cp_plans[0].start = t("2019-03-01");
        assert!(!mine(&c).contains(&"8720"));
    }

    #[test]
    fn number_of_previous_plans() {
        let mut c = cp_child();
        for (n, fails) in [("0", false), ("1234", false), ("-1", true), ("x", true), ("1.5", true)] {
            c.episodes[0].cp_plans[0].previous_plans = t(n);
            assert_eq!(mine(&c).contains(&"8730"), fails, "{n}");
        }
        c.episodes[0].cp_plans[0].previous_plans = None;
        assert_eq!(mine(&c), ["8730"]);
    }

    #[test]
    fn cp_plan_dates() {
        let mut c = cp_child();
        c.episodes[0].cp_plans[0].end = t("2025-09-22");
        assert_eq!(mine(&c), ["8840"]);
        c.episodes[0].cp_plans[0].end = t("2025-09-21");
        assert_eq!(mine(&c), ["8925"]);
        assert_eq!(locs("8925", &c), [vec![("CPPstartDate", cpp_at(0, 0)), ("CPPendDate", cpp_at(0, 0))]]);
        c.episodes[0].cp_plans[0].end = t("2026-04-01");
        assert_eq!(mine(&c), ["8930"]);
        c.episodes[0].cp_plans[0] = cpp("2025-01-10", Some("2025-03-31"));
        assert!(mine(&c).contains(&"8930"));
        c.episodes[0].cp_plans[0].start = None;
        assert!(!mine(&c).contains(&"8925") && !mine(&c).contains(&"8840"));
    }

    #[test]
    fn reviews_after_the_start_and_dated() {
        let mut c = cp_child();
        c.episodes[0].cp_plans[0].reviews = vec![t("2025-12-15"), t("2025-09-22")];
        assert_eq!(mine(&c), ["8841"]);
        assert_eq!(locs("8841", &c), [vec![("CPPstartDate", cpp_at(0, 0)), ("CPPreviewDate", review_at(0, 0, 1))]]);
        c.episodes[0].cp_plans[0].reviews[1] = t("2025-01-01");
        assert_eq!(mine(&c), ["8841"]);
        c.episodes[0].cp_plans[0].reviews[1] = None;
        assert_eq!(mine(&c), ["8842Q"]);
        c.episodes[0].cp_plans[0].reviews[1] = t("not a date");
        assert_eq!(mine(&c), ["8842Q"]);
    }

    #[test]
    fn categories_of_abuse() {
        let mut c = cp_child();
        for (code, fails) in [("MUL", false), ("EMO", false), ("neg", true), ("AAA", true)] {
            c.episodes[0].cp_plans[0].initial_category = t(code);
            c.episodes[0].cp_plans[0].latest_category = t(code);
            assert_eq!(mine(&c) == ["8905", "8910"], fails, "{code}");
        }
        c.episodes[0].cp_plans[0].initial_category = None;
        c.episodes[0].cp_plans[0].latest_category = t("PHY");
        assert_eq!(mine(&c), ["8905"]);
    }

    #[test]
    fn cp_plans_and_date_of_death() {
        let mut c = ended_cp_child();
        c.death_date = t("2025-09-21");
        assert_eq!(mine(&c), ["8915", "8920"]);
        assert_eq!(locs("8915", &c), [vec![("PersonDeathDate", Place::Child), ("CPPstartDate", cpp_at(0, 0))]]);
        c.death_date = t("2025-09-22");
        assert_eq!(mine(&c), ["8920"]);
        c.death_date = t("2026-02-20");
        assert!(mine(&c).is_empty());
        let mut c = cp_child();
        c.death_date = t("2025-09-22");
        assert!(mine(&c).is_empty(), "an open plan does not end after the death");
    }

    #[test]
    fn open_cp_plans_are_counted_by_position() {
        // Two open plans of one episode sit at different positions: not counted together.
        let mut c = cp_child();
        c.episodes[0].cp_plans.push(cpp("2025-09-22", None));
        assert!(!mine(&c).contains(&"8935"));
        // The first plans of two episodes, both open.
        let c = two_episodes(vec![cpp("2025-04-20", None)], vec![cpp("2025-09-22", None)]);
        assert!(mine(&c).contains(&"8935"));
        assert_eq!(locs("8935", &c), [vec![("CPPendDate", cpp_at(0, 0)), ("CPPendDate", cpp_at(1, 0))]]);
        let c = two_episodes(vec![cpp("2025-04-20", Some("2025-06-30"))], vec![cpp("2025-09-22", None)]);
        assert!(mine(&c).is_empty());
    }

    #[test]
    fn cp_plans_do_not_overlap() {
        let mut c = ended_cp_child();
        c.episodes[0].cp_plans.push(cpp("2026-02-21", None));
        assert!(!mine(&c).contains(&"8940"), "the next starts the day after");
        c.episodes[0].cp_plans[1].start = t("2026-02-20");
        assert!(mine(&c).contains(&"8940"));
        assert_eq!(
            locs("8940", &c),
            [vec![
                ("CPPstartDate", cpp_at(0, 1)),
                ("CPPstartDate", cpp_at(0, 0)),
                ("CPPendDate", cpp_at(0, 0))
            ]]
        );
        // Plans at the same position in different episodes are never compared...
        let c = two_episodes(vec![cpp("2025-04-20", Some("2025-12-01"))], vec![cpp("2025-09-22", Some("2026-02-20"))]);
        assert!(!mine(&c).contains(&"8940"));
        // ... plans at different positions are.
        let c = two_episodes(
            vec![cpp("2025-04-10", Some("2025-04-15")), cpp("2025-04-20", Some("2025-12-01"))],
            vec![cpp("2025-09-22", Some("2026-02-20"))],
        );
        assert!(mine(&c).contains(&"8940"));
    }

    #[test]
    fn plans_and_conferences_counted_for_2883() {
        let mut c = cp_child();
        assert_eq!(plans_and_conferences_in_year(&c, &ctx()), (1, 1));
        c.episodes[0].cp_plans.push(cpp("2025-12-01", None));
        c.episodes[0].cp_plans.push(cpp("2026-04-01", None));
        c.episodes[0].date_of_initial_cpc = t("2025-03-31");
        assert_eq!(plans_and_conferences_in_year(&c, &ctx()), (2, 1));
        let mut file = CensusFile {
            header: header(),
            children: vec![valid_child(), cp_child(), cp_child()],
        };
        assert!(plant_2883(&mut file, &ctx()));
        let totals = file
            .children
            .iter()
            .map(|c| plans_and_conferences_in_year(c, &ctx()))
            .fold((0, 0), |a, b| (a.0 + b.0, a.1 + b.1));
        assert_eq!(totals, (2, 1));
        let mut file = CensusFile {
            header: header(),
            children: vec![valid_child()],
        };
        assert!(!plant_2883(&mut file, &ctx()));
    }

    #[test]
    fn every_planter_plants_its_rule_on_one_of_the_test_children() {
        let mut nfa = valid_child();
        nfa.episodes[0] = CinDetails {
            referral_date: t("2025-11-03"),
            referral_source: t("3A"),
            referral_nfa: t("true"),
            ..CinDetails::default()
        };
        let mut cin_then_cp = ended_cp_child();
        cin_then_cp.episodes[0].cin_plans.push(cin("2025-09-05", Some("2025-09-22")));
        let reopened = two_episodes(vec![cpp("2025-04-20", Some("2025-06-30"))], vec![cpp("2025-09-22", None)]);
        let mut open_cin = valid_child();
        open_cin.episodes[0].closure_date = None;
        open_cin.episodes[0].reason_for_closure = None;
        open_cin.episodes[0].cin_plans[0].end = None;
        let children = [valid_child(), cp_child(), ended_cp_child(), nfa, cin_then_cp, reopened, open_cin];
        for rule in RULES {
            let Plant::Child(plant) = rule.plant else { continue };
            let planted = children.iter().find_map(|c| {
                let mut c = c.clone();
                plant(&mut c, &ctx()).then_some(c)
            });
            let Some(planted) = planted else {
                panic!("{} planted on none of the test children", rule.code)
            };
            assert!(mine(&planted).contains(&rule.code), "{}: {:?}", rule.code, mine(&planted));
        }
    }
}
