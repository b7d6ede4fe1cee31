//! The first-party login API and the public client configuration: JSON endpoints that
//! let the deployment's own command-line tools and apps sign a person in with email and
//! password, refresh, and sign out, and bootstrap their OAuth 2.0 settings from the
//! server URL alone. Field names follow the seed documents (Flyte's `LoginService` and
//! `FlyteClientResponse`).
//!
//! * `client`: the configured first-party client (`identity.first_party.*`), resolved
//!   against the client registry and checked once per request.
//! * `tokens`: login, refresh and logout. Tokens are minted and stored by
//!   `oauth2::issue` and refreshed by the token endpoint's own code
//!   (`oauth2::token::token`), so storage, rotation, revocation and introspection are
//!   exactly the token endpoint's.
//! * `answer`: the response bodies.
//! * `error`: what can go wrong, for the HTTP layer to render.

pub mod answer;
pub mod client;
pub mod error;
pub mod tokens;

pub use client::FirstPartyClient;
pub use error::FirstPartyError;
