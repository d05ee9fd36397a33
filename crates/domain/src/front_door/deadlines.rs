//! The front door's deadlines, computed from the effective policy pack. The rule keys are
//! those of `data/policy/national.toml` and `bath-ne-somerset.toml`; a rule the pack does not
//! have gives no deadline (`None`), so the national pack alone shows only national
//! timescales. Every [`Deadline`] records the pack name and version it came from and
//! explains itself with [`Deadline::explain`] (the calendar's explanation).
use crate::calendar::Calendar;
use crate::local_time::uk_local;
use crate::policy::{Deadline, DeadlineError, Due, Pack, Start};
use serde::Serialize;
use time::{Date, OffsetDateTime};

/// Decision on a contact (national: 1 working day).
pub const SCREENING_RULE: &str = "referral_decision";
/// Single assessment (national: 45 working days from the referral).
pub const SINGLE_ASSESSMENT_RULE: &str = "single_assessment";
/// Local: initial assessment (Bath & NE Somerset: 10 working days from the referral).
pub const INITIAL_ASSESSMENT_RULE: &str = "initial_assessment";
/// Local: core assessment (Bath & NE Somerset: a further 35 working days).
pub const CORE_ASSESSMENT_RULE: &str = "core_assessment";
/// Local: child seen (Bath & NE Somerset: 5 working days, explanation when missed).
pub const CHILD_SEEN_RULE: &str = "child_seen";
/// Local: referral responded to (Bath & NE Somerset: 24 hours).
pub const REFERRAL_RESPONSE_RULE: &str = "referral_response";

fn optional(pack: &Pack, rule: &str, start: Start, cal: &Calendar) -> Option<Result<Deadline, DeadlineError>> {
    pack.timescale(rule).map(|_| pack.deadline(rule, 1, start, cal))
}

/// When the screening decision on a contact received at `received_at` is due. The clock
/// starts at the contact's local (England) date and time.
pub fn screening_deadline(pack: &Pack, cal: &Calendar, received_at: OffsetDateTime) -> Result<Deadline, DeadlineError> {
    pack.deadline(SCREENING_RULE, 1, Start::DateTime(uk_local(received_at)), cal)
}

/// Whether a step done at `done_at` met the deadline: on or before its day (England's
/// local date), or its moment for a timescale in hours.
pub fn met(deadline: &Deadline, done_at: OffsetDateTime) -> bool {
    let local = uk_local(done_at);
    match deadline.due {
        Due::Date(d) => local.date() <= d,
        Due::DateTime(t) => local <= t,
    }
}

/// When a referral made at `referred_at` must have been responded to, if the pack says.
pub fn referral_response_deadline(pack: &Pack, cal: &Calendar, referred_at: OffsetDateTime) -> Option<Result<Deadline, DeadlineError>> {
    optional(pack, REFERRAL_RESPONSE_RULE, Start::DateTime(uk_local(referred_at)), cal)
}

/// The assessment's deadlines: the national single assessment always; under a layer that
/// splits it (Bath & NE Somerset), the initial assessment and the core assessment too.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AssessmentDeadlines {
    pub single: Deadline,
    pub initial: Option<Deadline>,
    pub core: Option<Deadline>,
    /// The core deadline is counted from the initial assessment's due date, because the
    /// initial assessment is not finished yet; it moves when it is.
    pub core_projected: bool,
}

impl AssessmentDeadlines {
    /// The date the assessment as a whole is due: the earliest of the single and the core
    /// deadlines (a local layer tightens, never loosens, the national 45 working days).
    pub fn final_due(&self) -> Due {
        self.final_deadline().due
    }

    /// The deadline behind [`AssessmentDeadlines::final_due`] (the core one when it is
    /// earlier), for a task that must record where its date came from.
    pub fn final_deadline(&self) -> &Deadline {
        self.core.as_ref().filter(|c| c.due < self.single.due).unwrap_or(&self.single)
    }
}

