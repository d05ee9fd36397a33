//! Care leavers (issue 18), through the pages and use cases: a young person's status follows
//! their care history (eligible in care at 17, relevant once they leave, former relevant at
//! 18), their personal adviser, needs assessment and pathway plan, reviewed at 19 and signed
//! off by a manager; the refusals (not a care leaver, not an adviser, a manager's sign-off);
//! and the dashboard, which never names or counts a restricted young person the manager may
//! not open.
use axum::http::StatusCode;
use hearth_app::{AppError, CareChange, LeaverChange, NewCare};
use hearth_domain::care::codes::{CategoryOfNeed, LegalStatus, PlacementProvider, PlacementType, ReasonEpisodeCeased};
use hearth_domain::care::episodes::Ending;
use hearth_domain::care::leaving::Status;
use hearth_domain::care::pathway::CareLeaverChange;
use hearth_domain::care::postcode::Postcode;
use hearth_domain::care::provider::{Provider, ProviderId, ProviderKind};
use hearth_domain::user::Role;
use time::macros::{date, datetime};

mod browser;
use browser::*;

fn smiths() -> Provider {
    Provider {
        id: ProviderId::new(),
        name: "The Smith household".into(),
        kind: ProviderKind::FosterHousehold,
        provider: PlacementProvider::OwnProvision,
        urn: None,
        address: vec!["1 High Street".into()],
        postcode: Some(Postcode::parse("TW2 5AB").unwrap()),
        places: Some(2),
        closed: false,
        monitoring_visits: Vec::new(),
    }
}

fn fields(e: AppError) -> Vec<String> {
    match e {
        AppError::Invalid(f) => f.0.into_iter().map(|f| f.field).collect(),
        other => panic!("expected field errors, got {other:?}"),
    }
}

struct Team {
    w: World,
    sam: hearth_domain::user::UserRecord,
    tara: hearth_domain::user::UserRecord,
    pat: hearth_domain::user::UserRecord,
    provider: ProviderId,
}

/// A leaving care team: Sam the social worker, Pat the personal adviser, Tara the manager.
async fn team() -> Team {
    let w = world().await;
    let team = w.app.add_team(None, "Leaving Care").await.unwrap();
    let tara = staff(&w, "tara", "Tara Manager", Role::TeamManager, Some(team.id), None).await;
    let sam = staff(&w, "sam", "Sam Worker", Role::SocialWorker, Some(team.id), Some(tara.id)).await;
    let pat = staff(&w, "pat", "Pat Adviser", Role::SocialWorker, Some(team.id), Some(tara.id)).await;
    set_clock(&w, datetime!(2025-04-01 12:00 UTC));
    let provider = w.app.add_provider(&alone(&tara), smiths()).await.unwrap();
    Team { w, sam, tara, pat, provider }
}

/// A young person born on 1 March 2008, looked after from 15 (1 September 2023).
async fn looked_after_from_15(t: &Team, given: &str) -> (hearth_domain::PersonId, hearth_domain::care::CarePeriodId) {
    let mut details = child(given, "Rowe");
    details.date_of_birth = Some(date!(2008 - 03 - 01));
    let kid = t.w.app.create_person(&alone(&t.sam), details).await.unwrap();
    let new = NewCare { start: date!(2023 - 09 - 01), start_time: None, legal_status: LegalStatus::FullCareOrder, need: CategoryOfNeed::AbuseOrNeglect, home_postcode: None, kind: PlacementType::FosterOther, provider: t.provider };
    let period = t.w.app.start_care(&alone(&t.sam), kid.id, new).await.unwrap();
    (kid.id, period)
}

