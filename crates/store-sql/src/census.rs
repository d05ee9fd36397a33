//! Explanations of CIN census queries: `census_explanations`, one per child, rule and year.
use crate::convert::{micros, RowExt};
use crate::error::db_err;
use hearth_store::{CensusExplanation, Result};
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
