//! Providers of placements (issue 17): foster households, connected carers, children's homes
//! and the rest, kept as records of their own so a placement is chosen from a list and a
//! provider's children can be shown. Anyone who holds casework reads the list; managers and
//! business support keep it.
use crate::{Actor, App, AppError};
use hearth_domain::audit::Outcome;
use hearth_domain::care::codes::PlacementType;
use hearth_domain::care::provider::{Provider, ProviderId, ProviderKind};
use hearth_domain::care::CarePeriodRecord;
use hearth_domain::access::Listing;
use hearth_domain::person::PersonSummary;
use hearth_domain::user::Permission;
use hearth_domain::PersonId;
use hearth_store::{Tx, Versioned};
use std::collections::HashMap;
use time::Date;

/// Which providers to list.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ProviderFilter {
    /// Part of the name, any case.
    pub name: String,
    pub kind: Option<ProviderKind>,
    /// Include providers closed to new placements.
    pub closed: bool,
    /// Only the settings whose monitoring visit is due by this day (seed 004), the one due
    /// soonest first: the list of visits to make.
    pub monitoring_due_by: Option<Date>,
}

/// A provider in the list, with how many children are placed there today.
#[derive(Clone, Debug)]
pub struct ProviderRow {
    pub provider: Provider,
    pub placed: usize,
    /// The next monitoring visit, for an external residential setting with children placed.
    pub monitoring_due: Option<Date>,
}

/// A child placed with a provider today.
#[derive(Clone, Debug)]
pub struct PlacedChild {
    pub child: PersonSummary,
    pub since: Date,
    pub kind: PlacementType,
}

/// A provider's page: its record and the children placed there today.
#[derive(Clone, Debug)]
pub struct ProviderPage {
    pub provider: Versioned<Provider>,
    /// The children placed there today whom the viewer may open, longest there first.
    pub children: Vec<PlacedChild>,
    /// Every child placed there today, counting those the viewer may not open.
    pub placed: usize,
    pub monitoring_due: Option<Date>,
}

/// Each child's current placement (child, provider, since, type) on `day`.
fn placed_on(periods: &[CarePeriodRecord], day: Date) -> Vec<(PersonId, ProviderId, Date, PlacementType)> {
    periods
        .iter()
        .filter_map(|r| {
            let p = r.period.placement_on(day)?;
            Some((r.child, p.carer, r.period.with_carer_since(day)?, p.kind))
        })
        .collect()
}

/// For each provider with children placed on `day`: how many, and since when the one placed
/// longest has been there (a monitoring visit is due a year after the first child came).
pub(crate) fn placed_by_provider(periods: &[CarePeriodRecord], day: Date) -> HashMap<ProviderId, (usize, Option<Date>)> {
    let mut counts: HashMap<ProviderId, (usize, Option<Date>)> = HashMap::new();
    for (_, provider, since, _) in placed_on(periods, day) {
        let c = counts.entry(provider).or_default();
        c.0 += 1;
        c.1 = Some(c.1.map_or(since, |s: Date| s.min(since)));
    }
    counts
}

impl App {
    /// The providers matching `filter`, by name, each with its children placed today.
    pub async fn providers(&self, actor: &Actor, filter: &ProviderFilter) -> Result<Vec<ProviderRow>, AppError> {
        self.require(actor, Permission::ViewRecords, "provider.list").await?;
        let mut tx = self.store.begin_read().await?;
        let providers = tx.providers().await?;
        let periods = tx.care_period_outlines(self.today()).await?;
        tx.commit().await?;
        let counts = placed_by_provider(&periods, self.today());
        let name = filter.name.trim().to_lowercase();
        let mut rows: Vec<ProviderRow> = providers
            .into_iter()
            .filter(|p| (filter.closed || !p.closed) && filter.kind.is_none_or(|k| p.kind == k) && p.name.to_lowercase().contains(&name))
            .map(|provider| {
                let (placed, since) = counts.get(&provider.id).copied().unwrap_or_default();
                ProviderRow { placed, monitoring_due: self.monitoring_due(&provider, since), provider }
            })
            .collect();
        if let Some(by) = filter.monitoring_due_by {
            rows.retain(|r| r.monitoring_due.is_some_and(|d| d <= by));
            rows.sort_by_key(|r| r.monitoring_due);
        }
        Ok(rows)
    }

    /// When the provider's next monitoring visit is due, if one is (a pack without the rule,
    /// or a deadline out of range, has none).
    pub(crate) fn monitoring_due(&self, p: &Provider, placed_since: Option<Date>) -> Option<Date> {
        let ts = &self.config.timescales;
        p.monitoring_due(placed_since, &ts.pack, &ts.calendar).and_then(Result::ok).map(|d| d.due.date())
    }

