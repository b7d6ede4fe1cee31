//! Wiring: each service gets exactly its dependencies, and each area's configuration is
//! worked out here, once, instead of on every request.

use crate::clock::Clock;
use crate::config::Settings;
use crate::crypto::argon2::Argon2Runner;
use crate::crypto::SystemKeys;
use crate::http::metrics::Metrics;
use crate::http::pages::{Pages, PagesConfig};
use crate::http::state::HttpParts;
use crate::http::state::{Discovery, Health};
use crate::http::HttpState;
use crate::jwk::KeyManager;
use crate::outbound::Outbound;
use crate::protocol::client::Policy;
use crate::protocol::discovery::{
    authorization_server_metadata, openid_configuration, openid_configuration_hydra_1_9_2,
};
use crate::protocol::flow::FlowConfig;
use crate::secret::Secret;
use crate::service::clients::{Clients, SecretVerifier};
use crate::service::federation::Federation;
use crate::service::firstparty::default_client::{ensure_default_client, DEFAULT_CLIENT_ID};
use crate::service::firstparty::{FirstParty, FirstPartyConfig};
use crate::service::flow::Flow;
use crate::service::oauth2::client_jwks::ClientJwks;
use crate::service::oauth2::{OAuth2, OAuth2Config, OAuth2Parts};
use crate::service::upstreams::{LogoutHandoff, Registry};
use crate::service::users::{Passwords, ThrottlePolicy, Users};
use crate::store::Store;
use anyhow::Context;
use std::sync::Arc;

/// Every service, built once and shared by both routers (and by the tests).
#[derive(Clone)]
pub struct Services {
    pub store: Store,
    pub keys: Arc<SystemKeys>,
    pub jwks: Arc<KeyManager>,
    pub oauth2: OAuth2,
    pub clients: Clients,
    pub flow: Flow,
    pub users: Users,
    pub firstparty: FirstParty,
    pub federation: Federation,
}

impl Services {
    /// `settings` must have the built-in URLs resolved (`config::with_builtin_urls`).
    pub async fn build(
        settings: &Settings,
        store: Store,
        secrets: &[Secret],
    ) -> anyhow::Result<Services> {
        let keys = Arc::new(SystemKeys::derive(secrets));
        super::system_secret::check_against_store(&store, &keys).await?;
        let jwks = Arc::new(KeyManager::new(store.clone(), keys.clone()));
        // Hydra creates the ID-token and access-token key sets at start; safe with
        // several replicas starting at once (see `KeyManager::ensure_default_sets`).
        jwks.ensure_default_sets()
            .await
            .context("cannot create the default JSON Web Key Sets")?;
        // One argon2 runner (one permit pool) for client secrets and passwords alike.
        let argon2 = Arc::new(Argon2Runner::new(&settings.oauth2.hashers.argon2));
        let client_secrets = Arc::new(SecretVerifier::new(&keys, argon2.clone()));
        // One connection pool for every request to another server.
        let outbound = Outbound::new();
        let oauth2 = OAuth2::new(OAuth2Parts {
            store: store.clone(),
            keys: keys.clone(),
            jwks: jwks.clone(),
            client_secrets: client_secrets.clone(),
            client_jwks: Arc::new(ClientJwks::new(outbound.clone())),
            cfg: OAuth2Config::from_settings(settings),
        });
        let clients = Clients {
            store: store.clone(),
            secrets: client_secrets,
            policy: Arc::new(Policy::from_settings(settings)),
        };
        let urls = Arc::new(crate::config::Urls::from_settings(settings));
        let registry = Arc::new(Registry::new(
            store.clone(),
            keys.clone(),
            outbound,
            super::upstreams::configured(settings)?,
        ));
        registry.spawn_refresh();
        let handoff = LogoutHandoff {
            store: store.clone(),
            registry: registry.clone(),
            urls: urls.clone(),
        };
        let flow_cfg = Arc::new(FlowConfig::new(settings, &keys));
        let flow = Flow {
            store: store.clone(),
            keys: keys.clone(),
            jwks: jwks.clone(),
            oauth2: oauth2.clone(),
            cfg: flow_cfg.clone(),
            upstream: Some(handoff.clone()),
        };
        let users = Users {
            store: store.clone(),
            keys: keys.clone(),
            passwords: Arc::new(Passwords::new(argon2)),
            throttle: ThrottlePolicy::from_settings(&settings.identity.throttle),
            in_flight: Default::default(),
        };
        let mut fp_cfg = FirstPartyConfig::from_settings(settings);
        let fp = &settings.identity.first_party;
        let unset = fp.client_id.as_deref().is_none_or(str::is_empty);
        if settings.identity.ui.enabled && fp.enabled && fp.create_default_client && unset {
            ensure_default_client(&clients, crate::clock::now())
                .await
                .context("cannot create the first-party client")?;
            fp_cfg.settings.client_id = Some(DEFAULT_CLIENT_ID.into());
        }
        let firstparty = FirstParty {
            store: store.clone(),
            oauth2: oauth2.clone(),
            users: users.clone(),
            cookies: Arc::new(flow_cfg.cookies.clone()),
            cfg: Arc::new(fp_cfg),
        };
        let federation = Federation {
            store: store.clone(),
            keys: keys.clone(),
            registry,
            flow: flow.clone(),
            users: users.clone(),
            logout: handoff,
            urls,
            remember_for: settings.identity.ui.remember_for.as_secs(),
        };
        Ok(Services {
            store,
            keys,
            jwks,
            oauth2,
            clients,
            flow,
            users,
            firstparty,
            federation,
        })
    }

    /// The routers' state.
    pub fn http_state(&self, settings: &Settings, clock: Clock) -> anyhow::Result<HttpState> {
        let urls = crate::config::Urls::from_settings(settings);
        let discovery = Discovery {
            openid_configuration: serde_json::to_vec(&openid_configuration(settings, &urls))?
                .into(),
            openid_configuration_1_9_2: serde_json::to_vec(&openid_configuration_hydra_1_9_2(
                settings, &urls,
            ))?
            .into(),
            authorization_server: serde_json::to_vec(&authorization_server_metadata(
                settings, &urls,
            ))?
            .into(),
        };
        Ok(HttpState::new(HttpParts {
            oauth2: self.oauth2.clone(),
            flow: self.flow.clone(),
            users: self.users.clone(),
            clients: self.clients.clone(),
            firstparty: self.firstparty.clone(),
            pages: Pages {
                flow: self.flow.clone(),
                users: self.users.clone(),
                federation: self.federation.clone(),
                keys: self.keys.clone(),
                cfg: Arc::new(PagesConfig::from_settings(settings)),
            },
            federation: self.federation.clone(),
            jwks: self.jwks.clone(),
            discovery,
            health: Health {
                store: self.store.clone(),
            },
            metrics: Metrics::new(),
            clock,
        }))
    }
}
