//! Router-level tests: the real routers with their middleware, driven in-process with
//! `tower::ServiceExt::oneshot` (no sockets) on a real SQLite database, with the clock
//! fixed so that issued-at and expiry are exact.

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use base64::Engine;
use portcullis::clock::Clock;
use portcullis::config::Settings;
use portcullis::secret::Secret;
use portcullis::{App, BuildOptions};
use serde_json::{json, Value};
use tower::ServiceExt;

const T0: i64 = 1_800_000_000;

async fn app_at(db: &std::path::Path, now: i64) -> App {
    let mut s = Settings {
        dsn: Some(format!("sqlite://{}", db.display())),
        ..Settings::default()
    };
    s.secrets.system = vec![Secret::new("router-test-system-secret")];
    s.urls.self_.issuer = Some("https://op.example/".into());
    let opts = BuildOptions {
        clock: Clock::Fixed(now),
        ..BuildOptions::default()
    };
    App::build(s, opts).await.expect("the app builds")
}

async fn call(router: &Router, req: Request<Body>) -> (StatusCode, Value) {
    let resp = router.clone().oneshot(req).await.expect("infallible");
    let status = resp.status();
    let bytes = axum::body::to_bytes(resp.into_body(), 1 << 20)
        .await
        .expect("body");
    let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    (status, body)
}

fn form(uri: &str, body: &str) -> Request<Body> {
    Request::post(uri)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(body.to_string()))
        .expect("request")
}

fn basic(id: &str, secret: &str) -> String {
    let raw = format!("{id}:{secret}");
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(raw)
    )
}

async fn register_machine_client(admin: &Router) {
    let req = Request::post("/clients")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(
            json!({"client_id": "reports", "client_secret": "a-long-client-secret",
                   "grant_types": ["client_credentials"], "scope": "read write"})
            .to_string(),
        ))
        .expect("request");
    let (status, body) = call(admin, req).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
}

async fn client_credentials_token(public: &Router) -> String {
    let mut req = form("/oauth2/token", "grant_type=client_credentials&scope=read");
    req.headers_mut().insert(
        header::AUTHORIZATION,
        basic("reports", "a-long-client-secret")
            .parse()
            .expect("header"),
    );
    let (status, body) = call(public, req).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["expires_in"], 3600);
    assert_eq!(body["scope"], "read");
    body["access_token"]
        .as_str()
        .expect("an access token")
        .to_string()
}

#[tokio::test]
async fn a_token_is_issued_and_introspected_at_the_fixed_time() {
    let dir = tempfile::tempdir().expect("temp dir");
    let app = app_at(&dir.path().join("db.sqlite"), T0).await;
    let (public, admin) = (app.public_router(), app.admin_router());
    register_machine_client(&admin).await;
    let token = client_credentials_token(&public).await;

    let (status, body) = call(
        &admin,
        form("/oauth2/introspect", &format!("token={token}")),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["active"], true, "{body}");
    assert_eq!(body["iat"], T0);
    assert_eq!(body["exp"], T0 + 3600);
    assert_eq!(body["client_id"], "reports");
    assert_eq!(body["iss"], "https://op.example/");

    // The same database an hour and a second later: the token has expired.
    drop((public, admin, app));
    let later = app_at(&dir.path().join("db.sqlite"), T0 + 3601).await;
    let (status, body) = call(
        &later.admin_router(),
        form("/oauth2/introspect", &format!("token={token}")),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body, json!({"active": false}));
}

#[tokio::test]
async fn token_and_introspection_errors_are_rfc_6749_bodies() {
    let dir = tempfile::tempdir().expect("temp dir");
    let app = app_at(&dir.path().join("db.sqlite"), T0).await;
    let (public, admin) = (app.public_router(), app.admin_router());
    register_machine_client(&admin).await;

    let (status, body) = call(&public, form("/oauth2/token", "")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"], "invalid_request");

    let mut wrong = form("/oauth2/token", "grant_type=client_credentials");
    wrong.headers_mut().insert(
        header::AUTHORIZATION,
        basic("reports", "not-the-secret").parse().expect("header"),
    );
    let resp = public.clone().oneshot(wrong).await.expect("infallible");
    assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);
    assert!(resp.headers().contains_key(header::WWW_AUTHENTICATE));

    let (status, body) = call(&admin, form("/oauth2/introspect", "scope=read")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"], "invalid_request");
    assert!(body["error_description"]
        .as_str()
        .is_some_and(|d| d.contains("'token'")));
}
