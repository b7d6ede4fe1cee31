//! What can go wrong with keys. The HTTP layer maps these to status codes.

use crate::store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum JwkError {
    /// The request or the key given is unusable (400).
    #[error("{0}")]
    Invalid(String),
    /// No such set or key (404).
    #[error("the JSON Web Key {0} does not exist")]
    NotFound(String),
    /// A key with this kid exists in the set already (409).
    #[error("a JSON Web Key with kid {0:?} exists in this set already")]
    Conflict(String),
    /// The set has no key that can sign.
    #[error("JSON Web Key Set {0:?} has no private key with use \"sig\" to sign with")]
    NoSigningKey(String),
    /// A token failed verification; the text says why, for logs (never shown verbatim to
    /// the token's presenter).
    #[error("token rejected: {0}")]
    InvalidToken(&'static str),
    /// None of the configured system secrets decrypts a stored private key.
    #[error(
        "the private key {0} cannot be decrypted with any configured system secret \
         (SECRETS_SYSTEM); was the secret it was encrypted with removed?"
    )]
    Undecryptable(String),
    /// A cryptographic operation failed unexpectedly.
    #[error("cryptographic operation failed: {0}")]
    Crypto(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl JwkError {
    pub(crate) fn invalid(msg: impl Into<String>) -> JwkError {
        JwkError::Invalid(msg.into())
    }
}
