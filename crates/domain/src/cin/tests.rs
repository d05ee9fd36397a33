use super::change::Change;
use super::codes::*;
use super::dashboard::{self, Duration};
use super::episode::*;
use super::steps::*;
use super::StepId;
use crate::calendar::{self, Calendar};
use crate::front_door::tasks::TaskKind;
use crate::front_door::ReferralId;
use crate::policy::{Due, Pack, BATH_NE_SOMERSET_PACK};
use crate::{PersonId, UserId};
use time::macros::{date, datetime};
use time::{Date, OffsetDateTime};

fn national() -> Pack {
    Pack::national()
}

fn seed() -> Pack {
    Pack::national().with_layer(BATH_NE_SOMERSET_PACK).unwrap()
}

fn cal() -> &'static Calendar {
    calendar::shipped()
}

fn who() -> Vec<Participant> {
    vec![
        Participant { name: "Sam Duty".into(), agency: "Children's social care".into(), role: "Social worker".into() },
        Participant { name: "DS Khan".into(), agency: "Police".into(), role: "Detective sergeant".into() },
    ]
}

fn meeting(d: Date) -> MeetingDetails {
    MeetingDetails { date: Some(d), participants: who(), notes: "Actions agreed".into() }
}

fn content() -> PlanContent {
    PlanContent {
        needs: "Safe sleeping arrangements".into(),
        outcomes: "The baby sleeps safely".into(),
        actions: vec![PlanAction { action: "Health visitor to visit weekly".into(), owner: "Health visitor".into(), due: Some(date!(2024 - 03 - 01)) }],
    }
}

/// 10:00 on a winter day in England (UTC).
fn at(d: Date) -> OffsetDateTime {
    d.with_hms(10, 0, 0).unwrap().assume_utc()
}

fn episode() -> Episode {
    Episode::open(PersonId::new(), ReferralId::new(), date!(2023 - 12 - 11))
}

/// Strategy discussion on Thu 14 Dec 2023 deciding on a section 47 enquiry.
fn with_strategy() -> (Episode, StepId) {
    let mut e = episode();
    let sd = e
        .record_strategy_discussion(Some(at(date!(2023 - 12 - 14))), who(), "Bruising seen at nursery".into(), Some(StrategyDecision::Section47), "Police to visit".into(), at(date!(2023 - 12 - 14)) + time::Duration::hours(2))
        .unwrap();
    (e, sd)
}

/// …the enquiry concluding that a conference is needed, and the conference on Tue 9 Jan
/// 2024 making a plan.
fn with_plan() -> (Episode, StepId, StepId) {
    let (mut e, sd) = with_strategy();
    let q = e.start_enquiry(Some(sd), Some(date!(2023 - 12 - 14)), date!(2023 - 12 - 14)).unwrap();
    e.conclude_enquiry(q, Some(EnquiryOutcome::ConferenceRequired), Some(date!(2023 - 12 - 20)), date!(2023 - 12 - 20)).unwrap();
    let o = e.hold_initial_conference(q, meeting(date!(2024 - 01 - 09)), Some(InitialDecision::Plan { category: AbuseCategory::Physical }), date!(2024 - 01 - 09)).unwrap();
    (e, q, o.plan.unwrap())
}

fn due(steps: &[DueStep], kind: TaskKind) -> Date {
    steps.iter().find(|s| s.kind == kind).unwrap_or_else(|| panic!("no {kind:?} step in {steps:?}")).deadline.due.date()
}

fn steps(e: &Episode, visits: &[Date], pack: &Pack) -> Vec<DueStep> {
    due_steps(e, Facts { visits, last_team_change: None }, pack, cal()).unwrap()
}

fn first_error(r: Result<impl std::fmt::Debug, crate::FieldErrors>) -> (String, String) {
    let e = r.unwrap_err();
    let first = e.0.first().expect("an error");
    (first.field.clone(), first.message.clone())
}

// ---- deadlines ----------------------------------------------------------------------------

