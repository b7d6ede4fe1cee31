//! `KeyManager`: the keys of every set, cached for signing and verification.
//!
//! Caching: a set's rows are read into a [`Snapshot`] that is reused for
//! [`SNAPSHOT_TTL`]; decrypted private keys are kept by row (`pk`) for as long as the row
//! exists, because a row's key material never changes (replacing a key makes a new row).
//! So signing costs no database query and no decryption except once per set every few
//! seconds, and a key generated on another replica is signed with within seconds.

use super::alg::Alg;
use super::error::JwkError;
use super::material;
use super::model::Jwk;
use super::seal;
use super::signer::SigningKey;
use super::snapshot::Snapshot;
use super::verifier;
use super::{DEFAULT_SETS, PRIVATE_PREFIX, PUBLIC_PREFIX};
use crate::crypto::SystemKeys;
use crate::store::{NewKey, Store};
use serde_json::Value;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How long "which keys does this set have, which one is newest" is reused. Writes made
/// through this process take effect at once (they drop the cached answer); a key
/// generated or deleted through another replica is seen here within this time. Short
/// enough that a rotation takes effect everywhere within seconds, long enough that
/// signing costs at most one query per set per interval however many tokens are issued.
const SNAPSHOT_TTL: Duration = Duration::from_secs(5);

/// A token naming an unknown kid re-reads the set (the key may have been generated on
/// another replica a moment ago), but not more often than this, so that tokens with
/// made-up kids cannot turn every request into a query.
const MISS_REFETCH: Duration = Duration::from_secs(1);

/// The body of `POST /keys/{set}` (Hydra's `jsonWebKeySetGeneratorRequest`).
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct GenerateRequest {
    #[serde(default)]
    pub alg: String,
    #[serde(rename = "use", default)]
    pub use_: String,
    #[serde(default)]
    pub kid: String,
}

/// How `POST /keys/{set}` names what it generates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Naming {
    /// Hydra 1.x: a `private:<kid>` and `public:<kid>` pair.
    Hydra1Pair,
    /// Hydra v2: one key under `<kid>` itself.
    Single,
}

pub struct KeyManager {
    pub(super) store: Store,
    pub(super) keys: Arc<SystemKeys>,
    snapshots: Mutex<HashMap<String, Arc<Snapshot>>>,
    /// Serialises snapshot reloads so that an expired snapshot is re-read once, not by
    /// every request that notices it.
    reload: tokio::sync::Mutex<()>,
    signers: Mutex<HashMap<i64, Arc<SigningKey>>>,
    /// Bumped by every local write, so that a reload that read the rows before the write
    /// does not cache what it read.
    writes: AtomicU64,
    /// [`SNAPSHOT_TTL`], shorter in tests.
    ttl: Duration,
}

impl std::fmt::Debug for KeyManager {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("KeyManager")
    }
}

/// A freshly generated key as stored rows plus the JWKs to answer with.
pub(super) struct Generated {
    pub rows: Vec<NewKey>,
    pub jwks: Vec<Jwk>,
}

impl KeyManager {
    pub fn new(store: Store, keys: Arc<SystemKeys>) -> KeyManager {
        KeyManager {
            store,
            keys,
            snapshots: Mutex::new(HashMap::new()),
            reload: tokio::sync::Mutex::new(()),
            signers: Mutex::new(HashMap::new()),
            writes: AtomicU64::new(0),
            ttl: SNAPSHOT_TTL,
        }
    }

    /// The same manager with another snapshot lifetime (tests use short ones).
    pub fn with_snapshot_ttl(mut self, ttl: Duration) -> KeyManager {
        self.ttl = ttl;
        self
    }

    /// Creates the default sets (RS256) that do not exist yet. Safe to run from several
    /// replicas at once: see [`Store::jwk_insert_bootstrap`].
    pub async fn ensure_default_sets(&self) -> Result<(), JwkError> {
        let (a, b) = tokio::join!(
            self.ensure_set(DEFAULT_SETS[0]),
            self.ensure_set(DEFAULT_SETS[1])
        );
        a.and(b)
    }

    async fn ensure_set(&self, set: &str) -> Result<(), JwkError> {
        if !self.store.jwk_set_exists(set).await? {
            self.bootstrap(set).await?;
            self.invalidate(set);
        }
        Ok(())
    }

