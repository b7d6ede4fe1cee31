//! `grant_type=client_credentials` (RFC 6749 §4.4): scopes within the client's (scope
//! strategy), audience within the client's; no refresh or ID token. One INSERT after
//! the client lookup.

use super::TokenResponse;
use crate::app::AppState;
use crate::client::Client;
use crate::oauth2::authorize::scope::{first_disallowed_audience, scope_allowed};
use crate::oauth2::error::OAuth2Error;
use crate::oauth2::grant::Grant;
use crate::oauth2::issue::{issue_tokens, IssueOptions};
use crate::oauth2::params::Params;

pub async fn exchange(
    state: &AppState,
    client: &Client,
    params: &Params,
    now: i64,
) -> Result<TokenResponse, OAuth2Error> {
    if client.is_public() {
        return Err(OAuth2Error::unauthorized_client(
            "The OAuth 2.0 Client is marked as public and is thus not allowed to use authorization grant 'client_credentials'.",
        ));
    }
    let strategy = &state.settings.strategies.scope;
    let mut scopes = params.scopes();
    for s in &scopes {
        if !scope_allowed(strategy, client.scopes(), s) {
            return Err(OAuth2Error::invalid_scope(&format!(
                "The OAuth 2.0 Client is not allowed to request scope '{s}'."
            )));
        }
    }
    if scopes.is_empty()
        && state
            .settings
            .oauth2
            .client_credentials
            .default_grant_allowed_scope
            .unwrap_or(false)
    {
        scopes = client.scopes().map(str::to_string).collect();
    }
    let audience = params.audiences().to_vec();
    if let Some(a) = first_disallowed_audience(&client.audience, &audience) {
        return Err(OAuth2Error::invalid_request(&format!(
            "Requested audience '{a}' has not been whitelisted by the OAuth 2.0 Client."
        )));
    }
    let grant = Grant {
        request_id: uuid::Uuid::new_v4().to_string(),
        client_id: client.client_id.clone(),
        subject: client.client_id.clone(),
        scopes,
        audience,
        ..Grant::default()
    };
    let opts = IssueOptions {
        access_token: true,
        ..IssueOptions::default()
    };
    let issued = issue_tokens(state, &grant, &opts, now).await?;
    Ok(TokenResponse::from_issued(issued))
}
