//! State shared by every handler.

use crate::config::Settings;
use crate::crypto::SystemKeys;
use crate::http::metrics::Metrics;
use crate::store::Store;
use std::sync::Arc;

#[derive(Clone)]
pub struct AppState {
    pub settings: Arc<Settings>,
    pub store: Store,
    pub keys: Arc<SystemKeys>,
    pub metrics: Arc<Metrics>,
    pub secrets: Arc<crate::protocol::client::SecretVerifier>,
    pub jwks: Arc<crate::jwk::KeyManager>,
    pub passwords: Arc<crate::service::users::Passwords>,
}

impl AppState {
    pub fn new(settings: Settings, store: Store, keys: SystemKeys, metrics: Arc<Metrics>) -> Self {
        let settings = crate::http::pages::with_builtin_urls(settings);
        let secrets = crate::protocol::client::SecretVerifier::new(&keys, &settings.oauth2.hashers.argon2);
        let keys = Arc::new(keys);
        let jwks = Arc::new(crate::jwk::KeyManager::new(store.clone(), keys.clone()));
        AppState {
            passwords: Arc::new(crate::service::users::Passwords::new(&settings.oauth2.hashers.argon2)),
            jwks,
            secrets: Arc::new(secrets),
            settings: Arc::new(settings),
            store,
            keys,
            metrics,
        }
    }
}
