//! In-process tests of the care leavers API (`/people/{id}/leaving-care`,
//! `/people/{id}/leaving-care/changes`, `/care-leavers`): the status derived from the care
//! history, changes at the version read, the refusals (401, 403, 404) and every invalid input
//! (422 naming the field, nothing saved), stale versions (409).
use axum::http::{Method, StatusCode};
use hearth_domain::audit::Outcome;
use serde_json::{json, Value};
use time::macros::datetime;

mod support;
use support::*;

/// A young person born on 1 March 2008, in care with the Smiths since 1 September 2023.
async fn looked_after(w: &World) -> String {
    let r = w.post("/people", &w.sam, json!({"kind": "child", "given_name": "Kim", "family_name": "Rowe", "date_of_birth": "2008-03-01", "confirm_not_duplicate": true})).await;
    r.expect(StatusCode::CREATED);
    let kim = r.id();
    let r = w.post("/providers", &w.mo, json!({"name": "The Smith household", "kind": "foster_household", "placement_provider": "PR1", "postcode": "TW2 5AB"})).await;
    r.expect(StatusCode::CREATED);
    let smith = r.id();
    w.post(&format!("/people/{kim}/care"), &w.sam, json!({"start": "2023-09-01", "legal_status": "C2", "category_of_need": "N1", "placement_type": "U6", "provider_id": smith})).await.expect(StatusCode::CREATED);
    kim
}

fn change(version: i64, change: Value) -> Value {
    json!({"version": version, "change": change})
}

