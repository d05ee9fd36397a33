//! Children in care (issue 17): a child's periods of care recorded as the worker sees them —
//! care began, the legal status changed, the child moved, care ended. Each change is checked
//! against the whole period and the child's other periods, then saved as a new version with
//! its audit entry in one transaction. The episodes the DfE counts are derived, never typed.
use crate::cin::StepFacts;
use crate::front_door::deadline_error;
use crate::{Actor, App, AppError};
use hearth_domain::care::steps::{due_steps, Facts};
use hearth_domain::care::contact::{ContactArrangement, ContactRequest, ContactSession, Queued, RequestOutcome};
use hearth_domain::care::wellbeing::{Exclusion, HealthCheck};
use hearth_domain::cin::steps::{reconcile, DueStep};
use hearth_domain::front_door::tasks::{Task, TaskKind, TaskSubject};
use hearth_domain::policy::Deadline;
use hearth_domain::care::codes::{CategoryOfNeed, LegalStatus, PlacementType, ReasonEpisodeCeased, ReasonPlaceChange};
use hearth_domain::care::episodes::{check_periods, ClockTime, Ending, Episode, LegalStatusFrom, PeriodOfCare, Placement};
use hearth_domain::care::planning::{Offence, CareReview, MissingEpisode, MissingKind, NamedIro, Participation, PermanencePlan, PlacementPlan, ReturnInterview, ReviewDecision, ReviewReport, SignOff, Uasc, VisitRequest};
use hearth_domain::care::postcode::Postcode;
use hearth_domain::care::provider::{Provider, ProviderId};
use hearth_domain::care::decision::CareDecision;
use hearth_domain::care::{CarePeriodId, CarePeriodRecord};
use hearth_domain::codes::Coded;
use hearth_domain::user::{Permission, Role};
use hearth_domain::validation::FieldErrors;
use hearth_domain::{PersonId, UserId};
use hearth_store::{TaskQuery, Tx, Versioned};
use std::collections::HashMap;
use time::Date;

/// Reading a child's periods of care.
pub(crate) const VIEW: &str = "care.view";

/// The tasks a period of care makes (they follow the case when it is allocated).
pub const CARE_TASKS: [TaskKind; 11] = [
    TaskKind::CarePlan,
    TaskKind::PlacementPlan,
    TaskKind::CareVisit,
    TaskKind::LookedAfterReview,
    TaskKind::ReviewReportSignOff,
    TaskKind::PermanencePlan,
    TaskKind::CareTransfer,
    TaskKind::InitialHealthAssessment,
    TaskKind::HealthAssessment,
    TaskKind::PersonalEducationPlan,
    TaskKind::SchoolTransport,
];

/// A child becoming looked after, as the worker records it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewCare {
    pub start: Date,
    pub start_time: Option<ClockTime>,
    pub legal_status: LegalStatus,
    pub need: CategoryOfNeed,
    /// The postcode of the home the child was looked after from.
    pub home_postcode: Option<Postcode>,
    pub kind: PlacementType,
    pub provider: ProviderId,
}

/// One short break of a series recorded break by break (legal status V3): the day it began,
/// the day the child went home, with whom.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ShortBreak {
    pub from: Date,
    pub to: Date,
    pub need: CategoryOfNeed,
    pub kind: PlacementType,
    pub provider: ProviderId,
}

/// A placement as the worker chooses it: the provider from the list, the type, the day and
/// why the child moved. Who runs it, its URN and postcode come from the provider's record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlacementChoice {
    pub from: Date,
    pub kind: PlacementType,
    pub provider: ProviderId,
    pub reason: Option<ReasonPlaceChange>,
}

/// A review as the worker records it; the report sent for sign-off goes with it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReviewHeld {
    pub date: Date,
    pub participation: Participation,
    pub decisions: Vec<ReviewDecision>,
}

/// A child's return from a missing episode.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MissingReturn {
    pub end: Date,
    pub interview: Option<ReturnInterview>,
}

