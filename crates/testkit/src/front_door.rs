//! The front-door history of the generated children: for each group of children who came to
//! the front door together (a family's children whose records were made the same day), a
//! contact with its screening decision, a referral per child and a single assessment per
//! referral, with the tasks their deadlines make — the same records, versions and tasks the
//! app's use cases (`crates/app/src/front_door.rs`) write, step by step:
//!
//! | step (who) | records | tasks |
//! |---|---|---|
//! | contact recorded (worker) | contact v1 | screening decision, contact, worker's team, nobody |
//! | decision (manager) | contact v2, referral v1 per child | screening done; referral's deadlines (response, child seen, initial, core, single as the pack has them), case's team and worker |
//! | assessment started (worker) | assessment v1 | referral response done |
//! | content saved (worker) | assessment v+1 | child seen done once a date is recorded |
//! | submitted (worker) | assessment v+1 | authorisation, assessment, worker's team, worker's line manager |
//! | returned (manager) | assessment v+1 | authorisation done |
//! | authorised (manager) | assessment v+1 | authorisation done; initial, core, single and child seen done |
//! | primary need recorded (worker) | referral v2 | |
//! | closed with no further action (worker), instead of an assessment | referral v2 | the referral's deadlines done |
//!
//! Most assessments were authorised long ago, when the case opened; a front-door team holds
//! work in every state: in progress (due dates overdue, this week and later), submitted (an
//! open authorisation task for the manager) and returned. Every step goes through the
//! domain's own checks (`Contact::decide`, `Referral::from_contact`, `Assessment::submit`,
//! `authorise`, …), so what is written is what the app would accept. Dates are relative to
//! today: every step happened on or before the last working day before today.
//!
//! Some groups came to the door before (more in the teams holding longer histories): an
//! earlier contact, referral and episode, over before the current contact, which makes a
//! re-referral when within a year ([`Past`] says how it went). A baby whose pre-birth case
//! closed before the birth (`Family::closed_pre_birth`) has that one closed case. These fill
//! the census of the previous collection year with the children whose cases closed in it.
use crate::cin::{Earlier, Next, Past};
use crate::family::Family;
use crate::names::{STAFF_GIVEN, STAFF_SURNAMES};
use crate::places::{HEALTH_BASES, SCHOOLS};
use crate::rng::Gen;
use crate::staff::Worker;
use crate::text::TeamKind;
use crate::{invalid, TestkitError};
use hearth_app::local_time::{uk_local, uk_offset};
use hearth_app::Timescales;
use hearth_domain::calendar::Calendar;
use hearth_domain::case_note::CaseNote;
use hearth_domain::cin::codes::ClosureReason;
use hearth_domain::cin::episode::Episode;
use hearth_domain::front_door::assessment::{Actor, Assessment, AssessmentState, ChildSeen, Substance};
use hearth_domain::front_door::codes::{AssessmentFactor, AssessmentOutcome, PrimaryNeed, ReferralSource, ScreeningDecision};
use hearth_domain::front_door::contact::{Consent, Contact, Referrer, Screening};
use hearth_domain::front_door::deadlines::{
    assessment_deadlines, child_seen_check, child_seen_deadline, referral_response_deadline, screening_deadline,
};
use hearth_domain::front_door::referral::Referral;
use hearth_domain::front_door::tasks::{set_waiting, Sent, Task, TaskKind, TaskStatus, TaskSubject, Waiting};
use hearth_domain::front_door::{AssessmentId, ContactId, ReferralId, TaskId};
use hearth_domain::person::{ChangeMeta, PersonDetails, PersonKind};
use hearth_domain::policy::Deadline;
use hearth_domain::relationship::RelationshipType;
use hearth_domain::returns::cin::CollectionYear;
use hearth_domain::search::tokens;
use hearth_domain::{PersonId, TeamId, UserId};
use hearth_store::Tx;
use std::collections::BTreeMap;
use std::sync::Arc;
use time::{Date, Duration, OffsetDateTime, PrimitiveDateTime, Time};

/// Whether and how to generate the front door.
#[derive(Clone, Debug)]
pub struct FrontDoorOptions {
    /// Contacts, referrals, assessments and their tasks for every child (on by default).
    pub enabled: bool,
    /// The policy pack and working-day calendar the deadlines are computed under — pass the
    /// app's (`AppConfig::timescales`) so generated tasks match what the app would make.
    /// `None`: the national pack on the shipped England and Wales calendar.
    pub timescales: Option<Arc<Timescales>>,
}

impl Default for FrontDoorOptions {
    fn default() -> Self {
        Self { enabled: true, timescales: None }
    }
}

impl FrontDoorOptions {
    /// No front-door records at all.
    pub fn off() -> Self {
        Self { enabled: false, timescales: None }
    }
}

impl PartialEq for FrontDoorOptions {
    fn eq(&self, other: &Self) -> bool {
        let same = match (&self.timescales, &other.timescales) {
            (None, None) => true,
            (Some(a), Some(b)) => {
                Arc::ptr_eq(a, b)
                    || (a.pack == b.pack && a.calendar.bank_holidays() == b.calendar.bank_holidays() && a.calendar.closures() == b.calendar.closures())
            }
            _ => false,
        };
        self.enabled == other.enabled && same
    }
}

impl Eq for FrontDoorOptions {}

/// What the front door of a generation holds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FrontDoorSummary {
    pub contacts: usize,
    pub referrals: usize,
    /// Assessments by state (one per referral, but none for a referral closed with no
    /// further action).
    pub drafts: usize,
    pub submitted: usize,
    pub returned: usize,
    pub authorised: usize,
    pub open_tasks: usize,
    pub done_tasks: usize,
    /// Statutory visits recorded (case notes) under children in need and child protection plans.
    pub visits: usize,
    /// Episodes that closed before the child's current referral, and the pre-birth cases
    /// that closed before the birth.
    pub earlier_episodes: usize,
}

impl FrontDoorSummary {
    pub fn assessments(&self) -> usize {
        self.drafts + self.submitted + self.returned + self.authorised
    }

    fn count(&mut self, ops: &[Op]) {
        for op in ops {
            match op {
                Op::InsertContact(..) => self.contacts += 1,
                Op::InsertReferral(..) => self.referrals += 1,
                Op::Task(t) if t.is_open() => self.open_tasks += 1,
                Op::Task(_) => self.done_tasks += 1,
                Op::CaseNote(_) => self.visits += 1,
                _ => {}
            }
        }
    }
}

/// One write, in the order the app would make it.
#[derive(Clone, Debug)]
pub(crate) enum Op {
    InsertContact(Contact, ChangeMeta),
    UpdateContact(Contact, i64, ChangeMeta),
    InsertReferral(Referral, ChangeMeta),
    UpdateReferral(Referral, i64, ChangeMeta),
    InsertAssessment(Assessment, ChangeMeta),
    UpdateAssessment(Assessment, i64, ChangeMeta),
    InsertEpisode(Episode, ChangeMeta),
    UpdateEpisode(Episode, i64, ChangeMeta),
    /// A statutory visit recorded as a case note.
    CaseNote(CaseNote),
    /// A task as it stands now (open, or done with who and when).
    Task(Task),
}

/// Where an episode is now.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Target {
    /// In progress; the assessment is due overdue / within the week / later.
    Overdue,
    DueSoon,
    Later,
    Submitted,
    Returned,
    /// Authorised recently (a front-door team's finished work) or when the case opened.
    AuthorisedRecently,
    AuthorisedWhenOpened,
}

/// The demo social worker's episodes, in order, so the demo always shows every kind of work.
const DEMO_PATTERN: &[Target] = &[Target::Later, Target::Submitted, Target::Overdue, Target::Returned, Target::DueSoon, Target::Submitted, Target::AuthorisedRecently];

const FRONT_DOOR_MIX: &[(Target, u32)] = &[
    (Target::AuthorisedRecently, 30),
    (Target::Overdue, 12),
    (Target::DueSoon, 8),
    (Target::Later, 25),
    (Target::Submitted, 15),
    (Target::Returned, 10),
];

/// Long-term teams: the assessment was done when the case opened; a few are reassessed.
const LONG_TERM_MIX: &[(Target, u32)] = &[
    (Target::AuthorisedWhenOpened, 186),
    (Target::Later, 6),
    (Target::Overdue, 4),
    (Target::DueSoon, 1),
    (Target::Submitted, 2),
    (Target::Returned, 1),
];

/// A child of an episode.
struct EpisodeChild<'a> {
    id: PersonId,
    details: &'a PersonDetails,
    created_at: OffsetDateTime,
}

