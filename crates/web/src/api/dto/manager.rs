//! Allocation history, caseloads, the duty rota and the timescales in force.
use super::codes::{CaseloadStatusCode, HalfDayCode, RoleCode};
use super::date;
use hearth_app::{AllocationView, CaseloadRow as AppCaseloadRow, Caseloads as AppCaseloads, Rota as AppRota, RotaSession as AppRotaSession, RotaWorker as AppRotaWorker};
use hearth_domain::front_door::allocation::CaseloadLevel;
use hearth_domain::front_door::rota::HalfDay;
use hearth_domain::policy::{Pack, PackRef as DomPackRef, Threshold as DomThreshold, Timescale as DomTimescale};
use hearth_domain::user::Team;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

// ---- Allocation ------------------------------------------------------------------------

/// One allocation of a child's case: to a team, and to a worker in it once one is chosen.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Allocation {
    pub id: Uuid,
    pub team_id: Uuid,
    pub team_name: String,
    /// Absent while the case is held by the team, awaiting a worker.
    pub worker_id: Option<Uuid>,
    pub worker_name: Option<String>,
    /// The first day of the allocation.
    #[schema(format = Date, example = "2026-11-24")]
    pub from: String,
    /// The last day, once the case moved on; absent for the current allocation.
    #[schema(format = Date)]
    pub to: Option<String>,
    pub reason: Option<String>,
    /// Who made the allocation.
    pub allocated_by: Uuid,
    /// A transfer dated ahead, not yet in force: who may see the record changes on `from`.
    pub planned: bool,
}

/// A child's allocation history, newest first.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct AllocationHistory {
    pub person_id: Uuid,
    pub allocations: Vec<Allocation>,
}

impl From<&AllocationView> for AllocationHistory {
    fn from(v: &AllocationView) -> Self {
        AllocationHistory {
            person_id: v.record.id.0,
            allocations: v
                .history
                .iter()
                .map(|(a, team, worker)| Allocation {
                    id: a.id.0,
                    team_id: a.team.0,
                    team_name: team.clone(),
                    worker_id: a.worker.map(|w| w.0),
                    worker_name: worker.clone(),
                    from: date(a.from),
                    to: a.to.map(date),
                    reason: a.reason.clone(),
                    allocated_by: a.allocated_by.0,
                    planned: v.planned == Some(a.id),
                })
                .collect(),
        }
    }
}

/// Allocates a child's case, or transfers it, from a day (today, or up to three months ahead:
/// a planned transfer, in force from its first day). The current allocation ends the day
/// before; nothing is deleted. Managers only.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Allocate {
    /// The team the case is allocated to.
    #[schema(format = Uuid)]
    pub team_id: String,
    /// A social worker or team manager in that team; absent to leave the case with the team.
    #[schema(format = Uuid)]
    pub worker_id: Option<String>,
    /// The first day of the allocation: today or in the past.
    #[schema(format = Date, example = "2026-11-24")]
    pub from: String,
    /// Why the case is allocated or transferred.
    pub reason: Option<String>,
}

// ---- Caseloads --------------------------------------------------------------------------

/// One worker's caseload.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct CaseloadRow {
    pub user_id: Uuid,
    pub name: String,
    #[schema(value_type = RoleCode)]
    pub role: String,
    pub team: Option<String>,
    /// Children allocated to the worker now.
    pub children: i64,
    /// Against the pack's caseload threshold, for social workers when the pack sets one.
    #[schema(value_type = Option<CaseloadStatusCode>)]
    pub status: Option<String>,
}

/// Children allocated to a team without a worker yet.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Unallocated {
    pub team: String,
    pub children: i64,
}

/// The caseloads of everyone below the caller in the management chain.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Caseloads {
    pub rows: Vec<CaseloadRow>,
    pub unallocated: Vec<Unallocated>,
    /// The threshold's minimum cases per qualified social worker, when the pack sets one.
    pub min: Option<u32>,
    pub max: Option<u32>,
    /// The pack the threshold comes from, as "name version".
    pub pack: String,
}

fn level(l: CaseloadLevel) -> &'static str {
    match l {
        CaseloadLevel::Under => "under",
        CaseloadLevel::Within => "within",
        CaseloadLevel::Over => "over",
    }
}

impl From<&AppCaseloadRow> for CaseloadRow {
    fn from(r: &AppCaseloadRow) -> Self {
        CaseloadRow {
            user_id: r.user.0,
            name: r.name.clone(),
            role: r.role.code().to_string(),
            team: r.team.clone(),
            children: r.children,
            status: r.status.map(|s| level(s).to_string()),
        }
    }
}

impl From<&AppCaseloads> for Caseloads {
    fn from(c: &AppCaseloads) -> Self {
        Caseloads {
            rows: c.rows.iter().map(Into::into).collect(),
            unallocated: c.unallocated.iter().map(|(team, children)| Unallocated { team: team.clone(), children: *children }).collect(),
            min: c.min,
            max: c.max,
            pack: c.pack.clone(),
        }
    }
}

// ---- Duty rota --------------------------------------------------------------------------

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct TeamRef {
    pub id: Uuid,
    pub name: String,
}

impl From<&Team> for TeamRef {
    fn from(t: &Team) -> Self {
        TeamRef { id: t.id.0, name: t.name.clone() }
    }
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct RotaWorker {
    pub user_id: Uuid,
    pub name: String,
    /// A qualified social worker (social worker or team manager): counts towards the minimum.
    pub qualified: bool,
}

impl From<&AppRotaWorker> for RotaWorker {
    fn from(w: &AppRotaWorker) -> Self {
        RotaWorker { user_id: w.user.0, name: w.name.clone(), qualified: w.qualified }
    }
}

pub fn half_code(h: HalfDay) -> &'static str {
    match h {
        HalfDay::Am => "am",
        HalfDay::Pm => "pm",
    }
}

