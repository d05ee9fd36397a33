//! Records that only the application layer needs (sessions, tokens, drafts, grants).
use hearth_domain::*;
use hearth_domain::front_door::tasks::TaskKind;
use time::{Date, OffsetDateTime};

/// A signed-in browser. Only the SHA-256 of the session token is stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SessionRecord {
    pub id: SessionId,
    pub user: UserId,
    pub token_hash: String,
    /// The CSRF token for forms of this session.
    pub csrf_token: String,
    /// False until the second factor is verified (or when none is needed).
    pub mfa_passed: bool,
    /// An authenticator secret Hearth proposed to the user in this session (to enrol or to
    /// replace their app): codes are checked against it, never against a secret the browser
    /// sends back.
    pub proposed_totp: Option<String>,
    pub created_at: OffsetDateTime,
    pub last_seen_at: OffsetDateTime,
}

/// A personal API token. Only its SHA-256 is stored; the token is shown once.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiTokenRecord {
    pub id: ApiTokenId,
    pub user: UserId,
    pub name: String,
    pub token_hash: String,
    pub created_at: OffsetDateTime,
    pub last_used_at: Option<OffsetDateTime>,
    pub revoked_at: Option<OffsetDateTime>,
}

/// A form kept when a session expired mid-form, to be given back after signing in again.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DraftRecord {
    pub id: DraftId,
    pub user: UserId,
    /// The path the form was posted to.
    pub path: String,
    /// The form body as the browser sent it (urlencoded).
    pub body: String,
    pub created_at: OffsetDateTime,
}

/// Time-limited access to a record without a relationship.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BreakGlassGrant {
    pub id: BreakGlassId,
    pub user: UserId,
    pub person: PersonId,
    pub reason: String,
    pub granted_at: OffsetDateTime,
    pub expires_at: OffsetDateTime,
    /// Filled in by `break_glass_since` for display.
    pub user_name: String,
    pub person_name: String,
    /// The person's allocation now (filled in by `break_glass_since`): their worker and
    /// team manager are told of the access.
    pub person_team: Option<TeamId>,
    pub person_worker: Option<UserId>,
}

/// A one-time link with which a user sets their own password (and authenticator). Only the
/// SHA-256 of its token is stored; the link is shown once, to whoever issued it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SetupLinkRecord {
    pub id: SetupLinkId,
    pub user: UserId,
    pub token_hash: String,
    /// The administrator who issued it (`None`: the command line).
    pub created_by: Option<UserId>,
    pub created_at: OffsetDateTime,
    pub expires_at: OffsetDateTime,
    /// The authenticator secret proposed on the link's page, when the account needs one.
    pub proposed_totp: Option<String>,
    pub used_at: Option<OffsetDateTime>,
}

/// A new account with a role that reads records LA-wide, from the audit log.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RoleGrant {
    pub user: UserId,
    pub user_name: String,
    pub role: hearth_domain::user::Role,
    /// Who created the account (`None`: the command line).
    pub granted_by: Option<UserId>,
    pub granted_by_name: String,
    pub at: OffsetDateTime,
}

/// One worker on the duty rota of a team for one session.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RotaEntry {
    pub team: TeamId,
    pub session: hearth_domain::front_door::rota::Session,
    pub worker: UserId,
    pub added_by: UserId,
    pub added_at: OffsetDateTime,
}

/// Why a child's record meets a CIN census query (a rule the DfE flags for a reason), for
/// the DfE, in one collection year.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CensusExplanation {
    /// The collection year, "2026-27".
    pub year: String,
    pub person: PersonId,
    /// The rule's code, "2990Q".
    pub rule: String,
    pub text: String,
    pub by: UserId,
    pub at: OffsetDateTime,
}

/// A stored front-door record (contact, referral, assessment) with its version, for
/// optimistic concurrency.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Versioned<T> {
    pub value: T,
    pub version: i64,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
}

/// One saved state of a front-door record: who saved it and when, and the document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DocVersion {
    pub version: i64,
    pub changed_by: UserId,
    pub changed_by_name: String,
    pub changed_at: OffsetDateTime,
    pub reason: Option<String>,
    /// The record as JSON, as it was saved.
    pub doc: String,
}

