//! Teams, users, sessions, API tokens and saved drafts.
use crate::convert::{RowExt, flag, micros, opt_id, opt_micros};
use crate::error::{corrupt, db_err};
use hearth_domain::user::{Role, Team, UserRecord};
use hearth_domain::*;
use hearth_store::{ApiTokenRecord, DraftRecord, Result, SessionRecord, SetupLinkRecord, StoreError};
use sqlx::AnyConnection;
use sqlx::any::AnyRow;
use time::OffsetDateTime;

fn not_found_unless_changed(rows: u64) -> Result<()> {
    if rows == 0 { Err(StoreError::NotFound) } else { Ok(()) }
}

/// Usernames compare case-insensitively; lower-casing here, not in SQL, gives the same
/// (Unicode) answer on both databases.
fn username_key(username: &str) -> String {
    username.trim().to_lowercase()
}

pub(crate) async fn insert_team(c: &mut AnyConnection, team: &Team) -> Result<()> {
    sqlx::query("INSERT INTO teams (id, name) VALUES ($1, $2)")
        .bind(team.id.to_string())
        .bind(&team.name)
        .execute(c)
        .await
        .map_err(db_err)?;
    Ok(())
}

pub(crate) async fn teams(c: &mut AnyConnection) -> Result<Vec<Team>> {
    let rows = sqlx::query("SELECT id, name FROM teams ORDER BY name, id").fetch_all(c).await.map_err(db_err)?;
    rows.iter().map(|r| Ok(Team { id: r.parsed("id")?, name: r.text("name")? })).collect()
}

/// The user query with a fixed tail, as one static string.
macro_rules! select_users {
    ($tail:literal) => {
        concat!(
            "SELECT id, username, display_name, role, team_id, manager_id, password_hash, ",
            "totp_secret, totp_last_step, failed_logins, locked_until, active, created_at FROM users",
            $tail
        )
    };
}

fn user_from_row(r: &AnyRow) -> Result<UserRecord> {
    let role = r.text("role")?;
    Ok(UserRecord {
        id: r.parsed("id")?,
        username: r.text("username")?,
        display_name: r.text("display_name")?,
        role: Role::from_code(&role).ok_or_else(|| corrupt("role", format!("unknown role {role:?}")))?,
        team: r.opt_parsed("team_id")?,
        manager: r.opt_parsed("manager_id")?,
        password_hash: r.text("password_hash")?,
        totp_secret: r.opt_text("totp_secret")?,
        totp_last_step: r.int("totp_last_step")?,
        failed_logins: r.int("failed_logins")?,
        locked_until: r.opt_time("locked_until")?,
        active: r.flag("active")?,
        created_at: r.time("created_at")?,
    })
}

/// A taken username is an answer, not a failure of the transaction: the savepoint keeps the
/// transaction usable after the refusal (PostgreSQL refuses everything after a failed
/// statement otherwise), for example to audit the attempt.
pub(crate) async fn insert_user(c: &mut AnyConnection, u: &UserRecord) -> Result<()> {
    sqlx::query("SAVEPOINT insert_user").execute(&mut *c).await.map_err(db_err)?;
    let inserted = sqlx::query(
        "INSERT INTO users (id, username, username_key, display_name, role, team_id, manager_id, \
         password_hash, totp_secret, totp_last_step, failed_logins, locked_until, active, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
    )
    .bind(u.id.to_string())
    .bind(&u.username)
    .bind(username_key(&u.username))
    .bind(&u.display_name)
    .bind(u.role.code())
    .bind(opt_id(u.team))
    .bind(opt_id(u.manager))
    .bind(&u.password_hash)
    .bind(u.totp_secret.as_deref())
    .bind(u.totp_last_step)
    .bind(u.failed_logins)
    .bind(opt_micros(u.locked_until))
    .bind(flag(u.active))
    .bind(micros(u.created_at))
    .execute(&mut *c)
    .await;
    let end = if inserted.is_ok() { "RELEASE SAVEPOINT insert_user" } else { "ROLLBACK TO SAVEPOINT insert_user" };
    sqlx::query(end).execute(c).await.map_err(db_err)?;
    inserted.map(drop).map_err(db_err)
}

