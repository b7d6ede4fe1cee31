//! Inputs found in review that used to answer 500, grow memory or act across sites:
//! invented HTTP methods in metrics, NUL characters in identifiers, huge `max_age` and
//! `remember_for`, and cross-site "simple" requests to JSON endpoints.

use crate::flow_support::*;
use crate::helpers::Backend;
use crate::{app_or_skip, on_both_backends};
use reqwest::{Method, StatusCode};
use serde_json::json;

on_both_backends!(
    invented_methods_share_one_metrics_label,
    a_nul_in_a_client_id_is_a_client_error,
    a_nul_in_an_accepted_subject_is_a_client_error,
    huge_remember_for_is_refused_and_huge_max_age_means_no_limit,
    cross_site_simple_requests_to_the_admin_json_api_are_refused,
);

async fn invented_methods_share_one_metrics_label(backend: Backend) {
    let app = app_or_skip!(backend);
    for m in ["FOO123", "FOO124"] {
        let r = app
            .http
            .request(
                Method::from_bytes(m.as_bytes()).unwrap(),
                app.public_url("/"),
            )
            .send()
            .await
            .unwrap();
        assert!(r.status().is_client_error(), "{m}: {}", r.status());
    }
    let text = app
        .http
        .get(app.admin_url("/metrics/prometheus"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!text.contains("FOO12"), "{text}");
    assert!(text.contains(r#"method="other""#), "{text}");
}

async fn a_nul_in_a_client_id_is_a_client_error(backend: Backend) {
    let app = app_or_skip!(backend);
    let token = app.public_url("/oauth2/token");
    let attempts = [
        app.http
            .post(&token)
            .header("Content-Type", "application/x-www-form-urlencoded")
            .body("grant_type=client_credentials&client_id=%00&client_secret=x"),
        app.http
            .post(&token)
            .basic_auth("%00", Some("secret"))
            .form(&[("grant_type", "client_credentials")]),
        app.http
            .post(app.public_url("/oauth2/revoke"))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .body("token=abc&client_id=a%00b"),
    ];
    for rb in attempts {
        let r = rb.send().await.unwrap();
        let status = r.status();
        let body: serde_json::Value = r.json().await.unwrap();
        // PostgreSQL cannot hold a NUL, so the request is malformed there; SQLite simply
        // finds no such client.
        let expected = match backend {
            Backend::Postgres => (StatusCode::BAD_REQUEST, "invalid_request"),
            Backend::Sqlite => (StatusCode::UNAUTHORIZED, "invalid_client"),
        };
        assert_eq!(
            (status, body["error"].as_str().unwrap()),
            expected,
            "{body}"
        );
    }
}

async fn a_nul_in_an_accepted_subject_is_a_client_error(backend: Backend) {
    let app = app_or_skip!(backend);
    create_client(&app, "app", json!({})).await;
    let b = browser();
    // PostgreSQL refuses to store a NUL (400); SQLite stores it like any character.
    let nul_status = match backend {
        Backend::Postgres => StatusCode::BAD_REQUEST,
        Backend::Sqlite => StatusCode::OK,
    };
    let login = start(&app, &b, &auth_url(&app, "app", "")).await;
    let a = admin(
        &app,
        Method::PUT,
        &format!("/oauth2/auth/requests/login/accept?login_challenge={login}"),
        Some(json!({"subject": "alice\u{0}"})),
    )
    .await;
    assert_eq!(a.status, nul_status, "{:?}", a.body);
    let a = admin(
        &app,
        Method::GET,
        "/oauth2/auth/sessions/consent?subject=%00",
        None,
    )
    .await;
    assert_eq!(a.status, nul_status, "{:?}", a.body);
}

async fn huge_remember_for_is_refused_and_huge_max_age_means_no_limit(backend: Backend) {
    let app = app_or_skip!(backend);
    create_client(&app, "app", json!({})).await;
    let b = browser();

    let login = start(&app, &b, &auth_url(&app, "app", "")).await;
    let a = admin(
        &app,
        Method::PUT,
        &format!("/oauth2/auth/requests/login/accept?login_challenge={login}"),
        Some(json!({"subject": "alice", "remember": true, "remember_for": i64::MAX})),
    )
    .await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST, "{:?}", a.body);
    assert!(
        a.body["error_description"]
            .as_str()
            .unwrap()
            .contains("remember_for"),
        "{:?}",
        a.body
    );
    // The request is still open: a sane value is accepted.
    let to = decide(
        &app,
        "login",
        "accept",
        &login,
        json!({"subject": "alice", "remember": true, "remember_for": 3600}),
    )
    .await;
    let consent = to_consent(&app, &b, &to).await;
    let a = admin(
        &app,
        Method::PUT,
        &format!("/oauth2/auth/requests/consent/accept?consent_challenge={consent}"),
        Some(json!({"grant_scope": ["openid"], "remember": true, "remember_for": i64::MAX})),
    )
    .await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST, "{:?}", a.body);
    let to = decide(&app, "consent", "accept", &consent, accept_all()).await;
    assert_code(&app, &follow(&b, &to).await);

    // The remembered session is younger than any max_age, however large.
    let login = start(
        &app,
        &b,
        &auth_url(&app, "app", &format!("&max_age={}", i64::MAX)),
    )
    .await;
    let r = login_request(&app, &login).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    assert_eq!(r.body["skip"], true, "{:?}", r.body);
    assert_eq!(r.body["subject"], "alice");
}

async fn cross_site_simple_requests_to_the_admin_json_api_are_refused(backend: Backend) {
    let app = app_or_skip!(backend);
    let body = |id: &str| {
        json!({"client_id": id, "redirect_uris": ["https://evil.example/cb"]}).to_string()
    };
    let clients = app.admin_url("/clients");
    // What a page on another site can send without a CORS preflight.
    let forged = [
        app.http
            .post(&clients)
            .header("Origin", "https://evil.example")
            .header("Sec-Fetch-Site", "cross-site")
            .header("Content-Type", "text/plain;charset=UTF-8")
            .body(body("forged-1")),
        app.http
            .post(&clients)
            .header("Origin", "https://evil.example")
            .header("Content-Type", "application/x-www-form-urlencoded")
            .body(body("forged-2")),
        app.http
            .post(&clients)
            .header("Sec-Fetch-Site", "same-site")
            .body(body("forged-3")),
    ];
    for rb in forged {
        let r = rb.send().await.unwrap();
        assert_eq!(r.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
        let e: serde_json::Value = r.json().await.unwrap();
        assert_eq!(e["status_code"], 415, "{e}");
        assert!(e["error_description"]
            .as_str()
            .unwrap()
            .contains("application/json"));
    }
    let list = admin(&app, Method::GET, "/clients", None).await;
    assert_eq!(list.body.as_array().unwrap().len(), 0, "{:?}", list.body);

    // curl without a Content-Type (no Origin), a browser on the same origin, and a
    // cross-origin request with a JSON type (which browsers preflight) still work.
    let allowed = [
        app.http.post(&clients).body(body("curl")),
        app.http
            .post(&clients)
            .header("Sec-Fetch-Site", "same-origin")
            .header("Content-Type", "text/plain")
            .body(body("same-origin")),
        app.http
            .post(&clients)
            .header("Origin", "https://admin.example")
            .header("Content-Type", "application/json")
            .body(body("preflighted")),
    ];
    for rb in allowed {
        let r = rb.send().await.unwrap();
        assert_eq!(r.status(), StatusCode::CREATED);
    }
}