/// The assessment's deadlines for a referral on `referral_date`. `initial_completed` is the
/// date the initial assessment was authorised, once it has been.
pub fn assessment_deadlines(pack: &Pack, cal: &Calendar, referral_date: Date, initial_completed: Option<Date>) -> Result<AssessmentDeadlines, DeadlineError> {
    let single = pack.deadline(SINGLE_ASSESSMENT_RULE, 1, Start::Date(referral_date), cal)?;
    let initial = optional(pack, INITIAL_ASSESSMENT_RULE, Start::Date(referral_date), cal).transpose()?;
    let core_start = initial_completed.or(initial.as_ref().map(|i| i.due.date()));
    let core = match (pack.timescale(CORE_ASSESSMENT_RULE), core_start) {
        (Some(_), Some(start)) => Some(pack.deadline(CORE_ASSESSMENT_RULE, 1, Start::Date(start), cal)?),
        _ => None,
    };
    let core_projected = core.is_some() && initial_completed.is_none();
    Ok(AssessmentDeadlines { single, initial, core, core_projected })
}

/// When the child must have been seen, if the pack says (Bath & NE Somerset: 5 working days
/// from the referral).
pub fn child_seen_deadline(pack: &Pack, cal: &Calendar, referral_date: Date) -> Option<Result<Deadline, DeadlineError>> {
    optional(pack, CHILD_SEEN_RULE, Start::Date(referral_date), cal)
}

/// Whether the child was seen in time.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum ChildSeenStatus {
    SeenInTime { on: Date },
    SeenLate { on: Date },
    /// Not seen yet and the deadline has not passed.
    Pending,
    /// Not seen and the deadline has passed.
    Missed,
}

/// The child-seen check: its status, and whether the worker must now record why.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct ChildSeenCheck {
    pub status: ChildSeenStatus,
    /// The timescale was missed, the pack requires an explanation, and none is recorded.
    pub explanation_required: bool,
}

