//! The settings the flow needs, worked out once at start.

use super::cookies::CookieConfig;
use crate::config::{Settings, Urls};
use crate::crypto::SystemKeys;
use crate::paths::public;
use crate::protocol::authorize::Policy;
use crate::protocol::error::ErrorStyle;
use crate::protocol::pkce::PkcePolicy;

#[derive(Debug, Clone)]
pub struct FlowConfig {
    /// The issuer, with exactly one trailing slash (as in ID tokens and discovery).
    pub issuer: String,
    /// The public base URL, without a trailing slash.
    pub public_base: String,
    pub login_url: String,
    pub consent_url: String,
    pub logout_url: String,
    pub error_url: String,
    pub post_logout_url: String,
    /// `urls.device.verification` and `urls.device.success` (the built-in pages' when
    /// unset).
    pub device_verification_url: String,
    pub device_success_url: String,
    /// `ttl.login_consent_request` in seconds.
    pub request_ttl: i64,
    /// `ttl.auth_code` in seconds.
    pub code_ttl: i64,
    pub style: ErrorStyle,
    pub cookies: CookieConfig,
    pub scope_strategy: String,
    pub pkce: PkcePolicy,
    pub pairwise_salt: Option<String>,
}

impl FlowConfig {
    /// `s` with the built-in page URLs resolved ([`crate::config::with_builtin_urls`]).
    pub fn new(s: &Settings, keys: &SystemKeys) -> FlowConfig {
        // The same issuer and public URL as discovery and the ID tokens use.
        let urls = Urls::from_settings(s);
        let (issuer, public_base) = (urls.issuer, urls.public);
        let or_fallback = |v: &Option<String>, path: &str| {
            v.clone().unwrap_or_else(|| format!("{public_base}{path}"))
        };
        FlowConfig {
            login_url: or_fallback(&s.urls.login, public::fallbacks::LOGIN),
            consent_url: or_fallback(&s.urls.consent, public::fallbacks::CONSENT),
            logout_url: or_fallback(&s.urls.logout, public::fallbacks::LOGOUT),
            error_url: or_fallback(&s.urls.error, public::fallbacks::ERROR),
            post_logout_url: or_fallback(
                &s.urls.post_logout_redirect,
                public::fallbacks::LOGOUT_CALLBACK,
            ),
            device_verification_url: or_fallback(&s.urls.device.verification, public::ui::DEVICE),
            device_success_url: or_fallback(&s.urls.device.success, public::ui::DEVICE_DONE),
            request_ttl: s.ttl.login_consent_request.as_secs(),
            code_ttl: s.ttl.auth_code.as_secs(),
            style: ErrorStyle {
                legacy: s.oauth2.include_legacy_error_fields,
                expose_debug: s.oauth2.expose_internal_errors,
            },
            cookies: CookieConfig::new(s, keys),
            scope_strategy: s.strategies.scope.clone(),
            pkce: PkcePolicy {
                enforced: s.oauth2.pkce.enforced.unwrap_or(false),
                // Stricter than Hydra 1.9.2 (RFC 9700 §2.1.1, OAuth 2.1): public
                // clients must use PKCE unless an operator turns it off.
                enforced_for_public_clients: s
                    .oauth2
                    .pkce
                    .enforced_for_public_clients
                    .unwrap_or(true),
                allow_plain: s.oauth2.pkce.allow_plain,
            },
            pairwise_salt: s
                .oidc
                .subject_identifiers
                .pairwise
                .salt
                .as_ref()
                .map(|x| x.expose().to_string()),
            public_base,
            issuer,
        }
    }

    pub fn policy(&self) -> Policy<'_> {
        Policy {
            scope_strategy: &self.scope_strategy,
            pkce: self.pkce,
        }
    }

    /// The URL of `/oauth2/auth` with `query`, as the login and consent steps return to.
    pub fn authorize_url(&self, query: &str) -> String {
        format!("{}{}?{query}", self.public_base, public::AUTH)
    }

    /// The device verification endpoint with `query`, as the login and consent steps of
    /// a device authorization return to.
    pub fn device_verify_url(&self, query: &str) -> String {
        format!("{}{}?{query}", self.public_base, public::DEVICE_VERIFY)
    }

    /// The logout endpoint with `logout_verifier` set, where a logout app sends the
    /// browser after accepting.
    pub fn end_session_url(&self) -> String {
        format!("{}{}", self.public_base, public::LOGOUT)
    }
}
