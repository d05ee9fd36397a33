//! A synthetic local authority for demos, tests and benchmarks.
//!
//! `generate` fills an empty store with teams, users, children and their families,
//! relationships and case notes, and each child's front-door history (contact, referral,
//! single assessment and their tasks, and the episode that followed; for some children an
//! earlier, closed one; see `front_door` and `cin`). Everything is made up from built-in lists, so nothing is
//! about a real person, and the same seed always gives the same people with the same ids.
//! Dates are relative to today, so ages and note dates stay plausible whenever it runs.
//!
//! Records are written through the ordinary `Tx` interface in batches of
//! [`FAMILIES_PER_BATCH`] families, each batch with one audit entry, so the audit chain of
//! a demo database verifies like any other.
#![forbid(unsafe_code)]

mod care;
mod family;
mod cin;
mod front_door;
mod names;
mod places;
mod rng;
mod staff;
mod text;

pub use care::CareSummary;
/// The postcode districts of the demo LA's area, where its families live.
pub use places::DEMO_AREA;
pub use places::DEMO_DISTRICT_CENTRES;
pub use front_door::{FrontDoorOptions, FrontDoorSummary};
use hearth_app::local_time::uk_local;
use hearth_domain::audit::{AuditDraft, Outcome};
use hearth_domain::user::Role;
use hearth_domain::returns::cin::CollectionYear;
use hearth_domain::PersonId;
use hearth_store::{Store, StoreError, Tx};
use std::time::{Duration, Instant};
use time::{Date, OffsetDateTime};

/// The password of every demo account.
pub const DEMO_PASSWORD: &str = "hearth-demo-2026";

/// The demo's named accounts, in the order the demo prints their sign-ins.
pub const NAMED_USERS: &[&str] = staff::NAMED;

/// Families written per transaction (each transaction adds one audit entry).
pub const FAMILIES_PER_BATCH: usize = 500;

/// What to generate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DemoOptions {
    /// Children and young people with an open case (at least one).
    pub children: usize,
    /// The same seed gives the same users, people, ids and notes.
    pub seed: u64,
    /// Case notes per child on average; each child has between 40% and 160% of it.
    pub notes_per_child: usize,
    /// Each child's front-door history: a decided contact, a referral and a single
    /// assessment in a mix of states, with their tasks and episode, and for some children
    /// an earlier, closed episode (on by default).
    pub front_door: FrontDoorOptions,
}

impl Default for DemoOptions {
    fn default() -> Self {
        Self { children: 1000, seed: 2026, notes_per_child: 10, front_door: FrontDoorOptions::default() }
    }
}

/// A demo account, with what is needed to sign in as it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DemoUser {
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub team_name: Option<String>,
    pub password: String,
    /// Base32 TOTP secret, for accounts enrolled in multi-factor authentication.
    pub totp_secret: Option<String>,
}

/// What was generated.
#[derive(Clone, Debug)]
pub struct DemoSummary {
    /// Every account: `admin`, `sam.worker`, `tara.manager`, `sian.service`, `bea.support`,
    /// `ava.auditor`, then the other team managers and social workers.
    pub users: Vec<DemoUser>,
    pub teams: usize,
    pub children: usize,
    /// Children besides `children` whose only case closed: babies on record as unborn whose
    /// pre-birth case (in the previous collection year) closed before the birth.
    pub closed_children: usize,
    /// Everyone recorded: children and adults.
    pub people: usize,
    pub case_notes: usize,
    pub relationships: usize,
    /// Contacts, referrals, assessments (by state) and tasks.
    pub front_door: FrontDoorSummary,
    /// Providers of placements and the periods of care of the Children in Care team's children.
    pub care: CareSummary,
    /// a child allocated to the demo social worker `sam.worker`, for the README and browser tests
    pub example_child: (PersonId, String),
    pub elapsed: Duration,
}

#[derive(Debug, thiserror::Error)]
pub enum TestkitError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("could not hash the demo password: {0}")]
    Password(String),
    #[error("{0}")]
    Options(String),
    /// A generated record broke a rule: a bug in the generator, never saved.
    #[error("the generator made an invalid record ({what}): {errors}")]
    Invalid { what: String, errors: String },
}

