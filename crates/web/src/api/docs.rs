//! The OpenAPI document: its header, the bearer security scheme, and the error responses
//! shared by the operations. The operations themselves are described at their handlers.
use super::dto::{CinRuleCode, CollectionYearCode};
use super::problem::{FieldProblem, Problem, PROBLEM_JSON};
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;
use utoipa::openapi::header::HeaderBuilder;
use utoipa::openapi::response::{Response, ResponseBuilder};
use utoipa::openapi::schema::{ObjectBuilder, Type};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{Content, OpenApi, Ref, RefOr};
use utoipa::{IntoResponses, Modify};

#[derive(utoipa::OpenApi)]
#[openapi(
    info(
        title = "Hearth API",
        description = "The JSON API of Hearth, case management for children's social care. \
It applies the same rules as the web pages: a record the caller may not see answers 404, exactly as an unknown id does; \
every read of a record and every change is audited. Authenticate with a personal API token \
(created on the \"Your account\" page) as `Authorization: Bearer <token>`; cookies are not accepted. \
Errors are `application/problem+json` (RFC 9457)."
    ),
    servers((url = "/api/v1")),
    modifiers(&BearerScheme),
    security(("bearer" = [])),
    components(schemas(Problem, FieldProblem, CollectionYearCode, CinRuleCode)),
    tags(
        (name = "people", description = "Finding, recording and correcting people's records, their history and family network"),
        (name = "case notes", description = "Case notes and the chronology derived from the record"),
        (name = "management", description = "Allocation of children's cases with history, caseloads and the duty rota"),
        (name = "timescales", description = "The policy pack in force: timescales and thresholds"),
        (name = "front_door", description = "Contacts, screening decisions, referrals and single assessments with their sign-off; each step's deadlines come from the policy pack in force"),
        (name = "child_protection", description = "Children in need and child protection: the child's episode from referral to closure, every step as a change, and the team's child protection dashboard"),
        (name = "children in care", description = "Children looked after: periods of care with their legal statuses and placements, the episodes the SSDA903 return counts, and the providers of placements"),
        (name = "returns", description = "Statutory returns from the live record: the CIN census checked with the DfE's validation rules, for the LA or a team, and each child's return readiness"),
        (name = "work", description = "Work trays: the caller's open tasks by due date, and a manager's view of their teams' overdue work and assessments awaiting authorisation"),
    )
)]
pub struct ApiDoc;

struct BearerScheme;

impl Modify for BearerScheme {
    fn modify(&self, openapi: &mut OpenApi) {
        let scheme = HttpBuilder::new()
            .scheme(HttpAuthScheme::Bearer)
            .description(Some("A personal API token, created on the \"Your account\" page and shown once."))
            .build();
        openapi.components.get_or_insert_with(Default::default).add_security_scheme("bearer", SecurityScheme::Http(scheme));
    }
}

fn problem(description: &str) -> RefOr<Response> {
    ResponseBuilder::new()
        .description(description)
        .content(PROBLEM_JSON, Content::new(Some(Ref::from_schema_name("Problem"))))
        .into()
}

fn unauthorized() -> RefOr<Response> {
    ResponseBuilder::new()
        .description("No token, or a token that is unknown, revoked, or whose user may not use the API.")
        .header("WWW-Authenticate", HeaderBuilder::new().schema(Some(ObjectBuilder::new().schema_type(Type::String))).build())
        .content(PROBLEM_JSON, Content::new(Some(Ref::from_schema_name("Problem"))))
        .into()
}

fn common() -> BTreeMap<String, RefOr<Response>> {
    BTreeMap::from([
        ("401".to_string(), unauthorized()),
        ("500".to_string(), problem("Something went wrong in Hearth; nothing was changed.")),
        ("503".to_string(), problem("The database cannot be reached; nothing was changed.")),
    ])
}

const NOT_FOUND: &str = "No such record, or the caller may not see it (the two are not told apart). Ids that are not UUIDs answer 404 too.";

/// Errors of searching.
pub struct SearchErrors;

impl IntoResponses for SearchErrors {
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        let mut r = common();
        r.insert("422".into(), problem("A query parameter is missing or not valid; `errors` names it."));
        r
    }
}

/// Errors of reading a record or part of it, with no query parameters.
pub struct ReadErrors;

impl IntoResponses for ReadErrors {
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        let mut r = common();
        r.insert("404".into(), problem(NOT_FOUND));
        r
    }
}

/// Errors of reading a list of a record, with query parameters.
pub struct ReadQueryErrors;

impl IntoResponses for ReadQueryErrors {
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        let mut r = ReadErrors::responses();
        r.insert("422".into(), problem("A query parameter is not valid; `errors` names it."));
        r
    }
}

/// Errors of an action on a record that takes no body.
pub struct ActionErrors;

impl IntoResponses for ActionErrors {
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        let mut r = common();
        r.insert("403".into(), problem("The caller's role does not allow this."));
        r.insert("404".into(), problem(NOT_FOUND));
        r.insert("422".into(), problem("The record is not in a state that allows this; `errors` says why. Nothing was saved."));
        r
    }
}

