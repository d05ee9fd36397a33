//! The child's CIN episode and the rules between its steps. Every operation checks its
//! input against what is already recorded and either changes the episode or answers the
//! field errors (naming the record it conflicts with) and changes nothing.
use super::codes::{AbuseCategory, ClosureReason, EnquiryOutcome, PlanEndReason, StepDownTo, StrategyDecision};
use super::{EpisodeId, StepId};
use crate::calendar::describe_date;
use crate::front_door::ReferralId;
use crate::local_time::uk_local;
use crate::validation::FieldErrors;
use crate::{PersonId, UserId};
use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};

/// Longest free text of a step (action notes, plan content), in characters.
pub const MAX_TEXT: usize = 20_000;
/// Longest name, agency or role of a participant.
pub const MAX_NAME: usize = 200;
/// Most participants of one meeting.
pub const MAX_PARTICIPANTS: usize = 60;

/// Someone at a discussion, conference or meeting.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Participant {
    pub name: String,
    pub agency: String,
    pub role: String,
}

/// One action of a plan: what, who, by when.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanAction {
    pub action: String,
    pub owner: String,
    pub due: Option<Date>,
}

/// What a child in need plan says.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanContent {
    pub needs: String,
    pub outcomes: String,
    pub actions: Vec<PlanAction>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CinPlan {
    pub id: StepId,
    pub start: Date,
    pub end: Option<Date>,
    pub content: PlanContent,
    /// The dates the plan was reviewed, in order.
    pub reviews: Vec<Date>,
    /// Visits at most this many working days apart, instead of the pack's interval.
    pub visit_every_working_days: Option<u32>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StrategyDiscussion {
    pub id: StepId,
    pub held_at: OffsetDateTime,
    pub participants: Vec<Participant>,
    pub information: String,
    pub decision: StrategyDecision,
    pub action_notes: String,
    /// When the action notes went to the participants.
    pub notes_distributed_at: Option<OffsetDateTime>,
}

impl StrategyDiscussion {
    /// The day it was held, in England.
    pub fn date(&self) -> Date {
        uk_local(self.held_at).date()
    }
}

/// A section 47 enquiry, started from a strategy discussion that decided on one.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Enquiry {
    pub id: StepId,
    /// `None` only for history brought in from a previous system's census, which does not
    /// record the discussion.
    pub strategy: Option<StepId>,
    pub start: Date,
    pub outcome: Option<EnquiryOutcome>,
    pub outcome_date: Option<Date>,
    /// The initial conference target a previous system's census gave (imported history);
    /// otherwise it is counted from the strategy discussion.
    #[serde(default)]
    pub icpc_target: Option<Date>,
}

impl Enquiry {
    /// CIN census `ICPCnotRequired`: concluded without the need for an initial conference.
    pub fn icpc_not_required(&self) -> bool {
        matches!(self.outcome, Some(EnquiryOutcome::NotSubstantiated | EnquiryOutcome::SubstantiatedNoConference | EnquiryOutcome::NoConference))
    }
}

