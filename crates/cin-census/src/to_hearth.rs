//! A previous system's CIN census as Hearth's records (the import, issue 6). Pure: [`read`]
//! turns one `<Child>` into the person's facts and their referrals, assessments and
//! episodes, as history with their original dates, or into every reason the child cannot
//! be brought in; [`merge`] adds such a child to what Hearth already holds about them,
//! filling gaps and never overwriting what is there.
//!
//! A child is refused only for what Hearth cannot hold truthfully: a missing or unreadable
//! id or date, an unknown code, a date after today, an end before its start. Whatever
//! else the DfE's rules would query is brought in as it is, for the data-quality page to
//! show and the worker to fix.
use crate::model::{self, Text};
use hearth_domain::cin::codes::{AbuseCategory, ClosureReason, EnquiryOutcome};
use hearth_domain::cin::episode::{CinPlan, Closure, Conference, ConferenceDecision, ConferenceKind, CpPlan, Enquiry, Episode, PlanContent};
use hearth_domain::cin::{EpisodeId, StepId};
use hearth_domain::codes::{Coded, Disability, Ethnicity, Sex, UpnUnknown};
use hearth_domain::front_door::assessment::{Assessment, AssessmentState};
use hearth_domain::front_door::codes::{AssessmentFactor, PrimaryNeed, ReferralSource};
use hearth_domain::front_door::referral::Referral;
use hearth_domain::front_door::ReferralId;
use hearth_domain::identifiers::Upn;
use hearth_domain::person::{PersonDetails, PersonKind};
use hearth_domain::{PersonId, UserId};
use std::collections::HashMap;
use std::fmt;
use time::Date;

/// The given name of an imported child: the census has no names.
pub const UNNAMED: &str = "Name not recorded";
/// What an imported review conference's notes say.
const IMPORTED: &str = "Brought in from a previous system's CIN census.";

/// Why a child cannot be brought in, naming the element and the value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// Where in the child: "CINdetails 2 > ChildProtectionPlans 1 > CPPendDate".
    pub element: String,
    pub value: Option<String>,
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.value {
            Some(v) => write!(f, "{} \"{v}\": {}", self.element, self.message),
            None => write!(f, "{}: {}", self.element, self.message),
        }
    }
}

/// One child of the file as Hearth records them.
#[derive(Clone, Debug, PartialEq)]
pub struct ChildHistory {
    pub la_child_id: String,
    pub details: PersonDetails,
    pub episodes: Vec<EpisodeHistory>,
    /// Each plan's `NumberOfPreviousCPP` as the file gave it.
    pub previous_in_file: HashMap<StepId, u32>,
    /// What the file says that Hearth does not keep (reported, not refused).
    pub not_kept: Vec<String>,
}

/// One `<CINdetails>`: the referral, its assessments and its episode.
#[derive(Clone, Debug, PartialEq)]
pub struct EpisodeHistory {
    pub referral: Referral,
    pub assessments: Vec<Assessment>,
    pub episode: Episode,
}

/// Collects the problems of one child.
struct Reader<'a> {
    problems: Vec<Problem>,
    not_kept: Vec<String>,
    today: Date,
    at: &'a str,
}

impl Reader<'_> {
    fn problem(&mut self, element: &str, value: &Text, message: impl Into<String>) {
        let element = if self.at.is_empty() { element.to_string() } else { format!("{} > {element}", self.at) };
        self.problems.push(Problem { element, value: value.clone(), message: message.into() });
    }

    /// An optional date: unreadable or after today is a problem.
    fn date(&mut self, element: &str, value: &Text) -> Option<Date> {
        value.as_ref()?;
        match model::date(value) {
            None => {
                self.problem(element, value, "is not a real date (YYYY-MM-DD)");
                None
            }
            Some(d) if d > self.today => {
                self.problem(element, value, "is after today: history cannot be in the future");
                None
            }
            Some(d) => Some(d),
        }
    }

    /// A date Hearth needs.
    fn required_date(&mut self, element: &str, value: &Text) -> Option<Date> {
        if value.is_none() {
            self.problem(element, value, "is missing: Hearth needs it to record the history");
        }
        self.date(element, value)
    }

    fn code<C: Coded>(&mut self, element: &str, value: &Text, list: &str) -> Option<C> {
        let v = value.as_deref()?;
        let found = C::from_any_code(v);
        if found.is_none() {
            self.problem(element, value, format!("is not a {list} code"));
        }
        found
    }

    fn ends(&mut self, element: &str, value: &Text, start: Option<Date>, end: Option<Date>, what: &str) {
        if let (Some(s), Some(e)) = (start, end)
            && e < s
        {
            self.problem(element, value, format!("is before {what}"));
        }
    }
}

