//! Children in care for the demo LA (issue 17): providers of placements (foster households,
//! children's homes in and out of the area, supported accommodation, a secure home) and, for
//! the children the Children in Care team holds, periods of care as a worker would have
//! recorded them over the years — section 20 or care proceedings (interim then full care
//! order), moves with their reasons, a placement agreed as long-term, an adoption plan for
//! some young children, and for some an earlier period that ended with a return home. Every
//! period is checked by the domain's rules before it is written.
use crate::family::Family;
use crate::front_door::Holder;
use crate::names::HERITAGES;
use crate::places::{POSTCODE_UNIT_LETTERS, STREET_FIRST, STREET_LAST, TOWNS};
use crate::rng::Gen;
use crate::text::TeamKind;
use crate::TestkitError;
use hearth_domain::care::codes::{CategoryOfNeed, LegalStatus, PlacementProvider, PlacementType, ReasonEpisodeCeased, ReasonPlaceChange};
use hearth_app::Timescales;
use hearth_domain::care::episodes::{check_periods, ClockTime, Ending, LegalStatusFrom, PeriodOfCare, Placement};
use hearth_domain::care::planning::{VisitRequest, VisitRequester, Offence, OffenceOutcome, CareReview, MissingEpisode, MissingKind, NamedIro, Participation, PermanenceOption, PermanencePlan, PlacementPlan, Planning, ReturnInterview, ReviewDecision, ReviewReport, SignOff, Uasc};
use hearth_domain::care::contact::{Attendance, ContactArrangement, ContactKind, ContactRequest, ContactSession};
use hearth_domain::care::steps::{due_steps, Facts};
use hearth_domain::care::wellbeing::{in_exam_years, sdq_age, Exclusion, ExclusionKind, HealthCheck, HealthCheckKind, Term, PEP_AGES};
use hearth_domain::case_note::{CaseNote, CaseNoteDetails};
use hearth_domain::codes::CaseNoteType;
use hearth_domain::front_door::tasks::{Task, TaskKind, TaskSubject};
use hearth_domain::front_door::TaskId;
use hearth_domain::CaseNoteId;
use hearth_domain::care::postcode::Postcode;
use hearth_domain::care::provider::{Provider, ProviderId, ProviderKind};
use hearth_domain::care::decision::{Authorisation, CareDecision, CareDecisionId, CareRoute, Notification, Notified, PlanningMeeting};
use hearth_domain::care::{CarePeriodId, CarePeriodRecord};
use hearth_domain::codes::Coded;
use hearth_domain::person::{age_on, ChangeMeta, PersonKind};
use hearth_domain::UserId;
use hearth_store::Tx;
use std::collections::HashMap;
use std::sync::Arc;
use time::{Date, Duration, OffsetDateTime};

mod leavers;

/// Salt of the care generator's random stream.
const STREAM: u64 = 0xCA4E_0017_2026_1207;
/// Salt of the care leavers' stream (issue 18).
const LEAVERS_STREAM: u64 = 0x1EA7_0018;

/// Postcode districts of other areas, for homes and accommodation out of the area.
const AWAY: &[(&str, &str)] = &[("Swindon", "SN1"), ("Bristol", "BS5"), ("Gloucester", "GL1"), ("Taunton", "TA1"), ("Cardiff", "CF24"), ("Reading", "RG1")];

const CATEGORIES: &[(CategoryOfNeed, u32)] = &[
    (CategoryOfNeed::AbuseOrNeglect, 65),
    (CategoryOfNeed::FamilyDysfunction, 14),
    (CategoryOfNeed::FamilyInAcuteStress, 8),
    (CategoryOfNeed::AbsentParenting, 6),
    (CategoryOfNeed::ParentalDisability, 4),
    (CategoryOfNeed::ChildDisability, 3),
];

const MOVE_REASONS: &[(ReasonPlaceChange, u32)] = &[
    (ReasonPlaceChange::CarePlan, 40),
    (ReasonPlaceChange::CarerRequestBehaviour, 10),
    (ReasonPlaceChange::CarerRequestOther, 10),
    (ReasonPlaceChange::ChildRequest, 8),
    (ReasonPlaceChange::ProvisionClosed, 5),
    (ReasonPlaceChange::AuthorityRequest, 5),
    (ReasonPlaceChange::StandardsOfCare, 4),
    (ReasonPlaceChange::Allegation, 3),
    (ReasonPlaceChange::Other, 5),
];

/// What the generator made.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CareSummary {
    pub providers: usize,
    /// Children looked after today.
    pub looked_after: usize,
    pub periods: usize,
    pub placements: usize,
    pub reviews: usize,
    /// Statutory visits recorded (case notes), over each period's last year.
    pub visits: usize,
    pub missing_episodes: usize,
    pub uasc: usize,
    /// Single short breaks (V3) before full care began.
    pub short_breaks: usize,
    /// Decisions about care (each authorised; care began under it).
    pub decisions: usize,
    /// Young people with a care leaver record (eligible ones in care, and those who left).
    pub care_leavers: usize,
    /// Young people who had left care before the history the demo holds (no referral).
    pub left_care: usize,
}

/// The care generator: its own random stream, the providers so far, and how many children
/// each has today.
pub(crate) struct Generator {
    g: Gen,
    today: Date,
    now: OffsetDateTime,
    timescales: Arc<Timescales>,
    providers: Vec<Provider>,
    /// Providers made but not yet written.
    new: Vec<Provider>,
    placed_today: HashMap<ProviderId, u16>,
    /// The IROs with accounts, named for the children they review.
    iros: Vec<(UserId, String)>,
    /// The Children in Care and Moving On team's social workers, who are care leavers'
    /// personal advisers.
    advisers: Vec<(UserId, String)>,
    /// The care leavers' own random stream, so that adding them changes nothing else.
    lg: Gen,
    pub summary: CareSummary,
}

