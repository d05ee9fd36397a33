//! Case notes: recording, reading and correcting them.
use super::people::{flash, options, restore, DraftQuery, SavedQuery};
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
use hearth_app::{AppError, CaseSummary, FamilyMember};
use hearth_domain::case_summary::Alert;
use hearth_domain::case_note::{CaseNote, CaseNoteDetails, CaseNoteVersion};
use hearth_domain::codes::{CaseNoteType, Coded};
use hearth_domain::user::Permission;
use hearth_domain::{CaseNoteId, FieldErrors, PersonId};
use serde::Deserialize;
use time::PrimitiveDateTime;

/// A local date and time as shown on pages: 9 March 2015, 14:05.
pub fn at(t: &PrimitiveDateTime) -> String {
    format!("{}, {:02}:{:02}", super::people::day(&t.date()), t.hour(), t.minute())
}

fn details_from_form(f: &FormData) -> Result<CaseNoteDetails, FieldErrors> {
    let mut errs = FieldErrors::new();
    let date = date_input(f, "occurred", "The date of the event", &mut errs);
    if date.is_none() && errs.get("occurred").is_none() {
        errs.add("occurred", "Enter the date of the event");
    }
    let time = time_input(f.get("time"));
    if time.is_none() {
        errs.add("time", "Enter the time of the event in 24-hour format, like 09:30 or 14:15");
    }
    let note_type = CaseNoteType::from_code(f.get("note_type"));
    if note_type.is_none() {
        errs.add("note_type", "Choose the type of note");
    }
    let child_seen = crate::forms::yes_no(f, "child_seen", "Say whether the child was seen", &mut errs);
    let mut also_for = Vec::new();
    for v in f.all("also_for") {
        match v.parse::<PersonId>() {
            Ok(p) => also_for.push(p),
            Err(_) => errs.add("also_for", "Choose children from the list"),
        }
    }
    match (date, time, note_type, child_seen) {
        (Some(d), Some(t), Some(note_type), Some(child_seen)) if errs.is_empty() => Ok(CaseNoteDetails {
            occurred_at: PrimitiveDateTime::new(d, t),
            note_type,
            child_seen,
            seen_alone: f.checked("seen_alone"),
            significant: f.checked("significant"),
            text: f.get("text").to_string(),
            statutory_visit: f.get("statutory_visit") == "yes",
            also_for,
        }),
        _ => {
            if f.get("text").trim().is_empty() {
                errs.add("text", "Enter what happened");
            }
            Err(errs)
        }
    }
}

fn form_from_details(d: &CaseNoteDetails) -> FormData {
    let mut f = FormData::default();
    set_date(&mut f, "occurred", Some(d.occurred_at.date()));
    f.set("time", format!("{:02}:{:02}", d.occurred_at.hour(), d.occurred_at.minute()));
    f.set("note_type", d.note_type.code());
    f.set("child_seen", if d.child_seen { "yes" } else { "no" });
    if d.seen_alone {
        f.set("seen_alone", "yes");
    }
    if d.significant {
        f.set("significant", "yes");
    }
    f.set("statutory_visit", if d.statutory_visit { "yes" } else { "no" });
    f.set("text", d.text.clone());
    f
}

#[derive(Template)]
#[template(path = "note_form.html")]
struct NoteFormPage {
    layout: Layout,
    summary: CaseSummary,
    form: FormData,
    errors: FieldErrors,
    action: String,
    correcting: bool,
    /// Someone else's correction saved first: the note as it is now, who saved it and when.
    conflict: Option<(CaseNote, String, String)>,
    draft_restored: bool,
}

impl NoteFormPage {
    fn note_types(&self) -> Vec<(String, String)> {
        options::<CaseNoteType>("Choose the type of note")
    }

    /// Whether the child is on a plan with statutory visits, so the form asks whether the
    /// note records one.
    fn on_a_plan(&self) -> bool {
        self.summary.alerts.iter().any(|a| matches!(a, Alert::ChildProtectionPlan { .. } | Alert::ChildInNeedPlan { .. }))
    }

    /// The other children of the network the same note can be recorded for: current, and
    /// openable by the author.
    fn siblings(&self) -> Vec<&FamilyMember> {
        self.summary.children.iter().filter(|m| m.can_open && m.person.id != self.summary.record.id).collect()
    }