/// Checks the first date the child was seen against the child-seen deadline on `today`.
pub fn child_seen_check(pack: &Pack, deadline: &Deadline, seen: &[Date], explanation: Option<&str>, today: Date) -> ChildSeenCheck {
    let due = deadline.due.date();
    let status = match seen.iter().min() {
        Some(&on) if on <= due => ChildSeenStatus::SeenInTime { on },
        Some(&on) => ChildSeenStatus::SeenLate { on },
        None if today > due => ChildSeenStatus::Missed,
        None => ChildSeenStatus::Pending,
    };
    let missed = matches!(status, ChildSeenStatus::SeenLate { .. } | ChildSeenStatus::Missed);
    let needs = pack.timescale(&deadline.rule).is_some_and(|t| t.missed_needs_explanation);
    let explained = explanation.is_some_and(|x| !x.trim().is_empty());
    ChildSeenCheck { status, explanation_required: missed && needs && !explained }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar;
    use crate::policy::BATH_NE_SOMERSET_PACK;
    use time::macros::{date, datetime};

    fn national() -> Pack {
        Pack::national()
    }
    fn bath() -> Pack {
        Pack::national().with_layer(BATH_NE_SOMERSET_PACK).unwrap()
    }
    fn cal() -> &'static Calendar {
        calendar::shipped()
    }

    #[test]
    fn screening_over_christmas_explains_itself() {
        let d = screening_deadline(&national(), cal(), datetime!(2023-12-22 15:30 UTC)).unwrap();
        assert_eq!(d.due, Due::Date(date!(2023 - 12 - 27)));
        assert_eq!((d.pack.as_str(), d.pack_version.as_str()), ("national", "2026.1"));
        assert_eq!(d.explain(cal()), "due Wed 27 Dec 2023 — 1 working day after the contact on Fri 22 Dec (25 and 26 Dec are bank holidays)");
    }

    #[test]
    fn met_on_the_due_day_not_after() {
        let d = screening_deadline(&national(), cal(), datetime!(2023-12-22 15:30 UTC)).unwrap();
        assert!(met(&d, datetime!(2023-12-27 23:59 UTC)));
        assert!(!met(&d, datetime!(2023-12-28 00:00 UTC)));
        let h = referral_response_deadline(&bath(), cal(), datetime!(2024-07-01 10:00 UTC)).unwrap().unwrap();
        // 10:00 UTC is 11:00 in England in July.
        assert!(met(&h, datetime!(2024-07-02 10:00 UTC)));
        assert!(!met(&h, datetime!(2024-07-02 10:01 UTC)));
    }

    #[test]
    fn screening_uses_the_local_date() {
        // 23:30 UTC on 31 May is 00:30 on 1 June in England (BST).
        let d = screening_deadline(&national(), cal(), datetime!(2024-05-31 23:30 UTC)).unwrap();
        assert_eq!(d.start.date(), date!(2024 - 06 - 01));
        assert_eq!(d.due, Due::Date(date!(2024 - 06 - 03)));
    }

    #[test]
    fn national_assessment_is_45_working_days() {
        let r = date!(2024 - 03 - 04);
        let a = assessment_deadlines(&national(), cal(), r, None).unwrap();
        assert_eq!(a.single.due.date(), cal().add_working_days(r, 45).unwrap().date);
        assert_eq!((a.initial.clone(), a.core.clone()), (None, None));
        assert_eq!(a.final_due(), a.single.due);
        assert!(child_seen_deadline(&national(), cal(), r).is_none());
        assert!(referral_response_deadline(&national(), cal(), datetime!(2024-03-04 10:00 UTC)).is_none());
    }

    #[test]
    fn bath_initial_10_then_core_35() {
        let r = date!(2024 - 03 - 04);
        let a = assessment_deadlines(&bath(), cal(), r, None).unwrap();
        let initial = a.initial.clone().unwrap();
        assert_eq!(initial.due, Due::Date(date!(2024 - 03 - 18)));
        let core = a.core.clone().unwrap();
        assert!(a.core_projected);
        assert_eq!(core.due.date(), cal().add_working_days(date!(2024 - 03 - 18), 35).unwrap().date);
        assert_eq!(core.pack, "bath-ne-somerset");
        assert_eq!(core.base.as_ref().map(|b| b.name.as_str()), Some("national"));
        assert_eq!(core.from, "initial assessment");
        // Initial finished early: the core clock starts then.
        let b = assessment_deadlines(&bath(), cal(), r, Some(date!(2024 - 03 - 11))).unwrap();
        assert!(!b.core_projected);
        assert_eq!(b.core.unwrap().due.date(), cal().add_working_days(date!(2024 - 03 - 11), 35).unwrap().date);
        // Initial finished late: the national 45 days still bind.
        let c = assessment_deadlines(&bath(), cal(), r, Some(date!(2024 - 04 - 15))).unwrap();
        assert_eq!(c.final_due(), c.single.due);
        let hours = referral_response_deadline(&bath(), cal(), datetime!(2024-03-04 10:00 UTC)).unwrap().unwrap();
        assert_eq!(hours.due, Due::DateTime(datetime!(2024-03-05 10:00)));
    }

    #[test]
    fn child_seen_within_5_working_days_else_explain() {
        let pack = bath();
        let r = date!(2024 - 03 - 04);
        let d = child_seen_deadline(&pack, cal(), r).unwrap().unwrap();
        assert_eq!(d.due, Due::Date(date!(2024 - 03 - 11)));
        let check = |seen: &[Date], x: Option<&str>, today| child_seen_check(&pack, &d, seen, x, today);
        assert_eq!(check(&[date!(2024 - 03 - 11)], None, date!(2024 - 03 - 20)), ChildSeenCheck { status: ChildSeenStatus::SeenInTime { on: date!(2024 - 03 - 11) }, explanation_required: false });
        assert_eq!(check(&[], None, date!(2024 - 03 - 11)).status, ChildSeenStatus::Pending);
        let missed = check(&[], None, date!(2024 - 03 - 12));
        assert_eq!(missed, ChildSeenCheck { status: ChildSeenStatus::Missed, explanation_required: true });
        let late = check(&[date!(2024 - 03 - 14), date!(2024 - 03 - 12)], Some(" "), date!(2024 - 03 - 20));
        assert_eq!(late, ChildSeenCheck { status: ChildSeenStatus::SeenLate { on: date!(2024 - 03 - 12) }, explanation_required: true });
        assert!(!check(&[], Some("Child in hospital out of area"), date!(2024 - 03 - 20)).explanation_required);
    }
}
