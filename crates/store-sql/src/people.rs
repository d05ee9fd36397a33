//! People: the current version in `persons`, every version in `person_versions`, the name
//! search keys, the restricted-access list and break-glass grants.
use crate::convert::{RowExt, flag, from_micros, micros, opt_date_text, opt_id, to_json};
use crate::error::{conflict_or_missing, db_err};
use crate::sql::DynSql;
use hearth_domain::access::{AccessFacts, AccessScope, Listing};
use hearth_domain::person::{Allocation, ChangeMeta, PersonDetails, PersonRecord, PersonSummary, PersonVersion};
use hearth_domain::search::{self, KeyKind};
use hearth_domain::*;
use hearth_domain::case_summary::Seen;
use hearth_domain::identifiers::PersonRef;
use hearth_store::{BreakGlassGrant, CaseFacts, Result};
use sqlx::AnyConnection;
use sqlx::any::AnyRow;
use time::OffsetDateTime;

/// Columns of `persons` that make a `PersonRecord`, for queries that alias it `p`.
macro_rules! person_columns {
    () => {
        "p.id, p.version, p.details_json, p.restricted, p.allocated_team_id, p.allocated_worker_id, \
         p.created_at, p.created_by, p.updated_at"
    };
}
pub(crate) use person_columns;

pub(crate) fn person_from_row(r: &AnyRow) -> Result<PersonRecord> {
    Ok(PersonRecord {
        id: r.parsed("id")?,
        version: r.int("version")?,
        details: r.json("details_json")?,
        allocation: Allocation { team: r.opt_parsed("allocated_team_id")?, worker: r.opt_parsed("allocated_worker_id")? },
        restricted: r.flag("restricted")?,
        created_at: r.time("created_at")?,
        created_by: r.parsed("created_by")?,
        updated_at: r.time("updated_at")?,
    })
}

/// The part of a person's details a list shows. Read instead of the whole record, because
/// lists read hundreds of rows: addresses and coded facts are skipped, and identifiers are
/// taken as stored (they were checked when saved).
#[derive(serde::Deserialize)]
struct ListedDetails {
    kind: hearth_domain::person::PersonKind,
    given_name: String,
    family_name: String,
    #[serde(default)]
    other_names: Vec<ListedName>,
    date_of_birth: Option<time::Date>,
    expected_date_of_birth: Option<time::Date>,
    nhs_number: Option<String>,
    upn: Option<String>,
}

#[derive(serde::Deserialize)]
struct ListedName {
    given_name: String,
    family_name: String,
}

pub(crate) fn summary_from_row(r: &AnyRow) -> Result<PersonSummary> {
    let d: ListedDetails = r.json("details_json")?;
    Ok(PersonSummary {
        id: r.parsed("id")?,
        kind: d.kind,
        given_name: d.given_name,
        family_name: d.family_name,
        other_names: d.other_names.into_iter().map(|n| format!("{} {}", n.given_name, n.family_name).trim().to_string()).collect(),
        date_of_birth: d.date_of_birth,
        expected_date_of_birth: d.expected_date_of_birth,
        nhs_number: d.nhs_number,
        upn: d.upn,
        restricted: r.flag("restricted")?,
    })
}

/// Folded words of a name, for sorting the same way on both databases.
fn folded(name: &str) -> String {
    search::fold(name).split_whitespace().collect::<Vec<_>>().join(" ")
}

