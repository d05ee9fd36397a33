//! `/people/{id}/allocations`, `/caseloads`, `/rota` and `/timescales`: the manager's
//! features of the web pages. Each handler calls the same use case as the page; the use case
//! decides who may do what and writes the audit entry.
use super::docs::{CommonErrors, CreateErrors, ManagerReadErrors, ReadErrors, WriteErrors};
use super::dto::{parse_date, parse_uuid, Allocate, AllocationHistory, Caseloads, Rota, RotaChange, Timescales};
use super::extract::{ApiActor, ApiJson, ApiQuery, PathIds};
use super::problem::{ApiError, Problem};
use crate::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use hearth_domain::front_door::rota::{HalfDay, Session};
use hearth_domain::{FieldErrors, PersonId, TeamId, UserId};
use serde::Deserialize;
use utoipa::IntoParams;

const DATE_MESSAGE: &str = "Enter a real date as YYYY-MM-DD, for example 2026-11-24";

/// The child's allocation history, newest first (the read is audited).
#[utoipa::path(
    get, path = "/people/{id}/allocations", operation_id = "list_allocations", tag = "management",
    params(("id" = uuid::Uuid, Path, description = "The person's Hearth id")),
    responses((status = 200, description = "The allocation history", body = AllocationHistory), ReadErrors)
)]
pub async fn allocations(State(s): State<AppState>, ApiActor(actor): ApiActor, ids: PathIds) -> Result<Json<AllocationHistory>, ApiError> {
    let id = PersonId(ids.get("id")?);
    let view = s.app.allocations(&actor, id).await?;
    Ok(Json(AllocationHistory::from(&view)))
}

/// Allocates a child's case to a team (and a worker in it), or transfers it, from a day.
/// The current allocation ends the day before; nothing is deleted. Managers only.
#[utoipa::path(
    post, path = "/people/{id}/allocations", operation_id = "allocate", tag = "management",
    params(("id" = uuid::Uuid, Path, description = "The person's Hearth id")),
    request_body = Allocate,
    responses((status = 204, description = "Allocated; read the history for the new allocation"), WriteErrors)
)]
pub async fn allocate(State(s): State<AppState>, ApiActor(actor): ApiActor, ids: PathIds, ApiJson(body): ApiJson<Allocate>) -> Result<StatusCode, ApiError> {
    let id = PersonId(ids.get("id")?);
    let mut errs = FieldErrors::new();
    let team = parse_uuid(&body.team_id).map(TeamId);
    if team.is_none() {
        errs.add("team_id", "Enter the id of a team");
    }
    // Absent or null leaves the case with the team; anything else must be a user's id.
    let worker = match body.worker_id.as_deref() {
        None => Some(None),
        Some(w) => parse_uuid(w).map(|u| Some(UserId(u))),
    };
    if worker.is_none() {
        errs.add("worker_id", "Enter the id of a worker in the team, or leave it out");
    }
    let from = parse_date(body.from.trim());
    if from.is_none() {
        errs.add("from", DATE_MESSAGE);
    }
    let (Some(team), Some(worker), Some(from), true) = (team, worker, from, errs.is_empty()) else {
        return Err(ApiError::invalid(errs));
    };
    s.app
        .allocate(&actor, id, team, worker, from, body.reason)
        .await
        .map_err(|e| ApiError::from(e).rename_field("team", "team_id").rename_field("worker", "worker_id"))?;
    Ok(StatusCode::NO_CONTENT)
}

