//! What the page tests share: a Hearth over a fresh SQLite store with a clock we move
//! ([`World`]), and a [`Browser`] that keeps cookies and sends each form with its page's
//! CSRF token.
#![allow(dead_code)]
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use hearth_app::clock::TestClock;
use hearth_app::{App, AppConfig, NewUser};
use hearth_domain::person::{PersonDetails, PersonKind};
use hearth_domain::user::Role;
use hearth_store::Store;
use hearth_store_sql::SqlStore;
use http_body_util::BodyExt;
use std::sync::Arc;
use time::{Duration, OffsetDateTime};
use tower::ServiceExt;

pub const PASSWORD: &str = "correct horse battery";

pub struct World {
    pub router: Router,
    pub app: App,
    pub clock: Arc<TestClock>,
    pub db: std::path::PathBuf,
}

impl Drop for World {
    fn drop(&mut self) {
        for ext in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{ext}", self.db.display()));
        }
    }
}

pub async fn world() -> World {
    let db = std::env::temp_dir().join(format!("hearth-web-{}.db", uuid::Uuid::new_v4()));
    let store = SqlStore::connect(&format!("sqlite://{}", db.display())).await.unwrap();
    store.migrate().await.unwrap();
    let clock = Arc::new(TestClock::new(OffsetDateTime::now_utc()));
    let store: Arc<dyn Store> = Arc::new(store);
    let app = App::new(store, AppConfig::default(), clock.clone());
    let cfg = hearth_web::WebConfig { max_body_bytes: 64 * 1024, ..Default::default() };
    World { router: hearth_web::router(app.clone(), cfg), app, clock, db }
}

pub async fn user(w: &World, username: &str, role: Role, team: Option<hearth_domain::TeamId>) -> hearth_domain::user::UserRecord {
    w.app
        .add_user(NewUser { username: username.into(), display_name: format!("{username} name"), role, team, manager: None, password: PASSWORD.into() })
        .await
        .unwrap()
}

/// A user with a display name and a line manager.
pub async fn staff(w: &World, username: &str, name: &str, role: Role, team: Option<hearth_domain::TeamId>, manager: Option<hearth_domain::UserId>) -> hearth_domain::user::UserRecord {
    w.app
        .add_user(NewUser { username: username.into(), display_name: name.into(), role, team, manager, password: PASSWORD.into() })
        .await
        .unwrap()
}

/// The actor for a user with nobody below them.
pub fn alone(u: &hearth_domain::user::UserRecord) -> hearth_app::Actor {
    hearth_app::Actor { subject: hearth_domain::access::Subject::from_users(u, std::slice::from_ref(u)), user: u.clone() }
}

pub struct Res {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub body: String,
}

impl Res {
    pub fn location(&self) -> &str {
        self.headers.get(header::LOCATION).and_then(|v| v.to_str().ok()).unwrap_or("")
    }
}

/// A browser: keeps cookies, knows the CSRF token of the last page.
pub struct Browser {
    pub cookies: Vec<(String, String)>,
}

impl Browser {
    pub fn new() -> Self {
        Browser { cookies: Vec::new() }
    }

    pub fn cookie_header(&self) -> String {
        self.cookies.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("; ")
    }

    pub async fn send(&mut self, w: &World, req: Request<Body>) -> Res {
        let res = w.router.clone().oneshot(req).await.unwrap();
        let status = res.status();
        let headers = res.headers().clone();
        for c in headers.get_all(header::SET_COOKIE) {
            let c = c.to_str().unwrap();
            let (kv, attrs) = c.split_once(';').unwrap_or((c, ""));
            let (k, v) = kv.split_once('=').unwrap();
            self.cookies.retain(|(n, _)| n != k);
            if !attrs.contains("Max-Age=0") {
                self.cookies.push((k.to_string(), v.to_string()));
            }
        }
        let body = String::from_utf8(res.into_body().collect().await.unwrap().to_bytes().to_vec()).unwrap();
        Res { status, headers, body }
    }

    pub async fn get(&mut self, w: &World, path: &str) -> Res {
        let req = Request::get(path).header(header::COOKIE, self.cookie_header()).body(Body::empty()).unwrap();
        self.send(w, req).await
    }

    pub async fn post(&mut self, w: &World, path: &str, fields: &[(&str, &str)]) -> Res {
        let body = serde_urlencoded::to_string(fields).unwrap();
        let req = Request::post(path)
            .header(header::COOKIE, self.cookie_header())
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(body))
            .unwrap();
        self.send(w, req).await
    }

    /// The CSRF token in a page's forms.
    pub fn csrf(page: &str) -> String {
        let i = page.find("name=\"csrf_token\" value=\"").expect("page has a form") + 25;
        page[i..i + 32].to_string()
    }

    pub async fn form_post(&mut self, w: &World, page_path: &str, path: &str, fields: &[(&str, &str)]) -> Res {
        let page = self.get(w, page_path).await;
        let token = Self::csrf(&page.body);
        let mut all = vec![("csrf_token", token.as_str())];
        all.extend_from_slice(fields);
        self.post(w, path, &all).await
    }

    pub async fn sign_in(&mut self, w: &World, username: &str) -> Res {
        let res = self.form_post(w, "/sign-in", "/sign-in", &[("username", username), ("password", PASSWORD)]).await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
        res
    }
}

