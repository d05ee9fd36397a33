//! One-time set-up links: the owner of a new account (or one whose administrator issued a
//! new link) sets their own password, and their authenticator when the account needs one.
use crate::error::{html_error, render, WebError};
use crate::forms::FormData;
use crate::layout::Layout;
use crate::pages::auth::Authenticator;
use crate::session::{see_other, Visitor};
use crate::AppState;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use hearth_app::auth::{SetupAnswer, SetupView};
use hearth_app::AppError;
use hearth_domain::FieldErrors;

#[derive(Template)]
#[template(path = "setup.html")]
struct SetupPage {
    layout: Layout,
    token: String,
    view: SetupView,
    authenticator: Option<Authenticator>,
    errors: FieldErrors,
}

/// A link that does not work: the same page whether it never existed, was used, expired or
/// was replaced.
fn dead_link() -> Response {
    html_error(
        StatusCode::NOT_FOUND,
        "This set-up link does not work",
        "It has been used already, has expired (links last 72 hours) or was replaced by a newer one. Ask your administrator for a new link.",
    )
}

/// Tokens are 64 hex digits; anything else is not looked up.
fn plausible(token: &str) -> bool {
    token.len() == 64 && token.bytes().all(|b| b.is_ascii_hexdigit())
}

fn page(v: &Visitor, token: String, view: SetupView, errors: FieldErrors) -> Response {
    let authenticator = view.proposed_totp.clone().map(|secret| Authenticator::of(secret, &view.username));
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    render(status, &SetupPage { layout: Layout::for_visitor(v, "Set up your Hearth account"), token, view, authenticator, errors })
}

pub async fn form(State(s): State<AppState>, v: Visitor, Path(token): Path<String>) -> Response {
    if !plausible(&token) {
        return dead_link();
    }
    match s.app.setup_link(&token).await {
        Ok(view) => page(&v, token, view, FieldErrors::new()),
        Err(AppError::NotFound) => dead_link(),
        Err(e) => WebError(e).into_response(),
    }
}

pub async fn submit(State(s): State<AppState>, v: Visitor, Path(token): Path<String>, form: FormData) -> Response {
    if !plausible(&token) {
        return dead_link();
    }
    let answer = SetupAnswer {
        password: form.get("password").to_string(),
        confirm: form.get("confirm").to_string(),
        code: form.get("code").to_string(),
    };
    match s.app.complete_setup(&token, &answer).await {
        Ok(()) => see_other("/sign-in?notice=setup"),
        Err(AppError::Invalid(errors)) => match s.app.setup_link(&token).await {
            Ok(view) => page(&v, token, view, errors),
            Err(AppError::NotFound) => dead_link(),
            Err(e) => WebError(e).into_response(),
        },
        Err(AppError::NotFound) => dead_link(),
        Err(e) => WebError(e).into_response(),
    }
}
