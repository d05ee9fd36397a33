//! Errors of the JSON API as `application/problem+json` (RFC 9457). Every failure, including
//! those of the extractors (bad JSON, too large, wrong content type), answers in this shape.
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use hearth_app::{AppError, DuplicateWarning};
use hearth_domain::FieldErrors;
use hearth_store::StoreError;
use serde::Serialize;
use utoipa::ToSchema;

use super::dto::PossibleDuplicate;

pub const PROBLEM_JSON: &str = "application/problem+json";

/// A problem detail (RFC 9457).
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Problem {
    /// A URI reference naming the kind of problem; `about:blank` when the status says it all.
    #[serde(rename = "type")]
    #[schema(example = "urn:hearth:problem:validation")]
    pub kind: String,
    /// A short summary of the kind of problem.
    pub title: String,
    /// The HTTP status code.
    #[schema(example = 422)]
    pub status: u16,
    /// What went wrong this time, for a person to read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// One entry for each field that is not valid (422).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub errors: Option<Vec<FieldProblem>>,
    /// The version now stored, when someone else saved first (409 edit conflict).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub current_version: Option<i64>,
    /// Existing records that may be the same person (409 on `POST /people`). Send the request
    /// again with `confirm_not_duplicate: true` to record a new person anyway.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub possible_duplicates: Option<Vec<PossibleDuplicate>>,
    /// The request's id, as in the `x-request-id` response header: quote it to the service
    /// desk.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(example = "0190d4c2-7a1e-7c3b-9f00-2b6a3c1d4e5f")]
    pub request_id: Option<String>,
}

/// One problem with one field of a request.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ToSchema)]
pub struct FieldProblem {
    /// The field's name in the request, e.g. `nhs_number`, `addresses[0].from` or `limit`.
    pub field: String,
    pub message: String,
}

/// An API failure; turns into a problem+json response.
#[derive(Debug)]
pub struct ApiError {
    problem: Box<Problem>,
    /// `WWW-Authenticate: Bearer` on 401.
    challenge: bool,
}

impl ApiError {
    pub fn new(status: StatusCode, kind: &str, title: &str, detail: impl Into<Option<String>>) -> Self {
        ApiError {
            problem: Box::new(Problem {
                kind: kind.to_string(),
                title: title.to_string(),
                status: status.as_u16(),
                detail: detail.into(),
                errors: None,
                current_version: None,
                possible_duplicates: None,
                request_id: None,
            }),
            challenge: status == StatusCode::UNAUTHORIZED,
        }
    }

    /// A problem that the status code explains well enough.
    pub fn status(status: StatusCode, detail: &str) -> Self {
        Self::new(status, "about:blank", status.canonical_reason().unwrap_or("Error"), Some(detail.to_string()))
    }

    pub fn unauthenticated() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "urn:hearth:problem:unauthenticated",
            "Authentication required",
            Some("Send a live personal API token as `Authorization: Bearer <token>`. Tokens are created on the \"Your account\" page.".to_string()),
        )
    }

    pub fn not_found() -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "about:blank",
            "Not Found",
            Some("There is nothing here, or you do not have access to it.".to_string()),
        )
    }

    pub fn invalid(errors: FieldErrors) -> Self {
        let n = errors.0.len();
        let mut e = Self::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "urn:hearth:problem:validation",
            "The request is not valid",
            Some(if n == 1 { "One field is not valid; nothing was saved.".to_string() } else { format!("{n} fields are not valid; nothing was saved.") }),
        );
        e.problem.errors = Some(errors.0.into_iter().map(|f| FieldProblem { field: f.field, message: f.message }).collect());
        e
    }

    pub fn invalid_field(field: &str, message: &str) -> Self {
        let mut errs = FieldErrors::new();
        errs.add(field, message);
        Self::invalid(errs)
    }

    pub fn duplicates(found: &[DuplicateWarning]) -> Self {
        let mut e = Self::new(
            StatusCode::CONFLICT,
            "urn:hearth:problem:possible-duplicate",
            "This person may already have a record",
            Some("Check the possible duplicates. To record a new person anyway, send the request again with \"confirm_not_duplicate\": true. Nothing was saved.".to_string()),
        );
        e.problem.possible_duplicates = Some(found.iter().map(PossibleDuplicate::from).collect());
        e
    }

    pub fn status_code(&self) -> StatusCode {
        StatusCode::from_u16(self.problem.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }

    /// Renames fields of the app layer to the names used in this API's request bodies.
    pub fn rename_field(mut self, from: &str, to: &str) -> Self {
        if let Some(errs) = self.problem.errors.as_mut() {
            for e in errs.iter_mut().filter(|e| e.field == from) {
                e.field = to.to_string();
            }
        }
        self
    }
}

