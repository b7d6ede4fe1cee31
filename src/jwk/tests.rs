use super::verifier::parse;
use super::*;
use crate::crypto::{b64url, SystemKeys};
use crate::secret::Secret;
use crate::store::{Dsn, Store};
use serde_json::{json, Value};
use std::sync::Arc;

fn system_keys(secrets: &[&str]) -> Arc<SystemKeys> {
    Arc::new(SystemKeys::derive(
        &secrets.iter().map(|s| Secret::new(*s)).collect::<Vec<_>>(),
    ))
}

async fn memory_store() -> Store {
    let store = Store::connect(&Dsn::parse("memory").unwrap())
        .await
        .unwrap();
    store.migrate().await.unwrap();
    store
}

async fn manager() -> KeyManager {
    KeyManager::new(
        memory_store().await,
        system_keys(&["unit-test-system-secret-1"]),
    )
}

fn req(alg: &str, kid: &str) -> GenerateRequest {
    GenerateRequest {
        alg: alg.into(),
        use_: "sig".into(),
        kid: kid.into(),
    }
}

fn claims() -> Value {
    json!({"sub": "alice", "aud": ["app"], "exp": 1, "nested": {"k": [1, 2]}})
}

/// A compact JWS from raw parts (for forging tokens).
fn compact(header: &Value, payload: &Value, sig: &[u8]) -> String {
    format!(
        "{}.{}.{}",
        b64url(header.to_string().as_bytes()),
        b64url(payload.to_string().as_bytes()),
        b64url(sig)
    )
}

#[tokio::test]
async fn every_algorithm_signs_and_verifies_its_own_tokens() {
    let m = manager().await;
    for alg in ["RS256", "ES256", "ES512", "EdDSA"] {
        let set = format!("set-{alg}");
        m.generate(&set, &req(alg, "k1"), Naming::Hydra1Pair, 100)
            .await
            .unwrap();
        let key = m.signing_key(&set).await.unwrap();
        assert_eq!(key.alg(), alg);
        assert_eq!(key.kid(), "public:k1", "tokens name the published twin");
        let token = key.sign(&claims(), Some("JWT")).unwrap();
        let header: Value = serde_json::from_slice(
            &crate::crypto::b64url_decode(token.split('.').next().unwrap()).unwrap(),
        )
        .unwrap();
        assert_eq!(
            header,
            json!({"alg": alg, "kid": "public:k1", "typ": "JWT"})
        );
        assert_eq!(m.verify(&set, &token).await.unwrap(), claims(), "{alg}");
        // Another set's keys do not verify it.
        assert!(m.verify(ID_TOKEN_SET, &token).await.is_err(), "{alg}");
        // A flipped bit in the signature is caught.
        let mut bad = token.clone().into_bytes();
        let last = bad.len() - 3;
        bad[last] = if bad[last] == b'A' { b'B' } else { b'A' };
        let bad = String::from_utf8(bad).unwrap();
        assert!(
            matches!(m.verify(&set, &bad).await, Err(JwkError::InvalidToken(_))),
            "{alg}"
        );
    }
}

#[tokio::test]
async fn tokens_without_typ_have_no_typ_header() {
    let m = manager().await;
    let key = m.signing_key(ID_TOKEN_SET).await.unwrap();
    let token = key.sign(&json!({"a": 1}), None).unwrap();
    let p = parse(&token).unwrap();
    assert_eq!(p.alg, "RS256");
    let header = token.split('.').next().unwrap();
    let header: Value =
        serde_json::from_slice(&crate::crypto::b64url_decode(header).unwrap()).unwrap();
    assert!(header.get("typ").is_none());
}

