//! A looked-after child's health and education as the worker records them: health
//! assessments (the initial one, then reviews every six months under 5 and yearly from 5),
//! dental checks, immunisations, the strengths and difficulties questionnaire (SDQ), a
//! substance misuse problem; the school, the virtual school told, the personal education plan
//! (PEP) each term and exclusions. The due dates of the assessments and PEPs are worked out
//! here; the SSDA903 return's outcome indicators come from the same facts.
use crate::codes::{code_list, Coded};
use crate::validation::FieldErrors;
use serde::{Deserialize, Serialize};
use time::{Date, Month};

/// The highest total difficulties score of an SDQ.
pub const SDQ_MAX: u8 = 40;
/// Longest school name.
pub const MAX_SCHOOL: usize = 200;
/// The ages an SDQ is asked for (4 to 16 inclusive, the DfE's return).
pub const SDQ_AGES: std::ops::RangeInclusive<i32> = 4..=16;
/// The ages a PEP is kept for: the early years to the end of year 13.
pub const PEP_AGES: std::ops::RangeInclusive<i32> = 3..=17;

code_list!(
    /// What was done for the child's health.
    HealthCheckKind {
        InitialAssessment = "initial_health_assessment": "Initial health assessment",
        ReviewAssessment = "review_health_assessment": "Review health assessment",
        Dental = "dental_check": "Dental check",
        Immunisations = "immunisations": "Immunisations up to date",
        Sdq = "sdq": "Strengths and difficulties questionnaire (SDQ)",
        SubstanceMisuse = "substance_misuse": "Identified as having a substance misuse problem",
    }
);

code_list!(
    /// An exclusion from school.
    ExclusionKind {
        Suspension = "suspension": "Suspension (fixed-period exclusion)",
        Permanent = "permanent": "Permanent exclusion",
    }
);

/// One thing done for the child's health, on a day.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HealthCheck {
    pub kind: HealthCheckKind,
    pub on: Date,
    /// The SDQ's total difficulties score, 0 to 40 (only for an SDQ).
    pub score: Option<u8>,
}

impl HealthCheck {
    /// An assessment by a doctor or nurse (initial or review), which the next review counts from.
    pub fn is_assessment(&self) -> bool {
        matches!(self.kind, HealthCheckKind::InitialAssessment | HealthCheckKind::ReviewAssessment)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Exclusion {
    pub kind: ExclusionKind,
    pub from: Date,
    /// School days excluded (a suspension: at most 45 in a school year).
    pub days: Option<u16>,
}

/// The child's education while looked after.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Education {
    /// The school or setting the child attends.
    pub school: Option<String>,
    /// The day the virtual school was told the child is looked after.
    pub virtual_school_told: Option<Date>,
    /// The days each PEP (or its termly review) was held, in order.
    pub peps: Vec<Date>,
    pub exclusions: Vec<Exclusion>,
    /// Days school transport was arranged (after a move, to keep the school place).
    #[serde(default)]
    pub transport: Vec<Date>,
}

/// Whether a move on `day` falls in the last two years of compulsory education (years 10 and
/// 11: 14 or 15 on the 31 August before), when keeping the school place matters most (seed
/// 004's Education Transport Service).
pub fn in_exam_years(born: Option<Date>, day: Date) -> bool {
    let year_start = Date::from_calendar_date(if day.month() as u8 >= 9 { day.year() } else { day.year() - 1 }, Month::August, 31).unwrap_or(day);
    born.and_then(|b| crate::person::age_on(b, year_start)).is_some_and(|a| a == 14 || a == 15)
}

/// A school term: autumn (September to December), spring (January to March) and summer
/// (April to July). A PEP is reviewed each term; August belongs to the summer before it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Term {
    /// The calendar year the term ends in.
    pub year: i32,
    /// 0 spring, 1 summer, 2 autumn: the order within a calendar year.
    pub index: u8,
}

impl Term {
    pub fn of(d: Date) -> Term {
        let index = match d.month() {
            Month::January | Month::February | Month::March => 0,
            Month::April | Month::May | Month::June | Month::July | Month::August => 1,
            _ => 2,
        };
        Term { year: d.year(), index }
    }

    pub fn next(self) -> Term {
        if self.index == 2 { Term { year: self.year + 1, index: 0 } } else { Term { year: self.year, index: self.index + 1 } }
    }

