//! The child's chronology: one timeline derived from the record, never typed twice.
use crate::case_note::CaseNote;
use crate::codes::{CaseNoteType, Coded};
use crate::person::{PersonRecord, PersonSummary};
use crate::relationship::Relationship;
use crate::cin::episode::{ConferenceDecision, ConferenceKind, Episode};
use crate::cin::EpisodeId;
use crate::front_door::assessment::{Assessment, AssessmentState};
use crate::front_door::contact::Contact;
use crate::front_door::referral::Referral;
use crate::front_door::{AssessmentId, ContactId, ReferralId};
use crate::{CaseNoteId, PersonId};
use crate::care::episodes::PeriodOfCare;
use crate::care::provider::ProviderId;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use time::{Date, PrimitiveDateTime, Time};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChronologyKind {
    RecordCreated,
    CaseNote,
    RelationshipStarted,
    RelationshipEnded,
    /// A contact and its decision, a referral, an assessment and its authorisation.
    FrontDoor,
    /// A step of a children-in-need episode (plans, strategy discussions, enquiries,
    /// conferences, core groups, oversight, closure).
    ChildInNeed,
    /// Becoming looked after, a change of legal status, a move, care ending.
    Care,
}

impl ChronologyKind {
    pub const ALL: &'static [ChronologyKind] =
        &[Self::RecordCreated, Self::CaseNote, Self::RelationshipStarted, Self::RelationshipEnded, Self::FrontDoor, Self::ChildInNeed, Self::Care];

    pub fn code(self) -> &'static str {
        match self {
            Self::RecordCreated => "record_created",
            Self::CaseNote => "case_note",
            Self::RelationshipStarted => "relationship_started",
            Self::RelationshipEnded => "relationship_ended",
            Self::FrontDoor => "front_door",
            Self::ChildInNeed => "child_in_need",
            Self::Care => "care",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::RecordCreated => "Record created",
            Self::CaseNote => "Significant case note",
            Self::RelationshipStarted => "Relationship started",
            Self::RelationshipEnded => "Relationship ended",
            Self::FrontDoor => "Contacts, referrals and assessments",
            Self::ChildInNeed => "Child in need and child protection",
            Self::Care => "Children in care",
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
    /// The episode behind the entry, for a link to it.
    #[serde(default)]
    pub episode: Option<EpisodeId>,
    /// The contact, referral or assessment behind the entry, for a link to it.
    #[serde(default)]
    pub front_door: Option<FrontDoorRecord>,
}

/// A front-door record a chronology entry comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", content = "id", rename_all = "snake_case")]
pub enum FrontDoorRecord {
    Contact(ContactId),
    Referral(ReferralId),
    Assessment(AssessmentId),
}

/// The child's contacts, referrals, assessments and periods of care, for the chronology.
#[derive(Clone, Copy, Debug, Default)]
pub struct FrontDoorEvents<'a> {
    pub contacts: &'a [Contact],
    pub referrals: &'a [Referral],
    pub assessments: &'a [Assessment],
    pub care: &'a [PeriodOfCare],
    /// Decisions about the child coming into care.
    pub decisions: &'a [crate::care::decision::CareDecision],
    /// The names of the providers the placements name.
    pub providers: Option<&'a HashMap<ProviderId, String>>,
}

fn start_of(d: Date) -> PrimitiveDateTime {
    PrimitiveDateTime::new(d, Time::MIDNIGHT)
}

/// Merges the record's significant events into one timeline, newest first.
///
/// `notes` may hold every note of the child: only those marked significant are used.
/// `others` names the people at the other end of `relationships`; `episodes` are the
/// child's children-in-need episodes.
pub fn build(
    person: &PersonRecord,
    notes: &[CaseNote],
    relationships: &[Relationship],
    others: &[PersonSummary],
    episodes: &[Episode],
    front_door: FrontDoorEvents<'_>,
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
        episode: None,
        front_door: None,
    });
    for n in notes.iter().filter(|n| n.details.significant) {
        out.push(ChronologyEntry {
            at: n.details.occurred_at,
            date_only: false,
            kind: ChronologyKind::CaseNote,
            summary: format!("{}: {}", n.details.note_type.label(), first_line(&n.details.text)),
            case_note: Some(n.id),
            note_type: Some(n.details.note_type),
            episode: None,
            front_door: None,
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
                episode: None,
                front_door: None,
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
                episode: None,
                front_door: None,
            });
        }
    }
    for e in episodes {
        out.extend(episode_entries(e));
    }
    out.extend(front_door_entries(front_door));
    out.extend(care_entries(front_door));
    if let Some(k) = filter {
        out.retain(|e| e.kind == k);
    }
    out.sort_by_key(|e| std::cmp::Reverse(e.at));
    out
}

