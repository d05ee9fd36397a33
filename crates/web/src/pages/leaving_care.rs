//! Leaving care: a young person's care-leaver status with its reason and what it entitles
//! them to, what the care leaver service has recorded (personal adviser, needs assessment,
//! pathway plans, contact, where they live and what they do, arrangements, payments), the
//! forms that record it, and the care leavers' dashboard.
use super::care::{code, coded_options, number, plain_options, required_date, yes_no};
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
use hearth_app::{Actor, AppError, CareLeaverView, LeaverChange, LeaversDashboardView};
use hearth_domain::care::leavers_dashboard::{Leaver, AGES, STATUSES};
use hearth_domain::care::leaving::Status;
use hearth_domain::care::pathway::{has_pathway, Accommodation, Activity, Arrangement, ArrangementKind, CareLeaverChange, CareLeaverRecord, Contact, Housed, InTouch, Occupied, Payment, PaymentKind};
use hearth_domain::codes::Coded;
use hearth_domain::user::Permission;
use hearth_domain::{FieldErrors, PersonId};

#[derive(Template)]
#[template(path = "leaving_care.html")]
struct LeavingCarePage {
    layout: Layout,
    summary: hearth_app::CaseSummary,
    tab: &'static str,
    v: CareLeaverView,
    can_edit: bool,
    can_sign_off: bool,
}

/// A row of the service's summary: what, where it stands, whether overdue, the form.
struct Row {
    key: &'static str,
    value: String,
    overdue: bool,
    action: Option<(&'static str, String)>,
}

impl LeavingCarePage {
    fn leaver(&self) -> Option<&CareLeaverRecord> {
        self.v.record.as_ref().map(|r| &r.value)
    }

    fn day(&self, d: &time::Date) -> String {
        day(d)
    }

    fn link(&self, label: &'static str, form: &str) -> Option<(&'static str, String)> {
        self.can_edit.then(|| (label, format!("/people/{}/leaving-care/{form}", self.summary.record.id)))
    }

    fn rows(&self) -> Vec<Row> {
        let today = self.v.today;
        let r = self.leaver();
        let pathway = has_pathway(self.v.status());
        let mut rows = Vec::new();
        let adviser = r.and_then(|r| r.adviser_on(today));
        rows.push(Row {
            key: "Personal adviser",
            // Seed 000: once the young person has left care the adviser is their lead professional.
            value: adviser.map_or_else(
                || if pathway { "None allocated".into() } else { "None".into() },
                |a| format!("{}, since {}{}", a.name, day(&a.from), if matches!(self.v.status(), Status::Relevant | Status::FormerRelevant) { "; their lead professional" } else { "" }),
            ),
            overdue: pathway && adviser.is_none(),
            action: self.link(if adviser.is_some() { "Change" } else { "Allocate" }, "adviser"),
        });
        if pathway || r.is_some_and(|r| r.needs_assessment.is_some() || !r.plans.is_empty()) {
            rows.push(Row {
                key: "Needs assessment",
                value: r.and_then(|r| r.needs_assessment).map_or_else(|| "Not recorded".into(), |d| format!("Completed on {}", day(&d))),
                overdue: false,
                action: self.link("Record", "needs-assessment"),
            });
            let last = r.and_then(|r| r.plans.last());
            let due = self.v.plan_due.map(|d| format!("next due by {}", day(&d)));
            let value = match (last, due) {
                (Some(p), due) => format!("{} on {}{}", if p.review { "Reviewed" } else { "Agreed" }, day(&p.agreed), due.map(|d| format!("; {d}")).unwrap_or_default()),
                (None, Some(due)) => format!("No plan yet; {due}"),
                (None, None) => "No plan yet".into(),
            };
            rows.push(Row { key: "Pathway plan", value, overdue: self.v.plan_due.is_some_and(|d| d < today), action: self.link(if last.is_some() { "Record a review" } else { "Record" }, "plan") });
            if let Some(p) = last {
                let value = match p.signed_off {
                    Some(s) => format!("Signed off by {} on {}", self.v.name(s.by), day(&s.on)),
                    None => "Waiting for a manager".into(),
                };
                let action = (p.signed_off.is_none() && self.can_sign_off).then(|| ("Sign off", format!("/people/{}/leaving-care/sign-off", self.summary.record.id)));
                rows.push(Row { key: "Sign-off", value, overdue: false, action });
            }
        }
        rows.push(Row {
            key: "In custody or hospital at 16",
            value: if r.is_some_and(|r| r.detained_at_16) { "Yes".into() } else { "No".into() },
            overdue: false,
            action: self.link("Change", "detained"),
        });
        rows.push(Row {
            key: "Living in",
            value: r.and_then(|r| r.housed_on(today)).map_or_else(|| "Not recorded".into(), |h| format!("{} ({}), {}, since {}", h.accommodation.label(), h.code(), if h.suitable { "suitable" } else { "not suitable" }, day(&h.from))),
            overdue: r.and_then(|r| r.housed_on(today)).is_some_and(|h| !h.suitable),
            action: self.link("Record a move", "accommodation"),
        });
        rows.push(Row {
            key: "Education, employment or training",
            value: r.and_then(|r| r.occupied_on(today)).map_or_else(|| "Not recorded".into(), |o| format!("{} ({}), since {}", o.activity.label(), o.activity.code(), day(&o.from))),
            overdue: false,
            action: self.link("Record a change", "activity"),
        });
        let last = r.and_then(|r| r.last_contact());
        rows.push(Row {
            key: "Last contact",
            value: last.map_or_else(|| "None recorded".into(), |c| format!("{} on {}", c.outcome.label(), day(&c.on))),
            overdue: false,
            action: self.link("Record contact", "contact"),
        });
        rows
    }

