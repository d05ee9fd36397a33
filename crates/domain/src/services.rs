//! The directory of services a council offers its children in care, care leavers and their
//! families (seed 004): kept as data in the repository (`data/services/`, one file per
//! council), checked like the policy packs, with who each service is for, how to refer and
//! how to get in touch; and a referral of a young person to one of them, with its outcome.
use crate::calendar::FileError;
use crate::codes::{code_list, Coded};
use crate::ids::id_type;
use crate::validation::FieldErrors;
use crate::{PersonId, UserId};
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use time::Date;
use toml::Spanned;

/// The demo council's directory, modelled on seed 004 (shipped in the binary).
pub const DEMO_DIRECTORY: &str = include_str!("../../../data/services/demo.toml");

code_list!(
    /// Who a service is for.
    ServiceFor {
        LookedAfter = "looked_after": "Children in care",
        CareLeaver = "care_leaver": "Care leavers",
        Family = "family": "Families, carers and adopters",
    }
);

code_list!(
    /// What kind of service it is.
    Category {
        Placements = "placements": "Placements and homes",
        Health = "health": "Health and mental health",
        Education = "education": "Education",
        Advocacy = "advocacy": "Advocacy and rights",
        Leisure = "leisure": "Leisure",
        Accommodation = "accommodation": "Supported accommodation",
        Contact = "contact": "Family time",
        Adoption = "adoption": "Adoption support",
        Safety = "safety": "Exploitation and abuse",
        Therapy = "therapy": "Counselling and therapy",
        Support = "support": "Support and advice",
    }
);

/// One service of the directory.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Service {
    /// Its stable key (lower-case letters, digits and hyphens): referrals name it.
    pub key: String,
    pub name: String,
    pub category: Category,
    pub description: String,
    /// Who runs it, when not the council.
    pub provider: Option<String>,
    pub open_to: Vec<ServiceFor>,
    pub min_age: Option<i32>,
    pub max_age: Option<i32>,
    /// How to refer.
    pub refer: String,
    /// How to get in touch.
    pub contact: String,
}

/// A young person as the directory's eligibility reads them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Seeker {
    pub age: Option<i32>,
    pub looked_after: bool,
    pub care_leaver: bool,
}

impl Service {
    /// Why the young person cannot use the service, if they cannot.
    pub fn refused(&self, s: Seeker) -> Option<String> {
        let group = (s.looked_after && self.open_to.contains(&ServiceFor::LookedAfter)) || (s.care_leaver && self.open_to.contains(&ServiceFor::CareLeaver)) || self.open_to.contains(&ServiceFor::Family);
        if !group {
            let whom: Vec<&str> = self.open_to.iter().map(|f| f.label()).collect();
            return Some(format!("{} is for {}", self.name, whom.join(" and ").to_lowercase()));
        }
        match s.age {
            Some(a) if self.min_age.is_some_and(|m| a < m) => Some(format!("{} is from the age of {}", self.name, self.min_age.unwrap_or(0))),
            Some(a) if self.max_age.is_some_and(|m| a > m) => Some(format!("{} is up to the age of {}", self.name, self.max_age.unwrap_or(0))),
            _ => None,
        }
    }

    /// "16 to 24", "up to 17", "any age".
    pub fn ages(&self) -> String {
        match (self.min_age, self.max_age) {
            (Some(a), Some(b)) => format!("{a} to {b}"),
            (Some(a), None) => format!("{a} and over"),
            (None, Some(b)) => format!("up to {b}"),
            (None, None) => "any age".into(),
        }
    }

    fn matches(&self, words: &[String]) -> bool {
        let text = format!("{} {} {} {}", self.name, self.description, self.provider.as_deref().unwrap_or(""), self.category.label()).to_lowercase();
        words.iter().all(|w| text.contains(w.as_str()))
    }
}

