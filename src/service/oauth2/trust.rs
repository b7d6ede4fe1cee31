//! Hydra v26's trust API for the JWT bearer grant
//! (`/admin/trust/grants/jwt-bearer/issuers`): create, list, get, delete.

use super::OAuth2;
use crate::model::trust::TrustedIssuer;
use crate::protocol::trust::{new_trust, NewTrust};
use crate::store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum TrustError {
    #[error("the trust relationship does not exist")]
    NotFound,
    #[error("{0}")]
    Invalid(String),
    #[error("the issuer already has a key with this id for this subject")]
    Conflict,
    #[error(transparent)]
    Store(StoreError),
}

impl From<StoreError> for TrustError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Conflict(_) => TrustError::Conflict,
            e => TrustError::Store(e),
        }
    }
}

impl OAuth2 {
    #[tracing::instrument(skip_all)]
    pub async fn trust_issuer(
        &self,
        body: NewTrust,
        now: i64,
    ) -> Result<TrustedIssuer, TrustError> {
        let t =
            new_trust(body, uuid::Uuid::new_v4().to_string(), now).map_err(TrustError::Invalid)?;
        self.store.insert_trusted_issuer(&t).await?;
        Ok(t)
    }

    pub async fn trusted_issuer(&self, id: &str) -> Result<TrustedIssuer, TrustError> {
        self.store
            .get_trusted_issuer(id)
            .await?
            .ok_or(TrustError::NotFound)
    }

    pub async fn trusted_issuers(
        &self,
        issuer: Option<&str>,
        limit: i64,
        offset: i64,
    ) -> Result<Vec<TrustedIssuer>, TrustError> {
        Ok(self
            .store
            .list_trusted_issuers(issuer, limit, offset)
            .await?)
    }

    pub async fn distrust_issuer(&self, id: &str) -> Result<(), TrustError> {
        if self.store.delete_trusted_issuer(id).await? {
            Ok(())
        } else {
            Err(TrustError::NotFound)
        }
    }
}
