//! The generated front door against the real SQLite store: every child's contact, referral
//! and assessment read back valid and linked, the tasks match each assessment's state the way
//! the app's use cases leave them, the demo accounts have work, and a seed gives the same
//! records every time.
mod support;

use hearth_app::local_time::uk_local;
use hearth_app::{TeamWorkFilter, Timescales, TEAM_WORK_PER_PAGE};
use hearth_domain::calendar::Calendar;
use hearth_domain::front_door::assessment::AssessmentState;
use hearth_domain::cin::codes::ClosureReason;
use hearth_domain::front_door::deadlines::{child_seen_check, child_seen_deadline};
use hearth_domain::front_door::referral::is_re_referral;
use hearth_domain::front_door::tasks::{bucket, tally, Bucket, Task, TaskKind, TaskStatus, TaskSubject, TeamCounts};
use hearth_domain::person::PersonKind;
use hearth_domain::policy::{Pack, BATH_NE_SOMERSET_PACK};
use hearth_domain::user::{Role, UserRecord};
use hearth_domain::PersonId;
use hearth_store::{Store, TaskQuery, Tx};
use hearth_testkit::{generate, DemoOptions, FrontDoorOptions, FrontDoorSummary};
use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use support::{Recording, TempDb};
use time::OffsetDateTime;

fn opts(children: usize, seed: u64, front_door: FrontDoorOptions) -> DemoOptions {
    DemoOptions { children, seed, notes_per_child: 2, front_door }
}

/// The children written, in the order they were written.
/// The children written, but for the young people who left care before the history the demo
/// holds (a care leaver record and no referral): they have no front door.
async fn children_of(tx: &mut dyn Tx, written: &support::Written, kinds: &HashMap<PersonId, PersonKind>) -> Vec<PersonId> {
    let mut out = Vec::new();
    for p in written.persons.iter().copied().filter(|p| kinds.get(p) == Some(&PersonKind::Child)) {
        if tx.referrals_of(p).await.unwrap().is_empty() && tx.care_leaver_of(p).await.unwrap().is_some() {
            continue;
        }
        out.push(p);
    }
    out
}

async fn kinds(tx: &mut dyn Tx, ids: &[PersonId]) -> HashMap<PersonId, PersonKind> {
    let mut out = HashMap::new();
    for &id in ids {
        if let Some(p) = tx.person(id).await.unwrap() {
            out.insert(p.id, p.details.kind);
        }
    }
    out
}

/// What one child's front door holds: the state of each assessment, every task of its
/// contacts, referrals and assessments, and how many referrals.
struct Door {
    states: Vec<AssessmentState>,
    tasks: Vec<Task>,
    referrals: usize,
}

