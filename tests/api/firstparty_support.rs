//! A server with a first-party public client, and calls to its JSON API.

#![allow(dead_code)]

use crate::helpers::TestApp;
use crate::tokens_support::{answer, Answer};
use portcullis::config::Settings;
use serde_json::{json, Value};

pub const CLI: &str = "portcullis-cli";
pub const CLI_REDIRECT: &str = "http://127.0.0.1:53593/callback";

/// Settings tweak: the first-party API serves the client `CLI`.
pub fn first_party(s: &mut Settings) {
    s.identity.first_party.client_id = Some(CLI.into());
}

/// Registers `CLI` as a public client allowed the claim scopes and refresh.
pub async fn register_cli(app: &TestApp) {
    register(
        app,
        json!({
            "client_id": CLI,
            "client_name": "Portcullis CLI",
            "token_endpoint_auth_method": "none",
            "redirect_uris": [CLI_REDIRECT, "http://127.0.0.1:53593/other"],
            "grant_types": ["authorization_code", "refresh_token"],
            "response_types": ["code"],
            "scope": "openid offline_access profile email roles groups",
        }),
    )
    .await;
}

pub async fn register(app: &TestApp, body: Value) {
    let r = app
        .http
        .post(app.admin_url("/clients"))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201, "{}", r.text().await.unwrap());
}

pub async fn api_post(app: &TestApp, path: &str, body: Value) -> Answer {
    answer(
        app.http
            .post(app.public_url(path))
            .json(&body)
            .send()
            .await
            .unwrap(),
    )
    .await
}

pub async fn api_get(app: &TestApp, path: &str) -> Answer {
    answer(app.http.get(app.public_url(path)).send().await.unwrap()).await
}

pub async fn api_login(app: &TestApp, email: &str, password: &str) -> Answer {
    api_post(
        app,
        "/api/v1/login",
        json!({"email": email, "password": password}),
    )
    .await
}

pub async fn api_logout(app: &TestApp, bearer: Option<&str>, body: Value) -> Answer {
    let mut rb = app.http.post(app.public_url("/api/v1/logout")).json(&body);
    if let Some(t) = bearer {
        rb = rb.bearer_auth(t);
    }
    answer(rb.send().await.unwrap()).await
}
