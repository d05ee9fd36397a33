//! The front door (contacts, screening decisions, referrals, single assessments and their
//! sign-off) and the work trays their deadlines make.
//!
//! Request bodies take codes, dates, instants and ids as strings, so a bad value is a field
//! error naming the field. Responses give codes as their DfE (or Hearth) code strings, as the
//! rest of the API does; each code list's schema lists the codes with their labels.
use super::{date, instant, parse_date};
use crate::api::problem::FieldProblem;
use hearth_app::{AssessmentContent, AssessmentView, ContactView, MyWork, NewContact, NewDecision, ReferralView, TeamWork};
use hearth_domain::codes::Coded;
use hearth_domain::front_door::assessment::{Assessment as DomAssessment, AssessmentState, ChildSeen, NextStep, Substance, Transition};
use hearth_domain::front_door::codes::{AssessmentFactor, AssessmentOutcome, PrimaryNeed, ReferralSource, ScreeningDecision};
use hearth_domain::front_door::contact::{Consent, Contact as DomContact, Referrer as DomReferrer};
use hearth_domain::front_door::deadlines::{ChildSeenCheck as DomChildSeenCheck, ChildSeenStatus};
use hearth_domain::front_door::referral::Referral as DomReferral;
use hearth_domain::front_door::tasks::{Task as DomTask, TaskKind, TaskStatus, TaskSubject};
use hearth_domain::person::{PersonRecord, PersonSummary as DomPersonSummary};
use hearth_domain::{FieldErrors, PersonId, UserId};
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::collections::HashMap;
use time::format_description::well_known::Rfc3339;
use time::{Date, OffsetDateTime};
use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};
use utoipa::openapi::RefOr;
use utoipa::ToSchema;
use uuid::Uuid;

const INSTANT_MESSAGE: &str = "Enter a date and time as RFC 3339 with its offset, for example 2026-11-24T09:30:00Z";
const DATE_MESSAGE: &str = "Enter a real date as YYYY-MM-DD, for example 2026-11-24";

// ---- Code lists ---------------------------------------------------------------------------

fn code_list_schema(description: &str, codes: Vec<(&'static str, &'static str)>) -> RefOr<Schema> {
    let listing: Vec<String> = codes.iter().map(|(c, l)| format!("`{c}` {l}")).collect();
    ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some(codes.iter().map(|(c, _)| *c)))
        .description(Some(format!("{description} Codes: {}.", listing.join("; "))))
        .into()
}

fn coded<T: Coded>() -> Vec<(&'static str, &'static str)> {
    T::ALL.iter().map(|c| (c.code(), c.label())).collect()
}

/// Declares a schema-only type for a code list (used as `#[schema(value_type = …)]`).
macro_rules! front_door_code {
    ($name:ident, $description:literal, $codes:expr) => {
        pub struct $name;

        impl utoipa::PartialSchema for $name {
            fn schema() -> RefOr<Schema> {
                code_list_schema($description, $codes)
            }
        }

        impl utoipa::ToSchema for $name {
            fn name() -> Cow<'static, str> {
                Cow::Borrowed(stringify!($name))
            }
        }
    };
}

const STATES: [AssessmentState; 4] = [AssessmentState::Draft, AssessmentState::Submitted, AssessmentState::Returned, AssessmentState::Authorised];

front_door_code!(ReferralSourceCode, "Who made the contact (CIN census `ReferralSource`).", coded::<ReferralSource>());
front_door_code!(ScreeningDecisionCode, "The decision on a contact. `referral` and `strategy_discussion` open a referral for each child.", coded::<ScreeningDecision>());
front_door_code!(PrimaryNeedCode, "The child's primary need (CIN census `PrimaryNeedCode`).", coded::<PrimaryNeed>());
front_door_code!(AssessmentFactorCode, "A factor identified at assessment (CIN census `AssessmentFactors`).", coded::<AssessmentFactor>());
front_door_code!(AssessmentOutcomeCode, "What an assessment concluded.", coded::<AssessmentOutcome>());
front_door_code!(
    ConsentCode,
    "Whether the family agreed to the contact being made. Without consent, `consent_reason` is required.",
    vec![("given", "Consent given"), ("not_given", "Consent not given"), ("not_required", "Consent not required")]
);
front_door_code!(TaskKindCode, "The step a deadline is for.", TaskKind::ALL.iter().map(|k| (k.code(), k.label())).collect());
front_door_code!(TaskStatusCode, "Whether a task is still to do.", vec![("open", "To do"), ("done", "Done")]);
front_door_code!(
    TaskSubjectTypeCode,
    "The kind of record a task is about.",
    vec![("contact", "A contact"), ("referral", "A referral"), ("assessment", "An assessment"), ("episode", "A children-in-need episode"), ("care_period", "A period of care"), ("care_decision", "A decision about a child coming into care")]
);
front_door_code!(AssessmentStateCode, "Where an assessment is in its sign-off.", STATES.iter().map(|s| (state_code(*s), s.label())).collect());
front_door_code!(
    ChildSeenStatusCode,
    "Whether the child was seen within the pack's child-seen timescale.",
    vec![("seen_in_time", "Seen in time"), ("seen_late", "Seen late"), ("pending", "Not seen yet; not due"), ("missed", "Not seen; timescale missed")]
);
front_door_code!(
    NextStepCode,
    "What to do after an authorised assessment, in the episode its referral opened.",
    NEXT_STEPS.iter().map(|(_, code, label)| (*code, *label)).collect()
);
front_door_code!(
    ContactRoleCode,
    "How a person appears on a contact.",
    vec![("child", "A child the contact is about"), ("family_member", "A family member")]
);

