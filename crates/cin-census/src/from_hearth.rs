//! The census Hearth computes from its record (`hearth_domain::returns::cin`) as a census
//! file, so that one writer writes it and the same rules that judge any file judge it.
use crate::model::{Assessment, CinDetails, CinPlan, CpPlan, Header, Section47, Text};
use hearth_domain::returns::cin::{CensusChild, CollectionYear};
use time::{Date, PrimitiveDateTime};

/// Who sends the return.
#[derive(Clone, Debug)]
pub struct Source {
    /// The LA's three-digit number (`LEA`), for example "800".
    pub la_number: String,
    pub software: String,
    pub release: String,
    pub serial: u32,
    pub made_at: PrimitiveDateTime,
}

fn iso(d: Date) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), d.month() as u8, d.day())
}

fn date(d: Option<Date>) -> Text {
    d.map(iso)
}

fn text(s: &str) -> Text {
    Some(s.to_string())
}

fn flag(b: bool) -> Text {
    text(if b { "true" } else { "false" })
}

pub fn header(year: CollectionYear, source: &Source) -> Header {
    let t = source.made_at;
    Header {
        collection: text("CIN"),
        year: Some(year.header_year().to_string()),
        reference_date: date(Some(year.reference_date())),
        source_level: text("L"),
        lea: text(&source.la_number),
        software_code: text(&source.software),
        release: text(&source.release),
        serial_no: Some(format!("{:03}", source.serial)),
        date_time: Some(format!("{}T{:02}:{:02}:{:02}", iso(t.date()), t.hour(), t.minute(), t.second())),
    }
}

pub fn child(c: &CensusChild) -> crate::Child {
    crate::Child {
        la_child_id: text(&c.la_child_id),
        upn: c.upn.clone(),
        upn_unknown: c.upn_unknown.map(str::to_string),
        birth_date: date(c.birth_date),
        expected_birth_date: date(c.expected_birth_date),
        death_date: date(c.death_date),
        sex: text(c.sex),
        ethnicity: c.ethnicity.map(str::to_string),
        disabilities: c.disabilities.iter().map(|d| text(d)).collect(),
        episodes: c
            .episodes
            .iter()
            .map(|e| CinDetails {
                referral_date: date(Some(e.referral_date)),
                referral_source: text(e.referral_source),
                primary_need: e.primary_need.map(str::to_string),
                closure_date: date(e.closure.map(|(d, _)| d)),
                reason_for_closure: e.closure.map(|(_, r)| r.to_string()),
                date_of_initial_cpc: None,
                referral_nfa: flag(e.nfa),
                assessments: e
                    .assessments
                    .iter()
                    .map(|a| Assessment {
                        start: date(Some(a.start)),
                        internal_review: None,
                        authorisation: date(a.authorised),
                        factors: (!a.factors.is_empty()).then(|| a.factors.iter().map(|f| text(f)).collect()),
                    })
                    .collect(),
                cin_plans: e.cin_plans.iter().map(|(s, end)| CinPlan { start: date(Some(*s)), end: date(*end) }).collect(),
                section47s: e
                    .section47
                    .iter()
                    .map(|s| Section47 {
                        start: date(Some(s.start)),
                        icpc_target: date(s.icpc_target),
                        icpc_date: date(s.icpc_date),
                        icpc_not_required: flag(s.icpc_not_required),
                    })
                    .collect(),
                cp_plans: e
                    .cp_plans
                    .iter()
                    .map(|p| CpPlan {
                        start: date(Some(p.start)),
                        end: date(p.end),
                        initial_category: text(p.initial_category),
                        latest_category: text(p.latest_category),
                        previous_plans: Some(p.previous.to_string()),
                        reviews: p.reviews.iter().map(|r| date(Some(*r))).collect(),
                    })
                    .collect(),
            })
            .collect(),
        ..crate::Child::default()
    }
}

/// The whole return as a census file.
pub fn file(year: CollectionYear, source: &Source, children: &[CensusChild]) -> crate::CensusFile {
    crate::CensusFile { header: header(year, source), children: children.iter().map(child).collect() }
}

#[cfg(test)]
mod tests {
    use super::*;
    use hearth_domain::returns::cin::{CensusAssessment, CensusCpPlan, Section47 as S47};
    use time::macros::{date, datetime};

    #[test]
    fn the_return_in_the_specifications_order() {
        let c = CensusChild {
            person: hearth_domain::PersonId::new(),
            la_child_id: "H0123456789abcdef".into(),
            upn: None,
            upn_unknown: Some("UN2"),
            birth_date: Some(date!(2015 - 06 - 01)),
            expected_birth_date: None,
            death_date: None,
            sex: "F",
            ethnicity: Some("WBRI"),
            disabilities: vec!["NONE"],
            episodes: vec![hearth_domain::returns::cin::CinDetails {
                referral_id: hearth_domain::front_door::ReferralId::new(),
                episode_id: None,
                referral_date: date!(2026 - 02 - 02),
                referral_source: "5A",
                primary_need: Some("N1"),
                closure: None,
                nfa: false,
                assessments: vec![CensusAssessment { id: hearth_domain::front_door::AssessmentId::new(), start: date!(2026 - 02 - 03), authorised: None, factors: vec![] }],
                cin_plans: vec![],
                section47: vec![S47 { start: date!(2026 - 02 - 02), icpc_target: Some(date!(2026 - 02 - 23)), icpc_date: Some(date!(2026 - 02 - 20)), icpc_not_required: false }],
                cp_plans: vec![CensusCpPlan { start: date!(2026 - 02 - 20), end: None, initial_category: "NEG", latest_category: "NEG", previous: 0, reviews: vec![] }],
            }],
        };
        let source = Source { la_number: "800".into(), software: "Hearth".into(), release: "1".into(), serial: 1, made_at: datetime!(2026-04-20 09:00) };
        let xml = crate::write::to_string(&file(CollectionYear::parse("2025-26").expect("supported"), &source, &[c]));
        assert!(xml.starts_with("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<Message>\n  <Header>"));
        for part in ["<Year>2026</Year>", "<ReferenceDate>2026-03-31</ReferenceDate>", "<LEA>800</LEA>", "<DateTime>2026-04-20T09:00:00</DateTime>", "<ReferralNFA>false</ReferralNFA>", "<InitialCPCtarget>2026-02-23</InitialCPCtarget>", "<UPNunknown>UN2</UPNunknown>"] {
            assert!(xml.contains(part), "{part} missing:\n{xml}");
        }
        let order = ["<CINreferralDate>", "<ReferralSource>", "<PrimaryNeedCode>", "<ReferralNFA>", "<Assessments>", "<Section47>", "<ChildProtectionPlans>"];
        let at: Vec<usize> = order.iter().map(|t| xml.find(t).unwrap_or_else(|| panic!("{t} missing"))).collect();
        assert!(at.windows(2).all(|w| w[0] < w[1]), "elements in the specification's order");
        assert!(!xml.contains("AssessmentAuthorisationDate"));
    }
}
