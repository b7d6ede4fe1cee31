//! Hydra v2's client secret rotation: `POST /admin/clients/{id}/secrets/rotate` gives a
//! new secret and keeps the previous ones (at most five) valid for client
//! authentication until `DELETE /admin/clients/{id}/secrets/rotate`.

use crate::helpers::{Backend, TestApp};
use crate::tokens_support::{answer, client_credentials, create_client, token_request, Answer};
use crate::{app_or_skip, on_both_backends};
use reqwest::{Method, StatusCode};
use serde_json::json;

on_both_backends!(
    rotation_keeps_the_old_secret_valid,
    at_most_five_rotated_secrets_are_kept,
    deleting_rotated_secrets_leaves_only_the_newest,
    rotating_an_unknown_client_is_404,
    a_public_client_cannot_be_rotated,
    the_192_path_has_no_rotation,
    removing_the_secret_removes_the_rotated_ones,
);

async fn call(app: &TestApp, method: Method, path: &str) -> Answer {
    answer(
        app.http
            .request(method, app.admin_url(path))
            .send()
            .await
            .unwrap(),
    )
    .await
}

async fn confidential(app: &TestApp, id: &str) -> String {
    let (_, secret) = create_client(
        app,
        json!({
            "client_id": id,
            "grant_types": ["client_credentials"],
            "scope": "photos.read",
        }),
    )
    .await;
    assert!(!secret.is_empty());
    secret
}

/// Rotates and returns the new secret, checking the answer is the client as /admin shows it.
async fn rotate(app: &TestApp, id: &str) -> String {
    let a = call(
        app,
        Method::POST,
        &format!("/admin/clients/{id}/secrets/rotate"),
    )
    .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    assert_eq!(a.body["client_id"], id);
    assert!(a.body.get("skip_consent").is_some(), "v2 view: {}", a.text);
    let secret = a.body["client_secret"].as_str().unwrap_or("").to_string();
    assert!(secret.len() >= 32, "{}", a.text);
    secret
}

async fn works(app: &TestApp, id: &str, secret: &str) -> bool {
    let a = client_credentials(app, id, secret, "photos.read").await;
    match a.status {
        StatusCode::OK => true,
        StatusCode::UNAUTHORIZED => {
            assert_eq!(a.error(), "invalid_client", "{}", a.text);
            false
        }
        s => panic!("unexpected {s}: {}", a.text),
    }
}

/// With `client_secret_post` instead of Basic.
async fn works_post(app: &TestApp, id: &str, secret: &str) -> bool {
    let a = token_request(
        app,
        None,
        &[
            ("grant_type", "client_credentials"),
            ("scope", "photos.read"),
            ("client_id", id),
            ("client_secret", secret),
        ],
    )
    .await;
    a.status == StatusCode::OK
}

async fn rotation_keeps_the_old_secret_valid(backend: Backend) {
    let app = app_or_skip!(backend);
    let old = confidential(&app, "rot").await;
    assert!(works(&app, "rot", &old).await);
    let new = rotate(&app, "rot").await;
    assert_ne!(new, old);
    assert!(works(&app, "rot", &new).await);
    assert!(works(&app, "rot", &old).await);
    assert!(works(&app, "rot", &old).await, "cached");
    assert!(!works(&app, "rot", "not-the-secret").await);
    // The secret is shown in the rotation's answer only.
    let a = call(&app, Method::GET, "/admin/clients/rot").await;
    assert_eq!(a.status, StatusCode::OK);
    assert!(a
        .body
        .get("client_secret")
        .is_none_or(|s| s.is_null() || s == ""));

    // client_secret_post the same.
    let mut post = json!({
        "client_id": "rot-post",
        "grant_types": ["client_credentials"],
        "scope": "photos.read",
        "token_endpoint_auth_method": "client_secret_post",
    });
    let (_, old) = create_client(&app, post.take()).await;
    let new = rotate(&app, "rot-post").await;
    assert!(works_post(&app, "rot-post", &new).await);
    assert!(works_post(&app, "rot-post", &old).await);
    assert!(!works_post(&app, "rot-post", "wrong").await);
}

async fn at_most_five_rotated_secrets_are_kept(backend: Backend) {
    let app = app_or_skip!(backend);
    let mut secrets = vec![confidential(&app, "six").await];
    for _ in 0..6 {
        secrets.push(rotate(&app, "six").await);
    }
    // Seven secrets: the newest and five rotated work, the first is gone.
    assert!(!works(&app, "six", &secrets[0]).await);
    for s in &secrets[1..] {
        assert!(works(&app, "six", s).await);
    }
}

