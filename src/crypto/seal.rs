//! Secrets at rest (private keys, upstream client secrets, upstream ID tokens):
//! AES-256-GCM (AWS-LC) under the system secret's key-encryption key, with what the
//! value belongs to as associated data, so a sealed value copied to another row does
//! not decrypt.
//!
//! Layout: `version (1) || nonce (12) || ciphertext || tag (16)`. The nonce is random;
//! with one encryption per stored value, random 96-bit nonces are far from collision
//! limits. Sealing uses the current secret; opening tries every configured secret,
//! current first, which is what lets `SECRETS_SYSTEM` be rotated.

use super::{Purpose, SystemKeys};
use aws_lc_rs::aead::{Aad, Nonce, RandomizedNonceKey, AES_256_GCM, NONCE_LEN};

const VERSION: u8 = 1;
const TAG_LEN: usize = 16;

/// What a sealed value is bound to: a domain (what kind of value) and two names within
/// it (for a private key, its set and kid).
#[derive(Debug, Clone, Copy)]
pub struct Binding<'a> {
    pub domain: &'static str,
    pub a: &'a str,
    pub b: &'a str,
}

impl<'a> Binding<'a> {
    /// A JSON Web Key's private half: (set, kid). The domain tag is the one keys have
    /// always been sealed under.
    pub fn jwk(set: &'a str, kid: &'a str) -> Binding<'a> {
        Binding {
            domain: "portcullis/jwk/v1",
            a: set,
            b: kid,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SealError {
    #[error("cannot encrypt: {0}")]
    Crypto(&'static str),
    /// No configured secret opens it, or it was tampered with or moved.
    #[error("cannot decrypt the value sealed for {0}")]
    Undecryptable(String),
}

fn aad(to: Binding<'_>) -> Vec<u8> {
    // Length-prefixed so that ("a:b", "c") and ("a", "b:c") differ.
    let mut out = Vec::with_capacity(24 + to.a.len() + to.b.len());
    out.extend_from_slice(to.domain.as_bytes());
    out.extend_from_slice(&(to.a.len() as u64).to_be_bytes());
    out.extend_from_slice(to.a.as_bytes());
    out.extend_from_slice(to.b.as_bytes());
    out
}

fn key(bytes: &[u8; 32]) -> Result<RandomizedNonceKey, SealError> {
    RandomizedNonceKey::new(&AES_256_GCM, bytes).map_err(|_| SealError::Crypto("AES key"))
}

/// Encrypts `plaintext` for storage, bound to `to`.
pub fn seal(keys: &SystemKeys, to: Binding<'_>, plaintext: &[u8]) -> Result<Vec<u8>, SealError> {
    let k = key(keys.current(Purpose::KeyEncryption))?;
    let mut buf = plaintext.to_vec();
    let nonce = k
        .seal_in_place_append_tag(Aad::from(aad(to)), &mut buf)
        .map_err(|_| SealError::Crypto("sealing failed"))?;
    let mut out = Vec::with_capacity(1 + NONCE_LEN + buf.len());
    out.push(VERSION);
    out.extend_from_slice(nonce.as_ref());
    out.extend_from_slice(&buf);
    Ok(out)
}

/// Decrypts what [`seal`] produced for `to` with any configured secret. Returns the
/// plaintext and whether the current secret was the one that worked.
pub fn open(
    keys: &SystemKeys,
    to: Binding<'_>,
    sealed: &[u8],
) -> Result<(Vec<u8>, bool), SealError> {
    let undecryptable = || SealError::Undecryptable(format!("{}/{}", to.a, to.b));
    if sealed.len() < 1 + NONCE_LEN + TAG_LEN || sealed[0] != VERSION {
        return Err(undecryptable());
    }
    let (nonce, ciphertext) = sealed[1..].split_at(NONCE_LEN);
    let aad = aad(to);
    for (i, bytes) in keys.all(Purpose::KeyEncryption).enumerate() {
        let nonce = Nonce::try_assume_unique_for_key(nonce).map_err(|_| undecryptable())?;
        let mut buf = ciphertext.to_vec();
        if let Ok(plain) = key(bytes)?.open_in_place(nonce, Aad::from(&aad), &mut buf) {
            return Ok((plain.to_vec(), i == 0));
        }
    }
    Err(undecryptable())
}
