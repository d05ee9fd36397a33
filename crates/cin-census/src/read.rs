//! Reading a census file as a stream: the header first, then one `<Child>` at a time, so a
//! file of any size is read in the memory of one child. Problems are reported with the line,
//! the element and, once known, the child's LA id.
use crate::model::{Assessment, CensusFile, Child, CinDetails, CinPlan, CpPlan, Header, Section47, Text};
use quick_xml::events::Event;
use quick_xml::Reader;
use std::io::BufRead;

/// Why a file could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("line {line}: the file is not well-formed XML: {message}")]
    Malformed { line: usize, message: String },
    #[error("line {line}: the root element is <{found}>, not the census <Message>")]
    NotACensus { line: usize, found: String },
    #[error(
        "line {line}: <Message> declares the XML namespace \"{namespace}\"; the DfE's census files have none (remove the xmlns attribute)"
    )]
    Namespace { line: usize, namespace: String },
    #[error("the file has no <Header> before <Children>")]
    NoHeader,
    #[error("the file ends early, {inside}: it looks truncated")]
    Truncated { inside: String },
    #[error("could not read the file: {0}")]
    Io(#[from] std::io::Error),
}

/// A small element tree for one child or the header.
#[derive(Debug, Default)]
struct Node {
    name: String,
    text: String,
    children: Vec<Node>,
}

impl Node {
    fn find(&self, name: &str) -> Option<&Node> {
        self.children.iter().find(|c| c.name == name)
    }

    fn all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Node> + 'a {
        self.children.iter().filter(move |c| c.name == name)
    }

    fn own_text(&self) -> Text {
        let t = self.text.trim();
        (!t.is_empty()).then(|| t.to_string())
    }

    fn text(&self, name: &str) -> Text {
        self.find(name).and_then(Node::own_text)
    }
}

/// Reads a census file child by child.
pub struct CensusReader<R: BufRead> {
    xml: Reader<R>,
    buf: Vec<u8>,
    header: Header,
    line: usize,
    finished: bool,
}

fn local(name: &[u8]) -> String {
    let name = String::from_utf8_lossy(name);
    match name.split_once(':') {
        Some((_, local)) => local.to_string(),
        None => name.into_owned(),
    }
}

enum Step {
    Open(String, Option<String>),
    Close,
    Empty(String),
    Text(String),
    Eof,
    Other,
}

impl<R: BufRead> CensusReader<R> {
    /// Reads up to the first child: the root, its namespace and the header.
    pub fn new(input: R) -> Result<CensusReader<R>, ReadError> {
        let mut xml = Reader::from_reader(input);
        xml.config_mut().check_end_names = true;
        let mut reader = CensusReader { xml, buf: Vec::new(), header: Header::default(), line: 1, finished: false };
        // The root element.
        loop {
            match reader.step()? {
                Step::Open(name, ns) => {
                    if name != "Message" {
                        return Err(ReadError::NotACensus { line: reader.line, found: name });
                    }
                    if let Some(namespace) = ns {
                        return Err(ReadError::Namespace { line: reader.line, namespace });
                    }
                    break;
                }
                Step::Empty(found) => return Err(ReadError::NotACensus { line: reader.line, found }),
                Step::Eof => return Err(ReadError::Truncated { inside: "before the <Message> element".into() }),
                _ => {}
            }
        }
        let mut header = None;
        loop {
            match reader.step()? {
                Step::Open(name, _) if name == "Children" => break,
                Step::Open(name, _) => {
                    let node = reader.element(name)?;
                    if node.name == "Header" {
                        header = Some(header_of(&node));
                    }
                }
                Step::Empty(name) if name == "Children" => {
                    reader.finished = true;
                    break;
                }
                Step::Close => return Err(header.map_or(ReadError::NoHeader, |_| ReadError::Truncated { inside: "before <Children>".into() })),
                Step::Eof => return Err(ReadError::Truncated { inside: "before <Children>".into() }),
                _ => {}
            }
        }
        reader.header = header.ok_or(ReadError::NoHeader)?;
        Ok(reader)
    }

    pub fn header(&self) -> &Header {
        &self.header
    }

