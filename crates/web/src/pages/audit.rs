//! The auditor's pages: the state of the chain and who looked at a child's record.
use super::{layout, parse_id};
use crate::error::{render, WebError};
use crate::layout::Layout;
use crate::session::{Signed, Visitor};
use crate::AppState;
use askama::Template;
use crate::forms::{date_input, FormData};
use axum::extract::{Path, RawQuery, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use hearth_app::{AppError, AuditReport, AuditSearch, VerifyOutcome};
use hearth_domain::audit::{AuditEntry, Outcome};
use hearth_domain::audit_words::{describe, ACTION_GROUPS};
use hearth_domain::user::Permission;
use hearth_domain::{FieldErrors, PersonId};
use hearth_store::AuditQuery;

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditIndex {
    layout: Layout,
    /// The result of a check, when one was asked for; `true` when intact.
    verdict: Option<(String, bool)>,
    error: Option<String>,
    /// The filter form as entered, and its problems.
    form: FormData,
    errors: FieldErrors,
    found: AuditSearch,
    /// The query string of the filters (without the page), for the download and paging.
    filters: String,
}

impl AuditIndex {
    fn groups(&self) -> Vec<(String, &'static str)> {
        ACTION_GROUPS.iter().enumerate().map(|(i, (name, _))| (i.to_string(), *name)).collect()
    }

    fn who(&self, e: &AuditEntry) -> String {
        e.draft.actor.map_or_else(|| "Hearth (system)".to_string(), |a| self.found.actors.get(&a).cloned().unwrap_or_else(|| "An account that no longer exists".into()))
    }

    /// The record an entry is about: its id and name, or `None` inside for a restricted one
    /// (neither named nor identified in the list).
    fn whom(&self, e: &AuditEntry) -> Option<Option<(PersonId, String)>> {
        let p = e.draft.person?;
        Some(self.found.people.get(&p).map(|n| (p, n.clone())))
    }

    fn older_href(&self) -> Option<String> {
        let before = self.found.older?;
        Some(if self.filters.is_empty() { format!("/audit?before={before}#entries") } else { format!("/audit?{}&before={before}#entries", self.filters) })
    }
}

/// The audit filters of a query string: the store's query, or what is wrong with them.
fn audit_query(f: &FormData, today: time::Date) -> (AuditQuery, FieldErrors) {
    let mut errs = FieldErrors::new();
    let mut q = AuditQuery::default();
    match f.get("user").trim() {
        "" => {}
        u => match u.parse() {
            Ok(u) => q.actor = Some(u),
            Err(_) => errs.add("user", "Choose someone from the list"),
        },
    }
    match f.get("action").trim() {
        "" => {}
        a => match a.parse::<usize>().ok().and_then(|i| ACTION_GROUPS.get(i)) {
            Some((_, actions)) => q.actions = actions.iter().map(|a| a.to_string()).collect(),
            None => errs.add("action", "Choose an action from the list"),
        },
    }
    let from = date_input(f, "from", "The first day", &mut errs);
    let to = date_input(f, "to", "The last day", &mut errs);
    if let (Some(a), Some(b)) = (from, to) && b < a {
        errs.add("to", "The last day must be the same as or after the first day");
    }
    if from.is_some_and(|d| d > today) {
        errs.add("from", "The first day must be today or in the past");
    }
    let midnight = |d: time::Date| hearth_domain::local_time::from_uk_local(d.midnight());
    q.from = from.map(midnight);
    q.until = to.and_then(|d| d.next_day()).map(midnight);
    q.before = f.get("before").trim().parse().ok();
    (q, errs)
}

/// The filters of a form as a query string (the page left out).
fn filter_string(f: &FormData) -> String {
    let keep: Vec<(&str, &str)> = f.0.iter().filter(|(k, v)| k != "before" && k != "verify" && k != "person" && !v.trim().is_empty()).map(|(k, v)| (k.as_str(), v.as_str())).collect();
    serde_urlencoded::to_string(keep).unwrap_or_default()
}


pub async fn index(State(s): State<AppState>, Signed { actor, .. }: Signed, v: Visitor, RawQuery(raw): RawQuery) -> Result<Response, WebError> {
    s.app.require(&actor, Permission::ReadAudit, "audit.view").await?;
    let form = FormData::parse(raw.unwrap_or_default().as_bytes());
    let person = form.get("person").trim();
    let mut error = None;
    if !person.is_empty() {
        match s.app.resolve_person(person).await? {
            Ok(id) => return Ok(Redirect::to(&format!("/audit/people/{id}")).into_response()),
            Err(e) => error = Some(e),
        }
    }
    let verdict = if form.get("verify").is_empty() {
        None
    } else {
        Some(match s.app.verify_audit().await? {
            VerifyOutcome::Intact { entries } => (format!("The audit log is intact: all {entries} entries check out."), true),
            VerifyOutcome::Broken(f) => (format!("The audit log has been tampered with: {f}."), false),
        })
    };
    let (q, errors) = audit_query(&form, s.app.today());
    let found = if errors.is_empty() { s.app.audit_search(&actor, q, false).await? } else { AuditSearch::default() };
    let status = if error.is_some() || !errors.is_empty() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    let filters = filter_string(&form);
    Ok(render(status, &AuditIndex { layout: layout(&v, "Audit"), verdict, error, form, errors, found, filters }))
}

/// The filtered log as CSV, newest first (at most [`hearth_app::AUDIT_EXPORT_MAX`] rows).
pub async fn export(State(s): State<AppState>, Signed { actor, .. }: Signed, RawQuery(raw): RawQuery) -> Result<Response, WebError> {
    let form = FormData::parse(raw.unwrap_or_default().as_bytes());
    let (q, errors) = audit_query(&form, s.app.today());
    if !errors.is_empty() {
        return Err(WebError(AppError::Invalid(errors)));
    }
    let found = s.app.audit_search(&actor, q, true).await?;
    // No target column: it can hold what was searched for, a name among them.
    let mut csv = String::from("sequence,when,who,action,in words,record,person id,outcome,reason\r\n");
    for e in &found.entries {
        let d = &e.draft;
        let who = d.actor.map_or_else(|| "Hearth (system)".to_string(), |a| found.actors.get(&a).cloned().unwrap_or_default());
        let (record, person) = match d.person {
            Some(p) => match found.people.get(&p) {
                Some(name) => (name.clone(), p.to_string()),
                None => ("A restricted record".to_string(), String::new()),
            },
            None => (String::new(), String::new()),
        };
        let cells = [
            e.seq.to_string(),
            super::people::when(&d.at),
            who,
            d.action.clone(),
            describe(&d.action),
            record,
            person,
            if d.outcome == Outcome::Allowed { "allowed".into() } else { "refused".into() },
            d.reason.clone().unwrap_or_default(),
        ];
        csv += &cells.iter().map(|c| csv_cell(c)).collect::<Vec<_>>().join(",");
        csv += "\r\n";
    }
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"hearth-audit-{}.csv\"", s.app.today())),
        ],
        csv,
    )
        .into_response())
}

/// One CSV cell: quoted when it needs to be, and a leading `=`, `+`, `-` or `@` made inert so
/// a spreadsheet does not run it as a formula.
fn csv_cell(v: &str) -> String {
    let v = if v.starts_with(['=', '+', '-', '@']) { format!("'{v}") } else { v.to_string() };
    if v.contains([',', '"', '\n', '\r']) { format!("\"{}\"", v.replace('"', "\"\"")) } else { v }
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

#[cfg(test)]
mod tests {
    use super::csv_cell;

    #[test]
    fn csv_cells_are_quoted_and_formulas_made_inert() {
        assert_eq!(csv_cell("plain"), "plain");
        assert_eq!(csv_cell("a, \"b\""), "\"a, \"\"b\"\"\"");
        assert_eq!(csv_cell("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(csv_cell("-1"), "'-1");
    }
}
