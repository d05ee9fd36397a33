//! In-process tests of the JSON API (`/api/v1`): the real router over a fresh SQLite store
//! per test, driven with `tower::ServiceExt::oneshot`. For every endpoint: unauthenticated
//! (401), forbidden (404 like an unknown id, or 403), invalid input (422, nothing saved),
//! conflicts (409), success, and the audit entry a success appends.
use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use hearth_app::auth::sha256_hex;
use hearth_app::clock::TestClock;
use hearth_app::{Actor, App, AppConfig, NewUser};
use hearth_domain::access::Subject;
use hearth_domain::audit::Outcome;
use hearth_domain::user::{Role, UserRecord};
use hearth_domain::{ApiTokenId, TeamId};
use hearth_store::{ApiTokenRecord, Store};
use hearth_store_sql::SqlStore;
use serde_json::{json, Value};
use std::sync::Arc;
use time::OffsetDateTime;

mod support;
use support::Api;

const PASSWORD: &str = "correct horse battery";
const MAX_BODY: usize = 64 * 1024;

/// A Hearth with two teams: A (two social workers and their manager) and B (one social
/// worker), and an auditor, each with an API token.
struct World {
    api: Api,
    db: std::path::PathBuf,
    /// Social worker in team A; records the test people, so they are allocated to A.
    sam: String,
    /// Another social worker in team A (sees A's records, is not the author of Sam's notes).
    ali: String,
    /// Team manager of team A.
    mo: String,
    /// Social worker in team B: no relationship to team A's records.
    bea: String,
    /// An auditor: the role has no `UseApi`.
    auditor: String,
}

impl Drop for World {
    fn drop(&mut self) {
        for ext in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{ext}", self.db.display()));
        }
    }
}

fn actor_of(user: &UserRecord) -> Actor {
    Actor { user: user.clone(), subject: Subject::from_users(user, std::slice::from_ref(user)) }
}

async fn add_user(app: &App, username: &str, role: Role, team: Option<TeamId>, manager: Option<hearth_domain::UserId>) -> UserRecord {
    app.add_user(NewUser { username: username.into(), display_name: format!("{username} name"), role, team, manager, password: PASSWORD.into() })
        .await
        .unwrap()
}

async fn token_for(app: &App, user: &UserRecord) -> String {
    app.create_api_token(&actor_of(user), "tests").await.unwrap().1
}

async fn world() -> World {
    let db = std::env::temp_dir().join(format!("hearth-api-{}.db", uuid::Uuid::new_v4()));
    let store = SqlStore::connect(&format!("sqlite://{}", db.display())).await.unwrap();
    store.migrate().await.unwrap();
    let store: Arc<dyn Store> = Arc::new(store);
    let app = App::new(store, AppConfig::default(), Arc::new(TestClock::new(OffsetDateTime::now_utc())));
    let team_a = app.add_team(None, "Team A").await.unwrap();
    let team_b = app.add_team(None, "Team B").await.unwrap();
    let mo = add_user(&app, "mo", Role::TeamManager, Some(team_a.id), None).await;
    let sam = add_user(&app, "sam", Role::SocialWorker, Some(team_a.id), Some(mo.id)).await;
    let ali = add_user(&app, "ali", Role::SocialWorker, Some(team_a.id), Some(mo.id)).await;
    let bea = add_user(&app, "bea", Role::SocialWorker, Some(team_b.id), None).await;
    let auditor = add_user(&app, "audrey", Role::Auditor, None, None).await;
    // An auditor cannot create a token (no `UseApi`); store one directly to show it is refused.
    let auditor_token = "hearth_auditor_token_for_tests".to_string();
    let mut tx = app.store.begin().await.unwrap();
    tx.insert_api_token(&ApiTokenRecord {
        id: ApiTokenId::new(),
        user: auditor.id,
        name: "smuggled".into(),
        token_hash: sha256_hex(&auditor_token),
        created_at: app.now(),
        last_used_at: None,
        revoked_at: None,
    })
    .await
    .unwrap();
    tx.commit().await.unwrap();
    let cfg = hearth_web::WebConfig { max_body_bytes: MAX_BODY, ..Default::default() };
    World {
        api: Api { router: hearth_web::router(app.clone(), cfg), app: app.clone() },
        sam: token_for(&app, &sam).await,
        ali: token_for(&app, &ali).await,
        mo: token_for(&app, &mo).await,
        bea: token_for(&app, &bea).await,
        auditor: auditor_token,
        db,
    }
}

impl std::ops::Deref for World {
    type Target = Api;

    fn deref(&self) -> &Api {
        &self.api
    }
}

impl World {
    /// Records a child through the API as Sam (team A) and returns its id.
    async fn child(&self, given: &str, family: &str, dob: &str) -> String {
        let r = self.post("/people", &self.sam, json!({"kind": "child", "given_name": given, "family_name": family, "date_of_birth": dob, "confirm_not_duplicate": true})).await;
        r.expect(StatusCode::CREATED);
        r.json["id"].as_str().unwrap().to_string()
    }

    async fn adult(&self, given: &str, family: &str) -> String {
        let r = self.post("/people", &self.sam, json!({"kind": "adult", "given_name": given, "family_name": family, "confirm_not_duplicate": true})).await;
        r.expect(StatusCode::CREATED);
        r.json["id"].as_str().unwrap().to_string()
    }

    async fn note(&self, person: &str, token: &str, text: &str) -> Value {
        let r = self.post(&format!("/people/{person}/case-notes"), token, note_body(text)).await;
        r.expect(StatusCode::CREATED);
        r.json.clone()
    }
}

fn note_body(text: &str) -> Value {
    json!({"occurred_at": "2024-03-01T10:15", "note_type": "home_visit", "child_seen": true, "seen_alone": true, "significant": true, "text": text})
}

fn full_details() -> Value {
    json!({
        "kind": "child",
        "given_name": "Amy",
        "family_name": "Lee",
        "other_names": [{"kind": "known_as", "given_name": "Ames", "family_name": "Lee"}],
        "date_of_birth": "2016-05-01",
        "sex": "F",
        "gender": "girl",
        "ethnicity": "WBRI",
        "first_language": "English",
        "disabilities": ["MOB", "COMM"],
        "nhs_number": "943 476 5919",
        "upn": null,
        "addresses": [{"lines": ["1 High Street", "Bath"], "postcode": "BA1 1AA", "from": "2020-01-01", "to": null}]
    })
}

const UNKNOWN_ID: &str = "01900000-0000-7000-8000-000000000000";

/// Every operation of the API, with a path for `person` (and its note / relationship).
fn operations(person: &str, note: &str, rel: &str) -> Vec<(Method, String, Option<Value>)> {
    vec![
        (Method::GET, "/people?q=amy".into(), None),
        (Method::POST, "/people".into(), Some(full_details())),
        (Method::GET, format!("/people/{person}"), None),
        (Method::PUT, format!("/people/{person}"), Some(json!({"version": 1, "reason": "x"}))),
        (Method::GET, format!("/people/{person}/history"), None),
        (Method::GET, format!("/people/{person}/relationships"), None),
        (Method::POST, format!("/people/{person}/relationships"), Some(json!({"role": "parent", "other_person_id": UNKNOWN_ID}))),
        (Method::POST, format!("/people/{person}/relationships/{rel}/end"), Some(json!({"version": 1, "ended": "2024-01-01"}))),
        (Method::GET, format!("/people/{person}/case-notes"), None),
        (Method::POST, format!("/people/{person}/case-notes"), Some(note_body("x"))),
        (Method::GET, format!("/people/{person}/case-notes/{note}"), None),
        (Method::PUT, format!("/people/{person}/case-notes/{note}"), Some(json!({"version": 1, "reason": "x"}))),
        (Method::GET, format!("/people/{person}/chronology"), None),
        (Method::GET, format!("/people/{person}/allocations"), None),
        (Method::POST, format!("/people/{person}/allocations"), Some(json!({"team_id": UNKNOWN_ID, "from": "2024-01-01"}))),
        (Method::GET, "/caseloads".into(), None),
        (Method::GET, "/rota".into(), None),
        (Method::POST, "/rota".into(), Some(json!({"team_id": UNKNOWN_ID, "date": "2024-01-01", "half": "am", "worker_id": UNKNOWN_ID}))),
        (Method::POST, "/rota/remove".into(), Some(json!({"team_id": UNKNOWN_ID, "date": "2024-01-01", "half": "am", "worker_id": UNKNOWN_ID}))),
        (Method::GET, "/timescales".into(), None),
    ]
}

// ---------------------------------------------------------------------------------------
// The document and the shape of errors

