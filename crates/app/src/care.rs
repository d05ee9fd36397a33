//! Children in care (issue 17): a child's periods of care recorded as the worker sees them —
//! care began, the legal status changed, the child moved, care ended. Each change is checked
//! against the whole period and the child's other periods, then saved as a new version with
//! its audit entry in one transaction. The episodes the DfE counts are derived, never typed.
use crate::{Actor, App, AppError};
use hearth_domain::care::codes::{CategoryOfNeed, LegalStatus, PlacementType, ReasonPlaceChange};
use hearth_domain::care::episodes::{check_periods, Ending, Episode, LegalStatusFrom, PeriodOfCare, Placement};
use hearth_domain::care::postcode::Postcode;
use hearth_domain::care::provider::{Provider, ProviderId};
use hearth_domain::care::{CarePeriodId, CarePeriodRecord};
use hearth_domain::user::Permission;
use hearth_domain::validation::FieldErrors;
use hearth_domain::PersonId;
use hearth_store::{Tx, Versioned};
use std::collections::HashMap;
use time::Date;

/// Reading a child's periods of care.
const VIEW: &str = "care.view";

/// A child becoming looked after, as the worker records it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewCare {
    pub start: Date,
    pub legal_status: LegalStatus,
    pub need: CategoryOfNeed,
    /// The postcode of the home the child was looked after from.
    pub home_postcode: Option<Postcode>,
    pub kind: PlacementType,
    pub provider: ProviderId,
}

/// A placement as the worker chooses it: the provider from the list, the type, the day and
/// why the child moved. Who runs it, its URN and postcode come from the provider's record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlacementChoice {
    pub from: Date,
    pub kind: PlacementType,
    pub provider: ProviderId,
    pub reason: Option<ReasonPlaceChange>,
}

/// A change to a period of care.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CareChange {
    LegalStatus(LegalStatusFrom),
    Move(PlacementChoice),
    End(Ending),
}

impl CareChange {
    fn action(&self) -> &'static str {
        match self {
            CareChange::LegalStatus(_) => "care.legal_status",
            CareChange::Move(_) => "care.move",
            CareChange::End(_) => "care.end",
        }
    }

    fn label(&self) -> &'static str {
        match self {
            CareChange::LegalStatus(_) => "Legal status changed",
            CareChange::Move(_) => "Moved placement",
            CareChange::End(_) => "Stopped being looked after",
        }
    }
}

/// A period of care with the episodes it makes.
#[derive(Clone, Debug)]
pub struct CarePeriodView {
    pub record: Versioned<CarePeriodRecord>,
    pub episodes: Vec<Episode>,
}

/// How a placement's provider is named when its record is not found.
pub const UNKNOWN_PROVIDER: &str = "A provider no longer on record";

/// A child's periods of care, earliest first, with the providers their placements name.
#[derive(Clone, Debug)]
pub struct ChildCare {
    pub summary: crate::CaseSummary,
    pub periods: Vec<CarePeriodView>,
    pub providers: HashMap<ProviderId, Provider>,
}

impl ChildCare {
    /// The period of care open on `day`.
    pub fn current(&self, day: Date) -> Option<&CarePeriodView> {
        self.periods.iter().find(|p| p.record.value.period.covers(day))
    }

    /// The name of a placement's provider (kept even when the provider has closed).
    pub fn provider_name(&self, id: ProviderId) -> &str {
        self.providers.get(&id).map_or(UNKNOWN_PROVIDER, |p| p.name.as_str())
    }
}

impl App {
    /// Records that a child became looked after.
    pub async fn start_care(&self, actor: &Actor, child: PersonId, new: NewCare) -> Result<CarePeriodId, AppError> {
        const ACTION: &str = "care.start";
        self.require(actor, Permission::AddCaseNotes, ACTION).await?;
        let mut tx = self.store.begin().await?;
        // The record is read first (audited as a read), then the change is audited.
        let person = match self.open(tx.as_mut(), actor, child, VIEW).await {
            Ok((p, _)) => p,
            Err(e) => return Err(self.refusal(tx, actor, ACTION, Some(child), e).await),
        };
        let choice = PlacementChoice { from: new.start, kind: new.kind, provider: new.provider, reason: None };
        let placement = placed(tx.as_mut(), &choice, "placements[0]").await?;
        let period = PeriodOfCare {
            start: new.start,
            need: new.need,
            home_postcode: new.home_postcode,
            legal_statuses: vec![LegalStatusFrom { from: new.start, status: new.legal_status }],
            placements: vec![placement],
            ended: None,
        };
        let record = CarePeriodRecord { id: CarePeriodId::new(), child, period };
        self.checked(tx.as_mut(), &record, person.details.date_of_birth).await?;
        tx.insert_care_period(&record, &self.meta(actor)).await?;
        self.audit_step(tx.as_mut(), actor, ACTION, child, record.id.to_string()).await?;
        tx.commit().await?;
        Ok(record.id)
    }

