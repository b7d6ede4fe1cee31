//! The admin side: consent sessions, login sessions, the `/admin` prefix, bodies.

use crate::flow_support::*;
use crate::helpers::Backend;
use crate::{app_or_skip, on_both_backends};
use reqwest::{Method, StatusCode};
use serde_json::json;

on_both_backends!(
    consent_sessions_are_listed_and_revoking_one_revokes_its_codes,
    revoking_every_consent_of_the_subject_takes_all_true,
    ending_the_subjects_login_sessions_forgets_every_browser,
    the_admin_prefix_serves_the_same_api,
    accept_bodies_are_checked_before_anything_is_recorded,
);

async fn remembered_flow(
    app: &crate::helpers::TestApp,
    b: &reqwest::Client,
    client: &str,
) -> (String, String) {
    let login = start(app, b, &auth_url(app, client, "")).await;
    let to = decide(
        app,
        "login",
        "accept",
        &login,
        json!({"subject": "alice", "remember": true}),
    )
    .await;
    let consent = to_consent(app, b, &to).await;
    let body = json!({
        "grant_scope": ["openid", "photos.read"],
        "grant_access_token_audience": ["https://api.example"],
        "session": {"access_token": {"tier": "gold"}, "id_token": {"email": "alice@example.com"}},
        "remember": true,
        "remember_for": 3600,
    });
    let to = decide(app, "consent", "accept", &consent, body).await;
    let code = assert_code(app, &follow(b, &to).await);
    (consent, code)
}

/// Exchanges a code at the token endpoint; returns the access token.
async fn exchange(app: &crate::helpers::TestApp, client: &str, code: &str) -> String {
    let form = [
        ("grant_type", "authorization_code"),
        ("code", code),
        ("redirect_uri", CB),
    ];
    let r = app
        .http
        .post(app.public_url("/oauth2/token"))
        .basic_auth(client, Some("a-client-secret-for-tests"))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let body: serde_json::Value = r.json().await.unwrap();
    body["access_token"].as_str().unwrap().to_string()
}

async fn active(app: &crate::helpers::TestApp, token: &str) -> bool {
    let r = app
        .http
        .post(app.admin_url("/oauth2/introspect"))
        .form(&[("token", token)])
        .send()
        .await
        .unwrap();
    let body: serde_json::Value = r.json().await.unwrap();
    body["active"].as_bool().unwrap()
}

async fn consent_sessions_are_listed_and_revoking_one_revokes_its_codes(backend: Backend) {
    let app = app_or_skip!(backend);
    create_client(&app, "app", json!({})).await;
    let b = browser();
    let (consent, code) = remembered_flow(&app, &b, "app").await;
    let token = exchange(&app, "app", &code).await;
    assert!(active(&app, &token).await);

    let a = admin(
        &app,
        Method::GET,
        "/oauth2/auth/sessions/consent?subject=alice",
        None,
    )
    .await;
    assert_eq!(a.status, StatusCode::OK);
    let list = a.body.as_array().unwrap();
    assert_eq!(list.len(), 1);
    let s = &list[0];
    assert_eq!(s["consent_request"]["challenge"], consent.as_str());
    assert_eq!(s["consent_request"]["client"]["client_id"], "app");
    assert_eq!(s["consent_request"]["subject"], "alice");
    assert_eq!(s["grant_scope"], json!(["openid", "photos.read"]));
    assert_eq!(
        s["grant_access_token_audience"],
        json!(["https://api.example"])
    );
    assert_eq!(s["session"]["access_token"]["tier"], "gold");
    assert_eq!(s["session"]["id_token"]["email"], "alice@example.com");
    assert_eq!(s["remember"], true);
    assert_eq!(s["remember_for"], 3600);
    assert!(time::OffsetDateTime::parse(
        s["handled_at"].as_str().unwrap(),
        &time::format_description::well_known::Rfc3339
    )
    .is_ok());
    let a = admin(
        &app,
        Method::GET,
        "/oauth2/auth/sessions/consent?subject=bob",
        None,
    )
    .await;
    assert_eq!(a.body, json!([]));
    let a = admin(&app, Method::GET, "/oauth2/auth/sessions/consent", None).await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST);

    // The code carries what the token endpoint needs.
    assert_eq!(count(&app, "SELECT COUNT(*) FROM oauth2_authorize_codes WHERE subject = 'alice' AND client_id = 'app' AND session_access_token LIKE '%gold%'").await, 1);

    let a = admin(
        &app,
        Method::DELETE,
        "/oauth2/auth/sessions/consent?subject=alice&client=app",
        None,
    )
    .await;
    assert_eq!(a.status, StatusCode::NO_CONTENT);
    assert_eq!(
        admin(
            &app,
            Method::GET,
            "/oauth2/auth/sessions/consent?subject=alice",
            None
        )
        .await
        .body,
        json!([])
    );
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM oauth2_authorize_codes").await,
        0
    );
    assert!(
        !active(&app, &token).await,
        "tokens issued under the consent are revoked"
    );
    // The remembered consent is gone: the next flow asks again.
    let login = start(&app, &b, &auth_url(&app, "app", "")).await;
    let to = decide(&app, "login", "accept", &login, json!({"subject": "alice"})).await;
    let consent = to_consent(&app, &b, &to).await;
    assert_eq!(consent_request(&app, &consent).await.body["skip"], false);
}

