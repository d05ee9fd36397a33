//! The care leaver service (issue 18): what is recorded about a young person leaving care —
//! their personal adviser, needs assessment and pathway plans, contact kept with them,
//! where they live and what they do (as the DfE's OC3 codes), staying put and other
//! arrangements, and the payments made to them. Their status is never recorded: it is
//! derived (`leaving::status_on`) from the periods of care and two facts kept here.
use super::codes::ReasonEpisodeCeased;
use super::episodes::PeriodOfCare;
use super::leaving::{birthday, LeavingFacts, Spell, Status};
use super::planning::SignOff;
use crate::calendar::add_months;
use crate::codes::code_list;
use crate::ids::id_type;
use crate::validation::FieldErrors;
use crate::{PersonId, UserId};
use serde::{Deserialize, Serialize};
use time::Date;

id_type!(
    /// A young person's care leaver record.
    CareLeaverId
);

code_list!(
    /// Where a care leaver lives (SSDA903 OC3 `ACCOM`, the letter; suitability is kept
    /// beside it and makes the digit).
    Accommodation {
        WithParents = "B": "With parents or relatives",
        Residential = "C": "Community home or other form of residential care, such as an NHS establishment",
        SemiIndependent = "D": "Semi-independent, transitional or self-contained accommodation",
        SupportedLodgings = "E": "Supported lodgings",
        Abroad = "G": "Gone abroad",
        Deported = "H": "Deported",
        Lodgings = "K": "Ordinary lodgings, without formal support",
        NotKnown = "R": "Residence not known",
        NoFixedAbode = "S": "No fixed abode or homeless",
        Foyer = "T": "Foyer or similar supported accommodation combining accommodation and employment or training",
        Independent = "U": "Independent living, for example a flat or tenancy",
        Emergency = "V": "Emergency accommodation, such as a night shelter or direct access hostel",
        BedAndBreakfast = "W": "Bed and breakfast",
        Custody = "X": "In custody",
        Other = "Y": "Other accommodation",
        FormerFosterCarers = "Z": "With former foster carers (staying put)",
    }
);

code_list!(
    /// What a care leaver is doing (SSDA903 OC3 `ACTIV`).
    Activity {
        HigherEducationFullTime = "F1": "Full-time higher education",
        HigherEducationPartTime = "P1": "Part-time higher education",
        EducationFullTime = "F2": "Full-time education other than higher education",
        EducationPartTime = "P2": "Part-time education other than higher education",
        EmploymentFullTime = "F4": "Full-time employment",
        EmploymentPartTime = "P4": "Part-time employment",
        TrainingFullTime = "F5": "Full-time training or apprenticeship",
        TrainingPartTime = "P5": "Part-time training or apprenticeship",
        NeetIllness = "G4": "Not in education, employment or training: illness or disability",
        NeetOther = "G5": "Not in education, employment or training: other reasons",
        NeetParenting = "G6": "Not in education, employment or training: pregnancy or parenting",
    }
);

code_list!(
    /// Whether the council is in touch with a care leaver (SSDA903 OC3 `IN_TOUCH`).
    InTouch {
        Yes = "YES": "In touch",
        No = "NO": "Not in touch",
        Refused = "REFU": "Refuses contact",
        NoLongerNeeded = "NREQ": "No longer needs services",
        ReturnedHome = "RHOM": "Returned home to parents for six months or more",
        Died = "DIED": "Died",
    }
);

code_list!(
    /// How a care leaver is housed under an arrangement the council makes (seed 000, 004).
    ArrangementKind {
        StayingPut = "staying_put": "Staying put with former foster carers",
        SupportedLodgings = "supported_lodgings": "Supported lodgings",
        SupportedAccommodation = "supported_accommodation": "Supported accommodation or hostel",
        IndependentLiving = "independent_living": "Independent living",
    }
);

code_list!(
    /// A payment to a care leaver (the payment run comes with the carers and payments work).
    PaymentKind {
        SettingUpHome = "setting_up_home": "Setting-up-home allowance",
        HigherEducationBursary = "he_bursary": "Higher education bursary",
        Education = "education": "Education, employment or training costs",
        Other = "other": "Other support",
    }
);

impl Activity {
    /// In education or training: a qualifying young person is helped to 25 (section 24B).
    pub fn is_education_or_training(self) -> bool {
        !self.is_neet() && !matches!(self, Activity::EmploymentFullTime | Activity::EmploymentPartTime)
    }

