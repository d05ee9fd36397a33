//! The front door: recording a contact, the screening decision, the referral and the single
//! assessment with its sign-off. Each page shows the deadlines stored for its step, each
//! explaining itself.
use super::people::{day, options};
use super::{layout, parse_id, Saved};
use crate::error::{render, WebError};
use crate::forms::{date_input, set_date, time_input, FormData};
use crate::layout::Layout;
use crate::session::{Signed, Visitor};
use crate::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use hearth_app::{Actor, AppError, AssessmentContent, AssessmentView, ContactView, NewContact, NewDecision, ReferralView, SignOff};
use hearth_domain::codes::Coded;
use hearth_domain::front_door::assessment::{AssessmentState, ChildSeen};
use hearth_domain::front_door::codes::{AssessmentFactor, AssessmentOutcome, PrimaryNeed, ReferralSource, ScreeningDecision};
use hearth_domain::front_door::contact::{Consent, Referrer};
use hearth_domain::front_door::deadlines::ChildSeenStatus;
use hearth_domain::front_door::tasks::{Task, TaskStatus};
use hearth_domain::front_door::{AssessmentId, ContactId, ReferralId};
use hearth_domain::local_time::{from_uk_local, uk_local};
use hearth_domain::person::{PersonKind, PersonSummary};
use hearth_domain::user::Permission;
use hearth_domain::validation::non_empty;
use hearth_domain::{FieldErrors, PersonId};
use time::{Date, PrimitiveDateTime};

/// A deadline as a row of a table: what, when, its state and how the date was worked out.
pub struct DeadlineRow {
    pub label: &'static str,
    pub due: String,
    pub tag: (&'static str, String),
    pub explanation: String,
    pub pack: String,
}

/// The tag for a task on `today`: done (on time or late), overdue, due today, or open.
pub fn task_tag(t: &Task, today: Date) -> (&'static str, String) {
    match t.status {
        TaskStatus::Done { at, .. } if uk_local(at).date() <= t.due => ("govuk-tag--green", "Done".into()),
        TaskStatus::Done { .. } => ("govuk-tag--orange", "Done late".into()),
        TaskStatus::Open if t.due < today => ("govuk-tag--red", "Overdue".into()),
        TaskStatus::Open if t.due == today => ("govuk-tag--orange", "Due today".into()),
        TaskStatus::Open => ("govuk-tag--blue", "To do".into()),
    }
}

pub fn deadline_rows(tasks: &[Task], today: Date) -> Vec<DeadlineRow> {
    tasks
        .iter()
        .map(|t| DeadlineRow {
            label: t.kind.label(),
            due: day(&t.due),
            tag: task_tag(t, today),
            explanation: t.explanation.clone(),
            pack: format!("{} {}", t.pack, t.pack_version),
        })
        .collect()
}

fn name(p: &PersonSummary) -> String {
    format!("{} {}", p.given_name, p.family_name)
}

pub(super) fn radios<C: Coded>() -> Vec<(String, String)> {
    C::ALL.iter().map(|c| (c.code().to_string(), c.label().to_string())).collect()
}

/// Reads a date input and a time box into an instant in England; both are required.
fn instant(f: &FormData, name: &str, label: &str, errors: &mut FieldErrors) -> Option<time::OffsetDateTime> {
    let date = date_input(f, name, label, errors);
    if date.is_none() && errors.get(name).is_none() {
        errors.add(name, format!("Enter {}", label.to_lowercase()));
    }
    let time_field = format!("{name}_time");
    let time = time_input(f.get(&time_field));
    if time.is_none() {
        errors.add(&time_field, "Enter the time in 24-hour format, like 09:30 or 14:15");
    }
    Some(from_uk_local(PrimitiveDateTime::new(date?, time?)))
}

fn set_instant(f: &mut FormData, name: &str, at: time::OffsetDateTime) {
    let l = uk_local(at);
    set_date(f, name, Some(l.date()));
    f.set(&format!("{name}_time"), format!("{:02}:{:02}", l.hour(), l.minute()));
}

/// How a page is shown: fresh after a redirect (with the flash of what was saved), or again
/// with what the user entered and what is wrong with it.
enum Shown<'a> {
    Fresh { saved: &'a str },
    Invalid { form: FormData, errors: FieldErrors },
}

impl Shown<'_> {
    fn parts(self) -> (FormData, FieldErrors, StatusCode, Option<String>) {
        match self {
            Shown::Fresh { saved } => (FormData::default(), FieldErrors::new(), StatusCode::OK, flash(saved)),
            Shown::Invalid { form, errors } => (form, errors, StatusCode::UNPROCESSABLE_ENTITY, None),
        }
    }
}

