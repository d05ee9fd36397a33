//! How far a looked-after child is placed from home (issue 17): the straight-line distance
//! between the postcode of the home they were looked after from and their placement's, as
//! the DfE's statistics measure it, from the postcodes' locations in the ONS Postcode
//! Directory. A postcode the directory does not hold (a new one, a typing slip that is still
//! a postcode's shape) is placed at the centre of its district (its outward code), which is
//! close enough for a figure counted in miles.
use super::postcode::Postcode;
use std::collections::BTreeMap;

/// The mean radius of the Earth in miles (IUGG), for the haversine formula.
pub const EARTH_RADIUS_MILES: f64 = 3958.8;

/// The distance from which the DfE's statistics count a child as placed far from home.
pub const FAR_FROM_HOME: Miles = Miles(200);

/// A point on the Earth (WGS84 latitude and longitude in degrees, as the ONSPD gives them).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Location {
    lat: f64,
    lon: f64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum LocationError {
    #[error("a latitude is a number from -90 to 90")]
    Latitude,
    #[error("a longitude is a number from -180 to 180")]
    Longitude,
}

impl Location {
    pub fn new(lat: f64, lon: f64) -> Result<Location, LocationError> {
        // `contains` is false for NaN, so NaN is refused with the rest.
        if !(-90.0..=90.0).contains(&lat) {
            return Err(LocationError::Latitude);
        }
        if !(-180.0..=180.0).contains(&lon) {
            return Err(LocationError::Longitude);
        }
        Ok(Location { lat, lon })
    }

    pub fn lat(&self) -> f64 {
        self.lat
    }

    pub fn lon(&self) -> f64 {
        self.lon
    }

    /// In millionths of a degree, as the store keeps it: the ONSPD's six decimals exactly,
    /// as integers that both databases compare and return alike.
    pub fn micro_degrees(&self) -> (i64, i64) {
        ((self.lat * 1e6).round() as i64, (self.lon * 1e6).round() as i64)
    }

    pub fn from_micro_degrees(lat: i64, lon: i64) -> Result<Location, LocationError> {
        Location::new(lat as f64 / 1e6, lon as f64 / 1e6)
    }

    /// The great-circle distance in miles (haversine: accurate to well under 1% for the
    /// Earth taken as a sphere, which is all a straight-line figure needs).
    pub fn miles_to(&self, other: &Location) -> f64 {
        let (p1, p2) = (self.lat.to_radians(), other.lat.to_radians());
        let dp = p2 - p1;
        let dl = (other.lon - self.lon).to_radians();
        let a = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
        // Rounding can push `a` a hair above 1 for antipodes; asin would give NaN.
        2.0 * EARTH_RADIUS_MILES * a.sqrt().min(1.0).asin()
    }
}

/// A distance to a tenth of a mile. Whole tenths keep the dashboard's figures comparable
/// for equality (`ChildInCare` is `Eq`), and nothing finer means anything between
/// two postcodes' centres.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Miles(u32);

impl Miles {
    /// The distance `miles` (negative or not a number: none), to the nearest tenth.
    pub fn from_f64(miles: f64) -> Miles {
        Miles((miles * 10.0).round().clamp(0.0, f64::from(u32::MAX)) as u32)
    }

    pub fn tenths(self) -> u32 {
        self.0
    }

    pub fn as_f64(self) -> f64 {
        f64::from(self.0) / 10.0
    }
}

/// Whole miles, rounded down so that "20 miles" is shown exactly when the child counts as
/// placed 20 miles or more from home.
impl std::fmt::Display for Miles {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.0 / 10 {
            0 => f.write_str("under 1 mile"),
            1 => f.write_str("1 mile"),
            n => write!(f, "{n} miles"),
        }
    }
}

/// Where `postcode` is: its own location, else its district's centre; `None` when the
/// lookup knows neither.
pub fn locate(postcode: &Postcode, lookup: impl Fn(&str) -> Option<Location>) -> Option<Location> {
    lookup(postcode.as_str()).or_else(|| lookup(postcode.outward()))
}

/// The straight-line miles between two postcodes, when both can be located.
pub fn miles_between(a: Option<&Postcode>, b: Option<&Postcode>, lookup: impl Fn(&str) -> Option<Location>) -> Option<Miles> {
    let (a, b) = (locate(a?, &lookup)?, locate(b?, &lookup)?);
    Some(Miles::from_f64(a.miles_to(&b)))
}

