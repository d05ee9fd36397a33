//! Rules on the header, the child's identifiers and characteristics, and the return as a
//! whole.
use super::{Check, Ctx, Hits, Kind, Loc, Place, Plant, Rule, Seen};
use crate::model::{self, CensusFile, Child, Header};
use std::collections::HashMap;
use time::{Date, Month};

pub static RULES: &[Rule] = &[
    Rule {
        code: "100",
        kind: Kind::Error,
        message: "Reference Date is incorrect",
        check: Check::Header(rule_100),
        plant: Plant::File(plant_100),
    },
    Rule {
        code: "4180",
        kind: Kind::Error,
        message: "Sex must be provided and equal M, F, or U",
        check: Check::Child(rule_4180),
        plant: Plant::Child(plant_4180),
    },
    Rule {
        code: "8500",
        kind: Kind::Error,
        message: "LA Child ID missing",
        check: Check::Child(rule_8500),
        plant: Plant::Child(plant_8500),
    },
    Rule {
        code: "8510",
        kind: Kind::Error,
        message: "More than one child record with the same LA Child ID",
        check: Check::Return(rule_8510),
        plant: Plant::File(plant_8510),
    },
];

/// The reference date must be 31 March of the header's year.
fn rule_100(header: &Header, _: &Ctx, hits: &mut Hits) {
    let expected = header.year.as_deref().and_then(|y| y.trim().parse::<i32>().ok()).and_then(|y| Date::from_calendar_date(y, Month::March, 31).ok());
    let given = model::date(&header.reference_date);
    if given.is_none() || given != expected {
        hits.add(vec![Loc::new(Place::Header, "ReferenceDate", &header.reference_date)]);
    }
}

fn plant_100(file: &mut CensusFile, _: &Ctx) -> bool {
    file.header.reference_date = Some("2026-03-30".into());
    true
}

fn rule_4180(child: &Child, _: &Ctx, hits: &mut Hits) {
    if !matches!(child.sex.as_deref(), Some("M" | "F" | "U")) {
        hits.add(vec![Loc::new(Place::Child, "Sex", &child.sex)]);
    }
}

fn plant_4180(child: &mut Child, _: &Ctx) -> bool {
    child.sex = Some("X".into());
    true
}

fn rule_8500(child: &Child, _: &Ctx, hits: &mut Hits) {
    if child.la_child_id.is_none() {
        hits.add(vec![Loc::new(Place::Child, "LAchildID", &child.la_child_id)]);
    }
}

fn plant_8500(child: &mut Child, _: &Ctx) -> bool {
    child.la_child_id = None;
    true
}

/// Every child whose LA id another child also has (missing ids count as one id, as in the
/// DfE's validator).
fn rule_8510(seen: &[Seen], _: &Ctx, hits: &mut Hits) {
    let mut count: HashMap<Option<&str>, usize> = HashMap::new();
    for s in seen {
        *count.entry(s.la_child_id.as_deref()).or_default() += 1;
    }
    for s in seen {
        if count.get(&s.la_child_id.as_deref()).copied().unwrap_or(0) > 1 {
            hits.add_for(s.la_child_id.clone(), vec![Loc::new(Place::Child, "LAchildID", &s.la_child_id)]);
        }
    }
}

fn plant_8510(file: &mut CensusFile, _: &Ctx) -> bool {
    let Some(first) = file.children.first().cloned() else { return false };
    let mut twin = first;
    twin.upn = None;
    file.children.push(twin);
    true
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;

    #[test]
    fn sex_must_be_m_f_or_u() {
        let mut c = valid_child();
        c.sex = Some("X".into());
        assert_eq!(fails(&c), ["4180"]);
        c.sex = None;
        assert_eq!(fails(&c), ["4180"]);
    }

    #[test]
    fn la_child_id_present_and_unique() {
        let mut c = valid_child();
        c.la_child_id = None;
        assert!(fails(&c).contains(&"8500"));
        assert!(file_fails(vec![valid_child(), valid_child()]).contains(&"8510"));
    }
}