    /// The last day a PEP of this term can be held (31 March, 31 July, 31 December).
    pub fn last_day(self) -> Date {
        let (month, day) = match self.index {
            0 => (Month::March, 31),
            1 => (Month::July, 31),
            _ => (Month::December, 31),
        };
        Date::from_calendar_date(self.year, month, day).unwrap_or(Date::MAX)
    }

    pub fn name(self) -> String {
        let season = ["spring", "summer", "autumn"][usize::from(self.index.min(2))];
        format!("{season} term {}", self.year)
    }
}

/// When the next PEP is due, once the first has been held: by the end of the term after the
/// last one's (a PEP held in the autumn term is reviewed by the end of the spring term).
pub fn next_pep(peps: &[Date]) -> Option<Date> {
    peps.iter().max().map(|d| Term::of(*d).next().last_day())
}

/// Whether the child is of an age the SDQ is asked for on `day`.
pub fn sdq_age(born: Option<Date>, day: Date) -> bool {
    born.and_then(|b| crate::person::age_on(b, day)).is_some_and(|a| SDQ_AGES.contains(&a))
}

/// The newest check of `kind` on or before `day`.
pub fn latest(health: &[HealthCheck], kind: HealthCheckKind, day: Date) -> Option<&HealthCheck> {
    health.iter().filter(|h| h.kind == kind && h.on <= day).max_by_key(|h| h.on)
}

/// Checks the health and education recorded for a period from `start` to `last` (its end,
/// or today), each error naming its field.
pub fn check(health: &[HealthCheck], education: &Education, start: Date, last: Date, e: &mut FieldErrors) {
    for (i, h) in health.iter().enumerate() {
        let f = |x: &str| format!("planning.health[{i}].{x}");
        if h.on < start || h.on > last {
            e.add(f("on"), format!("{} is recorded while the child is looked after: between {start} and {last}", h.kind.label()));
        }
        match (h.kind, h.score) {
            (HealthCheckKind::Sdq, None) => e.add(f("score"), "Enter the SDQ's total difficulties score"),
            (HealthCheckKind::Sdq, Some(s)) if s > SDQ_MAX => e.add(f("score"), format!("An SDQ score is from 0 to {SDQ_MAX}")),
            (k, Some(_)) if k != HealthCheckKind::Sdq => e.add(f("score"), "Only an SDQ has a score"),
            _ => {}
        }
    }
    if health.iter().filter(|h| h.kind == HealthCheckKind::InitialAssessment).count() > 1 {
        e.add("planning.health", "A period of care has one initial health assessment; record later ones as reviews");
    }
    if let Some(s) = &education.school {
        if s.trim().is_empty() {
            e.add("planning.education.school", "Enter the school's name");
        } else if s.chars().count() > MAX_SCHOOL {
            e.add("planning.education.school", format!("The school's name must be {MAX_SCHOOL} characters or fewer"));
        }
    }
    if education.virtual_school_told.is_some_and(|d| d > last) {
        e.add("planning.education.virtual_school_told", "The date cannot be after the period of care or in the future");
    }
    for (i, d) in education.peps.iter().enumerate() {
        if *d < start || *d > last {
            e.add(format!("planning.education.peps[{i}]"), format!("A PEP is held while the child is looked after: between {start} and {last}"));
        }
    }
    for (i, d) in education.transport.iter().enumerate() {
        if *d < start || *d > last {
            e.add(format!("planning.education.transport[{i}]"), format!("Transport is arranged while the child is looked after: between {start} and {last}"));
        }
    }
    for (i, x) in education.exclusions.iter().enumerate() {
        if x.from < start || x.from > last {
            e.add(format!("planning.education.exclusions[{i}].from"), format!("An exclusion is recorded while the child is looked after: between {start} and {last}"));
        }
        match (x.kind, x.days) {
            (ExclusionKind::Suspension, None | Some(0)) => e.add(format!("planning.education.exclusions[{i}].days"), "Enter how many school days the suspension was for"),
            (ExclusionKind::Suspension, Some(n)) if n > 45 => e.add(format!("planning.education.exclusions[{i}].days"), "A suspension is at most 45 school days in a school year"),
            _ => {}
        }
    }
}

/// The health indicators the SSDA903 return asks about a child looked after for a year on
/// `day`: a health assessment, a dental check and immunisations, each within the last year.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Indicators {
    pub health_assessment: bool,
    pub dental: bool,
    pub immunisations: bool,
    pub sdq: Option<u8>,
    pub substance_misuse: bool,
}

