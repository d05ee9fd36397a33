//! The JSON shapes of the API. They live here, not in the domain crate: the domain keeps its
//! own types, and these convert from and to them. Identifiers (NHS number, UPN) travel as
//! strings, codes as their DfE (or Hearth) code strings, dates as ISO 8601.
//!
//! Request bodies take codes, dates and identifiers as strings so that a bad value is
//! reported as a field error naming the field, with every other problem found at once,
//! rather than as a deserialisation failure.
mod care;
mod cin;
mod codes;
mod front_door;
mod leaving;
mod manager;
mod note;
mod person;
mod returns;

pub use care::*;
pub use cin::*;
pub use codes::*;
pub use front_door::*;
pub use leaving::*;
pub use manager::*;
pub use note::*;
pub use person::*;
pub use returns::*;

use hearth_domain::FieldErrors;
use std::collections::BTreeMap;
use time::format_description::well_known::Rfc3339;
use time::{Date, OffsetDateTime, PrimitiveDateTime};

/// Fields a request body did not expect. Bodies that embed the details of a person or a
/// case note collect the leftover fields here (serde cannot deny unknown fields beside a
/// flattened struct), and they are refused: a misspelt field must not be silently dropped.
pub type Unknown = BTreeMap<String, serde_json::Value>;

pub fn reject_unknown(unknown: &Unknown, errs: &mut FieldErrors) {
    for k in unknown.keys() {
        errs.add(k.clone(), "This field is not known; check its spelling");
    }
}

/// An instant, as RFC 3339 in UTC.
pub fn instant(t: OffsetDateTime) -> String {
    t.to_offset(time::UtcOffset::UTC).format(&Rfc3339).unwrap_or_default()
}

pub fn date(d: Date) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), d.month() as u8, d.day())
}

/// A local date and time as `YYYY-MM-DDTHH:MM:SS`.
pub fn local_datetime(t: PrimitiveDateTime) -> String {
    format!("{}T{:02}:{:02}:{:02}", date(t.date()), t.hour(), t.minute(), t.second())
}

fn digits(s: &str) -> Option<u32> {
    (!s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())).then(|| s.parse().ok()).flatten()
}

/// Parses `YYYY-MM-DD`, and nothing else.
pub fn parse_date(s: &str) -> Option<Date> {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let year = i32::try_from(digits(&s[0..4])?).ok()?;
    let month = time::Month::try_from(u8::try_from(digits(&s[5..7])?).ok()?).ok()?;
    let day = u8::try_from(digits(&s[8..10])?).ok()?;
    Date::from_calendar_date(year, month, day).ok()
}

/// Parses `YYYY-MM-DDTHH:MM` or `YYYY-MM-DDTHH:MM:SS` (local time, no offset).
pub fn parse_local_datetime(s: &str) -> Option<PrimitiveDateTime> {
    let (d, t) = s.split_once('T')?;
    let date = parse_date(d)?;
    let b = t.as_bytes();
    let (h, m, sec) = match b.len() {
        5 if b[2] == b':' => (&t[0..2], &t[3..5], None),
        8 if b[2] == b':' && b[5] == b':' => (&t[0..2], &t[3..5], Some(&t[6..8])),
        _ => return None,
    };
    let sec = match sec {
        Some(s) => u8::try_from(digits(s)?).ok()?,
        None => 0,
    };
    let time = time::Time::from_hms(u8::try_from(digits(h)?).ok()?, u8::try_from(digits(m)?).ok()?, sec).ok()?;
    Some(PrimitiveDateTime::new(date, time))
}

/// An optional date field of a request: absent or `null` is `None`. An empty string is not a
/// date (the schema says `format: date` or `null`), so it is refused like any other non-date.
pub fn opt_date(field: &str, value: &Option<String>, errs: &mut FieldErrors) -> Option<Date> {
    let v = value.as_deref()?;
    let d = parse_date(v.trim());
    if d.is_none() {
        errs.add(field, "Enter a real date as YYYY-MM-DD, for example 2016-05-01, or null");
    }
    d
}