#[test]
fn icpc_is_15_working_days_from_the_strategy_discussion_skipping_christmas() {
    let (e, _) = with_strategy();
    // 15 working days after Thu 14 Dec 2023, with 25, 26 Dec and 1 Jan bank holidays.
    assert_eq!(due(&steps(&e, &[], &national()), TaskKind::InitialConference), date!(2024 - 01 - 09));
    let q = &e.enquiries;
    assert!(q.is_empty());
}

#[test]
fn action_notes_are_due_24_hours_after_the_discussion_in_the_seed_pack_only() {
    let (e, sd) = with_strategy();
    let s = steps(&e, &[], &seed());
    let notes = s.iter().find(|s| s.kind == TaskKind::StrategyActionNotes).unwrap();
    assert_eq!(notes.deadline.due, Due::DateTime(datetime!(2023-12-15 10:00)));
    assert_eq!(notes.step, format!("sd:{sd}:notes"));
    assert!(steps(&e, &[], &national()).iter().all(|s| s.kind != TaskKind::StrategyActionNotes));
    let mut sent = e.clone();
    sent.distribute_action_notes(sd, Some(at(date!(2023 - 12 - 14)) + time::Duration::hours(3)), at(date!(2023 - 12 - 15))).unwrap();
    assert!(steps(&sent, &[], &seed()).iter().all(|s| s.kind != TaskKind::StrategyActionNotes));
}

#[test]
fn no_conference_is_due_when_the_enquiry_needs_none() {
    let (mut e, sd) = with_strategy();
    let q = e.start_enquiry(Some(sd), Some(date!(2023 - 12 - 14)), date!(2023 - 12 - 14)).unwrap();
    assert!(steps(&e, &[], &national()).iter().any(|s| s.kind == TaskKind::InitialConference));
    e.conclude_enquiry(q, Some(EnquiryOutcome::NotSubstantiated), Some(date!(2023 - 12 - 19)), date!(2023 - 12 - 19)).unwrap();
    assert!(e.enquiries[0].icpc_not_required());
    assert!(steps(&e, &[], &national()).iter().all(|s| s.kind != TaskKind::InitialConference));
}

#[test]
fn a_plan_makes_core_group_review_visit_and_transfer_steps() {
    let (e, _, plan) = with_plan();
    let s = steps(&e, &[], &seed());
    assert!(s.iter().all(|s| s.kind != TaskKind::InitialConference), "the conference was held");
    // 10 working days after Tue 9 Jan 2024.
    assert_eq!(due(&s, TaskKind::CoreGroup), date!(2024 - 01 - 23));
    // First review within 3 months of the initial conference.
    assert_eq!(due(&s, TaskKind::ReviewConference), date!(2024 - 04 - 09));
    // National default: the child seen every 10 working days from the start of the plan.
    assert_eq!(due(&s, TaskKind::Visit), date!(2024 - 01 - 23));
    // Seed 001: the case moves to the CP and Court team (this layer: 5 working days).
    assert_eq!(due(&s, TaskKind::CaseTransfer), date!(2024 - 01 - 16));
    assert!(steps(&e, &[], &national()).iter().all(|s| s.kind != TaskKind::CaseTransfer), "national has no transfer rule");
    let moved = due_steps(&e, Facts { visits: &[], last_team_change: Some(date!(2024 - 01 - 12)) }, &seed(), cal()).unwrap();
    assert!(moved.iter().all(|s| s.kind != TaskKind::CaseTransfer), "done once the case changed team");
    assert!(s.iter().any(|x| x.step == format!("cp:{plan}:core_group:1")));
}

