//! A set's keys as read from the database at one moment, parsed for use.

use super::alg::Alg;
use super::model::Jwk;
use super::verifier::VerifyKey;
use super::{PRIVATE_PREFIX, PUBLIC_PREFIX};
use crate::store::KeyRow;
use std::sync::Arc;
use std::time::Instant;

/// One stored key.
#[derive(Debug)]
pub struct Entry {
    pub pk: i64,
    pub kid: String,
    pub alg: Alg,
    pub key_use: String,
    pub created_at: i64,
    /// Public members only (what `/.well-known/jwks.json` shows).
    pub public: Jwk,
    pub verify: VerifyKey,
    /// The sealed PKCS#8 private key, if the key has one.
    pub sealed: Option<Vec<u8>>,
}

impl Entry {
    /// Parses a row; `None` (logged) if the stored public key is unreadable, so that one
    /// corrupt row does not take the whole set down.
    pub fn from_row(row: KeyRow) -> Option<Entry> {
        let parsed = Alg::parse(&row.alg).and_then(|alg| {
            let public: Jwk = serde_json::from_str(&row.public_jwk).ok()?;
            let verify = VerifyKey::from_jwk(alg, &public)?;
            let public = Jwk {
                kid: Some(row.kid.clone()),
                ..public.public_part()
            };
            Some((alg, public, verify))
        });
        let Some((alg, public, verify)) = parsed else {
            tracing::error!(set = %row.set_id, kid = %row.kid, "stored JSON Web Key is unreadable; ignoring it");
            return None;
        };
        Some(Entry {
            pk: row.pk,
            kid: row.kid,
            alg,
            key_use: row.key_use,
            created_at: row.created_at,
            public,
            verify,
            sealed: row.private_key,
        })
    }

    /// Same public key material (for pairing `private:X` with `public:X`).
    fn same_public_key(&self, other: &Entry) -> bool {
        let a = &self.public;
        let b = &other.public;
        self.alg == other.alg && a.n == b.n && a.e == b.e && a.x == b.x && a.y == b.y
    }
}

#[derive(Debug)]
pub struct Snapshot {
    pub fetched: Instant,
    /// Newest first.
    pub entries: Vec<Arc<Entry>>,
}

impl Snapshot {
    pub fn new(rows: Vec<KeyRow>) -> Snapshot {
        let mut entries: Vec<Arc<Entry>> = rows
            .into_iter()
            .filter_map(Entry::from_row)
            .map(Arc::new)
            .collect();
        // Newest first; keys made within the same second in reverse insertion order.
        entries.sort_by_key(|e| std::cmp::Reverse((e.created_at, e.pk)));
        Snapshot {
            fetched: Instant::now(),
            entries,
        }
    }

    pub fn find(&self, kid: &str) -> Option<&Arc<Entry>> {
        self.entries.iter().find(|e| e.kid == kid)
    }

    /// The newest key that can sign.
    pub fn signer(&self) -> Option<&Arc<Entry>> {
        self.entries
            .iter()
            .filter(|e| e.sealed.is_some() && e.key_use == "sig")
            .max_by_key(|e| (e.created_at, e.pk))
    }

    /// The Hydra 1.x public twin of a `private:X` key: `public:X` with the same key.
    pub fn twin(&self, entry: &Entry) -> Option<&Arc<Entry>> {
        let id = entry.kid.strip_prefix(PRIVATE_PREFIX)?;
        self.find(&format!("{PUBLIC_PREFIX}{id}"))
            .filter(|t| t.same_public_key(entry))
    }

    /// The kid tokens signed by `entry` name: its public twin's if it has one.
    pub fn published_kid<'a>(&'a self, entry: &'a Entry) -> &'a str {
        self.twin(entry)
            .map(|t| t.kid.as_str())
            .unwrap_or(&entry.kid)
    }

    /// Public keys to publish: every key, except a `private:X` whose `public:X` twin is
    /// published already (the same key twice under two names helps nobody).
    pub fn published(&self) -> impl Iterator<Item = &Jwk> {
        self.entries
            .iter()
            .filter(|e| self.twin(e).is_none())
            .map(|e| &e.public)
    }
}
