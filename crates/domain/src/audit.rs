//! The audit log: append-only and hash-chained. Each entry's hash covers its own fields and
//! the previous entry's hash, so changing, removing, inserting or reordering an entry breaks
//! the chain from that point on, and `verify` names the first entry that does not fit.
use crate::{PersonId, UserId};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use time::OffsetDateTime;

/// The hash that stands before the first entry.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Allowed,
    Denied,
}

impl Outcome {
    pub fn code(self) -> &'static str {
        match self {
            Outcome::Allowed => "allowed",
            Outcome::Denied => "denied",
        }
    }

    pub fn from_code(s: &str) -> Option<Self> {
        match s {
            "allowed" => Some(Outcome::Allowed),
            "denied" => Some(Outcome::Denied),
            _ => None,
        }
    }
}

/// What happened, before the store gives it a place in the chain.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditDraft {
    pub at: OffsetDateTime,
    /// `None` for the system itself (migrations, demo generation).
    pub actor: Option<UserId>,
    pub action: String,
    pub person: Option<PersonId>,
    /// Another record the action concerns (a case note, a user, a token).
    pub target: Option<String>,
    pub outcome: Outcome,
    /// Why: the break-glass reason, the correction reason.
    pub reason: Option<String>,
}

/// An entry as stored in the chain.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    /// Position in the chain, from 1, without gaps.
    pub seq: i64,
    pub draft: AuditDraft,
    pub prev_hash: String,
    pub hash: String,
}

/// The hash of an entry at `seq` whose predecessor's hash is `prev_hash`.
///
/// Each field is length-prefixed so that no two different entries share an encoding.
pub fn entry_hash(seq: i64, draft: &AuditDraft, prev_hash: &str) -> String {
    let mut h = Sha256::new();
    let mut field = |bytes: &[u8]| {
        h.update((bytes.len() as u64).to_be_bytes());
        h.update(bytes);
    };
    field(b"hearth-audit-v1");
    field(&seq.to_be_bytes());
    field(&draft.at.unix_timestamp_nanos().to_be_bytes());
    field(draft.actor.map(|a| a.to_string()).unwrap_or_default().as_bytes());
    field(draft.action.as_bytes());
    field(draft.person.map(|p| p.to_string()).unwrap_or_default().as_bytes());
    field(draft.target.as_deref().unwrap_or("").as_bytes());
    field(draft.outcome.code().as_bytes());
    field(draft.reason.as_deref().unwrap_or("").as_bytes());
    field(prev_hash.as_bytes());
    hex::encode(h.finalize())
}

/// Places a draft after the entry whose sequence and hash are given (`None` for the first).
pub fn chain(draft: AuditDraft, last: Option<(i64, &str)>) -> AuditEntry {
    let (seq, prev) = match last {
        Some((s, h)) => (s + 1, h.to_string()),
        None => (1, GENESIS_HASH.to_string()),
    };
    let hash = entry_hash(seq, &draft, &prev);
    AuditEntry { seq, draft, prev_hash: prev, hash }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ChainFault {
    /// The entry's stored hash does not match its contents: it was changed.
    Altered { seq: i64 },
    /// The entry does not follow the one before it: an entry before it was removed, or it
    /// was inserted or moved.
    Broken { seq: i64, expected_seq: i64 },
    /// The chain's recorded head is not the last entry: entries were removed from the end.
    Truncated { last_seq: i64, head_seq: i64 },
    /// An anchor kept elsewhere names an entry the log no longer has: the log was rewound
    /// (its last entries removed and its head rewritten) past the anchor.
    AnchorMissing { seq: i64, last_seq: i64 },
    /// The log's entry at an anchor's position is not the one anchored: the log was
    /// rewritten from before it.
    AnchorMismatch { seq: i64 },
}

impl std::fmt::Display for ChainFault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ChainFault::Altered { seq } => write!(f, "audit entry {seq} was changed after it was written"),
            ChainFault::Broken { seq, expected_seq } => write!(
                f,
                "audit entry {seq} does not follow entry {}: an entry was removed, inserted or reordered before it",
                expected_seq - 1
            ),
            ChainFault::Truncated { last_seq, head_seq } => {
                write!(f, "the audit log ends at entry {last_seq} but {head_seq} entries were written: entries were removed from the end")
            }
            ChainFault::AnchorMissing { seq, last_seq } => write!(
                f,
                "the anchor names entry {seq} but the audit log ends at entry {last_seq}: entries were removed from the end and the head rewritten"
            ),
            ChainFault::AnchorMismatch { seq } => {
                write!(f, "audit entry {seq} is not the entry the anchor recorded: the log was rewritten from before it")
            }
        }
    }
}

