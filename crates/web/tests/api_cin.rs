//! In-process tests of the children in need and child protection API (`/episodes`,
//! `/referrals/{id}/episode`, `/child-protection`): the real router over a fresh SQLite store
//! per test, on a test clock from December 2023 so every deadline (and the bank holidays it
//! skips) is known. The journey from strategy discussion to closure with its tasks and
//! trays; refusals (401, 403, 404); every invalid step of the issue (422 naming the record it
//! conflicts with, nothing saved); stale versions (409); the dashboard; the OpenAPI document.
use axum::http::{Method, StatusCode};
use hearth_domain::audit::Outcome;
use serde_json::{json, Value};
use time::macros::datetime;

mod support;
use support::*;

/// The open tasks of an episode, as (kind, due).
fn open_tasks(episode: &Value) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = episode["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["status"] == "open")
        .map(|t| (t["kind"].as_str().unwrap().to_string(), t["due"].as_str().unwrap().to_string()))
        .collect();
    v.sort();
    v
}

fn people() -> Value {
    json!([{"name": "Sam", "agency": "Children's social care", "role": "Social worker"}, {"name": "DS Khan", "agency": "Police", "role": "Detective sergeant"}])
}

impl World {
    /// Amy, referred on Friday 22 December 2023 (her contact decided by Mo): her id and her
    /// episode's id.
    async fn referred_child(&self, given: &str) -> (String, String) {
        let child = self.child(given).await;
        let referral = self.referral(&child, RECEIVED, "2023-12-22T15:40:00Z").await;
        let fd = self.get(&format!("/people/{child}/front-door"), &self.sam).await;
        fd.expect(StatusCode::OK);
        let episode = fd.json["episodes"][0]["id"].as_str().unwrap_or_else(|| panic!("no episode: {}", fd.text)).to_string();
        assert_eq!(fd.json["episodes"][0]["referral_id"], referral.as_str());
        (child, episode)
    }

    async fn episode(&self, id: &str) -> Value {
        let r = self.get(&format!("/episodes/{id}"), &self.sam).await;
        r.expect(StatusCode::OK);
        r.json.clone()
    }

    /// Posts a change at the episode's current version as `token`.
    async fn change(&self, id: &str, token: &str, change: Value) -> Res {
        let version = self.episode(id).await["version"].as_i64().unwrap();
        self.post(&format!("/episodes/{id}/changes"), token, json!({"version": version, "change": change})).await
    }

    /// Posts a change that must succeed; the step it made.
    async fn step(&self, id: &str, change: Value) -> Value {
        let r = self.change(id, &self.sam, change).await;
        r.expect(StatusCode::OK);
        r.json.clone()
    }

    /// A strategy discussion deciding on an enquiry, the enquiry and its outcome needing a
    /// conference: (strategy, enquiry).
    async fn to_conference(&self, episode: &str) -> (String, String) {
        let sd = self.step(episode, json!({"type": "strategy_discussion", "held_at": "2023-12-22T15:42:00Z", "participants": people(), "information": "Bruising on the arm", "decision": "section_47"})).await;
        let sd = sd["step_id"].as_str().unwrap().to_string();
        let q = self.step(episode, json!({"type": "start_enquiry", "strategy": sd, "start": "2023-12-22"})).await;
        let q = q["step_id"].as_str().unwrap().to_string();
        self.step(episode, json!({"type": "conclude_enquiry", "enquiry": q, "outcome": "icpc_required", "date": "2023-12-22"})).await;
        (sd, q)
    }
}

