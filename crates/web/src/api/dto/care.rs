//! Children in care and providers of placements. Codes are the DfE's SSDA903 codes (legal
//! status `C2`, placement type `U6`, …); the episodes are derived by Hearth and read-only.
use super::cin::Reader;
use super::{date, instant};
use hearth_app::{CareChange, CareProposal, DecisionChange, ShortBreak, ChildCare, MissingReturn, NewCare, PlacementChoice, ProviderPage, ProviderRow, ReviewHeld};
use hearth_domain::care::wellbeing::{Exclusion, ExclusionKind, HealthCheck, HealthCheckKind};
use hearth_domain::care::contact::{Attendance, ContactArrangement, ContactKind, ContactRequest, ContactSession, Priority, Queued, RequestOutcome};
use hearth_domain::care::decision::{CareDecision, CareRoute, Notification, Notified, PlanningMeeting, Stage};
use hearth_domain::care::planning::{VisitRequest, VisitRequester, Offence, OffenceOutcome, MissingKind, NamedIro, Participation, PermanenceOption, PermanencePlan, PlacementPlan, Planning, ReturnInterview, ReviewDecision, ReviewReport, Uasc};
use hearth_domain::care::codes::{CategoryOfNeed, LegalStatus, PlacementProvider, PlacementType, ReasonEpisodeCeased, ReasonPlaceChange};
use hearth_domain::care::episodes::{ClockTime, Ending, Episode, LegalStatusFrom, Placement};
use hearth_domain::care::postcode::Postcode;
use hearth_domain::care::provider::{Provider, ProviderId, ProviderKind};
use hearth_domain::codes::Coded;
use hearth_domain::{FieldErrors, PersonId, UserId};
use hearth_store::Versioned;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

/// A child's periods of care, earliest first.
#[derive(Serialize, ToSchema)]
pub struct ChildCareDto {
    /// Whether the child is looked after today.
    pub looked_after: bool,
    pub periods: Vec<CarePeriodDto>,
    /// What the open period has due now, from the policy pack: the care and placement
    /// plans, the next statutory visit and review, the permanence plan, a report's sign-off.
    pub due: Vec<DueStepDto>,
    /// Decisions about the child coming into care, newest proposal first.
    pub decisions: Vec<CareDecisionDto>,
}

#[derive(Serialize, ToSchema)]
pub struct DueStepDto {
    /// The task's kind (`care_plan`, `care_visit`, `looked_after_review`, …).
    pub kind: String,
    pub label: String,
    pub due: String,
    /// The pack's rule it is counted by.
    pub rule: String,
}

/// What was recorded while the child was looked after in a period.
#[derive(Serialize, ToSchema)]
pub struct PlanningDto {
    pub care_plan_agreed: Option<String>,
    pub placement_plans: Vec<PlacementPlanDto>,
    /// The placement agreed as long-term (the carers are to care for the child until 18).
    pub long_term: Option<PlacementPlanDto>,
    pub permanence_agreed: Option<String>,
    /// `return_home`, `child_arrangements`, `special_guardianship`, `adoption`,
    /// `long_term_fostering`, `residential`, `independence`.
    pub permanence_plan: Option<String>,
    pub iro_name: Option<String>,
    pub iro_from: Option<String>,
    /// The named IRO's Hearth account, when they have one.
    pub iro_user_id: Option<Uuid>,
    pub reviews: Vec<ReviewDto>,
    /// The report for the next review, while it is written and signed off.
    pub next_report: Option<ReportDto>,
    pub missing: Vec<MissingDto>,
    pub uasc_from: Option<String>,
    pub uasc_until: Option<String>,
    pub health: Vec<HealthCheckDto>,
    pub school: Option<String>,
    pub virtual_school_told: Option<String>,
    /// The days personal education plan meetings were held.
    pub peps: Vec<String>,
    pub exclusions: Vec<ExclusionDto>,
    pub contact: Vec<ArrangementDto>,
    pub contact_requests: Vec<ContactRequestDto>,
    /// Days school transport was arranged.
    pub school_transport: Vec<String>,
    pub offences: Vec<OffenceDto>,
    /// Visits the child (`child`) or their IRO (`iro`) asked for.
    pub visit_requests: Vec<VisitRequestDto>,
}

#[derive(Serialize, ToSchema)]
pub struct VisitRequestDto {
    pub by: String,
    pub on: String,
}

#[derive(Serialize, ToSchema)]
pub struct OffenceDto {
    /// `conviction`, `youth_caution`, `youth_conditional_caution`, `final_warning`.
    pub outcome: String,
    pub on: String,
}

/// A contact arrangement with its sessions.
#[derive(Serialize, ToSchema)]
pub struct ArrangementDto {
    pub number: u32,
    pub with: String,
    /// The family member's record, when linked.
    pub person_id: Option<Uuid>,
    /// `direct_supervised`, `direct_supported`, `direct_unsupervised`, `indirect`, `letterbox`.
    pub kind: String,
    pub frequency: String,
    pub venue: String,
    pub supervisor: String,
    pub court_ordered: bool,
    pub from: String,
    pub until: Option<String>,
    pub sessions: Vec<SessionDto>,
}

#[derive(Serialize, ToSchema)]
pub struct SessionDto {
    pub on: String,
    /// `took_place`, `child_did_not_attend`, `family_did_not_attend`, `cancelled`.
    pub attendance: String,
    pub observations: String,
}

#[derive(Serialize, ToSchema)]
pub struct ContactRequestDto {
    pub number: u32,
    pub arrangement: u32,
    pub made: String,
    pub for_proceedings: bool,
    pub supervised_for_risk: bool,
    pub note: String,
    /// `allocated`, `closed`, or `null` while waiting.
    pub outcome: Option<String>,
    pub outcome_on: Option<String>,
    /// The contact worker's name, or why it was closed.
    pub outcome_detail: Option<String>,
}

/// A request waiting for the Family Contact Service.
#[derive(Serialize, ToSchema)]
pub struct QueuedRequestDto {
    pub person_id: Uuid,
    pub age: Option<i32>,
    /// `proceedings`, `supervised_for_risk`, `under_14`, `other`: the group it sits in.
    pub priority: String,
    /// Why it sits there.
    pub why: String,
    pub request: ContactRequestDto,
    pub with: Option<String>,
}

