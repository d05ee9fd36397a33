//! The people of a family: identifiers, addresses, names, and the children and adults
//! themselves.
use super::{Ctx, Registry, Shape};
use crate::names::{Heritage, ENGLISH, HERITAGES, KNOWN_AS};
use crate::places::{School, FLAT_BLOCKS, HEALTH_BASES, LA_NUMBER, POSTCODE_UNIT_LETTERS, STREET_FIRST, STREET_LAST, TOWNS};
use crate::rng::Gen;
use crate::text::{TeamKind, BABY, UNBORN};
use hearth_domain::codes::{AliasKind, Disability, Ethnicity, Sex, UpnUnknown};
use hearth_domain::identifiers::{nhs_check_digit, upn_check_letter, NhsNumber, Upn};
use hearth_domain::person::{Address, OtherName, PersonDetails, PersonKind};
use hearth_domain::PersonId;
use time::{Date, Duration};

/// A child while the family is being put together.
pub(super) struct Child {
    pub id: PersonId,
    pub details: PersonDetails,
    /// This child's father: 0 the family's father, 1 the mother's later partner.
    pub father: Option<usize>,
    pub school: Option<&'static School>,
    /// When the record was made (and the case opened).
    pub created: Date,
    /// A baby whose pre-birth case closed (see `Family::closed_pre_birth`).
    pub closed: bool,
}

/// An adult, with what they are to the children in the notes' words ("mother").
pub(super) struct Adult {
    pub id: PersonId,
    pub details: PersonDetails,
    pub role: &'static str,
}

/// The adults of a family, and which of them is which.
#[derive(Default)]
pub(super) struct Adults {
    pub list: Vec<Adult>,
    pub mother: Option<usize>,
    /// Index 0: the father of the older children; 1: the father of the younger ones.
    pub fathers: [Option<usize>; 2],
    pub step_parent: Option<usize>,
    pub grandparents: Vec<usize>,
    pub aunt_uncle: Option<usize>,
    pub friend: Option<usize>,
    /// (adult, child, role and agency)
    pub professionals: Vec<(usize, usize, String)>,
}

impl Adults {
    fn push(&mut self, g: &mut Gen, details: PersonDetails, role: &'static str) -> usize {
        self.list.push(Adult { id: PersonId(g.uuid()), details, role });
        self.list.len() - 1
    }
}

pub(super) fn blank(kind: PersonKind, given: &str, family: &str) -> PersonDetails {
    PersonDetails::named(kind, given, family)
}

pub(super) fn years(y: i64) -> Duration {
    Duration::days(y * 365 + y / 4)
}

/// A test-range (999) NHS number, valid under modulus 11, not yet used.
fn nhs_number(g: &mut Gen, reg: &mut Registry) -> Option<NhsNumber> {
    for _ in 0..50 {
        let six = g.int(0, 999_999) as u32;
        let mut d = [9u32, 9, 9, 0, 0, 0, 0, 0, 0];
        let mut x = six;
        for i in (3..9).rev() {
            d[i] = x % 10;
            x /= 10;
        }
        let Some(check) = nhs_check_digit(&d) else { continue };
        if !reg.nhs.insert(six) {
            continue;
        }
        let s: String = d.iter().chain(std::iter::once(&check)).filter_map(|n| char::from_digit(*n, 10)).collect();
        return NhsNumber::parse(&s).ok();
    }
    None
}

/// A UPN issued by the LA for a child who started at `school` in `year`, not yet used.
fn upn(g: &mut Gen, reg: &mut Registry, school: &School, year: i32) -> Option<Upn> {
    let yy = year.rem_euclid(100);
    for _ in 0..50 {
        let serial = g.int(0, 999);
        let rest = format!("{LA_NUMBER:03}{:04}{yy:02}{serial:03}", school.number);
        let Ok(key) = rest.parse::<u64>() else { continue };
        let Some(check) = upn_check_letter(rest.as_bytes()) else { continue };
        if !reg.upn.insert(key) {
            continue;
        }
        return Upn::parse(&format!("{}{rest}", check as char)).ok();
    }
    None
}

fn postcode(g: &mut Gen, district: &str) -> String {
    let sector = g.int(1, 9);
    let a = *g.pick(POSTCODE_UNIT_LETTERS) as char;
    let b = *g.pick(POSTCODE_UNIT_LETTERS) as char;
    format!("{district} {sector}{a}{b}")
}

