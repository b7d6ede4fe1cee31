//! `POST /oauth2/token`.

use crate::app::AppState;
use crate::http::OAuthError;
use crate::oauth2::error::OAuth2Error;
use crate::oauth2::token::token;
use crate::oidc::discovery::TOKEN_PATH;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::Router;

pub fn routes() -> Router<AppState> {
    Router::new().route(TOKEN_PATH, post(handle))
}

pub(crate) fn now() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

/// The RFC 6749 §5.2 rendering of a protocol error.
pub(crate) fn to_http(e: OAuth2Error) -> OAuthError {
    let status = StatusCode::from_u16(e.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut out = OAuthError::new(status, e.code, e.description);
    if e.basic_challenge {
        out = out.with_basic_challenge();
    }
    if e.bearer_challenge {
        out.www_authenticate = Some("Bearer error=\"invalid_token\"");
    }
    out
}

/// The body, or the error a client gets for an unreadable or oversized one.
pub(crate) fn body_or_error(body: Result<Bytes, BytesRejection>) -> Result<Bytes, OAuthError> {
    body.map_err(|r| {
        let status = if r.status() == StatusCode::PAYLOAD_TOO_LARGE {
            StatusCode::PAYLOAD_TOO_LARGE
        } else {
            StatusCode::BAD_REQUEST
        };
        OAuthError::new(
            status,
            "invalid_request",
            "The request body could not be read.",
        )
    })
}

pub(crate) fn authorization(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
}

/// JSON with `Cache-Control: no-store` and `Pragma: no-cache` (RFC 6749 §5.1).
pub(crate) fn no_store_json(value: &impl serde::Serialize) -> Response {
    let mut resp = axum::Json(value).into_response();
    let h = resp.headers_mut();
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
    resp
}

async fn handle(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, OAuthError> {
    let body = body_or_error(body)?;
    let answer = token(&state, authorization(&headers), &body, now())
        .await
        .map_err(to_http)?;
    Ok(no_store_json(&answer))
}
