//! Group commit of audit entries written on their own: the entries of reads (a record page
//! opened is audited) and of refusals. Each waits until its entry is durable — a read is
//! never answered without its audit entry on disk, and a failure to write it fails the read —
//! but many wait for the same commit: while one batch commits, the next gathers. On SQLite,
//! where every commit costs a disk sync on the one writer, this is what lets pages be read
//! at once by many people.
use crate::audit;
use crate::dialect::Dialect;
use crate::error::db_err;
use hearth_domain::audit::AuditDraft;
use hearth_store::{Result, StoreError};
use sqlx::AnyPool;
use tokio::sync::{mpsc, oneshot};

/// The most entries one commit takes (a bound on one transaction's size).
const MAX_BATCH: usize = 512;

struct Job {
    drafts: Vec<AuditDraft>,
    done: oneshot::Sender<Result<()>>,
}

/// The handle transactions give their entries to; the committer runs as a task.
#[derive(Clone)]
pub(crate) struct AuditBatcher {
    jobs: mpsc::UnboundedSender<Job>,
}

impl AuditBatcher {
    /// Starts the committer on the current runtime; it ends when every handle is dropped.
    pub(crate) fn start(pool: AnyPool, dialect: Dialect) -> AuditBatcher {
        let (jobs, rx) = mpsc::unbounded_channel();
        tokio::spawn(commit_batches(pool, dialect, rx));
        AuditBatcher { jobs }
    }

    /// Appends the entries to the chain and returns once they are committed.
    pub(crate) async fn record(&self, drafts: Vec<AuditDraft>) -> Result<()> {
        self.submit(drafts)?.durable().await
    }

    /// Hands the entries to the committer at once: the caller goes on with its work while
    /// they are written, and waits on the returned handle before it answers.
    pub(crate) fn submit(&self, drafts: Vec<AuditDraft>) -> Result<Pending> {
        let (done, waiting) = oneshot::channel();
        if drafts.is_empty() {
            let _ = done.send(Ok(()));
        } else {
            self.jobs.send(Job { drafts, done }).map_err(|_| StoreError::Unavailable("the store is closed".into()))?;
        }
        Ok(Pending(waiting))
    }
}

/// Entries handed to the committer and not yet known to be durable.
pub(crate) struct Pending(oneshot::Receiver<Result<()>>);

impl Pending {
    /// Returns once the entries are committed, or with the error that stopped them.
    pub(crate) async fn durable(self) -> Result<()> {
        self.0.await.map_err(|_| StoreError::Unavailable("the audit writer stopped".into()))?
    }
}

async fn commit_batches(pool: AnyPool, dialect: Dialect, mut rx: mpsc::UnboundedReceiver<Job>) {
    while let Some(first) = rx.recv().await {
        let mut jobs = vec![first];
        let mut entries = jobs[0].drafts.len();
        while entries < MAX_BATCH {
            match rx.try_recv() {
                Ok(job) => {
                    entries += job.drafts.len();
                    jobs.push(job);
                }
                Err(_) => break,
            }
        }
        let result = write(&pool, dialect, &jobs).await;
        if let Err(e) = &result {
            tracing::error!(error = %e, entries, "audit entries could not be written; the requests waiting for them fail");
        }
        for job in jobs {
            let _ = job.done.send(result.clone());
        }
    }
}

async fn write(pool: &AnyPool, dialect: Dialect, jobs: &[Job]) -> Result<()> {
    let drafts: Vec<AuditDraft> = jobs.iter().flat_map(|j| j.drafts.iter().cloned()).collect();
    let mut tx = pool.begin_with(dialect.begin_statement()).await.map_err(db_err)?;
    audit::append_many(&mut tx, dialect, &drafts).await?;
    tx.commit().await.map_err(db_err)
}