#[tokio::test]
async fn alg_none_and_hmac_with_the_public_key_are_refused() {
    let m = manager().await;
    let key = m.signing_key(ID_TOKEN_SET).await.unwrap();
    let kid = key.kid().to_string();
    let jwks = m.public_jwks(&[ID_TOKEN_SET]).await.unwrap();
    let public = jwks["keys"][0].clone();

    // Unsigned.
    for alg in ["none", "None", "NONE"] {
        let t = compact(&json!({"alg": alg, "kid": kid}), &claims(), b"");
        assert!(m.verify(ID_TOKEN_SET, &t).await.is_err(), "{alg}");
        let t = format!("{}.", &t[..t.len() - 1]);
        assert!(
            m.verify(ID_TOKEN_SET, &t).await.is_err(),
            "{alg} with empty signature"
        );
    }
    // HS256 keyed with what an attacker can get: the public JWK as JSON, n, the kid.
    let n = crate::crypto::b64url_decode(public["n"].as_str().unwrap()).unwrap();
    for secret in [public.to_string().into_bytes(), n, kid.clone().into_bytes()] {
        for alg in ["HS256", "HS384", "HS512"] {
            let header = json!({"alg": alg, "kid": kid});
            let input = format!(
                "{}.{}",
                b64url(header.to_string().as_bytes()),
                b64url(claims().to_string().as_bytes())
            );
            let hmac_alg = match alg {
                "HS256" => aws_lc_rs::hmac::HMAC_SHA256,
                "HS384" => aws_lc_rs::hmac::HMAC_SHA384,
                _ => aws_lc_rs::hmac::HMAC_SHA512,
            };
            let tag = aws_lc_rs::hmac::sign(
                &aws_lc_rs::hmac::Key::new(hmac_alg, &secret),
                input.as_bytes(),
            );
            let t = format!("{input}.{}", b64url(tag.as_ref()));
            assert!(
                matches!(
                    m.verify(ID_TOKEN_SET, &t).await,
                    Err(JwkError::InvalidToken(_))
                ),
                "{alg}"
            );
        }
    }
    // A real signature relabelled with another asymmetric algorithm.
    let token = key.sign(&claims(), None).unwrap();
    let (_, rest) = token.split_once('.').unwrap();
    for alg in ["RS384", "PS256", "ES256", "EdDSA"] {
        let h = b64url(json!({"alg": alg, "kid": kid}).to_string().as_bytes());
        assert!(
            m.verify(ID_TOKEN_SET, &format!("{h}.{rest}"))
                .await
                .is_err(),
            "{alg}"
        );
    }
}

#[tokio::test]
async fn unknown_or_missing_kids_and_garbage_are_errors_not_panics() {
    let m = manager().await;
    let key = m.signing_key(ID_TOKEN_SET).await.unwrap();
    let good = key.sign(&claims(), None).unwrap();
    let parts: Vec<&str> = good.split('.').collect();
    let header_with = |h: Value| {
        format!(
            "{}.{}.{}",
            b64url(h.to_string().as_bytes()),
            parts[1],
            parts[2]
        )
    };
    let mut cases = vec![
        String::new(),
        ".".into(),
        "..".into(),
        "...".into(),
        "a.b".into(),
        "a.b.c".into(),
        "a.b.c.d".into(),
        format!("{good}.x"),
        format!("{}.{}", parts[0], parts[1]),
        format!("{}=.{}.{}", parts[0], parts[1], parts[2]),
        format!("{}.{}.{}!", parts[0], parts[1], parts[2]),
        format!("{}.%%%.{}", parts[0], parts[2]),
        "é.é.é".into(),
        "x".repeat(200_000),
        header_with(json!({"alg": "RS256", "kid": "public:nope"})),
        header_with(json!({"alg": "RS256"})),
        header_with(json!({"alg": "RS256", "kid": 5})),
        header_with(json!({"kid": key.kid()})),
        header_with(json!(["RS256"])),
        header_with(json!({"alg": "RS256", "kid": key.kid(), "crit": ["exp"]})),
        format!("{}.{}.{}", b64url(b"not json"), parts[1], parts[2]),
    ];
    // Valid signature over a payload that is not a JSON object.
    cases.push(key.sign(&json!([1, 2, 3]), None).unwrap());
    cases.push(key.sign(&json!("text"), None).unwrap());
    for case in cases {
        let short: String = case.chars().take(40).collect();
        assert!(
            matches!(
                m.verify(ID_TOKEN_SET, &case).await,
                Err(JwkError::InvalidToken(_))
            ),
            "{short:?}"
        );
    }
    assert!(m.verify(ID_TOKEN_SET, &good).await.is_ok());
}