fn request_dto(r: &ContactRequest) -> ContactRequestDto {
    let (outcome, on, detail) = match &r.outcome {
        None => (None, None, None),
        Some(RequestOutcome::Allocated { to, on }) => (Some("allocated"), Some(date(*on)), Some(to.clone())),
        Some(RequestOutcome::Closed { on, reason }) => (Some("closed"), Some(date(*on)), Some(reason.clone())),
    };
    ContactRequestDto {
        number: r.number,
        arrangement: r.arrangement,
        made: date(r.made),
        for_proceedings: r.for_proceedings,
        supervised_for_risk: r.supervised_for_risk,
        note: r.note.clone(),
        outcome: outcome.map(str::to_string),
        outcome_on: on,
        outcome_detail: detail,
    }
}

impl From<&Queued> for QueuedRequestDto {
    fn from(q: &Queued) -> Self {
        let priority = match q.priority {
            Priority::Proceedings => "proceedings",
            Priority::SupervisedForRisk => "supervised_for_risk",
            Priority::UnderFourteen => "under_14",
            Priority::Other => "other",
        };
        QueuedRequestDto { person_id: q.child.0, age: q.age, priority: priority.into(), why: q.priority.why().into(), request: request_dto(&q.request), with: q.arrangement.as_ref().map(|a| a.with.clone()) }
    }
}

#[derive(Serialize, ToSchema)]
pub struct HealthCheckDto {
    /// `initial_health_assessment`, `review_health_assessment`, `dental_check`,
    /// `immunisations`, `sdq`, `substance_misuse`.
    pub kind: String,
    pub on: String,
    /// The SDQ's total difficulties score.
    pub score: Option<u8>,
}

#[derive(Serialize, ToSchema)]
pub struct ExclusionDto {
    /// `suspension` or `permanent`.
    pub kind: String,
    pub from: String,
    pub days: Option<u16>,
}

#[derive(Serialize, ToSchema)]
pub struct PlacementPlanDto {
    /// The day the placement began.
    pub placement: String,
    pub agreed: String,
}

#[derive(Serialize, ToSchema)]
pub struct ReviewDto {
    pub date: String,
    pub iro: String,
    /// `PN0` to `PN7`.
    pub participation: String,
    pub decisions: Vec<DecisionBody>,
    pub report: Option<ReportDto>,
}

#[derive(Serialize, ToSchema)]
pub struct ReportDto {
    pub ready: String,
    pub signed_off_by: Option<Uuid>,
    pub signed_off_on: Option<String>,
    pub shared: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct MissingDto {
    /// `M` missing, `A` away without authorisation.
    pub kind: String,
    pub start: String,
    pub end: Option<String>,
    pub interview_offered: Option<String>,
    pub interview_accepted: Option<bool>,
    /// Whether the interview was offered within 72 hours of the return.
    pub interview_in_time: Option<bool>,
}

/// A review's decision: what, who, by when.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DecisionBody {
    pub action: String,
    #[serde(default)]
    pub owner: String,
    pub due: Option<String>,
}

fn report_dto(r: &ReviewReport) -> ReportDto {
    ReportDto { ready: date(r.ready), signed_off_by: r.signed_off.map(|s| s.by.0), signed_off_on: r.signed_off.map(|s| date(s.on)), shared: r.shared.map(date) }
}

impl From<&Planning> for PlanningDto {
    fn from(p: &Planning) -> Self {
        let plan = |pp: &PlacementPlan| PlacementPlanDto { placement: date(pp.placement), agreed: date(pp.agreed) };
        PlanningDto {
            care_plan_agreed: p.care_plan.map(date),
            placement_plans: p.placement_plans.iter().map(plan).collect(),
            long_term: p.long_term.as_ref().map(plan),
            permanence_agreed: p.permanence.map(|x| date(x.agreed)),
            permanence_plan: p.permanence.map(|x| code(x.plan)),
            iro_name: p.iro.as_ref().map(|i| i.name.clone()),
            iro_from: p.iro.as_ref().map(|i| date(i.from)),
            iro_user_id: p.iro.as_ref().and_then(|i| i.user).map(|u| u.0),
            reviews: p
                .reviews
                .iter()
                .map(|r| ReviewDto {
                    date: date(r.date),
                    iro: r.iro.clone(),
                    participation: code(r.participation),
                    decisions: r.decisions.iter().map(|d| DecisionBody { action: d.action.clone(), owner: d.owner.clone(), due: d.due.map(date) }).collect(),
                    report: r.report.as_ref().map(report_dto),
                })
                .collect(),
            next_report: p.next_report.as_ref().map(report_dto),
            missing: p
                .missing
                .iter()
                .map(|m| MissingDto {
                    kind: code(m.kind),
                    start: date(m.start),
                    end: m.end.map(date),
                    interview_offered: m.interview.map(|i| date(i.offered)),
                    interview_accepted: m.interview.map(|i| i.accepted),
                    interview_in_time: m.interview_in_time(),
                })
                .collect(),
            uasc_from: p.uasc.map(|u| date(u.from)),
            uasc_until: p.uasc.and_then(|u| u.until.map(date)),
            health: p.health.iter().map(|h| HealthCheckDto { kind: code(h.kind), on: date(h.on), score: h.score }).collect(),
            school: p.education.school.clone(),
            virtual_school_told: p.education.virtual_school_told.map(date),
            peps: p.education.peps.iter().copied().map(date).collect(),
            exclusions: p.education.exclusions.iter().map(|x| ExclusionDto { kind: code(x.kind), from: date(x.from), days: x.days }).collect(),
            contact: p
                .contact
                .iter()
                .map(|a| ArrangementDto {
                    number: a.number,
                    with: a.with.clone(),
                    person_id: a.person.map(|p| p.0),
                    kind: code(a.kind),
                    frequency: a.frequency.clone(),
                    venue: a.venue.clone(),
                    supervisor: a.supervisor.clone(),
                    court_ordered: a.court_ordered,
                    from: date(a.from),
                    until: a.until.map(date),
                    sessions: a.sessions.iter().map(|x| SessionDto { on: date(x.on), attendance: code(x.attendance), observations: x.observations.clone() }).collect(),
                })
                .collect(),
            contact_requests: p.contact_requests.iter().map(request_dto).collect(),
            school_transport: p.education.transport.iter().copied().map(date).collect(),
            offences: p.offences.iter().map(|o| OffenceDto { outcome: code(o.outcome), on: date(o.on) }).collect(),
            visit_requests: p.visit_requests.iter().map(|v| VisitRequestDto { by: code(v.by), on: date(v.on) }).collect(),
        }
    }
}

