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

impl App {
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

impl App {
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
