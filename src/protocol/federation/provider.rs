//! An upstream provider definition, checked and typed once; its endpoints (discovery
//! merged with the configured overrides); and the admin API's summary (seed 004).

use super::client_auth::{basic_authorization, redacted_header, AuthMethod};
use super::metadata::ProviderMetadata;
use super::query::{check_static_params, FORWARDABLE_PARAMS};
use super::url_policy::check_url;
use crate::config::{ClaimPaths, UpstreamProvider};
use crate::secret::Secret;
use jsonwebtoken::Algorithm;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use std::str::FromStr;
use std::time::Duration;

/// A definition that passed every rule: what the services use.
#[derive(Debug, Clone)]
pub struct ProviderDef {
    pub id: String,
    pub display_name: String,
    pub issuer: String,
    pub discovery_endpoint: String,
    pub overrides: Overrides,
    pub client_id: String,
    pub client_secret: Option<Secret>,
    pub auth_method: AuthMethod,
    pub scopes: Vec<String>,
    pub auth_query_params: BTreeMap<String, Vec<String>>,
    pub forward_params: Vec<String>,
    pub pkce: bool,
    pub userinfo: bool,
    pub claims: ClaimPaths,
    pub trust_email: bool,
    /// Lowercase.
    pub allowed_email_domains: Vec<String>,
    pub allowed_groups: Vec<String>,
    pub create_users: bool,
    pub link_by_email: bool,
    pub role_mappings: BTreeMap<String, Vec<String>>,
    /// Name, groups and roles follow the provider at every sign-in.
    pub sync_always: bool,
    pub rp_initiated_logout: bool,
    pub allow_insecure_http: bool,
    pub id_token_algs: Vec<Algorithm>,
    pub timeout: Duration,
}

/// Endpoints configured explicitly; each wins over discovery.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Overrides {
    pub auth: Option<String>,
    pub token: Option<String>,
    pub jwks: Option<String>,
    pub logout: Option<String>,
    pub userinfo: Option<String>,
}

/// A definition that breaks a rule; `key` names the setting (`identity.upstreams[0].issuer`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("configuration key `{key}`: {message}")]
pub struct Invalid {
    pub key: String,
    pub message: String,
}

/// Where the client secret comes from, as the caller resolved it (reading a file or an
/// environment variable is I/O, which this module does not do).
#[derive(Debug, Clone, Default)]
pub struct ResolvedSecret(pub Option<Secret>);

fn key(prefix: &str, field: &str) -> String {
    if prefix.is_empty() {
        field.to_string()
    } else {
        format!("{prefix}.{field}")
    }
}

