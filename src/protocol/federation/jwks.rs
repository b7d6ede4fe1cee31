//! Choosing the upstream key that verifies an ID token, from its JWKS
//! (`{"keys":[...]}`, RFC 7517 §5).
//!
//! Keys are read one by one from JSON, so a key we do not understand (a new key type,
//! an encryption key, a malformed entry) is skipped instead of making the whole set
//! unusable.

use jsonwebtoken::jwk::Jwk;
use jsonwebtoken::{Algorithm, DecodingKey};
use serde_json::Value;

/// Why no key was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyLookupError {
    /// No key has this `kid`: the provider may have rotated keys, so the caller may
    /// refetch the JWKS once and try again.
    UnknownKid(String),
    /// Keys exist but none fits the algorithm (wrong type, curve, `alg`, or `use`), or,
    /// without a `kid`, more than one fits and the choice would be a guess.
    NoUsableKey,
}

/// The verification key for a token signed with `alg` (never an HMAC algorithm: those
/// use the client secret, not the JWKS). With a `kid`, only keys with that `kid` are
/// considered; without one, exactly one key may fit.
pub fn select_key(
    jwks: &Value,
    alg: Algorithm,
    kid: Option<&str>,
) -> Result<DecodingKey, KeyLookupError> {
    let keys = jwks
        .get("keys")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default();
    match kid {
        Some(kid) => {
            let mut with_kid = keys
                .iter()
                .filter(|k| k.get("kid").and_then(Value::as_str) == Some(kid))
                .peekable();
            if with_kid.peek().is_none() {
                return Err(KeyLookupError::UnknownKid(kid.to_string()));
            }
            with_kid
                .find_map(|k| usable(k, alg))
                .ok_or(KeyLookupError::NoUsableKey)
        }
        None => {
            let mut fitting = keys.iter().filter_map(|k| usable(k, alg));
            match (fitting.next(), fitting.next()) {
                (Some(key), None) => Ok(key),
                _ => Err(KeyLookupError::NoUsableKey),
            }
        }
    }
}

/// The decoding key if this JWK may verify `alg` signatures.
fn usable(key: &Value, alg: Algorithm) -> Option<DecodingKey> {
    let str_field = |name: &str| key.get(name).map(Value::as_str);
    // Absent `use` means any use; present, it must say signatures (RFC 7517 §4.2).
    if !matches!(str_field("use"), None | Some(Some("sig"))) {
        return None;
    }
    if let Some(ops) = key.get("key_ops") {
        let verifies = ops
            .as_array()
            .is_some_and(|ops| ops.iter().any(|op| op.as_str() == Some("verify")));
        if !verifies {
            return None;
        }
    }
    if let Some(key_alg) = key.get("alg") {
        if key_alg.as_str() != Some(alg_name(alg)) {
            return None;
        }
    }
    let kty = key.get("kty").and_then(Value::as_str)?;
    let crv = key.get("crv").and_then(Value::as_str);
    let fits = match alg {
        Algorithm::RS256
        | Algorithm::RS384
        | Algorithm::RS512
        | Algorithm::PS256
        | Algorithm::PS384
        | Algorithm::PS512 => kty == "RSA",
        Algorithm::ES256 => kty == "EC" && crv == Some("P-256"),
        Algorithm::ES384 => kty == "EC" && crv == Some("P-384"),
        Algorithm::EdDSA => kty == "OKP" && crv == Some("Ed25519"),
        Algorithm::HS256 | Algorithm::HS384 | Algorithm::HS512 => false,
    };
    if !fits {
        return None;
    }
    let jwk: Jwk = serde_json::from_value(key.clone()).ok()?;
    DecodingKey::from_jwk(&jwk).ok()
}

/// The JOSE name of an algorithm (RFC 7518 §3.1), as used in `alg` fields.
pub fn alg_name(alg: Algorithm) -> &'static str {
    match alg {
        Algorithm::HS256 => "HS256",
        Algorithm::HS384 => "HS384",
        Algorithm::HS512 => "HS512",
        Algorithm::ES256 => "ES256",
        Algorithm::ES384 => "ES384",
        Algorithm::RS256 => "RS256",
        Algorithm::RS384 => "RS384",
        Algorithm::RS512 => "RS512",
        Algorithm::PS256 => "PS256",
        Algorithm::PS384 => "PS384",
        Algorithm::PS512 => "PS512",
        Algorithm::EdDSA => "EdDSA",
    }
}