fn front_door_entries(f: FrontDoorEvents<'_>) -> Vec<ChronologyEntry> {
    let entry = |at: PrimitiveDateTime, date_only: bool, summary: String, record: FrontDoorRecord| ChronologyEntry {
        at,
        date_only,
        kind: ChronologyKind::FrontDoor,
        summary,
        case_note: None,
        note_type: None,
        episode: None,
        front_door: Some(record),
    };
    let local = crate::local_time::uk_local;
    let mut out = Vec::new();
    for c in f.contacts {
        let r = FrontDoorRecord::Contact(c.id);
        out.push(entry(local(c.received_at), false, format!("Contact ({}): {}", c.source.label(), first_line(&c.reason)), r));
        if let Some(s) = &c.screening {
            out.push(entry(local(s.decided_at), false, format!("Contact decision: {}", s.decision.label().to_lowercase()), r));
        }
    }
    for x in f.referrals {
        let r = FrontDoorRecord::Referral(x.id);
        let what = if x.re_referral { "Re-referral to children's social care" } else { "Referral to children's social care" };
        out.push(entry(start_of(x.referral_date), true, what.into(), r));
    }
    for a in f.assessments {
        let r = FrontDoorRecord::Assessment(a.id);
        out.push(entry(start_of(a.start_date), true, "Single assessment started".into(), r));
        for t in a.history.iter().filter(|t| t.to == AssessmentState::Authorised) {
            let outcome = a.outcome.map(|o| format!(": {}", o.label().to_lowercase())).unwrap_or_default();
            out.push(entry(local(t.at), false, format!("Single assessment authorised{outcome}"), r));
        }
    }
    out
}

/// Each period of care's steps: care began, each later legal status, each move, care ended.
fn care_entries(f: FrontDoorEvents<'_>) -> Vec<ChronologyEntry> {
    let name = |id: ProviderId| f.providers.and_then(|m| m.get(&id)).map_or("a provider no longer on record", String::as_str);
    let entry = |d: Date, summary: String| ChronologyEntry { at: start_of(d), date_only: true, kind: ChronologyKind::Care, summary, case_note: None, note_type: None, episode: None, front_door: None };
    let mut out = Vec::new();
    for p in f.care {
        let status = p.legal_statuses.first().map(|l| format!("{} ({})", l.status.short(), l.status.code())).unwrap_or_default();
        let placed = p.placements.first().map(|pl| format!(", placed with {} ({})", name(pl.carer), pl.kind.code())).unwrap_or_default();
        let began = entry(p.start, format!("Became looked after: {status}{placed}"));
        // The time, where recorded: a child placed late at night is seen as such.
        out.push(match p.start_time.and_then(|t| time::Time::from_hms(t.hour(), t.minute(), 0).ok()) {
            Some(t) => ChronologyEntry { at: PrimitiveDateTime::new(p.start, t), date_only: false, ..began },
            None => began,
        });
        out.extend(p.legal_statuses.iter().skip(1).map(|l| entry(l.from, format!("Legal status changed: {} ({})", l.status.label(), l.status.code()))));
        for pl in p.placements.iter().skip(1) {
            let why = pl.reason.map(|r| format!(": {}", r.label())).unwrap_or_default();
            out.push(entry(pl.from, format!("Moved to {} ({}){why}", name(pl.carer), pl.kind.code())));
        }
        if let Some(e) = p.ended {
            out.push(entry(e.on, format!("Stopped being looked after: {}", e.reason.label())));
        }
        let plan = &p.planning;
        out.extend(plan.care_plan.map(|d| entry(d, "Care plan agreed".into())));
        out.extend(plan.placement_plans.iter().map(|pp| entry(pp.agreed, format!("Placement plan agreed for the placement from {}", crate::calendar::describe_date(pp.placement)))));
        out.extend(plan.long_term.map(|lt| entry(lt.agreed, "Placement agreed as long-term".into())));
        out.extend(plan.permanence.map(|pm| entry(pm.agreed, format!("Permanence plan agreed: {}", pm.plan.label()))));
        for r in &plan.reviews {
            let decisions = match r.decisions.len() {
                0 => String::new(),
                1 => ", 1 decision".into(),
                n => format!(", {n} decisions"),
            };
            out.push(entry(r.date, format!("Looked-after review chaired by {} ({}){decisions}", r.iro, r.participation.code())));
        }
        for m in &plan.missing {
            out.push(entry(m.start, format!("{} ({})", m.kind.label(), m.kind.code())));
            if let Some(end) = m.end {
                let interview = match m.interview {
                    Some(i) if i.accepted => "; return interview accepted",
                    Some(_) => "; return interview declined",
                    None => "; no return interview offered yet",
                };
                out.push(entry(end, format!("Returned from being {}{interview}", if m.kind == crate::care::planning::MissingKind::Missing { "missing" } else { "away" })));
            }
        }
        out.extend(plan.health.iter().filter(|h| h.is_assessment()).map(|h| entry(h.on, h.kind.label().to_string())));
        out.extend(plan.education.peps.iter().map(|d| entry(*d, "Personal education plan meeting".into())));
        out.extend(plan.education.exclusions.iter().map(|x| entry(x.from, format!("{}{}", x.kind.label(), x.days.map(|n| format!(", {n} school days")).unwrap_or_default()))));
        for a in &plan.contact {
            out.push(entry(a.from, format!("Contact arrangement with {}: {}, {}", a.with, a.kind.label().to_lowercase(), a.frequency)));
        }
        for r in &plan.contact_requests {
            out.push(entry(r.made, "Family Contact Service asked for help".into()));
        }
        for r in &plan.visit_requests {
            out.push(entry(r.on, format!("Visit asked for by {}", if r.by == crate::care::planning::VisitRequester::Child { "the child" } else { "the child's IRO" })));
        }
        if let Some(u) = plan.uasc {
            out.push(entry(u.from, "Unaccompanied asylum-seeking child".into()));
            out.extend(u.until.map(|d| entry(d, "No longer an unaccompanied asylum-seeking child".into())));
        }
    }
    for d in f.decisions {
        use crate::care::decision::Notified;
        out.push(entry(d.proposed, format!("Proposed: {}", d.route.label())));
        if let Some(a) = &d.authorisation {
            out.push(entry(a.on, if a.agreed { "Decision about care authorised by a manager".to_string() } else { format!("Decision about care not agreed: {}", first_line(&a.comments)) }));
        }
        if let Some(m) = &d.meeting {
            out.push(entry(m.held, "Pre-care planning meeting held".into()));
        }
        for n in &d.notified {
            let whom = match n.whom {
                Notified::ReviewingService => "the Independent Reviewing Service",
                Notified::Health => "health",
                Notified::Education => "the school and the virtual school",
            };
            out.push(entry(n.on, format!("Told {whom} that the child is coming into care")));
        }
        out.extend(d.withdrawn.map(|w| entry(w, "Decision about care withdrawn".into())));
    }
    out
}

