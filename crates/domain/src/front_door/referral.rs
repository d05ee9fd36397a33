//! A referral to children's social care, and the re-referral rule of the CIN census.
use super::codes::{PrimaryNeed, ReferralSource};
use super::contact::Contact;
use super::{ContactId, ReferralId};
use crate::calendar::add_months;
use crate::local_time::uk_local;
use crate::validation::FieldErrors;
use crate::PersonId;
use serde::{Deserialize, Serialize};
use time::Date;

/// A referral of one child (a contact about two children gives two referrals).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Referral {
    pub id: ReferralId,
    pub child: PersonId,
    /// The contact it came from, when it came through the front door.
    pub contact: Option<ContactId>,
    pub referral_date: Date,
    pub source: ReferralSource,
    /// Set at the end of the assessment; `None` until then.
    pub primary_need: Option<PrimaryNeed>,
    /// Referral closed with no further action (CIN census `ReferralNFA`).
    pub nfa: bool,
    /// Derived with [`is_re_referral`] when the referral is made; stored so the census
    /// reports what the worker saw.
    pub re_referral: bool,
}

impl Referral {
    /// The referral of one child of a contact whose screening decision opens a referral.
    /// `previous_referrals` are the dates of the child's earlier referrals, for the
    /// re-referral flag. The date is checked against the contact and `today`.
    pub fn from_contact(contact: &Contact, child: PersonId, referral_date: Date, previous_referrals: impl IntoIterator<Item = Date>, today: Date) -> Result<Referral, FieldErrors> {
        let mut e = FieldErrors::new();
        if !contact.children.contains(&child) {
            e.add("child", "The child must be one of the children the contact is about");
        }
        if !contact.screening.as_ref().is_some_and(|s| s.decision.opens_referral()) {
            e.add("decision", "Record a decision to refer to children's social care before making the referral");
        }
        let referral = Referral {
            id: ReferralId::new(),
            child,
            contact: Some(contact.id),
            referral_date,
            source: contact.source,
            primary_need: None,
            nfa: false,
            re_referral: is_re_referral(referral_date, previous_referrals),
        };
        if let Err(more) = referral.validate(Some(uk_local(contact.received_at).date()), today) {
            e.0.extend(more.0);
        }
        e.into_result().map(|()| referral)
    }

    /// Checks the dates: not before the contact it came from (`contact_date`, the date the
    /// contact was received), not after `today`.
    pub fn validate(&self, contact_date: Option<Date>, today: Date) -> Result<(), FieldErrors> {
        let mut e = FieldErrors::new();
        if contact_date.is_some_and(|c| self.referral_date < c) {
            e.add("referral_date", "The referral date must be on or after the date the contact was received");
        } else if self.referral_date > today {
            e.add("referral_date", "The referral date must be today or in the past");
        }
        e.into_result()
    }
}

/// **The re-referral rule.** A referral on date `r` is a re-referral when the same child had
/// an earlier referral on date `p` with `p < r ≤ p + 12 months`, where "+ 12 months" is the
/// calendar-month rule of [`add_months`]: the same day of the month a year later, clamped to
/// the month's end (a referral on 29 February 2024 makes re-referrals up to and including
/// 28 February 2025). So the window is 365 or 366 days, whichever the calendar gives. A
/// referral on the same day as another is not a re-referral of it (it is the same episode).
pub fn is_re_referral(referral_date: Date, previous: impl IntoIterator<Item = Date>) -> bool {
    previous.into_iter().any(|p| p < referral_date && add_months(p, 12).is_ok_and(|end| referral_date <= end))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::add_days;
    use proptest::prelude::*;
    use time::macros::date;

    fn referral(d: Date) -> Referral {
        Referral { id: ReferralId::new(), child: PersonId::new(), contact: Some(ContactId::new()), referral_date: d, source: ReferralSource::Police, primary_need: None, nfa: false, re_referral: false }
    }

    #[test]
    fn dates_are_checked() {
        let today = date!(2024 - 03 - 10);
        assert!(referral(date!(2024 - 03 - 01)).validate(Some(date!(2024 - 03 - 01)), today).is_ok());
        let e = referral(date!(2024 - 02 - 28)).validate(Some(date!(2024 - 03 - 01)), today).unwrap_err();
        assert!(e.get("referral_date").is_some());
        let e = referral(date!(2024 - 03 - 11)).validate(None, today).unwrap_err();
        assert!(e.get("referral_date").is_some());
    }

    #[test]
    fn from_a_screened_contact() {
        use super::super::codes::ScreeningDecision;
        use super::super::contact::Screening;
        use time::macros::datetime;
        let mut c = crate::front_door::contact::tests::contact();
        let child = c.children[0];
        let today = date!(2024 - 01 - 10);
        let e = Referral::from_contact(&c, PersonId::new(), date!(2023 - 12 - 22), [], today).unwrap_err();
        assert!(e.get("child").is_some() && e.get("decision").is_some());
        c.decide(Screening { decision: ScreeningDecision::Referral, decided_at: datetime!(2023-12-22 16:00 UTC), decided_by: crate::UserId::new(), rationale: "Threshold met".into() }, datetime!(2024-01-10 09:00 UTC)).unwrap();
        let r = Referral::from_contact(&c, child, date!(2023 - 12 - 22), [date!(2023 - 03 - 01)], today).unwrap();
        assert!(r.re_referral);
        assert_eq!((r.source, r.contact), (ReferralSource::School, Some(c.id)));
        let e = Referral::from_contact(&c, child, date!(2023 - 12 - 21), [], today).unwrap_err();
        assert!(e.get("referral_date").is_some());
    }

    #[test]
    fn re_referral_examples() {
        let p = date!(2024 - 02 - 29);
        assert!(is_re_referral(date!(2025 - 02 - 28), [p]));
        assert!(!is_re_referral(date!(2025 - 03 - 01), [p]));
        assert!(!is_re_referral(p, [p]));
        assert!(!is_re_referral(date!(2024 - 01 - 01), [p]));
        assert!(!is_re_referral(p, []));
        // A year with 366 days in the window.
        assert!(is_re_referral(date!(2024 - 06 - 01), [date!(2023 - 06 - 01)]));
    }

    fn any_date() -> impl Strategy<Value = Date> {
        (2000i32..2100, 1u8..=12, 1u8..=31).prop_map(|(y, m, d)| {
            let month = time::Month::try_from(m).unwrap();
            Date::from_calendar_date(y, month, d.min(month.length(y))).unwrap()
        })
    }

    proptest! {
        #[test]
        fn boundary_of_twelve_months(p in any_date()) {
            let end = add_months(p, 12).unwrap();
            prop_assert!(is_re_referral(end, [p]));
            prop_assert!(!is_re_referral(add_days(end, 1).unwrap(), [p]));
            prop_assert!(is_re_referral(add_days(p, 1).unwrap(), [p]));
            let window = (end - p).whole_days();
            prop_assert!(window == 365 || window == 366, "{} days", window);
        }

        #[test]
        fn inside_the_window_iff_within_days(p in any_date(), offset in -10i64..400) {
            let r = add_days(p, offset).unwrap();
            let end = add_months(p, 12).unwrap();
            prop_assert_eq!(is_re_referral(r, [p]), r > p && r <= end);
        }

        #[test]
        fn any_previous_referral_counts(p in any_date(), q in any_date(), r in any_date()) {
            prop_assert_eq!(is_re_referral(r, [p, q]), is_re_referral(r, [p]) || is_re_referral(r, [q]));
        }
    }
}
