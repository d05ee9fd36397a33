//! Caseloads: how many children each worker holds, against the pack's threshold.
use crate::{Actor, App, AppError};
use hearth_domain::audit::Outcome;
use hearth_domain::user::{Permission, Role};
use hearth_domain::front_door::allocation::{caseload_status, CaseloadLevel, CASELOAD_THRESHOLD};
use hearth_domain::UserId;

#[derive(Clone, Debug)]
pub struct CaseloadRow {
    pub user: UserId,
    pub name: String,
    pub role: Role,
    pub team: Option<String>,
    pub children: i64,
    /// Against the threshold, for social workers (the threshold is per qualified social
    /// worker), when the pack sets one.
    pub status: Option<CaseloadLevel>,
}

#[derive(Clone, Debug)]
pub struct Caseloads {
    pub rows: Vec<CaseloadRow>,
    /// Children allocated to a team without a worker yet, by team name.
    pub unallocated: Vec<(String, i64)>,
    pub min: Option<u32>,
    pub max: Option<u32>,
    /// The pack the threshold comes from ("bath-ne-somerset 2026.1").
    pub pack: String,
}

/// A worker a case can be allocated to, with what they hold now.
#[derive(Clone, Debug)]
pub struct AllocationChoice {
    pub user: UserId,
    pub name: String,
    pub children: i64,
    pub status: Option<CaseloadLevel>,
}

impl App {
    /// The teams and, in each, the people a case can be allocated to (active social workers
    /// and team managers), with their current caseloads against the pack's threshold, for
    /// the allocation form. Teams by name; people by caseload, lightest first.
    pub async fn allocation_choices(&self, actor: &Actor) -> Result<Vec<(hearth_domain::user::Team, Vec<AllocationChoice>)>, AppError> {
        self.require(actor, Permission::RecordManagementOversight, "allocation.view").await?;
        let mut tx = self.store.begin_read().await?;
        let mut teams = tx.teams().await?;
        let holders: Vec<_> = tx.users().await?.into_iter().filter(|u| u.active && matches!(u.role, Role::SocialWorker | Role::TeamManager)).collect();
        let ids: Vec<UserId> = holders.iter().map(|u| u.id).collect();
        let counts = tx.caseloads(&ids).await?;
        tx.commit().await?;
        let threshold = self.config.timescales.pack.threshold(CASELOAD_THRESHOLD).cloned();
        teams.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(teams
            .into_iter()
            .map(|t| {
                let mut people: Vec<AllocationChoice> = holders
                    .iter()
                    .filter(|u| u.team == Some(t.id))
                    .map(|u| {
                        let children = counts.iter().find(|(w, _)| *w == u.id).map_or(0, |(_, n)| *n);
                        let status = threshold.as_ref().filter(|_| u.role == Role::SocialWorker).map(|th| caseload_status(u32::try_from(children).unwrap_or(u32::MAX), Some(th)).level);
                        AllocationChoice { user: u.id, name: u.display_name.clone(), children, status }
                    })
                    .collect();
                people.sort_by(|a, b| a.children.cmp(&b.children).then(a.name.cmp(&b.name)));
                (t, people)
            })
            .collect())
    }

