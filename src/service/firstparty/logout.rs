//! `/api/v1/logout`: revokes the grant of each token presented (every access and
//! refresh token of that login) and ends the browser session the request carries.

use super::error::FirstPartyError;
use super::FirstParty;
use crate::protocol::flow::cookies::{session_id_from, RequestCookies, AUTH_SESSION};

/// What logout did: the `Set-Cookie` values that end the browser session, if any.
#[derive(Debug, Default)]
pub struct LoggedOut {
    pub cookies: Vec<String>,
}

impl FirstParty {
    /// Revokes the grants of the tokens given (access and/or refresh) and ends the
    /// browser's login session. Unknown or already revoked tokens are fine (logging out
    /// twice succeeds); a token of another client is refused.
    #[tracing::instrument(skip_all)]
    pub async fn logout(
        &self,
        tokens: &[&str],
        jar: &RequestCookies,
        now: i64,
    ) -> Result<LoggedOut, FirstPartyError> {
        let session = self.cookies.read(jar, AUTH_SESSION);
        let tokens: Vec<&str> = tokens
            .iter()
            .map(|t| t.trim())
            .filter(|t| !t.is_empty())
            .collect();
        if tokens.is_empty() && session.is_none() {
            return Err(FirstPartyError::BadRequest(
                "Send the refresh token in the body or the access token as a Bearer token".into(),
            ));
        }
        let fp = self.resolve().await?;
        let mut grants = Vec::new();
        for t in tokens {
            if let Some((_, row)) = self.oauth2.find(t).await? {
                if row.client_id != fp.client.client_id {
                    return Err(FirstPartyError::BadRequest(
                        "The token was not issued by the first-party login API".into(),
                    ));
                }
                grants.push(row.request_id);
            }
        }
        self.store.revoke_grants(&grants).await?;
        let mut out = LoggedOut::default();
        if let Some(payload) = session {
            if let Some(sid) = session_id_from(&payload, now) {
                self.store.delete_login_session(sid).await?;
            }
            out.cookies = self.cookies.clear(AUTH_SESSION);
        }
        Ok(out)
    }
}
