//! The storage interface of Hearth.
//!
//! A use case opens one transaction, does its authorisation reads, its change and its audit
//! entry through it, and commits: nothing is acknowledged before `commit` returns, and a
//! dropped transaction rolls back. Every backend passes the same conformance suite
//! (`conformance`), run by each backend's tests.
#![forbid(unsafe_code)]

pub mod conformance;
mod records;

pub use records::*;

use async_trait::async_trait;
use hearth_domain::access::{AccessFacts, AccessScope, Listing};
use hearth_domain::audit::{AuditDraft, AuditEntry};
use hearth_domain::front_door::allocation::Allocation;
use hearth_domain::front_door::assessment::Assessment;
use hearth_domain::front_door::contact::Contact;
use hearth_domain::front_door::referral::Referral;
use hearth_domain::front_door::tasks::{Task, TaskKind, TaskSubject, TaskTally, Waiting};
use hearth_domain::care::pathway::CareLeaverRecord;
use hearth_domain::services::{ServiceReferral, ServiceReferralId};
use hearth_domain::care::decision::{CareDecision, CareDecisionId};
use hearth_domain::care::distance::Location;
use hearth_domain::care::provider::{Provider, ProviderId};
use hearth_domain::care::{CarePeriodId, CarePeriodRecord};
use hearth_domain::cin::dashboard::OpenPlan;
use hearth_domain::cin::episode::Episode;
use hearth_domain::cin::EpisodeId;
use hearth_domain::front_door::{AllocationId, AssessmentId, ContactId, ReferralId, TaskId};
use hearth_domain::case_note::{CaseNote, CaseNoteDetails, CaseNoteVersion};
use hearth_domain::person::{ChangeMeta, PersonRecord, PersonSummary, PersonVersion};
use hearth_domain::relationship::Relationship;
use hearth_domain::search::ParsedQuery;
use hearth_domain::user::{Team, UserRecord};
use hearth_domain::*;
use std::collections::HashMap;
use time::{Date, OffsetDateTime};

#[derive(Clone, Debug, thiserror::Error)]
pub enum StoreError {
    /// The record changed since the caller read it (optimistic concurrency).
    #[error("the record was changed by someone else (now at version {current})")]
    Conflict { current: i64 },
    #[error("not found")]
    NotFound,
    /// A uniqueness rule was broken, for example a username already taken.
    #[error("{0} already exists")]
    Duplicate(String),
    #[error("the database is unavailable: {0}")]
    Unavailable(String),
    /// The database answers but cannot be written: its disk is full, or it (or its file
    /// system) is read-only. Nothing of the failed transaction was saved.
    #[error("the database cannot be written (full or read-only): {0}")]
    CannotWrite(String),
    /// Stored data could not be read back (a bug or a damaged database).
    #[error("stored data is not valid: {0}")]
    Corrupt(String),
    #[error("database error: {0}")]
    Database(String),
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// A database holding one local authority's records.
#[async_trait]
pub trait Store: Send + Sync + 'static {
    /// A transaction that may write. On SQLite writers queue for the single write lock.
    async fn begin(&self) -> Result<Box<dyn Tx>>;
    /// A transaction that only reads, and audits what it read: it never waits for the write
    /// lock (on SQLite it reads beside the writer), and its audit entries are written by
    /// group commit when it commits; `commit` returns once they are durable. Anything but
    /// `append_audit` that writes fails in it.
    async fn begin_read(&self) -> Result<Box<dyn Tx>>;
    /// Audit entries on their own (a refusal, say), by group commit: returns once durable.
    async fn record_audit(&self, drafts: &[AuditDraft]) -> Result<()>;
    /// Answers when the database can be reached and queried.
    async fn ping(&self) -> Result<()>;
    /// Refreshes the query planner's statistics, after a bulk load (an import, a generated
    /// data set): without them PostgreSQL may scan a table for one person's rows until
    /// autovacuum gets round to it, if it is on at all.
    async fn analyze(&self) -> Result<()>;
    /// Answers when the database can be written now: a real write of one row, committed,
    /// and no audit entry (for `/healthz` and for start-up). `CannotWrite` when the disk is
    /// full or the database read-only; `Unavailable` when it cannot be reached.
    async fn check_writable(&self) -> Result<()>;
    /// "sqlite" or "postgres".
    fn backend(&self) -> &'static str;
    /// The connection pool's state, for monitoring; `None` for a backend without a pool.
    fn pool_stats(&self) -> Option<PoolStats> {
        None
    }
}

