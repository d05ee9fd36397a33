//! Providers of placements: the list (searched by name, filtered by kind), each provider's
//! page with the children placed there today, and the form managers and business support
//! keep them with.
use super::people::{day, options_from};
use super::step_form::{date_field, Field, FormSpec, StepForm, StepTarget};
use super::{layout, parse_id, Saved};
use crate::error::{render, WebError};
use crate::forms::FormData;
use crate::layout::Layout;
use crate::session::{Signed, Visitor};
use crate::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use hearth_app::{Actor, AppError, ProviderFilter, ProviderPage, ProviderRow};
use hearth_domain::care::codes::PlacementProvider;
use hearth_domain::care::postcode::Postcode;
use hearth_domain::care::provider::{Provider, ProviderId, ProviderKind};
use hearth_domain::codes::Coded;
use hearth_domain::user::Permission;
use hearth_domain::FieldErrors;
use serde::Deserialize;

#[derive(Deserialize, Default)]
pub struct ListQuery {
    #[serde(default)]
    name: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    closed: String,
    /// "yes": only the settings due a monitoring visit within four weeks, or overdue.
    #[serde(default)]
    due: String,
}

/// How far ahead "due a monitoring visit" looks: time to arrange one.
const MONITORING_AHEAD_DAYS: i64 = 28;

#[derive(Template)]
#[template(path = "providers.html")]
struct ListPage {
    layout: Layout,
    q: ListQuery,
    rows: Vec<ProviderRow>,
    kinds: Vec<(String, String)>,
    can_manage: bool,
    today: time::Date,
}

impl ListPage {
    /// "Monitoring visit due by 3 May 2027", and whether it is overdue.
    fn monitoring(&self, r: &ProviderRow) -> Option<(String, bool)> {
        r.monitoring_due.map(|d| (format!("Monitoring visit due by {}", day(&d)), d < self.today))
    }

    fn monitoring_overdue(&self) -> usize {
        self.rows.iter().filter(|r| r.monitoring_due.is_some_and(|d| d < self.today)).count()
    }

    fn places(&self, r: &ProviderRow) -> String {
        match r.provider.places {
            Some(n) => format!("{} of {n}", r.placed),
            None => r.placed.to_string(),
        }
    }
}

pub async fn list(State(s): State<AppState>, Signed { actor }: Signed, v: Visitor, Query(q): Query<ListQuery>) -> Result<Response, WebError> {
    let due_by = (q.due == "yes").then(|| s.app.today() + time::Duration::days(MONITORING_AHEAD_DAYS));
    let filter = ProviderFilter { name: q.name.clone(), kind: ProviderKind::from_code(&q.kind), closed: q.closed == "yes", monitoring_due_by: due_by };
    let rows = s.app.providers(&actor, &filter).await?;
    let kinds = options_from("Any kind", ProviderKind::ALL.iter().map(|k| (k.code().to_string(), k.label().to_string())));
    let page = ListPage { layout: layout(&v, "Providers of placements"), q, rows, kinds, can_manage: actor.can(Permission::ManageProviders), today: s.app.today() };
    Ok(render(StatusCode::OK, &page))
}

#[derive(Template)]
#[template(path = "provider.html")]
struct ViewPage {
    layout: Layout,
    p: ProviderPage,
    can_manage: bool,
    today: time::Date,
}

impl ViewPage {
    fn day(&self, d: &time::Date) -> String {
        day(d)
    }

    /// Where the monitoring visits stand, and whether the next is overdue.
    fn monitoring(&self) -> Option<(String, bool)> {
        let pr = &self.p.provider.value;
        if !pr.is_external_residential() {
            return None;
        }
        let last = pr.monitoring_visits.last().map_or_else(|| "None recorded".to_string(), |d| format!("Last on {}", day(d)));
        Some(match self.p.monitoring_due {
            Some(due) => (format!("{last}; next due by {}", day(&due)), due < self.today),
            None => (format!("{last}; none due while no child of ours is placed here"), false),
        })
    }

    /// Children placed here whom the reader may not open: counted, never named.
    fn hidden(&self) -> usize {
        self.p.placed - self.p.children.len()
    }
}


pub async fn view(State(s): State<AppState>, Signed { actor }: Signed, v: Visitor, Path(id): Path<String>, Query(q): Query<Saved>) -> Result<Response, WebError> {
    let p = s.app.provider_page(&actor, parse_id(&id)?).await?;
    let flash = match q.saved.as_str() {
        "" => None,
        "visit" => Some("Monitoring visit recorded.".to_string()),
        _ => Some("Provider saved.".to_string()),
    };
    let page = ViewPage { layout: layout(&v, p.provider.value.name.clone()).with_flash(flash), p, can_manage: actor.can(Permission::ManageProviders), today: s.app.today() };
    Ok(render(StatusCode::OK, &page))
}

