//! The agreement test between these rules and the DfE's validator: plant violations into a
//! valid file, then compare which rules each validator names for which children.
//!
//! Child-level violations all go into one file, on different children (two per rule), so one
//! run of the DfE's validator judges them all; each file-level violation (the header, a
//! duplicate id, the mix of children) gets a file of its own.
use crate::model::CensusFile;
use crate::rules::{self, Ctx, Failure, Plant, Rule};
use std::collections::{BTreeMap, BTreeSet};

/// Rules where Hearth follows the DfE's guidance and the DfE's validator (0.1.13) cannot:
/// left out of the comparison, each with the reason.
pub const KNOWN_DIVERGENCES: &[(&str, &str)] = &[
    ("8540", "the validator finds these children but fails to locate them (KeyError 'ROW_ID') and drops the failure"),
    ("8832", "the validator joins its tables the wrong way round and names other children or none"),
    ("8869", "the validator compares the whole list of factors with \"21\", which is never equal"),
    ("8945Q", "the validator compares the whole list of factors with \"18A\", which is never equal"),
    ("8950Q", "the validator compares the whole list of factors with \"19A\", which is never equal"),
];

fn divergent(code: &str) -> bool {
    KNOWN_DIVERGENCES.iter().any(|(c, _)| *c == code)
}

/// A file with violations planted, and which rule was planted on which child.
pub struct Planted {
    /// "children" for the combined file, else the rule code.
    pub name: String,
    pub file: CensusFile,
    /// Rule code → LA ids of the children changed for it (empty for file-level plants).
    pub planted: BTreeMap<&'static str, Vec<String>>,
    /// Rules whose planter found no child it could apply to.
    pub not_planted: Vec<&'static str>,
    /// Whether every rule's verdict is compared, or only the planted rules'. A file-level
    /// plant such as a duplicated child makes the DfE's validator join the twins' records
    /// with each other (its tables are keyed by LA child id), so its other findings there
    /// say nothing about the rules.
    pub compare_all: bool,
}

/// The planted files for these rules (all rules when `codes` is empty), `per_rule` children
/// each.
pub fn plant(base: &CensusFile, ctx: &Ctx, rules: &[&'static Rule], per_rule: usize) -> Vec<Planted> {
    let mut out = Vec::new();
    let mut combined = Planted { name: "children".into(), file: base.clone(), planted: BTreeMap::new(), not_planted: Vec::new(), compare_all: true };
    let mut used = vec![false; base.children.len()];
    for rule in rules {
        match rule.plant {
            Plant::Child(planter) => {
                let mut ids = Vec::new();
                for (i, child) in combined.file.children.iter_mut().enumerate() {
                    if ids.len() >= per_rule {
                        break;
                    }
                    if used[i] {
                        continue;
                    }
                    let mut changed = child.clone();
                    if planter(&mut changed, ctx) {
                        used[i] = true;
                        ids.push(changed.id().to_string());
                        *child = changed;
                    }
                }
                if ids.is_empty() {
                    combined.not_planted.push(rule.code);
                } else {
                    combined.planted.insert(rule.code, ids);
                }
            }
            Plant::File(planter) => {
                let mut file = base.clone();
                if planter(&mut file, ctx) {
                    out.push(Planted { name: rule.code.to_string(), file, planted: BTreeMap::from([(rule.code, Vec::new())]), not_planted: Vec::new(), compare_all: false });
                } else {
                    combined.not_planted.push(rule.code);
                }
            }
        }
    }
    out.insert(0, combined);
    out
}

/// One validator's verdict on a file: (rule code, child id or "") pairs, and the rules it
/// could not run.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Verdict {
    pub pairs: BTreeSet<(String, String)>,
    pub crashed: BTreeSet<String>,
}

impl Verdict {
    pub fn of(failures: &[Failure]) -> Verdict {
        Verdict { pairs: failures.iter().map(|f| (f.code.to_string(), f.child_id.clone().unwrap_or_default())).collect(), crashed: BTreeSet::new() }
    }

    /// The DfE validator's `--json` output (see `../shared/tools/README.md`).
    pub fn from_official_json(json: &serde_json::Value) -> Verdict {
        let pairs = json["failures"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|f| {
                let code = f["rule_code"].as_str()?.to_string();
                let child = f["child_id"].as_str().unwrap_or_default().to_string();
                Some((code, child))
            })
            .collect();
        let crashed = json["skipped"].as_array().into_iter().flatten().filter_map(|s| s["rule_code"].as_str().map(str::to_string)).collect();
        Verdict { pairs, crashed }
    }
}

/// Where two verdicts differ: pairs only the DfE's validator found, pairs only ours found.
/// A rule the DfE's validator crashed on is compared by presence only: its crash happens
/// exactly when the condition is present (8898, 8614; see the tools' README).
#[derive(Debug, Default)]
pub struct Disagreement {
    pub only_official: Vec<(String, String)>,
    pub only_ours: Vec<(String, String)>,
}

impl Disagreement {
    pub fn is_empty(&self) -> bool {
        self.only_official.is_empty() && self.only_ours.is_empty()
    }
}

impl Verdict {
    /// Only the pairs of these rules.
    pub fn only(&self, codes: &[&str]) -> Verdict {
        Verdict {
            pairs: self.pairs.iter().filter(|(c, _)| codes.contains(&c.as_str())).cloned().collect(),
            crashed: self.crashed.iter().filter(|c| codes.contains(&c.as_str())).cloned().collect(),
        }
    }
}

pub fn compare(official: &Verdict, ours: &Verdict) -> Disagreement {
    let crashed = |code: &str| official.crashed.contains(code) || divergent(code);
    let only_official = official.pairs.difference(&ours.pairs).filter(|(c, _)| !crashed(c)).cloned().collect();
    let mut only_ours: Vec<(String, String)> = ours.pairs.difference(&official.pairs).filter(|(c, _)| !crashed(c)).cloned().collect();
    for code in &official.crashed {
        if rules::find(code).is_some() && !divergent(code) && !ours.pairs.iter().any(|(c, _)| c == code) {
            only_ours.push((code.clone(), "(the DfE validator crashed on it: the condition is present, ours found nothing)".into()));
        }
    }
    Disagreement { only_official, only_ours }
}
