//! The first-party client a fresh server has ready: with the built-in identity on and
//! no `identity.first_party.client_id`, the login API serves this public client, made
//! on first start (`portcullis users create` then one `curl` to `/api/v1/login` works).
//!
//! Made idempotently: an existing client with the id is used as it is (an operator may
//! have changed it), and two replicas creating it at once both succeed (the loser's
//! insert is a conflict, which is fine).

use crate::model::Client;
use crate::service::clients::{ClientError, Clients};
use crate::store::StoreError;

/// The documented id of the ready-made client.
pub const DEFAULT_CLIENT_ID: &str = "portcullis-cli";

/// Public (no secret; PKCE is required for public clients), code flow with refresh,
/// loopback redirects for command-line tools (any port on the IP literals, RFC 8252
/// §7.3; the first is Flyte's default and the one advertised).
pub fn default_client() -> Client {
    Client {
        client_id: DEFAULT_CLIENT_ID.into(),
        client_name: "Portcullis command-line and first-party login".into(),
        token_endpoint_auth_method: "none".into(),
        grant_types: vec!["authorization_code".into(), "refresh_token".into()],
        response_types: vec!["code".into()],
        redirect_uris: vec![
            "http://127.0.0.1:53593/callback".into(),
            "http://[::1]:53593/callback".into(),
        ],
        scope: "openid offline_access profile email roles groups".into(),
        ..Client::default()
    }
}

/// Makes sure the default client exists.
pub async fn ensure_default_client(clients: &Clients, now: i64) -> Result<(), ClientError> {
    match clients.get(DEFAULT_CLIENT_ID).await {
        Ok(_) => return Ok(()),
        Err(ClientError::NotFound) => {}
        Err(e) => return Err(e),
    }
    match clients.create(default_client(), now).await {
        Ok(_) => {
            tracing::info!(
                client_id = DEFAULT_CLIENT_ID,
                "created the first-party client"
            );
            Ok(())
        }
        Err(ClientError::Store(StoreError::Conflict(_))) => Ok(()),
        Err(e) => Err(e),
    }
}