/// A change to a period of care.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CareChange {
    LegalStatus(LegalStatusFrom),
    Move(PlacementChoice),
    End(Ending),
    /// The care plan agreed on the day.
    CarePlan(Date),
    /// The plan of the placement the child is in, agreed on the day.
    PlacementPlan(Date),
    /// The placement the child is in agreed as long-term on the day.
    LongTerm(Date),
    Permanence(PermanencePlan),
    Iro(NamedIro),
    /// The report for the next review written and sent for sign-off on the day.
    ReportReady(Date),
    /// A manager signs the report off today.
    SignOffReport,
    ReportShared(Date),
    Review(ReviewHeld),
    Missing { kind: MissingKind, start: Date },
    Returned(MissingReturn),
    Uasc(Uasc),
    Health(HealthCheck),
    /// The school the child attends and the day the virtual school was told.
    School { name: String, virtual_school_told: Option<Date> },
    /// A personal education plan meeting held on the day.
    Pep(Date),
    Exclusion(Exclusion),
    /// A new contact arrangement (its number and sessions are Hearth's to give).
    Contact(ContactArrangement),
    /// Arrangement `arrangement` ended on the day.
    EndContact { arrangement: u32, on: Date },
    /// Arrangement `arrangement` continues on new terms from `terms.from` (how, how often,
    /// where, who supervises, court-ordered): the old terms end the day before, kept with
    /// their sessions, and the new ones are the next arrangement with the same person.
    ChangeContact { arrangement: u32, terms: ContactArrangement },
    /// A session of arrangement `arrangement`.
    ContactSession { arrangement: u32, session: ContactSession },
    /// A request to the Family Contact Service (its number and outcome are Hearth's to give).
    ContactRequest(ContactRequest),
    /// A manager allocates request `request` to a contact worker, or closes it.
    ContactOutcome { request: u32, outcome: RequestOutcome },
    /// School transport arranged on the day (after a move, to keep the school place).
    Transport(Date),
    Offence(Offence),
    /// The child or their IRO asked for a visit.
    VisitRequest(VisitRequest),
}

impl CareChange {
    fn action(&self) -> &'static str {
        match self {
            CareChange::LegalStatus(_) => "care.legal_status",
            CareChange::Move(_) => "care.move",
            CareChange::End(_) => "care.end",
            CareChange::CarePlan(_) => "care.care_plan",
            CareChange::PlacementPlan(_) => "care.placement_plan",
            CareChange::LongTerm(_) => "care.long_term",
            CareChange::Permanence(_) => "care.permanence",
            CareChange::Iro(_) => "care.iro",
            CareChange::ReportReady(_) => "care.report",
            CareChange::SignOffReport => "care.report_sign_off",
            CareChange::ReportShared(_) => "care.report_shared",
            CareChange::Review(_) => "care.review",
            CareChange::Missing { .. } => "care.missing",
            CareChange::Returned(_) => "care.missing_return",
            CareChange::Uasc(_) => "care.uasc",
            CareChange::Health(_) => "care.health",
            CareChange::School { .. } => "care.school",
            CareChange::Pep(_) => "care.pep",
            CareChange::Exclusion(_) => "care.exclusion",
            CareChange::Contact(_) => "care.contact",
            CareChange::EndContact { .. } => "care.contact_end",
            CareChange::ChangeContact { .. } => "care.contact_change",
            CareChange::ContactSession { .. } => "care.contact_session",
            CareChange::ContactRequest(_) => "care.contact_request",
            CareChange::ContactOutcome { .. } => "care.contact_outcome",
            CareChange::Transport(_) => "care.transport",
            CareChange::Offence(_) => "care.offence",
            CareChange::VisitRequest(_) => "care.visit_request",
        }
    }

    fn label(&self) -> &'static str {
        match self {
            CareChange::LegalStatus(_) => "Legal status changed",
            CareChange::Move(_) => "Moved placement",
            CareChange::End(_) => "Stopped being looked after",
            CareChange::CarePlan(_) => "Care plan agreed",
            CareChange::PlacementPlan(_) => "Placement plan agreed",
            CareChange::LongTerm(_) => "Placement agreed as long-term",
            CareChange::Permanence(_) => "Permanence plan agreed",
            CareChange::Iro(_) => "IRO named",
            CareChange::ReportReady(_) => "Review report sent for sign-off",
            CareChange::SignOffReport => "Review report signed off",
            CareChange::ReportShared(_) => "Review report shared",
            CareChange::Review(_) => "Review held",
            CareChange::Missing { .. } => "Went missing",
            CareChange::Returned(_) => "Returned from missing",
            CareChange::Uasc(_) => "Unaccompanied asylum-seeking child",
            CareChange::Health(_) => "Health check recorded",
            CareChange::School { .. } => "School recorded",
            CareChange::Pep(_) => "Personal education plan held",
            CareChange::Exclusion(_) => "Exclusion recorded",
            CareChange::Contact(_) => "Contact arrangement made",
            CareChange::EndContact { .. } => "Contact arrangement ended",
            CareChange::ChangeContact { .. } => "Contact arrangement changed",
            CareChange::ContactSession { .. } => "Family time session recorded",
            CareChange::ContactRequest(_) => "Family Contact Service asked",
            CareChange::ContactOutcome { .. } => "Family Contact Service request allocated or closed",
            CareChange::Transport(_) => "School transport arranged",
            CareChange::Offence(_) => "Offence recorded",
            CareChange::VisitRequest(_) => "Visit asked for",
        }
    }

    /// Signing a report off is a manager's; everything else is casework.
    fn permission(&self) -> Permission {
        match self {
            CareChange::SignOffReport | CareChange::ContactOutcome { .. } => Permission::RecordManagementOversight,
            CareChange::Review(_) | CareChange::Iro(_) | CareChange::VisitRequest(_) => Permission::RecordReviews,
            _ => Permission::AddCaseNotes,
        }
    }
}

