//! Token revocation (RFC 7009). The client authenticates as at the token endpoint;
//! revoking either token of a grant revokes the whole grant (its access tokens are
//! deleted, its refresh tokens deactivated), as Hydra documents. Unknown tokens answer
//! 200 (RFC 7009 §2.2); a token of another client is refused; a storage failure is 503.

use super::OAuth2;
use crate::protocol::error::OAuthError;
use crate::protocol::form::Params;

impl OAuth2 {
    #[tracing::instrument(skip_all)]
    pub async fn revoke(
        &self,
        authorization: Option<&str>,
        body: &[u8],
        now: i64,
    ) -> Result<(), OAuthError> {
        let params = Params::parse_body(body)?;
        let client = self.authenticate(authorization, &params, now).await?;
        let Some(token) = params.get("token") else {
            return Err(OAuthError::invalid_request(
                "The 'token' parameter is missing.",
            ));
        };
        let Some((_, row)) = self.find(token).await.map_err(OAuthError::unavailable)? else {
            return Ok(());
        };
        if row.client_id != client.client_id {
            return Err(OAuthError::unauthorized_client(
                "The token was not issued to the client making the revocation request.",
            ));
        }
        self.store
            .revoke_grant(&row.request_id)
            .await
            .map_err(OAuthError::unavailable)
    }
}