fn version(f: &FormData) -> i64 {
    f.get("version").parse().unwrap_or(0)
}

// ---------------------------------------------------------------------------------------
// Contact.

#[derive(Template)]
#[template(path = "contact_form.html")]
struct ContactForm {
    layout: Layout,
    child: PersonSummary,
    /// Other children of the family the contact may also be about.
    siblings: Vec<PersonSummary>,
    adults: Vec<PersonSummary>,
    form: FormData,
    errors: FieldErrors,
    sources: Vec<(String, String)>,
}

impl ContactForm {
    fn ticked(&self, name: &str, id: &PersonId) -> bool {
        self.form.all(name).contains(&id.to_string())
    }

    fn checked(&self, name: &str, value: &str) -> bool {
        self.form.get(name) == value
    }

    fn consent_options(&self) -> [(&'static str, &'static str); 3] {
        [("given", "Yes, consent was given"), ("not_given", "No, consent was refused"), ("not_required", "Consent was not sought")]
    }
}

async fn contact_form(s: &AppState, actor: &Actor, v: &Visitor, id: PersonId, form: FormData, errors: FieldErrors, status: StatusCode) -> Result<Response, WebError> {
    let page = s.app.person_page(actor, id).await?;
    if page.summary.record.details.kind != PersonKind::Child {
        return Err(AppError::invalid("children", "A contact is recorded about a child or young person: open the child's record").into());
    }
    let child = PersonSummary::from_record(&page.summary.record);
    let mut siblings = Vec::new();
    let mut adults = Vec::new();
    for m in page.family.into_iter().filter(|m| m.can_open && m.relationship.ended.is_none()) {
        if siblings.iter().chain(&adults).any(|p: &PersonSummary| p.id == m.person.id) {
            continue;
        }
        if m.person.kind == PersonKind::Child { siblings.push(m.person) } else { adults.push(m.person) }
    }
    let title = format!("Record a contact about {}", name(&child));
    let sources = options::<ReferralSource>("Choose who made the contact");
    Ok(render(status, &ContactForm { layout: layout(v, title), child, siblings, adults, form, errors, sources }))
}

pub async fn new_contact_page(State(s): State<AppState>, Signed { actor }: Signed, v: Visitor, Path(id): Path<String>) -> Result<Response, WebError> {
    let id: PersonId = parse_id(&id)?;
    let mut form = FormData::default();
    set_instant(&mut form, "received", s.app.now());
    form.set("children", id.to_string());
    contact_form(&s, &actor, &v, id, form, FieldErrors::new(), StatusCode::OK).await
}

