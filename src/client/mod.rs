//! OAuth 2.0 clients: the model (Hydra's `oAuth2Client`), validation, the create/replace
//! rules, and secret hashing and verification.

mod model;
mod registry;
mod secret;
mod validate;

pub use model::Client;
pub use registry::{prepare_create, prepare_update, ClientFilter, Prepared, SecretChange};
pub use secret::{generate_secret, HashError, SecretVerifier};
pub use validate::{validate, InvalidMetadata, Policy, AUTH_METHODS, DEFAULT_SCOPE, GRANT_TYPES};
