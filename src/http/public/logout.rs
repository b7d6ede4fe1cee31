//! `GET|POST /oauth2/sessions/logout` (OpenID Connect RP-Initiated Logout), and the
//! front-channel logout page.

use super::authorize::{cookies, render};
use crate::app::AppState;
use crate::clock::now;
use crate::flow::BrowserReply;
use crate::oauth2::authorize::response::html_escape;
use crate::oauth2::authorize::Params;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Uri};
use axum::response::Response;
use axum::routing::get;
use axum::Router;

pub const LOGOUT: &str = "/oauth2/sessions/logout";

pub fn routes() -> Router<AppState> {
    Router::new().route(LOGOUT, get(logout_get).post(logout_post))
}

async fn logout_get(State(state): State<AppState>, uri: Uri, headers: HeaderMap) -> Response {
    run(state, uri, headers, Bytes::new()).await
}

async fn logout_post(
    State(state): State<AppState>,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    run(state, uri, headers, body).await
}

async fn run(state: AppState, uri: Uri, headers: HeaderMap, body: Bytes) -> Response {
    let request_url = uri
        .path_and_query()
        .map(|p| p.as_str().to_string())
        .unwrap_or_default();
    let reply = match Params::parse(uri.query().unwrap_or(""), &body) {
        Ok(params) => {
            crate::flow::end_session::logout(
                &state,
                &params,
                &cookies(&headers),
                &request_url,
                now(),
            )
            .await
        }
        Err(e) => BrowserReply::error_page(
            &crate::flow::config::FlowConfig::new(&state),
            &e,
            Vec::new(),
        ),
    };
    render(reply)
}

/// Loads every front-channel logout URL in a hidden iframe, then continues to
/// `redirect_to` once all have loaded (or after a few seconds regardless).
pub fn frontchannel_page(urls: &[String], redirect_to: &str) -> String {
    let frames: String = urls
        .iter()
        .map(|u| {
            format!(
                "<iframe src=\"{}\" style=\"display:none\" onload=\"loaded()\"></iframe>",
                html_escape(u)
            )
        })
        .collect();
    let target = html_escape(redirect_to);
    // The target is passed to the script through an attribute, never spliced into code.
    format!(
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>Logging out</title>\
         <meta http-equiv=\"refresh\" content=\"7; url={target}\"></head>\
         <body data-next=\"{target}\"><p>Logging out&hellip; <a href=\"{target}\">Continue</a></p>\
         <script>var left = {n};\
         function loaded() {{ left -= 1; if (left <= 0) {{ window.location.replace(document.body.getAttribute('data-next')); }} }}\
         </script>{frames}</body></html>",
        n = urls.len()
    )
}
