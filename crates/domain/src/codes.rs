//! Code lists. Where the DfE publishes a code list (CIN census, SSDA903), Hearth stores the
//! DfE code, so the returns need no mapping and no cleansing.

/// A code list entry: the stored code and the label a person reads.
pub trait Coded: Sized + Copy + 'static {
    /// The codes offered for new records.
    const ALL: &'static [Self];
    /// Codes the DfE has retired: never offered, but kept when history brought in from a
    /// previous system (a census import) has them.
    const RETIRED: &'static [Self] = &[];
    fn code(self) -> &'static str;
    fn label(self) -> &'static str;

    /// A code offered for new records.
    fn from_code(code: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|c| c.code() == code)
    }

    /// Any code, retired ones included (for history).
    fn from_any_code(code: &str) -> Option<Self> {
        Self::from_code(code).or_else(|| Self::RETIRED.iter().copied().find(|c| c.code() == code))
    }
}

macro_rules! code_list {
    ($(#[$doc:meta])* $name:ident { $($variant:ident = $code:literal : $label:literal,)+ }
        $(retired { $($old:ident = $old_code:literal : $old_label:literal,)+ })?) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
        pub enum $name { $(#[serde(rename = $code)] $variant,)+ $($(#[serde(rename = $old_code)] $old,)+)? }

        impl $crate::codes::Coded for $name {
            const ALL: &'static [Self] = &[$(Self::$variant,)+];
            const RETIRED: &'static [Self] = &[$($(Self::$old,)+)?];
            fn code(self) -> &'static str {
                match self { $(Self::$variant => $code,)+ $($(Self::$old => $old_code,)+)? }
            }
            fn label(self) -> &'static str {
                match self { $(Self::$variant => $label,)+ $($(Self::$old => $old_label,)+)? }
            }
        }
    };
}
/// Lets other modules declare code lists the same way.
pub(crate) use code_list;

/// For tests of a code list: every code, retired ones included, is distinct, reads back as
/// itself and has a label.
#[cfg(test)]
pub(crate) fn assert_distinct<T: Coded>() {
    let all: Vec<T> = T::ALL.iter().chain(T::RETIRED).copied().collect();
    let codes: std::collections::HashSet<&str> = all.iter().map(|c| c.code()).collect();
    assert_eq!(codes.len(), all.len(), "{}", std::any::type_name::<T>());
    for c in all {
        assert_eq!(T::from_any_code(c.code()).map(|x| x.code()), Some(c.code()));
        assert!(!c.label().is_empty());
    }
}

code_list!(
    /// Ethnicity, DfE codes as used in the CIN census and SSDA903.
    Ethnicity {
        WhiteBritish = "WBRI": "White British",
        WhiteIrish = "WIRI": "White Irish",
        WhiteOther = "WOTH": "Any other White background",
        Traveller = "WIRT": "Traveller of Irish heritage",
        GypsyRoma = "WROM": "Gypsy/Roma",
        WhiteBlackCaribbean = "MWBC": "White and Black Caribbean",
        WhiteBlackAfrican = "MWBA": "White and Black African",
        WhiteAsian = "MWAS": "White and Asian",
        MixedOther = "MOTH": "Any other mixed background",
        Indian = "AIND": "Indian",
        Pakistani = "APKN": "Pakistani",
        Bangladeshi = "ABAN": "Bangladeshi",
        AsianOther = "AOTH": "Any other Asian background",
        Caribbean = "BCRB": "Caribbean",
        African = "BAFR": "African",
        BlackOther = "BOTH": "Any other Black background",
        Chinese = "CHNE": "Chinese",
        Other = "OOTH": "Any other ethnic group",
        Refused = "REFU": "Refused",
        NotObtained = "NOBT": "Information not yet obtained",
    }
);

code_list!(
    /// Why a child has no unique pupil number: the DfE's code set (CIN census `UPNunknown`,
    /// UN1 to UN7; UN8 to UN10 are for other returns).
    UpnUnknown {
        UnderSix = "UN1": "Aged under 6 and not yet given a UPN",
        NeverAttended = "UN2": "Has never attended a state-funded school in England and has no UPN",
        EducatedOutsideEngland = "UN3": "Educated outside England and has no UPN",
        NewlyInNeed = "UN4": "Newly in need in the last week of the census year; the UPN is not known yet",
        RecordsDisagree = "UN5": "The records holding UPNs disagree about the child's name or date of birth, so the child cannot be matched reliably",
        CannotObtain = "UN6": "Not looked after, and the local authority cannot obtain the UPN",
        ReferralNoFurtherAction = "UN7": "Referred, but no further action was taken",
    }
);

code_list!(
    /// Sex as recorded for the returns (CIN census: M, F, U).
    Sex {
        Male = "M": "Male",
        Female = "F": "Female",
        NotKnown = "U": "Not known or not stated",
    }
);

code_list!(
    /// Disability, DfE CIN census codes.
    Disability {
        Mobility = "MOB": "Mobility",
        HandFunction = "HAND": "Hand function",
        PersonalCare = "PC": "Personal care",
        Incontinence = "INC": "Incontinence",
        Communication = "COMM": "Communication",
        Learning = "LD": "Learning",
        Hearing = "HEAR": "Hearing",
        Vision = "VIS": "Vision",
        Behaviour = "BEH": "Behaviour",
        Consciousness = "CON": "Consciousness",
        Autism = "AUT": "Autism or Asperger syndrome",
        Other = "DDA": "Other disability",
    }
);

code_list!(
    /// The kind of event a case note records.
    CaseNoteType {
        HomeVisit = "home_visit": "Home visit",
        StatutoryVisit = "statutory_visit": "Statutory visit (the child seen)",
        OfficeVisit = "office_visit": "Office visit",
        SchoolVisit = "school_visit": "School or nursery visit",
        PhoneCall = "phone_call": "Phone call",
        Meeting = "meeting": "Meeting",
        Observation = "observation": "Observation",
        DirectWork = "direct_work": "Direct work with the child",
        ManagementOversight = "management_oversight": "Management oversight",
        Supervision = "supervision": "Supervision",
        Correspondence = "correspondence": "Letter or email",
        Other = "other": "Other",
    }
);

code_list!(
    /// How another name relates to a person.
    AliasKind {
        KnownAs = "known_as": "Known as",
        Previous = "previous": "Previous name",
        Alias = "alias": "Alias",
        BirthName = "birth_name": "Name at birth",
    }
);
