//! Care leavers for the demo LA (issue 18): young people of 16 to 24 whose care histories
//! exercise the status rules — left care at 16 or 17 (relevant), in custody on their 16th
//! birthday (relevant), in care until 18 (former relevant, some staying put, some at
//! university to 25), looked after only briefly after 16 (qualifying), home with a parent for
//! six months (qualifying) — each with what the care leaver service records: a personal
//! adviser, needs assessment and pathway plans, contact around birthdays, where they live and
//! what they do, arrangements and payments. Eligible young people (in care at 16 and 17) come
//! from the children in care; most of them get a record too.
use super::{invalid, Generator};
use crate::front_door::Holder;
use crate::names::HERITAGES;
use crate::TestkitError;
use hearth_domain::calendar::add_months;
use hearth_domain::care::codes::ReasonEpisodeCeased;
use hearth_domain::care::episodes::{check_periods, Ending, PeriodOfCare};
use hearth_domain::care::leaving::{birthday, status_on, Status};
use hearth_domain::care::pathway::{leaving_facts, pathway_from, Accommodation, Activity, Adviser, Arrangement, ArrangementKind, CareLeaverRecord, Contact, Housed, InTouch, Occupied, PathwayPlan, Payment, PaymentKind};
use hearth_domain::care::planning::SignOff;
use hearth_domain::care::{CarePeriodId, CarePeriodRecord};
use hearth_domain::person::{Allocation, ChangeMeta, PersonDetails, PersonKind, PersonRecord};
use hearth_domain::codes::Sex;
use hearth_domain::services::{Outcome as ServiceOutcome, ReferralOutcome, ServiceReferral, ServiceReferralId};
use hearth_domain::{PersonId, UserId};
use hearth_store::Tx;
use time::{Date, Duration};

/// The histories the demo's care leavers are given, in turn.
#[derive(Clone, Copy, Debug)]
enum Story {
    /// Left care at 16 or 17 after years in care.
    LeftAt16,
    /// In care until 18; staying put with the foster carers for some.
    InCareTo18,
    /// In care until 18, now at university (helped to 25).
    University,
    /// Looked after for a few weeks after 16, then home: never eligible.
    BrieflyAfter16,
    /// Eligible, then sentenced to custody before 16 and in custody on the birthday.
    CustodyAt16,
    /// Left care at 16 to live with a parent, and has been home over six months.
    HomeSixMonths,
}

const STORIES: [Story; 6] = [Story::LeftAt16, Story::InCareTo18, Story::University, Story::BrieflyAfter16, Story::CustodyAt16, Story::HomeSixMonths];

impl Generator {
    /// One of the team's personal advisers (the case holder when none are known).
    fn adviser(&mut self, h: Holder) -> (UserId, String) {
        if self.advisers.is_empty() {
            return (h.worker, "The case holder".into());
        }
        self.advisers[self.lg.index(self.advisers.len())].clone()
    }

    fn day_between(&mut self, from: Date, to: Date) -> Date {
        if to <= from { from } else { from + Duration::days(self.lg.int(0, (to - from).whole_days())) }
    }

