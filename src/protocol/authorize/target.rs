//! Where an authorization response goes, and how a refused request is answered.

use super::response::ResponseMode;
use crate::protocol::error::OAuthError;
use url::Url;

/// Where the answer to the client goes.
#[derive(Debug, Clone, PartialEq)]
pub struct RedirectTarget {
    pub uri: Url,
    pub mode: ResponseMode,
    pub state: String,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Rejection {
    /// The client or its redirect URI cannot be trusted: show the error page.
    ErrorPage(OAuthError),
    /// Tell the client.
    Client(OAuthError, Box<RedirectTarget>),
}
