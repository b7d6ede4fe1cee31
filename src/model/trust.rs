//! A trusted JWT issuer (RFC 7523 §2.1 grants; Hydra's `trustedOAuth2JwtGrantIssuer`).

use serde_json::Value;

#[derive(Debug, Clone, PartialEq)]
pub struct TrustedIssuer {
    pub id: String,
    pub issuer: String,
    /// The one subject it may assert, `""` with `allow_any_subject`.
    pub subject: String,
    pub allow_any_subject: bool,
    pub scope: Vec<String>,
    pub key_id: String,
    /// The public JWK.
    pub jwk: Value,
    pub created_at: i64,
    pub expires_at: i64,
}