/// Who holds the case: the allocated worker, their team and line manager.
#[derive(Clone, Copy)]
pub(crate) struct Holder {
    pub worker: UserId,
    pub manager: UserId,
    pub team: TeamId,
    pub kind: TeamKind,
}

impl Holder {
    pub fn of(worker: &Worker, team: TeamId, kind: TeamKind) -> Holder {
        Holder { worker: worker.id, manager: worker.manager, team, kind }
    }
}

/// The front-door generator: its own random stream (so turning it on or off changes
/// nothing else), the timescales, and what it has made so far.
pub(crate) struct Generator {
    g: Gen,
    timescales: Arc<Timescales>,
    today: Date,
    /// Working days from a referral to the assessment's final deadline under the pack.
    final_wd: i64,
    demo_worker: UserId,
    demo_episodes: usize,
    /// The collection year before today's, whose census the earlier episodes fill.
    year: CollectionYear,
    pub summary: FrontDoorSummary,
}

/// Salt of the front door's random stream.
const STREAM: u64 = 0xF0D0_0D00_2026_0004;

impl Generator {
    pub fn new(seed: u64, opts: &FrontDoorOptions, today: Date, demo_worker: UserId) -> Generator {
        let timescales = opts.timescales.clone().unwrap_or_else(|| Arc::new(Timescales::default()));
        let final_wd = assessment_deadlines(&timescales.pack, &timescales.calendar, today, None)
            .map(|a| timescales.calendar.working_days_between(today, a.final_due().date()).days)
            .unwrap_or(45)
            .clamp(5, 260);
        let year = crate::previous_collection_year(today);
        Generator { g: Gen::new(seed ^ STREAM), timescales, today, final_wd, demo_worker, demo_episodes: 0, year, summary: FrontDoorSummary::default() }
    }

    /// Plans and writes the front door of one family.
    pub async fn family(&mut self, tx: &mut dyn Tx, f: &Family, holder: Holder) -> Result<(), TestkitError> {
        let ops = self.plan_family(f, holder)?;
        write(tx, &ops).await
    }

    /// The writes for one family: the episodes of each group of children whose records were
    /// made the same day (younger siblings born later came to the door later).
    fn plan_family(&mut self, f: &Family, holder: Holder) -> Result<Vec<Op>, TestkitError> {
        // A baby whose pre-birth case closed is a group of its own.
        let mut groups: BTreeMap<(bool, Date), Vec<EpisodeChild<'_>>> = BTreeMap::new();
        for p in f.persons.iter().filter(|p| p.record.details.kind == PersonKind::Child) {
            let created_at = p.record.created_at;
            let closed = f.closed_pre_birth == Some(p.record.id);
            groups.entry((closed, uk_local(created_at).date())).or_default().push(EpisodeChild { id: p.record.id, details: &p.record.details, created_at });
        }
        let mut ops = Vec::new();
        for ((closed, _), children) in &groups {
            let ids: Vec<PersonId> = children.iter().map(|c| c.id).collect();
            let mut parents: Vec<PersonId> = f
                .relationships
                .iter()
                .filter(|r| r.kind == RelationshipType::Parent && ids.contains(&r.to) && !ids.contains(&r.from))
                .map(|r| r.from)
                .collect();
            parents.sort();
            parents.dedup();
            if *closed {
                self.pre_birth(&mut ops, children, &parents, holder)?;
            } else {
                self.episodes(&mut ops, children, &parents, holder)?;
            }
        }
        self.summary.count(&ops);
        Ok(ops)
    }

    /// Where the group's current episode is now, and whether it is one of the demo social
    /// worker's shown ones (which have no earlier episode, so that the README's example
    /// child has one referral).
    fn target(&mut self, holder: Holder) -> (Target, bool) {
        if holder.worker == self.demo_worker && self.demo_episodes < DEMO_PATTERN.len() {
            self.demo_episodes += 1;
            return (DEMO_PATTERN[self.demo_episodes - 1], true);
        }
        let target = match holder.kind {
            TeamKind::FrontDoor => *self.g.weighted(FRONT_DOOR_MIX),
            _ => *self.g.weighted(LONG_TERM_MIX),
        };
        (target, false)
    }

