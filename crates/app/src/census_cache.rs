//! The CIN census kept checked in memory, so that the data-quality page of a large LA answers
//! in milliseconds (issue 16). Each child's census record and failures are built once per
//! collection year and day; afterwards only the children the store's census log names as
//! changed are built again (`Tx::census_changes`). Each instance keeps its own, and the log
//! is in the database, so a change made through another instance is seen too.
use hearth_cin_census::readiness::Issue;
use hearth_cin_census::rules::Seen;
use hearth_cin_census::Failure;
use hearth_domain::person::Allocation;
use hearth_domain::returns::cin::CollectionYear;
use hearth_domain::PersonId;
use std::collections::HashMap;
use time::Date;

/// One child of the census, checked: what the data-quality page shows of them, not their
/// whole census record (15,000 of those would hold hundreds of megabytes).
#[derive(Clone, Debug)]
pub(crate) struct Checked {
    pub person: PersonId,
    pub la_child_id: String,
    /// What the rules about the return as a whole need of the child.
    pub seen: Seen,
    /// Shared with the pages that show them, not copied for each.
    pub issues: std::sync::Arc<[Issue]>,
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
        Self { day, seq, children: children.into_iter().map(|c| (c.person, c)).collect(), return_level: Default::default() }
    }

    /// Replaces the children of `changed` with those `rebuilt` (a child no longer in the
    /// census is simply not among them), as the store stood at change `seq`.
    pub fn refresh(&mut self, changed: &[PersonId], rebuilt: impl IntoIterator<Item = Checked>, seq: i64) {
        for p in changed {
            self.children.remove(p);
        }
        self.children.extend(rebuilt.into_iter().map(|c| (c.person, c)));
        self.seq = seq;
        self.return_level = Default::default();
    }

    /// The failures of the return as a whole (ids used twice, proportions), under `ctx`.
    pub fn return_level(&self, ctx: hearth_cin_census::rules::Ctx<'static>) -> &[Failure] {
        self.return_level.get_or_init(|| {
            let seen: Vec<&Seen> = self.children.values().map(|c| &c.seen).collect();
            let mut failures = hearth_cin_census::rules::return_failures(&hearth_cin_census::rules::all(), &seen, &ctx);
            // In file order (LA child id), as the validator gives them: sorting the few
            // failures, not the 15,000 children.
            failures.sort_by(|a, b| a.code.cmp(b.code).then_with(|| a.child_id.cmp(&b.child_id)));
            failures
        })
    }
}

/// The censuses kept, one per collection year asked about.
pub(crate) type Kept = tokio::sync::Mutex<HashMap<CollectionYear, Census>>;

#[cfg(test)]
mod tests {
    use super::*;
    use hearth_domain::returns::cin::CensusChild;
    use time::macros::date;

    fn checked(id: &str, upn: Option<&str>) -> Checked {
        let child = CensusChild {
            person: PersonId::new(),
            la_child_id: id.into(),
            upn: upn.map(str::to_string),
            upn_unknown: None,
            birth_date: Some(date!(2015 - 01 - 01)),
            expected_birth_date: None,
            death_date: None,
            sex: "F",
            ethnicity: None,
            disabilities: vec!["NONE"],
            episodes: Vec::new(),
        };
        let ctx = crate::returns::census_ctx(year(), date!(2026 - 12 - 07));
        let seen = Seen::of(&hearth_cin_census::from_hearth::child(&child), &ctx);
        Checked { person: child.person, la_child_id: id.into(), seen, issues: Vec::new().into(), name: id.into(), restricted: false, allocation: Allocation::default() }
    }

    fn year() -> CollectionYear {
        CollectionYear::parse("2026-27").expect("supported")
    }

    #[test]
    fn a_refresh_replaces_changed_children_and_forgets_the_return_failures() {
        const UPN: &str = "A820200112005";
        let (a, b, c) = (checked("A1", Some(UPN)), checked("B1", None), checked("C1", None));
        let mut census = Census::new(date!(2026 - 12 - 07), 5, [a.clone(), b.clone()]);
        let ctx = crate::returns::census_ctx(year(), date!(2026 - 12 - 07));
        let duplicate_upn = |c: &Census| c.return_level(ctx).iter().any(|f| f.code == "1520");
        assert!(!duplicate_upn(&census));
        // B changed and left the census; C is new and has A's UPN.
        let c_again = Checked { person: c.person, ..checked("C1", Some(UPN)) };
        census.refresh(&[b.person, c.person], [c_again], 9);
        assert_eq!(census.seq, 9);
        assert!(!census.children.contains_key(&b.person) && census.children.contains_key(&a.person) && census.children.contains_key(&c.person));
        assert_eq!(census.children.len(), 2);
        assert!(duplicate_upn(&census), "worked out again: the UPN is used twice now");
    }
}
