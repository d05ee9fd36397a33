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

/// A person's short reference, `H-4K7Q-2M`: what practitioners read out on the phone and type
/// into search instead of a 36-character id.
///
/// It is the store's row number for the person, scrambled so that people recorded one after
/// another do not get look-alike references, written in Crockford's base 32 (no I, L, O or U)
/// with a check character, so a mistyped or misheard character is caught rather than finding
/// someone else. Five characters hold 2^25 (33 million) people; the sixth is the check.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PersonRef(u32);

/// Crockford's base 32 alphabet.
const REF_ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const REF_BITS: u32 = 25;
const REF_MASK: u32 = (1 << REF_BITS) - 1;
/// Odd multipliers (so invertible modulo 2^25) and their inverses.
const REF_MUL: [(u32, u32); 2] = [(0x0155_5A5B, mul_inverse(0x0155_5A5B)), (0x00B3_6F2D, mul_inverse(0x00B3_6F2D))];

/// The inverse of an odd `a` modulo 2^25 (Newton's iteration doubles the correct bits).
const fn mul_inverse(a: u32) -> u32 {
    let mut x = a; // correct to 3 bits for any odd a
    let mut i = 0;
    while i < 4 {
        x = x.wrapping_mul(2u32.wrapping_sub(a.wrapping_mul(x)));
        i += 1;
    }
    x & REF_MASK
}

fn scramble(mut x: u32) -> u32 {
    for (m, _) in REF_MUL {
        x = x.wrapping_mul(m) & REF_MASK;
        x ^= x >> 13;
    }
    x
}

fn unscramble(mut x: u32) -> u32 {
    for (_, inv) in REF_MUL.iter().rev() {
        x ^= x >> 13; // x >> 13 leaves the top 13 bits alone, so one more xor undoes it
        x = x.wrapping_mul(*inv) & REF_MASK;
    }
    x
}

/// Weights of the check character: odd, so any one changed character changes the sum modulo
/// 32, and pairwise different modulo 16, so swapping two neighbours does too unless they
/// differ by exactly 16.
const REF_WEIGHTS: [u32; 5] = [1, 3, 5, 7, 9];

fn check_char(digits: &[u32; 5]) -> u32 {
    digits.iter().zip(REF_WEIGHTS).map(|(d, w)| d * w).sum::<u32>() % 32
}

#[derive(Clone, Copy, Debug, Error, PartialEq, Eq)]
pub enum PersonRefError {
    #[error("Enter a reference like H-4K7Q-2M")]
    Format,
    #[error("Check the reference: one of its characters is wrong")]
    Check,
}

impl PersonRef {
    /// The reference of the person stored in row `row` (rows count from 1); `None` past the
    /// 33 millionth person.
    pub fn of_row(row: i64) -> Option<Self> {
        u32::try_from(row).ok().filter(|r| *r <= REF_MASK).map(Self)
    }

    /// The store's row number for the person.
    pub fn row(self) -> i64 {
        i64::from(self.0)
    }

    /// Reads a reference as people write it: any case, with or without the `H`, hyphens or
    /// spaces; `I` and `L` read as 1 and `O` as 0.
    pub fn parse(s: &str) -> Result<Self, PersonRefError> {
        let cleaned: Vec<u8> = s.bytes().filter(|b| !matches!(b, b'-' | b' ')).map(|b| b.to_ascii_uppercase()).collect();
        let body = match cleaned.as_slice() {
            [b'H', rest @ ..] if rest.len() == 6 => rest,
            rest if rest.len() == 6 => rest,
            _ => return Err(PersonRefError::Format),
        };
        let mut values = [0u32; 6];
        for (v, b) in values.iter_mut().zip(body) {
            let b = match b {
                b'I' | b'L' => b'1',
                b'O' => b'0',
                b => *b,
            };
            let i = REF_ALPHABET.iter().position(|a| *a == b).ok_or(PersonRefError::Format)?;
            *v = i as u32;
        }
        let digits = [values[0], values[1], values[2], values[3], values[4]];
        if check_char(&digits) != values[5] {
            return Err(PersonRefError::Check);
        }
        let scrambled = digits.iter().fold(0u32, |acc, d| (acc << 5) | d);
        Ok(Self(unscramble(scrambled)))
    }

    /// Whether `s` is meant as a reference (`H-` followed by six characters), so search can
    /// say "check the reference" instead of looking for a name.
    pub fn looks_like(s: &str) -> bool {
        let t = s.trim();
        (t.len() == 9 || t.len() == 8) && t.as_bytes()[..2].eq_ignore_ascii_case(b"H-")
    }
}

impl fmt::Display for PersonRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let x = scramble(self.0);
        let digits = [(x >> 20) & 31, (x >> 15) & 31, (x >> 10) & 31, (x >> 5) & 31, x & 31];
        let c = |v: u32| REF_ALPHABET[v as usize] as char;
        write!(f, "H-{}{}{}{}-{}{}", c(digits[0]), c(digits[1]), c(digits[2]), c(digits[3]), c(digits[4]), c(check_char(&digits)))
    }
}

#[cfg(test)]
mod person_ref_tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn a_reference_reads_as_written() {
        let r = PersonRef::of_row(1).unwrap();
        let s = r.to_string();
        assert!(s.starts_with("H-") && s.len() == 9 && s.as_bytes()[6] == b'-', "{s}");
        assert_eq!(PersonRef::parse(&s), Ok(r));
        assert_eq!(PersonRef::parse(&s.to_lowercase().replace('-', " ")), Ok(r));
        assert_eq!(PersonRef::parse(&s[2..].replace('-', "")), Ok(r), "without the H");
        assert_eq!(PersonRef::parse("H-4K7Q"), Err(PersonRefError::Format));
        assert_eq!(PersonRef::parse("H-4K7Q-2U"), Err(PersonRefError::Format), "U is not in the alphabet");
        assert_eq!(PersonRef::of_row(1 << 25), None);
        assert_eq!(PersonRef::of_row(0).map(|r| r.row()), Some(0));
        assert!(PersonRef::looks_like(" h-4k7q-2m ") && !PersonRef::looks_like("Harper"));
    }

    #[test]
    fn neighbouring_rows_do_not_look_alike() {
        let a = PersonRef::of_row(1000).unwrap().to_string();
        let b = PersonRef::of_row(1001).unwrap().to_string();
        let same = a.chars().zip(b.chars()).filter(|(x, y)| x == y).count();
        assert!(same <= 5, "{a} and {b}");
    }

    proptest! {
        #[test]
        fn every_row_round_trips(row in 0i64..(1 << 25)) {
            let r = PersonRef::of_row(row).unwrap();
            prop_assert_eq!(PersonRef::parse(&r.to_string()), Ok(r));
            prop_assert_eq!(r.row(), row);
        }

        #[test]
        fn one_wrong_character_is_caught(row in 0i64..(1 << 25), at in 0usize..6, by in 1u32..32) {
            let s = PersonRef::of_row(row).unwrap().to_string();
            let mut chars: Vec<u8> = s.bytes().filter(|b| *b != b'-').collect(); // H + 6
            let i = REF_ALPHABET.iter().position(|a| *a == chars[1 + at]).unwrap() as u32;
            chars[1 + at] = REF_ALPHABET[((i + by) % 32) as usize];
            let typo = String::from_utf8(chars).unwrap();
            prop_assert_eq!(PersonRef::parse(&typo), Err(PersonRefError::Check));
        }
    }
}
