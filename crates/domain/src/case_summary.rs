//! What every page about a child shows first: their status as alerts (on a plan, restricted,
//! unborn, deceased) and the dates a practitioner is asked about (next review, next visit,
//! last seen), worked out from the record, the episodes and the open tasks.
use crate::cin::codes::AbuseCategory;
use crate::cin::episode::Episode;
use crate::codes::Coded;
use crate::front_door::tasks::{Task, TaskKind};
use crate::person::PersonDetails;
use time::{Date, PrimitiveDateTime};

/// Something about the child that everyone opening the record must see at once.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Alert {
    ChildProtectionPlan { category: AbuseCategory, since: Date },
    ChildInNeedPlan { since: Date },
    LookedAfter { status: crate::care::codes::LegalStatus, since: Date },
    Restricted,
    /// The reader is using emergency (break-glass) access.
    EmergencyAccess,
    Unborn { expected: Date },
    Deceased { on: Date },
    /// A care leaver's status (eligible, relevant, former relevant, qualifying), derived.
    CareLeaver { status: crate::care::leaving::Status },
}

impl Alert {
    /// The alert in words (dates long, as everywhere else).
    pub fn label(&self) -> String {
        let day = crate::history::long_date;
        match self {
            Self::ChildProtectionPlan { category, since } => format!("Child protection plan ({}) since {}", category.label().to_lowercase(), day(since)),
            Self::ChildInNeedPlan { since } => format!("Child in need plan since {}", day(since)),
            Self::LookedAfter { status, since } => {
                use crate::codes::Coded;
                format!("Looked after ({}, {}) since {}", status.short(), status.code(), day(since))
            }
            Self::Restricted => "Restricted record".into(),
            Self::EmergencyAccess => "You are using emergency access".into(),
            Self::Unborn { expected } => format!("Unborn, expected {}", day(expected)),
            Self::Deceased { on } => format!("Died {}", day(on)),
            Self::CareLeaver { status } => format!("Care leaver: {}", status.code()),
        }
    }

    /// The GOV.UK tag colour: red for risk and access, the rest by kind.
    pub fn colour(&self) -> &'static str {
        match self {
            Self::ChildProtectionPlan { .. } | Self::Restricted | Self::EmergencyAccess => "red",
            Self::ChildInNeedPlan { .. } => "orange",
            Self::LookedAfter { .. } => "purple",
            Self::Unborn { .. } => "blue",
            Self::Deceased { .. } => "grey",
            Self::CareLeaver { .. } => "turquoise",
        }
    }
}

/// The alerts of a child on `today`, most serious first, from their episodes and periods of
/// care.
pub fn alerts(d: &PersonDetails, restricted: bool, emergency_access: bool, episodes: &[Episode], care: &[crate::care::episodes::PeriodOfCare], today: Date) -> Vec<Alert> {
    let mut out = Vec::new();
    if emergency_access {
        out.push(Alert::EmergencyAccess);
    }
    if let Some(on) = d.date_of_death {
        out.push(Alert::Deceased { on });
    }
    let open: Vec<&Episode> = episodes.iter().filter(|e| e.is_open()).collect();
    if let Some(p) = open.iter().filter_map(|e| e.open_cp_plan()).max_by_key(|p| p.start) {
        out.push(Alert::ChildProtectionPlan { category: p.latest_category, since: p.start });
    }
    if let Some((status, since)) = crate::care::episodes::looked_after_on(care, today) {
        out.push(Alert::LookedAfter { status, since });
    }
    if let Some(p) = open.iter().filter_map(|e| e.open_cin_plan()).max_by_key(|p| p.start) {
        out.push(Alert::ChildInNeedPlan { since: p.start });
    }
    if restricted {
        out.push(Alert::Restricted);
    }
    if let (true, Some(expected)) = (d.is_unborn(), d.expected_date_of_birth) {
        out.push(Alert::Unborn { expected });
    }
    out
}

/// Where a child's case stands, in a phrase, for lists of people (search results).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CaseStatus {
    ChildProtectionPlan,
    ChildInNeedPlan,
    /// An open episode without a plan yet (assessment, enquiry).
    Open,
    /// Known to children's social care before; nothing open now.
    Closed,
    /// Never had an episode.
    NotOpen,
}

