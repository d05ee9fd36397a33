//! The conformance suite every backend must pass.
//!
//! Each case is an async function taking `&dyn Store` that panics on failure. A case creates
//! its own teams, users and people with fresh ids and names, and checks only what it made,
//! so cases can share one migrated database, in any order, even at the same time.
//!
//! A backend runs the suite with [`conformance_tests!`](crate::conformance_tests), which
//! expands to one `#[tokio::test]` per case (so failures are named; the calling crate needs
//! `tokio` as a dev-dependency):
//!
//! ```ignore
//! async fn run(name: &'static str, case: hearth_store::conformance::Case) {
//!     let store = open_a_fresh_migrated_store(name).await;
//!     case(&store).await;
//! }
//! hearth_store::conformance_tests!(run);
//! ```
//!
//! or with [`run_all`] in one go. Where a case provokes an error (other than a duplicate
//! username, which leaves the transaction usable) it drops that transaction and begins
//! another: after a failed statement PostgreSQL refuses the rest of a transaction.
use crate::{ApiTokenRecord, AuditQuery, BreakGlassGrant, CensusExplanation, DraftRecord, SessionRecord, SetupLinkRecord, Store, StoreError, TaskQuery, Tx};
use hearth_domain::access::{AccessFacts, AccessScope, Listing};
use hearth_domain::audit::{AuditDraft, AuditEntry, ChainVerifier, Outcome};
use hearth_domain::case_note::{CaseNote, CaseNoteDetails};
use hearth_domain::codes::{AliasKind, CaseNoteType, Disability, Ethnicity, Sex};
use hearth_domain::identifiers::{NhsNumber, Upn, nhs_check_digit, upn_check_letter};
use hearth_domain::person::{Address, Allocation, ChangeMeta, OtherName, PersonDetails, PersonKind, PersonRecord, PersonSummary};
use hearth_domain::relationship::{Relationship, RelationshipType};
use hearth_domain::search::{ParsedQuery, parse_query, tokens};
use hearth_domain::user::{Role, Team, UserRecord};
use hearth_domain::*;
use std::collections::BTreeSet;
use std::future::Future;
use std::pin::Pin;
use std::task::Poll;
use time::macros::{date, datetime};
use time::{Date, Duration, OffsetDateTime};

/// One conformance case, as a plain function pointer so a list of them can be stored.
pub type Case = for<'a> fn(&'a dyn Store) -> Pin<Box<dyn Future<Output = ()> + Send + 'a>>;

/// Expands to one `#[tokio::test]` per conformance case, each calling
/// `$run(name: &'static str, case: Case)`, which opens a store, awaits `case(&store)` and
/// cleans up. Also the single list of cases, which [`CASES`] reads.
#[macro_export]
macro_rules! conformance_tests {
    (@list $then:ident $args:tt) => {
        $crate::conformance_tests! { @$then $args [
            users_and_teams,
            sessions,
            api_tokens,
            drafts,
            setup_links,
            run_once_locks,
            health_probe,
            person_round_trip,
            person_update_keeps_versions,
            stale_person_update_conflicts,
            search_by_name,
            search_by_identifiers,
            search_respects_access_scope,
            access_facts_and_lists,
            access_facts_for_many,
            management_chain,
            chain_epoch_moves_with_the_chain,
            caseload_counts,
            allocation_history,
            duty_rota,
            census_explanations,
            census_changes,
            care_periods,
            care_decisions,
            care_leavers,
            service_referrals,
            providers,
            postcode_locations,
            front_door_records,
            tasks_and_trays,
            episodes,
            break_glass_listing,
            duplicate_candidates,
            relationships,
            case_notes,
            case_facts_and_references,
            audit_chain,
            audit_of_person,
            audit_under_break_glass,
            audit_search,
            role_grants,
            concurrent_audit_appends,
            read_transactions_audit_by_group_commit,
            dropped_transaction_leaves_nothing,
            text_is_stored_verbatim,
        ] }
    };
    (@tests [$run:path] [$($case:ident),* $(,)?]) => {
        $(
            #[::tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $case() {
                $run(stringify!($case), |s| ::std::boxed::Box::pin($crate::conformance::$case(s))).await;
            }
        )*
    };
    (@cases [] [$($case:ident),* $(,)?]) => {
        &[$((stringify!($case), |s| ::std::boxed::Box::pin($crate::conformance::$case(s))),)*]
    };
    ($run:path) => {
        $crate::conformance_tests! { @list tests [$run] }
    };
}

/// Every case with its name.
pub const CASES: &[(&str, Case)] = conformance_tests! { @list cases [] };

/// Runs every case one after the other on one store.
pub async fn run_all(store: &dyn Store) {
    for (_name, case) in CASES {
        case(store).await;
    }
}

// ---------------------------------------------------------------------------------------
// Test data.

/// Now, at the precision every backend keeps (microseconds).
fn now() -> OffsetDateTime {
    let t = OffsetDateTime::now_utc();
    t.replace_nanosecond(t.nanosecond() / 1_000 * 1_000).expect("a valid nanosecond")
}

/// A random lower-case word (at most 16 letters), so each case finds only its own people.
fn word(len: usize) -> String {
    uuid::Uuid::new_v4().as_bytes().iter().take(len).map(|b| char::from(b'a' + b % 26)).collect()
}

fn capitalised(w: &str) -> String {
    let mut c = w.chars();
    c.next().map(|f| f.to_uppercase().chain(c).collect()).unwrap_or_default()
}

fn random_digits(n: usize) -> Vec<u32> {
    uuid::Uuid::new_v4().as_bytes().iter().take(n).map(|b| u32::from(*b % 10)).collect()
}

fn nhs_number() -> NhsNumber {
    loop {
        let nine = random_digits(9);
        if let Some(check) = nhs_check_digit(&nine) {
            let s: String = nine.iter().chain([check].iter()).map(|d| char::from(b'0' + *d as u8)).collect();
            return NhsNumber::parse(&s).expect("a valid NHS number");
        }
    }
}

fn upn() -> Upn {
    let rest: String = random_digits(12).iter().map(|d| char::from(b'0' + *d as u8)).collect();
    let check = upn_check_letter(rest.as_bytes()).expect("digits only");
    Upn::parse(&format!("{}{rest}", char::from(check))).expect("a valid UPN")
}

fn child(given: &str, family: &str) -> PersonDetails {
    PersonDetails { date_of_birth: Some(date!(2015 - 03 - 09)), ..PersonDetails::named(PersonKind::Child, given, family) }
}

fn meta(by: &UserRecord, reason: Option<&str>) -> ChangeMeta {
    ChangeMeta { by: by.id, at: now(), reason: reason.map(str::to_string) }
}

fn user_record(role: Role, team: Option<TeamId>, manager: Option<UserId>) -> UserRecord {
    let w = word(10);
    UserRecord {
        id: UserId::new(),
        username: format!("user.{w}"),
        display_name: format!("{} Worker", capitalised(&w)),
        role,
        team,
        manager,
        password_hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA".into(),
        totp_secret: None,
        totp_last_step: 0,
        failed_logins: 0,
        locked_until: None,
        active: true,
        created_at: now(),
    }
}

async fn new_team(tx: &mut dyn Tx) -> Team {
    let team = Team { id: TeamId::new(), name: format!("Team {}", word(8)) };
    tx.insert_team(&team).await.unwrap();
    team
}

async fn new_user(tx: &mut dyn Tx, role: Role, team: Option<TeamId>, manager: Option<UserId>) -> UserRecord {
    let u = user_record(role, team, manager);
    tx.insert_user(&u).await.unwrap();
    u
}

fn person_record(by: &UserRecord, details: PersonDetails, allocation: Allocation, restricted: bool) -> PersonRecord {
    let at = now();
    PersonRecord { id: PersonId::new(), version: 1, details, allocation, restricted, created_at: at, created_by: by.id, updated_at: at }
}

async fn new_person(tx: &mut dyn Tx, by: &UserRecord, details: PersonDetails) -> PersonRecord {
    new_person_with(tx, by, details, Allocation::default(), false).await
}

async fn new_person_with(tx: &mut dyn Tx, by: &UserRecord, details: PersonDetails, allocation: Allocation, restricted: bool) -> PersonRecord {
    let p = person_record(by, details, allocation, restricted);
    tx.insert_person(&p, &meta(by, None)).await.unwrap();
    p
}

fn everyone(user: UserId) -> AccessScope {
    AccessScope { user, la_wide: true, relationship: true, workers: vec![], teams: vec![] }
}

fn ids(found: &[PersonSummary]) -> BTreeSet<PersonId> {
    found.iter().map(|p| p.id).collect()
}

async fn search(tx: &mut dyn Tx, q: &ParsedQuery, scope: &AccessScope) -> BTreeSet<PersonId> {
    ids(&tx.search_persons(q, scope, 1000).await.unwrap())
}

fn draft(action: &str, actor: Option<UserId>, person: Option<PersonId>) -> AuditDraft {
    AuditDraft { at: now(), actor, action: action.into(), person, target: None, outcome: Outcome::Allowed, reason: None }
}

/// The entries of `drafts`, as the chain stores them (each draft is unique in a case: its
/// action or time names it), in the order given.
async fn stored(store: &dyn Store, drafts: &[AuditDraft]) -> Vec<AuditEntry> {
    let mut tx = store.begin().await.unwrap();
    let mut found = Vec::new();
    for d in drafts {
        let about = match d.person {
            Some(p) => tx.audit_of_person(p, 10_000).await.unwrap(),
            None => {
                let head = tx.audit_head().await.unwrap();
                tx.audit_page((head - 1000).max(0), 1000).await.unwrap()
            }
        };
        found.push(about.into_iter().find(|e| &e.draft == d).unwrap_or_else(|| panic!("{d:?} is not in the log")));
    }
    tx.commit().await.unwrap();
    found
}

/// Checks the whole chain up to the head read at the start, page by page, as `hearth audit
/// verify` does; entries written meanwhile by others are beyond that head.
async fn verify_chain(store: &dyn Store) -> i64 {
    let mut tx = store.begin().await.unwrap();
    let head = tx.audit_head().await.unwrap();
    let mut verifier = ChainVerifier::default();
    let mut after = 0;
    while after < head {
        let page = tx.audit_page(after, 50).await.unwrap();
        assert!(!page.is_empty(), "the log ends at {after} before its head {head}");
        for e in page.iter().filter(|e| e.seq <= head) {
            verifier.check(e).unwrap_or_else(|f| panic!("{f}"));
            after = e.seq;
        }
        if page.last().is_some_and(|e| e.seq > head) {
            break;
        }
    }
    tx.commit().await.unwrap();
    verifier.finish(head).unwrap_or_else(|f| panic!("{f}"))
}

/// Polls futures side by side on the current task (no runtime needed): enough to keep
/// several transactions open at once on a backend with several connections.
async fn join_all<F: Future>(futures: Vec<F>) -> Vec<F::Output> {
    let mut futures: Vec<Pin<Box<F>>> = futures.into_iter().map(Box::pin).collect();
    let mut outputs: Vec<Option<F::Output>> = futures.iter().map(|_| None).collect();
    std::future::poll_fn(|cx| {
        let mut pending = false;
        for (f, out) in futures.iter_mut().zip(outputs.iter_mut()) {
            if out.is_none() {
                match f.as_mut().poll(cx) {
                    Poll::Ready(v) => *out = Some(v),
                    Poll::Pending => pending = true,
                }
            }
        }
        if pending { Poll::Pending } else { Poll::Ready(()) }
    })
    .await;
    outputs.into_iter().flatten().collect()
}

// ---------------------------------------------------------------------------------------
// Teams, users, sessions, tokens, drafts.

pub async fn users_and_teams(store: &dyn Store) {
    let mut tx = store.begin().await.unwrap();
    let team = new_team(&mut *tx).await;
    assert!(tx.teams().await.unwrap().contains(&team));
    let manager = new_user(&mut *tx, Role::TeamManager, Some(team.id), None).await;
    let mut u = user_record(Role::SocialWorker, Some(team.id), Some(manager.id));
    u.username = format!("Mixed.Case.{}", word(8));
    u.totp_secret = Some("JBSWY3DPEHPK3PXP".into());
    u.failed_logins = 3;
    u.locked_until = Some(now() + Duration::minutes(15));
    tx.insert_user(&u).await.unwrap();
    assert_eq!(tx.user(u.id).await.unwrap(), Some(u.clone()));
    assert_eq!(tx.user_by_username(&u.username.to_uppercase()).await.unwrap(), Some(u.clone()), "usernames ignore case");
    assert_eq!(tx.user_by_username(&u.username.to_lowercase()).await.unwrap(), Some(u.clone()));
    assert_eq!(tx.user_by_username("nobody-at-all").await.unwrap(), None);
    assert_eq!(tx.user(UserId::new()).await.unwrap(), None);
    let all = tx.users().await.unwrap();
    assert!(all.contains(&u) && all.contains(&manager));
    tx.commit().await.unwrap();

    let mut tx = store.begin().await.unwrap();
    let mut dup = user_record(Role::SocialWorker, None, None);
    dup.username = u.username.to_lowercase();
    match tx.insert_user(&dup).await {
        Err(StoreError::Duplicate(what)) => assert!(what.contains("username"), "{what}"),
        other => panic!("expected Duplicate, got {other:?}"),
    }
    // A taken username leaves the transaction usable, for example to audit the attempt.
    assert_eq!(tx.user(dup.id).await.unwrap(), None);
    tx.append_audit(&draft("user.create", None, None)).await.unwrap();
    tx.commit().await.unwrap();

    let mut tx = store.begin().await.unwrap();
    let changed = UserRecord {
        username: "ignored.on.update".into(),
        display_name: "Renamed Person".into(),
        role: Role::ServiceManager,
        team: None,
        manager: None,
        password_hash: "$argon2id$new".into(),
        totp_secret: None,
        totp_last_step: 59_000_123,
        failed_logins: 0,
        locked_until: None,
        active: false,
        created_at: now() + Duration::days(1),
        ..u.clone()
    };
    tx.update_user(&changed).await.unwrap();
    let expected = UserRecord { username: u.username.clone(), created_at: u.created_at, ..changed.clone() };
    assert_eq!(tx.user(u.id).await.unwrap(), Some(expected));
    let stranger = user_record(Role::SocialWorker, None, None);
    assert!(matches!(tx.update_user(&stranger).await, Err(StoreError::NotFound)));
    tx.commit().await.unwrap();
}

pub async fn sessions(store: &dyn Store) {
    let mut tx = store.begin().await.unwrap();
    let a = new_user(&mut *tx, Role::SocialWorker, None, None).await;
    let b = new_user(&mut *tx, Role::SocialWorker, None, None).await;
    let session = |user: &UserRecord| SessionRecord {
        id: SessionId::new(),
        user: user.id,
        token_hash: word(16) + &word(16),
        csrf_token: word(16),
        mfa_passed: false,
        proposed_totp: None,
        created_at: now(),
        last_seen_at: now(),
    };
    let (s1, s2, s3) = (session(&a), session(&a), session(&b));
    for s in [&s1, &s2, &s3] {
        tx.insert_session(s).await.unwrap();
    }
    assert_eq!(tx.session_by_token_hash(&s1.token_hash).await.unwrap(), Some(s1.clone()));
    assert_eq!(tx.session_by_token_hash("no-such-hash").await.unwrap(), None);

    let renewed = SessionRecord {
        token_hash: word(16) + &word(16),
        csrf_token: word(16),
        mfa_passed: true,
        proposed_totp: Some("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP".into()),
        last_seen_at: now() + Duration::minutes(5),
        ..s1.clone()
    };
    tx.update_session(&renewed).await.unwrap();
    assert_eq!(tx.session_by_token_hash(&renewed.token_hash).await.unwrap(), Some(renewed.clone()));
    assert_eq!(tx.session_by_token_hash(&s1.token_hash).await.unwrap(), None, "the old token no longer works");
    assert!(matches!(tx.update_session(&session(&a)).await, Err(StoreError::NotFound)));

    tx.delete_session(s1.id).await.unwrap();
    assert_eq!(tx.session_by_token_hash(&renewed.token_hash).await.unwrap(), None);
    tx.delete_session(s1.id).await.unwrap();
    assert_eq!(tx.delete_user_sessions(a.id).await.unwrap(), 1);
    assert_eq!(tx.session_by_token_hash(&s2.token_hash).await.unwrap(), None);
    assert_eq!(tx.session_by_token_hash(&s3.token_hash).await.unwrap(), Some(s3.clone()), "other users stay signed in");
    assert_eq!(tx.delete_user_sessions(a.id).await.unwrap(), 0);
    // Housekeeping: sessions idle or begun too long ago go; a fresh one stays.
    let old = |idle: i64, begun: i64| SessionRecord { last_seen_at: now() - Duration::days(idle), created_at: now() - Duration::days(begun), ..session(&b) };
    let (idle, long, fresh) = (old(9, 9), old(0, 9), old(0, 0));
    for s in [&idle, &long, &fresh] {
        tx.insert_session(s).await.unwrap();
    }
    assert!(tx.delete_sessions_before(now() - Duration::days(8), now() - Duration::days(8) - Duration::hours(1)).await.unwrap() >= 2);
    assert_eq!(tx.session_by_token_hash(&idle.token_hash).await.unwrap(), None);
    assert_eq!(tx.session_by_token_hash(&long.token_hash).await.unwrap(), None);
    assert_eq!(tx.session_by_token_hash(&fresh.token_hash).await.unwrap(), Some(fresh.clone()));
    tx.commit().await.unwrap();
}

