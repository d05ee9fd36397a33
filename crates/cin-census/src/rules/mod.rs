//! The DfE's CIN census validation rules (2025-26 and 2026-27 share one ruleset), each with
//! the code, type and message of the guidance. A rule looks at one child, at the header, or
//! at the whole return; [`Validator`] runs them all over a stream of children.
//!
//! Each rule also knows how to break a valid child so that it fails ([`Plant`]): the
//! agreement test plants every rule's violation into a valid file and checks that the DfE's
//! validator and this one name the same rules for the same children.
use crate::model::{self, CensusFile, Child, Header, Text};
use hearth_domain::calendar::Calendar;
use time::{Date, Month};

pub mod codes;
mod episodes;
mod identifiers;
mod assessments;
mod plans;

/// ERROR failures stop the return; QUERY failures need an explanation to the DfE.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Kind {
    Error,
    Query,
}

/// Where in the file a value sits: indexes are 0-based positions among the element's
/// siblings of the same name (episode 0 is the child's first `<CINdetails>`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(tag = "at", rename_all = "snake_case")]
pub enum Place {
    Header,
    Child,
    Disability { index: usize },
    Episode { episode: usize },
    Assessment { episode: usize, index: usize },
    CinPlan { episode: usize, index: usize },
    Section47 { episode: usize, index: usize },
    CpPlan { episode: usize, index: usize },
    Review { episode: usize, plan: usize, index: usize },
}

/// One field a failure points at, with the value as written.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Loc {
    pub place: Place,
    pub field: &'static str,
    pub value: Option<String>,
}

impl Loc {
    pub fn new(place: Place, field: &'static str, value: &Text) -> Loc {
        Loc { place, field, value: value.clone() }
    }
}

/// One failure of one rule: for a child, for the header or for the whole return.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Failure {
    pub code: &'static str,
    #[serde(rename = "type")]
    pub kind: Kind,
    pub message: &'static str,
    /// The LA child id of the child concerned; `None` for header and return-level rules.
    pub child_id: Option<String>,
    pub locs: Vec<Loc>,
}

/// What the rules know about the collection.
#[derive(Clone, Copy)]
pub struct Ctx<'a> {
    /// The census date, 31 March: the last day of the collection year.
    pub reference_date: Date,
    /// 1 April of the year before.
    pub collection_start: Date,
    pub calendar: &'a Calendar,
}

impl<'a> Ctx<'a> {
    /// The collection whose census date is `reference_date`.
    pub fn new(reference_date: Date, calendar: &'a Calendar) -> Ctx<'a> {
        let collection_start = reference_date
            .replace_year(reference_date.year() - 1)
            .ok()
            .and_then(|d| d.next_day())
            .unwrap_or(reference_date);
        Ctx { reference_date, collection_start, calendar }
    }

    /// A collection year still under way, judged as if its census were taken on `today`:
    /// what the rules say about an open assessment or enquiry then depends on how long it
    /// has really been open, not on a census date months away.
    pub fn so_far(collection_start: Date, today: Date, calendar: &'a Calendar) -> Ctx<'a> {
        Ctx { reference_date: today.max(collection_start), collection_start, calendar }
    }

    /// The header's `ReferenceDate`, or 31 March of its `Year` when that is unreadable.
    pub fn from_header(header: &Header, calendar: &'a Calendar) -> Option<Ctx<'a>> {
        let date = model::date(&header.reference_date).or_else(|| {
            let year: i32 = header.year.as_deref()?.trim().parse().ok()?;
            Date::from_calendar_date(year, Month::March, 31).ok()
        })?;
        Some(Ctx::new(date, calendar))
    }

    /// Within the collection year, both ends included.
    pub fn in_year(&self, d: Date) -> bool {
        d >= self.collection_start && d <= self.reference_date
    }
}

/// Hits of one rule: each is a group of locations, for a child (filled in by the
/// validator for child rules) or named by a return-level rule.
#[derive(Default)]
pub struct Hits {
    list: Vec<(Option<String>, Vec<Loc>)>,
}

impl Hits {
    /// A failure of the child being checked (or of the header), at these fields.
    pub fn add(&mut self, locs: Vec<Loc>) {
        self.list.push((None, locs));
    }

    /// A failure of a return-level rule naming a child.
    pub fn add_for(&mut self, child_id: Option<String>, locs: Vec<Loc>) {
        self.list.push((child_id, locs));
    }
}

/// What return-level rules need of each child, kept while the children stream past.
#[derive(Clone, Debug)]
pub struct Seen {
    pub la_child_id: Text,
    pub upn: Text,
    pub sex: Text,
    pub birth_date: Text,
    pub expected_birth_date: Text,
    pub disabilities: Vec<Text>,
    /// Child protection plans starting in the year and initial conferences held in it (2883).
    pub plans_and_conferences: (usize, usize),
}

impl Seen {
    pub fn of(child: &Child, ctx: &Ctx) -> Seen {
        Seen {
            la_child_id: child.la_child_id.clone(),
            upn: child.upn.clone(),
            sex: child.sex.clone(),
            birth_date: child.birth_date.clone(),
            expected_birth_date: child.expected_birth_date.clone(),
            disabilities: child.disabilities.clone(),
            plans_and_conferences: plans::plans_and_conferences_in_year(child, ctx),
        }
    }
}

pub type ChildCheck = fn(&Child, &Ctx, &mut Hits);
pub type HeaderCheck = fn(&Header, &Ctx, &mut Hits);
pub type ReturnCheck = fn(&[&Seen], &Ctx, &mut Hits);

#[derive(Clone, Copy)]
pub enum Check {
    Header(HeaderCheck),
    Child(ChildCheck),
    Return(ReturnCheck),
}

/// How to make a valid file fail a rule, for the agreement test. A child planter changes one
/// valid child and returns false when it cannot apply to that child (an unborn child for a
/// UPN rule, say); a file planter changes the file.
#[derive(Clone, Copy)]
pub enum Plant {
    Child(fn(&mut Child, &Ctx) -> bool),
    File(fn(&mut CensusFile, &Ctx) -> bool),
}

/// A validation rule of the DfE's ruleset.
pub struct Rule {
    pub code: &'static str,
    pub kind: Kind,
    pub message: &'static str,
    pub check: Check,
    pub plant: Plant,
}

/// Every rule, in code order.
pub fn all() -> Vec<&'static Rule> {
    let mut rules: Vec<&'static Rule> =
        identifiers::RULES.iter().chain(episodes::RULES).chain(assessments::RULES).chain(plans::RULES).collect();
    rules.sort_by(|a, b| a.code.cmp(b.code));
    rules
}

/// The rule with this code (`"8510"`, `"2886Q"`).
pub fn find(code: &str) -> Option<&'static Rule> {
    all().into_iter().find(|r| r.code.eq_ignore_ascii_case(code))
}

/// Runs the rules over a header and a stream of children.
pub struct Validator<'a> {
    ctx: Ctx<'a>,
    rules: Vec<&'static Rule>,
    seen: Vec<Seen>,
    failures: Vec<Failure>,
}

