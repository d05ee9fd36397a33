//! `/work` and `/work/team`: the work trays the front door's deadlines make, on today's date.
use super::docs::CommonErrors;
use super::dto::{TeamWorkView, WorkTray};
use super::extract::ApiActor;
use super::problem::{ApiError, Problem};
use crate::AppState;
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

/// A manager's view of the work of their teams and the people they manage: the overdue
/// tasks, how many each worker has (and the team, unallocated), and the assessments waiting
/// for authorisation (managers only; audited).
#[utoipa::path(
    get, path = "/work/team", operation_id = "get_team_work", tag = "work",
    responses(
        (status = 200, description = "The teams' work", body = TeamWorkView),
        (status = 403, description = "The caller's role does not allow this.", body = Problem, content_type = "application/problem+json"),
        CommonErrors,
    )
)]
pub async fn team(State(s): State<AppState>, ApiActor(actor): ApiActor) -> Result<Json<TeamWorkView>, ApiError> {
    let w = s.app.team_work(&actor).await?;
    Ok(Json(TeamWorkView::from(&w)))
}
