//! Children in care (issue 17), through the use cases: a child becomes looked after, their
//! legal status changes, they move and care ends; each step is authorised, checked against
//! the whole history, audited, and the DfE's episodes follow. The pages and API come next.
use hearth_app::{AppError, CareChange};
use hearth_domain::care::codes::{CategoryOfNeed, LegalStatus, PlacementProvider, PlacementType, ReasonEpisodeCeased, ReasonNewEpisode, ReasonPlaceChange};
use hearth_domain::care::episodes::{Ending, LegalStatusFrom, PeriodOfCare, Placement};
use hearth_domain::care::postcode::Postcode;
use hearth_domain::user::Role;
use time::macros::{date, datetime};
use time::Date;

mod browser;
use browser::*;

fn placement(from: Date, carer: &str, reason: Option<ReasonPlaceChange>) -> Placement {
    Placement {
        from,
        kind: PlacementType::FosterOther,
        provider: PlacementProvider::OwnProvision,
        urn: None,
        postcode: Some(Postcode::parse("TW2 5AB").unwrap()),
        carer: carer.into(),
        reason,
    }
}

fn period(start: Date) -> PeriodOfCare {
    PeriodOfCare {
        start,
        need: CategoryOfNeed::AbuseOrNeglect,
        home_postcode: Some(Postcode::parse("TW1 1AA").unwrap()),
        legal_statuses: vec![LegalStatusFrom { from: start, status: LegalStatus::Section20 }],
        placements: vec![placement(start, "smith", None)],
        ended: None,
    }
}

fn fields(e: AppError) -> Vec<String> {
    match e {
        AppError::Invalid(f) => f.0.into_iter().map(|f| f.field).collect(),
        other => panic!("expected field errors, got {other:?}"),
    }
}

/// A Children in Care team with Sam, its social worker, and Amy, Sam's case.
async fn sams_case() -> (World, hearth_domain::user::UserRecord, hearth_domain::person::PersonRecord) {
    let w = world().await;
    let team = w.app.add_team(None, "Children in Care").await.unwrap();
    let sam = staff(&w, "sam", "Sam Worker", Role::SocialWorker, Some(team.id), None).await;
    set_clock(&w, datetime!(2026-01-05 12:00 UTC));
    let amy = w.app.create_person(&alone(&sam), child("Amy", "Quill")).await.unwrap();
    (w, sam, amy)
}

#[tokio::test]
async fn a_child_comes_into_care_changes_status_moves_and_goes_home() {
    let (w, sam, amy) = sams_case().await;
    let actor = alone(&sam);
    let before = head(&w).await;
    let id = w.app.start_care(&actor, amy.id, period(date!(2025 - 09 - 01))).await.unwrap();
    // The banner at the top of every page about her says so.
    let mut b = Browser::new();
    b.sign_in(&w, "sam").await;
    for page in [format!("/people/{}", amy.id), format!("/people/{}/chronology", amy.id), format!("/people/{}/notes", amy.id)] {
        let body = b.get(&w, &page).await.body;
        assert!(body.contains("Looked after (section 20, V2) since 1 September 2025"), "{page}: {body}");
        assert!(body.contains("govuk-tag--purple"), "{page}");
    }
    w.app.change_care(&actor, id, 1, CareChange::LegalStatus(LegalStatusFrom { from: date!(2025 - 10 - 06), status: LegalStatus::InterimCareOrder })).await.unwrap();
    w.app.change_care(&actor, id, 2, CareChange::Move(placement(date!(2025 - 11 - 03), "jones", Some(ReasonPlaceChange::CarerRequestOther)))).await.unwrap();
    w.app.change_care(&actor, id, 3, CareChange::End(Ending { on: date!(2025 - 12 - 19), reason: ReasonEpisodeCeased::HomePlanned })).await.unwrap();
    assert!(!b.get(&w, &format!("/people/{}", amy.id)).await.body.contains("Looked after"), "care ended");
    let periods = w.app.care_periods(&actor, amy.id).await.unwrap();
    assert_eq!(periods.len(), 1);
    assert_eq!(periods[0].record.version, 4);
    let reasons: Vec<_> = periods[0].episodes.iter().map(|e| e.reason_new).collect();
    assert_eq!(reasons, [ReasonNewEpisode::Started, ReasonNewEpisode::LegalStatus, ReasonNewEpisode::PlacementAndCarer]);
    assert_eq!(periods[0].episodes[2].reason_ceased, Some(ReasonEpisodeCeased::HomePlanned));
    let actions: Vec<String> = audit_since(&w, before).await.into_iter().map(|e| e.draft.action).filter(|a| a.starts_with("care.")).collect();
    // Each change reads the record, then records the change.
    assert_eq!(actions, ["care.view", "care.start", "care.view", "care.legal_status", "care.view", "care.move", "care.view", "care.end", "care.view"]);
}

