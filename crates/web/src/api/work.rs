//! `/work` and `/work/team`: the work trays the front door's deadlines make, on today's date.
use super::docs::CommonErrors;
use super::dto::{TeamWorkView, WorkTray};
use super::extract::{ApiActor, ApiQuery};
use super::dto::parse_uuid;
use super::people::position;
use super::problem::{ApiError, Problem};
use crate::pages::work::overdue_filter;
use hearth_app::TeamWorkFilter;
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
    #[param(schema_with = worker_schema, example = "none")]
    worker: Option<String>,
    /// The page of overdue tasks, from 1 (50 a page, oldest due first).
    #[param(minimum = 1, maximum = 2147483647)]
    page: Option<u32>,
    /// The page of assessments awaiting authorisation, from 1 (50 a page, soonest due first).
    #[param(minimum = 1, maximum = 2147483647)]
    awaiting_page: Option<u32>,
    /// The page of tasks nobody holds, from 1 (50 a page, soonest due first).
    #[param(minimum = 1, maximum = 2147483647)]
    unassigned_page: Option<u32>,
}

/// `worker`: a user's id, or `none`.
fn worker_schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
    use utoipa::openapi::schema::{KnownFormat, ObjectBuilder, OneOfBuilder, Schema, SchemaFormat, Type};
    Schema::OneOf(
        OneOfBuilder::new()
            .item(ObjectBuilder::new().schema_type(Type::String).format(Some(SchemaFormat::KnownFormat(KnownFormat::Uuid))))
            .item(ObjectBuilder::new().schema_type(Type::String).enum_values(Some(["none"])))
            .build(),
    )
    .into()
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
    let page = position("page", p.page, 1, 1)?;
    // A user's id as the schema says (hyphenated) or `none`; blank is neither.
    let worker = match p.worker.as_deref() {
        None => None,
        Some("none") => Some("none"),
        Some(w) if parse_uuid(w).is_some() => Some(w),
        Some(_) => return Err(ApiError::invalid_field("worker", "Enter the id of a worker, or none")),
    };
    let awaiting_page = position("awaiting_page", p.awaiting_page, 1, 1)?;
    let unassigned_page = position("unassigned_page", p.unassigned_page, 1, 1)?;
    let filter = overdue_filter(worker, Some(page)).ok_or_else(|| ApiError::invalid_field("worker", "Enter the id of a worker, or none"))?;
    let filter = TeamWorkFilter { awaiting_page, unassigned_page, ..filter };
    let w = s.app.team_work(&actor, filter).await?;
    Ok(Json(TeamWorkView::from(&w)))
}