/// A period of care as recorded, with the episodes the SSDA903 return counts.
#[derive(Serialize, ToSchema)]
pub struct CarePeriodDto {
    pub id: Uuid,
    /// Send it back with a change: a stale version is a 409.
    pub version: i64,
    pub start: String,
    /// The time care began, `HH:MM`, where recorded.
    pub start_time: Option<String>,
    /// Category of need, `N1` to `N8`.
    pub category_of_need: String,
    pub home_postcode: Option<String>,
    pub legal_statuses: Vec<LegalStatusDto>,
    pub placements: Vec<PlacementDto>,
    pub ended: Option<String>,
    /// Reason episode ceased (`E11`, `E4A`, …) when care has ended.
    pub reason_ended: Option<String>,
    pub episodes: Vec<EpisodeDto>,
    pub planning: PlanningDto,
    pub updated_at: String,
}

#[derive(Serialize, ToSchema)]
pub struct LegalStatusDto {
    pub from: String,
    /// `C1`, `C2`, `D1`, `E1`, `J1`–`J3`, `L1`–`L3`, `V2`–`V4`.
    pub status: String,
}

#[derive(Serialize, ToSchema)]
pub struct PlacementDto {
    pub from: String,
    /// Placement type, e.g. `U6`.
    pub placement_type: String,
    /// Who provides it, `PR0` to `PR5`.
    pub placement_provider: String,
    pub provider_id: Uuid,
    pub provider_name: String,
    pub urn: Option<String>,
    pub postcode: Option<String>,
    /// Reason for the change of placement (`CARPL`, …); `null` for the first.
    pub reason: Option<String>,
}

/// One episode: a row of the return's episodes table.
#[derive(Serialize, ToSchema)]
pub struct EpisodeDto {
    pub start: String,
    /// Reason for new episode: `S`, `L`, `P`, `T`, `U`, `B`.
    pub reason_new_episode: String,
    pub legal_status: String,
    pub category_of_need: String,
    pub placement_type: String,
    pub placement_provider: String,
    pub urn: Option<String>,
    pub placement_postcode: Option<String>,
    pub home_postcode: Option<String>,
    pub reason_place_change: Option<String>,
    pub end: Option<String>,
    pub reason_ceased: Option<String>,
}

fn code<C: Coded>(c: C) -> String {
    c.code().to_string()
}

fn postcode(p: &Option<Postcode>) -> Option<String> {
    p.as_ref().map(|p| p.to_string())
}

impl From<&Episode> for EpisodeDto {
    fn from(e: &Episode) -> Self {
        EpisodeDto {
            start: date(e.start),
            reason_new_episode: code(e.reason_new),
            legal_status: code(e.legal_status),
            category_of_need: code(e.need),
            placement_type: code(e.placement.kind),
            placement_provider: code(e.placement.provider),
            urn: e.placement.urn.clone(),
            placement_postcode: postcode(&e.placement.postcode),
            home_postcode: postcode(&e.home_postcode),
            reason_place_change: e.reason_place_change.map(code),
            end: e.end.map(date),
            reason_ceased: e.reason_ceased.map(code),
        }
    }
}

impl From<&ChildCare> for ChildCareDto {
    fn from(c: &ChildCare) -> Self {
        let placement = |p: &Placement| PlacementDto {
            from: date(p.from),
            placement_type: code(p.kind),
            placement_provider: code(p.provider),
            provider_id: p.carer.0,
            provider_name: c.provider_name(p.carer).to_string(),
            urn: p.urn.clone(),
            postcode: postcode(&p.postcode),
            reason: p.reason.map(code),
        };
        ChildCareDto {
            looked_after: c.current(c.summary.today).is_some(),
            periods: c
                .periods
                .iter()
                .map(|v| {
                    let p = &v.record.value.period;
                    CarePeriodDto {
                        id: v.record.value.id.0,
                        version: v.record.version,
                        start: date(p.start),
                        start_time: p.start_time.map(|t| t.to_string()),
                        category_of_need: code(p.need),
                        home_postcode: postcode(&p.home_postcode),
                        legal_statuses: p.legal_statuses.iter().map(|l| LegalStatusDto { from: date(l.from), status: code(l.status) }).collect(),
                        placements: p.placements.iter().map(placement).collect(),
                        ended: p.ended.map(|e| date(e.on)),
                        reason_ended: p.ended.map(|e| code(e.reason)),
                        episodes: v.episodes.iter().map(Into::into).collect(),
                        planning: (&p.planning).into(),
                        updated_at: instant(v.record.updated_at),
                    }
                })
                .collect(),
            due: c.due.iter().chain(&c.decision_due).map(|d| DueStepDto { kind: d.kind.code().to_string(), label: d.kind.label().to_string(), due: date(d.deadline.due.date()), rule: d.deadline.rule.clone() }).collect(),
            decisions: c.decisions.iter().map(Into::into).collect(),
        }
    }
}

/// A child becoming looked after.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StartCare {
    /// The day care began, `YYYY-MM-DD`.
    pub start: Option<String>,
    /// The time care began, `HH:MM` on the 24-hour clock (optional).
    pub start_time: Option<String>,
    /// The legal status the child became looked after under (`V2`, `C2`, …).
    pub legal_status: Option<String>,
    /// `N1` to `N8`.
    pub category_of_need: Option<String>,
    pub home_postcode: Option<String>,
    /// The first placement's type (`U6`, `K2`, …).
    pub placement_type: Option<String>,
    /// The provider from `GET /providers`.
    pub provider_id: Option<Uuid>,
}

fn required<T>(r: &mut Reader, field: &str, v: Option<T>) -> Option<T> {
    if v.is_none() && r.0.get(field).is_none() {
        r.0.add(field, "This field is required");
    }
    v
}

fn postcode_field(r: &mut Reader, field: &str, v: &Option<String>) -> Option<Postcode> {
    let s = v.as_deref().map(str::trim).filter(|s| !s.is_empty())?;
    Postcode::parse(s).map_err(|why| r.0.add(field, why)).ok()
}

impl StartCare {
    pub fn to_domain(&self) -> Result<NewCare, FieldErrors> {
        let mut r = Reader(FieldErrors::new());
        let start = r.required_date("start", &self.start);
        let legal_status = r.code::<LegalStatus>("legal_status", &self.legal_status);
        let legal_status = required(&mut r, "legal_status", legal_status);
        let need = r.code::<CategoryOfNeed>("category_of_need", &self.category_of_need);
        let need = required(&mut r, "category_of_need", need);
        let home_postcode = postcode_field(&mut r, "home_postcode", &self.home_postcode);
        let kind = r.code::<PlacementType>("placement_type", &self.placement_type);
        let kind = required(&mut r, "placement_type", kind);
        let provider = required(&mut r, "provider_id", self.provider_id.map(ProviderId));
        let start_time = r.parsed("start_time", &self.start_time, |s| s.parse::<ClockTime>().ok(), "Enter a time as HH:MM on the 24-hour clock, for example 21:30");
        r.0.clone().into_result()?;
        match (start, legal_status, need, kind, provider) {
            (Some(start), Some(legal_status), Some(need), Some(kind), Some(provider)) => Ok(NewCare { start, start_time, legal_status, need, home_postcode, kind, provider }),
            _ => Err(FieldErrors::one("start", "This field is required")),
        }
    }
}

