//! The end of the `/oauth2/auth` flow: what the client gets after a verified consent.
//!
//! `code` stores an authorization code for the token endpoint. `token` and `id_token`
//! (implicit, OpenID Connect Core §3.2) and their combinations with `code` (hybrid,
//! §3.3) mint through [`crate::service::oauth2::OAuth2::issue_tokens`], so an access token from here is stored, listed,
//! introspected and revoked exactly like one from the token endpoint: it belongs to the
//! same grant (request id = the consent challenge) as the code issued with it. No refresh
//! token is ever returned from the authorization endpoint (RFC 6749 §4.2.2).

use super::authorize::Visit;
use crate::crypto::handle::{Kind, Minted};
use crate::model::flow::ConsentRequest;
use crate::model::AuthorizeCode;
use crate::protocol::authorize::AuthorizeRequest;
use crate::protocol::error::OAuthError;
use crate::protocol::flow::subject::obfuscated_subject;
use crate::protocol::flow::{BrowserReply, ReplyKind};
use crate::protocol::grant::{Grant, OidcSession};
use crate::protocol::lifespan::GrantKind;
use crate::secret::Secret;
use crate::service::oauth2::issue::IssueOptions;

impl Visit<'_> {
    /// Answers the client with the code and/or tokens its `response_type` asked for.
    #[tracing::instrument(skip_all)]
    pub(super) async fn respond(
        &mut self,
        consent: &ConsentRequest,
    ) -> Result<ReplyKind, OAuthError> {
        let r = self.req;
        let a = &consent.accepted;
        let id_token = r.wants("id_token");
        // The request asked for `openid` (checked before login), but the consent app
        // may not have granted it; an ID token without it would be unconsented.
        if id_token && !a.grant_scope.iter().any(|s| s == "openid") {
            return Err(OAuthError::access_denied(
                "The 'openid' scope was not granted, but response_type 'id_token' requires it.",
            ));
        }
        let obfuscated = self.client_subject(consent).await?;
        let mut params: Vec<(String, String)> = Vec::new();
        let code = if r.wants("code") {
            let code = self.store_code(consent, &obfuscated).await?;
            params.push(("code".into(), code.expose().to_string()));
            Some(code)
        } else {
            None
        };
        let access_token = r.wants("token");
        if access_token || id_token {
            let grant = grant_of(consent, r, obfuscated);
            let opts = IssueOptions {
                access_token,
                refresh_token: false,
                id_token,
                code: code.as_ref().map(|c| c.expose()),
            };
            let issued = self
                .flow
                .oauth2
                .issue_tokens((&r.client, GrantKind::Implicit), &grant, &opts, self.now)
                .await
                .map_err(from_token_error)?;
            if let Some(at) = issued.access_token {
                params.push(("access_token".into(), at.expose().to_string()));
                params.push(("token_type".into(), "bearer".into()));
                params.push(("expires_in".into(), issued.expires_in.to_string()));
            }
            if let Some(it) = issued.id_token {
                params.push(("id_token".into(), it));
            }
        }
        // As fosite: the granted scope comes with a code or an access token, not with a
        // lone ID token (whose claims say what was granted).
        if code.is_some() || access_token {
            params.push(("scope".into(), a.grant_scope.join(" ")));
        }
        Ok(BrowserReply::to_client(self.cfg, &r.target, params, Vec::new()).kind)
    }

    /// The subject identifier the client sees: forced by the login app, pairwise, or
    /// `""` for the public subject.
    pub(super) async fn client_subject(
        &self,
        consent: &ConsentRequest,
    ) -> Result<String, OAuthError> {
        let r = self.req;
        let forced = if consent.force_subject_identifier.is_empty() {
            self.flow
                .store
                .get_forced_subject(&r.client.client_id, &consent.subject)
                .await
                .map_err(OAuthError::from)?
        } else {
            Some(consent.force_subject_identifier.clone())
        };
        obfuscated_subject(
            &r.client,
            &consent.subject,
            forced.as_deref(),
            self.cfg.pairwise_salt.as_deref(),
        )
    }

    /// Stores an authorization code for the token endpoint and returns its value.
    async fn store_code(
        &self,
        consent: &ConsentRequest,
        obfuscated: &str,
    ) -> Result<Secret, OAuthError> {
        let r = self.req;
        let a = &consent.accepted;
        let code = Minted::new(Kind::AuthorizeCode, &self.flow.keys);
        let record = AuthorizeCode {
            signature: code.signature.clone(),
            request_id: consent.challenge.clone(),
            client_id: r.client.client_id.clone(),
            redirect_uri: r.redirect_uri_sent.clone(),
            requested_scope: r.scope.clone(),
            granted_scope: a.grant_scope.clone(),
            granted_audience: a.grant_audience.clone(),
            subject: consent.subject.clone(),
            obfuscated_subject: obfuscated.to_string(),
            session_id: consent.login_session_id.clone(),
            auth_time: consent.authenticated_at,
            acr: consent.acr.clone(),
            amr: consent.amr.clone(),
            nonce: r.nonce.clone(),
            code_challenge: r.code_challenge.clone(),
            code_challenge_method: r.code_challenge_method.clone(),
            session_access_token: a.session_access_token.clone(),
            session_id_token: a.session_id_token.clone(),
            requested_at: consent.requested_at,
            expires_at: self.now + self.cfg.code_ttl,
            used: false,
        };
        self.flow
            .store
            .insert_authorize_code(&record)
            .await
            .map_err(OAuthError::from)?;
        Ok(code.value)
    }
}

/// The grant the consent describes: what the token endpoint would build from the code.
pub(super) fn grant_of(
    consent: &ConsentRequest,
    r: &AuthorizeRequest,
    obfuscated: String,
) -> Grant {
    let a = &consent.accepted;
    Grant {
        request_id: consent.challenge.clone(),
        client_id: r.client.client_id.clone(),
        subject: consent.subject.clone(),
        obfuscated_subject: obfuscated,
        scopes: a.grant_scope.clone(),
        audience: a.grant_audience.clone(),
        ext: a.session_access_token.clone(),
        session: OidcSession {
            id_token: a.session_id_token.clone(),
            auth_time: consent.authenticated_at,
            requested_at: consent.requested_at,
            acr: consent.acr.clone(),
            amr: consent.amr.clone(),
            sid: consent.login_session_id.clone(),
            nonce: r.nonce.clone(),
        },
    }
}

/// Minting fails only on key or storage trouble: a server error for the client.
fn from_token_error(e: OAuthError) -> OAuthError {
    let cause = if e.debug.is_empty() {
        e.merged_description(false)
    } else {
        e.debug
    };
    OAuthError::server_error(cause)
}
