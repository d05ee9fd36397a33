//! Care leavers (issue 18): a young person's status, worked out afresh from their periods of
//! care whenever it is read (so a change to the care history changes it at once), and what
//! the care leaver service records about them, each change checked against that status and
//! saved with its audit entry in one transaction.
use crate::{Actor, App, AppError, CaseSummary};
use hearth_domain::care::leavers_dashboard::{self, LeaversDashboard};
use hearth_domain::care::leaving::{entitlements, status_on, Derived, Status};
use hearth_domain::care::pathway::{birthday_contacts, has_pathway, leaving_facts, pathway_from, plan_due, review_due, Adviser, BirthdayContact, CareLeaverChange, CareLeaverRecord, ChangeContext};
use hearth_domain::care::CarePeriodRecord;
use hearth_domain::person::{ChangeMeta, PersonSummary};
use hearth_domain::user::{Permission, Role};
use hearth_domain::validation::FieldErrors;
use hearth_domain::{PersonId, UserId};
use hearth_store::{Tx, Versioned};
use std::collections::HashMap;
use time::Date;

/// Reading a young person's care leaver record.
const VIEW: &str = "care_leaver.view";

/// A young person's care leaver page: the status with its reason and entitlements, and what
/// the service has recorded.
#[derive(Clone, Debug)]
pub struct CareLeaverView {
    pub summary: CaseSummary,
    /// The status today, or why it cannot be worked out (no date of birth).
    pub status: Result<Derived, String>,
    pub record: Option<Versioned<CareLeaverRecord>>,
    /// The day a pathway plan became due to be made (eligible or relevant), if it has.
    pub pathway_from: Option<Date>,
    /// When the next plan or review is due, for those a plan is for.
    pub plan_due: Option<Date>,
    /// Contact around the 17th to 21st birthdays (the DfE's rule), those whose window has
    /// opened.
    pub birthdays: Vec<BirthdayContact>,
    /// Managers who signed plans off.
    pub names: HashMap<UserId, String>,
    pub today: Date,
}

impl CareLeaverView {
    pub fn status(&self) -> Status {
        self.status.as_ref().map_or(Status::None, |d| d.status)
    }

    pub fn entitlements(&self) -> &'static [(&'static str, &'static str)] {
        entitlements(self.status())
    }

    pub fn version(&self) -> i64 {
        self.record.as_ref().map_or(0, |r| r.version)
    }

    pub fn name(&self, id: UserId) -> &str {
        self.names.get(&id).map_or("a former user", String::as_str)
    }
}

/// A change as the worker asks for it: a personal adviser is named by their account.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LeaverChange {
    Adviser { user: UserId, from: Date },
    Other(CareLeaverChange),
}

impl LeaverChange {
    fn action(&self) -> &'static str {
        match self {
            LeaverChange::Adviser { .. } => "care_leaver.adviser",
            LeaverChange::Other(c) => c.action(),
        }
    }

    fn permission(&self) -> Permission {
        match self {
            LeaverChange::Other(CareLeaverChange::SignOff) => Permission::RecordManagementOversight,
            _ => Permission::AddCaseNotes,
        }
    }
}

/// The care leavers' dashboard as a manager sees it.
#[derive(Clone, Debug)]
pub struct LeaversDashboardView {
    pub dashboard: LeaversDashboard,
    /// The young people listed, each of whom the manager may open; restricted ones they may
    /// not are neither named nor counted.
    pub people: HashMap<PersonId, PersonSummary>,
    pub today: Date,
}

impl App {
    /// A young person's status, entitlements and care leaver record (audited as a read).
    pub async fn care_leaver_of(&self, actor: &Actor, child: PersonId) -> Result<CareLeaverView, AppError> {
        let (mut tx, summary) = self.with_summary(actor, child, VIEW).await?;
        let periods = tx.care_periods_of(child).await?;
        let record = tx.care_leaver_of(child).await?;
        let signers: Vec<UserId> = record.iter().flat_map(|r| r.value.plans.iter().filter_map(|p| p.signed_off.map(|s| s.by))).collect();
        let names = self.user_names(tx.as_mut(), &signers).await?;
        tx.commit().await?;
        let today = self.today();
        let born = summary.record.details.date_of_birth;
        let facts = leaving_facts(born, periods.iter().map(|p| &p.value.period), record.as_ref().map(|r| &r.value), today);
        let status = status_on(&facts, today).map_err(|e| e.to_string());
        let from = pathway_from(&facts);
        let plan_due = match &status {
            Ok(d) if has_pathway(d.status) => {
                let ts = &self.config.timescales;
                plan_due(record.as_ref().map(|r| &r.value), from, &|d, n| review_due(&ts.pack, &ts.calendar, d, n))
            }
            _ => None,
        };
        let contacts = record.as_ref().map_or(&[][..], |r| &r.value.contacts[..]);
        // Contact is asked about once the young person has left care.
        let in_care = periods.iter().any(|p| p.value.period.covers(today));
        let left = periods.iter().filter_map(|p| p.value.period.ended.map(|e| e.on)).max().filter(|_| !in_care);
        let birthdays = born.map(|b| birthday_contacts(b, left, contacts, today)).unwrap_or_default();
        Ok(CareLeaverView { summary, status, record, pathway_from: from, plan_due, birthdays, names, today })
    }

