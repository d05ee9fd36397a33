//! The one way a use case names people in a list (home, search aside, trays, dashboards,
//! family networks, chronologies, contacts, data-quality pages, break-glass alerts): through
//! `listed`, which asks the store's one scoped read, `Tx::listed_persons`, with the actor's
//! scope. A restricted person is never named to someone their list does not name.
use crate::{Actor, App, AppError};
use hearth_domain::access::Listing;
use hearth_domain::person::PersonSummary;
use hearth_domain::PersonId;
use hearth_store::Tx;
use std::collections::HashMap;

impl App {
    /// The people of `ids` the actor may see listed for `listing`, by id; the others are
    /// simply absent.
    pub(crate) async fn listed(&self, tx: &mut dyn Tx, actor: &Actor, ids: &[PersonId], listing: Listing) -> Result<HashMap<PersonId, PersonSummary>, AppError> {
        let mut ids = ids.to_vec();
        ids.sort();
        ids.dedup();
        let found = tx.listed_persons(&ids, &actor.subject.scope(), listing, self.now()).await?;
        Ok(found.into_iter().map(|p| (p.id, p)).collect())
    }

    /// The people of `ids` whose records the actor may open (`Listing::Open`).
    pub(crate) async fn visible_people(&self, tx: &mut dyn Tx, actor: &Actor, ids: &[PersonId]) -> Result<HashMap<PersonId, PersonSummary>, AppError> {
        self.listed(tx, actor, ids, Listing::Open).await
    }
}
