//! argon2id password hashing for users, on the shared [`Argon2Runner`].
//!
//! The dummy hash: a login for an email that does not exist verifies the password against
//! the runner's hash of a random value, made once with the same parameters as real
//! hashes. Both paths therefore run one full argon2id verification, so response time
//! does not tell whether an email has an account.

use crate::crypto::argon2::{is_phc, Argon2Runner, HashError};
use crate::secret::Secret;
use std::sync::Arc;

pub struct Passwords {
    argon2: Arc<Argon2Runner>,
}

impl std::fmt::Debug for Passwords {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Passwords([redacted])")
    }
}

impl Passwords {
    pub fn new(argon2: Arc<Argon2Runner>) -> Passwords {
        Passwords { argon2 }
    }

    /// The argon2id PHC string (`$argon2id$v=19$m=…`) for `password`.
    pub async fn hash(&self, password: &Secret) -> Result<String, HashError> {
        self.argon2.hash(password).await
    }

    /// Whether `password` matches `stored` (a PHC string). With `stored = None` (no such
    /// user) the dummy hash is verified instead and the answer is always `false`.
    /// A stored value that is not a valid PHC string also verifies the dummy, so every
    /// `false` costs the same.
    #[tracing::instrument(skip_all)]
    pub async fn verify(&self, password: &Secret, stored: Option<&str>) -> Result<bool, HashError> {
        let (target, real) = match stored {
            Some(s) if is_phc(s) => (s.to_string(), true),
            Some(_) => {
                tracing::error!("a stored password hash is not a PHC string");
                (self.argon2.dummy_hash().await.to_string(), false)
            }
            None => (self.argon2.dummy_hash().await.to_string(), false),
        };
        let matched = self.argon2.verify(&target, password).await?;
        Ok(matched && real)
    }

    /// Whether `stored` was made with other parameters than the configured ones (so a
    /// successful login should replace it).
    pub fn needs_rehash(&self, stored: &str) -> bool {
        self.argon2.needs_rehash(stored)
    }
}
