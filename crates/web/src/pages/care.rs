//! A child's care: whether they are looked after, under what legal status, where they live
//! and with whom, every period of care with its placements and the episodes the return will
//! count; and the four forms a worker records care with (became looked after, legal status
//! changed, moved, care ended), each drawn by the shared step form.
use super::people::{day, options_from};
use super::step_form::{date_field, Field, FormSpec, StepForm, StepTarget};
use super::{layout, parse_id, Saved};
use crate::error::{render, WebError};
use crate::forms::{date_input, time_input, FormData};
use crate::layout::Layout;
use crate::session::{Signed, Visitor};
use crate::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use hearth_app::{Actor, AppError, CareChange, CareProposal, DecisionChange, ShortBreak, CarePeriodView, ChildCare, MissingReturn, NewCare, PlacementChoice, ProviderFilter, ReviewHeld};
use hearth_domain::care::decision::{CareRoute, Notification, Notified, PlanningMeeting, Stage};
use hearth_domain::care::planning::{VisitRequest, VisitRequester, Offence, OffenceOutcome, MissingKind, NamedIro, Participation, PermanenceOption, PermanencePlan, Planning, ReturnInterview, Uasc};
use hearth_domain::care::wellbeing::{latest, sdq_age, Exclusion, ExclusionKind, HealthCheck, HealthCheckKind};
use hearth_domain::care::contact::{Attendance, ContactArrangement, ContactKind, ContactRequest, ContactSession, Priority, RequestOutcome};
use hearth_domain::care::codes::{CategoryOfNeed, LegalStatus, PlacementType, ReasonEpisodeCeased, ReasonPlaceChange};
use hearth_domain::care::episodes::{ClockTime, Ending, LegalStatusFrom, Placement};
use hearth_domain::care::postcode::Postcode;
use hearth_domain::care::provider::ProviderId;
use hearth_domain::codes::Coded;
use hearth_domain::front_door::tasks::TaskKind;
use hearth_domain::user::Permission;
use hearth_domain::{FieldErrors, PersonId, UserId};

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
pub(super) fn coded_options<C: Coded>(blank: &str) -> Vec<(String, String)> {
    options_from(blank, C::ALL.iter().map(|c| (c.code().to_string(), coded(*c))))
}

/// Select options of a list of Hearth's own, whose codes mean nothing to a reader.
pub(super) fn plain_options<C: Coded>(blank: &str) -> Vec<(String, String)> {
    options_from(blank, C::ALL.iter().map(|c| (c.code().to_string(), c.label().to_string())))
}

#[derive(Template)]
#[template(path = "care.html")]
struct CarePage {
    layout: Layout,
    summary: hearth_app::CaseSummary,
    tab: &'static str,
    care: ChildCare,
    can_edit: bool,
    /// May record reviews (an IRO may, without the rest of the casework).
    can_review: bool,
    can_sign_off: bool,
}

/// A row of the looked-after child's plans and reviews: what, where it stands, whether that
/// is overdue, and the form that records it (when the reader may).
struct PlanRow {
    key: &'static str,
    value: String,
    overdue: bool,
    /// The link's words and where it goes.
    action: Option<(&'static str, String)>,
}

impl CarePage {
    /// "Due by 31 December 2025" for the step of `kind`, and whether it is overdue.
    fn due(&self, kind: TaskKind) -> Option<(String, bool)> {
        let d = self.care.due(kind)?.deadline.due.date();
        Some((format!("Due by {}", day(&d)), d < self.summary.today))
    }

    fn planning(&self) -> Option<&Planning> {
        Some(&self.current()?.record.value.period.planning)
    }

    /// A row's link to one of the care forms, for those who may record casework (or, for the
    /// review forms, reviews).
    fn form_link(&self, label: &'static str, form: &str) -> Option<(&'static str, String)> {
        let may = if REVIEW_FORMS.contains(&form) { self.can_review } else { self.can_edit };
        may.then(|| (label, format!("/people/{}/care/{form}", self.summary.record.id)))
    }

    /// The rows of the open period's plans, visits and reviews.
    fn plan_rows(&self) -> Vec<PlanRow> {
        let Some(p) = self.planning() else { return Vec::new() };
        let period = &self.current().map(|c| &c.record.value.period);
        let id = self.summary.record.id;
        let edit = |label, form| self.form_link(label, form);
        let row = |key, done: Option<String>, kind, action| {
            let (value, overdue) = match done {
                Some(v) => (v, false),
                None => self.due(kind).unwrap_or_else(|| ("Not recorded".into(), false)),
            };
            PlanRow { key, value, overdue, action }
        };
        let began = period.and_then(|p| p.placement_began(self.summary.today));
        let placement_plan = began.and_then(|b| p.placement_plans.iter().find(|pp| pp.placement == b));
        let long_term = p.long_term.filter(|lt| Some(lt.placement) == began);
        let mut rows = vec![
            row("Care plan", p.care_plan.map(|d| format!("Agreed on {}", day(&d))), TaskKind::CarePlan, edit("Record", "care-plan")),
            row("Placement plan", placement_plan.map(|pp| format!("Agreed on {}", day(&pp.agreed))), TaskKind::PlacementPlan, edit("Record", "placement-plan")),
            PlanRow {
                key: "Long-term placement",
                value: long_term.map_or_else(|| "Not agreed as long-term".into(), |lt| format!("Agreed on {}", day(&lt.agreed))),
                overdue: false,
                action: edit("Record", "long-term"),
            },
            row("Permanence plan", p.permanence.map(|pm| format!("{}, agreed on {}", pm.plan.label(), day(&pm.agreed))), TaskKind::PermanencePlan, edit("Record", "permanence")),
            PlanRow {
                key: "Independent reviewing officer",
                value: p.iro.as_ref().map_or_else(|| "Not named".into(), |i| format!("{}, since {}", i.name, day(&i.from))),
                overdue: false,
                action: edit(if p.iro.is_some() { "Change" } else { "Name the IRO" }, "iro"),
            },
            row("Next review", None, TaskKind::LookedAfterReview, edit("Record the review", "review")),
        ];
        let (report, action) = match &p.next_report {
            None => ("Not sent for sign-off".to_string(), edit("Send for sign-off", "report")),
            Some(r) => match (r.signed_off, r.shared) {
                (None, _) => (format!("Waiting for a manager's sign-off since {}", day(&r.ready)), self.can_sign_off.then(|| ("Sign off", format!("/people/{id}/care/sign-off")))),
                (Some(s), None) => (format!("Signed off by {} on {}; not shared yet", self.name(&s.by), day(&s.on)), edit("Record that it was shared", "report-shared")),
                (Some(s), Some(d)) => (format!("Signed off by {} on {}; shared on {}", self.name(&s.by), day(&s.on), day(&d)), None),
            },
        };
        rows.push(PlanRow { key: "Report for the next review", value: report, overdue: false, action });
        rows.push(row("Next statutory visit", None, TaskKind::CareVisit, self.can_edit.then(|| ("Record a visit", format!("/people/{id}/notes/new?type=statutory_visit")))));
        // A request made since the visit the next one counts from is still waiting.
        let visit = self.care.due(TaskKind::CareVisit).map(|d| &d.deadline);
        let asked = p.visit_requests.last().zip(visit).filter(|(r, d)| r.on >= d.start.date());
        rows.push(PlanRow {
            key: "Visit asked for",
            value: asked.map_or_else(|| "None waiting".into(), |(r, d)| format!("By {} on {}; the next visit is due by {}", lower_first(r.by.label()), day(&r.on), day(&d.due.date()))),
            overdue: false,
            action: edit("Record a request", "visit-request"),
        });
        let missing = p.missing.last().filter(|m| m.end.is_none());
        rows.push(PlanRow {
            key: "Missing",
            value: missing.map_or_else(|| match p.missing.len() { 0 => "Not missing".into(), 1 => "Not missing now (missing or away once in this period)".into(), n => format!("Not missing now (missing or away {n} times in this period)") }, |m| format!("{} since {}", m.kind.label(), day(&m.start))),
            overdue: missing.is_some(),
            action: if missing.is_some() { edit("Record the return", "returned") } else { edit("Record missing", "missing") },
        });
        rows.push(PlanRow {
            key: "Unaccompanied asylum-seeking child",
            value: p.uasc.map_or_else(|| "No".into(), |u| match u.until { Some(until) => format!("From {} to {}", day(&u.from), day(&until)), None => format!("Yes, since {}", day(&u.from)) }),
            overdue: false,
            action: edit(if p.uasc.is_some() { "Change" } else { "Record" }, "uasc"),
        });
        rows
    }