    /// `n` young people who have left care, written with their periods and records; their
    /// ids.
    pub(crate) async fn leavers(&mut self, tx: &mut dyn Tx, h: Holder, n: usize) -> Result<Vec<PersonId>, TestkitError> {
        self.write_providers(tx, h.worker).await?;
        let mut out = Vec::with_capacity(n);
        for i in 0..n {
            let story = STORIES[i % STORIES.len()];
            let (person, periods) = self.leaver_history(story, h);
            // Any carer the history made up is written before the placements name it.
            self.write_providers(tx, h.worker).await?;
            let born = person.details.date_of_birth.unwrap_or(self.today);
            check_periods(&periods).map_err(|e| invalid("a care leaver's periods of care", e))?;
            let meta = ChangeMeta { by: h.worker, at: person.created_at, reason: None };
            tx.insert_person(&person, &meta).await?;
            for period in periods.iter() {
                period.check(Some(born)).map_err(|e| invalid("a care leaver's period of care", e))?;
                tx.insert_care_period(&CarePeriodRecord { id: CarePeriodId(self.lg.uuid()), child: person.id, period: period.clone() }, &meta).await?;
                self.summary.periods += 1;
                self.summary.placements += period.placements.len();
            }
            let mut record = CareLeaverRecord::new(person.id);
            record.detained_at_16 = matches!(story, Story::CustodyAt16);
            let facts = leaving_facts(Some(born), &periods, Some(&record), self.today);
            let left = periods.iter().filter_map(|p| p.ended.map(|e| e.on)).max().unwrap_or(self.today);
            self.service(&mut record, &facts, story, left, h);
            let status = status_on(&leaving_facts(Some(born), &periods, Some(&record), self.today), self.today).map_err(|e| TestkitError::Invalid { what: "a care leaver's status".into(), errors: e.to_string() })?.status;
            if status != Status::None {
                tx.insert_care_leaver(&record, &meta).await?;
                self.summary.care_leavers += 1;
                for r in self.referrals(&record, left, h) {
                    tx.insert_service_referral(&r, &meta).await?;
                }
            }
            out.push(person.id);
            self.summary.left_care += 1;
        }
        Ok(out)
    }

    /// Referrals to the demo directory's services: supported tenancies for those in
    /// semi-independent accommodation, a leisure pass for some; accepted within a fortnight.
    fn referrals(&mut self, r: &CareLeaverRecord, left: Date, h: Holder) -> Vec<ServiceReferral> {
        let mut wanted: Vec<(&str, &str)> = Vec::new();
        if r.housing.iter().any(|x| x.accommodation == Accommodation::SemiIndependent) {
            wanted.push(("supported-tenancies", "Needs a supported tenancy on leaving care"));
        }
        if self.lg.chance(0.4) {
            wanted.push(("leisure-pass", "Wants to keep swimming and go to the gym"));
        }
        let today = self.today;
        wanted
            .into_iter()
            .map(|(service, reason)| {
                let on = self.day_between((left - Duration::days(30)).min(today), left.min(today));
                let accepted = (on + Duration::days(self.lg.int(1, 14))).min(today);
                ServiceReferral { id: ServiceReferralId(self.lg.uuid()), child: r.child, service: service.into(), on, by: h.worker, reason: reason.into(), outcome: Some(ServiceOutcome { on: accepted, outcome: ReferralOutcome::Accepted }), ended: None }
            })
            .collect()
    }

