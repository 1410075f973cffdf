//! SQL for the outbox: queue inside the caller's transaction, claim due rows, record outcomes,
//! list for the Utskick page.

use chrono::{DateTime, Utc};

use super::{
    LEASE_SECONDS, LIST_LIMIT, MAX_ATTEMPTS, NewMail, OutboxFilter, OutboxMessage, OutboxSummary,
    Status, backoff_seconds,
};
use crate::db::{Db, Tx};
use crate::error::AppError;
use crate::{db_read, db_write, on_tx};

/// Queues `mail` in the caller's transaction; `false` if a mail with its key already exists
/// (then nothing is written). Due at once.
pub async fn enqueue(tx: &mut Tx, mail: &NewMail, now: DateTime<Utc>) -> Result<bool, AppError> {
    let inserted = on_tx!(tx, |conn| {
        sqlx::query(
            "INSERT INTO outbox_message
               (organisation_id, idempotency_key, kind, recipient_user_id, recipient_name,
                recipient_address, subject, body_text, body_html, status, attempts,
                next_attempt_at, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'pending', 0, $10, $11)
             ON CONFLICT (idempotency_key) DO NOTHING",
        )
        .bind(mail.organisation_id)
        .bind(&mail.key)
        .bind(&mail.kind)
        .bind(mail.recipient_user_id)
        .bind(&mail.recipient_name)
        .bind(&mail.recipient_address)
        .bind(&mail.subject)
        .bind(&mail.text)
        .bind(&mail.html)
        .bind(now.timestamp())
        .bind(now)
        .execute(conn)
        .await
        .map(|r| r.rows_affected())
    })?;
    Ok(inserted == 1)
}

/// A row claimed for sending.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Claimed {
    pub id: i64,
    pub idempotency_key: String,
    pub recipient_name: String,
    pub recipient_address: String,
    pub subject: String,
    pub body_text: String,
    pub body_html: String,
    /// Attempts including this one.
    pub attempts: i64,
}

/// Why a pending mail was not sent: its recipient was deactivated meanwhile.
pub const DEACTIVATED: &str = "Inte skickat: mottagarens konto är inaktiverat.";

/// Claims up to `limit` due rows for this instance: each gets one more attempt and its next
/// attempt moved [`LEASE_SECONDS`] ahead, in one transaction, so no other instance takes it
/// meanwhile. PostgreSQL skips rows another instance has locked (`FOR UPDATE SKIP LOCKED`);
/// SQLite's immediate transaction holds the one write lock, so claims never overlap.
pub async fn claim_due(db: &Db, now: DateTime<Utc>, limit: i64) -> Result<Vec<Claimed>, AppError> {
    let mut tx = db.begin().await?;
    // A user deactivated after their mail was queued gets nothing: the row ends as failed,
    // with the reason on Utskick, before anything is claimed.
    on_tx!(&mut tx, |conn| {
        sqlx::query(
            "UPDATE outbox_message SET status = 'failed', last_error = $2
             WHERE status = 'pending' AND next_attempt_at <= $1
               AND recipient_user_id IN (SELECT id FROM user_account WHERE NOT active)",
        )
        .bind(now.timestamp())
        .bind(DEACTIVATED)
        .execute(conn)
        .await
        .map(|_| ())
    })?;
    let select = match &tx {
        Tx::Sqlite(_) => {
            "SELECT id FROM outbox_message
             WHERE status = 'pending' AND next_attempt_at <= $1
             ORDER BY next_attempt_at, id LIMIT $2"
        }
        Tx::Postgres(_) => {
            "SELECT id FROM outbox_message
             WHERE status = 'pending' AND next_attempt_at <= $1
             ORDER BY next_attempt_at, id LIMIT $2
             FOR UPDATE SKIP LOCKED"
        }
    };
    let ids: Vec<i64> = on_tx!(&mut tx, |conn| {
        sqlx::query_scalar(select)
            .bind(now.timestamp())
            .bind(limit)
            .fetch_all(conn)
            .await
    })?;
    let mut claimed = Vec::with_capacity(ids.len());
    for id in ids {
        let row: Claimed = on_tx!(&mut tx, |conn| {
            sqlx::query_as(
                "UPDATE outbox_message SET attempts = attempts + 1, next_attempt_at = $1
                 WHERE id = $2
                 RETURNING id, idempotency_key, recipient_name, recipient_address, subject,
                   body_text, body_html, attempts",
            )
            .bind(now.timestamp() + LEASE_SECONDS)
            .bind(id)
            .fetch_one(conn)
            .await
        })?;
        claimed.push(row);
    }
    tx.commit().await?;
    Ok(claimed)
}

/// Records that a claimed row was sent.
pub async fn mark_sent(db: &Db, id: i64, now: DateTime<Utc>) -> Result<(), AppError> {
    db_write!(db, |pool| {
        sqlx::query(
            "UPDATE outbox_message SET status = 'sent', sent_at = $1, last_error = NULL
             WHERE id = $2 AND status = 'pending'",
        )
        .bind(now)
        .bind(id)
        .execute(pool)
        .await
        .map(|_| ())
    })?;
    Ok(())
}