/// What one child's front door reads back as, checked against the rules of the app's use
/// cases: a contact and referral per episode, each earlier one finished and closed (the
/// referral closed with no further action, or its assessment authorised) before the next.
async fn check_child(tx: &mut dyn Tx, child: PersonId, users: &HashMap<hearth_domain::UserId, UserRecord>, now: OffsetDateTime) -> Door {
    let today = uk_local(now).date();
    let record = tx.person(child).await.unwrap().expect("child");
    let worker = users[&record.allocation.worker.expect("allocated")].clone();
    let manager = users[&worker.manager.expect("the worker has a manager")].clone();
    assert_eq!(manager.role, Role::TeamManager);

    let contacts = tx.contacts_of(child).await.unwrap();
    let mut referrals = tx.referrals_of(child).await.unwrap();
    referrals.sort_by_key(|r| r.value.referral_date);
    assert!((1..=2).contains(&referrals.len()), "a referral, and for some children an earlier one");
    assert_eq!(contacts.len(), referrals.len(), "one contact about the child per referral");
    let episodes = tx.episodes_of(child).await.unwrap();
    assert_eq!(episodes.len(), referrals.len(), "each referral opened an episode");
    let mut door = Door { states: Vec::new(), tasks: Vec::new(), referrals: referrals.len() };
    let mut previous = Vec::new();
    let mut closed_before: Option<time::Date> = None;
    for (i, stored) in referrals.iter().enumerate() {
        let r = &stored.value;
        let latest = i + 1 == referrals.len();
        // Its contact, recorded by the worker, decided by their manager.
        let contact = contacts.iter().find(|c| Some(c.value.id) == r.contact).expect("the referral's contact");
        let c = &contact.value;
        assert!(c.children.contains(&child) && !c.family_members.contains(&child));
        c.validate(now).unwrap_or_else(|e| panic!("contact {}: {e}", c.id));
        assert_eq!(contact.version, 2, "recorded, then decided");
        assert_eq!(c.recorded_by, worker.id);
        assert!(c.received_at >= record.created_at, "a contact names a child already recorded");
        let s = c.screening.as_ref().expect("decided");
        assert!(s.decision.opens_referral());
        assert_eq!(s.decided_by, manager.id);
        assert!(s.decided_at >= c.received_at && s.decided_at < now);
        let versions = tx.front_door_versions(&c.id.to_string()).await.unwrap();
        assert_eq!(versions.iter().map(|v| (v.version, v.changed_by)).collect::<Vec<_>>(), [(1, worker.id), (2, manager.id)]);
        for p in &c.family_members {
            assert_eq!(tx.person(*p).await.unwrap().expect("family member").details.kind, PersonKind::Adult);
        }
        // A re-referral only after the earlier episode closed.
        assert!(closed_before.is_none_or(|d| uk_local(c.received_at).date() > d), "contact during an earlier episode");

        // Its screening task: closed by the decision, in the worker's team tray.
        let screening = tx.tasks_of(TaskSubject::Contact(c.id)).await.unwrap();
        assert_eq!(screening.len(), 1);
        assert_eq!((screening[0].kind, screening[0].team, screening[0].assignee), (TaskKind::ScreeningDecision, worker.team, None));
        assert_eq!(screening[0].status, TaskStatus::Done { at: s.decided_at, by: manager.id });
        assert_eq!(screening[0].child, c.children[0]);
        door.tasks.extend(screening);

        // The referral, on the day of the decision; a re-referral when within a year of
        // an earlier one.
        assert_eq!((r.child, r.contact, r.source), (child, Some(c.id), c.source));
        assert_eq!(r.referral_date, uk_local(s.decided_at).date());
        r.validate(Some(uk_local(c.received_at).date()), today).unwrap();
        assert_eq!(r.re_referral, is_re_referral(r.referral_date, previous.iter().copied()));
        previous.push(r.referral_date);
        let episode = episodes.iter().find(|e| e.value.referral == r.id).expect("the referral's episode");
        let referral_tasks = tx.tasks_of(TaskSubject::Referral(r.id)).await.unwrap();
        assert!(referral_tasks.iter().any(|t| t.kind == TaskKind::SingleAssessment));
        for t in &referral_tasks {
            assert_eq!((t.child, t.team, t.assignee), (child, record.allocation.team, Some(worker.id)));
        }
        if !latest {
            let closure = episode.value.closure.as_ref().expect("an earlier episode is closed");
            closed_before = Some(closure.date);
        }
        if r.nfa {
            // Closed with no further action the day it was made: no assessment, nothing
            // left to do, the episode closed (RC8) that day.
            assert!(tx.assessment_of_referral(r.id).await.unwrap().is_none());
            assert_eq!(stored.version, 2);
            assert!(referral_tasks.iter().all(|t| !t.is_open()));
            let closure = episode.value.closure.as_ref().expect("closed");
            assert_eq!((closure.date, closure.reason), (r.referral_date, ClosureReason::NoFurtherAction));
            door.tasks.extend(referral_tasks);
            continue;
        }

        // One assessment: valid, its history a chain, every state saved as a version.
        let stored_a = tx.assessment_of_referral(r.id).await.unwrap().expect("an assessment");
        let a = &stored_a.value;
        assert_eq!((a.child, a.author, a.referral), (child, worker.id, r.id));
        a.validate(r.referral_date, today).unwrap_or_else(|e| panic!("assessment {}: {e}", a.id));
        assert!(a.start_date >= r.referral_date);
        assert!(a.child_seen.iter().all(|x| x.date <= today && x.date >= r.referral_date));
        let mut state = AssessmentState::Draft;
        let mut last = s.decided_at;
        for t in &a.history {
            assert_eq!(t.from, state);
            assert!(t.at >= last && t.at < now, "transitions in order and in the past");
            last = t.at;
            state = t.to;
            let by = if t.to == AssessmentState::Submitted { worker.id } else { manager.id };
            assert_eq!(t.by, by);
        }
        assert_eq!(state, a.state);
        let versions = tx.front_door_versions(&a.id.to_string()).await.unwrap();
        assert_eq!(versions.len() as i64, stored_a.version);
        assert!(versions.windows(2).all(|w| w[0].changed_at <= w[1].changed_at));
        if a.state != AssessmentState::Draft {
            assert!(a.readiness(r.referral_date, today).is_empty(), "submitted work was ready");
        }
        assert!(latest || a.state == AssessmentState::Authorised, "an earlier assessment was finished");
        match a.state {
            AssessmentState::Authorised => {
                let on = a.authorised_on.expect("authorised on");
                assert!(on <= today && on >= r.referral_date);
                assert!(r.primary_need.is_some(), "the primary need is recorded at the end");
                assert_eq!(stored.version, 2);
            }
            _ => {
                assert_eq!(a.authorised_on, None);
                assert_eq!(r.primary_need, None);
            }
        }

        // The referral's deadline tasks: open until authorised.
        for t in &referral_tasks {
            let done = match t.kind {
                TaskKind::ReferralResponse => true,
                TaskKind::ChildSeen => !a.child_seen.is_empty() || a.state == AssessmentState::Authorised,
                _ => a.state == AssessmentState::Authorised,
            };
            assert_eq!(!t.is_open(), done, "{:?} of a {:?} assessment", t.kind, a.state);
        }
        // One authorisation task per submission, for the line manager; open while submitted.
        let auth = tx.tasks_of(TaskSubject::Assessment(a.id)).await.unwrap();
        let submissions = a.history.iter().filter(|t| t.to == AssessmentState::Submitted).count();
        assert_eq!(auth.len(), submissions);
        for t in &auth {
            assert_eq!((t.kind, t.child, t.team, t.assignee), (TaskKind::AssessmentAuthorisation, child, worker.team, Some(manager.id)));
            if let TaskStatus::Done { by, .. } = t.status {
                assert_eq!(by, manager.id);
            }
        }
        assert_eq!(auth.iter().filter(|t| t.is_open()).count(), usize::from(a.state == AssessmentState::Submitted));
        door.states.push(a.state);
        door.tasks.extend(referral_tasks);
        door.tasks.extend(auth);
    }
    door
}

