//! Case notes: what happened, when, and whether the child was seen. A correction is a new
//! version; the earlier text stays readable.
use crate::codes::CaseNoteType;
use crate::validation::{FieldErrors, MAX_TEXT};
use crate::{CaseNoteId, PersonId, UserId};
use serde::{Deserialize, Serialize};
use time::{OffsetDateTime, PrimitiveDateTime};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseNoteDetails {
    /// When the event happened (local time as the worker recorded it).
    pub occurred_at: PrimitiveDateTime,
    pub note_type: CaseNoteType,
    pub child_seen: bool,
    pub seen_alone: bool,
    /// Significant events appear in the child's chronology.
    pub significant: bool,
    pub text: String,
    /// A statutory visit under the child's plan, whatever the note's type (a home visit
    /// that was the plan's visit).
    #[serde(default)]
    pub statutory_visit: bool,
    /// The other children the same note was recorded for at once, each in their own record.
    #[serde(default)]
    pub also_for: Vec<PersonId>,
}

impl CaseNoteDetails {
    /// Whether the note records a statutory visit (its type, or the answer for a note of
    /// another type).
    pub fn is_statutory_visit(&self) -> bool {
        self.note_type == CaseNoteType::StatutoryVisit || self.statutory_visit
    }

    pub fn validate(&self, now: PrimitiveDateTime) -> Result<(), FieldErrors> {
        let mut errs = FieldErrors::new();
        if self.occurred_at > now {
            errs.add("occurred_at", "The date and time of the event must be in the past");
        }
        if self.seen_alone && !self.child_seen {
            errs.add("seen_alone", "A child can only be seen alone if they were seen");
        }
        if self.statutory_visit && !self.child_seen {
            errs.add("statutory_visit", "A statutory visit is one where the child is seen: say the child was seen, or that this was not a statutory visit");
        }
        let len = self.text.trim().chars().count();
        if len == 0 {
            errs.add("text", "Enter what happened");
        } else if len > MAX_TEXT {
            errs.add("text", format!("The note must be {MAX_TEXT} characters or fewer"));
        }
        errs.into_result()
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseNote {
    pub id: CaseNoteId,
    pub person: PersonId,
    pub version: i64,
    pub details: CaseNoteDetails,
    pub author: UserId,
    pub author_name: String,
    pub created_at: OffsetDateTime,
    /// When the current version was saved (equal to `created_at` until corrected).
    pub updated_at: OffsetDateTime,
}

/// One saved version of a case note.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseNoteVersion {
    pub version: i64,
    pub details: CaseNoteDetails,
    pub changed_by: UserId,
    pub changed_by_name: String,
    pub changed_at: OffsetDateTime,
    pub reason: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn rules() {
        let now = datetime!(2026-11-24 10:00);
        let mut n = CaseNoteDetails {
            statutory_visit: false,
            also_for: Vec::new(),
            occurred_at: datetime!(2026-11-24 09:00),
            note_type: CaseNoteType::HomeVisit,
            child_seen: false,
            seen_alone: true,
            significant: false,
            text: "  ".into(),
        };
        let e = n.validate(now).unwrap_err();
        assert!(e.get("seen_alone").is_some() && e.get("text").is_some());
        n.child_seen = true;
        n.text = "<script>alert(1)</script>'; DROP TABLE persons; --".into();
        assert!(n.validate(now).is_ok());
        n.occurred_at = datetime!(2026-11-24 11:00);
        assert!(n.validate(now).is_err());
        n.occurred_at = datetime!(2026-11-24 09:00);
        // A home visit that was the plan's visit counts as a statutory visit, if the child was seen.
        assert!(!n.is_statutory_visit());
        n.statutory_visit = true;
        assert!(n.is_statutory_visit() && n.validate(now).is_ok());
        n.child_seen = false;
        n.seen_alone = false;
        assert!(n.validate(now).unwrap_err().get("statutory_visit").is_some());
    }
}
