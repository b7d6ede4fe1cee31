//! Errors of the admin side of the flow (the HTTP layer maps them to Hydra's bodies).

use crate::store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum FlowError {
    /// No such challenge (404).
    #[error("the requested resource does not exist")]
    NotFound,
    /// The request was handled already: 409 on Hydra 1.9.2's paths, 410 on v2's GET,
    /// whose body names `request_url` (the authorization or logout URL that started the
    /// flow, where the app can send the browser to begin again).
    #[error("the request was handled already")]
    Handled { request_url: String },
    /// The body or query is unacceptable (400 invalid_request).
    #[error("{0}")]
    Invalid(String),
    /// Too many attempts (user codes guessed); retry after this many seconds (429).
    #[error("too many attempts; retry in {0} seconds")]
    Throttled(u64),
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

impl From<crate::protocol::flow::Refused> for FlowError {
    fn from(e: crate::protocol::flow::Refused) -> Self {
        FlowError::Invalid(e.0)
    }
}
