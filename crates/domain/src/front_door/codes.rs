//! DfE code lists of the front door, as the children in need (CIN) census specifies them, so
//! the return needs no mapping. The screening decisions and assessment outcomes are Hearth's
//! own lists (the census has no code for them).
use crate::codes::code_list;
#[cfg(test)]
use crate::codes::Coded;


code_list!(
    /// Source of a referral (CIN census `ReferralSource`).
    ReferralSource {
        FamilyMember = "1A": "Individual: family member, relative or carer",
        Acquaintance = "1B": "Individual: acquaintance (including neighbours and child minders)",
        SelfReferral = "1C": "Individual: self",
        OtherIndividual = "1D": "Individual: other",
        School = "2A": "Schools",
        EducationServices = "2B": "Education services",
        GeneralPractitioner = "3A": "Health services: GP",
        HealthVisitor = "3B": "Health services: health visitor",
        SchoolNurse = "3C": "Health services: school nurse",
        OtherPrimaryHealth = "3D": "Health services: other primary health services",
        AccidentAndEmergency = "3E": "Health services: A&E (emergency department)",
        OtherHealth = "3F": "Health services: other",
        Housing = "4": "Housing (local authority housing or housing association)",
        LaSocialCare = "5A": "Local authority services: social care (e.g. adult social care)",
        LaOtherInternal = "5B": "Local authority services: other internal department",
        LaExternal = "5C": "Local authority services: external (e.g. another local authority)",
        EarlyHelp = "5D": "Local authority services: early help",
        Police = "6": "Police",
        OtherLegalAgency = "7": "Other legal agency (courts, probation, immigration, Cafcass, prison)",
        Other = "8": "Other",
        Anonymous = "9": "Anonymous",
        Unknown = "10": "Unknown",
    }
);

code_list!(
    /// Primary need at assessment (CIN census `PrimaryNeedCode`). N0 "not stated" is not
    /// offered: Hearth asks for the need rather than recording that it was not stated.
    PrimaryNeed {
        AbuseOrNeglect = "N1": "Abuse or neglect",
        ChildDisability = "N2": "Child's disability or illness",
        ParentalDisability = "N3": "Parental disability or illness",
        AcuteStress = "N4": "Family in acute stress",
        FamilyDysfunction = "N5": "Family dysfunction",
        SociallyUnacceptableBehaviour = "N6": "Socially unacceptable behaviour",
        LowIncome = "N7": "Low income",
        AbsentParenting = "N8": "Absent parenting",
        NotChildInNeed = "N9": "Cases other than children in need",
    }
    retired {
        NotStated = "N0": "Not stated",
    }
);

code_list!(
    /// Factors identified at the end of an assessment (CIN census `AssessmentFactors`). The
    /// retired codes 18A and 19A (physical and sexual abuse before the child-on-child /
    /// adult-on-child split) are not offered for new assessments.
    AssessmentFactor {
        AlcoholChild = "1A": "Alcohol misuse: the child",
        AlcoholParent = "1B": "Alcohol misuse: a parent or carer",
        AlcoholOther = "1C": "Alcohol misuse: another person in the household",
        DrugChild = "2A": "Drug misuse: the child",
        DrugParent = "2B": "Drug misuse: a parent or carer",
        DrugOther = "2C": "Drug misuse: another person in the household",
        DomesticAbuseChild = "3A": "Domestic abuse: the child",
        DomesticAbuseParent = "3B": "Domestic abuse: a parent or carer",
        DomesticAbuseOther = "3C": "Domestic abuse: another person in the household",
        MentalHealthChild = "4A": "Mental health: the child",
        MentalHealthParent = "4B": "Mental health: a parent or carer",
        MentalHealthOther = "4C": "Mental health: another person in the household",
        LearningDisabilityChild = "5A": "Learning disability: the child",
        LearningDisabilityParent = "5B": "Learning disability: a parent or carer",
        LearningDisabilityOther = "5C": "Learning disability: another person in the household",
        PhysicalDisabilityChild = "6A": "Physical disability or illness: the child",
        PhysicalDisabilityParent = "6B": "Physical disability or illness: a parent or carer",
        PhysicalDisabilityOther = "6C": "Physical disability or illness: another person in the household",
        YoungCarer = "7A": "Young carer",
        PrivateFosteringOverseasReturn = "8B": "Privately fostered: overseas child who intends to return to their parents",
        PrivateFosteringOverseasStay = "8C": "Privately fostered: overseas child who intends to stay in the UK",
        PrivateFosteringUkEducation = "8D": "Privately fostered: UK child in an educational placement",
        PrivateFosteringUkAlternativeCare = "8E": "Privately fostered: UK child in an alternative care arrangement",
        PrivateFosteringOther = "8F": "Privately fostered: other",
        UnaccompaniedAsylumSeeker = "9A": "Unaccompanied asylum-seeking child",
        Missing = "10A": "Going or being missing",
        SexualExploitation = "11A": "Child sexual exploitation",
        Trafficking = "12A": "Trafficking",
        Gangs = "13A": "Gangs",
        SociallyUnacceptableBehaviour = "14A": "Socially unacceptable behaviour",
        SelfHarm = "15A": "Self-harm",
        Neglect = "16A": "Abuse or neglect: neglect",
        EmotionalAbuse = "17A": "Abuse or neglect: emotional abuse",
        PhysicalAbuseChildOnChild = "18B": "Abuse or neglect: physical abuse, child on child",
        PhysicalAbuseAdultOnChild = "18C": "Abuse or neglect: physical abuse, adult on child",
        SexualAbuseChildOnChild = "19B": "Abuse or neglect: sexual abuse, child on child",
        SexualAbuseAdultOnChild = "19C": "Abuse or neglect: sexual abuse, adult on child",
        Other = "20": "Other",
        NoFactors = "21": "No factors identified",
        FemaleGenitalMutilation = "22A": "Female genital mutilation",
        FaithOrBelief = "23A": "Abuse linked to faith or belief",
        CriminalExploitation = "24A": "Child criminal exploitation",
    }
    retired {
        PhysicalAbuse = "18A": "Abuse or neglect: physical abuse (retired code)",
        SexualAbuse = "19A": "Abuse or neglect: sexual abuse (retired code)",
    }
);

