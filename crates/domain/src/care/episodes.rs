//! A period of care as the worker records it — the day it began, each legal status and each
//! placement from the day it applied, and how it ended — and the episodes the DfE counts,
//! derived from it. A worker never thinks in episodes: a change of legal status, of placement
//! or of carer starts a new one, and Hearth works out which and why (SSDA903 `RNE`).
use super::codes::{CategoryOfNeed, LegalStatus, PlacementProvider, PlacementType, ReasonEpisodeCeased, ReasonNewEpisode, ReasonPlaceChange};
use super::postcode::Postcode;
use super::provider::ProviderId;
use crate::validation::FieldErrors;
use crate::codes::Coded;
use serde::{Deserialize, Serialize};
use time::Date;

/// A legal status from the day it applied.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LegalStatusFrom {
    pub from: Date,
    pub status: LegalStatus,
}

/// Where the child lived, and with whom, from a day.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Placement {
    pub from: Date,
    pub kind: PlacementType,
    pub provider: PlacementProvider,
    /// Ofsted's unique reference number for the setting, where it has one.
    pub urn: Option<String>,
    pub postcode: Option<Postcode>,
    /// Who cares for the child there: the provider's record (a foster household, a home).
    /// The same carer at a new address is a change of placement, not of carer. The type,
    /// URN and postcode above are as they were when the child was placed, so a later change
    /// to the provider's record does not rewrite the child's history.
    pub carer: ProviderId,
    /// Why the child moved here: needed for every placement after the first.
    pub reason: Option<ReasonPlaceChange>,
}

impl Placement {
    /// Whether the return would see a different placement (type, provider, URN, postcode)
    /// or a different carer.
    fn differs_from(&self, other: &Placement) -> bool {
        (self.kind, self.provider, &self.urn, &self.postcode, &self.carer) != (other.kind, other.provider, &other.urn, &other.postcode, &other.carer)
    }
}

/// How a period of care ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ending {
    pub on: Date,
    pub reason: ReasonEpisodeCeased,
}

/// A time of day to the minute, as a clock in England shows it ("14:30").
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ClockTime {
    hour: u8,
    minute: u8,
}

impl ClockTime {
    pub fn new(hour: u8, minute: u8) -> Option<ClockTime> {
        (hour < 24 && minute < 60).then_some(ClockTime { hour, minute })
    }

    pub fn hour(self) -> u8 {
        self.hour
    }

    pub fn minute(self) -> u8 {
        self.minute
    }
}

impl std::str::FromStr for ClockTime {
    type Err = &'static str;
    /// "14:30", "9:05" or "09.05"; a 24-hour clock.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        const BAD: &str = "Enter a time on the 24-hour clock, like 09:30 or 17:45";
        let (h, m) = s.trim().split_once([':', '.']).ok_or(BAD)?;
        let two = |x: &str, most: usize| if (1..=most).contains(&x.len()) && x.bytes().all(|b| b.is_ascii_digit()) { x.parse::<u8>().ok() } else { None };
        match (two(h, 2), two(m, 2).filter(|_| m.len() == 2)) {
            (Some(h), Some(m)) => ClockTime::new(h, m).ok_or(BAD),
            _ => Err(BAD),
        }
    }
}

impl std::fmt::Display for ClockTime {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:02}:{:02}", self.hour, self.minute)
    }
}

impl TryFrom<String> for ClockTime {
    type Error = &'static str;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl From<ClockTime> for String {
    fn from(t: ClockTime) -> String {
        t.to_string()
    }
}

/// One period of being looked after, from the day it began to the day it ended (if it has).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PeriodOfCare {
    pub start: Date,
    /// The time the child became looked after, where it was recorded (a child placed late
    /// at night: the emergency duty team's records show the hour).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_time: Option<ClockTime>,
    pub need: CategoryOfNeed,
    /// The postcode of the home the child was looked after from.
    pub home_postcode: Option<Postcode>,
    /// In date order; the first from the day care began.
    pub legal_statuses: Vec<LegalStatusFrom>,
    /// In date order; the first from the day care began.
    pub placements: Vec<Placement>,
    pub ended: Option<Ending>,
    /// Plans, reviews and the rest recorded during the period.
    #[serde(default)]
    pub planning: super::planning::Planning,
}

