//! Running and stopping: the background housekeeping, and a graceful stop.
//!
//! Stopping gracefully. SIGTERM (what systemd, Docker and Kubernetes send) or Ctrl+C stops
//! the server accepting connections; requests in flight finish, for up to the grace period,
//! and then the process exits 0. A write is never cut off half-way by a planned stop.
use std::future::IntoFuture;
use std::time::Duration;

/// Waits for SIGTERM or SIGINT (Ctrl+C); returns which.
pub async fn signalled() -> &'static str {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => tokio::select! {
                _ = term.recv() => "SIGTERM",
                _ = tokio::signal::ctrl_c() => "SIGINT",
            },
            Err(e) => {
                tracing::warn!(error = %e, "cannot listen for SIGTERM; only Ctrl+C stops Hearth gracefully");
                let _ = tokio::signal::ctrl_c().await;
                "SIGINT"
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
        "Ctrl+C"
    }
}

/// Serves until a stop signal, then drains: no new connections, and the requests in flight
/// get up to `grace` to finish.
pub async fn serve_until_stopped(listener: tokio::net::TcpListener, router: axum::Router, grace: Duration) -> std::io::Result<()> {
    let (stopping, mut stopped) = tokio::sync::watch::channel(false);
    let server = axum::serve(listener, router).with_graceful_shutdown(async move {
        let which = signalled().await;
        tracing::info!(signal = which, grace_seconds = grace.as_secs(), "stopping: no new connections; requests in flight may finish");
        let _ = stopping.send(true);
    });
    let deadline = async move {
        let _ = stopped.wait_for(|s| *s).await;
        tokio::time::sleep(grace).await;
    };
    tokio::select! {
        served = server.into_future() => {
            tracing::info!("stopped: every request finished");
            served
        }
        () = deadline => {
            tracing::warn!(grace_seconds = grace.as_secs(), "stopped: requests still running after the grace period were cut off");
            Ok(())
        }
    }
}

/// Runs `App::housekeeping` now and then every `period` (once across all instances: the
/// run takes a database lock). A failed run is logged and tried again next time.
pub async fn housekeeping_every(app: hearth_app::App, period: Duration) {
    let mut tick = tokio::time::interval(period);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    use hearth_app::telemetry::{background_run, RunOutcome};
    loop {
        tick.tick().await;
        let started = std::time::Instant::now();
        match app.housekeeping().await {
            Ok(Some(done)) => {
                background_run("housekeeping", RunOutcome::Ok, started.elapsed());
                tracing::info!(drafts = done.drafts, sessions = done.sessions, allocations = done.allocations, "housekeeping: expired drafts and ended sessions deleted, planned transfers applied");
            }
            // Another instance holds the lock: its run is the one that counts.
            Ok(None) => tracing::debug!("housekeeping: another instance is running it"),
            Err(e) => {
                background_run("housekeeping", RunOutcome::Error, started.elapsed());
                tracing::warn!(error = %e, "housekeeping failed; it runs again later");
            }
        }
        // Every instance keeps its own census checked: bring it up to date (all of it on a
        // new day) before a reader asks.
        if let Err(e) = app.warm_census().await {
            tracing::warn!(error = %e, "bringing the CIN census up to date failed; the census page does it when asked");
        }
    }
}
