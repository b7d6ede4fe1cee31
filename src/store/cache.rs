//! An in-process read cache for the two lookups every token and introspection request
//! makes: a token row by signature, and a client with its secret hash by id.
//!
//! Correctness before hit rate:
//! - Every store method that revokes, deletes or changes a token or a client bumps its
//!   area's generation and empties it *after* its transaction committed and *before* it
//!   returns, so a revocation acknowledged by this replica is never followed by a cached
//!   `active: true` here. An entry remembers the generation it was read under (taken
//!   before the database read), and an entry of an older generation is a miss: a lookup
//!   that raced with a revocation cannot put the old row back.
//! - Other replicas hear of the change through PostgreSQL `NOTIFY` (see `listen.rs`);
//!   while that connection is down the cache is off and emptied, so a replica that
//!   could miss a notification serves nothing from memory. Entries also age out after a
//!   short TTL (750 ms by default), the safety net should a notification be lost anyway:
//!   with it a change reaches every replica within the TTL even then.
//! - SQLite has no notifications: there the TTL alone bounds how long another process
//!   on the same file may serve a row that changed.
//!
//! Memory is bounded: each area holds at most `capacity` entries in shards; a full shard
//! drops an arbitrary entry.

use crate::model::{Client, TokenRow};
use std::collections::HashMap;
use std::hash::{BuildHasher, Hash, RandomState};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

const SHARDS: usize = 16;

/// How much the cache holds and for how long.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CacheOptions {
    /// Token rows kept (0 turns the token cache off).
    pub tokens: usize,
    /// Clients kept (0 turns the client cache off).
    pub clients: usize,
    pub ttl: Duration,
}

impl Default for CacheOptions {
    fn default() -> Self {
        CacheOptions {
            tokens: 4096,
            clients: 1024,
            ttl: Duration::from_millis(750),
        }
    }
}

/// Which table a cached token row came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum TokenTable {
    Access,
    Refresh,
}

/// A client with its current and rotated secret hashes (`get_client_with_secret_hash`).
pub(crate) type ClientEntry = (Client, super::SecretHashes);

pub(crate) struct Caches {
    /// Off until the notification listener is up (PostgreSQL), and whenever it is down.
    enabled: AtomicBool,
    pub(crate) tokens: Area<(TokenTable, String), TokenRow>,
    pub(crate) clients: Area<String, ClientEntry>,
}

impl Caches {
    pub(crate) fn new(opts: CacheOptions, enabled: bool) -> Caches {
        Caches {
            enabled: AtomicBool::new(enabled),
            tokens: Area::new(opts.tokens, opts.ttl),
            clients: Area::new(opts.clients, opts.ttl),
        }
    }

    pub(crate) fn enabled(&self) -> bool {
        self.enabled.load(Ordering::Acquire)
    }

    /// Turns the cache on or off; either way everything cached so far is forgotten (what
    /// was read before a lost notification connection may be stale).
    pub(crate) fn set_enabled(&self, on: bool) {
        self.tokens.invalidate();
        self.clients.invalidate();
        self.enabled.store(on, Ordering::Release);
    }

    pub(crate) fn get_token(&self, table: TokenTable, signature: &str) -> Option<TokenRow> {
        if !self.enabled() {
            return None;
        }
        self.tokens.get(&(table, signature.to_string()))
    }

    pub(crate) fn get_client(&self, id: &str) -> Option<ClientEntry> {
        if !self.enabled() {
            return None;
        }
        self.clients.get(&id.to_string())
    }
}

/// One cached area with its own generation.
pub(crate) struct Area<K, V> {
    generation: AtomicU64,
    per_shard: usize,
    ttl: Duration,
    hasher: RandomState,
    shards: Vec<Mutex<HashMap<K, Entry<V>>>>,
}

struct Entry<V> {
    value: V,
    generation: u64,
    filled: Instant,
}

