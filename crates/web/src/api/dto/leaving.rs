//! Care leavers: a young person's derived status and care leaver record, the changes to it,
//! and the care leavers' dashboard.
use super::cin::Reader;
use super::date;
use hearth_app::{CareLeaverView, LeaverChange, LeaversDashboardView};
use hearth_domain::care::pathway::{CareLeaverRecord, Accommodation, Activity, Arrangement, ArrangementKind, CareLeaverChange, Contact, Housed, InTouch, Occupied, Payment, PaymentKind};
use hearth_domain::codes::Coded;
use hearth_domain::{FieldErrors, UserId};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

/// A young person's care leaver status and record.
#[derive(Serialize, ToSchema)]
pub struct CareLeaverDto {
    pub person_id: Uuid,
    /// `eligible`, `relevant`, `former relevant`, `qualifying` or `none`; `null` when it
    /// cannot be worked out (`status_reason` says why).
    pub status: Option<String>,
    /// Why, in words a worker can check against the record.
    pub status_reason: String,
    pub entitlements: Vec<EntitlementDto>,
    /// The day a pathway plan became due to be made, if it has.
    pub pathway_from: Option<String>,
    /// When the next pathway plan or review is due.
    pub plan_due: Option<String>,
    /// The record's version, for the next change (0 before anything is recorded).
    pub version: i64,
    pub detained_at_16: bool,
    /// Every allocation, earliest first; the last is the adviser now.
    pub advisers: Vec<AdviserDto>,
    pub needs_assessment: Option<String>,
    pub plans: Vec<PathwayPlanDto>,
    pub contacts: Vec<ContactDto>,
    /// Contact around the 17th to 21st birthdays whose window has opened.
    pub birthday_contacts: Vec<BirthdayContactDto>,
    pub housing: Vec<HousedDto>,
    pub activities: Vec<OccupiedDto>,
    pub arrangements: Vec<ArrangementDto>,
    pub payments: Vec<PaymentDto>,
}

#[derive(Serialize, ToSchema)]
pub struct EntitlementDto {
    pub entitlement: String,
    pub legal_basis: String,
}

#[derive(Serialize, ToSchema)]
pub struct AdviserDto {
    pub user_id: Uuid,
    pub name: String,
    pub from: String,
}

#[derive(Serialize, ToSchema)]
pub struct PathwayPlanDto {
    pub agreed: String,
    pub review: bool,
    pub views: String,
    pub signed_off_by: Option<Uuid>,
    pub signed_off_on: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct ContactDto {
    pub on: String,
    /// SSDA903 `IN_TOUCH`: `YES`, `NO`, `REFU`, `NREQ`, `RHOM`, `DIED`.
    pub outcome: String,
}

#[derive(Serialize, ToSchema)]
pub struct BirthdayContactDto {
    pub age: i32,
    pub birthday: String,
    pub window_from: String,
    pub window_until: String,
    pub contact: Option<ContactDto>,
}

#[derive(Serialize, ToSchema)]
pub struct HousedDto {
    pub from: String,
    /// The accommodation's letter (`B` … `Z`).
    pub accommodation: String,
    pub suitable: bool,
    /// SSDA903 OC3 `ACCOM`: the letter, then 1 (suitable) or 2 (not).
    pub oc3_code: String,
}

#[derive(Serialize, ToSchema)]
pub struct OccupiedDto {
    pub from: String,
    /// SSDA903 OC3 `ACTIV`.
    pub activity: String,
}

#[derive(Serialize, ToSchema)]
pub struct ArrangementDto {
    pub number: u32,
    /// `staying_put`, `supported_lodgings`, `supported_accommodation`, `independent_living`.
    pub kind: String,
    pub with: String,
    pub from: String,
    pub until: Option<String>,
    pub sleep_in: bool,
}

#[derive(Serialize, ToSchema)]
pub struct PaymentDto {
    pub on: String,
    /// `setting_up_home`, `he_bursary`, `education`, `other`.
    pub kind: String,
    pub pence: u32,
    pub note: String,
}

/// What `f` lists of the record, or nothing before there is one.
fn all<U>(r: Option<&CareLeaverRecord>, f: impl Fn(&CareLeaverRecord) -> Vec<U>) -> Vec<U> {
    r.map(f).unwrap_or_default()
}

fn contact(c: &Contact) -> ContactDto {
    ContactDto { on: date(c.on), outcome: c.outcome.code().into() }
}

impl From<&CareLeaverView> for CareLeaverDto {
    fn from(v: &CareLeaverView) -> Self {
        let r = v.record.as_ref().map(|r| &r.value);
        CareLeaverDto {
            person_id: v.summary.record.id.0,
            status: v.status.as_ref().ok().map(|d| d.status.code().to_string()),
            status_reason: v.status.as_ref().map_or_else(Clone::clone, |d| d.reason.clone()),
            entitlements: v.entitlements().iter().map(|(e, b)| EntitlementDto { entitlement: (*e).into(), legal_basis: (*b).into() }).collect(),
            pathway_from: v.pathway_from.map(date),
            plan_due: v.plan_due.map(date),
            version: v.version(),
            detained_at_16: r.is_some_and(|r| r.detained_at_16),
            advisers: all(r, |r| r.advisers.iter().map(|a| AdviserDto { user_id: a.user.0, name: a.name.clone(), from: date(a.from) }).collect()),
            needs_assessment: r.and_then(|r| r.needs_assessment).map(date),
            plans: all(r, |r| {
                r.plans
                    .iter()
                    .map(|p| PathwayPlanDto { agreed: date(p.agreed), review: p.review, views: p.views.clone(), signed_off_by: p.signed_off.map(|s| s.by.0), signed_off_on: p.signed_off.map(|s| date(s.on)) })
                    .collect()
            }),
            contacts: all(r, |r| r.contacts.iter().map(contact).collect()),
            birthday_contacts: v
                .birthdays
                .iter()
                .map(|b| BirthdayContactDto { age: b.age, birthday: date(b.birthday), window_from: date(b.from), window_until: date(b.until), contact: b.contact.as_ref().map(contact) })
                .collect(),
            housing: all(r, |r| r.housing.iter().map(|h| HousedDto { from: date(h.from), accommodation: h.accommodation.code().into(), suitable: h.suitable, oc3_code: h.code() }).collect()),
            activities: all(r, |r| r.activities.iter().map(|o| OccupiedDto { from: date(o.from), activity: o.activity.code().into() }).collect()),
            arrangements: all(r, |r| {
                r.arrangements
                    .iter()
                    .map(|a| ArrangementDto { number: a.number, kind: a.kind.code().into(), with: a.with.clone(), from: date(a.from), until: a.until.map(date), sleep_in: a.sleep_in })
                    .collect()
            }),
            payments: all(r, |r| r.payments.iter().map(|p| PaymentDto { on: date(p.on), kind: p.kind.code().into(), pence: p.pence, note: p.note.clone() }).collect()),
        }
    }
}

/// A change to a young person's care leaver record, at the version the client read (0
/// before anything is recorded).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CareLeaverChangeBody {
    pub version: i64,
    pub change: CareLeaverChangeKind,
}

