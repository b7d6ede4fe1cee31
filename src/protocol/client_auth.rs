//! The rules of client authentication (RFC 6749 §2.3, OpenID Connect Core §9) that need
//! no storage: which method a client registered, which method a request used, and
//! reading the HTTP Basic header. `service::oauth2::client_auth` applies them.

use crate::model::Client;
use crate::protocol::error::OAuthError;
use crate::secret::Secret;
use base64::Engine;

/// JWS algorithms of `private_key_jwt` client assertions (RFC 7523): the ones
/// `jsonwebtoken` verifies (ES512 is not among them). Registration, verification and
/// discovery all read this one list.
pub const ASSERTION_ALGS: [&str; 9] = [
    "RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "EdDSA",
];

pub const JWT_BEARER_ASSERTION: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

/// How the client presented itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Basic,
    Post,
    None,
}

impl Method {
    pub fn name(self) -> &'static str {
        match self {
            Method::Basic => "client_secret_basic",
            Method::Post => "client_secret_post",
            Method::None => "none",
        }
    }
}

/// The registered method, with Hydra's default.
pub fn registered_method(c: &Client) -> &str {
    if c.token_endpoint_auth_method.is_empty() {
        "client_secret_basic"
    } else {
        &c.token_endpoint_auth_method
    }
}

/// `application/x-www-form-urlencoded` decoding of one Basic credential (RFC 6749
/// §2.3.1): `+` is a space, `%XX` an octet; a malformed escape is refused.
fn form_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => {
                let hex = bytes.get(i + 1..i + 3)?;
                let hex = std::str::from_utf8(hex).ok()?;
                out.push(u8::from_str_radix(hex, 16).ok()?);
                i += 2;
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8(out).ok()
}

/// Parses `Authorization: Basic …`. `Ok(None)` when the header is absent or uses
/// another scheme; an unreadable Basic header is an authentication failure.
pub fn basic_credentials(header: Option<&str>) -> Result<Option<(String, Secret)>, OAuthError> {
    let Some(h) = header else { return Ok(None) };
    let h = h.trim();
    let Some((scheme, rest)) = h.split_once(' ') else {
        return Ok(None);
    };
    if !scheme.eq_ignore_ascii_case("basic") {
        return Ok(None);
    }
    let bad = || {
        OAuthError::invalid_client("The HTTP Basic authorization header is malformed.")
            .with_basic_challenge(true)
    };
    let raw = base64::engine::general_purpose::STANDARD
        .decode(rest.trim())
        .map_err(|_| bad())?;
    let text = String::from_utf8(raw).map_err(|_| bad())?;
    let (id, secret) = text.split_once(':').ok_or_else(bad)?;
    let id = form_decode(id).ok_or_else(|| {
        OAuthError::invalid_request("The client id in the HTTP authorization header could not be decoded from 'application/x-www-form-urlencoded'.")
    })?;
    let secret = form_decode(secret).ok_or_else(|| {
        OAuthError::invalid_request("The client secret in the HTTP authorization header could not be decoded from 'application/x-www-form-urlencoded'.")
    })?;
    if id.is_empty() {
        return Err(bad());
    }
    Ok(Some((id, Secret::new(secret))))
}

/// An assertion's `exp` as whole unix seconds, refusing what is not a number, what a
/// 64-bit second count cannot hold, and what is more than `max_lifetime` away from
/// `now`. JSON allows `4102444800.0` or `1e300` for a timestamp; reading those as
/// "no exp" once let an assertion's `jti` be forgotten before the assertion expired.
pub fn assertion_exp(
    exp: Option<&serde_json::Value>,
    now: i64,
    max_lifetime: i64,
) -> Result<i64, &'static str> {
    let missing = "The 'client_assertion' has no usable 'exp' claim.";
    let n = exp.and_then(|v| v.as_number()).ok_or(missing)?;
    let exp = match (n.as_i64(), n.as_f64()) {
        (Some(i), _) => i,
        // Past i64::MAX seconds (a u64), or a float: only finite values in range count.
        (None, Some(f)) if f.is_finite() && f.abs() < 9.0e18 => f.ceil() as i64,
        _ => return Err(missing),
    };
    if exp > now.saturating_add(max_lifetime) {
        return Err("The 'exp' claim of the client assertion is too far in the future.");
    }
    Ok(exp)
}

pub fn more_than_one() -> OAuthError {
    OAuthError::invalid_request(
        "The client used more than one authentication method in one request (RFC 6749 §2.3).",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn basic(id: &str, secret: &str) -> String {
        format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD.encode(format!("{id}:{secret}"))
        )
    }

    #[test]
    fn assertion_exp_is_read_as_the_number_it_is() {
        use serde_json::json;
        let now = 1_700_000_000;
        assert_eq!(
            assertion_exp(Some(&json!(now + 60)), now, 3600),
            Ok(now + 60)
        );
        assert_eq!(
            assertion_exp(Some(&json!(1_700_000_060.2)), now, 3600),
            Ok(now + 61)
        );
        for far in [
            json!(4102444800.0_f64),
            json!(4102444800_i64),
            json!(1e300),
            json!(u64::MAX),
        ] {
            assert!(assertion_exp(Some(&far), now, 3600).is_err(), "{far}");
        }
        for bad in [json!("1700000060"), json!(null), json!([1])] {
            assert!(assertion_exp(Some(&bad), now, 3600).is_err(), "{bad}");
        }
        assert!(assertion_exp(None, now, 3600).is_err());
    }

    #[test]
    fn basic_credentials_are_form_decoded() {
        let (id, secret) = basic_credentials(Some(&basic("my%3Aapp", "a+b%2Bc%25")))
            .unwrap()
            .unwrap();
        assert_eq!(id, "my:app");
        assert_eq!(secret.expose(), "a b+c%");
    }

    #[test]
    fn malformed_basic_headers_are_refused() {
        assert_eq!(
            basic_credentials(Some("Basic !!!")).unwrap_err().status,
            401
        );
        let no_colon = format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD.encode("nocolon")
        );
        assert!(
            basic_credentials(Some(&no_colon)).unwrap_err().challenge
                == crate::protocol::error::Challenge::Basic
        );
        assert_eq!(
            basic_credentials(Some(&basic("a%zz", "x")))
                .unwrap_err()
                .error,
            "invalid_request"
        );
        assert_eq!(basic_credentials(Some("Bearer abc")).unwrap(), None);
        assert_eq!(basic_credentials(None).unwrap(), None);
    }
}