    /// Records the LA's monitoring visit to a provider kept at `expected_version`.
    pub async fn record_monitoring_visit(&self, actor: &Actor, id: ProviderId, expected_version: i64, on: Date) -> Result<(), AppError> {
        const ACTION: &str = "provider.monitoring_visit";
        self.require(actor, Permission::ManageProviders, ACTION).await?;
        let mut tx = self.store.begin().await?;
        let Some(stored) = tx.provider(id).await? else {
            drop(tx);
            return Err(AppError::NotFound);
        };
        if stored.version != expected_version {
            return Err(AppError::Conflict { current: stored.version });
        }
        let mut provider = stored.value;
        provider.record_monitoring_visit(on, self.today())?;
        let meta = hearth_domain::person::ChangeMeta { reason: Some("Monitoring visit".into()), ..self.meta(actor) };
        tx.update_provider(&provider, expected_version, &meta).await?;
        self.audit_provider(tx.as_mut(), actor, ACTION, id).await?;
        tx.commit().await?;
        Ok(())
    }

    /// A provider's record and the children placed there today (audited: it names children).
    pub async fn provider_page(&self, actor: &Actor, id: ProviderId) -> Result<ProviderPage, AppError> {
        const ACTION: &str = "provider.view";
        self.require(actor, Permission::ViewRecords, ACTION).await?;
        let mut tx = self.store.begin().await?;
        let Some(provider) = tx.provider(id).await? else {
            drop(tx);
            return Err(AppError::NotFound);
        };
        let here: Vec<_> = placed_on(&tx.care_period_outlines(self.today()).await?, self.today()).into_iter().filter(|x| x.1 == id).collect();
        let ids: Vec<PersonId> = here.iter().map(|x| x.0).collect();
        let visible = self.listed(tx.as_mut(), actor, &ids, Listing::Open).await?;
        let mut d = self.draft(Some(actor), ACTION, None, Outcome::Allowed);
        d.target = Some(id.to_string());
        tx.append_audit(&d).await?;
        tx.commit().await?;
        let mut children: Vec<PlacedChild> = here.iter().filter_map(|(child, _, since, kind)| Some(PlacedChild { child: visible.get(child)?.clone(), since: *since, kind: *kind })).collect();
        children.sort_by_key(|c| c.since);
        let monitoring_due = self.monitoring_due(&provider.value, here.iter().map(|x| x.2).min());
        Ok(ProviderPage { provider, children, placed: here.len(), monitoring_due })
    }

    /// Adds a provider of placements.
    pub async fn add_provider(&self, actor: &Actor, mut provider: Provider) -> Result<ProviderId, AppError> {
        const ACTION: &str = "provider.add";
        self.require(actor, Permission::ManageProviders, ACTION).await?;
        provider.id = ProviderId::new();
        provider.closed = false;
        provider.check()?;
        let mut tx = self.store.begin().await?;
        tx.insert_provider(&provider, &self.meta(actor)).await?;
        self.audit_provider(tx.as_mut(), actor, ACTION, provider.id).await?;
        tx.commit().await?;
        Ok(provider.id)
    }

    /// Changes a provider's record kept at `expected_version` (closing it keeps its
    /// placements; it is no longer offered for new ones).
    pub async fn change_provider(&self, actor: &Actor, expected_version: i64, mut provider: Provider) -> Result<(), AppError> {
        const ACTION: &str = "provider.change";
        self.require(actor, Permission::ManageProviders, ACTION).await?;
        provider.check()?;
        let mut tx = self.store.begin().await?;
        let Some(stored) = tx.provider(provider.id).await? else {
            drop(tx);
            return Err(AppError::NotFound);
        };
        if stored.version != expected_version {
            return Err(AppError::Conflict { current: stored.version });
        }
        // The record's form does not carry the monitoring visits: they are kept.
        provider.monitoring_visits = stored.value.monitoring_visits;
        tx.update_provider(&provider, expected_version, &self.meta(actor)).await?;
        self.audit_provider(tx.as_mut(), actor, ACTION, provider.id).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn audit_provider(&self, tx: &mut dyn Tx, actor: &Actor, action: &str, id: ProviderId) -> Result<(), AppError> {
        let mut d = self.draft(Some(actor), action, None, Outcome::Allowed);
        d.target = Some(id.to_string());
        tx.append_audit(&d).await?;
        Ok(())
    }
}
