//! Work trays: deadlines become tasks, and a worker's or manager's tray is derived from the
//! open tasks on a given day. Deriving (rather than storing buckets) means a tray can never
//! disagree with the deadlines behind it.
use super::{AssessmentId, ContactId, ReferralId, TaskId};
use crate::cin::EpisodeId;
use crate::calendar::Calendar;
use crate::policy::Deadline;
use crate::{PersonId, TeamId, UserId};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use time::{Date, Duration, OffsetDateTime};

/// What has to be done.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TaskKind {
    ScreeningDecision,
    ReferralResponse,
    ChildSeen,
    InitialAssessment,
    CoreAssessment,
    SingleAssessment,
    /// A manager signs off a submitted assessment.
    AssessmentAuthorisation,
    /// Send a strategy discussion's action notes (seed 001: within 24 hours).
    StrategyActionNotes,
    InitialConference,
    CoreGroup,
    ReviewConference,
    ChildInNeedPlanReview,
    /// A statutory visit under a child in need or child protection plan.
    Visit,
    /// Seed 001: a child protection case moves to the Child Protection and Court Team once
    /// the initial conference makes a plan.
    CaseTransfer,
    StepDownFollowUp,
    /// Regulation 4: the care plan of a child who became looked after.
    CarePlan,
    /// Regulation 9: the plan of each placement.
    PlacementPlan,
    /// Regulation 28: a statutory visit to a looked-after child.
    CareVisit,
    /// Regulation 33: a looked-after child's review.
    LookedAfterReview,
    /// A manager signs off the worker's report for a looked-after review (seed 001).
    ReviewReportSignOff,
    /// The permanence plan, by the second review.
    PermanencePlan,
    /// Seed 001: a section 20 case moves to the Children in Care team after its 4-week review.
    CareTransfer,
    /// Regulation 7: the initial health assessment of a looked-after child.
    InitialHealthAssessment,
    /// Regulation 7: a review health assessment (six-monthly under 5, yearly from 5).
    HealthAssessment,
    /// The personal education plan: started when care begins, reviewed each term.
    PersonalEducationPlan,
    /// Seed 004: after a move in years 10 and 11, transport to keep the child's school place.
    SchoolTransport,
    /// A manager authorises (or not) the decision to bring a child into care.
    CareDecisionAuthorisation,
    /// Seed 001: the planning meeting before a child comes into care.
    PreCarePlanningMeeting,
    /// Seed 001: tell the reviewing service, health and the school that a child is coming into care.
    CareNotifications,
}

impl TaskKind {
    pub const ALL: [TaskKind; 29] = [
        Self::ScreeningDecision,
        Self::ReferralResponse,
        Self::ChildSeen,
        Self::InitialAssessment,
        Self::CoreAssessment,
        Self::SingleAssessment,
        Self::AssessmentAuthorisation,
        Self::StrategyActionNotes,
        Self::InitialConference,
        Self::CoreGroup,
        Self::ReviewConference,
        Self::ChildInNeedPlanReview,
        Self::Visit,
        Self::CaseTransfer,
        Self::StepDownFollowUp,
        Self::CarePlan,
        Self::PlacementPlan,
        Self::CareVisit,
        Self::LookedAfterReview,
        Self::ReviewReportSignOff,
        Self::PermanencePlan,
        Self::CareTransfer,
        Self::InitialHealthAssessment,
        Self::HealthAssessment,
        Self::PersonalEducationPlan,
        Self::SchoolTransport,
        Self::CareDecisionAuthorisation,
        Self::PreCarePlanningMeeting,
        Self::CareNotifications,
    ];

