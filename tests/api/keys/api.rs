//! The admin endpoints: generate, read, import, delete, and their errors.

use super::{admin, assert_generic_error, generate, get_set, kids, send, PRIVATE};
use crate::helpers::Backend;
use crate::{app_or_skip, on_both_backends};
use reqwest::Method;
use serde_json::{json, Value};

on_both_backends!(
    generating_answers_201_with_hydras_private_and_public_pair_for_every_algorithm,
    generating_on_v2_paths_answers_one_key_under_the_kid_asked_for,
    every_endpoint_round_trips_under_both_path_styles,
    put_set_replaces_the_set_and_put_key_creates_or_replaces_one_key,
    unknown_sets_and_keys_are_404_with_a_generic_error,
    malformed_bodies_and_unusable_keys_get_a_400_with_hydras_error_body,
    a_nul_character_in_a_set_name_or_kid_is_a_4xx_never_a_500,
);

async fn generating_answers_201_with_hydras_private_and_public_pair_for_every_algorithm(
    backend: Backend,
) {
    let app = app_or_skip!(backend);
    for (alg, kty, crv) in [
        ("RS256", "RSA", None),
        ("ES256", "EC", Some("P-256")),
        ("ES512", "EC", Some("P-521")),
        ("EdDSA", "OKP", Some("Ed25519")),
    ] {
        let a = admin(
            &app,
            Method::POST,
            "/keys/gen",
            Some(json!({"alg": alg, "use": "sig", "kid": alg})),
        )
        .await;
        assert_eq!(a.status, 201, "{}", a.body);
        assert_eq!(a.headers["location"], "/keys/gen");
        let keys = a.body["keys"].as_array().unwrap();
        assert_eq!(
            kids(keys),
            vec![format!("private:{alg}"), format!("public:{alg}")]
        );
        for k in keys {
            assert_eq!(k["alg"], alg);
            assert_eq!(k["use"], "sig");
            assert_eq!(k["kty"], kty);
            assert_eq!(k.get("crv").and_then(Value::as_str), crv);
        }
        assert!(
            keys[0]["d"].is_string(),
            "the private half has d: {}",
            keys[0]
        );
        for p in PRIVATE {
            assert!(keys[1].get(p).is_none(), "public half has {p}");
        }
        if alg == "RS256" {
            for p in ["n", "e", "d", "p", "q", "dp", "dq", "qi"] {
                assert!(keys[0][p].is_string(), "{p}");
            }
            assert_eq!(keys[0]["n"], keys[1]["n"]);
        }
    }
    // No kid: one is generated; no use: "sig".
    let a = admin(
        &app,
        Method::POST,
        "/keys/gen2",
        Some(json!({"alg": "ES256"})),
    )
    .await;
    assert_eq!(a.status, 201, "{}", a.body);
    let kid = a.body["keys"][1]["kid"].as_str().unwrap();
    assert_eq!(
        kid.strip_prefix("public:").unwrap().len(),
        36,
        "a UUID: {kid}"
    );
    assert_eq!(a.body["keys"][1]["use"], "sig");
    let a = admin(
        &app,
        Method::POST,
        "/keys/gen2",
        Some(json!({"alg": "RS256", "use": "enc", "kid": "e"})),
    )
    .await;
    assert_eq!(a.body["keys"][0]["use"], "enc");
}

