//! Property tests for the parsers that read attacker input: form bodies (duplicates
//! included), authorization parameters, the Basic header, redirect URI matching, scope
//! strategies, an assertion's `exp` and PKCE verifiers. Arbitrary input never panics;
//! what can be written is read back unchanged. Bounded (`CASES` per property) for CI.

use super::authorize::params::{split_spaces, Params as AuthParams};
use super::authorize::redirect_uri::match_redirect_uri;
use super::client_auth::{assertion_exp, basic_credentials};
use super::form::Params;
use super::pkce;
use super::scope::scope_allowed;
use crate::crypto::b64url;
use base64::Engine;
use proptest::prelude::*;

const CASES: u32 = 256;

/// Keys that cannot collide with the special `audience` or with each other.
fn keys() -> impl Strategy<Value = Vec<String>> {
    prop::collection::btree_set("[a-z_]{1,12}", 0..6)
        .prop_map(|s| s.into_iter().filter(|k| k != "audience").collect())
}

fn encode(pairs: &[(String, String)]) -> String {
    let mut s = url::form_urlencoded::Serializer::new(String::new());
    for (k, v) in pairs {
        s.append_pair(k, v);
    }
    s.finish()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(CASES))]

    #[test]
    fn any_form_body_parses_or_is_refused_without_panic(raw in prop::collection::vec(any::<u8>(), 0..256)) {
        if let Ok(p) = Params::parse_body(&raw) {
            let _ = (p.scopes(), p.audiences(), p.get("grant_type"));
        }
    }

    #[test]
    fn form_values_round_trip_and_duplicates_are_refused(
        keys in keys(),
        values in prop::collection::vec(any::<String>(), 6),
        audience in prop::collection::vec("[!-~]{1,8}", 0..3),
    ) {
        let mut pairs: Vec<(String, String)> =
            keys.iter().cloned().zip(values.iter().cloned()).collect();
        pairs.extend(audience.iter().map(|a| ("audience".to_string(), a.clone())));
        let p = Params::parse(encode(&pairs).as_bytes()).unwrap();
        for (k, v) in keys.iter().zip(&values) {
            let want = if v.is_empty() { None } else { Some(v.as_str()) };
            prop_assert_eq!(p.get(k), want);
        }
        prop_assert_eq!(p.audiences(), audience.as_slice());
        if let Some(k) = keys.first() {
            pairs.push((k.clone(), "again".into()));
            prop_assert!(Params::parse(encode(&pairs).as_bytes()).is_err());
        }
    }

    #[test]
    fn scopes_have_no_empties_or_duplicates(scope in "[ a-c.*]{0,40}") {
        let p = Params::parse(encode(&[("scope".into(), scope)]).as_bytes()).unwrap();
        let s = p.scopes();
        prop_assert!(s.iter().all(|x| !x.is_empty() && !x.contains(' ')));
        let mut dedup = s.clone();
        dedup.sort();
        dedup.dedup();
        prop_assert_eq!(dedup.len(), s.len());
    }

    #[test]
    fn any_authorization_request_parses_or_is_refused_without_panic(
        query in any::<String>(),
        body in prop::collection::vec(any::<u8>(), 0..128),
    ) {
        if let Ok(p) = AuthParams::parse(&query, &body) {
            let _ = (p.get("client_id"), p.original_query(), split_spaces(p.get("scope")));
        }
    }

    #[test]
    fn authorization_parameters_round_trip(
        keys in keys(),
        values in prop::collection::vec("[^\\s]{0,12}", 6),
    ) {
        let pairs: Vec<(String, String)> = keys.into_iter().zip(values).collect();
        let p = AuthParams::parse(&encode(&pairs), b"").unwrap();
        for (k, v) in &pairs {
            prop_assert_eq!(p.get(k), v.as_str());
        }
        prop_assert_eq!(AuthParams::parse(&p.original_query(), b"").unwrap(), p);
    }

    #[test]
    fn any_basic_header_is_read_or_refused_without_panic(h in any::<String>(), b in any::<Vec<u8>>()) {
        let _ = basic_credentials(Some(&h));
        let b64 = base64::engine::general_purpose::STANDARD.encode(&b);
        let _ = basic_credentials(Some(&format!("Basic {b64}")));
    }

    #[test]
    fn basic_credentials_round_trip(id in any::<String>().prop_filter("an id", |s| !s.is_empty()), secret in any::<String>()) {
        let enc = |s: &str| url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
        let raw = format!("{}:{}", enc(&id), enc(&secret));
        let header = format!("Basic {}", base64::engine::general_purpose::STANDARD.encode(raw));
        let (got_id, got_secret) = basic_credentials(Some(&header)).unwrap().unwrap();
        prop_assert_eq!(got_id, id);
        prop_assert_eq!(got_secret.expose(), secret.as_str());
    }

    #[test]
    fn a_redirect_uri_matches_only_what_was_registered(
        requested in any::<String>(),
        registered in prop::collection::vec(any::<String>(), 0..3),
        openid in any::<bool>(),
    ) {
        if let Ok(url) = match_redirect_uri(&requested, &registered, openid) {
            if requested.is_empty() {
                prop_assert_eq!(registered.len(), 1);
            } else if !registered.contains(&requested) {
                // Only RFC 8252's loopback IP literals may differ, and only in the port.
                prop_assert_eq!(url.scheme(), "http");
                prop_assert!(matches!(url.host_str(), Some("127.0.0.1" | "[::1]")));
            }
            prop_assert!(url.fragment().is_none());
        }
    }

    #[test]
    fn a_registered_https_uri_always_matches_itself(
        host in "[a-z]{1,10}\\.example",
        path in "(/[a-zA-Z0-9._~-]{0,8}){0,3}",
        query in prop::option::of("[a-z]{1,5}=[a-z0-9]{0,5}"),
    ) {
        let uri = match query {
            Some(q) => format!("https://{host}{path}?{q}"),
            None => format!("https://{host}{path}"),
        };
        let registered = vec!["https://other.example/cb".to_string(), uri.clone()];
        prop_assert!(match_redirect_uri(&uri, &registered, true).is_ok());
        let longer = format!("{uri}x");
        prop_assert!(match_redirect_uri(&longer, &registered, true).is_err());
    }

    #[test]
    fn scope_strategies_never_panic_and_grant_what_is_named(
        granted in prop::collection::vec("[a-c.*]{0,8}", 0..4),
        needle in "[a-c.*]{0,8}",
        wildcard in any::<bool>(),
    ) {
        let strategy = if wildcard { "wildcard" } else { "exact" };
        let allowed = scope_allowed(strategy, granted.iter().map(String::as_str), &needle);
        if granted.contains(&needle) {
            prop_assert!(allowed);
        }
        if !wildcard {
            prop_assert_eq!(allowed, granted.contains(&needle));
        }
    }

    #[test]
    fn an_assertion_exp_is_read_as_the_number_it_is(
        json in "-?[0-9]{1,25}(\\.[0-9]{1,3})?(e[+-]?[0-9]{1,3})?",
        now in 0i64..4_102_444_800,
    ) {
        let Ok(v) = serde_json::from_str::<serde_json::Value>(&json) else { return Ok(()) };
        if let Ok(exp) = assertion_exp(Some(&v), now, 3600) {
            prop_assert!(exp <= now + 3600, "{} read as {}", json, exp);
            if let Some(f) = v.as_f64() {
                prop_assert!((exp as f64 - f).abs() <= 1.0, "{} read as {}", json, exp);
            }
        }
    }

    #[test]
    fn any_exp_value_is_read_or_refused_without_panic(s in any::<String>(), i in any::<i64>(), f in any::<f64>(), now in any::<i64>()) {
        for v in [serde_json::json!(s), serde_json::json!(i), serde_json::json!(f), serde_json::json!(null)] {
            let _ = assertion_exp(Some(&v), now, 3600);
        }
    }

    #[test]
    fn a_pkce_verifier_matches_its_own_s256_challenge_only(
        verifier in "[A-Za-z0-9._~-]{43,128}",
        other in any::<String>(),
    ) {
        let digest = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, verifier.as_bytes());
        let challenge = b64url(digest.as_ref());
        prop_assert!(pkce::verify(&challenge, "S256", Some(&verifier)).is_ok());
        if other != verifier {
            prop_assert!(pkce::verify(&challenge, "S256", Some(&other)).is_err());
        }
        let _ = pkce::verify(&other, "S256", Some(&other));
        let _ = pkce::verify(&other, "plain", Some(&verifier));
    }
}