/// One short break of a series recorded break by break (legal status `V3`).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ShortBreakBody {
    /// The day the break began, `YYYY-MM-DD`.
    pub from: Option<String>,
    /// The day the child went home.
    pub to: Option<String>,
    /// `N1` to `N8`.
    pub category_of_need: Option<String>,
    pub placement_type: Option<String>,
    /// The provider from `GET /providers`.
    pub provider_id: Option<Uuid>,
}

impl ShortBreakBody {
    pub fn to_domain(&self) -> Result<ShortBreak, FieldErrors> {
        let mut r = Reader(FieldErrors::new());
        let from = r.required_date("from", &self.from);
        let to = r.required_date("to", &self.to);
        let need = r.code::<CategoryOfNeed>("category_of_need", &self.category_of_need);
        let need = required(&mut r, "category_of_need", need);
        let kind = r.code::<PlacementType>("placement_type", &self.placement_type);
        let kind = required(&mut r, "placement_type", kind);
        let provider = required(&mut r, "provider_id", self.provider_id.map(ProviderId));
        r.0.clone().into_result()?;
        match (from, to, need, kind, provider) {
            (Some(from), Some(to), Some(need), Some(kind), Some(provider)) => Ok(ShortBreak { from, to, need, kind, provider }),
            _ => Err(FieldErrors::one("from", "This field is required")),
        }
    }
}

/// A change to a period of care, at the version the client read.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CareChangeBody {
    pub version: i64,
    pub change: CareChangeKind,
}

/// One change, named by `type`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum CareChangeKind {
    /// A new legal status from a day.
    LegalStatus { from: Option<String>, legal_status: Option<String> },
    /// A move: a new placement, the same carers at a new address, or a new placement type.
    Move { from: Option<String>, placement_type: Option<String>, provider_id: Option<Uuid>, reason: Option<String> },
    /// Care ended.
    End { on: Option<String>, reason: Option<String> },
    /// The care plan agreed on a day.
    CarePlan { on: Option<String> },
    /// The plan of the placement the child is in today, agreed on a day.
    PlacementPlan { on: Option<String> },
    /// The placement the child is in today agreed as long-term on a day.
    LongTerm { on: Option<String> },
    /// The permanence plan (`return_home`, `adoption`, …) agreed on a day.
    Permanence { on: Option<String>, plan: Option<String> },
    /// The independent reviewing officer named for the child from a day: an IRO's account
    /// (`user_id`, a user with the role `reviewing_officer`; their name is taken from it), or
    /// the name of one without an account.
    Iro { name: Option<String>, from: Option<String>, user_id: Option<Uuid> },
    /// The report for the next review finished and sent for sign-off.
    ReportReady { on: Option<String> },
    /// A manager signs the report off today.
    SignOffReport {},
    /// The signed-off report shared with everyone taking part.
    ReportShared { on: Option<String> },
    /// A review held, chaired by the IRO named for the child.
    Review {
        date: Option<String>,
        /// `PN0` to `PN7`.
        participation: Option<String>,
        #[serde(default)]
        decisions: Vec<DecisionBody>,
    },
    /// The child went missing (`M`) or away without authorisation (`A`).
    Missing { kind: Option<String>, start: Option<String> },
    /// The child came back; the return interview if one was offered.
    Returned { end: Option<String>, interview_offered: Option<String>, interview_accepted: Option<bool> },
    /// The child is an unaccompanied asylum seeker from a day (until one).
    Uasc { from: Option<String>, until: Option<String> },
    /// A health check: `kind` as in `PlanningDto.health`; `score` only for an SDQ (0–40).
    Health { kind: Option<String>, on: Option<String>, score: Option<u8> },
    /// The school the child attends and the day the virtual school was told.
    School { name: Option<String>, virtual_school_told: Option<String> },
    /// A personal education plan meeting held on a day.
    Pep { on: Option<String> },
    /// An exclusion: `suspension` (with its school days) or `permanent`.
    Exclusion { kind: Option<String>, from: Option<String>, days: Option<u16> },
    /// A contact arrangement (`kind` as in `ArrangementDto`).
    Contact {
        with: Option<String>,
        /// The family member's Hearth id, when they have a record in the child's network.
        person_id: Option<Uuid>,
        kind: Option<String>,
        frequency: Option<String>,
        #[serde(default)]
        venue: String,
        #[serde(default)]
        supervisor: String,
        court_ordered: Option<bool>,
        from: Option<String>,
    },
    /// Arrangement `arrangement` ended on a day.
    ContactEnd { arrangement: Option<u32>, on: Option<String> },
    /// Arrangement `arrangement` continues on new terms from `from`: the old terms end the
    /// day before; the new ones become the next arrangement with the same person.
    ContactChange {
        arrangement: Option<u32>,
        kind: Option<String>,
        frequency: Option<String>,
        #[serde(default)]
        venue: String,
        #[serde(default)]
        supervisor: String,
        court_ordered: Option<bool>,
        from: Option<String>,
    },
    /// A session of arrangement `arrangement` (`attendance` as in `SessionDto`).
    ContactSession {
        arrangement: Option<u32>,
        on: Option<String>,
        attendance: Option<String>,
        #[serde(default)]
        observations: String,
    },
    /// A request to the Family Contact Service about arrangement `arrangement`.
    ContactRequest {
        arrangement: Option<u32>,
        made: Option<String>,
        for_proceedings: Option<bool>,
        supervised_for_risk: Option<bool>,
        #[serde(default)]
        note: String,
    },
    /// A manager allocates request `request` (`outcome`: `allocated`, with the contact
    /// worker's name in `detail`) or closes it (`closed`, with why).
    ContactOutcome { request: Option<u32>, outcome: Option<String>, detail: Option<String>, on: Option<String> },
    /// School transport arranged on a day.
    SchoolTransport { on: Option<String> },
    /// A conviction or caution (`outcome` as in `OffenceDto`).
    Offence { outcome: Option<String>, on: Option<String> },
    /// The child (`by`: `child`) or their IRO (`iro`) asked for a visit on a day: the next
    /// statutory visit is due within five working days (the pack's
    /// `statutory_visit_on_request`) unless it is due sooner.
    VisitRequest { by: Option<String>, on: Option<String> },
}