#[test]
fn later_core_groups_reviews_and_visits_count_from_the_last_one() {
    let (mut e, _, plan) = with_plan();
    e.record_core_group(plan, meeting(date!(2024 - 01 - 22)), date!(2024 - 01 - 22)).unwrap();
    let review = e.hold_review_conference(plan, meeting(date!(2024 - 04 - 05)), Some(ReviewDecision::Continue { category: AbuseCategory::Neglect }), date!(2024 - 04 - 05));
    assert!(review.is_ok());
    let s = steps(&e, &[date!(2024 - 01 - 19)], &national());
    // Six weeks after the last core group, as the national default.
    assert!(s.iter().any(|x| x.kind == TaskKind::CoreGroup && x.step == format!("cp:{plan}:core_group:2")));
    assert_eq!(due(&s, TaskKind::CoreGroup), date!(2024 - 03 - 04));
    // Later reviews at most six months apart: Sat 5 Oct 2024, so the Friday before.
    assert_eq!(due(&s, TaskKind::ReviewConference), date!(2024 - 10 - 04));
    // 10 working days after the visit of Fri 19 Jan 2024.
    assert_eq!(due(&s, TaskKind::Visit), date!(2024 - 02 - 02));
    assert_eq!(e.cp_plans[0].latest_category, AbuseCategory::Neglect);
    assert_eq!(e.cp_plans[0].initial_category, AbuseCategory::Physical);
    // A plan's own frequency replaces the pack's.
    e.set_cp_visit_interval(plan, Some(5)).unwrap();
    assert_eq!(due(&steps(&e, &[date!(2024 - 01 - 19)], &national()), TaskKind::Visit), date!(2024 - 01 - 26));
    assert!(e.set_cp_visit_interval(plan, Some(0)).is_err());
}

#[test]
fn child_in_need_plan_reviews_and_visits() {
    let mut e = episode();
    let plan = e.start_cin_plan(Some(date!(2024 - 02 - 01)), content(), None, date!(2024 - 02 - 01)).unwrap();
    let s = steps(&e, &[], &national());
    assert_eq!(due(&s, TaskKind::ChildInNeedPlanReview), date!(2024 - 05 - 01));
    assert_eq!(due(&s, TaskKind::Visit), date!(2024 - 02 - 29));
    e.review_cin_plan(plan, Some(date!(2024 - 04 - 30)), date!(2024 - 04 - 30)).unwrap();
    assert_eq!(due(&steps(&e, &[], &national()), TaskKind::ChildInNeedPlanReview), date!(2024 - 07 - 30));
    e.end_cin_plan(plan, Some(date!(2024 - 05 - 02)), date!(2024 - 05 - 02)).unwrap();
    assert!(steps(&e, &[], &national()).is_empty());
}

#[test]
fn step_down_follow_up_is_three_months_after_closure_clamped_to_the_month_end() {
    let mut e = episode();
    e.close(Some(date!(2024 - 01 - 31)), Some(ClosureReason::ServicesCeased), Some((StepDownTo::EarlyHelp, "Family support worker".into())), date!(2024 - 01 - 31)).unwrap();
    let s = steps(&e, &[], &seed());
    assert_eq!(due(&s, TaskKind::StepDownFollowUp), date!(2024 - 04 - 30));
    e.record_follow_up(Some(date!(2024 - 04 - 29)), "Still appropriate".into(), date!(2024 - 04 - 29)).unwrap();
    assert!(steps(&e, &[], &seed()).is_empty());
}

#[test]
fn icpc_target_counts_from_the_enquirys_strategy_discussion() {
    let (e, q, _) = with_plan();
    let enquiry = e.enquiry(q).unwrap();
    assert_eq!(icpc_target(&e, enquiry, &national(), cal()).unwrap().unwrap().due.date(), date!(2024 - 01 - 09));
}

// ---- transitions ----------------------------------------------------------------------

