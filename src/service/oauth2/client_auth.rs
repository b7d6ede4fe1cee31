//! Client authentication at the token and revocation endpoints: `client_secret_basic`,
//! `client_secret_post`, `private_key_jwt` (RFC 7523) and `none`. A client may only use
//! the method it registered (`token_endpoint_auth_method`, default
//! `client_secret_basic`), and only one method per request. Secrets are checked by the
//! shared `SecretVerifier` (cached argon2), after one query that returns the client with
//! its secret hash.

use super::OAuth2;
use crate::model::Client;
use crate::protocol::client_auth::{
    basic_credentials, more_than_one, registered_method, Method, JWT_BEARER_ASSERTION,
};
use crate::protocol::error::OAuthError;
use crate::protocol::form::Params;
use crate::secret::Secret;

impl OAuth2 {
    /// Authenticates the client of a token or revocation request.
    #[tracing::instrument(skip_all)]
    pub async fn authenticate(
        &self,
        authorization: Option<&str>,
        params: &Params,
        now: i64,
    ) -> Result<Client, OAuthError> {
        let basic = basic_credentials(authorization)?;
        if let Some(kind) = params.get("client_assertion_type") {
            if kind != JWT_BEARER_ASSERTION {
                return Err(OAuthError::invalid_request(format!(
                    "Unknown client_assertion_type '{kind}'."
                )));
            }
            let Some(assertion) = params.get("client_assertion") else {
                return Err(OAuthError::invalid_request(
                "The client_assertion request parameter must be set when using client_assertion_type of 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer'.",
            ));
            };
            if basic.is_some() || params.has("client_secret") {
                return Err(more_than_one());
            }
            return self
                .verify_assertion(assertion, params.get("client_id"), now)
                .await;
        }
        if params.has("client_assertion") {
            return Err(OAuthError::invalid_request(
                "The client_assertion_type request parameter is missing.",
            ));
        }

        let (client_id, secret, method) = match basic {
            Some((id, secret)) => {
                if params.has("client_secret") {
                    return Err(more_than_one());
                }
                if params.get("client_id").is_some_and(|b| b != id) {
                    return Err(OAuthError::invalid_request(
                    "The client_id in the request body differs from the one in the HTTP authorization header.",
                ));
                }
                (id, Some(secret), Method::Basic)
            }
            None => {
                let Some(id) = params.get("client_id") else {
                    return Err(OAuthError::invalid_request(
                    "Client credentials missing or malformed in both HTTP Authorization header and HTTP POST body.",
                ));
                };
                match params.get("client_secret") {
                    Some(s) => (id.to_string(), Some(Secret::new(s)), Method::Post),
                    None => (id.to_string(), None, Method::None),
                }
            }
        };
        let challenge = method == Method::Basic;
        let fail = |hint: &str| OAuthError::invalid_client(hint).with_basic_challenge(challenge);

        let Some((client, hashes)) = self.store.get_client_with_secret_hash(&client_id).await?
        else {
            // As slow as a wrong secret, so timing does not tell which ids exist.
            self.dummy_verification(secret.as_ref()).await;
            return Err(fail("The requested OAuth 2.0 Client does not exist."));
        };
        let registered = registered_method(&client);
        if registered != method.name() {
            self.dummy_verification(secret.as_ref()).await;
            return Err(fail(&format!(
            "The OAuth 2.0 Client supports client authentication method '{registered}', but method '{}' was requested. You must configure the OAuth 2.0 client's 'token_endpoint_auth_method' value to accept '{}'.",
            method.name(),
            method.name()
        )));
        }
        let Some(secret) = secret else {
            // Method `none`, registered as such: a public client.
            return Ok(client);
        };
        if client.client_secret_expires_at > 0 && client.client_secret_expires_at <= now {
            self.dummy_verification(Some(&secret)).await;
            return Err(fail("The OAuth 2.0 Client secret has expired."));
        }
        // The current secret or a rotated one (Hydra v2's secret rotation).
        let stored = hashes.current.as_deref().unwrap_or_default();
        if !self
            .client_secrets
            .verify_any(&client, stored, &hashes.rotated, &secret)
            .await
        {
            return Err(fail(
                "The provided client secret did not match the registered client secret.",
            ));
        }
        Ok(client)
    }

    /// A failure before the secret is checked costs one argon2 run all the same when a
    /// secret was presented.
    async fn dummy_verification(&self, secret: Option<&Secret>) {
        if let Some(s) = secret {
            self.client_secrets.verify_dummy(s).await;
        }
    }
}