/// Which open tasks to read: those of a scope, narrowed by optional filters, one page at a
/// time when `limit` is set.
#[derive(Clone, Copy, Debug, Default)]
pub struct TaskQuery<'a> {
    /// Tasks assigned to one of these users or belonging to one of these teams (both empty:
    /// none); every open task when `None` (for recalculation).
    pub among: Option<(&'a [UserId], &'a [TeamId])>,
    /// Only tasks of these kinds (empty: any kind).
    pub kinds: &'a [TaskKind],
    /// `Some(None)`: only tasks nobody holds; `Some(Some(u))`: only `u`'s.
    pub assignee: Option<Option<UserId>>,
    /// Only tasks due before this day (overdue on it).
    pub due_before: Option<Date>,
    /// `Some(false)`: only tasks with their holder; `Some(true)`: only those waiting on
    /// someone else (see `Task::waiting`).
    pub waiting: Option<bool>,
    /// At most this many, after skipping `offset`.
    pub limit: Option<u32>,
    pub offset: u32,
}

impl<'a> TaskQuery<'a> {
    /// Every open task of a scope.
    pub fn among(assignees: &'a [UserId], teams: &'a [TeamId]) -> Self {
        TaskQuery { among: Some((assignees, teams)), ..Self::default() }
    }

    /// Every open task of the local authority.
    pub fn all() -> Self {
        Self::default()
    }
}

/// Everything the front door holds about one person, each list in the order of its own
/// `Tx` method (`contacts_of`, `referrals_of`, `assessments_of`, `episodes_of`,
/// `care_periods_of`).
#[derive(Clone, Debug, Default)]
pub struct PersonFrontDoor {
    pub contacts: Vec<Versioned<hearth_domain::front_door::contact::Contact>>,
    pub referrals: Vec<Versioned<hearth_domain::front_door::referral::Referral>>,
    pub assessments: Vec<Versioned<hearth_domain::front_door::assessment::Assessment>>,
    pub episodes: Vec<Versioned<hearth_domain::cin::episode::Episode>>,
    /// Earliest start first.
    pub care_periods: Vec<Versioned<hearth_domain::care::CarePeriodRecord>>,
    /// Decisions about the child coming into care, newest proposal first.
    pub care_decisions: Vec<Versioned<hearth_domain::care::decision::CareDecision>>,
    /// What the care leaver service records about them, if anything.
    pub care_leaver: Option<Versioned<hearth_domain::care::pathway::CareLeaverRecord>>,
}

/// Which audit entries to read, newest first: each filter narrows; `before` pages back (the
/// entries with a lower sequence number than it).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AuditQuery {
    pub actor: Option<UserId>,
    /// Actions equal to one of these (empty: any).
    pub actions: Vec<String>,
    pub person: Option<PersonId>,
    /// From this moment (inclusive) …
    pub from: Option<OffsetDateTime>,
    /// … to before this one.
    pub until: Option<OffsetDateTime>,
    pub before: Option<i64>,
    pub limit: u32,
}

/// What the case summary at the top of a child's pages needs beyond the record and the
/// episodes, read at once.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CaseFacts {
    /// `None` only past the 33 millionth person (see [`PersonRef`](hearth_domain::identifiers::PersonRef)).
    pub reference: Option<hearth_domain::identifiers::PersonRef>,
    /// The child's open tasks, soonest due first.
    pub open_tasks: Vec<hearth_domain::front_door::tasks::Task>,
    pub seen: hearth_domain::case_summary::Seen,
}

/// What the CIN census of an LA is built from, read at once: every child with a referral
/// (their whole record) and every referral, assessment and episode as they stand now.
#[derive(Clone, Debug, Default)]
pub struct CensusRecords {
    pub children: Vec<hearth_domain::person::PersonRecord>,
    pub referrals: Vec<hearth_domain::front_door::referral::Referral>,
    pub assessments: Vec<hearth_domain::front_door::assessment::Assessment>,
    pub episodes: Vec<hearth_domain::cin::episode::Episode>,
    /// Every person's LA child id (Hearth's own, or a previous system's).
    pub kept_ids: Vec<(PersonId, String)>,
}

/// The people whose part of the CIN census may have changed after a given change number
/// (`Tx::census_changes`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CensusChanges {
    /// The newest change's number, read before `people` (0 when nothing has changed yet).
    pub latest: i64,
    /// Each person changed after the number asked about, once, in no particular order.
    pub people: Vec<PersonId>,
    /// False when `people` cannot be trusted to be every change: older changes were pruned,
    /// or the database is behind the number asked about (restored from an older copy).
    pub complete: bool,
}

