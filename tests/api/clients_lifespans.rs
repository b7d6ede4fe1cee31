//! Hydra v2's per-client token settings: the `*_lifespan` fields (Go durations, `null`
//! for the server's TTL) and `access_token_strategy`, stored, shown on `/admin/clients`
//! only, kept by a 1.9.2 update, set alone by `PUT /admin/clients/{id}/lifespans`, and
//! honoured when tokens are minted.

use crate::helpers::{Backend, TestApp};
use crate::tokens_support::*;
use crate::{app_or_skip, on_both_backends};
use reqwest::Method;
use serde_json::{json, Value};

on_both_backends!(
    lifespans_are_validated_stored_and_shown_on_v2_paths_only,
    put_lifespans_replaces_the_lifespans_and_nothing_else,
    a_client_credentials_lifespan_sets_expires_in_and_exp,
    authorization_code_and_refresh_lifespans_are_honoured,
    the_client_access_token_strategy_overrides_the_server_one,
);

async fn call(app: &TestApp, method: Method, path: &str, body: Option<Value>) -> Answer {
    let mut rb = app.http.request(method, app.admin_url(path));
    if let Some(b) = body {
        rb = rb.json(&b);
    }
    answer(rb.send().await.unwrap()).await
}

fn cc_client(id: &str, extra: Value) -> Value {
    let mut body = json!({
        "client_id": id,
        "client_secret": "a-client-secret-for-tests",
        "grant_types": ["client_credentials"],
        "response_types": ["token"],
        "scope": "profile",
        "audience": ["https://api.example.com"],
    });
    if let (Some(b), Some(e)) = (body.as_object_mut(), extra.as_object()) {
        b.extend(e.clone());
    }
    body
}

const SECRET: &str = "a-client-secret-for-tests";

