//! Signing in (password, then the second factor) and out.
use crate::error::{render, WebError};
use crate::forms::FormData;
use crate::layout::Layout;
use crate::session::{safe_next, see_other, session_cookie_header, urlencode, Visitor};
use crate::AppState;
use askama::Template;
use axum::extract::{Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use hearth_app::auth::{totp_url, NextStep};
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
    /// Why the visitor was sent back here: `locked` (too many wrong codes), `setup` (their
    /// password is set).
    #[serde(default)]
    notice: String,
}

impl SignInQuery {
    fn notice(&self) -> Option<String> {
        if !self.expired.is_empty() {
            return Some("You were signed out because you had not used Hearth for a while. What you were typing has been kept: sign in again to check it and save it.".into());
        }
        match self.notice.as_str() {
            "locked" => Some(LOCKED.into()),
            "setup" => Some("Your account is set up. Sign in with your username and new password.".into()),
            "everywhere" => Some("You are signed out on every computer and phone, and your API tokens are revoked.".into()),
            _ => None,
        }
    }
}

const LOCKED: &str = "Too many wrong security codes: you have been signed out, and your account is locked for a while. Try again later or ask your administrator.";

#[derive(Template)]
#[template(path = "sign_in.html")]
struct SignInPage {
    layout: Layout,
    form: FormData,
    errors: FieldErrors,
    notice: Option<String>,
}

/// Where to go once fully signed in: back to the interrupted form, with its draft.
fn resume_target(next: &str, draft: &str) -> String {
    let next = safe_next(next).unwrap_or("/");
    if draft.is_empty() {
        next.to_string()
    } else {
        let joint = if next.contains('?') { '&' } else { '?' };
        format!("{next}{joint}draft={}", urlencode(draft))
    }
}

/// The redirect into a new, fully signed-in session.
pub fn signed_in(s: &AppState, token: &str, to: &str) -> Response {
    let mut res = see_other(to);
    res.headers_mut().append(header::SET_COOKIE, session_cookie_header(s.config.secure_cookies, token, false));
    res
}

pub async fn sign_in_page(v: Visitor, Query(q): Query<SignInQuery>) -> Response {
    if matches!(v, Visitor::Signed { .. }) {
        return Redirect::to("/").into_response();
    }
    let notice = q.notice();
    let mut form = FormData::default();
    form.set("next", q.next);
    form.set("draft", q.draft);
    render(StatusCode::OK, &SignInPage { layout: Layout::for_visitor(&v, "Sign in"), form, errors: FieldErrors::new(), notice })
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
                return signed_in(&s, &new.token, &target);
            }
            // A locked account gets the same answer as a wrong password, so that nobody can
            // find out which accounts exist by locking them; administrators see the lock.
            Err(AppError::BadCredentials | AppError::Locked) => errors.add("username", "The username or password is not correct"),
            Err(e) => return WebError(e).into_response(),
        }
    }
    let mut form = form;
    form.set("password", "");
    render(StatusCode::UNPROCESSABLE_ENTITY, &SignInPage { layout: Layout::for_visitor(&v, "Sign in"), form, errors, notice: None })
}

/// An authenticator to add to an app: its secret, and the same as a link and a QR code.
pub struct Authenticator {
    pub secret: String,
    pub otpauth: String,
    /// The link as a QR code, an SVG data URL (the CSP allows `data:` images).
    pub qr: Option<String>,
}

impl Authenticator {
    /// The secret Hearth proposed to `username`, as an app takes it.
    pub fn of(secret: String, username: &str) -> Self {
        use base64::Engine;
        let otpauth = totp_url(&secret, username);
        let qr = qrcode::QrCode::new(otpauth.as_bytes()).ok().map(|code| {
            let svg = code.render::<qrcode::render::svg::Color>().min_dimensions(200, 200).build();
            format!("data:image/svg+xml;base64,{}", base64::engine::general_purpose::STANDARD.encode(svg))
        });
        Authenticator { secret, otpauth, qr }
    }
}

#[derive(Template)]
#[template(path = "mfa.html")]
struct MfaPage {
    layout: Layout,
    form: FormData,
    errors: FieldErrors,
    /// Set when enrolling: the secret to put into an authenticator app.
    authenticator: Option<Authenticator>,
}