/// A period of care with the episodes it makes.
#[derive(Clone, Debug)]
pub struct CarePeriodView {
    pub record: Versioned<CarePeriodRecord>,
    pub episodes: Vec<Episode>,
}

/// How a placement's provider is named when its record is not found.
pub const UNKNOWN_PROVIDER: &str = "A provider no longer on record";

/// A child's periods of care, earliest first, with the providers their placements name.
#[derive(Clone, Debug)]
pub struct ChildCare {
    pub summary: crate::CaseSummary,
    pub periods: Vec<CarePeriodView>,
    pub providers: HashMap<ProviderId, Provider>,
    /// What the open period has due now (its plans, the next visit and review).
    pub due: Vec<DueStep>,
    /// The managers who signed off review reports, and who proposed and authorised the
    /// decisions about care.
    pub names: HashMap<UserId, String>,
    /// Decisions about the child coming into care, newest first.
    pub decisions: Vec<Versioned<CareDecision>>,
    /// The child's family network as the reader may see it (for family time).
    pub family: Vec<crate::FamilyMember>,
    /// What the open decision has due now.
    pub decision_due: Vec<DueStep>,
}

impl ChildCare {
    /// The decision still to be acted on, if any.
    pub fn open_decision(&self) -> Option<&Versioned<CareDecision>> {
        self.decisions.iter().find(|d| d.value.is_open())
    }

    /// The deadline of the open decision's step of this kind, if one is due.
    pub fn decision_due(&self, kind: TaskKind) -> Option<Date> {
        self.decision_due.iter().find(|d| d.kind == kind).map(|d| d.deadline.due.date())
    }

    /// A user's name, for the decisions and sign-offs.
    pub fn name(&self, id: UserId) -> &str {
        self.names.get(&id).map_or("a former user", String::as_str)
    }
}

impl ChildCare {
    /// The period of care open on `day`.
    pub fn current(&self, day: Date) -> Option<&CarePeriodView> {
        self.periods.iter().find(|p| p.record.value.period.covers(day))
    }

    /// The deadline of the open period's step of this kind, if one is due.
    pub fn due(&self, kind: TaskKind) -> Option<&DueStep> {
        self.due.iter().find(|d| d.kind == kind)
    }

    /// The name of a placement's provider (kept even when the provider has closed).
    pub fn provider_name(&self, id: ProviderId) -> &str {
        self.providers.get(&id).map_or(UNKNOWN_PROVIDER, |p| p.name.as_str())
    }
}

impl App {
    /// Records that a child became looked after.
    pub async fn start_care(&self, actor: &Actor, child: PersonId, new: NewCare) -> Result<CarePeriodId, AppError> {
        const ACTION: &str = "care.start";
        self.require(actor, Permission::AddCaseNotes, ACTION).await?;
        let mut tx = self.store.begin().await?;
        // The record is read first (audited as a read), then the change is audited.
        let person = match self.open(tx.as_mut(), actor, child, VIEW).await {
            Ok((p, _)) => p,
            Err(e) => return Err(self.refusal(tx, actor, ACTION, Some(child), e).await),
        };
        let choice = PlacementChoice { from: new.start, kind: new.kind, provider: new.provider, reason: None };
        let placement = placed(tx.as_mut(), &choice, "placements[0]").await?;
        let period = PeriodOfCare {
            start: new.start,
            start_time: new.start_time,
            need: new.need,
            home_postcode: new.home_postcode,
            legal_statuses: vec![LegalStatusFrom { from: new.start, status: new.legal_status }],
            placements: vec![placement],
            ended: None,
            planning: Default::default(),
        };
        let record = CarePeriodRecord { id: CarePeriodId::new(), child, period };
        self.checked(tx.as_mut(), &record, person.details.date_of_birth).await?;
        tx.insert_care_period(&record, &self.meta(actor)).await?;
        self.sync_care_tasks(tx.as_mut(), actor.user.id, &record).await?;
        self.care_began_under_decision(tx.as_mut(), actor, &record).await?;
        self.audit_step(tx.as_mut(), actor, ACTION, child, record.id.to_string()).await?;
        tx.commit().await?;
        Ok(record.id)
    }

