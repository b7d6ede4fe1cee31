//! OAuth 2.0 and OpenID Connect rules as pure functions: no I/O, no async, the current
//! time passed in as `now`. The services call them; tests call them with a fixed clock.

pub mod authorize;
pub mod claims;
pub mod client;
pub mod client_auth;
pub mod cors;
pub mod device;
pub mod discovery;
pub mod error;
pub mod federation;
pub mod flow;
pub mod form;
pub mod grant;
pub mod id_token;
pub mod json_patch;
pub mod lifespan;
pub mod pkce;
#[cfg(test)]
mod props;
pub mod scope;
pub mod trust;
pub mod user;
pub mod userinfo;

pub use error::{ErrorStyle, OAuthError};
