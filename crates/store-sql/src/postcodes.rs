//! Where postcodes are: `postcode_locations`, loaded whole from the ONS Postcode Directory.
use crate::convert::RowExt;
use crate::error::corrupt;
use crate::sql::DynSql;
use hearth_domain::care::distance::Location;
use hearth_store::Result;
use sqlx::AnyConnection;
use std::collections::HashMap;

/// Keys to a lookup: a dashboard asks for about two thousand, in one statement; both
/// databases take many more parameters than this (SQLite 32,766, PostgreSQL 65,535).
const KEYS_PER_QUERY: usize = 10_000;

/// Rows to an insert (three parameters each). The same text for every full batch, so the
/// statement is prepared once; larger batches gained little on either database.
const ROWS_PER_INSERT: usize = 1_000;

pub(crate) async fn locations(c: &mut AnyConnection, keys: &[String]) -> Result<HashMap<String, Location>> {
    let mut out = HashMap::new();
    for chunk in keys.chunks(KEYS_PER_QUERY) {
        let mut q = DynSql::new("SELECT postcode, lat_e6, lon_e6 FROM postcode_locations WHERE postcode IN (");
        let list = q.list(chunk.iter().map(String::as_str));
        q.push(&list).push(")");
        // The list differs each time: not worth a place in the statement cache.
        q.cache = false;
        for r in q.fetch_all(&mut *c).await? {
            let at = Location::from_micro_degrees(r.int("lat_e6")?, r.int("lon_e6")?).map_err(|e| corrupt("postcode_locations", e))?;
            out.insert(r.text("postcode")?, at);
        }
    }
    Ok(out)
}

pub(crate) async fn any(c: &mut AnyConnection) -> Result<bool> {
    let rows = DynSql::new("SELECT 1 AS one FROM postcode_locations LIMIT 1").fetch_all(c).await?;
    Ok(!rows.is_empty())
}

pub(crate) async fn replace(c: &mut AnyConnection, rows: &[(String, Location)]) -> Result<u64> {
    // DELETE rather than TRUNCATE: PostgreSQL's TRUNCATE would lock out the dashboards
    // reading the table until the load commits; DELETE lets them read the old rows.
    DynSql::new("DELETE FROM postcode_locations").execute(&mut *c).await?;
    let mut written = 0;
    for chunk in rows.chunks(ROWS_PER_INSERT) {
        let mut q = DynSql::new("INSERT INTO postcode_locations (postcode, lat_e6, lon_e6) VALUES ");
        q.cache = chunk.len() == ROWS_PER_INSERT;
        let mut values = Vec::with_capacity(chunk.len());
        for (key, at) in chunk {
            let (lat, lon) = at.micro_degrees();
            values.push(format!("({}, {}, {})", q.arg(key.as_str()), q.arg(lat), q.arg(lon)));
        }
        q.push(&values.join(", "));
        written += q.execute(&mut *c).await?;
    }
    Ok(written)
}