/// True when the store already holds users, so a demo database can be reused.
pub async fn is_populated(store: &dyn Store) -> Result<bool, TestkitError> {
    let mut tx = store.begin().await?;
    let users = tx.users().await?;
    tx.commit().await?;
    Ok(!users.is_empty())
}

fn audit(now: OffsetDateTime, seed: u64, target: String) -> AuditDraft {
    AuditDraft {
        at: now,
        actor: None,
        action: "demo.generate".into(),
        person: None,
        target: Some(target),
        outcome: Outcome::Allowed,
        reason: Some(format!("synthetic demo data, seed {seed}")),
    }
}

/// Stores the demo districts' approximate centres as the postcode directory (replacing
/// whatever was loaded), so the demo's dashboard shows distances from home; returns how many.
pub async fn load_demo_postcodes(store: &dyn Store) -> Result<usize, TestkitError> {
    let rows = demo_postcode_rows()?;
    let now = OffsetDateTime::now_utc();
    let mut tx = store.begin().await?;
    tx.replace_postcode_locations(&rows).await?;
    let mut draft = audit(now, 0, format!("{} postcode district centres", rows.len()));
    draft.reason = Some("approximate centres of the demo's postcode districts".into());
    tx.append_audit(&draft).await?;
    tx.commit().await?;
    Ok(rows.len())
}

/// The demo districts' centres as postcode-location rows.
fn demo_postcode_rows() -> Result<Vec<(String, hearth_domain::care::distance::Location)>, TestkitError> {
    use hearth_domain::care::distance::Location;
    DEMO_DISTRICT_CENTRES
        .iter()
        .map(|&(district, lat, lon)| Location::new(lat, lon).map(|l| (district.to_string(), l)).map_err(|e| TestkitError::Options(format!("{district}: {e}"))))
        .collect()
}

#[derive(Default)]
struct Counts {
    people: usize,
    closed_children: usize,
    case_notes: usize,
    relationships: usize,
}

/// Fills an empty store with a synthetic local authority.
pub async fn generate(store: &dyn Store, opts: &DemoOptions) -> Result<DemoSummary, TestkitError> {
    let started = Instant::now();
    if opts.children == 0 {
        return Err(TestkitError::Options("Generate at least one child".into()));
    }
    let now = OffsetDateTime::now_utc();
    let today = uk_local(now).date();
    let mut g = rng::Gen::new(opts.seed);
    // Argon2 is slow on purpose: one hash serves every account.
    let hash = hearth_app::auth::hash_password(DEMO_PASSWORD).map_err(|e| TestkitError::Password(e.to_string()))?;
    let staff = staff::build(&mut g, opts.children, now, &hash);

    let mut tx = store.begin().await?;
    for t in &staff.teams {
        tx.insert_team(t).await?;
    }
    for u in &staff.users {
        tx.insert_user(u).await?;
    }
    // Where the demo's districts are, for the distances from home.
    let postcodes = demo_postcode_rows()?;
    tx.replace_postcode_locations(&postcodes).await?;
    tx.append_audit(&audit(now, opts.seed, format!("{} teams, {} users and {} postcode district centres", staff.teams.len(), staff.users.len(), postcodes.len()))).await?;
    tx.commit().await?;

    let mut reg = family::Registry::default();
    let mut front = opts.front_door.enabled.then(|| front_door::Generator::new(opts.seed, &opts.front_door, today, staff.workers[0].id));
    let care_timescales = opts.front_door.timescales.clone().unwrap_or_default();
    let in_care: Vec<&staff::Worker> = staff.workers.iter().filter(|w| staff::TEAMS[w.team].1 == text::TeamKind::InCare).collect();
    let advisers = in_care.iter().map(|w| (w.id, w.name.clone())).collect();
    let mut care = care::Generator::new(opts.seed, opts.children, today, now, care_timescales, staff.iros.clone(), advisers);
    let mut counts = Counts::default();
    let mut example: Option<(PersonId, String)> = None;
    let (mut left, mut placed, mut families) = (opts.children, 0usize, 0usize);
    while left > 0 {
        let mut tx = store.begin().await?;
        let first_family = families;
        let before = (counts.people, counts.case_notes);
        while left > 0 && families - first_family < FAMILIES_PER_BATCH {
            let n = family::family_size(&mut g, left);
            let worker = &staff.workers[(placed / staff::CASELOAD).min(staff.workers.len() - 1)];
            let restricted = families > 0 && g.chance(0.01);
            let ctx = family::Ctx {
                now,
                today,
                notes_per_child: opts.notes_per_child,
                worker,
                team: staff.teams[worker.team].id,
                team_kind: staff::TEAMS[worker.team].1,
                restricted,
                first: families == 0,
            };
            let f = family::build(&mut g, &mut reg, &ctx, n);
            if example.is_none() {
                example = f.children.iter().find(|c| c.2).or(f.children.first()).map(|c| (c.0, c.1.clone()));
            }
            write_family(&mut *tx, &f, today, now).await?;
            let holder = front_door::Holder::of(worker, ctx.team, ctx.team_kind);
            if let Some(front) = front.as_mut() {
                front.family(&mut *tx, &f, holder).await?;
            }
            care.family(&mut *tx, &f, holder).await?;
            counts.people += f.persons.len();
            counts.closed_children += usize::from(f.closed_pre_birth.is_some());
            counts.case_notes += f.notes.len();
            counts.relationships += f.relationships.len();
            left -= n;
            placed += n;
            families += 1;
        }
        let target = format!(
            "families {}–{}: {} people, {} case notes",
            first_family + 1,
            families,
            counts.people - before.0,
            counts.case_notes - before.1
        );
        tx.append_audit(&audit(now, opts.seed, target)).await?;
        tx.commit().await?;
    }

    // Young people who have left care, held by the Children in Care and Moving On team.
    if let Some(worker) = in_care.first() {
        let mut tx = store.begin().await?;
        let holder = front_door::Holder::of(worker, staff.teams[worker.team].id, text::TeamKind::InCare);
        let leavers = care.leavers(&mut *tx, holder, (opts.children / LEAVERS_PER).max(6)).await?;
        counts.people += leavers.len();
        tx.append_audit(&audit(now, opts.seed, format!("{} care leavers", leavers.len()))).await?;
        tx.commit().await?;
    }

    let example_child = example.ok_or_else(|| TestkitError::Options("no child was generated".into()))?;
    store.analyze().await?;
    Ok(DemoSummary {
        users: staff.demo_users,
        teams: staff.teams.len(),
        children: opts.children,
        closed_children: counts.closed_children,
        people: counts.people,
        case_notes: counts.case_notes,
        relationships: counts.relationships,
        front_door: front.map(|f| f.summary).unwrap_or_default(),
        care: care.summary,
        example_child,
        elapsed: started.elapsed(),
    })
}

