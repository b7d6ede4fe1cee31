//! Finding the stored row of a presented access or refresh token.
//!
//! The prefix says which table to read (`ptc_at_`, `ptc_rt_`), and the MAC is checked
//! before the database is touched. A JWT access token is looked up by its signature
//! segment after its signature was verified with the access-token key set, so it stays
//! revocable.

use super::OAuth2;
use crate::crypto::handle::{signature_of, Kind};
use crate::jwk::{JwkError, ACCESS_TOKEN_SET};
use crate::model::TokenRow;
use crate::store::StoreResult;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenUse {
    Access,
    Refresh,
}

impl TokenUse {
    pub fn as_str(self) -> &'static str {
        match self {
            TokenUse::Access => "access_token",
            TokenUse::Refresh => "refresh_token",
        }
    }
}

impl OAuth2 {
    /// A token's row, whatever its state (check [`is_active`]). `Ok(None)` for anything
    /// unknown, malformed or forged; `Err` only when storage fails.
    #[tracing::instrument(skip_all)]
    pub async fn find(&self, token: &str) -> StoreResult<Option<(TokenUse, TokenRow)>> {
        let token = token.trim();
        if token.starts_with(Kind::RefreshToken.prefix()) {
            let Some(sig) = signature_of(Kind::RefreshToken, token, &self.keys) else {
                return Ok(None);
            };
            return Ok(self
                .store
                .get_refresh_token(&sig)
                .await?
                .map(|r| (TokenUse::Refresh, r)));
        }
        let sig = if token.starts_with(Kind::AccessToken.prefix()) {
            signature_of(Kind::AccessToken, token, &self.keys)
        } else if token.len() <= 16 * 1024 && token.split('.').count() == 3 {
            // A JWT access token: only a signature made by our key counts.
            match self.jwks.verify(ACCESS_TOKEN_SET, token).await {
                Ok(_) => token.rsplit('.').next().map(str::to_string),
                // Storage trouble while loading keys is an error, not "inactive".
                Err(JwkError::Store(e)) => return Err(e),
                Err(_) => None,
            }
        } else {
            None
        };
        let Some(sig) = sig else { return Ok(None) };
        Ok(self
            .store
            .get_access_token(&sig)
            .await?
            .map(|r| (TokenUse::Access, r)))
    }
}

/// Not revoked (refresh tokens: not rotated either) and not expired.
pub fn is_active(row: &TokenRow, now: i64) -> bool {
    row.active && (row.expires_at == 0 || row.expires_at > now)
}
