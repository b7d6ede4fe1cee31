//! The built-in login and consent pages over HTTP, with a cookie-keeping client: whole
//! flows, claims in the ID token and userinfo, remember and skip, generic failures,
//! throttling, disabled users, cancel and deny.

use crate::flow_support::{browser, location, param};
use crate::helpers::Backend;
use crate::tokens_support::verify_jwt;
use crate::ui_support::*;
use crate::{app_or_skip, on_both_backends};
use reqwest::StatusCode;
use serde_json::json;

on_both_backends!(
    a_person_signs_in_consents_and_the_client_gets_their_claims,
    scopes_release_only_their_claims,
    remembered_login_and_consent_are_skipped_on_the_next_flow,
    without_remember_the_next_flow_asks_again,
    wrong_password_unknown_email_and_disabled_account_get_one_generic_message,
    repeated_failures_are_throttled_with_429_and_retry_after,
    a_disabled_user_with_a_remembered_session_is_refused,
    cancel_and_deny_send_access_denied_to_the_client,
);

const ALL: &str = "openid offline_access profile email roles groups";

async fn a_person_signs_in_consents_and_the_client_gets_their_claims(backend: Backend) {
    let app = app_or_skip!(backend);
    let user = create_user(&app, "alice@example.com", json!({})).await;
    create_web_client(&app, "gallery", json!({})).await;
    let b = browser();

    let login = open_login(&app, &b, &auth_url(&app, "gallery", ALL)).await;
    assert!(login.html.contains("Photo Gallery"));
    assert!(login.header("content-type").starts_with("text/html"));
    assert_eq!(login.header("cache-control"), "no-store");
    assert_eq!(login.header("x-frame-options"), "DENY");
    assert!(login
        .header("content-security-policy")
        .contains("default-src 'none'"));
    let r = submit_login(&app, &b, &login, "Alice@Example.com", PASSWORD, false).await;
    let consent = to_consent_page(&app, &b, r).await;
    for shown in ["See your name", "See your email address", "See your roles"] {
        assert!(consent.html.contains(shown), "{shown}");
    }
    assert!(consent.html.contains("alice@example.com"));

    let to = submit_consent(&app, &b, &consent, "allow", false).await;
    let tokens = exchange(&app, "gallery", &code_of(&to)).await;
    let id = verify_jwt(&app, tokens["id_token"].as_str().unwrap(), Some("gallery")).await;
    assert_eq!(id["sub"], user["id"]);
    assert_eq!(id["name"], "Alice Liddell");
    assert_eq!(id["email"], "alice@example.com");
    assert_eq!(id["email_verified"], true);
    assert_eq!(id["roles"], json!(["admin", "ops"]));
    assert_eq!(id["groups"], json!(["eng"]));
    assert!(tokens["refresh_token"].is_string());

    let info: serde_json::Value = app
        .http
        .get(app.public_url("/userinfo"))
        .bearer_auth(tokens["access_token"].as_str().unwrap())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(info["sub"], user["id"]);
    assert_eq!(info["roles"], json!(["admin", "ops"]));
    assert_eq!(info["email"], "alice@example.com");
}

async fn scopes_release_only_their_claims(backend: Backend) {
    let app = app_or_skip!(backend);
    create_user(&app, "alice@example.com", json!({})).await;
    create_web_client(&app, "gallery", json!({})).await;
    let b = browser();
    let login = open_login(&app, &b, &auth_url(&app, "gallery", "openid email")).await;
    let r = submit_login(&app, &b, &login, "alice@example.com", PASSWORD, false).await;
    let consent = to_consent_page(&app, &b, r).await;
    assert!(!consent.html.contains("See your roles"));
    let to = submit_consent(&app, &b, &consent, "allow", false).await;
    let tokens = exchange(&app, "gallery", &code_of(&to)).await;
    let id = verify_jwt(&app, tokens["id_token"].as_str().unwrap(), Some("gallery")).await;
    assert_eq!(id["email"], "alice@example.com");
    for absent in ["name", "roles", "groups"] {
        assert!(id.get(absent).is_none(), "{absent}: {id}");
    }
}

async fn remembered_login_and_consent_are_skipped_on_the_next_flow(backend: Backend) {
    let app = app_or_skip!(backend);
    create_user(&app, "alice@example.com", json!({})).await;
    create_web_client(&app, "gallery", json!({})).await;
    let b = browser();
    let url = auth_url(&app, "gallery", ALL);
    let login = open_login(&app, &b, &url).await;
    let r = submit_login(&app, &b, &login, "alice@example.com", PASSWORD, true).await;
    let consent = to_consent_page(&app, &b, r).await;
    code_of(&submit_consent(&app, &b, &consent, "allow", true).await);

    // No page is shown any more: /ui/login and /ui/consent accept at once.
    let to = follow_all(&app, &b, &url).await;
    let tokens = exchange(&app, "gallery", &code_of(&to)).await;
    let id = verify_jwt(&app, tokens["id_token"].as_str().unwrap(), Some("gallery")).await;
    assert_eq!(id["roles"], json!(["admin", "ops"]), "claims again on skip");

    // A new scope is not covered by the remembered consent: the consent page is back,
    // while the login is still skipped.
    let wider = auth_url(&app, "gallery", &format!("{ALL} photos.read"));
    let to = follow_all(&app, &b, &wider).await;
    assert!(to.starts_with(&app.public_url("/ui/consent?")), "{to}");
    let page = get_page(&b, &to).await;
    assert_eq!(page.status, 200);
    assert!(page.html.contains("photos.read"));
}

