//! Client metadata validation, following Hydra 1.9.2's `client/validator.go` plus the
//! checks Portcullis adds (known grant and response types, URI fields, JWKS shape).
//!
//! `validate` also fills Hydra's defaults, because Hydra does both in one pass and the
//! order matters (e.g. `token_endpoint_auth_method` defaults before the secret rules).

use crate::config::Settings;
use crate::model::client::{Lifespans, LIFESPAN_FIELDS};
use crate::model::Client;
// The one list of `private_key_jwt` algorithms: what registration accepts is what the
// token endpoint verifies and discovery advertises.
use crate::protocol::client_auth::ASSERTION_ALGS as AUTH_SIGNING_ALGS;
use uris::{cors_origins, redirect_uris, uri_fields};

mod uris;

/// Hydra's default for `oidc.dynamic_client_registration.default_scope`, used when a
/// client is registered without a scope.
pub const DEFAULT_SCOPE: &str = "offline_access offline openid";

pub const AUTH_METHODS: [&str; 4] = [
    "client_secret_basic",
    "client_secret_post",
    "private_key_jwt",
    "none",
];

pub const GRANT_TYPES: [&str; 6] = [
    "authorization_code",
    "implicit",
    "refresh_token",
    "client_credentials",
    "urn:ietf:params:oauth:grant-type:jwt-bearer",
    "urn:ietf:params:oauth:grant-type:device_code",
];

const RESPONSE_TYPE_PARTS: [&str; 3] = ["code", "token", "id_token"];

const MIN_SECRET_CHARS: usize = 6;

/// Server settings validation depends on.
#[derive(Debug, Clone)]
pub struct Policy {
    /// `oidc.subject_identifiers.supported_types`; empty means `public` and `pairwise`.
    pub subject_types: Vec<String>,
    pub default_scope: String,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            subject_types: Vec::new(),
            default_scope: DEFAULT_SCOPE.to_string(),
        }
    }
}

impl Policy {
    pub fn from_settings(s: &Settings) -> Policy {
        Policy {
            subject_types: s.oidc.subject_identifiers.supported_types.clone(),
            ..Policy::default()
        }
    }

    fn subject_type_allowed(&self, t: &str) -> bool {
        (t == "public" || t == "pairwise")
            && (self.subject_types.is_empty() || self.subject_types.iter().any(|s| s == t))
    }
}

/// A refused client; `message` names the field. Rendered as Hydra's
/// `invalid_client_metadata` (400).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct InvalidMetadata {
    pub field: &'static str,
    pub message: String,
}

fn invalid(field: &'static str, detail: impl std::fmt::Display) -> InvalidMetadata {
    InvalidMetadata {
        field,
        message: format!("Field {field}: {detail}"),
    }
}

/// Checks `c` and fills Hydra's defaults. The secret, if any, is only length-checked.
pub fn validate(c: &mut Client, policy: &Policy) -> Result<(), InvalidMetadata> {
    auth_method(c)?;
    keys(c)?;
    if let Some(s) = c.client_secret.as_deref() {
        if !s.is_empty() && s.chars().count() < MIN_SECRET_CHARS {
            return Err(invalid(
                "client_secret",
                format!("the secret must be at least {MIN_SECRET_CHARS} characters long"),
            ));
        }
    }
    if c.scope.trim().is_empty() {
        c.scope = policy.default_scope.clone();
    }
    cors_origins(c)?;
    // Secret expiry is not supported (as in Hydra): always 0.
    c.client_secret_expires_at = 0;
    uri_fields(c)?;
    if c.userinfo_signed_response_alg.is_empty() {
        c.userinfo_signed_response_alg = "none".into();
    }
    if !["none", "RS256"].contains(&c.userinfo_signed_response_alg.as_str()) {
        return Err(invalid(
            "userinfo_signed_response_alg",
            "must be empty, \"none\" or \"RS256\"",
        ));
    }
    redirect_uris(c)?;
    subject_type(c, policy)?;
    grant_and_response_types(c)?;
    if c.metadata.as_ref().is_some_and(|m| !m.is_object()) {
        return Err(invalid("metadata", "must be a JSON object"));
    }
    access_token_strategy(c)?;
    lifespans(&c.lifespans)?;
    Ok(())
}

