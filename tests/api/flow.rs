//! Whole authorization flows over HTTP: `/oauth2/auth` → login app → consent app →
//! client, with remember, skip, prompt and max_age.

use crate::flow_support::*;
use crate::helpers::Backend;
use crate::{app_or_skip, on_both_backends};
use reqwest::{Method, StatusCode};
use serde_json::json;

on_both_backends!(
    a_flow_without_remember_ends_with_a_code_and_remembers_nothing,
    a_remembered_login_is_skipped_on_the_next_flow,
    a_remembered_consent_is_skipped_while_it_covers_the_request,
    prompt_none_completes_silently_only_with_a_session_and_remembered_consent,
    prompt_login_forces_a_fresh_login_despite_a_session,
    an_exceeded_max_age_forces_a_fresh_login,
    a_rejected_login_or_consent_sends_the_error_to_the_client,
    the_response_modes_form_post_and_fragment_are_honoured,
    post_requests_to_the_authorization_endpoint_work_like_get,
);

async fn a_flow_without_remember_ends_with_a_code_and_remembers_nothing(backend: Backend) {
    let app = app_or_skip!(backend);
    create_client(&app, "app", json!({})).await;
    let b = browser();
    let url = auth_url(
        &app,
        "app",
        "&nonce=nonce-12345&audience=https://api.example/x",
    );
    let login = start(&app, &b, &url).await;

    let lr = login_request(&app, &login).await;
    assert_eq!(lr.status, StatusCode::OK);
    let l = &lr.body;
    assert_eq!(l["challenge"], login.as_str());
    assert_eq!(l["skip"], false);
    assert_eq!(l["subject"], "");
    assert_eq!(l["requested_scope"], json!(["openid", "photos.read"]));
    assert_eq!(
        l["requested_access_token_audience"],
        json!(["https://api.example/x"])
    );
    assert_eq!(l["client"]["client_id"], "app");
    assert!(l["client"].get("client_secret").is_none());
    assert!(l["request_url"]
        .as_str()
        .unwrap()
        .starts_with(&app.public_url("/oauth2/auth?client_id=app")));
    let sid = l["session_id"].as_str().unwrap().to_string();
    assert!(!sid.is_empty());

    let to = decide(
        &app,
        "login",
        "accept",
        &login,
        json!({"subject": "alice", "acr": "pwd", "context": {"k": 1}}),
    )
    .await;
    assert!(param(&to, "login_verifier").unwrap().starts_with("ptc_lv_"));
    let consent = to_consent(&app, &b, &to).await;
    let c = consent_request(&app, &consent).await.body;
    assert_eq!(c["challenge"], consent.as_str());
    assert_eq!(c["skip"], false);
    assert_eq!(c["subject"], "alice");
    assert_eq!(c["login_challenge"], login.as_str());
    assert_eq!(c["login_session_id"], sid.as_str());
    assert_eq!(c["acr"], "pwd");
    assert_eq!(c["context"], json!({"k": 1}));
    assert_eq!(c["requested_scope"], json!(["openid", "photos.read"]));

    let to = decide(&app, "consent", "accept", &consent, accept_all()).await;
    let done = follow(&b, &to).await;
    assert_code(&app, &done);
    assert_eq!(param(&done, "scope").as_deref(), Some("openid photos.read"));

    // Nothing was remembered: the next flow logs in afresh, with a new session id.
    let login2 = start(&app, &b, &auth_url(&app, "app", "")).await;
    let l2 = login_request(&app, &login2).await.body;
    assert_eq!(l2["skip"], false);
    assert_ne!(l2["session_id"], sid.as_str());
}

async fn a_remembered_login_is_skipped_on_the_next_flow(backend: Backend) {
    let app = app_or_skip!(backend);
    create_client(&app, "app", json!({})).await;
    let b = browser();
    let first = login_session_id(&app, &b, true).await;

    let login = start(&app, &b, &auth_url(&app, "app", "")).await;
    let l = login_request(&app, &login).await.body;
    assert_eq!(l["skip"], true);
    assert_eq!(l["subject"], "alice");
    assert_eq!(l["session_id"], first.as_str());
    // Accepting as someone else is refused; as the same subject it goes on.
    let a = admin(
        &app,
        Method::PUT,
        &format!("/oauth2/auth/requests/login/accept?login_challenge={login}"),
        Some(json!({"subject": "mallory"})),
    )
    .await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST);
    assert_eq!(a.body["error"], "invalid_request");
    let to = decide(&app, "login", "accept", &login, json!({"subject": "alice"})).await;
    let consent = to_consent(&app, &b, &to).await;
    assert_eq!(consent_request(&app, &consent).await.body["skip"], false);

    // Another browser has no session.
    let other = browser();
    let login = start(&app, &other, &auth_url(&app, "app", "")).await;
    assert_eq!(login_request(&app, &login).await.body["skip"], false);
}

