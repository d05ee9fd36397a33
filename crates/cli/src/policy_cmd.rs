//! `hearth policy`: check a policy pack, show the effective pack.
use crate::Failure;
use crate::calendar_cmd::{file_errors, read};
use crate::config::Settings;
use clap::Subcommand;
use hearth_domain::policy::{NATIONAL_PACK, Pack};
use std::path::{Path, PathBuf};

#[derive(Subcommand)]
pub enum PolicyCommand {
    /// Check a pack file: a local layer against the national pack, or a complete pack.
    ///
    /// Exits 0 printing "ok: NAME VERSION", or 1 listing each error as
    /// FILE:LINE:COL: field: message.
    Check { file: PathBuf },
    /// Print the effective pack (the national pack with the configured local layer) as TOML.
    Show {
        /// A local layer (or complete pack) instead of the `policy_pack` setting.
        #[arg(long)]
        pack: Option<PathBuf>,
    },
}

/// The base pack: the `policy_base` file, or the national pack built into the binary.
pub fn base(settings: &Settings) -> Result<Pack, Failure> {
    match settings.policy_base.as_deref().filter(|s| !s.is_empty()) {
        Some(p) => {
            let p = Path::new(p);
            Pack::parse(&read(p)?).map_err(|e| file_errors(p, &e, "the base pack is not loaded"))
        }
        None => Pack::parse(NATIONAL_PACK).map_err(|_| Failure("the built-in national pack is not valid".into(), 1)),
    }
}

/// The effective pack: the base with `pack` (or the `policy_pack` setting) on top.
pub fn effective(settings: &Settings, pack: Option<&Path>) -> Result<Pack, Failure> {
    let base = base(settings)?;
    let file = pack.map(Path::to_path_buf).or_else(|| settings.policy_pack.as_deref().filter(|s| !s.is_empty()).map(PathBuf::from));
    match file {
        None => Ok(base),
        Some(f) => base.check(&read(&f)?).map_err(|e| file_errors(&f, &e, "the pack is not loaded")),
    }
}

pub fn run(settings: &Settings, command: PolicyCommand) -> Result<(), Failure> {
    match command {
        PolicyCommand::Check { file } => {
            let pack = effective(settings, Some(&file))?;
            println!("ok: {} {}", pack.name, pack.version);
            Ok(())
        }
        PolicyCommand::Show { pack } => {
            print!("{}", effective(settings, pack.as_deref())?.to_toml());
            Ok(())
        }
    }
}