const NEXT_STEPS: [(NextStep, &str, &str); 5] = [
    (NextStep::OpenEpisode, "open_episode", "Open the referral's episode (recorded before episodes were)"),
    (NextStep::StartCinPlan, "start_cin_plan", "Start the child in need plan"),
    (NextStep::HoldStrategyDiscussion, "hold_strategy_discussion", "Record the strategy discussion"),
    (NextStep::CloseEpisode, "close_episode", "Close the episode (with any step-down)"),
    (NextStep::SeeEpisode, "see_episode", "Record what happens next on the episode"),
];

fn next_step_code(n: NextStep) -> &'static str {
    NEXT_STEPS.iter().find(|(s, _, _)| *s == n).map(|(_, code, _)| *code).unwrap_or("see_episode")
}

pub fn state_code(s: AssessmentState) -> &'static str {
    match s {
        AssessmentState::Draft => "draft",
        AssessmentState::Submitted => "submitted",
        AssessmentState::Returned => "returned",
        AssessmentState::Authorised => "authorised",
    }
}

fn consent_code(c: &Consent) -> &'static str {
    match c {
        Consent::Given => "given",
        Consent::NotGiven { .. } => "not_given",
        Consent::NotRequired { .. } => "not_required",
    }
}

// ---- Parsing helpers ------------------------------------------------------------------------

/// Parses an RFC 3339 instant (with its offset).
pub fn parse_instant(s: &str) -> Option<OffsetDateTime> {
    OffsetDateTime::parse(s.trim(), &Rfc3339).ok()
}

fn instant_field(field: &str, value: &str, errs: &mut FieldErrors) -> Option<OffsetDateTime> {
    let t = parse_instant(value);
    if t.is_none() {
        errs.add(field, INSTANT_MESSAGE);
    }
    t
}

fn date_field(field: &str, value: &str, errs: &mut FieldErrors) -> Option<Date> {
    let d = parse_date(value.trim());
    if d.is_none() {
        errs.add(field, DATE_MESSAGE);
    }
    d
}

fn code_field<T: Coded>(field: &str, value: &str, what: &str, errs: &mut FieldErrors) -> Option<T> {
    let c = T::from_code(value.trim());
    if c.is_none() {
        let codes: Vec<&str> = T::ALL.iter().map(|c| c.code()).collect();
        errs.add(field, format!("Enter a valid {what} code: one of {}", codes.join(", ")));
    }
    c
}

fn opt_code_field<T: Coded>(field: &str, value: &Option<String>, what: &str, errs: &mut FieldErrors) -> Option<T> {
    let v = value.as_deref().map(str::trim).filter(|v| !v.is_empty())?;
    code_field(field, v, what, errs)
}

fn opt_text(value: &Option<String>) -> Option<String> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty()).map(str::to_string)
}

/// The domain names the referrer's fields `referrer_name` … (the web form's inputs); this API
/// nests them under `referrer`.
pub const REFERRER_FIELDS: [(&str, &str); 6] = [
    ("referrer_name", "referrer.name"),
    ("referrer_role", "referrer.role"),
    ("referrer_agency", "referrer.agency"),
    ("referrer_phone", "referrer.phone"),
    ("referrer_email", "referrer.email"),
    ("referrer_relationship", "referrer.relationship_to_child"),
];

fn api_field(domain: &str) -> String {
    REFERRER_FIELDS.iter().find(|(d, _)| *d == domain).map_or(domain, |(_, a)| a).to_string()
}

/// Adds the domain's errors for fields the API's own checks did not already name.
fn merge(errs: &mut FieldErrors, more: FieldErrors) {
    for e in more.0 {
        let field = api_field(&e.field);
        if !errs.0.iter().any(|x| x.field == field || x.field.starts_with(&format!("{field}["))) {
            errs.add(field, e.message);
        }
    }
}

// ---- Shared response parts -------------------------------------------------------------------

/// A new record's id (its address is in `Location`).
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct CreatedRecord {
    pub id: Uuid,
}

/// A user, by id and display name (`null` when the user is no longer known).
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct UserRef {
    pub id: Uuid,
    pub name: Option<String>,
}

impl UserRef {
    fn new(id: UserId, names: &HashMap<UserId, String>) -> Self {
        UserRef { id: id.0, name: names.get(&id).cloned() }
    }
}

/// A person named on a front-door record.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct PersonRef {
    pub id: Uuid,
    #[schema(value_type = super::PersonKindCode)]
    pub kind: String,
    /// Given and family name. (A restricted family member the caller may not open is left off
    /// the contact altogether.)
    pub name: Option<String>,
    #[schema(format = Date)]
    pub date_of_birth: Option<String>,
    pub restricted: bool,
}

fn full_name(given: &str, family: &str) -> String {
    format!("{given} {family}").trim().to_string()
}

impl PersonRef {
    /// A person the caller may see (the app leaves out anyone else).
    fn opened(p: &DomPersonSummary) -> Self {
        PersonRef { id: p.id.0, kind: p.kind.code().to_string(), name: Some(full_name(&p.given_name, &p.family_name)), date_of_birth: p.date_of_birth.map(date), restricted: p.restricted }
    }

    fn of_record(r: &PersonRecord) -> Self {
        Self::opened(&DomPersonSummary::from_record(r))
    }
}

/// What a task is about.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct TaskSubjectRef {
    #[serde(rename = "type")]
    #[schema(value_type = TaskSubjectTypeCode)]
    pub kind: String,
    pub id: Uuid,
}