impl Generator {
    /// The generator with the LA's pool of providers for about `children` open cases.
    pub fn new(seed: u64, children: usize, today: Date, now: OffsetDateTime, timescales: Arc<Timescales>, iros: Vec<(UserId, String)>, advisers: Vec<(UserId, String)>) -> Generator {
        let mut c = Generator { g: Gen::new(seed ^ STREAM), today, now, timescales, providers: Vec::new(), new: Vec::new(), placed_today: HashMap::new(), iros, advisers, lg: Gen::new(seed ^ STREAM ^ LEAVERS_STREAM), summary: CareSummary::default() };
        for _ in 0..(children / 12).max(8) {
            c.foster_household(ProviderKind::FosterHousehold);
        }
        for i in 0..(children / 150).max(3) {
            let away = i % 3 != 0;
            let (provider, n) = if c.g.chance(0.7) { (PlacementProvider::Private, 4) } else { (PlacementProvider::OwnProvision, 3) };
            let places = n + c.g.int(0, 2);
            c.setting(ProviderKind::ChildrensHome, provider, away, places);
        }
        for _ in 0..(children / 250).max(2) {
            let away = c.g.chance(0.3);
            c.setting(ProviderKind::SupportedAccommodation, PlacementProvider::Voluntary, away, 6);
        }
        c.setting(ProviderKind::SecureHome, PlacementProvider::OtherLocalAuthority, true, 8);
        c
    }

