//! The ready-made first-party client (issue 14): on a fresh start with the built-in
//! pages, `portcullis users create` and one request to `/api/v1/login` are enough.

use crate::helpers::{base_settings, fresh_dsn, Backend, TEST_SECRET};
use crate::{app_or_skip, on_both_backends};
use portcullis::{App, BuildOptions};
use serde_json::{json, Value};
use tokio::io::AsyncWriteExt;

on_both_backends!(
    a_fresh_server_logs_in_after_one_users_create,
    replicas_starting_together_create_the_client_once,
);

async fn a_fresh_server_logs_in_after_one_users_create(backend: Backend) {
    let app = app_or_skip!(backend, |s| {
        s.identity.first_party.create_default_client = true;
    });
    let c: Value = app
        .http
        .get(app.admin_url("/clients/portcullis-cli"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(c["token_endpoint_auth_method"], "none");
    assert_eq!(
        c["scope"],
        "openid offline_access profile email roles groups"
    );
    assert_eq!(
        c["grant_types"],
        json!(["authorization_code", "refresh_token"])
    );

    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_portcullis"))
        .args([
            "users",
            "create",
            "--email",
            "alice@example.com",
            "--name",
            "Alice",
        ])
        .env_clear()
        .env("DSN", &app.dsn)
        .env("SECRETS_SYSTEM", TEST_SECRET)
        .env("LOG_LEVEL", "warn")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(b"a long password\n").await.unwrap();
    drop(stdin);
    assert!(child.wait_with_output().await.unwrap().status.success());

    let r = app
        .http
        .post(app.public_url("/api/v1/login"))
        .json(&json!({"email": "alice@example.com", "password": "a long password"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let body: Value = r.json().await.unwrap();
    assert!(body["access_token"].as_str().is_some_and(|t| !t.is_empty()));
    assert!(body["refresh_token"]
        .as_str()
        .is_some_and(|t| !t.is_empty()));
    assert_eq!(body["claims"]["email"], "alice@example.com");

    let cfg: Value = app
        .http
        .get(app.public_url("/api/v1/client-config"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(cfg["client_id"], "portcullis-cli");
    assert_eq!(cfg["redirect_uri"], "http://127.0.0.1:53593/callback");
}

async fn replicas_starting_together_create_the_client_once(backend: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let Some(dsn) = fresh_dsn(backend, dir.path()).await else {
        return;
    };
    // Migrate first (without the client), then three replicas race to create it.
    let mut s = base_settings(&dsn);
    App::build(s.clone(), BuildOptions::default())
        .await
        .unwrap();
    s.identity.first_party.create_default_client = true;
    let starts = (0..3).map(|_| App::build(s.clone(), BuildOptions::default()));
    for built in futures::future::join_all(starts).await {
        built.expect("every replica starts");
    }
}