    /// The caseloads of everyone below a manager in the management chain.
    pub async fn caseloads(&self, actor: &Actor) -> Result<Caseloads, AppError> {
        self.require(actor, Permission::RecordManagementOversight, "caseloads.view").await?;
        let mut tx = self.store.begin_read().await?;
        let workers = actor.subject.reports.clone();
        let counts = tx.caseloads(&workers).await?;
        let unallocated = tx.unallocated_children(&actor.subject.teams).await?;
        let users = tx.users().await?;
        let teams = tx.teams().await?;
        tx.append_audit(&self.draft(Some(actor), "caseloads.view", None, Outcome::Allowed)).await?;
        tx.commit().await?;
        let threshold = self.config.timescales.pack.threshold(CASELOAD_THRESHOLD).cloned();
        let team_name = |t: Option<hearth_domain::TeamId>| t.and_then(|t| teams.iter().find(|x| x.id == t)).map(|t| t.name.clone());
        let mut rows: Vec<CaseloadRow> = users
            .iter()
            // Only roles that hold cases.
            .filter(|u| workers.contains(&u.id) && u.active && matches!(u.role, Role::SocialWorker | Role::TeamManager))
            .map(|u| {
                let children = counts.iter().find(|(w, _)| *w == u.id).map_or(0, |(_, n)| *n);
                let status = threshold
                    .as_ref()
                    .filter(|_| u.role == Role::SocialWorker)
                    .map(|t| caseload_status(u32::try_from(children).unwrap_or(u32::MAX), Some(t)).level);
                CaseloadRow { user: u.id, name: u.display_name.clone(), role: u.role, team: team_name(u.team), children, status }
            })
            .collect();
        rows.sort_by(|a, b| a.team.cmp(&b.team).then(b.children.cmp(&a.children)).then(a.name.cmp(&b.name)));
        let mut unallocated: Vec<(String, i64)> = unallocated.into_iter().map(|(t, n)| (team_name(Some(t)).unwrap_or_default(), n)).collect();
        unallocated.sort();
        let pack = &self.config.timescales.pack;
        Ok(Caseloads {
            rows,
            unallocated,
            min: threshold.as_ref().and_then(|t| t.min),
            max: threshold.as_ref().and_then(|t| t.max),
            pack: threshold.map(|t| t.defined_by.to_string()).unwrap_or_else(|| format!("{} {}", pack.name, pack.version)),
        })
    }
}

/// The children a manager's worker holds, as the manager may see them.
#[derive(Clone, Debug)]
pub struct WorkerCases {
    pub name: String,
    pub children: Vec<hearth_domain::person::PersonSummary>,
    /// Children the worker holds that are restricted from the manager: counted, not listed.
    pub hidden: i64,
    pub today: time::Date,
}

impl App {
    /// The children allocated to `worker`, for their manager (someone below the actor in
    /// the management chain; anyone else is not found). Restricted children that do not
    /// name the manager are counted, not listed.
    pub async fn worker_cases(&self, actor: &Actor, worker: UserId) -> Result<WorkerCases, AppError> {
        self.require(actor, Permission::RecordManagementOversight, "caseloads.view").await?;
        if !actor.subject.reports.contains(&worker) {
            return Err(AppError::NotFound);
        }
        let mut tx = self.store.begin_read().await?;
        let name = tx.user(worker).await?.map(|u| u.display_name).ok_or(AppError::NotFound)?;
        let children = tx.cases_of(worker, &actor.subject.scope(), self.now(), 5_000).await?;
        let held = tx.caseloads(&[worker]).await?.first().map_or(0, |(_, n)| *n);
        let mut d = self.draft(Some(actor), "caseloads.view", None, Outcome::Allowed);
        d.target = Some(worker.to_string());
        tx.append_audit(&d).await?;
        tx.commit().await?;
        let hidden = held - i64::try_from(children.len()).unwrap_or(i64::MAX);
        Ok(WorkerCases { name, children, hidden: hidden.max(0), today: self.today() })
    }

    /// The children allocated to the actor, for their home page.
    pub async fn my_cases(&self, actor: &Actor, limit: u32) -> Result<Vec<hearth_domain::person::PersonSummary>, AppError> {
        if !actor.can(Permission::ViewRecords) {
            return Ok(Vec::new());
        }
        let mut tx = self.store.begin_read().await?;
        let children = tx.children_of_worker(&actor.subject.scope(), self.now(), limit).await?;
        if !children.is_empty() {
            tx.append_audit(&self.draft(Some(actor), "person.list_allocated", None, Outcome::Allowed)).await?;
        }
        tx.commit().await?;
        Ok(children)
    }
}