/// A point of the chain (an entry's sequence number and hash) written down somewhere the
/// database's holder cannot reach: a log that still verifies after losing its last entries
/// (and a rewritten head) no longer holds it. As a line: `hearth-audit-anchor v1 SEQ HASH`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Anchor {
    pub seq: i64,
    pub hash: String,
}

impl std::fmt::Display for Anchor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "hearth-audit-anchor v1 {} {}", self.seq, self.hash)
    }
}

impl std::str::FromStr for Anchor {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || "an anchor is a line `hearth-audit-anchor v1 SEQUENCE HASH`, as `hearth audit anchor` prints it".to_string();
        let parts: Vec<&str> = s.split_whitespace().collect();
        let ["hearth-audit-anchor", "v1", seq, hash] = parts.as_slice() else { return Err(bad()) };
        let seq: i64 = seq.parse().ok().filter(|n| *n >= 0).ok_or_else(bad)?;
        if hash.len() != 64 || !hash.bytes().all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()) {
            return Err(bad());
        }
        Ok(Anchor { seq, hash: hash.to_string() })
    }
}

impl Anchor {
    /// The anchor of an empty log.
    pub fn genesis() -> Self {
        Anchor { seq: 0, hash: GENESIS_HASH.to_string() }
    }

    /// Checks the anchor against the log's entry at its position (`None`: the log has no
    /// such entry) and the log's last sequence number.
    pub fn check(&self, entry: Option<&AuditEntry>, last_seq: i64) -> Result<(), ChainFault> {
        if self.seq == 0 {
            return if self.hash == GENESIS_HASH { Ok(()) } else { Err(ChainFault::AnchorMismatch { seq: 0 }) };
        }
        match entry {
            None => Err(ChainFault::AnchorMissing { seq: self.seq, last_seq }),
            Some(e) if e.seq == self.seq && e.hash == self.hash => Ok(()),
            Some(_) => Err(ChainFault::AnchorMismatch { seq: self.seq }),
        }
    }
}

/// Checks entries in stored order, carrying state across pages of a long log.
#[derive(Clone, Debug)]
pub struct ChainVerifier {
    expected_seq: i64,
    prev_hash: String,
}

impl Default for ChainVerifier {
    fn default() -> Self {
        Self { expected_seq: 1, prev_hash: GENESIS_HASH.to_string() }
    }
}

impl ChainVerifier {
    /// Checks the next entry; the first fault found is final.
    pub fn check(&mut self, e: &AuditEntry) -> Result<(), ChainFault> {
        if entry_hash(e.seq, &e.draft, &e.prev_hash) != e.hash {
            return Err(ChainFault::Altered { seq: e.seq });
        }
        if e.seq != self.expected_seq || e.prev_hash != self.prev_hash {
            return Err(ChainFault::Broken { seq: e.seq, expected_seq: self.expected_seq });
        }
        self.expected_seq += 1;
        self.prev_hash = e.hash.clone();
        Ok(())
    }

    /// Entries checked so far.
    pub fn count(&self) -> i64 {
        self.expected_seq - 1
    }