impl From<AppError> for ApiError {
    fn from(e: AppError) -> Self {
        match e {
            AppError::NotFound => ApiError::not_found(),
            AppError::Forbidden => ApiError::status(StatusCode::FORBIDDEN, "Your role does not allow this."),
            AppError::Invalid(errs) => ApiError::invalid(errs),
            AppError::Conflict { current } => {
                let mut e = ApiError::new(
                    StatusCode::CONFLICT,
                    "urn:hearth:problem:edit-conflict",
                    "Someone else changed this record",
                    Some(format!("The record is now at version {current}. Read it again, apply your change to that version and send it with \"version\": {current}. Nothing was saved.")),
                );
                e.problem.current_version = Some(current);
                e
            }
            AppError::BadCredentials | AppError::Locked | AppError::BadCode => ApiError::unauthenticated(),
            AppError::Store(StoreError::Unavailable(err)) => {
                tracing::error!(error = %err, "database unavailable");
                ApiError::status(StatusCode::SERVICE_UNAVAILABLE, "The database cannot be reached. Nothing was changed; try again in a few minutes.")
            }
            AppError::Store(StoreError::CannotWrite(err)) => {
                tracing::error!(error = %err, "the database cannot be written");
                ApiError::status(StatusCode::SERVICE_UNAVAILABLE, crate::error::CANNOT_WRITE)
            }
            other => {
                tracing::error!(error = %other, "API request failed");
                ApiError::status(StatusCode::INTERNAL_SERVER_ERROR, "Something went wrong in Hearth. Nothing was changed.")
            }
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status_code();
        let mut problem = *self.problem;
        problem.request_id = crate::observability::current_request_id().map(|id| id.to_string());
        let mut res = (status, axum::Json(problem)).into_response();
        let h = res.headers_mut();
        h.insert(header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON));
        if self.challenge {
            h.insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer realm=\"Hearth API\""));
        }
        if status == StatusCode::SERVICE_UNAVAILABLE {
            h.insert(header::RETRY_AFTER, HeaderValue::from_static("30"));
        }
        res
    }
}

/// Reads serde's message for a body or query that did not fit the expected types, as a field
/// error where it names one: "`addresses[0].from`: invalid type…" or "missing field `kind`".
pub fn serde_field_problem(text: &str) -> Option<(String, String)> {
    // axum's text is "<what failed>: <path>: <serde message>"; the path is absent at the root.
    let (_, rest) = text.split_once(": ")?;
    if let Some((path, msg)) = rest.split_once(": ")
        && !path.is_empty()
        && !path.contains(char::is_whitespace)
        && path != "."
    {
        let path = path.to_string();
        return Some(match missing_field(msg) {
            Some(f) => (format!("{path}.{f}"), format!("missing field `{f}`")),
            None => (path, msg.to_string()),
        });
    }
    missing_field(rest).map(|f| (f.to_string(), format!("missing field `{f}`")))
        .or_else(|| unknown_field(rest).map(|f| (f.to_string(), rest.to_string())))
}

fn backticked<'a>(msg: &'a str, prefix: &str) -> Option<&'a str> {
    let start = msg.find(prefix)? + prefix.len();
    let end = msg[start..].find('`')? + start;
    Some(&msg[start..end])
}

fn missing_field(msg: &str) -> Option<&str> {
    backticked(msg, "missing field `")
}

fn unknown_field(msg: &str) -> Option<&str> {
    backticked(msg, "unknown field `")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serde_messages_name_their_fields() {
        let p = "Failed to deserialize the JSON body into the target type";
        assert_eq!(
            serde_field_problem(&format!("{p}: addresses[0].from: invalid type: integer `5`, expected a string at line 1 column 3")),
            Some(("addresses[0].from".into(), "invalid type: integer `5`, expected a string at line 1 column 3".into()))
        );
        assert_eq!(serde_field_problem(&format!("{p}: missing field `kind` at line 1 column 2")), Some(("kind".into(), "missing field `kind`".into())));
        assert_eq!(serde_field_problem(&format!("{p}: other_names[0]: missing field `kind`")), Some(("other_names[0].kind".into(), "missing field `kind`".into())));
        assert_eq!(serde_field_problem(&format!("{p}: invalid type: integer `5`, expected a string")), None);
        assert_eq!(serde_field_problem("Failed to deserialize query string: limit: invalid digit found in string"), Some(("limit".into(), "invalid digit found in string".into())));
    }
}
