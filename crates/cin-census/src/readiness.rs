//! Return readiness: what would fail the census for one child now, each failure pointing at
//! the record where it is fixed.
use crate::rules::{self, Ctx, Failure, Place};
use hearth_domain::cin::EpisodeId;
use hearth_domain::front_door::{AssessmentId, ReferralId};
use hearth_domain::returns::cin::CensusChild;
use hearth_domain::PersonId;

/// The record a failing field is recorded on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Link {
    Person(PersonId),
    Referral(ReferralId),
    Episode(EpisodeId),
    Assessment(AssessmentId),
}

/// One thing to fix for the census.
#[derive(Clone, Debug)]
pub struct Issue {
    pub failure: Failure,
    /// Where to fix the first field the failure names.
    pub link: Option<Link>,
    /// The census field to fix (`PrimaryNeedCode`) and what Hearth's screens call it.
    pub census_field: &'static str,
    pub field: &'static str,
    /// Its value as the census would carry it (`None`: missing).
    pub value: Option<String>,
}

/// Hearth's name for a census field.
pub fn field_label(field: &str) -> &'static str {
    match field {
        "LAchildID" => "Census child id",
        "UPN" | "FormerUPN" => "Unique pupil number",
        "UPNunknown" => "Reason the UPN is unknown",
        "PersonBirthDate" => "Date of birth",
        "ExpectedPersonBirthDate" => "Expected date of birth",
        "Sex" => "Sex",
        "PersonDeathDate" => "Date of death",
        "Ethnicity" => "Ethnicity",
        "Disability" => "Disabilities",
        "CINreferralDate" => "Referral date",
        "ReferralSource" => "Source of referral",
        "PrimaryNeedCode" => "Primary need",
        "ReferralNFA" => "No further action",
        "CINclosureDate" => "Date the case closed",
        "ReasonForClosure" => "Reason for closure",
        "AssessmentActualStartDate" => "Assessment start date",
        "AssessmentAuthorisationDate" => "Assessment authorised",
        "AssessmentFactors" => "Factors identified at assessment",
        "CINPlanStartDate" => "CIN plan start",
        "CINPlanEndDate" => "CIN plan end",
        "S47ActualStartDate" => "Section 47 enquiry start",
        "InitialCPCtarget" => "Initial conference due",
        "DateOfInitialCPC" => "Initial child protection conference",
        "ICPCnotRequired" => "Conference not required",
        "CPPstartDate" => "Child protection plan start",
        "CPPendDate" => "Child protection plan end",
        "InitialCategoryOfAbuse" => "Initial category of abuse",
        "LatestCategoryOfAbuse" => "Latest category of abuse",
        "NumberOfPreviousCPP" => "Previous child protection plans",
        "CPPreviewDate" => "Review conference",
        _ => "Census field",
    }
}

fn link(child: &CensusChild, place: Place, field: &str) -> Option<Link> {
    let episode = |i: usize| child.episodes.get(i);
    let on_episode = |i: usize| episode(i).map(|e| e.episode_id.map_or(Link::Referral(e.referral_id), Link::Episode));
    match place {
        Place::Header => None,
        Place::Child | Place::Disability { .. } => Some(Link::Person(child.person)),
        Place::Episode { episode: i } => match field {
            "CINclosureDate" | "ReasonForClosure" | "DateOfInitialCPC" => on_episode(i),
            _ => episode(i).map(|e| Link::Referral(e.referral_id)),
        },
        Place::Assessment { episode: i, index } => episode(i).map(|e| e.assessments.get(index).map_or(Link::Referral(e.referral_id), |a| Link::Assessment(a.id))),
        Place::CinPlan { episode: i, .. } | Place::Section47 { episode: i, .. } | Place::CpPlan { episode: i, .. } | Place::Review { episode: i, .. } => on_episode(i),
    }
}

/// What the child-level rules find in this child's census record for the year of `ctx`.
pub fn check(child: &CensusChild, ctx: &Ctx) -> Vec<Issue> {
    issues(child, &crate::from_hearth::child(child), ctx)
}

/// The same, for a child already turned into the file's form (`in_file`).
pub fn issues(child: &CensusChild, in_file: &crate::Child, ctx: &Ctx) -> Vec<Issue> {
    rules::check_child(&rules::all(), in_file, ctx)
        .into_iter()
        .map(|failure| {
            // What to fix is most often the value that is missing; else the first named.
            let at = failure.locs.iter().find(|l| l.value.is_none()).or(failure.locs.first());
            let link = at.and_then(|l| link(child, l.place, l.field));
            let census_field = at.map_or("", |l| l.field);
            let value = at.and_then(|l| l.value.clone());
            Issue { failure, link, census_field, field: field_label(census_field), value }
        })
        .collect()
}
