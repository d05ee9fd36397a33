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
use hearth_domain::codes::{Coded, Disability, Ethnicity, Sex};
use hearth_domain::front_door::assessment::{Assessment, AssessmentState};
use hearth_domain::front_door::codes::{AssessmentFactor, PrimaryNeed, ReferralSource};
use hearth_domain::front_door::referral::Referral;
use hearth_domain::front_door::{AssessmentId, ReferralId};
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
    /// Where in the child: "CINdetails 2 > CPPlan 1 > CPPendDate".
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
    for (element, value) in [("UPNunknown", &c.upn_unknown), ("FormerUPN", &c.former_upn), ("PersonDeathDate", &c.death_date)] {
        if let Some(v) = value {
            r.not_kept.push(format!("{element} \"{v}\""));
        }
    }
    let details = PersonDetails {
        date_of_birth: birth,
        expected_date_of_birth: if birth.is_some() { None } else { expected },
        sex: sex.filter(|_| birth.is_some() || expected.is_none()),
        ethnicity,
        disabilities,
        upn,
        ..PersonDetails::named(PersonKind::Child, UNNAMED, id.clone())
    };
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
        if authorised.is_none() && !factors.is_empty() {
            r.not_kept.push(format!("{at}: factors of an assessment not yet authorised are kept, but the census lists them only once it is"));
        }
        let Some(begun) = begun else { continue };
        let mut x = Assessment::new(referral, child, author, begun);
        x.id = AssessmentId::new();
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
                fill(&mut x.icpc_target, &q.icpc_target, &format!("section 47 enquiry from {}: conference target", q.start), c);
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
