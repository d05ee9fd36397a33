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
use hearth_domain::person::PersonSummary;
use hearth_domain::user::Permission;
use hearth_store::BreakGlassGrant;
use serde::Deserialize;

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    layout: Layout,
    can_search: bool,
    can_audit: bool,
    can_admin: bool,
    alerts: Vec<BreakGlassGrant>,
    reviews_break_glass: bool,
    cases: Vec<PersonSummary>,
    work: Option<hearth_domain::front_door::tasks::TrayCounts>,
    manages: bool,
}

pub async fn home(State(s): State<AppState>, Signed { actor, .. }: Signed, v: Visitor) -> Response {
    let alerts = match s.app.break_glass_alerts(&actor, 7).await {
        Ok(a) => a,
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
        layout: layout(&v, format!("Hello, {}", actor.user.display_name)),
        can_search: actor.can(Permission::ViewRecords) || actor.can(Permission::ViewAllRecords),
        can_audit: actor.can(Permission::ReadAudit),
        can_admin: actor.can(Permission::ManageUsers),
        reviews_break_glass: actor.can(Permission::ReviewBreakGlass),
        alerts,
    };
    render(StatusCode::OK, &page)
}

#[derive(Deserialize)]
pub struct SearchQuery {
    #[serde(default)]
    q: String,
}

#[derive(Template)]
#[template(path = "search.html")]
struct SearchPage {
    layout: Layout,
    q: String,
    searched: bool,
    results: Vec<PersonSummary>,
}

pub async fn search(State(s): State<AppState>, Signed { actor, .. }: Signed, v: Visitor, Query(q): Query<SearchQuery>) -> Response {
    let text = q.q.trim().chars().take(200).collect::<String>();
    let results = if text.is_empty() {
        Vec::new()
    } else {
        match s.app.search(&actor, &text, 50).await {
            Ok(r) => r,
            Err(e) => return WebError(e).into_response(),
        }
    };
    let title = if text.is_empty() { "Search".to_string() } else { format!("Search results for {text}") };
    render(StatusCode::OK, &SearchPage { layout: layout(&v, title), searched: !text.is_empty(), q: text, results })
}