/// What a conference decided.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "decision", rename_all = "snake_case")]
pub enum ConferenceDecision {
    /// Initial conference: a child protection plan, under this category.
    Plan { category: AbuseCategory },
    /// Initial conference: no plan.
    NoPlan,
    /// Review: the plan continues; the latest category may change.
    Continue { category: AbuseCategory },
    /// Review: the plan ends.
    EndPlan { reason: PlanEndReason },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ConferenceKind {
    Initial { enquiry: StepId },
    Review { plan: StepId },
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Conference {
    pub id: StepId,
    pub kind: ConferenceKind,
    pub date: Date,
    pub attendees: Vec<Participant>,
    pub decision: ConferenceDecision,
    pub notes: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CpPlan {
    pub id: StepId,
    /// The initial conference that made it; `None` for imported history whose conference
    /// was before the census the plan came from.
    pub conference: Option<StepId>,
    pub start: Date,
    pub initial_category: AbuseCategory,
    pub latest_category: AbuseCategory,
    pub end: Option<Date>,
    pub end_reason: Option<PlanEndReason>,
    /// Visits at most this many working days apart, instead of the pack's interval.
    pub visit_every_working_days: Option<u32>,
    /// Earlier plans of the child that Hearth does not hold: what a previous system's
    /// census counted (`NumberOfPreviousCPP`) beyond the plans imported with it.
    #[serde(default)]
    pub earlier_plans_not_held: u32,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CoreGroupMeeting {
    pub id: StepId,
    pub plan: StepId,
    pub date: Date,
    pub attendees: Vec<Participant>,
    pub actions: String,
}

/// A manager's oversight note on the episode or on one of its steps; with a decision, it
/// is part of the child's decision log.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OversightNote {
    pub id: StepId,
    /// The step it is about; `None`: the episode as a whole.
    pub about: Option<StepId>,
    pub at: OffsetDateTime,
    pub by: UserId,
    pub note: String,
    pub decision: Option<String>,
}

/// The follow-up contact with the step-down service (seed 001: three months after closure).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FollowUp {
    pub date: Date,
    pub note: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepDown {
    pub to: StepDownTo,
    /// The services arranged.
    pub services: String,
    pub follow_up: Option<FollowUp>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Closure {
    pub date: Date,
    pub reason: ClosureReason,
    pub step_down: Option<StepDown>,
}

/// Where the child is in the episode.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// No assessment started yet.
    Referral,
    /// The assessment is in progress.
    Assessment,
    /// Assessed (or every plan and enquiry over), nothing open.
    NoPlan,
    ChildInNeedPlan,
    Section47,
    ChildProtectionPlan,
    Closed,
}

impl Stage {
    pub fn label(self) -> &'static str {
        match self {
            Stage::Referral => "Referral",
            Stage::Assessment => "Assessment",
            Stage::NoPlan => "Open, no plan",
            Stage::ChildInNeedPlan => "Child in need plan",
            Stage::Section47 => "Section 47 enquiry",
            Stage::ChildProtectionPlan => "Child protection plan",
            Stage::Closed => "Closed",
        }
    }
}

/// A child's children-in-need episode, from referral to closure.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Episode {
    pub id: EpisodeId,
    pub child: PersonId,
    pub referral: ReferralId,
    /// The referral date (CIN census `CINreferralDate`).
    pub start: Date,
    pub cin_plans: Vec<CinPlan>,
    pub strategy_discussions: Vec<StrategyDiscussion>,
    pub enquiries: Vec<Enquiry>,
    pub conferences: Vec<Conference>,
    pub cp_plans: Vec<CpPlan>,
    pub core_groups: Vec<CoreGroupMeeting>,
    pub oversight: Vec<OversightNote>,
    pub closure: Option<Closure>,
}

/// What the initial conference decided.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InitialDecision {
    Plan { category: AbuseCategory },
    NoPlan,
}

/// What a review conference decided.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReviewDecision {
    Continue { category: AbuseCategory },
    EndPlan { reason: PlanEndReason },
}

/// What recording an initial conference did besides recording it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct InitialConferenceOutcome {
    pub conference: StepId,
    /// The child protection plan it made.
    pub plan: Option<StepId>,
    /// A child in need plan that ended because the child protection plan replaced it.
    pub ended_cin_plan: Option<StepId>,
}

/// A meeting's common details as a form gives them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MeetingDetails {
    pub date: Option<Date>,
    pub participants: Vec<Participant>,
    pub notes: String,
}

fn day(d: Date) -> String {
    describe_date(d)
}

fn check_text(e: &mut FieldErrors, field: &str, label: &str, value: &str, required: bool) {
    crate::front_door::check_text(e, field, label, value, required, MAX_TEXT);
}

fn check_participants(e: &mut FieldErrors, field: &str, people: &[Participant], required: bool) {
    if required && people.is_empty() {
        e.add(field, "Enter at least one participant: name, agency and role");
    }
    if people.len() > MAX_PARTICIPANTS {
        e.add(field, format!("Enter {MAX_PARTICIPANTS} participants or fewer"));
    }
    for (i, p) in people.iter().enumerate() {
        let n = i + 1;
        if p.name.trim().is_empty() {
            e.add(format!("{field}-{n}-name"), format!("Enter the name of participant {n}"));
        }
        if p.agency.trim().is_empty() {
            e.add(format!("{field}-{n}-agency"), format!("Enter the agency of participant {n}"));
        }
        for (part, value) in [("name", &p.name), ("agency", &p.agency), ("role", &p.role)] {
            if value.chars().count() > MAX_NAME {
                e.add(format!("{field}-{n}-{part}"), format!("The {part} of participant {n} must be {MAX_NAME} characters or fewer"));
            }
        }
    }
}

/// A required date: present, not in the future, not before `not_before` (with the record
/// that sets it named in the message).
fn check_date(e: &mut FieldErrors, field: &str, label: &str, date: Option<Date>, today: Date, not_before: &[(Date, String)]) -> Option<Date> {
    let Some(d) = date else {
        e.add(field, format!("Enter the {label}"));
        return None;
    };
    if d > today {
        e.add(field, format!("The {label} must be today or in the past"));
        return None;
    }
    if let Some((limit, what)) = not_before.iter().filter(|(limit, _)| d < *limit).max_by_key(|(limit, _)| *limit) {
        e.add(field, format!("The {label} must be on or after {what} on {}", day(*limit)));
        return None;
    }
    Some(d)
}