    /// The stored and JSON name.
    pub fn code(self) -> &'static str {
        match self {
            Self::ScreeningDecision => "screening_decision",
            Self::ReferralResponse => "referral_response",
            Self::ChildSeen => "child_seen",
            Self::InitialAssessment => "initial_assessment",
            Self::CoreAssessment => "core_assessment",
            Self::SingleAssessment => "single_assessment",
            Self::AssessmentAuthorisation => "assessment_authorisation",
            Self::StrategyActionNotes => "strategy_action_notes",
            Self::InitialConference => "initial_conference",
            Self::CoreGroup => "core_group",
            Self::ReviewConference => "review_conference",
            Self::ChildInNeedPlanReview => "child_in_need_plan_review",
            Self::Visit => "visit",
            Self::CaseTransfer => "case_transfer",
            Self::StepDownFollowUp => "step_down_follow_up",
            Self::CarePlan => "care_plan",
            Self::PlacementPlan => "placement_plan",
            Self::CareVisit => "care_visit",
            Self::LookedAfterReview => "looked_after_review",
            Self::ReviewReportSignOff => "review_report_sign_off",
            Self::PermanencePlan => "permanence_plan",
            Self::CareTransfer => "care_transfer",
            Self::InitialHealthAssessment => "initial_health_assessment",
            Self::HealthAssessment => "health_assessment",
            Self::PersonalEducationPlan => "personal_education_plan",
            Self::SchoolTransport => "school_transport",
            Self::CareDecisionAuthorisation => "care_decision_authorisation",
            Self::PreCarePlanningMeeting => "pre_care_planning_meeting",
            Self::CareNotifications => "care_notifications",
        }
    }

    pub fn from_code(code: &str) -> Option<TaskKind> {
        Self::ALL.into_iter().find(|k| k.code() == code)
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::ScreeningDecision => "Decide on the contact",
            Self::ReferralResponse => "Respond to the referral",
            Self::ChildSeen => "See the child",
            Self::InitialAssessment => "Complete the initial assessment",
            Self::CoreAssessment => "Complete the core assessment",
            Self::SingleAssessment => "Complete the assessment",
            Self::AssessmentAuthorisation => "Authorise the assessment",
            Self::StrategyActionNotes => "Send the strategy discussion's action notes",
            Self::InitialConference => "Hold the initial child protection conference",
            Self::CoreGroup => "Hold the core group meeting",
            Self::ReviewConference => "Hold the child protection review conference",
            Self::ChildInNeedPlanReview => "Review the child in need plan",
            Self::Visit => "Visit the child",
            Self::CaseTransfer => "Transfer the case to the Child Protection and Court Team",
            Self::StepDownFollowUp => "Follow up the step-down services",
            Self::CarePlan => "Agree the care plan",
            Self::PlacementPlan => "Agree the placement plan",
            Self::CareVisit => "Visit the looked-after child",
            Self::LookedAfterReview => "Hold the looked-after child's review",
            Self::ReviewReportSignOff => "Sign off the review report",
            Self::PermanencePlan => "Agree the permanence plan",
            Self::CareTransfer => "Transfer the case to the Children in Care team",
            Self::InitialHealthAssessment => "Arrange the initial health assessment",
            Self::HealthAssessment => "Arrange the review health assessment",
            Self::PersonalEducationPlan => "Hold the personal education plan meeting",
            Self::SchoolTransport => "Arrange transport to keep the child's school",
            Self::CareDecisionAuthorisation => "Authorise the decision about care",
            Self::PreCarePlanningMeeting => "Hold the pre-care planning meeting",
            Self::CareNotifications => "Tell the reviewing service, health and the school",
        }
    }
}

/// The record a task is about, so the tray can link to it and completing the step there
/// closes the task.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "type", content = "id", rename_all = "snake_case")]
pub enum TaskSubject {
    Contact(ContactId),
    Referral(ReferralId),
    Assessment(AssessmentId),
    Episode(EpisodeId),
    /// A period of care.
    CarePeriod(crate::care::CarePeriodId),
    /// A decision about a child coming into care.
    CareDecision(crate::care::decision::CareDecisionId),
}

impl TaskSubject {
    /// The stored type name and id.
    pub fn parts(self) -> (&'static str, String) {
        match self {
            Self::Contact(id) => ("contact", id.to_string()),
            Self::Referral(id) => ("referral", id.to_string()),
            Self::Assessment(id) => ("assessment", id.to_string()),
            Self::Episode(id) => ("episode", id.to_string()),
            Self::CarePeriod(id) => ("care_period", id.to_string()),
            Self::CareDecision(id) => ("care_decision", id.to_string()),
        }
    }

