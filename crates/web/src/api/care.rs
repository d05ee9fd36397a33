//! `/people/{id}/care`, `/care-periods/{id}/changes` and `/providers`: children in care and
//! the providers they are placed with. The same use cases as the pages: the same access
//! rules, checks and audit entries.
use super::docs::{ReadErrors, ReadQueryErrors, WriteErrors};
use super::dto::{MonitoringVisitBody, DecisionChangeBody, ProposeCare, ShortBreakBody, QueuedRequestDto, CareChangeBody, CareDashboardDto, ProviderKindCode, CareChanged, ChildCareDto, CreatedRecord, ProviderBody, ProviderDetail, ProviderDto, StartCare};
use super::extract::{ApiActor, ApiJson, ApiQuery, PathIds};
use super::problem::{ApiError, Problem};
use super::{created, Created};
use crate::AppState;
use axum::extract::State;
use axum::Json;
use hearth_app::ProviderFilter;
use hearth_domain::care::provider::{ProviderId, ProviderKind};
use hearth_domain::care::decision::CareDecisionId;
use hearth_domain::care::CarePeriodId;
use hearth_domain::codes::Coded;
use hearth_domain::PersonId;
use serde::Deserialize;
use utoipa::IntoParams;

/// A child's periods of care, earliest first, each with its placements, legal statuses and
/// the episodes the SSDA903 return counts (the read is audited).
#[utoipa::path(
    get, path = "/people/{id}/care", operation_id = "get_care", tag = "children in care",
    params(("id" = uuid::Uuid, Path, description = "The child's Hearth id")),
    responses((status = 200, description = "The child's care", body = ChildCareDto), ReadErrors)
)]
pub async fn care(State(s): State<AppState>, ApiActor(actor): ApiActor, ids: PathIds) -> Result<Json<ChildCareDto>, ApiError> {
    let care = s.app.care_of(&actor, PersonId(ids.get("id")?)).await?;
    Ok(Json(ChildCareDto::from(&care)))
}

/// Records that a child became looked after: the day, the legal status, the category of need
/// and the first placement with a provider from `GET /providers`. A period overlapping
/// another, a legal status the child's age rules out, or a provider that cannot take the
/// placement type is refused naming the field; nothing is saved.
#[utoipa::path(
    post, path = "/people/{id}/care", operation_id = "start_care", tag = "children in care",
    params(("id" = uuid::Uuid, Path, description = "The child's Hearth id")),
    request_body = StartCare,
    responses(
        (status = 201, description = "Recorded", body = CreatedRecord, headers(("Location" = String, description = "The child's care"))),
        WriteErrors,
    )
)]
pub async fn start(State(s): State<AppState>, ApiActor(actor): ApiActor, ids: PathIds, ApiJson(body): ApiJson<StartCare>) -> Result<Created<CreatedRecord>, ApiError> {
    let child = PersonId(ids.get("id")?);
    let new = body.to_domain().map_err(ApiError::invalid)?;
    let id = s.app.start_care(&actor, child, new).await?;
    Ok(created(format!("/api/v1/people/{child}/care"), CreatedRecord { id: id.0 }))
}

/// Records a change to a period of care: a new legal status, a move, or the end of care.
/// Hearth works out the episodes; a change dated before the last of its kind, after care
/// ended, or with a provider that cannot take it is refused naming the field.
#[utoipa::path(
    post, path = "/care-periods/{id}/changes", operation_id = "change_care", tag = "children in care",
    params(("id" = uuid::Uuid, Path, description = "The period of care's id")),
    request_body = CareChangeBody,
    responses(
        (status = 200, description = "Recorded; the period's version went up by one", body = CareChanged),
        (status = 409, description = "Someone else changed the period first; `current_version` says which version is stored now", body = Problem, content_type = "application/problem+json"),
        WriteErrors,
    )
)]
pub async fn change(State(s): State<AppState>, ApiActor(actor): ApiActor, ids: PathIds, ApiJson(body): ApiJson<CareChangeBody>) -> Result<Json<CareChanged>, ApiError> {
    let id = CarePeriodId(ids.get("id")?);
    let change = body.change.to_domain().map_err(ApiError::invalid)?;
    s.app.change_care(&actor, id, body.version, change).await?;
    Ok(Json(CareChanged { version: body.version + 1 }))
}

