//! UK postcodes, as the SSDA903 return records a child's home and placement: checked for
//! shape (not that the postcode exists) and kept in the Royal Mail's form, "SW1A 1AA".
use serde::{Deserialize, Serialize};

/// A postcode of the right shape, upper case, one space before the inward code.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Postcode(String);

/// Letters the inward code's last two places never use.
const NOT_INWARD: &[char] = &['C', 'I', 'K', 'M', 'O', 'V'];

impl Postcode {
    /// Reads a postcode as people type it ("sw1a1aa", " SW1A  1AA "); the error says what
    /// is wrong in words for the form.
    pub fn parse(s: &str) -> Result<Postcode, &'static str> {
        let compact: String = s.chars().filter(|c| !c.is_whitespace()).collect::<String>().to_ascii_uppercase();
        if compact.is_empty() {
            return Err("Enter a postcode");
        }
        if !compact.chars().all(|c| c.is_ascii_alphanumeric()) {
            return Err("A postcode has only letters and numbers, like SW1A 1AA");
        }
        if compact == "GIR0AA" {
            return Ok(Postcode("GIR 0AA".into()));
        }
        if !(5..=7).contains(&compact.len()) {
            return Err("Enter a full postcode, like SW1A 1AA");
        }
        let (outward, inward) = compact.split_at(compact.len() - 3);
        let inward_ok = {
            let c: Vec<char> = inward.chars().collect();
            c[0].is_ascii_digit() && c[1..].iter().all(|l| l.is_ascii_alphabetic() && !NOT_INWARD.contains(l))
        };
        if !inward_ok || !outward_ok(outward) {
            return Err("Enter a real postcode, like SW1A 1AA");
        }
        Ok(Postcode(format!("{outward} {inward}")))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The outward code ("SW1A"): the area and district.
    pub fn outward(&self) -> &str {
        self.0.split(' ').next().unwrap_or_default()
    }
}

/// The outward code's shapes: A9, A99, AA9, AA99, A9A, AA9A.
fn outward_ok(o: &str) -> bool {
    let shape: String = o.chars().map(|c| if c.is_ascii_digit() { '9' } else { 'A' }).collect();
    matches!(shape.as_str(), "A9" | "A99" | "AA9" | "AA99" | "A9A" | "AA9A")
}

impl std::fmt::Display for Postcode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for Postcode {
    type Error = &'static str;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Postcode::parse(&s)
    }
}

impl From<Postcode> for String {
    fn from(p: Postcode) -> String {
        p.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn every_shape_is_read_and_written_the_royal_mails_way() {
        for (typed, kept) in [
            ("M1 1AE", "M1 1AE"),
            ("b338th", "B33 8TH"),
            ("CR2 6XH", "CR2 6XH"),
            ("DN55 1PT", "DN55 1PT"),
            (" w1a 0ax ", "W1A 0AX"),
            ("EC1A1BB", "EC1A 1BB"),
            ("TW1  1AA", "TW1 1AA"),
            ("gir 0aa", "GIR 0AA"),
        ] {
            assert_eq!(Postcode::parse(typed).map(|p| p.0), Ok(kept.to_string()), "{typed}");
        }
        assert_eq!(Postcode::parse("SW1A 1AA").unwrap().outward(), "SW1A");
    }

    #[test]
    fn what_is_not_a_postcode_is_refused_in_words() {
        assert_eq!(Postcode::parse(""), Err("Enter a postcode"));
        assert_eq!(Postcode::parse("SW1A"), Err("Enter a full postcode, like SW1A 1AA"));
        assert_eq!(Postcode::parse("SW1A-1AA"), Err("A postcode has only letters and numbers, like SW1A 1AA"));
        for bad in ["123 456", "SW1A 1AC", "SW1A 1IA", "S 1AA", "1W1 1AA", "SWAA 1AA", "SW1AA 1AA", "AAAAAAA"] {
            assert!(Postcode::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn serde_refuses_a_bad_postcode() {
        assert!(serde_json::from_str::<Postcode>("\"TW1 1AA\"").is_ok());
        assert!(serde_json::from_str::<Postcode>("\"not one\"").is_err());
    }

    proptest! {
        /// Whatever is typed, a postcode read back from its kept form is the same postcode.
        #[test]
        fn reading_is_idempotent(s in "[A-Za-z0-9 ]{0,10}") {
            if let Ok(p) = Postcode::parse(&s) {
                prop_assert_eq!(Postcode::parse(p.as_str()), Ok(p.clone()));
                prop_assert!(p.as_str().len() <= 8 && p.as_str().contains(' '));
            }
        }
    }
}
