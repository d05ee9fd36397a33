//! The calendar's data files: GOV.UK's `bank-holidays.json` and the local closure-day list.
//! Parsing only — reading files is the caller's business.
use serde::{Deserialize, Serialize};
use std::fmt;
use std::ops::Range;
use time::Date;

/// An error in a data file, located by line and column (both from 1) and naming the field.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileError {
    pub line: usize,
    pub column: usize,
    /// The field as a dotted path, e.g. `timescale.single_assessment.within`.
    pub field: String,
    pub message: String,
}

impl FileError {
    /// An error at a byte offset of `text`.
    pub fn at(text: &str, offset: usize, field: impl Into<String>, message: impl Into<String>) -> FileError {
        let (line, column) = line_col(text, offset);
        FileError { line, column, field: field.into(), message: message.into() }
    }

    /// An error at a span of `text`, naming the field found there.
    pub fn at_span(text: &str, span: Range<usize>, message: impl Into<String>) -> FileError {
        FileError::at(text, span.start, field_at(text, span.start), message)
    }

    /// The error as `FILE:LINE:COL: field: message`.
    pub fn in_file(&self, file: &str) -> String {
        format!("{file}:{self}")
    }

    /// A TOML syntax or shape error, located by its span.
    pub fn from_toml(text: &str, e: &toml::de::Error) -> FileError {
        let message = e.message().trim().replace('\n', " ");
        match e.span() {
            Some(span) => FileError::at_span(text, span, message),
            None => FileError { line: 1, column: 1, field: String::new(), message },
        }
    }
}

impl fmt::Display for FileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.field.is_empty() {
            write!(f, "{}:{}: {}", self.line, self.column, self.message)
        } else {
            write!(f, "{}:{}: {}: {}", self.line, self.column, self.field, self.message)
        }
    }
}

/// Line and column (from 1; the column counts characters) of a byte offset.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[start..].chars().count() + 1)
}

/// The dotted name of the TOML field at a byte offset: the table header above it and the key
/// on its line (`[[array]]` tables are numbered from 1: `closure[2].date`).
pub fn field_at(text: &str, offset: usize) -> String {
    let mut header = String::new();
    let mut arrays: Vec<(String, usize)> = Vec::new();
    let mut pos = 0;
    for line in text.split_inclusive('\n') {
        let end = pos + line.len();
        let t = line.trim();
        if let Some(name) = t.strip_prefix("[[").and_then(|r| r.split("]]").next()) {
            let name = name.trim().to_string();
            let n = match arrays.iter_mut().find(|(a, _)| *a == name) {
                Some((_, n)) => {
                    *n += 1;
                    *n
                }
                None => {
                    arrays.push((name.clone(), 1));
                    1
                }
            };
            header = format!("{name}[{n}]");
        } else if let Some(name) = t.strip_prefix('[').and_then(|r| r.split(']').next()) {
            header = name.trim().to_string();
        }
        if offset < end || end == text.len() {
            if t.starts_with('[') {
                return header;
            }
            let key = match line.split_once('=') {
                Some((k, _)) if !k.trim_start().starts_with('#') => k.trim().trim_matches('"').to_string(),
                _ => String::new(),
            };
            return match (header.is_empty(), key.is_empty()) {
                (_, true) => header,
                (true, false) => key,
                (false, false) => format!("{header}.{key}"),
            };
        }
        pos = end;
    }
    header
}

/// One England and Wales bank holiday, as GOV.UK lists it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BankHoliday {
    pub date: Date,
    pub title: String,
    pub notes: String,
    pub bunting: bool,
}

/// England and Wales bank holidays: sorted, one per date, covering whole years with no gap.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BankHolidays {
    events: Vec<BankHoliday>,
}

#[derive(Deserialize)]
struct GovUkFile {
    #[serde(rename = "england-and-wales")]
    england_and_wales: Option<GovUkDivision>,
}

#[derive(Deserialize, Serialize)]
struct GovUkDivision {
    division: String,
    events: Vec<GovUkEvent>,
}

#[derive(Deserialize, Serialize)]
struct GovUkEvent {
    title: String,
    date: String,
    #[serde(default)]
    notes: String,
    #[serde(default)]
    bunting: bool,
}

