//! The token endpoint: client authentication, the client_credentials grant, error
//! bodies for malformed requests, and JWT access tokens.

use crate::helpers::Backend;
use crate::tokens_support::*;
use crate::{app_or_skip, on_both_backends};
use serde_json::json;

on_both_backends!(
    client_credentials_with_basic_auth_issues_an_opaque_bearer_token,
    each_client_may_only_use_its_registered_authentication_method,
    wrong_or_missing_credentials_are_401_invalid_client,
    basic_credentials_are_form_url_decoded,
    scope_and_audience_are_limited_to_the_clients_own,
    grant_type_errors_are_rfc6749_errors,
    malformed_bodies_and_headers_are_answered_with_4xx,
    jwt_access_tokens_verify_with_the_jwks_and_stay_revocable,
    an_expired_client_secret_is_refused,
    legacy_error_fields_and_internal_errors_follow_the_settings,
);

async fn client_credentials_with_basic_auth_issues_an_opaque_bearer_token(backend: Backend) {
    let app = app_or_skip!(backend);
    let (id, secret) = full_client(&app, "svc", json!({})).await;
    let a = client_credentials(&app, &id, &secret, "profile photos.read").await;
    assert_eq!(a.status, 200, "{}", a.text);
    assert_eq!(a.header("cache-control"), "no-store");
    assert_eq!(a.header("pragma"), "no-cache");
    assert!(a.header("content-type").starts_with("application/json"));
    let b = &a.body;
    assert!(b["access_token"].as_str().unwrap().starts_with("ptc_at_"));
    assert_eq!(b["token_type"], "bearer");
    let exp = b["expires_in"].as_i64().unwrap();
    assert!((3590..=3600).contains(&exp), "{exp}");
    assert_eq!(b["scope"], "profile photos.read");
    assert!(b.get("refresh_token").is_none() && b.get("id_token").is_none());
    let keys: Vec<_> = b.as_object().unwrap().keys().cloned().collect();
    assert_eq!(keys.len(), 4, "nothing but the four fields: {keys:?}");
    assert!(is_active(&app, b["access_token"].as_str().unwrap()).await);
    // Only the signature is stored, never the token.
    assert_eq!(count(&app, backend, "oauth2_access_tokens").await, 1);
}

async fn each_client_may_only_use_its_registered_authentication_method(backend: Backend) {
    let app = app_or_skip!(backend);
    let (id, secret) = full_client(
        &app,
        "poster",
        json!({"token_endpoint_auth_method": "client_secret_post"}),
    )
    .await;
    let form = [
        ("grant_type", "client_credentials"),
        ("client_id", id.as_str()),
        ("client_secret", secret.as_str()),
    ];
    let ok = token_request(&app, None, &form).await;
    assert_eq!(ok.status, 200, "{}", ok.text);
    let basic_used = client_credentials(&app, &id, &secret, "").await;
    assert_eq!(basic_used.status, 401);
    assert_eq!(basic_used.error(), "invalid_client");
    assert!(basic_used.header("www-authenticate").starts_with("Basic"));

    let (bid, bsecret) = full_client(&app, "basic-only", json!({})).await;
    let post_used = token_request(
        &app,
        None,
        &[
            ("grant_type", "client_credentials"),
            ("client_id", &bid),
            ("client_secret", &bsecret),
        ],
    )
    .await;
    assert_eq!(post_used.status, 401);
    assert_eq!(post_used.error(), "invalid_client");
    assert_eq!(
        post_used.header("www-authenticate"),
        "",
        "no Basic was tried"
    );

    // Two methods at once are refused.
    let both = token_request(
        &app,
        Some(basic(&bid, &bsecret)),
        &[
            ("grant_type", "client_credentials"),
            ("client_secret", &bsecret),
        ],
    )
    .await;
    assert_eq!(both.status, 400);
    assert_eq!(both.error(), "invalid_request");

    // A public client authenticates with its id only, and may not send a secret.
    let (pid, _) = create_client(
        &app,
        json!({"client_id": "spa", "token_endpoint_auth_method": "none",
               "grant_types": ["authorization_code", "refresh_token", "client_credentials"]}),
    )
    .await;
    let public = token_request(
        &app,
        None,
        &[("grant_type", "client_credentials"), ("client_id", &pid)],
    )
    .await;
    assert_eq!(public.status, 400, "{}", public.text);
    assert_eq!(public.error(), "unauthorized_client");
    let with_secret = token_request(
        &app,
        None,
        &[
            ("grant_type", "client_credentials"),
            ("client_id", &pid),
            ("client_secret", "x"),
        ],
    )
    .await;
    assert_eq!(with_secret.status, 401);
}