fn contact_from_form(f: &FormData, child: PersonId) -> Result<NewContact, FieldErrors> {
    let mut errors = FieldErrors::new();
    let received_at = instant(f, "received", "The date the contact was received", &mut errors);
    let source = ReferralSource::from_code(f.get("source"));
    if source.is_none() {
        errors.add("source", "Choose who made the contact");
    }
    let reason = f.get("consent_reason").to_string();
    let consent = match f.get("consent") {
        "given" => Some(Consent::Given),
        "not_given" => Some(Consent::NotGiven { reason }),
        "not_required" => Some(Consent::NotRequired { reason }),
        _ => {
            errors.add("consent", "Say whether the family consented to the contact");
            None
        }
    };
    let ids = |name: &str| f.all(name).iter().filter_map(|s| s.parse::<PersonId>().ok()).collect::<Vec<_>>();
    let mut children = vec![child];
    children.extend(ids("children").into_iter().filter(|p| *p != child));
    let referrer = Referrer {
        name: f.get("referrer_name").trim().to_string(),
        role: non_empty(f.get("referrer_role")),
        agency: non_empty(f.get("referrer_agency")),
        phone: non_empty(f.get("referrer_phone")),
        email: non_empty(f.get("referrer_email")),
        relationship_to_child: non_empty(f.get("referrer_relationship")),
    };
    match (received_at, source, consent) {
        (Some(received_at), Some(source), Some(consent)) if errors.is_empty() => {
            Ok(NewContact { received_at, source, referrer, reason: f.get("reason").to_string(), consent, children, family_members: ids("family_members") })
        }
        _ => {
            // Report the text fields too, so every problem is shown at once.
            if referrer.name.is_empty() {
                errors.add("referrer_name", "Enter the referrer's name");
            }
            if f.get("reason").trim().is_empty() {
                errors.add("reason", "Enter the reason for the contact");
            }
            Err(errors)
        }
    }
}

pub async fn create_contact(State(s): State<AppState>, Signed { actor }: Signed, v: Visitor, Path(id): Path<String>, form: FormData) -> Result<Response, WebError> {
    let id: PersonId = parse_id(&id)?;
    let result = match contact_from_form(&form, id) {
        Ok(new) => s.app.record_contact(&actor, new).await,
        Err(e) => Err(AppError::Invalid(e)),
    };
    match result {
        Ok(contact) => Ok(Redirect::to(&format!("/contacts/{contact}?saved=contact")).into_response()),
        Err(AppError::Invalid(errors)) => contact_form(&s, &actor, &v, id, form, errors, StatusCode::UNPROCESSABLE_ENTITY).await,
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "contact.html")]
struct ContactPage {
    layout: Layout,
    view: ContactView,
    deadlines: Vec<DeadlineRow>,
    form: FormData,
    errors: FieldErrors,
    decisions: Vec<(String, String)>,
}

impl ContactPage {
    fn consent(&self) -> (&'static str, Option<&str>) {
        match &self.view.contact.value.consent {
            Consent::Given => ("Given", None),
            Consent::NotGiven { reason } => ("Not given", Some(reason)),
            Consent::NotRequired { reason } => ("Not sought", Some(reason)),
        }
    }

    fn user(&self, id: &hearth_domain::UserId) -> String {
        self.view.names.get(id).cloned().unwrap_or_else(|| "Unknown user".into())
    }

    fn child_name(&self, id: &PersonId) -> String {
        self.view.children.iter().find(|p| p.id == *id).map(name).unwrap_or_default()
    }
}


fn flash(saved: &str) -> Option<String> {
    Some(
        match saved {
            "contact" => "Contact recorded. The decision is now in the team's work tray.",
            "decision" => "Decision recorded.",
            "referral" => "Referral saved.",
            "started" => "Assessment started.",
            "assessment" => "Assessment saved.",
            "submitted" => "Assessment sent for authorisation.",
            "returned" => "Assessment returned to the worker with your comments.",
            "authorised" => "Assessment authorised. It is complete.",
            _ => return None,
        }
        .to_string(),
    )
}

async fn contact_page(s: &AppState, actor: &Actor, v: &Visitor, id: ContactId, shown: Shown<'_>) -> Result<Response, WebError> {
    let (mut form, errors, status, flash) = shown.parts();
    let c = s.app.contact_page(actor, id).await?;
    if form.get("version").is_empty() {
        form.set("version", c.contact.version.to_string());
        set_instant(&mut form, "decided", s.app.now());
    }
    let title = format!("Contact about {}", c.children.iter().map(name).collect::<Vec<_>>().join(" and "));
    let deadlines = deadline_rows(&c.tasks, s.app.today());
    let page = ContactPage { layout: layout(v, title).with_flash(flash), view: c, deadlines, form, errors, decisions: radios::<ScreeningDecision>() };
    Ok(render(status, &page))
}