/// A lock for work that must run once however many instances serve the database: held
/// until the transaction ends, refused meanwhile to others (PostgreSQL; SQLite's single
/// writer already runs one transaction at a time).
pub async fn run_once_locks(store: &dyn Store) {
    let name = format!("hearth.conformance.{}", word(12));
    let mut a = store.begin().await.unwrap();
    assert!(a.try_lock(&name).await.unwrap());
    if store.backend() == "postgres" {
        let mut b = store.begin().await.unwrap();
        assert!(!b.try_lock(&name).await.unwrap(), "held by the other transaction");
        assert!(b.try_lock(&format!("{name}.other")).await.unwrap(), "another name is free");
        b.commit().await.unwrap();
    }
    a.commit().await.unwrap();
    let mut c = store.begin().await.unwrap();
    assert!(c.try_lock(&name).await.unwrap(), "released when its transaction ended");
    c.commit().await.unwrap();
}

pub async fn health_probe(store: &dyn Store) {
    store.analyze().await.unwrap();
    store.check_writable().await.unwrap();
    store.check_writable().await.unwrap();
    store.ping().await.unwrap();
}

pub async fn api_tokens(store: &dyn Store) {
    let mut tx = store.begin().await.unwrap();
    let a = new_user(&mut *tx, Role::SocialWorker, None, None).await;
    let b = new_user(&mut *tx, Role::SocialWorker, None, None).await;
    let token = |user: &UserRecord, name: &str, age_minutes: i64| ApiTokenRecord {
        id: ApiTokenId::new(),
        user: user.id,
        name: name.into(),
        token_hash: word(16) + &word(16),
        created_at: now() - Duration::minutes(age_minutes),
        last_used_at: None,
        revoked_at: None,
    };
    let (t1, t2, t3) = (token(&a, "laptop", 10), token(&a, "script", 5), token(&b, "other", 1));
    for t in [&t1, &t2, &t3] {
        tx.insert_api_token(t).await.unwrap();
    }
    assert_eq!(tx.api_token_by_hash(&t2.token_hash).await.unwrap(), Some(t2.clone()));
    assert_eq!(tx.api_token_by_hash("no-such-hash").await.unwrap(), None);
    assert_eq!(tx.api_tokens_of(a.id).await.unwrap(), vec![t1.clone(), t2.clone()]);

    let at = now();
    assert!(matches!(tx.revoke_api_token(t1.id, b.id, at).await, Err(StoreError::NotFound)), "only the owner revokes");
    assert_eq!(tx.api_token_by_hash(&t1.token_hash).await.unwrap().unwrap().revoked_at, None);
    tx.revoke_api_token(t1.id, a.id, at).await.unwrap();
    assert_eq!(tx.api_token_by_hash(&t1.token_hash).await.unwrap().unwrap().revoked_at, Some(at));
    assert!(matches!(tx.revoke_api_token(ApiTokenId::new(), a.id, at).await, Err(StoreError::NotFound)));

    let used = now() + Duration::seconds(30);
    tx.touch_api_token(t2.id, used).await.unwrap();
    assert_eq!(tx.api_token_by_hash(&t2.token_hash).await.unwrap().unwrap().last_used_at, Some(used));
    assert_eq!(tx.api_tokens_of(b.id).await.unwrap(), vec![t3.clone()]);

    let later = now() + Duration::minutes(1);
    assert_eq!(tx.revoke_user_api_tokens(a.id, later).await.unwrap(), 1, "only the live one");
    let tokens = tx.api_tokens_of(a.id).await.unwrap();
    assert_eq!(tokens.iter().map(|t| t.revoked_at).collect::<Vec<_>>(), vec![Some(at), Some(later)], "an earlier revocation is kept");
    assert_eq!(tx.revoke_user_api_tokens(a.id, later).await.unwrap(), 0);
    assert_eq!(tx.api_tokens_of(b.id).await.unwrap(), vec![t3], "other users' tokens stay live");
    tx.commit().await.unwrap();
}

pub async fn drafts(store: &dyn Store) {
    let mut tx = store.begin().await.unwrap();
    let a = new_user(&mut *tx, Role::SocialWorker, None, None).await;
    let b = new_user(&mut *tx, Role::SocialWorker, None, None).await;
    let d = DraftRecord {
        id: DraftId::new(),
        user: a.id,
        path: "/persons/new".into(),
        body: "given_name=Zo%C3%AB&family_name=O%27Brien&text=line+1%0D%0Aline+2".into(),
        created_at: now(),
    };
    tx.insert_draft(&d).await.unwrap();
    tx.commit().await.unwrap();

    let mut tx = store.begin().await.unwrap();
    assert_eq!(tx.take_draft(d.id, b.id).await.unwrap(), None, "only its user gets a draft back");
    assert_eq!(tx.take_draft(d.id, a.id).await.unwrap(), Some(d.clone()));
    assert_eq!(tx.take_draft(d.id, a.id).await.unwrap(), None, "a draft is given back once");
    assert_eq!(tx.take_draft(DraftId::new(), a.id).await.unwrap(), None);
    let old = DraftRecord { id: DraftId::new(), created_at: now() - Duration::days(2), ..d.clone() };
    let fresh = DraftRecord { id: DraftId::new(), created_at: now(), ..d.clone() };
    tx.insert_draft(&old).await.unwrap();
    tx.insert_draft(&fresh).await.unwrap();
    assert!(tx.delete_drafts_before(now() - Duration::days(1)).await.unwrap() >= 1);
    assert_eq!(tx.take_draft(old.id, a.id).await.unwrap(), None, "an expired draft is gone");
    assert_eq!(tx.take_draft(fresh.id, a.id).await.unwrap(), Some(fresh));
    tx.commit().await.unwrap();
}

