//! Who may see a person's record. One decision function serves the web UI and the API; the
//! same rule, as an `AccessScope`, filters search in the store.
use crate::user::{Permission, Role, UserRecord, reports_of};
use crate::{PersonId, TeamId, UserId};
use serde::{Deserialize, Serialize};

/// The signed-in user, with what the management chain gives them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Subject {
    pub user: UserId,
    pub role: Role,
    pub team: Option<TeamId>,
    /// Everyone below this user in the management chain.
    pub reports: Vec<UserId>,
    /// Teams of this user and of everyone below them.
    pub teams: Vec<TeamId>,
}

impl Subject {
    pub fn from_users(me: &UserRecord, users: &[UserRecord]) -> Subject {
        let below: std::collections::HashSet<UserId> = reports_of(me.id, users).into_iter().collect();
        let chain: Vec<(UserId, Option<TeamId>)> = users.iter().filter(|u| below.contains(&u.id)).map(|u| (u.id, u.team)).collect();
        Subject::new(me, &chain)
    }

    /// The subject for `me`, given everyone below them in the chain with their teams.
    pub fn new(me: &UserRecord, chain_below: &[(UserId, Option<TeamId>)]) -> Subject {
        let mut teams: Vec<TeamId> = me.team.into_iter().collect();
        for t in chain_below.iter().filter_map(|(_, t)| *t) {
            if !teams.contains(&t) {
                teams.push(t);
            }
        }
        let reports = chain_below.iter().map(|(u, _)| *u).collect();
        Subject { user: me.id, role: me.role, team: me.team, reports, teams }
    }

    pub fn can(&self, p: Permission) -> bool {
        self.role.can(p)
    }

    /// The search filter equivalent to `decide` for this subject.
    pub fn scope(&self) -> AccessScope {
        let mut workers = self.reports.clone();
        workers.push(self.user);
        AccessScope {
            user: self.user,
            la_wide: self.can(Permission::ViewAllRecords),
            relationship: self.can(Permission::ViewRecords),
            workers,
            teams: self.teams.clone(),
        }
    }
}

/// The facts about one record that decide who may see it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessFacts {
    pub person: PersonId,
    pub restricted: bool,
    pub allocated_team: Option<TeamId>,
    pub allocated_worker: Option<UserId>,
    /// The user is named on the record's restricted-access list.
    pub on_access_list: bool,
    /// The user holds a break-glass grant for the record that has not expired.
    pub break_glass_active: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AccessGround {
    RestrictedList,
    AllocatedWorker,
    ManagementChain,
    Team,
    LaWide,
    BreakGlass,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Decision {
    Allow(AccessGround),
    Deny,
}

impl Decision {
    pub fn allowed(self) -> bool {
        matches!(self, Decision::Allow(_))
    }
}

/// May `who` see the record described by `facts`?
///
/// Restricted records are decided by their access list alone: no role, chain or break-glass
/// reaches them.
pub fn decide(who: &Subject, facts: &AccessFacts) -> Decision {
    if facts.restricted {
        return if facts.on_access_list { Decision::Allow(AccessGround::RestrictedList) } else { Decision::Deny };
    }
    if who.can(Permission::ViewRecords) {
        if let Some(w) = facts.allocated_worker {
            if w == who.user {
                return Decision::Allow(AccessGround::AllocatedWorker);
            }
            if who.reports.contains(&w) {
                return Decision::Allow(AccessGround::ManagementChain);
            }
        }
        if let Some(t) = facts.allocated_team
            && who.teams.contains(&t) {
                return Decision::Allow(AccessGround::Team);
            }
    }
    if who.can(Permission::ViewAllRecords) {
        return Decision::Allow(AccessGround::LaWide);
    }
    if facts.break_glass_active {
        return Decision::Allow(AccessGround::BreakGlass);
    }
    Decision::Deny
}

/// Why a list names people, which decides whom it may name.
///
/// Every page and API answer that lists people, or facts about people, names only those
/// `may_list` allows for its purpose; the store applies the same rule in SQL
/// (`AccessScope::lists`), so no listing reads people another way.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Listing {
    /// Records the viewer may open: their cases, work trays, dashboards, data-quality pages.
    /// Exactly `decide`.
    Open,
    /// People named inside a record the viewer has opened (its family network, chronology,
    /// a contact's family, a manager's break-glass review): anyone but a restricted person
    /// whose access list does not name the viewer.
    Mention,
}

