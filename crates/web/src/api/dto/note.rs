//! Case notes and the chronology.
use super::codes::*;
use super::{instant, local_datetime, parse_local_datetime, reject_unknown, Unknown};
use hearth_domain::case_note as dom;
use hearth_domain::chronology::ChronologyEntry as DomEntry;
use hearth_domain::chronology::FrontDoorRecord;
use hearth_domain::codes::{CaseNoteType, Coded};
use hearth_domain::FieldErrors;
use serde::{Deserialize, Serialize};
use time::PrimitiveDateTime;
use utoipa::ToSchema;
use uuid::Uuid;

/// What happened, when, and whether the child was seen. The text is stored exactly as sent.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct CaseNoteDetails {
    /// When the event happened, in local (UK) time, as `YYYY-MM-DDTHH:MM` or
    /// `YYYY-MM-DDTHH:MM:SS`; it must not be in the future.
    #[schema(example = "2026-11-24T09:30:00", pattern = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$")]
    pub occurred_at: String,
    #[schema(value_type = CaseNoteTypeCode)]
    pub note_type: String,
    /// Whether the child was seen.
    pub child_seen: bool,
    /// Whether the child was seen alone (only if seen).
    #[serde(default)]
    pub seen_alone: bool,
    /// Significant events appear in the child's chronology.
    #[serde(default)]
    pub significant: bool,
    /// A statutory visit under the child's plan, whatever the note's type (the child must
    /// be seen); it counts for the visit timescale as a note of type `statutory_visit` does.
    #[serde(default)]
    pub statutory_visit: bool,
    /// What happened (not blank).
    #[schema(min_length = 1, pattern = r"[^\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]")]
    pub text: String,
}

impl CaseNoteDetails {
    pub fn from_domain(d: &dom::CaseNoteDetails) -> Self {
        CaseNoteDetails {
            statutory_visit: d.statutory_visit,
            occurred_at: local_datetime(d.occurred_at),
            note_type: d.note_type.code().to_string(),
            child_seen: d.child_seen,
            seen_alone: d.seen_alone,
            significant: d.significant,
            text: d.text.clone(),
        }
    }

    /// The domain's details, or every problem found: the API's own (date format, codes,
    /// unknown fields) and, with those, the domain's rules for the other fields. The use case
    /// validates again; this only lets one response name every problem.
    pub fn to_domain(&self, now: PrimitiveDateTime, unknown: &Unknown) -> Result<dom::CaseNoteDetails, FieldErrors> {
        let mut errs = FieldErrors::new();
        reject_unknown(unknown, &mut errs);
        let occurred_at = parse_local_datetime(self.occurred_at.trim());
        if occurred_at.is_none() {
            errs.add("occurred_at", "Enter a real date and time as YYYY-MM-DDTHH:MM, for example 2026-11-24T09:30");
        }
        let note_type = CaseNoteType::from_code(self.note_type.trim());
        if note_type.is_none() {
            errs.add("note_type", "Enter a valid case note type code");
        }
        let details = dom::CaseNoteDetails {
            statutory_visit: self.statutory_visit,
            also_for: Vec::new(),
            occurred_at: occurred_at.unwrap_or(now),
            note_type: note_type.unwrap_or(CaseNoteType::Other),
            child_seen: self.child_seen,
            seen_alone: self.seen_alone,
            significant: self.significant,
            text: self.text.clone(),
        };
        if errs.is_empty() {
            return Ok(details);
        }
        if let Err(more) = details.validate(now) {
            for e in more.0 {
                if !errs.0.iter().any(|x| x.field == e.field) {
                    errs.0.push(e);
                }
            }
        }
        Err(errs)
    }
}

/// A new case note.
#[derive(Debug, Deserialize, ToSchema)]
pub struct CreateCaseNote {
    #[serde(flatten)]
    pub details: CaseNoteDetails,
    /// Other children of the person's family network (current relationships, records the
    /// caller may open) to record the same note for: one note in each record, each naming the
    /// others. All are saved or none.
    #[serde(default)]
    pub also_for: Vec<Uuid>,
    #[serde(flatten)]
    #[schema(ignore)]
    pub unknown: Unknown,
}

