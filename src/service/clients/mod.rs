//! The client registry: creating, reading, replacing, deleting and listing OAuth 2.0
//! clients (Hydra's `/clients`), with secrets hashed by the shared argon2 runner and
//! verified through [`SecretVerifier`]'s cache.

pub mod dynamic;
mod patch;
mod verifier;

pub use verifier::{SecretVerifier, DEFAULT_CAPACITY, DEFAULT_TTL, MAX_ROTATED};

use crate::clock::rfc3339;
use crate::crypto::argon2::HashError;
use crate::model::client::{Lifespans, V2Fields};
use crate::model::{Client, ClientFilter};
use crate::protocol::client::{
    generate_secret, prepare_create, prepare_update, validate_lifespans, InvalidMetadata, Policy,
    Prepared, SecretChange,
};
use crate::protocol::client_auth::registered_method;
use crate::store::{HashUpdate, SecretHashes, Store, StoreError};
use std::sync::Arc;

#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    #[error(transparent)]
    Invalid(#[from] InvalidMetadata),
    #[error("the client does not exist")]
    NotFound,
    /// A JSON Patch that cannot be applied, or whose result is not a client (400).
    #[error("{0}")]
    Patch(String),
    /// Includes `StoreError::Conflict("client_id")` for a taken id.
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Hash(#[from] HashError),
    /// A request this client cannot take, such as rotating a public client's secret (400).
    #[error("{0}")]
    BadRequest(String),
    /// Concurrent changes kept this one from being applied (409).
    #[error("{0}")]
    Conflict(String),
}

#[derive(Clone)]
pub struct Clients {
    pub store: Store,
    pub secrets: Arc<SecretVerifier>,
    pub policy: Arc<Policy>,
}

impl Clients {
    /// Registers a client; the answer carries the secret in plain text, once.
    #[tracing::instrument(skip_all)]
    pub async fn create(&self, body: Client, now: i64) -> Result<Client, ClientError> {
        let Prepared { client, secret } = prepare_create(body, &self.policy, now)?;
        let (hash, shown) = self.secret_change(&secret).await?;
        self.store.insert_client(&client, hash.as_deref()).await?;
        Ok(Client {
            client_secret: shown,
            ..client
        })
    }

    pub async fn get(&self, id: &str) -> Result<Client, ClientError> {
        self.store
            .get_client(id)
            .await?
            .ok_or(ClientError::NotFound)
    }

    /// Replaces client `id`; a new secret is in the answer, once. `v2` are Hydra v2's
    /// fields: `None` (a 1.9.2 caller, which cannot know them) keeps the stored values.
    #[tracing::instrument(skip_all)]
    pub async fn update(
        &self,
        id: &str,
        body: Client,
        v2: Option<V2Fields>,
        now: i64,
    ) -> Result<Client, ClientError> {
        let (existing, stored_hash) = self
            .store
            .get_client_with_secret_hash(id)
            .await?
            .ok_or(ClientError::NotFound)?;
        let body = body.with_v2_fields(v2.unwrap_or(existing.v2_fields()));
        let Prepared { client, secret } = prepare_update(
            id,
            body,
            &existing,
            stored_hash.current.is_some(),
            &self.policy,
            now,
        )?;
        let (hash, shown) = self.secret_change(&secret).await?;
        let change = match (&secret, hash.as_deref()) {
            (SecretChange::Set(_), Some(h)) => HashUpdate::Set(h),
            (SecretChange::Clear, _) => HashUpdate::Clear,
            _ => HashUpdate::Keep,
        };
        if !self.store.update_client(&client, change).await? {
            return Err(ClientError::NotFound);
        }
        Ok(Client {
            client_secret: shown,
            ..client
        })
    }

    /// Hydra v2's `PUT /admin/clients/{id}/lifespans`: replaces the lifespans only.
    #[tracing::instrument(skip_all)]
    pub async fn set_lifespans(
        &self,
        id: &str,
        lifespans: Lifespans,
        now: i64,
    ) -> Result<Client, ClientError> {
        validate_lifespans(&lifespans)?;
        let mut client = self.get(id).await?;
        client.lifespans = lifespans;
        client.updated_at = rfc3339(now);
        if !self.store.update_client(&client, HashUpdate::Keep).await? {
            return Err(ClientError::NotFound);
        }
        Ok(client)
    }

    /// Hydra v2's `rotateOAuth2ClientSecret`: a new generated secret (in the answer,
    /// once), the previous one kept as a rotated secret that still authenticates the
    /// client; at most [`MAX_ROTATED`] are kept, the oldest dropped. A public client
    /// (`token_endpoint_auth_method` `none`) has no secret to rotate.
    #[tracing::instrument(skip_all)]
    pub async fn rotate_secret(&self, id: &str, now: i64) -> Result<Client, ClientError> {
        let secret = generate_secret();
        let mut hash = None;
        // A compare-and-set: another rotation, deletion of rotated secrets or secret
        // change in between makes it start again from what is stored then.
        for _ in 0..4 {
            let (client, stored) = self
                .store
                .fetch_client_with_secret_hashes(id)
                .await?
                .ok_or(ClientError::NotFound)?;
            if registered_method(&client) == "none" {
                return Err(ClientError::BadRequest(
                    "The OAuth 2.0 Client is a public client (token_endpoint_auth_method 'none') and has no secret to rotate.".into(),
                ));
            }
            let new_hash = match &hash {
                Some(h) => String::clone(h),
                None => hash.insert(self.secrets.hash(&secret).await?).clone(),
            };
            let mut rotated = stored.rotated.clone();
            if let Some(current) = &stored.current {
                rotated.insert(0, current.clone());
            }
            rotated.truncate(MAX_ROTATED);
            let new = SecretHashes {
                current: Some(new_hash),
                rotated,
            };
            if self
                .store
                .replace_client_secret_hashes(id, &stored, &new, now)
                .await?
            {
                return Ok(Client {
                    client_secret: Some(secret.expose().to_string()),
                    updated_at: rfc3339(now),
                    ..client
                });
            }
        }
        Err(ClientError::Conflict(
            "The client's secrets were changed concurrently; try again.".into(),
        ))
    }

    /// Hydra v2's `deleteRotatedOAuth2ClientSecrets`: only the current secret
    /// authenticates the client from now on; answers the client.
    #[tracing::instrument(skip_all)]
    pub async fn delete_rotated_secrets(&self, id: &str, now: i64) -> Result<Client, ClientError> {
        if !self.store.delete_rotated_client_secrets(id, now).await? {
            return Err(ClientError::NotFound);
        }
        self.get(id).await
    }

    pub async fn delete(&self, id: &str) -> Result<(), ClientError> {
        if self.store.delete_client(id).await? {
            Ok(())
        } else {
            Err(ClientError::NotFound)
        }
    }

    /// One page in creation order, and how many clients match in all.
    pub async fn list(
        &self,
        limit: i64,
        offset: i64,
        filter: &ClientFilter,
    ) -> Result<(Vec<Client>, i64), ClientError> {
        Ok(self.store.list_clients(limit, offset, filter).await?)
    }

    /// Hydra v2's keyset listing: up to `limit` clients after position `after`, each
    /// with its position.
    pub async fn list_after(
        &self,
        after: i64,
        limit: i64,
        filter: &ClientFilter,
    ) -> Result<Vec<(i64, Client)>, ClientError> {
        Ok(self.store.list_clients_after(after, limit, filter).await?)
    }

    /// Hashes a new secret: the hash to store and the secret to show.
    async fn secret_change(
        &self,
        change: &SecretChange,
    ) -> Result<(Option<String>, Option<String>), ClientError> {
        match change {
            SecretChange::Set(s) => {
                let hash = self.secrets.hash(s).await?;
                Ok((Some(hash), Some(s.expose().to_string())))
            }
            SecretChange::Keep | SecretChange::Clear => Ok((None, None)),
        }
    }
}