    /// The line the reader has reached (for messages about the last child read).
    pub fn line(&self) -> usize {
        self.line
    }

    /// The next `<Child>`, or `None` after the last.
    pub fn next_child(&mut self) -> Result<Option<Child>, ReadError> {
        if self.finished {
            return Ok(None);
        }
        loop {
            match self.step()? {
                Step::Open(name, _) => {
                    let node = self.element(name)?;
                    if node.name == "Child" {
                        return Ok(Some(child_of(&node)));
                    }
                }
                Step::Close => {
                    self.finished = true;
                    // After </Children> only </Message> may follow.
                    loop {
                        match self.step()? {
                            Step::Close => return Ok(None),
                            Step::Eof => return Err(ReadError::Truncated { inside: "after </Children>, before </Message>".into() }),
                            Step::Open(name, _) => {
                                self.element(name)?;
                            }
                            _ => {}
                        }
                    }
                }
                Step::Eof => return Err(ReadError::Truncated { inside: "inside <Children>, between two children".into() }),
                _ => {}
            }
        }
    }

    fn step(&mut self) -> Result<Step, ReadError> {
        self.buf.clear();
        let event = match self.xml.read_event_into(&mut self.buf) {
            Ok(e) => e,
            Err(e) => return Err(ReadError::Malformed { line: self.line, message: e.to_string() }),
        };
        let malformed = |line: usize, e: &dyn std::fmt::Display| ReadError::Malformed { line, message: e.to_string() };
        let step = match event {
            Event::Start(e) => {
                self.line += bytecount(&e);
                let ns = e
                    .attributes()
                    .flatten()
                    .find(|a| a.key.as_ref() == b"xmlns" || a.key.as_ref().starts_with(b"xmlns:"))
                    .map(|a| String::from_utf8_lossy(&a.value).into_owned());
                Step::Open(local(e.name().as_ref()), ns)
            }
            Event::Empty(e) => {
                self.line += bytecount(&e);
                Step::Empty(local(e.name().as_ref()))
            }
            Event::End(_) => Step::Close,
            Event::Text(e) => {
                self.line += bytecount(&e);
                Step::Text(e.decode().map_err(|err| malformed(self.line, &err))?.into_owned())
            }
            Event::CData(e) => {
                self.line += bytecount(&e);
                Step::Text(e.decode().map_err(|err| malformed(self.line, &err))?.into_owned())
            }
            Event::GeneralRef(e) => {
                if let Some(c) = e.resolve_char_ref().map_err(|err| malformed(self.line, &err))? {
                    Step::Text(c.to_string())
                } else {
                    let name = e.decode().map_err(|err| malformed(self.line, &err))?.into_owned();
                    match quick_xml::escape::resolve_predefined_entity(&name) {
                        Some(s) => Step::Text(s.to_string()),
                        None => return Err(ReadError::Malformed { line: self.line, message: format!("unknown entity &{name};") }),
                    }
                }
            }
            Event::Eof => Step::Eof,
            _ => Step::Other,
        };
        Ok(step)
    }

    /// Reads the rest of an element whose start tag was just read.
    fn element(&mut self, name: String) -> Result<Node, ReadError> {
        let mut stack = vec![Node { name, ..Node::default() }];
        loop {
            match self.step()? {
                Step::Open(name, _) => stack.push(Node { name, ..Node::default() }),
                Step::Empty(name) => {
                    if let Some(top) = stack.last_mut() {
                        top.children.push(Node { name, ..Node::default() });
                    }
                }
                Step::Text(t) => {
                    if let Some(top) = stack.last_mut() {
                        top.text.push_str(&t);
                    }
                }
                Step::Close => {
                    let Some(done) = stack.pop() else { continue };
                    match stack.last_mut() {
                        Some(parent) => parent.children.push(done),
                        None => return Ok(done),
                    }
                }
                Step::Eof => return Err(ReadError::Truncated { inside: describe_open(&stack) }),
                Step::Other => {}
            }
        }
    }
}

fn bytecount(bytes: &[u8]) -> usize {
    bytes.iter().filter(|b| **b == b'\n').count()
}

