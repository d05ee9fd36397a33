//! Typed, two-way relationships between people. One row is stored; each side reads it in its
//! own words (a parent's "child" is the child's "parent").
use crate::codes::Coded;
use crate::{PersonId, RelationshipId, UserId};
use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};

/// What `from` is to `to`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RelationshipType {
    Parent,
    Child,
    StepParent,
    StepChild,
    Sibling,
    HalfSibling,
    Grandparent,
    Grandchild,
    AuntUncle,
    NieceNephew,
    Carer,
    CaredFor,
    FosterCarer,
    FosterChild,
    FamilyFriend,
    Professional,
    ProfessionalFor,
}

impl RelationshipType {
    /// What `to` is to `from`.
    pub fn inverse(self) -> Self {
        use RelationshipType::*;
        match self {
            Parent => Child,
            Child => Parent,
            StepParent => StepChild,
            StepChild => StepParent,
            Sibling => Sibling,
            HalfSibling => HalfSibling,
            Grandparent => Grandchild,
            Grandchild => Grandparent,
            AuntUncle => NieceNephew,
            NieceNephew => AuntUncle,
            Carer => CaredFor,
            CaredFor => Carer,
            FosterCarer => FosterChild,
            FosterChild => FosterCarer,
            FamilyFriend => FamilyFriend,
            Professional => ProfessionalFor,
            ProfessionalFor => Professional,
        }
    }
}

impl Coded for RelationshipType {
    const ALL: &'static [Self] = &[
        Self::Parent,
        Self::Child,
        Self::StepParent,
        Self::StepChild,
        Self::Sibling,
        Self::HalfSibling,
        Self::Grandparent,
        Self::Grandchild,
        Self::AuntUncle,
        Self::NieceNephew,
        Self::Carer,
        Self::CaredFor,
        Self::FosterCarer,
        Self::FosterChild,
        Self::FamilyFriend,
        Self::Professional,
        Self::ProfessionalFor,
    ];

    fn code(self) -> &'static str {
        use RelationshipType::*;
        match self {
            Parent => "parent",
            Child => "child",
            StepParent => "step_parent",
            StepChild => "step_child",
            Sibling => "sibling",
            HalfSibling => "half_sibling",
            Grandparent => "grandparent",
            Grandchild => "grandchild",
            AuntUncle => "aunt_uncle",
            NieceNephew => "niece_nephew",
            Carer => "carer",
            CaredFor => "cared_for",
            FosterCarer => "foster_carer",
            FosterChild => "foster_child",
            FamilyFriend => "family_friend",
            Professional => "professional",
            ProfessionalFor => "professional_for",
        }
    }

    fn label(self) -> &'static str {
        use RelationshipType::*;
        match self {
            Parent => "Parent",
            Child => "Child",
            StepParent => "Step-parent",
            StepChild => "Step-child",
            Sibling => "Sibling",
            HalfSibling => "Half-sibling",
            Grandparent => "Grandparent",
            Grandchild => "Grandchild",
            AuntUncle => "Aunt or uncle",
            NieceNephew => "Niece or nephew",
            Carer => "Carer",
            CaredFor => "Cared for by them",
            FosterCarer => "Foster carer",
            FosterChild => "Foster child",
            FamilyFriend => "Family friend",
            Professional => "Professional involved",
            ProfessionalFor => "Professional for them",
        }
    }
}

/// A relationship as stored: `from` is `kind` to `to`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Relationship {
    pub id: RelationshipId,
    pub version: i64,
    pub from: PersonId,
    pub to: PersonId,
    pub kind: RelationshipType,
    pub started: Option<Date>,
    pub ended: Option<Date>,
    /// For professionals: their role or agency ("Class teacher, St Mary's Primary").
    pub note: Option<String>,
    pub recorded_by: UserId,
    pub recorded_at: OffsetDateTime,
}

impl Relationship {
    /// The relationship seen from `me`: what the other person is to me, and who they are.
    pub fn seen_from(&self, me: PersonId) -> (RelationshipType, PersonId) {
        if self.from == me { (self.kind.inverse(), self.to) } else { (self.kind, self.from) }
    }

    pub fn is_current(&self, today: Date) -> bool {
        self.ended.is_none_or(|e| e > today)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inverse_is_an_involution_and_codes_round_trip() {
        for &k in RelationshipType::ALL {
            assert_eq!(k.inverse().inverse(), k);
            assert_eq!(RelationshipType::from_code(k.code()), Some(k));
            assert_eq!(serde_json::to_value(k).unwrap(), serde_json::Value::String(k.code().into()));
        }
    }
}
