//! `hearth workdays`: working-day arithmetic on the configured calendar, for admins and for
//! checking a deadline by hand.
use crate::Failure;
use crate::calendar_cmd::{self, LocalCalendar};
use crate::config::Settings;
use clap::Subcommand;
use hearth_domain::calendar::{CalendarWarning, parse_iso_date};
use time::Date;

#[derive(Subcommand)]
pub enum WorkdaysCommand {
    /// Print DATE plus N working days (DATE itself not counted) as YYYY-MM-DD.
    ///
    /// A negative N counts back: the N-th working day before DATE.
    Add {
        /// YYYY-MM-DD
        date: String,
        /// Working days to add.
        #[arg(allow_negative_numbers = true)]
        n: String,
        #[command(flatten)]
        local: LocalCalendar,
    },
    /// Print the number of working days after FROM up to and including TO (negative when TO
    /// is before FROM).
    Between {
        from: String,
        to: String,
        #[command(flatten)]
        local: LocalCalendar,
    },
    /// Explain DATE plus N working days, naming the bank holidays and closure days skipped.
    Explain {
        date: String,
        #[arg(allow_negative_numbers = true)]
        n: String,
        /// What the clock starts at, for the sentence ("contact", "referral").
        #[arg(long, default_value = "start")]
        event: String,
        #[command(flatten)]
        local: LocalCalendar,
    },
    /// Time a million working-day deadlines (calendar arithmetic, then pack deadlines).
    #[command(hide = true)]
    Bench {
        #[arg(long, default_value_t = 1_000_000)]
        count: u32,
        #[command(flatten)]
        local: LocalCalendar,
    },
}

fn date(s: &str) -> Result<Date, Failure> {
    parse_iso_date(s.trim()).ok_or_else(|| Failure(format!("not a date: \"{s}\" (expected YYYY-MM-DD)"), 2))
}

fn count(s: &str) -> Result<i64, Failure> {
    s.trim().parse().map_err(|_| Failure(format!("not a whole number of working days: \"{s}\""), 2))
}

fn warn(warnings: &[CalendarWarning]) {
    for w in warnings {
        eprintln!("hearth: warning: {w}");
    }
}

fn out_of_range() -> Failure {
    Failure("the result is outside the dates Hearth can represent (years 1 to 9999)".into(), 2)
}

pub fn run(settings: &Settings, command: WorkdaysCommand) -> Result<(), Failure> {
    match command {
        WorkdaysCommand::Add { date: d, n, local } => {
            let (d, n) = (date(&d)?, count(&n)?);
            let cal = calendar_cmd::load(settings, &local)?.calendar;
            let r = cal.add_working_days(d, n).map_err(|_| out_of_range())?;
            println!("{}", r.date);
            warn(&r.warnings);
            Ok(())
        }
        WorkdaysCommand::Between { from, to, local } => {
            let (from, to) = (date(&from)?, date(&to)?);
            let cal = calendar_cmd::load(settings, &local)?.calendar;
            let r = cal.working_days_between(from, to);
            println!("{}", r.days);
            warn(&r.warnings);
            Ok(())
        }
        WorkdaysCommand::Explain { date: d, n, event, local } => {
            let (d, n) = (date(&d)?, count(&n)?);
            let cal = calendar_cmd::load(settings, &local)?.calendar;
            let e = cal.explain_add(d, n).map_err(|_| out_of_range())?;
            println!("{}", e.describe(&event));
            for (day, why) in &e.skipped {
                println!("  {day} {why}");
            }
            warn(&e.warnings);
            Ok(())
        }
        WorkdaysCommand::Bench { count, local } => {
            let cal = calendar_cmd::load(settings, &local)?.calendar;
            let pack = hearth_domain::policy::Pack::national();
            let base = cal.covered().0;
            let start = |i: u32| base + time::Duration::days(i64::from(i % 3650));
            let t = std::time::Instant::now();
            let mut check = 0i64;
            for i in 0..count {
                let r = cal.add_working_days(start(i), i64::from(1 + i % 60)).map_err(|_| out_of_range())?;
                check += i64::from(r.date.to_julian_day());
            }
            let calendar_time = t.elapsed();
            let rules = ["referral_decision", "single_assessment", "initial_child_protection_conference", "first_core_group", "care_plan"];
            let t = std::time::Instant::now();
            for i in 0..count {
                let rule = rules[i as usize % rules.len()];
                let d = pack
                    .deadline(rule, 1, hearth_domain::policy::Start::Date(start(i)), &cal)
                    .map_err(|e| Failure(e.to_string(), 1))?;
                check += i64::from(d.due.date().to_julian_day());
            }
            let pack_time = t.elapsed();
            let per = |d: std::time::Duration| d.as_nanos() as f64 / f64::from(count.max(1));
            println!("{count} working-day additions: {:.3} s ({:.0} ns each)", calendar_time.as_secs_f64(), per(calendar_time));
            println!("{count} pack deadlines (rule, pack and version recorded): {:.3} s ({:.0} ns each)", pack_time.as_secs_f64(), per(pack_time));
            println!("checksum {check}");
            Ok(())
        }
    }
}
