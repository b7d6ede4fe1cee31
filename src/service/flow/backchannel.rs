//! Back-Channel Logout 1.0: a signed `logout_token` POSTed to each client's
//! `backchannel_logout_uri`. Sent in the background so the browser is not kept waiting;
//! failures are logged, as the specification allows nothing else.

use super::Flow;
use crate::jwk::ID_TOKEN_SET;
use crate::protocol::flow::logout::logout_token_claims;
use std::sync::OnceLock;
use std::time::Duration;

const TIMEOUT: Duration = Duration::from_secs(5);

fn http() -> Option<&'static reqwest::Client> {
    static CLIENT: OnceLock<Option<reqwest::Client>> = OnceLock::new();
    CLIENT
        .get_or_init(|| {
            reqwest::Client::builder()
                .timeout(TIMEOUT)
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .map_err(|e| tracing::error!(error = %e, "cannot build the back-channel logout HTTP client"))
                .ok()
        })
        .as_ref()
}

impl Flow {
    /// Sends a logout token for session `sid` to every `(client_id, uri)`, in the background.
    pub(super) fn spawn_backchannel_logout(
        &self,
        issuer: String,
        sid: String,
        targets: Vec<(String, String)>,
        now: i64,
    ) {
        if targets.is_empty() {
            return;
        }
        let jwks = self.jwks.clone();
        tokio::spawn(async move {
            let key = match jwks.signing_key(ID_TOKEN_SET).await {
                Ok(k) => k,
                Err(e) => {
                    tracing::error!(error = %e, "back-channel logout: no key to sign logout tokens with");
                    return;
                }
            };
            let Some(http) = http() else { return };
            let sends = targets.into_iter().map(|(client_id, uri)| {
            let jti = uuid::Uuid::new_v4().to_string();
            let token = key.sign(&logout_token_claims(&issuer, &client_id, &sid, now, &jti), Some("logout+jwt"));
            async move {
                let token = match token {
                    Ok(t) => t,
                    Err(e) => return tracing::error!(error = %e, client_id, "back-channel logout: signing failed"),
                };
                let sent = http.post(&uri).form(&[("logout_token", token.as_str())]).send().await;
                match sent {
                    Ok(r) if r.status().is_success() => tracing::debug!(client_id, "back-channel logout delivered"),
                    Ok(r) => tracing::warn!(client_id, status = r.status().as_u16(), "back-channel logout refused"),
                    Err(e) => tracing::warn!(client_id, error = %e, "back-channel logout failed"),
                }
            }
        });
            futures::future::join_all(sends).await;
        });
    }
}