/// Hydra v2 generates one key under the kid asked for, and adds it to the set.
async fn generating_on_v2_paths_answers_one_key_under_the_kid_asked_for(backend: Backend) {
    let app = app_or_skip!(backend);
    for (alg, kty) in [("RS256", "RSA"), ("ES256", "EC"), ("EdDSA", "OKP")] {
        let a = admin(
            &app,
            Method::POST,
            "/admin/keys/v2",
            Some(json!({"alg": alg, "use": "sig", "kid": alg})),
        )
        .await;
        assert_eq!(a.status, 201, "{}", a.body);
        assert_eq!(a.headers["location"], "/admin/keys/v2");
        let keys = a.body["keys"].as_array().unwrap();
        assert_eq!(kids(keys), vec![alg]);
        assert_eq!(keys[0]["alg"], alg);
        assert_eq!(keys[0]["use"], "sig");
        assert_eq!(keys[0]["kty"], kty);
        assert!(keys[0]["d"].is_string(), "private members: {}", keys[0]);
        let one = admin(&app, Method::GET, &format!("/admin/keys/v2/{alg}"), None).await;
        assert_eq!(one.status, 200);
        assert_eq!(one.body, json!({ "keys": [keys[0]] }));
    }
    let set = admin(&app, Method::GET, "/admin/keys/v2", None).await;
    assert_eq!(set.status, 200);
    let mut listed = kids(set.body["keys"].as_array().unwrap());
    listed.sort();
    assert_eq!(
        listed,
        vec!["ES256", "EdDSA", "RS256"],
        "added, none replaced"
    );
    // The 1.9.2 path sees the same set.
    assert_eq!(get_set(&app, "v2").await.len(), 3);
    // No kid: a UUID; no use: "sig". The same kid twice: 409.
    let a = admin(
        &app,
        Method::POST,
        "/admin/keys/v2",
        Some(json!({"alg": "ES256"})),
    )
    .await;
    assert_eq!(a.status, 201, "{}", a.body);
    assert_eq!(a.body["keys"][0]["kid"].as_str().unwrap().len(), 36);
    assert_eq!(a.body["keys"][0]["use"], "sig");
    let a = admin(
        &app,
        Method::POST,
        "/admin/keys/v2",
        Some(json!({"alg": "ES256", "use": "sig", "kid": "RS256"})),
    )
    .await;
    assert_generic_error(&a, 409);
    let a = admin(
        &app,
        Method::POST,
        "/admin/keys/v2",
        Some(json!({"alg": "HS256", "use": "sig", "kid": "h"})),
    )
    .await;
    assert_generic_error(&a, 400);
}

async fn every_endpoint_round_trips_under_both_path_styles(backend: Backend) {
    let app = app_or_skip!(backend);
    for base in ["/keys", "/admin/keys"] {
        let set = format!("{}-set", base.replace('/', ""));
        let created = admin(
            &app,
            Method::POST,
            &format!("{base}/{set}"),
            Some(json!({"alg": "ES256", "use": "sig", "kid": "a"})),
        )
        .await;
        assert_eq!(created.status, 201);
        assert_eq!(
            created.headers["location"],
            format!("{base}/{set}").as_str()
        );
        let created = created.body["keys"].as_array().unwrap().clone();

        let listed = admin(&app, Method::GET, &format!("{base}/{set}"), None).await;
        assert_eq!(listed.status, 200);
        assert_eq!(
            listed.body["keys"].as_array().unwrap(),
            &created,
            "GET shows what POST answered, private parts included"
        );

        // Hydra 1.9.2 generates a private:/public: pair, v2 one key under the kid.
        let private_kid = if base == "/keys" { "private:a" } else { "a" };
        let one = admin(
            &app,
            Method::GET,
            &format!("{base}/{set}/{private_kid}"),
            None,
        )
        .await;
        assert_eq!(one.status, 200);
        assert_eq!(one.body, json!({"keys": [created[0]]}));

        // Import a key exported from elsewhere, under a new kid.
        let other = generate(&app, &format!("elsewhere-{set}"), "EdDSA", "x").await;
        let mut imported = other[0].clone();
        imported["kid"] = json!("imported");
        let put = admin(
            &app,
            Method::PUT,
            &format!("{base}/{set}/imported"),
            Some(imported.clone()),
        )
        .await;
        assert_eq!(put.status, 200, "{}", put.body);
        assert_eq!(put.body, imported);
        let got = admin(&app, Method::GET, &format!("{base}/{set}/imported"), None).await;
        assert_eq!(got.body["keys"][0], imported);

        let del = admin(
            &app,
            Method::DELETE,
            &format!("{base}/{set}/imported"),
            None,
        )
        .await;
        assert_eq!(del.status, 204);
        assert_eq!(del.body, Value::Null);
        assert_generic_error(
            &admin(&app, Method::GET, &format!("{base}/{set}/imported"), None).await,
            404,
        );

        let put_set = admin(
            &app,
            Method::PUT,
            &format!("{base}/{set}"),
            Some(json!({"keys": [imported]})),
        )
        .await;
        assert_eq!(put_set.status, 200, "{}", put_set.body);
        assert_eq!(
            kids(put_set.body["keys"].as_array().unwrap()),
            vec!["imported"]
        );

        let del = admin(&app, Method::DELETE, &format!("{base}/{set}"), None).await;
        assert_eq!(del.status, 204);
        assert_generic_error(
            &admin(&app, Method::GET, &format!("{base}/{set}"), None).await,
            404,
        );
    }
}