#[test]
fn the_stage_follows_the_most_serious_open_step() {
    let mut e = episode();
    assert_eq!(e.stage(None), Stage::Referral);
    assert_eq!(e.stage(Some(false)), Stage::Assessment);
    assert_eq!(e.stage(Some(true)), Stage::NoPlan);
    let cin = e.start_cin_plan(Some(date!(2023 - 12 - 12)), content(), None, date!(2023 - 12 - 12)).unwrap();
    assert_eq!(e.stage(Some(true)), Stage::ChildInNeedPlan);
    let sd = e.record_strategy_discussion(Some(at(date!(2023 - 12 - 14))), who(), "New injury".into(), Some(StrategyDecision::Section47), String::new(), at(date!(2023 - 12 - 15))).unwrap();
    let q = e.start_enquiry(Some(sd), Some(date!(2023 - 12 - 14)), date!(2023 - 12 - 15)).unwrap();
    assert_eq!(e.stage(Some(true)), Stage::Section47);
    e.conclude_enquiry(q, Some(EnquiryOutcome::ConferenceRequired), Some(date!(2023 - 12 - 20)), date!(2023 - 12 - 20)).unwrap();
    assert_eq!(e.stage(Some(true)), Stage::Section47, "waiting for its conference");
    let o = e.hold_initial_conference(q, meeting(date!(2024 - 01 - 09)), Some(InitialDecision::Plan { category: AbuseCategory::Multiple }), date!(2024 - 01 - 09)).unwrap();
    assert_eq!(e.stage(Some(true)), Stage::ChildProtectionPlan);
    assert_eq!(o.ended_cin_plan, Some(cin), "the CP plan replaces the CIN plan");
    assert_eq!(e.cin_plan(cin).unwrap().end, Some(date!(2024 - 01 - 09)));
    let plan = o.plan.unwrap();
    e.hold_review_conference(plan, meeting(date!(2024 - 04 - 08)), Some(ReviewDecision::EndPlan { reason: PlanEndReason::NoLongerAtRisk }), date!(2024 - 04 - 08)).unwrap();
    assert_eq!(e.cp_plan(plan).unwrap().end, Some(date!(2024 - 04 - 08)));
    assert_eq!(e.stage(Some(true)), Stage::NoPlan);
    e.close(Some(date!(2024 - 04 - 10)), Some(ClosureReason::ServicesCeased), None, date!(2024 - 04 - 10)).unwrap();
    assert_eq!(e.stage(Some(true)), Stage::Closed);
    assert!(!e.is_open());
}

#[test]
fn an_enquiry_needs_a_strategy_discussion_that_decided_on_one() {
    let mut e = episode();
    let (field, message) = first_error(e.start_enquiry(None, Some(date!(2023 - 12 - 14)), date!(2023 - 12 - 14)));
    assert_eq!(field, "strategy");
    assert!(message.contains("record the strategy discussion first"), "{message}");
    let sd = e.record_strategy_discussion(Some(at(date!(2023 - 12 - 14))), who(), "Concerns".into(), Some(StrategyDecision::NoSection47), String::new(), at(date!(2023 - 12 - 15))).unwrap();
    let (_, message) = first_error(e.start_enquiry(Some(sd), Some(date!(2023 - 12 - 14)), date!(2023 - 12 - 15)));
    assert!(message.contains("did not decide on a section 47 enquiry"), "{message}");
    assert!(e.enquiries.is_empty());
}

