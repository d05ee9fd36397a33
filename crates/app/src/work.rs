//! Work trays: a worker's open tasks, and a manager's view of their teams' work, derived from
//! the stored tasks on today's date.
use crate::{Actor, App, AppError};
use hearth_domain::audit::Outcome;
use hearth_domain::front_door::tasks::{manager_view, ManagerView, Task, TrayCounts, WorkTray};
use hearth_domain::person::PersonSummary;
use hearth_domain::user::Permission;
use hearth_domain::{PersonId, UserId};
use std::collections::HashMap;
use time::Date;

/// A worker's tray with the children it is about (only those the worker may see are named).
#[derive(Clone, Debug)]
pub struct MyWork {
    pub tray: WorkTray,
    pub children: HashMap<PersonId, PersonSummary>,
    pub today: Date,
}

/// A manager's view of the work of their teams and the people they manage.
#[derive(Clone, Debug)]
pub struct TeamWork {
    pub view: ManagerView,
    /// Open tasks of the teams that nobody holds yet (decisions on contacts, work on cases
    /// not allocated to a worker), by due date.
    pub unassigned: Vec<Task>,
    pub children: HashMap<PersonId, PersonSummary>,
    pub users: HashMap<UserId, String>,
    pub teams: Vec<String>,
    pub today: Date,
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
        let mut tx = self.store.begin().await?;
        let tasks = tx.open_tasks(Some((&[actor.user.id], &[]))).await?;
        let tray = WorkTray::from_tasks(&tasks, today);
        let children = self.children_of_tasks(tx.as_mut(), actor, &tasks.iter().collect::<Vec<_>>()).await?;
        if !tasks.is_empty() {
            tx.append_audit(&self.draft(Some(actor), "work.view", None, Outcome::Allowed)).await?;
        }
        tx.commit().await?;
        Ok(MyWork { tray, children, today })
    }

    /// The counts of the actor's tray, for the home page.
    pub async fn my_work_counts(&self, actor: &Actor) -> Result<TrayCounts, AppError> {
        let mut tx = self.store.begin().await?;
        let tasks = tx.open_tasks(Some((&[actor.user.id], &[]))).await?;
        tx.commit().await?;
        Ok(WorkTray::from_tasks(&tasks, self.today()).counts())
    }

    /// A manager's view: the overdue work of their teams and reports, and the assessments
    /// waiting for authorisation.
    pub async fn team_work(&self, actor: &Actor) -> Result<TeamWork, AppError> {
        self.require(actor, Permission::RecordManagementOversight, "work.team_view").await?;
        let today = self.today();
        let mut members = actor.subject.reports.clone();
        members.push(actor.user.id);
        let teams = actor.subject.teams.clone();
        let mut tx = self.store.begin().await?;
        let tasks = tx.open_tasks(Some((&members, &teams))).await?;
        let view = manager_view(&tasks, &teams, &members, today);
        let unassigned: Vec<Task> = tasks.iter().filter(|t| t.assignee.is_none() && t.team.is_some_and(|x| teams.contains(&x))).cloned().collect();
        let shown: Vec<&Task> = view.overdue.iter().chain(&view.awaiting_authorisation).chain(&unassigned).collect();
        let children = self.children_of_tasks(tx.as_mut(), actor, &shown).await?;
        // Only the members' names: reading every user costs with the size of the LA.
        let users = self.user_names(tx.as_mut(), &members).await?;
        let team_names = tx.teams().await?.into_iter().filter(|t| teams.contains(&t.id)).map(|t| t.name).collect();
        tx.append_audit(&self.draft(Some(actor), "work.team_view", None, Outcome::Allowed)).await?;
        tx.commit().await?;
        Ok(TeamWork { view, unassigned, children, users, teams: team_names, today })
    }
}
