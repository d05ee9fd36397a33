//! The directory of services (seed 004): a searchable list, each service's page with the young
//! people using it, a young person's Services tab, and the forms that refer them to a service
//! and record what became of the referral.
use super::care::{code, plain_options, required_date};
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
use hearth_app::{Actor, AppError, NewServiceReferral, ReferralChange, ServicePage};
use hearth_domain::codes::Coded;
use hearth_domain::services::{Category, Outcome, ReferralOutcome, Seeker, Service, ServiceFor, ServiceReferral, ServiceReferralId};
use hearth_domain::user::Permission;
use hearth_domain::{FieldErrors, PersonId};
use hearth_store::Versioned;
use serde::Deserialize;

#[derive(Deserialize, Default)]
pub struct DirectoryQuery {
    #[serde(default)]
    q: String,
    #[serde(default, rename = "for")]
    whom: String,
    #[serde(default)]
    category: String,
}

#[derive(Template)]
#[template(path = "services.html")]
struct DirectoryPage {
    layout: Layout,
    q: DirectoryQuery,
    council: String,
    services: Vec<Service>,
    whoms: Vec<(String, String)>,
    categories: Vec<(String, String)>,
}

impl DirectoryPage {
    fn whom(&self, s: &Service) -> String {
        s.open_to.iter().map(|f| f.label()).collect::<Vec<_>>().join(", ")
    }
}

pub async fn list(State(s): State<AppState>, Signed { actor }: Signed, v: Visitor, Query(q): Query<DirectoryQuery>) -> Result<Response, WebError> {
    if !actor.can(Permission::ViewRecords) {
        return Err(s.app.forbidden(&actor, "service.search", None).await.into());
    }
    let services = s.app.services(&q.q, ServiceFor::from_code(&q.whom), Category::from_code(&q.category));
    let page = DirectoryPage {
        layout: layout(&v, "Services for children in care and care leavers"),
        council: s.app.config.directory.council.clone(),
        services,
        whoms: plain_options::<ServiceFor>("Anyone"),
        categories: plain_options::<Category>("Any kind"),
        q,
    };
    Ok(render(StatusCode::OK, &page))
}

#[derive(Template)]
#[template(path = "service.html")]
struct ServiceView {
    layout: Layout,
    p: ServicePage,
}

impl ServiceView {
    fn day(&self, d: &time::Date) -> String {
        day(d)
    }

    fn whom(&self) -> String {
        self.p.service.open_to.iter().map(|f| f.label()).collect::<Vec<_>>().join(", ")
    }
}

pub async fn view(State(s): State<AppState>, Signed { actor }: Signed, v: Visitor, Path(key): Path<String>) -> Result<Response, WebError> {
    let p = s.app.service_page(&actor, &key).await?;
    Ok(render(StatusCode::OK, &ServiceView { layout: layout(&v, p.service.name.clone()), p }))
}

// ---- a young person's services ------------------------------------------------------------

#[derive(Template)]
#[template(path = "person_services.html")]
struct PersonServices {
    layout: Layout,
    summary: hearth_app::CaseSummary,
    tab: &'static str,
    referrals: Vec<Versioned<ServiceReferral>>,
    can_edit: bool,
    directory: std::sync::Arc<hearth_domain::services::Directory>,
}

impl PersonServices {
    fn day(&self, d: &time::Date) -> String {
        day(d)
    }

    fn service_name(&self, key: &str) -> String {
        self.directory.get(key).map_or_else(|| format!("{key} (no longer in the directory)"), |s| s.name.clone())
    }

    fn status(&self, r: &ServiceReferral) -> String {
        let Some(o) = r.outcome else { return "Waiting for the service".into() };
        let on = day(&o.on);
        match (o.outcome, r.ended) {
            (ReferralOutcome::Accepted, Some(e)) => format!("Accepted on {on}; stopped using it on {}", day(&e)),
            (ReferralOutcome::Accepted, None) => format!("Accepted on {on}; using the service"),
            (ReferralOutcome::Declined, _) => format!("Declined by the service on {on}"),
            (ReferralOutcome::Withdrawn, _) => format!("Withdrawn on {on}"),
        }
    }

