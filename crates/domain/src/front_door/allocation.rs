//! Allocation of a child's case to a team and a worker, with its history, and caseloads.
//!
//! An allocation covers the days `from..=to` (both included; `to = None` while it is
//! current). A transfer on day D ends the current allocation on D − 1 and starts the new
//! one on D, so a case is never held by two allocations on the same day and never drops
//! between them. Nothing is deleted: the history is the list of allocations.
use super::AllocationId;
use crate::policy::{Pack, Threshold};
use crate::validation::FieldErrors;
use crate::{PersonId, TeamId, UserId};
use serde::{Deserialize, Serialize};
use std::cmp::Ordering;
use std::collections::BTreeMap;
use time::Date;

/// The pack threshold for caseloads (seed 001 §5.2: 20 to 25 per qualified social worker).
pub const CASELOAD_THRESHOLD: &str = "caseload_per_qualified_social_worker";

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Allocation {
    pub id: AllocationId,
    pub team: TeamId,
    /// `None`: held by the team, awaiting a worker.
    pub worker: Option<UserId>,
    pub from: Date,
    /// The last day, once ended.
    pub to: Option<Date>,
    pub allocated_by: UserId,
    pub reason: Option<String>,
}

impl Allocation {
    pub fn covers(&self, day: Date) -> bool {
        self.from <= day && self.to.is_none_or(|t| day <= t)
    }
}

/// A child's allocation history, oldest first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseAllocations {
    pub child: PersonId,
    pub history: Vec<Allocation>,
}

impl CaseAllocations {
    pub fn new(child: PersonId) -> CaseAllocations {
        CaseAllocations { child, history: Vec::new() }
    }

    /// The allocation not yet ended, if any.
    pub fn current(&self) -> Option<&Allocation> {
        self.history.last().filter(|a| a.to.is_none())
    }

    /// Who held the case on `day`.
    pub fn on(&self, day: Date) -> Option<&Allocation> {
        self.history.iter().rev().find(|a| a.covers(day))
    }

    /// Allocates the case from `from`: the first allocation, a new worker, or a transfer to
    /// another team. A current allocation is ended the day before. `from` must be after the
    /// start of the current allocation (a same-day change is a correction of that record,
    /// not a transfer) and after the end of an ended one.
    pub fn allocate(&mut self, team: TeamId, worker: Option<UserId>, from: Date, by: UserId, reason: Option<String>) -> Result<&Allocation, FieldErrors> {
        let mut e = FieldErrors::new();
        if let Some(last) = self.history.last() {
            match last.to {
                None if from <= last.from => e.add("from", "The new allocation must start after the current one started"),
                Some(to) if from <= to => e.add("from", "The new allocation must start after the previous one ended"),
                _ => {}
            }
            if last.to.is_none() && last.team == team && last.worker == worker {
                e.add("worker", "The case is already allocated to this team and worker");
            }
        }
        if reason.as_deref().is_some_and(|r| r.chars().count() > crate::validation::MAX_LINE * 5) {
            e.add("reason", "The reason must be 1000 characters or fewer");
        }
        e.into_result()?;
        if let Some(last) = self.history.last_mut().filter(|a| a.to.is_none()) {
            last.to = from.previous_day();
        }
        self.history.push(Allocation { id: AllocationId::new(), team, worker, from, to: None, allocated_by: by, reason });
        Ok(self.history.last().expect("just pushed"))
    }

    /// Ends the current allocation on `last_day` (the case closes).
    pub fn end(&mut self, last_day: Date) -> Result<(), FieldErrors> {
        let mut e = FieldErrors::new();
        match self.history.last_mut().filter(|a| a.to.is_none()) {
            None => e.add("to", "The case has no current allocation to end"),
            Some(a) if last_day < a.from => e.add("to", "The allocation cannot end before it started"),
            Some(a) => a.to = Some(last_day),
        }
        e.into_result()
    }

    /// The invariant: in date order, each ended before the next started, only the last open.
    pub fn is_consistent(&self) -> bool {
        self.history.iter().all(|a| a.to.is_none_or(|t| t >= a.from))
            && self.history.windows(2).all(|w| w[0].to.is_some_and(|t| t < w[1].from))
    }
}

