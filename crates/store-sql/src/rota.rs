//! The duty rota: `duty_rota`, one row per worker per team session.
use crate::convert::{date_text, micros, RowExt};
use crate::error::{corrupt, db_err};
use hearth_domain::front_door::rota::{HalfDay, Session};
use hearth_domain::{TeamId, UserId};
use hearth_store::{Result, RotaEntry};
use sqlx::AnyConnection;
use time::macros::format_description;
use time::Date;

fn half_text(h: HalfDay) -> &'static str {
    match h {
        HalfDay::Am => "am",
        HalfDay::Pm => "pm",
    }
}

pub(crate) async fn add_to_rota(c: &mut AnyConnection, e: &RotaEntry) -> Result<bool> {
    let n = sqlx::query(
        "INSERT INTO duty_rota (team_id, date, half, user_id, added_by, added_at) VALUES ($1, $2, $3, $4, $5, $6) \
         ON CONFLICT (team_id, date, half, user_id) DO NOTHING",
    )
    .bind(e.team.to_string())
    .bind(date_text(e.session.date))
    .bind(half_text(e.session.half))
    .bind(e.worker.to_string())
    .bind(e.added_by.to_string())
    .bind(micros(e.added_at))
    .execute(c)
    .await
    .map_err(db_err)?;
    Ok(n.rows_affected() > 0)
}

pub(crate) async fn remove_from_rota(c: &mut AnyConnection, team: TeamId, session: Session, worker: UserId) -> Result<bool> {
    let n = sqlx::query("DELETE FROM duty_rota WHERE team_id = $1 AND date = $2 AND half = $3 AND user_id = $4")
        .bind(team.to_string())
        .bind(date_text(session.date))
        .bind(half_text(session.half))
        .bind(worker.to_string())
        .execute(c)
        .await
        .map_err(db_err)?;
    Ok(n.rows_affected() > 0)
}

pub(crate) async fn rota(c: &mut AnyConnection, team: TeamId, from: Date, to: Date) -> Result<Vec<RotaEntry>> {
    let rows = sqlx::query(
        "SELECT team_id, date, half, user_id, added_by, added_at FROM duty_rota \
         WHERE team_id = $1 AND date >= $2 AND date <= $3 ORDER BY date, half, added_at, user_id",
    )
    .bind(team.to_string())
    .bind(date_text(from))
    .bind(date_text(to))
    .fetch_all(c)
    .await
    .map_err(db_err)?;
    rows.iter()
        .map(|r| {
            let date = Date::parse(&r.text("date")?, format_description!("[year]-[month]-[day]")).map_err(|e| corrupt("date", e))?;
            let half = match r.text("half")?.as_str() {
                "am" => HalfDay::Am,
                "pm" => HalfDay::Pm,
                other => return Err(corrupt("half", other)),
            };
            Ok(RotaEntry {
                team: r.parsed("team_id")?,
                session: Session { date, half },
                worker: r.parsed("user_id")?,
                added_by: r.parsed("added_by")?,
                added_at: r.time("added_at")?,
            })
        })
        .collect()
}