/// A deadline as a task: when it is due, the pack rule and pack version it came from, how the
/// date was worked out, and whether it is done.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct DeadlineTask {
    pub id: Uuid,
    #[schema(value_type = TaskKindCode)]
    pub kind: String,
    /// What to do, in words ("Decide on the contact").
    pub label: String,
    pub subject: TaskSubjectRef,
    /// The child the task is about.
    pub child_id: Uuid,
    pub team_id: Option<Uuid>,
    /// `null`: in the team's tray, not yet with a worker.
    pub assignee_id: Option<Uuid>,
    #[schema(format = Date, example = "2026-11-25")]
    pub due: String,
    /// The pack's rule key ("single_assessment").
    pub rule: String,
    pub pack: String,
    pub pack_version: String,
    /// How the due date was worked out, as it was when the task was made.
    #[schema(example = "due Wed 27 Dec 2023 — 1 working day after the contact on Fri 22 Dec (25 and 26 Dec are bank holidays)")]
    pub explanation: String,
    #[schema(value_type = TaskStatusCode)]
    pub status: String,
    #[schema(format = DateTime)]
    pub done_at: Option<String>,
    pub done_by: Option<Uuid>,
    /// When the step is with someone else for now (an assessment sent for authorisation):
    /// since when; the task is then neither overdue nor counted for its holder.
    #[schema(format = DateTime)]
    pub waiting_since: Option<String>,
    /// Whom it waits on (`null`: a manager not named, or not waiting).
    pub waiting_with: Option<Uuid>,
    /// Who passed the step to the holder (who sent an assessment for authorisation), and when.
    pub sent_by: Option<Uuid>,
    #[schema(format = DateTime)]
    pub sent_at: Option<String>,
}

impl From<&DomTask> for DeadlineTask {
    fn from(t: &DomTask) -> Self {
        let (kind, id) = match t.subject {
            TaskSubject::Contact(c) => ("contact", c.0),
            TaskSubject::Referral(r) => ("referral", r.0),
            TaskSubject::Assessment(a) => ("assessment", a.0),
            TaskSubject::Episode(e) => ("episode", e.0),
            TaskSubject::CarePeriod(p) => ("care_period", p.0),
            TaskSubject::CareDecision(d) => ("care_decision", d.0),
        };
        let (status, done_at, done_by) = match t.status {
            TaskStatus::Open => ("open", None, None),
            TaskStatus::Done { at, by } => ("done", Some(instant(at)), Some(by.0)),
        };
        DeadlineTask {
            id: t.id.0,
            kind: t.kind.code().to_string(),
            label: t.kind.label().to_string(),
            subject: TaskSubjectRef { kind: kind.to_string(), id },
            child_id: t.child.0,
            team_id: t.team.map(|x| x.0),
            assignee_id: t.assignee.map(|x| x.0),
            due: date(t.due),
            rule: t.rule.clone(),
            pack: t.pack.clone(),
            pack_version: t.pack_version.clone(),
            explanation: t.explanation.clone(),
            status: status.to_string(),
            done_at,
            done_by,
            waiting_since: t.waiting.map(|w| instant(w.since)),
            waiting_with: t.waiting.and_then(|w| w.with).map(|u| u.0),
            sent_by: t.sent.map(|s| s.by.0),
            sent_at: t.sent.map(|s| instant(s.at)),
        }
    }
}

fn tasks(ts: &[DomTask]) -> Vec<DeadlineTask> {
    ts.iter().map(Into::into).collect()
}

// ---- Contacts ---------------------------------------------------------------------------------

/// Who made the contact and how to reach them.
#[derive(Clone, Debug, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Referrer {
    /// Required: not blank.
    #[schema(example = "A. Teacher", min_length = 1, pattern = r"[^\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]")]
    pub name: String,
    /// Their role ("class teacher", "health visitor").
    pub role: Option<String>,
    pub agency: Option<String>,
    #[schema(example = "01632 960 001")]
    pub phone: Option<String>,
    pub email: Option<String>,
    /// For an individual: how they are related to the child ("grandmother", "neighbour").
    pub relationship_to_child: Option<String>,
}

impl From<&DomReferrer> for Referrer {
    fn from(r: &DomReferrer) -> Self {
        Referrer {
            name: r.name.clone(),
            role: r.role.clone(),
            agency: r.agency.clone(),
            phone: r.phone.clone(),
            email: r.email.clone(),
            relationship_to_child: r.relationship_to_child.clone(),
        }
    }
}

/// A contact received by the front door. Recording it puts the screening decision in the
/// recording worker's team tray, due by the pack's timescale (national: 1 working day).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateContact {
    /// When the contact was received; not in the future.
    #[schema(format = DateTime, example = "2026-11-24T09:30:00Z")]
    pub received_at: String,
    #[schema(value_type = ReferralSourceCode)]
    pub source: String,
    pub referrer: Referrer,
    /// Why the contact was made, in the referrer's words (not blank).
    #[schema(min_length = 1, pattern = r"[^\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]")]
    pub reason: String,
    #[schema(value_type = ConsentCode)]
    pub consent: String,
    /// Why consent was not given, or why it was not needed; leave out when consent was given.
    pub consent_reason: Option<String>,
    /// The children the contact is about (at least one): ids of child records the caller may open.
    #[schema(value_type = Vec<uuid::Uuid>, min_items = 1)]
    pub children: Vec<String>,
    /// Parents, carers and others in the household: ids of records the caller may open.
    #[serde(default)]
    #[schema(value_type = Vec<uuid::Uuid>)]
    pub family_members: Vec<String>,
}

fn person_ids(field: &str, values: &[String], errs: &mut FieldErrors) -> Vec<PersonId> {
    let mut out = Vec::new();
    for (i, v) in values.iter().enumerate() {
        match super::parse_uuid(v) {
            Some(id) => out.push(PersonId(id)),
            None => errs.add(format!("{field}[{i}]"), "Enter the Hearth id of a person's record"),
        }
    }
    out
}