#[derive(Serialize)]
struct GovUkOut<'a> {
    #[serde(rename = "england-and-wales")]
    england_and_wales: &'a GovUkDivision,
}

/// England and Wales have at least eight bank holidays in every year: fewer means a file
/// that was cut short.
pub const MIN_BANK_HOLIDAYS_A_YEAR: usize = 8;

const ISO_DATE: &[time::format_description::BorrowedFormatItem<'static>] = time::macros::format_description!("[year]-[month]-[day]");

/// Parses a date written `YYYY-MM-DD`.
pub fn parse_iso_date(s: &str) -> Option<Date> {
    if s.len() != 10 {
        return None;
    }
    Date::parse(s, ISO_DATE).ok()
}

/// Where a JSON string value first appears in `text`, for locating an error in it.
fn json_value_offset(text: &str, value: &str) -> usize {
    let quoted = serde_json::to_string(value).unwrap_or_default();
    text.find(&quoted).or_else(|| text.find(value)).unwrap_or(0)
}

impl BankHolidays {
    /// Reads GOV.UK's `bank-holidays.json` (its `england-and-wales` division; other divisions
    /// are ignored) and checks it: valid dates, one event per date, titles present, and every
    /// year from the first to the last with at least eight bank holidays.
    pub fn from_gov_uk_json(text: &str) -> Result<BankHolidays, Vec<FileError>> {
        let file: GovUkFile = serde_json::from_str(text).map_err(|e| {
            vec![FileError { line: e.line().max(1), column: e.column().max(1), field: String::new(), message: e.to_string() }]
        })?;
        let Some(division) = file.england_and_wales else {
            return Err(vec![FileError::at(text, 0, "england-and-wales", "there is no England and Wales division (expected GOV.UK's bank-holidays.json)")]);
        };
        let mut errors = Vec::new();
        if division.division != "england-and-wales" {
            errors.push(FileError::at(
                text,
                json_value_offset(text, &division.division),
                "england-and-wales.division",
                format!("is \"{}\", expected \"england-and-wales\"", division.division),
            ));
        }
        let mut events = Vec::with_capacity(division.events.len());
        for (i, e) in division.events.into_iter().enumerate() {
            let field = format!("england-and-wales.events[{i}]");
            let Some(date) = parse_iso_date(&e.date) else {
                errors.push(FileError::at(text, json_value_offset(text, &e.date), format!("{field}.date"), format!("\"{}\" is not a date (YYYY-MM-DD)", e.date)));
                continue;
            };
            if e.title.trim().is_empty() {
                errors.push(FileError::at(text, json_value_offset(text, &e.date), format!("{field}.title"), format!("the bank holiday on {date} has no title")));
            }
            events.push(BankHoliday { date, title: e.title, notes: e.notes, bunting: e.bunting });
        }
        events.sort_by_key(|e| e.date);
        for pair in events.windows(2) {
            if pair[0].date == pair[1].date {
                let d = pair[1].date.to_string();
                errors.push(FileError::at(text, json_value_offset(text, &d), "england-and-wales.events", format!("two bank holidays on {d}")));
            }
        }
        if events.is_empty() && errors.is_empty() {
            errors.push(FileError::at(text, 0, "england-and-wales.events", "there are no bank holidays in the file"));
        }
        if errors.is_empty() {
            errors.extend(year_gaps(&events).into_iter().map(|m| FileError::at(text, 0, "england-and-wales.events", m)));
        }
        if errors.is_empty() { Ok(BankHolidays { events }) } else { Err(errors) }
    }

    /// The file in GOV.UK's format (England and Wales division only), pretty-printed.
    pub fn to_gov_uk_json(&self) -> String {
        let division = GovUkDivision {
            division: "england-and-wales".into(),
            events: self
                .events
                .iter()
                .map(|e| GovUkEvent { title: e.title.clone(), date: e.date.to_string(), notes: e.notes.clone(), bunting: e.bunting })
                .collect(),
        };
        let mut s = serde_json::to_string_pretty(&GovUkOut { england_and_wales: &division }).unwrap_or_default();
        s.push('\n');
        s
    }

    pub fn events(&self) -> &[BankHoliday] {
        &self.events
    }

    /// The GOV.UK title of the bank holiday on `date`.
    pub fn title_on(&self, date: Date) -> Option<&str> {
        self.events.binary_search_by_key(&date, |e| e.date).ok().map(|i| self.events[i].title.as_str())
    }

    /// The first and last year with data.
    pub fn years(&self) -> (i32, i32) {
        match (self.events.first(), self.events.last()) {
            (Some(a), Some(b)) => (a.date.year(), b.date.year()),
            _ => (0, -1),
        }
    }

    /// 1 January of the first year and 31 December of the last.
    pub fn covered(&self) -> (Date, Date) {
        let (a, b) = self.years();
        let first = Date::from_calendar_date(a, time::Month::January, 1).unwrap_or(Date::MIN);
        let last = Date::from_calendar_date(b, time::Month::December, 31).unwrap_or(Date::MAX);
        (first, last)
    }

    /// The data after importing `newer`: the years `newer` covers are taken from it, the
    /// others kept from `self` (GOV.UK drops old years from its file, and past deadlines still
    /// need them). Fails if the result would leave a year without bank holidays.
    pub fn merged_with(&self, newer: &BankHolidays) -> Result<(BankHolidays, ImportSummary), String> {
        let (nf, nl) = newer.years();
        let mut events: Vec<BankHoliday> = self.events.iter().filter(|e| e.date.year() < nf || e.date.year() > nl).cloned().collect();
        events.extend(newer.events.iter().cloned());
        events.sort_by_key(|e| e.date);
        if let Some(m) = year_gaps(&events).into_iter().next() {
            return Err(format!("after the import {m}"));
        }
        let old = &self.events;
        let added = events.iter().filter(|e| !old.iter().any(|o| o.date == e.date)).cloned().collect();
        let removed = old.iter().filter(|o| !events.iter().any(|e| e.date == o.date)).cloned().collect();
        let retitled = events
            .iter()
            .filter(|e| old.iter().any(|o| o.date == e.date && o.title != e.title))
            .cloned()
            .collect();
        let merged = BankHolidays { events };
        let summary = ImportSummary { before: self.years(), after: merged.years(), from_file: (nf, nl), added, removed, retitled };
        Ok((merged, summary))
    }
}

/// Years with too few bank holidays between the first and the last.
fn year_gaps(events: &[BankHoliday]) -> Vec<String> {
    let (Some(first), Some(last)) = (events.first(), events.last()) else { return Vec::new() };
    let mut out = Vec::new();
    for y in first.date.year()..=last.date.year() {
        let n = events.iter().filter(|e| e.date.year() == y).count();
        if n < MIN_BANK_HOLIDAYS_A_YEAR {
            out.push(format!(
                "{y} has {n} bank holiday{}; England and Wales have at least {MIN_BANK_HOLIDAYS_A_YEAR} a year — is the data complete?",
                if n == 1 { "" } else { "s" }
            ));
        }
    }
    out
}

/// What an import of a newer bank-holiday file changes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportSummary {
    /// Years covered before and after, and by the imported file.
    pub before: (i32, i32),
    pub after: (i32, i32),
    pub from_file: (i32, i32),
    pub added: Vec<BankHoliday>,
    pub removed: Vec<BankHoliday>,
    pub retitled: Vec<BankHoliday>,
}