async fn wrong_or_missing_credentials_are_401_invalid_client(backend: Backend) {
    let app = app_or_skip!(backend);
    let (id, secret) = full_client(&app, "svc", json!({})).await;
    for (who, pass) in [
        (id.as_str(), "wrong"),
        ("nobody", secret.as_str()),
        (id.as_str(), ""),
    ] {
        let a = client_credentials(&app, who, pass, "").await;
        assert_eq!(a.status, 401, "{who}: {}", a.text);
        assert_eq!(a.error(), "invalid_client");
        assert_eq!(a.header("www-authenticate"), "Basic realm=\"portcullis\"");
        let keys: Vec<_> = a.body.as_object().unwrap().keys().cloned().collect();
        assert_eq!(keys, ["error", "error_description"], "RFC 6749 §5.2 only");
        assert_eq!(a.header("cache-control"), "no-store");
    }
    let none = token_request(&app, None, &[("grant_type", "client_credentials")]).await;
    assert_eq!(none.status, 400);
    assert_eq!(none.error(), "invalid_request");
}

async fn basic_credentials_are_form_url_decoded(backend: Backend) {
    let app = app_or_skip!(backend);
    let secret = "s3cret with+plus%and:colon&amp=";
    let (id, _) = full_client(&app, "my.app", json!({"client_secret": secret})).await;
    let a = client_credentials(&app, &id, secret, "").await;
    assert_eq!(a.status, 200, "{}", a.text);
    // Sent raw, `+` would be a space and `%an` a malformed escape.
    let raw = format!(
        "Basic {}",
        base64::Engine::encode(
            &base64::engine::general_purpose::STANDARD,
            format!("{id}:{secret}")
        )
    );
    let r = token_request(&app, Some(raw), &[("grant_type", "client_credentials")]).await;
    assert!(r.status == 400 || r.status == 401, "{}", r.text);
}

async fn scope_and_audience_are_limited_to_the_clients_own(backend: Backend) {
    let app = app_or_skip!(backend);
    let (id, secret) = full_client(&app, "svc", json!({})).await;
    let a = client_credentials(&app, &id, &secret, "admin").await;
    assert_eq!(a.status, 400);
    assert_eq!(a.error(), "invalid_scope");
    assert!(a.body["error_description"]
        .as_str()
        .unwrap()
        .contains("'admin'"));
    // The wildcard strategy: photos.* grants photos.read.
    assert_eq!(
        client_credentials(&app, &id, &secret, "photos.read")
            .await
            .status,
        200
    );
    let aud = |a: &'static str| {
        let (id, secret) = (id.clone(), secret.clone());
        let app = &app;
        async move {
            token_request(
                app,
                Some(basic(&id, &secret)),
                &[("grant_type", "client_credentials"), ("audience", a)],
            )
            .await
        }
    };
    let ok = aud("https://api.example.com/v1").await;
    assert_eq!(ok.status, 200, "{}", ok.text);
    let t = ok.body["access_token"].as_str().unwrap().to_string();
    assert_eq!(
        introspect(&app, &t, None).await.body["aud"],
        json!(["https://api.example.com/v1"])
    );
    let bad = aud("https://evil.example.com").await;
    assert_eq!(bad.status, 400);
    assert_eq!(bad.error(), "invalid_request");
}

async fn grant_type_errors_are_rfc6749_errors(backend: Backend) {
    let app = app_or_skip!(backend);
    let (id, secret) = full_client(&app, "svc", json!({})).await;
    let missing = token_request(&app, Some(basic(&id, &secret)), &[("scope", "x")]).await;
    assert_eq!(
        (missing.status.as_u16(), missing.error()),
        (400, "invalid_request")
    );
    let unknown = token_request(
        &app,
        Some(basic(&id, &secret)),
        &[("grant_type", "password")],
    )
    .await;
    assert_eq!(
        (unknown.status.as_u16(), unknown.error()),
        (400, "unsupported_grant_type")
    );
    let (cid, csecret) = create_client(
        &app,
        json!({"client_id": "code-only", "grant_types": ["authorization_code"]}),
    )
    .await;
    let not_allowed = client_credentials(&app, &cid, &csecret, "").await;
    assert_eq!(
        (not_allowed.status.as_u16(), not_allowed.error()),
        (400, "unauthorized_client")
    );
    for a in [&missing, &unknown, &not_allowed] {
        assert!(a.body["error_description"].is_string());
        assert_eq!(a.header("cache-control"), "no-store");
    }
}

