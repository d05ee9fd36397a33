//! Stable identifiers. Every record has a UUIDv7: time-ordered, so indexes stay compact,
//! and never reused.

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub uuid::Uuid);

        impl $name {
            /// A new, time-ordered id.
            pub fn new() -> Self {
                Self(uuid::Uuid::now_v7())
            }
        }

        impl Default for $name {
            fn default() -> Self {
                Self::new()
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.hyphenated().fmt(f)
            }
        }

        impl std::str::FromStr for $name {
            type Err = uuid::Error;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                uuid::Uuid::parse_str(s.trim()).map(Self)
            }
        }
    };
}
/// Lets other modules declare id types the same way.
pub(crate) use id_type;

id_type!(
    /// The stable Hearth id of a person (child, young person or related adult).
    PersonId
);
id_type!(UserId);
id_type!(TeamId);
id_type!(CaseNoteId);
id_type!(RelationshipId);
id_type!(SessionId);
id_type!(ApiTokenId);
id_type!(BreakGlassId);
id_type!(DraftId);
id_type!(SetupLinkId);