#[test]
fn dates_out_of_order_are_refused_naming_the_record() {
    let (mut e, sd) = with_strategy();
    // An enquiry cannot start before its strategy discussion.
    let (field, message) = first_error(e.start_enquiry(Some(sd), Some(date!(2023 - 12 - 13)), date!(2023 - 12 - 15)));
    assert_eq!(field, "start");
    assert_eq!(message, "The start date must be on or after the strategy discussion on Thu 14 Dec 2023");
    let q = e.start_enquiry(Some(sd), Some(date!(2023 - 12 - 14)), date!(2023 - 12 - 15)).unwrap();
    e.conclude_enquiry(q, Some(EnquiryOutcome::ConferenceRequired), Some(date!(2023 - 12 - 15)), date!(2023 - 12 - 15)).unwrap();
    // The initial conference cannot be before the strategy discussion.
    let before = e.clone();
    let (field, message) = first_error(e.hold_initial_conference(q, meeting(date!(2023 - 12 - 13)), Some(InitialDecision::Plan { category: AbuseCategory::Neglect }), date!(2024 - 01 - 09)));
    assert_eq!(field, "date");
    assert!(message.contains("the strategy discussion on Thu 14 Dec 2023") || message.contains("section 47 enquiry"), "{message}");
    assert_eq!(e, before, "nothing changed");
    let plan = e.hold_initial_conference(q, meeting(date!(2024 - 01 - 09)), Some(InitialDecision::Plan { category: AbuseCategory::Neglect }), date!(2024 - 01 - 09)).unwrap().plan.unwrap();
    // A review cannot be on or before the initial conference.
    let (_, message) = first_error(e.hold_review_conference(plan, meeting(date!(2024 - 01 - 08)), Some(ReviewDecision::Continue { category: AbuseCategory::Neglect }), date!(2024 - 02 - 01)));
    assert_eq!(message, "The date of the conference must be on or after the initial conference on Tue 9 Jan 2024");
    // Nor a core group.
    let (_, message) = first_error(e.record_core_group(plan, meeting(date!(2024 - 01 - 05)), date!(2024 - 02 - 01)));
    assert_eq!(message, "The date of the meeting must be on or after the initial conference on Tue 9 Jan 2024");
    // A plan cannot end before it started.
    let (field, message) = first_error(e.end_cp_plan(plan, Some(date!(2024 - 01 - 02)), Some(PlanEndReason::MovedAway), date!(2024 - 02 - 01)));
    assert_eq!(field, "end");
    assert!(message.contains("the initial conference on Tue 9 Jan 2024"), "{message}");
    // Nothing in the future.
    let (_, message) = first_error(e.record_core_group(plan, meeting(date!(2024 - 02 - 02)), date!(2024 - 02 - 01)));
    assert_eq!(message, "The date of the meeting must be today or in the past");
    assert_eq!(e.core_groups.len(), 0);
}

#[test]
fn one_open_cp_plan_at_a_time() {
    let (mut e, _, _) = with_plan();
    let sd = e.record_strategy_discussion(Some(at(date!(2024 - 02 - 01))), who(), "New concerns".into(), Some(StrategyDecision::Section47), String::new(), at(date!(2024 - 02 - 01))).unwrap();
    let q = e.start_enquiry(Some(sd), Some(date!(2024 - 02 - 01)), date!(2024 - 02 - 01)).unwrap();
    e.conclude_enquiry(q, Some(EnquiryOutcome::ConferenceRequired), Some(date!(2024 - 02 - 05)), date!(2024 - 02 - 05)).unwrap();
    let (field, message) = first_error(e.hold_initial_conference(q, meeting(date!(2024 - 02 - 12)), Some(InitialDecision::Plan { category: AbuseCategory::Sexual }), date!(2024 - 02 - 12)));
    assert_eq!(field, "decision");
    assert_eq!(message, "The child is already on a child protection plan, started on Tue 9 Jan 2024; a child has one plan at a time");
    assert_eq!(e.cp_plans.len(), 1);
    // …nor a child in need plan beside it.
    let (_, message) = first_error(e.start_cin_plan(Some(date!(2024 - 02 - 12)), content(), None, date!(2024 - 02 - 12)));
    assert!(message.contains("child protection plan, started on Tue 9 Jan 2024"), "{message}");
}

#[test]
fn ending_a_plan_needs_a_reason() {
    let (mut e, _, plan) = with_plan();
    let (field, message) = first_error(e.end_cp_plan(plan, Some(date!(2024 - 02 - 01)), None, date!(2024 - 02 - 01)));
    assert_eq!((field.as_str(), message.as_str()), ("reason", "Select why the plan ended"));
    assert!(e.open_cp_plan().is_some());
    e.end_cp_plan(plan, Some(date!(2024 - 02 - 01)), Some(PlanEndReason::LookedAfter), date!(2024 - 02 - 01)).unwrap();
    assert_eq!(e.cp_plan(plan).unwrap().end_reason, Some(PlanEndReason::LookedAfter));
    // Ended plans take no more reviews.
    assert!(e.hold_review_conference(plan, meeting(date!(2024 - 02 - 02)), Some(ReviewDecision::Continue { category: AbuseCategory::Neglect }), date!(2024 - 02 - 02)).is_err());
}