impl Episode {
    /// The episode a referral opens.
    pub fn open(child: PersonId, referral: ReferralId, start: Date) -> Episode {
        Episode {
            id: EpisodeId::new(),
            child,
            referral,
            start,
            cin_plans: Vec::new(),
            strategy_discussions: Vec::new(),
            enquiries: Vec::new(),
            conferences: Vec::new(),
            cp_plans: Vec::new(),
            core_groups: Vec::new(),
            oversight: Vec::new(),
            closure: None,
        }
    }

    pub fn is_open(&self) -> bool {
        self.closure.is_none()
    }

    fn ensure_open(&self, e: &mut FieldErrors) {
        if let Some(c) = &self.closure {
            e.add("episode", format!("The episode closed on {}; a new referral opens a new episode", day(c.date)));
        }
    }

    fn referral_limit(&self) -> (Date, String) {
        (self.start, "the referral".to_string())
    }

    pub fn open_cin_plan(&self) -> Option<&CinPlan> {
        self.cin_plans.iter().find(|p| p.end.is_none())
    }

    pub fn open_cp_plan(&self) -> Option<&CpPlan> {
        self.cp_plans.iter().find(|p| p.end.is_none())
    }

    /// Enquiries still running: no outcome yet, or an initial conference required and not
    /// yet held.
    pub fn open_enquiries(&self) -> impl Iterator<Item = &Enquiry> {
        self.enquiries.iter().filter(|q| q.outcome.is_none() || (q.outcome == Some(EnquiryOutcome::ConferenceRequired) && self.initial_conference(q.id).is_none()))
    }

    pub fn strategy(&self, id: StepId) -> Option<&StrategyDiscussion> {
        self.strategy_discussions.iter().find(|s| s.id == id)
    }

    pub fn enquiry(&self, id: StepId) -> Option<&Enquiry> {
        self.enquiries.iter().find(|q| q.id == id)
    }

    pub fn cp_plan(&self, id: StepId) -> Option<&CpPlan> {
        self.cp_plans.iter().find(|p| p.id == id)
    }

    pub fn cin_plan(&self, id: StepId) -> Option<&CinPlan> {
        self.cin_plans.iter().find(|p| p.id == id)
    }

    /// The initial conference of an enquiry, once held.
    pub fn initial_conference(&self, enquiry: StepId) -> Option<&Conference> {
        self.conferences.iter().find(|c| c.kind == ConferenceKind::Initial { enquiry })
    }

    /// A plan's review conferences, in date order.
    pub fn reviews(&self, plan: StepId) -> Vec<&Conference> {
        let mut v: Vec<&Conference> = self.conferences.iter().filter(|c| c.kind == ConferenceKind::Review { plan }).collect();
        v.sort_by_key(|c| c.date);
        v
    }

    /// A plan's core group meetings, in date order.
    pub fn core_groups_of(&self, plan: StepId) -> Vec<&CoreGroupMeeting> {
        let mut v: Vec<&CoreGroupMeeting> = self.core_groups.iter().filter(|m| m.plan == plan).collect();
        v.sort_by_key(|m| m.date);
        v
    }

    /// Where the child is: the most serious open step. `assessment`: whether the referral's
    /// assessment was started (`None`: not yet) and is complete.
    pub fn stage(&self, assessment: Option<bool>) -> Stage {
        if self.closure.is_some() {
            Stage::Closed
        } else if self.open_cp_plan().is_some() {
            Stage::ChildProtectionPlan
        } else if self.open_enquiries().next().is_some() {
            Stage::Section47
        } else if self.open_cin_plan().is_some() {
            Stage::ChildInNeedPlan
        } else {
            match assessment {
                None => Stage::Referral,
                Some(false) => Stage::Assessment,
                Some(true) => Stage::NoPlan,
            }
        }
    }

    // ---- Child in need plans --------------------------------------------------------

    /// Starts a child in need plan.
    pub fn start_cin_plan(&mut self, start: Option<Date>, content: PlanContent, visit_every_working_days: Option<u32>, today: Date) -> Result<StepId, FieldErrors> {
        let mut e = FieldErrors::new();
        self.ensure_open(&mut e);
        let start = check_date(&mut e, "start", "start date", start, today, &[self.referral_limit()]);
        if let Some(p) = self.open_cin_plan() {
            e.add("start", format!("The child already has a child in need plan, started on {}; end it first", day(p.start)));
        }
        if let Some(p) = self.open_cp_plan() {
            e.add("start", format!("The child is on a child protection plan, started on {}; a child in need plan cannot run beside it", day(p.start)));
        }
        check_content(&mut e, &content);
        check_interval(&mut e, visit_every_working_days);
        e.into_result()?;
        let id = StepId::new();
        let start = start.unwrap_or(today);
        self.cin_plans.push(CinPlan { id, start, end: None, content, reviews: Vec::new(), visit_every_working_days });
        Ok(id)
    }

