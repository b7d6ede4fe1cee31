//! Validating an upstream ID token (OpenID Connect Core §3.1.3.7, at_hash §3.1.3.8).
//!
//! The signature is checked by `jsonwebtoken`; every claim check is done here against
//! the injected clock `now` (jsonwebtoken's own time checks read the system clock), and
//! each failure has its own error variant so logs and metrics can say why. Errors never
//! contain the token; the little token-derived text they carry is shortened.

use super::jwks::{alg_name, select_key, KeyLookupError};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde_json::{Map, Value};
use std::collections::HashSet;
use std::str::FromStr;

/// Largest ID token accepted; real ones are 1–4 KiB.
pub const MAX_ID_TOKEN_LEN: usize = 16 * 1024;

/// What the token must match: our request and the provider's configuration.
#[derive(Debug, Clone, Copy)]
pub struct Expectations<'a> {
    /// The issuer exactly as configured (no normalization).
    pub issuer: &'a str,
    pub client_id: &'a str,
    /// The nonce we sent; empty if none was sent (then the token must carry none).
    pub nonce: &'a str,
    /// Accepted algorithms; HMAC ones work only with `hmac_secret`.
    pub allowed_algs: &'a [Algorithm],
    /// The client secret, for providers that sign with HS256/384/512 (Core §10.1).
    pub hmac_secret: Option<&'a [u8]>,
    /// Unix seconds.
    pub now: i64,
    /// Clock skew tolerated on `exp`, `iat` and `nbf`, in seconds.
    pub leeway: i64,
    /// Refuse tokens issued more than this many seconds ago.
    pub max_age_of_iat: Option<i64>,
    /// The access token from the same response, to check `at_hash` against.
    pub access_token: Option<&'a str>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdTokenError {
    #[error("the ID token is larger than {MAX_ID_TOKEN_LEN} bytes")]
    TooLarge,
    #[error("the ID token is not a well-formed signed JWT")]
    Malformed,
    #[error("the ID token's signing algorithm {0:?} is not allowed")]
    AlgorithmNotAllowed(String),
    #[error("the ID token's key id {0:?} is not in the provider's key set")]
    UnknownKid(String),
    #[error("the provider's key set has no key usable for the ID token")]
    NoUsableKey,
    #[error("the ID token's signature is invalid")]
    BadSignature,
    #[error("the ID token's issuer is not the expected one")]
    Issuer,
    #[error("the ID token's audience does not include this client")]
    Audience,
    #[error("the ID token's authorized party (azp) is missing or not this client")]
    AuthorizedParty,
    #[error("the ID token has expired")]
    Expired,
    #[error("the ID token was issued in the future")]
    IssuedInFuture,
    #[error("the ID token is not valid yet (nbf)")]
    NotYetValid,
    #[error("the ID token was issued too long ago")]
    TooOld,
    #[error("the ID token has no valid {0} claim")]
    MissingClaim(&'static str),
    #[error("the ID token's nonce does not match")]
    Nonce,
    #[error("the ID token has no subject")]
    MissingSubject,
    #[error("the ID token's at_hash does not match the access token")]
    AtHash,
}

/// Verifies the token's signature with a key from `jwks` (or the HMAC secret) and its
/// claims against `exp`, and returns the claims.
pub fn validate(
    token: &str,
    jwks: &Value,
    exp: &Expectations,
) -> Result<Map<String, Value>, IdTokenError> {
    if token.len() > MAX_ID_TOKEN_LEN {
        return Err(IdTokenError::TooLarge);
    }
    let alg = checked_alg(token, exp)?;
    let header = jsonwebtoken::decode_header(token).map_err(|_| IdTokenError::Malformed)?;
    let key = if alg.family() == jsonwebtoken::AlgorithmFamily::Hmac {
        match exp.hmac_secret {
            Some(secret) if !secret.is_empty() => DecodingKey::from_secret(secret),
            _ => return Err(IdTokenError::AlgorithmNotAllowed(alg_name(alg).into())),
        }
    } else {
        select_key(jwks, alg, header.kid.as_deref()).map_err(|e| match e {
            KeyLookupError::UnknownKid(kid) => IdTokenError::UnknownKid(shorten(&kid)),
            KeyLookupError::NoUsableKey => IdTokenError::NoUsableKey,
        })?
    };
    let mut validation = Validation::new(alg);
    validation.validate_exp = false;
    validation.validate_nbf = false;
    validation.validate_aud = false;
    validation.required_spec_claims = HashSet::new();
    let claims = jsonwebtoken::decode::<Map<String, Value>>(token, &key, &validation)
        .map_err(|e| match e.kind() {
            ErrorKind::InvalidSignature => IdTokenError::BadSignature,
            ErrorKind::InvalidKeyFormat
            | ErrorKind::InvalidRsaKey(_)
            | ErrorKind::InvalidEcdsaKey
            | ErrorKind::InvalidEddsaKey
            | ErrorKind::InvalidAlgorithm => IdTokenError::NoUsableKey,
            _ => IdTokenError::Malformed,
        })?
        .claims;
    check_claims(&claims, alg, exp)?;
    Ok(claims)
}

