//! Person search and the duplicate check: index look-ups on `person_search_keys` and the
//! identifier columns, with the access rule applied in SQL so nothing unseen leaves the store.
use crate::convert::{RowExt, date_text};
use crate::dialect::Dialect;
use crate::people::{person_columns, summary_from_row};
use crate::sql::DynSql;
use hearth_domain::access::{AccessScope, Listing};
use hearth_domain::person::PersonSummary;
use hearth_domain::search::ParsedQuery;
use hearth_store::Result;
use sqlx::AnyConnection;
use time::{Date, OffsetDateTime};

/// The smallest string greater than every string starting with `prefix`, in code-point order
/// (SQLite BINARY, PostgreSQL COLLATE "C"): the prefix with its last character incremented.
/// `None` when there is no such string (the prefix is all `char::MAX`).
pub(crate) fn prefix_upper_bound(prefix: &str) -> Option<String> {
    let mut chars: Vec<char> = prefix.chars().collect();
    while let Some(last) = chars.pop() {
        let mut next = last as u32 + 1;
        if (0xD800..0xE000).contains(&next) {
            next = 0xE000;
        }
        if let Some(c) = char::from_u32(next) {
            chars.push(c);
            return Some(chars.into_iter().collect());
        }
    }
    None
}

/// At most this many people matching the name terms are looked up by reference; more than
/// that and the query is unselective (one or two letters), and the database may walk people
/// in name order instead. Big enough for the commonest surname of a large authority.
const MAX_REFS: usize = 5_000;

/// On PostgreSQL, searches by name in two steps. First the people whose keys match every
/// name term, from the key index alone. Then those people by reference, with the other
/// filters, the access rule and the order. Handing the second statement the actual people,
/// not a subquery, gives the planner a true row count: otherwise it misjudges fuzzy look-ups
/// and either reads every person or walks the name index from "a" to "smith". SQLite plans
/// the one statement well.
pub(crate) async fn search_persons(
    c: &mut AnyConnection,
    dialect: Dialect,
    q: &ParsedQuery,
    scope: &AccessScope,
    limit: u32,
    now: OffsetDateTime,
) -> Result<Vec<PersonSummary>> {
    match search_sql(c, dialect, q, scope, limit, now).await? {
        Some(s) => s.fetch_all(c).await?.iter().map(summary_from_row).collect(),
        None => Ok(Vec::new()),
    }
}

/// The database's plan for the last step of a search, one line per row of EXPLAIN (for
/// benchmarks and for checking that indexes serve it).
pub(crate) async fn explain_search(
    c: &mut AnyConnection,
    dialect: Dialect,
    q: &ParsedQuery,
    scope: &AccessScope,
    limit: u32,
    now: OffsetDateTime,
) -> Result<Vec<String>> {
    let Some(mut s) = search_sql(c, dialect, q, scope, limit, now).await? else { return Ok(Vec::new()) };
    let (prefix, column) = match dialect {
        Dialect::Sqlite => ("EXPLAIN QUERY PLAN ", "detail"),
        Dialect::Postgres => ("EXPLAIN ", "QUERY PLAN"),
    };
    s.sql.insert_str(0, prefix);
    s.fetch_all(c).await?.iter().map(|r| r.text(column)).collect()
}

/// How the name terms limit the people searched.
enum ByName {
    /// No name terms.
    Any,
    /// These people (by `persons.ref`).
    Refs(Vec<i64>),
    /// The key look-up as a subquery of the statement.
    InStatement,
}

