//! `POST /oauth2/revoke` (RFC 7009).

use crate::http::error::{no_store, OAuthReply};
use crate::http::extract::{authorization, oauth_body, Now};
use crate::http::HttpState;
use crate::paths::public::REVOKE;
use crate::service::oauth2::OAuth2;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::Router;

pub fn routes() -> Router<HttpState> {
    Router::new().route(REVOKE, post(handle))
}

async fn handle(
    State(oauth2): State<OAuth2>,
    Now(now): Now,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, OAuthReply> {
    let style = oauth2.cfg.errors;
    let body = oauth_body(body).map_err(|e| OAuthReply::new(e, style))?;
    oauth2
        .revoke(authorization(&headers), &body, now)
        .await
        .map_err(|e| OAuthReply::new(e, style))?;
    Ok(no_store(StatusCode::OK.into_response()))
}
