//! Fictional streets in real towns of the area, plausible postcodes, and fictional schools.

/// A town and the postcode districts that serve it.
pub(crate) struct Town {
    pub name: &'static str,
    pub districts: &'static [&'static str],
    pub weight: u32,
}

pub(crate) const TOWNS: &[Town] = &[
    Town { name: "Bath", districts: &["BA1", "BA2"], weight: 55 },
    Town { name: "Keynsham", districts: &["BS31"], weight: 12 },
    Town { name: "Midsomer Norton", districts: &["BA3"], weight: 10 },
    Town { name: "Radstock", districts: &["BA3"], weight: 7 },
    Town { name: "Peasedown St John", districts: &["BA2"], weight: 5 },
    Town { name: "Paulton", districts: &["BS39"], weight: 5 },
    Town { name: "Saltford", districts: &["BS31"], weight: 3 },
    Town { name: "Timsbury", districts: &["BA2"], weight: 3 },
];

/// Every district of `TOWNS`: the demo LA's area.
pub const DEMO_AREA: &[&str] = &["BA1", "BA2", "BA3", "BS31", "BS39"];

/// Where the demo's postcode districts are, for the children-in-care dashboard's distances
/// from home: the districts of `DEMO_AREA` and of the placements away from it. Approximate
/// district centres (latitude, longitude), written by hand for the demo, not taken from the
/// ONS Postcode Directory; the demo's postcodes are made up, so each is placed at its
/// district's centre.
pub const DEMO_DISTRICT_CENTRES: &[(&str, f64, f64)] = &[
    ("BA1", 51.395, -2.372),
    ("BA2", 51.352, -2.370),
    ("BA3", 51.285, -2.470),
    ("BS31", 51.408, -2.490),
    ("BS39", 51.318, -2.545),
    ("SN1", 51.557, -1.781),
    ("BS5", 51.463, -2.553),
    ("GL1", 51.860, -2.238),
    ("TA1", 51.012, -3.098),
    ("CF24", 51.486, -3.161),
    ("RG1", 51.455, -0.972),
];

pub(crate) const STREET_FIRST: &[&str] = &[
    "Meadow", "Orchard", "Mill", "Church", "Station", "Quarry", "Beech", "Rowan", "Hazel", "Willow", "Badger",
    "Kingfisher", "Heron", "Lark", "Coronation", "Victoria", "Albion", "Brunel", "Fosse", "Mendip", "Avon",
    "Somer", "Lansdown", "Combe", "Holloway", "Pennyquick", "Tyning", "Withy", "Cheddar", "Elm", "Larkhall",
    "Sion", "Wellow", "Chew", "Tucking", "Batch", "Cloud", "Priory", "Abbey", "Sawmill", "Farrier", "Cooper's",
    "St Anne's", "St Michael's", "Bishop's", "Miller's", "Weaver's", "Dyer's",
];
pub(crate) const STREET_LAST: &[&str] = &[
    "Road", "Street", "Lane", "Close", "Avenue", "Way", "Gardens", "Crescent", "Terrace", "Place", "Drive", "Walk",
    "View", "Rise", "Court", "Mews", "Grove", "Hill", "Park",
];
pub(crate) const FLAT_BLOCKS: &[&str] = &[
    "Kennet House", "Avon Court", "Brunel House", "Mendip Court", "Somerdale House", "Fosseway Court", "Tyning House",
    "Chapel Court", "Riverside House", "Orchard Court",
];

/// Letters allowed in the last two places of a postcode (no C, I, K, M, O or V).
pub(crate) const POSTCODE_UNIT_LETTERS: &[u8] = b"ABDEFGHJLNPQRSTUWXYZ";

/// A fictional school, its four-digit DfE school number, and its phase.
pub(crate) struct School {
    pub name: &'static str,
    pub number: u16,
    pub secondary: bool,
}

pub(crate) const SCHOOLS: &[School] = &[
    School { name: "St Aidan's C of E Primary School", number: 3012, secondary: false },
    School { name: "Brookfield Primary School", number: 2041, secondary: false },
    School { name: "Combe Vale Primary School", number: 2057, secondary: false },
    School { name: "Larkfield Infant and Junior School", number: 2063, secondary: false },
    School { name: "Holy Family Catholic Primary School", number: 3415, secondary: false },
    School { name: "Mendip Edge Primary Academy", number: 2078, secondary: false },
    School { name: "Somerdale Primary School", number: 2089, secondary: false },
    School { name: "Kingfisher Primary School", number: 2094, secondary: false },
    School { name: "Wellow Brook Primary School", number: 2102, secondary: false },
    School { name: "Chew Meadow Primary School", number: 2115, secondary: false },
    School { name: "Avonside Academy", number: 4031, secondary: true },
    School { name: "Fosse Way Community School", number: 4045, secondary: true },
    School { name: "St Gregory's Catholic College", number: 4612, secondary: true },
    School { name: "Norton Hill Park School", number: 4052, secondary: true },
    School { name: "Keynsham Brook Academy", number: 4068, secondary: true },
    School { name: "Lansdown Heights School", number: 4073, secondary: true },
    School { name: "Three Ways Meadow Special School", number: 7004, secondary: true },
];

pub(crate) const NURSERIES: &[&str] = &[
    "Little Acorns Nursery", "Rainbow Children's Centre", "Twerton Tots Pre-school", "Busy Bees Day Nursery (Keynsham)",
    "Ladybird Pre-school", "Mill Lane Children's Centre",
];

pub(crate) const HEALTH_BASES: &[&str] = &[
    "Health visiting team, Keynsham Health Centre", "Health visiting team, Hope House Surgery", "Health visiting team, Paulton Clinic",
    "Health visiting team, Combe Down Surgery", "Health visiting team, St James's Health Centre",
];

/// The DfE number of Bath and North East Somerset, used in generated UPNs.
pub(crate) const LA_NUMBER: u16 = 800;

#[cfg(test)]
mod tests {
    #[test]
    fn the_demo_area_is_every_town_s_districts() {
        for d in super::DEMO_AREA {
            assert!(super::DEMO_DISTRICT_CENTRES.iter().any(|c| c.0 == *d), "{d} has a centre");
        }
        for t in super::TOWNS {
            assert!(t.districts.iter().all(|d| super::DEMO_AREA.contains(d)), "{}", t.name);
        }
    }
}
