//! Userinfo claims (OpenID Connect Core §5.3): `sub` and the consent's
//! `session.id_token` claims, plus the authentication facts of the grant, as Hydra
//! answers (its ID token claims without the per-token ones: nonce, hashes, exp, jti).

use super::id_token::extras;
use crate::oauth2::grant::Grant;
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

/// The userinfo answer: JSON claims, or a signed JWT when the client registered
/// `userinfo_signed_response_alg`.
#[derive(Debug)]
pub enum Userinfo {
    Json(Map<String, Value>),
    Jwt(String),
}

/// Answers a userinfo request carrying the bearer `token`.
#[tracing::instrument(skip_all)]
pub async fn userinfo(
    state: &crate::app::AppState,
    token: Option<&str>,
    now: i64,
) -> Result<Userinfo, crate::oauth2::error::OAuth2Error> {
    use crate::oauth2::error::OAuth2Error;
    use crate::oauth2::lookup::{find, is_active, TokenUse};
    let Some(token) = token else {
        return Err(OAuth2Error::invalid_token(
            "No access token was given in the Authorization header or the request body.",
        ));
    };
    let found = find(state, token)
        .await
        .map_err(OAuth2Error::server_error)?;
    let row = match found {
        Some((TokenUse::Access, row)) if is_active(&row, now) => row,
        Some((TokenUse::Refresh, _)) => {
            return Err(OAuth2Error::invalid_token(
                "Only access tokens are allowed in the authorization header.",
            ))
        }
        _ => {
            return Err(OAuth2Error::invalid_token(
                "The access token is unknown, expired or revoked.",
            ))
        }
    };
    let grant = Grant::from_row(&row).map_err(OAuth2Error::server_error)?;
    let issuer = super::Urls::from_settings(&state.settings).issuer;
    let client = state
        .store
        .get_client(&row.client_id)
        .await
        .map_err(OAuth2Error::server_error)?
        .ok_or_else(|| {
            OAuth2Error::invalid_token("The client of the access token no longer exists.")
        })?;
    match client.userinfo_signed_response_alg.as_str() {
        "" | "none" => Ok(Userinfo::Json(claims(&issuer, &grant))),
        "RS256" => {
            let key = state
                .jwks
                .signing_key(crate::jwk::ID_TOKEN_SET)
                .await
                .map_err(OAuth2Error::server_error)?;
            let jwt = key
                .sign(&signed_claims(&issuer, &grant, now), Some("JWT"))
                .map_err(OAuth2Error::server_error)?;
            Ok(Userinfo::Jwt(jwt))
        }
        other => Err(OAuth2Error::server_error(format!(
            "unsupported userinfo_signed_response_alg {other:?} of client {}",
            client.client_id
        ))),
    }
}
