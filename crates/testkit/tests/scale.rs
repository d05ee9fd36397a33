//! Timing of a large generation. Ignored by default; run in release:
//! `HEARTH_SCALE_CHILDREN=10000 cargo test --release -p hearth-testkit --test scale -- --ignored --nocapture`
mod support;

use hearth_testkit::{generate, DemoOptions};
use support::TempDb;

fn env(name: &str, default: usize) -> usize {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "slow: a timing run, not a check"]
async fn generate_at_scale() {
    let children = env("HEARTH_SCALE_CHILDREN", 10_000);
    let notes_per_child = env("HEARTH_SCALE_NOTES", 10);
    let db = TempDb::new("scale").await;
    let s = generate(&db.store, &DemoOptions { children, seed: 1, notes_per_child, ..Default::default() }).await.unwrap();
    let size = std::fs::metadata(&db.path).map(|m| m.len()).unwrap_or(0);
    println!(
        "{} children, {} people, {} relationships, {} case notes, {} users in {:.1?} ({:.0} notes/s); database {} MB",
        s.children,
        s.people,
        s.relationships,
        s.case_notes,
        s.users.len(),
        s.elapsed,
        s.case_notes as f64 / s.elapsed.as_secs_f64(),
        size / 1_000_000
    );
}
