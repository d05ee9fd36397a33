//! Failures as pages: a GOV.UK-style page with the right status, never a stack trace.
use crate::layout::Layout;
use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use hearth_app::AppError;
use hearth_store::StoreError;

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    layout: Layout,
    heading: &'a str,
    message: &'a str,
    /// The request's id, shown so that a user can quote it to the service desk.
    reference: Option<String>,
    /// Say how to ask for emergency access (on "not found", which is also what a record one
    /// may not open answers, so the page says it to both alike).
    emergency_access: bool,
}

pub fn html_error(status: StatusCode, heading: &str, message: &str) -> Response {
    let reference = crate::observability::current_request_id().map(|id| id.to_string());
    let page = ErrorPage { layout: Layout::bare(heading), heading, message, reference, emergency_access: status == StatusCode::NOT_FOUND };
    render(status, &page)
}

pub fn render<T: Template>(status: StatusCode, t: &T) -> Response {
    match t.render() {
        // A form shown again with its errors: the title says so first (GOV.UK), on every
        // page alike, whether or not its handler remembered to.
        Ok(html) if status == StatusCode::UNPROCESSABLE_ENTITY && !html.contains("<title>Error:") => (status, Html(html.replacen("<title>", "<title>Error: ", 1))).into_response(),
        Ok(html) => (status, Html(html)).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "template failed");
            (StatusCode::INTERNAL_SERVER_ERROR, "Something went wrong").into_response()
        }
    }
}

/// What a page or API answer says when the database cannot be written.
pub const CANNOT_WRITE: &str = "Hearth cannot save right now: the database is full or read-only; nothing was saved. Everything saved before is safe. Tell your IT service desk, and try again in a few minutes.";

/// An error from a page handler.
#[derive(Debug)]
pub struct WebError(pub AppError);

impl From<AppError> for WebError {
    fn from(e: AppError) -> Self {
        WebError(e)
    }
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        match self.0 {
            AppError::NotFound => html_error(StatusCode::NOT_FOUND, "Page not found", "If you typed the web address, check it is correct. If you followed a link, the record may not exist or you may not have access to it."),
            AppError::Forbidden => html_error(StatusCode::FORBIDDEN, "You do not have permission to do that", "Your role does not allow this. Ask your manager or an administrator if you think it should."),
            AppError::Store(StoreError::Unavailable(_)) => html_error(StatusCode::SERVICE_UNAVAILABLE, "Sorry, Hearth is unavailable", "The database cannot be reached. Nothing you saved has been lost. Try again in a few minutes."),
            AppError::Store(StoreError::CannotWrite(e)) => {
                tracing::error!(error = %e, "the database cannot be written");
                html_error(StatusCode::SERVICE_UNAVAILABLE, "Hearth cannot save right now", CANNOT_WRITE)
            }
            AppError::Conflict { .. } => html_error(StatusCode::CONFLICT, "Someone else changed this record", "Go back and reload the page to see their change. Nothing was saved."),
            AppError::Invalid(e) => html_error(StatusCode::UNPROCESSABLE_ENTITY, "There is a problem", &e.to_string()),
            other => {
                tracing::error!(error = %other, "request failed");
                html_error(StatusCode::INTERNAL_SERVER_ERROR, "Sorry, there is a problem with Hearth", "Nothing was changed. Try again; if it happens again, tell your IT service desk.")
            }
        }
    }
}
