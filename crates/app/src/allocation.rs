//! Allocating a child's case to a team and a worker, and transferring it, with history.
use crate::{Actor, App, AppError};
use hearth_domain::audit::Outcome;
use hearth_domain::front_door::allocation::{Allocation, CaseAllocations};
use hearth_domain::front_door::AllocationId;
use hearth_domain::person::PersonRecord;
use hearth_domain::user::{Permission, Role};
use hearth_domain::{PersonId, TeamId, UserId};
use time::{Date, Duration};

/// How far ahead a transfer can be planned.
pub const PLAN_AHEAD: Duration = Duration::days(92);

/// A child's allocation history with the names a page shows.
#[derive(Clone, Debug)]
pub struct AllocationView {
    pub record: PersonRecord,
    /// Newest first, each with its team's and worker's names.
    pub history: Vec<(Allocation, String, Option<String>)>,
    /// The planned transfer (the newest in the history), not yet applied.
    pub planned: Option<AllocationId>,
}

impl App {
    /// The history, starting from the record's creation when allocations were not yet
    /// recorded separately (records made before allocation history, or generated).
    async fn history_in(&self, tx: &mut dyn hearth_store::Tx, record: &PersonRecord) -> Result<CaseAllocations, AppError> {
        let mut h = CaseAllocations { child: record.id, history: tx.allocations_of(record.id).await? };
        if h.history.is_empty()
            && let Some(team) = record.allocation.team {
                h.history.push(Allocation {
                    id: AllocationId::new(),
                    team,
                    worker: record.allocation.worker,
                    from: hearth_domain::local_time::uk_local(record.created_at).date(),
                    to: None,
                    allocated_by: record.created_by,
                    reason: Some("Allocated when the record was created".into()),
                });
            }
        Ok(h)
    }

    pub async fn allocations(&self, actor: &Actor, person: PersonId) -> Result<AllocationView, AppError> {
        let (mut tx, record, _) = self.with_read(actor, person, "allocation.view").await?;
        let h = self.history_in(tx.as_mut(), &record).await?;
        let planned = tx.planned_allocation(person).await?.map(|a| a.id);
        let teams = tx.teams().await?;
        let users = tx.users().await?;
        tx.commit().await?;
        let history = h
            .history
            .into_iter()
            .rev()
            .map(|a| {
                let team = teams.iter().find(|t| t.id == a.team).map(|t| t.name.clone()).unwrap_or_default();
                let worker = a.worker.and_then(|w| users.iter().find(|u| u.id == w)).map(|u| u.display_name.clone());
                (a, team, worker)
            })
            .collect();
        Ok(AllocationView { record, history, planned })
    }

    /// Allocates or transfers a case from `from`. Managers do this; the worker must belong to
    /// the team; the previous allocation ends the day before, and nothing is deleted. A
    /// transfer dated ahead (up to three months) is planned: who may see the record changes
    /// on its first day, when housekeeping applies it; until then it can be called off.
    pub async fn allocate(&self, actor: &Actor, person: PersonId, team: TeamId, worker: Option<UserId>, from: Date, reason: Option<String>) -> Result<(), AppError> {
        self.require(actor, Permission::RecordManagementOversight, "allocation.change").await?;
        let planned = from > self.today();
        if from > self.today() + PLAN_AHEAD {
            return Err(AppError::invalid("from", "A transfer can be planned up to three months ahead"));
        }
        let (mut tx, record, _) = self.with_open(actor, person, "allocation.change").await?;
        if record.details.kind != hearth_domain::person::PersonKind::Child {
            return Err(AppError::invalid("team", "Only a child's case is allocated"));
        }
        if !tx.teams().await?.iter().any(|t| t.id == team) {
            return Err(AppError::invalid("team", "Choose a team"));
        }
        if let Some(w) = worker {
            let ok = tx.user(w).await?.is_some_and(|u| u.active && u.team == Some(team) && matches!(u.role, Role::SocialWorker | Role::TeamManager));
            if !ok {
                return Err(AppError::invalid("worker", "Choose a social worker or manager in that team"));
            }
        }
        if let Some(p) = tx.planned_allocation(person).await? {
            let msg = format!("A transfer is already planned from {}: call it off before making another change", hearth_domain::history::long_date(&p.from));
            return Err(AppError::invalid("from", &msg));
        }
        let stored = tx.allocations_of(person).await?;
        let mut h = self.history_in(tx.as_mut(), &record).await?;
        // A history made up from the record is stored before it is ended.
        if stored.is_empty()
            && let Some(first) = h.history.first().cloned() {
                tx.allocate(person, None, &first).await?;
            }
        let ended = h.current().map(|a| a.id);
        let reason = reason.map(|r| r.trim().to_string()).filter(|r| !r.is_empty());
        let new = h.allocate(team, worker, from, actor.user.id, reason.clone())?.clone();
        let ended = ended.and_then(|id| h.history.iter().find(|a| a.id == id)).and_then(|a| a.to.map(|to| (a.id, to)));
        if planned {
            tx.plan_allocation(person, ended, &new).await?;
        } else {
            tx.allocate(person, ended, &new).await?;
            self.follow_allocation(tx.as_mut(), actor.user.id, person, new.team, new.worker).await?;
        }
        let mut d = self.draft(Some(actor), if planned { "allocation.plan" } else { "allocation.change" }, Some(person), Outcome::Allowed);
        d.target = Some(new.id.to_string());
        d.reason = reason;
        tx.append_audit(&d).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Calls off a planned transfer: the current allocation runs on.
    pub async fn cancel_planned_allocation(&self, actor: &Actor, person: PersonId) -> Result<(), AppError> {
        self.require(actor, Permission::RecordManagementOversight, "allocation.cancel").await?;
        let (mut tx, _, _) = self.with_open(actor, person, "allocation.cancel").await?;
        let Some(plan) = tx.planned_allocation(person).await? else {
            return Err(AppError::invalid("from", "No transfer is planned"));
        };
        tx.cancel_planned_allocation(person).await?;
        let mut d = self.draft(Some(actor), "allocation.cancel", Some(person), Outcome::Allowed);
        d.target = Some(plan.id.to_string());
        tx.append_audit(&d).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Applies the planned transfers whose first day has come (in housekeeping's
    /// transaction): access and the open tasks follow, each audited as the system's.
    pub(crate) async fn apply_planned_allocations(&self, tx: &mut dyn hearth_store::Tx) -> Result<u64, AppError> {
        let applied = tx.apply_due_allocations(self.today()).await?;
        for (child, a) in &applied {
            self.follow_allocation(tx, a.allocated_by, *child, a.team, a.worker).await?;
            let mut d = self.draft(None, "allocation.apply", Some(*child), Outcome::Allowed);
            d.target = Some(a.id.to_string());
            tx.append_audit(&d).await?;
        }
        Ok(applied.len() as u64)
    }
}