/// A snapshot of a backend's connection pool, for the metrics.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PoolStats {
    /// Connections lent out to a transaction or query right now.
    pub in_use: u32,
    /// Open connections waiting to be used.
    pub idle: u32,
    /// The most connections the pool will open.
    pub max: u32,
}

/// One transaction. Dropping it without `commit` rolls it back.
#[async_trait]
pub trait Tx: Send {
    async fn commit(self: Box<Self>) -> Result<()>;

    // Teams and users.
    async fn insert_team(&mut self, team: &Team) -> Result<()>;
    async fn teams(&mut self) -> Result<Vec<Team>>;
    /// Fails with `Duplicate` when the username is taken (usernames compare case-insensitively).
    async fn insert_user(&mut self, user: &UserRecord) -> Result<()>;
    async fn user(&mut self, id: UserId) -> Result<Option<UserRecord>>;
    /// The display names of the users of `ids` that exist, in any order (one query for a
    /// page that names a team).
    async fn display_names(&mut self, ids: &[UserId]) -> Result<Vec<(UserId, String)>> {
        let mut out = Vec::new();
        for &id in ids {
            if let Some(u) = self.user(id).await? {
                out.push((id, u.display_name));
            }
        }
        Ok(out)
    }
    async fn user_by_username(&mut self, username: &str) -> Result<Option<UserRecord>>;
    async fn users(&mut self) -> Result<Vec<UserRecord>>;
    /// A number that changes whenever any management chain could have changed (a user
    /// added or removed, a manager or team changed): while it stands still, a chain read
    /// before is still true.
    async fn chain_epoch(&mut self) -> Result<i64>;
    /// Everyone below `manager` in the management chain, with their teams. Asked on every
    /// request, so a backend should answer it without reading every user.
    async fn chain_below(&mut self, manager: UserId) -> Result<Vec<(UserId, Option<TeamId>)>> {
        let users = self.users().await?;
        let below = hearth_domain::user::reports_of(manager, &users);
        Ok(users.into_iter().filter(|u| below.contains(&u.id)).map(|u| (u.id, u.team)).collect())
    }
    /// Replaces every field of the user but `id`, `username` and `created_at`.
    async fn update_user(&mut self, user: &UserRecord) -> Result<()>;