    /// A young person and their periods of care, as `story` tells it.
    fn leaver_history(&mut self, story: Story, h: Holder) -> (PersonRecord, Vec<PeriodOfCare>) {
        let today = self.today;
        let (youngest, oldest) = match story {
            Story::LeftAt16 | Story::CustodyAt16 => (16 * 365 + 120, 17 * 365 + 300),
            Story::HomeSixMonths => (16 * 365 + 250, 17 * 365 + 300),
            Story::InCareTo18 => (18 * 365 + 30, 20 * 365 + 300),
            Story::University => (21 * 365 + 30, 24 * 365 + 300),
            Story::BrieflyAfter16 => (16 * 365 + 200, 19 * 365),
        };
        let born = today - Duration::days(self.lg.int(youngest, oldest));
        let (b14, b16, b18) = (birthday(born, 14), birthday(born, 16), birthday(born, 18));
        let heritage = &HERITAGES[self.lg.weighted_index(HERITAGES.iter().map(|h| h.weight))];
        let girl = self.lg.chance(0.5);
        let given = *self.lg.pick(if girl { heritage.girls } else { heritage.boys });
        let family = *self.lg.pick(heritage.surnames);
        let mut details = PersonDetails::named(PersonKind::Child, given, family);
        details.date_of_birth = Some(born);
        details.sex = Some(if girl { Sex::Female } else { Sex::Male });
        details.ethnicity = Some(heritage.ethnicity);
        let (start, end, reason) = match story {
            Story::LeftAt16 => {
                let start = self.day_between(b14, b16 - Duration::days(200));
                (start, self.day_between(b16 + Duration::days(20), today - Duration::days(30)), *self.lg.pick(&[ReasonEpisodeCeased::IndependentSupported, ReasonEpisodeCeased::LivesWithoutParentalResponsibility, ReasonEpisodeCeased::OtherReason]))
            }
            Story::InCareTo18 | Story::University => {
                let start = self.day_between(b14 - Duration::days(700), b16 - Duration::days(100));
                (start, b18, if matches!(story, Story::InCareTo18) && self.lg.chance(0.5) { ReasonEpisodeCeased::StayingPut } else { ReasonEpisodeCeased::IndependentSupported })
            }
            Story::BrieflyAfter16 => {
                let start = self.day_between(b16 + Duration::days(10), (b16 + Duration::days(150)).min(today - Duration::days(70)));
                (start, start + Duration::days(self.lg.int(14, 60)), ReasonEpisodeCeased::HomeUnplanned)
            }
            Story::CustodyAt16 => {
                let start = self.day_between(b14, b16 - Duration::days(300));
                (start, b16 - Duration::days(self.lg.int(10, 60)), ReasonEpisodeCeased::Custody)
            }
            Story::HomeSixMonths => {
                let start = self.day_between(b14, b16 - Duration::days(150));
                (start, self.day_between(b16 + Duration::days(14), today - Duration::days(190)), ReasonEpisodeCeased::HomePlanned)
            }
        };
        let mut period = self.period(born, start, Some(end), None, family, false);
        period.ended = Some(Ending { on: end, reason });
        // Some had planned short breaks with a local carer before, which the status rules
        // leave out.
        let mut periods = if matches!(story, Story::LeftAt16 | Story::BrieflyAfter16) && self.lg.chance(0.5) { self.short_breaks(born, start, family) } else { Vec::new() };
        periods.push(period);
        let created_at = self.now - Duration::days((today - start).whole_days() + 20);
        let person = PersonRecord {
            id: PersonId(self.lg.uuid()),
            version: 1,
            details,
            allocation: Allocation { team: Some(h.team), worker: Some(h.worker) },
            restricted: false,
            created_at,
            created_by: h.worker,
            updated_at: created_at,
        };
        (person, periods)
    }

    /// A few short breaks (V3) of one to three days in the year before `start`, from the
    /// 13th birthday.
    fn short_breaks(&mut self, born: Date, start: Date, family: &str) -> Vec<PeriodOfCare> {
        use hearth_domain::care::codes::{CategoryOfNeed, LegalStatus, PlacementType};
        use hearth_domain::care::episodes::LegalStatusFrom;
        use hearth_domain::care::provider::ProviderKind;
        let carer = self.provider_for(ProviderKind::FosterHousehold, false, family);
        let mut day = (start - Duration::days(365)).max(birthday(born, 13));
        let mut out = Vec::new();
        while day + Duration::days(40) < start {
            let back = day + Duration::days(self.lg.int(1, 3));
            if let Ok(placement) = self.providers[carer].place(day, PlacementType::FosterOther, None) {
                out.push(PeriodOfCare {
                    start: day,
                    start_time: None,
                    need: CategoryOfNeed::ChildDisability,
                    home_postcode: None,
                    legal_statuses: vec![LegalStatusFrom { from: day, status: LegalStatus::ShortBreakEpisodes }],
                    placements: vec![placement],
                    ended: Some(Ending { on: back, reason: ReasonEpisodeCeased::HomePlanned }),
                    planning: Default::default(),
                });
            }
            day = back + Duration::days(self.lg.int(21, 60));
        }
        out
    }

