//! The DfE's code lists for children looked after, as the SSDA903 return specifies them, so
//! that the return needs no mapping. Codes checked against the DfE's validator for 2025-26.
use crate::codes::code_list;

code_list!(
    /// The legal basis on which a child is looked after (SSDA903 `LS`).
    LegalStatus {
        InterimCareOrder = "C1": "Interim care order",
        FullCareOrder = "C2": "Full care order",
        FreeingOrder = "D1": "Freeing order granted",
        PlacementOrder = "E1": "Placement order granted",
        Remanded = "J1": "Remanded to local authority accommodation or to youth detention accommodation",
        PoliceAndCriminalEvidence = "J2": "Placed in local authority accommodation under the Police and Criminal Evidence Act 1984, including secure accommodation",
        YouthRehabilitationOrder = "J3": "Sentenced to a youth rehabilitation order with a residence or intensive fostering requirement",
        PoliceProtection = "L1": "Under police protection and in local authority accommodation",
        EmergencyProtectionOrder = "L2": "Emergency protection order",
        ChildAssessmentOrder = "L3": "Under a child assessment order and in local authority accommodation",
        Section20 = "V2": "Single period of accommodation under section 20 of the Children Act 1989",
        ShortBreakEpisodes = "V3": "Accommodated under an agreed series of short-term breaks, each break recorded",
        ShortBreakAgreement = "V4": "Accommodated under an agreed series of short-term breaks, the agreements recorded",
    }
);

impl LegalStatus {
    /// The status in a few words, for the banner at the top of a child's pages.
    pub fn short(self) -> &'static str {
        match self {
            LegalStatus::InterimCareOrder => "interim care order",
            LegalStatus::FullCareOrder => "care order",
            LegalStatus::FreeingOrder => "freeing order",
            LegalStatus::PlacementOrder => "placement order",
            LegalStatus::Remanded => "remanded",
            LegalStatus::PoliceAndCriminalEvidence => "police (PACE) transfer",
            LegalStatus::YouthRehabilitationOrder => "youth rehabilitation order",
            LegalStatus::PoliceProtection => "police protection",
            LegalStatus::EmergencyProtectionOrder => "emergency protection order",
            LegalStatus::ChildAssessmentOrder => "child assessment order",
            LegalStatus::Section20 => "section 20",
            LegalStatus::ShortBreakEpisodes | LegalStatus::ShortBreakAgreement => "short breaks",
        }
    }

    /// A series of short breaks (V3, V4): recorded as a series of its own, never within a
    /// period of full care.
    pub fn is_short_break(self) -> bool {
        matches!(self, LegalStatus::ShortBreakEpisodes | LegalStatus::ShortBreakAgreement)
    }

    /// Under the youth justice system (J1 to J3): only from the age of criminal
    /// responsibility, 10.
    pub fn is_youth_justice(self) -> bool {
        matches!(self, LegalStatus::Remanded | LegalStatus::PoliceAndCriminalEvidence | LegalStatus::YouthRehabilitationOrder)
    }

    /// A care order (C1, C2): a court cannot make one for a young person of 17 or over
    /// (section 31(3) of the Children Act 1989).
    pub fn is_care_order(self) -> bool {
        matches!(self, LegalStatus::InterimCareOrder | LegalStatus::FullCareOrder)
    }
}

code_list!(
    /// Why a new episode of care began (SSDA903 `RNE`). Hearth derives it from what changed;
    /// nobody chooses it.
    ReasonNewEpisode {
        Started = "S": "Started to be looked after",
        LegalStatus = "L": "Change of legal status only",
        PlacementAndCarer = "P": "Change of placement and carer(s) only",
        PlacementSameCarer = "T": "Change of placement only, the carer(s) the same",
        LegalStatusPlacementAndCarer = "U": "Change of legal status, placement and carer(s) at the same time",
        LegalStatusAndPlacementSameCarer = "B": "Change of legal status and placement at the same time, the carer(s) the same",
    }
);

code_list!(
    /// The child's category of need when they became looked after (SSDA903 `CIN`: N1 to N8;
    /// the CIN census's N9 has no place here).
    CategoryOfNeed {
        AbuseOrNeglect = "N1": "Abuse or neglect",
        ChildDisability = "N2": "Child's disability or illness",
        ParentalDisability = "N3": "Parental disability or illness",
        FamilyInAcuteStress = "N4": "Family in acute stress",
        FamilyDysfunction = "N5": "Family dysfunction",
        SociallyUnacceptableBehaviour = "N6": "Socially unacceptable behaviour",
        LowIncome = "N7": "Low income",
        AbsentParenting = "N8": "Absent parenting",
    }
);

