//! The front door of children's social care (seed 001 §7.1, issue 4): contact → screening
//! decision → referral → single assessment with manager authorisation, the deadlines the
//! policy pack sets on each step, the work trays those deadlines become, allocation and
//! caseloads, and the duty rota. Everything here is pure: the store, app and web layers
//! decide what to load and save; these types decide what is valid.

pub mod allocation;
pub mod assessment;
pub mod codes;
pub mod contact;
pub mod deadlines;
pub mod referral;
pub mod rota;
pub mod tasks;

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;
use uuid::Uuid;

// The same shape as the ids in `crate::ids` (UUIDv7, transparent in JSON); defined here so
// the front door stays in its own folder.
macro_rules! front_door_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub Uuid);

        impl $name {
            /// A new, time-ordered id.
            pub fn new() -> Self {
                Self(Uuid::now_v7())
            }
        }

        impl Default for $name {
            fn default() -> Self {
                Self::new()
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.hyphenated().fmt(f)
            }
        }

        impl FromStr for $name {
            type Err = uuid::Error;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Uuid::parse_str(s.trim()).map(Self)
            }
        }
    };
}

front_door_id!(
    /// A contact received by the front door.
    ContactId
);
front_door_id!(
    /// A referral to children's social care (one per child).
    ReferralId
);
front_door_id!(
    /// A single assessment.
    AssessmentId
);
front_door_id!(
    /// A task in a work tray.
    TaskId
);
front_door_id!(
    /// One allocation of a child's case to a team (and worker).
    AllocationId
);

/// Checks a required single-line text field: present, and not longer than `max` characters.
pub(crate) fn check_text(errors: &mut crate::FieldErrors, field: &str, label: &str, value: &str, required: bool, max: usize) {
    let len = value.trim().chars().count();
    if required && len == 0 {
        errors.add(field, format!("Enter {label}"));
    } else if len > max {
        errors.add(field, format!("{} must be {max} characters or fewer", capitalise(label)));
    }
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_as_text_and_json() {
        let id = ContactId::new();
        assert_eq!(id.to_string().parse::<ContactId>().unwrap(), id);
        let json = serde_json::to_string(&id).unwrap();
        assert_eq!(json, format!("\"{id}\""));
    }

    #[test]
    fn text_checks() {
        let mut e = crate::FieldErrors::new();
        check_text(&mut e, "reason", "the reason for the contact", "  ", true, 10);
        assert_eq!(e.get("reason"), Some("Enter the reason for the contact"));
        let mut e = crate::FieldErrors::new();
        check_text(&mut e, "reason", "the reason", "12345678901", true, 10);
        assert_eq!(e.get("reason"), Some("The reason must be 10 characters or fewer"));
        let mut e = crate::FieldErrors::new();
        check_text(&mut e, "x", "x", "", false, 10);
        assert!(e.is_empty());
    }
}
