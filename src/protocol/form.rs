//! `application/x-www-form-urlencoded` parameters of the OAuth 2.0 endpoints.
//!
//! Parsed by hand rather than with serde so that `audience` may repeat (Hydra accepts
//! both `audience=a b` and `audience=a&audience=b`) while any other parameter given
//! twice is refused (RFC 6749 §3.1, §3.2).

use super::error::OAuthError;
use std::collections::HashMap;

#[derive(Debug, Default, Clone)]
pub struct Params {
    map: HashMap<String, String>,
    audience: Vec<String>,
}

impl Params {
    /// Parses a request body; an empty body is refused as fosite does.
    pub fn parse_body(body: &[u8]) -> Result<Params, OAuthError> {
        if body.iter().all(u8::is_ascii_whitespace) {
            return Err(OAuthError::invalid_request(
                "The POST body can not be empty.",
            ));
        }
        Self::parse(body)
    }

    pub fn parse(raw: &[u8]) -> Result<Params, OAuthError> {
        if std::str::from_utf8(raw).is_err() {
            return Err(OAuthError::invalid_request(
                "The request body is not valid UTF-8.",
            ));
        }
        let mut p = Params::default();
        for (k, v) in url::form_urlencoded::parse(raw) {
            if k == "audience" {
                p.audience.extend(v.split_whitespace().map(str::to_string));
                continue;
            }
            if p.map.insert(k.to_string(), v.to_string()).is_some() {
                return Err(OAuthError::invalid_request(format!(
                    "The parameter '{k}' must not be included more than once."
                )));
            }
        }
        Ok(p)
    }

    /// A parameter's value; empty counts as absent (as Go's `Form.Get` is read by fosite).
    pub fn get(&self, key: &str) -> Option<&str> {
        self.map
            .get(key)
            .map(String::as_str)
            .filter(|v| !v.is_empty())
    }

    pub fn has(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    /// The space-separated `scope` parameter, empties removed, duplicates dropped.
    pub fn scopes(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for s in self.get("scope").unwrap_or("").split_whitespace() {
            if !out.iter().any(|x| x == s) {
                out.push(s.to_string());
            }
        }
        out
    }

    pub fn audiences(&self) -> &[String] {
        &self.audience
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeated_audience_is_accepted_and_other_repeats_are_not() {
        let p = Params::parse(b"audience=a+b&audience=c&scope=x%20y%20x").unwrap();
        assert_eq!(p.audiences(), ["a", "b", "c"]);
        assert_eq!(p.scopes(), ["x", "y"]);
        let e = Params::parse(b"grant_type=a&grant_type=b").unwrap_err();
        assert_eq!(e.error, "invalid_request");
    }

    #[test]
    fn empty_and_non_utf8_bodies_are_refused() {
        assert!(Params::parse_body(b"").is_err());
        assert!(Params::parse_body(b"\xff\xfe=1").is_err());
        assert_eq!(Params::parse(b"a=").unwrap().get("a"), None);
    }
}
