//! Every change a worker or manager can make to an episode, as one type: the app applies it
//! in one transaction (authorisation, the change, the tasks, the audit entry) whichever form
//! or API call it came from.
use super::codes::{ClosureReason, EnquiryOutcome, PlanEndReason, StepDownTo, StrategyDecision};
use super::episode::{Episode, InitialDecision, MeetingDetails, Participant, PlanContent, ReviewDecision};
use super::StepId;
use crate::local_time::uk_local;
use crate::validation::FieldErrors;
use crate::UserId;
use time::{Date, OffsetDateTime};

/// One change to an episode, with its input as entered (missing values are reported, not
/// assumed).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Change {
    StartCinPlan { start: Option<Date>, content: PlanContent, visit_every: Option<u32> },
    UpdateCinPlan { plan: StepId, content: PlanContent, visit_every: Option<u32> },
    ReviewCinPlan { plan: StepId, date: Option<Date> },
    EndCinPlan { plan: StepId, end: Option<Date> },
    StrategyDiscussion { held_at: Option<OffsetDateTime>, participants: Vec<Participant>, information: String, decision: Option<StrategyDecision>, action_notes: String },
    ActionNotesSent { strategy: StepId, at: Option<OffsetDateTime> },
    StartEnquiry { strategy: Option<StepId>, start: Option<Date> },
    ConcludeEnquiry { enquiry: StepId, outcome: Option<EnquiryOutcome>, date: Option<Date> },
    InitialConference { enquiry: StepId, meeting: MeetingDetails, decision: Option<InitialDecision> },
    ReviewConference { plan: StepId, meeting: MeetingDetails, decision: Option<ReviewDecision> },
    EndCpPlan { plan: StepId, end: Option<Date>, reason: Option<PlanEndReason> },
    CpVisitFrequency { plan: StepId, every: Option<u32> },
    CoreGroup { plan: StepId, meeting: MeetingDetails },
    Oversight { about: Option<StepId>, note: String, decision: Option<String> },
    Close { date: Option<Date>, reason: Option<ClosureReason>, step_down: Option<(StepDownTo, String)> },
    FollowUp { date: Option<Date>, note: String },
}

impl Change {
    /// The audit action of the change ("episode.core_group").
    pub fn action(&self) -> &'static str {
        match self {
            Change::StartCinPlan { .. } => "episode.cin_plan_start",
            Change::UpdateCinPlan { .. } => "episode.cin_plan_update",
            Change::ReviewCinPlan { .. } => "episode.cin_plan_review",
            Change::EndCinPlan { .. } => "episode.cin_plan_end",
            Change::StrategyDiscussion { .. } => "episode.strategy_discussion",
            Change::ActionNotesSent { .. } => "episode.action_notes_sent",
            Change::StartEnquiry { .. } => "episode.enquiry_start",
            Change::ConcludeEnquiry { .. } => "episode.enquiry_outcome",
            Change::InitialConference { .. } => "episode.initial_conference",
            Change::ReviewConference { .. } => "episode.review_conference",
            Change::EndCpPlan { .. } => "episode.cp_plan_end",
            Change::CpVisitFrequency { .. } => "episode.cp_visit_frequency",
            Change::CoreGroup { .. } => "episode.core_group",
            Change::Oversight { .. } => "episode.oversight",
            Change::Close { .. } => "episode.close",
            Change::FollowUp { .. } => "episode.follow_up",
        }
    }

    /// What the change did, in words, for the episode's history.
    pub fn label(&self) -> &'static str {
        match self {
            Change::StartCinPlan { .. } => "Child in need plan started",
            Change::UpdateCinPlan { .. } => "Child in need plan changed",
            Change::ReviewCinPlan { .. } => "Child in need plan reviewed",
            Change::EndCinPlan { .. } => "Child in need plan ended",
            Change::StrategyDiscussion { .. } => "Strategy discussion recorded",
            Change::ActionNotesSent { .. } => "Action notes recorded as sent",
            Change::StartEnquiry { .. } => "Section 47 enquiry started",
            Change::ConcludeEnquiry { .. } => "Section 47 enquiry outcome recorded",
            Change::InitialConference { .. } => "Initial child protection conference recorded",
            Change::ReviewConference { .. } => "Review child protection conference recorded",
            Change::EndCpPlan { .. } => "Child protection plan ended",
            Change::CpVisitFrequency { .. } => "Visiting frequency changed",
            Change::CoreGroup { .. } => "Core group meeting recorded",
            Change::Oversight { .. } => "Management oversight added",
            Change::Close { .. } => "Episode closed",
            Change::FollowUp { .. } => "Step-down follow-up recorded",
        }
    }

    /// Management oversight is a manager's; every other change is casework.
    pub fn is_oversight(&self) -> bool {
        matches!(self, Change::Oversight { .. })
    }
}

/// What applying a change did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Applied {
    /// The step it made, if it made one (a plan, a discussion, a conference, a meeting, a
    /// note).
    pub step: Option<StepId>,
    /// The child protection plan an initial conference made.
    pub plan: Option<StepId>,
    /// A child in need plan that a new child protection plan ended.
    pub ended_cin_plan: Option<StepId>,
}

impl Applied {
    fn step(id: StepId) -> Applied {
        Applied { step: Some(id), ..Applied::default() }
    }
}

impl Episode {
    /// Applies a change made by `by` at `now`; on error the episode is unchanged.
    pub fn apply(&mut self, change: Change, by: UserId, now: OffsetDateTime) -> Result<Applied, FieldErrors> {
        let today = uk_local(now).date();
        let none = |r: Result<(), FieldErrors>| r.map(|()| Applied::default());
        match change {
            Change::StartCinPlan { start, content, visit_every } => self.start_cin_plan(start, content, visit_every, today).map(Applied::step),
            Change::UpdateCinPlan { plan, content, visit_every } => none(self.update_cin_plan(plan, content, visit_every)),
            Change::ReviewCinPlan { plan, date } => none(self.review_cin_plan(plan, date, today)),
            Change::EndCinPlan { plan, end } => none(self.end_cin_plan(plan, end, today)),
            Change::StrategyDiscussion { held_at, participants, information, decision, action_notes } => {
                self.record_strategy_discussion(held_at, participants, information, decision, action_notes, now).map(Applied::step)
            }
            Change::ActionNotesSent { strategy, at } => none(self.distribute_action_notes(strategy, at, now)),
            Change::StartEnquiry { strategy, start } => self.start_enquiry(strategy, start, today).map(Applied::step),
            Change::ConcludeEnquiry { enquiry, outcome, date } => none(self.conclude_enquiry(enquiry, outcome, date, today)),
            Change::InitialConference { enquiry, meeting, decision } => self
                .hold_initial_conference(enquiry, meeting, decision, today)
                .map(|o| Applied { step: Some(o.conference), plan: o.plan, ended_cin_plan: o.ended_cin_plan }),
            Change::ReviewConference { plan, meeting, decision } => self.hold_review_conference(plan, meeting, decision, today).map(Applied::step),
            Change::EndCpPlan { plan, end, reason } => none(self.end_cp_plan(plan, end, reason, today)),
            Change::CpVisitFrequency { plan, every } => none(self.set_cp_visit_interval(plan, every)),
            Change::CoreGroup { plan, meeting } => self.record_core_group(plan, meeting, today).map(Applied::step),
            Change::Oversight { about, note, decision } => self.add_oversight(about, note, decision, by, now).map(Applied::step),
            Change::Close { date, reason, step_down } => none(self.close(date, reason, step_down, today)),
            Change::FollowUp { date, note } => none(self.record_follow_up(date, note, today)),
        }
    }
}
