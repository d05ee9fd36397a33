//! One Hearth transaction: the `Tx` methods, each delegating to the module that owns the tables.
use crate::audit_batch::{AuditBatcher, Pending};
use crate::dialect::Dialect;
use crate::error::db_err;
use crate::front_door::{self as fd, Doc, Kind};
use crate::{allocations, audit, auth, case_notes, census, episodes, people, postcodes, relationships, rota, search};
use async_trait::async_trait;
use hearth_domain::access::{AccessFacts, AccessScope, Listing};
use hearth_domain::audit::{AuditDraft, AuditEntry};
use hearth_domain::front_door::assessment::Assessment;
use hearth_domain::front_door::contact::Contact;
use hearth_domain::front_door::referral::Referral;
use hearth_domain::front_door::tasks::{Task, TaskKind, TaskSubject, TaskTally, Waiting};
use hearth_domain::care::pathway::CareLeaverRecord;
use hearth_domain::services::{ServiceReferral, ServiceReferralId};
use hearth_domain::care::decision::{CareDecision, CareDecisionId};
use hearth_domain::care::provider::{Provider, ProviderId};
use hearth_domain::care::{CarePeriodId, CarePeriodRecord};
use hearth_domain::cin::episode::Episode;
use hearth_domain::cin::EpisodeId;
use hearth_domain::front_door::{AssessmentId, ContactId, ReferralId, TaskId};
use hearth_domain::case_note::{CaseNote, CaseNoteDetails, CaseNoteVersion};
use hearth_domain::person::{ChangeMeta, PersonRecord, PersonSummary, PersonVersion};
use hearth_domain::relationship::Relationship;
use hearth_domain::search::ParsedQuery;
use hearth_domain::identifiers::PersonRef;
use hearth_domain::user::{Team, UserRecord};
use hearth_domain::*;
use hearth_store::*;
use sqlx::Any;
use sqlx::AnyConnection;
use time::OffsetDateTime;

pub(crate) struct SqlTx {
    tx: sqlx::Transaction<'static, Any>,
    dialect: Dialect,
    /// A write transaction's audit entries, appended at commit.
    pending: Vec<AuditDraft>,
    /// Set for a read transaction: its entries go to the group committer as they are
    /// appended, so that their disk sync overlaps the rest of the read.
    batcher: Option<AuditBatcher>,
    /// A read transaction's entries handed to the committer; commit waits for them.
    submitted: Vec<Pending>,
}

impl SqlTx {
    pub(crate) fn new(tx: sqlx::Transaction<'static, Any>, dialect: Dialect) -> Self {
        Self { tx, dialect, pending: Vec::new(), batcher: None, submitted: Vec::new() }
    }

    pub(crate) fn read(tx: sqlx::Transaction<'static, Any>, dialect: Dialect, batcher: AuditBatcher) -> Self {
        Self { tx, dialect, pending: Vec::new(), batcher: Some(batcher), submitted: Vec::new() }
    }

    fn c(&mut self) -> &mut AnyConnection {
        &mut self.tx
    }
}

#[async_trait]
impl Tx for SqlTx {
    async fn commit(self: Box<Self>) -> Result<()> {
        let SqlTx { mut tx, dialect, pending, batcher, submitted } = *self;
        if batcher.is_none() {
            audit::append_many(&mut tx, dialect, &pending).await?;
        }
        tx.commit().await.map_err(db_err)?;
        // A read is answered only once its audit entries are durable.
        for entries in submitted {
            entries.durable().await?;
        }
        Ok(())
    }

    async fn insert_team(&mut self, team: &Team) -> Result<()> {
        auth::insert_team(self.c(), team).await
    }
    async fn teams(&mut self) -> Result<Vec<Team>> {
        auth::teams(self.c()).await
    }
    async fn insert_user(&mut self, user: &UserRecord) -> Result<()> {
        auth::insert_user(self.c(), user).await
    }
    async fn user(&mut self, id: UserId) -> Result<Option<UserRecord>> {
        auth::user(self.c(), id).await
    }
    async fn user_by_username(&mut self, username: &str) -> Result<Option<UserRecord>> {
        auth::user_by_username(self.c(), username).await
    }
    async fn users(&mut self) -> Result<Vec<UserRecord>> {
        auth::users(self.c()).await
    }
    async fn display_names(&mut self, ids: &[UserId]) -> Result<Vec<(UserId, String)>> {
        auth::display_names(self.c(), ids).await
    }
    async fn chain_epoch(&mut self) -> Result<i64> {
        auth::chain_epoch(self.c()).await
    }
    async fn chain_below(&mut self, manager: UserId) -> Result<Vec<(UserId, Option<TeamId>)>> {
        auth::chain_below(self.c(), manager).await
    }
    async fn update_user(&mut self, user: &UserRecord) -> Result<()> {
        auth::update_user(self.c(), user).await
    }