    pub fn from_parts(kind: &str, id: &str) -> Option<TaskSubject> {
        match kind {
            "contact" => id.parse().ok().map(Self::Contact),
            "referral" => id.parse().ok().map(Self::Referral),
            "assessment" => id.parse().ok().map(Self::Assessment),
            "episode" => id.parse().ok().map(Self::Episode),
            "care_period" => id.parse().ok().map(Self::CarePeriod),
            "care_decision" => id.parse().ok().map(Self::CareDecision),
            _ => None,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum TaskStatus {
    Open,
    Done { at: OffsetDateTime, by: UserId },
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Task {
    pub id: TaskId,
    pub kind: TaskKind,
    pub subject: TaskSubject,
    pub child: PersonId,
    pub team: Option<TeamId>,
    /// `None`: unallocated, in the team's tray.
    pub assignee: Option<UserId>,
    pub due: Date,
    /// The pack rule and the pack (name and version) the due date came from.
    pub rule: String,
    pub pack: String,
    pub pack_version: String,
    /// How the due date was worked out, in words, as it was when the task was made (so a
    /// later change of pack or calendar does not silently rewrite it).
    pub explanation: String,
    pub status: TaskStatus,
    /// Which occurrence of its step the task is for, when a subject has several over time
    /// ("the second review of plan X"); empty for one-off steps. An open task for the same
    /// step is kept as it is, so a later change of pack does not move it.
    #[serde(default)]
    pub step: String,
    /// The step is with someone else for now (an assessment sent for authorisation waits on
    /// the manager), so the task is neither overdue for its holder nor in the team's figures.
    #[serde(default)]
    pub waiting: Option<Waiting>,
    /// Who passed the step to the task's holder, and when (who sent an assessment for
    /// authorisation).
    #[serde(default)]
    pub sent: Option<Sent>,
}

/// Whom a task waits on, since when.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Waiting {
    /// `None`: a manager not yet named (the team's).
    pub with: Option<UserId>,
    pub since: OffsetDateTime,
}

/// Who sent a step on, and when.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sent {
    pub by: UserId,
    pub at: OffsetDateTime,
}

/// Why a task could not be closed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TaskError {
    #[error("the task was already completed")]
    AlreadyDone,
}

impl Task {
    /// An open task for a computed deadline. A deadline in hours is due on its day.
    pub fn from_deadline(kind: TaskKind, subject: TaskSubject, child: PersonId, team: Option<TeamId>, assignee: Option<UserId>, deadline: &Deadline, cal: &Calendar) -> Task {
        Task {
            id: TaskId::new(),
            kind,
            subject,
            child,
            team,
            assignee,
            due: deadline.due.date(),
            rule: deadline.rule.clone(),
            pack: deadline.pack.clone(),
            pack_version: deadline.pack_version.clone(),
            explanation: deadline.explain(cal),
            status: TaskStatus::Open,
            step: String::new(),
            waiting: None,
            sent: None,
        }
    }

    pub fn is_open(&self) -> bool {
        self.status == TaskStatus::Open
    }

    /// Where the task falls in a tray on `today`: a task waiting on someone else is never
    /// overdue for its holder.
    pub fn bucket(&self, today: Date) -> Bucket {
        if self.waiting.is_some() { Bucket::Waiting } else { bucket(self.due, today) }
    }

    /// How many days past its due date an open task is on `today` (0 when it is not overdue
    /// or waits on someone else).
    pub fn days_overdue(&self, today: Date) -> i64 {
        if self.bucket(today) == Bucket::Overdue { (today - self.due).whole_days() } else { 0 }
    }

