//! `POST /oauth2/token`.

use crate::http::error::{no_store_json, OAuthReply};
use crate::http::extract::{authorization, oauth_body, Now};
use crate::http::HttpState;
use crate::paths::public::TOKEN;
use crate::service::oauth2::OAuth2;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::post;
use axum::Router;

pub fn routes() -> Router<HttpState> {
    Router::new().route(TOKEN, post(handle))
}

async fn handle(
    State(oauth2): State<OAuth2>,
    Now(now): Now,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, OAuthReply> {
    let style = oauth2.cfg.errors;
    let body = oauth_body(body).map_err(|e| OAuthReply::new(e, style))?;
    match oauth2.token(authorization(&headers), &body, now).await {
        Ok(answer) => Ok(no_store_json(&answer)),
        Err(e) => Err(OAuthReply::new(e, style)),
    }
}