/// Runs a full flow as alice and returns the login session id.
async fn login_session_id(
    app: &crate::helpers::TestApp,
    b: &reqwest::Client,
    remember: bool,
) -> String {
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
        json!({"subject": "alice", "remember": remember, "remember_for": 3600}),
    )
    .await;
    let consent = to_consent(app, b, &to).await;
    let to = decide(app, "consent", "accept", &consent, accept_all()).await;
    assert_code(app, &follow(b, &to).await);
    sid
}

async fn a_remembered_consent_is_skipped_while_it_covers_the_request(backend: Backend) {
    let app = app_or_skip!(backend);
    create_client(&app, "app", json!({})).await;
    let b = browser();
    let remember =
        json!({"grant_scope": ["openid", "photos.read"], "remember": true, "remember_for": 0});
    let login = start(&app, &b, &auth_url(&app, "app", "")).await;
    let to = decide(
        &app,
        "login",
        "accept",
        &login,
        json!({"subject": "alice", "remember": true}),
    )
    .await;
    let consent = to_consent(&app, &b, &to).await;
    let to = decide(&app, "consent", "accept", &consent, remember).await;
    assert_code(&app, &follow(&b, &to).await);

    let consent_skip = |url: String| {
        let (app, b) = (&app, &b);
        async move {
            let login = start(app, b, &url).await;
            let to = decide(app, "login", "accept", &login, json!({"subject": "alice"})).await;
            let consent = to_consent(app, b, &to).await;
            consent_request(app, &consent).await.body["skip"]
                .as_bool()
                .unwrap()
        }
    };
    let url = |extra: &str| auth_url(&app, "app", extra);
    assert!(consent_skip(url("")).await);
    assert!(
        consent_skip(url("").replace("scope=openid+photos.read", "scope=openid")).await,
        "a subset"
    );
    assert!(
        !consent_skip(url("&prompt=consent")).await,
        "prompt=consent always asks"
    );
    let wider = url("").replace("scope=openid+photos.read", "scope=openid+photos.write");
    assert!(!consent_skip(wider).await, "a scope not granted before");
    assert!(
        !consent_skip(url("&audience=https://api.example")).await,
        "an audience not granted before"
    );
}

async fn prompt_none_completes_silently_only_with_a_session_and_remembered_consent(
    backend: Backend,
) {
    let app = app_or_skip!(backend);
    create_client(&app, "app", json!({})).await;
    let b = browser();
    // Logged out: straight back to the client.
    assert_client_error(
        &app,
        &follow(&b, &auth_url(&app, "app", "&prompt=none")).await,
        "login_required",
    );

    // Logged in and remembered, but no remembered consent.
    login_session_id(&app, &b, true).await;
    let login = start(&app, &b, &auth_url(&app, "app", "&prompt=none")).await;
    assert_eq!(login_request(&app, &login).await.body["skip"], true);
    let to = decide(&app, "login", "accept", &login, json!({"subject": "alice"})).await;
    assert_client_error(&app, &follow(&b, &to).await, "consent_required");

    // Remember a consent, then prompt=none goes through with skips only.
    let login = start(&app, &b, &auth_url(&app, "app", "")).await;
    let to = decide(&app, "login", "accept", &login, json!({"subject": "alice"})).await;
    let consent = to_consent(&app, &b, &to).await;
    let to = decide(
        &app,
        "consent",
        "accept",
        &consent,
        json!({"grant_scope": ["openid", "photos.read"], "remember": true}),
    )
    .await;
    assert_code(&app, &follow(&b, &to).await);
    let login = start(&app, &b, &auth_url(&app, "app", "&prompt=none")).await;
    let to = decide(&app, "login", "accept", &login, json!({"subject": "alice"})).await;
    let consent = to_consent(&app, &b, &to).await;
    assert_eq!(consent_request(&app, &consent).await.body["skip"], true);
    let to = decide(&app, "consent", "accept", &consent, accept_all()).await;
    assert_code(&app, &follow(&b, &to).await);
}

async fn prompt_login_forces_a_fresh_login_despite_a_session(backend: Backend) {
    let app = app_or_skip!(backend);
    create_client(&app, "app", json!({})).await;
    let b = browser();
    let sid = login_session_id(&app, &b, true).await;
    let login = start(&app, &b, &auth_url(&app, "app", "&prompt=login")).await;
    let l = login_request(&app, &login).await.body;
    assert_eq!(l["skip"], false);
    assert_eq!(l["subject"], "");
    assert_ne!(l["session_id"], sid.as_str());
    // Someone else may log in now.
    let to = decide(&app, "login", "accept", &login, json!({"subject": "bob"})).await;
    let consent = to_consent(&app, &b, &to).await;
    assert_eq!(consent_request(&app, &consent).await.body["subject"], "bob");
}