fn sex(value: &Text) -> Option<Option<Sex>> {
    match value.as_deref() {
        None => Some(None),
        // Older files give the gender as 0, 1, 2 or 9.
        Some("1") => Some(Some(Sex::Male)),
        Some("2") => Some(Some(Sex::Female)),
        Some("0" | "9") => Some(Some(Sex::NotKnown)),
        Some(v) => Sex::from_code(v).map(Some),
    }
}

/// Reads one child of a census file as Hearth's records about `person`, recorded by
/// `author`, judged on `today`; or every reason it cannot be brought in. `year_start`: the
/// first day of the file's collection year (1 April).
pub fn read(c: &model::Child, person: PersonId, author: UserId, today: Date, year_start: Date) -> Result<ChildHistory, Vec<Problem>> {
    let mut r = Reader { problems: Vec::new(), not_kept: Vec::new(), today, at: "" };
    let id = c.la_child_id.clone().unwrap_or_default();
    if id.is_empty() {
        r.problem("LAchildID", &c.la_child_id, "is missing: every child needs the id the previous system gave them");
    }
    let upn = c.upn.as_deref().and_then(|u| match Upn::parse(u) {
        Ok(u) => Some(u),
        Err(e) => {
            r.problem("UPN", &c.upn, format!("is not a valid UPN ({e})"));
            None
        }
    });
    let birth = r.date("PersonBirthDate", &c.birth_date);
    // The expected date of an unborn child may be in the future.
    let expected = match (&c.expected_birth_date, model::date(&c.expected_birth_date)) {
        (None, _) => None,
        (v, None) => {
            r.problem("ExpectedPersonBirthDate", v, "is not a real date (YYYY-MM-DD)");
            None
        }
        (_, Some(d)) => Some(d),
    };
    if c.birth_date.is_none() && c.expected_birth_date.is_none() {
        r.problem("PersonBirthDate", &None, "is missing, and so is ExpectedPersonBirthDate: Hearth needs one of them");
    }
    let sex_value = if c.sex.is_some() { &c.sex } else { &c.gender_current };
    let sex = sex(sex_value).unwrap_or_else(|| {
        r.problem("Sex", sex_value, "is not M, F or U");
        None
    });
    let ethnicity = r.code::<Ethnicity>("Ethnicity", &c.ethnicity, "DfE ethnicity");
    let mut disabilities = Vec::new();
    for d in &c.disabilities {
        if d.as_deref().is_some_and(|v| v.eq_ignore_ascii_case("NONE")) {
            continue;
        }
        if let Some(x) = r.code::<Disability>("Disability", d, "DfE disability") {
            disabilities.push(x);
        }
    }
    let upn_unknown = r.code::<UpnUnknown>("UPNunknown", &c.upn_unknown, "CIN census UPN unknown reason (UN1 to UN7)");
    if let Some(v) = &c.former_upn {
        r.not_kept.push(format!("FormerUPN \"{v}\""));
    }
    let death = r.date("PersonDeathDate", &c.death_date).filter(|_| birth.is_some());
    let details = PersonDetails {
        date_of_birth: birth,
        expected_date_of_birth: if birth.is_some() { None } else { expected },
        date_of_death: death,
        sex: sex.filter(|_| birth.is_some() || expected.is_none()),
        ethnicity,
        disabilities,
        // A reason beside a UPN says nothing the UPN does not.
        upn_unknown: upn_unknown.filter(|_| upn.is_none()),
        upn,
        ..PersonDetails::named(PersonKind::Child, UNNAMED, id.clone())
    };
    // What every person record must satisfy (a date of birth within 130 years, …), when the
    // file's own problems have not already said it.
    if r.problems.is_empty()
        && let Err(errors) = details.validate(today)
    {
        for e in errors.0 {
            r.problem("ChildIdentifiers", &None, e.message);
        }
    }
    let mut episodes = Vec::new();
    let mut previous_in_file = HashMap::new();
    for (i, d) in c.episodes.iter().enumerate() {
        let at = format!("CINdetails {}", i + 1);
        let mut er = Reader { problems: Vec::new(), not_kept: Vec::new(), today, at: &at };
        if let Some(e) = episode(&mut er, d, (person, author), year_start, &mut previous_in_file) {
            episodes.push(e);
        }
        r.problems.extend(er.problems);
        r.not_kept.extend(er.not_kept.into_iter().map(|n| format!("{at} > {n}")));
    }
    let mut dates: Vec<Date> = episodes.iter().map(|e| e.referral.referral_date).collect();
    dates.sort();
    if dates.windows(2).any(|w| w[0] == w[1]) {
        r.problem("CINdetails > CINreferralDate", &None, "two episodes have the same referral date: Hearth tells a child's episodes apart by it");
    }
    if r.problems.is_empty() {
        Ok(ChildHistory { la_child_id: id, details, episodes, previous_in_file, not_kept: r.not_kept })
    } else {
        Err(r.problems)
    }
}

