//! What the API tests share: a Hearth over a fresh SQLite store with two teams and a
//! token for everyone ([`World`]), and the calls and checks of a JSON exchange ([`Api`],
//! [`Res`]).
#![allow(dead_code)]
use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use axum::Router;
use hearth_app::auth::sha256_hex;
use hearth_app::clock::{Clock, TestClock};
use hearth_app::{Actor, App, AppConfig, NewUser};
use hearth_domain::access::Subject;
use hearth_domain::audit::{AuditEntry, Outcome};
use hearth_domain::user::{Role, UserRecord};
use hearth_domain::{ApiTokenId, TeamId, UserId};
use hearth_store::{ApiTokenRecord, Store};
use hearth_store_sql::SqlStore;
use http_body_util::BodyExt;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::sync::Arc;
use time::macros::datetime;
use time::OffsetDateTime;
use tower::ServiceExt;

pub const PASSWORD: &str = "correct horse battery";
pub const UNKNOWN_ID: &str = "01900000-0000-7000-8000-000000000000";
/// Friday 22 December 2023, a quarter of an hour after the contact came in. Christmas Day and
/// Boxing Day are bank holidays, so the decision is due on Wednesday 27 December.
pub const START: OffsetDateTime = datetime!(2023-12-22 15:45 UTC);
pub const RECEIVED: &str = "2023-12-22T15:30:00Z";

/// A Hearth with two teams: A (social workers Sam and Ali, their manager Mo, a second team
/// manager Max, and Bo in business support) and B (social worker Bea); an auditor and an
/// administrator, whose roles may not use the API. Everyone has an API token.
pub struct World {
    pub api: Api,
    pub clock: Arc<TestClock>,
    pub db: std::path::PathBuf,
    pub users: HashMap<&'static str, UserRecord>,
    pub sam: String,
    pub ali: String,
    pub mo: String,
    pub max: String,
    pub bea: String,
    pub bo: String,
    pub auditor: String,
    pub admin: String,
}

impl Drop for World {
    fn drop(&mut self) {
        for ext in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{ext}", self.db.display()));
        }
    }
}

pub fn actor_of(user: &UserRecord, all: &[UserRecord]) -> Actor {
    Actor { user: user.clone(), subject: Subject::from_users(user, all) }
}

pub async fn add_user(app: &App, username: &str, role: Role, team: Option<TeamId>, manager: Option<UserId>) -> UserRecord {
    app.add_user(NewUser { username: username.into(), display_name: format!("{username} name"), role, team, manager, password: PASSWORD.into() })
        .await
        .unwrap()
}

/// Stores a token directly: roles without `UseApi` cannot create one.
pub async fn smuggled_token(app: &App, user: &UserRecord) -> String {
    let token = format!("hearth_smuggled_{}", user.username);
    let mut tx = app.store.begin().await.unwrap();
    tx.insert_api_token(&ApiTokenRecord {
        id: ApiTokenId::new(),
        user: user.id,
        name: "smuggled".into(),
        token_hash: sha256_hex(&token),
        created_at: app.now(),
        last_used_at: None,
        revoked_at: None,
    })
    .await
    .unwrap();
    tx.commit().await.unwrap();
    token
}

pub async fn world() -> World {
    world_in(&std::env::temp_dir()).await
}

