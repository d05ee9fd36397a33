//! Children in care (issue 17): the DfE's code lists for children looked after, UK
//! postcodes, and periods of care with the episodes the SSDA903 return counts, derived from
//! what the worker records.
pub mod codes;
pub mod dashboard;
pub mod episodes;
pub mod planning;
pub mod postcode;
pub mod provider;
pub mod steps;
pub mod wellbeing;

use crate::ids::id_type;
use crate::PersonId;
use serde::{Deserialize, Serialize};

id_type!(
    /// A period of care.
    CarePeriodId
);

/// A child's period of care as it is kept.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CarePeriodRecord {
    pub id: CarePeriodId,
    pub child: PersonId,
    pub period: episodes::PeriodOfCare,
}