pub async fn setup_links(store: &dyn Store) {
    let mut tx = store.begin().await.unwrap();
    let admin = new_user(&mut *tx, Role::Administrator, None, None).await;
    let a = new_user(&mut *tx, Role::SocialWorker, None, None).await;
    let link = |by: Option<UserId>, minutes: i64| SetupLinkRecord {
        id: SetupLinkId::new(),
        user: a.id,
        token_hash: word(16) + &word(16),
        created_by: by,
        created_at: now() + Duration::minutes(minutes),
        expires_at: now() + Duration::hours(72),
        proposed_totp: None,
        used_at: None,
    };
    let first = link(Some(admin.id), 0);
    tx.insert_setup_link(&first).await.unwrap();
    assert_eq!(tx.setup_link_by_hash(&first.token_hash).await.unwrap(), Some(first.clone()));
    assert_eq!(tx.setup_link_by_hash("no-such-hash").await.unwrap(), None);
    let second = link(None, 1);
    tx.insert_setup_link(&second).await.unwrap();
    assert_eq!(
        tx.setup_link_by_hash(&first.token_hash).await.unwrap().and_then(|l| l.used_at),
        Some(second.created_at),
        "a new link ends the earlier one"
    );
    tx.propose_setup_totp(second.id, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP").await.unwrap();
    let second = SetupLinkRecord { proposed_totp: Some("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP".into()), ..second };
    let latest: Vec<SetupLinkRecord> = tx.latest_setup_links().await.unwrap().into_iter().filter(|l| l.user == a.id).collect();
    assert_eq!(latest, vec![second.clone()]);
    let used = now() + Duration::minutes(5);
    tx.use_setup_link(second.id, used).await.unwrap();
    assert_eq!(tx.setup_link_by_hash(&second.token_hash).await.unwrap().and_then(|l| l.used_at), Some(used));
    assert!(matches!(tx.use_setup_link(second.id, used).await, Err(StoreError::NotFound)), "a link is used once");
    tx.commit().await.unwrap();
}

// ---------------------------------------------------------------------------------------
// People and their versions.

pub async fn person_round_trip(store: &dyn Store) {
    let mut tx = store.begin().await.unwrap();
    let team = new_team(&mut *tx).await;
    let worker = new_user(&mut *tx, Role::SocialWorker, Some(team.id), None).await;
    let details = PersonDetails {
        kind: PersonKind::Child,
        given_name: "Zoë".into(),
        family_name: format!("O'Brien-{}", capitalised(&word(8))),
        other_names: vec![OtherName { kind: AliasKind::KnownAs, given_name: "Zoe".into(), family_name: "Barnes".into() }],
        date_of_birth: Some(date!(2014 - 02 - 28)),
        expected_date_of_birth: None,
        date_of_death: Some(date!(2024 - 01 - 02)),
        sex: Some(Sex::Female),
        gender: Some("Girl, in her own words".into()),
        ethnicity: Some(Ethnicity::MixedOther),
        first_language: Some("Polish".into()),
        disabilities: vec![Disability::Hearing, Disability::Autism],
        nhs_number: Some(nhs_number()),
        upn: Some(upn()),
        upn_unknown: None,
        addresses: vec![Address {
            lines: vec!["Flat 2".into(), "1 High Street".into()],
            postcode: Some("BA1 1AA".into()),
            from: Some(date!(2020 - 01 - 01)),
            to: None,
        }],
    };
    let allocation = Allocation { team: Some(team.id), worker: Some(worker.id) };
    let p = person_record(&worker, details, allocation, false);
    let m = meta(&worker, None);
    tx.insert_person(&p, &m).await.unwrap();
    let adult = new_person(&mut *tx, &worker, PersonDetails { kind: PersonKind::Adult, date_of_birth: None, ..child("Sam", "Lee") }).await;
    tx.commit().await.unwrap();

    let mut tx = store.begin().await.unwrap();
    assert_eq!(tx.person(p.id).await.unwrap(), Some(p.clone()));
    assert_eq!(tx.person(PersonId::new()).await.unwrap(), None);
    let versions = tx.person_versions(p.id).await.unwrap();
    assert_eq!(versions.len(), 1);
    let v1 = &versions[0];
    assert_eq!((v1.version, &v1.details, v1.changed_by), (1, &p.details, worker.id));
    assert_eq!((v1.changed_by_name.as_str(), v1.changed_at, v1.reason.as_deref()), (worker.display_name.as_str(), m.at, None));
    assert!(tx.person_versions(PersonId::new()).await.unwrap().is_empty());
    let scope = everyone(worker.id);
    let summaries = tx.listed_persons(&[adult.id, PersonId::new(), p.id], &scope, Listing::Open, now()).await.unwrap();
    assert_eq!(summaries, vec![PersonSummary::from_record(&adult), PersonSummary::from_record(&p)], "in the order asked, unknown ids left out");
    assert!(tx.listed_persons(&[], &scope, Listing::Open, now()).await.unwrap().is_empty());
    tx.commit().await.unwrap();
}

pub async fn person_update_keeps_versions(store: &dyn Store) {
    let mut tx = store.begin().await.unwrap();
    let team = new_team(&mut *tx).await;
    let worker = new_user(&mut *tx, Role::SocialWorker, None, None).await;
    let editor = new_user(&mut *tx, Role::TeamManager, Some(team.id), None).await;
    let p = new_person(&mut *tx, &worker, child("Amy", &capitalised(&word(8)))).await;
    tx.commit().await.unwrap();

    let mut tx = store.begin().await.unwrap();
    let mut next = p.clone();
    next.details.family_name = capitalised(&word(8));
    next.details.nhs_number = Some(nhs_number());
    next.allocation = Allocation { team: Some(team.id), worker: Some(editor.id) };
    next.restricted = true;
    next.updated_at = now() + Duration::seconds(1);
    let m = meta(&editor, Some("Surname changed by deed poll"));
    tx.update_person(&next, 1, &m).await.unwrap();
    tx.commit().await.unwrap();

    let mut tx = store.begin().await.unwrap();
    let stored = tx.person(p.id).await.unwrap().unwrap();
    assert_eq!(stored, PersonRecord { version: 2, ..next.clone() }, "created_at/by kept, everything else replaced");
    let versions = tx.person_versions(p.id).await.unwrap();
    assert_eq!(versions.iter().map(|v| v.version).collect::<Vec<_>>(), vec![1, 2]);
    assert_eq!(versions[0].details, p.details, "the first version is still readable");
    assert_eq!((versions[0].changed_by, versions[0].reason.as_deref()), (worker.id, None));
    assert_eq!(versions[1].details, next.details);
    assert_eq!((versions[1].changed_by, versions[1].changed_at), (editor.id, m.at));
    assert_eq!((versions[1].changed_by_name.as_str(), versions[1].reason.as_deref()), (editor.display_name.as_str(), Some("Surname changed by deed poll")));
    tx.commit().await.unwrap();
}

pub async fn stale_person_update_conflicts(store: &dyn Store) {
    let mut tx = store.begin().await.unwrap();
    let worker = new_user(&mut *tx, Role::SocialWorker, None, None).await;
    let p = new_person(&mut *tx, &worker, child("Ben", &capitalised(&word(8)))).await;
    let mut first = p.clone();
    first.details.given_name = "Benjamin".into();
    tx.update_person(&first, 1, &meta(&worker, None)).await.unwrap();
    tx.commit().await.unwrap();

    // A second editor who also started from version 1.
    let mut tx = store.begin().await.unwrap();
    let mut second = p.clone();
    second.details.given_name = "Benedict".into();
    match tx.update_person(&second, 1, &meta(&worker, None)).await {
        Err(StoreError::Conflict { current }) => assert_eq!(current, 2),
        other => panic!("expected Conflict, got {other:?}"),
    }
    drop(tx);

    let mut tx = store.begin().await.unwrap();
    let missing = person_record(&worker, child("No", "One"), Allocation::default(), false);
    assert!(matches!(tx.update_person(&missing, 1, &meta(&worker, None)).await, Err(StoreError::NotFound)));
    drop(tx);

    let mut tx = store.begin().await.unwrap();
    let stored = tx.person(p.id).await.unwrap().unwrap();
    assert_eq!((stored.version, stored.details.given_name.as_str()), (2, "Benjamin"), "the stale edit changed nothing");
    assert_eq!(tx.person_versions(p.id).await.unwrap().len(), 2);
    tx.commit().await.unwrap();
}

// ---------------------------------------------------------------------------------------
// Search.

pub async fn search_by_name(store: &dyn Store) {
    let mut tx = store.begin().await.unwrap();
    let worker = new_user(&mut *tx, Role::SocialWorker, None, None).await;
    let scope = everyone(worker.id);
    let family = word(9);
    let given_a = word(7);
    let alias = word(8);
    // "given_a" written with a diacritic on its fourth letter.
    let given_a_accented = format!("{}{}\u{0308}{}", &given_a[..3], &given_a[3..4], &given_a[4..]);
    let a = new_person(&mut *tx, &worker, PersonDetails {
        other_names: vec![OtherName { kind: AliasKind::Previous, given_name: String::new(), family_name: capitalised(&alias) }],
        ..child(&capitalised(&given_a_accented), &capitalised(&family))
    })
    .await;
    let given_b = word(7);
    let b = new_person(&mut *tx, &worker, child(&capitalised(&given_b), &capitalised(&family))).await;
    tx.commit().await.unwrap();

    let both = BTreeSet::from([a.id, b.id]);
    let only_a = BTreeSet::from([a.id]);
    let mut tx = store.begin().await.unwrap();
    let q = |s: &str| parse_query(s);
    assert_eq!(search(&mut *tx, &q(&family), &scope).await, both, "whole name");
    assert_eq!(search(&mut *tx, &q(&family.to_uppercase()), &scope).await, both, "case");
    assert_eq!(search(&mut *tx, &q(&family[..4]), &scope).await, both, "prefix");
    assert_eq!(search(&mut *tx, &q(&given_a), &scope).await, only_a, "folded diacritics");
    assert_eq!(search(&mut *tx, &q(&given_a_accented), &scope).await, only_a, "diacritics in the query");
    assert_eq!(search(&mut *tx, &q(&format!("{given_a} {family}")), &scope).await, only_a, "every term must match");
    assert_eq!(search(&mut *tx, &q(&format!("{given_b} {}", &family[..5])), &scope).await, BTreeSet::from([b.id]));
    assert_eq!(search(&mut *tx, &q(&alias), &scope).await, only_a, "other names");
    assert!(search(&mut *tx, &q(&format!("{given_b} {alias}")), &scope).await.is_empty());
    let mut swapped: Vec<char> = family.chars().collect();
    swapped.swap(3, 4);
    let swapped: String = swapped.into_iter().collect();
    assert_eq!(search(&mut *tx, &q(&swapped), &scope).await, both, "transposed letters");
    let dropped = format!("{}{}", &family[..4], &family[5..]);
    assert_eq!(search(&mut *tx, &q(&dropped), &scope).await, both, "a missing letter");
    let extra = format!("{}x{}", &family[..4], &family[4..]);
    assert_eq!(search(&mut *tx, &q(&extra), &scope).await, both, "an extra letter");
    assert!(search(&mut *tx, &q(&word(12)), &scope).await.is_empty());
    assert!(tx.search_persons(&ParsedQuery::default(), &scope, 10).await.unwrap().is_empty(), "an empty query finds nothing");

    let found = tx.search_persons(&q(&family), &scope, 1000).await.unwrap();
    let ours: Vec<PersonId> = found.iter().map(|p| p.id).filter(|id| both.contains(id)).collect();
    let expected_order = if given_a < given_b { vec![a.id, b.id] } else { vec![b.id, a.id] };
    assert_eq!(ours, expected_order, "ordered by family then given name");
    assert_eq!(found.iter().find(|p| p.id == a.id), Some(&PersonSummary::from_record(&a)));
    assert_eq!(tx.search_persons(&q(&family), &scope, 1).await.unwrap().len(), 1, "limit");
    tx.commit().await.unwrap();

    // A change of name replaces the keys.
    let mut tx = store.begin().await.unwrap();
    let new_family = word(9);
    let renamed = PersonRecord { details: child(&capitalised(&given_a), &capitalised(&new_family)), ..a.clone() };
    tx.update_person(&renamed, 1, &meta(&worker, None)).await.unwrap();
    assert_eq!(search(&mut *tx, &q(&family), &scope).await, BTreeSet::from([b.id]));
    assert_eq!(search(&mut *tx, &q(&new_family), &scope).await, only_a);
    assert!(search(&mut *tx, &q(&alias), &scope).await.is_empty(), "the removed alias is gone");
    tx.commit().await.unwrap();
}

pub async fn search_by_identifiers(store: &dyn Store) {
    let mut tx = store.begin().await.unwrap();
    let worker = new_user(&mut *tx, Role::SocialWorker, None, None).await;
    let scope = everyone(worker.id);
    let family = word(9);
    let dob = Date::from_julian_day(date!(1990 - 01 - 01).to_julian_day() + (random_digits(4).iter().fold(0, |n, d| n * 10 + *d as i32))).unwrap();
    let edob = dob + Duration::days(1);
    let (nhs, upn) = (nhs_number(), upn());
    let p = new_person(&mut *tx, &worker, PersonDetails {
        date_of_birth: Some(dob),
        nhs_number: Some(nhs.clone()),
        upn: Some(upn.clone()),
        ..child("Cara", &family)
    })
    .await;
    let unborn = new_person(&mut *tx, &worker, PersonDetails {
        date_of_birth: None,
        expected_date_of_birth: Some(edob),
        ..child("Baby", &family)
    })
    .await;
    tx.commit().await.unwrap();

    let mut tx = store.begin().await.unwrap();
    let by_nhs = parse_query(&nhs.to_string());
    assert_eq!(by_nhs.nhs_number.as_deref(), Some(nhs.as_str()));
    assert_eq!(search(&mut *tx, &by_nhs, &scope).await, BTreeSet::from([p.id]), "NHS number, typed in groups");
    let by_upn = parse_query(upn.as_str());
    assert_eq!(by_upn.upn.as_deref(), Some(upn.as_str()));
    assert_eq!(search(&mut *tx, &by_upn, &scope).await, BTreeSet::from([p.id]), "UPN");
    assert_eq!(search(&mut *tx, &parse_query(&p.id.to_string()), &scope).await, BTreeSet::from([p.id]), "Hearth id");
    let on = |d: Date| ParsedQuery { date_of_birth: Some(d), ..ParsedQuery::default() };
    assert!(search(&mut *tx, &on(dob), &scope).await.contains(&p.id), "date of birth");
    assert!(search(&mut *tx, &on(edob), &scope).await.contains(&unborn.id), "expected date of birth");
    let named_on = |d: Date| ParsedQuery { date_of_birth: Some(d), ..parse_query(&family) };
    assert_eq!(search(&mut *tx, &named_on(dob), &scope).await, BTreeSet::from([p.id]), "name and date");
    assert_eq!(search(&mut *tx, &named_on(edob), &scope).await, BTreeSet::from([unborn.id]));
    assert!(search(&mut *tx, &named_on(dob - Duration::days(400)), &scope).await.is_empty());
    let wrong_nhs = ParsedQuery { nhs_number: Some(nhs_number().as_str().to_string()), ..parse_query(&family) };
    assert!(!search(&mut *tx, &wrong_nhs, &scope).await.contains(&p.id), "identifiers must match exactly");
    tx.commit().await.unwrap();
}

/// Every combination of the facts that decide access, against several scopes: the store's
/// filter must agree with `AccessScope::matches` on the store's own `access_facts`.
pub async fn search_respects_access_scope(store: &dyn Store) {
    let at = now();
    let mut tx = store.begin().await.unwrap();
    let (t1, t2) = (new_team(&mut *tx).await, new_team(&mut *tx).await);
    let me = new_user(&mut *tx, Role::TeamManager, Some(t1.id), None).await;
    let report = new_user(&mut *tx, Role::SocialWorker, Some(t1.id), Some(me.id)).await;
    let other = new_user(&mut *tx, Role::SocialWorker, Some(t2.id), None).await;
    let family = word(10);
    let mut expected_facts = Vec::new();
    let mut n = 0;
    for restricted in [false, true] {
        for worker in [None, Some(me.id), Some(report.id), Some(other.id)] {
            for team in [None, Some(t1.id), Some(t2.id)] {
                // 0: no grant, 1: an active grant, 2: an expired one.
                for glass in 0..3 {
                    n += 1;
                    let on_list = n % 2 == 0;
                    let p = new_person_with(&mut *tx, &report, child(&format!("P{n}"), &family), Allocation { team, worker }, restricted).await;
                    if on_list {
                        tx.set_access_list(p.id, &[me.id, other.id]).await.unwrap();
                    }
                    if glass > 0 {
                        let expires_at = if glass == 1 { at + Duration::hours(1) } else { at - Duration::minutes(1) };
                        let g = BreakGlassGrant {
                            id: BreakGlassId::new(),
                            user: me.id,
                            person: p.id,
                            reason: "Urgent safeguarding call out of hours".into(),
                            granted_at: at - Duration::hours(2),
                            expires_at,
                            user_name: String::new(),
                            person_name: String::new(),
                            person_team: None,
                            person_worker: None,
                        };
                        tx.insert_break_glass(&g).await.unwrap();
                    }
                    let facts = AccessFacts {
                        person: p.id,
                        restricted,
                        allocated_team: team,
                        allocated_worker: worker,
                        on_access_list: on_list,
                        break_glass_active: glass == 1,
                    };
                    expected_facts.push(facts);
                }
            }
        }
    }
    tx.commit().await.unwrap();

    let scopes = [
        AccessScope { user: me.id, la_wide: true, relationship: true, workers: vec![me.id], teams: vec![t1.id] },
        AccessScope { user: me.id, la_wide: true, relationship: false, workers: vec![], teams: vec![] },
        AccessScope { user: me.id, la_wide: false, relationship: true, workers: vec![me.id, report.id], teams: vec![t1.id] },
        AccessScope { user: me.id, la_wide: false, relationship: true, workers: vec![me.id], teams: vec![] },
        AccessScope { user: me.id, la_wide: false, relationship: true, workers: vec![], teams: vec![t1.id, t2.id] },
        AccessScope { user: me.id, la_wide: false, relationship: false, workers: vec![me.id], teams: vec![t1.id] },
        AccessScope { user: other.id, la_wide: false, relationship: true, workers: vec![other.id], teams: vec![] },
        AccessScope { user: report.id, la_wide: false, relationship: true, workers: vec![report.id], teams: vec![t1.id] },
    ];
    let mut tx = store.begin().await.unwrap();
    let query = parse_query(&family);
    for scope in &scopes {
        let mut expected = BTreeSet::new();
        for f in &expected_facts {
            let facts = tx.access_facts(f.person, scope.user, now()).await.unwrap().unwrap();
            let as_set = AccessFacts {
                on_access_list: f.on_access_list && scope.user != report.id,
                break_glass_active: f.break_glass_active && scope.user == me.id,
                ..f.clone()
            };
            assert_eq!(facts, as_set, "access facts for {scope:?}");
            if scope.matches(&facts) {
                expected.insert(f.person);
            }
        }
        let found = search(&mut *tx, &query, scope).await;
        assert_eq!(found, expected, "search under {scope:?}");
        // The one scoped read of people for lists applies the same rule, for each purpose.
        let all: Vec<PersonId> = expected_facts.iter().map(|f| f.person).collect();
        for listing in [Listing::Open, Listing::Mention] {
            let mut want = Vec::new();
            for f in &expected_facts {
                let facts = tx.access_facts(f.person, scope.user, now()).await.unwrap().unwrap();
                if scope.lists(&facts, listing) {
                    want.push(f.person);
                }
            }
            let listed: Vec<PersonId> = tx.listed_persons(&all, scope, listing, now()).await.unwrap().into_iter().map(|p| p.id).collect();
            assert_eq!(listed, want, "listed for {listing:?} under {scope:?}, in the order asked");
        }
    }
    tx.commit().await.unwrap();
}

pub async fn access_facts_and_lists(store: &dyn Store) {
    let at = now();
    let mut tx = store.begin().await.unwrap();
    let team = new_team(&mut *tx).await;
    let worker = new_user(&mut *tx, Role::SocialWorker, Some(team.id), None).await;
    let (a, b) = (new_user(&mut *tx, Role::SocialWorker, None, None).await, new_user(&mut *tx, Role::SocialWorker, None, None).await);
    let p = new_person_with(&mut *tx, &worker, child("Dee", &word(8)), Allocation { team: Some(team.id), worker: Some(worker.id) }, true).await;
    let facts = tx.access_facts(p.id, a.id, at).await.unwrap().unwrap();
    assert_eq!(facts, AccessFacts {
        person: p.id,
        restricted: true,
        allocated_team: Some(team.id),
        allocated_worker: Some(worker.id),
        on_access_list: false,
        break_glass_active: false,
    });
    assert_eq!(tx.access_facts(PersonId::new(), a.id, at).await.unwrap(), None);

    tx.set_access_list(p.id, &[a.id, b.id, a.id]).await.unwrap();
    assert_eq!(tx.access_list(p.id).await.unwrap().into_iter().collect::<BTreeSet<_>>(), BTreeSet::from([a.id, b.id]));
    assert!(tx.access_facts(p.id, a.id, at).await.unwrap().unwrap().on_access_list);
    tx.set_access_list(p.id, &[b.id]).await.unwrap();
    assert_eq!(tx.access_list(p.id).await.unwrap(), vec![b.id], "the list is replaced");
    assert!(!tx.access_facts(p.id, a.id, at).await.unwrap().unwrap().on_access_list);
    tx.set_access_list(p.id, &[]).await.unwrap();
    assert!(tx.access_list(p.id).await.unwrap().is_empty());

    let g = BreakGlassGrant {
        id: BreakGlassId::new(),
        user: a.id,
        person: p.id,
        reason: "Police request at 2am".into(),
        granted_at: at,
        expires_at: at + Duration::hours(1),
        user_name: String::new(),
        person_name: String::new(),
        person_team: None,
        person_worker: None,
    };
    tx.insert_break_glass(&g).await.unwrap();
    assert!(tx.access_facts(p.id, a.id, at + Duration::minutes(59)).await.unwrap().unwrap().break_glass_active);
    assert!(!tx.access_facts(p.id, a.id, at + Duration::hours(1)).await.unwrap().unwrap().break_glass_active, "expired at expires_at");
    assert!(!tx.access_facts(p.id, b.id, at).await.unwrap().unwrap().break_glass_active, "a grant is personal");
    tx.commit().await.unwrap();
}

pub async fn access_facts_for_many(store: &dyn Store) {
    let at = now();
    let mut tx = store.begin().await.unwrap();
    let team = new_team(&mut *tx).await;
    let worker = new_user(&mut *tx, Role::SocialWorker, Some(team.id), None).await;
    let open = new_person_with(&mut *tx, &worker, child("Eve", &word(8)), Allocation { team: Some(team.id), worker: Some(worker.id) }, false).await;
    let restricted = new_person_with(&mut *tx, &worker, child("Fay", &word(8)), Allocation::default(), true).await;
    tx.set_access_list(restricted.id, &[worker.id]).await.unwrap();
    let ids = [open.id, PersonId::new(), restricted.id];
    let mut many = tx.access_facts_many(&ids, worker.id, at).await.unwrap();
    many.sort_by_key(|f| f.person);
    let mut one_by_one = Vec::new();
    for id in ids {
        one_by_one.extend(tx.access_facts(id, worker.id, at).await.unwrap());
    }
    one_by_one.sort_by_key(|f| f.person);
    assert_eq!(many, one_by_one, "the same facts as asking one by one; unknown ids left out");
    assert!(tx.access_facts_many(&[], worker.id, at).await.unwrap().is_empty());
    tx.commit().await.unwrap();
}

pub async fn caseload_counts(store: &dyn Store) {
    let mut tx = store.begin().await.unwrap();
    let (t1, t2) = (new_team(&mut *tx).await, new_team(&mut *tx).await);
    let a = new_user(&mut *tx, Role::SocialWorker, Some(t1.id), None).await;
    let b = new_user(&mut *tx, Role::SocialWorker, Some(t1.id), None).await;
    let idle = new_user(&mut *tx, Role::SocialWorker, Some(t1.id), None).await;
    let to = |w: &UserRecord| Allocation { team: w.team, worker: Some(w.id) };
    for _ in 0..3 {
        new_person_with(&mut *tx, &a, child("Kid", &word(8)), to(&a), false).await;
    }
    new_person_with(&mut *tx, &b, child("Kid", &word(8)), to(&b), true).await;
    // Adults in a family carry its allocation but are not cases.
    new_person_with(&mut *tx, &b, PersonDetails::named(PersonKind::Adult, "Parent", word(8)), to(&b), false).await;
    new_person_with(&mut *tx, &a, child("Waiting", &word(8)), Allocation { team: Some(t1.id), worker: None }, false).await;
    new_person_with(&mut *tx, &a, child("Waiting", &word(8)), Allocation { team: Some(t1.id), worker: None }, false).await;
    let mut loads = tx.caseloads(&[a.id, b.id, idle.id]).await.unwrap();
    loads.sort();
    let mut expected = vec![(a.id, 3), (b.id, 1)];
    expected.sort();
    assert_eq!(loads, expected, "restricted children count; adults and other workers do not");
    assert_eq!(tx.unallocated_children(&[t1.id, t2.id]).await.unwrap(), vec![(t1.id, 2)]);
    assert!(tx.caseloads(&[]).await.unwrap().is_empty());
    let a_scope = AccessScope { user: a.id, la_wide: false, relationship: true, workers: vec![a.id], teams: vec![t1.id] };
    let mine = tx.children_of_worker(&a_scope, now(), 100).await.unwrap();
    assert_eq!(mine.len(), 3, "a's children, not the team's waiting ones or adults");
    assert!(mine.windows(2).all(|w| w[0].family_name.to_lowercase() <= w[1].family_name.to_lowercase()));
    assert_eq!(tx.children_of_worker(&a_scope, now(), 2).await.unwrap().len(), 2);
    // b's restricted child: allocated to b, yet b is not on its list.
    let b_scope = AccessScope { user: b.id, la_wide: false, relationship: true, workers: vec![b.id], teams: vec![t1.id] };
    assert!(tx.children_of_worker(&b_scope, now(), 100).await.unwrap().is_empty(), "a restricted child not naming its worker is not listed");
    let hidden = tx.caseloads(&[b.id]).await.unwrap();
    let restricted_child = new_person_with(&mut *tx, &b, child("Listed", &word(8)), to(&b), true).await;
    tx.set_access_list(restricted_child.id, &[b.id]).await.unwrap();
    let listed: Vec<PersonId> = tx.children_of_worker(&b_scope, now(), 100).await.unwrap().into_iter().map(|p| p.id).collect();
    assert_eq!(listed, vec![restricted_child.id], "once on the list, the worker sees it");
    // A manager reads a worker's cases with their own access: b's restricted children do
    // not name the manager.
    let m_scope = AccessScope { user: UserId::new(), la_wide: false, relationship: true, workers: vec![a.id, b.id], teams: vec![t1.id] };
    assert_eq!(tx.cases_of(a.id, &m_scope, now(), 100).await.unwrap().len(), 3);
    assert!(tx.cases_of(b.id, &m_scope, now(), 100).await.unwrap().is_empty(), "restricted from the manager");
    assert_eq!(hidden, vec![(b.id, 1)]);
    tx.commit().await.unwrap();
}

pub async fn duty_rota(store: &dyn Store) {
    use hearth_domain::front_door::rota::{HalfDay, Session};
    let at = now();
    let mut tx = store.begin().await.unwrap();
    let (t1, t2) = (new_team(&mut *tx).await, new_team(&mut *tx).await);
    let manager = new_user(&mut *tx, Role::TeamManager, Some(t1.id), None).await;
    let a = new_user(&mut *tx, Role::SocialWorker, Some(t1.id), None).await;
    let b = new_user(&mut *tx, Role::SocialWorker, Some(t1.id), None).await;
    let day = time::macros::date!(2030 - 03 - 04);
    let am = Session { date: day, half: HalfDay::Am };
    let pm = Session { date: day, half: HalfDay::Pm };
    let later = Session { date: time::macros::date!(2030 - 03 - 11), half: HalfDay::Am };
    let entry = |team: TeamId, session: Session, worker: &UserRecord| crate::RotaEntry { team, session, worker: worker.id, added_by: manager.id, added_at: at };
    assert!(tx.add_to_rota(&entry(t1.id, pm, &a)).await.unwrap());
    assert!(tx.add_to_rota(&entry(t1.id, am, &b)).await.unwrap());
    assert!(tx.add_to_rota(&entry(t1.id, am, &a)).await.unwrap());
    assert!(!tx.add_to_rota(&entry(t1.id, am, &a)).await.unwrap(), "a worker is on a session once");
    assert!(tx.add_to_rota(&entry(t1.id, later, &a)).await.unwrap());
    assert!(tx.add_to_rota(&entry(t2.id, am, &a)).await.unwrap());
    let rota = tx.rota(t1.id, day, day).await.unwrap();
    assert_eq!(rota.len(), 3, "only this team and these dates: {rota:?}");
    assert_eq!(rota[0].session, am, "morning first");
    assert_eq!(rota[2], entry(t1.id, pm, &a), "read back as written");
    assert_eq!(tx.rota(t1.id, day, later.date).await.unwrap().len(), 4);
    assert!(tx.remove_from_rota(t1.id, am, a.id).await.unwrap());
    assert!(!tx.remove_from_rota(t1.id, am, a.id).await.unwrap(), "already removed");
    let rota = tx.rota(t1.id, day, day).await.unwrap();
    assert_eq!(rota.iter().map(|e| (e.session.half, e.worker)).collect::<Vec<_>>(), vec![(HalfDay::Am, b.id), (HalfDay::Pm, a.id)]);
    assert_eq!(tx.rota(t2.id, day, day).await.unwrap().len(), 1);
    tx.commit().await.unwrap();
}

pub async fn census_explanations(store: &dyn Store) {
    let mut tx = store.begin().await.unwrap();
    let (u, v) = (new_user(&mut *tx, Role::BusinessSupport, None, None).await, new_user(&mut *tx, Role::TeamManager, None, None).await);
    let p = new_person(&mut *tx, &u, child("Queried", &word(8))).await;
    // A year of its own, so that other tests' explanations do not show.
    let year = format!("t-{}", word(6));
    let first = CensusExplanation { year: year.clone(), person: p.id, rule: "2990Q".into(), text: "Moved in from Wales".into(), by: u.id, at: now() };
    tx.explain_census_query(&first).await.unwrap();
    let other_rule = CensusExplanation { rule: "8925Q".into(), ..first.clone() };
    tx.explain_census_query(&other_rule).await.unwrap();
    // Saved again: replaced, not added.
    let again = CensusExplanation { text: "Moved in from Cardiff on 3 May".into(), by: v.id, ..first.clone() };
    tx.explain_census_query(&again).await.unwrap();
    let mut got = tx.census_explanations(&year).await.unwrap();
    got.sort_by(|a, b| a.rule.cmp(&b.rule));
    assert_eq!(got, vec![again, other_rule]);
    assert!(tx.census_explanations("1999-00").await.unwrap().iter().all(|e| e.person != p.id));
    tx.commit().await.unwrap();
}

/// The census log names each person whose part of the census changed, in commit order, and
/// says when it cannot be trusted to be whole.
pub async fn census_changes(store: &dyn Store) {
    use hearth_domain::front_door::codes::ReferralSource;
    use hearth_domain::front_door::referral::Referral;
    use hearth_domain::front_door::ReferralId;
    let mut tx = store.begin().await.unwrap();
    let u = new_user(&mut *tx, Role::SocialWorker, None, None).await;
    let kid = new_person(&mut *tx, &u, child("Logged", &word(8))).await;
    let bystander = new_person(&mut *tx, &u, child("Unreferred", &word(8))).await;
    tx.commit().await.unwrap();
    let mut tx = store.begin_read().await.unwrap();
    let start = tx.census_changes(i64::MAX).await.unwrap();
    assert!(!start.complete && start.people.is_empty(), "asked about a change the log has not reached");
    drop(tx);
    let changes_after = |after: i64| async move {
        let mut tx = store.begin_read().await.unwrap();
        let c = tx.census_changes(after).await.unwrap();
        assert!(c.complete, "nothing pruned");
        assert!(c.latest > after, "a newer change");
        c
    };

    // A referral about the child: logged when committed (PostgreSQL numbers at commit).
    let mut r = Referral { id: ReferralId::new(), child: kid.id, contact: None, referral_date: date!(2026 - 01 - 05), source: ReferralSource::Police, primary_need: None, nfa: false, re_referral: false };
    let mut tx = store.begin().await.unwrap();
    tx.insert_referral(&r, &meta(&u, None)).await.unwrap();
    tx.commit().await.unwrap();
    let first = changes_after(start.latest).await;
    assert!(first.people.contains(&kid.id) && !first.people.contains(&bystander.id), "{first:?}");
    let mut tx = store.begin_read().await.unwrap();
    let theirs = tx.census_records(Some(&[kid.id, bystander.id])).await.unwrap();
    assert_eq!(theirs.children.iter().map(|p| p.id).collect::<Vec<_>>(), vec![kid.id], "the referred child only");
    assert_eq!(theirs.referrals, vec![r.clone()]);
    assert!(theirs.assessments.is_empty() && theirs.episodes.is_empty());
    assert_eq!(theirs.kept_ids, vec![(kid.id, hearth_domain::returns::cin::la_child_id(&kid))]);
    drop(tx);

    // The referral changed, then the child's record.
    r.primary_need = Some(hearth_domain::front_door::codes::PrimaryNeed::AbuseOrNeglect);
    let mut tx = store.begin().await.unwrap();
    tx.update_referral(&r, 1, &meta(&u, None)).await.unwrap();
    tx.commit().await.unwrap();
    let second = changes_after(first.latest).await;
    assert_eq!(second.people, vec![kid.id], "only what changed since");
    let mut next = kid.clone();
    next.restricted = true;
    let mut tx = store.begin().await.unwrap();
    tx.update_person(&next, 1, &meta(&u, None)).await.unwrap();
    tx.commit().await.unwrap();
    let third = changes_after(second.latest).await;
    assert!(third.people.contains(&kid.id));
    assert!(changes_after(start.latest).await.people.contains(&kid.id), "each person once however often changed");

    // Pruned past what a reader had seen: it is told to start again (rolled back here, other
    // tests may be reading the log).
    let mut tx = store.begin().await.unwrap();
    assert!(tx.prune_census_changes(1).await.unwrap() >= 2);
    let pruned = tx.census_changes(start.latest).await.unwrap();
    assert!(!pruned.complete && pruned.people.is_empty(), "{pruned:?}");
    assert!(tx.census_changes(pruned.latest - 1).await.unwrap().complete, "the kept change follows");
}

/// Periods of care are kept whole with their versions, and read back in start order, alone
/// and with the rest of the child's records.
pub async fn care_periods(store: &dyn Store) {
    use hearth_domain::care::codes::{CategoryOfNeed, LegalStatus, PlacementProvider, PlacementType, ReasonEpisodeCeased};
    use hearth_domain::care::episodes::{Ending, LegalStatusFrom, PeriodOfCare, Placement};
    use hearth_domain::care::postcode::Postcode;
    use hearth_domain::care::{CarePeriodId, CarePeriodRecord};
    let mut tx = store.begin().await.unwrap();
    let u = new_user(&mut *tx, Role::SocialWorker, None, None).await;
    let kid = new_person(&mut *tx, &u, child("Cared", &word(8))).await;
    let other = new_person(&mut *tx, &u, child("Other", &word(8))).await;
    let period = |start: Date| PeriodOfCare {
        start, start_time: None,
        need: CategoryOfNeed::AbsentParenting,
        home_postcode: Some(Postcode::parse("TW1 1AA").unwrap()),
        legal_statuses: vec![LegalStatusFrom { from: start, status: LegalStatus::Section20 }],
        placements: vec![Placement {
            from: start,
            kind: PlacementType::FosterOther,
            provider: PlacementProvider::OwnProvision,
            urn: Some("SC123456".into()),
            postcode: Some(Postcode::parse("KT1 2AB").unwrap()),
            carer: hearth_domain::care::provider::ProviderId::new(),
            reason: None,
        }],
        ended: None,
        planning: Default::default(),
    };
    let mut later = CarePeriodRecord { id: CarePeriodId::new(), child: kid.id, period: period(date!(2025 - 09 - 01)) };
    later.period.start_time = "23:40".parse().ok();
    let mut earlier = CarePeriodRecord { id: CarePeriodId::new(), child: kid.id, period: period(date!(2024 - 02 - 05)) };
    tx.insert_care_period(&later, &meta(&u, None)).await.unwrap();
    tx.insert_care_period(&earlier, &meta(&u, None)).await.unwrap();
    earlier.period.ended = Some(Ending { on: date!(2024 - 11 - 29), reason: ReasonEpisodeCeased::HomePlanned });
    // What was recorded during the period reads back whole: reviews with their reports,
    // missing episodes, health and education.
    {
        use hearth_domain::care::planning::*;
        use hearth_domain::care::wellbeing::*;
        let plan = &mut earlier.period.planning;
        plan.care_plan = Some(date!(2024 - 02 - 09));
        plan.iro = Some(NamedIro { name: "Irene Olu".into(), from: date!(2024 - 02 - 06), user: Some(u.id) });
        let report = ReviewReport { ready: date!(2024 - 02 - 20), signed_off: Some(SignOff { by: u.id, on: date!(2024 - 02 - 22) }), shared: Some(date!(2024 - 02 - 23)) };
        let decision = ReviewDecision { action: "Weekly contact".into(), owner: "Social worker".into(), due: Some(date!(2024 - 03 - 31)) };
        plan.reviews = vec![CareReview { date: date!(2024 - 03 - 01), iro: "Irene Olu".into(), participation: Participation::BriefsAdvocate, decisions: vec![decision], report: Some(report) }];
        plan.missing = vec![MissingEpisode { kind: MissingKind::Away, start: date!(2024 - 04 - 01), end: Some(date!(2024 - 04 - 02)), interview: Some(ReturnInterview { offered: date!(2024 - 04 - 03), accepted: false }) }];
        plan.uasc = Some(Uasc { from: date!(2024 - 02 - 05), until: None });
        plan.offences = vec![Offence { outcome: OffenceOutcome::YouthCaution, on: date!(2024 - 04 - 10) }];
        plan.visit_requests = vec![VisitRequest { by: VisitRequester::Iro, on: date!(2024 - 03 - 02) }];
        plan.health = vec![HealthCheck { kind: HealthCheckKind::Sdq, on: date!(2024 - 03 - 04), score: Some(17) }];
        plan.education = Education { school: Some("Oldfield Park".into()), virtual_school_told: Some(date!(2024 - 02 - 06)), peps: vec![date!(2024 - 02 - 15)], transport: vec![date!(2024 - 03 - 01)], exclusions: vec![Exclusion { kind: ExclusionKind::Suspension, from: date!(2024 - 05 - 01), days: Some(2) }] };
    }
    tx.update_care_period(&earlier, 1, &meta(&u, Some("Went home"))).await.unwrap();
    match tx.update_care_period(&earlier, 1, &meta(&u, None)).await {
        Err(StoreError::Conflict { .. }) => {}
        other => panic!("a stale version must conflict, got {other:?}"),
    }
    let stored = tx.care_period(earlier.id).await.unwrap().unwrap();
    assert_eq!((stored.value, stored.version), (earlier.clone(), 2));
    let theirs = tx.care_periods_of(kid.id).await.unwrap();
    assert_eq!(theirs.iter().map(|p| p.value.clone()).collect::<Vec<_>>(), vec![earlier.clone(), later.clone()], "earliest start first");
    assert_eq!(tx.front_door_of(kid.id).await.unwrap().care_periods, theirs, "with the child's other records");
    assert!(tx.care_periods_of(other.id).await.unwrap().is_empty());
    assert!(tx.care_period(CarePeriodId::new()).await.unwrap().is_none());
    let versions = tx.front_door_versions(&earlier.id.to_string()).await.unwrap();
    assert_eq!(versions.iter().map(|v| v.version).collect::<Vec<_>>(), vec![1, 2], "every version is kept");
    let everyone = tx.all_care_periods().await.unwrap();
    assert!(everyone.contains(&earlier) && everyone.contains(&later), "every child's periods as they stand");
    // In outline: the same periods with only their missing episodes, UASC status and IRO.
    let outline = tx.care_period_outlines(date!(2024 - 11 - 29)).await.unwrap().into_iter().find(|p| p.id == earlier.id).unwrap();
    let plan = &earlier.period.planning;
    let expected = hearth_domain::care::planning::Planning { missing: plan.missing.clone(), uasc: plan.uasc, iro: plan.iro.clone(), ..Default::default() };
    assert_eq!((outline.period.start, &outline.period.placements, outline.period.ended, &outline.period.planning), (earlier.period.start, &earlier.period.placements, earlier.period.ended, &expected));
    let outline = tx.care_period_outlines(date!(2024 - 11 - 29)).await.unwrap().into_iter().find(|p| p.id == later.id).unwrap();
    assert_eq!(outline.period.start_time, later.period.start_time, "the time care began");
    // Periods that ended before the day asked for are left out; those still going are not.
    let since = tx.care_period_outlines(date!(2024 - 11 - 30)).await.unwrap();
    assert!(since.iter().any(|p| p.id == later.id) && !since.iter().any(|p| p.id == earlier.id), "ended the day before");
    tx.commit().await.unwrap();
}

/// Decisions about care are kept with their versions, newest proposal first, with the
/// child's other records and no one else's.
pub async fn care_decisions(store: &dyn Store) {
    use hearth_domain::care::decision::*;
    let mut tx = store.begin().await.unwrap();
    let u = new_user(&mut *tx, Role::SocialWorker, None, None).await;
    let m = new_user(&mut *tx, Role::TeamManager, None, None).await;
    let kid = new_person(&mut *tx, &u, child("Decided", &word(8))).await;
    let other = new_person(&mut *tx, &u, child("Other", &word(8))).await;
    let proposal = |proposed: Date| CareDecision {
        id: CareDecisionId::new(),
        child: kid.id,
        route: CareRoute::CareOrder,
        proposed,
        proposed_by: u.id,
        reasons: "Neglect despite a child protection plan".into(),
        planned_start: None,
        authorisation: None,
        meeting: None,
        notified: Vec::new(),
        withdrawn: None,
        care_began: None,
    };
    let older = CareDecision { withdrawn: Some(date!(2025 - 03 - 04)), ..proposal(date!(2025 - 03 - 01)) };
    let mut newer = proposal(date!(2026 - 01 - 05));
    tx.insert_care_decision(&older, &meta(&u, None)).await.unwrap();
    tx.insert_care_decision(&newer, &meta(&u, None)).await.unwrap();
    newer.authorisation = Some(Authorisation { by: m.id, on: date!(2026 - 01 - 06), agreed: true, comments: "Agreed: issue proceedings".into() });
    newer.meeting = Some(PlanningMeeting { held: date!(2026 - 01 - 07), attendees: "SW, TM, IRO".into(), plan: "Foster care with the Ahmeds".into() });
    newer.notified = vec![Notification { whom: Notified::ReviewingService, on: date!(2026 - 01 - 06) }];
    tx.update_care_decision(&newer, 1, &meta(&m, Some("Authorised"))).await.unwrap();
    match tx.update_care_decision(&newer, 1, &meta(&m, None)).await {
        Err(StoreError::Conflict { .. }) => {}
        other => panic!("a stale version must conflict, got {other:?}"),
    }
    let stored = tx.care_decision(newer.id).await.unwrap().unwrap();
    assert_eq!((stored.value, stored.version), (newer.clone(), 2));
    let theirs = tx.care_decisions_of(kid.id).await.unwrap();
    assert_eq!(theirs.iter().map(|d| d.value.clone()).collect::<Vec<_>>(), vec![newer.clone(), older.clone()], "newest proposal first");
    assert_eq!(tx.front_door_of(kid.id).await.unwrap().care_decisions, theirs, "with the child's other records");
    assert!(tx.care_decisions_of(other.id).await.unwrap().is_empty());
    assert!(tx.care_decision(CareDecisionId::new()).await.unwrap().is_none());
    tx.commit().await.unwrap();
}

/// A care leaver record is kept with its versions, one to a young person, with their other
/// records and no one else's.
pub async fn care_leavers(store: &dyn Store) {
    use hearth_domain::care::pathway::*;
    let mut tx = store.begin().await.unwrap();
    let u = new_user(&mut *tx, Role::SocialWorker, None, None).await;
    let kid = new_person(&mut *tx, &u, child("Leaving", &word(8))).await;
    let other = new_person(&mut *tx, &u, child("Other", &word(8))).await;
    let mut r = CareLeaverRecord::new(kid.id);
    tx.insert_care_leaver(&r, &meta(&u, None)).await.unwrap();
    r.advisers.push(Adviser { user: u.id, name: "Pat Adviser".into(), from: date!(2026 - 01 - 05) });
    r.contacts.push(Contact { on: date!(2026 - 02 - 01), outcome: InTouch::Refused });
    r.housing.push(Housed { from: date!(2026 - 01 - 05), accommodation: Accommodation::SupportedLodgings, suitable: true });
    tx.update_care_leaver(&r, 1, &meta(&u, Some("Personal adviser allocated"))).await.unwrap();
    match tx.update_care_leaver(&r, 1, &meta(&u, None)).await {
        Err(StoreError::Conflict { .. }) => {}
        other => panic!("a stale version must conflict, got {other:?}"),
    }
    tx.commit().await.unwrap();
    // A second first change made at the same time fails (its transaction is then rolled back).
    let mut tx = store.begin().await.unwrap();
    assert!(tx.insert_care_leaver(&CareLeaverRecord::new(kid.id), &meta(&u, None)).await.is_err(), "one record to a young person");
    drop(tx);
    let mut tx = store.begin().await.unwrap();
    let stored = tx.care_leaver_of(kid.id).await.unwrap().unwrap();
    assert_eq!((stored.value.clone(), stored.version), (r.clone(), 2));
    assert_eq!(tx.front_door_of(kid.id).await.unwrap().care_leaver, Some(stored), "with the young person's other records");
    assert!(tx.care_leaver_of(other.id).await.unwrap().is_none());
    assert!(tx.all_care_leavers().await.unwrap().contains(&r));
    assert_eq!(tx.front_door_versions(&r.id.to_string()).await.unwrap().len(), 2);
    tx.commit().await.unwrap();
}

/// Referrals to services are kept with their versions, listed by young person and by service.
pub async fn service_referrals(store: &dyn Store) {
    use hearth_domain::services::*;
    let mut tx = store.begin().await.unwrap();
    let u = new_user(&mut *tx, Role::SocialWorker, None, None).await;
    let kid = new_person(&mut *tx, &u, child("Referred", &word(8))).await;
    let service = format!("hostel-{}", word(6).to_lowercase());
    let referral = |on: Date, service: &str| ServiceReferral { id: ServiceReferralId::new(), child: kid.id, service: service.into(), on, by: u.id, reason: "Needs a room".into(), outcome: None, ended: None };
    let mut first = referral(date!(2026 - 01 - 05), &service);
    let second = referral(date!(2026 - 02 - 05), "leisure-pass");
    tx.insert_service_referral(&first, &meta(&u, None)).await.unwrap();
    tx.insert_service_referral(&second, &meta(&u, None)).await.unwrap();
    first.outcome = Some(Outcome { on: date!(2026 - 01 - 09), outcome: ReferralOutcome::Accepted });
    tx.update_service_referral(&first, 1, &meta(&u, Some("Accepted"))).await.unwrap();
    match tx.update_service_referral(&first, 1, &meta(&u, None)).await {
        Err(StoreError::Conflict { .. }) => {}
        other => panic!("a stale version must conflict, got {other:?}"),
    }
    let stored = tx.service_referral(first.id).await.unwrap().unwrap();
    assert_eq!((stored.value.clone(), stored.version), (first.clone(), 2));
    let theirs: Vec<ServiceReferral> = tx.service_referrals_of(kid.id).await.unwrap().into_iter().map(|r| r.value).collect();
    assert_eq!(theirs, vec![second.clone(), first.clone()], "newest first");
    assert_eq!(tx.service_referrals_to(&service).await.unwrap(), vec![first.clone()]);
    assert!(tx.front_door_of(kid.id).await.is_ok(), "the record's other reads are not upset by them");
    tx.commit().await.unwrap();
}

/// Providers of placements are kept with their versions and listed by name, and are never
/// among a person's records.
pub async fn providers(store: &dyn Store) {
    use hearth_domain::care::codes::PlacementProvider;
    use hearth_domain::care::provider::{Provider, ProviderId, ProviderKind};
    let mut tx = store.begin().await.unwrap();
    let u = new_user(&mut *tx, Role::TeamManager, None, None).await;
    let tag = word(8);
    let home = Provider {
        id: ProviderId::new(),
        name: format!("Oak House {tag}"),
        kind: ProviderKind::ChildrensHome,
        provider: PlacementProvider::Private,
        urn: Some("SC123456".into()),
        address: vec!["1 Oak Lane".into()],
        postcode: None,
        places: Some(4),
        closed: false,
        monitoring_visits: Vec::new(),
    };
    let mut foster = Provider { id: ProviderId::new(), name: format!("ash household {tag}"), kind: ProviderKind::FosterHousehold, urn: None, places: Some(2), ..home.clone() };
    tx.insert_provider(&home, &meta(&u, None)).await.unwrap();
    tx.insert_provider(&foster, &meta(&u, None)).await.unwrap();
    foster.closed = true;
    tx.update_provider(&foster, 1, &meta(&u, Some("Resigned"))).await.unwrap();
    match tx.update_provider(&foster, 1, &meta(&u, None)).await {
        Err(StoreError::Conflict { .. }) => {}
        other => panic!("a stale version must conflict, got {other:?}"),
    }
    let stored = tx.provider(foster.id).await.unwrap().unwrap();
    assert_eq!((stored.value, stored.version), (foster.clone(), 2));
    assert!(tx.provider(ProviderId::new()).await.unwrap().is_none());
    let listed: Vec<Provider> = tx.providers().await.unwrap().into_iter().filter(|p| p.name.ends_with(&tag)).collect();
    assert_eq!(listed, vec![foster.clone(), home.clone()], "by name, whatever the case");
    assert!(tx.all_care_periods().await.unwrap().iter().all(|p| p.id.to_string() != home.id.to_string()));
    tx.commit().await.unwrap();
}

/// Postcode locations are replaced whole in one transaction (many rows to a statement),
/// found by key exactly as stored, and a load dropped before it commits changes nothing.
pub async fn postcode_locations(store: &dyn Store) {
    use hearth_domain::care::distance::Location;
    let at = |lat: f64, lon: f64| Location::new(lat, lon).unwrap();
    let key = |i: usize| format!("BA{} {}{}{}", 1 + i / 2000 % 9, i % 10, char::from(b'A' + (i / 10 % 20) as u8), char::from(b'A' + (i / 200 % 10) as u8));
    let mut tx = store.begin().await.unwrap();
    assert!(!tx.has_postcode_locations().await.unwrap(), "none before a load");
    assert!(tx.postcode_locations(&["BA1 1AA".into()]).await.unwrap().is_empty());
    // More rows than one statement takes, with the extremes of the ranges.
    let mut rows: Vec<(String, Location)> = (0..2_345).map(|i| (key(i), at(51.0 + i as f64 * 1e-6, -2.0 - i as f64 * 1e-6))).collect();
    rows.extend([("BA1".to_string(), at(51.400_001, -2.370_002)), ("ZZ1".to_string(), at(-90.0, 180.0)), ("ZZ2".to_string(), at(90.0, -180.0))]);
    assert_eq!(tx.replace_postcode_locations(&rows).await.unwrap(), rows.len() as u64);
    tx.commit().await.unwrap();

    let mut tx = store.begin_read().await.unwrap();
    assert!(tx.has_postcode_locations().await.unwrap());
    let keys: Vec<String> = rows.iter().map(|r| r.0.clone()).chain(["SW1A 1AA".to_string(), "ba1".to_string(), String::new()]).collect();
    let found = tx.postcode_locations(&keys).await.unwrap();
    assert_eq!(found.len(), rows.len(), "every stored key, and only those (keys are exact)");
    for (k, l) in &rows {
        assert_eq!(found.get(k).map(|f| f.micro_degrees()), Some(l.micro_degrees()), "{k}");
    }
    assert!(tx.postcode_locations(&[]).await.unwrap().is_empty());
    tx.commit().await.unwrap();

    // A new load replaces the old one entirely; one dropped before its commit changes nothing.
    let mut tx = store.begin().await.unwrap();
    tx.replace_postcode_locations(&[("RG1 1AA".into(), at(51.456, -0.971)), ("RG1".into(), at(51.454, -0.97))]).await.unwrap();
    tx.commit().await.unwrap();
    let mut tx = store.begin().await.unwrap();
    tx.replace_postcode_locations(&[("TA1 1AA".into(), at(51.0, -3.1))]).await.unwrap();
    drop(tx);
    let mut tx = store.begin_read().await.unwrap();
    let found = tx.postcode_locations(&["RG1 1AA".into(), "RG1".into(), "BA1".into(), key(7), "TA1 1AA".into()]).await.unwrap();
    let mut keys: Vec<&String> = found.keys().collect();
    keys.sort();
    assert_eq!(keys, ["RG1", "RG1 1AA"]);
    assert_eq!(found["RG1"].micro_degrees(), (51_454_000, -970_000));
    tx.commit().await.unwrap();
}

pub async fn allocation_history(store: &dyn Store) {
    use hearth_domain::front_door::allocation::CaseAllocations;
    let mut tx = store.begin().await.unwrap();
    let (t1, t2) = (new_team(&mut *tx).await, new_team(&mut *tx).await);
    let a = new_user(&mut *tx, Role::SocialWorker, Some(t1.id), None).await;
    let b = new_user(&mut *tx, Role::SocialWorker, Some(t2.id), None).await;
    let p = new_person_with(&mut *tx, &a, child("Moving", &word(8)), Allocation { team: Some(t1.id), worker: Some(a.id) }, false).await;
    let mut h = CaseAllocations::new(p.id);
    h.allocate(t1.id, Some(a.id), date!(2026 - 01 - 05), a.id, None).unwrap();
    let first = h.history[0].clone();
    tx.allocate(p.id, None, &first).await.unwrap();
    h.allocate(t2.id, Some(b.id), date!(2026 - 03 - 02), a.id, Some("Transfer to the child protection team".into())).unwrap();
    let second = h.history[1].clone();
    tx.allocate(p.id, Some((first.id, date!(2026 - 03 - 01))), &second).await.unwrap();
    assert_eq!(tx.allocations_of(p.id).await.unwrap(), h.history, "the whole history, oldest first");
    let facts = tx.access_facts(p.id, b.id, now()).await.unwrap().unwrap();
    assert_eq!((facts.allocated_team, facts.allocated_worker), (Some(t2.id), Some(b.id)), "access follows the new allocation");
    // Ending an allocation that is no longer current is a conflict; nothing changes.
    let third = hearth_domain::front_door::allocation::Allocation { id: hearth_domain::front_door::AllocationId::new(), from: date!(2026 - 04 - 01), ..second.clone() };
    assert!(matches!(tx.allocate(p.id, Some((first.id, date!(2026 - 03 - 31))), &third).await, Err(StoreError::Conflict { .. })));

    // A transfer dated ahead is stored at once but moves nobody's access until its day.
    let mut ahead = h.clone();
    ahead.allocate(t1.id, Some(a.id), date!(2026 - 06 - 01), b.id, Some("Back to the first team".into())).unwrap();
    let planned = ahead.history[2].clone();
    tx.plan_allocation(p.id, Some((second.id, date!(2026 - 05 - 31))), &planned).await.unwrap();
    assert_eq!(tx.planned_allocation(p.id).await.unwrap().as_ref(), Some(&planned));
    assert_eq!(tx.allocations_of(p.id).await.unwrap(), ahead.history);
    let facts = tx.access_facts(p.id, b.id, now()).await.unwrap().unwrap();
    assert_eq!((facts.allocated_team, facts.allocated_worker), (Some(t2.id), Some(b.id)), "not yet");
    assert!(tx.apply_due_allocations(date!(2026 - 05 - 31)).await.unwrap().iter().all(|(q, _)| *q != p.id), "the day before: not due");
    // Called off: the allocation it would have ended is current again.
    assert!(tx.cancel_planned_allocation(p.id).await.unwrap());
    assert!(!tx.cancel_planned_allocation(p.id).await.unwrap(), "nothing left to call off");
    assert_eq!(tx.allocations_of(p.id).await.unwrap(), h.history);
    assert_eq!(tx.planned_allocation(p.id).await.unwrap(), None);
    // Planned again and applied on its first day: access follows, and it is no longer pending.
    tx.plan_allocation(p.id, Some((second.id, date!(2026 - 05 - 31))), &planned).await.unwrap();
    let applied = tx.apply_due_allocations(date!(2026 - 06 - 01)).await.unwrap();
    assert!(applied.contains(&(p.id, planned.clone())), "{applied:?}");
    let facts = tx.access_facts(p.id, a.id, now()).await.unwrap().unwrap();
    assert_eq!((facts.allocated_team, facts.allocated_worker), (Some(t1.id), Some(a.id)));
    assert_eq!(tx.planned_allocation(p.id).await.unwrap(), None);
    assert!(tx.apply_due_allocations(date!(2026 - 06 - 02)).await.unwrap().iter().all(|(q, _)| *q != p.id), "applied once");
    tx.commit().await.unwrap();
}

pub async fn front_door_records(store: &dyn Store) {
    use hearth_domain::front_door::assessment::{Assessment, ChildSeen};
    use hearth_domain::front_door::codes::{ReferralSource, ScreeningDecision};
    use hearth_domain::front_door::contact::{Consent, Contact, Referrer, Screening};
    use hearth_domain::front_door::referral::Referral;
    use hearth_domain::front_door::{ContactId, ReferralId};
    let mut tx = store.begin().await.unwrap();
    let u = new_user(&mut *tx, Role::SocialWorker, None, None).await;
    let family = word(8);
    let kid = new_person(&mut *tx, &u, child("Ada", &family)).await;
    let mum = new_person(&mut *tx, &u, PersonDetails::named(PersonKind::Adult, "Mary", &family)).await;
    let received_at = datetime!(2026-01-05 09:30 UTC);
    let mut c = Contact {
        id: ContactId::new(),
        received_at,
        source: ReferralSource::School,
        referrer: Referrer { name: "A Teacher".into(), agency: Some("Primary".into()), ..Referrer::default() },
        reason: "Bruise — \"dad did it\" 🙁".into(),
        consent: Consent::NotRequired { reason: "Risk of harm".into() },
        children: vec![kid.id],
        family_members: vec![mum.id],
        recorded_by: u.id,
        screening: None,
    };
    tx.insert_contact(&c, &meta(&u, None)).await.unwrap();
    let stored = tx.contact(c.id).await.unwrap().unwrap();
    assert_eq!((stored.value.clone(), stored.version), (c.clone(), 1));
    assert_eq!(tx.contacts_of(mum.id).await.unwrap().len(), 1, "found through a family member");
    c.screening = Some(Screening { decision: ScreeningDecision::Referral, decided_at: received_at + Duration::hours(3), decided_by: u.id, rationale: "Threshold met".into() });
    tx.update_contact(&c, 1, &meta(&u, None)).await.unwrap();
    assert_eq!(tx.contact(c.id).await.unwrap().unwrap().version, 2);
    let r = Referral { id: ReferralId::new(), child: kid.id, contact: Some(c.id), referral_date: date!(2026 - 01 - 05), source: c.source, primary_need: None, nfa: false, re_referral: false };
    tx.insert_referral(&r, &meta(&u, None)).await.unwrap();
    let older = Referral { id: ReferralId::new(), contact: None, referral_date: date!(2025 - 06 - 01), ..r.clone() };
    tx.insert_referral(&older, &meta(&u, None)).await.unwrap();
    let of_child: Vec<ReferralId> = tx.referrals_of(kid.id).await.unwrap().into_iter().map(|v| v.value.id).collect();
    assert_eq!(of_child, vec![r.id, older.id], "newest referral date first");
    let referred = tx.referred_children().await.unwrap();
    assert!(referred.contains(&kid.id) && !referred.contains(&mum.id), "children with a referral, not their family");
    // The census's read of the whole LA (other cases may share the database).
    let census = tx.census_records(None).await.unwrap();
    let theirs: Vec<&PersonRecord> = census.children.iter().filter(|p| p.id == kid.id || p.id == mum.id).collect();
    assert_eq!(theirs.len(), 1, "the referred child once, not the family");
    assert_eq!(theirs[0].details.full_name(), kid.details.full_name(), "the whole record");
    for id in [r.id, older.id] {
        assert_eq!(census.referrals.iter().filter(|x| x.id == id).count(), 1);
    }
    let mut a = Assessment::new(r.id, kid.id, u.id, date!(2026 - 01 - 06));
    tx.insert_assessment(&a, &meta(&u, None)).await.unwrap();
    a.child_seen.push(ChildSeen { date: date!(2026 - 01 - 07), seen_alone: true });
    tx.update_assessment(&a, 1, &meta(&u, None)).await.unwrap();
    assert_eq!(tx.assessment_of_referral(r.id).await.unwrap().map(|v| (v.value, v.version)), Some((a.clone(), 2)));
    assert!(tx.assessment_of_referral(older.id).await.unwrap().is_none());
    assert!(tx.census_records(None).await.unwrap().assessments.contains(&a), "as it stands now");
    // A previous system's history may have two assessments of one referral.
    let second = Assessment::new(r.id, kid.id, u.id, date!(2026 - 02 - 01));
    tx.insert_assessment(&second, &meta(&u, None)).await.unwrap();
    let mut of_kid: Vec<_> = tx.assessments_of(kid.id).await.unwrap().into_iter().map(|v| v.value.id).collect();
    of_kid.sort();
    let mut both = vec![a.id, second.id];
    both.sort();
    assert_eq!(of_kid, both);
    assert!(tx.assessments_of(mum.id).await.unwrap().is_empty());
    // Every person has Hearth's LA child id from creation; an imported child keeps the
    // previous system's instead. One each way.
    let own = hearth_domain::returns::cin::la_child_id(&kid);
    assert_eq!(tx.kept_la_child_id(kid.id).await.unwrap(), Some(own.clone()));
    assert_eq!(tx.person_with_la_child_id(&own).await.unwrap(), Some(kid.id));
    let la_id = format!("MIG{}", word(6).to_uppercase());
    tx.keep_la_child_id(kid.id, &la_id).await.unwrap();
    assert_eq!(tx.person_with_la_child_id(&own).await.unwrap(), None, "replaced");
    assert_eq!(tx.kept_la_child_id(kid.id).await.unwrap(), Some(la_id.clone()));
    assert_eq!(tx.person_with_la_child_id(&la_id).await.unwrap(), Some(kid.id));
    assert_eq!(tx.person_with_la_child_id("NOBODY").await.unwrap(), None);
    assert!(tx.census_records(None).await.unwrap().kept_ids.contains(&(kid.id, la_id.clone())));
    let versions = tx.front_door_versions(&a.id.to_string()).await.unwrap();
    assert_eq!(versions.iter().map(|v| v.version).collect::<Vec<_>>(), vec![1, 2], "every version is kept");
    assert!(!versions[0].doc.contains("seen_alone") && versions[1].doc.contains("seen_alone"), "{versions:?}");
    assert_eq!(versions[1].changed_by_name, u.display_name);
    // All at once, as each method gives it.
    for who in [kid.id, mum.id] {
        let all = tx.front_door_of(who).await.unwrap();
        assert_eq!(all.contacts, tx.contacts_of(who).await.unwrap());
        assert_eq!(all.referrals, tx.referrals_of(who).await.unwrap());
        let mut a = all.assessments.clone();
        let mut b = tx.assessments_of(who).await.unwrap();
        a.sort_by_key(|x| x.value.id);
        b.sort_by_key(|x| x.value.id);
        assert_eq!(a, b);
        assert_eq!(all.episodes, tx.episodes_of(who).await.unwrap());
    }
    assert!(!tx.front_door_of(kid.id).await.unwrap().referrals.is_empty());
    // Wrong kind or unknown id: nothing.
    assert!(tx.referral(ReferralId::new()).await.unwrap().is_none());
    assert!(tx.contact(ContactId(a.id.0)).await.unwrap().is_none());
    tx.commit().await.unwrap();
    // A stale version is a conflict and changes nothing.
    let mut tx = store.begin().await.unwrap();
    assert!(matches!(tx.update_assessment(&a, 1, &meta(&u, None)).await, Err(StoreError::Conflict { current: 2 })));
    drop(tx);
    let mut tx = store.begin().await.unwrap();
    assert!(tx.keep_la_child_id(mum.id, &la_id).await.is_err(), "an LA child id names one person");
    drop(tx);
    let mut tx = store.begin().await.unwrap();
    assert!(matches!(tx.update_contact(&Contact { id: ContactId::new(), ..c.clone() }, 1, &meta(&u, None)).await, Err(StoreError::NotFound)));
    drop(tx);
    let mut tx = store.begin().await.unwrap();
    assert_eq!(tx.assessment(a.id).await.unwrap().unwrap().version, 2);
    tx.commit().await.unwrap();
}

pub async fn tasks_and_trays(store: &dyn Store) {
    use hearth_domain::front_door::tasks::{Bucket, Sent, Task, TaskKind, TaskStatus, TaskSubject, Waiting};
    use hearth_domain::front_door::{AssessmentId, ContactId, TaskId};
    let mut tx = store.begin().await.unwrap();
    let team = new_team(&mut *tx).await;
    let other_team = new_team(&mut *tx).await;
    let w = new_user(&mut *tx, Role::SocialWorker, Some(team.id), None).await;
    let kid = new_person(&mut *tx, &w, child("Tia", &capitalised(&word(8)))).await;
    let contact = TaskSubject::Contact(ContactId::new());
    let assessment = TaskSubject::Assessment(AssessmentId::new());
    let task = |kind, subject, team: Option<TeamId>, assignee: Option<UserId>, due: Date| Task {
        id: TaskId::new(),
        kind,
        subject,
        child: kid.id,
        team,
        assignee,
        due,
        rule: "single_assessment".into(),
        pack: "national".into(),
        pack_version: "2026.1".into(),
        explanation: "due Mon 9 Mar 2026 — 45 working days after the referral".into(),
        status: TaskStatus::Open,
        step: String::new(),
        waiting: None,
        sent: None,
    };
    let screening = task(TaskKind::ScreeningDecision, contact, Some(team.id), None, date!(2026 - 01 - 06));
    let initial = task(TaskKind::InitialAssessment, assessment, Some(team.id), None, date!(2026 - 01 - 19));
    let single = task(TaskKind::SingleAssessment, assessment, Some(team.id), None, date!(2026 - 03 - 09));
    let elsewhere = task(TaskKind::ChildSeen, TaskSubject::Assessment(AssessmentId::new()), Some(other_team.id), None, date!(2026 - 01 - 10));
    for t in [&single, &initial, &screening, &elsewhere] {
        tx.insert_task(t).await.unwrap();
    }
    assert_eq!(tx.tasks_of(assessment).await.unwrap(), vec![initial.clone(), single.clone()], "by due date, stored exactly");
    let ids = |v: Vec<Task>| v.into_iter().map(|t| t.id).collect::<Vec<_>>();
    assert_eq!(ids(tx.open_tasks(&TaskQuery::among(&[], &[team.id])).await.unwrap()), vec![screening.id, initial.id, single.id]);
    assert_eq!(ids(tx.open_tasks(&TaskQuery::among(&[w.id], &[])).await.unwrap()), Vec::<TaskId>::new());
    assert!(tx.open_tasks(&TaskQuery::among(&[], &[])).await.unwrap().is_empty());
    // Allocation moves the child's open assessment tasks to the worker.
    let moved = tx.assign_open_tasks(kid.id, &[TaskKind::InitialAssessment, TaskKind::SingleAssessment], team.id, Some(w.id)).await.unwrap();
    assert_eq!(moved, 2);
    assert_eq!(ids(tx.open_tasks(&TaskQuery::among(&[w.id], &[])).await.unwrap()), vec![initial.id, single.id]);
    // Filters and pages within a scope, and the tally a manager's counts come from, which
    // must agree with the domain's buckets.
    let (users, teams, today) = ([w.id], [team.id], date!(2026 - 01 - 19));
    let scope = TaskQuery::among(&users, &teams);
    let open = tx.open_tasks(&scope).await.unwrap();
    assert_eq!(ids(open.clone()), vec![screening.id, initial.id, single.id]);
    for (q, expected) in [
        (TaskQuery { due_before: Some(today), ..scope }, vec![screening.id]),
        (TaskQuery { assignee: Some(None), ..scope }, vec![screening.id]),
        (TaskQuery { assignee: Some(Some(w.id)), ..scope }, vec![initial.id, single.id]),
        (TaskQuery { kinds: &[TaskKind::SingleAssessment], ..scope }, vec![single.id]),
        (TaskQuery { kinds: &[TaskKind::SingleAssessment, screening.kind], ..scope }, vec![screening.id, single.id]),
        (TaskQuery { limit: Some(1), offset: 1, ..scope }, vec![initial.id]),
    ] {
        assert_eq!(ids(tx.open_tasks(&q).await.unwrap()), expected, "{q:?}");
    }
    let everywhere = tx.open_tasks(&TaskQuery { kinds: &[TaskKind::ChildSeen], ..TaskQuery::all() }).await.unwrap();
    assert!(everywhere.iter().all(|t| t.kind == TaskKind::ChildSeen) && everywhere.contains(&elsewhere));
    let tally = tx.open_task_tally(&users, &teams, today).await.unwrap();
    assert_eq!(tally, hearth_domain::front_door::tasks::tally(&open, today));
    assert_eq!(tally.len(), 3, "overdue, due today and later: {tally:?}");
    assert!(tx.open_task_tally(&[], &[], today).await.unwrap().is_empty());
    // A step sent to someone else waits on them: left out of the lists that ask, in its own
    // bucket of the tally, and back with its holder when it returns.
    let waiting = Waiting { with: Some(w.id), since: now() };
    assert_eq!(tx.set_waiting(assessment, &[TaskKind::InitialAssessment, TaskKind::CoreAssessment], Some(waiting)).await.unwrap(), 1);
    let open = tx.open_tasks(&scope).await.unwrap();
    assert_eq!(open.iter().find(|t| t.id == initial.id).and_then(|t| t.waiting), Some(waiting));
    assert_eq!(ids(tx.open_tasks(&TaskQuery { waiting: Some(false), ..scope }).await.unwrap()), vec![screening.id, single.id]);
    assert_eq!(ids(tx.open_tasks(&TaskQuery { waiting: Some(true), ..scope }).await.unwrap()), vec![initial.id]);
    let tally = tx.open_task_tally(&users, &teams, today).await.unwrap();
    assert_eq!(tally, hearth_domain::front_door::tasks::tally(&open, today));
    assert!(tally.iter().any(|t| t.bucket == Bucket::Waiting && t.kind == TaskKind::InitialAssessment));
    assert_eq!(tx.set_waiting(assessment, &[TaskKind::InitialAssessment], None).await.unwrap(), 1);
    assert_eq!(tx.open_tasks(&scope).await.unwrap(), open.into_iter().map(|t| Task { waiting: None, ..t }).collect::<Vec<_>>());
    // Completing a step closes only its tasks, once.
    let at = now();
    assert_eq!(tx.complete_tasks(contact, &[TaskKind::ScreeningDecision], w.id, at).await.unwrap(), 1);
    assert_eq!(tx.complete_tasks(contact, &[TaskKind::ScreeningDecision], w.id, at).await.unwrap(), 0);
    assert_eq!(tx.tasks_of(contact).await.unwrap()[0].status, TaskStatus::Done { at, by: w.id });
    assert_eq!(tx.complete_tasks(assessment, &[TaskKind::InitialAssessment], w.id, at).await.unwrap(), 1);
    assert_eq!(ids(tx.open_tasks(&TaskQuery::among(&[w.id], &[team.id])).await.unwrap()), vec![single.id]);
    // Recalculation stores the new due date and where it came from.
    let mut later = Task { assignee: Some(w.id), ..single.clone() };
    later.due = date!(2026 - 03 - 10);
    later.pack_version = "2027.1".into();
    later.explanation = "moved".into();
    tx.reschedule_task(&later).await.unwrap();
    let all = tx.open_tasks(&TaskQuery::all()).await.unwrap();
    assert!(all.contains(&later) && all.contains(&elsewhere), "every open task: {all:?}");
    assert!(matches!(tx.reschedule_task(&task(TaskKind::ChildSeen, contact, None, None, date!(2026 - 01 - 01))).await, Err(StoreError::NotFound)));
    // Many at once, across the batch size, open and done, stored exactly as one by one.
    let bulk_subject = TaskSubject::Assessment(AssessmentId::new());
    let mut bulk: Vec<Task> = (0..45).map(|i| task(TaskKind::SingleAssessment, bulk_subject, if i % 2 == 0 { Some(team.id) } else { None }, None, date!(2026 - 02 - 01) + Duration::days(i))).collect();
    bulk[3].status = TaskStatus::Done { at, by: w.id };
    bulk[4].step = "cp:x:visit:first".into();
    bulk[5].sent = Some(Sent { by: w.id, at });
    bulk[6].waiting = Some(Waiting { with: None, since: at });
    bulk[7].waiting = Some(Waiting { with: Some(w.id), since: at });
    tx.insert_tasks(&bulk).await.unwrap();
    assert_eq!(tx.tasks_of(bulk_subject).await.unwrap(), bulk);
    tx.commit().await.unwrap();
}

pub async fn episodes(store: &dyn Store) {
    use hearth_domain::cin::codes::{AbuseCategory, ClosureReason, EnquiryOutcome, PlanEndReason, StrategyDecision};
    use hearth_domain::cin::dashboard::OpenPlan;
    use hearth_domain::cin::episode::{CpPlan, Episode, InitialDecision, MeetingDetails, Participant};
    use hearth_domain::cin::StepId;
    use hearth_domain::front_door::tasks::{Task, TaskKind, TaskStatus, TaskSubject};
    use hearth_domain::front_door::{ReferralId, TaskId};
    let mut tx = store.begin().await.unwrap();
    let team = new_team(&mut *tx).await;
    let other = new_team(&mut *tx).await;
    let w = new_user(&mut *tx, Role::SocialWorker, Some(team.id), None).await;
    let in_team = Allocation { team: Some(team.id), worker: Some(w.id) };
    let kid = new_person_with(&mut *tx, &w, child("Nia", &capitalised(&word(8))), in_team.clone(), false).await;
    let sibling = new_person_with(&mut *tx, &w, child("Ola", &capitalised(&word(8))), in_team, false).await;
    let elsewhere = new_person_with(&mut *tx, &w, child("Pip", &capitalised(&word(8))), Allocation { team: Some(other.id), worker: None }, false).await;
    let at = datetime!(2026-01-05 10:00 UTC);
    let mut e = Episode::open(kid.id, ReferralId::new(), date!(2026 - 01 - 05));
    tx.insert_episode(&e, &meta(&w, None)).await.unwrap();
    let who = vec![Participant { name: "DS Khan".into(), agency: "Police".into(), role: "DS".into() }];
    let sd = e.record_strategy_discussion(Some(at), who.clone(), "Injury — \"fell\" 🙁".into(), Some(StrategyDecision::Section47), String::new(), at).unwrap();
    let q = e.start_enquiry(Some(sd), Some(date!(2026 - 01 - 05)), date!(2026 - 01 - 05)).unwrap();
    e.conclude_enquiry(q, Some(EnquiryOutcome::ConferenceRequired), Some(date!(2026 - 01 - 09)), date!(2026 - 01 - 09)).unwrap();
    let meeting = MeetingDetails { date: Some(date!(2026 - 01 - 20)), participants: who, notes: String::new() };
    e.hold_initial_conference(q, meeting, Some(InitialDecision::Plan { category: AbuseCategory::Physical }), date!(2026 - 01 - 20)).unwrap();
    tx.update_episode(&e, 1, &meta(&w, None)).await.unwrap();
    assert_eq!(tx.episode(e.id).await.unwrap().map(|v| (v.value, v.version)), Some((e.clone(), 2)), "stored exactly");
    assert_eq!(tx.episode_of_referral(e.referral).await.unwrap().map(|v| v.value.id), Some(e.id));
    // A closed earlier episode of the same child with an ended plan, a closed one of a
    // sibling, and an open plan of a child of another team.
    let plan = |start: Date, end: Option<Date>| CpPlan {
        id: StepId::new(),
        conference: Some(StepId::new()),
        start,
        initial_category: AbuseCategory::Neglect,
        latest_category: AbuseCategory::Emotional,
        end,
        end_reason: end.map(|_| PlanEndReason::NoLongerAtRisk),
        visit_every_working_days: None,
        earlier_plans_not_held: 0,
    };
    let mut old = Episode::open(kid.id, ReferralId::new(), date!(2024 - 05 - 01));
    // Imported history: a previous system counted two plans before this one.
    old.cp_plans.push(CpPlan { earlier_plans_not_held: 2, ..plan(date!(2024 - 06 - 01), Some(date!(2024 - 12 - 01))) });
    old.close(Some(date!(2024 - 12 - 02)), Some(ClosureReason::ServicesCeased), None, date!(2024 - 12 - 02)).unwrap();
    tx.insert_episode(&old, &meta(&w, None)).await.unwrap();
    let mut closed = Episode::open(sibling.id, ReferralId::new(), date!(2025 - 02 - 01));
    tx.insert_episode(&closed, &meta(&w, None)).await.unwrap();
    closed.close(Some(date!(2025 - 02 - 01)), Some(ClosureReason::ServicesCeased), None, date!(2025 - 02 - 03)).unwrap();
    tx.update_episode(&closed, 1, &meta(&w, None)).await.unwrap();
    let mut theirs = Episode::open(elsewhere.id, ReferralId::new(), date!(2026 - 01 - 02));
    theirs.cp_plans.push(plan(date!(2026 - 01 - 03), None));
    tx.insert_episode(&theirs, &meta(&w, None)).await.unwrap();
    let ids = |v: Vec<crate::Versioned<Episode>>| v.into_iter().map(|x| x.value.id).collect::<Vec<_>>();
    assert_eq!(ids(tx.episodes_of(kid.id).await.unwrap()), vec![e.id, old.id], "newest start first");
    // The dashboard's open plans: the team's only, with the child's earlier plan and the
    // two before it that a previous system counted.
    let p = &e.cp_plans[0];
    let expected = OpenPlan { child: kid.id, episode: e.id, plan: p.id, start: p.start, initial_category: AbuseCategory::Physical, latest_category: AbuseCategory::Physical, previous: 3 };
    assert_eq!(tx.open_cp_plans_of_teams(&[team.id]).await.unwrap(), vec![expected]);
    assert_eq!(tx.open_cp_plans_of_teams(&[team.id, other.id]).await.unwrap().len(), 2);
    assert!(tx.open_cp_plans_of_teams(&[]).await.unwrap().is_empty());
    assert_eq!(tx.front_door_versions(&e.id.to_string()).await.unwrap().len(), 2, "every version kept");
    // A stale version is a conflict.
    assert!(matches!(tx.update_episode(&e, 1, &meta(&w, None)).await, Err(StoreError::Conflict { current: 2 })));
    tx.commit().await.unwrap();
    // An ended plan leaves the list.
    let mut tx = store.begin().await.unwrap();
    let plan_id = e.cp_plans[0].id;
    e.end_cp_plan(plan_id, Some(date!(2026 - 01 - 21)), Some(PlanEndReason::MovedAway), date!(2026 - 01 - 21)).unwrap();
    tx.update_episode(&e, 2, &meta(&w, None)).await.unwrap();
    assert!(tx.open_cp_plans_of_teams(&[team.id]).await.unwrap().is_empty());
    tx.commit().await.unwrap();
    // Tasks name their step; closing by id closes only those still open.
    let mut tx = store.begin().await.unwrap();
    let task = |step: &str| Task {
        id: TaskId::new(),
        kind: TaskKind::CoreGroup,
        subject: TaskSubject::Episode(e.id),
        child: kid.id,
        team: Some(team.id),
        assignee: Some(w.id),
        due: date!(2026 - 02 - 03),
        rule: "first_core_group".into(),
        pack: "national".into(),
        pack_version: "2026.1".into(),
        explanation: "10 working days after the conference".into(),
        status: TaskStatus::Open,
        step: step.into(),
        waiting: None,
        sent: None,
    };
    let (first, second) = (task("cp:x:core_group:1"), task("cp:x:core_group:2"));
    tx.insert_task(&first).await.unwrap();
    tx.insert_task(&second).await.unwrap();
    assert_eq!(tx.tasks_of(TaskSubject::Episode(e.id)).await.unwrap(), vec![first.clone(), second.clone()]);
    let done_at = now();
    assert_eq!(tx.close_tasks(&[first.id], w.id, done_at).await.unwrap(), 1);
    assert_eq!(tx.close_tasks(&[first.id, second.id], w.id, done_at).await.unwrap(), 1, "the closed one is not closed twice");
    assert_eq!(tx.close_tasks(&[], w.id, done_at).await.unwrap(), 0);
    assert!(tx.tasks_of(TaskSubject::Episode(e.id)).await.unwrap().iter().all(|t| t.status == TaskStatus::Done { at: done_at, by: w.id }));
    tx.commit().await.unwrap();
}

pub async fn management_chain(store: &dyn Store) {
    let mut tx = store.begin().await.unwrap();
    let (t1, t2) = (new_team(&mut *tx).await, new_team(&mut *tx).await);
    let head = new_user(&mut *tx, Role::ServiceManager, None, None).await;
    let manager = new_user(&mut *tx, Role::TeamManager, Some(t1.id), Some(head.id)).await;
    let worker = new_user(&mut *tx, Role::SocialWorker, Some(t2.id), Some(manager.id)).await;
    let other = new_user(&mut *tx, Role::SocialWorker, Some(t2.id), None).await;
    let mut below: Vec<(UserId, Option<TeamId>)> = tx.chain_below(head.id).await.unwrap();
    below.sort();
    let mut expected = vec![(manager.id, Some(t1.id)), (worker.id, Some(t2.id))];
    expected.sort();
    assert_eq!(below, expected);
    assert_eq!(tx.chain_below(worker.id).await.unwrap(), vec![]);
    let mut names = tx.display_names(&[worker.id, UserId::new(), head.id]).await.unwrap();
    names.sort();
    let mut expected_names = vec![(worker.id, worker.display_name.clone()), (head.id, head.display_name.clone())];
    expected_names.sort();
    assert_eq!(names, expected_names, "unknown ids are left out");
    assert!(tx.display_names(&[]).await.unwrap().is_empty());
    assert!(!tx.chain_below(head.id).await.unwrap().iter().any(|(u, _)| *u == other.id));
    // A cycle in bad data ends, and nobody is below themselves.
    let mut h = head.clone();
    h.manager = Some(worker.id);
    tx.update_user(&h).await.unwrap();
    let below = tx.chain_below(head.id).await.unwrap();
    assert_eq!(below.len(), 2, "{below:?}");
    tx.commit().await.unwrap();
}

/// The epoch moves when a chain could have changed, and only then (a sign-in's counters
/// change users too, and must not throw every kept chain away).
pub async fn chain_epoch_moves_with_the_chain(store: &dyn Store) {
    let epoch = || async {
        let mut r = store.begin_read().await.unwrap();
        let n = r.chain_epoch().await.unwrap();
        r.commit().await.unwrap();
        n
    };
    let mut tx = store.begin().await.unwrap();
    let (t1, t2) = (new_team(&mut *tx).await, new_team(&mut *tx).await);
    let head = new_user(&mut *tx, Role::ServiceManager, None, None).await;
    let worker = new_user(&mut *tx, Role::SocialWorker, Some(t1.id), None).await;
    tx.commit().await.unwrap();
    let e0 = epoch().await;

    let mut tx = store.begin().await.unwrap();
    let mut w = worker.clone();
    w.failed_logins = 3;
    w.display_name = "Renamed".into();
    w.role = Role::TeamManager;
    tx.update_user(&w).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(epoch().await, e0, "counters, names and roles leave chains as they were");

    let mut last = e0;
    for what in ["a new manager", "a new team"] {
        let mut tx = store.begin().await.unwrap();
        match what {
            "a new manager" => w.manager = Some(head.id),
            _ => w.team = Some(t2.id),
        }
        tx.update_user(&w).await.unwrap();
        tx.commit().await.unwrap();
        let now = epoch().await;
        assert!(now > last, "{what} moves the epoch");
        last = now;
    }
    let mut tx = store.begin().await.unwrap();
    new_user(&mut *tx, Role::SocialWorker, Some(t1.id), Some(worker.id)).await;
    let inside = tx.chain_epoch().await.unwrap();
    drop(tx);
    assert!(inside > last, "a new user moves it, in their own transaction");
    assert_eq!(epoch().await, last, "and not when that transaction is dropped");
}

pub async fn break_glass_listing(store: &dyn Store) {
    let at = now();
    let mut tx = store.begin().await.unwrap();
    let team = new_team(&mut *tx).await;
    let u = new_user(&mut *tx, Role::SocialWorker, None, None).await;
    let holder = new_user(&mut *tx, Role::SocialWorker, Some(team.id), None).await;
    let p = new_person_with(&mut *tx, &u, child("Eve", &capitalised(&word(8))), Allocation { team: Some(team.id), worker: Some(holder.id) }, false).await;
    let grant = |hours_ago: i64| BreakGlassGrant {
        id: BreakGlassId::new(),
        user: u.id,
        person: p.id,
        reason: format!("Reason {hours_ago}"),
        granted_at: at - Duration::hours(hours_ago),
        expires_at: at - Duration::hours(hours_ago) + Duration::hours(1),
        user_name: String::new(),
        person_name: String::new(),
        person_team: None,
        person_worker: None,
    };
    let (old, earlier, later) = (grant(72), grant(2), grant(1));
    for g in [&old, &earlier, &later] {
        tx.insert_break_glass(g).await.unwrap();
    }
    let listed: Vec<BreakGlassGrant> = tx.break_glass_since(at - Duration::hours(24)).await.unwrap().into_iter().filter(|g| g.person == p.id).collect();
    let named = |g: &BreakGlassGrant| BreakGlassGrant {
        user_name: u.display_name.clone(),
        person_name: p.details.full_name(),
        person_team: Some(team.id),
        person_worker: Some(holder.id),
        ..g.clone()
    };
    assert_eq!(listed, vec![named(&later), named(&earlier)], "newest first, with names and the person's allocation, none before `since`");
    let since_exact: Vec<BreakGlassId> = tx.break_glass_since(earlier.granted_at).await.unwrap().into_iter().map(|g| g.id).collect();
    assert!(since_exact.contains(&earlier.id) && !since_exact.contains(&old.id), "`since` is inclusive");
    tx.commit().await.unwrap();
}

pub async fn duplicate_candidates(store: &dyn Store) {
    let mut tx = store.begin().await.unwrap();
    let u = new_user(&mut *tx, Role::SocialWorker, None, None).await;
    let nhs = nhs_number();
    let dob = date!(1901 - 01 - 01) + Duration::days(random_digits(4).iter().fold(0, |n, d| n * 10 + i64::from(*d)));
    let a = new_person(&mut *tx, &u, PersonDetails { nhs_number: Some(nhs.clone()), date_of_birth: Some(dob), ..child("Fay", &word(8)) }).await;
    let unborn = PersonDetails { date_of_birth: None, expected_date_of_birth: Some(dob), ..child("Gus", &word(8)) };
    let b = new_person_with(&mut *tx, &u, unborn, Allocation::default(), true).await;
    let c = new_person(&mut *tx, &u, PersonDetails { date_of_birth: Some(dob + Duration::days(1)), ..child("Hal", &word(8)) }).await;
    tx.commit().await.unwrap();

    let mut tx = store.begin().await.unwrap();
    let by_nhs = tx.duplicate_candidates(Some(nhs.as_str()), None).await.unwrap();
    assert_eq!(ids(&by_nhs), BTreeSet::from([a.id]));
    let by_dob = tx.duplicate_candidates(None, Some(dob)).await.unwrap();
    assert!(by_dob.iter().all(|s| s.date_of_birth == Some(dob) || s.expected_date_of_birth == Some(dob)));
    let found = ids(&by_dob);
    assert!(found.contains(&a.id) && found.contains(&b.id) && !found.contains(&c.id), "restricted records too");
    assert!(by_dob.contains(&PersonSummary::from_record(&b)));
    let either = ids(&tx.duplicate_candidates(Some(nhs.as_str()), Some(dob)).await.unwrap());
    assert!(either.contains(&a.id) && either.contains(&b.id));
    assert!(tx.duplicate_candidates(None, None).await.unwrap().is_empty());
    tx.commit().await.unwrap();
}

// ---------------------------------------------------------------------------------------
// Relationships and case notes.

pub async fn relationships(store: &dyn Store) {
    let mut tx = store.begin().await.unwrap();
    let u = new_user(&mut *tx, Role::SocialWorker, None, None).await;
    let v = new_user(&mut *tx, Role::SocialWorker, None, None).await;
    let family = capitalised(&word(8));
    let mum = new_person(&mut *tx, &u, PersonDetails { kind: PersonKind::Adult, ..child("Ivy", &family) }).await;
    let kid = new_person(&mut *tx, &u, child("Jo", &family)).await;
    let teacher = new_person(&mut *tx, &u, PersonDetails { kind: PersonKind::Adult, ..child("Kim", &word(8)) }).await;
    let r = Relationship {
        id: RelationshipId::new(),
        version: 1,
        from: mum.id,
        to: kid.id,
        kind: RelationshipType::Parent,
        started: Some(date!(2015 - 03 - 09)),
        ended: None,
        note: Some("Lives with \"Mum\" most weekdays".into()),
        lives_together: true,
        parental_responsibility: Some(mum.id),
        recorded_by: u.id,
        recorded_at: now(),
    };
    let prof = Relationship {
        id: RelationshipId::new(),
        from: teacher.id,
        to: kid.id,
        kind: RelationshipType::Professional,
        note: Some("Class teacher, St Mary's Primary".into()),
        started: None,
        lives_together: false,
        parental_responsibility: None,
        ..r.clone()
    };
    tx.insert_relationship(&r).await.unwrap();
    tx.insert_relationship(&prof).await.unwrap();
    tx.commit().await.unwrap();

    let mut tx = store.begin().await.unwrap();
    assert_eq!(tx.relationship(r.id).await.unwrap(), Some(r.clone()));
    assert_eq!(tx.relationship(RelationshipId::new()).await.unwrap(), None);
    assert_eq!(tx.relationships_of(mum.id).await.unwrap(), vec![r.clone()]);
    let of_kid = tx.relationships_of(kid.id).await.unwrap();
    assert_eq!(of_kid.len(), 2);
    assert!(of_kid.contains(&r) && of_kid.contains(&prof), "read from either end");

    let ended = Relationship { ended: Some(date!(2024 - 07 - 31)), note: None, lives_together: false, recorded_by: v.id, recorded_at: now() + Duration::seconds(1), ..r.clone() };
    tx.update_relationship(&ended, 1).await.unwrap();
    assert_eq!(tx.relationship(r.id).await.unwrap(), Some(Relationship { version: 2, ..ended.clone() }));
    tx.commit().await.unwrap();

    let mut tx = store.begin().await.unwrap();
    match tx.update_relationship(&r, 1).await {
        Err(StoreError::Conflict { current }) => assert_eq!(current, 2),
        other => panic!("expected Conflict, got {other:?}"),
    }
    drop(tx);
    let mut tx = store.begin().await.unwrap();
    let unknown = Relationship { id: RelationshipId::new(), ..r.clone() };
    assert!(matches!(tx.update_relationship(&unknown, 1).await, Err(StoreError::NotFound)));
    drop(tx);
    let mut tx = store.begin().await.unwrap();
    assert_eq!(tx.relationship(r.id).await.unwrap().map(|r| r.version), Some(2));
    tx.commit().await.unwrap();
}

pub async fn case_notes(store: &dyn Store) {
    let mut tx = store.begin().await.unwrap();
    let author = new_user(&mut *tx, Role::SocialWorker, None, None).await;
    let manager = new_user(&mut *tx, Role::TeamManager, None, None).await;
    let p = new_person(&mut *tx, &author, child("Lou", &word(8))).await;
    let note = |occurred_at, significant, text: &str| CaseNote {
        id: CaseNoteId::new(),
        person: p.id,
        version: 1,
        details: CaseNoteDetails { statutory_visit: false, also_for: Vec::new(),
            occurred_at,
            note_type: CaseNoteType::HomeVisit,
            child_seen: true,
            seen_alone: significant,
            significant,
            text: text.into(),
        },
        author: author.id,
        author_name: author.display_name.clone(),
        created_at: now(),
        updated_at: now(),
    };
    let n1 = note(datetime!(2026-01-10 09:00), true, "Visit: Lou seen alone in her bedroom.");
    let n2 = note(datetime!(2026-01-12 15:30), false, "Phone call with school.");
    let n3 = note(datetime!(2026-01-11 11:45:30), true, "Strategy meeting.");
    for n in [&n1, &n2, &n3] {
        tx.insert_case_note(n).await.unwrap();
    }
    tx.commit().await.unwrap();

    let mut tx = store.begin().await.unwrap();
    assert_eq!(tx.case_note(n1.id).await.unwrap(), Some(n1.clone()));
    assert_eq!(tx.case_note(CaseNoteId::new()).await.unwrap(), None);
    let list = |notes: Vec<CaseNote>| notes.into_iter().map(|n| n.id).collect::<Vec<_>>();
    assert_eq!(list(tx.case_notes_of(p.id, false, 10, 0).await.unwrap()), vec![n2.id, n3.id, n1.id], "newest event first");
    assert_eq!(list(tx.case_notes_of(p.id, true, 10, 0).await.unwrap()), vec![n3.id, n1.id], "significant only");
    assert_eq!(list(tx.case_notes_of(p.id, false, 1, 1).await.unwrap()), vec![n3.id], "limit and offset");
    assert_eq!(tx.count_case_notes(p.id).await.unwrap(), 3);
    assert_eq!(tx.count_case_notes(PersonId::new()).await.unwrap(), 0);

    // A correction: a new version that also moves the note in time and out of the chronology.
    let corrected = CaseNoteDetails {
        occurred_at: datetime!(2026-01-13 09:00),
        significant: false,
        text: "Visit: Lou seen with her brother.".into(),
        ..n1.details.clone()
    };
    let m = meta(&manager, Some("Wrong date and detail"));
    tx.correct_case_note(n1.id, &corrected, 1, &m).await.unwrap();
    let now_n1 = tx.case_note(n1.id).await.unwrap().unwrap();
    assert_eq!(now_n1, CaseNote { version: 2, details: corrected.clone(), updated_at: m.at, ..n1.clone() }, "author and created_at kept");
    let versions = tx.case_note_versions(n1.id).await.unwrap();
    assert_eq!(versions.iter().map(|v| v.version).collect::<Vec<_>>(), vec![1, 2]);
    assert_eq!((&versions[0].details, versions[0].changed_by, versions[0].reason.as_deref()), (&n1.details, author.id, None));
    assert_eq!(versions[0].changed_by_name, author.display_name);
    assert_eq!((&versions[1].details, versions[1].changed_by, versions[1].changed_at), (&corrected, manager.id, m.at));
    assert_eq!((versions[1].changed_by_name.as_str(), versions[1].reason.as_deref()), (manager.display_name.as_str(), Some("Wrong date and detail")));
    assert_eq!(list(tx.case_notes_of(p.id, false, 10, 0).await.unwrap()), vec![n1.id, n2.id, n3.id]);
    assert_eq!(list(tx.case_notes_of(p.id, true, 10, 0).await.unwrap()), vec![n3.id]);
    tx.commit().await.unwrap();

    let mut tx = store.begin().await.unwrap();
    match tx.correct_case_note(n1.id, &n1.details, 1, &m).await {
        Err(StoreError::Conflict { current }) => assert_eq!(current, 2),
        other => panic!("expected Conflict, got {other:?}"),
    }
    drop(tx);
    let mut tx = store.begin().await.unwrap();
    assert!(matches!(tx.correct_case_note(CaseNoteId::new(), &corrected, 1, &m).await, Err(StoreError::NotFound)));
    drop(tx);
    let mut tx = store.begin().await.unwrap();
    assert_eq!(tx.case_note(n1.id).await.unwrap().unwrap().details, corrected, "the stale correction changed nothing");
    assert_eq!(tx.case_note_versions(n1.id).await.unwrap().len(), 2);
    tx.commit().await.unwrap();
}

pub async fn case_facts_and_references(store: &dyn Store) {
    use hearth_domain::case_summary::Seen;
    use hearth_domain::front_door::tasks::{Task, TaskKind, TaskStatus, TaskSubject};
    use hearth_domain::front_door::{AssessmentId, TaskId};
    use hearth_domain::identifiers::PersonRef;
    let mut tx = store.begin().await.unwrap();
    let w = new_user(&mut *tx, Role::SocialWorker, None, None).await;
    let kid = new_person(&mut *tx, &w, child("Ola", &capitalised(&word(8)))).await;
    let other = new_person(&mut *tx, &w, child("Pip", &capitalised(&word(8)))).await;
    let facts = tx.case_facts(kid.id).await.unwrap().expect("a known person");
    assert!(facts.open_tasks.is_empty());
    assert_eq!(facts.seen, Seen::default(), "never seen");
    let (r, r2) = (facts.reference.unwrap(), tx.case_facts(other.id).await.unwrap().unwrap().reference.unwrap());
    assert_ne!(r, r2);
    assert_eq!(tx.person_by_reference(r).await.unwrap(), Some(kid.id));
    assert_eq!(tx.person_by_reference(PersonRef::of_row((1 << 25) - 1).unwrap()).await.unwrap(), None);
    let mut refs = tx.references(&[other.id, PersonId::new(), kid.id]).await.unwrap();
    refs.sort();
    let mut expected = vec![(kid.id, r), (other.id, r2)];
    expected.sort();
    assert_eq!(refs, expected, "unknown ids left out");
    assert_eq!(tx.case_facts(PersonId::new()).await.unwrap(), None);

    let note = |person: PersonId, occurred_at, child_seen, seen_alone| CaseNote {
        id: CaseNoteId::new(),
        person,
        version: 1,
        details: CaseNoteDetails { statutory_visit: false, also_for: Vec::new(), occurred_at, note_type: CaseNoteType::HomeVisit, child_seen, seen_alone, significant: false, text: "Visit.".into() },
        author: w.id,
        author_name: w.display_name.clone(),
        created_at: now(),
        updated_at: now(),
    };
    let alone = note(kid.id, datetime!(2026-02-01 10:00), true, true);
    let seen = note(kid.id, datetime!(2026-03-01 11:30), true, false);
    let unseen = note(kid.id, datetime!(2026-04-01 09:00), false, false);
    let elsewhere = note(other.id, datetime!(2026-05-01 09:00), true, true);
    for n in [&alone, &seen, &unseen, &elsewhere] {
        tx.insert_case_note(n).await.unwrap();
    }
    let task = |kind, due: Date, status| Task {
        id: TaskId::new(),
        kind,
        subject: TaskSubject::Assessment(AssessmentId::new()),
        child: kid.id,
        team: None,
        assignee: Some(w.id),
        due,
        rule: "visit".into(),
        pack: "national".into(),
        pack_version: "2026.1".into(),
        explanation: String::new(),
        status,
        step: String::new(),
        waiting: None,
        sent: None,
    };
    let later = task(TaskKind::ReviewConference, date!(2026 - 06 - 01), TaskStatus::Open);
    let sooner = task(TaskKind::Visit, date!(2026 - 05 - 10), TaskStatus::Open);
    let done = task(TaskKind::Visit, date!(2026 - 04 - 10), TaskStatus::Open);
    for t in [&later, &sooner, &done] {
        tx.insert_task(t).await.unwrap();
    }
    tx.close_tasks(&[done.id], w.id, now()).await.unwrap();
    let facts = tx.case_facts(kid.id).await.unwrap().unwrap();
    assert_eq!(facts.seen, Seen { seen: Some(datetime!(2026-03-01 11:30)), alone: Some(datetime!(2026-02-01 10:00)) });
    assert_eq!(facts.open_tasks, vec![sooner.clone(), later.clone()], "open only, soonest first");

    // A correction that says the child was seen alone after all moves "last seen alone".
    let corrected = CaseNoteDetails { seen_alone: true, ..seen.details.clone() };
    tx.correct_case_note(seen.id, &corrected, 1, &meta(&w, Some("Seen alone too"))).await.unwrap();
    assert_eq!(tx.case_facts(kid.id).await.unwrap().unwrap().seen.alone, Some(datetime!(2026-03-01 11:30)));
    tx.commit().await.unwrap();
}

// ---------------------------------------------------------------------------------------
// Audit.

pub async fn audit_chain(store: &dyn Store) {
    let actor = UserId::new();
    let person = PersonId::new();
    let drafts = [
        draft("person.view", Some(actor), Some(person)),
        AuditDraft { target: Some("case_note:123".into()), reason: Some("Typo in the date".into()), ..draft("case_note.correct", Some(actor), Some(person)) },
        AuditDraft { outcome: Outcome::Denied, ..draft("person.view", Some(actor), Some(person)) },
        draft("system.migrate", None, None),
        AuditDraft { reason: Some("Ünïcödé ‘quotes’ and \"marks\"".into()), ..draft("break_glass.grant", Some(actor), Some(person)) },
    ];
    let mut written: Vec<AuditEntry> = Vec::new();
    for d in &drafts {
        let mut tx = store.begin().await.unwrap();
        let before = tx.audit_head().await.unwrap();
        tx.append_audit(d).await.unwrap();
        assert_eq!(tx.audit_head().await.unwrap(), before, "an entry joins the chain when its transaction commits");
        tx.commit().await.unwrap();
        let e = stored(store, std::slice::from_ref(d)).await.remove(0);
        assert!(e.seq > before);
        if let Some(prev) = written.last() {
            assert!(e.seq > prev.seq);
        }
        written.push(e);
    }
    let head = verify_chain(store).await;
    assert!(head >= written.last().unwrap().seq);

    let mut tx = store.begin().await.unwrap();
    for e in &written {
        assert_eq!(tx.audit_page(e.seq - 1, 1).await.unwrap(), vec![e.clone()], "stored as returned");
    }
    let page = tx.audit_page(written[0].seq - 1, 2).await.unwrap();
    assert_eq!(page.len(), 2);
    assert_eq!(page[0], written[0]);
    assert_eq!(page[1].prev_hash, page[0].hash);
    tx.commit().await.unwrap();
}

pub async fn audit_of_person(store: &dyn Store) {
    let (actor, person, someone_else) = (UserId::new(), PersonId::new(), PersonId::new());
    let mut tx = store.begin().await.unwrap();
    let mut drafts = Vec::new();
    for i in 0..4 {
        let d = draft(&format!("person.view.{i}"), Some(actor), Some(person));
        tx.append_audit(&d).await.unwrap();
        drafts.push(d);
        tx.append_audit(&draft("person.view", Some(actor), Some(someone_else))).await.unwrap();
    }
    tx.commit().await.unwrap();
    let ours = stored(store, &drafts).await;
    assert!(ours.windows(2).all(|w| w[0].seq < w[1].seq), "in the order appended");

    let mut tx = store.begin().await.unwrap();
    let newest_first: Vec<AuditEntry> = ours.iter().rev().cloned().collect();
    assert_eq!(tx.audit_of_person(person, 10).await.unwrap(), newest_first);
    assert_eq!(tx.audit_of_person(person, 2).await.unwrap(), newest_first[..2].to_vec());
    assert!(tx.audit_of_person(PersonId::new(), 10).await.unwrap().is_empty());
    tx.commit().await.unwrap();
}

pub async fn audit_under_break_glass(store: &dyn Store) {
    let (actor, other, person) = (UserId::new(), UserId::new(), PersonId::new());
    let from = now() - Duration::minutes(30);
    let at = |minutes: i64| AuditDraft { at: from + Duration::minutes(minutes), ..draft("case_note.create", Some(actor), Some(person)) };
    let (before, inside, elsewhere, after) = (at(-1), vec![at(0), at(10)], AuditDraft { actor: Some(other), ..at(5) }, at(61));
    let mut tx = store.begin().await.unwrap();
    for d in [&before, &inside[0], &inside[1], &elsewhere, &after] {
        tx.append_audit(d).await.unwrap();
    }
    tx.commit().await.unwrap();
    let (before, inside, after) = (stored(store, &[before]).await.remove(0), stored(store, &inside).await, stored(store, &[after]).await.remove(0));

    let mut tx = store.begin().await.unwrap();
    let found = tx.audit_of_person_by(person, actor, from, from + Duration::minutes(60), 100).await.unwrap();
    assert_eq!(found, inside, "the actor's entries in the window, oldest first, inclusive of its start");
    assert!(!found.contains(&before) && !found.contains(&after));
    assert_eq!(tx.audit_of_person_by(person, actor, from, from + Duration::minutes(60), 1).await.unwrap(), inside[..1].to_vec());
    tx.commit().await.unwrap();
}

pub async fn audit_search(store: &dyn Store) {
    let (ann, bob, person) = (UserId::new(), UserId::new(), PersonId::new());
    let from = now() - Duration::minutes(30);
    let at = |minutes: i64, action: &str, actor: UserId| AuditDraft { at: from + Duration::minutes(minutes), ..draft(action, Some(actor), Some(person)) };
    let drafts = [at(-5, "person.view", ann), at(0, "person.view", ann), at(5, "case_note.create", bob), at(10, "person.update", ann), at(40, "person.view", bob)];
    let mut tx = store.begin().await.unwrap();
    for d in &drafts {
        tx.append_audit(d).await.unwrap();
    }
    tx.commit().await.unwrap();
    let e = stored(store, &drafts).await;
    let q = AuditQuery { person: Some(person), limit: 100, ..AuditQuery::default() };
    let mut tx = store.begin().await.unwrap();
    let find = |found: Vec<AuditEntry>| found.iter().map(|f| e.iter().position(|x| x == f).expect("one of ours")).collect::<Vec<_>>();
    assert_eq!(find(tx.audit_search(&q).await.unwrap()), vec![4, 3, 2, 1, 0], "newest first");
    assert_eq!(find(tx.audit_search(&AuditQuery { actor: Some(ann), ..q.clone() }).await.unwrap()), vec![3, 1, 0]);
    let views = AuditQuery { actions: vec!["person.view".into(), "person.update".into()], ..q.clone() };
    assert_eq!(find(tx.audit_search(&views).await.unwrap()), vec![4, 3, 1, 0]);
    let window = AuditQuery { from: Some(from), until: Some(from + Duration::minutes(40)), ..q.clone() };
    assert_eq!(find(tx.audit_search(&window).await.unwrap()), vec![3, 2, 1], "from inclusive, until exclusive");
    let page = AuditQuery { limit: 2, ..q.clone() };
    let first = tx.audit_search(&page).await.unwrap();
    assert_eq!(find(first.clone()), vec![4, 3]);
    let next = AuditQuery { before: first.last().map(|x| x.seq), ..page };
    assert_eq!(find(tx.audit_search(&next).await.unwrap()), vec![2, 1]);
    assert!(tx.audit_search(&AuditQuery { actor: Some(UserId::new()), ..q }).await.unwrap().is_empty());
    tx.commit().await.unwrap();
}

pub async fn role_grants(store: &dyn Store) {
    let since = now() - Duration::seconds(1);
    let mut tx = store.begin().await.unwrap();
    let admin = new_user(&mut *tx, Role::Administrator, None, None).await;
    let wide = new_user(&mut *tx, Role::BusinessSupport, None, None).await;
    let narrow = new_user(&mut *tx, Role::SocialWorker, None, None).await;
    for (u, by) in [(&wide, Some(admin.id)), (&narrow, Some(admin.id))] {
        let d = AuditDraft { target: Some(u.id.to_string()), ..draft("user.create", by, None) };
        tx.append_audit(&d).await.unwrap();
    }
    let refused = AuditDraft { target: Some(wide.id.to_string()), outcome: Outcome::Denied, ..draft("user.create", Some(admin.id), None) };
    tx.append_audit(&refused).await.unwrap();
    tx.commit().await.unwrap();

    let mut tx = store.begin().await.unwrap();
    let grants: Vec<_> = tx
        .role_grants_since(since, &[Role::BusinessSupport, Role::ServiceManager])
        .await
        .unwrap()
        .into_iter()
        .filter(|g| g.user == wide.id || g.user == narrow.id)
        .collect();
    assert_eq!(grants.len(), 1, "only the LA-wide role, only allowed creations: {grants:?}");
    let g = &grants[0];
    assert_eq!((g.user, g.role, g.granted_by, g.granted_by_name.as_str(), g.user_name.as_str()), (wide.id, Role::BusinessSupport, Some(admin.id), admin.display_name.as_str(), wide.display_name.as_str()));
    assert!(tx.role_grants_since(now() + Duration::hours(1), &[Role::BusinessSupport]).await.unwrap().is_empty());
    assert!(tx.role_grants_since(since, &[]).await.unwrap().is_empty());
    tx.commit().await.unwrap();
}

/// A read transaction reads beside writers and audits by group commit: its entries are
/// durable when `commit` returns, are not written if it is dropped, and many at once make
/// one unbroken chain; it cannot write anything else.
pub async fn read_transactions_audit_by_group_commit(store: &dyn Store) {
    let person = PersonId::new();
    let mut tx = store.begin().await.unwrap();
    let u = new_user(&mut *tx, Role::SocialWorker, None, None).await;
    tx.commit().await.unwrap();

    let mut r = store.begin_read().await.unwrap();
    assert_eq!(r.user(u.id).await.unwrap().map(|x| x.id), Some(u.id), "reads what is committed");
    let seen = draft("person.view.read", Some(u.id), Some(person));
    r.append_audit(&seen).await.unwrap();
    r.commit().await.unwrap();
    assert_eq!(stored(store, std::slice::from_ref(&seen)).await[0].draft, seen, "durable once commit returns");

    // A read's entry is written once appended (its disk sync overlaps the rest of the
    // read): the record was opened even if the read then fails.
    let mut dropped = store.begin_read().await.unwrap();
    dropped.append_audit(&draft("person.view.dropped", Some(u.id), Some(person))).await.unwrap();
    drop(dropped);

    let mut w = store.begin_read().await.unwrap();
    assert!(w.insert_team(&Team { id: TeamId::new(), name: word(8) }).await.is_err(), "a read transaction writes nothing");
    drop(w);

    const READERS: usize = 24;
    let reader = |i: usize| async move {
        let mut r = store.begin_read().await.unwrap();
        r.audit_head().await.unwrap();
        r.append_audit(&draft(&format!("person.view.many.{i}"), None, Some(person))).await.unwrap();
        r.commit().await.unwrap();
    };
    join_all((0..READERS).map(reader).collect()).await;
    store.record_audit(&[draft("refusal.one", None, Some(person)), draft("refusal.two", None, Some(person))]).await.unwrap();
    verify_chain(store).await;
    let mut tx = store.begin().await.unwrap();
    let entries = tx.audit_of_person(person, 1000).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(entries.len(), 1 + 1 + READERS + 2, "none lost");
    assert!(entries.iter().any(|e| e.draft.action == "person.view.dropped"), "the read that failed after opening is audited");
    let two: Vec<&str> = entries.iter().rev().filter(|e| e.draft.action.starts_with("refusal.")).map(|e| e.draft.action.as_str()).collect();
    assert_eq!(two, ["refusal.one", "refusal.two"], "entries given together keep their order");
}

/// Writers in several transactions at once must still make one unbroken chain.
pub async fn concurrent_audit_appends(store: &dyn Store) {
    const WRITERS: usize = 6;
    const EACH: usize = 5;
    let person = PersonId::new();
    let writer = |w: usize| async move {
        for i in 0..EACH {
            let mut tx = store.begin().await.unwrap();
            tx.append_audit(&draft(&format!("concurrent.{w}.{i}"), None, Some(person))).await.unwrap();
            // Keep the transaction open a little longer, so others queue behind it.
            tx.audit_head().await.unwrap();
            tx.commit().await.unwrap();
        }
    };
    join_all((0..WRITERS).map(writer).collect()).await;

    verify_chain(store).await;
    let mut tx = store.begin().await.unwrap();
    let entries = tx.audit_of_person(person, 1000).await.unwrap();
    assert_eq!(entries.len(), WRITERS * EACH);
    let seqs: BTreeSet<i64> = entries.iter().map(|e| e.seq).collect();
    assert_eq!(seqs.len(), WRITERS * EACH, "no sequence number used twice");
    let actions: BTreeSet<&str> = entries.iter().map(|e| e.draft.action.as_str()).collect();
    assert_eq!(actions.len(), WRITERS * EACH);
    tx.commit().await.unwrap();
}

// ---------------------------------------------------------------------------------------
// Transactions and text.

pub async fn dropped_transaction_leaves_nothing(store: &dyn Store) {
    let head_before = verify_chain(store).await;
    let mut tx = store.begin().await.unwrap();
    let team = new_team(&mut *tx).await;
    let u = new_user(&mut *tx, Role::SocialWorker, Some(team.id), None).await;
    let family = word(10);
    let p = new_person(&mut *tx, &u, child("Max", &family)).await;
    let n = CaseNote {
        id: CaseNoteId::new(),
        person: p.id,
        version: 1,
        details: CaseNoteDetails { statutory_visit: false, also_for: Vec::new(),
            occurred_at: datetime!(2026-02-01 10:00),
            note_type: CaseNoteType::PhoneCall,
            child_seen: false,
            seen_alone: false,
            significant: false,
            text: "Never saved".into(),
        },
        author: u.id,
        author_name: u.display_name.clone(),
        created_at: now(),
        updated_at: now(),
    };
    tx.insert_case_note(&n).await.unwrap();
    tx.append_audit(&draft("person.create", Some(u.id), Some(p.id))).await.unwrap();
    assert!(tx.person(p.id).await.unwrap().is_some(), "a transaction sees its own writes");
    drop(tx);

    let mut tx = store.begin().await.unwrap();
    assert!(!tx.teams().await.unwrap().contains(&team));
    assert_eq!(tx.user(u.id).await.unwrap(), None);
    assert_eq!(tx.person(p.id).await.unwrap(), None);
    assert!(tx.person_versions(p.id).await.unwrap().is_empty());
    assert!(search(&mut *tx, &parse_query(&family), &everyone(u.id)).await.is_empty());
    assert_eq!(tx.case_note(n.id).await.unwrap(), None);
    assert!(tx.audit_of_person(p.id, 10).await.unwrap().is_empty());
    tx.commit().await.unwrap();
    assert!(verify_chain(store).await >= head_before, "the chain is intact after the rollback");

    // And the same work committed is all there.
    let mut tx = store.begin().await.unwrap();
    tx.insert_team(&team).await.unwrap();
    tx.insert_user(&u).await.unwrap();
    tx.insert_person(&p, &meta(&u, None)).await.unwrap();
    tx.commit().await.unwrap();
    let mut tx = store.begin().await.unwrap();
    assert_eq!(tx.person(p.id).await.unwrap(), Some(p.clone()));
    tx.commit().await.unwrap();
}

pub async fn text_is_stored_verbatim(store: &dyn Store) {
    let nasty = [
        "<script>alert('x')</script>",
        "Robert'); DROP TABLE persons;--",
        "O’Connor \"Jr\" `tick` \\ back\\slash % _ $1 ?",
        "Zoë Ñúñez-Brontë 李小龍 𠮷野 👶🏽 עִבְרִית",
        "line one\nline two\r\n\ttabbed  double  spaced ",
    ];
    let mut tx = store.begin().await.unwrap();
    let team = Team { id: TeamId::new(), name: nasty[0].into() };
    tx.insert_team(&team).await.unwrap();
    let mut u = user_record(Role::SocialWorker, Some(team.id), None);
    u.display_name = nasty[3].into();
    tx.insert_user(&u).await.unwrap();
    let mut people = Vec::new();
    for (i, text) in nasty.iter().enumerate() {
        let d = PersonDetails {
            other_names: vec![OtherName { kind: AliasKind::Alias, given_name: nasty[(i + 1) % nasty.len()].into(), family_name: (*text).into() }],
            gender: Some((*text).into()),
            first_language: Some(nasty[(i + 2) % nasty.len()].into()),
            addresses: vec![Address { lines: vec![(*text).into(), nasty[4].into()], postcode: Some((*text).into()), from: None, to: None }],
            ..child(text, &format!("{text} {}", word(8)))
        };
        people.push(new_person(&mut *tx, &u, d).await);
    }
    let n = CaseNote {
        id: CaseNoteId::new(),
        person: people[0].id,
        version: 1,
        details: CaseNoteDetails { statutory_visit: false, also_for: Vec::new(),
            occurred_at: datetime!(2026-02-01 10:00:59.5),
            note_type: CaseNoteType::Other,
            child_seen: false,
            seen_alone: false,
            significant: true,
            text: nasty.join("\n"),
        },
        author: u.id,
        author_name: u.display_name.clone(),
        created_at: now(),
        updated_at: now(),
    };
    tx.insert_case_note(&n).await.unwrap();
    let d = DraftRecord { id: DraftId::new(), user: u.id, path: nasty[2].into(), body: nasty.concat(), created_at: now() };
    tx.insert_draft(&d).await.unwrap();
    let audit = AuditDraft { target: Some(nasty[1].into()), reason: Some(nasty[3].into()), ..draft(nasty[4], Some(u.id), Some(people[0].id)) };
    tx.append_audit(&audit).await.unwrap();
    tx.commit().await.unwrap();
    let entry = stored(store, std::slice::from_ref(&audit)).await.remove(0);

    let mut tx = store.begin().await.unwrap();
    assert!(tx.teams().await.unwrap().contains(&team));
    assert_eq!(tx.user(u.id).await.unwrap(), Some(u.clone()));
    for p in &people {
        assert_eq!(tx.person(p.id).await.unwrap().as_ref(), Some(p));
    }
    assert_eq!(tx.case_note(n.id).await.unwrap(), Some(n.clone()));
    assert_eq!(tx.take_draft(d.id, u.id).await.unwrap(), Some(d));
    assert_eq!(tx.audit_of_person(people[0].id, 1).await.unwrap(), vec![entry]);

    // Names in any script are found, by whole word and by prefix.
    let scope = everyone(u.id);
    for (query, who) in [("nunez", 3), ("NÚÑEZ", 3), ("李小", 3), ("𠮷", 3), ("robert drop", 1), ("oconnor", 2), ("script", 0)] {
        assert!(!tokens(query).is_empty());
        assert!(search(&mut *tx, &parse_query(query), &scope).await.contains(&people[who].id), "{query}");
    }
    tx.commit().await.unwrap();
}
