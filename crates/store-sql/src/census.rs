//! Explanations of CIN census queries (`census_explanations`, one per child, rule and year),
//! and the log of which children's census records changed (`census_changes`).
use crate::convert::{micros, RowExt};
use crate::error::db_err;
use hearth_store::{CensusChanges, CensusExplanation, Result};
use sqlx::AnyConnection;

pub(crate) async fn explain(c: &mut AnyConnection, e: &CensusExplanation) -> Result<()> {
    sqlx::query(
        "INSERT INTO census_explanations (year, person_id, rule, text, recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5, $6) \
         ON CONFLICT (year, person_id, rule) DO UPDATE SET text = excluded.text, recorded_by = excluded.recorded_by, recorded_at = excluded.recorded_at",
    )
    .bind(&e.year)
    .bind(e.person.to_string())
    .bind(&e.rule)
    .bind(&e.text)
    .bind(e.by.to_string())
    .bind(micros(e.at))
    .execute(c)
    .await
    .map_err(db_err)?;
    Ok(())
}

pub(crate) async fn of_year(c: &mut AnyConnection, year: &str) -> Result<Vec<CensusExplanation>> {
    let rows = sqlx::query("SELECT year, person_id, rule, text, recorded_by, recorded_at FROM census_explanations WHERE year = $1")
        .bind(year)
        .fetch_all(c)
        .await
        .map_err(db_err)?;
    rows.iter()
        .map(|r| {
            Ok(CensusExplanation {
                year: r.text("year")?,
                person: r.parsed("person_id")?,
                rule: r.text("rule")?,
                text: r.text("text")?,
                by: r.parsed("recorded_by")?,
                at: r.time("recorded_at")?,
            })
        })
        .collect()
}

pub(crate) async fn changes(c: &mut AnyConnection, after: i64) -> Result<CensusChanges> {
    // The bounds first: every change numbered up to `latest` is committed and its people's
    // records are read after this, so they are at least as new as the number says.
    let row = sqlx::query(concat!(
        // Two subqueries: SQLite reads a lone MIN or MAX off the key, but scans for both.
        "SELECT COALESCE((SELECT MIN(seq) FROM census_changes), 0) AS first, ",
        "COALESCE((SELECT MAX(seq) FROM census_changes), 0) AS latest"
    ))
        .fetch_one(&mut *c)
        .await
        .map_err(db_err)?;
    let (first, latest) = (row.int("first")?, row.int("latest")?);
    // Pruned past `after` (the first kept change would follow it), or behind it.
    if after > latest || first > after + 1 {
        return Ok(CensusChanges { latest, people: Vec::new(), complete: false });
    }
    let rows = sqlx::query("SELECT DISTINCT person_id FROM census_changes WHERE seq > $1 AND seq <= $2")
        .bind(after)
        .bind(latest)
        .fetch_all(&mut *c)
        .await
        .map_err(db_err)?;
    let people = rows.iter().map(|r| r.parsed("person_id")).collect::<Result<_>>()?;
    Ok(CensusChanges { latest, people, complete: true })
}

pub(crate) async fn prune_changes(c: &mut AnyConnection, keep: i64) -> Result<u64> {
    let done = sqlx::query("DELETE FROM census_changes WHERE seq <= (SELECT MAX(seq) FROM census_changes) - $1")
        .bind(keep)
        .execute(c)
        .await
        .map_err(db_err)?;
    Ok(done.rows_affected())
}
