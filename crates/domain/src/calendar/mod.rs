//! The working-day calendar.
//!
//! A day is a *working day* unless it is a Saturday, a Sunday, an England and Wales bank
//! holiday (GOV.UK's `bank-holidays.json`, shipped in `data/calendar/`) or one of the local
//! authority's own closure days.
//!
//! The rules every timescale in Hearth follows:
//!
//! * **"Within N working days of D"** is D plus N working days, D itself not counted
//!   ([`Calendar::add_working_days`]). Counting is from the *day after* D, whether or not D
//!   is a working day: a contact on Saturday with a 1-working-day timescale is due on Monday,
//!   as is one on Friday.
//! * **Working days between FROM and TO** is the number of working days after FROM up to
//!   and including TO ([`Calendar::working_days_between`]). It is zero when TO = FROM and
//!   negative when TO is before FROM: `between(a, b) == -between(b, a)`.
//! * **Calendar months** ("within 3 months") keep the day of the month, clamped to the end of
//!   a shorter month: 31 January + 1 month = 28 February (29 in a leap year), 31 August +
//!   1 month = 30 September ([`add_months`]). A month-based date is not moved off a weekend.
//! * Dates outside the years the bank-holiday data covers are computed on weekends and
//!   closure days alone, and the result carries a [`CalendarWarning`] saying so — never a
//!   silent guess.
//!
//! Every operation is O(log h) in the number h of weekday holidays: working days are counted
//! by arithmetic on whole weeks, less a binary search in the sorted list of non-working
//! weekdays.

mod explain;
mod sources;
#[cfg(test)]
mod tests;

pub use explain::{Explanation, describe_date, describe_short_date};
pub use sources::{BankHoliday, BankHolidays, ClosureDay, ClosureDays, FileError, ImportSummary, parse_iso_date};

use std::fmt;
use time::{Date, Month, Weekday};

/// The England and Wales bank holidays shipped with Hearth (GOV.UK `bank-holidays.json`,
/// England and Wales division; Open Government Licence v3.0, see `data/calendar/README.md`).
pub const SHIPPED_BANK_HOLIDAYS: &str = include_str!("../../../../data/calendar/england-and-wales.json");

/// Why a day is not a working day.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NonWorking {
    Weekend,
    /// A bank holiday, with its GOV.UK title.
    BankHoliday(String),
    /// A local closure day, with its reason.
    Closure(String),
}

impl fmt::Display for NonWorking {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NonWorking::Weekend => f.write_str("weekend"),
            NonWorking::BankHoliday(t) => write!(f, "bank holiday: {t}"),
            NonWorking::Closure(r) => write!(f, "closure day: {r}"),
        }
    }
}

/// A calculation that reached dates the bank-holiday data does not cover.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CalendarWarning {
    /// The calculation runs past the last date with bank-holiday data: any bank holidays
    /// after it are not known and were not counted.
    AfterData { last_covered: Date },
    /// The calculation runs before the first date with bank-holiday data.
    BeforeData { first_covered: Date },
}

impl fmt::Display for CalendarWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CalendarWarning::AfterData { last_covered } => write!(
                f,
                "the bank-holiday data ends on {last_covered}: bank holidays after it are not known and were not counted (load a newer file with `hearth calendar import`)"
            ),
            CalendarWarning::BeforeData { first_covered } => write!(
                f,
                "the bank-holiday data starts on {first_covered}: bank holidays before it are not known and were not counted"
            ),
        }
    }
}

/// A date computed on the calendar, with any warning about the data it relied on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WorkingDate {
    pub date: Date,
    pub warnings: Vec<CalendarWarning>,
}

/// A number of working days, with any warning about the data it relied on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WorkingDayCount {
    pub days: i64,
    pub warnings: Vec<CalendarWarning>,
}

/// A calculation whose result is not a representable date (beyond year ±9999).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("the result is outside the dates Hearth can represent")]
pub struct OutOfRange;

/// A Monday, the origin of the weekday numbering.
const MONDAY: i64 = time::macros::date!(2001 - 01 - 01).to_julian_day() as i64;

/// Number of Mondays-to-Fridays from the origin Monday up to (not including) the day `jd`;
/// a Saturday or Sunday has the same number as the Monday after it.
fn weekday_index(jd: i64) -> i64 {
    let d = jd - MONDAY;
    d.div_euclid(7) * 5 + d.rem_euclid(7).min(5)
}