/// The final statement of a search; `None` when nothing can match.
async fn search_sql(
    c: &mut AnyConnection,
    dialect: Dialect,
    q: &ParsedQuery,
    scope: &AccessScope,
    limit: u32,
    now: OffsetDateTime,
) -> Result<Option<DynSql>> {
    if q.is_empty() || limit == 0 {
        return Ok(None);
    }
    // PostgreSQL would switch a cached statement to a generic plan, blind to the terms and
    // so to how many keys they match; one-off statements are planned for their arguments.
    let cache = dialect == Dialect::Sqlite;
    let by_name = {
        let mut s = DynSql::default();
        s.cache = cache;
        match name_matches(&mut s, q) {
            None => ByName::Any,
            // SQLite's planner already starts from the key index and reads only the people
            // found; listing them costs more than it saves. Single letters match too many
            // people to list in any authority worth the name.
            Some(_) if dialect == Dialect::Sqlite || q.names.iter().all(|t| t.term.chars().count() < 2) => {
                ByName::InStatement
            }
            Some(matches) => {
                let cap = s.arg(MAX_REFS as i64 + 1);
                s.sql = format!("SELECT DISTINCT m.person_ref FROM ({matches}) m LIMIT {cap}");
                let refs = s.fetch_all(c).await?.iter().map(|r| r.int("person_ref")).collect::<Result<Vec<i64>>>()?;
                match refs.len() {
                    0 => return Ok(None),
                    n if n <= MAX_REFS => ByName::Refs(refs),
                    _ => ByName::InStatement,
                }
            }
        }
    };

    let mut s = DynSql::new(concat!(
        "SELECT ",
        person_columns!(),
        ", p.ref, p.family_name_folded, p.given_name_folded FROM persons p WHERE 1 = 1"
    ));
    s.cache = cache;
    match &by_name {
        ByName::Any => {}
        ByName::Refs(refs) => {
            let list = s.list(refs.iter().copied());
            s.cache = false;
            s.push(&format!(" AND p.ref IN ({list})"));
        }
        ByName::InStatement => {
            if let Some(matches) = name_matches(&mut s, q) {
                s.push(&format!(" AND p.ref IN ({matches})"));
            }
        }
    }
    if let Some(id) = q.id {
        let id = s.arg(id.to_string());
        s.push(&format!(" AND p.id = {id}"));
    }
    if let Some(nhs) = &q.nhs_number {
        let nhs = s.arg(nhs.as_str());
        s.push(&format!(" AND p.nhs_number = {nhs}"));
    }
    if let Some(upn) = &q.upn {
        let upn = s.arg(upn.as_str());
        s.push(&format!(" AND p.upn = {upn}"));
    }
    if let Some(dob) = q.date_of_birth {
        let dob = s.arg(date_text(dob));
        s.push(&format!(" AND (p.date_of_birth = {dob} OR p.expected_date_of_birth = {dob})"));
    }
    let visible = crate::access::listing_condition(&mut s, scope, Listing::Open, now);
    s.push(" AND ").push(&visible);
    let order = " ORDER BY p.family_name_folded, p.given_name_folded, p.ref LIMIT ";
    if matches!(by_name, ByName::InStatement) {
        // SQLite starts from the key index itself; on PostgreSQL many match, and walking
        // people in name order until `limit` are found may well be the fast way.
        let limit = s.arg(i64::from(limit));
        s.push(order).push(&limit);
    } else {
        // Few match: fetch them all by index, then sort. The subquery is a fence that keeps
        // PostgreSQL from walking the name index instead.
        let limit = s.arg(i64::from(limit));
        s.sql = format!("SELECT * FROM ({} {}) p{order}{limit}", s.sql, dialect.no_limit());
    }
    Ok(Some(s))
}

/// The people whose keys match every name term, as a subquery (arguments added to `s`);
/// `None` without name terms. A term matches a whole token by prefix, or any key (token or
/// deletion) exactly, for typo tolerance.
///
/// Each way of matching is its own SELECT (UNION ALL rather than OR) so that each is a range
/// scan of the primary key alone (on PostgreSQL an index-only scan).
fn name_matches(s: &mut DynSql, q: &ParsedQuery) -> Option<String> {
    const KEYS: &str = "SELECT k.person_ref FROM person_search_keys k WHERE";
    let mut per_term = Vec::new();
    for (i, term) in q.names.iter().enumerate() {
        let mut ways = Vec::new();
        if !term.prefix.is_empty() {
            let lo = s.arg(term.prefix.as_str());
            ways.push(match prefix_upper_bound(&term.prefix) {
                Some(hi) => format!("{KEYS} k.kind = 0 AND k.key >= {lo} AND k.key < {}", s.arg(hi)),
                None => format!("{KEYS} k.kind = 0 AND k.key >= {lo}"),
            });
        }
        if !term.fuzzy.is_empty() {
            ways.push(format!("{KEYS} k.kind IN (0, 1) AND k.key IN ({})", s.list(term.fuzzy.iter().map(String::as_str))));
        }
        if !ways.is_empty() {
            per_term.push(format!("SELECT t{i}.person_ref FROM ({}) t{i}", ways.join(" UNION ALL ")));
        }
    }
    (!per_term.is_empty()).then(|| per_term.join(" INTERSECT "))
}

/// Everyone with this NHS number or (expected) date of birth, whoever may see them.
pub(crate) async fn duplicate_candidates(c: &mut AnyConnection, nhs_number: Option<&str>, date_of_birth: Option<Date>) -> Result<Vec<PersonSummary>> {
    let mut s = DynSql::new(concat!("SELECT ", person_columns!(), " FROM persons p WHERE "));
    let mut either = Vec::new();
    if let Some(nhs) = nhs_number {
        either.push(format!("p.nhs_number = {}", s.arg(nhs)));
    }
    if let Some(dob) = date_of_birth {
        let dob = s.arg(date_text(dob));
        either.push(format!("p.date_of_birth = {dob} OR p.expected_date_of_birth = {dob}"));
    }
    if either.is_empty() {
        return Ok(Vec::new());
    }
    s.push(&either.join(" OR ")).push(" ORDER BY p.family_name_folded, p.given_name_folded, p.id");
    s.fetch_all(c).await?.iter().map(summary_from_row).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn upper_bounds() {
        assert_eq!(prefix_upper_bound("smi").as_deref(), Some("smj"));
        assert_eq!(prefix_upper_bound("zo\u{d7ff}").as_deref(), Some("zo\u{e000}"));
        assert_eq!(prefix_upper_bound("a\u{10ffff}").as_deref(), Some("b"));
        assert_eq!(prefix_upper_bound("\u{10ffff}"), None);
        // Everything with the prefix sorts below the bound, byte-wise as the databases do.
        for word in ["smith", "smi", "smi\u{10ffff}x"] {
            assert!(word.as_bytes() < prefix_upper_bound("smi").unwrap().as_bytes());
        }
    }
}
