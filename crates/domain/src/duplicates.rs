//! Possible duplicates: before a new person is recorded, Hearth looks for someone who may be
//! the same person, so nobody gets two records.
use crate::person::{PersonDetails, PersonSummary};
use crate::search::tokens;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MatchReason {
    SameNhsNumber,
    SimilarNameSameDateOfBirth,
}

impl MatchReason {
    pub fn label(self) -> &'static str {
        match self {
            MatchReason::SameNhsNumber => "same NHS number",
            MatchReason::SimilarNameSameDateOfBirth => "similar name and same date of birth",
        }
    }
}

fn folded_name(given: &str, family: &str) -> String {
    let mut t = tokens(given);
    t.extend(tokens(family));
    t.join(" ")
}

/// Why `existing` may be the person described by `new`, if it may.
pub fn possible_match(new: &PersonDetails, existing: &PersonSummary) -> Option<MatchReason> {
    if let (Some(a), Some(b)) = (&new.nhs_number, &existing.nhs_number)
        && a.as_str() == b {
            return Some(MatchReason::SameNhsNumber);
        }
    let same_dob = new.date_of_birth.is_some() && new.date_of_birth == existing.date_of_birth
        || new.expected_date_of_birth.is_some() && new.expected_date_of_birth == existing.expected_date_of_birth;
    if !same_dob {
        return None;
    }
    let new_name = folded_name(&new.given_name, &new.family_name);
    let mut names = vec![folded_name(&existing.given_name, &existing.family_name)];
    names.extend(existing.other_names.iter().map(|n| tokens(n).join(" ")));
    let close = names.iter().any(|n| {
        strsim::damerau_levenshtein(&new_name, n) <= 2
            // The same family name and the same first initial catch "Sam"/"Samantha".
            || (tokens(&new.family_name).last() == tokens(&existing.family_name).last()
                && new_name.chars().next() == n.chars().next())
    });
    close.then_some(MatchReason::SimilarNameSameDateOfBirth)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::identifiers::NhsNumber;
    use crate::person::PersonKind;
    use crate::PersonId;
    use time::macros::date;

    fn new(given: &str, family: &str) -> PersonDetails {
        PersonDetails { date_of_birth: Some(date!(2016 - 05 - 01)), ..PersonDetails::named(PersonKind::Child, given, family) }
    }

    fn existing(given: &str, family: &str) -> PersonSummary {
        PersonSummary {
            id: PersonId::new(),
            kind: PersonKind::Child,
            given_name: given.into(),
            family_name: family.into(),
            other_names: vec![],
            date_of_birth: Some(date!(2016 - 05 - 01)),
            expected_date_of_birth: None,
            nhs_number: Some("9434765919".into()),
            upn: None,
            restricted: false,
        }
    }

    #[test]
    fn matches() {
        assert_eq!(possible_match(&new("Jon", "Smyth"), &existing("John", "Smith")), Some(MatchReason::SimilarNameSameDateOfBirth));
        assert_eq!(possible_match(&new("Samantha", "Lee"), &existing("Sam", "Lee")), Some(MatchReason::SimilarNameSameDateOfBirth));
        assert_eq!(possible_match(&new("Peter", "Jones"), &existing("John", "Smith")), None);
        let mut n = new("Peter", "Jones");
        n.nhs_number = Some(NhsNumber::parse("9434765919").unwrap());
        n.date_of_birth = None;
        assert_eq!(possible_match(&n, &existing("John", "Smith")), Some(MatchReason::SameNhsNumber));
    }
}