async fn lifespans_are_validated_stored_and_shown_on_v2_paths_only(backend: Backend) {
    let app = app_or_skip!(backend);
    let body = cc_client(
        "svc",
        json!({
            "client_credentials_grant_access_token_lifespan": "1m",
            "authorization_code_grant_refresh_token_lifespan": "1.5h",
            "access_token_strategy": "jwt",
        }),
    );
    let a = call(&app, Method::POST, "/admin/clients", Some(body.clone())).await;
    assert_eq!(a.status, 201, "{}", a.text);
    assert_eq!(
        a.body["client_credentials_grant_access_token_lifespan"],
        "1m0s"
    );
    assert_eq!(
        a.body["authorization_code_grant_refresh_token_lifespan"],
        "1h30m0s"
    );
    assert_eq!(a.body["implicit_grant_access_token_lifespan"], Value::Null);
    assert_eq!(
        a.body["device_authorization_grant_id_token_lifespan"],
        Value::Null
    );
    assert_eq!(a.body["access_token_strategy"], "jwt");
    assert_eq!(a.body["client_secret_expires_at"], 0);
    let got = call(&app, Method::GET, "/admin/clients/svc", None).await;
    assert_eq!(
        got.body["client_credentials_grant_access_token_lifespan"],
        "1m0s"
    );
    let listed = call(&app, Method::GET, "/admin/clients", None).await;
    assert_eq!(listed.body[0]["access_token_strategy"], "jwt");

    // The 1.9.2 paths neither show nor read them; their PUT keeps them.
    let old = call(&app, Method::GET, "/clients/svc", None).await;
    assert!(
        old.body.get("access_token_strategy").is_none(),
        "{}",
        old.text
    );
    assert!(!old.text.contains("_lifespan"), "{}", old.text);
    let mut renamed = cc_client("svc", json!({"client_name": "renamed"}));
    renamed["client_credentials_grant_access_token_lifespan"] = json!("5m");
    let a = call(&app, Method::PUT, "/clients/svc", Some(renamed)).await;
    assert_eq!(a.status, 200, "{}", a.text);
    assert!(!a.text.contains("_lifespan"), "{}", a.text);
    let got = call(&app, Method::GET, "/admin/clients/svc", None).await;
    assert_eq!(got.body["client_name"], "renamed");
    assert_eq!(
        got.body["client_credentials_grant_access_token_lifespan"],
        "1m0s"
    );
    assert_eq!(got.body["access_token_strategy"], "jwt");
    let a = call(
        &app,
        Method::POST,
        "/clients",
        Some(cc_client(
            "old",
            json!({"client_credentials_grant_access_token_lifespan": "1m"}),
        )),
    )
    .await;
    assert_eq!(a.status, 201, "{}", a.text);
    let got = call(&app, Method::GET, "/admin/clients/old", None).await;
    assert_eq!(
        got.body["client_credentials_grant_access_token_lifespan"],
        Value::Null
    );

    // A v2 PUT replaces them (absent: unset); a PATCH changes one.
    let a = call(
        &app,
        Method::PUT,
        "/admin/clients/svc",
        Some(cc_client(
            "svc",
            json!({"jwt_bearer_grant_access_token_lifespan": "2m"}),
        )),
    )
    .await;
    assert_eq!(a.status, 200, "{}", a.text);
    assert_eq!(
        a.body["client_credentials_grant_access_token_lifespan"],
        Value::Null
    );
    assert_eq!(a.body["jwt_bearer_grant_access_token_lifespan"], "2m0s");
    assert!(a.body.get("access_token_strategy").is_none(), "{}", a.text);
    let a = call(
        &app,
        Method::PATCH,
        "/admin/clients/svc",
        Some(json!([
            {"op": "replace", "path": "/client_credentials_grant_access_token_lifespan", "value": "45s"},
            {"op": "add", "path": "/access_token_strategy", "value": "opaque"},
        ])),
    )
    .await;
    assert_eq!(a.status, 200, "{}", a.text);
    assert_eq!(
        a.body["client_credentials_grant_access_token_lifespan"],
        "45s"
    );
    assert_eq!(a.body["jwt_bearer_grant_access_token_lifespan"], "2m0s");
    assert_eq!(a.body["access_token_strategy"], "opaque");

    // Bad values are 400 and change nothing: a malformed duration as any malformed body
    // (Hydra 1.9.2's "Bad Request"), one that is no whole number of seconds as invalid
    // client metadata.
    for (field, value, error) in [
        (
            "client_credentials_grant_access_token_lifespan",
            json!("1y"),
            "Bad Request",
        ),
        (
            "client_credentials_grant_access_token_lifespan",
            json!("-1h"),
            "Bad Request",
        ),
        (
            "client_credentials_grant_access_token_lifespan",
            json!(60),
            "Bad Request",
        ),
        (
            "implicit_grant_id_token_lifespan",
            json!("500ms"),
            "invalid_client_metadata",
        ),
        (
            "implicit_grant_id_token_lifespan",
            json!("1.5s"),
            "invalid_client_metadata",
        ),
        (
            "implicit_grant_id_token_lifespan",
            json!("0s"),
            "invalid_client_metadata",
        ),
        (
            "access_token_strategy",
            json!("bogus"),
            "invalid_client_metadata",
        ),
    ] {
        let a = call(
            &app,
            Method::POST,
            "/admin/clients",
            Some(cc_client("bad", json!({ field: value.clone() }))),
        )
        .await;
        assert_eq!(a.status, 400, "{field}={value}: {}", a.text);
        assert_eq!(a.error(), error, "{field}={value}: {}", a.text);
        assert!(a.text.contains(field), "{field}={value}: {}", a.text);
    }
    let a = call(&app, Method::GET, "/admin/clients/bad", None).await;
    assert_eq!(a.status, 404);
}

