//! Children in care (issue 17), through the use cases: a child becomes looked after, their
//! legal status changes, they move and care ends; each step is authorised, checked against
//! the whole history, audited, and the DfE's episodes follow. Providers are chosen from the
//! list and must suit the placement.
use hearth_app::{AppError, CareChange, NewCare, PlacementChoice, ProviderFilter};
use hearth_domain::care::codes::{CategoryOfNeed, LegalStatus, PlacementProvider, PlacementType, ReasonEpisodeCeased, ReasonNewEpisode, ReasonPlaceChange};
use hearth_domain::care::episodes::{Ending, LegalStatusFrom};
use hearth_domain::care::postcode::Postcode;
use hearth_domain::care::planning::NamedIro;
use hearth_domain::care::provider::{Provider, ProviderId, ProviderKind};
use hearth_domain::user::Role;
use time::macros::{date, datetime};
use time::Date;

mod browser;
use browser::*;

/// Two foster households and a children's home, added by the team's manager.
struct Providers {
    smith: ProviderId,
    jones: ProviderId,
    oak: ProviderId,
}

fn provider(name: &str, kind: ProviderKind) -> Provider {
    Provider {
        id: ProviderId::new(),
        name: name.into(),
        kind,
        provider: PlacementProvider::OwnProvision,
        urn: (kind == ProviderKind::ChildrensHome).then(|| "SC123456".into()),
        address: vec!["1 High Street".into(), "Twickenham".into()],
        postcode: Some(Postcode::parse("TW2 5AB").unwrap()),
        places: Some(2),
        closed: false,
        monitoring_visits: Vec::new(),
    }
}

async fn providers(w: &World, manager: &hearth_domain::user::UserRecord) -> Providers {
    let a = alone(manager);
    Providers {
        smith: w.app.add_provider(&a, provider("The Smith household", ProviderKind::FosterHousehold)).await.unwrap(),
        jones: w.app.add_provider(&a, provider("The Jones household", ProviderKind::FosterHousehold)).await.unwrap(),
        oak: w.app.add_provider(&a, provider("Oak House", ProviderKind::ChildrensHome)).await.unwrap(),
    }
}

fn new_care(start: Date, provider: ProviderId) -> NewCare {
    NewCare {
        start,
        start_time: None,
        legal_status: LegalStatus::Section20,
        need: CategoryOfNeed::AbuseOrNeglect,
        home_postcode: Some(Postcode::parse("TW1 1AA").unwrap()),
        kind: PlacementType::FosterOther,
        provider,
    }
}

fn move_to(from: Date, provider: ProviderId, reason: Option<ReasonPlaceChange>) -> CareChange {
    CareChange::Move(PlacementChoice { from, kind: PlacementType::FosterOther, provider, reason })
}

fn fields(e: AppError) -> Vec<String> {
    match e {
        AppError::Invalid(f) => f.0.into_iter().map(|f| f.field).collect(),
        other => panic!("expected field errors, got {other:?}"),
    }
}

/// A Children in Care team with Sam, its social worker, Tara its manager, their providers,
/// and Amy, Sam's case.
async fn sams_case() -> (World, hearth_domain::user::UserRecord, hearth_domain::person::PersonRecord, Providers) {
    let w = world().await;
    let team = w.app.add_team(None, "Children in Care").await.unwrap();
    let tara = staff(&w, "tara", "Tara Manager", Role::TeamManager, Some(team.id), None).await;
    let sam = staff(&w, "sam", "Sam Worker", Role::SocialWorker, Some(team.id), Some(tara.id)).await;
    set_clock(&w, datetime!(2026-01-05 12:00 UTC));
    let amy = w.app.create_person(&alone(&sam), child("Amy", "Quill")).await.unwrap();
    let p = providers(&w, &tara).await;
    (w, sam, amy, p)
}

#[tokio::test]
async fn a_child_comes_into_care_changes_status_moves_and_goes_home() {
    let (w, sam, amy, p) = sams_case().await;
    let actor = alone(&sam);
    let before = head(&w).await;
    let id = w.app.start_care(&actor, amy.id, new_care(date!(2025 - 09 - 01), p.smith)).await.unwrap();
    // The banner at the top of every page about her says so.
    let mut b = Browser::new();
    b.sign_in(&w, "sam").await;
    for page in [format!("/people/{}", amy.id), format!("/people/{}/chronology", amy.id), format!("/people/{}/notes", amy.id)] {
        let body = b.get(&w, &page).await.body;
        assert!(body.contains("Looked after (section 20, V2) since 1 September 2025"), "{page}: {body}");
        assert!(body.contains("govuk-tag--purple"), "{page}");
        assert!(body.contains("The Smith household</a> (U6) since 1 September 2025"), "{page}: where she lives, at the top");
    }
    w.app.change_care(&actor, id, 1, CareChange::LegalStatus(LegalStatusFrom { from: date!(2025 - 10 - 06), status: LegalStatus::InterimCareOrder })).await.unwrap();
    w.app.change_care(&actor, id, 2, move_to(date!(2025 - 11 - 03), p.jones, Some(ReasonPlaceChange::CarerRequestOther))).await.unwrap();
    w.app.change_care(&actor, id, 3, CareChange::End(Ending { on: date!(2025 - 12 - 19), reason: ReasonEpisodeCeased::HomePlanned })).await.unwrap();
    assert!(!b.get(&w, &format!("/people/{}", amy.id)).await.body.contains("Looked after"), "care ended");
    let chronology = b.get(&w, &format!("/people/{}/chronology?kind=care", amy.id)).await.body;
    for step in [
        "Became looked after: section 20 (V2), placed with The Smith household (U6)",
        "Legal status changed: Interim care order (C1)",
        "Moved to The Jones household (U6): The carer(s) asked for the placement to end for another reason",
        "Stopped being looked after: Returned home to parent(s) or others with parental responsibility, as part of the care plan",
    ] {
        assert!(chronology.contains(step), "{step}: {chronology}");
    }
    let care = w.app.care_of(&actor, amy.id).await.unwrap();
    assert_eq!(care.provider_name(care.periods[0].record.value.period.placements[1].carer), "The Jones household");
    let periods = care.periods;
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
    let (w, sam, amy, p) = sams_case().await;
    let actor = alone(&sam);
    let first = w.app.start_care(&actor, amy.id, new_care(date!(2025 - 03 - 03), p.smith)).await.unwrap();
    w.app.change_care(&actor, first, 1, CareChange::End(Ending { on: date!(2025 - 06 - 30), reason: ReasonEpisodeCeased::HomePlanned })).await.unwrap();
    // Overlapping the first period.
    assert_eq!(fields(w.app.start_care(&actor, amy.id, new_care(date!(2025 - 06 - 01), p.smith)).await.unwrap_err()), ["periods[1].start"]);
    // A provider not on the list; a foster placement with a children's home.
    assert_eq!(fields(w.app.start_care(&actor, amy.id, new_care(date!(2025 - 09 - 01), ProviderId::new())).await.unwrap_err()), ["placements[0].carer"]);
    match w.app.start_care(&actor, amy.id, new_care(date!(2025 - 09 - 01), p.oak)).await {
        Err(AppError::Invalid(f)) => assert_eq!(f.get("placements[0].kind"), Some("Oak House is a children's home: it cannot take a placement of type U6 (foster placement with other foster carer(s): not long-term nor fostering for adoption)")),
        other => panic!("{other:?}"),
    }
    let id = w.app.start_care(&actor, amy.id, new_care(date!(2025 - 09 - 01), p.smith)).await.unwrap();
    // A move before the placement it follows, a move with no reason, an end before the start.
    assert_eq!(fields(w.app.change_care(&actor, id, 1, move_to(date!(2025 - 08 - 01), p.jones, Some(ReasonPlaceChange::Other))).await.unwrap_err()), ["placements[1].from"]);
    assert_eq!(fields(w.app.change_care(&actor, id, 1, move_to(date!(2025 - 10 - 01), p.jones, None)).await.unwrap_err()), ["placements[1].reason"]);
    assert_eq!(fields(w.app.change_care(&actor, id, 1, CareChange::End(Ending { on: date!(2025 - 08 - 01), reason: ReasonEpisodeCeased::HomePlanned })).await.unwrap_err()), ["ended.on"]);
    // Remand suits Amy, who is 10; not Ben, who is 8.
    assert!(w.app.change_care(&actor, id, 1, CareChange::LegalStatus(LegalStatusFrom { from: date!(2025 - 10 - 01), status: LegalStatus::Remanded })).await.is_ok());
    let ben = w.app.create_person(&actor, hearth_domain::person::PersonDetails { date_of_birth: Some(date!(2017 - 01 - 01)), ..child("Ben", "Quill") }).await.unwrap();
    let remanded = NewCare { legal_status: LegalStatus::Remanded, ..new_care(date!(2025 - 09 - 01), p.smith) };
    assert_eq!(fields(w.app.start_care(&actor, ben.id, remanded).await.unwrap_err()), ["legal_statuses[0].status"]);
    assert!(w.app.care_of(&actor, ben.id).await.unwrap().periods.is_empty());
    // Someone else saved first.
    assert!(matches!(w.app.change_care(&actor, id, 1, CareChange::LegalStatus(LegalStatusFrom { from: date!(2025 - 11 - 01), status: LegalStatus::InterimCareOrder })).await, Err(AppError::Conflict { current: 2 })));
    let periods = w.app.care_of(&actor, amy.id).await.unwrap().periods;
    assert_eq!(periods.iter().map(|p| p.record.version).collect::<Vec<_>>(), [2, 2], "only the good changes were saved");
    assert_eq!(periods[1].record.value.period.placements.len(), 1);
}