/// The Monday-to-Friday day with weekday number `w`.
fn weekday_jd(w: i64) -> Result<i64, OutOfRange> {
    w.div_euclid(5).checked_mul(7).and_then(|d| d.checked_add(MONDAY + w.rem_euclid(5))).ok_or(OutOfRange)
}

fn jd(d: Date) -> i64 {
    d.to_julian_day() as i64
}

fn from_jd(j: i64) -> Result<Date, OutOfRange> {
    i32::try_from(j).ok().and_then(|j| Date::from_julian_day(j).ok()).ok_or(OutOfRange)
}

fn is_weekend(d: Date) -> bool {
    matches!(d.weekday(), Weekday::Saturday | Weekday::Sunday)
}

/// Weekends, bank holidays and closure days; see the module documentation for the rules.
#[derive(Clone, Debug)]
pub struct Calendar {
    bank_holidays: BankHolidays,
    closures: ClosureDays,
    /// First and last date of the years the bank-holiday data covers.
    covered: (Date, Date),
    /// Sorted, distinct weekday numbers of the bank holidays and closure days that fall on
    /// a Monday to Friday.
    off: Vec<i64>,
}

impl Calendar {
    pub fn new(bank_holidays: BankHolidays, closures: ClosureDays) -> Calendar {
        let covered = bank_holidays.covered();
        let mut off: Vec<i64> = bank_holidays
            .events()
            .iter()
            .map(|e| e.date)
            .chain(closures.days().iter().map(|c| c.date))
            .filter(|d| !is_weekend(*d))
            .map(|d| weekday_index(jd(d)))
            .collect();
        off.sort_unstable();
        off.dedup();
        Calendar { bank_holidays, closures, covered, off }
    }

    /// The shipped England and Wales bank holidays and no closure days.
    pub fn shipped() -> Calendar {
        let bank = BankHolidays::from_gov_uk_json(SHIPPED_BANK_HOLIDAYS).expect("the shipped bank-holiday file is valid");
        Calendar::new(bank, ClosureDays::default())
    }

    pub fn bank_holidays(&self) -> &BankHolidays {
        &self.bank_holidays
    }

    pub fn closures(&self) -> &ClosureDays {
        &self.closures
    }

    /// First and last date (1 January, 31 December) of the years with bank-holiday data.
    pub fn covered(&self) -> (Date, Date) {
        self.covered
    }

    /// Why `date` is not a working day, or `None` when it is one. A bank holiday or closure
    /// day that falls on a weekend is reported as what it is rather than as a weekend.
    pub fn non_working(&self, date: Date) -> Option<NonWorking> {
        if let Some(t) = self.bank_holidays.title_on(date) {
            return Some(NonWorking::BankHoliday(t.to_string()));
        }
        if let Some(r) = self.closures.reason_on(date) {
            return Some(NonWorking::Closure(r.to_string()));
        }
        is_weekend(date).then_some(NonWorking::Weekend)
    }

    pub fn is_working_day(&self, date: Date) -> bool {
        if is_weekend(date) {
            return false;
        }
        self.off.binary_search(&weekday_index(jd(date))).is_err()
    }

    /// Number of working days strictly before the day `j` (counted from the origin; only
    /// differences are meaningful).
    fn working_before(&self, j: i64) -> i64 {
        let w = weekday_index(j);
        w - self.off.partition_point(|&h| h < w) as i64
    }