/// One episode of care: a row of the SSDA903 episodes table.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Episode {
    pub start: Date,
    pub reason_new: ReasonNewEpisode,
    pub legal_status: LegalStatus,
    pub need: CategoryOfNeed,
    pub placement: Placement,
    /// Why the placement changed, when it did at this episode's start.
    pub reason_place_change: Option<ReasonPlaceChange>,
    pub home_postcode: Option<Postcode>,
    pub end: Option<Date>,
    pub reason_ceased: Option<ReasonEpisodeCeased>,
}

/// The youngest a child may be held under the youth justice system (J1 to J3).
const CRIMINAL_RESPONSIBILITY: u8 = 10;
/// No care order (C1, C2) is made for a young person of this age or over.
const CARE_ORDER_LIMIT: u8 = 17;

impl PeriodOfCare {
    /// A series of short breaks (V3, V4) rather than full care.
    pub fn is_short_breaks(&self) -> bool {
        self.legal_statuses.first().is_some_and(|l| l.status.is_short_break())
    }

    /// Everything wrong with the period as recorded, each naming its field; `born`: the
    /// child's date of birth, when known, for the statuses an age rules out.
    pub fn check(&self, born: Option<Date>) -> Result<(), FieldErrors> {
        let mut e = FieldErrors::new();
        if let Some(b) = born.filter(|b| self.start < *b) {
            e.add("start", format!("Care cannot begin before the child was born ({b})"));
        }
        if let Some(end) = self.ended {
            if end.on < self.start {
                e.add("ended.on", "The period of care cannot end before it began");
            }
            if end.reason == ReasonEpisodeCeased::NewEpisode {
                e.add("ended.reason", "Choose why the child stopped being looked after");
            }
        }
        // An end before the start is its own error: the changes are not also "after care ended".
        let last_day = self.ended.map(|x| x.on).filter(|d| *d >= self.start);
        match self.legal_statuses.first() {
            None => e.add("legal_statuses", "Record the legal status the child became looked after under"),
            Some(first) if first.from != self.start => e.add("legal_statuses[0].from", "The first legal status applies from the day care began"),
            Some(_) => {}
        }
        for (i, pair) in self.legal_statuses.windows(2).enumerate() {
            if pair[1].from <= pair[0].from {
                e.add(format!("legal_statuses[{}].from", i + 1), "Each legal status must begin after the one before it");
            }
        }
        let short_breaks = self.legal_statuses.iter().filter(|l| l.status.is_short_break()).count();
        if short_breaks > 0 && short_breaks < self.legal_statuses.len() {
            e.add("legal_statuses", "A series of short breaks (V3, V4) is recorded on its own, not within a period of full care");
        }
        for (i, l) in self.legal_statuses.iter().enumerate() {
            if last_day.is_some_and(|d| l.from > d) {
                e.add(format!("legal_statuses[{i}].from"), "This legal status begins after care ended");
            }
            let Some(age) = born.and_then(|b| crate::person::age_on(b, l.from)) else { continue };
            if l.status.is_youth_justice() && age < i32::from(CRIMINAL_RESPONSIBILITY) {
                e.add(format!("legal_statuses[{i}].status"), format!("{} ({}) is only for a child of {CRIMINAL_RESPONSIBILITY} or over; the child was {age}", l.status.label(), l.status.code()));
            }
            if l.status.is_care_order() && age >= i32::from(CARE_ORDER_LIMIT) {
                e.add(format!("legal_statuses[{i}].status"), format!("A care order cannot be made for a young person of {CARE_ORDER_LIMIT} or over; they were {age}"));
            }
        }
        match self.placements.first() {
            None => e.add("placements", "Record where the child was placed when care began"),
            Some(first) if first.from != self.start => e.add("placements[0].from", "The first placement begins on the day care began"),
            Some(_) => {}
        }
        for (i, p) in self.placements.iter().enumerate() {
            let field = |f: &str| format!("placements[{i}].{f}");
            if i > 0 && p.from <= self.placements[i - 1].from {
                e.add(field("from"), "Placements cannot overlap: each begins after the one before it");
            }
            if last_day.is_some_and(|d| p.from > d) {
                e.add(field("from"), "This placement begins after care ended");
            }
            if i > 0 && p.reason.is_none() {
                e.add(field("reason"), "Choose why the child moved");
            }
            if let Some(urn) = p.urn.as_deref().filter(|u| !super::provider::is_urn(u)) {
                e.add(field("urn"), format!("{urn:?} is not an Ofsted URN: SC and six digits, like SC123456"));
            }
        }
        e.into_result()
    }