    async fn bootstrap(&self, set: &str) -> Result<(), JwkError> {
        let started = Instant::now();
        let id = uuid::Uuid::new_v4().to_string();
        let generated = self
            .generate_pair(set, Alg::Rs256, "sig", &id, crate::clock::now())
            .await?;
        if self.store.jwk_insert_bootstrap(&generated.rows).await? {
            tracing::info!(
                set,
                kid = %format!("{PUBLIC_PREFIX}{id}"),
                ms = started.elapsed().as_millis() as u64,
                "generated a JSON Web Key for an empty default set"
            );
        } else {
            tracing::info!(
                set,
                "another instance created this default JSON Web Key Set first"
            );
        }
        Ok(())
    }

    /// Generates a key: its sealed PKCS#8 form and the full JWK (private members
    /// included) with `use` and `alg` set.
    async fn new_key(alg: Alg, use_: &str) -> Result<(Vec<u8>, Jwk), JwkError> {
        // RSA key generation takes tens of milliseconds of CPU: keep it off the runtime.
        let der = tokio::task::spawn_blocking(move || material::generate(alg))
            .await
            .map_err(|e| JwkError::Crypto(format!("key generation task: {e}")))??;
        let mut full = material::jwk_from_pkcs8(alg, &der)?;
        full.use_ = Some(use_.to_string());
        full.alg = Some(alg.as_str().to_string());
        Ok((der, full))
    }

    /// The row storing `jwk` (whose public half is kept as JSON) under `kid`.
    fn row(
        set: &str,
        kid: &str,
        jwk: &Jwk,
        sealed: Option<Vec<u8>>,
        now: i64,
    ) -> Result<NewKey, JwkError> {
        Ok(NewKey {
            set_id: set.to_string(),
            kid: kid.to_string(),
            alg: jwk.alg.clone().unwrap_or_default(),
            key_use: jwk.use_.clone().unwrap_or_default(),
            public_jwk: public_json(&Jwk {
                kid: Some(kid.to_string()),
                ..jwk.public_part()
            })?,
            private_key: sealed,
            created_at: now,
        })
    }

    /// Generates a key and its Hydra 1.x rows `private:<id>` and `public:<id>`.
    pub(super) async fn generate_pair(
        &self,
        set: &str,
        alg: Alg,
        use_: &str,
        id: &str,
        now: i64,
    ) -> Result<Generated, JwkError> {
        let (der, full) = Self::new_key(alg, use_).await?;
        let private_kid = format!("{PRIVATE_PREFIX}{id}");
        let public_kid = format!("{PUBLIC_PREFIX}{id}");
        let private = Jwk {
            kid: Some(private_kid.clone()),
            ..full.clone()
        };
        let public = Jwk {
            kid: Some(public_kid.clone()),
            ..full.public_part()
        };
        let sealed = seal::seal(&self.keys, set, &private_kid, &der)?;
        Ok(Generated {
            rows: vec![
                Self::row(set, &private_kid, &full, Some(sealed), now)?,
                Self::row(set, &public_kid, &full, None, now)?,
            ],
            jwks: vec![private, public],
        })
    }

    /// Generates a key stored once under `kid`, as Hydra v2 does: the row holds the
    /// private key, and its public half is what `/.well-known/jwks.json` publishes and
    /// what signed tokens name.
    pub(super) async fn generate_single(
        &self,
        set: &str,
        alg: Alg,
        use_: &str,
        kid: &str,
        now: i64,
    ) -> Result<Generated, JwkError> {
        let (der, full) = Self::new_key(alg, use_).await?;
        let sealed = seal::seal(&self.keys, set, kid, &der)?;
        Ok(Generated {
            rows: vec![Self::row(set, kid, &full, Some(sealed), now)?],
            jwks: vec![Jwk {
                kid: Some(kid.to_string()),
                ..full
            }],
        })
    }

    pub(super) fn invalidate(&self, set: &str) {
        self.writes.fetch_add(1, Ordering::SeqCst);
        if let Ok(mut s) = self.snapshots.lock() {
            s.remove(set);
        }
    }

    fn cached(&self, set: &str, max_age: Duration) -> Option<Arc<Snapshot>> {
        let s = self.snapshots.lock().ok()?;
        s.get(set)
            .filter(|s| s.fetched.elapsed() < max_age)
            .cloned()
    }