    /// Records one short break of a series (V3): a period of care of its own that began and
    /// ended, checked against the child's other periods like any other.
    pub async fn record_short_break(&self, actor: &Actor, child: PersonId, b: ShortBreak) -> Result<CarePeriodId, AppError> {
        const ACTION: &str = "care.short_break";
        self.require(actor, Permission::AddCaseNotes, ACTION).await?;
        let mut tx = self.store.begin().await?;
        let person = match self.open(tx.as_mut(), actor, child, VIEW).await {
            Ok((p, _)) => p,
            Err(e) => return Err(self.refusal(tx, actor, ACTION, Some(child), e).await),
        };
        if b.to > self.today() {
            return Err(FieldErrors::one("to", "Record a short break once the child has gone home").into());
        }
        let choice = PlacementChoice { from: b.from, kind: b.kind, provider: b.provider, reason: None };
        let placement = placed(tx.as_mut(), &choice, "placements[0]").await?;
        let period = PeriodOfCare {
            start: b.from,
            start_time: None,
            need: b.need,
            home_postcode: None,
            legal_statuses: vec![LegalStatusFrom { from: b.from, status: LegalStatus::ShortBreakEpisodes }],
            placements: vec![placement],
            ended: Some(Ending { on: b.to, reason: ReasonEpisodeCeased::HomePlanned }),
            planning: Default::default(),
        };
        let record = CarePeriodRecord { id: CarePeriodId::new(), child, period };
        self.checked(tx.as_mut(), &record, person.details.date_of_birth).await?;
        tx.insert_care_period(&record, &self.meta(actor)).await?;
        self.audit_step(tx.as_mut(), actor, ACTION, child, record.id.to_string()).await?;
        tx.commit().await?;
        Ok(record.id)
    }

    /// Records a change to a period of care kept at `expected_version`.
    pub async fn change_care(&self, actor: &Actor, id: CarePeriodId, expected_version: i64, mut change: CareChange) -> Result<(), AppError> {
        let action = change.action();
        self.require(actor, change.permission(), action).await?;
        let mut tx = self.store.begin().await?;
        let Some(stored) = tx.care_period(id).await? else {
            return Err(self.refusal(tx, actor, action, None, AppError::NotFound).await);
        };
        let child = stored.value.child;
        let person = match self.open(tx.as_mut(), actor, child, VIEW).await {
            Ok((p, _)) => p,
            Err(e) => return Err(self.refusal(tx, actor, action, Some(child), e).await),
        };
        if stored.version != expected_version {
            return Err(AppError::Conflict { current: stored.version });
        }
        let meta = hearth_domain::person::ChangeMeta { reason: Some(change.label().to_string()), ..self.meta(actor) };
        // A family member linked to an arrangement is one of the child's network the reader
        // may see; their name and relationship stand in for "who with" when it is left blank.
        if let CareChange::Contact(a) = &mut change
            && let Some(relative) = a.person
        {
            let family = self.family_in(tx.as_mut(), actor, child).await?;
            let Some(m) = family.iter().find(|m| m.person.id == relative) else {
                return Err(FieldErrors::one("planning.contact.person", "Choose a member of the child's family network").into());
            };
            if a.with.trim().is_empty() {
                a.with = format!("{}, {}", m.person.full_name(), m.role.label().to_lowercase());
            }
        }
        // An IRO with an account is named as their account is, so their children are theirs.
        if let CareChange::Iro(NamedIro { user: Some(u), name, .. }) = &mut change {
            match tx.user(*u).await? {
                Some(iro) if iro.active && iro.role == Role::ReviewingOfficer => *name = iro.display_name,
                _ => return Err(FieldErrors::one("planning.iro.user", "Choose an independent reviewing officer from the list").into()),
            }
        }
        let mut period = stored.value.period;
        // A change dated before the last one of its kind is refused by `check`, not reordered.
        let moved_to = match &change {
            CareChange::Move(choice) => Some(placed(tx.as_mut(), choice, &format!("placements[{}]", period.placements.len())).await?),
            _ => None,
        };
        apply(&mut period, change, moved_to, actor.user.id, self.today())?;
        let record = CarePeriodRecord { period, ..stored.value };
        self.checked(tx.as_mut(), &record, person.details.date_of_birth).await?;
        tx.update_care_period(&record, expected_version, &meta).await?;
        self.sync_care_tasks(tx.as_mut(), actor.user.id, &record).await?;
        self.audit_step(tx.as_mut(), actor, action, child, id.to_string()).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The independent reviewing officers who can be named for a child, by name: active
    /// accounts with the role.
    pub async fn reviewing_officers(&self, actor: &Actor) -> Result<Vec<(UserId, String)>, AppError> {
        self.require(actor, Permission::RecordReviews, "care.iro").await?;
        let mut tx = self.store.begin_read().await?;
        let users = tx.users().await?;
        tx.commit().await?;
        let mut iros: Vec<(UserId, String)> = users.into_iter().filter(|u| u.active && u.role == Role::ReviewingOfficer).map(|u| (u.id, u.display_name)).collect();
        iros.sort_by(|a, b| a.1.cmp(&b.1));
        Ok(iros)
    }

    /// A child's periods of care, earliest first, each with its episodes, and the providers
    /// they name (audited as a read of the record).
    pub async fn care_of(&self, actor: &Actor, child: PersonId) -> Result<ChildCare, AppError> {
        let (mut tx, summary) = self.with_summary(actor, child, VIEW).await?;
        let periods = tx.care_periods_of(child).await?;
        let providers = providers_of(tx.as_mut(), carers_of(periods.iter().map(|p| &p.value.period))).await?;
        let due = match periods.iter().find(|p| p.value.period.ended.is_none()) {
            Some(open) => {
                let facts = self.step_facts(tx.as_mut(), child).await?;
                self.care_due_now(&open.value, &facts, summary.record.details.date_of_birth)?
            }
            None => Vec::new(),
        };
        let signers: Vec<UserId> = periods
            .iter()
            .flat_map(|p| {
                let plan = &p.value.period.planning;
                plan.reviews.iter().filter_map(|r| r.report.as_ref()).chain(&plan.next_report).filter_map(|r| r.signed_off.map(|s| s.by)).collect::<Vec<_>>()
            })
            .collect();
        let decisions = tx.care_decisions_of(child).await?;
        let family = self.family_in(tx.as_mut(), actor, child).await?;
        let deciders = decisions.iter().flat_map(|d| std::iter::once(d.value.proposed_by).chain(d.value.authorisation.as_ref().map(|a| a.by)));
        let names = self.user_names(tx.as_mut(), &signers.into_iter().chain(deciders).collect::<Vec<_>>()).await?;
        tx.commit().await?;
        let periods = periods.into_iter().map(|record| CarePeriodView { episodes: record.value.period.episodes(), record }).collect();
        let ts = &self.config.timescales;
        let decision_due = match decisions.iter().find(|d| d.value.is_open()) {
            Some(d) => d.value.due_steps(&ts.pack, &ts.calendar).map_err(deadline_error)?,
            None => Vec::new(),
        };
        Ok(ChildCare { summary, periods, providers, due, names, decisions, decision_due, family })
    }

    /// Refuses a period that is wrong in itself or overlaps another of the child's.
    async fn checked(&self, tx: &mut dyn Tx, record: &CarePeriodRecord, born: Option<Date>) -> Result<(), AppError> {
        record.period.check(born)?;
        record.period.check_planning(born, self.today())?;
        let mut all: Vec<PeriodOfCare> = tx.care_periods_of(record.child).await?.into_iter().filter(|p| p.value.id != record.id).map(|p| p.value.period).collect();
        all.push(record.period.clone());
        all.sort_by_key(|p| p.start);
        check_periods(&all)?;
        Ok(())
    }
}

impl App {
    /// The steps of a period of care due now under the pack in force.
    fn care_due_now(&self, record: &CarePeriodRecord, (visits, last_team_change): &StepFacts, born: Option<Date>) -> Result<Vec<DueStep>, AppError> {
        let ts = &self.config.timescales;
        let facts = Facts { visits, last_team_change: *last_team_change, today: self.today(), born };
        due_steps(&record.id.to_string(), &record.period, facts, &ts.pack, &ts.calendar).map_err(deadline_error)
    }

