//! The history of each fact: derived from the stored versions of a record, so it can never
//! disagree with them.
use crate::codes::Coded;
use crate::person::{PersonDetails, PersonVersion};
use crate::UserId;
use serde::Serialize;
use time::OffsetDateTime;

/// A date as people in England write it: 9 March 2015.
pub fn long_date(d: &time::Date) -> String {
    format!("{} {} {}", d.day(), d.month(), d.year())
}

/// Each fact of a person, labelled and shown as text, in the order a record page lists them.
pub fn facts(d: &PersonDetails) -> Vec<(&'static str, String)> {
    let date = |d: Option<time::Date>| d.map(|d| long_date(&d)).unwrap_or_default();
    vec![
        ("First name", d.given_name.clone()),
        ("Last name", d.family_name.clone()),
        (
            "Other names",
            d.other_names
                .iter()
                .map(|n| format!("{} {} ({})", n.given_name, n.family_name, n.kind.label()))
                .collect::<Vec<_>>()
                .join("; "),
        ),
        ("Date of birth", date(d.date_of_birth)),
        ("Expected date of birth", date(d.expected_date_of_birth)),
        ("Date of death", date(d.date_of_death)),
        ("Sex", d.sex.map(|s| s.label().to_string()).unwrap_or_default()),
        ("Gender", d.gender.clone().unwrap_or_default()),
        ("Ethnicity", d.ethnicity.map(|e| e.label().to_string()).unwrap_or_default()),
        ("First language", d.first_language.clone().unwrap_or_default()),
        ("Disability", d.disabilities.iter().map(|x| x.label()).collect::<Vec<_>>().join(", ")),
        ("NHS number", d.nhs_number.as_ref().map(|n| n.to_string()).unwrap_or_default()),
        ("UPN", d.upn.as_ref().map(|n| n.to_string()).unwrap_or_default()),
        ("Why there is no UPN", d.upn_unknown.map(|r| format!("{} ({})", r.label(), r.code())).unwrap_or_default()),
        (
            "Addresses",
            d.addresses
                .iter()
                .map(|a| {
                    let span = match (a.from.map(|d| long_date(&d)), a.to.map(|d| long_date(&d))) {
                        (Some(f), Some(t)) => format!(" (from {f} to {t})"),
                        (Some(f), None) => format!(" (from {f})"),
                        (None, Some(t)) => format!(" (to {t})"),
                        (None, None) => String::new(),
                    };
                    format!("{}{}", a.one_line(), span)
                })
                .collect::<Vec<_>>()
                .join("; "),
        ),
    ]
}

/// One change to one fact.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FactChange {
    pub fact: &'static str,
    /// Empty when the fact was first recorded in this version.
    pub before: String,
    pub after: String,
    pub version: i64,
    pub changed_by: UserId,
    pub changed_by_name: String,
    pub changed_at: OffsetDateTime,
    pub reason: Option<String>,
}

/// Every change to every fact, oldest first. The first version counts as recording each fact
/// that it gave a value.
pub fn fact_changes(versions: &[PersonVersion]) -> Vec<FactChange> {
    let mut sorted: Vec<&PersonVersion> = versions.iter().collect();
    sorted.sort_by_key(|v| v.version);
    let mut out = Vec::new();
    let mut before: Option<Vec<(&'static str, String)>> = None;
    for v in sorted {
        let now = facts(&v.details);
        for (i, (label, value)) in now.iter().enumerate() {
            let old = before.as_ref().map(|b| b[i].1.clone()).unwrap_or_default();
            if &old != value {
                out.push(FactChange {
                    fact: label,
                    before: old,
                    after: value.clone(),
                    version: v.version,
                    changed_by: v.changed_by,
                    changed_by_name: v.changed_by_name.clone(),
                    changed_at: v.changed_at,
                    reason: v.reason.clone(),
                });
            }
        }
        before = Some(now);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::person::PersonKind;

    fn details(given: &str) -> PersonDetails {
        PersonDetails::named(PersonKind::Child, given, "Lee")
    }

    #[test]
    fn each_change_is_attributed() {
        let u = UserId::new();
        let v = |n: i64, given: &str, reason: Option<&str>| PersonVersion {
            version: n,
            details: details(given),
            changed_by: u,
            changed_by_name: "Sam".into(),
            changed_at: OffsetDateTime::UNIX_EPOCH,
            reason: reason.map(str::to_string),
        };
        let changes = fact_changes(&[v(2, "Amie", Some("Spelling corrected")), v(1, "Amy", None)]);
        assert_eq!(changes.len(), 3);
        let last = changes.last().unwrap();
        assert_eq!((last.fact, last.before.as_str(), last.after.as_str()), ("First name", "Amy", "Amie"));
        assert_eq!(last.reason.as_deref(), Some("Spelling corrected"));
    }
}