/// A correction, saved as a new version; the earlier text stays readable. Only the author or
/// a manager may correct a note.
#[derive(Debug, Deserialize, ToSchema)]
pub struct CorrectCaseNote {
    #[serde(flatten)]
    pub details: CaseNoteDetails,
    /// The version corrected; if someone saved since, the answer is 409.
    pub version: i64,
    /// Why the note is corrected (required: not blank, 1000 characters or fewer).
    #[schema(min_length = 1, max_length = 1000, pattern = r"[^\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]")]
    pub reason: String,
    #[serde(flatten)]
    #[schema(ignore)]
    pub unknown: Unknown,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct CaseNote {
    pub id: Uuid,
    pub person_id: Uuid,
    /// Send it back with a correction.
    pub version: i64,
    #[serde(flatten)]
    pub details: CaseNoteDetails,
    pub author_id: Uuid,
    pub author_name: String,
    #[schema(format = DateTime)]
    pub created_at: String,
    /// When the current version was saved.
    #[schema(format = DateTime)]
    pub updated_at: String,
    /// Only in the answer to recording the note: the other children it was recorded for
    /// (their notes name this one). Elsewhere left out, as a sibling may be hidden from a
    /// later reader.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub also_for: Option<Vec<Uuid>>,
}

impl From<&dom::CaseNote> for CaseNote {
    fn from(n: &dom::CaseNote) -> Self {
        CaseNote {
            id: n.id.0,
            person_id: n.person.0,
            version: n.version,
            details: CaseNoteDetails::from_domain(&n.details),
            author_id: n.author.0,
            author_name: n.author_name.clone(),
            created_at: instant(n.created_at),
            updated_at: instant(n.updated_at),
            also_for: None,
        }
    }
}

/// One saved version of a case note.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct CaseNoteVersion {
    pub version: i64,
    #[serde(flatten)]
    pub details: CaseNoteDetails,
    pub changed_by: Uuid,
    pub changed_by_name: String,
    #[schema(format = DateTime)]
    pub changed_at: String,
    /// Why it was corrected (`null` for the first version).
    pub reason: Option<String>,
}

impl From<&dom::CaseNoteVersion> for CaseNoteVersion {
    fn from(v: &dom::CaseNoteVersion) -> Self {
        CaseNoteVersion {
            version: v.version,
            details: CaseNoteDetails::from_domain(&v.details),
            changed_by: v.changed_by.0,
            changed_by_name: v.changed_by_name.clone(),
            changed_at: instant(v.changed_at),
            reason: v.reason.clone(),
        }
    }
}

/// A case note with every saved version, oldest first.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct CaseNoteWithVersions {
    #[serde(flatten)]
    pub note: CaseNote,
    pub versions: Vec<CaseNoteVersion>,
}

/// A page of case notes, the most recent event first.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct CaseNotePage {
    pub items: Vec<CaseNote>,
    /// How many case notes the person has in all.
    pub total: i64,
    pub limit: u32,
    pub offset: u32,
}

/// One event in the chronology, which is derived from the record.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ChronologyEntry {
    /// Local (UK) date and time, `YYYY-MM-DDTHH:MM:SS`.
    pub at: String,
    #[schema(value_type = ChronologyKindCode)]
    pub kind: String,
    pub summary: String,
    /// The case note behind the entry, if any.
    pub case_note_id: Option<Uuid>,
    #[schema(value_type = Option<CaseNoteTypeCode>)]
    pub note_type: Option<String>,
    /// The children-in-need episode behind the entry, if any.
    pub episode_id: Option<Uuid>,
    /// The contact, referral or assessment behind the entry, if any.
    pub contact_id: Option<Uuid>,
    pub referral_id: Option<Uuid>,
    pub assessment_id: Option<Uuid>,
}

impl From<&DomEntry> for ChronologyEntry {
    fn from(e: &DomEntry) -> Self {
        ChronologyEntry {
            at: local_datetime(e.at),
            kind: e.kind.code().to_string(),
            summary: e.summary.clone(),
            case_note_id: e.case_note.map(|c| c.0),
            note_type: e.note_type.map(|t| t.code().to_string()),
            episode_id: e.episode.map(|x| x.0),
            contact_id: match e.front_door { Some(FrontDoorRecord::Contact(x)) => Some(x.0), _ => None },
            referral_id: match e.front_door { Some(FrontDoorRecord::Referral(x)) => Some(x.0), _ => None },
            assessment_id: match e.front_door { Some(FrontDoorRecord::Assessment(x)) => Some(x.0), _ => None },
        }
    }
}

/// The chronology, newest first.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Chronology {
    pub person_id: Uuid,
    pub entries: Vec<ChronologyEntry>,
}
