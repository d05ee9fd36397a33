//! Children in need and child protection: the episode as JSON, the changes a client can
//! make to it, and the team's child protection dashboard.
use super::{date, instant, parse_date, DeadlineTask};
use crate::api::dto::front_door::parse_instant;
use hearth_app::{CpDashboardView, EpisodeView};
use hearth_domain::cin::change::Change;
use hearth_domain::cin::codes::{AbuseCategory, ClosureReason, EnquiryOutcome, PlanEndReason, StepDownTo, StrategyDecision};
use hearth_domain::cin::episode::{self as ep, ConferenceDecision, ConferenceKind, InitialDecision, MeetingDetails, ReviewDecision};
use hearth_domain::cin::StepId;
use hearth_domain::codes::Coded;
use hearth_domain::FieldErrors;
use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};
use utoipa::ToSchema;
use uuid::Uuid;

// ---- the episode ---------------------------------------------------------------------------

/// Someone at a discussion, conference or meeting.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ParticipantBody {
    pub name: String,
    pub agency: String,
    #[serde(default)]
    pub role: String,
}

impl From<&ep::Participant> for ParticipantBody {
    fn from(p: &ep::Participant) -> Self {
        ParticipantBody { name: p.name.clone(), agency: p.agency.clone(), role: p.role.clone() }
    }
}

fn people(p: &[ep::Participant]) -> Vec<ParticipantBody> {
    p.iter().map(ParticipantBody::from).collect()
}

