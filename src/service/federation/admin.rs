//! The admin API's side: providers (those from the configuration are read-only, those
//! stored through the API have their secret sealed like private keys), each shown as
//! seed 004's summary with its status; and the links of a user to upstream identities.

use super::Federation;
use crate::config::UpstreamProvider;
use crate::crypto::seal;
use crate::model::identity::{IdentityLink, StoredProvider};
use crate::protocol::federation::provider::{check, Invalid, OidcSummary, ResolvedSecret};
use crate::service::upstreams::registry::secret_binding;
use crate::service::upstreams::{Provider, Status};
use crate::store::StoreError;
use serde::Serialize;

#[derive(Debug, thiserror::Error)]
pub enum ProviderError {
    #[error(transparent)]
    Invalid(#[from] Invalid),
    #[error("the identity provider does not exist")]
    NotFound,
    /// Defined in the configuration file: change it there.
    #[error("the identity provider {0:?} is defined in the configuration and cannot be changed through the API")]
    ReadOnly(String),
    #[error("an identity provider with id {0:?} exists already")]
    Exists(String),
    /// Links are by (issuer, subject): two providers for one issuer would share them.
    #[error("the identity provider {0:?} has this issuer already")]
    IssuerTaken(String),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("{0}")]
    Internal(String),
}

/// A provider as the admin API shows it.
#[derive(Debug, Clone, Serialize)]
pub struct ProviderView {
    pub id: String,
    pub display_name: String,
    pub issuer: String,
    /// `configuration` (read-only here) or `api`.
    pub source: &'static str,
    /// `ok`, `unavailable` (see `status_reason`) or `unknown` (not fetched yet).
    pub status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status_reason: Option<String>,
    pub oidc: OidcSummary,
}

impl Federation {
    async fn view(&self, p: &Provider, reveal: bool) -> ProviderView {
        // An administrator asking about an unavailable provider gets a fresh answer.
        let retry = matches!(self.registry.status_now(&p.def), Status::Unavailable(_));
        let meta = if p.def.fully_overridden() {
            None
        } else {
            self.registry.discovered(&p.def, retry).await
        };
        let (status, reason) = match self.registry.status_now(&p.def) {
            Status::Ok => ("ok", None),
            Status::Unavailable(r) => ("unavailable", Some(r)),
            Status::Unknown => ("unknown", None),
        };
        ProviderView {
            id: p.def.id.clone(),
            display_name: p.def.display_name.clone(),
            issuer: p.def.issuer.clone(),
            source: p.source.as_str(),
            status,
            status_reason: reason,
            oidc: p.def.summary(meta.as_deref(), reveal),
        }
    }

    pub async fn list_providers(&self) -> Result<Vec<ProviderView>, ProviderError> {
        let mut out = Vec::new();
        for p in self.registry.list().await? {
            out.push(self.view(&p, false).await);
        }
        Ok(out)
    }

    pub async fn get_provider(&self, id: &str) -> Result<ProviderView, ProviderError> {
        let p = self
            .registry
            .get(id)
            .await?
            .ok_or(ProviderError::NotFound)?;
        Ok(self.view(&p, false).await)
    }

    /// Stores a new provider; the answer shows the authentication header whole, once.
    pub async fn create_provider(
        &self,
        body: UpstreamProvider,
        now: i64,
    ) -> Result<ProviderView, ProviderError> {
        if self.registry.configured(&body.id).is_some() {
            return Err(ProviderError::Exists(body.id));
        }
        self.issuer_free(&body.id, &body.issuer).await?;
        let row = self.stored(body, None, now)?;
        self.store
            .provider_insert(&row)
            .await
            .map_err(|e| match e {
                StoreError::Conflict(_) => ProviderError::Exists(row.id.clone()),
                e => e.into(),
            })?;
        let p = self
            .registry
            .get(&row.id)
            .await?
            .ok_or(ProviderError::NotFound)?;
        Ok(self.view(&p, true).await)
    }

    /// Replaces a stored provider; without a `client_secret` the stored one is kept.
    pub async fn replace_provider(
        &self,
        id: &str,
        mut body: UpstreamProvider,
        now: i64,
    ) -> Result<ProviderView, ProviderError> {
        if self.registry.configured(id).is_some() {
            return Err(ProviderError::ReadOnly(id.to_string()));
        }
        let existing = self
            .store
            .provider_get(id)
            .await?
            .ok_or(ProviderError::NotFound)?;
        body.id = id.to_string();
        self.issuer_free(id, &body.issuer).await?;
        // Switching to a public client drops the stored secret rather than refusing it.
        let kept = if body.authentication_method == "none" {
            None
        } else {
            existing.client_secret.as_deref()
        };
        let mut row = self.stored(body, kept, now)?;
        row.created_at = existing.created_at;
        if !self.store.provider_replace(&row).await? {
            return Err(ProviderError::NotFound);
        }
        let p = self
            .registry
            .get(id)
            .await?
            .ok_or(ProviderError::NotFound)?;
        Ok(self.view(&p, false).await)
    }