code_list!(
    /// What the front door decided about a contact.
    ScreeningDecision {
        NoFurtherAction = "nfa": "No further action",
        AdviceAndInformation = "advice": "Advice and information",
        EarlyHelp = "early_help": "Early help",
        Referral = "referral": "Referral to children's social care",
        StrategyDiscussion = "strategy_discussion": "Strategy discussion needed",
    }
);

impl ScreeningDecision {
    /// Whether this decision opens a referral to children's social care (a strategy
    /// discussion is about a child already referred or referred by it).
    pub fn opens_referral(self) -> bool {
        matches!(self, Self::Referral | Self::StrategyDiscussion)
    }
}

code_list!(
    /// What an assessment concluded.
    AssessmentOutcome {
        NoFurtherAction = "nfa": "No further action",
        AdviceAndInformation = "advice": "Advice and information",
        EarlyHelp = "early_help": "Step down to early help",
        ChildInNeedPlan = "cin_plan": "Child in need plan",
        StrategyDiscussion = "strategy_discussion": "Strategy discussion (section 47 enquiry)",
        LookedAfter = "looked_after": "Child to become looked after",
        FurtherAssessment = "further_assessment": "Further specialist assessment",
    }
);

impl AssessmentOutcome {
    /// Whether children's social care stays involved: the child is then a child in need
    /// and the census needs their primary need.
    pub fn is_further_action(self) -> bool {
        !matches!(self, Self::NoFurtherAction | Self::AdviceAndInformation | Self::EarlyHelp)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codes::assert_distinct as distinct;

    #[test]
    fn codes_are_distinct_and_round_trip() {
        distinct::<ReferralSource>();
        distinct::<PrimaryNeed>();
        distinct::<AssessmentFactor>();
        distinct::<ScreeningDecision>();
        distinct::<AssessmentOutcome>();
    }

    #[test]
    fn the_dfe_lists_are_complete() {
        let sources: Vec<&str> = ReferralSource::ALL.iter().map(|c| c.code()).collect();
        assert_eq!(sources, ["1A", "1B", "1C", "1D", "2A", "2B", "3A", "3B", "3C", "3D", "3E", "3F", "4", "5A", "5B", "5C", "5D", "6", "7", "8", "9", "10"]);
        let needs: Vec<&str> = PrimaryNeed::ALL.iter().map(|c| c.code()).collect();
        assert_eq!(needs, ["N1", "N2", "N3", "N4", "N5", "N6", "N7", "N8", "N9"]);
        assert_eq!(AssessmentFactor::ALL.len(), 42);
        assert_eq!(AssessmentFactor::from_code("24A"), Some(AssessmentFactor::CriminalExploitation));
        assert_eq!(AssessmentFactor::from_code("18A"), None, "retired: not offered");
        assert_eq!(AssessmentFactor::from_any_code("18A"), Some(AssessmentFactor::PhysicalAbuse));
        assert_eq!(PrimaryNeed::from_any_code("N0").map(|n| n.code()), Some("N0"));
        assert_eq!(serde_json::to_string(&AssessmentFactor::SexualAbuse).unwrap(), "\"19A\"");
    }

    #[test]
    fn json_uses_the_dfe_code() {
        assert_eq!(serde_json::to_string(&ReferralSource::Police).unwrap(), "\"6\"");
        assert_eq!(serde_json::from_str::<PrimaryNeed>("\"N4\"").unwrap(), PrimaryNeed::AcuteStress);
    }
}
