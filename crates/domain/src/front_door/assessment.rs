//! The single assessment and its sign-off: Draft → Submitted → (Returned → Submitted …) →
//! Authorised. Every transition is appended to the history; nothing is overwritten. The
//! assessment is complete only when authorised (seed 001 §7.1.3: "signed off by the Deputy
//! Team Manager prior to completion").
use super::codes::{AssessmentFactor, AssessmentOutcome, PrimaryNeed};
use super::{AssessmentId, ReferralId, check_text};
use crate::local_time::uk_local;
use crate::validation::FieldErrors;
use crate::{PersonId, UserId};
use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};

/// Longest comment or explanation, in characters.
pub const MAX_COMMENT: usize = 10_000;
/// Longest section of the assessment's substance, in characters (a long analysis runs to a
/// few thousand words).
pub const MAX_SUBSTANCE: usize = 50_000;

/// What the assessment found, in the worker's words: the parts a manager reads before signing
/// it off (the assessment framework's child's developmental needs, parenting capacity and
/// family and environment, brought together in the analysis).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Substance {
    /// The child's lived experience and what they said, in their words where possible.
    pub child_voice: Option<String>,
    /// The parents' and carers' views.
    pub parents_views: Option<String>,
    /// The worker's analysis of needs, risks and strengths.
    pub analysis: Option<String>,
    /// The plan or recommendation that follows from the analysis.
    pub recommendation: Option<String>,
}

impl Substance {
    /// (field, label for "Enter …", value) of each part, in the order the form asks for them.
    pub fn parts(&self) -> [(&'static str, &'static str, Option<&str>); 4] {
        [
            ("child_voice", "the child's lived experience and voice", self.child_voice.as_deref()),
            ("parents_views", "the parents' and carers' views", self.parents_views.as_deref()),
            ("analysis", "the analysis", self.analysis.as_deref()),
            ("recommendation", "the plan or recommendation", self.recommendation.as_deref()),
        ]
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AssessmentState {
    Draft,
    Submitted,
    /// Returned by a manager with comments; the worker edits and submits again.
    Returned,
    Authorised,
}

impl AssessmentState {
    pub fn label(self) -> &'static str {
        match self {
            Self::Draft => "Draft",
            Self::Submitted => "Awaiting authorisation",
            Self::Returned => "Returned for changes",
            Self::Authorised => "Authorised",
        }
    }

    /// Whether the worker may still change the content.
    pub fn editable(self) -> bool {
        matches!(self, Self::Draft | Self::Returned)
    }
}

/// One step of the workflow, kept for ever.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Transition {
    pub at: OffsetDateTime,
    pub by: UserId,
    pub from: AssessmentState,
    pub to: AssessmentState,
    pub comment: Option<String>,
}

/// A date the child was seen during the assessment.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChildSeen {
    pub date: Date,
    pub seen_alone: bool,
}

/// Who is acting, as far as the workflow needs to know. The app layer fills it from the
/// user's role and the case's allocation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Actor {
    pub user: UserId,
    /// The user's role lets them authorise assessments (a team or deputy team manager).
    pub can_authorise: bool,
    /// The user is the case's allocated worker.
    pub allocated: bool,
}

