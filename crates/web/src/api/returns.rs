//! `/returns/cin` and `/people/{id}/census-readiness`: the CIN census checked with the DfE's
//! rules from the live record.
use super::docs::{ManagerReadErrors, ReadErrors};
use super::dto::{CensusReadiness, CinDataQuality, CinRuleCode, CollectionYearCode};
use super::extract::{ApiActor, ApiQuery, PathIds};
use super::problem::ApiError;
use crate::AppState;
use axum::extract::State;
use axum::Json;
use hearth_domain::returns::cin::SUPPORTED;
use hearth_domain::PersonId;
use serde::Deserialize;
use utoipa::IntoParams;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct QualityParams {
    /// The collection year, "2025-26" or "2026-27"; the year under way when absent.
    #[param(value_type = Option<CollectionYearCode>)]
    year: Option<String>,
    /// Only failures of this rule, e.g. "8610"; every rule when absent.
    #[param(value_type = Option<CinRuleCode>)]
    rule: Option<String>,
    /// Only the children allocated to this team.
    team_id: Option<uuid::Uuid>,
    /// Only the children allocated to this worker.
    worker_id: Option<uuid::Uuid>,
}

/// Every child of the census with something the DfE's rules would fail, the rules that fail
/// and the failures of the return as a whole: the whole LA for those who produce the returns,
/// their teams' children for managers (audited).
#[utoipa::path(
    get, path = "/returns/cin", operation_id = "get_cin_data_quality", tag = "returns",
    params(QualityParams),
    responses((status = 200, description = "The census's data quality", body = CinDataQuality), ManagerReadErrors)
)]
pub async fn quality(State(s): State<AppState>, ApiActor(actor): ApiActor, ApiQuery(p): ApiQuery<QualityParams>) -> Result<Json<CinDataQuality>, ApiError> {
    // Exactly a listed value, as the schema's enums say: no spaces, no other spelling, and an
    // empty value is not one (leave the parameter out instead).
    let year = match p.year.as_deref() {
        None => s.app.current_collection_year(),
        Some(y) => SUPPORTED.iter().copied().find(|c| c.label() == y).ok_or_else(|| {
            let years: Vec<String> = SUPPORTED.iter().map(|c| c.label()).collect();
            ApiError::invalid_field("year", &format!("Enter a collection year Hearth produces: {}", years.join(" or ")))
        })?,
    };
    let rule = p.rule.as_deref();
    if let Some(code) = rule
        && !hearth_cin_census::rules::all().iter().any(|r| r.code == code)
    {
        return Err(ApiError::invalid_field("rule", "There is no CIN census rule with this code"));
    }
    let filter = hearth_app::returns::CensusFilter { team: p.team_id.map(hearth_domain::TeamId), worker: p.worker_id.map(hearth_domain::UserId) };
    let q = s.app.cin_data_quality(&actor, year, rule, filter).await?;
    Ok(Json(CinDataQuality::from(&q)))
}

/// What the census of the year under way would fail for this child if it were taken today,
/// each failure with the page where it is fixed (the read is audited).
#[utoipa::path(
    get, path = "/people/{id}/census-readiness", operation_id = "get_census_readiness", tag = "returns",
    params(("id" = uuid::Uuid, Path, description = "The person's Hearth id")),
    responses((status = 200, description = "The child's return readiness", body = CensusReadiness), ReadErrors)
)]
pub async fn readiness(State(s): State<AppState>, ApiActor(actor): ApiActor, ids: PathIds) -> Result<Json<CensusReadiness>, ApiError> {
    let id = PersonId(ids.get("id")?);
    let r = s.app.census_readiness(&actor, id).await?;
    Ok(Json(CensusReadiness::from(r.as_ref())))
}
