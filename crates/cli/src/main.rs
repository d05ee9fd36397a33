//! The `hearth` command.
#![forbid(unsafe_code)]

mod backup_cmd;
mod bench;
mod bench_cp;
mod bench_leavers;
mod bench_load;
mod calendar_cmd;
mod config;
mod logging;
mod metrics_server;
mod shutdown;
mod policy_cmd;
mod services_cmd;
mod postcodes_cmd;
mod leaving_care_cmd;
mod workdays;

use clap::{Parser, Subcommand};
use config::Settings;
use hearth_app::clock::SystemClock;
use hearth_app::{App, NewAccount, NewUser, VerifyOutcome};
use hearth_domain::user::Role;
use hearth_store::Store;
use hearth_store_sql::SqlStore;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

#[derive(Parser)]
#[command(name = "hearth", version, about = "Hearth: case management for children's social care")]
struct Cli {
    /// Configuration file (TOML). Default: ./hearth.toml when it exists.
    #[arg(long, global = true, env = "HEARTH_CONFIG")]
    config: Option<PathBuf>,
    /// Database URL, overriding the configuration: sqlite://FILE or postgres://…
    #[arg(long, global = true)]
    database: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the web server (migrating the database first).
    Serve {
        /// Address to listen on, e.g. 127.0.0.1:8080
        #[arg(long)]
        bind: Option<String>,
    },
    /// Create or reuse a database filled with a synthetic local authority, and serve it.
    Demo {
        #[arg(long)]
        bind: Option<String>,
        /// Children to generate (with their families) when the database is empty.
        #[arg(long, default_value_t = 2000)]
        children: usize,
        /// Seed of the generator: the same seed gives the same people.
        #[arg(long, default_value_t = 2026)]
        seed: u64,
        /// Generate and exit without serving.
        #[arg(long)]
        no_serve: bool,
    },
    /// Apply pending database migrations.
    Migrate,
    /// Manage users.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Measure record page, search and add-case-note latency on a generated data set.
    ///
    /// Uses a fresh temporary SQLite file unless --database is given (an empty database is
    /// filled first; a filled one is reused).
    Bench {
        #[arg(long, default_value_t = 40_000)]
        children: usize,
        #[arg(long, default_value_t = 25)]
        notes_per_child: usize,
        #[arg(long, default_value_t = 1000)]
        samples: usize,
        #[arg(long, default_value_t = 2026)]
        seed: u64,
        /// Users asking at once in the scenarios under load (0: none).
        #[arg(long, default_value_t = 8)]
        clients: usize,
        /// How long each scenario under load runs, in seconds.
        #[arg(long, default_value_t = 10)]
        load_seconds: u64,
        /// Audited writes a second under load (over two instances on PostgreSQL).
        #[arg(long, default_value_t = 300)]
        write_rate: u32,
        /// Record pages a second in the mixed scenario under load (the dashboard at a tenth).
        #[arg(long, default_value_t = 100)]
        read_rate: u32,
    },
    /// Check the audit log.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
    /// Working-day arithmetic on the configured calendar (weekends, bank holidays, closure days).
    Workdays {
        #[command(subcommand)]
        command: workdays::WorkdaysCommand,
    },
    /// The working-day calendar: show it, or import a newer bank-holiday file.
    Calendar {
        #[command(subcommand)]
        command: calendar_cmd::CalendarCommand,
    },
    /// Policy packs (timescales and thresholds): check a pack, show the effective one.
    Policy {
        #[command(subcommand)]
        command: policy_cmd::PolicyCommand,
    },
    /// The council's directory of services for children in care and care leavers.
    Services {
        #[command(subcommand)]
        command: services_cmd::ServicesCommand,
    },
    /// Stored deadlines (the due dates of open tasks).
    Deadlines {
        #[command(subcommand)]
        command: DeadlinesCommand,
    },
    /// Where postcodes are (the ONS Postcode Directory), for each looked-after child's
    /// distance from home.
    Postcodes {
        #[command(subcommand)]
        command: postcodes_cmd::PostcodesCommand,
    },
    /// Care leavers: the status rules (eligible, relevant, former relevant, qualifying).
    LeavingCare {
        #[command(subcommand)]
        command: leaving_care_cmd::LeavingCareCommand,
    },
    /// Bring records in from a previous system.
    Import {
        #[command(subcommand)]
        command: ImportCommand,
    },
    /// Statutory returns from the record.
    Returns {
        #[command(subcommand)]
        command: ReturnsCommand,
    },
    /// Copy the database while Hearth runs, and check the copy (SQLite: VACUUM INTO, then
    /// integrity, migrations and the audit chain; PostgreSQL: check and run pg_dump -Fc).
    Backup(backup_cmd::BackupArgs),
    /// Replace the database with a backup, after checking it; never while Hearth uses it.
    Restore(backup_cmd::RestoreArgs),
}