#[tokio::test]
async fn front_door_reads_back_and_tasks_match_each_state() {
    let db = TempDb::new("front-door").await;
    let store = Recording::new(db.store.clone());
    let summary = generate(&store, &opts(160, 7, FrontDoorOptions::default())).await.unwrap();
    let now = OffsetDateTime::now_utc();
    let today = uk_local(now).date();
    let written = std::mem::take(&mut *store.written.lock().unwrap());
    let mut tx = db.store.begin().await.unwrap();
    let users: HashMap<_, _> = tx.users().await.unwrap().into_iter().map(|u| (u.id, u)).collect();
    let kinds = kinds(tx.as_mut(), &written.persons).await;
    let children = children_of(tx.as_mut(), &written, &kinds).await;
    assert_eq!(children.len(), 160 + summary.closed_children);

    let mut states: HashMap<AssessmentState, usize> = HashMap::new();
    let mut all: Vec<Task> = Vec::new();
    let (mut referrals, mut earlier, mut visits) = (0, 0, 0);
    for &child in &children {
        let door = check_child(tx.as_mut(), child, &users, now).await;
        for state in door.states {
            *states.entry(state).or_default() += 1;
        }
        all.extend(door.tasks);
        referrals += door.referrals;
        // The child's episodes, with their tasks and statutory visits; every one before the
        // latest is over, and so is a pre-birth case whose birth is past.
        let episodes = tx.episodes_of(child).await.unwrap();
        let record = tx.person(child).await.unwrap().expect("child");
        let pre_birth = record.details.expected_date_of_birth.is_some_and(|due| record.details.is_unborn() && due < today);
        earlier += episodes.len() - 1 + usize::from(pre_birth);
        if pre_birth {
            assert!(episodes.iter().all(|e| e.value.closure.is_some()), "a pre-birth case closed before the birth");
        }
        for e in &episodes {
            all.extend(tx.tasks_of(TaskSubject::Episode(e.value.id)).await.unwrap());
        }
        let notes = tx.case_notes_of(child, false, 10_000, 0).await.unwrap();
        visits += notes.iter().filter(|n| n.details.note_type == hearth_domain::codes::CaseNoteType::StatutoryVisit).count();
    }
    all.sort_by_key(|t| t.id);
    all.dedup_by_key(|t| t.id);
    let contacts: HashSet<_> = all.iter().filter(|t| t.kind == TaskKind::ScreeningDecision).map(|t| t.subject).collect();

    // The summary counts what reads back.
    // Children in care have the care generator's visits and tasks as well.
    let open: Vec<_> = tx.open_tasks(&TaskQuery::all()).await.unwrap().into_iter().filter(|t| !matches!(t.subject, TaskSubject::CarePeriod(_))).collect();
    let visits = visits - summary.care.visits;
    let counted = FrontDoorSummary {
        contacts: contacts.len(),
        referrals,
        drafts: states.get(&AssessmentState::Draft).copied().unwrap_or(0),
        submitted: states.get(&AssessmentState::Submitted).copied().unwrap_or(0),
        returned: states.get(&AssessmentState::Returned).copied().unwrap_or(0),
        authorised: states.get(&AssessmentState::Authorised).copied().unwrap_or(0),
        open_tasks: open.len(),
        done_tasks: all.len() - open.len(),
        visits,
        earlier_episodes: earlier,
    };
    assert_eq!(summary.front_door, counted);
    assert_eq!(all.iter().filter(|t| t.is_open()).count(), open.len());
    // A mix: most authorised, and work in every other state.
    assert!(counted.authorised * 2 > children.len(), "{counted:?}");
    assert!(counted.drafts > 0 && counted.submitted > 0 && counted.returned > 0, "{counted:?}");
    assert!(counted.contacts < children.len(), "siblings come to the door together");
    assert!(counted.earlier_episodes > 0 && counted.referrals > children.len(), "some children came to the door before: {counted:?}");

    // Open work falls in every bucket across the LA.
    let buckets: HashSet<Bucket> = open.iter().map(|t| bucket(t.due, today)).collect();
    assert!(buckets.contains(&Bucket::Overdue) && buckets.contains(&Bucket::Later), "{buckets:?}");
    assert!(buckets.contains(&Bucket::DueThisWeek) || buckets.contains(&Bucket::DueToday), "{buckets:?}");

    // The demo accounts: sam.worker has open work, overdue and not; tara.manager has
    // assessments to authorise.
    let by_name = |n: &str| users.values().find(|u| u.username == n).unwrap().id;
    let (sam, tara) = (by_name("sam.worker"), by_name("tara.manager"));
    let mine = tx.open_tasks(&TaskQuery::among(&[sam], &[])).await.unwrap();
    assert!(mine.iter().any(|t| t.due < today), "{mine:?}");
    assert!(mine.iter().any(|t| t.due >= today), "{mine:?}");
    assert!(mine.iter().all(|t| t.kind != TaskKind::AssessmentAuthorisation));
    let hers = tx.open_tasks(&TaskQuery::among(&[tara], &[])).await.unwrap();
    assert!(hers.iter().filter(|t| t.kind == TaskKind::AssessmentAuthorisation).count() >= 2, "{hers:?}");
    let example = summary.example_child.0;
    assert!(tx.referrals_of(example).await.unwrap().len() == 1);
    tx.commit().await.unwrap();
}

