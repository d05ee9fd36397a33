//! The matrix's world: three teams, the ten actors signed in (web sessions and API tokens),
//! and four records with everything their routes need, built once per test process through
//! the app's own use cases (the store directly only where no use case can: the users'
//! password hash, the restriction list, a referral from before episodes, the expired grants,
//! the administrator's authenticator and the tokens of roles that may not use the API).
//! Writes are asked in copies of it ([`World::fork`]).
use axum::body::Body;
use axum::http::{header, Request};
use axum::Router;
use hearth_app::clock::TestClock;
use hearth_app::{Actor, App, AppConfig, AssessmentContent, NewAccount, NewContact, NewDecision, NewRelationship, SignOff};
use hearth_app::{CareChange, NewCare};
use hearth_domain::access::Subject;
use hearth_domain::care::codes::{CategoryOfNeed, LegalStatus, PlacementProvider, PlacementType, ReasonEpisodeCeased};
use hearth_domain::care::episodes::Ending;
use hearth_domain::care::postcode::Postcode;
use hearth_domain::care::provider::{Provider, ProviderId, ProviderKind};
use hearth_domain::care::CarePeriodId;
use hearth_domain::care::decision::CareDecisionId;
use hearth_domain::case_note::CaseNoteDetails;
use hearth_domain::cin::change::Change;
use hearth_domain::cin::codes::{AbuseCategory, EnquiryOutcome, StrategyDecision};
use hearth_domain::cin::episode::{InitialDecision, MeetingDetails, Participant};
use hearth_domain::cin::EpisodeId;
use hearth_domain::codes::{CaseNoteType, Coded};
use hearth_domain::front_door::assessment::ChildSeen;
use hearth_domain::front_door::codes::{AssessmentFactor, AssessmentOutcome, ReferralSource, ScreeningDecision};
use hearth_domain::front_door::contact::{Consent, Referrer};
use hearth_domain::front_door::referral::Referral;
use hearth_domain::front_door::{AssessmentId, ContactId, ReferralId};
use hearth_domain::identifiers::{NhsNumber, Upn};
use hearth_domain::person::{ChangeMeta, PersonDetails, PersonKind};
use hearth_domain::relationship::RelationshipType;
use hearth_domain::user::{Role, UserRecord};
use hearth_domain::{ApiTokenId, BreakGlassId, CaseNoteId, PersonId, RelationshipId, TeamId};
use hearth_store::BreakGlassGrant;
use hearth_store_sql::SqlStore;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use time::macros::{date, datetime};
use time::{Date, Duration, OffsetDateTime};
use tower::ServiceExt;

pub const PASSWORD: &str = "correct horse battery";
/// The records are made on Tuesday 5 May 2026 (the day after the early May bank holiday)…
pub const RECORDED: OffsetDateTime = datetime!(2026-05-05 09:00 UTC);
/// …everyone signs in nine days later…
pub const SIGNED_IN: OffsetDateTime = datetime!(2026-05-14 09:55 UTC);
/// …and the matrix is asked five minutes after that: a later authenticator time step than
/// the administrator's sign-in (a code is accepted once), sessions still fresh.
pub const ASKED: OffsetDateTime = datetime!(2026-05-14 10:00 UTC);
/// Today in England when the matrix is asked.
pub const TODAY: Date = date!(2026 - 05 - 14);
/// A working day after `TODAY`, for the duty rota.
pub const ROTA_DAY: Date = date!(2026 - 05 - 15);

/// The restricted child: names and identifiers no one off the access list may ever be shown.
pub const HIDDEN_GIVEN: &str = "Zephyrine";
pub const HIDDEN_FAMILY: &str = "Quillfeather";
pub const HIDDEN_NHS: &str = "4857773643";
pub const HIDDEN_UPN: &str = "Y800210217940";

/// The actors, in the table's order.
pub const ACTORS: [&str; 12] = [
    "worker_team",
    "worker_other",
    "team_manager",
    "service_manager",
    "business_support",
    "reviewing_officer",
    "auditor",
    "administrator",
    "list_user",
    "break_glass",
    "glass_expired",
    "anonymous",
];

/// The records, in the table's order.
pub const RECORDS: [&str; 4] = ["allocated", "other", "restricted", "unknown"];

/// Someone asking: their account, their signed-in session (cookie token and CSRF token) and
/// their API token. The anonymous visitor has none of these.
pub struct Who {
    pub key: &'static str,
    pub user: Option<UserRecord>,
    pub session: Option<(String, String)>,
    pub token: Option<String>,
    /// The authenticator secret Hearth proposed to the session ("Your account"), which a
    /// code for a new app is checked against.
    pub proposed_totp: Option<String>,
}

