//! What Hearth tells its operators about the requests it serves: a request id on every
//! response (and in error pages and problem+json bodies), one access-log line per request,
//! and Prometheus metrics served on an address of their own.
//!
//! Nothing here records a query string, a raw path or anything about a person: requests are
//! named by their route template (`/people/{id}`), callers by their user id.
use axum::extract::{MatchedPath, Request};
use axum::http::header::HeaderName;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use hearth_domain::UserId;
use hearth_store::Store;
use metrics_exporter_prometheus::{BuildError, Matcher, PrometheusBuilder, PrometheusHandle};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Instant;
use tracing::Instrument;

/// The header that carries a request's id, both ways.
pub const REQUEST_ID_HEADER: HeaderName = HeaderName::from_static("x-request-id");

/// The longest incoming request id reused; a longer one is replaced.
const MAX_REQUEST_ID_LEN: usize = 64;

/// The `route` label and log field of a request that matched no route: raw paths would be
/// unbounded (and can hold ids), so they all share this name.
pub const UNMATCHED: &str = "unmatched";

/// The `status` recorded for a request whose caller went away before the answer was ready
/// (nginx's "client closed request").
const CLIENT_CLOSED: u16 = 499;

/// The target of the access-log lines, for filtering (`HEARTH_LOG=warn,hearth::access=info`).
pub const ACCESS_LOG_TARGET: &str = "hearth::access";

const HTTP_REQUESTS: &str = "hearth_http_requests_total";
const HTTP_DURATION: &str = "hearth_http_request_duration_seconds";
const HTTP_IN_FLIGHT: &str = "hearth_http_requests_in_flight";
const AUDIT_APPENDS: &str = "hearth_audit_appends_total";
const POOL_IN_USE: &str = "hearth_db_pool_connections_in_use";
const POOL_IDLE: &str = "hearth_db_pool_connections_idle";
const POOL_MAX: &str = "hearth_db_pool_connections_max";

/// Latency buckets, in seconds: pages should answer well inside 250 ms.
const DURATION_BUCKETS: &[f64] = &[0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0];

/// The id of one request: the caller's `x-request-id` when it is a sensible one, otherwise a
/// new UUIDv7. Cheap to clone.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequestId(Arc<str>);

impl RequestId {
    fn new_random() -> Self {
        RequestId(uuid::Uuid::now_v7().hyphenated().to_string().into())
    }

