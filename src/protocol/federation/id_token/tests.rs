use super::test_keys::{EC_PEM, RSA_PEM};
use super::*;
use jsonwebtoken::jwk::Jwk;
use jsonwebtoken::{encode, EncodingKey, Header};
use proptest::prelude::*;
use serde_json::json;

const NOW: i64 = 1_700_000_000;
const ISS: &str = "https://idp.example.com";
const CLIENT: &str = "portcullis";
const NONCE: &str = "n-0S6_WzA2Mj";
const SECRET: &[u8] = b"a client secret of enough length!";
const ALGS: &[Algorithm] = &[Algorithm::RS256, Algorithm::ES256];
// OpenID Connect Core, Appendix A.3: an access token and its RS256 at_hash.
const ACCESS_TOKEN: &str = "jHkWEdUXMU1BwAsC4vtUsZwnNvTIxEl0z9K3vx5KF0Y";
const AT_HASH: &str = "77QmUPtjPfzWtF2AnpK9RQ";

fn key(alg: Algorithm) -> EncodingKey {
    match alg.family() {
        jsonwebtoken::AlgorithmFamily::Rsa => {
            EncodingKey::from_rsa_pem(RSA_PEM.as_bytes()).unwrap()
        }
        jsonwebtoken::AlgorithmFamily::Ec => EncodingKey::from_ec_pem(EC_PEM.as_bytes()).unwrap(),
        _ => EncodingKey::from_secret(SECRET),
    }
}

fn jwk(alg: Algorithm, kid: &str) -> Value {
    let mut v = serde_json::to_value(Jwk::from_encoding_key(&key(alg), alg).unwrap()).unwrap();
    v["kid"] = json!(kid);
    v["use"] = json!("sig");
    v
}

fn jwks() -> Value {
    json!({"keys": [jwk(Algorithm::RS256, "rsa-1"), jwk(Algorithm::ES256, "ec-1")]})
}

fn claims() -> Value {
    json!({"iss": ISS, "aud": CLIENT, "sub": "user-1", "exp": NOW + 300, "iat": NOW - 10,
           "nonce": NONCE, "email": "jane@example.com"})
}

fn set(name: &str, value: Value) -> Value {
    let mut c = claims();
    c[name] = value;
    c
}

fn unset(name: &str) -> Value {
    let mut c = claims();
    c.as_object_mut().unwrap().remove(name);
    c
}

fn sign(alg: Algorithm, kid: Option<&str>, claims: &Value) -> String {
    let mut h = Header::new(alg);
    h.kid = kid.map(str::to_string);
    encode(&h, claims, &key(alg)).unwrap()
}

fn rs(claims: &Value) -> String {
    sign(Algorithm::RS256, Some("rsa-1"), claims)
}

fn expect() -> Expectations<'static> {
    Expectations {
        issuer: ISS,
        client_id: CLIENT,
        nonce: NONCE,
        allowed_algs: ALGS,
        hmac_secret: None,
        now: NOW,
        leeway: 60,
        max_age_of_iat: None,
        access_token: None,
    }
}

fn check(token: &str) -> Result<Map<String, Value>, IdTokenError> {
    validate(token, &jwks(), &expect())
}

fn b64(v: &Value) -> String {
    URL_SAFE_NO_PAD.encode(serde_json::to_vec(v).unwrap())
}

#[test]
fn valid_tokens() {
    let c = check(&rs(&claims())).unwrap();
    assert_eq!(c.get("email"), Some(&json!("jane@example.com")));
    assert!(check(&sign(Algorithm::ES256, Some("ec-1"), &claims())).is_ok());
    // Without kid: the only key that fits the algorithm.
    assert!(check(&sign(Algorithm::RS256, None, &claims())).is_ok());
    assert!(check(&sign(Algorithm::ES256, None, &claims())).is_ok());
}