#[tokio::test]
async fn only_those_who_may_open_the_record_and_record_casework_may_record_care() {
    let (w, sam, amy, p) = sams_case().await;
    let other = w.app.add_team(None, "Another team").await.unwrap();
    let tom = staff(&w, "tom", "Tom Elsewhere", Role::SocialWorker, Some(other.id), None).await;
    let aud = staff(&w, "aud", "Audrey Auditor", Role::Auditor, None, None).await;
    let id = w.app.start_care(&alone(&sam), amy.id, new_care(date!(2025 - 09 - 01), p.smith)).await.unwrap();
    let before = head(&w).await;
    // Tom's team does not hold the case: the record does not exist for him.
    assert!(matches!(w.app.start_care(&alone(&tom), amy.id, new_care(date!(2025 - 12 - 01), p.smith)).await, Err(AppError::NotFound)));
    assert!(matches!(w.app.care_of(&alone(&tom), amy.id).await, Err(AppError::NotFound)));
    let change = CareChange::End(Ending { on: date!(2025 - 12 - 01), reason: ReasonEpisodeCeased::HomePlanned });
    assert!(matches!(w.app.change_care(&alone(&tom), id, 1, change.clone()).await, Err(AppError::NotFound)));
    // An auditor reads the log; they do not record casework.
    assert!(matches!(w.app.change_care(&alone(&aud), id, 1, change).await, Err(AppError::Forbidden)));
    let refused: Vec<_> = audit_since(&w, before).await.into_iter().map(|e| (e.draft.action, e.draft.outcome)).collect();
    assert_eq!(refused.len(), 4, "each refusal audited: {refused:?}");
    assert!(refused.iter().all(|(_, o)| *o != hearth_domain::audit::Outcome::Allowed));
    assert_eq!(w.app.care_of(&alone(&sam), amy.id).await.unwrap().periods[0].record.version, 1, "nothing changed");
}

#[tokio::test]
async fn providers_are_kept_by_managers_and_show_their_children_to_those_who_may_see_them() {
    let (w, sam, amy, p) = sams_case().await;
    let aud = staff(&w, "aud", "Audrey Auditor", Role::Auditor, None, None).await;
    // A social worker reads the list but does not keep it.
    assert!(matches!(w.app.add_provider(&alone(&sam), provider("The Green household", ProviderKind::FosterHousehold)).await, Err(AppError::Forbidden)));
    assert!(matches!(w.app.providers(&alone(&aud), &ProviderFilter::default()).await, Err(AppError::Forbidden)));
    // A bad record names its field.
    let tara = stored_user(&w, "tara").await;
    let no_urn = Provider { urn: None, ..provider("Elm House", ProviderKind::ChildrensHome) };
    assert_eq!(fields(w.app.add_provider(&alone(&tara), no_urn).await.unwrap_err()), ["urn"]);
    w.app.start_care(&alone(&sam), amy.id, new_care(date!(2025 - 09 - 01), p.smith)).await.unwrap();
    // Bea, restricted to Sam and Tara, is placed there too: counted, never named to Sid, who
    // works in the same team.
    let sid = staff(&w, "sid", "Sid Colleague", Role::SocialWorker, sam.team, Some(tara.id)).await;
    let bea = w.app.create_person(&alone(&sam), child("Bea", "Hidden")).await.unwrap();
    w.app.start_care(&alone(&sam), bea.id, new_care(date!(2025 - 10 - 01), p.smith)).await.unwrap();
    let version = w.app.person(&alone(&tara), bea.id).await.unwrap().version;
    w.app.set_restriction(&alone(&tara), bea.id, version, true, vec![tara.id, sam.id], "High-profile family").await.unwrap();
    let listed = w.app.providers(&alone(&sam), &ProviderFilter { name: "HOUSEHOLD".into(), ..Default::default() }).await.unwrap();
    assert_eq!(listed.iter().map(|r| (r.provider.name.as_str(), r.placed)).collect::<Vec<_>>(), [("The Jones household", 0), ("The Smith household", 2)]);
    let page = w.app.provider_page(&alone(&sid), p.smith).await.unwrap();
    assert_eq!(page.placed, 2);
    assert_eq!(page.children.iter().map(|c| c.child.given_name.as_str()).collect::<Vec<_>>(), ["Amy"], "Sid is not on Bea's list");
    let page = w.app.provider_page(&alone(&sam), p.smith).await.unwrap();
    assert_eq!(page.children.len(), 2, "Sam is");
    // Closing a provider keeps its placements and refuses new ones.
    let mut smith = page.provider.value.clone();
    smith.closed = true;
    w.app.change_provider(&alone(&tara), page.provider.version, smith.clone()).await.unwrap();
    assert!(matches!(w.app.change_provider(&alone(&tara), page.provider.version, smith).await, Err(AppError::Conflict { current: 2 })));
    let cal = w.app.create_person(&alone(&sam), child("Cal", "Quill")).await.unwrap();
    assert_eq!(fields(w.app.start_care(&alone(&sam), cal.id, new_care(date!(2025 - 12 - 01), p.smith)).await.unwrap_err()), ["placements[0].kind"]);
    assert_eq!(w.app.provider_page(&alone(&sam), p.smith).await.unwrap().placed, 2);
    assert!(!w.app.providers(&alone(&sam), &ProviderFilter::default()).await.unwrap().iter().any(|r| r.provider.id == p.smith), "closed ones are left out unless asked for");
}

#[tokio::test]
async fn a_worker_records_care_on_the_pages_and_a_bad_form_says_what_is_wrong() {
    let (w, sam, amy, p) = sams_case().await;
    let mut b = Browser::new();
    b.sign_in(&w, "sam").await;
    let care = format!("/people/{}/care", amy.id);
    let page = b.get(&w, &care).await.body;
    assert!(page.contains("Amy is not looked after."), "{page}");
    assert!(page.contains(&format!("href=\"/people/{}/care/start\"", amy.id)));
    // No provider chosen, a postcode that is not one, a date that does not exist.
    let form = format!("{care}/start");
    let smith = p.smith.to_string();
    let bad = b.form_post(&w, &form, &form, &[("start-day", "31"), ("start-month", "2"), ("start-year", "2025"), ("status", "V2"), ("need", "N1"), ("home_postcode", "TW1"), ("kind", "U6")]).await;
    assert_eq!(bad.status, axum::http::StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("govuk-error-summary"));
    for field in ["#start", "#home_postcode", "#carer"] {
        assert!(bad.body.contains(&format!("href=\"{field}\"")), "{field}: {}", bad.body);
    }
    assert!(bad.body.contains("value=\"TW1\""), "what was typed is kept");
    // A foster placement with a children's home: the reason, beside the type.
    let oak = p.oak.to_string();
    let wrong = b.form_post(&w, &form, &form, &[("start-day", "1"), ("start-month", "9"), ("start-year", "2025"), ("status", "V2"), ("need", "N1"), ("carer", &oak), ("kind", "U6")]).await;
    assert!(wrong.body.contains("Oak House is a children&#39;s home: it cannot take a placement of type U6"), "{}", wrong.body);
    assert!(wrong.body.contains("href=\"#kind\""));
    let ok = b.form_post(&w, &form, &form, &[("start-day", "1"), ("start-month", "9"), ("start-year", "2025"), ("status", "V2"), ("need", "N1"), ("home_postcode", "tw1 3sx"), ("carer", &smith), ("kind", "U6")]).await;
    assert_eq!(ok.location(), format!("{care}?saved=start"));
    let page = b.get(&w, &format!("{care}?saved=start")).await.body;
    for text in ["Recorded that the child became looked after.", "The Smith household", "Single period of accommodation under section 20 of the Children Act 1989 (V2)", "TW1 3SX", "Episodes the SSDA903 return counts (1)"] {
        assert!(page.contains(text), "{text}: {page}");
    }
    // A move the day before the placement it follows names the date.
    let mv = format!("{care}/move");
    let jones = p.jones.to_string();
    let early = b.form_post(&w, &mv, &mv, &[("version", "1"), ("from-day", "31"), ("from-month", "8"), ("from-year", "2025"), ("carer", &jones), ("kind", "U6"), ("reason", "CARPL")]).await;
    assert_eq!(early.status, axum::http::StatusCode::UNPROCESSABLE_ENTITY, "{}", early.body);
    assert!(early.body.contains("href=\"#from\""), "{}", early.body);
    let moved = b.form_post(&w, &mv, &mv, &[("version", "1"), ("from-day", "3"), ("from-month", "11"), ("from-year", "2025"), ("carer", &jones), ("kind", "U6"), ("reason", "CARPL")]).await;
    assert_eq!(moved.location(), format!("{care}?saved=move"));
    let page = b.get(&w, &care).await.body;
    assert!(page.contains("The Jones household") && page.contains("Episodes the SSDA903 return counts (2)"), "{page}");
    // The provider's page lists Amy; the list counts her.
    let jones_page = b.get(&w, &format!("/providers/{jones}")).await.body;
    assert!(jones_page.contains("Amy Quill") && jones_page.contains("1 of 2 taken"), "{jones_page}");
    assert!(b.get(&w, "/providers").await.body.contains("The Jones household"));
    // Sam cannot keep the list.
    assert_eq!(b.get(&w, "/providers/new").await.status, axum::http::StatusCode::FORBIDDEN);
    let _ = sam;
}

