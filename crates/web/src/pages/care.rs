//! A child's care: whether they are looked after, under what legal status, where they live
//! and with whom, every period of care with its placements and the episodes the return will
//! count; and the four forms a worker records care with (became looked after, legal status
//! changed, moved, care ended), each drawn by the shared step form.
use super::people::{day, options_from};
use super::step_form::{date_field, Field, FormSpec, StepForm, StepTarget};
use super::{layout, parse_id, Saved};
use crate::error::{render, WebError};
use crate::forms::{date_input, FormData};
use crate::layout::Layout;
use crate::session::{Signed, Visitor};
use crate::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use hearth_app::{Actor, AppError, CareChange, CarePeriodView, ChildCare, NewCare, PlacementChoice, ProviderFilter};
use hearth_domain::care::codes::{CategoryOfNeed, LegalStatus, PlacementType, ReasonEpisodeCeased, ReasonPlaceChange};
use hearth_domain::care::episodes::{Ending, LegalStatusFrom, Placement};
use hearth_domain::care::postcode::Postcode;
use hearth_domain::care::provider::ProviderId;
use hearth_domain::codes::Coded;
use hearth_domain::user::Permission;
use hearth_domain::{FieldErrors, PersonId};

/// "Label (code)": how a code list's entry is shown, so data teams see the code too.
fn coded<C: Coded>(c: C) -> String {
    format!("{} ({})", c.label(), c.code())
}

/// `coded` as a method, for the template (which holds codes by reference).
trait CodeText {
    fn text(&self) -> String;
}

impl<C: Coded> CodeText for C {
    fn text(&self) -> String {
        coded(*self)
    }
}

/// Select options showing each entry's code.
fn coded_options<C: Coded>(blank: &str) -> Vec<(String, String)> {
    options_from(blank, C::ALL.iter().map(|c| (c.code().to_string(), coded(*c))))
}

#[derive(Template)]
#[template(path = "care.html")]
struct CarePage {
    layout: Layout,
    summary: hearth_app::CaseSummary,
    tab: &'static str,
    care: ChildCare,
    can_edit: bool,
}

impl CarePage {
    fn current(&self) -> Option<&CarePeriodView> {
        self.care.current(self.summary.today)
    }

    /// Newest first: the page is read from what is happening now.
    fn periods(&self) -> Vec<&CarePeriodView> {
        self.care.periods.iter().rev().collect()
    }

    fn provider(&self, p: &Placement) -> &str {
        self.care.provider_name(p.carer)
    }

    fn placement_now(&self) -> Option<&Placement> {
        self.current()?.record.value.period.placement_on(self.summary.today)
    }

    /// Since when the child has lived with their carers (a change of type alone is not a move).
    fn carer_since(&self) -> String {
        self.current().and_then(|p| p.record.value.period.with_carer_since(self.summary.today)).map(|d| day(&d)).unwrap_or_default()
    }

    fn status_now(&self) -> Option<(LegalStatus, time::Date)> {
        let p = &self.current()?.record.value.period;
        let l = p.legal_statuses.iter().rev().find(|l| l.from <= self.summary.today)?;
        Some((l.status, l.from))
    }

    fn postcode(&self, p: &Option<Postcode>) -> String {
        p.as_ref().map_or_else(|| "Not recorded".into(), |p| p.to_string())
    }

    fn day(&self, d: &time::Date) -> String {
        day(d)
    }
}


fn flash(saved: &str) -> Option<String> {
    Some(
        match saved {
            "start" => "Recorded that the child became looked after.",
            "legal-status" => "Legal status changed.",
            "move" => "Move recorded.",
            "end" => "Recorded that care ended.",
            _ => return None,
        }
        .to_string(),
    )
}

pub async fn page(State(s): State<AppState>, Signed { actor }: Signed, v: Visitor, Path(id): Path<String>, Query(q): Query<Saved>) -> Result<Response, WebError> {
    let id: PersonId = parse_id(&id)?;
    let care = s.app.care_of(&actor, id).await?;
    let title = format!("Care of {}", care.summary.record.details.full_name());
    let page = CarePage { layout: layout(&v, title).with_flash(flash(&q.saved)), summary: care.summary.clone(), tab: "care", can_edit: actor.can(Permission::AddCaseNotes), care };
    Ok(render(StatusCode::OK, &page))
}

