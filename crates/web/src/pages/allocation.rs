//! Allocating and transferring a child's case.
use super::people::{day, options_from};
use super::{layout, parse_id};
use crate::error::{render, WebError};
use crate::forms::{date_input, set_date, FormData};
use crate::layout::Layout;
use crate::session::{Signed, Visitor};
use crate::AppState;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use hearth_app::{Actor, AllocationView, AppError};
use hearth_domain::user::Role;
use hearth_domain::validation::non_empty;
use hearth_domain::{FieldErrors, PersonId};

#[derive(Template)]
#[template(path = "allocation.html")]
struct AllocationPage {
    layout: Layout,
    view: AllocationView,
    form: FormData,
    errors: FieldErrors,
    teams: Vec<(String, String)>,
    workers: Vec<(String, String)>,
}

impl AllocationPage {
    fn span(&self, a: &hearth_domain::front_door::allocation::Allocation) -> String {
        match a.to {
            Some(to) => format!("{} to {}", day(&a.from), day(&to)),
            None => format!("From {} (current)", day(&a.from)),
        }
    }
}

async fn show(s: &AppState, actor: &Actor, v: &Visitor, id: PersonId, form: FormData, errors: FieldErrors, status: StatusCode) -> Result<Response, WebError> {
    let view = s.app.allocations(actor, id).await?;
    let teams = s.app.teams().await?;
    let users = s.app.users(actor).await?;
    let team_name = |t| teams.iter().find(|x| Some(x.id) == t).map(|x| x.name.clone()).unwrap_or_default();
    let workers = options_from(
        "No worker yet (held by the team)",
        users
            .iter()
            .filter(|u| u.active && matches!(u.role, Role::SocialWorker | Role::TeamManager))
            .map(|u| (u.id.to_string(), format!("{} ({})", u.display_name, team_name(u.team)))),
    );
    let page = AllocationPage {
        layout: layout(v, format!("Allocation of {}", view.record.details.full_name())),
        view,
        form,
        errors,
        teams: options_from("Choose a team", teams.iter().map(|t| (t.id.to_string(), t.name.clone()))),
        workers,
    };
    Ok(render(status, &page))
}

pub async fn page(State(s): State<AppState>, Signed { actor }: Signed, v: Visitor, Path(id): Path<String>) -> Result<Response, WebError> {
    let id: PersonId = parse_id(&id)?;
    let mut form = FormData::default();
    set_date(&mut form, "from", Some(s.app.today()));
    show(&s, &actor, &v, id, form, FieldErrors::new(), StatusCode::OK).await
}

pub async fn change(State(s): State<AppState>, Signed { actor }: Signed, v: Visitor, Path(id): Path<String>, form: FormData) -> Result<Response, WebError> {
    let id: PersonId = parse_id(&id)?;
    let mut errors = FieldErrors::new();
    let team = form.get("team").parse().ok();
    if team.is_none() {
        errors.add("team", "Choose a team");
    }
    let worker = non_empty(form.get("worker")).and_then(|w| w.parse().ok());
    let from = date_input(&form, "from", "The date the allocation starts", &mut errors);
    if from.is_none() && errors.get("from").is_none() {
        errors.add("from", "Enter the date the allocation starts");
    }
    let result = match (team, from) {
        (Some(team), Some(from)) if errors.is_empty() => s.app.allocate(&actor, id, team, worker, from, non_empty(form.get("reason"))).await,
        _ => Err(AppError::Invalid(errors)),
    };
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/people/{id}?saved=allocated")).into_response()),
        Err(AppError::Invalid(errors)) => show(&s, &actor, &v, id, form, errors, StatusCode::UNPROCESSABLE_ENTITY).await,
        Err(e) => Err(e.into()),
    }
}