/// The keys to look up to locate `postcodes`: each postcode and its outward code, sorted,
/// each once.
pub fn lookup_keys<'a>(postcodes: impl IntoIterator<Item = &'a Postcode>) -> Vec<String> {
    let mut keys: Vec<String> = postcodes.into_iter().flat_map(|p| [p.as_str().to_string(), p.outward().to_string()]).collect();
    keys.sort();
    keys.dedup();
    keys
}

/// The rows of a postcode directory: every postcode, then every outward code at the centre
/// of its postcodes (the mean of their latitudes and longitudes: a district spans a few
/// miles, where the mean of the degrees is as good as a true centroid), each key once,
/// sorted. Returns the rows and how many districts there are.
pub fn with_district_centres(postcodes: BTreeMap<Postcode, Location>) -> (Vec<(String, Location)>, usize) {
    let mut sums: BTreeMap<String, (f64, f64, u32)> = BTreeMap::new();
    for (p, l) in &postcodes {
        let s = sums.entry(p.outward().to_string()).or_insert((0.0, 0.0, 0));
        s.0 += l.lat;
        s.1 += l.lon;
        s.2 += 1;
    }
    let districts = sums.len();
    let centres = sums.into_iter().map(|(k, (lat, lon, n))| {
        let n = f64::from(n);
        // Means of valid latitudes and longitudes are valid.
        (k, Location { lat: lat / n, lon: lon / n })
    });
    let mut rows: Vec<(String, Location)> = postcodes.into_iter().map(|(p, l)| (String::from(p), l)).chain(centres).collect();
    rows.sort_by(|a, b| a.0.cmp(&b.0));
    (rows, districts)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn at(lat: f64, lon: f64) -> Location {
        Location::new(lat, lon).unwrap()
    }

    #[test]
    fn known_distances_come_out_right() {
        // London (Charing Cross) to Bath (the Abbey): about 97 miles as the crow flies.
        let london = at(51.5074, -0.1278);
        let bath = at(51.3811, -2.3590);
        let d = london.miles_to(&bath);
        assert!((96.0..98.5).contains(&d), "{d}");
        // Land's End to John o' Groats: about 603 miles.
        let d = at(50.0657, -5.7132).miles_to(&at(58.6373, -3.0689));
        assert!((600.0..606.0).contains(&d), "{d}");
        // A degree of latitude is about 69 miles anywhere.
        let d = at(10.0, 20.0).miles_to(&at(11.0, 20.0));
        assert!((68.9..69.2).contains(&d), "{d}");
        // Half way round the world, without a NaN.
        let d = at(0.0, 0.0).miles_to(&at(0.0, 180.0));
        assert!((d - std::f64::consts::PI * EARTH_RADIUS_MILES).abs() < 0.01, "{d}");
    }

    #[test]
    fn locations_out_of_range_are_refused() {
        assert_eq!(Location::new(90.1, 0.0), Err(LocationError::Latitude));
        assert_eq!(Location::new(-91.0, 0.0), Err(LocationError::Latitude));
        assert_eq!(Location::new(f64::NAN, 0.0), Err(LocationError::Latitude));
        assert_eq!(Location::new(0.0, 180.5), Err(LocationError::Longitude));
        assert_eq!(Location::new(0.0, f64::INFINITY), Err(LocationError::Longitude));
        assert!(Location::new(-90.0, -180.0).is_ok() && Location::new(90.0, 180.0).is_ok());
        let l = at(51.381_234, -2.359_001);
        assert_eq!(l.micro_degrees(), (51_381_234, -2_359_001));
        assert_eq!(Location::from_micro_degrees(51_381_234, -2_359_001).unwrap().micro_degrees(), (51_381_234, -2_359_001));
        assert_eq!(Location::from_micro_degrees(99_999_999, 0), Err(LocationError::Latitude), "the ONSPD's 'no location'");
    }

    #[test]
    fn miles_are_kept_to_a_tenth_and_shown_in_whole_miles_rounded_down() {
        assert_eq!(Miles::from_f64(12.34).tenths(), 123);
        assert_eq!(Miles::from_f64(-1.0).tenths(), 0);
        assert_eq!(Miles::from_f64(f64::NAN).tenths(), 0);
        assert_eq!(Miles::from_f64(19.96), FAR_FROM_HOME, "rounded to the tenth first");
        assert_eq!(Miles::from_f64(12.34).as_f64(), 12.3);
        let shown = |m: f64| Miles::from_f64(m).to_string();
        assert_eq!([shown(0.3), shown(1.0), shown(1.9), shown(12.34), shown(19.94), shown(20.0)], ["under 1 mile", "1 mile", "1 mile", "12 miles", "19 miles", "20 miles"]);
        assert!(Miles::from_f64(19.94) < FAR_FROM_HOME && Miles::from_f64(20.0) >= FAR_FROM_HOME);
    }

    #[test]
    fn a_postcode_is_found_itself_or_at_its_districts_centre() {
        let pc = |s: &str| Postcode::parse(s).unwrap();
        let table: BTreeMap<String, Location> = [("BA1 1AA".to_string(), at(51.38, -2.36)), ("BA1".to_string(), at(51.40, -2.37)), ("RG1".to_string(), at(51.45, -0.97))].into();
        let lookup = |k: &str| table.get(k).copied();
        assert_eq!(locate(&pc("BA1 1AA"), lookup), Some(at(51.38, -2.36)), "the postcode itself first");
        assert_eq!(locate(&pc("BA1 9ZZ"), lookup), Some(at(51.40, -2.37)), "else its district");
        assert_eq!(locate(&pc("SW1A 1AA"), lookup), None);
        let d = miles_between(Some(&pc("BA1 1AA")), Some(&pc("RG1 4XX")), lookup).unwrap();
        assert!(matches!(d.tenths(), 595..=610), "Bath to Reading, about 60 miles: {d:?}");
        assert_eq!(miles_between(None, Some(&pc("RG1 4XX")), lookup), None, "no home postcode");
        assert_eq!(miles_between(Some(&pc("SW1A 1AA")), Some(&pc("RG1 4XX")), lookup), None, "a postcode nowhere");
        assert_eq!(lookup_keys([&pc("BA1 1AA"), &pc("BA1 2BB"), &pc("BA1 1AA")]), ["BA1", "BA1 1AA", "BA1 2BB"]);
    }

    #[test]
    fn districts_sit_at_the_centre_of_their_postcodes() {
        let pc = |s: &str| Postcode::parse(s).unwrap();
        let postcodes: BTreeMap<Postcode, Location> = [(pc("BA1 1AA"), at(51.0, -2.0)), (pc("BA1 2BB"), at(52.0, -3.0)), (pc("RG1 1AA"), at(51.45, -0.97))].into();
        let (rows, districts) = with_district_centres(postcodes);
        assert_eq!(districts, 2);
        let keys: Vec<&str> = rows.iter().map(|r| r.0.as_str()).collect();
        assert_eq!(keys, ["BA1", "BA1 1AA", "BA1 2BB", "RG1", "RG1 1AA"]);
        assert_eq!(rows[0].1, at(51.5, -2.5));
        assert_eq!(rows[3].1, at(51.45, -0.97));
    }

    fn location() -> impl Strategy<Value = Location> {
        (-90.0f64..=90.0, -180.0f64..=180.0).prop_map(|(lat, lon)| at(lat, lon))
    }

    proptest! {
        #[test]
        fn distance_is_symmetric_and_zero_to_itself(a in location(), b in location()) {
            prop_assert!((a.miles_to(&b) - b.miles_to(&a)).abs() < 1e-6);
            prop_assert!(a.miles_to(&a).abs() < 1e-9);
            prop_assert!(a.miles_to(&b) >= 0.0);
            prop_assert!(a.miles_to(&b) <= std::f64::consts::PI * EARTH_RADIUS_MILES + 1e-6);
        }

        #[test]
        fn distance_keeps_the_triangle_inequality(a in location(), b in location(), c in location()) {
            prop_assert!(a.miles_to(&c) <= a.miles_to(&b) + b.miles_to(&c) + 1e-6);
        }

        #[test]
        fn micro_degrees_round_trip(a in location()) {
            let (lat, lon) = a.micro_degrees();
            let back = Location::from_micro_degrees(lat, lon).unwrap();
            prop_assert!(a.miles_to(&back) < 0.001);
            prop_assert_eq!(back.micro_degrees(), (lat, lon));
        }
    }
}