/// A fictional address in a real town.
fn address(g: &mut Gen, town: usize, from: Option<Date>, to: Option<Date>) -> Address {
    let t = &TOWNS[town];
    let street = format!("{} {}", g.pick(STREET_FIRST), g.pick(STREET_LAST));
    let mut lines = Vec::with_capacity(3);
    if g.chance(0.18) {
        lines.push(format!("Flat {}, {}", g.int(1, 24), g.pick(FLAT_BLOCKS)));
        lines.push(street);
    } else {
        lines.push(format!("{} {street}", g.int(1, 180)));
    }
    lines.push(t.name.to_string());
    let district = *g.pick(t.districts);
    Address { lines, postcode: Some(postcode(g, district)), from, to }
}

fn pick_town(g: &mut Gen) -> usize {
    g.weighted_index(TOWNS.iter().map(|t| t.weight))
}

/// Someone's only address, where they have lived since `from`.
fn single_address(g: &mut Gen, from: Option<Date>) -> Vec<Address> {
    let town = pick_town(g);
    vec![address(g, town, from, None)]
}

/// The family home over time, oldest first; the last is current.
pub(super) fn home_history(g: &mut Gen, today: Date) -> Vec<Address> {
    let n = *g.weighted(&[(1usize, 50), (2, 35), (3, 15)]);
    let mut town = pick_town(g);
    let mut from = g.days_before(today, 30, 3000);
    let mut out = vec![address(g, town, Some(from), None)];
    for _ in 1..n {
        if g.chance(0.3) {
            town = pick_town(g);
        }
        let to = from.saturating_sub(Duration::days(g.int(0, 20)));
        from = to.saturating_sub(Duration::days(g.int(120, 1500)));
        out.push(address(g, town, Some(from), Some(to)));
    }
    out.reverse();
    out
}

/// The family's addresses as they apply to someone born on `dob`.
fn addresses_since(home: &[Address], dob: Option<Date>) -> Vec<Address> {
    home.iter()
        .filter(|a| match (dob, a.to) {
            (Some(d), Some(to)) => to >= d,
            _ => true,
        })
        .map(|a| {
            let mut a = a.clone();
            if let (Some(d), Some(f)) = (dob, a.from)
                && f < d
            {
                a.from = Some(d);
            }
            a
        })
        .collect()
}

fn language(g: &mut Gen, h: &Heritage) -> String {
    (*g.weighted(h.languages)).to_string()
}

fn given_name(g: &mut Gen, h: &Heritage, sex: Option<Sex>) -> &'static str {
    match sex {
        Some(Sex::Male) => g.pick::<&str>(h.boys),
        Some(Sex::Female) => g.pick::<&str>(h.girls),
        _ => {
            if g.chance(0.5) {
                g.pick::<&str>(h.boys)
            } else {
                g.pick::<&str>(h.girls)
            }
        }
    }
}

/// The ethnicity of a child of two heritages, one of them White British.
fn mixed_ethnicity(a: &Heritage, b: &Heritage) -> Ethnicity {
    let other = if a.ethnicity == Ethnicity::WhiteBritish { b } else { a };
    match other.ethnicity {
        Ethnicity::Caribbean => Ethnicity::WhiteBlackCaribbean,
        Ethnicity::African => Ethnicity::WhiteBlackAfrican,
        Ethnicity::Pakistani | Ethnicity::Bangladeshi | Ethnicity::Indian => Ethnicity::WhiteAsian,
        Ethnicity::WhiteBritish => Ethnicity::WhiteBritish,
        _ => Ethnicity::MixedOther,
    }
}

pub(super) fn is_white(e: Ethnicity) -> bool {
    matches!(e, Ethnicity::WhiteBritish | Ethnicity::WhiteIrish | Ethnicity::WhiteOther | Ethnicity::Traveller | Ethnicity::GypsyRoma)
}

fn random_heritage(g: &mut Gen) -> &'static Heritage {
    &HERITAGES[g.weighted_index(HERITAGES.iter().map(|h| h.weight))]
}

