//! People: recording, finding, opening and correcting records, and the family network.
use crate::{Actor, App, AppError, CaseSummary};
use hearth_domain::case_summary::{case_status, CaseStatus};
use std::collections::HashMap;
use hearth_domain::access::{decide, AccessGround, Decision, Listing};
use hearth_domain::audit::Outcome;
use hearth_domain::codes::Coded;
use hearth_domain::case_note::CaseNote;
use hearth_domain::chronology::{self, ChronologyEntry, ChronologyKind};
use hearth_domain::duplicates::{possible_match, MatchReason};
use hearth_domain::history::{fact_changes, FactChange};
use hearth_domain::identifiers::PersonRef;
use hearth_domain::person::{Allocation, ChangeMeta, PersonDetails, PersonRecord, PersonSummary, PersonVersion};
use hearth_domain::relationship::{Relationship, RelationshipType};
use hearth_domain::search::{parse_query, rank};
use hearth_domain::user::{Permission, Role};
use hearth_domain::validation::MAX_LINE;
use hearth_domain::{BreakGlassId, PersonId, RelationshipId, TeamId, UserId};
use hearth_store::{BreakGlassGrant, Tx};
use time::Date;

/// A possible existing record for someone about to be recorded.
#[derive(Clone, Debug)]
pub struct DuplicateWarning {
    pub person: PersonSummary,
    pub reason: MatchReason,
}

/// Someone in a person's family network, as seen from that person.
#[derive(Clone, Debug)]
pub struct FamilyMember {
    pub relationship: Relationship,
    /// What they are to the person whose page this is.
    pub role: RelationshipType,
    pub person: PersonSummary,
    /// Whether the viewer may open their record.
    pub can_open: bool,
}

/// Why someone is told of a break-glass access.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AlertReason {
    /// The child is allocated to them.
    YourCase,
    /// The child is allocated to a team they manage.
    YourTeamsCase,
    /// The person who broke the glass is one of their staff (or they review the whole LA).
    YourStaff,
}

/// A break-glass access and what was done under it, for a dashboard.
#[derive(Clone, Debug)]
pub struct BreakGlassAlert {
    pub grant: BreakGlassGrant,
    pub why: AlertReason,
    /// What its holder did to the record while it lasted, oldest first (the opening read
    /// included).
    pub actions: Vec<hearth_domain::audit::AuditEntry>,
    /// False when the person is restricted from the reader now: the alert names nobody.
    pub named: bool,
    /// Whether the reader may open the record (the alert links to it).
    pub openable: bool,
}

/// Everything a record page shows, read in one transaction with one audit entry.
#[derive(Clone, Debug)]
pub struct PersonPage {
    pub summary: CaseSummary,
    pub family: Vec<FamilyMember>,
    pub recent_notes: Vec<CaseNote>,
    pub note_count: i64,
    pub front_door: crate::front_door::FrontDoorHistory,
    /// What would fail the CIN census for this child now (`None`: not in this year's census).
    pub census: Option<crate::returns::Readiness>,
    /// A child's LA child id, the census's name for them: Hearth's own, or the one a
    /// previous system gave them when their history was imported.
    pub la_child_id: Option<String>,
}

#[derive(Clone, Debug)]
pub struct NewRelationship {
    /// What the other person is to the person whose page it was added from.
    pub role: RelationshipType,
    pub other: PersonId,
    pub started: Option<Date>,
    pub note: Option<String>,
    pub household: Household,
}

/// Whether the other person of a relationship lives with the person, and holds parental
/// responsibility for them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Household {
    pub lives_with: bool,
    pub holds_pr: bool,
}

/// Why parental responsibility was refused for a relationship.
pub const NOT_A_PR_HOLDER: &str = "Only a parent, step-parent, grandparent, aunt or uncle, carer or family friend can hold parental responsibility";

/// How many people one page of search results shows.
pub const SEARCH_PER_PAGE: u32 = 20;
/// The most people a search ranks; more matches than this ask for a narrower search.
pub const SEARCH_CANDIDATES: u32 = 500;