#[tokio::test]
async fn openapi_document_is_3_1_and_describes_every_operation() {
    let w = world().await;
    let r = w.call(Method::GET, "/openapi.json", None, None).await;
    r.expect(StatusCode::OK);
    assert!(r.content_type().starts_with("application/json"));
    let doc = &r.json;
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"), "{}", doc["openapi"]);
    assert_eq!(doc["components"]["securitySchemes"]["bearer"]["type"], "http");
    assert_eq!(doc["components"]["securitySchemes"]["bearer"]["scheme"], "bearer");
    assert_eq!(doc["security"][0]["bearer"], json!([]));
    assert_eq!(doc["servers"][0]["url"], "/api/v1");
    let expected = [
        ("/people", &["get", "post"][..]),
        ("/people/{id}", &["get", "put"]),
        ("/people/{id}/history", &["get"]),
        ("/people/{id}/relationships", &["get", "post"]),
        ("/people/{id}/relationships/{rid}/end", &["post"]),
        ("/people/{id}/case-notes", &["get", "post"]),
        ("/people/{id}/case-notes/{note_id}", &["get", "put"]),
        ("/people/{id}/chronology", &["get"]),
        ("/people/{id}/allocations", &["get", "post"]),
        ("/caseloads", &["get"]),
        ("/rota", &["get", "post"]),
        ("/rota/remove", &["post"]),
        ("/timescales", &["get"]),
    ];
    let mut operation_ids = Vec::new();
    for (path, methods) in expected {
        for m in methods {
            let op = &doc["paths"][path][m];
            assert!(op.is_object(), "{m} {path} missing from the document");
            assert!(op["responses"]["401"].is_object(), "{m} {path} does not document 401");
            operation_ids.push(op["operationId"].as_str().unwrap().to_string());
        }
    }
    let n = operation_ids.len();
    operation_ids.sort();
    operation_ids.dedup();
    assert_eq!(operation_ids.len(), n, "operation ids must be unique");
    // Code lists are generated from the domain's lists.
    let eth = &doc["components"]["schemas"]["EthnicityCode"]["enum"];
    assert!(eth.as_array().unwrap().contains(&json!("WBRI")));
    assert_eq!(doc["components"]["schemas"]["HalfDayCode"]["enum"], json!(["am", "pm"]));
    assert_eq!(doc["components"]["schemas"]["CaseloadStatusCode"]["enum"], json!(["under", "within", "over"]));
    assert!(doc["components"]["schemas"]["Problem"]["properties"]["errors"].is_object());
}

#[tokio::test]
async fn unknown_paths_and_methods_answer_problems() {
    let w = world().await;
    w.get("/nothing-here", &w.sam).await.expect(StatusCode::NOT_FOUND);
    w.call(Method::DELETE, "/people", Some(&w.sam), None).await.expect(StatusCode::METHOD_NOT_ALLOWED);
}

// ---------------------------------------------------------------------------------------
// Authentication

#[tokio::test]
async fn every_endpoint_needs_a_live_token_of_a_user_who_may_use_the_api() {
    let w = world().await;
    let person = w.child("Amy", "Lee", "2016-05-01").await;
    let note = w.note(&person, &w.sam, "Visit").await["id"].as_str().unwrap().to_string();
    // A revoked token.
    let mut tx = w.app.store.begin().await.unwrap();
    let ali_user = tx.user_by_username("ali").await.unwrap().unwrap();
    let ali_token = tx.api_tokens_of(ali_user.id).await.unwrap().remove(0);
    tx.commit().await.unwrap();
    w.app.revoke_api_token(&actor_of(&ali_user), ali_token.id).await.unwrap();

    let cookie_session = w.app.sign_in("sam", PASSWORD).await.unwrap().token;
    let before = w.audit_head().await;
    for (method, path, body) in operations(&person, &note, UNKNOWN_ID) {
        let bad: Vec<(&str, Option<String>)> = vec![
            ("no token", None),
            ("unknown token", Some("Bearer hearth_0000".into())),
            ("empty bearer", Some("Bearer ".into())),
            ("basic auth", Some("Basic c2FtOmNvcnJlY3QgaG9yc2UgYmF0dGVyeQ==".into())),
            ("the token without the scheme", Some(w.sam.clone())),
            ("a revoked token", Some(format!("Bearer {}", w.ali))),
            ("an auditor's token", Some(format!("Bearer {}", w.auditor))),
        ];
        for (what, auth) in bad {
            let mut req = Request::builder().method(method.clone()).uri(format!("/api/v1{path}"));
            if let Some(a) = auth {
                req = req.header(header::AUTHORIZATION, a);
            }
            // A signed-in browser's session cookie is not accepted either.
            req = req.header(header::COOKIE, format!("hearth_session={cookie_session}"));
            let req = match &body {
                Some(b) => req.header(header::CONTENT_TYPE, "application/json").body(Body::from(b.to_string())).unwrap(),
                None => req.body(Body::empty()).unwrap(),
            };
            let r = w.raw(req).await;
            assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{method} {path} with {what}: {}", r.text);
            r.expect(StatusCode::UNAUTHORIZED);
            let challenge = r.headers.get(header::WWW_AUTHENTICATE).and_then(|v| v.to_str().ok()).unwrap_or("");
            assert!(challenge.starts_with("Bearer"), "{method} {path} with {what}: WWW-Authenticate {challenge:?}");
        }
    }
    // Nothing was read or changed: the only entries are the refused authentications.
    let mut tx = w.app.store.begin().await.unwrap();
    let entries = tx.audit_page(before, 10_000).await.unwrap();
    drop(tx);
    assert!(entries.iter().all(|e| e.draft.action == "api.authenticate" && e.draft.outcome == hearth_domain::audit::Outcome::Denied && e.draft.person.is_none()));
    let r = w.get(&format!("/people/{person}"), &w.sam).await;
    r.expect(StatusCode::OK);
    assert_eq!(r.json["version"], 1);
}

#[tokio::test]
async fn malformed_ids_answer_404_like_unknown_ones() {
    let w = world().await;
    let person = w.child("Amy", "Lee", "2016-05-01").await;
    let unknown = w.get(&format!("/people/{UNKNOWN_ID}"), &w.sam).await;
    unknown.expect(StatusCode::NOT_FOUND);
    for bad in ["not-a-uuid", "1", "01900000000070008000000000000000", "%7B01900000-0000-7000-8000-000000000000%7D"] {
        for (method, path, body) in operations(bad, UNKNOWN_ID, UNKNOWN_ID).into_iter().filter(|(_, p, _)| p.starts_with("/people/")) {
            let r = w.call(method.clone(), &path, Some(&w.sam), body).await;
            r.expect(StatusCode::NOT_FOUND);
            assert_eq!(r.json, unknown.json, "{method} {path}");
        }
    }
    for (method, path, body) in operations(&person, "nope", "nope").into_iter().filter(|(_, p, _)| p.contains("/nope")) {
        w.call(method.clone(), &path, Some(&w.sam), body).await.expect(StatusCode::NOT_FOUND);
    }
}

// ---------------------------------------------------------------------------------------
// Bodies

#[tokio::test]
async fn bad_bodies_are_problems_and_save_nothing() {
    let w = world().await;
    let before = w.audit_head().await;
    let wr = &w;
    let send = move |ct: Option<&'static str>, body: Vec<u8>| {
        let mut req = Request::builder().method(Method::POST).uri("/api/v1/people").header(header::AUTHORIZATION, format!("Bearer {}", wr.sam));
        if let Some(ct) = ct {
            req = req.header(header::CONTENT_TYPE, ct);
        }
        wr.raw(req.body(Body::from(body)).unwrap())
    };
    let valid = full_details().to_string().into_bytes();
    send(None, valid.clone()).await.expect(StatusCode::UNSUPPORTED_MEDIA_TYPE);
    send(Some("text/plain"), valid.clone()).await.expect(StatusCode::UNSUPPORTED_MEDIA_TYPE);
    send(Some("application/x-www-form-urlencoded"), b"kind=child".to_vec()).await.expect(StatusCode::UNSUPPORTED_MEDIA_TYPE);
    send(Some("application/json"), b"{\"kind\": \"child\",".to_vec()).await.expect(StatusCode::BAD_REQUEST);
    send(Some("application/json"), b"[]".to_vec()).await.expect(StatusCode::UNPROCESSABLE_ENTITY);
    let mut big = full_details();
    big["gender"] = json!("x".repeat(MAX_BODY + 1));
    send(Some("application/json"), big.to_string().into_bytes()).await.expect(StatusCode::PAYLOAD_TOO_LARGE);
    // Wrong JSON types and missing fields name the field where serde can.
    let r = send(Some("application/json"), json!({"kind": "child", "family_name": "Lee"}).to_string().into_bytes()).await;
    r.expect_fields(&["given_name"]);
    let mut wrong = full_details();
    wrong["addresses"][0]["from"] = json!(20200101);
    send(Some("application/json"), wrong.to_string().into_bytes()).await.expect_fields(&["addresses"]);
    let mut wrong = full_details();
    wrong["given_name"] = json!(5);
    let r = send(Some("application/json"), wrong.to_string().into_bytes()).await;
    r.expect_fields(&["given_name"]);
    assert_eq!(r.json["errors"][0]["message"], "invalid type: integer `5`, expected a string");
    send(Some("application/json; charset=utf-8"), b"{\"kind\": 1}".to_vec()).await.expect(StatusCode::UNPROCESSABLE_ENTITY);
    let mut wrong = full_details();
    wrong["confirm_not_duplicate"] = json!("yes");
    send(Some("application/json"), wrong.to_string().into_bytes()).await.expect_fields(&["confirm_not_duplicate"]);
    assert_eq!(w.audit_head().await, before, "a refused body must not reach the use case");
    let found = w.get("/people?q=Lee", &w.sam).await;
    assert_eq!(found.json["results"], json!([]));
}

