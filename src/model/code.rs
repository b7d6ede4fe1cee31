//! The record behind an authorization code: everything the token endpoint needs to
//! issue the grant without going back to the flow tables.

use serde_json::{Map, Value};

#[derive(Debug, Clone, Default, PartialEq)]
pub struct AuthorizeCode {
    /// Signature of the code value (see `crate::crypto::handle`).
    pub signature: String,
    /// The grant's id (the consent challenge's signature), shared by its tokens.
    pub request_id: String,
    pub client_id: String,
    /// The `redirect_uri` parameter as sent, `""` when it was omitted (RFC 6749 §4.1.3).
    pub redirect_uri: String,
    pub requested_scope: Vec<String>,
    pub granted_scope: Vec<String>,
    pub granted_audience: Vec<String>,
    pub subject: String,
    /// The pairwise or forced subject identifier, `""` when the client uses `public`.
    pub obfuscated_subject: String,
    /// The login session id (`sid`).
    pub session_id: String,
    pub auth_time: i64,
    pub acr: String,
    pub amr: Vec<String>,
    pub nonce: String,
    pub code_challenge: String,
    /// `S256`, `plain`, or `""` without PKCE.
    pub code_challenge_method: String,
    /// The consent's `session.access_token` (the tokens' `ext`).
    pub session_access_token: Map<String, Value>,
    /// The consent's `session.id_token` (extra ID token claims).
    pub session_id_token: Map<String, Value>,
    pub requested_at: i64,
    pub expires_at: i64,
    pub used: bool,
}
