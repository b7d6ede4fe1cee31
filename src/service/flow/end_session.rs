//! `/oauth2/sessions/logout`: RP- and OP-initiated logout, and its completion after the
//! logout app accepted. Every error here goes to the error page, never to a client.

use super::authorize::with_param;
use super::Flow;
use crate::crypto::handle::{signature_of, Kind, Minted};
use crate::jwk::ID_TOKEN_SET;
use crate::model::flow::{LoginSession, LogoutRequest};
use crate::model::Client;
use crate::protocol::authorize::Params;
use crate::protocol::error::OAuthError;
use crate::protocol::flow::cookies::{session_id_from, RequestCookies, AUTH_SESSION};
use crate::protocol::flow::logout::{check_logout_hint, frontchannel_url, post_logout_redirect};
use crate::protocol::flow::{BrowserReply, ReplyKind};

impl Flow {
    /// Handles one visit to the logout endpoint. `request_url` is the path and query.
    #[tracing::instrument(skip_all)]
    pub async fn logout(
        &self,
        params: &Params,
        jar: &RequestCookies,
        request_url: &str,
        now: i64,
    ) -> BrowserReply {
        let verifier = params.get("logout_verifier");
        let result = if verifier.is_empty() {
            self.start_logout(params, jar, request_url, now).await
        } else {
            self.complete_logout(verifier, jar, now).await
        };
        result.unwrap_or_else(|e| BrowserReply::error_page(&self.cfg, &e, Vec::new()))
    }

    async fn cookie_session(
        &self,
        jar: &RequestCookies,
        now: i64,
    ) -> Result<Option<LoginSession>, OAuthError> {
        let Some(payload) = self.cfg.cookies.read(jar, AUTH_SESSION) else {
            return Ok(None);
        };
        let Some(sid) = session_id_from(&payload, now) else {
            return Ok(None);
        };
        let s = self
            .store
            .get_login_session(sid)
            .await
            .map_err(OAuthError::from)?;
        Ok(s.filter(|s| s.remember))
    }

    async fn start_logout(
        &self,
        params: &Params,
        jar: &RequestCookies,
        request_url: &str,
        now: i64,
    ) -> Result<BrowserReply, OAuthError> {
        let hint = params.get("id_token_hint");
        let requested_redirect = params.get("post_logout_redirect_uri");
        let logout_state = params.get("state");
        let mut skip_logout_app = false;
        let mut request = LogoutRequest {
            challenge: String::new(),
            challenge_value: String::new(),
            subject: String::new(),
            sid: String::new(),
            client_id: String::new(),
            request_url: request_url.to_string(),
            redirect_to: self.cfg.post_logout_url.clone(),
            rp_initiated: false,
            requested_at: now,
            accepted: false,
            rejected: false,
            was_used: false,
        };
        if hint.is_empty() {
            for (name, value) in [
                ("state", logout_state),
                ("post_logout_redirect_uri", requested_redirect),
            ] {
                if !value.is_empty() {
                    return Err(OAuthError::invalid_request(format!(
                    "Logout failed because query parameter {name} is set but id_token_hint is missing."
                )));
                }
            }
            let Some(session) = self.cookie_session(jar, now).await? else {
                return Ok(BrowserReply::redirect(&request.redirect_to, Vec::new()));
            };
            request.subject = session.subject;
            request.sid = session.id;
        } else {
            let claims = self.jwks.verify(ID_TOKEN_SET, hint).await.map_err(|e| {
            tracing::debug!(error = %e, "logout id_token_hint refused");
            OAuthError::invalid_request("Logout failed because the id_token_hint is not a valid ID Token of this server.")
        })?;
            let h = check_logout_hint(&claims, &self.cfg.issuer, now)?;
            let mut client: Option<Client> = None;
            for aud in &h.audiences {
                if let Some(c) = self.store.get_client(aud).await.map_err(OAuthError::from)? {
                    client = Some(c);
                    break;
                }
            }
            let client = client.ok_or_else(|| {
            OAuthError::invalid_request(
                "Logout failed because none of the listed audiences is a registered OAuth 2.0 Client.",
            )
        })?;
            request.redirect_to = post_logout_redirect(
                &client.post_logout_redirect_uris,
                requested_redirect,
                logout_state,
                &self.cfg.post_logout_url,
            )?;
            // Only the browser holding the session the hint names may end it (Hydra 1.9
            // ends it for anyone holding the ID token, and its logout page then shows
            // that person's account to whoever opened the link). Otherwise this is a
            // logout of nothing: straight on to the client's post-logout URI.
            let current = self.cookie_session(jar, now).await?;
            let Some(session) = current.filter(|s| s.id == h.sid) else {
                tracing::info!(
                    "logout: the id_token_hint names a session this browser does not hold"
                );
                return Ok(BrowserReply::redirect(&request.redirect_to, Vec::new()));
            };
            request.subject = session.subject;
            request.sid = h.sid;
            skip_logout_app = client.skip_logout_consent;
            request.client_id = client.client_id;
            request.rp_initiated = true;
        }
        let challenge = Minted::new(Kind::LogoutChallenge, &self.keys);
        request.challenge = challenge.signature.clone();
        self.store
            .insert_logout_request(&request)
            .await
            .map_err(OAuthError::from)?;
        if skip_logout_app {
            // Hydra v2's skip_logout_consent: accepted here, as the logout app would,
            // and the browser goes straight on to finish the logout.
            let to = self
                .accept_logout(challenge.value.expose())
                .await
                .map_err(|e| match e {
                    super::FlowError::Store(e) => OAuthError::from(e),
                    other => OAuthError::server_error(other),
                })?;
            return Ok(BrowserReply::redirect(to, Vec::new()));
        }
        let to = with_param(
            &self.cfg.logout_url,
            "logout_challenge",
            challenge.value.expose(),
        );
        Ok(BrowserReply::redirect(to, Vec::new()))
    }