#[tokio::test]
async fn bad_changes_are_refused_and_nothing_is_saved() {
    let (w, sam, amy) = sams_case().await;
    let actor = alone(&sam);
    let first = PeriodOfCare { ended: Some(Ending { on: date!(2025 - 06 - 30), reason: ReasonEpisodeCeased::HomePlanned }), ..period(date!(2025 - 03 - 03)) };
    w.app.start_care(&actor, amy.id, first).await.unwrap();
    // Overlapping the first period.
    assert_eq!(fields(w.app.start_care(&actor, amy.id, period(date!(2025 - 06 - 01))).await.unwrap_err()), ["periods[1].start"]);
    let id = w.app.start_care(&actor, amy.id, period(date!(2025 - 09 - 01))).await.unwrap();
    // A move before the placement it follows, a move with no reason, an end before the start.
    assert_eq!(fields(w.app.change_care(&actor, id, 1, CareChange::Move(placement(date!(2025 - 08 - 01), "jones", Some(ReasonPlaceChange::Other)))).await.unwrap_err()), ["placements[1].from"]);
    assert_eq!(fields(w.app.change_care(&actor, id, 1, CareChange::Move(placement(date!(2025 - 10 - 01), "jones", None))).await.unwrap_err()), ["placements[1].reason"]);
    assert_eq!(fields(w.app.change_care(&actor, id, 1, CareChange::End(Ending { on: date!(2025 - 08 - 01), reason: ReasonEpisodeCeased::HomePlanned })).await.unwrap_err()), ["ended.on"]);
    // Remand suits Amy, who is 10; not Ben, who is 8.
    assert!(w.app.change_care(&actor, id, 1, CareChange::LegalStatus(LegalStatusFrom { from: date!(2025 - 10 - 01), status: LegalStatus::Remanded })).await.is_ok());
    let ben = w.app.create_person(&actor, hearth_domain::person::PersonDetails { date_of_birth: Some(date!(2017 - 01 - 01)), ..child("Ben", "Quill") }).await.unwrap();
    let mut remanded = period(date!(2025 - 09 - 01));
    remanded.legal_statuses[0].status = LegalStatus::Remanded;
    assert_eq!(fields(w.app.start_care(&actor, ben.id, remanded).await.unwrap_err()), ["legal_statuses[0].status"]);
    assert!(w.app.care_periods(&actor, ben.id).await.unwrap().is_empty());
    // Someone else saved first.
    assert!(matches!(w.app.change_care(&actor, id, 1, CareChange::LegalStatus(LegalStatusFrom { from: date!(2025 - 11 - 01), status: LegalStatus::InterimCareOrder })).await, Err(AppError::Conflict { current: 2 })));
    let periods = w.app.care_periods(&actor, amy.id).await.unwrap();
    assert_eq!(periods.iter().map(|p| p.record.version).collect::<Vec<_>>(), [1, 2], "only the good change was saved");
    assert_eq!(periods[1].record.value.period.placements.len(), 1);
}

#[tokio::test]
async fn only_those_who_may_open_the_record_and_record_casework_may_record_care() {
    let w = world().await;
    let team = w.app.add_team(None, "Children in Care").await.unwrap();
    let other = w.app.add_team(None, "Another team").await.unwrap();
    let sam = staff(&w, "sam", "Sam Worker", Role::SocialWorker, Some(team.id), None).await;
    let tom = staff(&w, "tom", "Tom Elsewhere", Role::SocialWorker, Some(other.id), None).await;
    let aud = staff(&w, "aud", "Audrey Auditor", Role::Auditor, None, None).await;
    set_clock(&w, datetime!(2026-01-05 12:00 UTC));
    let amy = w.app.create_person(&alone(&sam), child("Amy", "Quill")).await.unwrap();
    let id = w.app.start_care(&alone(&sam), amy.id, period(date!(2025 - 09 - 01))).await.unwrap();
    let before = head(&w).await;
    // Tom's team does not hold the case: the record does not exist for him.
    assert!(matches!(w.app.start_care(&alone(&tom), amy.id, period(date!(2025 - 12 - 01))).await, Err(AppError::NotFound)));
    assert!(matches!(w.app.care_periods(&alone(&tom), amy.id).await, Err(AppError::NotFound)));
    let change = CareChange::End(Ending { on: date!(2025 - 12 - 01), reason: ReasonEpisodeCeased::HomePlanned });
    assert!(matches!(w.app.change_care(&alone(&tom), id, 1, change.clone()).await, Err(AppError::NotFound)));
    // An auditor reads the log; they do not record casework.
    assert!(matches!(w.app.change_care(&alone(&aud), id, 1, change).await, Err(AppError::Forbidden)));
    let refused: Vec<_> = audit_since(&w, before).await.into_iter().map(|e| (e.draft.action, e.draft.outcome)).collect();
    assert_eq!(refused.len(), 4, "each refusal audited: {refused:?}");
    assert!(refused.iter().all(|(_, o)| *o != hearth_domain::audit::Outcome::Allowed));
    assert_eq!(w.app.care_periods(&alone(&sam), amy.id).await.unwrap()[0].record.version, 1, "nothing changed");
}
