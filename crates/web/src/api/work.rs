//! `/work` and `/work/team`: the work trays the front door's deadlines make, on today's date.
use super::docs::CommonErrors;
use super::dto::{TeamWorkView, WorkTray};
use super::extract::{ApiActor, ApiQuery};
use super::problem::{ApiError, Problem};
use crate::pages::work::overdue_filter;
use crate::AppState;
use serde::Deserialize;
use utoipa::IntoParams;
use axum::extract::State;
use axum::Json;

/// The caller's open tasks, by bucket: overdue, due today, due in the next 6 days, later.
/// A child the caller may not see is not named (`child_name` is `null`).
#[utoipa::path(
    get, path = "/work", operation_id = "get_my_work", tag = "work",
    responses((status = 200, description = "The caller's tray", body = WorkTray), CommonErrors)
)]
pub async fn mine(State(s): State<AppState>, ApiActor(actor): ApiActor) -> Result<Json<WorkTray>, ApiError> {
    let w = s.app.my_work(&actor).await?;
    Ok(Json(WorkTray::new(&w, actor.user.id, &actor.user.display_name)))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TeamWorkParams {
    /// Only this worker's overdue tasks (a user's id), or `none` for the tasks nobody holds.
    #[param(value_type = Option<String>, example = "none")]
    worker: Option<String>,
    /// The page of overdue tasks, from 1 (50 a page, oldest due first).
    #[param(minimum = 1)]
    page: Option<u32>,
}

/// A manager's view of the work of their teams and the people they manage: the counts, how
/// many overdue tasks each worker has (and the team, unallocated), the assessments waiting
/// for authorisation, the tasks nobody holds yet and a page of the overdue tasks (managers
/// only; audited).
#[utoipa::path(
    get, path = "/work/team", operation_id = "get_team_work", tag = "work",
    params(TeamWorkParams),
    responses(
        (status = 200, description = "The teams' work", body = TeamWorkView),
        (status = 403, description = "The caller's role does not allow this.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`worker` is neither a user's id nor `none`.", body = Problem, content_type = "application/problem+json"),
        CommonErrors,
    )
)]
pub async fn team(State(s): State<AppState>, ApiActor(actor): ApiActor, ApiQuery(p): ApiQuery<TeamWorkParams>) -> Result<Json<TeamWorkView>, ApiError> {
    let filter = overdue_filter(p.worker.as_deref(), p.page).ok_or_else(|| ApiError::invalid_field("worker", "Enter the id of a worker, or none"))?;
    let w = s.app.team_work(&actor, filter).await?;
    Ok(Json(TeamWorkView::from(&w)))
}
