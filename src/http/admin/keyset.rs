//! Keyset pagination as Hydra v2 does it on its `/admin` listings (`/admin/clients`,
//! `/admin/oauth2/auth/sessions/consent`): `page_size` (default 250, at most 500) and an
//! opaque `page_token` naming the last item of the previous page, with `Link` rel
//! `first` and, while there is more, `next`. Unlike offsets, a page boundary does not
//! move when items are added meanwhile.
//!
//! Each listing has its own [`Keyset`] (a token prefix), so a token of one listing is
//! refused by another; what the cursor inside means is the listing's business.

use super::clients::escape_path_segment;
use crate::crypto::{b64url, b64url_decode};
use crate::http::error::ApiError;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use std::collections::BTreeMap;

pub const DEFAULT_PAGE_SIZE: i64 = 250;
pub const MAX_PAGE_SIZE: i64 = 500;

/// One listing's page tokens: `base64url("{prefix}{cursor}")`.
#[derive(Debug, Clone, Copy)]
pub struct Keyset {
    prefix: &'static str,
}

pub const CLIENTS: Keyset = Keyset { prefix: "clients:" };
pub const CONSENT_SESSIONS: Keyset = Keyset {
    prefix: "consent-sessions:",
};

/// Whether a listing pages by keys: unless the caller asks for 1.9.2's `limit`/`offset`
/// (and nothing of v2's), which keep working there as before.
pub fn wanted(q: &BTreeMap<String, Vec<String>>) -> bool {
    let has = |k: &str| q.contains_key(k);
    has("page_size") || has("page_token") || !(has("limit") || has("offset"))
}

impl Keyset {
    /// `page_size` (unparsable or out of range: the default or the maximum) and the
    /// cursor after which the page starts (`None`: from the start); `None` for a token
    /// this listing did not write.
    pub fn parse(&self, q: &BTreeMap<String, Vec<String>>) -> Option<(i64, Option<String>)> {
        let first = |k: &str| q.get(k).and_then(|v| v.first()).filter(|v| !v.is_empty());
        let size = first("page_size")
            .and_then(|v| v.parse::<i64>().ok())
            .filter(|n| *n > 0)
            .map_or(DEFAULT_PAGE_SIZE, |n| n.min(MAX_PAGE_SIZE));
        let after = match first("page_token") {
            None => None,
            Some(t) => {
                let raw = String::from_utf8(b64url_decode(t)?).ok()?;
                Some(raw.strip_prefix(self.prefix)?.to_string())
            }
        };
        Some((size, after))
    }

    pub fn token(&self, cursor: &str) -> String {
        b64url(format!("{}{cursor}", self.prefix).as_bytes())
    }
}

/// The answer to a `page_token` this listing did not issue (400).
pub fn foreign_token() -> ApiError {
    ApiError::new(
        StatusCode::BAD_REQUEST,
        "invalid_request",
        "The page_token is not one this server issued.",
    )
}

fn link(path: &str, q: &BTreeMap<String, Vec<String>>, size: i64, token: Option<&str>) -> String {
    let mut pairs: Vec<String> = q
        .iter()
        .filter(|(k, _)| !matches!(k.as_str(), "page_size" | "page_token" | "limit" | "offset"))
        .flat_map(|(k, vs)| {
            vs.iter()
                .map(move |v| format!("{}={}", escape_path_segment(k), escape_path_segment(v)))
        })
        .collect();
    pairs.push(format!("page_size={size}"));
    if let Some(t) = token {
        pairs.push(format!("page_token={t}"));
    }
    format!("<{path}?{}>", pairs.join("&"))
}

/// `Link: <first>; rel="first"[, <next>; rel="next"]`.
pub fn headers(
    headers: &mut HeaderMap,
    path: &str,
    q: &BTreeMap<String, Vec<String>>,
    size: i64,
    next: Option<&str>,
) {
    let mut links = vec![format!("{}; rel=\"first\"", link(path, q, size, None))];
    if let Some(t) = next {
        links.push(format!("{}; rel=\"next\"", link(path, q, size, Some(t))));
    }
    if let Ok(v) = HeaderValue::from_str(&links.join(",")) {
        headers.insert(header::LINK, v);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(pairs: &[(&str, &str)]) -> BTreeMap<String, Vec<String>> {
        let mut m: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for (k, v) in pairs {
            m.entry(k.to_string()).or_default().push(v.to_string());
        }
        m
    }

    #[test]
    fn tokens_round_trip_and_foreign_ones_are_refused() {
        let t = CLIENTS.token("42");
        assert_eq!(
            CLIENTS.parse(&q(&[("page_token", &t)])),
            Some((250, Some("42".into())))
        );
        assert_eq!(CONSENT_SESSIONS.parse(&q(&[("page_token", &t)])), None);
        assert_eq!(
            CLIENTS.parse(&q(&[("page_size", "9000")])),
            Some((500, None))
        );
        assert_eq!(CLIENTS.parse(&q(&[("page_size", "x")])), Some((250, None)));
        assert_eq!(CLIENTS.parse(&q(&[("page_token", "not-ours")])), None);
        assert!(wanted(&q(&[])));
        assert!(!wanted(&q(&[("limit", "1")])));
        assert!(wanted(&q(&[("limit", "1"), ("page_size", "1")])));
    }
}
