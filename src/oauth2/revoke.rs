//! Token revocation (RFC 7009). The client authenticates as at the token endpoint;
//! revoking either token of a grant revokes the whole grant (its access tokens are
//! deleted, its refresh tokens deactivated), as Hydra documents. Unknown tokens answer
//! 200 (RFC 7009 §2.2); a token of another client is refused; a storage failure is 503.

use super::client_auth::authenticate;
use super::error::OAuth2Error;
use super::lookup::find;
use super::params::Params;
use crate::app::AppState;

#[tracing::instrument(skip_all)]
pub async fn revoke(
    state: &AppState,
    authorization: Option<&str>,
    body: &[u8],
    now: i64,
) -> Result<(), OAuth2Error> {
    let params = Params::parse_body(body)?;
    let client = authenticate(state, authorization, &params, now).await?;
    let Some(token) = params.get("token") else {
        return Err(OAuth2Error::invalid_request(
            "The 'token' parameter is missing.",
        ));
    };
    let Some((_, row)) = find(state, token).await.map_err(OAuth2Error::unavailable)? else {
        return Ok(());
    };
    if row.client_id != client.client_id {
        return Err(OAuth2Error::unauthorized_client(
            "The token was not issued to the client making the revocation request.",
        ));
    }
    state
        .store
        .revoke_grant(&row.request_id)
        .await
        .map_err(OAuth2Error::unavailable)
}