    /// Closes the task when its step is done. Closing twice is an error, not a silent
    /// overwrite of who did it.
    pub fn complete(&mut self, by: UserId, at: OffsetDateTime) -> Result<(), TaskError> {
        if !self.is_open() {
            return Err(TaskError::AlreadyDone);
        }
        self.status = TaskStatus::Done { at, by };
        Ok(())
    }
}

/// Closes the open tasks of `kind` about `subject` when that step is done (for example the
/// screening task when the decision is recorded). Returns how many were closed.
pub fn complete_step(tasks: &mut [Task], kind: TaskKind, subject: TaskSubject, by: UserId, at: OffsetDateTime) -> usize {
    let mut n = 0;
    for t in tasks.iter_mut().filter(|t| t.kind == kind && t.subject == subject && t.is_open()) {
        t.status = TaskStatus::Done { at, by };
        n += 1;
    }
    n
}

/// Marks the open tasks of `kinds` about `subject` as waiting on someone else (`Some`) or
/// back with their holder (`None`), as the store's `set_waiting` does. Returns how many.
pub fn set_waiting(tasks: &mut [Task], kinds: &[TaskKind], subject: TaskSubject, waiting: Option<Waiting>) -> usize {
    let mut n = 0;
    for t in tasks.iter_mut().filter(|t| kinds.contains(&t.kind) && t.subject == subject && t.is_open()) {
        t.waiting = waiting;
        n += 1;
    }
    n
}

/// Where a task falls in a tray on a given day.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Bucket {
    Overdue,
    DueToday,
    /// Due in the next 6 days (so "today" and "this week" together are 7 days: a Friday's
    /// tray shows next Thursday's work, which a calendar-week cut would hide).
    DueThisWeek,
    Later,
    /// With someone else for now (see [`Waiting`]).
    Waiting,
}

/// The last day of the "due this week" bucket on `today`.
pub fn week_end(today: Date) -> Date {
    today.saturating_add(Duration::days(6))
}

pub fn bucket(due: Date, today: Date) -> Bucket {
    if due < today {
        Bucket::Overdue
    } else if due == today {
        Bucket::DueToday
    } else if due <= week_end(today) {
        Bucket::DueThisWeek
    } else {
        Bucket::Later
    }
}

/// A tray: open tasks by bucket, each sorted by due date (then kind, then id, so the order is
/// stable).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct WorkTray {
    pub overdue: Vec<Task>,
    pub due_today: Vec<Task>,
    pub due_this_week: Vec<Task>,
    pub later: Vec<Task>,
    /// With someone else, longest waiting first.
    pub waiting: Vec<Task>,
}

/// Counts for the home page.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct TrayCounts {
    pub overdue: usize,
    pub due_today: usize,
    pub due_this_week: usize,
    pub later: usize,
    pub waiting: usize,
}

impl WorkTray {
    pub fn from_tasks<'a>(tasks: impl IntoIterator<Item = &'a Task>, today: Date) -> WorkTray {
        let mut tray = WorkTray::default();
        for t in tasks.into_iter().filter(|t| t.is_open()) {
            match t.bucket(today) {
                Bucket::Overdue => tray.overdue.push(t.clone()),
                Bucket::DueToday => tray.due_today.push(t.clone()),
                Bucket::DueThisWeek => tray.due_this_week.push(t.clone()),
                Bucket::Later => tray.later.push(t.clone()),
                Bucket::Waiting => tray.waiting.push(t.clone()),
            }
        }
        for v in [&mut tray.overdue, &mut tray.due_today, &mut tray.due_this_week, &mut tray.later] {
            v.sort_by_key(|t| (t.due, t.kind, t.id));
        }
        tray.waiting.sort_by_key(|t| (t.waiting.map(|w| w.since), t.due, t.id));
        tray
    }

    pub fn counts(&self) -> TrayCounts {
        TrayCounts {
            overdue: self.overdue.len(),
            due_today: self.due_today.len(),
            due_this_week: self.due_this_week.len(),
            later: self.later.len(),
            waiting: self.waiting.len(),
        }
    }
}

/// "My work": the open tasks assigned to `user`.
pub fn my_work(tasks: &[Task], user: UserId, today: Date) -> WorkTray {
    WorkTray::from_tasks(tasks.iter().filter(|t| t.assignee == Some(user)), today)
}

