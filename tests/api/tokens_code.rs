//! The authorization_code grant, ID tokens and userinfo, with codes
//! seeded straight into the database (the browser flow has its own tests, and the
//! end-to-end relying-party test drives both together).

use crate::helpers::Backend;
use crate::tokens_support::*;
use crate::{app_or_skip, on_both_backends};
use serde_json::json;

on_both_backends!(
    a_code_is_exchanged_for_access_refresh_and_id_tokens,
    id_token_claims_verify_with_an_independent_jwt_library,
    a_reused_code_fails_and_revokes_every_token_issued_from_it,
    two_concurrent_redemptions_of_one_code_yield_exactly_one_success,
    a_code_is_bound_to_its_client_redirect_uri_and_lifetime,
    pkce_verifiers_are_checked_and_cannot_be_added_or_dropped,
    userinfo_answers_the_subject_and_consent_claims,
    userinfo_refuses_bad_tokens_with_a_bearer_challenge,
    signed_userinfo_is_a_jwt_when_the_client_asks_for_it,
    pairwise_subjects_reach_id_tokens_userinfo_and_introspection,
    public_clients_redeem_codes_and_refresh_with_their_id_only,
);

async fn a_code_is_exchanged_for_access_refresh_and_id_tokens(backend: Backend) {
    let app = app_or_skip!(backend);
    let (id, secret) = full_client(&app, "app", json!({})).await;
    let code = seed_code(&app, backend, CodeSeed::default()).await;
    let a = redeem(&app, &id, &secret, &code, &[]).await;
    assert_eq!(a.status, 200, "{}", a.text);
    assert_eq!(a.header("cache-control"), "no-store");
    assert_eq!(a.header("pragma"), "no-cache");
    let b = &a.body;
    assert!(b["access_token"].as_str().unwrap().starts_with("ptc_at_"));
    assert!(b["refresh_token"].as_str().unwrap().starts_with("ptc_rt_"));
    assert!(b["id_token"].as_str().unwrap().split('.').count() == 3);
    assert_eq!(b["token_type"], "bearer");
    assert_eq!(b["scope"], "openid offline_access profile");
    let i = introspect(&app, b["access_token"].as_str().unwrap(), None)
        .await
        .body;
    assert_eq!(i["sub"], "alice");
    assert_eq!(i["client_id"], "app");
    assert_eq!(i["ext"], json!({"tenant": "blue"}));
}

async fn id_token_claims_verify_with_an_independent_jwt_library(backend: Backend) {
    let app = app_or_skip!(backend);
    let (id, secret) = full_client(&app, "app", json!({})).await;
    // Consent data may add claims but never forge registered ones.
    let seed = CodeSeed {
        id_token_extra: json!({"email": "alice@example.com", "sub": "mallory",
                               "iss": "https://evil", "nonce": "forged"}),
        ..CodeSeed::default()
    };
    let code = seed_code(&app, backend, seed).await;
    let a = redeem(&app, &id, &secret, &code, &[]).await;
    assert_eq!(a.status, 200, "{}", a.text);
    let at = a.body["access_token"].as_str().unwrap();
    let jwt = a.body["id_token"].as_str().unwrap();
    let header = jsonwebtoken::decode_header(jwt).unwrap();
    assert_eq!(header.alg, jsonwebtoken::Algorithm::RS256);
    let c = verify_jwt(&app, jwt, Some("app")).await;
    assert_eq!(c["sub"], "alice");
    assert_eq!(c["iss"], format!("{}/", app.public));
    assert_eq!(c["aud"], json!(["app"]));
    assert_eq!(c["nonce"], "nonce-1234567");
    assert_eq!(c["acr"], "urn:acr:password");
    assert_eq!(c["amr"], json!(["pwd", "otp"]));
    assert_eq!(c["sid"], "sid-1");
    assert_eq!(c["email"], "alice@example.com");
    assert_eq!(c["at_hash"], half_hash(at));
    assert!(c.get("c_hash").is_none());
    let (iat, exp, auth_time) = (
        c["iat"].as_i64().unwrap(),
        c["exp"].as_i64().unwrap(),
        c["auth_time"].as_i64().unwrap(),
    );
    assert_eq!(exp - iat, 3600);
    assert!(auth_time < iat && (iat - now()).abs() < 10);
    assert!(c["jti"].is_string() && c["rat"].is_i64());
}

async fn a_reused_code_fails_and_revokes_every_token_issued_from_it(backend: Backend) {
    let app = app_or_skip!(backend);
    let (id, secret) = full_client(&app, "app", json!({})).await;
    let code = seed_code(&app, backend, CodeSeed::default()).await;
    let first = redeem(&app, &id, &secret, &code, &[]).await;
    assert_eq!(first.status, 200, "{}", first.text);
    let at = first.body["access_token"].as_str().unwrap();
    let rt = first.body["refresh_token"].as_str().unwrap();
    assert!(is_active(&app, at).await && is_active(&app, rt).await);
    let second = redeem(&app, &id, &secret, &code, &[]).await;
    assert_eq!(
        (second.status.as_u16(), second.error()),
        (400, "invalid_grant")
    );
    assert!(!is_active(&app, at).await, "the access token is revoked");
    assert!(!is_active(&app, rt).await, "the refresh token is revoked");
    assert_eq!(refresh(&app, &id, &secret, rt, &[]).await.status, 400);
}

