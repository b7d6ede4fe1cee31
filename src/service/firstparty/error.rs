//! Failures of the first-party API.

use crate::protocol::error::OAuthError;

#[derive(Debug, thiserror::Error)]
pub enum FirstPartyError {
    /// `identity.first_party.client_id` is not set (404: there is no such API here).
    #[error("no first-party client is configured (identity.first_party.client_id)")]
    NotConfigured,
    /// The configuration names something unusable; logged, answered opaquely.
    #[error("the first-party client is misconfigured: {0}")]
    Misconfigured(String),
    /// The request is malformed (400).
    #[error("{0}")]
    BadRequest(String),
    /// The one answer for every wrong email, password or disabled account (401).
    #[error("The email address or password is incorrect.")]
    InvalidCredentials,
    /// Too many failed logins (429 with `Retry-After`).
    #[error("Too many failed login attempts; try again in {0} seconds.")]
    Throttled(u64),
    /// A refresh the token endpoint refused, or a token of a disabled account.
    #[error("{}", .0.merged_description(false))]
    OAuth(OAuthError),
    /// The database is unreachable right now (503 with `Retry-After`).
    #[error("The service is temporarily unavailable; try again in a moment.")]
    Unavailable,
    /// Storage or signing failed; logged, answered opaquely.
    #[error("{0}")]
    Internal(String),
}

impl FirstPartyError {
    pub fn internal(e: impl std::fmt::Display) -> FirstPartyError {
        FirstPartyError::Internal(e.to_string())
    }
}

impl From<crate::store::StoreError> for FirstPartyError {
    fn from(e: crate::store::StoreError) -> Self {
        if e.is_unavailable() {
            tracing::error!(error = %e, "the database is unavailable");
            return FirstPartyError::Unavailable;
        }
        FirstPartyError::internal(e)
    }
}

impl From<OAuthError> for FirstPartyError {
    fn from(e: OAuthError) -> Self {
        FirstPartyError::OAuth(e)
    }
}