/// How many open tasks one worker (or nobody, `None`) holds of one kind in one bucket: the
/// store counts these so a manager's page need not read every task of the team.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct TaskTally {
    pub assignee: Option<UserId>,
    pub kind: TaskKind,
    pub bucket: Bucket,
    pub count: usize,
}

/// The tally of open tasks on `today`, sorted: what the store's count must agree with.
pub fn tally<'a>(tasks: impl IntoIterator<Item = &'a Task>, today: Date) -> Vec<TaskTally> {
    let mut counts: BTreeMap<(Option<UserId>, TaskKind, Bucket), usize> = BTreeMap::new();
    for t in tasks.into_iter().filter(|t| t.is_open()) {
        *counts.entry((t.assignee, t.kind, t.bucket(today))).or_insert(0) += 1;
    }
    counts.into_iter().map(|((assignee, kind, bucket), count)| TaskTally { assignee, kind, bucket, count }).collect()
}

/// The figures of a manager's view of their teams' open work.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct TeamCounts {
    pub counts: TrayCounts,
    /// Overdue counts per assignee (`None`: nobody holds the task yet).
    pub overdue_by_worker: BTreeMap<Option<UserId>, usize>,
    /// Assessments waiting for sign-off (open authorisation tasks).
    pub awaiting_authorisation: usize,
    /// Open tasks nobody holds yet.
    pub unassigned: usize,
}

impl TeamCounts {
    pub fn from_tally(tally: &[TaskTally]) -> TeamCounts {
        let mut c = TeamCounts::default();
        for t in tally {
            match t.bucket {
                Bucket::Overdue => {
                    c.counts.overdue += t.count;
                    *c.overdue_by_worker.entry(t.assignee).or_insert(0) += t.count;
                }
                Bucket::DueToday => c.counts.due_today += t.count,
                Bucket::DueThisWeek => c.counts.due_this_week += t.count,
                Bucket::Later => c.counts.later += t.count,
                // Counted once, as the task of whoever has the step now.
                Bucket::Waiting => continue,
            }
            if t.kind == TaskKind::AssessmentAuthorisation {
                c.awaiting_authorisation += t.count;
            }
            if t.assignee.is_none() {
                c.unassigned += t.count;
            }
        }
        c
    }

