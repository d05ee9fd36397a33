//! The children-in-need episode of each generated referral, written as the app writes it
//! (`crates/app/src/cin.rs`): the episode opened with the referral, then each step as a
//! `Change` applied by the domain and saved as a new version, the statutory visits as case
//! notes, and the tasks brought in line with the steps due after every change.
//!
//! What follows an authorised assessment depends on its outcome: no further action or advice
//! closes the episode (RC8), early help closes it stepping down (RC9), a child in need plan
//! starts one, a strategy discussion runs the child protection path (discussion, section 47
//! enquiry, initial conference, plan, core groups and reviews to today). A plan started more
//! than two years ago ran for about a year (a child protection plan ending at a review);
//! then the episode closed (RC7).
use crate::front_door::{Holder, Op};
use crate::rng::Gen;
use crate::{invalid, TestkitError};
use hearth_app::Timescales;
use hearth_domain::case_note::{CaseNote, CaseNoteDetails};
use hearth_domain::cin::change::Change;
use hearth_domain::cin::codes::{AbuseCategory, ClosureReason, EnquiryOutcome, PlanEndReason, StepDownTo, StrategyDecision};
use hearth_domain::cin::episode::{Episode, InitialDecision, MeetingDetails, Participant, PlanAction, PlanContent, ReviewDecision};
use hearth_domain::cin::steps::{due_steps, reconcile, Facts};
use hearth_domain::cin::{EpisodeId, StepId};
use hearth_domain::codes::{CaseNoteType, Coded};
use hearth_domain::front_door::assessment::Assessment;
use hearth_domain::front_door::codes::AssessmentOutcome;
use hearth_domain::front_door::referral::Referral;
use hearth_domain::front_door::tasks::{Task, TaskStatus, TaskSubject};
use hearth_domain::front_door::TaskId;
use hearth_domain::person::ChangeMeta;
use hearth_domain::{CaseNoteId, UserId};
use time::{Date, Duration, OffsetDateTime, PrimitiveDateTime, Time};

/// An episode while it is written: its steps so far, version, visits and tasks.
struct Writer<'a> {
    g: &'a mut Gen,
    ts: &'a Timescales,
    holder: Holder,
    e: Episode,
    version: i64,
    visits: Vec<Date>,
    tasks: Vec<Task>,
    /// The moment of the last step: each step comes after it.
    clock: OffsetDateTime,
}

fn people(g: &mut Gen) -> Vec<Participant> {
    let mut v = vec![
        Participant { name: "Allocated social worker".into(), agency: "Children's social care".into(), role: "Social worker".into() },
        Participant { name: (*g.pick(&["DC Morgan", "DS Khan", "PC Jones"])).into(), agency: "Avon and Somerset Police".into(), role: "Police officer".into() },
    ];
    if g.chance(0.7) {
        v.push(Participant { name: (*g.pick(&["Health visitor", "School nurse", "Named nurse"])).into(), agency: "Community health".into(), role: "Health".into() });
    }
    v
}

