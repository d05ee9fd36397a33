//! The front door as use cases: recording a contact, deciding on it, the referrals a
//! decision opens, the single assessment and its sign-off. Each step computes its deadlines
//! from the policy pack in force, stores them as tasks (with the pack's name and version) and
//! closes the tasks its completion satisfies.
use crate::{Actor, App, AppError};
use hearth_domain::access::AccessGround;
use hearth_domain::access::Listing;
use hearth_domain::audit::Outcome;
use hearth_domain::front_door::assessment::{self as wf, Assessment, ChildSeen, WorkflowError};
use hearth_domain::front_door::codes::{AssessmentFactor, AssessmentOutcome, PrimaryNeed, ReferralSource, ScreeningDecision};
use hearth_domain::front_door::contact::{Consent, Contact, Referrer, Screening};
use hearth_domain::front_door::deadlines::{
    assessment_deadlines, child_seen_check, child_seen_deadline, referral_response_deadline, screening_deadline, ChildSeenCheck,
};
use hearth_domain::front_door::referral::Referral;
use hearth_domain::front_door::tasks::{Sent, Task, TaskKind, TaskSubject, Waiting};
use hearth_domain::front_door::{AssessmentId, ContactId, ReferralId};
use hearth_domain::local_time::uk_local;
use hearth_domain::person::{ChangeMeta, PersonKind, PersonRecord, PersonSummary};
use hearth_domain::policy::{Deadline, DeadlineError};
use hearth_domain::user::Permission;
use hearth_domain::{FieldErrors, PersonId, TeamId, UserId};
use hearth_store::{DocVersion, Tx, Versioned};
use std::collections::HashMap;
use time::{Date, OffsetDateTime};

const NOT_SEEN_EXPLANATION: &str = "Explain why the child was not seen within the timescale";

/// The tasks a referral's deadlines make; closed by the assessment's authorisation (or NFA).
const ASSESSMENT_TASKS: [TaskKind; 3] = [TaskKind::InitialAssessment, TaskKind::CoreAssessment, TaskKind::SingleAssessment];
/// Tasks for a team's manager, not its worker: they stay in the team's tray whoever holds
/// the case.
const FOR_THE_TEAM: [TaskKind; 4] = [TaskKind::CaseTransfer, TaskKind::ReviewReportSignOff, TaskKind::CareTransfer, TaskKind::CareDecisionAuthorisation];
/// Every task about a referral (they follow the case when it is allocated).
const REFERRAL_TASKS: [TaskKind; 5] =
    [TaskKind::ReferralResponse, TaskKind::ChildSeen, TaskKind::InitialAssessment, TaskKind::CoreAssessment, TaskKind::SingleAssessment];

/// What the front door records about a new contact.
#[derive(Clone, Debug)]
pub struct NewContact {
    pub received_at: OffsetDateTime,
    pub source: ReferralSource,
    pub referrer: Referrer,
    pub reason: String,
    pub consent: Consent,
    pub children: Vec<PersonId>,
    pub family_members: Vec<PersonId>,
}

/// The screening decision as entered.
#[derive(Clone, Debug)]
pub struct NewDecision {
    pub decision: ScreeningDecision,
    pub decided_at: OffsetDateTime,
    pub rationale: String,
}

/// The content of an assessment a worker edits (everything but the workflow).
#[derive(Clone, Debug, Default)]
pub struct AssessmentContent {
    pub start_date: Option<Date>,
    pub child_seen: Vec<ChildSeen>,
    pub not_seen_explanation: Option<String>,
    pub factors: Vec<AssessmentFactor>,
    pub outcome: Option<AssessmentOutcome>,
    pub primary_need: Option<PrimaryNeed>,
    pub substance: wf::Substance,
}

/// A step of the sign-off.
#[derive(Clone, Debug)]
pub enum SignOff {
    Submit,
    Return { comment: String },
    Authorise { on: Date, comment: Option<String> },
}

/// A contact with what its page shows.
#[derive(Clone, Debug)]
pub struct ContactView {
    pub contact: Versioned<Contact>,
    pub children: Vec<PersonSummary>,
    pub family_members: Vec<PersonSummary>,
    pub tasks: Vec<Task>,
    pub referrals: Vec<Referral>,
    pub names: HashMap<UserId, String>,
    pub can_decide: bool,
}

/// A referral with what its page shows.
#[derive(Clone, Debug)]
pub struct ReferralView {
    pub referral: Versioned<Referral>,
    pub summary: crate::CaseSummary,
    pub tasks: Vec<Task>,
    pub assessment: Option<Versioned<Assessment>>,
    /// The children-in-need episode the referral opened.
    pub episode: Option<hearth_domain::cin::EpisodeId>,
    pub can_edit: bool,
}