/// Records a failed attempt: tried again after [`backoff_seconds`], or failed for good after
/// [`MAX_ATTEMPTS`]. Returns the row's status now.
pub async fn mark_attempt_failed(
    db: &Db,
    claimed: &Claimed,
    error: &str,
    now: DateTime<Utc>,
) -> Result<Status, AppError> {
    let status = if claimed.attempts >= MAX_ATTEMPTS {
        Status::Failed
    } else {
        Status::Pending
    };
    let next = now.timestamp() + backoff_seconds(claimed.attempts);
    // Errors can be long (a server's whole reply); the page shows the start.
    let error: String = error.chars().take(500).collect();
    db_write!(db, |pool| {
        sqlx::query(
            "UPDATE outbox_message SET status = $1, next_attempt_at = $2, last_error = $3
             WHERE id = $4 AND status = 'pending'",
        )
        .bind(status.as_db())
        .bind(next)
        .bind(&error)
        .bind(claimed.id)
        .execute(pool)
        .await
        .map(|_| ())
    })?;
    Ok(status)
}

#[derive(sqlx::FromRow)]
struct SummaryRow {
    id: i64,
    kind: String,
    recipient_name: String,
    recipient_address: String,
    subject: String,
    status: String,
    attempts: i64,
    created_at: DateTime<Utc>,
    sent_at: Option<DateTime<Utc>>,
    last_error: Option<String>,
}

impl SummaryRow {
    fn into_summary(self) -> OutboxSummary {
        OutboxSummary {
            id: self.id,
            kind: self.kind,
            recipient_name: self.recipient_name,
            recipient_address: self.recipient_address,
            subject: self.subject,
            status: Status::from_db(&self.status).unwrap_or(Status::Pending),
            attempts: self.attempts,
            created_at: crate::sv::time::local(self.created_at),
            sent_at: self.sent_at.map(crate::sv::time::local),
            last_error: self.last_error,
        }
    }
}

/// The organisation's messages, newest first, at most [`LIST_LIMIT`] + 1 (so the page can say
/// there are more).
pub async fn list(
    db: &Db,
    organisation_id: i64,
    filter: &OutboxFilter,
) -> Result<Vec<OutboxSummary>, AppError> {
    let status = filter.status.map(Status::as_db);
    let rows: Vec<SummaryRow> = db_read!(db, |pool| {
        sqlx::query_as(
            "SELECT id, kind, recipient_name, recipient_address, subject, status, attempts,
                    created_at, sent_at, last_error
             FROM outbox_message
             WHERE organisation_id = $1
               AND ($2 IS NULL OR status = $2)
               AND ($3 IS NULL OR kind = $3)
             ORDER BY id DESC LIMIT $4",
        )
        .bind(organisation_id)
        .bind(status)
        .bind(filter.kind.as_deref())
        .bind(LIST_LIMIT + 1)
        .fetch_all(pool)
        .await
    })?;
    Ok(rows.into_iter().map(SummaryRow::into_summary).collect())
}

/// One message of the organisation; another organisation's is "not found".
pub async fn get(db: &Db, organisation_id: i64, id: i64) -> Result<OutboxMessage, AppError> {
    #[derive(sqlx::FromRow)]
    struct Row {
        #[sqlx(flatten)]
        summary: SummaryRow,
        idempotency_key: String,
        body_text: String,
        body_html: String,
    }
    let row: Option<Row> = db_read!(db, |pool| {
        sqlx::query_as(
            "SELECT id, kind, recipient_name, recipient_address, subject, status, attempts,
                    created_at, sent_at, last_error, idempotency_key, body_text, body_html
             FROM outbox_message WHERE id = $1 AND organisation_id = $2",
        )
        .bind(id)
        .bind(organisation_id)
        .fetch_optional(pool)
        .await
    })?;
    let row = row.ok_or(AppError::NotFound)?;
    Ok(OutboxMessage {
        summary: row.summary.into_summary(),
        key: row.idempotency_key,
        text: row.body_text,
        html: row.body_html,
    })
}

/// "Skicka igen": the message is due again with fresh attempts, in the caller's transaction.
/// `false` if the organisation has no such message.
pub async fn resend(
    tx: &mut Tx,
    organisation_id: i64,
    id: i64,
    now: DateTime<Utc>,
) -> Result<bool, AppError> {
    let changed = on_tx!(tx, |conn| {
        sqlx::query(
            "UPDATE outbox_message SET status = 'pending', attempts = 0, next_attempt_at = $1,
               last_error = NULL
             WHERE id = $2 AND organisation_id = $3",
        )
        .bind(now.timestamp())
        .bind(id)
        .bind(organisation_id)
        .execute(conn)
        .await
        .map(|r| r.rows_affected())
    })?;
    Ok(changed == 1)
}

/// The distinct kinds the organisation's outbox holds (the type filter's options).
pub async fn kinds(db: &Db, organisation_id: i64) -> Result<Vec<String>, AppError> {
    Ok(db_read!(db, |pool| {
        sqlx::query_scalar(
            "SELECT DISTINCT kind FROM outbox_message WHERE organisation_id = $1 ORDER BY kind",
        )
        .bind(organisation_id)
        .fetch_all(pool)
        .await
    })?)
}
