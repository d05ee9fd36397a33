//! Local time in England: GMT in winter, BST (UTC+1) from 01:00 UTC on the last Sunday of
//! March to 01:00 UTC on the last Sunday of October.
use time::{Date, Month, OffsetDateTime, PrimitiveDateTime, Time, UtcOffset, Weekday};

fn last_sunday(year: i32, month: Month) -> Option<Date> {
    let mut d = Date::from_calendar_date(year, month, month.length(year)).ok()?;
    while d.weekday() != Weekday::Sunday {
        d = d.previous_day()?;
    }
    Some(d)
}

/// The UK offset in force at an instant.
pub fn uk_offset(at: OffsetDateTime) -> UtcOffset {
    let utc = at.to_offset(UtcOffset::UTC);
    let year = utc.year();
    let one_am = Time::from_hms(1, 0, 0).unwrap_or(Time::MIDNIGHT);
    let (Some(start), Some(end)) = (last_sunday(year, Month::March), last_sunday(year, Month::October)) else {
        return UtcOffset::UTC;
    };
    let start = PrimitiveDateTime::new(start, one_am).assume_utc();
    let end = PrimitiveDateTime::new(end, one_am).assume_utc();
    if utc >= start && utc < end { UtcOffset::from_hms(1, 0, 0).unwrap_or(UtcOffset::UTC) } else { UtcOffset::UTC }
}

/// An instant as a clock in England shows it.
pub fn uk_local(at: OffsetDateTime) -> PrimitiveDateTime {
    let local = at.to_offset(uk_offset(at));
    PrimitiveDateTime::new(local.date(), local.time())
}

/// The instant a clock in England showed `local`. In the hour the clocks go back, which
/// repeats, the first (BST) reading is taken; in the hour they go forward, which does not
/// exist, the time is read as GMT.
pub fn from_uk_local(local: PrimitiveDateTime) -> OffsetDateTime {
    let as_bst = local.assume_offset(UtcOffset::from_hms(1, 0, 0).unwrap_or(UtcOffset::UTC));
    if uk_local(as_bst) == local { as_bst } else { local.assume_utc() }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn from_local_round_trips() {
        assert_eq!(from_uk_local(datetime!(2026-07-01 13:00)), datetime!(2026-07-01 12:00 UTC));
        assert_eq!(from_uk_local(datetime!(2026-12-01 12:00)), datetime!(2026-12-01 12:00 UTC));
        // 01:30 on 25 Oct 2026 happens twice: the BST one first.
        assert_eq!(from_uk_local(datetime!(2026-10-25 01:30)), datetime!(2026-10-25 00:30 UTC));
        // 01:30 on 29 Mar 2026 never happens: read as GMT.
        assert_eq!(from_uk_local(datetime!(2026-03-29 01:30)), datetime!(2026-03-29 01:30 UTC));
        for h in 0..48 {
            let t = datetime!(2026-03-28 00:00 UTC) + time::Duration::hours(h);
            assert_eq!(from_uk_local(uk_local(t)), t);
        }
    }

    #[test]
    fn summer_and_winter() {
        assert_eq!(uk_local(datetime!(2026-07-01 12:00 UTC)), datetime!(2026-07-01 13:00));
        assert_eq!(uk_local(datetime!(2026-12-01 12:00 UTC)), datetime!(2026-12-01 12:00));
        // 2026: BST starts 29 March 01:00 UTC, ends 25 October 01:00 UTC.
        assert_eq!(uk_local(datetime!(2026-03-29 00:59 UTC)), datetime!(2026-03-29 00:59));
        assert_eq!(uk_local(datetime!(2026-03-29 01:00 UTC)), datetime!(2026-03-29 02:00));
        assert_eq!(uk_local(datetime!(2026-10-25 00:59 UTC)), datetime!(2026-10-25 01:59));
        assert_eq!(uk_local(datetime!(2026-10-25 01:00 UTC)), datetime!(2026-10-25 01:00));
    }
}
