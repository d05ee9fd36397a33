//! `/episodes`, `/referrals/{id}/episode` and `/child-protection`: children in need and child
//! protection. Every change to an episode is one `POST /episodes/{id}/changes` naming its
//! `type`; the use case checks it against the episode, updates the deadline tasks and
//! writes the audit entry, as the web pages do.
use super::docs::{ActionErrors, ReadErrors, WriteErrors};
use super::dto::{ChangeMade, CpDashboard, CreatedRecord, EpisodeChange, EpisodeDetail};
use super::extract::{ApiActor, ApiJson, PathIds};
use super::problem::{ApiError, Problem};
use super::{created, Created};
use crate::AppState;
use axum::extract::State;
use axum::Json;
use hearth_domain::cin::EpisodeId;
use hearth_domain::front_door::ReferralId;

/// Opens the episode of a referral recorded before episodes were (a referral made by a
/// contact decision opens its own). One per referral; a second is a 422.
#[utoipa::path(
    post, path = "/referrals/{id}/episode", operation_id = "open_episode", tag = "child_protection",
    params(("id" = uuid::Uuid, Path, description = "The referral's id")),
    responses(
        (status = 201, description = "Opened", body = CreatedRecord, headers(("Location" = String, description = "The episode's address"))),
        ActionErrors,
    )
)]
pub async fn open_episode(State(s): State<AppState>, ApiActor(actor): ApiActor, ids: PathIds) -> Result<Created<CreatedRecord>, ApiError> {
    let referral = ReferralId(ids.get("id")?);
    let id = s.app.open_episode(&actor, referral).await?;
    Ok(created(format!("/api/v1/episodes/{id}"), CreatedRecord { id: id.0 }))
}

/// An episode with every step, where the child is, and its deadline tasks (the read is
/// audited).
#[utoipa::path(
    get, path = "/episodes/{id}", operation_id = "get_episode", tag = "child_protection",
    params(("id" = uuid::Uuid, Path, description = "The episode's id")),
    responses((status = 200, description = "The episode", body = EpisodeDetail), ReadErrors)
)]
pub async fn episode(State(s): State<AppState>, ApiActor(actor): ApiActor, ids: PathIds) -> Result<Json<EpisodeDetail>, ApiError> {
    let view = s.app.episode_page(&actor, EpisodeId(ids.get("id")?)).await?;
    Ok(Json(EpisodeDetail::from(&view)))
}

/// Records one change to an episode: a child in need plan and its reviews, a strategy
/// discussion, a section 47 enquiry and its outcome, a conference, a core group meeting, the
/// end of a plan, management oversight (managers only), closure with its reason (refused
/// while a plan or enquiry is open, naming them) and the step-down follow-up. Dates out of
/// order are refused naming the record they conflict with; nothing is saved.
#[utoipa::path(
    post, path = "/episodes/{id}/changes", operation_id = "change_episode", tag = "child_protection",
    params(("id" = uuid::Uuid, Path, description = "The episode's id")),
    request_body = EpisodeChange,
    responses(
        (status = 200, description = "Recorded; the episode's version went up by one", body = ChangeMade),
        (status = 409, description = "Someone else changed the episode first; `current_version` says which version is stored now", body = Problem, content_type = "application/problem+json"),
        WriteErrors,
    )
)]
pub async fn change(State(s): State<AppState>, ApiActor(actor): ApiActor, ids: PathIds, ApiJson(body): ApiJson<EpisodeChange>) -> Result<Json<ChangeMade>, ApiError> {
    let id = EpisodeId(ids.get("id")?);
    let change = body.change.to_domain().map_err(ApiError::invalid)?;
    let applied = s.app.change_episode(&actor, id, body.version, change).await?;
    Ok(Json(ChangeMade {
        version: body.version + 1,
        step_id: applied.step.map(|x| x.0),
        plan_id: applied.plan.map(|x| x.0),
        ended_cin_plan_id: applied.ended_cin_plan.map(|x| x.0),
    }))
}

/// The child protection dashboard of the caller's teams (managers): children on plans by
/// latest category and time on the plan, plans over two years and repeat plans flagged, and
/// the overdue initial conferences, reviews, core groups and visits.
#[utoipa::path(
    get, path = "/child-protection", operation_id = "get_cp_dashboard", tag = "child_protection",
    responses(
        (status = 200, description = "The dashboard", body = CpDashboard),
        (status = 403, description = "The caller's role does not allow this.", body = Problem, content_type = "application/problem+json"),
        super::docs::CommonErrors,
    )
)]
pub async fn dashboard(State(s): State<AppState>, ApiActor(actor): ApiActor) -> Result<Json<CpDashboard>, ApiError> {
    let d = s.app.cp_dashboard(&actor).await?;
    Ok(Json(CpDashboard::from(&d)))
}
