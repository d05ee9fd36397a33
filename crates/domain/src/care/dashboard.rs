//! The children-in-care dashboard's figures (issue 17): the children looked after on a day,
//! by legal status and by placement type; those placed outside the LA's area; and those with
//! three or more placements in the last twelve months, the measure of placement stability
//! the DfE and Ofsted watch; and how far from home each child is placed, with those 20 miles
//! or more away (the DfE's threshold).
use super::codes::{LegalStatus, PlacementType};
use super::distance::{self, Location, Miles, FAR_FROM_HOME};
use super::episodes::{PeriodOfCare, Placement};
use super::postcode::Postcode;
use crate::{PersonId, UserId};
use std::collections::BTreeMap;
use time::{Date, Duration};

/// Placements in twelve months from which a child's stability is flagged.
pub const UNSTABLE_PLACEMENTS: usize = 3;

/// A looked-after child as the dashboard lists them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChildInCare {
    pub child: PersonId,
    pub since: Date,
    pub legal_status: LegalStatus,
    pub placement: Placement,
    /// Placements that began in the last twelve months (the current one included).
    pub placements_in_year: usize,
    /// Placed outside the LA's area (`None` when the area or the postcode is not known).
    pub out_of_area: Option<bool>,
    /// Missing or away from placement since this day, not yet returned.
    pub missing_since: Option<Date>,
    /// An unaccompanied asylum-seeking child today.
    pub uasc: bool,
    /// Straight-line distance from the home they were looked after from to the placement
    /// (`None` when either postcode, or where it is, is not known).
    pub miles_from_home: Option<Miles>,
    /// The Hearth account of the IRO named for the child, when they have one.
    pub iro: Option<UserId>,
}

/// The figures for the children looked after on a day.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CareDashboard {
    /// Longest in care first.
    pub children: Vec<ChildInCare>,
    /// Most children first, then by code.
    pub by_legal_status: Vec<(LegalStatus, usize)>,
    pub by_placement_type: Vec<(PlacementType, usize)>,
}

impl CareDashboard {
    pub fn out_of_area(&self) -> impl Iterator<Item = &ChildInCare> {
        self.children.iter().filter(|c| c.out_of_area == Some(true))
    }

    pub fn unstable(&self) -> impl Iterator<Item = &ChildInCare> {
        self.children.iter().filter(|c| c.placements_in_year >= UNSTABLE_PLACEMENTS)
    }

    pub fn missing(&self) -> impl Iterator<Item = &ChildInCare> {
        self.children.iter().filter(|c| c.missing_since.is_some())
    }

    /// Placed 20 miles or more from home, farthest first.
    pub fn far_from_home(&self) -> Vec<&ChildInCare> {
        let mut far: Vec<&ChildInCare> = self.children.iter().filter(|c| c.miles_from_home.is_some_and(|m| m >= FAR_FROM_HOME)).collect();
        far.sort_by_key(|c| std::cmp::Reverse(c.miles_from_home));
        far
    }

    pub fn uasc(&self) -> usize {
        self.children.iter().filter(|c| c.uasc).count()
    }

    /// The children whose named IRO is `user`.
    pub fn reviewed_by(&self, user: UserId) -> impl Iterator<Item = &ChildInCare> {
        self.children.iter().filter(move |c| c.iro == Some(user))
    }
}

/// Whether `postcode` lies in the area served by the postcode districts `area` (outward
/// codes such as "BA1"); `None` when either is unknown.
pub fn in_area(postcode: Option<&Postcode>, area: &[String]) -> Option<bool> {
    if area.is_empty() {
        return None;
    }
    let outward = postcode?.to_string();
    let outward = outward.split(' ').next()?;
    Some(area.iter().any(|d| d.eq_ignore_ascii_case(outward)))
}

fn counted<K: Ord + Copy>(keys: impl Iterator<Item = K>, code: impl Fn(&K) -> &'static str) -> Vec<(K, usize)> {
    let mut m: BTreeMap<K, usize> = BTreeMap::new();
    for k in keys {
        *m.entry(k).or_default() += 1;
    }
    let mut v: Vec<(K, usize)> = m.into_iter().collect();
    v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| code(&a.0).cmp(code(&b.0))));
    v
}

