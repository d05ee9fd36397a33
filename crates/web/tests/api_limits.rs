//! Finding 8 of the security review: a JSON body with thousands of unknown keys and one bad
//! field cost seconds of CPU, because the field to blame was found by deserialising the
//! whole body once per key. It is now found by bisection, on the blocking pool for large
//! bodies, and the answer is the same 422 naming the field.
use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use axum::Router;
use serde_json::{Map, Value};
use std::time::{Duration, Instant};
use tower::ServiceExt;

mod support;
use support::{world, World};

/// A router over the world's app that takes bodies of up to 1 MiB (the default of `hearth
/// serve`), so the large bodies below reach the JSON extractor.
fn roomy(w: &World) -> Router {
    hearth_web::router(w.api.app.clone(), hearth_web::WebConfig { max_body_bytes: 1024 * 1024, ..Default::default() })
}

/// A new person with `unknown` unknown keys and a given name that is a number.
fn heavy_body(unknown: usize) -> Vec<u8> {
    let mut map = Map::new();
    for i in 0..unknown {
        map.insert(format!("unknown_{i:05}"), Value::from(i));
    }
    map.insert("kind".into(), Value::from("child"));
    map.insert("given_name".into(), Value::from(5));
    map.insert("family_name".into(), Value::from("Lee"));
    map.insert("date_of_birth".into(), Value::from("2016-05-01"));
    serde_json::to_vec(&Value::Object(map)).unwrap()
}

async fn post_people(router: &Router, token: &str, body: Vec<u8>) -> (StatusCode, Value) {
    let req = Request::builder()
        .method(Method::POST)
        .uri("/api/v1/people")
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body))
        .unwrap();
    let res = router.clone().oneshot(req).await.unwrap();
    let status = res.status();
    let bytes = axum::body::to_bytes(res.into_body(), usize::MAX).await.unwrap();
    (status, serde_json::from_slice(&bytes).unwrap_or(Value::Null))
}

fn fields(problem: &Value) -> Vec<String> {
    problem["errors"].as_array().map(|a| a.iter().map(|e| e["field"].as_str().unwrap_or_default().to_string()).collect()).unwrap_or_default()
}

#[tokio::test]
async fn eight_thousand_unknown_keys_and_one_bad_field_answer_422_naming_it_quickly() {
    let w = world().await;
    let router = roomy(&w);
    let body = heavy_body(8000);
    assert!(body.len() > 100_000, "{} bytes", body.len());
    let started = Instant::now();
    let (status, problem) = post_people(&router, &w.sam, body).await;
    let took = started.elapsed();
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
    assert_eq!(fields(&problem), vec!["given_name".to_string()], "{problem}");
    assert!(problem["errors"][0]["message"].as_str().unwrap_or_default().contains("invalid type"), "{problem}");
    // The quadratic search took 14 s in a release build (far longer in a debug one); the
    // bisection needs about 15 deserialisations of the body. The bound is generous, for a
    // loaded CI machine; the count itself is pinned by the unit tests of `extract.rs`.
    assert!(took < Duration::from_secs(10), "took {took:?}");
    // Nothing was saved.
    let (status, found) = {
        let r = w.get("/people?q=Lee", &w.sam).await;
        (r.status, r.json)
    };
    assert_eq!(status, StatusCode::OK);
    assert_eq!(found["results"].as_array().map(Vec::len), Some(0));
}

#[tokio::test]
async fn a_small_body_with_a_bad_flattened_field_is_named_as_before() {
    let w = world().await;
    let (status, problem) = post_people(&roomy(&w), &w.sam, heavy_body(3)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
    assert_eq!(fields(&problem), vec!["given_name".to_string()], "{problem}");
}

/// While several such bodies are being analysed, `/healthz` (which a load balancer polls)
/// still answers: the analysis runs on the blocking pool, not on the runtime's workers.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn healthz_answers_while_heavy_bodies_are_analysed() {
    let w = world().await;
    let router = roomy(&w);
    let heavy: Vec<_> = (0..6)
        .map(|_| {
            let (router, token, body) = (router.clone(), w.sam.clone(), heavy_body(8000));
            tokio::spawn(async move { post_people(&router, &token, body).await })
        })
        .collect();
    let health = tokio::time::timeout(Duration::from_secs(10), router.clone().oneshot(Request::get("/healthz").body(Body::empty()).unwrap()))
        .await
        .expect("/healthz did not answer within 10 s while heavy bodies were analysed")
        .unwrap();
    assert_eq!(health.status(), StatusCode::OK);
    for h in heavy {
        let (status, problem) = h.await.unwrap();
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
        assert_eq!(fields(&problem), vec!["given_name".to_string()], "{problem}");
    }
}