/// Days before today of each born child's birth, oldest first, at least 330 days apart
/// (twins aside), the youngest at least `floor` days ago (room for a baby on the way).
fn birth_offsets(g: &mut Gen, born: usize, floor: i64) -> Vec<i64> {
    let mut offsets: Vec<i64> = Vec::with_capacity(born);
    if born > 0 {
        let min_oldest = floor + 330 * (born as i64 - 1);
        offsets.push(g.int(min_oldest, 6569));
        for i in 1..born {
            let prev = offsets[i - 1];
            let need = floor + 330 * (born - 1 - i) as i64;
            let gap = if g.chance(0.02) { 0 } else { g.int(330, (prev - need).min(2200)) };
            offsets.push(prev - gap);
        }
    }
    offsets
}

const DISABILITIES: &[(Disability, u32)] = &[
    (Disability::Autism, 25),
    (Disability::Learning, 25),
    (Disability::Communication, 15),
    (Disability::Behaviour, 10),
    (Disability::Mobility, 8),
    (Disability::Hearing, 4),
    (Disability::Vision, 4),
    (Disability::PersonalCare, 4),
    (Disability::HandFunction, 2),
    (Disability::Incontinence, 2),
    (Disability::Consciousness, 2),
    (Disability::Other, 5),
];

/// The children of the family, oldest first.
pub(super) fn children(g: &mut Gen, reg: &mut Registry, ctx: &Ctx<'_>, s: &Shape, n: usize) -> Vec<Child> {
    let today = ctx.today;
    let born_n = n - usize::from(s.unborn);
    // A baby due earlier (whose pre-birth case closed) comes after the born children.
    let floor = match s.pre_birth {
        Some((_, due)) => (today - due).whole_days() + 330,
        None if s.unborn => 200,
        None => 0,
    };
    let offsets = birth_offsets(g, born_n, floor);
    let all = n + usize::from(s.pre_birth.is_some());
    let mut children: Vec<Child> = Vec::with_capacity(all);
    for i in 0..all {
        let is_unborn = i >= born_n;
        let closed = i >= n;
        let dob = offsets.get(i).map(|days| today.saturating_sub(Duration::days(*days)));
        let sex = if is_unborn {
            if g.chance(0.3) { Some(if g.chance(0.5) { Sex::Male } else { Sex::Female }) } else { None }
        } else {
            Some(*g.weighted(&[(Sex::Male, 495), (Sex::Female, 495), (Sex::NotKnown, 10)]))
        };
        let younger = s.second_father && i >= s.younger_from;
        let father = if younger { Some(1) } else if s.has_father { Some(0) } else { None };
        let surname = if younger && g.chance(0.6) { s.second_surname } else { s.children_surname.as_str() };
        let names_h = if s.mixed && g.chance(0.5) { s.father_h } else { s.mother_h };
        let given = if is_unborn {
            "Unborn"
        } else {
            let mut given = given_name(g, names_h, sex);
            for _ in 0..5 {
                if !children.iter().any(|c| c.details.given_name == given) {
                    break;
                }
                given = given_name(g, names_h, sex);
            }
            given
        };
        let mut d = blank(PersonKind::Child, given, surname);
        d.sex = sex;
        d.date_of_birth = dob;
        if is_unborn {
            d.expected_date_of_birth = Some(match s.pre_birth.filter(|_| closed) {
                Some((_, due)) => due,
                None => today.saturating_add(Duration::days(g.int(14, 180))),
            });
        }
        let age = d.age_on(today).unwrap_or(0);
        d.ethnicity = Some(if g.chance(0.03) {
            Ethnicity::NotObtained
        } else if g.chance(0.005) {
            Ethnicity::Refused
        } else if s.mixed {
            mixed_ethnicity(s.mother_h, s.father_h)
        } else {
            s.mother_h.ethnicity
        });
        if !is_unborn && age >= 2 && g.chance(0.96) {
            let lang = language(g, s.mother_h);
            d.first_language = Some(if lang != "English" && age >= 5 && g.chance(0.4) { "English".to_string() } else { lang });
        }
        if !is_unborn && age >= 13 && g.chance(0.01) {
            d.gender = Some(
                match sex {
                    Some(Sex::Female) if g.chance(0.5) => "Trans boy",
                    Some(Sex::Male) if g.chance(0.5) => "Trans girl",
                    _ => "Non-binary",
                }
                .to_string(),
            );
        }
        let disabled_team = ctx.team_kind == TeamKind::Disabled;
        if !is_unborn && g.chance(if disabled_team { 0.9 } else { 0.06 }) {
            let k = if disabled_team { g.int(1, 3) } else { 1 };
            for _ in 0..k {
                let dis = *g.weighted(DISABILITIES);
                if !d.disabilities.contains(&dis) {
                    d.disabilities.push(dis);
                }
            }
        }
        if !is_unborn && g.chance(0.9) {
            d.nhs_number = nhs_number(g, reg);
        }
        let school = match age {
            _ if is_unborn => None,
            4..=10 => Some(s.primary),
            11..=17 if disabled_team && d.disabilities.len() >= 2 => Some(s.special),
            11..=17 => Some(s.secondary),
            _ => None,
        };
        if let (Some(_), Some(dob)) = (school, dob)
            && g.chance(0.8)
        {
            d.upn = upn(g, reg, s.primary, (dob.year() + 5).min(today.year()));
        }
        // Why there is no UPN: under school age, UN1; of school age, usually a reason, else
        // left for the worker (the census queries it, 8770Q). Chosen from the date of birth
        // so that the rest of the generated LA stays as it was.
        if let (None, Some(dob)) = (&d.upn, dob) {
            d.upn_unknown = match (age, dob.ordinal() % 4) {
                (0..=3, _) => Some(UpnUnknown::UnderSix),
                (4..=17, 1) => Some(UpnUnknown::NeverAttended),
                (4..=17, 2) => Some(UpnUnknown::RecordsDisagree),
                (4..=17, 3) => Some(UpnUnknown::CannotObtain),
                _ => None,
            };
        }
        if !is_unborn {
            if let Some((_, short)) = KNOWN_AS.iter().find(|(full, _)| *full == given)
                && g.chance(0.6)
            {
                d.other_names.push(OtherName { kind: AliasKind::KnownAs, given_name: (*short).to_string(), family_name: surname.to_string() });
            }
            if age >= 2 && g.chance(0.05) {
                let previous = if surname == s.maiden { s.second_surname } else { s.maiden };
                if previous != surname {
                    d.other_names.push(OtherName { kind: AliasKind::Previous, given_name: given.to_string(), family_name: previous.to_string() });
                }
            }
        }
        d.addresses = if is_unborn { s.home.last().cloned().into_iter().collect() } else { addresses_since(&s.home, dob) };
        let created = match (dob, s.pre_birth.filter(|_| closed)) {
            (_, Some((referral, _))) => referral,
            (Some(dob), None) => s.referral.max(dob),
            (None, None) => today.saturating_sub(Duration::days(g.int(7, 150))),
        }
        .min(today.saturating_sub(Duration::days(1)));
        children.push(Child { id: PersonId(g.uuid()), details: d, father, school, created, closed });
    }
    children
}