    /// A group's episodes: for some, an earlier one that closed before the current referral
    /// (a re-referral when it came within a year), then the current one.
    fn episodes(&mut self, ops: &mut Vec<Op>, children: &[EpisodeChild<'_>], parents: &[PersonId], holder: Holder) -> Result<(), TestkitError> {
        let (target, shown) = self.target(holder);
        let known_since = children.iter().map(|c| c.created_at).max().ok_or_else(|| invalid("episode", "a group without a child"))?;
        let earlier = if shown { None } else { self.earlier(holder.kind, uk_local(known_since).date()) };
        let (mut from, mut previous) = (known_since, Vec::new());
        if let Some(e) = earlier {
            let (referred, closed) = self.episode(ops, children, parents, holder, Journey::Earlier(e), known_since, &[])?;
            let closed = closed.ok_or_else(|| invalid("earlier episode", "not closed"))?;
            self.summary.earlier_episodes += children.len();
            previous.push(referred);
            // Back at the door after a while; most re-referrals come within the year, soon
            // after a child protection plan.
            let gap = match e.past {
                Past::Protection => self.g.int(14, 45),
                _ if self.g.chance(0.7) => self.g.int(14, 150),
                _ => self.g.int(150, 420),
            };
            let latest = (self.today - closed).whole_days() - 30;
            let back = closed + Duration::days(gap.min(latest).max(1));
            let local = PrimitiveDateTime::new(back, Time::from_hms(8, 0, 0).unwrap_or(Time::MIDNIGHT));
            from = local.assume_offset(uk_offset(local.assume_utc()));
        }
        self.episode(ops, children, parents, holder, Journey::Current(target), from, &previous)?;
        Ok(())
    }

    /// An earlier episode for a group first known on `since`, for some groups (more often
    /// in the teams that hold longer histories), when there is room before today for it, a
    /// gap and the current referral.
    fn earlier(&mut self, kind: TeamKind, since: Date) -> Option<Earlier> {
        let (chance, mix) = match kind {
            TeamKind::FrontDoor => (0.2, FRONT_DOOR_PAST),
            TeamKind::ChildProtection => (0.55, PROTECTION_PAST),
            TeamKind::Disabled => (0.2, DISABLED_PAST),
            TeamKind::InCare | TeamKind::Placement => (0.3, PROTECTION_PAST),
        };
        if !self.g.chance(chance) {
            return None;
        }
        let cal = &self.timescales.calendar;
        let assessed = cal.add_working_days(since, self.final_wd + ASSESSMENT_SLACK).map(|d| d.date).ok()?;
        // The current referral needs a month and a half.
        let by = self.today - Duration::days(45);
        let fits: Vec<(Past, u32)> = mix
            .iter()
            .copied()
            .filter(|(p, _)| match p {
                Past::ReferralNfa => since + Duration::days(7) < by,
                Past::Assessed(_) => assessed < by,
                Past::Enquiry => assessed + Duration::days(30) < by,
                Past::CinPlan(_) => assessed + Duration::days(150) < by,
                Past::Protection => since + Duration::days(130) < by,
            })
            .collect();
        if fits.is_empty() {
            return None;
        }
        let past = match *self.g.weighted(&fits) {
            Past::CinPlan(_) => Past::CinPlan(*self.g.weighted(CIN_PLAN_CLOSURES)),
            p => p,
        };
        // An earlier plan ended, when it could, in time for a re-referral's plan to start by
        // the previous census date (so that its NumberOfPreviousCPP counts it).
        let aim = self.year.reference_date() - Duration::days(110);
        let by = if past == Past::Protection && since + Duration::days(130) < aim { aim } else { by };
        Some(Earlier { past, by })
    }

    /// The case of a baby whose pre-birth referral closed before the expected birth: no
    /// further action at referral or after the assessment, early help, or the family moved
    /// to another authority (the birth was never recorded here).
    fn pre_birth(&mut self, ops: &mut Vec<Op>, children: &[EpisodeChild<'_>], parents: &[PersonId], holder: Holder) -> Result<(), TestkitError> {
        let known_since = children.iter().map(|c| c.created_at).max().ok_or_else(|| invalid("pre-birth case", "a group without a child"))?;
        let due = children.iter().filter_map(|c| c.details.expected_date_of_birth).min().ok_or_else(|| invalid("pre-birth case", "no expected date of birth"))?;
        let past = *self.g.weighted(PRE_BIRTH_PAST);
        let by = (due - Duration::days(7)).min(self.today - Duration::days(1));
        let (_, closed) = self.episode(ops, children, parents, holder, Journey::Earlier(Earlier { past, by }), known_since, &[])?;
        closed.ok_or_else(|| invalid("pre-birth case", "not closed"))?;
        self.summary.earlier_episodes += children.len();
        Ok(())
    }

    /// One contact about `children` received after `known_since`, its decision, and a
    /// referral and assessment per child taken as far as the journey goes, with every task
    /// and each child's episode. `previous`: the children's earlier referral dates. The
    /// referral date, and the day every child's episode had closed by (`None` while any is
    /// open).
    #[allow(clippy::too_many_arguments)]
    fn episode(&mut self, ops: &mut Vec<Op>, children: &[EpisodeChild<'_>], parents: &[PersonId], holder: Holder, journey: Journey, known_since: OffsetDateTime, previous: &[Date]) -> Result<(Date, Option<Date>), TestkitError> {
        let ts = self.timescales.clone();
        let (pack, cal, today) = (&ts.pack, &ts.calendar, self.today);
        let g = &mut self.g;
        let created = uk_local(known_since).date();
        // Steps happen on working days from `created` to the last working day before the
        // horizon — today, or the end of an earlier episode's assessment — counted back from
        // it ("k working days ago").
        let (target, earlier) = match journey {
            Journey::Current(t) => (t, None),
            Journey::Earlier(e) => (Target::AuthorisedWhenOpened, Some(e)),
        };
        let horizon = match earlier {
            Some(e) => cal.add_working_days(created, self.final_wd + ASSESSMENT_SLACK).map(|d| d.date).unwrap_or(e.by).min(e.by + Duration::days(1)),
            None => today,
        };
        // A baby is referred in pregnancy: not more than 36 weeks before the expected birth
        // (the census fails a referral 40 weeks before it, 8606).
        let first = children
            .iter()
            .filter(|c| earlier.is_none() && c.details.is_unborn())
            .filter_map(|c| c.details.expected_date_of_birth)
            .map(|due| due - Duration::weeks(36))
            .max()
            .map_or(created, |d| d.max(created));
        let kmax = cal.working_days_between(first, horizon).days - i64::from(!cal.is_working_day(first));
        let plan = Plan::new(g, target, self.final_wd, kmax);
        let day = |k: i64| if k < 1 { created } else { cal.add_working_days(horizon, -k).map(|w| w.date).unwrap_or(created) };
        let mut clock = Clock { last: known_since + Duration::minutes(5) };
        let meta = |by: UserId, at: OffsetDateTime| ChangeMeta { by, at, reason: None };
        let manager = Actor { user: holder.manager, can_authorise: true, allocated: false };
        let worker = Actor { user: holder.worker, can_authorise: false, allocated: true };
        let owner = (Some(holder.team), Some(holder.worker));

        // The contact, recorded by the worker, and the task of deciding on it.
        let t_recorded = clock.at(g, day(plan.contact));
        let received_at = (t_recorded - Duration::minutes(g.int(2, 120))).max(known_since + Duration::minutes(1)).min(t_recorded);
        let oldest = children.iter().map(|c| c.details.age_on(uk_local(t_recorded).date()).unwrap_or(-1)).max().unwrap_or(-1);
        let source = *g.weighted(match oldest {
            ..0 => UNBORN_SOURCES,
            0..4 => EARLY_YEARS_SOURCES,
            _ => SOURCES,
        });
        let names: Vec<&str> = children.iter().map(|c| c.details.given_name.as_str()).collect();
        let mut contact = Contact {
            id: ContactId(g.uuid()),
            received_at,
            source,
            referrer: referrer(g, source),
            reason: reason(g, source, &names, oldest),
            consent: consent(g, source),
            children: children.iter().map(|c| c.id).collect(),
            family_members: parents.to_vec(),
            recorded_by: holder.worker,
            screening: None,
        };
        contact.validate(t_recorded).map_err(|e| invalid("contact", e))?;
        let screening_due = screening_deadline(pack, cal, received_at).map_err(|e| invalid("screening deadline", e))?;
        let mut screening = task(g, TaskKind::ScreeningDecision, TaskSubject::Contact(contact.id), contact.children[0], (Some(holder.team), None), &screening_due, cal);
        ops.push(Op::InsertContact(contact.clone(), meta(holder.worker, t_recorded)));

        // The manager's decision, which opens a referral per child with its deadlines.
        let t_decided = clock.at(g, day(plan.decided));
        let to_strategy = match earlier {
            Some(e) => matches!(e.past, Past::Enquiry | Past::Protection),
            None => holder.kind == TeamKind::ChildProtection || g.chance(0.12),
        };
        let decision = if to_strategy { ScreeningDecision::StrategyDiscussion } else { ScreeningDecision::Referral };
        let rationale = if decision == ScreeningDecision::StrategyDiscussion { g.pick(STRATEGY_RATIONALES) } else { g.pick(REFERRAL_RATIONALES) };
        let decided = Screening { decision, decided_at: t_decided, decided_by: holder.manager, rationale: (*rationale).to_string() };
        contact.decide(decided, t_decided).map_err(|e| invalid("screening decision", e))?;
        ops.push(Op::UpdateContact(contact.clone(), 1, meta(holder.manager, t_decided)));
        screening.status = TaskStatus::Done { at: t_decided, by: holder.manager };
        ops.push(Op::Task(screening));
        let referral_date = uk_local(t_decided).date();
        let due = assessment_deadlines(pack, cal, referral_date, None).map_err(|e| invalid("assessment deadlines", e))?;
        let seen_due = child_seen_deadline(pack, cal, referral_date).transpose().map_err(|e| invalid("child-seen deadline", e))?;
        let mut cases = Vec::with_capacity(children.len());
        for c in children {
            let mut referral = Referral::from_contact(&contact, c.id, referral_date, previous.iter().copied(), referral_date).map_err(|e| invalid("referral", e))?;
            referral.id = ReferralId(g.uuid());
            ops.push(Op::InsertReferral(referral.clone(), meta(holder.manager, t_decided)));
            let subject = TaskSubject::Referral(referral.id);
            let mut tasks = Vec::new();
            if let Some(d) = referral_response_deadline(pack, cal, t_decided) {
                tasks.push(task(g, TaskKind::ReferralResponse, subject, c.id, owner, &d.map_err(|e| invalid("response deadline", e))?, cal));
            }
            if let Some(d) = &seen_due {
                tasks.push(task(g, TaskKind::ChildSeen, subject, c.id, owner, d, cal));
            }
            if let Some(d) = &due.initial {
                tasks.push(task(g, TaskKind::InitialAssessment, subject, c.id, owner, d, cal));
            }
            if let Some(d) = &due.core {
                tasks.push(task(g, TaskKind::CoreAssessment, subject, c.id, owner, d, cal));
            }
            tasks.push(task(g, TaskKind::SingleAssessment, subject, c.id, owner, &due.single, cal));
            let mut assessment = Assessment::new(referral.id, c.id, holder.worker, referral_date);
            assessment.id = AssessmentId(g.uuid());
            cases.push(Case { referral, referral_version: 1, assessment, version: 0, tasks, auth: Vec::new() });
        }

        // A referral closed with no further action the day it was made, before any
        // assessment: its deadlines go with it, and so does its episode.
        if earlier.is_some_and(|e| e.past == Past::ReferralNfa) {
            let at = clock.at(g, referral_date);
            for mut case in cases {
                case.referral.nfa = true;
                ops.push(Op::UpdateReferral(case.referral.clone(), case.referral_version, meta(holder.worker, at)));
                close(&mut case.tasks, &REFERRAL_TASKS, holder.worker, at);
                crate::cin::episode(g, &ts, today, holder, &case.referral, Next::NoFurtherAction(at), t_decided, ops)?;
                ops.extend(case.tasks.into_iter().map(Op::Task));
            }
            return Ok((referral_date, Some(referral_date)));
        }

        // The worker starts the assessment: that is the response to the referral.
        let t_start = clock.at(g, day(plan.start));
        let start_day = uk_local(t_start).date();
        for case in &mut cases {
            case.assessment.start_date = start_day;
            case.assessment.validate(referral_date, start_day).map_err(|e| invalid("assessment", e))?;
            ops.push(Op::InsertAssessment(case.assessment.clone(), meta(holder.worker, t_start)));
            case.version = 1;
            close(&mut case.tasks, &[TaskKind::ReferralResponse], holder.worker, t_start);
        }

        // The visits, factors and outcome, as far as the worker has got.
        if let Some(k_save) = plan.save {
            let t_save = clock.at(g, day(k_save));
            let save_day = uk_local(t_save).date();
            let visits: Vec<Date> = plan.seen.iter().map(|k| day(*k)).filter(|d| *d >= referral_date && *d <= save_day).collect();
            for (case, c) in cases.iter_mut().zip(children) {
                let a = &mut case.assessment;
                if !c.details.is_unborn() {
                    a.child_seen = visits.iter().map(|d| ChildSeen { date: *d, seen_alone: c.details.age_on(*d).unwrap_or(0) >= 5 && g.chance(0.6) }).collect();
                    a.child_seen.dedup_by_key(|s| s.date);
                }
                if a.child_seen.is_empty() {
                    a.not_seen_explanation = Some((if c.details.is_unborn() { UNBORN_NOT_SEEN } else { *g.pick(NOT_SEEN) }).to_string());
                } else if let Some(d) = &seen_due {
                    let seen: Vec<Date> = a.child_seen.iter().map(|s| s.date).collect();
                    if child_seen_check(pack, d, &seen, None, save_day).explanation_required {
                        a.not_seen_explanation = Some((*g.pick(SEEN_LATE)).to_string());
                    }
                }
                let outcome = match earlier.and_then(|e| e.past.outcome()) {
                    Some(o) => o,
                    None => *g.weighted(outcomes(holder.kind)),
                };
                if plan.complete {
                    a.factors = factors(g, holder.kind, outcome, c.details, referral_date);
                    a.outcome = Some(outcome);
                    a.primary_need = Some(primary_need(g, holder.kind, outcome));
                    a.substance = substance(g, c.details, outcome, save_day);
                } else if g.chance(0.5) {
                    a.factors = factors(g, holder.kind, AssessmentOutcome::ChildInNeedPlan, c.details, referral_date);
                }
                a.validate(referral_date, save_day).map_err(|e| invalid("assessment content", e))?;
                ops.push(Op::UpdateAssessment(a.clone(), case.version, meta(holder.worker, t_save)));
                case.version += 1;
                if !a.child_seen.is_empty() {
                    close(&mut case.tasks, &[TaskKind::ChildSeen], holder.worker, t_save);
                }
            }
        }

        // Sign-off: submitted, perhaps returned (and changed, and submitted again), authorised.
        let final_deadline = due.core.as_ref().filter(|c| c.due < due.single.due).unwrap_or(&due.single);
        let submit = |g: &mut Gen, ops: &mut Vec<Op>, cases: &mut [Case], at: OffsetDateTime| -> Result<(), TestkitError> {
            for case in cases {
                case.assessment.submit(worker, at, referral_date).map_err(|e| invalid("submission", e))?;
                let subject = TaskSubject::Assessment(case.assessment.id);
                let sign_off = task(g, TaskKind::AssessmentAuthorisation, subject, case.assessment.child, (Some(holder.team), Some(holder.manager)), final_deadline, cal);
                case.auth.push(Task { sent: Some(Sent { by: holder.worker, at }), ..sign_off });
                let waiting = Waiting { with: Some(holder.manager), since: at };
                set_waiting(&mut case.tasks, &ASSESSMENT_TASKS, TaskSubject::Referral(case.referral.id), Some(waiting));
                ops.push(Op::UpdateAssessment(case.assessment.clone(), case.version, meta(holder.worker, at)));
                case.version += 1;
            }
            Ok(())
        };
        if let Some(k) = plan.submit {
            let at = clock.at(g, day(k));
            submit(g, ops, &mut cases, at)?;
        }
        if let Some(k) = plan.ret {
            let at = clock.at(g, day(k));
            let comment = *g.pick(RETURN_COMMENTS);
            for case in &mut cases {
                case.assessment.return_with_comments(manager, at, comment).map_err(|e| invalid("return", e))?;
                ops.push(Op::UpdateAssessment(case.assessment.clone(), case.version, meta(holder.manager, at)));
                case.version += 1;
                close(&mut case.auth, &[TaskKind::AssessmentAuthorisation], holder.manager, at);
                set_waiting(&mut case.tasks, &ASSESSMENT_TASKS, TaskSubject::Referral(case.referral.id), None);
            }
        }
        if let Some(k) = plan.edit {
            let at = clock.at(g, day(k));
            let edit_day = uk_local(at).date();
            for (case, c) in cases.iter_mut().zip(children) {
                let a = &mut case.assessment;
                // The worker adds what the manager asked for.
                let more = factors(g, holder.kind, AssessmentOutcome::ChildInNeedPlan, c.details, referral_date);
                if let Some(f) = more.into_iter().find(|f| *f != AssessmentFactor::NoFactors && !a.factors.contains(f))
                    && !a.factors.contains(&AssessmentFactor::NoFactors)
                {
                    a.factors.push(f);
                }
                a.validate(referral_date, edit_day).map_err(|e| invalid("assessment change", e))?;
                ops.push(Op::UpdateAssessment(a.clone(), case.version, meta(holder.worker, at)));
                case.version += 1;
            }
        }
        if let Some(k) = plan.resubmit {
            let at = clock.at(g, day(k));
            submit(g, ops, &mut cases, at)?;
        }
        if let Some(k) = plan.authorise {
            let at = clock.at(g, day(k));
            let on = uk_local(at).date();
            let comment = g.chance(0.4).then(|| *g.pick(AUTHORISE_COMMENTS));
            for case in &mut cases {
                case.assessment.authorise(manager, at, on, referral_date, comment).map_err(|e| invalid("authorisation", e))?;
                ops.push(Op::UpdateAssessment(case.assessment.clone(), case.version, meta(holder.manager, at)));
                case.version += 1;
                close(&mut case.auth, &[TaskKind::AssessmentAuthorisation], holder.manager, at);
                let kinds = [ASSESSMENT_TASKS[0], ASSESSMENT_TASKS[1], ASSESSMENT_TASKS[2], TaskKind::ChildSeen];
                close(&mut case.tasks, &kinds, holder.manager, at);
            }
            // The need the assessment found becomes the referral's, for the census.
            for case in &mut cases {
                if case.assessment.primary_need.is_some() {
                    case.referral.primary_need = case.assessment.primary_need;
                    ops.push(Op::UpdateReferral(case.referral.clone(), case.referral_version, meta(holder.manager, at)));
                    case.referral_version += 1;
                }
            }
        }

        let mut closed_by = Some(referral_date);
        for case in cases {
            let closed = crate::cin::episode(g, &ts, today, holder, &case.referral, Next::Assessed(&case.assessment, earlier), t_decided, ops)?;
            closed_by = closed_by.zip(closed).map(|(a, b)| a.max(b));
            match case.assessment.state {
                AssessmentState::Draft => self.summary.drafts += 1,
                AssessmentState::Submitted => self.summary.submitted += 1,
                AssessmentState::Returned => self.summary.returned += 1,
                AssessmentState::Authorised => self.summary.authorised += 1,
            }
            ops.extend(case.tasks.into_iter().chain(case.auth).map(Op::Task));
        }
        Ok((referral_date, closed_by))
    }
}

/// Which episode a group's contact opens.
#[derive(Clone, Copy, Debug)]
enum Journey {
    /// The current one: its assessment where the target says, and what followed to today.
    Current(Target),
    /// An earlier one, over by its day.
    Earlier(Earlier),
}

/// Working days beyond the assessment's final deadline within which an earlier episode's
/// assessment was authorised (late ones included).
const ASSESSMENT_SLACK: i64 = 35;

/// The referral tasks a referral closed with no further action completes, as
/// `App::update_referral` does.
const REFERRAL_TASKS: [TaskKind; 5] = [TaskKind::ReferralResponse, TaskKind::ChildSeen, TaskKind::InitialAssessment, TaskKind::CoreAssessment, TaskKind::SingleAssessment];

/// How earlier episodes went, by the team now holding the case.
const FRONT_DOOR_PAST: &[(Past, u32)] = &[
    (Past::ReferralNfa, 25),
    (Past::Assessed(AssessmentOutcome::NoFurtherAction), 15),
    (Past::Assessed(AssessmentOutcome::AdviceAndInformation), 5),
    (Past::Assessed(AssessmentOutcome::EarlyHelp), 25),
    (Past::CinPlan(ClosureReason::ServicesCeased), 15),
    (Past::Enquiry, 10),
    (Past::Protection, 5),
];
const PROTECTION_PAST: &[(Past, u32)] = &[
    (Past::ReferralNfa, 8),
    (Past::Assessed(AssessmentOutcome::NoFurtherAction), 6),
    (Past::Assessed(AssessmentOutcome::EarlyHelp), 6),
    (Past::CinPlan(ClosureReason::ServicesCeased), 12),
    (Past::Enquiry, 13),
    (Past::Protection, 55),
];
const DISABLED_PAST: &[(Past, u32)] = &[
    (Past::ReferralNfa, 10),
    (Past::Assessed(AssessmentOutcome::NoFurtherAction), 10),
    (Past::Assessed(AssessmentOutcome::EarlyHelp), 25),
    (Past::CinPlan(ClosureReason::ServicesCeased), 45),
    (Past::Enquiry, 5),
    (Past::Protection, 5),
];

/// Why an earlier child in need plan's episode closed: services no longer needed, the family
/// moved to another authority, or the child went to live with a relative under a child
/// arrangements or special guardianship order.
const CIN_PLAN_CLOSURES: &[(ClosureReason, u32)] = &[
    (ClosureReason::ServicesCeased, 70),
    (ClosureReason::TransferredToAnotherLa, 12),
    (ClosureReason::ChildArrangementsOrder, 10),
    (ClosureReason::SpecialGuardianshipOrder, 8),
];

/// How a pre-birth case closed before the birth.
const PRE_BIRTH_PAST: &[(Past, u32)] = &[
    (Past::ReferralNfa, 25),
    (Past::Assessed(AssessmentOutcome::NoFurtherAction), 20),
    (Past::Assessed(AssessmentOutcome::AdviceAndInformation), 10),
    (Past::Assessed(AssessmentOutcome::EarlyHelp), 25),
    (Past::CinPlan(ClosureReason::TransferredToAnotherLa), 20),
];

/// A child's referral and assessment while an episode is made.
struct Case {
    referral: Referral,
    referral_version: i64,
    assessment: Assessment,
    version: i64,
    /// The referral's deadline tasks.
    tasks: Vec<Task>,
    /// One authorisation task per submission.
    auth: Vec<Task>,
}

/// The days of an episode's steps, in working days before today (each on or after the one
/// before, so never increasing); 0 only when the records were made too recently to leave
/// a working day, meaning the day they were made.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Plan {
    contact: i64,
    decided: i64,
    start: i64,
    /// Visits (recorded for children already born).
    seen: Vec<i64>,
    /// The day the content was saved; `None` for an assessment only just started.
    save: Option<i64>,
    /// Factors and outcome recorded.
    complete: bool,
    submit: Option<i64>,
    ret: Option<i64>,
    edit: Option<i64>,
    resubmit: Option<i64>,
    authorise: Option<i64>,
}

impl Plan {
    /// `fwd`: working days from the referral to the assessment's final deadline; `kmax`:
    /// working days since the records were made (the earliest possible contact).
    fn new(g: &mut Gen, target: Target, fwd: i64, kmax: i64) -> Plan {
        let kmin = i64::from(kmax >= 1);
        let kmax = kmax.max(0);
        let clamp = |k: i64, hi: i64| k.clamp(kmin, hi.max(kmin));
        let (sub, ret, referral) = match target {
            Target::Overdue => (None, None, fwd + g.int(1, 20)),
            Target::DueSoon => (None, None, fwd - g.int(0, 4)),
            Target::Later => (None, None, g.int(2, fwd - 6)),
            Target::Submitted => {
                let s = g.int(1, 7);
                (Some(s), None, s + g.int(8, fwd + 10))
            }
            Target::Returned => {
                let r = g.int(1, 5);
                let s = r + g.int(0, 3);
                (Some(s), Some(r), s + g.int(8, fwd))
            }
            Target::AuthorisedRecently => (None, None, g.int(1, 80) + g.int(10, fwd + 5)),
            Target::AuthorisedWhenOpened => (None, None, kmax),
        };
        let decided = clamp(referral, kmax);
        // Finished work needs some days; a case opened only days ago is still in progress.
        let finished = matches!(target, Target::AuthorisedRecently | Target::AuthorisedWhenOpened) && decided >= 6;
        let (sub, ret) = if matches!(target, Target::AuthorisedRecently | Target::AuthorisedWhenOpened) && !finished { (None, None) } else { (sub, ret) };
        let contact = clamp(decided + *g.weighted(&[(0, 70), (1, 25), (2, 5)]), kmax);
        let start = clamp(decided - g.int(0, 2), decided);
        let submit = if finished {
            // Mostly within the timescale, some late.
            let took = if g.chance(0.88) { g.int(8, fwd) } else { g.int(fwd + 1, fwd + 20) };
            Some(clamp(decided - took, start))
        } else {
            sub.map(|s| clamp(s, start))
        };
        let floor = submit.unwrap_or(kmin);
        let first = clamp((start - g.int(0, 4)).max(floor), start);
        let mut seen = vec![first];
        if submit.is_some() && g.chance(0.5) {
            seen.push(clamp((first - g.int(3, 12)).max(floor), first));
        }
        let last_seen = *seen.last().unwrap_or(&first);
        let (save, complete) = if submit.is_some() {
            (Some(last_seen), true)
        } else if g.chance(0.7) {
            (Some(last_seen), g.chance(0.3))
        } else {
            (None, false)
        };
        let ret = match submit {
            Some(s) if finished && g.chance(0.2) => Some(clamp(s - g.int(0, 2), s)),
            Some(s) => ret.map(|r| clamp(r, s)),
            None => None,
        };
        let edit = ret.filter(|_| finished || g.chance(0.5)).map(|r| clamp(r - g.int(0, 3), r));
        let resubmit = if finished { edit.map(|e| clamp(e - g.int(0, 2), e)) } else { None };
        let authorise = if finished {
            let last = resubmit.or(submit).unwrap_or(start);
            Some(clamp(last - g.int(0, 5), last))
        } else {
            None
        };
        Plan { contact, decided, start, seen, save, complete, submit, ret, edit, resubmit, authorise }
    }
}

/// Moments of an episode, each after the one before.
struct Clock {
    last: OffsetDateTime,
}

impl Clock {
    /// A moment in working hours on `day` (local time in England), or a few minutes after
    /// the previous step when that was later.
    fn at(&mut self, g: &mut Gen, day: Date) -> OffsetDateTime {
        let local = PrimitiveDateTime::new(day, Time::MIDNIGHT + Duration::minutes(g.int(8 * 60 + 45, 16 * 60 + 30)));
        let t = local.assume_offset(uk_offset(local.assume_utc()));
        let t = if t > self.last { t } else { self.last + Duration::minutes(g.int(2, 12)) };
        self.last = t;
        t
    }
}

/// A task for a deadline, as the app makes it, with a generated id.
fn task(g: &mut Gen, kind: TaskKind, subject: TaskSubject, child: PersonId, owner: (Option<TeamId>, Option<UserId>), d: &Deadline, cal: &Calendar) -> Task {
    Task { id: TaskId(g.uuid()), ..Task::from_deadline(kind, subject, child, owner.0, owner.1, d, cal) }
}

/// The worker's tasks of a referral's assessment.
const ASSESSMENT_TASKS: [TaskKind; 3] = [TaskKind::InitialAssessment, TaskKind::CoreAssessment, TaskKind::SingleAssessment];

/// Closes the open tasks of these kinds, as `complete_tasks` does.
fn close(tasks: &mut [Task], kinds: &[TaskKind], by: UserId, at: OffsetDateTime) {
    for t in tasks.iter_mut().filter(|t| t.is_open() && kinds.contains(&t.kind)) {
        t.status = TaskStatus::Done { at, by };
    }
}

/// Writes an episode's records and tasks.
async fn write(tx: &mut dyn Tx, ops: &[Op]) -> Result<(), TestkitError> {
    // Tasks only refer to what exists before the family's records, so they go in at the end,
    // many to a statement.
    let tasks: Vec<Task> = ops.iter().filter_map(|op| if let Op::Task(t) = op { Some(t.clone()) } else { None }).collect();
    for op in ops {
        match op {
            Op::InsertContact(c, m) => tx.insert_contact(c, m).await?,
            Op::UpdateContact(c, v, m) => tx.update_contact(c, *v, m).await?,
            Op::InsertReferral(r, m) => tx.insert_referral(r, m).await?,
            Op::UpdateReferral(r, v, m) => tx.update_referral(r, *v, m).await?,
            Op::InsertAssessment(a, m) => tx.insert_assessment(a, m).await?,
            Op::UpdateAssessment(a, v, m) => tx.update_assessment(a, *v, m).await?,
            Op::InsertEpisode(e, m) => tx.insert_episode(e, m).await?,
            Op::UpdateEpisode(e, v, m) => tx.update_episode(e, *v, m).await?,
            Op::CaseNote(n) => tx.insert_case_note(n).await?,
            Op::Task(_) => {}
        }
    }
    tx.insert_tasks(&tasks).await?;
    Ok(())
}

// What people wrote: the referrers, reasons, decisions and comments. Made up; phone numbers
// are in Ofcom's ranges for drama (01632 960xxx, 07700 900xxx), addresses at example.org.

const SOURCES: &[(ReferralSource, u32)] = &[
    (ReferralSource::Police, 28),
    (ReferralSource::School, 20),
    (ReferralSource::HealthVisitor, 5),
    (ReferralSource::GeneralPractitioner, 3),
    (ReferralSource::AccidentAndEmergency, 3),
    (ReferralSource::SchoolNurse, 2),
    (ReferralSource::OtherHealth, 3),
    (ReferralSource::Housing, 3),
    (ReferralSource::LaSocialCare, 2),
    (ReferralSource::EarlyHelp, 7),
    (ReferralSource::EducationServices, 3),
    (ReferralSource::OtherLegalAgency, 2),
    (ReferralSource::FamilyMember, 5),
    (ReferralSource::Acquaintance, 3),
    (ReferralSource::Anonymous, 3),
];

/// Who contacts the front door about children under four.
const EARLY_YEARS_SOURCES: &[(ReferralSource, u32)] = &[
    (ReferralSource::Police, 30),
    (ReferralSource::HealthVisitor, 25),
    (ReferralSource::GeneralPractitioner, 8),
    (ReferralSource::AccidentAndEmergency, 8),
    (ReferralSource::OtherHealth, 6),
    (ReferralSource::Housing, 5),
    (ReferralSource::EarlyHelp, 6),
    (ReferralSource::LaSocialCare, 3),
    (ReferralSource::FamilyMember, 7),
    (ReferralSource::Acquaintance, 3),
    (ReferralSource::Anonymous, 2),
];

const UNBORN_SOURCES: &[(ReferralSource, u32)] =
    &[(ReferralSource::OtherHealth, 60), (ReferralSource::GeneralPractitioner, 15), (ReferralSource::Police, 15), (ReferralSource::LaSocialCare, 10)];

fn referrer(g: &mut Gen, source: ReferralSource) -> Referrer {
    use ReferralSource as S;
    let given = *g.pick(STAFF_GIVEN);
    let family = *g.pick(STAFF_SURNAMES);
    let name = format!("{given} {family}");
    let local = format!("{}.{}", tokens(given).concat(), tokens(family).concat());
    let landline = format!("01632 960 {:03}", g.int(0, 999));
    let mobile = format!("07700 900 {:03}", g.int(0, 999));
    let professional = |role: &str, agency: String, domain: &str| Referrer {
        name: name.clone(),
        role: Some(role.to_string()),
        agency: Some(agency),
        phone: Some(landline.clone()),
        email: Some(format!("{local}@{domain}.example.org")),
        relationship_to_child: None,
    };
    let surgery = |g: &mut Gen| g.pick(HEALTH_BASES).split_once(", ").map_or("Health centre", |(_, s)| s).to_string();
    match source {
        S::Police => professional("Police constable, public protection unit", "Police".into(), "police"),
        S::School => {
            let school = g.pick(SCHOOLS).name.to_string();
            professional("Designated safeguarding lead", school, "schools")
        }
        S::SchoolNurse => professional("School nurse", "School nursing service".into(), "nhs"),
        S::HealthVisitor => professional("Health visitor", (*g.pick(HEALTH_BASES)).to_string(), "nhs"),
        S::GeneralPractitioner => professional("GP", surgery(g), "nhs"),
        S::AccidentAndEmergency => professional("Paediatric liaison nurse", "Hospital emergency department".into(), "nhs"),
        S::OtherHealth => professional("Community midwife", "Maternity services".into(), "nhs"),
        S::Housing => professional("Housing officer", "Housing services".into(), "council"),
        S::LaSocialCare => professional("Social worker", "Adult social care".into(), "council"),
        S::EarlyHelp => professional("Family support worker", "Early help service".into(), "council"),
        S::EducationServices => professional("Education welfare officer", "Education inclusion service".into(), "council"),
        S::OtherLegalAgency => professional("Probation officer", "Probation service".into(), "probation"),
        S::FamilyMember => Referrer {
            name,
            phone: Some(mobile),
            relationship_to_child: Some((*g.pick(&["grandmother", "grandfather", "aunt", "uncle", "adult cousin"])).to_string()),
            ..Referrer::default()
        },
        S::Acquaintance => Referrer {
            name,
            phone: g.chance(0.7).then_some(mobile),
            relationship_to_child: Some((*g.pick(&["neighbour", "family friend", "childminder"])).to_string()),
            ..Referrer::default()
        },
        _ => Referrer { name: "Anonymous caller".into(), ..Referrer::default() },
    }
}

/// A reason for a contact, for children of ages `.0..=.1` (the oldest, when it was made).
type Reason = (i32, i32, &'static str);
const ANY: i32 = 17;

const POLICE: &[Reason] = &[
    (0, ANY, "Police attended the family home late at night after a neighbour reported shouting and a child crying. The mother had a cut lip and said her partner had pushed her; he had left before officers arrived. {names} {was} in the house. DASH risk assessment: medium."),
    (7, ANY, "{names} {was} found by police walking alone near the town centre at 22:15 and taken home; no adult was at home until after midnight. Officers described the house as cold, with little food."),
    (0, ANY, "Domestic incident notification: a verbal argument between the parents with {names} present. No injuries. The third notification in six months."),
    (0, ANY, "Police executed a drugs warrant at the address. Cannabis and cash found; {names} {was} asleep upstairs. The father was arrested and released under investigation."),
];
const SCHOOL: &[Reason] = &[
    (4, ANY, "{names} arrived at school hungry and in the same clothes as last week; attendance this term is 81%. When asked about home, said mum is \"always asleep\"."),
    (4, ANY, "{names} came into school with a bruise on the upper arm and said dad grabbed them when they would not go to bed. The school has not spoken to the parents."),
    (5, ANY, "{names} told the class teacher that mum's boyfriend shouts and throws things and that they hide in the bedroom when it happens."),
    (4, ANY, "Attendance has fallen to 62% and {names} {is} often collected late by different adults the school does not know. The mother is not answering calls."),
];
const HEALTH: &[Reason] = &[
    (0, ANY, "Missed three health appointments. At the home visit the flat was cluttered and unsafe (exposed wiring, dog mess on the floor); the mother appeared low in mood and said she is not coping."),
    (0, ANY, "{names} brought to the emergency department with an injury to the forearm; the explanation given (fell off the sofa) does not fit the injury. Seen by the paediatric registrar."),
    (0, ANY, "The mother told the GP she has been drinking heavily since her relationship ended and is worried about caring for {names}."),
    (0, 3, "The weight of {names} has fallen from the 50th to below the 9th centile; the parents are not bringing {names} to clinic and not following the feeding plan."),
];
const UNBORN_REASONS: &[Reason] = &[
    (-1, ANY, "Pregnant mother (about 28 weeks) booked late and disclosed heroin use and a previous child removed from her care in another area. Pre-birth assessment requested."),
    (-1, ANY, "Midwife concerned about domestic abuse in pregnancy: bruising seen at the antenatal appointment, and the partner insisted on staying in the room."),
    (-1, ANY, "Expectant mother, 17, living in a hostel with an older partner; she has missed her scans and says she has nowhere to live when the baby is born."),
];
const HOUSING: &[Reason] = &[(0, ANY, "Housing officer visited after complaints from neighbours: the property is in very poor condition, with rubbish in the garden and no working heating. {names} {was} seen in dirty clothes. Eviction notice served for rent arrears.")];
const EARLY_HELP: &[Reason] = &[
    (10, ANY, "Early help plan closed without progress: the parents have not engaged for three months, school attendance has fallen and {names} {has} been missing from home twice."),
    (0, ANY, "Escalation from early help: despite six months of family support, home conditions have got worse and the mother has said she will \"put {names} into care\"."),
];
const ADULT_CARE: &[Reason] = &[
    (8, ANY, "Adult social care worker supporting the mother (learning disability) is worried that {names} {is} being left to look after younger siblings and missing school."),
    (0, ANY, "Adult mental health team: the mother was admitted to hospital under section 2 last night; the father says he cannot care for {names} on his own."),
];
const LEGAL: &[Reason] = &[(0, ANY, "Probation officer reports that the father, recently released after a conviction for assault on a former partner, has moved back into the family home with {names}.")];
const PUBLIC: &[Reason] = &[
    (0, ANY, "Caller worried that {names} {is} often left alone in the evenings while the parents go out, and that there is little food in the house."),
    (5, ANY, "Neighbour reports frequent shouting, a child crying for long periods at night, and {names} playing outside unsupervised late in the evening."),
    (0, 4, "Neighbour reports a baby crying for hours at a time, and the parents arguing and coming home drunk in the early hours."),
];

/// What the contact says, fitting who made it and the age of the oldest child (-1: unborn).
fn reason(g: &mut Gen, source: ReferralSource, names: &[&str], oldest: i32) -> String {
    use ReferralSource as S;
    let list = if oldest < 0 {
        UNBORN_REASONS
    } else {
        match source {
            S::Police => POLICE,
            S::School | S::EducationServices => SCHOOL,
            S::SchoolNurse | S::HealthVisitor | S::GeneralPractitioner | S::AccidentAndEmergency | S::OtherHealth => HEALTH,
            S::Housing => HOUSING,
            S::EarlyHelp => EARLY_HELP,
            S::LaSocialCare => ADULT_CARE,
            S::OtherLegalAgency => LEGAL,
            _ => PUBLIC,
        }
    };
    let fits: Vec<&'static str> = list.iter().filter(|(lo, hi, _)| (*lo..=*hi).contains(&oldest)).map(|r| r.2).collect();
    let text = if fits.is_empty() { list[0].2 } else { *g.pick(&fits) };
    let who = match names {
        [] => "the child".to_string(),
        [one] => (*one).to_string(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    };
    let plural = names.len() > 1;
    text.replace("{names}", &who)
        .replace("{was}", if plural { "were" } else { "was" })
        .replace("{is}", if plural { "are" } else { "is" })
        .replace("{has}", if plural { "have" } else { "has" })
}

fn consent(g: &mut Gen, source: ReferralSource) -> Consent {
    match source {
        ReferralSource::Police if g.chance(0.8) => Consent::NotRequired { reason: "Police notification shared under the information-sharing agreement".into() },
        ReferralSource::Anonymous => Consent::NotRequired { reason: "Anonymous caller: the family were not asked".into() },
        _ => match g.int(0, 19) {
            0..=12 => Consent::Given,
            13..=15 => Consent::NotGiven { reason: "The mother refused; shared because the concerns suggest a risk of significant harm".into() },
            _ => Consent::NotRequired { reason: "Asking the parents would put the child at risk of significant harm".into() },
        },
    }
}

const REFERRAL_RATIONALES: &[&str] = &[
    "Threshold for a child and family assessment met: concerns about neglect over time.",
    "Repeated domestic abuse notifications with the children present: assessment needed.",
    "Parent not coping and early help has not made a difference: referral for assessment.",
    "Needs likely to be met only with children's social care involvement: assessment.",
];
const STRATEGY_RATIONALES: &[&str] = &[
    "Injury not explained: section 47 threshold met; strategy discussion with police and health today.",
    "Disclosure of harm by the child: strategy discussion needed.",
    "Risk of significant harm: strategy discussion arranged for this afternoon.",
];
const NOT_SEEN: &[&str] = &["The family did not answer at three visits; the child was seen at school by the school nurse, who had no concerns."];
const UNBORN_NOT_SEEN: &str = "Unborn baby: the mother was seen at home and at the antenatal clinic.";
const SEEN_LATE: &[&str] = &[
    "Not seen within five working days: the family were away and did not answer calls; seen on their return.",
    "First two visits unanswered; seen at the third visit with the health visitor.",
];
const RETURN_COMMENTS: &[&str] = &[
    "Please add the school's view and what the child said about home.",
    "The analysis does not say why the outcome is a plan rather than early help: please add it.",
    "The father has not been spoken to: add his view, or why it could not be got.",
    "The chronology is missing last year's police notifications.",
    "Please record whether the child was seen alone and what they said.",
];
const AUTHORISE_COMMENTS: &[&str] = &[
    "Agreed. A clear analysis of the risks and of the family's strengths.",
    "Agreed; review the plan in six weeks.",
    "Authorised. Make sure the plan is shared with the school.",
    "Agreed: step down to early help with a warm handover.",
];

fn outcomes(kind: TeamKind) -> &'static [(AssessmentOutcome, u32)] {
    use AssessmentOutcome as O;
    match kind {
        TeamKind::FrontDoor => &[(O::NoFurtherAction, 10), (O::AdviceAndInformation, 8), (O::EarlyHelp, 25), (O::ChildInNeedPlan, 35), (O::StrategyDiscussion, 15), (O::FurtherAssessment, 7)],
        TeamKind::ChildProtection => &[(O::StrategyDiscussion, 70), (O::ChildInNeedPlan, 30)],
        TeamKind::Disabled => &[(O::ChildInNeedPlan, 80), (O::FurtherAssessment, 20)],
        TeamKind::InCare => &[(O::LookedAfter, 70), (O::StrategyDiscussion, 30)],
        TeamKind::Placement => &[(O::LookedAfter, 1)],
    }
}

/// One to three factors fitting the team's work and the child's age.
fn factors(g: &mut Gen, kind: TeamKind, outcome: AssessmentOutcome, child: &PersonDetails, on: Date) -> Vec<AssessmentFactor> {
    use AssessmentFactor as F;
    if matches!(outcome, AssessmentOutcome::NoFurtherAction | AssessmentOutcome::AdviceAndInformation) && g.chance(0.5) {
        return vec![F::NoFactors];
    }
    let mut pool: Vec<(F, u32)> = vec![
        (F::DomesticAbuseParent, 30),
        (F::MentalHealthParent, 22),
        (F::Neglect, 20),
        (F::EmotionalAbuse, 14),
        (F::AlcoholParent, 10),
        (F::DrugParent, 10),
        (F::PhysicalAbuseAdultOnChild, 6),
        (F::LearningDisabilityParent, 4),
        (F::SexualAbuseAdultOnChild, 2),
        (F::Other, 3),
    ];
    if child.age_on(on).is_some_and(|a| a >= 12) {
        pool.extend([(F::MentalHealthChild, 10), (F::SelfHarm, 6), (F::Missing, 6), (F::CriminalExploitation, 5), (F::SexualExploitation, 4), (F::SociallyUnacceptableBehaviour, 4), (F::DrugChild, 3), (F::Gangs, 2)]);
    }
    if kind == TeamKind::Disabled && !child.is_unborn() {
        pool.extend([(F::LearningDisabilityChild, 60), (F::PhysicalDisabilityChild, 50)]);
    }
    let n = g.int(1, 3) as usize;
    let mut out: Vec<F> = Vec::with_capacity(n);
    for _ in 0..n * 3 {
        let f = *g.weighted(&pool);
        if !out.contains(&f) {
            out.push(f);
        }
        if out.len() == n {
            break;
        }
    }
    out
}

/// What the worker wrote: short, plausible and made up, with the child's first name.
fn substance(g: &mut Gen, child: &PersonDetails, outcome: AssessmentOutcome, on: Date) -> Substance {
    let name = &child.given_name;
    let voice = if child.is_unborn() {
        "Unborn: mother attended every antenatal appointment; the midwife has no concerns about her care of herself.".to_string()
    } else if child.age_on(on).unwrap_or(0) < 3 {
        g.pick(BABY_VOICE).replace("{name}", name)
    } else {
        g.pick(CHILD_VOICE).replace("{name}", name)
    };
    let recommendation = match outcome {
        AssessmentOutcome::ChildInNeedPlan => "A child in need plan, reviewed every three months, with the school and health visitor in the network.",
        AssessmentOutcome::StrategyDiscussion => "A strategy discussion today with police and health: the concerns may meet the threshold for a section 47 enquiry.",
        AssessmentOutcome::LookedAfter => "Legal planning meeting: the child cannot safely remain at home.",
        AssessmentOutcome::FurtherAssessment => "A specialist assessment of the child's needs before a plan is agreed.",
        AssessmentOutcome::EarlyHelp => "Step down to the early help family support service, which the family agreed to.",
        _ => "No further action by children's social care; the family know how to ask for help.",
    };
    Substance {
        child_voice: Some(voice),
        parents_views: Some((*g.pick(PARENTS_VIEWS)).to_string()),
        analysis: Some(g.pick(ANALYSIS).replace("{name}", name)),
        recommendation: Some(recommendation.to_string()),
    }
}

const CHILD_VOICE: &[&str] = &[
    "{name} said school is \"the best bit\" and that home is loud at night. {name} drew the family and put themselves outside the house.",
    "{name} was quiet at first and then talked about football and their dog. Asked about home, {name} said they worry about mum when she is sad.",
    "{name} said they are often hungry in the morning and that there is \"no food on Thursdays\". {name} wants to stay with mum.",
    "{name} told me they get scared when the adults argue and go to their room with headphones on.",
];
const BABY_VOICE: &[&str] = &[
    "{name} was observed at home: alert, responsive to mum's voice, feeding well; the health visitor reports weight on the 50th centile.",
    "{name} was observed at two visits; settled with dad, less so when the adults raised their voices.",
];
const PARENTS_VIEWS: &[&str] = &[
    "Mum agrees things have been hard since the separation and wants help with routines. Dad was invited twice and did not respond.",
    "Both parents accept the school's concerns about attendance and say mornings are chaotic; they would welcome support.",
    "Mum disagrees that there is a problem and feels the referral was malicious; she agreed to the assessment nonetheless.",
    "The grandmother, who cares for the children most days, says she is exhausted and needs a break.",
];
const ANALYSIS: &[&str] = &[
    "{name}'s needs are mostly met, but the adults' conflict and mum's low mood mean routines break down. The family engage and have a supportive grandmother: strengths that a plan can build on.",
    "There is a pattern of neglect of {name}'s basic needs (food, school attendance, health appointments), worsened by debt. The parents accept help, which lowers the risk.",
    "The risk to {name} from domestic abuse is significant: two police callouts in three months and {name} describes being frightened. Mum has begun to engage with the domestic abuse service.",
];

fn primary_need(g: &mut Gen, kind: TeamKind, outcome: AssessmentOutcome) -> PrimaryNeed {
    use PrimaryNeed as N;
    if kind == TeamKind::Disabled && g.chance(0.85) {
        return N::ChildDisability;
    }
    if matches!(outcome, AssessmentOutcome::NoFurtherAction | AssessmentOutcome::AdviceAndInformation) && g.chance(0.5) {
        return N::NotChildInNeed;
    }
    *g.weighted(&[(N::AbuseOrNeglect, 55), (N::FamilyDysfunction, 15), (N::AcuteStress, 12), (N::ParentalDisability, 8), (N::AbsentParenting, 5), (N::SociallyUnacceptableBehaviour, 3), (N::LowIncome, 2)])
}

#[cfg(test)]
mod tests {
    use super::*;
    use hearth_domain::policy::{Pack, BATH_NE_SOMERSET_PACK};
    use time::macros::date;

    fn child(g: &mut Gen, today: Date, unborn: bool) -> PersonDetails {
        let mut d = PersonDetails::named(PersonKind::Child, "Ada", "Lovelace");
        if unborn {
            d.expected_date_of_birth = Some(today + Duration::days(g.int(10, 200)));
        } else {
            d.date_of_birth = Some(today - Duration::days(g.int(0, 17 * 365)));
        }
        d
    }

    /// Every episode passes the domain's checks whatever the day — weekends, bank holidays,
    /// records made yesterday evening — with every step before today and after the records.
    #[test]
    fn episodes_are_valid_on_awkward_days() {
        let days = [
            date!(2025 - 12 - 22),
            date!(2025 - 12 - 25),
            date!(2025 - 12 - 27),
            date!(2025 - 12 - 29),
            date!(2026 - 01 - 02),
            date!(2026 - 04 - 03),
            date!(2026 - 04 - 06),
            date!(2026 - 04 - 07),
            date!(2026 - 03 - 30),
            date!(2026 - 10 - 26),
            date!(2026 - 11 - 30),
        ];
        let packs = [Arc::new(Timescales::default()), Arc::new(Timescales { pack: Pack::national().with_layer(BATH_NE_SOMERSET_PACK).unwrap(), calendar: Calendar::shipped() })];
        let kinds = [TeamKind::FrontDoor, TeamKind::ChildProtection, TeamKind::Disabled, TeamKind::InCare, TeamKind::Placement];
        let mut d = Gen::new(99);
        let mut states = std::collections::HashSet::new();
        let mut earlier = 0;
        for (i, today) in days.into_iter().enumerate() {
            for ts in &packs {
                let holder = Holder { worker: UserId(d.uuid()), manager: UserId(d.uuid()), team: TeamId(d.uuid()), kind: kinds[i % kinds.len()] };
                let opts = FrontDoorOptions { enabled: true, timescales: Some(ts.clone()) };
                let mut fd = Generator::new(i as u64, &opts, today, holder.worker);
                for n in 0..60 {
                    let kind = kinds[n % kinds.len()];
                    let holder = if n < 10 { Holder { kind: TeamKind::FrontDoor, ..holder } } else { Holder { kind, ..holder } };
                    // Records made from yesterday evening to two years ago; some of a baby
                    // whose pre-birth case closed.
                    let pre_birth = if n % 9 == 4 { crate::family::pre_birth(&mut d, today) } else { None };
                    let back = match pre_birth {
                        Some((referral, _)) => (today - referral).whole_days(),
                        None if n % 7 == 0 => 1,
                        None => d.int(1, 730),
                    };
                    let local = PrimitiveDateTime::new(today - Duration::days(back), Time::MIDNIGHT + Duration::minutes(d.int(8 * 60, 21 * 60)));
                    let created_at = local.assume_offset(uk_offset(local.assume_utc()));
                    let details: Vec<PersonDetails> = match pre_birth {
                        Some((_, due)) => vec![PersonDetails { expected_date_of_birth: Some(due), ..child(&mut d, today, true) }],
                        None => (0..d.int(1, 3)).map(|_| {
                            let unborn = d.chance(0.1);
                            child(&mut d, today, unborn)
                        }).collect(),
                    };
                    let children: Vec<EpisodeChild<'_>> = details.iter().map(|details| EpisodeChild { id: PersonId(d.uuid()), details, created_at }).collect();
                    let mut ops = Vec::new();
                    let parents = [PersonId(d.uuid())];
                    let done = if pre_birth.is_some() { fd.pre_birth(&mut ops, &children, &parents, holder) } else { fd.episodes(&mut ops, &children, &parents, holder) };
                    done.unwrap_or_else(|e| panic!("{today} back {back}: {e}"));
                    for op in &ops {
                        let at = match op {
                            Op::InsertContact(c, m) | Op::UpdateContact(c, _, m) => {
                                assert!(c.received_at >= created_at && c.received_at <= m.at);
                                m.at
                            }
                            Op::InsertReferral(_, m) | Op::UpdateReferral(_, _, m) | Op::InsertAssessment(_, m) => m.at,
                            Op::InsertEpisode(_, m) | Op::UpdateEpisode(_, _, m) => m.at,
                            Op::CaseNote(n) => n.created_at,
                            Op::UpdateAssessment(a, _, m) => {
                                states.insert(a.state);
                                m.at
                            }
                            Op::Task(t) => match t.status {
                                TaskStatus::Done { at, .. } => at,
                                TaskStatus::Open => created_at,
                            },
                        };
                        assert!(at >= created_at, "{today}: {op:?}");
                        assert!(uk_local(at).date() < today, "{today} back {back}: a step today or later: {op:?}");
                    }
                }
                earlier += fd.summary.earlier_episodes;
            }
        }
        assert_eq!(states.len(), 4, "{states:?}");
        assert!(earlier > 0);
    }

    #[test]
    fn plans_never_run_backwards() {
        let mut g = Gen::new(3);
        let targets = [Target::Overdue, Target::DueSoon, Target::Later, Target::Submitted, Target::Returned, Target::AuthorisedRecently, Target::AuthorisedWhenOpened];
        for kmax in -1..200 {
            for t in targets {
                let p = Plan::new(&mut g, t, 45, kmax);
                let mut steps = vec![p.contact, p.decided, p.start];
                steps.extend(p.seen.iter().filter(|_| p.save.is_some()));
                steps.extend([p.save, p.submit, p.ret, p.edit, p.resubmit, p.authorise].into_iter().flatten());
                assert!(steps.windows(2).all(|w| w[0] >= w[1]), "{t:?} {kmax}: {p:?}");
                assert!(steps.iter().all(|k| *k >= i64::from(kmax >= 1) && *k <= kmax.max(0)), "{t:?} {kmax}: {p:?}");
                // Each step only after the one it needs.
                assert!(p.submit.is_none() || (p.save.is_some() && p.complete), "{p:?}");
                assert!(p.ret.is_none() || p.submit.is_some(), "{p:?}");
                assert!(p.edit.is_none() || p.ret.is_some(), "{p:?}");
                assert!(p.resubmit.is_none() || p.edit.is_some(), "{p:?}");
                assert!(p.authorise.is_none() || (p.submit.is_some() && (p.ret.is_none() || p.resubmit.is_some())), "{p:?}");
            }
        }
    }
}
