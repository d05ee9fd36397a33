//! Reading and checking pack files, and putting a local layer on its base.
use super::{Pack, PackRef, Threshold, Timescale, Timespan, humanise};
use crate::calendar::FileError;
use indexmap::IndexMap;
use serde::Deserialize;
use std::cmp::Ordering;
use std::ops::Range;
use toml::Spanned;

/// The events a timescale's clock can start at (besides the completion of another timescale
/// of the pack, named by its key). They are what Hearth records; a pack cannot invent one.
pub const EVENTS: &[(&str, &str)] = &[
    ("contact", "a contact is received"),
    ("referral", "a referral is received"),
    ("service_request", "a request for a service is received"),
    ("strategy_discussion", "a strategy discussion is held"),
    ("section_47_enquiry", "a section 47 enquiry starts"),
    ("initial_child_protection_conference", "an initial child protection conference is held"),
    ("core_group_meeting", "a core group meeting is held"),
    ("child_protection_plan", "a child protection plan starts"),
    ("child_in_need_plan", "a child in need plan starts"),
    ("visit", "the child is visited (a statutory visit)"),
    ("closure", "a children in need episode closes"),
    ("care_proposed", "a decision to bring a child into care is proposed"),
    ("care_decision", "a manager authorises a decision to bring a child into care"),
    ("visit_request", "a looked-after child or their IRO asks for a visit"),
    ("first_placement", "a child starts to be looked after (the first placement)"),
    ("placement", "a placement starts"),
    ("looked_after_review", "a looked-after child's review is held"),
    ("health_assessment", "a health assessment is done"),
    ("pathway_plan", "a pathway plan is made"),
    ("temporary_approval", "a connected person is approved as a foster carer temporarily"),
    ("supervision", "a supervision session is held"),
];

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPack {
    name: Option<Spanned<String>>,
    version: Option<Spanned<String>>,
    description: Option<String>,
    extends: Option<Spanned<String>>,
    #[serde(default)]
    timescale: IndexMap<String, Spanned<RawTimescale>>,
    #[serde(default)]
    threshold: IndexMap<String, Spanned<RawThreshold>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTimescale {
    title: Option<String>,
    from: Option<Spanned<String>>,
    within: Option<Spanned<toml::Value>>,
    then: Option<Spanned<Vec<Spanned<toml::Value>>>>,
    repeat: Option<Spanned<toml::Value>>,
    extension: Option<Spanned<toml::Value>>,
    statutory: Option<Spanned<bool>>,
    missed_needs_explanation: Option<bool>,
    source: Option<String>,
    note: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawThreshold {
    title: Option<String>,
    min: Option<Spanned<i64>>,
    max: Option<Spanned<i64>>,
    source: Option<String>,
    note: Option<String>,
}

/// The base pack a local layer names with `extends`, if it names one (`None` also for text
/// that is not a valid pack).
pub fn layer_extends(text: &str) -> Option<String> {
    #[derive(Deserialize)]
    struct Peek {
        extends: Option<String>,
    }
    toml::from_str::<Peek>(text).ok().and_then(|p| p.extends)
}

struct Ctx<'a> {
    text: &'a str,
    errors: Vec<FileError>,
}

impl Ctx<'_> {
    fn err(&mut self, span: Range<usize>, message: impl Into<String>) {
        self.errors.push(FileError::at_span(self.text, span, message));
    }

    /// An error about a whole table (a missing field): located at its `[header]` line.
    fn err_table(&mut self, kind: &str, key: &str, span: Range<usize>, message: impl Into<String>) {
        let header = format!("[{kind}.{key}]");
        let offset = self.text.find(&header).unwrap_or(span.start);
        self.errors.push(FileError::at(self.text, offset, format!("{kind}.{key}"), message));
    }

    fn timespan(&mut self, v: &Spanned<toml::Value>) -> Option<Timespan> {
        let result = match v.get_ref() {
            toml::Value::String(s) => s.parse::<Timespan>(),
            toml::Value::Integer(i) if *i < 0 => Err(format!("negative timescale {i}: a timescale is a length of time after its start")),
            toml::Value::Integer(i) => Err(format!("{i} has no unit: write it with one, e.g. \"{i} working days\" (or calendar days, hours, weeks, months)")),
            other => Err(format!("{other} is not a timescale: write a number and a unit, e.g. \"45 working days\"")),
        };
        match result {
            Ok(t) => Some(t),
            Err(m) => {
                self.err(v.span(), m);
                None
            }
        }
    }

    fn header(&mut self, raw: &RawPack) -> Option<PackRef> {
        let name = match &raw.name {
            None => {
                self.errors.push(FileError::at(self.text, 0, "name", "missing `name`: every pack has a name, e.g. name = \"national\""));
                None
            }
            Some(n) if !valid_name(n.get_ref()) => {
                self.err(n.span(), format!("\"{}\" is not a pack name: use lower-case letters, digits and hyphens", n.get_ref()));
                None
            }
            Some(n) => Some(n.get_ref().clone()),
        };
        let version = match &raw.version {
            None => {
                self.errors.push(FileError::at(self.text, 0, "version", "missing `version`: every pack has a version, e.g. version = \"2026.1\""));
                None
            }
            Some(v) if v.get_ref().trim().is_empty() || v.get_ref().chars().any(char::is_whitespace) => {
                self.err(v.span(), "the version must be one word, e.g. \"2026.1\"");
                None
            }
            Some(v) => Some(v.get_ref().clone()),
        };
        Some(PackRef { name: name?, version: version? })
    }

    fn threshold_value(&mut self, v: &Option<Spanned<i64>>) -> Option<u32> {
        let v = v.as_ref()?;
        match u32::try_from(*v.get_ref()) {
            Ok(n) => Some(n),
            Err(_) if *v.get_ref() < 0 => {
                self.err(v.span(), format!("negative threshold {}", v.get_ref()));
                None
            }
            Err(_) => {
                self.err(v.span(), format!("{} is too large", v.get_ref()));
                None
            }
        }
    }
}