#[tokio::test]
async fn script_html_and_sql_are_stored_and_returned_verbatim() {
    let w = world().await;
    let nasty = "<script>alert('x')</script> <b>bold</b> '; DROP TABLE persons; -- \"quoted\" & ampersand \u{202e}";
    let mut d = full_details();
    d["given_name"] = json!("<img src=x onerror=alert(1)>");
    d["family_name"] = json!("O'Brien'); DELETE FROM persons;--");
    d["gender"] = json!(nasty);
    let r = w.post("/people", &w.sam, d).await;
    r.expect(StatusCode::CREATED);
    let id = r.json["id"].as_str().unwrap().to_string();
    let note = w.note(&id, &w.sam, nasty).await;
    assert_eq!(note["text"], nasty);
    let person = w.get(&format!("/people/{id}"), &w.sam).await;
    assert_eq!(person.json["given_name"], "<img src=x onerror=alert(1)>");
    assert_eq!(person.json["family_name"], "O'Brien'); DELETE FROM persons;--");
    assert_eq!(person.json["gender"], nasty);
    let back = w.get(&format!("/people/{id}/case-notes/{}", note["id"].as_str().unwrap()), &w.sam).await;
    assert_eq!(back.json["text"], nasty);
    assert!(back.content_type().starts_with("application/json"));
    let list = w.get(&format!("/people/{id}/case-notes"), &w.sam).await;
    assert_eq!(list.json["items"][0]["text"], nasty);
}

// ---------------------------------------------------------------------------------------
// People

#[tokio::test]
async fn search_finds_only_what_the_caller_may_see_and_is_audited() {
    let w = world().await;
    let id = w.child("Amelia", "Lee", "2016-05-01").await;
    let before = w.audit_head().await;
    let r = w.get("/people?q=amelia%20lee", &w.sam).await;
    r.expect(StatusCode::OK);
    assert_eq!(r.json["results"][0]["id"], id.as_str());
    assert_eq!(r.json["results"][0]["date_of_birth"], "2016-05-01");
    w.assert_audited(before, "person.search", Outcome::Allowed).await;
    // Typo tolerated; limit honoured.
    assert_eq!(w.get("/people?q=amelai&limit=1", &w.sam).await.json["results"][0]["id"], id.as_str());
    // Team B's worker has no relationship to the record: it is not found.
    let r = w.get("/people?q=amelia", &w.bea).await;
    r.expect(StatusCode::OK);
    assert_eq!(r.json["results"], json!([]));
    // Invalid input.
    let before = w.audit_head().await;
    w.get("/people", &w.sam).await.expect_fields(&["q"]);
    w.get("/people?q=%20%20", &w.sam).await.expect_fields(&["q"]);
    w.get("/people?q=amy&limit=0", &w.sam).await.expect_fields(&["limit"]);
    w.get("/people?q=amy&limit=101", &w.sam).await.expect_fields(&["limit"]);
    w.get("/people?q=amy&limit=ten", &w.sam).await.expect_fields(&["limit"]);
    w.get(&format!("/people?q={}", "a".repeat(201)), &w.sam).await.expect_fields(&["q"]);
    assert_eq!(w.audit_head().await, before);
    // The largest limit is accepted.
    w.get("/people?q=amy&limit=100", &w.sam).await.expect(StatusCode::OK);
}

#[tokio::test]
async fn create_person_records_everything_and_audits() {
    let w = world().await;
    let before = w.audit_head().await;
    let r = w.post("/people", &w.sam, full_details()).await;
    r.expect(StatusCode::CREATED);
    let id = r.json["id"].as_str().unwrap().to_string();
    assert_eq!(r.location(), format!("/api/v1/people/{id}"));
    assert_eq!(r.json["version"], 1);
    assert_eq!(r.json["nhs_number"], "9434765919");
    assert_eq!(r.json["ethnicity"], "WBRI");
    assert_eq!(r.json["disabilities"], json!(["MOB", "COMM"]));
    assert_eq!(r.json["other_names"][0], json!({"kind": "known_as", "given_name": "Ames", "family_name": "Lee"}));
    assert_eq!(r.json["addresses"][0], json!({"lines": ["1 High Street", "Bath"], "postcode": "BA1 1AA", "from": "2020-01-01", "to": null}));
    assert_eq!(r.json["restricted"], false);
    w.assert_audited(before, "person.create", Outcome::Allowed).await;
    // What was returned is what is stored, and GET gives the same shape back.
    let got = w.get(r.location().trim_start_matches("/api/v1"), &w.sam).await;
    got.expect(StatusCode::OK);
    assert_eq!(got.json, r.json);
}

#[tokio::test]
async fn create_person_refuses_invalid_details_with_every_field_named() {
    let w = world().await;
    let before = w.audit_head().await;
    let mut d = full_details();
    d["nhs_number"] = json!("943 476 5918");
    d["upn"] = json!("A12345678901X");
    d["ethnicity"] = json!("MARTIAN");
    d["sex"] = json!("X");
    d["disabilities"] = json!(["MOB", "NOPE"]);
    d["date_of_birth"] = json!("2016-02-30");
    d["addresses"][0]["to"] = json!("soon");
    d["other_names"][0]["kind"] = json!("nickname");
    d["given_name"] = json!("   ");
    d["favourite_colour"] = json!("blue");
    let r = w.post("/people", &w.sam, d).await;
    r.expect_fields(&[
        "nhs_number",
        "upn",
        "ethnicity",
        "sex",
        "disabilities[1]",
        "date_of_birth",
        "addresses[0].to",
        "other_names[0].kind",
        "given_name",
        "favourite_colour",
    ]);
    assert!(r.json["detail"].as_str().unwrap().contains("nothing was saved"));
    // Domain rules are enforced too: a future date of birth; a child with no date of birth.
    let mut d = full_details();
    d["date_of_birth"] = json!("2999-01-01");
    w.post("/people", &w.sam, d).await.expect_fields(&["date_of_birth"]);
    let mut d = full_details();
    d["date_of_birth"] = Value::Null;
    w.post("/people", &w.sam, d).await.expect_fields(&["date_of_birth"]);
    let mut d = full_details();
    d["kind"] = json!("alien");
    w.post("/people", &w.sam, d).await.expect_fields(&["kind"]);
    assert_eq!(w.audit_head().await, before, "nothing saved, nothing audited");
    assert_eq!(w.get("/people?q=Lee", &w.sam).await.json["results"], json!([]));
}

#[tokio::test]
async fn create_person_warns_of_possible_duplicates_until_confirmed() {
    let w = world().await;
    let first = w.post("/people", &w.sam, full_details()).await;
    first.expect(StatusCode::CREATED);
    let before = w.audit_head().await;
    // Same NHS number.
    let mut d = full_details();
    d["given_name"] = json!("Someone");
    d["family_name"] = json!("Else");
    let r = w.post("/people", &w.sam, d.clone()).await;
    r.expect(StatusCode::CONFLICT);
    let dups = r.json["possible_duplicates"].as_array().unwrap();
    assert_eq!(dups.len(), 1);
    assert_eq!(dups[0]["id"], first.json["id"]);
    assert_eq!(dups[0]["name"], "Amy Lee");
    assert_eq!(dups[0]["date_of_birth"], "2016-05-01");
    assert_eq!(dups[0]["reason"], "same_nhs_number");
    // Similar name and the same date of birth.
    let r = w.post("/people", &w.sam, json!({"kind": "child", "given_name": "Aimy", "family_name": "Lee", "date_of_birth": "2016-05-01"})).await;
    r.expect(StatusCode::CONFLICT);
    assert_eq!(r.json["possible_duplicates"][0]["reason"], "similar_name_same_date_of_birth");
    assert_eq!(w.audit_head().await, before, "nothing saved");
    // A match the caller may not see is not disclosed: team B's worker records without a warning.
    let mut other = d.clone();
    other["nhs_number"] = json!("9434765919");
    w.post("/people", &w.bea, other).await.expect(StatusCode::CREATED);
    // Confirmed: recorded.
    d["confirm_not_duplicate"] = json!(true);
    let r = w.post("/people", &w.sam, d).await;
    r.expect(StatusCode::CREATED);
    w.assert_audited(before, "person.create", Outcome::Allowed).await;
}