pub(crate) async fn insert_person(c: &mut AnyConnection, p: &PersonRecord, meta: &ChangeMeta) -> Result<()> {
    let d = &p.details;
    let json = to_json(d)?;
    let row = sqlx::query(
        "INSERT INTO persons (id, version, details_json, kind, family_name_folded, given_name_folded, date_of_birth, \
         expected_date_of_birth, nhs_number, upn, restricted, allocated_team_id, allocated_worker_id, created_at, \
         created_by, updated_at, la_child_id) VALUES ($1, 1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) \
         RETURNING ref",
    )
    .bind(p.id.to_string())
    .bind(&json)
    .bind(d.kind.code())
    .bind(folded(&d.family_name))
    .bind(folded(&d.given_name))
    .bind(opt_date_text(d.date_of_birth))
    .bind(opt_date_text(d.expected_date_of_birth))
    .bind(d.nhs_number.as_ref().map(|n| n.as_str().to_string()))
    .bind(d.upn.as_ref().map(|u| u.as_str().to_string()))
    .bind(flag(p.restricted))
    .bind(opt_id(p.allocation.team))
    .bind(opt_id(p.allocation.worker))
    .bind(micros(p.created_at))
    .bind(p.created_by.to_string())
    .bind(micros(p.updated_at))
    .bind(hearth_domain::returns::cin::la_child_id(p))
    .fetch_one(&mut *c)
    .await
    .map_err(db_err)?;
    insert_version(c, p, 1, &json, meta).await?;
    insert_search_keys(c, row.int("ref")?, d).await
}

pub(crate) async fn update_person(c: &mut AnyConnection, p: &PersonRecord, expected_version: i64, meta: &ChangeMeta) -> Result<()> {
    let d = &p.details;
    let json = to_json(d)?;
    let changed = sqlx::query(
        "UPDATE persons SET version = version + 1, details_json = $1, kind = $2, family_name_folded = $3, \
         given_name_folded = $4, date_of_birth = $5, expected_date_of_birth = $6, nhs_number = $7, upn = $8, \
         restricted = $9, allocated_team_id = $10, allocated_worker_id = $11, updated_at = $12 \
         WHERE id = $13 AND version = $14 RETURNING ref",
    )
    .bind(&json)
    .bind(d.kind.code())
    .bind(folded(&d.family_name))
    .bind(folded(&d.given_name))
    .bind(opt_date_text(d.date_of_birth))
    .bind(opt_date_text(d.expected_date_of_birth))
    .bind(d.nhs_number.as_ref().map(|n| n.as_str().to_string()))
    .bind(d.upn.as_ref().map(|u| u.as_str().to_string()))
    .bind(flag(p.restricted))
    .bind(opt_id(p.allocation.team))
    .bind(opt_id(p.allocation.worker))
    .bind(micros(p.updated_at))
    .bind(p.id.to_string())
    .bind(expected_version)
    .fetch_optional(&mut *c)
    .await
    .map_err(db_err)?;
    let Some(row) = changed else {
        return Err(conflict_or_missing(c, "SELECT version FROM persons WHERE id = $1", &p.id.to_string()).await);
    };
    let person_ref = row.int("ref")?;
    insert_version(c, p, expected_version + 1, &json, meta).await?;
    sqlx::query("DELETE FROM person_search_keys WHERE person_ref = $1")
        .bind(person_ref)
        .execute(&mut *c)
        .await
        .map_err(db_err)?;
    insert_search_keys(c, person_ref, d).await
}

