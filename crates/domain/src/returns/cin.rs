//! The Children in Need census (issue 6): which children and which of their episodes a
//! collection year holds, built from the record. Pure: the store reads the record, this
//! decides what the return says, and the `hearth-cin-census` crate writes it. The inclusion rules are in
//! `docs/returns/cin.md`.
use crate::calendar::Calendar;
use crate::cin::episode::{previous_plans, ConferenceKind, CpPlan, Episode};
use crate::cin::steps::census_icpc_target;
use crate::codes::Coded;
use crate::front_door::assessment::Assessment;
use crate::front_door::referral::Referral;
use crate::cin::EpisodeId;
use crate::front_door::{AssessmentId, ReferralId};
use crate::person::PersonRecord;
use crate::PersonId;
use crate::policy::Pack;
use time::{Date, Month};

/// A collection year, 1 April to 31 March; the census date is its last day.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct CollectionYear {
    /// The year it starts in: 2025 for 2025-26.
    pub start_year: i32,
}

/// The collection years Hearth writes (the DfE's current one and the next it has published).
pub const SUPPORTED: [CollectionYear; 2] = [CollectionYear { start_year: 2025 }, CollectionYear { start_year: 2026 }];

impl CollectionYear {
    /// Reads "2025-26"; `None` for anything else or a year Hearth does not support.
    pub fn parse(s: &str) -> Option<CollectionYear> {
        let (a, b) = s.trim().split_once('-')?;
        let start: i32 = a.parse().ok()?;
        let end: i32 = b.parse().ok()?;
        let y = CollectionYear { start_year: start };
        (a.len() == 4 && b.len() == 2 && end == (start + 1) % 100 && SUPPORTED.contains(&y)).then_some(y)
    }

    pub fn label(self) -> String {
        format!("{}-{:02}", self.start_year, (self.start_year + 1) % 100)
    }

    pub fn first_day(self) -> Date {
        Date::from_calendar_date(self.start_year, Month::April, 1).unwrap_or(Date::MIN)
    }

    /// The census date (31 March), the header's `ReferenceDate`.
    pub fn reference_date(self) -> Date {
        Date::from_calendar_date(self.start_year + 1, Month::March, 31).unwrap_or(Date::MAX)
    }

    /// The header's `Year`: the year the collection ends in.
    pub fn header_year(self) -> i32 {
        self.start_year + 1
    }

    /// Whether something running from `start` to `end` (open when `None`) was open on any day
    /// of the year.
    pub fn overlaps(self, start: Date, end: Option<Date>) -> bool {
        start <= self.reference_date() && end.is_none_or(|e| e >= self.first_day())
    }
}

/// A child of the return.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CensusChild {
    /// Whose record this is (not in the file: for linking a failure to where it is fixed).
    pub person: PersonId,
    /// `LAchildID`: up to 20 letters and digits (see [`la_child_id`]).
    pub la_child_id: String,
    pub upn: Option<String>,
    /// `UPNunknown`: why there is no UPN.
    pub upn_unknown: Option<&'static str>,
    pub birth_date: Option<Date>,
    pub expected_birth_date: Option<Date>,
    /// `PersonDeathDate`, when the child died on or before the reference date.
    pub death_date: Option<Date>,
    /// M, F or U (unborn children are U).
    pub sex: &'static str,
    pub ethnicity: Option<&'static str>,
    /// DfE disability codes; `NONE` when there is none.
    pub disabilities: Vec<&'static str>,
    pub episodes: Vec<CinDetails>,
}

