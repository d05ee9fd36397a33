// Backend checks beyond the trait's conformance suite (included by the backend test files).
use hearth_domain::audit::{AuditDraft, ChainFault, ChainVerifier, Outcome};
use hearth_domain::person::{Allocation, ChangeMeta, PersonDetails, PersonKind, PersonRecord};
use hearth_domain::user::{Role, UserRecord};
use hearth_domain::*;
use hearth_store::{Store, StoreError};
use hearth_store_sql::SqlStore;
use std::sync::Arc;
use time::OffsetDateTime;

pub fn draft(action: &str) -> AuditDraft {
    AuditDraft { at: OffsetDateTime::now_utc(), actor: None, action: action.into(), person: None, target: None, outcome: Outcome::Allowed, reason: None }
}

pub async fn verify(store: &SqlStore) -> Result<i64, ChainFault> {
    let mut tx = store.begin().await.unwrap();
    let head = tx.audit_head().await.unwrap();
    let mut v = ChainVerifier::default();
    for e in tx.audit_page(0, 10_000).await.unwrap() {
        v.check(&e)?;
    }
    v.finish(head)
}

fn user() -> UserRecord {
    let id = UserId::new();
    UserRecord {
        id,
        username: format!("u{}", id.0.simple()),
        display_name: "A Worker".into(),
        role: Role::SocialWorker,
        team: None,
        manager: None,
        password_hash: "x".into(),
        totp_secret: None,
        totp_last_step: 0,
        failed_logins: 0,
        locked_until: None,
        active: true,
        created_at: OffsetDateTime::now_utc(),
    }
}

fn person(by: UserId) -> PersonRecord {
    let at = OffsetDateTime::now_utc();
    PersonRecord {
        id: PersonId::new(),
        version: 1,
        details: PersonDetails { date_of_birth: Some(time::macros::date!(2016 - 05 - 04)), ..PersonDetails::named(PersonKind::Child, "Ann", "Example") },
        allocation: Allocation::default(),
        restricted: false,
        created_at: at,
        created_by: by,
        updated_at: at,
    }
}

/// The triggers refuse every change but an in-order append; with them dropped (as a tamperer
/// with database access could), verification names what was done.
pub async fn audit_log_is_append_only(store: &SqlStore) {
    let mut tx = store.begin().await.unwrap();
    for i in 0..3 {
        tx.append_audit(&draft(&format!("action.{i}"))).await.unwrap();
    }
    tx.commit().await.unwrap();
    assert_eq!(verify(store).await, Ok(3));

    for sql in [
        "UPDATE audit_log SET action = 'rewritten' WHERE seq = 2",
        "DELETE FROM audit_log WHERE seq = 3",
        "UPDATE audit_head SET seq = 2, hash = 'x' WHERE id = 1",
        "DELETE FROM audit_head",
        "INSERT INTO audit_log (seq, at, action, outcome, prev_hash, hash) VALUES (9, 0, 'forged', 'allowed', 'x', 'y')",
    ] {
        match store.execute_unchecked_for_tests(sql).await {
            Err(StoreError::Database(msg)) => assert!(msg.contains("audit"), "{sql}: {msg}"),
            other => panic!("{sql} was not refused: {other:?}"),
        }
    }
    assert_eq!(verify(store).await, Ok(3), "nothing changed");

    store.drop_audit_guards_for_tests().await.unwrap();
    store.execute_unchecked_for_tests("UPDATE audit_log SET action = 'rewritten' WHERE seq = 2").await.unwrap();
    assert_eq!(verify(store).await, Err(ChainFault::Altered { seq: 2 }));
    store.execute_unchecked_for_tests("UPDATE audit_log SET action = 'action.1' WHERE seq = 2").await.unwrap();
    store.execute_unchecked_for_tests("DELETE FROM audit_log WHERE seq = 3").await.unwrap();
    assert_eq!(verify(store).await, Err(ChainFault::Truncated { last_seq: 2, head_seq: 3 }));
}

/// References between records hold: a person needs the user who created them.
pub async fn references_are_enforced(store: &SqlStore) {
    let mut tx = store.begin().await.unwrap();
    let p = person(UserId::new());
    let meta = ChangeMeta { by: p.created_by, at: p.created_at, reason: None };
    assert!(matches!(tx.insert_person(&p, &meta).await, Err(StoreError::Database(_))));
}

/// Transactions from several threads at once: each person and audit entry is kept once and
/// the chain stays whole.
pub async fn writers_on_several_threads(store: Arc<SqlStore>) {
    let mut tx = store.begin().await.unwrap();
    let u = user();
    tx.insert_user(&u).await.unwrap();
    tx.commit().await.unwrap();
    let before = verify(&store).await.unwrap();
    let tasks: Vec<_> = (0..4)
        .map(|t| {
            let store = store.clone();
            tokio::spawn(async move {
                for i in 0..10 {
                    let mut tx = store.begin().await.unwrap();
                    let p = person(u.id);
                    tx.insert_person(&p, &ChangeMeta { by: u.id, at: p.created_at, reason: None }).await.unwrap();
                    tx.append_audit(&AuditDraft { person: Some(p.id), ..draft(&format!("person.create.{t}.{i}")) }).await.unwrap();
                    tx.commit().await.unwrap();
                }
            })
        })
        .collect();
    for t in tasks {
        t.await.unwrap();
    }
    assert_eq!(verify(&store).await, Ok(before + 40));
}

/// A name shared by thousands of people (more than search looks up one by one) still gives
/// the first of them in name order, and only those the user may see.
pub async fn unselective_search(store: &SqlStore) {
    use hearth_domain::search::parse_query;
    let family = format!("Many{}", uuid::Uuid::new_v4().simple()).chars().filter(char::is_ascii_alphabetic).collect::<String>();
    let mut tx = store.begin().await.unwrap();
    let u = user();
    tx.insert_user(&u).await.unwrap();
    let meta = ChangeMeta { by: u.id, at: OffsetDateTime::now_utc(), reason: None };
    let mut mine = Vec::new();
    for i in 0..5_200 {
        let mut p = person(u.id);
        p.details.family_name = family.clone();
        p.details.given_name = format!("Given{:05}", 5_200 - i);
        p.restricted = i % 10 == 0;
        if i % 1_000 == 1 {
            p.allocation.worker = Some(u.id);
            mine.push(p.id);
        }
        tx.insert_person(&p, &meta).await.unwrap();
    }
    tx.commit().await.unwrap();

    let mut tx = store.begin().await.unwrap();
    let q = parse_query(&family);
    let everyone = hearth_domain::access::AccessScope { user: u.id, la_wide: true, relationship: true, workers: vec![], teams: vec![] };
    let found = tx.search_persons(&q, &everyone, 20).await.unwrap();
    let given: Vec<&str> = found.iter().map(|p| p.given_name.as_str()).collect();
    let expected: Vec<String> = (0..5_200).rev().filter(|i| i % 10 != 0).take(20).map(|i| format!("Given{:05}", 5_200 - i)).collect();
    assert_eq!(given, expected, "the first 20 visible, in name order");
    let worker = hearth_domain::access::AccessScope { user: u.id, la_wide: false, relationship: true, workers: vec![u.id], teams: vec![] };
    let found: Vec<PersonId> = tx.search_persons(&q, &worker, 100).await.unwrap().into_iter().map(|p| p.id).collect();
    let mut expected = mine.clone();
    expected.reverse();
    assert_eq!(found, expected, "only the allocated ones");
}
