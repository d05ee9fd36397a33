//! The case notes of a family's children: a varied mix of visits, calls, meetings and
//! oversight over the life of the case, some significant, a few corrected.
use super::people::{Adults, Child};
use super::{Ctx, NoteWrite};
use crate::places::NURSERIES;
use crate::rng::Gen;
use crate::text::{self, NoteContext, BABY, TEEN, UNBORN, YOUNG};
use hearth_app::local_time::{uk_local, uk_offset};
use hearth_domain::case_note::{CaseNote, CaseNoteDetails};
use hearth_domain::codes::{AliasKind, CaseNoteType, Sex};
use hearth_domain::person::{ChangeMeta, PersonDetails};
use hearth_domain::CaseNoteId;
use time::{Date, Duration, OffsetDateTime, PrimitiveDateTime, Time, Weekday};

const NOTE_TYPES: &[(CaseNoteType, u32)] = &[
    (CaseNoteType::HomeVisit, 22),
    (CaseNoteType::PhoneCall, 18),
    (CaseNoteType::Meeting, 12),
    (CaseNoteType::SchoolVisit, 8),
    (CaseNoteType::OfficeVisit, 5),
    (CaseNoteType::Observation, 3),
    (CaseNoteType::DirectWork, 8),
    (CaseNoteType::ManagementOversight, 6),
    (CaseNoteType::Supervision, 4),
    (CaseNoteType::Correspondence, 10),
    (CaseNoteType::Other, 4),
];

/// (chance the child is seen, chance they are seen alone when seen and old enough)
fn seen_odds(t: CaseNoteType) -> (f64, f64) {
    match t {
        CaseNoteType::HomeVisit => (0.85, 0.45),
        CaseNoteType::SchoolVisit => (0.95, 0.8),
        CaseNoteType::OfficeVisit => (0.3, 0.8),
        CaseNoteType::Observation => (0.95, 0.0),
        CaseNoteType::DirectWork => (1.0, 0.7),
        CaseNoteType::Meeting => (0.15, 0.0),
        CaseNoteType::Other => (0.05, 0.0),
        _ => (0.0, 0.0),
    }
}

/// The child's age band on `day`.
pub(super) fn band_on(d: &PersonDetails, day: Date) -> u8 {
    match d.date_of_birth {
        None => UNBORN,
        Some(dob) if day < dob => UNBORN,
        Some(_) => match d.age_on(day).unwrap_or(0) {
            0..=2 => BABY,
            3..=10 => YOUNG,
            _ => TEEN,
        },
    }
}

/// A local time on `day` in working hours, sometimes in the evening.
pub(super) fn local_time_on(g: &mut Gen, day: Date) -> PrimitiveDateTime {
    let minutes = if g.chance(0.05) { g.int(17 * 60 + 30, 21 * 60) } else { g.int(8 * 60 + 45, 17 * 60 + 30) };
    PrimitiveDateTime::new(day, Time::MIDNIGHT + Duration::minutes(minutes))
}

/// A local time in England as an instant.
pub(super) fn instant(local: PrimitiveDateTime) -> OffsetDateTime {
    local.assume_offset(uk_offset(local.assume_utc()))
}

/// The adult the notes talk to: the mother, else a father, else a grandparent.
struct Carer<'a> {
    name: &'a str,
    role: &'static str,
    interpreter: Option<&'a str>,
}

fn carer(adults: &Adults) -> Carer<'_> {
    let who = adults.mother.or(adults.fathers[0]).or(adults.fathers[1]).or(adults.grandparents.first().copied());
    match who.map(|i| &adults.list[i]) {
        Some(a) => Carer {
            name: a.details.given_name.as_str(),
            role: a.role,
            interpreter: a.details.first_language.as_deref().filter(|l| *l != "English"),
        },
        None => Carer { name: "the carer", role: "carer", interpreter: None },
    }
}

/// How many notes a child has: between 40% and 160% of the average, with the average kept.
fn note_count(g: &mut Gen, avg: usize) -> usize {
    let avg = avg as f64;
    (avg * (0.4 + 1.2 * g.unit()) + g.unit()).floor() as usize
}

