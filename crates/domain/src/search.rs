//! Person search: what is indexed and how a query is read.
//!
//! Names are folded (diacritics removed, lower case) and split into tokens. Each token is
//! indexed as itself (for prefix search) and, for typo tolerance, with every one-character
//! deletion (the symmetric-delete method): two words within one edit of each other always
//! share a key, so the store finds candidates with plain index look-ups and Hearth ranks
//! them by edit distance.
use crate::identifiers::{NhsNumber, PersonRef, PersonRefError, Upn};
use crate::person::{PersonDetails, PersonSummary};
use crate::PersonId;
use time::Date;
use unicode_normalization::UnicodeNormalization;

/// Tokens shorter than this get no deletion keys: one edit is too much of a short name.
const MIN_FUZZY_LEN: usize = 4;

/// Lower-cases, strips diacritics and keeps letters and digits; other characters split words.
pub fn fold(s: &str) -> String {
    s.nfkd()
        .filter(|c| !unicode_normalization::char::is_combining_mark(*c))
        .flat_map(char::to_lowercase)
        .map(|c| match c {
            'ø' => 'o',
            'æ' => 'a',
            'ß' => 's',
            'ł' => 'l',
            'đ' => 'd',
            c => c,
        })
        .map(|c| if c.is_alphanumeric() { c } else { ' ' })
        .collect()
}

/// Name tokens: folded words, with apostrophes joined ("O'Brien" → "obrien").
pub fn tokens(name: &str) -> Vec<String> {
    fold(&name.replace(['\'', '’'], ""))
        .split_whitespace()
        .map(str::to_string)
        .collect()
}

fn deletions(token: &str) -> Vec<String> {
    let chars: Vec<char> = token.chars().collect();
    if chars.len() < MIN_FUZZY_LEN {
        return Vec::new();
    }
    let mut out: Vec<String> = (0..chars.len())
        .map(|skip| chars.iter().enumerate().filter(|(i, _)| *i != skip).map(|(_, c)| c).collect())
        .collect();
    out.sort();
    out.dedup();
    out
}

/// How a key was derived, so prefix search uses whole tokens only.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum KeyKind {
    Token = 0,
    Deletion = 1,
}

/// The index keys of a person: every name and other name, tokenised, with deletions.
pub fn index_keys(d: &PersonDetails) -> Vec<(String, KeyKind)> {
    let mut names = vec![d.given_name.clone(), d.family_name.clone()];
    for n in &d.other_names {
        names.push(n.given_name.clone());
        names.push(n.family_name.clone());
    }
    let mut keys = Vec::new();
    for t in names.iter().flat_map(|n| tokens(n)) {
        for del in deletions(&t) {
            keys.push((del, KeyKind::Deletion));
        }
        keys.push((t, KeyKind::Token));
    }
    keys.sort();
    keys.dedup();
    // A word that is both a token and a deletion of another keeps only its token row.
    let toks: Vec<String> = keys.iter().filter(|(_, k)| *k == KeyKind::Token).map(|(s, _)| s.clone()).collect();
    keys.retain(|(s, k)| *k == KeyKind::Token || !toks.contains(s));
    keys
}

/// What the store looks up for one word of a name query: tokens starting with `prefix`, or
/// any key in `fuzzy`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TermLookup {
    pub term: String,
    pub prefix: String,
    pub fuzzy: Vec<String>,
}

impl TermLookup {
    pub fn new(term: &str) -> Self {
        let mut fuzzy = deletions(term);
        fuzzy.push(term.to_string());
        Self { term: term.to_string(), prefix: term.to_string(), fuzzy }
    }
}

/// A search box's text, read as identifiers, a date of birth and name words.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ParsedQuery {
    pub id: Option<PersonId>,
    /// A short reference (`H-4K7Q-2M`), or why what looks like one is not.
    pub reference: Option<Result<PersonRef, PersonRefError>>,
    pub nhs_number: Option<String>,
    pub upn: Option<String>,
    pub date_of_birth: Option<Date>,
    pub names: Vec<TermLookup>,
}

impl ParsedQuery {
    pub fn is_empty(&self) -> bool {
        self.id.is_none() && self.reference.is_none() && self.nhs_number.is_none() && self.upn.is_none() && self.date_of_birth.is_none() && self.names.is_empty()
    }
}

/// Reads a date as a person types it: 2014-03-09, 9/3/2014, 09-03-2014, 9.3.2014.
pub fn parse_date(s: &str) -> Option<Date> {
    let parts: Vec<&str> = s.split(['-', '/', '.']).collect();
    if parts.len() != 3 || parts.iter().any(|p| p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit())) {
        return None;
    }
    let n: Vec<i32> = parts.iter().filter_map(|p| p.parse().ok()).collect();
    let (y, m, d) = if parts[0].len() == 4 { (n[0], n[1], n[2]) } else if parts[2].len() == 4 { (n[2], n[1], n[0]) } else { return None };
    let month = time::Month::try_from(u8::try_from(m).ok()?).ok()?;
    Date::from_calendar_date(y, month, u8::try_from(d).ok()?).ok()
}