fn valid_id(id: &str) -> bool {
    (1..=32).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// How many secret sources `p` names (at most one is allowed).
pub fn secret_sources(p: &UpstreamProvider) -> usize {
    [
        p.client_secret.is_some(),
        p.client_secret_file.is_some(),
        p.client_secret_env.is_some(),
    ]
    .into_iter()
    .filter(|x| *x)
    .count()
}

/// Checks `p` (its settings under `prefix`) with its resolved secret.
pub fn check(
    p: &UpstreamProvider,
    secret: ResolvedSecret,
    prefix: &str,
) -> Result<ProviderDef, Invalid> {
    let bad = |field: &str, message: String| Invalid {
        key: key(prefix, field),
        message,
    };
    if !valid_id(&p.id) {
        return Err(bad(
            "id",
            "must be 1 to 32 characters of a-z, 0-9 and -".into(),
        ));
    }
    if p.client_id.is_empty() {
        return Err(bad("client_id", "must be set".into()));
    }
    let url = |field: &str, v: &str| -> Result<String, Invalid> {
        check_url(v, p.allow_insecure_http)
            .map(|_| v.to_string())
            .map_err(|m| bad(field, m))
    };
    let issuer = url("issuer", &p.issuer)?;
    let discovery_endpoint = match &p.discovery_endpoint {
        Some(d) => url("discovery_endpoint", d)?,
        None => format!(
            "{}/.well-known/openid-configuration",
            issuer.trim_end_matches('/')
        ),
    };
    let opt = |field: &str, v: &Option<String>| -> Result<Option<String>, Invalid> {
        v.as_deref().map(|v| url(field, v)).transpose()
    };
    let overrides = Overrides {
        auth: opt("auth_endpoint", &p.auth_endpoint)?,
        token: opt("token_endpoint", &p.token_endpoint)?,
        jwks: opt("jwks_uri", &p.jwks_uri)?,
        logout: opt("logout_endpoint", &p.logout_endpoint)?,
        userinfo: opt("userinfo_endpoint", &p.userinfo_endpoint)?,
    };
    let auth_method = AuthMethod::from_str(&p.authentication_method).map_err(|_| {
        bad(
            "authentication_method",
            "must be client_secret_basic, client_secret_post or none".into(),
        )
    })?;
    if secret_sources(p) > 1 {
        return Err(bad(
            "client_secret",
            "set only one of client_secret, client_secret_file and client_secret_env".into(),
        ));
    }
    let client_secret = secret.0.filter(|s| !s.is_empty());
    match (auth_method, &client_secret) {
        (AuthMethod::None, Some(_)) => {
            return Err(bad(
                "client_secret",
                "a public client (authentication_method none) has no secret".into(),
            ))
        }
        (AuthMethod::ClientSecretBasic | AuthMethod::ClientSecretPost, None) => {
            return Err(bad(
                "client_secret",
                "is required with client_secret_basic and client_secret_post".into(),
            ))
        }
        _ => {}
    }
    check_static_params(&p.auth_query_params).map_err(|m| bad("auth_query_params", m))?;
    if let Some(f) = p
        .forward_params
        .iter()
        .find(|f| !FORWARDABLE_PARAMS.contains(&f.as_str()))
    {
        return Err(bad(
            "forward_params",
            format!("{f:?} is not one of {}", FORWARDABLE_PARAMS.join(", ")),
        ));
    }
    let pkce = match p.pkce.as_str() {
        "S256" => true,
        "none" => false,
        _ => {
            return Err(bad(
                "pkce",
                "must be S256 or none (plain is never used)".into(),
            ))
        }
    };
    if !p.scopes.iter().any(|s| s == "openid") {
        return Err(bad("scopes", "must include openid".into()));
    }
    if p.scopes.iter().any(|s| s.is_empty() || s.contains(' ')) {
        return Err(bad("scopes", "each scope is one word".into()));
    }
    for (field, path) in [
        ("claims.subject", &p.claims.subject),
        ("claims.email", &p.claims.email),
        ("claims.name", &p.claims.name),
        ("claims.groups", &p.claims.groups),
    ] {
        if path.is_empty() {
            return Err(bad(field, "must name a claim".into()));
        }
    }
    let sync_always = match p.sync.as_str() {
        "always" => true,
        "create" => false,
        _ => return Err(bad("sync", "must be always or create".into())),
    };
    let rp_initiated_logout = match p.logout.as_str() {
        "rp_initiated" => true,
        "none" => false,
        _ => return Err(bad("logout", "must be rp_initiated or none".into())),
    };
    let id_token_algs = algorithms(&p.id_token_algs).map_err(|m| bad("id_token_algs", m))?;
    if id_token_algs.iter().any(is_hmac) && client_secret.is_none() {
        return Err(bad(
            "id_token_algs",
            "HS* needs a client secret (the key of HMAC-signed ID tokens)".into(),
        ));
    }
    if p.timeout.0.is_zero() {
        return Err(bad("timeout", "must be at least one millisecond".into()));
    }
    Ok(ProviderDef {
        id: p.id.clone(),
        display_name: if p.display_name.trim().is_empty() {
            p.id.clone()
        } else {
            p.display_name.trim().to_string()
        },
        issuer,
        discovery_endpoint,
        overrides,
        client_id: p.client_id.clone(),
        client_secret,
        auth_method,
        scopes: p.scopes.clone(),
        auth_query_params: p.auth_query_params.clone(),
        forward_params: p.forward_params.clone(),
        pkce,
        userinfo: p.userinfo,
        claims: p.claims.clone(),
        trust_email: p.trust_email,
        allowed_email_domains: p
            .allowed_email_domains
            .iter()
            .map(|d| d.trim().trim_start_matches('@').to_ascii_lowercase())
            .collect(),
        allowed_groups: p.allowed_groups.clone(),
        create_users: p.create_users,
        link_by_email: p.link_by_email,
        role_mappings: p.role_mappings.clone(),
        sync_always,
        rp_initiated_logout,
        allow_insecure_http: p.allow_insecure_http,
        id_token_algs,
        timeout: p.timeout.0,
    })
}

fn is_hmac(a: &Algorithm) -> bool {
    matches!(a, Algorithm::HS256 | Algorithm::HS384 | Algorithm::HS512)
}

fn algorithms(names: &[String]) -> Result<Vec<Algorithm>, String> {
    if names.is_empty() {
        return Err("must name at least one algorithm".into());
    }
    names
        .iter()
        .map(|n| {
            if n.eq_ignore_ascii_case("none") {
                return Err("none is never accepted".to_string());
            }
            Algorithm::from_str(n).map_err(|_| format!("{n:?} is not a JWS algorithm"))
        })
        .collect()
}

/// Checks every configured provider, and that ids and issuers are unique.
pub fn check_all(
    list: &[(UpstreamProvider, ResolvedSecret)],
    prefix: &str,
) -> Result<Vec<ProviderDef>, Invalid> {
    let mut ids = BTreeSet::new();
    let mut issuers = BTreeSet::new();
    let mut out = Vec::with_capacity(list.len());
    for (i, (p, secret)) in list.iter().enumerate() {
        let at = format!("{prefix}[{i}]");
        let def = check(p, secret.clone(), &at)?;
        if !ids.insert(def.id.clone()) {
            return Err(Invalid {
                key: key(&at, "id"),
                message: format!("{:?} is used by another provider", def.id),
            });
        }
        if !issuers.insert(def.issuer.clone()) {
            return Err(Invalid {
                key: key(&at, "issuer"),
                message: "another provider has the same issuer".into(),
            });
        }
        out.push(def);
    }
    Ok(out)
}

/// The endpoints in force: the overrides, else what discovery said.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Endpoints {
    pub auth: String,
    pub token: String,
    pub jwks: String,
    pub logout: Option<String>,
    pub userinfo: Option<String>,
    /// The provider advertises RFC 9207 `iss` in authorization responses.
    pub iss_parameter: bool,
}