/// A council's directory.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Directory {
    pub council: String,
    pub version: String,
    pub services: Vec<Service>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDirectory {
    council: Option<Spanned<String>>,
    version: Option<Spanned<String>>,
    #[serde(default)]
    service: Vec<Spanned<RawService>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawService {
    key: Option<Spanned<String>>,
    name: Option<Spanned<String>>,
    category: Option<Spanned<String>>,
    description: Option<String>,
    provider: Option<String>,
    #[serde(rename = "for")]
    open_to: Option<Spanned<Vec<Spanned<String>>>>,
    min_age: Option<Spanned<i64>>,
    max_age: Option<Spanned<i64>>,
    refer: Option<Spanned<String>>,
    contact: Option<Spanned<String>>,
}

fn valid_key(k: &str) -> bool {
    !k.is_empty() && k.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

/// Collects a file's errors, each located in the text.
struct Errors<'a> {
    text: &'a str,
    list: Vec<FileError>,
}

impl Errors<'_> {
    fn at(&mut self, span: std::ops::Range<usize>, message: impl Into<String>) {
        self.list.push(FileError::at_span(self.text, span, message));
    }

    /// A field missing from the `n`th service, located at its `[[service]]` table.
    fn missing(&mut self, table: std::ops::Range<usize>, n: usize, field: &str, message: &str) {
        // The span may begin at the `[[service]]` header or at the table's first key.
        let end = (table.start + "[[service]]".len()).min(self.text.len());
        let header = self.text.get(..end).and_then(|t| t.rfind("[[service]]")).unwrap_or(table.start);
        self.list.push(FileError::at(self.text, header, format!("service[{n}].{field}"), message));
    }

    fn text(&mut self, v: &Option<Spanned<String>>, table: std::ops::Range<usize>, n: usize, field: &str) -> Option<String> {
        match v {
            Some(s) if !s.get_ref().trim().is_empty() => Some(s.get_ref().trim().to_string()),
            Some(s) => {
                self.at(s.span(), format!("`{field}` is empty"));
                None
            }
            None => {
                self.missing(table, n, field, &format!("missing `{field}`"));
                None
            }
        }
    }

    fn age(&mut self, v: &Option<Spanned<i64>>) -> Option<i32> {
        let a = v.as_ref()?;
        if !(0..=25).contains(a.get_ref()) {
            self.at(a.span(), format!("{} is not an age a service can be for (0 to 25)", a.get_ref()));
            return None;
        }
        i32::try_from(*a.get_ref()).ok()
    }
}

impl Directory {
    /// Reads and checks a directory file: every error names its line, column and field.
    pub fn parse(text: &str) -> Result<Directory, Vec<FileError>> {
        let raw: RawDirectory = toml::from_str(text).map_err(|e| vec![FileError::from_toml(text, &e)])?;
        let mut e = Errors { text, list: Vec::new() };
        let council = raw.council.as_ref().map(|c| c.get_ref().trim().to_string()).filter(|c| !c.is_empty());
        let version = raw.version.as_ref().map(|v| v.get_ref().trim().to_string()).filter(|v| !v.is_empty());
        if council.is_none() {
            e.list.push(FileError::at(text, 0, "council", "missing `council`: whose directory this is"));
        }
        if version.is_none() {
            e.list.push(FileError::at(text, 0, "version", "missing `version`, e.g. version = \"2026-12\""));
        }
        if raw.service.is_empty() {
            e.list.push(FileError::at(text, 0, "service", "the directory lists no `[[service]]`"));
        }
        let mut services = Vec::new();
        let mut keys = HashSet::new();
        for (i, spanned) in raw.service.iter().enumerate() {
            let (n, table, s) = (i + 1, spanned.span(), spanned.get_ref());
            let key = e.text(&s.key, table.clone(), n, "key");
            let name = e.text(&s.name, table.clone(), n, "name");
            let refer = e.text(&s.refer, table.clone(), n, "refer");
            let contact = e.text(&s.contact, table.clone(), n, "contact");
            let category = e.text(&s.category, table.clone(), n, "category");
            if let (Some(k), Some(sp)) = (&key, &s.key) {
                if !valid_key(k) {
                    e.at(sp.span(), format!("\"{k}\" is not a key: use lower-case letters, digits and hyphens"));
                } else if !keys.insert(k.clone()) {
                    e.at(sp.span(), format!("the key \"{k}\" is used by another service"));
                }
            }
            let category = match (category, &s.category) {
                (Some(c), Some(sp)) => {
                    let found = Category::from_code(&c);
                    if found.is_none() {
                        e.at(sp.span(), format!("\"{c}\" is not a category: use one of {}", Category::ALL.iter().map(|c| c.code()).collect::<Vec<_>>().join(", ")));
                    }
                    found
                }
                _ => None,
            };
            let mut open_to = Vec::new();
            match &s.open_to {
                None => e.missing(table.clone(), n, "for", "missing `for`: who the service is for (looked_after, care_leaver, family)"),
                Some(list) if list.get_ref().is_empty() => e.at(list.span(), "`for` is empty: name who the service is for"),
                Some(list) => {
                    for f in list.get_ref() {
                        match ServiceFor::from_code(f.get_ref()) {
                            Some(x) => open_to.push(x),
                            None => e.at(f.span(), format!("\"{}\" is not who a service is for: use looked_after, care_leaver or family", f.get_ref())),
                        }
                    }
                }
            }
            let (min_age, max_age) = (e.age(&s.min_age), e.age(&s.max_age));
            if let (Some(lo), Some(hi), Some(sp)) = (min_age, max_age, &s.max_age)
                && hi < lo
            {
                e.at(sp.span(), format!("max_age {hi} is below min_age {lo}"));
            }
            if let (Some(key), Some(name), Some(refer), Some(contact), Some(category), false) = (key, name, refer, contact, category, open_to.is_empty()) {
                let provider = s.provider.as_deref().map(str::trim).filter(|p| !p.is_empty()).map(str::to_string);
                services.push(Service { key, name, category, description: s.description.as_deref().unwrap_or("").trim().to_string(), provider, open_to, min_age, max_age, refer, contact });
            }
        }
        if !e.list.is_empty() {
            return Err(e.list);
        }
        Ok(Directory { council: council.unwrap_or_default(), version: version.unwrap_or_default(), services })
    }