#[test]
fn claim_checks() {
    use IdTokenError::*;
    let table: Vec<(&str, Value, Result<(), IdTokenError>)> = vec![
        (
            "wrong iss",
            set("iss", json!("https://evil.example.com")),
            Err(Issuer),
        ),
        (
            "iss trailing slash",
            set("iss", json!("https://idp.example.com/")),
            Err(Issuer),
        ),
        ("no iss", unset("iss"), Err(Issuer)),
        ("wrong aud", set("aud", json!("other")), Err(Audience)),
        ("no aud", unset("aud"), Err(Audience)),
        ("aud array ok", set("aud", json!([CLIENT])), Ok(())),
        (
            "aud with number",
            set("aud", json!([CLIENT, 1])),
            Err(Audience),
        ),
        ("aud empty array", set("aud", json!([])), Err(Audience)),
        (
            "several aud no azp",
            set("aud", json!([CLIENT, "api"])),
            Err(AuthorizedParty),
        ),
        (
            "several aud azp ok",
            {
                let mut c = set("aud", json!([CLIENT, "api"]));
                c["azp"] = json!(CLIENT);
                c
            },
            Ok(()),
        ),
        ("wrong azp", set("azp", json!("api")), Err(AuthorizedParty)),
        ("azp not string", set("azp", json!(1)), Err(AuthorizedParty)),
        ("expired", set("exp", json!(NOW - 61)), Err(Expired)),
        ("expired at edge", set("exp", json!(NOW - 60)), Err(Expired)),
        ("expired within leeway", set("exp", json!(NOW - 59)), Ok(())),
        (
            "exp fractional",
            set("exp", json!(NOW as f64 + 0.5)),
            Ok(()),
        ),
        ("exp huge", set("exp", json!(u64::MAX)), Ok(())),
        (
            "exp string",
            set("exp", json!("9999999999")),
            Err(MissingClaim("exp")),
        ),
        ("no exp", unset("exp"), Err(MissingClaim("exp"))),
        (
            "iat future",
            set("iat", json!(NOW + 61)),
            Err(IssuedInFuture),
        ),
        ("iat within leeway", set("iat", json!(NOW + 60)), Ok(())),
        ("iat very negative", set("iat", json!(i64::MIN)), Ok(())),
        ("no iat", unset("iat"), Err(MissingClaim("iat"))),
        ("nbf future", set("nbf", json!(NOW + 61)), Err(NotYetValid)),
        ("nbf past", set("nbf", json!(NOW - 100)), Ok(())),
        (
            "nbf bogus",
            set("nbf", json!("soon")),
            Err(MissingClaim("nbf")),
        ),
        ("wrong nonce", set("nonce", json!("other")), Err(Nonce)),
        ("no nonce", unset("nonce"), Err(Nonce)),
        ("nonce not string", set("nonce", json!(1)), Err(Nonce)),
        ("no sub", unset("sub"), Err(MissingSubject)),
        ("empty sub", set("sub", json!("")), Err(MissingSubject)),
        ("numeric sub", set("sub", json!(42)), Err(MissingSubject)),
    ];
    for (name, claims, want) in table {
        assert_eq!(check(&rs(&claims)).map(|_| ()), want, "{name}");
    }
}

#[test]
fn iat_max_age_and_nonce_not_sent() {
    let old = rs(&set("iat", json!(NOW - 301)));
    let e = Expectations {
        max_age_of_iat: Some(300),
        ..expect()
    };
    assert_eq!(validate(&old, &jwks(), &e), Err(IdTokenError::TooOld));
    let e = Expectations {
        max_age_of_iat: Some(301),
        ..expect()
    };
    assert!(validate(&old, &jwks(), &e).is_ok());

    let no_nonce = Expectations {
        nonce: "",
        ..expect()
    };
    assert_eq!(
        validate(&rs(&claims()), &jwks(), &no_nonce),
        Err(IdTokenError::Nonce)
    );
    let bare = rs(&unset("nonce"));
    assert!(validate(&bare, &jwks(), &no_nonce).is_ok());
}

