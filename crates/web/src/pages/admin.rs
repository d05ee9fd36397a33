//! User and team administration.
use super::people::options_from;
use super::{layout, parse_id};
use crate::error::{render, WebError};
use crate::forms::FormData;
use crate::layout::Layout;
use crate::session::{Signed, Visitor};
use crate::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use hearth_app::{AccountChange, Actor, AppError, NewAccount};
use hearth_store::SetupLinkRecord;
use hearth_domain::user::{Permission, Role, Team, UserRecord};
use hearth_domain::{FieldErrors, UserId};
use serde::Deserialize;

#[derive(Template)]
#[template(path = "admin_users.html")]
struct UsersPage {
    layout: Layout,
    users: Vec<UserRecord>,
    teams: Vec<Team>,
    links: Vec<SetupLinkRecord>,
    /// A set-up link just made, shown once: (whose, the link's path).
    new_link: Option<(String, String)>,
    now: time::OffsetDateTime,
    form: FormData,
    errors: FieldErrors,
    /// The list's filter, and how many accounts there are in all.
    filter: UserFilter,
    total: usize,
}

/// `?q=&role=&team=&status=` of the users page: each narrows the list; blank is any.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct UserFilter {
    #[serde(default)]
    q: String,
    #[serde(default)]
    role: String,
    /// A team's id, or `none` for accounts without a team.
    #[serde(default)]
    team: String,
    /// `active`, `deactivated`, `locked` or `not_set_up`.
    #[serde(default)]
    status: String,
}

impl UsersPage {
    /// Whether `u` is listed under the filter.
    fn shows(&self, u: &UserRecord) -> bool {
        let f = &self.filter;
        let q = f.q.trim().to_lowercase();
        (q.is_empty() || u.display_name.to_lowercase().contains(&q) || u.username.to_lowercase().contains(&q))
            && (f.role.is_empty() || u.role.code() == f.role)
            && match f.team.as_str() {
                "" => true,
                "none" => u.team.is_none(),
                t => u.team.is_some_and(|x| x.to_string() == t),
            }
            && match f.status.as_str() {
                "active" => u.active,
                "deactivated" => !u.active,
                "locked" => self.locked(u).is_some(),
                "not_set_up" => self.waiting(u).is_some(),
                _ => true,
            }
    }

    fn roles(&self) -> Vec<(&'static str, &'static str)> {
        Role::ALL.iter().map(|r| (r.code(), r.label())).collect()
    }

    fn team_name(&self, id: &Option<hearth_domain::TeamId>) -> String {
        id.and_then(|t| self.teams.iter().find(|x| x.id == t)).map(|t| t.name.clone()).unwrap_or_default()
    }

    /// Locked after failed sign-ins, until when.
    fn locked(&self, u: &UserRecord) -> Option<String> {
        u.locked_until.filter(|t| *t > self.now).map(|t| super::people::when(&t))
    }

    /// An account whose owner has not used their set-up link yet: until when it works.
    fn waiting(&self, u: &UserRecord) -> Option<(bool, String)> {
        if u.password_hash != hearth_app::auth::NO_PASSWORD {
            return None;
        }
        let link = self.links.iter().find(|l| l.user == u.id)?;
        let live = link.used_at.is_none() && link.expires_at > self.now;
        Some((live, super::people::when(&link.expires_at)))
    }
}

async fn users_page(s: &AppState, actor: &Actor, v: &Visitor, new_link: Option<(String, String)>, form: FormData, errors: FieldErrors, status: StatusCode) -> Result<Response, WebError> {
    filtered_users_page(s, actor, v, (new_link, UserFilter::default()), form, errors, status).await
}

async fn filtered_users_page(s: &AppState, actor: &Actor, v: &Visitor, (new_link, filter): (Option<(String, String)>, UserFilter), form: FormData, errors: FieldErrors, status: StatusCode) -> Result<Response, WebError> {
    s.app.require(actor, Permission::ManageUsers, "user.list").await?;
    let users = s.app.users(actor).await?;
    let teams = s.app.teams().await?;
    let links = s.app.setup_links(actor).await?;
    let total = users.len();
    let mut page = UsersPage { layout: layout(v, "Users and teams"), users, teams, links, new_link, now: s.app.now(), form, errors, filter, total };
    let users = std::mem::take(&mut page.users);
    page.users = users.into_iter().filter(|u| page.shows(u)).collect();
    Ok(render(status, &page))
}