/// Why a workflow step was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum WorkflowError {
    #[error("an assessment that is {} cannot be {action}", .state.label().to_lowercase())]
    WrongState { state: AssessmentState, action: &'static str },
    #[error("only the author or the allocated worker can submit the assessment")]
    NotAuthorOrAllocated,
    #[error("only a manager can authorise or return an assessment")]
    NotManager,
    #[error("you cannot authorise an assessment you wrote: another manager must sign it off")]
    OwnWork,
    #[error("{0}")]
    Invalid(FieldErrors),
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Assessment {
    pub id: AssessmentId,
    pub referral: ReferralId,
    pub child: PersonId,
    pub author: UserId,
    pub start_date: Date,
    #[serde(default)]
    pub child_seen: Vec<ChildSeen>,
    /// Why the child was not seen (or not seen in time), when that is the case.
    pub not_seen_explanation: Option<String>,
    #[serde(default)]
    pub factors: Vec<AssessmentFactor>,
    pub outcome: Option<AssessmentOutcome>,
    /// The child's primary need as the assessment found it (CIN census `PrimaryNeedCode`);
    /// on authorisation it becomes the referral's.
    #[serde(default)]
    pub primary_need: Option<PrimaryNeed>,
    #[serde(default)]
    pub substance: Substance,
    pub authorised_on: Option<Date>,
    pub state: AssessmentState,
    #[serde(default)]
    pub history: Vec<Transition>,
}

impl Assessment {
    pub fn new(referral: ReferralId, child: PersonId, author: UserId, start_date: Date) -> Assessment {
        Assessment {
            id: AssessmentId::new(),
            referral,
            child,
            author,
            start_date,
            child_seen: Vec::new(),
            not_seen_explanation: None,
            factors: Vec::new(),
            outcome: None,
            primary_need: None,
            substance: Substance::default(),
            authorised_on: None,
            state: AssessmentState::Draft,
            history: Vec::new(),
        }
    }

    pub fn is_complete(&self) -> bool {
        self.state == AssessmentState::Authorised
    }

    /// When it was last submitted.
    pub fn submitted_at(&self) -> Option<OffsetDateTime> {
        self.history.iter().rev().find(|t| t.to == AssessmentState::Submitted).map(|t| t.at)
    }

    /// Checks the content as it may be saved at any stage: dates not before the referral,
    /// child-seen dates not in the future, no factor twice, text lengths.
    pub fn validate(&self, referral_date: Date, today: Date) -> Result<(), FieldErrors> {
        let mut e = FieldErrors::new();
        self.check_content(&mut e, referral_date, today);
        e.into_result()
    }

    fn check_content(&self, e: &mut FieldErrors, referral_date: Date, today: Date) {
        if self.start_date < referral_date {
            e.add("start_date", "The assessment start date must be on or after the referral date");
        } else if self.start_date > today {
            e.add("start_date", "The assessment start date must be today or in the past");
        }
        if self.child_seen.iter().any(|s| s.date < referral_date) {
            e.add("child_seen", "A date the child was seen must be on or after the referral date");
        } else if self.child_seen.iter().any(|s| s.date > today) {
            e.add("child_seen", "A date the child was seen must be today or in the past");
        }
        let mut factors = self.factors.clone();
        factors.sort();
        factors.dedup();
        if factors.len() != self.factors.len() {
            e.add("factors", "Each factor can be chosen only once");
        }
        if self.factors.contains(&AssessmentFactor::NoFactors) && self.factors.len() > 1 {
            e.add("factors", "\"No factors identified\" cannot be chosen with other factors");
        }
        if let Some(x) = &self.not_seen_explanation {
            check_text(e, "not_seen_explanation", "the explanation", x, false, MAX_COMMENT);
        }
        for (field, label, value) in self.substance.parts() {
            check_text(e, field, label, value.unwrap_or(""), false, MAX_SUBSTANCE);
        }
    }

    /// The worker sends the assessment to a manager. Allowed for the author or the
    /// allocated worker, from Draft or Returned, once it is ready to be authorised
    /// ([`Assessment::readiness`]) — a manager is not sent work that cannot be signed off.
    pub fn submit(&mut self, by: Actor, at: OffsetDateTime, referral_date: Date) -> Result<(), WorkflowError> {
        if !self.state.editable() {
            return Err(WorkflowError::WrongState { state: self.state, action: "submitted" });
        }
        if by.user != self.author && !by.allocated {
            return Err(WorkflowError::NotAuthorOrAllocated);
        }
        self.readiness(referral_date, uk_local(at).date()).into_result().map_err(WorkflowError::Invalid)?;
        self.push(by.user, at, AssessmentState::Submitted, None);
        Ok(())
    }

    /// A manager sends it back with a comment saying what to change.
    pub fn return_with_comments(&mut self, by: Actor, at: OffsetDateTime, comment: &str) -> Result<(), WorkflowError> {
        self.check_manager(by, "returned")?;
        let mut e = FieldErrors::new();
        check_text(&mut e, "comment", "what needs to change", comment, true, MAX_COMMENT);
        e.into_result().map_err(WorkflowError::Invalid)?;
        self.push(by.user, at, AssessmentState::Returned, Some(comment.trim().to_string()));
        Ok(())
    }

    /// A manager signs the assessment off on `on`. Refused for the author (no one signs off
    /// their own work) and when the assessment is not ready: see [`Assessment::readiness`].
    pub fn authorise(&mut self, by: Actor, at: OffsetDateTime, on: Date, referral_date: Date, comment: Option<&str>) -> Result<(), WorkflowError> {
        self.check_manager(by, "authorised")?;
        if by.user == self.author {
            return Err(WorkflowError::OwnWork);
        }
        let today = uk_local(at).date();
        let mut e = self.readiness(referral_date, today);
        if on < referral_date {
            e.add("authorised_on", "The authorisation date must be on or after the referral date");
        } else if self.submitted_at().is_some_and(|s| on < uk_local(s).date()) {
            e.add("authorised_on", "The authorisation date must be on or after the date the assessment was submitted");
        } else if on > today {
            e.add("authorised_on", "The authorisation date must be today or in the past");
        }
        if let Some(c) = comment {
            check_text(&mut e, "comment", "the comment", c, false, MAX_COMMENT);
        }
        e.into_result().map_err(WorkflowError::Invalid)?;
        self.authorised_on = Some(on);
        let comment = comment.map(str::trim).filter(|c| !c.is_empty()).map(str::to_string);
        self.push(by.user, at, AssessmentState::Authorised, comment);
        Ok(())
    }

    /// What stops the assessment from being authorised (empty when it is ready): the
    /// content checks, plus a child-seen date or a recorded explanation, the factors, every
    /// part of the substance, an outcome and, when the outcome is further action, the
    /// primary need.
    pub fn readiness(&self, referral_date: Date, today: Date) -> FieldErrors {
        let mut e = FieldErrors::new();
        self.check_content(&mut e, referral_date, today);
        let explained = self.not_seen_explanation.as_deref().is_some_and(|x| !x.trim().is_empty());
        if self.child_seen.is_empty() && !explained {
            e.add("child_seen", "Record when the child was seen, or explain why they were not seen");
        }
        if self.outcome.is_none() {
            e.add("outcome", "Select the outcome of the assessment");
        }
        if self.factors.is_empty() {
            e.add("factors", "Select the factors identified, or \"No factors identified\"");
        }
        for (field, label, value) in self.substance.parts() {
            if value.is_none_or(|v| v.trim().is_empty()) {
                e.add(field, format!("Enter {label}"));
            }
        }
        if self.outcome.is_some_and(AssessmentOutcome::is_further_action) && self.primary_need.is_none() {
            e.add("primary_need", "Select the child's primary need: the outcome is further action, so the census needs it");
        }
        e
    }

    fn check_manager(&self, by: Actor, action: &'static str) -> Result<(), WorkflowError> {
        if self.state != AssessmentState::Submitted {
            return Err(WorkflowError::WrongState { state: self.state, action });
        }
        if !by.can_authorise {
            return Err(WorkflowError::NotManager);
        }
        Ok(())
    }

    fn push(&mut self, by: UserId, at: OffsetDateTime, to: AssessmentState, comment: Option<String>) {
        self.history.push(Transition { at, by, from: self.state, to, comment });
        self.state = to;
    }
}

/// What the worker does after an authorised assessment, given the episode its referral
/// opened. `None` once it is done (the plan started, the discussion held, the episode closed).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NextStep {
    /// The referral has no episode yet (recorded before episodes were).
    OpenEpisode,
    StartCinPlan,
    HoldStrategyDiscussion,
    /// No further action, advice or early help: the episode closes (with any step-down).
    CloseEpisode,
    /// An outcome Hearth has no form for yet (care, a specialist assessment): the episode.
    SeeEpisode,
}

