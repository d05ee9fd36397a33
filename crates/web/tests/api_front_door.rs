//! In-process tests of the front door and work-tray API (`/api/v1/contacts`, `/referrals`,
//! `/assessments`, `/people/{id}/front-door`, `/work`): the real router over a fresh SQLite
//! store per test, on a test clock set to December 2023 so the deadlines (and the bank
//! holidays they skip) are known. The journey, refusals (401, 403, 404), invalid input (422,
//! nothing saved), stale versions (409), the re-referral flag and the OpenAPI document.
use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use hearth_app::{AppError, NewContact, NewDecision};
use hearth_domain::audit::Outcome;
use hearth_domain::front_door::codes::{ReferralSource, ScreeningDecision};
use hearth_domain::front_door::contact::{Consent, Referrer};
use hearth_domain::front_door::deadlines::{assessment_deadlines, screening_deadline};
use hearth_domain::front_door::ContactId;
use hearth_domain::user::Role;
use hearth_domain::PersonId;
use serde_json::{json, Value};
use std::collections::HashMap;
use time::macros::{date, datetime};

mod support;
use support::*;

// ---------------------------------------------------------------------------------------
// The journey

/// Worker records a contact → manager decides "referral" → the referral has its deadlines
/// (national pack: decision within 1 working day, single assessment within 45 working
/// days) → worker starts, fills in and submits the assessment → the manager sees it awaiting
/// authorisation, returns it with a comment → worker resubmits → manager authorises → every
/// task is closed and the trays are empty.
#[tokio::test]
async fn the_front_door_journey_through_the_api() {
    let w = world().await;
    let amy = w.child("Amy").await;
    let jo = w.adult("Jo").await;
    let ts = w.app.config.timescales.clone();
    let national = hearth_domain::policy::Pack::national();
    assert_eq!((ts.pack.name.as_str(), ts.pack.version.as_str()), ("national", national.version.as_str()));

    // The worker records the contact.
    let before = w.audit_head().await;
    let contact = w.contact(&w.sam, contact_body(RECEIVED, &[&amy], &[&jo])).await;
    w.assert_audited(before, "contact.create", Outcome::Allowed).await;
    let path = format!("/contacts/{contact}");
    let before = w.audit_head().await;
    let r = w.get(&path, &w.sam).await;
    r.expect(StatusCode::OK);
    w.assert_audited(before, "contact.view", Outcome::Allowed).await;
    let c = &r.json;
    assert_eq!(c["id"], contact.as_str());
    assert_eq!(c["version"], 1);
    assert_eq!(c["received_at"], RECEIVED);
    assert_eq!(c["source"], "2A");
    assert_eq!(c["referrer"]["name"], "A. Teacher");
    assert_eq!(c["referrer"]["email"], "dsl@example.org");
    assert!(c["referrer"]["relationship_to_child"].is_null());
    assert_eq!(c["consent"], "not_required");
    assert_eq!(c["consent_reason"], "Asking would put the child at risk of significant harm");
    assert_eq!(c["children"], json!([{"id": amy, "kind": "child", "name": "Amy Lee", "date_of_birth": "2016-05-01", "restricted": false}]));
    assert_eq!(c["family_members"][0]["name"], "Jo Lee");
    assert_eq!(c["family_members"][0]["kind"], "adult");
    assert_eq!(c["recorded_by"], json!({"id": w.uid("sam"), "name": "sam name"}));
    assert!(c["screening"].is_null());
    assert_eq!(c["referrals"], json!([]));
    assert_eq!(c["can_decide"], false, "a social worker does not decide");
    assert_eq!(w.get(&path, &w.mo).await.json["can_decide"], true);

    // The decision task: 1 working day after Friday's contact, skipping the bank holidays.
    let screening = task(&c["tasks"], "screening_decision");
    let expected = screening_deadline(&ts.pack, &ts.calendar, START - time::Duration::minutes(15)).unwrap();
    assert_eq!(expected.due.date(), date!(2023 - 12 - 27));
    assert_eq!(screening["due"], "2023-12-27");
    assert_eq!(screening["rule"], "referral_decision");
    assert_eq!(screening["pack"], "national");
    assert_eq!(screening["pack_version"], national.version.as_str());
    assert_eq!(screening["explanation"], "due Wed 27 Dec 2023 — 1 working day after the contact on Fri 22 Dec (25 and 26 Dec are bank holidays)");
    assert_eq!(screening["explanation"], expected.explain(&ts.calendar).as_str());
    assert_eq!(screening["label"], "Decide on the contact");
    assert_eq!(screening["status"], "open");
    assert_eq!(screening["subject"], json!({"type": "contact", "id": contact}));
    assert_eq!(screening["child_id"], amy.as_str());
    assert!(screening["assignee_id"].is_null(), "in the team's tray");
    assert!(screening["done_at"].is_null());
    // It is team work: in the manager's view, in no one's own tray.
    let team = w.get("/work/team", &w.mo).await;
    team.expect(StatusCode::OK);
    assert_eq!(team.json["today"], "2023-12-22");
    assert_eq!(team.json["teams"], json!(["Team A"]));
    assert_eq!(team.json["counts"], json!({"overdue": 0, "due_today": 0, "due_this_week": 1, "later": 0, "with_someone_else": 0}));
    let sam_work = w.get("/work", &w.sam).await;
    sam_work.expect(StatusCode::OK);
    assert!(tray_tasks(&sam_work.json).is_empty(), "{}", sam_work.text);

    // The manager decides on Wednesday: one referral, with its deadline.
    w.set_clock(datetime!(2023-12-27 10:30 UTC));
    let before = w.audit_head().await;
    let referrals = w.decide(&contact, "referral", "2023-12-27T10:00:00Z").await;
    assert_eq!(referrals.len(), 1);
    let referral = referrals[0].clone();
    w.assert_audited(before, "contact.decide", Outcome::Allowed).await;
    w.assert_audited(before, "referral.create", Outcome::Allowed).await;
    // A decision is recorded once; a stale version is a conflict.
    w.post(&format!("{path}/decision"), &w.mo, json!({"version": 1, "decision": "nfa", "decided_at": "2023-12-27T10:00:00Z", "rationale": "Again"}))
        .await
        .expect_conflict(2);
    let again = w.post(&format!("{path}/decision"), &w.mo, json!({"version": 2, "decision": "nfa", "decided_at": "2023-12-27T10:00:00Z", "rationale": "Again"})).await;
    again.expect_fields(&["decision"]);
    let r = w.get(&path, &w.sam).await;
    let c = &r.json;
    assert_eq!(c["version"], 2);
    assert_eq!(c["screening"]["decision"], "referral");
    assert_eq!(c["screening"]["decided_at"], "2023-12-27T10:00:00Z");
    assert_eq!(c["screening"]["decided_by"], json!({"id": w.uid("mo"), "name": "mo name"}));
    assert_eq!(c["screening"]["rationale"], "Threshold met");
    let screening = task(&c["tasks"], "screening_decision");
    assert_eq!(screening["status"], "done");
    assert_eq!(screening["done_by"], w.uid("mo").as_str());
    assert_eq!(screening["done_at"], "2023-12-27T10:30:00Z");
    assert_eq!(c["referrals"][0]["id"], referral.as_str());
    assert_eq!(c["referrals"][0]["re_referral"], false);
    assert_eq!(c["can_decide"], false);

    // The referral: the single assessment due 45 working days after the referral date.
    let rpath = format!("/referrals/{referral}");
    let before = w.audit_head().await;
    let r = w.get(&rpath, &w.sam).await;
    r.expect(StatusCode::OK);
    w.assert_audited(before, "referral.view", Outcome::Allowed).await;
    let rj = &r.json;
    assert_eq!(rj["id"], referral.as_str());
    assert_eq!(rj["version"], 1);
    assert_eq!(rj["child_id"], amy.as_str());
    assert_eq!(rj["child"]["name"], "Amy Lee");
    assert_eq!(rj["contact_id"], contact.as_str());
    assert_eq!(rj["referral_date"], "2023-12-27");
    assert_eq!(rj["source"], "2A");
    assert!(rj["primary_need"].is_null());
    assert_eq!((rj["nfa"].clone(), rj["re_referral"].clone()), (json!(false), json!(false)));
    assert!(rj["assessment"].is_null());
    assert_eq!(rj["can_edit"], true);
    assert_eq!(rj["tasks"].as_array().unwrap().len(), 1, "the national pack sets only the single assessment: {}", r.text);
    let single = task(&rj["tasks"], "single_assessment");
    let expected = assessment_deadlines(&ts.pack, &ts.calendar, date!(2023 - 12 - 27), None).unwrap().single;
    assert_eq!(expected.due.date(), date!(2024 - 02 - 29));
    assert_eq!(single["due"], "2024-02-29");
    assert_eq!(single["rule"], "single_assessment");
    assert_eq!(single["pack"], "national");
    assert_eq!(single["pack_version"], national.version.as_str());
    assert_eq!(single["explanation"], "due Thu 29 Feb 2024 — 45 working days after the referral on Wed 27 Dec 2023 (1 Jan is a bank holiday)");
    assert_eq!(single["explanation"], expected.explain(&ts.calendar).as_str());
    assert_eq!(single["assignee_id"], w.uid("sam").as_str(), "Amy's case is Sam's");
    assert_eq!(single["subject"], json!({"type": "referral", "id": referral}));
    assert_eq!(single["status"], "open");
    // It is in Sam's tray, with the child named.
    let tray = w.get("/work", &w.sam).await;
    tray.expect(StatusCode::OK);
    assert_eq!(tray.json["today"], "2023-12-27");
    assert_eq!(tray.json["counts"], json!({"overdue": 0, "due_today": 0, "due_this_week": 0, "later": 1, "with_someone_else": 0}));
    let t = &tray.json["later"][0];
    assert_eq!(t["kind"], "single_assessment");
    assert_eq!(t["child_id"], amy.as_str());
    assert_eq!(t["child_name"], "Amy Lee");
    assert_eq!(t["assignee_name"], "sam name");
    assert_eq!(t["due"], "2024-02-29");

    // The worker starts the assessment the next day.
    w.set_clock(datetime!(2023-12-28 09:00 UTC));
    let start = format!("{rpath}/assessment");
    let before = w.audit_head().await;
    w.post(&start, &w.sam, json!({"start_date": "2023-12-26"})).await.expect_fields(&["start_date"]);
    w.post(&start, &w.sam, json!({"start_date": "2023-12-29"})).await.expect_fields(&["start_date"]);
    w.post(&start, &w.sam, json!({"start_date": "28/12/2023"})).await.expect_fields(&["start_date"]);
    w.post(&start, &w.sam, json!({})).await.expect_fields(&["start_date"]);
    w.assert_not_done(before, "assessment.create").await;
    let r = w.post(&start, &w.sam, json!({"start_date": "2023-12-28"})).await;
    r.expect(StatusCode::CREATED);
    let assessment = r.id();
    let apath = format!("/assessments/{assessment}");
    assert_eq!(r.location(), format!("/api/v1{apath}"));
    w.assert_audited(before, "assessment.create", Outcome::Allowed).await;
    w.post(&start, &w.sam, json!({"start_date": "2023-12-28"})).await.expect_fields(&["start_date"]);
    let rj = w.get(&rpath, &w.sam).await.json;
    assert_eq!(rj["assessment"]["id"], assessment.as_str());
    assert_eq!(rj["assessment"]["state"], "draft");
    assert_eq!(rj["assessment"]["start_date"], "2023-12-28");

    // A draft is not ready: submitting names what is missing.
    let before = w.audit_head().await;
    let r = w.get(&apath, &w.sam).await;
    r.expect(StatusCode::OK);
    w.assert_audited(before, "assessment.view", Outcome::Allowed).await;
    let a = &r.json;
    assert_eq!(a["version"], 1);
    assert_eq!(a["state"], "draft");
    assert_eq!(a["state_label"], "Draft");
    assert_eq!(a["referral_id"], referral.as_str());
    assert_eq!(a["referral_date"], "2023-12-27");
    assert_eq!(a["author"], json!({"id": w.uid("sam"), "name": "sam name"}));
    assert_eq!(a["child"]["name"], "Amy Lee");
    assert_eq!(a["history"], json!([]));
    assert!(a["child_seen_check"].is_null(), "the national pack has no child-seen timescale");
    let readiness: Vec<&str> = a["readiness"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
    for f in ["child_seen", "outcome", "factors", "child_voice", "parents_views", "analysis", "recommendation"] {
        assert!(readiness.contains(&f), "{f} missing from {readiness:?}");
    }
    assert_eq!((a["can_edit"].clone(), a["can_submit"].clone(), a["can_sign_off"].clone()), (json!(true), json!(true), json!(false)));
    assert_eq!(task(&a["tasks"], "single_assessment")["status"], "open");
    w.post(&format!("{apath}/submit"), &w.sam, json!({"version": 1})).await.expect_fields(&["child_seen", "outcome", "factors"]);

    // The worker fills it in.
    let before = w.audit_head().await;
    w.put(&apath, &w.sam, content(1, "2023-12-29", &["3B"])).await.expect_fields(&["child_seen"]);
    let r = w.put(&apath, &w.sam, json!({"version": 1, "child_seen": [{"date": "soon"}], "factors": ["3B", "99Z"], "outcome": "maybe", "start_date": "28 Dec"})).await;
    r.expect_fields(&["child_seen[0].date", "factors[1]", "outcome", "start_date"]);
    w.put(&apath, &w.sam, json!({"version": 1, "start_date": "2023-12-20"})).await.expect_fields(&["start_date"]);
    w.put(&apath, &w.sam, json!({"version": 1, "factors": ["21", "3B"]})).await.expect_fields(&["factors"]);
    w.put(&apath, &w.sam, json!({"version": 1, "primary_need": "N0"})).await.expect_fields(&["primary_need"]);
    w.put(&apath, &w.sam, json!({"version": 1, "analysis": "x".repeat(50_001)})).await.expect_fields(&["analysis"]);
    w.assert_not_done(before, "assessment.update").await;
    w.put(&apath, &w.sam, content(1, "2023-12-28", &["3B", "4B"])).await.expect(StatusCode::NO_CONTENT);
    w.assert_audited(before, "assessment.update", Outcome::Allowed).await;
    w.put(&apath, &w.sam, content(1, "2023-12-28", &["3B"])).await.expect_conflict(2);
    let a = w.get(&apath, &w.sam).await.json;
    assert_eq!(a["version"], 2);
    assert_eq!(a["child_seen"], json!([{"date": "2023-12-28", "seen_alone": true}]));
    assert_eq!(a["factors"], json!(["3B", "4B"]));
    assert_eq!(a["outcome"], "cin_plan");
    assert_eq!(a["readiness"], json!([]));
    assert_eq!(a["versions"].as_array().unwrap().len(), 2);
    assert_eq!(a["versions"][1]["changed_by"]["name"], "sam name");

    // … and submits it: it waits for Mo, Sam's manager.
    w.tick();
    w.post(&format!("{apath}/submit"), &w.sam, json!({"version": 1})).await.expect_conflict(2);
    let before = w.audit_head().await;
    w.post(&format!("{apath}/submit"), &w.sam, json!({"version": 2})).await.expect(StatusCode::NO_CONTENT);
    w.assert_audited(before, "assessment.submit", Outcome::Allowed).await;
    let a = w.get(&apath, &w.sam).await.json;
    assert_eq!(a["state"], "submitted");
    assert_eq!(a["state_label"], "Awaiting authorisation");
    assert_eq!(a["history"][0]["from"], "draft");
    assert_eq!(a["history"][0]["to"], "submitted");
    assert_eq!(a["history"][0]["by"]["name"], "sam name");
    assert_eq!(a["history"][0]["at"], "2023-12-28T09:10:00Z");
    assert_eq!(a["can_edit"], false);
    w.put(&apath, &w.sam, content(3, "2023-12-28", &["3B"])).await.expect_fields(&["state"]);
    let team = w.get("/work/team", &w.mo).await;
    team.expect(StatusCode::OK);
    let waiting = team.json["awaiting_authorisation"].as_array().unwrap();
    assert_eq!(waiting.len(), 1, "{}", team.text);
    assert_eq!(waiting[0]["kind"], "assessment_authorisation");
    assert_eq!(waiting[0]["subject"], json!({"type": "assessment", "id": assessment}));
    assert_eq!(waiting[0]["child_id"], amy.as_str());
    assert_eq!(waiting[0]["child_name"], "Amy Lee");
    assert_eq!(waiting[0]["assignee_id"], w.uid("mo").as_str());
    assert_eq!(waiting[0]["assignee_name"], "mo name");
    assert_eq!(waiting[0]["due"], "2024-02-29", "by the assessment's own deadline");
    assert_eq!(waiting[0]["sent_by"], w.uid("sam").as_str(), "sent by Sam");
    assert_eq!(waiting[0]["sent_at"], "2023-12-28T09:10:00Z");
    assert_eq!(team.json["overdue"], json!([]));
    // Sam's assessment task waits on Mo meanwhile: not due for Sam, not counted for the team.
    let sam_work = w.get("/work", &w.sam).await.json;
    let with_mo = sam_work["with_someone_else"].as_array().unwrap();
    assert_eq!(with_mo.len(), 1, "{sam_work}");
    assert_eq!(with_mo[0]["kind"], "single_assessment");
    assert_eq!(with_mo[0]["waiting_with"], w.uid("mo").as_str());
    assert_eq!(with_mo[0]["waiting_since"], "2023-12-28T09:10:00Z");
    assert_eq!(sam_work["counts"]["with_someone_else"], 1);
    assert!(tray_tasks(&sam_work).iter().all(|t| t["kind"] != "single_assessment"), "not in Sam's buckets");
    assert_eq!(team.json["counts"]["with_someone_else"], 0);
    let mo_work = w.get("/work", &w.mo).await.json;
    assert_eq!(tray_tasks(&mo_work).iter().filter(|t| t["kind"] == "assessment_authorisation").count(), 1);
    assert_eq!(w.get(&apath, &w.mo).await.json["can_sign_off"], true);

    // The manager returns it with a comment.
    w.tick();
    w.post(&format!("{apath}/return"), &w.mo, json!({"version": 3, "comment": "  "})).await.expect_fields(&["comment"]);
    w.post(&format!("{apath}/return"), &w.mo, json!({"version": 3})).await.expect_fields(&["comment"]);
    let before = w.audit_head().await;
    w.post(&format!("{apath}/return"), &w.mo, json!({"version": 3, "comment": "Add the school's view"})).await.expect(StatusCode::NO_CONTENT);
    w.assert_audited(before, "assessment.return", Outcome::Allowed).await;
    let a = w.get(&apath, &w.sam).await.json;
    assert_eq!(a["state"], "returned");
    assert_eq!(a["history"][1], json!({"at": "2023-12-28T09:20:00Z", "by": {"id": w.uid("mo"), "name": "mo name"}, "from": "submitted", "to": "returned", "comment": "Add the school's view"}));
    assert_eq!(w.get("/work/team", &w.mo).await.json["awaiting_authorisation"], json!([]));
    assert_eq!(w.get("/work", &w.sam).await.json["with_someone_else"], json!([]), "back with Sam");
    w.post(&format!("{apath}/authorise"), &w.mo, json!({"version": 4, "authorised_on": "2023-12-28"})).await.expect_fields(&["state"]);

    // The worker changes it and submits it again.
    w.tick();
    w.put(&apath, &w.sam, content(4, "2023-12-28", &["3B", "4B", "1B"])).await.expect(StatusCode::NO_CONTENT);
    w.post(&format!("{apath}/submit"), &w.sam, json!({"version": 5})).await.expect(StatusCode::NO_CONTENT);
    assert_eq!(w.get("/work/team", &w.mo).await.json["awaiting_authorisation"].as_array().unwrap().len(), 1);

    // The manager authorises it.
    w.tick();
    let auth = format!("{apath}/authorise");
    let before = w.audit_head().await;
    w.post(&auth, &w.mo, json!({"version": 6, "authorised_on": "2023-12-29"})).await.expect_fields(&["authorised_on"]);
    w.post(&auth, &w.mo, json!({"version": 6, "authorised_on": "2023-12-26"})).await.expect_fields(&["authorised_on"]);
    w.post(&auth, &w.mo, json!({"version": 6, "authorised_on": "today"})).await.expect_fields(&["authorised_on"]);
    w.post(&auth, &w.mo, json!({"version": 5, "authorised_on": "2023-12-28"})).await.expect_conflict(6);
    w.assert_not_done(before, "assessment.authorise").await;
    w.post(&auth, &w.mo, json!({"version": 6, "authorised_on": "2023-12-28", "comment": "Clear analysis"})).await.expect(StatusCode::NO_CONTENT);
    w.assert_audited(before, "assessment.authorise", Outcome::Allowed).await;
    w.post(&auth, &w.mo, json!({"version": 7, "authorised_on": "2023-12-28"})).await.expect_fields(&["state"]);

    // Every step is kept; every task is closed; the trays are empty of them.
    let a = w.get(&apath, &w.sam).await.json;
    assert_eq!(a["state"], "authorised");
    assert_eq!(a["authorised_on"], "2023-12-28");
    assert_eq!(a["version"], 7);
    let steps: Vec<(String, String)> = a["history"].as_array().unwrap().iter().map(|t| (t["from"].as_str().unwrap().into(), t["to"].as_str().unwrap().into())).collect();
    let expected: Vec<(String, String)> =
        [("draft", "submitted"), ("submitted", "returned"), ("returned", "submitted"), ("submitted", "authorised")].iter().map(|(a, b)| (a.to_string(), b.to_string())).collect();
    assert_eq!(steps, expected);
    assert_eq!(a["history"][3]["comment"], "Clear analysis");
    assert_eq!(a["history"][3]["by"]["name"], "mo name");
    assert_eq!(a["factors"], json!(["3B", "4B", "1B"]));
    assert_eq!(a["versions"].as_array().unwrap().len(), 7);
    assert_eq!((a["can_edit"].clone(), a["can_submit"].clone(), a["can_sign_off"].clone()), (json!(false), json!(false), json!(false)));
    let tasks = a["tasks"].as_array().unwrap();
    assert_eq!(tasks.iter().filter(|t| t["kind"] == "assessment_authorisation").count(), 2, "one for each submission");
    assert!(tasks.iter().all(|t| t["status"] == "done"), "{}", a["tasks"]);
    assert_eq!(task(&a["tasks"], "single_assessment")["done_by"], w.uid("mo").as_str());
    let rj = w.get(&rpath, &w.sam).await.json;
    assert!(rj["tasks"].as_array().unwrap().iter().all(|t| t["status"] == "done"));
    assert_eq!(rj["assessment"]["state"], "authorised");
    assert_eq!(rj["assessment"]["authorised_on"], "2023-12-28");
    for token in [&w.sam, &w.mo] {
        let tray = w.get("/work", token).await;
        tray.expect(StatusCode::OK);
        assert_eq!(tray.json["counts"], json!({"overdue": 0, "due_today": 0, "due_this_week": 0, "later": 0, "with_someone_else": 0}), "{}", tray.text);
        assert!(tray_tasks(&tray.json).is_empty());
    }
    let team = w.get("/work/team", &w.mo).await.json;
    assert_eq!(team["awaiting_authorisation"], json!([]));
    assert_eq!(team["overdue"], json!([]));
    assert_eq!(team["counts"], json!({"overdue": 0, "due_today": 0, "due_this_week": 0, "later": 0, "with_someone_else": 0}));

    // The assessment's primary need became the referral's, and the next step is offered.
    assert_eq!((rj["primary_need"].clone(), rj["version"].clone()), (json!("N1"), json!(2)));
    let a = w.get(&apath, &w.sam).await.json;
    assert_eq!((a["primary_need"].clone(), a["next_step"].clone()), (json!("N1"), json!("start_cin_plan")));
    assert!(a["episode_id"].is_string() && a["episode_id"] == rj["episode_id"], "{a}");
    assert_eq!(a["analysis"], "Neglect through poverty and low mood");

    // The referral's primary need can still be corrected.
    let before = w.audit_head().await;
    w.put(&rpath, &w.sam, json!({"version": 2, "primary_need": "N0", "nfa": false})).await.expect_fields(&["primary_need"]);
    w.put(&rpath, &w.sam, json!({"version": 2, "primary_need": "N4"})).await.expect_fields(&["nfa"]);
    w.put(&rpath, &w.sam, json!({"version": 2, "primary_need": "N4", "nfa": "no"})).await.expect_fields(&["nfa"]);
    w.assert_not_done(before, "referral.update").await;
    w.put(&rpath, &w.sam, json!({"version": 2, "primary_need": "N4", "nfa": false})).await.expect(StatusCode::NO_CONTENT);
    w.assert_audited(before, "referral.update", Outcome::Allowed).await;
    w.put(&rpath, &w.ali, json!({"version": 2, "primary_need": "N1", "nfa": false})).await.expect_conflict(3);
    let rj = w.get(&rpath, &w.sam).await.json;
    assert_eq!((rj["primary_need"].clone(), rj["version"].clone()), (json!("N4"), json!(3)));

    // The child's and the mother's front door.
    let before = w.audit_head().await;
    let fd = w.get(&format!("/people/{amy}/front-door"), &w.sam).await;
    fd.expect(StatusCode::OK);
    w.assert_audited(before, "front_door.list", Outcome::Allowed).await;
    assert_eq!(fd.json["person_id"], amy.as_str());
    assert_eq!(
        fd.json["contacts"],
        json!([{"id": contact, "received_at": RECEIVED, "source": "2A", "role": "child", "decision": "referral", "decided_at": "2023-12-27T10:00:00Z"}])
    );
    let r0 = &fd.json["referrals"][0];
    assert_eq!(r0["id"], referral.as_str());
    assert_eq!(r0["primary_need"], "N4");
    assert_eq!(r0["assessment"]["id"], assessment.as_str());
    assert_eq!(r0["assessment"]["state"], "authorised");
    assert_eq!(r0["assessment"]["state_label"], "Authorised");
    let fd = w.get(&format!("/people/{jo}/front-door"), &w.sam).await.json;
    assert_eq!(fd["contacts"][0]["role"], "family_member");
    assert_eq!(fd["referrals"], json!([]));
}

// ---------------------------------------------------------------------------------------
// Refusals

/// Every new operation, for the paths of one contact, referral, assessment and person.
fn operations(contact: &str, referral: &str, assessment: &str, person: &str) -> Vec<(Method, String, Option<Value>)> {
    vec![
        (Method::POST, "/contacts".into(), Some(contact_body(RECEIVED, &[person], &[]))),
        (Method::GET, format!("/contacts/{contact}"), None),
        (Method::POST, format!("/contacts/{contact}/decision"), Some(json!({"version": 1, "decision": "referral", "decided_at": "2023-12-22T15:40:00Z", "rationale": "x"}))),
        (Method::GET, format!("/referrals/{referral}"), None),
        (Method::PUT, format!("/referrals/{referral}"), Some(json!({"version": 1, "primary_need": null, "nfa": false}))),
        (Method::POST, format!("/referrals/{referral}/assessment"), Some(json!({"start_date": "2023-12-22"}))),
        (Method::GET, format!("/assessments/{assessment}"), None),
        (Method::PUT, format!("/assessments/{assessment}"), Some(content(1, "2023-12-22", &["21"]))),
        (Method::POST, format!("/assessments/{assessment}/submit"), Some(json!({"version": 1}))),
        (Method::POST, format!("/assessments/{assessment}/return"), Some(json!({"version": 1, "comment": "x"}))),
        (Method::POST, format!("/assessments/{assessment}/authorise"), Some(json!({"version": 1, "authorised_on": "2023-12-22"}))),
        (Method::GET, format!("/people/{person}/front-door"), None),
        (Method::GET, "/work".into(), None),
        (Method::GET, "/work/team".into(), None),
    ]
}

/// A contact about `child` (recorded by Sam, decided by Mo) with a referral and a started
/// assessment (by Sam): their ids.
#[tokio::test]
async fn the_primary_need_is_asked_for_only_when_the_outcome_is_further_action() {
    let w = world().await;
    let amy = w.child("Amy").await;
    let (_, _, assessment) = referred_and_started(&w, &amy).await;
    let apath = format!("/assessments/{assessment}");
    let body = |version: i64, outcome: &str| json!({"version": version, "child_seen": [{"date": "2023-12-22"}], "factors": ["3B"], "outcome": outcome, "child_voice": "a", "parents_views": "b", "analysis": "c", "recommendation": "d"});
    w.put(&apath, &w.sam, body(1, "cin_plan")).await.expect(StatusCode::NO_CONTENT);
    let a = w.get(&apath, &w.sam).await.json;
    assert_eq!(a["readiness"], json!([{"field": "primary_need", "message": "Select the child's primary need: the outcome is further action, so the census needs it"}]));
    w.post(&format!("{apath}/submit"), &w.sam, json!({"version": 2})).await.expect_fields(&["primary_need"]);
    w.put(&apath, &w.sam, body(2, "early_help")).await.expect(StatusCode::NO_CONTENT);
    assert_eq!(w.get(&apath, &w.sam).await.json["readiness"], json!([]), "stepping down needs no primary need");
    w.post(&format!("{apath}/submit"), &w.sam, json!({"version": 3})).await.expect(StatusCode::NO_CONTENT);
    w.post(&format!("{apath}/authorise"), &w.mo, json!({"version": 4, "authorised_on": "2023-12-22"})).await.expect(StatusCode::NO_CONTENT);
    let a = w.get(&apath, &w.sam).await.json;
    assert_eq!((a["primary_need"].clone(), a["next_step"].clone()), (json!(null), json!("close_episode")));
}

async fn referred_and_started(w: &World, child: &str) -> (String, String, String) {
    let contact = w.contact(&w.sam, contact_body(RECEIVED, &[child], &[])).await;
    let referral = w.decide(&contact, "referral", "2023-12-22T15:40:00Z").await.remove(0);
    let r = w.post(&format!("/referrals/{referral}/assessment"), &w.sam, json!({"start_date": "2023-12-22"})).await;
    r.expect(StatusCode::CREATED);
    (contact, referral, r.id())
}

#[tokio::test]
async fn every_new_endpoint_needs_a_token_of_a_user_who_may_use_the_api() {
    let w = world().await;
    let amy = w.child("Amy").await;
    let (contact, referral, assessment) = referred_and_started(&w, &amy).await;
    let before = w.audit_head().await;
    for (method, path, body) in operations(&contact, &referral, &assessment, &amy) {
        for (what, token) in [("no token", None), ("an unknown token", Some("hearth_nope")), ("an auditor's token", Some(w.auditor.as_str())), ("an administrator's token", Some(w.admin.as_str()))] {
            let r = w.call(method.clone(), &path, token, body.clone()).await;
            assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{method} {path} with {what}: {}", r.text);
            r.expect(StatusCode::UNAUTHORIZED);
            assert!(r.headers.get(header::WWW_AUTHENTICATE).is_some());
        }
    }
    // Nothing was read or changed.
    assert!(w.audit_since(before).await.iter().all(|e| e.draft.action == "api.authenticate" && e.draft.outcome == Outcome::Denied));
    assert_eq!(w.get(&format!("/contacts/{contact}"), &w.sam).await.json["version"], 2);
}

/// Auditors and administrators cannot reach the API at all (their roles have no `UseApi`,
/// so their tokens answer 401 above); the use cases behind it refuse them too.
#[tokio::test]
async fn auditors_and_administrators_are_refused_by_the_use_cases_too() {
    let w = world().await;
    let amy = w.child("Amy").await;
    let contact = w.contact(&w.sam, contact_body(RECEIVED, &[&amy], &[])).await;
    let contact_id: ContactId = contact.parse().unwrap();
    for who in ["audrey", "adam"] {
        let actor = w.actor(who);
        let new = NewContact {
            received_at: START - time::Duration::minutes(10),
            source: ReferralSource::Police,
            referrer: Referrer { name: "PC Plod".into(), ..Default::default() },
            reason: "Concern".into(),
            consent: Consent::Given,
            children: vec![amy.parse::<PersonId>().unwrap()],
            family_members: vec![],
        };
        assert!(matches!(w.app.record_contact(&actor, new).await, Err(AppError::Forbidden)), "{who} recorded a contact");
        let decision = NewDecision { decision: ScreeningDecision::Referral, decided_at: START, rationale: "x".into() };
        assert!(matches!(w.app.decide_contact(&actor, contact_id, 1, decision).await, Err(AppError::Forbidden)), "{who} decided");
        assert!(matches!(w.app.team_work(&actor, Default::default()).await, Err(AppError::Forbidden)), "{who} saw the team's work");
        assert!(matches!(w.app.contact_page(&actor, contact_id).await, Err(AppError::NotFound)), "{who} read the contact");
    }
}

#[tokio::test]
async fn only_managers_decide_return_authorise_and_see_the_team_tray() {
    let w = world().await;
    let amy = w.child("Amy").await;
    let contact = w.contact(&w.sam, contact_body(RECEIVED, &[&amy], &[])).await;
    let decision = json!({"version": 1, "decision": "referral", "decided_at": "2023-12-22T15:40:00Z", "rationale": "Threshold met"});
    for token in [&w.sam, &w.bo, &w.bea] {
        let before = w.audit_head().await;
        let r = w.post(&format!("/contacts/{contact}/decision"), token, decision.clone()).await;
        r.expect(StatusCode::FORBIDDEN);
        w.assert_audited(before, "contact.decide", Outcome::Denied).await;
        let before = w.audit_head().await;
        w.get("/work/team", token).await.expect(StatusCode::FORBIDDEN);
        w.assert_audited(before, "work.team_view", Outcome::Denied).await;
    }
    assert!(w.get(&format!("/contacts/{contact}"), &w.sam).await.json["screening"].is_null(), "nothing decided");
    let referral = w.decide(&contact, "referral", "2023-12-22T15:40:00Z").await.remove(0);
    let r = w.post(&format!("/referrals/{referral}/assessment"), &w.sam, json!({"start_date": "2023-12-22"})).await;
    let apath = format!("/assessments/{}", r.id());
    w.put(&apath, &w.sam, content(1, "2023-12-22", &["21"])).await.expect(StatusCode::NO_CONTENT);
    w.post(&format!("{apath}/submit"), &w.sam, json!({"version": 2})).await.expect(StatusCode::NO_CONTENT);
    // Workers and business support may not sign off: 403, audited, nothing changed.
    for token in [&w.sam, &w.ali, &w.bo] {
        let before = w.audit_head().await;
        w.post(&format!("{apath}/authorise"), token, json!({"version": 3, "authorised_on": "2023-12-22"})).await.expect(StatusCode::FORBIDDEN);
        w.assert_audited(before, "assessment.authorise", Outcome::Denied).await;
        let before = w.audit_head().await;
        w.post(&format!("{apath}/return"), token, json!({"version": 3, "comment": "No"})).await.expect(StatusCode::FORBIDDEN);
        w.assert_audited(before, "assessment.return", Outcome::Denied).await;
    }
    // Another worker in the team, neither author nor allocated, may not submit a returned one.
    w.post(&format!("{apath}/return"), &w.mo, json!({"version": 3, "comment": "Say more"})).await.expect(StatusCode::NO_CONTENT);
    let r = w.post(&format!("{apath}/submit"), &w.ali, json!({"version": 4})).await;
    r.expect_fields(&["sign_off"]);
    assert!(r.message("sign_off").contains("author or the allocated worker"), "{}", r.text);
    assert_eq!(w.get(&apath, &w.mo).await.json["state"], "returned");
}

#[tokio::test]
async fn records_of_children_the_caller_may_not_see_are_not_found() {
    let w = world().await;
    let amy = w.child("Amy").await;
    let (contact, referral, assessment) = referred_and_started(&w, &amy).await;
    // Bea (team B) has no relationship to Amy: every read and change is a 404, exactly as for
    // an unknown id, and the refused read is audited.
    for (method, path, body) in operations(&contact, &referral, &assessment, &amy) {
        if path.starts_with("/work") || path == "/contacts" || path.ends_with("/decision") || path.ends_with("/return") || path.ends_with("/authorise") {
            continue; // not about one record, or refused to a social worker's role first
        }
        let before = w.audit_head().await;
        let hidden = w.call(method.clone(), &path, Some(&w.bea), body.clone()).await;
        hidden.expect(StatusCode::NOT_FOUND);
        let unknown_path = path.replace(&contact, UNKNOWN_ID).replace(&referral, UNKNOWN_ID).replace(&assessment, UNKNOWN_ID).replace(&amy, UNKNOWN_ID);
        let unknown = w.call(method.clone(), &unknown_path, Some(&w.bea), body).await;
        unknown.expect(StatusCode::NOT_FOUND);
        assert_eq!(hidden.text, unknown.text, "{method} {path}");
        let entries = w.audit_since(before).await;
        assert!(entries.iter().any(|e| e.draft.outcome == Outcome::Denied), "{method} {path}: the refusal is audited");
        assert!(!entries.iter().any(|e| e.draft.outcome == Outcome::Allowed), "{method} {path}: nothing allowed");
    }
    // Nor can Bea name Amy on a contact: the id is refused like an unknown one.
    let before = w.audit_head().await;
    let r = w.post("/contacts", &w.bea, contact_body(RECEIVED, &[&amy], &[])).await;
    r.expect_fields(&["children"]);
    let unknown = w.post("/contacts", &w.bea, contact_body(RECEIVED, &[UNKNOWN_ID], &[])).await;
    assert_eq!(r.text, unknown.text);
    w.assert_not_done(before, "contact.create").await;
    // A manager of another team may not decide on it either (404 rather than 403: the role
    // allows deciding, the record is not theirs).
    let tb = w.app.add_team(None, "Team C").await.unwrap();
    let cara = add_user(&w.app, "cara", Role::TeamManager, Some(tb.id), None).await;
    let cara_token = w.app.create_api_token(&actor_of(&cara, std::slice::from_ref(&cara)), "tests").await.unwrap().1;
    let other = w.child("Ben").await;
    let fresh = w.contact(&w.sam, contact_body(RECEIVED, &[&other], &[])).await;
    let r = w.post(&format!("/contacts/{fresh}/decision"), &cara_token, json!({"version": 1, "decision": "nfa", "decided_at": "2023-12-22T15:40:00Z", "rationale": "x"})).await;
    r.expect(StatusCode::NOT_FOUND);
    w.post(&format!("/assessments/{assessment}/authorise"), &cara_token, json!({"version": 1, "authorised_on": "2023-12-22"})).await.expect(StatusCode::NOT_FOUND);
    assert!(w.get(&format!("/contacts/{fresh}"), &w.sam).await.json["screening"].is_null());

    // The team can see it: Ali (a colleague) and Mo (the manager).
    w.get(&format!("/contacts/{contact}"), &w.ali).await.expect(StatusCode::OK);
    w.get(&format!("/assessments/{assessment}"), &w.mo).await.expect(StatusCode::OK);
}

#[tokio::test]
async fn malformed_path_ids_answer_404_like_unknown_ones() {
    let w = world().await;
    let unknown = w.get(&format!("/contacts/{UNKNOWN_ID}"), &w.sam).await;
    unknown.expect(StatusCode::NOT_FOUND);
    for bad in ["not-a-uuid", "1", "01900000000070008000000000000000"] {
        for (method, path, body) in operations(bad, bad, bad, bad).into_iter().filter(|(_, p, _)| p.contains(bad)) {
            let r = w.call(method.clone(), &path, Some(&w.mo), body).await;
            r.expect(StatusCode::NOT_FOUND);
            assert_eq!(r.json, unknown.json, "{method} {path}");
        }
    }
}

/// A restricted family member is left off the contact for someone who may not open their
/// record: neither named nor counted.
#[tokio::test]
async fn a_restricted_family_member_is_not_named_on_the_contact() {
    let w = world().await;
    let amy = w.child("Amy").await;
    let jo = w.adult("Jo").await;
    let contact = w.contact(&w.sam, contact_body(RECEIVED, &[&amy], &[&jo])).await;
    w.app.set_restriction(&w.actor("mo"), jo.parse().unwrap(), 1, true, vec![w.user("mo").id], "Fled domestic abuse").await.unwrap();
    let c = w.get(&format!("/contacts/{contact}"), &w.sam).await;
    c.expect(StatusCode::OK);
    assert_eq!(c.json["family_members"], json!([]));
    assert!(!c.text.contains(&jo), "{}", c.text);
    let mo = w.get(&format!("/contacts/{contact}"), &w.mo).await;
    assert_eq!(mo.json["family_members"][0]["name"], "Jo Lee", "named to who may see them");
    assert!(!c.text.contains("Jo Lee"), "{}", c.text);
    w.get(&format!("/people/{jo}"), &w.sam).await.expect(StatusCode::NOT_FOUND);
}

// ---------------------------------------------------------------------------------------
// Invalid input

#[tokio::test]
async fn invalid_contacts_name_every_field_and_save_nothing() {
    let w = world().await;
    let amy = w.child("Amy").await;
    let jo = w.adult("Jo").await;
    let before = w.audit_head().await;
    let bad = |f: &dyn Fn(&mut Value)| {
        let mut b = contact_body(RECEIVED, &[&amy], &[&jo]);
        f(&mut b);
        b
    };
    let post = |b: Value| w.post("/contacts", &w.sam, b);
    let r = post(bad(&|b| b["source"] = json!("2Z"))).await;
    r.expect_fields(&["source"]);
    assert!(r.message("source").contains("2A"), "the codes are listed: {}", r.text);
    post(bad(&|b| b["source"] = json!(2))).await.expect_fields(&["source"]);
    for when in ["yesterday", "2023-12-22 15:30", "2023-12-22T15:30", "2023-12-22", "22/12/2023 15:30"] {
        post(bad(&|b| b["received_at"] = json!(when))).await.expect_fields(&["received_at"]);
    }
    post(bad(&|b| b["received_at"] = json!("2023-12-22T16:00:00Z"))).await.expect_fields(&["received_at"]);
    post(bad(&|b| b["children"] = json!(["nope"]))).await.expect_fields(&["children[0]"]);
    post(bad(&|b| b["family_members"] = json!([jo, "x"]))).await.expect_fields(&["family_members[1]"]);
    post(bad(&|b| b["children"] = json!([]))).await.expect_fields(&["children"]);
    post(bad(&|b| b["family_members"] = json!([amy]))).await.expect_fields(&["family_members"]);
    post(bad(&|b| b["consent"] = json!("maybe"))).await.expect_fields(&["consent"]);
    post(bad(&|b| b["consent"] = json!("not_given"))).await.expect(StatusCode::CREATED);
    let r = post(bad(&|b| {
        b["consent"] = json!("not_given");
        b["consent_reason"] = json!(" ");
    }))
    .await;
    r.expect_fields(&["consent_reason"]);
    post(bad(&|b| b["consent"] = json!("given"))).await.expect_fields(&["consent_reason"]);
    let r = post(bad(&|b| {
        b["referrer"]["name"] = json!(" ");
        b["referrer"]["email"] = json!("not an email");
        b["referrer"]["phone"] = json!("call me");
        b["reason"] = json!("");
        b["source"] = json!("nope");
    }))
    .await;
    r.expect_fields(&["referrer.name", "referrer.email", "referrer.phone", "reason", "source"]);
    assert!(!r.fields().iter().any(|f| f.starts_with("referrer_")), "the API's own names: {:?}", r.fields());
    post(bad(&|b| b["colour"] = json!("red"))).await.expect_fields(&["colour"]);
    let r = post(bad(&|b| b["referrer"]["twitter"] = json!("@x"))).await;
    r.expect(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.fields().iter().any(|f| f.starts_with("referrer")), "{}", r.text);
    post(bad(&|b| {
        b.as_object_mut().unwrap().remove("reason");
    }))
    .await
    .expect_fields(&["reason"]);
    // Rules of the use case: a child must be a child's record.
    post(bad(&|b| {
        b["children"] = json!([jo]);
        b["family_members"] = json!([]);
    }))
    .await
    .expect_fields(&["children"]);
    let r = w.call(Method::POST, "/contacts", Some(&w.sam), None).await;
    r.expect(StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let req = Request::builder()
        .method(Method::POST)
        .uri("/api/v1/contacts")
        .header(header::AUTHORIZATION, format!("Bearer {}", w.sam))
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from("{\"received_at\": "))
        .unwrap();
    w.raw(req).await.expect(StatusCode::BAD_REQUEST);
    // Only the one valid contact above was recorded.
    assert_eq!(w.steps_done(before, "contact.create").await, 1);
}

#[tokio::test]
async fn invalid_decisions_are_refused_and_nothing_is_decided() {
    let w = world().await;
    let amy = w.child("Amy").await;
    let contact = w.contact(&w.sam, contact_body(RECEIVED, &[&amy], &[])).await;
    let path = format!("/contacts/{contact}/decision");
    let before = w.audit_head().await;
    let body = |decision: &str, at: &str, rationale: &str| json!({"version": 1, "decision": decision, "decided_at": at, "rationale": rationale});
    w.post(&path, &w.mo, body("referral", "2023-12-22T15:29:59Z", "Threshold met")).await.expect_fields(&["decided_at"]);
    w.post(&path, &w.mo, body("referral", "2023-12-22T16:00:00Z", "Threshold met")).await.expect_fields(&["decided_at"]);
    w.post(&path, &w.mo, body("refer", "2023-12-22T15:40:00Z", "Threshold met")).await.expect_fields(&["decision"]);
    w.post(&path, &w.mo, body("referral", "2023-12-22T15:40", "Threshold met")).await.expect_fields(&["decided_at"]);
    w.post(&path, &w.mo, body("", "", " ")).await.expect_fields(&["decision", "decided_at", "rationale"]);
    w.post(&path, &w.mo, json!({"decision": "referral", "decided_at": "2023-12-22T15:40:00Z", "rationale": "x"})).await.expect_fields(&["version"]);
    w.post(&path, &w.mo, json!({"version": "one", "decision": "referral", "decided_at": "2023-12-22T15:40:00Z", "rationale": "x"})).await.expect_fields(&["version"]);
    w.post(&path, &w.mo, body("referral", "2023-12-22T15:40:00Z", "x")).await.expect(StatusCode::OK);
    assert_eq!(w.steps_done(before, "contact.decide").await, 1);
    // An offset is kept as the instant it names.
    let other = w.contact(&w.sam, contact_body("2023-12-22T16:30:00+01:00", &[&amy], &[])).await;
    let c = w.get(&format!("/contacts/{other}"), &w.sam).await.json;
    assert_eq!(c["received_at"], RECEIVED);
    // A decision that makes no referral closes the decision task all the same.
    let made = w.post(&format!("/contacts/{other}/decision"), &w.mo, body("advice", "2023-12-22T15:45:00Z", "Advice given to the school")).await;
    made.expect(StatusCode::OK);
    assert_eq!(made.json["referral_ids"], json!([]));
    let c = w.get(&format!("/contacts/{other}"), &w.sam).await.json;
    assert_eq!(c["referrals"], json!([]));
    assert_eq!(task(&c["tasks"], "screening_decision")["status"], "done");
}

/// A manager who wrote an assessment cannot authorise it; another manager can.
#[tokio::test]
async fn no_one_authorises_their_own_assessment() {
    let w = world().await;
    let amy = w.child("Amy").await;
    let contact = w.contact(&w.sam, contact_body(RECEIVED, &[&amy], &[])).await;
    let referral = w.decide(&contact, "strategy_discussion", "2023-12-22T15:40:00Z").await.remove(0);
    let r = w.post(&format!("/referrals/{referral}/assessment"), &w.mo, json!({"start_date": "2023-12-22"})).await;
    r.expect(StatusCode::CREATED);
    let apath = format!("/assessments/{}", r.id());
    w.put(&apath, &w.mo, content(1, "2023-12-22", &["18C"])).await.expect(StatusCode::NO_CONTENT);
    w.post(&format!("{apath}/submit"), &w.mo, json!({"version": 2})).await.expect(StatusCode::NO_CONTENT);
    let a = w.get(&apath, &w.mo).await.json;
    assert_eq!(a["author"]["name"], "mo name");
    assert_eq!((a["can_sign_off"].clone(), a["own_work"].clone()), (json!(false), json!(true)), "another manager must sign it off");
    let before = w.audit_head().await;
    let r = w.post(&format!("{apath}/authorise"), &w.mo, json!({"version": 3, "authorised_on": "2023-12-22"})).await;
    r.expect_fields(&["sign_off"]);
    assert_eq!(r.message("sign_off"), "You cannot authorise an assessment you wrote: another manager must sign it off");
    w.assert_not_done(before, "assessment.authorise").await;
    assert_eq!(w.get(&apath, &w.mo).await.json["state"], "submitted");
    // Mo submitted with no manager of his own: the sign-off waits in the team's tray.
    let waiting = w.get("/work/team", &w.max).await.json["awaiting_authorisation"].clone();
    assert_eq!(waiting.as_array().unwrap().len(), 1, "{waiting}");
    assert!(waiting[0]["assignee_id"].is_null());
    w.post(&format!("{apath}/authorise"), &w.max, json!({"version": 3, "authorised_on": "2023-12-22"})).await.expect(StatusCode::NO_CONTENT);
    let a = w.get(&apath, &w.mo).await.json;
    assert_eq!(a["state"], "authorised");
    assert_eq!(a["history"][1]["by"]["name"], "max name");
    assert!(a["history"][1]["comment"].is_null());
}

#[tokio::test]
async fn stale_versions_are_conflicts_and_save_nothing() {
    let w = world().await;
    let amy = w.child("Amy").await;
    let (contact, referral, assessment) = referred_and_started(&w, &amy).await;
    w.post(&format!("/contacts/{contact}/decision"), &w.mo, json!({"version": 1, "decision": "nfa", "decided_at": "2023-12-22T15:40:00Z", "rationale": "x"}))
        .await
        .expect_conflict(2);
    let rpath = format!("/referrals/{referral}");
    w.put(&rpath, &w.sam, json!({"version": 1, "primary_need": "N2", "nfa": false})).await.expect(StatusCode::NO_CONTENT);
    w.put(&rpath, &w.ali, json!({"version": 1, "primary_need": "N3", "nfa": false})).await.expect_conflict(2);
    assert_eq!(w.get(&rpath, &w.sam).await.json["primary_need"], "N2");
    let apath = format!("/assessments/{assessment}");
    w.put(&apath, &w.sam, content(1, "2023-12-22", &["21"])).await.expect(StatusCode::NO_CONTENT);
    w.put(&apath, &w.ali, content(1, "2023-12-22", &["1A"])).await.expect_conflict(2);
    w.post(&format!("{apath}/submit"), &w.sam, json!({"version": 1})).await.expect_conflict(2);
    w.post(&format!("{apath}/submit"), &w.sam, json!({"version": 2})).await.expect(StatusCode::NO_CONTENT);
    w.post(&format!("{apath}/return"), &w.mo, json!({"version": 2, "comment": "x"})).await.expect_conflict(3);
    let a = w.get(&apath, &w.sam).await.json;
    assert_eq!((a["state"].clone(), a["factors"].clone(), a["version"].clone()), (json!("submitted"), json!(["21"]), json!(3)));
}

/// Dates the assessment cannot have: a start before the referral, a day the child was seen
/// in the future or before the referral.
#[tokio::test]
async fn assessment_dates_are_checked_against_the_referral_and_today() {
    let w = world().await;
    let amy = w.child("Amy").await;
    w.set_clock(datetime!(2024-01-10 12:00 UTC));
    let referral = w.referral(&amy, "2024-01-09T09:00:00Z", "2024-01-09T11:00:00Z").await;
    let start = format!("/referrals/{referral}/assessment");
    let r = w.post(&start, &w.sam, json!({"start_date": "2024-01-08"})).await;
    r.expect_fields(&["start_date"]);
    assert!(r.message("start_date").contains("on or after the referral date"), "{}", r.text);
    w.post(&start, &w.sam, json!({"start_date": "2024-01-11"})).await.expect_fields(&["start_date"]);
    let r = w.post(&start, &w.sam, json!({"start_date": "2024-01-09"})).await;
    r.expect(StatusCode::CREATED);
    let apath = format!("/assessments/{}", r.id());
    let r = w.put(&apath, &w.sam, content(1, "2024-01-11", &["21"])).await;
    r.expect_fields(&["child_seen"]);
    assert!(r.message("child_seen").contains("today or in the past"), "{}", r.text);
    w.put(&apath, &w.sam, content(1, "2024-01-08", &["21"])).await.expect_fields(&["child_seen"]);
    w.put(&apath, &w.sam, json!({"version": 1, "start_date": "2024-01-05"})).await.expect_fields(&["start_date"]);
    w.put(&apath, &w.sam, json!({"version": 1, "child_seen": [{"date": "2024-01-10", "seen_alone": "yes"}]})).await.expect_fields(&["child_seen[0].seen_alone"]);
    w.put(&apath, &w.sam, json!({"version": 1, "child_seen": [{"date": "2024-01-10", "alone": true}]})).await.expect(StatusCode::UNPROCESSABLE_ENTITY);
    let a = w.get(&apath, &w.sam).await.json;
    assert_eq!((a["version"].clone(), a["child_seen"].clone()), (json!(1), json!([])));
    // Without a day seen, an explanation lets it be submitted.
    let r = w.put(&apath, &w.sam, json!({"version": 1, "not_seen_explanation": "Family refused access; police informed", "factors": ["21"], "outcome": "nfa", "child_voice": "Not seen: see why", "parents_views": "Refused to meet", "analysis": "Unknown risk", "recommendation": "Police to follow up"})).await;
    r.expect(StatusCode::NO_CONTENT);
    w.post(&format!("{apath}/submit"), &w.sam, json!({"version": 2})).await.expect(StatusCode::NO_CONTENT);
    assert_eq!(w.get(&apath, &w.sam).await.json["not_seen_explanation"], "Family refused access; police informed");
}

// ---------------------------------------------------------------------------------------
// Re-referrals, NFA and the trays over time

#[tokio::test]
async fn a_re_referral_within_twelve_months_is_flagged() {
    let w = world().await;
    let amy = w.child("Amy").await;
    let ben = w.child("Ben").await;
    let first = w.referral(&amy, RECEIVED, "2023-12-22T15:40:00Z").await;
    assert_eq!(w.get(&format!("/referrals/{first}"), &w.sam).await.json["re_referral"], false);
    // Eleven months later: a contact about Amy and Ben makes two referrals; only Amy's is a
    // re-referral.
    w.set_clock(datetime!(2024-11-20 10:00 UTC));
    let contact = w.contact(&w.sam, contact_body("2024-11-20T09:00:00Z", &[&amy, &ben], &[])).await;
    let made = w.decide(&contact, "referral", "2024-11-20T09:30:00Z").await;
    assert_eq!(made.len(), 2);
    let mut flags = HashMap::new();
    for id in &made {
        let r = w.get(&format!("/referrals/{id}"), &w.sam).await.json;
        assert_eq!(r["referral_date"], "2024-11-20");
        flags.insert(r["child_id"].as_str().unwrap().to_string(), r["re_referral"].as_bool().unwrap());
    }
    assert!(flags[&amy], "Amy was referred 11 months ago");
    assert!(!flags[&ben], "Ben's first referral");
    let c = w.get(&format!("/contacts/{contact}"), &w.sam).await.json;
    assert_eq!(c["referrals"].as_array().unwrap().len(), 2);
    let fd = w.get(&format!("/people/{amy}/front-door"), &w.sam).await.json;
    let refs = fd["referrals"].as_array().unwrap();
    assert_eq!(refs.len(), 2);
    assert_eq!((refs[0]["referral_date"].clone(), refs[0]["re_referral"].clone()), (json!("2024-11-20"), json!(true)), "newest first");
    assert_eq!((refs[1]["id"].clone(), refs[1]["re_referral"].clone()), (json!(first), json!(false)));
    assert!(refs[1]["assessment"].is_null());
    assert_eq!(fd["contacts"].as_array().unwrap().len(), 2);
    // More than twelve months after that: not a re-referral.
    w.set_clock(datetime!(2025-12-01 10:00 UTC));
    let later = w.referral(&ben, "2025-12-01T09:00:00Z", "2025-12-01T09:30:00Z").await;
    assert_eq!(w.get(&format!("/referrals/{later}"), &w.sam).await.json["re_referral"], false);
}

#[tokio::test]
async fn a_referral_closed_with_no_further_action_closes_its_tasks() {
    let w = world().await;
    let amy = w.child("Amy").await;
    let referral = w.referral(&amy, RECEIVED, "2023-12-22T15:40:00Z").await;
    assert_eq!(w.get("/work", &w.sam).await.json["counts"]["later"], 1);
    let rpath = format!("/referrals/{referral}");
    w.put(&rpath, &w.sam, json!({"version": 1, "primary_need": "N9", "nfa": true})).await.expect(StatusCode::NO_CONTENT);
    let r = w.get(&rpath, &w.sam).await.json;
    assert_eq!(r["nfa"], true);
    assert!(r["tasks"].as_array().unwrap().iter().all(|t| t["status"] == "done"));
    assert!(tray_tasks(&w.get("/work", &w.sam).await.json).is_empty());
    w.post(&format!("{rpath}/assessment"), &w.sam, json!({"start_date": "2023-12-22"})).await.expect_fields(&["start_date"]);
    // A closed referral is not reopened; a new contact is the way back in.
    w.put(&rpath, &w.sam, json!({"version": 2, "primary_need": "N9", "nfa": false})).await.expect_fields(&["nfa"]);
    assert_eq!(w.get(&rpath, &w.sam).await.json["nfa"], true);
}

/// A referral whose assessment is under way cannot be closed until the assessment is
/// authorised (its outcome can be no further action).
#[tokio::test]
async fn a_referral_with_an_unfinished_assessment_is_not_closed() {
    let w = world().await;
    let amy = w.child("Amy").await;
    let referral = w.referral(&amy, RECEIVED, "2023-12-22T15:40:00Z").await;
    let rpath = format!("/referrals/{referral}");
    w.post(&format!("{rpath}/assessment"), &w.sam, json!({"start_date": "2023-12-22"})).await.expect(StatusCode::CREATED);
    let r = w.put(&rpath, &w.sam, json!({"version": 1, "primary_need": "N1", "nfa": true})).await;
    r.expect_fields(&["nfa"]);
    assert!(r.message("nfa").contains("not finished"), "{}", r.text);
    assert_eq!(w.get(&rpath, &w.sam).await.json["nfa"], false);
}

/// Six weeks on, nothing done: the manager sees the overdue work by worker (the unallocated
/// decision task under `null`); a child the viewer may no longer see is not named.
#[tokio::test]
async fn overdue_work_is_shown_by_worker_and_hidden_children_are_not_named() {
    let w = world().await;
    let amy = w.child("Amy").await;
    let ben = w.child("Ben").await;
    let referral = w.referral(&amy, RECEIVED, "2023-12-22T15:40:00Z").await;
    let undecided = w.contact(&w.sam, contact_body(RECEIVED, &[&ben], &[])).await;
    w.set_clock(datetime!(2024-03-04 09:00 UTC));
    let team = w.get("/work/team", &w.mo).await;
    team.expect(StatusCode::OK);
    assert_eq!(team.json["today"], "2024-03-04");
    assert_eq!(team.json["counts"]["overdue"], 2, "{}", team.text);
    let overdue = team.json["overdue"].as_array().unwrap();
    assert_eq!(overdue[0]["kind"], "screening_decision", "oldest due first");
    assert_eq!(overdue[0]["subject"]["id"], undecided.as_str());
    assert_eq!(overdue[0]["child_name"], "Ben Lee");
    assert!(overdue[0]["assignee_name"].is_null());
    assert_eq!(overdue[1]["kind"], "single_assessment");
    assert_eq!(overdue[1]["subject"]["id"], referral.as_str());
    assert_eq!(overdue[1]["assignee_name"], "sam name");
    assert_eq!(
        team.json["overdue_by_worker"],
        json!([{"worker_id": null, "worker_name": null, "overdue": 1}, {"worker_id": w.uid("sam"), "worker_name": "sam name", "overdue": 1}])
    );
    let before = w.audit_head().await;
    let mine = w.get("/work", &w.sam).await;
    mine.expect(StatusCode::OK);
    w.assert_audited(before, "work.view", Outcome::Allowed).await;
    assert_eq!(mine.json["counts"], json!({"overdue": 1, "due_today": 0, "due_this_week": 0, "later": 0, "with_someone_else": 0}));
    assert_eq!(mine.json["overdue"][0]["child_name"], "Amy Lee");
    // Amy's record is restricted to Mo: Sam's tray no longer lists the task (nor her id or
    // name), it counts it as hidden, for Mo to pass on.
    let version = w.get(&format!("/people/{amy}"), &w.mo).await.json["version"].as_i64().unwrap();
    w.app.set_restriction(&w.actor("mo"), amy.parse().unwrap(), version, true, vec![w.user("mo").id], "Celebrity family").await.unwrap();
    let mine = w.get("/work", &w.sam).await.json;
    assert_eq!(mine["hidden"], 1, "{mine}");
    assert_eq!(mine["counts"]["overdue"], 0);
    assert!(!mine.to_string().contains("Amy") && !mine.to_string().contains(amy.as_str()) && !mine.to_string().contains(referral.as_str()));
    assert_eq!(w.get("/work/team", &w.mo).await.json["overdue"][1]["child_name"], "Amy Lee", "Mo is on the access list");
    w.get(&format!("/referrals/{referral}"), &w.sam).await.expect(StatusCode::NOT_FOUND);
}

// ---------------------------------------------------------------------------------------
// The document

#[tokio::test]
async fn the_openapi_document_describes_the_front_door_and_work_trays() {
    let w = world().await;
    let r = w.call(Method::GET, "/openapi.json", None, None).await;
    r.expect(StatusCode::OK);
    let doc = &r.json;
    let expected = [
        ("/contacts", &["post"][..], "front_door"),
        ("/contacts/{id}", &["get"], "front_door"),
        ("/contacts/{id}/decision", &["post"], "front_door"),
        ("/referrals/{id}", &["get", "put"], "front_door"),
        ("/referrals/{id}/assessment", &["post"], "front_door"),
        ("/assessments/{id}", &["get", "put"], "front_door"),
        ("/assessments/{id}/submit", &["post"], "front_door"),
        ("/assessments/{id}/return", &["post"], "front_door"),
        ("/assessments/{id}/authorise", &["post"], "front_door"),
        ("/people/{id}/front-door", &["get"], "front_door"),
        ("/work", &["get"], "work"),
        ("/work/team", &["get"], "work"),
    ];
    for (path, methods, tag) in expected {
        for m in methods {
            let op = &doc["paths"][path][m];
            assert!(op.is_object(), "{m} {path} missing from the document");
            assert_eq!(op["tags"], json!([tag]), "{m} {path}");
            assert!(op["responses"]["401"].is_object(), "{m} {path} does not document 401");
            assert!(op["operationId"].is_string(), "{m} {path}");
            if *m != "get" {
                assert!(op["requestBody"].is_object(), "{m} {path} has no body");
                assert!(op["responses"]["422"].is_object(), "{m} {path} does not document 422");
            }
            if path.contains("{id}") {
                assert!(op["responses"]["404"].is_object(), "{m} {path} does not document 404");
            }
        }
    }
    for (path, m) in [("/contacts/{id}/decision", "post"), ("/referrals/{id}", "put"), ("/assessments/{id}", "put"), ("/assessments/{id}/authorise", "post")] {
        assert!(doc["paths"][path][m]["responses"]["409"].is_object(), "{m} {path} does not document 409");
    }
    assert!(doc["paths"]["/work/team"]["get"]["responses"]["403"].is_object());
    assert!(doc["paths"]["/contacts"]["post"]["responses"]["201"]["headers"]["Location"].is_object());
    // Operation ids stay unique across the whole document.
    let mut ids: Vec<String> = doc["paths"].as_object().unwrap().values().flat_map(|p| p.as_object().unwrap().values().filter_map(|op| op["operationId"].as_str().map(str::to_string))).collect();
    let n = ids.len();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), n, "operation ids must be unique");
    let tags: Vec<&str> = doc["tags"].as_array().unwrap().iter().map(|t| t["name"].as_str().unwrap()).collect();
    assert!(tags.contains(&"front_door") && tags.contains(&"work"), "{tags:?}");
    // The code lists come from the domain's.
    let schemas = &doc["components"]["schemas"];
    assert!(schemas["ReferralSourceCode"]["enum"].as_array().unwrap().contains(&json!("2A")));
    assert_eq!(schemas["ReferralSourceCode"]["enum"].as_array().unwrap().len(), 22);
    assert!(schemas["ScreeningDecisionCode"]["enum"].as_array().unwrap().contains(&json!("strategy_discussion")));
    assert_eq!(schemas["PrimaryNeedCode"]["enum"].as_array().unwrap().len(), 9);
    assert!(schemas["AssessmentFactorCode"]["enum"].as_array().unwrap().contains(&json!("24A")));
    assert_eq!(schemas["AssessmentStateCode"]["enum"], json!(["draft", "submitted", "returned", "authorised"]));
    assert_eq!(schemas["ConsentCode"]["enum"], json!(["given", "not_given", "not_required"]));
    assert!(schemas["TaskKindCode"]["enum"].as_array().unwrap().contains(&json!("assessment_authorisation")));
    for s in ["CreateContact", "ContactDetail", "DecideContact", "ReferralDetail", "UpdateReferral", "AssessmentDetail", "UpdateAssessment", "WorkTray", "TeamWorkView", "DeadlineTask", "PersonFrontDoor"] {
        assert!(schemas[s].is_object(), "schema {s} missing");
    }
    assert!(schemas["CreateContact"]["properties"]["received_at"].is_object());
    assert_eq!(schemas["CreateContact"]["additionalProperties"], json!(false));
}