impl Writer<'_> {
    /// A moment on `day` in the afternoon, or a few minutes after the last step when that
    /// was later.
    fn moment(&mut self, day: Date) -> OffsetDateTime {
        let afternoon = PrimitiveDateTime::new(day, Time::from_hms(14, 0, 0).unwrap_or(Time::MIDNIGHT)).assume_utc();
        self.clock = afternoon.max(self.clock + Duration::minutes(10));
        self.clock
    }

    /// Applies a change on `day` as `by`, saves the new version and brings the tasks in line;
    /// the step it made (for an initial conference, the plan it made).
    fn apply(&mut self, ops: &mut Vec<Op>, change: Change, by: UserId, day: Date) -> Result<Option<StepId>, TestkitError> {
        let now = self.moment(day);
        let reason = Some(change.label().to_string());
        let applied = self.e.apply(change, by, now).map_err(|e| invalid("episode step", e))?;
        ops.push(Op::UpdateEpisode(self.e.clone(), self.version, ChangeMeta { by, at: now, reason }));
        self.version += 1;
        self.sync(by, now)?;
        Ok(applied.plan.or(applied.step))
    }

    fn sync(&mut self, by: UserId, now: OffsetDateTime) -> Result<(), TestkitError> {
        let due = due_steps(&self.e, Facts { visits: &self.visits, last_team_change: None }, &self.ts.pack, &self.ts.calendar).map_err(|e| invalid("episode deadlines", e))?;
        let (done, new) = reconcile(&self.tasks, &due);
        let done: Vec<TaskId> = done.iter().map(|t| t.id).collect();
        let new: Vec<_> = new.into_iter().cloned().collect();
        for t in self.tasks.iter_mut().filter(|t| done.contains(&t.id)) {
            t.status = TaskStatus::Done { at: now, by };
        }
        for d in new {
            let owner = if d.kind == hearth_domain::front_door::tasks::TaskKind::CaseTransfer { None } else { Some(self.holder.worker) };
            let t = Task::from_deadline(d.kind, TaskSubject::Episode(self.e.id), self.e.child, Some(self.holder.team), owner, &d.deadline, &self.ts.calendar);
            self.tasks.push(Task { id: TaskId(self.g.uuid()), step: d.step, ..t });
        }
        Ok(())
    }

    fn visit(&mut self, ops: &mut Vec<Op>, day: Date) -> Result<(), TestkitError> {
        let now = self.moment(day);
        let details = CaseNoteDetails {
            occurred_at: hearth_app::local_time::uk_local(now) - Duration::minutes(30),
            note_type: CaseNoteType::StatutoryVisit,
            child_seen: true,
            seen_alone: self.g.chance(0.6),
            significant: false,
            text: (*self.g.pick(&["Child seen at home; bedroom seen.", "Child seen alone at school.", "Home visit: the plan's actions discussed with the family."])).to_string(),
        };
        ops.push(Op::CaseNote(CaseNote {
            id: CaseNoteId(self.g.uuid()),
            person: self.e.child,
            version: 1,
            details,
            author: self.holder.worker,
            author_name: String::new(),
            created_at: now,
            updated_at: now,
        }));
        self.visits.push(day);
        self.sync(self.holder.worker, now)
    }

    /// Statutory visits every `every` days over the last four weeks (from after `start`).
    fn recent_visits(&mut self, ops: &mut Vec<Op>, start: Date, today: Date, last: Date, every: i64) -> Result<(), TestkitError> {
        let mut d = (today - Duration::days(28)).max(start + Duration::days(1));
        while d < last {
            if self.ts.calendar.is_working_day(d) {
                self.visit(ops, d)?;
            }
            d += Duration::days(every);
        }
        Ok(())
    }

    fn plan_content(&mut self) -> PlanContent {
        PlanContent {
            needs: (*self.g.pick(&["Support with routines and school attendance.", "Parenting support; the home needs to be safe.", "Help for the parent's mental health and the child's emotional wellbeing."])).into(),
            outcomes: "The child attends school, is safe at home and their needs are met.".into(),
            actions: vec![PlanAction { action: "Family support worker weekly".into(), owner: "Early help".into(), due: None }],
        }
    }

    /// Core groups every six weeks, reviews at three months and then six-monthly, from `start`
    /// until `until` (exclusive); a review on or after `end_at` ends the plan.
    fn cp_history(&mut self, ops: &mut Vec<Op>, plan: StepId, start: Date, until: Date, end_at: Option<Date>) -> Result<Option<Date>, TestkitError> {
        let cal = &self.ts.calendar;
        let mut events: Vec<(Date, bool)> = Vec::new();
        let mut d = cal.add_working_days(start, 8).map(|w| w.date).unwrap_or(start);
        while d < until {
            events.push((d, false));
            d = cal.add_working_days(d, 28).map(|w| w.date).unwrap_or(until);
        }
        let mut d = hearth_domain::calendar::add_months(start, 3).unwrap_or(until) - Duration::days(3);
        while d < until {
            events.push((d, true));
            d = hearth_domain::calendar::add_months(d, 6).unwrap_or(until) - Duration::days(5);
        }
        events.sort();
        let manager = self.holder.manager;
        let worker = self.holder.worker;
        let mut overseen = false;
        for (day, review) in events {
            let meeting = MeetingDetails { date: Some(day), participants: people(self.g), notes: "Actions reviewed and agreed.".into() };
            if review {
                if end_at.is_some_and(|e| day >= e) {
                    let decision = Some(ReviewDecision::EndPlan { reason: PlanEndReason::NoLongerAtRisk });
                    self.apply(ops, Change::ReviewConference { plan, meeting, decision }, worker, day)?;
                    return Ok(Some(day));
                }
                let category = *self.g.pick(AbuseCategory::ALL);
                let review = self.apply(ops, Change::ReviewConference { plan, meeting, decision: Some(ReviewDecision::Continue { category }) }, worker, day)?;
                // The manager's oversight of the first review.
                if !overseen {
                    overseen = true;
                    self.apply(ops, Change::Oversight { about: review, note: "Review read; the plan is proportionate.".into(), decision: Some("The plan continues.".into()) }, manager, day)?;
                }
            } else {
                self.apply(ops, Change::CoreGroup { plan, meeting }, worker, day)?;
            }
        }
        Ok(None)
    }
}