    fn also_for(&self, id: &PersonId) -> bool {
        self.form.all("also_for").iter().any(|v| v == &id.to_string())
    }
}

pub async fn new_page(State(s): State<AppState>, Signed { actor, .. }: Signed, v: Visitor, Path(id): Path<String>, Query(q): Query<DraftQuery>) -> Result<Response, WebError> {
    let id: PersonId = parse_id(&id)?;
    let summary = s.app.case_summary(&actor, id).await?;
    // An IRO reads records but records only reviews: no form they could not save.
    if !actor.can(Permission::AddCaseNotes) {
        return Err(s.app.forbidden(&actor, "case_note.create", Some(id)).await.into());
    }
    let restored = restore(&s, &actor, &q).await?;
    let form = restored.clone().unwrap_or_else(|| {
        let mut f = FormData::default();
        set_date(&mut f, "occurred", Some(s.app.today()));
        if let Some(t) = CaseNoteType::from_code(&q.note_type) {
            f.set("note_type", t.code().to_string());
        }
        f
    });
    let page = NoteFormPage {
        layout: layout(&v, format!("Add a case note for {}", summary.record.details.full_name())),
        summary,
        form,
        errors: FieldErrors::new(),
        action: format!("/people/{id}/notes/new"),
        correcting: false,
        conflict: None,
        draft_restored: restored.is_some(),
    };
    Ok(render(StatusCode::OK, &page))
}

pub async fn create(State(s): State<AppState>, Signed { actor, .. }: Signed, v: Visitor, Path(id): Path<String>, form: FormData) -> Result<Response, WebError> {
    let id: PersonId = parse_id(&id)?;
    let result = match details_from_form(&form) {
        Ok(d) => s.app.add_case_note(&actor, id, d).await.map(|_| ()),
        Err(e) => Err(AppError::Invalid(e)),
    };
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/people/{id}/notes?saved=note")).into_response()),
        Err(AppError::Invalid(errors)) => {
            let summary = s.app.case_summary(&actor, id).await?;
            let page = NoteFormPage {
                layout: layout(&v, format!("Add a case note for {}", summary.record.details.full_name())),
                summary,
                form,
                errors,
                action: format!("/people/{id}/notes/new"),
                correcting: false,
                conflict: None,
                draft_restored: false,
            };
            Ok(render(StatusCode::UNPROCESSABLE_ENTITY, &page))
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "notes.html")]
struct NotesPage {
    layout: Layout,
    summary: CaseSummary,
    tab: &'static str,
    notes: Vec<CaseNote>,
    total: i64,
    page: u32,
    pages: u32,
    can_add_notes: bool,
}

#[derive(Deserialize, Default)]
pub struct ListQuery {
    #[serde(default)]
    page: Option<u32>,
    #[serde(default)]
    saved: String,
}

const PER_PAGE: u32 = 25;

pub async fn list(State(s): State<AppState>, Signed { actor, .. }: Signed, v: Visitor, Path(id): Path<String>, Query(q): Query<ListQuery>) -> Result<Response, WebError> {
    let id: PersonId = parse_id(&id)?;
    let page = q.page.unwrap_or(1).max(1);
    let (summary, notes, total) = s.app.case_notes(&actor, id, PER_PAGE, (page - 1).saturating_mul(PER_PAGE)).await?;
    let pages = (total.max(1) as u32).div_ceil(PER_PAGE);
    let p = NotesPage { layout: layout(&v, format!("Case notes for {}", summary.record.details.full_name())).with_flash(flash(&q.saved)), summary, tab: "notes", notes, total, page, pages, can_add_notes: actor.can(Permission::AddCaseNotes) };
    Ok(render(StatusCode::OK, &p))
}

#[derive(Template)]
#[template(path = "note.html")]
struct NotePage {
    layout: Layout,
    summary: CaseSummary,
    tab: &'static str,
    note: CaseNote,
    versions: Vec<CaseNoteVersion>,
    can_add_notes: bool,
}

impl NotePage {
    /// A child the note was also recorded for, when the reader may open their record.
    fn linked(&self, id: &PersonId) -> Option<&FamilyMember> {
        self.summary.children.iter().find(|m| m.person.id == *id && m.can_open)
    }

