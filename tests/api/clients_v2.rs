//! Hydra v2's client fields on `/admin/clients` (`skip_consent`, `skip_logout_consent`):
//! stored, shown only on the v2 paths, kept by a 1.9.2 update, and honoured by the flow.

use crate::flow_support::*;
use crate::helpers::{Backend, TestApp};
use crate::{app_or_skip, on_both_backends};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

on_both_backends!(
    skip_consent_is_stored_and_shown_on_v2_paths_only,
    a_skip_consent_client_gets_its_code_without_the_consent_app,
    a_skip_logout_consent_client_logs_out_without_the_logout_app,
);

/// A confidential client in Hydra v2's shape.
pub fn v2_client(id: &str, skip_consent: bool) -> Value {
    json!({
        "client_id": id,
        "client_secret": "a-client-secret-for-tests",
        "redirect_uris": [CB],
        "grant_types": ["authorization_code", "refresh_token"],
        "response_types": ["code"],
        "scope": "openid offline photos.read",
        "skip_consent": skip_consent,
    })
}

async fn skip_consent_of(app: &TestApp, id: &str) -> Value {
    let a = admin(app, Method::GET, &format!("/admin/clients/{id}"), None).await;
    assert_eq!(a.status, StatusCode::OK, "{:?}", a.body);
    a.body["skip_consent"].clone()
}

async fn skip_consent_is_stored_and_shown_on_v2_paths_only(backend: Backend) {
    let app = app_or_skip!(backend);
    let a = admin(
        &app,
        Method::POST,
        "/admin/clients",
        Some(v2_client("first", true)),
    )
    .await;
    assert_eq!(a.status, StatusCode::CREATED, "{:?}", a.body);
    assert_eq!(a.body["skip_consent"], true);
    assert_eq!(a.body["skip_logout_consent"], false);
    assert_eq!(skip_consent_of(&app, "first").await, true);
    let listed = admin(&app, Method::GET, "/admin/clients", None).await.body;
    assert_eq!(listed[0]["skip_consent"], true);

    // The 1.9.2 paths neither show it nor read it.
    let old = admin(&app, Method::GET, "/clients/first", None).await.body;
    assert!(old.get("skip_consent").is_none(), "{old}");
    assert!(old.get("skip_logout_consent").is_none(), "{old}");
    let listed = admin(&app, Method::GET, "/clients", None).await.body;
    assert!(listed[0].get("skip_consent").is_none());
    let a = admin(&app, Method::POST, "/clients", Some(v2_client("old", true))).await;
    assert_eq!(a.status, StatusCode::CREATED);
    assert!(a.body.get("skip_consent").is_none());
    assert_eq!(skip_consent_of(&app, "old").await, false);

    // A 1.9.2 update keeps it; a v2 PUT replaces it (absent: false).
    let mut body = v2_client("first", false);
    body.as_object_mut().unwrap().remove("skip_consent");
    body["client_name"] = json!("renamed");
    let a = admin(&app, Method::PUT, "/clients/first", Some(body.clone())).await;
    assert_eq!(a.status, StatusCode::OK, "{:?}", a.body);
    assert!(a.body.get("skip_consent").is_none());
    assert_eq!(skip_consent_of(&app, "first").await, true);
    let a = admin(&app, Method::PUT, "/admin/clients/first", Some(body)).await;
    assert_eq!(a.status, StatusCode::OK, "{:?}", a.body);
    assert_eq!(a.body["skip_consent"], false);
    assert_eq!(a.body["client_name"], "renamed");
    assert_eq!(skip_consent_of(&app, "first").await, false);
}

