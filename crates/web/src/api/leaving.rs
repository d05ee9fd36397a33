//! `/people/{id}/leaving-care` and `/care-leavers`: a young person's care leaver status,
//! derived from their care history, the care leaver service's record, and the managers'
//! dashboard. The same use cases as the pages: the same access rules, checks and audit.
use super::docs::{ReadErrors, WriteErrors};
use super::dto::{CareLeaverChangeBody, CareLeaverChanged, CareLeaverDto, CareLeaversDashboardDto};
use super::extract::{ApiActor, ApiJson, PathIds};
use super::problem::{ApiError, Problem};
use crate::AppState;
use axum::extract::State;
use axum::Json;
use hearth_domain::PersonId;

/// A young person's care leaver status today with its reason and entitlements (worked out
/// from the date of birth and periods of care, never recorded), and what the care leaver
/// service has recorded: personal advisers, needs assessment, pathway plans, contact (with
/// the DfE's birthday contacts), accommodation and activity as OC3 codes, arrangements and
/// payments. The read is audited.
#[utoipa::path(
    get, path = "/people/{id}/leaving-care", operation_id = "get_care_leaver", tag = "care leavers",
    params(("id" = uuid::Uuid, Path, description = "The young person's Hearth id")),
    responses((status = 200, description = "The status and record", body = CareLeaverDto), ReadErrors)
)]
pub async fn care_leaver(State(s): State<AppState>, ApiActor(actor): ApiActor, ids: PathIds) -> Result<Json<CareLeaverDto>, ApiError> {
    let v = s.app.care_leaver_of(&actor, PersonId(ids.get("id")?)).await?;
    Ok(Json(CareLeaverDto::from(&v)))
}

/// Records a change to a young person's care leaver record. A needs assessment, pathway plan
/// or payment for someone who is not a care leaver, a personal adviser who is not an active
/// social worker or manager, staying put outside 18 to 21, or a date in the future is refused
/// naming the field; nothing is saved. Signing a plan off is a manager's.
#[utoipa::path(
    post, path = "/people/{id}/leaving-care/changes", operation_id = "change_care_leaver", tag = "care leavers",
    params(("id" = uuid::Uuid, Path, description = "The young person's Hearth id")),
    request_body = CareLeaverChangeBody,
    responses(
        (status = 200, description = "Recorded; the record's version went up by one", body = CareLeaverChanged),
        (status = 409, description = "Someone else changed the record first; `current_version` says which version is stored now", body = Problem, content_type = "application/problem+json"),
        WriteErrors,
    )
)]
pub async fn change(State(s): State<AppState>, ApiActor(actor): ApiActor, ids: PathIds, ApiJson(body): ApiJson<CareLeaverChangeBody>) -> Result<Json<CareLeaverChanged>, ApiError> {
    let child = PersonId(ids.get("id")?);
    let change = body.change.to_domain().map_err(ApiError::invalid)?;
    let version = s.app.change_care_leaver(&actor, child, body.version, change).await?;
    Ok(Json(CareLeaverChanged { version }))
}

/// Every young person whose status today is eligible, relevant, former relevant or
/// qualifying and whom the manager may open, with what the dashboard's lists pick out
/// (managers; the read is audited).
#[utoipa::path(
    get, path = "/care-leavers", operation_id = "get_care_leavers_dashboard", tag = "care leavers",
    responses(
        (status = 200, description = "The dashboard", body = CareLeaversDashboardDto),
        (status = 403, description = "The caller's role does not allow this.", body = Problem, content_type = "application/problem+json"),
        super::docs::CommonErrors,
    )
)]
pub async fn dashboard(State(s): State<AppState>, ApiActor(actor): ApiActor) -> Result<Json<CareLeaversDashboardDto>, ApiError> {
    let d = s.app.care_leavers_dashboard(&actor).await?;
    Ok(Json(CareLeaversDashboardDto::from(&d)))
}
