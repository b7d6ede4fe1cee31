//! Hydra 1.9.2's `oAuth2Client`, field for field.
//!
//! The same struct is the create/update request body and the response body. Hydra writes
//! every field on output (empty strings, empty arrays, `false`), which is what the Ory
//! SDKs expect, so nothing here is skipped except the secret, which is only present in
//! the answer to the request that set it.

use serde::{Deserialize, Serialize};
use serde_json::Value;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Client {
    pub client_id: String,
    pub client_name: String,
    /// Plain text only on the way in, and in the answer that created or changed it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_secret: Option<String>,
    pub redirect_uris: Vec<String>,
    pub grant_types: Vec<String>,
    pub response_types: Vec<String>,
    /// Space-separated.
    pub scope: String,
    pub audience: Vec<String>,
    pub owner: String,
    pub policy_uri: String,
    pub allowed_cors_origins: Vec<String>,
    pub tos_uri: String,
    pub client_uri: String,
    pub logo_uri: String,
    pub contacts: Vec<String>,
    pub client_secret_expires_at: i64,
    pub subject_type: String,
    /// A JSON Web Key Set object (`{"keys": [...]}`), or null.
    pub jwks: Option<Value>,
    pub jwks_uri: String,
    pub token_endpoint_auth_method: String,
    pub token_endpoint_auth_signing_alg: String,
    pub request_uris: Vec<String>,
    pub request_object_signing_alg: String,
    pub userinfo_signed_response_alg: String,
    pub sector_identifier_uri: String,
    pub post_logout_redirect_uris: Vec<String>,
    pub frontchannel_logout_uri: String,
    pub frontchannel_logout_session_required: bool,
    pub backchannel_logout_uri: String,
    pub backchannel_logout_session_required: bool,
    /// Any JSON object, or null.
    pub metadata: Option<Value>,
    /// RFC 3339; set by the server.
    pub created_at: String,
    pub updated_at: String,
}

impl Client {
    /// The client's scopes as a list.
    pub fn scopes(&self) -> impl Iterator<Item = &str> {
        self.scope.split_whitespace()
    }

    /// A public client authenticates with nothing (`token_endpoint_auth_method=none`).
    pub fn is_public(&self) -> bool {
        self.token_endpoint_auth_method == "none"
    }
}
