//! Sessions in the database, so every app instance knows every login.
//!
//! The cookie holds 32 random bytes; the table holds only their SHA-256. A session ends on
//! logout, after the idle timeout, at its absolute lifetime, or when the user is deactivated
//! or changes password (all the user's sessions are deleted then).
//!
//! Each instance keeps the sessions it has validated in a [`SessionCache`] for at most a
//! second, so most requests need no database hop to know their user. Whatever ends a session
//! or changes its user forgets them in this instance at once and, on PostgreSQL, tells the
//! other instances with `NOTIFY` on [`CHANNEL`] in the same transaction; a notification that
//! is lost still cannot keep a revoked session alive longer than the cache's lifetime.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use base64::Engine as _;
use chrono::{DateTime, Utc};
use rand::RngCore as _;
use sha2::{Digest, Sha256};

use super::{CurrentUser, Role};
use crate::db::Db;
use crate::error::AppError;
use crate::{db_read, db_write, on_tx};

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
    /// When the session was last seen (as stored after this lookup) and when it ends.
    pub last_seen_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
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
        delete(db, None, token).await?;
        return Ok(None);
    }
    let mut last_seen_at = row.last_seen_at;
    if now - row.last_seen_at >= TOUCH_INTERVAL {
        last_seen_at = now;
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
        last_seen_at,
        expires_at: row.expires_at,
    }))
}

/// The user behind `token`: from `cache` when this instance validated the session within the
/// cache's lifetime (then without the data version, which pages read afresh), else from
/// [`lookup`], whose answer is cached.
pub async fn current(
    db: &Db,
    cache: &SessionCache,
    token: &str,
    policy: SessionPolicy,
    now: DateTime<Utc>,
) -> Result<Option<(CurrentUser, Option<crate::organisation::DataVersion>)>, AppError> {
    let hash = token_hash(token);
    if let Some(user) = cache.get(&hash, policy, now) {
        return Ok(Some((user, None)));
    }
    let Some(live) = lookup(db, token, policy, now).await? else {
        return Ok(None);
    };
    cache.put(hash, &live);
    Ok(Some((live.user, Some(live.data_version))))
}

/// Ends the session behind `token` (logout), in this instance's cache and, on PostgreSQL,
/// in every other instance's.
pub async fn delete(db: &Db, cache: Option<&SessionCache>, token: &str) -> Result<(), AppError> {
    let hash = token_hash(token);
    let mut tx = db.begin().await?;
    on_tx!(&mut tx, |conn| {
        sqlx::query("DELETE FROM session WHERE token_hash = $1")
            .bind(&hash)
            .execute(conn)
            .await
            .map(|_| ())
    })?;
    notify(&mut tx, &Revoked::Token(hash.clone())).await?;
    tx.commit().await?;
    if let Some(cache) = cache {
        cache.forget(&Revoked::Token(hash));
    }
    Ok(())
}

/// The PostgreSQL channel on which instances tell each other of ended sessions.
pub const CHANNEL: &str = "utfall_session";

/// What ended: one session (its token's hash) or every session of a user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Revoked {
    Token(String),
    User(i64),
}

impl Revoked {
    /// The notification's payload: `t:<hash>` or `u:<user id>`.
    pub fn payload(&self) -> String {
        match self {
            Self::Token(hash) => format!("t:{hash}"),
            Self::User(id) => format!("u:{id}"),
        }
    }

    pub fn parse(payload: &str) -> Option<Self> {
        match payload.split_once(':')? {
            ("t", hash) => Some(Self::Token(hash.to_string())),
            ("u", id) => id.parse().ok().map(Self::User),
            _ => None,
        }
    }
}

