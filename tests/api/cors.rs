//! CORS (issue 12, finding 5): a client's registered origins on the token, revocation
//! and userinfo endpoints; the configured list elsewhere; never credentials with a
//! wildcard; the pages and the first-party API only for origins named in configuration.

use crate::helpers::{Backend, TestApp};
use crate::tokens_support::{basic, client_credentials, create_client, full_client};
use crate::{app_or_skip, on_both_backends};
use reqwest::Method;
use serde_json::json;

on_both_backends!(a_clients_own_origins_may_read_its_token_revocation_and_userinfo_answers,);

const SPA: &str = "https://spa.example";
const EVIL: &str = "https://evil.example";

/// (Access-Control-Allow-Origin, Access-Control-Allow-Credentials) of an answer.
fn cors(r: &reqwest::Response) -> (Option<String>, Option<String>) {
    let h = |n: &str| r.headers().get(n).map(|v| v.to_str().unwrap().to_string());
    (
        h("access-control-allow-origin"),
        h("access-control-allow-credentials"),
    )
}

fn allowed(origin: &str) -> (Option<String>, Option<String>) {
    (Some(origin.to_string()), None)
}

const NONE: (Option<String>, Option<String>) = (None, None);

async fn get(app: &TestApp, url: String, origin: &str) -> reqwest::Response {
    app.http
        .get(url)
        .header("Origin", origin)
        .send()
        .await
        .unwrap()
}

async fn a_clients_own_origins_may_read_its_token_revocation_and_userinfo_answers(
    backend: Backend,
) {
    // Default settings: `serve.public.cors` is off.
    let app = app_or_skip!(backend);
    create_client(
        &app,
        json!({
            "client_id": "spa",
            "token_endpoint_auth_method": "none",
            "grant_types": ["authorization_code", "refresh_token"],
            "redirect_uris": ["https://spa.example/cb"],
            "allowed_cors_origins": [SPA],
        }),
    )
    .await;
    let (id, secret) = full_client(&app, "backend", json!({"allowed_cors_origins": [SPA]})).await;

    // A public client, known by its `client_id` form parameter: its origin reads the
    // (error) answer, another origin does not; the answer still is the endpoint's own.
    for (origin, expected) in [(SPA, allowed(SPA)), (EVIL, NONE)] {
        let r = app
            .http
            .post(app.public_url("/oauth2/token"))
            .header("Origin", origin)
            .form(&[
                ("grant_type", "authorization_code"),
                ("client_id", "spa"),
                ("code", "not-a-code"),
                ("redirect_uri", "https://spa.example/cb"),
                ("code_verifier", &"v".repeat(43)),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(cors(&r), expected, "token endpoint from {origin}");
        assert!(r.headers()["vary"].to_str().unwrap().contains("Origin"));
        let body: serde_json::Value = r.json().await.unwrap();
        assert_eq!(
            body["error"], "invalid_grant",
            "the body was passed on intact"
        );
    }

    // A preflight carries no credentials: any origin gets one, without credentials.
    let r = app
        .http
        .request(Method::OPTIONS, app.public_url("/oauth2/token"))
        .header("Origin", EVIL)
        .header("Access-Control-Request-Method", "POST")
        .header("Access-Control-Request-Headers", "authorization")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
    assert_eq!(cors(&r), allowed(EVIL));
    assert!(r.headers().contains_key("access-control-allow-methods"));

    // A confidential client, known by HTTP Basic, at the revocation endpoint.
    let r = app
        .http
        .post(app.public_url("/oauth2/revoke"))
        .header("Origin", SPA)
        .header("Authorization", basic(&id, &secret))
        .form(&[("token", "ptc_at_unknown")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(cors(&r), allowed(SPA));

    // The client an access token was issued to, at userinfo.
    let at = client_credentials(&app, &id, &secret, "openid").await;
    let at = at.body["access_token"].as_str().unwrap().to_string();
    for (origin, expected) in [(SPA, allowed(SPA)), (EVIL, NONE)] {
        let r = app
            .http
            .get(app.public_url("/userinfo"))
            .header("Origin", origin)
            .bearer_auth(&at)
            .send()
            .await
            .unwrap();
        assert_eq!(cors(&r), expected, "userinfo from {origin}");
    }

    // Nothing else answers cross-origin reads while `serve.public.cors` is off.
    let r = get(
        &app,
        app.public_url("/.well-known/openid-configuration"),
        SPA,
    )
    .await;
    assert_eq!(cors(&r), NONE);
}

#[tokio::test]
async fn a_wildcard_never_carries_credentials_and_never_reaches_the_pages() {
    // Hydra's defaults once CORS is on: any origin, with credentials.
    let app = app_or_skip!(Backend::Sqlite, |s| {
        s.serve.public.cors.enabled = true;
        s.serve.admin.cors.enabled = true;
    });
    let r = get(
        &app,
        app.public_url("/.well-known/openid-configuration"),
        EVIL,
    )
    .await;
    assert_eq!(
        cors(&r),
        allowed(EVIL),
        "public documents are readable, without cookies"
    );
    let r = app
        .http
        .post(app.public_url("/oauth2/token"))
        .header("Origin", EVIL)
        .form(&[("grant_type", "client_credentials")])
        .send()
        .await
        .unwrap();
    assert_eq!(cors(&r), allowed(EVIL));

    // The login page and the first-party API: not for a wildcard.
    for path in ["/ui/login", "/api/v1/client-config", "/oauth2/auth"] {
        let r = get(&app, app.public_url(path), EVIL).await;
        assert_eq!(cors(&r), NONE, "{path}");
        let r = app
            .http
            .request(Method::OPTIONS, app.public_url(path))
            .header("Origin", EVIL)
            .header("Access-Control-Request-Method", "POST")
            .send()
            .await
            .unwrap();
        assert_eq!(cors(&r), NONE, "preflight of {path}");
    }

    let r = get(&app, app.admin_url("/clients"), EVIL).await;
    assert_eq!(cors(&r), allowed(EVIL), "admin wildcard, no credentials");
}

#[tokio::test]
async fn an_origin_named_in_configuration_reads_the_pages_with_credentials() {
    const APP: &str = "https://app.example.com";
    let app = app_or_skip!(Backend::Sqlite, |s| {
        s.serve.public.cors.enabled = true;
        s.serve.public.cors.allowed_origins = vec![APP.into(), "https://*.example.net".into()];
    });
    let with_credentials = (Some(APP.to_string()), Some("true".to_string()));
    for path in [
        "/ui/login",
        "/api/v1/client-config",
        "/.well-known/jwks.json",
    ] {
        let r = get(&app, app.public_url(path), APP).await;
        assert_eq!(cors(&r), with_credentials, "{path}");
    }
    // A glob matches like a wildcard: public documents, no credentials, no pages.
    let r = get(
        &app,
        app.public_url("/.well-known/jwks.json"),
        "https://a.example.net",
    )
    .await;
    assert_eq!(cors(&r), allowed("https://a.example.net"));
    let r = get(&app, app.public_url("/ui/login"), "https://a.example.net").await;
    assert_eq!(cors(&r), NONE);
}