/// Hydra v2's per-client strategy: `jwt`, `opaque`, or unset (empty reads as unset).
fn access_token_strategy(c: &mut Client) -> Result<(), InvalidMetadata> {
    match c.access_token_strategy.as_deref() {
        None | Some("jwt") | Some("opaque") => Ok(()),
        Some("") => {
            c.access_token_strategy = None;
            Ok(())
        }
        Some(_) => Err(invalid(
            "access_token_strategy",
            "must be \"jwt\" or \"opaque\" (or unset for the server's strategy)",
        )),
    }
}

/// Token lifetimes are whole seconds (`exp`, `expires_in`), so a lifespan must be a
/// positive whole number of seconds.
pub fn lifespans(l: &Lifespans) -> Result<(), InvalidMetadata> {
    for (field, v) in LIFESPAN_FIELDS.iter().zip(l.0) {
        if let Some(ns) = v {
            if ns < 1_000_000_000 || ns % 1_000_000_000 != 0 {
                return Err(invalid(
                    field,
                    "a token lifespan must be a whole number of seconds, at least 1s",
                ));
            }
        }
    }
    Ok(())
}

fn auth_method(c: &mut Client) -> Result<(), InvalidMetadata> {
    if c.token_endpoint_auth_method.is_empty() {
        c.token_endpoint_auth_method = "client_secret_basic".into();
    }
    if !AUTH_METHODS.contains(&c.token_endpoint_auth_method.as_str()) {
        return Err(invalid(
            "token_endpoint_auth_method",
            format!("must be one of {}", AUTH_METHODS.join(", ")),
        ));
    }
    if c.token_endpoint_auth_method == "private_key_jwt" {
        if c.jwks.is_none() && c.jwks_uri.is_empty() {
            return Err(invalid(
                "token_endpoint_auth_method",
                "private_key_jwt needs either jwks or jwks_uri to be set",
            ));
        }
        let alg = c.token_endpoint_auth_signing_alg.as_str();
        if !alg.is_empty() && !AUTH_SIGNING_ALGS.contains(&alg) {
            return Err(invalid(
                "token_endpoint_auth_signing_alg",
                format!("must be one of {}", AUTH_SIGNING_ALGS.join(", ")),
            ));
        }
    }
    Ok(())
}

fn keys(c: &Client) -> Result<(), InvalidMetadata> {
    if c.jwks.is_some() && !c.jwks_uri.is_empty() {
        return Err(invalid(
            "jwks",
            "jwks and jwks_uri can not both be set, choose one",
        ));
    }
    if let Some(jwks) = &c.jwks {
        let ok = jwks
            .get("keys")
            .and_then(|k| k.as_array())
            .is_some_and(|keys| keys.iter().all(|k| k.is_object()));
        if !jwks.is_object() || !ok {
            return Err(invalid(
                "jwks",
                "must be a JSON Web Key Set: an object with a \"keys\" array of key objects",
            ));
        }
    }
    Ok(())
}

fn subject_type(c: &mut Client, policy: &Policy) -> Result<(), InvalidMetadata> {
    if c.subject_type.is_empty() {
        c.subject_type = if policy.subject_type_allowed("public") {
            "public".into()
        } else {
            "pairwise".into()
        };
    }
    if !policy.subject_type_allowed(&c.subject_type) {
        let allowed = if policy.subject_types.is_empty() {
            "public, pairwise".to_string()
        } else {
            policy.subject_types.join(", ")
        };
        return Err(invalid(
            "subject_type",
            format!(
                "{:?} is not supported; use one of {allowed}",
                c.subject_type
            ),
        ));
    }
    Ok(())
}

fn grant_and_response_types(c: &mut Client) -> Result<(), InvalidMetadata> {
    if c.grant_types.is_empty() {
        c.grant_types = vec!["authorization_code".into()];
    }
    if let Some(g) = c
        .grant_types
        .iter()
        .find(|g| !GRANT_TYPES.contains(&g.as_str()))
    {
        return Err(invalid(
            "grant_types",
            format!("{g:?} is not one of {}", GRANT_TYPES.join(", ")),
        ));
    }
    if c.response_types.is_empty() {
        c.response_types = vec!["code".into()];
    }
    for rt in &c.response_types {
        let parts: Vec<&str> = rt.split(' ').collect();
        let known = parts.iter().all(|p| RESPONSE_TYPE_PARTS.contains(p));
        let unique = parts
            .iter()
            .enumerate()
            .all(|(i, p)| !parts[..i].contains(p));
        if !known || !unique {
            return Err(invalid(
                "response_types",
                format!(
                    "{rt:?} is not a response type; use code, token, id_token or a space-separated combination of them"
                ),
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests;
