//! Failures as people read them: grouped by rule, each naming the child, the element and the
//! field with the value found.
use crate::rules::{Failure, Kind, Loc, Place};
use std::collections::BTreeMap;
use std::fmt::Write;

/// Where a value sits, 1-based as a data officer counts: "CINdetails 2 > Assessments 1".
pub fn describe_place(place: Place) -> String {
    match place {
        Place::Header => "Header".into(),
        Place::Child => "ChildIdentifiers".into(),
        Place::Disability { index } => format!("Disabilities > Disability {}", index + 1),
        Place::Episode { episode } => format!("CINdetails {}", episode + 1),
        Place::Assessment { episode, index } => format!("CINdetails {} > Assessments {}", episode + 1, index + 1),
        Place::CinPlan { episode, index } => format!("CINdetails {} > CINPlanDates {}", episode + 1, index + 1),
        Place::Section47 { episode, index } => format!("CINdetails {} > Section47 {}", episode + 1, index + 1),
        Place::CpPlan { episode, index } => format!("CINdetails {} > ChildProtectionPlans {}", episode + 1, index + 1),
        Place::Review { episode, plan, index } => format!("CINdetails {} > ChildProtectionPlans {} > Reviews {}", episode + 1, plan + 1, index + 1),
    }
}

/// "CINdetails 1 > Assessments 1: AssessmentAuthorisationDate = 2025-03-01".
pub fn describe_loc(loc: &Loc) -> String {
    let value = loc.value.as_deref().map_or_else(|| "(missing)".to_string(), |v| format!("\"{v}\""));
    format!("{}: {} = {value}", describe_place(loc.place), loc.field)
}

/// Errors and queries found.
pub fn counts(failures: &[Failure]) -> (usize, usize) {
    let errors = failures.iter().filter(|f| f.kind == Kind::Error).count();
    (errors, failures.len() - errors)
}

/// The failures grouped by rule (errors first, then queries, each in code order), at most
/// `per_rule` lines for each rule.
pub fn text(failures: &[Failure], per_rule: usize) -> String {
    let mut by_rule: BTreeMap<(bool, &str), Vec<&Failure>> = BTreeMap::new();
    for f in failures {
        by_rule.entry((f.kind == Kind::Query, f.code)).or_default().push(f);
    }
    let mut out = String::new();
    for ((_, code), list) in &by_rule {
        let first = list[0];
        let kind = if first.kind == Kind::Error { "ERROR" } else { "QUERY" };
        let _ = writeln!(out, "{code} {kind} x{}: {}", list.len(), first.message.trim());
        for f in list.iter().take(per_rule) {
            let who = f.child_id.as_deref().map_or_else(|| "the return".to_string(), |id| format!("child {id}"));
            let at = f.locs.iter().map(describe_loc).collect::<Vec<_>>().join("; ");
            let _ = if at.is_empty() { writeln!(out, "    {who}") } else { writeln!(out, "    {who}: {at}") };
        }
        if list.len() > per_rule {
            let _ = writeln!(out, "    ... and {} more", list.len() - per_rule);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grouped_by_rule_with_child_and_field() {
        let f = |code, kind, child: &str| Failure {
            code,
            kind,
            message: "msg",
            child_id: Some(child.into()),
            locs: vec![Loc { place: Place::Assessment { episode: 0, index: 1 }, field: "AssessmentAuthorisationDate", value: None }],
        };
        let out = text(&[f("8610", Kind::Error, "A"), f("8670Q", Kind::Query, "B"), f("8610", Kind::Error, "C")], 1);
        assert_eq!(
            out,
            "8610 ERROR x2: msg\n    child A: CINdetails 1 > Assessments 2: AssessmentAuthorisationDate = (missing)\n    ... and 1 more\n8670Q QUERY x1: msg\n    child B: CINdetails 1 > Assessments 2: AssessmentAuthorisationDate = (missing)\n"
        );
        assert_eq!(counts(&[f("8610", Kind::Error, "A"), f("8670Q", Kind::Query, "B")]), (1, 1));
    }
}
