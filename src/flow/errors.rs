//! Errors of the admin side of the flow (the HTTP layer maps them to Hydra's bodies).

use crate::store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum FlowError {
    /// No such challenge (404).
    #[error("the requested resource does not exist")]
    NotFound,
    /// The request was handled already (409).
    #[error("the request was handled already")]
    Conflict,
    /// The body or query is unacceptable (400 invalid_request).
    #[error("{0}")]
    Invalid(String),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("{0}")]
    Internal(String),
}

impl FlowError {
    pub fn invalid(msg: impl Into<String>) -> FlowError {
        FlowError::Invalid(msg.into())
    }
}

/// The longest `remember_for` accepted (100 years). Hydra takes any int64, but the stores
/// add it to a timestamp in SQL, where a huge value overflows PostgreSQL's bigint and
/// would break every later lookup of the subject's sessions.
pub const MAX_REMEMBER_FOR: i64 = 100 * 365 * 24 * 3600;

/// Checks an accept body's `remember_for` (seconds; 0 means as long as the session).
pub fn check_remember_for(remember_for: i64) -> Result<(), FlowError> {
    if remember_for < 0 {
        return Err(FlowError::invalid(
            "Field 'remember_for' must not be negative.",
        ));
    }
    if remember_for > MAX_REMEMBER_FOR {
        return Err(FlowError::invalid(format!(
            "Field 'remember_for' must be at most {MAX_REMEMBER_FOR} seconds (100 years)."
        )));
    }
    Ok(())
}