/// One change, named by `type`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum CareLeaverChangeKind {
    /// A personal adviser allocated from a day: an active social worker or manager (not an
    /// IRO), from the young person's 15th birthday.
    Adviser { user_id: Option<Uuid>, from: Option<String> },
    /// Whether the young person was in custody or hospital on their 16th birthday.
    Detained { detained: Option<bool> },
    NeedsAssessment { on: Option<String> },
    /// The pathway plan agreed, or (after the first) reviewed, with the young person's views.
    Plan { agreed: Option<String>, views: Option<String> },
    /// A manager signs the newest plan or review off today.
    SignOff {},
    /// Contact on a day; `outcome` as SSDA903 `IN_TOUCH`.
    Contact { on: Option<String>, outcome: Option<String> },
    /// Where the young person lives from a day (`accommodation`: the OC3 letter).
    Accommodation { from: Option<String>, accommodation: Option<String>, suitable: Option<bool> },
    /// What the young person does from a day (`activity`: OC3 `ACTIV`).
    Activity { from: Option<String>, activity: Option<String> },
    /// A housing arrangement, in place or planned.
    Arrangement { kind: Option<String>, with: Option<String>, from: Option<String>, until: Option<String>, #[serde(default)] sleep_in: bool },
    EndArrangement { number: Option<u32>, on: Option<String> },
    /// A payment, in pence.
    Payment { on: Option<String>, kind: Option<String>, pence: Option<u32>, #[serde(default)] note: String },
}

fn required<T>(r: &mut Reader, field: &str, v: Option<T>) -> Option<T> {
    if v.is_none() && r.0.get(field).is_none() {
        r.0.add(field, "This field is required");
    }
    v
}

impl CareLeaverChangeKind {
    pub fn to_domain(&self) -> Result<LeaverChange, FieldErrors> {
        use CareLeaverChangeKind as K;
        let mut r = Reader(FieldErrors::new());
        let other = LeaverChange::Other;
        let change = match self {
            K::Adviser { user_id, from } => {
                let user = required(&mut r, "user_id", user_id.map(UserId));
                let from = r.required_date("from", from);
                user.zip(from).map(|(user, from)| LeaverChange::Adviser { user, from })
            }
            K::Detained { detained } => required(&mut r, "detained", *detained).map(|d| other(CareLeaverChange::Detained(d))),
            K::NeedsAssessment { on } => r.required_date("on", on).map(|d| other(CareLeaverChange::NeedsAssessment(d))),
            K::Plan { agreed, views } => r.required_date("agreed", agreed).map(|agreed| other(CareLeaverChange::Plan { agreed, views: views.clone().unwrap_or_default() })),
            K::SignOff {} => Some(other(CareLeaverChange::SignOff)),
            K::Contact { on, outcome } => {
                let on = r.required_date("on", on);
                let outcome = r.code::<InTouch>("outcome", outcome);
                let outcome = required(&mut r, "outcome", outcome);
                on.zip(outcome).map(|(on, outcome)| other(CareLeaverChange::Contact(Contact { on, outcome })))
            }
            K::Accommodation { from, accommodation, suitable } => {
                let from = r.required_date("from", from);
                let a = r.code::<Accommodation>("accommodation", accommodation);
                let a = required(&mut r, "accommodation", a);
                let suitable = required(&mut r, "suitable", *suitable);
                match (from, a, suitable) {
                    (Some(from), Some(accommodation), Some(suitable)) => Some(other(CareLeaverChange::Housed(Housed { from, accommodation, suitable }))),
                    _ => None,
                }
            }
            K::Activity { from, activity } => {
                let from = r.required_date("from", from);
                let a = r.code::<Activity>("activity", activity);
                let a = required(&mut r, "activity", a);
                from.zip(a).map(|(from, activity)| other(CareLeaverChange::Occupied(Occupied { from, activity })))
            }
            K::Arrangement { kind, with, from, until, sleep_in } => {
                let k = r.code::<ArrangementKind>("kind", kind);
                let k = required(&mut r, "kind", k);
                let from = r.required_date("from", from);
                let until = r.date("until", until);
                k.zip(from).map(|(kind, from)| other(CareLeaverChange::Arrangement(Arrangement { number: 0, kind, from, until, with: with.clone().unwrap_or_default(), sleep_in: *sleep_in })))
            }
            K::EndArrangement { number, on } => {
                let number = required(&mut r, "number", *number);
                let on = r.required_date("on", on);
                number.zip(on).map(|(number, on)| other(CareLeaverChange::EndArrangement { number, on }))
            }
            K::Payment { on, kind, pence, note } => {
                let on = r.required_date("on", on);
                let k = r.code::<PaymentKind>("kind", kind);
                let k = required(&mut r, "kind", k);
                let pence = required(&mut r, "pence", *pence);
                match (on, k, pence) {
                    (Some(on), Some(kind), Some(pence)) => Some(other(CareLeaverChange::Payment(Payment { on, kind, pence, note: note.clone() }))),
                    _ => None,
                }
            }
        };
        r.0.clone().into_result()?;
        change.ok_or_else(|| FieldErrors::one("change", "This field is required"))
    }
}

/// The change was recorded.
#[derive(Serialize, ToSchema)]
pub struct CareLeaverChanged {
    pub version: i64,
}

/// The care leavers' dashboard.
#[derive(Serialize, ToSchema)]
pub struct CareLeaversDashboardDto {
    pub today: String,
    /// Every young person whose status today is not `none`, by status, oldest first.
    pub leavers: Vec<LeaverDto>,
}

#[derive(Serialize, ToSchema)]
pub struct LeaverDto {
    pub person_id: Uuid,
    pub name: String,
    pub status: String,
    pub age: i32,
    pub personal_adviser: Option<String>,
    pub plan_due: Option<String>,
    pub plan_overdue: bool,
    /// Left care and not in touch (the last contact said otherwise, or none for three months).
    pub not_in_touch: bool,
    pub neet: bool,
    pub unsuitable_accommodation: bool,
    /// Looked after, 18 within six months, nowhere planned to live.
    pub turning_18_unplanned: bool,
}

impl From<&LeaversDashboardView> for CareLeaversDashboardDto {
    fn from(d: &LeaversDashboardView) -> Self {
        let today = d.today;
        CareLeaversDashboardDto {
            today: date(today),
            leavers: d
                .dashboard
                .leavers
                .iter()
                .map(|l| LeaverDto {
                    person_id: l.child.0,
                    name: d.people.get(&l.child).map(|p| format!("{} {}", p.given_name, p.family_name)).unwrap_or_default(),
                    status: l.status.code().into(),
                    age: l.age,
                    personal_adviser: l.adviser.clone(),
                    plan_due: l.plan_due.map(date),
                    plan_overdue: l.plan_overdue(today),
                    not_in_touch: l.out_of_touch(today),
                    neet: l.neet(),
                    unsuitable_accommodation: l.unsuitably_housed(),
                    turning_18_unplanned: l.turning_18_unplanned(today),
                })
                .collect(),
        }
    }
}

/// A service of the council's directory.
#[derive(Serialize, ToSchema)]
pub struct ServiceDto {
    pub key: String,
    pub name: String,
    /// `placements`, `health`, `education`, `advocacy`, `leisure`, `accommodation`,
    /// `contact`, `adoption`, `safety`, `therapy`, `support`.
    pub category: String,
    pub description: String,
    pub provider: Option<String>,
    /// Who it is for: `looked_after`, `care_leaver`, `family`.
    pub open_to: Vec<String>,
    pub min_age: Option<i32>,
    pub max_age: Option<i32>,
    pub refer: String,
    pub contact: String,
}

impl From<&hearth_domain::services::Service> for ServiceDto {
    fn from(s: &hearth_domain::services::Service) -> Self {
        ServiceDto {
            key: s.key.clone(),
            name: s.name.clone(),
            category: s.category.code().into(),
            description: s.description.clone(),
            provider: s.provider.clone(),
            open_to: s.open_to.iter().map(|f| f.code().to_string()).collect(),
            min_age: s.min_age,
            max_age: s.max_age,
            refer: s.refer.clone(),
            contact: s.contact.clone(),
        }
    }
}

/// A service with the young people using it, or waiting, whom the caller may open.
#[derive(Serialize, ToSchema)]
pub struct ServicePageDto {
    pub service: ServiceDto,
    pub using: Vec<ServiceReferralDto>,
    pub waiting: Vec<ServiceReferralDto>,
}

/// A young person's referral to a service.
#[derive(Serialize, ToSchema)]
pub struct ServiceReferralDto {
    pub id: Uuid,
    pub person_id: Uuid,
    pub service: String,
    pub on: String,
    pub referred_by: Uuid,
    pub reason: String,
    /// `accepted`, `declined`, `withdrawn`; `null` while waiting.
    pub outcome: Option<String>,
    pub outcome_on: Option<String>,
    /// For an accepted referral, the day the young person stopped using the service.
    pub ended: Option<String>,
    /// The referral's version, for the next change.
    pub version: i64,
}

impl ServiceReferralDto {
    pub fn of(r: &hearth_domain::services::ServiceReferral, version: i64) -> Self {
        ServiceReferralDto {
            id: r.id.0,
            person_id: r.child.0,
            service: r.service.clone(),
            on: date(r.on),
            referred_by: r.by.0,
            reason: r.reason.clone(),
            outcome: r.outcome.map(|o| o.outcome.code().to_string()),
            outcome_on: r.outcome.map(|o| date(o.on)),
            ended: r.ended.map(date),
            version,
        }
    }
}

/// A referral to a service.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewServiceReferralBody {
    /// The service's key in the directory (`GET /services`).
    pub service: Option<String>,
    pub on: Option<String>,
    pub reason: Option<String>,
}

