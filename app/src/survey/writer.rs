//! Group commit of participants' responses (SQLite).
//!
//! An acknowledged answer must be on disk: SQLite runs with `synchronous=FULL`, so every
//! commit waits for the disk. One transaction per response would cap the rate at the disk's
//! commit rate, so on SQLite the responses go to ONE writer task through a queue; it takes the
//! first waiting response, gathers more for at most [`MAX_WAIT`] (or until [`MAX_BATCH`]),
//! stores them all in one transaction ([`repo::store_batch`]: each step — submission keys,
//! single-use codes, responses, answers — one statement for the whole batch), commits, and
//! only then answers each request through its own oneshot channel. A request is therefore
//! acknowledged only after its commit; a refused response (a code used, also earlier in the
//! same batch) leaves no trace and the others stand; if the commit fails, every response of
//! the batch gets an error and none is stored.
//!
//! PostgreSQL keeps one transaction per request ([`repo::store_response`]): its server does
//! group commit of concurrent transactions itself, and several app instances share it.

use std::time::Duration;

use tokio::sync::{mpsc, oneshot};

use super::repo::{self, Pending, Stored};
use crate::db::Db;
use crate::error::AppError;

/// The most responses committed in one transaction.
pub const MAX_BATCH: usize = 64;
/// How long the writer waits for more responses once it has one: what a lone participant's
/// answer waits beyond its commit, at most.
pub const MAX_WAIT: Duration = Duration::from_millis(1);
/// Responses queued for the writer before further requests wait for room.
const QUEUE: usize = 1024;

struct Job {
    pending: Pending,
    reply: oneshot::Sender<Result<Stored, AppError>>,
}

/// Svarsskrivaren: where the participant's page stores a response. Cheap to clone.
#[derive(Clone, Debug)]
pub struct ResponseWriter {
    inner: Inner,
}

#[derive(Clone, Debug)]
enum Inner {
    /// SQLite: the queue to the writer task.
    Batched(mpsc::Sender<Job>),
    /// PostgreSQL: a transaction per request.
    Direct(Db),
}

impl std::fmt::Debug for Job {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Job")
    }
}

impl ResponseWriter {
    /// The writer for `db`. On SQLite this spawns the writer task on the current Tokio
    /// runtime; it ends when the last clone of the writer is dropped.
    pub fn start(db: Db) -> Self {
        let inner = match &db {
            Db::Sqlite(_) => {
                let (queue, jobs) = mpsc::channel(QUEUE);
                tokio::spawn(run(db, jobs));
                Inner::Batched(queue)
            }
            Db::Postgres(_) => Inner::Direct(db),
        };
        ResponseWriter { inner }
    }

    /// Stores `pending` and answers once it is committed (or refused).
    pub async fn store(&self, pending: Pending) -> Result<Stored, AppError> {
        match &self.inner {
            Inner::Direct(db) => repo::store_response(db, &pending).await,
            Inner::Batched(queue) => {
                let (reply, answer) = oneshot::channel();
                queue
                    .send(Job { pending, reply })
                    .await
                    .map_err(|_| AppError::Internal)?;
                answer.await.map_err(|_| AppError::Internal)?
            }
        }
    }
}

/// The writer task: batch, commit, answer; until every sender is gone.
async fn run(db: Db, mut jobs: mpsc::Receiver<Job>) {
    while let Some(first) = jobs.recv().await {
        let mut batch = vec![first];
        let deadline = tokio::time::Instant::now() + MAX_WAIT;
        while batch.len() < MAX_BATCH {
            match jobs.try_recv() {
                Ok(job) => batch.push(job),
                Err(mpsc::error::TryRecvError::Empty) => {
                    match tokio::time::timeout_at(deadline, jobs.recv()).await {
                        Ok(Some(job)) => batch.push(job),
                        _ => break,
                    }
                }
                Err(mpsc::error::TryRecvError::Disconnected) => break,
            }
        }
        let pending: Vec<&Pending> = batch.iter().map(|job| &job.pending).collect();
        match repo::store_batch(&db, &pending).await {
            Ok(outcomes) => {
                for (job, outcome) in batch.into_iter().zip(outcomes) {
                    // A participant who gave up waiting is no error: the answer is stored.
                    let _ = job.reply.send(outcome);
                }
            }
            Err(error) => {
                tracing::error!(%error, responses = batch.len(), "survey batch not committed");
                for job in batch {
                    let _ = job.reply.send(Err(error.clone()));
                }
            }
        }
    }
}
