//! Hearth's use cases. Each one opens a transaction, decides whether the actor may do it,
//! makes the change and writes the audit entry, and commits: all or nothing.
#![forbid(unsafe_code)]

mod allocation;
mod listing;
pub mod auth;
pub mod clock;
pub mod error;
mod notes;
mod people;
mod postcodes;
mod providers;
mod admin;
mod audit;
mod care;
mod care_decision;
mod care_leavers;
mod case_summary;
mod caseloads;
mod census_cache;
mod chains;
mod cin;
mod front_door;
pub mod housekeeping;
pub mod import;
pub mod returns;
mod rota;
mod services;
pub mod telemetry;
mod work;

pub use admin::{AccountChange, CreatedAccount, NewAccount, NewUser};
pub use allocation::AllocationView;
/// Local time in England (re-exported from the domain for the layers above).
pub use hearth_domain::local_time;
pub use audit::{AuditReport, AuditSearch, VerifyOutcome, AUDIT_EXPORT_MAX, AUDIT_VIEW_PAGE};
pub use care::{UNKNOWN_PROVIDER, CARE_TASKS, FamilyContactQueue, MissingReturn, ReviewHeld, CareChange, CareDashboardView, CarePeriodView, ChildCare, NewCare, PlacementChoice, ShortBreak};
pub use care_leavers::{CareLeaverView, LeaverChange, LeaversDashboardView};
pub use care_decision::{CareProposal, DecisionChange, DECISION_TASKS};
pub use providers::{PlacedChild, ProviderFilter, ProviderPage, ProviderRow};
pub use case_summary::{CaseSummary, PlacementNow};
pub use caseloads::{AllocationChoice, CaseloadRow, Caseloads, WorkerCases};
pub use front_door::{AssessmentContent, AssessmentView, ContactView, FrontDoorHistory, NewContact, NewDecision, ReferralView, Rescheduled, SignOff};
pub use cin::{CpDashboardView, EpisodeView, DASHBOARD_OVERDUE, EPISODE_TASKS};
pub use work::{pages_of, MyWork, TeamWork, TeamWorkFilter, TEAM_WORK_PER_PAGE};
pub use services::{NewServiceReferral, ReferralChange, ServicePage};
pub use rota::{Rota, RotaChange, RotaSession, RotaWorker, ROTA_DAYS};
pub use error::AppError;
pub use notes::NewCaseNote;
pub use people::{AlertReason, BreakGlassAlert, DuplicateWarning, FamilyMember, Household, NewRelationship, PersonPage, NOT_A_PR_HOLDER, SearchHit, SearchResults, SEARCH_PER_PAGE};

use clock::Clock;
use hearth_domain::access::Subject;
use hearth_domain::audit::{AuditDraft, Outcome};
use hearth_domain::calendar::Calendar;
use hearth_domain::policy::Pack;
use hearth_domain::user::{Permission, UserRecord};
use hearth_domain::PersonId;
use hearth_store::{Store, Tx};
use std::sync::Arc;
use time::{Duration, OffsetDateTime};

/// Settings that shape behaviour; every value has a safe default.
#[derive(Clone, Debug)]
pub struct AppConfig {
    pub idle_timeout: Duration,
    pub absolute_timeout: Duration,
    /// Ask every user for a second factor, not only administrators.
    pub mfa_required_for_all: bool,
    pub break_glass_duration: Duration,
    /// Failed sign-ins in a row before the account is locked for `lockout_duration`.
    pub lockout_threshold: i64,
    pub lockout_duration: Duration,
    /// The timescales in force: checked when loaded, shared read-only.
    pub timescales: Arc<Timescales>,
    /// The postcode districts of the LA's area, upper case ("BA1"); empty: not known.
    pub area: Vec<String>,
    /// The council's directory of services for children in care and care leavers.
    pub directory: Arc<hearth_domain::services::Directory>,
}

/// The postcode districts of a setting ("BA1, ba2 BS31"), upper case, in order, once each.
pub fn area_districts(s: &str) -> Vec<String> {
    let mut v: Vec<String> = Vec::new();
    for d in s.split(|c: char| c == ',' || c.is_whitespace()).filter(|d| !d.is_empty()) {
        let d = d.to_uppercase();
        if !v.contains(&d) {
            v.push(d);
        }
    }
    v
}

/// The effective policy pack and the working-day calendar its deadlines are computed on.
#[derive(Clone, Debug)]
pub struct Timescales {
    pub pack: Pack,
    pub calendar: Calendar,
}

