//! Work trays: a worker's open tasks, and a manager's view of their teams' work, derived from
//! the stored tasks on today's date.
use crate::{Actor, App, AppError};
use hearth_domain::audit::Outcome;
use hearth_domain::front_door::tasks::{Task, TaskKind, TeamCounts, TrayCounts, WorkTray};
use hearth_domain::person::PersonSummary;
use hearth_domain::user::Permission;
use hearth_domain::{PersonId, UserId};
use hearth_store::TaskQuery;
use std::collections::HashMap;
use time::Date;

/// A worker's tray with the children it is about. Tasks about a child the worker may not
/// open (a restricted record whose list does not name them) are not listed, only counted.
#[derive(Clone, Debug)]
pub struct MyWork {
    pub tray: WorkTray,
    pub children: HashMap<PersonId, PersonSummary>,
    /// Open tasks held about records restricted from the worker: a manager must move them.
    pub hidden: usize,
    /// The names of the people the worker's tasks wait on.
    pub users: HashMap<UserId, String>,
    pub today: Date,
}

/// Which page of each list a manager's view shows: the overdue work of everyone or of one
/// worker (`Some(None)`: nobody's yet), oldest due first; the assessments awaiting
/// authorisation and the work nobody holds, soonest due first. Pages count from 1 (0 is 1).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TeamWorkFilter {
    pub worker: Option<Option<UserId>>,
    /// The page of the overdue list.
    pub page: u32,
    pub awaiting_page: u32,
    pub unassigned_page: u32,
}

/// How many tasks one page of a list shows.
pub const TEAM_WORK_PER_PAGE: u32 = 50;

/// A manager's view of the work of their teams and the people they manage. The figures are
/// counted by the store; only the tasks shown are read.
#[derive(Clone, Debug)]
pub struct TeamWork {
    pub counts: TeamCounts,
    /// Assessments waiting for sign-off, soonest due first.
    pub awaiting_authorisation: Vec<Task>,
    /// Open tasks of the teams that nobody holds yet (decisions on contacts, work on cases
    /// not allocated to a worker), by due date.
    pub unassigned: Vec<Task>,
    /// The page of overdue tasks the filter chose.
    pub overdue: Vec<Task>,
    pub filter: TeamWorkFilter,
    pub children: HashMap<PersonId, PersonSummary>,
    /// Tasks left out of the lists above because their child is restricted from the manager.
    pub hidden: usize,
    pub users: HashMap<UserId, String>,
    pub teams: Vec<String>,
    pub today: Date,
}

/// How many pages a list of `n` tasks has (at least 1).
pub fn pages_of(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX).max(1).div_ceil(TEAM_WORK_PER_PAGE)
}

impl TeamWork {
    /// How many pages the filtered overdue list has (at least 1).
    pub fn overdue_pages(&self) -> u32 {
        pages_of(self.counts.overdue_of(self.filter.worker))
    }
}

impl App {
    async fn children_of_tasks(&self, tx: &mut dyn hearth_store::Tx, actor: &Actor, tasks: &[&Task]) -> Result<HashMap<PersonId, PersonSummary>, AppError> {
        let mut ids: Vec<PersonId> = tasks.iter().map(|t| t.child).collect();
        ids.sort();
        ids.dedup();
        self.visible_people(tx, actor, &ids).await
    }

    /// "My work": the open tasks assigned to the actor, by bucket.
    pub async fn my_work(&self, actor: &Actor) -> Result<MyWork, AppError> {
        let today = self.today();
        let mut tx = self.store.begin_read().await?;
        let mut tasks = tx.open_tasks(&TaskQuery::among(&[actor.user.id], &[])).await?;
        let children = self.children_of_tasks(tx.as_mut(), actor, &tasks.iter().collect::<Vec<_>>()).await?;
        let held = tasks.len();
        tasks.retain(|t| children.contains_key(&t.child));
        let tray = WorkTray::from_tasks(&tasks, today);
        let with: Vec<UserId> = tray.waiting.iter().filter_map(|t| t.waiting.and_then(|w| w.with)).collect();
        let users = self.user_names(tx.as_mut(), &with).await?;
        if held != 0 {
            tx.append_audit(&self.draft(Some(actor), "work.view", None, Outcome::Allowed)).await?;
        }
        tx.commit().await?;
        Ok(MyWork { tray, children, hidden: held - tasks.len(), users, today })
    }

