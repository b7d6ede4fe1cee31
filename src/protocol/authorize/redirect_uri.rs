//! Matching the requested `redirect_uri` against the client's registered list.
//!
//! The rule is an exact, case-sensitive string comparison, because anything looser
//! (prefix, normalisation, case folding) has been the root of open-redirect and
//! code-theft bugs. The only freedom is RFC 8252 §7.3: for the loopback IP literals
//! `127.0.0.1` and `[::1]` over `http`, the port may differ, since native apps bind an
//! ephemeral port. `localhost` gets no such freedom (RFC 8252 §8.3).

use crate::protocol::error::OAuthError;
use url::Url;

const NO_MATCH: &str =
    "The 'redirect_uri' parameter does not match any of the OAuth 2.0 Client's pre-registered redirect urls.";

/// The redirect URI to use: `requested` when it matches, or the only registered one when
/// nothing was requested (not allowed for OpenID Connect requests).
pub fn match_redirect_uri(
    requested: &str,
    registered: &[String],
    openid: bool,
) -> Result<Url, OAuthError> {
    let chosen = if requested.is_empty() {
        if openid {
            return Err(OAuthError::invalid_request(
                "The 'redirect_uri' parameter is required when using OpenID Connect 1.0.",
            ));
        }
        match registered {
            [only] => only.as_str(),
            _ => return Err(OAuthError::invalid_request(NO_MATCH)),
        }
    } else if registered.iter().any(|r| r == requested)
        || registered.iter().any(|r| loopback_match(requested, r))
    {
        requested
    } else {
        return Err(OAuthError::invalid_request(NO_MATCH));
    };
    let url = Url::parse(chosen).map_err(|_| OAuthError::invalid_request(NO_MATCH))?;
    if is_script_scheme(&url) {
        return Err(OAuthError::invalid_request(format!(
            "The 'redirect_uri' must not use the scheme '{}'.",
            url.scheme()
        )));
    }
    if url.fragment().is_some() || chosen.contains('#') {
        return Err(OAuthError::invalid_request(
            "The 'redirect_uri' must not contain a fragment (RFC 6749 §3.1.2).",
        ));
    }
    Ok(url)
}

/// Schemes that run code or read local data where the browser lands: never a place to
/// send a browser with a code, whatever a client registered.
pub fn is_script_scheme(url: &Url) -> bool {
    matches!(
        url.scheme(),
        "javascript" | "data" | "vbscript" | "file" | "blob"
    )
}

/// `http://127.0.0.1[:port]<rest>` or `http://[::1][:port]<rest>`, split into the
/// host prefix and everything after the port.
fn split_loopback(s: &str) -> Option<(&str, &str)> {
    let rest = s.strip_prefix("http://")?;
    let host = ["127.0.0.1", "[::1]"]
        .into_iter()
        .find(|h| rest.starts_with(h))?;
    let after_host = &rest[host.len()..];
    let after_port = match after_host.strip_prefix(':') {
        Some(p) => {
            let digits = p.bytes().take_while(u8::is_ascii_digit).count();
            if digits == 0 || digits > 5 || p[..digits].parse::<u32>().ok()? > 65535 {
                return None;
            }
            &p[digits..]
        }
        None => after_host,
    };
    // The host must end here: `127.0.0.1.evil.com` is not loopback.
    if !(after_port.is_empty() || after_port.starts_with(['/', '?'])) {
        return None;
    }
    Some((host, after_port))
}

/// The loopback rule: same host literal, and everything after the port identical.
fn loopback_match(requested: &str, registered: &str) -> bool {
    match (split_loopback(requested), split_loopback(registered)) {
        (Some((h1, rest1)), Some((h2, rest2))) => h1 == h2 && rest1 == rest2,
        _ => false,
    }
}

/// fosite's `IsRedirectURISecure`: anything but plain `http` to a non-local host.
pub fn is_secure(url: &Url) -> bool {
    url.scheme() != "http" || is_localhost(url)
}