/// The caseloads of everyone below the caller in the management chain, against the pack's
/// threshold, and the children each team holds without a worker (managers only; audited).
#[utoipa::path(
    get, path = "/caseloads", operation_id = "get_caseloads", tag = "management",
    responses((status = 200, description = "The caseloads", body = Caseloads), ManagerReadErrors)
)]
pub async fn caseloads(State(s): State<AppState>, ApiActor(actor): ApiActor) -> Result<Json<Caseloads>, ApiError> {
    let c = s.app.caseloads(&actor).await?;
    Ok(Json(Caseloads::from(&c)))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RotaParams {
    /// The team's id; the caller's own team when absent. An empty value is not an id.
    #[param(value_type = Option<uuid::Uuid>)]
    team: Option<String>,
}

/// A team's duty rota for the working days of the next two weeks, each session warned
/// against the pack's minimum of qualified social workers (audited).
#[utoipa::path(
    get, path = "/rota", operation_id = "get_rota", tag = "management",
    params(RotaParams),
    responses((status = 200, description = "The rota", body = Rota), ManagerReadErrors)
)]
pub async fn rota(State(s): State<AppState>, ApiActor(actor): ApiActor, ApiQuery(p): ApiQuery<RotaParams>) -> Result<Json<Rota>, ApiError> {
    let team = match p.team.as_deref() {
        None => None,
        Some(t) => Some(parse_uuid(t).map(TeamId).ok_or_else(|| ApiError::invalid_field("team", "Enter the id of a team, or leave the parameter out"))?),
    };
    let r = s.app.rota(&actor, team).await?;
    Ok(Json(Rota::from(&r)))
}

fn rota_change(body: &RotaChange) -> Result<hearth_app::RotaChange, ApiError> {
    let mut errs = FieldErrors::new();
    let team = parse_uuid(&body.team_id).map(TeamId);
    if team.is_none() {
        errs.add("team_id", "Enter the id of a team");
    }
    let date = parse_date(body.date.trim());
    if date.is_none() {
        errs.add("date", DATE_MESSAGE);
    }
    let half = match body.half.trim() {
        "am" => Some(HalfDay::Am),
        "pm" => Some(HalfDay::Pm),
        _ => None,
    };
    if half.is_none() {
        errs.add("half", "Enter am or pm");
    }
    let worker = parse_uuid(&body.worker_id).map(UserId);
    if worker.is_none() {
        errs.add("worker_id", "Enter the id of a worker in the team");
    }
    match (team, date, half, worker, errs.is_empty()) {
        (Some(team), Some(date), Some(half), Some(worker), true) => Ok(hearth_app::RotaChange { team, session: Session { date, half }, worker }),
        _ => Err(ApiError::invalid(errs)),
    }
}

fn rota_error(e: hearth_app::AppError) -> ApiError {
    ApiError::from(e).rename_field("worker", "worker_id")
}

/// Puts a worker of the team on duty in a session (managers and business support; audited).
#[utoipa::path(
    post, path = "/rota", operation_id = "add_to_rota", tag = "management",
    request_body = RotaChange,
    responses(
        (status = 204, description = "On duty"),
        (status = 404, description = "No such team, or the caller may not arrange its rota.", body = Problem, content_type = "application/problem+json"),
        CreateErrors,
    )
)]
pub async fn add_to_rota(State(s): State<AppState>, ApiActor(actor): ApiActor, ApiJson(body): ApiJson<RotaChange>) -> Result<StatusCode, ApiError> {
    let change = rota_change(&body)?;
    s.app.add_to_rota(&actor, change).await.map_err(rota_error)?;
    Ok(StatusCode::NO_CONTENT)
}

/// Takes a worker off duty in a session (managers and business support; audited). A worker
/// who is not on duty in that session is a 422 on `worker_id`.
#[utoipa::path(
    post, path = "/rota/remove", operation_id = "remove_from_rota", tag = "management",
    request_body = RotaChange,
    responses(
        (status = 204, description = "Off duty"),
        (status = 404, description = "No such team, or the caller may not arrange its rota.", body = Problem, content_type = "application/problem+json"),
        CreateErrors,
    )
)]
pub async fn remove_from_rota(State(s): State<AppState>, ApiActor(actor): ApiActor, ApiJson(body): ApiJson<RotaChange>) -> Result<StatusCode, ApiError> {
    let change = rota_change(&body)?;
    s.app.remove_from_rota(&actor, change).await.map_err(rota_error)?;
    Ok(StatusCode::NO_CONTENT)
}

/// The policy pack in force: the national pack, or the local layer on it, with its
/// timescales and thresholds. Any API user may read it; it holds no one's data.
#[utoipa::path(
    get, path = "/timescales", operation_id = "get_timescales", tag = "timescales",
    responses((status = 200, description = "The effective pack", body = Timescales), CommonErrors)
)]
pub async fn timescales(State(s): State<AppState>, ApiActor(_actor): ApiActor) -> Json<Timescales> {
    Json(Timescales::from(&s.app.config.timescales.pack))
}