    /// Brings a period's open tasks in line with the steps due now, as for a CIN episode:
    /// a step no longer due closes its task, a new one opens a task. The sign-off and the
    /// transfer go to the team's tray for its manager; the rest to the child's worker.
    async fn sync_care_tasks(&self, tx: &mut dyn Tx, by: UserId, record: &CarePeriodRecord) -> Result<(), AppError> {
        let facts = self.step_facts(tx, record.child).await?;
        self.sync_care_with(tx, by, record, &facts).await
    }

    pub(crate) async fn sync_care_with(&self, tx: &mut dyn Tx, by: UserId, record: &CarePeriodRecord, facts: &StepFacts) -> Result<(), AppError> {
        let child = tx.person(record.child).await?.ok_or(AppError::NotFound)?;
        let due = self.care_due_now(record, facts, child.details.date_of_birth)?;
        let tasks = tx.tasks_of(TaskSubject::CarePeriod(record.id)).await?;
        let (done, new) = reconcile(&tasks, &due);
        let done: Vec<_> = done.iter().map(|t| t.id).collect();
        tx.close_tasks(&done, by, self.now()).await?;
        let (team, worker) = (child.allocation.team, child.allocation.worker);
        for d in new {
            let for_manager = matches!(d.kind, TaskKind::ReviewReportSignOff | TaskKind::CareTransfer);
            let mut task = self.task(d.kind, TaskSubject::CarePeriod(record.id), record.child, (team, if for_manager { None } else { worker }), &d.deadline);
            task.step = d.step.clone();
            tx.insert_task(&task).await?;
        }
        Ok(())
    }

