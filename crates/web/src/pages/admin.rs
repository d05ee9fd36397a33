//! User and team administration.
use super::people::options_from;
use super::{layout, parse_id};
use crate::error::{render, WebError};
use crate::forms::FormData;
use crate::layout::Layout;
use crate::session::{Signed, Visitor};
use crate::AppState;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use hearth_app::{Actor, AppError, NewUser};
use hearth_domain::user::{Permission, Role, Team, UserRecord};
use hearth_domain::{FieldErrors, UserId};

#[derive(Template)]
#[template(path = "admin_users.html")]
struct UsersPage {
    layout: Layout,
    users: Vec<UserRecord>,
    teams: Vec<Team>,
    form: FormData,
    errors: FieldErrors,
}

impl UsersPage {
    fn team_name(&self, id: &Option<hearth_domain::TeamId>) -> String {
        id.and_then(|t| self.teams.iter().find(|x| x.id == t)).map(|t| t.name.clone()).unwrap_or_default()
    }
}

async fn users_page(s: &AppState, actor: &Actor, v: &Visitor, form: FormData, errors: FieldErrors, status: StatusCode) -> Result<Response, WebError> {
    if !actor.can(Permission::ManageUsers) {
        return Err(AppError::Forbidden.into());
    }
    let users = s.app.users(actor).await?;
    let teams = s.app.teams().await?;
    Ok(render(status, &UsersPage { layout: layout(v, "Users and teams"), users, teams, form, errors }))
}

pub async fn users(State(s): State<AppState>, Signed { actor, .. }: Signed, v: Visitor) -> Result<Response, WebError> {
    users_page(&s, &actor, &v, FormData::default(), FieldErrors::new(), StatusCode::OK).await
}

#[derive(Template)]
#[template(path = "admin_user_new.html")]
struct NewUserPage {
    layout: Layout,
    form: FormData,
    errors: FieldErrors,
    roles: Vec<(String, String)>,
    teams: Vec<(String, String)>,
    managers: Vec<(String, String)>,
}

async fn new_user_form(s: &AppState, actor: &Actor, v: &Visitor, form: FormData, errors: FieldErrors, status: StatusCode) -> Result<Response, WebError> {
    if !actor.can(Permission::ManageUsers) {
        return Err(AppError::Forbidden.into());
    }
    let teams = s.app.teams().await?;
    let users = s.app.users(actor).await?;
    let mut roles = vec![(String::new(), "Choose a role".to_string())];
    roles.extend(Role::ALL.iter().map(|r| (r.code().to_string(), r.label().to_string())));
    let page = NewUserPage {
        layout: layout(v, "Add a user"),
        form,
        errors,
        roles,
        teams: options_from("No team", teams.iter().map(|t| (t.id.to_string(), t.name.clone()))),
        managers: options_from("No manager", users.iter().filter(|u| u.active).map(|u| (u.id.to_string(), format!("{} ({})", u.display_name, u.role.label())))),
    };
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
        let new = NewUser {
            username: form.get("username").to_string(),
            display_name: form.get("display_name").to_string(),
            role,
            team,
            manager,
            password: form.get("password").to_string(),
        };
        match s.app.add_user(Some(&actor), new).await {
            Ok(_) => return Ok(Redirect::to("/admin/users").into_response()),
            Err(AppError::Invalid(e)) => errors = e,
            Err(e) => return Err(e.into()),
        }
    }
    let mut form = form;
    form.set("password", "");
    new_user_form(&s, &actor, &v, form, errors, StatusCode::UNPROCESSABLE_ENTITY).await
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
        Err(AppError::Invalid(e)) => users_page(&s, &actor, &v, form, e, StatusCode::UNPROCESSABLE_ENTITY).await,
        Err(e) => Err(e.into()),
    }
}
