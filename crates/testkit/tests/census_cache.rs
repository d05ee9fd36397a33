//! Each instance keeps the CIN census checked in memory and refreshes it from the database's
//! census log (issue 16). An instance that kept reading while another instance wrote sees, at
//! the end, the same census as an instance reading it afresh: on SQLite, and on PostgreSQL,
//! where writers commit at once and the log must still number their changes in commit order.
mod support;

use hearth_app::clock::SystemClock;
use hearth_app::returns::{CensusFilter, DataQuality};
use hearth_app::{Actor, App, AppConfig};
use hearth_domain::person::ChangeMeta;
use hearth_domain::PersonId;
use hearth_store_sql::SqlStore;
use hearth_testkit::{generate, DemoOptions};
use std::sync::Arc;

async fn app_on(url: &str) -> App {
    let store = SqlStore::connect(url).await.expect("open the database");
    store.migrate().await.expect("migrate");
    App::new(Arc::new(store), AppConfig::default(), Arc::new(SystemClock))
}

/// What the returns team's page says, in a form two instances can be compared by.
#[derive(Debug, PartialEq)]
struct View {
    checked: usize,
    hidden: usize,
    hidden_failures: usize,
    children: Vec<(PersonId, String, Vec<&'static str>)>,
    return_level: Vec<(&'static str, Option<String>)>,
    by_rule: Vec<(&'static str, usize)>,
}

async fn view(app: &App, actor: &Actor) -> View {
    let q: DataQuality = app.cin_data_quality(actor, app.current_collection_year(), None, CensusFilter::default()).await.expect("the census page");
    View {
        checked: q.children_checked,
        hidden: q.hidden,
        hidden_failures: q.hidden_failures,
        children: q.children.iter().map(|c| (c.person, c.la_child_id.clone(), c.issues.iter().map(|i| i.failure.code).collect())).collect(),
        return_level: q.return_level.iter().map(|f| (f.code, f.child_id.clone())).collect(),
        by_rule: q.by_rule.iter().map(|(code, _, _, n)| (*code, *n)).collect(),
    }
}

/// Instance A reads the census over and over while four writers on instance B change 60
/// children (restricting and lifting restrictions, removing UPNs and dates of birth); then A's
/// census is compared with a third instance's, built from nothing.
async fn instances_agree(url: &str) {
    let a = app_on(url).await;
    generate(a.store.as_ref(), &DemoOptions { children: 150, seed: 16, notes_per_child: 0, ..Default::default() }).await.expect("generate");
    let b = app_on(url).await;
    let reader = a.local_actor("bea.support").await.expect("the returns team's account");
    let before = view(&a, &reader).await;
    assert!(before.checked > 100, "{before:?}");
    let children: Vec<PersonId> = {
        let mut tx = b.store.begin_read().await.unwrap();
        tx.referred_children().await.unwrap()
    };
    let by = reader.user.id;
    let mut writers = Vec::new();
    for w in 0..4 {
        let (b, mine): (App, Vec<PersonId>) = (b.clone(), children.iter().skip(w).step_by(4).take(15).copied().collect());
        writers.push(tokio::spawn(async move {
            for (i, id) in mine.into_iter().enumerate() {
                let mut tx = b.store.begin().await.unwrap();
                let mut p = tx.person(id).await.unwrap().expect("a referred child");
                match i % 3 {
                    0 => p.restricted = !p.restricted,
                    1 => p.details.upn = None,
                    _ => p.details.date_of_birth = None,
                }
                let version = p.version;
                tx.update_person(&p, version, &ChangeMeta { by, at: b.now(), reason: Some("Test".into()) }).await.unwrap();
                tx.commit().await.unwrap();
            }
        }));
    }
    let mut reads = 0;
    while writers.iter().any(|w| !w.is_finished()) {
        view(&a, &reader).await;
        reads += 1;
    }
    for w in writers {
        w.await.unwrap();
    }
    let kept = view(&a, &reader).await;
    let fresh = view(&app_on(url).await, &reader).await;
    assert_eq!(kept, fresh, "after {reads} reads during the writes");
    assert_ne!(kept, before, "the writes changed the census");
    assert!(kept.hidden > before.hidden, "restricted since: {} then {}", before.hidden, kept.hidden);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn instances_agree_on_sqlite() {
    let db = support::TempDb::new("census-cache").await;
    instances_agree(&format!("sqlite://{}", db.path.display())).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn instances_agree_on_postgres() {
    if std::env::var("HEARTH_SKIP_POSTGRES").is_ok_and(|v| v == "1") {
        eprintln!("HEARTH_SKIP_POSTGRES=1: skipping");
        return;
    }
    let admin_url = std::env::var("HEARTH_TEST_POSTGRES_URL").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
    let admin = SqlStore::connect(&admin_url).await.expect("PostgreSQL is needed (HEARTH_SKIP_POSTGRES=1 skips)");
    let name = format!("hearth_census_{}", uuid::Uuid::new_v4().simple());
    admin.execute_unchecked_for_tests(&format!("CREATE DATABASE {name}")).await.unwrap();
    let url = match admin_url.rsplit_once('/') {
        Some((base, _)) => format!("{base}/{name}"),
        None => panic!("not a database URL: {admin_url}"),
    };
    instances_agree(&url).await;
    admin.execute_unchecked_for_tests(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).await.unwrap();
    admin.close().await;
}
