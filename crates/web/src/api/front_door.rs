//! `/contacts`, `/referrals`, `/assessments` and `/people/{id}/front-door`: the front door,
//! from the contact to the authorised assessment. Each handler turns JSON into the domain's
//! types and calls the same use case as the web pages; the use case decides who may do what,
//! computes and closes the deadline tasks, and writes the audit entry.
use super::docs::{CreateErrors, ReadErrors, WriteErrors};
use super::dto::{
    AssessmentDetail, AuthoriseAssessment, ContactDetail, CreateContact, CreatedRecord, DecideContact, DecisionMade, PersonFrontDoor, ReferralDetail,
    ReturnAssessment, StartAssessment, SubmitAssessment, UpdateAssessment, UpdateReferral, REFERRER_FIELDS,
};
use super::extract::{ApiActor, ApiJson, PathIds};
use super::problem::{ApiError, Problem};
use super::{created, Created};
use crate::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use hearth_app::{AppError, SignOff};
use hearth_domain::front_door::{AssessmentId, ContactId, ReferralId};
use hearth_domain::{FieldErrors, PersonId};

/// The app's errors about a contact, with the referrer's fields named as in this API.
fn contact_error(e: AppError) -> ApiError {
    REFERRER_FIELDS.iter().fold(ApiError::from(e), |err, (from, to)| err.rename_field(from, to))
}

/// Records a contact about one or more children, and the task of deciding on it: due by the
/// pack's screening timescale (national: 1 working day), in the recording worker's team tray.
/// Every child and family member must be a record the caller may open; one that is unknown
/// or hidden is a 422 on `children` (and `family_members`), the two never told apart.
#[utoipa::path(
    post, path = "/contacts", operation_id = "create_contact", tag = "front_door",
    request_body = CreateContact,
    responses(
        (status = 201, description = "Recorded", body = CreatedRecord, headers(("Location" = String, description = "The new contact's address"))),
        CreateErrors,
    )
)]
pub async fn create_contact(State(s): State<AppState>, ApiActor(actor): ApiActor, ApiJson(body): ApiJson<CreateContact>) -> Result<Created<CreatedRecord>, ApiError> {
    let new = body.to_domain(s.app.now()).map_err(ApiError::invalid)?;
    let family = !new.family_members.is_empty();
    let id = s.app.record_contact(&actor, new).await.map_err(|e| match e {
        AppError::NotFound => {
            let message = "Each child and family member must be the Hearth id of a record you can open";
            let mut errs = FieldErrors::new();
            errs.add("children", message);
            if family {
                errs.add("family_members", message);
            }
            ApiError::invalid(errs)
        }
        e => contact_error(e),
    })?;
    Ok(created(format!("/api/v1/contacts/{id}"), CreatedRecord { id: id.0 }))
}

/// A contact with its people, its deadline tasks, its decision and the referrals it made. The
/// caller must be able to open every child it is about (the read is audited).
#[utoipa::path(
    get, path = "/contacts/{id}", operation_id = "get_contact", tag = "front_door",
    params(("id" = uuid::Uuid, Path, description = "The contact's id")),
    responses((status = 200, description = "The contact", body = ContactDetail), ReadErrors)
)]
pub async fn contact(State(s): State<AppState>, ApiActor(actor): ApiActor, ids: PathIds) -> Result<Json<ContactDetail>, ApiError> {
    let id = ContactId(ids.get("id")?);
    let view = s.app.contact_page(&actor, id).await?;
    Ok(Json(ContactDetail::from(&view)))
}

/// Records the screening decision (managers). It closes the decision task; `referral` and
/// `strategy_discussion` make a referral for each child, with the deadlines of the pack in
/// force (national: the single assessment within 45 working days of the referral). A
/// decision is recorded once.
#[utoipa::path(
    post, path = "/contacts/{id}/decision", operation_id = "decide_contact", tag = "front_door",
    params(("id" = uuid::Uuid, Path, description = "The contact's id")),
    request_body = DecideContact,
    responses(
        (status = 200, description = "Recorded; the contact's version went up by one", body = DecisionMade),
        (status = 409, description = "Someone else changed the contact first; `current_version` says which version is stored now", body = Problem, content_type = "application/problem+json"),
        WriteErrors,
    )
)]
pub async fn decide(State(s): State<AppState>, ApiActor(actor): ApiActor, ids: PathIds, ApiJson(body): ApiJson<DecideContact>) -> Result<Json<DecisionMade>, ApiError> {
    let id = ContactId(ids.get("id")?);
    let decision = body.to_domain().map_err(ApiError::invalid)?;
    let made = s.app.decide_contact(&actor, id, body.version, decision).await?;
    Ok(Json(DecisionMade { contact_id: id.0, referral_ids: made.iter().map(|r| r.0).collect() }))
}

