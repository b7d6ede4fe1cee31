use super::*;
use std::collections::HashMap;

fn env(pairs: &[(&str, &str)]) -> HashMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

#[test]
fn defaults_match_hydra() {
    let s = load_from(None, &HashMap::new()).unwrap().settings;
    assert_eq!(s.serve.public.port, 4444);
    assert_eq!(s.serve.admin.port, 4445);
    assert_eq!(s.ttl.access_token.as_secs(), 3600);
    assert_eq!(s.ttl.refresh_token.as_secs(), 720 * 3600);
    assert_eq!(s.ttl.auth_code.as_secs(), 600);
    assert_eq!(s.strategies.access_token, "opaque");
    assert!(s.dsn.is_none());
}

#[test]
fn file_overrides_defaults_and_environment_overrides_file() {
    let yaml = "serve:\n  public:\n    port: 5000\n  admin:\n    port: 5001\nttl:\n  access_token: 30m\nlog:\n  level: debug\n";
    let s = load_from(
        Some(("test.yaml", yaml)),
        &env(&[("SERVE_PUBLIC_PORT", "6000")]),
    )
    .unwrap()
    .settings;
    assert_eq!(s.serve.public.port, 6000, "environment beats file");
    assert_eq!(s.serve.admin.port, 5001, "file beats default");
    assert_eq!(s.ttl.access_token.as_secs(), 1800);
    assert_eq!(s.log.level, "debug");
}

#[test]
fn hydra_environment_names_are_read() {
    let s = load_from(
        None,
        &env(&[
            ("DSN", "memory"),
            (
                "SECRETS_SYSTEM",
                "0123456789abcdef0123,fedcba9876543210fedc",
            ),
            ("URLS_SELF_ISSUER", "https://auth.example.com/"),
            ("URLS_LOGIN", "https://login.example.com/login"),
            ("TTL_AUTH_CODE", "5m"),
            ("OAUTH2_PKCE_ENFORCED_FOR_PUBLIC_CLIENTS", "true"),
            ("SERVE_PUBLIC_CORS_ENABLED", "true"),
            (
                "SERVE_PUBLIC_CORS_ALLOWED_ORIGINS",
                "https://a.example,https://b.example",
            ),
            ("STRATEGIES_ACCESS_TOKEN", "jwt"),
            ("LOG_LEAK_SENSITIVE_VALUES", "false"),
        ]),
    )
    .unwrap()
    .settings;
    assert_eq!(s.dsn.as_deref(), Some("memory"));
    assert_eq!(s.secrets.system.len(), 2);
    assert_eq!(s.secrets.system[1].expose(), "fedcba9876543210fedc");
    assert_eq!(
        s.urls.self_.issuer.as_deref(),
        Some("https://auth.example.com/")
    );
    assert_eq!(
        s.urls.login.as_deref(),
        Some("https://login.example.com/login")
    );
    assert_eq!(s.ttl.auth_code.as_secs(), 300);
    assert_eq!(s.oauth2.pkce.enforced_for_public_clients, Some(true));
    assert!(s.serve.public.cors.enabled);
    assert_eq!(
        s.serve.public.cors.allowed_origins,
        vec!["https://a.example", "https://b.example"]
    );
    assert_eq!(s.strategies.access_token, "jwt");
}

fn error_of(yaml: Option<&str>, pairs: &[(&str, &str)]) -> String {
    load_from(yaml.map(|y| ("test.yaml", y)), &env(pairs))
        .unwrap_err()
        .to_string()
}

