//! The generator against the real SQLite store: deterministic per seed, and everything it
//! writes reads back valid, linked and audited.
mod support;

use hearth_app::local_time::uk_local;
use hearth_domain::audit::ChainVerifier;
use hearth_domain::codes::CaseNoteType;
use hearth_domain::identifiers::{NhsNumber, Upn};
use hearth_domain::person::PersonKind;
use hearth_domain::user::Role;
use hearth_domain::UserId;
use hearth_store::Store;
use hearth_testkit::{generate, is_populated, DemoOptions, DemoSummary, TestkitError, DEMO_PASSWORD};
use std::collections::HashSet;
use support::{Recording, TempDb};
use time::OffsetDateTime;

fn opts(children: usize, seed: u64) -> DemoOptions {
    DemoOptions { children, seed, notes_per_child: 6, ..Default::default() }
}

async fn user_ids(store: &dyn Store) -> Vec<(String, String, Option<String>, Option<String>)> {
    let mut tx = store.begin().await.unwrap();
    let mut users: Vec<_> = tx.users().await.unwrap().into_iter().map(|u| (u.username, u.id.to_string(), u.totp_secret, u.manager.map(|m| m.to_string()))).collect();
    tx.commit().await.unwrap();
    users.sort();
    users
}

#[tokio::test]
async fn same_seed_same_data_different_seed_different_data() {
    let (a, b, c) = (TempDb::new("det-a").await, TempDb::new("det-b").await, TempDb::new("det-c").await);
    let sa = generate(&a.store, &opts(45, 42)).await.unwrap();
    let sb = generate(&b.store, &opts(45, 42)).await.unwrap();
    let sc = generate(&c.store, &opts(45, 43)).await.unwrap();

    assert_eq!(sa.users, sb.users);
    assert_eq!(sa.example_child, sb.example_child);
    assert_eq!((sa.people, sa.case_notes, sa.relationships), (sb.people, sb.case_notes, sb.relationships));
    assert_eq!(user_ids(&a.store).await, user_ids(&b.store).await);
    // The example child reads back the same from both databases.
    let (mut ta, mut tb) = (a.store.begin().await.unwrap(), b.store.begin().await.unwrap());
    let (pa, pb) = (ta.person(sa.example_child.0).await.unwrap().unwrap(), tb.person(sb.example_child.0).await.unwrap().unwrap());
    assert_eq!(pa.details, pb.details);
    let notes_a: Vec<_> = ta.case_notes_of(pa.id, false, 1000, 0).await.unwrap().into_iter().map(|n| (n.id, n.details)).collect();
    let notes_b: Vec<_> = tb.case_notes_of(pb.id, false, 1000, 0).await.unwrap().into_iter().map(|n| (n.id, n.details)).collect();
    assert_eq!(notes_a, notes_b);
    drop((ta, tb));

    assert_ne!(sa.example_child, sc.example_child);
    assert_ne!(user_ids(&a.store).await, user_ids(&c.store).await);
    assert_ne!(sa.users.iter().map(|u| &u.totp_secret).collect::<Vec<_>>(), sc.users.iter().map(|u| &u.totp_secret).collect::<Vec<_>>());
}

fn named<'a>(s: &'a DemoSummary, username: &str) -> &'a hearth_testkit::DemoUser {
    s.users.iter().find(|u| u.username == username).unwrap_or_else(|| panic!("no user {username}"))
}