#[tokio::test]
async fn at_hash_matches_the_openid_connect_example() {
    // OpenID Connect Core 1.0, appendix A.4: RS256, access token and its at_hash.
    let m = manager().await;
    let key = m.signing_key(ID_TOKEN_SET).await.unwrap();
    assert_eq!(
        key.hash_for_at_hash("jHkWEdUXMU1BwAsC4vtUsZwnNvTIxEl0z9K3vx5KF0Y"),
        "77QmUPtjPfzWtF2AnpK9RQ"
    );
    // ES512 and EdDSA use SHA-512: 32 bytes, 43 characters.
    for alg in ["ES512", "EdDSA"] {
        m.generate(alg, &req(alg, ""), Naming::Hydra1Pair, 1)
            .await
            .unwrap();
        let k = m.signing_key(alg).await.unwrap();
        assert_eq!(k.hash_for_at_hash("abc").len(), 43, "{alg}");
    }
    assert_eq!(super::signer::hash_left_half(Alg::Es256, "abc").len(), 22);
}

#[tokio::test]
async fn the_newest_key_signs_and_older_ones_stay_published() {
    let m = manager().await;
    let first = m.signing_key(ID_TOKEN_SET).await.unwrap();
    let old_token = first.sign(&claims(), None).unwrap();
    // Same second as the default key: insertion order breaks the tie.
    m.generate(
        ID_TOKEN_SET,
        &req("ES256", "next"),
        Naming::Hydra1Pair,
        crate::clock::now(),
    )
    .await
    .unwrap();
    let second = m.signing_key(ID_TOKEN_SET).await.unwrap();
    assert_eq!(second.kid(), "public:next");
    assert_eq!(second.alg(), "ES256");
    assert!(
        m.verify(ID_TOKEN_SET, &old_token).await.is_ok(),
        "old tokens still verify"
    );
    let kids: Vec<String> = m.public_jwks(&[ID_TOKEN_SET]).await.unwrap()["keys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["kid"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        kids,
        vec!["public:next".to_string(), first.kid().to_string()]
    );
    // The cached key is reused, not decrypted again.
    let again = m.signing_key(ID_TOKEN_SET).await.unwrap();
    assert!(Arc::ptr_eq(&second, &again));
    // Deleting the newest pair falls back to the older key.
    m.delete_key(ID_TOKEN_SET, "private:next").await.unwrap();
    assert_eq!(
        m.signing_key(ID_TOKEN_SET).await.unwrap().kid(),
        first.kid()
    );
    // An "enc" key never signs.
    let mut r = req("RS256", "encryption");
    r.use_ = "enc".into();
    m.generate(
        ID_TOKEN_SET,
        &r,
        Naming::Hydra1Pair,
        crate::clock::now() + 10,
    )
    .await
    .unwrap();
    assert_eq!(
        m.signing_key(ID_TOKEN_SET).await.unwrap().kid(),
        first.kid()
    );
}

#[tokio::test]
async fn a_v2_key_is_one_row_under_its_own_kid_and_signs_under_it() {
    let m = manager().await;
    let first = m.signing_key(ID_TOKEN_SET).await.unwrap();
    let made = m
        .generate(
            ID_TOKEN_SET,
            &req("ES256", "v2"),
            Naming::Single,
            crate::clock::now() + 1,
        )
        .await
        .unwrap();
    assert_eq!(made.keys.len(), 1);
    assert_eq!(made.keys[0].kid_str(), "v2");
    assert!(
        made.keys[0].d.is_some(),
        "answered with its private members"
    );
    assert_eq!(m.get_key(ID_TOKEN_SET, "v2").await.unwrap(), made);
    let signer = m.signing_key(ID_TOKEN_SET).await.unwrap();
    assert_eq!(signer.kid(), "v2");
    let token = signer.sign(&claims(), None).unwrap();
    assert!(m.verify(ID_TOKEN_SET, &token).await.is_ok());
    let doc = m.public_jwks(&[ID_TOKEN_SET]).await.unwrap();
    let keys = doc["keys"].as_array().unwrap();
    assert_eq!(keys[0]["kid"], "v2");
    assert!(keys[0].get("d").is_none());
    assert_eq!(keys[1]["kid"], first.kid());
    // The same kid again is a conflict, and a kid is checked as it is stored.
    assert!(matches!(
        m.generate(ID_TOKEN_SET, &req("ES256", "v2"), Naming::Single, 1)
            .await,
        Err(JwkError::Conflict(_))
    ));
    let long = "k".repeat(255);
    assert!(m
        .generate("s", &req("ES256", &long), Naming::Single, 1)
        .await
        .is_ok());
}

