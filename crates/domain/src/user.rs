//! Users, roles and what each role may do.
use crate::{TeamId, UserId};
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};
use time::OffsetDateTime;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    SocialWorker,
    TeamManager,
    ServiceManager,
    BusinessSupport,
    /// An independent reviewing officer (IRO): chairs looked-after children's reviews and
    /// oversees their care plans, independent of the teams that hold the cases.
    ReviewingOfficer,
    Administrator,
    Auditor,
}

/// Things a role may do. Seeing a particular child also needs a relationship to the record
/// (see `access`), except where a permission grants LA-wide read.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Permission {
    /// Open records the user has a relationship with (allocated, team, management chain).
    ViewRecords,
    /// Open every unrestricted record in the LA.
    ViewAllRecords,
    CreatePersons,
    EditPersons,
    AddCaseNotes,
    RecordManagementOversight,
    /// Ask for time-limited access to a record without a relationship.
    BreakGlass,
    /// See break-glass use by the people they manage (or everyone, with ViewAllRecords).
    ReviewBreakGlass,
    ManageRestrictions,
    ManageUsers,
    ReadAudit,
    UseApi,
    /// Add and change providers of placements (foster households, children's homes…).
    ManageProviders,
    /// See the children-in-care dashboard: every looked-after child the user may open.
    OverseeCare,
    /// Record a looked-after child's review, name their IRO and record a visit the IRO asks
    /// for: what an IRO records, without the rest of the casework (`AddCaseNotes`).
    RecordReviews,
    /// See the statutory returns' data quality for the whole LA and download the returns.
    ProduceReturns,
}

impl Role {
    pub const ALL: &'static [Role] = &[
        Role::SocialWorker,
        Role::TeamManager,
        Role::ServiceManager,
        Role::BusinessSupport,
        Role::ReviewingOfficer,
        Role::Administrator,
        Role::Auditor,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Role::SocialWorker => "social_worker",
            Role::TeamManager => "team_manager",
            Role::ServiceManager => "service_manager",
            Role::BusinessSupport => "business_support",
            Role::ReviewingOfficer => "reviewing_officer",
            Role::Administrator => "administrator",
            Role::Auditor => "auditor",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Role::SocialWorker => "Social worker",
            Role::TeamManager => "Team manager",
            Role::ServiceManager => "Service manager",
            Role::BusinessSupport => "Business support",
            Role::ReviewingOfficer => "Independent reviewing officer",
            Role::Administrator => "Administrator",
            Role::Auditor => "Auditor",
        }
    }

    pub fn from_code(s: &str) -> Option<Role> {
        Role::ALL.iter().copied().find(|r| r.code() == s)
    }

    pub fn permissions(self) -> &'static [Permission] {
        use Permission::*;
        match self {
            Role::SocialWorker => &[ViewRecords, CreatePersons, EditPersons, AddCaseNotes, RecordReviews, BreakGlass, UseApi],
            Role::TeamManager => &[
                ViewRecords, CreatePersons, EditPersons, AddCaseNotes, RecordReviews, RecordManagementOversight, BreakGlass,
                ReviewBreakGlass, ManageRestrictions, UseApi, ManageProviders, OverseeCare,
            ],
            Role::ServiceManager => &[
                ViewRecords, ViewAllRecords, CreatePersons, EditPersons, AddCaseNotes, RecordReviews, RecordManagementOversight,
                ReviewBreakGlass, ManageRestrictions, UseApi, ProduceReturns, ManageProviders, OverseeCare,
            ],
            Role::BusinessSupport => &[ViewRecords, ViewAllRecords, CreatePersons, EditPersons, AddCaseNotes, RecordReviews, UseApi, ProduceReturns, ManageProviders],
            // IROs read every unrestricted record (a child's IRO changes, and reviews look back
            // over the whole history) and record reviews, but hold no cases, make no
            // placements and authorise nothing: they are independent of the casework.
            Role::ReviewingOfficer => &[ViewRecords, ViewAllRecords, RecordReviews, UseApi, OverseeCare],
            Role::Administrator => &[ManageUsers],
            Role::Auditor => &[ReadAudit],
        }
    }

    pub fn can(self, p: Permission) -> bool {
        self.permissions().contains(&p)
    }

    /// Roles that work on cases (hold them, manage them or, for IROs, review them), and so
    /// may be named on a restricted record's access list. Administrators, auditors and
    /// business support read no restricted record.
    pub fn holds_casework(self) -> bool {
        matches!(self, Role::SocialWorker | Role::TeamManager | Role::ServiceManager | Role::ReviewingOfficer)
    }

    /// Roles that read every unrestricted record in the LA: granting one is shown to the
    /// service managers.
    pub fn reads_la_wide(self) -> bool {
        self.can(Permission::ViewAllRecords)
    }

    /// Administrators must use multi-factor authentication whatever the configuration.
    pub fn requires_mfa(self) -> bool {
        self == Role::Administrator
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Team {
    pub id: TeamId,
    pub name: String,
}

/// A user account as stored, including its sign-in state.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UserRecord {
    pub id: UserId,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub team: Option<TeamId>,
    /// Line manager: the management chain follows these links upwards.
    pub manager: Option<UserId>,
    /// PHC string (argon2id).
    pub password_hash: String,
    /// Base32 TOTP secret once enrolment is confirmed.
    pub totp_secret: Option<String>,
    /// The last TOTP time step accepted for this user (0: none): a code of that step or an
    /// earlier one is never accepted again, so a code cannot be replayed.
    pub totp_last_step: i64,
    pub failed_logins: i64,
    pub locked_until: Option<OffsetDateTime>,
    pub active: bool,
    pub created_at: OffsetDateTime,
}

/// Everyone below `manager` in the management chain, nearest first. Linear in the number of
/// users, and safe against cycles in bad data.
pub fn reports_of(manager: UserId, users: &[UserRecord]) -> Vec<UserId> {
    let mut by_manager: HashMap<UserId, Vec<UserId>> = HashMap::new();
    for u in users {
        if let Some(m) = u.manager {
            by_manager.entry(m).or_default().push(u.id);
        }
    }
    let mut seen: HashSet<UserId> = HashSet::from([manager]);
    let mut out = Vec::new();
    let mut frontier = vec![manager];
    while let Some(m) = frontier.pop() {
        for &u in by_manager.get(&m).map(Vec::as_slice).unwrap_or_default() {
            if seen.insert(u) {
                out.push(u);
                frontier.push(u);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(id: UserId, manager: Option<UserId>) -> UserRecord {
        UserRecord {
            id,
            username: id.to_string(),
            display_name: String::new(),
            role: Role::SocialWorker,
            team: None,
            manager,
            password_hash: String::new(),
            totp_secret: None,
            totp_last_step: 0,
            failed_logins: 0,
            locked_until: None,
            active: true,
            created_at: OffsetDateTime::UNIX_EPOCH,
        }
    }

    #[test]
    fn chain_is_transitive_and_cycles_end() {
        let (a, b, c, d) = (UserId::new(), UserId::new(), UserId::new(), UserId::new());
        let users = vec![user(a, Some(d)), user(b, Some(a)), user(c, Some(b)), user(d, Some(c))];
        let mut r = reports_of(a, &users);
        r.sort();
        let mut expected = vec![b, c, d];
        expected.sort();
        assert_eq!(r, expected, "a cycle back to a stops at a");
        assert_eq!(reports_of(UserId::new(), &users), vec![]);
    }
}
