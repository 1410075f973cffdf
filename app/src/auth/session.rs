//! Sessions in the database, so every app instance knows every login.
//!
//! The cookie holds 32 random bytes; the table holds only their SHA-256. A session ends on
//! logout, after the idle timeout, at its absolute lifetime, or when the user is deactivated
//! or changes password (all the user's sessions are deleted then).

use std::time::Duration;

use base64::Engine as _;
use chrono::{DateTime, Utc};
use rand::RngCore as _;
use sha2::{Digest, Sha256};

use super::{CurrentUser, Role};
use crate::db::Db;
use crate::error::AppError;
use crate::{db_read, db_write};

/// Session lifetimes from the configuration.
#[derive(Debug, Clone, Copy)]
pub struct SessionPolicy {
    /// Ends after this long without a request.
    pub idle: Duration,
    /// Ends this long after login whatever happens.
    pub absolute: Duration,
}

impl Default for SessionPolicy {
    fn default() -> Self {
        Self {
            idle: Duration::from_secs(60 * 60),
            absolute: Duration::from_secs(12 * 60 * 60),
        }
    }
}

/// How often `last_seen_at` is written: not on every request, to spare the writer.
const TOUCH_INTERVAL: chrono::TimeDelta = chrono::TimeDelta::seconds(60);

/// A fresh random session token for the cookie.
pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// What is stored for a token.
pub fn token_hash(token: &str) -> String {
    let digest = Sha256::digest(token.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

fn chrono_duration(d: Duration) -> chrono::TimeDelta {
    chrono::TimeDelta::from_std(d).unwrap_or(chrono::TimeDelta::MAX)
}

/// Stores a new session for `user_id`; returns the cookie token.
pub async fn create(
    db: &Db,
    user_id: i64,
    policy: SessionPolicy,
    now: DateTime<Utc>,
) -> Result<String, AppError> {
    let token = new_token();
    let expires = now + chrono_duration(policy.absolute);
    db_write!(db, |pool| {
        sqlx::query(
            "INSERT INTO session (token_hash, user_id, created_at, last_seen_at, expires_at)
             VALUES ($1, $2, $3, $3, $4)",
        )
        .bind(token_hash(&token))
        .bind(user_id)
        .bind(now)
        .bind(expires)
        .execute(pool)
        .await
        .map(|_| ())?;
        Ok::<_, AppError>(())
    })?;
    Ok(token)
}

#[derive(sqlx::FromRow)]
struct SessionRow {
    user_id: i64,
    organisation_id: i64,
    name: String,
    email: String,
    last_seen_at: DateTime<Utc>,
    expires_at: DateTime<Utc>,
    /// One row per role (`None` for a user without roles).
    role: Option<String>,
    data_version: i64,
}

/// A live session's user, and their organisation's data version as of the lookup.
#[derive(Debug, Clone)]
pub struct LiveSession {
    pub user: CurrentUser,
    pub data_version: crate::organisation::DataVersion,
}

/// The user behind `token`, if the session is alive; refreshes `last_seen_at` now and then.
/// Expired sessions are deleted when met.
pub async fn lookup(
    db: &Db,
    token: &str,
    policy: SessionPolicy,
    now: DateTime<Utc>,
) -> Result<Option<LiveSession>, AppError> {
    let hash = token_hash(token);
    // The user, their roles and their organisation's data version in one query: it runs on
    // every request, and pages that keep computations per data version need no other.
    let rows: Vec<SessionRow> = db_read!(db, |pool| {
        sqlx::query_as(
            "SELECT s.user_id, u.organisation_id, u.name, u.email, s.last_seen_at, s.expires_at,
                    r.role, o.data_version
             FROM session s JOIN user_account u ON u.id = s.user_id
             JOIN organisation o ON o.id = u.organisation_id
             LEFT JOIN user_role r ON r.user_id = s.user_id
             WHERE s.token_hash = $1 AND u.active = TRUE",
        )
        .bind(&hash)
        .fetch_all(pool)
        .await
    })?;
    let mut roles: Vec<Role> = rows
        .iter()
        .filter_map(|r| r.role.as_deref().and_then(Role::from_db))
        .collect();
    roles.sort();
    let row = rows.into_iter().next();
    let Some(row) = row else { return Ok(None) };
    if now >= row.expires_at || now - row.last_seen_at >= chrono_duration(policy.idle) {
        delete(db, token).await?;
        return Ok(None);
    }
    if now - row.last_seen_at >= TOUCH_INTERVAL {
        db_write!(db, |pool| {
            sqlx::query("UPDATE session SET last_seen_at = $1 WHERE token_hash = $2")
                .bind(now)
                .bind(&hash)
                .execute(pool)
                .await
                .map(|_| ())
        })?;
    }
    Ok(Some(LiveSession {
        user: CurrentUser {
            id: row.user_id,
            organisation_id: row.organisation_id,
            name: row.name,
            email: row.email,
            roles,
        },
        data_version: crate::organisation::DataVersion(row.data_version),
    }))
}

/// Ends the session behind `token` (logout).
pub async fn delete(db: &Db, token: &str) -> Result<(), AppError> {
    db_write!(db, |pool| {
        sqlx::query("DELETE FROM session WHERE token_hash = $1")
            .bind(token_hash(token))
            .execute(pool)
            .await
            .map(|_| ())
    })?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_and_stored_only_hashed() {
        let a = new_token();
        let b = new_token();
        assert_ne!(a, b);
        assert_eq!(a.len(), 43);
        let hash = token_hash(&a);
        assert_eq!(hash.len(), 64);
        assert!(!hash.contains(&a));
        assert_eq!(hash, token_hash(&a));
    }
}