    /// The rows of the open period's health and education.
    fn wellbeing_rows(&self) -> Vec<PlanRow> {
        let Some(p) = self.planning() else { return Vec::new() };
        let edit = |label, form| self.form_link(label, form);
        let today = self.summary.today;
        let last = |kind| latest(&p.health, kind, today).map(|h| day(&h.on));
        let (assessment, overdue) = match (self.due(TaskKind::InitialHealthAssessment), self.due(TaskKind::HealthAssessment)) {
            (Some((due, late)), _) => (format!("Initial assessment: {}", lower_first(&due)), late),
            (None, Some((due, late))) => (format!("Last on {}; next {}", p.health.iter().filter(|h| h.is_assessment()).map(|h| h.on).max().map(|d| day(&d)).unwrap_or_default(), lower_first(&due)), late),
            (None, None) => ("Not recorded".into(), false),
        };
        let born = self.summary.record.details.date_of_birth;
        let sdq = match latest(&p.health, HealthCheckKind::Sdq, today) {
            Some(h) => format!("Score {} on {}", h.score.map(|s| s.to_string()).unwrap_or_default(), day(&h.on)),
            None if sdq_age(born, today) => "None recorded: one is asked for each year from 4 to 16".into(),
            None => "Not asked for at the child's age".into(),
        };
        let ed = &p.education;
        let pep = match self.due(TaskKind::PersonalEducationPlan) {
            Some((due, late)) => (format!("{}{}", ed.peps.last().map(|d| format!("Last on {}; next ", day(d))).unwrap_or_default(), if ed.peps.is_empty() { due } else { lower_first(&due) }), late),
            None => (ed.peps.last().map_or_else(|| "Not needed at the child's age".into(), |d| format!("Last on {}", day(d))), false),
        };
        vec![
            PlanRow { key: "Health assessment", value: assessment, overdue, action: edit("Record a health check", "health") },
            PlanRow { key: "Dental check", value: last(HealthCheckKind::Dental).map_or_else(|| "Not recorded".into(), |d| format!("Last on {d}")), overdue: false, action: None },
            PlanRow { key: "Immunisations", value: last(HealthCheckKind::Immunisations).map_or_else(|| "Not recorded".into(), |d| format!("Up to date on {d}")), overdue: false, action: None },
            PlanRow { key: "Strengths and difficulties (SDQ)", value: sdq, overdue: false, action: None },
            PlanRow { key: "Substance misuse", value: last(HealthCheckKind::SubstanceMisuse).map_or_else(|| "Not identified".into(), |d| format!("Identified on {d}")), overdue: false, action: None },
            PlanRow {
                key: "School",
                value: match (&ed.school, ed.virtual_school_told) {
                    (Some(s), Some(d)) => format!("{s}; virtual school told on {}", day(&d)),
                    (Some(s), None) => format!("{s}; virtual school not told yet"),
                    (None, _) => "Not recorded".into(),
                },
                overdue: false,
                action: edit(if ed.school.is_some() { "Change" } else { "Record" }, "school"),
            },
            PlanRow { key: "Personal education plan", value: pep.0, overdue: pep.1, action: edit("Record a PEP", "pep") },
            PlanRow {
                key: "School transport",
                value: match (self.due(TaskKind::SchoolTransport), ed.transport.last()) {
                    (Some((due, _)), _) => format!("Moved in years 10 or 11: arrange transport to keep the school place ({})", lower_first(&due)),
                    (None, Some(d)) => format!("Arranged on {}", day(d)),
                    (None, None) => "Not arranged".into(),
                },
                overdue: self.due(TaskKind::SchoolTransport).is_some_and(|d| d.1),
                action: edit("Record", "transport"),
            },
            PlanRow {
                key: "Exclusions",
                value: match ed.exclusions.len() {
                    0 => "None".into(),
                    n => format!("{n} in this period, the last from {}", ed.exclusions.iter().map(|x| x.from).max().map(|d| day(&d)).unwrap_or_default()),
                },
                overdue: false,
                action: edit("Record an exclusion", "exclusion"),
            },
        ]
    }

    fn arrangement_with(&self, number: &u32) -> String {
        self.planning().and_then(|p| p.contact.iter().find(|a| a.number == *number)).map(|a| a.with.clone()).unwrap_or_default()
    }

    fn request_status(&self, r: &ContactRequest) -> String {
        match &r.outcome {
            None => format!("Waiting: {}", Priority::of(r, self.summary.record.details.date_of_birth.and_then(|b| hearth_domain::person::age_on(b, self.summary.today))).why().to_lowercase()),
            Some(RequestOutcome::Allocated { to, on }) => format!("Allocated to {to} on {}", day(on)),
            Some(RequestOutcome::Closed { on, reason }) => format!("Closed on {}: {reason}", day(on)),
        }
    }

    fn last_session(&self, a: &ContactArrangement) -> String {
        match a.sessions.last() {
            None => "None yet".into(),
            Some(s) => format!("{} in all; the last on {}: {}", a.sessions.len(), day(&s.on), s.attendance.label().to_lowercase()),
        }
    }

    fn has_waiting_request(&self) -> bool {
        self.planning().is_some_and(|p| p.contact_requests.iter().any(|r| r.outcome.is_none()))
    }

    fn offences_text(&self) -> String {
        let Some(p) = self.planning() else { return String::new() };
        match p.offences.iter().max_by_key(|o| o.on) {
            None => "None recorded".into(),
            Some(o) => format!("{} in this period; the last: {} on {}", p.offences.len(), o.outcome.label().to_lowercase(), day(&o.on)),
        }
    }

    fn name(&self, id: &hearth_domain::UserId) -> &str {
        self.care.names.get(id).map_or("a former colleague", String::as_str)
    }

    fn report_text(&self, r: &Option<hearth_domain::care::planning::ReviewReport>) -> String {
        match r {
            None => "No report recorded".into(),
            Some(r) => match (r.signed_off, r.shared) {
                (Some(s), Some(d)) => format!("Signed off by {} on {}, shared on {}", self.name(&s.by), day(&s.on), day(&d)),
                (Some(s), None) => format!("Signed off by {} on {}, not shared before the review", self.name(&s.by), day(&s.on)),
                (None, _) => "Not signed off before the review".into(),
            },
        }
    }

    fn interview_text(&self, m: &hearth_domain::care::planning::MissingEpisode) -> String {
        match (m.interview, m.interview_in_time()) {
            (Some(i), Some(in_time)) => format!(
                "Offered on {}{}; {}",
                day(&i.offered),
                if in_time { " (within 72 hours)" } else { " (later than 72 hours)" },
                if i.accepted { "accepted" } else { "declined" }
            ),
            _ if m.end.is_none() => "Not returned yet".into(),
            _ => "Not offered".into(),
        }
    }

    fn current(&self) -> Option<&CarePeriodView> {
        self.care.current(self.summary.today)
    }

    /// Newest first: the page is read from what is happening now.
    /// Newest first, without the single short breaks (listed on their own).
    fn periods(&self) -> Vec<&CarePeriodView> {
        self.care.periods.iter().rev().filter(|p| !is_single_break(p)).collect()
    }

