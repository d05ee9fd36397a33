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

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

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
