//! Teams and users of the demo local authority, modelled on the teams of the Bath and North
//! East Somerset service statement (seed 001).
use crate::names::{HERITAGES, STAFF_GIVEN, STAFF_SURNAMES};
use crate::rng::Gen;
use crate::text::TeamKind;
use crate::DemoUser;
use hearth_domain::search::tokens;
use hearth_domain::user::{Role, Team, UserRecord};
use hearth_domain::{TeamId, UserId};
use std::collections::HashSet;
use time::{Duration, OffsetDateTime};

/// Each team's name, the kind of work it does, and its share of the social workers.
pub(crate) const TEAMS: &[(&str, TeamKind, u32)] = &[
    ("Contact, Referral and Assessment", TeamKind::FrontDoor, 30),
    ("Child Protection and Court", TeamKind::ChildProtection, 25),
    ("Disabled Children", TeamKind::Disabled, 12),
    ("Children in Care and Moving On", TeamKind::InCare, 23),
    ("Family Placement", TeamKind::Placement, 10),
];

/// Index in `TEAMS` of the front door team, where the demo social worker works.
pub(crate) const FRONT_DOOR: usize = 0;

/// The demo accounts the README and the browser tests use, in the order they are listed.
pub(crate) const NAMED: &[&str] = &["admin", "sam.worker", "tara.manager", "sian.service", "bea.support", "irene.olu", "ava.auditor"];

/// Children each social worker holds.
pub(crate) const CASELOAD: usize = 20;

/// A social worker who holds cases, with the manager who signs off their work.
#[derive(Clone, Debug)]
pub(crate) struct Worker {
    pub id: UserId,
    pub name: String,
    pub team: usize,
    pub manager: UserId,
    pub manager_name: String,
}

pub(crate) struct Staff {
    pub teams: Vec<Team>,
    /// In an order that inserts every manager before the people they manage.
    pub users: Vec<UserRecord>,
    pub demo_users: Vec<DemoUser>,
    /// Case-holding social workers; the demo social worker is first.
    pub workers: Vec<Worker>,
    /// The independent reviewing officers with accounts, and their names.
    pub iros: Vec<(UserId, String)>,
}

struct Builder<'a> {
    g: &'a mut Gen,
    hash: &'a str,
    created_at: OffsetDateTime,
    teams: &'a [Team],
    users: Vec<UserRecord>,
    demo_users: Vec<DemoUser>,
    taken: HashSet<String>,
}

impl Builder<'_> {
    #[allow(clippy::too_many_arguments)]
    fn add(&mut self, username: &str, display_name: &str, role: Role, team: Option<usize>, manager: Option<UserId>, totp: bool) -> UserId {
        let id = UserId(self.g.uuid());
        let totp_secret = totp.then(|| totp_rs::Secret::from(self.g.bytes::<20>().as_slice()).to_base32());
        self.taken.insert(username.to_lowercase());
        self.users.push(UserRecord {
            id,
            username: username.to_string(),
            display_name: display_name.to_string(),
            role,
            team: team.map(|t| self.teams[t].id),
            manager,
            password_hash: self.hash.to_string(),
            totp_secret: totp_secret.clone(),
            totp_last_step: 0,
            failed_logins: 0,
            locked_until: None,
            active: true,
            created_at: self.created_at,
        });
        self.demo_users.push(DemoUser {
            username: username.to_string(),
            display_name: display_name.to_string(),
            role,
            team_name: team.map(|t| self.teams[t].name.clone()),
            password: crate::DEMO_PASSWORD.to_string(),
            totp_secret,
        });
        id
    }

    /// A new person's name and a username made from it that nobody has yet.
    fn new_name(&mut self) -> (String, String) {
        // Staff names mostly from the staff lists, some from the families' lists.
        let given = if self.g.chance(0.6) {
            *self.g.pick(STAFF_GIVEN)
        } else {
            let h = self.g.pick(HERITAGES);
            if self.g.chance(0.5) { *self.g.pick(h.girls) } else { *self.g.pick(h.boys) }
        };
        let family = if self.g.chance(0.6) { *self.g.pick(STAFF_SURNAMES) } else { {
            let h = self.g.pick(HERITAGES);
            *self.g.pick(h.surnames)
        } };
        let base = format!("{}.{}", tokens(given).concat(), tokens(family).concat());
        let mut username = base.clone();
        let mut n = 2;
        while self.taken.contains(&username) {
            username = format!("{base}{n}");
            n += 1;
        }
        (format!("{given} {family}"), username)
    }
}

/// Builds the teams and users for `children` children: one case-holding social worker for
/// every `CASELOAD` children (at least one), spread over the teams.
pub(crate) fn build(g: &mut Gen, children: usize, now: OffsetDateTime, hash: &str) -> Staff {
    let teams: Vec<Team> = TEAMS.iter().map(|(name, _, _)| Team { id: TeamId(g.uuid()), name: (*name).to_string() }).collect();
    let n_workers = children.div_ceil(CASELOAD).max(1);
    let created_at = now - Duration::days(400);
    let mut b = Builder { g, hash, created_at, teams: &teams, users: Vec::new(), demo_users: Vec::new(), taken: HashSet::new() };

    // The named demo accounts, managers first.
    b.add("admin", "Alex Admin", Role::Administrator, None, None, true);
    let sian = b.add("sian.service", "Siân Service", Role::ServiceManager, None, None, false);
    let tara = b.add("tara.manager", "Tara Manager", Role::TeamManager, Some(FRONT_DOOR), Some(sian), false);
    let sam = b.add("sam.worker", "Sam Worker", Role::SocialWorker, Some(FRONT_DOOR), Some(tara), true);
    b.add("bea.support", "Bea Support", Role::BusinessSupport, Some(FRONT_DOOR), Some(tara), false);
    b.add("ava.auditor", "Ava Auditor", Role::Auditor, None, None, false);

    // A manager for every other team.
    let mut managers: Vec<(UserId, String)> = vec![(tara, "Tara Manager".to_string())];
    for t in 1..teams.len() {
        let (name, username) = b.new_name();
        let id = b.add(&username, &name, Role::TeamManager, Some(t), Some(sian), false);
        managers.push((id, name));
    }

    let mut workers = vec![Worker { id: sam, name: "Sam Worker".into(), team: FRONT_DOOR, manager: tara, manager_name: "Tara Manager".into() }];
    for _ in 1..n_workers {
        let team = b.g.weighted_index(TEAMS.iter().map(|(_, _, w)| *w));
        let (name, username) = b.new_name();
        let (manager, manager_name) = managers[team].clone();
        let id = b.add(&username, &name, Role::SocialWorker, Some(team), Some(manager), false);
        workers.push(Worker { id, name, team, manager, manager_name });
    }
    // The Independent Reviewing Service: an account for each of the demo's IROs but the last,
    // an agency IRO without one. Made last, so the other accounts stay as they were.
    let agency = crate::care::IROS.len() - 1;
    let mut iros = Vec::new();
    for name in &crate::care::IROS[..agency] {
        let mut username = name.to_lowercase().replace(' ', ".");
        if b.taken.contains(&username) {
            username.push('2');
        }
        iros.push((b.add(&username, name, Role::ReviewingOfficer, None, Some(sian), false), (*name).to_string()));
    }
    let (users, mut demo_users) = (b.users, b.demo_users);
    // The named accounts first, in the order people are introduced to them.
    let order = |u: &DemoUser| NAMED.iter().position(|n| *n == u.username).unwrap_or(NAMED.len());
    demo_users.sort_by_key(order);
    Staff { teams, users, demo_users, workers, iros }
}
