//! The child protection plans of the episodes, kept beside their documents for the team
//! dashboard (see `migrations/*/0006_episodes.sql` and `0007_census_import.sql`).
use crate::convert::{date_text, opt_date_text, RowExt};
use crate::error::db_err;
use crate::sql::DynSql;
use hearth_domain::cin::codes::AbuseCategory;
use hearth_domain::cin::dashboard::OpenPlan;
use hearth_domain::cin::episode::Episode;
use hearth_domain::codes::Coded;
use hearth_domain::TeamId;
use hearth_store::{Result, StoreError};
use sqlx::any::AnyRow;
use sqlx::AnyConnection;

/// Rewrites the episode's plans as they now stand. An episode's plans are never removed, so
/// one without plans now never had any and has nothing to rewrite.
pub(crate) async fn write_plans(c: &mut AnyConnection, e: &Episode) -> Result<()> {
    if e.cp_plans.is_empty() {
        return Ok(());
    }
    sqlx::query("DELETE FROM episode_cp_plans WHERE episode_id = $1").bind(e.id.to_string()).execute(&mut *c).await.map_err(db_err)?;
    for p in &e.cp_plans {
        sqlx::query(
            "INSERT INTO episode_cp_plans (plan_id, episode_id, child_id, start_date, end_date, initial_category, latest_category, earlier_not_held) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(p.id.to_string())
        .bind(e.id.to_string())
        .bind(e.child.to_string())
        .bind(date_text(p.start))
        .bind(opt_date_text(p.end))
        .bind(p.initial_category.code())
        .bind(p.latest_category.code())
        .bind(i64::from(p.earlier_plans_not_held))
        .execute(&mut *c)
        .await
        .map_err(db_err)?;
    }
    Ok(())
}

fn category(r: &AnyRow, col: &str) -> Result<AbuseCategory> {
    let code = r.text(col)?;
    AbuseCategory::from_code(&code).ok_or_else(|| StoreError::Corrupt(format!("unknown category of abuse {code}")))
}

/// Earlier plans are ordered as `previous_plans` orders them: by start date, then plan id.
pub(crate) async fn open_plans_of_teams(c: &mut AnyConnection, teams: &[TeamId]) -> Result<Vec<OpenPlan>> {
    if teams.is_empty() {
        return Ok(Vec::new());
    }
    let mut q = DynSql::new(
        "SELECT p.plan_id, p.episode_id, p.child_id, p.start_date, p.initial_category, p.latest_category, \
         (SELECT COUNT(*) FROM episode_cp_plans e WHERE e.child_id = p.child_id \
          AND (e.start_date < p.start_date OR (e.start_date = p.start_date AND e.plan_id < p.plan_id))) \
         + (SELECT MAX(e.earlier_not_held) FROM episode_cp_plans e WHERE e.child_id = p.child_id \
          AND (e.start_date < p.start_date OR (e.start_date = p.start_date AND e.plan_id <= p.plan_id))) AS previous \
         FROM episode_cp_plans p JOIN persons c ON c.id = p.child_id WHERE p.end_date IS NULL AND c.allocated_team_id IN (",
    );
    let t = q.list(teams.iter().map(|t| t.to_string()));
    q.push(&format!("{t})"));
    q.fetch_all(c)
        .await?
        .iter()
        .map(|r| {
            Ok(OpenPlan {
                plan: r.parsed("plan_id")?,
                episode: r.parsed("episode_id")?,
                child: r.parsed("child_id")?,
                start: r.opt_date("start_date")?.ok_or_else(|| StoreError::Corrupt("episode_cp_plans.start_date is empty".into()))?,
                initial_category: category(r, "initial_category")?,
                latest_category: category(r, "latest_category")?,
                previous: usize::try_from(r.int("previous")?).unwrap_or(0),
            })
        })
        .collect()
}
