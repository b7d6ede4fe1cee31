//! Client authentication at the token and revocation endpoints (RFC 6749 §2.3,
//! OpenID Connect Core §9): `client_secret_basic`, `client_secret_post`,
//! `private_key_jwt` (RFC 7523) and `none`. A client may only use the method it
//! registered (`token_endpoint_auth_method`, default `client_secret_basic`), and only one
//! method per request. Secrets are checked by the shared `SecretVerifier` (cached
//! argon2), after one query that returns the client with its secret hash.

use super::client_assertion;
use super::error::OAuth2Error;
use super::params::Params;
use crate::app::AppState;
use crate::client::Client;
use crate::secret::Secret;
use base64::Engine;

pub const JWT_BEARER_ASSERTION: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

/// How the client presented itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Method {
    Basic,
    Post,
    None,
}

impl Method {
    fn name(self) -> &'static str {
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
fn basic_credentials(header: Option<&str>) -> Result<Option<(String, Secret)>, OAuth2Error> {
    let Some(h) = header else { return Ok(None) };
    let h = h.trim();
    let Some((scheme, rest)) = h.split_once(' ') else {
        return Ok(None);
    };
    if !scheme.eq_ignore_ascii_case("basic") {
        return Ok(None);
    }
    let bad = || {
        OAuth2Error::invalid_client("The HTTP Basic authorization header is malformed.")
            .with_basic_challenge(true)
    };
    let raw = base64::engine::general_purpose::STANDARD
        .decode(rest.trim())
        .map_err(|_| bad())?;
    let text = String::from_utf8(raw).map_err(|_| bad())?;
    let (id, secret) = text.split_once(':').ok_or_else(bad)?;
    let id = form_decode(id).ok_or_else(|| {
        OAuth2Error::invalid_request("The client id in the HTTP authorization header could not be decoded from 'application/x-www-form-urlencoded'.")
    })?;
    let secret = form_decode(secret).ok_or_else(|| {
        OAuth2Error::invalid_request("The client secret in the HTTP authorization header could not be decoded from 'application/x-www-form-urlencoded'.")
    })?;
    if id.is_empty() {
        return Err(bad());
    }
    Ok(Some((id, Secret::new(secret))))
}

/// Authenticates the client of a token or revocation request.
#[tracing::instrument(skip_all)]
pub async fn authenticate(
    state: &AppState,
    authorization: Option<&str>,
    params: &Params,
    now: i64,
) -> Result<Client, OAuth2Error> {
    let basic = basic_credentials(authorization)?;
    if let Some(kind) = params.get("client_assertion_type") {
        if kind != JWT_BEARER_ASSERTION {
            return Err(OAuth2Error::invalid_request(&format!(
                "Unknown client_assertion_type '{kind}'."
            )));
        }
        let Some(assertion) = params.get("client_assertion") else {
            return Err(OAuth2Error::invalid_request(
                "The client_assertion request parameter must be set when using client_assertion_type of 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer'.",
            ));
        };
        if basic.is_some() || params.has("client_secret") {
            return Err(more_than_one());
        }
        return client_assertion::verify(state, assertion, params.get("client_id"), now).await;
    }
    if params.has("client_assertion") {
        return Err(OAuth2Error::invalid_request(
            "The client_assertion_type request parameter is missing.",
        ));
    }

    let (client_id, secret, method) = match basic {
        Some((id, secret)) => {
            if params.has("client_secret") {
                return Err(more_than_one());
            }
            if params.get("client_id").is_some_and(|b| b != id) {
                return Err(OAuth2Error::invalid_request(
                    "The client_id in the request body differs from the one in the HTTP authorization header.",
                ));
            }
            (id, Some(secret), Method::Basic)
        }
        None => {
            let Some(id) = params.get("client_id") else {
                return Err(OAuth2Error::invalid_request(
                    "Client credentials missing or malformed in both HTTP Authorization header and HTTP POST body.",
                ));
            };
            match params.get("client_secret") {
                Some(s) => (id.to_string(), Some(Secret::new(s)), Method::Post),
                None => (id.to_string(), None, Method::None),
            }
        }
    };
    let challenge = method == Method::Basic;
    let fail = |hint: &str| OAuth2Error::invalid_client(hint).with_basic_challenge(challenge);

    let Some((client, hash)) = state.store.get_client_with_secret_hash(&client_id).await? else {
        return Err(fail("The requested OAuth 2.0 Client does not exist."));
    };
    let registered = registered_method(&client);
    if registered != method.name() {
        return Err(fail(&format!(
            "The OAuth 2.0 Client supports client authentication method '{registered}', but method '{}' was requested. You must configure the OAuth 2.0 client's 'token_endpoint_auth_method' value to accept '{}'.",
            method.name(),
            method.name()
        )));
    }
    let Some(secret) = secret else {
        // Method `none`, registered as such: a public client.
        return Ok(client);
    };
    if client.client_secret_expires_at > 0 && client.client_secret_expires_at <= now {
        return Err(fail("The OAuth 2.0 Client secret has expired."));
    }
    let stored = hash.unwrap_or_default();
    if !state.secrets.verify(&client, &stored, &secret).await {
        return Err(fail(
            "The provided client secret did not match the registered client secret.",
        ));
    }
    Ok(client)
}

fn more_than_one() -> OAuth2Error {
    OAuth2Error::invalid_request(
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
            basic_credentials(Some(&no_colon))
                .unwrap_err()
                .basic_challenge
        );
        assert_eq!(
            basic_credentials(Some(&basic("a%zz", "x")))
                .unwrap_err()
                .code,
            "invalid_request"
        );
        assert_eq!(basic_credentials(Some("Bearer abc")).unwrap(), None);
        assert_eq!(basic_credentials(None).unwrap(), None);
    }
}
