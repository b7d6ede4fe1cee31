//! OAuth 2.0 client metadata: validation (Hydra's `client/validator.go` plus stricter
//! checks) and what creating or replacing a client means. The record is
//! [`crate::model::Client`].

pub mod dynamic;
mod registry;
mod validate;

pub use registry::{generate_secret, prepare_create, prepare_update, Prepared, SecretChange};
pub use validate::{
    lifespans as validate_lifespans, validate, InvalidMetadata, Policy, AUTH_METHODS,
    DEFAULT_SCOPE, GRANT_TYPES,
};
