//! The token endpoint (`POST /oauth2/token`, RFC 6749 §3.2): parses the form,
//! authenticates the client, and dispatches on `grant_type`.

mod authorization_code;
mod client_credentials;
mod device_code;
mod jwt_bearer;
mod refresh;
pub mod response;

pub use response::TokenResponse;

use super::device::DEVICE_CODE_GRANT;
use super::OAuth2;
use crate::model::Client;
use crate::protocol::error::OAuthError;
use crate::protocol::form::Params;
use crate::protocol::trust::JWT_BEARER_GRANT;

impl OAuth2 {
    /// Handles one token request. `authorization` is the `Authorization` header, if any.
    #[tracing::instrument(skip_all)]
    pub async fn token(
        &self,
        authorization: Option<&str>,
        body: &[u8],
        now: i64,
    ) -> Result<TokenResponse, OAuthError> {
        let params = Params::parse_body(body)?;
        let Some(grant_type) = params.get("grant_type").map(str::to_string) else {
            return Err(OAuthError::invalid_request(
                "The request parameter 'grant_type' is missing.",
            ));
        };
        let client = self.authenticate(authorization, &params, now).await?;
        let handled = [
            "authorization_code",
            "refresh_token",
            "client_credentials",
            DEVICE_CODE_GRANT,
            JWT_BEARER_GRANT,
        ];
        if !handled.contains(&grant_type.as_str()) {
            return Err(OAuthError::unsupported_grant_type(format!(
                "The grant_type '{grant_type}' is not supported."
            )));
        }
        check_grant_allowed(&client, &grant_type)?;
        match grant_type.as_str() {
            "client_credentials" => self.client_credentials(&client, &params, now).await,
            DEVICE_CODE_GRANT => self.device_code(&client, &params, now).await,
            JWT_BEARER_GRANT => self.jwt_bearer(&client, &params, now).await,
            "refresh_token" => {
                let Some(presented) = params.get("refresh_token") else {
                    return Err(OAuthError::invalid_request(
                        "The 'refresh_token' parameter is missing.",
                    ));
                };
                self.refresh(&client, presented, &params.scopes(), now)
                    .await
            }
            _ => self.authorization_code(&client, &params, now).await,
        }
    }

    /// The refresh grant for a client authenticated some other way (the first-party
    /// API, whose public client has no credentials to present): the same checks and
    /// rotation as at the token endpoint.
    pub async fn refresh_for(
        &self,
        client: &Client,
        refresh_token: &str,
        now: i64,
    ) -> Result<TokenResponse, OAuthError> {
        check_grant_allowed(client, "refresh_token")?;
        self.refresh(client, refresh_token, &[], now).await
    }
}

/// Whether the client registered `grant` (Hydra's default is `authorization_code`).
pub fn allows_grant(client: &Client, grant: &str) -> bool {
    if client.grant_types.is_empty() {
        grant == "authorization_code"
    } else {
        client.grant_types.iter().any(|g| g == grant)
    }
}

pub(super) fn check_grant_allowed(client: &Client, grant: &str) -> Result<(), OAuthError> {
    if allows_grant(client, grant) {
        Ok(())
    } else {
        Err(OAuthError::unauthorized_client(format!(
            "The OAuth 2.0 Client is not allowed to use authorization grant '{grant}'."
        )))
    }
}
