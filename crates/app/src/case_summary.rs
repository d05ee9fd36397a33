//! The case summary at the top of every page about a person: who they are, their short
//! reference, who holds the case, their alerts, key dates and the other children in their
//! network (named and linked only as the reader may see them).
use crate::{Actor, App, AppError, FamilyMember};
use hearth_domain::access::AccessGround;
use hearth_domain::case_summary::{alerts, key_dates, Alert, KeyDates};
use hearth_domain::care::episodes::PeriodOfCare;
use hearth_domain::cin::episode::Episode;
use hearth_domain::identifiers::PersonRef;
use hearth_domain::person::{PersonKind, PersonRecord};
use hearth_domain::PersonId;
use hearth_store::Tx;
use time::Date;

#[derive(Clone, Debug)]
pub struct CaseSummary {
    pub record: PersonRecord,
    /// Why the reader may see the record.
    pub ground: AccessGround,
    pub reference: Option<PersonRef>,
    pub team_name: Option<String>,
    pub worker_name: Option<String>,
    /// Most serious first (see [`alerts`]).
    pub alerts: Vec<Alert>,
    pub key_dates: KeyDates,
    /// The other children in the person's network (current relationships only).
    pub children: Vec<FamilyMember>,
    /// Where a looked-after child lives today, and since when with those carers.
    pub placement: Option<PlacementNow>,
    pub today: Date,
}

/// A looked-after child's placement today, for the top of every page about them.
#[derive(Clone, Debug)]
pub struct PlacementNow {
    pub provider: hearth_domain::care::provider::ProviderId,
    pub provider_name: String,
    pub kind: hearth_domain::care::codes::PlacementType,
    pub since: Date,
}

impl CaseSummary {
    pub fn is_child(&self) -> bool {
        self.record.details.kind == PersonKind::Child
    }

    pub fn age(&self) -> Option<i32> {
        self.record.details.age_on(self.today)
    }

    /// Whether the record has a Leaving care tab: a care leaver, or a looked-after child of
    /// 15 or over (whose personal adviser comes in their 16th year).
    pub fn shows_leaving_care(&self) -> bool {
        self.is_child()
            && self.alerts.iter().any(|a| match a {
                Alert::CareLeaver { .. } => true,
                Alert::LookedAfter { .. } => self.age().is_some_and(|age| age >= 15),
                _ => false,
            })
    }

    pub fn emergency_access(&self) -> bool {
        self.ground == AccessGround::BreakGlass
    }
}

impl App {
    /// The summary of a record opened in `tx`, from the family, episodes and periods of care
    /// already read.
    pub(crate) async fn summary_from(&self, tx: &mut dyn Tx, record: PersonRecord, ground: AccessGround, family: &[FamilyMember], episodes: &[Episode], care: &[PeriodOfCare]) -> Result<CaseSummary, AppError> {
        let facts = tx.case_facts(record.id).await?.unwrap_or_default();
        let team_name = match record.allocation.team {
            Some(t) => tx.teams().await?.into_iter().find(|x| x.id == t).map(|x| x.name),
            None => None,
        };
        let worker_name = match record.allocation.worker {
            Some(w) => tx.display_names(&[w]).await?.into_iter().next().map(|(_, n)| n),
            None => None,
        };
        let is_child = record.details.kind == PersonKind::Child;
        let (alerts, key_dates) = if is_child {
            let mut a = alerts(&record.details, record.restricted, ground == AccessGround::BreakGlass, episodes, care, self.today());
            a.extend(self.care_leaver_alert(tx, &record, care).await?);
            (a, key_dates(episodes, &facts.open_tasks, facts.seen))
        } else {
            let mut a = Vec::new();
            if ground == AccessGround::BreakGlass {
                a.push(Alert::EmergencyAccess);
            }
            if record.restricted {
                a.push(Alert::Restricted);
            }
            (a, KeyDates::default())
        };
        let children = family
            .iter()
            .filter(|m| m.person.kind == PersonKind::Child && m.relationship.ended.is_none())
            .cloned()
            .collect();
        let today = self.today();
        let now = care.iter().find_map(|p| Some((p.placement_on(today)?, p.with_carer_since(today)?))).filter(|_| is_child);
        let placement = match now {
            Some((p, since)) => Some(PlacementNow {
                provider: p.carer,
                provider_name: tx.provider(p.carer).await?.map_or_else(|| crate::care::UNKNOWN_PROVIDER.to_string(), |x| x.value.name),
                kind: p.kind,
                since,
            }),
            None => None,
        };
        Ok(CaseSummary { record, ground, reference: facts.reference, team_name, worker_name, alerts, key_dates, children, placement, today: self.today() })
    }

    /// A care leaver's status, for those of 16 or over who have been looked after (their
    /// record is read only then).
    async fn care_leaver_alert(&self, tx: &mut dyn Tx, record: &PersonRecord, care: &[PeriodOfCare]) -> Result<Option<Alert>, AppError> {
        use hearth_domain::care::leaving::Status;
        let today = self.today();
        if care.is_empty() || record.details.age_on(today).is_none_or(|age| age < 16) {
            return Ok(None);
        }
        let leaver = tx.care_leaver_of(record.id).await?;
        let status = hearth_domain::care::pathway::status_today(record.details.date_of_birth, care, leaver.as_ref().map(|l| &l.value), today);
        Ok(status.filter(|s| *s != Status::None).map(|status| Alert::CareLeaver { status }))
    }

    /// The summary of a record opened in `tx`, reading its family, episodes and periods of
    /// care.
    pub(crate) async fn summary_in(&self, tx: &mut dyn Tx, actor: &Actor, record: PersonRecord, ground: AccessGround) -> Result<CaseSummary, AppError> {
        let family = self.family_in(tx, actor, record.id).await?;
        let (episodes, care) = self.episodes_and_care(tx, record.id).await?;
        self.summary_from(tx, record, ground, &family, &episodes, &care).await
    }

    /// A child's episodes and periods of care, for their summary.
    pub(crate) async fn episodes_and_care(&self, tx: &mut dyn Tx, id: PersonId) -> Result<(Vec<Episode>, Vec<PeriodOfCare>), AppError> {
        let episodes = tx.episodes_of(id).await?.into_iter().map(|e| e.value).collect();
        let care = tx.care_periods_of(id).await?.into_iter().map(|p| p.value.period).collect();
        Ok((episodes, care))
    }

    /// `with_read` with the case summary.
    pub(crate) async fn with_summary(&self, actor: &Actor, id: PersonId, action: &str) -> Result<(Box<dyn Tx>, CaseSummary), AppError> {
        let (mut tx, record, ground) = self.with_read(actor, id, action).await?;
        let summary = self.summary_in(tx.as_mut(), actor, record, ground).await?;
        Ok((tx, summary))
    }
}
