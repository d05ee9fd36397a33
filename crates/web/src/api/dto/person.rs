//! People: details, records, summaries, history, and the family network.
use super::codes::*;
use super::{date, instant, opt_date, reject_unknown, Unknown};
use hearth_app::{DuplicateWarning, FamilyMember as AppFamilyMember};
use hearth_domain::codes::{AliasKind, Coded, Disability, Ethnicity, Sex, UpnUnknown};
use hearth_domain::duplicates::MatchReason;
use hearth_domain::history::FactChange as DomFactChange;
use hearth_domain::identifiers::{NhsNumber, Upn};
use hearth_domain::person as dom;
use hearth_domain::relationship::Relationship as DomRelationship;
use hearth_domain::validation::non_empty;
use hearth_domain::{FieldErrors, PersonId};
use serde::{Deserialize, Serialize};
use time::Date;
use utoipa::ToSchema;
use uuid::Uuid;

/// The facts recorded about a person. Optional facts are `null` (or absent) until known.
/// A `PUT` replaces all of them: send every fact, not only the changed ones.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct PersonDetails {
    #[schema(value_type = PersonKindCode)]
    pub kind: String,
    /// Not blank.
    #[schema(example = "Amy", min_length = 1, pattern = r"[^\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]")]
    pub given_name: String,
    /// Not blank.
    #[schema(example = "Lee", min_length = 1, pattern = r"[^\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]")]
    pub family_name: String,
    #[serde(default)]
    pub other_names: Vec<OtherName>,
    #[schema(format = Date, example = "2016-05-01")]
    pub date_of_birth: Option<String>,
    /// For an unborn child (may be in the future); give either this or `date_of_birth`.
    #[schema(format = Date)]
    pub expected_date_of_birth: Option<String>,
    /// When the person died; needs `date_of_birth`.
    #[serde(default)]
    #[schema(format = Date)]
    pub date_of_death: Option<String>,
    #[schema(value_type = Option<SexCode>)]
    pub sex: Option<String>,
    /// Gender identity in the person's own words.
    pub gender: Option<String>,
    #[schema(value_type = Option<EthnicityCode>)]
    pub ethnicity: Option<String>,
    pub first_language: Option<String>,
    #[serde(default)]
    #[schema(value_type = Vec<DisabilityCode>)]
    pub disabilities: Vec<String>,
    /// 10 digits with a valid check digit; spaces and hyphens are accepted on input.
    #[schema(example = "9434765919")]
    pub nhs_number: Option<String>,
    /// Unique Pupil Number: a check letter, 11 digits and a final digit or letter.
    pub upn: Option<String>,
    /// Why there is no UPN (only when there is none).
    #[schema(value_type = Option<UpnUnknownCode>)]
    pub upn_unknown: Option<String>,
    #[serde(default)]
    pub addresses: Vec<Address>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OtherName {
    #[schema(value_type = AliasKindCode)]
    pub kind: String,
    #[serde(default)]
    pub given_name: String,
    #[serde(default)]
    pub family_name: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Address {
    #[serde(default)]
    pub lines: Vec<String>,
    pub postcode: Option<String>,
    /// When the person moved in.
    #[schema(format = Date)]
    pub from: Option<String>,
    /// When the person left; `null` while they live there.
    #[schema(format = Date)]
    pub to: Option<String>,
}

fn code_of<T: Coded>(field: &str, value: &str, what: &str, errs: &mut FieldErrors) -> Option<T> {
    let c = T::from_code(value.trim());
    if c.is_none() {
        errs.add(field, format!("Enter a valid {what} code"));
    }
    c
}

fn opt_code<T: Coded>(field: &str, value: &Option<String>, what: &str, errs: &mut FieldErrors) -> Option<T> {
    let v = value.as_deref().map(str::trim).filter(|v| !v.is_empty())?;
    code_of(field, v, what, errs)
}

fn opt_text(value: &Option<String>) -> Option<String> {
    value.as_deref().and_then(non_empty)
}

impl PersonDetails {
    pub fn from_domain(d: &dom::PersonDetails) -> Self {
        PersonDetails {
            kind: d.kind.code().to_string(),
            given_name: d.given_name.clone(),
            family_name: d.family_name.clone(),
            other_names: d
                .other_names
                .iter()
                .map(|n| OtherName { kind: n.kind.code().to_string(), given_name: n.given_name.clone(), family_name: n.family_name.clone() })
                .collect(),
            date_of_birth: d.date_of_birth.map(date),
            expected_date_of_birth: d.expected_date_of_birth.map(date),
            date_of_death: d.date_of_death.map(date),
            sex: d.sex.map(|s| s.code().to_string()),
            gender: d.gender.clone(),
            ethnicity: d.ethnicity.map(|e| e.code().to_string()),
            first_language: d.first_language.clone(),
            disabilities: d.disabilities.iter().map(|x| x.code().to_string()).collect(),
            nhs_number: d.nhs_number.as_ref().map(|n| n.as_str().to_string()),
            upn: d.upn.as_ref().map(|u| u.as_str().to_string()),
            upn_unknown: d.upn_unknown.map(|r| r.code().to_string()),
            addresses: d
                .addresses
                .iter()
                .map(|a| Address { lines: a.lines.clone(), postcode: a.postcode.clone(), from: a.from.map(date), to: a.to.map(date) })
                .collect(),
        }
    }

    /// The domain's details, or every problem found: the API's own (codes, identifiers,
    /// dates, unknown fields) and, with those, the domain's rules for the other fields.
    /// The use case validates again; this only lets one response name every problem.
    pub fn to_domain(&self, today: Date, unknown: &Unknown) -> Result<dom::PersonDetails, FieldErrors> {
        let mut errs = FieldErrors::new();
        reject_unknown(unknown, &mut errs);
        let kind = dom::PersonKind::from_code(self.kind.trim());
        if kind.is_none() {
            errs.add("kind", "Enter `child` or `adult`");
        }
        let mut other_names = Vec::new();
        for (i, n) in self.other_names.iter().enumerate() {
            if let Some(kind) = code_of::<AliasKind>(&format!("other_names[{i}].kind"), &n.kind, "other name kind", &mut errs) {
                other_names.push(dom::OtherName { kind, given_name: n.given_name.trim().to_string(), family_name: n.family_name.trim().to_string() });
            }
        }
        let mut disabilities = Vec::new();
        for (i, x) in self.disabilities.iter().enumerate() {
            if let Some(d) = code_of::<Disability>(&format!("disabilities[{i}]"), x, "disability", &mut errs)
                && !disabilities.contains(&d)
            {
                disabilities.push(d);
            }
        }
        let nhs_number = opt_text(&self.nhs_number).and_then(|n| NhsNumber::parse(&n).map_err(|e| errs.add("nhs_number", e.to_string())).ok());
        let upn = opt_text(&self.upn).and_then(|u| Upn::parse(&u).map_err(|e| errs.add("upn", e.to_string())).ok());
        let mut addresses = Vec::new();
        for (i, a) in self.addresses.iter().enumerate() {
            let from = opt_date(&format!("addresses[{i}].from"), &a.from, &mut errs);
            let to = opt_date(&format!("addresses[{i}].to"), &a.to, &mut errs);
            addresses.push(dom::Address {
                lines: a.lines.iter().map(|l| l.trim().to_string()).filter(|l| !l.is_empty()).collect(),
                postcode: opt_text(&a.postcode),
                from,
                to,
            });
        }
        let details = dom::PersonDetails {
            // An unknown kind is reported above; checking the rest as an adult's adds no noise.
            kind: kind.unwrap_or(dom::PersonKind::Adult),
            given_name: self.given_name.trim().to_string(),
            family_name: self.family_name.trim().to_string(),
            other_names,
            date_of_birth: opt_date("date_of_birth", &self.date_of_birth, &mut errs),
            expected_date_of_birth: opt_date("expected_date_of_birth", &self.expected_date_of_birth, &mut errs),
            date_of_death: opt_date("date_of_death", &self.date_of_death, &mut errs),
            sex: opt_code::<Sex>("sex", &self.sex, "sex", &mut errs),
            gender: opt_text(&self.gender),
            ethnicity: opt_code::<Ethnicity>("ethnicity", &self.ethnicity, "ethnicity", &mut errs),
            first_language: opt_text(&self.first_language),
            disabilities,
            nhs_number,
            upn,
            upn_unknown: opt_code::<UpnUnknown>("upn_unknown", &self.upn_unknown, "UPN unknown reason", &mut errs),
            addresses,
        };
        if errs.is_empty() {
            return Ok(details);
        }
        if let Err(more) = details.validate(today) {
            for e in more.0 {
                let already = errs.0.iter().any(|x| x.field == e.field || (e.field == "date_of_birth" && x.field == "expected_date_of_birth"));
                if !already {
                    errs.0.push(e);
                }
            }
        }
        Err(errs)
    }
}

/// A person's record as it is now.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Person {
    pub id: Uuid,
    /// Increases by one with every change; send it back with a change (`PUT`).
    pub version: i64,
    #[serde(flatten)]
    pub details: PersonDetails,
    /// A restricted record is visible only to the people on its access list.
    pub restricted: bool,
    pub allocated_team_id: Option<Uuid>,
    pub allocated_worker_id: Option<Uuid>,
    #[schema(format = DateTime)]
    pub created_at: String,
    pub created_by: Uuid,
    #[schema(format = DateTime)]
    pub updated_at: String,
}