// ---- the forms ----------------------------------------------------------------------------

/// The providers a placement can be with: open ones, by name, saying what each is.
async fn provider_options(s: &AppState, actor: &Actor) -> Result<Vec<(String, String)>, WebError> {
    let rows = s.app.providers(actor, &ProviderFilter::default()).await?;
    Ok(options_from(
        "Choose the provider",
        rows.into_iter().map(|r| {
            let p = r.provider;
            let place = p.postcode.map(|c| format!(", {c}")).unwrap_or_default();
            (p.id.to_string(), format!("{} ({}{place})", p.name, p.kind.label().to_lowercase()))
        }),
    ))
}

fn spec(key: &str, care: &ChildCare, providers: Vec<(String, String)>) -> Result<FormSpec, WebError> {
    let today = care.summary.today;
    let open = care.current(today).map(|p| &p.record.value.period);
    let context = open.map(|p| {
        let mut rows = vec![("Looked after since".to_string(), day(&p.start))];
        if let Some(l) = p.legal_status_on(today) {
            rows.push(("Legal status".into(), coded(l)));
        }
        if let Some(pl) = p.placement_on(today) {
            rows.push(("Placement".into(), format!("{}, {} since {}", care.provider_name(pl.carer), pl.kind.label().to_lowercase(), day(&pl.from))));
        }
        rows
    });
    let needs_open = |s: FormSpec| if open.is_some() { Ok(s) } else { Err(WebError(AppError::NotFound)) };
    match key {
        "start" if open.is_none() => Ok(FormSpec {
            title: "Record that the child became looked after".into(),
            context: vec![],
            intro: Some("Record the legal status and the first placement as they were on the day care began. Moves and changes of legal status are recorded afterwards, each on its own day: Hearth works out the episodes the return counts."),
            fields: vec![
                date_field("start", "Date the child became looked after"),
                Field::Select { name: "status", label: "Legal status", options: coded_options::<LegalStatus>("Choose the legal status") },
                Field::Select { name: "need", label: "Category of need", options: coded_options::<CategoryOfNeed>("Choose the main reason the child is looked after") },
                Field::Text { name: "home_postcode", label: "Postcode of the home the child was looked after from (optional)", hint: "For example, TW1 3SX", width: "govuk-input--width-10" },
                Field::Select { name: "carer", label: "Placed with", options: providers },
                Field::Select { name: "kind", label: "Type of placement", options: coded_options::<PlacementType>("Choose the type of placement") },
            ],
            button: "Save",
        }),
        "legal-status" => needs_open(FormSpec {
            title: "Record a change of legal status".into(),
            context: context.unwrap_or_default(),
            intro: Some("For example, an interim care order made while the child was accommodated under section 20."),
            fields: vec![date_field("from", "Date the new legal status applied from"), Field::Select { name: "status", label: "New legal status", options: coded_options::<LegalStatus>("Choose the legal status") }],
            button: "Save",
        }),
        "move" => needs_open(FormSpec {
            title: "Record a move".into(),
            context: context.unwrap_or_default(),
            intro: Some("A new placement, or the same carers at a new address, or the placement agreed as long-term with the same carers."),
            fields: vec![
                date_field("from", "Date of the move"),
                Field::Select { name: "carer", label: "Placed with", options: providers },
                Field::Select { name: "kind", label: "Type of placement", options: coded_options::<PlacementType>("Choose the type of placement") },
                Field::Select { name: "reason", label: "Why the placement changed", options: coded_options::<ReasonPlaceChange>("Choose the reason") },
            ],
            button: "Save",
        }),
        "end" => needs_open(FormSpec {
            title: "Record that care ended".into(),
            context: context.unwrap_or_default(),
            intro: None,
            fields: vec![
                date_field("on", "Date the child stopped being looked after"),
                Field::Select { name: "reason", label: "Why care ended", options: options_from("Choose the reason", ReasonEpisodeCeased::ALL.iter().filter(|r| **r != ReasonEpisodeCeased::NewEpisode).map(|r| (r.code().to_string(), coded(*r)))) },
            ],
            button: "Save",
        }),
        _ => Err(WebError(AppError::NotFound)),
    }
}

