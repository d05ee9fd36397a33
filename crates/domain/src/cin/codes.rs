//! Code lists of children in need and child protection. Categories of abuse and reasons for
//! closure are the CIN census's; the others are Hearth's own.
use crate::codes::code_list;

code_list!(
    /// Category of abuse of a child protection plan (CIN census `InitialCategoryOfAbuse`
    /// and `LatestCategoryOfAbuse`).
    AbuseCategory {
        Neglect = "NEG": "Neglect",
        Physical = "PHY": "Physical abuse",
        Emotional = "EMO": "Emotional abuse",
        Sexual = "SAB": "Sexual abuse",
        Multiple = "MUL": "Multiple",
    }
);

code_list!(
    /// Why a CIN episode closed (CIN census `ReasonForClosure`).
    ClosureReason {
        Adopted = "RC1": "Adopted",
        Died = "RC2": "Died",
        ChildArrangementsOrder = "RC3": "Child arrangements order",
        SpecialGuardianshipOrder = "RC4": "Special guardianship order",
        TransferredToAnotherLa = "RC5": "Transferred to services of another local authority",
        TransferredToAdultServices = "RC6": "Transferred to adult social care services",
        ServicesCeased = "RC7": "Services ceased for any other reason, including the child no longer being in need",
        NoFurtherAction = "RC8": "Case closed after assessment, no further action",
        ReferredToEarlyHelp = "RC9": "Case closed after assessment, referred to early help",
    }
);

code_list!(
    /// What a strategy discussion decided.
    StrategyDecision {
        Section47 = "section_47": "Start a section 47 enquiry",
        NoSection47 = "no_section_47": "No section 47 enquiry: continue as a child in need",
        Other = "other": "Other (say what in the action notes)",
    }
);

code_list!(
    /// The outcome of a section 47 enquiry.
    EnquiryOutcome {
        NotSubstantiated = "not_substantiated": "Concerns not substantiated",
        SubstantiatedNoConference = "substantiated_no_icpc": "Concerns substantiated, no initial conference needed",
        ConferenceRequired = "icpc_required": "Concerns substantiated, initial child protection conference required",
    }
    retired {
        NoConference = "no_icpc": "No initial conference needed (brought in from a previous system's census)",
    }
);

code_list!(
    /// Where a child's support goes when children's social care steps down.
    StepDownTo {
        EarlyHelp = "early_help": "Early help",
        Universal = "universal": "Universal services",
    }
);

code_list!(
    /// Why a child protection plan ended, when a review conference or the worker ends it.
    PlanEndReason {
        NoLongerAtRisk = "no_longer_at_risk": "The child is no longer at continuing risk of significant harm",
        MovedAway = "moved_away": "The child moved to another local authority",
        LookedAfter = "looked_after": "The child became looked after",
        Adult = "reached_18": "The child reached 18",
        Died = "died": "The child died",
        Other = "other": "Other",
    }
);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codes::Coded;

    #[test]
    fn census_codes() {
        assert_eq!(ClosureReason::ALL.iter().map(|c| c.code()).collect::<Vec<_>>(), ["RC1", "RC2", "RC3", "RC4", "RC5", "RC6", "RC7", "RC8", "RC9"]);
        assert_eq!(AbuseCategory::ALL.iter().map(|c| c.code()).collect::<Vec<_>>(), ["NEG", "PHY", "EMO", "SAB", "MUL"]);
        assert_eq!(serde_json::to_string(&ClosureReason::Died).unwrap(), "\"RC2\"");
    }
}