impl From<&dom::PersonRecord> for Person {
    fn from(r: &dom::PersonRecord) -> Self {
        Person {
            id: r.id.0,
            version: r.version,
            details: PersonDetails::from_domain(&r.details),
            restricted: r.restricted,
            allocated_team_id: r.allocation.team.map(|t| t.0),
            allocated_worker_id: r.allocation.worker.map(|w| w.0),
            created_at: instant(r.created_at),
            created_by: r.created_by.0,
            updated_at: instant(r.updated_at),
        }
    }
}

/// A new person. If existing records may be the same person the answer is 409 with
/// `possible_duplicates`, unless `confirm_not_duplicate` is true.
#[derive(Debug, Deserialize, ToSchema)]
pub struct CreatePerson {
    #[serde(flatten)]
    pub details: PersonDetails,
    /// Set after checking the possible duplicates of an earlier answer.
    #[serde(default)]
    pub confirm_not_duplicate: bool,
    #[serde(flatten)]
    #[schema(ignore)]
    pub unknown: Unknown,
}

/// A change to a person's facts, made from `version`.
#[derive(Debug, Deserialize, ToSchema)]
pub struct UpdatePerson {
    #[serde(flatten)]
    pub details: PersonDetails,
    /// The version the change was made from; if someone saved since, the answer is 409.
    pub version: i64,
    /// Why a recorded fact changed; required unless nothing changed.
    pub reason: Option<String>,
    #[serde(flatten)]
    #[schema(ignore)]
    pub unknown: Unknown,
}