#[test]
fn closing_with_open_plans_lists_them() {
    let (mut e, _, _) = with_plan();
    e.record_strategy_discussion(Some(at(date!(2024 - 02 - 01))), who(), "More".into(), Some(StrategyDecision::Section47), String::new(), at(date!(2024 - 02 - 01))).unwrap();
    let sd = e.strategy_discussions[1].id;
    e.start_enquiry(Some(sd), Some(date!(2024 - 02 - 01)), date!(2024 - 02 - 01)).unwrap();
    let (field, message) = first_error(e.close(Some(date!(2024 - 02 - 02)), Some(ClosureReason::ServicesCeased), None, date!(2024 - 02 - 02)));
    assert_eq!(field, "episode");
    assert_eq!(
        message,
        "End or conclude the child protection plan started on Tue 9 Jan 2024 and the section 47 enquiry started on Thu 1 Feb 2024 (no outcome yet) before closing the episode"
    );
    assert!(e.is_open());
}

#[test]
fn closure_needs_a_reason_and_a_date_after_everything() {
    let mut e = episode();
    let plan = e.start_cin_plan(Some(date!(2024 - 01 - 02)), content(), None, date!(2024 - 01 - 02)).unwrap();
    e.end_cin_plan(plan, Some(date!(2024 - 03 - 01)), date!(2024 - 03 - 01)).unwrap();
    let r = e.close(Some(date!(2024 - 02 - 01)), None, None, date!(2024 - 03 - 05));
    let errors = r.unwrap_err();
    let fields: Vec<&str> = errors.0.iter().map(|x| x.field.as_str()).collect();
    assert_eq!(fields, ["date", "reason"]);
    assert!(errors.0.first().unwrap().message.contains("the last step recorded in the episode on Fri 1 Mar 2024"));
    e.close(Some(date!(2024 - 03 - 05)), Some(ClosureReason::Died), None, date!(2024 - 03 - 05)).unwrap();
    // A closed episode takes no more steps.
    let (field, message) = first_error(e.start_cin_plan(Some(date!(2024 - 03 - 06)), content(), None, date!(2024 - 03 - 06)));
    assert_eq!(field, "episode");
    assert!(message.contains("closed on Tue 5 Mar 2024"), "{message}");
    assert!(e.record_follow_up(Some(date!(2024 - 04 - 01)), "x".into(), date!(2024 - 04 - 01)).is_err(), "no step-down to follow up");
}

#[test]
fn a_discussion_needs_participants_information_and_a_decision() {
    let mut e = episode();
    let r = e.record_strategy_discussion(None, Vec::new(), " ".into(), None, String::new(), at(date!(2023 - 12 - 14)));
    let fields: Vec<String> = r.unwrap_err().0.iter().map(|x| x.field.clone()).collect();
    assert_eq!(fields, ["held_at", "participants", "information", "decision"]);
    let half = vec![Participant { name: "DS Khan".into(), agency: String::new(), role: String::new() }];
    let r = e.record_strategy_discussion(Some(at(date!(2023 - 12 - 14))), half, "x".into(), Some(StrategyDecision::Other), String::new(), at(date!(2023 - 12 - 14)));
    assert_eq!(first_error(r).0, "participants-1-agency");
    assert!(e.strategy_discussions.is_empty());
}