fn valid_name(s: &str) -> bool {
    !s.is_empty() && s.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-') && !s.starts_with('-')
}

fn valid_key(s: &str) -> bool {
    !s.is_empty() && s.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_') && s.starts_with(|c: char| c.is_ascii_lowercase())
}

fn capitalised(key: &str) -> String {
    let h = humanise(key);
    let mut c = h.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => h,
    }
}

fn read(text: &str) -> Result<RawPack, Vec<FileError>> {
    toml::from_str(text).map_err(|e| vec![FileError::from_toml(text, &e)])
}

/// Spans of the `from` values, to check them once every key is known.
type FromSpans = Vec<(String, Range<usize>)>;

fn new_timescale(cx: &mut Ctx, key: &str, raw: &Spanned<RawTimescale>, layer: &PackRef, statutory_allowed: bool, froms: &mut FromSpans) -> Option<Timescale> {
    let r = raw.get_ref();
    if !valid_key(key) {
        cx.err_table("timescale", key, raw.span(), format!("\"{key}\" is not a timescale key: use lower-case letters, digits and underscores"));
    }
    let statutory = match &r.statutory {
        Some(s) if !statutory_allowed => {
            cx.err(s.span(), "only the national pack says which timescales are statutory");
            false
        }
        Some(s) => *s.get_ref(),
        None => false,
    };
    let within = r.within.as_ref().and_then(|v| cx.timespan(v));
    let repeat = r.repeat.as_ref().and_then(|v| cx.timespan(v));
    let extension = r.extension.as_ref().and_then(|v| cx.timespan(v));
    let then: Vec<Timespan> = r.then.as_ref().map(|l| l.get_ref().iter().filter_map(|v| cx.timespan(v)).collect()).unwrap_or_default();
    if r.within.is_none() && r.repeat.is_none() {
        cx.err_table("timescale", key, raw.span(), "missing timescale: give `within` (or `repeat` for a recurring one), e.g. within = \"10 working days\"");
    }
    let from = match &r.from {
        Some(f) => {
            froms.push((key.to_string(), f.span()));
            f.get_ref().clone()
        }
        None => {
            cx.err_table("timescale", key, raw.span(), "missing `from`: the event the clock starts at, e.g. from = \"referral\"");
            String::new()
        }
    };
    Some(Timescale {
        key: key.to_string(),
        title: r.title.clone().unwrap_or_else(|| capitalised(key)),
        from,
        within,
        then,
        repeat,
        extension,
        statutory,
        missed_needs_explanation: r.missed_needs_explanation.unwrap_or(false),
        source: r.source.clone(),
        note: r.note.clone(),
        defined_by: layer.clone(),
    })
}

fn threshold(cx: &mut Ctx, key: &str, raw: &Spanned<RawThreshold>, base: Option<&Threshold>, layer: &PackRef) -> Option<Threshold> {
    let r = raw.get_ref();
    if !valid_key(key) {
        cx.err_table("threshold", key, raw.span(), format!("\"{key}\" is not a threshold key: use lower-case letters, digits and underscores"));
    }
    let min = cx.threshold_value(&r.min).or(base.and_then(|b| b.min));
    let max = cx.threshold_value(&r.max).or(base.and_then(|b| b.max));
    if min.is_none() && max.is_none() && r.min.is_none() && r.max.is_none() {
        cx.err_table("threshold", key, raw.span(), "missing `min` and `max`: give at least one");
    }
    if let (Some(a), Some(b)) = (min, max)
        && a > b
    {
        let span = r.max.as_ref().or(r.min.as_ref()).map(|s| s.span()).unwrap_or(raw.span());
        cx.err(span, format!("the minimum {a} is above the maximum {b}"));
    }
    Some(Threshold {
        key: key.to_string(),
        title: r.title.clone().or(base.map(|b| b.title.clone())).unwrap_or_else(|| capitalised(key)),
        min,
        max,
        source: r.source.clone().or(base.and_then(|b| b.source.clone())),
        note: r.note.clone().or(base.and_then(|b| b.note.clone())),
        defined_by: layer.clone(),
    })
}

