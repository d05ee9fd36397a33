//! Children in need and child protection as use cases: the child's episode, every change to
//! it in one transaction (authorisation, the change, the work it makes or closes, the audit
//! entry), and the team's child protection dashboard.
//!
//! The episode's tasks follow it: after every change the steps due now
//! ([`due_steps`]) are compared with the episode's open tasks by their step key. A step no
//! longer due closes its task; a new step opens one; a task for a step still due keeps the
//! date it was given.
use crate::front_door::deadline_error;
use crate::{Actor, App, AppError};
use hearth_domain::access::AccessGround;
use hearth_domain::cin::change::{Applied, Change};
use hearth_domain::cin::codes::ClosureReason;
use hearth_domain::cin::dashboard::{self, CpDashboard};
use hearth_domain::cin::episode::{previous_plans, CpPlan, Episode, Stage};
use hearth_domain::cin::steps::{due_steps, icpc_target, reconcile, DueStep, Facts};
use hearth_domain::cin::{EpisodeId, StepId};
use hearth_domain::front_door::referral::Referral;
use hearth_domain::front_door::tasks::{Task, TaskKind, TaskStatus, TaskSubject};
use hearth_domain::front_door::ReferralId;
use hearth_domain::person::{PersonRecord, PersonSummary};
use hearth_domain::policy::{Deadline, DeadlineError};
use hearth_domain::user::Permission;
use hearth_domain::{PersonId, UserId};
use hearth_store::{DocVersion, TaskQuery, Tx, Versioned};
use std::collections::HashMap;
use time::Date;

/// The tasks an episode's steps make (they follow the case when it is allocated).
pub const EPISODE_TASKS: [TaskKind; 8] = [
    TaskKind::StrategyActionNotes,
    TaskKind::InitialConference,
    TaskKind::CoreGroup,
    TaskKind::ReviewConference,
    TaskKind::ChildInNeedPlanReview,
    TaskKind::Visit,
    TaskKind::CaseTransfer,
    TaskKind::StepDownFollowUp,
];

/// The child's statutory visit dates and the last day the case changed team.
pub(crate) type StepFacts = (Vec<Date>, Option<Date>);

/// The overdue work the child protection dashboard lists.
pub const DASHBOARD_OVERDUE: [TaskKind; 4] = [TaskKind::InitialConference, TaskKind::ReviewConference, TaskKind::CoreGroup, TaskKind::Visit];

/// An episode with what its page shows.
#[derive(Clone, Debug)]
pub struct EpisodeView {
    pub episode: Versioned<Episode>,
    pub summary: crate::CaseSummary,
    pub referral: Referral,
    pub stage: Stage,
    /// The episode's tasks, open and done, by due date.
    pub tasks: Vec<Task>,
    /// CIN census `NumberOfPreviousCPP` of each of the episode's CP plans.
    pub previous_plans: HashMap<StepId, usize>,
    /// CIN census `InitialCPCtarget` of each enquiry.
    pub icpc_targets: HashMap<StepId, Deadline>,
    pub versions: Vec<DocVersion>,
    pub names: HashMap<UserId, String>,
    /// The actor may record steps.
    pub can_edit: bool,
    /// The actor may add management oversight.
    pub can_oversee: bool,
    pub today: Date,
}

impl EpisodeView {
    pub fn open_tasks(&self) -> impl Iterator<Item = &Task> {
        self.tasks.iter().filter(|t| t.status == TaskStatus::Open)
    }
}

/// A manager's child protection dashboard.
#[derive(Clone, Debug)]
pub struct CpDashboardView {
    pub dashboard: CpDashboard,
    /// Overdue initial conferences, reviews, core groups and visits, oldest due first.
    pub overdue: Vec<Task>,
    pub children: HashMap<PersonId, PersonSummary>,
    /// The names of the manager's reports, for the overdue work's workers.
    pub users: HashMap<UserId, String>,
    pub teams: Vec<String>,
    pub today: Date,
}

impl CpDashboardView {
    pub fn overdue_of(&self, kind: TaskKind) -> usize {
        self.overdue.iter().filter(|t| t.kind == kind).count()
    }
}

