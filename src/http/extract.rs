//! Body and query extractors whose rejections use our error formats.
//!
//! Bodies are decoded whatever the `Content-Type` says, as Hydra does, so that a curl
//! call without the header still works; an oversized body is 413, a malformed one 400.

use super::error::{ApiError, OAuthError};
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::StatusCode;
use serde::de::DeserializeOwned;

fn body_error(r: BytesRejection) -> (StatusCode, String) {
    let status = r.status();
    if status == StatusCode::PAYLOAD_TOO_LARGE {
        (
            status,
            "The request body is larger than the server accepts".into(),
        )
    } else {
        (
            StatusCode::BAD_REQUEST,
            format!("The request body could not be read: {r}"),
        )
    }
}

fn json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, String> {
    let de = &mut serde_json::Deserializer::from_slice(bytes);
    serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        if path == "." {
            format!(
                "The request body is not valid JSON for this endpoint: {}",
                e.into_inner()
            )
        } else {
            format!(
                "The request body field `{path}` is invalid: {}",
                e.into_inner()
            )
        }
    })
}

fn urlencoded<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, String> {
    serde_urlencoded::from_bytes(bytes)
        .map_err(|e| format!("The request parameters are malformed: {e}"))
}

/// A JSON body for the admin API.
pub struct Json<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for Json<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let bytes = Bytes::from_request(req, state).await.map_err(|r| {
            let (status, msg) = body_error(r);
            if status == StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::payload_too_large(msg)
            } else {
                ApiError::bad_request(msg)
            }
        })?;
        json(&bytes).map(Json).map_err(ApiError::bad_request)
    }
}

/// A query string for the admin API.
pub struct Query<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for Query<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let q = parts.uri.query().unwrap_or("");
        urlencoded(q.as_bytes())
            .map(Query)
            .map_err(ApiError::bad_request)
    }
}

/// An `application/x-www-form-urlencoded` body for OAuth 2.0 endpoints.
pub struct Form<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for Form<T> {
    type Rejection = OAuthError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let bytes = Bytes::from_request(req, state).await.map_err(|r| {
            let (status, msg) = body_error(r);
            OAuthError::new(status, "invalid_request", msg)
        })?;
        urlencoded(&bytes)
            .map(Form)
            .map_err(OAuthError::invalid_request)
    }
}

/// A query string for OAuth 2.0 endpoints.
pub struct OAuthQuery<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for OAuthQuery<T> {
    type Rejection = OAuthError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let q = parts.uri.query().unwrap_or("");
        urlencoded(q.as_bytes())
            .map(OAuthQuery)
            .map_err(OAuthError::invalid_request)
    }
}