    fn correction_reason(&self) -> Option<&str> {
        self.versions.iter().find(|v| v.version == self.note.version).and_then(|v| v.reason.as_deref())
    }
    fn previous(&self) -> Vec<&CaseNoteVersion> {
        self.versions.iter().rev().filter(|v| v.version != self.note.version).collect()
    }
}

pub async fn view(State(s): State<AppState>, Signed { actor, .. }: Signed, v: Visitor, Path((id, nid)): Path<(String, String)>, Query(q): Query<SavedQuery>) -> Result<Response, WebError> {
    let id: PersonId = parse_id(&id)?;
    let nid: CaseNoteId = parse_id(&nid)?;
    let (summary, note, versions) = s.app.case_note(&actor, id, nid).await?;
    let title = format!("{} on {}", note.details.note_type.label(), at(&note.details.occurred_at));
    Ok(render(StatusCode::OK, &NotePage { layout: layout(&v, title).with_flash(flash(&q.saved)), summary, tab: "notes", note, versions, can_add_notes: actor.can(Permission::AddCaseNotes) }))
}

pub async fn correct_page(State(s): State<AppState>, Signed { actor, .. }: Signed, v: Visitor, Path((id, nid)): Path<(String, String)>, Query(q): Query<DraftQuery>) -> Result<Response, WebError> {
    let id: PersonId = parse_id(&id)?;
    let nid: CaseNoteId = parse_id(&nid)?;
    let (summary, note, _) = s.app.case_note(&actor, id, nid).await?;
    if !actor.can(Permission::AddCaseNotes) {
        return Err(s.app.forbidden(&actor, "case_note.correct", Some(id)).await.into());
    }
    let restored = restore(&s, &actor, &q).await?;
    let mut form = restored.clone().unwrap_or_else(|| form_from_details(&note.details));
    if restored.is_none() {
        form.set("version", note.version.to_string());
    }
    let page = NoteFormPage {
        layout: layout(&v, "Correct a case note"),
        summary,
        form,
        errors: FieldErrors::new(),
        action: format!("/people/{id}/notes/{nid}/correct"),
        correcting: true,
        conflict: None,
        draft_restored: restored.is_some(),
    };
    Ok(render(StatusCode::OK, &page))
}

pub async fn correct(State(s): State<AppState>, Signed { actor, .. }: Signed, v: Visitor, Path((id, nid)): Path<(String, String)>, form: FormData) -> Result<Response, WebError> {
    let id: PersonId = parse_id(&id)?;
    let nid: CaseNoteId = parse_id(&nid)?;
    let version: i64 = form.get("version").parse().unwrap_or(0);
    let result = match details_from_form(&form) {
        Ok(d) => s.app.correct_case_note(&actor, id, nid, version, d, form.get("reason")).await.map(|_| ()),
        Err(mut e) => {
            if form.get("reason").trim().is_empty() {
                e.add("reason", "Enter the reason for the correction");
            }
            Err(AppError::Invalid(e))
        }
    };
    let (errors, conflict, status) = match result {
        Ok(()) => return Ok(Redirect::to(&format!("/people/{id}/notes/{nid}?saved=corrected")).into_response()),
        Err(AppError::Invalid(errors)) => (errors, None, StatusCode::UNPROCESSABLE_ENTITY),
        Err(AppError::Conflict { .. }) => {
            let (_, theirs, versions) = s.app.case_note(&actor, id, nid).await?;
            // Who saved the version now stored: not the note's author, who may not be them.
            let (by, at) = versions.last().map(|v| (v.changed_by_name.clone(), super::people::when(&v.changed_at))).unwrap_or_default();
            (FieldErrors::new(), Some((theirs, by, at)), StatusCode::CONFLICT)
        }
        Err(e) => return Err(e.into()),
    };
    let summary = s.app.case_note(&actor, id, nid).await?.0;
    let mut form = form;
    if let Some((t, _, _)) = &conflict {
        form.set("version", t.version.to_string());
    }
    let page = NoteFormPage { layout: layout(&v, "Correct a case note"), summary, form, errors, action: format!("/people/{id}/notes/{nid}/correct"), correcting: true, conflict, draft_restored: false };
    Ok(render(status, &page))
}