impl CreateContact {
    /// The use case's input, or every problem found: the API's own (instants, codes, ids)
    /// and, with those, the domain's rules for the other fields.
    pub fn to_domain(&self, now: OffsetDateTime) -> Result<NewContact, FieldErrors> {
        let mut errs = FieldErrors::new();
        let received_at = instant_field("received_at", &self.received_at, &mut errs);
        let source = code_field::<ReferralSource>("source", &self.source, "referral source", &mut errs);
        let reason_text = self.consent_reason.clone().unwrap_or_default();
        let consent = match self.consent.trim() {
            "given" => {
                if opt_text(&self.consent_reason).is_some() {
                    errs.add("consent_reason", "Leave the reason out when consent was given");
                }
                Some(Consent::Given)
            }
            "not_given" => Some(Consent::NotGiven { reason: reason_text }),
            "not_required" => Some(Consent::NotRequired { reason: reason_text }),
            _ => {
                errs.add("consent", "Enter given, not_given or not_required");
                None
            }
        };
        let children = person_ids("children", &self.children, &mut errs);
        let family_members = person_ids("family_members", &self.family_members, &mut errs);
        let r = &self.referrer;
        let referrer = DomReferrer {
            name: r.name.trim().to_string(),
            role: opt_text(&r.role),
            agency: opt_text(&r.agency),
            phone: opt_text(&r.phone),
            email: opt_text(&r.email),
            relationship_to_child: opt_text(&r.relationship_to_child),
        };
        let new = NewContact {
            received_at: received_at.unwrap_or(now),
            source: source.unwrap_or(ReferralSource::Unknown),
            referrer,
            reason: self.reason.clone(),
            consent: consent.clone().unwrap_or(Consent::Given),
            children,
            family_members,
        };
        let contact = DomContact {
            id: Default::default(),
            received_at: new.received_at,
            source: new.source,
            referrer: new.referrer.clone(),
            reason: new.reason.clone(),
            consent: new.consent.clone(),
            children: new.children.clone(),
            family_members: new.family_members.clone(),
            recorded_by: UserId::default(),
            screening: None,
        };
        if let Err(more) = contact.validate(now) {
            merge(&mut errs, more);
        }
        errs.into_result().map(|()| new)
    }
}

/// The decision on a contact. A manager records it; `referral` and `strategy_discussion`
/// make a referral for each child, with its deadlines.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DecideContact {
    /// The contact's version as read; if someone saved since, the answer is 409.
    pub version: i64,
    #[schema(value_type = ScreeningDecisionCode)]
    pub decision: String,
    /// When the decision was made: not before the contact was received, not in the future.
    #[schema(format = DateTime, example = "2026-11-24T11:00:00Z")]
    pub decided_at: String,
    /// Why (required: not blank).
    #[schema(min_length = 1, pattern = r"[^\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]")]
    pub rationale: String,
}

impl DecideContact {
    pub fn to_domain(&self) -> Result<NewDecision, FieldErrors> {
        let mut errs = FieldErrors::new();
        let decision = code_field::<ScreeningDecision>("decision", &self.decision, "screening decision", &mut errs);
        let decided_at = instant_field("decided_at", &self.decided_at, &mut errs);
        if self.rationale.trim().is_empty() {
            errs.add("rationale", "Enter the reason for the decision");
        }
        match (decision, decided_at, errs.is_empty()) {
            (Some(decision), Some(decided_at), true) => Ok(NewDecision { decision, decided_at, rationale: self.rationale.clone() }),
            _ => Err(errs),
        }
    }
}

/// The decision was recorded.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct DecisionMade {
    pub contact_id: Uuid,
    /// The referrals the decision made, one per child (empty when it makes none).
    pub referral_ids: Vec<Uuid>,
}

/// The screening decision on a contact.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Screening {
    #[schema(value_type = ScreeningDecisionCode)]
    pub decision: String,
    #[schema(format = DateTime)]
    pub decided_at: String,
    pub decided_by: UserRef,
    pub rationale: String,
}

/// A contact with its people, its deadline tasks, its decision and the referrals it made.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ContactDetail {
    pub id: Uuid,
    /// Send it back with the decision.
    pub version: i64,
    #[schema(format = DateTime)]
    pub received_at: String,
    #[schema(value_type = ReferralSourceCode)]
    pub source: String,
    pub referrer: Referrer,
    pub reason: String,
    #[schema(value_type = ConsentCode)]
    pub consent: String,
    pub consent_reason: Option<String>,
    pub children: Vec<PersonRef>,
    pub family_members: Vec<PersonRef>,
    pub recorded_by: UserRef,
    #[schema(format = DateTime)]
    pub recorded_at: String,
    /// `null` until a manager decides.
    pub screening: Option<Screening>,
    pub tasks: Vec<DeadlineTask>,
    pub referrals: Vec<ReferralSummary>,
    /// Whether the caller may record the decision now.
    pub can_decide: bool,
}

impl From<&ContactView> for ContactDetail {
    fn from(v: &ContactView) -> Self {
        let c = &v.contact.value;
        ContactDetail {
            id: c.id.0,
            version: v.contact.version,
            received_at: instant(c.received_at),
            source: c.source.code().to_string(),
            referrer: (&c.referrer).into(),
            reason: c.reason.clone(),
            consent: consent_code(&c.consent).to_string(),
            consent_reason: c.consent.reason().map(str::to_string),
            children: v.children.iter().map(PersonRef::opened).collect(),
            family_members: v.family_members.iter().map(PersonRef::opened).collect(),
            recorded_by: UserRef::new(c.recorded_by, &v.names),
            recorded_at: instant(v.contact.created_at),
            screening: c.screening.as_ref().map(|s| Screening {
                decision: s.decision.code().to_string(),
                decided_at: instant(s.decided_at),
                decided_by: UserRef::new(s.decided_by, &v.names),
                rationale: s.rationale.clone(),
            }),
            tasks: tasks(&v.tasks),
            referrals: v.referrals.iter().map(Into::into).collect(),
            can_decide: v.can_decide,
        }
    }
}

