//! The JWT bearer grant's rules (RFC 7523 §2.1, §3): what a trust relationship may be
//! created with (Hydra's `trustOAuth2JwtGrantIssuer`), and the claims an assertion must
//! carry once its signature is verified. Pure: the clock comes in as `now`.

use crate::model::trust::TrustedIssuer;
use crate::protocol::error::OAuthError;
use serde::Deserialize;
use serde_json::Value;

/// The grant type at the token endpoint.
pub const JWT_BEARER_GRANT: &str = "urn:ietf:params:oauth:grant-type:jwt-bearer";
/// Clock skew allowed on `exp`, `nbf` and `iat`.
pub const LEEWAY: i64 = 30;
/// Signing algorithms an issuer's key may use: asymmetric only.
pub const ALGS: [&str; 9] = [
    "RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "EdDSA",
];

/// The create body (`trustOAuth2JwtGrantIssuer`).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct NewTrust {
    pub issuer: String,
    pub subject: String,
    pub allow_any_subject: bool,
    pub scope: Vec<String>,
    pub jwk: Option<Value>,
    pub expires_at: String,
}

/// Checks a create body; the message names the field.
pub fn new_trust(body: NewTrust, id: String, now: i64) -> Result<TrustedIssuer, String> {
    if body.issuer.trim().is_empty() {
        return Err("Field 'issuer' is required.".into());
    }
    // Both set, or neither: exactly one must say whom the issuer may assert.
    if body.allow_any_subject != body.subject.is_empty() {
        return Err("Exactly one of 'subject' and 'allow_any_subject' must be set.".into());
    }
    let expires_at = crate::clock::parse_rfc3339(&body.expires_at)
        .ok_or("Field 'expires_at' must be an RFC 3339 date-time.")?;
    if expires_at <= now {
        return Err("Field 'expires_at' must be in the future.".into());
    }
    let jwk = body.jwk.ok_or("Field 'jwk' is required.")?;
    let obj = jwk
        .as_object()
        .ok_or("Field 'jwk' must be a JSON Web Key.")?;
    for private in ["d", "p", "q", "dp", "dq", "qi", "k"] {
        if obj.contains_key(private) {
            return Err(
                "Field 'jwk' must be a public key (it holds private or symmetric key material)."
                    .into(),
            );
        }
    }
    let key_id = obj
        .get("kid")
        .and_then(Value::as_str)
        .filter(|k| !k.is_empty())
        .ok_or("Field 'jwk' must have a 'kid'.")?
        .to_string();
    if let Some(alg) = obj.get("alg").and_then(Value::as_str) {
        if !ALGS.contains(&alg) {
            return Err(format!(
                "Field 'jwk' has algorithm '{alg}', which is not accepted."
            ));
        }
    }
    if serde_json::from_value::<jsonwebtoken::jwk::Jwk>(jwk.clone()).is_err() {
        return Err("Field 'jwk' is not a usable JSON Web Key.".into());
    }
    Ok(TrustedIssuer {
        id,
        issuer: body.issuer,
        subject: body.subject,
        allow_any_subject: body.allow_any_subject,
        scope: body.scope,
        key_id,
        jwk,
        created_at: now,
        expires_at,
    })
}

/// What the grant needs of an assertion's verified claims.
#[derive(Debug, Clone, PartialEq)]
pub struct Checked {
    pub jti: Option<String>,
    pub exp: i64,
}

/// Options from `oauth2.grant.jwt`.
#[derive(Debug, Clone, Copy)]
pub struct ClaimRules<'a> {
    pub audience: &'a str,
    pub max_ttl: i64,
    pub jti_optional: bool,
    pub iat_optional: bool,
}

fn refuse(hint: impl Into<String>) -> OAuthError {
    OAuthError::invalid_grant(hint)
}