fn write_errors() -> BTreeMap<String, RefOr<Response>> {
    let mut r = common();
    r.insert("400".into(), problem("The body is not valid JSON."));
    r.insert("403".into(), problem("The caller's role does not allow this change."));
    r.insert("413".into(), problem("The body is larger than Hearth accepts."));
    r.insert("415".into(), problem("The body is not sent as `application/json`."));
    r.insert("422".into(), problem("The body is not valid; `errors` lists every field with a problem. Nothing was saved."));
    r
}

/// Errors of a change to an existing record, sent as a JSON body.
pub struct WriteErrors;

impl IntoResponses for WriteErrors {
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        let mut r = write_errors();
        r.insert("404".into(), problem(NOT_FOUND));
        r
    }
}

/// Errors of recording something new, sent as a JSON body, with no id in the path.
pub struct CreateErrors;

impl IntoResponses for CreateErrors {
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        write_errors()
    }
}

/// Errors of an operation that takes nothing but the token.
pub struct CommonErrors;

impl IntoResponses for CommonErrors {
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        common()
    }
}

/// Errors of a manager's read: the caller's role or teams may not allow it.
pub struct ManagerReadErrors;

impl IntoResponses for ManagerReadErrors {
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        let mut r = common();
        r.insert("403".into(), problem("The caller's role or teams do not allow this."));
        r.insert("404".into(), problem("The caller belongs to no team, and named none."));
        r.insert("422".into(), problem("A query parameter is not valid; `errors` names it."));
        r
    }
}

/// The document as served: utoipa's, with what its derive cannot say.
///
/// - Rules between fields that the handlers enforce and JSON Schema can state: a person has a
///   date of birth or an expected one, not both; a child seen alone was seen.
/// - A nullable value with constraints (`"type": ["string", "null"], "format": "uuid"`) is
///   written as `anyOf` a constrained string or `null`. The two mean the same, but generators
///   of test data read the second more reliably (an empty string is no UUID).
pub fn refine(doc: &utoipa::openapi::OpenApi) -> Value {
    let mut v = serde_json::to_value(doc).unwrap_or(Value::Null);
    if let Some(schemas) = v.pointer_mut("/components/schemas").and_then(Value::as_object_mut) {
        if let Some(Value::Object(person)) = schemas.get_mut("PersonDetails") {
            person.insert(
                "not".into(),
                json!({
                    "description": "Not both a date of birth and an expected date of birth.",
                    "required": ["date_of_birth", "expected_date_of_birth"],
                    "properties": {"date_of_birth": {"type": "string"}, "expected_date_of_birth": {"type": "string"}}
                }),
            );
        }
        if let Some(Value::Object(note)) = schemas.get_mut("CaseNoteDetails") {
            note.insert(
                "not".into(),
                json!({
                    "description": "A child not seen cannot have been seen alone.",
                    "required": ["child_seen", "seen_alone"],
                    "properties": {"child_seen": {"const": false}, "seen_alone": {"const": true}}
                }),
            );
        }
    }
    split_nullable(&mut v);
    v
}

/// Constraints that only apply to one of a schema's types.
const TYPED_KEYWORDS: [&str; 8] = ["format", "pattern", "minLength", "maxLength", "minimum", "maximum", "minItems", "maxItems"];

fn split_nullable(v: &mut Value) {
    match v {
        Value::Object(map) => {
            for child in map.values_mut() {
                split_nullable(child);
            }
            let nullable_one = match map.get("type") {
                Some(Value::Array(types)) if types.len() == 2 && types.contains(&json!("null")) => types.iter().find(|t| **t != json!("null")).cloned(),
                _ => None,
            };
            if let Some(one) = nullable_one
                && TYPED_KEYWORDS.iter().any(|k| map.contains_key(*k))
            {
                let mut typed = Map::new();
                typed.insert("type".into(), one);
                for k in TYPED_KEYWORDS {
                    if let Some(x) = map.remove(k) {
                        typed.insert(k.into(), x);
                    }
                }
                map.remove("type");
                map.insert("anyOf".into(), json!([Value::Object(typed), {"type": "null"}]));
            }
        }
        Value::Array(items) => items.iter_mut().for_each(split_nullable),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nullable_constrained_values_become_any_of() {
        let mut v = json!({"properties": {"a": {"type": ["string", "null"], "format": "uuid", "description": "d"}, "b": {"type": ["string", "null"]}}});
        split_nullable(&mut v);
        assert_eq!(v["properties"]["a"], json!({"description": "d", "anyOf": [{"type": "string", "format": "uuid"}, {"type": "null"}]}));
        assert_eq!(v["properties"]["b"], json!({"type": ["string", "null"]}));
    }

    /// Every not-blank pattern in the document is the one the code's helper describes.
    #[test]
    fn not_blank_patterns_are_all_the_same() {
        let text = serde_json::to_string(&crate::api::openapi()).unwrap_or_default();
        let quoted = serde_json::to_string(super::super::dto::NOT_BLANK).unwrap_or_default();
        let uses = text.matches(&quoted).count();
        assert!(uses >= 8, "{uses} uses of the not-blank pattern");
        assert_eq!(text.matches("\\u0085").count(), uses, "a pattern that differs from NOT_BLANK");
    }
}
