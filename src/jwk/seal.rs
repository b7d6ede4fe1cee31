//! Private keys at rest: AES-256-GCM (AWS-LC) under the system secret's key-encryption
//! key, with the set and kid as associated data so a sealed key copied to another row
//! does not decrypt.
//!
//! Layout: `version (1) || nonce (12) || ciphertext || tag (16)`. The nonce is random;
//! with one encryption per stored key, random 96-bit nonces are far from collision
//! limits. Sealing uses the current secret; opening tries every configured secret,
//! current first, which is what lets `SECRETS_SYSTEM` be rotated.

use super::error::JwkError;
use crate::crypto::{Purpose, SystemKeys};
use aws_lc_rs::aead::{Aad, Nonce, RandomizedNonceKey, AES_256_GCM, NONCE_LEN};

const VERSION: u8 = 1;
const TAG_LEN: usize = 16;

fn aad(set: &str, kid: &str) -> Vec<u8> {
    // Length-prefixed so that ("a:b", "c") and ("a", "b:c") differ.
    let mut out = Vec::with_capacity(24 + set.len() + kid.len());
    out.extend_from_slice(b"portcullis/jwk/v1");
    out.extend_from_slice(&(set.len() as u64).to_be_bytes());
    out.extend_from_slice(set.as_bytes());
    out.extend_from_slice(kid.as_bytes());
    out
}

fn key(bytes: &[u8; 32]) -> Result<RandomizedNonceKey, JwkError> {
    RandomizedNonceKey::new(&AES_256_GCM, bytes).map_err(|_| JwkError::Crypto("AES key".into()))
}

/// Encrypts `plaintext` (a PKCS#8 document) for storage under (`set`, `kid`).
pub fn seal(
    keys: &SystemKeys,
    set: &str,
    kid: &str,
    plaintext: &[u8],
) -> Result<Vec<u8>, JwkError> {
    let k = key(keys.current(Purpose::KeyEncryption))?;
    let mut buf = plaintext.to_vec();
    let nonce = k
        .seal_in_place_append_tag(Aad::from(aad(set, kid)), &mut buf)
        .map_err(|_| JwkError::Crypto("sealing failed".into()))?;
    let mut out = Vec::with_capacity(1 + NONCE_LEN + buf.len());
    out.push(VERSION);
    out.extend_from_slice(nonce.as_ref());
    out.extend_from_slice(&buf);
    Ok(out)
}

/// Decrypts what [`seal`] produced for (`set`, `kid`) with any configured secret.
/// Returns the plaintext and whether the current secret was the one that worked.
pub fn open(
    keys: &SystemKeys,
    set: &str,
    kid: &str,
    sealed: &[u8],
) -> Result<(Vec<u8>, bool), JwkError> {
    let undecryptable = || JwkError::Undecryptable(format!("{set}/{kid}"));
    if sealed.len() < 1 + NONCE_LEN + TAG_LEN || sealed[0] != VERSION {
        return Err(undecryptable());
    }
    let (nonce, ciphertext) = sealed[1..].split_at(NONCE_LEN);
    let aad = aad(set, kid);
    for (i, bytes) in keys.all(Purpose::KeyEncryption).enumerate() {
        let nonce = Nonce::try_assume_unique_for_key(nonce).map_err(|_| undecryptable())?;
        let mut buf = ciphertext.to_vec();
        if let Ok(plain) = key(bytes)?.open_in_place(nonce, Aad::from(&aad), &mut buf) {
            return Ok((plain.to_vec(), i == 0));
        }
    }
    Err(undecryptable())
}