#[derive(Subcommand)]
enum ImportCommand {
    /// Import a previous system's CIN census XML: children, referrals, assessments, plans,
    /// section 47 enquiries, child protection plans and reviews, as history. Children are
    /// matched by LA child id, so importing the same file again changes nothing and a later
    /// year's file merges. Exit 1 when a child is rejected, 2 when the file cannot be used.
    Cin {
        /// The census file.
        file: std::path::PathBuf,
        /// The Hearth user the import is recorded as (needs to produce returns: business
        /// support or a service manager).
        #[arg(long)]
        user: String,
        /// The local authority's number the file's LEA must match; default: la_number of the
        /// configuration.
        #[arg(long)]
        la: Option<String>,
        /// The team that holds the children whose episode is still open until a manager
        /// allocates a worker (closed history needs no team). Default: left unallocated.
        #[arg(long)]
        team: Option<String>,
        /// Check and match everything, report, and keep nothing.
        #[arg(long)]
        dry_run: bool,
        /// Also write the whole report, child by child (created, merged, unchanged,
        /// rejected with reasons, not kept), as JSON to this file.
        #[arg(long)]
        json: Option<std::path::PathBuf>,
    },
}

#[derive(Subcommand)]
enum ReturnsCommand {
    /// Write the Children in Need census XML for a collection year (1 April to 31 March).
    Cin {
        /// The collection year: 2025-26 or 2026-27.
        #[arg(long)]
        year: String,
        /// The local authority's three-digit number (the header's LEA), for example 800.
        #[arg(long)]
        la: String,
        /// Where to write the XML file.
        #[arg(long)]
        out: std::path::PathBuf,
        /// Also check what was written against the DfE's rules (as `cin-validate` would) and
        /// exit 1 if there is an ERROR-type failure.
        #[arg(long)]
        check: bool,
    },
    /// Check any CIN census XML file (Hearth's or another system's) against the DfE's
    /// validation rules; exit 1 when there is an ERROR-type failure.
    CinValidate {
        /// The census file.
        file: std::path::PathBuf,
        /// Only these rules (comma-separated codes, e.g. 8610,8670Q).
        #[arg(long)]
        rules: Option<String>,
        /// At most this many failures listed per rule.
        #[arg(long, default_value_t = 20)]
        max_lines: usize,
        /// Also write every failure as JSON to this file.
        #[arg(long)]
        json: Option<std::path::PathBuf>,
    },
}

#[derive(Subcommand)]
enum DeadlinesCommand {
    /// Work out every open task's due date again with the pack and calendar now configured.
    ///
    /// A deadline keeps the pack version it was computed with: changing the pack does not
    /// move it. This lists what would move; with --apply it moves them (each change audited).
    Recalculate {
        #[arg(long)]
        apply: bool,
    },
}

#[derive(Subcommand)]
enum UserCommand {
    /// Add a user. Prints a one-time set-up link (72 hours) with which they choose their own
    /// password; with HEARTH_NEW_PASSWORD set, that password is given instead (scripts).
    Add {
        username: String,
        /// Full name shown in the record.
        #[arg(long)]
        name: String,
        /// social_worker, team_manager, service_manager, business_support, reviewing_officer, administrator or auditor
        #[arg(long)]
        role: String,
        /// Team name (created if missing).
        #[arg(long)]
        team: Option<String>,
        /// Username of the line manager.
        #[arg(long)]
        manager: Option<String>,
    },
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Verify the whole hash chain; exits 1 naming the first entry that does not fit.
    Verify {
        /// A line `hearth audit anchor` printed earlier: the log must still hold that entry
        /// (a log rewound past it, or rewritten before it, fails).
        #[arg(long)]
        anchor: Option<String>,
    },
    /// Print the log's last entry as an anchor line to keep off this machine (daily, say).
    Anchor,
}

