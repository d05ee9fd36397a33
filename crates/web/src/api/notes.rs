//! `/people/{id}/case-notes` and `/people/{id}/chronology`.
use super::docs::{ReadErrors, ReadQueryErrors, WriteErrors};
use super::dto::{CaseNote, ChronologyKindCode, CaseNotePage, CaseNoteWithVersions, Chronology, CorrectCaseNote, CreateCaseNote};
use super::extract::{ApiActor, ApiJson, ApiQuery, PathIds};
use super::people::{limit, position};
use super::problem::{ApiError, Problem};
use super::{created, Created};
use crate::AppState;
use axum::extract::State;
use axum::Json;
use hearth_app::local_time::uk_local;
use hearth_domain::chronology::ChronologyKind;
use hearth_domain::{CaseNoteId, PersonId};
use serde::Deserialize;
use utoipa::IntoParams;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageParams {
    /// How many notes, 1 to 100 (default 20).
    #[param(minimum = 1, maximum = 100)]
    limit: Option<u32>,
    /// How many notes to skip (default 0).
    #[param(minimum = 0, maximum = 2147483647)]
    offset: Option<u32>,
}

/// The person's case notes, the most recent event first.
#[utoipa::path(
    get, path = "/people/{id}/case-notes", operation_id = "list_case_notes", tag = "case notes",
    params(("id" = uuid::Uuid, Path, description = "The person's Hearth id"), PageParams),
    responses((status = 200, description = "A page of case notes", body = CaseNotePage), ReadQueryErrors)
)]
pub async fn list(State(s): State<AppState>, ApiActor(actor): ApiActor, ids: PathIds, ApiQuery(p): ApiQuery<PageParams>) -> Result<Json<CaseNotePage>, ApiError> {
    let id = PersonId(ids.get("id")?);
    let limit = limit(p.limit)?;
    let offset = position("offset", p.offset, 0, 0)?;
    let (_, notes, total) = s.app.case_notes(&actor, id, limit, offset).await?;
    Ok(Json(CaseNotePage { items: notes.iter().map(Into::into).collect(), total, limit, offset }))
}

/// Records a case note. Management oversight notes are for managers only.
#[utoipa::path(
    post, path = "/people/{id}/case-notes", operation_id = "create_case_note", tag = "case notes",
    params(("id" = uuid::Uuid, Path, description = "The person's Hearth id")),
    request_body = CreateCaseNote,
    responses(
        (status = 201, description = "Recorded", body = CaseNote, headers(("Location" = String, description = "The new case note's address"))),
        WriteErrors,
    )
)]
pub async fn create(State(s): State<AppState>, ApiActor(actor): ApiActor, ids: PathIds, ApiJson(body): ApiJson<CreateCaseNote>) -> Result<Created<CaseNote>, ApiError> {
    let id = PersonId(ids.get("id")?);
    let mut details = body.details.to_domain(uk_local(s.app.now()), &body.unknown).map_err(ApiError::invalid)?;
    details.also_for = body.also_for.iter().copied().map(PersonId).collect();
    let note = s.app.add_case_note(&actor, id, details).await?;
    let answer = CaseNote { also_for: Some(note.details.also_for.iter().map(|p| p.0).collect()), ..CaseNote::from(&note) };
    Ok(created(format!("/api/v1/people/{id}/case-notes/{}", note.id), answer))
}

/// A case note with all its versions, oldest first.
#[utoipa::path(
    get, path = "/people/{id}/case-notes/{note_id}", operation_id = "get_case_note", tag = "case notes",
    params(
        ("id" = uuid::Uuid, Path, description = "The person's Hearth id"),
        ("note_id" = uuid::Uuid, Path, description = "The case note's id"),
    ),
    responses((status = 200, description = "The case note", body = CaseNoteWithVersions), ReadErrors)
)]
pub async fn show(State(s): State<AppState>, ApiActor(actor): ApiActor, ids: PathIds) -> Result<Json<CaseNoteWithVersions>, ApiError> {
    let id = PersonId(ids.get("id")?);
    let note_id = CaseNoteId(ids.get("note_id")?);
    let (_, note, versions) = s.app.case_note(&actor, id, note_id).await?;
    Ok(Json(CaseNoteWithVersions { note: (&note).into(), versions: versions.iter().map(Into::into).collect() }))
}

/// Corrects a case note: the correction is a new version with its reason, and the earlier
/// text stays readable. Only the author or a manager may correct a note.
#[utoipa::path(
    put, path = "/people/{id}/case-notes/{note_id}", operation_id = "correct_case_note", tag = "case notes",
    params(
        ("id" = uuid::Uuid, Path, description = "The person's Hearth id"),
        ("note_id" = uuid::Uuid, Path, description = "The case note's id"),
    ),
    request_body = CorrectCaseNote,
    responses(
        (status = 200, description = "Saved as a new version", body = CaseNote),
        (status = 409, description = "Someone else corrected the note first; `current_version` says which version is stored now", body = Problem, content_type = "application/problem+json"),
        WriteErrors,
    )
)]
pub async fn correct(State(s): State<AppState>, ApiActor(actor): ApiActor, ids: PathIds, ApiJson(body): ApiJson<CorrectCaseNote>) -> Result<Json<CaseNote>, ApiError> {
    let id = PersonId(ids.get("id")?);
    let note_id = CaseNoteId(ids.get("note_id")?);
    let details = body.details.to_domain(uk_local(s.app.now()), &body.unknown).map_err(ApiError::invalid)?;
    let note = s.app.correct_case_note(&actor, id, note_id, body.version, details, &body.reason).await?;
    Ok(Json(CaseNote::from(&note)))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ChronologyParams {
    /// Only entries of this kind.
    #[param(value_type = Option<ChronologyKindCode>)]
    kind: Option<String>,
}

/// The child's chronology, newest first: derived from the record, never typed twice.
#[utoipa::path(
    get, path = "/people/{id}/chronology", operation_id = "get_chronology", tag = "case notes",
    params(("id" = uuid::Uuid, Path, description = "The person's Hearth id"), ChronologyParams),
    responses((status = 200, description = "The chronology", body = Chronology), ReadQueryErrors)
)]
pub async fn chronology(State(s): State<AppState>, ApiActor(actor): ApiActor, ids: PathIds, ApiQuery(p): ApiQuery<ChronologyParams>) -> Result<Json<Chronology>, ApiError> {
    let id = PersonId(ids.get("id")?);
    // Exactly a listed code: an empty `kind=` is not one (leave the parameter out for all).
    let kind = match p.kind.as_deref() {
        None => None,
        Some(k) => Some(ChronologyKind::from_code(k).ok_or_else(|| {
            let codes: Vec<&str> = ChronologyKind::ALL.iter().map(|k| k.code()).collect();
            ApiError::invalid_field("kind", &format!("Enter one of: {}", codes.join(", ")))
        })?),
    };
    let (summary, entries) = s.app.chronology(&actor, id, kind).await?;
    Ok(Json(Chronology { person_id: summary.record.id.0, entries: entries.iter().map(Into::into).collect() }))
}