#[tokio::test]
async fn a_young_person_leaves_care_at_17_and_has_their_pathway_plan_reviewed_at_19() {
    let t = team().await;
    let (w, sam, tara) = (&t.w, &t.sam, &t.tara);
    let (kim, period) = looked_after_from_15(&t, "Kim").await;
    let mut b = Browser::new();
    b.sign_in(w, "sam").await;
    let page = format!("/people/{kim}/leaving-care");
    // 17 and in care since 15: eligible, and the record says so at the top of every page.
    let p = b.get(w, &page).await;
    assert_eq!(p.status, StatusCode::OK);
    for text in ["Care leaver: eligible", "Eligible", "looked after 82 weeks since 14 (1 Sep 2023 – now), looked after today at 17", "A personal adviser", "Children Act 1989, schedule 2, paragraph 19C", "None allocated", "No plan yet; next due by 1 June 2024"] {
        assert!(p.body.contains(text), "{text}: {}", p.body);
    }
    assert!(b.get(w, &format!("/people/{kim}")).await.body.contains("Care leaver: eligible"));
    assert!(b.get(w, &format!("/people/{kim}/care")).await.body.contains("Leaving care</a>"), "the tab");
    // The personal adviser is chosen from a list; the form refuses a blank date.
    let form = format!("{page}/adviser");
    let r = b.form_post(w, &form, &form, &[("version", "0"), ("user", &t.pat.id.to_string())]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("govuk-error-summary") && r.body.contains("Enter the date they were allocated"), "{}", r.body);
    let r = b.form_post(w, &form, &form, &[("version", "0"), ("user", &t.pat.id.to_string()), ("from-day", "1"), ("from-month", "3"), ("from-year", "2024")]).await;
    assert_eq!(r.location(), format!("{page}?saved=adviser"));
    // Needs assessment, then the plan with Kim's views.
    let form = format!("{page}/needs-assessment");
    b.form_post(w, &form, &form, &[("version", "1"), ("on-day", "20"), ("on-month", "3"), ("on-year", "2025")]).await;
    let form = format!("{page}/plan");
    let r = b.form_post(w, &form, &form, &[("version", "2"), ("agreed-day", "25"), ("agreed-month", "3"), ("agreed-year", "2025"), ("views", "")]).await;
    assert!(r.body.contains("Enter the young person&#39;s views"), "{}", r.body);
    let r = b.form_post(w, &form, &form, &[("version", "2"), ("agreed-day", "25"), ("agreed-month", "3"), ("agreed-year", "2025"), ("views", "I want to stay near my college")]).await;
    assert_eq!(r.location(), format!("{page}?saved=plan"));
    // Only a manager signs it off.
    assert_eq!(b.get(w, &format!("{page}/sign-off")).await.status, StatusCode::FORBIDDEN);
    let mut m = Browser::new();
    m.sign_in(w, "tara").await;
    let form = format!("{page}/sign-off");
    assert_eq!(m.form_post(w, &form, &form, &[("version", "3")]).await.location(), format!("{page}?saved=sign-off"));
    let p = b.get(w, &page).await;
    for text in ["Pat Adviser, since 1 March 2024", "Agreed on 25 March 2025; next due by 25 September 2025", "Signed off by Tara Manager on 1 April 2025", "I want to stay near my college"] {
        assert!(p.body.contains(text), "{text}: {}", p.body);
    }

    // Kim leaves care at 17 to supported lodgings: relevant, with the reason.
    set_clock(w, datetime!(2025-06-10 12:00 UTC));
    let v = w.app.care_of(&alone(sam), kim).await.unwrap().periods[0].record.version;
    w.app.change_care(&alone(sam), period, v, CareChange::End(Ending { on: date!(2025 - 06 - 01), reason: ReasonEpisodeCeased::IndependentSupported })).await.unwrap();
    let v = w.app.care_leaver_of(&alone(sam), kim).await.unwrap();
    let d = v.status.as_ref().unwrap();
    assert_eq!(d.status, Status::Relevant);
    assert_eq!(d.reason, "relevant: looked after 91 weeks since 14 (1 Sep 2023 – 1 Jun 2025), left care at 17 on 1 June 2025");
    // (Sessions lapse while the clock jumps months: sign in again.)
    b.sign_in(w, "sam").await;
    assert!(b.get(w, &format!("/people/{kim}")).await.body.contains("Care leaver: relevant"));
    let form = format!("{page}/accommodation");
    b.form_post(w, &form, &form, &[("version", "4"), ("from-day", "1"), ("from-month", "6"), ("from-year", "2025"), ("accommodation", "E"), ("suitable", "yes")]).await;
    // A contact near the 18th birthday counts for the DfE (at 17 she was still in care).
    set_clock(w, datetime!(2026-03-10 12:00 UTC));
    b.sign_in(w, "sam").await;
    let form = format!("{page}/contact");
    b.form_post(w, &form, &form, &[("version", "5"), ("on-day", "20"), ("on-month", "2"), ("on-year", "2026"), ("outcome", "YES")]).await;
    let form = format!("{page}/activity");
    b.form_post(w, &form, &form, &[("version", "6"), ("from-day", "1"), ("from-month", "9"), ("from-year", "2025"), ("activity", "F2")]).await;
    let p = b.get(w, &page).await;
    assert!(!p.body.contains("17th, 1 March 2025"), "her 17th birthday was before she left care");
    for text in ["Care leaver: former relevant", "a relevant child at 17, having left care on 1 June 2025", "Pat Adviser, since 1 March 2024; their lead professional", "Supported lodgings (E1), suitable, since 1 June 2025", "Full-time education other than higher education (F2)", "18th, 1 March 2026", "In touch on 20 February 2026", "Staying put with their former foster carers to 21"] {
        assert!(p.body.contains(text), "{text}: {}", p.body);
    }

    // At 19 the plan is long overdue for review: the dashboard says so; the review clears it.
    set_clock(w, datetime!(2027-04-01 12:00 UTC));
    b.sign_in(w, "sam").await;
    m.sign_in(w, "tara").await;
    let d = w.app.care_leavers_dashboard(&alone(tara)).await.unwrap();
    let kim_row = d.dashboard.leavers.iter().find(|l| l.child == kim).unwrap();
    assert_eq!((kim_row.status, kim_row.age, kim_row.plan_due), (Status::FormerRelevant, 19, Some(date!(2025 - 09 - 25))));
    assert!(kim_row.plan_overdue(d.today) && kim_row.out_of_touch(d.today), "no contact for over three months");
    let dash = m.get(w, "/care-leavers").await;
    assert_eq!(dash.status, StatusCode::OK);
    assert!(dash.body.contains("Pathway plan overdue (1)") && dash.body.contains("Kim Rowe"), "{}", dash.body);
    let form = format!("{page}/plan");
    let r = b.form_post(w, &form, &form, &[("version", "7"), ("agreed-day", "30"), ("agreed-month", "3"), ("agreed-year", "2027"), ("views", "College is going well; I want my own flat next year")]).await;
    assert_eq!(r.location(), format!("{page}?saved=plan"));
    let p = b.get(w, &page).await;
    assert!(p.body.contains("Reviewed on 30 March 2027; next due by 30 September 2027") && p.body.contains("Waiting for a manager"), "{}", p.body);
    let form = format!("{page}/payment");
    let r = b.form_post(w, &form, &form, &[("version", "8"), ("on-day", "31"), ("on-month", "3"), ("on-year", "2027"), ("kind", "setting_up_home"), ("amount", "3,000")]).await;
    assert_eq!(r.location(), format!("{page}?saved=payment"));
    assert!(b.get(w, &page).await.body.contains("£3,000.00"));
    // Every change was audited as its own action.
    let actions: Vec<String> = audit_since(w, 0).await.into_iter().map(|e| e.draft.action).collect();
    for a in ["care_leaver.adviser", "care_leaver.needs_assessment", "care_leaver.plan", "care_leaver.plan_sign_off", "care_leaver.accommodation", "care_leaver.contact", "care_leaver.payment", "care_leaver.view", "care_leavers_dashboard.view"] {
        assert!(actions.iter().any(|x| x == a), "{a}");
    }
    // The record's history keeps each version.
    assert_eq!(b.get(w, "/care-leavers").await.status, StatusCode::FORBIDDEN, "a social worker does not see the dashboard");
}

