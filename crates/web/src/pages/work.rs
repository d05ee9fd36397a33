//! Work trays: "My work" and the manager's view of their teams' work.
use super::front_door::task_tag;
use super::layout;
use super::people::day;
use crate::error::{render, WebError};
use crate::layout::Layout;
use crate::session::{Signed, Visitor};
use crate::AppState;
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use hearth_app::{pages_of, AppError, MyWork, TeamWork, TeamWorkFilter};
use hearth_domain::front_door::tasks::{Task, TaskSubject};
use hearth_domain::local_time::uk_local;
use hearth_domain::person::PersonSummary;
use hearth_domain::user::Permission;
use hearth_domain::{PersonId, UserId};
use serde::Deserialize;
use std::collections::HashMap;
use time::Date;

/// A task as a row: what, for whom, when, and where to do it.
pub struct TaskRow {
    pub label: &'static str,
    pub child: String,
    /// The child's record (`None` for a child the reader cannot see).
    pub child_href: Option<String>,
    pub href: String,
    pub due: String,
    pub tag: (&'static str, String),
    pub explanation: String,
    pub assignee: String,
    /// Who passed the step on, and when ("Sent by Sam Worker on 3 December 2026").
    pub sent: Option<String>,
}

/// A tray's status of an open task: with someone else since when, overdue by how many days,
/// due today, or to do.
fn tray_tag(t: &Task, users: &HashMap<UserId, String>, today: Date) -> (&'static str, String) {
    if let Some(w) = t.waiting {
        let whom = w.with.and_then(|u| users.get(&u).cloned()).unwrap_or_else(|| "a manager".into());
        return ("govuk-tag--grey", format!("With {whom} since {}", day(&uk_local(w.since).date())));
    }
    match t.days_overdue(today) {
        0 => task_tag(t, today),
        1 => ("govuk-tag--red", "Overdue by 1 day".into()),
        n => ("govuk-tag--red", format!("Overdue by {n} days")),
    }
}

/// Where the step of a task is done.
pub fn task_href(t: &Task) -> String {
    match t.subject {
        TaskSubject::Contact(id) => format!("/contacts/{id}"),
        TaskSubject::Referral(id) => format!("/referrals/{id}"),
        TaskSubject::Assessment(id) => format!("/assessments/{id}"),
        TaskSubject::Episode(id) => format!("/episodes/{id}"),
        TaskSubject::CarePeriod(_) => format!("/people/{}/care", t.child),
        TaskSubject::CareDecision(_) => format!("/people/{}/care#decision", t.child),
    }
}

pub(crate) fn rows(tasks: &[Task], children: &HashMap<PersonId, PersonSummary>, users: &HashMap<UserId, String>, today: Date) -> Vec<TaskRow> {
    tasks
        .iter()
        .map(|t| TaskRow {
            label: t.kind.label(),
            child: children.get(&t.child).map(|p| format!("{} {}", p.given_name, p.family_name)).unwrap_or_else(|| "A child you cannot see".into()),
            child_href: children.contains_key(&t.child).then(|| format!("/people/{}", t.child)),
            href: task_href(t),
            due: day(&t.due),
            tag: tray_tag(t, users, today),
            explanation: t.explanation.clone(),
            assignee: match t.assignee {
                Some(u) => users.get(&u).cloned().unwrap_or_else(|| "Another worker".into()),
                None => "Not allocated".into(),
            },
            sent: t.sent.map(|s| {
                let by = users.get(&s.by).cloned().unwrap_or_else(|| "another worker".into());
                format!("Sent by {by} on {}", day(&uk_local(s.at).date()))
            }),
        })
        .collect()
}

#[derive(Template)]
#[template(path = "work.html")]
struct WorkPage {
    layout: Layout,
    sections: Vec<(&'static str, Vec<TaskRow>)>,
    total: usize,
    /// Tasks held about records restricted from the worker: not listed.
    hidden: usize,
}

pub async fn mine(State(s): State<AppState>, Signed { actor }: Signed, v: Visitor) -> Result<Response, WebError> {
    let MyWork { tray, children, hidden, users, today } = s.app.my_work(&actor).await?;
    let sections = vec![
        ("Overdue", rows(&tray.overdue, &children, &users, today)),
        ("Due today", rows(&tray.due_today, &children, &users, today)),
        ("Due in the next 7 days", rows(&tray.due_this_week, &children, &users, today)),
        ("Later", rows(&tray.later, &children, &users, today)),
        ("With someone else", rows(&tray.waiting, &children, &users, today)),
    ];
    let total = sections.iter().map(|(_, r)| r.len()).sum();
    Ok(render(StatusCode::OK, &WorkPage { layout: layout(&v, "My work"), sections, total, hidden }))
}

#[derive(Template)]
#[template(path = "team_work.html")]
struct TeamWorkPage {
    layout: Layout,
    w: TeamWork,
    overdue: Vec<TaskRow>,
    awaiting: Vec<TaskRow>,
    unassigned: Vec<TaskRow>,
    /// Each worker with overdue work: name, count and the link to their list.
    by_worker: Vec<WorkerOverdue>,
    /// Whose overdue work is listed, when one worker's is.
    showing: Option<String>,
    overdue_pager: Pager,
    awaiting_pager: Pager,
    unassigned_pager: Pager,
    /// Keeps the providers' list, so makes the monitoring visits to external homes.
    visits_homes: bool,
}

/// The links between the pages of one list.
pub struct Pager {
    /// What the pages are of, for the navigation's label.
    pub label: &'static str,
    pub page: u32,
    pub pages: u32,
    pub prev: Option<String>,
    pub next: Option<String>,
}

pub struct WorkerOverdue {
    pub name: String,
    pub count: usize,
    pub href: String,
}

impl TeamWorkPage {
    /// How many overdue tasks the list has in all.
    fn overdue_total(&self) -> usize {
        self.w.counts.overdue_of(self.w.filter.worker)
    }
}

/// The link to the team's page showing `f`'s pages, at `anchor`.
fn team_href(f: &TeamWorkFilter, anchor: &str) -> String {
    let mut q = Vec::new();
    if let Some(w) = f.worker {
        q.push(format!("worker={}", worker_param(w)));
    }
    for (name, page) in [("page", f.page), ("awaiting", f.awaiting_page), ("unassigned", f.unassigned_page)] {
        if page > 1 {
            q.push(format!("{name}={page}"));
        }
    }
    format!("/work/team?{}#{anchor}", q.join("&"))
}

/// The pager of one list of the team's page: `at` picks the list's page out of a filter.
fn pager(label: &'static str, f: &TeamWorkFilter, pages: u32, anchor: &str, at: fn(&mut TeamWorkFilter) -> &mut u32) -> Pager {
    let mut f = *f;
    let page = *at(&mut f);
    let mut link = |p: u32| {
        *at(&mut f) = p;
        team_href(&f, anchor)
    };
    let prev = (page > 1).then(|| link(page - 1));
    let next = (page < pages).then(|| link(page + 1));
    Pager { label, page, pages, prev, next }
}

/// `?worker=` of a manager's page: a user's id, or `none` for the work nobody holds.
fn worker_param(w: Option<UserId>) -> String {
    w.map_or_else(|| "none".to_string(), |u| u.to_string())
}

#[derive(Deserialize, Default)]
pub struct TeamWorkQuery {
    #[serde(default)]
    worker: Option<String>,
    #[serde(default)]
    page: Option<u32>,
    #[serde(default)]
    awaiting: Option<u32>,
    #[serde(default)]
    unassigned: Option<u32>,
}


/// The filter of `?worker=…&page=…` (the page and the API share it); `None` when the worker is
/// neither a user's id nor `none`.
pub fn overdue_filter(worker: Option<&str>, page: Option<u32>) -> Option<TeamWorkFilter> {
    let worker = match worker.map(str::trim) {
        None | Some("") => None,
        Some("none") => Some(None),
        Some(id) => Some(Some(id.parse().ok()?)),
    };
    Some(TeamWorkFilter { worker, page: page.unwrap_or(1), ..TeamWorkFilter::default() })
}

fn worker_name(w: &TeamWork, u: Option<UserId>) -> String {
    match u {
        Some(u) => w.users.get(&u).cloned().unwrap_or_else(|| "Another worker".into()),
        None => "Not allocated to a worker".into(),
    }
}

pub async fn team(State(s): State<AppState>, Signed { actor }: Signed, v: Visitor, Query(q): Query<TeamWorkQuery>) -> Result<Response, WebError> {
    // An unreadable worker is a list that does not exist.
    let filter = overdue_filter(q.worker.as_deref(), q.page).ok_or(WebError(AppError::NotFound))?;
    let filter = TeamWorkFilter { awaiting_page: q.awaiting.unwrap_or(1), unassigned_page: q.unassigned.unwrap_or(1), ..filter };
    let w = s.app.team_work(&actor, filter).await?;
    let overdue = rows(&w.overdue, &w.children, &w.users, w.today);
    let awaiting = rows(&w.awaiting_authorisation, &w.children, &w.users, w.today);
    let unassigned = rows(&w.unassigned, &w.children, &w.users, w.today);
    let mut by_worker: Vec<WorkerOverdue> = w
        .counts
        .overdue_by_worker
        .iter()
        .map(|(u, n)| WorkerOverdue { name: worker_name(&w, *u), count: *n, href: team_href(&TeamWorkFilter { worker: Some(*u), page: 1, ..w.filter }, "overdue") })
        .collect();
    by_worker.sort_by(|a, b| b.count.cmp(&a.count).then(a.name.cmp(&b.name)));
    let showing = w.filter.worker.map(|u| worker_name(&w, u));
    let f = &w.filter;
    let overdue_pager = pager("overdue work", f, w.overdue_pages(), "overdue", |f| &mut f.page);
    let awaiting_pager = pager("assessments awaiting authorisation", f, pages_of(w.counts.awaiting_authorisation), "awaiting", |f| &mut f.awaiting_page);
    let unassigned_pager = pager("work waiting for someone to pick up", f, pages_of(w.counts.unassigned), "unassigned", |f| &mut f.unassigned_page);
    let page = TeamWorkPage { layout: layout(&v, "Team work"), w, overdue, awaiting, unassigned, by_worker, showing, overdue_pager, awaiting_pager, unassigned_pager, visits_homes: actor.can(Permission::ManageProviders) };
    Ok(render(StatusCode::OK, &page))
}
