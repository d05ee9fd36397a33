//! The front door of children's social care (seed 001 §7.1, issue 4): contact → screening
//! decision → referral → single assessment with manager authorisation, the deadlines the
//! policy pack sets on each step, the work trays those deadlines become, allocation and
//! caseloads, and the duty rota. Everything here is pure: the store, app and web layers
//! decide what to load and save; these types decide what is valid.

pub mod allocation;
pub mod assessment;
pub mod codes;
pub mod contact;
pub mod deadlines;
pub mod referral;
pub mod rota;
pub mod tasks;

crate::ids::id_type!(
    /// A contact received by the front door.
    ContactId
);
crate::ids::id_type!(
    /// A referral to children's social care (one per child).
    ReferralId
);
crate::ids::id_type!(
    /// A single assessment.
    AssessmentId
);
crate::ids::id_type!(
    /// A task in a work tray.
    TaskId
);
crate::ids::id_type!(
    /// One allocation of a child's case to a team (and worker).
    AllocationId
);

/// Checks a required single-line text field: present, and not longer than `max` characters.
pub(crate) fn check_text(errors: &mut crate::FieldErrors, field: &str, label: &str, value: &str, required: bool, max: usize) {
    let len = value.trim().chars().count();
    if required && len == 0 {
        errors.add(field, format!("Enter {label}"));
    } else if len > max {
        errors.add(field, format!("{} must be {max} characters or fewer", capitalise(label)));
    }
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_as_text_and_json() {
        let id = ContactId::new();
        assert_eq!(id.to_string().parse::<ContactId>().unwrap(), id);
        let json = serde_json::to_string(&id).unwrap();
        assert_eq!(json, format!("\"{id}\""));
    }

    /// The journey of the browser test, on the domain alone: contact → decision →
    /// referral → assessment → submit → returned → resubmit → authorised, with the tasks
    /// the deadlines make and close.
    #[test]
    fn front_door_journey() {
        use super::assessment::{Actor, Assessment, AssessmentState, ChildSeen};
        use super::codes::{AssessmentFactor, AssessmentOutcome, ScreeningDecision};
        use super::contact::Screening;
        use super::deadlines::{assessment_deadlines, met, screening_deadline};
        use super::referral::Referral;
        use super::tasks::{Task, TaskKind, TaskSubject, complete_step, my_work, tally, TeamCounts};
        use crate::calendar::shipped as cal;
        use crate::policy::{BATH_NE_SOMERSET_PACK, Pack};
        use time::macros::{date, datetime};

        let pack = Pack::national().with_layer(BATH_NE_SOMERSET_PACK).unwrap();
        let team = crate::TeamId::new();
        let worker = Actor { user: crate::UserId::new(), can_authorise: false, allocated: true };
        let manager = Actor { user: crate::UserId::new(), can_authorise: true, allocated: false };

        let mut contact = super::contact::tests::contact();
        let child = contact.children[0];
        let screening_due = screening_deadline(&pack, cal(), contact.received_at).unwrap();
        let mut tasks = vec![Task::from_deadline(TaskKind::ScreeningDecision, TaskSubject::Contact(contact.id), child, Some(team), None, &screening_due, cal())];
        let decided_at = datetime!(2023-12-27 11:00 UTC);
        contact.decide(Screening { decision: ScreeningDecision::Referral, decided_at, decided_by: manager.user, rationale: "Threshold met".into() }, decided_at).unwrap();
        assert!(met(&screening_due, decided_at));
        assert_eq!(complete_step(&mut tasks, TaskKind::ScreeningDecision, TaskSubject::Contact(contact.id), manager.user, decided_at), 1);

        let referral = Referral::from_contact(&contact, child, date!(2023 - 12 - 27), [], date!(2023 - 12 - 27)).unwrap();
        assert!(!referral.re_referral);
        let due = assessment_deadlines(&pack, cal(), referral.referral_date, None).unwrap();
        let mut assessment = Assessment::new(referral.id, child, worker.user, date!(2023 - 12 - 28));
        let subject = TaskSubject::Assessment(assessment.id);
        tasks.push(Task::from_deadline(TaskKind::InitialAssessment, subject, child, Some(team), Some(worker.user), due.initial.as_ref().unwrap(), cal()));
        tasks.push(Task::from_deadline(TaskKind::SingleAssessment, subject, child, Some(team), Some(worker.user), &due.single, cal()));
        assert_eq!(my_work(&tasks, worker.user, date!(2024 - 01 - 02)).counts().due_this_week, 0);
        // Initial assessment due Thu 11 Jan 2024 (10 working days; 1 Jan is a bank holiday).
        assert_eq!(due.initial.as_ref().unwrap().due.date(), date!(2024 - 01 - 11));
        assert_eq!(my_work(&tasks, worker.user, date!(2024 - 01 - 08)).counts().due_this_week, 1);
        assert_eq!(my_work(&tasks, worker.user, date!(2024 - 01 - 12)).counts().overdue, 1);

        assessment.child_seen.push(ChildSeen { date: date!(2023 - 12 - 29), seen_alone: true });
        assessment.factors = vec![AssessmentFactor::PhysicalAbuseAdultOnChild];
        assessment.outcome = Some(AssessmentOutcome::StrategyDiscussion);
        assessment.primary_need = Some(super::codes::PrimaryNeed::AbuseOrNeglect);
        assessment.substance = super::assessment::Substance {
            child_voice: Some("Said dad hit him with a belt".into()),
            parents_views: Some("Dad denies it".into()),
            analysis: Some("Significant harm is likely".into()),
            recommendation: Some("Strategy discussion today".into()),
        };
        assessment.submit(worker, datetime!(2024-01-08 10:00 UTC), referral.referral_date).unwrap();
        let mut auth = Task::from_deadline(TaskKind::AssessmentAuthorisation, subject, child, Some(team), None, &due.single, cal());
        auth.assignee = Some(manager.user);
        tasks.push(auth);
        assert_eq!(TeamCounts::from_tally(&tally(&tasks, date!(2024 - 01 - 08))).awaiting_authorisation, 1);
        assessment.return_with_comments(manager, datetime!(2024-01-08 15:00 UTC), "Add the school's view").unwrap();
        assessment.submit(worker, datetime!(2024-01-09 10:00 UTC), referral.referral_date).unwrap();
        assessment.authorise(manager, datetime!(2024-01-10 09:30 UTC), date!(2024 - 01 - 10), referral.referral_date, None).unwrap();
        assert!(assessment.is_complete());
        assert_eq!(assessment.history.len(), 4);
        for kind in [TaskKind::InitialAssessment, TaskKind::SingleAssessment, TaskKind::AssessmentAuthorisation] {
            complete_step(&mut tasks, kind, subject, manager.user, datetime!(2024-01-10 09:30 UTC));
        }
        assert!(tasks.iter().all(|t| !t.is_open()));
        assert_eq!(assessment.state, AssessmentState::Authorised);
    }

    #[test]
    fn text_checks() {
        let mut e = crate::FieldErrors::new();
        check_text(&mut e, "reason", "the reason for the contact", "  ", true, 10);
        assert_eq!(e.get("reason"), Some("Enter the reason for the contact"));
        let mut e = crate::FieldErrors::new();
        check_text(&mut e, "reason", "the reason", "12345678901", true, 10);
        assert_eq!(e.get("reason"), Some("The reason must be 10 characters or fewer"));
        let mut e = crate::FieldErrors::new();
        check_text(&mut e, "x", "x", "", false, 10);
        assert!(e.is_empty());
    }
}
