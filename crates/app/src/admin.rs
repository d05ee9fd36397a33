//! Users and teams, managed by administrators.
use crate::auth::{check_new_password, hash_password};
use crate::{Actor, App, AppError};
use hearth_domain::audit::Outcome;
use hearth_domain::user::{Permission, Role, Team, UserRecord};
use hearth_domain::validation::MAX_LINE;
use hearth_domain::{TeamId, UserId};
use hearth_store::StoreError;

#[derive(Clone, Debug)]
pub struct NewUser {
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub team: Option<TeamId>,
    pub manager: Option<UserId>,
    pub password: String,
}

impl App {
    /// Creates a user; `actor` is `None` when the system does it (CLI, demo).
    pub async fn add_user(&self, actor: Option<&Actor>, new: NewUser) -> Result<UserRecord, AppError> {
        if let Some(a) = actor {
            self.require(a, Permission::ManageUsers, "user.create").await?;
        }
        let username = new.username.trim().to_lowercase();
        if username.is_empty() || username.len() > 64 || !username.chars().all(|c| c.is_ascii_alphanumeric() || "._-@".contains(c)) {
            return Err(AppError::invalid("username", "Enter a username of letters, digits and . _ - @ only, 64 characters or fewer"));
        }
        let display = new.display_name.trim();
        if display.is_empty() || display.chars().count() > MAX_LINE {
            return Err(AppError::invalid("display_name", "Enter the person's name"));
        }
        check_new_password(&new.password)?;
        let user = UserRecord {
            id: UserId::new(),
            username,
            display_name: display.to_string(),
            role: new.role,
            team: new.team,
            manager: new.manager,
            password_hash: hash_password(&new.password)?,
            totp_secret: None,
            failed_logins: 0,
            locked_until: None,
            active: true,
            created_at: self.now(),
        };
        let mut tx = self.store.begin().await?;
        if let Some(t) = new.team
            && !tx.teams().await?.iter().any(|x| x.id == t) {
                return Err(AppError::invalid("team", "Choose a team that exists"));
            }
        if let Some(m) = new.manager
            && tx.user(m).await?.is_none() {
                return Err(AppError::invalid("manager", "Choose a manager who exists"));
            }
        match tx.insert_user(&user).await {
            Err(StoreError::Duplicate(_)) => return Err(AppError::invalid("username", "That username is already taken")),
            other => other?,
        }
        let mut d = self.draft(actor, "user.create", None, Outcome::Allowed);
        d.target = Some(user.id.to_string());
        tx.append_audit(&d).await?;
        tx.commit().await?;
        Ok(user)
    }

    pub async fn add_team(&self, actor: Option<&Actor>, name: &str) -> Result<Team, AppError> {
        if let Some(a) = actor {
            self.require(a, Permission::ManageUsers, "team.create").await?;
        }
        let name = name.trim();
        if name.is_empty() || name.chars().count() > MAX_LINE {
            return Err(AppError::invalid("name", "Enter the team's name"));
        }
        let team = Team { id: TeamId::new(), name: name.to_string() };
        let mut tx = self.store.begin().await?;
        if tx.teams().await?.iter().any(|t| t.name.eq_ignore_ascii_case(name)) {
            return Err(AppError::invalid("name", "A team with that name already exists"));
        }
        tx.insert_team(&team).await?;
        let mut d = self.draft(actor, "team.create", None, Outcome::Allowed);
        d.target = Some(team.id.to_string());
        tx.append_audit(&d).await?;
        tx.commit().await?;
        Ok(team)
    }

    pub async fn teams(&self) -> Result<Vec<Team>, AppError> {
        let mut tx = self.store.begin().await?;
        let t = tx.teams().await?;
        tx.commit().await?;
        Ok(t)
    }

    /// Every user, for administrators (and for pickers of managers and access lists).
    pub async fn users(&self, actor: &Actor) -> Result<Vec<UserRecord>, AppError> {
        if !(actor.can(Permission::ManageUsers) || actor.can(Permission::ManageRestrictions)) {
            return Err(AppError::Forbidden);
        }
        let mut tx = self.store.begin().await?;
        let mut u = tx.users().await?;
        tx.commit().await?;
        u.sort_by(|a, b| a.display_name.cmp(&b.display_name));
        Ok(u)
    }

    /// Turns an account off or on; turning it off signs it out everywhere.
    pub async fn set_user_active(&self, actor: &Actor, id: UserId, active: bool) -> Result<(), AppError> {
        self.require(actor, Permission::ManageUsers, "user.update").await?;
        if id == actor.user.id && !active {
            return Err(AppError::invalid("active", "You cannot deactivate your own account"));
        }
        let mut tx = self.store.begin().await?;
        let mut user = tx.user(id).await?.ok_or(AppError::NotFound)?;
        user.active = active;
        tx.update_user(&user).await?;
        if !active {
            tx.delete_user_sessions(id).await?;
        }
        let mut d = self.draft(Some(actor), if active { "user.activate" } else { "user.deactivate" }, None, Outcome::Allowed);
        d.target = Some(id.to_string());
        tx.append_audit(&d).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Clears a user's authenticator so they enrol again at next sign-in (lost phone).
    pub async fn reset_mfa(&self, actor: &Actor, id: UserId) -> Result<(), AppError> {
        self.require(actor, Permission::ManageUsers, "user.reset_mfa").await?;
        let mut tx = self.store.begin().await?;
        let mut user = tx.user(id).await?.ok_or(AppError::NotFound)?;
        user.totp_secret = None;
        tx.update_user(&user).await?;
        tx.delete_user_sessions(id).await?;
        let mut d = self.draft(Some(actor), "user.reset_mfa", None, Outcome::Allowed);
        d.target = Some(id.to_string());
        tx.append_audit(&d).await?;
        tx.commit().await?;
        Ok(())
    }
}
