//! The OpenAPI document: its header, the bearer security scheme, and the error responses
//! shared by the operations. The operations themselves are described at their handlers.
use super::problem::{FieldProblem, Problem, PROBLEM_JSON};
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
    components(schemas(Problem, FieldProblem)),
    tags(
        (name = "people", description = "Finding, recording and correcting people's records, their history and family network"),
        (name = "case notes", description = "Case notes and the chronology derived from the record"),
        (name = "management", description = "Allocation of children's cases with history, caseloads and the duty rota"),
        (name = "timescales", description = "The policy pack in force: timescales and thresholds"),
        (name = "front_door", description = "Contacts, screening decisions, referrals and single assessments with their sign-off; each step's deadlines come from the policy pack in force"),
        (name = "child_protection", description = "Children in need and child protection: the child's episode from referral to closure, every step as a change, and the team's child protection dashboard"),
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

/// Errors of reading a record or part of it.
pub struct ReadErrors;

impl IntoResponses for ReadErrors {
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        let mut r = common();
        r.insert("404".into(), problem(NOT_FOUND));
        r.insert("422".into(), problem("A query parameter is not valid; `errors` names it."));
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

/// Errors of recording a new person.
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
