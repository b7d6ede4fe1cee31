//! The access token response (RFC 6749 §5.1).

use crate::service::oauth2::issue::Issued;
use serde::Serialize;

#[derive(Debug, Serialize)]
pub struct TokenResponse {
    pub access_token: String,
    /// `bearer`, lowercase as Hydra writes it (the value is case-insensitive).
    pub token_type: &'static str,
    pub expires_in: i64,
    /// Present even when empty, as in Hydra.
    pub scope: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id_token: Option<String>,
}

impl TokenResponse {
    pub fn from_issued(i: Issued) -> TokenResponse {
        TokenResponse {
            access_token: i
                .access_token
                .map(|t| t.expose().to_string())
                .unwrap_or_default(),
            token_type: "bearer",
            expires_in: i.expires_in,
            scope: i.scope,
            refresh_token: i.refresh_token.map(|t| t.expose().to_string()),
            id_token: i.id_token,
        }
    }
}
