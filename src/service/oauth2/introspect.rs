//! Token introspection (RFC 7662; Hydra's `oAuth2TokenIntrospection`), admin API only.
//! An unknown, expired, revoked or forged token, or one lacking a scope the caller
//! asked about, is `{"active": false}`; a storage failure is an error, never inactive.

use super::lookup::{is_active, TokenUse};
use super::OAuth2;
use crate::protocol::scope::scope_allowed;
use crate::store::StoreResult;
use serde::Serialize;
use serde_json::{Map, Value};

#[derive(Debug, Default, Serialize, PartialEq)]
pub struct Introspection {
    pub active: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sub: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exp: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub iat: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nbf: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub aud: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub iss: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub token_type: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub token_use: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ext: Option<Map<String, Value>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub obfuscated_subject: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
}

/// `scope`: the optional space-separated scopes the token must have been granted.
impl OAuth2 {
    #[tracing::instrument(skip_all)]
    pub async fn introspect(
        &self,
        token: &str,
        scope: Option<&str>,
        now: i64,
    ) -> StoreResult<Introspection> {
        let inactive = Introspection::default();
        let Some((token_use, row)) = self.find(token).await? else {
            return Ok(inactive);
        };
        if !is_active(&row, now) {
            return Ok(inactive);
        }
        let strategy = &self.cfg.scope_strategy;
        let granted: Vec<&str> = row.scope.split_whitespace().collect();
        let wanted = scope.unwrap_or("").split_whitespace();
        if wanted
            .into_iter()
            .any(|s| !scope_allowed(strategy, granted.iter().copied(), s))
        {
            return Ok(inactive);
        }
        let aud: Vec<String> = serde_json::from_str(&row.audience).unwrap_or_default();
        let ext: Map<String, Value> = serde_json::from_str(&row.ext).unwrap_or_default();
        let pairwise = !row.obfuscated_subject.is_empty() && row.obfuscated_subject != row.subject;
        Ok(Introspection {
            active: true,
            scope: (!row.scope.is_empty()).then(|| row.scope.clone()),
            client_id: Some(row.client_id.clone()),
            sub: Some(row.subject.clone()),
            exp: (row.expires_at > 0).then_some(row.expires_at),
            iat: Some(row.issued_at),
            nbf: Some(row.issued_at),
            aud: Some(aud),
            iss: Some(self.cfg.issuer.clone()),
            // RFC 7662's `token_type` is an access token's type (RFC 6749 §7.1); a
            // refresh token has none, and `token_use` says what it is.
            token_type: (token_use == TokenUse::Access).then_some("Bearer"),
            token_use: Some(token_use.as_str()),
            ext: (!ext.is_empty()).then_some(ext),
            obfuscated_subject: pairwise.then(|| row.obfuscated_subject.clone()),
            username: None,
        })
    }
}