    /// Refuses an issuer another provider (configured or stored) already has, as the
    /// configuration check does.
    async fn issuer_free(&self, id: &str, issuer: &str) -> Result<(), ProviderError> {
        let norm = |s: &str| s.trim().trim_end_matches('/').to_string();
        for p in self.registry.list().await? {
            if p.def.id != id && norm(&p.def.issuer) == norm(issuer) {
                return Err(ProviderError::IssuerTaken(p.def.id.clone()));
            }
        }
        Ok(())
    }

    pub async fn delete_provider(&self, id: &str) -> Result<(), ProviderError> {
        if self.registry.configured(id).is_some() {
            return Err(ProviderError::ReadOnly(id.to_string()));
        }
        if self.store.provider_delete(id).await? {
            Ok(())
        } else {
            Err(ProviderError::NotFound)
        }
    }

    /// Checks `body` and turns it into a row: the definition without its secret, and
    /// the secret sealed (or `kept`, the stored one, when none is given).
    fn stored(
        &self,
        mut body: UpstreamProvider,
        kept: Option<&[u8]>,
        now: i64,
    ) -> Result<StoredProvider, ProviderError> {
        // Files and environment variables are the operator's: an API caller naming one
        // would have the server send it to an endpoint of the caller's choosing.
        for (field, set) in [
            ("client_secret_file", body.client_secret_file.is_some()),
            ("client_secret_env", body.client_secret_env.is_some()),
        ] {
            if set {
                return Err(Invalid {
                    key: field.into(),
                    message: "is only accepted in the configuration file; send client_secret"
                        .into(),
                }
                .into());
            }
        }
        let given = body.client_secret.take();
        let secret = match (&given, kept) {
            (Some(s), _) => Some(s.clone()),
            (None, Some(sealed)) => {
                let (plain, _) = seal::open(&self.keys, secret_binding(&body.id), sealed)
                    .map_err(|e| ProviderError::Internal(e.to_string()))?;
                Some(crate::secret::Secret::new(String::from_utf8_lossy(&plain)))
            }
            (None, None) => None,
        };
        let def = check(&body, ResolvedSecret(secret.clone()), "")?;
        let sealed = match secret.filter(|s| !s.is_empty()) {
            Some(s) => Some(
                seal::seal(&self.keys, secret_binding(&def.id), s.expose().as_bytes())
                    .map_err(|e| ProviderError::Internal(e.to_string()))?,
            ),
            None => None,
        };
        let definition =
            serde_json::to_string(&body).map_err(|e| ProviderError::Internal(e.to_string()))?;
        Ok(StoredProvider {
            id: def.id,
            definition,
            client_secret: sealed,
            created_at: now,
            updated_at: now,
        })
    }

    /// The links of `user_id`.
    pub async fn links(&self, user_id: &str) -> Result<Vec<IdentityLink>, StoreError> {
        self.store.links_of(&[user_id.to_string()]).await
    }

    /// Links the identity `subject` at provider `provider_id` to user `user_id`.
    pub async fn add_link(
        &self,
        user_id: &str,
        provider_id: &str,
        subject: &str,
        now: i64,
    ) -> Result<IdentityLink, ProviderError> {
        let p = self
            .registry
            .get(provider_id)
            .await?
            .ok_or(ProviderError::NotFound)?;
        if subject.is_empty() || subject.len() > 1024 || subject.chars().any(char::is_control) {
            return Err(Invalid {
                key: "subject".into(),
                message: "must be 1 to 1024 characters without control characters".into(),
            }
            .into());
        }
        let link = IdentityLink {
            issuer: p.def.issuer.clone(),
            subject: subject.to_string(),
            user_id: user_id.to_string(),
            provider_id: p.def.id.clone(),
            created_at: now,
        };
        self.store.link_insert(&link).await?;
        Ok(link)
    }

    pub async fn remove_link(
        &self,
        user_id: &str,
        issuer: &str,
        subject: &str,
    ) -> Result<bool, StoreError> {
        self.store.link_delete(user_id, issuer, subject).await
    }
}