    /// Changes what a plan says (its history is the episode's versions).
    pub fn update_cin_plan(&mut self, id: StepId, content: PlanContent, visit_every_working_days: Option<u32>) -> Result<(), FieldErrors> {
        let mut e = FieldErrors::new();
        self.ensure_open(&mut e);
        check_content(&mut e, &content);
        check_interval(&mut e, visit_every_working_days);
        let plan = self.cin_plans.iter_mut().find(|p| p.id == id);
        match plan {
            None => e.add("plan", "There is no such child in need plan in this episode"),
            Some(p) if p.end.is_some() => e.add("plan", "The plan has ended; start a new one to change it"),
            Some(_) => {}
        }
        e.into_result()?;
        if let Some(p) = self.cin_plans.iter_mut().find(|p| p.id == id) {
            p.content = content;
            p.visit_every_working_days = visit_every_working_days;
        }
        Ok(())
    }

    /// Records a review of an open child in need plan.
    pub fn review_cin_plan(&mut self, id: StepId, date: Option<Date>, today: Date) -> Result<(), FieldErrors> {
        let mut e = FieldErrors::new();
        self.ensure_open(&mut e);
        let Some(plan) = self.cin_plan(id).filter(|p| p.end.is_none()) else {
            e.add("plan", "There is no open child in need plan to review");
            return Err(e);
        };
        let mut limits = vec![(plan.start, "the start of the plan".to_string())];
        if let Some(last) = plan.reviews.last() {
            limits.push((*last, "the last review".to_string()));
        }
        let date = check_date(&mut e, "date", "review date", date, today, &limits);
        e.into_result()?;
        if let (Some(p), Some(d)) = (self.cin_plans.iter_mut().find(|p| p.id == id), date) {
            p.reviews.push(d);
        }
        Ok(())
    }

    /// Ends an open child in need plan.
    pub fn end_cin_plan(&mut self, id: StepId, end: Option<Date>, today: Date) -> Result<(), FieldErrors> {
        let mut e = FieldErrors::new();
        self.ensure_open(&mut e);
        let Some(plan) = self.cin_plan(id).filter(|p| p.end.is_none()) else {
            e.add("plan", "There is no open child in need plan to end");
            return Err(e);
        };
        let mut limits = vec![(plan.start, "the start of the plan".to_string())];
        if let Some(last) = plan.reviews.last() {
            limits.push((*last, "the plan's last review".to_string()));
        }
        let end = check_date(&mut e, "end", "end date", end, today, &limits);
        e.into_result()?;
        if let Some(p) = self.cin_plans.iter_mut().find(|p| p.id == id) {
            p.end = end;
        }
        Ok(())
    }

    // ---- Strategy discussions and section 47 enquiries --------------------------------

    /// Records a strategy discussion held at `held_at`.
    #[allow(clippy::too_many_arguments)]
    pub fn record_strategy_discussion(&mut self, held_at: Option<OffsetDateTime>, participants: Vec<Participant>, information: String, decision: Option<StrategyDecision>, action_notes: String, now: OffsetDateTime) -> Result<StepId, FieldErrors> {
        let mut e = FieldErrors::new();
        self.ensure_open(&mut e);
        let today = uk_local(now).date();
        let date = check_date(&mut e, "held_at", "date of the discussion", held_at.map(|t| uk_local(t).date()), today, &[self.referral_limit()]);
        if date.is_some() && held_at.is_some_and(|t| t > now) {
            e.add("held_at", "The time of the discussion must be in the past");
        }
        check_participants(&mut e, "participants", &participants, true);
        check_text(&mut e, "information", "the information shared", &information, true);
        check_text(&mut e, "action_notes", "the action notes", &action_notes, false);
        if decision.is_none() {
            e.add("decision", "Select what the discussion decided");
        }
        e.into_result()?;
        let (held_at, decision) = both(held_at, decision)?;
        let id = StepId::new();
        self.strategy_discussions.push(StrategyDiscussion { id, held_at, participants, information, decision, action_notes, notes_distributed_at: None });
        Ok(id)
    }