impl CareChangeKind {
    pub fn to_domain(&self) -> Result<CareChange, FieldErrors> {
        let mut r = Reader(FieldErrors::new());
        let change = match self {
            CareChangeKind::LegalStatus { from, legal_status } => {
                let from = r.required_date("from", from);
                let status = r.code::<LegalStatus>("legal_status", legal_status);
                let status = required(&mut r, "legal_status", status);
                from.zip(status).map(|(from, status)| CareChange::LegalStatus(LegalStatusFrom { from, status }))
            }
            CareChangeKind::Move { from, placement_type, provider_id, reason } => {
                let from = r.required_date("from", from);
                let kind = r.code::<PlacementType>("placement_type", placement_type);
                let kind = required(&mut r, "placement_type", kind);
                let provider = required(&mut r, "provider_id", provider_id.map(ProviderId));
                let reason = r.code::<ReasonPlaceChange>("reason", reason);
                match (from, kind, provider) {
                    (Some(from), Some(kind), Some(provider)) => Some(CareChange::Move(PlacementChoice { from, kind, provider, reason })),
                    _ => None,
                }
            }
            CareChangeKind::End { on, reason } => {
                let on = r.required_date("on", on);
                let reason = r.code::<ReasonEpisodeCeased>("reason", reason);
                let reason = required(&mut r, "reason", reason);
                on.zip(reason).map(|(on, reason)| CareChange::End(Ending { on, reason }))
            }
            CareChangeKind::CarePlan { on } => r.required_date("on", on).map(CareChange::CarePlan),
            CareChangeKind::PlacementPlan { on } => r.required_date("on", on).map(CareChange::PlacementPlan),
            CareChangeKind::LongTerm { on } => r.required_date("on", on).map(CareChange::LongTerm),
            CareChangeKind::ReportReady { on } => r.required_date("on", on).map(CareChange::ReportReady),
            CareChangeKind::ReportShared { on } => r.required_date("on", on).map(CareChange::ReportShared),
            CareChangeKind::SignOffReport {} => Some(CareChange::SignOffReport),
            CareChangeKind::Permanence { on, plan } => {
                let agreed = r.required_date("on", on);
                let plan = r.code::<PermanenceOption>("plan", plan);
                let plan = required(&mut r, "plan", plan);
                agreed.zip(plan).map(|(agreed, plan)| CareChange::Permanence(PermanencePlan { agreed, plan }))
            }
            CareChangeKind::Iro { name, from, user_id } => {
                let name = name.as_deref().map(str::trim).filter(|n| !n.is_empty()).map(str::to_string);
                // With an account, the name is the account's.
                let name = if user_id.is_some() { Some(String::new()) } else { required(&mut r, "name", name) };
                let from = r.required_date("from", from);
                name.zip(from).map(|(name, from)| CareChange::Iro(NamedIro { name, from, user: user_id.map(UserId) }))
            }
            CareChangeKind::Review { date, participation, decisions } => {
                let date = r.required_date("date", date);
                let participation = r.code::<Participation>("participation", participation);
                let participation = required(&mut r, "participation", participation);
                let decisions = decisions
                    .iter()
                    .enumerate()
                    .map(|(i, d)| ReviewDecision { action: d.action.trim().to_string(), owner: d.owner.trim().to_string(), due: r.date(&format!("decisions[{i}].due"), &d.due) })
                    .collect();
                date.zip(participation).map(|(date, participation)| CareChange::Review(ReviewHeld { date, participation, decisions }))
            }
            CareChangeKind::Missing { kind, start } => {
                let kind = r.code::<MissingKind>("kind", kind);
                let kind = required(&mut r, "kind", kind);
                let start = r.required_date("start", start);
                kind.zip(start).map(|(kind, start)| CareChange::Missing { kind, start })
            }
            CareChangeKind::Returned { end, interview_offered, interview_accepted } => {
                let end = r.required_date("end", end);
                let offered = r.date("interview_offered", interview_offered);
                let interview = match (offered, interview_accepted) {
                    (Some(offered), Some(accepted)) => Some(ReturnInterview { offered, accepted: *accepted }),
                    (None, None) => None,
                    (Some(_), None) => {
                        r.0.add("interview_accepted", "Say whether the interview was accepted");
                        None
                    }
                    (None, Some(_)) => {
                        if r.0.get("interview_offered").is_none() {
                            r.0.add("interview_offered", "Enter the date the interview was offered");
                        }
                        None
                    }
                };
                end.map(|end| CareChange::Returned(MissingReturn { end, interview }))
            }
            CareChangeKind::Health { kind, on, score } => {
                let kind = r.code::<HealthCheckKind>("kind", kind);
                let kind = required(&mut r, "kind", kind);
                let on = r.required_date("on", on);
                kind.zip(on).map(|(kind, on)| CareChange::Health(HealthCheck { kind, on, score: *score }))
            }
            CareChangeKind::School { name, virtual_school_told } => {
                let name = required(&mut r, "name", name.as_deref().map(str::trim).filter(|n| !n.is_empty()).map(str::to_string));
                let told = r.date("virtual_school_told", virtual_school_told);
                name.map(|name| CareChange::School { name, virtual_school_told: told })
            }
            CareChangeKind::Pep { on } => r.required_date("on", on).map(CareChange::Pep),
            CareChangeKind::Exclusion { kind, from, days } => {
                let kind = r.code::<ExclusionKind>("kind", kind);
                let kind = required(&mut r, "kind", kind);
                let from = r.required_date("from", from);
                kind.zip(from).map(|(kind, from)| CareChange::Exclusion(Exclusion { kind, from, days: *days }))
            }
            CareChangeKind::Contact { with, person_id, kind, frequency, venue, supervisor, court_ordered, from } => {
                let kind = r.code::<ContactKind>("kind", kind);
                let kind = required(&mut r, "kind", kind);
                let court_ordered = required(&mut r, "court_ordered", *court_ordered);
                let from = r.required_date("from", from);
                match (kind, court_ordered, from) {
                    (Some(kind), Some(court_ordered), Some(from)) => Some(CareChange::Contact(ContactArrangement {
                        number: 0,
                        with: with.as_deref().unwrap_or("").trim().to_string(),
                        person: person_id.map(PersonId),
                        kind,
                        frequency: frequency.as_deref().unwrap_or("").trim().to_string(),
                        venue: venue.trim().to_string(),
                        supervisor: supervisor.trim().to_string(),
                        court_ordered,
                        from,
                        until: None,
                        sessions: Vec::new(),
                    })),
                    _ => None,
                }
            }
            CareChangeKind::ContactEnd { arrangement, on } => {
                let arrangement = required(&mut r, "arrangement", *arrangement);
                let on = r.required_date("on", on);
                arrangement.zip(on).map(|(arrangement, on)| CareChange::EndContact { arrangement, on })
            }
            CareChangeKind::ContactChange { arrangement, kind, frequency, venue, supervisor, court_ordered, from } => {
                let arrangement = required(&mut r, "arrangement", *arrangement);
                let kind = r.code::<ContactKind>("kind", kind);
                let kind = required(&mut r, "kind", kind);
                let court_ordered = required(&mut r, "court_ordered", *court_ordered);
                let from = r.required_date("from", from);
                match (arrangement, kind, court_ordered, from) {
                    (Some(arrangement), Some(kind), Some(court_ordered), Some(from)) => {
                        let frequency = frequency.as_deref().unwrap_or("").trim().to_string();
                        let terms = ContactArrangement { number: 0, with: String::new(), person: None, kind, frequency, venue: venue.trim().to_string(), supervisor: supervisor.trim().to_string(), court_ordered, from, until: None, sessions: Vec::new() };
                        Some(CareChange::ChangeContact { arrangement, terms })
                    }
                    _ => None,
                }
            }
            CareChangeKind::ContactSession { arrangement, on, attendance, observations } => {
                let arrangement = required(&mut r, "arrangement", *arrangement);
                let on = r.required_date("on", on);
                let attendance = r.code::<Attendance>("attendance", attendance);
                let attendance = required(&mut r, "attendance", attendance);
                match (arrangement, on, attendance) {
                    (Some(arrangement), Some(on), Some(attendance)) => Some(CareChange::ContactSession { arrangement, session: ContactSession { on, attendance, observations: observations.trim().to_string() } }),
                    _ => None,
                }
            }
            CareChangeKind::ContactRequest { arrangement, made, for_proceedings, supervised_for_risk, note } => {
                let arrangement = required(&mut r, "arrangement", *arrangement);
                let made = r.required_date("made", made);
                let for_proceedings = required(&mut r, "for_proceedings", *for_proceedings);
                let supervised_for_risk = required(&mut r, "supervised_for_risk", *supervised_for_risk);
                match (arrangement, made, for_proceedings, supervised_for_risk) {
                    (Some(arrangement), Some(made), Some(for_proceedings), Some(supervised_for_risk)) => {
                        Some(CareChange::ContactRequest(ContactRequest { number: 0, arrangement, made, for_proceedings, supervised_for_risk, note: note.trim().to_string(), outcome: None }))
                    }
                    _ => None,
                }
            }
            CareChangeKind::ContactOutcome { request, outcome, detail, on } => {
                let request = required(&mut r, "request", *request);
                let on = r.required_date("on", on);
                let detail = detail.as_deref().unwrap_or("").trim().to_string();
                let outcome = match (outcome.as_deref(), on) {
                    (Some("allocated"), Some(on)) => Some(RequestOutcome::Allocated { to: detail, on }),
                    (Some("closed"), Some(on)) => Some(RequestOutcome::Closed { on, reason: detail }),
                    (Some("allocated" | "closed"), None) => None,
                    _ => {
                        r.0.add("outcome", "Enter allocated or closed");
                        None
                    }
                };
                request.zip(outcome).map(|(request, outcome)| CareChange::ContactOutcome { request, outcome })
            }
            CareChangeKind::SchoolTransport { on } => r.required_date("on", on).map(CareChange::Transport),
            CareChangeKind::Offence { outcome, on } => {
                let outcome = r.code::<OffenceOutcome>("outcome", outcome);
                let outcome = required(&mut r, "outcome", outcome);
                let on = r.required_date("on", on);
                outcome.zip(on).map(|(outcome, on)| CareChange::Offence(Offence { outcome, on }))
            }
            CareChangeKind::VisitRequest { by, on } => {
                let by = r.code::<VisitRequester>("by", by);
                let by = required(&mut r, "by", by);
                let on = r.required_date("on", on);
                by.zip(on).map(|(by, on)| CareChange::VisitRequest(VisitRequest { by, on }))
            }
            CareChangeKind::Uasc { from, until } => {
                let from = r.required_date("from", from);
                let until = r.date("until", until);
                from.map(|from| CareChange::Uasc(Uasc { from, until }))
            }
        };
        r.0.clone().into_result()?;
        change.ok_or_else(|| FieldErrors::one("change", "This change is not complete"))
    }
}

