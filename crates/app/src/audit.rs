//! Reading and verifying the audit log.
use crate::{Actor, App, AppError};
use hearth_domain::audit::{Anchor, AuditEntry, ChainFault, ChainVerifier, Outcome};
use hearth_domain::user::Permission;
use hearth_domain::PersonId;

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
}

const PAGE: u32 = 5_000;

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

    /// The audit trail of one person's record, for auditors. Viewing it is itself audited.
    pub async fn audit_of_person(&self, actor: &Actor, person: PersonId, limit: u32) -> Result<AuditReport, AppError> {
        self.require(actor, Permission::ReadAudit, "audit.person").await?;
        let mut tx = self.store.begin_read().await?;
        let entries = tx.audit_of_person(person, limit).await?;
        let users = tx.users().await?;
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
        Ok(AuditReport { entries, actor_names })
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
