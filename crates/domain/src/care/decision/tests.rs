use super::*;
use crate::calendar;
use time::macros::date;

/// Proposed on Wednesday 23 December 2026, before the Christmas bank holidays.
fn proposal() -> CareDecision {
    CareDecision {
        id: CareDecisionId::new(),
        child: PersonId::new(),
        route: CareRoute::Accommodation,
        proposed: date!(2026 - 12 - 23),
        proposed_by: UserId::new(),
        reasons: "Mother in hospital; no family able to care".into(),
        planned_start: Some(date!(2026 - 12 - 24)),
        authorisation: None,
        meeting: None,
        notified: Vec::new(),
        withdrawn: None,
        care_began: None,
    }
}

fn agreed(mut d: CareDecision, on: Date) -> CareDecision {
    d.authorisation = Some(Authorisation { by: UserId::new(), on, agreed: true, comments: String::new() });
    d
}

fn due(d: &CareDecision) -> Vec<(TaskKind, Date)> {
    d.due_steps(&Pack::national(), calendar::shipped()).unwrap().into_iter().map(|s| (s.kind, s.deadline.due.date())).collect()
}

const TODAY: Date = date!(2027 - 01 - 10);

#[test]
fn a_proposal_waits_for_a_manager_and_then_makes_the_meeting_and_the_notifications_due() {
    let d = proposal();
    assert_eq!(d.stage(), Stage::Proposed);
    // One working day: Christmas Day and Boxing Day (Monday 28th, in lieu) are not counted.
    assert_eq!(due(&d), [(TaskKind::CareDecisionAuthorisation, date!(2026 - 12 - 24))]);
    let d = agreed(d, date!(2026 - 12 - 24));
    assert_eq!(d.stage(), Stage::Agreed);
    assert_eq!(due(&d), [(TaskKind::PreCarePlanningMeeting, date!(2027 - 01 - 05)), (TaskKind::CareNotifications, date!(2026 - 12 - 29))]);
    d.check(TODAY).unwrap();
}

#[test]
fn the_notification_task_stays_until_all_three_are_told_and_the_meeting_closes_its_own() {
    let mut d = agreed(proposal(), date!(2026 - 12 - 24));
    d.meeting = Some(PlanningMeeting { held: date!(2026 - 12 - 24), attendees: "SW, TM, mother, foster carer".into(), plan: String::new() });
    d.notified.push(Notification { whom: Notified::ReviewingService, on: date!(2026 - 12 - 24) });
    d.notified.push(Notification { whom: Notified::Health, on: date!(2026 - 12 - 29) });
    assert_eq!(due(&d).iter().map(|x| x.0).collect::<Vec<_>>(), [TaskKind::CareNotifications]);
    d.notified.push(Notification { whom: Notified::Education, on: date!(2026 - 12 - 29) });
    assert!(due(&d).is_empty());
    d.check(TODAY).unwrap();
    // Care beginning under the decision leaves anything still to do due.
    let mut d = agreed(proposal(), date!(2026 - 12 - 24));
    d.care_began = Some(CarePeriodId::new());
    assert_eq!(d.stage(), Stage::CareBegan);
    assert_eq!(due(&d).len(), 2);
}

#[test]
fn a_refused_or_withdrawn_proposal_has_nothing_due() {
    let mut d = proposal();
    d.authorisation = Some(Authorisation { by: UserId::new(), on: date!(2026 - 12 - 24), agreed: false, comments: "Try a family network meeting first".into() });
    assert_eq!(d.stage(), Stage::NotAgreed);
    assert!(!d.is_open());
    assert!(due(&d).is_empty());
    let mut d = proposal();
    d.withdrawn = Some(date!(2026 - 12 - 24));
    assert_eq!(d.stage(), Stage::Withdrawn);
    assert!(due(&d).is_empty());
}

#[test]
fn bad_decisions_name_their_fields() {
    let fields = |d: &CareDecision| d.check(TODAY).unwrap_err().0.into_iter().map(|e| e.field).collect::<Vec<_>>();
    let mut d = proposal();
    d.reasons = "  ".into();
    d.planned_start = Some(date!(2026 - 12 - 01));
    assert_eq!(fields(&d), ["reasons", "planned_start"]);

    // The proposer cannot authorise their own proposal; a refusal says why.
    let mut d = proposal();
    d.authorisation = Some(Authorisation { by: d.proposed_by, on: date!(2026 - 12 - 22), agreed: false, comments: String::new() });
    assert_eq!(fields(&d), ["authorisation.on", "authorisation", "authorisation.comments"]);

    // A meeting and notifications wait for the authorisation; no one is told twice; nothing
    // in the future.
    let mut d = proposal();
    d.meeting = Some(PlanningMeeting { held: date!(2027 - 02 - 01), attendees: String::new(), plan: String::new() });
    d.notified.push(Notification { whom: Notified::Health, on: date!(2026 - 12 - 24) });
    assert_eq!(fields(&d), ["meeting", "meeting.held", "meeting.attendees", "notified[0]"]);
    let mut d = agreed(proposal(), date!(2026 - 12 - 24));
    d.notified.push(Notification { whom: Notified::Health, on: date!(2026 - 12 - 24) });
    d.notified.push(Notification { whom: Notified::Health, on: date!(2026 - 12 - 29) });
    assert_eq!(fields(&d), ["notified[1].whom"]);

    // Withdrawing after care began under it.
    let mut d = agreed(proposal(), date!(2026 - 12 - 24));
    d.care_began = Some(CarePeriodId::new());
    d.withdrawn = Some(date!(2026 - 12 - 29));
    assert_eq!(fields(&d), ["withdrawn"]);
}