code_list!(
    /// Where a child is placed (SSDA903 `PLACE`, 2025-26 list).
    PlacementType {
        AdoptionConsentCurrentCarers = "A3": "Placed for adoption with parental consent, with current foster carer(s)",
        AdoptionConsentOtherCarers = "A4": "Placed for adoption with parental consent, not with current foster carer(s)",
        AdoptionOrderCurrentCarers = "A5": "Placed for adoption with a placement order, with current foster carer(s)",
        AdoptionOrderOtherCarers = "A6": "Placed for adoption with a placement order, not with current foster carer(s)",
        SecureChildrensHome = "K1": "Secure children's home",
        ChildrensHome = "K2": "Children's home subject to the Children's Homes Regulations",
        SupportedAccommodation = "K3": "Supported accommodation registered with Ofsted",
        WithParents = "P1": "Placed with own parent(s) or other person(s) with parental responsibility",
        ResidentialEmployment = "P3": "Residential employment",
        ResidentialCareHome = "R1": "Residential care home",
        HealthProvision = "R2": "NHS or health trust or other establishment giving medical or nursing care",
        FamilyCentre = "R3": "Family centre or mother and baby unit",
        YoungOffenderInstitution = "R5": "Young offender institution",
        ResidentialSchool = "S1": "Residential school (not dual-registered as a children's home)",
        TemporaryMove = "T0": "Temporary move of any kind",
        TemporaryHospital = "T1": "Temporary period in hospital",
        TemporaryHoliday = "T2": "Temporary absence on holiday",
        TemporaryCarerHoliday = "T3": "Temporary accommodation while the usual foster carer(s) are on holiday",
        TemporaryShort = "T4": "Temporary accommodation of seven days or less, for another reason",
        ConnectedLongTerm = "U1": "Foster placement with relative(s) or friend(s): long-term fostering",
        ConnectedForAdoption = "U2": "Foster placement with relative(s) or friend(s) who are also approved adopters: fostering for adoption or concurrent planning",
        ConnectedOther = "U3": "Foster placement with relative(s) or friend(s): not long-term nor fostering for adoption",
        FosterLongTerm = "U4": "Foster placement with other foster carer(s): long-term fostering",
        FosterForAdoption = "U5": "Foster placement with other foster carer(s) who are also approved adopters: fostering for adoption or concurrent planning",
        FosterOther = "U6": "Foster placement with other foster carer(s): not long-term nor fostering for adoption",
        // The 2025-26 list splits the old Z1 in four; their wording is to be taken from the
        // DfE's guide before a form offers them.
        OtherZ11 = "Z11": "Other placement (Z11)",
        OtherZ12 = "Z12": "Other placement (Z12)",
        OtherZ13 = "Z13": "Other placement (Z13)",
        OtherZ14 = "Z14": "Other placement (Z14)",
    }
    retired {
        SemiIndependent = "H5": "Semi-independent living accommodation not subject to the Children's Homes Regulations",
        IndependentLiving = "P2": "Independent living, for example a flat, lodgings, bedsit or with friends",
        Other = "Z1": "Other placement",
    }
);

impl PlacementType {
    /// A temporary placement (T0 to T4), which does not count as a move of placement.
    pub fn is_temporary(self) -> bool {
        matches!(self, PlacementType::TemporaryMove | PlacementType::TemporaryHospital | PlacementType::TemporaryHoliday | PlacementType::TemporaryCarerHoliday | PlacementType::TemporaryShort)
    }

    /// A foster placement (U1 to U6).
    pub fn is_fostering(self) -> bool {
        matches!(
            self,
            PlacementType::ConnectedLongTerm | PlacementType::ConnectedForAdoption | PlacementType::ConnectedOther | PlacementType::FosterLongTerm | PlacementType::FosterForAdoption | PlacementType::FosterOther
        )
    }

    /// Placed for adoption (A3 to A6).
    pub fn is_adoption(self) -> bool {
        matches!(self, PlacementType::AdoptionConsentCurrentCarers | PlacementType::AdoptionConsentOtherCarers | PlacementType::AdoptionOrderCurrentCarers | PlacementType::AdoptionOrderOtherCarers)
    }
}

code_list!(
    /// Who provides a placement (SSDA903 `PLACE_PROVIDER`).
    PlacementProvider {
        Parents = "PR0": "Parent(s) or other person(s) with parental responsibility",
        OwnProvision = "PR1": "Own provision (by the local authority)",
        OtherLocalAuthority = "PR2": "Other local authority provision",
        OtherPublic = "PR3": "Other public provision (for example, the NHS)",
        Private = "PR4": "Private provision",
        Voluntary = "PR5": "Voluntary or third sector provision",
    }
);

