//! Utskick (the outbox): every e-mail Utfall sends is first a row, inserted with
//! [`repo::enqueue`] inside the transaction of the event that causes it, so a mail exists if and
//! only if its event was saved. Each row has an idempotency key (`losenordslank:…`,
//! `manad-paminnelse:{satsning}:{2026-11}:{user}` …); inserting the same key twice is a no-op, so
//! a job that runs again, or on two instances at once, still yields one mail per key.
//!
//! The worker (`server/src/outbox.rs`) claims due rows ([`repo::claim_due`]: PostgreSQL
//! `FOR UPDATE SKIP LOCKED`, SQLite an immediate transaction), sends them with lettre under a
//! `Message-ID` derived from the key ([`message_id`]), and records the outcome: sent, or a new
//! attempt after an exponentially growing pause ([`backoff_seconds`]), failed for good after
//! [`MAX_ATTEMPTS`]. A claim moves the row's next attempt a lease ahead, so an instance that
//! dies while sending leaves the row to be retried once the lease has passed.

#[cfg(feature = "ssr")]
pub mod repo;

use serde::{Deserialize, Serialize};

/// Attempts before a message is given up ("misslyckad").
pub const MAX_ATTEMPTS: i64 = 8;

/// How long a claimed row is left to the instance that claimed it, in seconds.
pub const LEASE_SECONDS: i64 = 300;

/// The pause before attempt `attempts + 1`, after `attempts` failed ones: 30 s, 1 min, 2 min,
/// … doubling, at most 6 hours.
pub fn backoff_seconds(attempts: i64) -> i64 {
    let doublings = (attempts - 1).clamp(0, 20) as u32;
    (30_i64 << doublings).min(6 * 60 * 60)
}

/// Utskickets status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Status {
    /// Väntar: not sent yet (or to be tried again).
    Pending,
    /// Skickad: accepted by the mail server (or written to the mail folder).
    Sent,
    /// Misslyckad: given up after [`MAX_ATTEMPTS`].
    Failed,
}

impl Status {
    pub const ALL: [Status; 3] = [Status::Pending, Status::Sent, Status::Failed];

    pub fn as_db(self) -> &'static str {
        match self {
            Status::Pending => "pending",
            Status::Sent => "sent",
            Status::Failed => "failed",
        }
    }

    pub fn from_db(value: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|s| s.as_db() == value)
    }

    /// The word in URLs and filters: "vantar", "skickad", "misslyckad".
    pub fn slug(self) -> &'static str {
        match self {
            Status::Pending => "vantar",
            Status::Sent => "skickad",
            Status::Failed => "misslyckad",
        }
    }

    pub fn from_slug(value: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|s| s.slug() == value)
    }

    pub fn label(self) -> &'static str {
        match self {
            Status::Pending => "Väntar",
            Status::Sent => "Skickad",
            Status::Failed => "Misslyckad",
        }
    }
}

/// Kind of the password mails (the reminder kinds are named in `crate::reminder`).
pub const KIND_PASSWORD_LINK: &str = "password_link";

/// A mail to put in the outbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewMail {
    pub organisation_id: i64,
    /// Unique per mail that should exist once, e.g. `manad-paminnelse:12:2026-11:7`.
    pub key: String,
    /// What kind of mail it is (filter on the Utskick page, preferences).
    pub kind: String,
    pub recipient_user_id: Option<i64>,
    pub recipient_name: String,
    pub recipient_address: String,
    pub subject: String,
    pub text: String,
    /// HTML alternative; empty for plain text only.
    pub html: String,
}

/// One row of the Utskick list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutboxSummary {
    pub id: i64,
    pub kind: String,
    pub recipient_name: String,
    pub recipient_address: String,
    pub subject: String,
    pub status: Status,
    pub attempts: i64,
    /// When it was queued and sent, in Swedish local time ("2026-11-25 15:05").
    pub created_at: String,
    pub sent_at: Option<String>,
    pub last_error: Option<String>,
}

/// A message as it was (or will be) sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutboxMessage {
    pub summary: OutboxSummary,
    pub key: String,
    pub text: String,
    pub html: String,
}

/// Filters of the Utskick list.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutboxFilter {
    pub status: Option<Status>,
    pub kind: Option<String>,
}

/// Rows the list shows at most (it says so when there are more).
pub const LIST_LIMIT: i64 = 200;

/// The `Message-ID` local part for idempotency key `key`: a hash, so that the key's own
/// characters never reach a header, and the same key always gives the same id.
#[cfg(feature = "ssr")]
pub fn message_id(key: &str) -> String {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(key.as_bytes());
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    format!("utfall.{}", &hex[..32])
}

/// Wakes the worker: provided in the server's context; after a commit that queued mail the
/// caller rings it so the mail goes out at once instead of at the next poll.
#[cfg(feature = "ssr")]
#[derive(Debug, Clone, Default)]
pub struct Wake(pub std::sync::Arc<tokio::sync::Notify>);

/// Rings the worker, if this process runs one.
#[cfg(feature = "ssr")]
pub fn wake() {
    if let Some(wake) = leptos::prelude::use_context::<Wake>() {
        wake.0.notify_one();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_from_half_a_minute_and_stops_at_six_hours() {
        assert_eq!(backoff_seconds(1), 30);
        assert_eq!(backoff_seconds(2), 60);
        assert_eq!(backoff_seconds(3), 120);
        assert_eq!(backoff_seconds(8), 30 * 128);
        assert_eq!(backoff_seconds(40), 6 * 60 * 60);
    }

    #[test]
    fn statuses_round_trip_through_storage_and_urls() {
        for status in Status::ALL {
            assert_eq!(Status::from_db(status.as_db()), Some(status));
            assert_eq!(Status::from_slug(status.slug()), Some(status));
        }
        assert_eq!(Status::from_slug("pending"), None);
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn message_ids_are_stable_and_carry_nothing_of_the_key() {
        let key = "manad-paminnelse:12:2026-11:7\r\nBcc: x@y";
        assert_eq!(message_id(key), message_id(key));
        assert_ne!(message_id(key), message_id("manad-paminnelse:12:2026-11:8"));
        assert!(
            message_id(key)
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '.')
        );
    }
}
