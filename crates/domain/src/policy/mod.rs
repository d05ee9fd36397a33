//! Policy packs: timescales and thresholds as versioned data (`data/policy/`, format in
//! `data/policy/README.md`).
//!
//! A *pack* is a TOML file. The national pack holds the statutory and national defaults and
//! says which timescales are statutory; a *local layer* (`extends = "national"`) overrides
//! and adds to it. A local layer may only tighten a statutory timescale: loosening one is a
//! validation error. The *effective* pack — national with the local layer on top — is a
//! [`Pack`] too. Every check names the line, column and field of the offending value; a pack
//! with any error is not loaded ([`ActivePolicy`] keeps the previous one).
//!
//! A [`Deadline`] computed from a pack records the pack's name and version (and those of
//! the national pack under a local layer), so changing the pack later does not silently move
//! an existing deadline.

mod parse;
mod render;
#[cfg(test)]
mod tests;

pub use parse::{EVENTS, layer_extends};

use crate::calendar::{self, Calendar, CalendarWarning, FileError, OutOfRange};
use indexmap::IndexMap;
use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;
use std::sync::Arc;
use time::{Date, Duration, PrimitiveDateTime};

/// The national pack shipped with Hearth (`data/policy/national.toml`).
pub const NATIONAL_PACK: &str = include_str!("../../../../data/policy/national.toml");

/// The local layer for Bath & North East Somerset (seed 001), `data/policy/bath-ne-somerset.toml`.
pub const BATH_NE_SOMERSET_PACK: &str = include_str!("../../../../data/policy/bath-ne-somerset.toml");

/// The unit of a timescale.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Unit {
    /// Working days of the calendar (weekends, bank holidays and closure days skipped).
    WorkingDays,
    /// Calendar days.
    CalendarDays,
    /// Clock hours from the moment the clock starts (not working hours).
    Hours,
    /// Weeks of 7 calendar days.
    Weeks,
    /// Calendar months, day of the month clamped to the month's end
    /// ([`calendar::add_months`]).
    Months,
}

impl Unit {
    fn words(self) -> (&'static str, &'static str) {
        match self {
            Unit::WorkingDays => ("working day", "working days"),
            Unit::CalendarDays => ("calendar day", "calendar days"),
            Unit::Hours => ("hour", "hours"),
            Unit::Weeks => ("week", "weeks"),
            Unit::Months => ("month", "months"),
        }
    }

    /// Shortest and longest length of `amount` of this unit, in days when neither side of a
    /// comparison is in hours, otherwise in hours. A deadline in days is due at the end of
    /// its day, so against a clock-time start it may run up to a day longer. `None`: no upper
    /// bound — working days can be stretched by any number of holidays and closures.
    fn bounds(self, amount: u64, in_hours: bool) -> (u64, Option<u64>) {
        let (min, max) = match self {
            Unit::Hours => return (amount, Some(amount)),
            Unit::WorkingDays => (amount, None),
            Unit::CalendarDays => (amount, Some(amount)),
            // Like months, a week's deadline moves back at most 4 days to a working day.
            Unit::Weeks => ((7 * amount).saturating_sub(MONTH_DEADLINE_MOVE), Some(7 * amount)),
            // m months average 30.436875 days each (the Gregorian year over 12); a run of m
            // months is at most 3 days shorter than that (February, and a 31st clamped to a
            // shorter month's end), and a deadline on a weekend or bank holiday moves back
            // at most 4 days to a working day. Never longer than 31 days a month.
            Unit::Months => ((amount * 30_436_875 / 1_000_000).saturating_sub(3 + MONTH_DEADLINE_MOVE), Some(31 * amount)),
        };
        if in_hours { (24 * min, max.map(|m| 24 * m + 24)) } else { (min, max) }
    }
}

/// The most days a month-based deadline moves back to a working day: from a Monday bank
/// holiday over the weekend and Good Friday, or from Boxing Day's substitute over Christmas.
const MONTH_DEADLINE_MOVE: u64 = 4;

/// The longest timescale a pack may state, in any unit.
pub const MAX_AMOUNT: u32 = 100_000;

/// An amount of time with its unit: "45 working days", "24 hours", "3 months".
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Timespan {
    pub amount: u32,
    pub unit: Unit,
}