/// An assessment with what its page shows.
#[derive(Clone, Debug)]
pub struct AssessmentView {
    pub assessment: Versioned<Assessment>,
    pub referral: Referral,
    pub summary: crate::CaseSummary,
    /// The referral's deadline tasks and the assessment's authorisation tasks, by due date.
    pub tasks: Vec<Task>,
    /// Against the pack's child-seen timescale, when the pack has one.
    pub child_seen: Option<ChildSeenCheck>,
    /// What stops it being submitted or authorised now (empty when ready).
    pub readiness: FieldErrors,
    pub versions: Vec<DocVersion>,
    pub names: HashMap<UserId, String>,
    pub can_edit: bool,
    pub can_submit: bool,
    pub can_sign_off: bool,
    /// The actor is a manager who wrote it: another manager must sign it off.
    pub own_work: bool,
    /// The episode the referral opened, and what to do in it once the assessment is authorised.
    pub episode: Option<hearth_domain::cin::EpisodeId>,
    pub next_step: Option<wf::NextStep>,
}

/// A person's contacts (newest received first) and referrals (newest first, each with its
/// assessment if one was started).
#[derive(Clone, Debug, Default)]
pub struct FrontDoorHistory {
    pub contacts: Vec<Contact>,
    pub referrals: Vec<(Referral, Option<Assessment>)>,
    /// Children in need episodes, newest first.
    pub episodes: Vec<hearth_domain::cin::episode::Episode>,
    /// The names of the managers whose oversight is in the episodes (the child's decision log).
    pub names: HashMap<UserId, String>,
    /// Every assessment of the person, newest started first (history from a previous
    /// system can hold several for one referral).
    pub assessments: Vec<Assessment>,
    /// Periods of care, earliest first.
    pub care: Vec<hearth_domain::care::episodes::PeriodOfCare>,
}

/// A task whose due date the current pack would put elsewhere.
#[derive(Clone, Debug)]
pub struct Rescheduled {
    pub task: Task,
    pub old_due: Date,
    pub old_pack: String,
}

impl From<WorkflowError> for AppError {
    fn from(e: WorkflowError) -> Self {
        match e {
            WorkflowError::Invalid(errors) => AppError::Invalid(errors),
            WorkflowError::NotManager => AppError::Forbidden,
            WorkflowError::WrongState { .. } => AppError::invalid("state", &capitalise(&e.to_string())),
            WorkflowError::NotAuthorOrAllocated | WorkflowError::OwnWork => AppError::invalid("sign_off", &capitalise(&e.to_string())),
        }
    }
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next().map(|f| f.to_uppercase().chain(c).collect()).unwrap_or_default()
}

pub(crate) fn deadline_error(e: DeadlineError) -> AppError {
    AppError::invalid("date", &format!("The deadline cannot be worked out: {e}"))
}

impl App {
    pub(crate) fn meta(&self, actor: &Actor) -> ChangeMeta {
        ChangeMeta { by: actor.user.id, at: self.now(), reason: None }
    }

    pub(crate) async fn audit_step(&self, tx: &mut dyn Tx, actor: &Actor, action: &str, person: PersonId, target: String) -> Result<(), AppError> {
        let mut d = self.draft(Some(actor), action, Some(person), Outcome::Allowed);
        d.target = Some(target);
        tx.append_audit(&d).await?;
        Ok(())
    }

    /// Opens every person of a contact (audited); one the actor may not see refuses the lot,
    /// naming that person.
    async fn open_all(&self, tx: &mut dyn Tx, actor: &Actor, people: &[PersonId], action: &str) -> Result<Vec<PersonRecord>, (Option<PersonId>, AppError)> {
        let mut out = Vec::with_capacity(people.len());
        for &p in people {
            out.push(self.open(tx, actor, p, action).await.map_err(|e| (Some(p), e))?.0);
        }
        Ok(out)
    }

    /// Ends a use case that failed to load what it acts on: rolls its transaction back, then
    /// audits a refusal (`NotFound`) in a transaction of its own, as `with_open` does.
    pub(crate) async fn refusal(&self, tx: Box<dyn Tx>, actor: &Actor, action: &str, person: Option<PersonId>, e: AppError) -> AppError {
        drop(tx);
        if let AppError::NotFound = e
            && let Err(audit) = self.audit_denied(actor, action, person, None).await
        {
            return audit;
        }
        e
    }

    pub(crate) fn task(&self, kind: TaskKind, subject: TaskSubject, child: PersonId, owner: (Option<TeamId>, Option<UserId>), d: &Deadline) -> Task {
        Task::from_deadline(kind, subject, child, owner.0, owner.1, d, &self.config.timescales.calendar)
    }