/// An adult of heritage `h`.
fn adult(g: &mut Gen, reg: &mut Registry, h: &Heritage, sex: Sex, family_name: &str, dob: Option<Date>) -> PersonDetails {
    let given = given_name(g, h, Some(sex));
    let mut d = blank(PersonKind::Adult, given, family_name);
    d.sex = Some(sex);
    d.date_of_birth = dob;
    d.ethnicity = Some(if g.chance(0.04) { Ethnicity::NotObtained } else { h.ethnicity });
    d.first_language = g.chance(0.9).then(|| language(g, h));
    if g.chance(0.55) {
        d.nhs_number = nhs_number(g, reg);
    }
    if g.chance(0.04) {
        d.disabilities.push(*g.pick(&[Disability::Mobility, Disability::Learning, Disability::Hearing, Disability::Other]));
    }
    d
}

/// Someone who works with the child: no date of birth, address or identifiers recorded.
fn professional(g: &mut Gen, sex: Sex) -> PersonDetails {
    let h = if g.chance(0.7) { &HERITAGES[ENGLISH] } else { random_heritage(g) };
    let family = *g.pick(h.surnames);
    let mut d = blank(PersonKind::Adult, given_name(g, h, Some(sex)), family);
    d.sex = Some(sex);
    d
}

/// The adults around the children: parents, sometimes a step-parent, a grandparent, a
/// family friend, and professionals.
pub(super) fn adults(g: &mut Gen, reg: &mut Registry, ctx: &Ctx<'_>, s: &Shape, children: &[Child]) -> Adults {
    let today = ctx.today;
    let mut a = Adults::default();
    let oldest_dob = children.first().and_then(|c| c.details.date_of_birth).unwrap_or(today);
    let mother_dob = oldest_dob.saturating_sub(years(g.int(17, 38))).saturating_sub(Duration::days(g.int(0, 364)));
    // Another adult's date of birth: `y` years (and some days) before the mother's.
    let around = |g: &mut Gen, lo: i64, hi: i64| mother_dob.saturating_sub(years(g.int(lo, hi))).saturating_sub(Duration::days(g.int(-180, 180))).min(today);
    if s.has_mother {
        let mut d = adult(g, reg, s.mother_h, Sex::Female, s.mother_surname, Some(mother_dob));
        if s.mother_married && s.maiden != s.mother_surname {
            d.other_names.push(OtherName { kind: AliasKind::BirthName, given_name: d.given_name.clone(), family_name: s.maiden.to_string() });
        }
        d.addresses = s.home.clone();
        a.mother = Some(a.push(g, d, "mother"));
    }
    if s.has_father {
        let dob = around(g, -3, 8);
        let dob = g.chance(0.9).then_some(dob);
        let mut d = adult(g, reg, s.father_h, Sex::Male, s.father_surname, dob);
        d.addresses = if s.father_at_home {
            s.home.clone()
        } else {
            let from = g.days_before(today, 30, 1500);
            single_address(g, Some(from))
        };
        a.fathers[0] = Some(a.push(g, d, "father"));
    }
    if s.second_father {
        let dob = around(g, -5, 8);
        let mut d = adult(g, reg, s.second_h, Sex::Male, s.second_surname, Some(dob));
        d.addresses = s.home.last().cloned().into_iter().collect();
        a.fathers[1] = Some(a.push(g, d, "father"));
    }
    if !s.second_father && s.has_mother && !s.father_at_home && g.chance(0.12) {
        let h = random_heritage(g);
        let sex = if g.chance(0.85) { Sex::Male } else { Sex::Female };
        let family = *g.pick(h.surnames);
        let dob = around(g, -6, 10);
        let dob = g.chance(0.8).then_some(dob);
        let mut d = adult(g, reg, h, sex, family, dob);
        d.addresses = s.home.last().cloned().into_iter().collect();
        a.step_parent = Some(a.push(g, d, "step-parent"));
    }
    // Relatives on the mother's side mostly.
    let maternal = s.has_mother && (!s.has_father || g.chance(0.7));
    let (side_h, side_surname) = if maternal { (s.mother_h, s.maiden) } else { (s.father_h, s.father_surname) };
    if g.chance(0.4) {
        let sex = if g.chance(0.75) { Sex::Female } else { Sex::Male };
        let dob = around(g, 18, 32);
        let dob = g.chance(0.85).then_some(dob);
        let mut d = adult(g, reg, side_h, sex, side_surname, dob);
        let since = if g.chance(0.3) { None } else { Some(g.days_before(today, 1000, 9000)) };
        d.addresses = single_address(g, since);
        let home = d.addresses.clone();
        let i = a.push(g, d, if sex == Sex::Female { "grandmother" } else { "grandfather" });
        a.grandparents.push(i);
        // Sometimes both grandparents, living together.
        if g.chance(0.4) {
            let other = if sex == Sex::Female { Sex::Male } else { Sex::Female };
            let dob = around(g, 18, 34);
            let dob = g.chance(0.85).then_some(dob);
            let mut d = adult(g, reg, side_h, other, side_surname, dob);
            d.addresses = home;
            let i = a.push(g, d, if other == Sex::Female { "grandmother" } else { "grandfather" });
            a.grandparents.push(i);
        }
    }
    if g.chance(0.35) {
        let sex = if g.chance(0.6) { Sex::Female } else { Sex::Male };
        let dob = around(g, -10, 10);
        let dob = g.chance(0.8).then_some(dob);
        let family = if g.chance(0.7) { side_surname } else { *g.pick(side_h.surnames) };
        let mut d = adult(g, reg, side_h, sex, family, dob);
        let since = g.days_before(today, 60, 4000);
        d.addresses = single_address(g, Some(since));
        a.aunt_uncle = Some(a.push(g, d, if sex == Sex::Female { "aunt" } else { "uncle" }));
    }
    if g.chance(0.1) {
        let h = random_heritage(g);
        let sex = if g.chance(0.7) { Sex::Female } else { Sex::Male };
        let family = *g.pick(h.surnames);
        let mut d = adult(g, reg, h, sex, family, None);
        d.nhs_number = None;
        a.friend = Some(a.push(g, d, "family friend"));
    }
    // A teacher for a school-age child, a health visitor or midwife for a baby.
    if let Some(ci) = children.iter().position(|c| c.school.is_some())
        && g.chance(0.35)
    {
        let sex = if g.chance(0.7) { Sex::Female } else { Sex::Male };
        let d = professional(g, sex);
        let school = children[ci].school.map(|s| s.name).unwrap_or("school");
        let role = *g.pick(&["Class teacher", "Designated safeguarding lead", "Head of year", "SENCo", "Family support worker"]);
        let i = a.push(g, d, "professional");
        a.professionals.push((i, ci, format!("{role}, {school}")));
    }
    if let Some(ci) = children.iter().position(|c| !c.closed && super::notes::band_on(&c.details, today) & (UNBORN | BABY) != 0)
        && g.chance(0.35)
    {
        let d = professional(g, Sex::Female);
        let role = if children[ci].details.is_unborn() {
            "Midwife, Royal United Hospital".to_string()
        } else {
            g.pick(HEALTH_BASES).replace("Health visiting team", "Health visitor")
        };
        let i = a.push(g, d, "professional");
        a.professionals.push((i, ci, role));
    }
    a
}

