//! The device authorization grant (RFC 8628) over HTTP on both backends: the whole flow
//! through the built-in pages with a cookie-keeping client, Hydra v26's device challenge
//! accepted over the admin API, polling too fast, denial, expiry, throttled guessing of
//! user codes, and 20 concurrent polls after approval.

use crate::flow_support::{browser, location, param};
use crate::helpers::{Backend, TestApp};
use crate::tokens_support::verify_jwt;
use crate::ui_support::*;
use crate::{app_or_skip, on_both_backends};
use reqwest::StatusCode;
use serde_json::{json, Value};

on_both_backends!(
    a_device_is_authorized_through_the_built_in_pages,
    polling_too_fast_is_told_to_slow_down_and_the_interval_grows,
    a_denied_consent_answers_access_denied,
    an_expired_device_code_answers_expired_token,
    wrong_user_codes_are_throttled,
    a_login_app_accepts_the_challenge_and_twenty_concurrent_polls_get_one_token,
);

const GRANT: &str = "urn:ietf:params:oauth:grant-type:device_code";
const TV: &str = "living-room-tv";

async fn create_device_client(app: &TestApp) {
    create_device_client_named(app, TV).await
}

async fn create_device_client_named(app: &TestApp, id: &str) {
    let r = app
        .http
        .post(app.admin_url("/clients"))
        .json(&json!({
            "client_id": id,
            "client_name": "Living Room TV",
            "token_endpoint_auth_method": "none",
            "grant_types": [GRANT, "refresh_token"],
            "scope": "openid offline_access profile email",
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201, "{}", r.text().await.unwrap());
}

async fn device_auth(app: &TestApp, scope: &str) -> Value {
    let r = app
        .http
        .post(app.public_url("/oauth2/device/auth"))
        .form(&[("client_id", TV), ("scope", scope)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["cache-control"], "no-store");
    r.json().await.unwrap()
}

async fn poll(app: &TestApp, device_code: &str) -> (StatusCode, Value) {
    poll_as(app, TV, device_code).await
}

async fn poll_as(app: &TestApp, client: &str, device_code: &str) -> (StatusCode, Value) {
    let r = app
        .http
        .post(app.public_url("/oauth2/token"))
        .form(&[
            ("grant_type", GRANT),
            ("client_id", client),
            ("device_code", device_code),
        ])
        .send()
        .await
        .unwrap();
    (r.status(), r.json().await.unwrap())
}

fn code_of(d: &Value) -> &str {
    d["device_code"].as_str().unwrap()
}

/// From the device's `verification_uri_complete` to the code page, pre-filled.
async fn open_code_page(app: &TestApp, b: &reqwest::Client, d: &Value) -> Page {
    let to = location(
        &b.get(d["verification_uri_complete"].as_str().unwrap())
            .send()
            .await
            .unwrap(),
    );
    assert!(to.starts_with(&app.public_url("/ui/device?")), "{to}");
    let p = get_page(b, &to).await;
    assert_eq!(p.status, 200, "{}", p.html);
    p
}

async fn submit_code(
    app: &TestApp,
    b: &reqwest::Client,
    p: &Page,
    code: &str,
) -> reqwest::Response {
    let challenge = p.field("device_challenge").unwrap();
    let csrf = p.field("csrf_token").unwrap();
    post(
        b,
        &app.public_url("/ui/device"),
        &[
            ("device_challenge", challenge.as_str()),
            ("csrf_token", csrf.as_str()),
            ("user_code", code),
        ],
    )
    .await
}

/// From a `device_verifier` redirect through login to the consent page.
async fn sign_in_to_consent(app: &TestApp, b: &reqwest::Client, verify_url: &str) -> Page {
    assert!(verify_url.starts_with(&app.public_url("/oauth2/device/verify?device_verifier=")));
    let login = open_login(app, b, verify_url).await;
    assert!(login.html.contains("Living Room TV"));
    let r = submit_login(app, b, &login, "alice@example.com", PASSWORD, false).await;
    to_consent_page(app, b, r).await
}

/// The whole browser side through the built-in pages; returns where it ends.
async fn approve(app: &TestApp, d: &Value, action: &str) -> String {
    let b = browser();
    let page = open_code_page(app, &b, d).await;
    assert_eq!(
        page.field("user_code").unwrap(),
        d["user_code"].as_str().unwrap()
    );
    let r = submit_code(app, &b, &page, &page.field("user_code").unwrap()).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let verify = r.headers()["location"].to_str().unwrap().to_string();
    let consent = sign_in_to_consent(app, &b, &verify).await;
    submit_consent(app, &b, &consent, action, false).await
}

async fn a_device_is_authorized_through_the_built_in_pages(backend: Backend) {
    let app = app_or_skip!(backend);
    let user = create_user(&app, "alice@example.com", json!({})).await;
    create_device_client(&app).await;
    for doc in [
        "/.well-known/oauth-authorization-server",
        "/.well-known/openid-configuration",
    ] {
        let meta: Value = app
            .http
            .get(app.public_url(doc))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(
            meta["device_authorization_endpoint"],
            app.public_url("/oauth2/device/auth"),
            "{doc}"
        );
        assert!(meta["grant_types_supported"]
            .as_array()
            .unwrap()
            .contains(&json!(GRANT)));
    }

    let d = device_auth(&app, "openid offline_access profile").await;
    let user_code = d["user_code"].as_str().unwrap();
    assert_eq!(user_code.len(), 9);
    assert!(user_code
        .chars()
        .all(|c| c == '-' || "BCDFGHJKLMNPQRSTVWXZ".contains(c)));
    assert_eq!(
        d["verification_uri"],
        app.public_url("/oauth2/device/verify")
    );
    assert_eq!(d["interval"], 5);
    assert_eq!(d["expires_in"], 600);
    assert_eq!(
        poll(&app, code_of(&d)).await.1["error"],
        "authorization_pending"
    );

    let end = approve(&app, &d, "allow").await;
    assert!(end.starts_with(&app.public_url("/ui/device/done")), "{end}");
    assert_eq!(param(&end, "client_id").as_deref(), Some(TV));
    let done = get_page(&browser(), &end).await;
    assert_eq!(done.status, 200);

    let (status, tokens) = poll(&app, code_of(&d)).await;
    assert_eq!(status, 200, "{tokens}");
    assert_eq!(tokens["token_type"], "bearer");
    assert!(tokens["refresh_token"].is_string());
    let id = verify_jwt(&app, tokens["id_token"].as_str().unwrap(), Some(TV)).await;
    assert_eq!(id["sub"], user["id"]);
    assert_eq!(id["name"], "Alice Liddell");
    let info: Value = app
        .http
        .post(app.admin_url("/oauth2/introspect"))
        .form(&[("token", tokens["access_token"].as_str().unwrap())])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(info["active"], true);
    assert_eq!(info["sub"], user["id"]);
    assert_eq!(info["client_id"], TV);

    // Redeemed once: the next poll is refused, the code page refuses the used code.
    let (status, again) = poll(&app, code_of(&d)).await;
    assert_eq!(
        (status.as_u16(), again["error"].as_str()),
        (400, Some("invalid_grant"))
    );
    let b = browser();
    let page = open_code_page(&app, &b, &d).await;
    let r = submit_code(&app, &b, &page, user_code).await;
    assert_eq!(r.status(), 400);
}

async fn polling_too_fast_is_told_to_slow_down_and_the_interval_grows(backend: Backend) {
    let app = app_or_skip!(backend);
    create_device_client(&app).await;
    create_device_client_named(&app, "kitchen-tv").await;
    let d = device_auth(&app, "openid").await;
    // Another client's polls are refused and not recorded against the device.
    let (status, theirs) = poll_as(&app, "kitchen-tv", code_of(&d)).await;
    assert_eq!(
        (status.as_u16(), theirs["error"].as_str()),
        (400, Some("invalid_grant"))
    );
    let (status, first) = poll(&app, code_of(&d)).await;
    assert_eq!(
        (status.as_u16(), first["error"].as_str()),
        (400, Some("authorization_pending"))
    );
    // Twice within the 5-second interval, then again within the grown one.
    for _ in 0..2 {
        let (status, fast) = poll(&app, code_of(&d)).await;
        assert_eq!(
            (status.as_u16(), fast["error"].as_str()),
            (400, Some("slow_down"))
        );
    }
    // Unknown and malformed codes are invalid grants, not pending.
    assert_eq!(
        poll(&app, "ptc_dc_nope.nope").await.1["error"],
        "invalid_grant"
    );
}

async fn a_denied_consent_answers_access_denied(backend: Backend) {
    let app = app_or_skip!(backend);
    create_user(&app, "alice@example.com", json!({})).await;
    create_device_client(&app).await;
    let d = device_auth(&app, "openid profile").await;
    let end = approve(&app, &d, "deny").await;
    assert!(end.contains("error=access_denied"), "{end}");
    let (status, body) = poll(&app, code_of(&d)).await;
    assert_eq!(status, 403, "{body}");
    assert_eq!(body["error"], "access_denied");
}

async fn an_expired_device_code_answers_expired_token(backend: Backend) {
    let app = app_or_skip!(backend, |s| {
        s.ttl.device_user_code = portcullis::config::Ttl(std::time::Duration::from_secs(1))
    });
    create_device_client(&app).await;
    let d = device_auth(&app, "openid").await;
    assert_eq!(d["expires_in"], 1);
    tokio::time::sleep(std::time::Duration::from_millis(2100)).await;
    let (status, body) = poll(&app, code_of(&d)).await;
    assert_eq!(
        (status.as_u16(), body["error"].as_str()),
        (400, Some("expired_token"))
    );
    // Nor can the user still enter it.
    let b = browser();
    let page = open_code_page(&app, &b, &d).await;
    let r = submit_code(&app, &b, &page, d["user_code"].as_str().unwrap()).await;
    assert_eq!(r.status(), 400);
}

async fn wrong_user_codes_are_throttled(backend: Backend) {
    let app = app_or_skip!(backend);
    create_device_client(&app).await;
    let d = device_auth(&app, "openid").await;
    let b = browser();
    let page = open_code_page(&app, &b, &d).await;
    for wrong in [
        "BBBB-BBBB",
        "CCCC-CCCC",
        "not a code",
        "DDDD-DDDD",
        "FFFF-FFFF",
    ] {
        let r = submit_code(&app, &b, &page, wrong).await;
        assert_eq!(r.status(), 400);
        assert!(r.text().await.unwrap().contains("not valid"));
    }
    // The sixth try on this challenge is refused unchecked, even with the right code.
    let r = submit_code(&app, &b, &page, d["user_code"].as_str().unwrap()).await;
    assert_eq!(r.status(), 429);
    assert!(r.headers().contains_key("retry-after"));
    // The page opened without a challenge goes to get one, keeping the code.
    let r = b
        .get(app.public_url("/ui/device?user_code=BCDF-GHJK"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        location(&r),
        app.public_url("/oauth2/device/verify?user_code=BCDF-GHJK")
    );
    // A fresh challenge from the same address still works (20 per address).
    let page = open_code_page(&app, &b, &d).await;
    let r = submit_code(&app, &b, &page, d["user_code"].as_str().unwrap()).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
}

async fn a_login_app_accepts_the_challenge_and_twenty_concurrent_polls_get_one_token(
    backend: Backend,
) {
    let app = app_or_skip!(backend);
    create_user(&app, "alice@example.com", json!({})).await;
    create_device_client(&app).await;
    let d = device_auth(&app, "openid offline_access").await;
    let b = browser();
    // The plain verification URI: the page gets a challenge and no code.
    let to = location(
        &b.get(d["verification_uri"].as_str().unwrap())
            .send()
            .await
            .unwrap(),
    );
    let challenge = param(&to, "device_challenge").unwrap();
    assert_eq!(param(&to, "user_code"), None);
    let accept = |code: &str| {
        app.http
            .put(app.admin_url(&format!(
                "/admin/oauth2/auth/requests/device/accept?device_challenge={challenge}"
            )))
            .json(&json!({ "user_code": code }))
            .send()
    };
    let r = accept("BBBB-BBBB").await.unwrap();
    assert_eq!(r.status(), 400);
    let lower = d["user_code"]
        .as_str()
        .unwrap()
        .to_lowercase()
        .replace('-', " ");
    let r = accept(&lower).await.unwrap();
    assert_eq!(r.status(), 200);
    let verify = r.json::<Value>().await.unwrap()["redirect_to"]
        .as_str()
        .unwrap()
        .to_string();
    // Handled: a second accept is a conflict, the verifier works once.
    assert_eq!(accept(&lower).await.unwrap().status(), 409);
    let consent = sign_in_to_consent(&app, &b, &verify).await;
    let end = submit_consent(&app, &b, &consent, "allow", false).await;
    assert!(end.starts_with(&app.public_url("/ui/device/done")), "{end}");
    let replay = b.get(&verify).send().await.unwrap();
    assert!(location(&replay).contains("error=access_denied"));

    let polls = (0..20).map(|_| poll(&app, code_of(&d)));
    let answers = futures::future::join_all(polls).await;
    let ok: Vec<&Value> = answers
        .iter()
        .filter(|(s, _)| *s == 200)
        .map(|(_, b)| b)
        .collect();
    assert_eq!(ok.len(), 1, "{answers:?}");
    assert!(ok[0]["access_token"].is_string());
    for (s, body) in answers.iter().filter(|(s, _)| *s != 200) {
        assert_eq!(
            (s.as_u16(), body["error"].as_str()),
            (400, Some("invalid_grant"))
        );
    }
}