    async fn insert_session(&mut self, s: &SessionRecord) -> Result<()> {
        auth::insert_session(self.c(), s).await
    }
    async fn session_by_token_hash(&mut self, token_hash: &str) -> Result<Option<SessionRecord>> {
        auth::session_by_token_hash(self.c(), token_hash).await
    }
    async fn update_session(&mut self, s: &SessionRecord) -> Result<()> {
        auth::update_session(self.c(), s).await
    }
    async fn touch_session(&mut self, id: SessionId, at: OffsetDateTime) -> Result<()> {
        auth::touch_session(self.c(), id, at).await
    }
    async fn delete_session(&mut self, id: SessionId) -> Result<()> {
        auth::delete_session(self.c(), id).await
    }
    async fn revoke_user_api_tokens(&mut self, user: UserId, at: OffsetDateTime) -> Result<u64> {
        auth::revoke_user_api_tokens(self.c(), user, at).await
    }
    async fn delete_drafts_before(&mut self, before: OffsetDateTime) -> Result<u64> {
        auth::delete_drafts_before(self.c(), before).await
    }
    async fn delete_sessions_before(&mut self, idle_before: OffsetDateTime, begun_before: OffsetDateTime) -> Result<u64> {
        auth::delete_sessions_before(self.c(), idle_before, begun_before).await
    }
    async fn try_lock(&mut self, name: &str) -> Result<bool> {
        match self.dialect {
            Dialect::Sqlite => Ok(true),
            Dialect::Postgres => {
                let row = sqlx::query("SELECT CASE WHEN pg_try_advisory_xact_lock(hashtext($1)) THEN 1 ELSE 0 END AS got").bind(name).fetch_one(self.c()).await.map_err(db_err)?;
                crate::convert::RowExt::flag(&row, "got")
            }
        }
    }
    async fn insert_setup_link(&mut self, link: &SetupLinkRecord) -> Result<()> {
        auth::insert_setup_link(self.c(), link).await
    }
    async fn setup_link_by_hash(&mut self, token_hash: &str) -> Result<Option<SetupLinkRecord>> {
        auth::setup_link_by_hash(self.c(), token_hash).await
    }
    async fn propose_setup_totp(&mut self, id: SetupLinkId, secret: &str) -> Result<()> {
        auth::propose_setup_totp(self.c(), id, secret).await
    }
    async fn use_setup_link(&mut self, id: SetupLinkId, at: OffsetDateTime) -> Result<()> {
        auth::use_setup_link(self.c(), id, at).await
    }
    async fn latest_setup_links(&mut self) -> Result<Vec<SetupLinkRecord>> {
        auth::latest_setup_links(self.c()).await
    }
    async fn delete_user_sessions(&mut self, user: UserId) -> Result<u64> {
        auth::delete_user_sessions(self.c(), user).await
    }
    async fn insert_api_token(&mut self, t: &ApiTokenRecord) -> Result<()> {
        auth::insert_api_token(self.c(), t).await
    }
    async fn api_token_by_hash(&mut self, token_hash: &str) -> Result<Option<ApiTokenRecord>> {
        auth::api_token_by_hash(self.c(), token_hash).await
    }
    async fn api_tokens_of(&mut self, user: UserId) -> Result<Vec<ApiTokenRecord>> {
        auth::api_tokens_of(self.c(), user).await
    }
    async fn revoke_api_token(&mut self, id: ApiTokenId, user: UserId, at: OffsetDateTime) -> Result<()> {
        auth::revoke_api_token(self.c(), id, user, at).await
    }
    async fn touch_api_token(&mut self, id: ApiTokenId, at: OffsetDateTime) -> Result<()> {
        auth::touch_api_token(self.c(), id, at).await
    }
    async fn insert_draft(&mut self, d: &DraftRecord) -> Result<()> {
        auth::insert_draft(self.c(), d).await
    }
    async fn take_draft(&mut self, id: DraftId, user: UserId) -> Result<Option<DraftRecord>> {
        auth::take_draft(self.c(), id, user).await
    }

