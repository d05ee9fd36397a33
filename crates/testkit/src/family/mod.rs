//! One family: its children, the adults around them, how they are related, and the case
//! notes of the children. Pure: it builds records and writes nothing.
mod notes;
mod people;

use crate::names::{Heritage, ENGLISH, HERITAGES};
use crate::places::{School, SCHOOLS};
use crate::rng::Gen;
use crate::staff::Worker;
use crate::text::TeamKind;
use hearth_domain::case_note::{CaseNote, CaseNoteDetails};
use hearth_domain::person::{Address, Allocation, ChangeMeta, PersonDetails, PersonRecord};
use hearth_domain::relationship::{Relationship, RelationshipType};
use hearth_domain::{PersonId, RelationshipId, TeamId, UserId};
use people::{Adults, Child};
use std::collections::HashSet;
use time::{Date, Duration, OffsetDateTime};

/// Identifiers handed out so far, so that no two people share one.
#[derive(Default)]
pub(crate) struct Registry {
    nhs: HashSet<u32>,
    upn: HashSet<u64>,
}

/// What the family builder needs to know about the world.
pub(crate) struct Ctx<'a> {
    pub now: OffsetDateTime,
    pub today: Date,
    pub notes_per_child: usize,
    pub worker: &'a Worker,
    pub team: TeamId,
    pub team_kind: TeamKind,
    pub restricted: bool,
    /// The first family: its oldest child is the README's example, so none is unborn.
    pub first: bool,
}

pub(crate) struct PersonWrite {
    pub record: PersonRecord,
    pub meta: ChangeMeta,
    /// A second version: the corrected facts and who corrected them, when and why.
    pub correction: Option<(PersonDetails, ChangeMeta)>,
    /// For a restricted record: who may see it.
    pub access_list: Vec<UserId>,
}

pub(crate) struct NoteWrite {
    pub note: CaseNote,
    pub correction: Option<(CaseNoteDetails, ChangeMeta)>,
}

pub(crate) struct Family {
    pub persons: Vec<PersonWrite>,
    pub relationships: Vec<Relationship>,
    pub notes: Vec<NoteWrite>,
    /// The children with an open case, oldest first: id, full name, born.
    pub children: Vec<(PersonId, String, bool)>,
    /// A baby on record as unborn whose pre-birth case, referred in the previous collection
    /// year, closed before the expected birth (the birth was never recorded here): a child
    /// besides the family's children with an open case.
    pub closed_pre_birth: Option<PersonId>,
}

const CHILDREN_PER_FAMILY: &[(usize, u32)] = &[(1, 35), (2, 30), (3, 20), (4, 15)];

/// How many children the next family has, at most `left`.
pub(crate) fn family_size(g: &mut Gen, left: usize) -> usize {
    (*g.weighted(CHILDREN_PER_FAMILY)).min(left).max(1)
}

/// The facts decided once for the whole family.
pub(super) struct Shape {
    mixed: bool,
    mother_h: &'static Heritage,
    father_h: &'static Heritage,
    /// Heritage of the mother's later partner, when the younger children have another father.
    second_h: &'static Heritage,
    has_mother: bool,
    has_father: bool,
    father_at_home: bool,
    unborn: bool,
    /// The referral and expected birth of a baby whose pre-birth case closed.
    pre_birth: Option<(Date, Date)>,
    second_father: bool,
    /// Children from this index on are the later partner's (`n` when there is none).
    younger_from: usize,
    father_surname: &'static str,
    second_surname: &'static str,
    maiden: &'static str,
    mother_married: bool,
    mother_surname: &'static str,
    children_surname: String,
    referral: Date,
    home: Vec<Address>,
    primary: &'static School,
    secondary: &'static School,
    special: &'static School,
}