    /// Records a change to a young person's care leaver record kept at `expected_version`
    /// (0 before the first); returns the new version.
    pub async fn change_care_leaver(&self, actor: &Actor, child: PersonId, expected_version: i64, change: LeaverChange) -> Result<i64, AppError> {
        let action = change.action();
        self.require(actor, change.permission(), action).await?;
        let mut tx = self.store.begin().await?;
        let person = match self.open(tx.as_mut(), actor, child, VIEW).await {
            Ok((p, _)) => p,
            Err(e) => return Err(self.refusal(tx, actor, action, Some(child), e).await),
        };
        let stored = tx.care_leaver_of(child).await?;
        let version = stored.as_ref().map_or(0, |s| s.version);
        if version != expected_version {
            return Err(AppError::Conflict { current: version });
        }
        let change = match change {
            LeaverChange::Other(c) => c,
            LeaverChange::Adviser { user, from } => CareLeaverChange::Adviser(Adviser { user, name: adviser_name(tx.as_mut(), user).await?, from }),
        };
        let periods = tx.care_periods_of(child).await?;
        let today = self.today();
        let born = person.details.date_of_birth;
        let facts = leaving_facts(born, periods.iter().map(|p| &p.value.period), stored.as_ref().map(|s| &s.value), today);
        let status = status_on(&facts, today).map_err(|e| FieldErrors::one("date_of_birth", e.to_string()))?.status;
        let meta = ChangeMeta { reason: Some(change.label().to_string()), ..self.meta(actor) };
        let mut record = stored.as_ref().map_or_else(|| CareLeaverRecord::new(child), |s| s.value.clone());
        let looked_after = periods.iter().any(|p| p.value.period.covers(today));
        record.apply(change, ChangeContext { born, status, looked_after, today, by: actor.user.id })?;
        match stored {
            None => tx.insert_care_leaver(&record, &meta).await?,
            Some(_) => tx.update_care_leaver(&record, version, &meta).await?,
        }
        self.audit_step(tx.as_mut(), actor, action, child, record.id.to_string()).await?;
        tx.commit().await?;
        Ok(version + 1)
    }

    /// Those who may be named a personal adviser, by name: active caseworkers (an IRO, who
    /// must stay independent, is not one).
    pub async fn personal_advisers(&self, actor: &Actor) -> Result<Vec<(UserId, String)>, AppError> {
        self.require(actor, Permission::AddCaseNotes, "care_leaver.adviser").await?;
        let mut tx = self.store.begin_read().await?;
        let users = tx.users().await?;
        tx.commit().await?;
        let mut out: Vec<(UserId, String)> = users.into_iter().filter(|u| may_advise(u.active, u.role)).map(|u| (u.id, u.display_name)).collect();
        out.sort_by(|a, b| a.1.cmp(&b.1));
        Ok(out)
    }

    /// Every young person whose status is not "none" whom the manager may open, by status and
    /// age, with the lists a manager works from. Statuses are worked out afresh from the care
    /// histories.
    pub async fn care_leavers_dashboard(&self, actor: &Actor) -> Result<LeaversDashboardView, AppError> {
        const ACTION: &str = "care_leavers_dashboard.view";
        self.require(actor, Permission::OverseeCare, ACTION).await?;
        let today = self.today();
        let mut tx = self.store.begin_read().await?;
        // A care leaver is under 25, so care that ended before their 16th birthday nine years
        // ago or more cannot make one.
        let since = today - time::Duration::days(9 * 366);
        let periods = tx.care_period_outlines(since).await?;
        let records = tx.all_care_leavers().await?;
        let mut ids: Vec<PersonId> = periods.iter().map(|p| p.child).collect();
        ids.sort();
        ids.dedup();
        let people = self.visible_people(tx.as_mut(), actor, &ids).await?;
        tx.append_audit(&self.draft(Some(actor), ACTION, None, hearth_domain::audit::Outcome::Allowed)).await?;
        tx.commit().await?;
        let ts = &self.config.timescales;
        let dashboard = build_dashboard(&periods, &records, &people, today, &|d, n| review_due(&ts.pack, &ts.calendar, d, n));
        let people = dashboard.leavers.iter().filter_map(|l| people.get(&l.child).map(|p| (l.child, p.clone()))).collect();
        Ok(LeaversDashboardView { dashboard, people, today })
    }
}

/// The dashboard of the young people in `people` from everyone's periods and records.
fn build_dashboard(periods: &[CarePeriodRecord], records: &[CareLeaverRecord], people: &HashMap<PersonId, PersonSummary>, today: Date, review: hearth_domain::care::pathway::ReviewDue) -> LeaversDashboard {
    let mut by_child: HashMap<PersonId, Vec<&hearth_domain::care::episodes::PeriodOfCare>> = HashMap::new();
    for p in periods.iter().filter(|p| people.contains_key(&p.child)) {
        by_child.entry(p.child).or_default().push(&p.period);
    }
    let records: HashMap<PersonId, &CareLeaverRecord> = records.iter().map(|r| (r.child, r)).collect();
    leavers_dashboard::build(by_child.into_iter().map(|(child, ps)| (child, people.get(&child).and_then(|p| p.date_of_birth), ps, records.get(&child).copied())), today, review)
}

fn may_advise(active: bool, role: Role) -> bool {
    active && role.holds_casework() && role != Role::ReviewingOfficer
}

/// The name of the personal adviser chosen, refusing anyone who cannot be one.
async fn adviser_name(tx: &mut dyn Tx, user: UserId) -> Result<String, AppError> {
    match tx.user(user).await? {
        Some(u) if may_advise(u.active, u.role) => Ok(u.display_name),
        _ => Err(FieldErrors::one("adviser.user", "Choose a personal adviser from the list: an active social worker or manager").into()),
    }
}
