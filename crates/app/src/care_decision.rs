//! Before care (issue 17, seed 001): the worker proposes accommodating the child or applying
//! for an order, a manager other than the proposer authorises it or says why not, the worker
//! holds the pre-care planning meeting and tells the reviewing service, health and the
//! school. Each step still to do is a task; care beginning is linked to the decision.
use crate::front_door::deadline_error;
use crate::{Actor, App, AppError};
use hearth_domain::care::decision::{Authorisation, CareDecision, CareDecisionId, CareRoute, Notification, PlanningMeeting, Stage};
use hearth_domain::care::CarePeriodRecord;
use hearth_domain::cin::steps::reconcile;
use hearth_domain::front_door::tasks::{Task, TaskKind, TaskSubject};
use hearth_domain::policy::Deadline;
use hearth_domain::user::Permission;
use hearth_domain::validation::FieldErrors;
use hearth_domain::PersonId;
use hearth_domain::UserId;
use hearth_store::Tx;
use time::Date;

/// The tasks a decision makes.
pub const DECISION_TASKS: [TaskKind; 3] = [TaskKind::CareDecisionAuthorisation, TaskKind::PreCarePlanningMeeting, TaskKind::CareNotifications];

/// A proposal as the worker makes it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CareProposal {
    pub route: CareRoute,
    pub reasons: String,
    pub planned_start: Option<Date>,
}

/// A step taken on a decision.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DecisionChange {
    /// A manager agrees the proposal or, saying why, does not.
    Authorise { agreed: bool, comments: String },
    Meeting(PlanningMeeting),
    Told(Notification),
    /// The worker withdraws the proposal on the day (the child will not come into care).
    Withdraw(Date),
}

impl DecisionChange {
    fn action(&self) -> &'static str {
        match self {
            DecisionChange::Authorise { .. } => "care_decision.authorise",
            DecisionChange::Meeting(_) => "care_decision.meeting",
            DecisionChange::Told(_) => "care_decision.notify",
            DecisionChange::Withdraw(_) => "care_decision.withdraw",
        }
    }

    fn label(&self) -> &'static str {
        match self {
            DecisionChange::Authorise { agreed: true, .. } => "Decision about care authorised",
            DecisionChange::Authorise { agreed: false, .. } => "Decision about care not agreed",
            DecisionChange::Meeting(_) => "Pre-care planning meeting held",
            DecisionChange::Told(_) => "Told that the child is coming into care",
            DecisionChange::Withdraw(_) => "Decision about care withdrawn",
        }
    }
}

impl App {
    /// Records a worker's proposal that a child come into care.
    pub async fn propose_care(&self, actor: &Actor, child: PersonId, p: CareProposal) -> Result<CareDecisionId, AppError> {
        const ACTION: &str = "care_decision.propose";
        self.require(actor, Permission::AddCaseNotes, ACTION).await?;
        let mut tx = self.store.begin().await?;
        if let Err(e) = self.open(tx.as_mut(), actor, child, crate::care::VIEW).await {
            return Err(self.refusal(tx, actor, ACTION, Some(child), e).await);
        }
        let today = self.today();
        if tx.care_decisions_of(child).await?.iter().any(|d| d.value.is_open()) {
            return Err(FieldErrors::one("route", "A decision about care is open for this child already: authorise, withdraw or act on it first").into());
        }
        if tx.care_periods_of(child).await?.iter().any(|p| p.value.period.covers(today)) {
            return Err(FieldErrors::one("route", "The child is looked after already").into());
        }
        let decision = CareDecision {
            id: CareDecisionId::new(),
            child,
            route: p.route,
            proposed: today,
            proposed_by: actor.user.id,
            reasons: p.reasons.trim().to_string(),
            planned_start: p.planned_start,
            authorisation: None,
            meeting: None,
            notified: Vec::new(),
            withdrawn: None,
            care_began: None,
        };
        decision.check(today)?;
        tx.insert_care_decision(&decision, &self.meta(actor)).await?;
        self.sync_decision_tasks(tx.as_mut(), actor.user.id, &decision).await?;
        self.audit_step(tx.as_mut(), actor, ACTION, child, decision.id.to_string()).await?;
        tx.commit().await?;
        Ok(decision.id)
    }

