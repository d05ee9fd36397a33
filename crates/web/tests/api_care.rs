//! In-process tests of the children-in-care API (`/people/{id}/care`,
//! `/care-periods/{id}/changes`, `/providers`): a child into care with a provider from the
//! list, moved, their legal status changed and care ended, the episodes derived; refusals
//! (401, 403, 404, each audited); every invalid input the issue names (422 naming the field,
//! nothing saved); stale versions (409).
use axum::http::StatusCode;
use hearth_domain::audit::Outcome;
use serde_json::{json, Value};

mod support;
use support::*;

fn foster(name: &str) -> Value {
    json!({"name": name, "kind": "foster_household", "placement_provider": "PR1", "address": ["1 High Street", "Twickenham"], "postcode": "tw2 5ab", "places": 2})
}

fn start(provider: &str) -> Value {
    json!({"start": "2023-11-06", "legal_status": "V2", "category_of_need": "N1", "home_postcode": "TW1 3SX", "placement_type": "U6", "provider_id": provider})
}

impl World {
    /// Mo adds a provider; its id.
    async fn provider(&self, body: Value) -> String {
        let r = self.post("/providers", &self.mo, body).await;
        r.expect(StatusCode::CREATED);
        r.id()
    }

    async fn care(&self, child: &str) -> Value {
        let r = self.get(&format!("/people/{child}/care"), &self.sam).await;
        r.expect(StatusCode::OK);
        r.json.clone()
    }
}

#[tokio::test]
async fn a_child_comes_into_care_moves_changes_status_and_goes_home() {
    let w = world().await;
    let smith = w.provider(foster("The Smith household")).await;
    let oak = w.provider(json!({"name": "Oak House", "kind": "childrens_home", "placement_provider": "PR2", "urn": "sc123456", "postcode": "RG1 1AA", "places": 4})).await;
    let amy = w.child("Amy").await;
    assert_eq!(w.care(&amy).await, json!({"looked_after": false, "periods": [], "due": [], "decisions": []}));
    let r = w.post(&format!("/people/{amy}/care"), &w.sam, start(&smith)).await;
    r.expect(StatusCode::CREATED);
    assert_eq!(r.location(), format!("/api/v1/people/{amy}/care"));
    let period = r.id();
    let change = |version: i64, change: Value| json!({"version": version, "change": change});
    w.post(&format!("/care-periods/{period}/changes"), &w.sam, change(1, json!({"type": "legal_status", "from": "2023-11-20", "legal_status": "C1"}))).await.expect(StatusCode::OK);
    let r = w.post(&format!("/care-periods/{period}/changes"), &w.sam, change(2, json!({"type": "move", "from": "2023-12-04", "placement_type": "K2", "provider_id": oak, "reason": "CHILD"}))).await;
    r.expect(StatusCode::OK);
    assert_eq!(r.json["version"], 3);
    let care = w.care(&amy).await;
    assert_eq!(care["looked_after"], true);
    let p = &care["periods"][0];
    assert_eq!((p["version"].as_i64(), p["home_postcode"].as_str()), (Some(3), Some("TW1 3SX")));
    assert_eq!(p["placements"][1]["provider_name"], "Oak House");
    assert_eq!(p["placements"][1]["urn"], "SC123456", "the URN comes from the provider's record");
    assert_eq!(p["placements"][0]["postcode"], "TW2 5AB");
    let episodes: Vec<(String, String, String)> = p["episodes"].as_array().unwrap().iter().map(|e| (e["start"].as_str().unwrap().into(), e["reason_new_episode"].as_str().unwrap().into(), e["legal_status"].as_str().unwrap().into())).collect();
    assert_eq!(episodes, [("2023-11-06".into(), "S".into(), "V2".into()), ("2023-11-20".into(), "L".into(), "C1".into()), ("2023-12-04".into(), "P".into(), "C1".into())]);
    assert_eq!(p["episodes"][2]["reason_place_change"], "CHILD");
    // The home's page lists her.
    let home = w.get(&format!("/providers/{oak}"), &w.sam).await;
    home.expect(StatusCode::OK);
    assert_eq!(home.json["children"][0]["person_id"], amy.as_str());
    assert_eq!(home.json["provider"]["placed"], 1);
    w.post(&format!("/care-periods/{period}/changes"), &w.sam, change(3, json!({"type": "end", "on": "2023-12-20", "reason": "E4A"}))).await.expect(StatusCode::OK);
    let care = w.care(&amy).await;
    assert_eq!((care["looked_after"].as_bool(), care["periods"][0]["reason_ended"].as_str()), (Some(false), Some("E4A")));
    assert_eq!(care["periods"][0]["episodes"][2]["reason_ceased"], "E4A");
}