/// One action of a child in need plan.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PlanActionBody {
    pub action: String,
    pub owner: String,
    #[schema(format = Date, example = "2026-12-18")]
    pub due: Option<String>,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct CinPlanDetail {
    pub id: Uuid,
    #[schema(format = Date)]
    pub start: String,
    #[schema(format = Date)]
    pub end: Option<String>,
    pub needs: String,
    pub outcomes: String,
    pub actions: Vec<PlanActionBody>,
    /// The dates of its reviews, in order.
    pub reviews: Vec<String>,
    /// The plan's own visiting frequency; `null`: the pack's.
    pub visit_every_working_days: Option<u32>,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct StrategyDiscussionDetail {
    pub id: Uuid,
    #[schema(format = DateTime)]
    pub held_at: String,
    pub participants: Vec<ParticipantBody>,
    pub information: String,
    /// `section_47`, `no_section_47` or `other`.
    pub decision: String,
    pub action_notes: String,
    #[schema(format = DateTime)]
    pub notes_distributed_at: Option<String>,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct EnquiryDetail {
    pub id: Uuid,
    /// The strategy discussion it came from; absent for history imported from a previous
    /// system's CIN census.
    pub strategy_discussion_id: Option<Uuid>,
    #[schema(format = Date)]
    pub start: String,
    /// `not_substantiated`, `substantiated_no_icpc` or `icpc_required`; `no_icpc` for history
    /// imported from a previous system's census (no conference needed, substantiation unknown).
    pub outcome: Option<String>,
    #[schema(format = Date)]
    pub outcome_date: Option<String>,
    /// CIN census `ICPCnotRequired`.
    pub icpc_not_required: bool,
    /// CIN census `InitialCPCtarget`: the initial conference deadline from the strategy
    /// discussion, by the pack in force.
    #[schema(format = Date)]
    pub icpc_target: Option<String>,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ConferenceDetail {
    pub id: Uuid,
    /// `initial` or `review`.
    pub kind: String,
    /// The enquiry of an initial conference.
    pub enquiry_id: Option<Uuid>,
    /// The plan a review reviewed.
    pub plan_id: Option<Uuid>,
    #[schema(format = Date)]
    pub date: String,
    pub attendees: Vec<ParticipantBody>,
    /// `plan`, `no_plan`, `continue` or `end_plan`.
    pub decision: String,
    /// The category of abuse decided (`plan`, `continue`).
    pub category: Option<String>,
    /// Why the plan ended (`end_plan`).
    pub end_reason: Option<String>,
    pub notes: String,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct CpPlanDetail {
    pub id: Uuid,
    /// The initial conference that made it; absent for imported history whose conference
    /// came before the census it was imported from.
    pub conference_id: Option<Uuid>,
    #[schema(format = Date)]
    pub start: String,
    #[schema(format = Date)]
    pub end: Option<String>,
    pub end_reason: Option<String>,
    /// CIN census `InitialCategoryOfAbuse`.
    pub initial_category: String,
    /// CIN census `LatestCategoryOfAbuse`.
    pub latest_category: String,
    /// CIN census `NumberOfPreviousCPP`: derived from the child's other plans.
    pub previous_plans: usize,
    pub visit_every_working_days: Option<u32>,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct CoreGroupDetail {
    pub id: Uuid,
    pub plan_id: Uuid,
    #[schema(format = Date)]
    pub date: String,
    pub attendees: Vec<ParticipantBody>,
    pub actions: String,
}

/// A manager's oversight note; with a decision it is part of the child's decision log.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct OversightDetail {
    pub id: Uuid,
    /// The step it is about; `null`: the episode.
    pub about: Option<Uuid>,
    #[schema(format = DateTime)]
    pub at: String,
    pub by: Uuid,
    pub note: String,
    pub decision: Option<String>,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ClosureDetail {
    #[schema(format = Date)]
    pub date: String,
    /// CIN census `ReasonForClosure` (RC1–RC9).
    pub reason: String,
    /// `early_help` or `universal`.
    pub step_down: Option<String>,
    pub services: Option<String>,
    #[schema(format = Date)]
    pub follow_up_date: Option<String>,
    pub follow_up_note: Option<String>,
}

/// A child's children-in-need episode with every step, its stage and its deadline tasks.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct EpisodeDetail {
    pub id: Uuid,
    /// Send it back with a change; a stale one is a 409.
    pub version: i64,
    pub child_id: Uuid,
    pub referral_id: Uuid,
    /// The referral date (CIN census `CINreferralDate`).
    #[schema(format = Date)]
    pub start: String,
    /// `referral` (no assessment yet), `assessment` (in progress), `no_plan` (assessed, nothing
    /// open), `child_in_need_plan`, `section_47`, `child_protection_plan` or `closed`.
    pub stage: String,
    pub cin_plans: Vec<CinPlanDetail>,
    pub strategy_discussions: Vec<StrategyDiscussionDetail>,
    pub enquiries: Vec<EnquiryDetail>,
    pub conferences: Vec<ConferenceDetail>,
    pub cp_plans: Vec<CpPlanDetail>,
    pub core_groups: Vec<CoreGroupDetail>,
    pub oversight: Vec<OversightDetail>,
    pub closure: Option<ClosureDetail>,
    /// The episode's tasks, open and done, by due date.
    pub tasks: Vec<DeadlineTask>,
}

fn opt_date(d: Option<Date>) -> Option<String> {
    d.map(date)
}

fn stage_code(s: ep::Stage) -> &'static str {
    match s {
        ep::Stage::Referral => "referral",
        ep::Stage::Assessment => "assessment",
        ep::Stage::NoPlan => "no_plan",
        ep::Stage::ChildInNeedPlan => "child_in_need_plan",
        ep::Stage::Section47 => "section_47",
        ep::Stage::ChildProtectionPlan => "child_protection_plan",
        ep::Stage::Closed => "closed",
    }
}

impl From<&EpisodeView> for EpisodeDetail {
    fn from(v: &EpisodeView) -> Self {
        let e = &v.episode.value;
        EpisodeDetail {
            id: e.id.0,
            version: v.episode.version,
            child_id: e.child.0,
            referral_id: e.referral.0,
            start: date(e.start),
            stage: stage_code(v.stage).to_string(),
            cin_plans: e
                .cin_plans
                .iter()
                .map(|p| CinPlanDetail {
                    id: p.id.0,
                    start: date(p.start),
                    end: opt_date(p.end),
                    needs: p.content.needs.clone(),
                    outcomes: p.content.outcomes.clone(),
                    actions: p.content.actions.iter().map(|a| PlanActionBody { action: a.action.clone(), owner: a.owner.clone(), due: opt_date(a.due) }).collect(),
                    reviews: p.reviews.iter().map(|d| date(*d)).collect(),
                    visit_every_working_days: p.visit_every_working_days,
                })
                .collect(),
            strategy_discussions: e
                .strategy_discussions
                .iter()
                .map(|s| StrategyDiscussionDetail {
                    id: s.id.0,
                    held_at: instant(s.held_at),
                    participants: people(&s.participants),
                    information: s.information.clone(),
                    decision: s.decision.code().to_string(),
                    action_notes: s.action_notes.clone(),
                    notes_distributed_at: s.notes_distributed_at.map(instant),
                })
                .collect(),
            enquiries: e
                .enquiries
                .iter()
                .map(|q| EnquiryDetail {
                    id: q.id.0,
                    strategy_discussion_id: q.strategy.map(|s| s.0),
                    start: date(q.start),
                    outcome: q.outcome.map(|o| o.code().to_string()),
                    outcome_date: opt_date(q.outcome_date),
                    icpc_not_required: q.icpc_not_required(),
                    icpc_target: v.icpc_targets.get(&q.id).map(|d| d.due.date()).or(q.icpc_target).map(date),
                })
                .collect(),
            conferences: e.conferences.iter().map(conference).collect(),
            cp_plans: e
                .cp_plans
                .iter()
                .map(|p| CpPlanDetail {
                    id: p.id.0,
                    conference_id: p.conference.map(|c| c.0),
                    start: date(p.start),
                    end: opt_date(p.end),
                    end_reason: p.end_reason.map(|r| r.code().to_string()),
                    initial_category: p.initial_category.code().to_string(),
                    latest_category: p.latest_category.code().to_string(),
                    previous_plans: v.previous_plans.get(&p.id).copied().unwrap_or(0),
                    visit_every_working_days: p.visit_every_working_days,
                })
                .collect(),
            core_groups: e.core_groups.iter().map(|m| CoreGroupDetail { id: m.id.0, plan_id: m.plan.0, date: date(m.date), attendees: people(&m.attendees), actions: m.actions.clone() }).collect(),
            oversight: e
                .oversight
                .iter()
                .map(|o| OversightDetail { id: o.id.0, about: o.about.map(|s| s.0), at: instant(o.at), by: o.by.0, note: o.note.clone(), decision: o.decision.clone() })
                .collect(),
            closure: e.closure.as_ref().map(|c| ClosureDetail {
                date: date(c.date),
                reason: c.reason.code().to_string(),
                step_down: c.step_down.as_ref().map(|s| s.to.code().to_string()),
                services: c.step_down.as_ref().map(|s| s.services.clone()),
                follow_up_date: c.step_down.as_ref().and_then(|s| s.follow_up.as_ref()).map(|f| date(f.date)),
                follow_up_note: c.step_down.as_ref().and_then(|s| s.follow_up.as_ref()).map(|f| f.note.clone()),
            }),
            tasks: v.tasks.iter().map(DeadlineTask::from).collect(),
        }
    }
}

fn conference(c: &ep::Conference) -> ConferenceDetail {
    let (kind, enquiry_id, plan_id) = match c.kind {
        ConferenceKind::Initial { enquiry } => ("initial", Some(enquiry.0), None),
        ConferenceKind::Review { plan } => ("review", None, Some(plan.0)),
    };
    let (decision, category, end_reason) = match c.decision {
        ConferenceDecision::Plan { category } => ("plan", Some(category.code().to_string()), None),
        ConferenceDecision::NoPlan => ("no_plan", None, None),
        ConferenceDecision::Continue { category } => ("continue", Some(category.code().to_string()), None),
        ConferenceDecision::EndPlan { reason } => ("end_plan", None, Some(reason.code().to_string())),
    };
    ConferenceDetail {
        id: c.id.0,
        kind: kind.to_string(),
        enquiry_id,
        plan_id,
        date: date(c.date),
        attendees: people(&c.attendees),
        decision: decision.to_string(),
        category,
        end_reason,
        notes: c.notes.clone(),
    }
}

/// A child's episode in a list.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct EpisodeSummary {
    pub id: Uuid,
    pub referral_id: Uuid,
    #[schema(format = Date)]
    pub start: String,
    pub open: bool,
    /// `true` while a child protection plan is open.
    pub on_cp_plan: bool,
    #[schema(format = Date)]
    pub closed: Option<String>,
    pub closure_reason: Option<String>,
}

impl From<&ep::Episode> for EpisodeSummary {
    fn from(e: &ep::Episode) -> Self {
        EpisodeSummary {
            id: e.id.0,
            referral_id: e.referral.0,
            start: date(e.start),
            open: e.is_open(),
            on_cp_plan: e.open_cp_plan().is_some(),
            closed: e.closure.as_ref().map(|c| date(c.date)),
            closure_reason: e.closure.as_ref().map(|c| c.reason.code().to_string()),
        }
    }
}

/// What a change made.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ChangeMade {
    /// The episode's version after the change.
    pub version: i64,
    /// The step it made (a plan, a discussion, an enquiry, a conference, a meeting, a note).
    pub step_id: Option<Uuid>,
    /// The child protection plan an initial conference made.
    pub plan_id: Option<Uuid>,
    /// The child in need plan that plan replaced (ended on the conference date).
    pub ended_cin_plan_id: Option<Uuid>,
}

// ---- changes ---------------------------------------------------------------------------------

/// A change to an episode, at the version the client read.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EpisodeChange {
    pub version: i64,
    pub change: ChangeBody,
}

