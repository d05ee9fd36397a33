//! Signing in (password, then the second factor) and out.
use crate::error::{render, WebError};
use crate::forms::FormData;
use crate::layout::Layout;
use crate::session::{safe_next, set_cookie, urlencode, Visitor, SESSION_COOKIE};
use crate::AppState;
use askama::Template;
use axum::extract::{Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use hearth_app::auth::{new_totp_secret, totp_url, NextStep};
use hearth_app::AppError;
use hearth_domain::FieldErrors;
use serde::Deserialize;

#[derive(Deserialize, Default)]
pub struct SignInQuery {
    #[serde(default)]
    next: String,
    #[serde(default)]
    draft: String,
    #[serde(default)]
    expired: String,
}

#[derive(Template)]
#[template(path = "sign_in.html")]
struct SignInPage {
    layout: Layout,
    form: FormData,
    errors: FieldErrors,
    expired: bool,
}

/// Where to go once fully signed in: back to the interrupted form, with its draft.
fn resume_target(next: &str, draft: &str) -> String {
    let next = safe_next(next).unwrap_or("/");
    if draft.is_empty() {
        next.to_string()
    } else {
        format!("{next}?draft={}", urlencode(draft))
    }
}

pub async fn sign_in_page(v: Visitor, Query(q): Query<SignInQuery>) -> Response {
    if matches!(v, Visitor::Signed { .. }) {
        return Redirect::to("/").into_response();
    }
    let mut form = FormData::default();
    form.set("next", q.next);
    form.set("draft", q.draft);
    render(StatusCode::OK, &SignInPage { layout: Layout::for_visitor(&v, "Sign in"), form, errors: FieldErrors::new(), expired: !q.expired.is_empty() })
}

pub async fn sign_in(State(s): State<AppState>, v: Visitor, form: FormData) -> Response {
    let mut errors = FieldErrors::new();
    if form.get("username").trim().is_empty() {
        errors.add("username", "Enter your username");
    }
    if form.get("password").is_empty() {
        errors.add("password", "Enter your password");
    }
    if errors.is_empty() {
        match s.app.sign_in(form.get("username"), form.get("password")).await {
            Ok(new) => {
                let target = match new.next {
                    NextStep::Done => resume_target(form.get("next"), form.get("draft")),
                    NextStep::VerifyCode => format!("/mfa?next={}&draft={}", urlencode(form.get("next")), urlencode(form.get("draft"))),
                    NextStep::EnrolMfa => format!("/mfa/enrol?next={}&draft={}", urlencode(form.get("next")), urlencode(form.get("draft"))),
                };
                let mut res = Redirect::to(&target).into_response();
                res.headers_mut().append(header::SET_COOKIE, set_cookie(s.config.secure_cookies, SESSION_COOKIE, &new.token, false));
                return res;
            }
            Err(AppError::BadCredentials) => errors.add("username", "The username or password is not correct"),
            Err(AppError::Locked) => errors.add("username", "This account is locked for 15 minutes after repeated failed sign-ins. Try again later or contact your administrator"),
            Err(e) => return WebError(e).into_response(),
        }
    }
    let mut form = form;
    form.set("password", "");
    render(StatusCode::UNPROCESSABLE_ENTITY, &SignInPage { layout: Layout::for_visitor(&v, "Sign in"), form, errors, expired: false })
}

#[derive(Template)]
#[template(path = "mfa.html")]
struct MfaPage {
    layout: Layout,
    form: FormData,
    errors: FieldErrors,
    /// Set when enrolling: the secret to put into an authenticator app.
    secret: Option<String>,
    otpauth: String,
}

impl MfaPage {
    /// The setup link as a QR code, as an SVG data URL (the CSP allows `data:` images).
    fn qr(&self) -> Option<String> {
        use base64::Engine;
        let code = qrcode::QrCode::new(self.otpauth.as_bytes()).ok()?;
        let svg = code.render::<qrcode::render::svg::Color>().min_dimensions(200, 200).build();
        Some(format!("data:image/svg+xml;base64,{}", base64::engine::general_purpose::STANDARD.encode(svg)))
    }
}

pub async fn mfa_page(v: Visitor, Query(q): Query<SignInQuery>) -> Response {
    match &v {
        Visitor::Pending { next: NextStep::VerifyCode, .. } => {
            let mut form = FormData::default();
            form.set("next", q.next);
            form.set("draft", q.draft);
            render(StatusCode::OK, &MfaPage { layout: Layout::for_visitor(&v, "Enter your security code"), form, errors: FieldErrors::new(), secret: None, otpauth: String::new() })
        }
        Visitor::Pending { .. } => Redirect::to("/mfa/enrol").into_response(),
        Visitor::Signed { .. } => Redirect::to("/").into_response(),
        Visitor::Anonymous { .. } => Redirect::to("/sign-in").into_response(),
    }
}

pub async fn mfa(State(s): State<AppState>, v: Visitor, form: FormData) -> Response {
    let Visitor::Pending { session, .. } = &v else {
        return Redirect::to("/sign-in").into_response();
    };
    let mut errors = FieldErrors::new();
    match s.app.verify_mfa(session, form.get("code")).await {
        Ok(()) => return Redirect::to(&resume_target(form.get("next"), form.get("draft"))).into_response(),
        Err(AppError::BadCode) | Err(AppError::NotFound) => errors.add("code", "The security code is not correct. Enter the 6-digit code your authenticator app shows now"),
        Err(e) => return WebError(e).into_response(),
    }
    let mut form = form;
    form.set("code", "");
    render(StatusCode::UNPROCESSABLE_ENTITY, &MfaPage { layout: Layout::for_visitor(&v, "Enter your security code"), form, errors, secret: None, otpauth: String::new() })
}

pub async fn enrol_page(v: Visitor, Query(q): Query<SignInQuery>) -> Response {
    let Visitor::Pending { user, next: NextStep::EnrolMfa, .. } = &v else {
        return Redirect::to("/").into_response();
    };
    let secret = new_totp_secret();
    let mut form = FormData::default();
    form.set("next", q.next);
    form.set("draft", q.draft);
    form.set("secret", secret.clone());
    let otpauth = totp_url(&secret, &user.username);
    render(StatusCode::OK, &MfaPage { layout: Layout::for_visitor(&v, "Set up your authenticator app"), form, errors: FieldErrors::new(), secret: Some(secret), otpauth })
}

pub async fn enrol(State(s): State<AppState>, v: Visitor, form: FormData) -> Response {
    let Visitor::Pending { user, session, .. } = &v else {
        return Redirect::to("/sign-in").into_response();
    };
    let mut errors = FieldErrors::new();
    match s.app.enrol_mfa(session, form.get("secret"), form.get("code")).await {
        Ok(()) => return Redirect::to(&resume_target(form.get("next"), form.get("draft"))).into_response(),
        Err(AppError::BadCode) => errors.add("code", "The security code is not correct. Check the key you entered in your app and enter the code it shows now"),
        Err(e) => return WebError(e).into_response(),
    }
    let secret = form.get("secret").to_string();
    let otpauth = totp_url(&secret, &user.username);
    let mut form = form;
    form.set("code", "");
    render(StatusCode::UNPROCESSABLE_ENTITY, &MfaPage { layout: Layout::for_visitor(&v, "Set up your authenticator app"), form, errors, secret: Some(secret), otpauth })
}

pub async fn sign_out(State(s): State<AppState>, v: Visitor) -> Response {
    if let Visitor::Signed { session, .. } | Visitor::Pending { session, .. } = &v
        && let Err(e) = s.app.sign_out(session).await {
            return WebError(e).into_response();
        }
    let mut res = Redirect::to("/sign-in").into_response();
    res.headers_mut().append(header::SET_COOKIE, set_cookie(s.config.secure_cookies, SESSION_COOKIE, "", true));
    res
}