#[tokio::test]
async fn read_person_is_audited_and_forbidden_records_are_not_found() {
    let w = world().await;
    let id = w.child("Amy", "Lee", "2016-05-01").await;
    let before = w.audit_head().await;
    let r = w.get(&format!("/people/{id}"), &w.sam).await;
    r.expect(StatusCode::OK);
    assert_eq!(r.json["given_name"], "Amy");
    w.assert_audited(before, "person.view", Outcome::Allowed).await;
    // Team colleague and manager see it; team B's worker gets exactly what an unknown id gets.
    w.get(&format!("/people/{id}"), &w.ali).await.expect(StatusCode::OK);
    w.get(&format!("/people/{id}"), &w.mo).await.expect(StatusCode::OK);
    let before = w.audit_head().await;
    let forbidden = w.get(&format!("/people/{id}"), &w.bea).await;
    forbidden.expect(StatusCode::NOT_FOUND);
    let unknown = w.get(&format!("/people/{UNKNOWN_ID}"), &w.bea).await;
    assert_eq!(forbidden.json, unknown.json);
    assert_eq!(forbidden.text, unknown.text);
    w.assert_audited(before, "person.view", Outcome::Denied).await;
}

#[tokio::test]
async fn update_person_saves_a_version_with_its_reason() {
    let w = world().await;
    let created = w.post("/people", &w.sam, full_details()).await;
    let id = created.json["id"].as_str().unwrap().to_string();
    let path = format!("/people/{id}");

    // Success.
    let mut body = full_details();
    body["given_name"] = json!("Amie");
    body["version"] = json!(1);
    body["reason"] = json!("Spelling corrected by the school");
    let before = w.audit_head().await;
    let r = w.put(&path, &w.sam, body.clone()).await;
    r.expect(StatusCode::OK);
    assert_eq!(r.json["version"], 2);
    assert_eq!(r.json["given_name"], "Amie");
    w.assert_audited(before, "person.update", Outcome::Allowed).await;

    // Stale version: conflict, naming the current one; nothing saved.
    let mut stale = body.clone();
    stale["given_name"] = json!("Amy-Jo");
    let r = w.put(&path, &w.ali, stale).await;
    r.expect(StatusCode::CONFLICT);
    assert_eq!(r.json["current_version"], 2);

    // Invalid: nothing saved.
    let before = w.audit_head().await;
    let mut bad = body.clone();
    bad["version"] = json!(2);
    bad["nhs_number"] = json!("123");
    bad["upn"] = json!("nope");
    w.put(&path, &w.sam, bad).await.expect_fields(&["nhs_number", "upn"]);
    let mut no_reason = body.clone();
    no_reason["version"] = json!(2);
    no_reason["given_name"] = json!("Amy");
    no_reason["reason"] = Value::Null;
    w.put(&path, &w.sam, no_reason).await.expect_fields(&["reason"]);
    let mut no_version = body.clone();
    no_version.as_object_mut().unwrap().remove("version");
    w.put(&path, &w.sam, no_version).await.expect_fields(&["version"]);
    let mut typo = body.clone();
    typo["version"] = json!(2);
    typo["nhs_numbr"] = json!("9434765919");
    w.put(&path, &w.sam, typo).await.expect_fields(&["nhs_numbr"]);
    let now = w.get(&path, &w.sam).await;
    assert_eq!(now.json["version"], 2);
    assert_eq!(now.json["given_name"], "Amie");
    assert_eq!(now.json["nhs_number"], "9434765919");
    let changes: Vec<_> = w.audit_since(before).await.into_iter().filter(|e| e.draft.action == "person.update" && e.draft.outcome == Outcome::Allowed).collect();
    assert!(changes.is_empty(), "no change may be audited as made");

    // Forbidden (no relationship) and unknown: 404 alike, nothing saved.
    let mut ok = body.clone();
    ok["version"] = json!(2);
    ok["given_name"] = json!("Hacked");
    w.put(&path, &w.bea, ok.clone()).await.expect(StatusCode::NOT_FOUND);
    w.put(&format!("/people/{UNKNOWN_ID}"), &w.sam, ok).await.expect(StatusCode::NOT_FOUND);
    assert_eq!(w.get(&path, &w.sam).await.json["given_name"], "Amie");
}

#[tokio::test]
async fn history_lists_versions_and_fact_changes() {
    let w = world().await;
    let created = w.post("/people", &w.sam, full_details()).await;
    let id = created.json["id"].as_str().unwrap().to_string();
    let mut body = full_details();
    body["ethnicity"] = json!("WIRI");
    body["version"] = json!(1);
    body["reason"] = json!("Told by the family");
    w.put(&format!("/people/{id}"), &w.sam, body).await.expect(StatusCode::OK);
    let before = w.audit_head().await;
    let r = w.get(&format!("/people/{id}/history"), &w.sam).await;
    r.expect(StatusCode::OK);
    assert_eq!(r.json["current_version"], 2);
    assert_eq!(r.json["versions"].as_array().unwrap().len(), 2);
    assert_eq!(r.json["versions"][0]["details"]["ethnicity"], "WBRI");
    assert_eq!(r.json["versions"][1]["reason"], "Told by the family");
    let change = r.json["changes"].as_array().unwrap().iter().find(|c| c["version"] == 2).unwrap().clone();
    assert_eq!(change["fact"], "Ethnicity");
    assert_eq!(change["before"], "White British");
    assert_eq!(change["after"], "White Irish");
    assert_eq!(change["changed_by_name"], "sam name");
    w.assert_audited(before, "person.history", Outcome::Allowed).await;
    w.get(&format!("/people/{id}/history"), &w.bea).await.expect(StatusCode::NOT_FOUND);
    w.get(&format!("/people/{UNKNOWN_ID}/history"), &w.sam).await.expect(StatusCode::NOT_FOUND);
}

// ---------------------------------------------------------------------------------------
// Relationships

