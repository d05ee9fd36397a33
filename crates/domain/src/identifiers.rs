//! National identifiers: the NHS number (modulus 11) and the Unique Pupil Number (DfE
//! check letter).
use serde::{Deserialize, Serialize};
use std::fmt;
use thiserror::Error;

#[derive(Debug, Error, PartialEq, Eq)]
pub enum IdentifierError {
    #[error("Enter an NHS number with 10 digits, like 943 476 5919")]
    NhsFormat,
    #[error("Enter a valid NHS number: the check digit does not match")]
    NhsCheckDigit,
    #[error("Enter a UPN with a letter, 11 digits and a final digit or letter, like A123456789012")]
    UpnFormat,
    #[error("Enter a valid UPN: the check letter does not match")]
    UpnCheckLetter,
}

/// A valid NHS number, stored as its 10 digits.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct NhsNumber(String);

impl NhsNumber {
    /// Parses an NHS number, allowing spaces and hyphens between digit groups.
    pub fn parse(input: &str) -> Result<Self, IdentifierError> {
        let digits: String = input.chars().filter(|c| !matches!(c, ' ' | '-')).collect();
        if digits.len() != 10 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(IdentifierError::NhsFormat);
        }
        let d: Vec<u32> = digits.bytes().map(|b| u32::from(b - b'0')).collect();
        match nhs_check_digit(&d[..9]) {
            Some(check) if check == d[9] => Ok(Self(digits)),
            _ => Err(IdentifierError::NhsCheckDigit),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The modulus-11 check digit for the first nine digits; `None` when the remainder makes the
/// number invalid (check value 10).
pub fn nhs_check_digit(first_nine: &[u32]) -> Option<u32> {
    let sum: u32 = first_nine.iter().enumerate().map(|(i, d)| d * (10 - i as u32)).sum();
    match 11 - (sum % 11) {
        11 => Some(0),
        10 => None,
        c => Some(c),
    }
}

impl fmt::Display for NhsNumber {
    /// Shown in the NHS's 3-3-4 grouping.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {} {}", &self.0[..3], &self.0[3..6], &self.0[6..])
    }
}

impl TryFrom<String> for NhsNumber {
    type Error = IdentifierError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

impl From<NhsNumber> for String {
    fn from(n: NhsNumber) -> String {
        n.0
    }
}

/// A valid Unique Pupil Number: a check letter, a 3-digit LA code, a 4-digit school code,
/// 2 digits of year and 3 digits of serial, the last of which may be a letter in a temporary
/// UPN.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Upn(String);

/// The DfE check-letter alphabet: 23 letters, without I, O and S.
const UPN_LETTERS: &[u8; 23] = b"ABCDEFGHJKLMNPQRTUVWXYZ";

fn upn_char_value(c: u8) -> Option<u32> {
    match c {
        b'0'..=b'9' => Some(u32::from(c - b'0')),
        _ => UPN_LETTERS.iter().position(|&l| l == c).map(|p| p as u32),
    }
}

/// The check letter for the last 12 characters of a UPN.
pub fn upn_check_letter(rest: &[u8]) -> Option<u8> {
    if rest.len() != 12 {
        return None;
    }
    let mut sum = 0u32;
    for (i, &c) in rest.iter().enumerate() {
        sum += upn_char_value(c)? * (i as u32 + 2);
    }
    Some(UPN_LETTERS[(sum % 23) as usize])
}

impl Upn {
    pub fn parse(input: &str) -> Result<Self, IdentifierError> {
        let upn: String = input.chars().filter(|c| !c.is_whitespace()).collect::<String>().to_ascii_uppercase();
        let b = upn.as_bytes();
        let well_formed = b.len() == 13
            && b[0].is_ascii_uppercase()
            && b[1..12].iter().all(u8::is_ascii_digit)
            && (b[12].is_ascii_digit() || UPN_LETTERS.contains(&b[12]));
        if !well_formed {
            return Err(IdentifierError::UpnFormat);
        }
        match upn_check_letter(&b[1..]) {
            Some(check) if check == b[0] => Ok(Self(upn)),
            _ => Err(IdentifierError::UpnCheckLetter),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Upn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for Upn {
    type Error = IdentifierError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

impl From<Upn> for String {
    fn from(n: Upn) -> String {
        n.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn known_valid_nhs_numbers() {
        for n in ["9434765919", "943 476 5919", "401-023-2137", "9999999999"] {
            assert!(NhsNumber::parse(n).is_ok(), "{n}");
        }
        assert_eq!(NhsNumber::parse("943 476 5919").unwrap().to_string(), "943 476 5919");
    }

    #[test]
    fn invalid_nhs_numbers() {
        assert_eq!(NhsNumber::parse("9434765918"), Err(IdentifierError::NhsCheckDigit));
        assert_eq!(NhsNumber::parse("94347659"), Err(IdentifierError::NhsFormat));
        assert_eq!(NhsNumber::parse("94347659AB"), Err(IdentifierError::NhsFormat));
        assert_eq!(NhsNumber::parse(""), Err(IdentifierError::NhsFormat));
        // Remainder giving check value 10 is never valid.
        let nine = [1, 2, 3, 4, 5, 6, 7, 8, 0];
        if nhs_check_digit(&nine).is_none() {
            for last in 0..10 {
                assert!(NhsNumber::parse(&format!("123456780{last}")).is_err());
            }
        }
    }

    #[test]
    fn known_upns() {
        // Built with the DfE algorithm: LA 938, school 4000, year 25, serial 001.
        let rest = b"938400025001";
        let check = upn_check_letter(rest).unwrap() as char;
        let upn = format!("{check}938400025001");
        assert!(Upn::parse(&upn).is_ok());
        assert!(Upn::parse(&upn.to_lowercase()).is_ok());
        let wrong = if check == 'A' { 'B' } else { 'A' };
        assert_eq!(Upn::parse(&format!("{wrong}938400025001")), Err(IdentifierError::UpnCheckLetter));
        assert_eq!(Upn::parse("A12345"), Err(IdentifierError::UpnFormat));
        assert!(Upn::parse("I938400025001").is_err());
    }

    proptest! {
        #[test]
        fn every_generated_nhs_number_validates(nine in proptest::collection::vec(0u32..10, 9)) {
            if let Some(c) = nhs_check_digit(&nine) {
                let s: String = nine.iter().chain(std::iter::once(&c)).map(|d| char::from_digit(*d, 10).unwrap()).collect();
                prop_assert!(NhsNumber::parse(&s).is_ok());
                // Changing any single digit breaks the check.
                for i in 0..10 {
                    let mut b = s.clone().into_bytes();
                    b[i] = b'0' + ((b[i] - b'0' + 1) % 10);
                    prop_assert!(NhsNumber::parse(std::str::from_utf8(&b).unwrap()).is_err());
                }
            }
        }

        #[test]
        fn every_generated_upn_validates(digits in "[0-9]{12}") {
            let check = upn_check_letter(digits.as_bytes()).unwrap() as char;
            let upn = format!("{check}{digits}");
            prop_assert!(Upn::parse(&upn).is_ok());
        }

        #[test]
        fn nhs_parse_never_panics(s in ".{0,20}") {
            let _ = NhsNumber::parse(&s);
            let _ = Upn::parse(&s);
        }
    }
}
