//! Conversions between Rust values and the column conventions of the schema: ids as text,
//! timestamps as unix microseconds, dates as `YYYY-MM-DD`, booleans as 0/1, JSON as text.
use crate::error::corrupt;
use hearth_store::Result;
use serde::Serialize;
use serde::de::DeserializeOwned;
use sqlx::Row;
use sqlx::any::AnyRow;
use std::str::FromStr;
use time::format_description::BorrowedFormatItem;
use time::macros::format_description;
use time::{Date, OffsetDateTime, PrimitiveDateTime};

const DATE: &[BorrowedFormatItem<'static>] = format_description!("[year]-[month]-[day]");

/// Microseconds since the Unix epoch: PostgreSQL's own precision, and exact in an i64 for
/// every date `time` can represent.
pub(crate) fn micros(t: OffsetDateTime) -> i64 {
    // Floor, like `to_stored_precision`, also before 1970.
    t.unix_timestamp_nanos().div_euclid(1_000) as i64
}

pub(crate) fn opt_micros(t: Option<OffsetDateTime>) -> Option<i64> {
    t.map(micros)
}

pub(crate) fn from_micros(us: i64) -> Result<OffsetDateTime> {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(us) * 1_000).map_err(|e| corrupt("timestamp", e))
}

/// The instant as the store keeps it (to the microsecond).
pub(crate) fn to_stored_precision(t: OffsetDateTime) -> OffsetDateTime {
    t.replace_nanosecond(t.nanosecond() / 1_000 * 1_000).unwrap_or(t)
}

/// A local date-time ordered as if it were UTC (only ever compared with its own kind).
pub(crate) fn local_micros(t: PrimitiveDateTime) -> i64 {
    micros(t.assume_utc())
}

pub(crate) fn date_text(d: Date) -> String {
    // The format has no fallible parts for the dates `time` represents.
    d.format(DATE).unwrap_or_else(|_| d.to_string())
}

pub(crate) fn opt_date_text(d: Option<Date>) -> Option<String> {
    d.map(date_text)
}

pub(crate) fn flag(b: bool) -> i64 {
    i64::from(b)
}

pub(crate) fn opt_id<T: ToString>(id: Option<T>) -> Option<String> {
    id.map(|i| i.to_string())
}

pub(crate) fn to_json<T: Serialize>(value: &T) -> Result<String> {
    serde_json::to_string(value).map_err(|e| hearth_store::StoreError::Database(format!("could not encode a record: {e}")))
}

/// Typed reads from a row; anything unexpected is `Corrupt`, naming the column.
pub(crate) trait RowExt {
    fn text(&self, col: &str) -> Result<String>;
    fn opt_text(&self, col: &str) -> Result<Option<String>>;
    fn int(&self, col: &str) -> Result<i64>;
    fn opt_int(&self, col: &str) -> Result<Option<i64>>;

    fn flag(&self, col: &str) -> Result<bool> {
        Ok(self.int(col)? != 0)
    }

    fn parsed<T: FromStr>(&self, col: &str) -> Result<T>
    where
        T::Err: std::fmt::Display,
    {
        self.text(col)?.parse().map_err(|e| corrupt(col, e))
    }

    fn opt_parsed<T: FromStr>(&self, col: &str) -> Result<Option<T>>
    where
        T::Err: std::fmt::Display,
    {
        self.opt_text(col)?.map(|s| s.parse().map_err(|e| corrupt(col, e))).transpose()
    }

    fn time(&self, col: &str) -> Result<OffsetDateTime> {
        from_micros(self.int(col)?)
    }

    fn opt_time(&self, col: &str) -> Result<Option<OffsetDateTime>> {
        self.opt_int(col)?.map(from_micros).transpose()
    }

    fn opt_date(&self, col: &str) -> Result<Option<Date>> {
        self.opt_text(col)?.map(|s| Date::parse(&s, DATE).map_err(|e| corrupt(col, e))).transpose()
    }

    fn json<T: DeserializeOwned>(&self, col: &str) -> Result<T> {
        serde_json::from_str(&self.text(col)?).map_err(|e| corrupt(col, e))
    }
}

impl RowExt for AnyRow {
    fn text(&self, col: &str) -> Result<String> {
        self.try_get(col).map_err(|e| corrupt(col, e))
    }

    fn opt_text(&self, col: &str) -> Result<Option<String>> {
        self.try_get(col).map_err(|e| corrupt(col, e))
    }

    fn int(&self, col: &str) -> Result<i64> {
        self.try_get(col).map_err(|e| corrupt(col, e))
    }

    fn opt_int(&self, col: &str) -> Result<Option<i64>> {
        self.try_get(col).map_err(|e| corrupt(col, e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{date, datetime};

    #[test]
    fn round_trips() {
        let t = datetime!(2026-11-24 10:15:30.123456789 +01:00);
        assert_eq!(from_micros(micros(t)).unwrap(), to_stored_precision(t));
        assert_eq!(to_stored_precision(t).nanosecond(), 123_456_000);
        let before_epoch = datetime!(1960-01-01 00:00:00.0000005 UTC);
        assert_eq!(from_micros(micros(before_epoch)).unwrap(), to_stored_precision(before_epoch));
        assert_eq!(date_text(date!(2015 - 03 - 09)), "2015-03-09");
        assert!(local_micros(datetime!(2026-01-01 09:00)) < local_micros(datetime!(2026-01-01 10:00)));
    }
}
