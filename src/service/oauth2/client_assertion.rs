//! `private_key_jwt` client authentication (RFC 7523 §2.2, §3; OpenID Connect Core §9).
//!
//! The assertion must be signed with the client's registered
//! `token_endpoint_auth_signing_alg` (default RS256; HMAC and `none` are never accepted)
//! by a key from its `jwks` or `jwks_uri`; `iss` and `sub` are the client id, `aud`
//! names the token endpoint, `exp` is in the future, and `jti` is used once. Signature
//! checks are done by the `jsonwebtoken` crate (AWS-LC backend).

use super::client_jwks::Need;
use super::OAuth2;
use crate::model::Client;
use crate::protocol::client_auth::{assertion_exp, registered_method, ASSERTION_ALGS};
use crate::protocol::error::OAuthError;
use jsonwebtoken::jwk::Jwk;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde_json::Value;
use std::str::FromStr;

/// How far in the future an assertion may expire (RFC 7523 §3 lets the server limit it).
const MAX_ASSERTION_LIFETIME: i64 = 3600;
/// Largest assertion accepted (a JWS with a 4096-bit RSA signature is ~1 KiB).
const MAX_ASSERTION_LEN: usize = 16 * 1024;
/// Clock skew allowed on `exp`.
const LEEWAY: i64 = 30;

fn fail(hint: &str) -> OAuthError {
    OAuthError::invalid_client(hint)
}

/// The unverified `sub` of an assertion, to find the client when no `client_id` is sent.
fn unverified_subject(assertion: &str) -> Option<String> {
    let payload = assertion.split('.').nth(1)?;
    let bytes = crate::crypto::b64url_decode(payload)?;
    let v: Value = serde_json::from_slice(&bytes).ok()?;
    v.get("sub")?.as_str().map(str::to_string)
}

impl OAuth2 {
    /// Authenticates a client by its `private_key_jwt` assertion.
    #[tracing::instrument(skip_all)]
    pub async fn verify_assertion(
        &self,
        assertion: &str,
        client_id: Option<&str>,
        now: i64,
    ) -> Result<Client, OAuthError> {
        if assertion.len() > MAX_ASSERTION_LEN {
            return Err(fail("The client assertion is too large."));
        }
        let header = jsonwebtoken::decode_header(assertion)
        .map_err(|_| fail("Unable to verify the integrity of the 'client_assertion' value: it is not a valid JWS."))?;
        let client_id = match client_id {
            Some(id) => id.to_string(),
            None => unverified_subject(assertion).ok_or_else(|| {
                fail("The client assertion has no 'sub' claim and no client_id was sent.")
            })?,
        };
        let Some(client) = self.store.get_client(&client_id).await? else {
            return Err(fail("The requested OAuth 2.0 Client does not exist."));
        };
        if registered_method(&client) != "private_key_jwt" {
            return Err(fail(&format!(
            "This requested OAuth 2.0 client does not support client authentication method 'private_key_jwt', however 'client_assertion' was provided in the request. It supports '{}'.",
            registered_method(&client)
        )));
        }
        let expected = if client.token_endpoint_auth_signing_alg.is_empty() {
            "RS256"
        } else {
            &client.token_endpoint_auth_signing_alg
        };
        let alg = format!("{:?}", header.alg);
        if alg != expected || !ASSERTION_ALGS.contains(&alg.as_str()) {
            return Err(fail(&format!(
            "The 'client_assertion' uses signing algorithm '{alg}' but the requested OAuth 2.0 Client enforces signing algorithm '{expected}'."
        )));
        }
        let algorithm =
            Algorithm::from_str(&alg).map_err(|_| fail("Unsupported signing algorithm."))?;
        // Claims that cannot be right for this client are refused before any key is
        // looked for, so only a plausible assertion can cause a jwks_uri fetch.
        plausible(assertion, &client.client_id, &self.cfg.token_endpoint, now)?;
        let key = self.find_key(&client, header.kid.as_deref()).await?;

        let mut v = Validation::new(algorithm);
        v.set_audience(&[&self.cfg.token_endpoint]);
        v.set_issuer(&[&client.client_id]);
        v.sub = Some(client.client_id.clone());
        v.set_required_spec_claims(&["exp", "iss", "sub", "aud"]);
        v.leeway = LEEWAY as u64;
        let data = jsonwebtoken::decode::<Value>(assertion, &key, &v).map_err(|e| {
            fail(&format!(
                "Unable to verify the integrity of the 'client_assertion' value: {e}."
            ))
        })?;
        let claims = data.claims;
        let jti = claims
            .get("jti")
            .and_then(Value::as_str)
            .filter(|j| !j.is_empty())
            .ok_or_else(|| fail("The 'client_assertion' has no 'jti' claim."))?;
        // Its jti is remembered until it expires, so a long-lived assertion would pin a
        // row: the lifetime is capped, on `exp` read as the number it is.
        let exp = assertion_exp(claims.get("exp"), now, MAX_ASSERTION_LIFETIME).map_err(fail)?;
        // Kept past the validation leeway, so a replay is refused for as long as the
        // assertion itself would be accepted.
        if !self
            .store
            .use_assertion_jti(&client.client_id, jti, exp + 60, now)
            .await?
        {
            return Err(fail("The 'jti' of the 'client_assertion' was used before."));
        }
        Ok(client)
    }
}