    /// The form that records the referral's next step, if it has one.
    fn next(&self, r: &ServiceReferral) -> Option<&'static str> {
        match (r.outcome, r.ended) {
            (None, _) => Some("Record the outcome"),
            (Some(o), None) if o.outcome == ReferralOutcome::Accepted => Some("Record that it ended"),
            _ => None,
        }
    }
}

pub async fn tab(State(s): State<AppState>, Signed { actor }: Signed, v: Visitor, Path(id): Path<String>, Query(q): Query<Saved>) -> Result<Response, WebError> {
    let id: PersonId = parse_id(&id)?;
    let (summary, referrals, _) = s.app.service_referrals_of(&actor, id).await?;
    let flash = match q.saved.as_str() {
        "refer" => Some("Referral recorded.".to_string()),
        "outcome" => Some("Recorded.".to_string()),
        _ => None,
    };
    let page = PersonServices {
        layout: layout(&v, format!("Services: {}", summary.record.details.full_name())).with_flash(flash),
        summary,
        tab: "services",
        referrals,
        can_edit: actor.can(Permission::AddCaseNotes),
        directory: s.app.config.directory.clone(),
    };
    Ok(render(StatusCode::OK, &page))
}

/// The services the young person can use, by name, saying who runs them.
fn service_options(s: &AppState, seeker: Seeker) -> Vec<(String, String)> {
    options_from("Choose the service", s.app.services("", None, None).into_iter().filter(|x| x.refused(seeker).is_none()).map(|x| (x.key.clone(), format!("{} ({})", x.name, x.category.label().to_lowercase()))))
}

async fn refer_form(s: &AppState, actor: &Actor, v: &Visitor, id: PersonId, form: Option<FormData>, errors: FieldErrors) -> Result<Response, WebError> {
    let (summary, _, seeker) = s.app.service_referrals_of(actor, id).await?;
    if !actor.can(Permission::AddCaseNotes) {
        return Err(s.app.forbidden(actor, "service_referral.create", Some(id)).await.into());
    }
    let spec = FormSpec {
        title: "Refer to a service".into(),
        context: vec![],
        intro: Some("The services listed are those the directory says this young person can use, by their age and whether they are in care or a care leaver."),
        fields: vec![
            Field::Select { name: "service", label: "Service", options: service_options(s, seeker) },
            date_field("on", "Date of the referral"),
            Field::Textarea { name: "reason", label: "Why", hint: "What the young person needs from the service", rows: 4 },
        ],
        button: "Save",
    };
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let target = StepTarget { action: format!("/people/{id}/services/new"), back: format!("/people/{id}/services") };
    Ok(render(status, &StepForm::new(layout(v, spec.title.clone()), Some((id, summary.record.details.full_name())), target, 0, spec, form.unwrap_or_default(), errors)))
}

pub async fn refer_page(State(s): State<AppState>, Signed { actor }: Signed, v: Visitor, Path(id): Path<String>) -> Result<Response, WebError> {
    refer_form(&s, &actor, &v, parse_id(&id)?, None, FieldErrors::new()).await
}

pub async fn refer(State(s): State<AppState>, Signed { actor }: Signed, v: Visitor, Path(id): Path<String>, f: FormData) -> Result<Response, WebError> {
    let id: PersonId = parse_id(&id)?;
    let mut e = FieldErrors::new();
    if f.get("service").is_empty() {
        e.add("service", "Choose the service");
    }
    let on = required_date(&f, "on", "The date of the referral", &mut e);
    let outcome = match on {
        Some(on) if e.is_empty() => s.app.refer_to_service(&actor, id, NewServiceReferral { service: f.get("service").to_string(), on, reason: f.get("reason").to_string() }).await.map(|_| ()),
        _ => Err(AppError::Invalid(e)),
    };
    match outcome {
        Ok(()) => Ok(Redirect::to(&format!("/people/{id}/services?saved=refer")).into_response()),
        Err(AppError::Invalid(errors)) => refer_form(&s, &actor, &v, id, Some(f), errors).await,
        Err(e) => Err(e.into()),
    }
}