pub fn child(given: &str, family: &str) -> PersonDetails {
    PersonDetails { date_of_birth: Some(time::macros::date!(2015 - 03 - 09)), ..PersonDetails::named(PersonKind::Child, given, family) }
}

pub async fn head(w: &World) -> i64 {
    let mut tx = w.app.store.begin().await.unwrap();
    tx.audit_head().await.unwrap()
}

/// The set-up link an administrator's page shows once.
pub fn setup_link_in(body: &str) -> String {
    let i = body.find("id=\"setup-link\">").expect("a set-up link") + 16;
    body[i..].chars().take_while(|c| *c != '<').collect::<String>().replace("&#x2f;", "/")
}

pub trait Now {
    fn now_for_tests(&self) -> OffsetDateTime;
}
impl Now for Arc<TestClock> {
    fn now_for_tests(&self) -> OffsetDateTime {
        use hearth_app::clock::Clock;
        self.now()
    }
}


/// Gives a user an authenticator directly (as if enrolled long ago); its secret.
pub async fn with_factor(w: &World, user: &hearth_domain::user::UserRecord) -> String {
    let secret = hearth_app::auth::new_totp_secret();
    let mut tx = w.app.store.begin().await.unwrap();
    let mut u = tx.user(user.id).await.unwrap().unwrap();
    u.totp_secret = Some(secret.clone());
    tx.update_user(&u).await.unwrap();
    tx.commit().await.unwrap();
    secret
}

/// The code an authenticator holding `secret` shows now, by the world's clock.
pub fn code_now(w: &World, secret: &str) -> String {
    hearth_app::auth::totp_code(secret, w.clock.now_for_tests()).unwrap()
}

/// The audit entries written after `after`, oldest first.
pub async fn audit_since(w: &World, after: i64) -> Vec<hearth_domain::audit::AuditEntry> {
    let mut tx = w.app.store.begin().await.unwrap();
    let entries = tx.audit_page(after, 10_000).await.unwrap();
    tx.commit().await.unwrap();
    entries
}

/// The stored user, as it is now.
pub async fn stored_user(w: &World, username: &str) -> hearth_domain::user::UserRecord {
    let mut tx = w.app.store.begin().await.unwrap();
    let u = tx.user_by_username(username).await.unwrap().unwrap();
    tx.commit().await.unwrap();
    u
}

impl Browser {
    /// The value of a cookie this browser holds, by the start of its name.
    pub fn cookie(&self, prefix: &str) -> Option<&str> {
        self.cookies.iter().find(|(k, _)| k.contains(prefix)).map(|(_, v)| v.as_str())
    }

    /// Signs in with the password and then the authenticator's current code.
    pub async fn sign_in_with_code(&mut self, w: &World, username: &str, secret: &str) -> Res {
        let res = self.sign_in(w, username).await;
        assert!(res.location().starts_with("/mfa"), "{}", res.location());
        let res = self.form_post(w, "/mfa", "/mfa", &[("code", &code_now(w, secret))]).await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
        res
    }
}

/// A police contact about `kid`, recorded by `worker` and decided by `manager`: its referral.
pub async fn police_referral(
    w: &World,
    worker: &hearth_domain::user::UserRecord,
    manager: &hearth_domain::user::UserRecord,
    kid: hearth_domain::PersonId,
    received: OffsetDateTime,
    decision: hearth_domain::front_door::codes::ScreeningDecision,
) -> hearth_domain::front_door::ReferralId {
    use hearth_app::{NewContact, NewDecision};
    use hearth_domain::front_door::codes::ReferralSource;
    use hearth_domain::front_door::contact::{Consent, Referrer};
    let new = NewContact {
        received_at: received,
        source: ReferralSource::Police,
        referrer: Referrer { name: "PC Jones".into(), ..Default::default() },
        reason: "Injury".into(),
        consent: Consent::Given,
        children: vec![kid],
        family_members: vec![],
    };
    let contact = w.app.record_contact(&alone(worker), new).await.unwrap();
    let actor = hearth_app::Actor { subject: hearth_domain::access::Subject::from_users(manager, &[manager.clone(), worker.clone()]), user: manager.clone() };
    let decided = NewDecision { decision, decided_at: received + Duration::hours(1), rationale: "Injury".into() };
    w.app.decide_contact(&actor, contact, 1, decided).await.unwrap()[0]
}

/// Moves the world's clock to `at` (forwards only).
pub fn set_clock(w: &World, at: OffsetDateTime) {
    w.clock.advance(at - w.clock.now_for_tests());
}

