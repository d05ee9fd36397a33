//! A person's recorded facts. The whole set is versioned as one snapshot: a change writes a
//! new version and never overwrites the previous one.
use crate::codes::{AliasKind, Disability, Ethnicity, Sex, UpnUnknown};
use crate::identifiers::{NhsNumber, Upn};
use crate::validation::{FieldErrors, MAX_LINE};
use crate::{PersonId, TeamId, UserId};
use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};

/// Whether a record is about a child or young person (who has a case) or a related adult.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PersonKind {
    Child,
    Adult,
}

impl PersonKind {
    pub fn code(self) -> &'static str {
        match self {
            Self::Child => "child",
            Self::Adult => "adult",
        }
    }

    pub fn from_code(s: &str) -> Option<Self> {
        match s {
            "child" => Some(Self::Child),
            "adult" => Some(Self::Adult),
            _ => None,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OtherName {
    pub kind: AliasKind,
    pub given_name: String,
    pub family_name: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Address {
    pub lines: Vec<String>,
    pub postcode: Option<String>,
    pub from: Option<Date>,
    pub to: Option<Date>,
}

impl Address {
    pub fn one_line(&self) -> String {
        let mut parts: Vec<&str> = self.lines.iter().map(String::as_str).collect();
        if let Some(p) = &self.postcode {
            parts.push(p);
        }
        parts.join(", ")
    }

    pub fn is_current(&self, today: Date) -> bool {
        self.to.is_none_or(|t| t >= today)
    }
}

/// The facts recorded about a person. Optional facts are `None` until known.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonDetails {
    pub kind: PersonKind,
    pub given_name: String,
    pub family_name: String,
    #[serde(default)]
    pub other_names: Vec<OtherName>,
    pub date_of_birth: Option<Date>,
    /// For an unborn child: the expected date of birth (may be in the future).
    pub expected_date_of_birth: Option<Date>,
    /// When the person died (CIN census `PersonDeathDate`).
    #[serde(default)]
    pub date_of_death: Option<Date>,
    pub sex: Option<Sex>,
    /// Gender identity in the person's own words, when different from or beyond sex.
    pub gender: Option<String>,
    pub ethnicity: Option<Ethnicity>,
    pub first_language: Option<String>,
    #[serde(default)]
    pub disabilities: Vec<Disability>,
    pub nhs_number: Option<NhsNumber>,
    pub upn: Option<Upn>,
    /// Why there is no UPN (the DfE's reasons), when there is none.
    #[serde(default)]
    pub upn_unknown: Option<UpnUnknown>,
    #[serde(default)]
    pub addresses: Vec<Address>,
}

impl PersonDetails {
    /// A person known only by name: every other fact not yet recorded.
    pub fn named(kind: PersonKind, given_name: impl Into<String>, family_name: impl Into<String>) -> Self {
        PersonDetails {
            kind,
            given_name: given_name.into(),
            family_name: family_name.into(),
            other_names: Vec::new(),
            date_of_birth: None,
            expected_date_of_birth: None,
            date_of_death: None,
            sex: None,
            gender: None,
            ethnicity: None,
            first_language: None,
            disabilities: Vec::new(),
            nhs_number: None,
            upn: None,
            upn_unknown: None,
            addresses: Vec::new(),
        }
    }

    pub fn full_name(&self) -> String {
        format!("{} {}", self.given_name, self.family_name)
    }

    pub fn is_unborn(&self) -> bool {
        self.date_of_birth.is_none() && self.expected_date_of_birth.is_some()
    }

    /// Age in whole years on `today`, when the date of birth is known.
    pub fn age_on(&self, today: Date) -> Option<i32> {
        age_on(self.date_of_birth?, today)
    }

    pub fn current_address(&self, today: Date) -> Option<&Address> {
        self.addresses.iter().filter(|a| a.is_current(today)).max_by_key(|a| a.from)
    }

    /// Checks the rules that hold for every person record, whatever the form.
    pub fn validate(&self, today: Date) -> Result<(), FieldErrors> {
        let mut errs = FieldErrors::new();
        check_name(&mut errs, "given_name", "first name", &self.given_name);
        check_name(&mut errs, "family_name", "last name", &self.family_name);
        for (i, n) in self.other_names.iter().enumerate() {
            if n.given_name.trim().is_empty() && n.family_name.trim().is_empty() {
                errs.add(format!("other_names[{i}]"), "Enter the other name, or remove it");
            }
            if n.given_name.chars().count() > MAX_LINE || n.family_name.chars().count() > MAX_LINE {
                errs.add(format!("other_names[{i}]"), format!("Other names must be {MAX_LINE} characters or fewer"));
            }
        }
        if let Some(dob) = self.date_of_birth {
            if dob > today {
                errs.add("date_of_birth", "Date of birth must be today or in the past; for an unborn child enter the expected date of birth instead");
            }
            if today.year() - dob.year() > 130 {
                errs.add("date_of_birth", "Date of birth must be within the last 130 years");
            }
            if self.expected_date_of_birth.is_some() {
                errs.add("expected_date_of_birth", "Enter either a date of birth or an expected date of birth, not both");
            }
        }
        if let Some(died) = self.date_of_death {
            if died > today {
                errs.add("date_of_death", "Date of death must be today or in the past");
            } else if self.date_of_birth.is_some_and(|b| died < b) {
                errs.add("date_of_death", "Date of death must be on or after the date of birth");
            } else if self.date_of_birth.is_none() {
                errs.add("date_of_death", "Enter the date of birth as well as the date of death");
            }
        }
        if self.upn.is_some() && self.upn_unknown.is_some() {
            errs.add("upn_unknown", "Give the UPN or the reason it is not known, not both");
        }
        if self.kind == PersonKind::Child && self.date_of_birth.is_none() && self.expected_date_of_birth.is_none() {
            errs.add("date_of_birth", "Enter the child's date of birth, or the expected date of birth for an unborn child");
        }
        if let Some(g) = &self.gender
            && g.chars().count() > MAX_LINE {
                errs.add("gender", format!("Gender must be {MAX_LINE} characters or fewer"));
            }
        if let Some(l) = &self.first_language
            && l.chars().count() > MAX_LINE {
                errs.add("first_language", format!("First language must be {MAX_LINE} characters or fewer"));
            }
        for (i, a) in self.addresses.iter().enumerate() {
            if a.lines.iter().all(|l| l.trim().is_empty()) {
                errs.add(format!("addresses[{i}]"), "Enter the first line of the address");
            }
            if let (Some(f), Some(t)) = (a.from, a.to)
                && t < f {
                    errs.add(format!("addresses[{i}]"), "The date the person left the address must be on or after the date they moved in");
                }
        }
        errs.into_result()
    }
}

fn check_name(errs: &mut FieldErrors, field: &str, what: &str, value: &str) {
    let n = value.trim().chars().count();
    if n == 0 {
        errs.add(field, format!("Enter the {what}"));
    } else if n > MAX_LINE {
        errs.add(field, format!("The {what} must be {MAX_LINE} characters or fewer"));
    }
}

/// Who a record is allocated to. Visibility follows it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Allocation {
    pub team: Option<TeamId>,
    pub worker: Option<UserId>,
}

/// A person as stored now: the current version of the facts and the access facts.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonRecord {
    pub id: PersonId,
    /// Increases by one with every change; an edit names the version it started from.
    pub version: i64,
    pub details: PersonDetails,
    pub allocation: Allocation,
    /// A restricted record is visible only to the people on its access list.
    pub restricted: bool,
    pub created_at: OffsetDateTime,
    pub created_by: UserId,
    pub updated_at: OffsetDateTime,
}