// ---- decisions about care ------------------------------------------------------------------

/// A decision about a child coming into care, from the proposal on.
#[derive(Serialize, ToSchema)]
pub struct CareDecisionDto {
    pub id: Uuid,
    /// Send it back with a change: a stale version is a 409.
    pub version: i64,
    /// `section_20`, `care_order` or `emergency_protection`.
    pub route: String,
    /// `proposed` (waiting for a manager), `agreed`, `not_agreed`, `withdrawn` or `care_began`.
    pub stage: String,
    pub proposed: String,
    pub proposed_by: Uuid,
    pub reasons: String,
    pub planned_start: Option<String>,
    pub authorisation: Option<AuthorisationDto>,
    pub meeting: Option<MeetingDto>,
    pub notified: Vec<NotifiedDto>,
    pub withdrawn: Option<String>,
    /// The period of care that began under it.
    pub care_period_id: Option<Uuid>,
}

#[derive(Serialize, ToSchema)]
pub struct AuthorisationDto {
    pub by: Uuid,
    pub on: String,
    pub agreed: bool,
    pub comments: String,
}

#[derive(Serialize, ToSchema)]
pub struct MeetingDto {
    pub held: String,
    pub attendees: String,
    pub plan: String,
}

#[derive(Serialize, ToSchema)]
pub struct NotifiedDto {
    /// `reviewing_service`, `health` or `education`.
    pub whom: String,
    pub on: String,
}