    /// Not in education, employment or training.
    pub fn is_neet(self) -> bool {
        matches!(self, Activity::NeetIllness | Activity::NeetOther | Activity::NeetParenting)
    }
}

/// A personal adviser allocated from a day (the next allocation ends it).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Adviser {
    pub user: UserId,
    /// The adviser's name when allocated (kept if the account is later renamed or closed).
    pub name: String,
    pub from: Date,
}

/// A pathway plan as agreed, or a review of it: the young person's views are part of it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PathwayPlan {
    pub agreed: Date,
    /// The first plan (false) or a review of the plan in force (true).
    pub review: bool,
    /// The young person's own views, in their words.
    pub views: String,
    /// A manager's sign-off.
    pub signed_off: Option<SignOff>,
}

/// Contact with the young person on a day.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contact {
    pub on: Date,
    pub outcome: InTouch,
}

/// Where the young person lives from a day.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Housed {
    pub from: Date,
    pub accommodation: Accommodation,
    pub suitable: bool,
}

impl Housed {
    /// The OC3 code: the letter, then 1 if suitable, 2 if not.
    pub fn code(&self) -> String {
        use crate::codes::Coded;
        format!("{}{}", self.accommodation.code(), if self.suitable { 1 } else { 2 })
    }
}

/// What the young person does from a day.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Occupied {
    pub from: Date,
    pub activity: Activity,
}

/// A housing arrangement: staying put, supported lodgings and the rest, planned or in place.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Arrangement {
    pub number: u32,
    pub kind: ArrangementKind,
    pub from: Date,
    pub until: Option<Date>,
    /// With whom or where: the former foster carers, the lodgings provider, the hostel.
    pub with: String,
    /// Independent living with a support worker sleeping in (seed 000).
    #[serde(default)]
    pub sleep_in: bool,
}

/// A payment made to the young person.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Payment {
    pub on: Date,
    pub kind: PaymentKind,
    /// In pence.
    pub pence: u32,
    pub note: String,
}

/// What the council records about a young person leaving care.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CareLeaverRecord {
    pub id: CareLeaverId,
    pub child: PersonId,
    /// In custody or hospital on the 16th birthday (a fact the status rules read).
    #[serde(default)]
    pub detained_at_16: bool,
    #[serde(default)]
    pub advisers: Vec<Adviser>,
    #[serde(default)]
    pub needs_assessment: Option<Date>,
    #[serde(default)]
    pub plans: Vec<PathwayPlan>,
    #[serde(default)]
    pub contacts: Vec<Contact>,
    #[serde(default)]
    pub housing: Vec<Housed>,
    #[serde(default)]
    pub activities: Vec<Occupied>,
    #[serde(default)]
    pub arrangements: Vec<Arrangement>,
    #[serde(default)]
    pub payments: Vec<Payment>,
}

/// The pathway plan is reviewed at least this often (Care Planning Regulations, reg. 43).
pub const PLAN_REVIEW_MONTHS: i64 = 6;
/// A needs assessment and the first pathway plan are due this long after the young person
/// becomes eligible or relevant.
pub const FIRST_PLAN_MONTHS: i64 = 3;
/// The DfE counts contact "around" a birthday: in the three months before it or the month
/// after.
pub const CONTACT_BEFORE_MONTHS: i64 = 3;
pub const CONTACT_AFTER_MONTHS: i64 = 1;
/// A young person with no contact recorded for this long is listed as not in touch.
pub const OUT_OF_TOUCH_MONTHS: i64 = 3;

/// A change to a care leaver's record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CareLeaverChange {
    Detained(bool),
    Adviser(Adviser),
    NeedsAssessment(Date),
    Plan { agreed: Date, views: String },
    /// A manager signs the newest plan or review off today.
    SignOff,
    Contact(Contact),
    Housed(Housed),
    Occupied(Occupied),
    Arrangement(Arrangement),
    EndArrangement { number: u32, on: Date },
    Payment(Payment),
}