/// One episode (`CINdetails`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CinDetails {
    /// The records it comes from (not in the file: for linking a failure to where it is
    /// fixed).
    pub referral_id: ReferralId,
    pub episode_id: Option<EpisodeId>,
    pub referral_date: Date,
    pub referral_source: &'static str,
    pub primary_need: Option<&'static str>,
    pub closure: Option<(Date, &'static str)>,
    pub nfa: bool,
    pub assessments: Vec<CensusAssessment>,
    /// CIN plans: start and end.
    pub cin_plans: Vec<(Date, Option<Date>)>,
    pub section47: Vec<Section47>,
    pub cp_plans: Vec<CensusCpPlan>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CensusAssessment {
    /// The record it comes from (not in the file).
    pub id: AssessmentId,
    pub start: Date,
    pub authorised: Option<Date>,
    /// Only for an authorised assessment (rule 8614).
    pub factors: Vec<&'static str>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Section47 {
    pub start: Date,
    pub icpc_target: Option<Date>,
    pub icpc_date: Option<Date>,
    pub icpc_not_required: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CensusCpPlan {
    pub start: Date,
    pub end: Option<Date>,
    pub initial_category: &'static str,
    pub latest_category: &'static str,
    pub previous: usize,
    pub reviews: Vec<Date>,
}

/// The census id Hearth gives a person when it records them: "H" and the last 16 hex digits
/// of their Hearth id (the random part of a UUIDv7), within the DfE's 20 letters and digits.
/// The store keeps it beside the record; a child brought in from a previous system's census
/// keeps the id it had there instead.
pub fn la_child_id(person: &PersonRecord) -> String {
    let hex = person.id.0.simple().to_string();
    format!("H{}", &hex[hex.len().saturating_sub(16)..]).to_uppercase()
}

/// One referral of the child with what followed it.
pub struct ReferralRecord<'a> {
    pub referral: &'a Referral,
    /// Usually one; a previous system's history may have several.
    pub assessments: Vec<&'a Assessment>,
    pub episode: Option<&'a Episode>,
}

fn in_year<T>(year: CollectionYear, start: Date, end: Option<Date>, v: T) -> Option<T> {
    year.overlaps(start, end).then_some(v)
}

impl CollectionYear {
    /// A date as the census sees it: what happened after the census date has not happened
    /// yet (rule 8696 and its kin).
    fn by_census_date(self, d: Option<Date>) -> Option<Date> {
        d.filter(|d| *d <= self.reference_date())
    }
}

/// The child as the census for `year` sees them; `None` when no episode of theirs was open
/// in the year. `kept_id`: the LA child id a previous system gave them, if any.
/// `all_plans`: every CP plan of the child (for `NumberOfPreviousCPP`).
#[allow(clippy::too_many_arguments)]
pub fn child(person: &PersonRecord, kept_id: Option<&str>, referrals: &[ReferralRecord<'_>], all_plans: &[CpPlan], year: CollectionYear, pack: &Pack, cal: &Calendar) -> Option<CensusChild> {
    let mut episodes = Vec::new();
    for r in referrals {
        let closure = r.episode.and_then(|e| e.closure.as_ref()).filter(|c| c.date <= year.reference_date()).map(|c| (c.date, c.reason.code()));
        let closed = closure.map(|c| c.0);
        if !year.overlaps(r.referral.referral_date, closed) {
            continue;
        }
        episodes.push(details(r, closure, all_plans, year, pack, cal));
    }
    if episodes.is_empty() {
        return None;
    }
    episodes.sort_by_key(|d| d.referral_date);
    let d = &person.details;
    // A child born after the census date was unborn on it (rule 8520): the census gives
    // the expected date (the birth date, when no expected date is recorded).
    let born = d.date_of_birth.filter(|b| *b <= year.reference_date());
    let unborn = born.is_none();
    let mut disabilities: Vec<&'static str> = d.disabilities.iter().map(|x| x.code()).collect();
    if disabilities.is_empty() {
        disabilities.push("NONE");
    }
    Some(CensusChild {
        person: person.id,
        la_child_id: kept_id.map_or_else(|| la_child_id(person), str::to_string),
        upn: d.upn.as_ref().map(|u| u.as_str().to_string()),
        upn_unknown: d.upn_unknown.filter(|_| d.upn.is_none()).map(|r| r.code()),
        birth_date: born,
        expected_birth_date: if unborn { d.expected_date_of_birth.or(d.date_of_birth) } else { None },
        death_date: d.date_of_death.filter(|x| born.is_some() && *x <= year.reference_date()),
        sex: if unborn { "U" } else { d.sex.map_or("U", |s| s.code()) },
        ethnicity: d.ethnicity.map(|e| e.code()),
        disabilities,
        episodes,
    })
}

fn details(r: &ReferralRecord<'_>, closure: Option<(Date, &'static str)>, all_plans: &[CpPlan], year: CollectionYear, pack: &Pack, cal: &Calendar) -> CinDetails {
    let mut assessments: Vec<CensusAssessment> = r
        .assessments
        .iter()
        .filter(|a| a.start_date <= year.reference_date())
        .filter_map(|a| {
            let authorised = year.by_census_date(a.authorised_on);
            let factors = if authorised.is_some() { a.factors.iter().map(|f| f.code()).collect() } else { Vec::new() };
            in_year(year, a.start_date, authorised, CensusAssessment { id: a.id, start: a.start_date, authorised, factors })
        })
        .collect();
    assessments.sort_by_key(|a| a.start);
    let mut out = CinDetails {
        referral_id: r.referral.id,
        episode_id: r.episode.map(|e| e.id),
        referral_date: r.referral.referral_date,
        referral_source: r.referral.source.code(),
        primary_need: r.referral.primary_need.map(|n| n.code()),
        closure,
        nfa: r.referral.nfa,
        assessments,
        cin_plans: Vec::new(),
        section47: Vec::new(),
        cp_plans: Vec::new(),
    };
    let Some(e) = r.episode else { return out };
    out.cin_plans = e.cin_plans.iter().filter_map(|p| in_year(year, p.start, p.end, (p.start, year.by_census_date(p.end)))).collect();
    out.section47 = e
        .enquiries
        .iter()
        .filter_map(|q| {
            let icpc = year.by_census_date(e.initial_conference(q.id).map(|c| c.date));
            let s47 = Section47 {
                start: q.start,
                icpc_target: census_icpc_target(e, q, pack, cal),
                icpc_date: icpc,
                icpc_not_required: q.icpc_not_required(),
            };
            in_year(year, q.start, icpc.or(year.by_census_date(q.outcome_date)), s47)
        })
        .collect();
    out.cp_plans = e
        .cp_plans
        .iter()
        .filter_map(|p| {
            let reviews = e.conferences.iter().filter(|c| c.kind == ConferenceKind::Review { plan: p.id } && year.overlaps(c.date, Some(c.date))).map(|c| c.date).collect();
            let plan = CensusCpPlan {
                start: p.start,
                end: year.by_census_date(p.end),
                initial_category: p.initial_category.code(),
                latest_category: p.latest_category.code(),
                previous: previous_plans(all_plans, p),
                reviews,
            };
            in_year(year, p.start, p.end, plan)
        })
        .collect();
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cin::codes::{AbuseCategory, ClosureReason, EnquiryOutcome, StrategyDecision};
    use crate::cin::episode::{InitialDecision, MeetingDetails, Participant};
    use crate::front_door::codes::{AssessmentFactor, PrimaryNeed, ReferralSource};
    use crate::person::{PersonDetails, PersonKind};
    use crate::{PersonId, UserId};
    use time::macros::{date, datetime};

    fn year() -> CollectionYear {
        CollectionYear::parse("2025-26").unwrap()
    }

    fn person() -> PersonRecord {
        let details = PersonDetails { date_of_birth: Some(date!(2015 - 06 - 01)), ..PersonDetails::named(PersonKind::Child, "Amy", "Lee") };
        PersonRecord {
            id: PersonId::new(),
            version: 1,
            details,
            allocation: Default::default(),
            restricted: false,
            created_at: datetime!(2024-01-01 0:00 UTC),
            created_by: UserId::new(),
            updated_at: datetime!(2024-01-01 0:00 UTC),
        }
    }

    fn referral(child: PersonId, on: Date) -> Referral {
        Referral { id: ReferralId::new(), child, contact: None, referral_date: on, source: ReferralSource::Police, primary_need: Some(PrimaryNeed::AbuseOrNeglect), nfa: false, re_referral: false }
    }

    #[test]
    fn collection_years() {
        let y = year();
        assert_eq!((y.first_day(), y.reference_date(), y.header_year(), y.label()), (date!(2025 - 04 - 01), date!(2026 - 03 - 31), 2026, "2025-26".to_string()));
        assert!(CollectionYear::parse("2026-27").is_some());
        for bad in ["2024-25", "2025-27", "2025", "25-26", "2025-2026", ""] {
            assert!(CollectionYear::parse(bad).is_none(), "{bad}");
        }
        assert!(y.overlaps(date!(2024 - 01 - 01), None));
        assert!(y.overlaps(date!(2024 - 01 - 01), Some(date!(2025 - 04 - 01))));
        assert!(!y.overlaps(date!(2024 - 01 - 01), Some(date!(2025 - 03 - 31))));
        assert!(!y.overlaps(date!(2026 - 04 - 01), None));
    }

    #[test]
    fn episodes_open_in_the_year_are_in_and_later_dates_are_not_yet() {
        let p = person();
        let pack = Pack::national();
        let cal = crate::calendar::shipped();
        // Closed before the year: out.
        let old = referral(p.id, date!(2024 - 01 - 10));
        let mut old_episode = Episode::open(p.id, old.id, old.referral_date);
        old_episode.close(Some(date!(2024 - 03 - 01)), Some(ClosureReason::ServicesCeased), None, date!(2024 - 03 - 01)).unwrap();
        // Open across the census date, with an assessment authorised after it and a plan.
        let r = referral(p.id, date!(2026 - 02 - 02));
        let mut a = Assessment::new(r.id, p.id, UserId::new(), date!(2026 - 02 - 03));
        a.authorised_on = Some(date!(2026 - 04 - 10));
        a.factors = vec![AssessmentFactor::ALL[0]];
        let mut e = Episode::open(p.id, r.id, r.referral_date);
        let who = vec![Participant { name: "DS Khan".into(), agency: "Police".into(), role: String::new() }];
        let at = datetime!(2026-02-02 10:00 UTC);
        let sd = e.record_strategy_discussion(Some(at), who.clone(), "Injury".into(), Some(StrategyDecision::Section47), String::new(), at).unwrap();
        let q = e.start_enquiry(Some(sd), Some(date!(2026 - 02 - 02)), date!(2026 - 02 - 02)).unwrap();
        e.conclude_enquiry(q, Some(EnquiryOutcome::ConferenceRequired), Some(date!(2026 - 02 - 10)), date!(2026 - 02 - 10)).unwrap();
        let meeting = MeetingDetails { date: Some(date!(2026 - 02 - 20)), participants: who, notes: String::new() };
        e.hold_initial_conference(q, meeting, Some(InitialDecision::Plan { category: AbuseCategory::Neglect }), date!(2026 - 02 - 20)).unwrap();
        let records = [
            ReferralRecord { referral: &old, assessments: vec![], episode: Some(&old_episode) },
            ReferralRecord { referral: &r, assessments: vec![&a], episode: Some(&e) },
        ];
        let c = child(&p, None, &records, &e.cp_plans, year(), &pack, cal).unwrap();
        assert_eq!(c.episodes.len(), 1, "the episode closed before the year is not in it");
        let d = &c.episodes[0];
        assert_eq!(d.closure, None);
        assert_eq!(d.assessments, vec![CensusAssessment { id: a.id, start: date!(2026 - 02 - 03), authorised: None, factors: vec![] }], "authorised after the census date: not yet");
        assert_eq!(d.section47[0].icpc_target, Some(date!(2026 - 02 - 23)), "15 working days after the strategy discussion");
        assert_eq!(d.section47[0].icpc_date, Some(date!(2026 - 02 - 20)));
        assert_eq!((d.cp_plans[0].start, d.cp_plans[0].initial_category, d.cp_plans[0].previous), (date!(2026 - 02 - 20), "NEG", 0));
        assert_eq!((c.sex, c.disabilities.clone()), ("U", vec!["NONE"]), "no sex recorded is U; no disability is NONE");
        assert!(c.la_child_id.len() <= 20 && c.la_child_id.chars().all(|ch| ch.is_ascii_alphanumeric()));
        // The next year: the assessment is authorised, with its factors.
        let next = CollectionYear::parse("2026-27").unwrap();
        let c2 = child(&p, None, &records, &e.cp_plans, next, &pack, cal).unwrap();
        assert_eq!(c2.episodes[0].assessments[0].authorised, Some(date!(2026 - 04 - 10)));
        assert_eq!(c2.episodes[0].assessments[0].factors.len(), 1);
        // Born after the census date: unborn on it.
        let mut baby = p.clone();
        baby.details.date_of_birth = Some(date!(2026 - 04 - 03));
        let then = child(&baby, None, &records, &e.cp_plans, year(), &pack, cal).unwrap();
        assert_eq!((then.birth_date, then.expected_birth_date, then.sex), (None, Some(date!(2026 - 04 - 03)), "U"));
        let now = child(&baby, None, &records, &e.cp_plans, next, &pack, cal).unwrap();
        assert_eq!((now.birth_date, now.expected_birth_date), (Some(date!(2026 - 04 - 03)), None));
        // No episode in the year: not in the return.
        assert!(child(&p, None, &records[..1], &[], year(), &pack, cal).is_none());
        let kept = child(&p, Some("MIG0042"), &records, &e.cp_plans, year(), &pack, cal).unwrap();
        assert_eq!(kept.la_child_id, "MIG0042", "an imported child keeps the previous system's id");
    }
}
