//! Extractors of the JSON API: the bearer-token actor, ids in the path, the query string and
//! the JSON body. Each rejects with a problem+json response. Handlers take them in this order
//! (actor, path, query, body), so an unauthenticated request is refused before anything else
//! is looked at, and a malformed id answers 404 before the body is read.
use super::problem::{serde_field_problem, ApiError};
use crate::AppState;
use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, FromRequestParts, Path, Query, Request};
use axum::http::request::Parts;
use axum::body::Bytes;
use axum::http::{header, HeaderMap, StatusCode};
use hearth_app::Actor;
use serde::de::DeserializeOwned;
use serde_json::Value;
use std::collections::HashMap;
use uuid::Uuid;

/// The user behind a personal API token (`Authorization: Bearer <token>`). Cookies are never
/// looked at, so the API needs no CSRF protection.
pub struct ApiActor(pub Actor);

/// Longer values cannot be Hearth tokens; they are refused without a database look-up.
const MAX_TOKEN_LEN: usize = 256;

fn bearer_token(parts: &Parts) -> Option<&str> {
    let value = parts.headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.trim().split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty() && token.len() <= MAX_TOKEN_LEN).then_some(token)
}

impl FromRequestParts<AppState> for ApiActor {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let token = bearer_token(parts).ok_or_else(ApiError::unauthenticated)?;
        match state.app.api_actor(token).await? {
            Some(actor) => Ok(ApiActor(actor)),
            None => Err(ApiError::unauthenticated()),
        }
    }
}

/// The ids in the path. Anything that is not a UUID answers 404, as an unknown id does, so
/// that ids cannot be probed.
pub struct PathIds(HashMap<String, Uuid>);

impl PathIds {
    pub fn get(&self, name: &str) -> Result<Uuid, ApiError> {
        self.0.get(name).copied().ok_or_else(ApiError::not_found)
    }
}

impl<S: Send + Sync> FromRequestParts<S> for PathIds {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let Path(raw) = Path::<HashMap<String, String>>::from_request_parts(parts, state).await.map_err(|_| ApiError::not_found())?;
        let mut ids = HashMap::new();
        for (k, v) in raw {
            // Only the canonical hyphenated form, so one record has one address.
            let id = Uuid::try_parse(&v).ok().filter(|u| v.len() == 36 && u.hyphenated().to_string() == v.to_ascii_lowercase());
            ids.insert(k, id.ok_or_else(ApiError::not_found)?);
        }
        Ok(PathIds(ids))
    }
}

/// The query string; a value of the wrong type is a 422 naming the parameter.
pub struct ApiQuery<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match Query::<T>::from_request_parts(parts, state).await {
            Ok(Query(v)) => Ok(ApiQuery(v)),
            Err(rej) => {
                let text = rej.body_text();
                Err(match serde_field_problem(&text) {
                    Some((field, message)) => ApiError::invalid_field(&field, &message),
                    None => ApiError::status(StatusCode::UNPROCESSABLE_ENTITY, &text),
                })
            }
        }
    }
}

/// A JSON body. Its failures are problems too: 415 without `Content-Type: application/json`,
/// 413 over the size limit, 400 for malformed JSON, 422 for JSON of the wrong shape.
pub struct ApiJson<T>(pub T);

/// `application/json`, or another `application/…+json`, with any parameters.
fn is_json(headers: &HeaderMap) -> bool {
    let Some(ct) = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    let essence = ct.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    essence == "application/json" || (essence.starts_with("application/") && essence.ends_with("+json"))
}

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        if !is_json(req.headers()) {
            return Err(ApiError::status(StatusCode::UNSUPPORTED_MEDIA_TYPE, "Send the body as JSON, with `Content-Type: application/json`."));
        }
        // Reading through `Bytes` applies the router's `DefaultBodyLimit`.
        let bytes = Bytes::from_request(req, state).await.map_err(|rej| {
            if rej.status() == StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::status(StatusCode::PAYLOAD_TOO_LARGE, "The body is larger than Hearth accepts. Nothing was saved.")
            } else {
                ApiError::status(StatusCode::BAD_REQUEST, "The body could not be read.")
            }
        })?;
        match axum::Json::<T>::from_bytes(&bytes) {
            Ok(axum::Json(v)) => Ok(ApiJson(v)),
            Err(JsonRejection::JsonDataError(e)) => Err(data_error::<T>(&bytes, &e.body_text())),
            Err(rej) => {
                let text = rej.body_text();
                let detail = text.split_once(": ").map_or(text.as_str(), |(_, m)| m);
                Err(ApiError::status(StatusCode::BAD_REQUEST, &format!("The body is not valid JSON: {detail}")))
            }
        }
    }
}

/// JSON of the wrong shape, as a field error where the field can be found.
fn data_error<T: DeserializeOwned>(bytes: &[u8], text: &str) -> ApiError {
    if let Some((field, message)) = serde_field_problem(text) {
        return ApiError::invalid_field(&field, &message);
    }
    let message = text.split_once(": ").map_or(text, |(_, m)| m);
    // Where the fields of a person or case note are flattened into the body, serde reports
    // no path (and the position of the body's end). The culprit is the top-level field
    // whose removal cures the error.
    let message = message.rsplit_once(" at line ").map_or(message, |(m, _)| m);
    if let Ok(Value::Object(map)) = serde_json::from_slice::<Value>(bytes) {
        for key in map.keys() {
            let mut without = map.clone();
            without.remove(key);
            let cured = match serde_json::from_value::<T>(Value::Object(without)) {
                Ok(_) => true,
                Err(e) => e.to_string().starts_with(&format!("missing field `{key}`")),
            };
            if cured {
                return ApiError::invalid_field(key, message);
            }
        }
    }
    ApiError::status(StatusCode::UNPROCESSABLE_ENTITY, message)
}