#[tokio::test]
async fn providers_are_listed_filtered_and_changed_at_the_version_read() {
    let w = world().await;
    let smith = w.provider(foster("The Smith household")).await;
    w.provider(json!({"name": "Oak House", "kind": "childrens_home", "placement_provider": "PR2", "urn": "SC123456"})).await;
    let names = |r: &Res| r.json.as_array().unwrap().iter().map(|p| p["name"].as_str().unwrap().to_string()).collect::<Vec<_>>();
    assert_eq!(names(&w.get("/providers", &w.sam).await), ["Oak House", "The Smith household"]);
    assert_eq!(names(&w.get("/providers?kind=foster_household", &w.sam).await), ["The Smith household"]);
    assert_eq!(names(&w.get("/providers?name=OAK", &w.sam).await), ["Oak House"]);
    w.get("/providers?kind=castle", &w.sam).await.expect(StatusCode::UNPROCESSABLE_ENTITY).expect_fields(&["kind"]);
    let mut closed = foster("The Smith household");
    closed["version"] = json!(1);
    closed["closed"] = json!(true);
    w.put(&format!("/providers/{smith}"), &w.bo, closed.clone()).await.expect(StatusCode::OK);
    w.put(&format!("/providers/{smith}"), &w.bo, closed).await.expect_conflict(2);
    assert_eq!(names(&w.get("/providers", &w.sam).await), ["Oak House"], "closed ones only when asked for");
    assert_eq!(names(&w.get("/providers?closed=true", &w.sam).await), ["Oak House", "The Smith household"]);
    // A closed provider takes no one new.
    let amy = w.child("Amy").await;
    w.post(&format!("/people/{amy}/care"), &w.sam, start(&smith)).await.expect(StatusCode::UNPROCESSABLE_ENTITY).expect_fields(&["placements[0].kind"]);
}

#[tokio::test]
async fn bad_input_is_refused_naming_the_field_and_nothing_is_saved() {
    let w = world().await;
    let smith = w.provider(foster("The Smith household")).await;
    let oak = w.provider(json!({"name": "Oak House", "kind": "childrens_home", "placement_provider": "PR2", "urn": "SC123456"})).await;
    // Providers: no URN for a home, a URN that is not one, a postcode that is not one, no kind.
    w.post("/providers", &w.mo, json!({"name": "Elm House", "kind": "childrens_home", "placement_provider": "PR2"})).await.expect(StatusCode::UNPROCESSABLE_ENTITY).expect_fields(&["urn"]);
    w.post("/providers", &w.mo, json!({"name": "Elm House", "kind": "childrens_home", "placement_provider": "PR2", "urn": "12-34"})).await.expect_fields(&["urn"]);
    w.post("/providers", &w.mo, json!({"name": "Elm House", "kind": "childrens_home", "placement_provider": "PR2", "urn": "SC654321", "postcode": "NOT A CODE"})).await.expect_fields(&["postcode"]);
    w.post("/providers", &w.mo, json!({"name": " ", "placement_provider": "PR9"})).await.expect_fields(&["kind", "placement_provider"]);
    assert_eq!(w.get("/providers", &w.sam).await.json.as_array().unwrap().len(), 2);
    let amy = w.child("Amy").await;
    let care = format!("/people/{amy}/care");
    // Every field missing or wrong at once.
    w.post(&care, &w.sam, json!({"start": "6/11/2023", "legal_status": "Z9", "home_postcode": "12345"})).await.expect(StatusCode::UNPROCESSABLE_ENTITY).expect_fields(&["start", "legal_status", "category_of_need", "home_postcode", "placement_type", "provider_id"]);
    // A foster placement with a children's home; a provider not on the list; care before birth.
    let mut wrong = start(&oak);
    w.post(&care, &w.sam, wrong.clone()).await.expect_fields(&["placements[0].kind"]);
    wrong["provider_id"] = json!(uuid::Uuid::new_v4());
    w.post(&care, &w.sam, wrong).await.expect_fields(&["placements[0].carer"]);
    let mut early = start(&smith);
    early["start"] = json!("2016-04-01");
    w.post(&care, &w.sam, early).await.expect_fields(&["start"]);
    // Remand is for a child of 10 or over; Amy is 7.
    let mut remand = start(&smith);
    remand["legal_status"] = json!("J2");
    w.post(&care, &w.sam, remand).await.expect_fields(&["legal_statuses[0].status"]);
    assert_eq!(w.care(&amy).await["periods"], json!([]), "nothing saved");
    let period = w.post(&care, &w.sam, start(&smith)).await.id();
    let changes = format!("/care-periods/{period}/changes");
    // A second period overlapping the first; a move with no reason, before the placement it
    // follows; an end before the start; a short break within full care; a stale version.
    w.post(&care, &w.sam, start(&smith)).await.expect_fields(&["periods[0].ended"]);
    w.post(&changes, &w.sam, json!({"version": 1, "change": {"type": "move", "from": "2023-11-01", "placement_type": "U6", "provider_id": smith}})).await.expect_fields(&["placements[1].from", "placements[1].reason"]);
    w.post(&changes, &w.sam, json!({"version": 1, "change": {"type": "end", "on": "2023-10-01", "reason": "E11"}})).await.expect_fields(&["ended.on"]);
    w.post(&changes, &w.sam, json!({"version": 1, "change": {"type": "legal_status", "from": "2023-11-10", "legal_status": "V3"}})).await.expect_fields(&["legal_statuses"]);
    w.post(&changes, &w.sam, json!({"version": 1, "change": {"type": "end"}})).await.expect_fields(&["on", "reason"]);
    w.post(&changes, &w.sam, json!({"version": 1, "change": {"type": "teleport"}})).await.expect(StatusCode::UNPROCESSABLE_ENTITY);
    w.post(&changes, &w.sam, json!({"version": 7, "change": {"type": "end", "on": "2023-12-01", "reason": "E11"}})).await.expect_conflict(1);
    assert_eq!(w.care(&amy).await["periods"][0]["version"], 1, "nothing saved");
}