async fn an_exceeded_max_age_forces_a_fresh_login(backend: Backend) {
    let app = app_or_skip!(backend);
    create_client(&app, "app", json!({})).await;
    let b = browser();
    login_session_id(&app, &b, true).await;
    let login = start(&app, &b, &auth_url(&app, "app", "&max_age=600")).await;
    assert_eq!(
        login_request(&app, &login).await.body["skip"],
        true,
        "within max_age"
    );

    sql(
        &app,
        "UPDATE flow_login_sessions SET authenticated_at = authenticated_at - 3600",
    )
    .await;
    let login = start(&app, &b, &auth_url(&app, "app", "&max_age=600")).await;
    assert_eq!(
        login_request(&app, &login).await.body["skip"],
        false,
        "past max_age"
    );
    let to = follow(&b, &auth_url(&app, "app", "&max_age=600&prompt=none")).await;
    assert_client_error(&app, &to, "login_required");
    // Without max_age the old session still counts.
    let login = start(&app, &b, &auth_url(&app, "app", "")).await;
    assert_eq!(login_request(&app, &login).await.body["skip"], true);
}

async fn a_rejected_login_or_consent_sends_the_error_to_the_client(backend: Backend) {
    let app = app_or_skip!(backend);
    create_client(&app, "app", json!({})).await;
    let b = browser();
    let login = start(&app, &b, &auth_url(&app, "app", "")).await;
    let reject = json!({"error": "access_denied", "error_description": "The user said no.", "error_hint": "Ask nicely."});
    let to = decide(&app, "login", "reject", &login, reject).await;
    let done = follow(&b, &to).await;
    assert_client_error(&app, &done, "access_denied");
    assert_eq!(
        param(&done, "error_description").as_deref(),
        Some("The user said no. Ask nicely.")
    );

    let login = start(&app, &b, &auth_url(&app, "app", "")).await;
    let to = decide(&app, "login", "accept", &login, json!({"subject": "alice"})).await;
    let consent = to_consent(&app, &b, &to).await;
    let to = decide(&app, "consent", "reject", &consent, json!({})).await;
    assert_client_error(&app, &follow(&b, &to).await, "consent request denied");
}

async fn the_response_modes_form_post_and_fragment_are_honoured(backend: Backend) {
    let app = app_or_skip!(backend);
    create_client(&app, "app", json!({})).await;
    let b = browser();
    let login = start(&app, &b, &auth_url(&app, "app", "&response_mode=form_post")).await;
    let to = decide(&app, "login", "accept", &login, json!({"subject": "alice"})).await;
    let consent = to_consent(&app, &b, &to).await;
    let to = decide(&app, "consent", "accept", &consent, accept_all()).await;
    let r = visit(&b, &to).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["cache-control"], "no-store");
    let html = r.text().await.unwrap();
    assert!(html.contains(&format!("action=\"{CB}\"")), "{html}");
    assert!(html.contains("name=\"code\" value=\"ptc_ac_"));
    assert!(html.contains(&format!("name=\"state\" value=\"{STATE}\"")));
    assert!(html.contains("name=\"iss\""));

    let login = start(&app, &b, &auth_url(&app, "app", "&response_mode=fragment")).await;
    let to = decide(&app, "login", "accept", &login, json!({"subject": "alice"})).await;
    let consent = to_consent(&app, &b, &to).await;
    let to = decide(&app, "consent", "accept", &consent, accept_all()).await;
    let done = follow(&b, &to).await;
    assert!(fragment_param(&done, "code")
        .unwrap()
        .starts_with("ptc_ac_"));
    assert_eq!(fragment_param(&done, "state").as_deref(), Some(STATE));
    assert!(param(&done, "code").is_none());
}

async fn post_requests_to_the_authorization_endpoint_work_like_get(backend: Backend) {
    let app = app_or_skip!(backend);
    create_client(&app, "app", json!({})).await;
    let b = browser();
    let form = [
        ("client_id", "app"),
        ("response_type", "code"),
        ("redirect_uri", CB),
        ("scope", "openid photos.read"),
        ("state", STATE),
    ];
    let r = b
        .post(app.public_url("/oauth2/auth"))
        .form(&form)
        .send()
        .await
        .unwrap();
    let login = param(&location(&r), "login_challenge").unwrap();
    // The parameters of the body survive into the request URL the flow returns to.
    let to = decide(&app, "login", "accept", &login, json!({"subject": "alice"})).await;
    let consent = to_consent(&app, &b, &to).await;
    let to = decide(&app, "consent", "accept", &consent, accept_all()).await;
    assert_code(&app, &follow(&b, &to).await);
}