impl App {
    /// Opens the child of an episode (audited as `action`) and loads the episode.
    async fn episode_in(&self, tx: &mut dyn Tx, actor: &Actor, id: EpisodeId, action: &str) -> Result<(Versioned<Episode>, PersonRecord, AccessGround), AppError> {
        let e = tx.episode(id).await?.ok_or(AppError::NotFound)?;
        let (child, ground) = self.open(tx, actor, e.value.child, action).await?;
        Ok((e, child, ground))
    }

    /// Opens the episode of a referral made before episodes were recorded (a new referral
    /// opens its own). One per referral.
    pub async fn open_episode(&self, actor: &Actor, referral: ReferralId) -> Result<EpisodeId, AppError> {
        self.require(actor, Permission::AddCaseNotes, "episode.create").await?;
        let mut tx = self.store.begin().await?;
        let r = match tx.referral(referral).await? {
            Some(r) => r.value,
            None => return Err(self.refusal(tx, actor, "episode.create", None, AppError::NotFound).await),
        };
        if let Err(e) = self.open(tx.as_mut(), actor, r.child, "episode.create").await {
            return Err(self.refusal(tx, actor, "episode.create", Some(r.child), e).await);
        }
        if tx.episode_of_referral(referral).await?.is_some() {
            return Err(AppError::invalid("referral", "This referral already has its episode"));
        }
        let e = self.new_episode(tx.as_mut(), actor, &r).await?;
        tx.commit().await?;
        Ok(e)
    }

    /// Stores the episode a referral opens (audited), closed at once with RC8 when the
    /// referral was closed with no further action.
    pub(crate) async fn new_episode(&self, tx: &mut dyn Tx, actor: &Actor, r: &Referral) -> Result<EpisodeId, AppError> {
        let mut e = Episode::open(r.child, r.id, r.referral_date);
        if r.nfa {
            e.close(Some(r.referral_date), Some(ClosureReason::NoFurtherAction), None, self.today())?;
        }
        tx.insert_episode(&e, &self.meta(actor)).await?;
        self.audit_step(tx, actor, "episode.create", r.child, e.id.to_string()).await?;
        Ok(e.id)
    }

    /// Closes the open episode of a referral closed with no further action (RC8 on the
    /// referral date), if nothing was recorded in it.
    pub(crate) async fn close_nfa_episode(&self, tx: &mut dyn Tx, actor: &Actor, r: &Referral) -> Result<(), AppError> {
        let Some(stored) = tx.episode_of_referral(r.id).await? else { return Ok(()) };
        let mut e = stored.value;
        if !e.is_open() || e.latest_date() > e.start {
            return Ok(());
        }
        e.close(Some(r.referral_date), Some(ClosureReason::NoFurtherAction), None, self.today())?;
        tx.update_episode(&e, stored.version, &self.meta(actor)).await?;
        self.sync_episode_tasks(tx, actor.user.id, &e).await
    }

    pub async fn episode_page(&self, actor: &Actor, id: EpisodeId) -> Result<EpisodeView, AppError> {
        let mut tx = self.store.begin_read().await?;
        let loaded = self.episode_in(tx.as_mut(), actor, id, "episode.view").await;
        let (episode, child, ground) = match loaded {
            Ok(v) => v,
            Err(e) => return Err(self.refusal(tx, actor, "episode.view", None, e).await),
        };
        let summary = self.summary_in(tx.as_mut(), actor, child, ground).await?;
        let e = &episode.value;
        let referral = tx.referral(e.referral).await?.ok_or(AppError::NotFound)?.value;
        let assessment = tx.assessment_of_referral(e.referral).await?.map(|a| a.value.is_complete());
        let tasks = tx.tasks_of(TaskSubject::Episode(id)).await?;
        let all_plans: Vec<CpPlan> = tx.episodes_of(e.child).await?.into_iter().flat_map(|x| x.value.cp_plans).collect();
        let versions = tx.front_door_versions(&id.to_string()).await?;
        let mut users: Vec<UserId> = versions.iter().map(|v| v.changed_by).collect();
        users.extend(e.oversight.iter().map(|o| o.by));
        users.extend(tasks.iter().filter_map(|t| t.assignee));
        let names = self.user_names(tx.as_mut(), &users).await?;
        tx.commit().await?;
        let ts = &self.config.timescales;
        let previous = e.cp_plans.iter().map(|p| (p.id, previous_plans(&all_plans, p))).collect();
        let icpc_targets = e.enquiries.iter().filter_map(|q| Some((q.id, icpc_target(e, q, &ts.pack, &ts.calendar)?.ok()?))).collect();
        let stage = e.stage(if referral.nfa { Some(true) } else { assessment });
        Ok(EpisodeView {
            stage,
            tasks,
            previous_plans: previous,
            icpc_targets,
            versions,
            names,
            can_edit: actor.can(Permission::AddCaseNotes),
            can_oversee: actor.can(Permission::RecordManagementOversight),
            today: self.today(),
            referral,
            summary,
            episode,
        })
    }

