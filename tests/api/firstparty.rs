//! The first-party login API: login, refresh rotation, logout invalidation, generic
//! failures and throttling, and accounts disabled after login.

use crate::firstparty_support::*;
use crate::helpers::Backend;
use crate::tokens_support::{is_active, verify_jwt};
use crate::ui_support::{create_user, PASSWORD};
use crate::{app_or_skip, on_both_backends};
use reqwest::StatusCode;
use serde_json::json;

on_both_backends!(
    login_returns_an_id_token_with_the_users_claims_and_a_refresh_token,
    refresh_rotates_the_refresh_token_and_a_reused_one_revokes_the_family,
    logout_invalidates_the_access_and_refresh_tokens_of_that_login,
    logout_ends_the_browser_session_it_is_sent_with,
    login_failures_are_generic_and_throttled_with_retry_after,
    an_account_disabled_after_login_cannot_refresh,
    malformed_requests_are_400,
);

async fn login_returns_an_id_token_with_the_users_claims_and_a_refresh_token(backend: Backend) {
    let app = app_or_skip!(backend, first_party);
    register_cli(&app).await;
    let user = create_user(&app, "alice@example.com", json!({})).await;
    let r = api_login(&app, "Alice@Example.com", PASSWORD).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.header("cache-control"), "no-store");
    let b = &r.body;
    let id = verify_jwt(&app, b["id_token"].as_str().unwrap(), Some(CLI)).await;
    assert_eq!(id["sub"], user["id"]);
    assert_eq!(id["roles"], json!(["admin", "ops"]));
    assert_eq!(id["groups"], json!(["eng"]));
    assert_eq!(id["email_verified"], true);
    let c = &b["claims"];
    assert_eq!(c["iss"], app.public_url("/").as_str());
    assert_eq!(c["sub"], user["id"]);
    assert_eq!(c["name"], "Alice Liddell");
    assert_eq!(c["email"], "alice@example.com");
    assert_eq!(c["roles"], json!(["admin", "ops"]));
    assert_eq!(c["groups"], json!(["eng"]));
    let expires_by = time::OffsetDateTime::parse(
        b["expires_by"].as_str().unwrap(),
        &time::format_description::well_known::Rfc3339,
    )
    .unwrap();
    assert_eq!(expires_by.unix_timestamp(), id["exp"].as_i64().unwrap());
    assert!(b["refresh_token"].as_str().unwrap().starts_with("ptc_rt_"));
    assert!(is_active(&app, b["refresh_token"].as_str().unwrap()).await);
    // The access token is the token endpoint's kind: introspection knows it.
    let i = crate::tokens_support::introspect(&app, b["access_token"].as_str().unwrap(), None)
        .await
        .body;
    assert_eq!(i["active"], true);
    assert_eq!(i["client_id"], CLI);
    assert_eq!(i["sub"], user["id"]);
}

async fn refresh_rotates_the_refresh_token_and_a_reused_one_revokes_the_family(backend: Backend) {
    let app = app_or_skip!(backend, first_party);
    register_cli(&app).await;
    create_user(&app, "alice@example.com", json!({})).await;
    let first = api_login(&app, "alice@example.com", PASSWORD).await.body;
    let old = first["refresh_token"].as_str().unwrap();

    let r = api_post(&app, "/api/v1/refresh", json!({"refresh_token": old})).await;
    assert_eq!(r.status, 200, "{}", r.text);
    let new = r.body["refresh_token"].as_str().unwrap().to_string();
    assert_ne!(new, old);
    assert_eq!(r.body["claims"]["roles"], json!(["admin", "ops"]));
    verify_jwt(&app, r.body["id_token"].as_str().unwrap(), Some(CLI)).await;
    assert!(
        !is_active(&app, old).await,
        "the old refresh token is rotated out"
    );
    assert!(is_active(&app, &new).await);

    // Presenting the rotated token again is treated as theft: the family is revoked.
    let again = api_post(&app, "/api/v1/refresh", json!({"refresh_token": old})).await;
    assert_eq!(again.status, 400);
    assert_eq!(again.body["error"], "invalid_grant");
    assert!(!is_active(&app, &new).await);
}

async fn logout_invalidates_the_access_and_refresh_tokens_of_that_login(backend: Backend) {
    let app = app_or_skip!(backend, first_party);
    register_cli(&app).await;
    create_user(&app, "alice@example.com", json!({})).await;
    let one = api_login(&app, "alice@example.com", PASSWORD).await.body;
    let other = api_login(&app, "alice@example.com", PASSWORD).await.body;
    let access = one["access_token"].as_str().unwrap();
    let refresh = one["refresh_token"].as_str().unwrap();

    let r = api_logout(&app, Some(access), json!({})).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body, json!({}));
    assert!(!is_active(&app, access).await);
    assert!(!is_active(&app, refresh).await);
    let refused = api_post(&app, "/api/v1/refresh", json!({"refresh_token": refresh})).await;
    assert_eq!(refused.body["error"], "invalid_grant");
    // Another login of the same person is another session: untouched.
    assert!(is_active(&app, other["access_token"].as_str().unwrap()).await);
    // Logging out again, or with the refresh token alone, is fine.
    let r = api_logout(&app, None, json!({"refresh_token": refresh})).await;
    assert_eq!(r.status, 200);
    let r = api_logout(&app, None, json!({"refresh_token": other["refresh_token"]})).await;
    assert_eq!(r.status, 200);
    assert!(!is_active(&app, other["access_token"].as_str().unwrap()).await);

    // Nothing to log out with, or another client's token: 400.
    assert_eq!(api_logout(&app, None, json!({})).await.status, 400);
    let (id, secret) = crate::tokens_support::create_client(
        &app,
        json!({"grant_types": ["client_credentials"], "scope": "x"}),
    )
    .await;
    let cc = crate::tokens_support::client_credentials(&app, &id, &secret, "x").await;
    let foreign = cc.body["access_token"].as_str().unwrap();
    let r = api_logout(&app, Some(foreign), json!({})).await;
    assert_eq!(r.status, 400);
    assert!(is_active(&app, foreign).await);
}