/// Reads a date as Hearth writes it, in three words: 18 September 2022 (or 18 Sept 2022).
pub fn parse_long_date(day: &str, month: &str, year: &str) -> Option<Date> {
    let m = month.trim_end_matches(['.', ',']).to_lowercase();
    if m.len() < 3 {
        return None;
    }
    let month = (1..=12u8).filter_map(|i| time::Month::try_from(i).ok()).find(|x| x.to_string().to_lowercase().starts_with(&m))?;
    let d: u8 = day.trim_end_matches(|c: char| c.is_ascii_alphabetic()).parse().ok()?; // 18th
    let y: i32 = year.parse().ok().filter(|_| year.len() == 4)?;
    Date::from_calendar_date(y, month, d).ok()
}

pub fn parse_query(input: &str) -> ParsedQuery {
    let mut q = ParsedQuery::default();
    let trimmed = input.trim();
    if let Ok(id) = trimmed.parse::<PersonId>() {
        q.id = Some(id);
        return q;
    }
    if PersonRef::looks_like(trimmed) {
        q.reference = Some(PersonRef::parse(trimmed));
        return q;
    }
    // NHS numbers are often typed in three groups.
    let compact: String = trimmed.chars().filter(|c| !c.is_whitespace()).collect();
    if let Ok(n) = NhsNumber::parse(&compact) {
        q.nhs_number = Some(n.as_str().to_string());
        return q;
    }
    let words: Vec<&str> = trimmed.split_whitespace().collect();
    let mut i = 0;
    while i < words.len() {
        let word = words[i];
        i += 1;
        if let [m, y, ..] = words[i..]
            && let Some(d) = parse_long_date(word, m, y)
        {
            q.date_of_birth = Some(d);
            i += 2;
        } else if let Some(d) = parse_date(word) {
            q.date_of_birth = Some(d);
        } else if let Ok(u) = Upn::parse(word).map_err(|_| ()).and_then(|u| if word.len() == 13 { Ok(u) } else { Err(()) }) {
            q.upn = Some(u.as_str().to_string());
        } else if let Ok(n) = NhsNumber::parse(word) {
            q.nhs_number = Some(n.as_str().to_string());
        } else {
            for t in tokens(word) {
                if !q.names.iter().any(|l| l.term == t) {
                    q.names.push(TermLookup::new(&t));
                }
            }
        }
    }
    q
}

/// Damerau-Levenshtein distance of the closest name token to a query term, or 0 for a
/// prefix match.
fn term_distance(term: &str, name_tokens: &[String]) -> Option<usize> {
    name_tokens
        .iter()
        .map(|t| if t.starts_with(term) { 0 } else { strsim::damerau_levenshtein(term, t) })
        .min()
}

/// Allowed edits for a term of this length.
fn tolerance(term: &str) -> usize {
    if term.chars().count() >= MIN_FUZZY_LEN { 1 } else { 0 }
}

/// Scores a candidate against the query: `None` when it does not match every name term
/// within tolerance; lower is better.
pub fn score(q: &ParsedQuery, p: &PersonSummary) -> Option<usize> {
    let mut toks = tokens(&p.given_name);
    toks.extend(tokens(&p.family_name));
    for n in &p.other_names {
        toks.extend(tokens(n));
    }
    let mut total = 0;
    for term in &q.names {
        let d = term_distance(&term.term, &toks)?;
        if d > tolerance(&term.term) {
            return None;
        }
        total += d;
    }
    if let Some(dob) = q.date_of_birth
        && p.date_of_birth != Some(dob) && p.expected_date_of_birth != Some(dob) {
            return None;
        }
    Some(total)
}

