//! `hearth services`: check a council's directory of services, as the policy packs are
//! checked; the server loads the one the `services` setting names.
use crate::calendar_cmd::{file_errors, read};
use crate::config::Settings;
use crate::Failure;
use clap::Subcommand;
use hearth_domain::services::Directory;
use std::path::{Path, PathBuf};

#[derive(Subcommand)]
pub enum ServicesCommand {
    /// Check a directory file.
    ///
    /// Exits 0 printing "ok: COUNCIL VERSION (N services)", or 1 listing each error as
    /// FILE:LINE:COL: field: message.
    Check { file: PathBuf },
}

/// The directory in force: the `services` file, or the demo council's built into the binary.
pub fn directory(settings: &Settings) -> Result<Directory, Failure> {
    match settings.services.as_deref().filter(|s| !s.is_empty()) {
        Some(f) => load(Path::new(f)),
        None => Ok(Directory::demo()),
    }
}

fn load(file: &Path) -> Result<Directory, Failure> {
    Directory::parse(&read(file)?).map_err(|e| file_errors(file, &e, "the directory of services is not loaded"))
}

pub fn run(_settings: &Settings, command: ServicesCommand) -> Result<(), Failure> {
    match command {
        ServicesCommand::Check { file } => {
            let d = load(&file)?;
            println!("ok: {} {} ({} services)", d.council, d.version, d.services.len());
            Ok(())
        }
    }
}
