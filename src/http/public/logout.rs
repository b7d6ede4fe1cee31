//! `GET|POST /oauth2/sessions/logout` (OpenID Connect RP-Initiated Logout).

use super::authorize::render;
use crate::http::extract::{cookies, Now};
use crate::http::HttpState;
use crate::paths::public::LOGOUT;
use crate::protocol::authorize::Params;
use crate::protocol::flow::BrowserReply;
use crate::service::flow::Flow;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Uri};
use axum::response::Response;
use axum::routing::get;
use axum::Router;

pub fn routes() -> Router<HttpState> {
    Router::new().route(LOGOUT, get(logout_get).post(logout_post))
}

async fn logout_get(
    State(flow): State<Flow>,
    Now(now): Now,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    run(flow, now, uri, headers, Bytes::new()).await
}

async fn logout_post(
    State(flow): State<Flow>,
    Now(now): Now,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    run(flow, now, uri, headers, body).await
}

async fn run(flow: Flow, now: i64, uri: Uri, headers: HeaderMap, body: Bytes) -> Response {
    let request_url = uri
        .path_and_query()
        .map(|p| p.as_str().to_string())
        .unwrap_or_default();
    let reply = match Params::parse(uri.query().unwrap_or(""), &body) {
        Ok(params) => {
            flow.logout(&params, &cookies(&headers), &request_url, now)
                .await
        }
        Err(e) => BrowserReply::error_page(&flow.cfg, &e, Vec::new()),
    };
    render(reply)
}
