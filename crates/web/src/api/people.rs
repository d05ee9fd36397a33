//! `/people`: search, record, read, correct, history and the family network. Each handler
//! turns JSON into the domain's types and calls the same use case as the web pages; the use
//! case decides who may do what and writes the audit entry.
use super::docs::{CreateErrors, ReadErrors, SearchErrors, WriteErrors};
use super::dto::{
    opt_date, parse_date, parse_uuid, AddRelationship, CreatePerson, EndRelationship, FamilyNetwork, Person, PersonHistory, Relationship, SearchResults,
    UpdatePerson,
};
use super::extract::{ApiActor, ApiJson, ApiQuery, PathIds};
use super::problem::{ApiError, Problem};
use super::{created, Created};
use crate::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use hearth_app::NewRelationship;
use hearth_domain::codes::Coded;
use hearth_domain::relationship::RelationshipType;
use hearth_domain::{FieldErrors, PersonId, RelationshipId};
use serde::Deserialize;
use utoipa::IntoParams;

/// The most results or items one request returns.
pub const MAX_LIMIT: u32 = 100;
pub const DEFAULT_LIMIT: u32 = 20;

/// The largest offset or page number: the schema's, a 32-bit signed integer, which is what a
/// client in any language can send; larger values are refused rather than clamped.
pub const MAX_POSITION: u32 = 2_147_483_647;

/// A position in a list (`offset`, `page`) no larger than [`MAX_POSITION`].
pub fn position(field: &str, value: Option<u32>, min: u32, default: u32) -> Result<u32, ApiError> {
    match value {
        None => Ok(default),
        Some(n) if (min..=MAX_POSITION).contains(&n) => Ok(n),
        Some(_) => Err(ApiError::invalid_field(field, &format!("The {field} must be a whole number from {min} to {MAX_POSITION}"))),
    }
}

pub fn limit(value: Option<u32>) -> Result<u32, ApiError> {
    match value {
        None => Ok(DEFAULT_LIMIT),
        Some(n) if (1..=MAX_LIMIT).contains(&n) => Ok(n),
        Some(_) => Err(ApiError::invalid_field("limit", "The limit must be a whole number from 1 to 100")),
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SearchParams {
    /// Name (typos tolerated), date of birth (YYYY-MM-DD), NHS number, UPN or Hearth id:
    /// not blank, 200 characters or fewer.
    #[param(example = "Amy Lee", value_type = String, required = true, min_length = 1, max_length = 200, pattern = r"[^\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]")]
    q: Option<String>,
    /// How many results, 1 to 100 (default 20).
    #[param(minimum = 1, maximum = 100)]
    limit: Option<u32>,
}

/// Finds people among those the caller may see (the search is audited).
#[utoipa::path(
    get, path = "/people", operation_id = "search_people", tag = "people",
    params(SearchParams),
    responses((status = 200, description = "Matching people, best first", body = SearchResults), SearchErrors)
)]
pub async fn search(State(s): State<AppState>, ApiActor(actor): ApiActor, ApiQuery(p): ApiQuery<SearchParams>) -> Result<Json<SearchResults>, ApiError> {
    let raw = p.q.as_deref().unwrap_or_default();
    // Counted as sent, spaces and all, as the schema's `maxLength` counts.
    if raw.chars().count() > 200 {
        return Err(ApiError::invalid_field("q", "The search must be 200 characters or fewer"));
    }
    let q = raw.trim();
    if q.is_empty() {
        return Err(ApiError::invalid_field("q", "Enter a name, date of birth, NHS number, UPN or Hearth id"));
    }
    let limit = limit(p.limit)?;
    let found = s.app.search(&actor, q, limit).await?;
    Ok(Json(SearchResults { results: found.iter().map(Into::into).collect() }))
}

/// Records a new person, allocated to the caller's team (and to the caller if they hold cases).
#[utoipa::path(
    post, path = "/people", operation_id = "create_person", tag = "people",
    request_body = CreatePerson,
    responses(
        (status = 201, description = "Recorded", body = Person, headers(("Location" = String, description = "The new record's address"))),
        (status = 409, description = "Existing records may be the same person (`possible_duplicates`); nothing was saved", body = Problem, content_type = "application/problem+json"),
        CreateErrors,
    )
)]
pub async fn create(State(s): State<AppState>, ApiActor(actor): ApiActor, ApiJson(body): ApiJson<CreatePerson>) -> Result<Created<Person>, ApiError> {
    let details = body.details.to_domain(s.app.today(), &body.unknown).map_err(ApiError::invalid)?;
    if !body.confirm_not_duplicate {
        let found = s.app.possible_duplicates(&actor, &details).await?;
        if !found.is_empty() {
            return Err(ApiError::duplicates(&found));
        }
    }
    let record = s.app.create_person(&actor, details).await?;
    Ok(created(format!("/api/v1/people/{}", record.id), Person::from(&record)))
}

/// A person's record as it is now (the read is audited).
#[utoipa::path(
    get, path = "/people/{id}", operation_id = "get_person", tag = "people",
    params(("id" = uuid::Uuid, Path, description = "The person's Hearth id")),
    responses((status = 200, description = "The record", body = Person), ReadErrors)
)]
pub async fn show(State(s): State<AppState>, ApiActor(actor): ApiActor, ids: PathIds) -> Result<Json<Person>, ApiError> {
    let id = PersonId(ids.get("id")?);
    let record = s.app.person(&actor, id).await?;
    Ok(Json(Person::from(&record)))
}