/// One young person who has left care for this many children.
const LEAVERS_PER: usize = 40;

/// The CIN census year before the one `today` falls in (years run 1 April to 31 March):
/// the year whose closed cases the generated history holds.
pub fn previous_collection_year(today: Date) -> CollectionYear {
    let current = if u8::from(today.month()) >= 4 { today.year() } else { today.year() - 1 };
    CollectionYear { start_year: current - 1 }
}

fn invalid(what: &str, errors: impl std::fmt::Display) -> TestkitError {
    TestkitError::Invalid { what: what.to_string(), errors: errors.to_string() }
}

async fn write_family(tx: &mut dyn Tx, f: &family::Family, today: Date, now: OffsetDateTime) -> Result<(), TestkitError> {
    let local_now = uk_local(now);
    for p in &f.persons {
        p.record.details.validate(today).map_err(|e| invalid(&p.record.details.full_name(), e))?;
        tx.insert_person(&p.record, &p.meta).await?;
        if p.record.restricted {
            tx.set_access_list(p.record.id, &p.access_list).await?;
        }
        if let Some((details, meta)) = &p.correction {
            details.validate(today).map_err(|e| invalid(&details.full_name(), e))?;
            let mut record = p.record.clone();
            record.version = 2;
            record.details = details.clone();
            record.updated_at = meta.at;
            tx.update_person(&record, 1, meta).await?;
        }
    }
    for r in &f.relationships {
        tx.insert_relationship(r).await?;
    }
    for n in &f.notes {
        n.note.details.validate(local_now).map_err(|e| invalid("case note", e))?;
        tx.insert_case_note(&n.note).await?;
        if let Some((details, meta)) = &n.correction {
            details.validate(local_now).map_err(|e| invalid("case note correction", e))?;
            tx.correct_case_note(n.note.id, details, 1, meta).await?;
        }
    }
    Ok(())
}
