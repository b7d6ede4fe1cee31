//! How we authenticate to the upstream token endpoint (RFC 6749 §2.3.1, OpenID
//! Connect Core §9).

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;
use url::form_urlencoded::byte_serialize;

/// The client authentication methods we can use upstream.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AuthMethod {
    /// `Authorization: Basic`; the default when the provider advertises nothing.
    ClientSecretBasic,
    /// `client_id` and `client_secret` in the form body.
    ClientSecretPost,
    /// Public client: only `client_id` in the body (PKCE protects the code).
    None,
}

impl AuthMethod {
    /// The registered name, as used in discovery and configuration.
    pub fn as_str(self) -> &'static str {
        match self {
            AuthMethod::ClientSecretBasic => "client_secret_basic",
            AuthMethod::ClientSecretPost => "client_secret_post",
            AuthMethod::None => "none",
        }
    }
}

impl fmt::Display for AuthMethod {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A method name we do not support (for example `private_key_jwt`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unsupported token endpoint authentication method (expected client_secret_basic, client_secret_post or none)")]
pub struct UnknownAuthMethod;

impl FromStr for AuthMethod {
    type Err = UnknownAuthMethod;

    /// Exact, case-sensitive names, like serde: configuration should not have two
    /// spellings of the same thing.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "client_secret_basic" => Ok(AuthMethod::ClientSecretBasic),
            "client_secret_post" => Ok(AuthMethod::ClientSecretPost),
            "none" => Ok(AuthMethod::None),
            _ => Err(UnknownAuthMethod),
        }
    }
}

/// The `Authorization` header value for `client_secret_basic`.
///
/// RFC 6749 §2.3.1 says the id and secret are form-urlencoded before being joined with
/// `:` and base64-encoded; skipping that step breaks secrets containing `:`, `%` or `+`
/// against strict servers.
pub fn basic_authorization(client_id: &str, secret: &str) -> String {
    let mut joined = String::new();
    joined.extend(byte_serialize(client_id.as_bytes()));
    joined.push(':');
    joined.extend(byte_serialize(secret.as_bytes()));
    format!("Basic {}", STANDARD.encode(joined))
}

/// What may be logged in place of the `Authorization` header: never the credentials.
/// Empty when the method sends no header.
pub fn redacted_header(method: AuthMethod) -> String {
    match method {
        AuthMethod::ClientSecretBasic => "Basic [redacted]".to_string(),
        AuthMethod::ClientSecretPost | AuthMethod::None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decoded(header: &str) -> String {
        let b64 = header.strip_prefix("Basic ").unwrap();
        String::from_utf8(STANDARD.decode(b64).unwrap()).unwrap()
    }

    #[test]
    fn basic_header() {
        for (id, secret, joined) in [
            ("client", "secret", "client:secret"),
            // RFC 6749 §2.3.1's example credentials.
            ("s6BhdRkqt3", "gX1fBat3bV", "s6BhdRkqt3:gX1fBat3bV"),
            ("my:client", "a:b+c%d", "my%3Aclient:a%3Ab%2Bc%25d"),
            ("id", "pä ss/wörd", "id:p%C3%A4+ss%2Fw%C3%B6rd"),
            ("id", "日本", "id:%E6%97%A5%E6%9C%AC"),
            ("", "", ":"),
            ("id", "-._*~", "id:-._*%7E"),
        ] {
            let h = basic_authorization(id, secret);
            assert_eq!(decoded(&h), joined, "{id} {secret}");
        }
        assert_eq!(
            basic_authorization("client", "secret"),
            "Basic Y2xpZW50OnNlY3JldA=="
        );
    }

    #[test]
    fn method_names() {
        for (m, name) in [
            (AuthMethod::ClientSecretBasic, "client_secret_basic"),
            (AuthMethod::ClientSecretPost, "client_secret_post"),
            (AuthMethod::None, "none"),
        ] {
            assert_eq!(m.as_str(), name);
            assert_eq!(m.to_string(), name);
            assert_eq!(name.parse::<AuthMethod>(), Ok(m));
            assert_eq!(serde_json::to_value(m).unwrap(), name);
            assert_eq!(
                serde_json::from_value::<AuthMethod>(name.into()).unwrap(),
                m
            );
        }
        for bad in ["", "None", "private_key_jwt", "client_secret_jwt", "basic"] {
            assert_eq!(bad.parse::<AuthMethod>(), Err(UnknownAuthMethod));
            assert!(serde_json::from_value::<AuthMethod>(bad.into()).is_err());
        }
    }

    #[test]
    fn redaction() {
        assert_eq!(
            redacted_header(AuthMethod::ClientSecretBasic),
            "Basic [redacted]"
        );
        assert_eq!(redacted_header(AuthMethod::ClientSecretPost), "");
        assert_eq!(redacted_header(AuthMethod::None), "");
    }
}