impl ProviderDef {
    /// Whether the provider can be used without its discovery document.
    pub fn fully_overridden(&self) -> bool {
        let o = &self.overrides;
        o.auth.is_some() && o.token.is_some() && o.jwks.is_some()
    }

    /// The endpoints, or why there are none (discovery not fetched, and no overrides).
    pub fn endpoints(&self, discovered: Option<&ProviderMetadata>) -> Result<Endpoints, String> {
        let o = &self.overrides;
        let pick = |over: &Option<String>, found: Option<&String>, what: &str| {
            over.clone()
                .or_else(|| found.cloned())
                .ok_or_else(|| format!("the {what} is unknown: discovery has not succeeded"))
        };
        Ok(Endpoints {
            auth: pick(
                &o.auth,
                discovered.map(|d| &d.authorization_endpoint),
                "authorization endpoint",
            )?,
            token: pick(
                &o.token,
                discovered.map(|d| &d.token_endpoint),
                "token endpoint",
            )?,
            jwks: pick(&o.jwks, discovered.map(|d| &d.jwks_uri), "JWKS URI")?,
            logout: o
                .logout
                .clone()
                .or_else(|| discovered.and_then(|d| d.end_session_endpoint.clone())),
            userinfo: o
                .userinfo
                .clone()
                .or_else(|| discovered.and_then(|d| d.userinfo_endpoint.clone())),
            iss_parameter: discovered
                .is_some_and(|d| d.authorization_response_iss_parameter_supported),
        })
    }

    /// The `Authorization` header sent to the token endpoint, whole (`Basic …`), or
    /// `None` when the method sends no header.
    pub fn authentication_header(&self) -> Option<String> {
        match (self.auth_method, &self.client_secret) {
            (AuthMethod::ClientSecretBasic, Some(s)) => {
                Some(basic_authorization(&self.client_id, s.expose()))
            }
            _ => None,
        }
    }

    /// Seed 004's `OidcSummary`. `reveal`: show the authentication header whole (only
    /// in the answer to the call that created the provider); otherwise the scheme with
    /// the credentials redacted.
    pub fn summary(&self, discovered: Option<&ProviderMetadata>, reveal: bool) -> OidcSummary {
        let e = self.endpoints(discovered).unwrap_or_else(|_| Endpoints {
            auth: self.overrides.auth.clone().unwrap_or_default(),
            token: self.overrides.token.clone().unwrap_or_default(),
            jwks: self.overrides.jwks.clone().unwrap_or_default(),
            logout: self.overrides.logout.clone(),
            userinfo: self.overrides.userinfo.clone(),
            iss_parameter: false,
        });
        let authentication_header = if reveal {
            self.authentication_header().unwrap_or_default()
        } else {
            redacted_header(self.auth_method)
        };
        OidcSummary {
            discovery_endpoint: self.discovery_endpoint.clone(),
            logout_endpoint: e.logout.unwrap_or_default(),
            auth_endpoint: e.auth,
            token_endpoint: e.token,
            client_id: self.client_id.clone(),
            authentication_header,
            auth_query_params: AuthQueryParams {
                auth_query_params: self.auth_query_params.clone(),
            },
        }
    }
}

/// What an administrator reads back about a provider (seed 004, `OidcSummary`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OidcSummary {
    pub discovery_endpoint: String,
    pub logout_endpoint: String,
    pub auth_endpoint: String,
    pub token_endpoint: String,
    pub client_id: String,
    pub authentication_header: String,
    pub auth_query_params: AuthQueryParams,
}

/// The seed's JSON example nests the map under its own name:
/// `"auth_query_params": {"auth_query_params": {...}}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuthQueryParams {
    pub auth_query_params: BTreeMap<String, Vec<String>>,
}

#[cfg(test)]
mod tests;
