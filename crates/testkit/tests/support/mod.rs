//! A fresh SQLite store per test, and a store wrapper that notes the ids the generator
//! writes, so a test can read every record back through the ordinary interface.
#![allow(dead_code)]
use async_trait::async_trait;
use hearth_domain::access::{AccessFacts, AccessScope, Listing};
use hearth_domain::audit::{AuditDraft, AuditEntry};
use hearth_domain::care::provider::{Provider, ProviderId};
use hearth_domain::case_note::{CaseNote, CaseNoteDetails, CaseNoteVersion};
use hearth_domain::person::{ChangeMeta, PersonRecord, PersonSummary, PersonVersion};
use hearth_domain::relationship::Relationship;
use hearth_domain::search::ParsedQuery;
use hearth_domain::user::{Team, UserRecord};
use hearth_domain::*;
use hearth_domain::front_door::assessment::Assessment;
use hearth_domain::front_door::contact::Contact;
use hearth_domain::front_door::referral::Referral;
use hearth_domain::front_door::tasks::{Task, TaskKind, TaskSubject, TaskTally, Waiting};
use hearth_domain::cin::episode::Episode;
use hearth_domain::cin::EpisodeId;
use hearth_domain::front_door::{AssessmentId, ContactId, ReferralId, TaskId};
use hearth_store::{ApiTokenRecord, BreakGlassGrant, DocVersion, DraftRecord, Result, RoleGrant, SessionRecord, SetupLinkRecord, Store, TaskQuery, Tx, Versioned};
use hearth_store_sql::SqlStore;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use time::{Date, OffsetDateTime};

/// A SQLite database file (and its WAL companions), removed when dropped.
pub struct TempDb {
    pub path: PathBuf,
    pub store: SqlStore,
}

impl TempDb {
    pub async fn new(name: &str) -> TempDb {
        let path = std::env::temp_dir().join(format!("hearth-testkit-{name}-{}.db", uuid::Uuid::new_v4().simple()));
        let store = SqlStore::connect(&format!("sqlite://{}", path.display())).await.expect("open SQLite");
        store.migrate().await.expect("migrate");
        TempDb { path, store }
    }
}

impl Drop for TempDb {
    fn drop(&mut self) {
        for suffix in ["", "-wal", "-shm"] {
            let mut p = self.path.clone().into_os_string();
            p.push(suffix);
            let _ = std::fs::remove_file(p);
        }
    }
}

/// Ids written through a [`Recording`] store.
#[derive(Default, Debug)]
pub struct Written {
    pub persons: Vec<PersonId>,
    pub updated_persons: Vec<PersonId>,
    pub access_lists: Vec<(PersonId, Vec<UserId>)>,
    pub relationships: Vec<RelationshipId>,
    pub case_notes: Vec<CaseNoteId>,
    pub corrected_notes: Vec<CaseNoteId>,
    pub commits: usize,
}

pub struct Recording<S> {
    pub inner: S,
    pub written: Arc<Mutex<Written>>,
}

impl<S: Store> Recording<S> {
    pub fn new(inner: S) -> Self {
        Self { inner, written: Arc::default() }
    }
}

#[async_trait]
impl<S: Store> Store for Recording<S> {
    async fn begin(&self) -> Result<Box<dyn Tx>> {
        Ok(Box::new(RecordingTx { inner: self.inner.begin().await?, pending: Written::default(), written: self.written.clone() }))
    }
    async fn ping(&self) -> Result<()> {
        self.inner.ping().await
    }
    async fn check_writable(&self) -> Result<()> {
        self.inner.check_writable().await
    }
    async fn analyze(&self) -> Result<()> {
        self.inner.analyze().await
    }
    async fn begin_read(&self) -> Result<Box<dyn Tx>> {
        Ok(Box::new(RecordingTx { inner: self.inner.begin_read().await?, pending: Written::default(), written: self.written.clone() }))
    }
    async fn record_audit(&self, drafts: &[AuditDraft]) -> Result<()> {
        self.inner.record_audit(drafts).await
    }
    fn backend(&self) -> &'static str {
        self.inner.backend()
    }
}

struct RecordingTx {
    inner: Box<dyn Tx>,
    pending: Written,
    written: Arc<Mutex<Written>>,
}