fn plan(g: &mut Gen, ctx: &Ctx<'_>, n: usize) -> Shape {
    // A quarter of families of a minority heritage have one White British parent.
    let h = g.weighted_index(HERITAGES.iter().map(|h| h.weight));
    let mixed = !people::is_white(HERITAGES[h].ethnicity) && g.chance(0.25);
    let (mh, fh) = if mixed { if g.chance(0.5) { (ENGLISH, h) } else { (h, ENGLISH) } } else { (h, h) };
    let (mother_h, father_h) = (&HERITAGES[mh], &HERITAGES[fh]);

    let has_mother = g.chance(0.92);
    let has_father = !has_mother || g.chance(0.65);
    let father_at_home = has_father && (!has_mother || g.chance(0.5));
    let unborn = has_mother && !ctx.first && g.chance(0.047);
    let pre_birth = if has_mother && !ctx.first && !unborn && g.chance(0.03) { pre_birth(g, ctx.today) } else { None };
    let second_father = has_mother && n >= 2 && g.chance(0.2);
    let younger_from = if second_father { g.int(1, n as i64 - 1) as usize } else { n };

    let father_surname = *g.pick(father_h.surnames);
    let second_h = if g.chance(0.8) { mother_h } else { &HERITAGES[g.weighted_index(HERITAGES.iter().map(|h| h.weight))] };
    let second_surname = *g.pick(second_h.surnames);
    let maiden = *g.pick(mother_h.surnames);
    let mother_married = has_father && g.chance(0.5);
    let mother_surname = if mother_married { father_surname } else { maiden };
    let children_surname = if !has_father {
        mother_surname.to_string()
    } else {
        match g.int(0, 9) {
            0..=6 => father_surname.to_string(),
            7 | 8 => mother_surname.to_string(),
            _ if mother_surname != father_surname => format!("{mother_surname}-{father_surname}"),
            _ => father_surname.to_string(),
        }
    };

    let referral = g.days_before(ctx.today, 7, 730);
    let home = people::home_history(g, ctx.today);
    let primaries: Vec<&'static School> = SCHOOLS.iter().filter(|s| !s.secondary).collect();
    let primary = *g.pick(&primaries);
    let secondaries: Vec<&'static School> = SCHOOLS.iter().filter(|s| s.secondary && s.number < 7000).collect();
    let secondary = *g.pick(&secondaries);
    let special = SCHOOLS.iter().find(|s| s.number >= 7000).unwrap_or(secondary);
    Shape {
        mixed,
        mother_h,
        father_h,
        second_h,
        has_mother,
        has_father,
        father_at_home,
        unborn,
        pre_birth,
        second_father,
        younger_from,
        father_surname,
        second_surname,
        maiden,
        mother_married,
        mother_surname,
        children_surname,
        referral,
        home,
        primary,
        secondary,
        special,
    }
}

/// A pre-birth case of the previous collection year: referred from 6 weeks of pregnancy to
/// 6 weeks before the expected birth and a month before the census date, the birth expected
/// from about the census date to the end of that year (the DfE's expected range) and before
/// today. `None` when today leaves no such dates.
pub(crate) fn pre_birth(g: &mut Gen, today: Date) -> Option<(Date, Date)> {
    let year = crate::previous_collection_year(today);
    let (first, census) = (year.first_day(), year.reference_date());
    let year_end = Date::from_calendar_date(census.year(), time::Month::December, 31).ok()?;
    let due = g.date_between(census - Duration::days(20), (today - Duration::days(14)).min(year_end));
    let latest = (due - Duration::days(40)).min(census - Duration::days(30));
    let referral = g.date_between((due - Duration::days(240)).max(first), latest);
    (referral >= first && referral <= latest && due < today).then_some((referral, due))
}

/// Builds one family of `n` children.
pub(crate) fn build(g: &mut Gen, reg: &mut Registry, ctx: &Ctx<'_>, n: usize) -> Family {
    let shape = plan(g, ctx, n);
    let children = people::children(g, reg, ctx, &shape, n);
    let adults = people::adults(g, reg, ctx, &shape, &children);
    let relationships = relationships(g, ctx, &children, &adults);
    let notes = notes::notes(g, ctx, &children, &adults);
    let closed_pre_birth = children.iter().find(|c| c.closed).map(|c| c.id);
    let (persons, children) = records(g, ctx, children, adults, shape.referral);
    Family { persons, relationships, notes, children, closed_pre_birth }
}