    /// Records a change to an episode: authorised, checked against the stored episode at
    /// `expected_version`, saved as a new version with its tasks brought up to date and an
    /// audit entry, all in one transaction.
    pub async fn change_episode(&self, actor: &Actor, id: EpisodeId, expected_version: i64, change: Change) -> Result<Applied, AppError> {
        let action = change.action();
        let permission = if change.is_oversight() { Permission::RecordManagementOversight } else { Permission::AddCaseNotes };
        self.require(actor, permission, action).await?;
        let mut tx = self.store.begin().await?;
        let loaded = self.episode_in(tx.as_mut(), actor, id, action).await;
        let (stored, child, _) = match loaded {
            Ok(v) => v,
            Err(e) => return Err(self.refusal(tx, actor, action, None, e).await),
        };
        if stored.version != expected_version {
            return Err(AppError::Conflict { current: stored.version });
        }
        let mut e = stored.value;
        let meta = hearth_domain::person::ChangeMeta { reason: Some(change.label().to_string()), ..self.meta(actor) };
        let applied = e.apply(change, actor.user.id, self.now())?;
        tx.update_episode(&e, expected_version, &meta).await?;
        self.sync_episode_tasks(tx.as_mut(), actor.user.id, &e).await?;
        let target = applied.step.map_or_else(|| id.to_string(), |s| format!("{id}/{s}"));
        self.audit_step(tx.as_mut(), actor, action, child.id, target).await?;
        tx.commit().await?;
        Ok(applied)
    }

    /// What the episode's steps depend on besides the episode: the child's statutory visits
    /// and the last time the case changed team.
    pub(crate) async fn step_facts(&self, tx: &mut dyn Tx, child: PersonId) -> Result<StepFacts, AppError> {
        let visits = tx
            .case_notes_of(child, false, u32::MAX, 0)
            .await?
            .into_iter()
            .filter(|n| n.details.is_statutory_visit())
            .map(|n| n.details.occurred_at.date())
            .collect();
        // A transfer planned for a later day has not changed the team yet.
        let today = self.today();
        let allocations: Vec<_> = tx.allocations_of(child).await?.into_iter().filter(|a| a.from <= today).collect();
        let changed = allocations.windows(2).filter(|w| w[0].team != w[1].team).map(|w| w[1].from).max();
        Ok((visits, changed))
    }

    /// Brings the episode's open tasks in line with the steps due now (see the module's
    /// documentation). Tasks go to the child's team and worker; the case transfer goes to the
    /// team's tray for its manager.
    pub(crate) async fn sync_episode_tasks(&self, tx: &mut dyn Tx, by: UserId, e: &Episode) -> Result<(), AppError> {
        let facts = self.step_facts(tx, e.child).await?;
        self.sync_with(tx, by, e, &facts).await
    }

    /// The steps of `e` due now under the pack in force.
    fn due_now(&self, e: &Episode, (visits, last_team_change): &StepFacts) -> Result<Vec<DueStep>, DeadlineError> {
        let ts = &self.config.timescales;
        due_steps(e, Facts { visits, last_team_change: *last_team_change }, &ts.pack, &ts.calendar)
    }

