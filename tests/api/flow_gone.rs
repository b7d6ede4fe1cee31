//! A request already handled: Hydra 1.9.2's paths answer 409, Hydra v2's `/admin`
//! paths answer a GET with 410 Gone and `redirect_to`, the URL that started the flow.

use crate::flow_support::*;
use crate::helpers::{Backend, TestApp};
use crate::{app_or_skip, on_both_backends};
use reqwest::{Method, StatusCode};
use serde_json::json;

on_both_backends!(
    a_handled_login_request_is_409_on_hydra1_paths_and_410_on_v2_paths,
    a_handled_consent_request_is_409_on_hydra1_paths_and_410_on_v2_paths,
    a_handled_logout_request_is_409_on_hydra1_paths_and_410_on_v2_paths,
);

/// GETs `/oauth2/auth/requests/{kind}` under Hydra 1.9.2's path and under `/admin`.
async fn read_both(app: &TestApp, kind: &str, challenge: &str) -> (Answer, Answer) {
    let path = format!("/oauth2/auth/requests/{kind}?{kind}_challenge={challenge}");
    let old = admin(app, Method::GET, &path, None).await;
    let new = admin(app, Method::GET, &format!("/admin{path}"), None).await;
    (old, new)
}

fn assert_conflict(a: &Answer) {
    assert_eq!(a.status, StatusCode::CONFLICT, "{:?}", a.body);
    assert_eq!(a.body["status_code"], 409);
    assert_eq!(a.body["error"], "Conflict");
}

fn assert_gone(a: &Answer, redirect_to: &serde_json::Value) {
    assert_eq!(a.status, StatusCode::GONE, "{:?}", a.body);
    assert_eq!(a.body, json!({ "redirect_to": redirect_to }));
}

async fn a_handled_login_request_is_409_on_hydra1_paths_and_410_on_v2_paths(backend: Backend) {
    let app = app_or_skip!(backend);
    create_client(&app, "app", json!({})).await;
    let b = browser();
    let login = start(&app, &b, &auth_url(&app, "app", "")).await;
    let (old, new) = read_both(&app, "login", &login).await;
    assert_eq!(old.status, StatusCode::OK);
    assert_eq!(new.status, StatusCode::OK);
    let request_url = new.body["request_url"].clone();
    assert!(request_url.as_str().unwrap().contains("/oauth2/auth?"));

    decide(&app, "login", "accept", &login, json!({"subject": "alice"})).await;
    let (old, new) = read_both(&app, "login", &login).await;
    assert_conflict(&old);
    assert_gone(&new, &request_url);
    // Deciding twice stays a conflict on both (v2 documents no 410 there).
    for prefix in ["", "/admin"] {
        let a = admin(
            &app,
            Method::PUT,
            &format!("{prefix}/oauth2/auth/requests/login/reject?login_challenge={login}"),
            Some(json!({})),
        )
        .await;
        assert_conflict(&a);
    }
    // An unknown challenge is still 404 on both.
    let (old, new) = read_both(&app, "login", "no-such-challenge").await;
    assert_eq!(old.status, StatusCode::NOT_FOUND);
    assert_eq!(new.status, StatusCode::NOT_FOUND);
}

async fn a_handled_consent_request_is_409_on_hydra1_paths_and_410_on_v2_paths(backend: Backend) {
    let app = app_or_skip!(backend);
    create_client(&app, "app", json!({})).await;
    let b = browser();
    let login = start(&app, &b, &auth_url(&app, "app", "")).await;
    let to = decide(&app, "login", "accept", &login, json!({"subject": "alice"})).await;
    let consent = to_consent(&app, &b, &to).await;
    let (_, new) = read_both(&app, "consent", &consent).await;
    assert_eq!(new.status, StatusCode::OK);
    let request_url = new.body["request_url"].clone();

    decide(&app, "consent", "reject", &consent, json!({})).await;
    let (old, new) = read_both(&app, "consent", &consent).await;
    assert_conflict(&old);
    assert_gone(&new, &request_url);
    let a = admin(
        &app,
        Method::PUT,
        &format!("/admin/oauth2/auth/requests/consent/accept?consent_challenge={consent}"),
        Some(accept_all()),
    )
    .await;
    assert_conflict(&a);
}

async fn a_handled_logout_request_is_409_on_hydra1_paths_and_410_on_v2_paths(backend: Backend) {
    let app = app_or_skip!(backend);
    create_client(&app, "app", json!({})).await;
    let b = browser();
    full_flow(&app, &b, &auth_url(&app, "app", ""), "alice", true).await;
    let to = follow(&b, &app.public_url("/oauth2/sessions/logout")).await;
    assert_ui(&app, &to, "logout");
    let logout = param(&to, "logout_challenge").unwrap();
    let (old, new) = read_both(&app, "logout", &logout).await;
    assert_eq!(old.status, StatusCode::OK);
    assert_eq!(new.status, StatusCode::OK);
    let request_url = new.body["request_url"].clone();

    let a = admin(
        &app,
        Method::PUT,
        &format!("/admin/oauth2/auth/requests/logout/accept?logout_challenge={logout}"),
        None,
    )
    .await;
    assert_eq!(a.status, StatusCode::OK);
    let (old, new) = read_both(&app, "logout", &logout).await;
    assert_conflict(&old);
    assert_gone(&new, &request_url);
}