    /// The set's keys, at most `max_age` old. Default sets that turn out empty (deleted
    /// by an operator) are generated again, as Hydra does.
    async fn snapshot(&self, set: &str, max_age: Duration) -> Result<Arc<Snapshot>, JwkError> {
        if let Some(s) = self.cached(set, max_age) {
            return Ok(s);
        }
        let _one_reload_at_a_time = self.reload.lock().await;
        if let Some(s) = self.cached(set, max_age) {
            return Ok(s);
        }
        let writes = self.writes.load(Ordering::SeqCst);
        let rows = match self.load(set).await {
            Ok(rows) => rows,
            Err(e) => {
                // A database hiccup should not stop signing with keys known a moment ago.
                let stale = self.snapshots.lock().ok().and_then(|s| s.get(set).cloned());
                if let Some(stale) = stale {
                    tracing::warn!(set, error = %e, "cannot re-read JSON Web Keys; using the last known ones");
                    return Ok(stale);
                }
                return Err(e);
            }
        };
        let snap = Arc::new(Snapshot::new(rows));
        if let Ok(mut signers) = self.signers.lock() {
            // Forget decrypted keys of this set whose rows are gone.
            signers.retain(|pk, k| k.set() != set || snap.entries.iter().any(|e| e.pk == *pk));
        }
        if let Ok(mut s) = self.snapshots.lock() {
            if self.writes.load(Ordering::SeqCst) == writes {
                s.insert(set.to_string(), snap.clone());
            }
        }
        Ok(snap)
    }

    async fn load(&self, set: &str) -> Result<Vec<crate::store::KeyRow>, JwkError> {
        let rows = self.store.jwk_list(set).await?;
        if rows.is_empty() && DEFAULT_SETS.contains(&set) {
            self.bootstrap(set).await?;
            return Ok(self.store.jwk_list(set).await?);
        }
        Ok(rows)
    }

    /// The key `set` signs with now: its newest private key with `use` = `sig`.
    pub async fn signing_key(&self, set: &str) -> Result<Arc<SigningKey>, JwkError> {
        let snap = self.snapshot(set, self.ttl).await?;
        let entry = snap
            .signer()
            .ok_or_else(|| JwkError::NoSigningKey(set.to_string()))?;
        let kid = snap.published_kid(entry);
        if let Some(k) = self
            .signers
            .lock()
            .ok()
            .and_then(|s| s.get(&entry.pk).cloned())
        {
            if k.kid() == kid {
                return Ok(k);
            }
        }
        let sealed = entry.sealed.as_deref().unwrap_or_default();
        let (der, _) = seal::open(&self.keys, set, &entry.kid, sealed)?;
        let key = Arc::new(SigningKey::new(set, kid, entry.alg, &der)?);
        if let Ok(mut s) = self.signers.lock() {
            s.insert(entry.pk, key.clone());
        }
        Ok(key)
    }

    /// Verifies a compact JWS signed by a key of `set` and returns its claims. Neither
    /// `exp` nor `aud` nor `iss` is checked: that is the caller's business.
    #[tracing::instrument(skip_all, fields(set = %set))]
    pub async fn verify(&self, set: &str, token: &str) -> Result<Value, JwkError> {
        let parsed = verifier::parse(token)?;
        let mut snap = self.snapshot(set, self.ttl).await?;
        let refetch = MISS_REFETCH.min(self.ttl);
        if snap.find(&parsed.kid).is_none() && snap.fetched.elapsed() >= refetch {
            snap = self.snapshot(set, refetch).await?;
        }
        let entry = snap.find(&parsed.kid).ok_or(JwkError::InvalidToken(
            "no key of this set has the token's kid",
        ))?;
        if entry.key_use != "sig" {
            return Err(JwkError::InvalidToken(
                "the key named by kid is not a signing key",
            ));
        }
        verifier::check(&parsed, entry.alg, &entry.verify)
    }

    /// `{"keys": [...]}` with the public part of the keys of `sets`, newest first.
    pub async fn public_jwks(&self, sets: &[&str]) -> Result<Value, JwkError> {
        let mut keys = Vec::new();
        for set in sets {
            let snap = self.snapshot(set, self.ttl).await?;
            for jwk in snap.published() {
                keys.push(
                    serde_json::to_value(jwk.public_part())
                        .map_err(|e| JwkError::Crypto(format!("encoding JWKS: {e}")))?,
                );
            }
        }
        Ok(serde_json::json!({ "keys": keys }))
    }
}

/// The JSON stored in `public_jwk`: never a private member.
pub(super) fn public_json(jwk: &Jwk) -> Result<String, JwkError> {
    serde_json::to_string(&jwk.public_part())
        .map_err(|e| JwkError::Crypto(format!("encoding public JWK: {e}")))
}
