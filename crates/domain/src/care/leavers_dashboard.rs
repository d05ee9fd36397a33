//! The care leavers' dashboard (issue 18): every young person whose status is not "none",
//! by status and age, and the lists a manager works from — no personal adviser, pathway plan
//! overdue, not in touch, not in education, employment or training, unsuitable
//! accommodation, and 17-year-olds turning 18 within six months with nowhere planned to live.
use super::episodes::PeriodOfCare;
use super::leaving::{birthday, status_on, Status};
use super::pathway::{has_pathway, leaving_facts, pathway_from, plan_due, Activity, ReviewDue, CareLeaverRecord, Contact, Housed, InTouch, OUT_OF_TOUCH_MONTHS};
use crate::calendar::add_months;
use crate::person::age_on;
use crate::PersonId;
use time::Date;

/// The ages the dashboard counts by: 16 to 24.
pub const AGES: std::ops::RangeInclusive<i32> = 16..=24;
/// Turning 18 within this many months.
pub const TURNING_18_MONTHS: i64 = 6;

/// A young person whose status is not "none", as the dashboard reads them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Leaver {
    pub child: PersonId,
    pub status: Status,
    pub age: i32,
    pub adviser: Option<String>,
    /// When the next pathway plan or review is due (for those a plan is for).
    pub plan_due: Option<Date>,
    pub last_contact: Option<Contact>,
    pub activity: Option<Activity>,
    pub housed: Option<Housed>,
    /// The 18th birthday, for those still looked after at 17.
    pub turns_18: Date,
    /// Somewhere planned to live from 18 (an arrangement not ended by then).
    pub housing_planned: bool,
}

impl Leaver {
    pub fn plan_overdue(&self, today: Date) -> bool {
        self.plan_due.is_some_and(|d| d < today)
    }

    /// Left care and not in touch: the last contact said otherwise, or there has been none
    /// for three months.
    pub fn out_of_touch(&self, today: Date) -> bool {
        matches!(self.status, Status::Relevant | Status::FormerRelevant)
            && match self.last_contact {
                None => true,
                Some(c) => c.outcome != InTouch::Yes || add_months(c.on, OUT_OF_TOUCH_MONTHS).is_ok_and(|d| d < today),
            }
    }

    pub fn neet(&self) -> bool {
        self.activity.is_some_and(Activity::is_neet)
    }

    pub fn unsuitably_housed(&self) -> bool {
        self.status != Status::Eligible && self.housed.is_some_and(|h| !h.suitable)
    }

    pub fn without_adviser(&self) -> bool {
        has_pathway(self.status) && self.adviser.is_none()
    }

    /// Looked after, turning 18 within six months, with nowhere planned to live.
    pub fn turning_18_unplanned(&self, today: Date) -> bool {
        self.status == Status::Eligible && !self.housing_planned && add_months(today, TURNING_18_MONTHS).is_ok_and(|d| self.turns_18 <= d)
    }
}

/// A young person's status and what the dashboard shows of them, or `None` when the status is
/// "none" (or the date of birth is not known).
pub fn leaver(child: PersonId, born: Option<Date>, periods: &[&PeriodOfCare], record: Option<&CareLeaverRecord>, today: Date, review: ReviewDue) -> Option<Leaver> {
    let born = born?;
    let age = age_on(born, today)?;
    if !AGES.contains(&age) || periods.is_empty() {
        return None;
    }
    let facts = leaving_facts(Some(born), periods.iter().copied(), record, today);
    let status = status_on(&facts, today).ok()?.status;
    if status == Status::None {
        return None;
    }
    let turns_18 = birthday(born, 18);
    Some(Leaver {
        child,
        status,
        age,
        adviser: record.and_then(|r| r.adviser_on(today)).map(|a| a.name.clone()),
        plan_due: if has_pathway(status) { plan_due(record, pathway_from(&facts), review) } else { None },
        last_contact: record.and_then(|r| r.last_contact()).copied(),
        activity: record.and_then(|r| r.occupied_on(today)).map(|o| o.activity),
        housed: record.and_then(|r| r.housed_on(today)).copied(),
        turns_18,
        housing_planned: record.is_some_and(|r| r.arrangements_from(turns_18).next().is_some()),
    })
}

/// The dashboard: the young people, oldest first within each status, and the counts by
/// status and age.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LeaversDashboard {
    pub leavers: Vec<Leaver>,
}

impl LeaversDashboard {
    /// How many of `status` are `age`.
    pub fn count(&self, status: Status, age: i32) -> usize {
        self.leavers.iter().filter(|l| l.status == status && l.age == age).count()
    }

    pub fn total(&self, status: Status) -> usize {
        self.leavers.iter().filter(|l| l.status == status).count()
    }

    /// The young people a list selects.
    pub fn those(&self, pick: impl Fn(&Leaver) -> bool) -> Vec<&Leaver> {
        self.leavers.iter().filter(|l| pick(l)).collect()
    }
}

/// The statuses the dashboard counts, in the order the law gives them.
pub const STATUSES: [Status; 4] = [Status::Eligible, Status::Relevant, Status::FormerRelevant, Status::Qualifying];