    /// What the care leaver service records for a young person who left care on `left`.
    fn service(&mut self, r: &mut CareLeaverRecord, facts: &hearth_domain::care::leaving::LeavingFacts, story: Story, left: Date, h: Holder) {
        let Some(born) = facts.born else { return };
        let today = self.today;
        if matches!(story, Story::BrieflyAfter16 | Story::HomeSixMonths) {
            // Qualifying: advice and assistance; some stay in touch.
            if self.lg.chance(0.6) {
                let on = self.day_between(left, today);
                r.contacts.push(Contact { on, outcome: *self.lg.pick(&[InTouch::Yes, InTouch::Yes, InTouch::NoLongerNeeded]) });
            }
            return;
        }
        let from = pathway_from(facts).unwrap_or(birthday(born, 16));
        // Most have an adviser from before 16 (the 16th year); a few are waiting for one.
        if self.lg.chance(0.9) {
            let (user, name) = self.adviser(h);
            let allocated = self.day_between(birthday(born, 15).max(from - Duration::days(300)), from);
            r.advisers.push(Adviser { user, name, from: allocated });
        }
        let assessed = self.day_between(from, add_months(from, 2).unwrap_or(from)).min(today);
        r.needs_assessment = Some(assessed);
        // Plans every six months or so; some are behind with the latest review.
        let mut agreed = self.day_between(assessed, assessed + Duration::days(30)).min(today);
        let behind = self.lg.chance(0.2);
        let stop = if behind { today - Duration::days(self.lg.int(200, 300)) } else { today };
        let views = ["I want to stay near my friends and my college", "I want my own flat when I am ready", "I want help learning to budget and cook", "I want to keep seeing my brother every week"];
        while agreed <= stop {
            let signed = self.lg.chance(0.9) || agreed < today - Duration::days(60);
            r.plans.push(PathwayPlan {
                agreed,
                review: !r.plans.is_empty(),
                views: (*self.lg.pick(&views)).to_string(),
                signed_off: signed.then(|| SignOff { by: h.manager, on: (agreed + Duration::days(self.lg.int(1, 10))).min(today) }),
            });
            agreed = agreed + Duration::days(self.lg.int(150, 182));
        }
        // Contact around each birthday from 17 that has passed; a few missed.
        for age in 17..=21 {
            let b = birthday(born, age);
            if b > today {
                break;
            }
            if self.lg.chance(0.85) {
                let on = (b - Duration::days(self.lg.int(0, 60))).min(today);
                r.contacts.push(Contact { on, outcome: *self.lg.weighted(&[(InTouch::Yes, 85), (InTouch::No, 10), (InTouch::Refused, 5)]) });
            }
        }
        if self.lg.chance(0.7) && left < today {
            r.contacts.push(Contact { on: self.day_between(today - Duration::days(80), today), outcome: InTouch::Yes });
        }
        r.contacts.sort_by_key(|c| c.on);
        r.contacts.dedup_by_key(|c| c.on);
        // Where they live, and what they do.
        let b18 = birthday(born, 18);
        let staying_put = matches!(story, Story::InCareTo18) && self.lg.chance(0.5);
        if staying_put {
            let until = birthday(born, 21);
            r.arrangements.push(Arrangement { number: 1, kind: ArrangementKind::StayingPut, from: b18, until: (until <= today).then_some(until), with: "Former foster carers".into(), sleep_in: false });
            r.housing.push(Housed { from: b18, accommodation: Accommodation::FormerFosterCarers, suitable: true });
        } else if left <= today {
            let (accommodation, suitable) = *self.lg.weighted(&[
                ((Accommodation::SemiIndependent, true), 30),
                ((Accommodation::SupportedLodgings, true), 20),
                ((Accommodation::Independent, true), 25),
                ((Accommodation::WithParents, true), 10),
                ((Accommodation::BedAndBreakfast, false), 5),
                ((Accommodation::NoFixedAbode, false), 3),
                ((Accommodation::Custody, false), 2),
            ]);
            // Some of those in custody at 16 are still there.
            let accommodation = if matches!(story, Story::CustodyAt16) && self.lg.chance(0.4) { Accommodation::Custody } else { accommodation };
            r.housing.push(Housed { from: left, accommodation, suitable: suitable && accommodation != Accommodation::Custody });
            if accommodation == Accommodation::SupportedLodgings {
                r.arrangements.push(Arrangement { number: 1, kind: ArrangementKind::SupportedLodgings, from: left, until: None, with: "Supported lodgings host".into(), sleep_in: false });
            }
            if accommodation == Accommodation::Independent && self.lg.chance(0.8) {
                let on = self.day_between(left, (left + Duration::days(30)).min(today));
                r.payments.push(Payment { on, kind: PaymentKind::SettingUpHome, pence: 300_000, note: "Furniture and white goods".into() });
            }
        }
        let activity = if matches!(story, Story::University) {
            *self.lg.pick(&[Activity::HigherEducationFullTime, Activity::HigherEducationFullTime, Activity::HigherEducationPartTime])
        } else {
            *self.lg.weighted(&[(Activity::EducationFullTime, 35), (Activity::TrainingFullTime, 15), (Activity::EmploymentFullTime, 15), (Activity::EmploymentPartTime, 8), (Activity::NeetOther, 17), (Activity::NeetIllness, 5), (Activity::NeetParenting, 5)])
        };
        r.activities.push(Occupied { from: left.min(today), activity });
        if matches!(story, Story::University) {
            r.payments.push(Payment { on: self.day_between(b18 + Duration::days(90), b18 + Duration::days(200)).min(today), kind: PaymentKind::HigherEducationBursary, pence: 200_000, note: "First year".into() });
        }
    }