#[tokio::test]
async fn a_manager_adds_and_closes_a_provider_on_the_pages() {
    let (w, _sam, _amy, p) = sams_case().await;
    let mut b = Browser::new();
    b.sign_in(&w, "tara").await;
    let bad = b.form_post(&w, "/providers/new", "/providers/new", &[("name", "Elm House"), ("kind", "childrens_home"), ("provider", "PR2"), ("postcode", "ELM"), ("places", "four")]).await;
    assert_eq!(bad.status, axum::http::StatusCode::UNPROCESSABLE_ENTITY);
    for field in ["#urn", "#postcode", "#places"] {
        assert!(bad.body.contains(&format!("href=\"{field}\"")), "{field}: {}", bad.body);
    }
    let ok = b.form_post(&w, "/providers/new", "/providers/new", &[("name", "Elm House"), ("kind", "childrens_home"), ("provider", "PR2"), ("urn", "sc654321"), ("address", "3 Elm Road\r\nReading"), ("postcode", "RG1 2BB"), ("places", "4")]).await;
    assert!(ok.location().starts_with("/providers/"), "{}", ok.body);
    let page = b.get(&w, ok.location()).await.body;
    assert!(page.contains("SC654321") && page.contains("3 Elm Road<br>Reading<br>RG1 2BB") && page.contains("0 of 4 taken"), "{page}");
    let edit = format!("/providers/{}/edit", p.smith);
    let form = b.get(&w, &edit).await.body;
    assert!(form.contains("value=\"The Smith household\""), "filled from the record");
    let closed = b.form_post(&w, &edit, &edit, &[("version", "1"), ("name", "The Smith household"), ("kind", "foster_household"), ("provider", "PR0"), ("closed", "yes")]).await;
    assert_eq!(closed.location(), format!("/providers/{}?saved=1", p.smith));
    assert!(b.get(&w, &format!("/providers/{}", p.smith)).await.body.contains("govuk-tag--grey\">Closed"));
    // Saving the form read before is a conflict, not a silent overwrite.
    let stale = b.form_post(&w, &edit, &edit, &[("version", "1"), ("name", "Renamed"), ("kind", "foster_household"), ("provider", "PR0"), ("closed", "no")]).await;
    assert_eq!(stale.status, axum::http::StatusCode::CONFLICT, "{}", stale.body);
}

