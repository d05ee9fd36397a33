//! The duty rota (seed 001 §7.1.3): who is on duty for a team in each morning and afternoon
//! session of the next two weeks, warned against the pack's minimum of qualified social
//! workers per session.
use crate::{Actor, App, AppError};
use hearth_domain::audit::Outcome;
use hearth_domain::front_door::rota::{cover, sessions, DutySlot, Session, DUTY_MINIMUM_THRESHOLD};
use hearth_domain::user::{Permission, Role, Team, UserRecord};
use hearth_domain::{FieldErrors, TeamId, UserId};
use hearth_store::{RotaEntry, Tx};
use time::Duration;

/// How far ahead the rota page looks: two weeks of calendar days from today.
pub const ROTA_DAYS: i64 = 14;

/// A worker of a team, as the rota shows them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RotaWorker {
    pub user: UserId,
    pub name: String,
    /// A qualified social worker (social worker or team manager): counts towards the minimum.
    pub qualified: bool,
}

#[derive(Clone, Debug)]
pub struct RotaSession {
    pub session: Session,
    pub workers: Vec<RotaWorker>,
    pub qualified: u32,
    pub under_minimum: bool,
}

#[derive(Clone, Debug)]
pub struct Rota {
    pub team: Team,
    /// The teams the actor may look at (their own and those below them).
    pub teams: Vec<Team>,
    pub sessions: Vec<RotaSession>,
    /// The pack's minimum of qualified social workers per session, when it sets one.
    pub minimum: Option<u32>,
    /// The active members of the team, who may be put on the rota.
    pub members: Vec<RotaWorker>,
    /// Whether the actor may add and remove workers.
    pub can_edit: bool,
}

/// A worker put on, or taken off, a session of a team's rota.
#[derive(Clone, Copy, Debug)]
pub struct RotaChange {
    pub team: TeamId,
    pub session: Session,
    pub worker: UserId,
}

fn qualified(role: Role) -> bool {
    matches!(role, Role::SocialWorker | Role::TeamManager)
}

fn worker(u: &UserRecord) -> RotaWorker {
    RotaWorker { user: u.id, name: u.display_name.clone(), qualified: qualified(u.role) }
}

impl Actor {
    /// Managers and business support arrange the rota.
    pub fn can_edit_rota(&self) -> bool {
        self.can(Permission::RecordManagementOversight) || self.subject.role == Role::BusinessSupport
    }
}

impl App {
    /// The team's rota for two weeks of sessions from today (`team` defaults to the actor's).
    pub async fn rota(&self, actor: &Actor, team: Option<TeamId>) -> Result<Rota, AppError> {
        let Some(team) = team.or(actor.subject.team).or_else(|| actor.subject.teams.first().copied()) else {
            return Err(AppError::NotFound);
        };
        if !actor.subject.teams.contains(&team) {
            self.audit_denied(actor, "rota.view", None, Some(team.to_string())).await?;
            return Err(AppError::Forbidden);
        }
        let mut tx = self.store.begin_read().await?;
        let teams = tx.teams().await?;
        let Some(this) = teams.iter().find(|t| t.id == team).cloned() else {
            return Err(AppError::NotFound);
        };
        let users = tx.users().await?;
        let today = self.today();
        let to = today + Duration::days(ROTA_DAYS - 1);
        let entries = tx.rota(team, today, to).await?;
        let mut d = self.draft(Some(actor), "rota.view", None, Outcome::Allowed);
        d.target = Some(team.to_string());
        tx.append_audit(&d).await?;
        tx.commit().await?;

        let ts = &self.config.timescales;
        let slots: Vec<DutySlot> = entries
            .iter()
            .map(|e| DutySlot {
                session: e.session,
                worker: e.worker,
                qualified: users.iter().find(|u| u.id == e.worker).is_some_and(|u| qualified(u.role)),
            })
            .collect();
        let name = |id: UserId| users.iter().find(|u| u.id == id).map(|u| u.display_name.clone()).unwrap_or_default();
        let covers = cover(&sessions(&ts.calendar, today, to), &slots, &ts.pack);
        let sessions = covers
            .into_iter()
            .map(|c| RotaSession {
                session: c.session,
                workers: c.workers.iter().map(|&(user, q)| RotaWorker { user, name: name(user), qualified: q }).collect(),
                qualified: c.qualified,
                under_minimum: c.under_minimum,
            })
            .collect();
        let mut members: Vec<RotaWorker> = users.iter().filter(|u| u.active && u.team == Some(team)).map(worker).collect();
        members.sort_by(|a, b| a.name.cmp(&b.name));
        let mut visible: Vec<Team> = teams.into_iter().filter(|t| actor.subject.teams.contains(&t.id)).collect();
        visible.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(Rota {
            team: this,
            teams: visible,
            sessions,
            minimum: ts.pack.threshold(DUTY_MINIMUM_THRESHOLD).and_then(|t| t.min),
            members,
            can_edit: actor.can_edit_rota(),
        })
    }

    /// Puts a worker of the team on a session of its rota.
    pub async fn add_to_rota(&self, actor: &Actor, change: RotaChange) -> Result<(), AppError> {
        let mut tx = self.rota_change(actor, &change, "rota.add").await?;
        tx.add_to_rota(&RotaEntry { team: change.team, session: change.session, worker: change.worker, added_by: actor.user.id, added_at: self.now() })
            .await?;
        self.audit_rota(tx, actor, &change, "rota.add").await
    }

    /// Takes a worker off a session of the team's rota.
    pub async fn remove_from_rota(&self, actor: &Actor, change: RotaChange) -> Result<(), AppError> {
        let mut tx = self.rota_change(actor, &change, "rota.remove").await?;
        if !tx.remove_from_rota(change.team, change.session, change.worker).await? {
            return Err(AppError::invalid("worker", "That worker is not on duty in that session"));
        }
        self.audit_rota(tx, actor, &change, "rota.remove").await
    }

    /// Authorises and validates a change; answers the transaction to make it in.
    async fn rota_change(&self, actor: &Actor, change: &RotaChange, action: &str) -> Result<Box<dyn Tx>, AppError> {
        if !actor.can_edit_rota() || !actor.subject.teams.contains(&change.team) {
            self.audit_denied(actor, action, None, Some(change.team.to_string())).await?;
            return Err(AppError::Forbidden);
        }
        let mut errors = FieldErrors::new();
        let date = change.session.date;
        if date < self.today() {
            errors.add("date", "The date must be today or in the future");
        } else if !self.config.timescales.calendar.is_working_day(date) {
            errors.add("date", "The date must be a working day (the duty service runs on working days)");
        }
        let mut tx = self.store.begin().await?;
        let member = tx.user(change.worker).await?.is_some_and(|u| u.active && u.team == Some(change.team));
        if !member {
            errors.add("worker", "Choose a worker in this team");
        }
        if !errors.0.is_empty() {
            return Err(AppError::Invalid(errors));
        }
        Ok(tx)
    }

    async fn audit_rota(&self, mut tx: Box<dyn Tx>, actor: &Actor, change: &RotaChange, action: &str) -> Result<(), AppError> {
        let half = match change.session.half {
            hearth_domain::front_door::rota::HalfDay::Am => "am",
            hearth_domain::front_door::rota::HalfDay::Pm => "pm",
        };
        let mut d = self.draft(Some(actor), action, None, Outcome::Allowed);
        d.target = Some(format!("team {} {} {} worker {}", change.team, change.session.date, half, change.worker));
        tx.append_audit(&d).await?;
        tx.commit().await?;
        Ok(())
    }
}
