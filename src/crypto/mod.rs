//! Keys derived from the system secret, opaque handles (tokens, codes, challenges),
//! the shared argon2 runner, and randomness. All primitives come from AWS-LC
//! (`aws-lc-rs`) and RustCrypto's `argon2`; nothing here implements cryptography itself.

pub mod argon2;
pub mod handle;
pub mod seal;
pub mod system;

pub use system::{Purpose, SystemKeys};

use aws_lc_rs::rand::{SecureRandom, SystemRandom};
use base64::Engine;

/// `n` bytes from the operating system's CSPRNG.
pub fn random_bytes(n: usize) -> Vec<u8> {
    let mut buf = vec![0u8; n];
    // The system RNG failing is not recoverable and never happens on a healthy host.
    SystemRandom::new()
        .fill(&mut buf)
        .expect("the system random number generator failed");
    buf
}

/// A URL-safe random string carrying `bytes * 8` bits of entropy.
pub fn random_token(bytes: usize) -> String {
    b64url(&random_bytes(bytes))
}

pub fn b64url(data: &[u8]) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(data)
}

pub fn b64url_decode(s: &str) -> Option<Vec<u8>> {
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(s)
        .ok()
}

/// Constant-time equality, for comparing secrets and MACs.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    use subtle::ConstantTimeEq;
    a.len() == b.len() && bool::from(a.ct_eq(b))
}
