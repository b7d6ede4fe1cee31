//! What the browser brings to the login step: its remembered session (cookie) and an
//! `id_token_hint`.

use super::authorize::Visit;
use crate::jwk::ID_TOKEN_SET;
use crate::model::flow::LoginSession;
use crate::protocol::error::OAuthError;
use crate::protocol::flow::cookies::{session_id_from, AUTH_SESSION};
use crate::protocol::flow::subject::obfuscated_subject;
use serde_json::{Map, Value};

impl Visit<'_> {
    /// The remembered session named by the session cookie, if it is still valid.
    pub(super) async fn remembered_session(&self) -> Result<Option<LoginSession>, OAuthError> {
        let Some(payload) = self.cfg.cookies.read(self.jar, AUTH_SESSION) else {
            return Ok(None);
        };
        let Some(sid) = session_id_from(&payload, self.now) else {
            return Ok(None);
        };
        let session = self
            .flow
            .store
            .get_login_session(sid)
            .await
            .map_err(OAuthError::from)?;
        Ok(session.filter(|s| s.remember))
    }

    /// The claims of a verified `id_token_hint` (expired ones are fine), if one was sent.
    pub(super) async fn hint_claims(&self) -> Result<Option<Map<String, Value>>, OAuthError> {
        let hint = &self.req.id_token_hint;
        if hint.is_empty() {
            return Ok(None);
        }
        let claims = self
            .flow
            .jwks
            .verify(ID_TOKEN_SET, hint)
            .await
            .map_err(|e| {
                tracing::debug!(error = %e, "id_token_hint refused");
                OAuthError::invalid_request(
                    "The id_token_hint is not a valid ID Token of this server.",
                )
            })?;
        let Value::Object(claims) = claims else {
            return Err(OAuthError::invalid_request(
                "The id_token_hint is not a valid ID Token of this server.",
            ));
        };
        if claims.get("iss").and_then(Value::as_str) != Some(self.cfg.issuer.as_str()) {
            return Err(OAuthError::invalid_request(
                "The id_token_hint was not issued by this server.",
            ));
        }
        if claims
            .get("sub")
            .and_then(Value::as_str)
            .is_none_or(str::is_empty)
        {
            return Err(OAuthError::invalid_request(
                "The id_token_hint does not name a subject.",
            ));
        }
        Ok(Some(claims))
    }

    /// Whether the hint's `sub` is `subject` as this client knows it (plain, pairwise or
    /// forced).
    pub(super) async fn hint_names(
        &self,
        claims: &Map<String, Value>,
        subject: &str,
    ) -> Result<bool, OAuthError> {
        let sub = claims.get("sub").and_then(Value::as_str).unwrap_or("");
        if sub == subject {
            return Ok(true);
        }
        let client = &self.req.client;
        let forced = self
            .flow
            .store
            .get_forced_subject(&client.client_id, subject)
            .await
            .map_err(OAuthError::from)?;
        let obfuscated = obfuscated_subject(
            client,
            subject,
            forced.as_deref(),
            self.cfg.pairwise_salt.as_deref(),
        )
        .unwrap_or_default();
        Ok(!obfuscated.is_empty() && obfuscated == sub)
    }
}
