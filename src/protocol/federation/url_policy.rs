//! Which URLs we accept for an upstream provider (issuer, endpoints, JWKS).
//!
//! Tokens, codes and client secrets travel to these URLs, so they must be absolute
//! `https` URLs. Plain `http` is allowed only for loopback hosts (local development and
//! tests: nothing leaves the machine) or when the operator explicitly allows it.

use std::net::IpAddr;
use url::{Host, Url};

/// Checks one upstream URL and returns it parsed.
///
/// Rules: absolute `http`/`https` URL; no fragment (the fragment never reaches the
/// server and signals a confused value); no userinfo (`user:pass@` would leak
/// credentials into logs and is a classic phishing trick); no surrounding whitespace or
/// control characters (the URL parser would silently drop them, so the value we store
/// would differ from the one we use); `https` unless the host is loopback or
/// `allow_insecure_http` is set. The error text never repeats the value, so it can be
/// logged next to the field name without echoing attacker input.
pub fn check_url(value: &str, allow_insecure_http: bool) -> Result<Url, String> {
    if value.is_empty() {
        return Err("is empty".to_string());
    }
    if value.chars().any(|c| c.is_control()) || value.trim() != value {
        return Err("contains whitespace or control characters".to_string());
    }
    let url = Url::parse(value).map_err(|e| format!("is not an absolute URL ({e})"))?;
    let scheme = url.scheme();
    if scheme != "https" && scheme != "http" {
        return Err("must use the https scheme".to_string());
    }
    if url.fragment().is_some() {
        return Err("must not have a fragment".to_string());
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err("must not contain a user name or password".to_string());
    }
    let Some(host) = url.host() else {
        return Err("has no host".to_string());
    };
    if scheme == "http" && !allow_insecure_http && !is_loopback(&host) {
        return Err("must use https (http is only allowed for loopback hosts)".to_string());
    }
    Ok(url)
}

/// `localhost`, `*.localhost` (RFC 6761 reserves them for loopback), 127.0.0.0/8 and
/// `[::1]`. A single trailing dot (the absolute form of a DNS name) is ignored.
pub fn is_loopback(host: &Host<&str>) -> bool {
    match host {
        Host::Domain(d) => {
            let d = d.strip_suffix('.').unwrap_or(d).to_ascii_lowercase();
            d == "localhost" || d.ends_with(".localhost")
        }
        Host::Ipv4(ip) => IpAddr::V4(*ip).is_loopback(),
        Host::Ipv6(ip) => IpAddr::V6(*ip).is_loopback(),
    }
}

#[cfg(test)]
mod tests {
    use super::check_url;

    #[test]
    fn accepted() {
        for (value, insecure) in [
            ("https://idp.example.com", false),
            (
                "https://idp.example.com/realms/a/protocol/openid-connect/auth",
                false,
            ),
            ("https://idp.example.com:8443/auth?tenant=x", false),
            ("http://localhost:5556/dex", false),
            ("http://LOCALHOST/", false),
            ("http://localhost./", false),
            ("http://idp.localhost/", false),
            ("http://127.0.0.1:8080/", false),
            ("http://127.200.3.4/", false),
            ("http://[::1]:9000/x", false),
            ("http://idp.internal/", true),
            ("http://10.0.0.5/", true),
        ] {
            assert!(check_url(value, insecure).is_ok(), "{value} should pass");
        }
    }

    #[test]
    fn refused() {
        for (value, insecure, why) in [
            ("", false, "empty"),
            ("/relative/path", false, "absolute"),
            ("idp.example.com", false, "absolute"),
            ("ftp://idp.example.com/", false, "https"),
            ("javascript:alert(1)", true, "https"),
            ("file:///etc/passwd", true, "https"),
            ("https://idp.example.com/#frag", false, "fragment"),
            ("https://idp.example.com/#", false, "fragment"),
            ("https://user:pw@idp.example.com/", false, "user name"),
            ("https://user@idp.example.com/", false, "user name"),
            ("https://:pw@idp.example.com/", false, "user name"),
            ("http://idp.example.com/", false, "https"),
            ("http://localhost.example.com/", false, "https"),
            ("http://128.0.0.1/", false, "https"),
            ("http://[::2]/", false, "https"),
            ("http://[::ffff:127.0.0.1]/", false, "https"),
            (" https://idp.example.com/", false, "whitespace"),
            ("https://idp.example.com/\n", false, "whitespace"),
            ("https://idp.exa\tmple.com/", false, "whitespace"),
            ("https://", false, "absolute"),
        ] {
            let err = check_url(value, insecure).expect_err(value);
            assert!(err.contains(why), "{value:?}: {err}");
        }
    }
}