/// The steps of an episode as chronology entries (a step known to the day has no time).
fn episode_entries(e: &Episode) -> Vec<ChronologyEntry> {
    let mut v: Vec<(PrimitiveDateTime, bool, String)> = vec![(start_of(e.start), true, "Children in need episode opened by the referral".to_string())];
    let day = |d: Date| (start_of(d), true);
    for p in &e.cin_plans {
        v.push((start_of(p.start), true, "Child in need plan started".into()));
        v.extend(p.reviews.iter().map(|r| (start_of(*r), true, "Child in need plan reviewed".to_string())));
        v.extend(p.end.map(|d| (start_of(d), true, "Child in need plan ended".to_string())));
    }
    for s in &e.strategy_discussions {
        v.push((crate::local_time::uk_local(s.held_at), false, format!("Strategy discussion: {}", s.decision.label())));
    }
    for q in &e.enquiries {
        v.push((start_of(q.start), true, "Section 47 enquiry started".into()));
        if let (Some(o), Some(d)) = (q.outcome, q.outcome_date) {
            v.push((start_of(d), true, format!("Section 47 enquiry outcome: {}", o.label())));
        }
    }
    for c in &e.conferences {
        let (at, date_only) = day(c.date);
        let what = match (c.kind, c.decision) {
            (ConferenceKind::Initial { .. }, ConferenceDecision::Plan { category }) => format!("Initial child protection conference: child protection plan ({})", category.label()),
            (ConferenceKind::Initial { .. }, _) => "Initial child protection conference: no plan".to_string(),
            (_, ConferenceDecision::EndPlan { reason }) => format!("Review child protection conference: plan ended ({})", reason.label()),
            (_, ConferenceDecision::Continue { category }) => format!("Review child protection conference: plan continues ({})", category.label()),
            (_, _) => "Review child protection conference".to_string(),
        };
        v.push((at, date_only, what));
    }
    for p in &e.cp_plans {
        // A plan ended by a review conference is already in the chronology as that review.
        let by_review = e.conferences.iter().any(|c| c.kind == ConferenceKind::Review { plan: p.id } && matches!(c.decision, ConferenceDecision::EndPlan { .. }));
        if let (Some(d), Some(r), false) = (p.end, p.end_reason, by_review) {
            v.push((start_of(d), true, format!("Child protection plan ended ({})", r.label())));
        }
    }
    v.extend(e.core_groups.iter().map(|m| (start_of(m.date), true, "Core group meeting".to_string())));
    for o in &e.oversight {
        let what = match &o.decision {
            Some(d) => format!("Management decision: {}", first_line(d)),
            None => format!("Management oversight: {}", first_line(&o.note)),
        };
        v.push((crate::local_time::uk_local(o.at), false, what));
    }
    if let Some(c) = &e.closure {
        let mut what = format!("Episode closed: {}", c.reason.label());
        if let Some(s) = &c.step_down {
            what.push_str(&format!("; stepped down to {}", s.to.label().to_lowercase()));
            if let Some(f) = &s.follow_up {
                v.push((start_of(f.date), true, "Step-down services followed up".to_string()));
            }
        }
        v.push((start_of(c.date), true, what));
    }
    v.into_iter()
        .map(|(at, date_only, summary)| ChronologyEntry { at, date_only, kind: ChronologyKind::ChildInNeed, summary, case_note: None, note_type: None, episode: Some(e.id), front_door: None })
        .collect()
}