#[tokio::test]
async fn everything_written_is_valid_linked_and_audited() {
    let db = TempDb::new("valid").await;
    let store = Recording::new(db.store.clone());
    assert!(!is_populated(&store).await.unwrap());
    let children = 120;
    let summary = generate(&store, &DemoOptions { children, seed: 7, notes_per_child: 8, ..Default::default() }).await.unwrap();
    assert!(is_populated(&store).await.unwrap());
    let w = std::mem::take(&mut *store.written.lock().unwrap());
    let now = OffsetDateTime::now_utc();
    let today = uk_local(now).date();

    // The summary counts what was written.
    assert_eq!(summary.people, w.persons.len());
    assert_eq!(summary.relationships, w.relationships.len());
    assert_eq!(summary.case_notes + summary.front_door.visits + summary.care.visits, w.case_notes.len(), "family notes and statutory visits: {:?}", summary.care);
    assert_eq!(summary.children, children);
    assert_eq!(summary.teams, 5);
    assert!(summary.case_notes > children * 8 * 7 / 10 && summary.case_notes < children * 8 * 13 / 10, "{} notes", summary.case_notes);

    // Users: the named accounts, one worker per 20 children, management chain.
    let mut tx = db.store.begin().await.unwrap();
    let users = tx.users().await.unwrap();
    assert_eq!(users.len(), summary.users.len());
    let by_name = |n: &str| users.iter().find(|u| u.username == n).unwrap_or_else(|| panic!("{n}")).clone();
    let (sam, tara, sian) = (by_name("sam.worker"), by_name("tara.manager"), by_name("sian.service"));
    assert_eq!((sam.role, tara.role, sian.role), (Role::SocialWorker, Role::TeamManager, Role::ServiceManager));
    assert_eq!(sam.manager, Some(tara.id));
    assert_eq!(tara.manager, Some(sian.id));
    assert_eq!(sam.team, tara.team);
    assert!(sam.totp_secret.is_some() && by_name("admin").totp_secret.is_some());
    assert_eq!(by_name("admin").role, Role::Administrator);
    assert_eq!(by_name("bea.support").role, Role::BusinessSupport);
    assert_eq!(by_name("ava.auditor").role, Role::Auditor);
    // The Independent Reviewing Service: IROs in no team, managed by the service manager.
    let irene = by_name("irene.olu");
    assert_eq!((irene.role, irene.team, irene.manager), (Role::ReviewingOfficer, None, Some(sian.id)));
    // The IROs with accounts are named for the children they review, so their dashboard
    // lists them; the agency IRO has none.
    let named_iros: HashSet<Option<UserId>> = tx.all_care_periods().await.unwrap().into_iter().filter_map(|p| p.period.planning.iro.map(|i| i.user)).collect();
    assert!(named_iros.contains(&Some(irene.id)) && named_iros.contains(&None), "{named_iros:?}");
    assert_eq!(users.iter().filter(|u| u.role == Role::SocialWorker).count(), children.div_ceil(20));
    for u in users.iter().filter(|u| u.role == Role::SocialWorker) {
        let m = users.iter().find(|m| Some(m.id) == u.manager).expect("every worker has a manager");
        assert_eq!((m.role, m.team), (Role::TeamManager, u.team));
    }
    for u in users.iter().filter(|u| u.role == Role::TeamManager) {
        assert_eq!(u.manager, Some(sian.id));
    }
    assert!(summary.users.iter().all(|u| u.password == DEMO_PASSWORD));
    let first: Vec<&str> = summary.users.iter().take(7).map(|u| u.username.as_str()).collect();
    assert_eq!(first, ["admin", "sam.worker", "tara.manager", "sian.service", "bea.support", "irene.olu", "ava.auditor"]);
    assert_eq!(named(&summary, "sam.worker").totp_secret, sam.totp_secret);
    // One hash, and it is argon2id.
    assert!(users.iter().all(|u| u.password_hash == sam.password_hash && u.password_hash.starts_with("$argon2id$")));

    // People: valid, identifiers parse, the example child belongs to sam.worker.
    let (mut kids, mut unborn, mut restricted) = (0, 0, 0);
    let mut nhs_seen = HashSet::new();
    for id in &w.persons {
        let p = tx.person(*id).await.unwrap().expect("written person reads back");
        p.details.validate(today).unwrap_or_else(|e| panic!("{}: {e}", p.details.full_name()));
        if let Some(n) = &p.details.nhs_number {
            assert!(NhsNumber::parse(n.as_str()).is_ok());
            assert!(nhs_seen.insert(n.as_str().to_string()), "NHS number {n} used twice");
        }
        if let Some(u) = &p.details.upn {
            assert!(Upn::parse(u.as_str()).is_ok());
        }
        assert!(p.allocation.team.is_some() && p.allocation.worker.is_some());
        if p.details.kind == PersonKind::Child {
            kids += 1;
            unborn += usize::from(p.details.is_unborn());
        }
        if p.restricted {
            restricted += 1;
            let list = tx.access_list(p.id).await.unwrap();
            assert!(list.contains(&p.allocation.worker.unwrap()));
        }
    }
    assert_eq!(kids, children + summary.closed_children + summary.care.left_care);
    assert!(unborn < children / 10);
    assert_eq!(restricted, w.access_lists.len());
    let example = tx.person(summary.example_child.0).await.unwrap().unwrap();
    assert_eq!(example.details.full_name(), summary.example_child.1);
    assert_eq!(example.allocation.worker, Some(sam.id));
    assert!(!example.restricted && !example.details.is_unborn());

    // Second versions of people keep the first.
    assert!(!w.updated_persons.is_empty() || w.persons.len() < 100);
    for id in &w.updated_persons {
        let versions = tx.person_versions(*id).await.unwrap();
        assert_eq!(versions.len(), 2);
        assert_ne!(versions[0].details, versions[1].details);
        assert!(versions[1].reason.is_some());
    }

    // Relationships join people who exist.
    let persons: HashSet<_> = w.persons.iter().copied().collect();
    for id in &w.relationships {
        let r = tx.relationship(*id).await.unwrap().expect("relationship reads back");
        assert!(persons.contains(&r.from) && persons.contains(&r.to));
        assert!(r.started.is_none_or(|s| s <= today));
    }

    // Case notes: valid, about children, some significant, some corrected.
    let local_now = uk_local(now);
    let mut significant = 0;
    let mut types = HashSet::new();
    for id in &w.case_notes {
        let n = tx.case_note(*id).await.unwrap().expect("note reads back");
        n.details.validate(local_now).unwrap_or_else(|e| panic!("{e}: {:?}", n.details));
        assert!(persons.contains(&n.person));
        if n.details.note_type == CaseNoteType::ManagementOversight {
            let author = users.iter().find(|u| u.id == n.author).unwrap();
            assert_eq!(author.role, Role::TeamManager);
        }
        significant += usize::from(n.details.significant);
        types.insert(n.details.note_type);
    }
    let share = significant as f64 / w.case_notes.len() as f64;
    assert!((0.08..0.25).contains(&share), "{share} significant");
    assert!(types.len() >= 8, "{types:?}");
    assert!(!w.corrected_notes.is_empty());
    for id in &w.corrected_notes {
        let versions = tx.case_note_versions(*id).await.unwrap();
        assert_eq!(versions.len(), 2);
        assert!(versions[1].reason.is_some());
    }

    // The demo's districts are located, for the distances from home.
    let every = hearth_testkit::DEMO_DISTRICT_CENTRES.iter().map(|c| c.0.to_string()).collect::<Vec<_>>();
    assert_eq!(tx.postcode_locations(&every).await.unwrap().len(), every.len());
    // The audit chain verifies, with one entry for the users and one per batch.
    let mut v = ChainVerifier::default();
    let mut after = 0;
    loop {
        let page = tx.audit_page(after, 500).await.unwrap();
        if page.is_empty() {
            break;
        }
        for e in &page {
            v.check(e).unwrap();
            assert_eq!(e.draft.action, "demo.generate");
            after = e.seq;
        }
    }
    let head = tx.audit_head().await.unwrap();
    // Two batches of families, then the young people who left care.
    assert_eq!(v.finish(head), Ok(3));
    tx.commit().await.unwrap();
}