/// Checks the claims of an assertion whose signature was verified (RFC 7523 §3).
pub fn check_claims(claims: &Value, r: ClaimRules<'_>, now: i64) -> Result<Checked, OAuthError> {
    let aud_ok = match claims.get("aud") {
        Some(Value::String(a)) => a == r.audience,
        Some(Value::Array(list)) => list.iter().any(|a| a.as_str() == Some(r.audience)),
        _ => false,
    };
    if !aud_ok {
        return Err(refuse(format!(
            "The JWT in 'assertion' must name the token endpoint '{}' in its 'aud' claim.",
            r.audience
        )));
    }
    let number = |k: &str| claims.get(k).and_then(Value::as_f64).map(|f| f as i64);
    let exp = number("exp").ok_or_else(|| refuse("The JWT in 'assertion' has no 'exp' claim."))?;
    if exp + LEEWAY < now {
        return Err(refuse("The JWT in 'assertion' has expired."));
    }
    if exp - now > r.max_ttl {
        return Err(refuse(format!(
            "The JWT in 'assertion' expires too far in the future (at most {} seconds).",
            r.max_ttl
        )));
    }
    if let Some(nbf) = number("nbf") {
        if nbf > now + LEEWAY {
            return Err(refuse("The JWT in 'assertion' is not valid yet ('nbf')."));
        }
    }
    match number("iat") {
        Some(iat) if iat > now + LEEWAY => {
            return Err(refuse(
                "The JWT in 'assertion' was issued in the future ('iat').",
            ))
        }
        None if !r.iat_optional => {
            return Err(refuse("The JWT in 'assertion' has no 'iat' claim."))
        }
        _ => {}
    }
    let jti = claims
        .get("jti")
        .and_then(Value::as_str)
        .filter(|j| !j.is_empty())
        .map(str::to_string);
    if jti.is_none() && !r.jti_optional {
        return Err(refuse("The JWT in 'assertion' has no 'jti' claim."));
    }
    Ok(Checked { jti, exp })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const AUD: &str = "https://op/oauth2/token";

    fn rules() -> ClaimRules<'static> {
        ClaimRules {
            audience: AUD,
            max_ttl: 3600,
            jti_optional: false,
            iat_optional: false,
        }
    }

    #[test]
    fn claims_are_checked_in_rfc_7523_order() {
        let ok = json!({"aud": [AUD], "exp": 1100, "iat": 1000, "jti": "j"});
        assert_eq!(
            check_claims(&ok, rules(), 1000).unwrap().jti.as_deref(),
            Some("j")
        );
        for bad in [
            json!({"aud": "other", "exp": 1100, "iat": 1000, "jti": "j"}),
            json!({"aud": AUD, "iat": 1000, "jti": "j"}),
            json!({"aud": AUD, "exp": 900, "iat": 1000, "jti": "j"}),
            json!({"aud": AUD, "exp": 9000, "iat": 1000, "jti": "j"}),
            json!({"aud": AUD, "exp": 1100, "jti": "j"}),
            json!({"aud": AUD, "exp": 1100, "iat": 1000}),
            json!({"aud": AUD, "exp": 1100, "iat": 1000, "jti": "j", "nbf": 1200}),
        ] {
            assert_eq!(
                check_claims(&bad, rules(), 1000).unwrap_err().error,
                "invalid_grant",
                "{bad}"
            );
        }
    }

    #[test]
    fn a_trust_needs_one_of_subject_and_any_and_a_public_key_with_kid() {
        let body = |v: Value| serde_json::from_value::<NewTrust>(v).unwrap();
        let key = json!({"kty": "EC", "crv": "P-256", "kid": "k1",
            "x": "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU",
            "y": "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"});
        let ok = json!({"issuer": "https://ci", "subject": "job", "scope": ["a"],
            "jwk": key, "expires_at": "2100-01-01T00:00:00Z"});
        let t = new_trust(body(ok.clone()), "id".into(), 0).unwrap();
        assert_eq!((t.key_id.as_str(), t.scope.len()), ("k1", 1));
        let mut both = ok.clone();
        both["allow_any_subject"] = json!(true);
        assert!(new_trust(body(both), "id".into(), 0).is_err());
        let mut private = ok.clone();
        private["jwk"]["d"] = json!("secret");
        assert!(new_trust(body(private), "id".into(), 0).is_err());
        let mut past = ok;
        past["expires_at"] = json!("2000-01-01T00:00:00Z");
        assert!(new_trust(body(past), "id".into(), 1_000_000_000).is_err());
    }
}
