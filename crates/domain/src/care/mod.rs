//! Children in care (issue 17): the DfE's code lists for children looked after, UK
//! postcodes, and periods of care with the episodes the SSDA903 return counts, derived from
//! what the worker records.
pub mod codes;
pub mod contact;
pub mod decision;
pub mod dashboard;
pub mod distance;
pub mod episodes;
pub mod leavers_dashboard;
pub mod leaving;
pub mod pathway;
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

impl CarePeriodRecord {
    /// The record as a list reads it (`CarePeriodOutline`): of what was recorded during the
    /// period, only the missing episodes, the UASC status and the IRO.
    pub fn outline(&self) -> CarePeriodRecord {
        let p = &self.period;
        let planning = planning::Planning { missing: p.planning.missing.clone(), uasc: p.planning.uasc, iro: p.planning.iro.clone(), ..Default::default() };
        let period = episodes::PeriodOfCare {
            start: p.start,
            start_time: p.start_time,
            need: p.need,
            home_postcode: p.home_postcode.clone(),
            legal_statuses: p.legal_statuses.clone(),
            placements: p.placements.clone(),
            ended: p.ended,
            planning,
        };
        CarePeriodRecord { id: self.id, child: self.child, period }
    }
}

/// A period of care read for a list of children: the period, its legal statuses, placements
/// and ending, and of what was recorded during it only the missing episodes, the UASC
/// status and the IRO; the rest of its document (reviews, health, education, family time) is skipped
/// unread, which is most of the work of reading every child's periods.
#[derive(Deserialize)]
pub struct CarePeriodOutline {
    id: CarePeriodId,
    child: PersonId,
    period: PeriodOutline,
}

#[derive(Deserialize)]
struct PeriodOutline {
    start: time::Date,
    #[serde(default)]
    start_time: Option<episodes::ClockTime>,
    need: codes::CategoryOfNeed,
    home_postcode: Option<postcode::Postcode>,
    legal_statuses: Vec<episodes::LegalStatusFrom>,
    placements: Vec<episodes::Placement>,
    ended: Option<episodes::Ending>,
    #[serde(default)]
    planning: PlanningOutline,
}

#[derive(Default, Deserialize)]
#[serde(default)]
struct PlanningOutline {
    missing: Vec<planning::MissingEpisode>,
    uasc: Option<planning::Uasc>,
    iro: Option<planning::NamedIro>,
}

impl From<CarePeriodOutline> for CarePeriodRecord {
    fn from(o: CarePeriodOutline) -> Self {
        let p = o.period;
        let plan = p.planning;
        CarePeriodRecord {
            id: o.id,
            child: o.child,
            period: episodes::PeriodOfCare {
                start: p.start,
                start_time: p.start_time,
                need: p.need,
                home_postcode: p.home_postcode,
                legal_statuses: p.legal_statuses,
                placements: p.placements,
                ended: p.ended,
                planning: planning::Planning { missing: plan.missing, uasc: plan.uasc, iro: plan.iro, ..Default::default() },
            },
        }
    }
}
