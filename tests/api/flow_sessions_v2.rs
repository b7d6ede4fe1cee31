//! Hydra v2's `DELETE /admin/oauth2/auth/sessions/login?sid=`: one login session ends,
//! with a back-channel logout; Hydra 1.9.2's path still takes only `subject`.

use crate::flow_logout::backchannel_receiver;
use crate::flow_support::*;
use crate::helpers::{Backend, TestApp};
use crate::{app_or_skip, on_both_backends};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

on_both_backends!(ending_one_login_session_by_sid_notifies_its_clients_and_spares_the_others,);

/// A remembered sign-in of `alice` in browser `b`; returns its session id.
async fn signed_in(app: &TestApp, b: &reqwest::Client) -> String {
    let login = start(app, b, &auth_url(app, "app", "")).await;
    let sid = login_request(app, &login).await.body["session_id"]
        .as_str()
        .unwrap()
        .to_string();
    let to = decide(
        app,
        "login",
        "accept",
        &login,
        json!({"subject": "alice", "remember": true}),
    )
    .await;
    let consent = to_consent(app, b, &to).await;
    let to = decide(app, "consent", "accept", &consent, accept_all()).await;
    assert_code(app, &follow(b, &to).await);
    sid
}

async fn skips_login(app: &TestApp, b: &reqwest::Client) -> bool {
    let login = start(app, b, &auth_url(app, "app", "")).await;
    login_request(app, &login).await.body["skip"] == true
}

async fn ending_one_login_session_by_sid_notifies_its_clients_and_spares_the_others(
    backend: Backend,
) {
    let app = app_or_skip!(backend);
    let (bc_url, mut received) = backchannel_receiver().await;
    create_client(&app, "app", json!({"backchannel_logout_uri": bc_url})).await;
    let (laptop, phone) = (browser(), browser());
    let sid = signed_in(&app, &laptop).await;
    signed_in(&app, &phone).await;

    // Hydra 1.9.2 knows no sid; v2 wants one of the two.
    let old = admin(
        &app,
        Method::DELETE,
        &format!("/oauth2/auth/sessions/login?sid={sid}"),
        None,
    )
    .await;
    assert_eq!(old.status, StatusCode::BAD_REQUEST);
    let none = admin(
        &app,
        Method::DELETE,
        "/admin/oauth2/auth/sessions/login",
        None,
    )
    .await;
    assert_eq!(none.status, StatusCode::BAD_REQUEST);
    assert_eq!(none.body["error"], "invalid_request");
    assert!(skips_login(&app, &laptop).await);

    let a = admin(
        &app,
        Method::DELETE,
        &format!("/admin/oauth2/auth/sessions/login?sid={sid}"),
        None,
    )
    .await;
    assert_eq!(a.status, StatusCode::NO_CONTENT, "{:?}", a.body);
    let body = tokio::time::timeout(std::time::Duration::from_secs(10), received.recv())
        .await
        .expect("a back-channel logout")
        .unwrap();
    let token = url::form_urlencoded::parse(body.as_bytes())
        .find(|(k, _)| k == "logout_token")
        .map(|(_, v)| v.into_owned())
        .unwrap();
    let claims: Value = serde_json::from_slice(&unb64(token.split('.').nth(1).unwrap())).unwrap();
    assert_eq!(claims["sid"], sid.as_str());
    assert_eq!(claims["aud"], json!(["app"]));

    assert!(!skips_login(&app, &laptop).await, "this session ended");
    assert!(skips_login(&app, &phone).await, "the other one did not");
    // An unknown or already ended session is no error.
    let again = admin(
        &app,
        Method::DELETE,
        &format!("/admin/oauth2/auth/sessions/login?sid={sid}"),
        None,
    )
    .await;
    assert_eq!(again.status, StatusCode::NO_CONTENT);
}
