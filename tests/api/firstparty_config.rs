//! The public client configuration and `GetOIDCInfo`, and how the API answers when it
//! is not configured, misconfigured or turned off.

use crate::firstparty_support::*;
use crate::helpers::Backend;
use crate::ui_support::{create_user, PASSWORD};
use crate::{app_or_skip, on_both_backends};
use serde_json::json;

on_both_backends!(
    the_public_client_config_describes_the_first_party_client_under_both_paths,
    oidc_info_gives_what_a_tool_needs_for_the_code_flow,
    configured_redirect_uri_and_scopes_replace_the_clients_own,
    without_a_configured_client_the_api_says_which_key_to_set,
    a_misconfigured_client_is_a_500_and_never_issues_tokens,
    unregistered_redirect_uris_and_disallowed_or_non_openid_scopes_are_misconfigurations,
    turned_off_the_api_is_gone,
);

async fn the_public_client_config_describes_the_first_party_client_under_both_paths(
    backend: Backend,
) {
    let app = app_or_skip!(backend, first_party);
    register_cli(&app).await;
    let expected = json!({
        "client_id": CLI,
        "redirect_uri": CLI_REDIRECT,
        "scopes": ["openid", "offline_access", "profile", "email", "roles", "groups"],
        "authorization_metadata_key": "authorization",
    });
    for path in ["/api/v1/client-config", "/config/v1/flyte_client"] {
        let r = api_get(&app, path).await;
        assert_eq!(r.status, 200, "{path}: {}", r.text);
        assert_eq!(r.body, expected, "{path}");
    }
    // With the RFC 8414 metadata, the server URL is all a tool needs.
    let meta = api_get(&app, "/.well-known/oauth-authorization-server").await;
    assert_eq!(meta.status, 200);
    assert_eq!(
        meta.body["authorization_endpoint"],
        app.public_url("/oauth2/auth").as_str()
    );
}

async fn oidc_info_gives_what_a_tool_needs_for_the_code_flow(backend: Backend) {
    let app = app_or_skip!(backend, first_party);
    register_cli(&app).await;
    let r = api_get(&app, "/api/v1/oidc-info").await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(
        r.body,
        json!({
            "issuer": app.public_url("/"),
            "auth_url": app.public_url("/oauth2/auth"),
            "client_id": CLI,
            "redirect_url": CLI_REDIRECT,
        })
    );
}

async fn configured_redirect_uri_and_scopes_replace_the_clients_own(backend: Backend) {
    let app = app_or_skip!(backend, |s| {
        first_party(s);
        s.identity.first_party.redirect_uri = Some("http://127.0.0.1:53593/other".into());
        s.identity.first_party.scopes = vec!["openid".into(), "roles".into()];
        s.identity.first_party.authorization_metadata_key = "flyte-authorization".into();
    });
    register_cli(&app).await;
    let r = api_get(&app, "/config/v1/flyte_client").await;
    assert_eq!(r.body["redirect_uri"], "http://127.0.0.1:53593/other");
    assert_eq!(r.body["scopes"], json!(["openid", "roles"]));
    assert_eq!(r.body["authorization_metadata_key"], "flyte-authorization");

    // The login API grants exactly those scopes: roles but no refresh token.
    create_user(&app, "alice@example.com", json!({})).await;
    let t = api_login(&app, "alice@example.com", PASSWORD).await;
    assert_eq!(t.status, 200, "{}", t.text);
    assert_eq!(t.body["refresh_token"], "");
    assert_eq!(t.body["claims"]["roles"], json!(["admin", "ops"]));
    assert!(t.body["claims"].get("email").is_none());
}

async fn without_a_configured_client_the_api_says_which_key_to_set(backend: Backend) {
    let app = app_or_skip!(backend);
    for path in [
        "/api/v1/client-config",
        "/config/v1/flyte_client",
        "/api/v1/oidc-info",
    ] {
        let r = api_get(&app, path).await;
        assert_eq!(r.status, 404, "{path}");
        assert!(r.text.contains("identity.first_party.client_id"), "{path}");
    }
    let r = api_login(&app, "a@example.com", "x").await;
    assert_eq!(r.status, 404);
}

async fn a_misconfigured_client_is_a_500_and_never_issues_tokens(backend: Backend) {
    // A client that does not exist.
    let app = app_or_skip!(backend, first_party);
    create_user(&app, "alice@example.com", json!({})).await;
    assert_eq!(api_get(&app, "/api/v1/client-config").await.status, 500);
    assert_eq!(
        api_login(&app, "alice@example.com", PASSWORD).await.status,
        500
    );

    // A confidential client: its configuration can be published, but the login API
    // (whose refresh tokens are redeemed without a secret) refuses to run.
    register(
        &app,
        json!({
            "client_id": CLI,
            "client_secret": "a-client-secret-for-tests",
            "redirect_uris": [CLI_REDIRECT],
            "grant_types": ["authorization_code", "refresh_token"],
            "scope": "openid offline_access",
        }),
    )
    .await;
    assert_eq!(api_get(&app, "/api/v1/client-config").await.status, 200);
    let r = api_login(&app, "alice@example.com", PASSWORD).await;
    assert_eq!(r.status, 500);
    assert!(
        !r.text.contains("public"),
        "the cause stays in the log: {}",
        r.text
    );
}

async fn turned_off_the_api_is_gone(backend: Backend) {
    let app = app_or_skip!(backend, |s| {
        first_party(s);
        s.identity.first_party.enabled = false;
    });
    register_cli(&app).await;
    for path in [
        "/api/v1/client-config",
        "/config/v1/flyte_client",
        "/api/v1/oidc-info",
    ] {
        let r = api_get(&app, path).await;
        assert_eq!(r.status, 404, "{path}");
        assert!(!r.text.contains(CLI), "{path}");
    }
    assert_eq!(api_login(&app, "a@example.com", "x").await.status, 404);
}

async fn unregistered_redirect_uris_and_disallowed_or_non_openid_scopes_are_misconfigurations(
    backend: Backend,
) {
    let with = |redirect: Option<&str>, scopes: &[&str]| {
        let redirect = redirect.map(str::to_string);
        let scopes: Vec<String> = scopes.iter().map(|s| s.to_string()).collect();
        move |s: &mut portcullis::config::Settings| {
            first_party(s);
            s.identity.first_party.redirect_uri = redirect;
            s.identity.first_party.scopes = scopes;
        }
    };
    let app = app_or_skip!(
        backend,
        with(Some("http://127.0.0.1:1/not-registered"), &[])
    );
    register_cli(&app).await;
    assert_eq!(api_get(&app, "/api/v1/client-config").await.status, 500);

    let app = app_or_skip!(backend, with(None, &["openid", "admin:everything"]));
    register_cli(&app).await;
    assert_eq!(api_get(&app, "/api/v1/oidc-info").await.status, 500);

    // Without openid the configuration can be published, but no login API runs.
    let app = app_or_skip!(backend, with(None, &["profile"]));
    register_cli(&app).await;
    create_user(&app, "alice@example.com", json!({})).await;
    assert_eq!(api_get(&app, "/api/v1/client-config").await.status, 200);
    assert_eq!(
        api_login(&app, "alice@example.com", PASSWORD).await.status,
        500
    );
}