/// One change, named by `type`. Dates are `YYYY-MM-DD`, instants RFC 3339 with an offset,
/// codes as listed on each field. A missing or invalid value is a field error naming it.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum ChangeBody {
    StartCinPlan {
        start: Option<String>,
        needs: String,
        outcomes: String,
        #[serde(default)]
        actions: Vec<PlanActionBody>,
        visit_every_working_days: Option<u32>,
    },
    UpdateCinPlan {
        plan: Uuid,
        needs: String,
        outcomes: String,
        #[serde(default)]
        actions: Vec<PlanActionBody>,
        visit_every_working_days: Option<u32>,
    },
    ReviewCinPlan { plan: Uuid, date: Option<String> },
    EndCinPlan { plan: Uuid, end: Option<String> },
    StrategyDiscussion {
        held_at: Option<String>,
        #[serde(default)]
        participants: Vec<ParticipantBody>,
        #[serde(default)]
        information: String,
        /// `section_47`, `no_section_47` or `other`.
        decision: Option<String>,
        #[serde(default)]
        action_notes: String,
    },
    ActionNotesSent { strategy: Uuid, at: Option<String> },
    StartEnquiry { strategy: Option<Uuid>, start: Option<String> },
    ConcludeEnquiry {
        enquiry: Uuid,
        /// `not_substantiated`, `substantiated_no_icpc` or `icpc_required`.
        outcome: Option<String>,
        date: Option<String>,
    },
    InitialConference {
        enquiry: Uuid,
        date: Option<String>,
        #[serde(default)]
        attendees: Vec<ParticipantBody>,
        #[serde(default)]
        notes: String,
        /// `plan` or `no_plan`.
        decision: Option<String>,
        /// With a plan: `NEG`, `PHY`, `EMO`, `SAB` or `MUL`.
        category: Option<String>,
    },
    ReviewConference {
        plan: Uuid,
        date: Option<String>,
        #[serde(default)]
        attendees: Vec<ParticipantBody>,
        #[serde(default)]
        notes: String,
        /// `continue` (with `category`) or `end` (with `reason`).
        decision: Option<String>,
        category: Option<String>,
        reason: Option<String>,
    },
    EndCpPlan { plan: Uuid, end: Option<String>, reason: Option<String> },
    CpVisitFrequency { plan: Uuid, visit_every_working_days: Option<u32> },
    CoreGroup {
        plan: Uuid,
        date: Option<String>,
        #[serde(default)]
        attendees: Vec<ParticipantBody>,
        #[serde(default)]
        actions: String,
    },
    Oversight { about: Option<Uuid>, note: String, decision: Option<String> },
    Close {
        date: Option<String>,
        /// `RC1` … `RC9`.
        reason: Option<String>,
        /// `early_help` or `universal`; absent: no step-down.
        step_down: Option<String>,
        services: Option<String>,
    },
    FollowUp { date: Option<String>, note: String },
}

