//! The generated LA's CIN census, as `hearth returns cin` builds it: the census of the
//! previous collection year holds every kind of journey the return describes (episodes that
//! closed in the year for several reasons, referrals closed with no further action, enquiries
//! that needed no conference, plans that ended, re-referrals after a closed episode, repeat
//! plans, unborn and disabled children), and the year under way still holds today's cases.
mod support;

use hearth_app::clock::SystemClock;
use hearth_app::local_time::uk_local;
use hearth_app::{App, AppConfig};
use hearth_domain::returns::cin::{CensusChild, CollectionYear};
use hearth_store::Store;
use hearth_testkit::{generate, previous_collection_year, DemoOptions};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use support::TempDb;

/// How many children of the census have each kind of journey.
fn journeys(census: &[CensusChild]) -> BTreeMap<&'static str, usize> {
    let mut out = BTreeMap::new();
    for c in census {
        let mut kinds = BTreeSet::new();
        for e in &c.episodes {
            if e.closure.is_some() {
                kinds.insert("closed episode");
            }
            if e.nfa && e.closure == Some((e.referral_date, "RC8")) && e.assessments.is_empty() {
                kinds.insert("referral closed with no further action the same day");
            }
            if e.section47.iter().any(|s| s.icpc_not_required) {
                kinds.insert("enquiry with no conference needed");
            }
            if e.cp_plans.iter().any(|p| p.end.is_some()) {
                kinds.insert("child protection plan ended");
            }
            if e.cp_plans.iter().any(|p| p.previous > 0) {
                kinds.insert("child protection plan after an earlier one");
            }
        }
        if c.episodes.len() >= 2 && c.episodes[..c.episodes.len() - 1].iter().all(|e| e.closure.is_some()) {
            kinds.insert("re-referral after a closed episode");
        }
        if c.expected_birth_date.is_some() && c.birth_date.is_none() && c.sex == "U" {
            kinds.insert("unborn");
        }
        if c.disabilities != ["NONE"] {
            kinds.insert("disabled");
        }
        for k in kinds {
            *out.entry(k).or_default() += 1;
        }
    }
    out
}

#[tokio::test]
async fn the_previous_years_census_holds_every_journey() {
    let db = TempDb::new("census").await;
    let summary = generate(&db.store, &DemoOptions { children: 1200, seed: 5, notes_per_child: 1, ..Default::default() }).await.unwrap();
    let store: Arc<dyn Store> = Arc::new(db.store.clone());
    let app = App::new(store.clone(), AppConfig::default(), Arc::new(SystemClock));
    let today = uk_local(app.now()).date();
    let year = previous_collection_year(today);
    assert!(year.reference_date() < today && today <= CollectionYear { start_year: year.start_year + 1 }.reference_date());

    let census = app.cin_census(year).await.unwrap();
    let found = journeys(&census);
    for kind in [
        "closed episode",
        "referral closed with no further action the same day",
        "enquiry with no conference needed",
        "child protection plan ended",
        "child protection plan after an earlier one",
        "re-referral after a closed episode",
        "unborn",
        "disabled",
    ] {
        assert!(found.get(kind).is_some_and(|n| *n >= 2), "{} census: {kind} missing: {found:?}", year.label());
    }
    // Closed for a mix of reasons: no further action and early help after the assessment,
    // services ceased, and the family moving away or an order.
    let reasons: BTreeSet<&str> = census.iter().flat_map(|c| c.episodes.iter().filter_map(|e| e.closure.map(|c| c.1))).collect();
    for reason in ["RC7", "RC8", "RC9"] {
        assert!(reasons.contains(reason), "{reasons:?}");
    }
    assert!(reasons.iter().any(|r| ["RC3", "RC4", "RC5"].contains(r)), "{reasons:?}");
    // What closed before the year is not in it, and nothing is dated after its census date.
    for e in census.iter().flat_map(|c| &c.episodes) {
        assert!(e.referral_date <= year.reference_date() && e.closure.is_none_or(|c| c.0 >= year.first_day() && c.0 <= year.reference_date()));
    }

    // The year under way holds every child whose case is open today.
    let current = app.cin_census(CollectionYear { start_year: year.start_year + 1 }).await.unwrap();
    let in_current: BTreeSet<_> = current.iter().map(|c| c.person).collect();
    let mut tx = store.begin().await.unwrap();
    let mut open = 0;
    for child in tx.referred_children().await.unwrap() {
        if tx.episodes_of(child).await.unwrap().iter().any(|e| e.value.is_open()) {
            open += 1;
            assert!(in_current.contains(&child), "an open case missing from the current census");
        }
    }
    tx.commit().await.unwrap();
    assert!(open * 10 > summary.children * 8, "{open} of {} children with an open case", summary.children);
}
