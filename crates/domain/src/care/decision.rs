//! Before care: the decision to accommodate a child or to apply for an order, which a manager
//! authorises; the pre-care planning meeting; and who is told — the reviewing service, so the
//! first review can be planned, health and the child's school (seed 001: "convene planning
//! meetings for children and young people about to come into care and ensure immediate
//! notification to the Independent Reviewing Service, and notify Health, Education and
//! Schools"). Each step still to do is a task, from the policy pack.
use super::CarePeriodId;
use crate::calendar::Calendar;
use crate::cin::steps::DueStep;
use crate::codes::{code_list, Coded};
use crate::front_door::tasks::TaskKind;
use crate::ids::id_type;
use crate::policy::{DeadlineError, Pack, Start};
use crate::validation::FieldErrors;
use crate::{PersonId, UserId};
use serde::{Deserialize, Serialize};
use time::Date;

id_type!(
    /// A decision about a child coming into care.
    CareDecisionId
);

/// Longest free text (reasons, who attended, comments).
pub const MAX_TEXT: usize = 4_000;

pub const AUTHORISATION_RULE: &str = "care_decision_authorisation";
pub const MEETING_RULE: &str = "pre_care_planning_meeting";
pub const NOTIFICATION_RULE: &str = "care_notifications";

code_list!(
    /// How the child would come into care.
    CareRoute {
        Accommodation = "section_20": "Accommodate with the agreement of those with parental responsibility (section 20)",
        CareOrder = "care_order": "Apply for a care order (section 31)",
        EmergencyProtection = "emergency_protection": "Apply for an emergency protection order (section 44)",
    }
);

code_list!(
    /// Who is told that a child is coming into care.
    Notified {
        ReviewingService = "reviewing_service": "The Independent Reviewing Service",
        Health = "health": "Health (the looked-after children's health team)",
        Education = "education": "The school or education provider, and the virtual school",
    }
);

/// A manager's decision on the proposal.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Authorisation {
    pub by: UserId,
    pub on: Date,
    pub agreed: bool,
    pub comments: String,
}

/// The pre-care planning meeting.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanningMeeting {
    pub held: Date,
    /// Who attended, as the worker writes it.
    pub attendees: String,
    /// What was planned (the placement, contact, school, health).
    pub plan: String,
}

/// Who was told, and when.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notification {
    pub whom: Notified,
    pub on: Date,
}

/// A decision about a child coming into care, from the worker's proposal to the day care
/// began (or the proposal was refused or withdrawn).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CareDecision {
    pub id: CareDecisionId,
    pub child: PersonId,
    pub route: CareRoute,
    pub proposed: Date,
    pub proposed_by: UserId,
    pub reasons: String,
    /// When the child is expected to come into care, where that can be planned.
    pub planned_start: Option<Date>,
    pub authorisation: Option<Authorisation>,
    pub meeting: Option<PlanningMeeting>,
    /// Each of `Notified` at most once.
    pub notified: Vec<Notification>,
    pub withdrawn: Option<Date>,
    /// The period of care that began under the decision.
    pub care_began: Option<CarePeriodId>,
}

/// Where a decision stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stage {
    /// Waiting for a manager.
    Proposed,
    /// Authorised; care has not begun yet.
    Agreed,
    NotAgreed,
    Withdrawn,
    /// Care began under it.
    CareBegan,
}

impl CareDecision {
    /// Whether care that began with `period` began under this decision: on or after the
    /// day it was proposed. Care in an emergency may begin before a manager authorises.
    pub fn began_under(&self, period: &super::episodes::PeriodOfCare) -> bool {
        period.start >= self.proposed
    }

    pub fn stage(&self) -> Stage {
        match (&self.authorisation, self.withdrawn, self.care_began) {
            (_, _, Some(_)) => Stage::CareBegan,
            (_, Some(_), None) => Stage::Withdrawn,
            (None, None, None) => Stage::Proposed,
            (Some(a), None, None) if a.agreed => Stage::Agreed,
            (Some(_), None, None) => Stage::NotAgreed,
        }
    }

    /// Still to be acted on: proposed, or agreed with care not yet begun.
    pub fn is_open(&self) -> bool {
        matches!(self.stage(), Stage::Proposed | Stage::Agreed)
    }

    pub fn agreed(&self) -> bool {
        self.authorisation.as_ref().is_some_and(|a| a.agreed)
    }

    /// Whether `whom` has been told.
    pub fn told(&self, whom: Notified) -> Option<Date> {
        self.notified.iter().find(|n| n.whom == whom).map(|n| n.on)
    }