/// Builds the dashboard from each young person's date of birth, periods of care and record.
pub fn build<'a>(rows: impl IntoIterator<Item = (PersonId, Option<Date>, Vec<&'a PeriodOfCare>, Option<&'a CareLeaverRecord>)>, today: Date, review: ReviewDue) -> LeaversDashboard {
    let mut leavers: Vec<Leaver> = rows.into_iter().filter_map(|(child, born, periods, record)| leaver(child, born, &periods, record, today, review)).collect();
    leavers.sort_by_key(|l| (l.status, std::cmp::Reverse(l.age), l.child));
    LeaversDashboard { leavers }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::care::codes::{CategoryOfNeed, LegalStatus, ReasonEpisodeCeased};
    use crate::care::episodes::{Ending, LegalStatusFrom};
    use crate::care::pathway::{six_months, Adviser, Arrangement, ArrangementKind};
    use time::macros::date;

    fn period(start: Date, end: Option<Date>) -> PeriodOfCare {
        PeriodOfCare {
            start,
            start_time: None,
            need: CategoryOfNeed::AbuseOrNeglect,
            home_postcode: None,
            legal_statuses: vec![LegalStatusFrom { from: start, status: LegalStatus::FullCareOrder }],
            placements: vec![],
            ended: end.map(|on| Ending { on, reason: ReasonEpisodeCeased::IndependentSupported }),
            planning: Default::default(),
        }
    }

    const TODAY: Date = date!(2026 - 12 - 07);

    #[test]
    fn the_lists_pick_out_the_young_people_a_manager_must_act_on() {
        let (a, b, c, d) = (PersonId::new(), PersonId::new(), PersonId::new(), PersonId::new());
        // a: 17, in care since 14, turning 18 in March, nothing planned, no PA, no plan.
        let pa = period(date!(2023 - 01 - 01), None);
        // b: 19, left care at 18 (former relevant), with a PA, plan reviewed, in touch.
        let pb = period(date!(2020 - 01 - 01), Some(date!(2025 - 05 - 01)));
        // c: 12, in care: not a care leaver.
        let pc = period(date!(2024 - 01 - 01), None);
        // d: 30: too old.
        let pd = period(date!(2010 - 01 - 01), Some(date!(2014 - 01 - 01)));
        let mut rb = CareLeaverRecord::new(b);
        rb.advisers.push(Adviser { user: crate::UserId::new(), name: "Pat Adviser".into(), from: date!(2023 - 01 - 01) });
        rb.needs_assessment = Some(date!(2023 - 07 - 01));
        rb.plans.push(crate::care::pathway::PathwayPlan { agreed: date!(2026 - 09 - 01), review: true, views: "ok".into(), signed_off: None });
        rb.contacts.push(Contact { on: date!(2026 - 11 - 20), outcome: InTouch::Yes });
        let mut ra = CareLeaverRecord::new(a);
        ra.activities.push(crate::care::pathway::Occupied { from: date!(2026 - 09 - 01), activity: Activity::NeetOther });
        let rows = vec![
            (a, Some(date!(2009 - 03 - 01)), vec![&pa], Some(&ra)),
            (b, Some(date!(2007 - 04 - 01)), vec![&pb], Some(&rb)),
            (c, Some(date!(2014 - 04 - 01)), vec![&pc], None),
            (d, Some(date!(1996 - 04 - 01)), vec![&pd], None),
        ];
        let dash = build(rows, TODAY, &six_months);
        assert_eq!(dash.leavers.iter().map(|l| (l.child, l.status)).collect::<Vec<_>>(), vec![(a, Status::Eligible), (b, Status::FormerRelevant)]);
        assert_eq!(dash.count(Status::Eligible, 17), 1);
        assert_eq!(dash.total(Status::FormerRelevant), 1);
        let ids = |pick: &dyn Fn(&Leaver) -> bool| dash.those(pick).iter().map(|l| l.child).collect::<Vec<_>>();
        assert_eq!(ids(&|l| l.without_adviser()), vec![a]);
        assert_eq!(ids(&|l| l.plan_overdue(TODAY)), vec![a], "a's first plan was due three months after 16");
        assert_eq!(ids(&|l| l.out_of_touch(TODAY)), Vec::<PersonId>::new(), "b was seen last month; a is still in care");
        assert_eq!(ids(&|l| l.neet()), vec![a]);
        assert_eq!(ids(&|l| l.turning_18_unplanned(TODAY)), vec![a]);
        // Staying put planned from the 18th birthday takes a off that list.
        ra.arrangements.push(Arrangement { number: 1, kind: ArrangementKind::StayingPut, from: date!(2027 - 03 - 01), until: None, with: "Hale".into(), sleep_in: false });
        let l = leaver(a, Some(date!(2009 - 03 - 01)), &[&pa], Some(&ra), TODAY, &six_months).unwrap();
        assert!(!l.turning_18_unplanned(TODAY));
        // Four months without contact: not in touch.
        let l = leaver(b, Some(date!(2007 - 04 - 01)), &[&pb], Some(&rb), date!(2027 - 03 - 21), &six_months).unwrap();
        assert!(l.out_of_touch(date!(2027 - 03 - 21)));
    }
}