async fn two_concurrent_redemptions_of_one_code_yield_exactly_one_success(backend: Backend) {
    let app = app_or_skip!(backend);
    let (id, secret) = full_client(&app, "app", json!({})).await;
    for _ in 0..3 {
        let code = seed_code(&app, backend, CodeSeed::default()).await;
        let (a, b) = tokio::join!(
            redeem(&app, &id, &secret, &code, &[]),
            redeem(&app, &id, &secret, &code, &[])
        );
        let mut statuses = [a.status.as_u16(), b.status.as_u16()];
        statuses.sort();
        assert_eq!(statuses, [200, 400], "{} / {}", a.text, b.text);
        let loser = if a.status == 400 { &a } else { &b };
        assert_eq!(loser.error(), "invalid_grant");
    }
}

async fn a_code_is_bound_to_its_client_redirect_uri_and_lifetime(backend: Backend) {
    let app = app_or_skip!(backend);
    let (id, secret) = full_client(&app, "app", json!({})).await;
    let (other, other_secret) = full_client(&app, "other", json!({})).await;
    let code = seed_code(&app, backend, CodeSeed::default()).await;
    let stolen = redeem(&app, &other, &other_secret, &code, &[]).await;
    assert_eq!(
        (stolen.status.as_u16(), stolen.error()),
        (400, "invalid_grant")
    );
    let wrong_uri = token_request(
        &app,
        Some(basic(&id, &secret)),
        &[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", "https://app.example.com/other"),
        ],
    )
    .await;
    assert_eq!(
        (wrong_uri.status.as_u16(), wrong_uri.error()),
        (400, "invalid_grant")
    );
    let no_uri = token_request(
        &app,
        Some(basic(&id, &secret)),
        &[("grant_type", "authorization_code"), ("code", &code)],
    )
    .await;
    assert_eq!(no_uri.status, 400);
    // The refused attempts did not burn the code. The redirect URI is compared after the
    // same trimming as at the authorization endpoint.
    let padded = token_request(
        &app,
        Some(basic(&id, &secret)),
        &[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", " https://app.example.com/cb "),
        ],
    )
    .await;
    assert_eq!(padded.status, 200, "{}", padded.text);

    let seed = CodeSeed {
        expires_in: -1,
        ..CodeSeed::default()
    };
    let expired = seed_code(&app, backend, seed).await;
    let e = redeem(&app, &id, &secret, &expired, &[]).await;
    assert_eq!((e.status.as_u16(), e.error()), (400, "invalid_grant"));
    for bad in ["ptc_ac_garbage.value", "garbage", ""] {
        let e = redeem(&app, &id, &secret, bad, &[]).await;
        assert_eq!(e.status, 400, "{bad}: {}", e.text);
    }
}

async fn pkce_verifiers_are_checked_and_cannot_be_added_or_dropped(backend: Backend) {
    let app = app_or_skip!(backend);
    let (id, secret) = full_client(&app, "app", json!({})).await;
    let verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
    let challenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
    let pkce = || CodeSeed {
        challenge,
        method: "S256",
        ..CodeSeed::default()
    };
    let code = seed_code(&app, backend, pkce()).await;
    for v in [
        None,
        Some("wrong-verifier-wrong-verifier-wrong-verifier-x"),
        Some("short"),
    ] {
        let extra: Vec<(&str, &str)> = v.map(|v| vec![("code_verifier", v)]).unwrap_or_default();
        let a = redeem(&app, &id, &secret, &code, &extra).await;
        assert_eq!(
            (a.status.as_u16(), a.error()),
            (400, "invalid_grant"),
            "{v:?}"
        );
    }
    assert_eq!(
        redeem(&app, &id, &secret, &code, &[("code_verifier", verifier)])
            .await
            .status,
        200
    );
    // A code issued without a challenge refuses any verifier (PKCE downgrade).
    let plain_code = seed_code(&app, backend, CodeSeed::default()).await;
    let a = redeem(
        &app,
        &id,
        &secret,
        &plain_code,
        &[("code_verifier", verifier)],
    )
    .await;
    assert_eq!((a.status.as_u16(), a.error()), (400, "invalid_grant"));
}

