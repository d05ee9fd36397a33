//! The code lists, as OpenAPI string enums generated from the domain's own lists, so the
//! documentation can never disagree with what is accepted.
use hearth_domain::chronology::ChronologyKind;
use hearth_domain::codes::{AliasKind, CaseNoteType, Coded, Disability, Ethnicity, Sex, UpnUnknown};
use hearth_domain::relationship::RelationshipType;
use hearth_domain::user::Role;
use std::borrow::Cow;
use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};
use utoipa::openapi::RefOr;

fn code_list_schema(description: &str, codes: Vec<(&'static str, &'static str)>) -> RefOr<Schema> {
    let listing: Vec<String> = codes.iter().map(|(c, l)| format!("`{c}` {l}")).collect();
    ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some(codes.iter().map(|(c, _)| *c)))
        .description(Some(format!("{description} Codes: {}.", listing.join("; "))))
        .into()
}

fn coded<T: Coded>() -> Vec<(&'static str, &'static str)> {
    T::ALL.iter().map(|c| (c.code(), c.label())).collect()
}

/// Declares a schema-only type for a code list (used as `#[schema(value_type = …)]`).
macro_rules! code_schema {
    ($(#[$doc:meta])* $name:ident, $description:literal, $codes:expr) => {
        $(#[$doc])*
        pub struct $name;

        impl utoipa::PartialSchema for $name {
            fn schema() -> RefOr<Schema> {
                code_list_schema($description, $codes)
            }
        }

        impl utoipa::ToSchema for $name {
            fn name() -> Cow<'static, str> {
                Cow::Borrowed(stringify!($name))
            }
        }
    };
}

code_schema!(PersonKindCode, "Whether the record is about a child or young person, or a related adult.", vec![("child", "Child or young person"), ("adult", "Adult")]);
code_schema!(SexCode, "Sex as recorded for the statutory returns.", coded::<Sex>());
code_schema!(EthnicityCode, "Ethnicity, DfE code (CIN census, SSDA903).", coded::<Ethnicity>());
code_schema!(DisabilityCode, "Disability, DfE CIN census code.", coded::<Disability>());
code_schema!(UpnUnknownCode, "Why a child has no UPN, DfE CIN census code.", coded::<UpnUnknown>());
code_schema!(AliasKindCode, "How another name relates to the person.", coded::<AliasKind>());
code_schema!(CaseNoteTypeCode, "The kind of event a case note records.", coded::<CaseNoteType>());
code_schema!(
    RelationshipRoleCode,
    "What the other person is to this person (a `parent` of the child, the child's `sibling`…).",
    coded::<RelationshipType>()
);
code_schema!(
    ChronologyKindCode,
    "The kind of a chronology entry.",
    ChronologyKind::ALL.iter().map(|k| (k.code(), k.label())).collect()
);
code_schema!(
    ProviderKindCode,
    "The kind of setting a provider of placements is.",
    hearth_domain::care::provider::ProviderKind::ALL.iter().map(|k| (k.code(), k.label())).collect()
);
code_schema!(
    ServiceForCode,
    "Who a service of the directory is for.",
    hearth_domain::services::ServiceFor::ALL.iter().map(|k| (k.code(), k.label())).collect()
);
code_schema!(
    ServiceCategoryCode,
    "The kind of service a service of the directory is.",
    hearth_domain::services::Category::ALL.iter().map(|k| (k.code(), k.label())).collect()
);
code_schema!(RoleCode, "A user's role.", Role::ALL.iter().map(|r| (r.code(), r.label())).collect());
code_schema!(HalfDayCode, "A session of the duty service.", vec![("am", "Morning"), ("pm", "Afternoon")]);
code_schema!(
    CaseloadStatusCode,
    "Where a caseload stands against the pack's threshold.",
    vec![("under", "Under the minimum"), ("within", "Within the range"), ("over", "Over the maximum")]
);

/// A string enum built at run time (the values are not `&'static`).
fn string_enum(description: String, values: Vec<String>) -> RefOr<Schema> {
    ObjectBuilder::new().schema_type(Type::String).enum_values(Some(values)).description(Some(description)).into()
}

/// The collection years of the CIN census that Hearth produces, e.g. `2025-26`.
pub struct CollectionYearCode;

impl utoipa::PartialSchema for CollectionYearCode {
    fn schema() -> RefOr<Schema> {
        string_enum(
            "A collection year of the CIN census that Hearth produces.".to_string(),
            hearth_domain::returns::cin::SUPPORTED.iter().map(|y| y.label()).collect(),
        )
    }
}

impl utoipa::ToSchema for CollectionYearCode {
    fn name() -> Cow<'static, str> {
        Cow::Borrowed("CollectionYearCode")
    }
}

/// The code of one of the DfE's CIN census validation rules, e.g. `8610`.
pub struct CinRuleCode;

impl utoipa::PartialSchema for CinRuleCode {
    fn schema() -> RefOr<Schema> {
        string_enum(
            "The code of a CIN census validation rule, as the DfE writes it.".to_string(),
            hearth_cin_census::rules::all().iter().map(|r| r.code.to_string()).collect(),
        )
    }
}

impl utoipa::ToSchema for CinRuleCode {
    fn name() -> Cow<'static, str> {
        Cow::Borrowed("CinRuleCode")
    }
}