/// `from` must be a known event or another timescale (an event wins when a timescale has
/// the same name), with no circle of timescales.
fn check_froms(cx: &mut Ctx, timescales: &IndexMap<String, Timescale>, froms: &FromSpans) {
    for (key, span) in froms {
        let Some(t) = timescales.get(key) else { continue };
        let from = t.from.as_str();
        let is_event = |f: &str| EVENTS.iter().any(|(e, _)| *e == f);
        if is_event(from) {
            continue;
        }
        if from == key {
            cx.err(span.clone(), "a timescale cannot start from itself");
        } else if !timescales.contains_key(from) {
            let known: Vec<&str> = EVENTS.iter().map(|(e, _)| *e).collect();
            cx.err(span.clone(), format!("unknown event \"{from}\": use one of {} or the key of another timescale", known.join(", ")));
        } else {
            let mut at = from;
            for _ in 0..=timescales.len() {
                match timescales.get(at) {
                    _ if is_event(at) => break,
                    Some(next) if next.key == *key => {
                        cx.err(span.clone(), format!("timescales start from each other in a circle through \"{from}\""));
                        break;
                    }
                    Some(next) => at = next.from.as_str(),
                    None => break,
                }
            }
        }
    }
}

/// A complete pack.
pub fn parse_base(text: &str) -> Result<Pack, Vec<FileError>> {
    let raw = read(text)?;
    let mut cx = Ctx { text, errors: Vec::new() };
    if let Some(e) = &raw.extends {
        cx.err(e.span(), format!("this is a local layer on \"{}\": load it on top of its base pack", e.get_ref()));
    }
    let id = cx.header(&raw);
    let layer = id.clone().unwrap_or(PackRef { name: String::new(), version: String::new() });
    let mut froms = Vec::new();
    let mut timescales = IndexMap::new();
    for (key, t) in &raw.timescale {
        if let Some(t) = new_timescale(&mut cx, key, t, &layer, true, &mut froms) {
            timescales.insert(key.clone(), t);
        }
    }
    check_froms(&mut cx, &timescales, &froms);
    let mut thresholds = IndexMap::new();
    for (key, t) in &raw.threshold {
        if let Some(t) = threshold(&mut cx, key, t, None, &layer) {
            thresholds.insert(key.clone(), t);
        }
    }
    match id {
        Some(id) if cx.errors.is_empty() => {
            Ok(Pack { name: id.name, version: id.version, description: raw.description, base: None, timescales, thresholds })
        }
        _ => Err(sorted(cx.errors)),
    }
}

fn sorted(mut errors: Vec<FileError>) -> Vec<FileError> {
    errors.sort_by_key(|e| (e.line, e.column));
    errors.dedup();
    errors
}

/// The local layer `text` on `base`.
pub fn apply_layer(base: &Pack, text: &str) -> Result<Pack, Vec<FileError>> {
    let raw = read(text)?;
    let mut cx = Ctx { text, errors: Vec::new() };
    let id = cx.header(&raw);
    match &raw.extends {
        None => cx.errors.push(FileError::at(text, 0, "extends", format!("missing `extends`: a local layer names its base pack, e.g. extends = \"{}\"", base.name))),
        Some(e) if *e.get_ref() != base.name => {
            cx.err(e.span(), format!("extends \"{}\", but the base pack is \"{}\"", e.get_ref(), base.name));
        }
        Some(_) => {}
    }
    if let (Some(id), Some(n)) = (&id, &raw.name)
        && id.name == base.name
    {
        cx.err(n.span(), format!("a local layer needs a name of its own, not its base's (\"{}\")", base.name));
    }
    let layer = id.clone().unwrap_or(PackRef { name: String::new(), version: String::new() });
    let mut timescales = base.timescales.clone();
    let mut froms = Vec::new();
    for (key, t) in &raw.timescale {
        match base.timescales.get(key) {
            None => {
                if let Some(t) = new_timescale(&mut cx, key, t, &layer, false, &mut froms) {
                    timescales.insert(key.clone(), t);
                }
            }
            Some(b) => {
                let merged = override_timescale(&mut cx, b, t, &layer, &mut froms);
                timescales.insert(key.clone(), merged);
            }
        }
    }
    check_froms(&mut cx, &timescales, &froms);
    let mut thresholds = base.thresholds.clone();
    for (key, t) in &raw.threshold {
        if let Some(t) = threshold(&mut cx, key, t, base.thresholds.get(key), &layer) {
            thresholds.insert(key.clone(), t);
        }
    }
    match id {
        Some(id) if cx.errors.is_empty() => Ok(Pack {
            name: id.name,
            version: id.version,
            description: raw.description.or(base.description.clone()),
            base: Some(base.id()),
            timescales,
            thresholds,
        }),
        _ => Err(sorted(cx.errors)),
    }
}

