//! Built-in pages under `/oauth2/fallbacks/`: the error page (the default `urls.error`),
//! placeholders for the login, consent and logout apps when none is configured, and the
//! default post-logout page. Everything shown is HTML-escaped.

use super::authorize::html;
use crate::http::HttpState;
use crate::paths::public::fallbacks::{CONSENT, ERROR, LOGIN, LOGOUT, LOGOUT_CALLBACK};
use crate::protocol::authorize::response::html_escape;
use axum::http::{header, HeaderValue, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;

pub fn routes() -> Router<HttpState> {
    Router::new()
        .route(ERROR, get(error))
        .route(LOGIN, get(|| not_configured("login", "URLS_LOGIN")))
        .route(CONSENT, get(|| not_configured("consent", "URLS_CONSENT")))
        .route(LOGOUT, get(|| not_configured("logout", "URLS_LOGOUT")))
        .route(LOGOUT_CALLBACK, get(logged_out))
}

fn page(title: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>{t}</title></head>\
         <body><h1>{t}</h1>{body}</body></html>",
        t = html_escape(title)
    )
}

fn secured(mut r: Response) -> Response {
    let h = r.headers_mut();
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'none'"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    r
}

async fn error(uri: Uri) -> Response {
    let mut rows = String::new();
    for (k, v) in url::form_urlencoded::parse(uri.query().unwrap_or("").as_bytes()) {
        if matches!(
            k.as_ref(),
            "error" | "error_description" | "error_hint" | "error_debug"
        ) {
            rows.push_str(&format!(
                "<dt>{}</dt><dd>{}</dd>",
                html_escape(&k),
                html_escape(&v)
            ));
        }
    }
    let body = page("An error occurred", &format!("<dl>{rows}</dl>"));
    let mut r = html(body);
    *r.status_mut() = StatusCode::OK;
    secured(r)
}

async fn not_configured(app: &'static str, key: &'static str) -> Response {
    let body = page(
        &format!("The {app} app is not configured"),
        &format!(
            "<p>This server has no {} user interface. The operator must set <code>{}</code>.</p>",
            html_escape(app),
            html_escape(key)
        ),
    );
    secured(html(body).into_response())
}

async fn logged_out() -> Response {
    secured(html(page(
        "You have been logged out",
        "<p>You can close this window.</p>",
    )))
}