impl From<&Versioned<CareDecision>> for CareDecisionDto {
    fn from(v: &Versioned<CareDecision>) -> Self {
        let d = &v.value;
        let stage = match d.stage() {
            Stage::Proposed => "proposed",
            Stage::Agreed => "agreed",
            Stage::NotAgreed => "not_agreed",
            Stage::Withdrawn => "withdrawn",
            Stage::CareBegan => "care_began",
        };
        CareDecisionDto {
            id: d.id.0,
            version: v.version,
            route: code(d.route),
            stage: stage.into(),
            proposed: date(d.proposed),
            proposed_by: d.proposed_by.0,
            reasons: d.reasons.clone(),
            planned_start: d.planned_start.map(date),
            authorisation: d.authorisation.as_ref().map(|a| AuthorisationDto { by: a.by.0, on: date(a.on), agreed: a.agreed, comments: a.comments.clone() }),
            meeting: d.meeting.as_ref().map(|m| MeetingDto { held: date(m.held), attendees: m.attendees.clone(), plan: m.plan.clone() }),
            notified: d.notified.iter().map(|n| NotifiedDto { whom: code(n.whom), on: date(n.on) }).collect(),
            withdrawn: d.withdrawn.map(date),
            care_period_id: d.care_began.map(|p| p.0),
        }
    }
}

/// A worker's proposal that a child come into care.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProposeCare {
    /// `section_20`, `care_order` or `emergency_protection`.
    pub route: Option<String>,
    pub reasons: Option<String>,
    /// When the child is expected to come into care, `YYYY-MM-DD` (blank in an emergency).
    pub planned_start: Option<String>,
}

impl ProposeCare {
    pub fn to_domain(&self) -> Result<CareProposal, FieldErrors> {
        let mut r = Reader(FieldErrors::new());
        let route = r.code::<CareRoute>("route", &self.route);
        let route = required(&mut r, "route", route);
        let planned_start = r.date("planned_start", &self.planned_start);
        r.0.clone().into_result()?;
        let reasons = self.reasons.clone().unwrap_or_default();
        route.map(|route| CareProposal { route, reasons, planned_start }).ok_or_else(|| FieldErrors::one("route", "This field is required"))
    }
}

/// A step on a decision, at the version the client read.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DecisionChangeBody {
    pub version: i64,
    pub change: DecisionChangeKind,
}

/// One step, named by `type`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum DecisionChangeKind {
    /// A manager other than the proposer agrees (`agreed: true`) or, saying why in
    /// `comments`, does not.
    Authorise { agreed: Option<bool>, comments: Option<String> },
    /// The pre-care planning meeting.
    Meeting { held: Option<String>, attendees: Option<String>, plan: Option<String> },
    /// `whom` (`reviewing_service`, `health`, `education`) told on a day.
    Notified { whom: Option<String>, on: Option<String> },
    /// The proposal withdrawn on a day.
    Withdraw { on: Option<String> },
}

impl DecisionChangeKind {
    pub fn to_domain(&self) -> Result<DecisionChange, FieldErrors> {
        let mut r = Reader(FieldErrors::new());
        let text = |v: &Option<String>| v.clone().unwrap_or_default();
        let change = match self {
            DecisionChangeKind::Authorise { agreed, comments } => required(&mut r, "agreed", *agreed).map(|agreed| DecisionChange::Authorise { agreed, comments: text(comments) }),
            DecisionChangeKind::Meeting { held, attendees, plan } => r.required_date("held", held).map(|held| DecisionChange::Meeting(PlanningMeeting { held, attendees: text(attendees), plan: text(plan) })),
            DecisionChangeKind::Notified { whom, on } => {
                let whom = r.code::<Notified>("whom", whom);
                let whom = required(&mut r, "whom", whom);
                let on = r.required_date("on", on);
                whom.zip(on).map(|(whom, on)| DecisionChange::Told(Notification { whom, on }))
            }
            DecisionChangeKind::Withdraw { on } => r.required_date("on", on).map(DecisionChange::Withdraw),
        };
        r.0.clone().into_result()?;
        change.ok_or_else(|| FieldErrors::one("change", "This change is not complete"))
    }
}

/// The period's version after a change.
#[derive(Serialize, ToSchema)]
pub struct CareChanged {
    pub version: i64,
}

// ---- providers ----------------------------------------------------------------------------

/// A provider of placements.
#[derive(Serialize, ToSchema)]
pub struct ProviderDto {
    pub id: Uuid,
    pub name: String,
    /// `foster_household`, `childrens_home`, … (see `ProviderBody.kind`).
    pub kind: String,
    /// Who provides it, `PR0` to `PR5`.
    pub placement_provider: String,
    pub urn: Option<String>,
    pub address: Vec<String>,
    pub postcode: Option<String>,
    pub places: Option<u16>,
    pub closed: bool,
    /// Children placed there today (all of them, counting any the caller may not open).
    pub placed: usize,
    /// The days of the LA's monitoring visits (external residential settings, seed 004).
    pub monitoring_visits: Vec<String>,
    /// When the next monitoring visit is due, while a child is placed there.
    pub monitoring_due: Option<String>,
}

fn provider_dto(p: &Provider, placed: usize, monitoring_due: Option<time::Date>) -> ProviderDto {
    ProviderDto {
        id: p.id.0,
        name: p.name.clone(),
        kind: p.kind.code().to_string(),
        placement_provider: code(p.provider),
        urn: p.urn.clone(),
        address: p.address.clone(),
        postcode: postcode(&p.postcode),
        places: p.places,
        closed: p.closed,
        placed,
        monitoring_visits: p.monitoring_visits.iter().copied().map(date).collect(),
        monitoring_due: monitoring_due.map(date),
    }
}

/// A monitoring visit to a provider, at the version read.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MonitoringVisitBody {
    pub version: i64,
    /// The day of the visit, `YYYY-MM-DD`.
    pub on: Option<String>,
}

impl MonitoringVisitBody {
    pub fn to_domain(&self) -> Result<time::Date, FieldErrors> {
        let mut r = Reader(FieldErrors::new());
        let on = r.required_date("on", &self.on);
        r.0.clone().into_result()?;
        on.ok_or_else(|| FieldErrors::one("on", "This field is required"))
    }
}

impl From<&ProviderRow> for ProviderDto {
    fn from(r: &ProviderRow) -> Self {
        provider_dto(&r.provider, r.placed, r.monitoring_due)
    }
}

/// A provider with its version and the children placed there today whom the caller may open.
#[derive(Serialize, ToSchema)]
pub struct ProviderDetail {
    pub provider: ProviderDto,
    pub version: i64,
    pub children: Vec<PlacedChildDto>,
}

#[derive(Serialize, ToSchema)]
pub struct PlacedChildDto {
    pub person_id: Uuid,
    pub name: String,
    pub since: String,
    pub placement_type: String,
}

