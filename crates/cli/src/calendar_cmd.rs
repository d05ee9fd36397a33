//! `hearth calendar`: which working-day calendar is in use, and installing a newer
//! bank-holiday file. Also the loading of the calendar for the other commands.
use crate::Failure;
use crate::config::Settings;
use clap::{Args, Subcommand};
use hearth_domain::calendar::{BankHolidays, Calendar, ClosureDays, FileError, SHIPPED_BANK_HOLIDAYS};
use std::path::{Path, PathBuf};

#[derive(Subcommand)]
pub enum CalendarCommand {
    /// Check a newer GOV.UK bank-holidays.json and install it at the `calendar_file` path.
    ///
    /// Years the file covers replace the same years; years it no longer lists are kept.
    Import {
        file: PathBuf,
        /// Check and show what would change without installing.
        #[arg(long)]
        dry_run: bool,
    },
    /// Show which bank holidays and closure days are in use, and a year's non-working days.
    Show {
        /// List the bank holidays and closure days of this year.
        #[arg(long)]
        year: Option<i32>,
        #[command(flatten)]
        local: LocalCalendar,
    },
}

/// `--calendar FILE`, for the commands that compute working days.
#[derive(Args, Clone, Default)]
pub struct LocalCalendar {
    /// A local calendar instead of the configured one: a bank-holidays JSON file (GOV.UK
    /// format) and/or a closure-days TOML file. May be given twice, once for each.
    #[arg(long = "calendar", value_name = "FILE")]
    pub files: Vec<PathBuf>,
}

/// The calendar in use and where its data came from.
pub struct Loaded {
    pub calendar: Calendar,
    pub bank_source: String,
    pub closure_source: Option<String>,
}

/// Errors in a data file: each as `FILE:LINE:COL: field: message` on standard error, then
/// one failure line.
pub fn file_errors(file: &Path, errors: &[FileError], what: &str) -> Failure {
    let name = file.display().to_string();
    for e in errors {
        eprintln!("{}", e.in_file(&name));
    }
    let n = errors.len();
    Failure(format!("{name}: {n} error{} — {what}", if n == 1 { "" } else { "s" }), 1)
}

pub fn read(file: &Path) -> Result<String, Failure> {
    std::fs::read_to_string(file).map_err(|e| Failure(format!("cannot read {}: {e}", file.display()), 1))
}

fn read_bank_holidays(file: &Path) -> Result<BankHolidays, Failure> {
    BankHolidays::from_gov_uk_json(&read(file)?).map_err(|e| file_errors(file, &e, "not a valid bank-holidays file"))
}

fn is_json(p: &Path) -> bool {
    p.extension().is_some_and(|e| e.eq_ignore_ascii_case("json"))
}

/// The bank holidays in use: the `calendar_file` when it exists, else the built-in copy.
fn configured_bank_holidays(settings: &Settings) -> Result<(BankHolidays, String), Failure> {
    let path = Path::new(&settings.calendar_file);
    if !settings.calendar_file.is_empty() && path.exists() {
        Ok((read_bank_holidays(path)?, path.display().to_string()))
    } else {
        let b = BankHolidays::from_gov_uk_json(SHIPPED_BANK_HOLIDAYS).map_err(|_| Failure("the built-in bank holidays are not valid".into(), 1))?;
        Ok((b, "built into hearth (GOV.UK, England and Wales)".into()))
    }
}

/// The calendar for a command: `--calendar` files first, then the configuration.
pub fn load(settings: &Settings, local: &LocalCalendar) -> Result<Loaded, Failure> {
    let json = local.files.iter().rfind(|f| is_json(f));
    let toml = local.files.iter().rfind(|f| !is_json(f));
    let (bank, bank_source) = match json {
        Some(f) => (read_bank_holidays(f)?, f.display().to_string()),
        None => configured_bank_holidays(settings)?,
    };
    let closure_file = toml.cloned().or_else(|| settings.closure_days_file.as_ref().filter(|s| !s.is_empty()).map(PathBuf::from));
    let (closures, closure_source) = match closure_file {
        Some(f) => {
            let c = ClosureDays::from_toml(&read(&f)?).map_err(|e| file_errors(&f, &e, "not a valid closure-days file"))?;
            (c, Some(f.display().to_string()))
        }
        None => (ClosureDays::default(), None),
    };
    Ok(Loaded { calendar: Calendar::new(bank, closures), bank_source, closure_source })
}

/// Writes through a temporary file in the same directory and renames it into place.
fn install(path: &Path, contents: &str) -> Result<(), Failure> {
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(|e| Failure(format!("cannot create {}: {e}", dir.display()), 1))?;
    let name = path.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_else(|| "bank-holidays.json".into());
    let temp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let write = || -> std::io::Result<()> {
        use std::io::Write;
        let mut f = std::fs::File::create(&temp)?;
        f.write_all(contents.as_bytes())?;
        f.sync_all()?;
        std::fs::rename(&temp, path)
    };
    write().map_err(|e| {
        let _ = std::fs::remove_file(&temp);
        Failure(format!("cannot install {}: {e}", path.display()), 1)
    })
}

pub fn run(settings: &Settings, command: CalendarCommand) -> Result<(), Failure> {
    match command {
        CalendarCommand::Import { file, dry_run } => {
            let newer = read_bank_holidays(&file)?;
            if settings.calendar_file.is_empty() {
                return Err(Failure("the calendar_file setting is empty: set it to the path to install the bank holidays at".into(), 2));
            }
            let target = PathBuf::from(&settings.calendar_file);
            let (current, source) = match configured_bank_holidays(settings) {
                Ok(c) => c,
                Err(Failure(msg, _)) => {
                    eprintln!("hearth: warning: the installed bank holidays cannot be read ({msg}); starting from the built-in copy");
                    let b = BankHolidays::from_gov_uk_json(SHIPPED_BANK_HOLIDAYS).map_err(|_| Failure("the built-in bank holidays are not valid".into(), 1))?;
                    (b, "built into hearth".into())
                }
            };
            let (merged, summary) = current.merged_with(&newer).map_err(|m| Failure(format!("{}: {m}", file.display()), 1))?;
            println!("current: {source}");
            print!("{summary}");
            if dry_run {
                println!("dry run: nothing installed");
            } else {
                install(&target, &merged.to_gov_uk_json())?;
                println!("installed at {}", target.display());
            }
            Ok(())
        }
        CalendarCommand::Show { year, local } => {
            let loaded = load(settings, &local)?;
            let cal = &loaded.calendar;
            let (first, last) = cal.bank_holidays().years();
            println!("bank holidays: {}, {first}–{last}, {} dates", loaded.bank_source, cal.bank_holidays().events().len());
            match &loaded.closure_source {
                Some(s) => println!("closure days: {s}, {} days", cal.closures().days().len()),
                None => println!("closure days: none"),
            }
            if let Some(y) = year {
                if y < first || y > last {
                    eprintln!("hearth: warning: there is no bank-holiday data for {y}");
                }
                let mut days: Vec<(time::Date, String)> = cal
                    .bank_holidays()
                    .events()
                    .iter()
                    .filter(|e| e.date.year() == y)
                    .map(|e| (e.date, format!("bank holiday: {}", e.title)))
                    .collect();
                days.extend(cal.closures().days().iter().filter(|c| c.date.year() == y).map(|c| (c.date, format!("closure day: {}", c.reason))));
                days.sort();
                for (d, what) in days {
                    println!("{d} {} {what}", &hearth_domain::calendar::describe_date(d)[..3]);
                }
            }
            Ok(())
        }
    }
}
