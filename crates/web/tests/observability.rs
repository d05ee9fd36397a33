//! What operators see of the requests Hearth serves: the metrics (route templates, never raw
//! ids or query strings), the `x-request-id` header and its place in error pages and
//! problems, and the access log (one line per request, no query strings, no names).
//!
//! The metrics recorder is global to the process: these tests look for the series their own
//! requests make, never at exact totals, so they hold when other tests share the process.
//! The log is captured by a subscriber of the test's own thread, and `tracing` caches per
//! call site whether anyone listens: a test on another thread reaching the access log's call
//! site first could leave it switched off for the capture, so these tests run one at a time.
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use hearth_domain::user::Role;
use hearth_web::observability::{Metrics, REQUEST_ID_HEADER};
use serde_json::Value;
use std::io::Write;
use std::sync::{Arc, Mutex};
use tower::ServiceExt;

mod browser;
use browser::*;

/// Held by each test for its whole run (see the module's comment).
static ONE_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

const UNKNOWN_PERSON: &str = "0190d4c2-7a1e-7c3b-9f00-2b6a3c1d4e5f";

fn request_id(res: &Res) -> String {
    res.headers.get(REQUEST_ID_HEADER).and_then(|v| v.to_str().ok()).unwrap_or_else(|| panic!("no x-request-id: {:?}", res.headers)).to_string()
}

async fn get_with_id(b: &mut Browser, w: &World, path: &str, id: &str) -> Res {
    let req = Request::get(path).header(header::COOKIE, b.cookie_header()).header(REQUEST_ID_HEADER, id).body(Body::empty()).unwrap();
    b.send(w, req).await
}

async fn api_get(w: &World, path: &str, token: Option<&str>, id: Option<&str>) -> Res {
    let mut req = Request::get(path);
    if let Some(t) = token {
        req = req.header(header::AUTHORIZATION, format!("Bearer {t}"));
    }
    if let Some(i) = id {
        req = req.header(REQUEST_ID_HEADER, i);
    }
    Browser::new().send(w, req.body(Body::empty()).unwrap()).await
}

/// The value of the series `name{labels}` in a rendering, if it is there.
fn series(text: &str, name_and_labels: &str) -> Option<f64> {
    text.lines().find_map(|l| l.strip_prefix(name_and_labels).and_then(|rest| rest.strip_prefix(' ')).and_then(|v| v.trim().parse().ok()))
}

