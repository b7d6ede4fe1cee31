//! Introspection, revocation, token maintenance (flush, delete by client), discovery,
//! and what storage failures look like.

use crate::helpers::Backend;
use crate::tokens_support::*;
use crate::{app_or_skip, on_both_backends};
use serde_json::json;

on_both_backends!(
    introspection_reports_hydras_fields_and_checks_scope,
    unknown_and_garbage_tokens_introspect_as_inactive,
    introspection_is_served_on_the_admin_port_only,
    revocation_revokes_and_answers_200_for_unknown_tokens,
    revocation_refuses_other_clients_tokens_and_unauthenticated_callers,
    deleting_a_clients_tokens_deactivates_them,
    flush_deletes_expired_tokens_in_batches,
    discovery_documents_advertise_what_works,
    storage_failures_are_errors_never_inactive_or_revoked,
);

async fn introspection_reports_hydras_fields_and_checks_scope(backend: Backend) {
    let app = app_or_skip!(backend);
    let (id, secret) = full_client(&app, "svc", json!({})).await;
    let t = client_credentials(&app, &id, &secret, "profile photos.read").await;
    let token = t.body["access_token"].as_str().unwrap();
    let a = introspect(&app, token, None).await;
    assert_eq!(a.status, 200);
    assert_eq!(a.header("cache-control"), "no-store");
    let b = &a.body;
    assert_eq!(b["active"], true);
    assert_eq!(b["scope"], "profile photos.read");
    assert_eq!(b["client_id"], "svc");
    assert_eq!(b["sub"], "svc");
    assert_eq!(b["token_type"], "Bearer");
    assert_eq!(b["token_use"], "access_token");
    assert_eq!(b["iss"], format!("{}/", app.public));
    assert_eq!(b["aud"], json!([]));
    let (iat, nbf, exp) = (
        b["iat"].as_i64().unwrap(),
        b["nbf"].as_i64().unwrap(),
        b["exp"].as_i64().unwrap(),
    );
    assert_eq!(iat, nbf);
    assert_eq!(exp - iat, 3600);
    assert!((iat - now()).abs() < 10);
    assert!(b.get("ext").is_none() && b.get("obfuscated_subject").is_none());
    // The optional scope check.
    assert_eq!(
        introspect(&app, token, Some("profile")).await.body["active"],
        true
    );
    assert_eq!(
        introspect(&app, token, Some("profile photos.read"))
            .await
            .body["active"],
        true
    );
    assert_eq!(
        introspect(&app, token, Some("email")).await.body,
        json!({"active": false})
    );
    // The newer admin path answers the same.
    let v26 = answer(
        app.http
            .post(app.admin_url("/admin/oauth2/introspect"))
            .form(&[("token", token)])
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(v26.body, a.body);
}

async fn unknown_and_garbage_tokens_introspect_as_inactive(backend: Backend) {
    let app = app_or_skip!(backend);
    let (id, secret) = full_client(&app, "svc", json!({})).await;
    let token = client_credentials(&app, &id, &secret, "").await.body["access_token"]
        .as_str()
        .unwrap()
        .to_string();
    let last = if token.ends_with('A') { "B" } else { "A" };
    let forged = format!("{}{last}", &token[..token.len() - 1]);
    for t in [
        "ptc_at_unknown.token",
        forged.as_str(),
        "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.",
        "a.b.c",
        "garbage",
        &token.replacen("ptc_at_", "ptc_rt_", 1),
    ] {
        let a = introspect(&app, t, None).await;
        assert_eq!(a.status, 200);
        assert_eq!(a.body, json!({"active": false}), "{t}");
    }
    let missing = answer(
        app.http
            .post(app.admin_url("/oauth2/introspect"))
            .form(&[("scope", "x")])
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(missing.status, 400);
    assert_eq!(missing.error(), "invalid_request");
    let empty = answer(
        app.http
            .post(app.admin_url("/oauth2/introspect"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(empty.status, 400);
}

async fn introspection_is_served_on_the_admin_port_only(backend: Backend) {
    let app = app_or_skip!(backend);
    let r = app
        .http
        .post(app.public_url("/oauth2/introspect"))
        .form(&[("token", "x")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
}

async fn revocation_revokes_and_answers_200_for_unknown_tokens(backend: Backend) {
    let app = app_or_skip!(backend);
    let (id, secret) = full_client(&app, "svc", json!({})).await;
    let token = client_credentials(&app, &id, &secret, "").await.body["access_token"]
        .as_str()
        .unwrap()
        .to_string();
    let a = revoke(&app, &id, &secret, &token).await;
    assert_eq!(a.status, 200, "{}", a.text);
    assert_eq!(a.header("cache-control"), "no-store");
    assert!(a.text.is_empty());
    assert!(!is_active(&app, &token).await);
    assert_eq!(
        revoke(&app, &id, &secret, &token).await.status,
        200,
        "revoking twice is fine"
    );
    assert_eq!(
        revoke(&app, &id, &secret, "ptc_at_nope.nope").await.status,
        200
    );
    assert_eq!(revoke(&app, &id, &secret, "garbage").await.status, 200);
    let missing = answer(
        app.http
            .post(app.public_url("/oauth2/revoke"))
            .header("Authorization", basic(&id, &secret))
            .form(&[("x", "y")])
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        (missing.status.as_u16(), missing.error()),
        (400, "invalid_request")
    );
}

async fn revocation_refuses_other_clients_tokens_and_unauthenticated_callers(backend: Backend) {
    let app = app_or_skip!(backend);
    let (id, secret) = full_client(&app, "svc", json!({})).await;
    let (other, other_secret) = full_client(&app, "other", json!({})).await;
    let token = client_credentials(&app, &id, &secret, "").await.body["access_token"]
        .as_str()
        .unwrap()
        .to_string();
    let a = revoke(&app, &other, &other_secret, &token).await;
    assert_eq!((a.status.as_u16(), a.error()), (400, "unauthorized_client"));
    assert!(is_active(&app, &token).await);
    let bad = revoke(&app, &id, "wrong", &token).await;
    assert_eq!((bad.status.as_u16(), bad.error()), (401, "invalid_client"));
    let anon = answer(
        app.http
            .post(app.public_url("/oauth2/revoke"))
            .form(&[("token", token.as_str())])
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(anon.status, 400);
    assert!(is_active(&app, &token).await);
}

async fn deleting_a_clients_tokens_deactivates_them(backend: Backend) {
    let app = app_or_skip!(backend);
    let (id, secret) = full_client(&app, "svc", json!({})).await;
    let (other, other_secret) = full_client(&app, "other", json!({})).await;
    let t1 = client_credentials(&app, &id, &secret, "").await.body["access_token"]
        .as_str()
        .unwrap()
        .to_string();
    let t2 = client_credentials(&app, &other, &other_secret, "")
        .await
        .body["access_token"]
        .as_str()
        .unwrap()
        .to_string();
    let r = app
        .http
        .delete(app.admin_url("/oauth2/tokens?client_id=svc"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
    assert!(!is_active(&app, &t1).await);
    assert!(is_active(&app, &t2).await);
    let r = app
        .http
        .delete(app.admin_url("/admin/oauth2/tokens?client_id=other"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
    assert!(!is_active(&app, &t2).await);
    let missing = app
        .http
        .delete(app.admin_url("/oauth2/tokens"))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), 400);
    let unknown = app
        .http
        .delete(app.admin_url("/oauth2/tokens?client_id=ghost"))
        .send()
        .await
        .unwrap();
    assert_eq!(unknown.status(), 204);
}

async fn flush_deletes_expired_tokens_in_batches(backend: Backend) {
    let app = app_or_skip!(backend);
    let (id, secret) = full_client(&app, "svc", json!({})).await;
    for _ in 0..3 {
        assert_eq!(client_credentials(&app, &id, &secret, "").await.status, 200);
    }
    // Expire them (a minute ago) rather than waiting for them to expire.
    let past = (now() - 60).to_string();
    execute(
        &app,
        backend,
        &format!("UPDATE oauth2_access_tokens SET expires_at = {past}"),
        &[],
    )
    .await;
    let fresh = client_credentials(&app, &id, &secret, "").await.body["access_token"]
        .as_str()
        .unwrap()
        .to_string();
    // notAfter in the past keeps everything newer than it.
    let r = app
        .http
        .post(app.admin_url("/oauth2/flush"))
        .json(&json!({"notAfter": "2000-01-01T00:00:00Z"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
    assert_eq!(count(&app, backend, "oauth2_access_tokens").await, 4);
    let expired_code = CodeSeed {
        client_id: "svc",
        expires_in: -1,
        ..CodeSeed::default()
    };
    seed_code(&app, backend, expired_code).await;
    execute(
        &app,
        backend,
        "INSERT INTO flow_logout_requests (challenge, subject, sid, client_id, request_url, \
         redirect_to, rp_initiated, requested_at) VALUES ($1, 's', 'sid', '', '', '', FALSE, 0)",
        &["old-logout".to_string()],
    )
    .await;
    let r = app
        .http
        .post(app.admin_url("/oauth2/flush"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
    assert_eq!(count(&app, backend, "oauth2_access_tokens").await, 1);
    assert_eq!(count(&app, backend, "oauth2_authorize_codes").await, 0);
    assert_eq!(count(&app, backend, "flow_logout_requests").await, 0);
    assert!(is_active(&app, &fresh).await);
    let bad = app
        .http
        .post(app.admin_url("/oauth2/flush"))
        .json(&json!({"notAfter": "yesterday"}))
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 400);
    let bad = app
        .http
        .post(app.admin_url("/oauth2/flush"))
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 400);
}

async fn discovery_documents_advertise_what_works(backend: Backend) {
    let app = app_or_skip!(backend);
    let get = |p: &'static str| {
        let url = app.public_url(p);
        let http = app.http.clone();
        async move { answer(http.get(url).send().await.unwrap()).await }
    };
    let oidc = get("/.well-known/openid-configuration").await;
    assert_eq!(oidc.status, 200);
    let d = &oidc.body;
    let base = &app.public;
    assert_eq!(d["issuer"], format!("{base}/"));
    assert_eq!(d["authorization_endpoint"], format!("{base}/oauth2/auth"));
    assert_eq!(d["token_endpoint"], format!("{base}/oauth2/token"));
    assert_eq!(d["jwks_uri"], format!("{base}/.well-known/jwks.json"));
    assert_eq!(d["userinfo_endpoint"], format!("{base}/userinfo"));
    assert_eq!(d["revocation_endpoint"], format!("{base}/oauth2/revoke"));
    assert_eq!(
        d["end_session_endpoint"],
        format!("{base}/oauth2/sessions/logout")
    );
    assert_eq!(d["subject_types_supported"], json!(["public"]));
    assert_eq!(d["id_token_signing_alg_values_supported"], json!(["RS256"]));
    // What openid-client reads to use PKCE (Hydra 1.9.2's SDK gets these cut: sdk_shapes).
    assert_eq!(d["code_challenge_methods_supported"], json!(["S256"]));
    assert_eq!(d["authorization_response_iss_parameter_supported"], true);
    // Only what /oauth2/auth actually answers (implicit and hybrid: flow_implicit_errors).
    assert!(d["response_types_supported"]
        .as_array()
        .unwrap()
        .contains(&json!("code")));
    assert_eq!(
        d["grant_types_supported"],
        json!([
            "authorization_code",
            "implicit",
            "client_credentials",
            "refresh_token",
            "urn:ietf:params:oauth:grant-type:device_code",
            "urn:ietf:params:oauth:grant-type:jwt-bearer"
        ])
    );
    assert_eq!(d["request_parameter_supported"], false);
    for m in [
        "client_secret_basic",
        "client_secret_post",
        "private_key_jwt",
        "none",
    ] {
        assert!(d["token_endpoint_auth_methods_supported"]
            .as_array()
            .unwrap()
            .contains(&json!(m)));
    }
    for s in ["openid", "offline_access", "offline"] {
        assert!(d["scopes_supported"]
            .as_array()
            .unwrap()
            .contains(&json!(s)));
    }
    assert!(d["claims_supported"]
        .as_array()
        .unwrap()
        .contains(&json!("sub")));
    for f in [
        "backchannel_logout_supported",
        "frontchannel_logout_supported",
        "backchannel_logout_session_supported",
        "frontchannel_logout_session_supported",
    ] {
        assert_eq!(d[f], true, "{f}");
    }
    let rfc8414 = get("/.well-known/oauth-authorization-server").await;
    assert_eq!(rfc8414.status, 200);
    let m = &rfc8414.body;
    for f in [
        "issuer",
        "authorization_endpoint",
        "token_endpoint",
        "jwks_uri",
        "scopes_supported",
        "response_types_supported",
        "grant_types_supported",
        "token_endpoint_auth_methods_supported",
        "revocation_endpoint",
    ] {
        assert_eq!(m[f], d[f], "{f}");
    }
    assert_eq!(m["code_challenge_methods_supported"], json!(["S256"]));
    assert_eq!(m["authorization_response_iss_parameter_supported"], true);
}

async fn storage_failures_are_errors_never_inactive_or_revoked(backend: Backend) {
    let app = app_or_skip!(backend, crate::helpers::without_cache);
    let (id, secret) = full_client(&app, "svc", json!({})).await;
    let token = client_credentials(&app, &id, &secret, "").await.body["access_token"]
        .as_str()
        .unwrap()
        .to_string();
    execute(&app, backend, "DROP TABLE oauth2_access_tokens", &[]).await;
    let i = introspect(&app, &token, None).await;
    assert_eq!(i.status, 500, "{}", i.text);
    assert!(i.body.get("active").is_none());
    let r = revoke(&app, &id, &secret, &token).await;
    assert!(r.status.is_server_error(), "{} {}", r.status, r.text);
    let u = answer(
        app.http
            .get(app.public_url("/userinfo"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert!(u.status.is_server_error(), "{}", u.text);
    let t = client_credentials(&app, &id, &secret, "").await;
    assert_eq!((t.status.as_u16(), t.error()), (500, "server_error"));
}