async fn without_remember_the_next_flow_asks_again(backend: Backend) {
    let app = app_or_skip!(backend);
    create_user(&app, "alice@example.com", json!({})).await;
    create_web_client(&app, "gallery", json!({})).await;
    let b = browser();
    let url = auth_url(&app, "gallery", "openid");
    let login = open_login(&app, &b, &url).await;
    let r = submit_login(&app, &b, &login, "alice@example.com", PASSWORD, false).await;
    let consent = to_consent_page(&app, &b, r).await;
    code_of(&submit_consent(&app, &b, &consent, "allow", false).await);
    let again = open_login(&app, &b, &url).await;
    assert!(again.html.contains("name=\"password\""));
}

async fn wrong_password_unknown_email_and_disabled_account_get_one_generic_message(
    backend: Backend,
) {
    let app = app_or_skip!(backend);
    create_user(&app, "alice@example.com", json!({})).await;
    create_user(&app, "bob@example.com", json!({"disabled": true})).await;
    create_web_client(&app, "gallery", json!({})).await;
    let b = browser();
    let login = open_login(&app, &b, &auth_url(&app, "gallery", "openid")).await;
    let generic = "The email address or password is incorrect.";
    for (email, password) in [
        ("alice@example.com", "not the password"),
        ("nobody@example.com", PASSWORD),
        ("bob@example.com", PASSWORD),
    ] {
        let p = page(submit_login(&app, &b, &login, email, password, false).await).await;
        assert_eq!(p.status, StatusCode::BAD_REQUEST, "{email}");
        assert!(p.html.contains(generic), "{email}: {}", p.html);
        assert_eq!(
            p.field("email").as_deref(),
            Some(email),
            "kept for retyping"
        );
        assert!(!p.html.contains(password), "a password is never echoed");
    }
    // The form still works afterwards.
    let r = submit_login(&app, &b, &login, "alice@example.com", PASSWORD, false).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
}

async fn repeated_failures_are_throttled_with_429_and_retry_after(backend: Backend) {
    let app = app_or_skip!(backend);
    create_user(&app, "alice@example.com", json!({})).await;
    create_web_client(&app, "gallery", json!({})).await;
    let b = browser();
    let login = open_login(&app, &b, &auth_url(&app, "gallery", "openid")).await;
    let mut throttled = None;
    for _ in 0..8 {
        let r = submit_login(&app, &b, &login, "alice@example.com", "wrong", false).await;
        if r.status() == StatusCode::TOO_MANY_REQUESTS {
            throttled = Some(page(r).await);
            break;
        }
        assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    }
    let p = throttled.expect("the account is throttled after repeated failures");
    let secs: u64 = p.header("retry-after").parse().unwrap();
    assert!(secs > 0 && secs <= 15 * 60, "{secs}");
    assert!(p.html.contains("Too many failed attempts"));
    // Even the right password waits now.
    let r = submit_login(&app, &b, &login, "alice@example.com", PASSWORD, false).await;
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
}

async fn a_disabled_user_with_a_remembered_session_is_refused(backend: Backend) {
    let app = app_or_skip!(backend);
    let user = create_user(&app, "alice@example.com", json!({})).await;
    create_web_client(&app, "gallery", json!({})).await;
    let b = browser();
    let url = auth_url(&app, "gallery", "openid");
    let login = open_login(&app, &b, &url).await;
    let r = submit_login(&app, &b, &login, "alice@example.com", PASSWORD, true).await;
    let consent = to_consent_page(&app, &b, r).await;
    code_of(&submit_consent(&app, &b, &consent, "allow", false).await);

    let id = user["id"].as_str().unwrap();
    let mut profile = user.clone();
    profile["disabled"] = json!(true);
    let r = app
        .http
        .put(app.admin_url(&format!("/admin/users/{id}")))
        .json(&profile)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
    // Disabling the account ended its sessions (stricter than before: the remembered
    // session used to be refused at the login page with access_denied): the browser is
    // asked to sign in again, and the password no longer works.
    let to = follow_all(&app, &b, &url).await;
    assert!(to.starts_with(&app.public_url("/ui/login?")), "{to}");
    assert!(param(&to, "code").is_none());
    let login = crate::ui_support::get_page(&b, &to).await;
    let r = submit_login(&app, &b, &login, "alice@example.com", PASSWORD, true).await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
}

async fn cancel_and_deny_send_access_denied_to_the_client(backend: Backend) {
    let app = app_or_skip!(backend);
    create_user(&app, "alice@example.com", json!({})).await;
    create_web_client(&app, "gallery", json!({})).await;
    let b = browser();
    let url = auth_url(&app, "gallery", "openid");

    let login = open_login(&app, &b, &url).await;
    let r = post(
        &b,
        &app.public_url("/ui/login"),
        &[
            ("login_challenge", &login.field("login_challenge").unwrap()),
            ("csrf_token", &login.field("csrf_token").unwrap()),
            ("action", "cancel"),
        ],
    )
    .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let back = r.headers()["location"].to_str().unwrap().to_string();
    let to = location(&b.get(&back).send().await.unwrap());
    assert_eq!(
        param(&to, "error").as_deref(),
        Some("access_denied"),
        "{to}"
    );

    let login = open_login(&app, &b, &url).await;
    let r = submit_login(&app, &b, &login, "alice@example.com", PASSWORD, false).await;
    let consent = to_consent_page(&app, &b, r).await;
    let to = submit_consent(&app, &b, &consent, "deny", false).await;
    assert_eq!(
        param(&to, "error").as_deref(),
        Some("access_denied"),
        "{to}"
    );
    assert!(param(&to, "code").is_none());
}
