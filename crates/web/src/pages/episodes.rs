//! The child's children-in-need episode: where the child is, what is due next, every step
//! recorded (plans, strategy discussions, enquiries, conferences, core groups, oversight,
//! closure), and one form per step. Every form is a [`FormSpec`] drawn by the shared step
//! form, so each step's page looks and behaves the same.
use super::front_door::{deadline_rows, DeadlineRow};
use super::front_door::radios;
use super::people::{day, options, when as people_when};
use super::work::{rows as task_rows, TaskRow};
use super::step_form::{date_field, Field, FormSpec, StepForm, StepTarget, ACTION_ROWS, PEOPLE_ROWS};
use super::{layout, parse_id};
use crate::error::{render, WebError};
use crate::forms::{date_input, set_date, time_input, FormData};
use crate::layout::Layout;
use crate::session::{Signed, Visitor};
use crate::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use hearth_app::{Actor, AppError, CpDashboardView, EpisodeView};
use hearth_domain::cin::change::Change;
use hearth_domain::cin::codes::{AbuseCategory, ClosureReason, EnquiryOutcome, PlanEndReason, StepDownTo, StrategyDecision};
use hearth_domain::cin::episode::{Conference, ConferenceDecision, ConferenceKind, CpPlan, InitialDecision, MeetingDetails, Participant, PlanAction, PlanContent, ReviewDecision};
use hearth_domain::cin::{EpisodeId, StepId};
use hearth_domain::codes::Coded;
use hearth_domain::front_door::ReferralId;
use hearth_domain::local_time::from_uk_local;
use hearth_domain::{FieldErrors, PersonId, UserId};
use serde::Deserialize;
use time::{OffsetDateTime, PrimitiveDateTime};

fn people(name: &'static str, legend: &'static str) -> Field {
    Field::People { name, legend }
}

fn plan_context(p: &CpPlan) -> Vec<(String, String)> {
    vec![
        ("Child protection plan".into(), format!("Started {}", day(&p.start))),
        ("Latest category of abuse".into(), p.latest_category.label().to_string()),
    ]
}

