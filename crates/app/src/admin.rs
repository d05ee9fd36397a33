//! Users and teams, managed by administrators.
use crate::auth::{check_new_password, hash_password_blocking, NO_PASSWORD};
use crate::{Actor, App, AppError};
use hearth_domain::audit::Outcome;
use hearth_domain::user::{Permission, Role, Team, UserRecord};
use hearth_domain::validation::MAX_LINE;
use hearth_domain::{TeamId, UserId};
use hearth_store::StoreError;

/// An account to make: who it is for and what they may do.
#[derive(Clone, Debug)]
pub struct NewAccount {
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub team: Option<TeamId>,
    pub manager: Option<UserId>,
}

/// An account made on the server itself with a known password (the demo, tests, and the
/// command line for whoever runs it with the database in hand).
#[derive(Clone, Debug)]
pub struct NewUser {
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub team: Option<TeamId>,
    pub manager: Option<UserId>,
    pub password: String,
}

impl NewUser {
    fn account(&self) -> NewAccount {
        NewAccount { username: self.username.clone(), display_name: self.display_name.clone(), role: self.role, team: self.team, manager: self.manager }
    }
}

/// What an administrator may change about an account after it is made.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AccountChange {
    pub role: Role,
    pub team: Option<TeamId>,
    pub manager: Option<UserId>,
}

/// A new account and the one-time link its owner sets their password with, shown once.
#[derive(Clone, Debug)]
pub struct CreatedAccount {
    pub user: UserRecord,
    pub setup_token: String,
}

impl App {
    /// Makes an account with no usable password: its owner sets their own (and their
    /// authenticator) with the one-time set-up link returned, valid for 72 hours, so no
    /// administrator ever knows a password that works. `actor`: the administrator (`None`:
    /// the command line).
    pub async fn create_account(&self, actor: Option<&Actor>, new: NewAccount) -> Result<CreatedAccount, AppError> {
        if let Some(a) = actor {
            self.require(a, Permission::ManageUsers, "user.create").await?;
        }
        let mut tx = self.store.begin().await?;
        let user = self.insert_account(tx.as_mut(), actor, new, NO_PASSWORD.to_string()).await?;
        let setup_token = self.issue_setup_link(tx.as_mut(), actor, user.id).await?;
        tx.commit().await?;
        Ok(CreatedAccount { user, setup_token })
    }

    /// Makes an account with a known password, by the system itself: the demo, tests, and
    /// `hearth user add` with `HEARTH_NEW_PASSWORD`. Never reachable from the web.
    pub async fn add_user(&self, new: NewUser) -> Result<UserRecord, AppError> {
        check_new_password(&new.password, &[&new.username, &new.display_name])?;
        let hash = hash_password_blocking(&new.password).await?;
        let mut tx = self.store.begin().await?;
        let user = self.insert_account(tx.as_mut(), None, new.account(), hash).await?;
        tx.commit().await?;
        Ok(user)
    }

    /// A new set-up link for an existing account (the first expired, or the password is
    /// forgotten): the earlier link stops working. The password stays as it is until the
    /// link is used.
    pub async fn reissue_setup_link(&self, actor: &Actor, id: UserId) -> Result<(UserRecord, String), AppError> {
        self.require(actor, Permission::ManageUsers, "user.setup_link").await?;
        let mut tx = self.store.begin().await?;
        let user = tx.user(id).await?.filter(|u| u.active).ok_or(AppError::NotFound)?;
        let token = self.issue_setup_link(tx.as_mut(), Some(actor), user.id).await?;
        tx.commit().await?;
        Ok((user, token))
    }

    /// The newest set-up link of each account, for the administrators' page.
    pub async fn setup_links(&self, actor: &Actor) -> Result<Vec<hearth_store::SetupLinkRecord>, AppError> {
        self.require(actor, Permission::ManageUsers, "user.list").await?;
        let mut tx = self.store.begin_read().await?;
        let links = tx.latest_setup_links().await?;
        tx.commit().await?;
        Ok(links)
    }

