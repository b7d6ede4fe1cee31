//! Verifying compact JWS against a stored public key.
//!
//! The algorithm always comes from the stored key. A header naming any other algorithm
//! (`none`, `HS256`, another asymmetric one) is refused before any cryptography runs, so
//! the classic confusions (unsigned tokens; HMAC keyed with the public key) cannot work.

use super::alg::Alg;
use super::error::JwkError;
use super::model::Jwk;
use crate::crypto::b64url_decode;
use aws_lc_rs::signature::{
    RsaPublicKeyComponents, UnparsedPublicKey, ECDSA_P256_SHA256_FIXED, ECDSA_P521_SHA512_FIXED,
    ED25519, RSA_PKCS1_2048_8192_SHA256,
};
use serde_json::Value;

/// Tokens longer than this are refused unparsed (ID tokens are a few kilobytes).
pub const MAX_TOKEN_LEN: usize = 64 * 1024;

/// A public key ready to verify with.
#[derive(Debug, Clone)]
pub enum VerifyKey {
    Rsa {
        n: Vec<u8>,
        e: Vec<u8>,
    },
    /// Uncompressed SEC1 point `04 || x || y`.
    Ecdsa {
        alg: Alg,
        point: Vec<u8>,
    },
    Ed25519 {
        x: Vec<u8>,
    },
}

fn part(v: Option<&str>) -> Option<Vec<u8>> {
    b64url_decode(v?).filter(|b| !b.is_empty())
}

impl VerifyKey {
    /// From the public members of a stored JWK (validated when it was stored).
    pub fn from_jwk(alg: Alg, jwk: &Jwk) -> Option<VerifyKey> {
        match alg {
            Alg::Rs256 => {
                let strip = |mut b: Vec<u8>| {
                    let zeros = b.iter().take_while(|x| **x == 0).count();
                    b.drain(..zeros);
                    b
                };
                Some(VerifyKey::Rsa {
                    n: strip(part(jwk.n.as_deref())?),
                    e: strip(part(jwk.e.as_deref())?),
                })
            }
            Alg::Es256 | Alg::Es512 => {
                let mut point = vec![4u8];
                point.extend(part(jwk.x.as_deref())?);
                point.extend(part(jwk.y.as_deref())?);
                Some(VerifyKey::Ecdsa { alg, point })
            }
            Alg::EdDsa => Some(VerifyKey::Ed25519 {
                x: part(jwk.x.as_deref())?,
            }),
        }
    }

    pub fn verify(&self, msg: &[u8], sig: &[u8]) -> bool {
        match self {
            VerifyKey::Rsa { n, e } => RsaPublicKeyComponents { n, e }
                .verify(&RSA_PKCS1_2048_8192_SHA256, msg, sig)
                .is_ok(),
            VerifyKey::Ecdsa { alg, point } => {
                let params = if *alg == Alg::Es256 {
                    &ECDSA_P256_SHA256_FIXED
                } else {
                    &ECDSA_P521_SHA512_FIXED
                };
                UnparsedPublicKey::new(params, point)
                    .verify(msg, sig)
                    .is_ok()
            }
            VerifyKey::Ed25519 { x } => {
                UnparsedPublicKey::new(&ED25519, x).verify(msg, sig).is_ok()
            }
        }
    }
}

/// A compact JWS split and decoded, not yet verified.
pub struct Parsed<'a> {
    pub alg: String,
    pub kid: String,
    pub signing_input: &'a [u8],
    pub signature: Vec<u8>,
    pub payload: Vec<u8>,
}

fn bad(why: &'static str) -> JwkError {
    JwkError::InvalidToken(why)
}

pub fn parse(token: &str) -> Result<Parsed<'_>, JwkError> {
    if token.len() > MAX_TOKEN_LEN {
        return Err(bad("the token is too long"));
    }
    let mut parts = token.split('.');
    let (Some(h), Some(p), Some(s), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(bad("a JWS has three dot-separated parts"));
    };
    let header = b64url_decode(h).ok_or(bad("the header is not base64url"))?;
    let header: Value =
        serde_json::from_slice(&header).map_err(|_| bad("the header is not JSON"))?;
    let header = header
        .as_object()
        .ok_or(bad("the header is not a JSON object"))?;
    // No extension is understood, so a token demanding one must be refused (RFC 7515 §4.1.11).
    if header.contains_key("crit") {
        return Err(bad("the header names critical extensions"));
    }
    let alg = header
        .get("alg")
        .and_then(Value::as_str)
        .ok_or(bad("the header has no alg"))?;
    let kid = header
        .get("kid")
        .and_then(Value::as_str)
        .ok_or(bad("the header has no kid"))?;
    let payload = b64url_decode(p).ok_or(bad("the payload is not base64url"))?;
    let signature = b64url_decode(s).ok_or(bad("the signature is not base64url"))?;
    Ok(Parsed {
        alg: alg.to_string(),
        kid: kid.to_string(),
        signing_input: &token.as_bytes()[..h.len() + 1 + p.len()],
        signature,
        payload,
    })
}

/// Verifies `parsed` with a stored key of algorithm `alg`; returns the claims.
pub fn check(parsed: &Parsed<'_>, alg: Alg, key: &VerifyKey) -> Result<Value, JwkError> {
    if parsed.alg != alg.as_str() {
        return Err(bad("the header alg is not the algorithm of the key"));
    }
    if !key.verify(parsed.signing_input, &parsed.signature) {
        return Err(bad("the signature does not verify"));
    }
    let claims: Value =
        serde_json::from_slice(&parsed.payload).map_err(|_| bad("the payload is not JSON"))?;
    if !claims.is_object() {
        return Err(bad("the payload is not a JSON object"));
    }
    Ok(claims)
}
