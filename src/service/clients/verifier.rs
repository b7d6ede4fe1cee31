//! Client secrets: generation, argon2id hashing, and verification with a cache.
//!
//! # Why a cache, and why it is safe
//!
//! Every confidential token request verifies a client secret. argon2id with the default
//! cost (19 MiB, 2 passes) takes tens of milliseconds of CPU and 19 MiB of memory per
//! run, which would cap the token endpoint at a few dozen requests per second per core.
//! So a *successful* verification is remembered for a few minutes as
//!
//! ```text
//! client_id -> (stored_hashes, HMAC-SHA256(K, client_id | stored_hashes | secret), expiry)
//! ```
//!
//! where `K = SystemKeys::current(Purpose::SecretCache)` and `stored_hashes` is the
//! client's current secret hash followed by its rotated ones (Hydra v2's secret rotation),
//! and a later request is accepted without argon2 only when the MAC of what it presents
//! equals the cached MAC (compared in constant time) *and* the hashes just read from the
//! database are the ones cached.
//!
//! * **Nothing usable is kept in memory.** The cache holds neither the secret nor a fast
//!   unkeyed hash of it; the MAC is keyed with a key derived from the system secret, so a
//!   leaked cache entry alone does not allow offline guessing. (An attacker who can read
//!   process memory can read `K` and every secret passing through the process anyway.)
//! * **Secret changes take effect at once here, and within a second on every replica.**
//!   The stored hash comes with the client (`Store::get_client_with_secret_hash`), is
//!   part of the MAC input and is compared with the cached one. Setting a new secret
//!   writes a new hash (fresh salt), so an entry stops matching as soon as the store
//!   answers with the new hash: on this replica at once (the store's client cache is
//!   invalidated before the update returns), on the others when PostgreSQL's `NOTIFY`
//!   reaches them, and at worst after the client cache's TTL (`store/cache.rs`). A deleted
//!   client is never looked up here at all.
//! * **Rotated secrets are cached as safely.** A secret that matched a rotated hash is
//!   remembered under the whole set of hashes, not under the one it matched: rotating
//!   again or deleting the rotated secrets changes the set, so the entry stops matching
//!   and the next request pays argon2 against what is stored now (and fails once its
//!   hash is gone).
//! * **Failures are never cached**, so a wrong secret always costs a full argon2 run: the
//!   cache does not make online guessing cheaper, and cache state cannot be probed with
//!   wrong guesses (a fast answer only ever happens for the correct secret, which the
//!   caller then knows anyway). A wrong guess does not evict the right entry either.
//! * **A wrong secret costs one argon2 run per stored hash**: the current one, then each
//!   rotated one, newest first, at most [`MAX_ROTATED`] of them (more are ignored), so at
//!   most six runs. Clients with rotated secrets therefore answer a wrong secret more
//!   slowly, which tells nothing but that they have rotated secrets.
//! * **Bounded.** At most `capacity` entries (one per client id, default 10,000), each
//!   expiring after `ttl` (default 5 minutes). Entries are only created after a successful
//!   argon2 verification, so filling the cache requires valid credentials.
//! * **Bounded argon2 concurrency.** Runs share the one [`Argon2Runner`] (one permit per
//!   CPU, for client secrets and passwords together), so a flood of wrong secrets queues
//!   instead of allocating 19 MiB per blocking thread.
//! * The key lives only in this process and is re-derived at start, so a restart (or a
//!   system secret rotation) empties the cache.

use crate::crypto::argon2::{Argon2Runner, HashError};
use crate::crypto::{constant_time_eq, Purpose, SystemKeys};
use crate::model::Client;
use crate::secret::Secret;
use aws_lc_rs::hmac;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

pub const DEFAULT_CAPACITY: usize = 10_000;
pub const DEFAULT_TTL: Duration = Duration::from_secs(5 * 60);
/// How many rotated secret hashes a client keeps, and the verifier tries.
pub const MAX_ROTATED: usize = 5;

struct Entry {
    /// The current hash, then the rotated ones tried.
    stored_hashes: Vec<String>,
    mac: [u8; 32],
    expires: Instant,
}

pub struct SecretVerifier {
    mac_key: hmac::Key,
    argon2: Arc<Argon2Runner>,
    cache: Mutex<HashMap<String, Entry>>,
    capacity: usize,
    ttl: Duration,
    /// Verifications this cache could not answer (argon2 runs for client secrets).
    argon2_runs: AtomicU64,
}

impl std::fmt::Debug for SecretVerifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretVerifier([redacted])")
    }
}

impl SecretVerifier {
    pub fn new(keys: &SystemKeys, argon2: Arc<Argon2Runner>) -> SecretVerifier {
        Self::with_limits(keys, argon2, DEFAULT_CAPACITY, DEFAULT_TTL)
    }

    pub fn with_limits(
        keys: &SystemKeys,
        argon2: Arc<Argon2Runner>,
        capacity: usize,
        ttl: Duration,
    ) -> SecretVerifier {
        SecretVerifier {
            mac_key: hmac::Key::new(hmac::HMAC_SHA256, keys.current(Purpose::SecretCache)),
            argon2,
            cache: Mutex::new(HashMap::new()),
            capacity,
            ttl,
            argon2_runs: AtomicU64::new(0),
        }
    }

    /// One verification that cannot succeed, at the cost of a real one.
    pub async fn verify_dummy(&self, presented: &Secret) {
        self.argon2.verify_dummy(presented).await;
    }

