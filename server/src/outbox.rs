//! The outbox worker: sends the queued mails (`app::outbox`) and records what happened.
//!
//! [`drain_once`] is one pass — claim the due rows, send each, record sent or a retry with
//! backoff — and what the tests call with their own clock. [`spawn`] runs passes for the life
//! of the server: at once when a server function rings [`app::outbox::Wake`] after queueing,
//! otherwise every [`POLL`]. Several instances may run workers on one PostgreSQL database;
//! the claim (`FOR UPDATE SKIP LOCKED` and a lease) gives each row to one of them.

use std::time::Duration;

use app::db::Db;
use app::mail::{Email, Mailer};
use app::outbox::{Status, Wake, message_id, repo};
use chrono::{DateTime, Utc};

/// Rows claimed per round trip.
const BATCH: i64 = 50;
/// Longest pause between passes when nobody rings.
pub const POLL: Duration = Duration::from_secs(5);

/// What one pass did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Drained {
    pub sent: usize,
    /// Failed this time, to be tried again later.
    pub retrying: usize,
    /// Given up for good (the last attempt failed).
    pub failed: usize,
}

/// One pass: every row due at `now` is claimed and sent once (a row that fails waits for its
/// backoff, so it is not tried twice in one pass).
pub async fn drain_once(db: &Db, mailer: &Mailer, now: DateTime<Utc>) -> anyhow::Result<Drained> {
    let mut drained = Drained::default();
    loop {
        let claimed = repo::claim_due(db, now, BATCH).await?;
        if claimed.is_empty() {
            return Ok(drained);
        }
        for row in claimed {
            let email = Email {
                to: row.recipient_address.clone(),
                to_name: Some(row.recipient_name.clone()),
                subject: row.subject.clone(),
                body: row.body_text.clone(),
                html: (!row.body_html.is_empty()).then(|| row.body_html.clone()),
                message_id: Some(message_id(&row.idempotency_key)),
            };
            match mailer.send(&email).await {
                Ok(()) => {
                    repo::mark_sent(db, row.id, now).await?;
                    drained.sent += 1;
                }
                Err(error) => {
                    let text = error.to_string();
                    match repo::mark_attempt_failed(db, &row, &text, now).await? {
                        Status::Failed => {
                            tracing::error!(id = row.id, error = %text, "mail given up");
                            drained.failed += 1;
                        }
                        _ => {
                            tracing::warn!(id = row.id, attempts = row.attempts, error = %text, "mail failed, will retry");
                            drained.retrying += 1;
                        }
                    }
                }
            }
        }
    }
}

/// Runs the worker until `stop` is set; returns its task.
pub fn spawn(
    db: Db,
    mailer: Mailer,
    wake: Wake,
    stop: tokio::sync::watch::Receiver<bool>,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut stop = stop;
        loop {
            if *stop.borrow() {
                return;
            }
            if let Err(error) = drain_once(&db, &mailer, Utc::now()).await {
                tracing::error!(%error, "outbox pass failed");
            }
            tokio::select! {
                () = wake.0.notified() => {}
                () = tokio::time::sleep(POLL) => {}
                _ = stop.changed() => {}
            }
        }
    })
}