    // Sessions, API tokens and saved drafts.
    async fn insert_session(&mut self, s: &SessionRecord) -> Result<()>;
    async fn session_by_token_hash(&mut self, token_hash: &str) -> Result<Option<SessionRecord>>;
    /// Stores what a session may change: token, CSRF token, second factor, proposed
    /// authenticator secret and last activity.
    async fn update_session(&mut self, s: &SessionRecord) -> Result<()>;
    async fn delete_session(&mut self, id: SessionId) -> Result<()>;
    /// Records that a session was used at `at` (nothing else of it changes).
    async fn touch_session(&mut self, id: SessionId, at: OffsetDateTime) -> Result<()>;
    /// Signs a user out everywhere; returns how many sessions ended.
    async fn delete_user_sessions(&mut self, user: UserId) -> Result<u64>;
    /// Revokes every live API token of the user at `at`; returns how many.
    async fn revoke_user_api_tokens(&mut self, user: UserId, at: OffsetDateTime) -> Result<u64>;
    async fn insert_api_token(&mut self, t: &ApiTokenRecord) -> Result<()>;
    async fn api_token_by_hash(&mut self, token_hash: &str) -> Result<Option<ApiTokenRecord>>;
    async fn api_tokens_of(&mut self, user: UserId) -> Result<Vec<ApiTokenRecord>>;
    /// Sets `revoked_at`; `NotFound` unless the token belongs to `user`.
    async fn revoke_api_token(&mut self, id: ApiTokenId, user: UserId, at: OffsetDateTime) -> Result<()>;
    async fn touch_api_token(&mut self, id: ApiTokenId, at: OffsetDateTime) -> Result<()>;
    async fn insert_draft(&mut self, d: &DraftRecord) -> Result<()>;
    /// Removes and returns the draft, if it belongs to `user`.
    async fn take_draft(&mut self, id: DraftId, user: UserId) -> Result<Option<DraftRecord>>;
    /// Deletes every draft saved before `before`; returns how many.
    async fn delete_drafts_before(&mut self, before: OffsetDateTime) -> Result<u64>;
    /// Deletes the sessions last used before `idle_before` or begun before `begun_before`;
    /// returns how many.
    async fn delete_sessions_before(&mut self, idle_before: OffsetDateTime, begun_before: OffsetDateTime) -> Result<u64>;
    /// Takes the lock named `name` until this transaction ends, if nobody else holds it:
    /// work that must run once however many instances of Hearth serve the database (on
    /// PostgreSQL an advisory lock; SQLite's one writer holds every lock already).
    async fn try_lock(&mut self, name: &str) -> Result<bool>;
    /// Stores a new set-up link, ending every earlier unused link of the same user.
    async fn insert_setup_link(&mut self, link: &SetupLinkRecord) -> Result<()>;
    async fn setup_link_by_hash(&mut self, token_hash: &str) -> Result<Option<SetupLinkRecord>>;
    /// Keeps the authenticator secret proposed on a link's page.
    async fn propose_setup_totp(&mut self, id: SetupLinkId, secret: &str) -> Result<()>;
    /// Marks a link used at `at`; `NotFound` unless it was still unused.
    async fn use_setup_link(&mut self, id: SetupLinkId, at: OffsetDateTime) -> Result<()>;
    /// The newest set-up link of each user who has one, for the administrators' page.
    async fn latest_setup_links(&mut self) -> Result<Vec<SetupLinkRecord>>;