/// Strategy discussion → section 47 enquiry → initial conference → CP plan → statutory visit
/// → core group → review conference ending the plan → closure with a step-down: each step's
/// deadlines appear as the episode's tasks and in the worker's tray, and close when done.
#[tokio::test]
async fn the_child_protection_journey_through_the_api() {
    let w = world().await;
    let (amy, ep) = w.referred_child("Amy").await;
    let e = w.episode(&ep).await;
    assert_eq!((e["stage"].as_str(), e["start"].as_str(), e["version"].as_i64()), (Some("referral"), Some("2023-12-22"), Some(1)));
    assert!(open_tasks(&e).is_empty(), "nothing due in the episode yet");

    let before = w.audit_head().await;
    let sd = w.step(&ep, json!({"type": "strategy_discussion", "held_at": "2023-12-22T15:42:00Z", "participants": people(), "information": "Bruising on the arm", "decision": "section_47", "action_notes": "Police to visit"})).await;
    assert_eq!(sd["version"], 2);
    let sd = sd["step_id"].as_str().unwrap().to_string();
    assert_eq!(w.steps_done(before, "episode.strategy_discussion").await, 1);
    // 15 working days after Fri 22 Dec 2023: Christmas, Boxing Day and New Year's Day skipped.
    assert_eq!(open_tasks(&w.episode(&ep).await), [("initial_conference".to_string(), "2024-01-17".to_string())]);
    let q = w.step(&ep, json!({"type": "start_enquiry", "strategy": sd, "start": "2023-12-22"})).await["step_id"].as_str().unwrap().to_string();
    assert_eq!(w.episode(&ep).await["stage"], "section_47");
    w.set_clock(datetime!(2024-01-10 12:00 UTC));
    w.step(&ep, json!({"type": "conclude_enquiry", "enquiry": q, "outcome": "icpc_required", "date": "2024-01-02"})).await;
    let e = w.episode(&ep).await;
    assert_eq!(e["enquiries"][0]["icpc_target"], "2024-01-17");
    assert_eq!(e["enquiries"][0]["icpc_not_required"], false);

    let made = w.step(&ep, json!({"type": "initial_conference", "enquiry": q, "date": "2024-01-10", "attendees": people(), "decision": "plan", "category": "NEG"})).await;
    let plan = made["plan_id"].as_str().unwrap().to_string();
    let e = w.episode(&ep).await;
    assert_eq!(e["stage"], "child_protection_plan");
    assert_eq!((e["cp_plans"][0]["initial_category"].as_str(), e["cp_plans"][0]["previous_plans"].as_u64()), (Some("NEG"), Some(0)));
    // The conference is done; the plan's first core group and visit are due 10 working days
    // later, its first review within 3 months.
    assert_eq!(
        open_tasks(&e),
        [("core_group".into(), "2024-01-24".into()), ("review_conference".into(), "2024-04-10".into()), ("visit".into(), "2024-01-24".into())]
    );
    assert!(e["tasks"].as_array().unwrap().iter().any(|t| t["kind"] == "initial_conference" && t["status"] == "done"));
    // They are Sam's work (Amy's case is allocated to Sam).
    let tray = w.get("/work", &w.sam).await;
    let kinds: Vec<String> = tray_tasks(&tray.json).iter().map(|t| t["kind"].as_str().unwrap().to_string()).collect();
    for k in ["core_group", "review_conference", "visit"] {
        assert!(kinds.iter().any(|x| x == k), "{k} not in Sam's tray: {kinds:?}");
    }

    // A statutory visit closes the visit task and makes the next one.
    w.post(
        &format!("/people/{amy}/case-notes"),
        &w.sam,
        json!({"occurred_at": "2024-01-10T11:00", "note_type": "statutory_visit", "child_seen": true, "seen_alone": true, "significant": false, "text": "Amy seen alone at home."}),
    )
    .await
    .expect(StatusCode::CREATED);
    let visits: Vec<(String, String)> = open_tasks(&w.episode(&ep).await).into_iter().filter(|t| t.0 == "visit").collect();
    assert_eq!(visits, [("visit".to_string(), "2024-01-24".to_string())], "10 working days after the visit of Wed 10 Jan");
    w.set_clock(datetime!(2024-01-22 12:00 UTC));
    w.post(
        &format!("/people/{amy}/case-notes"),
        &w.sam,
        json!({"occurred_at": "2024-01-22T10:00", "note_type": "statutory_visit", "child_seen": true, "seen_alone": false, "significant": false, "text": "Visit."}),
    )
    .await
    .expect(StatusCode::CREATED);
    w.step(&ep, json!({"type": "core_group", "plan": plan, "date": "2024-01-22", "attendees": people(), "actions": "Health visitor weekly"})).await;
    let e = w.episode(&ep).await;
    assert_eq!(
        open_tasks(&e),
        [("core_group".into(), "2024-03-04".into()), ("review_conference".into(), "2024-04-10".into()), ("visit".into(), "2024-02-05".into())]
    );

    // The review ends the plan; with nothing else open the episode closes, stepping down.
    w.set_clock(datetime!(2024-04-09 12:00 UTC));
    w.step(&ep, json!({"type": "review_conference", "plan": plan, "date": "2024-04-08", "attendees": people(), "decision": "end", "reason": "no_longer_at_risk"})).await;
    let e = w.episode(&ep).await;
    assert_eq!(e["cp_plans"][0]["end"], "2024-04-08");
    assert_eq!(e["cp_plans"][0]["end_reason"], "no_longer_at_risk");
    assert!(open_tasks(&e).is_empty(), "the plan's tasks closed: {:?}", open_tasks(&e));
    let before = w.audit_head().await;
    w.step(&ep, json!({"type": "close", "date": "2024-04-09", "reason": "RC7", "step_down": "early_help", "services": "Family support worker"})).await;
    let e = w.episode(&ep).await;
    assert_eq!(e["stage"], "closed");
    assert_eq!((e["closure"]["reason"].as_str(), e["closure"]["step_down"].as_str()), (Some("RC7"), Some("early_help")));
    w.assert_audited(before, "episode.close", Outcome::Allowed).await;
    assert!(tray_tasks(&w.get("/work", &w.sam).await.json).iter().all(|t| t["subject"]["id"] != ep.as_str()), "nothing of the episode is left in the tray");
    // Every step is in the chronology.
    let chron = w.get(&format!("/people/{amy}/chronology?kind=child_in_need"), &w.sam).await;
    chron.expect(StatusCode::OK);
    let text = chron.text;
    for s in ["Strategy discussion", "Section 47 enquiry started", "Initial child protection conference: child protection plan (Neglect)", "Core group meeting", "plan ended", "Episode closed"] {
        assert!(text.contains(s), "{s} not in the chronology: {text}");
    }
}

