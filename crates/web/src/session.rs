//! Who is asking: resolved once per request from the session cookie, with CSRF checks on
//! every state-changing request and rescue of forms posted after the session expired.
use crate::error::{html_error, WebError};
use crate::AppState;
use axum::body::Body;
use axum::extract::{FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use hearth_app::auth::{random_token, NextStep, SessionState};
use hearth_app::Actor;
use hearth_domain::user::UserRecord;
use hearth_store::SessionRecord;

/// The session cookie's name. With secure cookies it carries the `__Host-` prefix, so the
/// browser accepts it only from this host, over HTTPS, for the whole site (no `Domain`):
/// a sibling subdomain cannot plant or overwrite it.
pub fn session_cookie(secure: bool) -> &'static str {
    if secure { "__Host-hearth_session" } else { "hearth_session" }
}

/// The double-submit token protecting the sign-in form itself (there is no session yet).
pub fn csrf_cookie(secure: bool) -> &'static str {
    if secure { "__Host-hearth_csrf" } else { "hearth_csrf" }
}

/// The visitor behind a request.
#[derive(Clone)]
pub enum Visitor {
    Signed { actor: Actor, session: SessionRecord },
    Pending { user: UserRecord, session: SessionRecord, next: NextStep },
    Anonymous { csrf: String },
}

impl Visitor {
    pub fn csrf(&self) -> &str {
        match self {
            Visitor::Signed { session, .. } | Visitor::Pending { session, .. } => &session.csrf_token,
            Visitor::Anonymous { csrf } => csrf,
        }
    }
}

pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// Sets (or, with `clear`, removes) the session cookie.
pub fn session_cookie_header(secure: bool, token: &str, clear: bool) -> HeaderValue {
    set_cookie(secure, session_cookie(secure), token, clear)
}

pub fn set_cookie(secure: bool, name: &str, value: &str, clear: bool) -> HeaderValue {
    let mut c = format!("{name}={value}; Path=/; HttpOnly; SameSite=Strict");
    if secure {
        c.push_str("; Secure");
    }
    if clear {
        c.push_str("; Max-Age=0");
    }
    HeaderValue::from_str(&c).unwrap_or_else(|_| HeaderValue::from_static("hearth_invalid=1"))
}

/// A path inside Hearth to go back to after signing in; anything else is ignored. Only one
/// `/` then anything but `/` or `\`, and no control characters or white space anywhere:
/// browsers strip tabs and new lines from a `Location`, so `/\t/evil.example` would
/// otherwise become `//evil.example`, another site.
pub fn safe_next(next: &str) -> Option<&str> {
    let local = next.starts_with('/') && !next[1..].starts_with(['/', '\\']);
    let clean = !next.chars().any(|c| c.is_control() || c.is_whitespace() || c == '\\');
    (local && clean && next.len() <= 2048).then_some(next)
}

/// A 303 to `to`; a location that cannot be a header value (it never should) goes home
/// rather than failing the request.
pub fn see_other(to: &str) -> Response {
    match HeaderValue::from_str(to) {
        Ok(v) => (StatusCode::SEE_OTHER, [(header::LOCATION, v)]).into_response(),
        Err(_) => Redirect::to("/").into_response(),
    }
}

fn form_field(body: &[u8], name: &str) -> Option<String> {
    form_urlencoded_pairs(body).into_iter().find(|(k, _)| k == name).map(|(_, v)| v)
}

pub fn form_urlencoded_pairs(body: &[u8]) -> Vec<(String, String)> {
    serde_urlencoded::from_bytes::<Vec<(String, String)>>(body).unwrap_or_default()
}

