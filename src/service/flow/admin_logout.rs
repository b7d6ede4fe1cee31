//! The admin side of logout: read, accept or reject a logout request, and end one login
//! session without a browser (Hydra v2's headless logout).

use super::authorize::with_param;
use super::{Flow, FlowError};
use crate::crypto::handle::{signature_of, Kind, Minted};
use crate::model::flow::LogoutRequest;
use crate::model::Client;

impl Flow {
    async fn find_logout(&self, challenge: &str) -> Result<(String, LogoutRequest), FlowError> {
        let sig = signature_of(Kind::LogoutChallenge, challenge, &self.keys)
            .ok_or(FlowError::NotFound)?;
        let r = self
            .store
            .get_logout_request(&sig)
            .await?
            .ok_or(FlowError::NotFound)?;
        if r.accepted || r.rejected {
            return Err(FlowError::Handled {
                request_url: r.request_url,
            });
        }
        Ok((sig, r))
    }

    #[tracing::instrument(skip_all)]
    pub async fn get_logout(&self, challenge: &str) -> Result<LogoutRequest, FlowError> {
        Ok(self.find_logout(challenge).await?.1)
    }

    /// The relying party of an RP-initiated logout (its secret left out), which Hydra
    /// v2's logout request names; `None` for a logout the OP started, or whose client
    /// is gone.
    pub async fn logout_client(&self, r: &LogoutRequest) -> Result<Option<Client>, FlowError> {
        if r.client_id.is_empty() {
            return Ok(None);
        }
        match self.client_of(&r.client_id).await {
            Ok(c) => Ok(Some(c)),
            Err(FlowError::NotFound) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Accepts the logout; returns where the logout app sends the browser.
    #[tracing::instrument(skip_all)]
    pub async fn accept_logout(&self, challenge: &str) -> Result<String, FlowError> {
        let (sig, r) = self.find_logout(challenge).await?;
        let verifier = Minted::new(Kind::LogoutVerifier, &self.keys);
        if !self
            .store
            .handle_logout_request(&sig, challenge, Some(&verifier.signature))
            .await?
        {
            return Err(FlowError::Handled {
                request_url: r.request_url,
            });
        }
        Ok(with_param(
            &self.cfg.end_session_url(),
            "logout_verifier",
            verifier.value.expose(),
        ))
    }

    /// Hydra v2's `DELETE /admin/oauth2/auth/sessions/login?sid=`: ends login session
    /// `sid` and sends a back-channel logout token to each client the session consented
    /// to (there is no browser for the front channel). An unknown or ended session is no
    /// error, as in Hydra.
    #[tracing::instrument(skip_all)]
    pub async fn end_login_session(&self, sid: &str, now: i64) -> Result<(), FlowError> {
        let Some(session) = self.store.get_login_session(sid).await? else {
            return Ok(());
        };
        let mut back = Vec::new();
        for id in self
            .store
            .clients_of_login_session(sid, &session.subject)
            .await?
        {
            if let Some(c) = self.store.get_client(&id).await? {
                if !c.backchannel_logout_uri.is_empty() {
                    back.push((c.client_id, c.backchannel_logout_uri));
                }
            }
        }
        self.store.delete_login_session(sid).await?;
        self.spawn_backchannel_logout(self.cfg.issuer.clone(), sid.to_string(), back, now);
        Ok(())
    }

    /// Rejects the logout: the session stays; the logout app sends the user back.
    #[tracing::instrument(skip_all)]
    pub async fn reject_logout(&self, challenge: &str) -> Result<(), FlowError> {
        let (sig, r) = self.find_logout(challenge).await?;
        if !self
            .store
            .handle_logout_request(&sig, challenge, None)
            .await?
        {
            return Err(FlowError::Handled {
                request_url: r.request_url,
            });
        }
        Ok(())
    }
}