async fn insert_version(c: &mut AnyConnection, p: &PersonRecord, version: i64, json: &str, meta: &ChangeMeta) -> Result<()> {
    sqlx::query(
        "INSERT INTO person_versions (person_id, version, details_json, restricted, allocated_team_id, \
         allocated_worker_id, changed_by, changed_at, reason) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(p.id.to_string())
    .bind(version)
    .bind(json)
    .bind(flag(p.restricted))
    .bind(opt_id(p.allocation.team))
    .bind(opt_id(p.allocation.worker))
    .bind(meta.by.to_string())
    .bind(micros(meta.at))
    .bind(meta.reason.as_deref())
    .execute(c)
    .await
    .map_err(db_err)?;
    Ok(())
}

/// Rows per INSERT: well under both databases' limits on bound arguments.
const KEYS_PER_INSERT: usize = 200;

async fn insert_search_keys(c: &mut AnyConnection, person_ref: i64, d: &PersonDetails) -> Result<()> {
    let keys = search::index_keys(d);
    for chunk in keys.chunks(KEYS_PER_INSERT) {
        let mut q = DynSql::new("INSERT INTO person_search_keys (person_ref, key, kind) VALUES ");
        let person = q.arg(person_ref);
        let rows: Vec<String> = chunk
            .iter()
            .map(|(key, kind)| {
                let kind = match kind {
                    KeyKind::Token => 0,
                    KeyKind::Deletion => 1,
                };
                format!("({person}, {}, {})", q.arg(key.as_str()), q.arg(kind as i64))
            })
            .collect();
        q.push(&rows.join(", "));
        q.execute(c).await?;
    }
    Ok(())
}

pub(crate) async fn person(c: &mut AnyConnection, id: PersonId) -> Result<Option<PersonRecord>> {
    let row = sqlx::query(concat!("SELECT ", person_columns!(), " FROM persons p WHERE p.id = $1"))
        .bind(id.to_string())
        .fetch_optional(c)
        .await
        .map_err(db_err)?;
    row.as_ref().map(person_from_row).transpose()
}

/// Rows per IN list.
const IDS_PER_QUERY: usize = 500;

/// Whole records in the order of `ids`, read `IDS_PER_QUERY` to a query; unknown ids are
/// left out.
pub(crate) async fn persons_full(c: &mut AnyConnection, ids: &[PersonId]) -> Result<Vec<PersonRecord>> {
    let mut found = std::collections::HashMap::new();
    for chunk in ids.chunks(IDS_PER_QUERY) {
        let mut q = DynSql::new(concat!("SELECT ", person_columns!(), " FROM persons p WHERE p.id IN ("));
        let list = q.list(chunk.iter().map(|id| id.to_string()));
        q.push(&list).push(")");
        for row in q.fetch_all(&mut *c).await? {
            let p = person_from_row(&row)?;
            found.insert(p.id, p);
        }
    }
    Ok(ids.iter().filter_map(|id| found.remove(id)).collect())
}

/// The summaries of those of `ids` that `scope` may see listed for `listing`, in the order
/// of `ids`; unknown and hidden ids are left out.
pub(crate) async fn listed_persons(c: &mut AnyConnection, ids: &[PersonId], scope: &AccessScope, listing: Listing, now: OffsetDateTime) -> Result<Vec<PersonSummary>> {
    let mut found = std::collections::HashMap::new();
    for chunk in ids.chunks(IDS_PER_QUERY) {
        let mut q = DynSql::new(concat!("SELECT ", person_columns!(), " FROM persons p WHERE p.id IN ("));
        let list = q.list(chunk.iter().map(|id| id.to_string()));
        q.push(&list).push(") AND ");
        let visible = crate::access::listing_condition(&mut q, scope, listing, now);
        q.push(&visible);
        q.cache = false;
        for row in q.fetch_all(&mut *c).await? {
            let s = summary_from_row(&row)?;
            found.insert(s.id, s);
        }
    }
    Ok(ids.iter().filter_map(|id| found.remove(id)).collect())
}

pub(crate) async fn person_versions(c: &mut AnyConnection, id: PersonId) -> Result<Vec<PersonVersion>> {
    let rows = sqlx::query(
        "SELECT v.version, v.details_json, v.changed_by, u.display_name, v.changed_at, v.reason \
         FROM person_versions v LEFT JOIN users u ON u.id = v.changed_by \
         WHERE v.person_id = $1 ORDER BY v.version",
    )
    .bind(id.to_string())
    .fetch_all(c)
    .await
    .map_err(db_err)?;
    rows.iter()
        .map(|r| {
            Ok(PersonVersion {
                version: r.int("version")?,
                details: r.json("details_json")?,
                changed_by: r.parsed("changed_by")?,
                changed_by_name: r.opt_text("display_name")?.unwrap_or_default(),
                changed_at: r.time("changed_at")?,
                reason: r.opt_text("reason")?,
            })
        })
        .collect()
}

pub(crate) async fn access_facts(c: &mut AnyConnection, person: PersonId, user: UserId, now: OffsetDateTime) -> Result<Option<AccessFacts>> {
    let row = sqlx::query(
        "SELECT p.restricted, p.allocated_team_id, p.allocated_worker_id, \
         CASE WHEN EXISTS (SELECT 1 FROM person_access_list a WHERE a.person_id = p.id AND a.user_id = $2) \
              THEN 1 ELSE 0 END AS on_list, \
         CASE WHEN EXISTS (SELECT 1 FROM break_glass b WHERE b.person_id = p.id AND b.user_id = $2 AND b.expires_at > $3) \
              THEN 1 ELSE 0 END AS glass \
         FROM persons p WHERE p.id = $1",
    )
    .bind(person.to_string())
    .bind(user.to_string())
    .bind(micros(now))
    .fetch_optional(c)
    .await
    .map_err(db_err)?;
    row.map(|r| {
        Ok(AccessFacts {
            person,
            restricted: r.flag("restricted")?,
            allocated_team: r.opt_parsed("allocated_team_id")?,
            allocated_worker: r.opt_parsed("allocated_worker_id")?,
            on_access_list: r.flag("on_list")?,
            break_glass_active: r.flag("glass")?,
        })
    })
    .transpose()
}

pub(crate) async fn cases_of(c: &mut AnyConnection, worker: UserId, scope: &AccessScope, now: OffsetDateTime, limit: u32) -> Result<Vec<PersonSummary>> {
    let mut q = DynSql::new(concat!("SELECT ", person_columns!(), " FROM persons p WHERE p.kind = 'child' AND p.allocated_worker_id = "));
    let worker = q.arg(worker.to_string());
    q.push(&worker).push(" AND ");
    let visible = crate::access::listing_condition(&mut q, scope, Listing::Open, now);
    let limit = q.arg(i64::from(limit));
    q.push(&visible).push(" ORDER BY p.family_name_folded, p.given_name_folded LIMIT ").push(&limit);
    q.fetch_all(c).await?.iter().map(summary_from_row).collect()
}

pub(crate) async fn caseloads(c: &mut AnyConnection, workers: &[UserId]) -> Result<Vec<(UserId, i64)>> {
    if workers.is_empty() {
        return Ok(Vec::new());
    }
    let mut q = DynSql::default();
    let ids = q.list(workers.iter().map(|w| w.to_string()));
    q.cache = false;
    q.push(&format!(
        "SELECT allocated_worker_id AS id, COUNT(*) AS n FROM persons \
         WHERE kind = 'child' AND allocated_worker_id IN ({ids}) GROUP BY allocated_worker_id"
    ));
    q.fetch_all(c).await?.iter().map(|r| Ok((r.parsed("id")?, r.int("n")?))).collect()
}

pub(crate) async fn unallocated_children(c: &mut AnyConnection, teams: &[TeamId]) -> Result<Vec<(TeamId, i64)>> {
    if teams.is_empty() {
        return Ok(Vec::new());
    }
    let mut q = DynSql::default();
    let ids = q.list(teams.iter().map(|t| t.to_string()));
    q.cache = false;
    q.push(&format!(
        "SELECT allocated_team_id AS id, COUNT(*) AS n FROM persons \
         WHERE kind = 'child' AND allocated_worker_id IS NULL AND allocated_team_id IN ({ids}) GROUP BY allocated_team_id"
    ));
    q.fetch_all(c).await?.iter().map(|r| Ok((r.parsed("id")?, r.int("n")?))).collect()
}

/// `access_facts` for several people in one statement.
pub(crate) async fn access_facts_many(c: &mut AnyConnection, persons: &[PersonId], user: UserId, now: OffsetDateTime) -> Result<Vec<AccessFacts>> {
    if persons.is_empty() {
        return Ok(Vec::new());
    }
    let mut q = DynSql::default();
    let user = q.arg(user.to_string());
    let now = q.arg(micros(now));
    let ids = q.list(persons.iter().map(|p| p.to_string()));
    q.cache = false;
    q.push(&format!(
        "SELECT p.id, p.restricted, p.allocated_team_id, p.allocated_worker_id, \
         CASE WHEN EXISTS (SELECT 1 FROM person_access_list a WHERE a.person_id = p.id AND a.user_id = {user}) \
              THEN 1 ELSE 0 END AS on_list, \
         CASE WHEN EXISTS (SELECT 1 FROM break_glass b WHERE b.person_id = p.id AND b.user_id = {user} AND b.expires_at > {now}) \
              THEN 1 ELSE 0 END AS glass \
         FROM persons p WHERE p.id IN ({ids})"
    ));
    q.fetch_all(c)
        .await?
        .iter()
        .map(|r| {
            Ok(AccessFacts {
                person: r.parsed("id")?,
                restricted: r.flag("restricted")?,
                allocated_team: r.opt_parsed("allocated_team_id")?,
                allocated_worker: r.opt_parsed("allocated_worker_id")?,
                on_access_list: r.flag("on_list")?,
                break_glass_active: r.flag("glass")?,
            })
        })
        .collect()
}

pub(crate) async fn set_access_list(c: &mut AnyConnection, person: PersonId, users: &[UserId]) -> Result<()> {
    sqlx::query("DELETE FROM person_access_list WHERE person_id = $1")
        .bind(person.to_string())
        .execute(&mut *c)
        .await
        .map_err(db_err)?;
    let mut unique = users.to_vec();
    unique.sort();
    unique.dedup();
    for u in unique {
        sqlx::query("INSERT INTO person_access_list (person_id, user_id) VALUES ($1, $2)")
            .bind(person.to_string())
            .bind(u.to_string())
            .execute(&mut *c)
            .await
            .map_err(db_err)?;
    }
    Ok(())
}

pub(crate) async fn access_list(c: &mut AnyConnection, person: PersonId) -> Result<Vec<UserId>> {
    let rows = sqlx::query("SELECT user_id FROM person_access_list WHERE person_id = $1 ORDER BY user_id")
        .bind(person.to_string())
        .fetch_all(c)
        .await
        .map_err(db_err)?;
    rows.iter().map(|r| r.parsed("user_id")).collect()
}

pub(crate) async fn insert_break_glass(c: &mut AnyConnection, g: &BreakGlassGrant) -> Result<()> {
    sqlx::query(
        "INSERT INTO break_glass (id, user_id, person_id, reason, granted_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(g.id.to_string())
    .bind(g.user.to_string())
    .bind(g.person.to_string())
    .bind(&g.reason)
    .bind(micros(g.granted_at))
    .bind(micros(g.expires_at))
    .execute(c)
    .await
    .map_err(db_err)?;
    Ok(())
}

pub(crate) async fn break_glass_since(c: &mut AnyConnection, since: OffsetDateTime) -> Result<Vec<BreakGlassGrant>> {
    let rows = sqlx::query(
        "SELECT b.id, b.user_id, b.person_id, b.reason, b.granted_at, b.expires_at, u.display_name, p.details_json, \
         p.allocated_team_id, p.allocated_worker_id \
         FROM break_glass b LEFT JOIN users u ON u.id = b.user_id LEFT JOIN persons p ON p.id = b.person_id \
         WHERE b.granted_at >= $1 ORDER BY b.granted_at DESC, b.id DESC",
    )
    .bind(micros(since))
    .fetch_all(c)
    .await
    .map_err(db_err)?;
    rows.iter()
        .map(|r| {
            let person_name = match r.opt_text("details_json")? {
                Some(_) => r.json::<PersonDetails>("details_json")?.full_name(),
                None => String::new(),
            };
            Ok(BreakGlassGrant {
                id: r.parsed("id")?,
                user: r.parsed("user_id")?,
                person: r.parsed("person_id")?,
                reason: r.text("reason")?,
                granted_at: r.time("granted_at")?,
                expires_at: r.time("expires_at")?,
                user_name: r.opt_text("display_name")?.unwrap_or_default(),
                person_name,
                person_team: r.opt_parsed("allocated_team_id")?,
                person_worker: r.opt_parsed("allocated_worker_id")?,
            })
        })
        .collect()
}

/// Sets the person's LA child id, replacing the one they had.
pub(crate) async fn keep_la_child_id(c: &mut AnyConnection, person: PersonId, la_child_id: &str) -> Result<()> {
    let done = sqlx::query("UPDATE persons SET la_child_id = $1 WHERE id = $2").bind(la_child_id).bind(person.to_string()).execute(&mut *c).await.map_err(db_err)?;
    if done.rows_affected() == 0 {
        return Err(hearth_store::StoreError::NotFound);
    }
    Ok(())
}

/// The LA child ids of every child, or of `people` only (500 to a query).
pub(crate) async fn kept_la_child_ids(c: &mut AnyConnection, people: Option<&[PersonId]>) -> Result<Vec<(PersonId, String)>> {
    // Children only: adults are never in a census.
    const SQL: &str = "SELECT id, la_child_id FROM persons WHERE kind = 'child' AND la_child_id IS NOT NULL";
    let mut out = Vec::new();
    let chunks: Vec<Option<&[PersonId]>> = match people {
        None => vec![None],
        Some(ids) => ids.chunks(IDS_PER_QUERY).map(Some).collect(),
    };
    for chunk in chunks {
        let mut q = DynSql::new(SQL);
        if let Some(ids) = chunk {
            let list = q.list(ids.iter().map(|id| id.to_string()));
            q.push(" AND id IN (").push(&list).push(")");
            q.cache = ids.len() == 1;
        }
        for r in q.fetch_all(&mut *c).await? {
            out.push((r.parsed("id")?, r.text("la_child_id")?));
        }
    }
    Ok(out)
}

pub(crate) async fn person_with_la_child_id(c: &mut AnyConnection, la_child_id: &str) -> Result<Option<PersonId>> {
    let row = sqlx::query("SELECT id FROM persons WHERE la_child_id = $1").bind(la_child_id).fetch_optional(c).await.map_err(db_err)?;
    row.map(|r| r.parsed("id")).transpose()
}

/// The case summary's facts: the reference and the sightings in one query, the open tasks in
/// another.
pub(crate) async fn case_facts(c: &mut AnyConnection, person: PersonId) -> Result<Option<CaseFacts>> {
    let row = sqlx::query(
        "SELECT p.ref, \
         (SELECT MAX(n.occurred_at) FROM case_notes n WHERE n.person_id = p.id AND n.seen >= 1) AS seen, \
         (SELECT MAX(n.occurred_at) FROM case_notes n WHERE n.person_id = p.id AND n.seen = 2) AS alone \
         FROM persons p WHERE p.id = $1",
    )
    .bind(person.to_string())
    .fetch_optional(&mut *c)
    .await
    .map_err(db_err)?;
    let Some(row) = row else { return Ok(None) };
    let local = |col: &str| -> Result<Option<time::PrimitiveDateTime>> {
        Ok(row.opt_int(col)?.map(from_micros).transpose()?.map(|t| time::PrimitiveDateTime::new(t.date(), t.time())))
    };
    let seen = Seen { seen: local("seen")?, alone: local("alone")? };
    let open_tasks = crate::front_door::open_tasks_of_child(c, person).await?;
    Ok(Some(CaseFacts { reference: PersonRef::of_row(row.int("ref")?), open_tasks, seen }))
}

pub(crate) async fn person_by_reference(c: &mut AnyConnection, reference: PersonRef) -> Result<Option<PersonId>> {
    let row = sqlx::query("SELECT id FROM persons WHERE ref = $1").bind(reference.row()).fetch_optional(c).await.map_err(db_err)?;
    row.map(|r| r.parsed("id")).transpose()
}

pub(crate) async fn references(c: &mut AnyConnection, ids: &[PersonId]) -> Result<Vec<(PersonId, PersonRef)>> {
    let mut out = Vec::new();
    for chunk in ids.chunks(IDS_PER_QUERY) {
        let mut q = DynSql::new("SELECT id, ref FROM persons WHERE id IN (");
        let list = q.list(chunk.iter().map(|id| id.to_string()));
        q.push(&list).push(")");
        q.cache = false;
        for row in q.fetch_all(&mut *c).await? {
            if let Some(r) = PersonRef::of_row(row.int("ref")?) {
                out.push((row.parsed("id")?, r));
            }
        }
    }
    Ok(out)
}
