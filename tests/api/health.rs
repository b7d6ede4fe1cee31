use crate::helpers::Backend;
use crate::{app_or_skip, on_both_backends};
use serde_json::Value;

on_both_backends!(
    health_endpoints_answer_on_both_routers,
    version_and_metrics_are_on_the_admin_router_only,
    unknown_routes_and_wrong_methods_get_json_errors,
    request_ids_are_echoed_or_generated,
    restart_keeps_working_on_the_same_database,
);

async fn health_endpoints_answer_on_both_routers(backend: Backend) {
    let app = app_or_skip!(backend);
    for base in [&app.public, &app.admin] {
        for path in ["/health/alive", "/health/ready"] {
            let r = app.http.get(format!("{base}{path}")).send().await.unwrap();
            assert_eq!(r.status(), 200, "{base}{path}");
            let body: Value = r.json().await.unwrap();
            assert_eq!(body["status"], "ok");
        }
    }
}

async fn version_and_metrics_are_on_the_admin_router_only(backend: Backend) {
    let app = app_or_skip!(backend);
    let v: Value = app
        .http
        .get(app.admin_url("/version"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(v["version"], format!("v{}", env!("CARGO_PKG_VERSION")));

    app.http
        .get(app.public_url("/health/alive"))
        .send()
        .await
        .unwrap();
    let r = app
        .http
        .get(app.admin_url("/metrics/prometheus"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let text = r.text().await.unwrap();
    assert!(
        text.contains(r#"http_requests_total{method="GET",route="/health/alive",router="public",status="200"}"#),
        "{text}"
    );
    assert!(
        text.contains("http_request_duration_seconds_bucket"),
        "{text}"
    );

    for path in ["/version", "/metrics/prometheus"] {
        let r = app.http.get(app.public_url(path)).send().await.unwrap();
        assert_eq!(r.status(), 404, "{path} must not be public");
    }
}

async fn unknown_routes_and_wrong_methods_get_json_errors(backend: Backend) {
    let app = app_or_skip!(backend);
    let r = app
        .http
        .get(app.admin_url("/no/such/thing"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["status_code"], 404);
    assert_eq!(body["error"], "Not Found");
    assert!(body["error_description"].as_str().unwrap().len() > 5);
    assert!(body["request_id"].as_str().is_some());

    let r = app
        .http
        .delete(app.admin_url("/version"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 405);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["status_code"], 405);

    let r = app.http.get(app.public_url("/nope")).send().await.unwrap();
    assert_eq!(r.status(), 404);
    assert_eq!(r.headers()["content-type"], "application/json");
}

async fn request_ids_are_echoed_or_generated(backend: Backend) {
    let app = app_or_skip!(backend);
    let r = app
        .http
        .get(app.admin_url("/missing"))
        .header("x-request-id", "trace-abc-123")
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["x-request-id"], "trace-abc-123");
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["request_id"], "trace-abc-123");

    // A header that could smuggle log lines is replaced, not echoed.
    let r = app
        .http
        .get(app.admin_url("/health/alive"))
        .header("x-request-id", "evil value with spaces")
        .send()
        .await
        .unwrap();
    let id = r.headers()["x-request-id"].to_str().unwrap().to_string();
    assert_ne!(id, "evil value with spaces");
    assert_eq!(id.len(), 36, "a generated UUID");
}

async fn restart_keeps_working_on_the_same_database(backend: Backend) {
    let app = app_or_skip!(backend);
    let app = app.restart().await;
    let r = app
        .http
        .get(app.admin_url("/health/ready"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
}

#[tokio::test]
async fn cors_is_applied_to_the_public_router_when_enabled() {
    let app = app_or_skip!(Backend::Sqlite, |s| {
        s.serve.public.cors.enabled = true;
        s.serve.public.cors.allowed_origins = vec!["https://app.example.com".into()];
    });
    let r = app
        .http
        .request(reqwest::Method::OPTIONS, app.public_url("/health/alive"))
        .header("Origin", "https://app.example.com")
        .header("Access-Control-Request-Method", "GET")
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.headers()["access-control-allow-origin"],
        "https://app.example.com"
    );

    let r = app
        .http
        .get(app.public_url("/health/alive"))
        .header("Origin", "https://evil.example.com")
        .send()
        .await
        .unwrap();
    assert!(r.headers().get("access-control-allow-origin").is_none());

    // The admin router has its own (disabled) CORS settings.
    let r = app
        .http
        .get(app.admin_url("/health/alive"))
        .header("Origin", "https://app.example.com")
        .send()
        .await
        .unwrap();
    assert!(r.headers().get("access-control-allow-origin").is_none());
}