pub async fn contact(State(s): State<AppState>, Signed { actor }: Signed, v: Visitor, Path(id): Path<String>, Query(q): Query<Saved>) -> Result<Response, WebError> {
    contact_page(&s, &actor, &v, parse_id(&id)?, Shown::Fresh { saved: &q.saved }).await
}

pub async fn decide(State(s): State<AppState>, Signed { actor }: Signed, v: Visitor, Path(id): Path<String>, form: FormData) -> Result<Response, WebError> {
    let id: ContactId = parse_id(&id)?;
    // The role is checked before the form, so a worker is told they may not, not what to fix.
    s.app.require(&actor, Permission::RecordManagementOversight, "contact.decide").await?;
    let mut errors = FieldErrors::new();
    let decision = ScreeningDecision::from_code(form.get("decision"));
    if decision.is_none() {
        errors.add("decision", "Choose the decision");
    }
    let decided_at = instant(&form, "decided", "The date of the decision", &mut errors);
    if form.get("rationale").trim().is_empty() {
        errors.add("rationale", "Enter the reason for the decision");
    }
    let result = match (decision, decided_at) {
        (Some(decision), Some(decided_at)) if errors.is_empty() => {
            s.app.decide_contact(&actor, id, version(&form), NewDecision { decision, decided_at, rationale: form.get("rationale").to_string() }).await
        }
        _ => Err(AppError::Invalid(errors)),
    };
    match result {
        Ok(referrals) if referrals.len() == 1 => Ok(Redirect::to(&format!("/referrals/{}?saved=referral", referrals[0])).into_response()),
        Ok(_) => Ok(Redirect::to(&format!("/contacts/{id}?saved=decision")).into_response()),
        Err(AppError::Invalid(errors)) => contact_page(&s, &actor, &v, id, Shown::Invalid { form, errors }).await,
        Err(e) => Err(e.into()),
    }
}

// ---------------------------------------------------------------------------------------
// Referral.

#[derive(Template)]
#[template(path = "referral.html")]
struct ReferralPage {
    layout: Layout,
    r: ReferralView,
    deadlines: Vec<DeadlineRow>,
    form: FormData,
    errors: FieldErrors,
    needs: Vec<(String, String)>,
}

async fn referral_page(s: &AppState, actor: &Actor, v: &Visitor, id: ReferralId, shown: Shown<'_>) -> Result<Response, WebError> {
    let (mut form, errors, status, flash) = shown.parts();
    let r = s.app.referral_page(actor, id).await?;
    if form.get("version").is_empty() {
        form.set("version", r.referral.version.to_string());
        form.set("primary_need", r.referral.value.primary_need.map(|n| n.code()).unwrap_or(""));
        if r.referral.value.nfa {
            form.set("nfa", "yes");
        }
        set_date(&mut form, "start_date", Some(s.app.today()));
    }
    let title = format!("Referral of {}", r.summary.record.details.full_name());
    let deadlines = deadline_rows(&r.tasks, s.app.today());
    let page = ReferralPage { layout: layout(v, title).with_flash(flash), r, deadlines, form, errors, needs: options::<PrimaryNeed>("Not decided yet") };
    Ok(render(status, &page))
}

pub async fn referral(State(s): State<AppState>, Signed { actor }: Signed, v: Visitor, Path(id): Path<String>, Query(q): Query<Saved>) -> Result<Response, WebError> {
    referral_page(&s, &actor, &v, parse_id(&id)?, Shown::Fresh { saved: &q.saved }).await
}

pub async fn update_referral(State(s): State<AppState>, Signed { actor }: Signed, v: Visitor, Path(id): Path<String>, form: FormData) -> Result<Response, WebError> {
    let id: ReferralId = parse_id(&id)?;
    let need = match form.get("primary_need") {
        "" => Ok(None),
        code => PrimaryNeed::from_code(code).map(Some).ok_or(()),
    };
    let result = match need {
        Ok(need) => s.app.update_referral(&actor, id, version(&form), need, form.checked("nfa")).await,
        Err(()) => Err(AppError::invalid("primary_need", "Choose the child's primary need")),
    };
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/referrals/{id}?saved=referral")).into_response()),
        Err(AppError::Invalid(errors)) => referral_page(&s, &actor, &v, id, Shown::Invalid { form, errors }).await,
        Err(e) => Err(e.into()),
    }
}

