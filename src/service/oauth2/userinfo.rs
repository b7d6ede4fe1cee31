//! `/userinfo` (OpenID Connect Core §5.3): the claims of the grant behind a bearer
//! access token, as JSON or, when the client registered
//! `userinfo_signed_response_alg`, as a signed JWT.

use super::lookup::{is_active, TokenUse};
use super::OAuth2;
use crate::jwk::ID_TOKEN_SET;
use crate::protocol::error::OAuthError;
use crate::protocol::grant::Grant;
use crate::protocol::userinfo::{claims, signed_claims};
use serde_json::{Map, Value};

/// The userinfo answer.
#[derive(Debug)]
pub enum Userinfo {
    Json(Map<String, Value>),
    Jwt(String),
}

impl OAuth2 {
    /// Answers a userinfo request carrying the bearer `token`.
    #[tracing::instrument(skip_all)]
    pub async fn userinfo(&self, token: Option<&str>, now: i64) -> Result<Userinfo, OAuthError> {
        let Some(token) = token else {
            return Err(OAuthError::invalid_token(
                "No access token was given in the Authorization header or the request body.",
            ));
        };
        let found = self.find(token).await?;
        let row = match found {
            Some((TokenUse::Access, row)) if is_active(&row, now) => row,
            Some((TokenUse::Refresh, _)) => {
                return Err(OAuthError::invalid_token(
                    "Only access tokens are allowed in the authorization header.",
                ))
            }
            _ => {
                return Err(OAuthError::invalid_token(
                    "The access token is unknown, expired or revoked.",
                ))
            }
        };
        let grant = Grant::from_row(&row).map_err(OAuthError::server_error)?;
        let issuer = &self.cfg.issuer;
        let client = self
            .store
            .get_client(&row.client_id)
            .await?
            .ok_or_else(|| {
                OAuthError::invalid_token("The client of the access token no longer exists.")
            })?;
        match client.userinfo_signed_response_alg.as_str() {
            "" | "none" => Ok(Userinfo::Json(claims(issuer, &grant))),
            "RS256" => {
                let key = self
                    .jwks
                    .signing_key(ID_TOKEN_SET)
                    .await
                    .map_err(OAuthError::server_error)?;
                let jwt = key
                    .sign(&signed_claims(issuer, &grant, now), Some("JWT"))
                    .map_err(OAuthError::server_error)?;
                Ok(Userinfo::Jwt(jwt))
            }
            other => Err(OAuthError::server_error(format!(
                "unsupported userinfo_signed_response_alg {other:?} of client {}",
                client.client_id
            ))),
        }
    }
}