/// One record and the things its routes are about. For the unknown record every id is a
/// fresh UUIDv7 that names nothing.
#[derive(Clone)]
pub struct Rec {
    pub key: &'static str,
    pub person: PersonId,
    pub details: PersonDetails,
    pub person_version: i64,
    pub team: Option<TeamId>,
    pub note: CaseNoteId,
    /// A relationship of the record's (its parent, or for the restricted child its sibling).
    pub rel: RelationshipId,
    /// A contact about the child still waiting for its decision.
    pub contact: ContactId,
    /// A referral with its episode and a draft assessment (`assessment`), ready to submit.
    pub referral: ReferralId,
    pub referral_version: i64,
    pub assessment: AssessmentId,
    pub assessment_version: i64,
    pub episode: EpisodeId,
    pub episode_version: i64,
    /// A second referral whose assessment waits for a manager's authorisation.
    pub submitted: AssessmentId,
    pub submitted_version: i64,
    /// A referral recorded before episodes were: no episode and no assessment yet.
    pub legacy_referral: ReferralId,
    /// An adult recorded by whoever works with the child, not yet linked to them.
    pub unlinked: PersonId,
    /// A period of care that ended (so care can begin again today).
    pub care_period: CarePeriodId,
    /// A proposal that the child come into care, waiting for a manager.
    pub care_decision: CareDecisionId,
    /// A referral to a service, waiting for its outcome.
    pub service_referral: hearth_domain::services::ServiceReferralId,
}

pub struct World {
    pub router: Router,
    pub db: PathBuf,
    /// The world as built, copied for each write ([`World::fork`]).
    pub template: PathBuf,
    pub who: Vec<Who>,
    pub recs: Vec<Rec>,
    pub team_a: TeamId,
    /// A foster household the records' children were placed with.
    pub provider: ProviderId,
    /// The anonymous visitor's pre-session CSRF cookie (`name=value`) and token.
    pub anon_csrf: (String, String),
    pub admin_secret: String,
    /// An API token of the worker in the team, for `/account/tokens/{id}/revoke`.
    pub worker_token_id: ApiTokenId,
    pub config: hearth_web::WebConfig,
}

impl Drop for World {
    fn drop(&mut self) {
        remove_db(&self.db);
        let _ = std::fs::remove_file(&self.template);
    }
}

pub fn remove_db(db: &Path) {
    for ext in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{ext}", db.display()));
    }
}

/// Where the databases go: memory-backed when the machine has it (every write is a
/// synchronous commit), else the temporary directory.
fn scratch_dir() -> PathBuf {
    let shm = PathBuf::from("/dev/shm");
    if shm.is_dir() && std::fs::metadata(&shm).is_ok_and(|m| !m.permissions().readonly()) { shm } else { std::env::temp_dir() }
}

pub fn scratch_db(what: &str) -> PathBuf {
    scratch_dir().join(format!("hearth-matrix-{what}-{}.db", uuid::Uuid::now_v7()))
}

pub fn web_config() -> hearth_web::WebConfig {
    // An LA number, so that the census download is a real listing rather than a refusal.
    hearth_web::WebConfig { la_number: Some("999".into()), ..hearth_web::WebConfig::default() }
}

/// A copy of the world for one (route, actor) pair of writes.
pub struct Fork {
    pub router: Router,
    db: PathBuf,
    store: SqlStore,
}

impl Fork {
    /// Closes the copy's connection; dropping it removes its files.
    pub async fn close(self) {
        self.store.close().await;
    }
}

impl Drop for Fork {
    fn drop(&mut self) {
        remove_db(&self.db);
    }
}

impl World {
    pub fn who(&self, key: &str) -> &Who {
        self.who.iter().find(|w| w.key == key).unwrap_or_else(|| panic!("no actor {key}"))
    }

    pub fn rec(&self, key: &str) -> &Rec {
        self.recs.iter().find(|r| r.key == key).unwrap_or_else(|| panic!("no record {key}"))
    }

    pub fn user(&self, key: &str) -> &UserRecord {
        self.who(key).user.as_ref().unwrap_or_else(|| panic!("{key} has no account"))
    }