fn first_line(s: &str) -> String {
    let line = s.lines().next().unwrap_or("");
    let mut out: String = line.chars().take(200).collect();
    if out.len() < line.len() {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::front_door::codes::{AssessmentOutcome, ReferralSource, ScreeningDecision};
    use crate::front_door::contact::{Consent, Referrer, Screening};
    use crate::person::{PersonDetails, PersonKind};
    use crate::UserId;
    use time::macros::{date, datetime};

    /// Amy's record, made by `by` on 1 January 2026.
    fn amy(by: UserId) -> PersonRecord {
        PersonRecord {
            id: PersonId::new(),
            version: 1,
            details: PersonDetails::named(PersonKind::Child, "Amy", "Lee"),
            allocation: Default::default(),
            restricted: false,
            created_at: datetime!(2026-01-01 09:00 UTC),
            created_by: by,
            updated_at: datetime!(2026-01-01 09:00 UTC),
        }
    }

    #[test]
    fn the_front_door_is_in_the_chronology_newest_first() {
        let by = UserId::new();
        let child = amy(by);
        let contact = Contact {
            id: ContactId::new(),
            received_at: datetime!(2026-03-02 10:15 UTC),
            source: ReferralSource::Police,
            referrer: Referrer::default(),
            reason: "Found alone at night\nMore detail".into(),
            consent: Consent::Given,
            children: vec![child.id],
            family_members: vec![],
            recorded_by: by,
            screening: Some(Screening { decision: ScreeningDecision::Referral, decided_at: datetime!(2026-03-02 15:00 UTC), decided_by: by, rationale: "Risk".into() }),
        };
        let referral = Referral { id: ReferralId::new(), child: child.id, contact: Some(contact.id), referral_date: date!(2026 - 03 - 03), source: ReferralSource::Police, primary_need: None, nfa: false, re_referral: true };
        let mut assessment = Assessment::new(referral.id, child.id, by, date!(2026 - 03 - 04));
        assessment.outcome = Some(AssessmentOutcome::ALL[0]);
        assessment.history.push(crate::front_door::assessment::Transition { at: datetime!(2026-04-01 11:00 UTC), by, from: AssessmentState::Submitted, to: AssessmentState::Authorised, comment: None });
        let events = FrontDoorEvents { contacts: std::slice::from_ref(&contact), referrals: std::slice::from_ref(&referral), assessments: std::slice::from_ref(&assessment), ..Default::default() };
        let entries = build(&child, &[], &[], &[], &[], events, Some(ChronologyKind::FrontDoor));
        let said: Vec<&str> = entries.iter().map(|e| e.summary.as_str()).collect();
        assert_eq!(
            said,
            [
                format!("Single assessment authorised: {}", AssessmentOutcome::ALL[0].label().to_lowercase()).as_str(),
                "Single assessment started",
                "Re-referral to children's social care",
                "Contact decision: referral to children's social care",
                "Contact (Police): Found alone at night",
            ]
        );
        assert_eq!(entries[2].front_door, Some(FrontDoorRecord::Referral(referral.id)));
        assert_eq!(entries[4].front_door, Some(FrontDoorRecord::Contact(contact.id)));
        assert_eq!(entries[4].at, datetime!(2026-03-02 10:15), "local time (GMT in March)");
    }

    #[test]
    fn care_is_in_the_chronology_step_by_step_naming_the_carers() {
        use crate::care::decision::{Authorisation, CareDecision, CareDecisionId, CareRoute, Notification, Notified, PlanningMeeting};
        use crate::care::codes::{CategoryOfNeed, LegalStatus, PlacementProvider, PlacementType, ReasonEpisodeCeased, ReasonPlaceChange};
        use crate::care::episodes::{Ending, LegalStatusFrom, Placement};
        use crate::care::planning::{CareReview, MissingEpisode, MissingKind, Participation, Planning, ReturnInterview};
        let child = amy(UserId::new());
        let (smith, gone) = (ProviderId::new(), ProviderId::new());
        let placed = |from: Date, carer: ProviderId, reason: Option<ReasonPlaceChange>| Placement { from, kind: PlacementType::FosterOther, provider: PlacementProvider::OwnProvision, urn: None, postcode: None, carer, reason };
        let period = PeriodOfCare {
            start: date!(2026 - 02 - 02),
            start_time: "21:15".parse().ok(),
            need: CategoryOfNeed::AbuseOrNeglect,
            home_postcode: None,
            legal_statuses: vec![LegalStatusFrom { from: date!(2026 - 02 - 02), status: LegalStatus::Section20 }, LegalStatusFrom { from: date!(2026 - 03 - 02), status: LegalStatus::InterimCareOrder }],
            placements: vec![placed(date!(2026 - 02 - 02), smith, None), placed(date!(2026 - 04 - 06), gone, Some(ReasonPlaceChange::ChildRequest))],
            ended: Some(Ending { on: date!(2026 - 05 - 04), reason: ReasonEpisodeCeased::HomePlanned }),
            planning: Planning {
                care_plan: Some(date!(2026 - 02 - 10)),
                reviews: vec![CareReview { date: date!(2026 - 02 - 27), iro: "Irene Olu".into(), participation: Participation::SpeaksForThemselves, decisions: vec![], report: None }],
                missing: vec![MissingEpisode { kind: MissingKind::Missing, start: date!(2026 - 03 - 10), end: Some(date!(2026 - 03 - 11)), interview: Some(ReturnInterview { offered: date!(2026 - 03 - 12), accepted: true }) }],
                visit_requests: vec![crate::care::planning::VisitRequest { by: crate::care::planning::VisitRequester::Iro, on: date!(2026 - 03 - 20) }],
                ..Planning::default()
            },
        };
        let decision = CareDecision {
            id: CareDecisionId::new(),
            child: child.id,
            route: CareRoute::Accommodation,
            proposed: date!(2026 - 01 - 28),
            proposed_by: UserId::new(),
            reasons: "Parents cannot care for her".into(),
            planned_start: None,
            authorisation: Some(Authorisation { by: UserId::new(), on: date!(2026 - 01 - 29), agreed: true, comments: String::new() }),
            meeting: Some(PlanningMeeting { held: date!(2026 - 01 - 30), attendees: "SW, TM".into(), plan: String::new() }),
            notified: vec![Notification { whom: Notified::ReviewingService, on: date!(2026 - 01 - 30) }],
            withdrawn: None,
            care_began: None,
        };
        let names = HashMap::from([(smith, "The Smith household".to_string())]);
        let events = FrontDoorEvents { care: std::slice::from_ref(&period), decisions: std::slice::from_ref(&decision), providers: Some(&names), ..Default::default() };
        let entries = build(&child, &[], &[], &[], &[], events, Some(ChronologyKind::Care));
        let began = entries.iter().find(|e| e.summary.starts_with("Became")).unwrap();
        assert_eq!((began.at, began.date_only), (datetime!(2026-02-02 21:15), false), "the time care began");
        let said: Vec<String> = entries.into_iter().map(|e| e.summary).collect();
        assert_eq!(
            said,
            [
                "Stopped being looked after: Returned home to parent(s) or others with parental responsibility, as part of the care plan",
                "Moved to a provider no longer on record (U6): The child asked for the placement to end",
                "Visit asked for by the child's IRO",
                "Returned from being missing; return interview accepted",
                "Missing from placement (M)",
                "Legal status changed: Interim care order (C1)",
                "Looked-after review chaired by Irene Olu (PN1)",
                "Care plan agreed",
                "Became looked after: section 20 (V2), placed with The Smith household (U6)",
                "Pre-care planning meeting held",
                "Told the Independent Reviewing Service that the child is coming into care",
                "Decision about care authorised by a manager",
                "Proposed: Accommodate with the agreement of those with parental responsibility (section 20)",
            ]
        );
    }
}
