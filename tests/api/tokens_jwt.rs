//! private_key_jwt client authentication (RFC 7523): assertions signed with the
//! client's registered keys are accepted once; malformed, forged, misaddressed, expired
//! and replayed ones are 401 invalid_client.

use crate::helpers::{Backend, TestApp};
use crate::tokens_support::*;
use crate::{app_or_skip, on_both_backends};
use base64::Engine;
use jsonwebtoken::{encode, Algorithm, EncodingKey, Header};
use rsa::pkcs1::EncodeRsaPrivateKey;
use rsa::traits::PublicKeyParts;
use serde_json::{json, Value};
use std::sync::{Arc, Mutex};

on_both_backends!(
    a_signed_assertion_authenticates_once,
    bad_assertions_are_401_invalid_client,
    keys_are_fetched_from_jwks_uri_and_refetched_for_a_new_kid,
    assertion_clients_cannot_use_secrets_and_secret_clients_cannot_use_assertions,
    an_exp_written_as_a_float_or_beyond_i64_cannot_pass_the_lifetime_cap,
);

pub(crate) struct Key {
    pub kid: String,
    enc: EncodingKey,
    pub jwk: Value,
    public_pem: Vec<u8>,
}

pub(crate) fn rsa_key(kid: &str) -> Key {
    let private = rsa::RsaPrivateKey::new(&mut rand::thread_rng(), 2048).unwrap();
    let der = private.to_pkcs1_der().unwrap();
    let b64 = |b: Vec<u8>| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(b);
    let public = private.to_public_key();
    let public_pem = rsa::pkcs8::EncodePublicKey::to_public_key_pem(&public, Default::default())
        .unwrap()
        .into_bytes();
    Key {
        kid: kid.into(),
        enc: EncodingKey::from_rsa_der(der.as_bytes()),
        jwk: json!({"kty": "RSA", "kid": kid, "use": "sig", "alg": "RS256",
                    "n": b64(public.n().to_bytes_be()), "e": b64(public.e().to_bytes_be())}),
        public_pem,
    }
}

pub(crate) fn claims(app: &TestApp, client: &str) -> Value {
    json!({
        "iss": client,
        "sub": client,
        "aud": app.public_url("/oauth2/token"),
        "exp": now() + 120,
        "iat": now(),
        "jti": uuid::Uuid::new_v4().to_string(),
    })
}

pub(crate) fn sign(key: &Key, claims: &Value) -> String {
    let mut h = Header::new(Algorithm::RS256);
    h.kid = Some(key.kid.clone());
    encode(&h, claims, &key.enc).unwrap()
}

pub(crate) async fn with_assertion(app: &TestApp, client: Option<&str>, assertion: &str) -> Answer {
    let mut form = vec![
        ("grant_type", "client_credentials"),
        (
            "client_assertion_type",
            "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
        ),
        ("client_assertion", assertion),
    ];
    if let Some(c) = client {
        form.push(("client_id", c));
    }
    token_request(app, None, &form).await
}

async fn jwt_client(app: &TestApp, id: &str, keys: Value) -> String {
    create_client(
        app,
        json!({"client_id": id, "token_endpoint_auth_method": "private_key_jwt",
               "token_endpoint_auth_signing_alg": "RS256",
               "grant_types": ["client_credentials"], "scope": "read", "jwks": keys}),
    )
    .await
    .0
}

async fn a_signed_assertion_authenticates_once(backend: Backend) {
    let app = app_or_skip!(backend);
    let key = rsa_key("k1");
    let id = jwt_client(&app, "jwt-app", json!({"keys": [key.jwk]})).await;
    let assertion = sign(&key, &claims(&app, &id));
    let a = with_assertion(&app, Some(&id), &assertion).await;
    assert_eq!(a.status, 200, "{}", a.text);
    let replay = with_assertion(&app, Some(&id), &assertion).await;
    assert_eq!(
        (replay.status.as_u16(), replay.error()),
        (401, "invalid_client")
    );
    // Without client_id, the assertion's `sub` names the client.
    let b = with_assertion(&app, None, &sign(&key, &claims(&app, &id))).await;
    assert_eq!(b.status, 200, "{}", b.text);
}

