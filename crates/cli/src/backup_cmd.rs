//! `hearth backup` and `hearth restore`.
//!
//! SQLite: an online copy with `VACUUM INTO` (the `sqlite3 .backup` API restarts whenever the
//! database changes, and every audited read is a change, so it never finishes under load),
//! written beside the target, fsynced, checked (integrity, migrations, the audit chain) and
//! only then renamed into place. A restore checks the file the same way before it touches
//! anything, refuses while anyone has the database open, and swaps the file atomically.
//! PostgreSQL: the `pg_dump` / `pg_restore` route, checked and run.
use crate::config::Settings;
use crate::{Failure, redact};
use clap::Args;
use hearth_app::clock::SystemClock;
use hearth_app::{App, VerifyOutcome};
use hearth_store::{Store, StoreError};
use hearth_store_sql::{Dialect, LockError, SqlStore, SqliteExclusive, sqlite_path};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

#[derive(Args)]
pub struct BackupArgs {
    /// Where to write the copy (SQLite: a database file; PostgreSQL: a pg_dump custom-format
    /// archive). PostgreSQL without --out: explain and check the pg_dump route only.
    #[arg(long)]
    out: Option<PathBuf>,
    /// Replace FILE if it exists.
    #[arg(long)]
    force: bool,
}

#[derive(Args)]
pub struct RestoreArgs {
    /// The backup: a file `hearth backup` wrote (SQLite), or a pg_dump custom-format archive.
    file: PathBuf,
    /// Replace the configured database although it exists (everything recorded since the
    /// backup is lost). Never while a Hearth server or anyone else is using it.
    #[arg(long)]
    force: bool,
}

/// How long a restore waits for sole use of the database before saying it is in use.
const LOCK_WAIT: Duration = Duration::from_secs(2);

pub async fn backup(settings: &Settings, args: BackupArgs) -> Result<(), Failure> {
    match dialect(&settings.database_url)? {
        Dialect::Sqlite => backup_sqlite(settings, args).await,
        Dialect::Postgres => backup_postgres(settings, args).await,
    }
}

pub async fn restore(settings: &Settings, args: RestoreArgs) -> Result<(), Failure> {
    match dialect(&settings.database_url)? {
        Dialect::Sqlite => restore_sqlite(settings, args).await,
        Dialect::Postgres => restore_postgres(settings, args).await,
    }
}

fn dialect(url: &str) -> Result<Dialect, Failure> {
    Dialect::from_url(url).map_err(|e| Failure(e.to_string(), 2))
}

fn configured_file(settings: &Settings) -> Result<PathBuf, Failure> {
    sqlite_path(&settings.database_url)
        .ok_or_else(|| Failure(format!("the database {} is not a file (an in-memory database cannot be backed up or restored)", redact(&settings.database_url)), 2))
}

/// Refuses to replace an existing file without --force.
fn check_out(out: &Path, force: bool) -> Result<(), Failure> {
    if out.is_dir() {
        return Err(Failure(format!("{} is a directory: give the backup file's name", out.display()), 2));
    }
    if out.exists() && !force {
        return Err(Failure(format!("{} already exists: choose another name, or add --force to replace it", out.display()), 2));
    }
    Ok(())
}

/// A name beside `target` for a file being written, so that the rename into place is atomic.
fn beside(target: &Path, what: &str) -> PathBuf {
    let name = target.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "hearth".into());
    target.with_file_name(format!(".{name}.{what}-{}", std::process::id()))
}