#[tokio::test]
async fn only_those_who_may_open_the_record_see_or_change_its_care_and_only_managers_keep_providers() {
    let w = world().await;
    let smith = w.provider(foster("The Smith household")).await;
    let amy = w.child("Amy").await;
    let period = w.post(&format!("/people/{amy}/care"), &w.sam, start(&smith)).await.id();
    let before = w.audit_head().await;
    // Bea works in team B: Amy's record does not exist for her.
    w.get(&format!("/people/{amy}/care"), &w.bea).await.expect(StatusCode::NOT_FOUND);
    w.post(&format!("/people/{amy}/care"), &w.bea, start(&smith)).await.expect(StatusCode::NOT_FOUND);
    w.post(&format!("/care-periods/{period}/changes"), &w.bea, json!({"version": 1, "change": {"type": "end", "on": "2023-12-01", "reason": "E11"}})).await.expect(StatusCode::NOT_FOUND);
    w.assert_audited(before, "care.view", Outcome::Denied).await;
    // A social worker reads the providers but does not keep them.
    w.post("/providers", &w.sam, foster("The Ash household")).await.expect(StatusCode::FORBIDDEN);
    w.put(&format!("/providers/{smith}"), &w.sam, json!({"version": 1, "name": "X", "kind": "foster_household", "placement_provider": "PR1"})).await.expect(StatusCode::FORBIDDEN);
    w.assert_audited(before, "provider.add", Outcome::Denied).await;
    // The auditor and the administrator have no use of the API.
    w.get("/providers", &w.auditor).await.expect(StatusCode::UNAUTHORIZED);
    w.get(&format!("/people/{amy}/care"), &w.admin).await.expect(StatusCode::UNAUTHORIZED);
    w.get(&format!("/providers/{}", uuid::Uuid::new_v4()), &w.sam).await.expect(StatusCode::NOT_FOUND);
    assert_eq!(w.care(&amy).await["periods"][0]["version"], 1);
}

#[tokio::test]
async fn the_dashboard_is_for_managers_and_lists_the_children_in_care() {
    let w = world().await;
    let smith = w.provider(foster("The Smith household")).await;
    let amy = w.child("Amy").await;
    w.post(&format!("/people/{amy}/care"), &w.sam, start(&smith)).await.expect(StatusCode::CREATED);
    let d = w.get("/children-in-care", &w.mo).await;
    d.expect(StatusCode::OK);
    assert_eq!(d.json["looked_after"], 1);
    assert_eq!(d.json["by_legal_status"], json!([{"code": "V2", "label": "Single period of accommodation under section 20 of the Children Act 1989", "children": 1}]));
    let child = &d.json["children"][0];
    assert_eq!((child["person_id"].as_str(), child["provider_name"].as_str(), child["placements_in_year"].as_u64()), (Some(amy.as_str()), Some("The Smith household"), Some(1)));
    assert_eq!((d.json["area_known"].as_bool(), child["out_of_area"].as_bool()), (Some(false), None));
    // No postcode directory yet: no distances.
    assert_eq!((d.json["postcode_locations_loaded"].as_bool(), d.json["placed_20_miles_or_more"].as_u64(), child["miles_from_home"].is_null()), (Some(false), Some(0), true));
    // Twickenham (TW1 3SX, by its district) to the carers in TW2 5AB: about 1.5 miles.
    let at = |lat, lon| hearth_domain::care::distance::Location::new(lat, lon).unwrap();
    w.api.app.replace_postcode_locations(&[("TW1".into(), at(51.4470, -0.3280)), ("TW2 5AB".into(), at(51.4460, -0.3580))], "test").await.unwrap();
    let d = w.get("/children-in-care", &w.mo).await;
    assert_eq!((d.json["postcode_locations_loaded"].as_bool(), d.json["placed_20_miles_or_more"].as_u64(), d.json["children"][0]["miles_from_home"].as_f64()), (Some(true), Some(0), Some(1.3)));
    let before = w.audit_head().await;
    w.get("/children-in-care", &w.sam).await.expect(StatusCode::FORBIDDEN);
    w.assert_audited(before, "care_dashboard.view", Outcome::Denied).await;
}

