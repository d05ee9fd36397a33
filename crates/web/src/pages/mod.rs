//! Server-rendered pages.
mod account;
mod allocation;
mod admin;
mod audit;
pub(crate) mod auth;
mod caseloads;
mod episodes;
mod front_door;
pub(crate) mod returns;
mod rota;
mod setup;
mod home;
mod notes;
mod people;
mod timescales;
pub(crate) mod work;

use crate::error::WebError;
use crate::session::Visitor;
use crate::AppState;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use hearth_app::AppError;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/sign-in", get(auth::sign_in_page).post(auth::sign_in))
        .route("/mfa", get(auth::mfa_page).post(auth::mfa))
        .route("/mfa/enrol", get(auth::enrol_page).post(auth::enrol))
        .route("/sign-out", post(auth::sign_out))
        .route("/setup/{token}", get(setup::form).post(setup::submit))
        .route("/", get(home::home))
        .route("/search", get(home::search))
        .route("/break-glass", get(people::break_glass_page).post(people::break_glass))
        .route("/people/new", get(people::new_page).post(people::create))
        .route("/people/{id}", get(people::record))
        .route("/people/{id}/edit", get(people::edit_page).post(people::edit))
        .route("/people/{id}/history", get(people::history))
        .route("/people/{id}/chronology", get(people::chronology))
        .route("/people/{id}/family/new", get(people::relative_page).post(people::add_relative))
        .route("/people/{id}/relationships/{rid}/end", get(people::end_relationship_page).post(people::end_relationship))
        .route("/people/{id}/restrict", get(people::restrict_page).post(people::restrict))
        .route("/people/{id}/allocation", get(allocation::page).post(allocation::change))
        .route("/people/{id}/notes", get(notes::list))
        .route("/people/{id}/notes/new", get(notes::new_page).post(notes::create))
        .route("/people/{id}/notes/{nid}", get(notes::view))
        .route("/people/{id}/notes/{nid}/correct", get(notes::correct_page).post(notes::correct))
        .route("/people/{id}/contacts/new", get(front_door::new_contact_page).post(front_door::create_contact))
        .route("/contacts/{id}", get(front_door::contact))
        .route("/contacts/{id}/decision", post(front_door::decide))
        .route("/referrals/{id}", get(front_door::referral).post(front_door::update_referral))
        .route("/referrals/{id}/assessment", post(front_door::start_assessment))
        .route("/assessments/{id}", get(front_door::assessment))
        .route("/assessments/{id}/edit/{section}", get(front_door::edit_section).post(front_door::save_section))
        .route("/assessments/{id}/{step}", post(front_door::sign_off))
        .route("/referrals/{id}/episode", post(episodes::open_for_referral))
        .route("/episodes/{id}", get(episodes::episode))
        .route("/episodes/{id}/{form}", get(episodes::form_page).post(episodes::submit))
        .route("/child-protection", get(episodes::dashboard))
        .route("/returns/cin", get(returns::quality))
        .route("/returns/cin/download", get(returns::download))
        .route("/work", get(work::mine))
        .route("/work/team", get(work::team))
        .route("/timescales", get(timescales::page))
        .route("/caseloads", get(caseloads::page))
        .route("/rota", get(rota::page))
        .route("/rota/add", post(rota::add))
        .route("/rota/remove", post(rota::remove))
        .route("/audit", get(audit::index))
        .route("/audit/people/{id}", get(audit::person))
        .route("/admin/users", get(admin::users))
        .route("/admin/users/new", get(admin::new_user_page).post(admin::create_user))
        .route("/admin/users/{id}/active", post(admin::set_active))
        .route("/admin/users/{id}/reset-mfa", post(admin::reset_mfa))
        .route("/admin/users/{id}/setup-link", post(admin::setup_link))
        .route("/admin/users/{id}/unlock", post(admin::unlock))
        .route("/admin/teams", post(admin::create_team))
        .route("/account", get(account::page))
        .route("/account/password", post(account::change_password))
        .route("/account/authenticator", post(account::replace_authenticator))
        .route("/account/tokens", post(account::create_token))
        .route("/account/tokens/{id}/revoke", post(account::revoke_token))
        .route("/account/sign-out-everywhere", post(account::sign_out_everywhere))
}

pub async fn not_found_page() -> Response {
    WebError(AppError::NotFound).into_response()
}

/// Parses a path id; a malformed id is simply not found.
pub fn parse_id<T: std::str::FromStr>(s: &str) -> Result<T, WebError> {
    s.parse().map_err(|_| WebError(AppError::NotFound))
}

pub fn layout(v: &Visitor, title: impl Into<String>) -> crate::layout::Layout {
    crate::layout::Layout::for_visitor(v, title)
}
