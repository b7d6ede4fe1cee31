//! Minting checked with an independent JWT library (`jsonwebtoken`): ID token claims,
//! `at_hash` and `c_hash` (hybrid responses), and JWT access tokens.

use super::*;
use crate::crypto::SystemKeys;
use crate::jwk::Alg;
use jsonwebtoken::{decode, DecodingKey, Validation};
use rsa::pkcs8::EncodePrivateKey;
use rsa::traits::PublicKeyParts;
use serde_json::Value;

fn key() -> (Arc<SigningKey>, DecodingKey) {
    let private = rsa::RsaPrivateKey::new(&mut rand::thread_rng(), 2048).unwrap();
    let der = private.to_pkcs8_der().unwrap();
    let signer = SigningKey::new(ID_TOKEN_SET, "public:k1", Alg::Rs256, der.as_bytes()).unwrap();
    let public = private.to_public_key();
    let decoding =
        DecodingKey::from_rsa_raw_components(&public.n().to_bytes_be(), &public.e().to_bytes_be());
    (Arc::new(signer), decoding)
}

fn minter(access_jwt: Option<Arc<SigningKey>>, id: Arc<SigningKey>) -> Minter {
    Minter {
        keys: Arc::new(SystemKeys::derive(&[Secret::new(
            "a-system-secret-of-length",
        )])),
        issuer: "https://op.example/".into(),
        access_ttl: 3600,
        refresh_ttl: 7200,
        id_ttl: 600,
        access_signer: access_jwt,
        id_signer: Some(id),
    }
}

fn grant() -> Grant {
    let mut g = Grant {
        request_id: "req".into(),
        client_id: "app".into(),
        subject: "alice".into(),
        scopes: vec!["openid".into(), "offline_access".into()],
        audience: vec!["https://api.example".into()],
        ..Grant::default()
    };
    g.session.nonce = "n-0123456789".into();
    g.session.auth_time = 1_000;
    g.ext.insert("tenant".into(), "blue".into());
    g
}

fn half_sha256(v: &str) -> String {
    let d = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, v.as_bytes());
    crate::crypto::b64url(&d.as_ref()[..16])
}

fn verify(jwt: &str, key: &DecodingKey, aud: &str) -> Value {
    let mut v = Validation::new(jsonwebtoken::Algorithm::RS256);
    v.set_audience(&[aud]);
    v.set_issuer(&["https://op.example/"]);
    decode::<Value>(jwt, key, &v).unwrap().claims
}

#[test]
fn hybrid_id_tokens_carry_at_hash_and_c_hash() {
    let (id_key, decoding) = key();
    let m = minter(None, id_key);
    let code = "ptc_ac_some-code.value";
    let opts = IssueOptions {
        access_token: true,
        refresh_token: true,
        id_token: true,
        code: Some(code),
    };
    let now = crate::clock::now();
    let (access, refresh, issued) = m.mint(&grant(), &opts, now).unwrap();
    let at = issued.access_token.unwrap();
    assert!(at.expose().starts_with("ptc_at_"));
    assert!(issued
        .refresh_token
        .unwrap()
        .expose()
        .starts_with("ptc_rt_"));
    assert_eq!(access.unwrap().expires_at, now + 3600);
    assert_eq!(refresh.unwrap().expires_at, now + 7200);
    let jwt = issued.id_token.unwrap();
    let header = jsonwebtoken::decode_header(&jwt).unwrap();
    assert_eq!(header.kid.as_deref(), Some("public:k1"));
    let c = verify(&jwt, &decoding, "app");
    assert_eq!(c["at_hash"], half_sha256(at.expose()));
    assert_eq!(c["c_hash"], half_sha256(code));
    assert_eq!(c["nonce"], "n-0123456789");
    assert_eq!(c["auth_time"], 1_000);
    assert_eq!(c["exp"].as_i64().unwrap() - c["iat"].as_i64().unwrap(), 600);
}

#[test]
fn an_id_token_alone_has_no_at_hash_and_stores_nothing() {
    let (id_key, decoding) = key();
    let m = minter(None, id_key);
    let opts = IssueOptions {
        id_token: true,
        ..IssueOptions::default()
    };
    let (access, refresh, issued) = m.mint(&grant(), &opts, 100_000).unwrap();
    assert!(access.is_none() && refresh.is_none() && issued.access_token.is_none());
    let mut v = Validation::new(jsonwebtoken::Algorithm::RS256);
    v.set_audience(&["app"]);
    v.validate_exp = false;
    let c = decode::<Value>(&issued.id_token.unwrap(), &decoding, &v)
        .unwrap()
        .claims;
    assert!(c.get("at_hash").is_none() && c.get("c_hash").is_none());
}

#[test]
fn jwt_access_tokens_are_rfc9068_and_stored_by_signature() {
    let (id_key, _) = key();
    let (at_key, decoding) = key();
    let m = minter(Some(at_key), id_key);
    let opts = IssueOptions {
        access_token: true,
        ..IssueOptions::default()
    };
    let now = crate::clock::now();
    let (access, _, issued) = m.mint(&grant(), &opts, now).unwrap();
    let jwt = issued.access_token.unwrap();
    let header = jsonwebtoken::decode_header(jwt.expose()).unwrap();
    assert_eq!(header.typ.as_deref(), Some("at+jwt"));
    let c = verify(jwt.expose(), &decoding, "https://api.example");
    assert_eq!(c["sub"], "alice");
    assert_eq!(c["client_id"], "app");
    assert_eq!(c["scp"], serde_json::json!(["openid", "offline_access"]));
    assert_eq!(c["ext"]["tenant"], "blue");
    let row = access.unwrap();
    assert_eq!(
        Some(row.signature.as_str()),
        jwt.expose().rsplit('.').next()
    );
}

#[test]
fn jwt_access_tokens_of_pairwise_clients_carry_the_pairwise_subject() {
    let (id_key, _) = key();
    let (at_key, decoding) = key();
    let m = minter(Some(at_key), id_key);
    let mut g = grant();
    g.obfuscated_subject = "pairwise-alice".into();
    let opts = IssueOptions {
        access_token: true,
        ..IssueOptions::default()
    };
    let now = crate::clock::now();
    let (_, _, issued) = m.mint(&g, &opts, now).unwrap();
    let c = verify(
        issued.access_token.unwrap().expose(),
        &decoding,
        "https://api.example",
    );
    assert_eq!(c["sub"], "pairwise-alice");
}
