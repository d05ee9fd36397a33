//! What a CIN census file says, as written: every value is the element's text (trimmed), or
//! `None` when the element is absent or empty. Nothing is interpreted here, so the rules can
//! judge another system's file exactly as the DfE would, invalid codes and all.
use time::Date;

/// A value as written in the file.
pub type Text = Option<String>;

/// The header of the return.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Header {
    pub collection: Text,
    pub year: Text,
    pub reference_date: Text,
    pub source_level: Text,
    pub lea: Text,
    pub software_code: Text,
    pub release: Text,
    pub serial_no: Text,
    pub date_time: Text,
}

/// One `<Child>`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Child {
    pub la_child_id: Text,
    pub upn: Text,
    pub former_upn: Text,
    pub upn_unknown: Text,
    pub birth_date: Text,
    pub expected_birth_date: Text,
    pub gender_current: Text,
    pub sex: Text,
    pub death_date: Text,
    pub ethnicity: Text,
    /// The `<Disability>` codes, in order; empty when there is no `<Disabilities>` block.
    pub disabilities: Vec<Text>,
    pub episodes: Vec<CinDetails>,
}

/// One `<CINdetails>`: a referral and what followed it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CinDetails {
    pub referral_date: Text,
    pub referral_source: Text,
    pub primary_need: Text,
    pub closure_date: Text,
    pub reason_for_closure: Text,
    /// An initial conference recorded on the episode rather than on a section 47 (rule 2884).
    pub date_of_initial_cpc: Text,
    pub referral_nfa: Text,
    pub assessments: Vec<Assessment>,
    pub cin_plans: Vec<CinPlan>,
    pub section47s: Vec<Section47>,
    pub cp_plans: Vec<CpPlan>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Assessment {
    pub start: Text,
    pub internal_review: Text,
    pub authorisation: Text,
    /// `None` when there is no `<FactorsIdentifiedAtAssessment>` block or it is empty.
    pub factors: Option<Vec<Text>>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CinPlan {
    pub start: Text,
    pub end: Text,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Section47 {
    pub start: Text,
    pub icpc_target: Text,
    pub icpc_date: Text,
    pub icpc_not_required: Text,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CpPlan {
    pub start: Text,
    pub end: Text,
    pub initial_category: Text,
    pub latest_category: Text,
    pub previous_plans: Text,
    /// Review dates (`<Reviews><CPPreviewDate>`), one `<Reviews>` each when written.
    pub reviews: Vec<Text>,
}

/// A whole file held in memory (tests and small files; large files are read child by child
/// with [`crate::CensusReader`]).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CensusFile {
    pub header: Header,
    pub children: Vec<Child>,
}

/// A date written as `YYYY-MM-DD` (an optional time part, as in `2025-04-01T00:00:00`, is
/// ignored). Anything else, including impossible dates, is `None`: the DfE's validator
/// treats such values as missing.
pub fn date(value: &Text) -> Option<Date> {
    let s = value.as_deref()?;
    let day = s.split(['T', ' ']).next()?;
    let mut parts = day.split('-');
    let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || y.len() != 4 || m.is_empty() || m.len() > 2 || d.is_empty() || d.len() > 2 {
        return None;
    }
    let month = time::Month::try_from(m.parse::<u8>().ok()?).ok()?;
    Date::from_calendar_date(y.parse().ok()?, month, d.parse().ok()?).ok()
}

/// True for the boolean spellings the DfE's schema allows as true (`true`, `1`), case
/// ignored.
pub fn is_true(value: &Text) -> bool {
    matches!(value.as_deref().map(str::to_ascii_lowercase).as_deref(), Some("true" | "1"))
}

impl Child {
    /// The child's LA id, or "" when missing (as failures name it).
    pub fn id(&self) -> &str {
        self.la_child_id.as_deref().unwrap_or("")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> Text {
        Some(s.to_string())
    }

    #[test]
    fn dates_are_iso_and_real() {
        assert_eq!(date(&t("2025-04-01")), Date::from_calendar_date(2025, time::Month::April, 1).ok());
        assert_eq!(date(&t("2025-04-01T00:00:00")), Date::from_calendar_date(2025, time::Month::April, 1).ok());
        assert_eq!(date(&t("2025-02-30")), None);
        assert_eq!(date(&t("01/04/2025")), None);
        assert_eq!(date(&None), None);
    }

    #[test]
    fn booleans() {
        assert!(is_true(&t("true")) && is_true(&t("1")) && is_true(&t("TRUE")));
        assert!(!is_true(&t("false")) && !is_true(&t("0")) && !is_true(&None));
    }
}