fn parent_dir(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// Makes a written file, and its name in the directory, durable.
fn sync(file: &Path) -> std::io::Result<()> {
    std::fs::File::open(file)?.sync_all()?;
    // A directory is fsynced through a read-only handle on Linux; elsewhere it may refuse,
    // and the rename is still atomic.
    if let Ok(dir) = std::fs::File::open(parent_dir(file)) {
        let _ = dir.sync_all();
    }
    Ok(())
}

/// Moves a checked copy from `partial` to `out` and syncs it (`what`: "backup" or "dump",
/// for the message); on failure the partial copy is removed.
fn put_in_place(partial: &Path, out: &Path, what: &str) -> Result<(), Failure> {
    std::fs::rename(partial, out).map_err(|e| {
        remove_quietly(partial);
        Failure(format!("cannot put the {what} at {}: {e}", out.display()), 1)
    })?;
    let _ = sync(out);
    Ok(())
}

fn remove_quietly(path: &Path) {
    // Only ever our own temporary file or a stale -wal/-shm: absence is fine.
    let _ = std::fs::remove_file(path);
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut s = path.as_os_str().to_owned();
    s.push(suffix);
    PathBuf::from(s)
}

fn size_of(path: &Path) -> String {
    let bytes = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
    match bytes {
        b if b >= 1 << 30 => format!("{:.2} GiB", b as f64 / f64::from(1u32 << 30)),
        b if b >= 1 << 20 => format!("{:.1} MiB", b as f64 / f64::from(1u32 << 20)),
        b if b >= 1 << 10 => format!("{:.1} KiB", b as f64 / 1024.0),
        b => format!("{b} bytes"),
    }
}

/// What checking a SQLite copy found.
struct Checked {
    entries: i64,
    anchor: String,
    /// Migrations this build has and the copy has not (a backup from an older Hearth).
    pending: usize,
}

/// Checks a SQLite file nobody writes: opened read-only as its own store, it must pass
/// `PRAGMA integrity_check`, be a Hearth database (migrations, none from a newer Hearth, none
/// failed) and its audit chain must verify. Nothing is written to it or beside it.
async fn check_sqlite_copy(file: &Path, settings: &Settings) -> Result<Checked, Failure> {
    let what = file.display();
    let store = SqlStore::open_sqlite_copy(file).await.map_err(|e| Failure(format!("{what} cannot be opened as a database: {}", store_msg(e)), 1))?;
    let result = check_store(&store, &what.to_string(), settings).await;
    store.close().await;
    result
}

async fn check_store(store: &SqlStore, what: &str, settings: &Settings) -> Result<Checked, Failure> {
    let problems = store.integrity_check().await.map_err(|e| Failure(format!("{what} is not a sound database: {}", store_msg(e)), 1))?;
    if problems != ["ok"] {
        return Err(Failure(format!("{what} fails PRAGMA integrity_check: {}", problems.join("; ")), 1));
    }
    let migrations = match store.migration_status().await {
        Ok(m) => m,
        Err(StoreError::NotFound) => return Err(Failure(format!("{what} is not a Hearth database: it has no migrations table"), 1)),
        Err(e) => return Err(Failure(format!("{what}: cannot read its migrations: {}", store_msg(e)), 1)),
    };
    if migrations.applied.is_empty() {
        return Err(Failure(format!("{what} is not a Hearth database: no migration was ever applied"), 1));
    }
    if let Some(v) = migrations.failed.first() {
        return Err(Failure(format!("{what}: migration {v} failed half-way in it"), 1));
    }
    if let Some(v) = migrations.unknown.first() {
        return Err(Failure(format!("{what} was made by a newer Hearth (it has migration {v}, which this one does not know): use that version"), 1));
    }
    let app = App::new(Arc::new(store.clone()) as Arc<dyn Store>, settings.app_config(), Arc::new(SystemClock));
    let entries = match app.verify_audit().await {
        Ok(VerifyOutcome::Intact { entries }) => entries,
        Ok(VerifyOutcome::Broken(fault)) => return Err(Failure(format!("{what}: the audit log is NOT intact: {fault}"), 1)),
        Err(e) => return Err(Failure(format!("{what}: cannot read the audit log: {e}"), 1)),
    };
    let anchor = app.audit_anchor().await.map_err(|e| Failure(format!("{what}: cannot read the audit log: {e}"), 1))?.to_string();
    Ok(Checked { entries, anchor, pending: migrations.pending.len() })
}

fn store_msg(e: StoreError) -> String {
    match e {
        StoreError::Unavailable(m) | StoreError::Corrupt(m) | StoreError::Database(m) => m,
        other => other.to_string(),
    }
}

// ---------------------------------------------------------------------------------------
// SQLite
// ---------------------------------------------------------------------------------------

async fn backup_sqlite(settings: &Settings, args: BackupArgs) -> Result<(), Failure> {
    let source = configured_file(settings)?;
    let out = args.out.ok_or_else(|| Failure("give the backup file with --out FILE".into(), 2))?;
    check_out(&out, args.force)?;
    if !source.is_file() {
        return Err(Failure(format!("there is no database at {}", source.display()), 1));
    }
    if same_file(&source, &out) {
        return Err(Failure(format!("{} is the database itself: write the backup elsewhere", out.display()), 2));
    }
    let started = Instant::now();
    // Not migrated: a backup copies the database as it is and changes nothing in it.
    let store = SqlStore::connect(&settings.database_url).await.map_err(|e| Failure(format!("cannot open the database {}: {e}", redact(&settings.database_url)), 1))?;
    let partial = beside(&out, "partial");
    remove_quietly(&partial);
    let copied = store.backup_to(&partial).await;
    store.close().await;
    if let Err(e) = copied {
        remove_quietly(&partial);
        return Err(Failure(format!("cannot copy the database to {}: {}", out.display(), store_msg(e)), 1));
    }
    let copy_time = started.elapsed();
    // SQLite does not fsync what VACUUM INTO wrote: a backup must survive a power cut.
    if let Err(e) = sync(&partial) {
        remove_quietly(&partial);
        return Err(Failure(format!("cannot write {} to disk: {e}", out.display()), 1));
    }
    let checking = Instant::now();
    let checked = match check_sqlite_copy(&partial, settings).await {
        Ok(c) => c,
        Err(Failure(m, code)) => {
            remove_quietly(&partial);
            return Err(Failure(format!("the copy does not verify, so it was not kept: {m}"), code));
        }
    };
    put_in_place(&partial, &out, "backup")?;
    println!(
        "backup: {} written, {}, integrity ok, {} audit entries verified, in {:.2} s (copy {:.2} s, check {:.2} s)",
        out.display(),
        size_of(&out),
        checked.entries,
        started.elapsed().as_secs_f64(),
        copy_time.as_secs_f64(),
        checking.elapsed().as_secs_f64()
    );
    // Last, alone on its line: keep it with the backup and check it after a restore.
    println!("{}", checked.anchor);
    Ok(())
}

fn same_file(a: &Path, b: &Path) -> bool {
    matches!((a.canonicalize(), b.canonicalize()), (Ok(x), Ok(y)) if x == y)
}

async fn restore_sqlite(settings: &Settings, args: RestoreArgs) -> Result<(), Failure> {
    let target = configured_file(settings)?;
    let file = args.file;
    if !file.is_file() {
        return Err(Failure(format!("{} is not a file", file.display()), 2));
    }
    if same_file(&file, &target) {
        return Err(Failure(format!("{} is the configured database itself", file.display()), 2));
    }
    // A file with a write-ahead log beside it is open somewhere or was not closed cleanly:
    // its main file alone may miss recent transactions.
    let source_wal = with_suffix(&file, "-wal");
    if std::fs::metadata(&source_wal).is_ok_and(|m| m.len() > 0) {
        return Err(Failure(
            format!("{} has a write-ahead log beside it ({}): it is a live database, not a backup; restore from a file `hearth backup` wrote", file.display(), source_wal.display()),
            1,
        ));
    }
    let started = Instant::now();
    let checked = check_sqlite_copy(&file, settings).await?;
    println!("checked {}: integrity ok, a Hearth database, {} audit entries verified", file.display(), checked.entries);

    let exists = std::fs::metadata(&target).is_ok_and(|m| m.len() > 0);
    if exists && !args.force {
        return Err(Failure(
            format!("{} already exists: restoring replaces it and loses everything recorded since the backup; stop Hearth, then run again with --force", target.display()),
            2,
        ));
    }
    let lock = if exists {
        match SqliteExclusive::acquire(&target, LOCK_WAIT).await {
            Ok(l) => Some(l),
            Err(LockError::InUse) => {
                return Err(Failure(format!("{} is in use (a Hearth server or another program has it open): stop it, then restore", target.display()), 1));
            }
            // Nobody can be using a file that is not a database: replacing it is the point.
            Err(LockError::NotADatabase(why)) => {
                println!("the current {} is not a readable database ({why}); replacing it", target.display());
                None
            }
            Err(LockError::Other(e)) => return Err(Failure(format!("cannot take sole use of {}: {}", target.display(), store_msg(e)), 1)),
        }
    } else {
        None
    };
    let swapped = swap_in(&file, &target);
    if let Some(l) = lock {
        l.release().await;
    }
    swapped?;

    let store = SqlStore::connect(&settings.database_url).await.map_err(|e| Failure(format!("the restored database cannot be opened: {}", store_msg(e)), 1))?;
    store.migrate().await.map_err(|e| Failure(format!("the restored database cannot be migrated: {}", store_msg(e)), 1))?;
    let result = check_store(&store, &target.display().to_string(), settings).await;
    store.close().await;
    let after = result?;
    let migrated = if checked.pending > 0 { format!(", {} migrations applied", checked.pending) } else { String::new() };
    println!(
        "restore: {} restored to {}{migrated}, integrity ok, {} audit entries verified, in {:.2} s",
        file.display(),
        target.display(),
        after.entries,
        started.elapsed().as_secs_f64()
    );
    println!("{}", after.anchor);
    Ok(())
}

/// Copies `file` to a temporary file beside `target`, fsyncs it, removes the old database's
/// `-wal` and `-shm` (applied to the new file they would corrupt it) and renames it over
/// `target`. The caller holds sole use of `target` when it exists.
fn swap_in(file: &Path, target: &Path) -> Result<(), Failure> {
    let temp = beside(target, "restoring");
    remove_quietly(&temp);
    let fail = |what: &str, e: std::io::Error| {
        remove_quietly(&temp);
        Failure(format!("cannot {what} {}: {e}", target.display()), 1)
    };
    std::fs::copy(file, &temp).map_err(|e| fail("copy the backup beside", e))?;
    keep_owner(target, &temp);
    std::fs::File::open(&temp).and_then(|f| f.sync_all()).map_err(|e| fail("write to disk the copy beside", e))?;
    for suffix in ["-wal", "-shm", "-journal"] {
        let stale = with_suffix(target, suffix);
        if stale.exists() {
            std::fs::remove_file(&stale).map_err(|e| fail(&format!("remove the old {suffix} of"), e))?;
        }
    }
    std::fs::rename(&temp, target).map_err(|e| fail("rename the copy to", e))?;
    sync(target).map_err(|e| Failure(format!("cannot write {} to disk: {e}", target.display()), 1))
}

/// The restored file keeps the replaced one's owner and mode, so that a service account
/// can still write it when root restores.
fn keep_owner(old: &Path, new: &Path) {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    let Ok(meta) = std::fs::metadata(old) else { return };
    let _ = std::fs::set_permissions(new, std::fs::Permissions::from_mode(meta.mode() & 0o7777));
    // Only root may give a file away; for anyone else it is theirs already.
    let _ = std::os::unix::fs::chown(new, Some(meta.uid()), Some(meta.gid()));
}

// ---------------------------------------------------------------------------------------
// PostgreSQL
// ---------------------------------------------------------------------------------------

/// A PostgreSQL URL split for a client program: the URL without its password (safe to show
/// and to pass as an argument, which `ps` shows) and the password, for `PGPASSWORD`.
pub(crate) fn split_password(url: &str) -> (String, Option<String>) {
    let Some(start) = url.find("://").map(|i| i + 3) else { return (url.to_string(), None) };
    let rest = &url[start..];
    let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
    let Some(at) = rest[..authority_end].rfind('@') else { return (url.to_string(), None) };
    let userinfo = &rest[..at];
    match userinfo.split_once(':') {
        Some((user, password)) => (format!("{}{user}{}", &url[..start], &rest[at..]), Some(percent_decode(password))),
        None => (url.to_string(), None),
    }
}

fn percent_decode(s: &str) -> String {
    percent_encoding::percent_decode_str(s).decode_utf8_lossy().into_owned()
}

/// The major version in `pg_dump (PostgreSQL) 15.20 (Debian …)` or `15.20 (Debian …)`.
pub(crate) fn major_version(text: &str) -> Option<u32> {
    text.split_whitespace().find_map(|w| w.split('.').next().filter(|m| !m.is_empty() && m.bytes().all(|b| b.is_ascii_digit())).and_then(|m| m.parse().ok()))
}

/// Runs a PostgreSQL client program; its version line, or why it cannot be run.
fn client_version(program: &str, server_major: Option<u32>) -> Result<(String, u32), Failure> {
    let package = server_major.map_or("postgresql-client-NN, NN the server's major version".to_string(), |m| format!("postgresql-client-{m}, for the server's PostgreSQL {m}"));
    let out = Command::new(program).arg("--version").stdin(Stdio::null()).output().map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => Failure(format!("{program} is not installed, so this route does not work here: install it (Debian: apt-get install {package})"), 1),
        _ => Failure(format!("cannot run {program}: {e}"), 1),
    })?;
    let line = String::from_utf8_lossy(&out.stdout).trim().to_string();
    let major = major_version(&line).filter(|_| out.status.success()).ok_or_else(|| Failure(format!("{program} --version said something unexpected: {line}"), 1))?;
    Ok((line, major))
}