    fn surname(&mut self) -> &'static str {
        let h = self.g.weighted_index(HERITAGES.iter().map(|h| h.weight));
        *self.g.pick(HERITAGES[h].surnames)
    }

    fn place(&mut self, away: bool) -> (Vec<String>, Postcode) {
        let (town, district) = if away {
            *self.g.pick(AWAY)
        } else {
            let t = &TOWNS[self.g.weighted_index(TOWNS.iter().map(|t| t.weight))];
            (t.name, *self.g.pick(t.districts))
        };
        let street = format!("{} {} {}", self.g.int(1, 120), self.g.pick(STREET_FIRST), self.g.pick(STREET_LAST));
        let unit = format!("{}{}{}", self.g.int(1, 9), *self.g.pick(POSTCODE_UNIT_LETTERS) as char, *self.g.pick(POSTCODE_UNIT_LETTERS) as char);
        // Every district above is a real outward code, so this always parses.
        let postcode = Postcode::parse(&format!("{district} {unit}")).unwrap_or_else(|_| Postcode::parse("BA1 1AA").expect("a valid postcode"));
        (vec![street, town.to_string()], postcode)
    }

    /// Keeps a new provider, giving it its id from the stream.
    fn add(&mut self, mut p: Provider) -> usize {
        p.id = ProviderId(self.g.uuid());
        self.providers.push(p.clone());
        self.new.push(p);
        self.providers.len() - 1
    }

    fn foster_household(&mut self, kind: ProviderKind) -> usize {
        let name = format!("The {} household", self.surname());
        let away = self.g.chance(0.1);
        let (address, postcode) = self.place(away);
        let provider = if kind == ProviderKind::FosterHousehold && self.g.chance(0.3) { PlacementProvider::Private } else { PlacementProvider::OwnProvision };
        let places = self.g.int(1, 3) as u16;
        self.add(Provider { id: ProviderId(uuid::Uuid::nil()), name, kind, provider, urn: None, address, postcode: Some(postcode), places: Some(places), closed: false, monitoring_visits: Vec::new() })
    }

    fn setting(&mut self, kind: ProviderKind, provider: PlacementProvider, away: bool, places: i64) -> usize {
        let (address, postcode) = self.place(away);
        let name = match kind {
            ProviderKind::ChildrensHome => format!("{} House", self.g.pick(STREET_FIRST)),
            ProviderKind::SupportedAccommodation => format!("{} Court supported housing", self.g.pick(STREET_FIRST)),
            _ => format!("{} secure children's home", self.g.pick(STREET_FIRST)),
        };
        let urn = format!("SC{:06}", self.g.int(100_000, 999_999));
        // External homes were visited by the LA within about the last year (a few are late).
        let external = provider != PlacementProvider::OwnProvision;
        let monitoring_visits = if external { vec![self.today - Duration::days(self.g.int(20, 420))] } else { Vec::new() };
        self.add(Provider { id: ProviderId(uuid::Uuid::nil()), name, kind, provider, urn: Some(urn), address, postcode: Some(postcode), places: Some(places as u16), closed: false, monitoring_visits })
    }

    /// A provider of `kind` for a placement; `current`: the child is still there today, so
    /// it must have a free place (a new foster household is approved when none has).
    fn provider_for(&mut self, kind: ProviderKind, current: bool, family_name: &str) -> usize {
        if kind == ProviderKind::ConnectedCarers {
            let (address, postcode) = self.place(false);
            let name = format!("The {family_name} family (relatives)");
            return self.add(Provider { id: ProviderId(uuid::Uuid::nil()), name, kind, provider: PlacementProvider::OwnProvision, urn: None, address, postcode: Some(postcode), places: Some(2), closed: false, monitoring_visits: Vec::new() });
        }
        if kind == ProviderKind::Adopters {
            let away = self.g.chance(0.3);
        let (address, postcode) = self.place(away);
            let name = format!("The {} family (adopters)", self.surname());
            return self.add(Provider { id: ProviderId(uuid::Uuid::nil()), name, kind, provider: PlacementProvider::OwnProvision, urn: None, address, postcode: Some(postcode), places: None, closed: false, monitoring_visits: Vec::new() });
        }
        let candidates: Vec<usize> = (0..self.providers.len())
            .filter(|i| {
                let p = &self.providers[*i];
                p.kind == kind && (!current || self.placed_today.get(&p.id).copied().unwrap_or(0) < p.places.unwrap_or(u16::MAX))
            })
            .collect();
        match candidates.len() {
            0 if kind == ProviderKind::FosterHousehold => self.foster_household(kind),
            // A full home takes one more rather than the generator inventing homes.
            0 => *self.g.pick(&(0..self.providers.len()).filter(|i| self.providers[*i].kind == kind).collect::<Vec<_>>()),
            n => candidates[self.g.index(n)],
        }
    }

    /// Writes the providers made since the last call.
    async fn write_providers(&mut self, tx: &mut dyn Tx, by: UserId) -> Result<(), TestkitError> {
        let meta = ChangeMeta { by, at: self.now, reason: None };
        for p in std::mem::take(&mut self.new) {
            p.check().map_err(|e| TestkitError::Invalid { what: format!("provider {}", p.name), errors: e.to_string() })?;
            tx.insert_provider(&p, &meta).await?;
            self.summary.providers += 1;
        }
        Ok(())
    }

    /// The periods of care of a family's children held by the Children in Care team.
    pub async fn family(&mut self, tx: &mut dyn Tx, f: &Family, holder: Holder) -> Result<(), TestkitError> {
        if holder.kind == TeamKind::InCare {
            for p in f.persons.iter().filter(|p| p.record.details.kind == PersonKind::Child && f.children.iter().any(|c| c.0 == p.record.id)) {
                let d = &p.record.details;
                let Some(born) = d.date_of_birth else { continue };
                let home = d.current_address(self.today).and_then(|a| a.postcode.as_deref()).and_then(|c| Postcode::parse(c).ok());
                let periods = self.periods(born, home, &d.family_name);
                if periods.is_empty() {
                    continue;
                }
                check_periods(&periods).map_err(|e| invalid("periods of care", e))?;
                self.write_providers(tx, holder.worker).await?;
                let breaks = periods.iter().filter(|p| p.is_short_breaks()).count();
                self.summary.short_breaks += breaks;
                for mut period in periods {
                    if period.is_short_breaks() {
                        let meta = ChangeMeta { by: holder.worker, at: self.now, reason: None };
                        tx.insert_care_period(&CarePeriodRecord { id: CarePeriodId(self.g.uuid()), child: p.record.id, period }, &meta).await?;
                        self.summary.periods += 1;
                        continue;
                    }
                    period.check(Some(born)).map_err(|e| invalid("period of care", e))?;
                    let visits = self.visits(&period);
                    period.planning = self.planning(&period, born, holder);
                    period.check_planning(Some(born), self.today).map_err(|e| invalid("planning of a period of care", e))?;
                    if period.covers(self.today) {
                        self.summary.looked_after += 1;
                        self.summary.uasc += usize::from(period.planning.uasc.is_some());
                    }
                    self.summary.periods += 1;
                    self.summary.placements += period.placements.len();
                    self.summary.reviews += period.planning.reviews.len();
                    self.summary.missing_episodes += period.planning.missing.len();
                    let meta = ChangeMeta { by: holder.worker, at: self.now, reason: None };
                    let record = CarePeriodRecord { id: CarePeriodId(self.g.uuid()), child: p.record.id, period };
                    tx.insert_care_period(&record, &meta).await?;
                    if record.period.ended.is_none() && self.g.chance(0.6) {
                        let decision = self.decision(&record, holder);
                        decision.check(self.today).map_err(|e| invalid("decision about care", e))?;
                        tx.insert_care_decision(&decision, &meta).await?;
                        self.summary.decisions += 1;
                    }
                    self.write_visits(tx, &record, &visits, holder).await?;
                    self.write_tasks(tx, &record, &visits, holder, Some(born)).await?;
                    if record.period.ended.is_none() && age_on(born, self.today).is_some_and(|a| a >= 16) {
                        let all: Vec<PeriodOfCare> = tx.care_periods_of(p.record.id).await?.into_iter().map(|v| v.value.period).collect();
                        if let Some(r) = self.eligible_record(p.record.id, born, &all, holder) {
                            tx.insert_care_leaver(&r, &meta).await?;
                            self.summary.care_leavers += 1;
                        }
                    }
                }
            }
        }
        // Providers made for no one yet (the pool) go in with the first family.
        if !self.new.is_empty() && self.summary.providers == 0 {
            self.write_providers(tx, holder.worker).await?;
        }
        Ok(())
    }

    /// A child's periods of care, earliest first: the current one, and for some an earlier
    /// one that ended with a return home.
    fn periods(&mut self, born: Date, home: Option<Postcode>, family_name: &str) -> Vec<PeriodOfCare> {
        let lived = (self.today - born).whole_days();
        if lived < 60 || age_on(born, self.today).unwrap_or(18) >= 18 {
            return Vec::new();
        }
        let back = self.g.int(30, (6 * 365).min(lived - 20));
        let start = self.today - Duration::days(back);
        let mut out = Vec::new();
        let before = (start - born).whole_days();
        if before > 400 && self.g.chance(0.15) {
            let first_start = born + Duration::days(self.g.int(30, before - 300));
            let first_end = first_start + Duration::days(self.g.int(20, 200).min((start - first_start).whole_days() - 60));
            let mut first = self.period(born, first_start, Some(first_end), home.clone(), family_name, false);
            first.ended = Some(Ending { on: first_end, reason: *self.g.pick(&[ReasonEpisodeCeased::HomePlanned, ReasonEpisodeCeased::HomePlanned, ReasonEpisodeCeased::HomeUnplanned]) });
            out.push(first);
        }
        // Some had planned short breaks with a local carer before full care began.
        let room_from = out.last().and_then(|p| p.ended).map_or(born + Duration::days(3 * 365), |e| e.on + Duration::days(30));
        if self.g.chance(0.1) && start - Duration::days(120) > room_from {
            let carer = self.provider_for(ProviderKind::FosterHousehold, false, family_name);
            let mut day = room_from.max(start - Duration::days(400));
            while day + Duration::days(60) < start {
                let back = day + Duration::days(self.g.int(1, 3));
                let placement = self.providers[carer].place(day, PlacementType::FosterOther, None);
                if let Ok(placement) = placement {
                    out.push(PeriodOfCare {
                        start: day,
                        start_time: None,
                        need: CategoryOfNeed::ChildDisability,
                        home_postcode: home.clone(),
                        legal_statuses: vec![LegalStatusFrom { from: day, status: LegalStatus::ShortBreakEpisodes }],
                        placements: vec![placement],
                        ended: Some(Ending { on: back, reason: ReasonEpisodeCeased::HomePlanned }),
                        planning: Default::default(),
                    });
                }
                day = back + Duration::days(self.g.int(21, 45));
            }
            out.sort_by_key(|p| p.start);
        }
        out.push(self.period(born, start, None, home, family_name, true));
        out
    }

    /// The decision care began under: proposed a few days before (the day, in an
    /// emergency), authorised by the manager, the planning meeting held and all three told.
    fn decision(&mut self, record: &CarePeriodRecord, holder: Holder) -> CareDecision {
        let start = record.period.start;
        let emergency = record.period.legal_statuses.first().is_some_and(|l| l.status == LegalStatus::EmergencyProtectionOrder);
        let proposed = if emergency { start } else { start - Duration::days(self.g.int(2, 14)) };
        let on = |g: &mut Gen, from: Date, most: i64| (from + Duration::days(g.int(0, most))).min(self.today);
        let authorised = on(&mut self.g, proposed, 1);
        let route = if emergency { CareRoute::EmergencyProtection } else if record.period.legal_statuses.len() > 1 { CareRoute::CareOrder } else { CareRoute::Accommodation };
        let notified = Notified::ALL.iter().map(|w| Notification { whom: *w, on: on(&mut self.g, authorised, 3) }).collect();
        CareDecision {
            id: CareDecisionId(self.g.uuid()),
            child: record.child,
            route,
            proposed,
            proposed_by: holder.worker,
            reasons: (*self.g.pick(&["Parents unable to keep the child safe despite support", "Mother in hospital; no family able to care", "Neglect continuing under a child protection plan", "Parent asked for the child to be accommodated"])).to_string(),
            planned_start: (!emergency).then_some(start),
            authorisation: Some(Authorisation { by: holder.manager, on: authorised, agreed: true, comments: String::new() }),
            meeting: Some(PlanningMeeting { held: on(&mut self.g, authorised, 3), attendees: "Social worker, team manager, parent, foster carer".into(), plan: String::new() }),
            notified,
            withdrawn: None,
            care_began: Some(record.id),
        }
    }

    /// One period from `start` to `end` (today when open): legal statuses, then placements.
    fn period(&mut self, born: Date, start: Date, end: Option<Date>, home: Option<Postcode>, family_name: &str, open: bool) -> PeriodOfCare {
        let last = end.unwrap_or(self.today);
        let age_at = |d: Date| age_on(born, d).unwrap_or(0);
        let days = (last - start).whole_days();
        // Care proceedings for most: accommodated (or an emergency order), then an interim
        // care order, then a full care order; the rest stay under section 20.
        let mut statuses = Vec::new();
        let court = age_at(start) < 16 && self.g.chance(0.6);
        let first = if court && self.g.chance(0.15) { LegalStatus::EmergencyProtectionOrder } else { LegalStatus::Section20 };
        statuses.push(LegalStatusFrom { from: start, status: first });
        if court && days > 21 {
            let interim = start + Duration::days(self.g.int(7, 42).min(days - 1));
            statuses.push(LegalStatusFrom { from: interim, status: LegalStatus::InterimCareOrder });
            let left = (last - interim).whole_days();
            if left > 120 {
                let full = interim + Duration::days(self.g.int(100, 210).min(left - 1));
                if age_at(full) < 17 {
                    statuses.push(LegalStatusFrom { from: full, status: LegalStatus::FullCareOrder });
                    let after = (last - full).whole_days();
                    if open && age_at(full) < 4 && after > 120 && self.g.chance(0.3) {
                        statuses.push(LegalStatusFrom { from: full + Duration::days(self.g.int(60, after - 30)), status: LegalStatus::PlacementOrder });
                    }
                }
            }
        }
        let placements = self.placements(born, start, last, &statuses, family_name, open);
        // The emergency duty team's records give the hour for about half.
        let start_time = if open && self.g.chance(0.5) { ClockTime::new(self.g.int(8, 23) as u8, (15 * self.g.int(0, 3)) as u8) } else { None };
        PeriodOfCare { start, start_time, need: *self.g.weighted(CATEGORIES), home_postcode: home, legal_statuses: statuses, placements, ended: None, planning: Default::default() }
    }

    /// The placements of a period, the first from its start; `open`: the last is today's.
    fn placements(&mut self, born: Date, start: Date, last: Date, statuses: &[LegalStatusFrom], family_name: &str, open: bool) -> Vec<Placement> {
        let days = (last - start).whole_days();
        let moves = (*self.g.weighted(&[(0usize, 35), (1, 30), (2, 20), (3, 10), (4, 5)])).min((days / 30) as usize);
        let mut dates: Vec<Date> = (0..moves).map(|_| start + Duration::days(self.g.int(14, days.max(15) - 1))).collect();
        dates.sort();
        dates.dedup();
        let adoption = statuses.iter().find(|l| l.status == LegalStatus::PlacementOrder).map(|l| l.from);
        if let Some(order) = adoption {
            // Placed with the adopters a few weeks after the order; no other move after it.
            dates.retain(|d| *d < order);
            dates.push(order + Duration::days(self.g.int(14, 28).min((last - order).whole_days())));
            dates.dedup();
        }
        let mut out: Vec<Placement> = Vec::new();
        let all = std::iter::once(start).chain(dates.iter().copied()).collect::<Vec<_>>();
        for (i, from) in all.iter().copied().enumerate() {
            let current = open && i == all.len() - 1;
            let age = age_on(born, from).unwrap_or(0);
            let (kind, provider_kind) = if adoption.is_some_and(|o| from > o) {
                (PlacementType::AdoptionOrderOtherCarers, ProviderKind::Adopters)
            } else if age >= 16 && self.g.chance(0.5) {
                (PlacementType::SupportedAccommodation, ProviderKind::SupportedAccommodation)
            } else if age >= 12 && self.g.chance(0.25) {
                (PlacementType::ChildrensHome, ProviderKind::ChildrensHome)
            } else if i == 0 && self.g.chance(0.2) {
                (PlacementType::ConnectedOther, ProviderKind::ConnectedCarers)
            } else {
                (PlacementType::FosterOther, ProviderKind::FosterHousehold)
            };
            // Some long stays become long-term with the same carers: a change of placement
            // type only.
            if let Some(prev) = out.last()
                && prev.kind == PlacementType::FosterOther
                && kind == PlacementType::FosterOther
                && (from - prev.from).whole_days() > 180
                && self.g.chance(0.4)
            {
                let mut p = prev.clone();
                (p.from, p.kind, p.reason) = (from, PlacementType::FosterLongTerm, Some(ReasonPlaceChange::StatusOnly));
                out.push(p);
                continue;
            }
            let ix = self.provider_for(provider_kind, current, family_name);
            let provider = &self.providers[ix];
            let reason = (i > 0).then(|| if provider_kind == ProviderKind::Adopters { ReasonPlaceChange::CarePlan } else { *self.g.weighted(MOVE_REASONS) });
            if let Ok(p) = provider.place(from, kind, reason) {
                out.push(p);
            }
        }
        if open && let Some(p) = out.last() {
            *self.placed_today.entry(p.carer).or_default() += 1;
        }
        out
    }
}

