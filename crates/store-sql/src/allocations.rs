//! Allocation history of children's cases.
use crate::convert::{date_text, opt_date_text, opt_id, RowExt};
use crate::error::db_err;
use hearth_domain::front_door::allocation::Allocation;
use hearth_domain::front_door::AllocationId;
use hearth_domain::PersonId;
use hearth_store::{Result, StoreError};
use sqlx::AnyConnection;
use time::Date;

/// The columns [`from_row`] reads, as a literal for `concat!`.
macro_rules! columns {
    () => {
        "SELECT id, person_id, team_id, worker_id, from_date, to_date, allocated_by, reason FROM allocations "
    };
}

fn from_row(r: &sqlx::any::AnyRow) -> Result<Allocation> {
    Ok(Allocation {
        id: r.parsed("id")?,
        team: r.parsed("team_id")?,
        worker: r.opt_parsed("worker_id")?,
        from: r.opt_date("from_date")?.ok_or_else(|| StoreError::Corrupt("allocations.from_date is empty".into()))?,
        to: r.opt_date("to_date")?,
        allocated_by: r.parsed("allocated_by")?,
        reason: r.opt_text("reason")?,
    })
}

pub(crate) async fn of_person(c: &mut AnyConnection, person: PersonId) -> Result<Vec<Allocation>> {
    let rows = sqlx::query(concat!(columns!(), "WHERE person_id = $1 ORDER BY from_date"))
        .bind(person.to_string())
        .fetch_all(c)
        .await
        .map_err(db_err)?;
    rows.iter().map(from_row).collect()
}

pub(crate) async fn planned(c: &mut AnyConnection, person: PersonId) -> Result<Option<Allocation>> {
    let row = sqlx::query(concat!(columns!(), "WHERE person_id = $1 AND pending = 1"))
        .bind(person.to_string())
        .fetch_optional(c)
        .await
        .map_err(db_err)?;
    row.as_ref().map(from_row).transpose()
}

pub(crate) async fn cancel_planned(c: &mut AnyConnection, person: PersonId) -> Result<bool> {
    let Some(plan) = planned(&mut *c, person).await? else { return Ok(false) };
    sqlx::query("DELETE FROM allocations WHERE id = $1 AND pending = 1").bind(plan.id.to_string()).execute(&mut *c).await.map_err(db_err)?;
    // The allocation it ended, the day before it: open again.
    if let Some(last_day) = plan.from.previous_day() {
        sqlx::query("UPDATE allocations SET to_date = NULL WHERE person_id = $1 AND to_date = $2")
            .bind(person.to_string())
            .bind(date_text(last_day))
            .execute(&mut *c)
            .await
            .map_err(db_err)?;
    }
    Ok(true)
}

pub(crate) async fn apply_due(c: &mut AnyConnection, today: Date) -> Result<Vec<(PersonId, Allocation)>> {
    let rows = sqlx::query(concat!(columns!(), "WHERE pending = 1 AND from_date <= $1 ORDER BY from_date"))
        .bind(date_text(today))
        .fetch_all(&mut *c)
        .await
        .map_err(db_err)?;
    let mut out = Vec::with_capacity(rows.len());
    for r in &rows {
        let a = from_row(r)?;
        let person: PersonId = r.parsed("person_id")?;
        sqlx::query("UPDATE allocations SET pending = 0 WHERE id = $1").bind(a.id.to_string()).execute(&mut *c).await.map_err(db_err)?;
        set_current(&mut *c, person, &a).await?;
        out.push((person, a));
    }
    Ok(out)
}

/// Makes `a` the record's allocation (none once it has ended).
async fn set_current(c: &mut AnyConnection, person: PersonId, a: &Allocation) -> Result<()> {
    let current = a.to.is_none();
    sqlx::query("UPDATE persons SET allocated_team_id = $1, allocated_worker_id = $2 WHERE id = $3")
        .bind(current.then(|| a.team.to_string()))
        .bind(if current { opt_id(a.worker) } else { None })
        .bind(person.to_string())
        .execute(c)
        .await
        .map_err(db_err)?;
    Ok(())
}

/// Ends `ended`, stores `new` (pending when `planned`) and, unless planned, makes it the
/// record's allocation.
pub(crate) async fn allocate(c: &mut AnyConnection, person: PersonId, ended: Option<(AllocationId, Date)>, new: &Allocation, planned: bool) -> Result<()> {
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
        "INSERT INTO allocations (id, person_id, team_id, worker_id, from_date, to_date, allocated_by, reason, pending) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(new.id.to_string())
    .bind(person.to_string())
    .bind(new.team.to_string())
    .bind(opt_id(new.worker))
    .bind(date_text(new.from))
    .bind(opt_date_text(new.to))
    .bind(new.allocated_by.to_string())
    .bind(new.reason.clone())
    .bind(i64::from(planned))
    .execute(&mut *c)
    .await
    .map_err(db_err)?;
    if planned { Ok(()) } else { set_current(c, person, new).await }
}