async fn a_skip_consent_client_gets_its_code_without_the_consent_app(backend: Backend) {
    let app = app_or_skip!(backend);
    let a = admin(
        &app,
        Method::POST,
        "/admin/clients",
        Some(v2_client("trusted", true)),
    )
    .await;
    assert_eq!(a.status, StatusCode::CREATED, "{:?}", a.body);
    let b = browser();
    let login = start(&app, &b, &auth_url(&app, "trusted", "")).await;
    let to = decide(
        &app,
        "login",
        "accept",
        &login,
        json!({"subject": "alice", "remember": true}),
    )
    .await;
    // Back from the login app, the browser goes on with a consent verifier at once.
    let next = follow(&b, &to).await;
    assert!(param(&next, "consent_verifier").is_some(), "{next}");
    let code = assert_code(&app, &follow(&b, &next).await);
    assert!(!code.is_empty());
    // What was requested was granted, and shows in the consent sessions.
    let sessions = admin(
        &app,
        Method::GET,
        "/admin/oauth2/auth/sessions/consent?subject=alice",
        None,
    )
    .await
    .body;
    assert_eq!(sessions[0]["grant_scope"], json!(["openid", "photos.read"]));
    assert_eq!(sessions[0]["remember"], false, "nothing remembered");
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM oauth2_authorize_codes WHERE client_id = 'trusted' AND subject = 'alice'"
        )
        .await,
        1
    );

    // prompt=none needs no consent app either: the client's skip_consent stands in
    // for a remembered consent.
    let login = start(&app, &b, &auth_url(&app, "trusted", "&prompt=none")).await;
    assert_eq!(login_request(&app, &login).await.body["skip"], true);
    let to = decide(&app, "login", "accept", &login, json!({"subject": "alice"})).await;
    let to = follow(&b, &to).await;
    assert!(param(&to, "consent_verifier").is_some(), "{to}");
    assert_code(&app, &follow(&b, &to).await);

    // prompt=consent: the client asks for the consent app, and gets it.
    let login = start(&app, &b, &auth_url(&app, "trusted", "&prompt=consent")).await;
    let l = admin(
        &app,
        Method::GET,
        &format!("/admin/oauth2/auth/requests/login?login_challenge={login}"),
        None,
    )
    .await;
    assert_eq!(l.body["client"]["skip_consent"], true);
    assert!(login_request(&app, &login).await.body["client"]
        .get("skip_consent")
        .is_none());
    let to = decide(&app, "login", "accept", &login, json!({"subject": "alice"})).await;
    let consent = to_consent(&app, &b, &to).await;
    let c = admin(
        &app,
        Method::GET,
        &format!("/admin/oauth2/auth/requests/consent?consent_challenge={consent}"),
        None,
    )
    .await;
    assert_eq!(c.body["client"]["skip_consent"], true);
    let old = consent_request(&app, &consent).await;
    assert!(old.body["client"].get("skip_consent").is_none());

    // A client without it still goes through the consent app.
    create_client(&app, "ordinary", json!({})).await;
    let login = start(&app, &b, &auth_url(&app, "ordinary", "")).await;
    let to = decide(&app, "login", "accept", &login, json!({"subject": "alice"})).await;
    to_consent(&app, &b, &to).await;
}

async fn a_skip_logout_consent_client_logs_out_without_the_logout_app(backend: Backend) {
    let app = app_or_skip!(backend);
    const BYE: &str = "https://app.example/bye";
    let mut body = v2_client("app", false);
    body["skip_logout_consent"] = json!(true);
    body["post_logout_redirect_uris"] = json!([BYE]);
    let a = admin(&app, Method::POST, "/admin/clients", Some(body)).await;
    assert_eq!(a.status, StatusCode::CREATED, "{:?}", a.body);
    assert_eq!(a.body["skip_logout_consent"], true);
    let b = browser();
    let login = start(&app, &b, &auth_url(&app, "app", "")).await;
    let sid = login_request(&app, &login).await.body["session_id"]
        .as_str()
        .unwrap()
        .to_string();
    let to = decide(
        &app,
        "login",
        "accept",
        &login,
        json!({"subject": "alice", "remember": true}),
    )
    .await;
    let consent = to_consent(&app, &b, &to).await;
    let to = decide(&app, "consent", "accept", &consent, accept_all()).await;
    assert_code(&app, &follow(&b, &to).await);

    let (kid, key) = id_token_key(&app).await;
    let hint = sign(
        &kid,
        &key,
        &json!({"iss": app.public_url("/"), "sub": "alice", "aud": ["app"],
                "iat": now(), "exp": now() + 600, "sid": sid}),
    );
    let url = app.public_url(&format!(
        "/oauth2/sessions/logout?id_token_hint={hint}&post_logout_redirect_uri={BYE}&state=bye-state"
    ));
    // No logout app: straight to the verifier, then to the client.
    let to = follow(&b, &url).await;
    assert!(param(&to, "logout_verifier").is_some(), "{to}");
    let done = follow(&b, &to).await;
    assert!(done.starts_with(BYE), "{done}");
    assert_eq!(param(&done, "state").as_deref(), Some("bye-state"));
    let login = start(&app, &b, &auth_url(&app, "app", "")).await;
    assert_eq!(
        login_request(&app, &login).await.body["skip"],
        false,
        "logged out"
    );
}
