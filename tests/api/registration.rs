//! Dynamic client registration (RFC 7591) and management (RFC 7592) on both backends:
//! off by default (404), register / read / update / delete with the registration access
//! token, a wrong or old token, restricted fields, the default scope, discovery.

use crate::helpers::{Backend, TestApp};
use crate::tokens_support::{basic, token_request};
use crate::{app_or_skip, on_both_backends};
use serde_json::{json, Value};

on_both_backends!(
    registration_is_off_unless_enabled,
    a_v2_admin_create_answers_a_registration_token_and_uri,
    a_client_registers_reads_updates_and_deletes_itself_with_its_token,
    restricted_fields_and_wrong_tokens_are_refused,
);

fn enable(s: &mut portcullis::config::Settings) {
    s.oidc.dynamic_client_registration.enabled = true;
}

async fn send(
    app: &TestApp,
    method: reqwest::Method,
    path: &str,
    token: Option<&str>,
    body: Option<Value>,
) -> (u16, Value) {
    let mut rb = app.http.request(method, app.public_url(path));
    if let Some(t) = token {
        rb = rb.bearer_auth(t);
    }
    if let Some(b) = body {
        rb = rb.json(&b);
    }
    let r = rb.send().await.unwrap();
    (r.status().as_u16(), r.json().await.unwrap_or(Value::Null))
}

