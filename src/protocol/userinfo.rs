//! Userinfo claims (OpenID Connect Core §5.3): `sub` and the consent's
//! `session.id_token` claims, plus the authentication facts of the grant, as Hydra
//! answers (its ID token claims without the per-token ones: nonce, hashes, exp, jti).

use super::id_token::extras;
use crate::protocol::grant::Grant;
use serde_json::{Map, Value};

pub fn claims(issuer: &str, grant: &Grant) -> Map<String, Value> {
    let s = &grant.session;
    let mut m = extras(grant);
    m.insert("sub".into(), grant.client_subject().into());
    m.insert("iss".into(), issuer.into());
    m.insert("aud".into(), Value::from(vec![grant.client_id.clone()]));
    if s.auth_time > 0 {
        m.insert("auth_time".into(), s.auth_time.into());
    }
    if s.requested_at > 0 {
        m.insert("rat".into(), s.requested_at.into());
    }
    if !s.acr.is_empty() {
        m.insert("acr".into(), s.acr.clone().into());
    }
    if !s.amr.is_empty() {
        m.insert("amr".into(), Value::from(s.amr.clone()));
    }
    m
}

/// Claims of a signed userinfo response (`userinfo_signed_response_alg`), which also
/// carries `iat` and a fresh `jti`.
pub fn signed_claims(issuer: &str, grant: &Grant, now: i64) -> Map<String, Value> {
    let mut m = claims(issuer, grant);
    m.insert("iat".into(), now.into());
    m.insert("jti".into(), uuid::Uuid::new_v4().to_string().into());
    m
}