impl NewServiceReferralBody {
    pub fn to_domain(&self) -> Result<hearth_app::NewServiceReferral, FieldErrors> {
        let mut r = Reader(FieldErrors::new());
        let service = required(&mut r, "service", self.service.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_string));
        let on = r.required_date("on", &self.on);
        r.0.clone().into_result()?;
        match (service, on) {
            (Some(service), Some(on)) => Ok(hearth_app::NewServiceReferral { service, on, reason: self.reason.clone().unwrap_or_default() }),
            _ => Err(FieldErrors::one("service", "This field is required")),
        }
    }
}

/// What became of a referral, at the version read: `outcome` and `on`, or `ended`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ServiceReferralChangeBody {
    pub version: i64,
    /// `accepted`, `declined` or `withdrawn`, with `on`.
    pub outcome: Option<String>,
    pub on: Option<String>,
    /// The day the young person stopped using the service (an accepted referral).
    pub ended: Option<String>,
}

impl ServiceReferralChangeBody {
    pub fn to_domain(&self) -> Result<hearth_app::ReferralChange, FieldErrors> {
        use hearth_domain::services::{Outcome, ReferralOutcome};
        let mut r = Reader(FieldErrors::new());
        let change = if self.ended.is_some() {
            if self.outcome.is_some() {
                r.0.add("ended", "Send either the outcome or the end, not both");
            }
            r.required_date("ended", &self.ended).map(hearth_app::ReferralChange::Ended)
        } else {
            let o = r.code::<ReferralOutcome>("outcome", &self.outcome);
            let o = required(&mut r, "outcome", o);
            let on = r.required_date("on", &self.on);
            o.zip(on).map(|(outcome, on)| hearth_app::ReferralChange::Outcome(Outcome { on, outcome }))
        };
        r.0.clone().into_result()?;
        change.ok_or_else(|| FieldErrors::one("outcome", "This field is required"))
    }
}
