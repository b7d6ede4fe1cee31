use super::{parse, MetadataError, MAX_METADATA_LEN};
use serde_json::{json, Value};

const ISS: &str = "https://idp.example.com/realms/main";

fn doc() -> Value {
    json!({
        "issuer": ISS,
        "authorization_endpoint": "https://idp.example.com/realms/main/auth",
        "token_endpoint": "https://idp.example.com/realms/main/token",
        "jwks_uri": "https://idp.example.com/realms/main/certs",
        "userinfo_endpoint": "https://idp.example.com/realms/main/userinfo",
        "end_session_endpoint": "https://idp.example.com/realms/main/logout",
        "authorization_response_iss_parameter_supported": true,
        "code_challenge_methods_supported": ["plain", "S256"],
        "id_token_signing_alg_values_supported": ["RS256", "ES256"],
        "token_endpoint_auth_methods_supported": ["client_secret_basic", "private_key_jwt"],
        "grant_types_supported": ["authorization_code"],
        "mtls_endpoint_aliases": {"token_endpoint": "https://mtls.example.com/token"},
        "claims_supported": ["sub", "email", 7]
    })
}

fn bytes(v: &Value) -> Vec<u8> {
    serde_json::to_vec(v).unwrap()
}

fn with(field: &str, value: Value) -> Vec<u8> {
    let mut d = doc();
    d[field] = value;
    bytes(&d)
}

#[test]
fn full_document() {
    let m = parse(&bytes(&doc()), ISS, false).unwrap();
    assert_eq!(m.issuer, ISS);
    assert_eq!(
        m.token_endpoint,
        "https://idp.example.com/realms/main/token"
    );
    assert_eq!(
        m.userinfo_endpoint.as_deref(),
        Some("https://idp.example.com/realms/main/userinfo")
    );
    assert!(m.authorization_response_iss_parameter_supported);
    assert_eq!(m.code_challenge_methods_supported, ["plain", "S256"]);
    assert_eq!(m.id_token_signing_alg_values_supported, ["RS256", "ES256"]);
    assert_eq!(m.token_endpoint_auth_methods_supported.len(), 2);
}

#[test]
fn minimal_document_defaults() {
    let d = json!({
        "issuer": ISS,
        "authorization_endpoint": "https://idp.example.com/a",
        "token_endpoint": "https://idp.example.com/t",
        "jwks_uri": "https://idp.example.com/k",
        "userinfo_endpoint": null,
        "code_challenge_methods_supported": null,
        "authorization_response_iss_parameter_supported": null
    });
    let m = parse(&bytes(&d), ISS, false).unwrap();
    assert_eq!(m.userinfo_endpoint, None);
    assert_eq!(m.end_session_endpoint, None);
    assert!(!m.authorization_response_iss_parameter_supported);
    assert!(m.code_challenge_methods_supported.is_empty());
    assert!(m.id_token_signing_alg_values_supported.is_empty());
    assert!(m.token_endpoint_auth_methods_supported.is_empty());
}

#[test]
fn issuer_compared_exactly() {
    for expected in [
        "https://idp.example.com/realms/main/",
        "https://IDP.example.com/realms/main",
        "https://idp.example.com/realms/mai",
        "http://idp.example.com/realms/main",
    ] {
        let err = parse(&bytes(&doc()), expected, false).unwrap_err();
        assert!(
            matches!(err, MetadataError::IssuerMismatch { .. }),
            "{expected}"
        );
    }
}

#[test]
fn malformed() {
    for input in [
        &b""[..],
        b"null",
        b"[]",
        b"{\"issuer\": 5}",
        b"not json",
        b"{\"issuer\":\"https://idp.example.com/realms/main\"}",
    ] {
        let err = parse(input, ISS, false).unwrap_err();
        assert!(
            matches!(err, MetadataError::Malformed(_)),
            "{input:?}: {err}"
        );
    }
    let err = parse(
        &with("code_challenge_methods_supported", json!("S256")),
        ISS,
        false,
    );
    assert!(matches!(err, Err(MetadataError::Malformed(_))));
    let err = parse(&with("authorization_endpoint", json!(42)), ISS, false);
    assert!(matches!(err, Err(MetadataError::Malformed(_))));
}

#[test]
fn too_large() {
    let mut d = doc();
    d["padding"] = json!("x".repeat(MAX_METADATA_LEN));
    assert_eq!(parse(&bytes(&d), ISS, false), Err(MetadataError::TooLarge));
}

#[test]
fn bad_urls() {
    for (field, value, insecure) in [
        ("authorization_endpoint", "http://idp.example.com/a", false),
        ("token_endpoint", "https://idp.example.com/t#x", false),
        ("jwks_uri", "https://u:p@idp.example.com/k", false),
        ("userinfo_endpoint", "/userinfo", false),
        ("end_session_endpoint", "javascript:alert(1)", true),
        ("token_endpoint", "", true),
    ] {
        match parse(&with(field, json!(value)), ISS, insecure) {
            Err(MetadataError::InvalidUrl { field: f, .. }) => assert_eq!(f, field),
            other => panic!("{field}={value}: {other:?}"),
        }
    }
}

#[test]
fn issuer_url_rules() {
    for iss in [
        "https://idp.example.com/?tenant=a",
        "http://idp.example.com",
    ] {
        let mut d = doc();
        d["issuer"] = json!(iss);
        match parse(&bytes(&d), iss, false) {
            Err(MetadataError::InvalidUrl { field, .. }) => assert_eq!(field, "issuer"),
            other => panic!("{iss}: {other:?}"),
        }
    }
}

#[test]
fn insecure_http_allowed_when_asked_or_loopback() {
    let iss = "http://idp.internal:5556/dex";
    let d = json!({
        "issuer": iss,
        "authorization_endpoint": "http://idp.internal:5556/dex/auth",
        "token_endpoint": "http://idp.internal:5556/dex/token",
        "jwks_uri": "http://idp.internal:5556/dex/keys",
    });
    assert!(parse(&bytes(&d), iss, false).is_err());
    assert!(parse(&bytes(&d), iss, true).is_ok());
    let local = serde_json::to_string(&d)
        .unwrap()
        .replace("idp.internal", "127.0.0.1");
    assert!(parse(local.as_bytes(), "http://127.0.0.1:5556/dex", false).is_ok());
}

#[test]
fn error_text_is_bounded() {
    let long = format!("https://evil.example/{}", "a".repeat(10_000));
    let mut d = doc();
    d["issuer"] = json!(long);
    let err = parse(&bytes(&d), ISS, false).unwrap_err().to_string();
    assert!(err.len() < 600, "{}", err.len());
}
