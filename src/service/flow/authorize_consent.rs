//! The consent half of the `/oauth2/auth` state machine. What the client gets at the
//! end (code, tokens or both) is in `authorize_response`.

use super::authorize::{with_param, Visit};
use crate::crypto::handle::{signature_of, Kind, Minted};
use crate::model::flow::{ConsentRequest, LoginRequest};
use crate::protocol::error::OAuthError;
use crate::protocol::flow::consent::{
    check_consent_return, consent_skippable, AcceptConsent, SkipInputs,
};
use crate::protocol::flow::cookies::CONSENT_CSRF;
use crate::protocol::flow::ReplyKind;

impl Visit<'_> {
    /// After a verified login: decide skip, store a consent request, send the browser to
    /// the consent app.
    pub(super) async fn request_consent(
        &mut self,
        login: &LoginRequest,
    ) -> Result<ReplyKind, OAuthError> {
        let r = self.req;
        let a = &login.accepted;
        let store = &self.flow.store;
        let previous = store
            .latest_remembered_consent(&a.subject, &r.client.client_id)
            .await
            .map_err(OAuthError::from)?;
        let inputs = SkipInputs {
            prompt_consent: r.has_prompt("consent"),
            public_client: r.client.is_public(),
            redirect_uri: &r.target.uri,
            requested_scope: &r.scope,
            requested_audience: &r.audience,
            scope_strategy: &self.cfg.scope_strategy,
        };
        let skip = consent_skippable(&inputs, previous.as_ref(), self.now);
        // A skip_consent client needs no consent app, so prompt=none is no obstacle.
        if r.has_prompt("none") && !skip && !r.client.skip_consent {
            return Err(OAuthError::consent_required(
                "Prompt 'none' was requested, but no previous consent was found.",
            ));
        }
        let challenge = Minted::new(Kind::ConsentChallenge, &self.flow.keys);
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
            .map_err(OAuthError::from)?;
        self.cookies
            .extend(self.cfg.cookies.set(CONSENT_CSRF, &csrf, None));
        if r.client.skip_consent && !r.has_prompt("consent") {
            return self
                .accept_for_client(&request, challenge.value.expose())
                .await;
        }
        Ok(ReplyKind::Redirect(with_param(
            &self.cfg.consent_url,
            "consent_challenge",
            challenge.value.expose(),
        )))
    }

    /// Hydra v2's `skip_consent`: the server accepts the consent request itself,
    /// granting what was requested (nothing remembered, no session claims), and sends
    /// the browser straight back with the verifier, as the consent app would have.
    /// `prompt=consent` still shows the consent app: the client asked for it.
    async fn accept_for_client(
        &mut self,
        request: &ConsentRequest,
        challenge: &str,
    ) -> Result<ReplyKind, OAuthError> {
        let accept = AcceptConsent {
            grant_scope: Some(request.requested_scope.clone()),
            grant_access_token_audience: Some(request.requested_audience.clone()),
            ..Default::default()
        };
        let to = self
            .flow
            .handle_consent(challenge, Ok(accept), self.now)
            .await
            .map_err(|e| match e {
                super::FlowError::Store(e) => OAuthError::from(e),
                other => OAuthError::server_error(other),
            })?;
        Ok(ReplyKind::Redirect(to))
    }

    /// `consent_verifier`: consume it and check the consent.
    pub(super) async fn verify_consent(
        &mut self,
        verifier: &str,
    ) -> Result<ConsentRequest, OAuthError> {
        let used = || {
            OAuthError::access_denied(
                "The consent verifier has already been used, has not been granted, or is invalid.",
            )
        };
        let sig =
            signature_of(Kind::ConsentVerifier, verifier, &self.flow.keys).ok_or_else(used)?;
        let consent = self
            .flow
            .store
            .consume_consent_verifier(&sig)
            .await
            .map_err(OAuthError::from)?
            .ok_or_else(used)?;
        if self.bound && consent.request_url != self.return_url {
            return Err(used());
        }
        self.rejected = consent.error.is_some();
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
}