    async fn insert_account(&self, tx: &mut dyn hearth_store::Tx, actor: Option<&Actor>, new: NewAccount, password_hash: String) -> Result<UserRecord, AppError> {
        let username = new.username.trim().to_lowercase();
        if username.is_empty() || username.len() > 64 || !username.chars().all(|c| c.is_ascii_alphanumeric() || "._-@".contains(c)) {
            return Err(AppError::invalid("username", "Enter a username of letters, digits and . _ - @ only, 64 characters or fewer"));
        }
        let display = new.display_name.trim();
        if display.is_empty() || display.chars().count() > MAX_LINE {
            return Err(AppError::invalid("display_name", "Enter the person's name"));
        }
        let user = UserRecord {
            id: UserId::new(),
            username,
            display_name: display.to_string(),
            role: new.role,
            team: new.team,
            manager: new.manager,
            password_hash,
            totp_secret: None,
            totp_last_step: 0,
            failed_logins: 0,
            locked_until: None,
            active: true,
            created_at: self.now(),
        };
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
        d.reason = Some(format!("role {}", user.role.code()));
        tx.append_audit(&d).await?;
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
        let mut tx = self.store.begin_read().await?;
        let t = tx.teams().await?;
        tx.commit().await?;
        Ok(t)
    }

    /// Every user, for administrators (and for pickers of managers and access lists).
    pub async fn users(&self, actor: &Actor) -> Result<Vec<UserRecord>, AppError> {
        if !(actor.can(Permission::ManageUsers) || actor.can(Permission::ManageRestrictions)) {
            self.audit_denied(actor, "user.list", None, None).await?;
            return Err(AppError::Forbidden);
        }
        let mut tx = self.store.begin_read().await?;
        let mut u = tx.users().await?;
        tx.commit().await?;
        u.sort_by(|a, b| a.display_name.cmp(&b.display_name));
        Ok(u)
    }

