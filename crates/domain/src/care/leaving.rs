//! Care-leaver status (issue 18): eligible, relevant, former relevant, qualifying or none,
//! derived from the date of birth and the periods of care, never typed by a worker.
//!
//! The law: the Children Act 1989 schedule 2 paragraph 19B (eligible), sections 23A (relevant),
//! 23C (former relevant) and 24 (qualifying); the Care Planning, Placement and Case Review
//! (England) Regulations 2010 regulations 40 and 48 (13 weeks since 14; pre-planned short
//! breaks disregarded); the Care Leavers (England) Regulations 2010 regulation 3 (a young
//! person in custody or hospital at 16 is relevant; one back home with their family for six
//! months is not).
use crate::person::age_on;
use serde::Serialize;
use thiserror::Error;
use time::{Date, Duration, Month};

/// Days looked after since the 14th birthday that make a child eligible: 13 weeks.
pub const QUALIFYING_DAYS: i64 = 13 * 7;
/// A short break longer than this is care like any other (regulation 48: "none of which
/// individually exceeds four weeks").
pub const SHORT_BREAK_MAX_DAYS: i64 = 28;

/// A spell of being looked after, as the status rules read it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Spell {
    pub from: Date,
    /// The day care ended (not looked after that night); `None` while it lasts.
    pub to: Option<Date>,
    /// One of a pre-planned series of short breaks, returning home after each.
    pub short_break: bool,
    /// Care ended with a return home to a parent or someone with parental responsibility.
    pub returned_home: bool,
}

impl Spell {
    /// Whether the rules count it on `on`: short breaks of at most four weeks (so far, for
    /// one still going) are disregarded.
    fn counts(&self, on: Date) -> bool {
        !self.short_break || (self.end_on(on) - self.from).whole_days() > SHORT_BREAK_MAX_DAYS
    }

    fn end_on(&self, on: Date) -> Date {
        self.to.map_or(on, |to| to.min(on))
    }
}

/// What the status is worked out from.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LeavingFacts {
    pub born: Option<Date>,
    pub spells: Vec<Spell>,
    /// In education or training: a qualifying young person is helped to 25 instead of 21.
    pub in_education: bool,
    /// In custody or hospital on the 16th birthday (Care Leavers Regulations, regulation 3(2)).
    pub detained_at_16: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Eligible,
    Relevant,
    FormerRelevant,
    Qualifying,
    None,
}

impl Status {
    pub fn code(self) -> &'static str {
        match self {
            Status::Eligible => "eligible",
            Status::Relevant => "relevant",
            Status::FormerRelevant => "former relevant",
            Status::Qualifying => "qualifying",
            Status::None => "none",
        }
    }
}

/// A status with the reason, in words a worker can check against the record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Derived {
    pub status: Status,
    pub reason: String,
    /// Days looked after since the 14th birthday, short breaks left out, up to the day asked.
    pub days_since_14: i64,
}

#[derive(Debug, Error, PartialEq, Eq)]
pub enum LeavingError {
    #[error("The date of birth is not known")]
    NoBirthDate,
    #[error("The status is asked for on {0}, before the young person was born")]
    BeforeBirth(Date),
    #[error("A period of care ends on {to} before it begins on {from}")]
    Reversed { from: Date, to: Date },
    #[error("Two periods of care overlap: one from {0}, another from {1}")]
    Overlap(Date, Date),
    #[error("A period of care begins on {0}, before the young person was born")]
    CareBeforeBirth(Date),
}

/// The day someone born on `born` reaches `years`: the anniversary, or 1 March for someone
/// born on 29 February in a year without one.
pub fn birthday(born: Date, years: i32) -> Date {
    let year = born.year() + years;
    Date::from_calendar_date(year, born.month(), born.day()).unwrap_or_else(|_| Date::from_calendar_date(year, Month::March, 1).unwrap_or(born))
}

/// The spells the rules count, checked and in date order.
fn checked(f: &LeavingFacts, on: Date) -> Result<(Date, Vec<Spell>), LeavingError> {
    let born = f.born.ok_or(LeavingError::NoBirthDate)?;
    if on < born {
        return Err(LeavingError::BeforeBirth(on));
    }
    let mut spells = f.spells.clone();
    spells.sort_by_key(|s| s.from);
    for s in &spells {
        if let Some(to) = s.to.filter(|to| *to < s.from) {
            return Err(LeavingError::Reversed { from: s.from, to });
        }
        if s.from < born {
            return Err(LeavingError::CareBeforeBirth(s.from));
        }
    }
    for w in spells.windows(2) {
        if w[0].to.is_none_or(|to| to > w[1].from) {
            return Err(LeavingError::Overlap(w[0].from, w[1].from));
        }
    }
    Ok((born, spells.into_iter().filter(|s| s.from <= on && s.counts(on)).collect()))
}

/// Days in `spells` between `from` and `until` (not counting `until`).
fn days_between(spells: &[Spell], from: Date, until: Date) -> i64 {
    spells.iter().map(|s| (s.end_on(until) - s.from.max(from)).whole_days().max(0)).sum()
}

fn looked_after_on(spells: &[Spell], on: Date) -> bool {
    spells.iter().any(|s| s.from <= on && s.to.is_none_or(|to| on < to))
}