fn episode(r: &mut Reader<'_>, d: &model::CinDetails, (child, author): (PersonId, UserId), year_start: Date, previous_in_file: &mut HashMap<StepId, u32>) -> Option<EpisodeHistory> {
    let start = r.required_date("CINreferralDate", &d.referral_date);
    if d.referral_source.is_none() {
        r.problem("ReferralSource", &None, "is missing: Hearth needs it to record the referral");
    }
    let source = r.code::<ReferralSource>("ReferralSource", &d.referral_source, "DfE referral source");
    let primary_need = r.code::<PrimaryNeed>("PrimaryNeedCode", &d.primary_need, "DfE primary need");
    let closure_date = r.date("CINclosureDate", &d.closure_date);
    let reason = r.code::<ClosureReason>("ReasonForClosure", &d.reason_for_closure, "DfE reason for closure");
    match (&d.closure_date, &d.reason_for_closure) {
        (Some(_), None) => r.problem("ReasonForClosure", &None, "is missing: a closed episode needs its reason"),
        (None, Some(_)) => r.problem("CINclosureDate", &None, "is missing: the episode has a reason for closure but no date"),
        _ => {}
    }
    r.ends("CINclosureDate", &d.closure_date, start, closure_date, "the referral date");
    let referral = ReferralId::new();
    let mut assessments = Vec::new();
    for (i, a) in d.assessments.iter().enumerate() {
        let at = format!("Assessments {}", i + 1);
        let begun = r.required_date(&format!("{at} > AssessmentActualStartDate"), &a.start);
        let authorised_value = if a.authorisation.is_some() { &a.authorisation } else { &a.internal_review };
        let authorised = r.date(&format!("{at} > AssessmentAuthorisationDate"), authorised_value);
        r.ends(&format!("{at} > AssessmentAuthorisationDate"), authorised_value, begun, authorised, "the assessment started");
        let mut factors = Vec::new();
        for f in a.factors.iter().flatten() {
            if let Some(x) = r.code::<AssessmentFactor>(&format!("{at} > AssessmentFactors"), f, "DfE assessment factor") {
                factors.push(x);
            }
        }
        let Some(begun) = begun else { continue };
        let mut x = Assessment::new(referral, child, author, begun);
        x.factors = factors;
        x.authorised_on = authorised;
        x.state = if authorised.is_some() { AssessmentState::Authorised } else { AssessmentState::Draft };
        assessments.push(x);
    }
    let mut cin_plans = Vec::new();
    for (i, p) in d.cin_plans.iter().enumerate() {
        let at = format!("CINPlanDates {}", i + 1);
        let s = r.required_date(&format!("{at} > CINPlanStartDate"), &p.start);
        let e = r.date(&format!("{at} > CINPlanEndDate"), &p.end);
        r.ends(&format!("{at} > CINPlanEndDate"), &p.end, s, e, "the plan started");
        if let Some(s) = s {
            cin_plans.push(CinPlan { id: StepId::new(), start: s, end: e, content: PlanContent::default(), reviews: Vec::new(), visit_every_working_days: None });
        }
    }
    let mut cp_plans = Vec::new();
    let mut conferences = Vec::new();
    for (i, p) in d.cp_plans.iter().enumerate() {
        let at = format!("ChildProtectionPlans {}", i + 1);
        let s = r.required_date(&format!("{at} > CPPstartDate"), &p.start);
        let e = r.date(&format!("{at} > CPPendDate"), &p.end);
        r.ends(&format!("{at} > CPPendDate"), &p.end, s, e, "the plan started");
        let mut category = |field: &str, v: &Text| {
            if v.is_none() {
                r.problem(&format!("{at} > {field}"), v, "is missing: a child protection plan needs its category of abuse");
            }
            r.code::<AbuseCategory>(&format!("{at} > {field}"), v, "category of abuse")
        };
        let initial = category("InitialCategoryOfAbuse", &p.initial_category);
        let latest = category("LatestCategoryOfAbuse", &p.latest_category);
        let previous = match p.previous_plans.as_deref().map(str::parse::<u32>) {
            None => None,
            Some(Ok(n)) => Some(n),
            Some(Err(_)) => {
                r.problem(&format!("{at} > NumberOfPreviousCPP"), &p.previous_plans, "is not a whole number");
                None
            }
        };
        let mut reviews = Vec::new();
        for v in &p.reviews {
            reviews.extend(r.date(&format!("{at} > CPPreviewDate"), v));
        }
        let (Some(s), Some(initial), Some(latest)) = (s, initial, latest) else { continue };
        let id = StepId::new();
        if let Some(n) = previous {
            previous_in_file.insert(id, n);
        }
        reviews.sort();
        reviews.dedup();
        for date in reviews {
            conferences.push(Conference { id: StepId::new(), kind: ConferenceKind::Review { plan: id }, date, attendees: Vec::new(), decision: ConferenceDecision::Continue { category: latest }, notes: IMPORTED.into() });
        }
        cp_plans.push(CpPlan { id, conference: None, start: s, initial_category: initial, latest_category: latest, end: e, end_reason: None, visit_every_working_days: None, earlier_plans_not_held: 0 });
    }
    let mut enquiries = Vec::new();
    for (i, q) in d.section47s.iter().enumerate() {
        let at = format!("Section47 {}", i + 1);
        let s = r.required_date(&format!("{at} > S47ActualStartDate"), &q.start);
        let target = model::date(&q.icpc_target);
        if q.icpc_target.is_some() && target.is_none() {
            r.problem(&format!("{at} > InitialCPCtarget"), &q.icpc_target, "is not a real date (YYYY-MM-DD)");
        }
        let held = r.date(&format!("{at} > DateOfInitialCPC"), &q.icpc_date);
        r.ends(&format!("{at} > DateOfInitialCPC"), &q.icpc_date, s, held, "the enquiry started");
        let Some(s) = s else { continue };
        let id = StepId::new();
        let (outcome, outcome_date) = match held {
            Some(_) => (Some(EnquiryOutcome::ConferenceRequired), None),
            // The census does not say when it ended: it was open in the file's year, so on
            // the later of its start and the year's first day.
            None if model::is_true(&q.icpc_not_required) => (Some(EnquiryOutcome::NoConference), Some(s.max(year_start))),
            None => (None, None),
        };
        if let Some(date) = held {
            // The plan the conference made starts on its date.
            let plan = cp_plans.iter_mut().find(|p| p.start == date && p.conference.is_none());
            let decision = plan.as_ref().map_or(ConferenceDecision::NoPlan, |p| ConferenceDecision::Plan { category: p.initial_category });
            let conference = StepId::new();
            if let Some(p) = plan {
                p.conference = Some(conference);
            }
            conferences.push(Conference { id: conference, kind: ConferenceKind::Initial { enquiry: id }, date, attendees: Vec::new(), decision, notes: IMPORTED.into() });
        }
        enquiries.push(Enquiry { id, strategy: None, start: s, outcome, outcome_date, icpc_target: target });
    }
    if let Some(v) = &d.date_of_initial_cpc
        && !d.section47s.iter().any(|q| q.icpc_date.as_deref() == Some(v))
    {
        r.not_kept.push(format!("DateOfInitialCPC \"{v}\" outside a Section47"));
    }
    let (start, source) = (start?, source?);
    let closure = closure_date.zip(reason).map(|(date, reason)| Closure { date, reason, step_down: None });
    let referral = Referral { id: referral, child, contact: None, referral_date: start, source, primary_need, nfa: model::is_true(&d.referral_nfa), re_referral: false };
    let episode = Episode {
        id: EpisodeId::new(),
        cin_plans,
        enquiries,
        conferences,
        cp_plans,
        closure,
        ..Episode::open(child, referral.id, start)
    };
    Some(EpisodeHistory { referral, assessments, episode })
}