    /// Records a contact and the task of deciding on it (due by the pack's screening
    /// timescale, in the recording worker's team tray).
    pub async fn record_contact(&self, actor: &Actor, new: NewContact) -> Result<ContactId, AppError> {
        self.require(actor, Permission::AddCaseNotes, "contact.create").await?;
        let contact = Contact {
            id: ContactId::new(),
            received_at: new.received_at,
            source: new.source,
            referrer: new.referrer,
            reason: new.reason.trim().to_string(),
            consent: new.consent,
            children: new.children,
            family_members: new.family_members,
            recorded_by: actor.user.id,
            screening: None,
        };
        contact.validate(self.now())?;
        let mut tx = self.store.begin().await?;
        let people: Vec<PersonId> = contact.children.iter().chain(&contact.family_members).copied().collect();
        let opened = self.open_all(tx.as_mut(), actor, &people, "contact.create").await;
        let records = match opened {
            Ok(v) => v,
            Err((who, e)) => return Err(self.refusal(tx, actor, "contact.create", who, e).await),
        };
        if records.iter().take(contact.children.len()).any(|r| r.details.kind != PersonKind::Child) {
            return Err(AppError::invalid("children", "Each person the contact is about must be recorded as a child or young person"));
        }
        let ts = &self.config.timescales;
        let due = screening_deadline(&ts.pack, &ts.calendar, contact.received_at).map_err(deadline_error)?;
        tx.insert_contact(&contact, &self.meta(actor)).await?;
        let first = contact.children[0];
        // The recorder's team decides; someone without a team records for the child's team.
        let team = actor.user.team.or(records[0].allocation.team);
        tx.insert_task(&self.task(TaskKind::ScreeningDecision, TaskSubject::Contact(contact.id), first, (team, None), &due)).await?;
        for &child in &contact.children {
            self.audit_step(tx.as_mut(), actor, "contact.create", child, contact.id.to_string()).await?;
        }
        tx.commit().await?;
        Ok(contact.id)
    }

    /// Loads a contact the actor may see (every child of it), auditing the read.
    async fn contact_in(&self, tx: &mut dyn Tx, actor: &Actor, id: ContactId, action: &str) -> Result<(Versioned<Contact>, Vec<PersonRecord>), AppError> {
        let contact = tx.contact(id).await?.ok_or(AppError::NotFound)?;
        let children = self.open_all(tx, actor, &contact.value.children, action).await.map_err(|(_, e)| e)?;
        Ok((contact, children))
    }

    pub async fn contact_page(&self, actor: &Actor, id: ContactId) -> Result<ContactView, AppError> {
        let mut tx = self.store.begin_read().await?;
        let loaded = self.contact_in(tx.as_mut(), actor, id, "contact.view").await;
        let (contact, _) = match loaded {
            Ok(v) => v,
            Err(e) => return Err(self.refusal(tx, actor, "contact.view", None, e).await),
        };
        let c = &contact.value;
        // Every child was opened above; a relative is named unless restricted from the reader.
        let opened = self.visible_people(tx.as_mut(), actor, &c.children).await?;
        let children: Vec<PersonSummary> = c.children.iter().filter_map(|p| opened.get(p).cloned()).collect();
        let visible = self.listed(tx.as_mut(), actor, &c.family_members, Listing::Mention).await?;
        let family_members = c.family_members.iter().filter_map(|p| visible.get(p).cloned()).collect();
        let tasks = tx.tasks_of(TaskSubject::Contact(id)).await?;
        let mut referrals = Vec::new();
        for &child in &c.children {
            referrals.extend(tx.referrals_of(child).await?.into_iter().map(|r| r.value).filter(|r| r.contact == Some(id)));
        }
        let mut user_ids = vec![c.recorded_by];
        user_ids.extend(c.screening.as_ref().map(|s| s.decided_by));
        let names = self.user_names(tx.as_mut(), &user_ids).await?;
        tx.commit().await?;
        let can_decide = actor.can(Permission::RecordManagementOversight) && c.screening.is_none();
        Ok(ContactView { contact, children, family_members, tasks, referrals, names, can_decide })
    }

    pub(crate) async fn user_names(&self, tx: &mut dyn Tx, ids: &[UserId]) -> Result<HashMap<UserId, String>, AppError> {
        let mut ids = ids.to_vec();
        ids.sort();
        ids.dedup();
        Ok(tx.display_names(&ids).await?.into_iter().collect())
    }

