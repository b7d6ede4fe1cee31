//! The OAuth 2.0 endpoints' use cases: the token endpoint and its grants, client
//! authentication, introspection, revocation, userinfo, flush, and minting tokens for
//! the flow and the first-party API.

pub mod client_assertion;
pub mod client_auth;
pub mod client_jwks;
pub mod device;
pub mod flush;
pub mod introspect;
pub mod issue;
pub mod lookup;
pub mod revoke;
pub mod token;
pub mod trust;
pub mod userinfo;

use crate::config::{Settings, Urls};
use crate::crypto::SystemKeys;
use crate::jwk::KeyManager;
use crate::protocol::error::{ErrorStyle, OAuthError};
use crate::service::clients::dynamic::RegistrationConfig;
use crate::service::clients::SecretVerifier;
use crate::store::{Store, StoreError};
use client_jwks::ClientJwks;
use std::sync::Arc;

/// What the OAuth 2.0 use cases need, built once. One `Arc`: the token and
/// introspection handlers take a copy per request, which then costs one atomic
/// increment however many parts there are.
#[derive(Clone)]
pub struct OAuth2(Arc<OAuth2Parts>);

pub struct OAuth2Parts {
    pub store: Store,
    pub keys: Arc<SystemKeys>,
    pub jwks: Arc<KeyManager>,
    pub client_secrets: Arc<SecretVerifier>,
    /// Clients' `jwks_uri` key sets (`private_key_jwt`).
    pub client_jwks: Arc<ClientJwks>,
    pub cfg: OAuth2Config,
}

impl OAuth2 {
    pub fn new(parts: OAuth2Parts) -> OAuth2 {
        OAuth2(Arc::new(parts))
    }
}

impl std::ops::Deref for OAuth2 {
    type Target = OAuth2Parts;
    fn deref(&self) -> &OAuth2Parts {
        &self.0
    }
}

/// The settings the OAuth 2.0 use cases read, worked out once at start.
#[derive(Debug, Clone)]
pub struct OAuth2Config {
    /// With exactly one trailing slash, as in `iss`.
    pub issuer: String,
    /// The audience `private_key_jwt` assertions must name.
    pub token_endpoint: String,
    pub access_ttl: i64,
    pub refresh_ttl: i64,
    pub id_ttl: i64,
    /// `ttl.login_consent_request`: when flush may drop a flow request.
    pub request_ttl: i64,
    /// `strategies.access_token = jwt`.
    pub jwt_access_tokens: bool,
    /// `strategies.scope`: `exact` or `wildcard`.
    pub scope_strategy: String,
    /// `oauth2.client_credentials.default_grant_allowed_scope`.
    pub default_client_credentials_scope: bool,
    /// `ttl.device_user_code` and `oauth2.device_authorization.token_polling_interval`.
    pub device_ttl: i64,
    pub device_interval: i64,
    /// The verification URI given to the user (RFC 8628 §3.2).
    pub device_verification_uri: String,
    /// `oauth2.grant.jwt`.
    pub jwt_grant: JwtGrantConfig,
    /// `oidc.dynamic_client_registration`.
    pub registration: RegistrationConfig,
    pub errors: ErrorStyle,
}

impl OAuth2Config {
    pub fn from_settings(s: &Settings) -> OAuth2Config {
        let urls = Urls::from_settings(s);
        OAuth2Config {
            token_endpoint: urls.token_endpoint(),
            device_ttl: s.ttl.device_user_code.as_secs().max(1),
            device_interval: s
                .oauth2
                .device_authorization
                .token_polling_interval
                .as_secs()
                .max(1),
            registration: RegistrationConfig {
                enabled: s.oidc.dynamic_client_registration.enabled,
                default_scope: s.oidc.dynamic_client_registration.default_scope.join(" "),
                endpoint: urls.public_url(crate::paths::public::REGISTER),
            },
            jwt_grant: JwtGrantConfig {
                jti_optional: s.oauth2.grant.jwt.jti_optional,
                iat_optional: s.oauth2.grant.jwt.iat_optional,
                max_ttl: s.oauth2.grant.jwt.max_ttl.as_secs(),
            },
            device_verification_uri: urls.public_url(crate::paths::public::DEVICE_VERIFY),
            issuer: urls.issuer,
            access_ttl: s.ttl.access_token.as_secs(),
            refresh_ttl: s.ttl.refresh_token.as_secs(),
            id_ttl: s.ttl.id_token.as_secs(),
            request_ttl: s.ttl.login_consent_request.as_secs(),
            jwt_access_tokens: s.strategies.access_token == "jwt",
            scope_strategy: s.strategies.scope.clone(),
            default_client_credentials_scope: s
                .oauth2
                .client_credentials
                .default_grant_allowed_scope
                .unwrap_or(false),
            errors: ErrorStyle {
                legacy: s.oauth2.include_legacy_error_fields,
                expose_debug: s.oauth2.expose_internal_errors,
            },
        }
    }
}

/// `oauth2.grant.jwt` in seconds.
#[derive(Debug, Clone, Copy)]
pub struct JwtGrantConfig {
    pub jti_optional: bool,
    pub iat_optional: bool,
    pub max_ttl: i64,
}

impl From<StoreError> for OAuthError {
    fn from(e: StoreError) -> Self {
        if e.is_unstorable_text() {
            return OAuthError::invalid_request(
                "The request contains a NUL character (\\u0000), which no value may contain",
            );
        }
        if e.is_unavailable() {
            return OAuthError::unavailable(e);
        }
        OAuthError::server_error(e)
    }
}
