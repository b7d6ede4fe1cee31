//! Signing in through upstream OpenID Connect providers: the rules, without I/O.
//!
//! * `provider`: a provider definition checked and typed ([`provider::ProviderDef`]),
//!   its endpoints (discovery merged with overrides) and the admin summary (seed 004).
//! * `query`: the upstream authorization URL, with the summary's exact query rules.
//! * `client_auth`: the `Authorization` header Portcullis sends to the token endpoint.
//! * `metadata`, `url_policy`: the provider's discovery document and URL rules.
//! * `id_token`, `jwks`: validating the provider's ID token (OpenID Connect Core
//!   §3.1.3.7) with an injected clock.
//! * `claims`: reading claims by path; `account`: the profile they describe, the
//!   sign-in policy, and the local roles the upstream groups map to.

pub mod account;
pub mod claims;
pub mod client_auth;
pub mod id_token;
pub mod jwks;
pub mod metadata;
pub mod provider;
pub mod query;
pub mod state;
pub mod url_policy;