    /// Records a change to a period of care kept at `expected_version`.
    pub async fn change_care(&self, actor: &Actor, id: CarePeriodId, expected_version: i64, change: CareChange) -> Result<(), AppError> {
        let action = change.action();
        self.require(actor, Permission::AddCaseNotes, action).await?;
        let mut tx = self.store.begin().await?;
        let Some(stored) = tx.care_period(id).await? else {
            return Err(self.refusal(tx, actor, action, None, AppError::NotFound).await);
        };
        let child = stored.value.child;
        let person = match self.open(tx.as_mut(), actor, child, VIEW).await {
            Ok((p, _)) => p,
            Err(e) => return Err(self.refusal(tx, actor, action, Some(child), e).await),
        };
        if stored.version != expected_version {
            return Err(AppError::Conflict { current: stored.version });
        }
        let meta = hearth_domain::person::ChangeMeta { reason: Some(change.label().to_string()), ..self.meta(actor) };
        let mut period = stored.value.period;
        // A change dated before the last one of its kind is refused by `check`, not reordered.
        match change {
            CareChange::LegalStatus(l) => period.legal_statuses.push(l),
            CareChange::Move(choice) => {
                let field = format!("placements[{}]", period.placements.len());
                period.placements.push(placed(tx.as_mut(), &choice, &field).await?);
            }
            CareChange::End(e) => period.ended = Some(e),
        }
        let record = CarePeriodRecord { period, ..stored.value };
        self.checked(tx.as_mut(), &record, person.details.date_of_birth).await?;
        tx.update_care_period(&record, expected_version, &meta).await?;
        self.audit_step(tx.as_mut(), actor, action, child, id.to_string()).await?;
        tx.commit().await?;
        Ok(())
    }

    /// A child's periods of care, earliest first, each with its episodes, and the providers
    /// they name (audited as a read of the record).
    pub async fn care_of(&self, actor: &Actor, child: PersonId) -> Result<ChildCare, AppError> {
        let (mut tx, summary) = self.with_summary(actor, child, VIEW).await?;
        let periods = tx.care_periods_of(child).await?;
        let providers = providers_of(tx.as_mut(), carers_of(periods.iter().map(|p| &p.value.period))).await?;
        tx.commit().await?;
        let periods = periods.into_iter().map(|record| CarePeriodView { episodes: record.value.period.episodes(), record }).collect();
        Ok(ChildCare { summary, periods, providers })
    }

    /// Refuses a period that is wrong in itself or overlaps another of the child's.
    async fn checked(&self, tx: &mut dyn Tx, record: &CarePeriodRecord, born: Option<Date>) -> Result<(), AppError> {
        record.period.check(born)?;
        let mut all: Vec<PeriodOfCare> = tx.care_periods_of(record.child).await?.into_iter().filter(|p| p.value.id != record.id).map(|p| p.value.period).collect();
        all.push(record.period.clone());
        all.sort_by_key(|p| p.start);
        check_periods(&all)?;
        Ok(())
    }
}

/// The providers the placements of `periods` name, once each.
pub(crate) fn carers_of<'a>(periods: impl Iterator<Item = &'a PeriodOfCare>) -> Vec<ProviderId> {
    let mut ids: Vec<ProviderId> = periods.flat_map(|p| p.placements.iter().map(|pl| pl.carer)).collect();
    ids.sort();
    ids.dedup();
    ids
}

/// The records of providers `ids`, by id. (Ids, not periods: an iterator of closures held
/// across an await makes the future not general enough for axum's handlers.)
pub(crate) async fn providers_of(tx: &mut dyn Tx, ids: Vec<ProviderId>) -> Result<HashMap<ProviderId, Provider>, AppError> {
    let mut out = HashMap::new();
    for id in ids {
        if let Some(p) = tx.provider(id).await? {
            out.insert(id, p.value);
        }
    }
    Ok(out)
}

/// The placement the worker chose, from the provider's record; `field` names it in errors.
async fn placed(tx: &mut dyn Tx, choice: &PlacementChoice, field: &str) -> Result<Placement, AppError> {
    let Some(provider) = tx.provider(choice.provider).await? else {
        return Err(FieldErrors::one(format!("{field}.carer"), "Choose a provider from the list").into());
    };
    provider.value.place(choice.from, choice.kind, choice.reason).map_err(|why| FieldErrors::one(format!("{field}.kind"), why).into())
}

/// The children-in-care dashboard as a manager sees it.
#[derive(Clone, Debug)]
pub struct CareDashboardView {
    pub dashboard: hearth_domain::care::dashboard::CareDashboard,
    /// The children listed, each of whom the manager may open; restricted children they may
    /// not are neither named nor counted.
    pub children: HashMap<PersonId, hearth_domain::person::PersonSummary>,
    pub providers: HashMap<ProviderId, String>,
    /// Whether the LA's area is set, so "out of area" means something.
    pub area_known: bool,
    pub today: Date,
}

impl App {
    /// The children looked after today whom the manager may open: by legal status and
    /// placement type, placed out of area, and with three or more placements in a year.
    pub async fn care_dashboard(&self, actor: &Actor) -> Result<CareDashboardView, AppError> {
        const ACTION: &str = "care_dashboard.view";
        self.require(actor, Permission::RecordManagementOversight, ACTION).await?;
        let today = self.today();
        let mut tx = self.store.begin_read().await?;
        let periods = tx.all_care_periods().await?;
        let looked_after: Vec<PersonId> = periods.iter().filter(|r| r.period.covers(today)).map(|r| r.child).collect();
        let children = self.visible_people(tx.as_mut(), actor, &looked_after).await?;
        let providers = tx.providers().await?.into_iter().map(|p| (p.id, p.name)).collect();
        tx.append_audit(&self.draft(Some(actor), ACTION, None, hearth_domain::audit::Outcome::Allowed)).await?;
        tx.commit().await?;
        let mine = periods.iter().filter(|r| children.contains_key(&r.child)).map(|r| (r.child, &r.period));
        let dashboard = hearth_domain::care::dashboard::build(mine, today, &self.config.area);
        Ok(CareDashboardView { dashboard, children, providers, area_known: !self.config.area.is_empty(), today })
    }
}