    async fn insert_person(&mut self, p: &PersonRecord, meta: &ChangeMeta) -> Result<()> {
        people::insert_person(self.c(), p, meta).await
    }
    async fn person(&mut self, id: PersonId) -> Result<Option<PersonRecord>> {
        people::person(self.c(), id).await
    }
    async fn listed_persons(&mut self, ids: &[PersonId], scope: &AccessScope, listing: Listing, now: OffsetDateTime) -> Result<Vec<PersonSummary>> {
        people::listed_persons(self.c(), ids, scope, listing, now).await
    }
    async fn update_person(&mut self, p: &PersonRecord, expected_version: i64, meta: &ChangeMeta) -> Result<()> {
        people::update_person(self.c(), p, expected_version, meta).await
    }
    async fn person_versions(&mut self, id: PersonId) -> Result<Vec<PersonVersion>> {
        people::person_versions(self.c(), id).await
    }
    async fn search_persons(&mut self, q: &ParsedQuery, scope: &AccessScope, limit: u32) -> Result<Vec<PersonSummary>> {
        // The trait gives no clock here; break-glass expiry is judged against the real time.
        let dialect = self.dialect;
        search::search_persons(self.c(), dialect, q, scope, limit, OffsetDateTime::now_utc()).await
    }
    async fn duplicate_candidates(&mut self, nhs_number: Option<&str>, date_of_birth: Option<time::Date>) -> Result<Vec<PersonSummary>> {
        search::duplicate_candidates(self.c(), nhs_number, date_of_birth).await
    }
    async fn access_facts(&mut self, person: PersonId, user: UserId, now: OffsetDateTime) -> Result<Option<AccessFacts>> {
        people::access_facts(self.c(), person, user, now).await
    }
    async fn allocations_of(&mut self, person: PersonId) -> Result<Vec<hearth_domain::front_door::allocation::Allocation>> {
        allocations::of_person(self.c(), person).await
    }
    async fn allocate(&mut self, person: PersonId, ended: Option<(hearth_domain::front_door::AllocationId, time::Date)>, new: &hearth_domain::front_door::allocation::Allocation) -> Result<()> {
        allocations::allocate(self.c(), person, ended, new, false).await
    }
    async fn plan_allocation(&mut self, person: PersonId, ended: Option<(hearth_domain::front_door::AllocationId, time::Date)>, new: &hearth_domain::front_door::allocation::Allocation) -> Result<()> {
        allocations::allocate(self.c(), person, ended, new, true).await
    }
    async fn planned_allocation(&mut self, person: PersonId) -> Result<Option<hearth_domain::front_door::allocation::Allocation>> {
        allocations::planned(self.c(), person).await
    }
    async fn cancel_planned_allocation(&mut self, person: PersonId) -> Result<bool> {
        allocations::cancel_planned(self.c(), person).await
    }
    async fn apply_due_allocations(&mut self, today: time::Date) -> Result<Vec<(PersonId, hearth_domain::front_door::allocation::Allocation)>> {
        allocations::apply_due(self.c(), today).await
    }
    async fn cases_of(&mut self, worker: UserId, scope: &AccessScope, now: OffsetDateTime, limit: u32) -> Result<Vec<PersonSummary>> {
        people::cases_of(self.c(), worker, scope, now, limit).await
    }
    async fn caseloads(&mut self, workers: &[UserId]) -> Result<Vec<(UserId, i64)>> {
        people::caseloads(self.c(), workers).await
    }
    async fn unallocated_children(&mut self, teams: &[TeamId]) -> Result<Vec<(TeamId, i64)>> {
        people::unallocated_children(self.c(), teams).await
    }
    async fn add_to_rota(&mut self, e: &RotaEntry) -> Result<bool> {
        rota::add_to_rota(self.c(), e).await
    }
    async fn remove_from_rota(&mut self, team: TeamId, session: hearth_domain::front_door::rota::Session, worker: UserId) -> Result<bool> {
        rota::remove_from_rota(self.c(), team, session, worker).await
    }
    async fn rota(&mut self, team: TeamId, from: time::Date, to: time::Date) -> Result<Vec<RotaEntry>> {
        rota::rota(self.c(), team, from, to).await
    }
    async fn explain_census_query(&mut self, e: &hearth_store::CensusExplanation) -> Result<()> {
        census::explain(self.c(), e).await
    }
    async fn census_explanations(&mut self, year: &str) -> Result<Vec<hearth_store::CensusExplanation>> {
        census::of_year(self.c(), year).await
    }
    async fn access_facts_many(&mut self, persons: &[PersonId], user: UserId, now: OffsetDateTime) -> Result<Vec<AccessFacts>> {
        people::access_facts_many(self.c(), persons, user, now).await
    }
    async fn set_access_list(&mut self, person: PersonId, users: &[UserId]) -> Result<()> {
        people::set_access_list(self.c(), person, users).await
    }
    async fn access_list(&mut self, person: PersonId) -> Result<Vec<UserId>> {
        people::access_list(self.c(), person).await
    }
    async fn insert_break_glass(&mut self, g: &BreakGlassGrant) -> Result<()> {
        people::insert_break_glass(self.c(), g).await
    }
    async fn break_glass_since(&mut self, since: OffsetDateTime) -> Result<Vec<BreakGlassGrant>> {
        people::break_glass_since(self.c(), since).await
    }

