//! The audit log: entries chained by `hearth_domain::audit::chain` in the caller's
//! transaction, and a one-row head that records the last entry apart from the entries.
use crate::convert::{RowExt, micros, opt_id, to_stored_precision};
use crate::dialect::Dialect;
use crate::error::{corrupt, db_err};
use hearth_domain::audit::{self, AuditDraft, AuditEntry, Outcome};
use hearth_domain::*;
use crate::sql::DynSql;
use hearth_domain::user::Role;
use hearth_store::{Result, RoleGrant, StoreError};
use sqlx::AnyConnection;
use time::OffsetDateTime;
use sqlx::any::AnyRow;

fn from_row(r: &AnyRow) -> Result<AuditEntry> {
    let outcome = r.text("outcome")?;
    Ok(AuditEntry {
        seq: r.int("seq")?,
        draft: AuditDraft {
            at: r.time("at")?,
            actor: r.opt_parsed("actor")?,
            action: r.text("action")?,
            person: r.opt_parsed("person_id")?,
            target: r.opt_text("target")?,
            outcome: Outcome::from_code(&outcome).ok_or_else(|| corrupt("outcome", format!("unknown outcome {outcome:?}")))?,
            reason: r.opt_text("reason")?,
        },
        prev_hash: r.text("prev_hash")?,
        hash: r.text("hash")?,
    })
}

macro_rules! select_entries {
    ($tail:literal) => {
        concat!("SELECT seq, at, actor, action, person_id, target, outcome, reason, prev_hash, hash FROM audit_log ", $tail)
    };
}

/// Appends `drafts` at the end of the chain, in order, in the caller's transaction: the head
/// is read (and on PostgreSQL locked until the transaction ends) once, each entry inserted,
/// and the head moved with it. Called at commit, so the lock is held only for the commit.
/// Counted in `hearth_audit_appends_total` by result: a failure here refuses the action being
/// audited, which monitoring should see.
pub(crate) async fn append_many(c: &mut AnyConnection, dialect: Dialect, drafts: &[AuditDraft]) -> Result<Vec<AuditEntry>> {
    if drafts.is_empty() {
        return Ok(Vec::new());
    }
    let appended = append_entries(c, dialect, drafts).await;
    let result = if appended.is_ok() { "ok" } else { "error" };
    metrics::counter!("hearth_audit_appends_total", "result" => result).increment(drafts.len() as u64);
    appended
}