    /// The id sent by the caller, if it may be reused: 1 to 64 characters of letters,
    /// digits and `- _ . : + = / @`. Anything else (spaces, quotes, angle brackets, control
    /// characters) could forge log fields or mark-up, so it is replaced.
    fn from_headers(headers: &HeaderMap) -> Option<Self> {
        let mut values = headers.get_all(&REQUEST_ID_HEADER).iter();
        let v = values.next()?.to_str().ok()?;
        // Two ids would be ambiguous: make a new one.
        if values.next().is_some() {
            return None;
        }
        let ok = !v.is_empty() && v.len() <= MAX_REQUEST_ID_LEN && v.chars().all(|c| c.is_ascii_alphanumeric() || "-_.:+=/@".contains(c));
        ok.then(|| RequestId(v.into()))
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for RequestId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// What the layer knows about the request in hand, shared with the code that serves it
/// through the request's extensions (and, for the error pages, a task-local).
#[derive(Clone, Debug)]
pub(crate) struct RequestContext {
    id: RequestId,
    /// Set once the caller is known to be a signed-in user or a token's owner.
    user: Arc<OnceLock<UserId>>,
    /// The path asked for, so the page's navigation can mark where the reader is (never
    /// logged: it can hold ids).
    path: Arc<str>,
}

tokio::task_local! {
    // Error pages and problems are built far from the request (`IntoResponse`), so they find
    // the id here rather than being handed it by every handler.
    static CURRENT: RequestContext;
}

/// The id of the request being served on this task, if any.
pub fn current_request_id() -> Option<RequestId> {
    CURRENT.try_with(|c| c.id.clone()).ok()
}

/// The path of the request being served on this task, if any.
pub(crate) fn current_path() -> Option<Arc<str>> {
    CURRENT.try_with(|c| c.path.clone()).ok()
}

/// Notes who is asking, for the access log: called where the session or token is resolved.
pub(crate) fn note_user(extensions: &axum::http::Extensions, user: UserId) {
    if let Some(ctx) = extensions.get::<RequestContext>() {
        // A second note (there is none today) would name the same user: the first stands.
        let _ = ctx.user.set(user);
    }
}

/// The `method` label: the standard methods by name, anything else as `other`, so that a
/// caller cannot mint series.
fn method_label(m: &Method) -> &'static str {
    match *m {
        Method::GET => "GET",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::PATCH => "PATCH",
        Method::DELETE => "DELETE",
        Method::HEAD => "HEAD",
        Method::OPTIONS => "OPTIONS",
        Method::CONNECT => "CONNECT",
        Method::TRACE => "TRACE",
        _ => "other",
    }
}

/// One request in progress. Dropping it writes the access-log line and the metrics, so a
/// request whose caller went away (its future dropped) is still logged, once, as 499.
struct Exchange {
    ctx: RequestContext,
    method: &'static str,
    route: String,
    started: Instant,
    status: Option<StatusCode>,
}

impl Exchange {
    fn start(ctx: RequestContext, method: &'static str, route: String) -> Self {
        metrics::gauge!(HTTP_IN_FLIGHT).increment(1.0);
        Exchange { ctx, method, route, started: Instant::now(), status: None }
    }
}

impl Drop for Exchange {
    fn drop(&mut self) {
        let elapsed = self.started.elapsed();
        let status = self.status.map_or(CLIENT_CLOSED, |s| s.as_u16());
        metrics::gauge!(HTTP_IN_FLIGHT).decrement(1.0);
        let labels = [("method", self.method.to_string()), ("route", self.route.clone()), ("status", status.to_string())];
        metrics::counter!(HTTP_REQUESTS, &labels).increment(1);
        metrics::histogram!(HTTP_DURATION, &labels).record(elapsed.as_secs_f64());
        // Whole microseconds over 1000 print as at most three decimals (1.234).
        #[allow(clippy::cast_precision_loss)] // microseconds of one request fit an f64 exactly
        let duration_ms = elapsed.as_micros() as f64 / 1000.0;
        tracing::info!(
            target: ACCESS_LOG_TARGET,
            method = %self.method,
            route = %self.route,
            status,
            duration_ms,
            user_id = self.ctx.user.get().map(tracing::field::display),
            request_id = %self.ctx.id,
            "request"
        );
    }
}

/// The layer around every route: gives the request its id, serves it inside a `request`
/// span carrying that id (so that whatever it logs can be traced back), sets `x-request-id`
/// on the response, and logs and counts the exchange. Added with `Router::layer`, so the
/// route template (`MatchedPath`) is known here.
pub(crate) async fn layer(mut req: Request, next: Next) -> Response {
    let id = RequestId::from_headers(req.headers()).unwrap_or_else(RequestId::new_random);
    let route = req.extensions().get::<MatchedPath>().map_or_else(|| UNMATCHED.to_string(), |m| m.as_str().to_string());
    let ctx = RequestContext { id: id.clone(), user: Arc::default(), path: Arc::from(req.uri().path()) };
    req.extensions_mut().insert(ctx.clone());
    req.extensions_mut().insert(id.clone());
    let mut exchange = Exchange::start(ctx.clone(), method_label(req.method()), route);
    let span = tracing::info_span!("request", request_id = %id);
    let mut res = CURRENT.scope(ctx, next.run(req)).instrument(span).await;
    // The id is checked (or made) above to be a valid header value; should that ever fail,
    // the answer goes out without it rather than not at all.
    if let Ok(v) = HeaderValue::from_str(id.as_str()) {
        res.headers_mut().insert(REQUEST_ID_HEADER, v);
    }
    exchange.status = Some(res.status());
    res
}

/// Metrics could not be turned on.
#[derive(Debug, thiserror::Error)]
pub enum MetricsError {
    /// The recorder could not be built or installed (another one is installed already).
    #[error("cannot record metrics: {0}")]
    Install(#[from] BuildError),
}

/// The process's metrics recorder, rendering the Prometheus text format. There is one per
/// process (the `metrics` facade has one global recorder); [`Metrics::install`] returns the
/// same one each time.
#[derive(Clone, Debug)]
pub struct Metrics {
    handle: PrometheusHandle,
}

impl Metrics {
    /// Installs the recorder on first call and describes Hearth's metric families. Until it
    /// is called, recording a metric does nothing.
    pub fn install() -> Result<Metrics, MetricsError> {
        static INSTALLED: Mutex<Option<PrometheusHandle>> = Mutex::new(None);
        // A panic elsewhere while holding the lock leaves a valid Option behind.
        let mut installed = INSTALLED.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(handle) = installed.as_ref() {
            return Ok(Metrics { handle: handle.clone() });
        }
        let handle = PrometheusBuilder::new()
            .set_buckets_for_metric(Matcher::Full(HTTP_DURATION.into()), DURATION_BUCKETS)?
            .set_buckets_for_metric(Matcher::Full(hearth_app::telemetry::BACKGROUND_RUN_DURATION.into()), DURATION_BUCKETS)?
            .install_recorder()?;
        describe();
        *installed = Some(handle.clone());
        Ok(Metrics { handle })
    }