/// Constant-time comparison, so a token cannot be guessed byte by byte from timings.
fn same(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

pub async fn session_layer(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let (mut parts, body) = req.into_parts();
    let app = &state.app;
    let secure = state.config.secure_cookies;
    let resolved = match cookie(&parts.headers, session_cookie(secure)) {
        Some(token) => match app.session(token).await {
            Ok(s) => s,
            Err(e) => return WebError::from(e).into_response(),
        },
        None => SessionState::Unknown,
    };
    let mut new_pre_csrf = None;
    let (visitor, expired) = match resolved {
        SessionState::Active { actor, session } => (Visitor::Signed { actor, session }, None),
        SessionState::MfaPending { user, session, next } => (Visitor::Pending { user, session, next }, None),
        other => {
            let csrf = match cookie(&parts.headers, csrf_cookie(secure)) {
                Some(c) if c.len() == 32 => c.to_string(),
                _ => {
                    let c = random_token(16);
                    new_pre_csrf = Some(c.clone());
                    c
                }
            };
            let expired = match other {
                SessionState::Expired { session } => Some(session),
                _ => None,
            };
            (Visitor::Anonymous { csrf }, expired)
        }
    };

    let body = if parts.method == Method::GET || parts.method == Method::HEAD {
        body
    } else {
        let bytes = match axum::body::to_bytes(body, state.config.max_body_bytes).await {
            Ok(b) => b,
            Err(_) => return html_error(StatusCode::PAYLOAD_TOO_LARGE, "The form is too large", "What you sent is larger than Hearth accepts. Nothing was saved."),
        };
        let sent = form_field(&bytes, "csrf_token").unwrap_or_default();
        let path = parts.uri.path().to_string();
        // A form posted after the session timed out: keep what was typed, sign in again.
        if let Some(session) = expired.filter(|s| same(&sent, &s.csrf_token)) {
            if path == "/sign-out" {
                return Redirect::to("/sign-in").into_response();
            }
            let body = String::from_utf8_lossy(&bytes);
            return match app.save_draft(&session, &path, &body).await {
                Ok(id) => see_other(&format!("/sign-in?expired=1&draft={id}&next={}", urlencode(&path))),
                Err(e) => WebError::from(e).into_response(),
            };
        }
        if !same(&sent, visitor.csrf()) {
            let user = match &visitor {
                Visitor::Signed { session, .. } | Visitor::Pending { session, .. } => Some(session.user),
                Visitor::Anonymous { .. } => None,
            };
            if let Err(e) = app.audit_refused_request(user, "csrf.refused", &format!("{} {path}", parts.method)).await {
                return WebError::from(e).into_response();
            }
            return html_error(
                StatusCode::FORBIDDEN,
                "Your form could not be sent",
                "The form's security token was missing or out of date, so nothing was changed. Go back, reload the page and try again.",
            );
        }
        Body::from(bytes)
    };
    if let Visitor::Signed { actor, .. } = &visitor {
        crate::observability::note_user(&parts.extensions, actor.user.id);
    }
    parts.extensions.insert(visitor);
    let mut res = next.run(Request::from_parts(parts, body)).await;
    if let Some(c) = new_pre_csrf {
        res.headers_mut().append(header::SET_COOKIE, set_cookie(secure, csrf_cookie(secure), &c, false));
    }
    res
}

pub fn urlencode(s: &str) -> String {
    serde_urlencoded::to_string([("", s)]).map(|e| e.trim_start_matches('=').to_string()).unwrap_or_default()
}

/// A signed-in user with a second factor done where needed. Anyone else is sent to sign in
/// and brought back here afterwards.
pub struct Signed {
    pub actor: Actor,
}

impl<S: Send + Sync> FromRequestParts<S> for Signed {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        match parts.extensions.get::<Visitor>() {
            Some(Visitor::Signed { actor, .. }) => Ok(Signed { actor: actor.clone() }),
            Some(Visitor::Pending { .. }) => Err(Redirect::to("/mfa").into_response()),
            _ => {
                let here = parts.uri.path_and_query().map(|p| p.as_str()).unwrap_or("/");
                let to = if here == "/" { "/sign-in".to_string() } else { format!("/sign-in?next={}", urlencode(here)) };
                Err(see_other(&to))
            }
        }
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Visitor {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        parts.extensions.get::<Visitor>().cloned().ok_or_else(|| StatusCode::INTERNAL_SERVER_ERROR.into_response())
    }
}