    async fn insert_contact(&mut self, c: &Contact, meta: &ChangeMeta) -> Result<()> {
        let people = c.children.iter().map(|&p| (p, "child")).chain(c.family_members.iter().map(|&p| (p, "family"))).collect();
        fd::insert(self.c(), Doc { kind: Kind::Contact, id: c.id.to_string(), parent: None, people, value: c }, meta).await
    }
    async fn update_contact(&mut self, c: &Contact, expected_version: i64, meta: &ChangeMeta) -> Result<()> {
        fd::update(self.c(), &c.id.to_string(), c, expected_version, meta).await
    }
    async fn contact(&mut self, id: ContactId) -> Result<Option<Versioned<Contact>>> {
        fd::get(self.c(), Kind::Contact, &id.to_string()).await
    }
    async fn contacts_of(&mut self, person: PersonId) -> Result<Vec<Versioned<Contact>>> {
        let mut v: Vec<Versioned<Contact>> = fd::of_person(self.c(), Kind::Contact, person).await?;
        v.sort_by_key(|c| std::cmp::Reverse(c.value.received_at));
        Ok(v)
    }
    async fn front_door_of(&mut self, person: PersonId) -> Result<hearth_store::PersonFrontDoor> {
        let mut all = fd::all_of_person(self.c(), person).await?;
        // The orders of contacts_of, referrals_of and episodes_of (stable sorts of the same
        // newest-made-first rows).
        all.contacts.sort_by_key(|c| std::cmp::Reverse(c.value.received_at));
        all.referrals.sort_by_key(|r| std::cmp::Reverse(r.value.referral_date));
        all.episodes.sort_by_key(|e| std::cmp::Reverse(e.value.start));
        Ok(all)
    }
    async fn insert_referral(&mut self, r: &Referral, meta: &ChangeMeta) -> Result<()> {
        let doc = Doc { kind: Kind::Referral, id: r.id.to_string(), parent: r.contact.map(|c| c.to_string()), people: vec![(r.child, "child")], value: r };
        fd::insert(self.c(), doc, meta).await
    }
    async fn update_referral(&mut self, r: &Referral, expected_version: i64, meta: &ChangeMeta) -> Result<()> {
        fd::update(self.c(), &r.id.to_string(), r, expected_version, meta).await
    }
    async fn referral(&mut self, id: ReferralId) -> Result<Option<Versioned<Referral>>> {
        fd::get(self.c(), Kind::Referral, &id.to_string()).await
    }
    async fn referred_children(&mut self) -> Result<Vec<PersonId>> {
        fd::people_of_kind(self.c(), Kind::Referral).await
    }
    async fn census_records(&mut self, people: Option<&[PersonId]>) -> Result<CensusRecords> {
        let (referrals, assessments, episodes) = match people {
            None => {
                let d = self.dialect;
                (fd::all_of_kind(self.c(), d, Kind::Referral).await?, fd::all_of_kind(self.c(), d, Kind::Assessment).await?, fd::all_of_kind(self.c(), d, Kind::Episode).await?)
            }
            Some(ids) => fd::census_docs_of(self.c(), ids).await?,
        };
        let mut ids: Vec<PersonId> = referrals.iter().map(|r: &Referral| r.child).collect();
        ids.sort();
        ids.dedup();
        let children = people::persons_full(self.c(), &ids).await?;
        let kept_ids = people::kept_la_child_ids(self.c(), people.map(|_| ids.as_slice())).await?;
        Ok(CensusRecords { children, referrals, assessments, episodes, kept_ids })
    }
    async fn census_changes(&mut self, after: i64) -> Result<hearth_store::CensusChanges> {
        census::changes(self.c(), after).await
    }
    async fn prune_census_changes(&mut self, keep: i64) -> Result<u64> {
        census::prune_changes(self.c(), keep).await
    }
    async fn insert_care_period(&mut self, p: &CarePeriodRecord, meta: &ChangeMeta) -> Result<()> {
        let doc = Doc { kind: Kind::CarePeriod, id: p.id.to_string(), parent: None, people: vec![(p.child, "child")], value: p };
        fd::insert(self.c(), doc, meta).await?;
        fd::set_outline(self.c(), &p.id.to_string(), &p.outline(), p.period.ended.map(|e| e.on)).await
    }
    async fn update_care_period(&mut self, p: &CarePeriodRecord, expected_version: i64, meta: &ChangeMeta) -> Result<()> {
        fd::update(self.c(), &p.id.to_string(), p, expected_version, meta).await?;
        fd::set_outline(self.c(), &p.id.to_string(), &p.outline(), p.period.ended.map(|e| e.on)).await
    }
    async fn care_period(&mut self, id: CarePeriodId) -> Result<Option<Versioned<CarePeriodRecord>>> {
        fd::get(self.c(), Kind::CarePeriod, &id.to_string()).await
    }
    async fn care_periods_of(&mut self, child: PersonId) -> Result<Vec<Versioned<CarePeriodRecord>>> {
        let mut v: Vec<Versioned<CarePeriodRecord>> = fd::of_person(self.c(), Kind::CarePeriod, child).await?;
        v.sort_by_key(|p| p.value.period.start);
        Ok(v)
    }
    async fn all_care_periods(&mut self) -> Result<Vec<CarePeriodRecord>> {
        let d = self.dialect;
        fd::all_of_kind(self.c(), d, Kind::CarePeriod).await
    }
    async fn care_period_outlines(&mut self, ended_since: time::Date) -> Result<Vec<CarePeriodRecord>> {
        let d = self.dialect;
        let outlines: Vec<hearth_domain::care::CarePeriodOutline> = fd::outlines(self.c(), d.care_period_outlines(), Kind::CarePeriod, ended_since).await?;
        Ok(outlines.into_iter().map(Into::into).collect())
    }
    async fn insert_care_decision(&mut self, d: &CareDecision, meta: &ChangeMeta) -> Result<()> {
        fd::insert(self.c(), Doc { kind: Kind::CareDecision, id: d.id.to_string(), parent: None, people: vec![(d.child, "child")], value: d }, meta).await
    }
    async fn update_care_decision(&mut self, d: &CareDecision, expected_version: i64, meta: &ChangeMeta) -> Result<()> {
        fd::update(self.c(), &d.id.to_string(), d, expected_version, meta).await
    }
    async fn care_decision(&mut self, id: CareDecisionId) -> Result<Option<Versioned<CareDecision>>> {
        fd::get(self.c(), Kind::CareDecision, &id.to_string()).await
    }
    async fn care_decisions_of(&mut self, child: PersonId) -> Result<Vec<Versioned<CareDecision>>> {
        let mut v: Vec<Versioned<CareDecision>> = fd::of_person(self.c(), Kind::CareDecision, child).await?;
        v.sort_by_key(|d| std::cmp::Reverse(d.value.proposed));
        Ok(v)
    }
    async fn insert_care_leaver(&mut self, r: &CareLeaverRecord, meta: &ChangeMeta) -> Result<()> {
        fd::insert(self.c(), Doc { kind: Kind::CareLeaver, id: r.id.to_string(), parent: None, people: vec![(r.child, "child")], value: r }, meta).await
    }
    async fn update_care_leaver(&mut self, r: &CareLeaverRecord, expected_version: i64, meta: &ChangeMeta) -> Result<()> {
        fd::update(self.c(), &r.id.to_string(), r, expected_version, meta).await
    }
    async fn care_leaver_of(&mut self, child: PersonId) -> Result<Option<Versioned<CareLeaverRecord>>> {
        Ok(fd::of_person(self.c(), Kind::CareLeaver, child).await?.into_iter().next())
    }
    async fn all_care_leavers(&mut self) -> Result<Vec<CareLeaverRecord>> {
        let d = self.dialect;
        fd::all_of_kind(self.c(), d, Kind::CareLeaver).await
    }
    async fn insert_service_referral(&mut self, r: &ServiceReferral, meta: &ChangeMeta) -> Result<()> {
        fd::insert(self.c(), Doc { kind: Kind::ServiceReferral, id: r.id.to_string(), parent: None, people: vec![(r.child, "child")], value: r }, meta).await
    }
    async fn update_service_referral(&mut self, r: &ServiceReferral, expected_version: i64, meta: &ChangeMeta) -> Result<()> {
        fd::update(self.c(), &r.id.to_string(), r, expected_version, meta).await
    }
    async fn service_referral(&mut self, id: ServiceReferralId) -> Result<Option<Versioned<ServiceReferral>>> {
        fd::get(self.c(), Kind::ServiceReferral, &id.to_string()).await
    }
    async fn service_referrals_of(&mut self, child: PersonId) -> Result<Vec<Versioned<ServiceReferral>>> {
        let mut v: Vec<Versioned<ServiceReferral>> = fd::of_person(self.c(), Kind::ServiceReferral, child).await?;
        v.sort_by_key(|r| std::cmp::Reverse((r.value.on, r.created_at)));
        Ok(v)
    }
    async fn service_referrals_to(&mut self, service: &str) -> Result<Vec<ServiceReferral>> {
        let d = self.dialect;
        let mut v: Vec<ServiceReferral> = fd::all_of_kind(self.c(), d, Kind::ServiceReferral).await?;
        v.retain(|r| r.service == service);
        v.sort_by_key(|r| std::cmp::Reverse(r.on));
        Ok(v)
    }
    async fn postcode_locations(&mut self, keys: &[String]) -> Result<std::collections::HashMap<String, hearth_domain::care::distance::Location>> {
        postcodes::locations(self.c(), keys).await
    }
    async fn has_postcode_locations(&mut self) -> Result<bool> {
        postcodes::any(self.c()).await
    }
    async fn replace_postcode_locations(&mut self, rows: &[(String, hearth_domain::care::distance::Location)]) -> Result<u64> {
        postcodes::replace(self.c(), rows).await
    }
    async fn insert_provider(&mut self, p: &Provider, meta: &ChangeMeta) -> Result<()> {
        fd::insert(self.c(), Doc { kind: Kind::Provider, id: p.id.to_string(), parent: None, people: vec![], value: p }, meta).await
    }
    async fn update_provider(&mut self, p: &Provider, expected_version: i64, meta: &ChangeMeta) -> Result<()> {
        fd::update(self.c(), &p.id.to_string(), p, expected_version, meta).await
    }
    async fn provider(&mut self, id: ProviderId) -> Result<Option<Versioned<Provider>>> {
        fd::get(self.c(), Kind::Provider, &id.to_string()).await
    }
    async fn providers(&mut self) -> Result<Vec<Provider>> {
        let d = self.dialect;
        let mut v: Vec<Provider> = fd::all_of_kind(self.c(), d, Kind::Provider).await?;
        v.sort_by_cached_key(|p| (p.name.to_lowercase(), p.id));
        Ok(v)
    }
    async fn referrals_of(&mut self, child: PersonId) -> Result<Vec<Versioned<Referral>>> {
        let mut v: Vec<Versioned<Referral>> = fd::of_person(self.c(), Kind::Referral, child).await?;
        v.sort_by_key(|r| std::cmp::Reverse(r.value.referral_date));
        Ok(v)
    }
    async fn insert_assessment(&mut self, a: &Assessment, meta: &ChangeMeta) -> Result<()> {
        let doc = Doc { kind: Kind::Assessment, id: a.id.to_string(), parent: Some(a.referral.to_string()), people: vec![(a.child, "child")], value: a };
        fd::insert(self.c(), doc, meta).await
    }
    async fn update_assessment(&mut self, a: &Assessment, expected_version: i64, meta: &ChangeMeta) -> Result<()> {
        fd::update(self.c(), &a.id.to_string(), a, expected_version, meta).await
    }
    async fn assessment(&mut self, id: AssessmentId) -> Result<Option<Versioned<Assessment>>> {
        fd::get(self.c(), Kind::Assessment, &id.to_string()).await
    }
    async fn assessment_of_referral(&mut self, referral: ReferralId) -> Result<Option<Versioned<Assessment>>> {
        fd::by_parent(self.c(), Kind::Assessment, &referral.to_string()).await
    }
    async fn assessments_of(&mut self, child: PersonId) -> Result<Vec<Versioned<Assessment>>> {
        fd::of_person(self.c(), Kind::Assessment, child).await
    }
    async fn keep_la_child_id(&mut self, person: PersonId, la_child_id: &str) -> Result<()> {
        people::keep_la_child_id(self.c(), person, la_child_id).await
    }
    async fn kept_la_child_id(&mut self, person: PersonId) -> Result<Option<String>> {
        Ok(people::kept_la_child_ids(self.c(), Some(&[person])).await?.pop().map(|(_, id)| id))
    }
    async fn person_with_la_child_id(&mut self, la_child_id: &str) -> Result<Option<PersonId>> {
        people::person_with_la_child_id(self.c(), la_child_id).await
    }
    async fn front_door_versions(&mut self, id: &str) -> Result<Vec<DocVersion>> {
        fd::versions(self.c(), id).await
    }
    async fn insert_episode(&mut self, e: &Episode, meta: &ChangeMeta) -> Result<()> {
        let doc = Doc { kind: Kind::Episode, id: e.id.to_string(), parent: Some(e.referral.to_string()), people: vec![(e.child, "child")], value: e };
        fd::insert(self.c(), doc, meta).await?;
        episodes::write_plans(self.c(), e).await
    }
    async fn update_episode(&mut self, e: &Episode, expected_version: i64, meta: &ChangeMeta) -> Result<()> {
        fd::update(self.c(), &e.id.to_string(), e, expected_version, meta).await?;
        episodes::write_plans(self.c(), e).await
    }
    async fn episode(&mut self, id: EpisodeId) -> Result<Option<Versioned<Episode>>> {
        fd::get(self.c(), Kind::Episode, &id.to_string()).await
    }
    async fn episodes_of(&mut self, child: PersonId) -> Result<Vec<Versioned<Episode>>> {
        let mut v: Vec<Versioned<Episode>> = fd::of_person(self.c(), Kind::Episode, child).await?;
        v.sort_by_key(|e| std::cmp::Reverse(e.value.start));
        Ok(v)
    }
    async fn episode_of_referral(&mut self, referral: ReferralId) -> Result<Option<Versioned<Episode>>> {
        fd::by_parent(self.c(), Kind::Episode, &referral.to_string()).await
    }
    async fn open_cp_plans_of_teams(&mut self, teams: &[TeamId]) -> Result<Vec<hearth_domain::cin::dashboard::OpenPlan>> {
        episodes::open_plans_of_teams(self.c(), teams).await
    }
    async fn insert_tasks(&mut self, tasks: &[Task]) -> Result<()> {
        fd::insert_tasks(self.c(), tasks).await
    }
    async fn close_tasks(&mut self, ids: &[TaskId], by: UserId, at: OffsetDateTime) -> Result<u64> {
        fd::close_tasks(self.c(), ids, by, at).await
    }
    async fn insert_task(&mut self, t: &Task) -> Result<()> {
        fd::insert_task(self.c(), t).await
    }
    async fn complete_tasks(&mut self, subject: TaskSubject, kinds: &[TaskKind], by: UserId, at: OffsetDateTime) -> Result<u64> {
        fd::complete_tasks(self.c(), subject, kinds, by, at).await
    }
    async fn set_waiting(&mut self, subject: TaskSubject, kinds: &[TaskKind], waiting: Option<Waiting>) -> Result<u64> {
        fd::set_waiting(self.c(), subject, kinds, waiting).await
    }
    async fn tasks_of(&mut self, subject: TaskSubject) -> Result<Vec<Task>> {
        fd::tasks_of(self.c(), subject).await
    }
    async fn open_tasks(&mut self, q: &TaskQuery<'_>) -> Result<Vec<Task>> {
        fd::open_tasks(self.c(), q).await
    }
    async fn open_task_tally(&mut self, assignees: &[UserId], teams: &[TeamId], today: time::Date) -> Result<Vec<TaskTally>> {
        fd::open_task_tally(self.c(), assignees, teams, today).await
    }
    async fn reschedule_task(&mut self, t: &Task) -> Result<()> {
        fd::reschedule_task(self.c(), t).await
    }
    async fn assign_open_tasks(&mut self, child: PersonId, kinds: &[TaskKind], team: TeamId, worker: Option<UserId>) -> Result<u64> {
        fd::assign_open_tasks(self.c(), child, kinds, team, worker).await
    }

