//! A pack as a TOML pack file, for `hearth policy show`.
use super::{Pack, Timespan};
use std::fmt::Write;

fn string(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

fn span(t: Timespan) -> String {
    string(&t.to_string())
}

/// The pack as a complete pack file: every timescale and threshold, each with a comment
/// naming the layer that set it. It loads on its own with [`Pack::parse`].
pub fn to_toml(p: &Pack) -> String {
    let mut out = String::new();
    let _ = match &p.base {
        Some(b) => writeln!(out, "# Effective policy pack: {} {} on {b}.", p.name, p.version),
        None => writeln!(out, "# Policy pack {} {}.", p.name, p.version),
    };
    let _ = writeln!(out, "name = {}", string(&p.name));
    let _ = writeln!(out, "version = {}", string(&p.version));
    if let Some(d) = &p.description {
        let _ = writeln!(out, "description = {}", string(d));
    }
    for t in p.timescales.values() {
        let _ = writeln!(out, "\n# {}", t.defined_by);
        let _ = writeln!(out, "[timescale.{}]", t.key);
        let _ = writeln!(out, "title = {}", string(&t.title));
        let _ = writeln!(out, "from = {}", string(&t.from));
        if let Some(w) = t.within {
            let _ = writeln!(out, "within = {}", span(w));
        }
        if !t.then.is_empty() {
            let items: Vec<String> = t.then.iter().map(|x| span(*x)).collect();
            let _ = writeln!(out, "then = [{}]", items.join(", "));
        }
        if let Some(r) = t.repeat {
            let _ = writeln!(out, "repeat = {}", span(r));
        }
        if let Some(e) = t.extension {
            let _ = writeln!(out, "extension = {}", span(e));
        }
        if t.statutory {
            let _ = writeln!(out, "statutory = true");
        }
        if t.missed_needs_explanation {
            let _ = writeln!(out, "missed_needs_explanation = true");
        }
        if let Some(s) = &t.source {
            let _ = writeln!(out, "source = {}", string(s));
        }
        if let Some(n) = &t.note {
            let _ = writeln!(out, "note = {}", string(n));
        }
    }
    for t in p.thresholds.values() {
        let _ = writeln!(out, "\n# {}", t.defined_by);
        let _ = writeln!(out, "[threshold.{}]", t.key);
        let _ = writeln!(out, "title = {}", string(&t.title));
        if let Some(m) = t.min {
            let _ = writeln!(out, "min = {m}");
        }
        if let Some(m) = t.max {
            let _ = writeln!(out, "max = {m}");
        }
        if let Some(s) = &t.source {
            let _ = writeln!(out, "source = {}", string(s));
        }
        if let Some(n) = &t.note {
            let _ = writeln!(out, "note = {}", string(n));
        }
    }
    out
}
