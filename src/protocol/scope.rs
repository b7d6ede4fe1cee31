//! Scope and audience strategies (fosite's `WildcardScopeStrategy`, `ExactScopeStrategy`
//! and `DefaultAudienceMatchingStrategy`), selected by `strategies.scope`.

/// Whether `needle` is granted by any of `granted` under `strategy` (`exact` or
/// `wildcard`; anything else is treated as `wildcard`, the default).
pub fn scope_allowed<'a>(
    strategy: &str,
    granted: impl IntoIterator<Item = &'a str>,
    needle: &str,
) -> bool {
    let exact = strategy == "exact";
    granted.into_iter().any(|m| {
        if exact {
            m == needle
        } else {
            wildcard_match(m, needle)
        }
    })
}

/// `foo.*` grants `foo.bar` and `foo.bar.baz` but not `foo`; `*` only stands for a
/// non-empty segment; otherwise segments must be equal.
fn wildcard_match(matcher: &str, needle: &str) -> bool {
    if matcher == needle {
        return true;
    }
    let m: Vec<&str> = matcher.split('.').collect();
    let n: Vec<&str> = needle.split('.').collect();
    if m.len() > n.len() {
        return false;
    }
    for (k, c) in m.iter().enumerate() {
        let last = k == m.len() - 1;
        if last && m.len() != n.len() && *c != "*" {
            return false;
        }
        if *c == "*" && !n[k].is_empty() {
            continue;
        }
        if *c != n[k] {
            return false;
        }
    }
    true
}

/// A rough split of a URL-ish audience into (scheme, host, path), as Go's `url.Parse`
/// would give for the shapes audiences take (`https://api.example/x`, `my-api`).
/// Opaque URIs (`urn:x:y`) only ever match exactly.
fn split_audience(s: &str) -> Option<(&str, &str, &str)> {
    let (scheme, rest) = s.split_once("://")?;
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let host = &rest[..end];
    let after = &rest[end..];
    let path_end = after.find(['?', '#']).unwrap_or(after.len());
    Some((scheme, host, &after[..path_end]))
}

fn audience_match(allowed: &str, requested: &str) -> bool {
    if allowed == requested {
        return true;
    }
    let (Some((ns, nh, np)), Some((hs, hh, hp))) =
        (split_audience(requested), split_audience(allowed))
    else {
        return false;
    };
    let allowed_path = hp.trim_end_matches('/');
    ns == hs
        && nh == hh
        && (np == hp
            || np == allowed_path
            || (np.len() > allowed_path.len()
                && np.is_char_boundary(allowed_path.len() + 1)
                && format!("{}/", np[..allowed_path.len() + 1].trim_end_matches('/'))
                    == format!("{allowed_path}/")))
}

/// The first requested audience not covered by `allowed`, if any.
pub fn first_disallowed_audience<'a>(
    allowed: &[String],
    requested: &'a [String],
) -> Option<&'a str> {
    requested
        .iter()
        .find(|n| !allowed.iter().any(|h| audience_match(h, n)))
        .map(String::as_str)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcard_strategy_follows_fosite() {
        let g = ["openid", "photos.*", "a.*.c"];
        let ok = |n| scope_allowed("wildcard", g, n);
        assert!(ok("openid"));
        assert!(ok("photos.read"));
        assert!(ok("photos.read.all"));
        assert!(!ok("photos"));
        assert!(!ok("photos."));
        assert!(ok("a.b.c"));
        assert!(!ok("a.b.d"));
        assert!(!ok("offline"));
        assert!(!scope_allowed("exact", g, "photos.read"));
        assert!(scope_allowed("exact", g, "openid"));
    }

    #[test]
    fn audiences_match_by_url_prefix_segments() {
        let allowed = vec!["https://api.example/v1".to_string(), "my-api".to_string()];
        let req = |xs: &[&str]| xs.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            first_disallowed_audience(&allowed, &req(&["https://api.example/v1"])),
            None
        );
        assert_eq!(
            first_disallowed_audience(&allowed, &req(&["https://api.example/v1/users"])),
            None
        );
        assert_eq!(first_disallowed_audience(&allowed, &req(&["my-api"])), None);
        assert_eq!(
            first_disallowed_audience(&allowed, &req(&["https://api.example/v10"])),
            Some("https://api.example/v10")
        );
        assert_eq!(
            first_disallowed_audience(&allowed, &req(&["http://api.example/v1"])),
            Some("http://api.example/v1")
        );
        assert_eq!(
            first_disallowed_audience(&allowed, &req(&["other"])),
            Some("other")
        );
    }
}
