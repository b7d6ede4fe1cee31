//! argon2id password hashing for users.
//!
//! Hashing and verification run on the blocking pool (`spawn_blocking`), at most one per
//! CPU at a time (a semaphore), so a burst of logins queues instead of stalling the async
//! runtime or allocating the argon2 memory cost once per request.
//!
//! The dummy hash: a login for an email that does not exist verifies the password against
//! a hash of a random value made once when `Passwords` is built, with the same parameters
//! as real hashes. Both paths therefore run one full argon2id verification, so response
//! time does not tell whether an email has an account.

use crate::config::Argon2Params;
use crate::crypto::{random_bytes, random_token};
use crate::secret::Secret;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use std::sync::Arc;
use tokio::sync::Semaphore;

#[derive(Debug, thiserror::Error)]
#[error("cannot hash the password: {0}")]
pub struct HashError(String);

pub struct Passwords {
    params: Params,
    /// PHC string of a random value nobody knows; see the module documentation.
    dummy: String,
    hashing: Arc<Semaphore>,
}

impl std::fmt::Debug for Passwords {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Passwords([redacted])")
    }
}

impl Passwords {
    /// Builds the hasher and its dummy hash (one argon2id run, on the calling thread:
    /// this happens once, at start).
    pub fn new(params: &Argon2Params) -> Passwords {
        let params = Params::new(params.memory, params.iterations, params.parallelism, None)
            .unwrap_or_else(|e| {
                // Settings validation rejects unusable values, so this is a bug guard.
                tracing::error!(error = %e, "invalid argon2 parameters; using the defaults");
                Params::DEFAULT
            });
        let dummy = hash_blocking(&argon2(&params), &Secret::new(random_token(32)))
            // Hashing a 43-byte value with valid parameters cannot fail; if it somehow did,
            // a syntactically valid PHC string still makes the unknown-email path run
            // argon2 (with the default cost) rather than return early.
            .unwrap_or_else(|_| {
                "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$\
                 AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
                    .into()
            });
        let cpus = std::thread::available_parallelism().map_or(2, |n| n.get());
        Passwords {
            params,
            dummy,
            hashing: Arc::new(Semaphore::new(cpus.max(2))),
        }
    }

    /// The argon2id PHC string (`$argon2id$v=19$m=…`) for `password`.
    #[tracing::instrument(skip_all)]
    pub async fn hash(&self, password: &Secret) -> Result<String, HashError> {
        let argon2 = argon2(&self.params);
        let password = password.clone();
        let _permit = self.permit().await?;
        tokio::task::spawn_blocking(move || hash_blocking(&argon2, &password))
            .await
            .map_err(|e| HashError(e.to_string()))?
    }

    /// Whether `password` matches `stored` (a PHC string). With `stored = None` (no such
    /// user) the dummy hash is verified instead and the answer is always `false`.
    /// A stored value that is not a valid PHC string also verifies the dummy, so every
    /// `false` costs the same.
    #[tracing::instrument(skip_all)]
    pub async fn verify(&self, password: &Secret, stored: Option<&str>) -> Result<bool, HashError> {
        let (target, real) = match stored {
            Some(s) if PasswordHash::new(s).is_ok() => (s.to_string(), true),
            Some(_) => {
                tracing::error!("a stored password hash is not a PHC string");
                (self.dummy.clone(), false)
            }
            None => (self.dummy.clone(), false),
        };
        let password = password.clone();
        let _permit = self.permit().await?;
        let matched = tokio::task::spawn_blocking(move || {
            // Parsing succeeded above; a failure here means no match.
            PasswordHash::new(&target).is_ok_and(|h| {
                Argon2::default()
                    .verify_password(password.expose().as_bytes(), &h)
                    .is_ok()
            })
        })
        .await
        .map_err(|e| HashError(e.to_string()))?;
        Ok(matched && real)
    }

    /// Whether `stored` was made with other parameters than the configured ones (so a
    /// successful login should replace it).
    pub fn needs_rehash(&self, stored: &str) -> bool {
        match PasswordHash::new(stored) {
            Ok(h) => {
                h.algorithm != argon2::ARGON2ID_IDENT
                    || Params::try_from(&h).map_or(true, |p| {
                        p.m_cost() != self.params.m_cost()
                            || p.t_cost() != self.params.t_cost()
                            || p.p_cost() != self.params.p_cost()
                    })
            }
            Err(_) => true,
        }
    }

    async fn permit(&self) -> Result<tokio::sync::OwnedSemaphorePermit, HashError> {
        self.hashing
            .clone()
            .acquire_owned()
            .await
            .map_err(|e| HashError(e.to_string()))
    }
}

fn argon2(params: &Params) -> Argon2<'static> {
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params.clone())
}

fn hash_blocking(argon2: &Argon2<'static>, password: &Secret) -> Result<String, HashError> {
    let salt = SaltString::encode_b64(&random_bytes(16)).map_err(|e| HashError(e.to_string()))?;
    argon2
        .hash_password(password.expose().as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| HashError(e.to_string()))
}
