//! The consent half of the `/oauth2/auth` state machine, and the authorization code
//! that ends it.

use super::authorize::{with_param, Flow};
use super::consent::{check_consent_return, consent_skippable, SkipInputs};
use super::cookies::CONSENT_CSRF;
use super::model::{ConsentRequest, LoginRequest};
use super::reply::{BrowserReply, ReplyKind};
use super::subject::obfuscated_subject;
use crate::oauth2::authorize::{AuthError, AuthorizeCode};
use crate::token::{signature_of, Kind, Minted};

impl Flow<'_> {
    /// After a verified login: decide skip, store a consent request, send the browser to
    /// the consent app.
    pub(super) async fn request_consent(
        &mut self,
        login: &LoginRequest,
    ) -> Result<ReplyKind, AuthError> {
        let r = self.req;
        let a = &login.accepted;
        let store = &self.state.store;
        let previous = store
            .latest_remembered_consent(&a.subject, &r.client.client_id)
            .await
            .map_err(AuthError::server_error)?;
        let inputs = SkipInputs {
            prompt_consent: r.has_prompt("consent"),
            public_client: r.client.is_public(),
            redirect_uri: &r.target.uri,
            requested_scope: &r.scope,
            requested_audience: &r.audience,
            scope_strategy: &self.cfg.scope_strategy,
        };
        let skip = consent_skippable(&inputs, previous.as_ref(), self.now);
        if r.has_prompt("none") && !skip {
            return Err(AuthError::consent_required(
                "Prompt 'none' was requested, but no previous consent was found.",
            ));
        }
        let challenge = Minted::new(Kind::ConsentChallenge, &self.state.keys);
        let csrf = crate::crypto::random_token(32);
        let request = ConsentRequest {
            challenge: challenge.signature.clone(),
            challenge_value: String::new(),
            csrf: csrf.clone(),
            client_id: r.client.client_id.clone(),
            subject: a.subject.clone(),
            skip,
            requested_scope: r.scope.clone(),
            requested_audience: r.audience.clone(),
            request_url: login.request_url.clone(),
            login_challenge: login.challenge_value.clone(),
            login_session_id: login.session_id.clone(),
            acr: a.acr.clone(),
            amr: a.amr.clone(),
            context: a.context.clone(),
            oidc_context: login.oidc_context.clone(),
            force_subject_identifier: a.force_subject_identifier.clone(),
            authenticated_at: a.authenticated_at,
            requested_at: login.requested_at,
            handled_at: None,
            error: None,
            accepted: Default::default(),
            was_used: false,
        };
        store
            .insert_consent_request(&request)
            .await
            .map_err(AuthError::server_error)?;
        self.cookies
            .extend(self.cfg.cookies.set(CONSENT_CSRF, &csrf, None));
        Ok(ReplyKind::Redirect(with_param(
            &self.cfg.consent_url,
            "consent_challenge",
            challenge.value.expose(),
        )))
    }

    /// `consent_verifier`: consume it and check the consent.
    pub(super) async fn verify_consent(
        &mut self,
        verifier: &str,
    ) -> Result<ConsentRequest, AuthError> {
        let used = || {
            AuthError::access_denied(
                "The consent verifier has already been used, has not been granted, or is invalid.",
            )
        };
        let sig =
            signature_of(Kind::ConsentVerifier, verifier, &self.state.keys).ok_or_else(used)?;
        let consent = self
            .state
            .store
            .consume_consent_verifier(&sig)
            .await
            .map_err(AuthError::server_error)?
            .ok_or_else(used)?;
        let csrf = self.cfg.cookies.read(self.jar, CONSENT_CSRF);
        check_consent_return(
            &consent,
            csrf.as_deref(),
            &self.req.client.client_id,
            self.cfg.request_ttl,
            self.now,
        )?;
        Ok(consent)
    }

    /// The end of the flow: store an authorization code and send it to the client.
    pub(super) async fn issue_code(
        &mut self,
        consent: &ConsentRequest,
    ) -> Result<ReplyKind, AuthError> {
        let r = self.req;
        let store = &self.state.store;
        let forced = if consent.force_subject_identifier.is_empty() {
            store
                .get_forced_subject(&r.client.client_id, &consent.subject)
                .await
                .map_err(AuthError::server_error)?
        } else {
            Some(consent.force_subject_identifier.clone())
        };
        let obfuscated = obfuscated_subject(
            &r.client,
            &consent.subject,
            forced.as_deref(),
            self.cfg.pairwise_salt.as_deref(),
        )?;
        let code = Minted::new(Kind::AuthorizeCode, &self.state.keys);
        let a = &consent.accepted;
        let record = AuthorizeCode {
            signature: code.signature.clone(),
            request_id: consent.challenge.clone(),
            client_id: r.client.client_id.clone(),
            redirect_uri: r.redirect_uri_sent.clone(),
            requested_scope: r.scope.clone(),
            granted_scope: a.grant_scope.clone(),
            granted_audience: a.grant_audience.clone(),
            subject: consent.subject.clone(),
            obfuscated_subject: obfuscated,
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
        store
            .insert_authorize_code(&record)
            .await
            .map_err(AuthError::server_error)?;
        let params = vec![
            ("code".to_string(), code.value.expose().to_string()),
            ("scope".to_string(), a.grant_scope.join(" ")),
        ];
        Ok(BrowserReply::to_client(self.cfg, &r.target, params, Vec::new()).kind)
    }
}
