//! The children-in-need episode of each generated referral, written as the app writes it
//! (`crates/app/src/cin.rs`): the episode opened with the referral, then each step as a
//! `Change` applied by the domain and saved as a new version, the statutory visits as case
//! notes, and the tasks brought in line with the steps due after every change.
//!
//! What follows an authorised assessment depends on its outcome: no further action or advice
//! closes the episode (RC8), early help closes it stepping down (RC9), a child in need plan
//! starts one, a strategy discussion runs the child protection path (discussion, section 47
//! enquiry; then a child in need plan when the enquiry found no conference needed, or the
//! initial conference, plan, core groups and reviews to today). A child protection plan that
//! has run 8 to 20 months ends at a review, and the child steps down to a child in need plan
//! or the episode closes (RC7). A referral closed with no further action closes its episode
//! the same day (RC8).
//!
//! An earlier episode of a child (see [`Past`]) is written the same way and is over before
//! the child's next referral: plans end after some months and the episode closes (RC7, or
//! RC5 when the child moved away, RC3/RC4 under an order).
use crate::front_door::{Holder, Op};
use crate::rng::Gen;
use crate::{invalid, TestkitError};
use hearth_app::Timescales;
use hearth_domain::case_note::{CaseNote, CaseNoteDetails};
use hearth_domain::cin::change::{Applied, Change};
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
        self.apply_at(ops, change, by, now)
    }

    /// As [`Writer::apply`], at the moment `now`.
    fn apply_at(&mut self, ops: &mut Vec<Op>, change: Change, by: UserId, now: OffsetDateTime) -> Result<Option<StepId>, TestkitError> {
        self.clock = self.clock.max(now);
        let reason = Some(change.label().to_string());
        let before = self.lengths();
        let applied = self.e.apply(change, by, now).map_err(|e| invalid("episode step", e))?;
        let applied = self.seed_ids(before, applied);
        ops.push(Op::UpdateEpisode(self.e.clone(), self.version, ChangeMeta { by, at: now, reason }));
        self.version += 1;
        self.sync(by, now)?;
        Ok(applied.plan.or(applied.step))
    }

    /// How many steps of each kind the episode holds (see [`Writer::seed_ids`]).
    fn lengths(&self) -> [usize; 7] {
        let e = &self.e;
        [e.cin_plans.len(), e.strategy_discussions.len(), e.enquiries.len(), e.conferences.len(), e.cp_plans.len(), e.core_groups.len(), e.oversight.len()]
    }

    /// The domain gives new steps time-based ids; they get ids from the seeded stream
    /// instead, so that a seed gives the same episodes (and task keys) every time. A change
    /// adds steps at the end of their lists, and only an initial conference's plan refers to
    /// a step added with it.
    fn seed_ids(&mut self, before: [usize; 7], applied: Applied) -> Applied {
        let (e, g) = (&mut self.e, &mut *self.g);
        let mut renamed: Vec<(StepId, StepId)> = Vec::new();
        let mut fresh = |id: &mut StepId| {
            let new = StepId(g.uuid());
            renamed.push((*id, new));
            *id = new;
        };
        e.cin_plans.iter_mut().skip(before[0]).for_each(|x| fresh(&mut x.id));
        e.strategy_discussions.iter_mut().skip(before[1]).for_each(|x| fresh(&mut x.id));
        e.enquiries.iter_mut().skip(before[2]).for_each(|x| fresh(&mut x.id));
        e.conferences.iter_mut().skip(before[3]).for_each(|x| fresh(&mut x.id));
        e.cp_plans.iter_mut().skip(before[4]).for_each(|x| fresh(&mut x.id));
        e.core_groups.iter_mut().skip(before[5]).for_each(|x| fresh(&mut x.id));
        e.oversight.iter_mut().skip(before[6]).for_each(|x| fresh(&mut x.id));
        let seeded = |id: StepId| renamed.iter().find(|(old, _)| *old == id).map_or(id, |r| r.1);
        for p in e.cp_plans.iter_mut().skip(before[4]) {
            p.conference = p.conference.map(seeded);
        }
        Applied { step: applied.step.map(seeded), plan: applied.plan.map(seeded), ended_cin_plan: applied.ended_cin_plan }
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
        let details = CaseNoteDetails { statutory_visit: false, also_for: Vec::new(),
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

/// How an earlier episode of the child went. It is over: closed by the day its [`Earlier`]
/// gives, before the child's next referral.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Past {
    /// The referral was closed with no further action the day it was made, before any
    /// assessment (CIN census `ReferralNFA`; RC8 on the referral date).
    ReferralNfa,
    /// Closed when the assessment was authorised, for its outcome: no further action or
    /// advice (RC8), or early help (RC9).
    Assessed(AssessmentOutcome),
    /// A child in need plan for some months, then closed for this reason.
    CinPlan(ClosureReason),
    /// A section 47 enquiry that found no initial conference needed; then closed, at once or
    /// after a short child in need plan (RC7).
    Enquiry,
    /// A child protection plan that ended at a review (then closed, at once or after a short
    /// child in need plan, RC7) or when the child moved away (RC5).
    Protection,
}

impl Past {
    /// What its assessment concluded; `None` for a referral closed before one.
    pub fn outcome(self) -> Option<AssessmentOutcome> {
        match self {
            Past::ReferralNfa => None,
            Past::Assessed(o) => Some(o),
            Past::CinPlan(_) => Some(AssessmentOutcome::ChildInNeedPlan),
            Past::Enquiry | Past::Protection => Some(AssessmentOutcome::StrategyDiscussion),
        }
    }
}

/// An earlier episode: how it went, and the day it had closed by.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Earlier {
    pub past: Past,
    pub by: Date,
}

