//! Who looks after a child in care: foster households, connected carers, children's homes,
//! supported accommodation, parents, adopters… Providers are records of their own, chosen from
//! a list, so a home's children can be listed and its monitoring visits fall due (issue 17).
//! A placement must suit its provider: a foster placement is never with a children's home.
use super::codes::{PlacementProvider, PlacementType};
use super::postcode::Postcode;
use crate::codes::code_list;
use crate::ids::id_type;
use crate::validation::{FieldErrors, MAX_LINE};
use serde::{Deserialize, Serialize};

id_type!(
    /// A provider of placements.
    ProviderId
);

code_list!(
    /// What kind of setting a provider is.
    ProviderKind {
        FosterHousehold = "foster_household": "Foster household",
        ConnectedCarers = "connected_carers": "Connected carers (relatives or friends)",
        ChildrensHome = "childrens_home": "Children's home",
        SecureHome = "secure_home": "Secure children's home",
        SupportedAccommodation = "supported_accommodation": "Supported accommodation",
        Parents = "parents": "Parent or person with parental responsibility",
        Adopters = "adopters": "Adopters",
        ResidentialSchool = "residential_school": "Residential school",
        Health = "health": "Hospital or health setting",
        FamilyCentre = "family_centre": "Family centre or mother and baby unit",
        YoungOffenderInstitution = "young_offender_institution": "Young offender institution",
        Other = "other": "Other setting",
    }
);

impl ProviderKind {
    /// Whether a placement of type `t` can be with a provider of this kind. Temporary
    /// placements (T0 to T4) can be with anyone.
    pub fn takes(self, t: PlacementType) -> bool {
        use PlacementType as P;
        if t.is_temporary() {
            return true;
        }
        match self {
            // Foster carers who are also approved adopters take A3 and A5 (placed for adoption
            // with the current foster carers).
            ProviderKind::FosterHousehold => matches!(t, P::FosterLongTerm | P::FosterForAdoption | P::FosterOther | P::AdoptionConsentCurrentCarers | P::AdoptionOrderCurrentCarers),
            ProviderKind::ConnectedCarers => matches!(t, P::ConnectedLongTerm | P::ConnectedForAdoption | P::ConnectedOther | P::AdoptionConsentCurrentCarers | P::AdoptionOrderCurrentCarers),
            ProviderKind::Adopters => t.is_adoption(),
            ProviderKind::ChildrensHome => t == P::ChildrensHome,
            ProviderKind::SecureHome => t == P::SecureChildrensHome,
            ProviderKind::SupportedAccommodation => t == P::SupportedAccommodation,
            ProviderKind::Parents => t == P::WithParents,
            ProviderKind::ResidentialSchool => t == P::ResidentialSchool,
            ProviderKind::Health => t == P::HealthProvision,
            ProviderKind::FamilyCentre => t == P::FamilyCentre,
            ProviderKind::YoungOffenderInstitution => t == P::YoungOffenderInstitution,
            ProviderKind::Other => matches!(t, P::ResidentialEmployment | P::ResidentialCareHome | P::OtherZ11 | P::OtherZ12 | P::OtherZ13 | P::OtherZ14),
        }
    }

    /// Settings Ofsted registers, which must have its unique reference number.
    pub fn needs_urn(self) -> bool {
        matches!(self, ProviderKind::ChildrensHome | ProviderKind::SecureHome | ProviderKind::SupportedAccommodation)
    }

    /// Settings with a number of registered places.
    pub fn has_places(self) -> bool {
        matches!(self, ProviderKind::ChildrensHome | ProviderKind::SecureHome | ProviderKind::SupportedAccommodation | ProviderKind::FosterHousehold | ProviderKind::ConnectedCarers)
    }
}

/// A provider of placements.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Provider {
    pub id: ProviderId,
    pub name: String,
    pub kind: ProviderKind,
    /// Who runs it, as the return records it (own provision, private, voluntary…).
    pub provider: PlacementProvider,
    /// Ofsted's unique reference number ("SC" and six digits).
    pub urn: Option<String>,
    pub address: Vec<String>,
    pub postcode: Option<Postcode>,
    /// How many children it is registered or approved for.
    pub places: Option<u16>,
    /// No longer offered for new placements (it closed, the carers resigned).
    pub closed: bool,
    /// The days the LA's monitoring visits were made (seed 004: external residential
    /// placements at least annually), in date order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub monitoring_visits: Vec<time::Date>,
}