    /// Records that the action notes went to the participants at `at`.
    pub fn distribute_action_notes(&mut self, id: StepId, at: Option<OffsetDateTime>, now: OffsetDateTime) -> Result<(), FieldErrors> {
        let mut e = FieldErrors::new();
        let Some(sd) = self.strategy(id) else {
            e.add("strategy", "There is no such strategy discussion in this episode");
            return Err(e);
        };
        if sd.action_notes.trim().is_empty() {
            e.add("action_notes", "Record the action notes before saying they were sent");
        }
        if sd.notes_distributed_at.is_some() {
            e.add("distributed_at", "The action notes were already recorded as sent");
        }
        match at {
            None => e.add("distributed_at", "Enter when the action notes were sent"),
            Some(t) if t > now => e.add("distributed_at", "The time the notes were sent must be in the past"),
            Some(t) if t < sd.held_at => e.add("distributed_at", format!("The notes cannot have been sent before the discussion on {}", day(sd.date()))),
            Some(_) => {}
        }
        e.into_result()?;
        if let Some(sd) = self.strategy_discussions.iter_mut().find(|s| s.id == id) {
            sd.notes_distributed_at = at;
        }
        Ok(())
    }

    /// Starts a section 47 enquiry from a strategy discussion that decided on one.
    pub fn start_enquiry(&mut self, strategy: Option<StepId>, start: Option<Date>, today: Date) -> Result<StepId, FieldErrors> {
        let mut e = FieldErrors::new();
        self.ensure_open(&mut e);
        let Some(sd) = strategy.and_then(|s| self.strategy(s)) else {
            e.add("strategy", "A section 47 enquiry starts from a strategy discussion: record the strategy discussion first");
            return Err(e);
        };
        if sd.decision != StrategyDecision::Section47 {
            e.add("strategy", format!("The strategy discussion on {} did not decide on a section 47 enquiry", day(sd.date())));
        }
        if let Some(q) = self.enquiries.iter().find(|q| q.strategy == Some(sd.id)) {
            e.add("strategy", format!("The strategy discussion on {} already led to the enquiry started on {}", day(sd.date()), day(q.start)));
        } else if let Some(q) = self.enquiries.iter().find(|q| q.outcome.is_none()) {
            e.add("strategy", format!("The enquiry started on {} has no outcome yet; record it first", day(q.start)));
        }
        let sd_date = sd.date();
        let start = check_date(&mut e, "start", "start date", start, today, &[(sd_date, "the strategy discussion".to_string())]);
        e.into_result()?;
        let id = StepId::new();
        self.enquiries.push(Enquiry { id, strategy: Some(sd.id), start: start.unwrap_or(today), outcome: None, outcome_date: None, icpc_target: None });
        Ok(id)
    }

    /// Records the outcome of an enquiry.
    pub fn conclude_enquiry(&mut self, id: StepId, outcome: Option<EnquiryOutcome>, date: Option<Date>, today: Date) -> Result<(), FieldErrors> {
        let mut e = FieldErrors::new();
        self.ensure_open(&mut e);
        let Some(q) = self.enquiry(id) else {
            e.add("enquiry", "There is no such section 47 enquiry in this episode");
            return Err(e);
        };
        if q.outcome.is_some() {
            e.add("outcome", "The enquiry already has an outcome");
        }
        if outcome.is_none() {
            e.add("outcome", "Select the outcome of the enquiry");
        }
        let q_start = q.start;
        check_date(&mut e, "outcome_date", "date of the outcome", date, today, &[(q_start, "the start of the enquiry".to_string())]);
        e.into_result()?;
        if let Some(q) = self.enquiries.iter_mut().find(|q| q.id == id) {
            q.outcome = outcome;
            q.outcome_date = date;
        }
        Ok(())
    }

    // ---- Conferences and child protection plans --------------------------------------