#[tokio::test]
async fn invalid_steps_are_refused_naming_the_record_and_save_nothing() {
    let w = world().await;
    let (_, ep) = w.referred_child("Amy").await;
    w.set_clock(datetime!(2024-01-10 12:00 UTC));
    // A section 47 enquiry needs its strategy discussion.
    let r = w.change(&ep, &w.sam, json!({"type": "start_enquiry", "start": "2023-12-22"})).await;
    r.expect_fields(&["strategy"]);
    assert!(r.message("strategy").contains("record the strategy discussion first"), "{}", r.text);
    let (_, q) = w.to_conference(&ep).await;
    let version = w.episode(&ep).await["version"].as_i64().unwrap();
    // The initial conference cannot be before the strategy discussion.
    let r = w.change(&ep, &w.sam, json!({"type": "initial_conference", "enquiry": q, "date": "2023-12-21", "attendees": people(), "decision": "plan", "category": "PHY"})).await;
    r.expect_fields(&["date"]);
    assert!(r.message("date").contains("Fri 22 Dec 2023"), "{}", r.text);
    let plan = w.step(&ep, json!({"type": "initial_conference", "enquiry": q, "date": "2024-01-09", "attendees": people(), "decision": "plan", "category": "PHY"})).await["plan_id"]
        .as_str()
        .unwrap()
        .to_string();
    let version_with_plan = version + 1;
    let refusals = [
        (json!({"type": "review_conference", "plan": plan, "date": "2024-01-08", "attendees": people(), "decision": "continue", "category": "NEG"}), "date", "the initial conference on Tue 9 Jan 2024"),
        (json!({"type": "core_group", "plan": plan, "date": "2024-01-05", "attendees": people(), "actions": "x"}), "date", "the initial conference on Tue 9 Jan 2024"),
        (json!({"type": "end_cp_plan", "plan": plan, "end": "2024-01-02", "reason": "moved_away"}), "end", "the initial conference on Tue 9 Jan 2024"),
        (json!({"type": "end_cp_plan", "plan": plan, "end": "2024-01-10"}), "reason", "Select why the plan ended"),
        (json!({"type": "close", "date": "2024-01-10", "reason": "RC7"}), "episode", "the child protection plan started on Tue 9 Jan 2024"),
        (json!({"type": "core_group", "plan": plan, "date": "2024-01-11", "attendees": people(), "actions": "x"}), "date", "today or in the past"),
        (json!({"type": "close", "date": "2024-13-01", "reason": "RC99"}), "reason", "RC1"),
    ];
    for (change, field, message) in refusals {
        let before = w.audit_head().await;
        let r = w.change(&ep, &w.sam, change.clone()).await;
        r.expect_fields(&[field]);
        assert!(r.message(field).contains(message), "{change}: {}", r.text);
        w.assert_not_done(before, change["type"].as_str().map(|t| format!("episode.{t}")).as_deref().unwrap_or("")).await;
        assert_eq!(w.episode(&ep).await["version"], version_with_plan, "{change} saved something");
    }
    // A second plan while one is open.
    let sd = w.step(&ep, json!({"type": "strategy_discussion", "held_at": "2024-01-10T09:00:00Z", "participants": people(), "information": "New injury", "decision": "section_47"})).await;
    let q2 = w.step(&ep, json!({"type": "start_enquiry", "strategy": sd["step_id"], "start": "2024-01-10"})).await["step_id"].clone();
    w.step(&ep, json!({"type": "conclude_enquiry", "enquiry": q2, "outcome": "icpc_required", "date": "2024-01-10"})).await;
    let r = w.change(&ep, &w.sam, json!({"type": "initial_conference", "enquiry": q2, "date": "2024-01-10", "attendees": people(), "decision": "plan", "category": "EMO"})).await;
    r.expect_fields(&["decision"]);
    assert!(r.message("decision").contains("already on a child protection plan, started on Tue 9 Jan 2024"), "{}", r.text);
    assert_eq!(w.episode(&ep).await["cp_plans"].as_array().unwrap().len(), 1);
    // Closing names every open plan and enquiry.
    let r = w.change(&ep, &w.sam, json!({"type": "close", "date": "2024-01-10", "reason": "RC7"})).await;
    assert!(r.message("episode").contains("the child protection plan started on Tue 9 Jan 2024 and the section 47 enquiry started on Wed 10 Jan 2024"), "{}", r.text);
}