/// The episode of a referral and what followed its assessment, as operations.
#[allow(clippy::too_many_arguments)]
pub(crate) fn episode(g: &mut Gen, ts: &Timescales, today: Date, holder: Holder, referral: &Referral, assessment: &Assessment, decided_at: OffsetDateTime, ops: &mut Vec<Op>) -> Result<(), TestkitError> {
    let e = Episode { id: EpisodeId(g.uuid()), ..Episode::open(referral.child, referral.id, referral.referral_date) };
    ops.push(Op::InsertEpisode(e.clone(), ChangeMeta { by: holder.manager, at: decided_at, reason: None }));
    let mut w = Writer { g, ts, holder, e, version: 1, visits: Vec::new(), tasks: Vec::new(), clock: decided_at };
    let Some(done) = assessment.authorised_on.filter(|_| assessment.state == hearth_domain::front_door::assessment::AssessmentState::Authorised) else {
        return Ok(());
    };
    let cal = &ts.calendar;
    let last = cal.add_working_days(today, -1).map(|d| d.date).unwrap_or(today);
    let worker = holder.worker;
    match assessment.outcome.unwrap_or(AssessmentOutcome::ChildInNeedPlan) {
        AssessmentOutcome::NoFurtherAction | AssessmentOutcome::AdviceAndInformation => {
            w.apply(ops, Change::Close { date: Some(done), reason: Some(ClosureReason::NoFurtherAction), step_down: None }, worker, done)?;
        }
        AssessmentOutcome::EarlyHelp => {
            let step_down = Some((StepDownTo::EarlyHelp, "Family support from the early help team.".to_string()));
            w.apply(ops, Change::Close { date: Some(done), reason: Some(ClosureReason::ReferredToEarlyHelp), step_down }, worker, done)?;
            let follow = hearth_domain::calendar::add_months(done, 3).unwrap_or(today);
            if follow < last {
                w.apply(ops, Change::FollowUp { date: Some(follow), note: "The service is still right for the child.".into() }, worker, follow)?;
            }
        }
        AssessmentOutcome::ChildInNeedPlan | AssessmentOutcome::FurtherAssessment => {
            let content = w.plan_content();
            let plan = w.apply(ops, Change::StartCinPlan { start: Some(done), content, visit_every: None }, worker, done)?.ok_or_else(|| invalid("cin plan", "no plan"))?;
            // A plan from more than two years ago ran for a year, then the episode closed.
            let ends = (today - done > Duration::days(730)).then(|| hearth_domain::calendar::add_months(done, 12).unwrap_or(done));
            let until = ends.unwrap_or(last);
            let mut d = hearth_domain::calendar::add_months(done, 3).unwrap_or(today) - Duration::days(2);
            while d < until {
                w.apply(ops, Change::ReviewCinPlan { plan, date: Some(d) }, worker, d)?;
                d = hearth_domain::calendar::add_months(d, 3).unwrap_or(today) - Duration::days(2);
            }
            match ends {
                Some(end) => {
                    w.apply(ops, Change::EndCinPlan { plan, end: Some(end) }, worker, end)?;
                    w.apply(ops, Change::Close { date: Some(end), reason: Some(ClosureReason::ServicesCeased), step_down: None }, worker, end)?;
                }
                None => w.recent_visits(ops, done, today, last, 18)?,
            }
        }
        AssessmentOutcome::StrategyDiscussion => child_protection(&mut w, ops, referral, done, today, last)?,
        AssessmentOutcome::LookedAfter => {}
    }
    ops.extend(w.tasks.into_iter().map(Op::Task));
    Ok(())
}