fn code<C: Coded>(f: &FormData, name: &str, message: &str, errors: &mut FieldErrors) -> Option<C> {
    let v = C::from_code(f.get(name));
    if v.is_none() {
        errors.add(name, message);
    }
    v
}

/// A date the form must have: blank is an error too.
fn required_date(f: &FormData, name: &str, label: &str, errors: &mut FieldErrors) -> Option<time::Date> {
    let d = date_input(f, name, label, errors);
    if d.is_none() && errors.get(name).is_none() {
        errors.add(name, format!("Enter {}", label.to_lowercase()));
    }
    d
}

fn provider(f: &FormData, errors: &mut FieldErrors) -> Option<ProviderId> {
    let v = f.get("carer").parse().ok();
    if v.is_none() {
        errors.add("carer", "Choose who the child is placed with");
    }
    v
}

/// What a submitted form asks for: care beginning, or a change to the open period.
enum Asked {
    Start(NewCare),
    Change(CareChange),
}

fn asked(key: &str, f: &FormData) -> Result<Asked, FieldErrors> {
    let mut e = FieldErrors::new();
    let asked = match key {
        "start" => {
            let start = required_date(f, "start", "The date care began", &mut e);
            let legal_status = code::<LegalStatus>(f, "status", "Choose the legal status", &mut e);
            let need = code::<CategoryOfNeed>(f, "need", "Choose the category of need", &mut e);
            let home_postcode = match f.get("home_postcode").trim() {
                "" => None,
                p => Postcode::parse(p).map_err(|why| e.add("home_postcode", why)).ok(),
            };
            let carer = provider(f, &mut e);
            let kind = code::<PlacementType>(f, "kind", "Choose the type of placement", &mut e);
            e.into_result()?;
            match (start, legal_status, need, carer, kind) {
                (Some(start), Some(legal_status), Some(need), Some(provider), Some(kind)) => Asked::Start(NewCare { start, legal_status, need, home_postcode, kind, provider }),
                _ => return Err(FieldErrors::one("start", "Enter the date care began")),
            }
        }
        "legal-status" => {
            let from = required_date(f, "from", "The date the legal status applied from", &mut e);
            let status = code::<LegalStatus>(f, "status", "Choose the legal status", &mut e);
            e.into_result()?;
            match (from, status) {
                (Some(from), Some(status)) => Asked::Change(CareChange::LegalStatus(LegalStatusFrom { from, status })),
                _ => return Err(FieldErrors::one("from", "Enter the date")),
            }
        }
        "move" => {
            let from = required_date(f, "from", "The date of the move", &mut e);
            let carer = provider(f, &mut e);
            let kind = code::<PlacementType>(f, "kind", "Choose the type of placement", &mut e);
            let reason = code::<ReasonPlaceChange>(f, "reason", "Choose why the placement changed", &mut e);
            e.into_result()?;
            match (from, carer, kind) {
                (Some(from), Some(provider), Some(kind)) => Asked::Change(CareChange::Move(PlacementChoice { from, kind, provider, reason })),
                _ => return Err(FieldErrors::one("from", "Enter the date of the move")),
            }
        }
        "end" => {
            let on = required_date(f, "on", "The date care ended", &mut e);
            let reason = code::<ReasonEpisodeCeased>(f, "reason", "Choose why care ended", &mut e).filter(|r| *r != ReasonEpisodeCeased::NewEpisode);
            if reason.is_none() && e.get("reason").is_none() {
                e.add("reason", "Choose why care ended");
            }
            e.into_result()?;
            match (on, reason) {
                (Some(on), Some(reason)) => Asked::Change(CareChange::End(Ending { on, reason })),
                _ => return Err(FieldErrors::one("on", "Enter the date care ended")),
            }
        }
        _ => return Err(FieldErrors::one("form", "There is no such form")),
    };
    Ok(asked)
}

