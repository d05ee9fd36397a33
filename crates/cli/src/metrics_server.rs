//! `metrics_bind`: Prometheus metrics at `GET /metrics` on an address of their own, so that
//! they can be kept off the network people reach Hearth on. Off unless the setting is given.
use crate::Failure;
use hearth_store::Store;
use hearth_web::observability::Metrics;
use std::sync::Arc;
use std::time::Duration;

/// How often the histograms' buffers are drained when nobody scrapes.
const UPKEEP_EVERY: Duration = Duration::from_secs(5);

/// Turns metrics on and serves them at `bind` in the background, when `bind` is given;
/// prints where. Fails (Hearth does not start) when the address cannot be listened on.
pub async fn start(bind: Option<&str>, store: Arc<dyn Store>) -> Result<(), Failure> {
    let Some(bind) = bind.map(str::trim).filter(|b| !b.is_empty()) else {
        return Ok(());
    };
    let metrics = Metrics::install().map_err(|e| Failure(e.to_string(), 1))?;
    let listener = tokio::net::TcpListener::bind(bind).await.map_err(|e| Failure(format!("cannot listen on {bind} for metrics: {e}"), 1))?;
    let addr = listener.local_addr()?;
    let router = metrics.router(store);
    tokio::spawn(async move {
        if let Err(e) = axum::serve(listener, router).await {
            tracing::error!(error = %e, "the metrics endpoint stopped");
        }
    });
    tokio::spawn(async move {
        let mut every = tokio::time::interval(UPKEEP_EVERY);
        loop {
            every.tick().await;
            metrics.run_upkeep();
        }
    });
    println!("Metrics are at http://{addr}/metrics");
    Ok(())
}
