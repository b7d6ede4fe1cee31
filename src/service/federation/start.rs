//! The redirect to a provider: fresh state, nonce and PKCE verifier
//! (`protocol::federation::state`), stored for ten minutes bound to the login challenge
//! and to this browser (a signed cookie), then the authorization URL with the seed's
//! query rules (`protocol::federation::query`).

use super::{Federation, BROWSER_COOKIE};
use crate::crypto::random_token;
use crate::model::identity::{StatePurpose, UpstreamState};
use crate::protocol::federation::query::{authorization_url, ProtocolParams};
use crate::protocol::federation::state::{browser_tag, state_signature, RedirectValues};
use crate::protocol::flow::cookies::RequestCookies;
use crate::service::flow::FlowError;

/// How long the provider has to send the browser back.
pub const STATE_TTL: i64 = 10 * 60;

/// Where the browser goes, and the cookies to set on the way.
#[derive(Debug)]
pub struct Started {
    pub location: String,
    pub cookies: Vec<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("there is no identity provider with this id")]
    UnknownProvider,
    /// The provider cannot be used now (its discovery failed); the text says why.
    #[error("{0}")]
    Unavailable(String),
    #[error(transparent)]
    Flow(#[from] FlowError),
}

impl From<crate::store::StoreError> for StartError {
    fn from(e: crate::store::StoreError) -> Self {
        StartError::Flow(e.into())
    }
}

impl Federation {
    /// Sends the browser of login request `login_challenge` to provider `id`.
    #[tracing::instrument(skip_all, fields(provider = %id))]
    pub async fn start(
        &self,
        id: &str,
        login_challenge: &str,
        remember: bool,
        jar: &RequestCookies,
        now: i64,
    ) -> Result<Started, StartError> {
        let provider = self
            .registry
            .get(id)
            .await?
            .ok_or(StartError::UnknownProvider)?;
        let def = &provider.def;
        // Unknown or already answered login requests stop here, before anything is stored.
        let (login, _) = self.flow.get_login(login_challenge).await?;
        let endpoints = self
            .registry
            .endpoints(def)
            .await
            .map_err(StartError::Unavailable)?;

        let mut cookies = Vec::new();
        let browser = match self.browser_id(jar) {
            Some(b) => b,
            None => {
                let b = random_token(16);
                cookies.extend(self.cookies().set(BROWSER_COOKIE, &b, None));
                b
            }
        };
        let values = RedirectValues::fresh(&self.keys);
        self.store
            .upstream_state_insert(&UpstreamState {
                signature: state_signature(&self.keys, &values.state),
                purpose: StatePurpose::Login,
                provider_id: def.id.clone(),
                browser: browser_tag(&self.keys, &browser),
                login_challenge: login_challenge.to_string(),
                remember,
                redirect_to: String::new(),
                expires_at: now + STATE_TTL,
            })
            .await?;

        let forwarded = forwarded(&login.request_url, &def.forward_params);
        let forwarded: Vec<(&str, &str)> = forwarded
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let scope = def.scopes.join(" ");
        let redirect_uri = self.callback_url(&def.id);
        let params = ProtocolParams {
            client_id: &def.client_id,
            redirect_uri: &redirect_uri,
            scope: &scope,
            state: &values.state,
            nonce: &values.nonce,
            code_challenge: if def.pkce { &values.challenge } else { "" },
        };
        let location =
            authorization_url(&endpoints.auth, &def.auth_query_params, &params, &forwarded)
                .map_err(|e| StartError::Unavailable(format!("authorization URL: {e}")))?;
        tracing::info!("sending the browser to the identity provider");
        Ok(Started { location, cookies })
    }
}

/// The parameters of the client's original authorization request (`request_url`) that
/// the provider is configured to receive too.
fn forwarded(request_url: &str, names: &[String]) -> Vec<(String, String)> {
    let Ok(url) = url::Url::parse(request_url) else {
        return Vec::new();
    };
    url.query_pairs()
        .filter(|(k, v)| !v.is_empty() && names.iter().any(|n| n == k))
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::forwarded;

    #[test]
    fn only_configured_parameters_are_forwarded() {
        let url = "https://op/oauth2/auth?client_id=a&prompt=login&login_hint=ann&max_age=";
        let names = vec!["prompt".to_string(), "max_age".to_string()];
        assert_eq!(
            forwarded(url, &names),
            [("prompt".to_string(), "login".to_string())]
        );
        assert!(forwarded("not a url", &names).is_empty());
    }
}