    /// A record for a young person in care at 16 or 17 and eligible: most have an adviser and
    /// a plan; a few are overdue.
    pub(crate) fn eligible_record(&mut self, child: PersonId, born: Date, periods: &[PeriodOfCare], h: Holder) -> Option<CareLeaverRecord> {
        let mut r = CareLeaverRecord::new(child);
        let facts = leaving_facts(Some(born), periods, None, self.today);
        if status_on(&facts, self.today).ok()?.status != Status::Eligible {
            return None;
        }
        self.service_in_care(&mut r, &facts, h);
        Some(r)
    }

    fn service_in_care(&mut self, r: &mut CareLeaverRecord, facts: &hearth_domain::care::leaving::LeavingFacts, h: Holder) {
        let Some(from) = pathway_from(facts) else { return };
        let today = self.today;
        if self.lg.chance(0.85) {
            let (user, name) = self.adviser(h);
            let born = facts.born.unwrap_or(from);
            r.advisers.push(Adviser { user, name, from: self.day_between(birthday(born, 15).max(from - Duration::days(300)), from.min(today)) });
        }
        if self.lg.chance(0.8) {
            let assessed = self.day_between(from, add_months(from, 2).unwrap_or(from)).min(today);
            r.needs_assessment = Some(assessed);
            let mut agreed = (assessed + Duration::days(self.lg.int(5, 30))).min(today);
            while agreed <= today {
                r.plans.push(PathwayPlan { agreed, review: !r.plans.is_empty(), views: "I want to stay with my carers until I finish college".into(), signed_off: Some(SignOff { by: h.manager, on: (agreed + Duration::days(3)).min(today) }) });
                agreed = agreed + Duration::days(self.lg.int(150, 182));
            }
        }
        r.activities.push(Occupied { from: from.min(today), activity: *self.lg.weighted(&[(Activity::EducationFullTime, 70), (Activity::TrainingFullTime, 15), (Activity::NeetOther, 15)]) });
    }
}

#[cfg(test)]
mod tests {
    use hearth_domain::services::Directory;

    #[test]
    fn the_services_the_demo_refers_to_are_in_the_demo_directory() {
        let d = Directory::demo();
        for key in ["supported-tenancies", "leisure-pass"] {
            assert!(d.get(key).is_some(), "{key}");
        }
    }
}