/// Runs `program args…` against the database with the password in `PGPASSWORD`; its stdout,
/// or its last error line (which libpq never fills with the password).
fn run_client(program: &str, args: &[&std::ffi::OsStr], password: Option<&str>) -> Result<String, Failure> {
    let mut cmd = Command::new(program);
    cmd.args(args).stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped());
    if let Some(p) = password {
        cmd.env("PGPASSWORD", p);
    }
    let out = cmd.output().map_err(|e| Failure(format!("cannot run {program}: {e}"), 1))?;
    if out.status.success() {
        return Ok(String::from_utf8_lossy(&out.stdout).into_owned());
    }
    let err = String::from_utf8_lossy(&out.stderr);
    let last = err.lines().rev().find(|l| !l.trim().is_empty()).unwrap_or("no message").trim().to_string();
    let last = match password {
        Some(p) if !p.is_empty() => last.replace(p, "***"),
        _ => last,
    };
    Err(Failure(format!("{program} failed ({}): {last}", out.status), 1))
}

async fn connect_unmigrated(settings: &Settings) -> Result<SqlStore, Failure> {
    SqlStore::connect(&settings.database_url).await.map_err(|e| Failure(format!("cannot open the database {}: {e}", redact(&settings.database_url)), 1))
}

async fn backup_postgres(settings: &Settings, args: BackupArgs) -> Result<(), Failure> {
    let (url, password) = split_password(&settings.database_url);
    let shown = redact(&settings.database_url);
    let file = args.out.as_deref().map(|p| p.display().to_string()).unwrap_or_else(|| "hearth-$(date +%F).dump".into());
    println!("PostgreSQL is backed up with pg_dump in its custom format (-Fc), by a pg_dump of the server's major version (or newer):");
    println!("  pg_dump --format=custom --file={file} --dbname='{url}'");
    println!("  (the password from PGPASSWORD or ~/.pgpass, never on the command line); check it with: pg_restore --list {file}");
    if let Some(out) = &args.out {
        check_out(out, args.force)?;
    }
    let store = connect_unmigrated(settings).await?;
    let server = store.server_version().await.map_err(|e| Failure(format!("cannot ask {shown} its version: {}", store_msg(e)), 1))?;
    let server_major = major_version(&server).ok_or_else(|| Failure(format!("cannot read the server's version from {server:?}"), 1))?;
    let (line, client) = match client_version("pg_dump", Some(server_major)) {
        Ok(v) => v,
        Err(e) => {
            store.close().await;
            return Err(e);
        }
    };
    if client < server_major {
        store.close().await;
        return Err(Failure(format!("{line} cannot dump a PostgreSQL {server_major} server ({server}): install postgresql-client-{server_major}"), 1));
    }
    let note = if client > server_major { format!(" (newer than the server: restore it with pg_restore {client} or newer)") } else { String::new() };
    println!("check: {line} for the server's {server}: the route works{note}");
    let Some(out) = args.out else {
        store.close().await;
        println!("Run `hearth backup --out FILE` to take a dump now.");
        return Ok(());
    };
    // The log only grows: an anchor read before the dump starts is an entry the dump holds.
    let app = App::new(Arc::new(store.clone()) as Arc<dyn Store>, settings.app_config(), Arc::new(SystemClock));
    let anchor = app.audit_anchor().await.map(|a| a.to_string());
    store.close().await;
    let anchor = anchor.map_err(|e| Failure(format!("{shown} is not a Hearth database (cannot read its audit log): {e}"), 1))?;

    let started = Instant::now();
    let partial = beside(&out, "partial");
    remove_quietly(&partial);
    let mut file_arg = std::ffi::OsString::from("--file=");
    file_arg.push(&partial);
    let db_arg = std::ffi::OsString::from(format!("--dbname={url}"));
    let dumped = run_client("pg_dump", &["--format=custom".as_ref(), file_arg.as_os_str(), db_arg.as_os_str()], password.as_deref());
    if let Err(e) = dumped {
        remove_quietly(&partial);
        return Err(e);
    }
    let listed = match check_archive(&partial) {
        Ok(n) => n,
        Err(Failure(m, code)) => {
            remove_quietly(&partial);
            return Err(Failure(format!("the dump does not verify, so it was not kept: {m}"), code));
        }
    };
    put_in_place(&partial, &out, "dump")?;
    println!(
        "backup: {} written, {}, pg_restore --list reads its {listed} entries (the audit log included), in {:.2} s",
        out.display(),
        size_of(&out),
        started.elapsed().as_secs_f64()
    );
    println!("{anchor}");
    Ok(())
}