#[tokio::test]
async fn plans_reviews_and_missing_episodes_are_recorded_with_the_same_rules_and_their_deadlines_listed() {
    let w = world().await;
    let smith = w.provider(foster("The Smith household")).await;
    let amy = w.child("Amy").await;
    let r = w.post(&format!("/people/{amy}/care"), &w.sam, json!({"start": "2023-12-18", "legal_status": "V2", "category_of_need": "N1", "placement_type": "U6", "provider_id": smith})).await;
    r.expect(StatusCode::CREATED);
    let period = r.id();
    let due = |care: &Value| care["due"].as_array().unwrap().iter().map(|d| (d["kind"].as_str().unwrap().to_string(), d["due"].as_str().unwrap().to_string())).collect::<Vec<_>>();
    // Christmas, Boxing Day and New Year's Day are not working days; the first visit's week
    // ends on Christmas Day, so it is due the Friday before.
    assert_eq!(
        due(&w.care(&amy).await),
        [
            ("care_plan".to_string(), "2024-01-04".to_string()),
            ("placement_plan".into(), "2023-12-27".into()),
            ("care_visit".into(), "2023-12-22".into()),
            ("looked_after_review".into(), "2024-01-18".into()),
            ("permanence_plan".into(), "2024-04-18".into()),
            ("initial_health_assessment".into(), "2024-01-18".into()),
            ("personal_education_plan".into(), "2024-01-04".into()),
        ]
    );
    let changes = format!("/care-periods/{period}/changes");
    let change = |version: i64, change: Value| json!({"version": version, "change": change});
    w.post(&changes, &w.sam, change(1, json!({"type": "care_plan", "on": "2023-12-20"}))).await.expect(StatusCode::OK);
    w.post(&changes, &w.sam, change(2, json!({"type": "iro", "name": "Irene Olu", "from": "2023-12-19"}))).await.expect(StatusCode::OK);
    w.post(&changes, &w.sam, change(3, json!({"type": "report_ready", "on": "2023-12-21"}))).await.expect(StatusCode::OK);
    // Only a manager signs the report off; someone in another team does not learn the period exists.
    let before = w.audit_head().await;
    w.post(&changes, &w.sam, change(4, json!({"type": "sign_off_report"}))).await.expect(StatusCode::FORBIDDEN);
    w.assert_audited(before, "care.report_sign_off", Outcome::Denied).await;
    w.post(&changes, &w.bea, change(4, json!({"type": "care_plan", "on": "2023-12-20"}))).await.expect(StatusCode::NOT_FOUND);
    w.post(&changes, &w.mo, change(4, json!({"type": "sign_off_report"}))).await.expect(StatusCode::OK);
    w.post(&changes, &w.mo, change(4, json!({"type": "sign_off_report"}))).await.expect_conflict(5);
    w.post(&changes, &w.mo, change(5, json!({"type": "sign_off_report"}))).await.expect(StatusCode::UNPROCESSABLE_ENTITY).expect_fields(&["planning.next_report"]);
    // A review: a code that is not PN0–PN7, a decision with a date that does not exist, a
    // review before care began.
    w.post(&changes, &w.sam, change(5, json!({"type": "review", "date": "2023-12-22", "participation": "PN9", "decisions": [{"action": "Contact", "due": "2024-02-30"}]})))
        .await
        .expect(StatusCode::UNPROCESSABLE_ENTITY)
        .expect_fields(&["participation", "decisions[0].due"]);
    w.post(&changes, &w.sam, change(5, json!({"type": "review", "date": "2023-12-01", "participation": "PN1"}))).await.expect(StatusCode::UNPROCESSABLE_ENTITY).expect_fields(&["planning.reviews[0].date"]);
    let r = w.post(&changes, &w.sam, change(5, json!({"type": "review", "date": "2023-12-22", "participation": "PN1", "decisions": [{"action": "Weekly contact with mother", "owner": "Sam", "due": "2024-01-05"}]}))).await;
    r.expect(StatusCode::OK);
    // Missing and back, with the interview; a UASC status ending before it began.
    w.post(&changes, &w.sam, change(6, json!({"type": "missing", "kind": "A", "start": "2023-12-20"}))).await.expect(StatusCode::OK);
    w.post(&changes, &w.sam, change(7, json!({"type": "returned", "end": "2023-12-21", "interview_offered": "2023-12-22"}))).await.expect(StatusCode::UNPROCESSABLE_ENTITY).expect_fields(&["interview_accepted"]);
    w.post(&changes, &w.sam, change(7, json!({"type": "returned", "end": "2023-12-21", "interview_offered": "2023-12-22", "interview_accepted": false}))).await.expect(StatusCode::OK);
    w.post(&changes, &w.sam, change(8, json!({"type": "uasc", "from": "2023-12-18", "until": "2023-12-01"}))).await.expect(StatusCode::UNPROCESSABLE_ENTITY).expect_fields(&["planning.uasc.until"]);
    // Health and education: an SDQ score out of range, a health check of no known kind.
    w.post(&changes, &w.sam, change(8, json!({"type": "health", "kind": "sdq", "on": "2023-12-20", "score": 41}))).await.expect(StatusCode::UNPROCESSABLE_ENTITY).expect_fields(&["planning.health[0].score"]);
    w.post(&changes, &w.sam, change(8, json!({"type": "health", "kind": "x-ray", "on": "2023-12-20"}))).await.expect(StatusCode::UNPROCESSABLE_ENTITY).expect_fields(&["kind"]);
    w.post(&changes, &w.sam, change(8, json!({"type": "health", "kind": "initial_health_assessment", "on": "2023-12-20"}))).await.expect(StatusCode::OK);
    w.post(&changes, &w.sam, change(9, json!({"type": "school", "name": "Oldfield Park Junior School", "virtual_school_told": "2023-12-19"}))).await.expect(StatusCode::OK);
    w.post(&changes, &w.sam, change(10, json!({"type": "pep", "on": "2023-12-21"}))).await.expect(StatusCode::OK);
    w.post(&changes, &w.sam, change(11, json!({"type": "exclusion", "kind": "suspension", "from": "2023-12-21"}))).await.expect(StatusCode::UNPROCESSABLE_ENTITY).expect_fields(&["planning.education.exclusions[0].days"]);
    let care = w.care(&amy).await;
    let plan = &care["periods"][0]["planning"];
    assert_eq!((plan["school"].as_str(), plan["peps"][0].as_str()), (Some("Oldfield Park Junior School"), Some("2023-12-21")));
    assert_eq!(plan["health"][0], json!({"kind": "initial_health_assessment", "on": "2023-12-20", "score": null}));
    assert!(due(&care).contains(&("personal_education_plan".to_string(), "2024-03-31".to_string())), "by the end of the spring term: {:?}", due(&care));
    assert_eq!(plan["care_plan_agreed"], "2023-12-20");
    assert_eq!((plan["reviews"][0]["iro"].as_str(), plan["reviews"][0]["participation"].as_str()), (Some("Irene Olu"), Some("PN1")));
    assert_eq!(plan["reviews"][0]["report"]["signed_off_by"], w.uid("mo").as_str());
    assert_eq!(plan["reviews"][0]["decisions"][0], json!({"action": "Weekly contact with mother", "owner": "Sam", "due": "2024-01-05"}));
    assert_eq!(plan["missing"][0], json!({"kind": "A", "start": "2023-12-20", "end": "2023-12-21", "interview_offered": "2023-12-22", "interview_accepted": false, "interview_in_time": true}));
    assert_eq!(plan["next_report"], Value::Null);
    // The second review is due three months after the first.
    assert!(due(&care).contains(&("looked_after_review".to_string(), "2024-03-22".to_string())), "{:?}", due(&care));
}

