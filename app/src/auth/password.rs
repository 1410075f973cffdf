//! Password hashing with argon2id, off the async runtime.
//!
//! One verification costs ~19 MiB and tens of milliseconds of CPU by design. It runs in
//! `spawn_blocking` behind a semaphore sized to the CPU count, so a burst of logins queues
//! instead of starving every other request or exhausting memory.

use std::sync::LazyLock;

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use tokio::sync::Semaphore;

use crate::error::AppError;

/// OWASP's argon2id recommendation: m = 19 MiB, t = 2, p = 1.
fn argon2() -> Argon2<'static> {
    let params = Params::new(19 * 1024, 2, 1, None).expect("valid argon2 parameters");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

static HASHING: LazyLock<Semaphore> = LazyLock::new(|| {
    let cpus = std::thread::available_parallelism().map_or(2, |n| n.get());
    Semaphore::new(cpus)
});

/// Hashed once and used for unknown e-mails, so "no such user" costs the same as a wrong
/// password and timing does not tell which accounts exist.
static DUMMY_HASH: LazyLock<String> =
    LazyLock::new(|| hash_blocking("ingen-sådan-användare").expect("dummy hash"));

fn hash_blocking(password: &str) -> Result<String, AppError> {
    let mut bytes = [0u8; 16];
    rand::RngCore::fill_bytes(&mut rand::rng(), &mut bytes);
    let salt = SaltString::encode_b64(&bytes).map_err(|_| AppError::Internal)?;
    argon2()
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|error| {
            tracing::error!(%error, "password hashing failed");
            AppError::Internal
        })
}

fn verify_blocking(password: &str, hash: &str) -> bool {
    match PasswordHash::new(hash) {
        Ok(parsed) => argon2()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok(),
        Err(error) => {
            tracing::error!(%error, "stored password hash is malformed");
            false
        }
    }
}

async fn off_runtime<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, AppError> {
    let _permit = HASHING.acquire().await.map_err(|_| AppError::Internal)?;
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|_| AppError::Internal)
}

/// Hashes a new password (PHC string with salt and parameters).
pub async fn hash(password: String) -> Result<String, AppError> {
    off_runtime(move || hash_blocking(&password)).await?
}

/// Checks `password` against `hash`; with `hash = None` (unknown user) it does the same work
/// against a dummy hash and returns `false`.
pub async fn verify(password: String, hash: Option<String>) -> Result<bool, AppError> {
    off_runtime(move || match hash {
        Some(hash) => verify_blocking(&password, &hash),
        None => {
            verify_blocking(&password, &DUMMY_HASH);
            false
        }
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hash_verifies_only_the_right_password() {
        let hash = hash("blåbär i skogen".into()).await.unwrap();
        assert!(hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert!(
            verify("blåbär i skogen".into(), Some(hash.clone()))
                .await
                .unwrap()
        );
        assert!(!verify("lingon i skogen".into(), Some(hash)).await.unwrap());
        assert!(!verify("vad som helst".into(), None).await.unwrap());
    }
}