async fn referral_form(s: &AppState, actor: &Actor, v: &Visitor, id: PersonId, rid: ServiceReferralId, form: Option<FormData>, errors: FieldErrors) -> Result<Response, WebError> {
    let (summary, referrals, _) = s.app.service_referrals_of(actor, id).await?;
    if !actor.can(Permission::AddCaseNotes) {
        return Err(s.app.forbidden(actor, "service_referral.outcome", Some(id)).await.into());
    }
    let Some(r) = referrals.iter().find(|r| r.value.id == rid) else { return Err(WebError(AppError::NotFound)) };
    let name = s.app.config.directory.get(&r.value.service).map_or_else(|| r.value.service.clone(), |x| x.name.clone());
    let context = vec![("Service".to_string(), name), ("Referred".to_string(), day(&r.value.on))];
    let spec = match r.value.outcome {
        None => FormSpec {
            title: "Record the outcome of the referral".into(),
            context,
            intro: None,
            fields: vec![Field::Radios { name: "outcome", legend: "What happened?", options: ReferralOutcome::ALL.iter().map(|o| (o.code().to_string(), o.label().to_string())).collect() }, date_field("on", "Date")],
            button: "Save",
        },
        Some(o) if o.outcome == ReferralOutcome::Accepted && r.value.ended.is_none() => FormSpec {
            title: "Record that the young person stopped using the service".into(),
            context,
            intro: None,
            fields: vec![date_field("ended", "Date they stopped")],
            button: "Save",
        },
        _ => return Err(WebError(AppError::NotFound)),
    };
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let target = StepTarget { action: format!("/people/{id}/services/{rid}"), back: format!("/people/{id}/services") };
    Ok(render(status, &StepForm::new(layout(v, spec.title.clone()), Some((id, summary.record.details.full_name())), target, r.version, spec, form.unwrap_or_default(), errors)))
}

pub async fn referral_page(State(s): State<AppState>, Signed { actor }: Signed, v: Visitor, Path((id, rid)): Path<(String, String)>) -> Result<Response, WebError> {
    referral_form(&s, &actor, &v, parse_id(&id)?, parse_id(&rid)?, None, FieldErrors::new()).await
}

pub async fn change(State(s): State<AppState>, Signed { actor }: Signed, v: Visitor, Path((id, rid)): Path<(String, String)>, f: FormData) -> Result<Response, WebError> {
    let (id, rid): (PersonId, ServiceReferralId) = (parse_id(&id)?, parse_id(&rid)?);
    let mut e = FieldErrors::new();
    // The end form sends `ended`; the outcome form `outcome` and `on`.
    let change = if f.0.iter().any(|(k, _)| k.starts_with("ended")) {
        required_date(&f, "ended", "The date they stopped", &mut e).map(ReferralChange::Ended)
    } else {
        let outcome = code::<ReferralOutcome>(&f, "outcome", "Say what happened", &mut e);
        let on = required_date(&f, "on", "The date", &mut e);
        outcome.zip(on).map(|(outcome, on)| ReferralChange::Outcome(Outcome { on, outcome }))
    };
    let version: i64 = f.get("version").parse().unwrap_or(0);
    let result = match change {
        Some(c) if e.is_empty() => s.app.change_service_referral(&actor, rid, version, c).await,
        _ => Err(AppError::Invalid(e)),
    };
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/people/{id}/services?saved=outcome")).into_response()),
        Err(AppError::Invalid(errors)) => referral_form(&s, &actor, &v, id, rid, Some(f), errors).await,
        Err(e) => Err(e.into()),
    }
}
