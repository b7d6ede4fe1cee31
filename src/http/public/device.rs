//! `POST /oauth2/device/auth` (RFC 8628 §3.1) and `GET /oauth2/device/verify`, the
//! verification URI the user opens (Hydra v26's paths). The grant lives in
//! `service::oauth2::device` and `service::flow::device`.

use super::authorize::render;
use crate::http::error::{no_store_json, OAuthReply};
use crate::http::extract::{authorization, cookies, oauth_body, Now};
use crate::http::HttpState;
use crate::paths::public::{DEVICE_AUTH, DEVICE_VERIFY};
use crate::protocol::authorize::Params;
use crate::protocol::flow::BrowserReply;
use crate::service::flow::Flow;
use crate::service::oauth2::OAuth2;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::State;
use axum::http::{HeaderMap, Uri};
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;

pub fn routes() -> Router<HttpState> {
    Router::new()
        .route(DEVICE_AUTH, post(device_auth))
        .route(DEVICE_VERIFY, get(device_verify))
}

async fn device_auth(
    State(oauth2): State<OAuth2>,
    Now(now): Now,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, OAuthReply> {
    let style = oauth2.cfg.errors;
    let body = oauth_body(body).map_err(|e| OAuthReply::new(e, style))?;
    match oauth2
        .device_authorization(authorization(&headers), &body, now)
        .await
    {
        Ok(answer) => Ok(no_store_json(&answer)),
        Err(e) => Err(OAuthReply::new(e, style)),
    }
}

async fn device_verify(
    State(flow): State<Flow>,
    Now(now): Now,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    let reply = match Params::parse(uri.query().unwrap_or(""), &[]) {
        Ok(params) => flow.device_verify(&params, &cookies(&headers), now).await,
        Err(e) => BrowserReply::error_page(&flow.cfg, &e, Vec::new()),
    };
    render(reply)
}