/// Made-up independent reviewing officers.
/// The demo's IROs; all but the last have accounts (see `staff::build`).
pub(crate) const IROS: &[&str] = &["Irene Olu", "Patrick Fenwick", "Nasreen Akhtar", "Gwen Rowlands", "Tomasz Nowak", "Beatrice Adeyemi"];

const DECISIONS: &[(&str, &str)] = &[
    ("Contact with mother to continue weekly, supervised at the family centre", "Social worker"),
    ("Referral to CAMHS to be made and followed up", "Social worker"),
    ("Personal education plan to be updated with the virtual school", "Designated teacher"),
    ("Life-story work to begin before the next review", "Social worker"),
    ("Sibling contact to be arranged monthly", "Social worker"),
    ("Dental check to be booked", "Foster carer"),
    ("Delegated authority for school trips to be agreed with the carers", "Supervising social worker"),
    ("Independent visitor to be offered", "IRO"),
];

const PARTICIPATION: &[(Participation, u32)] = &[
    (Participation::SpeaksForThemselves, 45),
    (Participation::AttendsWithAdvocate, 10),
    (Participation::AttendsNonVerbally, 5),
    (Participation::AttendsWithoutConveying, 5),
    (Participation::BriefsAdvocate, 12),
    (Participation::FacilitativeMedium, 15),
    (Participation::NotConveyed, 8),
];

