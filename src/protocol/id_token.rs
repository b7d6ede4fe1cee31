//! ID token claims (OpenID Connect Core §2, §3.1.3.6, §3.3.2.11).
//!
//! The consent's `session.id_token` map is the base; every registered claim is then set
//! or removed here, so consent data can add claims but never forge `iss`, `sub`, `aud`,
//! `exp`, `nonce`, `at_hash` and the like (Hydra overwrites them the same way).

use crate::protocol::grant::Grant;
use serde_json::{Map, Value};

/// Claims the server owns; consent data cannot set them.
pub const RESERVED: [&str; 16] = [
    "iss",
    "sub",
    "aud",
    "exp",
    "iat",
    "nbf",
    "jti",
    "nonce",
    "at_hash",
    "c_hash",
    "auth_time",
    "acr",
    "amr",
    "rat",
    "sid",
    "azp",
];

/// Consent extras without the reserved claims.
pub fn extras(grant: &Grant) -> Map<String, Value> {
    let mut m = grant.session.id_token.clone();
    for k in RESERVED {
        m.remove(k);
    }
    m
}

pub struct IdTokenInput<'a> {
    /// With its trailing slash.
    pub issuer: &'a str,
    pub grant: &'a Grant,
    pub now: i64,
    pub ttl: i64,
    pub at_hash: Option<String>,
    pub c_hash: Option<String>,
}

pub fn claims(i: IdTokenInput<'_>) -> Map<String, Value> {
    let g = i.grant;
    let s = &g.session;
    let mut m = extras(g);
    m.insert("iss".into(), i.issuer.into());
    m.insert("sub".into(), g.client_subject().into());
    m.insert("aud".into(), Value::from(vec![g.client_id.clone()]));
    m.insert("iat".into(), i.now.into());
    m.insert("exp".into(), (i.now + i.ttl).into());
    m.insert("jti".into(), uuid::Uuid::new_v4().to_string().into());
    let auth_time = if s.auth_time > 0 { s.auth_time } else { i.now };
    m.insert("auth_time".into(), auth_time.into());
    if s.requested_at > 0 {
        m.insert("rat".into(), s.requested_at.into());
    }
    if !s.nonce.is_empty() {
        m.insert("nonce".into(), s.nonce.clone().into());
    }
    if !s.acr.is_empty() {
        m.insert("acr".into(), s.acr.clone().into());
    }
    if !s.amr.is_empty() {
        m.insert("amr".into(), Value::from(s.amr.clone()));
    }
    if !s.sid.is_empty() {
        m.insert("sid".into(), s.sid.clone().into());
    }
    if let Some(h) = i.at_hash {
        m.insert("at_hash".into(), h.into());
    }
    if let Some(h) = i.c_hash {
        m.insert("c_hash".into(), h.into());
    }
    m
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn consent_data_cannot_override_registered_claims() {
        let mut g = Grant {
            client_id: "app".into(),
            subject: "alice".into(),
            obfuscated_subject: "pairwise-alice".into(),
            ..Grant::default()
        };
        g.session.id_token.insert("sub".into(), "mallory".into());
        g.session
            .id_token
            .insert("iss".into(), "https://evil".into());
        g.session
            .id_token
            .insert("email".into(), "a@example.com".into());
        g.session.nonce = "abcdefgh".into();
        g.session.auth_time = 5;
        let c = claims(IdTokenInput {
            issuer: "https://op/",
            grant: &g,
            now: 100,
            ttl: 60,
            at_hash: Some("h".into()),
            c_hash: None,
        });
        assert_eq!(c["sub"], "pairwise-alice");
        assert_eq!(c["iss"], "https://op/");
        assert_eq!(c["aud"], serde_json::json!(["app"]));
        assert_eq!(c["email"], "a@example.com");
        assert_eq!(c["exp"], 160);
        assert_eq!(c["auth_time"], 5);
        assert_eq!(c["nonce"], "abcdefgh");
        assert_eq!(c["at_hash"], "h");
        assert!(!c.contains_key("c_hash") && !c.contains_key("sid") && !c.contains_key("acr"));
    }
}