async fn deleting_rotated_secrets_leaves_only_the_newest(backend: Backend) {
    let app = app_or_skip!(backend);
    let first = confidential(&app, "del").await;
    let second = rotate(&app, "del").await;
    let newest = rotate(&app, "del").await;
    // Cached by the verifier before the deletion.
    for s in [&first, &second, &newest] {
        assert!(works(&app, "del", s).await);
    }
    let a = call(&app, Method::DELETE, "/admin/clients/del/secrets/rotate").await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    assert_eq!(a.body["client_id"], "del");
    assert!(a.body.get("skip_consent").is_some(), "{}", a.text);
    assert!(a
        .body
        .get("client_secret")
        .is_none_or(|s| s.is_null() || s == ""));
    // Twice: not served from the verifier's cache either.
    for _ in 0..2 {
        assert!(!works(&app, "del", &first).await);
        assert!(!works(&app, "del", &second).await);
        assert!(works(&app, "del", &newest).await);
    }
    // Deleting again is fine; rotating again works as before.
    let a = call(&app, Method::DELETE, "/admin/clients/del/secrets/rotate").await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    let after = rotate(&app, "del").await;
    assert!(works(&app, "del", &after).await);
    assert!(works(&app, "del", &newest).await);
    assert!(!works(&app, "del", &second).await);
}

async fn rotating_an_unknown_client_is_404(backend: Backend) {
    let app = app_or_skip!(backend);
    // The body of every other /admin client 404, but for its request id.
    let without_id = |mut a: Answer| {
        if let Some(o) = a.body.as_object_mut() {
            o.remove("request_id");
        }
        a.body
    };
    let expected = call(&app, Method::GET, "/admin/clients/nobody").await;
    assert_eq!(expected.status, StatusCode::NOT_FOUND);
    let expected = without_id(expected);
    assert_eq!(expected["error"], "Not Found", "{expected}");
    for method in [Method::POST, Method::DELETE] {
        let a = call(&app, method, "/admin/clients/nobody/secrets/rotate").await;
        assert_eq!(a.status, StatusCode::NOT_FOUND, "{}", a.text);
        assert_eq!(without_id(a), expected);
    }
}

async fn a_public_client_cannot_be_rotated(backend: Backend) {
    let app = app_or_skip!(backend);
    create_client(
        &app,
        json!({
            "client_id": "spa",
            "grant_types": ["authorization_code"],
            "response_types": ["code"],
            "redirect_uris": ["https://app.example.com/cb"],
            "token_endpoint_auth_method": "none",
        }),
    )
    .await;
    let a = call(&app, Method::POST, "/admin/clients/spa/secrets/rotate").await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST, "{}", a.text);
    assert_eq!(a.error(), "invalid_request", "{}", a.text);
    assert!(a.text.contains("public client"), "{}", a.text);
    let a = call(&app, Method::GET, "/admin/clients/spa").await;
    assert_eq!(a.body["token_endpoint_auth_method"], "none");
}

async fn the_192_path_has_no_rotation(backend: Backend) {
    let app = app_or_skip!(backend);
    let secret = confidential(&app, "old").await;
    for method in [Method::POST, Method::DELETE] {
        let a = call(&app, method, "/clients/old/secrets/rotate").await;
        assert!(
            a.status == StatusCode::NOT_FOUND || a.status == StatusCode::METHOD_NOT_ALLOWED,
            "{}",
            a.text
        );
    }
    assert!(works(&app, "old", &secret).await);
}

/// A client made public loses its rotated secrets with its secret, so they do not come
/// back when it is given a secret again; a new secret set by PUT keeps them.
async fn removing_the_secret_removes_the_rotated_ones(backend: Backend) {
    let app = app_or_skip!(backend);
    let first = confidential(&app, "pub").await;
    let second = rotate(&app, "pub").await;
    let body = |method: &str, secret: Option<&str>| {
        let mut b = json!({
            "client_id": "pub",
            "grant_types": ["client_credentials"],
            "scope": "photos.read",
            "token_endpoint_auth_method": method,
        });
        if let Some(s) = secret {
            b["client_secret"] = json!(s);
        }
        b
    };
    let put = |b| {
        let app = &app;
        async move {
            answer(
                app.http
                    .put(app.admin_url("/admin/clients/pub"))
                    .json(&b)
                    .send()
                    .await
                    .unwrap(),
            )
            .await
        }
    };
    // A new secret by PUT: the rotated one stays valid (the replaced one does not).
    let a = put(body(
        "client_secret_basic",
        Some("a-third-secret-for-tests"),
    ))
    .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    assert!(works(&app, "pub", "a-third-secret-for-tests").await);
    assert!(works(&app, "pub", &first).await);
    assert!(!works(&app, "pub", &second).await);
    // Public, then confidential again: only the new secret.
    let a = put(body("none", None)).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    let a = put(body(
        "client_secret_basic",
        Some("a-fourth-secret-for-tests"),
    ))
    .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    assert!(works(&app, "pub", "a-fourth-secret-for-tests").await);
    assert!(!works(&app, "pub", &first).await);
}