    /// Turns an account off or on; turning it off signs it out everywhere and revokes its
    /// API tokens.
    pub async fn set_user_active(&self, actor: &Actor, id: UserId, active: bool) -> Result<(), AppError> {
        self.require(actor, Permission::ManageUsers, "user.update").await?;
        if id == actor.user.id && !active {
            return Err(AppError::invalid("active", "You cannot deactivate your own account"));
        }
        let mut tx = self.store.begin().await?;
        let mut user = tx.user(id).await?.ok_or(AppError::NotFound)?;
        user.active = active;
        tx.update_user(&user).await?;
        let mut d = self.draft(Some(actor), if active { "user.activate" } else { "user.deactivate" }, None, Outcome::Allowed);
        d.target = Some(id.to_string());
        if !active {
            let sessions = tx.delete_user_sessions(id).await?;
            let tokens = tx.revoke_user_api_tokens(id, self.now()).await?;
            d.reason = Some(format!("{sessions} sessions ended, {tokens} API tokens revoked"));
        }
        tx.append_audit(&d).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Clears a user's authenticator so they enrol again at next sign-in (lost phone); their
    /// sessions end and their API tokens are revoked.
    pub async fn reset_mfa(&self, actor: &Actor, id: UserId) -> Result<(), AppError> {
        self.require(actor, Permission::ManageUsers, "user.reset_mfa").await?;
        let mut tx = self.store.begin().await?;
        let mut user = tx.user(id).await?.ok_or(AppError::NotFound)?;
        user.totp_secret = None;
        tx.update_user(&user).await?;
        let sessions = tx.delete_user_sessions(id).await?;
        let tokens = tx.revoke_user_api_tokens(id, self.now()).await?;
        let mut d = self.draft(Some(actor), "user.reset_mfa", None, Outcome::Allowed);
        d.target = Some(id.to_string());
        d.reason = Some(format!("{sessions} sessions ended, {tokens} API tokens revoked"));
        tx.append_audit(&d).await?;
        tx.commit().await?;
        Ok(())
    }
}

impl App {
    /// Changes an account's role, team or line manager. A role change takes effect on the
    /// user's next request (and is listed with new accounts on the service managers' page
    /// when the role reads records LA-wide); a team or manager change moves whose cases
    /// their managers see. Nobody changes their own role, and a manager cannot be someone
    /// the user manages, directly or through others.
    pub async fn change_account(&self, actor: &Actor, id: UserId, change: AccountChange) -> Result<(), AppError> {
        self.require(actor, Permission::ManageUsers, "user.change").await?;
        let mut tx = self.store.begin().await?;
        let mut user = tx.user(id).await?.ok_or(AppError::NotFound)?;
        let mut e = hearth_domain::FieldErrors::new();
        if id == actor.user.id && change.role != user.role {
            e.add("role", "You cannot change your own role: ask another administrator");
        }
        let teams = tx.teams().await?;
        if change.team.is_some_and(|t| !teams.iter().any(|x| x.id == t)) {
            e.add("team", "Choose a team that exists");
        }
        let mut manager_name = None;
        if let Some(m) = change.manager {
            match tx.user(m).await? {
                _ if m == id => e.add("manager", "A person cannot be their own line manager"),
                Some(u) if u.active => {
                    // Up the new manager's chain: meeting the user would make a loop.
                    let mut above = u.manager;
                    let mut seen = vec![m];
                    while let Some(next) = above.filter(|n| !seen.contains(n)) {
                        if next == id {
                            e.add("manager", format!("{} is managed by {}, directly or through others: choose someone above them", u.display_name, user.display_name));
                            break;
                        }
                        seen.push(next);
                        above = tx.user(next).await?.and_then(|x| x.manager);
                    }
                    manager_name = Some(u.display_name);
                }
                _ => e.add("manager", "Choose a line manager whose account is active"),
            }
        }
        e.into_result()?;
        let team_name = |t: Option<TeamId>| t.and_then(|t| teams.iter().find(|x| x.id == t)).map_or("no team".to_string(), |t| t.name.clone());
        let mut what = Vec::new();
        if change.role != user.role {
            what.push(format!("role {} → {}", user.role.label(), change.role.label()));
        }
        if change.team != user.team {
            what.push(format!("team {} → {}", team_name(user.team), team_name(change.team)));
        }
        if change.manager != user.manager {
            let old = match user.manager {
                Some(m) => tx.user(m).await?.map_or("an unknown user".to_string(), |u| u.display_name),
                None => "no manager".to_string(),
            };
            what.push(format!("manager {old} → {}", manager_name.as_deref().unwrap_or("no manager")));
        }
        if what.is_empty() {
            return Ok(());
        }
        // A role change has its own action, so the grants of LA-wide roles can find it.
        let action = if change.role != user.role { "user.change_role" } else { "user.change" };
        user.role = change.role;
        user.team = change.team;
        user.manager = change.manager;
        tx.update_user(&user).await?;
        let mut d = self.draft(Some(actor), action, None, Outcome::Allowed);
        d.target = Some(id.to_string());
        d.reason = Some(what.join("; "));
        tx.append_audit(&d).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Lifts a lock after repeated failed sign-ins, before it runs out.
    pub async fn unlock_user(&self, actor: &Actor, id: UserId) -> Result<(), AppError> {
        self.require(actor, Permission::ManageUsers, "user.unlock").await?;
        let mut tx = self.store.begin().await?;
        let mut user = tx.user(id).await?.ok_or(AppError::NotFound)?;
        user.locked_until = None;
        user.failed_logins = 0;
        tx.update_user(&user).await?;
        let mut d = self.draft(Some(actor), "user.unlock", None, Outcome::Allowed);
        d.target = Some(id.to_string());
        tx.append_audit(&d).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Accounts given a role that reads records LA-wide in the last `days` days, for the
    /// service managers' home page (empty for everyone else).
    pub async fn la_wide_grants(&self, actor: &Actor, days: i64) -> Result<Vec<hearth_store::RoleGrant>, AppError> {
        if !(actor.can(Permission::ViewAllRecords) && actor.can(Permission::RecordManagementOversight)) {
            return Ok(Vec::new());
        }
        let roles: Vec<Role> = Role::ALL.iter().copied().filter(|r| r.reads_la_wide()).collect();
        let mut tx = self.store.begin_read().await?;
        let grants = tx.role_grants_since(self.now() - time::Duration::days(days), &roles).await?;
        tx.commit().await?;
        Ok(grants)
    }
}