/// Other sessions on the database, given a second to go: a connection just closed (our own
/// opening probe, say) lingers in `pg_stat_activity` until its server process has exited.
async fn others_settled(store: &SqlStore) -> Result<i64, StoreError> {
    let mut n = store.other_sessions().await?;
    for _ in 0..10 {
        if n == 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
        n = store.other_sessions().await?;
    }
    Ok(n)
}

/// `pg_restore --list`: the archive must be readable and hold Hearth's tables.
fn check_archive(file: &Path) -> Result<usize, Failure> {
    let list = run_client("pg_restore", &["--list".as_ref(), file.as_os_str()], None)?;
    let entries = list.lines().filter(|l| !l.starts_with(';') && !l.trim().is_empty()).count();
    for table in ["audit_log", "_sqlx_migrations"] {
        if !list.lines().any(|l| l.contains("TABLE DATA") && l.split_whitespace().any(|w| w == table)) {
            return Err(Failure(format!("{} holds no data for the table {table}: it is not a dump of a Hearth database", file.display()), 1));
        }
    }
    Ok(entries)
}

async fn restore_postgres(settings: &Settings, args: RestoreArgs) -> Result<(), Failure> {
    let (url, password) = split_password(&settings.database_url);
    let shown = redact(&settings.database_url);
    let file = args.file;
    println!("PostgreSQL is restored from a pg_dump custom-format archive with pg_restore, into an empty database (or over an existing one with --force):");
    println!("  pg_restore --exit-on-error --single-transaction --no-owner [--clean --if-exists] --dbname='{url}' {}", file.display());
    if !file.is_file() {
        return Err(Failure(format!("{} is not a file", file.display()), 2));
    }
    let (line, client) = client_version("pg_restore", None)?;
    let listed = check_archive(&file)?;
    let list = run_client("pg_restore", &["--list".as_ref(), file.as_os_str()], None)?;
    if let Some(dumped_by) = list.lines().find(|l| l.contains("Dumped by pg_dump version")).and_then(major_version)
        && dumped_by > client
    {
        return Err(Failure(format!("{} was made by pg_dump {dumped_by}, which {line} cannot read: install postgresql-client-{dumped_by}", file.display()), 1));
    }
    println!("checked {}: {listed} entries, Hearth's tables included", file.display());
    let store = connect_unmigrated(settings).await?;
    let others = others_settled(&store).await;
    let tables = store.table_count().await;
    store.close().await;
    let others = others.map_err(|e| Failure(format!("cannot ask {shown} who is connected: {}", store_msg(e)), 1))?;
    if others > 0 {
        let sessions = if others == 1 { "another session is".to_string() } else { format!("{others} other sessions are") };
        return Err(Failure(format!("{shown} is in use ({sessions} connected to it, a Hearth server perhaps): stop them, then restore"), 1));
    }
    let tables = tables.map_err(|e| Failure(format!("cannot list the tables of {shown}: {}", store_msg(e)), 1))?;
    if tables > 0 && !args.force {
        return Err(Failure(format!("{shown} already holds {tables} tables: restoring replaces them and loses everything recorded since the backup; stop Hearth, then run again with --force"), 2));
    }
    let started = Instant::now();
    let db_arg = std::ffi::OsString::from(format!("--dbname={url}"));
    let mut restore_args: Vec<&std::ffi::OsStr> = vec!["--exit-on-error".as_ref(), "--single-transaction".as_ref(), "--no-owner".as_ref()];
    if tables > 0 {
        restore_args.extend([std::ffi::OsStr::new("--clean"), std::ffi::OsStr::new("--if-exists")]);
    }
    restore_args.push(db_arg.as_os_str());
    restore_args.push(file.as_os_str());
    run_client("pg_restore", &restore_args, password.as_deref())?;
    let store = connect_unmigrated(settings).await?;
    store.migrate().await.map_err(|e| Failure(format!("the restored database cannot be migrated: {}", store_msg(e)), 1))?;
    let result = check_store(&store, &shown, settings).await;
    store.close().await;
    let after = result?;
    println!("restore: {} restored into {shown}, {} audit entries verified, in {:.2} s", file.display(), after.entries, started.elapsed().as_secs_f64());
    println!("{}", after.anchor);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_taken_out_of_urls() {
        assert_eq!(split_password("postgres://hearth:s%40cret@db:5432/hearth?sslmode=require"), ("postgres://hearth@db:5432/hearth?sslmode=require".into(), Some("s@cret".into())));
        assert_eq!(split_password("postgres://postgres@127.0.0.1/x"), ("postgres://postgres@127.0.0.1/x".into(), None));
        assert_eq!(split_password("postgresql://db/hearth"), ("postgresql://db/hearth".into(), None));
    }

    #[test]
    fn major_versions() {
        assert_eq!(major_version("pg_dump (PostgreSQL) 15.20 (Debian 15.20-0+deb12u1)"), Some(15));
        assert_eq!(major_version("17.2"), Some(17));
        assert_eq!(major_version("; Dumped by pg_dump version: 16.4"), Some(16));
        assert_eq!(major_version("nothing"), None);
    }
}