pub async fn users(State(s): State<AppState>, Signed { actor, .. }: Signed, v: Visitor, Query(filter): Query<UserFilter>) -> Result<Response, WebError> {
    filtered_users_page(&s, &actor, &v, (None, filter), FormData::default(), FieldErrors::new(), StatusCode::OK).await
}

/// A set-up link as the administrator gives it to its owner: the whole address when Hearth
/// knows it (`public_url`), else the path.
fn setup_link_text(s: &AppState, token: &str) -> String {
    format!("{}/setup/{token}", s.config.public_url.as_deref().unwrap_or(""))
}

/// The lists an account's role, team and line manager are chosen from.
struct AccountChoices {
    roles: Vec<(String, String)>,
    teams: Vec<(String, String)>,
    managers: Vec<(String, String)>,
}

/// Every role, team and active account (but `except`, the account being changed).
fn account_choices(teams: &[Team], users: &[UserRecord], except: Option<UserId>) -> AccountChoices {
    AccountChoices {
        roles: Role::ALL.iter().map(|r| (r.code().to_string(), r.label().to_string())).collect(),
        teams: options_from("No team", teams.iter().map(|t| (t.id.to_string(), t.name.clone()))),
        managers: options_from(
            "No manager",
            users.iter().filter(|u| u.active && Some(u.id) != except).map(|u| (u.id.to_string(), format!("{} ({})", u.display_name, u.role.label()))),
        ),
    }
}

#[derive(Template)]
#[template(path = "admin_user_new.html")]
struct NewUserPage {
    layout: Layout,
    form: FormData,
    errors: FieldErrors,
    choices: AccountChoices,
}

async fn new_user_form(s: &AppState, actor: &Actor, v: &Visitor, form: FormData, errors: FieldErrors, status: StatusCode) -> Result<Response, WebError> {
    s.app.require(actor, Permission::ManageUsers, "user.create").await?;
    let teams = s.app.teams().await?;
    let users = s.app.users(actor).await?;
    let mut choices = account_choices(&teams, &users, None);
    choices.roles.insert(0, (String::new(), "Choose a role".to_string()));
    let page = NewUserPage { layout: layout(v, "Add a user"), form, errors, choices };
    Ok(render(status, &page))
}

pub async fn new_user_page(State(s): State<AppState>, Signed { actor, .. }: Signed, v: Visitor) -> Result<Response, WebError> {
    new_user_form(&s, &actor, &v, FormData::default(), FieldErrors::new(), StatusCode::OK).await
}

pub async fn create_user(State(s): State<AppState>, Signed { actor, .. }: Signed, v: Visitor, form: FormData) -> Result<Response, WebError> {
    let mut errors = FieldErrors::new();
    let role = Role::from_code(form.get("role"));
    if role.is_none() {
        errors.add("role", "Choose a role");
    }
    let team = form.get("team").parse().ok();
    let manager = form.get("manager").parse().ok();
    if let (Some(role), true) = (role, errors.is_empty()) {
        let new = NewAccount { username: form.get("username").to_string(), display_name: form.get("display_name").to_string(), role, team, manager };
        match s.app.create_account(Some(&actor), new).await {
            Ok(made) => {
                let whose = format!("{} ({})", made.user.display_name, made.user.username);
                return users_page(&s, &actor, &v, Some((whose, setup_link_text(&s, &made.setup_token))), FormData::default(), FieldErrors::new(), StatusCode::OK).await;
            }
            Err(AppError::Invalid(e)) => errors = e,
            Err(e) => return Err(e.into()),
        }
    }
    new_user_form(&s, &actor, &v, form, errors, StatusCode::UNPROCESSABLE_ENTITY).await
}

#[derive(Template)]
#[template(path = "admin_user.html")]
struct UserPage {
    layout: Layout,
    user: UserRecord,
    /// The administrator is looking at their own account.
    own: bool,
    form: FormData,
    errors: FieldErrors,
    choices: AccountChoices,
}