    /// Compares the end of the log with the head the store recorded.
    pub fn finish(&self, head_seq: i64) -> Result<i64, ChainFault> {
        if head_seq != self.count() {
            return Err(ChainFault::Truncated { last_seq: self.count(), head_seq });
        }
        Ok(self.count())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn draft(i: i64) -> AuditDraft {
        AuditDraft {
            at: OffsetDateTime::from_unix_timestamp(1_700_000_000 + i).unwrap(),
            actor: Some(UserId::new()),
            action: format!("person.view.{i}"),
            person: Some(PersonId::new()),
            target: None,
            outcome: Outcome::Allowed,
            reason: None,
        }
    }

    fn build(n: i64) -> Vec<AuditEntry> {
        let mut out: Vec<AuditEntry> = Vec::new();
        for i in 0..n {
            let last = out.last().map(|e| (e.seq, e.hash.as_str()));
            let e = chain(draft(i), last);
            out.push(e);
        }
        out
    }

    fn verify(entries: &[AuditEntry], head: i64) -> Result<i64, ChainFault> {
        let mut v = ChainVerifier::default();
        for e in entries {
            v.check(e)?;
        }
        v.finish(head)
    }

    proptest! {
        #[test]
        fn intact_chain_verifies(n in 0i64..30) {
            prop_assert_eq!(verify(&build(n), n), Ok(n));
        }

        #[test]
        fn a_changed_entry_is_named(n in 2i64..30, pick in 0usize..30) {
            let mut c = build(n);
            let i = pick % c.len();
            c[i].draft.action.push('x');
            prop_assert_eq!(verify(&c, n), Err(ChainFault::Altered { seq: c[i].seq }));
        }

        #[test]
        fn a_removed_entry_is_found(n in 2i64..30, pick in 0usize..30) {
            let mut c = build(n);
            let i = pick % (c.len() - 1);
            let removed = c.remove(i);
            prop_assert_eq!(verify(&c, n), Err(ChainFault::Broken { seq: removed.seq + 1, expected_seq: removed.seq }));
        }

        #[test]
        fn swapped_entries_are_found(n in 3i64..30, pick in 0usize..30) {
            let mut c = build(n);
            let i = pick % (c.len() - 1);
            c.swap(i, i + 1);
            let broken = matches!(verify(&c, n), Err(ChainFault::Broken { .. }));
            prop_assert!(broken);
        }
    }

    #[test]
    fn anchors_read_back_and_catch_a_rewound_or_rewritten_log() {
        let c = build(5);
        let anchor = Anchor { seq: c[3].seq, hash: c[3].hash.clone() };
        let line = anchor.to_string();
        assert_eq!(line.parse::<Anchor>(), Ok(anchor.clone()));
        assert_eq!(format!("  {line}\n").parse::<Anchor>(), Ok(anchor.clone()), "spaces around are fine");
        for bad in ["", "hearth-audit-anchor v1 4", "hearth-audit-anchor v2 4 ab", "hearth-audit-anchor v1 -1 00", "hearth-audit-anchor v1 x y"] {
            assert!(bad.parse::<Anchor>().is_err(), "{bad:?}");
        }
        let upper = format!("hearth-audit-anchor v1 4 {}", c[3].hash.to_uppercase());
        assert!(upper.parse::<Anchor>().is_err());
        assert_eq!(anchor.check(Some(&c[3]), 5), Ok(()));
        // Rewound: the last two entries removed and the head rewritten; the chain of the
        // rest still verifies, the anchor does not.
        assert_eq!(verify(&c[..3], 3), Ok(3));
        assert_eq!(anchor.check(None, 3), Err(ChainFault::AnchorMissing { seq: 4, last_seq: 3 }));
        // Rewritten from the start with other contents: entry 4 exists but is another.
        let mut forged: Vec<AuditEntry> = Vec::new();
        for i in 10..15 {
            let last = forged.last().map(|e| (e.seq, e.hash.as_str()));
            forged.push(chain(draft(i), last));
        }
        assert_eq!(verify(&forged, 5), Ok(5));
        assert_eq!(anchor.check(Some(&forged[3]), 5), Err(ChainFault::AnchorMismatch { seq: 4 }));
        assert_eq!(Anchor::genesis().check(None, 0), Ok(()));
    }

    #[test]
    fn truncation_and_insertion() {
        let c = build(5);
        assert_eq!(verify(&c[..4], 5), Err(ChainFault::Truncated { last_seq: 4, head_seq: 5 }));
        // An inserted entry with a self-consistent hash still breaks the link.
        let mut c2 = c.clone();
        let forged = chain(draft(99), Some((c[1].seq, "f".repeat(64).as_str())));
        c2.insert(2, forged);
        assert!(matches!(verify(&c2, 6), Err(ChainFault::Broken { seq: 3, .. })));
    }
}