#[tokio::test]
async fn metrics_name_route_templates_and_never_raw_ids_or_query_strings() {
    let _one = ONE_AT_A_TIME.lock().await;
    let metrics = Metrics::install().unwrap();
    let w = world().await;
    let sam = user(&w, "sam", Role::SocialWorker, None).await;
    let mut b = Browser::new();
    b.sign_in(&w, "sam").await;
    let page = b.get(&w, &format!("/people/{UNKNOWN_PERSON}?from=Smith")).await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    b.get(&w, "/search?q=Smith").await;
    b.get(&w, "/no/such/page?secret=1").await;
    let token = w.app.create_api_token(&alone(&sam), "tests").await.unwrap().1;
    let api = api_get(&w, &format!("/api/v1/people/{UNKNOWN_PERSON}"), Some(&token), None).await;
    assert_eq!(api.status, StatusCode::NOT_FOUND);

    let text = metrics.render(w.app.store.as_ref());
    for s in [
        r#"hearth_http_requests_total{method="GET",route="/people/{id}",status="404"}"#,
        r#"hearth_http_requests_total{method="POST",route="/sign-in",status="303"}"#,
        r#"hearth_http_requests_total{method="GET",route="/search",status="200"}"#,
        r#"hearth_http_requests_total{method="GET",route="unmatched",status="404"}"#,
        r#"hearth_http_requests_total{method="GET",route="/api/v1/people/{id}",status="404"}"#,
        r#"hearth_http_request_duration_seconds_count{method="GET",route="/people/{id}",status="404"}"#,
        r#"hearth_http_request_duration_seconds_bucket{method="GET",route="/people/{id}",status="404",le="+Inf"}"#,
    ] {
        assert!(series(&text, s).is_some_and(|v| v >= 1.0), "no {s} in\n{text}");
    }
    assert!(text.contains("# TYPE hearth_http_request_duration_seconds histogram"), "{text}");
    assert!(series(&text, r#"hearth_audit_appends_total{result="ok"}"#).is_some_and(|v| v >= 1.0), "signing in is audited:\n{text}");
    assert!(series(&text, r#"hearth_audit_appends_total{result="error"}"#).is_some(), "the failure series is there before any failure:\n{text}");
    // SQLite: one connection, the single writer.
    assert_eq!(series(&text, "hearth_db_pool_connections_max"), Some(1.0), "{text}");
    assert!(series(&text, "hearth_db_pool_connections_in_use").is_some() && series(&text, "hearth_db_pool_connections_idle").is_some(), "{text}");
    assert_eq!(series(&text, "hearth_http_requests_in_flight"), Some(0.0), "{text}");
    for leak in [UNKNOWN_PERSON, "Smith", "secret", "?", &sam.id.to_string(), "/no/such/page"] {
        assert!(!text.contains(leak), "the metrics show {leak:?}:\n{text}");
    }
    // No background task exists yet: its families have no series, and none are invented.
    assert!(!text.contains("hearth_background_runs_total{"), "{text}");

    // A task that reports gets its series.
    hearth_app::telemetry::background_run("tests_only", hearth_app::telemetry::RunOutcome::Ok, std::time::Duration::from_millis(3));
    let text = metrics.render(w.app.store.as_ref());
    assert!(series(&text, r#"hearth_background_runs_total{task="tests_only",outcome="ok"}"#).is_some_and(|v| v >= 1.0), "{text}");
    assert!(series(&text, r#"hearth_background_last_success_timestamp_seconds{task="tests_only"}"#).is_some_and(|v| v > 1.7e9), "{text}");
}

#[tokio::test]
async fn the_metrics_endpoint_is_not_on_the_main_router() {
    let _one = ONE_AT_A_TIME.lock().await;
    let metrics = Metrics::install().unwrap();
    let w = world().await;
    let res = Browser::new().get(&w, "/metrics").await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    assert!(!res.body.contains("hearth_http_requests_total"));
    // Its own router serves it, as text.
    let own = metrics.router(w.app.store.clone());
    let res = own.oneshot(Request::get("/metrics").body(Body::empty()).unwrap()).await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.headers()[header::CONTENT_TYPE].to_str().unwrap().starts_with("text/plain; version=0.0.4"));
}

#[tokio::test]
async fn the_request_id_is_reused_when_sensible_and_replaced_otherwise() {
    let _one = ONE_AT_A_TIME.lock().await;
    let w = world().await;
    let mut b = Browser::new();
    let fresh = b.get(&w, "/sign-in").await;
    let made = request_id(&fresh);
    assert!(uuid::Uuid::try_parse(&made).is_ok(), "{made}");
    assert_ne!(request_id(&b.get(&w, "/sign-in").await), made, "each request has its own");
    // Every kind of answer carries it: assets, redirects, the health check, the API.
    for path in ["/assets/hearth.css", "/", "/healthz", "/api/v1/openapi.json"] {
        request_id(&b.get(&w, path).await);
    }

    let kept = get_with_id(&mut b, &w, "/sign-in", "proxy-42.abc:7").await;
    assert_eq!(request_id(&kept), "proxy-42.abc:7");
    for bad in ["has space", "<script>alert(1)</script>", "quote\"d", &"x".repeat(65)] {
        let res = get_with_id(&mut b, &w, "/sign-in", bad).await;
        let id = request_id(&res);
        assert_ne!(id, bad);
        assert!(uuid::Uuid::try_parse(&id).is_ok(), "{id}");
    }
}

#[tokio::test]
async fn error_pages_and_problems_carry_the_request_id() {
    let _one = ONE_AT_A_TIME.lock().await;
    let w = world().await;
    let sam = user(&w, "sam", Role::SocialWorker, None).await;
    let mut b = Browser::new();

    // A page that does not exist, for anyone.
    let res = get_with_id(&mut b, &w, "/no/such/page", "desk-ref-1").await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    assert!(res.body.contains("Reference: desk-ref-1"), "{}", res.body);
    // A form without its CSRF token: refused by the session layer itself.
    let res = b.post(&w, "/sign-in", &[("username", "sam")]).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    assert!(res.body.contains(&format!("Reference: {}", request_id(&res))), "{}", res.body);
    // A record that is not there, signed in.
    b.sign_in(&w, "sam").await;
    let res = b.get(&w, &format!("/people/{UNKNOWN_PERSON}")).await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    assert!(res.body.contains(&format!("Reference: {}", request_id(&res))), "{}", res.body);
    // Pages that are not errors do not show one.
    let home = b.get(&w, "/").await;
    assert!(!home.body.contains("Reference:"));

    // Problems: without a token, and for an unknown record.
    let res = api_get(&w, "/api/v1/people", None, Some("desk-ref-2")).await;
    assert_eq!(res.status, StatusCode::UNAUTHORIZED);
    let problem: Value = serde_json::from_str(&res.body).unwrap();
    assert_eq!(problem["request_id"], "desk-ref-2", "{problem}");
    let token = w.app.create_api_token(&alone(&sam), "tests").await.unwrap().1;
    let res = api_get(&w, &format!("/api/v1/people/{UNKNOWN_PERSON}"), Some(&token), None).await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    let problem: Value = serde_json::from_str(&res.body).unwrap();
    assert_eq!(problem["request_id"].as_str(), Some(request_id(&res).as_str()), "{problem}");
    // The API's own fallback answers a problem with it too.
    let res = api_get(&w, "/api/v1/no-such-thing", Some(&token), None).await;
    let problem: Value = serde_json::from_str(&res.body).unwrap();
    assert_eq!(problem["request_id"].as_str(), Some(request_id(&res).as_str()), "{problem}");
}

/// A writer the test subscriber appends to.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Captured {
    fn text(&self) -> String {
        String::from_utf8(self.0.lock().unwrap().clone()).unwrap()
    }

    /// The access-log lines so far, as JSON.
    fn access_lines(&self) -> Vec<Value> {
        self.text().lines().filter_map(|l| serde_json::from_str::<Value>(l).ok()).filter(|v| v["target"] == "hearth::access").collect()
    }
}

/// Captures this thread's log (the tests run on a current-thread runtime) as JSON lines.
fn capture() -> (Captured, tracing::subscriber::DefaultGuard) {
    let out = Captured::default();
    let writer = out.clone();
    let subscriber = tracing_subscriber::fmt().json().flatten_event(true).with_max_level(tracing::Level::INFO).with_writer(move || writer.clone()).finish();
    (out, tracing::subscriber::set_default(subscriber))
}

#[tokio::test]
async fn the_access_log_has_one_line_per_request_without_query_strings_or_names() {
    let _one = ONE_AT_A_TIME.lock().await;
    let (log, _guard) = capture();
    let w = world().await;
    let sam = user(&w, "sam", Role::SocialWorker, None).await;
    let child = w.app.create_person(&alone(&sam), child("Zebedee", "Quuxworth")).await.unwrap();
    let before = log.access_lines().len();
    assert_eq!(before, 0, "setting up sent no requests");

    let mut b = Browser::new();
    let mut sent: Vec<(String, Res, bool)> = Vec::new();
    let anon = b.get(&w, "/search?q=Quuxworth").await;
    sent.push(("GET /search".into(), anon, false));
    let page = b.get(&w, "/sign-in").await;
    sent.push(("GET /sign-in".into(), page, false));
    let token = Browser::csrf(&sent[1].1.body);
    let signed = b.post(&w, "/sign-in", &[("csrf_token", token.as_str()), ("username", "sam"), ("password", PASSWORD)]).await;
    assert_eq!(signed.status, StatusCode::SEE_OTHER);
    // The sign-in itself was anonymous when it arrived.
    sent.push(("POST /sign-in".into(), signed, false));
    let found = b.get(&w, "/search?q=Quuxworth").await;
    assert!(found.body.contains("Quuxworth"), "the search found the child");
    sent.push(("GET /search".into(), found, true));
    let record = b.get(&w, &format!("/people/{}?tab=family", child.id)).await;
    assert_eq!(record.status, StatusCode::OK);
    sent.push(("GET /people/{id}".into(), record, true));
    // An address that is no page never looks at the session: nobody to name.
    sent.push(("GET unmatched".into(), b.get(&w, "/people-finder?name=Zebedee").await, false));
    let api_token = w.app.create_api_token(&alone(&sam), "tests").await.unwrap().1;
    sent.push(("GET /api/v1/people/{id}".into(), api_get(&w, &format!("/api/v1/people/{}", child.id), Some(&api_token), Some("caller-id-9")).await, true));
    sent.push(("GET /api/v1/people/{id}".into(), api_get(&w, &format!("/api/v1/people/{}", child.id), None, None).await, false));

    let lines = log.access_lines();
    assert_eq!(lines.len(), sent.len(), "one line per request:\n{}", log.text());
    for ((what, res, signed_in), line) in sent.iter().zip(&lines) {
        let (method, route) = what.split_once(' ').unwrap();
        assert_eq!(line["method"], method, "{line}");
        assert_eq!(line["route"], route, "{line}");
        assert_eq!(line["status"], res.status.as_u16(), "{line}");
        assert!(line["duration_ms"].as_f64().is_some_and(|d| d >= 0.0), "{line}");
        assert_eq!(line["request_id"].as_str(), Some(request_id(res).as_str()), "{line}");
        assert_eq!(line["message"], "request", "{line}");
        if *signed_in {
            assert_eq!(line["user_id"].as_str(), Some(sam.id.to_string().as_str()), "{line}");
        } else {
            assert!(line.get("user_id").is_none(), "{line}");
        }
    }
    assert_eq!(lines[6]["request_id"], "caller-id-9");
    // Nothing in the whole log names the child, holds their id or a query string.
    let text = log.text();
    for leak in ["Quuxworth", "Zebedee", &child.id.to_string(), "?q=", "tab=family", "sam name", PASSWORD] {
        assert!(!text.contains(leak), "the log shows {leak:?}:\n{text}");
    }
}

#[tokio::test]
async fn a_request_given_up_before_its_answer_is_logged_once_as_499() {
    let _one = ONE_AT_A_TIME.lock().await;
    let (log, _guard) = capture();
    let w = world().await;
    user(&w, "sam", Role::SocialWorker, None).await;
    let mut b = Browser::new();
    let page = b.get(&w, "/sign-in").await;
    let token = Browser::csrf(&page.body);
    let body = serde_urlencoded::to_string([("csrf_token", token.as_str()), ("username", "sam"), ("password", PASSWORD)]).unwrap();
    let req = Request::post("/sign-in")
        .header(header::COOKIE, b.cookie_header())
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(body))
        .unwrap();
    // Checking a password takes Argon2's time on the blocking pool: the first poll cannot
    // have the answer, and the caller gives up there.
    let gave_up = tokio::time::timeout(std::time::Duration::ZERO, w.router.clone().oneshot(req)).await;
    assert!(gave_up.is_err(), "the sign-in answered at once");
    let lines = log.access_lines();
    assert_eq!(lines.len(), 2, "{}", log.text());
    assert_eq!(lines[1]["status"], 499);
    assert_eq!(lines[1]["route"], "/sign-in");
    assert_eq!(lines[1]["method"], "POST");
}