/// What Hearth holds about a child already: the person's facts and each referral with its
/// assessments and episode.
#[derive(Clone, Debug, Default)]
pub struct Held {
    pub details: Option<PersonDetails>,
    pub episodes: Vec<HeldEpisode>,
}

#[derive(Clone, Debug)]
pub struct HeldEpisode {
    pub referral: Referral,
    pub assessments: Vec<Assessment>,
    pub episode: Option<Episode>,
}

/// What bringing a child in changes.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Changes {
    /// The person's facts, when they change.
    pub details: Option<PersonDetails>,
    pub new_referrals: Vec<Referral>,
    pub changed_referrals: Vec<Referral>,
    pub new_assessments: Vec<Assessment>,
    pub changed_assessments: Vec<Assessment>,
    pub new_episodes: Vec<Episode>,
    pub changed_episodes: Vec<Episode>,
    /// Where the file and Hearth disagree: Hearth's value is kept.
    pub conflicts: Vec<String>,
}

impl Changes {
    pub fn is_empty(&self) -> bool {
        self.details.is_none()
            && self.new_referrals.is_empty()
            && self.changed_referrals.is_empty()
            && self.new_assessments.is_empty()
            && self.changed_assessments.is_empty()
            && self.new_episodes.is_empty()
            && self.changed_episodes.is_empty()
    }
}

/// Fills `held` from `file` when Hearth has nothing; notes a disagreement otherwise.
fn fill<T: PartialEq + Clone + fmt::Debug>(held: &mut Option<T>, file: &Option<T>, what: &str, conflicts: &mut Vec<String>) -> bool {
    match (held.as_ref(), file) {
        (_, None) => false,
        (None, Some(v)) => {
            *held = Some(v.clone());
            true
        }
        (Some(h), Some(v)) => {
            if h != v {
                conflicts.push(format!("{what}: Hearth has {h:?}, the file {v:?}; Hearth's kept"));
            }
            false
        }
    }
}