impl Generator {
    /// The statutory visits of a period's last year: within a week of each placement in it,
    /// then every four to six weeks (now and then late).
    fn visits(&mut self, p: &PeriodOfCare) -> Vec<Date> {
        let last = p.ended.map_or(self.today, |e| e.on);
        let from = p.start.max(last - Duration::days(365));
        let starts = p.placement_starts();
        let mut out: Vec<Date> = Vec::new();
        let mut prev: Option<Date> = None;
        loop {
            // A placement begun since the last visit is visited within a week of it.
            let base = prev.unwrap_or(from);
            let moved = starts.iter().copied().filter(|s| *s > base || (prev.is_none() && *s >= from)).min();
            let next = match (prev, moved) {
                (_, Some(s)) if prev.is_none_or(|v| s > v) && s >= from && s - base < Duration::days(42) => s + Duration::days(self.g.int(1, 6)),
                (None, _) => from + Duration::days(self.g.int(1, 20)),
                (Some(v), _) => v + Duration::days(if self.g.chance(0.1) { self.g.int(44, 55) } else { self.g.int(26, 41) }),
            };
            if next >= last || next >= self.today {
                return out;
            }
            out.push(next);
            prev = Some(next);
        }
    }

    async fn write_visits(&mut self, tx: &mut dyn Tx, record: &CarePeriodRecord, visits: &[Date], holder: Holder) -> Result<(), TestkitError> {
        for day in visits {
            let at = time::PrimitiveDateTime::new(*day, time::Time::from_hms(10 + u8::try_from(self.g.int(0, 6)).unwrap_or(0), 0, 0).unwrap_or(time::Time::MIDNIGHT));
            let created = at.assume_utc();
            let details = CaseNoteDetails {
                statutory_visit: false,
                also_for: Vec::new(),
                occurred_at: at,
                note_type: CaseNoteType::StatutoryVisit,
                child_seen: true,
                seen_alone: self.g.chance(0.7),
                significant: false,
                text: (*self.g.pick(&["Visited at the placement; bedroom seen; talked about school and contact.", "Seen at school and then at the carers' home; settled.", "Placement visit: spoke with the carers and saw the child alone."])).to_string(),
            };
            let note = CaseNote { id: CaseNoteId(self.g.uuid()), person: record.child, version: 1, details, author: holder.worker, author_name: String::new(), created_at: created, updated_at: created };
            tx.insert_case_note(&note).await?;
            self.summary.visits += 1;
        }
        Ok(())
    }