#[tokio::test]
async fn refusals_stale_versions_and_bad_bodies() {
    let w = world().await;
    let (_, ep) = w.referred_child("Amy").await;
    let path = format!("/episodes/{ep}");
    let change = json!({"version": 1, "change": {"type": "oversight", "note": "Reviewed", "decision": "Proceed"}});
    // No token: 401. Team B's worker: not found, like an unknown id.
    w.call(Method::GET, &path, None, None).await.expect(StatusCode::UNAUTHORIZED);
    let before = w.audit_head().await;
    w.get(&path, &w.bea).await.expect(StatusCode::NOT_FOUND);
    w.assert_audited(before, "episode.view", Outcome::Denied).await;
    let casework = json!({"version": 1, "change": {"type": "start_cin_plan", "start": "2023-12-22", "needs": "n", "outcomes": "o"}});
    w.post(&format!("{path}/changes"), &w.bea, casework).await.expect(StatusCode::NOT_FOUND);
    w.get(&format!("/episodes/{UNKNOWN_ID}"), &w.sam).await.expect(StatusCode::NOT_FOUND);
    w.get("/episodes/not-an-id", &w.sam).await.expect(StatusCode::NOT_FOUND);
    // Oversight is a manager's: 403 for the worker, audited; the manager may.
    let before = w.audit_head().await;
    w.post(&format!("{path}/changes"), &w.sam, change.clone()).await.expect(StatusCode::FORBIDDEN);
    w.assert_audited(before, "episode.oversight", Outcome::Denied).await;
    let r = w.post(&format!("{path}/changes"), &w.mo, change.clone()).await;
    r.expect(StatusCode::OK);
    assert_eq!(w.episode(&ep).await["oversight"][0]["decision"], "Proceed");
    // The same change at the old version: a conflict.
    w.post(&format!("{path}/changes"), &w.mo, change).await.expect_conflict(2);
    // Unknown change types and fields, bad dates and codes: problems, nothing saved.
    let r = w.post(&format!("{path}/changes"), &w.sam, json!({"version": 2, "change": {"type": "teleport"}})).await;
    assert!(r.status.is_client_error(), "{}", r.text);
    let r = w.post(&format!("{path}/changes"), &w.sam, json!({"version": 2, "change": {"type": "close", "date": "9 Apr", "reason": "RC7", "colour": "red"}})).await;
    assert!(r.status.is_client_error(), "{}", r.text);
    w.post(&format!("{path}/changes"), &w.sam, json!({"version": 2, "change": {"type": "close", "date": "9 Apr", "reason": "RC7"}})).await.expect_fields(&["date"]);
    w.post(&format!("{path}/changes"), &w.sam, json!({"version": 2, "change": {"type": "strategy_discussion", "held_at": "2023-12-22T15:00:00Z", "decision": "maybe"}})).await.expect_fields(&["decision"]);
    assert_eq!(w.episode(&ep).await["version"], 2);
    // A referral has one episode.
    let referral = w.episode(&ep).await["referral_id"].as_str().unwrap().to_string();
    w.post(&format!("/referrals/{referral}/episode"), &w.sam, json!({})).await.expect_fields(&["referral"]);
}