    /// Records the initial child protection conference of an enquiry. A plan it makes
    /// replaces an open child in need plan, which ends on the conference's date.
    pub fn hold_initial_conference(&mut self, enquiry: StepId, meeting: MeetingDetails, decision: Option<InitialDecision>, today: Date) -> Result<InitialConferenceOutcome, FieldErrors> {
        let mut e = FieldErrors::new();
        self.ensure_open(&mut e);
        let Some(q) = self.enquiry(enquiry) else {
            e.add("enquiry", "An initial conference follows a section 47 enquiry: record the enquiry first");
            return Err(e);
        };
        if q.outcome != Some(EnquiryOutcome::ConferenceRequired) {
            e.add("enquiry", format!("The enquiry started on {} has not concluded that an initial conference is required", day(q.start)));
        }
        if let Some(c) = self.initial_conference(enquiry) {
            e.add("enquiry", format!("The initial conference of this enquiry was held on {}", day(c.date)));
        }
        let mut limits = vec![(q.start, "the start of the section 47 enquiry".to_string())];
        if let Some(sd) = q.strategy.and_then(|s| self.strategy(s)) {
            limits.push((sd.date(), "the strategy discussion".to_string()));
        }
        let date = check_date(&mut e, "date", "date of the conference", meeting.date, today, &limits);
        check_participants(&mut e, "attendees", &meeting.participants, true);
        check_text(&mut e, "notes", "the notes", &meeting.notes, false);
        match decision {
            None => e.add("decision", "Select whether the conference made a child protection plan"),
            Some(InitialDecision::Plan { .. }) => {
                if let Some(p) = self.open_cp_plan() {
                    e.add("decision", format!("The child is already on a child protection plan, started on {}; a child has one plan at a time", day(p.start)));
                }
            }
            Some(InitialDecision::NoPlan) => {}
        }
        e.into_result()?;
        let (date, decision) = both(date, decision)?;
        let conference = StepId::new();
        let stored = match decision {
            InitialDecision::Plan { category } => ConferenceDecision::Plan { category },
            InitialDecision::NoPlan => ConferenceDecision::NoPlan,
        };
        self.conferences.push(Conference { id: conference, kind: ConferenceKind::Initial { enquiry }, date, attendees: meeting.participants, decision: stored, notes: meeting.notes });
        let mut outcome = InitialConferenceOutcome { conference, plan: None, ended_cin_plan: None };
        if let InitialDecision::Plan { category } = decision {
            let plan = StepId::new();
            self.cp_plans.push(CpPlan { id: plan, conference: Some(conference), start: date, initial_category: category, latest_category: category, end: None, end_reason: None, visit_every_working_days: None, earlier_plans_not_held: 0 });
            outcome.plan = Some(plan);
            if let Some(cin) = self.cin_plans.iter_mut().find(|p| p.end.is_none()) {
                cin.end = Some(date.max(cin.start));
                outcome.ended_cin_plan = Some(cin.id);
            }
        }
        Ok(outcome)
    }

    /// The latest date a plan's record has: its start, reviews and core groups.
    fn plan_limits(&self, plan: &CpPlan) -> Vec<(Date, String)> {
        let mut limits = vec![(plan.start, "the initial conference".to_string())];
        if let Some(r) = self.reviews(plan.id).last() {
            limits.push((r.date, "the last review conference".to_string()));
        }
        if let Some(m) = self.core_groups_of(plan.id).last() {
            limits.push((m.date, "the last core group meeting".to_string()));
        }
        limits
    }

    /// Records a review conference of an open plan: it continues (the latest category may
    /// change) or it ends.
    pub fn hold_review_conference(&mut self, plan: StepId, meeting: MeetingDetails, decision: Option<ReviewDecision>, today: Date) -> Result<StepId, FieldErrors> {
        let mut e = FieldErrors::new();
        self.ensure_open(&mut e);
        let Some(p) = self.cp_plan(plan).filter(|p| p.end.is_none()) else {
            e.add("plan", "A review conference reviews an open child protection plan, and there is none");
            return Err(e);
        };
        let mut limits = vec![(p.start, "the initial conference".to_string())];
        if let Some(r) = self.reviews(plan).last() {
            limits.push((r.date, "the last review conference".to_string()));
        }
        let date = check_date(&mut e, "date", "date of the conference", meeting.date, today, &limits);
        if date.is_some_and(|d| d == p.start) {
            e.add("date", format!("The review must be after the initial conference on {}", day(p.start)));
        }
        check_participants(&mut e, "attendees", &meeting.participants, true);
        check_text(&mut e, "notes", "the notes", &meeting.notes, false);
        if decision.is_none() {
            e.add("decision", "Select whether the plan continues or ends");
        }
        e.into_result()?;
        let (date, decision) = both(date, decision)?;
        let id = StepId::new();
        let stored = match decision {
            ReviewDecision::Continue { category } => ConferenceDecision::Continue { category },
            ReviewDecision::EndPlan { reason } => ConferenceDecision::EndPlan { reason },
        };
        self.conferences.push(Conference { id, kind: ConferenceKind::Review { plan }, date, attendees: meeting.participants, decision: stored, notes: meeting.notes });
        if let Some(p) = self.cp_plans.iter_mut().find(|p| p.id == plan) {
            match decision {
                ReviewDecision::Continue { category } => p.latest_category = category,
                ReviewDecision::EndPlan { reason } => {
                    p.end = Some(date);
                    p.end_reason = Some(reason);
                }
            }
        }
        Ok(id)
    }

