//! argon2id password hashing for users, on the shared [`Argon2Runner`].
//!
//! The dummy hash: a login for an email that does not exist verifies the password against
//! a hash of a random value made once when `Passwords` is built, with the same parameters
//! as real hashes. Both paths therefore run one full argon2id verification, so response
//! time does not tell whether an email has an account.

use crate::crypto::argon2::{is_phc, Argon2Runner, HashError};
use crate::crypto::random_token;
use crate::secret::Secret;
use std::sync::Arc;

pub struct Passwords {
    argon2: Arc<Argon2Runner>,
    /// PHC string of a random value nobody knows; see the module documentation.
    dummy: String,
}

impl std::fmt::Debug for Passwords {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Passwords([redacted])")
    }
}

impl Passwords {
    /// Builds the hasher and its dummy hash (one argon2id run, on the calling thread:
    /// this happens once, at start).
    pub fn new(argon2: Arc<Argon2Runner>) -> Passwords {
        let dummy = argon2
            .hash_now(&Secret::new(random_token(32)))
            // Hashing a 43-byte value with valid parameters cannot fail; if it somehow did,
            // a syntactically valid PHC string still makes the unknown-email path run
            // argon2 (with the default cost) rather than return early.
            .unwrap_or_else(|_| {
                "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$\
                 AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
                    .into()
            });
        Passwords { argon2, dummy }
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
            Some(s) if is_phc(s) => (s, true),
            Some(_) => {
                tracing::error!("a stored password hash is not a PHC string");
                (self.dummy.as_str(), false)
            }
            None => (self.dummy.as_str(), false),
        };
        let matched = self.argon2.verify(target, password).await?;
        Ok(matched && real)
    }

    /// Whether `stored` was made with other parameters than the configured ones (so a
    /// successful login should replace it).
    pub fn needs_rehash(&self, stored: &str) -> bool {
        self.argon2.needs_rehash(stored)
    }
}