#[tokio::test]
async fn family_time_and_the_family_contact_service_queue() {
    let w = world().await;
    let smith = w.provider(foster("The Smith household")).await;
    let amy = w.child("Amy").await;
    let r = w.post(&format!("/people/{amy}/care"), &w.sam, json!({"start": "2023-12-18", "legal_status": "C1", "category_of_need": "N1", "placement_type": "U6", "provider_id": smith})).await;
    r.expect(StatusCode::CREATED);
    let changes = format!("/care-periods/{}/changes", r.id());
    let change = |version: i64, change: Value| json!({"version": version, "change": change});
    // An arrangement with no one named and no kind; then a good one, a session and a request.
    w.post(&changes, &w.sam, change(1, json!({"type": "contact", "with": " ", "frequency": "Weekly", "court_ordered": true, "from": "2023-12-19"}))).await.expect(StatusCode::UNPROCESSABLE_ENTITY).expect_fields(&["kind"]);
    w.post(&changes, &w.sam, change(1, json!({"type": "contact", "with": " ", "kind": "direct_supervised", "frequency": "Weekly", "court_ordered": true, "from": "2023-12-19"}))).await.expect(StatusCode::UNPROCESSABLE_ENTITY).expect_fields(&["planning.contact[0].with"]);
    w.post(&changes, &w.sam, change(1, json!({"type": "contact", "with": "Jane Quill, mother", "kind": "direct_supervised", "frequency": "Weekly", "court_ordered": true, "from": "2023-12-19"}))).await.expect(StatusCode::OK);
    w.post(&changes, &w.sam, change(2, json!({"type": "contact_session", "arrangement": 1, "on": "2023-12-20", "attendance": "took_place", "observations": "Warm"}))).await.expect(StatusCode::OK);
    w.post(&changes, &w.sam, change(3, json!({"type": "contact_request", "arrangement": 9, "made": "2023-12-21", "for_proceedings": true, "supervised_for_risk": false}))).await.expect(StatusCode::UNPROCESSABLE_ENTITY).expect_fields(&["planning.contact_requests[0].arrangement"]);
    w.post(&changes, &w.sam, change(3, json!({"type": "contact_request", "arrangement": 1, "made": "2023-12-21", "for_proceedings": true, "supervised_for_risk": true}))).await.expect(StatusCode::OK);
    let q = w.get("/family-contact", &w.sam).await;
    q.expect(StatusCode::OK);
    assert_eq!((q.json[0]["person_id"].as_str(), q.json[0]["priority"].as_str(), q.json[0]["with"].as_str()), (Some(amy.as_str()), Some("proceedings"), Some("Jane Quill, mother")));
    // Bea, in another team, sees an empty queue; only a manager allocates.
    assert_eq!(w.get("/family-contact", &w.bea).await.json, json!([]));
    let allocate = change(4, json!({"type": "contact_outcome", "request": 1, "outcome": "allocated", "detail": "Kim Contact", "on": "2023-12-22"}));
    w.post(&changes, &w.sam, allocate.clone()).await.expect(StatusCode::FORBIDDEN);
    w.post(&changes, &w.mo, allocate).await.expect(StatusCode::OK);
    assert_eq!(w.get("/family-contact", &w.sam).await.json, json!([]));
    let plan = &w.care(&amy).await["periods"][0]["planning"];
    assert_eq!(plan["contact_requests"][0]["outcome_detail"], "Kim Contact");
    assert_eq!(plan["contact"][0]["sessions"][0]["attendance"], "took_place");
}