    // People.
    /// Stores version 1 and its search keys.
    async fn insert_person(&mut self, p: &PersonRecord, meta: &ChangeMeta) -> Result<()>;
    async fn person(&mut self, id: PersonId) -> Result<Option<PersonRecord>>;
    /// The one scoped read of people for lists: the summaries of those of `ids` that
    /// `scope` may see listed for `listing` (`AccessScope::lists`), in the order of `ids`;
    /// unknown and hidden ids are left out. Every page or answer that names people it did
    /// not open one by one reads them here (or in `search_persons`, which applies the same
    /// scope), so a restricted person never appears in a list of someone not named on it.
    async fn listed_persons(&mut self, ids: &[PersonId], scope: &AccessScope, listing: Listing, now: OffsetDateTime) -> Result<Vec<PersonSummary>>;
    /// Stores `p` as version `expected_version + 1` with its search keys, unless the stored
    /// version is no longer `expected_version` (`Conflict`). `p.allocation` and
    /// `p.restricted` are stored too.
    async fn update_person(&mut self, p: &PersonRecord, expected_version: i64, meta: &ChangeMeta) -> Result<()>;
    /// Every stored version, oldest first, with the name of who saved it.
    async fn person_versions(&mut self, id: PersonId) -> Result<Vec<PersonVersion>>;
    /// Candidates for a query, already limited to what `scope` may see, at most `limit`.
    /// Name terms must each match a token by prefix or a fuzzy key; identifiers and the date
    /// of birth must match exactly. Ranking is the caller's.
    async fn search_persons(&mut self, q: &ParsedQuery, scope: &AccessScope, limit: u32) -> Result<Vec<PersonSummary>>;
    /// People with this NHS number or date of birth (or expected date of birth), whoever may
    /// see them, for the duplicate check (which shows only what the user may open).
    async fn duplicate_candidates(&mut self, nhs_number: Option<&str>, date_of_birth: Option<time::Date>) -> Result<Vec<PersonSummary>>;
    async fn access_facts(&mut self, person: PersonId, user: UserId, now: OffsetDateTime) -> Result<Option<AccessFacts>>;
    /// `access_facts` for several people at once (a family network), in any order; unknown
    /// ids are left out.
    async fn access_facts_many(&mut self, persons: &[PersonId], user: UserId, now: OffsetDateTime) -> Result<Vec<AccessFacts>> {
        let mut out = Vec::with_capacity(persons.len());
        for &p in persons {
            if let Some(f) = self.access_facts(p, user, now).await? {
                out.push(f);
            }
        }
        Ok(out)
    }
    /// A child's allocation history, oldest first.
    async fn allocations_of(&mut self, person: PersonId) -> Result<Vec<Allocation>>;
    /// Stores a change of allocation: ends `ended` (id, last day) if given, adds `new`, and
    /// moves the record's current allocation (which decides who may see it) to `new`.
    async fn allocate(&mut self, person: PersonId, ended: Option<(AllocationId, time::Date)>, new: &Allocation) -> Result<()>;
    /// As [`Tx::allocate`] for an allocation that starts after today: stored now, pending,
    /// and the record's allocation stays as it is until [`Tx::apply_due_allocations`].
    async fn plan_allocation(&mut self, person: PersonId, ended: Option<(AllocationId, time::Date)>, new: &Allocation) -> Result<()>;
    /// The child's pending allocation, if a transfer is planned.
    async fn planned_allocation(&mut self, person: PersonId) -> Result<Option<Allocation>>;
    /// Removes the child's pending allocation and reopens the one it would have ended:
    /// the planned transfer is called off. `false` when none was pending.
    async fn cancel_planned_allocation(&mut self, person: PersonId) -> Result<bool>;
    /// Makes each pending allocation starting on or before `today` the record's allocation
    /// and no longer pending: (child, the allocation) for each.
    async fn apply_due_allocations(&mut self, today: time::Date) -> Result<Vec<(PersonId, Allocation)>>;
    /// The children allocated to `scope`'s user that the scope may open (a restricted child
    /// allocated to them but not naming them on its list is left out), by family then given
    /// name, at most `limit`.
    async fn children_of_worker(&mut self, scope: &AccessScope, now: OffsetDateTime, limit: u32) -> Result<Vec<PersonSummary>> {
        self.cases_of(scope.user, scope, now, limit).await
    }
    /// The children allocated to `worker` that `scope` (a reader: the worker, their manager)
    /// may open, by family then given name, at most `limit`.
    async fn cases_of(&mut self, worker: UserId, scope: &AccessScope, now: OffsetDateTime, limit: u32) -> Result<Vec<PersonSummary>>;
    /// How many children each of `workers` holds (workers with none are left out).
    async fn caseloads(&mut self, workers: &[UserId]) -> Result<Vec<(UserId, i64)>>;
    /// How many children are allocated to each of `teams` without a worker (teams with none
    /// are left out).
    async fn unallocated_children(&mut self, teams: &[TeamId]) -> Result<Vec<(TeamId, i64)>>;
    /// Puts a worker on a team's rota for a session; false when they were already on it.
    async fn add_to_rota(&mut self, e: &RotaEntry) -> Result<bool>;
    /// Takes a worker off a team's rota for a session; false when they were not on it.
    async fn remove_from_rota(&mut self, team: TeamId, session: hearth_domain::front_door::rota::Session, worker: UserId) -> Result<bool>;
    /// A team's rota for the sessions from `from` to `to` inclusive, by date, half (morning
    /// first) and when added.
    async fn rota(&mut self, team: TeamId, from: time::Date, to: time::Date) -> Result<Vec<RotaEntry>>;
    /// Records why a child meets a census query, replacing an earlier explanation of the
    /// same child, rule and year.
    async fn explain_census_query(&mut self, e: &CensusExplanation) -> Result<()>;
    /// Every explanation recorded for a collection year.
    async fn census_explanations(&mut self, year: &str) -> Result<Vec<CensusExplanation>>;
    /// Replaces the restricted-access list of a person.
    async fn set_access_list(&mut self, person: PersonId, users: &[UserId]) -> Result<()>;
    async fn access_list(&mut self, person: PersonId) -> Result<Vec<UserId>>;
    async fn insert_break_glass(&mut self, g: &BreakGlassGrant) -> Result<()>;
    /// Grants that started at or after `since`, newest first, with user and person names and
    /// the person's allocation. Unscoped: the caller names the person only as `Listing`
    /// allows.
    async fn break_glass_since(&mut self, since: OffsetDateTime) -> Result<Vec<BreakGlassGrant>>;

