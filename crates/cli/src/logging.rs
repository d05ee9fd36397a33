//! Log output on stderr: `HEARTH_LOG` filters it (default `info`), `HEARTH_LOG_FORMAT=json`
//! makes every line a JSON object, otherwise lines are for people, coloured only on a
//! terminal so that files and journals get no escape codes.
use std::io::IsTerminal;
use std::sync::OnceLock;
use tracing_subscriber::EnvFilter;

/// The format chosen by [`init`], for [`fatal`].
static FORMAT: OnceLock<LogFormat> = OnceLock::new();

/// How log lines are written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LogFormat {
    /// One line of text per event (`HEARTH_LOG_FORMAT` unset, `text` or `human`).
    Human,
    /// One JSON object per line, the event's fields at the top level.
    Json,
}

impl LogFormat {
    /// Reads a `HEARTH_LOG_FORMAT` value; `None` for one Hearth does not know.
    pub fn parse(value: &str) -> Option<LogFormat> {
        match value.trim().to_ascii_lowercase().as_str() {
            "" | "text" | "human" => Some(LogFormat::Human),
            "json" => Some(LogFormat::Json),
            _ => None,
        }
    }
}

/// The filter without `HEARTH_LOG`.
const DEFAULT_FILTER: &str = "info";
/// The filter without `HEARTH_LOG` for commands that send thousands of requests through the
/// router in-process (`hearth bench`): an access-log line each would bury their report.
const QUIET_ACCESS_FILTER: &str = "info,hearth::access=off";

/// Sets up the process's logging from `HEARTH_LOG` and `HEARTH_LOG_FORMAT`; `quiet_access`
/// leaves the access log out unless `HEARTH_LOG` asks for it. An unknown format is not worth
/// refusing to start over: it is logged as a warning, in text.
pub fn init(quiet_access: bool) {
    let default = if quiet_access { QUIET_ACCESS_FILTER } else { DEFAULT_FILTER };
    let filter = EnvFilter::try_from_env("HEARTH_LOG").unwrap_or_else(|_| default.into());
    let raw = std::env::var("HEARTH_LOG_FORMAT").unwrap_or_default();
    let format = LogFormat::parse(&raw);
    let _ = FORMAT.set(format.unwrap_or(LogFormat::Human));
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
    // `try_init` fails only if a subscriber is already set, which leaves logging working.
    let _ = match format.unwrap_or(LogFormat::Human) {
        LogFormat::Json => builder.json().with_ansi(false).flatten_event(true).with_current_span(true).with_span_list(false).try_init(),
        LogFormat::Human => builder.with_ansi(std::io::stderr().is_terminal()).try_init(),
    };
    if format.is_none() {
        tracing::warn!(value = %raw.escape_debug(), "HEARTH_LOG_FORMAT is neither json nor text; logging as text");
    }
}

/// Writes the one line that says why a command failed, whatever `HEARTH_LOG` filters: as
/// `hearth: …` in text, or as a JSON object like the log's own lines, so that a log collector
/// reading JSON does not lose the one line that matters most.
pub fn fatal(message: &str) {
    match FORMAT.get() {
        Some(LogFormat::Json) => {
            let at = time::OffsetDateTime::now_utc().format(&time::format_description::well_known::Rfc3339).unwrap_or_default();
            let line = serde_json::json!({ "timestamp": at, "level": "ERROR", "message": message, "target": "hearth" });
            eprintln!("{line}");
        }
        _ => eprintln!("hearth: {message}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_are_read_leniently_and_unknown_ones_refused() {
        assert_eq!(LogFormat::parse(""), Some(LogFormat::Human));
        assert_eq!(LogFormat::parse("text"), Some(LogFormat::Human));
        assert_eq!(LogFormat::parse(" JSON "), Some(LogFormat::Json));
        assert_eq!(LogFormat::parse("yaml"), None);
    }
}