/// The form of step `key` (about `step`, where the step needs one) on this episode.
fn spec(key: &str, v: &EpisodeView, step: Option<StepId>) -> Result<FormSpec, WebError> {
    let e = &v.episode.value;
    let not_found = || WebError(AppError::NotFound);
    let cin_plan = || step.and_then(|s| e.cin_plan(s)).ok_or_else(not_found);
    let cp_plan = || step.and_then(|s| e.cp_plan(s)).ok_or_else(not_found);
    let s = match key {
        "cin-plan" => FormSpec {
            title: "Start a child in need plan".into(),
            context: vec![],
            intro: Some("The plan is reviewed and the child visited at the policy pack's intervals; set a visiting frequency here only if this plan needs its own."),
            fields: vec![
                date_field("start", "Date the plan started"),
                Field::Textarea { name: "needs", label: "The child's needs", hint: "", rows: 5 },
                Field::Textarea { name: "outcomes", label: "The outcomes the plan is for", hint: "", rows: 5 },
                Field::Actions,
                Field::Text { name: "visit_every", label: "Visit every (working days, optional)", hint: "Leave blank to use the policy pack's frequency", width: "govuk-input--width-3" },
            ],
            button: "Start the plan",
        },
        "cin-plan-edit" => {
            let p = cin_plan()?;
            FormSpec {
                title: "Change the child in need plan".into(),
                context: vec![("Child in need plan".into(), format!("Started {}", day(&p.start)))],
                intro: Some("Every saved version of the plan is kept in the episode's history."),
                fields: vec![
                    Field::Textarea { name: "needs", label: "The child's needs", hint: "", rows: 5 },
                    Field::Textarea { name: "outcomes", label: "The outcomes the plan is for", hint: "", rows: 5 },
                    Field::Actions,
                    Field::Text { name: "visit_every", label: "Visit every (working days, optional)", hint: "Leave blank to use the policy pack's frequency", width: "govuk-input--width-3" },
                ],
                button: "Save the plan",
            }
        }
        "cin-review" => {
            let p = cin_plan()?;
            FormSpec { title: "Record a review of the child in need plan".into(), context: vec![("Child in need plan".into(), format!("Started {}", day(&p.start)))], intro: None, fields: vec![date_field("date", "Date of the review")], button: "Record the review" }
        }
        "cin-end" => {
            let p = cin_plan()?;
            FormSpec { title: "End the child in need plan".into(), context: vec![("Child in need plan".into(), format!("Started {}", day(&p.start)))], intro: None, fields: vec![date_field("end", "Date the plan ended")], button: "End the plan" }
        }
        "strategy" => FormSpec {
            title: "Record a strategy discussion".into(),
            context: vec![],
            intro: None,
            fields: vec![
                date_field("held_at", "Date of the discussion"),
                Field::Time { name: "held_at", label: "Time of the discussion" },
                people("participants", "Who took part"),
                Field::Textarea { name: "information", label: "Information shared", hint: "", rows: 6 },
                Field::Radios { name: "decision", legend: "What the discussion decided", options: radios::<StrategyDecision>() },
                Field::Textarea { name: "action_notes", label: "Action notes", hint: "Who does what, by when. Record when they were sent to the participants from the episode page.", rows: 6 },
            ],
            button: "Record the discussion",
        },
        "notes-sent" => {
            let sd = step.and_then(|s| e.strategy(s)).ok_or_else(not_found)?;
            FormSpec {
                title: "Record that the action notes were sent".into(),
                context: vec![("Strategy discussion".into(), people_when(&sd.held_at))],
                intro: None,
                fields: vec![date_field("distributed_at", "Date the notes were sent"), Field::Time { name: "distributed_at", label: "Time the notes were sent" }],
                button: "Save",
            }
        }
        "enquiry" => {
            let sd = step.and_then(|s| e.strategy(s)).ok_or_else(not_found)?;
            FormSpec {
                title: "Start a section 47 enquiry".into(),
                context: vec![("Strategy discussion".into(), format!("{}: {}", day(&sd.date()), sd.decision.label()))],
                intro: None,
                fields: vec![date_field("start", "Date the enquiry started")],
                button: "Start the enquiry",
            }
        }
        "enquiry-outcome" => {
            let q = step.and_then(|s| e.enquiry(s)).ok_or_else(not_found)?;
            let mut context = vec![("Section 47 enquiry".into(), format!("Started {}", day(&q.start)))];
            if let Some(t) = v.icpc_targets.get(&q.id) {
                context.push(("Initial conference due by".into(), day(&t.due.date())));
            }
            FormSpec {
                title: "Record the outcome of the section 47 enquiry".into(),
                context,
                intro: None,
                fields: vec![Field::Radios { name: "outcome", legend: "Outcome", options: radios::<EnquiryOutcome>() }, date_field("outcome_date", "Date of the outcome")],
                button: "Record the outcome",
            }
        }
        "icpc" => {
            let q = step.and_then(|s| e.enquiry(s)).ok_or_else(not_found)?;
            let mut context = vec![("Section 47 enquiry".into(), format!("Started {}", day(&q.start)))];
            if let Some(t) = v.icpc_targets.get(&q.id) {
                context.push(("Due by".into(), format!("{} ({})", day(&t.due.date()), t.within)));
            }
            FormSpec {
                title: "Record the initial child protection conference".into(),
                context,
                intro: Some("A child protection plan made here replaces an open child in need plan."),
                fields: vec![
                    date_field("date", "Date of the conference"),
                    people("attendees", "Who attended"),
                    Field::Radios { name: "decision", legend: "Decision", options: vec![("plan".into(), "A child protection plan".into()), ("no_plan".into(), "No child protection plan".into())] },
                    Field::Select { name: "category", label: "Category of abuse (with a plan)", options: options::<AbuseCategory>("Choose the category") },
                    Field::Textarea { name: "notes", label: "Notes (optional)", hint: "", rows: 5 },
                ],
                button: "Record the conference",
            }
        }
        "review" => {
            let p = cp_plan()?;
            FormSpec {
                title: "Record a review child protection conference".into(),
                context: plan_context(p),
                intro: None,
                fields: vec![
                    date_field("date", "Date of the conference"),
                    people("attendees", "Who attended"),
                    Field::Radios { name: "decision", legend: "Decision", options: vec![("continue".into(), "The plan continues".into()), ("end".into(), "The plan ends".into())] },
                    Field::Select { name: "category", label: "Latest category of abuse (if the plan continues)", options: options::<AbuseCategory>("Choose the category") },
                    Field::Select { name: "reason", label: "Why the plan ends (if it ends)", options: options::<PlanEndReason>("Choose the reason") },
                    Field::Textarea { name: "notes", label: "Notes (optional)", hint: "", rows: 5 },
                ],
                button: "Record the review",
            }
        }
        "cp-end" => {
            let p = cp_plan()?;
            FormSpec {
                title: "End the child protection plan".into(),
                context: plan_context(p),
                intro: Some("Plans usually end at a review conference; use this when the plan ends another way (the child moved away or became looked after, for example)."),
                fields: vec![date_field("end", "Date the plan ended"), Field::Select { name: "reason", label: "Why the plan ended", options: options::<PlanEndReason>("Choose the reason") }],
                button: "End the plan",
            }
        }
        "visits" => {
            let p = cp_plan()?;
            FormSpec {
                title: "How often the child is visited".into(),
                context: plan_context(p),
                intro: None,
                fields: vec![Field::Text { name: "visit_every", label: "Visit every (working days)", hint: "Leave blank to use the policy pack's frequency", width: "govuk-input--width-3" }],
                button: "Save",
            }
        }
        "core-group" => {
            let p = cp_plan()?;
            FormSpec {
                title: "Record a core group meeting".into(),
                context: plan_context(p),
                intro: None,
                fields: vec![date_field("date", "Date of the meeting"), people("attendees", "Who attended"), Field::Textarea { name: "notes", label: "Actions agreed", hint: "", rows: 6 }],
                button: "Record the meeting",
            }
        }
        "oversight" => FormSpec {
            title: "Add management oversight".into(),
            context: step_label(v, step).map(|l| vec![("About".to_string(), l)]).unwrap_or_default(),
            intro: Some("A note with a decision is part of the child's decision log."),
            fields: vec![
                Field::Textarea { name: "note", label: "Oversight", hint: "What you reviewed and your view of it", rows: 6 },
                Field::Textarea { name: "decision", label: "Decision (optional)", hint: "What you decided, in a sentence", rows: 3 },
            ],
            button: "Add the oversight",
        },
        "close" => FormSpec {
            title: "Close the episode".into(),
            context: vec![],
            intro: Some("Every plan must have ended and every enquiry concluded first."),
            fields: vec![
                date_field("date", "Date of closure"),
                Field::Radios { name: "reason", legend: "Reason for closure", options: radios::<ClosureReason>() },
                Field::Radios { name: "step_down", legend: "Step-down", options: step_down_options() },
                Field::Textarea { name: "services", label: "Services arranged (with a step-down)", hint: "The follow-up task comes at the policy pack's interval after closure", rows: 4 },
            ],
            button: "Close the episode",
        },
        "follow-up" => FormSpec {
            title: "Record the step-down follow-up".into(),
            context: vec![],
            intro: None,
            fields: vec![date_field("date", "Date of the follow-up"), Field::Textarea { name: "note", label: "What the service said", hint: "Whether the services are still right for the child", rows: 5 }],
            button: "Record the follow-up",
        },
        _ => return Err(not_found()),
    };
    Ok(s)
}