    /// Records the screening decision (managers), closes the decision task, and when the
    /// decision opens a referral makes one per child with its deadlines.
    pub async fn decide_contact(&self, actor: &Actor, id: ContactId, expected_version: i64, new: NewDecision) -> Result<Vec<ReferralId>, AppError> {
        self.require(actor, Permission::RecordManagementOversight, "contact.decide").await?;
        let mut tx = self.store.begin().await?;
        let loaded = self.contact_in(tx.as_mut(), actor, id, "contact.decide").await;
        let (stored, children) = match loaded {
            Ok(v) => v,
            Err(e) => return Err(self.refusal(tx, actor, "contact.decide", None, e).await),
        };
        if stored.version != expected_version {
            return Err(AppError::Conflict { current: stored.version });
        }
        let mut contact = stored.value;
        let screening = Screening { decision: new.decision, decided_at: new.decided_at, decided_by: actor.user.id, rationale: new.rationale.trim().to_string() };
        contact.decide(screening, self.now())?;
        tx.update_contact(&contact, expected_version, &self.meta(actor)).await?;
        tx.complete_tasks(TaskSubject::Contact(id), &[TaskKind::ScreeningDecision], actor.user.id, self.now()).await?;
        self.audit_step(tx.as_mut(), actor, "contact.decide", contact.children[0], id.to_string()).await?;
        let mut made = Vec::new();
        if new.decision.opens_referral() {
            let referral_date = uk_local(new.decided_at).date();
            for child in &children {
                let previous: Vec<Date> = tx.referrals_of(child.id).await?.iter().map(|r| r.value.referral_date).collect();
                let referral = Referral::from_contact(&contact, child.id, referral_date, previous, self.today())?;
                tx.insert_referral(&referral, &self.meta(actor)).await?;
                let owner = (child.allocation.team.or(actor.user.team), child.allocation.worker);
                self.referral_tasks(tx.as_mut(), &referral, new.decided_at, owner).await?;
                self.audit_step(tx.as_mut(), actor, "referral.create", child.id, referral.id.to_string()).await?;
                self.new_episode(tx.as_mut(), actor, &referral).await?;
                made.push(referral.id);
            }
        }
        tx.commit().await?;
        Ok(made)
    }

    /// The deadlines of a new referral, as open tasks for the case's team and worker.
    async fn referral_tasks(&self, tx: &mut dyn Tx, r: &Referral, referred_at: OffsetDateTime, owner: (Option<TeamId>, Option<UserId>)) -> Result<(), AppError> {
        let ts = &self.config.timescales;
        let subject = TaskSubject::Referral(r.id);
        let mut tasks = Vec::new();
        if let Some(d) = referral_response_deadline(&ts.pack, &ts.calendar, referred_at) {
            tasks.push(self.task(TaskKind::ReferralResponse, subject, r.child, owner, &d.map_err(deadline_error)?));
        }
        if let Some(d) = child_seen_deadline(&ts.pack, &ts.calendar, r.referral_date) {
            tasks.push(self.task(TaskKind::ChildSeen, subject, r.child, owner, &d.map_err(deadline_error)?));
        }
        let a = assessment_deadlines(&ts.pack, &ts.calendar, r.referral_date, None).map_err(deadline_error)?;
        if let Some(d) = &a.initial {
            tasks.push(self.task(TaskKind::InitialAssessment, subject, r.child, owner, d));
        }
        if let Some(d) = &a.core {
            tasks.push(self.task(TaskKind::CoreAssessment, subject, r.child, owner, d));
        }
        tasks.push(self.task(TaskKind::SingleAssessment, subject, r.child, owner, &a.single));
        for t in &tasks {
            tx.insert_task(t).await?;
        }
        Ok(())
    }

    async fn referral_in(&self, tx: &mut dyn Tx, actor: &Actor, id: ReferralId, action: &str) -> Result<(Versioned<Referral>, PersonRecord, AccessGround), AppError> {
        let referral = tx.referral(id).await?.ok_or(AppError::NotFound)?;
        let (child, ground) = self.open(tx, actor, referral.value.child, action).await?;
        Ok((referral, child, ground))
    }

    pub async fn referral_page(&self, actor: &Actor, id: ReferralId) -> Result<ReferralView, AppError> {
        let mut tx = self.store.begin_read().await?;
        let loaded = self.referral_in(tx.as_mut(), actor, id, "referral.view").await;
        let (referral, child, ground) = match loaded {
            Ok(v) => v,
            Err(e) => return Err(self.refusal(tx, actor, "referral.view", None, e).await),
        };
        let summary = self.summary_in(tx.as_mut(), actor, child, ground).await?;
        let tasks = tx.tasks_of(TaskSubject::Referral(id)).await?;
        let assessment = tx.assessment_of_referral(id).await?;
        let episode = tx.episode_of_referral(id).await?.map(|e| e.value.id);
        tx.commit().await?;
        Ok(ReferralView { referral, summary, tasks, assessment, episode, can_edit: actor.can(Permission::AddCaseNotes) })
    }