pub async fn mfa_page(v: Visitor, Query(q): Query<SignInQuery>) -> Response {
    match &v {
        Visitor::Pending { next: NextStep::VerifyCode, .. } => {
            let mut form = FormData::default();
            form.set("next", q.next);
            form.set("draft", q.draft);
            render(StatusCode::OK, &MfaPage { layout: Layout::for_visitor(&v, "Enter your security code"), form, errors: FieldErrors::new(), authenticator: None })
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
        Ok(new) => return signed_in(&s, &new.token, &resume_target(form.get("next"), form.get("draft"))),
        Err(AppError::BadCode) | Err(AppError::NotFound) => errors.add("code", "The security code is not correct. Enter the 6-digit code your authenticator app shows now"),
        Err(AppError::Locked) => return ended(&s),
        Err(e) => return WebError(e).into_response(),
    }
    let mut form = form;
    form.set("code", "");
    render(StatusCode::UNPROCESSABLE_ENTITY, &MfaPage { layout: Layout::for_visitor(&v, "Enter your security code"), form, errors, authenticator: None })
}

/// Back to sign in after the pending session ended (too many wrong codes).
fn ended(s: &AppState) -> Response {
    signed_out(s, "/sign-in?notice=locked")
}

pub async fn enrol_page(State(s): State<AppState>, v: Visitor, Query(q): Query<SignInQuery>) -> Response {
    let Visitor::Pending { user, session, next: NextStep::EnrolMfa } = &v else {
        return Redirect::to(if matches!(v, Visitor::Pending { .. }) { "/mfa" } else { "/" }).into_response();
    };
    let secret = match s.app.propose_totp(session).await {
        Ok(secret) => secret,
        Err(e) => return WebError(e).into_response(),
    };
    let mut form = FormData::default();
    form.set("next", q.next);
    form.set("draft", q.draft);
    let authenticator = Some(Authenticator::of(secret, &user.username));
    render(StatusCode::OK, &MfaPage { layout: Layout::for_visitor(&v, "Set up your authenticator app"), form, errors: FieldErrors::new(), authenticator })
}

pub async fn enrol(State(s): State<AppState>, v: Visitor, form: FormData) -> Response {
    // Only an account with no authenticator enrols here (the use case refuses, and audits,
    // any other); one that has one replaces it from "Your account", signed in with it.
    let Visitor::Pending { user, session, .. } = &v else {
        return Redirect::to("/sign-in").into_response();
    };
    let mut errors = FieldErrors::new();
    match s.app.enrol_mfa(session, form.get("code")).await {
        Ok(new) => return signed_in(&s, &new.token, &resume_target(form.get("next"), form.get("draft"))),
        Err(AppError::BadCode) => errors.add("code", "The security code is not correct. Check the key you entered in your app and enter the code it shows now"),
        Err(AppError::Forbidden) => return Redirect::to("/mfa").into_response(),
        Err(e) => return WebError(e).into_response(),
    }
    let authenticator = session.proposed_totp.clone().map(|secret| Authenticator::of(secret, &user.username));
    let mut form = form;
    form.set("code", "");
    render(StatusCode::UNPROCESSABLE_ENTITY, &MfaPage { layout: Layout::for_visitor(&v, "Set up your authenticator app"), form, errors, authenticator })
}

pub async fn sign_out(State(s): State<AppState>, v: Visitor) -> Response {
    if let Visitor::Signed { session, .. } | Visitor::Pending { session, .. } = &v
        && let Err(e) = s.app.sign_out(session).await {
            return WebError(e).into_response();
        }
    signed_out(&s, "/sign-in")
}

/// Away from a session that has ended: the cookie removed, and the browser told to forget
/// what it kept of the pages (a shared computer).
pub fn signed_out(s: &AppState, to: &str) -> Response {
    let mut res = see_other(to);
    res.headers_mut().append(header::SET_COOKIE, session_cookie_header(s.config.secure_cookies, "", true));
    res.headers_mut().insert("clear-site-data", axum::http::HeaderValue::from_static("\"cache\", \"storage\""));
    res
}