#[tokio::test]
async fn the_children_in_care_dashboard_counts_only_the_children_the_manager_may_open() {
    let (w, sam, amy, p) = sams_case().await;
    let tara = stored_user(&w, "tara").await;
    let sol = staff(&w, "sol", "Sol Service", Role::ServiceManager, None, None).await;
    // Amy: three carers since the spring, the last a children's home.
    let id = w.app.start_care(&alone(&sam), amy.id, new_care(date!(2025 - 03 - 03), p.smith)).await.unwrap();
    w.app.change_care(&alone(&sam), id, 1, move_to(date!(2025 - 06 - 02), p.jones, Some(ReasonPlaceChange::CarerRequestOther))).await.unwrap();
    let home = CareChange::Move(PlacementChoice { from: date!(2025 - 11 - 03), kind: PlacementType::ChildrensHome, provider: p.oak, reason: Some(ReasonPlaceChange::ChildRequest) });
    w.app.change_care(&alone(&sam), id, 2, home).await.unwrap();
    // Bea, restricted to Sam and Tara, is in care too.
    let bea = w.app.create_person(&alone(&sam), child("Bea", "Hidden")).await.unwrap();
    w.app.start_care(&alone(&sam), bea.id, new_care(date!(2025 - 10 - 01), p.smith)).await.unwrap();
    let version = w.app.person(&alone(&tara), bea.id).await.unwrap().version;
    w.app.set_restriction(&alone(&tara), bea.id, version, true, vec![tara.id, sam.id], "High-profile family").await.unwrap();
    let d = w.app.care_dashboard(&alone(&tara)).await.unwrap();
    assert_eq!(d.dashboard.children.len(), 2);
    let d = w.app.care_dashboard(&alone(&sol)).await.unwrap();
    assert_eq!(d.dashboard.children.iter().map(|c| c.child).collect::<Vec<_>>(), [amy.id], "Bea is neither named nor counted for Sol");
    assert_eq!(d.dashboard.unstable().count(), 1);
    assert!(!d.area_known);
    // Their overdue work too: none of it is Bea's.
    assert!(d.overdue.iter().all(|t| t.child == amy.id) && d.overdue_of(hearth_domain::front_door::tasks::TaskKind::LookedAfterReview) == 1, "{:?}", d.overdue);
    assert!(w.app.care_dashboard(&alone(&tara)).await.unwrap().overdue.iter().any(|t| t.child == bea.id));
    // The page, for a manager; a social worker may not see it.
    let mut b = Browser::new();
    b.sign_in(&w, "sol").await;
    let page = b.get(&w, "/children-in-care").await;
    assert_eq!(page.status, axum::http::StatusCode::OK);
    for text in ["Amy Quill", "Oak House (K2)", "Children&#39;s home subject to the Children&#39;s Homes Regulations (K2)", "Not known: Hearth has not been told the postcode districts", "Overdue reviews, visits, health assessments, PEPs and plans", "Hold the looked-after child&#39;s review", "Arrange the initial health assessment"] {
        assert!(page.body.contains(text), "{text}: {}", page.body);
    }
    assert!(!page.body.contains("Hidden"));
    let mut s = Browser::new();
    s.sign_in(&w, "sam").await;
    assert_eq!(s.get(&w, "/children-in-care").await.status, axum::http::StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_dashboard_shows_how_far_from_home_each_child_is_placed_and_counts_20_miles_or_more() {
    use hearth_domain::care::distance::Location;
    let (w, sam, amy, p) = sams_case().await;
    let tara = stored_user(&w, "tara").await;
    let sol = staff(&w, "sol", "Sol Service", Role::ServiceManager, None, None).await;
    let mut leeds = provider("The Leeds household", ProviderKind::FosterHousehold);
    leeds.postcode = Some(Postcode::parse("LS1 4AB").unwrap());
    let far = w.app.add_provider(&alone(&tara), leeds).await.unwrap();
    // Amy, from Twickenham (TW1 1AA), is placed in Leeds; Cal with carers near home; Bea,
    // restricted to Sam and Tara, in Leeds too.
    w.app.start_care(&alone(&sam), amy.id, new_care(date!(2025 - 10 - 01), far)).await.unwrap();
    let cal = w.app.create_person(&alone(&sam), child("Cal", "Near")).await.unwrap();
    w.app.start_care(&alone(&sam), cal.id, new_care(date!(2025 - 10 - 02), p.smith)).await.unwrap();
    let bea = w.app.create_person(&alone(&sam), child("Bea", "Hidden")).await.unwrap();
    w.app.start_care(&alone(&sam), bea.id, new_care(date!(2025 - 10 - 03), far)).await.unwrap();
    let version = w.app.person(&alone(&tara), bea.id).await.unwrap().version;
    w.app.set_restriction(&alone(&tara), bea.id, version, true, vec![tara.id, sam.id], "High-profile family").await.unwrap();
    let mut b = Browser::new();
    b.sign_in(&w, "sol").await;
    // Before the postcode directory is loaded: a hint, and no distance.
    let page = b.get(&w, "/children-in-care").await.body;
    assert!(page.contains("load the ONS Postcode Directory with <code>hearth postcodes import</code> to see distances"), "{page}");
    assert!(!page.contains("170 miles") && !page.contains("care-far-from-home"), "{page}");
    let d = w.app.care_dashboard(&alone(&sol)).await.unwrap();
    assert!(!d.locations_known && d.dashboard.children.iter().all(|c| c.miles_from_home.is_none()));
    // Amy's home postcode itself, the districts of the carers' (TW2 5AB is not in the table).
    let at = |lat, lon| Location::new(lat, lon).unwrap();
    w.app.replace_postcode_locations(&[("TW1 1AA".into(), at(51.447, -0.328)), ("TW2".into(), at(51.446, -0.358)), ("LS1".into(), at(53.797, -1.548))], "test").await.unwrap();
    let d = w.app.care_dashboard(&alone(&sol)).await.unwrap();
    let miles: Vec<(hearth_domain::PersonId, Option<String>)> = d.dashboard.children.iter().map(|c| (c.child, c.miles_from_home.map(|m| m.to_string()))).collect();
    assert_eq!(miles, [(amy.id, Some("170 miles".into())), (cal.id, Some("1 mile".into()))], "Bea is neither listed nor counted for Sol");
    assert_eq!(d.dashboard.far_from_home().iter().map(|c| c.child).collect::<Vec<_>>(), [amy.id]);
    assert_eq!(w.app.care_dashboard(&alone(&tara)).await.unwrap().dashboard.far_from_home().len(), 2, "Tara may open Bea's record");
    let page = b.get(&w, "/children-in-care").await.body;
    for text in ["<dt>Placed 20 miles or more from home</dt><dd><strong>1</strong></dd>", "Distance from home", "data-testid=\"care-far-from-home\"", "Amy Quill", "170 miles"] {
        assert!(page.contains(text), "{text}: {page}");
    }
    assert!(!page.contains("hearth postcodes import") && !page.contains("Hidden"), "{page}");
}

/// A statutory visit on `at` (the child seen alone).
fn visit(at: time::PrimitiveDateTime) -> hearth_app::NewCaseNote {
    hearth_app::NewCaseNote {
        statutory_visit: false,
        also_for: Vec::new(),
        occurred_at: at,
        note_type: hearth_domain::codes::CaseNoteType::StatutoryVisit,
        child_seen: true,
        seen_alone: true,
        significant: false,
        text: "Saw Amy alone in her bedroom; she is settling.".into(),
    }
}

/// The open tasks about the child, by kind, with their due dates.
async fn open_care_tasks(w: &World, child: hearth_domain::PersonId) -> Vec<(hearth_domain::front_door::tasks::TaskKind, Date, Option<hearth_domain::UserId>)> {
    let mut tx = w.app.store.begin_read().await.unwrap();
    let mut out: Vec<_> = tx
        .open_tasks(&hearth_store::TaskQuery::all())
        .await
        .unwrap()
        .into_iter()
        .filter(|t| t.child == child && matches!(t.subject, hearth_domain::front_door::tasks::TaskSubject::CarePeriod(_)))
        .map(|t| (t.kind, t.due, t.assignee))
        .collect();
    tx.commit().await.unwrap();
    out.sort();
    out
}

#[tokio::test]
async fn a_looked_after_childs_plans_visits_and_reviews_follow_the_regulations_in_the_trays() {
    use hearth_app::{MissingReturn, ReviewHeld};
    use hearth_domain::care::planning::{MissingKind, NamedIro, Participation, PermanenceOption, PermanencePlan, ReturnInterview, ReviewDecision};
    use hearth_domain::front_door::tasks::TaskKind as K;
    let (w, sam, amy, p) = sams_case().await;
    let s = alone(&sam);
    // Monday 15 December 2025, ten days before Christmas.
    set_clock(&w, datetime!(2025-12-15 10:00 UTC));
    let period = w.app.start_care(&s, amy.id, new_care(date!(2025 - 12 - 15), p.smith)).await.unwrap();
    let sam_id = Some(sam.id);
    assert_eq!(
        open_care_tasks(&w, amy.id).await,
        vec![
            (K::CarePlan, date!(2025 - 12 - 31), sam_id),
            (K::PlacementPlan, date!(2025 - 12 - 22), sam_id),
            (K::CareVisit, date!(2025 - 12 - 22), sam_id),
            (K::LookedAfterReview, date!(2026 - 01 - 15), sam_id),
            (K::PermanencePlan, date!(2026 - 04 - 15), sam_id),
            (K::InitialHealthAssessment, date!(2026 - 01 - 15), sam_id),
            (K::PersonalEducationPlan, date!(2025 - 12 - 31), sam_id),
        ]
    );
    // Sam's tray has them; the case summary shows the next review and visit.
    let work = w.app.my_work(&s).await.unwrap();
    let counts = work.tray.counts();
    assert_eq!(counts.overdue + counts.due_today + counts.due_this_week + counts.later, 7, "{counts:?}");
    let summary = w.app.case_summary(&s, amy.id).await.unwrap();
    assert_eq!(summary.key_dates.next_visit, Some(date!(2025 - 12 - 22)));
    assert_eq!(summary.key_dates.next_review.map(|r| (r.date, r.what)), Some((date!(2026 - 01 - 15), "looked-after child's review")));
    assert_eq!((summary.key_dates.next_health, summary.key_dates.next_pep), (Some(date!(2026 - 01 - 15)), Some(date!(2025 - 12 - 31))));

    // The plans, a visit on the Friday, the IRO and the report.
    set_clock(&w, datetime!(2025-12-19 16:00 UTC));
    let mut v = 1;
    for change in [CareChange::CarePlan(date!(2025 - 12 - 18)), CareChange::PlacementPlan(date!(2025 - 12 - 19)), CareChange::Iro(NamedIro { name: "Irene Olu".into(), from: date!(2025 - 12 - 16), user: None })] {
        w.app.change_care(&s, period, v, change).await.unwrap();
        v += 1;
    }
    w.app.add_case_note(&s, amy.id, visit(datetime!(2025-12-19 15:00))).await.unwrap();
    let tasks = open_care_tasks(&w, amy.id).await;
    assert!(!tasks.iter().any(|t| matches!(t.0, K::CarePlan | K::PlacementPlan)), "{tasks:?}");
    assert!(tasks.contains(&(K::CareVisit, date!(2026 - 01 - 30), sam_id)), "six weeks after the visit: {tasks:?}");
    w.app.change_care(&s, period, v, CareChange::ReportReady(date!(2025 - 12 - 19))).await.unwrap();
    v += 1;
    assert!(open_care_tasks(&w, amy.id).await.contains(&(K::ReviewReportSignOff, date!(2026 - 01 - 15), None)), "for the team's manager");
    // Sam cannot sign off his own report; Tara can.
    assert!(matches!(w.app.change_care(&s, period, v, CareChange::SignOffReport).await, Err(AppError::Forbidden)));
    let tara = w.app.local_actor("tara").await.unwrap();
    w.app.change_care(&tara, period, v, CareChange::SignOffReport).await.unwrap();
    v += 1;
    w.app.change_care(&s, period, v, CareChange::ReportShared(date!(2025 - 12 - 19))).await.unwrap();
    v += 1;

    // The first review, held on 12 January: the second is due three months later (the
    // Friday before Sunday 12 April).
    set_clock(&w, datetime!(2026-01-12 15:00 UTC));
    let decisions = vec![ReviewDecision { action: "Weekly contact with mother".into(), owner: "Sam Worker".into(), due: Some(date!(2026 - 01 - 19)) }];
    w.app.change_care(&s, period, v, CareChange::Review(ReviewHeld { date: date!(2026 - 01 - 12), participation: Participation::SpeaksForThemselves, decisions })).await.unwrap();
    v += 1;
    let tasks = open_care_tasks(&w, amy.id).await;
    assert!(tasks.contains(&(K::LookedAfterReview, date!(2026 - 04 - 10), sam_id)), "{tasks:?}");
    assert!(tasks.contains(&(K::PermanencePlan, date!(2026 - 04 - 10), sam_id)), "{tasks:?}");
    let care = w.app.care_of(&s, amy.id).await.unwrap();
    let held = &care.periods[0].record.value.period.planning.reviews[0];
    assert_eq!((held.iro.as_str(), held.report.as_ref().and_then(|r| r.shared)), ("Irene Olu", Some(date!(2025 - 12 - 19))), "the IRO and the report go with the review");

    // A review before care began, a missing episode ending before it began: refused, nothing saved.
    let early = w.app.change_care(&s, period, v, CareChange::Review(ReviewHeld { date: date!(2025 - 12 - 01), participation: Participation::SpeaksForThemselves, decisions: vec![] })).await.unwrap_err();
    assert_eq!(fields(early), vec!["planning.reviews[1].date", "planning.reviews[1].date"]);
    w.app.change_care(&s, period, v, CareChange::Missing { kind: MissingKind::Missing, start: date!(2026 - 01 - 10) }).await.unwrap();
    v += 1;
    let back = CareChange::Returned(MissingReturn { end: date!(2026 - 01 - 09), interview: None });
    assert_eq!(fields(w.app.change_care(&s, period, v, back).await.unwrap_err()), vec!["planning.missing[0].end"]);
    let back = CareChange::Returned(MissingReturn { end: date!(2026 - 01 - 11), interview: Some(ReturnInterview { offered: date!(2026 - 01 - 12), accepted: true }) });
    w.app.change_care(&s, period, v, back).await.unwrap();
    v += 1;
    w.app.change_care(&s, period, v, CareChange::Permanence(PermanencePlan { agreed: date!(2026 - 01 - 12), plan: PermanenceOption::ReturnHome })).await.unwrap();
    assert!(!open_care_tasks(&w, amy.id).await.iter().any(|t| t.0 == K::PermanencePlan));

    // A move to the Joneses: a visit within a week and a new placement plan.
    set_clock(&w, datetime!(2026-02-02 09:00 UTC));
    let version = w.app.care_of(&s, amy.id).await.unwrap().periods[0].record.version;
    w.app.change_care(&s, period, version, move_to(date!(2026 - 02 - 02), p.jones, Some(ReasonPlaceChange::CarerRequestOther))).await.unwrap();
    let tasks = open_care_tasks(&w, amy.id).await;
    assert!(tasks.contains(&(K::CareVisit, date!(2026 - 02 - 09), sam_id)) && tasks.contains(&(K::PlacementPlan, date!(2026 - 02 - 09), sam_id)), "{tasks:?}");
    // The case passes to Kim: the worker's tasks follow her; the report's sign-off stays
    // with the team for its manager.
    let version = w.app.care_of(&s, amy.id).await.unwrap().periods[0].record.version;
    w.app.change_care(&s, period, version, CareChange::ReportReady(date!(2026 - 02 - 02))).await.unwrap();
    let team = sam.team.expect("Sam's team");
    let kim = staff(&w, "kim", "Kim Worker", Role::SocialWorker, Some(team), None).await;
    w.app.allocate(&tara, amy.id, team, Some(kim.id), date!(2026 - 02 - 02), None).await.unwrap();
    let tasks = open_care_tasks(&w, amy.id).await;
    assert!(tasks.iter().all(|t| t.2 == if t.0 == K::ReviewReportSignOff { None } else { Some(kim.id) }), "{tasks:?}");
    assert!(tasks.iter().any(|t| t.0 == K::ReviewReportSignOff));
    // Care ends: nothing more is due.
    let version = w.app.care_of(&s, amy.id).await.unwrap().periods[0].record.version;
    w.app.change_care(&s, period, version, CareChange::End(Ending { on: date!(2026 - 02 - 02), reason: ReasonEpisodeCeased::HomePlanned })).await.unwrap();
    assert_eq!(open_care_tasks(&w, amy.id).await, vec![]);
}

#[tokio::test]
async fn a_worker_records_reviews_and_missing_episodes_on_the_care_tab_and_a_manager_signs_off() {
    let (w, _sam, amy, p) = sams_case().await;
    set_clock(&w, datetime!(2026-01-05 10:00 UTC));
    let mut b = Browser::new();
    b.sign_in(&w, "sam").await;
    let care = format!("/people/{}/care", amy.id);
    let start = format!("{care}/start");
    let smith = p.smith.to_string();
    b.form_post(&w, &start, &start, &[("start-day", "5"), ("start-month", "1"), ("start-year", "2026"), ("status", "C1"), ("need", "N1"), ("carer", &smith), ("kind", "U6")]).await;
    let page = b.get(&w, &care).await.body;
    for text in ["Plans, visits and reviews", "Due by 19 January 2026", "Due by 2 February 2026", "Name the IRO", "Not sent for sign-off", "Due by 12 January 2026", &format!("/people/{}/notes/new?type=statutory_visit", amy.id)] {
        assert!(page.contains(text), "{text}: {page}");
    }
    // The visit link opens a case note already of the type.
    let note = b.get(&w, &format!("/people/{}/notes/new?type=statutory_visit", amy.id)).await.body;
    assert!(note.contains("value=\"statutory_visit\" selected"), "{note}");
    // A review with no IRO named says what to do; the form keeps what was typed.
    let review = format!("{care}/review");
    let bad = b.form_post(&w, &review, &review, &[("version", "1"), ("date-day", "20"), ("date-month", "1"), ("date-year", "2026"), ("participation", "PN1"), ("actions-1-action", "Contact weekly")]).await;
    assert_eq!(bad.status, axum::http::StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.body);
    assert!(bad.body.contains("Name the child&#39;s IRO before recording a review") && bad.body.contains("value=\"Contact weekly\""), "{}", bad.body);
    let iro = format!("{care}/iro");
    let ok = b.form_post(&w, &iro, &iro, &[("version", "1"), ("name", "Irene Olu"), ("from-day", "5"), ("from-month", "1"), ("from-year", "2026")]).await;
    assert_eq!(ok.location(), format!("{care}?saved=iro"));
    // PN0 for a child of 9 names the field; a decision due before the review names its row.
    let bad = b.form_post(&w, &review, &review, &[("version", "2"), ("date-day", "5"), ("date-month", "1"), ("date-year", "2026"), ("participation", "PN0"), ("actions-1-action", "Contact weekly"), ("actions-1-due-day", "1"), ("actions-1-due-month", "1"), ("actions-1-due-year", "2026")]).await;
    assert_eq!(bad.status, axum::http::StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.body);
    assert!(bad.body.contains("href=\"#participation\"") && bad.body.contains("href=\"#actions-1-due\""), "{}", bad.body);
    // The report: sent by Sam, signed off by Tara (Sam is refused the sign-off page).
    let report = format!("{care}/report");
    b.form_post(&w, &report, &report, &[("version", "2"), ("on-day", "5"), ("on-month", "1"), ("on-year", "2026")]).await;
    assert!(b.get(&w, &care).await.body.contains("Waiting for a manager&#39;s sign-off since 5 January 2026"));
    assert_eq!(b.get(&w, &format!("{care}/sign-off")).await.status, axum::http::StatusCode::FORBIDDEN);
    let mut m = Browser::new();
    m.sign_in(&w, "tara").await;
    let sign = format!("{care}/sign-off");
    let page = m.get(&w, &sign).await;
    assert_eq!(page.status, axum::http::StatusCode::OK, "{}", page.body);
    let signed = m.form_post(&w, &sign, &sign, &[("version", "3")]).await;
    assert_eq!(signed.location(), format!("{care}?saved=sign-off"));
    assert!(b.get(&w, &care).await.body.contains("Signed off by Tara Manager on 5 January 2026; not shared yet"));
    // The review itself.
    let ok = b.form_post(&w, &review, &review, &[("version", "4"), ("date-day", "5"), ("date-month", "1"), ("date-year", "2026"), ("participation", "PN1"), ("actions-1-action", "Contact weekly"), ("actions-1-owner", "Sam Worker")]).await;
    assert_eq!(ok.location(), format!("{care}?saved=review"), "{}", ok.body);
    let page = b.get(&w, &care).await.body;
    assert!(page.contains("Contact weekly (Sam Worker)") && page.contains("Signed off by Tara Manager on 5 January 2026, not shared before the review"), "{page}");
    // Missing, then back with the interview offered two days later.
    let missing = format!("{care}/missing");
    b.form_post(&w, &missing, &missing, &[("version", "5"), ("kind", "M"), ("start-day", "5"), ("start-month", "1"), ("start-year", "2026")]).await;
    let page = b.get(&w, &care).await.body;
    assert!(page.contains("Missing from placement since 5 January 2026") && page.contains("Record the return"), "{page}");
    set_clock(&w, datetime!(2026-01-09 10:00 UTC));
    b.sign_in(&w, "sam").await;
    let returned = format!("{care}/returned");
    let bad = b.form_post(&w, &returned, &returned, &[("version", "6"), ("end-day", "6"), ("end-month", "1"), ("end-year", "2026"), ("interview", "accepted")]).await;
    assert!(bad.body.contains("href=\"#offered\""), "{}", bad.body);
    let ok = b.form_post(&w, &returned, &returned, &[("version", "6"), ("end-day", "6"), ("end-month", "1"), ("end-year", "2026"), ("interview", "accepted"), ("offered-day", "8"), ("offered-month", "1"), ("offered-year", "2026")]).await;
    assert_eq!(ok.location(), format!("{care}?saved=returned"), "{}", ok.body);
    let page = b.get(&w, &care).await.body;
    assert!(page.contains("Offered on 8 January 2026 (within 72 hours); accepted"), "{page}");
    // Health and education: an SDQ with a score out of range, then the initial assessment,
    // the school and a PEP.
    for text in ["Health and education", "Initial assessment: due by 2 February 2026", "None recorded: one is asked for each year from 4 to 16", "Due by 19 January 2026"] {
        assert!(page.contains(text), "{text}: {page}");
    }
    let health = format!("{care}/health");
    let bad = b.form_post(&w, &health, &health, &[("version", "7"), ("kind", "sdq"), ("on-day", "8"), ("on-month", "1"), ("on-year", "2026"), ("score", "44")]).await;
    assert!(bad.body.contains("href=\"#score\"") && bad.body.contains("An SDQ score is from 0 to 40"), "{}", bad.body);
    for (form, fields) in [
        ("health", vec![("version", "7"), ("kind", "initial_health_assessment"), ("on-day", "8"), ("on-month", "1"), ("on-year", "2026")]),
        ("school", vec![("version", "8"), ("school", "Oldfield Park Junior School"), ("told-day", "6"), ("told-month", "1"), ("told-year", "2026")]),
        ("pep", vec![("version", "9"), ("on-day", "9"), ("on-month", "1"), ("on-year", "2026")]),
    ] {
        let path = format!("{care}/{form}");
        let ok = b.form_post(&w, &path, &path, &fields).await;
        assert_eq!(ok.location(), format!("{care}?saved={form}"), "{form}: {}", ok.body);
    }
    let page = b.get(&w, &care).await.body;
    for text in ["Last on 8 January 2026; next due by 8 January 2027", "Oldfield Park Junior School; virtual school told on 6 January 2026", "Last on 9 January 2026; next due by 31 July 2026", "Next PEP"] {
        assert!(page.contains(text), "{text}: {page}");
    }
    // A final warning after they were abolished names the outcome; a youth caution is kept.
    let offence = format!("{care}/offence");
    let bad = b.form_post(&w, &offence, &offence, &[("version", "10"), ("outcome", "final_warning"), ("on-day", "8"), ("on-month", "1"), ("on-year", "2026")]).await;
    assert!(bad.body.contains("href=\"#outcome\"") && bad.body.contains("Final warnings and reprimands ended on 8 April 2013"), "{}", bad.body);
    let ok = b.form_post(&w, &offence, &offence, &[("version", "10"), ("outcome", "youth_caution"), ("on-day", "8"), ("on-month", "1"), ("on-year", "2026")]).await;
    assert_eq!(ok.location(), format!("{care}?saved=offence"), "{}", ok.body);
    assert!(b.get(&w, &care).await.body.contains("1 in this period; the last: youth caution on 8 January 2026"));
}

#[tokio::test]
async fn family_time_is_recorded_and_the_family_contact_service_takes_requests_in_seed_000s_order() {
    use hearth_domain::care::contact::{ContactArrangement, ContactKind, ContactRequest, Priority};
    let (w, sam, amy, p) = sams_case().await;
    let s = alone(&sam);
    let tara = stored_user(&w, "tara").await;
    // Three children in care: Amy (9), Ben (15, in proceedings), Cal (15, restricted from Sol).
    let ben = w.app.create_person(&s, hearth_domain::person::PersonDetails { date_of_birth: Some(date!(2010 - 06 - 01)), ..child("Ben", "Quill") }).await.unwrap();
    let cal = w.app.create_person(&s, hearth_domain::person::PersonDetails { date_of_birth: Some(date!(2010 - 06 - 01)), ..child("Cal", "Hidden") }).await.unwrap();
    let mut periods = Vec::new();
    for c in [amy.id, ben.id, cal.id] {
        periods.push(w.app.start_care(&s, c, new_care(date!(2025 - 11 - 03), p.smith)).await.unwrap());
    }
    let arrangement = |kind| ContactArrangement { number: 0, with: "Jane Quill, mother".into(), person: None, kind, frequency: "Weekly".into(), venue: "Riverside family centre".into(), supervisor: String::new(), court_ordered: true, from: date!(2025 - 11 - 10), until: None, sessions: vec![] };
    let request = |made, for_proceedings| ContactRequest { number: 0, arrangement: 1, made, for_proceedings, supervised_for_risk: false, note: String::new(), outcome: None };
    for (period, made, proceedings) in [(periods[0], date!(2025 - 12 - 01), false), (periods[1], date!(2025 - 12 - 10), true), (periods[2], date!(2025 - 11 - 20), false)] {
        w.app.change_care(&s, period, 1, CareChange::Contact(arrangement(ContactKind::DirectSupervised))).await.unwrap();
        w.app.change_care(&s, period, 2, CareChange::ContactRequest(request(made, proceedings))).await.unwrap();
    }
    // A request saying contact is supervised for risk when the arrangement is not: refused.
    w.app.change_care(&s, periods[0], 3, CareChange::Contact(arrangement(ContactKind::Letterbox))).await.unwrap();
    let bad = ContactRequest { arrangement: 2, supervised_for_risk: true, ..request(date!(2025 - 12 - 02), false) };
    assert_eq!(fields(w.app.change_care(&s, periods[0], 4, CareChange::ContactRequest(bad)).await.unwrap_err()), vec!["planning.contact_requests[1].supervised_for_risk"]);
    let version = w.app.person(&alone(&tara), cal.id).await.unwrap().version;
    w.app.set_restriction(&alone(&tara), cal.id, version, true, vec![tara.id, sam.id], "Family member works here").await.unwrap();
    // Sam sees all three: Ben first (proceedings), then Amy (under 14), then Cal.
    let q = w.app.family_contact_queue(&s).await.unwrap();
    assert_eq!(q.waiting.iter().map(|x| (x.child, x.priority)).collect::<Vec<_>>(), [(ben.id, Priority::Proceedings), (amy.id, Priority::UnderFourteen), (cal.id, Priority::Other)]);
    let sol = staff(&w, "sol", "Sol Service", Role::ServiceManager, None, None).await;
    let q = w.app.family_contact_queue(&alone(&sol)).await.unwrap();
    assert_eq!(q.waiting.iter().map(|x| x.child).collect::<Vec<_>>(), [ben.id, amy.id], "Cal is neither named nor counted");
    // The page: the queue with why; Tara allocates Ben's request from his Care tab.
    let mut b = Browser::new();
    b.sign_in(&w, "tara").await;
    let page = b.get(&w, "/family-contact").await.body;
    for text in ["3 waiting", "First: the child is in court proceedings and contact is needed as evidence", "Third: the child is under 14", "Ben Quill", "Cal Hidden"] {
        assert!(page.contains(text), "{text}: {page}");
    }
    let outcome = format!("/people/{}/care/contact-outcome", ben.id);
    let bad = b.form_post(&w, &outcome, &outcome, &[("version", "3"), ("request", "1"), ("outcome", "allocated")]).await;
    assert!(bad.body.contains("href=\"#detail\""), "{}", bad.body);
    let ok = b.form_post(&w, &outcome, &outcome, &[("version", "3"), ("request", "1"), ("outcome", "allocated"), ("detail", "Kim Contact")]).await;
    assert_eq!(ok.location(), format!("/people/{}/care?saved=contact-outcome", ben.id), "{}", ok.body);
    assert!(!b.get(&w, "/family-contact").await.body.contains("Ben Quill"));
    // Sam records a session on Amy's Care tab; a worker may not allocate.
    let mut sb = Browser::new();
    sb.sign_in(&w, "sam").await;
    let care = format!("/people/{}/care", amy.id);
    let session = format!("{care}/contact-session");
    let ok = sb.form_post(&w, &session, &session, &[("version", "4"), ("arrangement", "1"), ("on-day", "5"), ("on-month", "1"), ("on-year", "2026"), ("attendance", "took_place"), ("observations", "Warm greeting; played cards.")]).await;
    assert_eq!(ok.location(), format!("{care}?saved=contact-session"), "{}", ok.body);
    let page = sb.get(&w, &care).await.body;
    assert!(page.contains("1 in all; the last on 5 January 2026: took place") && page.contains("Waiting: third: the child is under 14"), "{page}");
    assert_eq!(sb.get(&w, &format!("{care}/contact-outcome")).await.status, axum::http::StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_worker_proposes_care_a_manager_authorises_it_and_the_steps_before_care_are_tasks() {
    use hearth_domain::front_door::tasks::TaskKind as K;
    let (w, sam, amy, p) = sams_case().await;
    let tara = w.app.store.begin_read().await.unwrap().user_by_username("tara").await.unwrap().unwrap();
    set_clock(&w, datetime!(2026-01-05 10:00 UTC));
    let mut b = Browser::new();
    b.sign_in(&w, "sam").await;
    let care = format!("/people/{}/care", amy.id);
    assert!(b.get(&w, &care).await.body.contains("Propose that the child comes into care"));
    let propose = format!("{care}/propose");
    let bad = b.form_post(&w, &propose, &propose, &[("route", "section_20"), ("reasons", " "), ("planned_start-day", "1"), ("planned_start-month", "1"), ("planned_start-year", "2026")]).await;
    assert_eq!(bad.status, axum::http::StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.body);
    assert!(bad.body.contains("href=\"#reasons\"") && bad.body.contains("href=\"#planned_start\""), "{}", bad.body);
    let ok = b.form_post(&w, &propose, &propose, &[("route", "section_20"), ("reasons", "Mother in hospital; no family can care for Amy"), ("planned_start-day", "7"), ("planned_start-month", "1"), ("planned_start-year", "2026")]).await;
    assert_eq!(ok.location(), format!("{care}?saved=propose"), "{}", ok.body);
    let page = b.get(&w, &care).await.body;
    for text in ["Decision about care", "Waiting for a manager; due by 6 January 2026", "Sam Worker on 5 January 2026", "7 January 2026"] {
        assert!(page.contains(text), "{text}: {page}");
    }
    assert!(!page.contains("/care/authorise"), "Sam cannot authorise");
    assert_eq!(b.get(&w, &format!("{care}/authorise")).await.status, axum::http::StatusCode::FORBIDDEN);
    // The authorisation is in the team's tray, for its manager.
    let tasks = decision_tasks(&w, amy.id).await;
    assert_eq!(tasks, [(K::CareDecisionAuthorisation, date!(2026 - 01 - 06), None)]);
    // Tara says yes.
    let mut m = Browser::new();
    m.sign_in(&w, "tara").await;
    let authorise = format!("{care}/authorise");
    let bad = m.form_post(&w, &authorise, &authorise, &[("version", "1"), ("agreed", "no")]).await;
    assert!(bad.body.contains("href=\"#comments\""), "a refusal says why: {}", bad.body);
    let ok = m.form_post(&w, &authorise, &authorise, &[("version", "1"), ("agreed", "yes"), ("comments", "Agreed for now")]).await;
    assert_eq!(ok.location(), format!("{care}?saved=authorise"), "{}", ok.body);
    // The meeting and telling others are Sam's, each a task.
    assert_eq!(decision_tasks(&w, amy.id).await, [(K::CareNotifications, date!(2026 - 01 - 06), Some(sam.id)), (K::PreCarePlanningMeeting, date!(2026 - 01 - 12), Some(sam.id))]);
    let work = b.get(&w, "/work").await.body;
    assert!(work.contains("Tell the reviewing service, health and the school"), "{work}");
    let meeting = format!("{care}/pre-care-meeting");
    let ok = b.form_post(&w, &meeting, &meeting, &[("version", "2"), ("held-day", "5"), ("held-month", "1"), ("held-year", "2026"), ("attendees", "Sam Worker, Tara Manager, Amy's mother")]).await;
    assert_eq!(ok.location(), format!("{care}?saved=pre-care-meeting"), "{}", ok.body);
    let notify = format!("{care}/notify");
    for (version, whom) in [("3", "reviewing_service"), ("4", "health"), ("5", "education")] {
        let ok = b.form_post(&w, &notify, &notify, &[("version", version), ("whom", whom), ("on-day", "5"), ("on-month", "1"), ("on-year", "2026")]).await;
        assert_eq!(ok.location(), format!("{care}?saved=notify"), "{whom}: {}", ok.body);
    }
    assert!(decision_tasks(&w, amy.id).await.is_empty(), "every step before care done");
    // A manager cannot authorise her own proposal.
    let ben = w.app.create_person(&alone(&sam), child("Ben", "Quill")).await.unwrap();
    let own = w.app.propose_care(&alone(&tara), ben.id, hearth_app::CareProposal { route: hearth_domain::care::decision::CareRoute::CareOrder, reasons: "Neglect".into(), planned_start: None }).await.unwrap();
    let refused = w.app.change_care_decision(&alone(&tara), own, 1, hearth_app::DecisionChange::Authorise { agreed: true, comments: String::new() }).await.unwrap_err();
    assert_eq!(fields(refused), ["authorisation"]);
    // Care begins under Amy's decision, at a time of day.
    let start = format!("{care}/start");
    let smith = p.smith.to_string();
    let form = |time: &'static str| vec![("start-day", "7"), ("start-month", "1"), ("start-year", "2026"), ("start_time", time), ("status", "V2"), ("need", "N1"), ("carer", smith.as_str()), ("kind", "U6")];
    set_clock(&w, datetime!(2026-01-07 23:00 UTC));
    b.sign_in(&w, "sam").await;
    let bad = b.form_post(&w, &start, &start, &form("9pm")).await;
    assert!(bad.body.contains("href=\"#start_time\""), "{}", bad.body);
    let ok = b.form_post(&w, &start, &start, &form("21:30")).await;
    assert_eq!(ok.location(), format!("{care}?saved=start"), "{}", ok.body);
    let page = b.get(&w, &care).await.body;
    for text in ["7 January 2026, 21:30", "Earlier decisions about care", "Agreed; the child came into care", "Visit asked for"] {
        assert!(page.contains(text), "{text}: {page}");
    }
    // The child asks for a visit the day after: the first visit, due within the week, answers it.
    set_clock(&w, datetime!(2026-01-08 10:00 UTC));
    b.sign_in(&w, "sam").await;
    let ask = format!("{care}/visit-request");
    let ok = b.form_post(&w, &ask, &ask, &[("version", "1"), ("by", "child"), ("on-day", "8"), ("on-month", "1"), ("on-year", "2026")]).await;
    assert_eq!(ok.location(), format!("{care}?saved=visit-request"), "{}", ok.body);
    let page = b.get(&w, &care).await.body;
    assert!(page.contains("Visit asked for") && page.contains("By the child on 8 January 2026; the next visit is due by 14 January 2026"), "{page}");
    let chronology = b.get(&w, &format!("/people/{}/chronology?kind=care", amy.id)).await.body;
    for text in ["Proposed: Accommodate", "Decision about care authorised by a manager", "Pre-care planning meeting held", "Told health that the child is coming into care", "Visit asked for by the child"] {
        assert!(chronology.contains(text), "{text}: {chronology}");
    }
}

/// The open tasks of the child's decisions about care, by kind, with due dates and holders.
async fn decision_tasks(w: &World, child: hearth_domain::PersonId) -> Vec<(hearth_domain::front_door::tasks::TaskKind, Date, Option<hearth_domain::UserId>)> {
    let mut tx = w.app.store.begin_read().await.unwrap();
    let out = tx
        .open_tasks(&hearth_store::TaskQuery::all())
        .await
        .unwrap()
        .into_iter()
        .filter(|t| t.child == child && matches!(t.subject, hearth_domain::front_door::tasks::TaskSubject::CareDecision(_)))
        .map(|t| (t.kind, t.due, t.assignee))
        .collect();
    tx.commit().await.unwrap();
    out
}

#[tokio::test]
async fn short_breaks_are_listed_on_their_own_on_the_care_tab() {
    let (w, _sam, amy, p) = sams_case().await;
    set_clock(&w, datetime!(2026-01-05 10:00 UTC));
    let mut b = Browser::new();
    b.sign_in(&w, "sam").await;
    let care = format!("/people/{}/care", amy.id);
    let path = format!("{care}/short-break");
    let smith = p.smith.to_string();
    let form = |from: &'static str, to: &'static str| vec![("from-day", from), ("from-month", "12"), ("from-year", "2025"), ("to-day", to), ("to-month", "12"), ("to-year", "2025"), ("carer", smith.as_str()), ("kind", "U6"), ("need", "N2")];
    let bad = b.form_post(&w, &path, &path, &form("12", "10")).await;
    assert_eq!(bad.status, axum::http::StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.body);
    assert!(bad.body.contains("href=\"#to\""), "{}", bad.body);
    for (from, to) in [("5", "7"), ("12", "14")] {
        let ok = b.form_post(&w, &path, &path, &form(from, to)).await;
        assert_eq!(ok.location(), format!("{care}?saved=short-break"), "{}", ok.body);
    }
    let page = b.get(&w, &care).await.body;
    assert!(page.contains("Short breaks recorded break by break (V3), 2 in all") && page.contains("14 December 2025"), "{page}");
    assert!(!page.contains("Period of care from 5 December 2025"), "a break is not shown as a period of full care");
}

#[tokio::test]
async fn a_contact_arrangement_is_linked_to_the_family_member_changed_and_ended() {
    let (w, sam, amy, p) = sams_case().await;
    let s = alone(&sam);
    let adult = |given: &str, family: &str| hearth_domain::person::PersonDetails { date_of_birth: Some(date!(1990 - 01 - 01)), ..child(given, family) };
    let jane = w.app.add_related_person(&s, amy.id, adult("Jane", "Quill"), hearth_domain::relationship::RelationshipType::Parent, Some(date!(2016 - 03 - 09)), None, hearth_app::Household { lives_with: false, holds_pr: true }).await.unwrap();
    let stranger = w.app.create_person(&s, adult("Stan", "Ger")).await.unwrap();
    w.app.start_care(&s, amy.id, new_care(date!(2025 - 11 - 03), p.smith)).await.unwrap();
    set_clock(&w, datetime!(2026-01-05 10:00 UTC));
    let mut b = Browser::new();
    b.sign_in(&w, "sam").await;
    let care = format!("/people/{}/care", amy.id);
    let contact = format!("{care}/contact");
    fn form(person: &str) -> Vec<(&'static str, &str)> {
        vec![("version", "1"), ("person", person), ("with", ""), ("kind", "direct_supervised"), ("frequency", "Weekly, two hours"), ("court_ordered", "no"), ("from-day", "10"), ("from-month", "11"), ("from-year", "2025")]
    }
    let (stranger, jane_id) = (stranger.id.to_string(), jane.id.to_string());
    // Someone outside Amy's network cannot be linked.
    let bad = b.form_post(&w, &contact, &contact, &form(&stranger)).await;
    assert_eq!(bad.status, axum::http::StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.body);
    assert!(bad.body.contains("href=\"#person\""), "{}", bad.body);
    let ok = b.form_post(&w, &contact, &contact, &form(&jane_id)).await;
    assert_eq!(ok.location(), format!("{care}?saved=contact"), "{}", ok.body);
    let page = b.get(&w, &care).await.body;
    assert!(page.contains(&format!("<a class=\"govuk-link\" href=\"/people/{}\">Jane Quill, parent</a>", jane.id)), "{page}");
    // Supervised contact steps down to supported; the old terms are kept, ended the day before.
    let change = format!("{care}/contact-change");
    let ok = b.form_post(&w, &change, &change, &[("version", "2"), ("arrangement", "1"), ("kind", "direct_supported"), ("frequency", "Fortnightly"), ("court_ordered", "no"), ("from-day", "1"), ("from-month", "12"), ("from-year", "2025")]).await;
    assert_eq!(ok.location(), format!("{care}?saved=contact-change"), "{}", ok.body);
    let page = b.get(&w, &care).await.body;
    assert!(page.contains("From 10 November 2025 to 30 November 2025") && page.contains("Face to face, supported; Fortnightly"), "{page}");
    // Ending the new terms: a date before they began names the field.
    let end = format!("{care}/contact-end");
    let bad = b.form_post(&w, &end, &end, &[("version", "3"), ("arrangement", "2"), ("on-day", "20"), ("on-month", "11"), ("on-year", "2025")]).await;
    assert!(bad.body.contains("href=\"#on\""), "{}", bad.body);
    let ok = b.form_post(&w, &end, &end, &[("version", "3"), ("arrangement", "2"), ("on-day", "4"), ("on-month", "1"), ("on-year", "2026")]).await;
    assert_eq!(ok.location(), format!("{care}?saved=contact-end"), "{}", ok.body);
    let page = b.get(&w, &care).await.body;
    assert!(page.contains("From 1 December 2025 to 4 January 2026") && !page.contains("End an arrangement"), "{page}");
}

#[tokio::test]
async fn external_homes_are_due_a_monitoring_visit_each_year_while_a_child_is_placed_there() {
    let (w, sam, amy, _p) = sams_case().await;
    let tara = stored_user(&w, "tara").await;
    let elm = Provider { provider: PlacementProvider::Private, ..provider("Elm Lodge", ProviderKind::ChildrensHome) };
    let elm = w.app.add_provider(&alone(&tara), elm).await.unwrap();
    let mut care = new_care(date!(2025 - 01 - 06), elm);
    care.kind = PlacementType::ChildrensHome;
    w.app.start_care(&alone(&sam), amy.id, care).await.unwrap();
    set_clock(&w, datetime!(2026-02-02 10:00 UTC));
    let mut m = Browser::new();
    m.sign_in(&w, "tara").await;
    let page = m.get(&w, &format!("/providers/{elm}")).await.body;
    assert!(page.contains("None recorded; next due by 6 January 2026") && page.contains("Overdue"), "{page}");
    assert!(m.get(&w, "/providers").await.body.contains("1 monitoring visit overdue"));
    // The visits to make: from the team's work, the homes due within four weeks or overdue.
    assert!(m.get(&w, "/work/team").await.body.contains("href=\"/providers?due=yes\""));
    let due = m.get(&w, "/providers?due=yes").await.body;
    assert!(due.contains("Elm Lodge") && !due.contains("Oak House") && !due.contains("The Smith household"), "{due}");
    let later = ProviderFilter { monitoring_due_by: Some(date!(2026 - 01 - 05)), ..Default::default() };
    assert!(w.app.providers(&alone(&tara), &later).await.unwrap().is_empty(), "not due by the day before");
    let dashboard = m.get(&w, "/children-in-care").await.body;
    assert!(dashboard.contains("Monitoring visits to external homes overdue") && dashboard.contains("Elm Lodge"), "{dashboard}");
    // A worker may not record one; a manager may, not in the future.
    let mut b = Browser::new();
    b.sign_in(&w, "sam").await;
    let path = format!("/providers/{elm}/monitoring-visit");
    assert_eq!(b.get(&w, &path).await.status, axum::http::StatusCode::FORBIDDEN);
    let bad = m.form_post(&w, &path, &path, &[("version", "1"), ("on-day", "3"), ("on-month", "2"), ("on-year", "2026")]).await;
    assert!(bad.body.contains("href=\"#on\"") && bad.body.contains("cannot be in the future"), "{}", bad.body);
    let ok = m.form_post(&w, &path, &path, &[("version", "1"), ("on-day", "20"), ("on-month", "1"), ("on-year", "2026")]).await;
    assert_eq!(ok.location(), format!("/providers/{elm}?saved=visit"), "{}", ok.body);
    let page = m.get(&w, &format!("/providers/{elm}")).await.body;
    assert!(page.contains("Last on 20 January 2026; next due by 20 January 2027") && !page.contains("govuk-tag--red"), "{page}");
    assert!(!m.get(&w, "/children-in-care").await.body.contains("Monitoring visits to external homes overdue"));
    assert!(!m.get(&w, "/providers?due=yes").await.body.contains("Elm Lodge"), "visited: not due for a year");
    // Changing the provider's record keeps its visits.
    let stored = w.app.provider_page(&alone(&tara), elm).await.unwrap().provider;
    w.app.change_provider(&alone(&tara), stored.version, Provider { monitoring_visits: Vec::new(), ..stored.value.clone() }).await.unwrap();
    assert_eq!(w.app.provider_page(&alone(&tara), elm).await.unwrap().provider.value.monitoring_visits, [date!(2026 - 01 - 20)]);
    // Our own home has none due.
    let oak = w.app.providers(&alone(&tara), &ProviderFilter::default()).await.unwrap().into_iter().find(|r| r.provider.name == "Oak House").unwrap();
    assert_eq!(oak.monitoring_due, None);
}

#[tokio::test]
async fn an_iro_named_for_a_child_reviews_them_from_the_dashboard_but_records_no_other_casework() {
    let (w, sam, amy, p) = sams_case().await;
    let tara = stored_user(&w, "tara").await;
    let iris = staff(&w, "iris", "Iris Reviewer", Role::ReviewingOfficer, None, None).await;
    staff(&w, "otto", "Otto Other", Role::ReviewingOfficer, None, None).await;
    let id = w.app.start_care(&alone(&sam), amy.id, new_care(date!(2025 - 12 - 15), p.smith)).await.unwrap();
    // Bea, in care too and restricted to Sam and Tara, is never shown to Iris.
    let bea = w.app.create_person(&alone(&sam), child("Bea", "Hidden")).await.unwrap();
    let bea_care = w.app.start_care(&alone(&sam), bea.id, new_care(date!(2025 - 12 - 01), p.smith)).await.unwrap();
    w.app.change_care(&alone(&sam), bea_care, 1, CareChange::Iro(NamedIro { name: String::new(), from: date!(2025 - 12 - 02), user: Some(iris.id) })).await.unwrap();
    let version = w.app.person(&alone(&tara), bea.id).await.unwrap().version;
    w.app.set_restriction(&alone(&tara), bea.id, version, true, vec![tara.id, sam.id], "High-profile family").await.unwrap();

    // Sam names Iris from the list; naming both a listed IRO and a typed name, or neither,
    // is refused, and so is someone who is not an IRO.
    let mut s = Browser::new();
    s.sign_in(&w, "sam").await;
    let form = format!("/people/{}/care/iro", amy.id);
    let page = s.get(&w, &form).await.body;
    assert!(page.contains("Iris Reviewer") && page.contains("Otto Other") && !page.contains(">Tara Manager<"), "only IROs are offered: {page}");
    let iris_id = iris.id.to_string();
    let date = [("version", "1"), ("from-day", "16"), ("from-month", "12"), ("from-year", "2025")];
    for (extra, field) in [(vec![], "#user"), (vec![("user", iris_id.as_str()), ("name", "Pat Agency")], "#name")] {
        let bad = s.form_post(&w, &form, &form, &[&date[..], &extra[..]].concat()).await;
        assert_eq!(bad.status, axum::http::StatusCode::UNPROCESSABLE_ENTITY);
        assert!(bad.body.contains(&format!("href=\"{field}\"")), "{field}: {}", bad.body);
    }
    let not_an_iro = CareChange::Iro(NamedIro { name: String::new(), from: date!(2025 - 12 - 16), user: Some(tara.id) });
    assert_eq!(fields(w.app.change_care(&alone(&sam), id, 1, not_an_iro).await.unwrap_err()), ["planning.iro.user"]);
    let ok = s.form_post(&w, &form, &form, &[&date[..], &[("user", iris_id.as_str())]].concat()).await;
    assert_eq!(ok.location(), format!("/people/{}/care?saved=iro", amy.id), "{}", ok.body);
    let care = w.app.care_of(&alone(&sam), amy.id).await.unwrap();
    let named = care.periods[0].record.value.period.planning.iro.clone().unwrap();
    assert_eq!((named.name.as_str(), named.user), ("Iris Reviewer", Some(iris.id)), "the account's name");

    // Iris's dashboard lists Amy as hers, Bea neither named nor counted; Sam has none.
    let mut i = Browser::new();
    i.sign_in(&w, "iris").await;
    let home = i.get(&w, "/").await.body;
    assert!(home.contains("href=\"/children-in-care\""), "the dashboard is in Iris's navigation");
    let dash = i.get(&w, "/children-in-care").await;
    assert_eq!(dash.status, axum::http::StatusCode::OK);
    let reviewed = dash.body.split("data-testid=\"care-reviewed\"").nth(1).unwrap_or_default().split("</table>").next().unwrap_or_default();
    assert!(reviewed.contains("Amy Quill"), "{}", dash.body);
    assert!(!dash.body.contains("Hidden"), "the restricted child is not shown to Iris");
    let d = w.app.care_dashboard(&alone(&iris)).await.unwrap();
    assert_eq!(d.dashboard.reviewed_by(iris.id).map(|c| c.child).collect::<Vec<_>>(), [amy.id]);
    let mut o = Browser::new();
    o.sign_in(&w, "otto").await;
    assert!(o.get(&w, "/children-in-care").await.body.contains("You are not named as the IRO of any child looked after today."));

    // Iris records the review and a visit she asks for; nothing else of the casework.
    let care_page = i.get(&w, &format!("/people/{}/care", amy.id)).await.body;
    assert!(care_page.contains(&format!("/people/{}/care/review", amy.id)) && !care_page.contains(&format!("/people/{}/care/move", amy.id)), "{care_page}");
    let version = care.periods[0].record.version;
    let request = CareChange::VisitRequest(hearth_domain::care::planning::VisitRequest { by: hearth_domain::care::planning::VisitRequester::Iro, on: date!(2026 - 01 - 05) });
    w.app.change_care(&alone(&iris), id, version, request).await.unwrap();
    let mv = move_to(date!(2026 - 01 - 05), p.jones, Some(ReasonPlaceChange::CarePlan));
    assert!(matches!(w.app.change_care(&alone(&iris), id, version + 1, mv).await, Err(AppError::Forbidden)));
    assert_eq!(i.get(&w, &format!("/people/{}/care/move", amy.id)).await.status, axum::http::StatusCode::FORBIDDEN);
    assert_eq!(i.get(&w, &format!("/people/{}/notes/new", amy.id)).await.status, axum::http::StatusCode::FORBIDDEN);
    assert!(!i.get(&w, &format!("/people/{}/notes", amy.id)).await.body.contains("Add a case note"));
    assert!(matches!(w.app.start_care(&alone(&iris), amy.id, new_care(date!(2026 - 01 - 05), p.smith)).await, Err(AppError::Forbidden)));
}
