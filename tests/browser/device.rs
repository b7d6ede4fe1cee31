//! The device authorization grant (RFC 8628) in a real browser: a TV asks for a code,
//! the person opens `verification_uri_complete` in Chromium, finds the code filled in,
//! signs in and consents on the built-in pages, and the TV's next poll gets tokens.

use crate::helpers::{Backend, TestApp};
use crate::{click, driver, type_into, wait_for, wait_for_path, ONE_BROWSER, PASSWORD};
use serde_json::{json, Value};

crate::on_both_backends!(a_device_is_signed_in_from_a_browser);

const TV: &str = "living-room-tv";
const GRANT: &str = "urn:ietf:params:oauth:grant-type:device_code";

async fn a_device_is_signed_in_from_a_browser(backend: Backend) {
    let _one = ONE_BROWSER.lock().await;
    let Some(app) = crate::helpers::spawn_app(backend).await else {
        return;
    };
    let Some(browser) = driver::launch().await else {
        return;
    };
    let shot = |name: &str| format!("{}-device-{name}", format!("{backend:?}").to_lowercase());
    setup(&app).await;
    let d: Value = app
        .http
        .post(app.public_url("/oauth2/device/auth"))
        .form(&[
            ("client_id", TV),
            ("scope", "openid offline_access profile"),
        ])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let device_code = d["device_code"].as_str().unwrap().to_string();
    let user_code = d["user_code"].as_str().unwrap().to_string();
    assert_eq!(
        poll(&app, &device_code).await["error"],
        "authorization_pending"
    );

    let c = &browser.client;
    c.goto(d["verification_uri_complete"].as_str().unwrap())
        .await
        .unwrap();
    let field = wait_for(c, "#user_code").await;
    assert_eq!(
        field.prop("value").await.unwrap().as_deref(),
        Some(user_code.as_str())
    );
    browser.screenshot(&shot("1-code")).await;
    click(c, "button[type=submit]").await;

    wait_for(c, "#email").await;
    type_into(c, "#email", "alice@example.com").await;
    type_into(c, "#password", PASSWORD).await;
    click(c, "button[value=login]").await;
    wait_for(c, "button[value=allow]").await;
    assert!(c.source().await.unwrap().contains("Living Room TV"));
    browser.screenshot(&shot("2-consent")).await;
    click(c, "button[value=allow]").await;
    wait_for_path(c, "/ui/device/done").await;
    browser.screenshot(&shot("3-done")).await;
    browser.close().await;

    let tokens = poll(&app, &device_code).await;
    assert!(tokens["access_token"].is_string(), "{tokens}");
    assert!(tokens["id_token"].is_string(), "{tokens}");
    assert!(tokens["refresh_token"].is_string(), "{tokens}");
    // Redeemed once.
    assert_eq!(poll(&app, &device_code).await["error"], "invalid_grant");
}

async fn setup(app: &TestApp) {
    let r = app
        .http
        .post(app.admin_url("/admin/users"))
        .json(&json!({
            "email": "alice@example.com",
            "password": PASSWORD,
            "name": "Alice Liddell",
            "email_verified": true,
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let r = app
        .http
        .post(app.admin_url("/clients"))
        .json(&json!({
            "client_id": TV,
            "client_name": "Living Room TV",
            "token_endpoint_auth_method": "none",
            "grant_types": [GRANT, "refresh_token"],
            "scope": "openid offline_access profile",
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201, "{}", r.text().await.unwrap());
}

async fn poll(app: &TestApp, device_code: &str) -> Value {
    app.http
        .post(app.public_url("/oauth2/token"))
        .form(&[
            ("grant_type", GRANT),
            ("client_id", TV),
            ("device_code", device_code),
        ])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}
