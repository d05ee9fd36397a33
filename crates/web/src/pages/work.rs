//! Work trays: "My work" and the manager's view of their teams' work.
use super::front_door::task_tag;
use super::layout;
use super::people::day;
use crate::error::{render, WebError};
use crate::layout::Layout;
use crate::session::{Signed, Visitor};
use crate::AppState;
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use hearth_app::{MyWork, TeamWork};
use hearth_domain::front_door::tasks::{Task, TaskSubject};
use hearth_domain::person::PersonSummary;
use hearth_domain::PersonId;
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
    }
}

fn rows(tasks: &[Task], children: &HashMap<PersonId, PersonSummary>, users: &HashMap<hearth_domain::UserId, String>, today: Date) -> Vec<TaskRow> {
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
}

pub async fn mine(State(s): State<AppState>, Signed { actor }: Signed, v: Visitor) -> Result<Response, WebError> {
    let MyWork { tray, children, today } = s.app.my_work(&actor).await?;
    let none = HashMap::new();
    let sections = vec![
        ("Overdue", rows(&tray.overdue, &children, &none, today)),
        ("Due today", rows(&tray.due_today, &children, &none, today)),
        ("Due in the next 7 days", rows(&tray.due_this_week, &children, &none, today)),
        ("Later", rows(&tray.later, &children, &none, today)),
    ];
    let total = sections.iter().map(|(_, r)| r.len()).sum();
    Ok(render(StatusCode::OK, &WorkPage { layout: layout(&v, "My work"), sections, total }))
}

#[derive(Template)]
#[template(path = "team_work.html")]
struct TeamWorkPage {
    layout: Layout,
    w: TeamWork,
    overdue: Vec<TaskRow>,
    awaiting: Vec<TaskRow>,
    unassigned: Vec<TaskRow>,
    by_worker: Vec<(String, usize)>,
}

pub async fn team(State(s): State<AppState>, Signed { actor }: Signed, v: Visitor) -> Result<Response, WebError> {
    let w = s.app.team_work(&actor).await?;
    let overdue = rows(&w.view.overdue, &w.children, &w.users, w.today);
    let awaiting = rows(&w.view.awaiting_authorisation, &w.children, &w.users, w.today);
    let unassigned = rows(&w.unassigned, &w.children, &w.users, w.today);
    let mut by_worker: Vec<(String, usize)> = w
        .view
        .overdue_by_worker
        .iter()
        .map(|(u, n)| (u.and_then(|u| w.users.get(&u).cloned()).unwrap_or_else(|| "Not allocated to a worker".into()), *n))
        .collect();
    by_worker.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    Ok(render(StatusCode::OK, &TeamWorkPage { layout: layout(&v, "Team work"), w, overdue, awaiting, unassigned, by_worker }))
}
