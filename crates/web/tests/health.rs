//! `/healthz` tells a load balancer whether the database answers: 200, then 503 once the
//! database is gone (here a real PostgreSQL database dropped under the running app).
use axum::body::Body;
use axum::http::{Request, StatusCode};
use hearth_app::clock::SystemClock;
use hearth_app::{App, AppConfig};
use hearth_store_sql::SqlStore;
use std::sync::Arc;
use tower::ServiceExt;

#[path = "../../store-sql/tests/support/postgres.rs"]
mod postgres;

async fn health(router: &axum::Router) -> StatusCode {
    router.clone().oneshot(Request::get("/healthz").body(Body::empty()).unwrap()).await.unwrap().status()
}

#[tokio::test]
async fn health_is_503_when_the_database_is_gone() {
    let Some(db) = postgres::TestDb::create("health_is_503_when_the_database_is_gone").await else { return };
    let store = SqlStore::connect(&db.url).await.unwrap();
    store.migrate().await.unwrap();
    let app = App::new(Arc::new(store), AppConfig::default(), Arc::new(SystemClock));
    let router = hearth_web::router(app, hearth_web::WebConfig::default());
    assert_eq!(health(&router).await, StatusCode::OK);
    db.drop().await;
    assert_eq!(health(&router).await, StatusCode::SERVICE_UNAVAILABLE);
    // A page answers with a clear message too, not a stack trace.
    let res = router.clone().oneshot(Request::get("/sign-in").body(Body::empty()).unwrap()).await.unwrap();
    assert_eq!(res.status(), StatusCode::OK, "the sign-in page needs no database");
}