#[tokio::test]
async fn the_dashboard_shows_plans_and_overdue_work_to_managers_only() {
    let w = world().await;
    let (_, ep) = w.referred_child("Amy").await;
    w.set_clock(datetime!(2024-01-10 12:00 UTC));
    let (_, q) = w.to_conference(&ep).await;
    w.step(&ep, json!({"type": "initial_conference", "enquiry": q, "date": "2024-01-09", "attendees": people(), "decision": "plan", "category": "MUL"})).await;
    for token in [&w.sam, &w.bo] {
        let before = w.audit_head().await;
        w.get("/child-protection", token).await.expect(StatusCode::FORBIDDEN);
        w.assert_audited(before, "cp_dashboard.view", Outcome::Denied).await;
    }
    // A month on, the first core group and visit are overdue.
    w.set_clock(datetime!(2024-02-12 12:00 UTC));
    let r = w.get("/child-protection", &w.mo).await;
    r.expect(StatusCode::OK);
    let d = &r.json;
    assert_eq!(d["plans"].as_array().unwrap().len(), 1, "{}", r.text);
    assert_eq!((d["plans"][0]["episode_id"].as_str(), d["plans"][0]["latest_category"].as_str()), (Some(ep.as_str()), Some("MUL")));
    assert_eq!((d["plans"][0]["repeat"].as_bool(), d["plans"][0]["over_two_years"].as_bool()), (Some(false), Some(false)));
    let count = |list: &str, code: &str| d[list].as_array().unwrap().iter().find(|c| c["code"] == code).map(|c| c["count"].as_u64().unwrap()).unwrap();
    assert_eq!((count("by_category", "MUL"), count("by_category", "NEG"), count("by_duration", "under_3_months")), (1, 0, 1));
    let mut overdue: Vec<&str> = d["overdue"].as_array().unwrap().iter().map(|t| t["kind"].as_str().unwrap()).collect();
    overdue.sort();
    assert_eq!(overdue, ["core_group", "visit"]);
    let page = w.api.app.cp_dashboard(&w.actor("max")).await.unwrap();
    assert_eq!(page.dashboard.plans.len(), 1, "another manager of team A sees the team's plans");
}

#[tokio::test]
async fn the_openapi_document_describes_the_episode_endpoints() {
    let w = world().await;
    let r = w.call(Method::GET, "/openapi.json", None, None).await;
    r.expect(StatusCode::OK);
    for (path, method) in [("/referrals/{id}/episode", "post"), ("/episodes/{id}", "get"), ("/episodes/{id}/changes", "post"), ("/child-protection", "get")] {
        let op = &r.json["paths"][path][method];
        assert!(op.is_object(), "{method} {path} missing");
        assert_eq!(op["tags"], json!(["child_protection"]), "{method} {path}");
        assert!(op["responses"]["401"].is_object(), "{method} {path} does not document 401");
    }
    let change = r.json["components"]["schemas"]["ChangeBody"].to_string();
    for t in ["strategy_discussion", "initial_conference", "review_conference", "core_group", "close", "follow_up"] {
        assert!(change.contains(t), "ChangeBody does not describe {t}");
    }
}
