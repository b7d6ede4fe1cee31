//! Offset pagination as Hydra 1.9.2 does it (ory/x `pagination`): parsing `limit` and
//! `offset`, and the `Link` and `X-Total-Count` headers. Shared by the admin list endpoints.

use axum::http::{header, HeaderMap, HeaderValue, Uri};
use std::collections::BTreeMap;

pub const DEFAULT_LIMIT: i64 = 100;
pub const MAX_LIMIT: i64 = 500;

/// The query as Go's `url.Values`: every value of every key, in order.
pub fn query_values(uri: &Uri) -> BTreeMap<String, Vec<String>> {
    let mut q: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (k, v) in url::form_urlencoded::parse(uri.query().unwrap_or("").as_bytes()) {
        q.entry(k.into_owned()).or_default().push(v.into_owned());
    }
    q
}

/// ory/x `pagination.Parse(r, 100, 0, 500)`: unparsable values fall back to the defaults,
/// the limit is capped at 500, and negatives become 0.
pub fn limit_offset(q: &BTreeMap<String, Vec<String>>) -> (i64, i64) {
    let get = |k: &str, default: i64| {
        q.get(k)
            .and_then(|v| v.first())
            .filter(|v| !v.is_empty())
            .map_or(default, |v| v.parse().unwrap_or(default))
    };
    let limit = get("limit", DEFAULT_LIMIT).clamp(0, MAX_LIMIT);
    (limit, get("offset", 0).max(0))
}

/// Go's `url.QueryEscape`: everything but ASCII letters, digits and `-_.~` is escaped,
/// and a space becomes `+`.
fn go_query_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// A path segment with everything but unreserved characters percent-encoded.
pub fn escape_path_segment(s: &str) -> String {
    go_query_escape(s).replace('+', "%20")
}

/// One `Link` entry as ory/x writes it: the request path with `limit` and `offset` set
/// and the query re-encoded with sorted keys (Go's `url.Values.Encode`).
fn link(
    path: &str,
    q: &BTreeMap<String, Vec<String>>,
    rel: &str,
    limit: i64,
    offset: i64,
) -> String {
    let mut q = q.clone();
    q.insert("limit".into(), vec![limit.to_string()]);
    q.insert("offset".into(), vec![offset.to_string()]);
    let query: Vec<String> = q
        .iter()
        .flat_map(|(k, vs)| {
            vs.iter()
                .map(move |v| format!("{}={}", go_query_escape(k), go_query_escape(v)))
        })
        .collect();
    format!("<{path}?{}>; rel=\"{rel}\"", query.join("&"))
}