async fn user_form(s: &AppState, actor: &Actor, v: &Visitor, id: UserId, form: Option<FormData>, errors: FieldErrors) -> Result<Response, WebError> {
    s.app.require(actor, Permission::ManageUsers, "user.change").await?;
    let users = s.app.users(actor).await?;
    let user = users.iter().find(|u| u.id == id).cloned().ok_or(AppError::NotFound)?;
    let teams = s.app.teams().await?;
    let status = if form.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    let form = form.unwrap_or_else(|| {
        let mut f = FormData::default();
        f.set("role", user.role.code());
        f.set("team", user.team.map(|t| t.to_string()).unwrap_or_default());
        f.set("manager", user.manager.map(|m| m.to_string()).unwrap_or_default());
        f
    });
    let page = UserPage {
        layout: layout(v, format!("Change {}'s role, team or manager", user.display_name)),
        own: id == actor.user.id,
        form,
        errors,
        choices: account_choices(&teams, &users, Some(id)),
        user,
    };
    Ok(render(status, &page))
}

pub async fn user_page(State(s): State<AppState>, Signed { actor, .. }: Signed, v: Visitor, Path(id): Path<String>) -> Result<Response, WebError> {
    user_form(&s, &actor, &v, parse_id(&id)?, None, FieldErrors::new()).await
}

/// An optional choice from a list of ids: blank is none; anything else must be an id.
fn chosen<T: std::str::FromStr>(form: &FormData, field: &str, what: &str, errors: &mut FieldErrors) -> Option<T> {
    match form.get(field) {
        "" => None,
        x => {
            let parsed = x.parse().ok();
            if parsed.is_none() {
                errors.add(field, format!("Choose a {what} from the list"));
            }
            parsed
        }
    }
}

pub async fn change_user(State(s): State<AppState>, Signed { actor, .. }: Signed, v: Visitor, Path(id): Path<String>, form: FormData) -> Result<Response, WebError> {
    let id: UserId = parse_id(&id)?;
    let mut errors = FieldErrors::new();
    let role = Role::from_code(form.get("role"));
    if role.is_none() {
        errors.add("role", "Choose a role");
    }
    let team = chosen(&form, "team", "team", &mut errors);
    let manager = chosen(&form, "manager", "line manager", &mut errors);
    if let (Some(role), true) = (role, errors.is_empty()) {
        match s.app.change_account(&actor, id, AccountChange { role, team, manager }).await {
            Ok(()) => return Ok(Redirect::to("/admin/users").into_response()),
            Err(AppError::Invalid(e)) => errors = e,
            Err(e) => return Err(e.into()),
        }
    }
    user_form(&s, &actor, &v, id, Some(form), errors).await
}

pub async fn set_active(State(s): State<AppState>, Signed { actor, .. }: Signed, Path(id): Path<String>, form: FormData) -> Result<Response, WebError> {
    let id: UserId = parse_id(&id)?;
    s.app.set_user_active(&actor, id, form.get("active") == "yes").await?;
    Ok(Redirect::to("/admin/users").into_response())
}

pub async fn reset_mfa(State(s): State<AppState>, Signed { actor, .. }: Signed, Path(id): Path<String>) -> Result<Response, WebError> {
    let id: UserId = parse_id(&id)?;
    s.app.reset_mfa(&actor, id).await?;
    Ok(Redirect::to("/admin/users").into_response())
}

pub async fn create_team(State(s): State<AppState>, Signed { actor, .. }: Signed, v: Visitor, form: FormData) -> Result<Response, WebError> {
    match s.app.add_team(Some(&actor), form.get("name")).await {
        Ok(_) => Ok(Redirect::to("/admin/users").into_response()),
        Err(AppError::Invalid(e)) => users_page(&s, &actor, &v, None, form, e, StatusCode::UNPROCESSABLE_ENTITY).await,
        Err(e) => Err(e.into()),
    }
}

pub async fn setup_link(State(s): State<AppState>, Signed { actor, .. }: Signed, v: Visitor, Path(id): Path<String>) -> Result<Response, WebError> {
    let id: UserId = parse_id(&id)?;
    let (user, token) = s.app.reissue_setup_link(&actor, id).await?;
    let whose = format!("{} ({})", user.display_name, user.username);
    users_page(&s, &actor, &v, Some((whose, setup_link_text(&s, &token))), FormData::default(), FieldErrors::new(), StatusCode::OK).await
}

pub async fn unlock(State(s): State<AppState>, Signed { actor, .. }: Signed, Path(id): Path<String>) -> Result<Response, WebError> {
    let id: UserId = parse_id(&id)?;
    s.app.unlock_user(&actor, id).await?;
    Ok(Redirect::to("/admin/users").into_response())
}