// ---- adding and changing ------------------------------------------------------------------

fn spec(editing: bool) -> FormSpec {
    let mut fields = vec![
        Field::Text { name: "name", label: "Name", hint: "A foster household by the carers' family name, a home by its registered name", width: "" },
        Field::Select { name: "kind", label: "Kind of setting", options: options_from("Choose the kind of setting", ProviderKind::ALL.iter().map(|k| (k.code().to_string(), k.label().to_string()))) },
        Field::Select { name: "provider", label: "Who provides it", options: options_from("Choose who provides it", PlacementProvider::ALL.iter().map(|k| (k.code().to_string(), format!("{} ({})", k.label(), k.code())))) },
        Field::Text { name: "urn", label: "Ofsted URN (for a registered setting)", hint: "SC and six digits, like SC123456", width: "govuk-input--width-10" },
        Field::Textarea { name: "address", label: "Address", hint: "One line each, without the postcode", rows: 4 },
        Field::Text { name: "postcode", label: "Postcode", hint: "", width: "govuk-input--width-10" },
        Field::Text { name: "places", label: "Registered or approved places (optional)", hint: "For a home, supported accommodation or foster carers", width: "govuk-input--width-3" },
    ];
    if editing {
        fields.push(Field::Radios { name: "closed", legend: "Open to new placements?", options: vec![("no".into(), "Yes, open".into()), ("yes".into(), "No, closed: children already placed stay recorded".into())] });
    }
    FormSpec {
        title: if editing { "Change the provider".into() } else { "Add a provider of placements".into() },
        context: vec![],
        intro: None,
        fields,
        button: "Save",
    }
}

/// The provider the form describes (`id` kept from the stored one when changing).
fn read(f: &FormData, id: ProviderId) -> Result<Provider, FieldErrors> {
    let mut e = FieldErrors::new();
    let kind = ProviderKind::from_code(f.get("kind"));
    if kind.is_none() {
        e.add("kind", "Choose the kind of setting");
    }
    let provider = PlacementProvider::from_code(f.get("provider"));
    if provider.is_none() {
        e.add("provider", "Choose who provides it");
    }
    let postcode = match f.get("postcode").trim() {
        "" => None,
        p => Postcode::parse(p).map_err(|why| e.add("postcode", why)).ok(),
    };
    let places = match f.get("places").trim() {
        "" => None,
        n => n.parse::<u16>().map_err(|_| e.add("places", "Enter the number of places as a whole number, like 4")).ok(),
    };
    let urn = Some(f.get("urn").trim().to_uppercase()).filter(|u| !u.is_empty());
    let address = f.get("address").lines().map(str::trim).filter(|l| !l.is_empty()).map(String::from).collect();
    let (Some(kind), Some(provider)) = (kind, provider) else { return Err(e) };
    let p = Provider { id, name: f.get("name").trim().to_string(), kind, provider, urn, address, postcode, places, closed: f.get("closed") == "yes", monitoring_visits: Vec::new() };
    // The record's own rules too, so one submission shows every problem.
    if let Err(more) = p.check() {
        for m in more.0 {
            if e.get(&m.field).is_none() {
                e.add(m.field, m.message);
            }
        }
    }
    e.into_result().map(|()| p)
}

fn filled(p: &Provider) -> FormData {
    let mut f = FormData::default();
    f.set("name", p.name.clone());
    f.set("kind", p.kind.code());
    f.set("provider", p.provider.code());
    f.set("urn", p.urn.clone().unwrap_or_default());
    f.set("address", p.address.join("\n"));
    f.set("postcode", p.postcode.as_ref().map(|c| c.to_string()).unwrap_or_default());
    f.set("places", p.places.map(|n| n.to_string()).unwrap_or_default());
    f.set("closed", if p.closed { "yes" } else { "no" });
    f
}

async fn form(s: &AppState, actor: &Actor, v: &Visitor, id: Option<ProviderId>, form: Option<FormData>, errors: FieldErrors) -> Result<Response, WebError> {
    let action = if id.is_some() { "provider.change" } else { "provider.add" };
    if !actor.can(Permission::ManageProviders) {
        return Err(s.app.forbidden(actor, action, None).await.into());
    }
    let (version, stored, target) = match id {
        Some(id) => {
            let p = s.app.provider_page(actor, id).await?.provider;
            (p.version, Some(p.value), StepTarget { action: format!("/providers/{id}/edit"), back: format!("/providers/{id}") })
        }
        None => (0, None, StepTarget { action: "/providers/new".into(), back: "/providers".into() }),
    };
    let spec = spec(id.is_some());
    let form = form.or_else(|| stored.as_ref().map(filled)).unwrap_or_default();
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    Ok(render(status, &StepForm::new(layout(v, spec.title.clone()), None, target, version, spec, form, errors)))
}

