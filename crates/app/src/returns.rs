//! Statutory returns from the live record (issue 6): the Children in Need census.
use crate::{App, AppError};
use hearth_domain::audit::Outcome;
use hearth_domain::cin::episode::{CpPlan, Episode};
use hearth_domain::returns::cin::{self, CensusChild, CollectionYear, ReferralRecord};

impl App {
    /// The children of the CIN census for `year`, in LA child id order, read in one
    /// transaction (a consistent picture) and audited as a whole.
    pub async fn cin_census(&self, year: CollectionYear) -> Result<Vec<CensusChild>, AppError> {
        let ts = &self.config.timescales;
        let mut tx = self.store.begin().await?;
        let mut out = Vec::new();
        for id in tx.referred_children().await? {
            let Some(person) = tx.person(id).await? else { continue };
            let referrals: Vec<_> = tx.referrals_of(id).await?.into_iter().map(|r| r.value).collect();
            let episodes: Vec<Episode> = tx.episodes_of(id).await?.into_iter().map(|e| e.value).collect();
            let mut assessments = Vec::with_capacity(referrals.len());
            for r in &referrals {
                assessments.push(tx.assessment_of_referral(r.id).await?.map(|a| a.value));
            }
            let records: Vec<ReferralRecord<'_>> = referrals
                .iter()
                .zip(&assessments)
                .map(|(r, a)| ReferralRecord { referral: r, assessment: a.as_ref(), episode: episodes.iter().find(|e| e.referral == r.id) })
                .collect();
            let plans: Vec<CpPlan> = episodes.iter().flat_map(|e| e.cp_plans.iter().cloned()).collect();
            out.extend(cin::child(&person, &records, &plans, year, &ts.pack, &ts.calendar));
        }
        let mut d = self.draft(None, "returns.cin", None, Outcome::Allowed);
        d.target = Some(year.label());
        d.reason = Some(format!("{} children", out.len()));
        tx.append_audit(&d).await?;
        tx.commit().await?;
        out.sort_by(|a, b| a.la_child_id.cmp(&b.la_child_id));
        Ok(out)
    }
}