    /// Records a step on a decision kept at `expected_version`.
    pub async fn change_care_decision(&self, actor: &Actor, id: CareDecisionId, expected_version: i64, change: DecisionChange) -> Result<(), AppError> {
        let action = change.action();
        let permission = if matches!(change, DecisionChange::Authorise { .. }) { Permission::RecordManagementOversight } else { Permission::AddCaseNotes };
        self.require(actor, permission, action).await?;
        let mut tx = self.store.begin().await?;
        let Some(stored) = tx.care_decision(id).await? else {
            return Err(self.refusal(tx, actor, action, None, AppError::NotFound).await);
        };
        let child = stored.value.child;
        if let Err(e) = self.open(tx.as_mut(), actor, child, crate::care::VIEW).await {
            return Err(self.refusal(tx, actor, action, Some(child), e).await);
        }
        if stored.version != expected_version {
            return Err(AppError::Conflict { current: stored.version });
        }
        let today = self.today();
        let mut d = stored.value;
        let label = change.label();
        match change {
            DecisionChange::Authorise { agreed, comments } => {
                if d.stage() != Stage::Proposed {
                    return Err(FieldErrors::one("authorisation", "This decision has been made already").into());
                }
                d.authorisation = Some(Authorisation { by: actor.user.id, on: today, agreed, comments: comments.trim().to_string() });
                if agreed {
                    // Care that began in an emergency, before the manager could authorise it.
                    let periods = tx.care_periods_of(child).await?;
                    d.care_began = periods.iter().find(|p| p.value.period.ended.is_none() && d.began_under(&p.value.period)).map(|p| p.value.id);
                }
            }
            DecisionChange::Meeting(m) => d.meeting = Some(PlanningMeeting { attendees: m.attendees.trim().to_string(), plan: m.plan.trim().to_string(), ..m }),
            DecisionChange::Told(n) => d.notified.push(n),
            DecisionChange::Withdraw(on) => {
                if !d.is_open() {
                    return Err(FieldErrors::one("withdrawn", "Only a decision still open can be withdrawn").into());
                }
                d.withdrawn = Some(on);
            }
        }
        d.check(today)?;
        let meta = hearth_domain::person::ChangeMeta { reason: Some(label.to_string()), ..self.meta(actor) };
        tx.update_care_decision(&d, expected_version, &meta).await?;
        self.sync_decision_tasks(tx.as_mut(), actor.user.id, &d).await?;
        self.audit_step(tx.as_mut(), actor, action, child, id.to_string()).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Links the child's agreed decision, if one is waiting, to the period of care that has
    /// just begun (called inside `start_care`'s transaction).
    pub(crate) async fn care_began_under_decision(&self, tx: &mut dyn Tx, actor: &Actor, period: &CarePeriodRecord) -> Result<(), AppError> {
        let waiting = tx.care_decisions_of(period.child).await?.into_iter().find(|d| d.value.stage() == Stage::Agreed && d.value.began_under(&period.period));
        let Some(stored) = waiting else { return Ok(()) };
        let d = CareDecision { care_began: Some(period.id), ..stored.value };
        let meta = hearth_domain::person::ChangeMeta { reason: Some("Care began under the decision".into()), ..self.meta(actor) };
        tx.update_care_decision(&d, stored.version, &meta).await?;
        self.sync_decision_tasks(tx, actor.user.id, &d).await
    }

    /// Brings a decision's open tasks in line with its steps due now. The authorisation goes
    /// to the team's tray for its manager; the meeting and the notifications to the worker.
    async fn sync_decision_tasks(&self, tx: &mut dyn Tx, by: UserId, d: &CareDecision) -> Result<(), AppError> {
        let ts = &self.config.timescales;
        let due = d.due_steps(&ts.pack, &ts.calendar).map_err(deadline_error)?;
        let subject = TaskSubject::CareDecision(d.id);
        let tasks = tx.tasks_of(subject).await?;
        let (done, new) = reconcile(&tasks, &due);
        let done: Vec<_> = done.iter().map(|t| t.id).collect();
        tx.close_tasks(&done, by, self.now()).await?;
        let child = tx.person(d.child).await?.ok_or(AppError::NotFound)?;
        let (team, worker) = (child.allocation.team, child.allocation.worker);
        for step in new {
            let for_manager = step.kind == TaskKind::CareDecisionAuthorisation;
            let mut task = self.task(step.kind, subject, d.child, (team, if for_manager { None } else { worker }), &step.deadline);
            task.step = step.step.clone();
            tx.insert_task(&task).await?;
        }
        Ok(())
    }

    /// The deadline the pack in force gives a decision's task; `None` when the step is no
    /// longer due or the decision is gone (the task keeps its date).
    pub(crate) async fn recompute_decision_step(&self, tx: &mut dyn Tx, id: CareDecisionId, task: &Task) -> Result<Option<Deadline>, AppError> {
        let Some(d) = tx.care_decision(id).await? else { return Ok(None) };
        let ts = &self.config.timescales;
        let due = d.value.due_steps(&ts.pack, &ts.calendar).ok();
        Ok(due.and_then(|d| d.into_iter().find(|s| s.step == task.step)).map(|s| s.deadline))
    }
}