    /// The counts of the actor's tray, for the home page (as the tray counts them).
    pub async fn my_work_counts(&self, actor: &Actor) -> Result<TrayCounts, AppError> {
        let mut tx = self.store.begin_read().await?;
        let mut tasks = tx.open_tasks(&TaskQuery::among(&[actor.user.id], &[])).await?;
        let children = self.children_of_tasks(tx.as_mut(), actor, &tasks.iter().collect::<Vec<_>>()).await?;
        tasks.retain(|t| children.contains_key(&t.child));
        tx.commit().await?;
        Ok(WorkTray::from_tasks(&tasks, self.today()).counts())
    }

    /// A manager's view: the counts of their teams' and reports' open work, the assessments
    /// waiting for authorisation, the work nobody holds yet and a page of the overdue work.
    pub async fn team_work(&self, actor: &Actor, filter: TeamWorkFilter) -> Result<TeamWork, AppError> {
        self.require(actor, Permission::RecordManagementOversight, "work.team_view").await?;
        let today = self.today();
        let mut members = actor.subject.reports.clone();
        members.push(actor.user.id);
        let teams = actor.subject.teams.clone();
        let filter = TeamWorkFilter { page: filter.page.max(1), awaiting_page: filter.awaiting_page.max(1), unassigned_page: filter.unassigned_page.max(1), ..filter };
        // Every list leaves out work waiting on someone else: it is counted and listed once,
        // as the task of whoever has the step.
        let scope = TaskQuery { waiting: Some(false), limit: Some(TEAM_WORK_PER_PAGE), ..TaskQuery::among(&members, &teams) };
        let offset = |page: u32| (page - 1).saturating_mul(TEAM_WORK_PER_PAGE);
        let mut tx = self.store.begin_read().await?;
        let counts = TeamCounts::from_tally(&tx.open_task_tally(&members, &teams, today).await?);
        let mut awaiting_authorisation = match counts.awaiting_authorisation {
            0 => Vec::new(),
            _ => tx.open_tasks(&TaskQuery { kinds: &[TaskKind::AssessmentAuthorisation], offset: offset(filter.awaiting_page), ..scope }).await?,
        };
        let mut unassigned = match counts.unassigned {
            0 => Vec::new(),
            _ => tx.open_tasks(&TaskQuery { assignee: Some(None), offset: offset(filter.unassigned_page), ..scope }).await?,
        };
        let mut overdue = match counts.overdue_of(filter.worker) {
            0 => Vec::new(),
            _ => tx.open_tasks(&TaskQuery { due_before: Some(today), assignee: filter.worker, offset: offset(filter.page), ..scope }).await?,
        };
        let shown: Vec<&Task> = overdue.iter().chain(&awaiting_authorisation).chain(&unassigned).collect();
        let children = self.children_of_tasks(tx.as_mut(), actor, &shown).await?;
        let listed = shown.len();
        for list in [&mut overdue, &mut awaiting_authorisation, &mut unassigned] {
            list.retain(|t| children.contains_key(&t.child));
        }
        let hidden = listed - overdue.len() - awaiting_authorisation.len() - unassigned.len();
        // Only the members' names and the senders': reading every user costs with the size
        // of the LA.
        let mut named = members.clone();
        named.extend(awaiting_authorisation.iter().filter_map(|t| t.sent.map(|s| s.by)));
        let users = self.user_names(tx.as_mut(), &named).await?;
        let team_names = tx.teams().await?.into_iter().filter(|t| teams.contains(&t.id)).map(|t| t.name).collect();
        tx.append_audit(&self.draft(Some(actor), "work.team_view", None, Outcome::Allowed)).await?;
        tx.commit().await?;
        Ok(TeamWork { counts, awaiting_authorisation, unassigned, overdue, filter, children, hidden, users, teams: team_names, today })
    }
}