/// The keys (`distance::lookup_keys`) to look up for the distances from home of the children
/// in `periods` looked after on `today`: their home's and their placement's postcodes.
pub fn postcodes_to_locate<'a>(periods: impl IntoIterator<Item = &'a PeriodOfCare>, today: Date) -> Vec<String> {
    let postcodes = periods.into_iter().filter(|p| p.covers(today)).flat_map(|p| [p.home_postcode.as_ref(), p.placement_on(today).and_then(|pl| pl.postcode.as_ref())]).flatten();
    distance::lookup_keys(postcodes)
}

/// The dashboard of the children in `periods` (each child's periods of care) looked after on
/// `today`; `area`: the LA's postcode districts; `lookup`: where a postcode or an outward code
/// is (`None` when unknown).
pub fn build<'a>(periods: impl IntoIterator<Item = (PersonId, &'a PeriodOfCare)>, today: Date, area: &[String], lookup: impl Fn(&str) -> Option<Location>) -> CareDashboard {
    use crate::codes::Coded;
    let year_ago = today - Duration::days(365);
    let mut all: BTreeMap<PersonId, Vec<&PeriodOfCare>> = BTreeMap::new();
    for (child, p) in periods {
        all.entry(child).or_default().push(p);
    }
    let mut children: Vec<ChildInCare> = all
        .into_iter()
        .filter_map(|(child, ps)| {
            let now = ps.iter().find(|p| p.covers(today))?;
            let placement = now.placement_on(today)?.clone();
            let legal_status = now.legal_status_on(today)?;
            // A move to the same carers that only changes the placement's type is not
            // a new placement for the child.
            let placements_in_year = ps
                .iter()
                .flat_map(|p| p.placements.windows(2).filter(|w| w[1].carer != w[0].carer || w[1].postcode != w[0].postcode).map(|w| &w[1]).chain(p.placements.first()))
                .filter(|pl| pl.from > year_ago && pl.from <= today)
                .count()
                .max(1);
            let out_of_area = in_area(placement.postcode.as_ref(), area).map(|inside| !inside);
            let plan = &now.planning;
            let missing_since = plan.missing.last().filter(|m| m.end.is_none() && m.start <= today).map(|m| m.start);
            let uasc = plan.uasc.is_some_and(|u| u.from <= today && u.until.is_none_or(|d| today < d));
            let miles_from_home = distance::miles_between(now.home_postcode.as_ref(), placement.postcode.as_ref(), &lookup);
            let iro = plan.iro.as_ref().and_then(|i| i.user);
            Some(ChildInCare { child, since: now.start, legal_status, placement, placements_in_year, out_of_area, missing_since, uasc, miles_from_home, iro })
        })
        .collect();
    children.sort_by_key(|c| (c.since, c.child));
    let by_legal_status = counted(children.iter().map(|c| c.legal_status), |s| s.code());
    let by_placement_type = counted(children.iter().map(|c| c.placement.kind), |t| t.code());
    CareDashboard { children, by_legal_status, by_placement_type }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::care::codes::{CategoryOfNeed, PlacementProvider, ReasonEpisodeCeased, ReasonPlaceChange};
    use crate::care::episodes::{Ending, LegalStatusFrom};
    use crate::care::provider::ProviderId;
    use time::macros::date;

    fn placed(from: Date, carer: u128, kind: PlacementType, postcode: &str) -> Placement {
        Placement {
            from,
            kind,
            provider: PlacementProvider::OwnProvision,
            urn: None,
            postcode: Some(Postcode::parse(postcode).unwrap()),
            carer: ProviderId(uuid::Uuid::from_u128(carer)),
            reason: Some(ReasonPlaceChange::CarePlan),
        }
    }

    fn period(start: Date, status: LegalStatus, placements: Vec<Placement>) -> PeriodOfCare {
        PeriodOfCare { start, start_time: None, need: CategoryOfNeed::AbuseOrNeglect, home_postcode: None, legal_statuses: vec![LegalStatusFrom { from: start, status }], placements, ended: None, planning: Default::default() }
    }

    #[test]
    fn children_looked_after_today_are_counted_by_status_and_type_and_flagged() {
        let today = date!(2026 - 12 - 07);
        let (amy, ben, cal, dot) = (PersonId::new(), PersonId::new(), PersonId::new(), PersonId::new());
        // Amy: three carers this year, the last out of the area.
        let a = period(
            date!(2026 - 02 - 02),
            LegalStatus::FullCareOrder,
            vec![placed(date!(2026 - 02 - 02), 1, PlacementType::FosterOther, "BA1 1AA"), placed(date!(2026 - 05 - 02), 2, PlacementType::FosterOther, "BA2 1AA"), placed(date!(2026 - 09 - 02), 3, PlacementType::ChildrensHome, "SN1 1AA")],
        );
        // Ben: in care three years, one move this year to long-term with the same carers
        // (not a new placement), in the area.
        let b = period(
            date!(2023 - 06 - 01),
            LegalStatus::FullCareOrder,
            vec![placed(date!(2023 - 06 - 01), 4, PlacementType::FosterOther, "BA1 2BB"), placed(date!(2026 - 03 - 01), 4, PlacementType::FosterLongTerm, "BA1 2BB")],
        );
        // Cal went home last month; Dot's earlier period ended, and she came back this year.
        let mut c = period(date!(2025 - 01 - 06), LegalStatus::Section20, vec![placed(date!(2025 - 01 - 06), 5, PlacementType::FosterOther, "BA1 1AA")]);
        c.ended = Some(Ending { on: date!(2026 - 11 - 01), reason: ReasonEpisodeCeased::HomePlanned });
        let mut d1 = period(date!(2026 - 01 - 05), LegalStatus::Section20, vec![placed(date!(2026 - 01 - 05), 6, PlacementType::FosterOther, "BA1 1AA")]);
        d1.ended = Some(Ending { on: date!(2026 - 03 - 01), reason: ReasonEpisodeCeased::HomePlanned });
        let d2 = period(date!(2026 - 08 - 03), LegalStatus::Section20, vec![placed(date!(2026 - 08 - 03), 7, PlacementType::FosterOther, "BA2 2DD"), placed(date!(2026 - 10 - 03), 8, PlacementType::FosterOther, "BA2 2DD")]);
        let area = vec!["BA1".to_string(), "ba2".to_string()];
        let d = build([(amy, &a), (ben, &b), (cal, &c), (dot, &d1), (dot, &d2)], today, &area, |_| None);
        assert_eq!(d.children.iter().map(|c| c.child).collect::<Vec<_>>(), [ben, amy, dot], "longest in care first; Cal is home");
        assert_eq!(d.by_legal_status, [(LegalStatus::FullCareOrder, 2), (LegalStatus::Section20, 1)]);
        assert_eq!(d.by_placement_type, [(PlacementType::ChildrensHome, 1), (PlacementType::FosterLongTerm, 1), (PlacementType::FosterOther, 1)], "ties by code");
        let placements: Vec<usize> = d.children.iter().map(|c| c.placements_in_year).collect();
        assert_eq!(placements, [1, 3, 3], "Ben's change of type is no move; Dot's earlier period counts");
        assert_eq!(d.unstable().map(|c| c.child).collect::<Vec<_>>(), [amy, dot]);
        assert_eq!(d.out_of_area().map(|c| c.child).collect::<Vec<_>>(), [amy]);
        // Without an area, nobody is called out of it.
        assert!(build([(amy, &a)], today, &[], |_| None).children[0].out_of_area.is_none());
    }

    #[test]
    fn each_iro_sees_the_children_they_are_named_for() {
        use crate::care::planning::NamedIro;
        let today = date!(2026 - 12 - 07);
        let (amy, ben, cal) = (PersonId::new(), PersonId::new(), PersonId::new());
        let (irene, ola) = (UserId::new(), UserId::new());
        let named = |user: Option<UserId>| {
            let mut p = period(date!(2026 - 01 - 05), LegalStatus::Section20, vec![placed(date!(2026 - 01 - 05), 1, PlacementType::FosterOther, "BA1 1AA")]);
            p.planning.iro = Some(NamedIro { name: "An IRO".into(), from: date!(2026 - 01 - 06), user });
            p
        };
        let (a, b, c) = (named(Some(irene)), named(Some(ola)), named(None));
        let d = build([(amy, &a), (ben, &b), (cal, &c)], today, &[], |_| None);
        let of = |u| d.reviewed_by(u).map(|c| c.child).collect::<Vec<_>>();
        assert_eq!((of(irene), of(ola)), (vec![amy], vec![ben]), "an agency IRO without an account reviews nobody listed");
    }

    #[test]
    fn distance_from_home_uses_the_postcode_else_its_district_and_counts_20_miles_or_more() {
        let today = date!(2026 - 12 - 07);
        let (amy, ben, cal, dot) = (PersonId::new(), PersonId::new(), PersonId::new(), PersonId::new());
        let home = |p: &mut PeriodOfCare, pc: &str| p.home_postcode = Some(Postcode::parse(pc).unwrap());
        // Amy: from Bath to Reading, whose postcode is not in the table (its district is).
        let mut a = period(date!(2026 - 02 - 02), LegalStatus::Section20, vec![placed(date!(2026 - 02 - 02), 1, PlacementType::FosterOther, "RG1 9ZZ")]);
        home(&mut a, "BA1 1AA");
        // Ben: near home. Cal: no home postcode. Dot: from a district nobody knows.
        let mut b = period(date!(2026 - 02 - 03), LegalStatus::Section20, vec![placed(date!(2026 - 02 - 03), 2, PlacementType::FosterOther, "BA2 1AA")]);
        home(&mut b, "BA1 1AA");
        let c = period(date!(2026 - 02 - 04), LegalStatus::Section20, vec![placed(date!(2026 - 02 - 04), 3, PlacementType::FosterOther, "RG1 1AA")]);
        let mut d = period(date!(2026 - 02 - 05), LegalStatus::Section20, vec![placed(date!(2026 - 02 - 05), 4, PlacementType::FosterOther, "RG1 1AA")]);
        home(&mut d, "ZE1 0AA");
        let at = |lat, lon| Location::new(lat, lon).unwrap();
        let table: BTreeMap<&str, Location> = [("BA1 1AA", at(51.3811, -2.3590)), ("BA2", at(51.36, -2.37)), ("RG1", at(51.454, -0.970)), ("RG1 1AA", at(51.456, -0.971))].into();
        let asked = postcodes_to_locate([&a, &b, &c, &d], today);
        assert_eq!(asked, ["BA1", "BA1 1AA", "BA2", "BA2 1AA", "RG1", "RG1 1AA", "RG1 9ZZ", "ZE1", "ZE1 0AA"]);
        let dash = build([(amy, &a), (ben, &b), (cal, &c), (dot, &d)], today, &[], |k| table.get(k).copied());
        let miles: Vec<Option<u32>> = dash.children.iter().map(|c| c.miles_from_home.map(|m| m.tenths() / 10)).collect();
        assert_eq!(miles, [Some(60), Some(1), None, None], "Bath to Reading is about 60 miles straight");
        assert_eq!(dash.far_from_home().iter().map(|c| c.child).collect::<Vec<_>>(), [amy]);
        // Nothing loaded: no distances, nobody counted.
        assert!(build([(amy, &a)], today, &[], |_| None).far_from_home().is_empty());
    }

    #[test]
    fn children_missing_now_and_unaccompanied_asylum_seekers_are_picked_out() {
        use crate::care::planning::{MissingEpisode, MissingKind, Uasc};
        let today = date!(2026 - 12 - 07);
        let (amy, ben) = (PersonId::new(), PersonId::new());
        let mut a = period(date!(2026 - 02 - 02), LegalStatus::Section20, vec![placed(date!(2026 - 02 - 02), 1, PlacementType::FosterOther, "BA1 1AA")]);
        let gone = |start, end| MissingEpisode { kind: MissingKind::Missing, start, end, interview: None };
        a.planning.missing = vec![gone(date!(2026 - 03 - 01), Some(date!(2026 - 03 - 02))), gone(date!(2026 - 12 - 05), None)];
        a.planning.uasc = Some(Uasc { from: date!(2026 - 02 - 02), until: None });
        let mut b = period(date!(2026 - 02 - 02), LegalStatus::Section20, vec![placed(date!(2026 - 02 - 02), 2, PlacementType::FosterOther, "BA1 1AA")]);
        b.planning.missing = vec![gone(date!(2026 - 03 - 01), Some(date!(2026 - 03 - 02)))];
        b.planning.uasc = Some(Uasc { from: date!(2026 - 02 - 02), until: Some(date!(2026 - 10 - 01)) });
        let d = build([(amy, &a), (ben, &b)], today, &[], |_| None);
        assert_eq!(d.missing().map(|c| (c.child, c.missing_since)).collect::<Vec<_>>(), [(amy, Some(date!(2026 - 12 - 05)))]);
        assert_eq!(d.uasc(), 1, "Ben's status ended in October");
    }
}