impl CareLeaverChange {
    /// The audit action.
    pub fn action(&self) -> &'static str {
        match self {
            Self::Detained(_) => "care_leaver.detained",
            Self::Adviser(_) => "care_leaver.adviser",
            Self::NeedsAssessment(_) => "care_leaver.needs_assessment",
            Self::Plan { .. } => "care_leaver.plan",
            Self::SignOff => "care_leaver.plan_sign_off",
            Self::Contact(_) => "care_leaver.contact",
            Self::Housed(_) => "care_leaver.accommodation",
            Self::Occupied(_) => "care_leaver.activity",
            Self::Arrangement(_) => "care_leaver.arrangement",
            Self::EndArrangement { .. } => "care_leaver.arrangement_end",
            Self::Payment(_) => "care_leaver.payment",
        }
    }

    /// What the version history says changed.
    pub fn label(&self) -> &'static str {
        match self {
            Self::Detained(_) => "In custody or hospital at 16 recorded",
            Self::Adviser(_) => "Personal adviser allocated",
            Self::NeedsAssessment(_) => "Needs assessment completed",
            Self::Plan { .. } => "Pathway plan agreed or reviewed",
            Self::SignOff => "Pathway plan signed off",
            Self::Contact(_) => "Contact recorded",
            Self::Housed(_) => "Accommodation recorded",
            Self::Occupied(_) => "Activity recorded",
            Self::Arrangement(_) => "Housing arrangement made",
            Self::EndArrangement { .. } => "Housing arrangement ended",
            Self::Payment(_) => "Payment recorded",
        }
    }
}

/// What a change is checked against besides the record.
#[derive(Clone, Copy, Debug)]
pub struct ChangeContext {
    pub born: Option<Date>,
    pub status: Status,
    /// Looked after today (a looked-after child of 15 may be given a personal adviser).
    pub looked_after: bool,
    pub today: Date,
    /// Who makes the change (a sign-off is theirs).
    pub by: UserId,
}

fn not_future(field: &str, d: Date, today: Date, what: &str) -> Result<(), FieldErrors> {
    if d > today {
        return Err(FieldErrors::one(field, format!("{what} cannot be in the future")));
    }
    Ok(())
}

fn not_before_birth(field: &str, d: Date, born: Option<Date>, what: &str) -> Result<(), FieldErrors> {
    if born.is_some_and(|b| d < b) {
        return Err(FieldErrors::one(field, format!("{what} cannot be before the young person was born")));
    }
    Ok(())
}

/// The statuses that bring a personal adviser and a pathway plan.
pub fn has_pathway(status: Status) -> bool {
    matches!(status, Status::Eligible | Status::Relevant | Status::FormerRelevant)
}

impl CareLeaverRecord {
    /// A young person's record: its id is theirs, so that two first changes made at once
    /// cannot make two records.
    pub fn new(child: PersonId) -> Self {
        CareLeaverRecord {
            id: CareLeaverId(child.0),
            child,
            detained_at_16: false,
            advisers: Vec::new(),
            needs_assessment: None,
            plans: Vec::new(),
            contacts: Vec::new(),
            housing: Vec::new(),
            activities: Vec::new(),
            arrangements: Vec::new(),
            payments: Vec::new(),
        }
    }

