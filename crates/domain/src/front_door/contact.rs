//! A contact: information about a child received by the front door, and the screening
//! decision on it. Field names in errors are the names of the future form's inputs.
use super::ContactId;
use super::check_text;
use super::codes::{ReferralSource, ScreeningDecision};
use crate::validation::{FieldErrors, MAX_LINE, MAX_TEXT};
use crate::{PersonId, UserId};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

/// Longest reason or rationale, in characters (a few pages; a contact is not a case note).
pub const MAX_REASON: usize = 20_000;

/// Who made the contact and how to reach them.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Referrer {
    pub name: String,
    /// Their role ("class teacher", "health visitor").
    pub role: Option<String>,
    pub agency: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    /// For an individual: how they are related to the child ("grandmother", "neighbour").
    pub relationship_to_child: Option<String>,
}

/// Whether the family agreed to the contact being made. Without consent the contact is still
/// recorded — the reason is what makes that lawful, so it is required.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "consent", rename_all = "snake_case")]
pub enum Consent {
    Given,
    NotGiven { reason: String },
    /// For example: asking would put the child at risk of significant harm.
    NotRequired { reason: String },
}

impl Consent {
    pub fn reason(&self) -> Option<&str> {
        match self {
            Consent::Given => None,
            Consent::NotGiven { reason } | Consent::NotRequired { reason } => Some(reason),
        }
    }
}

/// The decision on a contact.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Screening {
    pub decision: ScreeningDecision,
    pub decided_at: OffsetDateTime,
    pub decided_by: UserId,
    pub rationale: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contact {
    pub id: ContactId,
    pub received_at: OffsetDateTime,
    pub source: ReferralSource,
    pub referrer: Referrer,
    pub reason: String,
    pub consent: Consent,
    /// The children the contact is about (at least one).
    pub children: Vec<PersonId>,
    /// Parents, carers and others in the household.
    #[serde(default)]
    pub family_members: Vec<PersonId>,
    pub recorded_by: UserId,
    pub screening: Option<Screening>,
}

impl Contact {
    /// Checks what was recorded at the door. `now` is when it is being saved: a contact
    /// cannot have been received in the future.
    pub fn validate(&self, now: OffsetDateTime) -> Result<(), FieldErrors> {
        let mut e = FieldErrors::new();
        if self.received_at > now {
            e.add("received_at", "The date and time the contact was received must be in the past");
        }
        let r = &self.referrer;
        check_text(&mut e, "referrer_name", "the referrer's name", &r.name, true, MAX_LINE);
        for (field, label, value) in [
            ("referrer_role", "the referrer's role", &r.role),
            ("referrer_agency", "the referrer's agency", &r.agency),
            ("referrer_phone", "the referrer's phone number", &r.phone),
            ("referrer_email", "the referrer's email address", &r.email),
            ("referrer_relationship", "the referrer's relationship to the child", &r.relationship_to_child),
        ] {
            check_text(&mut e, field, label, value.as_deref().unwrap_or(""), false, MAX_LINE);
        }
        if r.phone.as_deref().is_some_and(|p| !p.trim().is_empty() && !valid_phone(p)) {
            e.add("referrer_phone", "Enter a phone number, like 01632 960 001 or +44 7700 900 982");
        }
        if r.email.as_deref().is_some_and(|m| !m.trim().is_empty() && !valid_email(m)) {
            e.add("referrer_email", "Enter an email address in the correct format, like name@example.com");
        }
        check_text(&mut e, "reason", "the reason for the contact", &self.reason, true, MAX_REASON);
        if let Some(reason) = self.consent.reason() {
            let label = match self.consent {
                Consent::NotGiven { .. } => "why consent was not given",
                _ => "why consent was not needed",
            };
            check_text(&mut e, "consent_reason", label, reason, true, MAX_REASON);
        }
        if self.children.is_empty() {
            e.add("children", "Add the child or children the contact is about");
        }
        let mut people: Vec<PersonId> = self.children.iter().chain(&self.family_members).copied().collect();
        people.sort();
        people.dedup();
        if people.len() != self.children.len() + self.family_members.len() && !self.family_members.iter().any(|p| self.children.contains(p)) {
            e.add("children", "Each person can be added to the contact only once");
        }
        if self.family_members.iter().any(|p| self.children.contains(p)) {
            e.add("family_members", "A person cannot be both a child the contact is about and a family member");
        }
        if let Some(s) = &self.screening {
            check_screening(&mut e, self, s, now);
        }
        e.into_result()
    }

    /// Records the screening decision, after checking it. A decision already made is not
    /// overwritten: a change of mind is a new contact or a recorded correction in the store.
    pub fn decide(&mut self, screening: Screening, now: OffsetDateTime) -> Result<(), FieldErrors> {
        let mut e = FieldErrors::new();
        if self.screening.is_some() {
            e.add("decision", "A decision has already been recorded for this contact");
            return Err(e);
        }
        check_screening(&mut e, self, &screening, now);
        e.into_result()?;
        self.screening = Some(screening);
        Ok(())
    }
}

fn check_screening(e: &mut FieldErrors, c: &Contact, s: &Screening, now: OffsetDateTime) {
    if s.decided_at < c.received_at {
        e.add("decided_at", "The decision must be on or after the date and time the contact was received");
    } else if s.decided_at > now {
        e.add("decided_at", "The date and time of the decision must be in the past");
    }
    check_text(e, "rationale", "the reason for the decision", &s.rationale, true, MAX_TEXT.min(MAX_REASON));
}