pub(crate) async fn user(c: &mut AnyConnection, id: UserId) -> Result<Option<UserRecord>> {
    let row = sqlx::query(select_users!(" WHERE id = $1")).bind(id.to_string()).fetch_optional(c).await.map_err(db_err)?;
    row.as_ref().map(user_from_row).transpose()
}

pub(crate) async fn user_by_username(c: &mut AnyConnection, username: &str) -> Result<Option<UserRecord>> {
    let row = sqlx::query(select_users!(" WHERE username_key = $1")).bind(username_key(username)).fetch_optional(c).await.map_err(db_err)?;
    row.as_ref().map(user_from_row).transpose()
}

pub(crate) async fn users(c: &mut AnyConnection) -> Result<Vec<UserRecord>> {
    let rows = sqlx::query(select_users!(" ORDER BY display_name, username_key")).fetch_all(c).await.map_err(db_err)?;
    rows.iter().map(user_from_row).collect()
}

pub(crate) async fn display_names(c: &mut AnyConnection, ids: &[UserId]) -> Result<Vec<(UserId, String)>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut q = crate::sql::DynSql::new("SELECT id, display_name FROM users WHERE id IN (");
    let list = q.list(ids.iter().map(|u| u.to_string()));
    q.push(&format!("{list})"));
    q.fetch_all(c).await?.iter().map(|r| Ok((r.parsed("id")?, r.text("display_name")?))).collect()
}

pub(crate) async fn chain_epoch(c: &mut AnyConnection) -> Result<i64> {
    let row = sqlx::query("SELECT n FROM chain_epoch WHERE id = 1").fetch_one(c).await.map_err(db_err)?;
    row.int("n")
}

/// Everyone below `manager`, walked in the database. `UNION` (not `UNION ALL`) drops rows
/// already seen, so a cycle in bad data ends.
pub(crate) async fn chain_below(c: &mut AnyConnection, manager: UserId) -> Result<Vec<(UserId, Option<TeamId>)>> {
    let rows = sqlx::query(
        "WITH RECURSIVE chain (id, team_id) AS ( \
           SELECT id, team_id FROM users WHERE manager_id = $1 \
           UNION \
           SELECT u.id, u.team_id FROM users u JOIN chain ON u.manager_id = chain.id \
         ) SELECT id, team_id FROM chain WHERE id <> $1",
    )
    .bind(manager.to_string())
    .fetch_all(c)
    .await
    .map_err(db_err)?;
    rows.iter().map(|r| Ok((r.parsed("id")?, r.opt_parsed("team_id")?))).collect()
}

pub(crate) async fn update_user(c: &mut AnyConnection, u: &UserRecord) -> Result<()> {
    let done = sqlx::query(
        "UPDATE users SET display_name = $1, role = $2, team_id = $3, manager_id = $4, password_hash = $5, \
         totp_secret = $6, failed_logins = $7, locked_until = $8, active = $9, totp_last_step = $11 WHERE id = $10",
    )
    .bind(&u.display_name)
    .bind(u.role.code())
    .bind(opt_id(u.team))
    .bind(opt_id(u.manager))
    .bind(&u.password_hash)
    .bind(u.totp_secret.as_deref())
    .bind(u.failed_logins)
    .bind(opt_micros(u.locked_until))
    .bind(flag(u.active))
    .bind(u.id.to_string())
    .bind(u.totp_last_step)
    .execute(c)
    .await
    .map_err(db_err)?;
    not_found_unless_changed(done.rows_affected())
}

fn session_from_row(r: &AnyRow) -> Result<SessionRecord> {
    Ok(SessionRecord {
        id: r.parsed("id")?,
        user: r.parsed("user_id")?,
        token_hash: r.text("token_hash")?,
        csrf_token: r.text("csrf_token")?,
        mfa_passed: r.flag("mfa_passed")?,
        proposed_totp: r.opt_text("proposed_totp")?,
        created_at: r.time("created_at")?,
        last_seen_at: r.time("last_seen_at")?,
    })
}

