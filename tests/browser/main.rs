//! The built-in pages in a real browser: headless Chromium opens a client's
//! authorization URL, the person signs in (after one typo), consents, and the client
//! exchanges its code for an ID token with their roles and groups. Then the same pages
//! at phone size, and signing out. `federation.rs`: signing in through an upstream
//! provider's button. `device.rs`: a TV signed in by the device grant. Screenshots of every page are saved under
//! `target/browser-screenshots/`.

#[path = "../api/helpers.rs"]
mod helpers;

mod client_app;
mod device;
mod driver;
mod federation;

use client_app::{CLIENT_ID, CLIENT_SECRET, STATE};
use fantoccini::{Client, Locator};
use helpers::{Backend, TestApp};
use serde_json::{json, Value};
use std::time::Duration;

on_both_backends!(a_person_signs_in_and_consents_in_a_browser_and_the_client_gets_their_claims);

/// One Chromium at a time: the machine is small and the screenshots are per backend.
static ONE_BROWSER: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

const PASSWORD: &str = "correct horse battery staple";

async fn a_person_signs_in_and_consents_in_a_browser_and_the_client_gets_their_claims(
    backend: Backend,
) {
    let _one = ONE_BROWSER.lock().await;
    let app = app_or_skip!(backend);
    let Some(browser) = driver::launch().await else {
        return;
    };
    let shot = |name: &str| format!("{}-{name}", format!("{backend:?}").to_lowercase());
    let rp = client_app::start(&app.public).await;
    let user = setup(&app, &rp).await;
    let c = &browser.client;
    let auth = auth_url(&app, &rp.redirect_uri);

    // The login page; a typo first, which gets the one generic message.
    c.goto(&auth).await.unwrap();
    wait_for(c, "#email").await;
    browser.screenshot(&shot("1-login")).await;
    type_into(c, "#email", "alice@example.com").await;
    type_into(c, "#password", "not my password").await;
    click(c, "button[value=login]").await;
    let alert = wait_for(c, ".alert").await.text().await.unwrap();
    assert_eq!(alert, "The email address or password is incorrect.");
    browser.screenshot(&shot("2-login-error")).await;

    // The email is kept; the password is typed again, and the login remembered.
    type_into(c, "#password", PASSWORD).await;
    click(c, "input[name=remember]").await;
    click(c, "button[value=login]").await;
    wait_for(c, "button[value=allow]").await;
    let consent = c.source().await.unwrap();
    for shown in [
        "Photo Gallery",
        "See your roles",
        "See the groups you belong to",
    ] {
        assert!(consent.contains(shown), "{shown}");
    }
    browser.screenshot(&shot("3-consent")).await;

    // Allow: the client exchanges its code and greets the person by name.
    click(c, "button[value=allow]").await;
    let welcome = wait_for(c, "#welcome").await.text().await.unwrap();
    assert_eq!(welcome, "Welcome, Alice Liddell!");
    browser.screenshot(&shot("4-client")).await;
    let tokens = rp
        .tokens
        .lock()
        .unwrap()
        .clone()
        .expect("the client got tokens");
    let id = verify_id_token(&app, tokens["id_token"].as_str().unwrap()).await;
    assert_eq!(id["sub"], user["id"]);
    assert_eq!(id["aud"], json!([CLIENT_ID]));
    assert_eq!(id["roles"], json!(["admin", "photographer"]));
    assert_eq!(id["groups"], json!(["staff", "nature-club"]));
    assert_eq!(id["email"], "alice@example.com");

    // At phone size: the remembered login is skipped, consent is asked again (it was
    // not remembered), then signing out.
    c.set_window_size(390, 844).await.unwrap();
    c.goto(&auth).await.unwrap();
    wait_for(c, "button[value=allow]").await;
    browser.screenshot(&shot("5-consent-phone")).await;
    c.goto(&app.public_url("/oauth2/sessions/logout"))
        .await
        .unwrap();
    wait_for(c, "button[value=logout]").await;
    browser.screenshot(&shot("6-logout-phone")).await;
    click(c, "button[value=logout]").await;
    // The logout page has an h1 too: wait for the navigation, not for an element.
    wait_for_path(c, "/logout/callback").await;
    wait_for(c, "h1").await;
    c.goto(&auth).await.unwrap();
    wait_for(c, "#password").await;
    browser.screenshot(&shot("7-login-phone")).await;
    c.goto(&app.public_url("/ui/error?error=invalid_request&error_description=The+request+is+missing+a+required+parameter."))
        .await
        .unwrap();
    wait_for(c, "h1").await;
    browser.screenshot(&shot("8-error-phone")).await;
    browser.close().await;
}