    /// The working day with working-day number `k` (the inverse of `working_before`).
    fn kth_working_day(&self, k: i64) -> Result<i64, OutOfRange> {
        // off[i] - i (working days before the i-th holiday) never decreases, so the holidays
        // that come before the k-th working day are exactly those with off[i] - i <= k.
        let (mut lo, mut hi) = (0usize, self.off.len());
        while lo < hi {
            let mid = (lo + hi) / 2;
            if self.off[mid] - mid as i64 <= k {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        weekday_jd(k.checked_add(lo as i64).ok_or(OutOfRange)?)
    }

    fn warnings(&self, lo: Date, hi: Date) -> Vec<CalendarWarning> {
        let mut w = Vec::new();
        if lo < self.covered.0 {
            w.push(CalendarWarning::BeforeData { first_covered: self.covered.0 });
        }
        if hi > self.covered.1 {
            w.push(CalendarWarning::AfterData { last_covered: self.covered.1 });
        }
        w
    }

    /// `date` plus `n` working days, `date` itself not counted. For n ≥ 1 the result is
    /// always a working day; n = 0 gives `date` unchanged; a negative n counts back: the
    /// |n|-th working day before `date`.
    pub fn add_working_days(&self, date: Date, n: i64) -> Result<WorkingDate, OutOfRange> {
        let j = jd(date);
        let result = match n {
            0 => return Ok(WorkingDate { date, warnings: self.warnings(date, date) }),
            n if n > 0 => {
                let k = self.working_before(j + 1).checked_add(n - 1).ok_or(OutOfRange)?;
                self.kth_working_day(k)?
            }
            n => {
                let k = self.working_before(j).checked_add(n).ok_or(OutOfRange)?;
                self.kth_working_day(k)?
            }
        };
        let result = from_jd(result)?;
        // The days looked at are those after the earlier date up to the later one.
        let (lo, hi) = if result > date { (date.next_day().unwrap_or(date), result) } else { (result, date) };
        Ok(WorkingDate { date: result, warnings: self.warnings(lo, hi) })
    }

    /// The number of working days after `from` up to and including `to`: 0 when they are
    /// the same day, negative when `to` is before `from` (`between(a, b) == -between(b, a)`).
    pub fn working_days_between(&self, from: Date, to: Date) -> WorkingDayCount {
        let days = self.working_before(jd(to) + 1) - self.working_before(jd(from) + 1);
        let (lo, hi) = if from <= to { (from, to) } else { (to, from) };
        let lo = if lo < hi { lo.next_day().unwrap_or(lo) } else { lo };
        WorkingDayCount { days, warnings: self.warnings(lo, hi) }
    }

    /// The non-working days after `from` up to and including `to` (in date order), with
    /// their reasons.
    pub fn non_working_between(&self, from: Date, to: Date) -> Vec<(Date, NonWorking)> {
        let mut out = Vec::new();
        let mut d = from;
        while d < to {
            let Some(next) = d.next_day() else { break };
            d = next;
            if let Some(r) = self.non_working(d) {
                out.push((d, r));
            }
        }
        out
    }

    /// The calculation of [`Calendar::add_working_days`] with the days it skipped, for a
    /// deadline that explains itself.
    pub fn explain_add(&self, date: Date, n: i64) -> Result<Explanation, OutOfRange> {
        let due = self.add_working_days(date, n)?;
        let skipped = if due.date >= date {
            self.non_working_between(date, due.date)
        } else {
            // Counting back: the days after the result up to the day before `date`.
            let before = date.previous_day().unwrap_or(date);
            self.non_working_between(due.date, before)
        };
        Ok(Explanation { start: date, working_days: n, due: due.date, skipped, warnings: due.warnings })
    }
}

/// `date` plus `n` calendar months, keeping the day of the month and clamping it to the end
/// of a shorter month: 31 January + 1 month = 28 February (29 in a leap year). A negative
/// `n` counts back the same way. Each addition starts from `date`, so 31 January + 2 months
/// is 31 March (not 28 March).
pub fn add_months(date: Date, n: i64) -> Result<Date, OutOfRange> {
    let index = i64::from(date.year()) * 12 + i64::from(date.month() as u8) - 1;
    let target = index.checked_add(n).ok_or(OutOfRange)?;
    let year = i32::try_from(target.div_euclid(12)).map_err(|_| OutOfRange)?;
    let month = Month::try_from((target.rem_euclid(12) + 1) as u8).map_err(|_| OutOfRange)?;
    let day = date.day().min(month.length(year));
    Date::from_calendar_date(year, month, day).map_err(|_| OutOfRange)
}

/// `date` plus `n` calendar days.
pub fn add_days(date: Date, n: i64) -> Result<Date, OutOfRange> {
    from_jd(jd(date).checked_add(n).ok_or(OutOfRange)?)
}

/// The calendar of the shipped data, built once.
pub fn shipped() -> &'static Calendar {
    static CAL: std::sync::OnceLock<Calendar> = std::sync::OnceLock::new();
    CAL.get_or_init(Calendar::shipped)
}