    /// Everything wrong with the decision as recorded, each naming its field.
    pub fn check(&self, today: Date) -> Result<(), FieldErrors> {
        let mut e = FieldErrors::new();
        let text = |e: &mut FieldErrors, field: &str, s: &str, what: &str| {
            if s.trim().is_empty() {
                e.add(field, format!("Enter {what}"));
            } else if s.chars().count() > MAX_TEXT {
                e.add(field, format!("{} must be {MAX_TEXT} characters or fewer", capitalised(what)));
            }
        };
        let dated = |e: &mut FieldErrors, field: &str, d: Date, what: &str| {
            if d < self.proposed {
                e.add(field, format!("{} cannot be before the decision was proposed ({})", capitalised(what), self.proposed));
            } else if d > today {
                e.add(field, format!("{} cannot be in the future", capitalised(what)));
            }
        };
        text(&mut e, "reasons", &self.reasons, "the reasons for the decision");
        if self.proposed > today {
            e.add("proposed", "The proposal cannot be dated in the future");
        }
        if let Some(p) = self.planned_start.filter(|p| *p < self.proposed) {
            e.add("planned_start", format!("The planned start ({p}) cannot be before the proposal"));
        }
        if let Some(a) = &self.authorisation {
            dated(&mut e, "authorisation.on", a.on, "the manager's decision");
            if a.by == self.proposed_by {
                e.add("authorisation", "A decision about care is authorised by a manager other than the one who proposed it");
            }
            if !a.agreed {
                text(&mut e, "authorisation.comments", &a.comments, "why the proposal is not agreed");
            } else if a.comments.chars().count() > MAX_TEXT {
                e.add("authorisation.comments", format!("Comments must be {MAX_TEXT} characters or fewer"));
            }
        }
        if let Some(m) = &self.meeting {
            if !self.agreed() {
                e.add("meeting", "Record the planning meeting once the decision is authorised");
            }
            dated(&mut e, "meeting.held", m.held, "the planning meeting");
            text(&mut e, "meeting.attendees", &m.attendees, "who attended");
            if m.plan.chars().count() > MAX_TEXT {
                e.add("meeting.plan", format!("The plan must be {MAX_TEXT} characters or fewer"));
            }
        }
        for (i, n) in self.notified.iter().enumerate() {
            if !self.agreed() {
                e.add(format!("notified[{i}]"), "Tell others once the decision is authorised");
            }
            dated(&mut e, &format!("notified[{i}].on"), n.on, "the day they were told");
            if self.notified[..i].iter().any(|o| o.whom == n.whom) {
                e.add(format!("notified[{i}].whom"), format!("{} has been told already", n.whom.label()));
            }
        }
        if let Some(w) = self.withdrawn {
            dated(&mut e, "withdrawn", w, "the withdrawal");
            if self.care_began.is_some() {
                e.add("withdrawn", "Care has begun under this decision; end the period of care instead");
            }
        }
        e.into_result()
    }

    /// What is due on the decision now: the manager's authorisation while it is proposed;
    /// once agreed, the planning meeting and telling the reviewing service, health and the
    /// school (one task until all three are told). Nothing once refused or withdrawn.
    pub fn due_steps(&self, pack: &Pack, cal: &Calendar) -> Result<Vec<DueStep>, DeadlineError> {
        let key = |s: &str| format!("care_decision:{}:{s}", self.id);
        let mut out = Vec::new();
        match (self.stage(), &self.authorisation) {
            (Stage::Proposed, _) => {
                let d = pack.deadline(AUTHORISATION_RULE, 1, Start::Date(self.proposed), cal)?;
                out.push(DueStep { kind: TaskKind::CareDecisionAuthorisation, step: key("authorisation"), deadline: d });
            }
            (Stage::Agreed | Stage::CareBegan, Some(a)) => {
                if self.meeting.is_none() {
                    let d = pack.deadline(MEETING_RULE, 1, Start::Date(a.on), cal)?;
                    out.push(DueStep { kind: TaskKind::PreCarePlanningMeeting, step: key("meeting"), deadline: d });
                }
                if Notified::ALL.iter().any(|w| self.told(*w).is_none()) {
                    let d = pack.deadline(NOTIFICATION_RULE, 1, Start::Date(a.on), cal)?;
                    out.push(DueStep { kind: TaskKind::CareNotifications, step: key("notifications"), deadline: d });
                }
            }
            _ => {}
        }
        Ok(out)
    }
}

fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    c.next().map(|f| f.to_uppercase().chain(c).collect()).unwrap_or_default()
}

#[cfg(test)]
mod tests;
