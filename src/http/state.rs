//! The routers' state: the per-area services, each handler extracting only the one it
//! needs (`State<OAuth2>`, `State<Flow>`, …) through [`FromRef`]. `app` fills it once.
//!
//! axum clones the router's state for every request, so it is one `Arc`: a request
//! costs one atomic increment for the state and one for the part its handler takes,
//! not one per field of every service.

use super::metrics::Metrics;
use super::pages::Pages;
use crate::clock::Clock;
use crate::jwk::KeyManager;
use crate::service::clients::Clients;
use crate::service::federation::Federation;
use crate::service::firstparty::FirstParty;
use crate::service::flow::Flow;
use crate::service::oauth2::OAuth2;
use crate::service::users::Users;
use crate::store::Store;
use axum::body::Bytes;
use axum::extract::FromRef;
use std::sync::Arc;

#[derive(Clone)]
pub struct HttpState(Arc<HttpParts>);

impl HttpState {
    pub fn new(parts: HttpParts) -> HttpState {
        HttpState(Arc::new(parts))
    }
}

pub struct HttpParts {
    pub oauth2: OAuth2,
    pub flow: Flow,
    pub users: Users,
    pub clients: Clients,
    pub firstparty: FirstParty,
    pub federation: Federation,
    pub pages: Pages,
    pub jwks: Arc<KeyManager>,
    pub discovery: Discovery,
    pub health: Health,
    pub metrics: Arc<Metrics>,
    pub clock: Clock,
}

/// The discovery documents, serialised once at start: they depend only on settings.
#[derive(Clone)]
pub struct Discovery {
    pub openid_configuration: Bytes,
    /// For Ory's 1.9.2 SDKs (`protocol::discovery::is_hydra_1_9_2_sdk`).
    pub openid_configuration_1_9_2: Bytes,
    pub authorization_server: Bytes,
}

/// What `/health/ready` checks.
#[derive(Clone)]
pub struct Health {
    pub store: Store,
}

/// `FromRef<HttpState>` for each part, so a handler names only what it uses.
macro_rules! parts {
    ($($field:ident: $ty:ty),* $(,)?) => {
        $(
            impl FromRef<HttpState> for $ty {
                fn from_ref(s: &HttpState) -> $ty {
                    s.0.$field.clone()
                }
            }
        )*
    };
}

parts! {
    oauth2: OAuth2,
    flow: Flow,
    users: Users,
    clients: Clients,
    firstparty: FirstParty,
    federation: Federation,
    pages: Pages,
    jwks: Arc<KeyManager>,
    discovery: Discovery,
    health: Health,
    metrics: Arc<Metrics>,
    clock: Clock,
}