/// Records one short break of a series recorded break by break (`V3`): a period of care of
/// its own that began on `from` and ended on `to` (the child home as planned, `E4A`). A break
/// overlapping any other period of care, or not yet over, is refused naming the field.
#[utoipa::path(
    post, path = "/people/{id}/short-breaks", operation_id = "record_short_break", tag = "children in care",
    params(("id" = uuid::Uuid, Path, description = "The child's Hearth id")),
    request_body = ShortBreakBody,
    responses(
        (status = 201, description = "Recorded", body = CreatedRecord, headers(("Location" = String, description = "The child's care"))),
        WriteErrors,
    )
)]
pub async fn short_break(State(s): State<AppState>, ApiActor(actor): ApiActor, ids: PathIds, ApiJson(body): ApiJson<ShortBreakBody>) -> Result<Created<CreatedRecord>, ApiError> {
    let child = PersonId(ids.get("id")?);
    let b = body.to_domain().map_err(ApiError::invalid)?;
    let id = s.app.record_short_break(&actor, child, b).await?;
    Ok(created(format!("/api/v1/people/{child}/care"), CreatedRecord { id: id.0 }))
}

/// Proposes that a child come into care (section 20, a care order or an emergency protection
/// order), with the reasons. A manager other than the proposer authorises it with
/// `POST /care-decisions/{id}/changes`; a child already looked after, or with a decision
/// still open, is refused naming the field.
#[utoipa::path(
    post, path = "/people/{id}/care-decisions", operation_id = "propose_care", tag = "children in care",
    params(("id" = uuid::Uuid, Path, description = "The child's Hearth id")),
    request_body = ProposeCare,
    responses(
        (status = 201, description = "Proposed; the authorisation is a task in the team's tray", body = CreatedRecord, headers(("Location" = String, description = "The child's care"))),
        WriteErrors,
    )
)]
pub async fn propose(State(s): State<AppState>, ApiActor(actor): ApiActor, ids: PathIds, ApiJson(body): ApiJson<ProposeCare>) -> Result<Created<CreatedRecord>, ApiError> {
    let child = PersonId(ids.get("id")?);
    let proposal = body.to_domain().map_err(ApiError::invalid)?;
    let id = s.app.propose_care(&actor, child, proposal).await?;
    Ok(created(format!("/api/v1/people/{child}/care"), CreatedRecord { id: id.0 }))
}