#[tokio::test]
async fn a_young_person_in_care_at_17_is_eligible_and_their_record_is_kept_at_the_version_read() {
    let w = world().await;
    w.set_clock(datetime!(2025-04-01 12:00 UTC));
    let kim = looked_after(&w).await;
    let path = format!("/people/{kim}/leaving-care");
    let r = w.get(&path, &w.sam).await;
    r.expect(StatusCode::OK);
    assert_eq!(r.json["status"], "eligible");
    assert_eq!(r.json["status_reason"], "eligible: looked after 82 weeks since 14 (1 Sep 2023 – now), looked after today at 17");
    assert_eq!((r.json["pathway_from"].as_str(), r.json["plan_due"].as_str(), r.json["version"].as_i64()), (Some("2024-03-01"), Some("2024-06-01"), Some(0)));
    assert_eq!(r.json["entitlements"][1]["legal_basis"], "Children Act 1989, schedule 2, paragraph 19C");
    let changes = format!("{path}/changes");
    let r = w.post(&changes, &w.sam, change(0, json!({"type": "adviser", "user_id": w.uid("ali"), "from": "2024-03-01"}))).await;
    r.expect(StatusCode::OK);
    assert_eq!(r.json["version"], 1);
    w.post(&changes, &w.sam, change(1, json!({"type": "needs_assessment", "on": "2025-03-20"}))).await.expect(StatusCode::OK);
    w.post(&changes, &w.sam, change(2, json!({"type": "plan", "agreed": "2025-03-25", "views": "Near college"}))).await.expect(StatusCode::OK);
    w.post(&changes, &w.sam, change(3, json!({"type": "sign_off"}))).await.expect(StatusCode::FORBIDDEN);
    w.post(&changes, &w.mo, change(3, json!({"type": "sign_off"}))).await.expect(StatusCode::OK);
    w.post(&changes, &w.sam, change(4, json!({"type": "accommodation", "from": "2025-03-01", "accommodation": "B", "suitable": false}))).await.expect(StatusCode::OK);
    w.post(&changes, &w.sam, change(5, json!({"type": "activity", "from": "2025-03-01", "activity": "G5"}))).await.expect(StatusCode::OK);
    w.post(&changes, &w.sam, change(6, json!({"type": "arrangement", "kind": "staying_put", "with": "The Smiths", "from": "2026-03-01"}))).await.expect(StatusCode::OK);
    let r = w.get(&path, &w.sam).await;
    assert_eq!(r.json["version"], 7);
    assert_eq!(r.json["advisers"][0]["name"], w.user("ali").display_name.as_str());
    assert_eq!(r.json["plans"][0]["signed_off_by"], w.uid("mo").as_str());
    assert_eq!(r.json["housing"][0]["oc3_code"], "B2");
    assert_eq!(r.json["activities"][0]["activity"], "G5");
    assert_eq!(r.json["plan_due"], "2025-09-25");
    // A stale version is refused, saying which is stored.
    w.post(&changes, &w.sam, change(3, json!({"type": "detained", "detained": true}))).await.expect_conflict(7);
    // The dashboard, for a manager: NEET and unsuitably housed, but a staying-put plan.
    let d = w.get("/care-leavers", &w.mo).await;
    d.expect(StatusCode::OK);
    let row = d.json["leavers"].as_array().unwrap().iter().find(|l| l["person_id"] == kim.as_str()).unwrap().clone();
    assert_eq!(row["status"], "eligible");
    assert_eq!((row["neet"].as_bool(), row["unsuitable_accommodation"].as_bool(), row["turning_18_unplanned"].as_bool()), (Some(true), Some(false), Some(false)), "unsuitable counts once they have left care");
    w.get("/care-leavers", &w.sam).await.expect(StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn bad_requests_name_the_field_and_save_nothing() {
    let w = world().await;
    w.set_clock(datetime!(2025-04-01 12:00 UTC));
    let kim = looked_after(&w).await;
    let changes = format!("/people/{kim}/leaving-care/changes");
    let cases = [
        (json!({"type": "adviser", "user_id": w.uid("bo"), "from": "2024-03-01"}), "adviser.user"),
        (json!({"type": "adviser", "user_id": w.uid("ali"), "from": "2020-03-01"}), "adviser.from"),
        (json!({"type": "contact", "on": "2025-13-01", "outcome": "YES"}), "on"),
        (json!({"type": "contact", "on": "2025-03-01", "outcome": "MAYBE"}), "outcome"),
        (json!({"type": "accommodation", "from": "2025-03-01", "accommodation": "S", "suitable": true}), "housing.suitable"),
        (json!({"type": "activity", "from": "2026-03-01", "activity": "F2"}), "activity.from"),
        (json!({"type": "plan", "agreed": "2025-03-01", "views": "x"}), "plan.agreed"),
        (json!({"type": "arrangement", "kind": "staying_put", "with": "The Smiths", "from": "2025-03-01"}), "arrangement.from"),
        (json!({"type": "payment", "on": "2025-03-01", "kind": "setting_up_home"}), "pence"),
        (json!({"type": "end_arrangement", "number": 4, "on": "2025-03-01"}), "arrangement"),
        (json!({"type": "detained", "detained": true, "colour": "red"}), "body"),
    ];
    let head = w.audit_head().await;
    for (body, field) in cases {
        let r = w.post(&changes, &w.sam, change(0, body.clone())).await;
        r.expect(StatusCode::UNPROCESSABLE_ENTITY);
        if field != "body" {
            r.expect_fields(&[field]);
        }
    }
    w.assert_not_done(head, "care_leaver.adviser").await;
    assert_eq!(w.get(&format!("/people/{kim}/leaving-care"), &w.sam).await.json["version"], 0, "nothing saved");
    // Someone never looked after is not a care leaver: no pathway plan.
    let noel = w.child("Noel").await;
    let r = w.post(&format!("/people/{noel}/leaving-care/changes"), &w.sam, change(0, json!({"type": "needs_assessment", "on": "2025-03-01"}))).await;
    r.expect(StatusCode::UNPROCESSABLE_ENTITY).expect_fields(&["needs_assessment"]);
    assert!(r.message("needs_assessment").contains("not a care leaver"));
}

#[tokio::test]
async fn refusals_are_401_403_and_404_and_each_is_audited() {
    let w = world().await;
    w.set_clock(datetime!(2025-04-01 12:00 UTC));
    let kim = looked_after(&w).await;
    let path = format!("/people/{kim}/leaving-care");
    w.call(Method::GET, &path, None, None).await.expect(StatusCode::UNAUTHORIZED);
    let head = w.audit_head().await;
    // Bea (another team) may not open Kim: not found, audited as denied.
    w.get(&path, &w.bea).await.expect(StatusCode::NOT_FOUND);
    w.assert_audited(head, "care_leaver.view", Outcome::Denied).await;
    w.post(&format!("{path}/changes"), &w.bea, change(0, json!({"type": "detained", "detained": true}))).await.expect(StatusCode::NOT_FOUND);
    // Only a manager signs a plan off.
    w.post(&format!("{path}/changes"), &w.sam, change(0, json!({"type": "sign_off"}))).await.expect(StatusCode::FORBIDDEN);
    w.assert_audited(head, "care_leaver.plan_sign_off", Outcome::Denied).await;
    w.get(&format!("/people/{}/leaving-care", uuid::Uuid::new_v4()), &w.sam).await.expect(StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_directory_is_searched_and_a_young_person_referred_to_a_service_they_can_use() {
    let w = world().await;
    w.set_clock(datetime!(2025-04-01 12:00 UTC));
    let kim = looked_after(&w).await;
    let r = w.get("/services?q=hostel", &w.sam).await;
    r.expect(StatusCode::OK);
    assert_eq!(r.json.as_array().unwrap().iter().map(|s| s["key"].as_str().unwrap()).collect::<Vec<_>>(), ["supported-hostel"]);
    let r = w.get("/services?for=care_leaver&category=accommodation", &w.sam).await;
    assert!(r.json.as_array().unwrap().len() >= 3);
    w.get("/services?for=adults", &w.sam).await.expect(StatusCode::UNPROCESSABLE_ENTITY).expect_fields(&["for"]);
    w.get("/services?category=housing", &w.sam).await.expect(StatusCode::UNPROCESSABLE_ENTITY).expect_fields(&["category"]);
    let path = format!("/people/{kim}/service-referrals");
    // Kim is 17 and in care: staying put is from 18 and for care leavers; an unknown service.
    for (body, field) in [
        (json!({"service": "staying-put", "on": "2025-03-30", "reason": "Wants to stay"}), "service"),
        (json!({"service": "nonesuch", "on": "2025-03-30", "reason": "x"}), "service"),
        (json!({"service": "leisure-pass", "on": "2025-05-30", "reason": "x"}), "on"),
        (json!({"service": "leisure-pass", "on": "2025-03-30", "reason": " "}), "reason"),
        (json!({"service": "leisure-pass", "on": "2025-03-30", "reason": "x", "urgent": true}), "urgent"),
    ] {
        w.post(&path, &w.sam, body).await.expect(StatusCode::UNPROCESSABLE_ENTITY).expect_fields(&[field]);
    }
    assert_eq!(w.get(&path, &w.sam).await.json, json!([]), "nothing saved");
    let r = w.post(&path, &w.sam, json!({"service": "leisure-pass", "on": "2025-03-30", "reason": "Loves swimming"})).await;
    r.expect(StatusCode::CREATED);
    let rid = r.id();
    let change = format!("/service-referrals/{rid}/changes");
    w.post(&change, &w.sam, json!({"version": 1, "ended": "2025-03-31"})).await.expect(StatusCode::UNPROCESSABLE_ENTITY).expect_fields(&["ended"]);
    w.post(&change, &w.sam, json!({"version": 1, "outcome": "accepted", "on": "2025-03-31"})).await.expect(StatusCode::OK);
    w.post(&change, &w.sam, json!({"version": 1, "outcome": "declined", "on": "2025-03-31"})).await.expect_conflict(2);
    let service = w.get("/services/leisure-pass", &w.mo).await;
    service.expect(StatusCode::OK);
    assert_eq!(service.json["using"][0]["person_id"], kim.as_str());
    // Bea's team cannot open Kim: the service shows her no one.
    let service = w.get("/services/leisure-pass", &w.bea).await;
    assert_eq!(service.json["using"], json!([]));
    w.get("/services/nonesuch", &w.sam).await.expect(StatusCode::NOT_FOUND);
    w.post(&change, &w.bea, json!({"version": 2, "ended": "2025-04-01"})).await.expect(StatusCode::NOT_FOUND);
    w.post(&change, &w.sam, json!({"version": 2, "ended": "2025-04-01"})).await.expect(StatusCode::OK);
    let r = w.get(&path, &w.sam).await;
    assert_eq!((r.json[0]["outcome"].as_str(), r.json[0]["ended"].as_str(), r.json[0]["version"].as_i64()), (Some("accepted"), Some("2025-04-01"), Some(3)));
}