pub async fn start_assessment(State(s): State<AppState>, Signed { actor }: Signed, v: Visitor, Path(id): Path<String>, form: FormData) -> Result<Response, WebError> {
    let id: ReferralId = parse_id(&id)?;
    let mut errors = FieldErrors::new();
    let start = date_input(&form, "start_date", "The start date", &mut errors);
    if start.is_none() && errors.is_empty() {
        errors.add("start_date", "Enter the date the assessment started");
    }
    let result = match start {
        Some(start) if errors.is_empty() => s.app.start_assessment(&actor, id, start).await,
        _ => Err(AppError::Invalid(errors)),
    };
    match result {
        Ok(a) => Ok(Redirect::to(&format!("/assessments/{a}?saved=started")).into_response()),
        Err(AppError::Invalid(errors)) => referral_page(&s, &actor, &v, id, Shown::Invalid { form, errors }).await,
        Err(e) => Err(e.into()),
    }
}

// ---------------------------------------------------------------------------------------
// Assessment.

#[derive(Template)]
#[template(path = "assessment.html")]
struct AssessmentPage {
    layout: Layout,
    a: AssessmentView,
    deadlines: Vec<DeadlineRow>,
    form: FormData,
    errors: FieldErrors,
}

impl AssessmentPage {
    fn user(&self, id: &hearth_domain::UserId) -> String {
        self.a.names.get(id).cloned().unwrap_or_else(|| "Unknown user".into())
    }

    /// Who returned it and what they asked for, while it is back with the worker.
    fn returned(&self) -> Option<(String, String)> {
        let a = &self.a.assessment.value;
        let last = a.history.last().filter(|_| a.state == AssessmentState::Returned)?;
        Some((self.user(&last.by), last.comment.clone().unwrap_or_default()))
    }