    fn has_open_arrangement(&self) -> bool {
        self.planning().is_some_and(|p| p.contact.iter().any(|a| a.until.is_none()))
    }

    /// The family member's record an arrangement is with, when the reader may open it.
    fn relative_link(&self, a: &ContactArrangement) -> Option<String> {
        let id = a.person?;
        self.care.family.iter().any(|m| m.person.id == id && m.can_open).then(|| format!("/people/{id}"))
    }

    /// The single short breaks (V3), newest first.
    fn short_breaks(&self) -> Vec<&CarePeriodView> {
        self.care.periods.iter().rev().filter(|p| is_single_break(p)).collect()
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

    /// The rows of the decision about care still to be acted on.
    fn decision_rows(&self) -> Vec<PlanRow> {
        let Some(d) = self.care.open_decision().map(|d| &d.value) else { return Vec::new() };
        let edit = |label, form| self.form_link(label, form);
        let due = |kind| self.care.decision_due(kind).map(|date| (format!("Due by {}", day(&date)), date < self.summary.today));
        let mut rows = vec![
            PlanRow { key: "Proposed", value: format!("{}, by {} on {}", d.route.label(), self.care.name(d.proposed_by), day(&d.proposed)), overdue: false, action: None },
            PlanRow { key: "Why", value: d.reasons.clone(), overdue: false, action: None },
            PlanRow { key: "Planned start", value: d.planned_start.map_or_else(|| "Not planned (an emergency)".into(), |p| day(&p)), overdue: false, action: None },
        ];
        match &d.authorisation {
            None => {
                let (value, overdue) = due(TaskKind::CareDecisionAuthorisation).map_or(("Waiting for a manager".into(), false), |(v, o)| (format!("Waiting for a manager; {}", lower_first(&v)), o));
                let action = self.can_sign_off.then(|| ("Authorise", format!("/people/{}/care/authorise", self.summary.record.id)));
                rows.push(PlanRow { key: "Manager's decision", value, overdue, action });
            }
            Some(a) => {
                let comments = if a.comments.is_empty() { String::new() } else { format!(": {}", a.comments) };
                rows.push(PlanRow { key: "Manager's decision", value: format!("Agreed by {} on {}{comments}", self.care.name(a.by), day(&a.on)), overdue: false, action: None });
                let (value, overdue) = match &d.meeting {
                    Some(m) => (format!("Held on {} with {}", day(&m.held), m.attendees), false),
                    None => due(TaskKind::PreCarePlanningMeeting).unwrap_or_else(|| ("Not held".into(), false)),
                };
                rows.push(PlanRow { key: "Planning meeting", value, overdue, action: edit(if d.meeting.is_some() { "Change" } else { "Record" }, "pre-care-meeting") });
                let told: Vec<String> = d.notified.iter().map(|n| format!("{} on {}", n.whom.label(), day(&n.on))).collect();
                let still: Vec<&str> = Notified::ALL
                    .iter()
                    .filter(|w| d.told(**w).is_none())
                    .map(|w| match w {
                        Notified::ReviewingService => "the Independent Reviewing Service",
                        Notified::Health => "health",
                        Notified::Education => "the school",
                    })
                    .collect();
                let waiting = still.len();
                let (mut value, overdue) = if waiting == 0 { (String::new(), false) } else { due(TaskKind::CareNotifications).unwrap_or_else(|| (String::new(), false)) };
                if !told.is_empty() {
                    value = if value.is_empty() { format!("Told: {}", told.join("; ")) } else { format!("Told: {}. Still to tell {}; {}", told.join("; "), still.join(" and "), lower_first(&value)) };
                }
                rows.push(PlanRow { key: "Told", value, overdue, action: (waiting > 0).then(|| edit("Record who was told", "notify")).flatten() });
            }
        }
        rows
    }

    /// Decisions no longer open (refused, withdrawn, or care began under them).
    fn past_decisions(&self) -> Vec<(String, String)> {
        self.care
            .decisions
            .iter()
            .map(|d| &d.value)
            .filter(|d| !d.is_open())
            .map(|d| {
                let outcome = match (d.stage(), &d.authorisation, d.withdrawn) {
                    (Stage::CareBegan, _, _) => "Agreed; the child came into care".to_string(),
                    (Stage::Withdrawn, _, Some(w)) => format!("Withdrawn on {}", day(&w)),
                    (_, Some(a), _) => format!("Not agreed by {} on {}: {}", self.care.name(a.by), day(&a.on), a.comments),
                    _ => String::new(),
                };
                (format!("{} ({})", lower_first(d.route.label()), day(&d.proposed)), outcome)
            })
            .collect()
    }
}


/// A short break recorded break by break (V3): a period of its own.
fn is_single_break(p: &CarePeriodView) -> bool {
    p.record.value.period.legal_statuses.first().is_some_and(|l| l.status == LegalStatus::ShortBreakEpisodes)
}

/// "Due by 3 May" → "due by 3 May", to follow words before it.
fn lower_first(s: &str) -> String {
    let mut c = s.chars();
    c.next().map(|f| f.to_lowercase().chain(c).collect()).unwrap_or_default()
}

fn flash(saved: &str) -> Option<String> {
    Some(
        match saved {
            "start" => "Recorded that the child became looked after.",
            "legal-status" => "Legal status changed.",
            "move" => "Move recorded.",
            "end" => "Recorded that care ended.",
            "care-plan" => "Care plan recorded.",
            "placement-plan" => "Placement plan recorded.",
            "long-term" => "Placement recorded as agreed long-term.",
            "permanence" => "Permanence plan recorded.",
            "iro" => "IRO recorded.",
            "report" => "Report sent for sign-off.",
            "sign-off" => "Report signed off.",
            "report-shared" => "Recorded that the report was shared.",
            "review" => "Review recorded.",
            "missing" => "Recorded that the child is missing.",
            "returned" => "Recorded the child's return.",
            "uasc" => "Asylum-seeking status recorded.",
            "health" => "Health check recorded.",
            "school" => "School recorded.",
            "pep" => "Personal education plan meeting recorded.",
            "exclusion" => "Exclusion recorded.",
            "contact" => "Contact arrangement recorded.",
            "contact-session" => "Session recorded.",
            "contact-end" => "Contact arrangement ended.",
            "contact-change" => "Contact arrangement changed.",
            "contact-request" => "Request sent to the Family Contact Service.",
            "contact-outcome" => "Request allocated or closed.",
            "transport" => "School transport recorded.",
            "offence" => "Offence recorded.",
            "visit-request" => "Visit request recorded.",
            "short-break" => "Short break recorded.",
            "propose" => "Proposal sent to a manager for authorisation.",
            "authorise" => "Decision recorded.",
            "pre-care-meeting" => "Planning meeting recorded.",
            "notify" => "Recorded who was told.",
            "withdraw-decision" => "Proposal withdrawn.",
            _ => return None,
        }
        .to_string(),
    )
}

pub async fn page(State(s): State<AppState>, Signed { actor }: Signed, v: Visitor, Path(id): Path<String>, Query(q): Query<Saved>) -> Result<Response, WebError> {
    let id: PersonId = parse_id(&id)?;
    let care = s.app.care_of(&actor, id).await?;
    let title = format!("Care of {}", care.summary.record.details.full_name());
    let page = CarePage {
        layout: layout(&v, title).with_flash(flash(&q.saved)),
        summary: care.summary.clone(),
        tab: "care",
        can_edit: actor.can(Permission::AddCaseNotes),
        can_review: actor.can(Permission::RecordReviews),
        can_sign_off: actor.can(Permission::RecordManagementOversight),
        care,
    };
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

/// The IROs with an account, by name.
async fn iro_options(s: &AppState, actor: &Actor) -> Result<Vec<(String, String)>, WebError> {
    let iros = s.app.reviewing_officers(actor).await?;
    Ok(options_from("Choose the IRO", iros.into_iter().map(|(id, name)| (id.to_string(), name))))
}

/// `choices`: the options of the form's list, where it has one (providers, or IROs).
fn spec(key: &str, care: &ChildCare, choices: Vec<(String, String)>) -> Result<FormSpec, WebError> {
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
    if let Some(spec) = decision_spec(key, care, open.is_some()) {
        return Ok(spec);
    }
    match key {
        "short-break" => Ok(FormSpec {
            title: "Record a short break".into(),
            context: vec![],
            intro: Some("One short break of a series the child has, recorded break by break (legal status V3): the day it began and the day the child went home. A series agreed as a whole (V4) is recorded as care beginning, with the legal status V4."),
            fields: vec![
                date_field("from", "Date the short break began"),
                date_field("to", "Date the child went home"),
                Field::Select { name: "carer", label: "Stayed with", options: choices },
                Field::Select { name: "kind", label: "Type of placement", options: coded_options::<PlacementType>("Choose the type of placement") },
                Field::Select { name: "need", label: "Category of need", options: coded_options::<CategoryOfNeed>("Choose the main reason for the short breaks") },
            ],
            button: "Save",
        }),
        "start" if open.is_none() => Ok(FormSpec {
            title: "Record that the child became looked after".into(),
            context: vec![],
            intro: Some("Record the legal status and the first placement as they were on the day care began. Moves and changes of legal status are recorded afterwards, each on its own day: Hearth works out the episodes the return counts."),
            fields: vec![
                date_field("start", "Date the child became looked after"),
                Field::Time { name: "start", label: "Time the child became looked after (optional)" },
                Field::Select { name: "status", label: "Legal status", options: coded_options::<LegalStatus>("Choose the legal status") },
                Field::Select { name: "need", label: "Category of need", options: coded_options::<CategoryOfNeed>("Choose the main reason the child is looked after") },
                Field::Text { name: "home_postcode", label: "Postcode of the home the child was looked after from (optional)", hint: "For example, TW1 3SX", width: "govuk-input--width-10" },
                Field::Select { name: "carer", label: "Placed with", options: choices },
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
                Field::Select { name: "carer", label: "Placed with", options: choices },
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
        _ => planning_spec(key, care, context.unwrap_or_default(), choices).map_or(Err(WebError(AppError::NotFound)), needs_open),
    }
}

/// The terms of a contact arrangement, as a new arrangement and a change of terms ask them.
fn contact_terms(how: &'static str, frequency_hint: &'static str, from: &'static str) -> [Field; 6] {
    [
        Field::Radios { name: "kind", legend: how, options: ContactKind::ALL.iter().map(|k| (k.code().to_string(), k.label().to_string())).collect() },
        Field::Text { name: "frequency", label: "How often", hint: frequency_hint, width: "govuk-input--width-20" },
        Field::Text { name: "venue", label: "Where (optional)", hint: "", width: "govuk-input--width-20" },
        Field::Text { name: "supervisor", label: "Who supervises or supports it (optional)", hint: "", width: "govuk-input--width-20" },
        yes_no("court_ordered", "Ordered by a court?"),
        date_field("from", from),
    ]
}

/// The forms of what is recorded while the child is looked after (`choices`: the IROs).
fn planning_spec(key: &str, care: &ChildCare, context: Vec<(String, String)>, choices: Vec<(String, String)>) -> Option<FormSpec> {
    let plan = &care.current(care.summary.today)?.record.value.period.planning;
    let one_date = |title: &str, label: &'static str, intro: Option<&'static str>| FormSpec { title: title.into(), context: context.clone(), intro, fields: vec![date_field("on", label)], button: "Save" };
    Some(match key {
        "care-plan" => one_date("Record that the care plan was agreed", "Date the care plan was agreed", Some("Regulation 4: before the first placement or, if that was not practicable, within 10 working days of its start.")),
        "placement-plan" => one_date("Record that the placement plan was agreed", "Date the placement plan was agreed", Some("Regulation 9: for the placement the child is in now, before it began or within 5 working days.")),
        "long-term" => one_date("Record that the placement is agreed as long-term", "Date it was agreed", Some("The carers the child lives with now are to care for them until they are 18. After the placement's first year, statutory visits are then due at most every three months.")),
        "report" => one_date("Send the review report for sign-off", "Date the report was finished", Some("A team manager signs the report off before it is shared with everyone taking part in the review.")),
        "report-shared" if plan.next_report.as_ref().is_some_and(|r| r.signed_off.is_some()) => one_date("Record that the review report was shared", "Date the report was shared", None),
        "sign-off" if plan.next_report.as_ref().is_some_and(|r| r.signed_off.is_none()) => FormSpec {
            title: "Sign off the review report".into(),
            context: context.clone(),
            intro: Some("Signing off says you have read the report for the child's next review and it can be shared with everyone taking part."),
            fields: vec![],
            button: "Sign off the report",
        },
        "permanence" => FormSpec {
            title: "Record the permanence plan".into(),
            context,
            intro: Some("By the second review: how the child will have a secure, stable home for the rest of their childhood."),
            fields: vec![date_field("on", "Date the permanence plan was agreed"), Field::Select { name: "plan", label: "Permanence plan", options: plain_options::<PermanenceOption>("Choose the plan") }],
            button: "Save",
        },
        "iro" => FormSpec {
            title: "Name the independent reviewing officer".into(),
            context,
            intro: Some("The IRO chairs the child's reviews. Naming a new IRO keeps the name of whoever chaired each earlier review. An IRO chosen from the list sees the child among the children they review."),
            fields: vec![
                Field::Select { name: "user", label: "IRO", options: choices },
                Field::Text { name: "name", label: "Or, for an IRO without a Hearth account, their name", hint: "For example, an agency IRO", width: "govuk-input--width-20" },
                date_field("from", "Date the IRO was named"),
            ],
            button: "Save",
        },
        "review" => FormSpec {
            title: "Record a looked-after child's review".into(),
            context,
            intro: Some("The review the IRO chaired, how the child took part, and what it decided (who does what, by when)."),
            fields: vec![
                date_field("date", "Date of the review"),
                Field::Select { name: "participation", label: "How the child took part", options: coded_options::<Participation>("Choose how the child took part") },
                Field::Actions,
            ],
            button: "Save",
        },
        "missing" if !is_missing(plan) => FormSpec {
            title: "Record that the child is missing".into(),
            context,
            intro: Some("Missing: the child's whereabouts are not known. Away: their whereabouts are known but they are not where they should be and have not been allowed to be there."),
            fields: vec![
                Field::Radios { name: "kind", legend: "Missing or away?", options: MissingKind::ALL.iter().map(|k| (k.code().to_string(), k.label().to_string())).collect() },
                date_field("start", "Date the child went missing or away"),
            ],
            button: "Save",
        },
        "returned" if is_missing(plan) => FormSpec {
            title: "Record the child's return".into(),
            context,
            intro: Some("A return interview is offered within 72 hours of the child coming back."),
            fields: vec![
                date_field("end", "Date the child returned"),
                Field::Radios {
                    name: "interview",
                    legend: "Return interview",
                    options: vec![("accepted".into(), "Offered and accepted".into()), ("declined".into(), "Offered and declined".into()), ("none".into(), "Not offered yet".into())],
                },
                Field::Date { name: "offered", label: "Date the interview was offered", hint: "Leave empty if it has not been offered yet" },
            ],
            button: "Save",
        },
        "uasc" => FormSpec {
            title: "Unaccompanied asylum-seeking child".into(),
            context,
            intro: Some("From the day the child was known to be an unaccompanied asylum seeker; until, for example, they turned 18 or were granted leave to remain."),
            fields: vec![date_field("from", "Unaccompanied asylum seeker from"), Field::Date { name: "until", label: "Until (optional)", hint: "For example, 27 3 2024" }],
            button: "Save",
        },
        "health" => FormSpec {
            title: "Record a health check".into(),
            context,
            intro: Some("The initial health assessment is due within 20 working days of becoming looked after; reviews every six months before the child is 5, then every year."),
            fields: vec![
                Field::Select { name: "kind", label: "What was done", options: plain_options::<HealthCheckKind>("Choose what was done") },
                date_field("on", "Date"),
                Field::Text { name: "score", label: "SDQ total difficulties score (only for an SDQ)", hint: "From 0 to 40", width: "govuk-input--width-3" },
            ],
            button: "Save",
        },
        "school" => FormSpec {
            title: "Record the child's school".into(),
            context,
            intro: Some("The school or setting the child attends, and when the virtual school was told the child is looked after."),
            fields: vec![
                Field::Text { name: "school", label: "School or setting", hint: "", width: "govuk-input--width-30" },
                Field::Date { name: "told", label: "Date the virtual school was told (optional)", hint: "For example, 27 3 2024" },
            ],
            button: "Save",
        },
        "pep" => one_date("Record a personal education plan meeting", "Date of the PEP meeting", Some("The PEP is started when the child becomes looked after and reviewed each term with the school and the virtual school.")),
        "exclusion" => FormSpec {
            title: "Record an exclusion from school".into(),
            context,
            intro: None,
            fields: vec![
                Field::Radios { name: "kind", legend: "Kind of exclusion", options: ExclusionKind::ALL.iter().map(|k| (k.code().to_string(), k.label().to_string())).collect() },
                date_field("from", "First day of the exclusion"),
                Field::Text { name: "days", label: "School days (for a suspension)", hint: "", width: "govuk-input--width-3" },
            ],
            button: "Save",
        },
        "contact" => FormSpec {
            title: "Add a contact arrangement".into(),
            context,
            intro: Some("Family time between the child and one family member, as agreed in the care plan or ordered by a court."),
            fields: vec![
                Field::Select { name: "person", label: "Family member (optional)", options: family_options(care) },
                Field::Text { name: "with", label: "Who with", hint: "Name and relationship, for example Jane Quill, mother. Leave blank to use the family member chosen above", width: "govuk-input--width-30" },
            ]
            .into_iter()
            .chain(contact_terms("How", "For example, weekly for two hours", "Date the arrangement began"))
            .collect(),
            button: "Save",
        },
        "contact-end" if plan.contact.iter().any(|a| a.until.is_none()) => FormSpec {
            title: "End a contact arrangement".into(),
            context,
            intro: Some("Its sessions are kept. To carry on on new terms, change the arrangement instead."),
            fields: vec![Field::Select { name: "arrangement", label: "Arrangement", options: open_arrangement_options(plan) }, date_field("on", "Date it ended")],
            button: "Save",
        },
        "contact-change" if plan.contact.iter().any(|a| a.until.is_none()) => FormSpec {
            title: "Change a contact arrangement".into(),
            context,
            intro: Some("For example, supervised contact stepping down to supported contact. The old terms end the day before the new ones begin and are kept with their sessions."),
            fields: vec![
                Field::Select { name: "arrangement", label: "Arrangement", options: open_arrangement_options(plan) },
            ]
            .into_iter()
            .chain(contact_terms("How, from now on", "For example, fortnightly for three hours", "Date the new terms begin"))
            .collect(),
            button: "Save",
        },
        "contact-session" if !plan.contact.is_empty() => FormSpec {
            title: "Record a family time session".into(),
            context,
            intro: None,
            fields: vec![
                Field::Select { name: "arrangement", label: "Arrangement", options: arrangement_options(plan) },
                date_field("on", "Date of the session"),
                Field::Radios { name: "attendance", legend: "Did it take place?", options: Attendance::ALL.iter().map(|k| (k.code().to_string(), k.label().to_string())).collect() },
                Field::Textarea { name: "observations", label: "Observations", hint: "How the child and the family member were together; anything the plan should know.", rows: 6 },
            ],
            button: "Save",
        },
        "contact-request" if !plan.contact.is_empty() => FormSpec {
            title: "Ask the Family Contact Service".into(),
            context,
            intro: Some("The service takes first the children in court proceedings whose contact is needed as evidence, then contact that must be supervised because of an assessed risk, then children under 14."),
            fields: vec![
                Field::Select { name: "arrangement", label: "The arrangement the service is asked to support", options: arrangement_options(plan) },
                yes_no("for_proceedings", "Is the child in court proceedings, with contact needed as evidence?"),
                yes_no("supervised_for_risk", "Must contact be supervised because of an assessed risk?"),
                Field::Textarea { name: "note", label: "Anything the service should know (optional)", hint: "", rows: 4 },
            ],
            button: "Send the request",
        },
        "contact-outcome" if plan.contact_requests.iter().any(|r| r.outcome.is_none()) => FormSpec {
            title: "Allocate or close a Family Contact Service request".into(),
            context,
            intro: None,
            fields: vec![
                Field::Select {
                    name: "request",
                    label: "Request",
                    options: options_from(
                        "Choose the request",
                        plan.contact_requests.iter().filter(|r| r.outcome.is_none()).map(|r| (r.number.to_string(), format!("Made on {} for contact with {}", day(&r.made), plan.contact.iter().find(|a| a.number == r.arrangement).map_or("", |a| a.with.as_str())))),
                    ),
                },
                Field::Radios { name: "outcome", legend: "Outcome", options: vec![("allocated".into(), "Allocated to a contact worker".into()), ("closed".into(), "Closed without a contact worker".into())] },
                Field::Text { name: "detail", label: "The contact worker's name, or why it is closed", hint: "", width: "govuk-input--width-30" },
            ],
            button: "Save",
        },
        "transport" => one_date("Record school transport", "Date transport was arranged", Some("After a move, transport keeps the child at their school; it matters most in years 10 and 11.")),
        "visit-request" => FormSpec {
            title: "Record that a visit was asked for".into(),
            context,
            intro: Some("Regulation 28: the child is visited whenever they, or their IRO, reasonably ask. The next statutory visit is then due within five working days, unless it is due sooner anyway."),
            fields: vec![Field::Radios { name: "by", legend: "Who asked", options: VisitRequester::ALL.iter().map(|k| (k.code().to_string(), k.label().to_string())).collect() }, date_field("on", "Date they asked")],
            button: "Save",
        },
        "offence" => FormSpec {
            title: "Record a conviction or caution".into(),
            context,
            intro: Some("For the SSDA903 return's offending figures: the outcome and its date."),
            fields: vec![Field::Radios { name: "outcome", legend: "Outcome", options: OffenceOutcome::ALL.iter().map(|k| (k.code().to_string(), k.label().to_string())).collect() }, date_field("on", "Date")],
            button: "Save",
        },
        _ => return None,
    })
}

pub(super) fn yes_no(name: &'static str, legend: &'static str) -> Field {
    Field::Radios { name, legend, options: vec![("yes".into(), "Yes".into()), ("no".into(), "No".into())] }
}

/// The arrangements still in place.
fn open_arrangement_options(plan: &Planning) -> Vec<(String, String)> {
    options_from("Choose the arrangement", plan.contact.iter().filter(|a| a.until.is_none()).map(|a| (a.number.to_string(), format!("{}: {}", a.with, a.kind.label().to_lowercase()))))
}

/// The child's family network, for linking an arrangement to a family member's record.
fn family_options(care: &ChildCare) -> Vec<(String, String)> {
    options_from("Not linked to a record", care.family.iter().map(|m| (m.person.id.to_string(), format!("{}, {}", m.person.full_name(), m.role.label().to_lowercase()))))
}

fn arrangement_options(plan: &Planning) -> Vec<(String, String)> {
    options_from("Choose the arrangement", plan.contact.iter().map(|a| (a.number.to_string(), format!("{}: {}", a.with, a.kind.label().to_lowercase()))))
}

fn is_missing(plan: &Planning) -> bool {
    plan.missing.last().is_some_and(|m| m.end.is_none())
}

pub(super) fn code<C: Coded>(f: &FormData, name: &str, message: &str, errors: &mut FieldErrors) -> Option<C> {
    let v = C::from_code(f.get(name));
    if v.is_none() {
        errors.add(name, message);
    }
    v
}

/// A date the form must have: blank is an error too.
pub(super) fn required_date(f: &FormData, name: &str, label: &str, errors: &mut FieldErrors) -> Option<time::Date> {
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
    Propose(CareProposal),
    ShortBreak(ShortBreak),
    Decide(DecisionChange),
}

fn asked(key: &str, f: &FormData, today: time::Date) -> Result<Asked, FieldErrors> {
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
            let start_time = match f.get("start_time").trim() {
                "" => None,
                t => {
                    let t = time_input(t).and_then(|t| ClockTime::new(t.hour(), t.minute()));
                    if t.is_none() {
                        e.add("start_time", "Enter the time on the 24-hour clock, like 09:30 or 21:45");
                    }
                    t
                }
            };
            e.into_result()?;
            match (start, legal_status, need, carer, kind) {
                (Some(start), Some(legal_status), Some(need), Some(provider), Some(kind)) => Asked::Start(NewCare { start, start_time, legal_status, need, home_postcode, kind, provider }),
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
        "short-break" => {
            let from = required_date(f, "from", "The date the short break began", &mut e);
            let to = required_date(f, "to", "The date the child went home", &mut e);
            let carer = provider(f, &mut e);
            let kind = code::<PlacementType>(f, "kind", "Choose the type of placement", &mut e);
            let need = code::<CategoryOfNeed>(f, "need", "Choose the category of need", &mut e);
            e.into_result()?;
            match (from, to, carer, kind, need) {
                (Some(from), Some(to), Some(provider), Some(kind), Some(need)) => Asked::ShortBreak(ShortBreak { from, to, need, kind, provider }),
                _ => return Err(FieldErrors::one("from", "Enter the date the short break began")),
            }
        }
        "propose" => {
            let route = code::<CareRoute>(f, "route", "Choose how the child would come into care", &mut e);
            let reasons = f.get("reasons").to_string();
            let planned_start = date_input(f, "planned_start", "The planned start", &mut e);
            e.into_result()?;
            match route {
                Some(route) => Asked::Propose(CareProposal { route, reasons, planned_start }),
                None => return Err(FieldErrors::one("route", "Choose how the child would come into care")),
            }
        }
        "authorise" => {
            let agreed = match f.get("agreed") {
                "yes" => true,
                "no" => false,
                _ => return Err(FieldErrors::one("agreed", "Say whether you agree")),
            };
            Asked::Decide(DecisionChange::Authorise { agreed, comments: f.get("comments").to_string() })
        }
        "pre-care-meeting" => {
            let held = required_date(f, "held", "The date of the meeting", &mut e);
            e.into_result()?;
            let meeting = |held| PlanningMeeting { held, attendees: f.get("attendees").to_string(), plan: f.get("plan").to_string() };
            Asked::Decide(DecisionChange::Meeting(meeting(held.ok_or_else(|| FieldErrors::one("held", "Enter the date of the meeting"))?)))
        }
        "notify" => {
            let whom = code::<Notified>(f, "whom", "Choose who was told", &mut e);
            let on = required_date(f, "on", "The date they were told", &mut e);
            e.into_result()?;
            match whom.zip(on) {
                Some((whom, on)) => Asked::Decide(DecisionChange::Told(Notification { whom, on })),
                None => return Err(FieldErrors::one("whom", "Choose who was told")),
            }
        }
        "withdraw-decision" => {
            let on = required_date(f, "on", "The date it was withdrawn", &mut e);
            e.into_result()?;
            Asked::Decide(DecisionChange::Withdraw(on.ok_or_else(|| FieldErrors::one("on", "Enter the date"))?))
        }
        _ => Asked::Change(planning_change(key, f, today)?),
    };
    Ok(asked)
}

/// The forms an IRO may use: what `CareChange::permission` leaves to `RecordReviews`.
const REVIEW_FORMS: [&str; 3] = ["review", "iro", "visit-request"];

/// The keys of the forms `decision_spec` answers: they change the decision, not the period.
const DECISION_FORMS: [&str; 5] = ["propose", "authorise", "pre-care-meeting", "notify", "withdraw-decision"];

/// The forms of a decision about care: proposing it (when the child is not looked after and
/// no decision is open), and the steps of the open one.
fn decision_spec(key: &str, care: &ChildCare, looked_after: bool) -> Option<FormSpec> {
    if key == "propose" {
        return (!looked_after && care.open_decision().is_none()).then(|| FormSpec {
            title: "Propose that the child comes into care".into(),
            context: vec![],
            intro: Some("A manager other than you authorises the decision. Once it is agreed, hold the pre-care planning meeting and tell the Independent Reviewing Service, health and the school: each is a task in your work tray."),
            fields: vec![
                Field::Radios { name: "route", legend: "How would the child come into care?", options: CareRoute::ALL.iter().map(|r| (r.code().to_string(), r.label().to_string())).collect() },
                Field::Textarea { name: "reasons", label: "Why the child needs to come into care", hint: "What has been tried, the risks, and the views of the child and family", rows: 6 },
                Field::Date { name: "planned_start", label: "When is the child expected to come into care? (optional)", hint: "Leave blank in an emergency. For example, 27 3 2024" },
            ],
            button: "Send for authorisation",
        });
    }
    let d = &care.open_decision()?.value;
    let context = vec![
        ("Proposed".to_string(), format!("{}, by {} on {}", d.route.label(), care.name(d.proposed_by), day(&d.proposed))),
        ("Why".to_string(), d.reasons.clone()),
    ];
    Some(match key {
        "authorise" if d.stage() == Stage::Proposed => FormSpec {
            title: "Authorise the decision about care".into(),
            context,
            intro: Some("Only a manager other than the one who proposed it can authorise the decision."),
            fields: vec![
                yes_no("agreed", "Do you agree?"),
                Field::Textarea { name: "comments", label: "Comments", hint: "If you do not agree, say why and what should happen instead", rows: 4 },
            ],
            button: "Save the decision",
        },
        "pre-care-meeting" if d.agreed() => FormSpec {
            title: "Record the pre-care planning meeting".into(),
            context,
            intro: Some("The meeting plans the child's move into care: the placement, family time, school and health."),
            fields: vec![
                date_field("held", "Date of the meeting"),
                Field::Textarea { name: "attendees", label: "Who attended", hint: "Names and roles", rows: 3 },
                Field::Textarea { name: "plan", label: "What was planned (optional)", hint: "", rows: 5 },
            ],
            button: "Save",
        },
        "notify" if d.agreed() => FormSpec {
            title: "Record who was told".into(),
            context,
            intro: Some("Seed 001: tell the Independent Reviewing Service at once, so the first review can be planned, and tell health and the school."),
            fields: vec![
                Field::Radios { name: "whom", legend: "Who was told", options: Notified::ALL.iter().filter(|w| d.told(**w).is_none()).map(|w| (w.code().to_string(), w.label().to_string())).collect() },
                date_field("on", "Date they were told"),
            ],
            button: "Save",
        },
        "withdraw-decision" => FormSpec {
            title: "Withdraw the proposal".into(),
            context,
            intro: Some("The child will not come into care under this proposal. Its tasks close."),
            fields: vec![date_field("on", "Date it was withdrawn")],
            button: "Withdraw the proposal",
        },
        _ => return None,
    })
}

pub(super) fn number(f: &FormData, name: &str, message: &str, e: &mut FieldErrors) -> Option<u32> {
    let n = f.get(name).parse().ok();
    if n.is_none() {
        e.add(name, message);
    }
    n
}

fn planning_change(key: &str, f: &FormData, today: time::Date) -> Result<CareChange, FieldErrors> {
    let mut e = FieldErrors::new();
    let on = |e: &mut FieldErrors, label: &str| required_date(f, "on", label, e);
    let change = match key {
        "care-plan" => on(&mut e, "The date the care plan was agreed").map(CareChange::CarePlan),
        "placement-plan" => on(&mut e, "The date the placement plan was agreed").map(CareChange::PlacementPlan),
        "long-term" => on(&mut e, "The date it was agreed").map(CareChange::LongTerm),
        "report" => on(&mut e, "The date the report was finished").map(CareChange::ReportReady),
        "report-shared" => on(&mut e, "The date the report was shared").map(CareChange::ReportShared),
        "sign-off" => Some(CareChange::SignOffReport),
        "permanence" => {
            let agreed = on(&mut e, "The date the permanence plan was agreed");
            let plan = code::<PermanenceOption>(f, "plan", "Choose the permanence plan", &mut e);
            agreed.zip(plan).map(|(agreed, plan)| CareChange::Permanence(PermanencePlan { agreed, plan }))
        }
        "iro" => {
            let name = f.get("name").trim().to_string();
            let user = f.get("user").parse().ok().map(UserId);
            match (user.is_some(), name.is_empty()) {
                (false, true) => e.add("user", "Choose the IRO, or enter the name of an IRO without a Hearth account"),
                (true, false) => e.add("name", "Choose the IRO from the list or enter a name, not both"),
                _ => {}
            }
            let from = required_date(f, "from", "The date the IRO was named", &mut e);
            from.map(|from| CareChange::Iro(NamedIro { name, from, user }))
        }
        "review" => {
            let date = required_date(f, "date", "The date of the review", &mut e);
            let participation = code::<Participation>(f, "participation", "Choose how the child took part", &mut e);
            let decisions = super::episodes::actions(f, &mut e).0;
            date.zip(participation).map(|(date, participation)| CareChange::Review(ReviewHeld { date, participation, decisions }))
        }
        "missing" => {
            let kind = code::<MissingKind>(f, "kind", "Choose whether the child is missing or away", &mut e);
            let start = required_date(f, "start", "The date the child went missing", &mut e);
            kind.zip(start).map(|(kind, start)| CareChange::Missing { kind, start })
        }
        "returned" => {
            let end = required_date(f, "end", "The date the child returned", &mut e);
            let offered = date_input(f, "offered", "The date the interview was offered", &mut e);
            let interview = match (f.get("interview"), offered) {
                ("accepted" | "declined", Some(offered)) => Some(ReturnInterview { offered, accepted: f.get("interview") == "accepted" }),
                ("accepted" | "declined", None) => {
                    if e.get("offered").is_none() {
                        e.add("offered", "Enter the date the interview was offered");
                    }
                    None
                }
                ("none", _) => None,
                _ => {
                    e.add("interview", "Say whether a return interview was offered");
                    None
                }
            };
            end.map(|end| CareChange::Returned(MissingReturn { end, interview }))
        }
        "uasc" => {
            let from = required_date(f, "from", "The date the child became an unaccompanied asylum seeker", &mut e);
            let until = date_input(f, "until", "The date it ended", &mut e);
            from.map(|from| CareChange::Uasc(Uasc { from, until }))
        }
        "health" => {
            let kind = code::<HealthCheckKind>(f, "kind", "Choose what was done", &mut e);
            let on = on(&mut e, "The date");
            let score = match f.get("score").trim() {
                "" => None,
                x => x.parse::<u8>().map_err(|_| e.add("score", "Enter the score as a whole number from 0 to 40")).ok(),
            };
            kind.zip(on).map(|(kind, on)| CareChange::Health(HealthCheck { kind, on, score }))
        }
        "school" => {
            let name = f.get("school").trim().to_string();
            if name.is_empty() {
                e.add("school", "Enter the school's name");
            }
            let told = date_input(f, "told", "The date the virtual school was told", &mut e);
            Some(CareChange::School { name, virtual_school_told: told })
        }
        "pep" => on(&mut e, "The date of the PEP meeting").map(CareChange::Pep),
        "exclusion" => {
            let kind = code::<ExclusionKind>(f, "kind", "Choose the kind of exclusion", &mut e);
            let from = required_date(f, "from", "The first day of the exclusion", &mut e);
            let days = match f.get("days").trim() {
                "" => None,
                x => x.parse::<u16>().map_err(|_| e.add("days", "Enter the number of school days as a whole number")).ok(),
            };
            kind.zip(from).map(|(kind, from)| CareChange::Exclusion(Exclusion { kind, from, days }))
        }
        "contact" => {
            let text = |name: &str| f.get(name).trim().to_string();
            let kind = code::<ContactKind>(f, "kind", "Choose how contact happens", &mut e);
            let court_ordered = crate::forms::yes_no(f, "court_ordered", "Say whether a court ordered it", &mut e);
            let from = required_date(f, "from", "The date the arrangement began", &mut e);
            match (kind, court_ordered, from) {
                (Some(kind), Some(court_ordered), Some(from)) => Some(CareChange::Contact(ContactArrangement {
                    number: 0,
                    with: text("with"),
                    person: f.get("person").parse().ok(),
                    kind,
                    frequency: text("frequency"),
                    venue: text("venue"),
                    supervisor: text("supervisor"),
                    court_ordered,
                    from,
                    until: None,
                    sessions: Vec::new(),
                })),
                _ => None,
            }
        }
        "contact-session" => {
            let arrangement = number(f, "arrangement", "Choose the arrangement", &mut e);
            let on = required_date(f, "on", "The date of the session", &mut e);
            let attendance = code::<Attendance>(f, "attendance", "Say whether the session took place", &mut e);
            match (arrangement, on, attendance) {
                (Some(arrangement), Some(on), Some(attendance)) => Some(CareChange::ContactSession { arrangement, session: ContactSession { on, attendance, observations: f.get("observations").trim().to_string() } }),
                _ => None,
            }
        }
        "contact-end" => {
            let arrangement = number(f, "arrangement", "Choose the arrangement", &mut e);
            let on = on(&mut e, "The date it ended");
            arrangement.zip(on).map(|(arrangement, on)| CareChange::EndContact { arrangement, on })
        }
        "contact-change" => {
            let arrangement = number(f, "arrangement", "Choose the arrangement", &mut e);
            let kind = code::<ContactKind>(f, "kind", "Choose how contact happens", &mut e);
            let court_ordered = crate::forms::yes_no(f, "court_ordered", "Say whether a court ordered it", &mut e);
            let from = required_date(f, "from", "The date the new terms begin", &mut e);
            let text = |name: &str| f.get(name).trim().to_string();
            match (arrangement, kind, court_ordered, from) {
                (Some(arrangement), Some(kind), Some(court_ordered), Some(from)) => {
                    let terms = ContactArrangement { number: 0, with: String::new(), person: None, kind, frequency: text("frequency"), venue: text("venue"), supervisor: text("supervisor"), court_ordered, from, until: None, sessions: Vec::new() };
                    Some(CareChange::ChangeContact { arrangement, terms })
                }
                _ => None,
            }
        }
        "contact-request" => {
            let arrangement = number(f, "arrangement", "Choose the arrangement", &mut e);
            let for_proceedings = crate::forms::yes_no(f, "for_proceedings", "Say whether the child is in court proceedings needing contact as evidence", &mut e);
            let supervised_for_risk = crate::forms::yes_no(f, "supervised_for_risk", "Say whether contact must be supervised because of an assessed risk", &mut e);
            match (arrangement, for_proceedings, supervised_for_risk) {
                (Some(arrangement), Some(for_proceedings), Some(supervised_for_risk)) => Some(CareChange::ContactRequest(ContactRequest {
                    number: 0,
                    arrangement,
                    made: today,
                    for_proceedings,
                    supervised_for_risk,
                    note: f.get("note").trim().to_string(),
                    outcome: None,
                })),
                _ => None,
            }
        }
        "contact-outcome" => {
            let request = number(f, "request", "Choose the request", &mut e);
            let detail = f.get("detail").trim().to_string();
            let outcome = match f.get("outcome") {
                "allocated" => Some(RequestOutcome::Allocated { to: detail, on: today }),
                "closed" => Some(RequestOutcome::Closed { on: today, reason: detail }),
                _ => {
                    e.add("outcome", "Choose the outcome");
                    None
                }
            };
            request.zip(outcome).map(|(request, outcome)| CareChange::ContactOutcome { request, outcome })
        }
        "transport" => on(&mut e, "The date transport was arranged").map(CareChange::Transport),
        "visit-request" => {
            let by = code::<VisitRequester>(f, "by", "Choose who asked for the visit", &mut e);
            let on = on(&mut e, "The date they asked");
            by.zip(on).map(|(by, on)| CareChange::VisitRequest(VisitRequest { by, on }))
        }
        "offence" => {
            let outcome = code::<OffenceOutcome>(f, "outcome", "Choose the outcome", &mut e);
            let day = on(&mut e, "The date");
            outcome.zip(day).map(|(outcome, on)| CareChange::Offence(Offence { outcome, on }))
        }
        _ => return Err(FieldErrors::one("form", "There is no such form")),
    };
    e.into_result()?;
    change.ok_or_else(|| FieldErrors::one("on", "Enter the date"))
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
                // "planning.reviews[3].decisions[1].action" → the second row of actions filled in.
                if let Some((_, rest)) = e.field.split_once(".decisions[")
                    && let Some((n, part)) = rest.split_once("].")
                {
                    e.field = format!("actions-{}-{part}", n.parse::<usize>().map_or(1, |n| n + 1));
                    return e;
                }
                e.field = match (key, e.field.as_str(), last.as_str()) {
                    ("authorise", _, "comments") => "comments".into(),
                    ("authorise", _, _) => "agreed".into(),
                    ("pre-care-meeting", "meeting", _) => "held".into(),
                    ("notify", _, "on") => "on".into(),
                    ("notify", _, _) => "whom".into(),
                    ("withdraw-decision", _, _) => "on".into(),
                    ("visit-request", _, _) => "on".into(),
                    ("short-break", "ended.on" | "ended.reason" | "to", _) => "to".into(),
                    ("short-break", _, "carer" | "kind" | "need") => last.clone(),
                    ("short-break", _, _) => "from".into(),
                    ("school", _, "virtual_school_told") => "told".into(),
                    ("transport", _, _) => "on".into(),
                    ("contact-outcome", _, _) => "detail".into(),
                    ("contact-session", _, "on" | "observations") => last.clone(),
                    ("contact", _, "person") => "person".into(),
                    ("contact-end", _, "until") => "on".into(),
                    ("contact-end" | "contact-change", "planning.contact", _) => "arrangement".into(),
                    ("contact-change", _, "from" | "until") => "from".into(),
                    ("contact-change", _, f @ ("frequency" | "venue" | "supervisor" | "kind")) => f.into(),
                    ("contact-session" | "contact-request", _, _) => "arrangement".into(),
                    ("pep", _, _) => "on".into(),
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
    let needs = match key {
        "sign-off" | "contact-outcome" | "authorise" => Permission::RecordManagementOversight,
        k if REVIEW_FORMS.contains(&k) => Permission::RecordReviews,
        _ => Permission::AddCaseNotes,
    };
    if !actor.can(needs) {
        return Err(s.app.forbidden(actor, &format!("care.{key}"), Some(id)).await.into());
    }
    let choices = match key {
        "start" | "move" | "short-break" => provider_options(s, actor).await?,
        "iro" => iro_options(s, actor).await?,
        _ => Vec::new(),
    };
    let spec = spec(key, &care, choices)?;
    let version = if DECISION_FORMS.contains(&key) { care.open_decision().map_or(0, |d| d.version) } else { care.current(care.summary.today).map_or(0, |p| p.record.version) };
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
    let outcome = match asked(&key, &f, s.app.today()) {
        Err(errors) => Err(AppError::Invalid(errors)),
        Ok(Asked::Start(new)) => s.app.start_care(&actor, id, new).await.map(|_| ()),
        Ok(Asked::Propose(p)) => s.app.propose_care(&actor, id, p).await.map(|_| ()),
        Ok(Asked::ShortBreak(b)) => s.app.record_short_break(&actor, id, b).await.map(|_| ()),
        Ok(Asked::Decide(change)) => {
            let care = s.app.care_of(&actor, id).await?;
            let Some(open) = care.open_decision() else { return Err(WebError(AppError::NotFound)) };
            let version: i64 = f.get("version").parse().unwrap_or(0);
            s.app.change_care_decision(&actor, open.value.id, version, change).await
        }
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
    /// The reader, when they are an IRO: the children they review come first.
    iro: Option<UserId>,
}

impl DashboardPage {
    fn reviewed(&self) -> Vec<&hearth_domain::care::dashboard::ChildInCare> {
        self.iro.map(|me| self.d.dashboard.reviewed_by(me).collect()).unwrap_or_default()
    }

    /// Whether the child has an overdue review.
    fn review_overdue(&self, child: &PersonId) -> bool {
        self.d.overdue.iter().any(|t| t.child == *child && t.kind == TaskKind::LookedAfterReview)
    }

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

    fn missing(&self) -> Vec<&hearth_domain::care::dashboard::ChildInCare> {
        self.d.dashboard.missing().collect()
    }

    fn far(&self) -> Vec<&hearth_domain::care::dashboard::ChildInCare> {
        self.d.dashboard.far_from_home()
    }

    /// "12 miles", or "not known" without either postcode or where it is.
    fn distance(&self, c: &hearth_domain::care::dashboard::ChildInCare) -> String {
        c.miles_from_home.map_or_else(|| "not known".to_string(), |m| m.to_string())
    }

    fn health_overdue(&self) -> usize {
        self.d.overdue_of(TaskKind::InitialHealthAssessment) + self.d.overdue_of(TaskKind::HealthAssessment)
    }

    fn plans_overdue(&self) -> usize {
        [TaskKind::CarePlan, TaskKind::PlacementPlan, TaskKind::PermanencePlan].into_iter().map(|k| self.d.overdue_of(k)).sum()
    }

    fn holder(&self, t: &hearth_domain::front_door::tasks::Task) -> &str {
        t.assignee.and_then(|u| self.d.users.get(&u)).map_or("The team (not allocated)", String::as_str)
    }
}

pub async fn dashboard(State(s): State<AppState>, Signed { actor }: Signed, v: Visitor) -> Result<Response, WebError> {
    let d = s.app.care_dashboard(&actor).await?;
    let iro = (actor.user.role == hearth_domain::user::Role::ReviewingOfficer).then_some(actor.user.id);
    Ok(render(StatusCode::OK, &DashboardPage { layout: layout(&v, "Children in care"), d, iro }))
}

// ---- the Family Contact Service's queue ---------------------------------------------------

#[derive(Template)]
#[template(path = "family_contact.html")]
struct QueuePage {
    layout: Layout,
    q: hearth_app::FamilyContactQueue,
    can_allocate: bool,
}

impl QueuePage {
    fn name(&self, id: &PersonId) -> String {
        self.q.children.get(id).map(|p| format!("{} {}", p.given_name, p.family_name)).unwrap_or_default()
    }

    fn day(&self, d: &time::Date) -> String {
        day(d)
    }

    fn waited(&self, d: &time::Date) -> String {
        match (self.q.today - *d).whole_days() {
            0 => "today".into(),
            1 => "1 day".into(),
            n => format!("{n} days"),
        }
    }
}

pub async fn family_contact(State(s): State<AppState>, Signed { actor }: Signed, v: Visitor) -> Result<Response, WebError> {
    let q = s.app.family_contact_queue(&actor).await?;
    Ok(render(StatusCode::OK, &QueuePage { layout: layout(&v, "Family Contact Service"), q, can_allocate: actor.can(Permission::RecordManagementOversight) }))
}
