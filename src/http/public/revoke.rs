//! `POST /oauth2/revoke` (RFC 7009).

use super::token::{authorization, body_or_error, error_response};
use crate::app::AppState;
use crate::clock::now;
use crate::http::OAuthError;
use crate::oauth2::revoke::revoke;
use crate::oidc::discovery::REVOKE_PATH;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::Router;

pub fn routes() -> Router<AppState> {
    Router::new().route(REVOKE_PATH, post(handle))
}

async fn handle(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, OAuthError> {
    let body = body_or_error(body)?;
    if let Err(e) = revoke(&state, authorization(&headers), &body, now()).await {
        return Ok(error_response(e, &state.settings));
    }
    let mut resp = StatusCode::OK.into_response();
    let h = resp.headers_mut();
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
    Ok(resp)
}