async fn malformed_bodies_and_headers_are_answered_with_4xx(backend: Backend) {
    let app = app_or_skip!(backend);
    let (id, secret) = full_client(&app, "svc", json!({})).await;
    let url = app.public_url("/oauth2/token");
    let send = |body: Vec<u8>, auth: Option<String>| {
        let mut r = app
            .http
            .post(&url)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body);
        if let Some(a) = auth {
            r = r.header("authorization", a);
        }
        async move { answer(r.send().await.unwrap()).await }
    };
    let cases: Vec<(Vec<u8>, Option<String>)> = vec![
        (b"".to_vec(), Some(basic(&id, &secret))),
        (
            b"grant_type=client_credentials&grant_type=client_credentials".to_vec(),
            Some(basic(&id, &secret)),
        ),
        (
            b"grant_type=client_credentials&\xff\xfe=%zz".to_vec(),
            Some(basic(&id, &secret)),
        ),
        (
            b"grant_type=client_credentials".to_vec(),
            Some("Basic !!!not-base64".into()),
        ),
        (
            b"grant_type=client_credentials".to_vec(),
            Some("Basic Zm9v".into()),
        ),
        (
            b"grant_type=client_credentials".to_vec(),
            Some("Basic OnNlY3JldA==".into()),
        ),
        (
            b"grant_type=client_credentials".to_vec(),
            Some(format!(
                "Basic {}",
                base64::Engine::encode(&base64::engine::general_purpose::STANDARD, "a%ZZ:b")
            )),
        ),
        (
            b"grant_type=client_credentials&client_assertion_type=urn:bogus&client_assertion=x"
                .to_vec(),
            None,
        ),
        (
            b"grant_type=client_credentials&client_assertion=x".to_vec(),
            None,
        ),
        (vec![b'a'; 2 * 1024 * 1024], None),
    ];
    for (i, (body, auth)) in cases.into_iter().enumerate() {
        let a = send(body, auth).await;
        let s = a.status.as_u16();
        assert!((400..500).contains(&s), "case {i}: {s} {}", a.text);
        if s != 413 {
            assert!(a.body["error"].is_string(), "case {i}: {}", a.text);
        }
    }
}

async fn jwt_access_tokens_verify_with_the_jwks_and_stay_revocable(backend: Backend) {
    let app = app_or_skip!(backend, |s| s.strategies.access_token = "jwt".into());
    let (id, secret) = full_client(&app, "svc", json!({})).await;
    let a = token_request(
        &app,
        Some(basic(&id, &secret)),
        &[
            ("grant_type", "client_credentials"),
            ("scope", "profile"),
            ("audience", "https://api.example.com"),
        ],
    )
    .await;
    assert_eq!(a.status, 200, "{}", a.text);
    let jwt = a.body["access_token"].as_str().unwrap();
    let header = jsonwebtoken::decode_header(jwt).unwrap();
    assert_eq!(header.typ.as_deref(), Some("at+jwt"));
    let claims = verify_jwt(&app, jwt, Some("https://api.example.com")).await;
    assert_eq!(claims["sub"], "svc");
    assert_eq!(claims["client_id"], "svc");
    assert_eq!(claims["scope"], "profile");
    assert_eq!(claims["scp"], json!(["profile"]));
    assert!(claims["jti"].is_string());
    assert!(is_active(&app, jwt).await);
    // A JWT with a forged payload but a real signature segment is not accepted.
    let parts: Vec<&str> = jwt.split('.').collect();
    let forged = format!("{}.{}.{}", parts[0], "eyJzdWIiOiJtYWxsb3J5In0", parts[2]);
    assert_eq!(
        introspect(&app, &forged, None).await.body,
        json!({"active": false})
    );
    assert_eq!(revoke(&app, &id, &secret, jwt).await.status, 200);
    assert!(!is_active(&app, jwt).await);
}

async fn an_expired_client_secret_is_refused(backend: Backend) {
    let app = app_or_skip!(backend, crate::helpers::without_cache);
    let (id, secret) = full_client(&app, "svc", json!({})).await;
    assert_eq!(client_credentials(&app, &id, &secret, "").await.status, 200);
    execute(
        &app,
        backend,
        "UPDATE clients SET client_secret_expires_at = 1000 WHERE id = $1",
        std::slice::from_ref(&id),
    )
    .await;
    let a = client_credentials(&app, &id, &secret, "").await;
    assert_eq!((a.status.as_u16(), a.error()), (401, "invalid_client"));
}

async fn legacy_error_fields_and_internal_errors_follow_the_settings(backend: Backend) {
    let app = app_or_skip!(backend, |s| {
        s.oauth2.include_legacy_error_fields = true;
        s.oauth2.expose_internal_errors = true;
    });
    let (id, _) = full_client(&app, "svc", json!({})).await;
    let a = client_credentials(&app, &id, "wrong", "").await;
    assert_eq!(a.status, 401);
    assert_eq!(a.error(), "invalid_client");
    assert_eq!(a.body["status_code"], 401);
    assert_eq!(
        a.body["error_description"],
        "Client authentication failed (e.g., unknown client, no client authentication included, or unsupported authentication method)."
    );
    assert!(a.body["error_hint"]
        .as_str()
        .unwrap()
        .contains("client secret"));
    assert!(a.header("www-authenticate").starts_with("Basic"));
    assert_eq!(a.header("cache-control"), "no-store");
    // An internal error shows its cause only because expose_internal_errors is on.
    execute(&app, backend, "DROP TABLE oauth2_access_tokens", &[]).await;
    let i = introspect(&app, "ptc_at_x.y", None).await;
    assert_eq!(
        i.status, 200,
        "a malformed token never reaches the database"
    );
    let (id2, secret2) = full_client(&app, "svc2", json!({})).await;
    let e = client_credentials(&app, &id2, &secret2, "").await;
    assert_eq!((e.status.as_u16(), e.error()), (500, "server_error"));
    assert!(
        e.body["error_debug"]
            .as_str()
            .unwrap()
            .contains("oauth2_access_tokens"),
        "{}",
        e.text
    );
}