#[tokio::test]
async fn relationships_are_added_listed_and_ended() {
    let w = world().await;
    let child = w.child("Amy", "Lee", "2016-05-01").await;
    let mum = w.adult("Jo", "Lee").await;
    let rels = format!("/people/{child}/relationships");

    // Add.
    let before = w.audit_head().await;
    let r = w.post(&rels, &w.sam, json!({"role": "parent", "other_person_id": mum, "started": "2016-05-01", "note": "Birth mother"})).await;
    r.expect(StatusCode::CREATED);
    assert_eq!(r.location(), format!("/api/v1{rels}"));
    assert_eq!(r.json["role"], "parent");
    assert_eq!(r.json["other_person_id"], mum.as_str());
    assert_eq!(r.json["version"], 1);
    let rid = r.json["id"].as_str().unwrap().to_string();
    w.assert_audited(before, "relationship.create", Outcome::Allowed).await;

    // List, from both sides.
    let before = w.audit_head().await;
    let r = w.get(&rels, &w.sam).await;
    r.expect(StatusCode::OK);
    let m = &r.json["members"][0];
    assert_eq!(m["relationship"]["role"], "parent");
    assert_eq!(m["person"]["given_name"], "Jo");
    assert_eq!(m["can_open"], true);
    w.assert_audited(before, "person.family", Outcome::Allowed).await;
    let r = w.get(&format!("/people/{mum}/relationships"), &w.sam).await;
    assert_eq!(r.json["members"][0]["relationship"]["role"], "child");

    // Invalid input: nothing saved.
    let before = w.audit_head().await;
    w.post(&rels, &w.sam, json!({"role": "cousin", "other_person_id": "x", "started": "May 2016"})).await.expect_fields(&["role", "other_person_id", "started"]);
    w.post(&rels, &w.sam, json!({"role": "parent", "other_person_id": mum, "colour": "red"})).await.expect_fields(&["colour"]);
    w.post(&rels, &w.sam, json!({"other_person_id": mum})).await.expect_fields(&["role"]);
    assert_eq!(w.audit_head().await, before);
    w.post(&rels, &w.sam, json!({"role": "parent", "other_person_id": child})).await.expect_fields(&["other_person_id"]);
    w.post(&rels, &w.sam, json!({"role": "parent", "other_person_id": mum, "started": "2999-01-01"})).await.expect_fields(&["started"]);
    // Linking to a record the caller cannot see (team B's) or that does not exist.
    let hidden = {
        let r = w.post("/people", &w.bea, json!({"kind": "adult", "given_name": "Hidden", "family_name": "Person"})).await;
        r.json["id"].as_str().unwrap().to_string()
    };
    w.post(&rels, &w.sam, json!({"role": "parent", "other_person_id": hidden})).await.expect_fields(&["other_person_id"]);
    w.post(&rels, &w.sam, json!({"role": "parent", "other_person_id": UNKNOWN_ID})).await.expect_fields(&["other_person_id"]);
    assert_eq!(w.get(&rels, &w.sam).await.json["members"].as_array().unwrap().len(), 1);

    // Forbidden: team B's worker cannot list or add (404 as for an unknown person).
    w.get(&rels, &w.bea).await.expect(StatusCode::NOT_FOUND);
    w.post(&rels, &w.bea, json!({"role": "parent", "other_person_id": hidden})).await.expect(StatusCode::NOT_FOUND);
    w.get(&format!("/people/{UNKNOWN_ID}/relationships"), &w.sam).await.expect(StatusCode::NOT_FOUND);

    // End.
    let end = format!("{rels}/{rid}/end");
    w.post(&end, &w.sam, json!({"version": 1, "ended": "someday"})).await.expect_fields(&["ended"]);
    w.post(&end, &w.sam, json!({"version": 1, "ended": "2015-01-01"})).await.expect_fields(&["ended"]);
    w.post(&end, &w.sam, json!({"version": 1, "ended": "2999-01-01"})).await.expect_fields(&["ended"]);
    w.post(&end, &w.sam, json!({"version": 1})).await.expect_fields(&["ended"]);
    w.post(&end, &w.bea, json!({"version": 1, "ended": "2024-01-01"})).await.expect(StatusCode::NOT_FOUND);
    w.post(&format!("{rels}/{UNKNOWN_ID}/end"), &w.sam, json!({"version": 1, "ended": "2024-01-01"})).await.expect(StatusCode::NOT_FOUND);
    // A relationship of someone else is not found through this person.
    let other_child = w.child("Ben", "Ray", "2015-01-01").await;
    w.post(&format!("/people/{other_child}/relationships/{rid}/end"), &w.sam, json!({"version": 1, "ended": "2024-01-01"})).await.expect(StatusCode::NOT_FOUND);
    assert_eq!(w.get(&rels, &w.sam).await.json["members"][0]["relationship"]["ended"], Value::Null);

    let before = w.audit_head().await;
    let r = w.post(&end, &w.sam, json!({"version": 1, "ended": "2024-01-01"})).await;
    r.expect(StatusCode::NO_CONTENT);
    assert!(r.text.is_empty());
    w.assert_audited(before, "relationship.end", Outcome::Allowed).await;
    let listed = w.get(&rels, &w.sam).await;
    assert_eq!(listed.json["members"][0]["relationship"]["ended"], "2024-01-01");
    assert_eq!(listed.json["members"][0]["relationship"]["version"], 2);
    // Stale version: conflict.
    let r = w.post(&end, &w.sam, json!({"version": 1, "ended": "2024-02-01"})).await;
    r.expect(StatusCode::CONFLICT);
    assert_eq!(r.json["current_version"], 2);
    assert_eq!(w.get(&rels, &w.sam).await.json["members"][0]["relationship"]["ended"], "2024-01-01");
}

// ---------------------------------------------------------------------------------------
// Case notes and the chronology

#[tokio::test]
async fn case_notes_are_recorded_listed_and_read_with_audit() {
    let w = world().await;
    let child = w.child("Amy", "Lee", "2016-05-01").await;
    let notes = format!("/people/{child}/case-notes");

    let before = w.audit_head().await;
    let r = w.post(&notes, &w.sam, note_body("Home visit: Amy was well.")).await;
    r.expect(StatusCode::CREATED);
    let nid = r.json["id"].as_str().unwrap().to_string();
    assert_eq!(r.location(), format!("/api/v1{notes}/{nid}"));
    assert_eq!(r.json["occurred_at"], "2024-03-01T10:15:00");
    assert_eq!(r.json["note_type"], "home_visit");
    assert_eq!(r.json["child_seen"], true);
    assert_eq!(r.json["version"], 1);
    assert_eq!(r.json["author_name"], "sam name");
    w.assert_audited(before, "case_note.create", Outcome::Allowed).await;

    // Seconds are accepted; optional flags default to false.
    let r = w.post(&notes, &w.ali, json!({"occurred_at": "2024-03-02T08:00:30", "note_type": "phone_call", "child_seen": false, "text": "Called school"})).await;
    r.expect(StatusCode::CREATED);
    assert_eq!(r.json["significant"], false);

    let before = w.audit_head().await;
    let r = w.get(&notes, &w.sam).await;
    r.expect(StatusCode::OK);
    assert_eq!(r.json["total"], 2);
    assert_eq!(r.json["limit"], 20);
    assert_eq!(r.json["items"][0]["note_type"], "phone_call", "newest event first");
    w.assert_audited(before, "case_note.list", Outcome::Allowed).await;
    let r = w.get(&format!("{notes}?limit=1&offset=1"), &w.sam).await;
    assert_eq!(r.json["items"].as_array().unwrap().len(), 1);
    assert_eq!(r.json["items"][0]["id"], nid.as_str());
    assert_eq!(r.json["offset"], 1);
    w.get(&format!("{notes}?limit=0"), &w.sam).await.expect_fields(&["limit"]);
    w.get(&format!("{notes}?limit=500"), &w.sam).await.expect_fields(&["limit"]);
    w.get(&format!("{notes}?offset=-1"), &w.sam).await.expect_fields(&["offset"]);

    let before = w.audit_head().await;
    let r = w.get(&format!("{notes}/{nid}"), &w.sam).await;
    r.expect(StatusCode::OK);
    assert_eq!(r.json["text"], "Home visit: Amy was well.");
    assert_eq!(r.json["versions"].as_array().unwrap().len(), 1);
    assert_eq!(r.json["versions"][0]["reason"], Value::Null);
    w.assert_audited(before, "case_note.view", Outcome::Allowed).await;

    // Forbidden and unknown: 404 alike.
    w.get(&notes, &w.bea).await.expect(StatusCode::NOT_FOUND);
    w.get(&format!("{notes}/{nid}"), &w.bea).await.expect(StatusCode::NOT_FOUND);
    w.post(&notes, &w.bea, note_body("Should not be saved")).await.expect(StatusCode::NOT_FOUND);
    w.get(&format!("{notes}/{UNKNOWN_ID}"), &w.sam).await.expect(StatusCode::NOT_FOUND);
    w.get(&format!("/people/{UNKNOWN_ID}/case-notes"), &w.sam).await.expect(StatusCode::NOT_FOUND);
    // A note is not found through another person.
    let other = w.child("Ben", "Ray", "2015-01-01").await;
    w.get(&format!("/people/{other}/case-notes/{nid}"), &w.sam).await.expect(StatusCode::NOT_FOUND);
    assert_eq!(w.get(&notes, &w.sam).await.json["total"], 2);
}

