//! Server-rendered pages.
mod account;
mod allocation;
mod admin;
mod audit;
pub(crate) mod auth;
mod care;
mod caseloads;
mod episodes;
mod front_door;
pub(crate) mod returns;
mod rota;
mod setup;
mod step_form;
mod home;
mod leaving_care;
mod services;
mod notes;
mod people;
mod providers;
mod timescales;
pub(crate) mod work;

use crate::error::WebError;
use crate::session::Visitor;
use crate::AppState;
use axum::response::{IntoResponse, Response};
use axum::handler::Handler;
use axum::http::Method;
use axum::routing::{get, post};
use axum::Router;
use hearth_app::AppError;

/// The pages' routes, and the table of the (method, path) pairs they answer, which the
/// access-control matrix test walks: a route is added here and nowhere else.
pub fn routes() -> (Router<AppState>, Vec<(Method, &'static str)>) {
    let r = Routes::default()
        .get_post("/sign-in", auth::sign_in_page, auth::sign_in)
        .get_post("/mfa", auth::mfa_page, auth::mfa)
        .get_post("/mfa/enrol", auth::enrol_page, auth::enrol)
        .post("/sign-out", auth::sign_out)
        .get_post("/setup/{token}", setup::form, setup::submit)
        .get("/", home::home)
        .get("/search", home::search)
        .get_post("/break-glass", people::break_glass_page, people::break_glass)
        .get_post("/people/new", people::new_page, people::create)
        .get("/people/{id}", people::record)
        .get_post("/people/{id}/edit", people::edit_page, people::edit)
        .get("/people/{id}/history", people::history)
        .get("/people/{id}/chronology", people::chronology)
        .get_post("/people/{id}/family/new", people::relative_page, people::add_relative)
        .get_post("/people/{id}/relationships/{rid}", people::relationship_page, people::change_household)
        .get_post("/people/{id}/relationships/{rid}/end", people::relationship_page, people::end_relationship)
        .get_post("/people/{id}/restrict", people::restrict_page, people::restrict)
        .get_post("/people/{id}/allocation", allocation::page, allocation::change)
        .post("/people/{id}/allocation/cancel", allocation::cancel)
        .get("/people/{id}/care", care::page)
        .get_post("/people/{id}/care/{form}", care::form_page, care::submit)
        .get("/people/{id}/leaving-care", leaving_care::page)
        .get_post("/people/{id}/leaving-care/{form}", leaving_care::form_page, leaving_care::submit)
        .get("/people/{id}/services", services::tab)
        .get_post("/people/{id}/services/new", services::refer_page, services::refer)
        .get_post("/people/{id}/services/{rid}", services::referral_page, services::change)
        .get("/people/{id}/notes", notes::list)
        .get_post("/people/{id}/notes/new", notes::new_page, notes::create)
        .get("/people/{id}/notes/{nid}", notes::view)
        .get_post("/people/{id}/notes/{nid}/correct", notes::correct_page, notes::correct)
        .get_post("/people/{id}/contacts/new", front_door::new_contact_page, front_door::create_contact)
        .get("/contacts/{id}", front_door::contact)
        .post("/contacts/{id}/decision", front_door::decide)
        .get_post("/referrals/{id}", front_door::referral, front_door::update_referral)
        .post("/referrals/{id}/assessment", front_door::start_assessment)
        .get("/assessments/{id}", front_door::assessment)
        .get_post("/assessments/{id}/edit/{section}", front_door::edit_section, front_door::save_section)
        .post("/assessments/{id}/{step}", front_door::sign_off)
        .post("/referrals/{id}/episode", episodes::open_for_referral)
        .get("/episodes/{id}", episodes::episode)
        .get_post("/episodes/{id}/{form}", episodes::form_page, episodes::submit)
        .get("/child-protection", episodes::dashboard)
        .get("/children-in-care", care::dashboard)
        .get("/family-contact", care::family_contact)
        .get("/care-leavers", leaving_care::dashboard)
        .get("/services", services::list)
        .get("/services/{key}", services::view)
        .get("/providers", providers::list)
        .get_post("/providers/new", providers::new_page, providers::create)
        .get("/providers/{id}", providers::view)
        .get_post("/providers/{id}/edit", providers::edit_page, providers::edit)
        .get_post("/providers/{id}/monitoring-visit", providers::visit_page, providers::visit)
        .get("/returns/cin", returns::quality)
        .get("/returns/cin/download", returns::download)
        .get_post("/returns/cin/explain/{id}", returns::explain_page, returns::explain)
        .get("/work", work::mine)
        .get("/work/team", work::team)
        .get("/timescales", timescales::page)
        .get("/caseloads", caseloads::page)
        .get("/caseloads/{id}", caseloads::worker)
        .get("/rota", rota::page)
        .post("/rota/add", rota::add)
        .post("/rota/remove", rota::remove)
        .get("/audit", audit::index)
        .get("/audit/export.csv", audit::export)
        .get("/audit/people/{id}", audit::person)
        .get("/admin/users", admin::users)
        .get_post("/admin/users/new", admin::new_user_page, admin::create_user)
        .get_post("/admin/users/{id}", admin::user_page, admin::change_user)
        .post("/admin/users/{id}/active", admin::set_active)
        .post("/admin/users/{id}/reset-mfa", admin::reset_mfa)
        .post("/admin/users/{id}/setup-link", admin::setup_link)
        .post("/admin/users/{id}/unlock", admin::unlock)
        .post("/admin/teams", admin::create_team)
        .get("/account", account::page)
        .post("/account/password", account::change_password)
        .post("/account/authenticator", account::replace_authenticator)
        .post("/account/tokens", account::create_token)
        .post("/account/tokens/{id}/revoke", account::revoke_token)
        .post("/account/sign-out-everywhere", account::sign_out_everywhere);
    (r.router, r.table)
}

/// Builds the router and its table together.
#[derive(Default)]
struct Routes {
    router: Router<AppState>,
    table: Vec<(Method, &'static str)>,
}

impl Routes {
    fn get<H: Handler<T, AppState>, T: 'static>(mut self, path: &'static str, h: H) -> Self {
        self.router = self.router.route(path, get(h));
        self.table.push((Method::GET, path));
        self
    }

    fn post<H: Handler<T, AppState>, T: 'static>(mut self, path: &'static str, h: H) -> Self {
        self.router = self.router.route(path, post(h));
        self.table.push((Method::POST, path));
        self
    }

    fn get_post<G: Handler<T, AppState>, P: Handler<U, AppState>, T: 'static, U: 'static>(self, path: &'static str, g: G, p: P) -> Self {
        self.get(path, g).post(path, p)
    }
}

/// The `?saved=` a page is sent to after a form succeeds: which success banner to show.
#[derive(serde::Deserialize, Default)]
pub struct Saved {
    #[serde(default)]
    pub saved: String,
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
