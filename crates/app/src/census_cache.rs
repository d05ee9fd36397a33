//! The CIN census kept checked in memory, so that the data-quality page of a large LA answers
//! in milliseconds (issue 16). Each child's census record and failures are built once per
//! collection year and day; afterwards only the children the store's census log names as
//! changed are built again (`Tx::census_changes`). Each instance keeps its own, and the log
//! is in the database, so a change made through another instance is seen too.
use hearth_cin_census::readiness::Issue;
use hearth_cin_census::Failure;
use hearth_domain::person::Allocation;
use hearth_domain::returns::cin::{CensusChild, CollectionYear};
use hearth_domain::PersonId;
use std::collections::HashMap;
use time::Date;

/// One child of the census, checked.
#[derive(Clone, Debug)]
pub(crate) struct Checked {
    pub child: CensusChild,
    /// The child as the file has them (what the rules read).
    pub in_file: hearth_cin_census::Child,
    pub issues: Vec<Issue>,
    pub name: String,
    pub restricted: bool,
    pub allocation: Allocation,
}

/// One collection year's census as the store stood at change `seq`, checked on `day`.
#[derive(Debug)]
pub(crate) struct Census {
    pub day: Date,
    pub seq: i64,
    pub children: HashMap<PersonId, Checked>,
    /// The failures of the return as a whole, worked out when first asked for after a change.
    return_level: std::sync::OnceLock<Vec<Failure>>,
}

impl Census {
    pub fn new(day: Date, seq: i64, children: impl IntoIterator<Item = Checked>) -> Self {
        Self { day, seq, children: children.into_iter().map(|c| (c.child.person, c)).collect(), return_level: Default::default() }
    }

    /// Replaces the children of `changed` with those `rebuilt` (a child no longer in the
    /// census is simply not among them), as the store stood at change `seq`.
    pub fn refresh(&mut self, changed: &[PersonId], rebuilt: impl IntoIterator<Item = Checked>, seq: i64) {
        for p in changed {
            self.children.remove(p);
        }
        self.children.extend(rebuilt.into_iter().map(|c| (c.child.person, c)));
        self.seq = seq;
        self.return_level = Default::default();
    }

    /// The children in LA child id order: the file's.
    pub fn in_order(&self) -> Vec<&Checked> {
        let mut all: Vec<&Checked> = self.children.values().collect();
        all.sort_by(|a, b| a.child.la_child_id.cmp(&b.child.la_child_id));
        all
    }

    /// The failures of the return as a whole (ids used twice, proportions), under `ctx`.
    pub fn return_level(&self, ctx: hearth_cin_census::rules::Ctx<'static>) -> &[Failure] {
        self.return_level.get_or_init(|| {
            // Child-level failures are each child's `issues`; the validator runs only the rules
            // about the return as a whole (Hearth's header is always right).
            let rules = hearth_cin_census::rules::all().into_iter().filter(|r| matches!(r.check, hearth_cin_census::rules::Check::Return(_))).collect();
            let mut validator = hearth_cin_census::Validator::with_rules(&hearth_cin_census::Header::default(), ctx, rules);
            for c in self.in_order() {
                validator.child(&c.in_file);
            }
            validator.finish()
        })
    }
}

/// The censuses kept, one per collection year asked about.
pub(crate) type Kept = tokio::sync::Mutex<HashMap<CollectionYear, Census>>;

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn checked(id: &str) -> Checked {
        let person = PersonId::new();
        let child = CensusChild {
            person,
            la_child_id: id.into(),
            upn: None,
            upn_unknown: None,
            birth_date: Some(date!(2015 - 01 - 01)),
            expected_birth_date: None,
            death_date: None,
            sex: "F",
            ethnicity: None,
            disabilities: vec!["NONE"],
            episodes: Vec::new(),
        };
        let in_file = hearth_cin_census::from_hearth::child(&child);
        Checked { child, in_file, issues: Vec::new(), name: id.into(), restricted: false, allocation: Allocation::default() }
    }

    #[test]
    fn a_refresh_replaces_changed_children_and_forgets_the_return_failures() {
        let (mut a, b, c) = (checked("A1"), checked("B1"), checked("C1"));
        a.child.upn = Some("A820200112005".into());
        a.in_file = hearth_cin_census::from_hearth::child(&a.child);
        let mut census = Census::new(date!(2026 - 12 - 07), 5, [a.clone(), b.clone()]);
        let year = CollectionYear::parse("2026-27").expect("supported");
        let ctx = crate::returns::census_ctx(year, date!(2026 - 12 - 07));
        let duplicate_upn = |c: &Census| c.return_level(ctx).iter().any(|f| f.code == "1520");
        assert!(!duplicate_upn(&census));
        // B changed and left the census; C is new and has A's UPN.
        let mut c_again = c.clone();
        c_again.child.upn = a.child.upn.clone();
        c_again.in_file = hearth_cin_census::from_hearth::child(&c_again.child);
        census.refresh(&[b.child.person, c.child.person], [c_again], 9);
        assert_eq!(census.seq, 9);
        assert!(!census.children.contains_key(&b.child.person) && census.children.contains_key(&a.child.person));
        assert_eq!(census.in_order().iter().map(|c| c.child.la_child_id.as_str()).collect::<Vec<_>>(), vec!["A1", "C1"]);
        assert!(duplicate_upn(&census), "worked out again: the UPN is used twice now");
    }
}