    /// The deadline the pack in force gives a period's task; `None` when the step is no
    /// longer due or the period is gone (the task keeps its date).
    pub(crate) async fn recompute_care_step(&self, tx: &mut dyn Tx, id: CarePeriodId, task: &Task) -> Result<Option<Deadline>, AppError> {
        let Some(p) = tx.care_period(id).await? else { return Ok(None) };
        let facts = self.step_facts(tx, p.value.child).await?;
        let born = tx.person(p.value.child).await?.and_then(|c| c.details.date_of_birth);
        let due = self.care_due_now(&p.value, &facts, born).ok();
        Ok(due.and_then(|d| d.into_iter().find(|d| d.step == task.step)).map(|d| d.deadline))
    }
}

/// Applies a change to `period` (a move: to `moved_to`, made from the provider's record);
/// what it makes is checked with the whole period afterwards.
fn apply(period: &mut PeriodOfCare, change: CareChange, moved_to: Option<Placement>, by: UserId, today: Date) -> Result<(), FieldErrors> {
    let plan = &mut period.planning;
    let current = |p: &PeriodOfCare, field: &str| p.placement_began(today).ok_or_else(|| FieldErrors::one(field, "The child is not in a placement today"));
    match change {
        CareChange::LegalStatus(l) => period.legal_statuses.push(l),
        CareChange::End(e) => period.ended = Some(e),
        CareChange::Move(_) => period.placements.extend(moved_to),
        CareChange::CarePlan(d) => plan.care_plan = Some(d),
        CareChange::PlacementPlan(agreed) => {
            let placement = current(period, "planning.placement_plans")?;
            let plan = &mut period.planning;
            plan.placement_plans.retain(|p| p.placement != placement);
            plan.placement_plans.push(PlacementPlan { placement, agreed });
        }
        CareChange::LongTerm(agreed) => {
            let placement = current(period, "planning.long_term.agreed")?;
            period.planning.long_term = Some(PlacementPlan { placement, agreed });
        }
        CareChange::Permanence(p) => plan.permanence = Some(p),
        CareChange::Iro(i) => plan.iro = Some(NamedIro { name: i.name.trim().to_string(), ..i }),
        CareChange::ReportReady(ready) => {
            if plan.next_report.as_ref().is_some_and(|r| r.signed_off.is_some()) {
                return Err(FieldErrors::one("planning.next_report.ready", "The report for the next review has been signed off already"));
            }
            plan.next_report = Some(ReviewReport { ready, signed_off: None, shared: None });
        }
        CareChange::SignOffReport => match plan.next_report.as_mut() {
            None => return Err(FieldErrors::one("planning.next_report", "No report is waiting for sign-off")),
            Some(r) if r.signed_off.is_some() => return Err(FieldErrors::one("planning.next_report", "The report has been signed off already")),
            Some(r) => r.signed_off = Some(SignOff { by, on: today }),
        },
        CareChange::ReportShared(d) => match plan.next_report.as_mut() {
            None => return Err(FieldErrors::one("planning.next_report.shared", "Send the report for sign-off first")),
            Some(r) => r.shared = Some(d),
        },
        CareChange::Review(r) => {
            let Some(iro) = plan.iro.as_ref().map(|i| i.name.clone()) else {
                return Err(FieldErrors::one("planning.iro", "Name the child's IRO before recording a review"));
            };
            let report = plan.next_report.take();
            plan.reviews.push(CareReview { date: r.date, iro, participation: r.participation, decisions: r.decisions, report });
        }
        CareChange::Missing { kind, start } => plan.missing.push(MissingEpisode { kind, start, end: None, interview: None }),
        CareChange::Returned(r) => match plan.missing.last_mut() {
            Some(m) if m.end.is_none() => {
                m.end = Some(r.end);
                m.interview = r.interview;
            }
            _ => return Err(FieldErrors::one("planning.missing", "The child is not recorded as missing")),
        },
        CareChange::Uasc(u) => plan.uasc = Some(u),
        CareChange::Health(h) => plan.health.push(h),
        CareChange::School { name, virtual_school_told } => {
            plan.education.school = Some(name.trim().to_string());
            plan.education.virtual_school_told = virtual_school_told;
        }
        CareChange::Pep(d) => {
            plan.education.peps.push(d);
            plan.education.peps.sort();
        }
        CareChange::Exclusion(x) => plan.education.exclusions.push(x),
        CareChange::Contact(a) => {
            let number = next_number(plan.contact.iter().map(|a| a.number));
            plan.contact.push(ContactArrangement { number, sessions: Vec::new(), ..a });
        }
        CareChange::EndContact { arrangement, on } => match plan.contact.iter_mut().find(|a| a.number == arrangement) {
            None => return Err(FieldErrors::one("planning.contact", "Choose the contact arrangement that ended")),
            Some(a) if a.until.is_some() => return Err(FieldErrors::one("planning.contact", "This arrangement has ended already")),
            Some(a) => a.until = Some(on),
        },
        CareChange::ChangeContact { arrangement, terms } => {
            let number = next_number(plan.contact.iter().map(|a| a.number));
            let Some(old) = plan.contact.iter_mut().find(|a| a.number == arrangement && a.until.is_none()) else {
                return Err(FieldErrors::one("planning.contact", "Choose an arrangement still in place"));
            };
            if terms.from <= old.from {
                return Err(FieldErrors::one("planning.contact.from", format!("The new terms begin after the arrangement began ({})", old.from)));
            }
            old.until = terms.from.previous_day();
            let new = ContactArrangement { number, with: old.with.clone(), person: old.person, sessions: Vec::new(), until: None, ..terms };
            plan.contact.push(new);
        }
        CareChange::ContactSession { arrangement, session } => match plan.contact.iter_mut().find(|a| a.number == arrangement) {
            None => return Err(FieldErrors::one("planning.contact", "Choose the contact arrangement the session was under")),
            Some(a) => {
                a.sessions.push(session);
                a.sessions.sort_by_key(|s| s.on);
            }
        },
        CareChange::ContactRequest(r) => {
            let number = next_number(plan.contact_requests.iter().map(|r| r.number));
            plan.contact_requests.push(ContactRequest { number, outcome: None, ..r });
        }
        CareChange::ContactOutcome { request, outcome } => match plan.contact_requests.iter_mut().find(|r| r.number == request) {
            Some(r) if r.outcome.is_none() => r.outcome = Some(outcome),
            Some(_) => return Err(FieldErrors::one("planning.contact_requests", "This request has been allocated or closed already")),
            None => return Err(FieldErrors::one("planning.contact_requests", "There is no such request")),
        },
        CareChange::Transport(d) => plan.education.transport.push(d),
        CareChange::Offence(o) => plan.offences.push(o),
        CareChange::VisitRequest(r) => {
            plan.visit_requests.push(r);
            plan.visit_requests.sort_by_key(|r| r.on);
        }
    }
    Ok(())
}

/// The number after the highest of `numbers` (1 for the first).
fn next_number(numbers: impl Iterator<Item = u32>) -> u32 {
    numbers.max().unwrap_or(0).saturating_add(1)
}

/// The providers the placements of `periods` name, once each.
pub(crate) fn carers_of<'a>(periods: impl Iterator<Item = &'a PeriodOfCare>) -> Vec<ProviderId> {
    let mut ids: Vec<ProviderId> = periods.flat_map(|p| p.placements.iter().map(|pl| pl.carer)).collect();
    ids.sort();
    ids.dedup();
    ids
}