/// Seed 004: residential placements with external providers are visited at least annually.
pub const MONITORING_RULE: &str = "external_home_monitoring";

impl Provider {
    /// A residential setting the LA does not run itself, which its monitoring visits cover.
    pub fn is_external_residential(&self) -> bool {
        let residential = matches!(self.kind, ProviderKind::ChildrensHome | ProviderKind::SecureHome | ProviderKind::ResidentialSchool | ProviderKind::SupportedAccommodation);
        let external = matches!(self.provider, PlacementProvider::OtherLocalAuthority | PlacementProvider::OtherPublic | PlacementProvider::Private | PlacementProvider::Voluntary);
        residential && external
    }

    /// When the next monitoring visit is due, while the LA has a child placed there
    /// (`placed_since`: the day the longest-placed of them arrived): a year after the last
    /// visit made while they were, or after that day. `None` when none is due.
    pub fn monitoring_due(&self, placed_since: Option<time::Date>, pack: &crate::policy::Pack, cal: &crate::calendar::Calendar) -> Option<Result<crate::policy::Deadline, crate::policy::DeadlineError>> {
        let since = placed_since.filter(|_| self.is_external_residential() && pack.timescale(MONITORING_RULE).is_some())?;
        let from = self.monitoring_visits.iter().filter(|v| **v >= since).max().copied().unwrap_or(since);
        Some(pack.deadline(MONITORING_RULE, 1, crate::policy::Start::Date(from), cal))
    }

    /// Records a monitoring visit on `on` (not in the future, not twice on a day).
    pub fn record_monitoring_visit(&mut self, on: time::Date, today: time::Date) -> Result<(), FieldErrors> {
        if on > today {
            return Err(FieldErrors::one("on", "The visit cannot be in the future"));
        }
        if self.monitoring_visits.contains(&on) {
            return Err(FieldErrors::one("on", "A visit on this day is recorded already"));
        }
        self.monitoring_visits.push(on);
        self.monitoring_visits.sort();
        Ok(())
    }
}

/// Whether `urn` has the shape of an Ofsted unique reference number: "SC" and six digits for
/// a social care setting, six or seven digits for a school.
pub fn is_urn(urn: &str) -> bool {
    let all_digits = |d: &str| d.chars().all(|c| c.is_ascii_digit());
    match urn.strip_prefix("SC") {
        Some(d) => d.len() == 6 && all_digits(d),
        None => (6..=7).contains(&urn.len()) && all_digits(urn),
    }
}

impl Provider {
    /// Everything wrong with the provider's record, each naming its field.
    pub fn check(&self) -> Result<(), FieldErrors> {
        let mut e = FieldErrors::new();
        let name = self.name.trim();
        if name.is_empty() {
            e.add("name", "Enter the provider's name");
        } else if name.chars().count() > MAX_LINE {
            e.add("name", format!("The name must be {MAX_LINE} characters or fewer"));
        }
        match self.urn.as_deref() {
            Some(u) if !is_urn(u) => e.add("urn", "Enter the Ofsted URN as SC and six digits, like SC123456"),
            None if self.kind.needs_urn() => e.add("urn", format!("A {} is registered with Ofsted: enter its URN", self.kind_label())),
            _ => {}
        }
        match self.places {
            Some(0) => e.add("places", "Enter a number of places of 1 or more"),
            Some(_) if !self.kind.has_places() => e.add("places", format!("A {} has no registered places", self.kind_label())),
            _ => {}
        }
        e.into_result()
    }

    /// Refuses a placement of type `t` with this provider, saying why.
    pub fn check_placement(&self, t: PlacementType) -> Result<(), String> {
        use crate::codes::Coded;
        if self.closed {
            return Err(format!("{} is closed to new placements", self.name));
        }
        if !self.kind.takes(t) {
            return Err(format!("{} is a {}: it cannot take a placement of type {} ({})", self.name, self.kind_label(), t.code(), t.label().to_lowercase()));
        }
        Ok(())
    }