/// Adds `child` to what Hearth `held` about them: everything new is added, every gap
/// filled, nothing Hearth has is overwritten (a disagreement is reported). Episodes are
/// matched by referral date; plans, enquiries and assessments by their start dates.
/// Merging the same file twice changes nothing the second time.
pub fn merge(held: &Held, child: &ChildHistory) -> Changes {
    let mut out = Changes::default();
    let c = &mut out.conflicts;
    if let Some(h) = &held.details {
        let mut d = h.clone();
        let f = &child.details;
        if d.date_of_birth.is_none() && f.date_of_birth.is_some() {
            // Born since: the expected date gives way to the real one.
            d.date_of_birth = f.date_of_birth;
            d.expected_date_of_birth = None;
        } else {
            fill(&mut d.date_of_birth, &f.date_of_birth, "date of birth", c);
        }
        if d.date_of_birth.is_none() {
            fill(&mut d.expected_date_of_birth, &f.expected_date_of_birth, "expected date of birth", c);
        }
        if d.sex == Some(Sex::NotKnown) && f.sex.is_some() {
            d.sex = f.sex;
        }
        fill(&mut d.sex, &f.sex, "sex", c);
        fill(&mut d.ethnicity, &f.ethnicity, "ethnicity", c);
        fill(&mut d.upn, &f.upn, "UPN", c);
        if d.upn.is_none() {
            fill(&mut d.upn_unknown, &f.upn_unknown, "why there is no UPN", c);
        } else {
            d.upn_unknown = None;
        }
        for x in &f.disabilities {
            if !d.disabilities.contains(x) {
                d.disabilities.push(*x);
            }
        }
        if &d != h {
            out.details = Some(d);
        }
    }
    for e in &child.episodes {
        let Some(h) = held.episodes.iter().find(|h| h.referral.referral_date == e.referral.referral_date) else {
            out.new_referrals.push(e.referral.clone());
            out.new_assessments.extend(e.assessments.iter().cloned());
            out.new_episodes.push(e.episode.clone());
            continue;
        };
        let day = e.referral.referral_date;
        let mut r = h.referral.clone();
        let c = &mut out.conflicts;
        if r.source != e.referral.source {
            c.push(format!("referral of {day}: source: Hearth has {}, the file {}; Hearth's kept", r.source.code(), e.referral.source.code()));
        }
        fill(&mut r.primary_need, &e.referral.primary_need, &format!("referral of {day}: primary need"), c);
        r.nfa |= e.referral.nfa;
        if r != h.referral {
            out.changed_referrals.push(r);
        }
        for a in &e.assessments {
            match h.assessments.iter().find(|x| x.start_date == a.start_date) {
                None => out.new_assessments.push(Assessment { referral: h.referral.id, ..a.clone() }),
                Some(x) => {
                    let mut m = x.clone();
                    let what = format!("assessment of {} started {}", day, a.start_date);
                    if fill(&mut m.authorised_on, &a.authorised_on, &format!("{what}: authorised"), &mut out.conflicts) {
                        m.state = AssessmentState::Authorised;
                    }
                    if m.factors.is_empty() {
                        m.factors = a.factors.clone();
                    }
                    if &m != x {
                        out.changed_assessments.push(m);
                    }
                }
            }
        }
        match &h.episode {
            None => out.new_episodes.push(Episode { referral: h.referral.id, ..e.episode.clone() }),
            Some(x) => {
                let m = merge_episode(x, &e.episode, &mut out.conflicts);
                if &m != x {
                    out.changed_episodes.push(m);
                }
            }
        }
    }
    settle_previous_plans(held, &mut out, &child.previous_in_file);
    out
}