/// "inside <Child> (LAchildID X) > <CINdetails>": where a truncated file stopped.
fn describe_open(stack: &[Node]) -> String {
    let path = stack.iter().map(|n| format!("<{}>", n.name)).collect::<Vec<_>>().join(" > ");
    let id = stack.first().and_then(|n| n.find("ChildIdentifiers")).and_then(|n| n.text("LAchildID"));
    match id {
        Some(id) => format!("inside {path} of the child with LAchildID {id}"),
        None => format!("inside {path}"),
    }
}

impl<R: BufRead> Iterator for CensusReader<R> {
    type Item = Result<Child, ReadError>;

    fn next(&mut self) -> Option<Self::Item> {
        match self.next_child() {
            Ok(Some(child)) => Some(Ok(child)),
            Ok(None) => None,
            Err(e) => {
                self.finished = true;
                Some(Err(e))
            }
        }
    }
}

/// Reads a whole file into memory.
pub fn read_all<R: BufRead>(input: R) -> Result<CensusFile, ReadError> {
    let mut reader = CensusReader::new(input)?;
    let mut children = Vec::new();
    while let Some(child) = reader.next_child()? {
        children.push(child);
    }
    Ok(CensusFile { header: reader.header.clone(), children })
}

fn header_of(node: &Node) -> Header {
    let empty = Node::default();
    let details = node.find("CollectionDetails").unwrap_or(&empty);
    let source = node.find("Source").unwrap_or(&empty);
    Header {
        collection: details.text("Collection"),
        year: details.text("Year"),
        reference_date: details.text("ReferenceDate"),
        source_level: source.text("SourceLevel"),
        lea: source.text("LEA"),
        software_code: source.text("SoftwareCode"),
        release: source.text("Release"),
        serial_no: source.text("SerialNo"),
        date_time: source.text("DateTime"),
    }
}

fn child_of(node: &Node) -> Child {
    let empty = Node::default();
    let ids = node.find("ChildIdentifiers").unwrap_or(&empty);
    let chars = node.find("ChildCharacteristics").unwrap_or(&empty);
    Child {
        la_child_id: ids.text("LAchildID"),
        upn: ids.text("UPN"),
        former_upn: ids.text("FormerUPN"),
        upn_unknown: ids.text("UPNunknown"),
        birth_date: ids.text("PersonBirthDate"),
        expected_birth_date: ids.text("ExpectedPersonBirthDate"),
        gender_current: ids.text("GenderCurrent"),
        sex: ids.text("Sex"),
        death_date: ids.text("PersonDeathDate"),
        ethnicity: chars.text("Ethnicity"),
        disabilities: chars.find("Disabilities").map(|d| d.children.iter().map(Node::own_text).collect()).unwrap_or_default(),
        episodes: node.all("CINdetails").map(episode_of).collect(),
    }
}

