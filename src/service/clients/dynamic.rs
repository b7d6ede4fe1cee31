//! Dynamic client registration (RFC 7591) and management (RFC 7592), as Hydra serves
//! them at `/oauth2/register` when `oidc.dynamic_client_registration.enabled`: the
//! client's id and secret are issued, never chosen; restricted fields are refused
//! (`protocol::client::dynamic`); a client that asks for no scope gets
//! `default_scope`; the answer carries a registration access token (stored as a keyed
//! hash only, replaced on every update) and the URI to manage the client with.

use super::{ClientError, Clients};
use crate::crypto::handle::{signature_of, Kind, Minted};
use crate::crypto::{constant_time_eq, SystemKeys};
use crate::model::Client;
use crate::protocol::client::dynamic::restricted_field;
use serde_json::Value;

/// The settings registration needs.
#[derive(Debug, Clone)]
pub struct RegistrationConfig {
    pub enabled: bool,
    /// Space-separated.
    pub default_scope: String,
    /// `…/oauth2/register`, absolute.
    pub endpoint: String,
}

#[derive(Debug, thiserror::Error)]
pub enum RegistrationError {
    /// No, or the wrong, registration access token (401).
    #[error("the registration access token is missing or invalid")]
    Unauthorized,
    /// The metadata cannot be accepted (400 invalid_client_metadata).
    #[error("{0}")]
    Invalid(String),
    #[error(transparent)]
    Client(#[from] ClientError),
}

/// The client and what RFC 7591 §3.2.1 adds to it.
pub struct Registered {
    pub client: Client,
    /// Only after registration or an update (a read does not rotate it).
    pub registration_access_token: Option<String>,
    pub registration_client_uri: String,
}

impl std::fmt::Debug for Registered {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Registered")
            .field("client_id", &self.client.client_id)
            .finish_non_exhaustive()
    }
}

fn metadata(
    body: &Value,
    existing_id: Option<&str>,
    cfg: &RegistrationConfig,
) -> Result<Client, RegistrationError> {
    if !body.is_object() {
        return Err(RegistrationError::Invalid(
            "The body must be a JSON object.".into(),
        ));
    }
    if let Some(msg) = restricted_field(body, existing_id) {
        return Err(RegistrationError::Invalid(msg.into()));
    }
    let mut c: Client = serde_json::from_value(body.clone()).map_err(|e| {
        RegistrationError::Invalid(format!("The client metadata is malformed: {e}"))
    })?;
    c.client_id = String::new();
    c.client_secret = None;
    // Hydra v2's fields (skip_consent, lifespans, …) are the operator's: the restricted
    // ones were refused above, and token lifespans a registrant sends are not taken.
    c = c.with_v2_fields(Default::default());
    if c.scope.trim().is_empty() {
        c.scope = cfg.default_scope.clone();
    }
    Ok(c)
}

impl Clients {
    #[tracing::instrument(skip_all)]
    pub async fn register(
        &self,
        body: &Value,
        keys: &SystemKeys,
        cfg: &RegistrationConfig,
        now: i64,
    ) -> Result<Registered, RegistrationError> {
        let c = metadata(body, None, cfg)?;
        let client = self.create(c, now).await?;
        let token = self.new_registration_token(&client.client_id, keys).await?;
        Ok(registered(client, Some(token), cfg))
    }

    /// Checks `presented` against client `id`'s registration token; an unknown client
    /// and a client that did not register itself are the same 401.
    pub async fn check_registration_token(
        &self,
        id: &str,
        presented: Option<&str>,
        keys: &SystemKeys,
    ) -> Result<(), RegistrationError> {
        let presented = presented.ok_or(RegistrationError::Unauthorized)?;
        let sig = signature_of(Kind::RegistrationToken, presented, keys)
            .ok_or(RegistrationError::Unauthorized)?;
        let stored = self
            .store
            .registration_token(id)
            .await
            .map_err(ClientError::from)?
            .ok_or(RegistrationError::Unauthorized)?;
        if constant_time_eq(sig.as_bytes(), stored.as_bytes()) {
            Ok(())
        } else {
            Err(RegistrationError::Unauthorized)
        }
    }

    pub async fn read_registration(
        &self,
        id: &str,
        presented: Option<&str>,
        keys: &SystemKeys,
        cfg: &RegistrationConfig,
    ) -> Result<Registered, RegistrationError> {
        self.check_registration_token(id, presented, keys).await?;
        let mut client = self.get(id).await?;
        client.client_secret = None;
        Ok(registered(client, None, cfg))
    }

    #[tracing::instrument(skip_all)]
    pub async fn update_registration(
        &self,
        id: &str,
        presented: Option<&str>,
        body: &Value,
        keys: &SystemKeys,
        cfg: &RegistrationConfig,
        now: i64,
    ) -> Result<Registered, RegistrationError> {
        self.check_registration_token(id, presented, keys).await?;
        let c = metadata(body, Some(id), cfg)?;
        // `None`: the v2-only fields (skip_consent, …) are not the registrant's to change.
        let client = self.update(id, c, None, now).await?;
        let token = self.new_registration_token(id, keys).await?;
        Ok(registered(client, Some(token), cfg))
    }

    pub async fn delete_registration(
        &self,
        id: &str,
        presented: Option<&str>,
        keys: &SystemKeys,
    ) -> Result<(), RegistrationError> {
        self.check_registration_token(id, presented, keys).await?;
        Ok(self.delete(id).await?)
    }

    /// Hydra v2 gives every client it creates, on `/admin/clients` too, a registration
    /// access token and the URI to manage the client with (RFC 7592; usable while
    /// registration is enabled). Issues (or replaces) client `id`'s token.
    pub async fn issue_registration(
        &self,
        client: Client,
        keys: &SystemKeys,
        cfg: &RegistrationConfig,
    ) -> Result<Registered, ClientError> {
        let token = self.new_registration_token(&client.client_id, keys).await?;
        Ok(registered(client, Some(token), cfg))
    }

    async fn new_registration_token(
        &self,
        id: &str,
        keys: &SystemKeys,
    ) -> Result<String, ClientError> {
        let token = Minted::new(Kind::RegistrationToken, keys);
        self.store
            .set_registration_token(id, &token.signature)
            .await?;
        Ok(token.value.expose().to_string())
    }
}

fn registered(client: Client, token: Option<String>, cfg: &RegistrationConfig) -> Registered {
    let uri = format!(
        "{}/{}",
        cfg.endpoint,
        url::form_urlencoded::byte_serialize(client.client_id.as_bytes()).collect::<String>()
    );
    Registered {
        client,
        registration_access_token: token,
        registration_client_uri: uri,
    }
}