/// Saves a change to a person's facts as a new version. A change to a recorded fact needs a
/// `reason`; a stale `version` is a conflict and nothing is saved.
#[utoipa::path(
    put, path = "/people/{id}", operation_id = "update_person", tag = "people",
    params(("id" = uuid::Uuid, Path, description = "The person's Hearth id")),
    request_body = UpdatePerson,
    responses(
        (status = 200, description = "Saved (or nothing changed)", body = Person),
        (status = 409, description = "Someone else saved first; `current_version` says which version is stored now", body = Problem, content_type = "application/problem+json"),
        WriteErrors,
    )
)]
pub async fn update(State(s): State<AppState>, ApiActor(actor): ApiActor, ids: PathIds, ApiJson(body): ApiJson<UpdatePerson>) -> Result<Json<Person>, ApiError> {
    let id = PersonId(ids.get("id")?);
    let details = body.details.to_domain(s.app.today(), &body.unknown).map_err(ApiError::invalid)?;
    let record = s.app.update_person(&actor, id, body.version, details, body.reason).await?;
    Ok(Json(Person::from(&record)))
}

/// Every version of the record, oldest first, and every change to each fact.
#[utoipa::path(
    get, path = "/people/{id}/history", operation_id = "get_person_history", tag = "people",
    params(("id" = uuid::Uuid, Path, description = "The person's Hearth id")),
    responses((status = 200, description = "The history", body = PersonHistory), ReadErrors)
)]
pub async fn history(State(s): State<AppState>, ApiActor(actor): ApiActor, ids: PathIds) -> Result<Json<PersonHistory>, ApiError> {
    let id = PersonId(ids.get("id")?);
    let (summary, versions, changes) = s.app.person_history(&actor, id).await?;
    Ok(Json(PersonHistory {
        id: summary.record.id.0,
        current_version: summary.record.version,
        versions: versions.iter().map(Into::into).collect(),
        changes: changes.iter().map(Into::into).collect(),
    }))
}

/// The person's family network and the professionals involved. Restricted relatives the
/// caller may not see are left out.
#[utoipa::path(
    get, path = "/people/{id}/relationships", operation_id = "list_relationships", tag = "people",
    params(("id" = uuid::Uuid, Path, description = "The person's Hearth id")),
    responses((status = 200, description = "The family network", body = FamilyNetwork), ReadErrors)
)]
pub async fn relationships(State(s): State<AppState>, ApiActor(actor): ApiActor, ids: PathIds) -> Result<Json<FamilyNetwork>, ApiError> {
    let id = PersonId(ids.get("id")?);
    let family = s.app.family(&actor, id).await?;
    Ok(Json(FamilyNetwork::new(id, &family)))
}

/// Links another recorded person to this one. Both records must be ones the caller can open.
#[utoipa::path(
    post, path = "/people/{id}/relationships", operation_id = "add_relationship", tag = "people",
    params(("id" = uuid::Uuid, Path, description = "The person's Hearth id")),
    request_body = AddRelationship,
    responses(
        (status = 201, description = "Recorded", body = Relationship, headers(("Location" = String, description = "The person's relationships"))),
        WriteErrors,
    )
)]
pub async fn add_relationship(State(s): State<AppState>, ApiActor(actor): ApiActor, ids: PathIds, ApiJson(body): ApiJson<AddRelationship>) -> Result<Created<Relationship>, ApiError> {
    let id = PersonId(ids.get("id")?);
    let mut errs = FieldErrors::new();
    let role = RelationshipType::from_code(body.role.trim());
    if role.is_none() {
        errs.add("role", "Enter a valid relationship role code");
    }
    let other = parse_uuid(&body.other_person_id).map(PersonId);
    if other.is_none() {
        errs.add("other_person_id", "Enter the Hearth id of the other person's record");
    }
    let started = opt_date("started", &body.started, &mut errs);
    let (Some(role), Some(other), true) = (role, other, errs.is_empty()) else {
        return Err(ApiError::invalid(errs));
    };
    let rel = s
        .app
        .add_relationship(&actor, id, NewRelationship { role, other, started, note: body.note, household: hearth_app::Household { lives_with: body.lives_with, holds_pr: body.holds_pr } })
        .await
        .map_err(|e| ApiError::from(e).rename_field("other", "other_person_id"))?;
    Ok(created(format!("/api/v1/people/{id}/relationships"), Relationship::seen_from(&rel, id)))
}

/// Ends a relationship on a date; it stays in the record, with its start.
#[utoipa::path(
    post, path = "/people/{id}/relationships/{rid}/end", operation_id = "end_relationship", tag = "people",
    params(
        ("id" = uuid::Uuid, Path, description = "The person's Hearth id"),
        ("rid" = uuid::Uuid, Path, description = "The relationship's id"),
    ),
    request_body = EndRelationship,
    responses(
        (status = 204, description = "Ended; the relationship's version went up by one"),
        (status = 409, description = "Someone else changed the relationship first; `current_version` says which version is stored now", body = Problem, content_type = "application/problem+json"),
        WriteErrors,
    )
)]
pub async fn end_relationship(State(s): State<AppState>, ApiActor(actor): ApiActor, ids: PathIds, ApiJson(body): ApiJson<EndRelationship>) -> Result<StatusCode, ApiError> {
    let id = PersonId(ids.get("id")?);
    let rid = RelationshipId(ids.get("rid")?);
    let ended = parse_date(body.ended.trim()).ok_or_else(|| ApiError::invalid_field("ended", "Enter a real date as YYYY-MM-DD, for example 2016-05-01"))?;
    s.app.end_relationship(&actor, id, rid, body.version, ended).await?;
    Ok(StatusCode::NO_CONTENT)
}
