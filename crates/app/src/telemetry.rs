//! Metrics any part of Hearth can record for work done outside a request. They go through
//! the `metrics` facade: with no recorder installed (no `metrics_bind`) each call does
//! nothing, so callers need not know whether metrics are on.
//!
//! The families, served at `/metrics` when metrics are on (see docs/ADMIN-GUIDE.md):
//! `hearth_background_runs_total{task, outcome}` (counter),
//! `hearth_background_run_duration_seconds{task}` (histogram) and
//! `hearth_background_last_success_timestamp_seconds{task}` (gauge, Unix time). A family
//! has no series until a task reports a run: none are invented.
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Runs of background tasks, by task and outcome.
pub const BACKGROUND_RUNS: &str = "hearth_background_runs_total";
/// How long each run of a background task took, by task.
pub const BACKGROUND_RUN_DURATION: &str = "hearth_background_run_duration_seconds";
/// When each background task last finished well (Unix time, seconds), by task.
pub const BACKGROUND_LAST_SUCCESS: &str = "hearth_background_last_success_timestamp_seconds";

/// How one run of a background task ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RunOutcome {
    /// The task did its work.
    Ok,
    /// The task failed; it should also have logged why.
    Error,
}

impl RunOutcome {
    /// The `outcome` label's value.
    pub fn label(self) -> &'static str {
        match self {
            RunOutcome::Ok => "ok",
            RunOutcome::Error => "error",
        }
    }
}

/// Records one run of the background task `task` (a short fixed name such as
/// `"session_purge"`, never anything that varies per run: each name is a series).
pub fn background_run(task: &'static str, outcome: RunOutcome, took: Duration) {
    metrics::counter!(BACKGROUND_RUNS, "task" => task, "outcome" => outcome.label()).increment(1);
    metrics::histogram!(BACKGROUND_RUN_DURATION, "task" => task).record(took.as_secs_f64());
    if outcome == RunOutcome::Ok {
        // A clock before 1970 is not worth failing a task for: the gauge is then left alone.
        if let Ok(now) = SystemTime::now().duration_since(UNIX_EPOCH) {
            metrics::gauge!(BACKGROUND_LAST_SUCCESS, "task" => task).set(now.as_secs_f64());
        }
    }
}