fn relationships(g: &mut Gen, ctx: &Ctx<'_>, children: &[Child], adults: &Adults) -> Vec<Relationship> {
    let today = ctx.today;
    let yesterday = today.saturating_sub(Duration::days(1));
    let mut rels: Vec<Relationship> = Vec::new();
    // `from` is `kind` to `to`, recorded when the later of the two records was made.
    let mut rel = |g: &mut Gen, from: PersonId, to: PersonId, kind: RelationshipType, started: Option<Date>, ended: Option<Date>, note: Option<String>, on: Date| {
        let started = started.map(|s| s.min(today));
        let ended = ended.map(|e| e.min(today)).filter(|e| started.is_none_or(|s| *e >= s));
        rels.push(Relationship {
            id: RelationshipId(g.uuid()),
            version: 1,
            from,
            to,
            kind,
            started,
            ended,
            note,
            lives_together: false,
            parental_responsibility: None,
            recorded_by: ctx.worker.id,
            recorded_at: (on.midnight() + Duration::hours(12)).assume_utc().min(ctx.now),
        });
    };
    let id = |i: usize| adults.list[i].id;
    let moved_in = children.iter().find(|y| y.father == Some(1)).and_then(|y| y.details.date_of_birth).unwrap_or(today);
    for c in children {
        let dob = c.details.date_of_birth;
        if let Some(m) = adults.mother {
            rel(g, id(m), c.id, RelationshipType::Parent, dob, None, None, c.created);
        }
        if let Some(f) = c.father.and_then(|f| adults.fathers[f]) {
            rel(g, id(f), c.id, RelationshipType::Parent, dob, None, None, c.created);
        }
        if let (Some(f), false) = (adults.fathers[1], c.father == Some(1)) {
            // The younger children's father is the older children's step-parent.
            let started = moved_in.saturating_sub(Duration::days(g.int(200, 700))).max(dob.unwrap_or(moved_in));
            rel(g, id(f), c.id, RelationshipType::StepParent, Some(started), None, None, c.created);
        }
        if let Some(s) = adults.step_parent {
            let started = g.days_before(today, 90, 1500).max(dob.unwrap_or(today));
            let ended = g.chance(0.3).then(|| g.date_between(started.saturating_add(Duration::days(30)), yesterday));
            rel(g, id(s), c.id, RelationshipType::StepParent, Some(started), ended, None, c.created);
        }
        for &gp in &adults.grandparents {
            rel(g, id(gp), c.id, RelationshipType::Grandparent, dob, None, None, c.created);
        }
        if let Some(au) = adults.aunt_uncle {
            rel(g, id(au), c.id, RelationshipType::AuntUncle, dob, None, None, c.created);
        }
        if let Some(f) = adults.friend {
            let started = g.days_before(today, 365, 3000).max(dob.unwrap_or(today));
            let ended = g.chance(0.15).then(|| g.date_between(started, yesterday));
            rel(g, id(f), c.id, RelationshipType::FamilyFriend, Some(started), ended, None, c.created);
        }
    }
    for (i, a) in children.iter().enumerate() {
        for b in &children[i + 1..] {
            let kind = if a.father == b.father { RelationshipType::Sibling } else { RelationshipType::HalfSibling };
            rel(g, a.id, b.id, kind, b.details.date_of_birth, None, None, b.created);
        }
    }
    for (ai, ci, note) in &adults.professionals {
        let c = &children[*ci];
        let started = match c.details.date_of_birth {
            Some(dob) => g.days_before(today, 14, 700).max(dob),
            None => g.days_before(today, 7, 120),
        };
        let ended = g.chance(0.2).then(|| g.date_between(started, yesterday));
        rel(g, id(*ai), c.id, RelationshipType::Professional, Some(started), ended, Some(note.clone()), c.created.max(started));
    }
    // Who lives with whom and who holds parental responsibility, without more draws (so the
    // rest of the family is as before): the children live together, with their mother, the
    // younger children's father and a step-parent still with them; parents hold parental
    // responsibility.
    let at_home: Vec<PersonId> = adults.mother.into_iter().chain(adults.fathers[1]).map(id).collect();
    for r in &mut rels {
        match r.kind {
            RelationshipType::Parent => {
                r.parental_responsibility = Some(r.from);
                r.lives_together = at_home.contains(&r.from);
            }
            RelationshipType::StepParent => r.lives_together = r.ended.is_none(),
            RelationshipType::Sibling | RelationshipType::HalfSibling => r.lives_together = true,
            _ => {}
        }
    }
    rels
}