impl OAuth2 {
    /// The verification key: by `kid` from the client's `jwks`, or from its `jwks_uri`
    /// (see `client_jwks` for caching and the refetch limits).
    async fn find_key(
        &self,
        client: &Client,
        kid: Option<&str>,
    ) -> Result<DecodingKey, OAuthError> {
        if let Some(set) = &client.jwks {
            return pick(set, kid).map_err(|e| e.error);
        }
        if client.jwks_uri.is_empty() {
            return Err(fail("The OAuth 2.0 Client has no JSON Web Keys (jwks or jwks_uri) to verify the assertion with."));
        }
        let get = |need| {
            self.client_jwks
                .set(&client.client_id, &client.jwks_uri, need)
        };
        let unreachable = |e: super::client_jwks::FetchError| {
            tracing::warn!(error = %e, client_id = %client.client_id, "cannot fetch a client's jwks_uri");
            fail("Unable to fetch the JSON Web Keys from the OAuth 2.0 Client's jwks_uri.")
        };
        if let Some(set) = get(Need::Any).await.map_err(unreachable)? {
            match pick(&set, kid) {
                Err(e) if e.is_no_match => {}
                other => return other.map_err(|e| e.error),
            }
        }
        // The cached set lacks the kid: the client may have rotated its keys.
        match get(Need::Newer).await.map_err(unreachable)? {
            Some(set) => pick(&set, kid).map_err(|e| e.error),
            None => Err(no_match()),
        }
    }
}

/// The unverified claims an assertion for `client_id` must have: `iss` and `sub` the
/// client, `aud` the token endpoint, an `exp` not in the past. The signature is checked
/// later; this only keeps junk from costing a fetch.
fn plausible(assertion: &str, client_id: &str, audience: &str, now: i64) -> Result<(), OAuthError> {
    let bad = || {
        fail("Unable to verify the integrity of the 'client_assertion' value: its claims do not fit this client or this server.")
    };
    let payload = assertion.split('.').nth(1).ok_or_else(bad)?;
    let bytes = crate::crypto::b64url_decode(payload).ok_or_else(bad)?;
    let claims: Value = serde_json::from_slice(&bytes).map_err(|_| bad())?;
    let is_client = |k: &str| claims.get(k).and_then(Value::as_str) == Some(client_id);
    let aud_ok = match claims.get("aud") {
        Some(Value::String(a)) => a == audience,
        Some(Value::Array(list)) => list.iter().any(|a| a.as_str() == Some(audience)),
        _ => false,
    };
    let exp_ok = claims
        .get("exp")
        .and_then(Value::as_f64)
        .is_some_and(|exp| exp + LEEWAY as f64 >= now as f64);
    if is_client("iss") && is_client("sub") && aud_ok && exp_ok {
        Ok(())
    } else {
        Err(bad())
    }
}

fn no_match() -> OAuthError {
    fail("No JSON Web Key of the OAuth 2.0 Client matches the 'kid' of the client assertion.")
}

/// A failed [`pick`]: whether it was for want of a matching key (worth a refetch).
struct PickError {
    error: OAuthError,
    is_no_match: bool,
}

/// Picks the signing key named `kid` (or the only signing key when no kid is given).
fn pick(set: &Value, kid: Option<&str>) -> Result<DecodingKey, PickError> {
    let keys: Vec<Jwk> = set
        .get("keys")
        .and_then(Value::as_array)
        .map(|ks| {
            ks.iter()
                .filter(|k| {
                    k.get("use")
                        .and_then(Value::as_str)
                        .is_none_or(|u| u == "sig")
                })
                .filter_map(|k| serde_json::from_value::<Jwk>(k.clone()).ok())
                .collect()
        })
        .unwrap_or_default();
    let jwk = match kid {
        Some(kid) => keys
            .iter()
            .find(|k| k.common.key_id.as_deref() == Some(kid)),
        None if keys.len() == 1 => keys.first(),
        None => None,
    }
    .ok_or(PickError {
        error: no_match(),
        is_no_match: true,
    })?;
    DecodingKey::from_jwk(jwk).map_err(|_| PickError {
        error: fail("The matching JSON Web Key of the OAuth 2.0 Client is not usable."),
        is_no_match: false,
    })
}