/// A local layer's changes to a timescale of its base; a statutory one may only get tighter.
fn override_timescale(cx: &mut Ctx, base: &Timescale, raw: &Spanned<RawTimescale>, layer: &PackRef, froms: &mut FromSpans) -> Timescale {
    let r = raw.get_ref();
    let mut t = base.clone();
    t.defined_by = layer.clone();
    if let Some(s) = &r.statutory {
        cx.err(s.span(), "only the national pack says which timescales are statutory");
    }
    if let Some(f) = &r.from {
        if base.statutory && *f.get_ref() != base.from {
            cx.err(f.span(), format!("a local layer cannot change what a statutory timescale starts from (national: \"{}\")", base.from));
        }
        t.from = f.get_ref().clone();
        froms.push((base.key.clone(), f.span()));
    }
    if let Some(v) = &r.within {
        t.within = cx.timespan(v).or(t.within);
    }
    if let Some(l) = &r.then {
        t.then = l.get_ref().iter().filter_map(|v| cx.timespan(v)).collect();
    }
    if let Some(v) = &r.repeat {
        t.repeat = cx.timespan(v).or(t.repeat);
    }
    if let Some(v) = &r.extension {
        t.extension = cx.timespan(v).or(t.extension);
    }
    if let Some(x) = &r.title {
        t.title = x.clone();
    }
    if let Some(x) = &r.source {
        t.source = Some(x.clone());
    }
    if let Some(x) = &r.note {
        t.note = Some(x.clone());
    }
    if let Some(x) = r.missed_needs_explanation {
        t.missed_needs_explanation = x;
    }
    if base.statutory {
        check_tighter(cx, base, &t, raw);
    }
    t
}

/// Every occurrence of the local version must be due no later than the national one.
fn check_tighter(cx: &mut Ctx, national: &Timescale, local: &Timescale, raw: &Spanned<RawTimescale>) {
    let r = raw.get_ref();
    // Which local field produced the interval of an occurrence, for the error's location.
    let span_of = |k: u32| -> Range<usize> {
        let spanned = match k {
            1 => r.within.as_ref().or(if local.within.is_none() { r.repeat.as_ref() } else { None }),
            k => r.then.as_ref().and_then(|l| l.get_ref().get(k as usize - 2)).or(if (k as usize - 2) >= local.then.len() { r.repeat.as_ref() } else { None }),
        };
        spanned.map(|s| s.span()).or_else(|| r.then.as_ref().map(|l| l.span())).unwrap_or(raw.span())
    };
    let occurrences = national.then.len().max(local.then.len()) as u32 + 2;
    for k in 1..=occurrences {
        let what = match k {
            1 => "the first deadline".to_string(),
            k => format!("occurrence {k}"),
        };
        match (national.interval(k), local.interval(k)) {
            (Some(n), None) => {
                cx.err(span_of(k), format!("drops {what} of the statutory timescale \"{}\" (national: {n})", national.key));
                break;
            }
            (Some(n), Some(l)) => match l.compare(n) {
                Some(Ordering::Less | Ordering::Equal) => {}
                Some(Ordering::Greater) => {
                    cx.err(span_of(k), format!("loosens the statutory timescale \"{}\": {l} is longer than the national {n}", national.key));
                    break;
                }
                None => {
                    cx.err(span_of(k), format!("cannot tell whether {l} is within the national {n} on every date: write it in {} like the national pack", n.unit.words().1));
                    break;
                }
            },
            _ => {}
        }
    }
    match (national.extension, local.extension, &r.extension) {
        (None, Some(l), Some(s)) => cx.err(s.span(), format!("loosens the statutory timescale \"{}\": the national pack allows no extension, not {l}", national.key)),
        (Some(n), Some(l), Some(s)) => match l.compare(n) {
            Some(Ordering::Less | Ordering::Equal) => {}
            Some(Ordering::Greater) => cx.err(s.span(), format!("loosens the statutory timescale \"{}\": an extension of {l} is longer than the national {n}", national.key)),
            None => cx.err(s.span(), format!("cannot tell whether {l} is within the national {n} on every date: write it in {} like the national pack", n.unit.words().1)),
        },
        _ => {}
    }
}