    /// The demo council's directory, shipped in the binary (checked by the tests).
    pub fn demo() -> Directory {
        Directory::parse(DEMO_DIRECTORY).unwrap_or_else(|_| Directory { council: String::new(), version: String::new(), services: Vec::new() })
    }

    pub fn get(&self, key: &str) -> Option<&Service> {
        self.services.iter().find(|s| s.key == key)
    }

    /// The services whose name, description, provider or category contain every word of
    /// `q`, open to `whom` and of `category` when given, by name.
    pub fn search(&self, q: &str, whom: Option<ServiceFor>, category: Option<Category>) -> Vec<&Service> {
        let words: Vec<String> = q.split_whitespace().map(str::to_lowercase).collect();
        let mut out: Vec<&Service> = self.services.iter().filter(|s| whom.is_none_or(|w| s.open_to.contains(&w)) && category.is_none_or(|c| s.category == c) && s.matches(&words)).collect();
        out.sort_by(|a, b| a.name.cmp(&b.name));
        out
    }
}

id_type!(
    /// A referral of a young person to a service of the directory.
    ServiceReferralId
);

code_list!(
    /// What became of a referral.
    ReferralOutcome {
        Accepted = "accepted": "Accepted: using the service",
        Declined = "declined": "Declined by the service",
        Withdrawn = "withdrawn": "Withdrawn",
    }
);

/// A young person referred to a service.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceReferral {
    pub id: ServiceReferralId,
    pub child: PersonId,
    /// The service's key in the directory.
    pub service: String,
    pub on: Date,
    pub by: UserId,
    pub reason: String,
    pub outcome: Option<Outcome>,
    /// For an accepted referral: the day the young person stopped using the service.
    pub ended: Option<Date>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Outcome {
    pub on: Date,
    pub outcome: ReferralOutcome,
}

impl ServiceReferral {
    /// Using the service today: accepted and not ended.
    pub fn in_use(&self) -> bool {
        self.outcome.is_some_and(|o| o.outcome == ReferralOutcome::Accepted) && self.ended.is_none()
    }

    /// Records what became of the referral.
    pub fn decide(&mut self, o: Outcome, today: Date) -> Result<(), FieldErrors> {
        if self.outcome.is_some() {
            return Err(FieldErrors::one("outcome", "The outcome has been recorded already"));
        }
        if o.on < self.on || o.on > today {
            return Err(FieldErrors::one("on", format!("The outcome is dated between the referral ({}) and today", crate::history::long_date(&self.on))));
        }
        self.outcome = Some(o);
        Ok(())
    }

    /// Records that the young person stopped using the service.
    pub fn end(&mut self, on: Date, today: Date) -> Result<(), FieldErrors> {
        let Some(o) = self.outcome.filter(|o| o.outcome == ReferralOutcome::Accepted) else {
            return Err(FieldErrors::one("ended", "Only an accepted referral can end"));
        };
        if self.ended.is_some() {
            return Err(FieldErrors::one("ended", "This has ended already"));
        }
        if on < o.on || on > today {
            return Err(FieldErrors::one("ended", format!("The end is dated between the acceptance ({}) and today", crate::history::long_date(&o.on))));
        }
        self.ended = Some(on);
        Ok(())
    }
}

#[cfg(test)]
mod tests;