async fn registration_is_off_unless_enabled(backend: Backend) {
    let app = app_or_skip!(backend);
    let (status, _) = send(
        &app,
        reqwest::Method::POST,
        "/oauth2/register",
        None,
        Some(json!({})),
    )
    .await;
    assert_eq!(status, 404);
    let d: Value = app
        .http
        .get(app.public_url("/.well-known/openid-configuration"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(d.get("registration_endpoint").is_none());
}

async fn a_client_registers_reads_updates_and_deletes_itself_with_its_token(backend: Backend) {
    let app = app_or_skip!(backend, enable);
    let d: Value = app
        .http
        .get(app.public_url("/.well-known/openid-configuration"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        d["registration_endpoint"],
        app.public_url("/oauth2/register")
    );

    let (status, c) = send(
        &app,
        reqwest::Method::POST,
        "/oauth2/register",
        None,
        Some(
            json!({"client_name": "Self Service", "grant_types": ["client_credentials"],
                    "redirect_uris": ["https://app.example/cb"]}),
        ),
    )
    .await;
    assert_eq!(status, 201, "{c}");
    let id = c["client_id"].as_str().unwrap().to_string();
    let secret = c["client_secret"].as_str().unwrap().to_string();
    let token = c["registration_access_token"].as_str().unwrap().to_string();
    assert_eq!(
        c["registration_client_uri"],
        app.public_url(&format!("/oauth2/register/{id}"))
    );
    assert_eq!(c["scope"], "openid offline offline_access");
    // The issued credentials work at the token endpoint.
    let t = token_request(
        &app,
        Some(basic(&id, &secret)),
        &[("grant_type", "client_credentials"), ("scope", "openid")],
    )
    .await;
    assert_eq!(t.status, 200, "{}", t.text);

    let path = format!("/oauth2/register/{id}");
    let (status, read) = send(&app, reqwest::Method::GET, &path, Some(&token), None).await;
    assert_eq!(status, 200, "{read}");
    assert_eq!(read["client_name"], "Self Service");
    assert!(read.get("client_secret").is_none());
    assert!(read.get("registration_access_token").is_none());

    let (status, updated) = send(
        &app,
        reqwest::Method::PUT,
        &path,
        Some(&token),
        Some(
            json!({"client_id": id, "client_name": "Renamed", "grant_types": ["client_credentials"],
                    "scope": "openid"}),
        ),
    )
    .await;
    assert_eq!(status, 200, "{updated}");
    assert_eq!(updated["client_name"], "Renamed");
    let new_token = updated["registration_access_token"]
        .as_str()
        .unwrap()
        .to_string();
    assert_ne!(new_token, token);
    // The old token is dead, the secret unchanged.
    assert_eq!(
        send(&app, reqwest::Method::GET, &path, Some(&token), None)
            .await
            .0,
        401
    );
    let t = token_request(
        &app,
        Some(basic(&id, &secret)),
        &[("grant_type", "client_credentials")],
    )
    .await;
    assert_eq!(t.status, 200, "{}", t.text);

    assert_eq!(
        send(&app, reqwest::Method::DELETE, &path, Some(&new_token), None)
            .await
            .0,
        204
    );
    assert_eq!(
        send(&app, reqwest::Method::GET, &path, Some(&new_token), None)
            .await
            .0,
        401
    );
    let gone = app
        .http
        .get(app.admin_url(&format!("/clients/{id}")))
        .send()
        .await
        .unwrap();
    assert_eq!(gone.status(), 404);
}

async fn restricted_fields_and_wrong_tokens_are_refused(backend: Backend) {
    let app = app_or_skip!(backend, enable);
    for bad in [
        json!({"client_id": "my-own-id"}),
        json!({"client_secret": "my-own-secret"}),
        json!({"metadata": {"tier": "gold"}}),
        json!({"skip_consent": true}),
        json!({"access_token_strategy": "jwt"}),
        json!({"grant_types": ["password"]}),
        json!(["not", "an", "object"]),
    ] {
        let (status, body) = send(
            &app,
            reqwest::Method::POST,
            "/oauth2/register",
            None,
            Some(bad.clone()),
        )
        .await;
        assert_eq!(status, 400, "{bad}: {body}");
        assert!(body["error_description"].is_string(), "{body}");
    }
    let (_, c) = send(
        &app,
        reqwest::Method::POST,
        "/oauth2/register",
        None,
        Some(json!({"client_name": "x"})),
    )
    .await;
    let id = c["client_id"].as_str().unwrap();
    let token = c["registration_access_token"].as_str().unwrap();
    let path = format!("/oauth2/register/{id}");
    for wrong in [None, Some("ptc_rg_nope.nope"), Some("garbage")] {
        assert_eq!(
            send(&app, reqwest::Method::GET, &path, wrong, None).await.0,
            401,
            "{wrong:?}"
        );
        assert_eq!(
            send(&app, reqwest::Method::DELETE, &path, wrong, None)
                .await
                .0,
            401,
            "{wrong:?}"
        );
    }
    // Another client's token is no key to this one; an admin-created client has none.
    let (_, other) = send(
        &app,
        reqwest::Method::POST,
        "/oauth2/register",
        None,
        Some(json!({})),
    )
    .await;
    let other_token = other["registration_access_token"].as_str().unwrap();
    assert_eq!(
        send(&app, reqwest::Method::GET, &path, Some(other_token), None)
            .await
            .0,
        401
    );
    let r = app
        .http
        .post(app.admin_url("/clients"))
        .json(&json!({"client_id": "admin-made"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    assert_eq!(
        send(
            &app,
            reqwest::Method::GET,
            "/oauth2/register/admin-made",
            Some(token),
            None
        )
        .await
        .0,
        401
    );
    // An update may not take over restricted fields either.
    let (status, _) = send(
        &app,
        reqwest::Method::PUT,
        &path,
        Some(token),
        Some(json!({"client_id": "another-id"})),
    )
    .await;
    assert_eq!(status, 400);
    let (status, _) = send(
        &app,
        reqwest::Method::PUT,
        &path,
        Some(token),
        Some(json!({"metadata": {"a": 1}})),
    )
    .await;
    assert_eq!(status, 400);
}

/// Hydra v2 gives every client created on `/admin/clients` a registration access token
/// and URI (in that answer only); the 1.9.2 path does not.
async fn a_v2_admin_create_answers_a_registration_token_and_uri(backend: Backend) {
    let app = app_or_skip!(backend, enable);
    let create = |path: &'static str, id: &'static str| {
        let app = &app;
        async move {
            let r = app
                .http
                .post(app.admin_url(path))
                .json(&json!({"client_id": id, "redirect_uris": ["https://app.example/cb"]}))
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), 201);
            r.json::<Value>().await.unwrap()
        }
    };
    let c = create("/admin/clients", "v2-made").await;
    assert_eq!(
        c["registration_client_uri"],
        app.public_url("/oauth2/register/v2-made")
    );
    let token = c["registration_access_token"].as_str().unwrap().to_string();
    let (status, read) = send(
        &app,
        reqwest::Method::GET,
        "/oauth2/register/v2-made",
        Some(&token),
        None,
    )
    .await;
    assert_eq!(status, 200, "{read}");
    assert_eq!(read["client_id"], "v2-made");
    let got: Value = app
        .http
        .get(app.admin_url("/admin/clients/v2-made"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(got.get("registration_access_token").is_none(), "{got}");
    assert!(got.get("registration_client_uri").is_none(), "{got}");
    let old = create("/clients", "old-made").await;
    assert!(old.get("registration_access_token").is_none(), "{old}");
    assert!(old.get("registration_client_uri").is_none(), "{old}");
}
