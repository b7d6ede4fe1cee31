//! Per-purpose keys derived from `SECRETS_SYSTEM`.
//!
//! Each entry of the secret list is expanded with HKDF-SHA256 into independent keys, one
//! per [`Purpose`], so that a MAC key is never also an encryption key. The first entry is
//! the current one (it signs and encrypts); all entries verify and decrypt, which is what
//! makes rotation possible: prepend the new secret, keep the old one until every key has
//! been re-encrypted and every token signed with it has expired.

use crate::secret::Secret;
use aws_lc_rs::hkdf;
use aws_lc_rs::hmac;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// HMAC of opaque tokens, codes and challenges (what the database stores).
    TokenSignature,
    /// AES-256-GCM encryption of private keys at rest.
    KeyEncryption,
    /// HMAC of cookies when no `SECRETS_COOKIE` is set.
    Cookie,
    /// The check value stored in the database to detect a wrong secret at start.
    SecretCheck,
    /// Keyed hashes of verified client secrets held in memory.
    SecretCache,
    /// Redirects to upstream providers: the HMAC their `state` is stored under, the
    /// nonce and PKCE verifier derived from it, and the browser binding.
    Upstream,
}

impl Purpose {
    fn info(self) -> &'static [u8] {
        match self {
            Purpose::TokenSignature => b"portcullis/v1/token-signature",
            Purpose::KeyEncryption => b"portcullis/v1/key-encryption",
            Purpose::Cookie => b"portcullis/v1/cookie",
            Purpose::SecretCheck => b"portcullis/v1/secret-check",
            Purpose::SecretCache => b"portcullis/v1/secret-cache",
            Purpose::Upstream => b"portcullis/v1/upstream",
        }
    }
}

struct Len32;
impl hkdf::KeyType for Len32 {
    fn len(&self) -> usize {
        32
    }
}

/// Key material derived from the system secrets. `Debug` prints nothing secret.
#[derive(Clone)]
pub struct SystemKeys {
    /// One 32-byte key per purpose per secret, in secret order (index 0 = current).
    derived: Vec<[[u8; 32]; 6]>,
}

impl std::fmt::Debug for SystemKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SystemKeys({} secrets, [redacted])", self.derived.len())
    }
}

const ALL: [Purpose; 6] = [
    Purpose::TokenSignature,
    Purpose::KeyEncryption,
    Purpose::Cookie,
    Purpose::SecretCheck,
    Purpose::SecretCache,
    Purpose::Upstream,
];

fn index(p: Purpose) -> usize {
    ALL.iter().position(|x| *x == p).unwrap_or(0)
}

impl SystemKeys {
    /// Derives keys from the configured secrets. `secrets` must not be empty.
    pub fn derive(secrets: &[Secret]) -> SystemKeys {
        let salt = hkdf::Salt::new(hkdf::HKDF_SHA256, b"portcullis");
        let derived = secrets
            .iter()
            .map(|s| {
                let prk = salt.extract(s.expose().as_bytes());
                let mut out = [[0u8; 32]; 6];
                for (i, p) in ALL.iter().enumerate() {
                    let info = [p.info()];
                    // Expanding 32 bytes from SHA-256 HKDF cannot fail.
                    let okm = prk.expand(&info, Len32).expect("HKDF length is valid");
                    okm.fill(&mut out[i]).expect("HKDF length is valid");
                }
                out
            })
            .collect();
        SystemKeys { derived }
    }

    /// The current key for `purpose`.
    pub fn current(&self, purpose: Purpose) -> &[u8; 32] {
        &self.derived[0][index(purpose)]
    }

    /// Every key for `purpose`, current first.
    pub fn all(&self, purpose: Purpose) -> impl Iterator<Item = &[u8; 32]> {
        self.derived.iter().map(move |d| &d[index(purpose)])
    }

    /// HMAC-SHA256 under the current key for `purpose`.
    pub fn mac(&self, purpose: Purpose, data: &[u8]) -> [u8; 32] {
        mac_with(self.current(purpose), data)
    }

    /// The value stored in the database so a start with the wrong secret is caught.
    pub fn secret_check(&self) -> String {
        super::b64url(&self.mac(Purpose::SecretCheck, b"secret-check"))
    }

    /// Whether `stored` was made by any of the configured secrets; returns its index.
    pub fn matches_secret_check(&self, stored: &str) -> Option<usize> {
        let stored = super::b64url_decode(stored)?;
        self.all(Purpose::SecretCheck)
            .position(|k| super::constant_time_eq(&mac_with(k, b"secret-check"), &stored))
    }
}

pub fn mac_with(key: &[u8; 32], data: &[u8]) -> [u8; 32] {
    let k = hmac::Key::new(hmac::HMAC_SHA256, key);
    let tag = hmac::sign(&k, data);
    let mut out = [0u8; 32];
    out.copy_from_slice(tag.as_ref());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(s: &[&str]) -> SystemKeys {
        SystemKeys::derive(&s.iter().map(|x| Secret::new(*x)).collect::<Vec<_>>())
    }

    #[test]
    fn purposes_get_independent_keys() {
        let k = keys(&["a-long-enough-system-secret"]);
        assert_ne!(
            k.current(Purpose::TokenSignature),
            k.current(Purpose::KeyEncryption)
        );
        assert_ne!(k.current(Purpose::Cookie), k.current(Purpose::SecretCheck));
    }

    #[test]
    fn secret_check_survives_rotation() {
        let old = keys(&["the-old-system-secret-value"]);
        let check = old.secret_check();
        let rotated = keys(&["the-new-system-secret-value", "the-old-system-secret-value"]);
        assert_eq!(rotated.matches_secret_check(&check), Some(1));
        let wrong = keys(&["some-unrelated-secret-value"]);
        assert_eq!(wrong.matches_secret_check(&check), None);
        assert_eq!(wrong.matches_secret_check("not base64 !!"), None);
    }

    #[test]
    fn debug_prints_no_key_material() {
        let k = keys(&["a-long-enough-system-secret"]);
        assert_eq!(format!("{k:?}"), "SystemKeys(1 secrets, [redacted])");
    }
}