/// Who made a change, when, and why (the reason is required for corrections).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangeMeta {
    pub by: UserId,
    pub at: OffsetDateTime,
    pub reason: Option<String>,
}

/// One stored version of a person's facts.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonVersion {
    pub version: i64,
    pub details: PersonDetails,
    pub changed_by: UserId,
    pub changed_by_name: String,
    pub changed_at: OffsetDateTime,
    pub reason: Option<String>,
}

/// The few facts a search result or a family-network row shows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonSummary {
    pub id: PersonId,
    pub kind: PersonKind,
    pub given_name: String,
    pub family_name: String,
    pub other_names: Vec<String>,
    pub date_of_birth: Option<Date>,
    pub expected_date_of_birth: Option<Date>,
    pub nhs_number: Option<String>,
    pub upn: Option<String>,
    pub restricted: bool,
}

/// Age in whole years on `today` of someone born on `dob` (`None` before birth).
pub fn age_on(dob: Date, today: Date) -> Option<i32> {
    let mut age = today.year() - dob.year();
    if (today.month() as u8, today.day()) < (dob.month() as u8, dob.day()) {
        age -= 1;
    }
    (age >= 0).then_some(age)
}

impl PersonSummary {
    /// Age in whole years on `today`, when the date of birth is known.
    pub fn age_on(&self, today: Date) -> Option<i32> {
        age_on(self.date_of_birth?, today)
    }

