//! The one argon2id runner that client secrets and user passwords share.
//!
//! argon2id costs tens of milliseconds of CPU and `memory` KiB per run. Runs happen on
//! the blocking pool (`spawn_blocking`), so the async runtime never stalls, and at most
//! one per CPU at a time (one semaphore for every caller), so a burst of logins and
//! token requests together queues instead of allocating the memory cost once per
//! request or running more hashes than there are cores.

use crate::config::Argon2Params;
use crate::crypto::random_bytes;
use crate::secret::Secret;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

#[derive(Debug, thiserror::Error)]
#[error("argon2 failed: {0}")]
pub struct HashError(String);

/// Permission to run argon2 once; held while a run is in flight.
pub struct Permit(#[allow(dead_code)] OwnedSemaphorePermit);

pub struct Argon2Runner {
    params: Params,
    permits: Arc<Semaphore>,
    runs: AtomicU64,
    /// A hash of a random value nobody knows, made on first use: verifying against it
    /// costs what a real verification costs, for callers that must not answer faster
    /// when there is nothing to verify (an unknown email or client id).
    dummy: tokio::sync::OnceCell<String>,
}

impl std::fmt::Debug for Argon2Runner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "Argon2Runner({} permits)",
            self.permits.available_permits()
        )
    }
}

impl Argon2Runner {
    /// A runner with one permit per CPU (at least two).
    pub fn new(params: &Argon2Params) -> Argon2Runner {
        let cpus = std::thread::available_parallelism().map_or(2, |n| n.get());
        Argon2Runner::with_permits(params, cpus.max(2))
    }

    pub fn with_permits(params: &Argon2Params, permits: usize) -> Argon2Runner {
        let params = Params::new(params.memory, params.iterations, params.parallelism, None)
            .unwrap_or_else(|e| {
                // Settings validation rejects unusable values, so this is a bug guard.
                tracing::error!(error = %e, "invalid argon2 parameters; using the defaults");
                Params::DEFAULT
            });
        Argon2Runner {
            params,
            permits: Arc::new(Semaphore::new(permits)),
            runs: AtomicU64::new(0),
            dummy: tokio::sync::OnceCell::new(),
        }
    }

