//! The directory of services (seed 004): searching it, a service's page with the young people
//! using it (only those the reader may open), and a young person's referrals to services with
//! their outcomes — each change authorised, checked and audited in one transaction.
use crate::{Actor, App, AppError};
use hearth_domain::audit::Outcome as AuditOutcome;
use hearth_domain::care::leaving::Status;
use hearth_domain::care::pathway::status_today;
use hearth_domain::person::{ChangeMeta, PersonSummary};
use hearth_domain::services::{Category, Outcome, Seeker, Service, ServiceFor, ServiceReferral, ServiceReferralId};
use hearth_domain::user::Permission;
use hearth_domain::validation::FieldErrors;
use hearth_domain::PersonId;
use hearth_store::{Tx, Versioned};
use time::Date;

/// A referral as the worker makes it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewServiceReferral {
    pub service: String,
    pub on: Date,
    pub reason: String,
}

/// A change to a referral.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReferralChange {
    Outcome(Outcome),
    Ended(Date),
}

impl ReferralChange {
    fn action(self) -> &'static str {
        match self {
            ReferralChange::Outcome(_) => "service_referral.outcome",
            ReferralChange::Ended(_) => "service_referral.end",
        }
    }
}

/// A service's page: the service and the young people using it whom the reader may open.
#[derive(Clone, Debug)]
pub struct ServicePage {
    pub service: Service,
    /// Referrals in use, newest first, each with the young person.
    pub using: Vec<(ServiceReferral, PersonSummary)>,
    /// Referrals still waiting for an outcome.
    pub waiting: Vec<(ServiceReferral, PersonSummary)>,
}

impl App {
    /// The services matching a search (every word of `q` in the name, description, provider
    /// or category), for `whom` and of `category` when given.
    pub fn services(&self, q: &str, whom: Option<ServiceFor>, category: Option<Category>) -> Vec<Service> {
        self.config.directory.search(q, whom, category).into_iter().cloned().collect()
    }

    /// A service and the young people using or waiting for it whom the reader may open
    /// (audited as a read: it names young people).
    pub async fn service_page(&self, actor: &Actor, key: &str) -> Result<ServicePage, AppError> {
        const ACTION: &str = "service.view";
        self.require(actor, Permission::ViewRecords, ACTION).await?;
        let Some(service) = self.config.directory.get(key).cloned() else { return Err(AppError::NotFound) };
        let mut tx = self.store.begin_read().await?;
        let referrals = tx.service_referrals_to(key).await?;
        let ids: Vec<PersonId> = referrals.iter().map(|r| r.child).collect();
        let people = self.visible_people(tx.as_mut(), actor, &ids).await?;
        let mut d = self.draft(Some(actor), ACTION, None, AuditOutcome::Allowed);
        d.target = Some(key.to_string());
        tx.append_audit(&d).await?;
        tx.commit().await?;
        let with = |pick: &dyn Fn(&ServiceReferral) -> bool| referrals.iter().filter(|r| pick(r)).filter_map(|r| people.get(&r.child).map(|p| (r.clone(), p.clone()))).collect::<Vec<_>>();
        Ok(ServicePage { using: with(&|r| r.in_use()), waiting: with(&|r| r.outcome.is_none()), service })
    }

