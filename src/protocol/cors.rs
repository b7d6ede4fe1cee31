//! Which cross-origin reads to allow: pure rules over the configured origins
//! (`serve.*.cors`) and a client's `allowed_cors_origins`. The headers are written in
//! `http::cors`.
//!
//! Three kinds of endpoint:
//! * **client** (token, revocation, userinfo, device authorization): the origins of the client making the
//!   request, always (the client registered them), plus the configured list when CORS
//!   is enabled.
//! * **open** (discovery, keys, health, the admin API): the configured list, wildcards
//!   included.
//! * **named** (the login, consent and logout pages, `/oauth2/auth`, the device
//!   verification, the first-party API): only origins the configured list names; a wildcard never matches them, since
//!   a page that may read them could read the consent form and post it.
//!
//! Credentials (`Access-Control-Allow-Credentials`) go only to an origin the configured
//! list names, never to one a wildcard matched: a reflected wildcard with credentials
//! lets any site read what the browser's cookies unlock.

use crate::config::Cors;
use crate::paths::public;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    Client,
    Open,
    Named,
}

/// The kind of a public router path.
pub fn public_scope(path: &str) -> Scope {
    let client = [
        public::TOKEN,
        public::REVOKE,
        public::USERINFO,
        public::DEVICE_AUTH,
    ];
    if client.contains(&path) {
        return Scope::Client;
    }
    let named = path == public::AUTH
        || path == public::LOGOUT
        || path == public::DEVICE_VERIFY
        || path.starts_with("/ui/")
        || path.starts_with("/api/")
        || path.starts_with("/oauth2/fallbacks/")
        || path == public::api::FLYTE_CLIENT;
    if named {
        Scope::Named
    } else {
        Scope::Open
    }
}

/// A configured origin: exact, or with `*` standing for one label (`https://*.example.com`,
/// as in Hydra; a `*` never spans a `.` or `/`).
#[derive(Debug, Clone, PartialEq, Eq)]
enum Pattern {
    Exact(String),
    Glob(Vec<String>),
}

impl Pattern {
    fn new(raw: &str) -> Pattern {
        let p = raw.trim().trim_end_matches('/').to_ascii_lowercase();
        if p.contains('*') {
            Pattern::Glob(p.split('*').map(str::to_string).collect())
        } else {
            Pattern::Exact(p)
        }
    }

    fn matches(&self, origin: &str) -> bool {
        match self {
            Pattern::Exact(p) => p == origin,
            Pattern::Glob(parts) => glob(parts, origin),
        }
    }
}

/// `parts` are the literal pieces between `*`s; each `*` matches one or more characters
/// other than `.` and `/`.
fn glob(parts: &[String], s: &str) -> bool {
    let Some((first, rest)) = parts.split_first() else {
        return s.is_empty();
    };
    let Some(s) = s.strip_prefix(first.as_str()) else {
        return false;
    };
    if rest.is_empty() {
        return s.is_empty();
    }
    // A `*`, then `rest`: try every length for the `*`, shortest first.
    for (i, c) in s.char_indices() {
        if c == '.' || c == '/' {
            return false;
        }
        if glob(rest, &s[i + c.len_utf8()..]) {
            return true;
        }
    }
    false
}

/// What an allowed origin gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Allowed {
    pub credentials: bool,
}

/// The configured half of the rules (`serve.public.cors` or `serve.admin.cors`).
#[derive(Debug, Clone)]
pub struct CorsRules {
    enabled: bool,
    any: bool,
    patterns: Vec<Pattern>,
    credentials: bool,
}

impl CorsRules {
    pub fn new(c: &Cors) -> CorsRules {
        // Hydra treats an empty list as "any origin".
        let any = c.allowed_origins.is_empty() || c.allowed_origins.iter().any(|o| o == "*");
        CorsRules {
            enabled: c.enabled,
            any,
            patterns: c
                .allowed_origins
                .iter()
                .filter(|o| o.as_str() != "*")
                .map(|o| Pattern::new(o))
                .collect(),
            credentials: c.allow_credentials,
        }
    }

    pub fn enabled(&self) -> bool {
        self.enabled
    }

