//! Allocation history of children's cases.
use crate::convert::{date_text, opt_date_text, opt_id, RowExt};
use crate::error::db_err;
use hearth_domain::front_door::allocation::Allocation;
use hearth_domain::front_door::AllocationId;
use hearth_domain::PersonId;
use hearth_store::{Result, StoreError};
use sqlx::AnyConnection;
use time::Date;

pub(crate) async fn of_person(c: &mut AnyConnection, person: PersonId) -> Result<Vec<Allocation>> {
    let rows = sqlx::query(
        "SELECT id, team_id, worker_id, from_date, to_date, allocated_by, reason FROM allocations \
         WHERE person_id = $1 ORDER BY from_date",
    )
    .bind(person.to_string())
    .fetch_all(c)
    .await
    .map_err(db_err)?;
    rows.iter()
        .map(|r| {
            Ok(Allocation {
                id: r.parsed("id")?,
                team: r.parsed("team_id")?,
                worker: r.opt_parsed("worker_id")?,
                from: r.opt_date("from_date")?.ok_or_else(|| StoreError::Corrupt("allocations.from_date is empty".into()))?,
                to: r.opt_date("to_date")?,
                allocated_by: r.parsed("allocated_by")?,
                reason: r.opt_text("reason")?,
            })
        })
        .collect()
}

pub(crate) async fn allocate(c: &mut AnyConnection, person: PersonId, ended: Option<(AllocationId, Date)>, new: &Allocation) -> Result<()> {
    if let Some((id, to)) = ended {
        let n = sqlx::query("UPDATE allocations SET to_date = $1 WHERE id = $2 AND person_id = $3 AND to_date IS NULL")
            .bind(date_text(to))
            .bind(id.to_string())
            .bind(person.to_string())
            .execute(&mut *c)
            .await
            .map_err(db_err)?
            .rows_affected();
        if n != 1 {
            // Someone else changed the allocation since it was read.
            return Err(StoreError::Conflict { current: 0 });
        }
    }
    sqlx::query(
        "INSERT INTO allocations (id, person_id, team_id, worker_id, from_date, to_date, allocated_by, reason) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(new.id.to_string())
    .bind(person.to_string())
    .bind(new.team.to_string())
    .bind(opt_id(new.worker))
    .bind(date_text(new.from))
    .bind(opt_date_text(new.to))
    .bind(new.allocated_by.to_string())
    .bind(new.reason.clone())
    .execute(&mut *c)
    .await
    .map_err(db_err)?;
    let current = new.to.is_none();
    sqlx::query("UPDATE persons SET allocated_team_id = $1, allocated_worker_id = $2 WHERE id = $3")
        .bind(current.then(|| new.team.to_string()))
        .bind(if current { opt_id(new.worker) } else { None })
        .bind(person.to_string())
        .execute(&mut *c)
        .await
        .map_err(db_err)?;
    Ok(())
}
