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
    pub today: Date,
}

/// Which overdue tasks a manager's page lists: everyone's or one worker's (`Some(None)`:
/// nobody's yet), a page at a time, oldest due first.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct OverdueFilter {
    pub worker: Option<Option<UserId>>,
    /// From 1.
    pub page: u32,
}

/// How many overdue tasks one page lists.
pub const OVERDUE_PER_PAGE: u32 = 50;

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
    pub filter: OverdueFilter,
    pub children: HashMap<PersonId, PersonSummary>,
    /// Tasks left out of the lists above because their child is restricted from the manager.
    pub hidden: usize,
    pub users: HashMap<UserId, String>,
    pub teams: Vec<String>,
    pub today: Date,
}

impl TeamWork {
    /// How many pages the filtered overdue list has (at least 1).
    pub fn overdue_pages(&self) -> u32 {
        let n = u32::try_from(self.counts.overdue_of(self.filter.worker)).unwrap_or(u32::MAX);
        n.max(1).div_ceil(OVERDUE_PER_PAGE)
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
        if held != 0 {
            tx.append_audit(&self.draft(Some(actor), "work.view", None, Outcome::Allowed)).await?;
        }
        tx.commit().await?;
        Ok(MyWork { tray, children, hidden: held - tasks.len(), today })
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
    pub async fn team_work(&self, actor: &Actor, filter: OverdueFilter) -> Result<TeamWork, AppError> {
        self.require(actor, Permission::RecordManagementOversight, "work.team_view").await?;
        let today = self.today();
        let mut members = actor.subject.reports.clone();
        members.push(actor.user.id);
        let teams = actor.subject.teams.clone();
        let filter = OverdueFilter { page: filter.page.max(1), ..filter };
        let scope = TaskQuery::among(&members, &teams);
        let mut tx = self.store.begin_read().await?;
        let counts = TeamCounts::from_tally(&tx.open_task_tally(&members, &teams, today).await?);
        let mut awaiting_authorisation = match counts.awaiting_authorisation {
            0 => Vec::new(),
            _ => tx.open_tasks(&TaskQuery { kinds: &[TaskKind::AssessmentAuthorisation], ..scope }).await?,
        };
        let mut unassigned = match counts.unassigned {
            0 => Vec::new(),
            _ => tx.open_tasks(&TaskQuery { assignee: Some(None), ..scope }).await?,
        };
        let mut overdue = match counts.overdue_of(filter.worker) {
            0 => Vec::new(),
            _ => {
                let offset = (filter.page - 1).saturating_mul(OVERDUE_PER_PAGE);
                tx.open_tasks(&TaskQuery { due_before: Some(today), assignee: filter.worker, limit: Some(OVERDUE_PER_PAGE), offset, ..scope }).await?
            }
        };
        let shown: Vec<&Task> = overdue.iter().chain(&awaiting_authorisation).chain(&unassigned).collect();
        let children = self.children_of_tasks(tx.as_mut(), actor, &shown).await?;
        let listed = shown.len();
        for list in [&mut overdue, &mut awaiting_authorisation, &mut unassigned] {
            list.retain(|t| children.contains_key(&t.child));
        }
        let hidden = listed - overdue.len() - awaiting_authorisation.len() - unassigned.len();
        // Only the members' names: reading every user costs with the size of the LA.
        let users = self.user_names(tx.as_mut(), &members).await?;
        let team_names = tx.teams().await?.into_iter().filter(|t| teams.contains(&t.id)).map(|t| t.name).collect();
        tx.append_audit(&self.draft(Some(actor), "work.team_view", None, Outcome::Allowed)).await?;
        tx.commit().await?;
        Ok(TeamWork { counts, awaiting_authorisation, unassigned, overdue, filter, children, hidden, users, teams: team_names, today })
    }
}