/// One person found, with what tells them apart in a list.
#[derive(Clone, Debug)]
pub struct SearchHit {
    pub person: PersonSummary,
    pub address: Option<String>,
    pub team: Option<String>,
    /// The allocated worker and their name.
    pub worker: Option<(UserId, String)>,
    pub status: CaseStatus,
}

/// A page of search results.
#[derive(Clone, Debug)]
pub struct SearchResults {
    pub hits: Vec<SearchHit>,
    /// How many matched in all (at most [`SEARCH_CANDIDATES`]).
    pub total: usize,
    /// More may match than were ranked.
    pub capped: bool,
    pub page: u32,
    pub pages: u32,
    pub today: Date,
}

impl App {
    /// Opens a record for reading inside `tx`: decides, audits the read or the refusal.
    /// A refusal answers `NotFound`, exactly as an unknown id does.
    pub(crate) async fn open(&self, tx: &mut dyn Tx, actor: &Actor, id: PersonId, action: &str) -> Result<(PersonRecord, AccessGround), AppError> {
        let facts = tx.access_facts(id, actor.user.id, self.now()).await?;
        let decision = facts.as_ref().map(|f| decide(&actor.subject, f)).unwrap_or(Decision::Deny);
        let record = match decision {
            Decision::Allow(_) => tx.person(id).await?,
            Decision::Deny => None,
        };
        match (decision, record) {
            (Decision::Allow(ground), Some(record)) => {
                let mut d = self.draft(Some(actor), action, Some(id), Outcome::Allowed);
                if ground == AccessGround::BreakGlass {
                    d.reason = Some("break-glass access".into());
                }
                tx.append_audit(&d).await?;
                Ok((record, ground))
            }
            _ => Err(AppError::NotFound),
        }
    }

    /// Runs `open` in a write transaction of its own and audits a refusal outside the
    /// rolled-back one.
    pub(crate) async fn with_open(&self, actor: &Actor, id: PersonId, action: &str) -> Result<(Box<dyn Tx>, PersonRecord, AccessGround), AppError> {
        let tx = self.store.begin().await?;
        self.opened_in(tx, actor, id, action).await
    }

    /// `with_open` for a use case that only reads: a read transaction, which never waits
    /// for the writer and whose audit entry is written by group commit.
    pub(crate) async fn with_read(&self, actor: &Actor, id: PersonId, action: &str) -> Result<(Box<dyn Tx>, PersonRecord, AccessGround), AppError> {
        let tx = self.store.begin_read().await?;
        self.opened_in(tx, actor, id, action).await
    }

    async fn opened_in(&self, mut tx: Box<dyn Tx>, actor: &Actor, id: PersonId, action: &str) -> Result<(Box<dyn Tx>, PersonRecord, AccessGround), AppError> {
        match self.open(tx.as_mut(), actor, id, action).await {
            Ok((r, g)) => Ok((tx, r, g)),
            Err(AppError::NotFound) => {
                drop(tx);
                self.audit_denied(actor, action, Some(id), None).await?;
                Err(AppError::NotFound)
            }
            Err(e) => Err(e),
        }
    }

    pub async fn person_page(&self, actor: &Actor, id: PersonId) -> Result<PersonPage, AppError> {
        let (mut tx, record, ground) = self.with_read(actor, id, "person.view").await?;
        let family = self.family_in(tx.as_mut(), actor, id).await?;
        let recent_notes = tx.case_notes_of(id, false, 10, 0).await?;
        let note_count = tx.count_case_notes(id).await?;
        let front_door = self.front_door_in(tx.as_mut(), actor, id).await?;
        let la_child_id = tx.kept_la_child_id(id).await?;
        let summary = self.summary_from(tx.as_mut(), record, ground, &family, &front_door.episodes, &front_door.care).await?;
        tx.commit().await?;
        let census = self.readiness_of(&summary.record, la_child_id.as_deref(), &front_door);
        Ok(PersonPage { summary, family, recent_notes, note_count, front_door, census, la_child_id })
    }