/// May `who` see `facts`' person named in a list of this purpose?
pub fn may_list(who: &Subject, facts: &AccessFacts, listing: Listing) -> bool {
    match listing {
        Listing::Open => decide(who, facts).allowed(),
        Listing::Mention => !facts.restricted || facts.on_access_list,
    }
}

/// `decide` expressed as a filter the store applies in SQL.
///
/// A record matches when: it is restricted and `user` is on its list; or it is not restricted
/// and (`la_wide`, or `relationship` and its worker is in `workers` or its team is in `teams`,
/// or `user` holds an active break-glass grant for it).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AccessScope {
    pub user: UserId,
    pub la_wide: bool,
    pub relationship: bool,
    pub workers: Vec<UserId>,
    pub teams: Vec<TeamId>,
}

impl AccessScope {
    /// `may_list` as the store applies it, for tests that check the store against it.
    pub fn lists(&self, facts: &AccessFacts, listing: Listing) -> bool {
        match listing {
            Listing::Open => self.matches(facts),
            Listing::Mention => !facts.restricted || facts.on_access_list,
        }
    }

    /// The same rule as the SQL filter, for tests that check the store against `decide`.
    pub fn matches(&self, facts: &AccessFacts) -> bool {
        if facts.restricted {
            return facts.on_access_list;
        }
        self.la_wide
            || facts.break_glass_active
            || (self.relationship
                && (facts.allocated_worker.is_some_and(|w| self.workers.contains(&w))
                    || facts.allocated_team.is_some_and(|t| self.teams.contains(&t))))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn ids(n: usize) -> Vec<UserId> {
        (0..n).map(|_| UserId::new()).collect()
    }

    fn arb_role() -> impl Strategy<Value = Role> {
        proptest::sample::select(Role::ALL.to_vec())
    }

    proptest! {
        /// The search filter and the record decision never disagree.
        #[test]
        fn scope_matches_decide(
            role in arb_role(),
            restricted: bool, on_list: bool, glass: bool,
            worker_pick in 0usize..4, team_pick in 0usize..3, my_team_pick in 0usize..3, n_reports in 0usize..3,
        ) {
            let users = ids(4);
            let teams: Vec<TeamId> = (0..2).map(|_| TeamId::new()).collect();
            let me = users[0];
            let reports: Vec<UserId> = users[1..1 + n_reports].to_vec();
            let my_team = teams.get(my_team_pick).copied();
            let who = Subject { user: me, role, team: my_team, reports, teams: my_team.into_iter().collect() };
            let facts = AccessFacts {
                person: PersonId::new(),
                restricted,
                allocated_team: teams.get(team_pick).copied(),
                allocated_worker: users.get(worker_pick).copied(),
                on_access_list: on_list,
                break_glass_active: glass,
            };
            prop_assert_eq!(decide(&who, &facts).allowed(), who.scope().matches(&facts));
            for listing in [Listing::Open, Listing::Mention] {
                prop_assert_eq!(may_list(&who, &facts, listing), who.scope().lists(&facts, listing));
                // Whoever may open a record may see it named.
                if may_list(&who, &facts, Listing::Open) {
                    prop_assert!(may_list(&who, &facts, Listing::Mention));
                }
            }
            // A restricted person is named only to the people on its list, in any list.
            if restricted && !on_list {
                prop_assert!(!may_list(&who, &facts, Listing::Open) && !may_list(&who, &facts, Listing::Mention));
            }
        }

        /// Nobody off the list sees a restricted record, whatever their role or grants.
        #[test]
        fn restricted_is_list_only(role in arb_role(), glass: bool) {
            let me = UserId::new();
            let who = Subject { user: me, role, team: None, reports: vec![], teams: vec![] };
            let facts = AccessFacts {
                person: PersonId::new(), restricted: true, allocated_team: None,
                allocated_worker: Some(me), on_access_list: false, break_glass_active: glass,
            };
            prop_assert_eq!(decide(&who, &facts), Decision::Deny);
        }
    }

    #[test]
    fn administrators_and_auditors_do_not_read_records() {
        for role in [Role::Administrator, Role::Auditor] {
            let me = UserId::new();
            let team = TeamId::new();
            let who = Subject { user: me, role, team: Some(team), reports: vec![], teams: vec![team] };
            let facts = AccessFacts {
                person: PersonId::new(), restricted: false, allocated_team: Some(team),
                allocated_worker: Some(me), on_access_list: false, break_glass_active: false,
            };
            assert_eq!(decide(&who, &facts), Decision::Deny);
        }
    }
}
