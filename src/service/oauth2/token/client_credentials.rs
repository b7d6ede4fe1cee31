//! `grant_type=client_credentials` (RFC 6749 §4.4): scopes within the client's (scope
//! strategy), audience within the client's; no refresh or ID token. One INSERT after
//! the client lookup.

use super::TokenResponse;
use crate::model::Client;
use crate::protocol::error::OAuthError;
use crate::protocol::form::Params;
use crate::protocol::grant::Grant;
use crate::protocol::lifespan::GrantKind;
use crate::protocol::scope::{first_disallowed_audience, scope_allowed};
use crate::service::oauth2::issue::IssueOptions;
use crate::service::oauth2::OAuth2;

impl OAuth2 {
    pub(super) async fn client_credentials(
        &self,
        client: &Client,
        params: &Params,
        now: i64,
    ) -> Result<TokenResponse, OAuthError> {
        if client.is_public() {
            return Err(OAuthError::unauthorized_client(
            "The OAuth 2.0 Client is marked as public and is thus not allowed to use authorization grant 'client_credentials'.",
        ));
        }
        let strategy = &self.cfg.scope_strategy;
        let mut scopes = params.scopes();
        for s in &scopes {
            if !scope_allowed(strategy, client.scopes(), s) {
                return Err(OAuthError::invalid_scope(format!(
                    "The OAuth 2.0 Client is not allowed to request scope '{s}'."
                )));
            }
        }
        if scopes.is_empty() && self.cfg.default_client_credentials_scope {
            scopes = client.scopes().map(str::to_string).collect();
        }
        let audience = params.audiences().to_vec();
        if let Some(a) = first_disallowed_audience(&client.audience, &audience) {
            return Err(OAuthError::invalid_request(format!(
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
        let issued = self
            .issue_tokens((client, GrantKind::ClientCredentials), &grant, &opts, now)
            .await?;
        Ok(TokenResponse::from_issued(issued))
    }
}