fn step_down_options() -> Vec<(String, String)> {
    let mut v = vec![("none".to_string(), "No step-down".to_string())];
    v.extend(radios::<StepDownTo>());
    v
}

/// A step of the episode in words, for the oversight form and log.
fn step_label(v: &EpisodeView, step: Option<StepId>) -> Option<String> {
    let e = &v.episode.value;
    let id = step?;
    if let Some(p) = e.cin_plan(id) {
        return Some(format!("Child in need plan started {}", day(&p.start)));
    }
    if let Some(s) = e.strategy(id) {
        return Some(format!("Strategy discussion on {}", day(&s.date())));
    }
    if let Some(q) = e.enquiry(id) {
        return Some(format!("Section 47 enquiry started {}", day(&q.start)));
    }
    if let Some(c) = e.conferences.iter().find(|c| c.id == id) {
        return Some(format!("{} on {}", conference_title(c), day(&c.date)));
    }
    if let Some(p) = e.cp_plan(id) {
        return Some(format!("Child protection plan started {}", day(&p.start)));
    }
    e.core_groups.iter().find(|m| m.id == id).map(|m| format!("Core group meeting on {}", day(&m.date)))
}

fn conference_title(c: &Conference) -> &'static str {
    match c.kind {
        ConferenceKind::Initial { .. } => "Initial child protection conference",
        ConferenceKind::Review { .. } => "Review child protection conference",
    }
}