    /// What a step of the sign-off did, in words.
    fn step(&self, t: &hearth_domain::front_door::assessment::Transition) -> &'static str {
        match t.to {
            AssessmentState::Submitted if t.from == AssessmentState::Returned => "Sent for authorisation again",
            AssessmentState::Submitted => "Sent for authorisation",
            AssessmentState::Returned => "Returned for changes",
            AssessmentState::Authorised => "Authorised",
            AssessmentState::Draft => "Draft",
        }
    }

    fn state_tag(&self) -> &'static str {
        match self.a.assessment.value.state {
            AssessmentState::Draft => "govuk-tag--grey",
            AssessmentState::Submitted => "govuk-tag--blue",
            AssessmentState::Returned => "govuk-tag--orange",
            AssessmentState::Authorised => "govuk-tag--green",
        }
    }

    /// The task list: (section, label, done, hint).
    fn sections(&self) -> Vec<(&'static str, &'static str, bool, String)> {
        let a = &self.a.assessment.value;
        let r = &self.a.readiness;
        let seen = match self.a.child_seen.map(|c| c.status) {
            Some(ChildSeenStatus::Missed) => "Not seen and the timescale has passed: record a date or explain why".to_string(),
            _ if a.child_seen.is_empty() => "No dates recorded yet".to_string(),
            _ => format!("Seen {}", a.child_seen.iter().map(|s| day(&s.date)).collect::<Vec<_>>().join(", ")),
        };
        let written = |field: &str, text: &Option<String>| (r.get(field).is_none(), text.as_deref().map(words).unwrap_or_else(|| "Not written yet".into()));
        let sub = &a.substance;
        let (voice_done, voice) = written("child_voice", &sub.child_voice);
        let (parents_done, parents) = written("parents_views", &sub.parents_views);
        let (analysis_done, analysis) = written("analysis", &sub.analysis);
        let outcome = match (a.outcome, a.primary_need) {
            (None, _) => "Not chosen yet".to_string(),
            (Some(o), None) => o.label().to_string(),
            (Some(o), Some(n)) => format!("{}; primary need {} {}", o.label(), n.code(), n.label()),
        };
        vec![
            ("seen", "Start date and when the child was seen", r.get("child_seen").is_none() && r.get("not_seen_explanation").is_none() && r.get("start_date").is_none(), seen),
            ("child", "The child's lived experience and voice", voice_done, voice),
            ("parents", "Parents' and carers' views", parents_done, parents),
            ("factors", "Factors identified", r.get("factors").is_none(), format!("{} chosen", a.factors.len())),
            ("analysis", "Analysis and recommendation", analysis_done && r.get("recommendation").is_none(), analysis),
            ("outcome", "Outcome and primary need", r.get("outcome").is_none() && r.get("primary_need").is_none(), outcome),
        ]
    }

    /// What to do now the assessment is authorised: (wording, link).
    fn next_step(&self) -> Option<(&'static str, String)> {
        use hearth_domain::front_door::assessment::NextStep;
        let episode = |form: &str| self.a.episode.map(|e| format!("/episodes/{e}{form}")).unwrap_or_default();
        Some(match self.a.next_step? {
            NextStep::OpenEpisode => ("Open the referral's episode, then record what happens next", format!("/referrals/{}", self.a.referral.id)),
            NextStep::StartCinPlan => ("Start the child in need plan", episode("/cin-plan")),
            NextStep::HoldStrategyDiscussion => ("Record the strategy discussion", episode("/strategy")),
            NextStep::CloseEpisode => ("Close the episode (with any step-down to early help)", episode("/close")),
            NextStep::SeeEpisode => ("Record what happens next on the episode", episode("")),
        })
    }

    /// The substance as the manager reads it: (heading, text).
    fn substance(&self) -> Vec<(&'static str, &str)> {
        let s = &self.a.assessment.value.substance;
        [
            ("The child's lived experience and voice", &s.child_voice),
            ("Parents' and carers' views", &s.parents_views),
            ("Analysis", &s.analysis),
            ("Plan or recommendation", &s.recommendation),
        ]
        .into_iter()
        .filter_map(|(h, t)| t.as_deref().map(|t| (h, t)))
        .collect()
    }

    fn seen_status(&self) -> Option<(&'static str, String)> {
        let c = self.a.child_seen?;
        let due = self.a.tasks.iter().find(|t| t.kind == hearth_domain::front_door::tasks::TaskKind::ChildSeen).map(|t| day(&t.due)).unwrap_or_default();
        Some(match c.status {
            ChildSeenStatus::SeenInTime { on } => ("govuk-tag--green", format!("Seen on {} — within the timescale (due {due})", day(&on))),
            ChildSeenStatus::SeenLate { on } => ("govuk-tag--orange", format!("Seen on {} — after the timescale (due {due})", day(&on))),
            ChildSeenStatus::Pending => ("govuk-tag--blue", format!("Not seen yet — due {due}")),
            ChildSeenStatus::Missed => ("govuk-tag--red", format!("Not seen — the timescale passed on {due}")),
        })
    }
}

async fn assessment_page(s: &AppState, actor: &Actor, v: &Visitor, id: AssessmentId, shown: Shown<'_>) -> Result<Response, WebError> {
    let (mut form, errors, status, flash) = shown.parts();
    let a = s.app.assessment_page(actor, id).await?;
    form.set("version", a.assessment.version.to_string());
    if form.get("authorised_on-day").is_empty() {
        set_date(&mut form, "authorised_on", Some(s.app.today()));
    }
    let title = format!("Single assessment of {}", a.summary.record.details.full_name());
    let deadlines = deadline_rows(&a.tasks, s.app.today());
    Ok(render(status, &AssessmentPage { layout: layout(v, title).with_flash(flash), a, deadlines, form, errors }))
}

pub async fn assessment(State(s): State<AppState>, Signed { actor }: Signed, v: Visitor, Path(id): Path<String>, Query(q): Query<Saved>) -> Result<Response, WebError> {
    assessment_page(&s, &actor, &v, parse_id(&id)?, Shown::Fresh { saved: &q.saved }).await
}

