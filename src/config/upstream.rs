//! An upstream OpenID Connect provider people can sign in with (`identity.upstreams[]`,
//! or the admin API's body). Plain data: the rules (URLs, parameter names, ids) are
//! `protocol::federation::provider`, which checks a definition when the server starts or
//! the API stores one, naming the key.

use super::duration::Ttl;
use super::lenient;
use crate::secret::Secret;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct UpstreamProvider {
    /// `[a-z0-9-]{1,32}`; used in paths.
    pub id: String,
    pub display_name: String,
    /// Compared exactly with the discovery document's and the ID tokens' `iss`.
    pub issuer: String,
    /// Default: `{issuer}/.well-known/openid-configuration`.
    pub discovery_endpoint: Option<String>,
    /// These override what discovery says.
    pub auth_endpoint: Option<String>,
    pub token_endpoint: Option<String>,
    pub jwks_uri: Option<String>,
    pub logout_endpoint: Option<String>,
    pub userinfo_endpoint: Option<String>,
    pub client_id: String,
    /// At most one of the three secret sources.
    pub client_secret: Option<Secret>,
    pub client_secret_file: Option<String>,
    /// The name of an environment variable that holds the secret.
    pub client_secret_env: Option<String>,
    /// `client_secret_basic` (default), `client_secret_post` or `none`.
    pub authentication_method: String,
    pub scopes: Vec<String>,
    /// Appended to the authorization URL (see `protocol::federation::query`).
    pub auth_query_params: BTreeMap<String, Vec<String>>,
    /// Which of `prompt`, `max_age`, `login_hint`, `ui_locales`, `acr_values` are passed
    /// on from the client's authorization request.
    pub forward_params: Vec<String>,
    /// `S256` (default) or `none`; `plain` is never used.
    pub pkce: String,
    /// Also read claims from the userinfo endpoint.
    #[serde(deserialize_with = "lenient::bool")]
    pub userinfo: bool,
    pub claims: ClaimPaths,
    /// Treat a missing or false `email_verified` as verified.
    #[serde(deserialize_with = "lenient::bool")]
    pub trust_email: bool,
    /// Only people whose email is in one of these domains may sign in (empty: any).
    pub allowed_email_domains: Vec<String>,
    /// Only members of one of these upstream groups may sign in (empty: any).
    pub allowed_groups: Vec<String>,
    /// Create a local user on the first sign-in.
    #[serde(deserialize_with = "lenient::bool")]
    pub create_users: bool,
    /// Link to an existing local user with the same (verified) email.
    #[serde(deserialize_with = "lenient::bool")]
    pub link_by_email: bool,
    /// Upstream group → local roles.
    pub role_mappings: BTreeMap<String, Vec<String>>,
    /// `always` (name, groups and roles follow the provider at every sign-in) or
    /// `create` (only set when the user is created).
    pub sync: String,
    /// `rp_initiated` (continue to the provider's logout after ours) or `none`.
    pub logout: String,
    /// Accept `http://` endpoints on hosts other than loopback.
    #[serde(deserialize_with = "lenient::bool")]
    pub allow_insecure_http: bool,
    /// ID token signature algorithms accepted; HS* only when listed here.
    pub id_token_algs: Vec<String>,
    /// Limit on each request to the provider.
    pub timeout: Ttl,
}

/// Where the claims are, as dotted paths (`realm_access.roles`); a claim name that
/// itself contains dots or colons (`cognito:groups`) is looked up as it is first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ClaimPaths {
    pub subject: String,
    pub email: String,
    pub name: String,
    pub groups: String,
}

impl Default for ClaimPaths {
    fn default() -> Self {
        ClaimPaths {
            subject: "sub".into(),
            email: "email".into(),
            name: "name".into(),
            groups: "groups".into(),
        }
    }
}

/// The algorithms accepted when `id_token_algs` is not set: every asymmetric one
/// `jsonwebtoken` verifies. Never `none`; HS* only when configured.
pub const DEFAULT_ID_TOKEN_ALGS: [&str; 9] = [
    "RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "EdDSA",
];

impl Default for UpstreamProvider {
    fn default() -> Self {
        UpstreamProvider {
            id: String::new(),
            display_name: String::new(),
            issuer: String::new(),
            discovery_endpoint: None,
            auth_endpoint: None,
            token_endpoint: None,
            jwks_uri: None,
            logout_endpoint: None,
            userinfo_endpoint: None,
            client_id: String::new(),
            client_secret: None,
            client_secret_file: None,
            client_secret_env: None,
            authentication_method: "client_secret_basic".into(),
            scopes: vec!["openid".into(), "email".into(), "profile".into()],
            auth_query_params: BTreeMap::new(),
            forward_params: Vec::new(),
            pkce: "S256".into(),
            userinfo: false,
            claims: ClaimPaths::default(),
            trust_email: false,
            allowed_email_domains: Vec::new(),
            allowed_groups: Vec::new(),
            create_users: false,
            link_by_email: false,
            role_mappings: BTreeMap::new(),
            sync: "always".into(),
            logout: "rp_initiated".into(),
            allow_insecure_http: false,
            id_token_algs: DEFAULT_ID_TOKEN_ALGS
                .iter()
                .map(|s| s.to_string())
                .collect(),
            timeout: Ttl(std::time::Duration::from_secs(10)),
        }
    }
}
