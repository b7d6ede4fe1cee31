//! `POST /oauth2/token`.

use crate::app::AppState;
use crate::clock::now;
use crate::config::Settings;
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

/// An error as Hydra 1.9.2 writes it under the configured style: by default
/// `{"error", "error_description"}` (description, hint and, with
/// `oauth2.expose_internal_errors`, debug); with `oauth2.include_legacy_error_fields`
/// also `error_hint`, `status_code` and `error_debug`, the description without the hint.
pub(crate) fn error_response(e: OAuth2Error, s: &Settings) -> Response {
    let expose = s.oauth2.expose_internal_errors;
    let debug = e.debug.clone().filter(|_| expose);
    if !s.oauth2.include_legacy_error_fields {
        let mut e = e;
        if let Some(d) = debug {
            e.description = format!("{} {}", e.description, d.replace('"', "'"));
        }
        return to_http(e).into_response();
    }
    let mut body = serde_json::json!({
        "error": e.code,
        "error_description": e.base_description(),
        "status_code": e.status,
    });
    if !e.hint.is_empty() {
        body["error_hint"] = e.hint.clone().into();
    }
    if let Some(d) = debug {
        body["error_debug"] = d.replace('"', "'").into();
    }
    let http = to_http(e);
    let mut resp = no_store_json(&body);
    *resp.status_mut() = http.status;
    if let Some(challenge) = http.www_authenticate {
        resp.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            HeaderValue::from_static(challenge),
        );
    }
    resp
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
    match token(&state, authorization(&headers), &body, now()).await {
        Ok(answer) => Ok(no_store_json(&answer)),
        Err(e) => Ok(error_response(e, &state.settings)),
    }
}