/// The ECMA-262 pattern of a text that is not blank: one character or more that is not white
/// space as `str::trim` sees it (Unicode `White_Space`), which is what the domain's rules
/// check. Used as `pattern` on every required text, so the schema refuses what Hearth refuses.
#[cfg_attr(not(test), allow(dead_code))] // the schema attributes repeat it: they take literals only
pub const NOT_BLANK: &str = r"[^\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]";

/// An id in a query or body: a UUID in the hyphenated form (`format: uuid`), nothing else.
pub fn parse_uuid(s: &str) -> Option<uuid::Uuid> {
    if s.len() == 36 { uuid::Uuid::try_parse(s).ok() } else { None }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{date, datetime};

    #[test]
    fn dates_parse_strictly_and_round_trip() {
        assert_eq!(parse_date("2016-05-01"), Some(date!(2016 - 05 - 01)));
        for bad in ["2016-5-01", "2016-02-30", "+016-05-01", "2016-05-01T00:00", "", "２０１６-05-01"] {
            assert_eq!(parse_date(bad), None, "{bad}");
        }
        assert_eq!(parse_local_datetime("2026-11-24T09:30"), Some(datetime!(2026-11-24 09:30)));
        assert_eq!(parse_local_datetime("2026-11-24T09:30:15"), Some(datetime!(2026-11-24 09:30:15)));
        for bad in ["2026-11-24 09:30", "2026-11-24T9:30", "2026-11-24T24:00", "2026-11-24T09:30Z", "2026-11-24"] {
            assert_eq!(parse_local_datetime(bad), None, "{bad}");
        }
        assert_eq!(local_datetime(datetime!(2026-11-24 09:30)), "2026-11-24T09:30:00");
        assert_eq!(date(date!(0999 - 01 - 02)), "0999-01-02");
        assert_eq!(instant(datetime!(2026-07-01 12:00 +01:00)), "2026-07-01T11:00:00Z");
    }

    #[test]
    fn blank_dates_are_not_dates_and_null_is_nothing() {
        let mut errs = FieldErrors::new();
        assert_eq!(opt_date("d", &None, &mut errs), None);
        assert!(errs.is_empty());
        assert_eq!(opt_date("d", &Some(String::new()), &mut errs), None);
        assert_eq!(opt_date("e", &Some("2016-05-01".into()), &mut errs), Some(date!(2016 - 05 - 01)));
        assert_eq!(errs.0.iter().map(|e| e.field.as_str()).collect::<Vec<_>>(), vec!["d"]);
    }

    #[test]
    fn ids_are_hyphenated_uuids_only() {
        let id = "01900000-0000-7000-8000-000000000000";
        assert!(parse_uuid(id).is_some());
        assert!(parse_uuid(&id.to_uppercase()).is_some());
        for bad in ["", " 01900000-0000-7000-8000-000000000000", "01900000000070008000000000000000", "{01900000-0000-7000-8000-000000000000}", "team-b"] {
            assert_eq!(parse_uuid(bad), None, "{bad}");
        }
    }

    /// The pattern's class is exactly what `char::is_whitespace` calls white space.
    #[test]
    fn not_blank_lists_the_white_space_that_trim_removes() {
        let listed: Vec<char> = "\t\n\u{b}\u{c}\r \u{85}\u{a0}\u{1680}\u{2028}\u{2029}\u{202f}\u{205f}\u{3000}".chars().chain('\u{2000}'..='\u{200a}').collect();
        for c in '\0'..=char::MAX {
            assert_eq!(c.is_whitespace(), listed.contains(&c), "{:?}", c);
        }
        assert!(NOT_BLANK.starts_with("[^") && NOT_BLANK.ends_with(']'));
    }
}