#[tokio::test]
async fn what_is_not_for_this_young_person_or_this_user_is_refused_and_nothing_is_saved() {
    let t = team().await;
    let (w, sam) = (&t.w, &t.sam);
    // Never looked after: not a care leaver.
    let mut details = child("Noel", "Rowe");
    details.date_of_birth = Some(date!(2008 - 03 - 01));
    let noel = w.app.create_person(&alone(sam), details).await.unwrap().id;
    let e = w.app.change_care_leaver(&alone(sam), noel, 0, LeaverChange::Other(CareLeaverChange::NeedsAssessment(date!(2025 - 03 - 01)))).await.unwrap_err();
    assert_eq!(fields(e), ["needs_assessment"]);
    assert!(w.app.care_leaver_of(&alone(sam), noel).await.unwrap().record.is_none(), "nothing saved");
    let (kim, _) = looked_after_from_15(&t, "Kim").await;
    // A personal adviser must be an active caseworker: not business support, not an IRO.
    let bo = staff(w, "bo", "Bo Support", Role::BusinessSupport, None, None).await;
    let iro = staff(w, "iro", "Ira Reviewer", Role::ReviewingOfficer, None, None).await;
    for u in [bo.id, iro.id, hearth_domain::UserId::new()] {
        let e = w.app.change_care_leaver(&alone(sam), kim, 0, LeaverChange::Adviser { user: u, from: date!(2024 - 03 - 01) }).await.unwrap_err();
        assert_eq!(fields(e), ["adviser.user"]);
    }
    assert!(!w.app.personal_advisers(&alone(sam)).await.unwrap().iter().any(|(id, _)| *id == iro.id || *id == bo.id));
    // A stale version is a conflict.
    w.app.change_care_leaver(&alone(sam), kim, 0, LeaverChange::Other(CareLeaverChange::Detained(false))).await.unwrap();
    assert!(matches!(w.app.change_care_leaver(&alone(sam), kim, 0, LeaverChange::Other(CareLeaverChange::Detained(true))).await, Err(AppError::Conflict { current: 1 })));
    // Signing off is a manager's; an auditor reads but records nothing.
    assert!(matches!(w.app.change_care_leaver(&alone(sam), kim, 1, LeaverChange::Other(CareLeaverChange::SignOff)).await, Err(AppError::Forbidden)));
    let audrey = staff(w, "audrey", "Audrey Auditor", Role::Auditor, None, None).await;
    assert!(matches!(w.app.change_care_leaver(&alone(&audrey), kim, 1, LeaverChange::Other(CareLeaverChange::Detained(true))).await, Err(AppError::Forbidden)));
    // Someone outside the record's access list gets "not found", for the page and a change.
    let version = w.app.person(&alone(&t.tara), kim).await.unwrap().version;
    w.app.set_restriction(&alone(&t.tara), kim, version, true, vec![t.tara.id, sam.id], "High-profile family").await.unwrap();
    assert!(matches!(w.app.care_leaver_of(&alone(&t.pat), kim).await, Err(AppError::NotFound)));
    assert!(matches!(w.app.change_care_leaver(&alone(&t.pat), kim, 1, LeaverChange::Other(CareLeaverChange::Detained(true))).await, Err(AppError::NotFound)));
    // The page's form for an unknown step is not found.
    let mut b = Browser::new();
    b.sign_in(w, "sam").await;
    assert_eq!(b.get(w, &format!("/people/{kim}/leaving-care/nonsense")).await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_dashboard_never_names_or_counts_a_restricted_young_person_the_manager_may_not_open() {
    let t = team().await;
    let (w, sam, tara) = (&t.w, &t.sam, &t.tara);
    let sol = staff(w, "sol", "Sol Service", Role::ServiceManager, None, None).await;
    let (kim, _) = looked_after_from_15(&t, "Kim").await;
    let (bea, _) = looked_after_from_15(&t, "Bea").await;
    let version = w.app.person(&alone(tara), bea).await.unwrap().version;
    w.app.set_restriction(&alone(tara), bea, version, true, vec![tara.id, sam.id], "High-profile family").await.unwrap();
    set_clock(w, datetime!(2025-10-01 12:00 UTC));
    let d = w.app.care_leavers_dashboard(&alone(tara)).await.unwrap();
    assert_eq!(d.dashboard.total(Status::Eligible), 2);
    let d = w.app.care_leavers_dashboard(&alone(&sol)).await.unwrap();
    assert_eq!(d.dashboard.leavers.iter().map(|l| l.child).collect::<Vec<_>>(), [kim], "Bea is neither named nor counted for Sol");
    assert_eq!(d.dashboard.count(Status::Eligible, 17), 1);
    let mut b = Browser::new();
    b.sign_in(w, "sol").await;
    let page = b.get(w, "/care-leavers").await;
    assert!(page.body.contains("Kim Rowe") && !page.body.contains("Bea"), "{}", page.body);
    // Both are without an adviser, 17 and turning 18 within six months with nothing planned.
    assert!(page.body.contains("Without a personal adviser (1)") && page.body.contains("Turning 18 within six months with nowhere planned to live (1)"), "{}", page.body);
}

#[tokio::test]
async fn the_directory_is_searched_a_young_person_referred_and_the_service_lists_only_whom_the_reader_may_open() {
    let t = team().await;
    let (w, sam, tara) = (&t.w, &t.sam, &t.tara);
    let (kim, _) = looked_after_from_15(&t, "Kim").await;
    let (bea, _) = looked_after_from_15(&t, "Bea").await;
    let mut b = Browser::new();
    b.sign_in(w, "sam").await;
    let list = b.get(w, "/services?q=leisure&for=looked_after").await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(list.body.contains("Free leisure pass") && list.body.contains("1 service."), "{}", list.body);
    // Referred from the Services tab: the form offers only what Kim can use.
    let form = format!("/people/{kim}/services/new");
    let page = b.get(w, &form).await;
    assert!(page.body.contains("Free leisure pass") && !page.body.contains("Staying put ("), "{}", page.body);
    let r = b.form_post(w, &form, &form, &[("service", ""), ("reason", "")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("Choose the service") && r.body.contains("Enter the date of the referral"), "{}", r.body);
    let r = b.form_post(w, &form, &form, &[("service", "leisure-pass"), ("on-day", "30"), ("on-month", "3"), ("on-year", "2025"), ("reason", "Loves swimming")]).await;
    assert_eq!(r.location(), format!("/people/{kim}/services?saved=refer"));
    let tab = b.get(w, &format!("/people/{kim}/services")).await;
    assert!(tab.body.contains("Waiting for the service") && tab.body.contains("Record the outcome"), "{}", tab.body);
    let rid = w.app.service_referrals_of(&alone(sam), kim).await.unwrap().1[0].value.id;
    let outcome = format!("/people/{kim}/services/{rid}");
    let r = b.form_post(w, &outcome, &outcome, &[("version", "1"), ("outcome", "accepted"), ("on-day", "31"), ("on-month", "3"), ("on-year", "2025")]).await;
    assert_eq!(r.location(), format!("/people/{kim}/services?saved=outcome"));
    // Bea uses it too, but her record is restricted to Tara and Sam: Pat's view of the service
    // neither names nor counts her.
    w.app.refer_to_service(&alone(sam), bea, hearth_app::NewServiceReferral { service: "leisure-pass".into(), on: date!(2025 - 03 - 30), reason: "Swimming".into() }).await.unwrap();
    let version = w.app.person(&alone(tara), bea).await.unwrap().version;
    w.app.set_restriction(&alone(tara), bea, version, true, vec![tara.id, sam.id], "High-profile family").await.unwrap();
    let mut p = Browser::new();
    p.sign_in(w, "pat").await;
    let service = p.get(w, "/services/leisure-pass").await;
    assert!(service.body.contains("Kim Rowe") && !service.body.contains("Bea") && service.body.contains("Using the service (1)") && service.body.contains("Waiting for the service (0)"), "{}", service.body);
    let service = b.get(w, "/services/leisure-pass").await;
    assert!(service.body.contains("Waiting for the service (1)"), "Sam may open Bea: {}", service.body);
    assert_eq!(b.get(w, "/services/nonesuch").await.status, StatusCode::NOT_FOUND);
}