impl CaseStatus {
    pub fn label(self) -> &'static str {
        match self {
            Self::ChildProtectionPlan => "Child protection plan",
            Self::ChildInNeedPlan => "Child in need plan",
            Self::Open => "Open case",
            Self::Closed => "Closed",
            Self::NotOpen => "No case",
        }
    }

    /// The GOV.UK tag colour, as the alerts of the same kind.
    pub fn colour(self) -> &'static str {
        match self {
            Self::ChildProtectionPlan => "red",
            Self::ChildInNeedPlan => "orange",
            Self::Open => "blue",
            Self::Closed | Self::NotOpen => "grey",
        }
    }
}

/// The most serious state of a child's episodes.
pub fn case_status(episodes: &[Episode]) -> CaseStatus {
    let open: Vec<&Episode> = episodes.iter().filter(|e| e.is_open()).collect();
    if open.iter().any(|e| e.open_cp_plan().is_some()) {
        CaseStatus::ChildProtectionPlan
    } else if open.iter().any(|e| e.open_cin_plan().is_some()) {
        CaseStatus::ChildInNeedPlan
    } else if !open.is_empty() {
        CaseStatus::Open
    } else if !episodes.is_empty() {
        CaseStatus::Closed
    } else {
        CaseStatus::NotOpen
    }
}

/// When the child was last seen, and last seen alone, by anyone recording a case note.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Seen {
    pub seen: Option<PrimitiveDateTime>,
    pub alone: Option<PrimitiveDateTime>,
}

/// A date due, with what is due.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Due {
    pub date: Date,
    pub what: &'static str,
}

/// The dates a practitioner is asked about first.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct KeyDates {
    /// The next conference or plan review.
    pub next_review: Option<Due>,
    pub next_visit: Option<Date>,
    /// A looked-after child's next health assessment (initial or review).
    pub next_health: Option<Date>,
    /// A looked-after child's next personal education plan.
    pub next_pep: Option<Date>,
    pub last_seen: Option<Date>,
    pub last_seen_alone: Option<Date>,
    /// When the child's current plan (protection first) began.
    pub plan_start: Option<Date>,
}

impl KeyDates {
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }
}

/// Reviews and conferences, each with the words the summary uses.
fn review_of(kind: TaskKind) -> Option<&'static str> {
    match kind {
        TaskKind::InitialConference => Some("initial child protection conference"),
        TaskKind::ReviewConference => Some("review child protection conference"),
        TaskKind::ChildInNeedPlanReview => Some("child in need plan review"),
        TaskKind::LookedAfterReview => Some("looked-after child's review"),
        _ => None,
    }
}