/// Everything the front door holds about the children, as text, in a stable order.
async fn dump(store: &dyn Store) -> Vec<String> {
    let mut tx = store.begin().await.unwrap();
    let mut children: Vec<PersonId> = Vec::new();
    for u in tx.users().await.unwrap().into_iter().filter(|u| u.role == Role::SocialWorker) {
        // Each worker's own cases (a restricted one not naming them is not theirs to list).
        let own = hearth_domain::access::AccessScope { user: u.id, la_wide: false, relationship: true, workers: vec![u.id], teams: vec![] };
        children.extend(tx.children_of_worker(&own, time::OffsetDateTime::now_utc(), 10_000).await.unwrap().into_iter().map(|p| p.id));
    }
    children.sort();
    let mut out = Vec::new();
    for child in children {
        for c in tx.contacts_of(child).await.unwrap() {
            out.push(format!("{c:?}"));
            out.push(format!("{:?}", tx.tasks_of(TaskSubject::Contact(c.value.id)).await.unwrap()));
            out.push(format!("{:?}", tx.front_door_versions(&c.value.id.to_string()).await.unwrap()));
        }
        for r in tx.referrals_of(child).await.unwrap() {
            out.push(format!("{r:?}"));
            out.push(format!("{:?}", tx.tasks_of(TaskSubject::Referral(r.value.id)).await.unwrap()));
            if let Some(a) = tx.assessment_of_referral(r.value.id).await.unwrap() {
                out.push(format!("{a:?}"));
                out.push(format!("{:?}", tx.tasks_of(TaskSubject::Assessment(a.value.id)).await.unwrap()));
                out.push(format!("{:?}", tx.front_door_versions(&a.value.id.to_string()).await.unwrap()));
            }
        }
        for e in tx.episodes_of(child).await.unwrap() {
            out.push(format!("{e:?}"));
            out.push(format!("{:?}", tx.tasks_of(TaskSubject::Episode(e.value.id)).await.unwrap()));
        }
    }
    tx.commit().await.unwrap();
    out
}

