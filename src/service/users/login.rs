//! The login check: email and password in, a `User` or one generic failure out.
//!
//! Every failure (no such email, wrong password, disabled user) is the same
//! `InvalidCredentials` and costs one argon2id verification; every attempt is counted
//! by the throttle before its check, so neither the answer, its timing nor the lockout behaviour tells whether an
//! account exists.

use super::throttle::{self, Keys, Reserved};
use super::Users;
use crate::model::user::normalize_email;
use crate::model::User;
use crate::protocol::user::{could_be_stored, MAX_PASSWORD_BYTES};
use crate::secret::Secret;
use std::net::IpAddr;

#[derive(Debug, thiserror::Error)]
pub enum LoginError {
    /// The one answer for every wrong email, password or disabled account.
    #[error("the email address or password is incorrect")]
    InvalidCredentials,
    /// Too many recent failures for this account or address; try again later.
    #[error("too many failed login attempts; try again in {retry_after_secs} seconds")]
    Throttled { retry_after_secs: u64 },
    /// The database is unreachable right now; the person may retry (503).
    #[error("the database is unavailable")]
    Unavailable,
    /// The check could not run (database or hashing failure). Already logged.
    #[error("internal error: {0}")]
    Internal(String),
}

impl Users {
    /// Checks `email` and `password` for a login from `client_addr` at `now` (unix seconds).
    #[tracing::instrument(skip_all)]
    pub async fn authenticate(
        &self,
        email: &str,
        password: &Secret,
        client_addr: IpAddr,
        now: i64,
    ) -> Result<User, LoginError> {
        let email = normalize_email(email);
        let keys = Keys::new(&self.keys, &email, client_addr);
        // A burst of attempts for one account or address waits here instead of queueing
        // argon2 runs for everyone else.
        let Some(_slot) = self.in_flight.enter(&keys, self.throttle.max_concurrent) else {
            tracing::info!("login refused: too many checks in flight for this account or address");
            return Err(LoginError::Throttled {
                retry_after_secs: 1,
            });
        };
        if let Reserved::Wait(secs) = throttle::reserve(&self.store, &self.throttle, &keys, now)
            .await
            .map_err(internal)?
        {
            tracing::info!(retry_after_secs = secs, "login refused: throttled");
            return Err(LoginError::Throttled {
                retry_after_secs: secs,
            });
        }

        // An over-long password cannot be right (none can be set) and is not worth an argon2
        // run; refusing it early depends only on the password, not on the account.
        // Likewise an email no account can have is not looked up (the dummy hash still runs).
        let found = if password.len() > MAX_PASSWORD_BYTES || !could_be_stored(&email) {
            None
        } else {
            self.store
                .user_credentials_by_email(&email)
                .await
                .map_err(internal)?
        };
        let matched = if password.len() > MAX_PASSWORD_BYTES {
            false
        } else {
            self.passwords
                .verify(password, found.as_ref().map(|(_, h)| h.as_str()))
                .await
                .map_err(internal)?
        };

        match found {
            Some((user, hash)) if matched && !user.disabled => {
                throttle::record_success(&self.store, &keys)
                    .await
                    .map_err(internal)?;
                self.upgrade_hash(&user, &hash, password).await;
                Ok(user)
            }
            other => {
                let reason = match &other {
                    None => "unknown email",
                    Some((u, _)) if u.disabled && matched => "disabled user",
                    Some(_) => "wrong password",
                };
                tracing::info!(
                    user_id = other.as_ref().map(|(u, _)| u.id.to_string()),
                    reason,
                    "login failed"
                );
                Err(LoginError::InvalidCredentials)
            }
        }
    }

    /// After a successful login, replaces a hash made with other argon2 parameters than the
    /// configured ones, so raising the cost takes effect as people log in. Best effort: the
    /// login has succeeded either way, and the update only applies if the hash is unchanged.
    async fn upgrade_hash(&self, user: &User, old: &str, password: &Secret) {
        if !self.passwords.needs_rehash(old) {
            return;
        }
        let result = match self.passwords.hash(password).await {
            Ok(new) => self
                .store
                .user_replace_password_hash(user.id, old, &new)
                .await
                .map_err(|e| e.to_string()),
            Err(e) => Err(e.to_string()),
        };
        if let Err(e) = result {
            tracing::warn!(error = %e, user_id = %user.id, "could not upgrade a password hash");
        }
    }
}

fn internal(e: impl Into<Failure>) -> LoginError {
    match e.into() {
        Failure::Store(e) if e.is_unavailable() => {
            tracing::error!(error = %e, "login check: the database is unavailable");
            LoginError::Unavailable
        }
        Failure::Store(e) => internal_text(e),
        Failure::Hash(e) => internal_text(e),
    }
}

fn internal_text(e: impl std::fmt::Display) -> LoginError {
    tracing::error!(error = %e, "login check failed");
    LoginError::Internal(e.to_string())
}

/// What can stop the login check from running.
enum Failure {
    Store(crate::store::StoreError),
    Hash(crate::crypto::argon2::HashError),
}

impl From<crate::store::StoreError> for Failure {
    fn from(e: crate::store::StoreError) -> Self {
        Failure::Store(e)
    }
}

impl From<crate::crypto::argon2::HashError> for Failure {
    fn from(e: crate::crypto::argon2::HashError) -> Self {
        Failure::Hash(e)
    }
}