// ---- reading forms ------------------------------------------------------------------------

fn when(f: &FormData, name: &str, label: &str, errors: &mut FieldErrors) -> Option<OffsetDateTime> {
    let date = date_input(f, name, label, errors)?;
    let field = format!("{name}_time");
    match time_input(f.get(&field)) {
        Some(t) => Some(from_uk_local(PrimitiveDateTime::new(date, t))),
        None => {
            errors.add(field, "Enter the time in 24-hour format, like 09:30 or 14:15");
            None
        }
    }
}

/// The filled rows of a people table, with the row number of each (errors name rows by
/// their position among the filled ones; the page shows them by row).
fn participants(f: &FormData, name: &str) -> (Vec<Participant>, Vec<usize>) {
    let mut out = Vec::new();
    let mut rows = Vec::new();
    for n in 1..=PEOPLE_ROWS {
        let get = |part: &str| f.get(&format!("{name}-{n}-{part}")).trim().to_string();
        let p = Participant { name: get("name"), agency: get("agency"), role: get("role") };
        if !(p.name.is_empty() && p.agency.is_empty() && p.role.is_empty()) {
            out.push(p);
            rows.push(n);
        }
    }
    (out, rows)
}

/// The filled-in rows of a form's actions, and which rows they were.
pub(super) fn actions(f: &FormData, errors: &mut FieldErrors) -> (Vec<PlanAction>, Vec<usize>) {
    let mut out = Vec::new();
    let mut rows = Vec::new();
    for n in 1..=ACTION_ROWS {
        let action = f.get(&format!("actions-{n}-action")).trim().to_string();
        let owner = f.get(&format!("actions-{n}-owner")).trim().to_string();
        let due = date_input(f, &format!("actions-{n}-due"), &format!("The date of action {n}"), errors);
        if !(action.is_empty() && owner.is_empty() && due.is_none()) {
            out.push(PlanAction { action, owner, due });
            rows.push(n);
        }
    }
    (out, rows)
}

/// Renames "participants-2-agency" to the row it came from.
fn renumber(errors: FieldErrors, table: &str, rows: &[usize]) -> FieldErrors {
    let prefix = format!("{table}-");
    FieldErrors(
        errors
            .0
            .into_iter()
            .map(|mut e| {
                let parsed = e.field.strip_prefix(&prefix).and_then(|r| r.split_once('-')).map(|(n, rest)| (n.to_string(), rest.to_string()));
                if let Some((n, rest)) = parsed
                    && let Some(row) = n.parse::<usize>().ok().and_then(|i| rows.get(i.wrapping_sub(1)))
                {
                    e.field = format!("{table}-{row}-{rest}");
                    e.message = e.message.replace(&format!(" {n}"), &format!(" {row}"));
                }
                e
            })
            .collect(),
    )
}

fn code<C: Coded>(f: &FormData, name: &str, message: &str, errors: &mut FieldErrors) -> Option<C> {
    match f.get(name) {
        "" => None,
        c => {
            let v = C::from_code(c);
            if v.is_none() {
                errors.add(name, message);
            }
            v
        }
    }
}

fn interval(f: &FormData, errors: &mut FieldErrors) -> Option<u32> {
    let s = f.get("visit_every").trim();
    if s.is_empty() {
        return None;
    }
    match s.parse::<u32>() {
        Ok(n) => Some(n),
        Err(_) => {
            errors.add("visit_every", "Enter how many working days apart visits are, as a number like 10");
            None
        }
    }
}

fn meeting(f: &FormData, errors: &mut FieldErrors) -> (MeetingDetails, Vec<usize>) {
    let date = date_input(f, "date", "The date", errors);
    let (people, rows) = participants(f, "attendees");
    (MeetingDetails { date, participants: people, notes: f.get("notes").trim().to_string() }, rows)
}