/// A referral with its deadline tasks and its assessment (the read is audited).
#[utoipa::path(
    get, path = "/referrals/{id}", operation_id = "get_referral", tag = "front_door",
    params(("id" = uuid::Uuid, Path, description = "The referral's id")),
    responses((status = 200, description = "The referral", body = ReferralDetail), ReadErrors)
)]
pub async fn referral(State(s): State<AppState>, ApiActor(actor): ApiActor, ids: PathIds) -> Result<Json<ReferralDetail>, ApiError> {
    let id = ReferralId(ids.get("id")?);
    let view = s.app.referral_page(&actor, id).await?;
    Ok(Json(ReferralDetail::from(&view)))
}

/// Records the referral's primary need and whether it closed with no further action. NFA
/// closes the referral's open deadline tasks; it is refused while the assessment is with a
/// manager.
#[utoipa::path(
    put, path = "/referrals/{id}", operation_id = "update_referral", tag = "front_door",
    params(("id" = uuid::Uuid, Path, description = "The referral's id")),
    request_body = UpdateReferral,
    responses(
        (status = 204, description = "Saved; the referral's version went up by one"),
        (status = 409, description = "Someone else changed the referral first; `current_version` says which version is stored now", body = Problem, content_type = "application/problem+json"),
        WriteErrors,
    )
)]
pub async fn update_referral(State(s): State<AppState>, ApiActor(actor): ApiActor, ids: PathIds, ApiJson(body): ApiJson<UpdateReferral>) -> Result<StatusCode, ApiError> {
    let id = ReferralId(ids.get("id")?);
    let need = body.primary_need().map_err(ApiError::invalid)?;
    s.app.update_referral(&actor, id, body.version, need, body.nfa).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Starts the referral's single assessment (one per referral), authored by the caller.
/// Starting it is the response to the referral: that task closes.
#[utoipa::path(
    post, path = "/referrals/{id}/assessment", operation_id = "start_assessment", tag = "front_door",
    params(("id" = uuid::Uuid, Path, description = "The referral's id")),
    request_body = StartAssessment,
    responses(
        (status = 201, description = "Started", body = CreatedRecord, headers(("Location" = String, description = "The new assessment's address"))),
        WriteErrors,
    )
)]
pub async fn start_assessment(State(s): State<AppState>, ApiActor(actor): ApiActor, ids: PathIds, ApiJson(body): ApiJson<StartAssessment>) -> Result<Created<CreatedRecord>, ApiError> {
    let id = ReferralId(ids.get("id")?);
    let start = body.start_date().map_err(ApiError::invalid)?;
    let assessment = s.app.start_assessment(&actor, id, start).await?;
    Ok(created(format!("/api/v1/assessments/{assessment}"), CreatedRecord { id: assessment.0 }))
}

/// An assessment: its content, state and sign-off history, the deadline tasks, the
/// child-seen check, what stops it being signed off, and every saved version (audited).
#[utoipa::path(
    get, path = "/assessments/{id}", operation_id = "get_assessment", tag = "front_door",
    params(("id" = uuid::Uuid, Path, description = "The assessment's id")),
    responses((status = 200, description = "The assessment", body = AssessmentDetail), ReadErrors)
)]
pub async fn assessment(State(s): State<AppState>, ApiActor(actor): ApiActor, ids: PathIds) -> Result<Json<AssessmentDetail>, ApiError> {
    let id = AssessmentId(ids.get("id")?);
    let view = s.app.assessment_page(&actor, id).await?;
    Ok(Json(AssessmentDetail::from(&view)))
}