#[tokio::test]
async fn same_seed_same_front_door() {
    let (a, b, c) = (TempDb::new("fd-a").await, TempDb::new("fd-b").await, TempDb::new("fd-c").await);
    let sa = generate(&a.store, &opts(60, 42, FrontDoorOptions::default())).await.unwrap();
    let sb = generate(&b.store, &opts(60, 42, FrontDoorOptions::default())).await.unwrap();
    generate(&c.store, &opts(60, 43, FrontDoorOptions::default())).await.unwrap();
    assert_eq!(sa.front_door, sb.front_door);
    let (da, db, dc) = (dump(&a.store).await, dump(&b.store).await, dump(&c.store).await);
    assert!(da.len() > 60 * 5);
    assert_eq!(da, db);
    assert_ne!(da, dc);
}

#[tokio::test]
async fn front_door_off_leaves_the_rest_unchanged() {
    let (on, off) = (TempDb::new("fd-on").await, TempDb::new("fd-off").await);
    let s_on = generate(&on.store, &opts(30, 5, FrontDoorOptions::default())).await.unwrap();
    let s_off = generate(&off.store, &opts(30, 5, FrontDoorOptions::off())).await.unwrap();
    assert_eq!(s_off.front_door, FrontDoorSummary::default());
    assert!(s_on.front_door.contacts > 0);
    // The same people with the same ids either way: the front door has a random stream of
    // its own.
    assert_eq!(s_on.example_child, s_off.example_child);
    assert_eq!((s_on.people, s_on.case_notes, s_on.relationships), (s_off.people, s_off.case_notes, s_off.relationships));
    let mut tx = off.store.begin().await.unwrap();
    assert!(tx.open_tasks(&TaskQuery::all()).await.unwrap().is_empty());
    assert!(tx.contacts_of(s_off.example_child.0).await.unwrap().is_empty());
    tx.commit().await.unwrap();
}