#[test]
fn bad_values_name_the_key() {
    let e = error_of(None, &[("SERVE_PUBLIC_PORT", "lots")]);
    assert!(
        e.contains("serve.public.port") && e.contains("whole number"),
        "{e}"
    );
    let e = error_of(None, &[("SERVE_ADMIN_PORT", "70000")]);
    assert!(
        e.contains("serve.admin.port") && e.contains("out of range"),
        "{e}"
    );
    let e = error_of(None, &[("TTL_ACCESS_TOKEN", "forever")]);
    assert!(e.contains("ttl.access_token"), "{e}");
    let e = error_of(None, &[("SECRETS_SYSTEM", "short")]);
    assert!(e.contains("secrets.system[0]") && e.contains("16"), "{e}");
    let e = error_of(None, &[("LOG_LEVEL", "loud")]);
    assert!(e.contains("log.level"), "{e}");
    let e = error_of(None, &[("STRATEGIES_ACCESS_TOKEN", "magic")]);
    assert!(e.contains("strategies.access_token"), "{e}");
    let e = error_of(None, &[("URLS_SELF_ISSUER", "not a url")]);
    assert!(e.contains("urls.self.issuer"), "{e}");
    let e = error_of(None, &[("URLS_SELF_ISSUER", "https://a.example/?x=1")]);
    assert!(e.contains("urls.self.issuer") && e.contains("query"), "{e}");
    let e = error_of(None, &[("OAUTH2_PKCE_ENFORCED", "maybe")]);
    assert!(e.contains("oauth2.pkce.enforced"), "{e}");
    let e = error_of(None, &[("TTL_AUTH_CODE", "0s")]);
    assert!(e.contains("ttl.auth_code"), "{e}");
}

#[test]
fn the_admin_url_is_optional_and_must_be_absolute_http() {
    let s = load_from(None, &HashMap::new()).unwrap().settings;
    assert!(s.urls.self_.admin.is_none());
    let s = load_from(
        None,
        &env(&[("URLS_SELF_ADMIN", "https://admin.example:4445/")]),
    )
    .unwrap()
    .settings;
    assert_eq!(
        s.urls.self_.admin.as_deref(),
        Some("https://admin.example:4445/")
    );
    for bad in ["/relative/path", "not a url", "ftp://admin.example/"] {
        let e = error_of(None, &[("URLS_SELF_ADMIN", bad)]);
        assert!(e.contains("urls.self.admin"), "{bad}: {e}");
    }
}

#[test]
fn bad_files_are_reported() {
    let e = error_of(Some("serve: [unclosed"), &[]);
    assert!(e.contains("test.yaml") && e.contains("YAML"), "{e}");
    let e = error_of(Some("- a list\n- at the top"), &[]);
    assert!(e.contains("mapping"), "{e}");
    let e = error_of(Some("serve:\n  public:\n    port: \"x\"\n"), &[]);
    assert!(e.contains("serve.public.port"), "{e}");
}

#[test]
fn unknown_file_keys_are_warned_about_not_fatal() {
    let loaded = load_from(
        Some((
            "hydra.yaml",
            "profiling: cpu\nserve:\n  public:\n    port: 4444\n",
        )),
        &HashMap::new(),
    )
    .unwrap();
    assert_eq!(loaded.warnings.len(), 1);
    assert!(loaded.warnings[0].contains("`profiling`"));
}

#[test]
fn the_example_configuration_files_load() {
    for (name, text) in [
        (
            "portcullis.yaml",
            include_str!("../../../config/portcullis.yaml"),
        ),
        (
            "postgres.yaml",
            include_str!("../../../config/postgres.yaml"),
        ),
    ] {
        let loaded = load_from(Some((name, text)), &HashMap::new())
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(loaded.warnings.is_empty(), "{name}: {:?}", loaded.warnings);
    }
}

