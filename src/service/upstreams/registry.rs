//! The upstream providers: those in the configuration (checked at start) and those
//! stored through the admin API (read from the database on use, so every replica sees
//! a change at once), each with its discovery document and JWKS cached here.
//!
//! A provider whose discovery fails does not stop anything: it is `unavailable` with
//! the reason until a later fetch succeeds. Discovery is refreshed in the background
//! (every [`REFRESH`]; while unavailable at every sweep) and on use when stale (an
//! unavailable provider is tried again on use after [`RETRY`]).

use crate::config::UpstreamProvider;
use crate::crypto::seal::{self, Binding};
use crate::crypto::SystemKeys;
use crate::model::identity::StoredProvider;
use crate::outbound::{Outbound, OutboundError};
use crate::protocol::federation::metadata::{self, ProviderMetadata};
use crate::protocol::federation::provider::{check, Endpoints, ProviderDef, ResolvedSecret};
use crate::secret::Secret;
use crate::store::{Store, StoreError};
use serde_json::Value;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// A good discovery document is fetched again after this long.
pub const REFRESH: Duration = Duration::from_secs(15 * 60);
/// A provider that is unavailable is tried again (on use) after this long.
pub const RETRY: Duration = Duration::from_secs(5);
/// How often the background task looks for providers that are due.
const SWEEP: Duration = Duration::from_secs(30);
/// A token naming a kid the cached JWKS lacks refetches it, but not more often.
pub const JWKS_REFETCH: Duration = Duration::from_secs(60);
/// A JWKS is reused for this long before it is fetched again anyway.
const JWKS_TTL: Duration = Duration::from_secs(60 * 60);

/// Where a provider's definition lives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// `identity.upstreams`: read-only through the API.
    Configuration,
    Api,
}

impl Source {
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Configuration => "configuration",
            Source::Api => "api",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Provider {
    pub def: Arc<ProviderDef>,
    pub source: Source,
}

/// Whether a provider can be used now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Status {
    Ok,
    Unavailable(String),
    /// Not fetched yet.
    Unknown,
}

#[derive(Default)]
struct Cached {
    /// The definition the cache entry was made for (an API update may change it).
    discovery_endpoint: String,
    issuer: String,
    metadata: Option<Arc<ProviderMetadata>>,
    status: Option<(Status, Instant)>,
    jwks: Option<(Arc<Value>, Instant)>,
    /// When a token with an unknown kid last made us fetch the JWKS again.
    jwks_forced: Option<Instant>,
}

pub struct Registry {
    store: Store,
    keys: Arc<SystemKeys>,
    http: Outbound,
    configured: Vec<Arc<ProviderDef>>,
    cache: Mutex<HashMap<String, Cached>>,
}

impl std::fmt::Debug for Registry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Registry({} configured)", self.configured.len())
    }
}

/// Binding of a stored provider's sealed client secret.
pub fn secret_binding(id: &str) -> Binding<'_> {
    Binding {
        domain: "portcullis/idp-secret/v1",
        a: id,
        b: "client_secret",
    }
}

impl Registry {
    pub fn new(
        store: Store,
        keys: Arc<SystemKeys>,
        http: Outbound,
        configured: Vec<ProviderDef>,
    ) -> Registry {
        Registry {
            store,
            keys,
            http,
            configured: configured.into_iter().map(Arc::new).collect(),
            cache: Mutex::new(HashMap::new()),
        }
    }

    pub fn http(&self) -> &Outbound {
        &self.http
    }

    pub fn keys(&self) -> &SystemKeys {
        &self.keys
    }

    /// Whether `id` is defined in the configuration.
    pub fn configured(&self, id: &str) -> Option<Arc<ProviderDef>> {
        self.configured.iter().find(|d| d.id == id).cloned()
    }

    /// The provider named `id`, from the configuration or the database.
    pub async fn get(&self, id: &str) -> Result<Option<Provider>, StoreError> {
        if let Some(def) = self.configured(id) {
            return Ok(Some(Provider {
                def,
                source: Source::Configuration,
            }));
        }
        match self.store.provider_get(id).await? {
            Some(row) => Ok(self.decode(&row).map(|def| Provider {
                def: Arc::new(def),
                source: Source::Api,
            })),
            None => Ok(None),
        }
    }

    /// Every provider: the configured ones in their order, then the stored ones by id.
    pub async fn list(&self) -> Result<Vec<Provider>, StoreError> {
        let mut out: Vec<Provider> = self
            .configured
            .iter()
            .map(|d| Provider {
                def: d.clone(),
                source: Source::Configuration,
            })
            .collect();
        for row in self.store.provider_list().await? {
            if let Some(def) = self.decode(&row) {
                out.push(Provider {
                    def: Arc::new(def),
                    source: Source::Api,
                });
            }
        }
        Ok(out)
    }

    /// A stored provider's definition, checked again (the rules may have tightened
    /// since it was stored); one that no longer passes is left out and logged.
    fn decode(&self, row: &StoredProvider) -> Option<ProviderDef> {
        let parsed: Result<UpstreamProvider, String> =
            serde_json::from_str(&row.definition).map_err(|e| e.to_string());
        let secret = match &row.client_secret {
            None => Ok(None),
            Some(sealed) => seal::open(&self.keys, secret_binding(&row.id), sealed)
                .map(|(plain, _)| Some(Secret::new(String::from_utf8_lossy(&plain))))
                .map_err(|e| e.to_string()),
        };
        let def = parsed.and_then(|p| {
            secret.and_then(|s| check(&p, ResolvedSecret(s), "").map_err(|e| e.to_string()))
        });
        def.map_err(|e| {
            tracing::error!(provider = %row.id, error = %e, "a stored identity provider cannot be used");
        })
        .ok()
    }