    pub(crate) async fn family_in(&self, tx: &mut dyn Tx, actor: &Actor, id: PersonId) -> Result<Vec<FamilyMember>, AppError> {
        let rels = tx.relationships_of(id).await?;
        let others: Vec<PersonId> = rels.iter().map(|r| r.seen_from(id).1).collect();
        // A relative is named unless restricted from the reader, and linked when openable.
        let named = self.listed(tx, actor, &others, Listing::Mention).await?;
        let openable = self.listed(tx, actor, &others, Listing::Open).await?;
        let mut out = Vec::new();
        for r in rels {
            let (role, other) = r.seen_from(id);
            let Some(person) = named.get(&other).cloned() else { continue };
            out.push(FamilyMember { relationship: r, role, person, can_open: openable.contains_key(&other) });
        }
        out.sort_by(|a, b| a.role.code().cmp(b.role.code()).then(a.person.family_name.cmp(&b.person.family_name)));
        Ok(out)
    }

    /// The record as it is now, for an edit form (audited as a read).
    pub async fn person(&self, actor: &Actor, id: PersonId) -> Result<PersonRecord, AppError> {
        let (tx, record, _) = self.with_read(actor, id, "person.view").await?;
        tx.commit().await?;
        Ok(record)
    }

    /// The record with its case summary (for forms about the person).
    pub async fn case_summary(&self, actor: &Actor, id: PersonId) -> Result<CaseSummary, AppError> {
        let (tx, summary) = self.with_summary(actor, id, "person.view").await?;
        tx.commit().await?;
        Ok(summary)
    }

    /// Every version of the record and every change to each fact.
    pub async fn person_history(&self, actor: &Actor, id: PersonId) -> Result<(CaseSummary, Vec<PersonVersion>, Vec<FactChange>), AppError> {
        let (mut tx, summary) = self.with_summary(actor, id, "person.history").await?;
        let versions = tx.person_versions(id).await?;
        tx.commit().await?;
        let changes = fact_changes(&versions);
        Ok((summary, versions, changes))
    }

    pub async fn chronology(&self, actor: &Actor, id: PersonId, filter: Option<ChronologyKind>) -> Result<(CaseSummary, Vec<ChronologyEntry>), AppError> {
        let (mut tx, record, ground) = self.with_read(actor, id, "person.chronology").await?;
        let notes = tx.case_notes_of(id, true, 10_000, 0).await?;
        // A relationship with someone restricted from the reader is left out altogether:
        // even unnamed, "became part of the family network" would tell of them. The family
        // network holds only those the reader may see named.
        let family = self.family_in(tx.as_mut(), actor, id).await?;
        let fd = tx.front_door_of(id).await?;
        let care: Vec<_> = fd.care_periods.into_iter().map(|p| p.value.period).collect();
        let decisions = values(fd.care_decisions);
        let (contacts, referrals, assessments, episodes) = (values(fd.contacts), values(fd.referrals), values(fd.assessments), values(fd.episodes));
        let summary = self.summary_from(tx.as_mut(), record, ground, &family, &episodes, &care).await?;
        let providers = crate::care::providers_of(tx.as_mut(), crate::care::carers_of(care.iter())).await?.into_iter().map(|(id, p)| (id, p.name)).collect();
        tx.commit().await?;
        let rels: Vec<Relationship> = family.iter().map(|m| m.relationship.clone()).collect();
        let others: Vec<PersonSummary> = family.into_iter().map(|m| m.person).collect();
        let front_door = chronology::FrontDoorEvents { contacts: &contacts, referrals: &referrals, assessments: &assessments, care: &care, decisions: &decisions, providers: Some(&providers) };
        let entries = chronology::build(&summary.record, &notes, &rels, &others, &episodes, front_door, filter);
        Ok((summary, entries))
    }

    pub async fn family(&self, actor: &Actor, id: PersonId) -> Result<Vec<FamilyMember>, AppError> {
        let (mut tx, _, _) = self.with_read(actor, id, "person.family").await?;
        let f = self.family_in(tx.as_mut(), actor, id).await?;
        tx.commit().await?;
        Ok(f)
    }