/// Saves the assessment's content while it is a draft or returned (a 422 on `state`
/// otherwise). Recording a day the child was seen closes the child-seen task.
#[utoipa::path(
    put, path = "/assessments/{id}", operation_id = "update_assessment", tag = "front_door",
    params(("id" = uuid::Uuid, Path, description = "The assessment's id")),
    request_body = UpdateAssessment,
    responses(
        (status = 204, description = "Saved; the assessment's version went up by one"),
        (status = 409, description = "Someone else changed the assessment first; `current_version` says which version is stored now", body = Problem, content_type = "application/problem+json"),
        WriteErrors,
    )
)]
pub async fn update_assessment(State(s): State<AppState>, ApiActor(actor): ApiActor, ids: PathIds, ApiJson(body): ApiJson<UpdateAssessment>) -> Result<StatusCode, ApiError> {
    let id = AssessmentId(ids.get("id")?);
    let content = body.to_domain().map_err(ApiError::invalid)?;
    s.app.save_assessment(&actor, id, body.version, content).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn sign_off(s: &AppState, actor: &hearth_app::Actor, ids: &PathIds, version: i64, step: SignOff) -> Result<StatusCode, ApiError> {
    let id = AssessmentId(ids.get("id")?);
    s.app.sign_off(actor, id, version, step).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Sends the assessment to a manager: the author or the allocated worker, once it is ready
/// (`readiness` of the assessment is empty). It puts an authorisation task in the tray of the
/// submitter's line manager. A refusal of the step itself is a 422 on `state` (wrong state)
/// or `sign_off` (not the author or allocated worker).
#[utoipa::path(
    post, path = "/assessments/{id}/submit", operation_id = "submit_assessment", tag = "front_door",
    params(("id" = uuid::Uuid, Path, description = "The assessment's id")),
    request_body = SubmitAssessment,
    responses(
        (status = 204, description = "Submitted; the assessment's version went up by one"),
        (status = 409, description = "Someone else changed the assessment first; `current_version` says which version is stored now", body = Problem, content_type = "application/problem+json"),
        WriteErrors,
    )
)]
pub async fn submit(State(s): State<AppState>, ApiActor(actor): ApiActor, ids: PathIds, ApiJson(body): ApiJson<SubmitAssessment>) -> Result<StatusCode, ApiError> {
    sign_off(&s, &actor, &ids, body.version, SignOff::Submit).await
}

/// Sends a submitted assessment back to the worker with what to change (managers; 403
/// otherwise). It closes the authorisation task.
#[utoipa::path(
    post, path = "/assessments/{id}/return", operation_id = "return_assessment", tag = "front_door",
    params(("id" = uuid::Uuid, Path, description = "The assessment's id")),
    request_body = ReturnAssessment,
    responses(
        (status = 204, description = "Returned; the assessment's version went up by one"),
        (status = 409, description = "Someone else changed the assessment first; `current_version` says which version is stored now", body = Problem, content_type = "application/problem+json"),
        WriteErrors,
    )
)]
pub async fn return_to_worker(State(s): State<AppState>, ApiActor(actor): ApiActor, ids: PathIds, ApiJson(body): ApiJson<ReturnAssessment>) -> Result<StatusCode, ApiError> {
    sign_off(&s, &actor, &ids, body.version, SignOff::Return { comment: body.comment }).await
}

/// Signs a submitted assessment off (managers; 403 otherwise): it is complete, and the
/// referral's assessment and child-seen tasks close with the authorisation task. The
/// assessment's author may not authorise it: that is a 422 on `sign_off`.
#[utoipa::path(
    post, path = "/assessments/{id}/authorise", operation_id = "authorise_assessment", tag = "front_door",
    params(("id" = uuid::Uuid, Path, description = "The assessment's id")),
    request_body = AuthoriseAssessment,
    responses(
        (status = 204, description = "Authorised; the assessment's version went up by one"),
        (status = 409, description = "Someone else changed the assessment first; `current_version` says which version is stored now", body = Problem, content_type = "application/problem+json"),
        WriteErrors,
    )
)]
pub async fn authorise(State(s): State<AppState>, ApiActor(actor): ApiActor, ids: PathIds, ApiJson(body): ApiJson<AuthoriseAssessment>) -> Result<StatusCode, ApiError> {
    let on = body.authorised_on().map_err(ApiError::invalid)?;
    sign_off(&s, &actor, &ids, body.version, SignOff::Authorise { on, comment: body.comment }).await
}

/// A person's contacts and referrals, newest first, each referral with its assessment's
/// state (the read is audited). A contact is listed in brief: its reason and its other
/// people are on the contact itself.
#[utoipa::path(
    get, path = "/people/{id}/front-door", operation_id = "get_person_front_door", tag = "front_door",
    params(("id" = uuid::Uuid, Path, description = "The person's Hearth id")),
    responses((status = 200, description = "The person's contacts and referrals", body = PersonFrontDoor), ReadErrors)
)]
pub async fn person_front_door(State(s): State<AppState>, ApiActor(actor): ApiActor, ids: PathIds) -> Result<Json<PersonFrontDoor>, ApiError> {
    let id = PersonId(ids.get("id")?);
    let hearth_app::FrontDoorHistory { contacts, referrals, episodes, .. } = s.app.front_door_of(&actor, id).await?;
    Ok(Json(PersonFrontDoor::new(id, &contacts, &referrals, &episodes)))
}