pub fn indicators(health: &[HealthCheck], day: Date) -> Indicators {
    let year_ago = day.replace_year(day.year() - 1).unwrap_or(day);
    let within = |k: HealthCheckKind| health.iter().any(|h| h.kind == k && h.on > year_ago && h.on <= day);
    Indicators {
        health_assessment: within(HealthCheckKind::InitialAssessment) || within(HealthCheckKind::ReviewAssessment),
        dental: within(HealthCheckKind::Dental),
        immunisations: within(HealthCheckKind::Immunisations),
        sdq: health.iter().filter(|h| h.kind == HealthCheckKind::Sdq && h.on > year_ago && h.on <= day).max_by_key(|h| h.on).and_then(|h| h.score),
        substance_misuse: within(HealthCheckKind::SubstanceMisuse),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn years_10_and_11_are_counted_from_the_31_august_before() {
        let born = Some(date!(2011 - 03 - 15));
        assert!(!in_exam_years(born, date!(2025 - 08 - 31)), "year 9 until the summer holidays end");
        assert!(in_exam_years(born, date!(2025 - 09 - 01)), "14 on 31 August 2025: year 10");
        assert!(in_exam_years(born, date!(2027 - 06 - 30)), "15 on 31 August 2026: year 11");
        assert!(!in_exam_years(born, date!(2027 - 09 - 01)));
        assert!(!in_exam_years(None, date!(2026 - 01 - 01)));
    }

    #[test]
    fn a_pep_is_reviewed_by_the_end_of_the_next_term() {
        assert_eq!(next_pep(&[]), None);
        assert_eq!(next_pep(&[date!(2026 - 10 - 05)]), Some(date!(2027 - 03 - 31)));
        assert_eq!(next_pep(&[date!(2026 - 02 - 05), date!(2026 - 05 - 20)]), Some(date!(2026 - 12 - 31)));
        assert_eq!(next_pep(&[date!(2026 - 08 - 20)]), Some(date!(2026 - 12 - 31)), "August belongs to the summer term");
        assert_eq!(Term::of(date!(2026 - 12 - 31)).name(), "autumn term 2026");
    }

    #[test]
    fn bad_health_and_education_facts_are_refused_naming_the_field() {
        let (start, last) = (date!(2026 - 01 - 05), date!(2026 - 06 - 01));
        let h = |kind, on, score| HealthCheck { kind, on, score };
        let health = [
            h(HealthCheckKind::InitialAssessment, date!(2026 - 01 - 20), None),
            h(HealthCheckKind::InitialAssessment, date!(2026 - 02 - 20), None),
            h(HealthCheckKind::Sdq, date!(2026 - 03 - 01), Some(41)),
            h(HealthCheckKind::Dental, date!(2025 - 12 - 01), Some(3)),
        ];
        let education = Education {
            school: Some(" ".into()),
            virtual_school_told: None,
            peps: vec![date!(2026 - 07 - 01)],
            transport: vec![],
            exclusions: vec![Exclusion { kind: ExclusionKind::Suspension, from: date!(2026 - 03 - 01), days: Some(50) }],
        };
        let mut e = FieldErrors::new();
        check(&health, &education, start, last, &mut e);
        let fields: Vec<&str> = e.0.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "planning.health[2].score",
                "planning.health[3].on",
                "planning.health[3].score",
                "planning.health",
                "planning.education.school",
                "planning.education.peps[0]",
                "planning.education.exclusions[0].days"
            ]
        );
    }

    #[test]
    fn the_returns_indicators_look_back_a_year() {
        let h = |kind, on, score| HealthCheck { kind, on, score };
        let health = [h(HealthCheckKind::ReviewAssessment, date!(2025 - 12 - 01), None), h(HealthCheckKind::Dental, date!(2025 - 03 - 01), None), h(HealthCheckKind::Sdq, date!(2026 - 02 - 01), Some(14))];
        let i = indicators(&health, date!(2026 - 03 - 31));
        assert_eq!(i, Indicators { health_assessment: true, dental: false, immunisations: false, sdq: Some(14), substance_misuse: false });
        crate::codes::assert_distinct::<HealthCheckKind>();
        crate::codes::assert_distinct::<ExclusionKind>();
    }
}