    /// Possible existing records for someone about to be recorded, among those the actor may
    /// open (a match the actor may not see is not disclosed).
    pub async fn possible_duplicates(&self, actor: &Actor, details: &PersonDetails) -> Result<Vec<DuplicateWarning>, AppError> {
        let mut tx = self.store.begin_read().await?;
        let nhs = details.nhs_number.as_ref().map(|n| n.as_str());
        let dob = details.date_of_birth.or(details.expected_date_of_birth);
        let matches: Vec<(PersonSummary, MatchReason)> = tx
            .duplicate_candidates(nhs, dob)
            .await?
            .into_iter()
            .filter_map(|c| possible_match(details, &c).map(|r| (c, r)))
            .collect();
        let ids: Vec<PersonId> = matches.iter().map(|(c, _)| c.id).collect();
        let visible = self.visible_people(tx.as_mut(), actor, &ids).await?;
        let out = matches
            .into_iter()
            .filter(|(c, _)| visible.contains_key(&c.id))
            .map(|(person, reason)| DuplicateWarning { person, reason })
            .collect();
        tx.commit().await?;
        Ok(out)
    }

    /// Records a new person, allocated to the actor's team (and to the actor when they hold
    /// cases), so that they can go on working with the record they made.
    pub async fn create_person(&self, actor: &Actor, details: PersonDetails) -> Result<PersonRecord, AppError> {
        self.require(actor, Permission::CreatePersons, "person.create").await?;
        details.validate(self.today())?;
        let worker = matches!(actor.user.role, Role::SocialWorker | Role::TeamManager).then_some(actor.user.id);
        self.insert_person(actor, details, Allocation { team: actor.user.team, worker }).await
    }

    async fn insert_person(&self, actor: &Actor, details: PersonDetails, allocation: Allocation) -> Result<PersonRecord, AppError> {
        let mut tx = self.store.begin().await?;
        let record = self.insert_person_in(tx.as_mut(), actor, details, allocation).await?;
        tx.commit().await?;
        Ok(record)
    }

    async fn insert_person_in(&self, tx: &mut dyn Tx, actor: &Actor, details: PersonDetails, allocation: Allocation) -> Result<PersonRecord, AppError> {
        let now = self.now();
        let record = PersonRecord {
            id: PersonId::new(),
            version: 1,
            details,
            allocation,
            restricted: false,
            created_at: now,
            created_by: actor.user.id,
            updated_at: now,
        };
        tx.insert_person(&record, &ChangeMeta { by: actor.user.id, at: now, reason: None }).await?;
        tx.append_audit(&self.draft(Some(actor), "person.create", Some(record.id), Outcome::Allowed)).await?;
        Ok(record)
    }

    /// Saves a change made from `expected_version`. A change to a fact already recorded
    /// needs a reason; a stale version is a conflict and nothing is saved.
    pub async fn update_person(&self, actor: &Actor, id: PersonId, expected_version: i64, details: PersonDetails, reason: Option<String>) -> Result<PersonRecord, AppError> {
        self.require(actor, Permission::EditPersons, "person.update").await?;
        details.validate(self.today())?;
        let reason = reason.map(|r| r.trim().to_string()).filter(|r| !r.is_empty());
        if reason.as_ref().is_some_and(|r| r.chars().count() > MAX_LINE * 5) {
            return Err(AppError::invalid("reason", "The reason must be 1000 characters or fewer"));
        }
        let (mut tx, mut record, _) = self.with_open(actor, id, "person.update").await?;
        if record.version != expected_version {
            return Err(AppError::Conflict { current: record.version });
        }
        if record.details == details {
            tx.commit().await?;
            return Ok(record);
        }
        if reason.is_none() {
            return Err(AppError::invalid("reason", "Enter the reason for the change"));
        }
        let now = self.now();
        record.details = details;
        record.updated_at = now;
        tx.update_person(&record, expected_version, &ChangeMeta { by: actor.user.id, at: now, reason: reason.clone() }).await?;
        record.version = expected_version + 1;
        let mut d = self.draft(Some(actor), "person.update", Some(id), Outcome::Allowed);
        d.reason = reason;
        tx.append_audit(&d).await?;
        tx.commit().await?;
        Ok(record)
    }

