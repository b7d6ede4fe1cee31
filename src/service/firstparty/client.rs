//! The first-party client: a client from the registry, named by
//! `identity.first_party.client_id`, with the redirect URI and scopes the deployment
//! advertises for it. Misconfiguration is reported when it is used, naming the key.

use super::error::FirstPartyError;
use super::FirstParty;
use crate::config::Urls;
use crate::model::Client;
use crate::paths::public;
use crate::protocol::scope::scope_allowed;

#[derive(Debug, Clone)]
pub struct FirstPartyClient {
    pub client: Client,
    /// `identity.first_party.redirect_uri`, else the client's first registered one.
    pub redirect_uri: String,
    /// `identity.first_party.scopes`, else the client's registered scopes.
    pub scopes: Vec<String>,
    pub authorization_metadata_key: String,
}

impl FirstParty {
    /// Looks the configured client up and checks the configuration against it.
    pub async fn resolve(&self) -> Result<FirstPartyClient, FirstPartyError> {
        let fp = &self.cfg.settings;
        let id = fp
            .client_id
            .as_deref()
            .filter(|id| !id.is_empty())
            .ok_or(FirstPartyError::NotConfigured)?;
        let client = self.store.get_client(id).await?.ok_or_else(|| {
            FirstPartyError::Misconfigured(format!(
                "identity.first_party.client_id names {id:?}, which is not a registered client"
            ))
        })?;
        let redirect_uri = match &fp.redirect_uri {
            Some(r) if !client.redirect_uris.contains(r) => {
                return Err(FirstPartyError::Misconfigured(format!(
                    "identity.first_party.redirect_uri {r:?} is not registered for client {id:?}"
                )))
            }
            Some(r) => r.clone(),
            None => client.redirect_uris.first().cloned().unwrap_or_default(),
        };
        let scopes: Vec<String> = if fp.scopes.is_empty() {
            client.scopes().map(str::to_string).collect()
        } else {
            fp.scopes.clone()
        };
        let strategy = &self.cfg.scope_strategy;
        if let Some(s) = scopes
            .iter()
            .find(|s| !scope_allowed(strategy, client.scopes(), s))
        {
            return Err(FirstPartyError::Misconfigured(format!(
                "identity.first_party.scopes has {s:?}, which client {id:?} may not request"
            )));
        }
        Ok(FirstPartyClient {
            client,
            redirect_uri,
            scopes,
            authorization_metadata_key: fp.authorization_metadata_key.clone(),
        })
    }
}

impl FirstPartyClient {
    /// The login API needs a public client (its refresh tokens are redeemed at the token
    /// endpoint without a secret, as the CLI would) and the `openid` scope (it answers
    /// with an ID token).
    pub fn check_for_tokens(&self) -> Result<(), FirstPartyError> {
        let id = &self.client.client_id;
        if !self.client.is_public() {
            return Err(FirstPartyError::Misconfigured(format!(
                "identity.first_party.client_id names {id:?}, which must be a public client (token_endpoint_auth_method \"none\") to serve the login API"
            )));
        }
        if !self.scopes.iter().any(|s| s == "openid") {
            return Err(FirstPartyError::Misconfigured(format!(
                "identity.first_party.scopes (default: the scopes of client {id:?}) must include \"openid\""
            )));
        }
        Ok(())
    }
}

/// `GetOIDCInfo`: what a tool needs to run the authorization code flow itself.
#[derive(Debug, Clone, serde::Serialize)]
pub struct OidcInfo {
    pub issuer: String,
    pub auth_url: String,
    pub client_id: String,
    pub redirect_url: String,
}

/// `FlyteClientResponse`: the public client's settings.
#[derive(Debug, Clone, serde::Serialize)]
pub struct PublicClientConfig {
    pub client_id: String,
    pub redirect_uri: String,
    pub scopes: Vec<String>,
    pub authorization_metadata_key: String,
}

impl FirstPartyClient {
    pub fn oidc_info(&self, urls: &Urls) -> OidcInfo {
        OidcInfo {
            issuer: urls.issuer.clone(),
            auth_url: urls.public_url(public::AUTH),
            client_id: self.client.client_id.clone(),
            redirect_url: self.redirect_uri.clone(),
        }
    }

    pub fn public_config(&self) -> PublicClientConfig {
        PublicClientConfig {
            client_id: self.client.client_id.clone(),
            redirect_uri: self.redirect_uri.clone(),
            scopes: self.scopes.clone(),
            authorization_metadata_key: self.authorization_metadata_key.clone(),
        }
    }
}
