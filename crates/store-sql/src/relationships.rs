//! Relationships between people: one row each, read from either end, with every version kept.
use crate::convert::{RowExt, micros, opt_date_text};
use crate::error::{conflict_or_missing, corrupt, db_err};
use hearth_domain::codes::Coded;
use hearth_domain::relationship::{Relationship, RelationshipType};
use hearth_domain::*;
use hearth_store::Result;
use sqlx::AnyConnection;
use sqlx::any::AnyRow;

fn from_row(r: &AnyRow) -> Result<Relationship> {
    let kind = r.text("kind")?;
    Ok(Relationship {
        id: r.parsed("id")?,
        version: r.int("version")?,
        from: r.parsed("from_person_id")?,
        to: r.parsed("to_person_id")?,
        kind: RelationshipType::from_code(&kind).ok_or_else(|| corrupt("kind", format!("unknown relationship {kind:?}")))?,
        started: r.opt_date("started")?,
        ended: r.opt_date("ended")?,
        note: r.opt_text("note")?,
        lives_together: r.int("lives_together")? != 0,
        parental_responsibility: r.opt_parsed("pr_holder")?,
        recorded_by: r.parsed("recorded_by")?,
        recorded_at: r.time("recorded_at")?,
    })
}

macro_rules! select_relationships {
    ($tail:literal) => {
        concat!(
            "SELECT id, version, from_person_id, to_person_id, kind, started, ended, note, lives_together, pr_holder, recorded_by, recorded_at ",
            "FROM relationships ",
            $tail
        )
    };
}

pub(crate) async fn insert(c: &mut AnyConnection, r: &Relationship) -> Result<()> {
    sqlx::query(
        "INSERT INTO relationships (id, version, from_person_id, to_person_id, kind, started, ended, note, \
         lives_together, pr_holder, recorded_by, recorded_at) VALUES ($1, 1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
    )
    .bind(r.id.to_string())
    .bind(r.from.to_string())
    .bind(r.to.to_string())
    .bind(r.kind.code())
    .bind(opt_date_text(r.started))
    .bind(opt_date_text(r.ended))
    .bind(r.note.as_deref())
    .bind(i64::from(r.lives_together))
    .bind(r.parental_responsibility.map(|p| p.to_string()))
    .bind(r.recorded_by.to_string())
    .bind(micros(r.recorded_at))
    .execute(&mut *c)
    .await
    .map_err(db_err)?;
    insert_version(c, r, 1).await
}

/// Changes the dates, note and household; `recorded_by`/`recorded_at` become who made this
/// version.
pub(crate) async fn update(c: &mut AnyConnection, r: &Relationship, expected_version: i64) -> Result<()> {
    let done = sqlx::query(
        "UPDATE relationships SET version = version + 1, started = $1, ended = $2, note = $3, lives_together = $4, \
         pr_holder = $5, recorded_by = $6, recorded_at = $7 WHERE id = $8 AND version = $9",
    )
    .bind(opt_date_text(r.started))
    .bind(opt_date_text(r.ended))
    .bind(r.note.as_deref())
    .bind(i64::from(r.lives_together))
    .bind(r.parental_responsibility.map(|p| p.to_string()))
    .bind(r.recorded_by.to_string())
    .bind(micros(r.recorded_at))
    .bind(r.id.to_string())
    .bind(expected_version)
    .execute(&mut *c)
    .await
    .map_err(db_err)?;
    if done.rows_affected() == 0 {
        return Err(conflict_or_missing(c, "SELECT version FROM relationships WHERE id = $1", &r.id.to_string()).await);
    }
    insert_version(c, r, expected_version + 1).await
}

async fn insert_version(c: &mut AnyConnection, r: &Relationship, version: i64) -> Result<()> {
    sqlx::query(
        "INSERT INTO relationship_versions (relationship_id, version, started, ended, note, lives_together, pr_holder, \
         recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(r.id.to_string())
    .bind(version)
    .bind(opt_date_text(r.started))
    .bind(opt_date_text(r.ended))
    .bind(r.note.as_deref())
    .bind(i64::from(r.lives_together))
    .bind(r.parental_responsibility.map(|p| p.to_string()))
    .bind(r.recorded_by.to_string())
    .bind(micros(r.recorded_at))
    .execute(c)
    .await
    .map_err(db_err)?;
    Ok(())
}

pub(crate) async fn get(c: &mut AnyConnection, id: RelationshipId) -> Result<Option<Relationship>> {
    let row = sqlx::query(select_relationships!("WHERE id = $1"))
        .bind(id.to_string())
        .fetch_optional(c)
        .await
        .map_err(db_err)?;
    row.as_ref().map(from_row).transpose()
}

pub(crate) async fn of_person(c: &mut AnyConnection, person: PersonId) -> Result<Vec<Relationship>> {
    let rows = sqlx::query(select_relationships!("WHERE from_person_id = $1 OR to_person_id = $1 ORDER BY recorded_at, id"))
        .bind(person.to_string())
        .fetch_all(c)
        .await
        .map_err(db_err)?;
    rows.iter().map(from_row).collect()
}