    /// The DfE's birthday contacts in words: "In touch on 1 June 2024", "Not yet (window
    /// closes 10 July 2024)", "No contact recorded".
    fn birthday_contact(&self, b: &hearth_domain::care::pathway::BirthdayContact) -> (String, bool) {
        match b.contact {
            Some(c) => (format!("{} on {}", c.outcome.label(), day(&c.on)), false),
            None if b.until >= self.v.today => (format!("Not yet: between {} and {}", day(&b.from), day(&b.until)), false),
            None => ("No contact recorded".into(), true),
        }
    }

    fn money(&self, pence: &u32) -> String {
        money(*pence)
    }

    fn status_label(&self) -> String {
        status_label(self.v.status())
    }
}

/// "Illness or disability" from "Not in education, employment or training: illness or
/// disability" (the list's heading says the rest).
fn neet_reason(label: &str) -> String {
    capitalised(label.split_once(": ").map_or(label, |x| x.1))
}

/// "Former relevant": the status as a heading or a table's row begins.
fn status_label(s: Status) -> String {
    capitalised(s.code())
}

/// `s` with its first letter in capitals.
fn capitalised(s: &str) -> String {
    let mut chars = s.chars();
    chars.next().map(|f| f.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

/// "£1,234.50".
fn money(pence: u32) -> String {
    let pounds = (pence / 100).to_string();
    let mut grouped = String::new();
    for (i, c) in pounds.chars().enumerate() {
        if i > 0 && (pounds.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    format!("£{grouped}.{:02}", pence % 100)
}

fn flash(saved: &str) -> Option<String> {
    Some(
        match saved {
            "adviser" => "Personal adviser allocated.",
            "detained" => "Recorded.",
            "needs-assessment" => "Needs assessment recorded.",
            "plan" => "Pathway plan recorded and sent to a manager to sign off.",
            "sign-off" => "Pathway plan signed off.",
            "contact" => "Contact recorded.",
            "accommodation" => "Accommodation recorded.",
            "activity" => "Activity recorded.",
            "arrangement" => "Arrangement recorded.",
            "arrangement-end" => "Arrangement ended.",
            "payment" => "Payment recorded.",
            _ => return None,
        }
        .to_string(),
    )
}

pub async fn page(State(s): State<AppState>, Signed { actor }: Signed, v: Visitor, Path(id): Path<String>, Query(q): Query<Saved>) -> Result<Response, WebError> {
    let id: PersonId = parse_id(&id)?;
    let view = s.app.care_leaver_of(&actor, id).await?;
    let title = format!("Leaving care: {}", view.summary.record.details.full_name());
    let page = LeavingCarePage {
        layout: layout(&v, title).with_flash(flash(&q.saved)),
        summary: view.summary.clone(),
        tab: "leaving-care",
        can_edit: actor.can(Permission::AddCaseNotes),
        can_sign_off: actor.can(Permission::RecordManagementOversight),
        v: view,
    };
    Ok(render(StatusCode::OK, &page))
}

// ---- the forms ----------------------------------------------------------------------------

fn spec(key: &str, v: &CareLeaverView, advisers: Vec<(String, String)>) -> Option<FormSpec> {
    let context = vec![("Status".to_string(), v.status.as_ref().map_or_else(|e| e.clone(), |d| d.status.code().to_string()))];
    let plan_review = v.record.as_ref().is_some_and(|r| !r.value.plans.is_empty());
    let open_arrangements: Vec<&Arrangement> = v.record.iter().flat_map(|r| r.value.arrangements_from(v.today)).collect();
    Some(match key {
        "adviser" => FormSpec {
            title: "Allocate a personal adviser".into(),
            context,
            intro: Some("Seed 000: a personal adviser is allocated to an eligible young person during their 16th year, and becomes their lead professional once they leave care."),
            fields: vec![Field::Select { name: "user", label: "Personal adviser", options: advisers }, date_field("from", "Allocated from")],
            button: "Save",
        },
        "detained" => FormSpec {
            title: "In custody or hospital on their 16th birthday".into(),
            context,
            intro: Some("A young person who was eligible but in custody or hospital on their 16th birthday is a relevant child (Care Leavers (England) Regulations 2010, regulation 3)."),
            fields: vec![yes_no("detained", "Was the young person in custody or hospital on their 16th birthday?")],
            button: "Save",
        },
        "needs-assessment" => FormSpec { title: "Record the needs assessment".into(), context, intro: Some("The assessment of the young person's needs that the pathway plan answers."), fields: vec![date_field("on", "Date the assessment was completed")], button: "Save" },
        "plan" => FormSpec {
            title: if plan_review { "Record a review of the pathway plan".into() } else { "Record the pathway plan".into() },
            context,
            intro: Some("The plan is reviewed at least every six months and signed off by a manager. Record the young person's own views of it."),
            fields: vec![
                date_field("agreed", if plan_review { "Date of the review" } else { "Date the plan was agreed" }),
                Field::Textarea { name: "views", label: "The young person's views", hint: "In their words: what they want from their plan", rows: 5 },
            ],
            button: "Save",
        },
        "sign-off" if v.record.as_ref().and_then(|r| r.value.plans.last()).is_some_and(|p| p.signed_off.is_none()) => FormSpec {
            title: "Sign off the pathway plan".into(),
            context,
            intro: Some("Signing off says you have read the plan, or its review, and agree it."),
            fields: vec![],
            button: "Sign off the plan",
        },
        "contact" => FormSpec {
            title: "Record contact with the young person".into(),
            context,
            intro: Some("The DfE asks whether the council was in touch around each birthday from 17 to 21: in the three months before it or the month after."),
            fields: vec![date_field("on", "Date"), Field::Radios { name: "outcome", legend: "Were you in touch?", options: InTouch::ALL.iter().map(|c| (c.code().to_string(), c.label().to_string())).collect() }],
            button: "Save",
        },
        "accommodation" => FormSpec {
            title: "Record where the young person lives".into(),
            context,
            intro: None,
            fields: vec![
                date_field("from", "Living there since"),
                Field::Select { name: "accommodation", label: "Accommodation", options: coded_options::<Accommodation>("Choose the accommodation") },
                yes_no("suitable", "Is it suitable?"),
            ],
            button: "Save",
        },
        "activity" => FormSpec {
            title: "Record what the young person is doing".into(),
            context,
            intro: None,
            fields: vec![date_field("from", "Since"), Field::Select { name: "activity", label: "Education, employment or training", options: coded_options::<Activity>("Choose the activity") }],
            button: "Save",
        },
        "arrangement" => FormSpec {
            title: "Record a housing arrangement".into(),
            context,
            intro: Some("Staying put with former foster carers (from 18 to 21), supported lodgings, supported accommodation or independent living, in place or planned."),
            fields: vec![
                Field::Select { name: "kind", label: "Arrangement", options: plain_options::<ArrangementKind>("Choose the arrangement") },
                Field::Text { name: "with", label: "With whom or where", hint: "For example, the former foster carers' names, or the hostel", width: "govuk-input--width-20" },
                date_field("from", "From"),
                Field::Date { name: "until", label: "Until (if known)", hint: "For example, 27 3 2027" },
                yes_no("sleep_in", "Sleep-in support (independent living only)"),
            ],
            button: "Save",
        },
        "arrangement-end" if !open_arrangements.is_empty() => FormSpec {
            title: "End a housing arrangement".into(),
            context,
            intro: None,
            fields: vec![
                Field::Select { name: "arrangement", label: "Arrangement", options: options_from("Choose the arrangement", open_arrangements.iter().map(|a| (a.number.to_string(), format!("{}: {}", a.kind.label(), a.with)))) },
                date_field("on", "Date it ended"),
            ],
            button: "Save",
        },
        "payment" => FormSpec {
            title: "Record a payment".into(),
            context,
            intro: Some("Payments made to the young person. The payment run comes with the carers and payments work."),
            fields: vec![
                date_field("on", "Date paid"),
                Field::Select { name: "kind", label: "What for", options: plain_options::<PaymentKind>("Choose what the payment is for") },
                Field::Text { name: "amount", label: "Amount in pounds", hint: "For example, 3000 or 249.99", width: "govuk-input--width-10" },
                Field::Text { name: "note", label: "Note (optional)", hint: "", width: "govuk-input--width-30" },
            ],
            button: "Save",
        },
        _ => return None,
    })
}

/// Pounds and pence as typed ("3,000", "249.99", "£12") in pence.
fn pence(s: &str) -> Option<u32> {
    let s = s.trim().trim_start_matches('£').replace(',', "");
    let (pounds, pence) = s.split_once('.').unwrap_or((&s, "0"));
    if pence.len() > 2 || pounds.is_empty() || !pounds.chars().all(|c| c.is_ascii_digit()) || !pence.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let pence: u32 = format!("{pence:0<2}").parse().ok()?;
    pounds.parse::<u32>().ok()?.checked_mul(100)?.checked_add(pence)
}

fn yes(f: &FormData, name: &str, message: &str, e: &mut FieldErrors) -> Option<bool> {
    match f.get(name) {
        "yes" => Some(true),
        "no" => Some(false),
        _ => {
            e.add(name, message);
            None
        }
    }
}

fn asked(key: &str, f: &FormData) -> Result<LeaverChange, FieldErrors> {
    let mut e = FieldErrors::new();
    let other = |c: CareLeaverChange| LeaverChange::Other(c);
    let change = match key {
        "adviser" => {
            let user = f.get("user").parse().ok();
            if user.is_none() {
                e.add("user", "Choose the personal adviser");
            }
            let from = required_date(f, "from", "The date they were allocated", &mut e);
            user.zip(from).map(|(user, from)| LeaverChange::Adviser { user, from })
        }
        "detained" => yes(f, "detained", "Say whether the young person was in custody or hospital on their 16th birthday", &mut e).map(|d| other(CareLeaverChange::Detained(d))),
        "needs-assessment" => required_date(f, "on", "The date the assessment was completed", &mut e).map(|d| other(CareLeaverChange::NeedsAssessment(d))),
        "plan" => required_date(f, "agreed", "The date", &mut e).map(|agreed| other(CareLeaverChange::Plan { agreed, views: f.get("views").to_string() })),
        "sign-off" => Some(other(CareLeaverChange::SignOff)),
        "contact" => {
            let on = required_date(f, "on", "The date", &mut e);
            let outcome = code::<InTouch>(f, "outcome", "Say whether you were in touch", &mut e);
            on.zip(outcome).map(|(on, outcome)| other(CareLeaverChange::Contact(Contact { on, outcome })))
        }
        "accommodation" => {
            let from = required_date(f, "from", "The date", &mut e);
            let accommodation = code::<Accommodation>(f, "accommodation", "Choose the accommodation", &mut e);
            let suitable = yes(f, "suitable", "Say whether the accommodation is suitable", &mut e);
            match (from, accommodation, suitable) {
                (Some(from), Some(accommodation), Some(suitable)) => Some(other(CareLeaverChange::Housed(Housed { from, accommodation, suitable }))),
                _ => None,
            }
        }
        "activity" => {
            let from = required_date(f, "from", "The date", &mut e);
            let activity = code::<Activity>(f, "activity", "Choose the activity", &mut e);
            from.zip(activity).map(|(from, activity)| other(CareLeaverChange::Occupied(Occupied { from, activity })))
        }
        "arrangement" => {
            let kind = code::<ArrangementKind>(f, "kind", "Choose the arrangement", &mut e);
            let from = required_date(f, "from", "The date it begins", &mut e);
            let until = date_input(f, "until", "The date it ends", &mut e);
            let sleep_in = f.get("sleep_in") == "yes";
            kind.zip(from).map(|(kind, from)| other(CareLeaverChange::Arrangement(Arrangement { number: 0, kind, from, until, with: f.get("with").to_string(), sleep_in })))
        }
        "arrangement-end" => {
            let number = number(f, "arrangement", "Choose the arrangement that ended", &mut e);
            let on = required_date(f, "on", "The date it ended", &mut e);
            number.zip(on).map(|(number, on)| other(CareLeaverChange::EndArrangement { number, on }))
        }
        "payment" => {
            let on = required_date(f, "on", "The date paid", &mut e);
            let kind = code::<PaymentKind>(f, "kind", "Choose what the payment is for", &mut e);
            let amount = pence(f.get("amount"));
            if amount.is_none() {
                e.add("amount", "Enter the amount in pounds, like 3000 or 249.99");
            }
            match (on, kind, amount) {
                (Some(on), Some(kind), Some(pence)) => Some(other(CareLeaverChange::Payment(Payment { on, kind, pence, note: f.get("note").to_string() }))),
                _ => None,
            }
        }
        _ => None,
    };
    match change {
        Some(c) if e.is_empty() => Ok(c),
        _ if e.is_empty() => Err(FieldErrors::one("form", "There is no such form")),
        _ => Err(e),
    }
}

/// The domain's field names ("plan.agreed") as the form's inputs ("agreed").
fn to_inputs(errors: FieldErrors) -> FieldErrors {
    FieldErrors(
        errors
            .0
            .into_iter()
            .map(|mut e| {
                let field = match e.field.as_str() {
                    "plan.agreed" => "agreed",
                    "plan.views" => "views",
                    "adviser.user" => "user",
                    "adviser.from" => "from",
                    "needs_assessment" => "on",
                    "contact.on" | "payment.on" => "on",
                    "housing.from" | "activity.from" | "arrangement.from" => "from",
                    "housing.suitable" => "suitable",
                    "arrangement.until" => "until",
                    "arrangement.with" => "with",
                    "arrangement.sleep_in" => "sleep_in",
                    "payment.amount" => "amount",
                    "payment.kind" => "kind",
                    other => other,
                };
                e.field = field.to_string();
                e
            })
            .collect(),
    )
}

async fn form(s: &AppState, actor: &Actor, v: &Visitor, id: PersonId, key: &str, form: Option<FormData>, errors: FieldErrors) -> Result<Response, WebError> {
    let view = s.app.care_leaver_of(actor, id).await?;
    let needs = if key == "sign-off" { Permission::RecordManagementOversight } else { Permission::AddCaseNotes };
    if !actor.can(needs) {
        return Err(s.app.forbidden(actor, &format!("care_leaver.{key}"), Some(id)).await.into());
    }
    let advisers = if key == "adviser" {
        let people = s.app.personal_advisers(actor).await?;
        options_from("Choose the personal adviser", people.into_iter().map(|(id, name)| (id.to_string(), name)))
    } else {
        Vec::new()
    };
    let Some(spec) = spec(key, &view, advisers) else { return Err(WebError(AppError::NotFound)) };
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let target = StepTarget { action: format!("/people/{id}/leaving-care/{key}"), back: format!("/people/{id}/leaving-care") };
    let page = StepForm::new(layout(v, spec.title.clone()), Some((id, view.summary.record.details.full_name())), target, view.version(), spec, form.unwrap_or_default(), errors);
    Ok(render(status, &page))
}

pub async fn form_page(State(s): State<AppState>, Signed { actor }: Signed, v: Visitor, Path((id, key)): Path<(String, String)>) -> Result<Response, WebError> {
    form(&s, &actor, &v, parse_id(&id)?, &key, None, FieldErrors::new()).await
}

pub async fn submit(State(s): State<AppState>, Signed { actor }: Signed, v: Visitor, Path((id, key)): Path<(String, String)>, f: FormData) -> Result<Response, WebError> {
    let id: PersonId = parse_id(&id)?;
    let version: i64 = f.get("version").parse().unwrap_or(0);
    let outcome = match asked(&key, &f) {
        Err(errors) => Err(AppError::Invalid(errors)),
        Ok(change) => s.app.change_care_leaver(&actor, id, version, change).await.map(|_| ()),
    };
    match outcome {
        Ok(()) => Ok(Redirect::to(&format!("/people/{id}/leaving-care?saved={key}")).into_response()),
        Err(AppError::Invalid(errors)) => form(&s, &actor, &v, id, &key, Some(f), to_inputs(errors)).await,
        Err(e) => Err(e.into()),
    }
}

// ---- the care leavers' dashboard -----------------------------------------------------------

#[derive(Template)]
#[template(path = "care_leavers.html")]
struct DashboardPage {
    layout: Layout,
    d: LeaversDashboardView,
}

/// One of the dashboard's lists: its heading, id, and the young people with what to say of
/// each.
struct List<'a> {
    id: &'static str,
    title: &'static str,
    column: &'static str,
    rows: Vec<(&'a Leaver, String)>,
}

impl DashboardPage {
    fn ages(&self) -> Vec<i32> {
        AGES.collect()
    }

    fn statuses(&self) -> [Status; 4] {
        STATUSES
    }

    fn status_label(&self, s: &Status) -> String {
        status_label(*s)
    }

    fn name(&self, id: &PersonId) -> String {
        self.d.people.get(id).map(|p| format!("{} {}", p.given_name, p.family_name)).unwrap_or_default()
    }

    fn lists(&self) -> Vec<List<'_>> {
        let today = self.d.today;
        let dash = &self.d.dashboard;
        let pick = |f: &dyn Fn(&Leaver) -> Option<String>| dash.leavers.iter().filter_map(|l| f(l).map(|s| (l, s))).collect::<Vec<_>>();
        vec![
            List { id: "without-adviser", title: "Without a personal adviser", column: "Status", rows: pick(&|l| l.without_adviser().then(|| l.status.code().to_string())) },
            List { id: "plan-overdue", title: "Pathway plan overdue", column: "Due", rows: pick(&|l| l.plan_overdue(today).then(|| l.plan_due.map(|d| day(&d)).unwrap_or_default())) },
            List {
                id: "not-in-touch",
                title: "Not in touch",
                column: "Last contact",
                rows: pick(&|l| l.out_of_touch(today).then(|| l.last_contact.map_or_else(|| "None recorded".into(), |c| format!("{} on {}", c.outcome.label(), day(&c.on))))),
            },
            List { id: "neet", title: "Not in education, employment or training", column: "Why", rows: pick(&|l| l.neet().then(|| l.activity.map(|a| neet_reason(a.label())).unwrap_or_default())) },
            List { id: "unsuitable", title: "In unsuitable accommodation", column: "Living in", rows: pick(&|l| l.unsuitably_housed().then(|| l.housed.map(|h| format!("{} ({})", h.accommodation.label(), h.code())).unwrap_or_default())) },
            List { id: "turning-18", title: "Turning 18 within six months with nowhere planned to live", column: "18 on", rows: pick(&|l| l.turning_18_unplanned(today).then(|| day(&l.turns_18))) },
        ]
    }
}

pub async fn dashboard(State(s): State<AppState>, Signed { actor }: Signed, v: Visitor) -> Result<Response, WebError> {
    let d = s.app.care_leavers_dashboard(&actor).await?;
    Ok(render(StatusCode::OK, &DashboardPage { layout: layout(&v, "Care leavers"), d }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_are_read_in_pounds_and_shown_with_pence() {
        assert_eq!(pence("3000"), Some(300_000));
        assert_eq!(pence("£3,000.5"), Some(300_050));
        assert_eq!(pence("249.99"), Some(24_999));
        for bad in ["", "abc", "12.345", "-5", "1.2.3"] {
            assert_eq!(pence(bad), None, "{bad}");
        }
        assert_eq!(money(300_050), "£3,000.50");
        assert_eq!(money(99), "£0.99");
        assert_eq!(money(123_456_789), "£1,234,567.89");
    }
}