#[test]
fn identity_settings_come_from_the_environment_under_their_documented_names() {
    let env: std::collections::HashMap<String, String> = [
        ("IDENTITY_UI_ENABLED", "false"),
        ("IDENTITY_UI_REMEMBER_FOR", "2h"),
        ("IDENTITY_FIRST_PARTY_ENABLED", "false"),
        ("IDENTITY_FIRST_PARTY_CLIENT_ID", "cli"),
        (
            "IDENTITY_FIRST_PARTY_REDIRECT_URI",
            "http://127.0.0.1:53593/callback",
        ),
        ("IDENTITY_FIRST_PARTY_SCOPES", "openid,roles"),
        (
            "IDENTITY_FIRST_PARTY_AUTHORIZATION_METADATA_KEY",
            "flyte-authorization",
        ),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    let s = load_from(None, &env).unwrap().settings;
    assert!(!s.identity.ui.enabled);
    assert_eq!(s.identity.ui.remember_for.as_secs(), 7200);
    let fp = &s.identity.first_party;
    assert!(!fp.enabled);
    assert_eq!(fp.client_id.as_deref(), Some("cli"));
    assert_eq!(
        fp.redirect_uri.as_deref(),
        Some("http://127.0.0.1:53593/callback")
    );
    assert_eq!(fp.scopes, ["openid", "roles"]);
    assert_eq!(fp.authorization_metadata_key, "flyte-authorization");

    let defaults = Settings::default();
    assert!(defaults.identity.ui.enabled && defaults.identity.first_party.enabled);
    assert_eq!(defaults.identity.ui.remember_for.as_secs(), 720 * 3600);
}

#[test]
fn login_throttle_limits_are_configurable_and_must_allow_one_attempt() {
    let s = load_from(
        None,
        &env(&[
            ("IDENTITY_THROTTLE_ACCOUNT_MAX_FAILURES", "3"),
            ("IDENTITY_THROTTLE_ACCOUNT_LOCKOUT", "1h"),
            ("IDENTITY_THROTTLE_ADDRESS_WINDOW", "30m"),
            ("IDENTITY_THROTTLE_MAX_CONCURRENT", "4"),
        ]),
    )
    .unwrap()
    .settings;
    let t = &s.identity.throttle;
    assert_eq!(t.account.max_failures, 3);
    assert_eq!(t.account.lockout.as_secs(), 3600);
    assert_eq!(t.account.window.as_secs(), 15 * 60);
    assert_eq!(t.address.window.as_secs(), 30 * 60);
    assert_eq!(t.address.max_failures, 20);
    assert_eq!(t.max_concurrent, 4);
    let e = error_of(None, &[("IDENTITY_THROTTLE_ADDRESS_MAX_FAILURES", "0")]);
    assert!(e.contains("identity.throttle.address.max_failures"), "{e}");
}

#[test]
fn the_device_jwt_grant_and_registration_keys_are_read_from_the_environment() {
    let s = load_from(
        None,
        &env(&[
            ("TTL_DEVICE_USER_CODE", "5m"),
            ("OAUTH2_DEVICE_AUTHORIZATION_TOKEN_POLLING_INTERVAL", "2s"),
            ("URLS_DEVICE_VERIFICATION", "https://login.example/device"),
            ("URLS_DEVICE_SUCCESS", "https://login.example/device/done"),
            ("OAUTH2_GRANT_JWT_MAX_TTL", "1h"),
            ("OAUTH2_GRANT_JWT_JTI_OPTIONAL", "true"),
            ("OIDC_DYNAMIC_CLIENT_REGISTRATION_ENABLED", "true"),
            (
                "OIDC_DYNAMIC_CLIENT_REGISTRATION_DEFAULT_SCOPE",
                "openid,email",
            ),
        ]),
    )
    .unwrap()
    .settings;
    assert_eq!(s.ttl.device_user_code.as_secs(), 300);
    assert_eq!(
        s.oauth2
            .device_authorization
            .token_polling_interval
            .as_secs(),
        2
    );
    assert_eq!(
        s.urls.device.verification.as_deref(),
        Some("https://login.example/device")
    );
    assert_eq!(
        s.urls.device.success.as_deref(),
        Some("https://login.example/device/done")
    );
    assert_eq!(s.oauth2.grant.jwt.max_ttl.as_secs(), 3600);
    assert!(s.oauth2.grant.jwt.jti_optional && !s.oauth2.grant.jwt.iat_optional);
    assert!(s.oidc.dynamic_client_registration.enabled);
    assert_eq!(
        s.oidc.dynamic_client_registration.default_scope,
        ["openid", "email"]
    );
}
