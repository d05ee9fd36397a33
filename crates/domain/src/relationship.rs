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
    /// The two live in the same household.
    #[serde(default)]
    pub lives_together: bool,
    /// Which of the two holds parental responsibility for the other, when one does.
    #[serde(default)]
    pub parental_responsibility: Option<PersonId>,
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

    /// Whether the other person (seen from `me`) holds parental responsibility for me.
    pub fn other_holds_pr_for(&self, me: PersonId) -> bool {
        let (_, other) = self.seen_from(me);
        self.parental_responsibility == Some(other)
    }
}

impl RelationshipType {
    /// Whether someone who is this to a child can hold parental responsibility for them
    /// (a parent; a step-parent, relative or carer by a court order or agreement; a special
    /// guardian may be a family friend). Foster carers and professionals do not.
    pub fn can_hold_pr(self) -> bool {
        use RelationshipType::*;
        matches!(self, Parent | StepParent | Grandparent | AuntUncle | Carer | FamilyFriend)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parental_responsibility_is_read_from_either_end() {
        let (child, mum) = (PersonId::new(), PersonId::new());
        let r = Relationship {
            id: RelationshipId::new(),
            version: 1,
            from: mum,
            to: child,
            kind: RelationshipType::Parent,
            started: None,
            ended: None,
            note: None,
            lives_together: true,
            parental_responsibility: Some(mum),
            recorded_by: UserId::new(),
            recorded_at: OffsetDateTime::UNIX_EPOCH,
        };
        assert!(r.other_holds_pr_for(child));
        assert!(!r.other_holds_pr_for(mum), "the child does not hold it for the parent");
        assert!(RelationshipType::Parent.can_hold_pr() && !RelationshipType::FosterCarer.can_hold_pr() && !RelationshipType::Sibling.can_hold_pr());
    }

    #[test]
    fn inverse_is_an_involution_and_codes_round_trip() {
        for &k in RelationshipType::ALL {
            assert_eq!(k.inverse().inverse(), k);
            assert_eq!(RelationshipType::from_code(k.code()), Some(k));
            assert_eq!(serde_json::to_value(k).unwrap(), serde_json::Value::String(k.code().into()));
        }
    }
}