pub(super) fn notes(g: &mut Gen, ctx: &Ctx<'_>, children: &[Child], adults: &Adults) -> Vec<NoteWrite> {
    let worker = ctx.worker;
    let today = ctx.today;
    let carer = carer(adults);
    let local_now = uk_local(ctx.now);
    let yesterday = today.saturating_sub(Duration::days(1));
    let mut out: Vec<NoteWrite> = Vec::new();
    // A closed pre-birth case has no notes after it.
    for (ci, c) in children.iter().enumerate().filter(|(_, c)| !c.closed) {
        let count = note_count(g, ctx.notes_per_child);
        out.reserve(count);
        let d = &c.details;
        let shown_name: &str = d.other_names.iter().find(|o| o.kind == AliasKind::KnownAs).map(|o| o.given_name.as_str()).unwrap_or(&d.given_name);
        let pronouns = match (d.gender.as_deref(), d.sex) {
            (Some("Trans boy"), _) => ("he", "him", "his"),
            (Some("Trans girl"), _) => ("she", "her", "her"),
            (Some(_), _) => ("they", "them", "their"),
            (None, Some(Sex::Male)) => ("he", "him", "his"),
            (None, Some(Sex::Female)) => ("she", "her", "her"),
            _ => ("they", "them", "their"),
        };
        let sibling = children.iter().enumerate().find(|(j, s)| *j != ci && s.details.date_of_birth.is_some()).map(|(_, s)| s.details.given_name.as_str());
        let school_name = c.school.map(|s| s.name);
        let nursery = *g.pick(NURSERIES);
        let start = c.created.min(yesterday);
        for _ in 0..count {
            let mut day = g.date_between(start, yesterday);
            if matches!(day.weekday(), Weekday::Saturday | Weekday::Sunday) && g.chance(0.8) {
                let back = if day.weekday() == Weekday::Saturday { 1 } else { 2 };
                day = day.saturating_sub(Duration::days(back)).max(start);
            }
            let band = band_on(d, day);
            let mut t = *g.weighted(NOTE_TYPES);
            for _ in 0..10 {
                if text::fits(t, band, ctx.team_kind) {
                    break;
                }
                t = *g.weighted(NOTE_TYPES);
            }
            if !text::fits(t, band, ctx.team_kind) {
                t = CaseNoteType::HomeVisit;
            }
            let occurred_at = local_time_on(g, day).min(local_now - Duration::hours(1));
            let (p_seen, p_alone) = seen_odds(t);
            let child_seen = band != UNBORN && g.chance(p_seen);
            let old_enough = d.age_on(day).is_some_and(|a| a >= 3);
            let seen_alone = child_seen && old_enough && g.chance(p_alone);
            let significant = g.chance(0.15);
            let note_ctx = NoteContext {
                child: if band == UNBORN { "the baby" } else { shown_name },
                band,
                pronouns,
                carer: carer.name,
                carer_role: carer.role,
                sibling,
                school: if band & (YOUNG | TEEN) != 0 {
                    school_name
                } else if band == BABY {
                    Some(nursery)
                } else {
                    None
                },
                manager: &worker.manager_name,
                interpreter: carer.interpreter,
                team: ctx.team_kind,
            };
            let text = text::note_text(g, t, significant, &note_ctx);
            let (author, author_name) = if matches!(t, CaseNoteType::ManagementOversight | CaseNoteType::Supervision) {
                (worker.manager, worker.manager_name.clone())
            } else {
                (worker.id, worker.name.clone())
            };
            // Most notes are written up the same day, some days later.
            let occurred = instant(occurred_at);
            let delay = match g.int(0, 19) {
                0..=13 => Duration::minutes(g.int(20, 6 * 60)),
                14..=18 => Duration::hours(g.int(6, 72)),
                _ => Duration::days(g.int(3, 10)),
            };
            let created_at = (occurred + delay).min(ctx.now - Duration::minutes(1)).max(occurred);
            let details = CaseNoteDetails { statutory_visit: false, also_for: Vec::new(), occurred_at, note_type: t, child_seen, seen_alone, significant, text };
            let (first, correction) = if g.chance(0.02) {
                let at = (created_at + Duration::hours(g.int(1, 240))).min(ctx.now - Duration::minutes(1)).max(created_at);
                let (v1, reason) = earlier_note(g, &details, &note_ctx);
                (v1, Some((details, ChangeMeta { by: author, at, reason: Some(reason.to_string()) })))
            } else {
                (details, None)
            };
            out.push(NoteWrite {
                note: CaseNote {
                    id: CaseNoteId(g.uuid()),
                    person: c.id,
                    version: 1,
                    details: first,
                    author,
                    author_name,
                    created_at,
                    updated_at: created_at,
                },
                correction,
            });
        }
    }
    out
}

/// An earlier, wrong version of a note, with the reason it was corrected.
fn earlier_note(g: &mut Gen, fixed: &CaseNoteDetails, ctx: &NoteContext<'_>) -> (CaseNoteDetails, &'static str) {
    let mut v1 = fixed.clone();
    let choice = g.int(0, 3);
    if choice == 0 && fixed.child_seen {
        v1.child_seen = false;
        v1.seen_alone = false;
        return (v1, "The child was seen during the visit; this was missed when the note was first saved.");
    }
    if choice == 1 && fixed.significant {
        v1.significant = false;
        return (v1, "Marked as significant after management review so that it appears in the chronology.");
    }
    if choice == 2
        && let Some(sib) = ctx.sibling
        && sib != ctx.child
        && fixed.text.contains(ctx.child)
    {
        v1.text = fixed.text.replacen(ctx.child, sib, 1);
        return (v1, "The wrong child's name was used in the note; corrected.");
    }
    // The first version lacked the last sentence, added later.
    if choice == 3
        && let Some(i) = fixed.text.rfind(". ")
    {
        v1.text = fixed.text[..=i].to_string();
        return (v1, "Information added that was missing from the first version of the note.");
    }
    v1.occurred_at = fixed.occurred_at - Duration::days(1);
    (v1, "The date of the event was entered wrongly; corrected to the actual date.")
}