/// A form's table of rows (participants, actions) and the row shown for each filled one.
type Rows = Option<(&'static str, Vec<usize>)>;

/// The change a submitted form asks for, and how its tables' rows map to the rows shown.
fn change_of(key: &str, f: &FormData, step: Option<StepId>) -> Result<(Change, Rows), FieldErrors> {
    let mut errors = FieldErrors::new();
    let required = |s: Option<StepId>| s.ok_or_else(|| FieldErrors(vec![hearth_domain::validation::FieldError { field: "episode".into(), message: "Choose what the step is about from the episode page".into() }]));
    let content = |f: &FormData, errors: &mut FieldErrors| {
        let (actions, rows) = actions(f, errors);
        (PlanContent { needs: f.get("needs").trim().to_string(), outcomes: f.get("outcomes").trim().to_string(), actions }, rows)
    };
    let mut table = None;
    let change = match key {
        "cin-plan" => {
            let start = date_input(f, "start", "The start date", &mut errors);
            let (content, rows) = content(f, &mut errors);
            table = Some(("actions", rows));
            Change::StartCinPlan { start, content, visit_every: interval(f, &mut errors) }
        }
        "cin-plan-edit" => {
            let (content, rows) = content(f, &mut errors);
            table = Some(("actions", rows));
            Change::UpdateCinPlan { plan: required(step)?, content, visit_every: interval(f, &mut errors) }
        }
        "cin-review" => Change::ReviewCinPlan { plan: required(step)?, date: date_input(f, "date", "The date of the review", &mut errors) },
        "cin-end" => Change::EndCinPlan { plan: required(step)?, end: date_input(f, "end", "The end date", &mut errors) },
        "strategy" => {
            let held_at = when(f, "held_at", "The date of the discussion", &mut errors);
            let (people, rows) = participants(f, "participants");
            table = Some(("participants", rows));
            let decision = code::<StrategyDecision>(f, "decision", "Select what the discussion decided", &mut errors);
            Change::StrategyDiscussion { held_at, participants: people, information: f.get("information").trim().to_string(), decision, action_notes: f.get("action_notes").trim().to_string() }
        }
        "notes-sent" => Change::ActionNotesSent { strategy: required(step)?, at: when(f, "distributed_at", "The date the notes were sent", &mut errors) },
        "enquiry" => Change::StartEnquiry { strategy: step, start: date_input(f, "start", "The start date", &mut errors) },
        "enquiry-outcome" => Change::ConcludeEnquiry {
            enquiry: required(step)?,
            outcome: code::<EnquiryOutcome>(f, "outcome", "Select the outcome of the enquiry", &mut errors),
            date: date_input(f, "outcome_date", "The date of the outcome", &mut errors),
        },
        "icpc" => {
            let (m, rows) = meeting(f, &mut errors);
            table = Some(("attendees", rows));
            let category = code::<AbuseCategory>(f, "category", "Choose the category of abuse", &mut errors);
            let decision = match (f.get("decision"), category) {
                ("plan", Some(category)) => Some(InitialDecision::Plan { category }),
                ("plan", None) => {
                    errors.add("category", "Choose the category of abuse of the plan");
                    None
                }
                ("no_plan", _) => Some(InitialDecision::NoPlan),
                _ => None,
            };
            Change::InitialConference { enquiry: required(step)?, meeting: m, decision }
        }
        "review" => {
            let (m, rows) = meeting(f, &mut errors);
            table = Some(("attendees", rows));
            let category = code::<AbuseCategory>(f, "category", "Choose the category of abuse", &mut errors);
            let reason = code::<PlanEndReason>(f, "reason", "Choose why the plan ends", &mut errors);
            let decision = match f.get("decision") {
                "continue" => category.map(|category| ReviewDecision::Continue { category }).or_else(|| {
                    errors.add("category", "Choose the latest category of abuse");
                    None
                }),
                "end" => reason.map(|reason| ReviewDecision::EndPlan { reason }).or_else(|| {
                    errors.add("reason", "Choose why the plan ends");
                    None
                }),
                _ => None,
            };
            Change::ReviewConference { plan: required(step)?, meeting: m, decision }
        }
        "cp-end" => Change::EndCpPlan {
            plan: required(step)?,
            end: date_input(f, "end", "The end date", &mut errors),
            reason: code::<PlanEndReason>(f, "reason", "Choose why the plan ended", &mut errors),
        },
        "visits" => Change::CpVisitFrequency { plan: required(step)?, every: interval(f, &mut errors) },
        "core-group" => {
            let (m, rows) = meeting(f, &mut errors);
            table = Some(("attendees", rows));
            Change::CoreGroup { plan: required(step)?, meeting: m }
        }
        "oversight" => Change::Oversight { about: step, note: f.get("note").trim().to_string(), decision: Some(f.get("decision").trim().to_string()) },
        "close" => {
            let date = date_input(f, "date", "The date of closure", &mut errors);
            let reason = code::<ClosureReason>(f, "reason", "Select the reason for closure", &mut errors);
            let step_down = match f.get("step_down") {
                "" | "none" => None,
                c => match StepDownTo::from_code(c) {
                    Some(to) => Some((to, f.get("services").trim().to_string())),
                    None => {
                        errors.add("step_down", "Select where the child's support steps down to");
                        None
                    }
                },
            };
            Change::Close { date, reason, step_down }
        }
        "follow-up" => Change::FollowUp { date: date_input(f, "date", "The date of the follow-up", &mut errors), note: f.get("note").trim().to_string() },
        _ => return Err(FieldErrors(vec![hearth_domain::validation::FieldError { field: "episode".into(), message: "There is no such step".into() }])),
    };
    errors.into_result()?;
    Ok((change, table))
}

/// Fills a form with what is stored, for the forms that change something already recorded.
fn prefill(key: &str, v: &EpisodeView, step: Option<StepId>, f: &mut FormData) {
    let e = &v.episode.value;
    match key {
        "cin-plan-edit" => {
            if let Some(p) = step.and_then(|s| e.cin_plan(s)) {
                f.set("needs", p.content.needs.clone());
                f.set("outcomes", p.content.outcomes.clone());
                for (i, a) in p.content.actions.iter().enumerate().take(ACTION_ROWS) {
                    let n = i + 1;
                    f.set(&format!("actions-{n}-action"), a.action.clone());
                    f.set(&format!("actions-{n}-owner"), a.owner.clone());
                    set_date(f, &format!("actions-{n}-due"), a.due);
                }
                f.set("visit_every", p.visit_every_working_days.map(|n| n.to_string()).unwrap_or_default());
            }
        }
        "visits" => {
            if let Some(p) = step.and_then(|s| e.cp_plan(s)) {
                f.set("visit_every", p.visit_every_working_days.map(|n| n.to_string()).unwrap_or_default());
            }
        }
        "close" => f.set("step_down", "none"),
        _ => {}
    }
}

// ---- pages ----------------------------------------------------------------------------------

#[derive(Deserialize)]
pub struct StepQuery {
    #[serde(default)]
    step: String,
    #[serde(default)]
    saved: String,
}

impl StepQuery {
    fn step(&self) -> Result<Option<StepId>, WebError> {
        match self.step.as_str() {
            "" => Ok(None),
            s => parse_id(s).map(Some),
        }
    }
}

#[derive(Template)]
#[template(path = "episode.html")]
struct EpisodePage {
    layout: Layout,
    v: EpisodeView,
    deadlines: Vec<DeadlineRow>,
}

/// A core group meeting as a row: when, who, what was agreed.
pub struct MeetingRow {
    pub date: String,
    pub people: String,
    pub detail: String,
}

impl EpisodePage {
    fn user(&self, id: &UserId) -> String {
        self.v.names.get(id).cloned().unwrap_or_else(|| "Unknown user".into())
    }

    fn step_label(&self, id: &Option<StepId>) -> String {
        step_label(&self.v, *id).unwrap_or_else(|| "The episode".into())
    }

    fn when(&self, t: &OffsetDateTime) -> String {
        people_when(t)
    }

    fn stage_tag(&self) -> &'static str {
        use hearth_domain::cin::episode::Stage;
        match self.v.stage {
            Stage::ChildProtectionPlan | Stage::Section47 => "govuk-tag--red",
            Stage::ChildInNeedPlan => "govuk-tag--orange",
            Stage::Closed => "govuk-tag--grey",
            Stage::Referral | Stage::Assessment | Stage::NoPlan => "govuk-tag--blue",
        }
    }

    fn previous(&self, plan: &StepId) -> usize {
        self.v.previous_plans.get(plan).copied().unwrap_or(0)
    }

    fn icpc_target(&self, q: &hearth_domain::cin::episode::Enquiry) -> String {
        self.v.icpc_targets.get(&q.id).map(|d| d.due.date()).or(q.icpc_target).map_or_else(|| "—".into(), |d| day(&d))
    }

    /// Enquiries brought in from a previous system's census, with no strategy discussion.
    fn imported_enquiries(&self) -> Vec<&hearth_domain::cin::episode::Enquiry> {
        self.v.episode.value.enquiries.iter().filter(|q| q.strategy.is_none()).collect()
    }

    fn conference_title(&self, c: &Conference) -> &'static str {
        conference_title(c)
    }

    fn decision(&self, c: &Conference) -> String {
        match c.decision {
            ConferenceDecision::Plan { category } => format!("Child protection plan: {}", category.label()),
            ConferenceDecision::NoPlan => "No child protection plan".into(),
            ConferenceDecision::Continue { category } => format!("Plan continues: {}", category.label()),
            ConferenceDecision::EndPlan { reason } => format!("Plan ends: {}", reason.label()),
        }
    }

    fn people(&self, p: &[Participant]) -> String {
        p.iter().map(|x| if x.role.is_empty() { format!("{} ({})", x.name, x.agency) } else { format!("{} ({}, {})", x.name, x.role, x.agency) }).collect::<Vec<_>>().join("; ")
    }

    fn core_groups(&self, plan: &StepId) -> Vec<MeetingRow> {
        self.v
            .episode
            .value
            .core_groups_of(*plan)
            .into_iter()
            .map(|m| MeetingRow { date: day(&m.date), people: self.people(&m.attendees), detail: m.actions.clone() })
            .collect()
    }

    fn conferences_of(&self, plan: &CpPlan) -> Vec<&Conference> {
        let e = &self.v.episode.value;
        let mut v: Vec<&Conference> = e.conferences.iter().filter(|c| Some(c.id) == plan.conference).collect();
        v.extend(e.reviews(plan.id));
        v
    }

    fn enquiry_of(&self, sd: &StepId) -> Option<&hearth_domain::cin::episode::Enquiry> {
        self.v.episode.value.enquiries.iter().find(|q| q.strategy == Some(*sd))
    }

    fn needs_conference(&self, q: &hearth_domain::cin::episode::Enquiry) -> bool {
        q.outcome == Some(EnquiryOutcome::ConferenceRequired) && self.v.episode.value.initial_conference(q.id).is_none()
    }

    fn decisions(&self) -> usize {
        self.v.episode.value.oversight.iter().filter(|o| o.decision.is_some()).count()
    }

    fn open(&self) -> bool {
        self.v.episode.value.is_open()
    }

    fn follow_up_due(&self) -> bool {
        self.v.episode.value.closure.as_ref().and_then(|c| c.step_down.as_ref()).is_some_and(|s| s.follow_up.is_none())
    }
}