    /// Finds people by name, date of birth, NHS number, UPN or Hearth id, among those the
    /// actor may see.
    pub async fn search(&self, actor: &Actor, text: &str, limit: u32) -> Result<Vec<PersonSummary>, AppError> {
        let mut q = parse_query(text);
        if q.is_empty() {
            return Ok(Vec::new());
        }
        let mut tx = self.store.begin_read().await?;
        // A reference finds its person like their Hearth ID does, within the reader's scope.
        match q.reference.take() {
            Some(Err(e)) => return Err(AppError::invalid("q", &e.to_string())),
            Some(Ok(r)) => match tx.person_by_reference(r).await? {
                Some(id) => q.id = Some(id),
                None => q.id = Some(PersonId::new()), // no one: searched as an unknown id, and audited alike
            },
            None => {}
        }
        // Candidates come back before ranking; fetch more than shown so typos still rank.
        let candidates = tx.search_persons(&q, &actor.subject.scope(), limit.saturating_mul(4).max(50)).await?;
        let mut d = self.draft(Some(actor), "person.search", None, Outcome::Allowed);
        d.target = Some(text.chars().take(200).collect());
        tx.append_audit(&d).await?;
        tx.commit().await?;
        let mut ranked = rank(&q, candidates);
        ranked.truncate(limit as usize);
        Ok(ranked)
    }

    /// One page of search results with what tells people apart in a list: age, current
    /// address, allocated worker and team, and where their case stands. Candidates are
    /// ranked up to [`SEARCH_CANDIDATES`]; beyond that the results say the search should be
    /// narrowed.
    pub async fn search_page(&self, actor: &Actor, text: &str, page: u32) -> Result<SearchResults, AppError> {
        let page = page.max(1);
        let ranked = self.search(actor, text, SEARCH_CANDIDATES).await?;
        let total = ranked.len();
        let from = ((page - 1) as usize).saturating_mul(SEARCH_PER_PAGE as usize).min(total);
        let shown: Vec<PersonSummary> = ranked.into_iter().skip(from).take(SEARCH_PER_PAGE as usize).collect();
        let today = self.today();
        let mut tx = self.store.begin_read().await?;
        let teams: HashMap<TeamId, String> = tx.teams().await?.into_iter().map(|t| (t.id, t.name)).collect();
        let mut hits = Vec::with_capacity(shown.len());
        let mut workers = Vec::new();
        for person in shown {
            let Some(record) = tx.person(person.id).await? else { continue };
            let episodes: Vec<_> = tx.episodes_of(person.id).await?.into_iter().map(|e| e.value).collect();
            workers.extend(record.allocation.worker);
            hits.push(SearchHit {
                address: record.details.current_address(today).map(|a| a.one_line()),
                team: record.allocation.team.and_then(|t| teams.get(&t).cloned()),
                worker: record.allocation.worker.map(|u| (u, String::new())),
                status: case_status(&episodes),
                person,
            });
        }
        let names = self.user_names(tx.as_mut(), &workers).await?;
        tx.commit().await?;
        for h in &mut hits {
            if let Some((u, name)) = &mut h.worker {
                *name = names.get(u).cloned().unwrap_or_else(|| "Another worker".into());
            }
        }
        Ok(SearchResults { hits, total, capped: total >= SEARCH_CANDIDATES as usize, page, pages: u32::try_from(total).unwrap_or(u32::MAX).max(1).div_ceil(SEARCH_PER_PAGE), today })
    }

    /// Records a relative or professional and links them to the person, with the person's
    /// allocation so that whoever works with the child can open the family's records.
    pub async fn add_related_person(&self, actor: &Actor, to: PersonId, details: PersonDetails, role: RelationshipType, started: Option<Date>, note: Option<String>, household: Household) -> Result<PersonRecord, AppError> {
        self.require(actor, Permission::CreatePersons, "person.create").await?;
        self.require(actor, Permission::EditPersons, "relationship.create").await?;
        details.validate(self.today())?;
        self.check_relationship(&NewRelationship { role, other: to, started, note: note.clone(), household })?;
        // The new person, the link and both audit entries are saved together, or not at all.
        let (mut tx, child, _) = self.with_open(actor, to, "relationship.create").await?;
        let other = self.insert_person_in(tx.as_mut(), actor, details, child.allocation.clone()).await?;
        self.insert_relationship_in(tx.as_mut(), actor, to, NewRelationship { role, other: other.id, started, note, household }).await?;
        tx.commit().await?;
        Ok(other)
    }

