use super::*;

fn base() -> UpstreamProvider {
    UpstreamProvider {
        id: "corp".into(),
        display_name: "Corp".into(),
        issuer: "https://idp.example".into(),
        client_id: "portcullis".into(),
        client_secret: Some(Secret::new("s3cret:with+chars")),
        ..UpstreamProvider::default()
    }
}

fn secret(p: &UpstreamProvider) -> ResolvedSecret {
    ResolvedSecret(p.client_secret.clone())
}

fn err(p: UpstreamProvider) -> Invalid {
    let s = secret(&p);
    check(&p, s, "identity.upstreams[0]").unwrap_err()
}

#[test]
fn a_minimal_definition_gets_the_defaults() {
    let p = base();
    let d = check(&p, secret(&p), "identity.upstreams[0]").unwrap();
    assert_eq!(
        d.discovery_endpoint,
        "https://idp.example/.well-known/openid-configuration"
    );
    assert_eq!(d.auth_method, AuthMethod::ClientSecretBasic);
    assert!(d.pkce && d.sync_always && d.rp_initiated_logout);
    assert_eq!(d.scopes, ["openid", "email", "profile"]);
    assert!(!d.id_token_algs.contains(&Algorithm::HS256));
}

#[test]
fn each_rule_names_its_key() {
    let cases: Vec<(UpstreamProvider, &str)> = vec![
        (
            UpstreamProvider {
                id: "Corp".into(),
                ..base()
            },
            "id",
        ),
        (
            UpstreamProvider {
                id: "a".repeat(33),
                ..base()
            },
            "id",
        ),
        (
            UpstreamProvider {
                issuer: "http://idp.example".into(),
                ..base()
            },
            "issuer",
        ),
        (
            UpstreamProvider {
                client_id: String::new(),
                ..base()
            },
            "client_id",
        ),
        (
            UpstreamProvider {
                token_endpoint: Some("ftp://x".into()),
                ..base()
            },
            "token_endpoint",
        ),
        (
            UpstreamProvider {
                pkce: "plain".into(),
                ..base()
            },
            "pkce",
        ),
        (
            UpstreamProvider {
                logout: "maybe".into(),
                ..base()
            },
            "logout",
        ),
        (
            UpstreamProvider {
                sync: "sometimes".into(),
                ..base()
            },
            "sync",
        ),
        (
            UpstreamProvider {
                scopes: vec!["email".into()],
                ..base()
            },
            "scopes",
        ),
        (
            UpstreamProvider {
                authentication_method: "private_key_jwt".into(),
                ..base()
            },
            "authentication_method",
        ),
        (
            UpstreamProvider {
                forward_params: vec!["state".into()],
                ..base()
            },
            "forward_params",
        ),
        (
            UpstreamProvider {
                id_token_algs: vec!["none".into()],
                ..base()
            },
            "id_token_algs",
        ),
        (
            UpstreamProvider {
                client_secret_env: Some("X".into()),
                ..base()
            },
            "client_secret",
        ),
        (
            UpstreamProvider {
                client_secret: None,
                ..base()
            },
            "client_secret",
        ),
    ];
    for (p, field) in cases {
        let e = err(p);
        assert_eq!(e.key, format!("identity.upstreams[0].{field}"), "{e}");
    }
    let mut p = base();
    p.auth_query_params
        .insert("redirect_uri".into(), vec!["https://evil".into()]);
    assert_eq!(err(p).key, "identity.upstreams[0].auth_query_params");
}

#[test]
fn loopback_http_is_fine_and_other_http_needs_the_flag() {
    let p = UpstreamProvider {
        issuer: "http://127.0.0.1:8080".into(),
        ..base()
    };
    assert!(check(&p, secret(&p), "").is_ok());
    let p = UpstreamProvider {
        issuer: "http://idp.internal".into(),
        allow_insecure_http: true,
        ..base()
    };
    assert!(check(&p, secret(&p), "").is_ok());
}

#[test]
fn ids_and_issuers_are_unique() {
    let a = base();
    let b = UpstreamProvider {
        issuer: "https://other.example".into(),
        ..base()
    };
    let e = check_all(
        &[(a.clone(), secret(&a)), (b.clone(), secret(&b))],
        "identity.upstreams",
    )
    .unwrap_err();
    assert_eq!(e.key, "identity.upstreams[1].id");
    let c = UpstreamProvider {
        id: "other".into(),
        ..base()
    };
    let e = check_all(
        &[(a.clone(), secret(&a)), (c.clone(), secret(&c))],
        "identity.upstreams",
    )
    .unwrap_err();
    assert_eq!(e.key, "identity.upstreams[1].issuer");
}

#[test]
fn the_summary_redacts_the_header_unless_revealed() {
    let mut p = base();
    p.auth_query_params
        .insert("prompt".into(), vec!["consent".into()]);
    let d = check(&p, secret(&p), "").unwrap();
    let meta = ProviderMetadata {
        issuer: "https://idp.example".into(),
        authorization_endpoint: "https://idp.example/auth".into(),
        token_endpoint: "https://idp.example/token".into(),
        jwks_uri: "https://idp.example/jwks".into(),
        userinfo_endpoint: None,
        end_session_endpoint: Some("https://idp.example/logout".into()),
        authorization_response_iss_parameter_supported: true,
        code_challenge_methods_supported: vec![],
        id_token_signing_alg_values_supported: vec![],
        token_endpoint_auth_methods_supported: vec![],
    };
    let s = d.summary(Some(&meta), false);
    assert_eq!(s.authentication_header, "Basic [redacted]");
    assert_eq!(s.auth_endpoint, "https://idp.example/auth");
    assert_eq!(s.logout_endpoint, "https://idp.example/logout");
    let v = serde_json::to_value(&s).unwrap();
    assert_eq!(
        v["auth_query_params"],
        serde_json::json!({"auth_query_params": {"prompt": ["consent"]}})
    );
    let shown = d.summary(Some(&meta), true).authentication_header;
    // RFC 6749 §2.3.1: each part form-encoded, then base64.
    assert_eq!(
        shown,
        basic_authorization("portcullis", "s3cret:with+chars")
    );
    assert!(shown.starts_with("Basic ") && shown.len() > 20);
    // Without discovery the endpoints are empty (or the overrides).
    let s = d.summary(None, false);
    assert_eq!(s.auth_endpoint, "");
}
