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
use hearth_app::{Actor, AllocationChoice, AllocationView, AppError};
use hearth_domain::front_door::allocation::CaseloadLevel;
use hearth_domain::user::Team;
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
    /// Each team's people, with their caseloads.
    choices: Vec<(Team, Vec<AllocationChoice>)>,
}

impl AllocationPage {
    /// "Sam Worker: 18 children, within the range".
    fn choice_label(&self, c: &AllocationChoice) -> String {
        let n = if c.children == 1 { "1 child".to_string() } else { format!("{} children", c.children) };
        match c.status {
            Some(CaseloadLevel::Over) => format!("{}: {n}, over the range", c.name),
            Some(CaseloadLevel::Under) => format!("{}: {n}, under the range", c.name),
            Some(CaseloadLevel::Within) => format!("{}: {n}, within the range", c.name),
            None => format!("{}: {n}", c.name),
        }
    }

    fn span(&self, a: &hearth_domain::front_door::allocation::Allocation) -> String {
        match a.to {
            _ if self.view.planned == Some(a.id) => format!("From {} (planned)", day(&a.from)),
            Some(to) => format!("{} to {}", day(&a.from), day(&to)),
            None => format!("From {} (current)", day(&a.from)),
        }
    }

    /// The planned transfer, if any: (allocation, team, worker).
    fn planned(&self) -> Option<&(hearth_domain::front_door::allocation::Allocation, String, Option<String>)> {
        self.view.history.first().filter(|(a, _, _)| self.view.planned == Some(a.id))
    }
}

async fn show(s: &AppState, actor: &Actor, v: &Visitor, id: PersonId, form: FormData, errors: FieldErrors, status: StatusCode) -> Result<Response, WebError> {
    let view = s.app.allocations(actor, id).await?;
    let choices = s.app.allocation_choices(actor).await?;
    let title = format!("Allocation of {}", view.record.details.full_name());
    let page = AllocationPage {
        layout: layout(v, title),
        view,
        form,
        errors,
        teams: options_from("Choose a team", choices.iter().map(|(t, _)| (t.id.to_string(), t.name.clone()))),
        choices,
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
    let saved = if from.is_some_and(|f| f > s.app.today()) { "transfer_planned" } else { "allocated" };
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/people/{id}?saved={saved}")).into_response()),
        Err(AppError::Invalid(errors)) => show(&s, &actor, &v, id, form, errors, StatusCode::UNPROCESSABLE_ENTITY).await,
        Err(e) => Err(e.into()),
    }
}

pub async fn cancel(State(s): State<AppState>, Signed { actor }: Signed, v: Visitor, Path(id): Path<String>) -> Result<Response, WebError> {
    let id: PersonId = parse_id(&id)?;
    match s.app.cancel_planned_allocation(&actor, id).await {
        Ok(()) => Ok(Redirect::to(&format!("/people/{id}?saved=transfer_cancelled")).into_response()),
        Err(AppError::Invalid(errors)) => {
            let mut form = FormData::default();
            set_date(&mut form, "from", Some(s.app.today()));
            show(&s, &actor, &v, id, form, errors, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(e) => Err(e.into()),
    }
}
