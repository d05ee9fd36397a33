//! Reading and verifying the audit log.
use crate::{Actor, App, AppError};
use hearth_domain::audit::{Anchor, AuditEntry, ChainFault, ChainVerifier, Outcome};
use hearth_domain::user::Permission;
use hearth_domain::identifiers::{PersonRef, PersonRefError};
use hearth_domain::{PersonId, UserId};
use hearth_store::AuditQuery;
use std::collections::HashMap;

/// What was searched for, for the audit entry of the search.
fn describe_query(q: &AuditQuery) -> String {
    let mut parts = Vec::new();
    if let Some(a) = q.actor {
        parts.push(format!("actor={a}"));
    }
    if !q.actions.is_empty() {
        parts.push(format!("actions={}", q.actions.join(",")));
    }
    if let Some(f) = q.from {
        parts.push(format!("from={}", f.date()));
    }
    if let Some(u) = q.until {
        parts.push(format!("until={}", u.date()));
    }
    parts.join(" ")
}

/// What `verify_audit` found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum VerifyOutcome {
    Intact { entries: i64 },
    Broken(ChainFault),
}

/// Who looked at or changed a person's record.
#[derive(Clone, Debug)]
pub struct AuditReport {
    pub entries: Vec<AuditEntry>,
    /// Display names of the actors, parallel to `entries`.
    pub actor_names: Vec<String>,
    /// Whose record it is: the name, "A restricted record", or `None` for an unknown id.
    pub person_name: Option<String>,
}

const PAGE: u32 = 5_000;

/// How many entries one page of the audit view shows.
pub const AUDIT_VIEW_PAGE: u32 = 50;
/// The most entries one download holds (narrow the filters for more).
pub const AUDIT_EXPORT_MAX: u32 = 10_000;

/// A page (or a download) of the audit log with the names it needs.
#[derive(Clone, Debug, Default)]
pub struct AuditSearch {
    pub entries: Vec<AuditEntry>,
    /// Who acted, by user id.
    pub actors: HashMap<UserId, String>,
    /// The people the entries are about, by name. A restricted record is not among them:
    /// the log's lists never name or identify a hidden child (its own trail is read by its
    /// Hearth ID).
    pub people: HashMap<PersonId, String>,
    /// Everyone with an account, by name, for the filter.
    pub users: Vec<(UserId, String)>,
    /// Where the next (older) page starts, when there is one.
    pub older: Option<i64>,
}

impl App {
    /// Walks the whole chain in pages, each in a short read transaction. On a running server
    /// the log grows meanwhile, so the end of the walk is compared with the head read before
    /// it and the head read after it: fewer entries than the first means entries were removed
    /// from the end; more than the second means entries beyond the recorded head (every real
    /// append moves the head in the same transaction).
    pub async fn verify_audit(&self) -> Result<VerifyOutcome, AppError> {
        let mut v = ChainVerifier::default();
        let mut after = 0;
        let head_before = self.read_audit_head().await?;
        loop {
            let mut tx = self.store.begin_read().await?;
            let page = tx.audit_page(after, PAGE).await?;
            tx.commit().await?;
            for e in &page {
                if let Err(f) = v.check(e) {
                    return Ok(VerifyOutcome::Broken(f));
                }
            }
            match page.last() {
                Some(last) if page.len() == PAGE as usize => after = last.seq,
                _ => break,
            }
        }
        let head_after = self.read_audit_head().await?;
        let walked = v.count();
        let head = if walked < head_before {
            head_before
        } else if walked > head_after {
            head_after
        } else {
            walked
        };
        Ok(match v.finish(head) {
            Ok(n) => VerifyOutcome::Intact { entries: n },
            Err(f) => VerifyOutcome::Broken(f),
        })
    }

    async fn read_audit_head(&self) -> Result<i64, AppError> {
        let mut tx = self.store.begin_read().await?;
        let h = tx.audit_head().await?;
        tx.commit().await?;
        Ok(h)
    }

    /// The log's last entry as an anchor to keep elsewhere (`hearth audit anchor`).
    pub async fn audit_anchor(&self) -> Result<Anchor, AppError> {
        let mut tx = self.store.begin().await?;
        let head = tx.audit_head().await?;
        let last = if head == 0 { None } else { tx.audit_page(head - 1, 1).await?.pop() };
        tx.commit().await?;
        Ok(match last {
            Some(e) => Anchor { seq: e.seq, hash: e.hash },
            None => Anchor::genesis(),
        })
    }