// ---- Referrals --------------------------------------------------------------------------------

/// An assessment, in brief.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct AssessmentSummary {
    pub id: Uuid,
    #[schema(value_type = AssessmentStateCode)]
    pub state: String,
    /// The state in words ("Awaiting authorisation").
    pub state_label: String,
    #[schema(format = Date)]
    pub start_date: String,
    #[schema(format = Date)]
    pub authorised_on: Option<String>,
}

impl From<&DomAssessment> for AssessmentSummary {
    fn from(a: &DomAssessment) -> Self {
        AssessmentSummary {
            id: a.id.0,
            state: state_code(a.state).to_string(),
            state_label: a.state.label().to_string(),
            start_date: date(a.start_date),
            authorised_on: a.authorised_on.map(date),
        }
    }
}

/// A referral of one child, in brief.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ReferralSummary {
    pub id: Uuid,
    pub child_id: Uuid,
    /// The contact it came from.
    pub contact_id: Option<Uuid>,
    #[schema(format = Date)]
    pub referral_date: String,
    #[schema(value_type = ReferralSourceCode)]
    pub source: String,
    #[schema(value_type = Option<PrimaryNeedCode>)]
    pub primary_need: Option<String>,
    /// Closed with no further action (CIN census `ReferralNFA`).
    pub nfa: bool,
    /// The child had another referral in the 12 months before this one (CIN census).
    pub re_referral: bool,
}

impl From<&DomReferral> for ReferralSummary {
    fn from(r: &DomReferral) -> Self {
        ReferralSummary {
            id: r.id.0,
            child_id: r.child.0,
            contact_id: r.contact.map(|c| c.0),
            referral_date: date(r.referral_date),
            source: r.source.code().to_string(),
            primary_need: r.primary_need.map(|n| n.code().to_string()),
            nfa: r.nfa,
            re_referral: r.re_referral,
        }
    }
}

/// A referral with the state of its assessment.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct PersonReferral {
    #[serde(flatten)]
    pub referral: ReferralSummary,
    /// `null` until the assessment is started.
    pub assessment: Option<AssessmentSummary>,
}

/// A referral with its deadline tasks and its assessment.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ReferralDetail {
    #[serde(flatten)]
    pub referral: ReferralSummary,
    /// Send it back with a change.
    pub version: i64,
    pub child: PersonRef,
    pub tasks: Vec<DeadlineTask>,
    /// `null` until the assessment is started.
    pub assessment: Option<AssessmentSummary>,
    /// The children-in-need episode the referral opened (`null` for a referral recorded
    /// before episodes were).
    pub episode_id: Option<Uuid>,
    /// Whether the caller may change the referral and start its assessment.
    pub can_edit: bool,
}

impl From<&ReferralView> for ReferralDetail {
    fn from(v: &ReferralView) -> Self {
        ReferralDetail {
            referral: (&v.referral.value).into(),
            version: v.referral.version,
            child: PersonRef::of_record(&v.summary.record),
            tasks: tasks(&v.tasks),
            assessment: v.assessment.as_ref().map(|a| (&a.value).into()),
            episode_id: v.episode.map(|e| e.0),
            can_edit: v.can_edit,
        }
    }
}

/// The referral's primary need, and whether it closed with no further action (which closes
/// its open deadline tasks). Send every field.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateReferral {
    pub version: i64,
    /// `null` (or absent) while it is not known.
    #[schema(value_type = Option<PrimaryNeedCode>)]
    pub primary_need: Option<String>,
    pub nfa: bool,
}

impl UpdateReferral {
    pub fn primary_need(&self) -> Result<Option<PrimaryNeed>, FieldErrors> {
        let mut errs = FieldErrors::new();
        let need = opt_code_field::<PrimaryNeed>("primary_need", &self.primary_need, "primary need", &mut errs);
        errs.into_result().map(|()| need)
    }
}

/// Starts the referral's single assessment (one per referral).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StartAssessment {
    /// Not before the referral date, not in the future.
    #[schema(format = Date, example = "2026-11-25")]
    pub start_date: String,
}

impl StartAssessment {
    pub fn start_date(&self) -> Result<Date, FieldErrors> {
        let mut errs = FieldErrors::new();
        date_field("start_date", &self.start_date, &mut errs).ok_or(errs)
    }
}

// ---- Assessments ------------------------------------------------------------------------------

/// A day the child was seen during the assessment.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChildSeenDate {
    #[schema(format = Date, example = "2026-11-26")]
    pub date: String,
    #[serde(default)]
    pub seen_alone: bool,
}

impl From<&ChildSeen> for ChildSeenDate {
    fn from(s: &ChildSeen) -> Self {
        ChildSeenDate { date: date(s.date), seen_alone: s.seen_alone }
    }
}