    async fn complete_logout(
        &self,
        verifier: &str,
        jar: &RequestCookies,
        now: i64,
    ) -> Result<BrowserReply, OAuthError> {
        let invalid = || {
            OAuthError::invalid_request(
                "The logout verifier has already been used, has not been granted, or is invalid.",
            )
        };
        let sig = signature_of(Kind::LogoutVerifier, verifier, &self.keys).ok_or_else(invalid)?;
        let request = self
            .store
            .consume_logout_verifier(&sig)
            .await
            .map_err(OAuthError::from)?
            .ok_or_else(invalid)?;
        if request.requested_at + self.cfg.request_ttl < now {
            return Err(OAuthError::request_unauthorized(
                "The logout request has expired, please try again.",
            ));
        }
        // The browser finishing the logout must still hold the session (it may have
        // logged out in another tab, or in as someone else, or be another browser).
        let current = self.cookie_session(jar, now).await?;
        if current.is_none_or(|s| s.subject != request.subject) {
            return Ok(BrowserReply::redirect(&request.redirect_to, Vec::new()));
        }
        let cookies = self.cfg.cookies.clear(AUTH_SESSION);
        let store = &self.store;
        let mut front = Vec::new();
        let mut back = Vec::new();
        for id in store
            .clients_of_login_session(&request.sid, &request.subject)
            .await
            .map_err(OAuthError::from)?
        {
            let Some(c) = store.get_client(&id).await.map_err(OAuthError::from)? else {
                continue;
            };
            if !c.frontchannel_logout_uri.is_empty() {
                if let Some(u) =
                    frontchannel_url(&c.frontchannel_logout_uri, &self.cfg.issuer, &request.sid)
                {
                    front.push(u);
                }
            }
            if !c.backchannel_logout_uri.is_empty() {
                back.push((c.client_id, c.backchannel_logout_uri));
            }
        }
        self.spawn_backchannel_logout(self.cfg.issuer.clone(), request.sid.clone(), back, now);
        store
            .delete_login_session(&request.sid)
            .await
            .map_err(OAuthError::from)?;
        // A session from an upstream provider that logs out too continues there; the
        // provider then sends the browser on to `redirect_to`.
        let mut redirect_to = request.redirect_to;
        if let Some(upstream) = &self.upstream {
            if let Some(at_provider) = upstream
                .continue_at_provider(&request.sid, &redirect_to, now)
                .await
            {
                redirect_to = at_provider;
            }
        }
        if front.is_empty() {
            return Ok(BrowserReply::redirect(&redirect_to, cookies));
        }
        Ok(BrowserReply {
            kind: ReplyKind::FrontChannelLogout {
                urls: front,
                redirect_to,
            },
            cookies,
        })
    }
}