code_list!(
    /// Why a placement changed (SSDA903 `REASON_PLACE_CHANGE`).
    ReasonPlaceChange {
        CarePlan = "CARPL": "Change to, or carrying out of, the care plan",
        ProvisionClosed = "CLOSE": "The provider resigned or the provision closed",
        Allegation = "ALLEG": "Allegation (section 47 enquiry)",
        StandardsOfCare = "STAND": "Concern about standards of care",
        ApprovalRemoved = "APPRR": "The carer's approval was removed",
        CarerRequestBehaviour = "CREQB": "The carer(s) asked for the placement to end because of the child's behaviour",
        CarerRequestOther = "CREQO": "The carer(s) asked for the placement to end for another reason",
        ChildRequest = "CHILD": "The child asked for the placement to end",
        AuthorityRequest = "LAREQ": "The responsible or area authority asked for the placement to end",
        StatusOnly = "PLACE": "Change in the placement's status only",
        Custody = "CUSTOD": "Custody arrangement",
        Other = "OTHER": "Other",
    }
);

code_list!(
    /// Why a period of care ended (SSDA903 `REC`). X1 — an episode ending because another
    /// begins the same day — is Hearth's to derive, never a period's reason.
    ReasonEpisodeCeased {
        AdoptedUnopposed = "E11": "Adopted: application for an adoption order unopposed",
        AdoptedConsentDispensed = "E12": "Adopted: consent dispensed with by the court",
        Died = "E2": "Died",
        AnotherAuthority = "E3": "Care taken over by another local authority in the UK",
        HomePlanned = "E4A": "Returned home to parent(s) or others with parental responsibility, as part of the care plan",
        HomeUnplanned = "E4B": "Returned home to parent(s) or others with parental responsibility, not as part of the care plan",
        LivesWithoutParentalResponsibility = "E13": "Left care to live with parent(s), relative(s) or others with no parental responsibility",
        ChildArrangementsOrder = "E41": "Child arrangements order (with whom the child lives) granted",
        SgoFosterCarerConnected = "E45": "Special guardianship order to former foster carer(s) who are relatives or friends",
        SgoFosterCarerOther = "E46": "Special guardianship order to former foster carer(s) who are not relatives or friends",
        SgoOtherCarerConnected = "E47": "Special guardianship order to other carer(s) who are relatives or friends",
        SgoOtherCarerOther = "E48": "Special guardianship order to other carer(s) who are not relatives or friends",
        IndependentSupported = "E5": "Moved to independent living with formal advice or support",
        IndependentUnsupported = "E6": "Moved to independent living without formal advice or support",
        AdultResidentialCare = "E7": "Transferred to residential care funded by adult social care",
        OtherReason = "E8": "Ceased to be looked after for any other reason",
        Custody = "E9": "Sentenced to custody",
        RemandEnded = "E14": "Accommodation on remand ended",
        AgeAssessedAdult = "E15": "Age assessment found the young person to be 18 or over",
        MovedAbroad = "E16": "Moved abroad",
        StayingPut = "E17": "Aged 18 or over and stayed with the carers (including staying put)",
        NewEpisode = "X1": "Episode ended and a new one began the same day",
    }
);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codes::{assert_distinct as distinct, Coded};

    /// The codes offered, in order, as one line.
    fn codes<T: Coded>() -> String {
        T::ALL.iter().map(|c| c.code()).collect::<Vec<_>>().join(" ")
    }

    #[test]
    fn the_code_lists_are_the_dfes() {
        distinct::<LegalStatus>();
        distinct::<ReasonNewEpisode>();
        distinct::<CategoryOfNeed>();
        distinct::<PlacementType>();
        distinct::<PlacementProvider>();
        distinct::<ReasonPlaceChange>();
        distinct::<ReasonEpisodeCeased>();
        // As the DfE's validator for 2025-26 lists them.
        assert_eq!(codes::<LegalStatus>(), "C1 C2 D1 E1 J1 J2 J3 L1 L2 L3 V2 V3 V4");
        assert_eq!(codes::<ReasonNewEpisode>(), "S L P T U B");
        assert_eq!(codes::<PlacementType>(), "A3 A4 A5 A6 K1 K2 K3 P1 P3 R1 R2 R3 R5 S1 T0 T1 T2 T3 T4 U1 U2 U3 U4 U5 U6 Z11 Z12 Z13 Z14");
        assert_eq!(codes::<PlacementProvider>(), "PR0 PR1 PR2 PR3 PR4 PR5");
        assert_eq!(PlacementType::from_code("H5"), None, "retired: not offered");
        assert_eq!(PlacementType::from_any_code("H5"), Some(PlacementType::SemiIndependent), "but kept in history");
        assert_eq!(ReasonEpisodeCeased::ALL.len(), 22);
        assert_eq!(ReasonPlaceChange::ALL.len(), 12);
        assert_eq!(serde_json::to_string(&LegalStatus::Section20).unwrap(), "\"V2\"");
    }
}