fn flash(saved: &str) -> Option<String> {
    Some(
        match saved {
            "" => return None,
            "created" => "Episode opened.",
            "close" => "Episode closed.",
            "oversight" => "Oversight added.",
            _ => "Saved. The episode's deadlines are up to date.",
        }
        .to_string(),
    )
}

pub async fn episode(State(s): State<AppState>, Signed { actor }: Signed, v: Visitor, Path(id): Path<String>, Query(q): Query<StepQuery>) -> Result<Response, WebError> {
    let id: EpisodeId = parse_id(&id)?;
    let view = s.app.episode_page(&actor, id).await?;
    let title = format!("Children in need episode of {}", view.summary.record.details.full_name());
    let open: Vec<_> = view.open_tasks().cloned().collect();
    let deadlines = deadline_rows(&open, view.today);
    Ok(render(StatusCode::OK, &EpisodePage { layout: layout(&v, title).with_flash(flash(&q.saved)), v: view, deadlines }))
}

/// Opens the episode of an older referral.
pub async fn open_for_referral(State(s): State<AppState>, Signed { actor }: Signed, Path(id): Path<String>) -> Result<Response, WebError> {
    let referral: ReferralId = parse_id(&id)?;
    let e = s.app.open_episode(&actor, referral).await?;
    Ok(Redirect::to(&format!("/episodes/{e}?saved=created")).into_response())
}

