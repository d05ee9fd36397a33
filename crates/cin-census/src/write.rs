//! Writing a census file: elements in the order of the DfE's specification, absent values
//! left out, no namespace (as the DfE's validator reads it).
use crate::model::{CensusFile, Child, Header, Text};
use std::io::{self, Write};

/// Writes XML to any sink, indenting two spaces per level.
struct Out<W: Write> {
    w: W,
    depth: usize,
}

fn escape(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.contains(['&', '<', '>', '"', '\'']) {
        return s.into();
    }
    let mut out = String::with_capacity(s.len() + 8);
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
    out.into()
}

impl<W: Write> Out<W> {
    fn open(&mut self, name: &str) -> io::Result<()> {
        writeln!(self.w, "{:w$}<{name}>", "", w = self.depth * 2)?;
        self.depth += 1;
        Ok(())
    }

    fn close(&mut self, name: &str) -> io::Result<()> {
        self.depth = self.depth.saturating_sub(1);
        writeln!(self.w, "{:w$}</{name}>", "", w = self.depth * 2)
    }

    fn leaf(&mut self, name: &str, value: &Text) -> io::Result<()> {
        match value {
            Some(v) => writeln!(self.w, "{:w$}<{name}>{}</{name}>", "", escape(v), w = self.depth * 2),
            None => Ok(()),
        }
    }
}

/// Starts a file: the declaration, `<Message>`, the header and `<Children>`.
pub fn begin<W: Write>(w: W, header: &Header) -> io::Result<Writer<W>> {
    let mut out = Out { w, depth: 0 };
    writeln!(out.w, "<?xml version=\"1.0\" encoding=\"utf-8\"?>")?;
    out.open("Message")?;
    out.open("Header")?;
    out.open("CollectionDetails")?;
    out.leaf("Collection", &header.collection)?;
    out.leaf("Year", &header.year)?;
    out.leaf("ReferenceDate", &header.reference_date)?;
    out.close("CollectionDetails")?;
    out.open("Source")?;
    out.leaf("SourceLevel", &header.source_level)?;
    out.leaf("LEA", &header.lea)?;
    out.leaf("SoftwareCode", &header.software_code)?;
    out.leaf("Release", &header.release)?;
    out.leaf("SerialNo", &header.serial_no)?;
    out.leaf("DateTime", &header.date_time)?;
    out.close("Source")?;
    out.close("Header")?;
    out.open("Children")?;
    Ok(Writer { out })
}

/// A file being written child by child.
pub struct Writer<W: Write> {
    out: Out<W>,
}

impl<W: Write> Writer<W> {
    pub fn child(&mut self, child: &Child) -> io::Result<()> {
        let out = &mut self.out;
        out.open("Child")?;
        out.open("ChildIdentifiers")?;
        out.leaf("LAchildID", &child.la_child_id)?;
        out.leaf("UPN", &child.upn)?;
        out.leaf("FormerUPN", &child.former_upn)?;
        out.leaf("UPNunknown", &child.upn_unknown)?;
        out.leaf("PersonBirthDate", &child.birth_date)?;
        out.leaf("ExpectedPersonBirthDate", &child.expected_birth_date)?;
        out.leaf("GenderCurrent", &child.gender_current)?;
        out.leaf("Sex", &child.sex)?;
        out.leaf("PersonDeathDate", &child.death_date)?;
        out.close("ChildIdentifiers")?;
        out.open("ChildCharacteristics")?;
        out.leaf("Ethnicity", &child.ethnicity)?;
        if !child.disabilities.is_empty() {
            out.open("Disabilities")?;
            for d in &child.disabilities {
                out.leaf("Disability", d)?;
            }
            out.close("Disabilities")?;
        }
        out.close("ChildCharacteristics")?;
        for e in &child.episodes {
            out.open("CINdetails")?;
            out.leaf("CINreferralDate", &e.referral_date)?;
            out.leaf("ReferralSource", &e.referral_source)?;
            out.leaf("PrimaryNeedCode", &e.primary_need)?;
            out.leaf("CINclosureDate", &e.closure_date)?;
            out.leaf("ReasonForClosure", &e.reason_for_closure)?;
            out.leaf("DateOfInitialCPC", &e.date_of_initial_cpc)?;
            out.leaf("ReferralNFA", &e.referral_nfa)?;
            for a in &e.assessments {
                out.open("Assessments")?;
                out.leaf("AssessmentActualStartDate", &a.start)?;
                out.leaf("AssessmentInternalReviewDate", &a.internal_review)?;
                out.leaf("AssessmentAuthorisationDate", &a.authorisation)?;
                if let Some(factors) = &a.factors {
                    out.open("FactorsIdentifiedAtAssessment")?;
                    for f in factors {
                        out.leaf("AssessmentFactors", f)?;
                    }
                    out.close("FactorsIdentifiedAtAssessment")?;
                }
                out.close("Assessments")?;
            }
            for p in &e.cin_plans {
                out.open("CINPlanDates")?;
                out.leaf("CINPlanStartDate", &p.start)?;
                out.leaf("CINPlanEndDate", &p.end)?;
                out.close("CINPlanDates")?;
            }
            for s in &e.section47s {
                out.open("Section47")?;
                out.leaf("S47ActualStartDate", &s.start)?;
                out.leaf("InitialCPCtarget", &s.icpc_target)?;
                out.leaf("DateOfInitialCPC", &s.icpc_date)?;
                out.leaf("ICPCnotRequired", &s.icpc_not_required)?;
                out.close("Section47")?;
            }
            for p in &e.cp_plans {
                out.open("ChildProtectionPlans")?;
                out.leaf("CPPstartDate", &p.start)?;
                out.leaf("CPPendDate", &p.end)?;
                out.leaf("InitialCategoryOfAbuse", &p.initial_category)?;
                out.leaf("LatestCategoryOfAbuse", &p.latest_category)?;
                out.leaf("NumberOfPreviousCPP", &p.previous_plans)?;
                for r in &p.reviews {
                    out.open("Reviews")?;
                    out.leaf("CPPreviewDate", r)?;
                    out.close("Reviews")?;
                }
                out.close("ChildProtectionPlans")?;
            }
            out.close("CINdetails")?;
        }
        out.close("Child")
    }

    /// Closes `<Children>` and `<Message>` and hands back the sink.
    pub fn finish(mut self) -> io::Result<W> {
        self.out.close("Children")?;
        self.out.close("Message")?;
        self.out.w.flush()?;
        Ok(self.out.w)
    }
}

/// A whole file as a string.
pub fn to_string(file: &CensusFile) -> String {
    let mut buf = Vec::new();
    let written = begin(&mut buf, &file.header).and_then(|mut w| {
        file.children.iter().try_for_each(|c| w.child(c))?;
        w.finish().map(|_| ())
    });
    // Writing to memory cannot fail.
    debug_assert!(written.is_ok());
    String::from_utf8(buf).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::read::read_all;
    use crate::rules::testing::{header, valid_child};

    #[test]
    fn what_is_written_reads_back_the_same() {
        let mut child = valid_child();
        child.la_child_id = Some("A<&>1".into());
        let file = CensusFile { header: header(), children: vec![child, valid_child()] };
        let xml = to_string(&file);
        assert_eq!(read_all(xml.as_bytes()).expect("reads"), file);
    }
}
