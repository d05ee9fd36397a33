//! Work that runs in the background, once however many instances of Hearth serve the
//! database: each run takes a database lock first, and an instance that finds it taken
//! leaves the run to the one that holds it.
use crate::auth::DRAFT_LIFETIME;
use crate::{App, AppError};
use hearth_domain::audit::Outcome;

/// The name of the lock the housekeeping run holds.
const LOCK: &str = "hearth.housekeeping";

/// How many of the newest changes the census log keeps: an instance that last looked
/// further back than these builds its census afresh.
const CENSUS_CHANGES_KEPT: i64 = 100_000;

/// What a housekeeping run removed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Housekeeping {
    pub drafts: u64,
    pub sessions: u64,
    /// Planned transfers whose first day came.
    pub allocations: u64,
}

impl App {
    /// Deletes drafts older than `DRAFT_LIFETIME` and sessions that ended (idle or too old)
    /// more than that long ago — kept until then, so a form posted to an expired session is
    /// still saved as a draft — applies the planned transfers whose first day has come and
    /// prunes the census log.
    /// `None` when another instance is running it now.
    pub async fn housekeeping(&self) -> Result<Option<Housekeeping>, AppError> {
        let now = self.now();
        let mut tx = self.store.begin().await?;
        if !tx.try_lock(LOCK).await? {
            return Ok(None);
        }
        let drafts = tx.delete_drafts_before(now - DRAFT_LIFETIME).await?;
        let sessions = tx.delete_sessions_before(now - self.config.idle_timeout - DRAFT_LIFETIME, now - self.config.absolute_timeout - DRAFT_LIFETIME).await?;
        let allocations = self.apply_planned_allocations(tx.as_mut()).await?;
        tx.prune_census_changes(CENSUS_CHANGES_KEPT).await?;
        let done = Housekeeping { drafts, sessions, allocations };
        if drafts + sessions > 0 {
            let mut d = self.draft(None, "system.housekeeping", None, Outcome::Allowed);
            d.reason = Some(format!("{drafts} expired drafts and {sessions} ended sessions deleted"));
            tx.append_audit(&d).await?;
        }
        tx.commit().await?;
        Ok(Some(done))
    }
}