    /// The tasks an open period has due today, as the app would have made them.
    async fn write_tasks(&mut self, tx: &mut dyn Tx, record: &CarePeriodRecord, visits: &[Date], holder: Holder, born: Option<Date>) -> Result<(), TestkitError> {
        if record.period.ended.is_some() {
            return Ok(());
        }
        let ts = self.timescales.clone();
        let facts = Facts { visits, last_team_change: None, today: self.today, born };
        let due = due_steps(&record.id.to_string(), &record.period, facts, &ts.pack, &ts.calendar).map_err(|e| TestkitError::Invalid { what: "care deadlines".into(), errors: e.to_string() })?;
        let tasks: Vec<Task> = due
            .into_iter()
            .map(|d| {
                let owner = (!matches!(d.kind, TaskKind::ReviewReportSignOff | TaskKind::CareTransfer)).then_some(holder.worker);
                let t = Task::from_deadline(d.kind, TaskSubject::CarePeriod(record.id), record.child, Some(holder.team), owner, &d.deadline, &ts.calendar);
                Task { id: TaskId(self.g.uuid()), step: d.step, ..t }
            })
            .collect();
        tx.insert_tasks(&tasks).await?;
        Ok(())
    }

    /// What was recorded during a period: its plans on time (mostly), the IRO, the reviews
    /// with their reports, the permanence plan at the second review, missing episodes for
    /// some older children, and the status of some unaccompanied asylum seekers.
    fn planning(&mut self, p: &PeriodOfCare, born: Date, holder: Holder) -> Planning {
        let last = p.ended.map_or(self.today, |e| e.on);
        let before_today = |d: Date| d <= last && d <= self.today;
        let age = |d: Date| age_on(born, d).unwrap_or(0);
        let mut plan = Planning { care_plan: Some(p.start + Duration::days(self.g.int(0, 13))).filter(|d| before_today(*d)), ..Planning::default() };
        for s in p.placement_starts() {
            let agreed = s + Duration::days(self.g.int(0, 6));
            if before_today(agreed) {
                plan.placement_plans.push(PlacementPlan { placement: s, agreed });
            }
        }
        let iro = self.g.pick(IROS).to_string();
        let named = p.start + Duration::days(self.g.int(1, 5));
        if before_today(named) {
            let user = self.iros.iter().find(|(_, n)| *n == iro).map(|x| x.0);
            plan.iro = Some(NamedIro { name: iro.clone(), from: named, user });
        }
        // Reviews: the first at about four weeks, the second three months on, then six-monthly.
        let mut next = p.start + Duration::days(self.g.int(14, 27));
        while plan.iro.is_some() && before_today(next) && next < self.today {
            let late = if self.g.chance(0.06) { self.g.int(5, 20) } else { 0 };
            let date = next + Duration::days(late);
            if !before_today(date) || date >= self.today {
                break;
            }
            let participation = if age(date) < 4 { Participation::UnderFour } else { *self.g.weighted(PARTICIPATION) };
            let decisions = (0..self.g.int(1, 3))
                .map(|_| {
                    let (action, owner) = *self.g.pick(DECISIONS);
                    ReviewDecision { action: action.into(), owner: owner.into(), due: Some(date + Duration::days(self.g.int(14, 60))) }
                })
                .collect();
            let report = self.g.chance(0.92).then(|| {
                let ready = date - Duration::days(self.g.int(8, 14));
                let signed = ready + Duration::days(self.g.int(1, 3));
                ReviewReport { ready, signed_off: Some(SignOff { by: holder.manager, on: signed }), shared: self.g.chance(0.9).then(|| signed + Duration::days(1)) }
            });
            plan.reviews.push(CareReview { date, iro: iro.clone(), participation, decisions, report });
            next = date + Duration::days(if plan.reviews.len() == 1 { self.g.int(75, 90) } else { self.g.int(150, 180) });
        }
        if let Some(second) = plan.reviews.get(1) {
            let status = p.legal_status_on(second.date);
            let option = match status {
                Some(LegalStatus::PlacementOrder) => PermanenceOption::Adoption,
                _ if age(second.date) >= 16 => PermanenceOption::Independence,
                Some(LegalStatus::Section20) if self.g.chance(0.5) => PermanenceOption::ReturnHome,
                _ if self.g.chance(0.2) => PermanenceOption::SpecialGuardianship,
                _ => PermanenceOption::LongTermFostering,
            };
            plan.permanence = Some(PermanencePlan { agreed: second.date, plan: option });
        }
        // A report for the next review, when it is close.
        if p.ended.is_none() && self.g.chance(0.5) {
            let ready = self.today - Duration::days(self.g.int(0, 5));
            if ready >= p.start && plan.reviews.last().is_none_or(|r| r.date < ready) {
                plan.next_report = Some(ReviewReport { ready, signed_off: None, shared: None });
            }
        }
        // The carers agreed as long-term: a change of placement type with the same carers.
        if let Some(began) = p.placement_began(last)
            && let Some(lt) = p.placements.iter().find(|pl| pl.from > began && pl.kind == PlacementType::FosterLongTerm && p.placement_began(pl.from) == Some(began))
        {
            plan.long_term = Some(PlacementPlan { placement: began, agreed: lt.from });
        }
        if age(p.start.max(last - Duration::days(730))) >= 11 && self.g.chance(0.3) {
            let window = p.start.max(last - Duration::days(730));
            let mut starts: Vec<Date> = (0..self.g.int(1, 5)).map(|_| window + Duration::days(self.g.int(0, (last - window).whole_days().max(1) - 1))).collect();
            starts.sort();
            for start in starts {
                if plan.missing.last().is_some_and(|m| m.end.is_none_or(|e| start <= e)) || start >= self.today {
                    continue;
                }
                let end = (start + Duration::days(self.g.int(0, 3))).min(last).min(self.today - Duration::days(1));
                if end < start {
                    continue;
                }
                let interview = self.g.chance(0.9).then(|| ReturnInterview { offered: end + Duration::days(self.g.int(0, 4)), accepted: self.g.chance(0.55) }).filter(|i| i.offered <= self.today);
                let kind = if self.g.chance(0.7) { MissingKind::Missing } else { MissingKind::Away };
                plan.missing.push(MissingEpisode { kind, start, end: Some(end), interview });
            }
            if p.ended.is_none() && self.g.chance(0.08) && plan.missing.last().is_none_or(|m| m.end.is_some_and(|e| e < self.today - Duration::days(3))) {
                plan.missing.push(MissingEpisode { kind: MissingKind::Missing, start: self.today - Duration::days(self.g.int(0, 2)), end: None, interview: None });
            }
        }
        if p.ended.is_none() && age(p.start) >= 13 && self.g.chance(0.08) {
            plan.uasc = Some(Uasc { from: p.start, until: None });
        }
        self.health(&mut plan, p.start, last, born);
        self.education(&mut plan, p.start, last, born, &p.placement_starts());
        if age(last) >= 12 && self.g.chance(0.06) {
            let on = p.start.max(last - Duration::days(365)) + Duration::days(self.g.int(0, 200));
            if on < self.today && on <= last && age(on) >= 10 {
                let outcome = if self.g.chance(0.6) { OffenceOutcome::YouthCaution } else { OffenceOutcome::Conviction };
                plan.offences.push(Offence { outcome, on });
            }
        }
        if p.ended.is_none() {
            self.family_time(&mut plan, p);
            // A few asked for a visit in the last few days (the child, or their IRO).
            let on = self.today - Duration::days(self.g.int(0, 4));
            if age(on) >= 8 && on >= p.start && self.g.chance(0.06) {
                let by = if self.g.chance(0.7) { VisitRequester::Child } else { VisitRequester::Iro };
                plan.visit_requests.push(VisitRequest { by, on });
            }
        }
        plan
    }

