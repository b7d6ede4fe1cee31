//! Upstream sign-in records: providers defined through the admin API, the links from
//! an upstream identity to a local user, the single-use states of the redirects to a
//! provider, and which provider a login session came from.

/// A provider stored through the admin API. `definition` is the provider's settings as
/// JSON without its secret; `client_secret` is sealed (`crypto::seal`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredProvider {
    pub id: String,
    pub definition: String,
    pub client_secret: Option<Vec<u8>>,
    pub created_at: i64,
    pub updated_at: i64,
}

/// An upstream identity, keyed by (issuer, subject), linked to a local user. One user
/// may have several.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct IdentityLink {
    pub issuer: String,
    pub subject: String,
    pub user_id: String,
    /// The provider it was made through (informative: providers can be renamed).
    pub provider_id: String,
    pub created_at: i64,
}

/// Why a browser was sent to a provider.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatePurpose {
    Login,
    Logout,
}

impl StatePurpose {
    pub fn as_str(self) -> &'static str {
        match self {
            StatePurpose::Login => "login",
            StatePurpose::Logout => "logout",
        }
    }
}

/// A redirect to a provider in flight: stored under the HMAC of its `state`, taken
/// exactly once when the browser comes back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UpstreamState {
    pub signature: String,
    pub purpose: StatePurpose,
    pub provider_id: String,
    /// HMAC of the browser cookie's id (`""` for logout).
    pub browser: String,
    /// The login challenge to accept (`""` for logout).
    pub login_challenge: String,
    /// "Keep me signed in" as ticked on the login page.
    pub remember: bool,
    /// Logout: where the browser goes at the end (already checked).
    pub redirect_to: String,
    pub expires_at: i64,
}

/// The provider a login session came from, with its ID token sealed, for RP-initiated
/// logout at the provider.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UpstreamSession {
    pub login_session_id: String,
    pub provider_id: String,
    pub id_token: Vec<u8>,
    pub created_at: i64,
}
