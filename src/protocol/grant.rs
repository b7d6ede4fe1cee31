//! What a grant is: the subject, client, scopes and audience a set of tokens was issued
//! for, and the OpenID Connect session data that ID tokens and userinfo are built from.
//! Every token row of a grant carries a copy (denormalised for one-query lookups).

use crate::model::TokenRow;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// The OpenID Connect part of a grant (the `session` column).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct OidcSession {
    /// The consent's `session.id_token`: extra ID token and userinfo claims.
    #[serde(default)]
    pub id_token: Map<String, Value>,
    /// When the user authenticated (unix seconds).
    #[serde(default)]
    pub auth_time: i64,
    /// When the authorization was requested (`rat`).
    #[serde(default)]
    pub requested_at: i64,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub acr: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub amr: Vec<String>,
    /// The login session id (`sid`), for front- and back-channel logout.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub sid: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub nonce: String,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Grant {
    /// Shared by every token of the grant (the consent challenge's signature for the
    /// authorization code flow; a fresh id for client_credentials).
    pub request_id: String,
    pub client_id: String,
    /// The local subject; the client id for client_credentials.
    pub subject: String,
    /// The pairwise subject shown to the client, or `""`.
    pub obfuscated_subject: String,
    pub scopes: Vec<String>,
    pub audience: Vec<String>,
    /// The consent's `session.access_token` (introspection's `ext`).
    pub ext: Map<String, Value>,
    pub session: OidcSession,
}

impl Grant {
    pub fn has_scope(&self, s: &str) -> bool {
        self.scopes.iter().any(|x| x == s)
    }

    /// Refresh tokens are issued only for `offline_access` (or Hydra's `offline`).
    pub fn offline(&self) -> bool {
        self.has_scope("offline_access") || self.has_scope("offline")
    }

    pub fn openid(&self) -> bool {
        self.has_scope("openid")
    }

    /// The `sub` the client sees (pairwise when configured).
    pub fn client_subject(&self) -> &str {
        if self.obfuscated_subject.is_empty() {
            &self.subject
        } else {
            &self.obfuscated_subject
        }
    }

    pub fn scope_string(&self) -> String {
        self.scopes.join(" ")
    }

    pub fn row(&self, signature: String, issued_at: i64, expires_at: i64) -> TokenRow {
        TokenRow {
            signature,
            request_id: self.request_id.clone(),
            client_id: self.client_id.clone(),
            subject: self.subject.clone(),
            obfuscated_subject: self.obfuscated_subject.clone(),
            scope: self.scope_string(),
            audience: Value::from(self.audience.clone()).to_string(),
            ext: Value::Object(self.ext.clone()).to_string(),
            session: serde_json::to_string(&self.session).unwrap_or_else(|_| "{}".into()),
            issued_at,
            expires_at,
            active: true,
        }
    }

    /// The grant a stored token row describes; `Err` names what is corrupt.
    pub fn from_row(row: &TokenRow) -> Result<Grant, String> {
        let corrupt = |what: &str, e: serde_json::Error| {
            format!("token {what} of grant {}: {e}", row.request_id)
        };
        Ok(Grant {
            request_id: row.request_id.clone(),
            client_id: row.client_id.clone(),
            subject: row.subject.clone(),
            obfuscated_subject: row.obfuscated_subject.clone(),
            scopes: row.scope.split_whitespace().map(str::to_string).collect(),
            audience: serde_json::from_str(&row.audience).map_err(|e| corrupt("audience", e))?,
            ext: serde_json::from_str(&row.ext).map_err(|e| corrupt("ext", e))?,
            session: serde_json::from_str(&row.session).map_err(|e| corrupt("session", e))?,
        })
    }
}

/// A list stored either as a JSON array or space-separated (the code table's columns).
pub fn parse_list(s: &str) -> Vec<String> {
    let t = s.trim();
    if t.starts_with('[') {
        serde_json::from_str(t).unwrap_or_default()
    } else {
        t.split_whitespace().map(str::to_string).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_grant_survives_its_row() {
        let mut g = Grant {
            request_id: "r".into(),
            client_id: "c".into(),
            subject: "alice".into(),
            scopes: vec!["openid".into(), "offline".into()],
            audience: vec!["https://api".into()],
            ..Grant::default()
        };
        g.ext.insert("k".into(), Value::from(1));
        g.session.nonce = "n0nce-value".into();
        let row = g.row("sig".into(), 10, 20);
        assert_eq!(Grant::from_row(&row).unwrap(), g);
        assert!(g.offline() && g.openid());
        assert_eq!(parse_list("[\"a\",\"b\"]"), ["a", "b"]);
        assert_eq!(parse_list("a b"), ["a", "b"]);
    }
}
