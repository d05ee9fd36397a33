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
use hearth_app::{AppError, MyWork, OverdueFilter, TeamWork};
use hearth_domain::front_door::tasks::{Task, TaskSubject};
use hearth_domain::person::PersonSummary;
use hearth_domain::{PersonId, UserId};
use serde::Deserialize;
use std::collections::HashMap;
use time::Date;

/// A task as a row: what, for whom, when, and where to do it.
pub struct TaskRow {
    pub label: &'static str,
    pub child: String,
    pub href: String,
    pub due: String,
    pub tag: (&'static str, String),
    pub explanation: String,
    pub assignee: String,
}

/// Where the step of a task is done.
pub fn task_href(t: &Task) -> String {
    match t.subject {
        TaskSubject::Contact(id) => format!("/contacts/{id}"),
        TaskSubject::Referral(id) => format!("/referrals/{id}"),
        TaskSubject::Assessment(id) => format!("/assessments/{id}"),
        TaskSubject::Episode(id) => format!("/episodes/{id}"),
    }
}

pub(crate) fn rows(tasks: &[Task], children: &HashMap<PersonId, PersonSummary>, users: &HashMap<UserId, String>, today: Date) -> Vec<TaskRow> {
    tasks
        .iter()
        .map(|t| TaskRow {
            label: t.kind.label(),
            child: children.get(&t.child).map(|p| format!("{} {}", p.given_name, p.family_name)).unwrap_or_else(|| "A child you cannot see".into()),
            href: task_href(t),
            due: day(&t.due),
            tag: task_tag(t, today),
            explanation: t.explanation.clone(),
            assignee: match t.assignee {
                Some(u) => users.get(&u).cloned().unwrap_or_else(|| "Another worker".into()),
                None => "Not allocated".into(),
            },
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
    let MyWork { tray, children, hidden, today } = s.app.my_work(&actor).await?;
    let none = HashMap::new();
    let sections = vec![
        ("Overdue", rows(&tray.overdue, &children, &none, today)),
        ("Due today", rows(&tray.due_today, &children, &none, today)),
        ("Due in the next 7 days", rows(&tray.due_this_week, &children, &none, today)),
        ("Later", rows(&tray.later, &children, &none, today)),
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
    pages: u32,
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

    /// The link to another page of the same overdue list.
    fn page_href(&self, page: u32) -> String {
        match self.w.filter.worker {
            None => format!("?page={page}"),
            Some(w) => format!("?worker={}&page={page}", worker_param(w)),
        }
    }
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
}


/// The filter of `?worker=…&page=…` (the page and the API share it); `None` when the worker is
/// neither a user's id nor `none`.
pub fn overdue_filter(worker: Option<&str>, page: Option<u32>) -> Option<OverdueFilter> {
    let worker = match worker.map(str::trim) {
        None | Some("") => None,
        Some("none") => Some(None),
        Some(id) => Some(Some(id.parse().ok()?)),
    };
    Some(OverdueFilter { worker, page: page.unwrap_or(1) })
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
    let w = s.app.team_work(&actor, filter).await?;
    let overdue = rows(&w.overdue, &w.children, &w.users, w.today);
    let awaiting = rows(&w.awaiting_authorisation, &w.children, &w.users, w.today);
    let unassigned = rows(&w.unassigned, &w.children, &w.users, w.today);
    let mut by_worker: Vec<WorkerOverdue> = w
        .counts
        .overdue_by_worker
        .iter()
        .map(|(u, n)| WorkerOverdue { name: worker_name(&w, *u), count: *n, href: format!("/work/team?worker={}#overdue", worker_param(*u)) })
        .collect();
    by_worker.sort_by(|a, b| b.count.cmp(&a.count).then(a.name.cmp(&b.name)));
    let showing = w.filter.worker.map(|u| worker_name(&w, u));
    let pages = w.overdue_pages();
    Ok(render(StatusCode::OK, &TeamWorkPage { layout: layout(&v, "Team work"), w, overdue, awaiting, unassigned, by_worker, showing, pages }))
}
