//! Reading claims from an upstream ID token or userinfo response.
//!
//! Providers disagree on where things live (`groups`, `cognito:groups`,
//! `realm_access.roles`, `https://example.com/roles`) and on their shape, so these
//! helpers take a configured path and accept the common shapes, ignoring the rest
//! rather than failing the sign-in.

use serde_json::{Map, Value};
use std::collections::HashSet;

/// The value at `path`: the whole path as a literal top-level key first (so keys that
/// contain `.` or `:`, like URLs or `cognito:groups`, work), otherwise the path split on
/// `.` walking nested objects (`realm_access.roles`).
pub fn lookup<'a>(claims: &'a Map<String, Value>, path: &str) -> Option<&'a Value> {
    if let Some(v) = claims.get(path) {
        return Some(v);
    }
    if !path.contains('.') {
        return None;
    }
    let mut parts = path.split('.');
    let mut current = claims.get(parts.next()?)?;
    for part in parts {
        current = current.as_object()?.get(part)?;
    }
    Some(current)
}

/// The claim at `path` as text: strings as they are, numbers as their decimal JSON text
/// (some providers send numeric user ids), anything else (and the empty string) as
/// absent.
pub fn string(claims: &Map<String, Value>, path: &str) -> Option<String> {
    match lookup(claims, path)? {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// Group names from a claim value: a list of strings, a single string (one group), or a
/// list of objects with a string `name`; unusable items are skipped. Empty names are
/// dropped and duplicates removed, keeping first-seen order.
pub fn groups(value: &Value) -> Vec<String> {
    let names: Vec<&str> = match value {
        Value::String(s) => vec![s.as_str()],
        Value::Array(items) => items
            .iter()
            .filter_map(|item| match item {
                Value::String(s) => Some(s.as_str()),
                Value::Object(o) => o.get("name").and_then(Value::as_str),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    };
    let mut seen = HashSet::new();
    names
        .into_iter()
        .filter(|n| !n.is_empty() && seen.insert(*n))
        .map(str::to_string)
        .collect()
}

/// [`groups`] of the claim at `path`; empty when it is absent.
pub fn groups_at(claims: &Map<String, Value>, path: &str) -> Vec<String> {
    lookup(claims, path).map(groups).unwrap_or_default()
}

/// Whether the upstream says the email is verified: JSON `true`, or the string `"true"`
/// in any case (some providers, e.g. older Cognito pools, send strings). Anything else,
/// including absence, is false: an unverified email must never be trusted for linking.
pub fn email_verified(claims: &Map<String, Value>) -> bool {
    match claims.get("email_verified") {
        Some(Value::Bool(b)) => *b,
        Some(Value::String(s)) => s.eq_ignore_ascii_case("true"),
        _ => false,
    }
}

#[cfg(test)]
mod tests;