/// Renames the domain's field names ("placements[2].from", "legal_statuses[0].status",
/// "ended.on") to the form's inputs.
fn to_inputs(key: &str, errors: FieldErrors) -> FieldErrors {
    FieldErrors(
        errors
            .0
            .into_iter()
            .map(|mut e| {
                let last = e.field.rsplit('.').next().unwrap_or("").to_string();
                e.field = match (key, e.field.as_str(), last.as_str()) {
                    (_, "home_postcode", _) => "home_postcode".into(),
                    ("start", _, "from" | "start") | ("start", "legal_statuses" | "placements", _) => "start".into(),
                    ("start", f, _) if f.starts_with("periods") => "start".into(),
                    ("legal-status" | "move", f, _) if f.starts_with("periods") || f == "legal_statuses" || f == "placements" => "from".into(),
                    ("end", _, _) if last == "reason" => "reason".into(),
                    ("end", _, _) => "on".into(),
                    (_, _, field) => field.into(),
                };
                e
            })
            .collect(),
    )
}

async fn form(s: &AppState, actor: &Actor, v: &Visitor, id: PersonId, key: &str, form: Option<FormData>, errors: FieldErrors) -> Result<Response, WebError> {
    let care = s.app.care_of(actor, id).await?;
    if !actor.can(Permission::AddCaseNotes) {
        return Err(s.app.forbidden(actor, &format!("care.{key}"), Some(id)).await.into());
    }
    let spec = spec(key, &care, provider_options(s, actor).await?)?;
    let version = care.current(care.summary.today).map_or(0, |p| p.record.version);
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let target = StepTarget { action: format!("/people/{id}/care/{key}"), back: format!("/people/{id}/care") };
    let page = StepForm::new(layout(v, spec.title.clone()), Some((id, care.summary.record.details.full_name())), target, version, spec, form.unwrap_or_default(), errors);
    Ok(render(status, &page))
}

pub async fn form_page(State(s): State<AppState>, Signed { actor }: Signed, v: Visitor, Path((id, key)): Path<(String, String)>) -> Result<Response, WebError> {
    form(&s, &actor, &v, parse_id(&id)?, &key, None, FieldErrors::new()).await
}

pub async fn submit(State(s): State<AppState>, Signed { actor }: Signed, v: Visitor, Path((id, key)): Path<(String, String)>, f: FormData) -> Result<Response, WebError> {
    let id: PersonId = parse_id(&id)?;
    let outcome = match asked(&key, &f) {
        Err(errors) => Err(AppError::Invalid(errors)),
        Ok(Asked::Start(new)) => s.app.start_care(&actor, id, new).await.map(|_| ()),
        Ok(Asked::Change(change)) => {
            let care = s.app.care_of(&actor, id).await?;
            let Some(open) = care.current(care.summary.today) else { return Err(WebError(AppError::NotFound)) };
            let version: i64 = f.get("version").parse().unwrap_or(0);
            s.app.change_care(&actor, open.record.value.id, version, change).await
        }
    };
    match outcome {
        Ok(()) => Ok(Redirect::to(&format!("/people/{id}/care?saved={key}")).into_response()),
        Err(AppError::Invalid(errors)) => form(&s, &actor, &v, id, &key, Some(f), to_inputs(&key, errors)).await,
        Err(e) => Err(e.into()),
    }
}

// ---- the children-in-care dashboard ------------------------------------------------------

#[derive(Template)]
#[template(path = "care_dashboard.html")]
struct DashboardPage {
    layout: Layout,
    d: hearth_app::CareDashboardView,
}

impl DashboardPage {
    fn name(&self, id: &PersonId) -> String {
        self.d.children.get(id).map(|p| format!("{} {}", p.given_name, p.family_name)).unwrap_or_default()
    }

    fn provider(&self, p: &Placement) -> &str {
        self.d.providers.get(&p.carer).map_or(hearth_app::UNKNOWN_PROVIDER, String::as_str)
    }

    fn day(&self, d: &time::Date) -> String {
        day(d)
    }

    fn unstable(&self) -> Vec<&hearth_domain::care::dashboard::ChildInCare> {
        self.d.dashboard.unstable().collect()
    }

    fn out_of_area(&self) -> Vec<&hearth_domain::care::dashboard::ChildInCare> {
        self.d.dashboard.out_of_area().collect()
    }
}

pub async fn dashboard(State(s): State<AppState>, Signed { actor }: Signed, v: Visitor) -> Result<Response, WebError> {
    let d = s.app.care_dashboard(&actor).await?;
    Ok(render(StatusCode::OK, &DashboardPage { layout: layout(&v, "Children in care"), d }))
}