    /// Applies a change, checked against the record, the young person's age and status.
    pub fn apply(&mut self, change: CareLeaverChange, cx: ChangeContext) -> Result<(), FieldErrors> {
        let today = cx.today;
        match change {
            CareLeaverChange::Detained(d) => self.detained_at_16 = d,
            CareLeaverChange::Adviser(a) => {
                not_before_birth("adviser.from", a.from, cx.born, "The allocation")?;
                // Seed 000: a PA is allocated to an eligible child during their 16th year.
                if let Some(b) = cx.born
                    && a.from < birthday(b, 15)
                {
                    return Err(FieldErrors::one("adviser.from", "A personal adviser is allocated from the young person's 16th year (their 15th birthday)"));
                }
                let looked_after_from_15 = cx.looked_after && cx.born.and_then(|b| crate::person::age_on(b, today)).is_some_and(|age| (15..18).contains(&age));
                if cx.status == Status::None && !looked_after_from_15 {
                    return Err(FieldErrors::one("adviser.user", "This young person is not a care leaver: a personal adviser is for eligible, relevant and former relevant young people"));
                }
                if let Some(last) = self.advisers.last()
                    && a.from < last.from
                {
                    return Err(FieldErrors::one("adviser.from", format!("The allocation cannot be before the last one ({})", crate::history::long_date(&last.from))));
                }
                if self.advisers.last().is_some_and(|last| last.user == a.user) {
                    return Err(FieldErrors::one("adviser.user", "This is the young person's personal adviser already"));
                }
                self.advisers.push(a);
            }
            CareLeaverChange::NeedsAssessment(d) => {
                require_pathway("needs_assessment", cx.status)?;
                not_future("needs_assessment", d, today, "The assessment")?;
                not_before_birth("needs_assessment", d, cx.born, "The assessment")?;
                self.needs_assessment = Some(d);
            }
            CareLeaverChange::Plan { agreed, views } => {
                require_pathway("plan.agreed", cx.status)?;
                not_future("plan.agreed", agreed, today, "The plan")?;
                if self.needs_assessment.is_none_or(|a| agreed < a) {
                    return Err(FieldErrors::one("plan.agreed", "A pathway plan follows the needs assessment: record the assessment first"));
                }
                if let Some(last) = self.plans.last()
                    && agreed <= last.agreed
                {
                    return Err(FieldErrors::one("plan.agreed", format!("A review is after the plan it reviews ({})", crate::history::long_date(&last.agreed))));
                }
                let views = views.trim().to_string();
                if views.is_empty() {
                    return Err(FieldErrors::one("plan.views", "Enter the young person's views of their plan, in their words"));
                }
                let review = !self.plans.is_empty();
                self.plans.push(PathwayPlan { agreed, review, views, signed_off: None });
            }
            CareLeaverChange::SignOff => match self.plans.last_mut() {
                None => return Err(FieldErrors::one("plan", "There is no pathway plan to sign off")),
                Some(p) if p.signed_off.is_some() => return Err(FieldErrors::one("plan", "The newest plan has been signed off already")),
                Some(p) => p.signed_off = Some(SignOff { by: cx.by, on: today }),
            },
            CareLeaverChange::Contact(c) => {
                not_future("contact.on", c.on, today, "The contact")?;
                not_before_birth("contact.on", c.on, cx.born, "The contact")?;
                self.contacts.push(c);
                self.contacts.sort_by_key(|c| c.on);
            }
            CareLeaverChange::Housed(h) => {
                not_future("housing.from", h.from, today, "The move")?;
                not_before_birth("housing.from", h.from, cx.born, "The move")?;
                if h.accommodation == Accommodation::NoFixedAbode && h.suitable {
                    return Err(FieldErrors::one("housing.suitable", "No fixed abode is never suitable accommodation"));
                }
                if self.housing.iter().any(|x| x.from == h.from) {
                    return Err(FieldErrors::one("housing.from", "Accommodation is recorded from this day already"));
                }
                self.housing.push(h);
                self.housing.sort_by_key(|h| h.from);
            }
            CareLeaverChange::Occupied(o) => {
                not_future("activity.from", o.from, today, "The activity")?;
                not_before_birth("activity.from", o.from, cx.born, "The activity")?;
                if self.activities.iter().any(|x| x.from == o.from) {
                    return Err(FieldErrors::one("activity.from", "An activity is recorded from this day already"));
                }
                self.activities.push(o);
                self.activities.sort_by_key(|o| o.from);
            }
            CareLeaverChange::Arrangement(a) => {
                not_before_birth("arrangement.from", a.from, cx.born, "The arrangement")?;
                if a.until.is_some_and(|u| u < a.from) {
                    return Err(FieldErrors::one("arrangement.until", "The arrangement ends before it begins"));
                }
                if a.with.trim().is_empty() {
                    return Err(FieldErrors::one("arrangement.with", "Enter with whom or where the young person lives"));
                }
                if a.kind == ArrangementKind::StayingPut
                    && let Some(b) = cx.born
                {
                    // Section 23CZA: staying put is from 18 to 21.
                    if a.from < birthday(b, 18) || a.until.is_some_and(|u| u > birthday(b, 21)) {
                        return Err(FieldErrors::one("arrangement.from", format!("Staying put is from the 18th birthday ({}) to the 21st", crate::history::long_date(&birthday(b, 18)))));
                    }
                }
                if a.sleep_in && a.kind != ArrangementKind::IndependentLiving {
                    return Err(FieldErrors::one("arrangement.sleep_in", "Sleep-in support is recorded for independent living"));
                }
                let number = self.arrangements.iter().map(|a| a.number).max().unwrap_or(0).saturating_add(1);
                self.arrangements.push(Arrangement { number, with: a.with.trim().to_string(), ..a });
            }
            CareLeaverChange::EndArrangement { number, on } => match self.arrangements.iter_mut().find(|a| a.number == number) {
                None => return Err(FieldErrors::one("arrangement", "Choose the arrangement that ended")),
                Some(a) if a.until.is_some_and(|u| u <= today) => return Err(FieldErrors::one("arrangement", "This arrangement has ended already")),
                Some(a) if on < a.from => return Err(FieldErrors::one("arrangement.until", "The arrangement ends before it begins")),
                Some(a) => a.until = Some(on),
            },
            CareLeaverChange::Payment(p) => {
                not_future("payment.on", p.on, today, "The payment")?;
                if p.pence == 0 {
                    return Err(FieldErrors::one("payment.amount", "Enter the amount paid"));
                }
                if cx.status == Status::None {
                    return Err(FieldErrors::one("payment.kind", "This young person is not a care leaver"));
                }
                self.payments.push(Payment { note: p.note.trim().to_string(), ..p });
                self.payments.sort_by_key(|p| p.on);
            }
        }
        Ok(())
    }

