use super::*;
use serde_json::json;

fn client(v: serde_json::Value) -> Client {
    serde_json::from_value(v).unwrap()
}

fn check(v: serde_json::Value) -> Result<Client, InvalidMetadata> {
    let mut c = client(v);
    validate(&mut c, &Policy::default()).map(|()| c)
}

fn refused(v: serde_json::Value, field: &str) {
    let e = check(v.clone()).expect_err(&format!("{v} must be refused"));
    assert_eq!(e.field, field, "{v}: {e}");
    assert!(e.message.contains(field), "{e}");
}

#[test]
fn an_empty_client_gets_hydras_defaults() {
    let c = check(json!({})).unwrap();
    assert_eq!(c.grant_types, ["authorization_code"]);
    assert_eq!(c.response_types, ["code"]);
    assert_eq!(c.token_endpoint_auth_method, "client_secret_basic");
    assert_eq!(c.subject_type, "public");
    assert_eq!(c.userinfo_signed_response_alg, "none");
    assert_eq!(c.scope, DEFAULT_SCOPE);
}

#[test]
fn given_values_are_kept() {
    let c = check(json!({
        "grant_types": ["client_credentials", "refresh_token"],
        "response_types": ["code id_token", "token"],
        "scope": "read write",
        "subject_type": "pairwise",
        "token_endpoint_auth_method": "client_secret_post",
        "userinfo_signed_response_alg": "RS256",
        "client_secret_expires_at": 99,
    }))
    .unwrap();
    assert_eq!(c.grant_types, ["client_credentials", "refresh_token"]);
    assert_eq!(c.response_types, ["code id_token", "token"]);
    assert_eq!(c.scope, "read write");
    assert_eq!(c.subject_type, "pairwise");
    assert_eq!(
        c.client_secret_expires_at, 0,
        "secret expiry is not supported"
    );
}

#[test]
fn redirect_uris_must_be_absolute_without_fragment() {
    assert!(
        check(json!({"redirect_uris": ["https://a.example/cb?x=1", "com.example.app:/cb"]}))
            .is_ok()
    );
    refused(json!({"redirect_uris": ["/relative/cb"]}), "redirect_uris");
    refused(json!({"redirect_uris": ["not a url"]}), "redirect_uris");
    refused(
        json!({"redirect_uris": ["https://a.example/cb#frag"]}),
        "redirect_uris",
    );
}

#[test]
fn auth_method_must_be_known() {
    for m in ["client_secret_basic", "client_secret_post", "none"] {
        assert!(
            check(json!({"token_endpoint_auth_method": m})).is_ok(),
            "{m}"
        );
    }
    refused(
        json!({"token_endpoint_auth_method": "client_secret_jwt"}),
        "token_endpoint_auth_method",
    );
}

#[test]
fn private_key_jwt_needs_keys() {
    refused(
        json!({"token_endpoint_auth_method": "private_key_jwt"}),
        "token_endpoint_auth_method",
    );
    assert!(check(json!({"token_endpoint_auth_method": "private_key_jwt", "jwks_uri": "https://a.example/jwks"})).is_ok());
    assert!(
        check(json!({"token_endpoint_auth_method": "private_key_jwt", "jwks": {"keys": []}}))
            .is_ok()
    );
    refused(
        json!({"token_endpoint_auth_method": "private_key_jwt", "jwks": {"keys": []}, "token_endpoint_auth_signing_alg": "HS256"}),
        "token_endpoint_auth_signing_alg",
    );
}

#[test]
fn jwks_and_jwks_uri_are_exclusive_and_jwks_has_a_keys_array() {
    refused(
        json!({"jwks": {"keys": []}, "jwks_uri": "https://a.example/jwks"}),
        "jwks",
    );
    refused(json!({"jwks": {"nokeys": []}}), "jwks");
    refused(json!({"jwks": {"keys": "x"}}), "jwks");
    refused(json!({"jwks": {"keys": [1]}}), "jwks");
    refused(json!({"jwks": [1, 2]}), "jwks");
}