/// What came after a referral.
pub(crate) enum Next<'a> {
    /// The referral was closed with no further action at this moment, before any assessment:
    /// the episode closes with it (as `App::update_referral` closes it).
    NoFurtherAction(OffsetDateTime),
    /// Its assessment; for an earlier episode, how the episode went and closed.
    Assessed(&'a Assessment, Option<Earlier>),
}

/// The episode of a referral and what followed, as operations; its closure date when it
/// closed. An earlier episode closes by its day; any other runs to today unless it closed
/// on its own (after the assessment, or when its plans ended).
#[allow(clippy::too_many_arguments)]
pub(crate) fn episode(g: &mut Gen, ts: &Timescales, today: Date, holder: Holder, referral: &Referral, next: Next<'_>, decided_at: OffsetDateTime, ops: &mut Vec<Op>) -> Result<Option<Date>, TestkitError> {
    let e = Episode { id: EpisodeId(g.uuid()), ..Episode::open(referral.child, referral.id, referral.referral_date) };
    ops.push(Op::InsertEpisode(e.clone(), ChangeMeta { by: holder.manager, at: decided_at, reason: None }));
    let mut w = Writer { g, ts, holder, e, version: 1, visits: Vec::new(), tasks: Vec::new(), clock: decided_at };
    let closed = follow(&mut w, ops, referral, next, today)?;
    ops.extend(w.tasks.into_iter().map(Op::Task));
    Ok(closed)
}

fn follow(w: &mut Writer<'_>, ops: &mut Vec<Op>, referral: &Referral, next: Next<'_>, today: Date) -> Result<Option<Date>, TestkitError> {
    let worker = w.holder.worker;
    let (assessment, earlier) = match next {
        Next::NoFurtherAction(at) => {
            let day = referral.referral_date;
            w.apply_at(ops, Change::Close { date: Some(day), reason: Some(ClosureReason::NoFurtherAction), step_down: None }, worker, at)?;
            return Ok(Some(day));
        }
        Next::Assessed(a, earlier) => (a, earlier),
    };
    let Some(done) = assessment.authorised_on.filter(|_| assessment.state == hearth_domain::front_door::assessment::AssessmentState::Authorised) else {
        return Ok(None);
    };
    let cal = &w.ts.calendar;
    let last = cal.add_working_days(today, -1).map(|d| d.date).unwrap_or(today);
    match assessment.outcome.unwrap_or(AssessmentOutcome::ChildInNeedPlan) {
        AssessmentOutcome::NoFurtherAction | AssessmentOutcome::AdviceAndInformation => {
            w.apply(ops, Change::Close { date: Some(done), reason: Some(ClosureReason::NoFurtherAction), step_down: None }, worker, done)?;
            Ok(Some(done))
        }
        AssessmentOutcome::EarlyHelp => {
            let step_down = Some((StepDownTo::EarlyHelp, "Family support from the early help team.".to_string()));
            w.apply(ops, Change::Close { date: Some(done), reason: Some(ClosureReason::ReferredToEarlyHelp), step_down }, worker, done)?;
            let follow = hearth_domain::calendar::add_months(done, 3).unwrap_or(today);
            if follow < last {
                w.apply(ops, Change::FollowUp { date: Some(follow), note: "The service is still right for the child.".into() }, worker, follow)?;
            }
            Ok(Some(done))
        }
        AssessmentOutcome::ChildInNeedPlan | AssessmentOutcome::FurtherAssessment => {
            let ends = match earlier {
                Some(e) => {
                    let reason = if let Past::CinPlan(r) = e.past { r } else { ClosureReason::ServicesCeased };
                    Some((plan_end(w.g, done, e.by, 4, 12), reason))
                }
                // A plan from more than two years ago ran for a year, then the episode closed.
                None => (today - done > Duration::days(730)).then(|| (hearth_domain::calendar::add_months(done, 12).unwrap_or(done), ClosureReason::ServicesCeased)),
            };
            cin_plan(w, ops, done, ends, today, last)
        }
        AssessmentOutcome::StrategyDiscussion => child_protection(w, ops, referral, done, today, last, earlier),
        AssessmentOutcome::LookedAfter => Ok(None),
    }
}