async fn revoking_every_consent_of_the_subject_takes_all_true(backend: Backend) {
    let app = app_or_skip!(backend);
    create_client(&app, "one", json!({})).await;
    create_client(&app, "two", json!({})).await;
    let b = browser();
    remembered_flow(&app, &b, "one").await;
    remembered_flow(&app, &b, "two").await;
    let list = admin(
        &app,
        Method::GET,
        "/oauth2/auth/sessions/consent?subject=alice",
        None,
    )
    .await
    .body;
    assert_eq!(list.as_array().unwrap().len(), 2);
    let a = admin(
        &app,
        Method::DELETE,
        "/oauth2/auth/sessions/consent?subject=alice&client=one",
        None,
    )
    .await;
    assert_eq!(a.status, StatusCode::NO_CONTENT);
    let list = admin(
        &app,
        Method::GET,
        "/oauth2/auth/sessions/consent?subject=alice",
        None,
    )
    .await
    .body;
    assert_eq!(list[0]["consent_request"]["client"]["client_id"], "two");
    // Without a client, only an explicit all=true revokes everything (Hydra 1.7+).
    let a = admin(
        &app,
        Method::DELETE,
        "/oauth2/auth/sessions/consent?subject=alice",
        None,
    )
    .await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST);
    let a = admin(
        &app,
        Method::DELETE,
        "/oauth2/auth/sessions/consent?subject=alice&all=true",
        None,
    )
    .await;
    assert_eq!(a.status, StatusCode::NO_CONTENT);
    assert_eq!(
        admin(
            &app,
            Method::GET,
            "/oauth2/auth/sessions/consent?subject=alice",
            None
        )
        .await
        .body,
        json!([])
    );
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM oauth2_authorize_codes").await,
        0
    );
    let a = admin(
        &app,
        Method::DELETE,
        "/oauth2/auth/sessions/consent?client=one",
        None,
    )
    .await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST);
}

async fn ending_the_subjects_login_sessions_forgets_every_browser(backend: Backend) {
    let app = app_or_skip!(backend);
    create_client(&app, "app", json!({})).await;
    let (b1, b2) = (browser(), browser());
    remembered_flow(&app, &b1, "app").await;
    remembered_flow(&app, &b2, "app").await;
    let a = admin(
        &app,
        Method::DELETE,
        "/oauth2/auth/sessions/login?subject=alice",
        None,
    )
    .await;
    assert_eq!(a.status, StatusCode::NO_CONTENT);
    for b in [&b1, &b2] {
        let login = start(&app, b, &auth_url(&app, "app", "")).await;
        assert_eq!(login_request(&app, &login).await.body["skip"], false);
    }
    let a = admin(&app, Method::DELETE, "/oauth2/auth/sessions/login", None).await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST);
}

async fn the_admin_prefix_serves_the_same_api(backend: Backend) {
    let app = app_or_skip!(backend);
    create_client(&app, "app", json!({})).await;
    let b = browser();
    let login = start(&app, &b, &auth_url(&app, "app", "")).await;
    let a = admin(
        &app,
        Method::GET,
        &format!("/admin/oauth2/auth/requests/login?login_challenge={login}"),
        None,
    )
    .await;
    assert_eq!(a.status, StatusCode::OK);
    assert_eq!(a.body["challenge"], login.as_str());
    let a = admin(
        &app,
        Method::PUT,
        &format!("/admin/oauth2/auth/requests/login/accept?challenge={login}"),
        Some(json!({"subject": "alice", "amr": ["pwd"]})),
    )
    .await;
    assert_eq!(a.status, StatusCode::OK);
    let consent = to_consent(&app, &b, a.body["redirect_to"].as_str().unwrap()).await;
    let a = admin(
        &app,
        Method::GET,
        &format!("/admin/oauth2/auth/requests/consent?consent_challenge={consent}"),
        None,
    )
    .await;
    assert_eq!(a.body["amr"], json!(["pwd"]));
    let a = admin(
        &app,
        Method::PUT,
        &format!("/admin/oauth2/auth/requests/consent/accept?consent_challenge={consent}"),
        Some(accept_all()),
    )
    .await;
    assert_eq!(a.status, StatusCode::OK);
    assert_code(
        &app,
        &follow(&b, a.body["redirect_to"].as_str().unwrap()).await,
    );
    let a = admin(
        &app,
        Method::GET,
        "/admin/oauth2/auth/sessions/consent?subject=alice",
        None,
    )
    .await;
    assert_eq!(a.status, StatusCode::OK);
}

async fn accept_bodies_are_checked_before_anything_is_recorded(backend: Backend) {
    let app = app_or_skip!(backend);
    create_client(&app, "app", json!({})).await;
    let b = browser();
    let login = start(&app, &b, &auth_url(&app, "app", "")).await;
    let path = format!("/oauth2/auth/requests/login/accept?login_challenge={login}");
    for bad in [
        json!({"subject": "alice", "bogus": 1}),
        json!({"subject": ""}),
        json!({"subject": 5}),
        json!({"subject": "a", "remember_for": -1}),
    ] {
        let a = admin(&app, Method::PUT, &path, Some(bad.clone())).await;
        assert_eq!(a.status, StatusCode::BAD_REQUEST, "{bad}");
        assert_eq!(a.body["error"], "invalid_request", "{bad}");
    }
    let r = app
        .http
        .put(app.admin_url(&path))
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    // Nothing was recorded: the request can still be read and accepted.
    assert_eq!(login_request(&app, &login).await.status, StatusCode::OK);
    decide(&app, "login", "accept", &login, json!({"subject": "alice"})).await;
}