/// Tells the other instances, when `tx` commits, that `revoked` ended (PostgreSQL delivers a
/// notification only on commit, so a rolled-back change revokes nothing). SQLite has one
/// instance: nothing to tell.
pub async fn notify(tx: &mut crate::db::Tx, revoked: &Revoked) -> Result<(), AppError> {
    if let crate::db::Tx::Postgres(tx) = tx {
        sqlx::query("SELECT pg_notify($1, $2)")
            .bind(CHANNEL)
            .bind(revoked.payload())
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

/// The sessions this instance has validated, each trusted for at most `lifetime` (and never
/// past its idle or absolute end).
#[derive(Debug, Clone)]
pub struct SessionCache {
    lifetime: Duration,
    entries: Arc<Mutex<HashMap<String, Cached>>>,
}

#[derive(Debug)]
struct Cached {
    user: CurrentUser,
    validated: Instant,
    last_seen_at: DateTime<Utc>,
    expires_at: DateTime<Utc>,
}

/// Entries kept at most; beyond it the stale ones go, and if that is not enough, all.
const CACHE_LIMIT: usize = 50_000;

impl Default for SessionCache {
    fn default() -> Self {
        Self::new(Duration::from_secs(1))
    }
}

impl SessionCache {
    /// A cache trusting a validation for `lifetime` (zero: no caching at all).
    pub fn new(lifetime: Duration) -> Self {
        Self {
            lifetime,
            entries: Arc::default(),
        }
    }

    fn entries(&self) -> std::sync::MutexGuard<'_, HashMap<String, Cached>> {
        // A panic while holding the lock leaves nothing half-written worth refusing.
        self.entries.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The user of the session hashed `hash`, if validated recently enough and still alive.
    pub fn get(
        &self,
        hash: &str,
        policy: SessionPolicy,
        now: DateTime<Utc>,
    ) -> Option<CurrentUser> {
        let entries = self.entries();
        let cached = entries.get(hash)?;
        let alive = now < cached.expires_at
            && now - cached.last_seen_at < chrono_duration(policy.idle)
            && cached.validated.elapsed() < self.lifetime;
        alive.then(|| cached.user.clone())
    }

    /// Keeps a session just validated by [`lookup`].
    pub fn put(&self, hash: String, live: &LiveSession) {
        if self.lifetime.is_zero() {
            return;
        }
        let mut entries = self.entries();
        if entries.len() >= CACHE_LIMIT {
            entries.retain(|_, c| c.validated.elapsed() < self.lifetime);
            if entries.len() >= CACHE_LIMIT {
                entries.clear();
            }
        }
        entries.insert(
            hash,
            Cached {
                user: live.user.clone(),
                validated: Instant::now(),
                last_seen_at: live.last_seen_at,
                expires_at: live.expires_at,
            },
        );
    }

    /// Forgets what `revoked` names.
    pub fn forget(&self, revoked: &Revoked) {
        let mut entries = self.entries();
        match revoked {
            Revoked::Token(hash) => {
                entries.remove(hash);
            }
            Revoked::User(id) => entries.retain(|_, c| c.user.id != *id),
        }
    }

    /// Forgets everything (when notifications may have been missed).
    pub fn clear(&self) {
        self.entries().clear();
    }
}

/// Forgets `user_id`'s sessions in this instance's cache, when it has one (the server provides
/// it to server functions; after a change that [`notify`] announced to the other instances).
pub fn forget_user_here(user_id: i64) {
    if let Some(cache) = leptos::prelude::use_context::<SessionCache>() {
        cache.forget(&Revoked::User(user_id));
    }
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

    fn live(user_id: i64, now: DateTime<Utc>) -> LiveSession {
        LiveSession {
            user: CurrentUser {
                id: user_id,
                organisation_id: 1,
                name: "Anna".into(),
                email: "anna@example.se".into(),
                roles: vec![Role::Reader],
            },
            data_version: crate::organisation::DataVersion(1),
            last_seen_at: now,
            expires_at: now + chrono::TimeDelta::hours(1),
        }
    }

    #[test]
    fn the_cache_trusts_a_session_for_its_lifetime_and_forgets_what_is_revoked() {
        let now = Utc::now();
        let policy = SessionPolicy::default();
        let cache = SessionCache::new(Duration::from_secs(60));
        cache.put("a".into(), &live(1, now));
        cache.put("b".into(), &live(1, now));
        cache.put("c".into(), &live(2, now));
        assert_eq!(cache.get("a", policy, now).map(|u| u.id), Some(1));
        assert_eq!(cache.get("x", policy, now), None);
        // Never past the session's own ends, whatever the cache's lifetime.
        assert_eq!(
            cache.get("a", policy, now + chrono::TimeDelta::hours(1)),
            None
        );
        assert_eq!(
            cache.get("a", policy, now + chrono_duration(policy.idle)),
            None
        );
        cache.forget(&Revoked::Token("a".into()));
        assert_eq!(cache.get("a", policy, now), None);
        assert!(cache.get("b", policy, now).is_some());
        cache.forget(&Revoked::User(1));
        assert_eq!(cache.get("b", policy, now), None);
        assert!(cache.get("c", policy, now).is_some());
        cache.clear();
        assert_eq!(cache.get("c", policy, now), None);
    }

    #[test]
    fn a_validation_is_trusted_no_longer_than_the_lifetime() {
        let now = Utc::now();
        let policy = SessionPolicy::default();
        let cache = SessionCache::new(Duration::from_millis(20));
        cache.put("a".into(), &live(1, now));
        assert!(cache.get("a", policy, now).is_some());
        std::thread::sleep(Duration::from_millis(30));
        assert_eq!(cache.get("a", policy, now), None);
        let off = SessionCache::new(Duration::ZERO);
        off.put("a".into(), &live(1, now));
        assert_eq!(off.get("a", policy, now), None);
    }

    #[test]
    fn notifications_name_a_token_or_a_user() {
        for revoked in [Revoked::Token("ab12".into()), Revoked::User(42)] {
            assert_eq!(Revoked::parse(&revoked.payload()), Some(revoked));
        }
        assert_eq!(Revoked::parse("x:1"), None);
        assert_eq!(Revoked::parse("u:zz"), None);
    }
}