#[tokio::test]
async fn published_keys_have_no_private_members() {
    let m = manager().await;
    m.generate(ACCESS_TOKEN_SET, &req("EdDSA", "ed"), Naming::Hydra1Pair, 5)
        .await
        .unwrap();
    m.generate(
        ACCESS_TOKEN_SET,
        &req("ES512", "p521"),
        Naming::Hydra1Pair,
        6,
    )
    .await
    .unwrap();
    let doc = m
        .public_jwks(&[ID_TOKEN_SET, ACCESS_TOKEN_SET])
        .await
        .unwrap();
    let keys = doc["keys"].as_array().unwrap();
    // The access-token set was not empty, so no default key was added to it.
    assert_eq!(keys.len(), 3);
    for k in keys {
        for private in ["d", "p", "q", "dp", "dq", "qi", "k"] {
            assert!(k.get(private).is_none(), "{private} in {k}");
        }
        assert!(k["kid"].as_str().unwrap().starts_with("public:"), "{k}");
        assert_eq!(k["use"], "sig");
    }
}

#[tokio::test]
async fn exported_keys_import_unchanged_and_tampered_ones_do_not() {
    let m = manager().await;
    for alg in ["RS256", "ES256", "ES512", "EdDSA"] {
        let generated = m
            .generate("src", &req(alg, alg), Naming::Hydra1Pair, 1)
            .await
            .unwrap();
        let private = generated.keys[0].clone();
        assert!(private.d.is_some());
        let stored = m
            .import_key("dst", private.kid_str(), &private, 2)
            .await
            .unwrap();
        assert_eq!(stored, private, "{alg} round trip");
        let public = generated.keys[1].clone();
        assert_eq!(
            m.import_key("dst", public.kid_str(), &public, 2)
                .await
                .unwrap(),
            public
        );

        // A private scalar from another key is refused.
        let other = m
            .generate("other", &req(alg, alg), Naming::Hydra1Pair, 1)
            .await
            .unwrap()
            .keys[0]
            .clone();
        let mixed = Jwk {
            d: other.d.clone(),
            ..private.clone()
        };
        assert!(
            matches!(
                m.import_key("dst", "mixed", &Jwk { kid: None, ..mixed }, 2)
                    .await,
                Err(JwkError::Invalid(_))
            ),
            "{alg}"
        );
    }
    // Imported keys sign and verify like generated ones.
    let k = m.signing_key("dst").await.unwrap();
    let t = k.sign(&claims(), None).unwrap();
    assert_eq!(m.verify("dst", &t).await.unwrap(), claims());
}

