//! The upstream OpenID Connect providers as a resource: their definitions
//! ([`Registry`]: configuration and database), discovery documents and JWKS, the
//! HTTP client that talks to them, and the hand-off to a provider's logout after ours.
//! Signing in through them is `service::federation`; this module knows nothing of the
//! flow, so the flow can use it for logout.

pub mod logout;
pub mod registry;

pub use crate::outbound::{Outbound, OutboundError};
pub use logout::LogoutHandoff;
pub use registry::{Provider, Registry, Source, Status};