/// Reads a request's strings into values, collecting a field error for each bad one.
pub(super) struct Reader(pub(super) FieldErrors);

impl Reader {
    /// An optional value of `field`: absent or blank is `None`; one `parse` refuses is a
    /// field error with `message`.
    pub(super) fn parsed<T>(&mut self, field: &str, v: &Option<String>, parse: fn(&str) -> Option<T>, message: &str) -> Option<T> {
        let s = v.as_deref().map(str::trim).filter(|s| !s.is_empty())?;
        let t = parse(s);
        if t.is_none() {
            self.0.add(field, message);
        }
        t
    }

    pub(super) fn date(&mut self, field: &str, v: &Option<String>) -> Option<Date> {
        self.parsed(field, v, parse_date, "Enter a real date as YYYY-MM-DD, for example 2026-11-24")
    }

    /// A date the request must have: absent or blank is a field error too.
    pub(super) fn required_date(&mut self, field: &str, v: &Option<String>) -> Option<Date> {
        let d = self.date(field, v);
        if d.is_none() && self.0.get(field).is_none() {
            self.0.add(field, "This field is required");
        }
        d
    }

    fn instant(&mut self, field: &str, v: &Option<String>) -> Option<OffsetDateTime> {
        self.parsed(field, v, parse_instant, "Enter a date and time as RFC 3339 with its offset, for example 2026-11-24T09:30:00Z")
    }