impl fmt::Display for ImportSummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "bank holidays now cover {}–{} (were {}–{}; the file covers {}–{})", self.after.0, self.after.1, self.before.0, self.before.1, self.from_file.0, self.from_file.1)?;
        if self.added.is_empty() && self.removed.is_empty() && self.retitled.is_empty() {
            writeln!(f, "no dates changed")?;
        }
        for e in &self.added {
            writeln!(f, "added    {} {}", e.date, e.title)?;
        }
        for e in &self.removed {
            writeln!(f, "removed  {} {}", e.date, e.title)?;
        }
        for e in &self.retitled {
            writeln!(f, "retitled {} {}", e.date, e.title)?;
        }
        Ok(())
    }
}

/// A local closure day: the authority's offices are shut, so it is not a working day.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClosureDay {
    pub date: Date,
    pub reason: String,
}

/// The local authority's closure days, sorted, one per date.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ClosureDays {
    days: Vec<ClosureDay>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawClosures {
    #[serde(default)]
    closure: Vec<RawClosure>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawClosure {
    date: Option<toml::Spanned<toml::Value>>,
    from: Option<toml::Spanned<toml::Value>>,
    to: Option<toml::Spanned<toml::Value>>,
    reason: toml::Spanned<String>,
}

/// A TOML value that must be a date: a TOML local date (`2024-12-27`) or the same in quotes.
pub(crate) fn toml_date(text: &str, v: &toml::Spanned<toml::Value>) -> Result<Date, FileError> {
    let bad = |m: String| FileError::at_span(text, v.span(), m);
    match v.get_ref() {
        toml::Value::String(s) => parse_iso_date(s).ok_or_else(|| bad(format!("\"{s}\" is not a date (YYYY-MM-DD)"))),
        toml::Value::Datetime(dt) => match (dt.date, dt.time, dt.offset) {
            (Some(d), None, None) => time::Month::try_from(d.month)
                .ok()
                .and_then(|m| Date::from_calendar_date(i32::from(d.year), m, d.day).ok())
                .ok_or_else(|| bad(format!("{dt} is not a date"))),
            _ => Err(bad(format!("{dt} is not a plain date: give the day only, e.g. 2024-12-27"))),
        },
        other => Err(bad(format!("{other} is not a date (YYYY-MM-DD)"))),
    }
}

impl ClosureDays {
    /// Reads a closure-day file:
    ///
    /// ```toml
    /// [[closure]]
    /// date = 2024-12-27
    /// reason = "Council offices closed between Christmas and New Year"
    ///
    /// [[closure]]            # a run of days, both ends included
    /// from = 2025-12-29
    /// to = 2025-12-31
    /// reason = "Council offices closed between Christmas and New Year"
    /// ```
    pub fn from_toml(text: &str) -> Result<ClosureDays, Vec<FileError>> {
        let raw: RawClosures = toml::from_str(text).map_err(|e| vec![FileError::from_toml(text, &e)])?;
        let mut errors = Vec::new();
        let mut days: Vec<(ClosureDay, usize)> = Vec::new();
        for c in raw.closure {
            let reason = c.reason.get_ref().trim().to_string();
            if reason.is_empty() {
                errors.push(FileError::at_span(text, c.reason.span(), "give the reason for the closure"));
            }
            let range = match (&c.date, &c.from, &c.to) {
                (Some(d), None, None) => toml_date(text, d).map(|d| (d, d)),
                (None, Some(f), Some(t)) => match (toml_date(text, f), toml_date(text, t)) {
                    (Ok(a), Ok(b)) if a <= b => Ok((a, b)),
                    (Ok(_), Ok(_)) => Err(FileError::at_span(text, t.span(), "the last day is before the first")),
                    (Err(e), _) | (_, Err(e)) => Err(e),
                },
                _ => Err(FileError::at_span(text, c.reason.span(), "give either `date`, or `from` and `to`")),
            };
            match range {
                Ok((a, b)) => {
                    if (b - a).whole_days() > 366 {
                        errors.push(FileError::at_span(text, c.reason.span(), "a closure of more than a year is not a closure"));
                        continue;
                    }
                    let mut d = a;
                    loop {
                        days.push((ClosureDay { date: d, reason: reason.clone() }, c.reason.span().start));
                        match d.next_day() {
                            Some(n) if n <= b => d = n,
                            _ => break,
                        }
                    }
                }
                Err(e) => errors.push(e),
            }
        }
        days.sort_by_key(|(d, _)| d.date);
        for pair in days.windows(2) {
            if pair[0].0.date == pair[1].0.date {
                errors.push(FileError::at(text, pair[1].1, field_at(text, pair[1].1), format!("{} is listed twice", pair[1].0.date)));
            }
        }
        if errors.is_empty() { Ok(ClosureDays { days: days.into_iter().map(|(d, _)| d).collect() }) } else { Err(errors) }
    }

    pub fn from_days(mut days: Vec<ClosureDay>) -> ClosureDays {
        days.sort_by_key(|d| d.date);
        days.dedup_by_key(|d| d.date);
        ClosureDays { days }
    }

    pub fn days(&self) -> &[ClosureDay] {
        &self.days
    }

    pub fn reason_on(&self, date: Date) -> Option<&str> {
        self.days.binary_search_by_key(&date, |d| d.date).ok().map(|i| self.days[i].reason.as_str())
    }
}