fn merge_episode(held: &Episode, file: &Episode, c: &mut Vec<String>) -> Episode {
    let mut m = held.clone();
    let day = held.start;
    match (&m.closure, &file.closure) {
        (None, Some(f)) => m.closure = Some(f.clone()),
        (Some(h), Some(f)) if (h.date, h.reason) != (f.date, f.reason) => c.push(format!("episode of {day}: closed {} ({}) in Hearth, {} ({}) in the file; Hearth's kept", h.date, h.reason.code(), f.date, f.reason.code())),
        _ => {}
    }
    for p in &file.cin_plans {
        match m.cin_plans.iter_mut().find(|x| x.start == p.start) {
            None => m.cin_plans.push(p.clone()),
            Some(x) => {
                fill(&mut x.end, &p.end, &format!("child in need plan from {}: end", p.start), c);
            }
        }
    }
    // Plans first: an enquiry's conference may link to one.
    let mut plan_ids: HashMap<StepId, StepId> = HashMap::new();
    for p in &file.cp_plans {
        match m.cp_plans.iter_mut().find(|x| x.start == p.start) {
            None => {
                plan_ids.insert(p.id, p.id);
                m.cp_plans.push(p.clone());
            }
            Some(x) => {
                plan_ids.insert(p.id, x.id);
                fill(&mut x.end, &p.end, &format!("child protection plan from {}: end", p.start), c);
                if x.end.is_none() && x.latest_category != p.latest_category {
                    x.latest_category = p.latest_category;
                }
            }
        }
    }
    for q in &file.enquiries {
        let held_q = m.enquiries.iter().position(|x| x.start == q.start);
        let id = match held_q {
            None => {
                m.enquiries.push(q.clone());
                q.id
            }
            Some(i) => {
                let x = &mut m.enquiries[i];
                // Hearth counts the target of an enquiry it holds the discussion of.
                if x.strategy.is_none() {
                    fill(&mut x.icpc_target, &q.icpc_target, &format!("section 47 enquiry from {}: conference target", q.start), c);
                }
                // A later year's file may show it open longer than an earlier one did.
                let later = x.outcome == Some(EnquiryOutcome::NoConference) && q.outcome == x.outcome && q.outcome_date > x.outcome_date;
                if (x.outcome.is_none() && q.outcome.is_some()) || later {
                    x.outcome = q.outcome;
                    x.outcome_date = q.outcome_date;
                }
                x.id
            }
        };
        if let Some(conf) = file.initial_conference(q.id)
            && m.initial_conference(id).is_none()
        {
            m.conferences.push(Conference { kind: ConferenceKind::Initial { enquiry: id }, ..conf.clone() });
            if let Some(p) = file.cp_plans.iter().find(|p| p.conference == Some(conf.id)).and_then(|p| plan_ids.get(&p.id))
                && let Some(x) = m.cp_plans.iter_mut().find(|x| x.id == *p && x.conference.is_none())
            {
                x.conference = Some(conf.id);
            }
        }
    }
    for conf in &file.conferences {
        let ConferenceKind::Review { plan } = conf.kind else { continue };
        let Some(&into) = plan_ids.get(&plan) else { continue };
        if !m.conferences.iter().any(|x| x.kind == (ConferenceKind::Review { plan: into }) && x.date == conf.date) {
            m.conferences.push(Conference { kind: ConferenceKind::Review { plan: into }, ..conf.clone() });
        }
    }
    m
}

