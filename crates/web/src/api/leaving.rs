//! `/people/{id}/leaving-care`, `/care-leavers` and the directory of services (`/services`,
//! `/people/{id}/service-referrals`): a young person's care leaver status,
//! derived from their care history, the care leaver service's record, and the managers'
//! dashboard. The same use cases as the pages: the same access rules, checks and audit.
use super::docs::{ReadErrors, ReadQueryErrors, WriteErrors};
use super::dto::{CareLeaverChangeBody, CareLeaverChanged, CareLeaverDto, CareLeaversDashboardDto, CreatedRecord, NewServiceReferralBody, ServiceCategoryCode, ServiceForCode, ServiceDto, ServicePageDto, ServiceReferralChangeBody, ServiceReferralDto};
use super::extract::{ApiActor, ApiJson, ApiQuery, PathIds};
use super::problem::{ApiError, Problem};
use super::{created, Created};
use crate::AppState;
use axum::extract::{Path, State};
use axum::Json;
use hearth_domain::codes::Coded;
use hearth_domain::services::{Category, ServiceFor, ServiceReferralId};
use hearth_domain::user::Permission;
use hearth_domain::{FieldErrors, PersonId};
use serde::Deserialize;
use utoipa::IntoParams;

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

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DirectoryParams {
    /// Words every service listed contains (name, description, provider or kind).
    q: Option<String>,
    /// `looked_after`, `care_leaver` or `family`.
    #[serde(rename = "for")]
    #[param(rename = "for", value_type = Option<ServiceForCode>)]
    whom: Option<String>,
    /// A kind of service (`accommodation`, `health`, …).
    #[param(value_type = Option<ServiceCategoryCode>)]
    category: Option<String>,
}

/// The council's directory of services for children in care, care leavers and families,
/// searched; an unknown `for` or `category` is refused naming it.
#[utoipa::path(
    get, path = "/services", operation_id = "list_services", tag = "care leavers",
    params(DirectoryParams),
    responses((status = 200, description = "The services, by name", body = Vec<ServiceDto>), ReadQueryErrors)
)]
pub async fn services(State(s): State<AppState>, ApiActor(actor): ApiActor, ApiQuery(p): ApiQuery<DirectoryParams>) -> Result<Json<Vec<ServiceDto>>, ApiError> {
    if !actor.can(Permission::ViewRecords) {
        return Err(s.app.forbidden(&actor, "service.search", None).await.into());
    }
    let mut errors = FieldErrors::new();
    let whom = p.whom.as_deref().filter(|w| !w.is_empty()).map(|w| ServiceFor::from_code(w).ok_or(()));
    let category = p.category.as_deref().filter(|c| !c.is_empty()).map(|c| Category::from_code(c).ok_or(()));
    if matches!(whom, Some(Err(()))) {
        errors.add("for", "Enter looked_after, care_leaver or family");
    }
    if matches!(category, Some(Err(()))) {
        errors.add("category", format!("Enter one of {}", Category::ALL.iter().map(|c| c.code()).collect::<Vec<_>>().join(", ")));
    }
    errors.clone().into_result().map_err(ApiError::invalid)?;
    let found = s.app.services(p.q.as_deref().unwrap_or(""), whom.and_then(Result::ok), category.and_then(Result::ok));
    Ok(Json(found.iter().map(ServiceDto::from).collect()))
}

/// A service with the young people using it or waiting for it whom the caller may open (the
/// read is audited).
#[utoipa::path(
    get, path = "/services/{key}", operation_id = "get_service", tag = "care leavers",
    params(("key" = String, Path, description = "The service's key in the directory")),
    responses((status = 200, description = "The service", body = ServicePageDto), ReadErrors)
)]
pub async fn service(State(s): State<AppState>, ApiActor(actor): ApiActor, Path(key): Path<String>) -> Result<Json<ServicePageDto>, ApiError> {
    let p = s.app.service_page(&actor, &key).await?;
    Ok(Json(ServicePageDto {
        service: ServiceDto::from(&p.service),
        using: p.using.iter().map(|(r, _)| ServiceReferralDto::of(r, 0)).collect(),
        waiting: p.waiting.iter().map(|(r, _)| ServiceReferralDto::of(r, 0)).collect(),
    }))
}

/// A young person's referrals to services, newest first (the read is audited).
#[utoipa::path(
    get, path = "/people/{id}/service-referrals", operation_id = "list_service_referrals", tag = "care leavers",
    params(("id" = uuid::Uuid, Path, description = "The young person's Hearth id")),
    responses((status = 200, description = "The referrals", body = Vec<ServiceReferralDto>), ReadErrors)
)]
pub async fn referrals(State(s): State<AppState>, ApiActor(actor): ApiActor, ids: PathIds) -> Result<Json<Vec<ServiceReferralDto>>, ApiError> {
    let (_, referrals, _) = s.app.service_referrals_of(&actor, PersonId(ids.get("id")?)).await?;
    Ok(Json(referrals.iter().map(|r| ServiceReferralDto::of(&r.value, r.version)).collect()))
}

/// Refers a young person to a service of the directory. A service the young person cannot use
/// (by age, or not in care or a care leaver), an unknown service, a date in the future or no
/// reason is refused naming the field; nothing is saved.
#[utoipa::path(
    post, path = "/people/{id}/service-referrals", operation_id = "refer_to_service", tag = "care leavers",
    params(("id" = uuid::Uuid, Path, description = "The young person's Hearth id")),
    request_body = NewServiceReferralBody,
    responses(
        (status = 201, description = "Recorded", body = CreatedRecord, headers(("Location" = String, description = "The young person's referrals"))),
        WriteErrors,
    )
)]
pub async fn refer(State(s): State<AppState>, ApiActor(actor): ApiActor, ids: PathIds, ApiJson(body): ApiJson<NewServiceReferralBody>) -> Result<Created<CreatedRecord>, ApiError> {
    let child = PersonId(ids.get("id")?);
    let new = body.to_domain().map_err(ApiError::invalid)?;
    let id = s.app.refer_to_service(&actor, child, new).await?;
    Ok(created(format!("/api/v1/people/{child}/service-referrals"), CreatedRecord { id: id.0 }))
}

/// Records what became of a referral (accepted, declined or withdrawn), or that the young
/// person stopped using a service that accepted them.
#[utoipa::path(
    post, path = "/service-referrals/{id}/changes", operation_id = "change_service_referral", tag = "care leavers",
    params(("id" = uuid::Uuid, Path, description = "The referral's id")),
    request_body = ServiceReferralChangeBody,
    responses(
        (status = 200, description = "Recorded; the referral's version went up by one", body = CareLeaverChanged),
        (status = 409, description = "Someone else changed the referral first; `current_version` says which version is stored now", body = Problem, content_type = "application/problem+json"),
        WriteErrors,
    )
)]
pub async fn change_referral(State(s): State<AppState>, ApiActor(actor): ApiActor, ids: PathIds, ApiJson(body): ApiJson<ServiceReferralChangeBody>) -> Result<Json<CareLeaverChanged>, ApiError> {
    let id = ServiceReferralId(ids.get("id")?);
    let change = body.to_domain().map_err(ApiError::invalid)?;
    s.app.change_service_referral(&actor, id, body.version, change).await?;
    Ok(Json(CareLeaverChanged { version: body.version + 1 }))
}