    /// The rules a new relationship must meet whoever is at the other end.
    fn check_relationship(&self, new: &NewRelationship) -> Result<(), AppError> {
        if new.note.as_ref().is_some_and(|n| n.chars().count() > MAX_LINE) {
            return Err(AppError::invalid("note", "The role or agency must be 200 characters or fewer"));
        }
        if new.started.is_some_and(|s| s > self.today()) {
            return Err(AppError::invalid("started", "The start date must be today or in the past"));
        }
        if new.household.holds_pr && !new.role.can_hold_pr() {
            return Err(AppError::invalid("holds_pr", NOT_A_PR_HOLDER));
        }
        Ok(())
    }

    async fn insert_relationship_in(&self, tx: &mut dyn Tx, actor: &Actor, person: PersonId, new: NewRelationship) -> Result<Relationship, AppError> {
        let rel = Relationship {
            id: RelationshipId::new(),
            version: 1,
            // Stored as "other is role to person".
            from: new.other,
            to: person,
            kind: new.role,
            started: new.started,
            ended: None,
            note: new.note.map(|n| n.trim().to_string()).filter(|n| !n.is_empty()),
            lives_together: new.household.lives_with,
            parental_responsibility: new.household.holds_pr.then_some(new.other),
            recorded_by: actor.user.id,
            recorded_at: self.now(),
        };
        tx.insert_relationship(&rel).await?;
        let mut d = self.draft(Some(actor), "relationship.create", Some(person), Outcome::Allowed);
        d.target = Some(rel.id.to_string());
        tx.append_audit(&d).await?;
        Ok(rel)
    }

    pub async fn add_relationship(&self, actor: &Actor, person: PersonId, new: NewRelationship) -> Result<Relationship, AppError> {
        self.require(actor, Permission::EditPersons, "relationship.create").await?;
        if new.other == person {
            return Err(AppError::invalid("other", "A person cannot be related to themselves"));
        }
        self.check_relationship(&new)?;
        let (mut tx, _, _) = self.with_open(actor, person, "relationship.create").await?;
        // The other person must be visible too: nobody links to a record they cannot see.
        let facts = tx.access_facts(new.other, actor.user.id, self.now()).await?;
        if !facts.is_some_and(|f| decide(&actor.subject, &f).allowed()) {
            return Err(AppError::invalid("other", "Choose a person you can open"));
        }
        let rel = self.insert_relationship_in(tx.as_mut(), actor, person, new).await?;
        tx.commit().await?;
        Ok(rel)
    }