#[tokio::test]
async fn malformed_keys_are_invalid_with_a_reason() {
    let m = manager().await;
    let rsa = m
        .generate("s", &req("RS256", "r"), Naming::Hydra1Pair, 1)
        .await
        .unwrap()
        .keys[0]
        .clone();
    let ec = m
        .generate("s", &req("ES256", "e"), Naming::Hydra1Pair, 1)
        .await
        .unwrap()
        .keys[0]
        .clone();
    let cases: Vec<(Jwk, &str)> = vec![
        (
            Jwk {
                kty: Some("oct".into()),
                k: Some(Secret::new("c2VjcmV0")),
                ..Jwk::default()
            },
            "oct",
        ),
        (
            Jwk {
                alg: Some("HS256".into()),
                ..rsa.clone()
            },
            "Unsupported algorithm",
        ),
        (
            Jwk {
                alg: Some("ES256".into()),
                ..rsa.clone()
            },
            "kty",
        ),
        (
            Jwk {
                kty: None,
                ..rsa.clone()
            },
            "kty",
        ),
        (
            Jwk {
                use_: Some("wrap".into()),
                ..rsa.clone()
            },
            "use",
        ),
        (
            Jwk {
                n: Some("AQAB".into()),
                d: None,
                p: None,
                q: None,
                dp: None,
                dq: None,
                qi: None,
                ..rsa.clone()
            },
            "bits",
        ),
        (
            Jwk {
                p: None,
                ..rsa.clone()
            },
            "primes",
        ),
        (
            Jwk {
                dp: Some(Secret::new("AQAB")),
                ..rsa.clone()
            },
            "dp",
        ),
        (
            Jwk {
                d: None,
                ..rsa.clone()
            },
            "include \"d\"",
        ),
        (
            Jwk {
                n: Some("!!".into()),
                ..rsa.clone()
            },
            "base64url",
        ),
        (
            Jwk {
                crv: Some("P-384".into()),
                ..ec.clone()
            },
            "crv",
        ),
        (
            Jwk {
                x: Some(b64url(&[1u8; 32])),
                ..ec.clone()
            },
            "curve",
        ),
        (
            Jwk {
                y: Some(b64url(&[1u8; 31])),
                ..ec.clone()
            },
            "32 bytes",
        ),
        (
            Jwk {
                d: Some(Secret::new(b64url(&[0u8; 32]))),
                ..ec.clone()
            },
            "not valid",
        ),
        (
            Jwk {
                kty: Some("OKP".into()),
                crv: Some("X25519".into()),
                alg: None,
                ..ec.clone()
            },
            "Unsupported key type",
        ),
    ];
    for (jwk, expect) in cases {
        match m.import_key("s", "bad", &Jwk { kid: None, ..jwk }, 1).await {
            Err(JwkError::Invalid(msg)) => {
                assert!(msg.contains(expect), "{msg:?} lacks {expect:?}")
            }
            other => panic!("expected Invalid containing {expect:?}, got {other:?}"),
        }
    }
    // Body and path kids must agree.
    assert!(matches!(
        m.import_key("s", "other", &rsa, 1).await,
        Err(JwkError::Invalid(_))
    ));
    // Unknown generator algorithms and uses.
    assert!(matches!(
        m.generate("s", &req("HS256", ""), Naming::Hydra1Pair, 1)
            .await,
        Err(JwkError::Invalid(_))
    ));
    let mut r = req("RS256", "");
    r.use_ = "both".into();
    assert!(matches!(
        m.generate("s", &r, Naming::Hydra1Pair, 1).await,
        Err(JwkError::Invalid(_))
    ));
    assert!(matches!(
        m.generate("s", &req("RS256", "r"), Naming::Hydra1Pair, 1)
            .await,
        Err(JwkError::Conflict(_))
    ));
}

#[test]
fn sealed_keys_are_bound_to_their_name_and_open_with_any_configured_secret() {
    let old = system_keys(&["the-old-system-secret-value"]);
    let sealed = seal::seal(&old, "set", "kid", b"pkcs8 bytes").unwrap();
    assert!(!sealed.windows(11).any(|w| w == b"pkcs8 bytes"));
    assert_eq!(
        seal::open(&old, "set", "kid", &sealed).unwrap(),
        (b"pkcs8 bytes".to_vec(), true)
    );
    assert!(seal::open(&old, "set", "other", &sealed).is_err());
    assert!(seal::open(&old, "se", "tkid", &sealed).is_err());
    let rotated = system_keys(&["the-new-system-secret-value", "the-old-system-secret-value"]);
    assert_eq!(
        seal::open(&rotated, "set", "kid", &sealed).unwrap(),
        (b"pkcs8 bytes".to_vec(), false)
    );
    let new_only = system_keys(&["the-new-system-secret-value"]);
    assert!(matches!(
        seal::open(&new_only, "set", "kid", &sealed),
        Err(JwkError::Undecryptable(_))
    ));
    let mut tampered = sealed.clone();
    let last = tampered.len() - 1;
    tampered[last] ^= 1;
    assert!(seal::open(&old, "set", "kid", &tampered).is_err());
    assert!(seal::open(&old, "set", "kid", &sealed[..10]).is_err());
    assert!(seal::open(&old, "set", "kid", &[]).is_err());
}