/// The content of an assessment, saved while it is a draft or returned. Send every field:
/// lists and optional fields left out are saved empty.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateAssessment {
    pub version: i64,
    /// Absent or `null`: unchanged.
    #[schema(format = Date)]
    pub start_date: Option<String>,
    #[serde(default)]
    pub child_seen: Vec<ChildSeenDate>,
    /// Why the child was not seen (or not seen in time).
    pub not_seen_explanation: Option<String>,
    #[serde(default)]
    #[schema(value_type = Vec<AssessmentFactorCode>)]
    pub factors: Vec<String>,
    #[schema(value_type = Option<AssessmentOutcomeCode>)]
    pub outcome: Option<String>,
    /// Required before submission when the outcome is further action.
    #[schema(value_type = Option<PrimaryNeedCode>)]
    pub primary_need: Option<String>,
    /// The child's lived experience and voice.
    pub child_voice: Option<String>,
    /// The parents' and carers' views.
    pub parents_views: Option<String>,
    pub analysis: Option<String>,
    /// The plan or recommendation.
    pub recommendation: Option<String>,
}

impl UpdateAssessment {
    pub fn to_domain(&self) -> Result<AssessmentContent, FieldErrors> {
        let mut errs = FieldErrors::new();
        let start_date = match self.start_date.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            None => None,
            Some(s) => date_field("start_date", s, &mut errs),
        };
        let mut child_seen = Vec::new();
        for (i, s) in self.child_seen.iter().enumerate() {
            if let Some(d) = date_field(&format!("child_seen[{i}].date"), &s.date, &mut errs) {
                child_seen.push(ChildSeen { date: d, seen_alone: s.seen_alone });
            }
        }
        let mut factors = Vec::new();
        for (i, f) in self.factors.iter().enumerate() {
            if let Some(f) = code_field::<AssessmentFactor>(&format!("factors[{i}]"), f, "assessment factor", &mut errs) {
                factors.push(f);
            }
        }
        let outcome = opt_code_field::<AssessmentOutcome>("outcome", &self.outcome, "assessment outcome", &mut errs);
        let primary_need = opt_code_field::<PrimaryNeed>("primary_need", &self.primary_need, "primary need", &mut errs);
        let substance = Substance {
            child_voice: opt_text(&self.child_voice),
            parents_views: opt_text(&self.parents_views),
            analysis: opt_text(&self.analysis),
            recommendation: opt_text(&self.recommendation),
        };
        errs.into_result().map(|()| AssessmentContent { start_date, child_seen, not_seen_explanation: opt_text(&self.not_seen_explanation), factors, outcome, primary_need, substance })
    }
}

/// Sends the assessment to a manager (the author or the allocated worker, once it is ready).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SubmitAssessment {
    pub version: i64,
}

/// Sends the assessment back to the worker with what to change (managers).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReturnAssessment {
    pub version: i64,
    /// What needs to change (required: not blank).
    #[schema(min_length = 1, pattern = r"[^\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]")]
    pub comment: String,
}

/// Signs the assessment off (managers; never the assessment's author).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AuthoriseAssessment {
    pub version: i64,
    /// Not before the referral or the submission, not in the future.
    #[schema(format = Date, example = "2026-12-01")]
    pub authorised_on: String,
    pub comment: Option<String>,
}

impl AuthoriseAssessment {
    pub fn authorised_on(&self) -> Result<Date, FieldErrors> {
        let mut errs = FieldErrors::new();
        date_field("authorised_on", &self.authorised_on, &mut errs).ok_or(errs)
    }
}

/// One step of the sign-off, kept for ever.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct AssessmentTransition {
    #[schema(format = DateTime)]
    pub at: String,
    pub by: UserRef,
    #[schema(value_type = AssessmentStateCode)]
    pub from: String,
    #[schema(value_type = AssessmentStateCode)]
    pub to: String,
    pub comment: Option<String>,
}

impl AssessmentTransition {
    fn new(t: &Transition, names: &HashMap<UserId, String>) -> Self {
        AssessmentTransition { at: instant(t.at), by: UserRef::new(t.by, names), from: state_code(t.from).into(), to: state_code(t.to).into(), comment: t.comment.clone() }
    }
}

/// The child-seen check against the pack's timescale (only under a pack that has one).
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ChildSeenCheck {
    #[schema(value_type = ChildSeenStatusCode)]
    pub status: String,
    /// The first day the child was seen.
    #[schema(format = Date)]
    pub on: Option<String>,
    /// The timescale was missed and the pack asks for an explanation that is not recorded.
    pub explanation_required: bool,
}

impl From<&DomChildSeenCheck> for ChildSeenCheck {
    fn from(c: &DomChildSeenCheck) -> Self {
        let (status, on) = match c.status {
            ChildSeenStatus::SeenInTime { on } => ("seen_in_time", Some(on)),
            ChildSeenStatus::SeenLate { on } => ("seen_late", Some(on)),
            ChildSeenStatus::Pending => ("pending", None),
            ChildSeenStatus::Missed => ("missed", None),
        };
        ChildSeenCheck { status: status.to_string(), on: on.map(date), explanation_required: c.explanation_required }
    }
}

/// One saved version of the assessment.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct AssessmentVersion {
    pub version: i64,
    pub changed_by: UserRef,
    #[schema(format = DateTime)]
    pub changed_at: String,
}