    /// For most children in care, contact with a parent: supervised at first for many, a few
    /// sessions lately, and now and then a request to the Family Contact Service waiting.
    fn family_time(&mut self, plan: &mut Planning, p: &PeriodOfCare) {
        if !self.g.chance(0.7) {
            return;
        }
        let from = p.start + Duration::days(self.g.int(3, 21));
        if from >= self.today {
            return;
        }
        let kind = *self.g.weighted(&[(ContactKind::DirectSupervised, 45), (ContactKind::DirectSupported, 15), (ContactKind::DirectUnsupervised, 20), (ContactKind::Indirect, 10), (ContactKind::Letterbox, 10)]);
        let who = *self.g.pick(&["mother", "father", "grandmother", "brother", "sister", "aunt"]);
        let heritage = &HERITAGES[self.g.weighted_index(HERITAGES.iter().map(|h| h.weight))];
        let given = *self.g.pick(if matches!(who, "father" | "brother") { heritage.boys } else { heritage.girls });
        let mut sessions = Vec::new();
        let mut on = from.max(self.today - Duration::days(90));
        while on < self.today && matches!(kind, ContactKind::DirectSupervised | ContactKind::DirectSupported | ContactKind::DirectUnsupervised) {
            let attendance = *self.g.weighted(&[(Attendance::TookPlace, 80), (Attendance::FamilyDidNotAttend, 10), (Attendance::ChildDidNotAttend, 4), (Attendance::Cancelled, 6)]);
            let observations = if attendance == Attendance::TookPlace { (*self.g.pick(&["Warm greeting; they played a board game.", "Quiet start; settled after twenty minutes.", "Talked about school; a hug at the end."])).to_string() } else { String::new() };
            sessions.push(ContactSession { on, attendance, observations });
            on += Duration::days(self.g.int(7, 21));
        }
        let court_ordered = p.legal_status_on(self.today).is_some_and(|l| l.is_care_order()) && self.g.chance(0.5);
        plan.contact.push(ContactArrangement {
            number: 1,
            with: format!("{given} ({who})"),
            person: None,
            kind,
            frequency: (*self.g.pick(&["Weekly, two hours", "Fortnightly", "Monthly", "Twice a week after school"])).to_string(),
            venue: if kind == ContactKind::DirectSupervised { "Family centre".into() } else { String::new() },
            supervisor: if kind == ContactKind::DirectSupervised { "Family Contact Service".into() } else { String::new() },
            court_ordered,
            from,
            until: None,
            sessions,
        });
        if self.g.chance(0.12) {
            let made = self.today - Duration::days(self.g.int(0, 30));
            if made >= from {
                let in_proceedings = p.legal_status_on(self.today) == Some(LegalStatus::InterimCareOrder);
                let supervised_for_risk = kind == ContactKind::DirectSupervised && self.g.chance(0.6);
                plan.contact_requests.push(ContactRequest { number: 1, arrangement: 1, made, for_proceedings: in_proceedings && self.g.chance(0.7), supervised_for_risk, note: String::new(), outcome: None });
            }
        }
    }