async fn append_entries(c: &mut AnyConnection, dialect: Dialect, drafts: &[AuditDraft]) -> Result<Vec<AuditEntry>> {
    let head = sqlx::query(dialect.audit_head_for_update())
        .fetch_optional(&mut *c)
        .await
        .map_err(db_err)?
        .ok_or_else(|| StoreError::Corrupt("the audit head is missing".into()))?;
    let (mut seq, mut hash) = (head.int("seq")?, head.text("hash")?);
    let mut out = Vec::with_capacity(drafts.len());
    for draft in drafts {
        let last = (seq > 0).then_some((seq, hash.as_str()));
        // Hash exactly what is stored: timestamps keep microseconds.
        let mut draft = draft.clone();
        draft.at = to_stored_precision(draft.at);
        let entry = audit::chain(draft, last);
        let d = &entry.draft;
        sqlx::query(
            "INSERT INTO audit_log (seq, at, actor, action, person_id, target, outcome, reason, prev_hash, hash) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(entry.seq)
        .bind(micros(d.at))
        .bind(opt_id(d.actor))
        .bind(&d.action)
        .bind(opt_id(d.person))
        .bind(d.target.as_deref())
        .bind(d.outcome.code())
        .bind(d.reason.as_deref())
        .bind(&entry.prev_hash)
        .bind(&entry.hash)
        .execute(&mut *c)
        .await
        .map_err(db_err)?;
        // The head follows each entry (triggers check both, one entry at a time).
        sqlx::query("UPDATE audit_head SET seq = $1, hash = $2 WHERE id = 1").bind(entry.seq).bind(&entry.hash).execute(&mut *c).await.map_err(db_err)?;
        (seq, hash) = (entry.seq, entry.hash.clone());
        out.push(entry);
    }
    Ok(out)
}

pub(crate) async fn page(c: &mut AnyConnection, after: i64, limit: u32) -> Result<Vec<AuditEntry>> {
    let rows = sqlx::query(select_entries!("WHERE seq > $1 ORDER BY seq LIMIT $2"))
        .bind(after)
        .bind(i64::from(limit))
        .fetch_all(c)
        .await
        .map_err(db_err)?;
    rows.iter().map(from_row).collect()
}

pub(crate) async fn head(c: &mut AnyConnection) -> Result<i64> {
    let row = sqlx::query("SELECT seq FROM audit_head WHERE id = 1")
        .fetch_optional(c)
        .await
        .map_err(db_err)?
        .ok_or_else(|| StoreError::Corrupt("the audit head is missing".into()))?;
    row.int("seq")
}

pub(crate) async fn of_person(c: &mut AnyConnection, person: PersonId, limit: u32) -> Result<Vec<AuditEntry>> {
    let rows = sqlx::query(select_entries!("WHERE person_id = $1 ORDER BY seq DESC LIMIT $2"))
        .bind(person.to_string())
        .bind(i64::from(limit))
        .fetch_all(c)
        .await
        .map_err(db_err)?;
    rows.iter().map(from_row).collect()
}

pub(crate) async fn of_person_by(c: &mut AnyConnection, person: PersonId, actor: UserId, from: OffsetDateTime, to: OffsetDateTime, limit: u32) -> Result<Vec<AuditEntry>> {
    let rows = sqlx::query(select_entries!("WHERE person_id = $1 AND actor = $2 AND at >= $3 AND at <= $4 ORDER BY seq LIMIT $5"))
        .bind(person.to_string())
        .bind(actor.to_string())
        .bind(micros(from))
        .bind(micros(to))
        .bind(i64::from(limit))
        .fetch_all(c)
        .await
        .map_err(db_err)?;
    rows.iter().map(from_row).collect()
}

pub(crate) async fn search(c: &mut AnyConnection, q: &hearth_store::AuditQuery) -> Result<Vec<AuditEntry>> {
    let mut s = DynSql::new(select_entries!("WHERE 1 = 1"));
    if let Some(a) = q.actor {
        let p = s.arg(a.to_string());
        s.push(&format!(" AND actor = {p}"));
    }
    if !q.actions.is_empty() {
        let l = s.list(q.actions.iter().map(String::as_str));
        s.push(&format!(" AND action IN ({l})"));
    }
    if let Some(p) = q.person {
        let p = s.arg(p.to_string());
        s.push(&format!(" AND person_id = {p}"));
    }
    if let Some(t) = q.from {
        let p = s.arg(micros(t));
        s.push(&format!(" AND at >= {p}"));
    }
    if let Some(t) = q.until {
        let p = s.arg(micros(t));
        s.push(&format!(" AND at < {p}"));
    }
    if let Some(b) = q.before {
        let p = s.arg(b);
        s.push(&format!(" AND seq < {p}"));
    }
    let l = s.arg(i64::from(q.limit));
    s.push(&format!(" ORDER BY seq DESC LIMIT {l}"));
    s.cache = q.actions.len() <= 8;
    s.fetch_all(c).await?.iter().map(from_row).collect()
}

/// Accounts made or given a new role since `since` (their `user.create` and
/// `user.change_role` entries, by the partial index on them) whose role is now one of `roles`.
pub(crate) async fn role_grants_since(c: &mut AnyConnection, since: OffsetDateTime, roles: &[Role]) -> Result<Vec<RoleGrant>> {
    if roles.is_empty() {
        return Ok(Vec::new());
    }
    let mut q = DynSql::new(
        "SELECT a.at, a.actor, u.id, u.display_name, u.role, g.display_name AS granted_by_name \
         FROM audit_log a JOIN users u ON u.id = a.target LEFT JOIN users g ON g.id = a.actor \
         WHERE a.action IN ('user.create', 'user.change_role') AND a.outcome = 'allowed' AND a.at >= ",
    );
    let since = q.arg(micros(since));
    let roles = q.list(roles.iter().map(|r| r.code()));
    q.push(&since).push(&format!(" AND u.role IN ({roles}) ORDER BY a.seq DESC"));
    q.fetch_all(c)
        .await?
        .iter()
        .map(|r| {
            let role = r.text("role")?;
            Ok(RoleGrant {
                user: r.parsed("id")?,
                user_name: r.text("display_name")?,
                role: Role::from_code(&role).ok_or_else(|| StoreError::Corrupt(format!("unknown role {role:?}")))?,
                granted_by: r.opt_parsed("actor")?,
                granted_by_name: r.opt_text("granted_by_name")?.unwrap_or_default(),
                at: r.time("at")?,
            })
        })
        .collect()
}