    /// Refers a young person to a service they can use; the referral's id.
    pub async fn refer_to_service(&self, actor: &Actor, child: PersonId, new: NewServiceReferral) -> Result<ServiceReferralId, AppError> {
        const ACTION: &str = "service_referral.create";
        self.require(actor, Permission::AddCaseNotes, ACTION).await?;
        let mut tx = self.store.begin().await?;
        let person = match self.open(tx.as_mut(), actor, child, crate::care::VIEW).await {
            Ok((p, _)) => p,
            Err(e) => return Err(self.refusal(tx, actor, ACTION, Some(child), e).await),
        };
        let Some(service) = self.config.directory.get(&new.service) else {
            return Err(FieldErrors::one("service", "Choose a service from the directory").into());
        };
        let today = self.today();
        let born = person.details.date_of_birth;
        if new.on > today || born.is_some_and(|b| new.on < b) {
            return Err(FieldErrors::one("on", "The referral is dated between the young person's birth and today").into());
        }
        if new.reason.trim().is_empty() {
            return Err(FieldErrors::one("reason", "Say why the young person is referred").into());
        }
        let seeker = self.seeker(tx.as_mut(), child, born).await?;
        if let Some(why) = service.refused(seeker) {
            return Err(FieldErrors::one("service", why).into());
        }
        let r = ServiceReferral { id: ServiceReferralId::new(), child, service: service.key.clone(), on: new.on, by: actor.user.id, reason: new.reason.trim().to_string(), outcome: None, ended: None };
        tx.insert_service_referral(&r, &self.meta(actor)).await?;
        self.audit_step(tx.as_mut(), actor, ACTION, child, r.id.to_string()).await?;
        tx.commit().await?;
        Ok(r.id)
    }

    /// Records what became of a referral kept at `expected_version`.
    pub async fn change_service_referral(&self, actor: &Actor, id: ServiceReferralId, expected_version: i64, change: ReferralChange) -> Result<(), AppError> {
        let action = change.action();
        self.require(actor, Permission::AddCaseNotes, action).await?;
        let mut tx = self.store.begin().await?;
        let Some(stored) = tx.service_referral(id).await? else {
            return Err(self.refusal(tx, actor, action, None, AppError::NotFound).await);
        };
        let child = stored.value.child;
        if let Err(e) = self.open(tx.as_mut(), actor, child, crate::care::VIEW).await {
            return Err(self.refusal(tx, actor, action, Some(child), e).await);
        }
        if stored.version != expected_version {
            return Err(AppError::Conflict { current: stored.version });
        }
        let mut r = stored.value;
        let today = self.today();
        match change {
            ReferralChange::Outcome(o) => r.decide(o, today)?,
            ReferralChange::Ended(on) => r.end(on, today)?,
        }
        let label = match change {
            ReferralChange::Outcome(_) => "Outcome of the referral recorded",
            ReferralChange::Ended(_) => "Stopped using the service",
        };
        tx.update_service_referral(&r, expected_version, &ChangeMeta { reason: Some(label.into()), ..self.meta(actor) }).await?;
        self.audit_step(tx.as_mut(), actor, action, child, id.to_string()).await?;
        tx.commit().await?;
        Ok(())
    }

    /// A young person's referrals to services, newest first (audited as a read of the record).
    pub async fn service_referrals_of(&self, actor: &Actor, child: PersonId) -> Result<(crate::CaseSummary, Vec<Versioned<ServiceReferral>>, Seeker), AppError> {
        let (mut tx, summary) = self.with_summary(actor, child, "service_referral.view").await?;
        let referrals = tx.service_referrals_of(child).await?;
        let seeker = self.seeker(tx.as_mut(), child, summary.record.details.date_of_birth).await?;
        tx.commit().await?;
        Ok((summary, referrals, seeker))
    }

    /// The young person as the directory's eligibility reads them today.
    async fn seeker(&self, tx: &mut dyn Tx, child: PersonId, born: Option<Date>) -> Result<Seeker, AppError> {
        let today = self.today();
        let periods = tx.care_periods_of(child).await?;
        let record = tx.care_leaver_of(child).await?;
        let looked_after = periods.iter().any(|p| p.value.period.covers(today));
        let care_leaver = status_today(born, periods.iter().map(|p| &p.value.period), record.as_ref().map(|r| &r.value), today).is_some_and(|s| s != Status::None);
        Ok(Seeker { age: born.and_then(|b| hearth_domain::person::age_on(b, today)), looked_after, care_leaver })
    }
}
