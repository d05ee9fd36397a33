//! A manager's view of their workers' caseloads.
use super::layout;
use crate::error::{render, WebError};
use crate::layout::Layout;
use crate::session::{Signed, Visitor};
use crate::AppState;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use hearth_app::{Caseloads, WorkerCases};
use hearth_domain::front_door::allocation::CaseloadLevel;

#[derive(Template)]
#[template(path = "caseloads.html")]
struct CaseloadsPage {
    layout: Layout,
    c: Caseloads,
}

impl CaseloadsPage {
    fn range(&self) -> String {
        hearth_domain::policy::describe_range(self.c.min, self.c.max)
    }
}

/// The tag for a caseload against the threshold.
pub fn status_tag(s: &Option<CaseloadLevel>) -> (&'static str, &'static str) {
    match s {
        Some(CaseloadLevel::Over) => ("govuk-tag--red", "Over"),
        Some(CaseloadLevel::Under) => ("govuk-tag--blue", "Under"),
        Some(CaseloadLevel::Within) => ("govuk-tag--green", "Within"),
        None => ("", ""),
    }
}

pub async fn page(State(s): State<AppState>, Signed { actor }: Signed, v: Visitor) -> Result<Response, WebError> {
    let c = s.app.caseloads(&actor).await?;
    Ok(render(StatusCode::OK, &CaseloadsPage { layout: layout(&v, "Caseloads"), c }))
}

#[derive(Template)]
#[template(path = "worker_cases.html")]
struct WorkerCasesPage {
    layout: Layout,
    w: WorkerCases,
}

/// A worker's children, for their manager.
pub async fn worker(State(s): State<AppState>, Signed { actor }: Signed, v: Visitor, Path(id): Path<String>) -> Result<Response, WebError> {
    let id: hearth_domain::UserId = super::parse_id(&id)?;
    let w = s.app.worker_cases(&actor, id).await?;
    Ok(render(StatusCode::OK, &WorkerCasesPage { layout: layout(&v, format!("Children allocated to {}", w.name)), w }))
}