/// The records of providers `ids`, by id. (Ids, not periods: an iterator of closures held
/// across an await makes the future not general enough for axum's handlers.)
pub(crate) async fn providers_of(tx: &mut dyn Tx, ids: Vec<ProviderId>) -> Result<HashMap<ProviderId, Provider>, AppError> {
    let mut out = HashMap::new();
    for id in ids {
        if let Some(p) = tx.provider(id).await? {
            out.insert(id, p.value);
        }
    }
    Ok(out)
}

/// The placement the worker chose, from the provider's record; `field` names it in errors.
async fn placed(tx: &mut dyn Tx, choice: &PlacementChoice, field: &str) -> Result<Placement, AppError> {
    let Some(provider) = tx.provider(choice.provider).await? else {
        return Err(FieldErrors::one(format!("{field}.carer"), "Choose a provider from the list").into());
    };
    provider.value.place(choice.from, choice.kind, choice.reason).map_err(|why| FieldErrors::one(format!("{field}.kind"), why).into())
}

/// The children-in-care dashboard as a manager sees it.
#[derive(Clone, Debug)]
pub struct CareDashboardView {
    pub dashboard: hearth_domain::care::dashboard::CareDashboard,
    /// The children listed, each of whom the manager may open; restricted children they may
    /// not are neither named nor counted.
    pub children: HashMap<PersonId, hearth_domain::person::PersonSummary>,
    pub providers: HashMap<ProviderId, String>,
    /// Whether the LA's area is set, so "out of area" means something.
    pub area_known: bool,
    /// Whether the postcode directory has been loaded, so "not known" distances mean a
    /// postcode is missing rather than every location.
    pub locations_known: bool,
    /// The overdue plans, visits and reviews of the children listed, oldest first.
    pub overdue: Vec<Task>,
    /// Who holds the overdue work.
    pub users: HashMap<UserId, String>,
    /// External residential settings whose monitoring visit is overdue (seed 004), with the
    /// day it was due, oldest first.
    pub monitoring_overdue: Vec<(ProviderId, Date)>,
    pub today: Date,
}

/// The care tasks the dashboard lists when overdue.
pub const DASHBOARD_OVERDUE: [TaskKind; 8] = [
    TaskKind::LookedAfterReview,
    TaskKind::CareVisit,
    TaskKind::InitialHealthAssessment,
    TaskKind::HealthAssessment,
    TaskKind::PersonalEducationPlan,
    TaskKind::CarePlan,
    TaskKind::PlacementPlan,
    TaskKind::PermanencePlan,
];

impl CareDashboardView {
    /// How many overdue tasks there are of `kind`.
    pub fn overdue_of(&self, kind: TaskKind) -> usize {
        self.overdue.iter().filter(|t| t.kind == kind).count()
    }
}