    /// The configured list's answer for `origin` (as browsers send it) on `scope`.
    pub fn configured(&self, scope: Scope, origin: &str) -> Option<Allowed> {
        if !self.enabled {
            return None;
        }
        let origin = origin.to_ascii_lowercase();
        let named = self.patterns.iter().any(|p| match p {
            Pattern::Exact(_) => p.matches(&origin),
            // A glob is a wildcard too: it names no one origin.
            Pattern::Glob(_) => false,
        });
        if named {
            return Some(Allowed {
                credentials: self.credentials,
            });
        }
        if scope == Scope::Named {
            return None;
        }
        let wildcard = self.any || self.patterns.iter().any(|p| p.matches(&origin));
        wildcard.then_some(Allowed { credentials: false })
    }
}

/// Whether a client's registered origins (stored in the form browsers send) include
/// `origin`. Such an origin reads the answer without credentials: the token, revocation
/// and userinfo endpoints take none from the browser.
pub fn client_allows(client_origins: &[String], origin: &str) -> bool {
    client_origins
        .iter()
        .any(|o| o.trim_end_matches('/').eq_ignore_ascii_case(origin))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules(origins: &[&str], enabled: bool) -> CorsRules {
        CorsRules::new(&Cors {
            enabled,
            allowed_origins: origins.iter().map(|s| s.to_string()).collect(),
            ..Cors::default()
        })
    }

    const WITH_CREDENTIALS: Option<Allowed> = Some(Allowed { credentials: true });
    const WITHOUT: Option<Allowed> = Some(Allowed { credentials: false });

    #[test]
    fn the_default_wildcard_never_carries_credentials_and_never_reaches_pages() {
        let r = rules(&["*"], true);
        assert_eq!(r.configured(Scope::Open, "https://evil.example"), WITHOUT);
        assert_eq!(r.configured(Scope::Client, "https://evil.example"), WITHOUT);
        assert_eq!(r.configured(Scope::Named, "https://evil.example"), None);
        assert_eq!(
            rules(&[], true).configured(Scope::Named, "https://x.example"),
            None
        );
    }

    #[test]
    fn named_origins_get_credentials_everywhere_and_nothing_when_disabled() {
        let r = rules(&["https://App.example.com/"], true);
        for scope in [Scope::Open, Scope::Client, Scope::Named] {
            assert_eq!(
                r.configured(scope, "https://app.example.com"),
                WITH_CREDENTIALS
            );
            assert_eq!(r.configured(scope, "https://app.example.com.evil"), None);
            assert_eq!(r.configured(scope, "http://app.example.com"), None);
        }
        let off = rules(&["https://app.example.com"], false);
        assert_eq!(off.configured(Scope::Open, "https://app.example.com"), None);
    }

    #[test]
    fn globs_match_one_label_and_are_wildcards() {
        let r = rules(&["https://*.example.com", "http://localhost:*"], true);
        assert_eq!(r.configured(Scope::Open, "https://a.example.com"), WITHOUT);
        assert_eq!(r.configured(Scope::Open, "http://localhost:3000"), WITHOUT);
        assert_eq!(r.configured(Scope::Open, "https://a.b.example.com"), None);
        assert_eq!(r.configured(Scope::Open, "https://.example.com"), None);
        assert_eq!(r.configured(Scope::Open, "https://example.com"), None);
        assert_eq!(
            r.configured(Scope::Open, "https://evil.com/.example.com"),
            None
        );
        assert_eq!(r.configured(Scope::Named, "https://a.example.com"), None);
    }

    #[test]
    fn client_origins_match_exactly() {
        let origins = vec!["https://spa.example".to_string()];
        assert!(client_allows(&origins, "https://spa.example"));
        assert!(client_allows(&origins, "https://SPA.example"));
        assert!(!client_allows(&origins, "https://spa.example:8443"));
        assert!(!client_allows(&origins, "null"));
    }

    #[test]
    fn paths_have_the_scope_of_what_they_serve() {
        assert_eq!(public_scope("/oauth2/token"), Scope::Client);
        assert_eq!(public_scope("/userinfo"), Scope::Client);
        assert_eq!(public_scope("/ui/consent"), Scope::Named);
        assert_eq!(public_scope("/api/v1/login"), Scope::Named);
        assert_eq!(public_scope("/oauth2/auth"), Scope::Named);
        assert_eq!(public_scope("/oauth2/device/auth"), Scope::Client);
        assert_eq!(public_scope("/oauth2/device/verify"), Scope::Named);
        assert_eq!(public_scope("/ui/device"), Scope::Named);
        assert_eq!(public_scope("/.well-known/jwks.json"), Scope::Open);
    }
}