    /// The argon2id PHC string for `secret` (`$argon2id$v=19$m=…`), computed off the
    /// async runtime.
    pub async fn hash(&self, secret: &Secret) -> Result<String, HashError> {
        self.argon2.hash(secret).await
    }

    /// Whether `presented` is the secret whose hash is `stored_hash` (just read from the
    /// database for `client`). See the module documentation for the cache's argument.
    pub async fn verify(&self, client: &Client, stored_hash: &str, presented: &Secret) -> bool {
        self.verify_any(client, stored_hash, &[], presented).await
    }

    /// Whether `presented` is the secret whose hash is `stored_hash` or one of the
    /// `rotated` hashes (newest first; only the first [`MAX_ROTATED`] are tried), all just
    /// read from the database for `client`. Without a current hash nothing matches.
    #[tracing::instrument(skip_all)]
    pub async fn verify_any(
        &self,
        client: &Client,
        stored_hash: &str,
        rotated: &[String],
        presented: &Secret,
    ) -> bool {
        if presented.is_empty() || stored_hash.is_empty() {
            return false;
        }
        let hashes: Vec<&str> = std::iter::once(stored_hash)
            .chain(rotated.iter().take(MAX_ROTATED).map(String::as_str))
            .collect();
        let mac = self.mac(&client.client_id, &hashes, presented);
        if self.cached(&client.client_id, &hashes, &mac) {
            return true;
        }
        let Ok(permit) = self.argon2.permit().await else {
            return false;
        };
        // Requests that arrive together with a not-yet-cached secret (a client's first
        // burst, or every client after a restart) queue here; once the first of them has
        // verified and cached it, the rest find it and skip their own argon2 run. A wrong
        // secret never matches the cached MAC, so it still pays the full run(s).
        if self.cached(&client.client_id, &hashes, &mac) {
            return true;
        }
        let mut permit = Some(permit);
        for hash in &hashes {
            let p = match permit.take() {
                Some(p) => p,
                None => match self.argon2.permit().await {
                    Ok(p) => p,
                    Err(_) => return false,
                },
            };
            if self.argon2_verify(p, hash, presented).await {
                self.remember(&client.client_id, &hashes, mac);
                return true;
            }
        }
        false
    }

    /// How many argon2 verifications ran (cache misses), for tests and metrics.
    pub fn argon2_runs(&self) -> u64 {
        self.argon2_runs.load(Ordering::Relaxed)
    }

    /// How many verifications are cached.
    pub fn cached_entries(&self) -> usize {
        self.lock().len()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Entry>> {
        // A panic while holding the lock cannot leave a half-written entry that matters:
        // the worst case is a stale entry, which still has to match the MAC and hash.
        self.cache.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// HMAC over length-prefixed fields (and the number of hashes), so no two different
    /// inputs share an encoding.
    fn mac(&self, client_id: &str, stored_hashes: &[&str], presented: &Secret) -> [u8; 32] {
        let mut ctx = hmac::Context::with_key(&self.mac_key);
        ctx.update(&(stored_hashes.len() as u64).to_be_bytes());
        let parts = std::iter::once(client_id.as_bytes())
            .chain(stored_hashes.iter().map(|h| h.as_bytes()))
            .chain(std::iter::once(presented.expose().as_bytes()));
        for part in parts {
            ctx.update(&(part.len() as u64).to_be_bytes());
            ctx.update(part);
        }
        let mut out = [0u8; 32];
        out.copy_from_slice(ctx.sign().as_ref());
        out
    }

    fn cached(&self, client_id: &str, stored_hashes: &[&str], mac: &[u8; 32]) -> bool {
        let mut cache = self.lock();
        let Some(e) = cache.get(client_id) else {
            return false;
        };
        if e.expires <= Instant::now() {
            cache.remove(client_id);
            return false;
        }
        e.stored_hashes
            .iter()
            .map(String::as_str)
            .eq(stored_hashes.iter().copied())
            && constant_time_eq(&e.mac, mac)
    }

    fn remember(&self, client_id: &str, stored_hashes: &[&str], mac: [u8; 32]) {
        if self.capacity == 0 {
            return;
        }
        let now = Instant::now();
        let mut cache = self.lock();
        if cache.len() >= self.capacity && !cache.contains_key(client_id) {
            cache.retain(|_, e| e.expires > now);
            if cache.len() >= self.capacity {
                let oldest = cache
                    .iter()
                    .min_by_key(|(_, e)| e.expires)
                    .map(|(k, _)| k.clone());
                if let Some(k) = oldest {
                    cache.remove(&k);
                }
            }
        }
        cache.insert(
            client_id.to_string(),
            Entry {
                stored_hashes: stored_hashes.iter().map(|h| h.to_string()).collect(),
                mac,
                expires: now + self.ttl,
            },
        );
    }

    async fn argon2_verify(
        &self,
        permit: crate::crypto::argon2::Permit,
        stored_hash: &str,
        presented: &Secret,
    ) -> bool {
        self.argon2_runs.fetch_add(1, Ordering::Relaxed);
        self.argon2
            .verify_with(permit, stored_hash, presented)
            .await
            .unwrap_or_else(|e| {
                tracing::error!(error = %e, "secret verification failed");
                false
            })
    }
}

#[cfg(test)]
mod tests;