#[tokio::test]
async fn resealing_moves_every_key_to_the_current_secret() {
    let store = memory_store().await;
    let old = KeyManager::new(store.clone(), system_keys(&["the-old-system-secret-value"]));
    old.ensure_default_sets().await.unwrap();
    let token = old
        .signing_key(ID_TOKEN_SET)
        .await
        .unwrap()
        .sign(&claims(), None)
        .unwrap();
    let both = KeyManager::new(
        store.clone(),
        system_keys(&["the-new-system-secret-value", "the-old-system-secret-value"]),
    );
    assert_eq!(
        both.reseal_all().await.unwrap(),
        2,
        "one private key per default set"
    );
    let new_only = KeyManager::new(store.clone(), system_keys(&["the-new-system-secret-value"]));
    assert!(new_only.get_set(ID_TOKEN_SET).await.is_ok());
    let k = new_only.signing_key(ACCESS_TOKEN_SET).await.unwrap();
    assert!(new_only
        .verify(ACCESS_TOKEN_SET, &k.sign(&claims(), None).unwrap())
        .await
        .is_ok());
    assert!(new_only.verify(ID_TOKEN_SET, &token).await.is_ok());
    // A secret that opens nothing aborts before changing anything.
    let wrong = KeyManager::new(store, system_keys(&["an-unrelated-system-secret"]));
    assert!(matches!(
        wrong.reseal_all().await,
        Err(JwkError::Undecryptable(_))
    ));
    assert!(new_only.get_set(ID_TOKEN_SET).await.is_ok());
}

#[tokio::test]
async fn replicas_starting_together_create_each_default_key_once() {
    let dir = tempfile::tempdir().unwrap();
    let dsn = Dsn::parse(&format!(
        "sqlite://{}",
        dir.path().join("db.sqlite").display()
    ))
    .unwrap();
    let store = Store::connect(&dsn).await.unwrap();
    store.migrate().await.unwrap();
    let keys = system_keys(&["unit-test-system-secret-1"]);
    let managers: Vec<KeyManager> = (0..4)
        .map(|_| KeyManager::new(store.clone(), keys.clone()))
        .collect();
    let results = futures::future::join_all(managers.iter().map(|m| m.ensure_default_sets())).await;
    assert!(results.iter().all(|r| r.is_ok()), "{results:?}");
    for set in DEFAULT_SETS {
        let rows = store.jwk_list(set).await.unwrap();
        assert_eq!(rows.len(), 2, "{set}: one private/public pair");
        // Every replica signs with that same key.
        let kids: Vec<String> =
            futures::future::join_all(managers.iter().map(|m| m.signing_key(set)))
                .await
                .into_iter()
                .map(|k| k.unwrap().kid().to_string())
                .collect();
        assert!(kids.iter().all(|k| *k == kids[0]), "{kids:?}");
    }
    // Deleted default sets come back when next needed, as in Hydra.
    managers[0].delete_set(ID_TOKEN_SET).await.unwrap();
    assert!(managers[0].signing_key(ID_TOKEN_SET).await.is_ok());
    assert_eq!(store.jwk_list(ID_TOKEN_SET).await.unwrap().len(), 2);
}

#[tokio::test]
async fn debug_output_never_contains_private_material() {
    let m = manager().await;
    m.ensure_default_sets().await.unwrap();
    let set = m.get_set(ID_TOKEN_SET).await.unwrap();
    let d = set.keys.iter().find_map(|k| k.d.clone()).unwrap();
    let printed = format!("{set:?} {:?}", m.signing_key(ID_TOKEN_SET).await.unwrap());
    assert!(!printed.contains(d.expose()));
}