/// The world with its database in `dir` (a small file system, for the full-disk test).
pub async fn world_in(dir: &std::path::Path) -> World {
    let db = dir.join(format!("hearth-api-fd-{}.db", uuid::Uuid::new_v4()));
    let store = SqlStore::connect(&format!("sqlite://{}", db.display())).await.unwrap();
    store.migrate().await.unwrap();
    let store: Arc<dyn Store> = Arc::new(store);
    let clock = Arc::new(TestClock::new(START));
    let app = App::new(store, AppConfig::default(), clock.clone());
    let team_a = app.add_team(None, "Team A").await.unwrap();
    let team_b = app.add_team(None, "Team B").await.unwrap();
    let mo = add_user(&app, "mo", Role::TeamManager, Some(team_a.id), None).await;
    let max = add_user(&app, "max", Role::TeamManager, Some(team_a.id), None).await;
    let sam = add_user(&app, "sam", Role::SocialWorker, Some(team_a.id), Some(mo.id)).await;
    let ali = add_user(&app, "ali", Role::SocialWorker, Some(team_a.id), Some(mo.id)).await;
    let bo = add_user(&app, "bo", Role::BusinessSupport, Some(team_a.id), Some(mo.id)).await;
    let bea = add_user(&app, "bea", Role::SocialWorker, Some(team_b.id), None).await;
    let auditor = add_user(&app, "audrey", Role::Auditor, None, None).await;
    let admin = add_user(&app, "adam", Role::Administrator, None, None).await;
    let all = vec![mo.clone(), max.clone(), sam.clone(), ali.clone(), bo.clone(), bea.clone(), auditor.clone(), admin.clone()];
    let token = |u: &UserRecord| {
        let (app, actor) = (app.clone(), actor_of(u, &all));
        async move { app.create_api_token(&actor, "tests").await.unwrap().1 }
    };
    let cfg = hearth_web::WebConfig { max_body_bytes: 64 * 1024, ..Default::default() };
    World {
        api: Api { router: hearth_web::router(app.clone(), cfg), app: app.clone() },
        sam: token(&sam).await,
        ali: token(&ali).await,
        mo: token(&mo).await,
        max: token(&max).await,
        bea: token(&bea).await,
        bo: token(&bo).await,
        auditor: smuggled_token(&app, &auditor).await,
        admin: smuggled_token(&app, &admin).await,
        users: HashMap::from([("mo", mo), ("max", max), ("sam", sam), ("ali", ali), ("bo", bo), ("bea", bea), ("audrey", auditor), ("adam", admin)]),
        clock,
        db,
    }
}

pub struct Res {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub json: Value,
    pub text: String,
}

impl Res {
    pub fn content_type(&self) -> &str {
        self.headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("")
    }

    pub fn location(&self) -> &str {
        self.headers.get(header::LOCATION).and_then(|v| v.to_str().ok()).unwrap_or("")
    }

    /// The fields named in a 422 problem.
    pub fn fields(&self) -> Vec<String> {
        self.json["errors"].as_array().map(|a| a.iter().map(|e| e["field"].as_str().unwrap_or("").to_string()).collect()).unwrap_or_default()
    }

    /// The message of the first error about `field`.
    pub fn message(&self, field: &str) -> String {
        let errors = self.json["errors"].as_array().cloned().unwrap_or_default();
        errors.iter().find(|e| e["field"] == field).and_then(|e| e["message"].as_str()).unwrap_or_default().to_string()
    }

    #[track_caller]
    pub fn expect(&self, status: StatusCode) -> &Self {
        assert_eq!(self.status, status, "body: {}", self.text);
        if !status.is_success() {
            assert_eq!(self.content_type(), "application/problem+json", "{}", self.text);
            assert_eq!(self.json["status"], status.as_u16(), "{}", self.text);
            assert!(self.json["title"].is_string() && self.json["type"].is_string(), "{}", self.text);
        }
        self
    }

    #[track_caller]
    pub fn expect_fields(&self, fields: &[&str]) -> &Self {
        self.expect(StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(self.json["type"], "urn:hearth:problem:validation", "{}", self.text);
        let got = self.fields();
        for f in fields {
            assert!(got.iter().any(|g| g == f), "expected a field error for {f}, got {got:?}: {}", self.text);
        }
        self
    }

    #[track_caller]
    pub fn expect_conflict(&self, current: i64) -> &Self {
        self.expect(StatusCode::CONFLICT);
        assert_eq!(self.json["type"], "urn:hearth:problem:edit-conflict", "{}", self.text);
        assert_eq!(self.json["current_version"], current, "{}", self.text);
        self
    }

    pub fn id(&self) -> String {
        self.json["id"].as_str().unwrap_or_else(|| panic!("no id: {}", self.text)).to_string()
    }
}

/// The router and the app behind it, with the calls a test makes.
pub struct Api {
    pub router: Router,
    pub app: App,
}

impl Api {
    pub async fn raw(&self, req: Request<Body>) -> Res {
        let res = self.router.clone().oneshot(req).await.unwrap();
        let status = res.status();
        let headers = res.headers().clone();
        let bytes = res.into_body().collect().await.unwrap().to_bytes();
        let text = String::from_utf8_lossy(&bytes).to_string();
        let json = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        Res { status, headers, json, text }
    }