    /// The personal adviser on `day`.
    pub fn adviser_on(&self, day: Date) -> Option<&Adviser> {
        self.advisers.iter().rev().find(|a| a.from <= day)
    }

    pub fn housed_on(&self, day: Date) -> Option<&Housed> {
        self.housing.iter().rev().find(|h| h.from <= day)
    }

    pub fn occupied_on(&self, day: Date) -> Option<&Occupied> {
        self.activities.iter().rev().find(|o| o.from <= day)
    }

    pub fn last_contact(&self) -> Option<&Contact> {
        self.contacts.last()
    }

    /// The arrangements in place or planned on `day` (not ended before it).
    pub fn arrangements_from(&self, day: Date) -> impl Iterator<Item = &Arrangement> {
        self.arrangements.iter().filter(move |a| a.until.is_none_or(|u| u >= day))
    }
}

fn require_pathway(field: &str, status: Status) -> Result<(), FieldErrors> {
    if has_pathway(status) {
        return Ok(());
    }
    Err(FieldErrors::one(field, format!("This young person is {}: a needs assessment and pathway plan are for eligible, relevant and former relevant young people", status_words(status))))
}

/// The status as a sentence reads it.
pub fn status_words(status: Status) -> &'static str {
    match status {
        Status::Eligible => "eligible",
        Status::Relevant => "a relevant child",
        Status::FormerRelevant => "a former relevant young person",
        Status::Qualifying => "a qualifying young person",
        Status::None => "not a care leaver",
    }
}

/// The status rules' facts from the young person's periods of care and record, as the law
/// reads them: a short break is a spell of a V3 or V4 series; care ended with E4A or E4B is a
/// return home to a parent.
pub fn leaving_facts<'a>(born: Option<Date>, periods: impl IntoIterator<Item = &'a PeriodOfCare>, record: Option<&CareLeaverRecord>, today: Date) -> LeavingFacts {
    let spells = periods
        .into_iter()
        .map(|p| Spell {
            from: p.start,
            to: p.ended.map(|e| e.on),
            short_break: p.legal_statuses.iter().all(|l| l.status.is_short_break()),
            returned_home: p.ended.is_some_and(|e| matches!(e.reason, ReasonEpisodeCeased::HomePlanned | ReasonEpisodeCeased::HomeUnplanned)),
        })
        .collect();
    let in_education = record.and_then(|r| r.occupied_on(today)).is_some_and(|o| o.activity.is_education_or_training());
    LeavingFacts { born, spells, in_education, detained_at_16: record.is_some_and(|r| r.detained_at_16) }
}

/// The status today from the date of birth, periods of care and record (`None` when it cannot
/// be worked out: no date of birth).
pub fn status_today<'a>(born: Option<Date>, periods: impl IntoIterator<Item = &'a PeriodOfCare>, record: Option<&CareLeaverRecord>, today: Date) -> Option<Status> {
    super::leaving::status_on(&leaving_facts(born, periods, record, today), today).ok().map(|d| d.status)
}

