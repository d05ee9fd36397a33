//! The CIN census as XML: the DfE's `Message` with its `Header` and `Children`, elements in
//! the order of the specification, dates as `YYYY-MM-DD`, no namespace (as the DfE's
//! validator reads it).
use super::cin::{CensusChild, CinDetails, CollectionYear};
use std::fmt::Write;
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

fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}

fn iso(d: Date) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), d.month() as u8, d.day())
}

struct Out {
    s: String,
    depth: usize,
}

impl Out {
    fn open(&mut self, name: &str) {
        let _ = writeln!(self.s, "{:w$}<{name}>", "", w = self.depth * 2);
        self.depth += 1;
    }

    fn close(&mut self, name: &str) {
        self.depth -= 1;
        let _ = writeln!(self.s, "{:w$}</{name}>", "", w = self.depth * 2);
    }

    fn leaf(&mut self, name: &str, value: &str) {
        let _ = writeln!(self.s, "{:w$}<{name}>{}</{name}>", "", esc(value), w = self.depth * 2);
    }

    fn date(&mut self, name: &str, d: Option<Date>) {
        if let Some(d) = d {
            self.leaf(name, &iso(d));
        }
    }
}

/// The whole return.
pub fn write(year: CollectionYear, source: &Source, children: &[CensusChild]) -> String {
    let mut o = Out { s: String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"), depth: 0 };
    o.open("Message");
    o.open("Header");
    o.open("CollectionDetails");
    o.leaf("Collection", "CIN");
    o.leaf("Year", &year.header_year().to_string());
    o.leaf("ReferenceDate", &iso(year.reference_date()));
    o.close("CollectionDetails");
    o.open("Source");
    o.leaf("SourceLevel", "L");
    o.leaf("LEA", &source.la_number);
    o.leaf("SoftwareCode", &source.software);
    o.leaf("Release", &source.release);
    o.leaf("SerialNo", &format!("{:03}", source.serial));
    let t = source.made_at;
    o.leaf("DateTime", &format!("{}T{:02}:{:02}:{:02}", iso(t.date()), t.hour(), t.minute(), t.second()));
    o.close("Source");
    o.close("Header");
    o.open("Children");
    for c in children {
        child(&mut o, c);
    }
    o.close("Children");
    o.close("Message");
    o.s
}

fn child(o: &mut Out, c: &CensusChild) {
    o.open("Child");
    o.open("ChildIdentifiers");
    o.leaf("LAchildID", &c.la_child_id);
    if let Some(u) = &c.upn {
        o.leaf("UPN", u);
    }
    o.date("PersonBirthDate", c.birth_date);
    o.date("ExpectedPersonBirthDate", c.expected_birth_date);
    o.leaf("Sex", c.sex);
    o.close("ChildIdentifiers");
    o.open("ChildCharacteristics");
    if let Some(e) = c.ethnicity {
        o.leaf("Ethnicity", e);
    }
    o.open("Disabilities");
    for d in &c.disabilities {
        o.leaf("Disability", d);
    }
    o.close("Disabilities");
    o.close("ChildCharacteristics");
    for d in &c.episodes {
        details(o, d);
    }
    o.close("Child");
}

fn details(o: &mut Out, d: &CinDetails) {
    o.open("CINdetails");
    o.date("CINreferralDate", Some(d.referral_date));
    o.leaf("ReferralSource", d.referral_source);
    if let Some(n) = d.primary_need {
        o.leaf("PrimaryNeedCode", n);
    }
    if let Some((date, reason)) = d.closure {
        o.date("CINclosureDate", Some(date));
        o.leaf("ReasonForClosure", reason);
    }
    o.leaf("ReferralNFA", if d.nfa { "true" } else { "false" });
    for a in &d.assessments {
        o.open("Assessments");
        o.date("AssessmentActualStartDate", Some(a.start));
        o.date("AssessmentAuthorisationDate", a.authorised);
        if !a.factors.is_empty() {
            o.open("FactorsIdentifiedAtAssessment");
            for f in &a.factors {
                o.leaf("AssessmentFactors", f);
            }
            o.close("FactorsIdentifiedAtAssessment");
        }
        o.close("Assessments");
    }
    for (start, end) in &d.cin_plans {
        o.open("CINPlanDates");
        o.date("CINPlanStartDate", Some(*start));
        o.date("CINPlanEndDate", *end);
        o.close("CINPlanDates");
    }
    for s in &d.section47 {
        o.open("Section47");
        o.date("S47ActualStartDate", Some(s.start));
        o.date("InitialCPCtarget", s.icpc_target);
        o.date("DateOfInitialCPC", s.icpc_date);
        o.leaf("ICPCnotRequired", if s.icpc_not_required { "true" } else { "false" });
        o.close("Section47");
    }
    for p in &d.cp_plans {
        o.open("ChildProtectionPlans");
        o.date("CPPstartDate", Some(p.start));
        o.date("CPPendDate", p.end);
        o.leaf("InitialCategoryOfAbuse", p.initial_category);
        o.leaf("LatestCategoryOfAbuse", p.latest_category);
        o.leaf("NumberOfPreviousCPP", &p.previous.to_string());
        if !p.reviews.is_empty() {
            o.open("Reviews");
            for r in &p.reviews {
                o.date("CPPreviewDate", Some(*r));
            }
            o.close("Reviews");
        }
        o.close("ChildProtectionPlans");
    }
    o.close("CINdetails");
}