/// The child protection path: the strategy discussion the contact decision called for, the
/// enquiry, the initial conference and the plan's history to `last`.
fn child_protection(w: &mut Writer<'_>, ops: &mut Vec<Op>, referral: &Referral, done: Date, today: Date, last: Date) -> Result<(), TestkitError> {
    let ts = w.ts;
    let (cal, holder, worker) = (&ts.calendar, w.holder, w.holder.worker);
    // The discussion the contact decision called for, on the referral day.
    let held = referral.referral_date;
    let participants = people(w.g);
    let held_at = w.moment(held);
    let sd = w.apply(
        ops,
        Change::StrategyDiscussion {
            held_at: Some(held_at),
            participants,
            information: "Police and health shared what they know of the injury and the family.".into(),
            decision: Some(StrategyDecision::Section47),
            action_notes: "Joint visit today; the school to share attendance.".into(),
        },
        holder.manager,
        held,
    )?;
    let sent = w.moment(held);
    w.apply(ops, Change::ActionNotesSent { strategy: sd.ok_or_else(|| invalid("strategy", "none"))?, at: Some(sent) }, holder.manager, held)?;
    let q = w.apply(ops, Change::StartEnquiry { strategy: sd, start: Some(held) }, worker, held)?.ok_or_else(|| invalid("enquiry", "none"))?;
    let outcome_day = done.max(held);
    w.apply(ops, Change::ConcludeEnquiry { enquiry: q, outcome: Some(EnquiryOutcome::ConferenceRequired), date: Some(outcome_day) }, worker, outcome_day)?;
    // The conference on a working day before its target.
    let icpc = cal.add_working_days(held, w.g.int(8, 14)).map(|d| d.date).unwrap_or(held).max(outcome_day);
    let icpc = if cal.is_working_day(icpc) { icpc } else { cal.add_working_days(icpc, 1).map(|d| d.date).unwrap_or(icpc) };
    if icpc >= last {
        return Ok(());
    }
    let category = *w.g.pick(AbuseCategory::ALL);
    let meeting = MeetingDetails { date: Some(icpc), participants: people(w.g), notes: "Plan agreed.".into() };
    let plan = w.apply(ops, Change::InitialConference { enquiry: q, meeting, decision: Some(InitialDecision::Plan { category }) }, worker, icpc)?.ok_or_else(|| invalid("plan", "none"))?;
    // Plans rarely run past two years: an older one ended at a review after a year.
    let old = today - icpc > Duration::days(730);
    let end_at = old.then(|| hearth_domain::calendar::add_months(icpc, 11).unwrap_or(icpc));
    let ended = w.cp_history(ops, plan, icpc, last, end_at)?;
    if let Some(end) = ended {
        w.apply(ops, Change::Close { date: Some(end), reason: Some(ClosureReason::ServicesCeased), step_down: None }, worker, end)?;
    } else {
        w.recent_visits(ops, icpc, today, last, 9)?;
    }
    Ok(())
}