/// Records a step on a decision about care: a manager's authorisation (or refusal, with
/// why), the pre-care planning meeting, who was told, or its withdrawal. Authorising needs a
/// manager other than the proposer.
#[utoipa::path(
    post, path = "/care-decisions/{id}/changes", operation_id = "change_care_decision", tag = "children in care",
    params(("id" = uuid::Uuid, Path, description = "The decision's id")),
    request_body = DecisionChangeBody,
    responses(
        (status = 200, description = "Recorded; the decision's version went up by one", body = CareChanged),
        (status = 409, description = "Someone else changed the decision first; `current_version` says which version is stored now", body = Problem, content_type = "application/problem+json"),
        WriteErrors,
    )
)]
pub async fn decide(State(s): State<AppState>, ApiActor(actor): ApiActor, ids: PathIds, ApiJson(body): ApiJson<DecisionChangeBody>) -> Result<Json<CareChanged>, ApiError> {
    let id = CareDecisionId(ids.get("id")?);
    let change = body.change.to_domain().map_err(ApiError::invalid)?;
    s.app.change_care_decision(&actor, id, body.version, change).await?;
    Ok(Json(CareChanged { version: body.version + 1 }))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ProviderParams {
    /// Part of the name, any case.
    name: Option<String>,
    /// The kind of setting (`foster_household`, `childrens_home`, …).
    #[param(value_type = Option<ProviderKindCode>)]
    kind: Option<String>,
    /// Include providers closed to new placements.
    closed: Option<bool>,
    /// Only the external homes whose yearly monitoring visit is due by this day
    /// (`YYYY-MM-DD`), the one due soonest first.
    #[param(format = Date, example = "2026-12-31")]
    monitoring_due_by: Option<String>,
}

/// The providers of placements by name, each with how many children are placed there today.
#[utoipa::path(
    get, path = "/providers", operation_id = "list_providers", tag = "children in care",
    params(ProviderParams),
    responses((status = 200, description = "The providers", body = Vec<ProviderDto>), ReadQueryErrors)
)]
pub async fn providers(State(s): State<AppState>, ApiActor(actor): ApiActor, ApiQuery(p): ApiQuery<ProviderParams>) -> Result<Json<Vec<ProviderDto>>, ApiError> {
    let kind = match p.kind.as_deref().map(str::trim).filter(|k| !k.is_empty()) {
        None => None,
        Some(k) => Some(ProviderKind::from_code(k).ok_or_else(|| ApiError::invalid_field("kind", "Enter a kind of setting, like foster_household or childrens_home"))?),
    };
    // Strictly a date, as the schema says: not blank, no spaces.
    let monitoring_due_by = p.monitoring_due_by.as_deref().map(|d| super::dto::parse_date(d).ok_or_else(|| ApiError::invalid_field("monitoring_due_by", "Enter a date as YYYY-MM-DD"))).transpose()?;
    let filter = ProviderFilter { name: p.name.unwrap_or_default(), kind, closed: p.closed.unwrap_or(false), monitoring_due_by };
    let rows = s.app.providers(&actor, &filter).await?;
    Ok(Json(rows.iter().map(Into::into).collect()))
}

/// Adds a provider of placements (managers and business support). A registered setting
/// needs its Ofsted URN.
#[utoipa::path(
    post, path = "/providers", operation_id = "add_provider", tag = "children in care",
    request_body = ProviderBody,
    responses(
        (status = 201, description = "Added", body = CreatedRecord, headers(("Location" = String, description = "The provider's address"))),
        WriteErrors,
    )
)]
pub async fn add_provider(State(s): State<AppState>, ApiActor(actor): ApiActor, ApiJson(body): ApiJson<ProviderBody>) -> Result<Created<CreatedRecord>, ApiError> {
    let provider = body.to_domain(ProviderId::new()).map_err(ApiError::invalid)?;
    let id = s.app.add_provider(&actor, provider).await?;
    Ok(created(format!("/api/v1/providers/{id}"), CreatedRecord { id: id.0 }))
}

/// A provider with the children placed there today whom the caller may open (the read is
/// audited).
#[utoipa::path(
    get, path = "/providers/{id}", operation_id = "get_provider", tag = "children in care",
    params(("id" = uuid::Uuid, Path, description = "The provider's id")),
    responses((status = 200, description = "The provider", body = ProviderDetail), ReadErrors)
)]
pub async fn provider(State(s): State<AppState>, ApiActor(actor): ApiActor, ids: PathIds) -> Result<Json<ProviderDetail>, ApiError> {
    let page = s.app.provider_page(&actor, ProviderId(ids.get("id")?)).await?;
    Ok(Json(ProviderDetail::from(&page)))
}