/// One morning or afternoon session of the duty service.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct RotaSession {
    #[schema(format = Date, example = "2026-11-24")]
    pub date: String,
    #[schema(value_type = HalfDayCode)]
    pub half: String,
    pub workers: Vec<RotaWorker>,
    /// Qualified social workers on duty.
    pub qualified: u32,
    /// Fewer qualified social workers than the pack's minimum.
    pub under_minimum: bool,
}

impl From<&AppRotaSession> for RotaSession {
    fn from(s: &AppRotaSession) -> Self {
        RotaSession {
            date: date(s.session.date),
            half: half_code(s.session.half).to_string(),
            workers: s.workers.iter().map(Into::into).collect(),
            qualified: s.qualified,
            under_minimum: s.under_minimum,
        }
    }
}

/// A team's duty rota: the sessions of the working days of the next two weeks.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Rota {
    pub team: TeamRef,
    /// The teams the caller may look at.
    pub teams: Vec<TeamRef>,
    pub sessions: Vec<RotaSession>,
    /// The pack's minimum of qualified social workers per session, when it sets one.
    pub minimum: Option<u32>,
    /// The team's active members, who may be put on the rota.
    pub members: Vec<RotaWorker>,
    /// Whether the caller may add and remove workers.
    pub can_edit: bool,
}

impl From<&AppRota> for Rota {
    fn from(r: &AppRota) -> Self {
        Rota {
            team: (&r.team).into(),
            teams: r.teams.iter().map(Into::into).collect(),
            sessions: r.sessions.iter().map(Into::into).collect(),
            minimum: r.minimum,
            members: r.members.iter().map(Into::into).collect(),
            can_edit: r.can_edit,
        }
    }
}

/// A worker put on, or taken off, a session of a team's rota. Managers and business support
/// arrange the rota.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RotaChange {
    #[schema(format = Uuid)]
    pub team_id: String,
    /// A working day, today or later.
    #[schema(format = Date, example = "2026-11-25")]
    pub date: String,
    #[schema(value_type = HalfDayCode)]
    pub half: String,
    /// An active member of the team.
    #[schema(format = Uuid)]
    pub worker_id: String,
}

// ---- Timescales -------------------------------------------------------------------------

/// A pack's name and version.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct PackRef {
    pub name: String,
    pub version: String,
}

impl From<&DomPackRef> for PackRef {
    fn from(p: &DomPackRef) -> Self {
        PackRef { name: p.name.clone(), version: p.version.clone() }
    }
}

/// A timescale of the pack. Lengths are written as in the pack: "45 working days", "24 hours".
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Timescale {
    pub key: String,
    pub title: String,
    /// The event the clock starts at, or the key of another timescale.
    pub from: String,
    #[schema(example = "45 working days")]
    pub within: Option<String>,
    /// The second, third … occurrences: each due this long after the previous one.
    pub then: Vec<String>,
    /// Every later occurrence: due at most this long after the previous one.
    pub repeat: Option<String>,
    /// One extension of up to this long may be granted.
    pub extension: Option<String>,
    /// Set in law or statutory guidance: a local layer may only tighten it.
    pub statutory: bool,
    pub missed_needs_explanation: bool,
    pub source: Option<String>,
    pub note: Option<String>,
    /// The pack (layer) whose values these are.
    pub defined_by: PackRef,
}

impl From<&DomTimescale> for Timescale {
    fn from(t: &DomTimescale) -> Self {
        Timescale {
            key: t.key.clone(),
            title: t.title.clone(),
            from: t.from.clone(),
            within: t.within.map(|s| s.to_string()),
            then: t.then.iter().map(ToString::to_string).collect(),
            repeat: t.repeat.map(|s| s.to_string()),
            extension: t.extension.map(|s| s.to_string()),
            statutory: t.statutory,
            missed_needs_explanation: t.missed_needs_explanation,
            source: t.source.clone(),
            note: t.note.clone(),
            defined_by: (&t.defined_by).into(),
        }
    }
}

/// A threshold of the pack (caseloads, duty rota cover).
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Threshold {
    pub key: String,
    pub title: String,
    pub min: Option<u32>,
    pub max: Option<u32>,
    pub source: Option<String>,
    pub note: Option<String>,
    pub defined_by: PackRef,
}

impl From<&DomThreshold> for Threshold {
    fn from(t: &DomThreshold) -> Self {
        Threshold {
            key: t.key.clone(),
            title: t.title.clone(),
            min: t.min,
            max: t.max,
            source: t.source.clone(),
            note: t.note.clone(),
            defined_by: (&t.defined_by).into(),
        }
    }
}

/// The effective policy pack: the national pack, or the local layer on it.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Timescales {
    pub name: String,
    pub version: String,
    pub description: Option<String>,
    /// The pack the local layer extends; absent for a complete pack.
    pub base: Option<PackRef>,
    pub timescales: Vec<Timescale>,
    pub thresholds: Vec<Threshold>,
}

impl From<&Pack> for Timescales {
    fn from(p: &Pack) -> Self {
        Timescales {
            name: p.name.clone(),
            version: p.version.clone(),
            description: p.description.clone(),
            base: p.base.as_ref().map(Into::into),
            timescales: p.timescales.values().map(Into::into).collect(),
            thresholds: p.thresholds.values().map(Into::into).collect(),
        }
    }
}