impl fmt::Display for Timespan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (one, many) = self.unit.words();
        write!(f, "{} {}", self.amount, if self.amount == 1 { one } else { many })
    }
}

impl FromStr for Timespan {
    type Err = String;

    /// "45 working days", "1 working day", "10 calendar days", "24 hours", "16 weeks",
    /// "3 months". A bare "days" is refused: say which kind.
    fn from_str(s: &str) -> Result<Timespan, String> {
        let s = s.trim();
        let (number, unit) = s.split_once(char::is_whitespace).unwrap_or((s, ""));
        let unit = unit.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase();
        let amount: i64 = number.parse().map_err(|_| format!("\"{s}\" is not a timescale: write a whole number and a unit, e.g. \"45 working days\""))?;
        if amount < 0 {
            return Err(format!("negative timescale \"{s}\": a timescale is a length of time after its start"));
        }
        let unit = match unit.as_str() {
            "working day" | "working days" => Unit::WorkingDays,
            "calendar day" | "calendar days" => Unit::CalendarDays,
            "hour" | "hours" => Unit::Hours,
            "week" | "weeks" => Unit::Weeks,
            "month" | "months" => Unit::Months,
            "" => return Err(format!("\"{s}\" has no unit: use working days, calendar days, hours, weeks or months")),
            "day" | "days" => return Err(format!("unit \"{unit}\" is ambiguous: say \"working days\" or \"calendar days\"")),
            "year" | "years" => return Err(format!("unknown unit \"{unit}\": write years as months, e.g. \"12 months\"")),
            other => return Err(format!("unknown unit \"{other}\": use working days, calendar days, hours, weeks or months")),
        };
        if amount > i64::from(MAX_AMOUNT) {
            return Err(format!("\"{s}\" is longer than any timescale Hearth accepts ({MAX_AMOUNT})"));
        }
        Ok(Timespan { amount: amount as u32, unit })
    }
}

impl Timespan {
    pub fn new(amount: u32, unit: Unit) -> Timespan {
        Timespan { amount, unit }
    }

    /// Compares two timespans when the order holds whatever the start: the same unit compares
    /// amounts; otherwise calendar days and weeks convert exactly, a month is 28 to 31 days, a
    /// working day at least a day, and a day-based deadline (due at the end of its day) is
    /// 24 to 48 hours per day against hours. `Less` means "never later", `Greater` "never
    /// earlier"; `None` when the order depends on the start (13 weeks against 3 months,
    /// 20 working days against 4 weeks).
    pub fn compare(self, other: Timespan) -> Option<Ordering> {
        if self.unit == other.unit {
            return Some(self.amount.cmp(&other.amount));
        }
        let in_hours = self.unit == Unit::Hours || other.unit == Unit::Hours;
        let (amin, amax) = self.unit.bounds(u64::from(self.amount), in_hours);
        let (bmin, bmax) = other.unit.bounds(u64::from(other.amount), in_hours);
        let exact_equal = amax == Some(amin) && bmax == Some(bmin) && amin == bmin;
        if exact_equal {
            Some(Ordering::Equal)
        } else if amax.is_some_and(|x| x <= bmin) {
            Some(Ordering::Less)
        } else if bmax.is_some_and(|x| x <= amin) {
            Some(Ordering::Greater)
        } else {
            None
        }
    }

    /// When this timespan after `start` ends. Working days and calendar units give a date
    /// (a date-and-time start is taken at its date); hours need a time to start from.
    pub fn after(self, start: Start, cal: &Calendar) -> Result<(Due, Vec<CalendarWarning>), DeadlineError> {
        let n = i64::from(self.amount);
        let date = start.date();
        Ok(match self.unit {
            Unit::WorkingDays => {
                let r = cal.add_working_days(date, n)?;
                (Due::Date(r.date), r.warnings)
            }
            Unit::CalendarDays => (Due::Date(calendar::add_days(date, n)?), Vec::new()),
            Unit::Weeks => (Due::Date(last_working_day(calendar::add_days(date, n * 7)?, cal)?), Vec::new()),
            Unit::Months => (Due::Date(last_working_day(calendar::add_months(date, n)?, cal)?), Vec::new()),
            Unit::Hours => match start {
                Start::DateTime(t) => (Due::DateTime(t.checked_add(Duration::hours(n)).ok_or(DeadlineError::OutOfRange)?), Vec::new()),
                Start::Date(_) => return Err(DeadlineError::NeedsTime),
            },
        })
    }
}