/// Which step form of which episode, about which step.
struct StepOf<'a> {
    id: EpisodeId,
    key: &'a str,
    step: Option<StepId>,
}

async fn step_form(s: &AppState, actor: &Actor, v: &Visitor, of: StepOf<'_>, form: Option<FormData>, errors: FieldErrors) -> Result<Response, WebError> {
    let StepOf { id, key, step } = of;
    let view = s.app.episode_page(actor, id).await?;
    if key == "oversight" && !view.can_oversee || key != "oversight" && !view.can_edit {
        return Err(s.app.forbidden(actor, &format!("episode.{key}"), Some(view.summary.record.id)).await.into());
    }
    let spec = spec(key, &view, step)?;
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let form = form.unwrap_or_else(|| {
        let mut f = FormData::default();
        prefill(key, &view, step, &mut f);
        f
    });
    let title = spec.title.clone();
    let page = StepForm::new(
        layout(v, title),
        Some((view.summary.record.id, view.summary.record.details.full_name())),
        StepTarget { action: format!("/episodes/{id}/{key}{}", step.map(|x| format!("?step={x}")).unwrap_or_default()), back: format!("/episodes/{id}") },
        view.episode.version,
        spec,
        form,
        errors,
    );
    Ok(render(status, &page))
}

pub async fn form_page(State(s): State<AppState>, Signed { actor }: Signed, v: Visitor, Path((id, key)): Path<(String, String)>, Query(q): Query<StepQuery>) -> Result<Response, WebError> {
    step_form(&s, &actor, &v, StepOf { id: parse_id(&id)?, key: &key, step: q.step()? }, None, FieldErrors::new()).await
}