async fn logout_ends_the_browser_session_it_is_sent_with(backend: Backend) {
    use crate::flow_support::{browser, location};
    use crate::ui_support::*;
    let app = app_or_skip!(backend, first_party);
    register_cli(&app).await;
    create_user(&app, "alice@example.com", json!({})).await;
    create_web_client(&app, "gallery", json!({})).await;
    let b = browser();
    let url = auth_url(&app, "gallery", "openid");
    let login = open_login(&app, &b, &url).await;
    let r = submit_login(&app, &b, &login, "alice@example.com", PASSWORD, true).await;
    to_consent_page(&app, &b, r).await;

    // A self-submitting form on another site must not end the session.
    let r = b
        .post(app.public_url("/api/v1/logout"))
        .header("Origin", "https://evil.example")
        .header("Sec-Fetch-Site", "cross-site")
        .header("Content-Type", "application/x-www-form-urlencoded")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert!(r.headers().get("set-cookie").is_none());
    // Still remembered: the login page accepts at once instead of showing the form.
    let to = location(&b.get(&url).send().await.unwrap());
    assert!(to.starts_with(&app.public_url("/ui/login?")), "{to}");
    let r = b.get(&to).send().await.unwrap();
    assert!(r.status().is_redirection(), "{}", r.status());

    let r = b
        .post(app.public_url("/api/v1/logout"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let cleared = r.headers()["set-cookie"].to_str().unwrap().to_string();
    assert!(cleared.contains("oauth2_authentication_session") && cleared.contains("Max-Age=0"));
    // The remembered login is gone: the next flow shows the password form again.
    open_login(&app, &b, &url).await;
}

async fn login_failures_are_generic_and_throttled_with_retry_after(backend: Backend) {
    let app = app_or_skip!(backend, first_party);
    register_cli(&app).await;
    create_user(&app, "alice@example.com", json!({})).await;
    create_user(&app, "bob@example.com", json!({"disabled": true})).await;
    let mut bodies = Vec::new();
    for (email, password) in [
        ("alice@example.com", "wrong password"),
        ("nobody@example.com", PASSWORD),
        ("bob@example.com", PASSWORD),
    ] {
        let r = api_login(&app, email, password).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{email}");
        assert_eq!(r.body["error"], "invalid_credentials");
        bodies.push(r.body["error_description"].clone());
    }
    assert!(bodies.windows(2).all(|w| w[0] == w[1]), "{bodies:?}");

    let mut throttled = None;
    for _ in 0..8 {
        let r = api_login(&app, "alice@example.com", "wrong again").await;
        if r.status == StatusCode::TOO_MANY_REQUESTS {
            throttled = Some(r);
            break;
        }
    }
    let r = throttled.expect("repeated failures are throttled");
    let secs: u64 = r.header("retry-after").parse().unwrap();
    assert!(secs > 0 && secs <= 15 * 60);
    let r = api_login(&app, "alice@example.com", PASSWORD).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
}

async fn an_account_disabled_after_login_cannot_refresh(backend: Backend) {
    let app = app_or_skip!(backend, first_party);
    register_cli(&app).await;
    let user = create_user(&app, "alice@example.com", json!({})).await;
    let t = api_login(&app, "alice@example.com", PASSWORD).await.body;
    let mut profile = user.clone();
    profile["disabled"] = json!(true);
    let id = user["id"].as_str().unwrap();
    let r = app
        .http
        .put(app.admin_url(&format!("/admin/users/{id}")))
        .json(&profile)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let r = api_post(
        &app,
        "/api/v1/refresh",
        json!({"refresh_token": t["refresh_token"]}),
    )
    .await;
    assert_eq!(r.status, 400);
    assert_eq!(r.body["error"], "invalid_grant");
    assert!(!is_active(&app, t["access_token"].as_str().unwrap()).await);
}

async fn malformed_requests_are_400(backend: Backend) {
    let app = app_or_skip!(backend, first_party);
    register_cli(&app).await;
    let r = app
        .http
        .post(app.public_url("/api/v1/login"))
        .body("email=a&password=b")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let r = api_post(&app, "/api/v1/refresh", json!({})).await;
    assert_eq!(r.status, 400);
    assert!(r.body["error_description"]
        .as_str()
        .unwrap()
        .contains("refresh_token"));
    let r = api_post(
        &app,
        "/api/v1/refresh",
        json!({"refresh_token": "ptc_rt_forged"}),
    )
    .await;
    assert_eq!(r.body["error"], "invalid_grant");
    let r = app
        .http
        .post(app.public_url("/api/v1/logout"))
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
}