/// Removes the accents a form without them would lose ("Zoë" typed as "Zoe").
fn without_accents(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            'á' | 'à' | 'â' | 'ä' | 'ă' | 'ą' => 'a',
            'é' | 'è' | 'ê' | 'ë' | 'ę' => 'e',
            'í' | 'î' | 'ï' => 'i',
            'ó' | 'ô' | 'ö' => 'o',
            'ú' | 'ü' => 'u',
            'ŷ' => 'y',
            'ł' => 'l',
            'ś' | 'ș' => 's',
            'ț' => 't',
            'ż' | 'ź' => 'z',
            'ć' => 'c',
            'ń' => 'n',
            'Á' => 'A',
            'É' => 'E',
            'Ó' => 'O',
            'Ł' => 'L',
            'Ș' | 'Ś' => 'S',
            c => c,
        })
        .collect()
}

/// An earlier, wrong version of `d`, with the reason it was corrected.
pub(super) fn earlier_version(g: &mut Gen, d: &PersonDetails, today: Date) -> Option<(PersonDetails, &'static str)> {
    let mut options: Vec<u8> = Vec::new();
    if !d.given_name.is_ascii() && d.given_name != "Unborn" {
        options.push(0);
    }
    if d.family_name.is_ascii() && d.family_name.len() >= 5 && !d.family_name.contains([' ', '-', '\'']) {
        options.push(1);
    }
    if d.date_of_birth.is_some() {
        options.push(2);
    }
    if d.nhs_number.is_some() {
        options.push(3);
    }
    if options.is_empty() {
        return None;
    }
    let mut v1 = d.clone();
    match *g.pick(&options) {
        0 => {
            v1.given_name = without_accents(&d.given_name);
            Some((v1, "Name spelling corrected to match the birth certificate."))
        }
        1 => {
            let mut b: Vec<char> = d.family_name.chars().collect();
            let i = g.int(1, b.len() as i64 - 2) as usize;
            b.swap(i, i + 1);
            v1.family_name = b.into_iter().collect();
            if v1.family_name == d.family_name {
                v1.family_name.push('e');
            }
            Some((v1, "Family name was misspelt when the contact was taken; corrected."))
        }
        2 => {
            let dob = d.date_of_birth?;
            let shift = Duration::days(g.int(1, 40));
            let wrong = if g.chance(0.5) { dob.saturating_sub(shift) } else { dob.saturating_add(shift) };
            v1.date_of_birth = Some(if wrong > today { dob.saturating_sub(shift) } else { wrong });
            Some((v1, "Date of birth corrected after checking with the health visitor."))
        }
        _ => {
            v1.nhs_number = None;
            Some((v1, "NHS number confirmed through the Personal Demographics Service and added."))
        }
    }
}