async fn userinfo_answers_the_subject_and_consent_claims(backend: Backend) {
    let app = app_or_skip!(backend);
    let (id, secret) = full_client(&app, "app", json!({})).await;
    let (at, _) = first_pair(&app, backend, &id, &secret).await;
    let r = answer(
        app.http
            .get(app.public_url("/userinfo"))
            .bearer_auth(&at)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["sub"], "alice");
    assert_eq!(r.body["email"], "alice@example.com");
    assert!(
        r.body.get("nonce").is_none()
            && r.body.get("at_hash").is_none()
            && r.body.get("exp").is_none()
    );
    let post = answer(
        app.http
            .post(app.public_url("/userinfo"))
            .form(&[("access_token", at.as_str())])
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(post.status, 200, "{}", post.text);
    assert_eq!(post.body["sub"], "alice");
    let lower = answer(
        app.http
            .get(app.public_url("/userinfo"))
            .header("authorization", format!("bearer {at}"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(lower.status, 200);
}

async fn userinfo_refuses_bad_tokens_with_a_bearer_challenge(backend: Backend) {
    let app = app_or_skip!(backend);
    let (id, secret) = full_client(&app, "app", json!({})).await;
    let (at, rt) = first_pair(&app, backend, &id, &secret).await;
    let revoked = {
        let (at2, _) = first_pair(&app, backend, &id, &secret).await;
        revoke(&app, &id, &secret, &at2).await;
        at2
    };
    for bad in [
        Some("garbage"),
        Some(rt.as_str()),
        Some(revoked.as_str()),
        Some("ptc_at_x.y"),
        None,
    ] {
        let mut req = app.http.get(app.public_url("/userinfo"));
        if let Some(t) = bad {
            req = req.bearer_auth(t);
        }
        let r = answer(req.send().await.unwrap()).await;
        assert_eq!(r.status, 401, "{bad:?}: {}", r.text);
        assert_eq!(
            r.header("www-authenticate"),
            "Bearer error=\"invalid_token\""
        );
        assert_eq!(r.error(), "invalid_token");
    }
    // A token in the query string is not accepted (RFC 9700 §4.3.2).
    let q = app
        .http
        .get(format!("{}?access_token={at}", app.public_url("/userinfo")))
        .send()
        .await
        .unwrap();
    assert_eq!(q.status(), 401);
}

async fn signed_userinfo_is_a_jwt_when_the_client_asks_for_it(backend: Backend) {
    let app = app_or_skip!(backend);
    let (id, secret) = full_client(
        &app,
        "app",
        json!({"userinfo_signed_response_alg": "RS256"}),
    )
    .await;
    let (at, _) = first_pair(&app, backend, &id, &secret).await;
    let r = app
        .http
        .get(app.public_url("/userinfo"))
        .bearer_auth(&at)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "application/jwt");
    let jwt = r.text().await.unwrap();
    let c = verify_jwt(&app, &jwt, Some("app")).await;
    assert_eq!(c["sub"], "alice");
    assert_eq!(c["email"], "alice@example.com");
}

async fn pairwise_subjects_reach_id_tokens_userinfo_and_introspection(backend: Backend) {
    let app = app_or_skip!(backend);
    let (id, secret) = full_client(&app, "app", json!({})).await;
    let code = seed_code(
        &app,
        backend,
        CodeSeed {
            obfuscated_subject: "pairwise-7f3a",
            ..CodeSeed::default()
        },
    )
    .await;
    let a = redeem(&app, &id, &secret, &code, &[]).await;
    assert_eq!(a.status, 200, "{}", a.text);
    let c = verify_jwt(&app, a.body["id_token"].as_str().unwrap(), Some("app")).await;
    assert_eq!(c["sub"], "pairwise-7f3a");
    let at = a.body["access_token"].as_str().unwrap();
    let i = introspect(&app, at, None).await.body;
    assert_eq!(i["sub"], "alice");
    assert_eq!(i["obfuscated_subject"], "pairwise-7f3a");
    let u = answer(
        app.http
            .get(app.public_url("/userinfo"))
            .bearer_auth(at)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(u.body["sub"], "pairwise-7f3a");
}

async fn public_clients_redeem_codes_and_refresh_with_their_id_only(backend: Backend) {
    let app = app_or_skip!(backend);
    create_client(
        &app,
        json!({"client_id": "spa", "token_endpoint_auth_method": "none",
               "grant_types": ["authorization_code", "refresh_token"],
               "scope": "openid offline_access profile",
               "redirect_uris": ["https://app.example.com/cb"]}),
    )
    .await;
    let verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
    let seed = CodeSeed {
        client_id: "spa",
        challenge: "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
        method: "S256",
        ..CodeSeed::default()
    };
    let code = seed_code(&app, backend, seed).await;
    let a = token_request(
        &app,
        None,
        &[
            ("grant_type", "authorization_code"),
            ("client_id", "spa"),
            ("code", &code),
            ("redirect_uri", "https://app.example.com/cb"),
            ("code_verifier", verifier),
        ],
    )
    .await;
    assert_eq!(a.status, 200, "{}", a.text);
    let rt = a.body["refresh_token"].as_str().unwrap();
    let r = token_request(
        &app,
        None,
        &[
            ("grant_type", "refresh_token"),
            ("client_id", "spa"),
            ("refresh_token", rt),
        ],
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text);
    // Revocation works for public clients too (RFC 7009 §2.1).
    let rt2 = r.body["refresh_token"].as_str().unwrap();
    let rv = answer(
        app.http
            .post(app.public_url("/oauth2/revoke"))
            .form(&[("client_id", "spa"), ("token", rt2)])
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(rv.status, 200, "{}", rv.text);
    assert!(!is_active(&app, rt2).await);
}
