//! Hydra v2's headless logout: an administrator ends one login session by its id
//! (`DELETE /admin/oauth2/auth/sessions/login?sid=…`), and every client that took part
//! in it hears of it by back-channel logout, as after a browser's logout.

use super::{Flow, FlowError};

impl Flow {
    /// Ends login session `sid`; an unknown session is `NotFound`.
    pub async fn end_login_session(&self, sid: &str, now: i64) -> Result<(), FlowError> {
        let Some(session) = self.store.get_login_session(sid).await? else {
            return Err(FlowError::NotFound);
        };
        let mut targets = Vec::new();
        for id in self
            .store
            .clients_of_login_session(sid, &session.subject)
            .await?
        {
            if let Some(c) = self.store.get_client(&id).await? {
                if !c.backchannel_logout_uri.is_empty() {
                    targets.push((c.client_id, c.backchannel_logout_uri));
                }
            }
        }
        self.store.delete_login_session(sid).await?;
        // After the delete: a client that checks back finds the session gone.
        self.spawn_backchannel_logout(self.cfg.issuer.clone(), sid.to_string(), targets, now);
        Ok(())
    }
}