pub fn next_step(a: &Assessment, episode: Option<&crate::cin::episode::Episode>) -> Option<NextStep> {
    if !a.is_complete() {
        return None;
    }
    let outcome = a.outcome?;
    let Some(e) = episode else { return Some(NextStep::OpenEpisode) };
    if e.closure.is_some() {
        return None;
    }
    Some(match outcome {
        AssessmentOutcome::ChildInNeedPlan if e.cin_plans.is_empty() => NextStep::StartCinPlan,
        AssessmentOutcome::StrategyDiscussion if e.strategy_discussions.is_empty() => NextStep::HoldStrategyDiscussion,
        AssessmentOutcome::ChildInNeedPlan | AssessmentOutcome::StrategyDiscussion => return None,
        o if !o.is_further_action() => NextStep::CloseEpisode,
        _ => NextStep::SeeEpisode,
    })
}

/// The assessments waiting for a manager, oldest submission first.
pub fn awaiting_authorisation<'a>(assessments: impl IntoIterator<Item = &'a Assessment>) -> Vec<&'a Assessment> {
    let mut v: Vec<&Assessment> = assessments.into_iter().filter(|a| a.state == AssessmentState::Submitted).collect();
    v.sort_by_key(|a| a.submitted_at());
    v
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codes::Coded;
    use proptest::prelude::*;
    use time::macros::{date, datetime};

    const REFERRAL: Date = date!(2024 - 03 - 04);

    fn worker() -> Actor {
        Actor { user: UserId::new(), can_authorise: false, allocated: true }
    }
    fn manager() -> Actor {
        Actor { user: UserId::new(), can_authorise: true, allocated: false }
    }

    fn ready(author: UserId) -> Assessment {
        let mut a = Assessment::new(ReferralId::new(), PersonId::new(), author, date!(2024 - 03 - 05));
        a.child_seen.push(ChildSeen { date: date!(2024 - 03 - 06), seen_alone: true });
        a.factors = vec![AssessmentFactor::DomesticAbuseParent, AssessmentFactor::MentalHealthParent];
        a.outcome = Some(AssessmentOutcome::ChildInNeedPlan);
        a.primary_need = Some(PrimaryNeed::AbuseOrNeglect);
        a.substance = Substance {
            child_voice: Some("Sam said home is loud at night and he hides in his room.".into()),
            parents_views: Some("Mum agrees she needs help; dad was not available.".into()),
            analysis: Some("Domestic abuse is affecting Sam's sleep and school attendance.".into()),
            recommendation: Some("A child in need plan with a domestic abuse worker.".into()),
        };
        a
    }

    #[test]
    fn submit_return_resubmit_authorise_keeps_every_step() {
        let w = worker();
        let m = manager();
        let mut a = ready(w.user);
        a.submit(w, datetime!(2024-03-20 10:00 UTC), REFERRAL).unwrap();
        assert_eq!(a.state, AssessmentState::Submitted);
        let e = a.return_with_comments(m, datetime!(2024-03-21 10:00 UTC), "  ").unwrap_err();
        assert!(matches!(e, WorkflowError::Invalid(ref f) if f.get("comment").is_some()));
        a.return_with_comments(m, datetime!(2024-03-21 10:00 UTC), "Say more about dad's drinking").unwrap();
        assert_eq!(a.state, AssessmentState::Returned);
        assert!(!a.is_complete());
        a.factors.push(AssessmentFactor::AlcoholParent);
        a.submit(w, datetime!(2024-03-22 10:00 UTC), REFERRAL).unwrap();
        a.authorise(m, datetime!(2024-03-25 09:00 UTC), date!(2024 - 03 - 25), REFERRAL, None).unwrap();
        assert!(a.is_complete());
        assert_eq!(a.authorised_on, Some(date!(2024 - 03 - 25)));
        let steps: Vec<(AssessmentState, AssessmentState)> = a.history.iter().map(|t| (t.from, t.to)).collect();
        use AssessmentState::*;
        assert_eq!(steps, [(Draft, Submitted), (Submitted, Returned), (Returned, Submitted), (Submitted, Authorised)]);
        assert_eq!(a.history[1].comment.as_deref(), Some("Say more about dad's drinking"));
        assert_eq!(a.history[1].by, m.user);
        // Nothing more after authorisation.
        assert!(matches!(a.submit(w, datetime!(2024-03-26 10:00 UTC), REFERRAL), Err(WorkflowError::WrongState { .. })));
    }

    #[test]
    fn the_author_cannot_authorise_their_own_assessment() {
        let author = Actor { user: UserId::new(), can_authorise: true, allocated: true };
        let mut a = ready(author.user);
        a.submit(author, datetime!(2024-03-20 10:00 UTC), REFERRAL).unwrap();
        assert_eq!(a.authorise(author, datetime!(2024-03-21 10:00 UTC), date!(2024 - 03 - 21), REFERRAL, None), Err(WorkflowError::OwnWork));
        assert_eq!(a.state, AssessmentState::Submitted);
        assert_eq!(a.history.len(), 1);
    }

    #[test]
    fn only_author_or_allocated_worker_submits_and_only_managers_sign_off() {
        let w = worker();
        let mut a = ready(w.user);
        let stranger = Actor { user: UserId::new(), can_authorise: false, allocated: false };
        assert_eq!(a.submit(stranger, datetime!(2024-03-20 10:00 UTC), REFERRAL), Err(WorkflowError::NotAuthorOrAllocated));
        let author_not_allocated = Actor { allocated: false, ..w };
        a.submit(author_not_allocated, datetime!(2024-03-20 10:00 UTC), REFERRAL).unwrap();
        assert_eq!(a.authorise(worker(), datetime!(2024-03-21 10:00 UTC), date!(2024 - 03 - 21), REFERRAL, None), Err(WorkflowError::NotManager));
        assert!(matches!(a.submit(w, datetime!(2024-03-20 11:00 UTC), REFERRAL), Err(WorkflowError::WrongState { state: AssessmentState::Submitted, .. })));
    }

    #[test]
    fn cannot_authorise_a_draft() {
        let mut a = ready(UserId::new());
        assert!(matches!(a.authorise(manager(), datetime!(2024-03-21 10:00 UTC), date!(2024 - 03 - 21), REFERRAL, None), Err(WorkflowError::WrongState { .. })));
    }

    fn fields(r: Result<(), WorkflowError>) -> FieldErrors {
        match r {
            Err(WorkflowError::Invalid(f)) => f,
            other => panic!("expected field errors, got {other:?}"),
        }
    }

    #[test]
    fn authorising_needs_child_seen_or_explanation_outcome_and_good_dates() {
        let w = worker();
        let m = manager();
        let mut a = Assessment::new(ReferralId::new(), PersonId::new(), w.user, date!(2024 - 03 - 01));
        let e = fields(a.submit(w, datetime!(2024-03-20 10:00 UTC), REFERRAL));
        for f in ["child_seen", "outcome", "factors", "start_date"] {
            assert!(e.get(f).is_some(), "{f}: {e}");
        }
        assert_eq!(a.state, AssessmentState::Draft);
        assert!(a.history.is_empty());
        // Changed after submission (by a correction in the store): checked again at sign-off.
        let mut a = ready(w.user);
        a.submit(w, datetime!(2024-03-20 10:00 UTC), REFERRAL).unwrap();
        a.outcome = None;
        let e = fields(a.authorise(m, datetime!(2024-03-21 10:00 UTC), date!(2024 - 03 - 19), REFERRAL, None));
        for f in ["outcome", "authorised_on"] {
            assert!(e.get(f).is_some(), "{f}: {e}");
        }
        assert_eq!(a.state, AssessmentState::Submitted);
        assert_eq!(a.authorised_on, None);

        // An explanation stands in for a child-seen date.
        let mut a = ready(w.user);
        a.child_seen.clear();
        a.not_seen_explanation = Some("Family moved to Wales; handed over to Cardiff".into());
        a.submit(w, datetime!(2024-03-20 10:00 UTC), REFERRAL).unwrap();
        a.authorise(m, datetime!(2024-03-20 16:00 UTC), date!(2024 - 03 - 20), REFERRAL, Some("Agreed")).unwrap();
        assert_eq!(a.history.last().unwrap().comment.as_deref(), Some("Agreed"));
    }

    #[test]
    fn the_substance_is_needed_and_the_primary_need_when_the_outcome_is_further_action() {
        let w = worker();
        let mut a = ready(w.user);
        a.substance.analysis = Some("   ".into());
        a.substance.parents_views = None;
        a.primary_need = None;
        let e = fields(a.submit(w, datetime!(2024-03-20 10:00 UTC), REFERRAL));
        for f in ["analysis", "parents_views", "primary_need"] {
            assert!(e.get(f).is_some(), "{f}: {e}");
        }
        assert!(e.get("child_voice").is_none() && e.get("recommendation").is_none(), "{e}");
        // No further action: the census does not need a primary need.
        let mut a = ready(w.user);
        a.primary_need = None;
        for outcome in AssessmentOutcome::ALL {
            a.outcome = Some(*outcome);
            let needs = a.readiness(REFERRAL, date!(2024 - 03 - 20)).get("primary_need").is_some();
            assert_eq!(needs, outcome.is_further_action(), "{outcome:?}");
        }
        assert!(!AssessmentOutcome::NoFurtherAction.is_further_action());
        assert!(AssessmentOutcome::StrategyDiscussion.is_further_action());
        // Too long is refused at any stage.
        let mut a = ready(w.user);
        a.substance.child_voice = Some("x".repeat(MAX_SUBSTANCE + 1));
        assert!(a.validate(REFERRAL, date!(2024 - 03 - 20)).unwrap_err().get("child_voice").is_some());
    }

    #[test]
    fn the_next_step_follows_the_outcome_until_it_is_taken() {
        use crate::cin::episode::{CinPlan, Closure, Episode, PlanContent};
        use crate::cin::StepId;
        let w = worker();
        let mut a = ready(w.user);
        let e = Episode::open(a.child, a.referral, REFERRAL);
        assert_eq!(next_step(&a, Some(&e)), None, "a draft has no next step");
        a.submit(w, datetime!(2024-03-20 10:00 UTC), REFERRAL).unwrap();
        a.authorise(manager(), datetime!(2024-03-21 10:00 UTC), date!(2024 - 03 - 21), REFERRAL, None).unwrap();
        assert_eq!(next_step(&a, None), Some(NextStep::OpenEpisode));
        assert_eq!(next_step(&a, Some(&e)), Some(NextStep::StartCinPlan));
        let mut planned = e.clone();
        let plan = CinPlan { id: StepId::new(), start: date!(2024 - 03 - 22), end: None, content: PlanContent::default(), reviews: vec![], visit_every_working_days: None };
        planned.cin_plans.push(plan);
        assert_eq!(next_step(&a, Some(&planned)), None, "the plan has started");
        a.outcome = Some(AssessmentOutcome::StrategyDiscussion);
        assert_eq!(next_step(&a, Some(&e)), Some(NextStep::HoldStrategyDiscussion));
        a.outcome = Some(AssessmentOutcome::EarlyHelp);
        assert_eq!(next_step(&a, Some(&e)), Some(NextStep::CloseEpisode));
        let mut closed = e.clone();
        closed.closure = Some(Closure { date: date!(2024 - 03 - 22), reason: crate::cin::codes::ClosureReason::ALL[0], step_down: None });
        assert_eq!(next_step(&a, Some(&closed)), None, "the episode is closed");
        a.outcome = Some(AssessmentOutcome::LookedAfter);
        assert_eq!(next_step(&a, Some(&e)), Some(NextStep::SeeEpisode));
    }

    #[test]
    fn child_seen_in_the_future_is_refused() {
        let mut a = ready(UserId::new());
        a.child_seen.push(ChildSeen { date: date!(2024 - 04 - 01), seen_alone: false });
        let e = a.validate(REFERRAL, date!(2024 - 03 - 20)).unwrap_err();
        assert!(e.get("child_seen").is_some());
        let mut a = ready(UserId::new());
        a.child_seen[0].date = date!(2024 - 03 - 01);
        assert!(a.validate(REFERRAL, date!(2024 - 03 - 20)).unwrap_err().get("child_seen").is_some());
    }

    #[test]
    fn factor_rules() {
        let mut a = ready(UserId::new());
        a.factors = vec![AssessmentFactor::Neglect, AssessmentFactor::Neglect];
        assert!(a.validate(REFERRAL, date!(2024 - 03 - 20)).is_err());
        a.factors = vec![AssessmentFactor::NoFactors, AssessmentFactor::Neglect];
        assert!(a.validate(REFERRAL, date!(2024 - 03 - 20)).is_err());
    }

    #[test]
    fn awaiting_authorisation_lists_submitted_oldest_first() {
        let w = worker();
        let mut a = ready(w.user);
        let mut b = ready(w.user);
        let c = ready(w.user);
        b.submit(w, datetime!(2024-03-19 10:00 UTC), REFERRAL).unwrap();
        a.submit(w, datetime!(2024-03-20 10:00 UTC), REFERRAL).unwrap();
        let list = awaiting_authorisation([&a, &b, &c]);
        assert_eq!(list.iter().map(|x| x.id).collect::<Vec<_>>(), [b.id, a.id]);
    }

    #[derive(Clone, Copy, Debug)]
    enum Step {
        Submit,
        Return,
        Authorise,
        AuthoriseByAuthor,
    }

    proptest! {
        /// Whatever sequence of actions is tried, the history only grows, each entry starts
        /// where the previous ended, and it ends in the current state.
        #[test]
        fn history_is_a_chain(steps in proptest::collection::vec(prop_oneof![Just(Step::Submit), Just(Step::Return), Just(Step::Authorise), Just(Step::AuthoriseByAuthor)], 0..12)) {
            let w = Actor { user: UserId::new(), can_authorise: true, allocated: true };
            let m = manager();
            let mut a = ready(w.user);
            let mut at = datetime!(2024-03-10 09:00 UTC);
            let mut len = 0;
            for s in steps {
                at += time::Duration::hours(1);
                let _ = match s {
                    Step::Submit => a.submit(w, at, REFERRAL),
                    Step::Return => a.return_with_comments(m, at, "more"),
                    Step::Authorise => a.authorise(m, at, at.date(), REFERRAL, None),
                    Step::AuthoriseByAuthor => a.authorise(w, at, at.date(), REFERRAL, None),
                };
                prop_assert!(a.history.len() >= len);
                len = a.history.len();
                prop_assert!(a.history.iter().all(|t| !(t.to == AssessmentState::Authorised && t.by == w.user)));
            }
            let mut state = AssessmentState::Draft;
            for t in &a.history {
                prop_assert_eq!(t.from, state);
                state = t.to;
            }
            prop_assert_eq!(state, a.state);
            prop_assert_eq!(a.is_complete(), a.authorised_on.is_some());
        }
    }
}