    /// Sends a request to `/api/v1{path}`. Every call carries the same `x-request-id`, as a
    /// client that names its own requests would, so that answers which must not be told
    /// apart (a hidden record, an unknown id) can be compared whole, `request_id` and all.
    pub async fn call(&self, method: Method, path: &str, token: Option<&str>, body: Option<Value>) -> Res {
        let mut req = Request::builder().method(method).uri(format!("/api/v1{path}")).header("x-request-id", "api-tests");
        if let Some(t) = token {
            req = req.header(header::AUTHORIZATION, format!("Bearer {t}"));
        }
        let req = match body {
            Some(b) => req.header(header::CONTENT_TYPE, "application/json").body(Body::from(b.to_string())).unwrap(),
            None => req.body(Body::empty()).unwrap(),
        };
        self.raw(req).await
    }

    pub async fn get(&self, path: &str, token: &str) -> Res {
        self.call(Method::GET, path, Some(token), None).await
    }

    pub async fn post(&self, path: &str, token: &str, body: Value) -> Res {
        self.call(Method::POST, path, Some(token), Some(body)).await
    }

    pub async fn put(&self, path: &str, token: &str, body: Value) -> Res {
        self.call(Method::PUT, path, Some(token), Some(body)).await
    }

    pub async fn audit_head(&self) -> i64 {
        let mut tx = self.app.store.begin().await.unwrap();
        let head = tx.audit_head().await.unwrap();
        tx.commit().await.unwrap();
        head
    }

    pub async fn audit_since(&self, after: i64) -> Vec<AuditEntry> {
        let mut tx = self.app.store.begin().await.unwrap();
        let page = tx.audit_page(after, 1000).await.unwrap();
        tx.commit().await.unwrap();
        page
    }

    /// Asserts that entries after `after` include `action` with `outcome`.
    pub async fn assert_audited(&self, after: i64, action: &str, outcome: Outcome) {
        let entries = self.audit_since(after).await;
        assert!(
            entries.iter().any(|e| e.draft.action == action && e.draft.outcome == outcome),
            "no {action} ({outcome:?}) entry after {after}: {:?}",
            entries.iter().map(|e| (&e.draft.action, e.draft.outcome)).collect::<Vec<_>>()
        );
    }

}

impl std::ops::Deref for World {
    type Target = Api;

    fn deref(&self) -> &Api {
        &self.api
    }
}

impl World {
    /// Asserts that nothing after `after` records `action` as allowed.
    pub async fn assert_not_done(&self, after: i64, action: &str) {
        let entries = self.audit_since(after).await;
        assert!(!entries.iter().any(|e| e.draft.action == action && e.draft.outcome == Outcome::Allowed), "{action} was done");
    }

    /// How many times the step `action` was done after `after`: the entries naming the record
    /// changed (the reads of the people it is about are audited under the same action, without
    /// a target).
    pub async fn steps_done(&self, after: i64, action: &str) -> usize {
        self.audit_since(after).await.iter().filter(|e| e.draft.action == action && e.draft.outcome == Outcome::Allowed && e.draft.target.is_some()).count()
    }

    /// Moves the test clock forward to `at`.
    pub fn set_clock(&self, at: OffsetDateTime) {
        let now = self.clock.now();
        assert!(at >= now, "the clock only moves forward ({now} → {at})");
        self.clock.advance(at - now);
    }

    pub fn tick(&self) {
        self.clock.advance(time::Duration::minutes(10));
    }