/// The key dates from a child's episodes, open tasks and case notes.
pub fn key_dates(episodes: &[Episode], open_tasks: &[Task], seen: Seen) -> KeyDates {
    let next_review = open_tasks.iter().filter_map(|t| review_of(t.kind).map(|what| Due { date: t.due, what })).min_by_key(|d| d.date);
    let next_visit = open_tasks.iter().filter(|t| matches!(t.kind, TaskKind::Visit | TaskKind::CareVisit)).map(|t| t.due).min();
    let next_health = open_tasks.iter().filter(|t| matches!(t.kind, TaskKind::InitialHealthAssessment | TaskKind::HealthAssessment)).map(|t| t.due).min();
    let next_pep = open_tasks.iter().filter(|t| t.kind == TaskKind::PersonalEducationPlan).map(|t| t.due).min();
    let open = || episodes.iter().filter(|e| e.is_open());
    let plan_start = open()
        .filter_map(|e| e.open_cp_plan())
        .map(|p| p.start)
        .max()
        .or_else(|| open().filter_map(|e| e.open_cin_plan()).map(|p| p.start).max());
    KeyDates { next_review, next_visit, next_health, next_pep, last_seen: seen.seen.map(|t| t.date()), last_seen_alone: seen.alone.map(|t| t.date()), plan_start }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cin::episode::{CinPlan, CpPlan, PlanContent};
    use crate::front_door::tasks::{TaskStatus, TaskSubject};
    use crate::person::PersonKind;
    use crate::cin::{EpisodeId, StepId};
    use crate::front_door::{ReferralId, TaskId};
    use crate::PersonId;
    use time::macros::{date, datetime};

    fn episode(child: PersonId) -> Episode {
        Episode::open(child, ReferralId::new(), date!(2026 - 01 - 05))
    }

    fn cp(start: Date, category: AbuseCategory) -> CpPlan {
        CpPlan { id: StepId::new(), conference: None, start, initial_category: AbuseCategory::ALL[0], latest_category: category, end: None, end_reason: None, visit_every_working_days: None, earlier_plans_not_held: 0 }
    }

    fn cin(start: Date) -> CinPlan {
        CinPlan { id: StepId::new(), start, end: None, content: PlanContent::default(), reviews: Vec::new(), visit_every_working_days: None }
    }

    #[test]
    fn a_case_status_is_the_most_serious_open_state() {
        let kid = PersonId::new();
        assert_eq!(case_status(&[]), CaseStatus::NotOpen);
        let mut e = episode(kid);
        assert_eq!(case_status(std::slice::from_ref(&e)), CaseStatus::Open);
        e.cin_plans.push(cin(date!(2026 - 02 - 01)));
        assert_eq!(case_status(std::slice::from_ref(&e)), CaseStatus::ChildInNeedPlan);
        let mut other = episode(kid);
        other.cp_plans.push(cp(date!(2026 - 03 - 10), AbuseCategory::ALL[0]));
        assert_eq!(case_status(&[e.clone(), other]), CaseStatus::ChildProtectionPlan);
        e.closure = Some(crate::cin::episode::Closure { date: date!(2026 - 04 - 01), reason: crate::cin::codes::ClosureReason::ALL[0], step_down: None });
        assert_eq!(case_status(&[e]), CaseStatus::Closed);
    }

    fn task(kind: TaskKind, due: Date, child: PersonId) -> Task {
        Task {
            id: TaskId::new(),
            kind,
            subject: TaskSubject::Episode(EpisodeId::new()),
            child,
            team: None,
            assignee: None,
            due,
            rule: String::new(),
            pack: String::new(),
            pack_version: String::new(),
            explanation: String::new(),
            status: TaskStatus::Open,
            step: String::new(),
            waiting: None,
            sent: None,
        }
    }

    #[test]
    fn a_child_on_a_plan_shows_the_plan_its_category_and_start() {
        let child = PersonId::new();
        let mut e = episode(child);
        e.cin_plans.push(cin(date!(2026 - 02 - 01)));
        e.cp_plans.push(cp(date!(2026 - 03 - 10), AbuseCategory::ALL[2]));
        let d = PersonDetails { date_of_birth: Some(date!(2016 - 01 - 01)), ..PersonDetails::named(PersonKind::Child, "Amy", "Lee") };
        let a = alerts(&d, true, false, std::slice::from_ref(&e), &[], date!(2026 - 12 - 07));
        assert_eq!(a[0], Alert::ChildProtectionPlan { category: AbuseCategory::ALL[2], since: date!(2026 - 03 - 10) });
        assert!(a[0].label().starts_with("Child protection plan (") && a[0].label().ends_with("since 10 March 2026"), "{}", a[0].label());
        assert_eq!(&a[1..], &[Alert::ChildInNeedPlan { since: date!(2026 - 02 - 01) }, Alert::Restricted]);
        assert_eq!(key_dates(&[e], &[], Seen::default()).plan_start, Some(date!(2026 - 03 - 10)), "the protection plan's start");
    }

    #[test]
    fn a_closed_episode_raises_no_alert() {
        let child = PersonId::new();
        let mut e = episode(child);
        e.cp_plans.push(cp(date!(2026 - 03 - 10), AbuseCategory::ALL[0]));
        e.closure = Some(crate::cin::episode::Closure { date: date!(2026 - 06 - 01), reason: crate::cin::codes::ClosureReason::ALL[0], step_down: None });
        let d = PersonDetails::named(PersonKind::Child, "Amy", "Lee");
        assert!(alerts(&d, false, false, &[e], &[], date!(2026 - 12 - 07)).is_empty());
    }

    #[test]
    fn a_looked_after_child_has_the_alert_while_care_lasts() {
        use crate::care::codes::{CategoryOfNeed, LegalStatus, PlacementProvider, PlacementType, ReasonEpisodeCeased};
        use crate::care::episodes::{Ending, LegalStatusFrom, PeriodOfCare, Placement};
        let start = date!(2025 - 09 - 01);
        let mut p = PeriodOfCare {
            start, start_time: None,
            need: CategoryOfNeed::AbuseOrNeglect,
            home_postcode: None,
            legal_statuses: vec![LegalStatusFrom { from: start, status: LegalStatus::FullCareOrder }],
            placements: vec![Placement { from: start, kind: PlacementType::FosterOther, provider: PlacementProvider::OwnProvision, urn: None, postcode: None, carer: crate::care::provider::ProviderId::new(), reason: None }],
            ended: None,
            planning: Default::default(),
        };
        let d = PersonDetails::named(PersonKind::Child, "Amy", "Quill");
        let a = alerts(&d, false, false, &[], std::slice::from_ref(&p), date!(2026 - 12 - 07));
        assert_eq!(a, vec![Alert::LookedAfter { status: LegalStatus::FullCareOrder, since: start }]);
        assert_eq!(a[0].label(), "Looked after (care order, C2) since 1 September 2025");
        assert_eq!(a[0].colour(), "purple");
        p.ended = Some(Ending { on: date!(2026 - 03 - 01), reason: ReasonEpisodeCeased::HomePlanned });
        assert!(alerts(&d, false, false, &[], &[p], date!(2026 - 12 - 07)).is_empty(), "care ended");
    }

    #[test]
    fn unborn_deceased_and_emergency_access_are_alerts() {
        let unborn = PersonDetails { expected_date_of_birth: Some(date!(2027 - 02 - 01)), ..PersonDetails::named(PersonKind::Child, "Baby", "Lee") };
        assert_eq!(alerts(&unborn, false, true, &[], &[], date!(2026 - 12 - 07)), vec![Alert::EmergencyAccess, Alert::Unborn { expected: date!(2027 - 02 - 01) }]);
        let died = PersonDetails { date_of_birth: Some(date!(2020 - 01 - 01)), date_of_death: Some(date!(2026 - 05 - 02)), ..PersonDetails::named(PersonKind::Child, "Amy", "Lee") };
        assert_eq!(alerts(&died, false, false, &[], &[], date!(2026 - 12 - 07)), vec![Alert::Deceased { on: date!(2026 - 05 - 02) }]);
    }

    #[test]
    fn key_dates_take_the_earliest_review_and_visit_and_the_latest_sightings() {
        let child = PersonId::new();
        let tasks = [
            task(TaskKind::ReviewConference, date!(2026 - 09 - 10), child),
            task(TaskKind::ChildInNeedPlanReview, date!(2026 - 08 - 01), child),
            task(TaskKind::Visit, date!(2026 - 07 - 20), child),
            task(TaskKind::Visit, date!(2026 - 07 - 12), child),
            task(TaskKind::CoreGroup, date!(2026 - 07 - 01), child),
        ];
        let seen = Seen { seen: Some(datetime!(2026 - 06 - 30 10:00)), alone: Some(datetime!(2026 - 06 - 02 11:00)) };
        let k = key_dates(&[], &tasks, seen);
        assert_eq!(k.next_review, Some(Due { date: date!(2026 - 08 - 01), what: "child in need plan review" }));
        assert_eq!(k.next_visit, Some(date!(2026 - 07 - 12)));
        assert_eq!((k.last_seen, k.last_seen_alone), (Some(date!(2026 - 06 - 30)), Some(date!(2026 - 06 - 02))));
        assert!(key_dates(&[], &[], Seen::default()).is_empty());
        // A looked-after child's review and regulation 28 visit count too.
        let tasks = [
            task(TaskKind::LookedAfterReview, date!(2026 - 07 - 30), child),
            task(TaskKind::CareVisit, date!(2026 - 07 - 10), child),
            task(TaskKind::Visit, date!(2026 - 07 - 12), child),
            task(TaskKind::InitialHealthAssessment, date!(2026 - 07 - 15), child),
            task(TaskKind::PersonalEducationPlan, date!(2026 - 07 - 31), child),
        ];
        let k = key_dates(&[], &tasks, Seen::default());
        assert_eq!((k.next_health, k.next_pep), (Some(date!(2026 - 07 - 15)), Some(date!(2026 - 07 - 31))));
        assert_eq!(k.next_review, Some(Due { date: date!(2026 - 07 - 30), what: "looked-after child's review" }));
        assert_eq!(k.next_visit, Some(date!(2026 - 07 - 10)));
    }
}
