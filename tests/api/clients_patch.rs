//! Hydra v2's `PATCH /admin/clients/{id}`: an RFC 6902 JSON Patch, validated as a PUT.

use crate::clients_v2::v2_client;
use crate::flow_support::*;
use crate::helpers::{Backend, TestApp};
use crate::{app_or_skip, on_both_backends};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

on_both_backends!(patch_applies_a_json_patch_with_the_validation_of_put,);

/// `POST /oauth2/revoke` with `secret`: 200 when the client authenticates.
async fn authenticates(app: &TestApp, id: &str, secret: &str) -> bool {
    let r = app
        .http
        .post(app.public_url("/oauth2/revoke"))
        .basic_auth(id, Some(secret))
        .form(&[("token", "not-a-token")])
        .send()
        .await
        .unwrap();
    r.status() == StatusCode::OK
}

async fn patch_applies_a_json_patch_with_the_validation_of_put(backend: Backend) {
    let app = app_or_skip!(backend);
    let a = admin(
        &app,
        Method::POST,
        "/admin/clients",
        Some(v2_client("p", false)),
    )
    .await;
    assert_eq!(a.status, StatusCode::CREATED, "{:?}", a.body);
    let patch = |ops: Value| {
        let app = &app;
        async move { admin(app, Method::PATCH, "/admin/clients/p", Some(ops)).await }
    };

    let a = patch(json!([
        {"op": "replace", "path": "/client_name", "value": "patched"},
        {"op": "add", "path": "/redirect_uris/-", "value": "https://app.example/cb2"},
        {"op": "replace", "path": "/skip_consent", "value": true},
    ]))
    .await;
    assert_eq!(a.status, StatusCode::OK, "{:?}", a.body);
    assert_eq!(a.body["client_name"], "patched");
    assert_eq!(
        a.body["redirect_uris"],
        json!([CB, "https://app.example/cb2"])
    );
    assert_eq!(a.body["skip_consent"], true);
    assert!(
        a.body.get("client_secret").is_none(),
        "the secret is kept, not shown"
    );
    assert!(authenticates(&app, "p", "a-client-secret-for-tests").await);

    // A patch that sets the secret re-hashes it.
    let a = patch(json!([
        {"op": "add", "path": "/client_secret", "value": "a-patched-secret-for-the-test-1234"},
    ]))
    .await;
    assert_eq!(a.status, StatusCode::OK, "{:?}", a.body);
    assert_eq!(
        a.body["client_secret"],
        "a-patched-secret-for-the-test-1234"
    );
    assert!(authenticates(&app, "p", "a-patched-secret-for-the-test-1234").await);
    assert!(!authenticates(&app, "p", "a-client-secret-for-tests").await);

    // Refused: what PUT refuses, malformed patches, a new id; nothing changes.
    let a =
        patch(json!([{"op": "replace", "path": "/redirect_uris", "value": ["not a url"]}])).await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST, "{:?}", a.body);
    assert_eq!(a.body["error"], "invalid_client_metadata");
    for bad in [
        json!({"op": "replace"}),
        json!([{"op": "test", "path": "/client_name", "value": "other"}]),
        json!([{"op": "remove", "path": "/no_such_field"}]),
        json!([{"op": "replace", "path": "/client_id", "value": "q"}]),
        json!([{"op": "replace", "path": "/redirect_uris", "value": "x"}]),
    ] {
        let a = patch(bad.clone()).await;
        assert_eq!(a.status, StatusCode::BAD_REQUEST, "{bad}: {:?}", a.body);
        assert_eq!(a.body["error"], "invalid_request", "{bad}");
    }
    let now = admin(&app, Method::GET, "/admin/clients/p", None)
        .await
        .body;
    assert_eq!(now["client_name"], "patched");
    assert_eq!(now["redirect_uris"].as_array().unwrap().len(), 2);

    let a = admin(
        &app,
        Method::PATCH,
        "/admin/clients/nobody",
        Some(json!([])),
    )
    .await;
    assert_eq!(a.status, StatusCode::NOT_FOUND);
    // Hydra 1.9.2 has no PATCH.
    let a = admin(&app, Method::PATCH, "/clients/p", Some(json!([]))).await;
    assert_eq!(a.status, StatusCode::METHOD_NOT_ALLOWED);
}