/// Sets `earlier_plans_not_held` on the plans new to Hearth so that the census's count of
/// previous plans stays what the file said: the file's count less the plans Hearth will
/// hold before it.
fn settle_previous_plans(held: &Held, out: &mut Changes, previous_in_file: &HashMap<StepId, u32>) {
    let changed: Vec<EpisodeId> = out.changed_episodes.iter().map(|e| e.id).collect();
    let unchanged = held.episodes.iter().filter_map(|h| h.episode.as_ref()).filter(|e| !changed.contains(&e.id));
    let mut all: Vec<(Date, StepId)> = unchanged.chain(&out.changed_episodes).chain(&out.new_episodes).flat_map(|e| e.cp_plans.iter().map(|p| (p.start, p.id))).collect();
    all.sort();
    for e in out.changed_episodes.iter_mut().chain(out.new_episodes.iter_mut()) {
        for p in &mut e.cp_plans {
            if let Some(&n) = previous_in_file.get(&p.id) {
                let before = all.iter().position(|x| *x == (p.start, p.id)).unwrap_or(0);
                p.earlier_plans_not_held = n.saturating_sub(u32::try_from(before).unwrap_or(u32::MAX));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use hearth_domain::cin::episode::previous_plans;
    use crate::model::{Assessment as A, CinDetails, CinPlan as P, CpPlan as C, Section47 as S};
    use time::macros::date;

    fn t(s: &str) -> Text {
        Some(s.to_string())
    }

    const TODAY: Date = date!(2026 - 12 - 02);
    const YEAR_START: Date = date!(2025 - 04 - 01);

    /// A child with one episode of every kind of step.
    fn child() -> model::Child {
        model::Child {
            la_child_id: t("OLD42"),
            birth_date: t("2015-06-01"),
            sex: t("F"),
            ethnicity: t("WBRI"),
            disabilities: vec![t("NONE")],
            episodes: vec![CinDetails {
                referral_date: t("2025-05-01"),
                referral_source: t("5A"),
                primary_need: t("N1"),
                referral_nfa: t("false"),
                assessments: vec![A { start: t("2025-05-02"), authorisation: t("2025-06-01"), factors: Some(vec![t("16A")]), ..A::default() }],
                cin_plans: vec![P { start: t("2025-06-01"), end: t("2025-06-20") }],
                section47s: vec![S { start: t("2025-06-02"), icpc_target: t("2025-06-23"), icpc_date: t("2025-06-20"), icpc_not_required: t("false") }],
                cp_plans: vec![C { start: t("2025-06-20"), initial_category: t("NEG"), latest_category: t("EMO"), previous_plans: t("1"), reviews: vec![t("2025-09-15")], ..C::default() }],
                ..CinDetails::default()
            }],
            ..model::Child::default()
        }
    }

    fn read_ok(c: &model::Child) -> ChildHistory {
        read(c, PersonId::new(), UserId::new(), TODAY, YEAR_START).unwrap()
    }

    fn problems(c: &model::Child) -> Vec<String> {
        read(c, PersonId::new(), UserId::new(), TODAY, YEAR_START).unwrap_err().iter().map(ToString::to_string).collect()
    }

    #[test]
    fn a_child_becomes_history_with_its_original_dates() {
        let h = read_ok(&child());
        assert_eq!((h.la_child_id.as_str(), h.details.full_name()), ("OLD42", format!("{UNNAMED} OLD42")));
        assert_eq!((h.details.date_of_birth, h.details.sex, h.details.disabilities.len()), (Some(date!(2015 - 06 - 01)), Some(Sex::Female), 0));
        let e = &h.episodes[0];
        assert_eq!((e.referral.referral_date, e.referral.source.code(), e.episode.start), (date!(2025 - 05 - 01), "5A", date!(2025 - 05 - 01)));
        assert_eq!((e.assessments[0].authorised_on, e.assessments[0].state), (Some(date!(2025 - 06 - 01)), AssessmentState::Authorised));
        let q = &e.episode.enquiries[0];
        assert_eq!((q.strategy, q.icpc_target, q.outcome), (None, Some(date!(2025 - 06 - 23)), Some(EnquiryOutcome::ConferenceRequired)));
        let plan = &e.episode.cp_plans[0];
        let icpc = e.episode.initial_conference(q.id).expect("the conference of the enquiry");
        assert_eq!((plan.conference, icpc.decision), (Some(icpc.id), ConferenceDecision::Plan { category: AbuseCategory::Neglect }), "the conference made the plan starting that day");
        assert_eq!(e.episode.reviews(plan.id).iter().map(|c| c.date).collect::<Vec<_>>(), vec![date!(2025 - 09 - 15)]);
        assert_eq!(h.previous_in_file.get(&plan.id), Some(&1));
        assert!(h.not_kept.is_empty());
    }

    #[test]
    fn what_hearth_cannot_hold_is_refused_naming_the_element_and_value() {
        let mut c = child();
        c.la_child_id = None;
        c.ethnicity = t("XXXX");
        c.disabilities = vec![t("WINGS")];
        let d = &mut c.episodes[0];
        d.referral_date = t("2025-02-30");
        d.closure_date = t("2025-05-05");
        d.cp_plans[0].end = t("2025-06-01");
        d.cp_plans[0].initial_category = None;
        d.assessments[0].factors = Some(vec![t("99Z")]);
        d.section47s[0].icpc_date = t("2030-01-01");
        let p = problems(&c);
        for expected in [
            "LAchildID: is missing",
            "Ethnicity \"XXXX\": is not a DfE ethnicity code",
            "Disability \"WINGS\": is not a DfE disability code",
            "CINdetails 1 > CINreferralDate \"2025-02-30\": is not a real date",
            "CINdetails 1 > ReasonForClosure: is missing",
            "CINdetails 1 > ChildProtectionPlans 1 > CPPendDate \"2025-06-01\": is before the plan started",
            "CINdetails 1 > ChildProtectionPlans 1 > InitialCategoryOfAbuse: is missing",
            "CINdetails 1 > Assessments 1 > AssessmentFactors \"99Z\": is not a DfE assessment factor code",
            "CINdetails 1 > Section47 1 > DateOfInitialCPC \"2030-01-01\": is after today",
        ] {
            assert!(p.iter().any(|x| x.starts_with(expected)), "{expected} not in {p:#?}");
        }
        // Two episodes on one referral date; no date of birth at all.
        let mut c = child();
        c.episodes.push(c.episodes[0].clone());
        c.birth_date = None;
        let p = problems(&c);
        assert!(p.iter().any(|x| x.contains("two episodes have the same referral date")), "{p:?}");
        assert!(p.iter().any(|x| x.starts_with("PersonBirthDate: is missing, and so is ExpectedPersonBirthDate")), "{p:?}");
    }

    #[test]
    fn unborn_children_older_codes_and_what_is_not_kept() {
        let mut c = child();
        c.birth_date = None;
        c.expected_birth_date = t("2027-01-10");
        c.sex = None;
        c.gender_current = t("0");
        c.upn_unknown = t("UN1");
        c.former_upn = t("A123");
        c.episodes[0].primary_need = t("N0");
        c.episodes[0].section47s[0] = S { start: t("2025-03-20"), icpc_not_required: t("true"), ..S::default() };
        let h = read_ok(&c);
        assert_eq!((h.details.date_of_birth, h.details.expected_date_of_birth, h.details.sex), (None, Some(date!(2027 - 01 - 10)), None), "an expected date may be in the future");
        assert_eq!(h.episodes[0].referral.primary_need.map(Coded::code), Some("N0"));
        let q = &h.episodes[0].episode.enquiries[0];
        assert!(q.icpc_not_required());
        assert_eq!(q.outcome_date, Some(YEAR_START), "ended no earlier than the file's year began");
        assert_eq!(h.details.upn_unknown, Some(UpnUnknown::UnderSix));
        assert_eq!(h.not_kept, vec!["FormerUPN \"A123\"".to_string()]);
    }

    fn held(h: &ChildHistory) -> Held {
        Held {
            details: Some(h.details.clone()),
            episodes: h.episodes.iter().map(|e| HeldEpisode { referral: e.referral.clone(), assessments: e.assessments.clone(), episode: Some(e.episode.clone()) }).collect(),
        }
    }

    #[test]
    fn merging_fills_gaps_keeps_what_hearth_has_and_changes_nothing_twice() {
        let first = read_ok(&child());
        let new = merge(&Held::default(), &first);
        assert_eq!((new.new_referrals.len(), new.new_assessments.len(), new.new_episodes.len(), new.details), (1, 1, 1, None));
        assert!(merge(&held(&first), &first).is_empty(), "the same file again changes nothing");

        // The next year's file: the plan ended, another review, the episode closed, a
        // UPN now known, a second episode; and a date of birth that disagrees.
        let mut later = child();
        later.upn = t("Y800210217940");
        later.birth_date = t("2015-06-02");
        let d = &mut later.episodes[0];
        d.closure_date = t("2026-02-01");
        d.reason_for_closure = t("RC7");
        d.cp_plans[0].end = t("2026-01-20");
        d.cp_plans[0].reviews.push(t("2026-01-20"));
        let mut second = d.clone();
        second.referral_date = t("2026-03-01");
        second.closure_date = None;
        second.reason_for_closure = None;
        later.episodes.push(second);
        let file = read(&later, PersonId::new(), UserId::new(), TODAY, date!(2026 - 04 - 01));
        let Ok(file) = file else { panic!("{file:?}") };
        let m = merge(&held(&first), &file);
        let d = m.details.as_ref().expect("the UPN is added");
        assert_eq!((d.upn.as_ref().map(|u| u.as_str()), d.date_of_birth), (Some("Y800210217940"), Some(date!(2015 - 06 - 01))), "Hearth's date of birth is kept");
        assert!(m.conflicts.iter().any(|c| c.starts_with("date of birth")), "{:?}", m.conflicts);
        assert_eq!((m.new_referrals.len(), m.new_episodes.len(), m.changed_episodes.len()), (1, 1, 1));
        let e = &m.changed_episodes[0];
        assert_eq!((e.closure.as_ref().map(|c| c.date), e.cp_plans[0].end), (Some(date!(2026 - 02 - 01)), Some(date!(2026 - 01 - 20))));
        assert_eq!(e.reviews(e.cp_plans[0].id).len(), 2, "the new review is added, the old one not repeated");
        assert_eq!(e.cp_plans.len(), 1);
        // The second episode's plan: one plan before it in Hearth, two in the file.
        let plan = &m.new_episodes[0].cp_plans[0];
        let all: Vec<CpPlan> = e.cp_plans.iter().chain(&m.new_episodes[0].cp_plans).cloned().collect();
        assert_eq!((plan.earlier_plans_not_held, previous_plans(&all, plan)), (0, 1), "the file says 1 and Hearth holds 1");
    }

    #[test]
    fn earlier_plans_a_previous_system_counted_are_kept() {
        let mut c = child();
        c.episodes[0].cp_plans[0].previous_plans = t("3");
        let h = read_ok(&c);
        let m = merge(&Held::default(), &h);
        let plan = &m.new_episodes[0].cp_plans[0];
        assert_eq!((plan.earlier_plans_not_held, previous_plans([plan], plan)), (3, 3));
    }

    #[test]
    fn an_unborn_child_born_since_gets_the_real_date() {
        let mut c = child();
        c.birth_date = None;
        c.expected_birth_date = t("2025-04-20");
        let unborn = read_ok(&c);
        let born = read_ok(&child());
        let m = merge(&held(&unborn), &born);
        let d = m.details.expect("born");
        assert_eq!((d.date_of_birth, d.expected_date_of_birth, d.sex), (Some(date!(2015 - 06 - 01)), None, Some(Sex::Female)));
        assert!(m.conflicts.is_empty(), "{:?}", m.conflicts);
    }
}
