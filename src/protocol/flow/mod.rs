//! The browser flow's rules in Hydra 1.9.2's shape: login, consent and logout decisions
//! as pure functions of the records and the clock, subject identifiers, the signed
//! cookies that bind a flow to its browser, and what the browser is answered.
//! `service::flow` runs them over the store.

pub mod config;
pub mod consent;
pub mod cookies;
pub mod login;
pub mod logout;
pub mod reply;
pub mod revocation;
pub mod subject;

pub use config::FlowConfig;
pub use reply::{BrowserReply, ReplyKind};

/// The longest `remember_for` accepted (100 years). Hydra takes any int64, but the stores
/// add it to a timestamp in SQL, where a huge value overflows PostgreSQL's bigint and
/// would break every later lookup of the subject's sessions.
pub const MAX_REMEMBER_FOR: i64 = 100 * 365 * 24 * 3600;

/// An accept body the request cannot take; the message says which field and why
/// (answered as `invalid_request`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct Refused(pub String);

/// Checks an accept body's `remember_for` (seconds; 0 means as long as the session).
pub fn check_remember_for(remember_for: i64) -> Result<(), Refused> {
    if remember_for < 0 {
        return Err(Refused("Field 'remember_for' must not be negative.".into()));
    }
    if remember_for > MAX_REMEMBER_FOR {
        return Err(Refused(format!(
            "Field 'remember_for' must be at most {MAX_REMEMBER_FOR} seconds (100 years)."
        )));
    }
    Ok(())
}

impl From<&str> for Refused {
    fn from(s: &str) -> Self {
        Refused(s.to_string())
    }
}

impl From<String> for Refused {
    fn from(s: String) -> Self {
        Refused(s)
    }
}

#[cfg(test)]
mod tests;
