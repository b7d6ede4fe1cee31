//! Signing compact JWS with a private key held by AWS-LC.

use super::alg::Alg;
use super::error::JwkError;
use crate::crypto::b64url;
use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::signature::{
    EcdsaKeyPair, Ed25519KeyPair, ECDSA_P256_SHA256_FIXED_SIGNING, ECDSA_P521_SHA512_FIXED_SIGNING,
    RSA_PKCS1_SHA256,
};
use serde::Serialize;

/// A private key loaded into AWS-LC.
pub(crate) enum KeyPair {
    Rsa(aws_lc_rs::rsa::KeyPair),
    Ecdsa(EcdsaKeyPair),
    Ed25519(Ed25519KeyPair),
}

impl KeyPair {
    pub(crate) fn from_pkcs8(alg: Alg, der: &[u8]) -> Result<KeyPair, String> {
        let rejected = |e: aws_lc_rs::error::KeyRejected| e.to_string();
        Ok(match alg {
            Alg::Rs256 => KeyPair::Rsa(aws_lc_rs::rsa::KeyPair::from_pkcs8(der).map_err(rejected)?),
            Alg::Es256 => KeyPair::Ecdsa(
                EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, der)
                    .map_err(rejected)?,
            ),
            Alg::Es512 => KeyPair::Ecdsa(
                EcdsaKeyPair::from_pkcs8(&ECDSA_P521_SHA512_FIXED_SIGNING, der)
                    .map_err(rejected)?,
            ),
            Alg::EdDsa => KeyPair::Ed25519(Ed25519KeyPair::from_pkcs8(der).map_err(rejected)?),
        })
    }

    fn sign(&self, msg: &[u8]) -> Result<Vec<u8>, JwkError> {
        let failed = |_| JwkError::Crypto("signing failed".into());
        let rng = SystemRandom::new();
        match self {
            KeyPair::Rsa(k) => {
                let mut sig = vec![0u8; k.public_modulus_len()];
                k.sign(&RSA_PKCS1_SHA256, &rng, msg, &mut sig)
                    .map_err(failed)?;
                Ok(sig)
            }
            KeyPair::Ecdsa(k) => Ok(k.sign(&rng, msg).map_err(failed)?.as_ref().to_vec()),
            KeyPair::Ed25519(k) => Ok(k.sign(msg).as_ref().to_vec()),
        }
    }
}

/// The key a set currently signs with. Cheap to share; immutable.
pub struct SigningKey {
    set: String,
    kid: String,
    alg: Alg,
    pair: KeyPair,
}

impl std::fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SigningKey")
            .field("set", &self.set)
            .field("kid", &self.kid)
            .field("alg", &self.alg)
            .finish_non_exhaustive()
    }
}

#[derive(Serialize)]
struct Header<'a> {
    alg: &'a str,
    kid: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    typ: Option<&'a str>,
}

impl SigningKey {
    /// `kid` is what tokens name in their header: the published (public) key id.
    pub(crate) fn new(set: &str, kid: &str, alg: Alg, der: &[u8]) -> Result<SigningKey, JwkError> {
        let pair = KeyPair::from_pkcs8(alg, der)
            .map_err(|e| JwkError::Crypto(format!("stored key {set}/{kid} is not usable: {e}")))?;
        Ok(SigningKey {
            set: set.to_string(),
            kid: kid.to_string(),
            alg,
            pair,
        })
    }

    /// The key id tokens carry in their `kid` header; `/.well-known/jwks.json` lists it.
    pub fn kid(&self) -> &str {
        &self.kid
    }

    /// The JWS algorithm name, e.g. `RS256`.
    pub fn alg(&self) -> &'static str {
        self.alg.as_str()
    }

    pub fn algorithm(&self) -> Alg {
        self.alg
    }

    pub fn set(&self) -> &str {
        &self.set
    }

    /// A compact JWS over `claims` with header `alg`, `kid` and, when given, `typ`.
    #[tracing::instrument(skip_all, fields(set = %self.set, kid = %self.kid))]
    pub fn sign(&self, claims: &impl Serialize, typ: Option<&str>) -> Result<String, JwkError> {
        let header = Header {
            alg: self.alg.as_str(),
            kid: &self.kid,
            typ,
        };
        let header = serde_json::to_vec(&header)
            .map_err(|e| JwkError::Crypto(format!("encoding JWS header: {e}")))?;
        let claims = serde_json::to_vec(claims)
            .map_err(|e| JwkError::Crypto(format!("encoding JWS claims: {e}")))?;
        let mut token = format!("{}.{}", b64url(&header), b64url(&claims));
        let sig = self.pair.sign(token.as_bytes())?;
        token.push('.');
        token.push_str(&b64url(&sig));
        Ok(token)
    }

    /// OpenID Connect `at_hash` / `c_hash` of `value`: the left half of its hash under
    /// the hash function of this key's algorithm, base64url-encoded.
    #[tracing::instrument(skip_all)]
    pub fn hash_for_at_hash(&self, value: &str) -> String {
        hash_left_half(self.alg, value)
    }
}

pub(crate) fn hash_left_half(alg: Alg, value: &str) -> String {
    let digest = aws_lc_rs::digest::digest(alg.oidc_hash(), value.as_bytes());
    let bytes = digest.as_ref();
    b64url(&bytes[..bytes.len() / 2])
}
