//! `grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer` (RFC 7523 §2.1, §3) with
//! Hydra's trusted issuers: the assertion's `iss` must have an unexpired trust
//! relationship for its `sub` (or for any subject), the JWT must be signed with that
//! relationship's key (by `kid`; asymmetric algorithms only), name the token endpoint in
//! `aud`, expire within `oauth2.grant.jwt.max_ttl`, carry `iat` and `jti` unless those
//! are made optional, and its `jti` is used once. Requested scopes must be within both
//! the trust's and the client's; the access token's subject is the assertion's `sub`.

use super::TokenResponse;
use crate::model::trust::TrustedIssuer;
use crate::model::Client;
use crate::protocol::error::OAuthError;
use crate::protocol::form::Params;
use crate::protocol::grant::Grant;
use crate::protocol::lifespan::GrantKind;
use crate::protocol::scope::{first_disallowed_audience, scope_allowed};
use crate::protocol::trust::{check_claims, ClaimRules, ALGS, LEEWAY};
use crate::service::oauth2::issue::IssueOptions;
use crate::service::oauth2::OAuth2;
use jsonwebtoken::jwk::Jwk;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde_json::Value;
use std::str::FromStr;

/// Largest assertion accepted.
const MAX_ASSERTION_LEN: usize = 16 * 1024;

fn refuse(hint: impl Into<String>) -> OAuthError {
    OAuthError::invalid_grant(hint)
}

/// `iss` and `sub` before the signature is checked: they only pick the key.
fn unverified(assertion: &str) -> Option<(String, String)> {
    let payload = assertion.split('.').nth(1)?;
    let bytes = crate::crypto::b64url_decode(payload)?;
    let v: Value = serde_json::from_slice(&bytes).ok()?;
    let s = |k: &str| v.get(k).and_then(Value::as_str).map(str::to_string);
    Some((s("iss")?, s("sub")?))
}

impl OAuth2 {
    pub(super) async fn jwt_bearer(
        &self,
        client: &Client,
        params: &Params,
        now: i64,
    ) -> Result<TokenResponse, OAuthError> {
        let Some(assertion) = params.get("assertion") else {
            return Err(OAuthError::invalid_request(
                "The 'assertion' parameter is missing.",
            ));
        };
        if assertion.len() > MAX_ASSERTION_LEN {
            return Err(refuse("The JWT in 'assertion' is too large."));
        }
        let header = jsonwebtoken::decode_header(assertion)
            .map_err(|_| refuse("The 'assertion' is not a valid JWS."))?;
        let alg = format!("{:?}", header.alg);
        if !ALGS.contains(&alg.as_str()) {
            return Err(refuse(format!(
                "The JWT in 'assertion' uses algorithm '{alg}', which is not accepted."
            )));
        }
        let (iss, sub) = unverified(assertion).ok_or_else(|| {
            refuse("The JWT in 'assertion' must have string 'iss' and 'sub' claims.")
        })?;
        let trusts = self.store.trusts_for(&iss, &sub, now).await?;
        if trusts.is_empty() {
            return Err(refuse(format!(
                "No unexpired trust relationship lets issuer '{iss}' assert subject '{sub}'."
            )));
        }
        let trust = pick(&trusts, header.kid.as_deref())?;
        let jwk: Jwk = serde_json::from_value(trust.jwk.clone())
            .map_err(|_| OAuthError::server_error("a stored trusted key is not a JWK"))?;
        let key = DecodingKey::from_jwk(&jwk)
            .map_err(|_| refuse("The trusted key cannot verify this assertion."))?;
        let algorithm = Algorithm::from_str(&alg).map_err(|_| refuse("Unsupported algorithm."))?;
        let mut v = Validation::new(algorithm);
        // Claims are checked below (protocol::trust), after the signature.
        v.validate_exp = false;
        v.validate_aud = false;
        v.required_spec_claims.clear();
        v.leeway = LEEWAY as u64;
        let claims = jsonwebtoken::decode::<Value>(assertion, &key, &v)
            .map_err(|e| {
                refuse(format!(
                    "The signature of the JWT in 'assertion' is invalid: {e}."
                ))
            })?
            .claims;
        let jwt = &self.cfg.jwt_grant;
        let rules = ClaimRules {
            audience: &self.cfg.token_endpoint,
            max_ttl: jwt.max_ttl,
            jti_optional: jwt.jti_optional,
            iat_optional: jwt.iat_optional,
        };
        let checked = check_claims(&claims, rules, now)?;
        let strategy = &self.cfg.scope_strategy;
        let scopes = params.scopes();
        for s in &scopes {
            if !scope_allowed(strategy, trust.scope.iter().map(String::as_str), s) {
                return Err(OAuthError::invalid_scope(format!(
                    "The trust relationship does not allow scope '{s}'."
                )));
            }
            if !scope_allowed(strategy, client.scopes(), s) {
                return Err(OAuthError::invalid_scope(format!(
                    "The OAuth 2.0 Client is not allowed to request scope '{s}'."
                )));
            }
        }
        let audience = params.audiences().to_vec();
        if let Some(a) = first_disallowed_audience(&client.audience, &audience) {
            return Err(OAuthError::invalid_request(format!(
                "Requested audience '{a}' has not been whitelisted by the OAuth 2.0 Client."
            )));
        }
        if let Some(jti) = &checked.jti {
            // Remembered per issuer, past the leeway, for as long as it would be accepted.
            let owner = format!("jwt-bearer:{iss}");
            if !self
                .store
                .use_assertion_jti(&owner, jti, checked.exp + 2 * LEEWAY, now)
                .await?
            {
                return Err(refuse(
                    "The 'jti' of the JWT in 'assertion' was used before.",
                ));
            }
        }
        let grant = Grant {
            request_id: uuid::Uuid::new_v4().to_string(),
            client_id: client.client_id.clone(),
            subject: sub,
            scopes,
            audience,
            ..Grant::default()
        };
        let opts = IssueOptions {
            access_token: true,
            ..IssueOptions::default()
        };
        let issued = self
            .issue_tokens((client, GrantKind::JwtBearer), &grant, &opts, now)
            .await?;
        Ok(TokenResponse::from_issued(issued))
    }
}

/// The trust whose key is named by `kid` (or the only one when the JWT names none).
fn pick<'a>(
    trusts: &'a [TrustedIssuer],
    kid: Option<&str>,
) -> Result<&'a TrustedIssuer, OAuthError> {
    match kid {
        Some(kid) => trusts.iter().find(|t| t.key_id == kid),
        None if trusts.len() == 1 => trusts.first(),
        None => None,
    }
    .ok_or_else(|| refuse("No trusted key matches the 'kid' of the JWT in 'assertion'."))
}