    /// The provider's status as last seen, without fetching.
    pub fn status_now(&self, def: &ProviderDef) -> Status {
        if def.fully_overridden() {
            return Status::Ok;
        }
        let cache = self.lock();
        match cache.get(&def.id) {
            Some(c) if c.matches(def) => c.status.clone().map_or(Status::Unknown, |(s, _)| s),
            _ => Status::Unknown,
        }
    }

    /// The endpoints to use, fetching discovery when it is stale or was never fetched.
    /// `Err` says why the provider cannot be used now.
    pub async fn endpoints(&self, def: &ProviderDef) -> Result<Endpoints, String> {
        let meta = self.discovered(def, false).await;
        def.endpoints(meta.as_deref())
    }

    /// The discovery document, fresh enough (or fetched again when `force`).
    pub async fn discovered(
        &self,
        def: &ProviderDef,
        force: bool,
    ) -> Option<Arc<ProviderMetadata>> {
        let (cached, due) = {
            let cache = self.lock();
            match cache.get(&def.id).filter(|c| c.matches(def)) {
                Some(c) => {
                    let due = match &c.status {
                        None => true,
                        Some((Status::Ok, at)) => at.elapsed() >= REFRESH,
                        Some((_, at)) => at.elapsed() >= RETRY,
                    };
                    (c.metadata.clone(), due)
                }
                None => (None, true),
            }
        };
        if !due && !force {
            return cached;
        }
        let fetched = self.fetch_discovery(def).await;
        let mut cache = self.lock();
        let entry = entry_for(&mut cache, def);
        match fetched {
            Ok(meta) => {
                let meta = Arc::new(meta);
                entry.metadata = Some(meta.clone());
                entry.status = Some((Status::Ok, Instant::now()));
                Some(meta)
            }
            Err(reason) => {
                tracing::warn!(provider = %def.id, %reason, "identity provider discovery failed");
                // A provider usable from its configured endpoints alone stays usable.
                let status = if def.fully_overridden() {
                    Status::Ok
                } else {
                    Status::Unavailable(reason)
                };
                entry.status = Some((status, Instant::now()));
                // The last good document is not used once a fetch has failed: the
                // provider may have moved its endpoints or keys.
                entry.metadata = None;
                None
            }
        }
    }

    async fn fetch_discovery(&self, def: &ProviderDef) -> Result<ProviderMetadata, String> {
        let body = self
            .http
            .get(&def.discovery_endpoint, None, def.timeout)
            .await
            .map_err(|e| format!("discovery: {e}"))?;
        metadata::parse(&body, &def.issuer, def.allow_insecure_http)
            .map_err(|e| format!("discovery: {e}"))
    }

    /// The provider's JWKS; `refetch` asks for a fresh copy because a token named an
    /// unknown kid (the provider may have rotated its keys), which is honoured at most
    /// once per [`JWKS_REFETCH`], so tokens with made-up kids cannot turn every
    /// callback into a request to the provider.
    pub async fn jwks(
        &self,
        def: &ProviderDef,
        jwks_uri: &str,
        refetch: bool,
    ) -> Result<Arc<Value>, OutboundError> {
        let (cached, forced) = {
            let cache = self.lock();
            cache
                .get(&def.id)
                .filter(|c| c.matches(def))
                .map(|c| (c.jwks.clone(), c.jwks_forced))
                .unwrap_or_default()
        };
        let may_force = forced.is_none_or(|at| at.elapsed() >= JWKS_REFETCH);
        if let Some((set, at)) = &cached {
            if at.elapsed() < JWKS_TTL && (!refetch || !may_force) {
                return Ok(set.clone());
            }
        }
        let body = self.http.get(jwks_uri, None, def.timeout).await?;
        let set: Value =
            serde_json::from_slice(&body).map_err(|e| OutboundError::BadJson(e.to_string()))?;
        let set = Arc::new(set);
        let mut cache = self.lock();
        let entry = entry_for(&mut cache, def);
        entry.jwks = Some((set.clone(), Instant::now()));
        if refetch {
            entry.jwks_forced = Some(Instant::now());
        }
        Ok(set)
    }

    /// Fetches the discovery document of every provider that is due, in the background,
    /// until the registry is dropped.
    pub fn spawn_refresh(self: &Arc<Self>) {
        let weak = Arc::downgrade(self);
        tokio::spawn(async move {
            loop {
                let Some(registry) = weak.upgrade() else {
                    return;
                };
                match registry.list().await {
                    Ok(providers) => {
                        for p in providers {
                            if !p.def.fully_overridden() {
                                registry.discovered(&p.def, false).await;
                            }
                        }
                    }
                    Err(e) => tracing::warn!(error = %e, "cannot list identity providers"),
                }
                drop(registry);
                tokio::time::sleep(SWEEP).await;
            }
        });
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Cached>> {
        // A panic while holding the lock leaves at worst a stale entry.
        self.cache.lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl Cached {
    /// Whether the entry was made for this definition (an API update may have changed
    /// the issuer or discovery endpoint, which makes everything cached stale).
    fn matches(&self, def: &ProviderDef) -> bool {
        self.discovery_endpoint == def.discovery_endpoint && self.issuer == def.issuer
    }
}

/// The cache entry for `def`, new when there is none or it was made for another
/// definition.
fn entry_for<'a>(cache: &'a mut HashMap<String, Cached>, def: &ProviderDef) -> &'a mut Cached {
    let entry = cache.entry(def.id.clone()).or_default();
    if !entry.matches(def) {
        *entry = Cached {
            discovery_endpoint: def.discovery_endpoint.clone(),
            issuer: def.issuer.clone(),
            ..Cached::default()
        };
    }
    entry
}