/// The end of a plan started on `start` that ran `lo` to `hi` months, by `by` at the latest.
fn plan_end(g: &mut Gen, start: Date, by: Date, lo: i64, hi: i64) -> Date {
    let months = u8::try_from(g.int(lo, hi)).unwrap_or(6);
    hearth_domain::calendar::add_months(start, months.into()).unwrap_or(by).min(by)
}

/// A child in need plan from `start`, reviewed every three months; when `ends` says so it
/// ended and the episode closed (at once, with no plan, when there was not a month for
/// one); otherwise it is open, with recent visits.
fn cin_plan(w: &mut Writer<'_>, ops: &mut Vec<Op>, start: Date, ends: Option<(Date, ClosureReason)>, today: Date, last: Date) -> Result<Option<Date>, TestkitError> {
    let worker = w.holder.worker;
    if let Some((end, reason)) = ends.filter(|(end, _)| *end < start + Duration::days(28)) {
        let end = end.max(start);
        w.apply(ops, Change::Close { date: Some(end), reason: Some(reason), step_down: None }, worker, end)?;
        return Ok(Some(end));
    }
    let content = w.plan_content();
    let plan = w.apply(ops, Change::StartCinPlan { start: Some(start), content, visit_every: None }, worker, start)?.ok_or_else(|| invalid("cin plan", "no plan"))?;
    let until = ends.map_or(last, |e| e.0);
    let mut d = hearth_domain::calendar::add_months(start, 3).unwrap_or(today) - Duration::days(2);
    while d < until {
        w.apply(ops, Change::ReviewCinPlan { plan, date: Some(d) }, worker, d)?;
        d = hearth_domain::calendar::add_months(d, 3).unwrap_or(today) - Duration::days(2);
    }
    match ends {
        Some((end, reason)) => {
            w.apply(ops, Change::EndCinPlan { plan, end: Some(end) }, worker, end)?;
            w.apply(ops, Change::Close { date: Some(end), reason: Some(reason), step_down: None }, worker, end)?;
            Ok(Some(end))
        }
        None => {
            w.recent_visits(ops, start, today, last, 18)?;
            Ok(None)
        }
    }
}

