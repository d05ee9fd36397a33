//! Hearth's web server: server-rendered pages styled with GOV.UK Frontend, and the JSON API.
//! Every page works without JavaScript; every state-changing form is CSRF-protected.
#![forbid(unsafe_code)]

mod assets;
mod error;
mod forms;
mod layout;
pub mod observability;
mod pages;
mod security;
mod session;

pub mod api;

pub use session::{session_cookie, urlencode};

use axum::Router;
use hearth_app::App;

/// Settings of the web layer.
#[derive(Clone, Debug)]
pub struct WebConfig {
    /// Mark cookies `Secure` (browsers still send them to http://localhost).
    pub secure_cookies: bool,
    /// Send Strict-Transport-Security (when Hearth is served over TLS, directly or behind a proxy).
    pub hsts: bool,
    /// Largest request body accepted, in bytes; larger ones get 413.
    pub max_body_bytes: usize,
    /// Shown in the header, e.g. "Bath and North East Somerset Council".
    pub organisation: String,
    /// The LA's three-digit number for the returns' headers; `None`: downloads are refused
    /// with an explanation.
    pub la_number: Option<String>,
    /// Where people reach Hearth (no trailing `/`), for the links it gives out; `None`: paths.
    pub public_url: Option<String>,
}

impl Default for WebConfig {
    fn default() -> Self {
        Self { secure_cookies: true, hsts: false, max_body_bytes: 1024 * 1024, organisation: "Hearth demo council".into(), la_number: None, public_url: None }
    }
}

#[derive(Clone)]
pub struct AppState {
    pub app: App,
    pub config: WebConfig,
}

/// The whole HTTP application: pages, API, assets, health check, security layers.
pub fn router(app: App, config: WebConfig) -> Router {
    let state = AppState { app, config: config.clone() };
    let pages = pages::routes()
        .0
        .layer(axum::middleware::from_fn_with_state(state.clone(), session::session_layer));
    Router::new()
        .merge(pages)
        .nest("/api/v1", api::routes(state.clone()))
        .route("/healthz", axum::routing::get(health))
        .route("/assets/{*path}", axum::routing::get(assets::serve))
        .fallback(pages::not_found_page)
        .layer(axum::middleware::from_fn_with_state(state.clone(), security::headers))
        .layer(axum::extract::DefaultBodyLimit::max(config.max_body_bytes))
        // Outermost, so that the id, the log line and the metrics cover every answer.
        .layer(axum::middleware::from_fn(observability::layer))
        .with_state(state)
}

/// Every route Hearth answers, as (method, path template): the pages' table and the API's
/// operations as its OpenAPI document lists them (the API router is built from the same
/// declarations), with the few fixed routes. The access-control matrix test walks it.
pub fn route_table() -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = pages::routes().1.into_iter().map(|(m, p)| (m.to_string(), p.to_string())).collect();
    let doc = api::openapi();
    for (path, item) in doc["paths"].as_object().into_iter().flatten() {
        for m in ["get", "post", "put", "patch", "delete"] {
            if item.get(m).is_some() {
                out.push((m.to_uppercase(), format!("/api/v1{path}")));
            }
        }
    }
    for (m, p) in [("GET", "/api/v1/openapi.json"), ("GET", "/healthz"), ("GET", "/assets/{*path}")] {
        out.push((m.to_string(), p.to_string()));
    }
    out
}

/// 200 while the database can be written now (a real commit of one row, no audit entry),
/// 503 saying why otherwise: full or read-only, or unreachable.
async fn health(axum::extract::State(s): axum::extract::State<AppState>) -> (axum::http::StatusCode, &'static str) {
    use hearth_store::StoreError;
    match s.app.store.check_writable().await {
        Ok(()) => (axum::http::StatusCode::OK, "ok\n"),
        Err(StoreError::CannotWrite(_)) => (axum::http::StatusCode::SERVICE_UNAVAILABLE, "database cannot be written (full or read-only)\n"),
        Err(_) => (axum::http::StatusCode::SERVICE_UNAVAILABLE, "database unavailable\n"),
    }
}