    fn argon2(&self) -> Argon2<'static> {
        Argon2::new(Algorithm::Argon2id, Version::V0x13, self.params.clone())
    }

    /// Waits for a permit. Callers that check a cache after waiting (so that a queue of
    /// identical requests costs one run) take it themselves and pass it on.
    pub async fn permit(&self) -> Result<Permit, HashError> {
        self.permits
            .clone()
            .acquire_owned()
            .await
            .map(Permit)
            .map_err(|e| HashError(e.to_string()))
    }

    /// The argon2id PHC string (`$argon2id$v=19$m=…`) for `secret`, with a fresh salt.
    #[tracing::instrument(level = "debug", name = "argon2", skip_all, fields(otel.name = "argon2 hash"))]
    pub async fn hash(&self, secret: &Secret) -> Result<String, HashError> {
        let permit = self.permit().await?;
        let argon2 = self.argon2();
        let secret = secret.clone();
        self.runs.fetch_add(1, Ordering::Relaxed);
        let out = tokio::task::spawn_blocking(move || hash_with(&argon2, &secret))
            .await
            .map_err(|e| HashError(e.to_string()))?;
        drop(permit);
        out
    }

    /// The dummy hash (see the field), made on first use.
    pub async fn dummy_hash(&self) -> &str {
        self.dummy
            .get_or_init(|| async {
                let random = Secret::new(crate::crypto::random_token(32));
                // Hashing a 43-byte value with valid parameters cannot fail; if it somehow
                // did, a syntactically valid PHC string still makes callers run argon2
                // (with the default cost) rather than return early.
                self.hash(&random).await.unwrap_or_else(|_| {
                    "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$\
                     AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
                        .into()
                })
            })
            .await
    }

    /// Runs one verification that cannot succeed, at the cost of a real one.
    pub async fn verify_dummy(&self, presented: &Secret) {
        let dummy = self.dummy_hash().await.to_string();
        let _ = self.verify(&dummy, presented).await;
    }

    /// Whether `presented` matches the PHC string `stored`; a malformed `stored` does
    /// not match. Waits for a permit.
    #[tracing::instrument(level = "debug", name = "argon2", skip_all, fields(otel.name = "argon2 verify"))]
    pub async fn verify(&self, stored: &str, presented: &Secret) -> Result<bool, HashError> {
        let permit = self.permit().await?;
        self.verify_with(permit, stored, presented).await
    }

    /// [`Self::verify`] with a permit the caller already holds.
    #[tracing::instrument(level = "debug", name = "argon2", skip_all, fields(otel.name = "argon2 verify"))]
    pub async fn verify_with(
        &self,
        permit: Permit,
        stored: &str,
        presented: &Secret,
    ) -> Result<bool, HashError> {
        self.runs.fetch_add(1, Ordering::Relaxed);
        let stored = stored.to_string();
        let presented = presented.clone();
        let argon2 = self.argon2();
        let matched = tokio::task::spawn_blocking(move || {
            // The hash carries its own parameters; `argon2` only supplies the algorithm.
            PasswordHash::new(&stored).is_ok_and(|h| {
                argon2
                    .verify_password(presented.expose().as_bytes(), &h)
                    .is_ok()
            })
        })
        .await
        .map_err(|e| HashError(e.to_string()))?;
        drop(permit);
        Ok(matched)
    }

    /// Whether `stored` was made with other parameters than the configured ones (so a
    /// successful check should replace it).
    pub fn needs_rehash(&self, stored: &str) -> bool {
        match PasswordHash::new(stored) {
            Ok(h) => {
                h.algorithm != argon2::ARGON2ID_IDENT
                    || Params::try_from(&h).map_or(true, |p| {
                        p.m_cost() != self.params.m_cost()
                            || p.t_cost() != self.params.t_cost()
                            || p.p_cost() != self.params.p_cost()
                    })
            }
            Err(_) => true,
        }
    }

    /// How many argon2 runs (hashes and verifications) have started, for tests and
    /// metrics.
    pub fn runs(&self) -> u64 {
        self.runs.load(Ordering::Relaxed)
    }
}

/// Whether `stored` is a PHC string argon2 can read.
pub fn is_phc(stored: &str) -> bool {
    PasswordHash::new(stored).is_ok()
}

fn hash_with(argon2: &Argon2<'static>, secret: &Secret) -> Result<String, HashError> {
    let salt = SaltString::encode_b64(&random_bytes(16)).map_err(|e| HashError(e.to_string()))?;
    argon2
        .hash_password(secret.expose().as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| HashError(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cheap() -> Argon2Params {
        Argon2Params {
            memory: 8 * 1024,
            iterations: 1,
            parallelism: 1,
        }
    }

    #[tokio::test]
    async fn hashes_verify_and_wrong_secrets_do_not() {
        let r = Argon2Runner::with_permits(&cheap(), 1);
        let h = r.hash(&Secret::new("correct horse")).await.unwrap();
        assert!(h.starts_with("$argon2id$v=19$m=8192,t=1,p=1$"));
        assert!(r.verify(&h, &Secret::new("correct horse")).await.unwrap());
        assert!(!r.verify(&h, &Secret::new("wrong horse")).await.unwrap());
        assert!(!r.verify("not a hash", &Secret::new("x")).await.unwrap());
        assert_eq!(r.runs(), 4);
        assert!(!r.needs_rehash(&h));
        assert!(Argon2Runner::with_permits(&Argon2Params::default(), 1).needs_rehash(&h));
    }

    #[tokio::test]
    async fn one_permit_pool_bounds_every_caller() {
        let r = Arc::new(Argon2Runner::with_permits(&cheap(), 1));
        let held = r.permit().await.unwrap();
        let r2 = r.clone();
        let waiting = tokio::spawn(async move { r2.hash(&Secret::new("x")).await });
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        assert!(!waiting.is_finished(), "a second run waits for the permit");
        drop(held);
        assert!(waiting.await.unwrap().is_ok());
    }
}
