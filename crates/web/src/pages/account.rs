//! The user's own account: their password, their authenticator, API tokens and signing out
//! everywhere.
use super::{layout, parse_id};
use crate::error::{render, WebError};
use crate::forms::FormData;
use crate::layout::Layout;
use crate::pages::auth::Authenticator;
use crate::session::{see_other, session_cookie_header, Signed, Visitor};
use crate::AppState;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use hearth_app::auth::SignedOut;
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
    has_mfa: bool,
    /// A new authenticator to set up or replace the current one with.
    authenticator: Authenticator,
    form: FormData,
    errors: FieldErrors,
}

/// The account page; `form`/`errors` are those of the form just refused (if any), `notice`
/// what was just done.
async fn account(s: &AppState, actor: &Actor, v: &Visitor, new_token: Option<String>, form: FormData, errors: FieldErrors, notice: Option<String>) -> Result<Response, WebError> {
    let tokens = s.app.api_tokens(actor).await?;
    // After a wrong code the same new key is shown again, so the app need not be changed twice.
    let authenticator = match form.get("secret") {
        "" => Authenticator::new(&actor.user.username),
        kept => Authenticator::of(kept.to_string(), &actor.user.username),
    };
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let page = AccountPage {
        layout: layout(v, "Your account").with_flash(notice),
        tokens,
        new_token,
        can_use_api: actor.can(Permission::UseApi),
        has_mfa: actor.user.totp_secret.is_some(),
        authenticator,
        form,
        errors,
    };
    Ok(render(status, &page))
}

pub async fn page(State(s): State<AppState>, Signed { actor, .. }: Signed, v: Visitor) -> Result<Response, WebError> {
    account(&s, &actor, &v, None, FormData::default(), FieldErrors::new(), None).await
}

pub async fn create_token(State(s): State<AppState>, Signed { actor, .. }: Signed, v: Visitor, form: FormData) -> Result<Response, WebError> {
    match s.app.create_api_token(&actor, form.get("name")).await {
        Ok((_, token)) => account(&s, &actor, &v, Some(token), FormData::default(), FieldErrors::new(), None).await,
        Err(AppError::Invalid(e)) => account(&s, &actor, &v, None, form, e, None).await,
        Err(e) => Err(e.into()),
    }
}

pub async fn revoke_token(State(s): State<AppState>, Signed { actor, .. }: Signed, Path(id): Path<String>) -> Result<Response, WebError> {
    let id: ApiTokenId = parse_id(&id)?;
    s.app.revoke_api_token(&actor, id).await?;
    Ok(Redirect::to("/account").into_response())
}

fn signed_out_of(o: SignedOut) -> String {
    let tokens = match o.api_tokens {
        0 => String::new(),
        1 => " and your API token was revoked".into(),
        n => format!(" and your {n} API tokens were revoked"),
    };
    let sessions = match o.sessions {
        0 => "No other session was open".to_string(),
        1 => "Your 1 other session has ended".to_string(),
        n => format!("Your {n} other sessions have ended"),
    };
    format!("{sessions}{tokens}.")
}

/// After too many wrong passwords or codes the account is locked and every session ends.
fn locked_out(s: &AppState) -> Response {
    let mut res = see_other("/sign-in?notice=locked");
    res.headers_mut().append(header::SET_COOKIE, session_cookie_header(s.config.secure_cookies, "", true));
    res
}

pub async fn change_password(State(s): State<AppState>, Signed { actor, .. }: Signed, v: Visitor, form: FormData) -> Result<Response, WebError> {
    let Visitor::Signed { session, .. } = &v else { return Ok(Redirect::to("/sign-in").into_response()) };
    let changed = s
        .app
        .change_password(&actor, session, form.get("current_password"), form.get("current_code"), form.get("new_password"), form.get("confirm_password"))
        .await;
    match changed {
        Ok(o) => account(&s, &actor, &v, None, FormData::default(), FieldErrors::new(), Some(format!("Your password is changed. {}", signed_out_of(o)))).await,
        Err(AppError::Invalid(e)) => account(&s, &actor, &v, None, FormData::default(), e, None).await,
        Err(AppError::Locked) => Ok(locked_out(&s)),
        Err(e) => Err(e.into()),
    }
}

pub async fn replace_authenticator(State(s): State<AppState>, Signed { actor, .. }: Signed, v: Visitor, form: FormData) -> Result<Response, WebError> {
    let Visitor::Signed { session, .. } = &v else { return Ok(Redirect::to("/sign-in").into_response()) };
    let replaced = s
        .app
        .replace_mfa(&actor, session, form.get("mfa_password"), form.get("mfa_current_code"), form.get("secret"), form.get("code"))
        .await;
    let had = actor.user.totp_secret.is_some();
    match replaced {
        Ok(()) => {
            // The page shows the account as it is now.
            let actor = Actor { user: hearth_domain::user::UserRecord { totp_secret: Some(form.get("secret").to_string()), ..actor.user.clone() }, ..actor };
            let done = if had { "Your authenticator app is replaced: use the new one from now on." } else { "Your authenticator app is set up: Hearth will ask for its code when you sign in." };
            account(&s, &actor, &v, None, FormData::default(), FieldErrors::new(), Some(format!("{done} Your other sessions have ended."))).await
        }
        Err(AppError::Invalid(mut e)) => {
            // The form names its password field apart from the password change's.
            for f in &mut e.0 {
                match f.field.as_str() {
                    "current_password" => f.field = "mfa_password".into(),
                    "current_code" => f.field = "mfa_current_code".into(),
                    _ => {}
                }
            }
            let mut kept = FormData::default();
            kept.set("secret", form.get("secret"));
            account(&s, &actor, &v, None, kept, e, None).await
        }
        Err(AppError::Locked) => Ok(locked_out(&s)),
        Err(e) => Err(e.into()),
    }
}

pub async fn sign_out_everywhere(State(s): State<AppState>, Signed { actor, .. }: Signed) -> Result<Response, WebError> {
    s.app.sign_out_everywhere(&actor).await?;
    let mut res = see_other("/sign-in?notice=everywhere");
    res.headers_mut().append(header::SET_COOKIE, session_cookie_header(s.config.secure_cookies, "", true));
    Ok(res)
}