pub fn is_localhost(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(d)) => d == "localhost" || d.ends_with(".localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reg(xs: &[&str]) -> Vec<String> {
        xs.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn exact_matches_are_accepted_and_anything_else_refused() {
        let r = reg(&[
            "https://app.example.com/cb",
            "https://app.example.com/other?x=1",
        ]);
        assert!(match_redirect_uri("https://app.example.com/cb", &r, true).is_ok());
        assert!(match_redirect_uri("https://app.example.com/other?x=1", &r, true).is_ok());
        for bad in [
            "https://app.example.com/cb?x=1",
            "https://app.example.com/cb/",
            "https://APP.example.com/cb",
            "https://app.example.com/CB",
            "https://app.example.com/cb#frag",
            "https://app.example.com/cb/../cb",
            "https://app.example.com:443/cb",
            "http://app.example.com/cb",
            "https://app.example.com/other",
            "https://app.example.com/other?x=1&y=2",
            "https://app.example.com.evil.com/cb",
        ] {
            assert!(match_redirect_uri(bad, &r, true).is_err(), "{bad}");
        }
    }

    #[test]
    fn an_omitted_uri_uses_the_only_registered_one_except_for_openid() {
        let one = reg(&["https://a.example/cb"]);
        assert_eq!(
            match_redirect_uri("", &one, false).unwrap().as_str(),
            "https://a.example/cb"
        );
        assert!(match_redirect_uri("", &one, true).is_err());
        let two = reg(&["https://a.example/cb", "https://a.example/cb2"]);
        assert!(match_redirect_uri("", &two, false).is_err());
        assert!(match_redirect_uri("", &[], false).is_err());
    }

    #[test]
    fn loopback_ips_may_change_only_the_port() {
        let r = reg(&["http://127.0.0.1/cb", "http://[::1]:8080/cb?a=b"]);
        assert!(match_redirect_uri("http://127.0.0.1:51234/cb", &r, true).is_ok());
        assert!(match_redirect_uri("http://127.0.0.1/cb", &r, true).is_ok());
        assert!(match_redirect_uri("http://[::1]:9/cb?a=b", &r, true).is_ok());
        for bad in [
            "http://127.0.0.1:51234/cb/",
            "http://127.0.0.1:51234/cb?x",
            "http://127.0.0.1.evil.com/cb",
            "http://127.0.0.1:99999/cb",
            "http://127.0.0.1:/cb",
            "http://localhost:51234/cb",
            "https://127.0.0.1:51234/cb",
            "http://[::1]:9/cb",
            "http://127.0.0.1:80@evil.com/cb",
        ] {
            assert!(match_redirect_uri(bad, &r, true).is_err(), "{bad}");
        }
        // localhost gets no port freedom.
        let r = reg(&["http://localhost:3000/cb"]);
        assert!(match_redirect_uri("http://localhost:3001/cb", &r, true).is_err());
    }

    #[test]
    fn registered_uris_with_fragments_are_never_used() {
        let r = reg(&["https://a.example/cb#x"]);
        assert!(match_redirect_uri("https://a.example/cb#x", &r, true).is_err());
        assert!(match_redirect_uri("", &r, false).is_err());
    }

    #[test]
    fn script_schemes_are_refused_even_when_registered() {
        let r = reg(&[
            "javascript:alert(1)",
            "data:text/html,x",
            "com.example.app:/cb",
        ]);
        assert!(match_redirect_uri("javascript:alert(1)", &r, true).is_err());
        assert!(match_redirect_uri("data:text/html,x", &r, true).is_err());
        assert!(match_redirect_uri("com.example.app:/cb", &r, true).is_ok());
    }

    #[test]
    fn http_is_secure_only_for_local_hosts() {
        for (u, secure) in [
            ("https://a.example/cb", true),
            ("com.example.app:/cb", true),
            ("http://127.0.0.1:3/cb", true),
            ("http://localhost/cb", true),
            ("http://app.localhost/cb", true),
            ("http://a.example/cb", false),
        ] {
            assert_eq!(is_secure(&Url::parse(u).unwrap()), secure, "{u}");
        }
    }
}
