//! Key material: generation (AWS-LC), and conversion between PKCS#8 DER and JWK
//! components (RustCrypto key types, used only to read and write numbers, never to sign).
//!
//! Every imported private key is converted to PKCS#8 and then loaded by AWS-LC before it
//! is accepted, so a key that is stored can always sign.

mod curve;
mod rsa;

use super::alg::Alg;
use super::error::JwkError;
use super::model::Jwk;
use super::signer::KeyPair;
use crate::crypto::{b64url, b64url_decode};
use aws_lc_rs::encoding::AsDer;
use aws_lc_rs::signature::{
    EcdsaKeyPair, Ed25519KeyPair, ECDSA_P256_SHA256_FIXED_SIGNING, ECDSA_P521_SHA512_FIXED_SIGNING,
};

/// A new private key for `alg`, as PKCS#8 DER. RSA keys have 2048 bits: AWS-LC's
/// default for signing and what JWT libraries expect; Hydra 1.9 used 4096, which takes
/// seconds to generate and doubles token size for no practical gain at today's limits.
pub fn generate(alg: Alg) -> Result<Vec<u8>, JwkError> {
    let fail = |what: &str| JwkError::Crypto(format!("generating a {alg} key failed: {what}"));
    match alg {
        Alg::Rs256 => {
            let pair = aws_lc_rs::rsa::KeyPair::generate(aws_lc_rs::rsa::KeySize::Rsa2048)
                .map_err(|_| fail("keygen"))?;
            let der = pair.as_der().map_err(|_| fail("encoding"))?;
            Ok(der.as_ref().to_vec())
        }
        Alg::Es256 | Alg::Es512 => {
            let signing = if alg == Alg::Es256 {
                &ECDSA_P256_SHA256_FIXED_SIGNING
            } else {
                &ECDSA_P521_SHA512_FIXED_SIGNING
            };
            let pair = EcdsaKeyPair::generate(signing).map_err(|_| fail("keygen"))?;
            let doc = pair.to_pkcs8v1().map_err(|_| fail("encoding"))?;
            Ok(doc.as_ref().to_vec())
        }
        Alg::EdDsa => {
            let pair = Ed25519KeyPair::generate().map_err(|_| fail("keygen"))?;
            let doc = pair.to_pkcs8v1().map_err(|_| fail("encoding"))?;
            Ok(doc.as_ref().to_vec())
        }
    }
}

/// The key-type members (`kty`, `crv`, public and private parameters) of a PKCS#8 key;
/// the caller adds `kid`, `use`, `alg`.
pub fn jwk_from_pkcs8(alg: Alg, der: &[u8]) -> Result<Jwk, JwkError> {
    match alg {
        Alg::Rs256 => rsa::from_pkcs8(der),
        Alg::Es256 | Alg::Es512 | Alg::EdDsa => curve::from_pkcs8(alg, der),
    }
}

/// An imported key, validated and normalised.
#[derive(Debug)]
pub struct Imported {
    pub alg: Alg,
    /// The public members, with `kid`, `use`, `alg` set (what the JWKS may show).
    pub public: Jwk,
    /// The private key, when the JWK had one.
    pub pkcs8: Option<Vec<u8>>,
}

/// Validates a JWK given to the admin API. `kid` must be set by the caller. `use`
/// defaults to `sig` and `alg` to the usual algorithm of the key type.
pub fn import(jwk: &Jwk) -> Result<Imported, JwkError> {
    let kid = jwk.kid.as_deref().unwrap_or_default();
    if kid.is_empty() {
        return Err(JwkError::invalid("The JSON Web Key needs a \"kid\""));
    }
    let use_ = jwk.use_.as_deref().unwrap_or("sig");
    if use_ != "sig" && use_ != "enc" {
        return Err(JwkError::invalid(format!(
            "The JSON Web Key \"use\" must be \"sig\" or \"enc\", not {use_:?}"
        )));
    }
    let kty = jwk
        .kty
        .as_deref()
        .ok_or_else(|| JwkError::invalid("The JSON Web Key needs a \"kty\""))?;
    if kty == "oct" || jwk.k.is_some() {
        return Err(JwkError::invalid(
            "Symmetric (\"oct\") keys are not supported; use an RSA, EC or OKP key",
        ));
    }
    let alg = match jwk.alg.as_deref() {
        Some(name) => Alg::parse(name).ok_or_else(|| unsupported_alg(name))?,
        None => Alg::infer(kty, jwk.crv.as_deref()).ok_or_else(|| {
            JwkError::invalid(format!(
                "Unsupported key type {kty:?} (curve {:?}); supported: RSA, EC P-256, \
                 EC P-521, OKP Ed25519",
                jwk.crv.as_deref().unwrap_or("none")
            ))
        })?,
    };
    if kty != alg.kty() {
        return Err(JwkError::invalid(format!(
            "A key for {alg} must have \"kty\" {:?}, not {kty:?}",
            alg.kty()
        )));
    }
    let (mut public, pkcs8) = match alg {
        Alg::Rs256 => rsa::import(jwk)?,
        Alg::Es256 | Alg::Es512 | Alg::EdDsa => curve::import(alg, jwk)?,
    };
    if let Some(der) = &pkcs8 {
        // The last word on whether a key is usable is the library that will sign with it.
        KeyPair::from_pkcs8(alg, der).map_err(|e| {
            JwkError::invalid(format!("The private key is not usable for {alg}: {e}"))
        })?;
    }
    public.kid = Some(kid.to_string());
    public.use_ = Some(use_.to_string());
    public.alg = Some(alg.as_str().to_string());
    public.x5c = jwk.x5c.clone();
    Ok(Imported { alg, public, pkcs8 })
}

pub fn unsupported_alg(name: &str) -> JwkError {
    JwkError::invalid(format!(
        "Unsupported algorithm {name:?}; supported: RS256, ES256, ES512, EdDSA"
    ))
}

/// Decodes a required base64url member.
fn member(value: Option<&str>, name: &str) -> Result<Vec<u8>, JwkError> {
    let v = value.ok_or_else(|| JwkError::invalid(format!("The key is missing {name:?}")))?;
    decode(v, name)
}

fn decode(v: &str, name: &str) -> Result<Vec<u8>, JwkError> {
    match b64url_decode(v) {
        Some(bytes) if !bytes.is_empty() => Ok(bytes),
        _ => Err(JwkError::invalid(format!(
            "The key member {name:?} is not unpadded base64url"
        ))),
    }
}

/// A fixed-size member (curve coordinates and scalars must have the full field size,
/// RFC 7518 §6.2.1.2).
fn fixed(value: Option<&str>, name: &str, len: usize) -> Result<Vec<u8>, JwkError> {
    let bytes = member(value, name)?;
    if bytes.len() != len {
        return Err(JwkError::invalid(format!(
            "The key member {name:?} must be {len} bytes, not {}",
            bytes.len()
        )));
    }
    Ok(bytes)
}

fn enc(bytes: &[u8]) -> Option<String> {
    Some(b64url(bytes))
}