    async fn insert_relationship(&mut self, r: &Relationship) -> Result<()> {
        relationships::insert(self.c(), r).await
    }
    async fn update_relationship(&mut self, r: &Relationship, expected_version: i64) -> Result<()> {
        relationships::update(self.c(), r, expected_version).await
    }
    async fn relationship(&mut self, id: RelationshipId) -> Result<Option<Relationship>> {
        relationships::get(self.c(), id).await
    }
    async fn relationships_of(&mut self, person: PersonId) -> Result<Vec<Relationship>> {
        relationships::of_person(self.c(), person).await
    }

    async fn insert_case_note(&mut self, n: &CaseNote) -> Result<()> {
        case_notes::insert(self.c(), n).await
    }
    async fn case_note(&mut self, id: CaseNoteId) -> Result<Option<CaseNote>> {
        case_notes::get(self.c(), id).await
    }
    async fn correct_case_note(&mut self, id: CaseNoteId, details: &CaseNoteDetails, expected_version: i64, meta: &ChangeMeta) -> Result<()> {
        case_notes::correct(self.c(), id, details, expected_version, meta).await
    }
    async fn case_note_versions(&mut self, id: CaseNoteId) -> Result<Vec<CaseNoteVersion>> {
        case_notes::versions(self.c(), id).await
    }
    async fn case_notes_of(&mut self, person: PersonId, significant_only: bool, limit: u32, offset: u32) -> Result<Vec<CaseNote>> {
        case_notes::of_person(self.c(), person, significant_only, limit, offset).await
    }
    async fn count_case_notes(&mut self, person: PersonId) -> Result<i64> {
        case_notes::count(self.c(), person).await
    }
    async fn case_facts(&mut self, person: PersonId) -> Result<Option<CaseFacts>> {
        people::case_facts(self.c(), person).await
    }
    async fn person_by_reference(&mut self, reference: PersonRef) -> Result<Option<PersonId>> {
        people::person_by_reference(self.c(), reference).await
    }
    async fn references(&mut self, ids: &[PersonId]) -> Result<Vec<(PersonId, PersonRef)>> {
        people::references(self.c(), ids).await
    }