/// Digits, spaces, brackets, hyphens and a leading plus; 10 to 15 digits. Deliberately
/// loose: referrers give numbers in every format and a wrong refusal loses the number.
fn valid_phone(s: &str) -> bool {
    let s = s.trim();
    let body = s.strip_prefix('+').unwrap_or(s);
    let digits = body.chars().filter(char::is_ascii_digit).count();
    body.chars().all(|c| c.is_ascii_digit() || matches!(c, ' ' | '-' | '(' | ')')) && (10..=15).contains(&digits)
}

/// Something@something.something, without spaces. The only check worth doing without
/// sending an email.
fn valid_email(s: &str) -> bool {
    let s = s.trim();
    match s.split_once('@') {
        Some((local, domain)) => !local.is_empty() && !domain.contains('@') && domain.contains('.') && !domain.starts_with('.') && !domain.ends_with('.') && !s.contains(char::is_whitespace),
        None => false,
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use time::macros::datetime;

    pub(crate) fn contact() -> Contact {
        Contact {
            id: ContactId::new(),
            received_at: datetime!(2023-12-22 15:30 UTC),
            source: ReferralSource::School,
            referrer: Referrer {
                name: "A. Teacher".into(),
                role: Some("Designated safeguarding lead".into()),
                agency: Some("Widcombe Primary".into()),
                phone: Some("01632 960 001".into()),
                email: Some("dsl@example.org".into()),
                relationship_to_child: None,
            },
            reason: "Bruising seen on arm; child said dad did it.".into(),
            consent: Consent::NotRequired { reason: "Asking would put the child at risk of significant harm".into() },
            children: vec![PersonId::new()],
            family_members: vec![PersonId::new()],
            recorded_by: UserId::new(),
            screening: None,
        }
    }

    fn screening(at: OffsetDateTime) -> Screening {
        Screening { decision: ScreeningDecision::StrategyDiscussion, decided_at: at, decided_by: UserId::new(), rationale: "Disclosure of physical abuse".into() }
    }

    const NOW: OffsetDateTime = datetime!(2023-12-27 09:00 UTC);

    #[test]
    fn a_complete_contact_is_valid() {
        assert_eq!(contact().validate(NOW), Ok(()));
    }

    #[test]
    fn missing_and_bad_fields_are_named() {
        let mut c = contact();
        c.referrer.name = " ".into();
        c.reason = String::new();
        c.referrer.email = Some("not an email".into());
        c.referrer.phone = Some("call me".into());
        c.consent = Consent::NotGiven { reason: "".into() };
        c.children.clear();
        c.received_at = datetime!(2024-01-01 00:00 UTC);
        let e = c.validate(NOW).unwrap_err();
        for f in ["referrer_name", "reason", "referrer_email", "referrer_phone", "consent_reason", "children", "received_at"] {
            assert!(e.get(f).is_some(), "{f}: {e}");
        }
    }

    #[test]
    fn people_are_added_once() {
        let mut c = contact();
        c.children.push(c.children[0]);
        assert!(c.validate(NOW).unwrap_err().get("children").is_some());
        let mut c = contact();
        c.family_members.push(c.children[0]);
        assert!(c.validate(NOW).unwrap_err().get("family_members").is_some());
    }

    #[test]
    fn text_lengths_are_limited() {
        let mut c = contact();
        c.referrer.agency = Some("x".repeat(MAX_LINE + 1));
        c.reason = "y".repeat(MAX_REASON + 1);
        let e = c.validate(NOW).unwrap_err();
        assert!(e.get("referrer_agency").is_some());
        assert!(e.get("reason").is_some());
    }

    #[test]
    fn a_decision_before_the_contact_is_refused() {
        let mut c = contact();
        let e = c.decide(screening(datetime!(2023-12-22 15:29 UTC)), NOW).unwrap_err();
        assert!(e.get("decided_at").is_some());
        assert!(c.screening.is_none());
        c.decide(screening(datetime!(2023-12-22 15:30 UTC)), NOW).unwrap();
        assert!(c.screening.is_some());
        // Not overwritten.
        let e = c.decide(screening(datetime!(2023-12-23 10:00 UTC)), NOW).unwrap_err();
        assert!(e.get("decision").is_some());
    }

    #[test]
    fn a_decision_in_the_future_or_without_rationale_is_refused() {
        let mut c = contact();
        let mut s = screening(datetime!(2023-12-28 10:00 UTC));
        s.rationale = " ".into();
        let e = c.decide(s, NOW).unwrap_err();
        assert!(e.get("decided_at").is_some());
        assert!(e.get("rationale").is_some());
    }

    #[test]
    fn phone_and_email_shapes() {
        assert!(valid_phone("+44 (0)7700 900982"));
        assert!(!valid_phone("12345"));
        assert!(valid_email("a.b@example.co.uk"));
        assert!(!valid_email("a@b"));
        assert!(!valid_email("a b@example.com"));
    }

    #[test]
    fn serde_round_trip() {
        let c = contact();
        let json = serde_json::to_string(&c).unwrap();
        assert!(json.contains("\"consent\":\"not_required\""));
        assert_eq!(serde_json::from_str::<Contact>(&json).unwrap(), c);
    }
}