/// An assessment with its sign-off history, deadline tasks and what stops it being signed off.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct AssessmentDetail {
    pub id: Uuid,
    /// Send it back with a change or a sign-off step.
    pub version: i64,
    pub referral_id: Uuid,
    #[schema(format = Date)]
    pub referral_date: String,
    pub child: PersonRef,
    pub author: UserRef,
    #[schema(value_type = AssessmentStateCode)]
    pub state: String,
    pub state_label: String,
    #[schema(format = Date)]
    pub start_date: String,
    pub child_seen: Vec<ChildSeenDate>,
    pub not_seen_explanation: Option<String>,
    #[schema(value_type = Vec<AssessmentFactorCode>)]
    pub factors: Vec<String>,
    #[schema(value_type = Option<AssessmentOutcomeCode>)]
    pub outcome: Option<String>,
    #[schema(value_type = Option<PrimaryNeedCode>)]
    pub primary_need: Option<String>,
    pub child_voice: Option<String>,
    pub parents_views: Option<String>,
    pub analysis: Option<String>,
    pub recommendation: Option<String>,
    #[schema(format = Date)]
    pub authorised_on: Option<String>,
    /// The children-in-need episode the referral opened.
    pub episode_id: Option<Uuid>,
    /// Once authorised, what to do next in the episode (absent when it is done).
    #[schema(value_type = Option<NextStepCode>)]
    pub next_step: Option<String>,
    /// Every sign-off step, oldest first.
    pub history: Vec<AssessmentTransition>,
    /// The referral's deadline tasks and the assessment's authorisation tasks, by due date.
    pub tasks: Vec<DeadlineTask>,
    pub child_seen_check: Option<ChildSeenCheck>,
    /// What stops it being submitted or authorised now (empty when ready), by field.
    pub readiness: Vec<FieldProblem>,
    /// Every saved version, oldest first.
    pub versions: Vec<AssessmentVersion>,
    pub can_edit: bool,
    pub can_submit: bool,
    pub can_sign_off: bool,
    /// The caller is a manager who wrote it: another manager must authorise it.
    pub own_work: bool,
}

impl From<&AssessmentView> for AssessmentDetail {
    fn from(v: &AssessmentView) -> Self {
        let a = &v.assessment.value;
        AssessmentDetail {
            id: a.id.0,
            version: v.assessment.version,
            referral_id: a.referral.0,
            referral_date: date(v.referral.referral_date),
            child: PersonRef::of_record(&v.summary.record),
            author: UserRef::new(a.author, &v.names),
            state: state_code(a.state).to_string(),
            state_label: a.state.label().to_string(),
            start_date: date(a.start_date),
            child_seen: a.child_seen.iter().map(Into::into).collect(),
            not_seen_explanation: a.not_seen_explanation.clone(),
            factors: a.factors.iter().map(|f| f.code().to_string()).collect(),
            outcome: a.outcome.map(|o| o.code().to_string()),
            primary_need: a.primary_need.map(|n| n.code().to_string()),
            child_voice: a.substance.child_voice.clone(),
            parents_views: a.substance.parents_views.clone(),
            analysis: a.substance.analysis.clone(),
            recommendation: a.substance.recommendation.clone(),
            authorised_on: a.authorised_on.map(date),
            episode_id: v.episode.map(|e| e.0),
            next_step: v.next_step.map(|n| next_step_code(n).to_string()),
            history: a.history.iter().map(|t| AssessmentTransition::new(t, &v.names)).collect(),
            tasks: tasks(&v.tasks),
            child_seen_check: v.child_seen.as_ref().map(Into::into),
            readiness: v.readiness.0.iter().map(|e| FieldProblem { field: e.field.clone(), message: e.message.clone() }).collect(),
            versions: v
                .versions
                .iter()
                .map(|d| AssessmentVersion {
                    version: d.version,
                    changed_by: UserRef { id: d.changed_by.0, name: Some(d.changed_by_name.clone()).filter(|n| !n.is_empty()) },
                    changed_at: instant(d.changed_at),
                })
                .collect(),
            can_edit: v.can_edit,
            can_submit: v.can_submit,
            can_sign_off: v.can_sign_off,
            own_work: v.own_work,
        }
    }
}

// ---- A person's front door ----------------------------------------------------------------------

/// A contact a person appears on, in brief. Its reason and other people are on the contact
/// itself, which is shown only to those who may open every child it is about.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ContactSummary {
    pub id: Uuid,
    #[schema(format = DateTime)]
    pub received_at: String,
    #[schema(value_type = ReferralSourceCode)]
    pub source: String,
    /// How this person appears on it.
    #[schema(value_type = ContactRoleCode)]
    pub role: String,
    #[schema(value_type = Option<ScreeningDecisionCode>)]
    pub decision: Option<String>,
    #[schema(format = DateTime)]
    pub decided_at: Option<String>,
}

/// A person's contacts (newest first) and referrals (newest first, with their assessments).
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct PersonFrontDoor {
    pub person_id: Uuid,
    pub contacts: Vec<ContactSummary>,
    pub referrals: Vec<PersonReferral>,
    /// Children in need episodes, newest first.
    pub episodes: Vec<super::EpisodeSummary>,
}

impl PersonFrontDoor {
    pub fn new(person: PersonId, contacts: &[DomContact], referrals: &[(DomReferral, Option<DomAssessment>)], episodes: &[hearth_domain::cin::episode::Episode]) -> Self {
        PersonFrontDoor {
            person_id: person.0,
            contacts: contacts
                .iter()
                .map(|c| ContactSummary {
                    id: c.id.0,
                    received_at: instant(c.received_at),
                    source: c.source.code().to_string(),
                    role: if c.children.contains(&person) { "child" } else { "family_member" }.to_string(),
                    decision: c.screening.as_ref().map(|s| s.decision.code().to_string()),
                    decided_at: c.screening.as_ref().map(|s| instant(s.decided_at)),
                })
                .collect(),
            referrals: referrals.iter().map(|(r, a)| PersonReferral { referral: r.into(), assessment: a.as_ref().map(Into::into) }).collect(),
            episodes: episodes.iter().map(super::EpisodeSummary::from).collect(),
        }
    }
}

// ---- Work trays ---------------------------------------------------------------------------------

/// A task in a tray, with the child it is about.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct TrayTask {
    #[serde(flatten)]
    pub task: DeadlineTask,
    /// The child's name. Tasks about a child the caller may not open are not listed (see
    /// `hidden`), so it is always given.
    pub child_name: Option<String>,
    /// The assignee's name; `null` when unassigned or not one of the caller's people.
    pub assignee_name: Option<String>,
}