#[tokio::test]
async fn a_local_pack_gives_its_own_tasks() {
    let pack = Pack::national().with_layer(BATH_NE_SOMERSET_PACK).unwrap();
    let timescales = Arc::new(Timescales { pack: pack.clone(), calendar: Calendar::shipped() });
    let db = TempDb::new("fd-bath").await;
    let store = Recording::new(db.store.clone());
    generate(&store, &opts(80, 11, FrontDoorOptions { enabled: true, timescales: Some(timescales.clone()) })).await.unwrap();
    // The app under the same pack would put every deadline where it is.
    let config = hearth_app::AppConfig { timescales, ..Default::default() };
    let app = hearth_app::App::new(Arc::new(db.store.clone()), config, Arc::new(hearth_app::clock::SystemClock));
    assert!(app.recalculate_deadlines(false).await.unwrap().is_empty());
    let now = OffsetDateTime::now_utc();
    let today = uk_local(now).date();
    let written = std::mem::take(&mut *store.written.lock().unwrap());
    let mut tx = db.store.begin().await.unwrap();
    let users: HashMap<_, _> = tx.users().await.unwrap().into_iter().map(|u| (u.id, u)).collect();
    let kinds = kinds(tx.as_mut(), &written.persons).await;
    let mut seen_kinds = HashSet::new();
    for child in children_of(tx.as_mut(), &written, &kinds).await {
        let door = check_child(tx.as_mut(), child, &users, now).await;
        for t in &door.tasks {
            seen_kinds.insert(t.kind);
            assert_eq!((t.pack.as_str(), t.pack_version.as_str()), (pack.name.as_str(), pack.version.as_str()), "{:?}", t.kind);
        }
        // Work sent to a manager met the child-seen rule, as the app checks on submission.
        for r in tx.referrals_of(child).await.unwrap() {
            let r = r.value;
            let Some(a) = tx.assessment_of_referral(r.id).await.unwrap().map(|a| a.value) else { continue };
            if a.state != AssessmentState::Draft {
                let d = child_seen_deadline(&pack, &Calendar::shipped(), r.referral_date).unwrap().unwrap();
                let seen: Vec<_> = a.child_seen.iter().map(|s| s.date).collect();
                assert!(!child_seen_check(&pack, &d, &seen, a.not_seen_explanation.as_deref(), today).explanation_required);
            }
        }
    }
    for k in [TaskKind::ScreeningDecision, TaskKind::ReferralResponse, TaskKind::ChildSeen, TaskKind::InitialAssessment, TaskKind::CoreAssessment, TaskKind::SingleAssessment, TaskKind::AssessmentAuthorisation] {
        assert!(seen_kinds.contains(&k), "no {k:?} task");
    }
    tx.commit().await.unwrap();
}

async fn actor(store: &dyn Store, username: &str) -> hearth_app::Actor {
    let mut tx = store.begin().await.unwrap();
    let user = tx.user_by_username(username).await.unwrap().expect("user");
    let chain = tx.chain_below(user.id).await.unwrap();
    tx.commit().await.unwrap();
    let subject = hearth_domain::access::Subject::new(&user, &chain);
    hearth_app::Actor { user, subject }
}

