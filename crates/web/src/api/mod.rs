//! The JSON API under `/api/v1`, described by an OpenAPI 3.1 document generated from the
//! handlers (`GET /api/v1/openapi.json`).
//!
//! Callers authenticate with a personal API token (`Authorization: Bearer …`), never a
//! cookie, so no CSRF token is needed. Handlers call the same use cases as the web pages:
//! authorisation and audit happen there, never here. Every failure is
//! `application/problem+json`.
mod care;
mod leaving;
mod cin;
mod docs;
mod dto;
mod extract;
mod front_door;
mod manager;
mod notes;
mod people;
mod problem;
mod returns;
mod work;

use crate::AppState;
use axum::body::Bytes;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::{Json, Router};
use problem::ApiError;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// The API's routes, to be nested at `/api/v1`.
pub fn routes(_state: AppState) -> Router<AppState> {
    let (router, doc) = api_router().split_for_parts();
    let spec = Bytes::from(serde_json::to_vec_pretty(&docs::refine(&doc)).unwrap_or_default());
    router
        .route("/openapi.json", axum::routing::get(move || openapi_json(spec.clone())))
        .fallback(|| async { ApiError::not_found() })
        .method_not_allowed_fallback(|| async { ApiError::status(StatusCode::METHOD_NOT_ALLOWED, "This method is not allowed here.") })
}

fn api_router() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(docs::ApiDoc::openapi())
        .routes(routes!(people::search, people::create))
        .routes(routes!(people::show, people::update))
        .routes(routes!(people::history))
        .routes(routes!(people::relationships, people::add_relationship))
        .routes(routes!(people::end_relationship))
        .routes(routes!(notes::list, notes::create))
        .routes(routes!(notes::show, notes::correct))
        .routes(routes!(notes::chronology))
        .routes(routes!(manager::allocations, manager::allocate))
        .routes(routes!(manager::caseloads))
        .routes(routes!(manager::rota, manager::add_to_rota))
        .routes(routes!(manager::remove_from_rota))
        .routes(routes!(manager::timescales))
        .routes(routes!(front_door::create_contact))
        .routes(routes!(front_door::contact))
        .routes(routes!(front_door::decide))
        .routes(routes!(front_door::referral, front_door::update_referral))
        .routes(routes!(front_door::start_assessment))
        .routes(routes!(front_door::assessment, front_door::update_assessment))
        .routes(routes!(front_door::submit))
        .routes(routes!(front_door::return_to_worker))
        .routes(routes!(front_door::authorise))
        .routes(routes!(front_door::person_front_door))
        .routes(routes!(care::care, care::start))
        .routes(routes!(care::change))
        .routes(routes!(care::propose))
        .routes(routes!(care::short_break))
        .routes(routes!(care::decide))
        .routes(routes!(care::providers, care::add_provider))
        .routes(routes!(care::provider, care::change_provider))
        .routes(routes!(care::monitoring_visit))
        .routes(routes!(care::dashboard))
        .routes(routes!(care::family_contact))
        .routes(routes!(leaving::care_leaver))
        .routes(routes!(leaving::change))
        .routes(routes!(leaving::dashboard))
        .routes(routes!(leaving::services))
        .routes(routes!(leaving::service))
        .routes(routes!(leaving::referrals, leaving::refer))
        .routes(routes!(leaving::change_referral))
        .routes(routes!(cin::open_episode))
        .routes(routes!(cin::episode))
        .routes(routes!(cin::change))
        .routes(routes!(cin::dashboard))
        .routes(routes!(returns::quality))
        .routes(routes!(returns::readiness))
        .routes(routes!(work::mine))
        .routes(routes!(work::team))
}

/// The OpenAPI document of the API, as served at `/api/v1/openapi.json`.
pub fn openapi() -> serde_json::Value {
    docs::refine(&api_router().into_openapi())
}

async fn openapi_json(spec: Bytes) -> Response {
    ([(header::CONTENT_TYPE, HeaderValue::from_static("application/json"))], spec).into_response()
}

/// A 201 answer with the new resource's address.
pub type Created<T> = (StatusCode, [(header::HeaderName, String); 1], Json<T>);

pub fn created<T>(location: String, body: T) -> Created<T> {
    (StatusCode::CREATED, [(header::LOCATION, location)], Json(body))
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_document_is_openapi_3_1_with_a_bearer_scheme() {
        let doc = super::openapi();
        assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"));
        assert_eq!(doc["components"]["securitySchemes"]["bearer"]["scheme"], "bearer");
    }
}