async fn put_lifespans_replaces_the_lifespans_and_nothing_else(backend: Backend) {
    let app = app_or_skip!(backend);
    let body = cc_client(
        "svc",
        json!({
            "client_name": "Service",
            "client_credentials_grant_access_token_lifespan": "1m",
            "access_token_strategy": "jwt",
            "skip_consent": true,
        }),
    );
    let a = call(&app, Method::POST, "/admin/clients", Some(body)).await;
    assert_eq!(a.status, 201, "{}", a.text);
    let created_at = a.body["created_at"].clone();
    let a = call(
        &app,
        Method::PUT,
        "/admin/clients/svc/lifespans",
        Some(json!({
            "authorization_code_grant_refresh_token_lifespan": "2h",
            "refresh_token_grant_access_token_lifespan": "30s",
            "implicit_grant_access_token_lifespan": null,
        })),
    )
    .await;
    assert_eq!(a.status, 200, "{}", a.text);
    assert_eq!(
        a.body["authorization_code_grant_refresh_token_lifespan"],
        "2h0m0s"
    );
    assert_eq!(a.body["refresh_token_grant_access_token_lifespan"], "30s");
    assert_eq!(
        a.body["client_credentials_grant_access_token_lifespan"],
        Value::Null
    );
    assert!(a.body.get("client_secret").is_none(), "{}", a.text);
    for (k, v) in [
        ("client_name", json!("Service")),
        ("access_token_strategy", json!("jwt")),
        ("skip_consent", json!(true)),
        ("created_at", created_at),
    ] {
        assert_eq!(a.body[k], v, "{k}: {}", a.text);
    }
    let got = call(&app, Method::GET, "/admin/clients/svc", None).await;
    assert_eq!(got.body["refresh_token_grant_access_token_lifespan"], "30s");
    // The secret is unchanged.
    assert_eq!(
        client_credentials(&app, "svc", SECRET, "").await.status,
        200
    );

    let bad = |v: Value| json!({"jwt_bearer_grant_access_token_lifespan": v});
    for v in [json!("soon"), json!("100ms"), json!(true)] {
        let a = call(
            &app,
            Method::PUT,
            "/admin/clients/svc/lifespans",
            Some(bad(v.clone())),
        )
        .await;
        assert_eq!(a.status, 400, "{v}: {}", a.text);
        assert!(
            a.text.contains("jwt_bearer_grant_access_token_lifespan"),
            "{}",
            a.text
        );
    }
    let a = call(
        &app,
        Method::PUT,
        "/admin/clients/nobody/lifespans",
        Some(json!({})),
    )
    .await;
    assert_eq!(a.status, 404, "{}", a.text);
    // Hydra 1.9.2 has no such operation.
    let a = call(&app, Method::PUT, "/clients/svc/lifespans", Some(json!({}))).await;
    assert!(a.status == 404 || a.status == 405, "{}", a.text);
    let got = call(&app, Method::GET, "/admin/clients/svc", None).await;
    assert_eq!(
        got.body["jwt_bearer_grant_access_token_lifespan"],
        Value::Null
    );
}

/// `exp - iat` of a token, from introspection.
async fn lifetime(app: &TestApp, token: &str) -> i64 {
    let i = introspect(app, token, None).await;
    assert_eq!(i.body["active"], true, "{}", i.text);
    i.body["exp"].as_i64().unwrap() - i.body["iat"].as_i64().unwrap()
}

async fn a_client_credentials_lifespan_sets_expires_in_and_exp(backend: Backend) {
    let app = app_or_skip!(backend);
    let body = cc_client(
        "short",
        json!({"client_credentials_grant_access_token_lifespan": "1m"}),
    );
    assert_eq!(
        call(&app, Method::POST, "/admin/clients", Some(body))
            .await
            .status,
        201
    );
    let a = client_credentials(&app, "short", SECRET, "profile").await;
    assert_eq!(a.status, 200, "{}", a.text);
    assert_eq!(a.body["expires_in"], 60);
    assert_eq!(
        lifetime(&app, a.body["access_token"].as_str().unwrap()).await,
        60
    );

    // A client without one gets the server's TTL.
    let body = cc_client("plain", json!({}));
    assert_eq!(
        call(&app, Method::POST, "/admin/clients", Some(body))
            .await
            .status,
        201
    );
    let a = client_credentials(&app, "plain", SECRET, "profile").await;
    assert_eq!(a.status, 200, "{}", a.text);
    let server_ttl = a.body["expires_in"].as_i64().unwrap();
    assert_ne!(server_ttl, 60);
    assert_eq!(
        lifetime(&app, a.body["access_token"].as_str().unwrap()).await,
        server_ttl
    );

    // Unset again through PUT lifespans: the server's TTL applies.
    let a = call(
        &app,
        Method::PUT,
        "/admin/clients/short/lifespans",
        Some(json!({})),
    )
    .await;
    assert_eq!(a.status, 200, "{}", a.text);
    let a = client_credentials(&app, "short", SECRET, "profile").await;
    assert_eq!(a.body["expires_in"], server_ttl);
}