/// The child protection path: the strategy discussion the contact decision called for and
/// the enquiry; then a child in need plan when no conference was needed, or the initial
/// conference and the plan's history. A plan ends at a review once it has run long enough
/// (then a child in need plan or closure), or, in an earlier episode, when the child moved
/// away.
#[allow(clippy::too_many_arguments)]
fn child_protection(w: &mut Writer<'_>, ops: &mut Vec<Op>, referral: &Referral, done: Date, today: Date, last: Date, earlier: Option<Earlier>) -> Result<Option<Date>, TestkitError> {
    let ts = w.ts;
    let (cal, holder, worker) = (&ts.calendar, w.holder, w.holder.worker);
    // An earlier episode's steps all come before the day it had closed by.
    let last = earlier.map_or(last, |e| e.by.min(last));
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
    // The conference on a working day before its target.
    let icpc = cal.add_working_days(held, w.g.int(8, 14)).map(|d| d.date).unwrap_or(held).max(outcome_day);
    let icpc = if cal.is_working_day(icpc) { icpc } else { cal.add_working_days(icpc, 1).map(|d| d.date).unwrap_or(icpc) };
    let conference = match earlier {
        Some(e) => e.past == Past::Protection && icpc < last,
        None => w.g.chance(0.85),
    };
    if !conference {
        let outcome = if w.g.chance(0.5) { EnquiryOutcome::NotSubstantiated } else { EnquiryOutcome::SubstantiatedNoConference };
        w.apply(ops, Change::ConcludeEnquiry { enquiry: q, outcome: Some(outcome), date: Some(outcome_day) }, worker, outcome_day)?;
        // Support as a child in need; an earlier episode closed at once or after a while.
        let ends = match earlier {
            Some(_) if w.g.chance(0.5) => Some((outcome_day, ClosureReason::ServicesCeased)),
            Some(e) => Some((plan_end(w.g, outcome_day, e.by, 2, 6), ClosureReason::ServicesCeased)),
            None => None,
        };
        return cin_plan(w, ops, outcome_day, ends, today, last);
    }
    w.apply(ops, Change::ConcludeEnquiry { enquiry: q, outcome: Some(EnquiryOutcome::ConferenceRequired), date: Some(outcome_day) }, worker, outcome_day)?;
    if icpc >= last {
        return Ok(None);
    }
    let category = *w.g.pick(AbuseCategory::ALL);
    let meeting = MeetingDetails { date: Some(icpc), participants: people(w.g), notes: "Plan agreed.".into() };
    let plan = w.apply(ops, Change::InitialConference { enquiry: q, meeting, decision: Some(InitialDecision::Plan { category }) }, worker, icpc)?.ok_or_else(|| invalid("plan", "none"))?;
    let months = |g: &mut Gen, lo: i64, hi: i64| hearth_domain::calendar::add_months(icpc, u8::try_from(g.int(lo, hi)).unwrap_or(6).into()).unwrap_or(icpc);
    let Some(e) = earlier else {
        // Plans rarely run past two years: one that has run 8 to 20 months ended at the next
        // review, and the child stepped down to a child in need plan or the episode closed.
        let end_at = months(w.g, 8, 20);
        return match w.cp_history(ops, plan, icpc, last, Some(end_at))? {
            Some(end) if w.g.chance(0.6) => cin_plan(w, ops, end, None, today, last),
            Some(end) => {
                w.apply(ops, Change::Close { date: Some(end), reason: Some(ClosureReason::ServicesCeased), step_down: None }, worker, end)?;
                Ok(Some(end))
            }
            None => {
                w.recent_visits(ops, icpc, today, last, 9)?;
                Ok(None)
            }
        };
    };
    // An earlier plan ended at its first, second or third review (at about 3, 9 and 15
    // months) when it fell before the episode's end, or when the child moved to another
    // authority.
    let reviews: Vec<(i64, u32)> = [(1, 3, 35), (4, 9, 45), (10, 15, 20)]
        .into_iter()
        .filter(|(_, at, _)| hearth_domain::calendar::add_months(icpc, *at).is_ok_and(|d| d - Duration::days(15) < last))
        .map(|(after, _, weight)| (after, weight))
        .collect();
    let (until, end_at) = if reviews.is_empty() || w.g.chance(0.15) {
        (w.g.date_between(icpc + Duration::days(30), last).min(last), None)
    } else {
        let after = *w.g.weighted(&reviews);
        (last, Some(months(w.g, after, after)))
    };
    match w.cp_history(ops, plan, icpc, until, end_at)? {
        Some(end) => {
            let ends = if w.g.chance(0.5) { end } else { plan_end(w.g, end, e.by, 2, 6) };
            cin_plan(w, ops, end, Some((ends, ClosureReason::ServicesCeased)), today, last)
        }
        None => {
            w.apply(ops, Change::EndCpPlan { plan, end: Some(until), reason: Some(PlanEndReason::MovedAway) }, worker, until)?;
            w.apply(ops, Change::Close { date: Some(until), reason: Some(ClosureReason::TransferredToAnotherLa), step_down: None }, worker, until)?;
            Ok(Some(until))
        }
    }
}
