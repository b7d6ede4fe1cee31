//! Storage for the browser authorization flow (migration 0004): login sessions,
//! login/consent/logout requests, forced subject identifiers and authorization codes.
//! Handling and consuming are single conditional `UPDATE`s, so two concurrent accepts,
//! or two uses of one verifier, cannot both succeed.

mod codes;
mod consent;
mod login;
mod logout;
mod sessions;

use super::{StoreError, StoreResult};
use serde::de::DeserializeOwned;
use serde::Serialize;

fn to_json<T: Serialize>(v: &T) -> String {
    serde_json::to_string(v).unwrap_or_else(|_| "null".into())
}

fn from_json<T: DeserializeOwned>(s: &str, what: &str) -> StoreResult<T> {
    serde_json::from_str(s).map_err(|e| StoreError::Corrupt(format!("{what}: {e}")))
}

fn opt_from_json<T: DeserializeOwned>(s: &Option<String>, what: &str) -> StoreResult<Option<T>> {
    s.as_deref().map(|s| from_json(s, what)).transpose()
}