    /// The initial health assessment (mostly within the 20 working days), reviews after it,
    /// yearly dental checks, immunisations and SDQs, and for a few teenagers substance misuse.
    fn health(&mut self, plan: &mut Planning, start: Date, last: Date, born: Date) {
        let end = last.min(self.today - Duration::days(1));
        let age = |d: Date| age_on(born, d).unwrap_or(0);
        let mut next = start + Duration::days(if self.g.chance(0.85) { self.g.int(5, 26) } else { self.g.int(27, 45) });
        let mut kind = HealthCheckKind::InitialAssessment;
        while next <= end {
            plan.health.push(HealthCheck { kind, on: next, score: None });
            kind = HealthCheckKind::ReviewAssessment;
            next += Duration::days(if age(next) < 5 { self.g.int(150, 185) } else { self.g.int(300, 370) });
        }
        let mut year = start + Duration::days(self.g.int(20, 90));
        while year <= end {
            if self.g.chance(0.8) {
                plan.health.push(HealthCheck { kind: HealthCheckKind::Dental, on: year, score: None });
            }
            if self.g.chance(0.85) {
                plan.health.push(HealthCheck { kind: HealthCheckKind::Immunisations, on: year, score: None });
            }
            if sdq_age(Some(born), year) && self.g.chance(0.9) {
                let score = u8::try_from(self.g.int(2, 30)).unwrap_or(10);
                plan.health.push(HealthCheck { kind: HealthCheckKind::Sdq, on: year, score: Some(score) });
            }
            year += Duration::days(self.g.int(330, 380));
        }
        if age(end) >= 13 && self.g.chance(0.08) {
            let on = start.max(end - Duration::days(300)) + Duration::days(self.g.int(0, 60));
            if on <= end {
                plan.health.push(HealthCheck { kind: HealthCheckKind::SubstanceMisuse, on, score: None });
            }
        }
    }

    /// The school and the virtual school told, a PEP soon after care began and one most
    /// terms since, transport after a move in years 10 and 11, and for some older children a
    /// suspension or two.
    fn education(&mut self, plan: &mut Planning, start: Date, last: Date, born: Date, moves: &[Date]) {
        let end = last.min(self.today - Duration::days(1));
        let of_age = |d: Date| age_on(born, d).is_some_and(|a| PEP_AGES.contains(&a));
        if !of_age(end) && !of_age(start) {
            return;
        }
        let town = TOWNS[self.g.weighted_index(TOWNS.iter().map(|t| t.weight))].name;
        let school = if age_on(born, end).unwrap_or(0) < 11 { format!("{town} Primary School") } else { format!("{town} {}", self.g.pick(&["Academy", "Community School", "College"])) };
        plan.education.school = Some(school);
        plan.education.virtual_school_told = Some(start + Duration::days(self.g.int(0, 3))).filter(|d| *d <= end);
        let mut pep = start + Duration::days(self.g.int(3, 14));
        while pep <= end {
            if of_age(pep) {
                plan.education.peps.push(pep);
            }
            // Next term, now and then a term missed.
            let next_term = Term::of(pep).next();
            let skip = if self.g.chance(0.1) { next_term.next() } else { next_term };
            pep = skip.last_day() - Duration::days(self.g.int(20, 60));
        }
        // Transport to keep the school after most moves in years 10 and 11.
        for &began in moves.iter().filter(|d| **d > start) {
            let arranged = began + Duration::days(self.g.int(1, 4));
            if in_exam_years(Some(born), began) && arranged <= end && self.g.chance(0.85) {
                plan.education.transport.push(arranged);
            }
        }
        if age_on(born, end).unwrap_or(0) >= 11 && self.g.chance(0.1) {
            for _ in 0..self.g.int(1, 2) {
                let from = start + Duration::days(self.g.int(0, (end - start).whole_days().max(0)));
                if from <= end {
                    plan.education.exclusions.push(Exclusion { kind: ExclusionKind::Suspension, from, days: Some(u16::try_from(self.g.int(1, 5)).unwrap_or(1)) });
                }
            }
        }
    }
}

fn invalid(what: &str, e: hearth_domain::FieldErrors) -> TestkitError {
    TestkitError::Invalid { what: what.into(), errors: e.to_string() }
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_district_away_has_a_centre_for_the_distances() {
        for (town, district) in super::AWAY {
            assert!(crate::places::DEMO_DISTRICT_CENTRES.iter().any(|c| c.0 == *district), "{town} {district}");
        }
    }
}
