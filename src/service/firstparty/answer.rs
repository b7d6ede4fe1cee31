//! The `LoginResponse` / `RefreshTokenResponse` body: the seed's fields (`id_token`,
//! `refresh_token`, `claims`, `expires_by`) plus the access token the grant also
//! carries (standard names, so a tool can call APIs and introspection with it).

use crate::clock::rfc3339;
use crate::crypto::b64url_decode;
use crate::service::oauth2::token::TokenResponse;
use serde::Serialize;
use serde_json::{Map, Value};

/// The seed's `Claims`: what the ID token says about the user.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct Claims {
    pub iss: String,
    pub sub: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub roles: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub groups: Option<Vec<String>>,
}

#[derive(Debug, Serialize)]
pub struct TokenAnswer {
    pub id_token: String,
    /// Empty when the grant has no offline scope or the client no refresh grant.
    pub refresh_token: String,
    pub claims: Claims,
    /// When the ID token expires (RFC 3339, as protobuf's JSON writes a Timestamp).
    pub expires_by: String,
    pub access_token: String,
    pub token_type: &'static str,
    /// The access token's lifetime in seconds.
    pub expires_in: i64,
}

impl TokenAnswer {
    /// Builds the answer from the token endpoint's response; the claims are read back
    /// from the ID token just minted, so the answer never says more than the token.
    pub fn from_tokens(t: TokenResponse) -> Result<TokenAnswer, String> {
        let id_token = t.id_token.ok_or("no ID token was issued")?;
        let payload = jwt_payload(&id_token).ok_or("the ID token cannot be read back")?;
        let text = |k: &str| payload.get(k).and_then(Value::as_str).map(str::to_string);
        let list = |k: &str| {
            payload.get(k).and_then(Value::as_array).map(|a| {
                a.iter()
                    .filter_map(|v| v.as_str().map(str::to_string))
                    .collect()
            })
        };
        let claims = Claims {
            iss: text("iss").unwrap_or_default(),
            sub: text("sub").unwrap_or_default(),
            name: text("name"),
            email: text("email"),
            roles: list("roles"),
            groups: list("groups"),
        };
        let exp = payload.get("exp").and_then(Value::as_i64).unwrap_or(0);
        Ok(TokenAnswer {
            id_token,
            refresh_token: t.refresh_token.unwrap_or_default(),
            claims,
            expires_by: rfc3339(exp),
            access_token: t.access_token,
            token_type: "bearer",
            expires_in: t.expires_in,
        })
    }
}

fn jwt_payload(jwt: &str) -> Option<Map<String, Value>> {
    let middle = jwt.split('.').nth(1)?;
    serde_json::from_slice(&b64url_decode(middle)?).ok()
}