pub async fn sign_off(State(s): State<AppState>, Signed { actor }: Signed, v: Visitor, Path((id, step)): Path<(String, String)>, form: FormData) -> Result<Response, WebError> {
    let id: AssessmentId = parse_id(&id)?;
    if step != "submit" {
        s.app.require(&actor, Permission::RecordManagementOversight, "assessment.sign_off").await?;
    }
    let mut errors = FieldErrors::new();
    let step = match step.as_str() {
        "submit" => Some(SignOff::Submit),
        "return" => Some(SignOff::Return { comment: form.get("comment").to_string() }),
        "authorise" => {
            let on = date_input(&form, "authorised_on", "The authorisation date", &mut errors);
            if on.is_none() && errors.is_empty() {
                errors.add("authorised_on", "Enter the date of the authorisation");
            }
            on.map(|on| SignOff::Authorise { on, comment: non_empty(form.get("authorise_comment")) })
        }
        _ => return Err(AppError::NotFound.into()),
    };
    let saved = match step {
        Some(SignOff::Submit) => "submitted",
        Some(SignOff::Return { .. }) => "returned",
        _ => "authorised",
    };
    let result = match step {
        Some(step) if errors.is_empty() => s.app.sign_off(&actor, id, version(&form), step).await,
        _ => Err(AppError::Invalid(errors)),
    };
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/assessments/{id}?saved={saved}")).into_response()),
        Err(AppError::Invalid(errors)) => assessment_page(&s, &actor, &v, id, Shown::Invalid { form, errors }).await,
        Err(e) => Err(e.into()),
    }
}

/// How long a written part is, for the task list's hint.
fn words(text: &str) -> String {
    match text.split_whitespace().count() {
        1 => "1 word".into(),
        n => format!("{n} words"),
    }
}

#[derive(Template)]
#[template(path = "assessment_form.html")]
struct SectionPage {
    layout: Layout,
    a: AssessmentView,
    section: &'static str,
    form: FormData,
    errors: FieldErrors,
    factors: Vec<(String, String)>,
    outcomes: Vec<(String, String)>,
    needs: Vec<(String, String)>,
}

impl SectionPage {
    fn ticked(&self, name: &str, value: &str) -> bool {
        self.form.all(name).iter().any(|v| v == value)
    }
}

fn section(s: &str) -> Result<&'static str, WebError> {
    ["seen", "child", "parents", "factors", "analysis", "outcome"].into_iter().find(|x| *x == s).ok_or(WebError(AppError::NotFound))
}

/// A section of the assessment: fresh from the stored content, or again with the user's form
/// and its errors.
async fn section_page(s: &AppState, actor: &Actor, v: &Visitor, id: AssessmentId, sec: &'static str, again: Option<(FormData, FieldErrors)>) -> Result<Response, WebError> {
    let status = if again.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    let (form, errors) = match again {
        Some((f, e)) => (Some(f), e),
        None => (None, FieldErrors::new()),
    };
    let a = s.app.assessment_page(actor, id).await?;
    if !a.can_edit {
        return Err(AppError::invalid("state", &format!("An assessment that is {} cannot be changed", a.assessment.value.state.label().to_lowercase())).into());
    }
    let form = form.unwrap_or_else(|| {
        let x = &a.assessment.value;
        let mut f = FormData::default();
        set_date(&mut f, "start_date", Some(x.start_date));
        for (i, seen) in x.child_seen.iter().enumerate() {
            f.0.push(("seen".into(), i.to_string()));
            if seen.seen_alone {
                f.0.push(("seen_alone".into(), i.to_string()));
            }
        }
        f.set("not_seen_explanation", x.not_seen_explanation.clone().unwrap_or_default());
        f.0.extend(x.factors.iter().map(|c| ("factors".to_string(), c.code().to_string())));
        f.set("outcome", x.outcome.map(|o| o.code()).unwrap_or(""));
        // The referral's need, if recorded there first, is the starting answer.
        f.set("primary_need", x.primary_need.or(a.referral.primary_need).map(|n| n.code()).unwrap_or(""));
        for (field, _, value) in x.substance.parts() {
            f.set(field, value.unwrap_or(""));
        }
        f
    });
    let mut form = form;
    form.set("version", a.assessment.version.to_string());
    let title = match sec {
        "seen" => "Start date and when the child was seen",
        "child" => "The child's lived experience and voice",
        "parents" => "Parents' and carers' views",
        "factors" => "Factors identified",
        "analysis" => "Analysis and recommendation",
        _ => "Outcome and primary need",
    };
    let page = SectionPage {
        layout: layout(v, title),
        a,
        section: sec,
        form,
        errors,
        factors: radios::<AssessmentFactor>(),
        outcomes: radios::<AssessmentOutcome>(),
        needs: options::<PrimaryNeed>("Choose the primary need"),
    };
    Ok(render(status, &page))
}