    /// Ends an open plan outside a review conference (the child moved away, became looked
    /// after, …). A reason is required.
    pub fn end_cp_plan(&mut self, plan: StepId, end: Option<Date>, reason: Option<PlanEndReason>, today: Date) -> Result<(), FieldErrors> {
        let mut e = FieldErrors::new();
        self.ensure_open(&mut e);
        let Some(p) = self.cp_plan(plan).filter(|p| p.end.is_none()) else {
            e.add("plan", "There is no open child protection plan to end");
            return Err(e);
        };
        let limits = self.plan_limits(p);
        check_date(&mut e, "end", "end date", end, today, &limits);
        if reason.is_none() {
            e.add("reason", "Select why the plan ended");
        }
        e.into_result()?;
        if let Some(p) = self.cp_plans.iter_mut().find(|p| p.id == plan) {
            p.end = end;
            p.end_reason = reason;
        }
        Ok(())
    }

    /// Sets how often the child on a plan is visited, in working days (`None`: the pack's).
    pub fn set_cp_visit_interval(&mut self, plan: StepId, every: Option<u32>) -> Result<(), FieldErrors> {
        let mut e = FieldErrors::new();
        self.ensure_open(&mut e);
        check_interval(&mut e, every);
        if self.cp_plan(plan).filter(|p| p.end.is_none()).is_none() {
            e.add("plan", "There is no open child protection plan to change");
        }
        e.into_result()?;
        if let Some(p) = self.cp_plans.iter_mut().find(|p| p.id == plan) {
            p.visit_every_working_days = every;
        }
        Ok(())
    }

    /// Records a core group meeting of a plan.
    pub fn record_core_group(&mut self, plan: StepId, meeting: MeetingDetails, today: Date) -> Result<StepId, FieldErrors> {
        let mut e = FieldErrors::new();
        self.ensure_open(&mut e);
        let Some(p) = self.cp_plan(plan) else {
            e.add("plan", "A core group meets under a child protection plan, and there is none");
            return Err(e);
        };
        let date = check_date(&mut e, "date", "date of the meeting", meeting.date, today, &[(p.start, "the initial conference".to_string())]);
        if let (Some(d), Some(end)) = (date, p.end)
            && d > end
        {
            e.add("date", format!("The plan ended on {}; a core group meeting must be on or before that", day(end)));
        }
        check_participants(&mut e, "attendees", &meeting.participants, true);
        check_text(&mut e, "notes", "the actions agreed", &meeting.notes, true);
        e.into_result()?;
        let id = StepId::new();
        self.core_groups.push(CoreGroupMeeting { id, plan, date: date.unwrap_or(today), attendees: meeting.participants, actions: meeting.notes });
        Ok(id)
    }

    // ---- Oversight, closure and step-down --------------------------------------------

    /// Adds a management oversight note (with an optional decision) on the episode or one
    /// of its steps.
    pub fn add_oversight(&mut self, about: Option<StepId>, note: String, decision: Option<String>, by: UserId, at: OffsetDateTime) -> Result<StepId, FieldErrors> {
        let mut e = FieldErrors::new();
        check_text(&mut e, "note", "the oversight note", &note, true);
        if let Some(d) = &decision {
            check_text(&mut e, "decision", "the decision", d, false);
        }
        if let Some(step) = about
            && !self.has_step(step)
        {
            e.add("about", "There is no such step in this episode");
        }
        e.into_result()?;
        let id = StepId::new();
        let decision = decision.filter(|d| !d.trim().is_empty());
        self.oversight.push(OversightNote { id, about, at, by, note, decision });
        Ok(id)
    }

    fn has_step(&self, id: StepId) -> bool {
        self.cin_plans.iter().any(|x| x.id == id)
            || self.strategy_discussions.iter().any(|x| x.id == id)
            || self.enquiries.iter().any(|x| x.id == id)
            || self.conferences.iter().any(|x| x.id == id)
            || self.cp_plans.iter().any(|x| x.id == id)
            || self.core_groups.iter().any(|x| x.id == id)
    }

    /// What is still open and stops the episode closing, in words.
    pub fn open_work(&self) -> Vec<String> {
        let mut open = Vec::new();
        if let Some(p) = self.open_cin_plan() {
            open.push(format!("the child in need plan started on {}", day(p.start)));
        }
        if let Some(p) = self.open_cp_plan() {
            open.push(format!("the child protection plan started on {}", day(p.start)));
        }
        for q in self.open_enquiries() {
            match q.outcome {
                None => open.push(format!("the section 47 enquiry started on {} (no outcome yet)", day(q.start))),
                Some(_) => open.push(format!("the section 47 enquiry started on {} (its initial conference is not recorded)", day(q.start))),
            }
        }
        open
    }

