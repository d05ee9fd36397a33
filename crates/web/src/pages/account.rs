//! The user's own account: their password, their authenticator, API tokens and signing out
//! everywhere.
use super::{layout, parse_id, Saved};
use crate::error::{render, WebError};
use crate::forms::FormData;
use crate::layout::Layout;
use crate::pages::auth::{signed_in, signed_out, Authenticator};
use crate::session::{Signed, Visitor};
use crate::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
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
    // The key Hearth proposed to this session: the same until it is used, so a wrong code
    // does not mean changing the app again.
    let Visitor::Signed { session, .. } = v else { return Ok(Redirect::to("/sign-in").into_response()) };
    let authenticator = Authenticator::of(s.app.propose_totp(session).await?, &actor.user.username);
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


pub async fn page(State(s): State<AppState>, Signed { actor, .. }: Signed, v: Visitor, Query(q): Query<Saved>) -> Result<Response, WebError> {
    account(&s, &actor, &v, None, FormData::default(), FieldErrors::new(), saved_notice(&q.saved)).await
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
    signed_out(s, "/sign-in?notice=locked")
}

/// The account page again in the session that replaced this one (a change of password or
/// authenticator renews the session), with what was done.
fn renewed(s: &AppState, token: &str, saved: &str) -> Response {
    signed_in(s, token, &format!("/account?saved={saved}"))
}

pub async fn change_password(State(s): State<AppState>, Signed { actor, .. }: Signed, v: Visitor, form: FormData) -> Result<Response, WebError> {
    let changed = s.app.change_password(&actor, form.get("current_password"), form.get("current_code"), form.get("new_password"), form.get("confirm_password")).await;
    match changed {
        Ok((o, new)) => Ok(renewed(&s, &new.token, &format!("password-{}-{}", o.sessions, o.api_tokens))),
        Err(AppError::Invalid(e)) => account(&s, &actor, &v, None, FormData::default(), e, None).await,
        Err(AppError::Locked) => Ok(locked_out(&s)),
        Err(e) => Err(e.into()),
    }
}

pub async fn replace_authenticator(State(s): State<AppState>, Signed { actor, .. }: Signed, v: Visitor, form: FormData) -> Result<Response, WebError> {
    let Visitor::Signed { session, .. } = &v else { return Ok(Redirect::to("/sign-in").into_response()) };
    let had = actor.user.totp_secret.is_some();
    match s.app.replace_mfa(&actor, session, form.get("mfa_password"), form.get("mfa_current_code"), form.get("code")).await {
        Ok(new) => Ok(renewed(&s, &new.token, if had { "authenticator-replaced" } else { "authenticator-set-up" })),
        Err(AppError::Invalid(mut e)) => {
            // The form names its password and code fields apart from the password change's.
            for f in &mut e.0 {
                match f.field.as_str() {
                    "current_password" => f.field = "mfa_password".into(),
                    "current_code" => f.field = "mfa_current_code".into(),
                    _ => {}
                }
            }
            account(&s, &actor, &v, None, FormData::default(), e, None).await
        }
        Err(AppError::Locked) => Ok(locked_out(&s)),
        Err(e) => Err(e.into()),
    }
}

/// What `?saved=` on the account page says.
fn saved_notice(saved: &str) -> Option<String> {
    match saved {
        "authenticator-replaced" => Some("Your authenticator app is replaced: use the new one from now on. Your other sessions have ended.".into()),
        "authenticator-set-up" => Some("Your authenticator app is set up: Hearth will ask for its code when you sign in. Your other sessions have ended.".into()),
        other => {
            let counts = other.strip_prefix("password-")?;
            let (sessions, tokens) = counts.split_once('-')?;
            let o = SignedOut { sessions: sessions.parse().ok()?, api_tokens: tokens.parse().ok()? };
            Some(format!("Your password is changed. {}", signed_out_of(o)))
        }
    }
}

pub async fn sign_out_everywhere(State(s): State<AppState>, Signed { actor, .. }: Signed) -> Result<Response, WebError> {
    s.app.sign_out_everywhere(&actor).await?;
    Ok(signed_out(&s, "/sign-in?notice=everywhere"))
}
