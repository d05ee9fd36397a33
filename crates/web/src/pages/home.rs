//! The home page and search.
use super::layout;
use crate::error::{render, WebError};
use crate::layout::Layout;
use crate::session::{Signed, Visitor};
use crate::AppState;
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use super::work::Pager;
use hearth_app::{AppError, SearchResults, SEARCH_PER_PAGE};
use hearth_domain::person::PersonSummary;
use hearth_domain::FieldErrors;
use hearth_domain::user::Permission;
use hearth_app::{AlertReason, BreakGlassAlert};
use hearth_store::RoleGrant;
use serde::Deserialize;

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    layout: Layout,
    can_search: bool,
    can_audit: bool,
    can_admin: bool,
    alerts: Vec<BreakGlassAlert>,
    reviews_break_glass: bool,
    /// New accounts that read records LA-wide (service managers).
    grants: Vec<RoleGrant>,
    cases: Vec<PersonSummary>,
    work: Option<hearth_domain::front_door::tasks::TrayCounts>,
    manages: bool,
    can_create: bool,
    /// An IRO: their children are on the Children in care page.
    reviews: bool,
}

pub async fn home(State(s): State<AppState>, Signed { actor, .. }: Signed, v: Visitor) -> Response {
    let alerts = match s.app.break_glass_alerts(&actor, 7).await {
        Ok(a) => a,
        Err(e) => return WebError(e).into_response(),
    };
    let grants = match s.app.la_wide_grants(&actor, 30).await {
        Ok(g) => g,
        Err(e) => return WebError(e).into_response(),
    };
    let cases = match s.app.my_cases(&actor, 200).await {
        Ok(c) => c,
        Err(e) => return WebError(e).into_response(),
    };
    let work = if actor.can(Permission::AddCaseNotes) {
        match s.app.my_work_counts(&actor).await {
            Ok(c) => Some(c),
            Err(e) => return WebError(e).into_response(),
        }
    } else {
        None
    };
    let page = HomePage {
        cases,
        work,
        manages: actor.can(Permission::RecordManagementOversight),
        can_create: actor.can(Permission::CreatePersons),
        reviews: actor.user.role == hearth_domain::user::Role::ReviewingOfficer,
        layout: layout(&v, format!("Hello, {}", actor.user.display_name)),
        can_search: actor.can(Permission::ViewRecords) || actor.can(Permission::ViewAllRecords),
        can_audit: actor.can(Permission::ReadAudit),
        can_admin: actor.can(Permission::ManageUsers),
        reviews_break_glass: actor.can(Permission::ReviewBreakGlass),
        alerts,
        grants,
    };
    render(StatusCode::OK, &page)
}

#[derive(Deserialize)]
pub struct SearchQuery {
    #[serde(default)]
    q: String,
    /// A page number; anything unreadable is the first page.
    #[serde(default)]
    page: Option<String>,
}

#[derive(Template)]
#[template(path = "search.html")]
struct SearchPage {
    layout: Layout,
    q: String,
    results: Option<SearchResults>,
    pager: Option<Pager>,
    errors: FieldErrors,
}

impl SearchPage {
    /// "Showing 21 to 40 of 57".
    fn showing(&self, r: &SearchResults) -> String {
        let first = (r.page as usize - 1) * SEARCH_PER_PAGE as usize + 1;
        format!("Showing {first} to {} of {}", first + r.hits.len() - 1, r.total)
    }
}

pub async fn search(State(s): State<AppState>, Signed { actor, .. }: Signed, v: Visitor, Query(q): Query<SearchQuery>) -> Response {
    let text = q.q.trim().chars().take(200).collect::<String>();
    let page = q.page.as_deref().and_then(|p| p.trim().parse::<u32>().ok()).unwrap_or(1).max(1);
    let results = if text.is_empty() {
        None
    } else {
        match s.app.search_page(&actor, &text, page).await {
            Ok(r) => Some(r),
            Err(AppError::Invalid(errors)) => {
                let page = SearchPage { layout: layout(&v, "Search"), q: text, results: None, pager: None, errors };
                return render(StatusCode::UNPROCESSABLE_ENTITY, &page);
            }
            Err(e) => return WebError(e).into_response(),
        }
    };
    let pager = results.as_ref().map(|r| {
        let href = |p: u32| format!("/search?{}", serde_urlencoded::to_string([("q", text.as_str()), ("page", &p.to_string())]).unwrap_or_default());
        Pager { label: "search results", page: r.page, pages: r.pages, prev: (r.page > 1).then(|| href(r.page - 1)), next: (r.page < r.pages).then(|| href(r.page + 1)) }
    });
    let title = if text.is_empty() { "Search".to_string() } else { format!("Search results for {text}") };
    render(StatusCode::OK, &SearchPage { layout: layout(&v, title), q: text, results, pager, errors: FieldErrors::new() })
}

/// Why an alert is on this person's page, in words.
pub fn alert_reason(why: &AlertReason) -> &'static str {
    match why {
        AlertReason::YourCase => "A child allocated to you",
        AlertReason::YourTeamsCase => "A child of a team you manage",
        AlertReason::YourStaff => "Someone you manage",
    }
}

/// What an audited action did, in words, for the break-glass alerts.
pub fn action_words(action: &str) -> String {
    hearth_domain::audit_words::describe(action)
}