    /// The latest date anything in the episode happened.
    pub fn latest_date(&self) -> Date {
        let mut dates = vec![self.start];
        for p in &self.cin_plans {
            dates.push(p.start);
            dates.extend(p.end);
            dates.extend(p.reviews.iter().copied());
        }
        dates.extend(self.strategy_discussions.iter().map(StrategyDiscussion::date));
        for q in &self.enquiries {
            dates.push(q.start);
            dates.extend(q.outcome_date);
        }
        dates.extend(self.conferences.iter().map(|c| c.date));
        dates.extend(self.cp_plans.iter().filter_map(|p| p.end));
        dates.extend(self.core_groups.iter().map(|m| m.date));
        dates.into_iter().max().unwrap_or(self.start)
    }

    /// Closes the episode. Refused, with every open plan and enquiry named, while any is
    /// open; the date is on or after everything recorded.
    pub fn close(&mut self, date: Option<Date>, reason: Option<ClosureReason>, step_down: Option<(StepDownTo, String)>, today: Date) -> Result<(), FieldErrors> {
        let mut e = FieldErrors::new();
        self.ensure_open(&mut e);
        let open = self.open_work();
        if !open.is_empty() {
            e.add("episode", format!("End or conclude {} before closing the episode", join_and(&open)));
        }
        let latest = self.latest_date();
        check_date(&mut e, "date", "closure date", date, today, &[(latest, "the last step recorded in the episode".to_string())]);
        if reason.is_none() {
            e.add("reason", "Select the reason for closure");
        }
        if let Some((_, services)) = &step_down {
            check_text(&mut e, "services", "the services the child is stepping down to", services, true);
        }
        e.into_result()?;
        let (date, reason) = both(date, reason)?;
        let step_down = step_down.map(|(to, services)| StepDown { to, services, follow_up: None });
        self.closure = Some(Closure { date, reason, step_down });
        Ok(())
    }

    /// Records the follow-up with the step-down service.
    pub fn record_follow_up(&mut self, date: Option<Date>, note: String, today: Date) -> Result<(), FieldErrors> {
        let mut e = FieldErrors::new();
        let Some(closure) = &self.closure else {
            e.add("episode", "The episode is still open; the follow-up comes after a step-down closure");
            return Err(e);
        };
        let Some(sd) = &closure.step_down else {
            e.add("episode", "The episode did not step down to another service");
            return Err(e);
        };
        if sd.follow_up.is_some() {
            e.add("episode", "The follow-up was already recorded");
        }
        check_date(&mut e, "date", "date of the follow-up", date, today, &[(closure.date, "the closure".to_string())]);
        check_text(&mut e, "note", "what the service said", &note, true);
        e.into_result()?;
        if let (Some(c), Some(date)) = (self.closure.as_mut(), date)
            && let Some(sd) = c.step_down.as_mut()
        {
            sd.follow_up = Some(FollowUp { date, note });
        }
        Ok(())
    }
}

/// Two required values, checked present just before; a missing one is still an error, not
/// a panic.
fn both<A, B>(a: Option<A>, b: Option<B>) -> Result<(A, B), FieldErrors> {
    match (a, b) {
        (Some(a), Some(b)) => Ok((a, b)),
        _ => {
            let mut e = FieldErrors::new();
            e.add("episode", "Enter every required detail");
            Err(e)
        }
    }
}

fn check_content(e: &mut FieldErrors, c: &PlanContent) {
    check_text(e, "needs", "the child's needs", &c.needs, true);
    check_text(e, "outcomes", "the outcomes the plan is for", &c.outcomes, true);
    for (i, a) in c.actions.iter().enumerate() {
        let n = i + 1;
        if a.action.trim().is_empty() {
            e.add(format!("actions-{n}-action"), format!("Enter what action {n} is"));
        }
        if a.owner.trim().is_empty() {
            e.add(format!("actions-{n}-owner"), format!("Enter who owns action {n}"));
        }
        check_text(e, &format!("actions-{n}-action"), "the action", &a.action, false);
    }
}

fn check_interval(e: &mut FieldErrors, every: Option<u32>) {
    if every.is_some_and(|n| n == 0 || n > 130) {
        e.add("visit_every", "Enter how many working days apart visits are, from 1 to 130");
    }
}

fn join_and(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// CIN census `NumberOfPreviousCPP`: how many of the child's plans (over every episode)
/// started before this one, and the earlier plans a previous system counted that Hearth
/// does not hold (the most any plan up to this one carries: they all came before it).
/// Derived, never typed.
pub fn previous_plans<'a>(all: impl IntoIterator<Item = &'a CpPlan>, plan: &CpPlan) -> usize {
    let earlier: Vec<&CpPlan> = all.into_iter().filter(|p| p.id != plan.id && (p.start, p.id) < (plan.start, plan.id)).collect();
    let not_held = earlier.iter().map(|p| p.earlier_plans_not_held).chain([plan.earlier_plans_not_held]).max().unwrap_or(0);
    earlier.len() + not_held as usize
}