    pub fn user(&self, name: &str) -> &UserRecord {
        &self.users[name]
    }

    pub fn uid(&self, name: &str) -> String {
        self.user(name).id.to_string()
    }

    pub fn actor(&self, name: &str) -> Actor {
        let all: Vec<UserRecord> = self.users.values().cloned().collect();
        actor_of(self.user(name), &all)
    }

    /// Records a person through the API as `token` (Sam's are allocated to Sam in team A).
    pub async fn person(&self, token: &str, kind: &str, given: &str, family: &str) -> String {
        let mut body = json!({"kind": kind, "given_name": given, "family_name": family, "confirm_not_duplicate": true});
        if kind == "child" {
            body["date_of_birth"] = json!("2016-05-01");
        }
        let r = self.post("/people", token, body).await;
        r.expect(StatusCode::CREATED);
        r.id()
    }

    pub async fn child(&self, given: &str) -> String {
        self.person(&self.sam, "child", given, "Lee").await
    }

    pub async fn adult(&self, given: &str) -> String {
        self.person(&self.sam, "adult", given, "Lee").await
    }

    /// Records a contact as `token` and returns its id.
    pub async fn contact(&self, token: &str, body: Value) -> String {
        let r = self.post("/contacts", token, body).await;
        r.expect(StatusCode::CREATED);
        let id = r.id();
        assert_eq!(r.location(), format!("/api/v1/contacts/{id}"));
        id
    }

    /// Mo decides on a contact (version 1) and returns the referrals made.
    pub async fn decide(&self, contact: &str, decision: &str, at: &str) -> Vec<String> {
        let r = self.post(&format!("/contacts/{contact}/decision"), &self.mo, json!({"version": 1, "decision": decision, "decided_at": at, "rationale": "Threshold met"})).await;
        r.expect(StatusCode::OK);
        assert_eq!(r.json["contact_id"], contact);
        r.json["referral_ids"].as_array().unwrap().iter().map(|v| v.as_str().unwrap().to_string()).collect()
    }

    /// A contact about `child`, decided "referral" at `decided_at`: the referral's id.
    pub async fn referral(&self, child: &str, received: &str, decided_at: &str) -> String {
        let contact = self.contact(&self.sam, contact_body(received, &[child], &[])).await;
        let mut made = self.decide(&contact, "referral", decided_at).await;
        assert_eq!(made.len(), 1);
        made.remove(0)
    }
}

pub fn contact_body(received: &str, children: &[&str], family: &[&str]) -> Value {
    json!({
        "received_at": received,
        "source": "2A",
        "referrer": {
            "name": "A. Teacher",
            "role": "Designated safeguarding lead",
            "agency": "Widcombe Primary",
            "phone": "01632 960 001",
            "email": "dsl@example.org",
            "relationship_to_child": null
        },
        "reason": "Bruising seen on arm; child said dad did it.",
        "consent": "not_required",
        "consent_reason": "Asking would put the child at risk of significant harm",
        "children": children,
        "family_members": family
    })
}

pub fn content(version: i64, seen: &str, factors: &[&str]) -> Value {
    json!({
        "version": version, "child_seen": [{"date": seen, "seen_alone": true}], "factors": factors, "outcome": "cin_plan", "not_seen_explanation": null,
        "primary_need": "N1", "child_voice": "Says she is hungry at school", "parents_views": "Mum says money is short",
        "analysis": "Neglect through poverty and low mood", "recommendation": "A child in need plan"
    })
}

pub fn task<'a>(tasks: &'a Value, kind: &str) -> &'a Value {
    tasks.as_array().unwrap_or_else(|| panic!("not a list: {tasks}")).iter().find(|t| t["kind"] == kind).unwrap_or_else(|| panic!("no {kind} task in {tasks}"))
}

/// Every task in a tray, whatever its bucket.
pub fn tray_tasks(tray: &Value) -> Vec<Value> {
    ["overdue", "due_today", "due_this_week", "later"].iter().flat_map(|b| tray[*b].as_array().cloned().unwrap_or_default()).collect()
}