impl<K: Hash + Eq + Clone, V: Clone> Area<K, V> {
    fn new(capacity: usize, ttl: Duration) -> Self {
        Area {
            generation: AtomicU64::new(0),
            per_shard: capacity.div_ceil(SHARDS),
            ttl,
            hasher: RandomState::new(),
            shards: (0..SHARDS).map(|_| Mutex::new(HashMap::new())).collect(),
        }
    }

    /// The generation to pass to [`Self::fill`]: read it *before* reading the database.
    pub(crate) fn generation(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }

    fn shard(&self, key: &K) -> &Mutex<HashMap<K, Entry<V>>> {
        let i = (self.hasher.hash_one(key) as usize) % SHARDS;
        &self.shards[i]
    }

    fn get(&self, key: &K) -> Option<V> {
        if self.per_shard == 0 {
            return None;
        }
        let current = self.generation();
        let shard = self.shard(key).lock().unwrap_or_else(|e| e.into_inner());
        let e = shard.get(key)?;
        (e.generation == current && e.filled.elapsed() < self.ttl).then(|| e.value.clone())
    }

    /// Remembers `value`, read from the database under `generation`. A value read
    /// before the latest invalidation is not stored.
    pub(crate) fn fill(&self, key: K, value: V, generation: u64) {
        if self.per_shard == 0 || generation != self.generation() {
            return;
        }
        let mut shard = self.shard(&key).lock().unwrap_or_else(|e| e.into_inner());
        if shard.len() >= self.per_shard && !shard.contains_key(&key) {
            if let Some(old) = shard.keys().next().cloned() {
                shard.remove(&old);
            }
        }
        shard.insert(
            key,
            Entry {
                value,
                generation,
                filled: Instant::now(),
            },
        );
    }

    /// Makes every entry a miss (the generation moves on) and frees them.
    pub(crate) fn invalidate(&self) {
        self.generation.fetch_add(1, Ordering::AcqRel);
        for s in &self.shards {
            s.lock().unwrap_or_else(|e| e.into_inner()).clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn area(cap: usize) -> Area<String, u32> {
        Area::new(cap, Duration::from_secs(60))
    }

    #[test]
    fn a_value_read_before_an_invalidation_is_not_stored() {
        let a = area(64);
        let g = a.generation();
        a.invalidate();
        a.fill("k".into(), 1, g);
        assert_eq!(a.get(&"k".to_string()), None);
        a.fill("k".into(), 2, a.generation());
        assert_eq!(a.get(&"k".to_string()), Some(2));
    }

    #[test]
    fn invalidation_hides_every_entry() {
        let a = area(64);
        for i in 0..10 {
            a.fill(format!("k{i}"), i, a.generation());
        }
        a.invalidate();
        assert!((0..10).all(|i| a.get(&format!("k{i}")).is_none()));
    }

    #[test]
    fn capacity_bounds_the_entries() {
        let a = area(32);
        for i in 0..1000 {
            a.fill(format!("k{i}"), i, a.generation());
        }
        let held: usize = a.shards.iter().map(|s| s.lock().unwrap().len()).sum();
        assert!(held <= 32, "{held} entries held");
        assert!(held > 0);
    }

    #[test]
    fn entries_age_out() {
        let a: Area<String, u32> = Area::new(8, Duration::from_millis(0));
        a.fill("k".into(), 1, a.generation());
        assert_eq!(a.get(&"k".to_string()), None);
    }

    #[test]
    fn a_disabled_cache_answers_nothing() {
        let c = Caches::new(CacheOptions::default(), true);
        let id = "c".to_string();
        let client = Client {
            client_id: id.clone(),
            ..Client::default()
        };
        c.clients.fill(
            id.clone(),
            (client, Default::default()),
            c.clients.generation(),
        );
        assert!(c.get_client(&id).is_some());
        c.set_enabled(false);
        assert!(c.get_client(&id).is_none());
        c.set_enabled(true);
        assert!(c.get_client(&id).is_none(), "re-enabling starts empty");
    }
}
