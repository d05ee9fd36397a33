//! The child's chronology: one timeline derived from the record, never typed twice.
use crate::case_note::CaseNote;
use crate::codes::{CaseNoteType, Coded};
use crate::person::{PersonRecord, PersonSummary};
use crate::relationship::Relationship;
use crate::{CaseNoteId, PersonId};
use serde::{Deserialize, Serialize};
use time::{Date, PrimitiveDateTime, Time};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChronologyKind {
    RecordCreated,
    CaseNote,
    RelationshipStarted,
    RelationshipEnded,
}

impl ChronologyKind {
    pub const ALL: &'static [ChronologyKind] =
        &[Self::RecordCreated, Self::CaseNote, Self::RelationshipStarted, Self::RelationshipEnded];

    pub fn code(self) -> &'static str {
        match self {
            Self::RecordCreated => "record_created",
            Self::CaseNote => "case_note",
            Self::RelationshipStarted => "relationship_started",
            Self::RelationshipEnded => "relationship_ended",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::RecordCreated => "Record created",
            Self::CaseNote => "Significant case note",
            Self::RelationshipStarted => "Relationship started",
            Self::RelationshipEnded => "Relationship ended",
        }
    }

    pub fn from_code(s: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|k| k.code() == s)
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChronologyEntry {
    pub at: PrimitiveDateTime,
    /// The event is known to the day only (a relationship's start), so `at` has no time.
    pub date_only: bool,
    pub kind: ChronologyKind,
    pub summary: String,
    /// The case note behind the entry, for a link to its full text and versions.
    pub case_note: Option<CaseNoteId>,
    pub note_type: Option<CaseNoteType>,
}

fn start_of(d: Date) -> PrimitiveDateTime {
    PrimitiveDateTime::new(d, Time::MIDNIGHT)
}

/// Merges the record's significant events into one timeline, newest first.
///
/// `notes` may hold every note of the child: only those marked significant are used.
/// `others` names the people at the other end of `relationships`.
pub fn build(
    person: &PersonRecord,
    notes: &[CaseNote],
    relationships: &[Relationship],
    others: &[PersonSummary],
    filter: Option<ChronologyKind>,
) -> Vec<ChronologyEntry> {
    let mut out = Vec::new();
    out.push(ChronologyEntry {
        // Case notes carry local times, so the record's creation is shown in local time too.
        at: crate::local_time::uk_local(person.created_at),
        date_only: false,
        kind: ChronologyKind::RecordCreated,
        summary: format!("Record created for {}", person.details.full_name()),
        case_note: None,
        note_type: None,
    });
    for n in notes.iter().filter(|n| n.details.significant) {
        let line = n.details.text.lines().next().unwrap_or("");
        let mut first_line: String = line.chars().take(200).collect();
        if first_line.len() < line.len() {
            first_line.push('…');
        }
        out.push(ChronologyEntry {
            at: n.details.occurred_at,
            date_only: false,
            kind: ChronologyKind::CaseNote,
            summary: format!("{}: {}", n.details.note_type.label(), first_line),
            case_note: Some(n.id),
            note_type: Some(n.details.note_type),
        });
    }
    let name_of = |id: PersonId| {
        others.iter().find(|o| o.id == id).map(|o| o.full_name()).unwrap_or_else(|| "a person".to_string())
    };
    for r in relationships {
        let (what, other) = r.seen_from(person.id);
        let who = name_of(other);
        if let Some(s) = r.started {
            out.push(ChronologyEntry {
                at: start_of(s),
                date_only: true,
                kind: ChronologyKind::RelationshipStarted,
                summary: format!("{} ({}) became part of the family network", who, what.label().to_lowercase()),
                case_note: None,
                note_type: None,
            });
        }
        if let Some(e) = r.ended {
            out.push(ChronologyEntry {
                at: start_of(e),
                date_only: true,
                kind: ChronologyKind::RelationshipEnded,
                summary: format!("Relationship with {} ({}) ended", who, what.label().to_lowercase()),
                case_note: None,
                note_type: None,
            });
        }
    }
    if let Some(k) = filter {
        out.retain(|e| e.kind == k);
    }
    out.sort_by_key(|e| std::cmp::Reverse(e.at));
    out
}