#[tokio::test]
async fn a_decision_about_care_is_proposed_authorised_by_another_manager_and_care_begins_under_it() {
    let w = world().await;
    let smith = w.provider(foster("The Smith household")).await;
    let amy = w.child("Amy").await;
    let propose = format!("/people/{amy}/care-decisions");
    // Bad input names the field; Bea (another team) cannot see Amy at all.
    let r = w.post(&propose, &w.sam, json!({"route": "adoption", "reasons": "", "planned_start": "2023-13-01"})).await;
    r.expect(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.fields(), ["route", "planned_start"]);
    let r = w.post(&propose, &w.sam, json!({"route": "section_20", "reasons": " "})).await;
    r.expect(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.fields(), ["reasons"]);
    w.post(&propose, &w.bea, json!({"route": "section_20", "reasons": "Mother in hospital"})).await.expect(StatusCode::NOT_FOUND);
    let r = w.post(&propose, &w.sam, json!({"route": "section_20", "reasons": "Mother in hospital; no family can care"})).await;
    r.expect(StatusCode::CREATED);
    let decision = r.id();
    // One decision open at a time.
    w.post(&propose, &w.sam, json!({"route": "care_order", "reasons": "Again"})).await.expect(StatusCode::UNPROCESSABLE_ENTITY);
    let care = w.care(&amy).await;
    assert_eq!((care["decisions"][0]["stage"].as_str(), care["due"][0]["kind"].as_str()), (Some("proposed"), Some("care_decision_authorisation")));
    let changes = format!("/care-decisions/{decision}/changes");
    let step = |version: i64, change: Value| json!({"version": version, "change": change});
    // Sam cannot authorise; Mo can, at the version read.
    w.post(&changes, &w.sam, step(1, json!({"type": "authorise", "agreed": true}))).await.expect(StatusCode::FORBIDDEN);
    w.post(&changes, &w.mo, step(1, json!({"type": "authorise"}))).await.expect(StatusCode::UNPROCESSABLE_ENTITY);
    w.post(&changes, &w.mo, step(1, json!({"type": "authorise", "agreed": false}))).await.expect(StatusCode::UNPROCESSABLE_ENTITY);
    w.post(&changes, &w.mo, step(1, json!({"type": "authorise", "agreed": true, "comments": "Agreed"}))).await.expect(StatusCode::OK);
    w.post(&changes, &w.mo, step(1, json!({"type": "authorise", "agreed": true}))).await.expect(StatusCode::CONFLICT);
    w.post(&changes, &w.sam, step(2, json!({"type": "notified", "whom": "school", "on": "2023-11-01"}))).await.expect(StatusCode::UNPROCESSABLE_ENTITY);
    let r = w.post(&changes, &w.sam, step(2, json!({"type": "notified", "whom": "reviewing_service", "on": "2099-01-01"}))).await;
    r.expect(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.fields(), ["notified[0].on"]);
    w.post(&changes, &w.sam, step(2, json!({"type": "meeting", "held": "2023-12-22", "attendees": "Sam, Mo, Amy's mother"}))).await.expect(StatusCode::OK);
    let care = w.care(&amy).await;
    let d = &care["decisions"][0];
    assert_eq!((d["stage"].as_str(), d["authorisation"]["comments"].as_str(), d["meeting"]["attendees"].as_str()), (Some("agreed"), Some("Agreed"), Some("Sam, Mo, Amy's mother")));
    assert_eq!(care["due"].as_array().unwrap().iter().map(|d| d["kind"].as_str().unwrap()).collect::<Vec<_>>(), ["care_notifications"]);
    // Care begins under it, at a time.
    let mut body = start(&smith);
    body["start"] = json!("2023-12-22");
    body["start_time"] = json!("25:00");
    let r = w.post(&format!("/people/{amy}/care"), &w.sam, body.clone()).await;
    r.expect(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.fields(), ["start_time"]);
    body["start_time"] = json!("21:40");
    w.post(&format!("/people/{amy}/care"), &w.sam, body).await.expect(StatusCode::CREATED);
    let care = w.care(&amy).await;
    assert_eq!((care["decisions"][0]["stage"].as_str(), care["periods"][0]["start_time"].as_str()), (Some("care_began"), Some("21:40")));
    assert_eq!(care["decisions"][0]["care_period_id"], care["periods"][0]["id"]);
    // A visit asked for by the IRO.
    let period = care["periods"][0]["id"].as_str().unwrap().to_string();
    let r = w.post(&format!("/care-periods/{period}/changes"), &w.sam, json!({"version": 1, "change": {"type": "visit_request", "by": "social_worker", "on": "2023-12-22"}})).await;
    r.expect(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.fields(), ["by"]);
    w.post(&format!("/care-periods/{period}/changes"), &w.sam, json!({"version": 1, "change": {"type": "visit_request", "by": "iro", "on": "2023-12-22"}})).await.expect(StatusCode::OK);
    let care = w.care(&amy).await;
    assert_eq!(care["periods"][0]["planning"]["visit_requests"][0]["by"], "iro");
}