/// `X-Total-Count` and `Link` exactly as ory/x `pagination.Header` (the version Hydra
/// 1.9.2 ships) writes them, quirks included: a 0 limit counts as 1, an empty list gets
/// `first`, `next` and a negative `prev`, and a list shorter than the limit gets only a
/// `first` link whose limit is the total. Offsets come from the caller, so the
/// arithmetic wraps as Go's `int64` does (same links as Hydra) instead of overflowing.
pub fn pagination_headers(
    h: &mut HeaderMap,
    path: &str,
    q: BTreeMap<String, Vec<String>>,
    total: i64,
    limit: i64,
    offset: i64,
) {
    let limit = if limit <= 0 { 1 } else { limit };
    h.insert("x-total-count", HeaderValue::from(total));
    let last = if total % limit == 0 {
        total - limit
    } else {
        (total / limit) * limit
    };
    let l = |rel: &str, lim: i64, off: i64| link(path, &q, rel, lim, off);
    let next = (offset / limit).wrapping_add(1).wrapping_mul(limit);
    let prev = (offset / limit).wrapping_sub(1).wrapping_mul(limit);
    let links = if offset >= last {
        if total == 0 {
            vec![
                l("first", limit, 0),
                l("next", limit, next),
                l("prev", limit, prev),
            ]
        } else if total < limit {
            vec![l("first", total, 0)]
        } else {
            vec![l("first", limit, 0), l("prev", limit, last - limit)]
        }
    } else if offset < limit {
        vec![l("next", limit, limit), l("last", limit, last)]
    } else {
        vec![
            l("first", limit, 0),
            l("next", limit, next),
            l("prev", limit, prev),
            l("last", limit, last),
        ]
    };
    if let Ok(v) = HeaderValue::from_str(&links.join(",")) {
        h.insert(header::LINK, v);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn link_for(total: i64, limit: i64, offset: i64) -> String {
        let mut h = HeaderMap::new();
        pagination_headers(
            &mut h,
            "http://example.com",
            BTreeMap::new(),
            total,
            limit,
            offset,
        );
        h[header::LINK]
            .to_str()
            .unwrap()
            .replace("http://example.com?", "?")
    }

    /// The cases of ory/x's `pagination/header_test.go`.
    #[test]
    fn links_match_ory_x() {
        assert_eq!(
            link_for(120, 50, 100),
            r#"<?limit=50&offset=0>; rel="first",<?limit=50&offset=50>; rel="prev""#
        );
        assert_eq!(
            link_for(120, 50, 0),
            r#"<?limit=50&offset=50>; rel="next",<?limit=50&offset=100>; rel="last""#
        );
        assert_eq!(
            link_for(120, 50, 10),
            r#"<?limit=50&offset=50>; rel="next",<?limit=50&offset=100>; rel="last""#
        );
        assert_eq!(
            link_for(300, 50, 150),
            r#"<?limit=50&offset=0>; rel="first",<?limit=50&offset=200>; rel="next",<?limit=50&offset=100>; rel="prev",<?limit=50&offset=250>; rel="last""#
        );
        assert_eq!(
            link_for(100, 0, 20),
            r#"<?limit=1&offset=0>; rel="first",<?limit=1&offset=21>; rel="next",<?limit=1&offset=19>; rel="prev",<?limit=1&offset=99>; rel="last""#
        );
        assert_eq!(link_for(5, 50, 0), r#"<?limit=5&offset=0>; rel="first""#);
    }

    #[test]
    fn other_query_parameters_are_kept_sorted_and_escaped() {
        let uri: Uri = "/clients?owner=a+b&limit=2&client_name=x%26y"
            .parse()
            .unwrap();
        let mut h = HeaderMap::new();
        pagination_headers(&mut h, uri.path(), query_values(&uri), 5, 2, 0);
        assert_eq!(
            h[header::LINK],
            r#"</clients?client_name=x%26y&limit=2&offset=2&owner=a+b>; rel="next",</clients?client_name=x%26y&limit=2&offset=4&owner=a+b>; rel="last""#
        );
        assert_eq!(h["x-total-count"], "5");
    }

    #[test]
    fn the_largest_offset_wraps_like_go_instead_of_panicking() {
        let max = i64::MAX;
        assert_eq!(
            link_for(0, 1, max),
            format!(
                r#"<?limit=1&offset=0>; rel="first",<?limit=1&offset={}>; rel="next",<?limit=1&offset={}>; rel="prev""#,
                i64::MIN,
                max - 1
            )
        );
        assert_eq!(
            link_for(0, 500, max),
            format!(
                r#"<?limit=500&offset=0>; rel="first",<?limit=500&offset={}>; rel="next",<?limit=500&offset={}>; rel="prev""#,
                -9_223_372_036_854_775_616_i64, 9_223_372_036_854_775_000_i64
            )
        );
    }

    #[test]
    fn limit_and_offset_are_parsed_like_ory_x() {
        let p = |q: &str| limit_offset(&query_values(&format!("/c?{q}").parse().unwrap()));
        assert_eq!(p(""), (100, 0));
        assert_eq!(p("limit=x&offset=y"), (100, 0));
        assert_eq!(p("limit=1000&offset=-5"), (500, 0));
        assert_eq!(p("limit=-1&offset=7"), (0, 7));
    }
}