    pub(super) fn code<C: Coded>(&mut self, field: &str, v: &Option<String>) -> Option<C> {
        let s = v.as_deref().map(str::trim).filter(|s| !s.is_empty())?;
        let c = C::from_code(s);
        if c.is_none() {
            let codes: Vec<&str> = C::ALL.iter().map(|c| c.code()).collect();
            self.0.add(field, format!("Enter one of {}", codes.join(", ")));
        }
        c
    }

    fn content(&mut self, needs: &str, outcomes: &str, actions: &[PlanActionBody]) -> ep::PlanContent {
        let actions = actions
            .iter()
            .enumerate()
            .map(|(i, a)| ep::PlanAction { action: a.action.trim().to_string(), owner: a.owner.trim().to_string(), due: self.date(&format!("actions-{}-due", i + 1), &a.due) })
            .collect();
        ep::PlanContent { needs: needs.trim().to_string(), outcomes: outcomes.trim().to_string(), actions }
    }
}

fn participants(p: &[ParticipantBody]) -> Vec<ep::Participant> {
    p.iter().map(|p| ep::Participant { name: p.name.trim().to_string(), agency: p.agency.trim().to_string(), role: p.role.trim().to_string() }).collect()
}

fn meeting(r: &mut Reader, d: &Option<String>, attendees: &[ParticipantBody], notes: &str) -> MeetingDetails {
    MeetingDetails { date: r.date("date", d), participants: participants(attendees), notes: notes.trim().to_string() }
}

impl ChangeBody {
    pub fn to_domain(&self) -> Result<Change, FieldErrors> {
        let mut r = Reader(FieldErrors::new());
        let step = |u: &Uuid| StepId(*u);
        let change = match self {
            ChangeBody::StartCinPlan { start, needs, outcomes, actions, visit_every_working_days } => {
                Change::StartCinPlan { start: r.date("start", start), content: r.content(needs, outcomes, actions), visit_every: *visit_every_working_days }
            }
            ChangeBody::UpdateCinPlan { plan, needs, outcomes, actions, visit_every_working_days } => {
                Change::UpdateCinPlan { plan: step(plan), content: r.content(needs, outcomes, actions), visit_every: *visit_every_working_days }
            }
            ChangeBody::ReviewCinPlan { plan, date } => Change::ReviewCinPlan { plan: step(plan), date: r.date("date", date) },
            ChangeBody::EndCinPlan { plan, end } => Change::EndCinPlan { plan: step(plan), end: r.date("end", end) },
            ChangeBody::StrategyDiscussion { held_at, participants: p, information, decision, action_notes } => Change::StrategyDiscussion {
                held_at: r.instant("held_at", held_at),
                participants: participants(p),
                information: information.trim().to_string(),
                decision: r.code::<StrategyDecision>("decision", decision),
                action_notes: action_notes.trim().to_string(),
            },
            ChangeBody::ActionNotesSent { strategy, at } => Change::ActionNotesSent { strategy: step(strategy), at: r.instant("distributed_at", at) },
            ChangeBody::StartEnquiry { strategy, start } => Change::StartEnquiry { strategy: strategy.as_ref().map(step), start: r.date("start", start) },
            ChangeBody::ConcludeEnquiry { enquiry, outcome, date } => {
                Change::ConcludeEnquiry { enquiry: step(enquiry), outcome: r.code::<EnquiryOutcome>("outcome", outcome), date: r.date("outcome_date", date) }
            }
            ChangeBody::InitialConference { enquiry, date, attendees, notes, decision, category } => {
                let m = meeting(&mut r, date, attendees, notes);
                let category = r.code::<AbuseCategory>("category", category);
                let decision = match (decision.as_deref(), category) {
                    (Some("plan"), Some(category)) => Some(InitialDecision::Plan { category }),
                    (Some("plan"), None) => {
                        r.0.add("category", "Enter the category of abuse of the plan");
                        None
                    }
                    (Some("no_plan"), _) => Some(InitialDecision::NoPlan),
                    (None, _) => None,
                    (Some(_), _) => {
                        r.0.add("decision", "Enter plan or no_plan");
                        None
                    }
                };
                Change::InitialConference { enquiry: step(enquiry), meeting: m, decision }
            }
            ChangeBody::ReviewConference { plan, date, attendees, notes, decision, category, reason } => {
                let m = meeting(&mut r, date, attendees, notes);
                let category = r.code::<AbuseCategory>("category", category);
                let reason = r.code::<PlanEndReason>("reason", reason);
                let decision = match decision.as_deref() {
                    Some("continue") => category.map(|category| ReviewDecision::Continue { category }).or_else(|| {
                        r.0.add("category", "Enter the latest category of abuse");
                        None
                    }),
                    Some("end") => reason.map(|reason| ReviewDecision::EndPlan { reason }).or_else(|| {
                        r.0.add("reason", "Enter why the plan ends");
                        None
                    }),
                    None => None,
                    Some(_) => {
                        r.0.add("decision", "Enter continue or end");
                        None
                    }
                };
                Change::ReviewConference { plan: step(plan), meeting: m, decision }
            }
            ChangeBody::EndCpPlan { plan, end, reason } => Change::EndCpPlan { plan: step(plan), end: r.date("end", end), reason: r.code::<PlanEndReason>("reason", reason) },
            ChangeBody::CpVisitFrequency { plan, visit_every_working_days } => Change::CpVisitFrequency { plan: step(plan), every: *visit_every_working_days },
            ChangeBody::CoreGroup { plan, date, attendees, actions } => Change::CoreGroup { plan: step(plan), meeting: meeting(&mut r, date, attendees, actions) },
            ChangeBody::Oversight { about, note, decision } => Change::Oversight { about: about.as_ref().map(step), note: note.trim().to_string(), decision: decision.clone() },
            ChangeBody::Close { date, reason, step_down, services } => {
                let to = r.code::<StepDownTo>("step_down", step_down);
                Change::Close { date: r.date("date", date), reason: r.code::<ClosureReason>("reason", reason), step_down: to.map(|to| (to, services.clone().unwrap_or_default())) }
            }
            ChangeBody::FollowUp { date, note } => Change::FollowUp { date: r.date("date", date), note: note.trim().to_string() },
        };
        r.0.into_result()?;
        Ok(change)
    }
}

