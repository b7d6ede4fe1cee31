//! Clients' `jwks_uri` key sets, for `private_key_jwt`: fetched through [`Outbound`]
//! (no redirects, 5 s, 64 KiB), cached per client for five minutes, and fetched again
//! early when an assertion names a `kid` the cached set lacks, at most once a minute
//! per client counted from the last such fetch (a rotated key is picked up at once, but
//! a stream of made-up `kid`s costs one fetch a minute, not one per request). Concurrent requests that need a fetch
//! share one. A failed fetch is not retried for ten seconds.
//!
//! Per server, not per process: each `OAuth2` owns its cache, so tests and replicas do
//! not share state through a static.

use crate::outbound::{Outbound, OutboundError};
use serde_json::Value;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::time::Instant;

const TTL: Duration = Duration::from_secs(300);
/// The least time between two fetches caused by an unknown `kid`.
const REFETCH_AFTER: Duration = Duration::from_secs(60);
/// The least time between two attempts after one failed.
const RETRY_AFTER: Duration = Duration::from_secs(10);
const TIMEOUT: Duration = Duration::from_secs(5);
/// A key set of a few keys is a few KiB.
const MAX_BYTES: usize = 64 * 1024;
const MAX_ENTRIES: usize = 1000;

#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    #[error("the jwks_uri could not be fetched: {0}")]
    Outbound(#[from] OutboundError),
    #[error("the jwks_uri did not answer with a JSON object")]
    NotJson,
    #[error("the jwks_uri failed a moment ago and is not asked again yet")]
    Backoff,
}

/// Why [`ClientJwks::set`] is being asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Need {
    /// Any set will do (fresh from the cache, or fetched when there is none).
    Any,
    /// The cached set lacks the `kid`: fetch again if the rate limit allows.
    Newer,
}

pub struct ClientJwks {
    outbound: Outbound,
    entries: Mutex<HashMap<(String, String), Entry>>,
}

#[derive(Clone)]
struct Entry {
    set: Option<Arc<Value>>,
    fetched_at: Option<Instant>,
    failed_at: Option<Instant>,
    /// The last fetch caused by an unknown `kid`.
    forced_at: Option<Instant>,
    /// One fetch at a time per entry.
    gate: Arc<tokio::sync::Mutex<()>>,
}

impl ClientJwks {
    pub fn new(outbound: Outbound) -> ClientJwks {
        ClientJwks {
            outbound,
            entries: Mutex::new(HashMap::new()),
        }
    }

    /// The key set at `uri` for `client_id`, from the cache or fetched.
    /// `Ok(None)`: the set is cached, `Newer` was asked, and it is too soon to fetch.
    pub async fn set(
        &self,
        client_id: &str,
        uri: &str,
        need: Need,
    ) -> Result<Option<Arc<Value>>, FetchError> {
        let key = (client_id.to_string(), uri.to_string());
        let seen = self.entry(&key);
        if let Some(set) = usable(&seen, need) {
            return Ok(Some(set));
        }
        if !may_fetch(&seen, need) {
            return match (&seen.set, need) {
                // Stale, but the last fetch failed a moment ago: better than nothing.
                (Some(set), Need::Any) => Ok(Some(set.clone())),
                (Some(_), Need::Newer) => Ok(None),
                (None, _) => Err(FetchError::Backoff),
            };
        }
        let gate = seen.gate.clone();
        let _turn = gate.lock().await;
        // Someone else may have fetched while this request waited its turn.
        let now_seen = self.entry(&key);
        if now_seen.fetched_at != seen.fetched_at || now_seen.failed_at != seen.failed_at {
            if now_seen.fetched_at != seen.fetched_at {
                if let Some(set) = &now_seen.set {
                    return Ok(Some(set.clone()));
                }
            }
            return match (&now_seen.set, need) {
                (Some(stale), Need::Any) => Ok(Some(stale.clone())),
                _ => Err(FetchError::Backoff),
            };
        }
        let fetched = self.fetch(uri).await;
        let mut entries = self.lock();
        if entries.len() >= MAX_ENTRIES && !entries.contains_key(&key) {
            // Crude but bounded: the cache only holds what is in active use.
            entries.clear();
        }
        let e = entries.entry(key).or_insert(now_seen);
        if need == Need::Newer {
            e.forced_at = Some(Instant::now());
        }
        match fetched {
            Ok(set) => {
                let set = Arc::new(set);
                e.set = Some(set.clone());
                e.fetched_at = Some(Instant::now());
                e.failed_at = None;
                Ok(Some(set))
            }
            Err(err) => {
                e.failed_at = Some(Instant::now());
                match (&e.set, need) {
                    (Some(stale), Need::Any) => {
                        tracing::warn!(error = %err, "a client's jwks_uri failed; using the keys fetched before");
                        Ok(Some(stale.clone()))
                    }
                    _ => Err(err),
                }
            }
        }
    }

    async fn fetch(&self, uri: &str) -> Result<Value, FetchError> {
        let body = self.outbound.get_limited(uri, TIMEOUT, MAX_BYTES).await?;
        match serde_json::from_slice::<Value>(&body) {
            Ok(v @ Value::Object(_)) => Ok(v),
            _ => Err(FetchError::NotJson),
        }
    }

    fn entry(&self, key: &(String, String)) -> Entry {
        self.lock()
            .entry(key.clone())
            .or_insert_with(|| Entry {
                set: None,
                fetched_at: None,
                failed_at: None,
                forced_at: None,
                gate: Arc::new(tokio::sync::Mutex::new(())),
            })
            .clone()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<(String, String), Entry>> {
        self.entries.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// The cached set when it answers `need` without a fetch.
fn usable(e: &Entry, need: Need) -> Option<Arc<Value>> {
    let fresh = e.fetched_at.is_some_and(|at| at.elapsed() < TTL);
    match need {
        Need::Any if fresh => e.set.clone(),
        _ => None,
    }
}

fn may_fetch(e: &Entry, need: Need) -> bool {
    if e.failed_at.is_some_and(|at| at.elapsed() < RETRY_AFTER) {
        return false;
    }
    match need {
        Need::Newer => e.forced_at.is_none_or(|at| at.elapsed() >= REFETCH_AFTER),
        Need::Any => true,
    }
}