#[test]
fn subject_type_is_public_or_pairwise_and_respects_the_configured_list() {
    refused(json!({"subject_type": "private"}), "subject_type");
    let only_public = Policy {
        subject_types: vec!["public".into()],
        ..Policy::default()
    };
    let mut c = client(json!({"subject_type": "pairwise"}));
    assert_eq!(
        validate(&mut c, &only_public).unwrap_err().field,
        "subject_type"
    );
    let only_pairwise = Policy {
        subject_types: vec!["pairwise".into()],
        ..Policy::default()
    };
    let mut c = client(json!({}));
    validate(&mut c, &only_pairwise).unwrap();
    assert_eq!(c.subject_type, "pairwise");
}

#[test]
fn short_secrets_are_refused() {
    refused(json!({"client_secret": "12345"}), "client_secret");
    assert!(check(json!({"client_secret": "123456"})).is_ok());
    assert!(
        check(json!({"client_secret": ""})).is_ok(),
        "empty means generate one"
    );
}

#[test]
fn unknown_grant_and_response_types_are_refused() {
    refused(json!({"grant_types": ["password"]}), "grant_types");
    for rt in ["code token id_token", "id_token token", "id_token"] {
        assert!(check(json!({"response_types": [rt]})).is_ok(), "{rt}");
    }
    for rt in ["device_code", "code code", "", "code  token", "none"] {
        refused(json!({"response_types": [rt]}), "response_types");
    }
}

#[test]
fn metadata_must_be_an_object() {
    assert!(check(json!({"metadata": {"a": 1}})).is_ok());
    refused(json!({"metadata": [1]}), "metadata");
    refused(json!({"metadata": "x"}), "metadata");
}

#[test]
fn uri_fields_must_be_absolute() {
    for f in [
        "policy_uri",
        "tos_uri",
        "client_uri",
        "logo_uri",
        "jwks_uri",
        "frontchannel_logout_uri",
        "backchannel_logout_uri",
        "sector_identifier_uri",
    ] {
        refused(json!({ f: "relative/path" }), f);
        assert!(check(json!({ f: "https://a.example/x" })).is_ok(), "{f}");
    }
    refused(json!({"jwks_uri": "file:///etc/passwd"}), "jwks_uri");
    refused(
        json!({"sector_identifier_uri": "http://a.example/s.json"}),
        "sector_identifier_uri",
    );
}

#[test]
fn post_logout_redirect_uris_must_be_absolute_and_match_a_redirect_uri_origin() {
    assert!(check(json!({
        "redirect_uris": ["https://a.example/cb"],
        "post_logout_redirect_uris": ["https://a.example/bye"]
    }))
    .is_ok());
    refused(
        json!({"redirect_uris": ["https://a.example/cb"], "post_logout_redirect_uris": ["/bye"]}),
        "post_logout_redirect_uris",
    );
    refused(
        json!({"redirect_uris": ["https://a.example/cb"], "post_logout_redirect_uris": ["https://b.example/bye"]}),
        "post_logout_redirect_uris",
    );
}

#[test]
fn userinfo_alg_is_none_or_rs256() {
    assert!(check(json!({"userinfo_signed_response_alg": "none"})).is_ok());
    refused(
        json!({"userinfo_signed_response_alg": "HS256"}),
        "userinfo_signed_response_alg",
    );
}

#[test]
fn cors_origins_are_plain_origins_and_normalised() {
    let c = check(json!({"allowed_cors_origins": ["https://A.example/", "http://b.example:8080"]}))
        .unwrap();
    assert_eq!(
        c.allowed_cors_origins,
        ["https://a.example", "http://b.example:8080"]
    );
    refused(
        json!({"allowed_cors_origins": ["https://a.example/path"]}),
        "allowed_cors_origins",
    );
    refused(
        json!({"allowed_cors_origins": ["https://u:p@a.example"]}),
        "allowed_cors_origins",
    );
    refused(
        json!({"allowed_cors_origins": ["ftp://a.example"]}),
        "allowed_cors_origins",
    );
}