/// A deadline of weeks or months that falls on a weekend or bank holiday comes back to the
/// last day before it that is neither (a review "within 3 months", a visit "within a week"
/// done on the Friday is in time, on the Monday it is late). Local closure days do not move
/// it: they are not bounded.
fn last_working_day(mut d: Date, cal: &Calendar) -> Result<Date, DeadlineError> {
    while matches!(cal.non_working(d), Some(calendar::NonWorking::Weekend | calendar::NonWorking::BankHoliday(_))) {
        d = d.previous_day().ok_or(DeadlineError::OutOfRange)?;
    }
    Ok(d)
}

/// Why the days after `due` up to `on` are off, latest first: "Sat 26 Dec is at the weekend
/// and Fri 25 Dec is a bank holiday (Christmas Day)". Weekend days after the first are
/// understood.
fn days_off(cal: &Calendar, due: Date, on: Date) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut d = on;
    while d > due {
        let what = match cal.non_working(d) {
            Some(calendar::NonWorking::Weekend) if !parts.is_empty() => None,
            Some(calendar::NonWorking::Weekend) => Some("at the weekend".to_string()),
            Some(calendar::NonWorking::BankHoliday(t)) => Some(format!("a bank holiday ({t})")),
            Some(calendar::NonWorking::Closure(r)) => Some(format!("a closure day ({r})")),
            None => break,
        };
        if let Some(what) = what {
            parts.push(format!("{} is {what}", calendar::describe_short_date(d, due)));
        }
        match d.previous_day() {
            Some(p) => d = p,
            None => break,
        }
    }
    match parts.split_last() {
        Some((last, init)) if !init.is_empty() => format!("{} and {last}", init.join(", ")),
        _ => parts.join(""),
    }
}

/// When the clock of a timescale starts: a date, or a date and a local (England) time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Start {
    Date(Date),
    DateTime(PrimitiveDateTime),
}

impl Start {
    pub fn date(self) -> Date {
        match self {
            Start::Date(d) => d,
            Start::DateTime(t) => t.date(),
        }
    }
}

/// When a deadline falls: the end of a day, or a moment (for timescales in hours).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Due {
    Date(Date),
    DateTime(PrimitiveDateTime),
}

impl Due {
    pub fn date(self) -> Date {
        match self {
            Due::Date(d) => d,
            Due::DateTime(t) => t.date(),
        }
    }
}

impl fmt::Display for Due {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Due::Date(d) => write!(f, "{d}"),
            Due::DateTime(t) => write!(f, "{} {:02}:{:02}", t.date(), t.hour(), t.minute()),
        }
    }
}

/// A timescale of a pack, with the layer that last set it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Timescale {
    pub key: String,
    pub title: String,
    /// The event the clock starts at ([`EVENTS`]) or the key of another timescale (its step
    /// being completed).
    pub from: String,
    /// Due this long after `from`. When absent, the first occurrence is due `repeat` after it.
    pub within: Option<Timespan>,
    /// The second, third … occurrences: each due this long after the previous one.
    pub then: Vec<Timespan>,
    /// Every later occurrence: due at most this long after the previous one.
    pub repeat: Option<Timespan>,
    /// One extension of up to this long may be granted.
    pub extension: Option<Timespan>,
    /// Set in law or statutory guidance: a local layer may only tighten it.
    pub statutory: bool,
    /// When missed, the practitioner must record why.
    pub missed_needs_explanation: bool,
    pub source: Option<String>,
    pub note: Option<String>,
    /// The pack (layer) whose values these are.
    pub defined_by: PackRef,
}

impl Timescale {
    /// The interval for the `occurrence`-th time (from 1): `within` (or `repeat`) after the
    /// start event, then `then[0]`, `then[1]` … after the previous one, then `repeat`.
    pub fn interval(&self, occurrence: u32) -> Option<Timespan> {
        match occurrence {
            0 => None,
            1 => self.within.or(self.repeat),
            k => self.then.get(k as usize - 2).copied().or(self.repeat),
        }
    }
}