fn episode_of(node: &Node) -> CinDetails {
    CinDetails {
        referral_date: node.text("CINreferralDate"),
        referral_source: node.text("ReferralSource"),
        primary_need: node.text("PrimaryNeedCode"),
        closure_date: node.text("CINclosureDate"),
        reason_for_closure: node.text("ReasonForClosure"),
        date_of_initial_cpc: node.text("DateOfInitialCPC"),
        referral_nfa: node.text("ReferralNFA"),
        assessments: node
            .all("Assessments")
            .map(|a| Assessment {
                start: a.text("AssessmentActualStartDate"),
                internal_review: a.text("AssessmentInternalReviewDate"),
                authorisation: a.text("AssessmentAuthorisationDate"),
                factors: a
                    .find("FactorsIdentifiedAtAssessment")
                    .filter(|f| !f.children.is_empty())
                    .map(|f| f.children.iter().map(Node::own_text).collect()),
            })
            .collect(),
        cin_plans: node.all("CINPlanDates").map(|p| CinPlan { start: p.text("CINPlanStartDate"), end: p.text("CINPlanEndDate") }).collect(),
        section47s: node
            .all("Section47")
            .map(|s| Section47 {
                start: s.text("S47ActualStartDate"),
                icpc_target: s.text("InitialCPCtarget"),
                icpc_date: s.text("DateOfInitialCPC"),
                icpc_not_required: s.text("ICPCnotRequired"),
            })
            .collect(),
        cp_plans: node
            .all("ChildProtectionPlans")
            .map(|p| CpPlan {
                start: p.text("CPPstartDate"),
                end: p.text("CPPendDate"),
                initial_category: p.text("InitialCategoryOfAbuse"),
                latest_category: p.text("LatestCategoryOfAbuse"),
                previous_plans: p.text("NumberOfPreviousCPP"),
                // One review per <Reviews> block is the DfE's layout; every date in a block is
                // kept, for files that list several in one.
                reviews: p.all("Reviews").flat_map(|r| r.all("CPPreviewDate")).map(Node::own_text).collect(),
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<Message>
  <Header>
    <CollectionDetails><Collection>CIN</Collection><Year>2026</Year><ReferenceDate>2026-03-31</ReferenceDate></CollectionDetails>
    <Source><SourceLevel>L</SourceLevel><LEA>201</LEA><SoftwareCode>X</SoftwareCode><Release>1</Release><SerialNo>1</SerialNo><DateTime>2026-04-20T09:00:00</DateTime></Source>
  </Header>
  <Children>
    <Child>
      <ChildIdentifiers><LAchildID>A&amp;1</LAchildID><PersonBirthDate>2015-06-01</PersonBirthDate><Sex>M</Sex></ChildIdentifiers>
      <ChildCharacteristics><Ethnicity>WBRI</Ethnicity><Disabilities><Disability>NONE</Disability></Disabilities></ChildCharacteristics>
      <CINdetails>
        <CINreferralDate>2025-05-06</CINreferralDate>
        <Assessments><AssessmentActualStartDate>2025-05-07</AssessmentActualStartDate><FactorsIdentifiedAtAssessment><AssessmentFactors>2A</AssessmentFactors><AssessmentFactors>3B</AssessmentFactors></FactorsIdentifiedAtAssessment></Assessments>
        <ChildProtectionPlans><CPPstartDate>2025-06-01</CPPstartDate><Reviews><CPPreviewDate>2025-07-01</CPPreviewDate></Reviews><Reviews/></ChildProtectionPlans>
      </CINdetails>
    </Child>
    <Child><ChildIdentifiers><LAchildID>B2</LAchildID></ChildIdentifiers></Child>
  </Children>
</Message>"#;

    #[test]
    fn reads_header_and_children() {
        let file = read_all(SAMPLE.as_bytes()).expect("reads");
        assert_eq!(file.header.lea.as_deref(), Some("201"));
        assert_eq!(file.children.len(), 2);
        let c = &file.children[0];
        assert_eq!(c.id(), "A&1");
        assert_eq!(c.disabilities, vec![Some("NONE".to_string())]);
        let e = &c.episodes[0];
        assert_eq!(e.assessments[0].factors.as_ref().map(Vec::len), Some(2));
        assert_eq!(e.cp_plans[0].reviews, vec![Some("2025-07-01".to_string())]);
        assert_eq!(file.children[1].episodes.len(), 0);
    }

    #[test]
    fn truncated_file_names_the_child() {
        let cut = &SAMPLE[..SAMPLE.find("<Assessments>").expect("there")];
        let err = read_all(cut.as_bytes()).expect_err("truncated");
        let msg = err.to_string();
        assert!(msg.contains("A&1") && msg.contains("<CINdetails>"), "{msg}");
    }

    #[test]
    fn namespace_and_root_are_checked() {
        let ns = SAMPLE.replace("<Message>", r#"<Message xmlns="http://www.dcsf.gov.uk/schemas/cbds">"#);
        assert!(matches!(read_all(ns.as_bytes()), Err(ReadError::Namespace { .. })));
        assert!(matches!(read_all("<Other/>".as_bytes()), Err(ReadError::NotACensus { .. })));
        assert!(matches!(read_all("<Message><Header></Message>".as_bytes()), Err(ReadError::Malformed { .. })));
        assert!(matches!(read_all("".as_bytes()), Err(ReadError::Truncated { .. })));
    }
}