#[tokio::test]
async fn short_breaks_are_recorded_break_by_break_and_never_overlap_care() {
    let w = world().await;
    let smith = w.provider(foster("The Smith household")).await;
    let amy = w.child("Amy").await;
    let path = format!("/people/{amy}/short-breaks");
    let body = |from: &str, to: &str| json!({"from": from, "to": to, "category_of_need": "N2", "placement_type": "U6", "provider_id": smith});
    w.post(&path, &w.sam, body("2023-11-03", "2023-11-05")).await.expect(StatusCode::CREATED);
    w.post(&path, &w.sam, body("2023-12-01", "2023-12-03")).await.expect(StatusCode::CREATED);
    // Overlapping, back to front, or not over yet: refused naming the field.
    for (from, to) in [("2023-11-04", "2023-11-06"), ("2023-12-10", "2023-12-08"), ("2023-12-20", "2023-12-29")] {
        let r = w.post(&path, &w.sam, body(from, to)).await;
        r.expect(StatusCode::UNPROCESSABLE_ENTITY);
        assert!(!r.fields().is_empty(), "{from}–{to}");
    }
    w.post(&path, &w.bea, body("2023-10-01", "2023-10-02")).await.expect(StatusCode::NOT_FOUND);
    let care = w.care(&amy).await;
    assert_eq!(care["looked_after"], false);
    let periods: Vec<(String, String, String)> = care["periods"].as_array().unwrap().iter().map(|p| (p["start"].as_str().unwrap().into(), p["ended"].as_str().unwrap().into(), p["legal_statuses"][0]["status"].as_str().unwrap().into())).collect();
    assert_eq!(periods, [("2023-11-03".into(), "2023-11-05".into(), "V3".into()), ("2023-12-01".into(), "2023-12-03".into(), "V3".into())]);
    // Full care cannot begin inside a break.
    let mut start = start(&smith);
    start["start"] = json!("2023-12-02");
    w.post(&format!("/people/{amy}/care"), &w.sam, start).await.expect(StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn monitoring_visits_and_contact_arrangements_changed_and_ended() {
    let w = world().await;
    let elm = w.provider(json!({"name": "Elm Lodge", "kind": "childrens_home", "placement_provider": "PR4", "urn": "SC654321", "postcode": "RG1 1AA", "places": 4})).await;
    let amy = w.child("Amy").await;
    let mut body = start(&elm);
    body["placement_type"] = json!("K2");
    let period = w.post(&format!("/people/{amy}/care"), &w.sam, body).await.id();
    let detail = w.get(&format!("/providers/{elm}"), &w.sam).await;
    assert_eq!(detail.json["provider"]["monitoring_due"], "2024-11-06", "a year after Amy was placed");
    // The visits to make by a day: Elm Lodge from its due date on; a date that is not one is refused.
    let due_by = |day: &str| format!("/providers?monitoring_due_by={day}");
    let names = |v: &Value| v.as_array().map(|a| a.iter().map(|p| p["name"].as_str().unwrap_or_default().to_string()).collect::<Vec<_>>()).unwrap_or_default();
    assert_eq!(names(&w.get(&due_by("2024-11-06"), &w.mo).await.json), ["Elm Lodge"]);
    assert!(names(&w.get(&due_by("2024-11-05"), &w.mo).await.json).is_empty());
    w.get(&due_by("next-week"), &w.mo).await.expect(StatusCode::UNPROCESSABLE_ENTITY);
    let visits = format!("/providers/{elm}/monitoring-visits");
    w.post(&visits, &w.sam, json!({"version": 1, "on": "2023-12-01"})).await.expect(StatusCode::FORBIDDEN);
    let r = w.post(&visits, &w.mo, json!({"version": 1, "on": "2024-01-01"})).await;
    r.expect(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.fields(), ["on"]);
    w.post(&visits, &w.mo, json!({"version": 1, "on": "2023-12-01"})).await.expect(StatusCode::OK);
    w.post(&visits, &w.mo, json!({"version": 1, "on": "2023-12-02"})).await.expect(StatusCode::CONFLICT);
    let detail = w.get(&format!("/providers/{elm}"), &w.sam).await;
    assert_eq!((detail.json["provider"]["monitoring_due"].as_str(), detail.json["provider"]["monitoring_visits"][0].as_str()), (Some("2024-11-29"), Some("2023-12-01")), "a year on is a Sunday: the Friday before");
    // Family time on new terms, then ended.
    let changes = format!("/care-periods/{period}/changes");
    let step = |version: i64, change: Value| json!({"version": version, "change": change});
    w.post(&changes, &w.sam, step(1, json!({"type": "contact", "with": "Jane Quill, mother", "kind": "direct_supervised", "frequency": "Weekly", "court_ordered": false, "from": "2023-11-13"}))).await.expect(StatusCode::OK);
    let r = w.post(&changes, &w.sam, step(2, json!({"type": "contact_change", "arrangement": 1, "kind": "direct_supported", "frequency": "Fortnightly", "court_ordered": false, "from": "2023-11-01"}))).await;
    r.expect(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.fields(), ["planning.contact.from"]);
    w.post(&changes, &w.sam, step(2, json!({"type": "contact_change", "arrangement": 1, "kind": "direct_supported", "frequency": "Fortnightly", "court_ordered": false, "from": "2023-12-01"}))).await.expect(StatusCode::OK);
    w.post(&changes, &w.sam, step(3, json!({"type": "contact_end", "arrangement": 1, "on": "2023-12-10"}))).await.expect(StatusCode::UNPROCESSABLE_ENTITY);
    w.post(&changes, &w.sam, step(3, json!({"type": "contact_end", "arrangement": 2, "on": "2023-12-20"}))).await.expect(StatusCode::OK);
    let r = w.post(&changes, &w.sam, step(4, json!({"type": "contact", "with": "", "person_id": uuid::Uuid::new_v4(), "kind": "indirect", "frequency": "Monthly", "court_ordered": false, "from": "2023-12-01"}))).await;
    r.expect(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.fields(), ["planning.contact.person"]);
    let contact = &w.care(&amy).await["periods"][0]["planning"]["contact"];
    let terms: Vec<(String, Option<String>)> = contact.as_array().unwrap().iter().map(|a| (a["kind"].as_str().unwrap().into(), a["until"].as_str().map(Into::into))).collect();
    assert_eq!(terms, [("direct_supervised".into(), Some("2023-11-30".into())), ("direct_supported".into(), Some("2023-12-20".into()))]);
}

#[tokio::test]
async fn an_iro_is_named_by_their_account_and_records_reviews_but_not_the_rest() {
    let w = world().await;
    let smith = w.provider(foster("The Smith household")).await;
    let amy = w.child("Amy").await;
    let period = w.post(&format!("/people/{amy}/care"), &w.sam, start(&smith)).await.id();
    let app = &w.api.app;
    let irene = add_user(app, "irene", hearth_domain::user::Role::ReviewingOfficer, None, None).await;
    let irene_token = app.create_api_token(&actor_of(&irene, std::slice::from_ref(&irene)), "tests").await.unwrap().1;
    let changes = format!("/care-periods/{period}/changes");
    // Someone who is not an IRO cannot be named as one; the account names the IRO.
    let mo = w.users["mo"].id.to_string();
    let r = w.post(&changes, &w.sam, json!({"version": 1, "change": {"type": "iro", "user_id": mo, "from": "2023-11-07"}})).await;
    r.expect(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.json.to_string().contains("planning.iro.user"), "{}", r.json);
    let r = w.post(&changes, &w.sam, json!({"version": 1, "change": {"type": "iro", "name": "", "user_id": irene.id.to_string(), "from": "2023-11-07"}})).await;
    r.expect(StatusCode::OK);
    let plan = &w.care(&amy).await["periods"][0]["planning"];
    assert_eq!((plan["iro_name"].as_str(), plan["iro_user_id"].as_str()), (Some("irene name"), Some(irene.id.to_string().as_str())));
    // Irene reads the child, asks for a visit, and may not move the child.
    w.get(&format!("/people/{amy}/care"), &irene_token).await.expect(StatusCode::OK);
    w.post(&changes, &irene_token, json!({"version": 2, "change": {"type": "visit_request", "by": "iro", "on": "2023-11-08"}})).await.expect(StatusCode::OK);
    let r = w.post(&changes, &irene_token, json!({"version": 3, "change": {"type": "move", "from": "2023-11-09", "placement_type": "U6", "provider_id": smith, "reason": "CARPL"}})).await;
    r.expect(StatusCode::FORBIDDEN);
    w.get("/children-in-care", &irene_token).await.expect(StatusCode::OK);
    w.get("/children-in-care", &w.sam).await.expect(StatusCode::FORBIDDEN);
}