/// Where a caseload stands against the pack's threshold.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CaseloadLevel {
    Under,
    Within,
    Over,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseloadStatus {
    pub count: u32,
    pub min: Option<u32>,
    pub max: Option<u32>,
    pub level: CaseloadLevel,
}

/// A count against a threshold; without one, every count is `Within`.
pub fn caseload_status(count: u32, threshold: Option<&Threshold>) -> CaseloadStatus {
    let level = match threshold.map(|t| t.check(count)) {
        Some(Ordering::Less) => CaseloadLevel::Under,
        Some(Ordering::Greater) => CaseloadLevel::Over,
        _ => CaseloadLevel::Within,
    };
    CaseloadStatus { count, min: threshold.and_then(|t| t.min), max: threshold.and_then(|t| t.max), level }
}

/// Cases held by each worker on `day`.
pub fn worker_counts<'a>(cases: impl IntoIterator<Item = &'a CaseAllocations>, day: Date) -> BTreeMap<UserId, u32> {
    let mut m = BTreeMap::new();
    for w in cases.into_iter().filter_map(|c| c.on(day)).filter_map(|a| a.worker) {
        *m.entry(w).or_insert(0) += 1;
    }
    m
}

/// Cases held by each team on `day` (with or without a worker).
pub fn team_counts<'a>(cases: impl IntoIterator<Item = &'a CaseAllocations>, day: Date) -> BTreeMap<TeamId, u32> {
    let mut m = BTreeMap::new();
    for a in cases.into_iter().filter_map(|c| c.on(day)) {
        *m.entry(a.team).or_insert(0) += 1;
    }
    m
}

/// A member of a team, for the caseload view.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Member {
    pub user: UserId,
    /// A qualified social worker: the pack's caseload threshold applies (seed 001 §5.2;
    /// newly qualified workers' protected caseloads and other practitioners' are set by
    /// their managers, so they are shown without a threshold).
    pub qualified: bool,
}

/// A team's caseload view.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TeamCaseload {
    pub team: TeamId,
    pub cases: u32,
    /// Held by the team without a worker.
    pub unallocated: u32,
    pub workers: Vec<(UserId, CaseloadStatus)>,
}

