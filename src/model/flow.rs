//! The records of the flow: login sessions and login/consent/logout requests.
//! `challenge` fields hold the stored signature of the challenge, not the value.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// An authentication session (the `oauth2_authentication_session` cookie names its id).
#[derive(Debug, Clone, PartialEq)]
pub struct LoginSession {
    pub id: String,
    pub subject: String,
    pub authenticated_at: i64,
    pub remember: bool,
}

/// Hydra's `openIDConnectContext`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct OidcContext {
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub acr_values: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub ui_locales: Vec<String>,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub display: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id_token_hint_claims: Option<Map<String, Value>>,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub login_hint: String,
}

/// Hydra's `rejectRequest`: the error the login or consent app chose.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RejectError {
    pub error: String,
    pub error_description: String,
    pub error_hint: String,
    pub error_debug: String,
    pub status_code: i64,
}

impl RejectError {
    /// Hydra's `SetDefaults`: the name given and status 400.
    pub fn with_defaults(mut self, default_name: &str) -> RejectError {
        if self.error.is_empty() {
            self.error = default_name.into();
        }
        if self.status_code == 0 {
            self.status_code = 400;
        }
        self
    }
}

/// What the login app decided when it accepted a login request.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AcceptedLogin {
    pub subject: String,
    pub remember: bool,
    pub remember_for: i64,
    pub acr: String,
    pub amr: Vec<String>,
    pub context: Value,
    pub force_subject_identifier: String,
    pub authenticated_at: i64,
    /// Hydra v2: a skipped login re-issues the session cookie for `remember_for` more.
    pub extend_session_lifespan: bool,
    /// Hydra v2: the login app's own session id (kept, not used).
    pub identity_provider_session_id: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct LoginRequest {
    pub challenge: String,
    pub challenge_value: String,
    pub csrf: String,
    pub client_id: String,
    /// The remembered session's subject when `skip`, else `""`.
    pub subject: String,
    pub skip: bool,
    pub requested_scope: Vec<String>,
    pub requested_audience: Vec<String>,
    pub request_url: String,
    pub session_id: String,
    pub authenticated_at: Option<i64>,
    pub requested_at: i64,
    pub oidc_context: OidcContext,
    pub handled_at: Option<i64>,
    pub error: Option<RejectError>,
    pub accepted: AcceptedLogin,
    pub was_used: bool,
}

/// What the consent app decided when it accepted a consent request.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AcceptedConsent {
    pub grant_scope: Vec<String>,
    pub grant_audience: Vec<String>,
    pub session_access_token: Map<String, Value>,
    pub session_id_token: Map<String, Value>,
    pub remember: bool,
    pub remember_for: i64,
    /// Hydra v2: the `context` the consent app accepted with, if any.
    pub context: Option<Value>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ConsentRequest {
    pub challenge: String,
    pub challenge_value: String,
    pub csrf: String,
    pub client_id: String,
    pub subject: String,
    pub skip: bool,
    pub requested_scope: Vec<String>,
    pub requested_audience: Vec<String>,
    pub request_url: String,
    /// The login challenge's value (spent by then).
    pub login_challenge: String,
    pub login_session_id: String,
    pub acr: String,
    pub amr: Vec<String>,
    pub context: Value,
    pub oidc_context: OidcContext,
    pub force_subject_identifier: String,
    pub authenticated_at: i64,
    /// The login request's, so the TTL counts from the start of the flow.
    pub requested_at: i64,
    pub handled_at: Option<i64>,
    pub error: Option<RejectError>,
    pub accepted: AcceptedConsent,
    pub was_used: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct LogoutRequest {
    pub challenge: String,
    pub challenge_value: String,
    pub subject: String,
    pub sid: String,
    /// The relying party for RP-initiated logout, else `""`.
    pub client_id: String,
    pub request_url: String,
    /// Where the browser goes once logged out (post-logout redirect, with `state`).
    pub redirect_to: String,
    pub rp_initiated: bool,
    pub requested_at: i64,
    pub accepted: bool,
    pub rejected: bool,
    pub was_used: bool,
}
