//! After the local logout: a session that came from a provider configured with
//! `logout: rp_initiated` continues to the provider's logout endpoint (RP-Initiated
//! Logout 1.0) with `id_token_hint`, `client_id`, a single-use `state` and a
//! `post_logout_redirect_uri` on Portcullis; that callback sends the browser where the
//! local logout was going (already checked against the client's registered URIs).

use super::registry::Registry;
use crate::config::Urls;
use crate::crypto::seal::{self, Binding};
use crate::model::identity::{StatePurpose, UpstreamSession, UpstreamState};
use crate::paths::public::ui;
use crate::protocol::authorize::response::merge_query;
use crate::protocol::federation::state::{state_signature, RedirectValues};
use crate::store::{Store, StoreError};
use std::sync::Arc;

/// How long the provider has to send the browser back.
pub const STATE_TTL: i64 = 10 * 60;

/// Binding of a login session's sealed upstream ID token.
pub fn id_token_binding<'a>(sid: &'a str, provider: &'a str) -> Binding<'a> {
    Binding {
        domain: "portcullis/upstream-id-token/v1",
        a: sid,
        b: provider,
    }
}

#[derive(Clone)]
pub struct LogoutHandoff {
    pub store: Store,
    pub registry: Arc<Registry>,
    pub urls: Arc<Urls>,
}

impl LogoutHandoff {
    /// Remembers that login session `sid` came from `provider` (with its ID token, for
    /// `id_token_hint`).
    pub async fn remember(
        &self,
        sid: &str,
        provider: &str,
        id_token: &str,
        now: i64,
    ) -> Result<(), StoreError> {
        let sealed = match seal::seal(
            self.registry.keys(),
            id_token_binding(sid, provider),
            id_token.as_bytes(),
        ) {
            Ok(s) => s,
            Err(e) => {
                // Logout at the provider then goes without a hint; sign-in still works.
                tracing::error!(error = %e, "cannot seal an upstream ID token");
                Vec::new()
            }
        };
        self.store
            .upstream_session_put(&UpstreamSession {
                login_session_id: sid.to_string(),
                provider_id: provider.to_string(),
                id_token: sealed,
                created_at: now,
            })
            .await
    }

    /// Where the browser goes instead of `redirect_to` when login session `sid` came
    /// from a provider that logs out too: its logout endpoint. `None`: go to
    /// `redirect_to` as planned. Never fails the local logout.
    pub async fn continue_at_provider(
        &self,
        sid: &str,
        redirect_to: &str,
        now: i64,
    ) -> Option<String> {
        let session = match self.store.upstream_session_take(sid).await {
            Ok(s) => s?,
            Err(e) => {
                tracing::warn!(error = %e, "cannot read the upstream session at logout");
                return None;
            }
        };
        let provider = self
            .registry
            .get(&session.provider_id)
            .await
            .ok()
            .flatten()?;
        let def = &provider.def;
        if !def.rp_initiated_logout {
            return None;
        }
        let endpoint = self.registry.endpoints(def).await.ok()?.logout?;
        let url = url::Url::parse(&endpoint).ok()?;
        let values = RedirectValues::fresh(self.registry.keys());
        let state = UpstreamState {
            signature: state_signature(self.registry.keys(), &values.state),
            purpose: StatePurpose::Logout,
            provider_id: def.id.clone(),
            browser: String::new(),
            login_challenge: String::new(),
            remember: false,
            redirect_to: redirect_to.to_string(),
            expires_at: now + STATE_TTL,
        };
        if let Err(e) = self.store.upstream_state_insert(&state).await {
            tracing::warn!(error = %e, "cannot store the upstream logout state");
            return None;
        }
        let back = self
            .urls
            .public_url(&ui::for_provider(ui::UPSTREAM_LOGOUT_CALLBACK, &def.id));
        let mut params = vec![
            ("client_id".to_string(), def.client_id.clone()),
            ("state".to_string(), values.state),
            ("post_logout_redirect_uri".to_string(), back),
        ];
        let hint = seal::open(
            self.registry.keys(),
            id_token_binding(sid, &def.id),
            &session.id_token,
        );
        if let Ok((token, _)) = hint {
            params.insert(
                0,
                (
                    "id_token_hint".to_string(),
                    String::from_utf8_lossy(&token).into(),
                ),
            );
        }
        tracing::info!(provider = %def.id, "continuing logout at the identity provider");
        Some(merge_query(&url, &params).to_string())
    }

    /// The provider sent the browser back: where it goes now. `None` for an unknown,
    /// expired, reused or foreign state (an error page, never a redirect).
    pub async fn finish(
        &self,
        provider: &str,
        state: &str,
        now: i64,
    ) -> Result<Option<String>, StoreError> {
        if state.is_empty() || state.len() > 512 {
            return Ok(None);
        }
        let sig = state_signature(self.registry.keys(), state);
        let taken = self
            .store
            .upstream_state_take(&sig, StatePurpose::Logout, now)
            .await?;
        Ok(taken
            .filter(|s| s.provider_id == provider)
            .map(|s| s.redirect_to))
    }
}
