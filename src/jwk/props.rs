//! Property tests for the compact-JWS reader that sees every ID token, logout token and
//! client assertion before any signature is checked: arbitrary input never panics, and
//! a well-formed token's parts are read back unchanged. Bounded for CI.

use super::verifier::parse;
use crate::crypto::b64url;
use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn any_token_is_parsed_or_refused_without_panic(s in any::<String>()) {
        let _ = parse(&s);
    }

    #[test]
    fn any_three_segments_are_parsed_or_refused_without_panic(
        parts in prop::collection::vec(prop::collection::vec(any::<u8>(), 0..64), 3),
        header in prop::option::of(any::<String>()),
    ) {
        let h = header.map(|h| b64url(h.as_bytes())).unwrap_or_else(|| b64url(&parts[0]));
        let _ = parse(&format!("{h}.{}.{}", b64url(&parts[1]), b64url(&parts[2])));
    }

    #[test]
    fn a_well_formed_token_reads_back(
        alg in "[A-Z0-9]{2,6}",
        kid in any::<String>(),
        payload in prop::collection::vec(any::<u8>(), 0..128),
        signature in prop::collection::vec(any::<u8>(), 0..96),
    ) {
        let header = serde_json::json!({"alg": alg, "kid": kid}).to_string();
        let (h, p) = (b64url(header.as_bytes()), b64url(&payload));
        let token = format!("{h}.{p}.{}", b64url(&signature));
        let parsed = parse(&token).unwrap();
        prop_assert_eq!(parsed.alg, alg);
        prop_assert_eq!(parsed.kid, kid);
        prop_assert_eq!(parsed.payload, payload);
        prop_assert_eq!(parsed.signature, signature);
        let signing_input = format!("{h}.{p}");
        prop_assert_eq!(parsed.signing_input, signing_input.as_bytes());
    }
}