    /// The metrics now, in the Prometheus text format, with the pool of `store` read at this
    /// moment.
    pub fn render(&self, store: &dyn Store) -> String {
        if let Some(p) = store.pool_stats() {
            metrics::gauge!(POOL_IN_USE).set(f64::from(p.in_use));
            metrics::gauge!(POOL_IDLE).set(f64::from(p.idle));
            metrics::gauge!(POOL_MAX).set(f64::from(p.max));
        }
        self.handle.render()
    }

    /// Drains the histograms' buffers into their buckets. Run it every few seconds: between
    /// scrapes (or with nobody scraping) the samples would otherwise pile up.
    pub fn run_upkeep(&self) {
        self.handle.run_upkeep();
    }

    /// The metrics endpoint, `GET /metrics`, for an address of its own: it asks for no
    /// sign-in, so it must never be merged into the main router.
    pub fn router(&self, store: Arc<dyn Store>) -> Router {
        let metrics = self.clone();
        Router::new().route(
            "/metrics",
            get(move || {
                let (metrics, store) = (metrics.clone(), store.clone());
                async move { ([(header::CONTENT_TYPE, HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"))], metrics.render(store.as_ref())).into_response() }
            }),
        )
    }
}

/// HELP texts for the families, and zero series for the audit counters so that an alert on
/// `result="error"` has a series before the first failure.
fn describe() {
    use metrics::Unit;
    metrics::describe_counter!(HTTP_REQUESTS, Unit::Count, "HTTP requests answered, by method, route template and status code (499: the caller went away).");
    metrics::describe_histogram!(HTTP_DURATION, Unit::Seconds, "Time to produce each HTTP response, by method, route template and status code.");
    metrics::describe_gauge!(HTTP_IN_FLIGHT, Unit::Count, "HTTP requests being served now.");
    metrics::describe_counter!(AUDIT_APPENDS, Unit::Count, "Audit entries written, by result (error: the action being audited was refused).");
    metrics::describe_gauge!(POOL_IN_USE, Unit::Count, "Database connections lent out now.");
    metrics::describe_gauge!(POOL_IDLE, Unit::Count, "Open database connections waiting to be used.");
    metrics::describe_gauge!(POOL_MAX, Unit::Count, "The most database connections the pool will open.");
    metrics::describe_counter!(hearth_app::telemetry::BACKGROUND_RUNS, Unit::Count, "Runs of background tasks, by task and outcome.");
    metrics::describe_histogram!(hearth_app::telemetry::BACKGROUND_RUN_DURATION, Unit::Seconds, "Time each run of a background task took, by task.");
    metrics::describe_gauge!(hearth_app::telemetry::BACKGROUND_LAST_SUCCESS, Unit::Seconds, "When each background task last finished well, Unix time.");
    for result in ["ok", "error"] {
        metrics::counter!(AUDIT_APPENDS, "result" => result).increment(0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id_of(value: &str) -> Option<RequestId> {
        let mut h = HeaderMap::new();
        h.insert(REQUEST_ID_HEADER, HeaderValue::from_str(value).ok()?);
        RequestId::from_headers(&h)
    }

    #[test]
    fn sensible_ids_are_kept_and_others_refused() {
        for ok in ["abc", "0190d4c2-7a1e-7c3b-9f00-2b6a3c1d4e5f", "Root=1-67891233-abcdef012345678912345678", "a.b:c_d+e/f@g", &"x".repeat(64)] {
            assert_eq!(id_of(ok).map(|i| i.to_string()).as_deref(), Some(ok));
        }
        for bad in ["", "two words", "a\"b", "<script>", "a=b c", &"x".repeat(65), "tab\there", "é"] {
            assert!(id_of(bad).is_none(), "{bad:?} was kept");
        }
        let mut twice = HeaderMap::new();
        twice.append(REQUEST_ID_HEADER, HeaderValue::from_static("a"));
        twice.append(REQUEST_ID_HEADER, HeaderValue::from_static("b"));
        assert!(RequestId::from_headers(&twice).is_none());
    }

    #[test]
    fn new_ids_are_uuids_and_differ() {
        let (a, b) = (RequestId::new_random(), RequestId::new_random());
        assert_ne!(a, b);
        assert!(uuid::Uuid::try_parse(a.as_str()).is_ok());
    }

    #[test]
    fn odd_methods_share_one_label() {
        assert_eq!(method_label(&Method::GET), "GET");
        assert_eq!(method_label(&Method::from_bytes(b"BREW").unwrap()), "other");
    }
}
