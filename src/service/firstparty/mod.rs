//! The first-party login API and the public client configuration: JSON endpoints that
//! let the deployment's own command-line tools and apps sign a person in with email and
//! password, refresh, and sign out, and bootstrap their OAuth 2.0 settings from the
//! server URL alone. Field names follow the seed documents (Flyte's `LoginService` and
//! `FlyteClientResponse`).
//!
//! * `client`: the configured first-party client (`identity.first_party.*`), resolved
//!   against the client registry and checked once per request.
//! * `login`, `refresh`, `logout`: tokens are minted by [`OAuth2::issue_tokens`] and
//!   refreshed by [`OAuth2::refresh_for`], so storage, rotation, revocation and
//!   introspection are exactly the token endpoint's.
//! * `answer`: the response bodies; `error`: what can go wrong.

pub mod answer;
pub mod client;
pub mod default_client;
pub mod error;
mod login;
mod logout;
mod refresh;

pub use client::FirstPartyClient;
pub use error::FirstPartyError;
pub use logout::LoggedOut;

use crate::config::{FirstParty as FirstPartySettings, Settings, Urls};
use crate::protocol::flow::cookies::CookieConfig;
use crate::service::oauth2::OAuth2;
use crate::service::users::Users;
use crate::store::Store;
use std::sync::Arc;

/// What the first-party API needs, built once.
#[derive(Clone)]
pub struct FirstParty {
    pub store: Store,
    pub oauth2: OAuth2,
    pub users: Users,
    /// The flow's cookies: logout ends the browser session it is sent with.
    pub cookies: Arc<CookieConfig>,
    pub cfg: Arc<FirstPartyConfig>,
}

/// The settings the first-party API reads, worked out once at start.
#[derive(Debug, Clone)]
pub struct FirstPartyConfig {
    pub settings: FirstPartySettings,
    pub urls: Urls,
    pub scope_strategy: String,
    pub pairwise_salt: Option<String>,
}

impl FirstPartyConfig {
    pub fn from_settings(s: &Settings) -> FirstPartyConfig {
        FirstPartyConfig {
            settings: s.identity.first_party.clone(),
            urls: Urls::from_settings(s),
            scope_strategy: s.strategies.scope.clone(),
            pairwise_salt: s
                .oidc
                .subject_identifiers
                .pairwise
                .salt
                .as_ref()
                .map(|x| x.expose().to_string()),
        }
    }
}