pub async fn edit_section(State(s): State<AppState>, Signed { actor }: Signed, v: Visitor, Path((id, sec)): Path<(String, String)>) -> Result<Response, WebError> {
    section_page(&s, &actor, &v, parse_id(&id)?, section(&sec)?, None).await
}

/// Reads one section of the form over the stored content: the other sections keep their values.
fn content_from_form(f: &FormData, sec: &str, current: &hearth_domain::front_door::assessment::Assessment) -> Result<AssessmentContent, FieldErrors> {
    let mut errors = FieldErrors::new();
    let mut c = AssessmentContent {
        start_date: Some(current.start_date),
        child_seen: current.child_seen.clone(),
        not_seen_explanation: current.not_seen_explanation.clone(),
        factors: current.factors.clone(),
        outcome: current.outcome,
        primary_need: current.primary_need,
        substance: current.substance.clone(),
    };
    match sec {
        "seen" => {
            c.start_date = date_input(f, "start_date", "The start date", &mut errors);
            if c.start_date.is_none() && errors.get("start_date").is_none() {
                errors.add("start_date", "Enter the date the assessment started");
            }
            let kept: Vec<String> = f.all("seen");
            let alone: Vec<String> = f.all("seen_alone");
            c.child_seen = current
                .child_seen
                .iter()
                .enumerate()
                .filter(|(i, _)| kept.contains(&i.to_string()))
                .map(|(i, s)| ChildSeen { date: s.date, seen_alone: alone.contains(&i.to_string()) })
                .collect();
            if let Some(date) = date_input(f, "new_seen", "The date the child was seen", &mut errors) {
                c.child_seen.push(ChildSeen { date, seen_alone: f.checked("new_seen_alone") });
            }
            c.not_seen_explanation = non_empty(f.get("not_seen_explanation"));
        }
        "child" => c.substance.child_voice = non_empty(f.get("child_voice")),
        "parents" => c.substance.parents_views = non_empty(f.get("parents_views")),
        "analysis" => {
            c.substance.analysis = non_empty(f.get("analysis"));
            c.substance.recommendation = non_empty(f.get("recommendation"));
        }
        "factors" => {
            c.factors = f.all("factors").iter().filter_map(|code| AssessmentFactor::from_code(code)).collect();
        }
        _ => {
            c.outcome = AssessmentOutcome::from_code(f.get("outcome"));
            if c.outcome.is_none() {
                errors.add("outcome", "Choose the outcome of the assessment");
            }
            c.primary_need = match f.get("primary_need") {
                "" => None,
                code => {
                    let need = PrimaryNeed::from_code(code);
                    if need.is_none() {
                        errors.add("primary_need", "Choose the child's primary need from the list");
                    }
                    need
                }
            };
        }
    }
    errors.into_result().map(|()| c)
}

pub async fn save_section(State(s): State<AppState>, Signed { actor }: Signed, v: Visitor, Path((id, sec)): Path<(String, String)>, form: FormData) -> Result<Response, WebError> {
    let id: AssessmentId = parse_id(&id)?;
    let sec = section(&sec)?;
    let result = s.app.save_assessment_with(&actor, id, version(&form), |current| content_from_form(&form, sec, current)).await;
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/assessments/{id}?saved=assessment")).into_response()),
        Err(AppError::Invalid(errors)) => section_page(&s, &actor, &v, id, sec, Some((form, errors))).await,
        Err(e) => Err(e.into()),
    }
}
