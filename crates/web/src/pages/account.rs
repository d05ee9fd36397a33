//! The user's own account: API tokens and signing out everywhere.
use super::{layout, parse_id};
use crate::error::{render, WebError};
use crate::forms::FormData;
use crate::layout::Layout;
use crate::session::{set_cookie, Signed, Visitor, SESSION_COOKIE};
use crate::AppState;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use hearth_app::{Actor, AppError};
use hearth_domain::user::Permission;
use hearth_domain::{ApiTokenId, FieldErrors};
use hearth_store::ApiTokenRecord;

#[derive(Template)]
#[template(path = "account.html")]
struct AccountPage {
    layout: Layout,
    tokens: Vec<ApiTokenRecord>,
    new_token: Option<String>,
    can_use_api: bool,
    form: FormData,
    errors: FieldErrors,
}

async fn account(s: &AppState, actor: &Actor, v: &Visitor, new_token: Option<String>, form: FormData, errors: FieldErrors, status: StatusCode) -> Result<Response, WebError> {
    let tokens = s.app.api_tokens(actor).await?;
    Ok(render(status, &AccountPage { layout: layout(v, "Your account"), tokens, new_token, can_use_api: actor.can(Permission::UseApi), form, errors }))
}

pub async fn page(State(s): State<AppState>, Signed { actor, .. }: Signed, v: Visitor) -> Result<Response, WebError> {
    account(&s, &actor, &v, None, FormData::default(), FieldErrors::new(), StatusCode::OK).await
}

pub async fn create_token(State(s): State<AppState>, Signed { actor, .. }: Signed, v: Visitor, form: FormData) -> Result<Response, WebError> {
    match s.app.create_api_token(&actor, form.get("name")).await {
        Ok((_, token)) => account(&s, &actor, &v, Some(token), FormData::default(), FieldErrors::new(), StatusCode::OK).await,
        Err(AppError::Invalid(e)) => account(&s, &actor, &v, None, form, e, StatusCode::UNPROCESSABLE_ENTITY).await,
        Err(e) => Err(e.into()),
    }
}

pub async fn revoke_token(State(s): State<AppState>, Signed { actor, .. }: Signed, Path(id): Path<String>) -> Result<Response, WebError> {
    let id: ApiTokenId = parse_id(&id)?;
    s.app.revoke_api_token(&actor, id).await?;
    Ok(Redirect::to("/account").into_response())
}

pub async fn sign_out_everywhere(State(s): State<AppState>, Signed { actor, .. }: Signed) -> Result<Response, WebError> {
    s.app.sign_out_everywhere(&actor).await?;
    let mut res = Redirect::to("/sign-in").into_response();
    res.headers_mut().append(header::SET_COOKIE, set_cookie(s.config.secure_cookies, SESSION_COOKIE, "", true));
    Ok(res)
}