/// The day a young person became one whom a pathway plan is for: 16, once 13 weeks since 14
/// have been looked after (or the day they were reached, if later); `None` if never.
pub fn pathway_from(f: &LeavingFacts) -> Option<Date> {
    use super::leaving::{QUALIFYING_DAYS, SHORT_BREAK_MAX_DAYS};
    let born = f.born?;
    let (b14, b16, b18) = (birthday(born, 14), birthday(born, 16), birthday(born, 18));
    let mut spells: Vec<(Date, Date)> = f
        .spells
        .iter()
        .filter(|s| !s.short_break || s.to.is_none_or(|to| (to - s.from).whole_days() > SHORT_BREAK_MAX_DAYS))
        .map(|s| (s.from, s.to.unwrap_or(b18).min(b18)))
        .collect();
    spells.sort();
    // The day 13 weeks since 14 were reached.
    let mut total = 0;
    let reached = spells.iter().find_map(|&(from, to)| {
        let from = from.max(b14);
        let days = (to - from).whole_days().max(0);
        let hit = (total + days >= QUALIFYING_DAYS).then(|| from + time::Duration::days(QUALIFYING_DAYS - total));
        total += days;
        hit
    })?;
    let after = reached.max(b16);
    if f.detained_at_16 && reached <= b16 {
        return Some(b16);
    }
    // Looked after on or after that day, before 18.
    spells.iter().find(|&&(_, to)| to > after).map(|&(from, _)| from.max(after)).filter(|d| *d < b18)
}

/// The policy pack's timescale for reviewing a pathway plan (`data/policy/national.toml`).
pub const REVIEW_RULE: &str = "pathway_plan_review";

/// When a review is due after the plan or review agreed on a day (the `n`th of the young
/// person's plans): how a caller reads its policy pack.
pub type ReviewDue<'a> = &'a dyn Fn(Date, u32) -> Date;

/// Six months on, when no pack says otherwise.
pub fn six_months(agreed: Date, _: u32) -> Date {
    add_months(agreed, PLAN_REVIEW_MONTHS).unwrap_or(agreed)
}

/// The review due after a plan agreed on `agreed`, as `pack`'s `pathway_plan_review` says
/// (six months in the national pack, moved back off a weekend or bank holiday), or six
/// months if the pack has no such timescale.
pub fn review_due(pack: &crate::policy::Pack, cal: &crate::calendar::Calendar, agreed: Date, n: u32) -> Date {
    pack.deadline(REVIEW_RULE, n.max(1), crate::policy::Start::Date(agreed), cal).map_or_else(|_| six_months(agreed, n), |d| d.due.date())
}

/// When the next pathway plan or review is due: three months after the young person became
/// one a plan is for, then as `review` says after the last plan or review.
pub fn plan_due(record: Option<&CareLeaverRecord>, from: Option<Date>, review: ReviewDue) -> Option<Date> {
    match record.and_then(|r| r.plans.last().map(|p| (p, r.plans.len()))) {
        Some((p, n)) => Some(review(p.agreed, u32::try_from(n).unwrap_or(u32::MAX))),
        None => from.and_then(|d| add_months(d, FIRST_PLAN_MONTHS).ok()),
    }
}

/// One of the birthdays (17 to 21) around which the DfE asks whether the council is in touch.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BirthdayContact {
    pub age: i32,
    pub birthday: Date,
    /// The window the contact must fall in: three months before to a month after.
    pub from: Date,
    pub until: Date,
    /// The contact recorded in the window nearest the birthday, if any.
    pub contact: Option<Contact>,
}

/// The birthdays from 17 to 21 after the young person left care on `left` whose window has
/// opened by `today`, with the contact made in each window (none while they are in care).
pub fn birthday_contacts(born: Date, left: Option<Date>, contacts: &[Contact], today: Date) -> Vec<BirthdayContact> {
    let Some(left) = left else { return Vec::new() };
    (17..=21)
        .filter_map(|age| {
            let b = birthday(born, age);
            if b < left {
                return None;
            }
            let from = add_months(b, -CONTACT_BEFORE_MONTHS).ok()?;
            let until = add_months(b, CONTACT_AFTER_MONTHS).ok()?;
            (from <= today).then(|| {
                let contact = contacts.iter().filter(|c| c.on >= from && c.on <= until).min_by_key(|c| (c.on - b).whole_days().abs()).copied();
                BirthdayContact { age, birthday: b, from, until, contact }
            })
        })
        .collect()
}

#[cfg(test)]
mod tests;
