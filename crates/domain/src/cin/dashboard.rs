//! A team's children on child protection plans: by category and by how long they have been
//! on the plan, with the plans a manager must look at flagged (over two years; a second or
//! later plan).
use super::codes::AbuseCategory;
use crate::codes::Coded;
use super::{EpisodeId, StepId};
use crate::PersonId;
use time::Date;

/// How long a child has been on their plan.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Duration {
    UnderThreeMonths,
    ThreeToSixMonths,
    SixToTwelveMonths,
    OneToTwoYears,
    OverTwoYears,
}

impl Duration {
    pub const ALL: [Duration; 5] = [Self::UnderThreeMonths, Self::ThreeToSixMonths, Self::SixToTwelveMonths, Self::OneToTwoYears, Self::OverTwoYears];

    pub fn label(self) -> &'static str {
        match self {
            Self::UnderThreeMonths => "Under 3 months",
            Self::ThreeToSixMonths => "3 to 6 months",
            Self::SixToTwelveMonths => "6 to 12 months",
            Self::OneToTwoYears => "1 to 2 years",
            Self::OverTwoYears => "Over 2 years",
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Self::UnderThreeMonths => "under_3_months",
            Self::ThreeToSixMonths => "3_to_6_months",
            Self::SixToTwelveMonths => "6_to_12_months",
            Self::OneToTwoYears => "1_to_2_years",
            Self::OverTwoYears => "over_2_years",
        }
    }

    /// The band of a plan started on `start`, on `today`. A plan reaches "3 months" on the
    /// same day of the month three months on (clamped to the month's end), as deadlines do;
    /// "over 2 years" starts the day after two years.
    pub fn of(start: Date, today: Date) -> Duration {
        let reached = |months: i64| crate::calendar::add_months(start, months).is_ok_and(|d| today >= d);
        let passed = |months: i64| crate::calendar::add_months(start, months).is_ok_and(|d| today > d);
        if passed(24) {
            Self::OverTwoYears
        } else if reached(12) {
            Self::OneToTwoYears
        } else if reached(6) {
            Self::SixToTwelveMonths
        } else if reached(3) {
            Self::ThreeToSixMonths
        } else {
            Self::UnderThreeMonths
        }
    }
}

/// What the dashboard needs of one open plan (the store reads these without the episodes).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OpenPlan {
    pub child: PersonId,
    pub episode: EpisodeId,
    pub plan: StepId,
    pub start: Date,
    pub initial_category: AbuseCategory,
    pub latest_category: AbuseCategory,
    /// Plans the child had before this one, in any episode (CIN census
    /// `NumberOfPreviousCPP`; see [`previous_plans`](super::episode::previous_plans)).
    pub previous: usize,
}

/// One child's open plan, as the dashboard lists it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlanRow {
    pub plan: OpenPlan,
    pub duration: Duration,
}

impl PlanRow {
    /// On the plan for more than two years.
    pub fn over_two_years(&self) -> bool {
        self.duration == Duration::OverTwoYears
    }

    /// A second or later plan.
    pub fn repeat(&self) -> bool {
        self.plan.previous > 0
    }
}

/// The dashboard's figures and rows.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CpDashboard {
    /// Longest on a plan first.
    pub plans: Vec<PlanRow>,
    /// Every category with how many plans it is the latest category of, in code-list order.
    pub by_category: Vec<(AbuseCategory, usize)>,
    /// Every band with how many plans are in it, shortest first.
    pub by_duration: Vec<(Duration, usize)>,
}

impl CpDashboard {
    pub fn over_two_years(&self) -> usize {
        self.plans.iter().filter(|p| p.over_two_years()).count()
    }

    pub fn repeat(&self) -> usize {
        self.plans.iter().filter(|p| p.repeat()).count()
    }
}

/// Builds the dashboard from the open plans of the team's children.
pub fn build(open: Vec<OpenPlan>, today: Date) -> CpDashboard {
    let mut plans: Vec<PlanRow> = open.into_iter().map(|p| PlanRow { duration: Duration::of(p.start, today), plan: p }).collect();
    plans.sort_by_key(|r| (r.plan.start, r.plan.plan));
    let by_category = AbuseCategory::ALL.iter().map(|c| (*c, plans.iter().filter(|r| r.plan.latest_category == *c).count())).collect();
    let by_duration = Duration::ALL.iter().map(|d| (*d, plans.iter().filter(|r| r.duration == *d).count())).collect();
    CpDashboard { plans, by_category, by_duration }
}