/// Keeps the candidates that match and orders them best first, then by name.
pub fn rank(q: &ParsedQuery, candidates: Vec<PersonSummary>) -> Vec<PersonSummary> {
    let mut scored: Vec<(usize, PersonSummary)> = candidates.into_iter().filter_map(|p| score(q, &p).map(|s| (s, p))).collect();
    scored.sort_by(|(a, pa), (b, pb)| {
        a.cmp(b)
            .then_with(|| fold(&pa.family_name).cmp(&fold(&pb.family_name)))
            .then_with(|| fold(&pa.given_name).cmp(&fold(&pb.given_name)))
    });
    scored.into_iter().map(|(_, p)| p).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::person::PersonKind;
    use proptest::prelude::*;
    use time::macros::date;

    fn summary(given: &str, family: &str, others: &[&str]) -> PersonSummary {
        PersonSummary {
            id: PersonId::new(),
            kind: PersonKind::Child,
            given_name: given.into(),
            family_name: family.into(),
            other_names: others.iter().map(|s| s.to_string()).collect(),
            date_of_birth: Some(date!(2015 - 03 - 09)),
            expected_date_of_birth: None,
            nhs_number: None,
            upn: None,
            restricted: false,
        }
    }

    #[test]
    fn folding() {
        assert_eq!(tokens("Zoë  Ó'Connor-Brontë"), vec!["zoe", "oconnor", "bronte"]);
        assert_eq!(fold("ÅSA Øvergård"), "asa overgard");
    }

    #[test]
    fn parses_identifiers_and_dates() {
        let q = parse_query("943 476 5919");
        assert_eq!(q.nhs_number.as_deref(), Some("9434765919"));
        let q = parse_query("smith 09/03/2015");
        assert_eq!(q.date_of_birth, Some(date!(2015 - 03 - 09)));
        assert_eq!(q.names.len(), 1);
        assert_eq!(parse_query("2015-03-09").date_of_birth, Some(date!(2015 - 03 - 09)));
        assert_eq!(parse_date("31/02/2015"), None);
        let id = PersonId::new();
        assert_eq!(parse_query(&id.to_string()).id, Some(id));
    }

    #[test]
    fn the_apps_own_date_format_and_references_are_read() {
        let q = parse_query("Amy 18 September 2022");
        assert_eq!(q.date_of_birth, Some(time::macros::date!(2022 - 09 - 18)));
        assert_eq!(q.names.iter().map(|n| n.term.as_str()).collect::<Vec<_>>(), ["amy"]);
        assert_eq!(parse_query("3 Sept 2015 jones").date_of_birth, Some(time::macros::date!(2015 - 09 - 03)));
        assert_eq!(parse_query("May 2015").date_of_birth, None, "not a whole date");
        assert_eq!(parse_query("31 February 2015").date_of_birth, None);
        let r = PersonRef::of_row(42).unwrap();
        assert_eq!(parse_query(&format!(" {r} ")).reference, Some(Ok(r)));
        let mut typo = r.to_string();
        let last = if typo.ends_with('0') { "1" } else { "0" };
        typo.replace_range(8..9, last);
        assert_eq!(parse_query(&typo).reference, Some(Err(PersonRefError::Check)));
    }

    #[test]
    fn matching_is_prefix_alias_and_typo_tolerant() {
        let p = summary("Chloé", "Thompson", &["Chloe Barnes"]);
        assert!(score(&parse_query("chlo"), &p).is_some(), "prefix");
        assert!(score(&parse_query("CHLOE thom"), &p).is_some(), "case and diacritics");
        assert!(score(&parse_query("barnes"), &p).is_some(), "alias");
        assert!(score(&parse_query("Thomspon"), &p).is_some(), "transposition");
        assert!(score(&parse_query("Tompson"), &p).is_some(), "deletion");
        assert!(score(&parse_query("Jones"), &p).is_none());
        assert!(score(&parse_query("thompson 10/03/2015"), &p).is_none(), "date must match");
    }

    #[test]
    fn exact_beats_fuzzy() {
        let a = summary("Amy", "Thomson", &[]);
        let b = summary("Amy", "Thompson", &[]);
        let ranked = rank(&parse_query("thompson"), vec![a.clone(), b.clone()]);
        assert_eq!(ranked[0].id, b.id);
        assert_eq!(ranked.len(), 2);
    }

    proptest! {
        /// Whenever two words are within one edit, the index finds one from the other.
        #[test]
        fn one_edit_always_shares_a_key(word in "[a-z]{4,10}", pos in 0usize..10, c in proptest::char::range('a', 'z'), op in 0u8..3) {
            let mut chars: Vec<char> = word.chars().collect();
            let pos = pos % chars.len();
            match op {
                0 => { chars[pos] = c; }
                1 => { chars.insert(pos, c); }
                _ => { chars.remove(pos); }
            }
            let typo: String = chars.into_iter().collect();
            let d = crate::person::PersonDetails::named(PersonKind::Child, word.clone(), "x");
            let keys: Vec<String> = index_keys(&d).into_iter().map(|(k, _)| k).collect();
            let look = TermLookup::new(&typo);
            let found = look.fuzzy.iter().any(|k| keys.contains(k))
                || keys.iter().any(|k| k.starts_with(&look.prefix));
            prop_assert!(found || typo.chars().count() < 4, "{} vs {}", word, typo);
        }
    }
}