/// A failure the user can act on: printed as one line, exit code 1 (2 for usage).
struct Failure(String, u8);

impl<E: std::fmt::Display> From<E> for Failure {
    fn from(e: E) -> Self {
        Failure(e.to_string(), 1)
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    logging::init(matches!(cli.command, Command::Bench { .. }));
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("hearth: cannot start: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure(msg, code)) => {
            logging::fatal(&msg);
            ExitCode::from(code)
        }
    }
}

async fn open(settings: &Settings) -> Result<App, Failure> {
    open_with(settings, hearth_app::Timescales::default()).await
}

/// Opens the database for an App that computes deadlines with `timescales`.
async fn open_with(settings: &Settings, timescales: hearth_app::Timescales) -> Result<App, Failure> {
    let store = SqlStore::connect(&settings.database_url).await.map_err(|e| Failure(format!("cannot open the database {}: {e}", redact(&settings.database_url)), 1))?;
    store.migrate().await.map_err(|e| Failure(format!("cannot migrate the database {}: {e}", redact(&settings.database_url)), 1))?;
    let store: Arc<dyn Store> = Arc::new(store);
    let mut config = settings.app_config();
    config.timescales = Arc::new(timescales);
    config.directory = Arc::new(services_cmd::directory(settings)?);
    Ok(App::new(store, config, Arc::new(SystemClock)))
}

/// Stops a server from starting on a database it cannot write (read-only file or file
/// system, full disk): every page writes its audit entry, so nothing would work.
async fn ensure_writable(app: &App, settings: &Settings) -> Result<(), Failure> {
    app.store.check_writable().await.map_err(|e| Failure(format!("cannot write to the database {}: {e}", redact(&settings.database_url)), 1))
}