impl Default for Timescales {
    /// The national pack on the England and Wales calendar shipped with Hearth.
    fn default() -> Self {
        Timescales { pack: Pack::national(), calendar: Calendar::shipped() }
    }
}

impl Default for AppConfig {
    fn default() -> Self {
        Self {
            idle_timeout: Duration::minutes(30),
            absolute_timeout: Duration::hours(12),
            mfa_required_for_all: false,
            break_glass_duration: Duration::hours(1),
            lockout_threshold: 5,
            lockout_duration: Duration::minutes(15),
            timescales: Arc::new(Timescales::default()),
            area: Vec::new(),
            directory: Arc::new(hearth_domain::services::Directory::demo()),
        }
    }
}

/// The application: a store, the configuration and a clock.
#[derive(Clone)]
pub struct App {
    pub store: Arc<dyn Store>,
    pub config: AppConfig,
    pub clock: Arc<dyn Clock>,
    chains: Arc<chains::Chains>,
    census: Arc<census_cache::Kept>,
}

/// The signed-in user a use case acts for.
#[derive(Clone, Debug)]
pub struct Actor {
    pub user: UserRecord,
    pub subject: Subject,
}

impl Actor {
    pub fn can(&self, p: Permission) -> bool {
        self.subject.can(p)
    }
}

impl App {
    pub fn new(store: Arc<dyn Store>, config: AppConfig, clock: Arc<dyn Clock>) -> Self {
        Self { store, config, clock, chains: Arc::default(), census: Arc::default() }
    }

    pub fn now(&self) -> OffsetDateTime {
        self.clock.now()
    }

    /// Today's date in England.
    pub fn today(&self) -> time::Date {
        local_time::uk_local(self.now()).date()
    }

    /// Builds the actor for a user, with their management chain, inside `tx`.
    pub(crate) async fn actor_in(&self, tx: &mut dyn Tx, user: UserRecord) -> Result<Actor, AppError> {
        // The epoch is read before the chain, so a kept chain is never older than its epoch.
        let epoch = tx.chain_epoch().await?;
        let chain = match self.chains.get(user.id, epoch) {
            Some(c) => c,
            None => {
                let c: chains::Chain = Arc::new(tx.chain_below(user.id).await?);
                self.chains.keep(user.id, epoch, c.clone());
                c
            }
        };
        let subject = Subject::new(&user, &chain);
        Ok(Actor { user, subject })
    }

    /// The actor of a command run on the server itself (the CLI) as the named active user:
    /// whoever runs it already holds the database, so no password is asked, but the user's
    /// role still decides what the command may do and the audit log names them.
    pub async fn local_actor(&self, username: &str) -> Result<Actor, AppError> {
        let mut tx = self.store.begin_read().await?;
        let user = tx.user_by_username(username).await?.filter(|u| u.active).ok_or(AppError::NotFound)?;
        let actor = self.actor_in(tx.as_mut(), user).await?;
        tx.commit().await?;
        Ok(actor)
    }

    pub(crate) fn draft(&self, actor: Option<&Actor>, action: &str, person: Option<PersonId>, outcome: Outcome) -> AuditDraft {
        AuditDraft {
            at: self.now(),
            actor: actor.map(|a| a.user.id),
            action: action.to_string(),
            person,
            target: None,
            outcome,
            reason: None,
        }
    }

    /// Audits a refusal in a transaction of its own (the refused action's is rolled back).
    pub(crate) async fn audit_denied(&self, actor: &Actor, action: &str, person: Option<PersonId>, target: Option<String>) -> Result<(), AppError> {
        let mut d = self.draft(Some(actor), action, person, Outcome::Denied);
        d.target = target;
        self.store.record_audit(&[d]).await?;
        Ok(())
    }

    /// A refusal decided by the caller (a form the actor may not use on this record),
    /// audited as every refusal is; returns the error to answer with.
    pub async fn forbidden(&self, actor: &Actor, action: &str, person: Option<PersonId>) -> AppError {
        match self.audit_denied(actor, action, person, None).await {
            Ok(()) => AppError::Forbidden,
            Err(e) => e,
        }
    }

    /// Fails with `Forbidden` (audited) unless the actor's role has the permission.
    pub async fn require(&self, actor: &Actor, p: Permission, action: &str) -> Result<(), AppError> {
        if actor.can(p) {
            Ok(())
        } else {
            self.audit_denied(actor, action, None, None).await?;
            Err(AppError::Forbidden)
        }
    }
}