/// A user and a client whose redirect URI is the relying party's callback.
async fn setup(app: &TestApp, rp: &client_app::ClientApp) -> Value {
    let http = &app.http;
    let r = http
        .post(app.admin_url("/admin/users"))
        .json(&json!({
            "email": "alice@example.com",
            "password": PASSWORD,
            "name": "Alice Liddell",
            "roles": ["admin", "photographer"],
            "groups": ["staff", "nature-club"],
            "email_verified": true,
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let user: Value = r.json().await.unwrap();
    let r = http
        .post(app.admin_url("/clients"))
        .json(&json!({
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
            "client_name": "Photo Gallery",
            "logo_uri": rp.logo_uri,
            "redirect_uris": [rp.redirect_uri],
            "grant_types": ["authorization_code", "refresh_token"],
            "response_types": ["code"],
            "scope": "openid offline_access profile email roles groups",
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    user
}

fn auth_url(app: &TestApp, redirect_uri: &str) -> String {
    let q = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("client_id", CLIENT_ID)
        .append_pair("response_type", "code")
        .append_pair("redirect_uri", redirect_uri)
        .append_pair("scope", "openid profile email roles groups")
        .append_pair("state", STATE)
        .finish();
    app.public_url(&format!("/oauth2/auth?{q}"))
}

async fn wait_for(c: &Client, css: &str) -> fantoccini::elements::Element {
    match c
        .wait()
        .at_most(Duration::from_secs(15))
        .for_element(Locator::Css(css))
        .await
    {
        Ok(e) => e,
        Err(e) => {
            let url = c.current_url().await.map(|u| u.to_string());
            let page = c.source().await.unwrap_or_default();
            panic!("{css} did not appear ({e}) at {url:?}:\n{page}");
        }
    }
}

/// Waits until the browser's URL path ends with `suffix` (a click returns before the
/// page it leads to has replaced the current one).
async fn wait_for_path(c: &Client, suffix: &str) {
    for _ in 0..150 {
        if c.current_url().await.unwrap().path().ends_with(suffix) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let at = c.current_url().await.unwrap();
    panic!("the browser did not get to a path ending {suffix}; it is at {at}");
}

async fn type_into(c: &Client, css: &str, text: &str) {
    let e = c.find(Locator::Css(css)).await.unwrap();
    e.clear().await.unwrap();
    e.send_keys(text).await.unwrap();
}

async fn click(c: &Client, css: &str) {
    c.find(Locator::Css(css))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
}

/// Checks the signature against the published JWKS, and `iss`, `aud`, `exp`.
async fn verify_id_token(app: &TestApp, jwt: &str) -> Value {
    use jsonwebtoken::jwk::JwkSet;
    use jsonwebtoken::{decode, decode_header, DecodingKey, Validation};
    let jwks: JwkSet = app
        .http
        .get(app.public_url("/.well-known/jwks.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let header = decode_header(jwt).unwrap();
    let jwk = jwks.find(header.kid.as_deref().unwrap()).unwrap();
    let mut v = Validation::new(header.alg);
    v.set_audience(&[CLIENT_ID]);
    v.set_issuer(&[app.public_url("/")]);
    decode::<Value>(jwt, &DecodingKey::from_jwk(jwk).unwrap(), &v)
        .unwrap()
        .claims
}
