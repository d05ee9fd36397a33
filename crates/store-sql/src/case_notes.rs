//! Case notes: the current version in `case_notes`, every version in `case_note_versions`.
use crate::convert::{RowExt, flag, local_micros, micros, to_json};
use crate::error::{conflict_or_missing, db_err};
use hearth_domain::case_note::{CaseNote, CaseNoteDetails, CaseNoteVersion};
use hearth_domain::person::ChangeMeta;
use hearth_domain::*;
use hearth_store::Result;
use sqlx::AnyConnection;
use sqlx::any::AnyRow;

fn from_row(r: &AnyRow) -> Result<CaseNote> {
    Ok(CaseNote {
        id: r.parsed("id")?,
        person: r.parsed("person_id")?,
        version: r.int("version")?,
        details: r.json("details_json")?,
        author: r.parsed("author_id")?,
        author_name: r.opt_text("display_name")?.unwrap_or_default(),
        created_at: r.time("created_at")?,
        updated_at: r.time("updated_at")?,
    })
}

macro_rules! select_notes {
    ($tail:literal) => {
        concat!(
            "SELECT n.id, n.person_id, n.version, n.details_json, n.author_id, u.display_name, n.created_at, ",
            "n.updated_at FROM case_notes n LEFT JOIN users u ON u.id = n.author_id ",
            $tail
        )
    };
}

/// The `seen` column: 0 not seen, 1 seen, 2 seen alone.
fn seen(d: &CaseNoteDetails) -> i64 {
    match (d.child_seen, d.seen_alone) {
        (_, true) => 2,
        (true, false) => 1,
        _ => 0,
    }
}

pub(crate) async fn insert(c: &mut AnyConnection, n: &CaseNote) -> Result<()> {
    let json = to_json(&n.details)?;
    sqlx::query(
        "INSERT INTO case_notes (id, person_id, version, details_json, occurred_at, significant, seen, author_id, \
         created_at, updated_at) VALUES ($1, $2, 1, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(n.id.to_string())
    .bind(n.person.to_string())
    .bind(&json)
    .bind(local_micros(n.details.occurred_at))
    .bind(flag(n.details.significant))
    .bind(seen(&n.details))
    .bind(n.author.to_string())
    .bind(micros(n.created_at))
    .bind(micros(n.updated_at))
    .execute(&mut *c)
    .await
    .map_err(db_err)?;
    let meta = ChangeMeta { by: n.author, at: n.created_at, reason: None };
    insert_version(c, n.id, 1, &json, &meta).await
}

pub(crate) async fn correct(c: &mut AnyConnection, id: CaseNoteId, details: &CaseNoteDetails, expected_version: i64, meta: &ChangeMeta) -> Result<()> {
    let json = to_json(details)?;
    let done = sqlx::query(
        "UPDATE case_notes SET version = version + 1, details_json = $1, occurred_at = $2, significant = $3, \
         seen = $4, updated_at = $5 WHERE id = $6 AND version = $7",
    )
    .bind(&json)
    .bind(local_micros(details.occurred_at))
    .bind(flag(details.significant))
    .bind(seen(details))
    .bind(micros(meta.at))
    .bind(id.to_string())
    .bind(expected_version)
    .execute(&mut *c)
    .await
    .map_err(db_err)?;
    if done.rows_affected() == 0 {
        return Err(conflict_or_missing(c, "SELECT version FROM case_notes WHERE id = $1", &id.to_string()).await);
    }
    insert_version(c, id, expected_version + 1, &json, meta).await
}

async fn insert_version(c: &mut AnyConnection, id: CaseNoteId, version: i64, json: &str, meta: &ChangeMeta) -> Result<()> {
    sqlx::query(
        "INSERT INTO case_note_versions (case_note_id, version, details_json, changed_by, changed_at, reason) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(id.to_string())
    .bind(version)
    .bind(json)
    .bind(meta.by.to_string())
    .bind(micros(meta.at))
    .bind(meta.reason.as_deref())
    .execute(c)
    .await
    .map_err(db_err)?;
    Ok(())
}

pub(crate) async fn get(c: &mut AnyConnection, id: CaseNoteId) -> Result<Option<CaseNote>> {
    let row = sqlx::query(select_notes!("WHERE n.id = $1")).bind(id.to_string()).fetch_optional(c).await.map_err(db_err)?;
    row.as_ref().map(from_row).transpose()
}

pub(crate) async fn versions(c: &mut AnyConnection, id: CaseNoteId) -> Result<Vec<CaseNoteVersion>> {
    let rows = sqlx::query(
        "SELECT v.version, v.details_json, v.changed_by, u.display_name, v.changed_at, v.reason \
         FROM case_note_versions v LEFT JOIN users u ON u.id = v.changed_by \
         WHERE v.case_note_id = $1 ORDER BY v.version",
    )
    .bind(id.to_string())
    .fetch_all(c)
    .await
    .map_err(db_err)?;
    rows.iter()
        .map(|r| {
            Ok(CaseNoteVersion {
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

/// Newest event first; ties (same minute) newest saved first, so paging is stable.
pub(crate) async fn of_person(c: &mut AnyConnection, person: PersonId, significant_only: bool, limit: u32, offset: u32) -> Result<Vec<CaseNote>> {
    let sql = if significant_only {
        select_notes!("WHERE n.person_id = $1 AND n.significant = 1 ORDER BY n.occurred_at DESC, n.created_at DESC, n.id DESC LIMIT $2 OFFSET $3")
    } else {
        select_notes!("WHERE n.person_id = $1 ORDER BY n.occurred_at DESC, n.created_at DESC, n.id DESC LIMIT $2 OFFSET $3")
    };
    let rows = sqlx::query(sql)
        .bind(person.to_string())
        .bind(i64::from(limit))
        .bind(i64::from(offset))
        .fetch_all(c)
        .await
        .map_err(db_err)?;
    rows.iter().map(from_row).collect()
}

pub(crate) async fn count(c: &mut AnyConnection, person: PersonId) -> Result<i64> {
    let row = sqlx::query("SELECT COUNT(*) AS n FROM case_notes WHERE person_id = $1")
        .bind(person.to_string())
        .fetch_one(c)
        .await
        .map_err(db_err)?;
    row.int("n")
}