/// The records to store, with a second version for about one person in a hundred.
fn records(g: &mut Gen, ctx: &Ctx<'_>, children: Vec<Child>, adults: Adults, referral: Date) -> (Vec<PersonWrite>, Vec<(PersonId, String, bool)>) {
    let worker = ctx.worker;
    let allocation = Allocation { team: Some(ctx.team), worker: Some(worker.id) };
    let access_list: Vec<UserId> = if ctx.restricted { vec![worker.id, worker.manager] } else { Vec::new() };
    let summary = children.iter().filter(|c| !c.closed).map(|c| (c.id, c.details.full_name(), c.details.date_of_birth.is_some())).collect();
    let family_created = children.iter().map(|c| c.created).min().unwrap_or(referral);
    let all = children
        .into_iter()
        .map(|c| (c.id, c.details, c.created))
        .chain(adults.list.into_iter().map(|a| (a.id, a.details, family_created)));
    let mut persons = Vec::new();
    for (id, details, created) in all {
        let local = notes::local_time_on(g, created);
        let created_at = notes::instant(local).min(ctx.now - Duration::minutes(5));
        let earlier = if g.chance(0.01) { people::earlier_version(g, &details, ctx.today) } else { None };
        let (v1, correction) = match earlier {
            Some((v1, reason)) => {
                let at = (created_at + Duration::days(g.int(1, 60))).min(ctx.now - Duration::minutes(1)).max(created_at);
                (v1, Some((details, ChangeMeta { by: worker.id, at, reason: Some(reason.to_string()) })))
            }
            None => (details, None),
        };
        persons.push(PersonWrite {
            record: PersonRecord {
                id,
                version: 1,
                details: v1,
                allocation: allocation.clone(),
                restricted: ctx.restricted,
                created_at,
                created_by: worker.id,
                updated_at: created_at,
            },
            meta: ChangeMeta { by: worker.id, at: created_at, reason: None },
            correction,
            access_list: access_list.clone(),
        });
    }
    (persons, summary)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::staff;
    use hearth_app::local_time::uk_local;
    use hearth_domain::identifiers::{NhsNumber, Upn};
    use hearth_domain::person::PersonKind;

    fn families(seed: u64, count: usize, team: usize) -> (Vec<Family>, Date, OffsetDateTime) {
        let now = OffsetDateTime::now_utc();
        let today = uk_local(now).date();
        let mut g = Gen::new(seed);
        let staff = staff::build(&mut g, 100, now, "hash");
        let worker = staff.workers[0].clone();
        let mut reg = Registry::default();
        let out = (0..count)
            .map(|i| {
                let ctx = Ctx {
                    now,
                    today,
                    notes_per_child: 10,
                    worker: &worker,
                    team: staff.teams[team].id,
                    team_kind: staff::TEAMS[team].1,
                    restricted: i % 50 == 7,
                    first: i == 0,
                };
                let n = family_size(&mut g, 4);
                build(&mut g, &mut reg, &ctx, n)
            })
            .collect();
        (out, today, now)
    }

    #[test]
    fn every_record_is_valid_and_consistent() {
        for team in 0..staff::TEAMS.len() {
            let (fams, today, now) = families(11 + team as u64, 400, team);
            let local_now = uk_local(now);
            let (mut children, mut unborn, mut corrected_notes, mut corrected_people, mut closed) = (0, 0, 0, 0, 0);
            for f in &fams {
                let ids: Vec<PersonId> = f.persons.iter().map(|p| p.record.id).collect();
                for p in &f.persons {
                    let d = &p.record.details;
                    d.validate(today).unwrap_or_else(|e| panic!("{d:?}: {e}"));
                    if let Some((c, meta)) = &p.correction {
                        c.validate(today).unwrap_or_else(|e| panic!("{c:?}: {e}"));
                        assert_ne!(c, d);
                        assert!(meta.reason.is_some() && meta.at >= p.record.created_at && meta.at <= now);
                        corrected_people += 1;
                    }
                    if let Some(n) = &d.nhs_number {
                        assert!(n.as_str().starts_with("999"));
                        assert!(NhsNumber::parse(n.as_str()).is_ok());
                    }
                    if let Some(u) = &d.upn {
                        assert!(Upn::parse(u.as_str()).is_ok());
                        assert_eq!(&u.as_str()[1..4], "800");
                    }
                    assert!(p.record.created_at <= now);
                    assert_eq!(p.record.restricted, !p.access_list.is_empty());
                    if f.closed_pre_birth == Some(p.record.id) {
                        // Referred in the previous collection year, due before today and
                        // after the census date less a few weeks; born siblings born well
                        // before.
                        let year = crate::previous_collection_year(today);
                        let (due, referred) = (d.expected_date_of_birth.expect("unborn"), uk_local(p.record.created_at).date());
                        assert!(d.is_unborn() && due < today && due >= year.reference_date() - Duration::days(20), "{due}");
                        assert!(referred >= year.first_day() && referred < year.reference_date() && referred + Duration::days(40) <= due, "{referred} {due}");
                        for sibling in f.persons.iter().filter_map(|q| q.record.details.date_of_birth.filter(|_| q.record.details.kind == PersonKind::Child)) {
                            assert!(sibling + Duration::days(330) <= due, "{sibling} {due}");
                        }
                        assert!(!f.children.iter().any(|c| c.0 == p.record.id));
                        assert!(!f.notes.iter().any(|n| n.note.person == p.record.id));
                        closed += 1;
                    } else if d.kind == PersonKind::Child {
                        children += 1;
                        if d.is_unborn() {
                            unborn += 1;
                            assert!(d.expected_date_of_birth.is_some_and(|e| e > today));
                        } else {
                            let age = d.age_on(today).unwrap_or(-1);
                            assert!((0..=17).contains(&age), "age {age}");
                        }
                    }
                }
                for r in &f.relationships {
                    assert!(ids.contains(&r.from) && ids.contains(&r.to) && r.from != r.to);
                    if let (Some(s), Some(e)) = (r.started, r.ended) {
                        assert!(e >= s);
                    }
                    assert!(r.started.is_none_or(|s| s <= today));
                }
                for n in &f.notes {
                    assert!(ids.contains(&n.note.person));
                    n.note.details.validate(local_now).unwrap_or_else(|e| panic!("{:?}: {e}", n.note.details));
                    assert!(n.note.created_at <= now);
                    if let Some((c, meta)) = &n.correction {
                        c.validate(local_now).unwrap();
                        assert_ne!(c, &n.note.details);
                        assert!(meta.at >= n.note.created_at && meta.at <= now);
                        corrected_notes += 1;
                    }
                }
            }
            assert!(unborn > 0 && unborn * 100 < children * 5, "{unborn} unborn of {children}");
            assert!(closed > 0 && closed * 100 < fams.len() * 5, "{closed} closed pre-birth cases");
            assert!(corrected_notes > 0 && corrected_people > 0);
        }
    }

    #[test]
    fn the_first_family_starts_with_a_born_child() {
        for seed in 0..200 {
            let (fams, _, _) = families(seed, 1, 0);
            assert!(fams[0].children[0].2);
        }
    }
}
