//! The CIN census's data quality and a child's return readiness.
use hearth_app::returns::{ChildIssues, DataQuality, Readiness};
use hearth_cin_census::readiness::Issue;
use hearth_cin_census::Kind;
use serde::Serialize;
use utoipa::ToSchema;

fn kind(k: Kind) -> &'static str {
    if k == Kind::Error { "ERROR" } else { "QUERY" }
}

/// One thing the DfE's rules would fail.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct CensusFailure {
    /// The DfE's rule code, e.g. "8610" or "8670Q".
    pub rule: String,
    /// "ERROR" (stops the return) or "QUERY" (needs a reason for the DfE).
    #[serde(rename = "type")]
    pub kind: String,
    pub message: String,
    /// The census field to fix (e.g. "PrimaryNeedCode") and Hearth's name for it.
    pub field: String,
    pub label: String,
    /// Its value in the census; absent when missing.
    pub value: Option<String>,
    /// The page where it is fixed.
    pub fix: Option<String>,
}

impl From<&Issue> for CensusFailure {
    fn from(i: &Issue) -> Self {
        CensusFailure {
            rule: i.failure.code.to_string(),
            kind: kind(i.failure.kind).to_string(),
            message: i.failure.message.trim().to_string(),
            field: i.census_field.to_string(),
            label: i.field.to_string(),
            value: i.value.clone(),
            fix: i.link.map(crate::pages::returns::census_href),
        }
    }
}

/// What the census of the year under way would fail for a child, as if it were taken today.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct CensusReadiness {
    /// The collection year, e.g. "2026-27"; absent when the child is not in its census.
    pub year: Option<String>,
    pub failures: Vec<CensusFailure>,
}

impl From<Option<&Readiness>> for CensusReadiness {
    fn from(r: Option<&Readiness>) -> Self {
        CensusReadiness { year: r.map(|r| r.year.label()), failures: r.map(|r| r.issues.iter().map(CensusFailure::from).collect()).unwrap_or_default() }
    }
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct CensusChildFailures {
    #[schema(value_type = uuid::Uuid)]
    pub person: String,
    pub name: String,
    pub la_child_id: String,
    /// Who should fix the failures: the allocated worker, else the team holding the case.
    pub fix_by: String,
    pub failures: Vec<CensusFailure>,
    /// The explanations recorded for the DfE of this child's queries, by rule.
    pub explanations: Vec<QueryExplanation>,
}

/// Why a child's record meets a query, as recorded for the DfE.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct QueryExplanation {
    pub rule: String,
    pub text: String,
    pub recorded_by: String,
    #[schema(format = DateTime)]
    pub recorded_at: String,
}

impl From<&ChildIssues> for CensusChildFailures {
    fn from(c: &ChildIssues) -> Self {
        CensusChildFailures {
            person: c.person.to_string(),
            name: c.name.clone(),
            la_child_id: c.la_child_id.clone(),
            fix_by: c.fixer.clone(),
            failures: c.issues.iter().map(CensusFailure::from).collect(),
            explanations: {
                let mut e: Vec<QueryExplanation> = c
                    .explained
                    .iter()
                    .map(|(rule, (text, by, at))| QueryExplanation { rule: rule.clone(), text: text.clone(), recorded_by: by.clone(), recorded_at: super::instant(*at) })
                    .collect();
                e.sort_by(|a, b| a.rule.cmp(&b.rule));
                e
            },
        }
    }
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct RuleCount {
    pub rule: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub message: String,
    pub failures: usize,
}

/// A failure of the return as a whole (duplicate ids, proportions).
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ReturnFailure {
    pub rule: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub message: String,
    pub la_child_id: Option<String>,
}

/// The census checked with the DfE's rules, as the caller may see it.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct CinDataQuality {
    pub year: String,
    /// The whole LA, or only the caller's teams' children.
    pub whole_la: bool,
    pub children_checked: usize,
    pub rules: Vec<RuleCount>,
    /// Children with a failure (of the rule asked for, if one was).
    pub children: Vec<CensusChildFailures>,
    pub return_failures: Vec<ReturnFailure>,
}

impl From<&DataQuality> for CinDataQuality {
    fn from(q: &DataQuality) -> Self {
        CinDataQuality {
            year: q.year.label(),
            whole_la: q.whole_la,
            children_checked: q.children_checked,
            rules: q.by_rule.iter().map(|(code, k, message, n)| RuleCount { rule: code.to_string(), kind: kind(*k).to_string(), message: message.trim().to_string(), failures: *n }).collect(),
            children: q.children.iter().map(CensusChildFailures::from).collect(),
            return_failures: q
                .return_level
                .iter()
                .map(|f| ReturnFailure { rule: f.code.to_string(), kind: kind(f.kind).to_string(), message: f.message.trim().to_string(), la_child_id: f.child_id.clone() })
                .collect(),
        }
    }
}