/// The few facts that tell people apart in a list.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct PersonSummary {
    pub id: Uuid,
    #[schema(value_type = PersonKindCode)]
    pub kind: String,
    pub given_name: String,
    pub family_name: String,
    /// Other names, each as one string.
    pub other_names: Vec<String>,
    #[schema(format = Date)]
    pub date_of_birth: Option<String>,
    #[schema(format = Date)]
    pub expected_date_of_birth: Option<String>,
    pub nhs_number: Option<String>,
    pub upn: Option<String>,
    pub restricted: bool,
}

impl From<&dom::PersonSummary> for PersonSummary {
    fn from(s: &dom::PersonSummary) -> Self {
        PersonSummary {
            id: s.id.0,
            kind: s.kind.code().to_string(),
            given_name: s.given_name.clone(),
            family_name: s.family_name.clone(),
            other_names: s.other_names.clone(),
            date_of_birth: s.date_of_birth.map(date),
            expected_date_of_birth: s.expected_date_of_birth.map(date),
            nhs_number: s.nhs_number.clone(),
            upn: s.upn.clone(),
            restricted: s.restricted,
        }
    }
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct SearchResults {
    /// Best match first; only people the caller may see.
    pub results: Vec<PersonSummary>,
}

/// An existing record that may be the person about to be recorded.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct PossibleDuplicate {
    pub id: Uuid,
    pub name: String,
    #[schema(format = Date)]
    pub date_of_birth: Option<String>,
    #[schema(format = Date)]
    pub expected_date_of_birth: Option<String>,
    /// `same_nhs_number` or `similar_name_same_date_of_birth`.
    #[schema(example = "same_nhs_number")]
    pub reason: String,
    /// The reason in words.
    pub reason_label: String,
}