/// The header's algorithm, read from the raw JSON before anything else so that `none`
/// (and any name jsonwebtoken does not know) is refused by name, never "decoded".
/// A `crit` header is refused: we implement no JWS extensions (RFC 7515 §4.1.11).
fn checked_alg(token: &str, exp: &Expectations) -> Result<Algorithm, IdTokenError> {
    let mut parts = token.split('.');
    let (Some(head), Some(_), Some(_), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(IdTokenError::Malformed);
    };
    let bytes = URL_SAFE_NO_PAD
        .decode(head)
        .map_err(|_| IdTokenError::Malformed)?;
    let header: Map<String, Value> =
        serde_json::from_slice(&bytes).map_err(|_| IdTokenError::Malformed)?;
    let name = header
        .get("alg")
        .and_then(Value::as_str)
        .ok_or(IdTokenError::Malformed)?;
    if name.eq_ignore_ascii_case("none") {
        return Err(IdTokenError::AlgorithmNotAllowed("none".into()));
    }
    let alg = Algorithm::from_str(name)
        .ok()
        .filter(|a| exp.allowed_algs.contains(a))
        .ok_or_else(|| IdTokenError::AlgorithmNotAllowed(shorten(name)))?;
    if header.contains_key("crit") {
        return Err(IdTokenError::Malformed);
    }
    Ok(alg)
}

/// Core §3.1.3.7 steps 2–11 (and §3.1.3.8 for `at_hash`), in the spec's order.
fn check_claims(
    c: &Map<String, Value>,
    alg: Algorithm,
    exp: &Expectations,
) -> Result<(), IdTokenError> {
    if c.get("iss").and_then(Value::as_str) != Some(exp.issuer) {
        return Err(IdTokenError::Issuer);
    }
    let audiences: Vec<&str> = match c.get("aud") {
        Some(Value::String(s)) => vec![s.as_str()],
        Some(Value::Array(items)) => items
            .iter()
            .map(Value::as_str)
            .collect::<Option<_>>()
            .ok_or(IdTokenError::Audience)?,
        _ => return Err(IdTokenError::Audience),
    };
    if !audiences.contains(&exp.client_id) {
        return Err(IdTokenError::Audience);
    }
    let several = audiences.iter().any(|a| *a != exp.client_id);
    match c.get("azp") {
        None if several => return Err(IdTokenError::AuthorizedParty),
        Some(azp) if azp.as_str() != Some(exp.client_id) => {
            return Err(IdTokenError::AuthorizedParty)
        }
        _ => {}
    }
    let expires = numeric_date(c.get("exp")).ok_or(IdTokenError::MissingClaim("exp"))?;
    if expires <= exp.now.saturating_sub(exp.leeway) {
        return Err(IdTokenError::Expired);
    }
    let iat = numeric_date(c.get("iat")).ok_or(IdTokenError::MissingClaim("iat"))?;
    if iat > exp.now.saturating_add(exp.leeway) {
        return Err(IdTokenError::IssuedInFuture);
    }
    if let Some(max_age) = exp.max_age_of_iat {
        if iat < exp.now.saturating_sub(max_age) {
            return Err(IdTokenError::TooOld);
        }
    }
    if let Some(nbf) = c.get("nbf") {
        let nbf = numeric_date(Some(nbf)).ok_or(IdTokenError::MissingClaim("nbf"))?;
        if nbf > exp.now.saturating_add(exp.leeway) {
            return Err(IdTokenError::NotYetValid);
        }
    }
    match c.get("nonce") {
        None if exp.nonce.is_empty() => {}
        Some(Value::String(n)) if !exp.nonce.is_empty() && n == exp.nonce => {}
        _ => return Err(IdTokenError::Nonce),
    }
    match c.get("sub") {
        Some(Value::String(s)) if !s.is_empty() => {}
        _ => return Err(IdTokenError::MissingSubject),
    }
    if let (Some(access_token), Some(at_hash)) = (exp.access_token, c.get("at_hash")) {
        if at_hash.as_str() != Some(token_hash(alg, access_token).as_str()) {
            return Err(IdTokenError::AtHash);
        }
    }
    Ok(())
}

/// A JWT NumericDate (RFC 7519 §2) as whole seconds; fractions are truncated toward
/// negative infinity and out-of-range values saturate, so huge values cannot overflow.
fn numeric_date(v: Option<&Value>) -> Option<i64> {
    let n = v?.as_number()?;
    if let Some(i) = n.as_i64() {
        return Some(i);
    }
    if n.as_u64().is_some() {
        return Some(i64::MAX);
    }
    n.as_f64()
        .filter(|f| f.is_finite())
        .map(|f| f.floor() as i64)
}

/// `at_hash`/`c_hash`: base64url of the left half of the hash of `value`, with the hash
/// of the signing algorithm (SHA-512 for EdDSA over Ed25519).
pub fn token_hash(alg: Algorithm, value: &str) -> String {
    use aws_lc_rs::digest;
    let algorithm = match alg {
        Algorithm::HS256 | Algorithm::RS256 | Algorithm::PS256 | Algorithm::ES256 => {
            &digest::SHA256
        }
        Algorithm::HS384 | Algorithm::RS384 | Algorithm::PS384 | Algorithm::ES384 => {
            &digest::SHA384
        }
        Algorithm::HS512 | Algorithm::RS512 | Algorithm::PS512 | Algorithm::EdDSA => {
            &digest::SHA512
        }
    };
    let hash = digest::digest(algorithm, value.as_bytes());
    let bytes = hash.as_ref();
    URL_SAFE_NO_PAD.encode(bytes.get(..bytes.len() / 2).unwrap_or(bytes))
}

/// Token-derived text in errors is limited to 64 characters.
fn shorten(s: &str) -> String {
    match s.char_indices().nth(64) {
        Some((i, _)) => format!("{}…", s.get(..i).unwrap_or(s)),
        None => s.to_string(),
    }
}

#[cfg(test)]
mod test_keys;
#[cfg(test)]
mod tests;