pub async fn new_page(State(s): State<AppState>, Signed { actor }: Signed, v: Visitor) -> Result<Response, WebError> {
    form(&s, &actor, &v, None, None, FieldErrors::new()).await
}

pub async fn create(State(s): State<AppState>, Signed { actor }: Signed, v: Visitor, f: FormData) -> Result<Response, WebError> {
    let outcome = match read(&f, ProviderId::new()) {
        Ok(p) => s.app.add_provider(&actor, p).await,
        Err(e) => Err(AppError::Invalid(e)),
    };
    match outcome {
        Ok(id) => Ok(Redirect::to(&format!("/providers/{id}?saved=1")).into_response()),
        Err(AppError::Invalid(errors)) => form(&s, &actor, &v, None, Some(f), errors).await,
        Err(e) => Err(e.into()),
    }
}

pub async fn edit_page(State(s): State<AppState>, Signed { actor }: Signed, v: Visitor, Path(id): Path<String>) -> Result<Response, WebError> {
    form(&s, &actor, &v, Some(parse_id(&id)?), None, FieldErrors::new()).await
}

pub async fn edit(State(s): State<AppState>, Signed { actor }: Signed, v: Visitor, Path(id): Path<String>, f: FormData) -> Result<Response, WebError> {
    let id: ProviderId = parse_id(&id)?;
    let version: i64 = f.get("version").parse().unwrap_or(0);
    let outcome = match read(&f, id) {
        Ok(p) => s.app.change_provider(&actor, version, p).await,
        Err(e) => Err(AppError::Invalid(e)),
    };
    match outcome {
        Ok(()) => Ok(Redirect::to(&format!("/providers/{id}?saved=1")).into_response()),
        Err(AppError::Invalid(errors)) => form(&s, &actor, &v, Some(id), Some(f), errors).await,
        Err(e) => Err(e.into()),
    }
}

// ---- monitoring visits (seed 004) ---------------------------------------------------------

async fn visit_form(s: &AppState, actor: &Actor, v: &Visitor, id: ProviderId, form: Option<FormData>, errors: FieldErrors) -> Result<Response, WebError> {
    if !actor.can(Permission::ManageProviders) {
        return Err(s.app.forbidden(actor, "provider.monitoring_visit", None).await.into());
    }
    // Any setting may be visited; only external residential ones fall due.
    let p = s.app.provider_page(actor, id).await?;
    let spec = FormSpec {
        title: "Record a monitoring visit".into(),
        context: vec![("Provider".into(), p.provider.value.name.clone())],
        intro: Some("Seed 004: residential placements with external providers are visited at least once a year while the LA has a child placed there."),
        fields: vec![date_field("on", "Date of the visit")],
        button: "Save",
    };
    let target = StepTarget { action: format!("/providers/{id}/monitoring-visit"), back: format!("/providers/{id}") };
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    Ok(render(status, &StepForm::new(layout(v, spec.title.clone()), None, target, p.provider.version, spec, form.unwrap_or_default(), errors)))
}

pub async fn visit_page(State(s): State<AppState>, Signed { actor }: Signed, v: Visitor, Path(id): Path<String>) -> Result<Response, WebError> {
    visit_form(&s, &actor, &v, parse_id(&id)?, None, FieldErrors::new()).await
}

pub async fn visit(State(s): State<AppState>, Signed { actor }: Signed, v: Visitor, Path(id): Path<String>, f: FormData) -> Result<Response, WebError> {
    let id: ProviderId = parse_id(&id)?;
    let version: i64 = f.get("version").parse().unwrap_or(0);
    let mut errors = FieldErrors::new();
    let on = crate::forms::date_input(&f, "on", "The date of the visit", &mut errors);
    let outcome = match on {
        Some(on) if errors.is_empty() => s.app.record_monitoring_visit(&actor, id, version, on).await,
        _ => {
            if errors.is_empty() {
                errors.add("on", "Enter the date of the visit");
            }
            Err(AppError::Invalid(errors))
        }
    };
    match outcome {
        Ok(()) => Ok(Redirect::to(&format!("/providers/{id}?saved=visit")).into_response()),
        Err(AppError::Invalid(errors)) => visit_form(&s, &actor, &v, id, Some(f), errors).await,
        Err(e) => Err(e.into()),
    }
}