#[tokio::test]
async fn refuses_no_children_and_a_second_run() {
    let db = TempDb::new("refuse").await;
    let e = generate(&db.store, &opts(0, 1)).await.unwrap_err();
    assert!(matches!(e, TestkitError::Options(_)));
    generate(&db.store, &opts(3, 1)).await.unwrap();
    // The same usernames again: the store refuses, and nothing of the second run is kept.
    let e = generate(&db.store, &opts(3, 2)).await.unwrap_err();
    assert!(matches!(e, TestkitError::Store(hearth_store::StoreError::Duplicate(_))), "{e}");
}

/// The demo's care leavers cover every status, each one's record fits their status, and each
/// is checked by the same rules the app applies.
#[tokio::test]
async fn the_demo_has_care_leavers_of_every_status() {
    use hearth_domain::care::leaving::{status_on, Status};
    use hearth_domain::care::pathway::{has_pathway, leaving_facts};
    let db = TempDb::new("leavers").await;
    let summary = generate(&db.store, &opts(400, 9)).await.unwrap();
    assert!(summary.care.left_care >= 6 && summary.care.care_leavers >= summary.care.left_care, "{:?}", summary.care);
    let today = uk_local(OffsetDateTime::now_utc()).date();
    let mut tx = db.store.begin().await.unwrap();
    let mut seen = HashSet::new();
    for r in tx.all_care_leavers().await.unwrap() {
        let born = tx.person(r.child).await.unwrap().unwrap().details.date_of_birth;
        let periods: Vec<_> = tx.care_periods_of(r.child).await.unwrap().into_iter().map(|p| p.value.period).collect();
        let status = status_on(&leaving_facts(born, &periods, Some(&r), today), today).unwrap().status;
        assert_ne!(status, Status::None, "a record for someone who is not a care leaver");
        if !r.plans.is_empty() {
            assert!(has_pathway(status), "a pathway plan for a {status:?} young person");
        }
        seen.insert(status);
    }
    for s in [Status::Eligible, Status::Relevant, Status::FormerRelevant] {
        assert!(seen.contains(&s), "no {s:?} young person among {seen:?}");
    }
    // Qualifying young people need no record; they are in the care histories.
    let mut qualifying = 0;
    let all: Vec<_> = tx.all_care_periods().await.unwrap();
    let children: HashSet<_> = all.iter().map(|p| p.child).collect();
    for c in children {
        let born = tx.person(c).await.unwrap().unwrap().details.date_of_birth;
        let periods: Vec<_> = all.iter().filter(|p| p.child == c).map(|p| p.period.clone()).collect();
        let record = tx.care_leaver_of(c).await.unwrap().map(|r| r.value);
        if status_on(&leaving_facts(born, &periods, record.as_ref(), today), today).is_ok_and(|d| d.status == Status::Qualifying) {
            qualifying += 1;
        }
    }
    assert!(qualifying > 0, "no qualifying young person");
    tx.commit().await.unwrap();
}