#[async_trait]
impl Tx for RecordingTx {
    async fn commit(self: Box<Self>) -> Result<()> {
        let this = *self;
        this.inner.commit().await?;
        let mut w = this.written.lock().expect("lock");
        let p = this.pending;
        w.persons.extend(p.persons);
        w.updated_persons.extend(p.updated_persons);
        w.access_lists.extend(p.access_lists);
        w.relationships.extend(p.relationships);
        w.case_notes.extend(p.case_notes);
        w.corrected_notes.extend(p.corrected_notes);
        w.commits += 1;
        Ok(())
    }
    async fn insert_team(&mut self, team: &Team) -> Result<()> {
        self.inner.insert_team(team).await
    }
    async fn teams(&mut self) -> Result<Vec<Team>> {
        self.inner.teams().await
    }
    async fn insert_user(&mut self, user: &UserRecord) -> Result<()> {
        self.inner.insert_user(user).await
    }
    async fn user(&mut self, id: UserId) -> Result<Option<UserRecord>> {
        self.inner.user(id).await
    }
    async fn chain_epoch(&mut self) -> Result<i64> {
        self.inner.chain_epoch().await
    }
    async fn user_by_username(&mut self, username: &str) -> Result<Option<UserRecord>> {
        self.inner.user_by_username(username).await
    }
    async fn users(&mut self) -> Result<Vec<UserRecord>> {
        self.inner.users().await
    }
    async fn update_user(&mut self, user: &UserRecord) -> Result<()> {
        self.inner.update_user(user).await
    }
    async fn insert_session(&mut self, s: &SessionRecord) -> Result<()> {
        self.inner.insert_session(s).await
    }
    async fn session_by_token_hash(&mut self, token_hash: &str) -> Result<Option<SessionRecord>> {
        self.inner.session_by_token_hash(token_hash).await
    }
    async fn update_session(&mut self, s: &SessionRecord) -> Result<()> {
        self.inner.update_session(s).await
    }
    async fn touch_session(&mut self, id: SessionId, at: OffsetDateTime) -> Result<()> {
        self.inner.touch_session(id, at).await
    }
    async fn delete_session(&mut self, id: SessionId) -> Result<()> {
        self.inner.delete_session(id).await
    }
    async fn delete_user_sessions(&mut self, user: UserId) -> Result<u64> {
        self.inner.delete_user_sessions(user).await
    }
    async fn insert_api_token(&mut self, t: &ApiTokenRecord) -> Result<()> {
        self.inner.insert_api_token(t).await
    }
    async fn api_token_by_hash(&mut self, token_hash: &str) -> Result<Option<ApiTokenRecord>> {
        self.inner.api_token_by_hash(token_hash).await
    }
    async fn api_tokens_of(&mut self, user: UserId) -> Result<Vec<ApiTokenRecord>> {
        self.inner.api_tokens_of(user).await
    }
    async fn revoke_api_token(&mut self, id: ApiTokenId, user: UserId, at: OffsetDateTime) -> Result<()> {
        self.inner.revoke_api_token(id, user, at).await
    }
    async fn touch_api_token(&mut self, id: ApiTokenId, at: OffsetDateTime) -> Result<()> {
        self.inner.touch_api_token(id, at).await
    }
    async fn insert_draft(&mut self, d: &DraftRecord) -> Result<()> {
        self.inner.insert_draft(d).await
    }
    async fn take_draft(&mut self, id: DraftId, user: UserId) -> Result<Option<DraftRecord>> {
        self.inner.take_draft(id, user).await
    }
    async fn insert_person(&mut self, p: &PersonRecord, meta: &ChangeMeta) -> Result<()> {
        self.inner.insert_person(p, meta).await?;
        self.pending.persons.push(p.id);
        Ok(())
    }
    async fn person(&mut self, id: PersonId) -> Result<Option<PersonRecord>> {
        self.inner.person(id).await
    }
    async fn listed_persons(&mut self, ids: &[PersonId], scope: &AccessScope, listing: Listing, now: OffsetDateTime) -> Result<Vec<PersonSummary>> {
        self.inner.listed_persons(ids, scope, listing, now).await
    }
    async fn revoke_user_api_tokens(&mut self, user: UserId, at: OffsetDateTime) -> Result<u64> {
        self.inner.revoke_user_api_tokens(user, at).await
    }
    async fn delete_drafts_before(&mut self, before: OffsetDateTime) -> Result<u64> {
        self.inner.delete_drafts_before(before).await
    }
    async fn delete_sessions_before(&mut self, idle_before: OffsetDateTime, begun_before: OffsetDateTime) -> Result<u64> {
        self.inner.delete_sessions_before(idle_before, begun_before).await
    }
    async fn try_lock(&mut self, name: &str) -> Result<bool> {
        self.inner.try_lock(name).await
    }
    async fn insert_setup_link(&mut self, link: &SetupLinkRecord) -> Result<()> {
        self.inner.insert_setup_link(link).await
    }
    async fn setup_link_by_hash(&mut self, token_hash: &str) -> Result<Option<SetupLinkRecord>> {
        self.inner.setup_link_by_hash(token_hash).await
    }
    async fn propose_setup_totp(&mut self, id: SetupLinkId, secret: &str) -> Result<()> {
        self.inner.propose_setup_totp(id, secret).await
    }
    async fn use_setup_link(&mut self, id: SetupLinkId, at: OffsetDateTime) -> Result<()> {
        self.inner.use_setup_link(id, at).await
    }
    async fn latest_setup_links(&mut self) -> Result<Vec<SetupLinkRecord>> {
        self.inner.latest_setup_links().await
    }
    async fn audit_search(&mut self, q: &hearth_store::AuditQuery) -> Result<Vec<AuditEntry>> {
        self.inner.audit_search(q).await
    }
    async fn audit_of_person_by(&mut self, person: PersonId, actor: UserId, from: OffsetDateTime, to: OffsetDateTime, limit: u32) -> Result<Vec<AuditEntry>> {
        self.inner.audit_of_person_by(person, actor, from, to, limit).await
    }
    async fn role_grants_since(&mut self, since: OffsetDateTime, roles: &[hearth_domain::user::Role]) -> Result<Vec<RoleGrant>> {
        self.inner.role_grants_since(since, roles).await
    }
    async fn update_person(&mut self, p: &PersonRecord, expected_version: i64, meta: &ChangeMeta) -> Result<()> {
        self.inner.update_person(p, expected_version, meta).await?;
        self.pending.updated_persons.push(p.id);
        Ok(())
    }
    async fn person_versions(&mut self, id: PersonId) -> Result<Vec<PersonVersion>> {
        self.inner.person_versions(id).await
    }
    async fn search_persons(&mut self, q: &ParsedQuery, scope: &AccessScope, limit: u32) -> Result<Vec<PersonSummary>> {
        self.inner.search_persons(q, scope, limit).await
    }
    async fn duplicate_candidates(&mut self, nhs_number: Option<&str>, date_of_birth: Option<Date>) -> Result<Vec<PersonSummary>> {
        self.inner.duplicate_candidates(nhs_number, date_of_birth).await
    }
    async fn access_facts(&mut self, person: PersonId, user: UserId, now: OffsetDateTime) -> Result<Option<AccessFacts>> {
        self.inner.access_facts(person, user, now).await
    }
    async fn insert_contact(&mut self, c: &Contact, meta: &ChangeMeta) -> Result<()> {
        self.inner.insert_contact(c, meta).await
    }
    async fn update_contact(&mut self, c: &Contact, expected_version: i64, meta: &ChangeMeta) -> Result<()> {
        self.inner.update_contact(c, expected_version, meta).await
    }
    async fn contact(&mut self, id: ContactId) -> Result<Option<Versioned<Contact>>> {
        self.inner.contact(id).await
    }
    async fn contacts_of(&mut self, person: PersonId) -> Result<Vec<Versioned<Contact>>> {
        self.inner.contacts_of(person).await
    }
    async fn insert_referral(&mut self, r: &Referral, meta: &ChangeMeta) -> Result<()> {
        self.inner.insert_referral(r, meta).await
    }
    async fn update_referral(&mut self, r: &Referral, expected_version: i64, meta: &ChangeMeta) -> Result<()> {
        self.inner.update_referral(r, expected_version, meta).await
    }
    async fn referral(&mut self, id: ReferralId) -> Result<Option<Versioned<Referral>>> {
        self.inner.referral(id).await
    }
    async fn referred_children(&mut self) -> Result<Vec<PersonId>> {
        self.inner.referred_children().await
    }
    async fn insert_care_period(&mut self, p: &hearth_domain::care::CarePeriodRecord, meta: &ChangeMeta) -> Result<()> {
        self.inner.insert_care_period(p, meta).await
    }
    async fn update_care_period(&mut self, p: &hearth_domain::care::CarePeriodRecord, expected_version: i64, meta: &ChangeMeta) -> Result<()> {
        self.inner.update_care_period(p, expected_version, meta).await
    }
    async fn care_period(&mut self, id: hearth_domain::care::CarePeriodId) -> Result<Option<Versioned<hearth_domain::care::CarePeriodRecord>>> {
        self.inner.care_period(id).await
    }
    async fn care_periods_of(&mut self, child: PersonId) -> Result<Vec<Versioned<hearth_domain::care::CarePeriodRecord>>> {
        self.inner.care_periods_of(child).await
    }
    async fn all_care_periods(&mut self) -> Result<Vec<hearth_domain::care::CarePeriodRecord>> {
        self.inner.all_care_periods().await
    }
    async fn postcode_locations(&mut self, keys: &[String]) -> Result<std::collections::HashMap<String, hearth_domain::care::distance::Location>> {
        self.inner.postcode_locations(keys).await
    }
    async fn has_postcode_locations(&mut self) -> Result<bool> {
        self.inner.has_postcode_locations().await
    }
    async fn replace_postcode_locations(&mut self, rows: &[(String, hearth_domain::care::distance::Location)]) -> Result<u64> {
        self.inner.replace_postcode_locations(rows).await
    }
    async fn care_period_outlines(&mut self, ended_since: time::Date) -> Result<Vec<hearth_domain::care::CarePeriodRecord>> {
        self.inner.care_period_outlines(ended_since).await
    }
    async fn insert_care_decision(&mut self, d: &hearth_domain::care::decision::CareDecision, meta: &ChangeMeta) -> Result<()> {
        self.inner.insert_care_decision(d, meta).await
    }
    async fn update_care_decision(&mut self, d: &hearth_domain::care::decision::CareDecision, expected_version: i64, meta: &ChangeMeta) -> Result<()> {
        self.inner.update_care_decision(d, expected_version, meta).await
    }
    async fn care_decision(&mut self, id: hearth_domain::care::decision::CareDecisionId) -> Result<Option<Versioned<hearth_domain::care::decision::CareDecision>>> {
        self.inner.care_decision(id).await
    }
    async fn care_decisions_of(&mut self, child: PersonId) -> Result<Vec<Versioned<hearth_domain::care::decision::CareDecision>>> {
        self.inner.care_decisions_of(child).await
    }
    async fn insert_care_leaver(&mut self, r: &hearth_domain::care::pathway::CareLeaverRecord, meta: &ChangeMeta) -> Result<()> {
        self.inner.insert_care_leaver(r, meta).await
    }
    async fn update_care_leaver(&mut self, r: &hearth_domain::care::pathway::CareLeaverRecord, expected_version: i64, meta: &ChangeMeta) -> Result<()> {
        self.inner.update_care_leaver(r, expected_version, meta).await
    }
    async fn care_leaver_of(&mut self, child: PersonId) -> Result<Option<Versioned<hearth_domain::care::pathway::CareLeaverRecord>>> {
        self.inner.care_leaver_of(child).await
    }
    async fn all_care_leavers(&mut self) -> Result<Vec<hearth_domain::care::pathway::CareLeaverRecord>> {
        self.inner.all_care_leavers().await
    }
    async fn insert_service_referral(&mut self, r: &hearth_domain::services::ServiceReferral, meta: &ChangeMeta) -> Result<()> {
        self.inner.insert_service_referral(r, meta).await
    }
    async fn update_service_referral(&mut self, r: &hearth_domain::services::ServiceReferral, expected_version: i64, meta: &ChangeMeta) -> Result<()> {
        self.inner.update_service_referral(r, expected_version, meta).await
    }
    async fn service_referral(&mut self, id: hearth_domain::services::ServiceReferralId) -> Result<Option<Versioned<hearth_domain::services::ServiceReferral>>> {
        self.inner.service_referral(id).await
    }
    async fn service_referrals_of(&mut self, child: PersonId) -> Result<Vec<Versioned<hearth_domain::services::ServiceReferral>>> {
        self.inner.service_referrals_of(child).await
    }
    async fn service_referrals_to(&mut self, service: &str) -> Result<Vec<hearth_domain::services::ServiceReferral>> {
        self.inner.service_referrals_to(service).await
    }
    async fn insert_provider(&mut self, p: &Provider, meta: &ChangeMeta) -> Result<()> {
        self.inner.insert_provider(p, meta).await
    }
    async fn update_provider(&mut self, p: &Provider, expected_version: i64, meta: &ChangeMeta) -> Result<()> {
        self.inner.update_provider(p, expected_version, meta).await
    }
    async fn provider(&mut self, id: ProviderId) -> Result<Option<Versioned<Provider>>> {
        self.inner.provider(id).await
    }
    async fn providers(&mut self) -> Result<Vec<Provider>> {
        self.inner.providers().await
    }
    async fn referrals_of(&mut self, child: PersonId) -> Result<Vec<Versioned<Referral>>> {
        self.inner.referrals_of(child).await
    }
    async fn census_records(&mut self, people: Option<&[PersonId]>) -> Result<hearth_store::CensusRecords> {
        self.inner.census_records(people).await
    }
    async fn census_changes(&mut self, after: i64) -> Result<hearth_store::CensusChanges> {
        self.inner.census_changes(after).await
    }
    async fn prune_census_changes(&mut self, keep: i64) -> Result<u64> {
        self.inner.prune_census_changes(keep).await
    }
    async fn insert_assessment(&mut self, a: &Assessment, meta: &ChangeMeta) -> Result<()> {
        self.inner.insert_assessment(a, meta).await
    }
    async fn update_assessment(&mut self, a: &Assessment, expected_version: i64, meta: &ChangeMeta) -> Result<()> {
        self.inner.update_assessment(a, expected_version, meta).await
    }
    async fn assessment(&mut self, id: AssessmentId) -> Result<Option<Versioned<Assessment>>> {
        self.inner.assessment(id).await
    }
    async fn assessment_of_referral(&mut self, referral: ReferralId) -> Result<Option<Versioned<Assessment>>> {
        self.inner.assessment_of_referral(referral).await
    }
    async fn assessments_of(&mut self, child: PersonId) -> Result<Vec<Versioned<Assessment>>> {
        self.inner.assessments_of(child).await
    }
    async fn keep_la_child_id(&mut self, person: PersonId, la_child_id: &str) -> Result<()> {
        self.inner.keep_la_child_id(person, la_child_id).await
    }
    async fn kept_la_child_id(&mut self, person: PersonId) -> Result<Option<String>> {
        self.inner.kept_la_child_id(person).await
    }
    async fn person_with_la_child_id(&mut self, la_child_id: &str) -> Result<Option<PersonId>> {
        self.inner.person_with_la_child_id(la_child_id).await
    }
    async fn front_door_versions(&mut self, id: &str) -> Result<Vec<DocVersion>> {
        self.inner.front_door_versions(id).await
    }
    async fn insert_episode(&mut self, e: &Episode, meta: &ChangeMeta) -> Result<()> {
        self.inner.insert_episode(e, meta).await
    }
    async fn update_episode(&mut self, e: &Episode, expected_version: i64, meta: &ChangeMeta) -> Result<()> {
        self.inner.update_episode(e, expected_version, meta).await
    }
    async fn episode(&mut self, id: EpisodeId) -> Result<Option<Versioned<Episode>>> {
        self.inner.episode(id).await
    }
    async fn episodes_of(&mut self, child: PersonId) -> Result<Vec<Versioned<Episode>>> {
        self.inner.episodes_of(child).await
    }
    async fn episode_of_referral(&mut self, referral: ReferralId) -> Result<Option<Versioned<Episode>>> {
        self.inner.episode_of_referral(referral).await
    }
    async fn open_cp_plans_of_teams(&mut self, teams: &[TeamId]) -> Result<Vec<hearth_domain::cin::dashboard::OpenPlan>> {
        self.inner.open_cp_plans_of_teams(teams).await
    }
    async fn insert_task(&mut self, t: &Task) -> Result<()> {
        self.inner.insert_task(t).await
    }
    async fn close_tasks(&mut self, ids: &[TaskId], by: UserId, at: OffsetDateTime) -> Result<u64> {
        self.inner.close_tasks(ids, by, at).await
    }
    async fn complete_tasks(&mut self, subject: TaskSubject, kinds: &[TaskKind], by: UserId, at: OffsetDateTime) -> Result<u64> {
        self.inner.complete_tasks(subject, kinds, by, at).await
    }
    async fn set_waiting(&mut self, subject: TaskSubject, kinds: &[TaskKind], waiting: Option<Waiting>) -> Result<u64> {
        self.inner.set_waiting(subject, kinds, waiting).await
    }
    async fn tasks_of(&mut self, subject: TaskSubject) -> Result<Vec<Task>> {
        self.inner.tasks_of(subject).await
    }
    async fn open_tasks(&mut self, q: &TaskQuery<'_>) -> Result<Vec<Task>> {
        self.inner.open_tasks(q).await
    }
    async fn open_task_tally(&mut self, assignees: &[UserId], teams: &[TeamId], today: time::Date) -> Result<Vec<TaskTally>> {
        self.inner.open_task_tally(assignees, teams, today).await
    }
    async fn reschedule_task(&mut self, t: &Task) -> Result<()> {
        self.inner.reschedule_task(t).await
    }
    async fn assign_open_tasks(&mut self, child: PersonId, kinds: &[TaskKind], team: TeamId, worker: Option<UserId>) -> Result<u64> {
        self.inner.assign_open_tasks(child, kinds, team, worker).await
    }
    async fn allocations_of(&mut self, person: PersonId) -> Result<Vec<hearth_domain::front_door::allocation::Allocation>> {
        self.inner.allocations_of(person).await
    }
    async fn allocate(&mut self, person: PersonId, ended: Option<(hearth_domain::front_door::AllocationId, time::Date)>, new: &hearth_domain::front_door::allocation::Allocation) -> Result<()> {
        self.inner.allocate(person, ended, new).await
    }
    async fn plan_allocation(&mut self, person: PersonId, ended: Option<(hearth_domain::front_door::AllocationId, time::Date)>, new: &hearth_domain::front_door::allocation::Allocation) -> Result<()> {
        self.inner.plan_allocation(person, ended, new).await
    }
    async fn planned_allocation(&mut self, person: PersonId) -> Result<Option<hearth_domain::front_door::allocation::Allocation>> {
        self.inner.planned_allocation(person).await
    }
    async fn cancel_planned_allocation(&mut self, person: PersonId) -> Result<bool> {
        self.inner.cancel_planned_allocation(person).await
    }
    async fn apply_due_allocations(&mut self, today: time::Date) -> Result<Vec<(PersonId, hearth_domain::front_door::allocation::Allocation)>> {
        self.inner.apply_due_allocations(today).await
    }
    async fn cases_of(&mut self, worker: UserId, scope: &AccessScope, now: OffsetDateTime, limit: u32) -> Result<Vec<hearth_domain::person::PersonSummary>> {
        self.inner.cases_of(worker, scope, now, limit).await
    }
    async fn caseloads(&mut self, workers: &[UserId]) -> Result<Vec<(UserId, i64)>> {
        self.inner.caseloads(workers).await
    }
    async fn unallocated_children(&mut self, teams: &[TeamId]) -> Result<Vec<(TeamId, i64)>> {
        self.inner.unallocated_children(teams).await
    }
    async fn add_to_rota(&mut self, e: &hearth_store::RotaEntry) -> Result<bool> {
        self.inner.add_to_rota(e).await
    }
    async fn remove_from_rota(&mut self, team: TeamId, session: hearth_domain::front_door::rota::Session, worker: UserId) -> Result<bool> {
        self.inner.remove_from_rota(team, session, worker).await
    }
    async fn rota(&mut self, team: TeamId, from: Date, to: Date) -> Result<Vec<hearth_store::RotaEntry>> {
        self.inner.rota(team, from, to).await
    }
    async fn explain_census_query(&mut self, e: &hearth_store::CensusExplanation) -> Result<()> {
        self.inner.explain_census_query(e).await
    }
    async fn census_explanations(&mut self, year: &str) -> Result<Vec<hearth_store::CensusExplanation>> {
        self.inner.census_explanations(year).await
    }
    async fn set_access_list(&mut self, person: PersonId, users: &[UserId]) -> Result<()> {
        self.inner.set_access_list(person, users).await?;
        self.pending.access_lists.push((person, users.to_vec()));
        Ok(())
    }
    async fn access_list(&mut self, person: PersonId) -> Result<Vec<UserId>> {
        self.inner.access_list(person).await
    }
    async fn insert_break_glass(&mut self, g: &BreakGlassGrant) -> Result<()> {
        self.inner.insert_break_glass(g).await
    }
    async fn break_glass_since(&mut self, since: OffsetDateTime) -> Result<Vec<BreakGlassGrant>> {
        self.inner.break_glass_since(since).await
    }
    async fn insert_relationship(&mut self, r: &Relationship) -> Result<()> {
        self.inner.insert_relationship(r).await?;
        self.pending.relationships.push(r.id);
        Ok(())
    }
    async fn update_relationship(&mut self, r: &Relationship, expected_version: i64) -> Result<()> {
        self.inner.update_relationship(r, expected_version).await
    }
    async fn relationship(&mut self, id: RelationshipId) -> Result<Option<Relationship>> {
        self.inner.relationship(id).await
    }
    async fn relationships_of(&mut self, person: PersonId) -> Result<Vec<Relationship>> {
        self.inner.relationships_of(person).await
    }
    async fn insert_case_note(&mut self, n: &CaseNote) -> Result<()> {
        self.inner.insert_case_note(n).await?;
        self.pending.case_notes.push(n.id);
        Ok(())
    }
    async fn case_note(&mut self, id: CaseNoteId) -> Result<Option<CaseNote>> {
        self.inner.case_note(id).await
    }
    async fn correct_case_note(&mut self, id: CaseNoteId, details: &CaseNoteDetails, expected_version: i64, meta: &ChangeMeta) -> Result<()> {
        self.inner.correct_case_note(id, details, expected_version, meta).await?;
        self.pending.corrected_notes.push(id);
        Ok(())
    }
    async fn case_note_versions(&mut self, id: CaseNoteId) -> Result<Vec<CaseNoteVersion>> {
        self.inner.case_note_versions(id).await
    }
    async fn case_notes_of(&mut self, person: PersonId, significant_only: bool, limit: u32, offset: u32) -> Result<Vec<CaseNote>> {
        self.inner.case_notes_of(person, significant_only, limit, offset).await
    }
    async fn count_case_notes(&mut self, person: PersonId) -> Result<i64> {
        self.inner.count_case_notes(person).await
    }
    async fn case_facts(&mut self, person: PersonId) -> Result<Option<hearth_store::CaseFacts>> {
        self.inner.case_facts(person).await
    }
    async fn person_by_reference(&mut self, reference: hearth_domain::identifiers::PersonRef) -> Result<Option<PersonId>> {
        self.inner.person_by_reference(reference).await
    }
    async fn references(&mut self, ids: &[PersonId]) -> Result<Vec<(PersonId, hearth_domain::identifiers::PersonRef)>> {
        self.inner.references(ids).await
    }
    async fn append_audit(&mut self, draft: &AuditDraft) -> Result<()> {
        self.inner.append_audit(draft).await
    }
    async fn audit_page(&mut self, after: i64, limit: u32) -> Result<Vec<AuditEntry>> {
        self.inner.audit_page(after, limit).await
    }
    async fn audit_head(&mut self) -> Result<i64> {
        self.inner.audit_head().await
    }
    async fn audit_of_person(&mut self, person: PersonId, limit: u32) -> Result<Vec<AuditEntry>> {
        self.inner.audit_of_person(person, limit).await
    }
}