#[tokio::test]
async fn a_key_generated_on_another_replica_is_used_once_the_snapshot_expires() {
    let store = memory_store().await;
    let keys = system_keys(&["unit-test-system-secret-1"]);
    let ttl = std::time::Duration::from_millis(300);
    let here = KeyManager::new(store.clone(), keys.clone()).with_snapshot_ttl(ttl);
    let there = KeyManager::new(store.clone(), keys.clone());
    here.ensure_default_sets().await.unwrap();
    here.signing_key(ID_TOKEN_SET).await.unwrap();
    there
        .generate(
            ID_TOKEN_SET,
            &req("ES256", "elsewhere"),
            Naming::Hydra1Pair,
            crate::clock::now() + 1,
        )
        .await
        .unwrap();
    tokio::time::sleep(ttl).await;
    assert_eq!(
        here.signing_key(ID_TOKEN_SET).await.unwrap().kid(),
        "public:elsewhere"
    );
}

#[tokio::test]
async fn signing_uses_the_cached_answer_but_an_unknown_kid_rereads_the_set() {
    let store = memory_store().await;
    let keys = system_keys(&["unit-test-system-secret-1"]);
    let here = KeyManager::new(store.clone(), keys.clone())
        .with_snapshot_ttl(std::time::Duration::from_secs(600));
    let there = KeyManager::new(store.clone(), keys.clone());
    here.ensure_default_sets().await.unwrap();
    let old = here.signing_key(ID_TOKEN_SET).await.unwrap();
    there
        .generate(
            ID_TOKEN_SET,
            &req("ES256", "elsewhere"),
            Naming::Hydra1Pair,
            crate::clock::now() + 1,
        )
        .await
        .unwrap();
    // No query per signature: the cached answer stands for its lifetime.
    assert_eq!(
        here.signing_key(ID_TOKEN_SET).await.unwrap().kid(),
        old.kid()
    );
    // A token from the other replica's new key names a kid not cached here: the set is
    // read again (at most once a second), and the token verifies.
    let token = there
        .signing_key(ID_TOKEN_SET)
        .await
        .unwrap()
        .sign(&claims(), None)
        .unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    assert!(here.verify(ID_TOKEN_SET, &token).await.is_ok());
    assert_eq!(
        here.signing_key(ID_TOKEN_SET).await.unwrap().kid(),
        "public:elsewhere"
    );
}

#[tokio::test]
async fn signing_continues_with_known_keys_while_the_database_is_unreachable() {
    let store = memory_store().await;
    let m = KeyManager::new(store.clone(), system_keys(&["unit-test-system-secret-1"]))
        .with_snapshot_ttl(std::time::Duration::from_millis(1));
    m.ensure_default_sets().await.unwrap();
    let key = m.signing_key(ACCESS_TOKEN_SET).await.unwrap();
    let token = key.sign(&claims(), None).unwrap();
    store.close().await;
    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    let again = m.signing_key(ACCESS_TOKEN_SET).await.unwrap();
    assert_eq!(again.kid(), key.kid());
    assert!(m.verify(ACCESS_TOKEN_SET, &token).await.is_ok());
    // A set never read before has nothing to fall back on.
    assert!(matches!(
        m.signing_key("never-read").await,
        Err(JwkError::Store(_))
    ));
}

#[tokio::test]
async fn a_set_without_private_signing_keys_cannot_sign() {
    let m = manager().await;
    let generated = m
        .generate("pub", &req("ES256", "a"), Naming::Hydra1Pair, 1)
        .await
        .unwrap();
    m.delete_key("pub", "private:a").await.unwrap();
    assert!(matches!(
        m.signing_key("pub").await,
        Err(JwkError::NoSigningKey(_))
    ));
    assert!(matches!(
        m.signing_key("empty").await,
        Err(JwkError::NoSigningKey(_))
    ));
    // The public half stays published.
    let doc = m.public_jwks(&["pub"]).await.unwrap();
    assert_eq!(doc["keys"][0]["kid"], generated.keys[1].kid_str());
}