    pub fn from_record(r: &PersonRecord) -> Self {
        let d = &r.details;
        Self {
            id: r.id,
            kind: d.kind,
            given_name: d.given_name.clone(),
            family_name: d.family_name.clone(),
            other_names: d.other_names.iter().map(|n| format!("{} {}", n.given_name, n.family_name).trim().to_string()).collect(),
            date_of_birth: d.date_of_birth,
            expected_date_of_birth: d.expected_date_of_birth,
            nhs_number: d.nhs_number.as_ref().map(|n| n.as_str().to_string()),
            upn: d.upn.as_ref().map(|u| u.as_str().to_string()),
            restricted: r.restricted,
        }
    }

    pub fn full_name(&self) -> String {
        format!("{} {}", self.given_name, self.family_name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    pub(crate) fn child(given: &str, family: &str, dob: Date) -> PersonDetails {
        PersonDetails { date_of_birth: Some(dob), ..PersonDetails::named(PersonKind::Child, given, family) }
    }

    #[test]
    fn future_date_of_birth_is_refused_but_expected_date_is_not() {
        let today = date!(2026 - 11 - 24);
        let mut p = child("Amy", "Lee", date!(2027 - 01 - 01));
        let errs = p.validate(today).unwrap_err();
        assert!(errs.get("date_of_birth").is_some());
        p.date_of_birth = None;
        p.expected_date_of_birth = Some(date!(2027 - 01 - 01));
        assert!(p.validate(today).is_ok());
        assert!(p.is_unborn());
    }

    #[test]
    fn names_are_required_and_bounded() {
        let today = date!(2026 - 11 - 24);
        let mut p = child(" ", "Lee", date!(2020 - 01 - 01));
        assert!(p.validate(today).unwrap_err().get("given_name").is_some());
        p.given_name = "x".repeat(201);
        assert!(p.validate(today).is_err());
    }

    #[test]
    fn a_upn_or_the_reason_there_is_none() {
        let today = date!(2026 - 11 - 24);
        let mut p = child("Amy", "Lee", date!(2015 - 01 - 01));
        p.upn_unknown = Some(UpnUnknown::NeverAttended);
        assert!(p.validate(today).is_ok());
        p.upn = Some(Upn::parse("Y800210217940").unwrap());
        assert_eq!(p.validate(today).unwrap_err().get("upn_unknown"), Some("Give the UPN or the reason it is not known, not both"));
        // Records saved before the field existed read as having no reason.
        let old = r#"{"kind":"child","given_name":"A","family_name":"B","date_of_birth":null,"expected_date_of_birth":null,"sex":null,"gender":null,"ethnicity":null,"first_language":null,"nhs_number":null,"upn":null}"#;
        assert_eq!(serde_json::from_str::<PersonDetails>(old).unwrap().upn_unknown, None);
    }

    #[test]
    fn age() {
        let p = child("A", "B", date!(2010 - 11 - 25));
        assert_eq!(p.age_on(date!(2026 - 11 - 24)), Some(15));
        assert_eq!(p.age_on(date!(2026 - 11 - 25)), Some(16));
    }
}