#[tokio::test]
async fn one_note_is_recorded_for_siblings_through_the_api() {
    let w = world().await;
    let amy = w.child("Amy", "Lee", "2016-05-01").await;
    let ben = w.child("Ben", "Lee", "2018-02-03").await;
    let stranger = w.child("Cal", "Ray", "2017-01-01").await;
    w.post(&format!("/people/{amy}/relationships"), &w.sam, json!({"role": "sibling", "other_person_id": ben})).await.expect(StatusCode::CREATED);
    let notes = format!("/people/{amy}/case-notes");
    let mut body = note_body("Home visit: both children well.");
    body["also_for"] = json!([stranger]);
    w.post(&notes, &w.sam, body.clone()).await.expect_fields(&["also_for"]);
    body["also_for"] = json!(["not an id"]);
    w.post(&notes, &w.sam, body.clone()).await.expect(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(w.get(&notes, &w.sam).await.json["total"], 0, "nothing saved");
    body["also_for"] = json!([ben]);
    let r = w.post(&notes, &w.sam, body).await;
    r.expect(StatusCode::CREATED);
    assert_eq!(r.json["also_for"], json!([ben]));
    let bens = w.get(&format!("/people/{ben}/case-notes"), &w.sam).await.json;
    assert_eq!((bens["total"].clone(), bens["items"][0]["text"].clone()), (json!(1), json!("Home visit: both children well.")));
    assert!(bens["items"][0].get("also_for").is_none(), "a later read does not list the siblings");
}

#[tokio::test]
async fn invalid_case_notes_are_refused_and_nothing_is_saved() {
    let w = world().await;
    let child = w.child("Amy", "Lee", "2016-05-01").await;
    let notes = format!("/people/{child}/case-notes");
    let before = w.audit_head().await;
    let bad = |f: &dyn Fn(&mut Value)| {
        let mut b = note_body("Visit");
        f(&mut b);
        b
    };
    w.post(&notes, &w.sam, bad(&|b| b["occurred_at"] = json!("01/03/2024 10:15"))).await.expect_fields(&["occurred_at"]);
    w.post(&notes, &w.sam, bad(&|b| b["occurred_at"] = json!("2024-03-01T10:15:00Z"))).await.expect_fields(&["occurred_at"]);
    w.post(&notes, &w.sam, bad(&|b| b["note_type"] = json!("seance"))).await.expect_fields(&["note_type"]);
    w.post(&notes, &w.sam, bad(&|b| b["txet"] = json!("typo"))).await.expect_fields(&["txet"]);
    w.post(&notes, &w.sam, bad(&|b| { b.as_object_mut().unwrap().remove("child_seen"); })).await.expect_fields(&["child_seen"]);
    // Every problem at once, the domain's rules included.
    let r = w.post(&notes, &w.sam, bad(&|b| { b["note_type"] = json!("seance"); b["text"] = json!("  "); b["child_seen"] = json!(false); })).await;
    r.expect_fields(&["note_type", "text", "seen_alone"]);
    assert_eq!(w.audit_head().await, before);
    // Rules of the use case: the future, an empty note, oversight by a social worker.
    w.post(&notes, &w.sam, bad(&|b| b["occurred_at"] = json!("2999-01-01T00:00"))).await.expect_fields(&["occurred_at"]);
    w.post(&notes, &w.sam, bad(&|b| b["text"] = json!(" \n "))).await.expect_fields(&["text"]);
    w.post(&notes, &w.sam, bad(&|b| b["note_type"] = json!("management_oversight"))).await.expect_fields(&["note_type"]);
    assert_eq!(w.get(&notes, &w.sam).await.json["total"], 0);
    // A manager may record oversight.
    w.post(&notes, &w.mo, bad(&|b| b["note_type"] = json!("management_oversight"))).await.expect(StatusCode::CREATED);
}

#[tokio::test]
async fn case_note_corrections_keep_every_version() {
    let w = world().await;
    let child = w.child("Amy", "Lee", "2016-05-01").await;
    let note = w.note(&child, &w.sam, "Amy was upset.").await;
    let path = format!("/people/{child}/case-notes/{}", note["id"].as_str().unwrap());
    let correction = |version: i64, text: &str, reason: &str| {
        let mut b = note_body(text);
        b["version"] = json!(version);
        b["reason"] = json!(reason);
        b
    };

    // The author corrects.
    let before = w.audit_head().await;
    let r = w.put(&path, &w.sam, correction(1, "Amy was upset about school.", "Added what she said")).await;
    r.expect(StatusCode::OK);
    assert_eq!(r.json["version"], 2);
    assert_eq!(r.json["text"], "Amy was upset about school.");
    w.assert_audited(before, "case_note.correct", Outcome::Allowed).await;
    let r = w.get(&path, &w.sam).await;
    let versions = r.json["versions"].as_array().unwrap();
    assert_eq!(versions.len(), 2);
    assert_eq!(versions[0]["text"], "Amy was upset.");
    assert_eq!(versions[1]["reason"], "Added what she said");

    // Stale version: conflict; nothing saved.
    let r = w.put(&path, &w.sam, correction(1, "Overwrite", "Stale")).await;
    r.expect(StatusCode::CONFLICT);
    assert_eq!(r.json["current_version"], 2);

    // Another social worker in the team, not the author: 403 (they can see the note).
    let r = w.put(&path, &w.ali, correction(2, "Not mine to change", "Because")).await;
    r.expect(StatusCode::FORBIDDEN);

    // Invalid: no reason, bad date, unknown field. Nothing saved.
    let before = w.audit_head().await;
    w.put(&path, &w.sam, correction(2, "Text", "  ")).await.expect_fields(&["reason"]);
    let mut no_reason = correction(2, "Text", "x");
    no_reason.as_object_mut().unwrap().remove("reason");
    w.put(&path, &w.sam, no_reason).await.expect_fields(&["reason"]);
    let mut bad = correction(2, "Text", "Reason");
    bad["occurred_at"] = json!("yesterday");
    bad["extra"] = json!(1);
    w.put(&path, &w.sam, bad).await.expect_fields(&["occurred_at", "extra"]);
    assert!(w.audit_since(before).await.iter().all(|e| e.draft.action != "case_note.correct" || e.draft.outcome == Outcome::Denied));

    // Forbidden (no relationship) and unknown: 404.
    w.put(&path, &w.bea, correction(2, "Hacked", "Because")).await.expect(StatusCode::NOT_FOUND);
    w.put(&format!("/people/{child}/case-notes/{UNKNOWN_ID}"), &w.sam, correction(2, "x", "y")).await.expect(StatusCode::NOT_FOUND);
    let r = w.get(&path, &w.sam).await;
    assert_eq!(r.json["version"], 2);
    assert_eq!(r.json["text"], "Amy was upset about school.");

    // The team manager may correct.
    let r = w.put(&path, &w.mo, correction(2, "Amy was upset about school (per manager).", "Manager review")).await;
    r.expect(StatusCode::OK);
    assert_eq!(r.json["version"], 3);
    assert_eq!(w.get(&path, &w.sam).await.json["versions"].as_array().unwrap().len(), 3);
}

#[tokio::test]
async fn chronology_is_derived_filtered_and_audited() {
    let w = world().await;
    let child = w.child("Amy", "Lee", "2016-05-01").await;
    let mum = w.adult("Jo", "Lee").await;
    w.post(&format!("/people/{child}/relationships"), &w.sam, json!({"role": "parent", "other_person_id": mum, "started": "2016-05-01"})).await.expect(StatusCode::CREATED);
    w.note(&child, &w.sam, "Significant visit\nsecond line").await;
    let mut quiet = note_body("Routine call");
    quiet["significant"] = json!(false);
    w.post(&format!("/people/{child}/case-notes"), &w.sam, quiet).await.expect(StatusCode::CREATED);

    let chron = format!("/people/{child}/chronology");
    let before = w.audit_head().await;
    let r = w.get(&chron, &w.sam).await;
    r.expect(StatusCode::OK);
    assert_eq!(r.json["person_id"], child.as_str());
    let kinds: Vec<&str> = r.json["entries"].as_array().unwrap().iter().map(|e| e["kind"].as_str().unwrap()).collect();
    assert!(kinds.contains(&"record_created") && kinds.contains(&"case_note") && kinds.contains(&"relationship_started"), "{kinds:?}");
    assert_eq!(kinds.iter().filter(|k| **k == "case_note").count(), 1, "only significant notes");
    w.assert_audited(before, "person.chronology", Outcome::Allowed).await;

    let r = w.get(&format!("{chron}?kind=case_note"), &w.sam).await;
    let entries = r.json["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0]["note_type"], "home_visit");
    assert_eq!(entries[0]["at"], "2024-03-01T10:15:00");
    assert!(entries[0]["case_note_id"].is_string());

    let before = w.audit_head().await;
    w.get(&format!("{chron}?kind=birthday"), &w.sam).await.expect_fields(&["kind"]);
    assert_eq!(w.audit_head().await, before);
    w.get(&chron, &w.bea).await.expect(StatusCode::NOT_FOUND);
    w.get(&format!("/people/{UNKNOWN_ID}/chronology"), &w.sam).await.expect(StatusCode::NOT_FOUND);
}


// ---------------------------------------------------------------------------------------
// Allocation, caseloads, the duty rota and the timescales

impl World {
    /// The same store under `config` and `days` later: the tokens still work.
    fn reconfigure(&mut self, config: AppConfig, days: i64) {
        let clock = Arc::new(TestClock::new(OffsetDateTime::now_utc() + time::Duration::days(days)));
        let app = App::new(self.app.store.clone(), config, clock);
        self.api = Api { router: hearth_web::router(app.clone(), hearth_web::WebConfig { max_body_bytes: MAX_BODY, ..Default::default() }), app };
    }

    async fn team_id(&self, name: &str) -> String {
        let mut tx = self.app.store.begin().await.unwrap();
        let teams = tx.teams().await.unwrap();
        tx.commit().await.unwrap();
        teams.iter().find(|t| t.name == name).unwrap().id.to_string()
    }

    async fn user_id(&self, username: &str) -> String {
        let mut tx = self.app.store.begin().await.unwrap();
        let u = tx.user_by_username(username).await.unwrap().unwrap();
        tx.commit().await.unwrap();
        u.id.to_string()
    }

    /// The first working day from today.
    fn next_working_day(&self) -> String {
        let cal = &self.app.config.timescales.calendar;
        let mut d = self.app.today();
        while !cal.is_working_day(d) {
            d = d.next_day().unwrap();
        }
        d.to_string()
    }
}

fn bath_config() -> AppConfig {
    let local = hearth_domain::policy::Pack::national().with_layer(hearth_domain::policy::BATH_NE_SOMERSET_PACK).unwrap();
    AppConfig { timescales: Arc::new(hearth_app::Timescales { pack: local, calendar: hearth_domain::calendar::Calendar::shipped() }), ..AppConfig::default() }
}

#[tokio::test]
async fn allocation_history_is_listed_and_audited_and_forbidden_records_are_not_found() {
    let w = world().await;
    let child = w.child("Amy", "Lee", "2016-05-01").await;
    let path = format!("/people/{child}/allocations");
    w.call(Method::GET, &path, None, None).await.expect(StatusCode::UNAUTHORIZED);
    let before = w.audit_head().await;
    let r = w.get(&path, &w.sam).await;
    r.expect(StatusCode::OK);
    assert_eq!(r.json["person_id"], child.as_str());
    let list = r.json["allocations"].as_array().unwrap();
    assert_eq!(list.len(), 1, "{}", r.text);
    assert_eq!(list[0]["team_name"], "Team A");
    assert_eq!(list[0]["team_id"], w.team_id("Team A").await.as_str());
    assert_eq!(list[0]["worker_name"], "sam name");
    assert_eq!(list[0]["worker_id"], w.user_id("sam").await.as_str());
    assert_eq!(list[0]["from"], w.app.today().to_string());
    assert!(list[0]["to"].is_null());
    assert_eq!(list[0]["reason"], "Allocated when the record was created");
    w.assert_audited(before, "allocation.view", Outcome::Allowed).await;
    // Bea (team B) has no reason to see the record: 404, as for an unknown id.
    let unknown = w.get(&format!("/people/{UNKNOWN_ID}/allocations"), &w.sam).await;
    unknown.expect(StatusCode::NOT_FOUND);
    let r = w.get(&path, &w.bea).await;
    r.expect(StatusCode::NOT_FOUND);
    assert_eq!(r.json, unknown.json);
}

#[tokio::test]
async fn a_manager_transfers_a_case_through_the_api_with_history_kept() {
    let mut w = world().await;
    let child = w.child("Amy", "Lee", "2016-05-01").await;
    let adult = w.adult("Jo", "Lee").await;
    let path = format!("/people/{child}/allocations");
    let (team_a, team_b) = (w.team_id("Team A").await, w.team_id("Team B").await);
    let (ali, bea) = (w.user_id("ali").await, w.user_id("bea").await);
    let today = w.app.today().to_string();

    // A social worker may not allocate: 403, and the refusal is audited.
    let before = w.audit_head().await;
    w.post(&path, &w.sam, json!({"team_id": team_a, "worker_id": ali, "from": today})).await.expect(StatusCode::FORBIDDEN);
    w.assert_audited(before, "allocation.change", Outcome::Denied).await;
    // A manager cannot reach a record they may not open, nor an unknown one.
    w.post(&format!("/people/{UNKNOWN_ID}/allocations"), &w.mo, json!({"team_id": team_a, "from": today})).await.expect(StatusCode::NOT_FOUND);

    // Invalid input names the API's fields; nothing is saved.
    let before = w.audit_head().await;
    w.post(&path, &w.mo, json!({"team_id": "team a", "worker_id": "ali", "from": "24/11/2026"})).await.expect_fields(&["team_id", "worker_id", "from"]);
    w.post(&path, &w.mo, json!({"team_id": team_a, "from": today, "teem": 1})).await.expect_fields(&["teem"]);
    w.post(&path, &w.mo, json!({"worker_id": ali, "from": today})).await.expect_fields(&["team_id"]);
    w.post(&path, &w.mo, json!({"team_id": UNKNOWN_ID, "from": today})).await.expect_fields(&["team_id"]);
    // Bea is not in team A.
    w.post(&path, &w.mo, json!({"team_id": team_a, "worker_id": bea, "from": today})).await.expect_fields(&["worker_id"]);
    let too_far = (w.app.today() + time::Duration::days(93)).to_string();
    w.post(&path, &w.mo, json!({"team_id": team_a, "worker_id": ali, "from": too_far})).await.expect_fields(&["from"]);
    // The record was made today: a change on the same day is not a transfer.
    w.post(&path, &w.mo, json!({"team_id": team_a, "worker_id": ali, "from": today})).await.expect_fields(&["from"]);
    // Only a child's case is allocated.
    w.post(&format!("/people/{adult}/allocations"), &w.mo, json!({"team_id": team_a, "from": today})).await.expect_fields(&["team_id"]);
    assert!(w.audit_since(before).await.iter().all(|e| e.draft.action != "allocation.change" || e.draft.outcome != Outcome::Allowed));
    assert_eq!(w.get(&path, &w.mo).await.json["allocations"].as_array().unwrap().len(), 1);

    // Three days later the manager moves the case to Ali.
    w.reconfigure(AppConfig::default(), 3);
    let today = w.app.today().to_string();
    let before = w.audit_head().await;
    let r = w.post(&path, &w.mo, json!({"team_id": team_a, "worker_id": ali, "from": today, "reason": "  Sam is on leave  "})).await;
    r.expect(StatusCode::NO_CONTENT);
    w.assert_audited(before, "allocation.change", Outcome::Allowed).await;
    let r = w.get(&path, &w.mo).await;
    r.expect(StatusCode::OK);
    let list = r.json["allocations"].as_array().unwrap();
    assert_eq!(list.len(), 2, "{}", r.text);
    assert_eq!(list[0]["worker_name"], "ali name", "newest first");
    assert_eq!(list[0]["from"], today);
    assert!(list[0]["to"].is_null());
    assert_eq!(list[0]["reason"], "Sam is on leave");
    assert_eq!(list[0]["allocated_by"], w.user_id("mo").await.as_str());
    assert_eq!(list[1]["worker_name"], "sam name");
    assert_eq!(list[1]["to"], w.app.today().previous_day().unwrap().to_string(), "the previous allocation ends the day before");
    // The same team and worker again is refused.
    w.reconfigure(AppConfig::default(), 4);
    let today = w.app.today().to_string();
    w.post(&path, &w.mo, json!({"team_id": team_a, "worker_id": ali, "from": today})).await.expect_fields(&["worker_id"]);
    // A transfer to team B dated ahead is planned: listed as such, in force only from its
    // day (the pages' test follows it to that day), and one at a time.
    let next_week = (w.app.today() + time::Duration::days(7)).to_string();
    w.post(&path, &w.mo, json!({"team_id": team_b, "from": next_week})).await.expect(StatusCode::NO_CONTENT);
    let list = w.get(&path, &w.mo).await.json["allocations"].clone();
    assert_eq!((list[0]["from"].as_str(), list[0]["planned"].clone(), list[1]["planned"].clone()), (Some(next_week.as_str()), json!(true), json!(false)));
    w.get(&format!("/people/{child}"), &w.ali).await.expect(StatusCode::OK);
    w.post(&path, &w.mo, json!({"team_id": team_b, "from": today})).await.expect_fields(&["from"]);
}

#[tokio::test]
async fn caseloads_are_for_managers_and_audited() {
    let mut w = world().await;
    w.call(Method::GET, "/caseloads", None, None).await.expect(StatusCode::UNAUTHORIZED);
    w.child("Amy", "Lee", "2016-05-01").await;
    w.child("Ben", "Lee", "2017-06-02").await;
    let before = w.audit_head().await;
    w.get("/caseloads", &w.sam).await.expect(StatusCode::FORBIDDEN);
    w.get("/caseloads", &w.bea).await.expect(StatusCode::FORBIDDEN);
    w.assert_audited(before, "caseloads.view", Outcome::Denied).await;

    let before = w.audit_head().await;
    let r = w.get("/caseloads", &w.mo).await;
    r.expect(StatusCode::OK);
    w.assert_audited(before, "caseloads.view", Outcome::Allowed).await;
    let rows = r.json["rows"].as_array().unwrap();
    let sam = rows.iter().find(|x| x["name"] == "sam name").unwrap_or_else(|| panic!("{}", r.text));
    assert_eq!(sam["children"], 2);
    assert_eq!(sam["role"], "social_worker");
    assert_eq!(sam["team"], "Team A");
    assert_eq!(sam["user_id"], w.user_id("sam").await.as_str());
    // The national pack sets no caseload threshold.
    assert!(sam["status"].is_null());
    assert!(r.json["min"].is_null() && r.json["max"].is_null());
    assert!(r.json["pack"].as_str().unwrap().starts_with("national"));
    assert!(rows.iter().all(|x| x["name"] != "bea name"), "only the manager's reports");

    // Under the Bath and North East Somerset pack (20 to 25 cases), two is under; a case
    // held by the team without a worker is counted for the team.
    w.reconfigure(bath_config(), 1);
    let child = w.child("Cal", "Lee", "2018-01-01").await;
    let team_a = w.team_id("Team A").await;
    w.reconfigure(bath_config(), 2);
    w.post(&format!("/people/{child}/allocations"), &w.mo, json!({"team_id": team_a, "from": w.app.today().to_string()})).await.expect(StatusCode::NO_CONTENT);
    let r = w.get("/caseloads", &w.mo).await;
    r.expect(StatusCode::OK);
    assert_eq!((r.json["min"].clone(), r.json["max"].clone()), (json!(20), json!(25)));
    let rows = r.json["rows"].as_array().unwrap();
    let sam = rows.iter().find(|x| x["name"] == "sam name").unwrap();
    assert_eq!((sam["children"].clone(), sam["status"].clone()), (json!(2), json!("under")), "{}", r.text);
    assert_eq!(r.json["unallocated"], json!([{"team": "Team A", "children": 1}]), "{}", r.text);
}

#[tokio::test]
async fn the_rota_is_read_by_its_team_and_changed_by_managers_with_audit() {
    let mut w = world().await;
    w.reconfigure(bath_config(), 0);
    let (team_a, team_b) = (w.team_id("Team A").await, w.team_id("Team B").await);
    let (sam, bea) = (w.user_id("sam").await, w.user_id("bea").await);
    let day = w.next_working_day();
    let add = json!({"team_id": team_a, "date": day, "half": "am", "worker_id": sam});
    w.call(Method::GET, "/rota", None, None).await.expect(StatusCode::UNAUTHORIZED);
    w.call(Method::POST, "/rota", None, Some(add.clone())).await.expect(StatusCode::UNAUTHORIZED);

    // A team's members read its rota (their own team by default); others may not.
    let before = w.audit_head().await;
    let r = w.get("/rota", &w.sam).await;
    r.expect(StatusCode::OK);
    w.assert_audited(before, "rota.view", Outcome::Allowed).await;
    assert_eq!(r.json["team"]["id"], team_a.as_str());
    assert_eq!(r.json["team"]["name"], "Team A");
    assert_eq!(r.json["minimum"], 2);
    assert_eq!(r.json["can_edit"], false);
    let first = &r.json["sessions"][0];
    assert_eq!((first["date"].as_str().unwrap(), first["half"].as_str().unwrap()), (day.as_str(), "am"));
    assert_eq!(first["under_minimum"], true);
    assert!(r.json["members"].as_array().unwrap().iter().any(|m| m["user_id"] == sam.as_str() && m["qualified"] == true));
    let before = w.audit_head().await;
    w.get(&format!("/rota?team={team_b}"), &w.sam).await.expect(StatusCode::FORBIDDEN);
    w.assert_audited(before, "rota.view", Outcome::Denied).await;
    w.get("/rota?team=team-b", &w.sam).await.expect_fields(&["team"]);
    assert_eq!(w.get(&format!("/rota?team={team_a}"), &w.mo).await.json["can_edit"], true);

    // A social worker may not change the rota.
    let before = w.audit_head().await;
    w.post("/rota", &w.sam, add.clone()).await.expect(StatusCode::FORBIDDEN);
    w.post("/rota", &w.mo, json!({"team_id": team_b, "date": day, "half": "am", "worker_id": bea})).await.expect(StatusCode::FORBIDDEN);
    w.assert_audited(before, "rota.add", Outcome::Denied).await;

    // Invalid input names the API's fields; nothing is saved.
    w.post("/rota", &w.mo, json!({"team_id": "a", "date": "tomorrow", "half": "evening", "worker_id": "sam"})).await.expect_fields(&["team_id", "date", "half", "worker_id"]);
    w.post("/rota", &w.mo, json!({"team_id": team_a, "date": day, "half": "am"})).await.expect_fields(&["worker_id"]);
    w.post("/rota", &w.mo, json!({"team_id": team_a, "date": day, "half": "am", "worker_id": sam, "note": "x"})).await.expect_fields(&["note"]);
    let yesterday = w.app.today().previous_day().unwrap().to_string();
    w.post("/rota", &w.mo, json!({"team_id": team_a, "date": yesterday, "half": "am", "worker_id": sam})).await.expect_fields(&["date"]);
    w.post("/rota", &w.mo, json!({"team_id": team_a, "date": day, "half": "pm", "worker_id": bea})).await.expect_fields(&["worker_id"]);
    let r = w.get("/rota", &w.mo).await;
    assert!(r.json["sessions"].as_array().unwrap().iter().all(|s| s["workers"].as_array().unwrap().is_empty()), "nothing saved: {}", r.text);

    // The manager puts Sam on duty, then takes him off.
    let before = w.audit_head().await;
    w.post("/rota", &w.mo, add.clone()).await.expect(StatusCode::NO_CONTENT);
    w.assert_audited(before, "rota.add", Outcome::Allowed).await;
    let r = w.get("/rota", &w.sam).await;
    let first = &r.json["sessions"][0];
    assert_eq!(first["workers"][0]["user_id"], sam.as_str(), "{}", r.text);
    assert_eq!(first["workers"][0]["name"], "sam name");
    assert_eq!((first["qualified"].clone(), first["under_minimum"].clone()), (json!(1), json!(true)));
    w.post("/rota/remove", &w.sam, add.clone()).await.expect(StatusCode::FORBIDDEN);
    let before = w.audit_head().await;
    w.post("/rota/remove", &w.mo, add.clone()).await.expect(StatusCode::NO_CONTENT);
    w.assert_audited(before, "rota.remove", Outcome::Allowed).await;
    assert!(w.get("/rota", &w.sam).await.json["sessions"][0]["workers"].as_array().unwrap().is_empty());
    // Taking off someone who is not on duty is refused, naming the worker.
    w.post("/rota/remove", &w.mo, add.clone()).await.expect_fields(&["worker_id"]);
    w.post("/rota/remove", &w.mo, json!({"team_id": team_a, "date": day, "half": "noon", "worker_id": sam})).await.expect_fields(&["half"]);
}

#[tokio::test]
async fn the_timescales_in_force_are_readable_by_any_api_user() {
    let mut w = world().await;
    w.call(Method::GET, "/timescales", None, None).await.expect(StatusCode::UNAUTHORIZED);
    w.call(Method::GET, "/timescales", Some(&w.auditor), None).await.expect(StatusCode::UNAUTHORIZED);
    let r = w.get("/timescales", &w.bea).await;
    r.expect(StatusCode::OK);
    assert_eq!(r.json["name"], "national");
    assert!(r.json["version"].is_string());
    assert!(r.json["base"].is_null());
    let ts = r.json["timescales"].as_array().unwrap();
    let assessment = ts.iter().find(|t| t["key"] == "single_assessment").unwrap_or_else(|| panic!("{}", r.text));
    assert_eq!(assessment["within"], "45 working days");
    assert_eq!(assessment["statutory"], true);
    assert_eq!(assessment["defined_by"]["name"], "national");
    assert!(assessment["then"].is_array());
    // Under the local layer: its base, and the thresholds it sets.
    w.reconfigure(bath_config(), 0);
    let r = w.get("/timescales", &w.sam).await;
    r.expect(StatusCode::OK);
    assert_eq!(r.json["name"], "bath-ne-somerset");
    assert_eq!(r.json["base"]["name"], "national");
    let th = r.json["thresholds"].as_array().unwrap();
    let caseload = th.iter().find(|t| t["key"] == "caseload_per_qualified_social_worker").unwrap_or_else(|| panic!("{}", r.text));
    assert_eq!((caseload["min"].clone(), caseload["max"].clone()), (json!(20), json!(25)));
    assert_eq!(caseload["defined_by"]["name"], "bath-ne-somerset");
}

/// The management chain is kept between requests (a service manager's is thousands of
/// people long), so a change to it must reach the next request of a session already
/// signed in, by whatever path it was written.
#[tokio::test]
async fn a_change_to_the_management_chain_reaches_the_next_request() {
    let w = world().await;
    let r = w.post("/people", &w.bea, json!({"kind": "child", "given_name": "Nia", "family_name": "Okoro", "date_of_birth": "2017-02-03", "confirm_not_duplicate": true})).await;
    r.expect(StatusCode::CREATED);
    let child = r.json["id"].as_str().unwrap().to_string();
    w.get(&format!("/people/{child}"), &w.mo).await.expect(StatusCode::NOT_FOUND);

    // Bea moves under Mo, written straight to the store as another instance might.
    let mut tx = w.app.store.begin().await.unwrap();
    let mo = tx.user_by_username("mo").await.unwrap().unwrap();
    let mut bea = tx.user_by_username("bea").await.unwrap().unwrap();
    bea.manager = Some(mo.id);
    tx.update_user(&bea).await.unwrap();
    tx.commit().await.unwrap();
    let r = w.get(&format!("/people/{child}"), &w.mo).await;
    r.expect(StatusCode::OK);

    // And back: Mo loses the record at once.
    let mut tx = w.app.store.begin().await.unwrap();
    bea.manager = None;
    tx.update_user(&bea).await.unwrap();
    tx.commit().await.unwrap();
    w.get(&format!("/people/{child}"), &w.mo).await.expect(StatusCode::NOT_FOUND);
}
