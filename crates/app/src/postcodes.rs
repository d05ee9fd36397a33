//! The postcode directory (issue 17): where postcodes are, for each looked-after child's
//! distance from home. Reference data, not anyone's record: loaded whole by an operator
//! (`hearth postcodes import`), the load itself audited.
use crate::{App, AppError};
use hearth_domain::audit::Outcome;
use hearth_domain::care::distance::Location;

impl App {
    /// Replaces every postcode location with `rows` (each key once: postcodes as `Postcode`
    /// writes them and outward codes at their centres) in one transaction, with an audit
    /// entry naming `source`; until it commits the dashboards read the old ones. Returns how
    /// many rows were written.
    pub async fn replace_postcode_locations(&self, rows: &[(String, Location)], source: &str) -> Result<u64, AppError> {
        let mut tx = self.store.begin().await?;
        let written = tx.replace_postcode_locations(rows).await?;
        let mut draft = self.draft(None, "postcodes.import", None, Outcome::Allowed);
        draft.target = Some(source.to_string());
        draft.reason = Some(format!("{written} postcode and district locations"));
        tx.append_audit(&draft).await?;
        tx.commit().await?;
        Ok(written)
    }

    /// Whether the postcode directory has been loaded.
    pub async fn has_postcode_locations(&self) -> Result<bool, AppError> {
        let mut tx = self.store.begin_read().await?;
        let loaded = tx.has_postcode_locations().await?;
        tx.commit().await?;
        Ok(loaded)
    }
}
