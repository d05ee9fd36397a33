//! The auditor's pages: the state of the chain and who looked at a child's record.
use super::{layout, parse_id};
use crate::error::{render, WebError};
use crate::layout::Layout;
use crate::session::{Signed, Visitor};
use crate::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use hearth_app::{AuditReport, VerifyOutcome};
use hearth_domain::user::Permission;
use hearth_domain::PersonId;
use serde::Deserialize;

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditIndex {
    layout: Layout,
    /// The result of a check, when one was asked for; `true` when intact.
    verdict: Option<(String, bool)>,
    error: Option<String>,
}

#[derive(Deserialize, Default)]
pub struct Lookup {
    #[serde(default)]
    person: String,
    /// Checking reads the whole log, so it runs only when asked for.
    #[serde(default)]
    verify: String,
}

pub async fn index(State(s): State<AppState>, Signed { actor, .. }: Signed, v: Visitor, Query(q): Query<Lookup>) -> Result<Response, WebError> {
    s.app.require(&actor, Permission::ReadAudit, "audit.view").await?;
    let person = q.person.trim();
    let mut error = None;
    if !person.is_empty() {
        match person.parse::<PersonId>() {
            Ok(id) => return Ok(Redirect::to(&format!("/audit/people/{id}")).into_response()),
            Err(_) => error = Some("Enter a Hearth ID, like 0190d4c2-7a1e-7c3b-9f00-2b6a3c1d4e5f".to_string()),
        }
    }
    let verdict = if q.verify.is_empty() {
        None
    } else {
        Some(match s.app.verify_audit().await? {
            VerifyOutcome::Intact { entries } => (format!("The audit log is intact: all {entries} entries check out."), true),
            VerifyOutcome::Broken(f) => (format!("The audit log has been tampered with: {f}."), false),
        })
    };
    let status = if error.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    Ok(render(status, &AuditIndex { layout: layout(&v, "Audit"), verdict, error }))
}

#[derive(Template)]
#[template(path = "audit_person.html")]
struct AuditPerson {
    layout: Layout,
    person: PersonId,
    report: AuditReport,
}

pub async fn person(State(s): State<AppState>, Signed { actor, .. }: Signed, v: Visitor, Path(id): Path<String>) -> Result<Response, WebError> {
    let id: PersonId = parse_id(&id)?;
    let report = s.app.audit_of_person(&actor, id, 500).await?;
    Ok(render(StatusCode::OK, &AuditPerson { layout: layout(&v, "Who has looked at this record"), person: id, report }))
}
