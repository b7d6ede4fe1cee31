//! Private keys at rest: [`crate::crypto::seal`] bound to the key's set and kid.

use super::error::JwkError;
use crate::crypto::seal::{self as sealing, Binding, SealError};
use crate::crypto::SystemKeys;

fn jwk_error(e: SealError) -> JwkError {
    match e {
        SealError::Crypto(what) => JwkError::Crypto(what.to_string()),
        SealError::Undecryptable(what) => JwkError::Undecryptable(what),
    }
}

/// Encrypts `plaintext` (a PKCS#8 document) for storage under (`set`, `kid`).
pub fn seal(
    keys: &SystemKeys,
    set: &str,
    kid: &str,
    plaintext: &[u8],
) -> Result<Vec<u8>, JwkError> {
    sealing::seal(keys, Binding::jwk(set, kid), plaintext).map_err(jwk_error)
}

/// Decrypts what [`seal`] produced for (`set`, `kid`) with any configured secret.
/// Returns the plaintext and whether the current secret was the one that worked.
pub fn open(
    keys: &SystemKeys,
    set: &str,
    kid: &str,
    sealed: &[u8],
) -> Result<(Vec<u8>, bool), JwkError> {
    sealing::open(keys, Binding::jwk(set, kid), sealed).map_err(jwk_error)
}