    /// Changes one of `person`'s relationships with `change` (which may refuse it), saving
    /// it as a new version by the actor with the audit entry `action`.
    async fn change_relationship(&self, actor: &Actor, person: PersonId, id: RelationshipId, expected_version: i64, action: &str, change: impl FnOnce(&mut Relationship) -> Result<(), AppError>) -> Result<(), AppError> {
        self.require(actor, Permission::EditPersons, action).await?;
        let (mut tx, _, _) = self.with_open(actor, person, action).await?;
        let mut rel = tx.relationship(id).await?.filter(|r| r.from == person || r.to == person).ok_or(AppError::NotFound)?;
        change(&mut rel)?;
        rel.recorded_by = actor.user.id;
        rel.recorded_at = self.now();
        tx.update_relationship(&rel, expected_version).await?;
        let mut d = self.draft(Some(actor), action, Some(person), Outcome::Allowed);
        d.target = Some(id.to_string());
        tx.append_audit(&d).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Changes whether the other person lives with the person and holds parental
    /// responsibility for them; every version is kept.
    pub async fn change_household(&self, actor: &Actor, person: PersonId, id: RelationshipId, expected_version: i64, household: Household) -> Result<(), AppError> {
        self.change_relationship(actor, person, id, expected_version, "relationship.update", |rel| {
            let (role, other) = rel.seen_from(person);
            if household.holds_pr && !role.can_hold_pr() {
                return Err(AppError::invalid("holds_pr", NOT_A_PR_HOLDER));
            }
            rel.lives_together = household.lives_with;
            // Parental responsibility the person holds for the other (a parent's record seen
            // from the parent) is kept; only the other's for the person is set here.
            if household.holds_pr {
                rel.parental_responsibility = Some(other);
            } else if rel.parental_responsibility == Some(other) {
                rel.parental_responsibility = None;
            }
            Ok(())
        })
        .await
    }

    /// A relationship of `person` as their family network shows it, with the case summary.
    pub async fn relationship_page(&self, actor: &Actor, person: PersonId, id: RelationshipId) -> Result<(CaseSummary, FamilyMember), AppError> {
        // The family is read once, for the summary and for the relationship.
        let (mut tx, record, ground) = self.with_read(actor, person, "person.family").await?;
        let family = self.family_in(tx.as_mut(), actor, person).await?;
        let (episodes, care) = self.episodes_and_care(tx.as_mut(), person).await?;
        let member = family.iter().find(|m| m.relationship.id == id).cloned().ok_or(AppError::NotFound)?;
        let summary = self.summary_from(tx.as_mut(), record, ground, &family, &episodes, &care).await?;
        tx.commit().await?;
        Ok((summary, member))
    }

    /// Ends a relationship on a date; the relationship and its start stay in the record.
    pub async fn end_relationship(&self, actor: &Actor, person: PersonId, id: RelationshipId, expected_version: i64, ended: Date) -> Result<(), AppError> {
        let today = self.today();
        self.change_relationship(actor, person, id, expected_version, "relationship.end", |rel| {
            if rel.started.is_some_and(|s| ended < s) {
                return Err(AppError::invalid("ended", "The end date must be on or after the start date"));
            }
            if ended > today {
                return Err(AppError::invalid("ended", "The end date must be today or in the past"));
            }
            rel.ended = Some(ended);
            // An ended relationship is no longer a household.
            rel.lives_together = false;
            Ok(())
        })
        .await
    }

    /// Time-limited access to an unrestricted record without a relationship. The answer for
    /// a restricted or unknown record is the same `NotFound`.
    /// `break_glass` for the person a short reference stands for; an unknown reference is
    /// refused and audited as an unknown id is.
    pub async fn break_glass_by_reference(&self, actor: &Actor, reference: PersonRef, reason: &str) -> Result<BreakGlassGrant, AppError> {
        self.require(actor, Permission::BreakGlass, "person.break_glass").await?;
        let mut tx = self.store.begin_read().await?;
        let id = tx.person_by_reference(reference).await?.unwrap_or_else(PersonId::new);
        tx.commit().await?;
        self.break_glass(actor, id, reason).await
    }

    pub async fn break_glass(&self, actor: &Actor, id: PersonId, reason: &str) -> Result<BreakGlassGrant, AppError> {
        self.require(actor, Permission::BreakGlass, "person.break_glass").await?;
        let reason = reason.trim();
        if reason.chars().count() < 20 {
            return Err(AppError::invalid("reason", "Explain in at least 20 characters why you need to see this record"));
        }
        if reason.chars().count() > 1000 {
            return Err(AppError::invalid("reason", "The reason must be 1000 characters or fewer"));
        }
        let now = self.now();
        let mut tx = self.store.begin().await?;
        let facts = tx.access_facts(id, actor.user.id, now).await?;
        let Some(facts) = facts.filter(|f| !f.restricted) else {
            drop(tx);
            self.audit_denied(actor, "person.break_glass", Some(id), None).await?;
            return Err(AppError::NotFound);
        };
        let grant = BreakGlassGrant {
            id: BreakGlassId::new(),
            user: actor.user.id,
            person: facts.person,
            reason: reason.to_string(),
            granted_at: now,
            expires_at: now + self.config.break_glass_duration,
            user_name: actor.user.display_name.clone(),
            person_name: String::new(),
            person_team: facts.allocated_team,
            person_worker: facts.allocated_worker,
        };
        tx.insert_break_glass(&grant).await?;
        let mut d = self.draft(Some(actor), "person.break_glass", Some(id), Outcome::Allowed);
        d.reason = Some(reason.to_string());
        tx.append_audit(&d).await?;
        tx.commit().await?;
        Ok(grant)
    }

    /// Break-glass use in the last `days` days the actor should know of, each with what was
    /// done under it: their staff's (everyone's for LA-wide managers), and any on the
    /// children they hold or whose team they manage. Their own use is left out. A person
    /// restricted from the actor since is not named.
    pub async fn break_glass_alerts(&self, actor: &Actor, days: i64) -> Result<Vec<BreakGlassAlert>, AppError> {
        let reviews = actor.can(Permission::ReviewBreakGlass);
        let manages = actor.can(Permission::RecordManagementOversight);
        let mut tx = self.store.begin_read().await?;
        let grants: Vec<(BreakGlassGrant, AlertReason)> = tx
            .break_glass_since(self.now() - time::Duration::days(days))
            .await?
            .into_iter()
            .filter(|g| g.user != actor.user.id)
            .filter_map(|g| {
                let why = if g.person_worker == Some(actor.user.id) {
                    AlertReason::YourCase
                } else if manages && g.person_team.is_some_and(|t| actor.subject.teams.contains(&t)) {
                    AlertReason::YourTeamsCase
                } else if reviews && (actor.can(Permission::ViewAllRecords) || actor.subject.reports.contains(&g.user)) {
                    AlertReason::YourStaff
                } else {
                    return None;
                };
                Some((g, why))
            })
            .collect();
        let people: Vec<PersonId> = grants.iter().map(|(g, _)| g.person).collect();
        let named = self.listed(tx.as_mut(), actor, &people, Listing::Mention).await?;
        let openable = self.listed(tx.as_mut(), actor, &people, Listing::Open).await?;
        let mut out = Vec::with_capacity(grants.len());
        for (mut grant, why) in grants {
            let Some(person) = named.get(&grant.person) else {
                grant.person_name = String::new();
                out.push(BreakGlassAlert { grant, why, actions: Vec::new(), named: false, openable: false });
                continue;
            };
            grant.person_name = person.full_name();
            let actions = tx.audit_of_person_by(grant.person, grant.user, grant.granted_at, grant.expires_at, 50).await?;
            let openable = openable.contains_key(&grant.person);
            out.push(BreakGlassAlert { grant, why, actions, named: true, openable });
        }
        tx.commit().await?;
        Ok(out)
    }

    /// Marks a record restricted (or not) with its named access list.
    pub async fn set_restriction(&self, actor: &Actor, id: PersonId, expected_version: i64, restricted: bool, list: Vec<hearth_domain::UserId>, reason: &str) -> Result<(), AppError> {
        self.require(actor, Permission::ManageRestrictions, "person.restrict").await?;
        if reason.trim().is_empty() {
            return Err(AppError::invalid("reason", "Enter the reason for changing who can see this record"));
        }
        if restricted && !list.contains(&actor.user.id) {
            return Err(AppError::invalid("users", "Include yourself in the access list, or ask someone on it to restrict the record"));
        }
        let (mut tx, mut record, _) = self.with_open(actor, id, "person.restrict").await?;
        // Only people who may hold casework can be named: administrators, auditors and
        // business support never read a restricted record; an unknown id is a mistake.
        for user in &list {
            match tx.user(*user).await? {
                Some(u) if u.active && u.role.holds_casework() => {}
                Some(u) => {
                    return Err(AppError::invalid("users", &format!("{} cannot be on an access list: only social workers, team and service managers and IROs can", u.display_name)));
                }
                None => return Err(AppError::invalid("users", "Choose people from the list")),
            }
        }
        if record.version != expected_version {
            return Err(AppError::Conflict { current: record.version });
        }
        let now = self.now();
        record.restricted = restricted;
        record.updated_at = now;
        tx.update_person(&record, expected_version, &ChangeMeta { by: actor.user.id, at: now, reason: Some(reason.trim().to_string()) }).await?;
        tx.set_access_list(id, if restricted { &list } else { &[] }).await?;
        let mut d = self.draft(Some(actor), if restricted { "person.restrict" } else { "person.unrestrict" }, Some(id), Outcome::Allowed);
        d.reason = Some(reason.trim().to_string());
        tx.append_audit(&d).await?;
        tx.commit().await?;
        Ok(())
    }
}

/// The values of versioned records, without their versions.
fn values<T>(v: Vec<hearth_store::Versioned<T>>) -> Vec<T> {
    v.into_iter().map(|x| x.value).collect()
}