impl From<&DuplicateWarning> for PossibleDuplicate {
    fn from(w: &DuplicateWarning) -> Self {
        PossibleDuplicate {
            id: w.person.id.0,
            name: w.person.full_name(),
            date_of_birth: w.person.date_of_birth.map(date),
            expected_date_of_birth: w.person.expected_date_of_birth.map(date),
            reason: match w.reason {
                MatchReason::SameNhsNumber => "same_nhs_number",
                MatchReason::SimilarNameSameDateOfBirth => "similar_name_same_date_of_birth",
            }
            .to_string(),
            reason_label: w.reason.label().to_string(),
        }
    }
}

/// One saved version of a person's facts.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct PersonVersion {
    pub version: i64,
    pub details: PersonDetails,
    pub changed_by: Uuid,
    pub changed_by_name: String,
    #[schema(format = DateTime)]
    pub changed_at: String,
    pub reason: Option<String>,
}

impl From<&dom::PersonVersion> for PersonVersion {
    fn from(v: &dom::PersonVersion) -> Self {
        PersonVersion {
            version: v.version,
            details: PersonDetails::from_domain(&v.details),
            changed_by: v.changed_by.0,
            changed_by_name: v.changed_by_name.clone(),
            changed_at: instant(v.changed_at),
            reason: v.reason.clone(),
        }
    }
}

/// One change to one fact, derived from the versions.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct FactChange {
    /// The fact's label, e.g. "NHS number".
    pub fact: String,
    /// Empty when the fact was first recorded in this version.
    pub before: String,
    pub after: String,
    pub version: i64,
    pub changed_by: Uuid,
    pub changed_by_name: String,
    #[schema(format = DateTime)]
    pub changed_at: String,
    pub reason: Option<String>,
}

impl From<&DomFactChange> for FactChange {
    fn from(c: &DomFactChange) -> Self {
        FactChange {
            fact: c.fact.to_string(),
            before: c.before.clone(),
            after: c.after.clone(),
            version: c.version,
            changed_by: c.changed_by.0,
            changed_by_name: c.changed_by_name.clone(),
            changed_at: instant(c.changed_at),
            reason: c.reason.clone(),
        }
    }
}

/// Every version of a record (oldest first) and every change to each fact.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct PersonHistory {
    pub id: Uuid,
    pub current_version: i64,
    pub versions: Vec<PersonVersion>,
    pub changes: Vec<FactChange>,
}

/// A relationship, seen from the person in the path.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Relationship {
    pub id: Uuid,
    /// Send it back when ending the relationship.
    pub version: i64,
    /// What the other person is to this person.
    #[schema(value_type = RelationshipRoleCode)]
    pub role: String,
    pub other_person_id: Uuid,
    #[schema(format = Date)]
    pub started: Option<String>,
    #[schema(format = Date)]
    pub ended: Option<String>,
    /// For professionals: their role or agency.
    pub note: Option<String>,
    /// The two live in the same household.
    pub lives_together: bool,
    /// The other person holds parental responsibility for this person.
    pub other_holds_pr: bool,
    /// This person holds parental responsibility for the other.
    pub holds_pr_for_other: bool,
    #[schema(format = DateTime)]
    pub recorded_at: String,
    pub recorded_by: Uuid,
}

impl Relationship {
    pub fn seen_from(r: &DomRelationship, me: PersonId) -> Self {
        let (role, other) = r.seen_from(me);
        Relationship {
            id: r.id.0,
            version: r.version,
            role: role.code().to_string(),
            other_person_id: other.0,
            started: r.started.map(date),
            ended: r.ended.map(date),
            note: r.note.clone(),
            lives_together: r.lives_together,
            other_holds_pr: r.parental_responsibility == Some(other),
            holds_pr_for_other: r.parental_responsibility == Some(me),
            recorded_at: instant(r.recorded_at),
            recorded_by: r.recorded_by.0,
        }
    }
}