#[test]
fn algorithm_policy() {
    let payload = b64(&claims());
    for header in [
        json!({"alg": "none"}),
        json!({"alg": "NONE", "kid": "rsa-1"}),
    ] {
        let token = format!("{}.{payload}.", b64(&header));
        assert_eq!(
            check(&token),
            Err(IdTokenError::AlgorithmNotAllowed("none".into()))
        );
    }
    assert_eq!(
        check(&format!("eyJhbGciOiJub25lIn0.{payload}.")),
        Err(IdTokenError::AlgorithmNotAllowed("none".into()))
    );
    let odd = format!("{}.{payload}.c2ln", b64(&json!({"alg": "ES512"})));
    assert_eq!(
        check(&odd),
        Err(IdTokenError::AlgorithmNotAllowed("ES512".into()))
    );

    let hs = sign(Algorithm::HS256, None, &claims());
    assert_eq!(
        check(&hs),
        Err(IdTokenError::AlgorithmNotAllowed("HS256".into()))
    );
    let hs_listed = [Algorithm::RS256, Algorithm::HS256];
    let no_secret = Expectations {
        allowed_algs: &hs_listed,
        ..expect()
    };
    assert_eq!(
        validate(&hs, &jwks(), &no_secret),
        Err(IdTokenError::AlgorithmNotAllowed("HS256".into()))
    );
    let with_secret = Expectations {
        hmac_secret: Some(SECRET),
        ..no_secret
    };
    assert!(validate(&hs, &jwks(), &with_secret).is_ok());
    let wrong_secret = Expectations {
        hmac_secret: Some(b"another secret entirely, also long"),
        ..no_secret
    };
    assert_eq!(
        validate(&hs, &jwks(), &wrong_secret),
        Err(IdTokenError::BadSignature)
    );
    // HS256 allowed must not let an RS256 token through with the secret as key, nor
    // let an HS256 token be checked against a JWKS key.
    let es_only = Expectations {
        allowed_algs: &[Algorithm::ES256],
        ..expect()
    };
    assert_eq!(
        validate(&rs(&claims()), &jwks(), &es_only),
        Err(IdTokenError::AlgorithmNotAllowed("RS256".into()))
    );
}

#[test]
fn key_selection() {
    let rotated = sign(Algorithm::RS256, Some("rsa-2"), &claims());
    assert_eq!(
        check(&rotated),
        Err(IdTokenError::UnknownKid("rsa-2".into()))
    );
    assert_eq!(
        validate(&rotated, &json!({}), &expect()),
        Err(IdTokenError::UnknownKid("rsa-2".into()))
    );
    // kid names a key of the wrong type.
    let mismatched = sign(Algorithm::RS256, Some("ec-1"), &claims());
    assert_eq!(check(&mismatched), Err(IdTokenError::NoUsableKey));
    // Encryption keys and keys for another alg are skipped.
    let mut enc = jwk(Algorithm::RS256, "rsa-1");
    enc["use"] = json!("enc");
    assert_eq!(
        validate(&rs(&claims()), &json!({"keys": [enc]}), &expect()),
        Err(IdTokenError::NoUsableKey)
    );
    let mut other_alg = jwk(Algorithm::RS256, "rsa-1");
    other_alg["alg"] = json!("RS512");
    assert_eq!(
        validate(
            &rs(&claims()),
            &json!({"keys": [{"kty": "weird"}, other_alg]}),
            &expect()
        ),
        Err(IdTokenError::NoUsableKey)
    );
    // Without kid, two fitting keys are ambiguous; none is unusable.
    let two = json!({"keys": [jwk(Algorithm::RS256, "a"), jwk(Algorithm::RS256, "b")]});
    let no_kid = sign(Algorithm::RS256, None, &claims());
    assert_eq!(
        validate(&no_kid, &two, &expect()),
        Err(IdTokenError::NoUsableKey)
    );
    assert_eq!(
        validate(&no_kid, &json!({"keys": []}), &expect()),
        Err(IdTokenError::NoUsableKey)
    );
    // A kid that is not a string in the JWKS never matches; duplicates with a bad first entry work.
    let mut broken = jwk(Algorithm::RS256, "rsa-1");
    broken["n"] = json!("!!not base64!!");
    let set = json!({"keys": [broken, jwk(Algorithm::RS256, "rsa-1")]});
    assert!(validate(&rs(&claims()), &set, &expect()).is_ok());
}

