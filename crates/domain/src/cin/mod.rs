//! Children in need and child protection (issue 5; Working Together to Safeguard Children
//! 2023; seed 001 §7.1 and §7.3): the child's CIN episode from referral to closure, with its
//! CIN plans, strategy discussions, section 47 enquiries, child protection conferences, CP
//! plans and core groups, management oversight, step-down and closure.
//!
//! An [`Episode`](episode::Episode) is one aggregate: every step is checked against the
//! others (dates in order, one open plan of a kind, no enquiry without its strategy
//! discussion), and the steps due next come from the policy pack ([`steps`]). Pure: the
//! store keeps every version of the episode as its history.

pub mod change;
pub mod codes;
pub mod dashboard;
pub mod episode;
pub mod steps;

crate::ids::id_type!(
    /// A child's children-in-need episode (referral to closure).
    EpisodeId
);
crate::ids::id_type!(
    /// One step recorded inside an episode (a plan, a discussion, a conference, a meeting,
    /// an oversight note).
    StepId
);

#[cfg(test)]
mod tests;
