//! `/.well-known/jwks.json`: what is published, and key rotation.

use super::{admin, generate, get_set, jwks, kids, send, PRIVATE};
use crate::helpers::Backend;
use crate::{app_or_skip, on_both_backends};
use portcullis::jwk::{ACCESS_TOKEN_SET, ID_TOKEN_SET};
use reqwest::Method;
use serde_json::{json, Value};

on_both_backends!(
    jwks_publishes_only_public_parts_of_both_default_sets_with_cache_headers,
    a_new_key_signs_at_once_and_older_keys_stay_published,
    a_key_generated_on_v2_paths_is_published_and_signs_under_its_own_kid,
);

async fn jwks_publishes_only_public_parts_of_both_default_sets_with_cache_headers(
    backend: Backend,
) {
    let app = app_or_skip!(backend);
    let a = jwks(&app).await;
    assert_eq!(a.status, 200);
    assert_eq!(a.headers["content-type"], "application/json");
    let cache = a.headers["cache-control"].to_str().unwrap();
    assert!(
        cache.contains("max-age=30") && cache.contains("public"),
        "{cache}"
    );
    let keys = a.body["keys"].as_array().unwrap();
    let id_token = get_set(&app, ID_TOKEN_SET).await;
    let access_token = get_set(&app, ACCESS_TOKEN_SET).await;
    assert_eq!(
        kids(keys),
        vec![
            id_token[1]["kid"].as_str().unwrap(),
            access_token[1]["kid"].as_str().unwrap()
        ]
    );
    for k in keys {
        assert!(k["kid"].as_str().unwrap().starts_with("public:"), "{k}");
        assert_eq!(
            (&k["kty"], &k["alg"], &k["use"]),
            (&json!("RSA"), &json!("RS256"), &json!("sig"))
        );
        for p in PRIVATE {
            assert!(k.get(p).is_none(), "{p} published: {k}");
        }
    }
    // Imported private keys with other names, other algorithms: still nothing private.
    generate(&app, ID_TOKEN_SET, "EdDSA", "ed").await;
    let mut custom = generate(&app, "donor", "ES512", "x").await[0].clone();
    custom["kid"] = json!("custom");
    assert_eq!(
        admin(
            &app,
            Method::PUT,
            &format!("/keys/{ACCESS_TOKEN_SET}/custom"),
            Some(custom)
        )
        .await
        .status,
        200
    );
    let text = app
        .http
        .get(app.public_url("/.well-known/jwks.json"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let doc: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(doc["keys"].as_array().unwrap().len(), 4, "{text}");
    for p in PRIVATE {
        assert!(!text.contains(&format!("\"{p}\"")), "{p} in {text}");
    }
    // The admin API is not on the public port.
    assert_eq!(
        send(
            &app,
            app.public_url(&format!("/keys/{ID_TOKEN_SET}")),
            Method::GET,
            None
        )
        .await
        .status,
        404
    );
}

async fn a_new_key_signs_at_once_and_older_keys_stay_published(backend: Backend) {
    let app = app_or_skip!(backend);
    let state_kid = |keys: &Vec<Value>| keys[1]["kid"].as_str().unwrap().to_string();
    let original = state_kid(&get_set(&app, ID_TOKEN_SET).await);
    let before = jwks(&app).await.body;
    generate(&app, ID_TOKEN_SET, "RS256", "rotated").await;
    let after = jwks(&app).await.body;
    let published = kids(after["keys"].as_array().unwrap())
        .into_iter()
        .map(String::from)
        .collect::<Vec<_>>();
    assert_eq!(published[0], "public:rotated", "newest first");
    assert!(
        published.contains(&original),
        "the old key stays published: {published:?}"
    );
    assert_eq!(
        after["keys"].as_array().unwrap().len(),
        before["keys"].as_array().unwrap().len() + 1
    );
    // Deleting the old pair unpublishes it.
    for half in ["private", "public"] {
        let kid = original.replacen("public:", &format!("{half}:"), 1);
        assert_eq!(
            admin(
                &app,
                Method::DELETE,
                &format!("/keys/{ID_TOKEN_SET}/{kid}"),
                None
            )
            .await
            .status,
            204
        );
    }
    let after = jwks(&app).await.body;
    assert!(!kids(after["keys"].as_array().unwrap()).contains(&original.as_str()));
}

/// Hydra v2: `POST /admin/keys/{set}` makes one key; its public half is published under
/// the kid asked for, and ID tokens name that kid.
async fn a_key_generated_on_v2_paths_is_published_and_signs_under_its_own_kid(backend: Backend) {
    use crate::flow_support::{assert_code, auth_url, browser, create_client, full_flow, unb64};
    let app = app_or_skip!(backend);
    let made = admin(
        &app,
        Method::POST,
        &format!("/admin/keys/{ID_TOKEN_SET}"),
        Some(json!({"alg": "ES256", "use": "sig", "kid": "v2-rotated"})),
    )
    .await;
    assert_eq!(made.status, 201, "{}", made.body);
    let published = jwks(&app).await.body;
    let first = &published["keys"][0];
    assert_eq!(first["kid"], "v2-rotated", "newest first: {published}");
    assert_eq!(first["x"], made.body["keys"][0]["x"]);
    for p in PRIVATE {
        assert!(first.get(p).is_none(), "published key has {p}");
    }

    create_client(&app, "app", json!({})).await;
    let to = full_flow(&app, &browser(), &auth_url(&app, "app", ""), "alice", false).await;
    let code = assert_code(&app, &to);
    let r = app
        .http
        .post(app.public_url("/oauth2/token"))
        .basic_auth("app", Some("a-client-secret-for-tests"))
        .form(&[
            ("grant_type", "authorization_code"),
            ("code", code.as_str()),
            ("redirect_uri", crate::flow_support::CB),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let body: Value = r.json().await.unwrap();
    let id_token = body["id_token"].as_str().unwrap();
    let header: Value =
        serde_json::from_slice(&unb64(id_token.split('.').next().unwrap())).unwrap();
    assert_eq!(header["kid"], "v2-rotated");
    assert_eq!(header["alg"], "ES256");
}