    /// Records the referral's primary need and whether it closed with no further action.
    /// NFA closes the referral's open deadline tasks: there is nothing left to do by them.
    pub async fn update_referral(&self, actor: &Actor, id: ReferralId, expected_version: i64, primary_need: Option<PrimaryNeed>, nfa: bool) -> Result<(), AppError> {
        self.require(actor, Permission::AddCaseNotes, "referral.update").await?;
        let mut tx = self.store.begin().await?;
        let loaded = self.referral_in(tx.as_mut(), actor, id, "referral.update").await;
        let (stored, child, _) = match loaded {
            Ok(v) => v,
            Err(e) => return Err(self.refusal(tx, actor, "referral.update", None, e).await),
        };
        let mut referral = stored.value;
        if referral.nfa && !nfa {
            return Err(AppError::invalid("nfa", "A referral closed with no further action cannot be reopened: record a new contact"));
        }
        if nfa && !referral.nfa && tx.assessment_of_referral(id).await?.is_some_and(|a| !a.value.is_complete()) {
            return Err(AppError::invalid("nfa", "The assessment is not finished: complete and authorise it (its outcome can be no further action) before closing the referral"));
        }
        referral.primary_need = primary_need;
        referral.nfa = nfa;
        tx.update_referral(&referral, expected_version, &self.meta(actor)).await?;
        if nfa {
            tx.complete_tasks(TaskSubject::Referral(id), &REFERRAL_TASKS, actor.user.id, self.now()).await?;
            self.close_nfa_episode(tx.as_mut(), actor, &referral).await?;
        }
        self.audit_step(tx.as_mut(), actor, "referral.update", child.id, id.to_string()).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Starts the single assessment of a referral (one per referral). Starting it is the
    /// response to the referral, so that task closes.
    pub async fn start_assessment(&self, actor: &Actor, referral_id: ReferralId, start_date: Date) -> Result<AssessmentId, AppError> {
        self.require(actor, Permission::AddCaseNotes, "assessment.create").await?;
        let mut tx = self.store.begin().await?;
        let loaded = self.referral_in(tx.as_mut(), actor, referral_id, "assessment.create").await;
        let (referral, child, _) = match loaded {
            Ok(v) => v,
            Err(e) => return Err(self.refusal(tx, actor, "assessment.create", None, e).await),
        };
        let r = referral.value;
        if r.nfa {
            return Err(AppError::invalid("start_date", "The referral was closed with no further action"));
        }
        if tx.assessment_of_referral(referral_id).await?.is_some() {
            return Err(AppError::invalid("start_date", "An assessment has already been started for this referral"));
        }
        let a = Assessment::new(r.id, child.id, actor.user.id, start_date);
        a.validate(r.referral_date, self.today())?;
        tx.insert_assessment(&a, &self.meta(actor)).await?;
        tx.complete_tasks(TaskSubject::Referral(r.id), &[TaskKind::ReferralResponse], actor.user.id, self.now()).await?;
        self.audit_step(tx.as_mut(), actor, "assessment.create", child.id, a.id.to_string()).await?;
        tx.commit().await?;
        Ok(a.id)
    }

    async fn assessment_in(&self, tx: &mut dyn Tx, actor: &Actor, id: AssessmentId, action: &str) -> Result<(Versioned<Assessment>, Referral, PersonRecord, AccessGround), AppError> {
        let a = tx.assessment(id).await?.ok_or(AppError::NotFound)?;
        let (child, ground) = self.open(tx, actor, a.value.child, action).await?;
        let r = tx.referral(a.value.referral).await?.ok_or(AppError::NotFound)?;
        Ok((a, r.value, child, ground))
    }

    /// The child-seen check against the pack in force, when the pack has the timescale.
    fn child_seen(&self, a: &Assessment, referral_date: Date) -> Option<ChildSeenCheck> {
        let ts = &self.config.timescales;
        let d = child_seen_deadline(&ts.pack, &ts.calendar, referral_date)?.ok()?;
        let seen: Vec<Date> = a.child_seen.iter().map(|s| s.date).collect();
        Some(child_seen_check(&ts.pack, &d, &seen, a.not_seen_explanation.as_deref(), self.today()))
    }

    fn workflow_actor(actor: &Actor, child: &PersonRecord) -> wf::Actor {
        wf::Actor { user: actor.user.id, can_authorise: actor.can(Permission::RecordManagementOversight), allocated: child.allocation.worker == Some(actor.user.id) }
    }

    pub async fn assessment_page(&self, actor: &Actor, id: AssessmentId) -> Result<AssessmentView, AppError> {
        let mut tx = self.store.begin_read().await?;
        let loaded = self.assessment_in(tx.as_mut(), actor, id, "assessment.view").await;
        let (assessment, referral, child, ground) = match loaded {
            Ok(v) => v,
            Err(e) => return Err(self.refusal(tx, actor, "assessment.view", None, e).await),
        };
        let summary = self.summary_in(tx.as_mut(), actor, child, ground).await?;
        let mut tasks = tx.tasks_of(TaskSubject::Referral(referral.id)).await?;
        tasks.extend(tx.tasks_of(TaskSubject::Assessment(id)).await?);
        tasks.sort_by_key(|t| (t.due, t.kind));
        let versions = tx.front_door_versions(&id.to_string()).await?;
        let a = &assessment.value;
        let mut users: Vec<UserId> = a.history.iter().map(|t| t.by).collect();
        users.push(a.author);
        users.extend(versions.iter().map(|v| v.changed_by));
        let names = self.user_names(tx.as_mut(), &users).await?;
        let episode = tx.episode_of_referral(referral.id).await?.map(|e| e.value);
        tx.commit().await?;
        let next_step = wf::next_step(a, episode.as_ref());
        let episode = episode.map(|e| e.id);
        let today = self.today();
        let child_seen = self.child_seen(a, referral.referral_date);
        let mut readiness = a.readiness(referral.referral_date, today);
        if child_seen.is_some_and(|c| c.explanation_required) {
            readiness.add("not_seen_explanation", NOT_SEEN_EXPLANATION);
        }
        let who = Self::workflow_actor(actor, &summary.record);
        let editable = a.state.editable() && actor.can(Permission::AddCaseNotes);
        let can_submit = editable && (who.user == a.author || who.allocated);
        let awaiting_manager = a.state == wf::AssessmentState::Submitted && who.can_authorise;
        let own_work = awaiting_manager && who.user == a.author;
        let can_sign_off = awaiting_manager && !own_work;
        Ok(AssessmentView { assessment, referral, summary, tasks, child_seen, readiness, versions, names, can_edit: editable, can_submit, can_sign_off, own_work, episode, next_step })
    }

    /// Saves the assessment's content while it is a draft or returned. Recording a date the
    /// child was seen closes the child-seen task.
    pub async fn save_assessment(&self, actor: &Actor, id: AssessmentId, expected_version: i64, content: AssessmentContent) -> Result<(), AppError> {
        self.save_assessment_with(actor, id, expected_version, |_| Ok(content)).await
    }

    /// As [`App::save_assessment`], with the new content worked out from the stored one in
    /// the same transaction (a form that edits one section keeps the others as stored).
    pub async fn save_assessment_with<F>(&self, actor: &Actor, id: AssessmentId, expected_version: i64, edit: F) -> Result<(), AppError>
    where
        F: FnOnce(&Assessment) -> Result<AssessmentContent, FieldErrors> + Send,
    {
        self.require(actor, Permission::AddCaseNotes, "assessment.update").await?;
        let mut tx = self.store.begin().await?;
        let loaded = self.assessment_in(tx.as_mut(), actor, id, "assessment.update").await;
        let (stored, referral, child, _) = match loaded {
            Ok(v) => v,
            Err(e) => return Err(self.refusal(tx, actor, "assessment.update", None, e).await),
        };
        let mut a = stored.value;
        if referral.nfa {
            return Err(AppError::invalid("state", "The referral was closed with no further action"));
        }
        if !a.state.editable() {
            return Err(AppError::invalid("state", &format!("An assessment that is {} cannot be changed", a.state.label().to_lowercase())));
        }
        let content = edit(&a)?;
        a.start_date = content.start_date.unwrap_or(a.start_date);
        a.child_seen = content.child_seen;
        a.child_seen.sort_by_key(|s| s.date);
        let tidy = |x: Option<String>| x.map(|x| x.trim().to_string()).filter(|x| !x.is_empty());
        a.not_seen_explanation = tidy(content.not_seen_explanation);
        a.factors = content.factors;
        a.outcome = content.outcome;
        a.primary_need = content.primary_need;
        let wf::Substance { child_voice, parents_views, analysis, recommendation } = content.substance;
        a.substance = wf::Substance { child_voice: tidy(child_voice), parents_views: tidy(parents_views), analysis: tidy(analysis), recommendation: tidy(recommendation) };
        a.validate(referral.referral_date, self.today())?;
        tx.update_assessment(&a, expected_version, &self.meta(actor)).await?;
        if !a.child_seen.is_empty() {
            tx.complete_tasks(TaskSubject::Referral(referral.id), &[TaskKind::ChildSeen], actor.user.id, self.now()).await?;
        }
        self.audit_step(tx.as_mut(), actor, "assessment.update", child.id, id.to_string()).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Submit, return or authorise. Submitting puts an authorisation task in the team's tray
    /// (for the worker's line manager); returning or authorising closes it, and authorising
    /// closes the referral's assessment tasks: the assessment is complete.
    pub async fn sign_off(&self, actor: &Actor, id: AssessmentId, expected_version: i64, step: SignOff) -> Result<(), AppError> {
        let action = match step {
            SignOff::Submit => "assessment.submit",
            SignOff::Return { .. } => "assessment.return",
            SignOff::Authorise { .. } => "assessment.authorise",
        };
        if !matches!(step, SignOff::Submit) {
            self.require(actor, Permission::RecordManagementOversight, action).await?;
        }
        let mut tx = self.store.begin().await?;
        let loaded = self.assessment_in(tx.as_mut(), actor, id, action).await;
        let (stored, referral, child, _) = match loaded {
            Ok(v) => v,
            Err(e) => return Err(self.refusal(tx, actor, action, None, e).await),
        };
        if stored.version != expected_version {
            return Err(AppError::Conflict { current: stored.version });
        }
        let mut a = stored.value;
        if referral.nfa {
            return Err(AppError::invalid("state", "The referral was closed with no further action"));
        }
        let who = Self::workflow_actor(actor, &child);
        let now = self.now();
        let ts = &self.config.timescales;
        let subject = TaskSubject::Assessment(id);
        match &step {
            SignOff::Submit => {
                if self.child_seen(&a, referral.referral_date).is_some_and(|c| c.explanation_required) {
                    return Err(AppError::invalid("not_seen_explanation", NOT_SEEN_EXPLANATION));
                }
                a.submit(who, now, referral.referral_date)?;
                let due = assessment_deadlines(&ts.pack, &ts.calendar, referral.referral_date, None).map_err(deadline_error)?;
                let owner = (actor.user.team.or(child.allocation.team), actor.user.manager);
                let sent = Sent { by: actor.user.id, at: now };
                let sign_off = Task { sent: Some(sent), ..self.task(TaskKind::AssessmentAuthorisation, subject, child.id, owner, due.final_deadline()) };
                tx.insert_task(&sign_off).await?;
                // The worker's assessment task waits on the manager until it comes back.
                let waiting = Waiting { with: owner.1, since: now };
                tx.set_waiting(TaskSubject::Referral(referral.id), &ASSESSMENT_TASKS, Some(waiting)).await?;
            }
            SignOff::Return { comment } => {
                a.return_with_comments(who, now, comment)?;
                tx.complete_tasks(subject, &[TaskKind::AssessmentAuthorisation], actor.user.id, now).await?;
                tx.set_waiting(TaskSubject::Referral(referral.id), &ASSESSMENT_TASKS, None).await?;
            }
            SignOff::Authorise { on, comment } => {
                a.authorise(who, now, *on, referral.referral_date, comment.as_deref())?;
                tx.complete_tasks(subject, &[TaskKind::AssessmentAuthorisation], actor.user.id, now).await?;
                let mut kinds = ASSESSMENT_TASKS.to_vec();
                kinds.push(TaskKind::ChildSeen);
                tx.complete_tasks(TaskSubject::Referral(referral.id), &kinds, actor.user.id, now).await?;
                // The need the assessment found is the referral's, for the census.
                if let Some(need) = a.primary_need.filter(|n| referral.primary_need != Some(*n)) {
                    let stored = tx.referral(referral.id).await?.ok_or(AppError::NotFound)?;
                    let r = Referral { primary_need: Some(need), ..stored.value };
                    tx.update_referral(&r, stored.version, &self.meta(actor)).await?;
                }
            }
        }
        tx.update_assessment(&a, expected_version, &self.meta(actor)).await?;
        self.audit_step(tx.as_mut(), actor, action, child.id, id.to_string()).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The contacts and referrals of a person, for their record page.
    pub async fn front_door_of(&self, actor: &Actor, person: PersonId) -> Result<FrontDoorHistory, AppError> {
        let (mut tx, _, _) = self.with_read(actor, person, "front_door.list").await?;
        let history = self.front_door_in(tx.as_mut(), actor, person).await?;
        tx.commit().await?;
        Ok(history)
    }

    /// The person's contacts (only those about children the actor may see: a parent's
    /// record must not reveal a contact about a child hidden from the reader) and referrals.
    pub(crate) async fn front_door_in(&self, tx: &mut dyn Tx, actor: &Actor, person: PersonId) -> Result<FrontDoorHistory, AppError> {
        let all = tx.front_door_of(person).await?;
        let mut children: Vec<PersonId> = all.contacts.iter().flat_map(|c| c.value.children.iter().copied()).collect();
        children.sort();
        children.dedup();
        let visible = self.visible_people(tx, actor, &children).await?;
        let contacts = all.contacts.into_iter().map(|c| c.value).filter(|c| c.children.iter().all(|p| visible.contains_key(p))).collect();
        // A referral's assessment is the first made for it.
        let assessments = all.assessments;
        let first_of = |r: &Referral| assessments.iter().filter(|a| a.value.referral == r.id).min_by_key(|a| a.created_at).map(|a| a.value.clone());
        let referrals = all
            .referrals
            .into_iter()
            .map(|r| {
                let first = first_of(&r.value);
                (r.value, first)
            })
            .collect();
        let episodes: Vec<_> = all.episodes.into_iter().map(|e| e.value).collect();
        let managers: Vec<UserId> = episodes.iter().flat_map(|e| e.oversight.iter().map(|o| o.by)).collect();
        let names = self.user_names(tx, &managers).await?;
        let assessments = assessments.into_iter().map(|a| a.value).collect();
        let care = all.care_periods.into_iter().map(|p| p.value.period).collect();
        Ok(FrontDoorHistory { contacts, referrals, episodes, names, assessments, care })
    }

    /// Moves a child's open referral, episode and care tasks to the case's new team and
    /// worker (the team's own, a case transfer or a report's sign-off, to the team alone),
    /// and brings the episodes' and the period of care's steps up to date (a move of team is
    /// the case transfer); called inside the allocation's transaction.
    pub(crate) async fn follow_allocation(&self, tx: &mut dyn Tx, by: UserId, child: PersonId, team: TeamId, worker: Option<UserId>) -> Result<(), AppError> {
        let kinds: Vec<TaskKind> = REFERRAL_TASKS.iter().chain(&crate::cin::EPISODE_TASKS).chain(&crate::care::CARE_TASKS).chain(&crate::care_decision::DECISION_TASKS).copied().filter(|k| !FOR_THE_TEAM.contains(k)).collect();
        tx.assign_open_tasks(child, &kinds, team, worker).await?;
        tx.assign_open_tasks(child, &FOR_THE_TEAM, team, None).await?;
        self.sync_child_work(tx, by, child).await
    }

    /// Recomputes the due date of every open task with the pack and calendar in force.
    /// Without `apply` it only reports; with it, it stores the new dates (each audited).
    pub async fn recalculate_deadlines(&self, apply: bool) -> Result<Vec<Rescheduled>, AppError> {
        let mut tx = self.store.begin().await?;
        let ts = &self.config.timescales;
        let mut out = Vec::new();
        for task in tx.open_tasks(&hearth_store::TaskQuery::all()).await? {
            let Some(d) = self.recompute(tx.as_mut(), &task).await? else { continue };
            let fresh = self.task(task.kind, task.subject, task.child, (task.team, task.assignee), &d);
            if fresh.due == task.due && fresh.pack == task.pack && fresh.pack_version == task.pack_version {
                continue;
            }
            let moved = Task { due: fresh.due, rule: fresh.rule, pack: fresh.pack, pack_version: fresh.pack_version, explanation: fresh.explanation, ..task.clone() };
            if apply {
                tx.reschedule_task(&moved).await?;
                let mut draft = self.draft(None, "deadline.recalculate", Some(task.child), Outcome::Allowed);
                draft.target = Some(task.id.to_string());
                draft.reason = Some(format!("{} → {} ({} {})", task.due, moved.due, ts.pack.name, ts.pack.version));
                tx.append_audit(&draft).await?;
            }
            out.push(Rescheduled { old_due: task.due, old_pack: format!("{} {}", task.pack, task.pack_version), task: moved });
        }
        tx.commit().await?;
        Ok(out)
    }

    /// The deadline the pack in force gives a task's step; `None` when the pack no longer
    /// has the rule or the record it counts from is gone (the task keeps its date).
    async fn recompute(&self, tx: &mut dyn Tx, task: &Task) -> Result<Option<Deadline>, AppError> {
        let ts = &self.config.timescales;
        let referral = match task.subject {
            TaskSubject::Contact(id) => {
                let Some(c) = tx.contact(id).await? else { return Ok(None) };
                return Ok(screening_deadline(&ts.pack, &ts.calendar, c.value.received_at).ok());
            }
            TaskSubject::Episode(id) => return self.recompute_episode_step(tx, id, task).await,
            TaskSubject::CarePeriod(id) => return self.recompute_care_step(tx, id, task).await,
            TaskSubject::CareDecision(id) => return self.recompute_decision_step(tx, id, task).await,
            TaskSubject::Referral(id) => tx.referral(id).await?.map(|r| r.value),
            TaskSubject::Assessment(id) => match tx.assessment(id).await? {
                Some(a) => tx.referral(a.value.referral).await?.map(|r| r.value),
                None => None,
            },
        };
        let Some(r) = referral else { return Ok(None) };
        let d = match task.kind {
            TaskKind::ReferralResponse => {
                let decided = match r.contact {
                    Some(c) => tx.contact(c).await?.and_then(|c| c.value.screening).map(|s| s.decided_at),
                    None => None,
                };
                decided.and_then(|at| referral_response_deadline(&ts.pack, &ts.calendar, at)).and_then(Result::ok)
            }
            TaskKind::ChildSeen => child_seen_deadline(&ts.pack, &ts.calendar, r.referral_date).and_then(Result::ok),
            kind => assessment_deadlines(&ts.pack, &ts.calendar, r.referral_date, None).ok().and_then(|a| match kind {
                TaskKind::InitialAssessment => a.initial,
                TaskKind::CoreAssessment => a.core,
                TaskKind::AssessmentAuthorisation => Some(a.final_deadline().clone()),
                _ => Some(a.single),
            }),
        };
        Ok(d)
    }

}