    /// A fresh copy of the world as built, on a clock at `ASKED`.
    pub async fn fork(&self) -> Fork {
        let db = scratch_db("fork");
        std::fs::copy(&self.template, &db).expect("copy the world");
        let store = SqlStore::connect(&format!("sqlite://{}", db.display())).await.expect("open the copy");
        let app = App::new(Arc::new(store.clone()), AppConfig::default(), Arc::new(TestClock::new(ASKED)));
        Fork { router: hearth_web::router(app, self.config.clone()), db, store }
    }
}

/// Everything the builder needs as it goes.
struct Build {
    app: App,
    clock: Arc<TestClock>,
    users: Vec<(&'static str, UserRecord)>,
}

impl Build {
    fn user(&self, key: &str) -> &UserRecord {
        &self.users.iter().find(|(k, _)| *k == key).unwrap_or_else(|| panic!("no user {key}")).1
    }

    fn actor(&self, key: &str) -> Actor {
        let all: Vec<UserRecord> = self.users.iter().map(|(_, u)| u.clone()).collect();
        let user = self.user(key).clone();
        Actor { subject: Subject::from_users(&user, &all), user }
    }

    fn set_clock(&self, at: OffsetDateTime) {
        use hearth_app::clock::Clock;
        let now = self.clock.now();
        assert!(at >= now, "the clock only moves forward");
        self.clock.advance(at - now);
    }
}

pub async fn build() -> World {
    let db = scratch_db("world");
    let store = SqlStore::connect(&format!("sqlite://{}", db.display())).await.unwrap();
    store.migrate().await.unwrap();
    let clock = Arc::new(TestClock::new(RECORDED));
    let app = App::new(Arc::new(store.clone()), AppConfig::default(), clock.clone());
    let mut b = Build { app: app.clone(), clock, users: Vec::new() };
    let teams = make_teams(&b).await;
    make_users(&mut b, teams).await;
    let (tokens, worker_token_id) = api_tokens(&b).await;
    let provider = b.app.add_provider(&b.actor("team_manager"), foster_household()).await.unwrap();
    let recs = make_records(&b, teams, provider).await;
    b.set_clock(SIGNED_IN);
    grant_break_glass(&b, &recs).await;
    let admin_secret = give_admin_an_authenticator(&b).await;
    let config = web_config();
    let router = hearth_web::router(app.clone(), config.clone());
    let anon_csrf = anonymous_csrf(&router).await;
    let mut who = Vec::new();
    for key in ACTORS {
        let user = b.users.iter().find(|(k, _)| *k == key).map(|(_, u)| u.clone());
        let signed = match &user {
            Some(u) => Some(sign_in(&b, u, &admin_secret).await),
            None => None,
        };
        let token = tokens.iter().find(|(k, _)| *k == key).map(|(_, t)| t.clone());
        let (session, proposed_totp) = match signed {
            Some((s, proposed)) => (Some((s.token, s.session.csrf_token)), Some(proposed)),
            None => (None, None),
        };
        who.push(Who { key, user, session, token, proposed_totp });
    }
    b.set_clock(ASKED);
    // A consistent single-file copy of the database (WAL included) to fork writes from.
    let template = scratch_db("template");
    store.execute_unchecked_for_tests(&format!("VACUUM INTO '{}'", template.display())).await.unwrap();
    World { router, db, template, who, recs, team_a: teams.0, provider, anon_csrf, admin_secret, worker_token_id, config }
}

async fn make_teams(b: &Build) -> (TeamId, TeamId, TeamId) {
    let a = b.app.add_team(None, "Team A").await.unwrap().id;
    let bb = b.app.add_team(None, "Team B").await.unwrap().id;
    let c = b.app.add_team(None, "Team C").await.unwrap().id;
    (a, bb, c)
}

/// An argon2id hash of `PASSWORD` with the smallest parameters (8 KiB, one pass). Signing
/// in checks it exactly as any other hash (the parameters are stored with it) but in a
/// millisecond, where the app's own parameters take most of a second in a debug build: the
/// matrix signs in, and checks passwords, a hundred times.
const CHEAP_HASH: &str = "$argon2id$v=19$m=8,t=1,p=1$AlvPTwBmoXXh5XCiZcMKIw$qtz1SA/h/827FVybietO7atI/slM8m7mcA1IKfGLG7g";

/// The users, made by the app without a password (as an administrator makes them), then
/// given `CHEAP_HASH`.
async fn make_users(b: &mut Build, (a, bb, c): (TeamId, TeamId, TeamId)) {
    // (key, name, role, team, line manager's key)
    type Planned = (&'static str, &'static str, Role, Option<TeamId>, Option<&'static str>);
    let plan: [Planned; 11] = [
        ("service_manager", "Sol Service", Role::ServiceManager, None, None),
        ("team_manager", "Tara Manager", Role::TeamManager, Some(a), Some("service_manager")),
        ("worker_team", "Wren Worker", Role::SocialWorker, Some(a), Some("team_manager")),
        ("business_support", "Bo Support", Role::BusinessSupport, Some(a), Some("team_manager")),
        ("reviewing_officer", "Ira Reviewer", Role::ReviewingOfficer, None, Some("service_manager")),
        ("worker_other", "Otto Other", Role::SocialWorker, Some(bb), None),
        ("list_user", "Lin Listed", Role::SocialWorker, Some(c), None),
        ("break_glass", "Bryn Glass", Role::SocialWorker, Some(c), None),
        ("glass_expired", "Gale Expired", Role::SocialWorker, Some(c), None),
        ("auditor", "Aud Itor", Role::Auditor, None, None),
        ("administrator", "Ada Admin", Role::Administrator, None, None),
    ];
    for (key, name, role, team, manager) in plan {
        let manager = manager.map(|m| b.user(m).id);
        let new = NewAccount { username: key.into(), display_name: name.into(), role, team, manager };
        let mut user = b.app.create_account(None, new).await.unwrap().user;
        user.password_hash = CHEAP_HASH.into();
        let mut tx = b.app.store.begin().await.unwrap();
        tx.update_user(&user).await.unwrap();
        tx.commit().await.unwrap();
        b.users.push((key, user));
    }
}

/// API tokens: made by the app for roles that may use the API, stored directly for the
/// auditor and the administrator (the app refuses them one) to show the API refuses them.
async fn api_tokens(b: &Build) -> (Vec<(&'static str, String)>, ApiTokenId) {
    let mut out = Vec::new();
    let mut worker_token = None;
    for (key, user) in &b.users {
        let token = if matches!(user.role, Role::Auditor | Role::Administrator) {
            let token = format!("hearth_smuggled_{key}");
            let rec = hearth_store::ApiTokenRecord {
                id: ApiTokenId::new(),
                user: user.id,
                name: "smuggled".into(),
                token_hash: hearth_app::auth::sha256_hex(&token),
                created_at: b.app.now(),
                last_used_at: None,
                revoked_at: None,
            };
            let mut tx = b.app.store.begin().await.unwrap();
            tx.insert_api_token(&rec).await.unwrap();
            tx.commit().await.unwrap();
            token
        } else {
            let (rec, token) = b.app.create_api_token(&b.actor(key), "matrix").await.unwrap();
            if *key == "worker_team" {
                worker_token = Some(rec.id);
            }
            token
        };
        out.push((*key, token));
    }
    (out, worker_token.expect("the worker has a token"))
}

fn child(given: &str, family: &str) -> PersonDetails {
    PersonDetails { date_of_birth: Some(date!(2016 - 03 - 09)), ..PersonDetails::named(PersonKind::Child, given, family) }
}

fn adult(given: &str, family: &str) -> PersonDetails {
    PersonDetails { date_of_birth: Some(date!(1985 - 07 - 01)), ..PersonDetails::named(PersonKind::Adult, given, family) }
}

/// The four records. The restricted child is made an ordinary case of the worker in the
/// team first (the allocated child's sibling, named on their contact, with referrals, an
/// episode with a child protection plan, a submitted assessment and tasks in the worker's
/// tray), so that every list that would show it without the access filter does; then it is
/// restricted to the list user, who records what its routes need.
async fn make_records(b: &Build, (a, bb, _c): (TeamId, TeamId, TeamId), provider: ProviderId) -> Vec<Rec> {
    let mut hidden = child(HIDDEN_GIVEN, HIDDEN_FAMILY);
    hidden.nhs_number = Some(NhsNumber::parse(HIDDEN_NHS).unwrap());
    hidden.upn = Some(Upn::parse(HIDDEN_UPN).unwrap());
    let restricted = b.app.create_person(&b.actor("worker_team"), hidden.clone()).await.unwrap().id;
    // The allocated child's waiting contact names their sibling among the family.
    let allocated = person_with_casework(b, child("Alfie", "Brook"), ("worker_team", "team_manager"), Some(a), &[restricted], provider).await;
    let other = person_with_casework(b, child("Olive", "Marsh"), ("worker_other", "service_manager"), Some(bb), &[], provider).await;
    let sibling = NewRelationship { role: RelationshipType::Sibling, other: restricted, started: Some(date!(2016 - 03 - 09)), note: None, household: Default::default() };
    let rel = b.app.add_relationship(&b.actor("worker_team"), allocated.person, sibling).await.unwrap().id;
    let (referral, episode) = referred(b, restricted, ("worker_team", "team_manager"), &[]).await;
    let (second, _) = referred(b, restricted, ("worker_team", "team_manager"), &[]).await;
    child_protection_plan(b, episode, "worker_team").await;
    restrict(b, restricted, "list_user").await;
    // What the list user records from now on; only they can.
    let lin = "list_user";
    let note = note(b, restricted, lin).await;
    let contact = contact(b, restricted, lin, &[]).await;
    let (assessment, assessment_version) = draft_assessment(b, referral, lin).await;
    let submitted = submitted_assessment(b, second, lin).await;
    let unlinked = b.app.create_person(&b.actor(lin), adult("Ula", "Unlinked")).await.unwrap().id;
    let restricted = Rec {
        key: "restricted",
        person: restricted,
        details: hidden,
        person_version: person_version(b, restricted).await,
        team: Some(a),
        note,
        rel,
        contact,
        referral,
        referral_version: referral_version(b, referral).await,
        assessment,
        assessment_version,
        episode,
        episode_version: episode_version(b, episode).await,
        submitted: submitted.0,
        submitted_version: submitted.1,
        legacy_referral: legacy_referral(b, restricted).await,
        unlinked,
        care_period: care_period(b, restricted, lin, provider).await,
        care_decision: proposal(b, restricted, lin).await,
        service_referral: service_referral(b, restricted, lin).await,
    };
    rota_entry(b, a).await;
    let unknown = Rec {
        key: "unknown",
        person: PersonId::new(),
        details: child("Nobody", "Known"),
        person_version: 1,
        team: Some(a),
        note: CaseNoteId::new(),
        rel: RelationshipId::new(),
        contact: ContactId::new(),
        referral: ReferralId::new(),
        referral_version: 1,
        assessment: AssessmentId::new(),
        assessment_version: 2,
        episode: EpisodeId::new(),
        episode_version: 1,
        submitted: AssessmentId::new(),
        submitted_version: 3,
        legacy_referral: ReferralId::new(),
        unlinked: PersonId::new(),
        care_period: CarePeriodId::new(),
        care_decision: CareDecisionId::new(),
        service_referral: hearth_domain::services::ServiceReferralId::new(),
    };
    vec![allocated, other, restricted, unknown]
}

/// A child recorded by `worker` (allocated to them and their team) with a parent, a case
/// note, a contact waiting for its decision, a referral (decided by `manager`) with its
/// episode and a draft assessment, a second referral with an assessment submitted, a referral
/// from before episodes and an adult not yet linked to the child.
async fn person_with_casework(b: &Build, details: PersonDetails, (worker, manager): (&str, &str), team: Option<TeamId>, contact_family: &[PersonId], provider: ProviderId) -> Rec {
    let w = b.actor(worker);
    let person = b.app.create_person(&w, details.clone()).await.unwrap().id;
    let parent = adult("Pat", &details.family_name);
    b.app.add_related_person(&w, person, parent, RelationshipType::Parent, Some(date!(2016 - 03 - 09)), None, Default::default()).await.unwrap();
    let rel = b.app.family(&w, person).await.unwrap().into_iter().find(|m| m.role == RelationshipType::Parent).unwrap().relationship.id;
    let note = note(b, person, worker).await;
    let contact = contact(b, person, worker, contact_family).await;
    let (referral, episode) = referred(b, person, (worker, manager), &[]).await;
    let (assessment, assessment_version) = draft_assessment(b, referral, worker).await;
    let (second, _) = referred(b, person, (worker, manager), &[]).await;
    let submitted = submitted_assessment(b, second, worker).await;
    let unlinked = b.app.create_person(&w, adult("Una", &format!("{}-Neighbour", details.family_name))).await.unwrap().id;
    Rec {
        key: if worker == "worker_team" { "allocated" } else { "other" },
        person,
        details,
        person_version: person_version(b, person).await,
        team,
        note,
        rel,
        contact,
        referral,
        referral_version: referral_version(b, referral).await,
        assessment,
        assessment_version,
        episode,
        episode_version: episode_version(b, episode).await,
        submitted: submitted.0,
        submitted_version: submitted.1,
        legacy_referral: legacy_referral(b, person).await,
        unlinked,
        care_period: care_period(b, person, worker, provider).await,
        care_decision: proposal(b, person, worker).await,
        service_referral: service_referral(b, person, worker).await,
    }
}

fn foster_household() -> Provider {
    Provider {
        id: ProviderId::new(),
        name: "The Fern household".into(),
        kind: ProviderKind::FosterHousehold,
        provider: PlacementProvider::OwnProvision,
        urn: None,
        address: vec!["2 Fern Road".into()],
        postcode: Some(Postcode::parse("TW2 5AB").unwrap()),
        places: Some(3),
        closed: false,
        monitoring_visits: Vec::new(),
    }
}

/// A short period of care under section 20 that ended with a planned return home.
async fn care_period(b: &Build, child: PersonId, by: &str, provider: ProviderId) -> CarePeriodId {
    let new = NewCare { start: date!(2025 - 01 - 06), start_time: None, legal_status: LegalStatus::Section20, need: CategoryOfNeed::FamilyInAcuteStress, home_postcode: None, kind: PlacementType::FosterOther, provider };
    let id = b.app.start_care(&b.actor(by), child, new).await.unwrap();
    let end = CareChange::End(Ending { on: date!(2025 - 06 - 30), reason: ReasonEpisodeCeased::HomePlanned });
    b.app.change_care(&b.actor(by), id, 1, end).await.unwrap();
    id
}

/// A referral to a service open to anyone, made today.
async fn service_referral(b: &Build, child: PersonId, by: &str) -> hearth_domain::services::ServiceReferralId {
    let new = hearth_app::NewServiceReferral { service: "therapeutic-counselling".into(), on: b.app.today(), reason: "Support after abuse".into() };
    b.app.refer_to_service(&b.actor(by), child, new).await.unwrap()
}

async fn proposal(b: &Build, child: PersonId, by: &str) -> CareDecisionId {
    let p = hearth_app::CareProposal { route: hearth_domain::care::decision::CareRoute::Accommodation, reasons: "Parents cannot care for the child".into(), planned_start: None };
    b.app.propose_care(&b.actor(by), child, p).await.unwrap()
}

async fn note(b: &Build, person: PersonId, by: &str) -> CaseNoteId {
    let details = CaseNoteDetails { statutory_visit: false, also_for: Vec::new(),
        occurred_at: time::PrimitiveDateTime::new(date!(2026 - 05 - 05), time::macros::time!(08:30)),
        note_type: CaseNoteType::HomeVisit,
        child_seen: true,
        seen_alone: true,
        significant: true,
        text: "Visited at home; the child showed me their room.".into(),
    };
    b.app.add_case_note(&b.actor(by), person, details).await.unwrap().id
}

fn new_contact(children: Vec<PersonId>, family: Vec<PersonId>) -> NewContact {
    NewContact {
        received_at: datetime!(2026-05-05 08:00 UTC),
        source: ReferralSource::School,
        referrer: Referrer { name: "A. Teacher".into(), agency: Some("Widcombe Primary".into()), ..Referrer::default() },
        reason: "Bruising seen on the arm.".into(),
        consent: Consent::NotRequired { reason: "Asking would put the child at risk".into() },
        children,
        family_members: family,
    }
}

async fn contact(b: &Build, child: PersonId, by: &str, family: &[PersonId]) -> ContactId {
    b.app.record_contact(&b.actor(by), new_contact(vec![child], family.to_vec())).await.unwrap()
}

/// A contact about `child` (naming `family`) decided as a referral by `manager`: the
/// referral and the episode it opened.
async fn referred(b: &Build, child: PersonId, (worker, manager): (&str, &str), family: &[PersonId]) -> (ReferralId, EpisodeId) {
    let contact = contact(b, child, worker, family).await;
    let decision = NewDecision { decision: ScreeningDecision::Referral, decided_at: datetime!(2026-05-05 08:30 UTC), rationale: "Threshold met".into() };
    let referral = b.app.decide_contact(&b.actor(manager), contact, 1, decision).await.unwrap()[0];
    let mut tx = b.app.store.begin().await.unwrap();
    let episode = tx.episode_of_referral(referral).await.unwrap().expect("a referral opens its episode").value.id;
    tx.commit().await.unwrap();
    (referral, episode)
}

fn ready_content() -> AssessmentContent {
    AssessmentContent {
        start_date: Some(date!(2026 - 05 - 05)),
        child_seen: vec![ChildSeen { date: date!(2026 - 05 - 05), seen_alone: true }],
        not_seen_explanation: None,
        factors: vec![AssessmentFactor::DomesticAbuseChild],
        outcome: Some(AssessmentOutcome::ChildInNeedPlan),
        primary_need: Some(hearth_domain::front_door::codes::PrimaryNeed::AbuseOrNeglect),
        substance: hearth_domain::front_door::assessment::Substance {
            child_voice: Some("Says home is noisy at night".into()),
            parents_views: Some("Mum wants support".into()),
            analysis: Some("Needs met with support".into()),
            recommendation: Some("Child in need plan".into()),
        },
    }
}

/// An assessment of `referral` started by `by`, filled in and ready to submit: its id and
/// version.
async fn draft_assessment(b: &Build, referral: ReferralId, by: &str) -> (AssessmentId, i64) {
    let a = b.app.start_assessment(&b.actor(by), referral, date!(2026 - 05 - 05)).await.unwrap();
    b.app.save_assessment(&b.actor(by), a, 1, ready_content()).await.unwrap();
    (a, 2)
}

/// An assessment of `referral` written and submitted by `by`: its id and version.
async fn submitted_assessment(b: &Build, referral: ReferralId, by: &str) -> (AssessmentId, i64) {
    let (a, v) = draft_assessment(b, referral, by).await;
    b.app.sign_off(&b.actor(by), a, v, SignOff::Submit).await.unwrap();
    (a, v + 1)
}

async fn person_version(b: &Build, id: PersonId) -> i64 {
    let mut tx = b.app.store.begin().await.unwrap();
    let v = tx.person(id).await.unwrap().unwrap().version;
    tx.commit().await.unwrap();
    v
}

async fn referral_version(b: &Build, id: ReferralId) -> i64 {
    let mut tx = b.app.store.begin().await.unwrap();
    let v = tx.referral(id).await.unwrap().unwrap().version;
    tx.commit().await.unwrap();
    v
}

async fn episode_version(b: &Build, id: EpisodeId) -> i64 {
    let mut tx = b.app.store.begin().await.unwrap();
    let v = tx.episode(id).await.unwrap().unwrap().version;
    tx.commit().await.unwrap();
    v
}

/// A referral as a previous system recorded it, before Hearth recorded episodes: stored
/// directly, since every referral Hearth makes opens its episode at once.
async fn legacy_referral(b: &Build, child: PersonId) -> ReferralId {
    let r = Referral {
        id: ReferralId::new(),
        child,
        contact: None,
        referral_date: date!(2026 - 05 - 01),
        source: ReferralSource::Police,
        primary_need: None,
        nfa: false,
        re_referral: false,
    };
    let meta = ChangeMeta { by: b.user("worker_team").id, at: b.app.now(), reason: None };
    let mut tx = b.app.store.begin().await.unwrap();
    tx.insert_referral(&r, &meta).await.unwrap();
    tx.commit().await.unwrap();
    r.id
}

fn participants() -> Vec<Participant> {
    vec![
        Participant { name: "Wren Worker".into(), agency: "Children's social care".into(), role: "Social worker".into() },
        Participant { name: "DS Khan".into(), agency: "Police".into(), role: "Detective sergeant".into() },
    ]
}

/// Strategy discussion, section 47 enquiry, initial conference: the child is on a plan, so
/// the managers' child protection dashboard would show them.
async fn child_protection_plan(b: &Build, episode: EpisodeId, by: &str) {
    let w = b.actor(by);
    let change = |v: i64, c: Change| {
        let (app, w) = (b.app.clone(), w.clone());
        async move { app.change_episode(&w, episode, v, c).await.unwrap() }
    };
    let v = episode_version(b, episode).await;
    let held_at = Some(datetime!(2026-05-05 08:45 UTC));
    let sd = change(v, Change::StrategyDiscussion { held_at, participants: participants(), information: "Bruising".into(), decision: Some(StrategyDecision::Section47), action_notes: String::new() })
        .await
        .step
        .unwrap();
    let q = change(v + 1, Change::StartEnquiry { strategy: Some(sd), start: Some(date!(2026 - 05 - 05)) }).await.step.unwrap();
    change(v + 2, Change::ConcludeEnquiry { enquiry: q, outcome: Some(EnquiryOutcome::ConferenceRequired), date: Some(date!(2026 - 05 - 05)) }).await;
    let meeting = MeetingDetails { date: Some(date!(2026 - 05 - 05)), participants: participants(), notes: "Plan agreed".into() };
    let made = change(v + 3, Change::InitialConference { enquiry: q, meeting, decision: Some(InitialDecision::Plan { category: AbuseCategory::Neglect }) }).await;
    assert!(made.plan.is_some(), "the conference made a plan");
}

/// Restricts the record to `only`, through the store (nobody who may restrict records is on
/// the list, and the app asks its user to put themselves on it).
async fn restrict(b: &Build, person: PersonId, only: &str) {
    let list = vec![b.user(only).id];
    let meta = ChangeMeta { by: b.user("team_manager").id, at: b.app.now(), reason: Some("Sealed by court order".into()) };
    let mut tx = b.app.store.begin().await.unwrap();
    let mut p = tx.person(person).await.unwrap().unwrap();
    let v = p.version;
    p.restricted = true;
    tx.update_person(&p, v, &meta).await.unwrap();
    tx.set_access_list(person, &list).await.unwrap();
    tx.commit().await.unwrap();
}

/// The worker in the team on duty on the morning of `ROTA_DAY`, for `/rota/remove`.
async fn rota_entry(b: &Build, team: TeamId) {
    let change = hearth_app::RotaChange {
        team,
        session: hearth_domain::front_door::rota::Session { date: ROTA_DAY, half: hearth_domain::front_door::rota::HalfDay::Am },
        worker: b.user("worker_team").id,
    };
    b.app.add_to_rota(&b.actor("team_manager"), change).await.unwrap();
}

/// An active grant on the allocated record for the break-glass holder, made through the
/// app; expired ones (two days ago) for the other holder on the allocated record and on the
/// restricted child, the latter from before it was restricted: the team's break-glass alerts
/// would name the child without the access filter.
async fn grant_break_glass(b: &Build, recs: &[Rec]) {
    let allocated = recs.iter().find(|r| r.key == "allocated").unwrap().person;
    let restricted = recs.iter().find(|r| r.key == "restricted").unwrap().person;
    b.app.break_glass(&b.actor("break_glass"), allocated, "Police called out of hours about this child").await.unwrap();
    let holder = b.user("glass_expired").clone();
    let team = recs[0].team;
    let worker = b.user("worker_team").id;
    for person in [allocated, restricted] {
        let granted_at = SIGNED_IN - Duration::days(2);
        let grant = BreakGlassGrant {
            id: BreakGlassId::new(),
            user: holder.id,
            person,
            reason: "Police called out of hours about this child".into(),
            granted_at,
            expires_at: granted_at + Duration::hours(1),
            user_name: holder.display_name.clone(),
            person_name: String::new(),
            person_team: team,
            person_worker: Some(worker),
        };
        let mut tx = b.app.store.begin().await.unwrap();
        tx.insert_break_glass(&grant).await.unwrap();
        tx.commit().await.unwrap();
    }
}

/// The administrator's authenticator, set directly (enrolment is not what is tested here).
async fn give_admin_an_authenticator(b: &Build) -> String {
    let secret = hearth_app::auth::new_totp_secret();
    let mut admin = b.user("administrator").clone();
    admin.totp_secret = Some(secret.clone());
    let mut tx = b.app.store.begin().await.unwrap();
    tx.update_user(&admin).await.unwrap();
    tx.commit().await.unwrap();
    secret
}

/// Signs in with the password (and the administrator's code), and has Hearth propose an
/// authenticator secret to the session as "Your account" does: the session, and the secret.
async fn sign_in(b: &Build, user: &UserRecord, admin_secret: &str) -> (hearth_app::auth::NewSession, String) {
    let mut s = b.app.sign_in(&user.username, PASSWORD).await.unwrap();
    if s.next != hearth_app::auth::NextStep::Done {
        let code = hearth_app::auth::totp_code(admin_secret, b.app.now()).unwrap();
        s = b.app.verify_mfa(&s.session, &code).await.unwrap();
    }
    let proposed = b.app.propose_totp(&s.session).await.unwrap();
    (s, proposed)
}

/// The CSRF cookie and token an anonymous visitor gets from the sign-in page.
async fn anonymous_csrf(router: &Router) -> (String, String) {
    let res = router.clone().oneshot(Request::get("/sign-in").body(Body::empty()).unwrap()).await.unwrap();
    let cookie = res.headers().get(header::SET_COOKIE).expect("a CSRF cookie").to_str().unwrap().to_string();
    let pair = cookie.split(';').next().unwrap().to_string();
    let value = pair.split_once('=').unwrap().1.to_string();
    (pair, value)
}

/// The codes the forms use, from the domain's lists.
pub fn factor_code() -> &'static str {
    AssessmentFactor::DomesticAbuseChild.code()
}