    async fn sync_with(&self, tx: &mut dyn Tx, by: UserId, e: &Episode, facts: &StepFacts) -> Result<(), AppError> {
        let due = self.due_now(e, facts).map_err(deadline_error)?;
        let tasks = tx.tasks_of(TaskSubject::Episode(e.id)).await?;
        let (done, new) = reconcile(&tasks, &due);
        let done: Vec<_> = done.iter().map(|t| t.id).collect();
        tx.close_tasks(&done, by, self.now()).await?;
        if new.is_empty() {
            return Ok(());
        }
        let child = tx.person(e.child).await?.ok_or(AppError::NotFound)?;
        let (team, worker) = (child.allocation.team, child.allocation.worker);
        for d in new {
            let owner = if d.kind == TaskKind::CaseTransfer { (team, None) } else { (team, worker) };
            let mut task = self.task(d.kind, TaskSubject::Episode(e.id), e.child, owner, &d.deadline);
            task.step = d.step.clone();
            tx.insert_task(&task).await?;
        }
        Ok(())
    }

    /// Brings the tasks of a child's open episodes and period of care up to date after
    /// something outside them changed (a statutory visit recorded, the case moved team).
    pub(crate) async fn sync_child_work(&self, tx: &mut dyn Tx, by: UserId, child: PersonId) -> Result<(), AppError> {
        let open: Vec<Episode> = tx.episodes_of(child).await?.into_iter().map(|e| e.value).filter(Episode::is_open).collect();
        let care: Vec<_> = tx.care_periods_of(child).await?.into_iter().map(|p| p.value).filter(|p| p.period.ended.is_none()).collect();
        if open.is_empty() && care.is_empty() {
            return Ok(());
        }
        let facts = self.step_facts(tx, child).await?;
        for e in &open {
            self.sync_with(tx, by, e, &facts).await?;
        }
        for p in &care {
            self.sync_care_with(tx, by, p, &facts).await?;
        }
        Ok(())
    }

    /// The deadline the pack in force gives an episode task's step; `None` when the step is
    /// no longer due or the episode is gone (the task keeps its date).
    pub(crate) async fn recompute_episode_step(&self, tx: &mut dyn Tx, episode: EpisodeId, task: &Task) -> Result<Option<Deadline>, AppError> {
        let Some(e) = tx.episode(episode).await? else { return Ok(None) };
        let facts = self.step_facts(tx, e.value.child).await?;
        let due = self.due_now(&e.value, &facts).ok();
        Ok(due.and_then(|d| d.into_iter().find(|d| d.step == task.step)).map(|d| d.deadline))
    }

    /// The child protection dashboard of a manager's teams: the children on plans by category
    /// and duration, and the overdue conferences, core groups and visits.
    pub async fn cp_dashboard(&self, actor: &Actor) -> Result<CpDashboardView, AppError> {
        self.require(actor, Permission::RecordManagementOversight, "cp_dashboard.view").await?;
        let today = self.today();
        let teams = actor.subject.teams.clone();
        let mut members = actor.subject.reports.clone();
        members.push(actor.user.id);
        let mut tx = self.store.begin_read().await?;
        let mut plans = tx.open_cp_plans_of_teams(&teams).await?;
        let mut overdue = tx.open_tasks(&TaskQuery { due_before: Some(today), kinds: &DASHBOARD_OVERDUE, ..TaskQuery::among(&members, &teams) }).await?;
        let shown: Vec<PersonId> = plans.iter().map(|p| p.child).chain(overdue.iter().map(|t| t.child)).collect();
        // A child restricted from the manager is neither named nor counted.
        let children = self.visible_people(tx.as_mut(), actor, &shown).await?;
        plans.retain(|p| children.contains_key(&p.child));
        overdue.retain(|t| children.contains_key(&t.child));
        let dashboard = dashboard::build(plans, today);
        let users = self.user_names(tx.as_mut(), &members).await?;
        let team_names = tx.teams().await?.into_iter().filter(|t| teams.contains(&t.id)).map(|t| t.name).collect();
        tx.append_audit(&self.draft(Some(actor), "cp_dashboard.view", None, hearth_domain::audit::Outcome::Allowed)).await?;
        tx.commit().await?;
        Ok(CpDashboardView { dashboard, overdue, children, users, teams: team_names, today })
    }
}