async fn authorization_code_and_refresh_lifespans_are_honoured(backend: Backend) {
    let app = app_or_skip!(backend);
    let (id, secret) = full_client(&app, "app", json!({})).await;
    let a = call(
        &app,
        Method::PUT,
        "/admin/clients/app/lifespans",
        Some(json!({
            "authorization_code_grant_access_token_lifespan": "10m",
            "authorization_code_grant_refresh_token_lifespan": "2h",
            "authorization_code_grant_id_token_lifespan": "5m",
            "refresh_token_grant_access_token_lifespan": "3m",
            "refresh_token_grant_refresh_token_lifespan": "1h",
        })),
    )
    .await;
    assert_eq!(a.status, 200, "{}", a.text);
    let code = seed_code(&app, backend, CodeSeed::default()).await;
    let a = redeem(&app, &id, &secret, &code, &[]).await;
    assert_eq!(a.status, 200, "{}", a.text);
    assert_eq!(a.body["expires_in"], 600);
    assert_eq!(
        lifetime(&app, a.body["access_token"].as_str().unwrap()).await,
        600
    );
    let rt = a.body["refresh_token"].as_str().unwrap().to_string();
    assert_eq!(lifetime(&app, &rt).await, 7200);
    let claims = verify_jwt(&app, a.body["id_token"].as_str().unwrap(), Some("app")).await;
    assert_eq!(
        claims["exp"].as_i64().unwrap() - claims["iat"].as_i64().unwrap(),
        300
    );

    // The refresh grant has its own fields; its ID token falls back to the server TTL.
    let r = refresh(&app, &id, &secret, &rt, &[]).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["expires_in"], 180);
    assert_eq!(
        lifetime(&app, r.body["access_token"].as_str().unwrap()).await,
        180
    );
    assert_eq!(
        lifetime(&app, r.body["refresh_token"].as_str().unwrap()).await,
        3600
    );
    let claims = verify_jwt(&app, r.body["id_token"].as_str().unwrap(), Some("app")).await;
    assert_ne!(
        claims["exp"].as_i64().unwrap() - claims["iat"].as_i64().unwrap(),
        300
    );
}

async fn the_client_access_token_strategy_overrides_the_server_one(backend: Backend) {
    // The server mints opaque tokens; a `jwt` client gets JWTs.
    let app = app_or_skip!(backend);
    let body = cc_client(
        "jwt",
        json!({"access_token_strategy": "jwt", "client_credentials_grant_access_token_lifespan": "2m"}),
    );
    assert_eq!(
        call(&app, Method::POST, "/admin/clients", Some(body))
            .await
            .status,
        201
    );
    let a = token_request(
        &app,
        Some(basic("jwt", SECRET)),
        &[
            ("grant_type", "client_credentials"),
            ("scope", "profile"),
            ("audience", "https://api.example.com"),
        ],
    )
    .await;
    assert_eq!(a.status, 200, "{}", a.text);
    let at = a.body["access_token"].as_str().unwrap();
    assert_eq!(
        jsonwebtoken::decode_header(at).unwrap().typ.as_deref(),
        Some("at+jwt")
    );
    let claims = verify_jwt(&app, at, Some("https://api.example.com")).await;
    assert_eq!(claims["client_id"], "jwt");
    assert_eq!(
        claims["exp"].as_i64().unwrap() - claims["iat"].as_i64().unwrap(),
        120
    );
    assert_eq!(lifetime(&app, at).await, 120);
    assert_eq!(revoke(&app, "jwt", SECRET, at).await.status, 200);
    assert!(!is_active(&app, at).await);
    let body = cc_client("plain", json!({}));
    assert_eq!(
        call(&app, Method::POST, "/admin/clients", Some(body))
            .await
            .status,
        201
    );
    let a = client_credentials(&app, "plain", SECRET, "profile").await;
    assert!(a.body["access_token"]
        .as_str()
        .unwrap()
        .starts_with("ptc_at_"));
    drop(app);

    // The server mints JWTs; an `opaque` client gets opaque tokens.
    let app = app_or_skip!(backend, |s| s.strategies.access_token = "jwt".into());
    let body = cc_client("opaque", json!({"access_token_strategy": "opaque"}));
    assert_eq!(
        call(&app, Method::POST, "/admin/clients", Some(body))
            .await
            .status,
        201
    );
    let a = client_credentials(&app, "opaque", SECRET, "profile").await;
    assert_eq!(a.status, 200, "{}", a.text);
    let at = a.body["access_token"].as_str().unwrap();
    assert!(at.starts_with("ptc_at_"), "{at}");
    assert!(is_active(&app, at).await);
    let body = cc_client("plain", json!({}));
    assert_eq!(
        call(&app, Method::POST, "/admin/clients", Some(body))
            .await
            .status,
        201
    );
    let a = client_credentials(&app, "plain", SECRET, "profile").await;
    let at = a.body["access_token"].as_str().unwrap();
    assert_eq!(at.split('.').count(), 3, "{at}");
    assert!(is_active(&app, at).await);
}