impl App {
    /// The children looked after today whom the manager may open: by legal status and
    /// placement type, placed out of area, how far from home, and with three or more
    /// placements in a year.
    pub async fn care_dashboard(&self, actor: &Actor) -> Result<CareDashboardView, AppError> {
        const ACTION: &str = "care_dashboard.view";
        self.require(actor, Permission::OverseeCare, ACTION).await?;
        let today = self.today();
        let mut tx = self.store.begin_read().await?;
        // A period that ended over a year ago has no placement the dashboard counts.
        let periods = tx.care_period_outlines(today - time::Duration::days(365)).await?;
        let looked_after: Vec<PersonId> = periods.iter().filter(|r| r.period.covers(today)).map(|r| r.child).collect();
        let children = self.visible_people(tx.as_mut(), actor, &looked_after).await?;
        let all_providers = tx.providers().await?;
        let monitoring_overdue = self.monitoring_overdue(&all_providers, &periods, today);
        let providers = all_providers.into_iter().map(|p| (p.id, p.name)).collect();
        let mut overdue = tx.open_tasks(&TaskQuery { kinds: &DASHBOARD_OVERDUE, due_before: Some(today), ..TaskQuery::all() }).await?;
        overdue.retain(|t| children.contains_key(&t.child));
        let holders: Vec<UserId> = overdue.iter().filter_map(|t| t.assignee).collect();
        let users = self.user_names(tx.as_mut(), &holders).await?;
        // Only the postcodes of the children listed, and their districts, in one query.
        let keys = hearth_domain::care::dashboard::postcodes_to_locate(periods.iter().filter(|r| children.contains_key(&r.child)).map(|r| &r.period), today);
        let locations = tx.postcode_locations(&keys).await?;
        // Found some: the directory is loaded. Found none: ask (one row at most).
        let locations_known = !locations.is_empty() || tx.has_postcode_locations().await?;
        tx.append_audit(&self.draft(Some(actor), ACTION, None, hearth_domain::audit::Outcome::Allowed)).await?;
        tx.commit().await?;
        let mine = periods.iter().filter(|r| children.contains_key(&r.child)).map(|r| (r.child, &r.period));
        let dashboard = hearth_domain::care::dashboard::build(mine, today, &self.config.area, |k| locations.get(k).copied());
        Ok(CareDashboardView { dashboard, children, providers, area_known: !self.config.area.is_empty(), locations_known, overdue, users, monitoring_overdue, today })
    }
}

impl App {
    /// The external residential settings with a child placed today whose monitoring visit
    /// was due before today, oldest first.
    fn monitoring_overdue(&self, providers: &[Provider], periods: &[CarePeriodRecord], today: Date) -> Vec<(ProviderId, Date)> {
        let placed = crate::providers::placed_by_provider(periods, today);
        let mut out: Vec<(ProviderId, Date)> = providers.iter().filter_map(|p| Some((p.id, self.monitoring_due(p, placed.get(&p.id).and_then(|x| x.1))?))).filter(|(_, due)| *due < today).collect();
        out.sort_by_key(|x| x.1);
        out
    }
}

/// The Family Contact Service's queue as a reader sees it.
#[derive(Clone, Debug)]
pub struct FamilyContactQueue {
    /// In the order the service takes them.
    pub waiting: Vec<Queued>,
    /// The children named, each of whom the reader may open; requests about a child they
    /// may not are neither listed nor counted.
    pub children: HashMap<PersonId, hearth_domain::person::PersonSummary>,
    pub today: Date,
}

impl App {
    /// The requests to the Family Contact Service still waiting, in the order seed 000 sets:
    /// court proceedings needing contact as evidence, then supervised contact for assessed
    /// risk, then children under 14, oldest first within each.
    pub async fn family_contact_queue(&self, actor: &Actor) -> Result<FamilyContactQueue, AppError> {
        const ACTION: &str = "family_contact.view";
        self.require(actor, Permission::ViewRecords, ACTION).await?;
        let today = self.today();
        let mut tx = self.store.begin_read().await?;
        let periods = tx.all_care_periods().await?;
        let asking: Vec<PersonId> = periods.iter().filter(|r| r.period.covers(today) && r.period.planning.contact_requests.iter().any(|q| q.outcome.is_none())).map(|r| r.child).collect();
        let children = self.visible_people(tx.as_mut(), actor, &asking).await?;
        tx.append_audit(&self.draft(Some(actor), ACTION, None, hearth_domain::audit::Outcome::Allowed)).await?;
        tx.commit().await?;
        let mine = periods.iter().filter(|r| r.period.covers(today) && children.contains_key(&r.child)).map(|r| (r.child, &r.period.planning.contact[..], &r.period.planning.contact_requests[..]));
        let waiting = hearth_domain::care::contact::queue(mine, |c| children.get(&c).and_then(|p| p.age_on(today)));
        Ok(FamilyContactQueue { waiting, children, today })
    }
}