    /// Verifies the whole chain, then that it still holds `anchor`: a log rewound past the
    /// anchor (entries removed from the end, the head rewritten) or rewritten from before it
    /// fails, though its chain would verify.
    pub async fn verify_audit_anchor(&self, anchor: &Anchor) -> Result<VerifyOutcome, AppError> {
        let outcome = self.verify_audit().await?;
        let VerifyOutcome::Intact { entries } = outcome else { return Ok(outcome) };
        let mut tx = self.store.begin().await?;
        let at = if anchor.seq == 0 { None } else { tx.audit_page(anchor.seq - 1, 1).await?.pop().filter(|e| e.seq == anchor.seq) };
        tx.commit().await?;
        Ok(match anchor.check(at.as_ref(), entries) {
            Ok(()) => VerifyOutcome::Intact { entries },
            Err(f) => VerifyOutcome::Broken(f),
        })
    }

    /// The audit log filtered, newest first, for auditors; `export` reads up to
    /// [`AUDIT_EXPORT_MAX`] entries for a download. Searching and downloading are audited.
    pub async fn audit_search(&self, actor: &Actor, mut q: AuditQuery, export: bool) -> Result<AuditSearch, AppError> {
        let action = if export { "audit.export" } else { "audit.search" };
        self.require(actor, Permission::ReadAudit, action).await?;
        q.limit = if export { AUDIT_EXPORT_MAX } else { AUDIT_VIEW_PAGE };
        let mut tx = self.store.begin_read().await?;
        let entries = tx.audit_search(&q).await?;
        let all = tx.users().await?;
        let mut people = HashMap::new();
        let mut seen = std::collections::HashSet::new();
        for p in entries.iter().filter_map(|e| e.draft.person) {
            if !seen.insert(p) {
                continue;
            }
            match tx.person(p).await? {
                Some(r) if r.restricted => {}
                Some(r) => {
                    people.insert(p, r.details.full_name());
                }
                None => {
                    people.insert(p, "A record that does not exist".to_string());
                }
            }
        }
        let mut d = self.draft(Some(actor), action, q.person, Outcome::Allowed);
        d.target = Some(describe_query(&q).chars().take(200).collect());
        tx.append_audit(&d).await?;
        tx.commit().await?;
        let mut users: Vec<(UserId, String)> = all.into_iter().map(|u| (u.id, format!("{} ({})", u.display_name, u.username))).collect();
        users.sort_by(|a, b| a.1.cmp(&b.1));
        let actors = users.iter().cloned().collect();
        let older = (!export && entries.len() == q.limit as usize).then(|| entries.last().map(|e| e.seq)).flatten();
        Ok(AuditSearch { entries, actors, people, users, older })
    }

    /// The person a Hearth ID or reference names, for the audit view; `Err` says what is
    /// wrong, in words. (Auditors read every record's trail, so saying that no record has a
    /// reference tells them nothing they could not find.)
    pub async fn resolve_person(&self, text: &str) -> Result<Result<PersonId, String>, AppError> {
        if let Ok(id) = text.parse::<PersonId>() {
            return Ok(Ok(id));
        }
        let r = match PersonRef::parse(text) {
            Ok(r) => r,
            Err(PersonRefError::Check) => return Ok(Err("Check the reference: one of its characters is wrong".into())),
            Err(PersonRefError::Format) => return Ok(Err("Enter the record's reference, like H-4K7Q-2M, or its Hearth ID".into())),
        };
        let mut tx = self.store.begin_read().await?;
        let found = tx.person_by_reference(r).await?;
        tx.commit().await?;
        Ok(found.ok_or_else(|| "There is no record with that reference".to_string()))
    }

    /// The audit trail of one person's record, for auditors. Viewing it is itself audited.
    pub async fn audit_of_person(&self, actor: &Actor, person: PersonId, limit: u32) -> Result<AuditReport, AppError> {
        self.require(actor, Permission::ReadAudit, "audit.person").await?;
        let mut tx = self.store.begin_read().await?;
        let entries = tx.audit_of_person(person, limit).await?;
        let users = tx.users().await?;
        let person_name = tx.person(person).await?.map(|r| if r.restricted { "A restricted record".to_string() } else { r.details.full_name() });
        tx.append_audit(&self.draft(Some(actor), "audit.person", Some(person), Outcome::Allowed)).await?;
        tx.commit().await?;
        let actor_names = entries
            .iter()
            .map(|e| {
                e.draft
                    .actor
                    .and_then(|a| users.iter().find(|u| u.id == a))
                    .map(|u| format!("{} ({})", u.display_name, u.username))
                    .unwrap_or_else(|| "Hearth (system)".to_string())
            })
            .collect();
        Ok(AuditReport { entries, actor_names, person_name })
    }
}

impl App {
    /// Audits a request refused before any use case ran (a form with a missing or stale
    /// security token, say), in a transaction of its own. `user`: whoever the session
    /// belonged to, if anyone.
    pub async fn audit_refused_request(&self, user: Option<hearth_domain::UserId>, action: &str, target: &str) -> Result<(), AppError> {
        let mut d = self.draft(None, action, None, Outcome::Denied);
        d.actor = user;
        d.target = Some(target.chars().take(200).collect());
        self.store.record_audit(&[d]).await?;
        Ok(())
    }
}