async fn put_set_replaces_the_set_and_put_key_creates_or_replaces_one_key(backend: Backend) {
    let app = app_or_skip!(backend);
    let first = generate(&app, "s", "RS256", "one").await;
    let second = generate(&app, "donor", "ES512", "two").await;
    // PUT of a set as Hydra exported it (both halves) replaces everything in it.
    let a = admin(&app, Method::PUT, "/keys/s", Some(json!({"keys": second}))).await;
    assert_eq!(a.status, 200, "{}", a.body);
    assert_eq!(a.body["keys"].as_array().unwrap(), &second);
    assert_eq!(
        kids(&get_set(&app, "s").await),
        vec!["private:two", "public:two"]
    );
    // PUT of one key creates it, and replaces it when PUT again.
    let mut key = first[0].clone();
    key["kid"] = json!("one");
    assert_eq!(
        admin(&app, Method::PUT, "/keys/s/one", Some(key.clone()))
            .await
            .status,
        200
    );
    let replacement = generate(&app, "donor", "RS256", "three").await[0].clone();
    let mut replacement_key = replacement.clone();
    replacement_key["kid"] = json!("one");
    let a = admin(
        &app,
        Method::PUT,
        "/keys/s/one",
        Some(replacement_key.clone()),
    )
    .await;
    assert_eq!(a.status, 200);
    assert_eq!(a.body["n"], replacement["n"]);
    assert_eq!(get_set(&app, "s").await.len(), 3);
    // A body without kid takes the path's; a different kid is refused.
    let mut no_kid = replacement_key.clone();
    no_kid.as_object_mut().unwrap().remove("kid");
    let a = admin(&app, Method::PUT, "/keys/s/from-path", Some(no_kid)).await;
    assert_eq!(a.status, 200, "{}", a.body);
    assert_eq!(a.body["kid"], "from-path");
    assert_generic_error(
        &admin(&app, Method::PUT, "/keys/s/mismatch", Some(replacement_key)).await,
        400,
    );
    // A public key alone can be imported: published, never used to sign.
    let mut public = second[1].clone();
    public["kid"] = json!("public-only");
    let a = admin(
        &app,
        Method::PUT,
        "/keys/s/public-only",
        Some(public.clone()),
    )
    .await;
    assert_eq!(a.body, public);
}

async fn unknown_sets_and_keys_are_404_with_a_generic_error(backend: Backend) {
    let app = app_or_skip!(backend);
    generate(&app, "known", "ES256", "k").await;
    for base in ["/keys", "/admin/keys"] {
        for (method, path) in [
            (Method::GET, "nope"),
            (Method::DELETE, "nope"),
            (Method::GET, "nope/k"),
            (Method::DELETE, "nope/k"),
            (Method::GET, "known/nope"),
            (Method::DELETE, "known/nope"),
        ] {
            let a = admin(&app, method.clone(), &format!("{base}/{path}"), None).await;
            assert_generic_error(&a, 404);
            assert_eq!(a.body["error"], "Not Found", "{method} {path}");
        }
    }
    assert_eq!(
        get_set(&app, "known").await.len(),
        2,
        "failed deletes removed nothing"
    );
}