    async fn append_audit(&mut self, draft: &AuditDraft) -> Result<()> {
        match &self.batcher {
            // A read's entry is written whether or not the rest of the read succeeds: the
            // record was opened.
            Some(b) => self.submitted.push(b.submit(vec![draft.clone()])?),
            None => self.pending.push(draft.clone()),
        }
        Ok(())
    }
    async fn audit_page(&mut self, after: i64, limit: u32) -> Result<Vec<AuditEntry>> {
        audit::page(self.c(), after, limit).await
    }
    async fn audit_head(&mut self) -> Result<i64> {
        audit::head(self.c()).await
    }
    async fn audit_of_person(&mut self, person: PersonId, limit: u32) -> Result<Vec<AuditEntry>> {
        audit::of_person(self.c(), person, limit).await
    }
    async fn audit_search(&mut self, q: &hearth_store::AuditQuery) -> Result<Vec<AuditEntry>> {
        audit::search(self.c(), q).await
    }
    async fn audit_of_person_by(&mut self, person: PersonId, actor: UserId, from: OffsetDateTime, to: OffsetDateTime, limit: u32) -> Result<Vec<AuditEntry>> {
        audit::of_person_by(self.c(), person, actor, from, to, limit).await
    }
    async fn role_grants_since(&mut self, since: OffsetDateTime, roles: &[hearth_domain::user::Role]) -> Result<Vec<RoleGrant>> {
        audit::role_grants_since(self.c(), since, roles).await
    }
}