pub(crate) async fn insert_session(c: &mut AnyConnection, s: &SessionRecord) -> Result<()> {
    sqlx::query(
        "INSERT INTO sessions (id, user_id, token_hash, csrf_token, mfa_passed, created_at, last_seen_at, proposed_totp) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(s.id.to_string())
    .bind(s.user.to_string())
    .bind(&s.token_hash)
    .bind(&s.csrf_token)
    .bind(flag(s.mfa_passed))
    .bind(micros(s.created_at))
    .bind(micros(s.last_seen_at))
    .bind(s.proposed_totp.as_deref())
    .execute(c)
    .await
    .map_err(db_err)?;
    Ok(())
}

pub(crate) async fn session_by_token_hash(c: &mut AnyConnection, token_hash: &str) -> Result<Option<SessionRecord>> {
    let row = sqlx::query(
        "SELECT id, user_id, token_hash, csrf_token, mfa_passed, created_at, last_seen_at, proposed_totp \
         FROM sessions WHERE token_hash = $1",
    )
    .bind(token_hash)
    .fetch_optional(c)
    .await
    .map_err(db_err)?;
    row.as_ref().map(session_from_row).transpose()
}

/// Replaces what a session may change: its token (renewed at sign-in), CSRF token, second
/// factor, proposed authenticator secret and last activity.
pub(crate) async fn update_session(c: &mut AnyConnection, s: &SessionRecord) -> Result<()> {
    let done = sqlx::query(
        "UPDATE sessions SET token_hash = $1, csrf_token = $2, mfa_passed = $3, last_seen_at = $4, proposed_totp = $6 WHERE id = $5",
    )
    .bind(&s.token_hash)
    .bind(&s.csrf_token)
    .bind(flag(s.mfa_passed))
    .bind(micros(s.last_seen_at))
    .bind(s.id.to_string())
    .bind(s.proposed_totp.as_deref())
    .execute(c)
    .await
    .map_err(db_err)?;
    not_found_unless_changed(done.rows_affected())
}

pub(crate) async fn touch_session(c: &mut AnyConnection, id: SessionId, at: OffsetDateTime) -> Result<()> {
    sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE id = $2 AND last_seen_at < $1").bind(micros(at)).bind(id.to_string()).execute(c).await.map_err(db_err)?;
    Ok(())
}

pub(crate) async fn delete_session(c: &mut AnyConnection, id: SessionId) -> Result<()> {
    sqlx::query("DELETE FROM sessions WHERE id = $1").bind(id.to_string()).execute(c).await.map_err(db_err)?;
    Ok(())
}

pub(crate) async fn delete_user_sessions(c: &mut AnyConnection, user: UserId) -> Result<u64> {
    let done = sqlx::query("DELETE FROM sessions WHERE user_id = $1").bind(user.to_string()).execute(c).await.map_err(db_err)?;
    Ok(done.rows_affected())
}

pub(crate) async fn revoke_user_api_tokens(c: &mut AnyConnection, user: UserId, at: OffsetDateTime) -> Result<u64> {
    let done = sqlx::query("UPDATE api_tokens SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL")
        .bind(micros(at))
        .bind(user.to_string())
        .execute(c)
        .await
        .map_err(db_err)?;
    Ok(done.rows_affected())
}

fn token_from_row(r: &AnyRow) -> Result<ApiTokenRecord> {
    Ok(ApiTokenRecord {
        id: r.parsed("id")?,
        user: r.parsed("user_id")?,
        name: r.text("name")?,
        token_hash: r.text("token_hash")?,
        created_at: r.time("created_at")?,
        last_used_at: r.opt_time("last_used_at")?,
        revoked_at: r.opt_time("revoked_at")?,
    })
}

pub(crate) async fn insert_api_token(c: &mut AnyConnection, t: &ApiTokenRecord) -> Result<()> {
    sqlx::query(
        "INSERT INTO api_tokens (id, user_id, name, token_hash, created_at, last_used_at, revoked_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(t.id.to_string())
    .bind(t.user.to_string())
    .bind(&t.name)
    .bind(&t.token_hash)
    .bind(micros(t.created_at))
    .bind(opt_micros(t.last_used_at))
    .bind(opt_micros(t.revoked_at))
    .execute(c)
    .await
    .map_err(db_err)?;
    Ok(())
}

pub(crate) async fn api_token_by_hash(c: &mut AnyConnection, token_hash: &str) -> Result<Option<ApiTokenRecord>> {
    let row = sqlx::query(
        "SELECT id, user_id, name, token_hash, created_at, last_used_at, revoked_at FROM api_tokens WHERE token_hash = $1",
    )
    .bind(token_hash)
    .fetch_optional(c)
    .await
    .map_err(db_err)?;
    row.as_ref().map(token_from_row).transpose()
}

pub(crate) async fn api_tokens_of(c: &mut AnyConnection, user: UserId) -> Result<Vec<ApiTokenRecord>> {
    let rows = sqlx::query(
        "SELECT id, user_id, name, token_hash, created_at, last_used_at, revoked_at FROM api_tokens \
         WHERE user_id = $1 ORDER BY created_at, id",
    )
    .bind(user.to_string())
    .fetch_all(c)
    .await
    .map_err(db_err)?;
    rows.iter().map(token_from_row).collect()
}

/// The first revocation time is kept if a token is revoked twice.
pub(crate) async fn revoke_api_token(c: &mut AnyConnection, id: ApiTokenId, user: UserId, at: OffsetDateTime) -> Result<()> {
    let done = sqlx::query("UPDATE api_tokens SET revoked_at = COALESCE(revoked_at, $1) WHERE id = $2 AND user_id = $3")
        .bind(micros(at))
        .bind(id.to_string())
        .bind(user.to_string())
        .execute(c)
        .await
        .map_err(db_err)?;
    not_found_unless_changed(done.rows_affected())
}

pub(crate) async fn touch_api_token(c: &mut AnyConnection, id: ApiTokenId, at: OffsetDateTime) -> Result<()> {
    let done = sqlx::query("UPDATE api_tokens SET last_used_at = $1 WHERE id = $2")
        .bind(micros(at))
        .bind(id.to_string())
        .execute(c)
        .await
        .map_err(db_err)?;
    not_found_unless_changed(done.rows_affected())
}

pub(crate) async fn insert_draft(c: &mut AnyConnection, d: &DraftRecord) -> Result<()> {
    sqlx::query("INSERT INTO drafts (id, user_id, path, body, created_at) VALUES ($1, $2, $3, $4, $5)")
        .bind(d.id.to_string())
        .bind(d.user.to_string())
        .bind(&d.path)
        .bind(&d.body)
        .bind(micros(d.created_at))
        .execute(c)
        .await
        .map_err(db_err)?;
    Ok(())
}

/// A draft is given back once: taking it deletes it.
pub(crate) async fn take_draft(c: &mut AnyConnection, id: DraftId, user: UserId) -> Result<Option<DraftRecord>> {
    let row = sqlx::query(
        "DELETE FROM drafts WHERE id = $1 AND user_id = $2 RETURNING id, user_id, path, body, created_at",
    )
    .bind(id.to_string())
    .bind(user.to_string())
    .fetch_optional(c)
    .await
    .map_err(db_err)?;
    row.map(|r| {
        Ok(DraftRecord {
            id: r.parsed("id")?,
            user: r.parsed("user_id")?,
            path: r.text("path")?,
            body: r.text("body")?,
            created_at: r.time("created_at")?,
        })
    })
    .transpose()
}

pub(crate) async fn delete_sessions_before(c: &mut AnyConnection, idle_before: OffsetDateTime, begun_before: OffsetDateTime) -> Result<u64> {
    let done = sqlx::query("DELETE FROM sessions WHERE last_seen_at < $1 OR created_at < $2")
        .bind(micros(idle_before))
        .bind(micros(begun_before))
        .execute(c)
        .await
        .map_err(db_err)?;
    Ok(done.rows_affected())
}

pub(crate) async fn delete_drafts_before(c: &mut AnyConnection, before: OffsetDateTime) -> Result<u64> {
    let done = sqlx::query("DELETE FROM drafts WHERE created_at < $1").bind(micros(before)).execute(c).await.map_err(db_err)?;
    Ok(done.rows_affected())
}

macro_rules! select_setup_links {
    ($tail:literal) => {
        concat!("SELECT id, user_id, token_hash, created_by, created_at, expires_at, proposed_totp, used_at FROM setup_links ", $tail)
    };
}

fn setup_link_from_row(r: &AnyRow) -> Result<SetupLinkRecord> {
    Ok(SetupLinkRecord {
        id: r.parsed("id")?,
        user: r.parsed("user_id")?,
        token_hash: r.text("token_hash")?,
        created_by: r.opt_parsed("created_by")?,
        created_at: r.time("created_at")?,
        expires_at: r.time("expires_at")?,
        proposed_totp: r.opt_text("proposed_totp")?,
        used_at: r.opt_time("used_at")?,
    })
}

/// A new link ends the user's earlier unused ones (marked used when the new one is made), so
/// only the newest link works.
pub(crate) async fn insert_setup_link(c: &mut AnyConnection, l: &SetupLinkRecord) -> Result<()> {
    sqlx::query("UPDATE setup_links SET used_at = $1 WHERE user_id = $2 AND used_at IS NULL")
        .bind(micros(l.created_at))
        .bind(l.user.to_string())
        .execute(&mut *c)
        .await
        .map_err(db_err)?;
    sqlx::query(
        "INSERT INTO setup_links (id, user_id, token_hash, created_by, created_at, expires_at, used_at, proposed_totp) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(l.id.to_string())
    .bind(l.user.to_string())
    .bind(&l.token_hash)
    .bind(opt_id(l.created_by))
    .bind(micros(l.created_at))
    .bind(micros(l.expires_at))
    .bind(opt_micros(l.used_at))
    .bind(l.proposed_totp.as_deref())
    .execute(c)
    .await
    .map_err(db_err)?;
    Ok(())
}

pub(crate) async fn setup_link_by_hash(c: &mut AnyConnection, token_hash: &str) -> Result<Option<SetupLinkRecord>> {
    let row = sqlx::query(select_setup_links!("WHERE token_hash = $1")).bind(token_hash).fetch_optional(c).await.map_err(db_err)?;
    row.as_ref().map(setup_link_from_row).transpose()
}

pub(crate) async fn propose_setup_totp(c: &mut AnyConnection, id: SetupLinkId, secret: &str) -> Result<()> {
    let done = sqlx::query("UPDATE setup_links SET proposed_totp = $1 WHERE id = $2").bind(secret).bind(id.to_string()).execute(c).await.map_err(db_err)?;
    not_found_unless_changed(done.rows_affected())
}

pub(crate) async fn use_setup_link(c: &mut AnyConnection, id: SetupLinkId, at: OffsetDateTime) -> Result<()> {
    let done = sqlx::query("UPDATE setup_links SET used_at = $1 WHERE id = $2 AND used_at IS NULL")
        .bind(micros(at))
        .bind(id.to_string())
        .execute(c)
        .await
        .map_err(db_err)?;
    not_found_unless_changed(done.rows_affected())
}

pub(crate) async fn latest_setup_links(c: &mut AnyConnection) -> Result<Vec<SetupLinkRecord>> {
    let rows = sqlx::query(select_setup_links!(
        "s WHERE s.created_at = (SELECT MAX(o.created_at) FROM setup_links o WHERE o.user_id = s.user_id) ORDER BY s.user_id, s.id"
    ))
    .fetch_all(c)
    .await
    .map_err(db_err)?;
    let mut out: Vec<SetupLinkRecord> = Vec::with_capacity(rows.len());
    for r in &rows {
        let l = setup_link_from_row(r)?;
        // Two links made in the same microsecond: the later id is the newer.
        if out.last().is_some_and(|p| p.user == l.user) {
            out.pop();
        }
        out.push(l);
    }
    Ok(out)
}
