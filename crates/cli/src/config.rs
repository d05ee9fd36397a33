//! Configuration: defaults, then an optional TOML file, then `HEARTH_*` environment
//! variables, then command-line flags.
use figment::providers::{Env, Format, Serialized, Toml};
use figment::Figment;
use serde::{Deserialize, Serialize};
use std::path::Path;

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    /// `sqlite://hearth.db` (the default, created on first start) or `postgres://…`.
    pub database_url: String,
    /// Address to listen on.
    pub bind: String,
    /// Mark cookies Secure. Browsers still send Secure cookies to http://localhost; turn this
    /// off only for plain-HTTP access from other machines in a test lab.
    pub secure_cookies: bool,
    /// Send Strict-Transport-Security: set when Hearth is reached over HTTPS.
    pub hsts: bool,
    pub idle_timeout_minutes: i64,
    pub absolute_timeout_hours: i64,
    pub mfa_required_for_all: bool,
    pub break_glass_minutes: i64,
    pub lockout_threshold: i64,
    pub lockout_minutes: i64,
    pub max_body_bytes: usize,
    /// After SIGTERM (or Ctrl+C), how long requests in flight may take to finish.
    pub shutdown_grace_seconds: u64,
    pub organisation: String,
    /// The local authority's three-digit number (the census header's `LEA`, e.g. "800");
    /// the statutory returns cannot be downloaded until it is set.
    pub la_number: Option<String>,
    /// The postcode districts (outward codes, like "BA1 BA2 BS31") of the local authority's
    /// area: a child placed elsewhere is placed out of area. Unset: not worked out.
    pub area_postcode_districts: Option<String>,
    /// The address people reach Hearth at (`https://hearth.example.gov.uk`), for the links
    /// Hearth gives out (set-up links); unset: the links are shown as paths.
    pub public_url: Option<String>,
    /// Bank holidays (GOV.UK `bank-holidays.json` format): read when the file exists,
    /// otherwise the copy built into the binary; `hearth calendar import` installs here.
    pub calendar_file: String,
    /// The local authority's closure days (TOML, see data/calendar/README.md); none if unset.
    pub closure_days_file: Option<String>,
    /// The local policy layer (or a complete pack); unset: the national pack alone.
    pub policy_pack: Option<String>,
    /// The national (base) pack; unset: the one built into the binary.
    pub policy_base: Option<String>,
    /// The council's directory of services (TOML, see data/services/demo.toml); unset: the
    /// demo council's, built into the binary.
    pub services: Option<String>,
    /// Where to serve Prometheus metrics (`GET /metrics`), e.g. `127.0.0.1:9100`; unset: no
    /// metrics are served or recorded.
    pub metrics_bind: Option<String>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            database_url: "sqlite://hearth.db".into(),
            bind: "127.0.0.1:8080".into(),
            secure_cookies: true,
            hsts: false,
            idle_timeout_minutes: 30,
            absolute_timeout_hours: 12,
            mfa_required_for_all: false,
            break_glass_minutes: 60,
            lockout_threshold: 5,
            lockout_minutes: 15,
            max_body_bytes: 1024 * 1024,
            shutdown_grace_seconds: 20,
            organisation: "Hearth demo council".into(),
            la_number: None,
            area_postcode_districts: None,
            public_url: None,
            calendar_file: "bank-holidays.json".into(),
            closure_days_file: None,
            policy_pack: None,
            policy_base: None,
            services: None,
            metrics_bind: None,
        }
    }
}

const SETTINGS: &[&str] = &[
    "database_url",
    "bind",
    "secure_cookies",
    "hsts",
    "idle_timeout_minutes",
    "absolute_timeout_hours",
    "mfa_required_for_all",
    "break_glass_minutes",
    "lockout_threshold",
    "lockout_minutes",
    "max_body_bytes",
    "shutdown_grace_seconds",
    "organisation",
    "la_number",
    "area_postcode_districts",
    "public_url",
    "calendar_file",
    "closure_days_file",
    "policy_pack",
    "policy_base",
    "services",
    "metrics_bind",
];

impl Settings {
    /// Loads the settings; `file` is read only if given (or `hearth.toml` if it exists).
    pub fn load(file: Option<&Path>) -> Result<Settings, String> {
        let mut f = Figment::from(Serialized::defaults(Settings::default()));
        match file {
            Some(p) if !p.exists() => return Err(format!("configuration file {} does not exist", p.display())),
            Some(p) => f = f.merge(Toml::file_exact(p)),
            None if Path::new("hearth.toml").exists() => f = f.merge(Toml::file_exact("hearth.toml")),
            None => {}
        }
        // Only the settings' own names: other HEARTH_* variables (HEARTH_LOG, test settings)
        // are not configuration, while an unknown key in the file is a typo worth an error.
        f.merge(Env::prefixed("HEARTH_").only(SETTINGS))
            .extract()
            .map_err(|e| format!("configuration is not valid: {e}"))
    }

    pub fn app_config(&self) -> hearth_app::AppConfig {
        use time::Duration;
        hearth_app::AppConfig {
            idle_timeout: Duration::minutes(self.idle_timeout_minutes.max(1)),
            absolute_timeout: Duration::hours(self.absolute_timeout_hours.max(1)),
            mfa_required_for_all: self.mfa_required_for_all,
            break_glass_duration: Duration::minutes(self.break_glass_minutes.max(1)),
            lockout_threshold: self.lockout_threshold.max(1),
            lockout_duration: Duration::minutes(self.lockout_minutes.max(1)),
            timescales: Default::default(),
            directory: std::sync::Arc::new(hearth_domain::services::Directory::demo()),
            area: self.area_postcode_districts.as_deref().map(hearth_app::area_districts).unwrap_or_default(),
        }
    }

    pub fn shutdown_grace(&self) -> std::time::Duration {
        std::time::Duration::from_secs(self.shutdown_grace_seconds)
    }

    pub fn web_config(&self) -> hearth_web::WebConfig {
        hearth_web::WebConfig {
            secure_cookies: self.secure_cookies,
            hsts: self.hsts,
            max_body_bytes: self.max_body_bytes,
            organisation: self.organisation.clone(),
            la_number: self.la_number.clone(),
            public_url: self.public_url.as_deref().map(|u| u.trim_end_matches('/').to_string()),
        }
    }
}