/// "1 Mar – 15 Jul 2024; 2 Sep 2024 – now": the spells since the 14th birthday.
fn spans(spells: &[Spell], since: Date, on: Date) -> String {
    let short = |d: Date| format!("{} {}", d.day(), &d.month().to_string()[..3]);
    let long = |d: Date| format!("{} {}", short(d), d.year());
    let parts: Vec<String> = spells
        .iter()
        .filter(|s| s.end_on(on) > since)
        .map(|s| {
            let from = s.from.max(since);
            match s.to.filter(|to| *to <= on) {
                None => format!("{} – now", long(from)),
                Some(to) if to.year() == from.year() => format!("{} – {}", short(from), long(to)),
                Some(to) => format!("{} – {}", long(from), long(to)),
            }
        })
        .collect();
    if parts.is_empty() { "none".into() } else { parts.join("; ") }
}

fn weeks(days: i64) -> String {
    match days / 7 {
        1 => "1 week".into(),
        n => format!("{n} weeks"),
    }
}

/// The care-leaver status on `on`, with its reason.
pub fn status_on(f: &LeavingFacts, on: Date) -> Result<Derived, LeavingError> {
    let (born, spells) = checked(f, on)?;
    let (b14, b16, b18) = (birthday(born, 14), birthday(born, 16), birthday(born, 18));
    let age = age_on(born, on).unwrap_or(0);
    let days = days_between(&spells, b14, on);
    let looked_after = looked_after_on(&spells, on);
    let history = format!("looked after {} since 14 ({})", weeks(days), spans(&spells, b14, on));
    let derived = |status: Status, why: String| Derived { status, reason: format!("{}: {why}", status.code()), days_since_14: days };

    if (16..18).contains(&age) {
        if looked_after {
            return Ok(if days >= QUALIFYING_DAYS {
                derived(Status::Eligible, format!("{history}, looked after today at {age}"))
            } else {
                derived(Status::None, format!("{history}: 13 weeks since 14 are needed to be eligible"))
            });
        }
        // Left care: relevant if eligible when care last ended.
        if let Some(left) = spells.iter().filter_map(|s| s.to).filter(|to| *to <= on).max() {
            let then = days_between(&spells, b14, left);
            let home = spells.iter().find(|s| s.to == Some(left)).is_some_and(|s| s.returned_home);
            if left > b16 && then >= QUALIFYING_DAYS {
                if home && on >= left + Duration::days(182) {
                    return Ok(derived(Status::Qualifying, format!("{history}; went home on {} and has lived with their family for six months, so is no longer a relevant child", crate::history::long_date(&left))));
                }
                return Ok(derived(Status::Relevant, format!("{history}, left care at {} on {}", age_on(born, left).unwrap_or(16), crate::history::long_date(&left))));
            }
        }
        if f.detained_at_16 && days_between(&spells, b14, b16) >= QUALIFYING_DAYS {
            return Ok(derived(Status::Relevant, format!("{history}, and was in custody or hospital on their 16th birthday")));
        }
    }
    if age >= 18 && age < 25 {
        let at_18 = status_on(f, b18 - Duration::days(1))?;
        let left = spells.iter().filter_map(|s| s.to).filter(|to| *to <= b18).max();
        let at_17 = match (at_18.status, left) {
            (Status::Eligible, _) => "eligible at 17, in care until 18".to_string(),
            (Status::Relevant, Some(left)) => format!("a relevant child at 17, having left care on {}", crate::history::long_date(&left)),
            (Status::Relevant, None) => "a relevant child at 17".to_string(),
            _ => String::new(),
        };
        if !at_17.is_empty() {
            return Ok(derived(Status::FormerRelevant, format!("{history}; {at_17}")));
        }
    }
    let after_16 = days_between(&spells, b16, on.min(b18)) > 0;
    let limit = if f.in_education { 25 } else { 21 };
    if after_16 && !looked_after && age < limit {
        return Ok(derived(Status::Qualifying, format!("{history}; looked after after 16 without being eligible")));
    }
    let why = if looked_after && age < 16 {
        format!("{history}; looked after today, under 16")
    } else if age >= 25 {
        format!("{history}; support ends at 25")
    } else if after_16 && age >= limit {
        format!("{history}; support as a qualifying young person ends at {limit}")
    } else {
        format!("{history}; not looked after since 16")
    };
    Ok(derived(Status::None, why))
}

/// What a young person with `status` is entitled to, each with its legal basis.
pub fn entitlements(status: Status) -> &'static [(&'static str, &'static str)] {
    match status {
        Status::Eligible => &[
            ("A needs assessment and a pathway plan, kept under review", "Children Act 1989, schedule 2, paragraph 19B(4)–(5)"),
            ("A personal adviser", "Children Act 1989, schedule 2, paragraph 19C"),
        ],
        Status::Relevant => &[
            ("A personal adviser", "Children Act 1989, section 23B(2)"),
            ("A needs assessment and a pathway plan, kept under review", "Children Act 1989, section 23B(3)"),
            ("Suitable accommodation and maintenance, unless their welfare does not need it", "Children Act 1989, section 23B(8)"),
        ],
        Status::FormerRelevant => &[
            ("A personal adviser, and a pathway plan kept under review", "Children Act 1989, section 23C(3)"),
            ("Help with the costs of employment, education and training", "Children Act 1989, section 23C(4)"),
            ("A higher education bursary", "Children Act 1989, section 23C(5A)"),
            ("Staying put with their former foster carers to 21", "Children Act 1989, section 23CZA"),
            ("A personal adviser to 25 on request", "Children Act 1989, section 23CZB"),
            ("A setting-up-home allowance when they move to a home of their own", "Children Act 1989, section 23C(4)(c)"),
        ],
        Status::Qualifying => &[
            ("Advice and assistance", "Children Act 1989, section 24A"),
            ("Help with employment, education and training", "Children Act 1989, section 24B"),
        ],
        Status::None => &[],
    }
}

#[cfg(test)]
mod tests;
