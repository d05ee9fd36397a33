//! `hearth leaving-care status`: the care-leaver status rules on a history typed at the
//! command line, for checking them and for the council's own audits (issue 18).
use crate::Failure;
use clap::Subcommand;
use hearth_domain::calendar::parse_iso_date;
use hearth_domain::care::leaving::{entitlements, status_on, LeavingFacts, Spell};
use time::Date;

#[derive(Subcommand)]
pub enum LeavingCareCommand {
    /// Print why, then on its last line the status alone: eligible, relevant, former
    /// relevant, qualifying or none.
    Status {
        /// Date of birth, YYYY-MM-DD.
        #[arg(long)]
        born: String,
        /// Periods of care, FROM..TO[,FROM..TO…] (TO the day care ended); an open one FROM..
        #[arg(long, default_value = "")]
        care: String,
        /// Pre-planned short breaks, FROM..TO[,…]: disregarded when none is over four weeks.
        #[arg(long, default_value = "")]
        short_breaks: String,
        /// In education or training (a qualifying young person is helped to 25, not 21).
        #[arg(long)]
        in_education: bool,
        /// In custody or hospital on the 16th birthday.
        #[arg(long)]
        detained_at_16: bool,
        /// The day to work the status out for, YYYY-MM-DD.
        #[arg(long)]
        on: String,
    },
}

fn date(what: &str, s: &str) -> Result<Date, Failure> {
    parse_iso_date(s.trim()).ok_or_else(|| Failure(format!("{what}: not a date: \"{s}\" (expected YYYY-MM-DD)"), 2))
}

/// `FROM..TO,FROM..` as spells.
fn spells(what: &str, s: &str, short_break: bool) -> Result<Vec<Spell>, Failure> {
    s.split(',')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (from, to) = p.split_once("..").ok_or_else(|| Failure(format!("{what}: \"{p}\" is not FROM..TO or FROM.."), 2))?;
            let to = if to.trim().is_empty() { None } else { Some(date(what, to)?) };
            Ok(Spell { from: date(what, from)?, to, short_break, returned_home: false })
        })
        .collect()
}

pub fn run(command: LeavingCareCommand) -> Result<(), Failure> {
    let LeavingCareCommand::Status { born, care, short_breaks, in_education, detained_at_16, on } = command;
    let mut all = spells("--care", &care, false)?;
    all.extend(spells("--short-breaks", &short_breaks, true)?);
    let facts = LeavingFacts { born: Some(date("--born", &born)?), spells: all, in_education, detained_at_16 };
    let derived = status_on(&facts, date("--on", &on)?).map_err(|e| Failure(e.to_string(), 2))?;
    println!("{}", derived.reason);
    for (what, basis) in entitlements(derived.status) {
        println!("  {what} ({basis})");
    }
    println!("{}", derived.status.code());
    Ok(())
}