/// A threshold of a pack, e.g. cases per qualified social worker.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Threshold {
    pub key: String,
    pub title: String,
    pub min: Option<u32>,
    pub max: Option<u32>,
    pub source: Option<String>,
    pub note: Option<String>,
    pub defined_by: PackRef,
}

impl Threshold {
    /// Where a value stands against the threshold.
    pub fn check(&self, value: u32) -> Ordering {
        if self.min.is_some_and(|m| value < m) {
            Ordering::Less
        } else if self.max.is_some_and(|m| value > m) {
            Ordering::Greater
        } else {
            Ordering::Equal
        }
    }
}

/// A range as a person reads it: "20 to 25", "at least 2", "at most 25"; empty when open.
pub fn describe_range(min: Option<u32>, max: Option<u32>) -> String {
    match (min, max) {
        (Some(a), Some(b)) => format!("{a} to {b}"),
        (Some(a), None) => format!("at least {a}"),
        (None, Some(b)) => format!("at most {b}"),
        (None, None) => String::new(),
    }
}

/// A pack's name and version.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct PackRef {
    pub name: String,
    pub version: String,
}

impl fmt::Display for PackRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.name, self.version)
    }
}

/// A validated pack: the national pack, or the effective pack of a local layer on it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pack {
    pub name: String,
    pub version: String,
    pub description: Option<String>,
    /// The pack this one was layered on (for an effective pack).
    pub base: Option<PackRef>,
    pub timescales: IndexMap<String, Timescale>,
    pub thresholds: IndexMap<String, Threshold>,
}

impl Pack {
    /// A complete pack (one without `extends`), such as the national pack.
    pub fn parse(text: &str) -> Result<Pack, Vec<FileError>> {
        parse::parse_base(text)
    }

    /// The national pack shipped with Hearth.
    pub fn national() -> Pack {
        Pack::parse(NATIONAL_PACK).expect("the shipped national pack is valid")
    }

    /// The effective pack of a local layer (`extends` naming this pack) on this one.
    pub fn with_layer(&self, text: &str) -> Result<Pack, Vec<FileError>> {
        parse::apply_layer(self, text)
    }

    /// Checks a pack file: a local layer against this pack as its base, or a complete pack
    /// on its own.
    pub fn check(&self, text: &str) -> Result<Pack, Vec<FileError>> {
        if layer_extends(text).is_some() { self.with_layer(text) } else { Pack::parse(text) }
    }

    pub fn id(&self) -> PackRef {
        PackRef { name: self.name.clone(), version: self.version.clone() }
    }

    /// The pack as a complete TOML pack file (loadable on its own with [`Pack::parse`]).
    pub fn to_toml(&self) -> String {
        render::to_toml(self)
    }

    pub fn timescale(&self, key: &str) -> Option<&Timescale> {
        self.timescales.get(key)
    }

    pub fn threshold(&self, key: &str) -> Option<&Threshold> {
        self.thresholds.get(key)
    }

    /// The deadline of the `occurrence`-th time (from 1) of timescale `rule`, its clock
    /// started at `start` (the `from` event for the first, the previous occurrence after).
    pub fn deadline(&self, rule: &str, occurrence: u32, start: Start, cal: &Calendar) -> Result<Deadline, DeadlineError> {
        let t = self.timescales.get(rule).ok_or_else(|| DeadlineError::UnknownRule(rule.to_string()))?;
        let within = t.interval(occurrence).ok_or(DeadlineError::NoSuchOccurrence(occurrence))?;
        let (due, warnings) = within.after(start, cal)?;
        let from = if occurrence <= 1 { humanise(&t.from) } else { format!("previous {}", t.title.to_lowercase()) };
        Ok(Deadline {
            rule: rule.to_string(),
            occurrence,
            from,
            start,
            within,
            due,
            pack: self.name.clone(),
            pack_version: self.version.clone(),
            base: self.base.clone(),
            warnings,
        })
    }
}

/// "initial_child_protection_conference" → "initial child protection conference".
pub fn humanise(key: &str) -> String {
    key.replace('_', " ")
}

