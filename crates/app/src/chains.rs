//! Management chains walked before, kept while the store's chain epoch stands still: a
//! service manager's chain can hold thousands of people, and every request needs it.
use hearth_domain::{TeamId, UserId};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// Everyone below one manager, with their teams.
pub(crate) type Chain = Arc<Vec<(UserId, Option<TeamId>)>>;

#[derive(Default)]
pub(crate) struct Chains {
    kept: Mutex<Kept>,
}

#[derive(Default)]
struct Kept {
    /// The epoch every kept chain was read at; a newer one empties the map.
    epoch: i64,
    chains: HashMap<UserId, Chain>,
}

impl Chains {
    /// The chain below `manager` if it was read at `epoch`.
    pub(crate) fn get(&self, manager: UserId, epoch: i64) -> Option<Chain> {
        let kept = self.kept.lock().unwrap_or_else(|e| e.into_inner());
        if kept.epoch == epoch { kept.chains.get(&manager).cloned() } else { None }
    }

    /// Keeps a chain read at `epoch`, forgetting those of earlier epochs. (A chain read at
    /// an older epoch than the kept ones, by a request that began earlier, is not kept.)
    pub(crate) fn keep(&self, manager: UserId, epoch: i64, chain: Chain) {
        let mut kept = self.kept.lock().unwrap_or_else(|e| e.into_inner());
        if epoch > kept.epoch {
            kept.epoch = epoch;
            kept.chains.clear();
        }
        if epoch == kept.epoch {
            kept.chains.insert(manager, chain);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_chain_is_kept_only_for_its_epoch() {
        let c = Chains::default();
        let (m, r) = (UserId::new(), UserId::new());
        let chain: Chain = Arc::new(vec![(r, None)]);
        assert!(c.get(m, 0).is_none());
        c.keep(m, 3, chain.clone());
        assert_eq!(c.get(m, 3).as_deref(), Some(&vec![(r, None)]));
        assert!(c.get(m, 4).is_none(), "a newer epoch: read again");
        c.keep(m, 2, Arc::new(Vec::new()));
        assert_eq!(c.get(m, 3).as_deref(), Some(&vec![(r, None)]), "an older read does not replace a newer one");
        c.keep(UserId::new(), 5, Arc::new(Vec::new()));
        assert!(c.get(m, 3).is_none() && c.get(m, 5).is_none(), "a newer epoch forgets the rest");
    }
}