async fn malformed_bodies_and_unusable_keys_get_a_400_with_hydras_error_body(backend: Backend) {
    let app = app_or_skip!(backend);
    let donor = generate(&app, "donor", "RS256", "d").await[0].clone();
    let raw = |method: Method, path: &str, body: &str| {
        let url = app.admin_url(path);
        let body = body.to_string();
        let app = &app;
        async move { send(app, url, method, Some(body)).await }
    };
    for (method, path, body) in [
        (Method::POST, "/keys/s", "{"),
        (Method::POST, "/keys/s", ""),
        (Method::POST, "/keys/s", "[]"),
        (Method::POST, "/keys/s", r#"{"alg": 256}"#),
        (
            Method::POST,
            "/keys/s",
            r#"{"alg": "RS256", "use": ["sig"]}"#,
        ),
        (Method::POST, "/keys/s", r#"{"alg": "RS256", "kid": {}}"#),
        (
            Method::POST,
            "/admin/keys/s",
            r#"{"alg": "HS256", "use": "sig", "kid": "h"}"#,
        ),
        (
            Method::POST,
            "/keys/s",
            r#"{"alg": "RS256", "use": "wrap", "kid": "h"}"#,
        ),
        (Method::PUT, "/keys/s", r#"{"keys": "x"}"#),
        (Method::PUT, "/keys/s", r#"{"keys": [{"kty": 1}]}"#),
        (Method::PUT, "/keys/s", r#"{"keys": []}"#),
        (
            Method::PUT,
            "/keys/s",
            r#"{"keys": [{"kid": "a", "kty": "RSA", "n": "AQAB", "e": "AQAB"}]}"#,
        ),
        (Method::PUT, "/keys/s/k", r#"{"kty": ["RSA"]}"#),
        (
            Method::PUT,
            "/keys/s/k",
            r#"{"kty": "oct", "k": "c2VjcmV0", "alg": "HS256"}"#,
        ),
        (
            Method::PUT,
            "/admin/keys/s/k",
            r#"{"kty": "EC", "crv": "P-256", "x": "AQAB", "y": "AQAB"}"#,
        ),
        (
            Method::PUT,
            "/keys/s/k",
            r#"{"kty": "RSA", "x5c": "not-a-list"}"#,
        ),
    ] {
        let a = raw(method.clone(), path, body).await;
        assert_generic_error(&a, 400);
        assert_eq!(
            a.body["error"], "Bad Request",
            "{method} {path} {body}: {}",
            a.body
        );
    }
    // A private exponent that does not belong to the modulus.
    let mut mixed = donor.clone();
    mixed["kid"] = json!("k");
    mixed["d"] = generate(&app, "donor2", "RS256", "e").await[0]["d"].clone();
    assert_generic_error(
        &admin(&app, Method::PUT, "/keys/s/k", Some(mixed)).await,
        400,
    );
    // The same kid twice in one set.
    let a = admin(
        &app,
        Method::POST,
        "/keys/donor",
        Some(json!({"alg": "ES256", "use": "sig", "kid": "d"})),
    )
    .await;
    assert_generic_error(&a, 409);
    // Nothing was stored by any of these.
    assert_generic_error(&admin(&app, Method::GET, "/keys/s", None).await, 404);
}

/// PostgreSQL refuses NUL in TEXT; a path naming one is the caller's mistake on any backend.
async fn a_nul_character_in_a_set_name_or_kid_is_a_4xx_never_a_500(backend: Backend) {
    let app = app_or_skip!(backend);
    generate(&app, "known", "ES256", "k").await;
    for base in ["/keys", "/admin/keys"] {
        for (method, path) in [
            (Method::GET, "a%00b"),
            (Method::DELETE, "a%00b"),
            (Method::GET, "a%00b/k"),
            (Method::GET, "known/a%00b"),
            (Method::DELETE, "known/a%00b"),
        ] {
            let a = admin(&app, method.clone(), &format!("{base}/{path}"), None).await;
            let status = a.status.as_u16();
            assert!(
                (400..500).contains(&status),
                "{method} {base}/{path}: {status}"
            );
            assert_generic_error(&a, status);
        }
    }
    assert_eq!(get_set(&app, "known").await.len(), 2);
}
