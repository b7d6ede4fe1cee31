//! The token endpoint (`POST /oauth2/token`, RFC 6749 §3.2): parses the form,
//! authenticates the client, and dispatches on `grant_type`.

mod authorization_code;
mod client_credentials;
mod refresh;
pub mod response;

pub use response::TokenResponse;

use super::client_auth::authenticate;
use super::error::OAuth2Error;
use super::params::Params;
use crate::app::AppState;
use crate::client::Client;

/// Handles one token request. `authorization` is the `Authorization` header, if any.
#[tracing::instrument(skip_all)]
pub async fn token(
    state: &AppState,
    authorization: Option<&str>,
    body: &[u8],
    now: i64,
) -> Result<TokenResponse, OAuth2Error> {
    let params = Params::parse_body(body)?;
    let Some(grant_type) = params.get("grant_type").map(str::to_string) else {
        return Err(OAuth2Error::invalid_request(
            "The request parameter 'grant_type' is missing.",
        ));
    };
    let client = authenticate(state, authorization, &params, now).await?;
    let handled = ["authorization_code", "refresh_token", "client_credentials"];
    if !handled.contains(&grant_type.as_str()) {
        return Err(OAuth2Error::unsupported_grant_type(&format!(
            "The grant_type '{grant_type}' is not supported."
        )));
    }
    if !allows_grant(&client, &grant_type) {
        return Err(OAuth2Error::unauthorized_client(&format!(
            "The OAuth 2.0 Client is not allowed to use authorization grant '{grant_type}'."
        )));
    }
    match grant_type.as_str() {
        "client_credentials" => client_credentials::exchange(state, &client, &params, now).await,
        "refresh_token" => refresh::exchange(state, &client, &params, now).await,
        _ => authorization_code::exchange(state, &client, &params, now).await,
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
