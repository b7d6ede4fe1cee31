//! Hydra v2's keyset pagination on `/admin/clients`: `page_size` (1 to 1000, 250 by
//! default) and an opaque `page_token`, with `Link` entries `first` and `next` (the
//! last page has no `next`). Stable while clients are added, unlike 1.9.2's offsets.

use crate::http::error::ApiError;
use axum::http::{header, HeaderMap, HeaderValue};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use std::collections::BTreeMap;

pub const DEFAULT_PAGE_SIZE: i64 = 250;
pub const MAX_PAGE_SIZE: i64 = 1000;
const PREFIX: &str = "pk:";

/// The page size and the position after which the page starts.
pub fn parse(q: &BTreeMap<String, Vec<String>>) -> Result<(i64, i64), ApiError> {
    let first = |k: &str| q.get(k).and_then(|v| v.first()).filter(|v| !v.is_empty());
    let size = match first("page_size") {
        None => DEFAULT_PAGE_SIZE,
        Some(v) => match v.parse::<i64>() {
            Ok(n) if (1..=MAX_PAGE_SIZE).contains(&n) => n,
            _ => {
                return Err(ApiError::bad_request(format!(
                    "page_size must be a whole number from 1 to {MAX_PAGE_SIZE}"
                )))
            }
        },
    };
    let after = match first("page_token") {
        None => 0,
        Some(t) => decode(t)
            .ok_or_else(|| ApiError::bad_request("page_token is not a token this server made"))?,
    };
    Ok((size, after))
}

fn decode(token: &str) -> Option<i64> {
    let raw = URL_SAFE_NO_PAD.decode(token).ok()?;
    let text = std::str::from_utf8(&raw).ok()?;
    text.strip_prefix(PREFIX)?.parse().ok().filter(|n| *n >= 0)
}

fn encode(after: i64) -> String {
    URL_SAFE_NO_PAD.encode(format!("{PREFIX}{after}"))
}

/// `Link: <path?…&page_size=N>; rel="first",<path?…&page_token=T>; rel="next"`, the
/// other query parameters (filters) kept.
pub fn headers(
    headers: &mut HeaderMap,
    path: &str,
    q: &BTreeMap<String, Vec<String>>,
    size: i64,
    next: Option<i64>,
) {
    let link = |token: Option<String>, rel: &str| {
        let mut q = q.clone();
        q.remove("page_token");
        q.insert("page_size".into(), vec![size.to_string()]);
        if let Some(t) = token {
            q.insert("page_token".into(), vec![t]);
        }
        let query = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(q.iter().flat_map(|(k, vs)| vs.iter().map(move |v| (k, v))))
            .finish();
        format!("<{path}?{query}>; rel=\"{rel}\"")
    };
    let mut links = vec![link(None, "first")];
    if let Some(after) = next {
        links.push(link(Some(encode(after)), "next"));
    }
    if let Ok(v) = HeaderValue::from_str(&links.join(",")) {
        headers.insert(header::LINK, v);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(pairs: &[(&str, &str)]) -> BTreeMap<String, Vec<String>> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), vec![v.to_string()]))
            .collect()
    }

    #[test]
    fn tokens_round_trip_and_junk_is_refused() {
        assert_eq!(parse(&q(&[])).ok(), Some((250, 0)));
        let t = encode(42);
        assert_eq!(
            parse(&q(&[("page_token", &t), ("page_size", "5")])).ok(),
            Some((5, 42))
        );
        for bad in ["x", "cGs6LTE", "%%%", "cGs6"] {
            assert!(parse(&q(&[("page_token", bad)])).is_err(), "{bad}");
        }
        for bad in ["0", "1001", "-1", "ten"] {
            assert!(parse(&q(&[("page_size", bad)])).is_err(), "{bad}");
        }
    }

    #[test]
    fn links_keep_the_filters_and_the_last_page_has_no_next() {
        let mut h = HeaderMap::new();
        headers(
            &mut h,
            "/admin/clients",
            &q(&[("owner", "a b")]),
            2,
            Some(7),
        );
        let link = h[header::LINK].to_str().unwrap();
        assert!(link.starts_with("</admin/clients?owner=a+b&page_size=2>; rel=\"first\","));
        assert!(link.contains(&format!("page_token={}>; rel=\"next\"", encode(7))));
        let mut h = HeaderMap::new();
        headers(&mut h, "/admin/clients", &q(&[]), 2, None);
        assert!(!h[header::LINK].to_str().unwrap().contains("next"));
    }
}