/// Why a deadline could not be computed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum DeadlineError {
    #[error("the pack has no timescale called {0}")]
    UnknownRule(String),
    #[error("the timescale has no occurrence {0}")]
    NoSuchOccurrence(u32),
    #[error("a timescale in hours needs the time its clock started, not only the date")]
    NeedsTime,
    #[error("the deadline is outside the dates Hearth can represent")]
    OutOfRange,
}

impl From<OutOfRange> for DeadlineError {
    fn from(_: OutOfRange) -> Self {
        DeadlineError::OutOfRange
    }
}

/// A computed deadline. It keeps the rule, its inputs and the pack (name and version, and
/// the base pack's under a local layer) that produced it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Deadline {
    pub rule: String,
    pub occurrence: u32,
    /// What the clock started at, in words ("contact", "previous looked-after child review").
    pub from: String,
    pub start: Start,
    pub within: Timespan,
    pub due: Due,
    pub pack: String,
    pub pack_version: String,
    pub base: Option<PackRef>,
    /// Set when the calculation reached dates without bank-holiday data.
    pub warnings: Vec<CalendarWarning>,
}

impl Deadline {
    /// "due Wed 27 Dec 2023 — 1 working day after the contact on Fri 22 Dec (25 and 26 Dec
    /// are bank holidays)".
    pub fn explain(&self, cal: &Calendar) -> String {
        use calendar::{describe_date, describe_short_date};
        match (self.within.unit, self.due, self.start) {
            (Unit::WorkingDays, _, start) => match cal.explain_add(start.date(), i64::from(self.within.amount)) {
                Ok(e) => e.describe(&self.from),
                Err(_) => format!("due {} — {} after the {}", self.due, self.within, self.from),
            },
            (_, Due::DateTime(due), Start::DateTime(start)) => format!(
                "due {} {:02}:{:02} — {} after the {} on {} {:02}:{:02}",
                describe_date(due.date()),
                due.hour(),
                due.minute(),
                self.within,
                self.from,
                describe_short_date(start.date(), due.date()),
                start.hour(),
                start.minute()
            ),
            (unit, due, start) => {
                let base = format!("due {} — {} after the {} on {}", describe_date(due.date()), self.within, self.from, describe_short_date(start.date(), due.date()));
                // Say why a month-based deadline is earlier than the calendar says.
                let on = calendar::add_months(start.date(), i64::from(self.within.amount)).ok().filter(|d| unit == Unit::Months && *d > due.date());
                match on {
                    Some(on) => format!("{base} ({}, so the working day before)", days_off(cal, due.date(), on)),
                    None => base,
                }
            }
        }
    }

    /// "bath-ne-somerset 2026.1 (on national 2026.1)".
    pub fn pack_label(&self) -> String {
        match &self.base {
            Some(b) => format!("{} {} (on {b})", self.pack, self.pack_version),
            None => format!("{} {}", self.pack, self.pack_version),
        }
    }
}

/// Which file of a pack failed to load.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PackLoadError {
    /// The base (national) pack.
    Base(Vec<FileError>),
    /// The local layer.
    Local(Vec<FileError>),
}

/// Loads the effective pack from the base pack's text and an optional local layer's.
pub fn load(base: &str, local: Option<&str>) -> Result<Pack, PackLoadError> {
    let base = Pack::parse(base).map_err(PackLoadError::Base)?;
    match local {
        None => Ok(base),
        Some(text) => base.check(text).map_err(PackLoadError::Local),
    }
}

/// The pack in force. A reload that fails validation leaves the previous pack in force.
#[derive(Clone, Debug)]
pub struct ActivePolicy {
    current: Arc<Pack>,
}

impl ActivePolicy {
    pub fn new(pack: Pack) -> ActivePolicy {
        ActivePolicy { current: Arc::new(pack) }
    }

    pub fn current(&self) -> Arc<Pack> {
        self.current.clone()
    }

    /// Validates and switches to a new pack; on any error the current pack stays.
    pub fn reload(&mut self, base: &str, local: Option<&str>) -> Result<Arc<Pack>, PackLoadError> {
        let pack = load(base, local)?;
        self.current = Arc::new(pack);
        Ok(self.current.clone())
    }
}