// ---- the dashboard ---------------------------------------------------------------------------

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct DashboardPlan {
    pub child_id: Uuid,
    pub episode_id: Uuid,
    pub plan_id: Uuid,
    #[schema(format = Date)]
    pub start: String,
    pub initial_category: String,
    pub latest_category: String,
    /// `under_3_months`, `3_to_6_months`, `6_to_12_months`, `1_to_2_years` or `over_2_years`.
    pub duration: String,
    pub previous_plans: usize,
    pub over_two_years: bool,
    /// A second or later plan.
    pub repeat: bool,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct CountOf {
    pub code: String,
    pub label: String,
    pub count: usize,
}

/// The child protection dashboard of the caller's teams.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct CpDashboard {
    #[schema(format = Date)]
    pub today: String,
    pub teams: Vec<String>,
    /// Longest on a plan first.
    pub plans: Vec<DashboardPlan>,
    pub by_category: Vec<CountOf>,
    pub by_duration: Vec<CountOf>,
    /// Overdue initial conferences, reviews, core groups and visits, oldest due first.
    pub overdue: Vec<DeadlineTask>,
}

impl From<&CpDashboardView> for CpDashboard {
    fn from(v: &CpDashboardView) -> Self {
        let d = &v.dashboard;
        CpDashboard {
            today: date(v.today),
            teams: v.teams.clone(),
            plans: d
                .plans
                .iter()
                .map(|row| (row, &row.plan))
                .map(|(row, p)| DashboardPlan {
                    child_id: p.child.0,
                    episode_id: p.episode.0,
                    plan_id: p.plan.0,
                    start: date(p.start),
                    initial_category: p.initial_category.code().to_string(),
                    latest_category: p.latest_category.code().to_string(),
                    duration: row.duration.code().to_string(),
                    previous_plans: p.previous,
                    over_two_years: row.over_two_years(),
                    repeat: row.repeat(),
                })
                .collect(),
            by_category: d.by_category.iter().map(|(c, n)| CountOf { code: c.code().to_string(), label: c.label().to_string(), count: *n }).collect(),
            by_duration: d.by_duration.iter().map(|(b, n)| CountOf { code: b.code().to_string(), label: b.label().to_string(), count: *n }).collect(),
            overdue: v.overdue.iter().map(DeadlineTask::from).collect(),
        }
    }
}