impl From<&ProviderPage> for ProviderDetail {
    fn from(p: &ProviderPage) -> Self {
        ProviderDetail {
            provider: provider_dto(&p.provider.value, p.placed, p.monitoring_due),
            version: p.provider.version,
            children: p
                .children
                .iter()
                .map(|c| PlacedChildDto { person_id: c.child.id.0, name: format!("{} {}", c.child.given_name, c.child.family_name), since: date(c.since), placement_type: code(c.kind) })
                .collect(),
        }
    }
}

/// A provider to add, or its record as it should now be (with `version` when changing).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProviderBody {
    /// Required when changing: the version read.
    pub version: Option<i64>,
    pub name: String,
    /// One of `foster_household`, `connected_carers`, `childrens_home`, `secure_home`,
    /// `supported_accommodation`, `parents`, `adopters`, `residential_school`, `health`,
    /// `family_centre`, `young_offender_institution`, `other`.
    pub kind: Option<String>,
    /// `PR0` to `PR5`.
    pub placement_provider: Option<String>,
    pub urn: Option<String>,
    #[serde(default)]
    pub address: Vec<String>,
    pub postcode: Option<String>,
    pub places: Option<u16>,
    /// Closed to new placements.
    #[serde(default)]
    pub closed: bool,
}

impl ProviderBody {
    pub fn to_domain(&self, id: ProviderId) -> Result<Provider, FieldErrors> {
        let mut r = Reader(FieldErrors::new());
        let kind = r.code::<ProviderKind>("kind", &self.kind);
        let kind = required(&mut r, "kind", kind);
        let provider = r.code::<PlacementProvider>("placement_provider", &self.placement_provider);
        let provider = required(&mut r, "placement_provider", provider);
        let postcode = postcode_field(&mut r, "postcode", &self.postcode);
        r.0.clone().into_result()?;
        let (Some(kind), Some(provider)) = (kind, provider) else { return Err(FieldErrors::one("kind", "This field is required")) };
        Ok(Provider {
            id,
            name: self.name.trim().to_string(),
            kind,
            provider,
            urn: self.urn.as_deref().map(str::trim).filter(|u| !u.is_empty()).map(str::to_uppercase),
            address: self.address.iter().map(|l| l.trim().to_string()).filter(|l| !l.is_empty()).collect(),
            postcode,
            places: self.places,
            closed: self.closed,
            // Kept by `change_provider` from the stored record; recorded on their own.
            monitoring_visits: Vec::new(),
        })
    }
}

/// The children-in-care dashboard.
#[derive(Serialize, ToSchema)]
pub struct CareDashboardDto {
    pub today: String,
    pub looked_after: usize,
    pub by_legal_status: Vec<CodeCount>,
    pub by_placement_type: Vec<CodeCount>,
    /// Whether the LA's postcode districts are set; when not, `out_of_area` is empty and
    /// every child's `out_of_area` is `null`.
    pub area_known: bool,
    /// Whether the postcode directory has been loaded (`hearth postcodes import`); when not,
    /// every child's `miles_from_home` is `null`.
    pub postcode_locations_loaded: bool,
    /// Children placed 20 miles or more from home (the DfE's threshold).
    pub placed_20_miles_or_more: usize,
    /// Longest in care first.
    pub children: Vec<ChildInCareDto>,
    /// The overdue reviews, visits and plans of the children listed, oldest first.
    pub overdue: Vec<OverdueDto>,
}

#[derive(Serialize, ToSchema)]
pub struct OverdueDto {
    pub person_id: Uuid,
    /// `looked_after_review`, `care_visit`, `care_plan`, `placement_plan`, `permanence_plan`.
    pub kind: String,
    pub due: String,
    /// Who holds it (`null`: the team).
    pub assignee_id: Option<Uuid>,
}

#[derive(Serialize, ToSchema)]
pub struct CodeCount {
    pub code: String,
    pub label: String,
    pub children: usize,
}

#[derive(Serialize, ToSchema)]
pub struct ChildInCareDto {
    pub person_id: Uuid,
    pub name: String,
    pub looked_after_since: String,
    pub legal_status: String,
    pub placement_type: String,
    pub provider_id: Uuid,
    pub provider_name: String,
    pub placed_since: String,
    pub placement_postcode: Option<String>,
    /// Placements begun in the last twelve months, the current one included.
    pub placements_in_year: usize,
    pub out_of_area: Option<bool>,
    /// Straight-line miles, to a tenth, from the postcode of the home the child was looked
    /// after from to the placement's; `null` when either postcode, or where it is, is not known.
    pub miles_from_home: Option<f64>,
    /// Missing or away from placement since this day, not yet returned.
    pub missing_since: Option<String>,
    /// An unaccompanied asylum-seeking child today.
    pub uasc: bool,
}

impl From<&hearth_app::CareDashboardView> for CareDashboardDto {
    fn from(v: &hearth_app::CareDashboardView) -> Self {
        let d = &v.dashboard;
        let counts = |xs: Vec<(String, String, usize)>| xs.into_iter().map(|(code, label, children)| CodeCount { code, label, children }).collect();
        CareDashboardDto {
            today: date(v.today),
            looked_after: d.children.len(),
            by_legal_status: counts(d.by_legal_status.iter().map(|(s, n)| (code(*s), s.label().to_string(), *n)).collect()),
            by_placement_type: counts(d.by_placement_type.iter().map(|(t, n)| (code(*t), t.label().to_string(), *n)).collect()),
            area_known: v.area_known,
            postcode_locations_loaded: v.locations_known,
            placed_20_miles_or_more: d.far_from_home().len(),
            children: d
                .children
                .iter()
                .map(|c| ChildInCareDto {
                    person_id: c.child.0,
                    name: v.children.get(&c.child).map(|p| format!("{} {}", p.given_name, p.family_name)).unwrap_or_default(),
                    looked_after_since: date(c.since),
                    legal_status: code(c.legal_status),
                    placement_type: code(c.placement.kind),
                    provider_id: c.placement.carer.0,
                    provider_name: v.providers.get(&c.placement.carer).cloned().unwrap_or_default(),
                    placed_since: date(c.placement.from),
                    placement_postcode: postcode(&c.placement.postcode),
                    placements_in_year: c.placements_in_year,
                    out_of_area: c.out_of_area,
                    miles_from_home: c.miles_from_home.map(|m| m.as_f64()),
                    missing_since: c.missing_since.map(date),
                    uasc: c.uasc,
                })
                .collect(),
            overdue: v.overdue.iter().map(|t| OverdueDto { person_id: t.child.0, kind: t.kind.code().to_string(), due: date(t.due), assignee_id: t.assignee.map(|u| u.0) }).collect(),
        }
    }
}