/// A database URL without its password, for messages.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let creds = &url[s + 3..at];
            match creds.split_once(':') {
                Some((user, _)) => format!("{}{}:***{}", &url[..s + 3], user, &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

async fn run(cli: Cli) -> Result<(), Failure> {
    let mut settings = Settings::load(cli.config.as_deref()).map_err(|e| Failure(e, 2))?;
    let database_given = cli.database.is_some() || std::env::var("HEARTH_DATABASE_URL").is_ok();
    if let Some(db) = cli.database {
        settings.database_url = db;
    }
    match cli.command {
        Command::Workdays { command } => workdays::run(&settings, command),
        Command::Calendar { command } => calendar_cmd::run(&settings, command),
        Command::Policy { command } => policy_cmd::run(&settings, command),
        Command::Services { command } => services_cmd::run(&settings, command),
        Command::LeavingCare { command } => leaving_care_cmd::run(command),
        Command::Backup(args) => backup_cmd::backup(&settings, args).await,
        Command::Restore(args) => backup_cmd::restore(&settings, args).await,
        Command::Serve { bind } => {
            if let Some(b) = bind {
                settings.bind = b;
            }
            let timescales = check_timescales(&settings)?;
            let app = open_with(&settings, timescales).await?;
            ensure_writable(&app, &settings).await?;
            serve(app, &settings, None).await
        }
        Command::Demo { bind, children, seed, no_serve } => {
            if let Some(b) = bind {
                settings.bind = b;
            }
            // The demo council's number is not a real LA's.
            settings.la_number.get_or_insert_with(|| "999".into());
            settings.area_postcode_districts.get_or_insert_with(|| hearth_testkit::DEMO_AREA.join(" "));
            let timescales = check_timescales(&settings)?;
            let app = open_with(&settings, timescales).await?;
            ensure_writable(&app, &settings).await?;
            let banner = demo(&app, children, seed).await?;
            if no_serve {
                println!("{banner}");
                return Ok(());
            }
            serve(app, &settings, Some(banner)).await
        }
        Command::Postcodes { command } => {
            let app = open(&settings).await?;
            postcodes_cmd::run(&app, command).await
        }
        Command::Migrate => {
            open(&settings).await?;
            println!("Database {} is up to date.", redact(&settings.database_url));
            Ok(())
        }
        Command::User { command: UserCommand::Add { username, name, role, team, manager } } => {
            let app = open(&settings).await?;
            let role = Role::from_code(&role).ok_or_else(|| {
                let all: Vec<&str> = Role::ALL.iter().map(|r| r.code()).collect();
                Failure(format!("unknown role {role}; choose one of {}", all.join(", ")), 2)
            })?;
            let password = std::env::var("HEARTH_NEW_PASSWORD").ok();
            let team = match team {
                None => None,
                Some(t) => {
                    let existing = app.teams().await?.into_iter().find(|x| x.name.eq_ignore_ascii_case(&t));
                    Some(match existing {
                        Some(x) => x.id,
                        None => app.add_team(None, &t).await.map_err(|e| Failure(describe(e), 1))?.id,
                    })
                }
            };
            let manager = match manager {
                None => None,
                Some(m) => Some(user_id(&app, &m).await?),
            };
            let Some(password) = password else {
                let made = app
                    .create_account(None, NewAccount { username, display_name: name, role, team, manager })
                    .await
                    .map_err(|e| Failure(describe(e), 1))?;
                let base = settings.public_url.as_deref().map(|u| u.trim_end_matches('/').to_string()).unwrap_or_else(|| format!("http://{}", settings.bind));
                println!("Added {} ({}) as {}.", made.user.username, made.user.display_name, made.user.role.label());
                println!("Give them this one-time set-up link, valid for {} hours; it will not be shown again:", hearth_app::auth::SETUP_LINK_HOURS);
                println!("{base}/setup/{}", made.setup_token);
                return Ok(());
            };
            let user = app
                .add_user(NewUser { username, display_name: name, role, team, manager, password })
                .await
                .map_err(|e| Failure(describe(e), 1))?;
            println!("Added {} ({}) as {}.", user.username, user.display_name, user.role.label());
            Ok(())
        }
        Command::Bench { children, notes_per_child, samples, seed, clients, load_seconds, write_rate, read_rate } => {
            let temp = if database_given {
                None
            } else {
                let p = std::env::temp_dir().join(format!("hearth-bench-{}.db", std::process::id()));
                settings.database_url = format!("sqlite://{}", p.display());
                Some(p)
            };
            let app = open(&settings).await?;
            // A second instance on PostgreSQL: its own pools on the same database, as a second
            // server would have. SQLite has one writer, and so one instance.
            let second = if settings.database_url.starts_with("postgres") { Some(open(&settings).await?) } else { None };
            let load = (clients > 0).then_some(bench_load::LoadOptions { clients, seconds: load_seconds.max(1), write_rate, read_rate });
            let result = bench::run(app, second, settings.web_config(), bench::BenchOptions { children, notes_per_child, seed, samples, load }).await;
            if let Some(p) = temp {
                for ext in ["", "-wal", "-shm"] {
                    let _ = std::fs::remove_file(format!("{}{ext}", p.display()));
                }
            }
            println!("{}", result.map_err(|e| Failure(format!("benchmark failed: {e}"), 1))?);
            Ok(())
        }
        Command::Deadlines { command: DeadlinesCommand::Recalculate { apply } } => {
            let timescales = check_timescales(&settings)?;
            let app = open_with(&settings, timescales).await?;
            let moved = app.recalculate_deadlines(apply).await.map_err(|e| Failure(describe(e), 1))?;
            for r in &moved {
                println!("{}\t{}\t{} → {}\t{} → {} {}", r.task.id, r.task.kind.code(), r.old_due, r.task.due, r.old_pack, r.task.pack, r.task.pack_version);
            }
            let pack = &app.config.timescales.pack;
            match (moved.len(), apply) {
                (0, _) => println!("Every open deadline already matches {} {}.", pack.name, pack.version),
                (n, true) => println!("Moved {n} deadlines to {} {}.", pack.name, pack.version),
                (n, false) => println!("{n} deadlines would move under {} {}; run again with --apply to move them.", pack.name, pack.version),
            }
            Ok(())
        }
        Command::Returns { command: ReturnsCommand::Cin { year, la, out, check } } => {
            let y = hearth_domain::returns::cin::CollectionYear::parse(&year)
                .ok_or_else(|| Failure(format!("--year {year} is not a collection year Hearth supports (2025-26 or 2026-27)"), 2))?;
            if la.len() != 3 || !la.bytes().all(|b| b.is_ascii_digit()) {
                return Err(Failure(format!("--la {la} is not a three-digit local authority number"), 2));
            }
            let timescales = check_timescales(&settings)?;
            let app = open_with(&settings, timescales).await?;
            let started = std::time::Instant::now();
            let file = app.cin_census_file(y, &la).await.map_err(|e| Failure(describe(e), 1))?;
            std::fs::write(&out, hearth_cin_census::write::to_string(&file)).map_err(|e| Failure(format!("cannot write {}: {e}", out.display()), 1))?;
            println!("Wrote the CIN census {} for {} children to {} in {:.2} s.", y.label(), file.children.len(), out.display(), started.elapsed().as_secs_f64());
            if check {
                let checking = std::time::Instant::now();
                let ctx = hearth_cin_census::rules::Ctx::new(y.reference_date(), hearth_domain::calendar::shipped());
                let failures = hearth_cin_census::rules::validate(&file, ctx);
                let (errors, queries) = hearth_cin_census::report::counts(&failures);
                print!("{}", hearth_cin_census::report::text(&failures, 3));
                println!("Checked against the DfE's rules in {:.2} s: {errors} errors, {queries} queries.", checking.elapsed().as_secs_f64());
                if errors > 0 {
                    return Err(Failure(format!("the census has {errors} ERROR-type failures"), 1));
                }
            }
            Ok(())
        }
        Command::Import { command: ImportCommand::Cin { file, user, la, team, dry_run, json } } => {
            let la = la.or_else(|| settings.la_number.clone()).ok_or_else(|| Failure("give the local authority's number with --la, or set la_number in the configuration".into(), 2))?;
            let input = std::fs::File::open(&file).map_err(|e| Failure(format!("cannot open {}: {e}", file.display()), 2))?;
            let timescales = check_timescales(&settings)?;
            let app = open_with(&settings, timescales).await?;
            let actor = app.local_actor(&user).await.map_err(|_| Failure(format!("no active user called {user}"), 2))?;
            let team = match team {
                None => None,
                Some(name) => Some(app.teams().await.map_err(|e| Failure(describe(e), 1))?.into_iter().find(|t| t.name.eq_ignore_ascii_case(name.trim())).map(|t| t.id).ok_or_else(|| Failure(format!("no team called {name}"), 2))?),
            };
            let started = std::time::Instant::now();
            let options = hearth_app::import::ImportOptions { la_number: la, team, dry_run };
            let report = app.import_cin_census(&actor, std::io::BufReader::new(input), &options).await.map_err(|e| match e {
                hearth_app::AppError::File(m) => Failure(m, 2),
                hearth_app::AppError::Forbidden => Failure(format!("{user} may not import returns: it needs the business support or service manager role"), 2),
                other => Failure(describe(other), 1),
            })?;
            print!("{}", import_report(&report));
            println!("Finished in {:.2} s.", started.elapsed().as_secs_f64());
            if let Some(path) = json {
                let text = serde_json::to_string_pretty(&report).map_err(|e| Failure(format!("cannot write the report: {e}"), 1))?;
                std::fs::write(&path, text).map_err(|e| Failure(format!("cannot write {}: {e}", path.display()), 1))?;
            }
            if report.rejected.is_empty() {
                Ok(())
            } else {
                Err(Failure(format!("{} children were rejected: fix them in the file and import it again (what came in is matched, not duplicated)", report.rejected.len()), 1))
            }
        }
        Command::Returns { command: ReturnsCommand::CinValidate { file, rules, max_lines, json } } => cin_validate(&file, rules.as_deref(), max_lines, json.as_deref()),
        Command::Audit { command: AuditCommand::Verify { anchor } } => {
            let anchor = anchor.map(|a| a.parse::<hearth_domain::audit::Anchor>()).transpose().map_err(|e| Failure(e, 2))?;
            let app = open(&settings).await?;
            let outcome = match &anchor {
                Some(a) => app.verify_audit_anchor(a).await?,
                None => app.verify_audit().await?,
            };
            match outcome {
                VerifyOutcome::Intact { entries } => {
                    match anchor {
                        Some(a) => println!("audit log intact: {entries} entries verified, and entry {} is the anchored one", a.seq),
                        None => println!("audit log intact: {entries} entries verified"),
                    }
                    Ok(())
                }
                VerifyOutcome::Broken(fault) => Err(Failure(format!("audit log is NOT intact: {fault}"), 1)),
            }
        }
        Command::Audit { command: AuditCommand::Anchor } => {
            let app = open(&settings).await?;
            println!("{}", app.audit_anchor().await?);
            Ok(())
        }
    }
}

/// An import's report as a data team reads it: the totals, then each rejected child with
/// its reasons, each disagreement, and what the file says that Hearth does not keep.
fn import_report(r: &hearth_app::import::ImportReport) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    let verb = if r.dry_run { "Dry run, nothing kept: would have" } else { "Imported:" };
    let _ = writeln!(out, "CIN census {} from LA {}: {} children.", r.year, r.la, r.children);
    let _ = writeln!(out, "{verb} {} created, {} merged, {} unchanged, {} rejected.", r.created.len(), r.merged.len(), r.unchanged.len(), r.rejected.len());
    for x in &r.rejected {
        let id = if x.la_child_id.is_empty() { "(no LAchildID)" } else { &x.la_child_id };
        let _ = writeln!(out, "Rejected {id} (line {}):", x.line);
        for p in &x.problems {
            let _ = writeln!(out, "  - {p}");
        }
    }
    for m in r.merged.iter().filter(|m| !m.conflicts.is_empty()) {
        let _ = writeln!(out, "Merged {} with disagreements:", m.la_child_id);
        for c in &m.conflicts {
            let _ = writeln!(out, "  - {c}");
        }
    }
    if !r.not_kept.is_empty() {
        let _ = writeln!(out, "Not kept ({}): Hearth has no place for these:", r.not_kept.len());
        for (id, what) in r.not_kept.iter().take(20) {
            let _ = writeln!(out, "  - {id}: {what}");
        }
        if r.not_kept.len() > 20 {
            let _ = writeln!(out, "  … and {} more", r.not_kept.len() - 20);
        }
    }
    out
}

/// Loads the configured policy pack and calendar before serving, so a bad file stops start-up
/// with its errors instead of surfacing later in a deadline.
fn check_timescales(settings: &Settings) -> Result<hearth_app::Timescales, Failure> {
    let pack = policy_cmd::effective(settings, None)?;
    let loaded = calendar_cmd::load(settings, &calendar_cmd::LocalCalendar::default())?;
    let (first, last) = loaded.calendar.bank_holidays().years();
    tracing::info!(pack = %format!("{} {}", pack.name, pack.version), bank_holidays = %format!("{first}–{last}"), calendar = %loaded.bank_source, "timescales loaded");
    Ok(hearth_app::Timescales { pack, calendar: loaded.calendar })
}

fn describe(e: hearth_app::AppError) -> String {
    match e {
        hearth_app::AppError::Invalid(errs) => errs.0.iter().map(|e| e.message.clone()).collect::<Vec<_>>().join("; "),
        other => other.to_string(),
    }
}

async fn user_id(app: &App, username: &str) -> Result<hearth_domain::UserId, Failure> {
    let mut tx = app.store.begin().await?;
    let u = tx.user_by_username(username).await?;
    drop(tx);
    u.map(|u| u.id).ok_or_else(|| Failure(format!("no user called {username}"), 1))
}

async fn demo(app: &App, children: usize, seed: u64) -> Result<String, Failure> {
    use std::fmt::Write;
    let mut out = String::new();
    if hearth_testkit::is_populated(app.store.as_ref()).await? {
        let _ = writeln!(out, "Reusing the existing database (delete it to generate a new demo).");
        // A demo database made before distances from home were shown has no locations.
        if !app.has_postcode_locations().await.map_err(|e| Failure(describe(e), 1))? {
            hearth_testkit::load_demo_postcodes(app.store.as_ref()).await?;
        }
        let _ = writeln!(
            out,
            "Demo users (tara.manager, sian.service, bea.support, ava.auditor, …) sign in with the password {}; \
             the authenticator secrets of admin and sam.worker were printed when the database was generated.",
            hearth_testkit::DEMO_PASSWORD
        );
        return Ok(out);
    }
    eprintln!("Generating a synthetic local authority with {children} children (seed {seed})…");
    let s = hearth_testkit::generate(
        app.store.as_ref(),
        &hearth_testkit::DemoOptions {
            children,
            seed,
            notes_per_child: 10,
            // The front door's deadlines under the pack and calendar the app runs with.
            front_door: hearth_testkit::FrontDoorOptions { enabled: true, timescales: Some(app.config.timescales.clone()) },
        },
    )
    .await?;
    let _ = writeln!(
        out,
        "Generated {} children, {} people, {} case notes and {} relationships in {:.1} s (synthetic data, not real people).",
        s.children, s.people, s.case_notes, s.relationships, s.elapsed.as_secs_f64()
    );
    let _ = writeln!(out, "Children in care: {} looked after today, {} providers of placements.", s.care.looked_after, s.care.providers);
    let _ = writeln!(out, "Care leavers: {} with a care leaver record ({} of them left care before the history here).", s.care.care_leavers, s.care.left_care);
    let _ = writeln!(out, "Demo sign-ins (authenticator secrets are for an app such as Google Authenticator):");
    for u in s.users.iter().take(hearth_testkit::NAMED_USERS.len()) {
        let _ = writeln!(
            out,
            "  sign-in: username={} password={} role={} totp={}",
            u.username,
            u.password,
            u.role.code(),
            u.totp_secret.as_deref().unwrap_or("-")
        );
    }
    let _ = writeln!(out, "  example-child: id={} name={}", s.example_child.0, s.example_child.1);
    Ok(out)
}

async fn serve(app: App, settings: &Settings, banner: Option<String>) -> Result<(), Failure> {
    metrics_server::start(settings.metrics_bind.as_deref(), app.store.clone()).await?;
    let listener = tokio::net::TcpListener::bind(&settings.bind)
        .await
        .map_err(|e| Failure(format!("cannot listen on {}: {e}", settings.bind), 1))?;
    let addr = listener.local_addr()?;
    let host = if addr.ip().is_loopback() { format!("localhost:{}", addr.port()) } else { addr.to_string() };
    let mut web = settings.web_config();
    // The demo's set-up links are whole addresses without configuration.
    if banner.is_some() && web.public_url.is_none() {
        web.public_url = Some(format!("http://{host}"));
    }
    tokio::spawn(shutdown::housekeeping_every(app.clone(), std::time::Duration::from_secs(600)));
    let router = hearth_web::router(app, web);
    if let Some(b) = banner {
        print!("{b}");
    }
    println!("Hearth is running at http://{host}/ (press Ctrl+C to stop)");
    shutdown::serve_until_stopped(listener, router, settings.shutdown_grace()).await?;
    Ok(())
}

/// `hearth returns cin-validate`: streams the file through the DfE's rules.
fn cin_validate(path: &std::path::Path, only: Option<&str>, max_lines: usize, json: Option<&std::path::Path>) -> Result<(), Failure> {
    use hearth_cin_census::{report, rules, CensusReader, Validator};
    let started = std::time::Instant::now();
    let chosen = match only {
        None => rules::all(),
        Some(list) => list
            .split(',')
            .map(|c| rules::find(c.trim()).ok_or_else(|| Failure(format!("--rules: there is no CIN census rule {}", c.trim()), 2)))
            .collect::<Result<Vec<_>, _>>()?,
    };
    let file = std::fs::File::open(path).map_err(|e| Failure(format!("cannot open {}: {e}", path.display()), 2))?;
    let unreadable = |e: hearth_cin_census::ReadError| Failure(format!("{}: {e}", path.display()), 2);
    let mut reader = CensusReader::new(std::io::BufReader::new(file)).map_err(unreadable)?;
    let ctx = rules::Ctx::from_header(reader.header(), hearth_domain::calendar::shipped())
        .ok_or_else(|| Failure(format!("{}: the header has neither a readable ReferenceDate nor a Year, so the collection year is unknown", path.display()), 2))?;
    let mut validator = Validator::with_rules(reader.header(), ctx, chosen);
    let mut children = 0usize;
    while let Some(child) = reader.next_child().map_err(unreadable)? {
        validator.child(&child);
        children += 1;
    }
    let failures = validator.finish();
    let (errors, queries) = report::counts(&failures);
    println!(
        "CIN census {} (census date {}): {children} children checked against the DfE's rules in {:.2} s",
        path.display(),
        ctx.reference_date,
        started.elapsed().as_secs_f64()
    );
    print!("{}", report::text(&failures, max_lines));
    if let Some(out) = json {
        let body = serde_json::json!({ "file": path.display().to_string(), "children": children, "errors": errors, "queries": queries, "failures": failures });
        std::fs::write(out, body.to_string()).map_err(|e| Failure(format!("cannot write {}: {e}", out.display()), 2))?;
    }
    println!("cin-validate: {errors} errors, {queries} queries");
    if errors > 0 { Err(Failure(format!("{errors} ERROR-type failures"), 1)) } else { Ok(()) }
}
