//! Children in care (issue 17): a child's periods of care recorded as the worker sees them —
//! care began, the legal status changed, the child moved, care ended. Each change is checked
//! against the whole period and the child's other periods, then saved as a new version with
//! its audit entry in one transaction. The episodes the DfE counts are derived, never typed.
use crate::{Actor, App, AppError};
use hearth_domain::care::episodes::{check_periods, Ending, Episode, LegalStatusFrom, PeriodOfCare, Placement};
use hearth_domain::care::{CarePeriodId, CarePeriodRecord};
use hearth_domain::user::Permission;
use hearth_domain::PersonId;
use hearth_store::{Tx, Versioned};

/// Reading a child's periods of care.
const VIEW: &str = "care.view";

/// A change to a period of care.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CareChange {
    LegalStatus(LegalStatusFrom),
    Move(Placement),
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

    /// The period with the change made (a change dated before the last one of its kind is
    /// refused by `PeriodOfCare::check`, not reordered).
    fn applied_to(self, mut p: PeriodOfCare) -> PeriodOfCare {
        match self {
            CareChange::LegalStatus(l) => p.legal_statuses.push(l),
            CareChange::Move(m) => p.placements.push(m),
            CareChange::End(e) => p.ended = Some(e),
        }
        p
    }
}

/// A period of care with the episodes it makes.
#[derive(Clone, Debug)]
pub struct CarePeriodView {
    pub record: Versioned<CarePeriodRecord>,
    pub episodes: Vec<Episode>,
}

impl App {
    /// Records that a child became looked after.
    pub async fn start_care(&self, actor: &Actor, child: PersonId, period: PeriodOfCare) -> Result<CarePeriodId, AppError> {
        const ACTION: &str = "care.start";
        self.require(actor, Permission::AddCaseNotes, ACTION).await?;
        let mut tx = self.store.begin().await?;
        // The record is read first (audited as a read), then the change is audited.
        let person = match self.open(tx.as_mut(), actor, child, VIEW).await {
            Ok((p, _)) => p,
            Err(e) => return Err(self.refusal(tx, actor, ACTION, Some(child), e).await),
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
        let record = CarePeriodRecord { period: change.applied_to(stored.value.period), ..stored.value };
        self.checked(tx.as_mut(), &record, person.details.date_of_birth).await?;
        tx.update_care_period(&record, expected_version, &meta).await?;
        self.audit_step(tx.as_mut(), actor, action, child, id.to_string()).await?;
        tx.commit().await?;
        Ok(())
    }

    /// A child's periods of care, earliest first, each with its episodes (audited as a read
    /// of the record).
    pub async fn care_periods(&self, actor: &Actor, child: PersonId) -> Result<Vec<CarePeriodView>, AppError> {
        let mut tx = self.store.begin_read().await?;
        if let Err(e) = self.open(tx.as_mut(), actor, child, VIEW).await {
            return Err(self.refusal(tx, actor, VIEW, Some(child), e).await);
        }
        let periods = tx.care_periods_of(child).await?;
        tx.commit().await?;
        Ok(periods.into_iter().map(|record| CarePeriodView { episodes: record.value.period.episodes(), record }).collect())
    }

    /// Refuses a period that is wrong in itself or overlaps another of the child's.
    async fn checked(&self, tx: &mut dyn Tx, record: &CarePeriodRecord, born: Option<time::Date>) -> Result<(), AppError> {
        record.period.check(born)?;
        let mut all: Vec<PeriodOfCare> = tx.care_periods_of(record.child).await?.into_iter().filter(|p| p.value.id != record.id).map(|p| p.value.period).collect();
        all.push(record.period.clone());
        all.sort_by_key(|p| p.start);
        check_periods(&all)?;
        Ok(())
    }
}