/// Someone in the person's family network.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct FamilyMember {
    pub relationship: Relationship,
    pub person: PersonSummary,
    /// Whether the caller may open the other person's record.
    pub can_open: bool,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct FamilyNetwork {
    pub members: Vec<FamilyMember>,
}

impl FamilyNetwork {
    pub fn new(me: PersonId, members: &[AppFamilyMember]) -> Self {
        FamilyNetwork {
            members: members
                .iter()
                .map(|m| FamilyMember { relationship: Relationship::seen_from(&m.relationship, me), person: (&m.person).into(), can_open: m.can_open })
                .collect(),
        }
    }
}

/// Links another person (who must already have a record the caller can open).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AddRelationship {
    /// What the other person is to this person.
    #[schema(value_type = RelationshipRoleCode)]
    pub role: String,
    #[schema(format = Uuid)]
    pub other_person_id: String,
    #[schema(format = Date)]
    pub started: Option<String>,
    pub note: Option<String>,
    /// The other person lives with this person.
    #[serde(default)]
    pub lives_with: bool,
    /// The other person holds parental responsibility for this person (a parent, step-parent,
    /// grandparent, aunt or uncle, carer or family friend).
    #[serde(default)]
    pub holds_pr: bool,
}

/// Ends a relationship; it stays in the record with its dates.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EndRelationship {
    /// The relationship's version, as listed.
    pub version: i64,
    #[schema(format = Date)]
    pub ended: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn body(json: &str) -> CreatePerson {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn unknown_fields_are_caught_beside_the_flattened_details() {
        let b = body(r#"{"kind":"child","given_name":"Amy","family_name":"Lee","date_of_birth":"2016-05-01","confirm_not_duplicate":true,"nhs_numbr":"9434765919"}"#);
        assert!(b.confirm_not_duplicate);
        assert_eq!(b.unknown.keys().collect::<Vec<_>>(), vec!["nhs_numbr"]);
        let e = b.details.to_domain(date!(2026 - 11 - 24), &b.unknown).unwrap_err();
        assert_eq!(e.get("nhs_numbr"), Some("This field is not known; check its spelling"));
    }

    #[test]
    fn every_problem_is_reported_at_once_and_round_trips() {
        let b = body(
            r#"{"kind":"child","given_name":" ","family_name":"Lee","date_of_birth":"2016-13-01","nhs_number":"9434765918",
               "upn":"X","upn_unknown":"UN99","ethnicity":"NOPE","disabilities":["MOB","ZZZ"],"sex":"Q","other_names":[{"kind":"nick"}],
               "addresses":[{"lines":["1 High St"],"from":"yesterday"}]}"#,
        );
        let e = b.details.to_domain(date!(2026 - 11 - 24), &b.unknown).unwrap_err();
        for f in ["date_of_birth", "nhs_number", "upn", "upn_unknown", "ethnicity", "disabilities[1]", "sex", "other_names[0].kind", "addresses[0].from", "given_name"] {
            assert!(e.get(f).is_some(), "{f} in {e}");
        }
        assert_eq!(e.0.iter().filter(|x| x.field == "date_of_birth").count(), 1);

        let ok = body(
            r#"{"kind":"child","given_name":"Amy","family_name":"Lee","date_of_birth":"2016-05-01","nhs_number":"943 476 5919",
               "upn_unknown":"UN3","ethnicity":"WBRI","disabilities":["MOB"],"sex":"F","other_names":[{"kind":"known_as","given_name":"Ames"}],
               "addresses":[{"lines":["1 High St", ""],"postcode":"BA1 1AA","from":"2020-01-01"}]}"#,
        );
        let d = ok.details.to_domain(date!(2026 - 11 - 24), &ok.unknown).unwrap();
        let back = PersonDetails::from_domain(&d);
        assert_eq!((back.nhs_number.as_deref(), back.upn_unknown.as_deref()), (Some("9434765919"), Some("UN3")));
        assert_eq!(back.addresses[0].lines, vec!["1 High St".to_string()]);
        assert_eq!(back.to_domain(date!(2026 - 11 - 24), &Unknown::new()).unwrap(), d);
    }
}