pub async fn submit(State(s): State<AppState>, Signed { actor }: Signed, v: Visitor, Path((id, key)): Path<(String, String)>, Query(q): Query<StepQuery>, form: FormData) -> Result<Response, WebError> {
    let id: EpisodeId = parse_id(&id)?;
    let step = q.step()?;
    let version: i64 = form.get("version").parse().unwrap_or(0);
    let errors = match change_of(&key, &form, step) {
        Ok((change, table)) => match s.app.change_episode(&actor, id, version, change).await {
            Ok(_) => return Ok(Redirect::to(&format!("/episodes/{id}?saved={key}")).into_response()),
            Err(AppError::Invalid(errors)) => match table {
                Some((t, rows)) => renumber(errors, t, &rows),
                None => errors,
            },
            Err(e) => return Err(e.into()),
        },
        Err(errors) => errors,
    };
    step_form(&s, &actor, &v, StepOf { id, key: &key, step }, Some(form), errors).await
}

// ---- the team's child protection dashboard ----------------------------------------------

#[derive(Template)]
#[template(path = "cp_dashboard.html")]
struct DashboardPage {
    layout: Layout,
    d: CpDashboardView,
    overdue: Vec<(&'static str, Vec<TaskRow>)>,
}

impl DashboardPage {
    fn name(&self, id: &PersonId) -> String {
        self.d.children.get(id).map(|p| format!("{} {}", p.given_name, p.family_name)).unwrap_or_else(|| "A child you cannot see".into())
    }

    fn may_open(&self, id: &PersonId) -> bool {
        self.d.children.contains_key(id)
    }
}

pub async fn dashboard(State(s): State<AppState>, Signed { actor }: Signed, v: Visitor) -> Result<Response, WebError> {
    let d = s.app.cp_dashboard(&actor).await?;
    let overdue = hearth_app::DASHBOARD_OVERDUE
        .iter()
        .map(|k| {
            let tasks: Vec<_> = d.overdue.iter().filter(|t| t.kind == *k).cloned().collect();
            (k.label(), task_rows(&tasks, &d.children, &d.users, d.today))
        })
        .collect();
    Ok(render(StatusCode::OK, &DashboardPage { layout: layout(&v, "Child protection dashboard".to_string()), d, overdue }))
}