    /// The episodes of care the period makes, in order. Expects a period that passes `check`.
    pub fn episodes(&self) -> Vec<Episode> {
        let mut days: Vec<Date> = self.legal_statuses.iter().map(|l| l.from).chain(self.placements.iter().map(|p| p.from)).filter(|d| *d >= self.start).collect();
        days.sort();
        days.dedup();
        let mut out: Vec<Episode> = Vec::new();
        for day in days {
            let (Some(status), Some(placement)) = (in_force(&self.legal_statuses, day, |l| l.from), in_force(&self.placements, day, |p| p.from)) else { continue };
            let (reason_new, moved) = match out.last() {
                None => (ReasonNewEpisode::Started, false),
                Some(prev) => {
                    let status_changed = prev.legal_status != status.status;
                    let moved = prev.placement.differs_from(placement);
                    let new_carer = prev.placement.carer != placement.carer;
                    let reason = match (status_changed, moved, new_carer) {
                        (false, false, _) => continue,
                        (true, false, _) => ReasonNewEpisode::LegalStatus,
                        (false, true, true) => ReasonNewEpisode::PlacementAndCarer,
                        (false, true, false) => ReasonNewEpisode::PlacementSameCarer,
                        (true, true, true) => ReasonNewEpisode::LegalStatusPlacementAndCarer,
                        (true, true, false) => ReasonNewEpisode::LegalStatusAndPlacementSameCarer,
                    };
                    (reason, moved)
                }
            };
            if let Some(prev) = out.last_mut() {
                prev.end = Some(day);
                prev.reason_ceased = Some(ReasonEpisodeCeased::NewEpisode);
            }
            out.push(Episode {
                start: day,
                reason_new,
                legal_status: status.status,
                need: self.need,
                placement: placement.clone(),
                reason_place_change: if moved { placement.reason } else { None },
                home_postcode: self.home_postcode.clone(),
                end: None,
                reason_ceased: None,
            });
        }
        if let (Some(last), Some(end)) = (out.last_mut(), self.ended) {
            last.end = Some(end.on);
            last.reason_ceased = Some(end.reason);
        }
        out
    }
}

impl PeriodOfCare {
    /// Whether the child is looked after in this period on `day`.
    pub fn covers(&self, day: Date) -> bool {
        self.start <= day && self.ended.is_none_or(|e| day <= e.on)
    }

    /// The placement the child is in on `day`, if this period covers it.
    pub fn placement_on(&self, day: Date) -> Option<&Placement> {
        in_force(&self.placements, day, |p| p.from).filter(|_| self.covers(day))
    }

    /// The day the child began living with the carers they are with on `day`: a change of
    /// placement type or address with the same carers is not a new home for the child.
    pub fn with_carer_since(&self, day: Date) -> Option<Date> {
        let now = self.placement_on(day)?;
        let upto = self.placements.iter().filter(|p| p.from <= now.from);
        upto.rev().take_while(|p| p.carer == now.carer).last().map(|p| p.from)
    }

    /// The legal status in force on `day`, if this period covers it.
    pub fn legal_status_on(&self, day: Date) -> Option<LegalStatus> {
        in_force(&self.legal_statuses, day, |l| l.from).filter(|_| self.covers(day)).map(|l| l.status)
    }
}

/// The legal status a child is looked after under on `day` and the day that period of care
/// began; `None` when they are not looked after that day.
pub fn looked_after_on(periods: &[PeriodOfCare], day: Date) -> Option<(LegalStatus, Date)> {
    let p = periods.iter().find(|p| p.covers(day))?;
    Some((p.legal_status_on(day)?, p.start))
}

/// The entry of `items` (in date order) in force on `day`.
fn in_force<T>(items: &[T], day: Date, from: impl Fn(&T) -> Date) -> Option<&T> {
    items.iter().take_while(|x| from(x) <= day).last()
}

/// Checks a child's periods of care together: in order, none overlapping another, only the
/// last still open. Field names are `periods[i]`.
pub fn check_periods(periods: &[PeriodOfCare]) -> Result<(), FieldErrors> {
    let mut e = FieldErrors::new();
    for (i, pair) in periods.windows(2).enumerate() {
        let (a, b) = (&pair[0], &pair[1]);
        match a.ended {
            None => e.add(format!("periods[{i}].ended"), format!("The period of care from {} has not ended, so another cannot begin on {}", a.start, b.start)),
            Some(end) if b.start <= end.on => e.add(format!("periods[{}].start", i + 1), format!("Periods of care cannot overlap: the one from {} ended on {}", a.start, end.on)),
            Some(_) => {}
        }
    }
    e.into_result()
}

#[cfg(test)]
mod tests;