/// The app takes generated work as its own: the trays show it, the deadlines are the ones
/// the pack in force gives, and a manager can authorise or return what was submitted.
#[tokio::test]
async fn the_app_works_on_generated_work() {
    use hearth_app::clock::Clock as _;
    use hearth_app::{App, AppConfig, SignOff};
    let db = TempDb::new("fd-app").await;
    generate(&db.store, &opts(100, 3, FrontDoorOptions::default())).await.unwrap();
    let store: Arc<dyn Store> = Arc::new(db.store.clone());
    // Four weeks on, so that some generated work is overdue whatever today's date: which work
    // falls due when depends on the day the data is generated.
    let later = hearth_app::clock::SystemClock.now() + time::Duration::days(28);
    let app = App::new(store.clone(), AppConfig::default(), Arc::new(hearth_app::clock::TestClock::new(later)));

    // Every stored deadline is the one the pack would give now.
    assert!(app.recalculate_deadlines(false).await.unwrap().is_empty());

    // Which worker has overdue work depends on today's date, so the tray is checked for
    // whoever the generated team has, not for a named worker.
    let sam = actor(store.as_ref(), "sam.worker").await;
    let mine = app.my_work(&sam).await.unwrap();
    let c = mine.tray.counts();
    assert!(c.overdue + c.due_today + c.due_this_week + c.later > 0, "{c:?}");
    let tray = &mine.tray;
    let held = [&tray.overdue, &tray.due_today, &tray.due_this_week, &tray.later];
    assert!(held.iter().flat_map(|b| b.iter()).all(|t| mine.children.contains_key(&t.child)), "sam sees the children of his tasks");

    let tara = actor(store.as_ref(), "tara.manager").await;
    let team = app.team_work(&tara, TeamWorkFilter::default()).await.unwrap();
    // The store's counts agree with the domain's tally of the tasks themselves, and each
    // worker's overdue list holds exactly their overdue tasks.
    let mut members = tara.subject.reports.clone();
    members.push(tara.user.id);
    let mut tx = store.begin().await.unwrap();
    let all = tx.open_tasks(&TaskQuery::among(&members, &tara.subject.teams)).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(team.counts, TeamCounts::from_tally(&tally(&all, team.today)));
    assert!(team.counts.counts.overdue > 0 && team.overdue.len() == team.counts.counts.overdue.min(TEAM_WORK_PER_PAGE as usize), "{:?}", team.counts);
    for (&worker, &n) in &team.counts.overdue_by_worker {
        let theirs = app.team_work(&tara, TeamWorkFilter { worker: Some(worker), page: 1, ..TeamWorkFilter::default() }).await.unwrap().overdue;
        assert_eq!(theirs.len(), n.min(TEAM_WORK_PER_PAGE as usize));
        assert!(theirs.iter().all(|t| t.assignee == worker && t.due < team.today));
    }
    let awaiting = &team.awaiting_authorisation;
    assert!(awaiting.len() >= 2, "{awaiting:?}");
    let ids: Vec<_> = awaiting
        .iter()
        .map(|t| match t.subject {
            TaskSubject::Assessment(id) => id,
            other => panic!("an authorisation task about {other:?}"),
        })
        .collect();

    // Each was sent by someone, and the worker's assessment task waits on the manager
    // meanwhile: not overdue for the worker, not counted for the team.
    assert!(awaiting.iter().all(|t| t.sent.is_some()), "{awaiting:?}");
    let open_assessment_tasks = |tasks: Vec<Task>| -> Vec<Task> {
        tasks.into_iter().filter(|t| t.is_open() && matches!(t.kind, TaskKind::InitialAssessment | TaskKind::CoreAssessment | TaskKind::SingleAssessment)).collect()
    };
    let mut tx = store.begin().await.unwrap();
    for id in &ids {
        let a = tx.assessment(*id).await.unwrap().unwrap().value;
        let waiting = open_assessment_tasks(tx.tasks_of(TaskSubject::Referral(a.referral)).await.unwrap());
        assert!(waiting.iter().all(|t| t.waiting.is_some()), "{waiting:?}");
    }
    tx.commit().await.unwrap();

    // Authorise one, return another, as tara.
    let page = app.assessment_page(&tara, ids[0]).await.unwrap();
    assert!(page.can_sign_off && page.readiness.is_empty());
    let today = uk_local(app.now()).date();
    app.sign_off(&tara, ids[0], page.assessment.version, SignOff::Authorise { on: today, comment: None }).await.unwrap();
    let mut tx = store.begin().await.unwrap();
    assert!(tx.tasks_of(TaskSubject::Assessment(ids[0])).await.unwrap().iter().all(|t| !t.is_open()));
    let referral = page.referral.id;
    let open: Vec<_> = tx.tasks_of(TaskSubject::Referral(referral)).await.unwrap().into_iter().filter(Task::is_open).collect();
    assert!(open.is_empty(), "{open:?}");
    tx.commit().await.unwrap();
    let page = app.assessment_page(&tara, ids[1]).await.unwrap();
    app.sign_off(&tara, ids[1], page.assessment.version, SignOff::Return { comment: "Add the school's view".into() }).await.unwrap();
    // Returned: the worker holds it again.
    let mut tx = store.begin().await.unwrap();
    let back = open_assessment_tasks(tx.tasks_of(TaskSubject::Referral(page.referral.id)).await.unwrap());
    assert!(!back.is_empty() && back.iter().all(|t| t.waiting.is_none()), "{back:?}");
    tx.commit().await.unwrap();
    assert_eq!(app.team_work(&tara, TeamWorkFilter::default()).await.unwrap().awaiting_authorisation.len(), awaiting.len() - 2);
}