#[test]
fn oversight_notes_on_the_episode_or_a_step() {
    let (mut e, sd) = with_strategy();
    let manager = UserId::new();
    e.add_oversight(Some(sd), "Threshold met".into(), Some("Proceed to s47".into()), manager, at(date!(2023 - 12 - 14))).unwrap();
    e.add_oversight(None, "Case reviewed".into(), Some("  ".into()), manager, at(date!(2023 - 12 - 15))).unwrap();
    assert_eq!(e.oversight[0].about, Some(sd));
    assert_eq!(e.oversight[1].decision, None, "a blank decision is no decision");
    assert_eq!(first_error(e.add_oversight(Some(StepId::new()), "x".into(), None, manager, at(date!(2023 - 12 - 15)))).0, "about");
    assert_eq!(first_error(e.add_oversight(None, String::new(), None, manager, at(date!(2023 - 12 - 15)))).0, "note");
}

#[test]
fn apply_routes_each_change_and_reports_what_it_made() {
    let mut e = episode();
    let now = at(date!(2024 - 01 - 10));
    let a = e.apply(Change::StartCinPlan { start: Some(date!(2024 - 01 - 02)), content: content(), visit_every: Some(15) }, UserId::new(), now).unwrap();
    assert_eq!(a.step, Some(e.cin_plans[0].id));
    assert_eq!(e.cin_plans[0].visit_every_working_days, Some(15));
    let bad = Change::EndCinPlan { plan: StepId::new(), end: Some(date!(2024 - 01 - 03)) };
    assert_eq!(bad.action(), "episode.cin_plan_end");
    assert!(e.apply(bad, UserId::new(), now).is_err());
}

#[test]
fn previous_plans_are_counted_across_episodes() {
    let (first, _, _) = with_plan();
    let (second, _, _) = with_plan();
    let mut later = second.cp_plans[0].clone();
    later.start = date!(2025 - 06 - 01);
    let all = [first.cp_plans[0].clone(), later.clone()];
    assert_eq!(previous_plans(&all, &all[0]), 0);
    assert_eq!(previous_plans(&all, &later), 1);
}

#[test]
fn the_dashboard_bands_and_flags_plans() {
    assert_eq!(Duration::of(date!(2024 - 01 - 09), date!(2024 - 04 - 08)), Duration::UnderThreeMonths);
    assert_eq!(Duration::of(date!(2024 - 01 - 09), date!(2024 - 04 - 09)), Duration::ThreeToSixMonths);
    assert_eq!(Duration::of(date!(2024 - 01 - 09), date!(2025 - 01 - 09)), Duration::OneToTwoYears);
    assert_eq!(Duration::of(date!(2024 - 01 - 09), date!(2026 - 01 - 09)), Duration::OneToTwoYears, "exactly two years is not over");
    assert_eq!(Duration::of(date!(2024 - 01 - 09), date!(2026 - 01 - 10)), Duration::OverTwoYears);
    let open = |start: Date, latest: AbuseCategory, previous: usize| dashboard::OpenPlan {
        child: PersonId::new(),
        episode: super::EpisodeId::new(),
        plan: StepId::new(),
        start,
        initial_category: AbuseCategory::Physical,
        latest_category: latest,
        previous,
    };
    let d = dashboard::build(vec![open(date!(2025 - 06 - 01), AbuseCategory::Neglect, 0), open(date!(2023 - 01 - 05), AbuseCategory::Emotional, 1)], date!(2026 - 02 - 01));
    assert_eq!(d.plans.len(), 2);
    let row = &d.plans[0];
    assert_eq!(row.plan.start, date!(2023 - 01 - 05), "longest on a plan first");
    assert!(row.repeat() && row.over_two_years());
    assert_eq!((d.repeat(), d.over_two_years()), (1, 1));
    assert_eq!(d.by_category.iter().find(|(c, _)| *c == AbuseCategory::Emotional).map(|x| x.1), Some(1));
    assert_eq!(d.by_duration.iter().find(|(b, _)| *b == Duration::SixToTwelveMonths).map(|x| x.1), Some(1));
    assert_eq!(d.by_duration.iter().map(|x| x.1).sum::<usize>(), 2);
}