#[test]
fn signature_and_shape() {
    let token = rs(&claims());
    let parts: Vec<&str> = token.split('.').collect();
    let forged = b64(&set("sub", json!("admin")));
    let tampered = format!("{}.{forged}.{}", parts[0], parts[2]);
    assert_eq!(check(&tampered), Err(IdTokenError::BadSignature));
    let resigned = format!(
        "{}.{}.{}",
        parts[0],
        parts[1],
        &parts[2][..parts[2].len() - 4]
    );
    assert!(matches!(
        check(&resigned),
        Err(IdTokenError::BadSignature | IdTokenError::Malformed)
    ));
    // An ES256 signature presented as RS256 over the same payload.
    let es = sign(Algorithm::ES256, Some("rsa-1"), &claims());
    let es_sig = es.rsplit('.').next().unwrap();
    assert_eq!(
        check(&format!("{}.{}.{es_sig}", parts[0], parts[1])),
        Err(IdTokenError::BadSignature)
    );

    let big = rs(&set("pad", json!("x".repeat(MAX_ID_TOKEN_LEN))));
    assert_eq!(check(&big), Err(IdTokenError::TooLarge));

    let header = b64(&json!({"alg": "RS256", "kid": "rsa-1"}));
    for bad in [
        String::new(),
        "abc".to_string(),
        format!("{}.{}", parts[0], parts[1]),
        format!("{token}.extra"),
        format!("!!.{}.{}", parts[1], parts[2]),
        format!(
            "{}.{}.{}",
            b64(&json!({"kid": "rsa-1"})),
            parts[1],
            parts[2]
        ),
        format!("{}.{}.{}", b64(&json!(["RS256"])), parts[1], parts[2]),
        format!(
            "{}.{}.{}",
            b64(&json!({"alg": "RS256", "crit": ["exp"]})),
            parts[1],
            parts[2]
        ),
        format!("{header}.{}.{}", URL_SAFE_NO_PAD.encode("[1,2]"), parts[2]),
    ] {
        let got = check(&bad);
        assert!(
            matches!(
                got,
                Err(IdTokenError::Malformed | IdTokenError::BadSignature)
            ),
            "{bad}: {got:?}"
        );
    }
    // The alg checked is the header's: the crit and array headers never reach jsonwebtoken.
    assert_eq!(
        check(&format!(
            "{}.{}.{}",
            b64(&json!({"alg": "RS256", "crit": ["x"]})),
            parts[1],
            parts[2]
        )),
        Err(IdTokenError::Malformed)
    );
}

#[test]
fn at_hash() {
    assert_eq!(token_hash(Algorithm::RS256, ACCESS_TOKEN), AT_HASH);
    assert_eq!(token_hash(Algorithm::ES384, "x").len(), 32);
    assert_eq!(token_hash(Algorithm::EdDSA, "x").len(), 43);
    let e = Expectations {
        access_token: Some(ACCESS_TOKEN),
        ..expect()
    };
    let good = rs(&set("at_hash", json!(AT_HASH)));
    assert!(validate(&good, &jwks(), &e).is_ok());
    let es = sign(
        Algorithm::ES256,
        Some("ec-1"),
        &set("at_hash", json!(AT_HASH)),
    );
    assert!(validate(&es, &jwks(), &e).is_ok());
    let bad = rs(&set("at_hash", json!("AAAAAAAAAAAAAAAAAAAAAA")));
    assert_eq!(validate(&bad, &jwks(), &e), Err(IdTokenError::AtHash));
    let not_string = rs(&set("at_hash", json!(1)));
    assert_eq!(
        validate(&not_string, &jwks(), &e),
        Err(IdTokenError::AtHash)
    );
    // Not checked without an access token, optional when absent.
    assert!(check(&bad).is_ok());
    assert!(validate(&rs(&claims()), &jwks(), &e).is_ok());
}

#[test]
fn errors_never_echo_the_token() {
    let long_kid = "k".repeat(5000);
    let token = sign(Algorithm::RS256, Some(&long_kid), &claims());
    let err = check(&token).unwrap_err();
    assert!(matches!(err, IdTokenError::UnknownKid(_)));
    let text = err.to_string();
    assert!(text.len() < 200, "{}", text.len());
    for t in [token, rs(&set("iss", json!("x")))] {
        let text = check(&t).unwrap_err().to_string();
        for part in t.split('.') {
            assert!(!text.contains(part), "{text}");
        }
    }
}

proptest! {
    #[test]
    fn arbitrary_input_never_panics(s in any::<String>()) {
        let _ = check(&s);
    }

    #[test]
    fn arbitrary_json_parts_never_panic(
        header in prop_oneof![
            Just(json!({"alg": "RS256", "kid": "rsa-1"})),
            Just(json!({"alg": "HS256"})),
            any::<String>().prop_map(|s| json!({"alg": s})),
        ],
        payload in any::<Vec<u8>>(),
        sig in any::<Vec<u8>>(),
    ) {
        let token = format!("{}.{}.{}", b64(&header), URL_SAFE_NO_PAD.encode(payload), URL_SAFE_NO_PAD.encode(sig));
        let e = Expectations { allowed_algs: &[Algorithm::RS256, Algorithm::HS256], hmac_secret: Some(SECRET), ..expect() };
        prop_assert!(validate(&token, &jwks(), &e).is_err());
    }
}