/// How many open tasks fall in each bucket.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct WorkCounts {
    pub overdue: usize,
    pub due_today: usize,
    /// Due in the next 6 days.
    pub due_this_week: usize,
    pub later: usize,
    /// With someone else for now (never counted as overdue; always 0 in a team's counts,
    /// where the step is counted as the task of whoever has it).
    pub with_someone_else: usize,
}

impl From<hearth_domain::front_door::tasks::TrayCounts> for WorkCounts {
    fn from(c: hearth_domain::front_door::tasks::TrayCounts) -> Self {
        WorkCounts { overdue: c.overdue, due_today: c.due_today, due_this_week: c.due_this_week, later: c.later, with_someone_else: c.waiting }
    }
}

fn tray_tasks(ts: &[DomTask], children: &HashMap<PersonId, DomPersonSummary>, users: &HashMap<UserId, String>) -> Vec<TrayTask> {
    ts.iter()
        .map(|t| TrayTask {
            task: t.into(),
            child_name: children.get(&t.child).map(|p| full_name(&p.given_name, &p.family_name)),
            assignee_name: t.assignee.and_then(|a| users.get(&a).cloned()),
        })
        .collect()
}

/// The caller's open tasks on `today`, by bucket; each bucket by due date.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct WorkTray {
    #[schema(format = Date)]
    pub today: String,
    pub counts: WorkCounts,
    pub overdue: Vec<TrayTask>,
    pub due_today: Vec<TrayTask>,
    pub due_this_week: Vec<TrayTask>,
    pub later: Vec<TrayTask>,
    /// Tasks whose step is with someone else for now, longest waiting first.
    pub with_someone_else: Vec<TrayTask>,
    /// Open tasks the caller holds about records restricted from them: not listed (nor
    /// counted above); a manager must pass them to someone named on the record.
    pub hidden: usize,
}

impl WorkTray {
    pub fn new(w: &MyWork, me: UserId, my_name: &str) -> Self {
        let mut users = w.users.clone();
        users.insert(me, my_name.to_string());
        let t = &w.tray;
        WorkTray {
            today: date(w.today),
            counts: t.counts().into(),
            overdue: tray_tasks(&t.overdue, &w.children, &users),
            due_today: tray_tasks(&t.due_today, &w.children, &users),
            due_this_week: tray_tasks(&t.due_this_week, &w.children, &users),
            later: tray_tasks(&t.later, &w.children, &users),
            with_someone_else: tray_tasks(&t.waiting, &w.children, &users),
            hidden: w.hidden,
        }
    }
}

/// Overdue tasks of one worker (or of nobody: `worker_id` `null` for the team's unallocated
/// work).
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct WorkerOverdue {
    pub worker_id: Option<Uuid>,
    pub worker_name: Option<String>,
    pub overdue: usize,
}

/// A manager's view of the work of their teams and the people they manage.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct TeamWorkView {
    #[schema(format = Date)]
    pub today: String,
    /// The names of the teams looked at.
    pub teams: Vec<String>,
    pub counts: WorkCounts,
    /// Open tasks nobody holds yet.
    pub unassigned_count: usize,
    pub overdue_by_worker: Vec<WorkerOverdue>,
    /// How many assessments wait for sign-off.
    pub awaiting_count: usize,
    pub awaiting_page: u32,
    pub awaiting_pages: u32,
    /// One page (50) of the assessments waiting for sign-off (their authorisation tasks),
    /// soonest due first.
    pub awaiting_authorisation: Vec<TrayTask>,
    pub unassigned_page: u32,
    pub unassigned_pages: u32,
    /// One page (50) of the open tasks nobody holds yet, by due date.
    pub unassigned: Vec<TrayTask>,
    /// The worker whose overdue tasks are listed (`none`: nobody's), when one was asked for.
    pub worker: Option<String>,
    /// How many overdue tasks the list has in all (everyone's or the worker's).
    pub overdue_total: usize,
    pub page: u32,
    pub pages: u32,
    /// One page of the overdue tasks, oldest due first.
    pub overdue: Vec<TrayTask>,
    /// Tasks left out of the lists above because their child's record is restricted from
    /// the caller (the counts include them).
    pub hidden: usize,
}

impl From<&TeamWork> for TeamWorkView {
    fn from(w: &TeamWork) -> Self {
        let c = &w.counts;
        TeamWorkView {
            today: date(w.today),
            teams: w.teams.clone(),
            counts: c.counts.into(),
            unassigned_count: c.unassigned,
            overdue_by_worker: c
                .overdue_by_worker
                .iter()
                .map(|(worker, n)| WorkerOverdue { worker_id: worker.map(|u| u.0), worker_name: worker.and_then(|u| w.users.get(&u).cloned()), overdue: *n })
                .collect(),
            awaiting_count: c.awaiting_authorisation,
            awaiting_page: w.filter.awaiting_page,
            awaiting_pages: hearth_app::pages_of(c.awaiting_authorisation),
            awaiting_authorisation: tray_tasks(&w.awaiting_authorisation, &w.children, &w.users),
            unassigned_page: w.filter.unassigned_page,
            unassigned_pages: hearth_app::pages_of(c.unassigned),
            unassigned: tray_tasks(&w.unassigned, &w.children, &w.users),
            worker: w.filter.worker.map(|u| u.map_or_else(|| "none".to_string(), |u| u.to_string())),
            overdue_total: c.overdue_of(w.filter.worker),
            page: w.filter.page,
            pages: w.overdue_pages(),
            overdue: tray_tasks(&w.overdue, &w.children, &w.users),
            hidden: w.hidden,
        }
    }
}
