//! The raw parameters of an authorization request: the query string merged with an
//! `application/x-www-form-urlencoded` body (POST), in their original order.

use crate::protocol::error::OAuthError;

/// Parameters that must appear at most once (RFC 6749 §3.1). `audience` may repeat, as
/// fosite reads it as a list.
const SINGLE: &[&str] = &[
    "client_id",
    "redirect_uri",
    "response_type",
    "response_mode",
    "scope",
    "state",
    "nonce",
    "code_challenge",
    "code_challenge_method",
    "prompt",
    "max_age",
    "id_token_hint",
    "login_hint",
    "acr_values",
    "ui_locales",
    "display",
    "login_verifier",
    "consent_verifier",
];

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Params(Vec<(String, String)>);

impl Params {
    /// Parses the query and an optional urlencoded body.
    pub fn parse(query: &str, body: &[u8]) -> Result<Params, OAuthError> {
        let mut pairs: Vec<(String, String)> = serde_urlencoded::from_str(query).map_err(|e| {
            OAuthError::invalid_request("Unable to parse the query string.")
                .with_debug(e.to_string())
        })?;
        if !body.is_empty() {
            let more: Vec<(String, String)> = serde_urlencoded::from_bytes(body).map_err(|e| {
                OAuthError::invalid_request("Unable to parse the HTTP body as a form.")
                    .with_debug(e.to_string())
            })?;
            pairs.extend(more);
        }
        for name in SINGLE {
            if pairs.iter().filter(|(k, _)| k == name).count() > 1 {
                return Err(OAuthError::invalid_request(format!(
                    "The '{name}' parameter must not be included more than once."
                )));
            }
        }
        Ok(Params(pairs))
    }

    pub fn from_pairs(pairs: Vec<(String, String)>) -> Params {
        Params(pairs)
    }

    /// The value of `name`, trimmed, or `""`.
    pub fn get(&self, name: &str) -> &str {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.trim())
            .unwrap_or("")
    }

    pub fn has(&self, name: &str) -> bool {
        self.0.iter().any(|(k, _)| k == name)
    }

    /// Every value of `name`.
    pub fn all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.0
            .iter()
            .filter(move |(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The parameters without the flow's own (`login_verifier`, `consent_verifier`), as
    /// a query string: what the login and consent steps send the browser back to.
    pub fn original_query(&self) -> String {
        let kept: Vec<&(String, String)> = self
            .0
            .iter()
            .filter(|(k, _)| k != "login_verifier" && k != "consent_verifier")
            .collect();
        serde_urlencoded::to_string(kept).unwrap_or_default()
    }
}

/// A space-separated list with empty entries removed.
pub fn split_spaces(s: &str) -> Vec<String> {
    s.split(' ')
        .filter(|x| !x.is_empty())
        .map(str::to_string)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_and_body_are_merged_and_duplicates_refused() {
        let p = Params::parse("client_id=a&state=xyz", b"scope=openid+email&audience=x").unwrap();
        assert_eq!(p.get("client_id"), "a");
        assert_eq!(p.get("scope"), "openid email");
        assert_eq!(p.get("nope"), "");
        assert!(Params::parse("client_id=a&client_id=b", b"").is_err());
        assert!(Params::parse("state=a", b"state=b").is_err());
        assert!(Params::parse("audience=a&audience=b", b"").is_ok());
    }

    #[test]
    fn the_original_query_drops_verifiers() {
        let p = Params::parse("client_id=a&login_verifier=v&scope=a+b", b"").unwrap();
        assert_eq!(p.original_query(), "client_id=a&scope=a+b");
        assert_eq!(split_spaces(" a  b "), vec!["a", "b"]);
    }
}