    /// A placement of type `kind` with this provider from `from`, as the return will see it
    /// (who runs it, URN and postcode as they are today); refused, saying why, when the
    /// provider cannot take it.
    pub fn place(&self, from: time::Date, kind: PlacementType, reason: Option<super::codes::ReasonPlaceChange>) -> Result<super::episodes::Placement, String> {
        self.check_placement(kind)?;
        Ok(super::episodes::Placement { from, kind, provider: self.provider, urn: self.urn.clone(), postcode: self.postcode.clone(), carer: self.id, reason })
    }

    fn kind_label(&self) -> String {
        use crate::codes::Coded;
        self.kind.label().to_lowercase()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codes::Coded;

    fn home() -> Provider {
        Provider {
            id: ProviderId::new(),
            name: "Oak House".into(),
            kind: ProviderKind::ChildrensHome,
            provider: PlacementProvider::Private,
            urn: Some("SC123456".into()),
            address: vec!["1 Oak Lane".into(), "Reading".into()],
            postcode: Some(Postcode::parse("RG1 1AA").unwrap()),
            places: Some(4),
            closed: false,
            monitoring_visits: Vec::new(),
        }
    }

    #[test]
    fn the_kinds_are_distinct() {
        crate::codes::assert_distinct::<ProviderKind>();
    }

    #[test]
    fn every_placement_type_has_a_provider_that_takes_it() {
        for t in PlacementType::ALL {
            assert!(ProviderKind::ALL.iter().any(|k| k.takes(*t)), "{}", t.code());
        }
    }

    #[test]
    fn a_placement_must_suit_its_provider() {
        let h = home();
        assert_eq!(h.check(), Ok(()));
        assert_eq!(h.check_placement(PlacementType::ChildrensHome), Ok(()));
        assert_eq!(h.check_placement(PlacementType::TemporaryShort), Ok(()), "a temporary stay anywhere");
        assert_eq!(
            h.check_placement(PlacementType::FosterOther),
            Err("Oak House is a children's home: it cannot take a placement of type U6 (foster placement with other foster carer(s): not long-term nor fostering for adoption)".into())
        );
        let foster = Provider { kind: ProviderKind::FosterHousehold, urn: None, name: "The Smith household".into(), ..home() };
        assert!(foster.check_placement(PlacementType::FosterLongTerm).is_ok());
        assert!(foster.check_placement(PlacementType::AdoptionOrderCurrentCarers).is_ok(), "fostering to adopt");
        assert!(foster.check_placement(PlacementType::AdoptionOrderOtherCarers).is_err());
        assert!(foster.check_placement(PlacementType::ConnectedOther).is_err(), "connected carers are their own kind");
        let placed = h.place(time::macros::date!(2026 - 01 - 05), PlacementType::ChildrensHome, None).unwrap();
        assert_eq!((placed.carer, placed.urn.as_deref(), placed.provider, placed.postcode), (h.id, Some("SC123456"), PlacementProvider::Private, h.postcode.clone()));
        assert!(h.place(time::macros::date!(2026 - 01 - 05), PlacementType::FosterOther, None).is_err());
        let closed = Provider { closed: true, ..home() };
        assert_eq!(closed.check_placement(PlacementType::ChildrensHome), Err("Oak House is closed to new placements".into()));
    }

    #[test]
    fn a_bad_provider_record_is_refused_naming_the_field() {
        let fields = |p: Provider| p.check().err().map(|e| e.0.into_iter().map(|f| f.field).collect::<Vec<_>>()).unwrap_or_default();
        assert_eq!(fields(Provider { name: "  ".into(), ..home() }), ["name"]);
        assert_eq!(fields(Provider { urn: None, ..home() }), ["urn"], "a children's home is registered");
        assert_eq!(fields(Provider { urn: Some("12-34".into()), ..home() }), ["urn"]);
        assert_eq!(fields(Provider { places: Some(0), ..home() }), ["places"]);
        assert_eq!(fields(Provider { kind: ProviderKind::Parents, urn: None, places: Some(2), ..home() }), ["places"]);
        assert!(is_urn("SC654321") && is_urn("100000") && is_urn("1234567"));
        assert!(!is_urn("SC65432") && !is_urn("sc654321") && !is_urn("12345") && !is_urn("SC12345X"));
    }
}