pub fn team_caseload(cases: &[CaseAllocations], team: TeamId, members: &[Member], pack: &Pack, day: Date) -> TeamCaseload {
    let held: Vec<&Allocation> = cases.iter().filter_map(|c| c.on(day)).filter(|a| a.team == team).collect();
    let per_worker = worker_counts(cases, day);
    let threshold = pack.threshold(CASELOAD_THRESHOLD);
    let workers = members
        .iter()
        .map(|m| {
            let n = per_worker.get(&m.user).copied().unwrap_or(0);
            (m.user, caseload_status(n, if m.qualified { threshold } else { None }))
        })
        .collect();
    TeamCaseload { team, cases: held.len() as u32, unallocated: held.iter().filter(|a| a.worker.is_none()).count() as u32, workers }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::add_days;
    use crate::policy::BATH_NE_SOMERSET_PACK;
    use proptest::prelude::*;
    use time::macros::date;

    #[test]
    fn transfer_closes_the_previous_allocation() {
        let (t1, t2) = (TeamId::new(), TeamId::new());
        let (w1, w2, by) = (UserId::new(), UserId::new(), UserId::new());
        let mut c = CaseAllocations::new(PersonId::new());
        c.allocate(t1, Some(w1), date!(2024 - 03 - 04), by, None).unwrap();
        c.allocate(t2, Some(w2), date!(2024 - 04 - 10), by, Some("Transfer to CP and court".into())).unwrap();
        assert_eq!(c.history.len(), 2);
        assert_eq!(c.history[0].to, Some(date!(2024 - 04 - 09)));
        assert_eq!(c.current().unwrap().team, t2);
        assert_eq!(c.on(date!(2024 - 04 - 09)).unwrap().worker, Some(w1));
        assert_eq!(c.on(date!(2024 - 04 - 10)).unwrap().worker, Some(w2));
        assert!(c.on(date!(2024 - 03 - 03)).is_none());
        assert!(c.is_consistent());
    }

    #[test]
    fn bad_allocations_are_refused() {
        let (t, w, by) = (TeamId::new(), UserId::new(), UserId::new());
        let mut c = CaseAllocations::new(PersonId::new());
        c.allocate(t, Some(w), date!(2024 - 03 - 04), by, None).unwrap();
        assert!(c.allocate(t, None, date!(2024 - 03 - 04), by, None).unwrap_err().get("from").is_some());
        assert!(c.allocate(t, Some(w), date!(2024 - 03 - 10), by, None).unwrap_err().get("worker").is_some());
        assert!(c.end(date!(2024 - 03 - 01)).is_err());
        c.end(date!(2024 - 05 - 01)).unwrap();
        assert!(c.current().is_none());
        assert!(c.end(date!(2024 - 05 - 02)).is_err());
        assert!(c.allocate(t, Some(w), date!(2024 - 05 - 01), by, None).is_err());
        c.allocate(t, Some(w), date!(2024 - 06 - 01), by, Some("Re-referral".into())).unwrap();
        assert!(c.is_consistent());
        assert_eq!(c.history.len(), 2);
    }

    #[test]
    fn caseload_levels_from_the_pack() {
        let pack = Pack::national().with_layer(BATH_NE_SOMERSET_PACK).unwrap();
        let t = pack.threshold(CASELOAD_THRESHOLD);
        assert_eq!(caseload_status(19, t).level, CaseloadLevel::Under);
        assert_eq!(caseload_status(20, t), CaseloadStatus { count: 20, min: Some(20), max: Some(25), level: CaseloadLevel::Within });
        assert_eq!(caseload_status(25, t).level, CaseloadLevel::Within);
        assert_eq!(caseload_status(26, t).level, CaseloadLevel::Over);
        assert_eq!(caseload_status(40, None).level, CaseloadLevel::Within);
    }

    #[test]
    fn team_view_counts_cases_on_the_day() {
        let pack = Pack::national().with_layer(BATH_NE_SOMERSET_PACK).unwrap();
        let (team, other) = (TeamId::new(), TeamId::new());
        let (qsw, fsw, by) = (UserId::new(), UserId::new(), UserId::new());
        let day = date!(2024 - 05 - 01);
        let mut cases = Vec::new();
        for i in 0..22 {
            let mut c = CaseAllocations::new(PersonId::new());
            c.allocate(team, Some(if i < 21 { qsw } else { fsw }), date!(2024 - 01 - 01), by, None).unwrap();
            cases.push(c);
        }
        let mut moved = CaseAllocations::new(PersonId::new());
        moved.allocate(team, Some(qsw), date!(2024 - 01 - 01), by, None).unwrap();
        moved.allocate(other, None, date!(2024 - 04 - 01), by, None).unwrap();
        cases.push(moved);
        let v = team_caseload(&cases, team, &[Member { user: qsw, qualified: true }, Member { user: fsw, qualified: false }], &pack, day);
        assert_eq!(v.cases, 22);
        assert_eq!(v.unallocated, 0);
        assert_eq!(v.workers[0].1, CaseloadStatus { count: 21, min: Some(20), max: Some(25), level: CaseloadLevel::Within });
        assert_eq!(v.workers[1].1, CaseloadStatus { count: 1, min: None, max: None, level: CaseloadLevel::Within });
        assert_eq!(team_counts(&cases, day)[&other], 1);
        // On an earlier day the moved case still counted for the worker.
        assert_eq!(worker_counts(&cases, date!(2024 - 03 - 01))[&qsw], 22);
    }

    proptest! {
        /// Whatever allocations and ends are attempted, the history never overlaps and
        /// every day is held by at most one allocation.
        #[test]
        fn never_overlaps(ops in proptest::collection::vec((0i64..40, any::<bool>(), 0usize..3), 0..25)) {
            let teams = [TeamId::new(), TeamId::new(), TeamId::new()];
            let by = UserId::new();
            let start = date!(2024 - 01 - 01);
            let mut c = CaseAllocations::new(PersonId::new());
            for (off, end, t) in ops {
                let d = add_days(start, off).unwrap();
                let _ = if end { c.end(d) } else { c.allocate(teams[t], Some(UserId::new()), d, by, None).map(|_| ()) };
                prop_assert!(c.is_consistent());
            }
            for off in 0..45 {
                let d = add_days(start, off).unwrap();
                prop_assert!(c.history.iter().filter(|a| a.covers(d)).count() <= 1);
            }
        }
    }
}