/// Records the LA's monitoring visit to an external residential setting (seed 004: at least
/// annually while a child is placed there), at the version read. A visit in the future, or a
/// second on the same day, is refused naming `on`.
#[utoipa::path(
    post, path = "/providers/{id}/monitoring-visits", operation_id = "record_monitoring_visit", tag = "children in care",
    params(("id" = uuid::Uuid, Path, description = "The provider's id")),
    request_body = MonitoringVisitBody,
    responses(
        (status = 200, description = "Recorded; the provider's version went up by one", body = CareChanged),
        (status = 409, description = "Someone else changed the provider first", body = Problem, content_type = "application/problem+json"),
        WriteErrors,
    )
)]
pub async fn monitoring_visit(State(s): State<AppState>, ApiActor(actor): ApiActor, ids: PathIds, ApiJson(body): ApiJson<MonitoringVisitBody>) -> Result<Json<CareChanged>, ApiError> {
    let on = body.to_domain().map_err(ApiError::invalid)?;
    s.app.record_monitoring_visit(&actor, ProviderId(ids.get("id")?), body.version, on).await?;
    Ok(Json(CareChanged { version: body.version + 1 }))
}

/// Changes a provider's record (managers and business support), at the version read.
/// Closing it keeps its placements and refuses new ones.
#[utoipa::path(
    put, path = "/providers/{id}", operation_id = "change_provider", tag = "children in care",
    params(("id" = uuid::Uuid, Path, description = "The provider's id")),
    request_body = ProviderBody,
    responses(
        (status = 200, description = "Changed; its version went up by one", body = CareChanged),
        (status = 409, description = "Someone else changed the provider first", body = Problem, content_type = "application/problem+json"),
        WriteErrors,
    )
)]
pub async fn change_provider(State(s): State<AppState>, ApiActor(actor): ApiActor, ids: PathIds, ApiJson(body): ApiJson<ProviderBody>) -> Result<Json<CareChanged>, ApiError> {
    let id = ProviderId(ids.get("id")?);
    let Some(version) = body.version else { return Err(ApiError::invalid_field("version", "Send the version you read")) };
    let provider = body.to_domain(id).map_err(ApiError::invalid)?;
    s.app.change_provider(&actor, version, provider).await?;
    Ok(Json(CareChanged { version: version + 1 }))
}

/// The children looked after today whom the manager may open: by legal status and placement
/// type, each with their placement, placements in the last twelve months, whether they are
/// placed out of the LA's area and how far from home (managers; the read is audited).
#[utoipa::path(
    get, path = "/children-in-care", operation_id = "get_care_dashboard", tag = "children in care",
    responses(
        (status = 200, description = "The dashboard", body = CareDashboardDto),
        (status = 403, description = "The caller's role does not allow this.", body = Problem, content_type = "application/problem+json"),
        super::docs::CommonErrors,
    )
)]
pub async fn dashboard(State(s): State<AppState>, ApiActor(actor): ApiActor) -> Result<Json<CareDashboardDto>, ApiError> {
    let d = s.app.care_dashboard(&actor).await?;
    Ok(Json(CareDashboardDto::from(&d)))
}

/// The requests to the Family Contact Service still waiting, in the order the service takes
/// them (seed 000: court proceedings needing contact as evidence, then supervised contact for
/// assessed risk, then children under 14; oldest first in each), each with why it sits there.
/// Only children the caller may open are listed or counted; the read is audited.
#[utoipa::path(
    get, path = "/family-contact", operation_id = "get_family_contact_queue", tag = "children in care",
    responses(
        (status = 200, description = "The queue", body = Vec<QueuedRequestDto>),
        (status = 403, description = "The caller's role does not allow this.", body = Problem, content_type = "application/problem+json"),
        super::docs::CommonErrors,
    )
)]
pub async fn family_contact(State(s): State<AppState>, ApiActor(actor): ApiActor) -> Result<Json<Vec<QueuedRequestDto>>, ApiError> {
    let q = s.app.family_contact_queue(&actor).await?;
    Ok(Json(q.waiting.iter().map(QueuedRequestDto::from).collect()))
}
