//! The upstream authorization URL: `auth_endpoint`, then the operator's static
//! `auth_query_params`, then our protocol parameters, then parameters forwarded from the
//! relying party's request.
//!
//! Static keys may not name a protocol parameter (they would let configuration override
//! `state`, `redirect_uri`, PKCE…); forwarded keys that a static key also names are
//! dropped, so the operator's value wins.

use std::collections::BTreeMap;
use url::form_urlencoded::byte_serialize;

/// Parameters that belong to the protocol and that no static parameter may set.
pub const PROTOCOL_PARAMS: [&str; 11] = [
    "response_type",
    "client_id",
    "redirect_uri",
    "scope",
    "state",
    "nonce",
    "code_challenge",
    "code_challenge_method",
    "response_mode",
    "request",
    "request_uri",
];

/// The relying party's parameters we pass on upstream; any other forwarded key is
/// dropped, so a caller bug cannot smuggle protocol parameters in.
pub const FORWARDABLE_PARAMS: [&str; 5] = [
    "prompt",
    "max_age",
    "login_hint",
    "ui_locales",
    "acr_values",
];

/// Our per-request protocol values; each must be non-empty, but the PKCE challenge,
/// whose absence means the provider is configured without PKCE (`pkce: none`).
#[derive(Debug, Clone, Copy)]
pub struct ProtocolParams<'a> {
    pub client_id: &'a str,
    pub redirect_uri: &'a str,
    pub scope: &'a str,
    pub state: &'a str,
    pub nonce: &'a str,
    /// The S256 PKCE challenge (RFC 7636 §4.2), already base64url-encoded; `""` sends
    /// neither `code_challenge` nor `code_challenge_method`.
    pub code_challenge: &'a str,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QueryError {
    #[error("the authorization endpoint must not have a fragment")]
    Fragment,
    #[error("the authorization endpoint is empty")]
    EmptyEndpoint,
    #[error("static query parameters: {0}")]
    StaticParam(String),
    #[error("the protocol parameter {0} is empty")]
    EmptyProtocolParam(&'static str),
}

/// Refuses static parameters that would clash with the protocol, and empty keys
/// (which would produce a bare `=` or `&&`). Run at configuration time.
pub fn check_static_params(map: &BTreeMap<String, Vec<String>>) -> Result<(), String> {
    for key in map.keys() {
        if key.is_empty() {
            return Err("a key is empty".to_string());
        }
        if PROTOCOL_PARAMS.contains(&key.as_str()) {
            return Err(format!(
                "{key:?} is a protocol parameter and cannot be set statically"
            ));
        }
    }
    Ok(())
}

/// The static part of the query, without a leading `?`: keys in byte order, `k=v` per
/// value, a bare `k` for an empty list, keys and values form-urlencoded.
pub fn static_query(map: &BTreeMap<String, Vec<String>>) -> String {
    let mut out = String::new();
    for (key, values) in map {
        if values.is_empty() {
            push_bare(&mut out, key);
        }
        for value in values {
            push_pair(&mut out, key, value);
        }
    }
    out
}

/// The full upstream authorization URL. An endpoint that already has a query gets `&`
/// instead of a second `?` (none at all if it already ends in `?` or `&`).
pub fn authorization_url(
    auth_endpoint: &str,
    static_params: &BTreeMap<String, Vec<String>>,
    p: &ProtocolParams,
    forwarded: &[(&str, &str)],
) -> Result<String, QueryError> {
    if auth_endpoint.is_empty() {
        return Err(QueryError::EmptyEndpoint);
    }
    if auth_endpoint.contains('#') {
        return Err(QueryError::Fragment);
    }
    check_static_params(static_params).map_err(QueryError::StaticParam)?;
    let mut protocol = vec![
        ("response_type", "code"),
        ("client_id", p.client_id),
        ("redirect_uri", p.redirect_uri),
        ("scope", p.scope),
        ("state", p.state),
        ("nonce", p.nonce),
    ];
    if let Some((name, _)) = protocol.iter().find(|(_, v)| v.is_empty()) {
        return Err(QueryError::EmptyProtocolParam(name));
    }
    if !p.code_challenge.is_empty() {
        protocol.push(("code_challenge", p.code_challenge));
        protocol.push(("code_challenge_method", "S256"));
    }

    let mut query = static_query(static_params);
    for (k, v) in protocol {
        push_pair(&mut query, k, v);
    }
    for (k, v) in forwarded {
        if FORWARDABLE_PARAMS.contains(k) && !v.is_empty() && !static_params.contains_key(*k) {
            push_pair(&mut query, k, v);
        }
    }

    let sep = match auth_endpoint.find('?') {
        None => "?",
        Some(_) if auth_endpoint.ends_with(['?', '&']) => "",
        Some(_) => "&",
    };
    Ok(format!("{auth_endpoint}{sep}{query}"))
}

fn push_bare(out: &mut String, key: &str) {
    if !out.is_empty() {
        out.push('&');
    }
    out.extend(byte_serialize(key.as_bytes()));
}

fn push_pair(out: &mut String, key: &str, value: &str) {
    push_bare(out, key);
    out.push('=');
    out.extend(byte_serialize(value.as_bytes()));
}

#[cfg(test)]
mod tests;
