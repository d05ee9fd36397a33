//! Faults an operator meets (issue 15): a full disk, a database that cannot be written, a
//! conflict, times that must read back as written.
use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use serde_json::json;
use std::path::{Path, PathBuf};

mod support;
use support::*;

/// A small file system of its own (tmpfs), mounted for the test when the machine allows it
/// (root, as CI runs); unmounted when dropped.
struct SmallDisk {
    dir: PathBuf,
}

impl SmallDisk {
    fn mount(megabytes: u32) -> Option<SmallDisk> {
        let dir = std::env::temp_dir().join(format!("hearth-small-disk-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir).ok()?;
        let ok = std::process::Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={megabytes}m"), "tmpfs"])
            .arg(&dir)
            .output()
            .is_ok_and(|o| o.status.success());
        if !ok {
            let _ = std::fs::remove_dir(&dir);
            return None;
        }
        Some(SmallDisk { dir })
    }

    /// Fills what is left with a file, until the file system says it is full.
    fn fill(&self) -> PathBuf {
        use std::io::Write;
        let filler = self.dir.join("filler");
        let mut f = std::fs::File::create(&filler).unwrap();
        let block = vec![0u8; 64 * 1024];
        while f.write_all(&block).is_ok() {}
        // The last partial block: byte by byte until nothing more fits.
        while f.write_all(&[0]).is_ok() {}
        let _ = f.sync_all();
        filler
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount").arg(&self.dir).output();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn note(text: &str) -> serde_json::Value {
    json!({"occurred_at": "2023-12-01T10:15", "note_type": "home_visit", "child_seen": true, "seen_alone": false, "significant": false, "text": text})
}

async fn health(w: &World) -> StatusCode {
    w.raw(Request::builder().method(Method::GET).uri("/healthz").body(Body::empty()).unwrap()).await.status
}

/// A write that fails for want of disk gets a 503 saying so, and so does every later one
/// while the disk is full (never a 500, never a poisoned connection); `/healthz` says 503;
/// once space is freed the next request succeeds, and nothing saved is lost.
#[tokio::test]
async fn a_full_disk_answers_503_and_recovers_when_space_returns() {
    let Some(disk) = SmallDisk::mount(16) else {
        eprintln!("SKIPPED: cannot mount a tmpfs here (needs root); the full-disk case is tested where it can be");
        return;
    };
    let w = world_in(&disk.dir).await;
    let child = w.child("Amy").await;
    let path = format!("/people/{child}/case-notes");
    w.post(&path, &w.sam, note("Before the disk filled")).await.expect(StatusCode::CREATED);
    assert_eq!(health(&w).await, StatusCode::OK);

    let filler = disk.fill();
    let mut refused = 0;
    for i in 0..6 {
        let r = w.post(&path, &w.sam, note(&format!("While full {i} {}", "x".repeat(20_000)))).await;
        assert_ne!(r.status, StatusCode::INTERNAL_SERVER_ERROR, "attempt {i}: {}", r.text);
        if r.status == StatusCode::SERVICE_UNAVAILABLE {
            refused += 1;
            assert!(r.text.contains("cannot save right now") && r.text.contains("nothing was saved"), "{}", r.text);
        }
        // Reads that write their audit entry cannot succeed either, and say so.
        let read = w.get(&format!("/people/{child}"), &w.sam).await;
        assert_ne!(read.status, StatusCode::INTERNAL_SERVER_ERROR, "{}", read.text);
    }
    assert!(refused > 0, "the disk never filled up");
    assert_eq!(health(&w).await, StatusCode::SERVICE_UNAVAILABLE, "/healthz tells the truth");

    std::fs::remove_file(&filler).unwrap();
    let r = w.post(&path, &w.sam, note("After space came back")).await;
    r.expect(StatusCode::CREATED);
    assert_eq!(health(&w).await, StatusCode::OK);
    let list = w.get(&path, &w.sam).await;
    assert!(list.text.contains("Before the disk filled") && list.text.contains("After space came back"));
    drop(w);
    let _ = Path::new(&disk.dir);
}

/// Housekeeping deletes drafts past their week and sessions that ended more than a week
/// ago, and keeps a session that ended recently (a form posted to it is still kept).
#[tokio::test]
async fn housekeeping_deletes_what_has_expired() {
    use hearth_store::SessionRecord;
    use time::Duration;
    let w = world().await;
    let sam = w.user("sam").clone();
    let session = |label: &str| SessionRecord {
        id: hearth_domain::SessionId::new(),
        user: sam.id,
        token_hash: format!("hash-{label}-{}", uuid::Uuid::new_v4()),
        csrf_token: "x".repeat(32),
        mfa_passed: true,
        proposed_totp: None,
        created_at: w.app.now(),
        last_seen_at: w.app.now(),
    };
    let (ended_long_ago, ended_recently) = (session("old"), session("recent"));
    let mut tx = w.app.store.begin().await.unwrap();
    tx.insert_session(&ended_long_ago).await.unwrap();
    tx.commit().await.unwrap();
    let draft = w.app.save_draft(&session("draft"), "/people/new", "given_name=Zo%C3%AB").await.unwrap();
    w.clock.advance(Duration::days(8));
    let mut tx = w.app.store.begin().await.unwrap();
    tx.insert_session(&SessionRecord { created_at: w.app.now() - Duration::hours(1), last_seen_at: w.app.now() - Duration::hours(1), ..ended_recently.clone() }).await.unwrap();
    tx.commit().await.unwrap();
    let done = w.app.housekeeping().await.unwrap().expect("SQLite's one writer holds the lock");
    assert_eq!(done.drafts, 1);
    assert!(done.sessions >= 1);
    let mut tx = w.app.store.begin().await.unwrap();
    assert!(tx.session_by_token_hash(&ended_long_ago.token_hash).await.unwrap().is_none());
    assert!(tx.session_by_token_hash(&ended_recently.token_hash).await.unwrap().is_some(), "ended an hour ago: kept for its drafts");
    assert!(tx.take_draft(draft, sam.id).await.unwrap().is_none());
    tx.commit().await.unwrap();
    let head = w.audit_head().await;
    assert_eq!(w.app.housekeeping().await.unwrap(), Some(hearth_app::housekeeping::Housekeeping::default()), "nothing more to do");
    assert_eq!(w.audit_head().await, head, "an empty run leaves no audit entry");
}
