//! A tiny relying party: its `/callback` receives the authorization code, exchanges it at
//! the token endpoint (client_secret_basic) and greets the user with the ID token's
//! claims, as a real web application would.

use axum::extract::{Query, State};
use axum::response::Html;
use axum::routing::get;
use axum::Router;
use base64::Engine;
use portcullis::http::pages::html::esc;
use serde_json::Value;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use tokio::net::TcpListener;

pub const CLIENT_ID: &str = "photo-gallery";
pub const CLIENT_SECRET: &str = "a-client-secret-for-the-browser";
pub const STATE: &str = "state-from-the-gallery";

#[derive(Clone)]
struct AppData {
    token_endpoint: String,
    redirect_uri: String,
    tokens: Arc<Mutex<Option<Value>>>,
}

pub struct ClientApp {
    pub redirect_uri: String,
    pub logo_uri: String,
    /// The token response the callback got, once it has run.
    pub tokens: Arc<Mutex<Option<Value>>>,
}

/// Serves the client on a free port; `issuer_base` is the server's public URL.
pub async fn start(issuer_base: &str) -> ClientApp {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let redirect_uri = format!("http://{}/callback", listener.local_addr().unwrap());
    let data = AppData {
        token_endpoint: format!("{issuer_base}/oauth2/token"),
        redirect_uri: redirect_uri.clone(),
        tokens: Arc::new(Mutex::new(None)),
    };
    let tokens = data.tokens.clone();
    let router = Router::new()
        .route("/callback", get(callback))
        .route("/logo.svg", get(logo))
        .with_state(data);
    tokio::spawn(async move { axum::serve(listener, router).await });
    ClientApp {
        logo_uri: redirect_uri.replace("/callback", "/logo.svg"),
        redirect_uri,
        tokens,
    }
}

async fn callback(
    State(d): State<AppData>,
    Query(q): Query<HashMap<String, String>>,
) -> Html<String> {
    if let Some(e) = q.get("error") {
        return page(
            "Sign-in failed",
            &format!("<p>The server said: {}</p>", esc(e)),
        );
    }
    if q.get("state").map(String::as_str) != Some(STATE) {
        return page("Sign-in failed", "<p>The state does not match.</p>");
    }
    let code = q.get("code").cloned().unwrap_or_default();
    let r = reqwest::Client::new()
        .post(&d.token_endpoint)
        .basic_auth(CLIENT_ID, Some(CLIENT_SECRET))
        .form(&[
            ("grant_type", "authorization_code"),
            ("code", code.as_str()),
            ("redirect_uri", d.redirect_uri.as_str()),
        ])
        .send()
        .await
        .unwrap();
    let tokens: Value = r.json().await.unwrap();
    let claims = tokens["id_token"]
        .as_str()
        .and_then(|t| t.split('.').nth(1))
        .and_then(|p| {
            base64::engine::general_purpose::URL_SAFE_NO_PAD
                .decode(p)
                .ok()
        })
        .and_then(|b| serde_json::from_slice::<Value>(&b).ok())
        .unwrap_or(Value::Null);
    *d.tokens.lock().unwrap() = Some(tokens);
    let list = |k: &str| {
        claims[k]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(Value::as_str)
                    .collect::<Vec<_>>()
                    .join(", ")
            })
            .unwrap_or_default()
    };
    page(
        "Photo Gallery",
        &format!(
            "<p id=\"welcome\">Welcome, {}!</p><p>Email: {}</p><p>Roles: {}</p><p>Groups: {}</p>",
            esc(claims["name"].as_str().unwrap_or("")),
            esc(claims["email"].as_str().unwrap_or("")),
            esc(&list("roles")),
            esc(&list("groups")),
        ),
    )
}

fn page(title: &str, body: &str) -> Html<String> {
    Html(format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{t}</title></head>\
         <body style=\"font-family:sans-serif;margin:2rem\"><h1>{t}</h1>{body}</body></html>",
        t = esc(title)
    ))
}

/// The client's logo (an image the consent page shows).
async fn logo() -> ([(axum::http::HeaderName, &'static str); 1], &'static str) {
    (
        [(axum::http::header::CONTENT_TYPE, "image/svg+xml")],
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 48 48\">\
         <rect width=\"48\" height=\"48\" rx=\"10\" fill=\"#f59e0b\"/>\
         <circle cx=\"17\" cy=\"18\" r=\"5\" fill=\"#fff\"/>\
         <path d=\"M6 38l12-14 8 9 6-6 10 11z\" fill=\"#fff\"/></svg>",
    )
}