fn failures_of(rule: &'static Rule, child_id: Option<&str>, hits: Hits) -> impl Iterator<Item = Failure> {
    hits.list.into_iter().map(move |(named, locs)| Failure {
        code: rule.code,
        kind: rule.kind,
        message: rule.message,
        child_id: named.or_else(|| child_id.map(str::to_string)),
        locs,
    })
}

impl<'a> Validator<'a> {
    /// Starts a validation: checks the header at once.
    pub fn new(header: &Header, ctx: Ctx<'a>) -> Validator<'a> {
        Validator::with_rules(header, ctx, all())
    }

    /// Only these rules (the CLI's `--rules`).
    pub fn with_rules(header: &Header, ctx: Ctx<'a>, rules: Vec<&'static Rule>) -> Validator<'a> {
        let mut failures = Vec::new();
        for rule in &rules {
            if let Check::Header(check) = rule.check {
                let mut hits = Hits::default();
                check(header, &ctx, &mut hits);
                failures.extend(failures_of(rule, None, hits));
            }
        }
        Validator { ctx, rules, seen: Vec::new(), failures }
    }

    /// Checks one child and remembers what the return-level rules need.
    pub fn child(&mut self, child: &Child) {
        let found = check_child(&self.rules, child, &self.ctx);
        self.failures.extend(found);
        self.seen.push(Seen::of(child, &self.ctx));
    }

    /// The return-level rules, then every failure found, in file order.
    pub fn finish(mut self) -> Vec<Failure> {
        self.failures.extend(return_failures(&self.rules, &self.seen.iter().collect::<Vec<_>>(), &self.ctx));
        self.failures
    }
}

/// The failures of those of `rules` about the return as a whole, over its children as
/// `seen` (failures about a child come in the order of `seen`).
pub fn return_failures(rules: &[&'static Rule], seen: &[&Seen], ctx: &Ctx) -> Vec<Failure> {
    let mut failures = Vec::new();
    for rule in rules {
        if let Check::Return(check) = rule.check {
            let mut hits = Hits::default();
            check(seen, ctx, &mut hits);
            failures.extend(failures_of(rule, None, hits));
        }
    }
    failures
}

/// The child-level failures of one child: what the return-readiness panel shows.
pub fn check_child(rules: &[&'static Rule], child: &Child, ctx: &Ctx) -> Vec<Failure> {
    let mut out = Vec::new();
    for rule in rules {
        if let Check::Child(check) = rule.check {
            let mut hits = Hits::default();
            check(child, ctx, &mut hits);
            out.extend(failures_of(rule, Some(child.id()), hits));
        }
    }
    out
}

/// Validates a file held in memory.
pub fn validate(file: &CensusFile, ctx: Ctx) -> Vec<Failure> {
    let mut v = Validator::new(&file.header, ctx);
    for child in &file.children {
        v.child(child);
    }
    v.finish()
}

#[cfg(test)]
pub(crate) mod testing;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_every_rule_of_the_ruleset_is_here() {
        let rules = all();
        let mut codes: Vec<&str> = rules.iter().map(|r| r.code).collect();
        codes.dedup();
        assert_eq!(codes.len(), rules.len(), "duplicate rule codes");
        assert_eq!(rules.len(), codes::RULESET.len(), "rules missing: {:?}", codes::RULESET.iter().filter(|c| !codes.contains(c)).collect::<Vec<_>>());
        for r in &rules {
            assert_eq!(r.code.ends_with('Q'), r.kind == Kind::Query, "{}: type and code disagree", r.code);
        }
    }
}
