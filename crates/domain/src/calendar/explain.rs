//! Deadlines that explain themselves: "due Wed 27 Dec 2023 — 1 working day after the contact
//! on Fri 22 Dec (25 and 26 Dec are bank holidays)".
use super::{CalendarWarning, NonWorking};
use time::Date;

/// How a working-day date was reached: the start, the count, the result and every
/// non-working day passed over on the way, with its reason.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Explanation {
    pub start: Date,
    pub working_days: i64,
    pub due: Date,
    /// Non-working days between the start (not included) and the result, in date order.
    pub skipped: Vec<(Date, NonWorking)>,
    pub warnings: Vec<CalendarWarning>,
}

const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

fn month(d: Date) -> &'static str {
    MONTHS[d.month() as usize - 1]
}

fn weekday(d: Date) -> &'static str {
    use time::Weekday::*;
    match d.weekday() {
        Monday => "Mon",
        Tuesday => "Tue",
        Wednesday => "Wed",
        Thursday => "Thu",
        Friday => "Fri",
        Saturday => "Sat",
        Sunday => "Sun",
    }
}

/// "Wed 27 Dec 2023".
pub fn describe_date(d: Date) -> String {
    format!("{} {} {} {}", weekday(d), d.day(), month(d), d.year())
}

/// "Fri 22 Dec", with the year only when it differs from `context`'s.
pub fn describe_short_date(d: Date, context: Date) -> String {
    if d.year() == context.year() {
        format!("{} {} {}", weekday(d), d.day(), month(d))
    } else {
        describe_date(d)
    }
}

fn join(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// "25 and 26 Dec", "29 Mar and 1 Apr", "31 Dec 2024 and 1 Jan": days grouped by month, the
/// year shown when it is not `context`'s.
fn list_dates(dates: &[Date], context: Date) -> String {
    let mut groups: Vec<(Date, Vec<String>)> = Vec::new();
    for d in dates {
        match groups.last_mut() {
            Some((first, days)) if first.month() == d.month() && first.year() == d.year() => days.push(d.day().to_string()),
            _ => groups.push((*d, vec![d.day().to_string()])),
        }
    }
    let parts: Vec<String> = groups
        .into_iter()
        .map(|(first, days)| {
            let year = if first.year() == context.year() { String::new() } else { format!(" {}", first.year()) };
            format!("{} {}{year}", join(&days), month(first))
        })
        .collect();
    join(&parts)
}

impl Explanation {
    /// One sentence for a person: `event` names what the clock started at ("contact",
    /// "referral"). Weekends are not listed; bank holidays and closure days are.
    pub fn describe(&self, event: &str) -> String {
        let n = self.working_days.unsigned_abs();
        let days = if n == 1 { "1 working day".to_string() } else { format!("{n} working days") };
        let start = describe_short_date(self.start, self.due);
        let how = match self.working_days {
            0 => format!("the day of the {event} on {start}"),
            w if w > 0 => format!("{days} after the {event} on {start}"),
            _ => format!("{days} before the {event} on {start}"),
        };
        let mut out = format!("due {} — {how}", describe_date(self.due));
        let holidays: Vec<Date> = self.skipped.iter().filter(|(_, r)| matches!(r, NonWorking::BankHoliday(_))).map(|(d, _)| *d).collect();
        let closures: Vec<Date> = self.skipped.iter().filter(|(_, r)| matches!(r, NonWorking::Closure(_))).map(|(d, _)| *d).collect();
        let mut notes = Vec::new();
        for (dates, one, many) in [(&holidays, "is a bank holiday", "are bank holidays"), (&closures, "is a closure day", "are closure days")] {
            if !dates.is_empty() {
                notes.push(format!("{} {}", list_dates(dates, self.due), if dates.len() == 1 { one } else { many }));
            }
        }
        if !notes.is_empty() {
            out.push_str(&format!(" ({})", notes.join("; ")));
        }
        out
    }
}