async fn bad_assertions_are_401_invalid_client(backend: Backend) {
    let app = app_or_skip!(backend);
    let key = rsa_key("k1");
    let other = rsa_key("k1");
    let id = jwt_client(&app, "jwt-app", json!({"keys": [key.jwk]})).await;
    let good = claims(&app, &id);
    let with = |k: &str, v: Value| {
        let mut c = good.clone();
        c[k] = v;
        c
    };
    let without = |k: &str| {
        let mut c = good.clone();
        c.as_object_mut().unwrap().remove(k);
        c
    };
    let b64 = |v: &Value| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v.to_string());
    // alg=none, unsigned.
    let none = format!(
        "{}.{}.",
        b64(&json!({"alg": "none", "kid": "k1"})),
        b64(&good)
    );
    // HS256 "signed" with the RSA public key as the HMAC secret (key confusion).
    let mut hs = Header::new(Algorithm::HS256);
    hs.kid = Some("k1".into());
    let confused = encode(&hs, &good, &EncodingKey::from_secret(&key.public_pem)).unwrap();
    let mut unknown_kid = Header::new(Algorithm::RS256);
    unknown_kid.kid = Some("nope".into());
    let bad_kid = encode(&unknown_kid, &good, &key.enc).unwrap();
    let mut rs384 = Header::new(Algorithm::RS384);
    rs384.kid = Some("k1".into());
    let wrong_alg = encode(&rs384, &good, &key.enc).unwrap();
    let cases: Vec<(&str, String)> = vec![
        ("alg none", none),
        ("HS256 with the public key", confused),
        ("unknown kid", bad_kid),
        ("unregistered alg", wrong_alg),
        ("another key", sign(&other, &good)),
        (
            "wrong aud",
            sign(&key, &with("aud", json!("https://elsewhere/oauth2/token"))),
        ),
        ("expired", sign(&key, &with("exp", json!(now() - 600)))),
        ("wrong iss", sign(&key, &with("iss", json!("someone-else")))),
        ("wrong sub", sign(&key, &with("sub", json!("someone-else")))),
        ("no jti", sign(&key, &without("jti"))),
        ("no exp", sign(&key, &without("exp"))),
        (
            "exp a day away",
            sign(&key, &with("exp", json!(now() + 86400))),
        ),
        ("garbage segments", "a.b.c".into()),
        ("not a JWT", "definitely not a jwt".into()),
        ("bad base64", "eyJ!!!.eyJ!!!.sig".into()),
    ];
    for (what, assertion) in cases {
        let a = with_assertion(&app, Some(&id), &assertion).await;
        let s = a.status.as_u16();
        assert!((400..500).contains(&s), "{what}: {s} {}", a.text);
        assert_eq!(a.error(), "invalid_client", "{what}: {}", a.text);
    }
    // Nothing was issued.
    assert_eq!(count(&app, backend, "oauth2_access_tokens").await, 0);
}

async fn keys_are_fetched_from_jwks_uri_and_refetched_for_a_new_kid(backend: Backend) {
    let app = app_or_skip!(backend);
    let k1 = rsa_key("k1");
    let k2 = rsa_key("k2");
    let served = Arc::new(Mutex::new(json!({"keys": [k1.jwk]})));
    let doc = served.clone();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let uri = format!("http://{}/jwks.json", listener.local_addr().unwrap());
    let router = axum::Router::new().route(
        "/jwks.json",
        axum::routing::get(move || {
            let doc = doc.clone();
            async move { axum::Json(doc.lock().unwrap().clone()) }
        }),
    );
    tokio::spawn(async move { axum::serve(listener, router).await });
    let id = create_client(
        &app,
        json!({"client_id": "remote-keys", "token_endpoint_auth_method": "private_key_jwt",
               "grant_types": ["client_credentials"], "jwks_uri": uri}),
    )
    .await
    .0;
    let a = with_assertion(&app, Some(&id), &sign(&k1, &claims(&app, &id))).await;
    assert_eq!(a.status, 200, "{}", a.text);
    *served.lock().unwrap() = json!({"keys": [k1.jwk, k2.jwk]});
    let b = with_assertion(&app, Some(&id), &sign(&k2, &claims(&app, &id))).await;
    assert_eq!(b.status, 200, "the new kid is fetched: {}", b.text);
}

async fn assertion_clients_cannot_use_secrets_and_secret_clients_cannot_use_assertions(
    backend: Backend,
) {
    let app = app_or_skip!(backend);
    let key = rsa_key("k1");
    let id = jwt_client(&app, "jwt-app", json!({"keys": [key.jwk]})).await;
    let a = client_credentials(&app, &id, "anything", "").await;
    assert_eq!((a.status.as_u16(), a.error()), (401, "invalid_client"));
    let (sid, _) = full_client(&app, "secret-app", json!({"jwks": {"keys": [key.jwk]}})).await;
    let b = with_assertion(&app, Some(&sid), &sign(&key, &claims(&app, &sid))).await;
    assert_eq!((b.status.as_u16(), b.error()), (401, "invalid_client"));
}

/// A float `exp` (`4102444800.0`) or one past i64 used to read as "now", pass the
/// one-hour cap, and have its jti forgotten after a minute: the assertion could be
/// replayed a minute later. It is now read as the number it is.
async fn an_exp_written_as_a_float_or_beyond_i64_cannot_pass_the_lifetime_cap(backend: Backend) {
    let app = app_or_skip!(backend);
    let key = rsa_key("k1");
    let id = jwt_client(&app, "jwt-app", json!({"keys": [key.jwk]})).await;
    for exp in [json!(4102444800.0_f64), json!(u64::MAX), json!(1e300)] {
        let mut c = claims(&app, &id);
        c["exp"] = exp.clone();
        let a = with_assertion(&app, Some(&id), &sign(&key, &c)).await;
        assert_eq!(
            (a.status.as_u16(), a.error()),
            (401, "invalid_client"),
            "{exp}: {}",
            a.text
        );
    }
    // A float within the cap is fine, and its jti is then used up.
    let mut c = claims(&app, &id);
    c["exp"] = json!(now() as f64 + 120.5);
    let assertion = sign(&key, &c);
    let a = with_assertion(&app, Some(&id), &assertion).await;
    assert_eq!(a.status, 200, "{}", a.text);
    let replay = with_assertion(&app, Some(&id), &assertion).await;
    assert_eq!(
        (replay.status.as_u16(), replay.error()),
        (401, "invalid_client")
    );
}