    /// How many overdue tasks `worker` holds (`Some(None)`: nobody), or the whole team's.
    pub fn overdue_of(&self, worker: Option<Option<UserId>>) -> usize {
        match worker {
            None => self.counts.overdue,
            Some(w) => self.overdue_by_worker.get(&w).copied().unwrap_or(0),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use time::macros::{date, datetime};

    fn task(kind: TaskKind, due: Date, assignee: Option<UserId>, team: Option<TeamId>) -> Task {
        Task { id: TaskId::new(), kind, subject: TaskSubject::Referral(ReferralId::new()), child: PersonId::new(), team, assignee, due, rule: "r".into(), pack: "national".into(), pack_version: "2026.1".into(), explanation: String::new(), status: TaskStatus::Open, step: String::new(), waiting: None, sent: None }
    }

    const TODAY: Date = date!(2024 - 03 - 15); // a Friday

    #[test]
    fn codes_match_serde_and_round_trip() {
        for k in TaskKind::ALL {
            assert_eq!(serde_json::to_string(&k).unwrap(), format!("\"{}\"", k.code()));
            assert_eq!(TaskKind::from_code(k.code()), Some(k));
        }
        let s = TaskSubject::Assessment(AssessmentId::new());
        let (kind, id) = s.parts();
        assert_eq!(TaskSubject::from_parts(kind, &id), Some(s));
        assert_eq!(TaskSubject::from_parts("person", &id), None);
    }

    #[test]
    fn buckets() {
        assert_eq!(bucket(date!(2024 - 03 - 14), TODAY), Bucket::Overdue);
        assert_eq!(bucket(TODAY, TODAY), Bucket::DueToday);
        assert_eq!(bucket(date!(2024 - 03 - 21), TODAY), Bucket::DueThisWeek);
        assert_eq!(bucket(date!(2024 - 03 - 22), TODAY), Bucket::Later);
    }

    #[test]
    fn my_work_sorts_and_skips_done_and_others() {
        let me = UserId::new();
        let mut done = task(TaskKind::ChildSeen, date!(2024 - 03 - 01), Some(me), None);
        done.complete(me, datetime!(2024-03-01 12:00 UTC)).unwrap();
        assert_eq!(done.complete(me, datetime!(2024-03-02 12:00 UTC)), Err(TaskError::AlreadyDone));
        let tasks = vec![
            task(TaskKind::SingleAssessment, date!(2024 - 04 - 30), Some(me), None),
            task(TaskKind::ChildSeen, date!(2024 - 03 - 13), Some(me), None),
            task(TaskKind::ScreeningDecision, date!(2024 - 03 - 12), Some(me), None),
            task(TaskKind::ScreeningDecision, TODAY, Some(me), None),
            task(TaskKind::ScreeningDecision, TODAY, Some(UserId::new()), None),
            done,
        ];
        let tray = my_work(&tasks, me, TODAY);
        assert_eq!(tray.counts(), TrayCounts { overdue: 2, due_today: 1, due_this_week: 0, later: 1, waiting: 0 });
        assert_eq!(tray.overdue[0].due, date!(2024 - 03 - 12));
    }

    #[test]
    fn a_task_with_someone_else_is_not_overdue_nor_counted_for_the_team() {
        let (me, manager, team) = (UserId::new(), UserId::new(), TeamId::new());
        let mut tasks = vec![
            task(TaskKind::SingleAssessment, date!(2024 - 03 - 01), Some(me), Some(team)),
            task(TaskKind::ChildSeen, date!(2024 - 03 - 01), Some(me), Some(team)),
        ];
        let subject = tasks[0].subject;
        tasks[1].subject = subject;
        assert_eq!(tasks[0].days_overdue(TODAY), 14);
        let since = datetime!(2024-03-03 09:30 UTC);
        let waiting = Waiting { with: Some(manager), since };
        assert_eq!(set_waiting(&mut tasks, &[TaskKind::SingleAssessment], subject, Some(waiting)), 1);
        assert_eq!(tasks[0].bucket(TODAY), Bucket::Waiting);
        assert_eq!(tasks[0].days_overdue(TODAY), 0);
        let tray = my_work(&tasks, me, TODAY);
        assert_eq!(tray.counts(), TrayCounts { overdue: 1, due_today: 0, due_this_week: 0, later: 0, waiting: 1 });
        assert_eq!(tray.waiting[0].waiting, Some(waiting));
        // The manager's sign-off task is the one counted.
        let mut auth = task(TaskKind::AssessmentAuthorisation, date!(2024 - 03 - 20), Some(manager), Some(team));
        auth.sent = Some(Sent { by: me, at: since });
        tasks.push(auth);
        let c = TeamCounts::from_tally(&tally(&tasks, TODAY));
        assert_eq!((c.counts.overdue, c.counts.due_this_week, c.awaiting_authorisation), (1, 1, 1));
        assert_eq!(c.overdue_by_worker.get(&Some(me)), Some(&1));
        // Returned: the task is the worker's again, overdue as before.
        set_waiting(&mut tasks, &[TaskKind::SingleAssessment], subject, None);
        assert_eq!(tasks[0].bucket(TODAY), Bucket::Overdue);
        assert_eq!(TeamCounts::from_tally(&tally(&tasks, TODAY)).counts.overdue, 2);
    }

    #[test]
    fn manager_counts_come_from_the_tally() {
        let team = TeamId::new();
        let (a, b) = (UserId::new(), UserId::new());
        let mut done = task(TaskKind::ChildSeen, date!(2024 - 03 - 01), Some(a), Some(team));
        done.complete(a, datetime!(2024-03-02 12:00 UTC)).unwrap();
        let tasks = vec![
            task(TaskKind::ChildSeen, date!(2024 - 03 - 10), Some(a), Some(team)),
            task(TaskKind::ChildSeen, date!(2024 - 03 - 11), Some(a), Some(team)),
            task(TaskKind::CoreAssessment, date!(2024 - 03 - 12), Some(b), None),
            task(TaskKind::ScreeningDecision, date!(2024 - 03 - 12), None, Some(team)),
            task(TaskKind::AssessmentAuthorisation, date!(2024 - 03 - 20), None, Some(team)),
            task(TaskKind::AssessmentAuthorisation, TODAY, Some(b), Some(team)),
            done,
        ];
        let t = tally(&tasks, TODAY);
        assert_eq!(t[0..1], [TaskTally { assignee: None, kind: TaskKind::ScreeningDecision, bucket: Bucket::Overdue, count: 1 }]);
        let c = TeamCounts::from_tally(&t);
        assert_eq!(c.counts, TrayCounts { overdue: 4, due_today: 1, due_this_week: 1, later: 0, waiting: 0 });
        assert_eq!((c.overdue_by_worker[&Some(a)], c.overdue_by_worker[&Some(b)], c.overdue_by_worker[&None]), (2, 1, 1));
        assert_eq!((c.overdue_of(None), c.overdue_of(Some(Some(a))), c.overdue_of(Some(Some(UserId::new())))), (4, 2, 0));
        assert_eq!((c.awaiting_authorisation, c.unassigned), (2, 2));
    }

    #[test]
    fn a_task_from_a_deadline_keeps_the_pack() {
        let d = crate::policy::Pack::national()
            .deadline("referral_decision", 1, crate::policy::Start::Date(date!(2023 - 12 - 22)), crate::calendar::shipped())
            .unwrap();
        let contact = TaskSubject::Contact(ContactId::new());
        let t = Task::from_deadline(TaskKind::ScreeningDecision, contact, PersonId::new(), None, None, &d, crate::calendar::shipped());
        assert_eq!((t.due, t.pack.as_str(), t.rule.as_str()), (date!(2023 - 12 - 27), "national", "referral_decision"));
        assert!(t.explanation.starts_with("due Wed 27 Dec 2023 — 1 working day after"), "{}", t.explanation);
        let json = serde_json::to_string(&t).unwrap();
        assert!(json.contains("\"subject\":{\"type\":\"contact\""), "{json}");
        assert_eq!(serde_json::from_str::<Task>(&json).unwrap(), t);
        // Recording the decision closes it, once.
        let mut tasks = vec![t.clone(), Task { id: TaskId::new(), kind: TaskKind::ChildSeen, ..t }];
        let by = UserId::new();
        assert_eq!(complete_step(&mut tasks, TaskKind::ScreeningDecision, contact, by, datetime!(2023-12-27 10:00 UTC)), 1);
        assert_eq!(tasks[0].status, TaskStatus::Done { at: datetime!(2023-12-27 10:00 UTC), by });
        assert!(tasks[1].is_open());
        assert_eq!(complete_step(&mut tasks, TaskKind::ScreeningDecision, contact, by, datetime!(2023-12-28 10:00 UTC)), 0);
    }

    proptest! {
        #[test]
        fn every_open_task_lands_in_exactly_one_sorted_bucket(dues in proptest::collection::vec(-30i64..60, 0..40), today_off in 0i64..30) {
            let today = TODAY + Duration::days(today_off);
            let tasks: Vec<Task> = dues.iter().map(|d| task(TaskKind::ChildSeen, TODAY + Duration::days(*d), None, None)).collect();
            let tray = WorkTray::from_tasks(&tasks, today);
            let c = tray.counts();
            prop_assert_eq!(c.overdue + c.due_today + c.due_this_week + c.later, tasks.len());
            prop_assert_eq!(TeamCounts::from_tally(&tally(&tasks, today)).counts, c);
            for (v, b) in [(&tray.overdue, Bucket::Overdue), (&tray.due_today, Bucket::DueToday), (&tray.due_this_week, Bucket::DueThisWeek), (&tray.later, Bucket::Later)] {
                prop_assert!(v.windows(2).all(|w| w[0].due <= w[1].due));
                prop_assert!(v.iter().all(|t| bucket(t.due, today) == b));
            }
        }
    }
}
