//! JSON Web Keys over HTTP: Hydra 1.9.2's `/keys`, the newer `/admin/keys`, and the
//! public `/.well-known/jwks.json`; keys across restarts and secret rotation.

mod api;
mod jwks;
mod storage;

use crate::helpers::TestApp;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

pub const PRIVATE: [&str; 7] = ["d", "p", "q", "dp", "dq", "qi", "k"];

pub struct Answer {
    pub status: StatusCode,
    pub headers: reqwest::header::HeaderMap,
    pub body: Value,
}

pub async fn send(app: &TestApp, url: String, method: Method, body: Option<String>) -> Answer {
    let mut req = app.http.request(method, url);
    if let Some(b) = body {
        req = req.header("content-type", "application/json").body(b);
    }
    let r = req.send().await.unwrap();
    let status = r.status();
    let headers = r.headers().clone();
    let text = r.text().await.unwrap();
    let body = if text.is_empty() {
        Value::Null
    } else {
        serde_json::from_str(&text).unwrap_or_else(|_| panic!("not JSON: {text}"))
    };
    Answer {
        status,
        headers,
        body,
    }
}

pub async fn admin(app: &TestApp, method: Method, path: &str, body: Option<Value>) -> Answer {
    send(
        app,
        app.admin_url(path),
        method,
        body.map(|b| b.to_string()),
    )
    .await
}

pub async fn generate(app: &TestApp, set: &str, alg: &str, kid: &str) -> Vec<Value> {
    let a = admin(
        app,
        Method::POST,
        &format!("/keys/{set}"),
        Some(json!({"alg": alg, "use": "sig", "kid": kid})),
    )
    .await;
    assert_eq!(a.status, 201, "{}", a.body);
    a.body["keys"].as_array().unwrap().clone()
}

pub async fn get_set(app: &TestApp, set: &str) -> Vec<Value> {
    let a = admin(app, Method::GET, &format!("/keys/{set}"), None).await;
    assert_eq!(a.status, 200, "{}", a.body);
    a.body["keys"].as_array().unwrap().clone()
}

pub async fn jwks(app: &TestApp) -> Answer {
    send(
        app,
        app.public_url("/.well-known/jwks.json"),
        Method::GET,
        None,
    )
    .await
}

pub fn kids(keys: &[Value]) -> Vec<&str> {
    keys.iter().map(|k| k["kid"].as_str().unwrap()).collect()
}

pub fn assert_generic_error(a: &Answer, status: u16) {
    assert_eq!(a.status.as_u16(), status, "{}", a.body);
    assert_eq!(a.body["status_code"], status, "{}", a.body);
    assert!(
        a.body["error"].as_str().is_some_and(|e| !e.is_empty()),
        "{}",
        a.body
    );
    assert!(
        a.body["error_description"]
            .as_str()
            .is_some_and(|e| !e.is_empty()),
        "{}",
        a.body
    );
    assert!(a.body["request_id"].is_string(), "{}", a.body);
}