    // The front door: contacts, referrals, assessments (each saved as version 1, 2, …, every
    // version kept), and the tasks their deadlines make.
    async fn insert_contact(&mut self, c: &Contact, meta: &ChangeMeta) -> Result<()>;
    /// `Conflict` unless the stored version is still `expected_version`.
    async fn update_contact(&mut self, c: &Contact, expected_version: i64, meta: &ChangeMeta) -> Result<()>;
    async fn contact(&mut self, id: ContactId) -> Result<Option<Versioned<Contact>>>;
    /// Contacts about a person (as a child or a family member), newest received first.
    async fn contacts_of(&mut self, person: PersonId) -> Result<Vec<Versioned<Contact>>>;
    async fn insert_referral(&mut self, r: &Referral, meta: &ChangeMeta) -> Result<()>;
    async fn update_referral(&mut self, r: &Referral, expected_version: i64, meta: &ChangeMeta) -> Result<()>;
    async fn referral(&mut self, id: ReferralId) -> Result<Option<Versioned<Referral>>>;
    /// Every child with at least one referral, by id.
    async fn referred_children(&mut self) -> Result<Vec<PersonId>>;
    /// Everything the CIN census is built from, in a few reads however many children there
    /// are (the census of 15,000 children must take seconds, not a query per child):
    /// of the whole LA, or of `people` only.
    async fn census_records(&mut self, people: Option<&[PersonId]>) -> Result<CensusRecords>;
    /// The people whose part of the census may have changed after change number `after`
    /// (their facts, allocation, restriction or LA child id; a front-door record about
    /// them), numbered in commit order. Triggers keep the log, so no write can miss it.
    async fn census_changes(&mut self, after: i64) -> Result<CensusChanges>;
    /// Keeps only the newest `keep` changes of the census log; returns how many went.
    async fn prune_census_changes(&mut self, keep: i64) -> Result<u64>;
    /// A child's referrals, newest referral date first.
    async fn referrals_of(&mut self, child: PersonId) -> Result<Vec<Versioned<Referral>>>;
    async fn insert_assessment(&mut self, a: &Assessment, meta: &ChangeMeta) -> Result<()>;
    async fn update_assessment(&mut self, a: &Assessment, expected_version: i64, meta: &ChangeMeta) -> Result<()>;
    async fn assessment(&mut self, id: AssessmentId) -> Result<Option<Versioned<Assessment>>>;
    async fn assessment_of_referral(&mut self, referral: ReferralId) -> Result<Option<Versioned<Assessment>>>;
    /// A child's assessments, any order.
    async fn assessments_of(&mut self, child: PersonId) -> Result<Vec<Versioned<Assessment>>>;
    /// Gives a person the LA child id a previous system gave them (CIN census import),
    /// replacing Hearth's own, which `insert_person` sets. An id names one person: an id
    /// already someone else's is refused.
    async fn keep_la_child_id(&mut self, person: PersonId, la_child_id: &str) -> Result<()>;
    /// A child's LA child id (`None` for an adult or an unknown person).
    async fn kept_la_child_id(&mut self, person: PersonId) -> Result<Option<String>>;
    /// The person with this LA child id.
    async fn person_with_la_child_id(&mut self, la_child_id: &str) -> Result<Option<PersonId>>;
    /// Every saved version of a contact, referral or assessment (by its id), oldest first.
    async fn front_door_versions(&mut self, id: &str) -> Result<Vec<DocVersion>>;
    // Children in need and child protection: a child's episodes (versioned like the front
    // door's records).
    async fn insert_episode(&mut self, e: &Episode, meta: &ChangeMeta) -> Result<()>;
    /// `Conflict` unless the stored version is still `expected_version`.
    async fn update_episode(&mut self, e: &Episode, expected_version: i64, meta: &ChangeMeta) -> Result<()>;
    async fn episode(&mut self, id: EpisodeId) -> Result<Option<Versioned<Episode>>>;
    /// A child's episodes, newest start first.
    async fn episodes_of(&mut self, child: PersonId) -> Result<Vec<Versioned<Episode>>>;
    async fn episode_of_referral(&mut self, referral: ReferralId) -> Result<Option<Versioned<Episode>>>;
    /// Keeps a child's new period of care (issue 17).
    async fn insert_care_period(&mut self, p: &CarePeriodRecord, meta: &ChangeMeta) -> Result<()>;
    /// `Conflict` unless the stored version is still `expected_version`.
    async fn update_care_period(&mut self, p: &CarePeriodRecord, expected_version: i64, meta: &ChangeMeta) -> Result<()>;
    async fn care_period(&mut self, id: CarePeriodId) -> Result<Option<Versioned<CarePeriodRecord>>>;
    /// A child's periods of care, earliest start first.
    async fn care_periods_of(&mut self, child: PersonId) -> Result<Vec<Versioned<CarePeriodRecord>>>;
    /// Every child's periods of care, whole.
    async fn all_care_periods(&mut self) -> Result<Vec<CarePeriodRecord>>;
    /// Every child's periods of care in outline (`CarePeriodOutline`: no reviews, health,
    /// education or family time) that had not ended before `ended_since`, for the lists that
    /// read them all (the children-in-care dashboard, a provider's children).
    async fn care_period_outlines(&mut self, ended_since: time::Date) -> Result<Vec<CarePeriodRecord>>;
    /// Keeps a new decision about a child coming into care.
    async fn insert_care_decision(&mut self, d: &CareDecision, meta: &ChangeMeta) -> Result<()>;
    /// `Conflict` unless the stored version is still `expected_version`.
    async fn update_care_decision(&mut self, d: &CareDecision, expected_version: i64, meta: &ChangeMeta) -> Result<()>;
    async fn care_decision(&mut self, id: CareDecisionId) -> Result<Option<Versioned<CareDecision>>>;
    /// A child's decisions about care, newest proposal first.
    async fn care_decisions_of(&mut self, child: PersonId) -> Result<Vec<Versioned<CareDecision>>>;
    /// Keeps a young person's care leaver record (one to a person).
    async fn insert_care_leaver(&mut self, r: &CareLeaverRecord, meta: &ChangeMeta) -> Result<()>;
    /// `Conflict` unless the stored version is still `expected_version`.
    async fn update_care_leaver(&mut self, r: &CareLeaverRecord, expected_version: i64, meta: &ChangeMeta) -> Result<()>;
    async fn care_leaver_of(&mut self, child: PersonId) -> Result<Option<Versioned<CareLeaverRecord>>>;
    /// Every care leaver record, whole (the care leavers' dashboard).
    async fn all_care_leavers(&mut self) -> Result<Vec<CareLeaverRecord>>;
    /// Keeps a young person's referral to a service of the directory.
    async fn insert_service_referral(&mut self, r: &ServiceReferral, meta: &ChangeMeta) -> Result<()>;
    /// `Conflict` unless the stored version is still `expected_version`.
    async fn update_service_referral(&mut self, r: &ServiceReferral, expected_version: i64, meta: &ChangeMeta) -> Result<()>;
    async fn service_referral(&mut self, id: ServiceReferralId) -> Result<Option<Versioned<ServiceReferral>>>;
    /// A young person's referrals to services, newest first.
    async fn service_referrals_of(&mut self, child: PersonId) -> Result<Vec<Versioned<ServiceReferral>>>;
    /// Every referral to the service with this key, newest first.
    async fn service_referrals_to(&mut self, service: &str) -> Result<Vec<ServiceReferral>>;
    /// Keeps a new provider of placements.
    async fn insert_provider(&mut self, p: &Provider, meta: &ChangeMeta) -> Result<()>;
    /// `Conflict` unless the stored version is still `expected_version`.
    async fn update_provider(&mut self, p: &Provider, expected_version: i64, meta: &ChangeMeta) -> Result<()>;
    async fn provider(&mut self, id: ProviderId) -> Result<Option<Versioned<Provider>>>;
    /// Every provider, open or closed, by name.
    async fn providers(&mut self) -> Result<Vec<Provider>>;
    // Where postcodes are (the ONS Postcode Directory), for the distance from home.
    /// The locations of those of `keys` (postcodes as `Postcode` writes them, or outward
    /// codes) that are kept, by key; one query for a list as long as a dashboard's.
    async fn postcode_locations(&mut self, keys: &[String]) -> Result<HashMap<String, Location>>;
    /// Whether any postcode location is kept (the directory has been loaded).
    async fn has_postcode_locations(&mut self) -> Result<bool>;
    /// Replaces every postcode location with `rows` (each key once), within this
    /// transaction, many rows to a statement: the directory's 2.7 million rows load in one
    /// transaction, and until it commits readers see the old ones. Returns how many were
    /// written.
    async fn replace_postcode_locations(&mut self, rows: &[(String, Location)]) -> Result<u64>;
    /// A person's contacts, referrals, assessments, episodes and periods of care at once (the
    /// record page's), which a backend can read in one query.
    async fn front_door_of(&mut self, person: PersonId) -> Result<PersonFrontDoor> {
        Ok(PersonFrontDoor {
            contacts: self.contacts_of(person).await?,
            referrals: self.referrals_of(person).await?,
            assessments: self.assessments_of(person).await?,
            episodes: self.episodes_of(person).await?,
            care_periods: self.care_periods_of(person).await?,
            care_decisions: self.care_decisions_of(person).await?,
            care_leaver: self.care_leaver_of(person).await?,
        })
    }
    /// The open child protection plans of the children currently allocated to one of
    /// `teams`, with how many plans each child had before (in any episode), in any order.
    async fn open_cp_plans_of_teams(&mut self, teams: &[TeamId]) -> Result<Vec<OpenPlan>>;
    async fn insert_task(&mut self, t: &Task) -> Result<()>;
    /// Inserts many tasks at once (as `insert_task` would, one by one).
    async fn insert_tasks(&mut self, tasks: &[Task]) -> Result<()> {
        for t in tasks {
            self.insert_task(t).await?;
        }
        Ok(())
    }
    /// Closes these tasks (those still open); returns how many.
    async fn close_tasks(&mut self, ids: &[TaskId], by: UserId, at: OffsetDateTime) -> Result<u64>;
    /// Closes the open tasks of these kinds about `subject`; returns how many.
    async fn complete_tasks(&mut self, subject: TaskSubject, kinds: &[TaskKind], by: UserId, at: OffsetDateTime) -> Result<u64>;
    /// Marks the open tasks of these kinds about `subject` as waiting on someone else, or
    /// (`None`) back with their holder; returns how many.
    async fn set_waiting(&mut self, subject: TaskSubject, kinds: &[TaskKind], waiting: Option<Waiting>) -> Result<u64>;
    /// Every task about `subject`, open or done, by due date.
    async fn tasks_of(&mut self, subject: TaskSubject) -> Result<Vec<Task>>;
    /// The open tasks the query selects, by due date (then kind, then id).
    async fn open_tasks(&mut self, q: &TaskQuery<'_>) -> Result<Vec<Task>>;
    /// How many open tasks assigned to one of `assignees` or belonging to one of `teams` each
    /// assignee holds, by kind and by bucket on `today`; sorted as `tasks::tally` sorts.
    async fn open_task_tally(&mut self, assignees: &[UserId], teams: &[TeamId], today: Date) -> Result<Vec<TaskTally>>;
    /// Stores a task's new due date, rule, pack and explanation (recalculation).
    async fn reschedule_task(&mut self, t: &Task) -> Result<()>;
    /// Moves a child's open tasks of these kinds to a team and worker (after an allocation);
    /// returns how many.
    async fn assign_open_tasks(&mut self, child: PersonId, kinds: &[TaskKind], team: TeamId, worker: Option<UserId>) -> Result<u64>;

    // Relationships.
    async fn insert_relationship(&mut self, r: &Relationship) -> Result<()>;
    /// Changes dates and note, unless the stored version is no longer `expected_version`.
    async fn update_relationship(&mut self, r: &Relationship, expected_version: i64) -> Result<()>;
    async fn relationship(&mut self, id: RelationshipId) -> Result<Option<Relationship>>;
    /// Relationships where the person is at either end.
    async fn relationships_of(&mut self, person: PersonId) -> Result<Vec<Relationship>>;

    // Case notes.
    async fn insert_case_note(&mut self, n: &CaseNote) -> Result<()>;
    async fn case_note(&mut self, id: CaseNoteId) -> Result<Option<CaseNote>>;
    /// Stores a correction as version `expected_version + 1`, unless the stored version is
    /// no longer `expected_version` (`Conflict`).
    async fn correct_case_note(&mut self, id: CaseNoteId, details: &CaseNoteDetails, expected_version: i64, meta: &ChangeMeta) -> Result<()>;
    async fn case_note_versions(&mut self, id: CaseNoteId) -> Result<Vec<CaseNoteVersion>>;
    /// Newest event first. `significant_only` serves the chronology.
    async fn case_notes_of(&mut self, person: PersonId, significant_only: bool, limit: u32, offset: u32) -> Result<Vec<CaseNote>>;
    async fn count_case_notes(&mut self, person: PersonId) -> Result<i64>;
    /// The person's short reference, open tasks and when they were last seen (`None`: no
    /// such person).
    async fn case_facts(&mut self, person: PersonId) -> Result<Option<CaseFacts>>;
    /// The person a short reference stands for, if any.
    async fn person_by_reference(&mut self, reference: hearth_domain::identifiers::PersonRef) -> Result<Option<PersonId>>;
    /// The short references of these people (unknown ids left out).
    async fn references(&mut self, ids: &[PersonId]) -> Result<Vec<(PersonId, hearth_domain::identifiers::PersonRef)>>;

    // Audit.
    /// Adds the entry at the end of the chain when this transaction commits, in the order
    /// appended: in the same transaction as its change (a write transaction holds the
    /// chain's head only while committing), or by group commit for a read transaction.
    /// Nothing is added if the transaction is dropped.
    async fn append_audit(&mut self, draft: &AuditDraft) -> Result<()>;
    /// Entries with `seq` greater than `after`, in order, at most `limit`.
    async fn audit_page(&mut self, after: i64, limit: u32) -> Result<Vec<AuditEntry>>;
    /// The sequence number of the last entry written, as recorded apart from the entries.
    async fn audit_head(&mut self) -> Result<i64>;
    /// Entries about a person, newest first.
    async fn audit_of_person(&mut self, person: PersonId, limit: u32) -> Result<Vec<AuditEntry>>;
    /// What `actor` did to `person` from `from` to `to` inclusive (under a break-glass
    /// grant), oldest first, at most `limit`.
    async fn audit_of_person_by(&mut self, person: PersonId, actor: UserId, from: OffsetDateTime, to: OffsetDateTime, limit: u32) -> Result<Vec<AuditEntry>>;
    /// The entries the query selects, newest first.
    async fn audit_search(&mut self, q: &AuditQuery) -> Result<Vec<AuditEntry>>;
    /// Accounts created since `since` whose role is now one of `roles`, newest first.
    async fn role_grants_since(&mut self, since: OffsetDateTime, roles: &[hearth_domain::user::Role]) -> Result<Vec<RoleGrant>>;
}
