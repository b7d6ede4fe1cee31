//! The browser authorization flow over the store: `/oauth2/auth` (login, consent and
//! the answer to the client), `/oauth2/sessions/logout`, and the admin side a login,
//! consent or logout app drives (Hydra 1.9.2's request API). The decisions themselves
//! are `protocol::flow`.

pub mod admin;
pub mod admin_logout;
pub mod authorize;
mod authorize_consent;
mod authorize_hint;
mod authorize_response;
mod backchannel;
mod device;
mod device_accept;
pub mod end_session;
mod error;

pub use error::FlowError;

use crate::crypto::SystemKeys;
use crate::jwk::KeyManager;
use crate::protocol::flow::FlowConfig;
use crate::service::oauth2::OAuth2;
use crate::service::upstreams::LogoutHandoff;
use crate::store::Store;
use std::sync::Arc;

/// What the flow needs, built once.
#[derive(Clone)]
pub struct Flow {
    pub store: Store,
    pub keys: Arc<SystemKeys>,
    pub jwks: Arc<KeyManager>,
    /// Mints the tokens of implicit and hybrid responses.
    pub oauth2: OAuth2,
    pub cfg: Arc<FlowConfig>,
    /// Continues a logout at the upstream provider a session came from.
    pub upstream: Option<LogoutHandoff>,
}
